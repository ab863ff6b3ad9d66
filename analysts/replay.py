"""Replay: fork a conversation at a checkpoint and let the caller say something else.

The fork is a thread of its own (`<parent>~fork-<hex>`) in the parent's checkpointer. Its
first checkpoint is a copy of the parent's, written through the saver API (`put` with every
channel version, then `put_writes` of the pending interrupt alone), so the parent's
checkpoints are never written: `graph.update_state`, or invoking with a checkpoint_id,
would fork inside the parent's own thread instead. The copy's metadata names the parent
(`fork_of`, `fork_checkpoint`), and a JSON sidecar in the forks directory records what was
said and answered; `analysts.forks` reads both back. The fork runs on a sandbox copy of the
store (`analysts.sandbox`) with the clock pinned to when the parent's agent last spoke, so
"tomorrow" means what it did.

A fork starts where the caller is asked something. A checkpoint that is not waiting for
the caller moves on to the one of the same turn that is (right after the agent's reply),
so any checkpoint of turn N means "keep turns 0..N, then the caller says ... instead".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointMetadata, CheckpointTuple
from langgraph.checkpoint.serde.types import INTERRUPT

from analysts import sandbox
from analysts.data import config_of
from analysts.forks import DEFAULT_FORKS_DIR, Fork, fork_of, sandbox_path, write_sidecar
from analysts.source import Source
from graph.conversation import Conversation
from store.port import Store
from store.sqlite import SqliteStore

FORK_MARK = "~fork-"


class ReplayError(LookupError):
    """The thread or checkpoint cannot be forked; the message says why in one line."""


class Answering(Protocol):
    """A composed agent: it answers a call on any thread of its checkpoints."""

    def conversation(self, thread_id: str) -> Conversation:
        """Return the conversation on a thread."""
        ...


Compose = Callable[[Store, BaseCheckpointSaver[str], Callable[[], datetime]], Answering]
"""Build the agent on a store, checkpoints and clock (`booking.compose.composer` makes one)."""


def replay(
    source: Source,
    thread_id: str,
    *,
    checkpoint_id: str,
    say: Sequence[str],
    compose: Compose,
    forks_dir: Path = DEFAULT_FORKS_DIR,
) -> Fork:
    """Fork a thread at a checkpoint, say each utterance as the caller, and return the fork.

    `compose` builds the agent the fork runs: the door passes the configured engine and
    calendar in it. Raises ReplayError for an unknown thread or checkpoint, a call that had
    ended there, or nothing to say; sandbox.SandboxUnavailable when the store cannot be
    copied. Either way nothing has been written yet.
    """
    if not say:
        raise ReplayError("give at least one utterance to say in the fork")
    with source.open_checkpointer() as saver:
        start = waiting_checkpoint(saver, thread_id, checkpoint_id)
        values = start.checkpoint["channel_values"]
        # Checkpoints from before CallState.now fall back to when they were written.
        now = datetime.fromisoformat(str(values.get("now") or start.checkpoint["ts"]))
        fork_id = f"{thread_id}{FORK_MARK}{uuid.uuid4().hex[:8]}"
        box = sandbox_path(forks_dir, fork_id)
        point = sandbox.ForkPoint.of(values, at=now)
        _copy_store(source, saver, thread_id=thread_id, forks_dir=forks_dir, box=box, point=point)
        copy_checkpoint(saver, start, fork_id, parent=thread_id)
        with SqliteStore(box) as store:
            agent = compose(store, saver, lambda: now)
            replies = _converse(agent.conversation(fork_id), say)
    fork = Fork(
        thread_id=fork_id,
        parent=thread_id,
        checkpoint_id=start.checkpoint["id"],
        requested_checkpoint=checkpoint_id,
        utterances=tuple(say[: len(replies)]),
        replies=tuple(replies),
        unsaid=tuple(say[len(replies) :]),
        clock=now.isoformat(),
        created_at=datetime.now(UTC).isoformat(),
        sandbox=str(box),
    )
    write_sidecar(forks_dir, fork)
    return fork


def _converse(call: Conversation, say: Sequence[str]) -> list[str]:
    """Send each utterance as the caller's next turn, while the call still waits for one."""
    replies: list[str] = []
    for line in say:
        if not call.waiting():
            break
        replies.append(call.say(line).reply)
    return replies


