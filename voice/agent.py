"""`BookingAgent`: the LiveKit voice agent whose every reply is one step of the booking graph.

    BookingAgent(
        call,                    # graph.conversation.Conversation: this call's checkpointed thread
        caller_id=None,          # E.164 from SIP caller ID (voice.calls.caller_id_of); None: asked
        end_call=None,           # async () -> None run once the goodbye has been spoken (e.g.
                                 # delete the room); default: nothing (tests, console)
        transfer=None,           # async () -> None that puts the caller through to a person
                                 # (a SIP transfer); None: this call cannot be transferred
        face=None,               # voice.avatar.Face: a video avatar shown to a web caller;
                                 # None: voice only
        options=AgentOptions(),  # voice.options: filler threshold, silence hang-up, prices, latency
    )

It carries its own placeholder LLM and turns preemptive generation off, so any
`AgentSession` runs it; `voice.session.booking_session(stt=, tts=, vad=)` builds one:

    session = booking_session(stt=my_stt, tts=my_tts, vad=silero.VAD.load(), aec_warmup=None)
    await session.start(BookingAgent(agent.conversation("call-1"), caller_id="+14155550123"))

A call in livekit-agents 1.8.9 terms:
- Greeting: `on_enter` opens the call on the graph (`Conversation.start`) and, meanwhile,
  shows the avatar if there is one (`voice.avatar.Face.show`, bounded by its wait); then it
  says the greeting (`session.say`) before the caller speaks.
- A caller turn: `llm_node` sends only the newest user message of LiveKit's chat context
  (with any earlier one whose reply LiveKit dropped before it ran) into the graph
  (`Conversation.say`, in a thread) and yields the reply; the chat context is transport
  only. A step slower than `filler_after` first yields the filler and a `FlushSentinel`,
  so the filler plays while the step runs.
- Barge-in: the next step passes `heard=` what was played of the previous reply
  (`voice.delivery`).
- Confirmations and goodbyes: the speech carrying a reply whose step wrote or ended the
  call is made non-interruptible (`SpeechHandle.allow_interruptions = False`) before its
  text is yielded. If the caller cut in while such a step ran (LiveKit interrupts the
  speech and cancels `llm_node`), the finished reply is said anyway, uninterruptibly: at
  once (`session.say`), or first in the next reply when one is already on its way.
- Ending: once the goodbye's speech is done, `end_call()` then `session.shutdown()`.
- Transfer: a reply that says the caller is being put through (`Said.transfer`) is spoken
  whole, then `transfer()` runs; if it fails, the graph hears so
  (`Conversation.transfer_failed`) and its reply (an offer to take a message) is said.
- Silence: `voice.silence` ("Are you still there?", then a polite goodbye).
- Exit (`on_exit`, however the session closes): `Conversation.hang_up(heard=...)` when the
  graph never said goodbye, then the session's usage (and the avatar's minutes) priced and
  merged into the stored conversation with the per-turn latency (`voice.costs`,
  `voice.latency`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable

from livekit.agents import Agent, FlushSentinel, ModelSettings, SpeechCreatedEvent, llm
from livekit.agents.voice import SpeechHandle

from graph.conversation import Conversation
from voice import phrases
from voice.avatar import Face
from voice.calls import EndCall, HangUp
from voice.costs import finish_call
from voice.delivery import Reply, Step, open_call, run_step, unanswered_caller_words
from voice.graph_llm import GraphLLM
from voice.latency import LatencyLog
from voice.options import AgentOptions
from voice.silence import SilenceWatch

log = logging.getLogger(__name__)


class BookingAgent(Agent):
    """Speak for the booking graph: one caller turn in, one graph step, its reply out."""

    def __init__(
        self,
        call: Conversation,
        *,
        caller_id: str | None = None,
        end_call: EndCall | None = None,
        transfer: EndCall | None = None,
        face: Face | None = None,
        options: AgentOptions | None = None,
    ) -> None:
        """Serve one call on `call`'s thread; see the module docstring."""
        super().__init__(
            instructions="",  # the graph holds the dialogue; no prompt is ever sent
            llm=GraphLLM(),
            # a speculative reply would run a checkpointed graph step twice
            turn_handling={"preemptive_generation": {"enabled": False}},
        )
        self._call = call
        self._caller_id = caller_id
        self._hang_up = HangUp(end_call, call=call.thread_id)
        self._transfer = transfer
        self._transferring: asyncio.Future[None] | None = None
        """The transfer under way, kept so it is not collected before it ends."""
        self.face = face
        self._options = options or AgentOptions()
        self.latency = LatencyLog(keep=self._options.latency_turns_kept)
        """Per-turn timings of this call, kept with the conversation at exit."""
        self._silence = SilenceWatch(
            hangup_after=self._options.silence_hangup_after,
            prompt=self._still_there,
            give_up=self._give_up,
        )
        self._last: Reply | None = None
        """The newest graph reply handed to LiveKit; its `heard()` goes into the next step."""
        self._replay: Reply | None = None
        """A confirmation the caller cut off while it was computed, said first next turn."""
        self._step: asyncio.Future[Step] | None = None
        self._late: asyncio.Future[Step] | None = None
        """A step that ran past the step timeout; its reply is said when done, or next turn."""
        self._opened = False
        self._turn_speech: SpeechHandle | None = None
        """The speech LiveKit made for the newest caller turn (`speech_created`)."""
        self._answered: str | None = None
        """Id of the last caller message sent to the graph, so none is sent twice."""
        self._closing = False
        self._finished = False

    async def on_enter(self) -> None:
        """Open the call on the graph and greet the caller before they say anything."""
        self.session.on("speech_created", self._on_speech_created)
        self.session.on("user_state_changed", self._silence.on_user_state)
        opened, _ = await asyncio.gather(self._open(), self._show_face())
        speech = self.session.say(opened.reply if opened else phrases.CANT_OPEN)
        if opened:
            self._last = Reply(opened.reply, handle=speech)
            self.latency.turn(graph_step_s=opened.seconds, speech=speech)

    async def llm_node(
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterable[str | FlushSentinel]:
        """Answer the newest caller utterance with one graph step."""
        speech = self._turn_speech or self.session.current_speech
        message, utterance = unanswered_caller_words(chat_ctx, self._answered)
        if message is None or not utterance or self._closing:
            return
        self._answered = message.id
        self._silence.cancel()  # the caller spoke: no hang-up for silence
        parts: AsyncIterable[str | FlushSentinel]
        if not self._opened:  # the greeting failed: open the call now, and greet
            parts = self._greet_now(speech)
        elif self._late is not None:  # the answer to an earlier turn comes first
            parts = self._late_reply(speech)
        elif not await self._settled(self._options.step_timeout):
            parts = _saying(phrases.TOO_SLOW)
        else:
            parts = self._answer(message, utterance, speech)
        async for part in parts:
            yield part

    async def _answer(
        self, message: llm.ChatMessage, utterance: str, speech: SpeechHandle | None
    ) -> AsyncIterable[str | FlushSentinel]:
        """Run the graph step for `utterance` and yield its reply (after a filler or replay)."""
        replay, self._replay = self._replay, None
        if replay is not None and (speech is None or speech.interrupted):
            self._unspoken(replay, speech)  # said on its own, at once
            replay = None
        heard = None if replay else (self._last.heard() if self._last else None)
        step_task = asyncio.ensure_future(asyncio.to_thread(run_step, self._call, utterance, heard))
        self._step = step_task
        said = ""  # what this speech says before the graph's reply
        try:
            if replay is not None and speech is not None:
                speech.allow_interruptions = False
                said = f"{replay.text} "
                yield said
            done, _ = await asyncio.wait({step_task}, timeout=self._options.filler_after)
            if not done and not said:
                said = f"{phrases.FILLER} "
                yield said
                yield FlushSentinel()  # speak the filler now, not with the reply
            left = self._options.step_timeout - self._options.filler_after
            done, _ = await asyncio.wait({step_task}, timeout=max(left, 0.0))
            if not done:
                log.error("call %s: graph step still running after its timeout", self._call)
                self._late = step_task
                step_task.add_done_callback(self._say_late)
                yield phrases.TOO_SLOW
                return
            step = step_task.result()
        except (asyncio.CancelledError, GeneratorExit):
            self._unspoken_when_done(step_task, speech)
            raise
        except Exception:
            # Conversation turns failures of the graph into sentences; this is anything else.
            # The call goes on: the next turn finishes or re-asks what this one left.
            log.exception("call %s: graph step failed", self._call.thread_id)
            yield phrases.TROUBLE
            return
        reply = Reply(step.reply, wrote=step.wrote, ended=step.ended, prefix=said, handle=speech)
        if speech is not None and speech.interrupted:
            self._unspoken(reply, speech)
            return
        if speech is None:
            log.warning("call %s: no speech handle for this turn", self._call.thread_id)
        elif reply.protected:
            speech.allow_interruptions = False
        self._last = reply
        filler = said.startswith(phrases.FILLER)
        self.latency.turn(
            graph_step_s=step.seconds, caller=message.metrics, filler=filler, speech=speech
        )
        if step.ended:
            self._hang_up_after(speech)
        if step.transfer:
            self._transfer_after(speech)
        if step.reply:
            yield step.reply

    async def on_exit(self) -> None:
        """Tell the graph the caller is gone (if no goodbye) and keep the call's costs."""
        self.session.off("speech_created", self._on_speech_created)
        self.session.off("user_state_changed", self._silence.on_user_state)
        self._silence.cancel()
        if self._finished:
            return
        self._finished = True
        if self.face is not None:
            self.face.stop()  # its minutes end with the call, not with its provider's answer
        try:
            await self._keep_the_call()
        finally:
            if self.face is not None:
                await self.face.close()

    async def _keep_the_call(self) -> None:
        """Store the summary (if the graph never said goodbye) and the call's costs."""
        if not await self._settled(self._options.step_timeout):
            # a hung step still owns the thread: a hang-up now would run beside it
            log.error("call %s: a step is still running; the summary is not stored", self._call)
            return
        try:
            await asyncio.to_thread(
                finish_call,
                self._call,
                heard=self._last.heard() if self._last else None,
                model_usage=self.session.usage.model_usage,
                rates=self._options.rates,
                latency=self.latency.summary(),
                avatar=self.face.usage() if self.face is not None else None,
            )
        except Exception:
            log.exception("call %s: summary or costs not stored", self._call.thread_id)

    def _on_speech_created(self, event: SpeechCreatedEvent) -> None:
        # emitted just before LiveKit runs llm_node for that speech, so llm_node finds it here
        if event.source == "generate_reply":
            self._turn_speech = event.speech_handle

    async def _show_face(self) -> None:
        """Show the avatar before the greeting; it never fails the call nor holds it long."""
        if self.face is not None:
            await self.face.show(self.session)

    async def _greet_now(self, speech: SpeechHandle | None) -> AsyncIterable[str]:
        """Open the call the greeting could not open, and say its greeting instead."""
        opened = await self._open()
        if opened is None:
            yield phrases.CANT_OPEN
            return
        self._last = Reply(opened.reply, handle=speech)
        yield opened.reply

    async def _open(self) -> Step | None:
        """Open the call on the graph (or resume it); None, logged, when that fails."""
        try:
            greeting, seconds = await asyncio.to_thread(
                open_call, self._call, self._caller_id, can_transfer=self._transfer is not None
            )
        except Exception:
            log.exception("call %s: could not open the call", self._call.thread_id)
            return None
        self._opened = True
        return Step(reply=greeting, wrote=False, ended=False, seconds=seconds)

    async def _settled(self, timeout: float) -> bool:
        """Wait for a step still running from a cut-off turn; False if it outlasts `timeout`."""
        if self._step is None or self._step.done():
            return True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(self._step), timeout)
        return self._step.done()

    async def _late_reply(self, speech: SpeechHandle | None) -> AsyncIterable[str]:
        """Answer this turn with the reply of a step that ran past its timeout.

        The caller's new words are dropped: they answered no question, the late reply is
        the answer to what they asked before.
        """
        late, self._late = self._late, None  # taken over: `_say_late` leaves it to this turn
        assert late is not None
        done, _ = await asyncio.wait({late}, timeout=self._options.step_timeout)
        if not done:
            self._late = late
            yield phrases.TOO_SLOW
            return
        if late.cancelled() or late.exception() is not None:
            yield phrases.TROUBLE
            return
        step = late.result()
        reply = Reply(step.reply, wrote=step.wrote, ended=step.ended, handle=speech)
        if speech is not None and reply.protected:
            speech.allow_interruptions = False
        self._last = reply
        if step.ended:
            self._hang_up_after(speech)
        yield step.reply

    def _say_late(self, task: asyncio.Future[Step]) -> None:
        """Say the reply of a step that ran past its timeout, unless a turn took it over."""
        if self._late is not task:
            return
        self._late = None
        if task.cancelled() or task.exception() is not None:
            log.error("call %s: a late graph step failed", self._call, exc_info=task.exception())
            self._say(phrases.TROUBLE)
            return
        step = task.result()
        reply = Reply(step.reply, wrote=step.wrote, ended=step.ended)
        reply.handle = self._say(step.reply, protected=reply.protected)
        self._last = reply
        if step.ended:
            self._hang_up_after(reply.handle)

    def _unspoken_when_done(
        self, step_task: asyncio.Future[Step], speech: SpeechHandle | None
    ) -> None:
        """The turn was cut off while its step ran: settle its reply once the step is done."""

        def settle(task: asyncio.Future[Step]) -> None:
            if not task.cancelled() and task.exception() is None:
                step = task.result()
                self._unspoken(Reply(step.reply, wrote=step.wrote, ended=step.ended), speech)

        step_task.add_done_callback(settle)

    def _unspoken(self, reply: Reply, turn_speech: SpeechHandle | None) -> None:
        """A reply never reached the caller: the graph hears so, but a write's is said anyway."""
        reply.handle, reply.prefix = None, ""
        self._last = reply
        if not reply.protected:
            return  # the next step tells the graph nothing of it was heard
        newer = self._turn_speech
        if newer is not None and newer is not turn_speech and not newer.done():
            self._replay = reply  # a reply to the caller's newer turn is on its way: go first
            return
        reply.handle = self._say(reply.text, protected=True)
        if reply.ended:
            self._hang_up_after(reply.handle)

    def _say(self, text: str, *, protected: bool = False) -> SpeechHandle | None:
        """Say something outside a turn; None when the session is already closing."""
        try:
            return self.session.say(text, allow_interruptions=not protected)
        except RuntimeError:  # closing: nothing more can be said, and nothing needs to be
            log.info("call %s: session closing, not said: %s", self._call.thread_id, text)
            return None

    def _still_there(self) -> SpeechHandle | None:
        return None if self._closing else self._say(phrases.STILL_THERE)

    def _give_up(self) -> None:
        if not self._closing:
            self._hang_up_after(self._say(phrases.SILENCE_GOODBYE, protected=True))

    def _hang_up_after(self, speech: SpeechHandle | None) -> None:
        """End the call once `speech` (the goodbye) has been played."""
        self._closing = True
        self._silence.cancel()
        if speech is None:
            self._end()
        else:
            speech.add_done_callback(lambda _: self._end())

    def _end(self) -> None:
        self._hang_up.now(self.session)

    def _transfer_after(self, speech: SpeechHandle | None) -> None:
        """Put the caller through once `speech` ("putting you through") has been played."""
        if speech is not None:
            speech.allow_interruptions = False  # the caller hears why the line goes quiet
        self._silence.cancel()

        def start(_: object = None) -> None:
            self._transferring = asyncio.ensure_future(self._put_through())

        if speech is None:
            start()
        else:
            speech.add_done_callback(start)

    async def _put_through(self) -> None:
        """Transfer the call; on failure, say so and let the graph take a message instead."""
        if self._transfer is None:  # pragma: no cover - the graph only transfers when it can
            return
        try:
            await self._transfer()
        except Exception as error:
            log.warning("call %s: transfer failed (%s)", self._call, type(error).__name__)
            try:
                said = await asyncio.to_thread(self._call.transfer_failed)
            except Exception:
                log.exception("call %s: could not recover from a failed transfer", self._call)
                self._say(phrases.TROUBLE)
                return
            reply = Reply(said.reply)
            reply.handle = self._say(said.reply)
            self._last = reply
            return
        log.info("call %s: transferred to a person", self._call)


async def _saying(text: str) -> AsyncIterable[str]:
    """Yield one sentence, as a turn's whole reply."""
    yield text
