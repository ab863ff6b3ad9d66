"""The turn protocol every door uses: one caller utterance in, one graph step, one reply out.

The chat REPL, the scenario runner and the voice bridge all talk to the graph through
`Conversation`, so they run exactly the same steps on the same checkpoints. A turn is one
`invoke`: what the door needs (the reply, whether it wrote, whether the call ended) comes
from its output, and where the call then waits from the saver (`noting_saves`), so a turn
reads the thread back only after something went wrong or in a new process.

Crashes and outages:

- A turn that may write (a read-back is pending, so a "yes" runs book, cancel or
  reschedule) runs with durability "sync": each superstep's checkpoint is saved before
  the next node runs, so a write node runs only once the step that chose it is saved, and
  checkpoints that cannot be saved at a "yes" stop the step before anything is written.
  Every other turn (and no other can write) is saved once, at its end (durability
  "exit"): a crash in it loses only the caller's words, and the call is back at its
  question, which the door asks again. Its node path and times are in `state.trace`.
- A thread whose latest checkpoint still has nodes to run and no question pending is
  *unfinished*: the process died, or a database failed, in the middle of a step. Every
  method finishes such a step first (`invoke(None)`); a write node re-runs with the same
  idempotency key, so a booking made before the crash is returned, never made twice. The
  reply of that step (the confirmation nobody heard) is what `recover()` returns, what
  `last_reply()` re-plays, and what `say()` answers with instead of passing on words the
  caller said in answer to a question they never heard.
- A step that fails (an outage or a bug) is salvaged: finished at once if it can be;
  otherwise, when no write node can have run, the call goes back to its question (the next
  answer resumes a copy of that checkpoint, so nothing of the failed step is applied) and
  the caller hears that nothing has been changed and the question again; otherwise (a
  write may have happened) they hear it will be finished, and the next turn finishes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Durability, StateSnapshot

from graph import apologies as phrases
from graph.checkpointer import CheckpointsUnavailable, TranslatedSaver, noting_saves
from graph.context import CallContext
from graph.history import checkpoint_id, field_of, last_question, unfinished, write_due_since
from graph.resume import HANGUP, TRANSFER_FAILED, CallerTurn
from graph.state import CallInput, CallState
from store.errors import StoreUnavailable

log = logging.getLogger(__name__)

CallGraph = CompiledStateGraph[CallState, CallContext, CallInput, CallState]

DURABILITY: Durability = "sync"
"""How a turn that may write is saved: each superstep before the next runs (see above)."""
ONCE: Durability = "exit"
"""How every other turn is saved: once, when it asks the caller or ends."""
WRITE_NODES = frozenset({"book", "cancel", "reschedule"})
"""The nodes that change appointments: a step that reached one may have written."""
OUTAGES = (CheckpointsUnavailable, StoreUnavailable)
"""Failures of a database rather than of the code."""

Phase = Literal["new", "on", "ended"]


class CallEnded(RuntimeError):
    """The conversation has already said goodbye; start a new thread."""


class CallAlreadyStarted(RuntimeError):
    """The thread already holds a call; continue it with `say()`."""


@dataclass(frozen=True)
class Said:
    """What one caller turn gave the door, read from the step's own output."""

    reply: str
    """What the agent answered (a question, a confirmation, or a goodbye)."""
    wrote: bool = False
    """The step booked, cancelled or moved something: the reply must reach the caller whole."""
    ended: bool = False
    """The call said goodbye (or had ended already): hang up after the reply."""
    transfer: bool = False
    """The reply tells the caller they are being put through to a person: once it has been
    said, the door transfers the call (and calls `transfer_failed()` if it cannot)."""


