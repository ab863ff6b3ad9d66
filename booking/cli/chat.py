"""`booking chat`: talk to the agent as text, at a terminal or through a pipe.

End of input pauses the call (it stays resumable with `--thread`, like a dropped line
that calls back); the line `/hangup` hangs up, so the summary is stored without a goodbye.
Resuming a call whose last step a crash cut short finishes that step and prints its reply
(a booking's confirmation, say) before anything else.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any, TextIO

from booking.cli.common import db_of, instant
from booking.compose import fixed_clock, open_configured, system_clock
from booking.settings import Settings
from graph.conversation import Conversation

HANGUP_COMMAND = "/hangup"


def add_parser(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `booking chat` to the `booking` parser."""
    chat = sub.add_parser(
        "chat",
        parents=[database],
        help="talk to the agent as text (pipe lines in to script it)",
    )
    chat.add_argument("--thread", help="resume this conversation id")
    chat.add_argument("--phone", help="caller ID, as SIP would give it")
    chat.add_argument("--now", type=instant, help="fixed clock, ISO date-time with offset")
    chat.set_defaults(command=command)


def command(args: argparse.Namespace, settings: Settings) -> int:
    """Compose the agent the settings describe and talk to it on stdin and stdout."""
    clock = fixed_clock(args.now) if args.now else system_clock
    with open_configured(settings, db=db_of(args), clock=clock) as receptionist:
        call = receptionist.conversation(args.thread or str(uuid.uuid4()))
        return run_chat(
            call,
            caller_id=args.phone,
            lines=sys.stdin,
            out=sys.stdout,
            interactive=sys.stdin.isatty(),
        )


def run_chat(
    call: Conversation,
    *,
    caller_id: str | None,
    lines: TextIO,
    out: TextIO,
    interactive: bool,
) -> int:
    """Run one call until goodbye or end of input; return the exit status."""
    # A step a crash left half done is finished first: its reply is what the caller missed.
    recovered = call.recover() if call.started() else None
    if call.started() and not call.waiting():
        if recovered:  # the finished step said goodbye
            _say(out, recovered, interactive)
            return 0
        print(f"call {call.thread_id} has already ended; start a new one.", file=sys.stderr)
        return 2
    if call.started():
        print(f"(resuming call {call.thread_id})", file=sys.stderr)
        _say(out, recovered or call.last_reply(), interactive)
    else:
        print(
            f"call id: {call.thread_id}  (resume with --thread {call.thread_id})", file=sys.stderr
        )
        _say(out, call.start(caller_id=caller_id), interactive)
    ended = not call.waiting()
    while not ended:
        if interactive:
            out.write("you> ")
            out.flush()
        line = lines.readline()
        if not line:
            print(f"(call paused; resume with --thread {call.thread_id})", file=sys.stderr)
            break
        if line.strip() == HANGUP_COMMAND:
            call.hang_up()
            break
        if not line.strip():
            continue
        said = call.say(line.strip())
        _say(out, said.reply, interactive)
        ended = said.ended  # from the step's own output: no further read of the checkpoint
    return 0


def _say(out: TextIO, reply: str, interactive: bool) -> None:
    out.write(f"agent> {reply}\n" if interactive else f"{reply}\n")
    out.flush()