def waiting_checkpoint(
    saver: BaseCheckpointSaver[str], thread_id: str, checkpoint_id: str
) -> CheckpointTuple:
    """Return the checkpoint to fork at: this one, or the next of its turn awaiting the caller."""
    history = [
        saved
        for saved in saver.list(config_of(thread_id))
        if not saved.config["configurable"].get("checkpoint_ns")
    ][::-1]
    if not history:
        raise ReplayError(f"no such thread: {thread_id}")
    at = next((i for i, s in enumerate(history) if s.checkpoint["id"] == checkpoint_id), None)
    if at is None:
        raise ReplayError(f"no checkpoint {checkpoint_id} in thread {thread_id}")
    turn = _turn(history[at])
    for saved in history[at:]:
        if _turn(saved) != turn:
            break
        if any(channel == INTERRUPT for _, channel, _ in saved.pending_writes or []):
            return saved
    raise ReplayError(
        f"checkpoint {checkpoint_id} of {thread_id} is in turn {turn}, after which the call"
        " ended without waiting for the caller again: pick an earlier checkpoint"
    )


def _turn(saved: CheckpointTuple) -> int:
    return int(saved.checkpoint["channel_values"].get("turn", 0))


def copy_checkpoint(
    saver: BaseCheckpointSaver[str], saved: CheckpointTuple, fork_id: str, *, parent: str
) -> RunnableConfig:
    """Write `saved` as the first checkpoint of thread `fork_id`, linked to its parent.

    Only the pending interrupt is copied among the pending writes: a checkpoint the caller
    already answered also holds that answer and `listen`'s writes, which would replay it.
    """
    metadata = {
        **saved.metadata,
        "source": "fork",
        "fork_of": parent,
        "fork_checkpoint": saved.checkpoint["id"],
    }
    config: RunnableConfig = {"configurable": {"thread_id": fork_id, "checkpoint_ns": ""}}
    versions = saved.checkpoint["channel_versions"]  # all of them: Postgres stores blobs by it
    stored = saver.put(config, saved.checkpoint, cast(CheckpointMetadata, metadata), versions)
    interrupts: dict[str, list[tuple[str, Any]]] = {}
    for task_id, channel, value in saved.pending_writes or []:
        if channel == INTERRUPT:
            interrupts.setdefault(task_id, []).append((channel, value))
    for task_id, writes in interrupts.items():
        saver.put_writes(stored, writes, task_id)
    return stored


def _copy_store(
    source: Source,
    saver: BaseCheckpointSaver[str],
    *,
    thread_id: str,
    forks_dir: Path,
    box: Path,
    point: sandbox.ForkPoint,
) -> None:
    """Fill the fork's sandbox from the store the parent ran against; a failed copy leaves none."""
    if box.exists():
        raise sandbox.SandboxUnavailable(f"sandbox {box} exists already")
    try:
        if fork_of(saver, thread_id) is not None:  # a fork of a fork: its parent's sandbox
            parent_box = sandbox_path(forks_dir, thread_id)
            if not parent_box.is_file():
                raise sandbox.SandboxUnavailable(
                    f"{thread_id} is a fork whose sandbox {parent_box} is gone"
                )
            sandbox.from_sqlite(parent_box, box, point)
        elif source.name == "postgres":
            assert source.database_url is not None
            sandbox.from_postgres(source.database_url, box, point)
        elif source.name == "supabase":
            raise sandbox.SandboxUnavailable(
                "replay needs a copy of the store, which the Supabase API cannot give: set"
                " DATABASE_URL to the project's direct connection string instead"
            )
        else:
            sandbox.from_sqlite(Path(source.sqlite_path), box, point)
    except BaseException:
        for leftover in (box, *(box.with_name(box.name + end) for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
