"""Failure injection for crash and outage tests: a store and a checkpointer that fail on cue.

A `Faults` script is shared by `FaultyStore` (the SQLite store) and `FaultySaver` (in-memory
checkpoints). Armed with a `Fault`, the Nth call of one method fails once, before or after
it does its work ("after" is a write that was committed but whose answer never came back):

- mode "fail": the call raises the backend's outage error (StoreUnavailable, or
  CheckpointsUnavailable) and everything works again afterwards, as in a short outage;
- mode "crash": the call raises `Crash`, and every later call of either raises it too until
  `revive()`, as if the process had been killed there: nothing more is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.memory import InMemorySaver

from graph.checkpointer import CheckpointsUnavailable
from store.errors import StoreUnavailable
from store.sqlite import SqliteStore

T = TypeVar("T")


class Crash(BaseException):
    """The process dies here: no handler of the code under test may catch it."""


@dataclass(frozen=True)
class Fault:
    """Where and how to fail: the `nth` call of `target`, `when` it runs, in `mode`."""

    target: str
    """"store.<method>" or "saver.<method>"."""
    nth: int
    when: Literal["before", "after"]
    mode: Literal["fail", "crash"]

    def __str__(self) -> str:
        """Name the fault in failure messages."""
        return f"{self.mode} {self.when} {self.target}#{self.nth}"


class Faults:
    """The script both wrappers follow, and the calls they saw."""

    def __init__(self) -> None:
        """Start disarmed and alive."""
        self.armed: Fault | None = None
        self.dead = False
        self.counts: Counter[str] = Counter()
        self.calls: list[str] = []

    def arm(self, fault: Fault | None) -> None:
        """Fail at `fault` (counting calls from now on); None only records calls."""
        self.armed, self.dead = fault, False
        self.counts.clear()
        self.calls.clear()

    def revive(self) -> None:
        """End a crash: the next process finds the databases as the crash left them."""
        self.armed, self.dead = None, False

    def around(self, target: str, call: Callable[[], T]) -> T:
        """Run `call` as `target`, failing where armed."""
        if self.dead:
            raise Crash(target)
        self.counts[target] += 1
        self.calls.append(target)
        fault = self.armed
        hit = fault is not None and fault.target == target and self.counts[target] == fault.nth
        if hit and fault is not None and fault.when == "before":
            self._trip(fault)
        result = call()
        if hit and fault is not None and fault.when == "after":
            self._trip(fault)
        return result

    def _trip(self, fault: Fault) -> None:
        self.armed = None
        if fault.mode == "crash":
            self.dead = True
            raise Crash(str(fault))
        if fault.target.startswith("store."):
            raise StoreUnavailable(f"injected: {fault}")
        raise CheckpointsUnavailable(f"injected: {fault}")


class FaultyStore:
    """The SQLite store, failing on cue in the writes a turn makes (a `Store` by delegation).

    Every attribute is the store's own; the methods in `TARGETS` run under the script as
    "store.<name>". Reads are left alone: a failing read is a plain outage, tested elsewhere.
    """

    TARGETS = frozenset({"append_turn", "book", "finish_conversation"})

    def __init__(self, path: str, faults: Faults) -> None:
        """Open the store at `path` under the `faults` script."""
        self.store = SqliteStore(path)
        self.faults = faults

    def __getattr__(self, name: str) -> Any:
        """Return the store's attribute, scripted if it is one of the TARGETS."""
        found = getattr(self.store, name)
        if name not in self.TARGETS:
            return found

        def scripted(*args: Any, **kwargs: Any) -> Any:
            """Run the store's method as the script says."""
            return self.faults.around(f"store.{name}", lambda: found(*args, **kwargs))

        return scripted


class FaultySaver(InMemorySaver):
    """In-memory checkpoints, failing on cue."""

    def __init__(self, faults: Faults) -> None:
        """Keep checkpoints in memory under the `faults` script."""
        super().__init__()
        self.faults = faults

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read a checkpoint, under the script."""
        return self.faults.around(
            "saver.get_tuple", lambda: super(FaultySaver, self).get_tuple(config)
        )

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save a checkpoint, under the script."""
        return self.faults.around(
            "saver.put",
            lambda: super(FaultySaver, self).put(config, checkpoint, metadata, new_versions),
        )

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Save a node's writes, under the script."""
        self.faults.around(
            "saver.put_writes",
            lambda: super(FaultySaver, self).put_writes(config, writes, task_id, task_path),
        )
