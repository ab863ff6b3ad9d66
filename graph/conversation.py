"""The turn protocol every door uses: one caller utterance in, one graph step, one reply out.

The chat REPL, the scenario runner and the voice bridge all talk to the graph through
`Conversation`, so they run exactly the same steps on the same checkpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from graph.context import CallContext
from graph.state import CallState
from nodes.turn import HANGUP

CallGraph = CompiledStateGraph[CallState, CallContext, CallState, CallState]


class CallEnded(RuntimeError):
    """The conversation has already said goodbye; start a new thread."""


class CallAlreadyStarted(RuntimeError):
    """The thread already holds a call; continue it with `say()`."""


@dataclass
class Conversation:
    """One call on one thread of a compiled, checkpointed graph."""

    graph: CallGraph
    context: CallContext
    thread_id: str

    @property
    def config(self) -> RunnableConfig:
        """Return the run config that names this call's thread."""
        return {"configurable": {"thread_id": self.thread_id}}

    def waiting(self) -> bool:
        """Return True when the call is waiting for the caller's next utterance."""
        return bool(self.graph.get_state(self.config).interrupts)

    def started(self) -> bool:
        """Return True when the thread has any checkpoint."""
        return bool(self.graph.get_state(self.config).values)

    def state(self) -> CallState:
        """Return the call's latest checkpointed state."""
        values = self.graph.get_state(self.config).values
        return values if isinstance(values, CallState) else CallState(**values)

    def start(self, *, caller_id: str | None = None) -> str:
        """Open the call and return the greeting; a thread is opened only once.

        Fresh input on a thread with a pending question would silently discard it and
        restart the call, so a started thread refuses: resume it with `say()` instead.
        """
        if self.started():
            raise CallAlreadyStarted(self.thread_id)
        return self._step({"call_id": self.thread_id, "caller_id": caller_id})

    def say(self, utterance: str, *, heard: str | None = None) -> str:
        """Send the caller's utterance as the answer to the pending question; return the reply.

        `heard` is what the caller actually heard of the previous reply when they barged
        in; the step records it in the checkpoint and the transcript, flagged interrupted.
        """
        if not self.waiting():
            raise CallEnded(self.thread_id)
        resume: Any = utterance if heard is None else {"text": utterance, "heard": heard}
        return self._step(Command(resume=resume))

    def hang_up(self, *, heard: str | None = None) -> None:
        """Tell the graph the caller is gone so the summary is stored."""
        if self.waiting():
            self._step(Command(resume={**HANGUP, "heard": heard}))

    def ended(self) -> bool:
        """Return True once the call has said goodbye (or the caller hung up)."""
        return self.started() and not self.waiting()

    def last_turn_wrote(self) -> bool:
        """Return True when the last step wrote (its reply confirms a booking, a move...)."""
        return self.state().wrote

    def last_reply(self) -> str:
        """Return what the agent said last (to re-play it to a resumed caller)."""
        return self.state().reply

    def _step(self, payload: Any) -> str:
        out = self.graph.invoke(payload, self.config, context=self.context, version="v2")
        if out.interrupts:
            return str(out.interrupts[0].value)
        values = out.value
        return str(values.reply if isinstance(values, CallState) else values.get("reply", ""))