@dataclass
class Conversation:
    """One call on one thread of a compiled, checkpointed graph."""

    graph: CallGraph
    context: CallContext
    thread_id: str
    durability: Durability = DURABILITY
    """"sync" (the default, see above); the benchmark compares "async"."""
    _unheard: Said | None = field(default=None, init=False, repr=False)
    """The reply of a step finished on recovery that no door has played yet."""
    _retry_from: RunnableConfig | None = field(default=None, init=False, repr=False)
    """The question asked again after a failed step; the next answer resumes a copy of it."""
    _unsettled: bool = field(default=False, init=False, repr=False)
    """The caller was told a step that may have written will be finished."""
    _question: str = field(default="", init=False, repr=False)
    """The pending question as last read, to ask again while checkpoints cannot be read."""
    _phase: Phase = field(default="new", init=False, repr=False)
    """The phase as last read, reported while checkpoints cannot be read."""
    _reachable: bool = field(default=True, init=False, repr=False)
    _waits_at: RunnableConfig | None = field(default=None, init=False, repr=False)
    """The checkpoint the call waits at, as this object's last step saved it: while it is
    known, the next turn needs no read of the thread (None after any failure)."""
    _stage: str = field(default="", init=False, repr=False)
    """The pending question's stage, as that step left it."""
    _saved_nothing: bool = field(default=False, init=False, repr=False)
    """The last step saved no checkpoint at all (known only with a noting saver)."""

    @property
    def config(self) -> RunnableConfig:
        """Return the run config that names this call's thread."""
        return {"configurable": {"thread_id": self.thread_id}}

    def waiting(self) -> bool:
        """Return True when the call waits for the caller's next utterance.

        A step left unfinished is finished first (its reply waits in `last_reply()`).
        While the checkpoints cannot be read, this reports what was last known.
        """
        return self._current() == "on"

    def started(self) -> bool:
        """Return True when the thread has any checkpoint."""
        return self._current() != "new"

    def ended(self) -> bool:
        """Return True once the call has said goodbye (or the caller hung up)."""
        return self._current() == "ended"

    def state(self) -> CallState:
        """Return the call's latest checkpointed state."""
        values = self.graph.get_state(self.config).values
        return values if isinstance(values, CallState) else CallState(**values)

    def start(self, *, caller_id: str | None = None, can_transfer: bool = False) -> str:
        """Open the call and return the greeting; a thread is opened only once.

        `can_transfer`: the door can put this caller through to a person (a phone call
        with a transfer number set); a caller who asks for one is then transferred.
        Fresh input on a thread with a pending question would silently discard it and
        restart the call, so a started thread refuses: resume it with `say()` instead.
        """
        if self.started():
            raise CallAlreadyStarted(self.thread_id)
        opening = CallInput(call_id=self.thread_id, caller_id=caller_id)
        if can_transfer:
            opening["can_transfer"] = True
        try:
            return self._run(opening).reply
        except Exception as error:
            try:
                saved = bool(self._snapshot().values)
            except Exception:
                saved = False
            if not saved:
                raise  # nothing was saved: the door says the call cannot be taken now
            return self._salvage(error, asked=None).reply

    def say(self, utterance: str, *, heard: str | None = None) -> Said:
        """Send the caller's utterance as the answer to the pending question; return the reply.

        `heard` is what the caller actually heard of the previous reply when they barged
        in; the step records it in the checkpoint and the transcript, flagged interrupted.
        On a thread left unfinished the reply is that step's, and the utterance is dropped.
        Whether the step wrote or ended the call comes from the step's own output, so a
        door needs no further read of the checkpoint.
        """
        return self._answer(CallerTurn(text=utterance, heard=heard))

    def transfer_failed(self) -> Said:
        """Tell the graph the transfer it announced did not go through; return what to say
        (the caller is offered to leave a message for a callback instead). It is answered as
        a caller turn with no words is, recovery and outages included."""
        return self._answer(TRANSFER_FAILED)

    def _answer(self, answer: CallerTurn) -> Said:
        """Resume the pending question with a caller turn (words, or a door's event)."""
        turn: Command[Any] = Command(resume=answer)
        if (asked := self._known_question()) is not None:
            return self._step(turn, asked=asked, durability=self._durability(self._stage))
        try:
            snapshot = self._settled()
        except OUTAGES as error:
            self._unreachable(error)
            return Said(phrases.STILL_FINISHING) if self._unsettled else self._ask_again(error)
        except Exception as error:
            return self._salvage(error, asked=None)
        if (unheard := self._take_unheard()) is not None:
            log.info("call %s: a finished step answers this turn; its words are dropped", self)
            return unheard
        if self._retry_from is None and not snapshot.interrupts:
            raise CallEnded(self.thread_id)
        durability = self._durability(field_of(snapshot.values, "stage"))
        return self._step(turn, asked=self._retry_from or snapshot.config, durability=durability)

    def hang_up(self, *, heard: str | None = None) -> None:
        """Tell the graph the caller is gone so the summary is stored.

        A step left unfinished is finished only when it may already have written (the
        summary then records it); one that has not is dropped: nobody would hear its result.
        """
        try:
            if self._retry_from is None and unfinished(self._snapshot()):
                asked = self._asked()
                if asked is not None and not self._may_have_written(since=asked):
                    self._retry_from = asked
            snapshot = self._settled()
        except Exception as error:
            self._report(error)
            return
        self._unheard = None  # the caller is gone: nobody will hear it now
        if self._retry_from is not None or snapshot.interrupts:
            asked = self._retry_from or snapshot.config
            self._step(Command(resume=CallerTurn(**HANGUP, heard=heard)), asked=asked)

    def recover(self) -> str | None:
        """Finish a step a crash or an outage left half done; return the reply nobody heard.

        Doors call it when a caller comes back (`booking chat --thread`, a voice re-join) and
        say what it returns; None when there was nothing to finish (or it cannot be yet).
        """
        try:
            self._settled()
        except OUTAGES as error:
            self._unreachable(error)
            return None
        except Exception as error:
            return self._salvage(error, asked=None).reply
        unheard = self._take_unheard()
        return None if unheard is None else unheard.reply

    def last_reply(self) -> str:
        """Return what the agent said last (to re-play it to a resumed caller)."""
        unheard = self._take_unheard()
        return self.state().reply if unheard is None else unheard.reply

    def __str__(self) -> str:
        """Name the call in log lines."""
        return self.thread_id

    # steps ------------------------------------------------------------------------
    def _run(self, payload: Any, *, durability: Durability | None = None) -> Said:
        """Run the graph until it asks the caller or ends; return what the step said."""
        self._waits_at = None  # until this step is known to have been saved
        with noting_saves() as saved:
            try:
                out = self.graph.invoke(
                    payload,
                    self.config,
                    context=self.context,
                    version="v2",
                    durability=durability or self.durability,
                )
            finally:
                self._saved_nothing = saved.config is None and self._notes_saves()
        values = out.value
        self._question = str(field_of(values, "question") or self._question)
        self._phase = "on" if out.interrupts else "ended"
        self._unsettled = False
        wrote = bool(field_of(values, "wrote"))
        if out.interrupts:
            self._waits_at, self._stage = saved.config, str(field_of(values, "stage"))
            transfer = self._stage == "transferring"
            return Said(str(out.interrupts[0].value), wrote=wrote, transfer=transfer)
        return Said(str(field_of(values, "reply") or ""), wrote=wrote, ended=True)

    def _step(
        self, payload: Any, *, asked: RunnableConfig, durability: Durability | None = None
    ) -> Said:
        """Run one caller turn from the question `asked`; a failure becomes a sentence."""
        if self._retry_from is not None:
            try:
                # A copy of the question's checkpoint, without what the failed step saved;
                # `listen` then asks on it, so the answer goes in as on any other turn.
                self.graph.update_state(self._retry_from, None, as_node="__copy__")
                self._run(None)
                self._retry_from = None
                asked = self._snapshot().config
            except Exception as error:
                self._report(error)
                return self._ask_again(error)
        try:
            reply = self._run(payload, durability=durability)
        except Exception as error:
            if self._saved_nothing:
                # No checkpoint of this step was saved, so no write node ran (one runs only
                # once the step that chose it is saved): the thread is still at `asked`.
                self._report(error)
                self._unheard, self._retry_from = None, asked
                return self._ask_again(error)
            return self._salvage(error, asked=asked)
        self._retry_from = None
        return reply

    def _salvage(self, error: Exception, *, asked: RunnableConfig | None) -> Said:
        """Say something true after a failed step: its reply, the question again, or a wait."""
        self._report(error)
        self._unheard = None  # whatever is said now supersedes it
        try:
            snapshot: StateSnapshot | None = self._snapshot()
        except Exception as again:
            self._report(again)
            snapshot = None
        moved = snapshot is not None and checkpoint_id(snapshot.config) != checkpoint_id(asked)
        if snapshot is not None and self._retry_from is None and unfinished(snapshot):
            try:
                return self._run(None)  # finished at once: the failure goes unnoticed
            except Exception as again:
                self._report(again)
        elif snapshot is not None and snapshot.interrupts and moved:
            wrote = bool(field_of(snapshot.values, "wrote"))
            return Said(str(snapshot.interrupts[0].value), wrote=wrote)  # saved after all
        elif snapshot is not None and snapshot.values and not snapshot.tasks:
            self._phase = "ended"
            return Said(str(field_of(snapshot.values, "reply") or ""), ended=True)
        try:
            asked = asked or self._asked()
            if asked is not None and not self._may_have_written(since=asked):
                self._retry_from = asked
                return self._ask_again(error)
        except Exception as again:
            self._report(again)
        self._retry_from, self._unsettled = None, True  # the next turn finishes it first
        return Said(phrases.STILL_FINISHING)

    def _ask_again(self, error: Exception) -> Said:
        """Apologise that nothing was changed and ask the pending question again."""
        outage = isinstance(error, OUTAGES)
        sorry = phrases.BOOK_UNREACHABLE if outage else phrases.SOMETHING_WENT_WRONG
        return Said(f"{sorry} {self._question or phrases.TRY_AGAIN_SOON}")

    def _notes_saves(self) -> bool:
        """Return True when the saver reports each checkpoint it saves (`noting_saves`)."""
        return isinstance(self.graph.checkpointer, TranslatedSaver)

    def _known_question(self) -> RunnableConfig | None:
        """Return the checkpoint this object's last step saved waiting for the caller, when
        nothing has happened since that would need the thread read back."""
        if self._unheard is not None or self._retry_from is not None or self._unsettled:
            return None
        return self._waits_at

    def _durability(self, stage: object) -> Durability:
        """Save every superstep when the caller's next words may write (a read-back is
        pending at the "confirm" stage), else once at the end of the turn."""
        return self.durability if stage == "confirm" else ONCE

    # reading the thread -----------------------------------------------------------
    def _snapshot(self) -> StateSnapshot:
        """Read the latest checkpoint (and remember its question and phase)."""
        snapshot = self.graph.get_state(self.config)
        if not self._reachable:
            log.warning("call %s: checkpoints can be read again", self)
            self._reachable = True
        if snapshot.values:
            self._question = str(field_of(snapshot.values, "question") or self._question)
            self._phase = "on" if snapshot.tasks or self._retry_from else "ended"
        return snapshot

    def _settled(self) -> StateSnapshot:
        """Return the latest checkpoint, after finishing a step left unfinished."""
        snapshot = self._snapshot()
        if self._retry_from is None and unfinished(snapshot):
            log.warning("call %s: finishing a step left unfinished before %s", self, snapshot.next)
            self._unheard = self._run(None)
            snapshot = self._snapshot()
        return snapshot

    def _current(self) -> Phase:
        """Return the call's phase, finishing an unfinished step first."""
        try:
            snapshot = self._settled()
        except Exception as error:
            self._report(error)
            return self._phase
        return "new" if not snapshot.values else self._phase

    def _asked(self) -> RunnableConfig | None:
        """Return the newest checkpoint that waited for the caller."""
        return last_question(self.graph, self.config)

    def _may_have_written(self, *, since: RunnableConfig) -> bool:
        """Return True when a write node was due in a checkpoint saved after `since`."""
        return write_due_since(self.graph, self.config, since=since, writes=WRITE_NODES)

    def _take_unheard(self) -> Said | None:
        reply, self._unheard = self._unheard, None
        return reply

    # logging ----------------------------------------------------------------------
    def _report(self, error: Exception) -> None:
        """Log a failure once: an outage as one line (no secrets), anything else in full."""
        if isinstance(error, OUTAGES):
            self._unreachable(error)
        else:
            log.error("call %s: graph step failed", self, exc_info=error)

    def _unreachable(self, error: Exception) -> None:
        if self._reachable:
            log.error("call %s: %s", self, error)
            self._reachable = False
