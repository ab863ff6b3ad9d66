"""Forks on record: what each replay left behind, and where to find it.

A fork is a thread of its own in its parent's checkpointer, whose first checkpoint's
metadata names the parent (`fork_of`); a JSON sidecar in the forks directory records what
was said and answered, and a SQLite sandbox beside it holds the store the fork wrote to.
`analysts.replay` makes forks; this module names their files and reads them back.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from analysts.data import config_of
from analysts.source import Source

DEFAULT_FORKS_DIR = Path("forks")


@dataclass(frozen=True)
class ForkOrigin:
    """Where a fork came from: its parent thread and the parent checkpoint it copies."""

    parent: str
    checkpoint_id: str


@dataclass(frozen=True)
class Fork:
    """One replay, as its sidecar records it."""

    thread_id: str
    """The fork's own thread, in the parent's checkpointer."""
    parent: str
    checkpoint_id: str
    """The parent checkpoint copied: the one waiting for the caller."""
    requested_checkpoint: str
    """The checkpoint asked for; another one when that was not waiting for the caller."""
    utterances: tuple[str, ...]
    """What the caller said in the fork (those sent before the call ended)."""
    replies: tuple[str, ...]
    """The agent's reply to each utterance, in order."""
    unsaid: tuple[str, ...]
    """Utterances left over because the call had ended."""
    clock: str
    """The instant the fork's clock was pinned to (ISO)."""
    created_at: str
    sandbox: str
    """The SQLite file the fork wrote its appointments and transcript to."""


def fork_of(saver: BaseCheckpointSaver[str], thread_id: str) -> ForkOrigin | None:
    """Return what a thread was forked from, or None for a call of its own."""
    for saved in saver.list(config_of(thread_id), filter={"source": "fork"}):
        meta: dict[str, Any] = dict(saved.metadata)
        if "fork_of" in meta:
            return ForkOrigin(
                parent=str(meta["fork_of"]), checkpoint_id=str(meta["fork_checkpoint"])
            )
    return None


def write_sidecar(forks_dir: Path, fork: Fork) -> None:
    """Record a fork in its JSON sidecar, named after its thread."""
    sidecar = _file(forks_dir, fork.thread_id, ".json")
    sidecar.write_text(json.dumps(asdict(fork), indent=2) + "\n", encoding="utf-8")


def forks(forks_dir: Path = DEFAULT_FORKS_DIR) -> list[Fork]:
    """Return the forks recorded in a forks directory, the oldest first."""
    found: list[Fork] = []
    for sidecar in forks_dir.glob("*.json"):
        try:
            found.append(_fork(json.loads(sidecar.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a sidecar of ours
    return sorted(found, key=lambda fork: fork.created_at)


def _fork(data: dict[str, Any]) -> Fork:
    """Read a sidecar back; a missing field raises KeyError."""
    return Fork(
        thread_id=str(data["thread_id"]),
        parent=str(data["parent"]),
        checkpoint_id=str(data["checkpoint_id"]),
        requested_checkpoint=str(data["requested_checkpoint"]),
        utterances=tuple(map(str, data["utterances"])),
        replies=tuple(map(str, data["replies"])),
        unsaid=tuple(map(str, data["unsaid"])),
        clock=str(data["clock"]),
        created_at=str(data["created_at"]),
        sandbox=str(data["sandbox"]),
    )


def default_forks_dir(source: Source) -> Path:
    """Return where forks go by default: beside the SQLite file (`booking.forks`), else ./forks."""
    if source.name == "sqlite":
        return Path(source.sqlite_path).with_suffix(".forks")
    return DEFAULT_FORKS_DIR


def sandbox_path(forks_dir: Path, thread_id: str) -> Path:
    """Return the sandbox store file of a fork."""
    return _file(forks_dir, thread_id, ".db")


def _file(forks_dir: Path, thread_id: str, suffix: str) -> Path:
    """Name a fork's file after its thread (characters a file name cannot hold replaced)."""
    return forks_dir / (re.sub(r"[^\w.~-]", "_", thread_id) + suffix)
