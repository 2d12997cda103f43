"""``evaltui summarize --follow``: keep the combined JSON up to date while an eval writes."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from evaltui.cli import (
    EXIT_FAILURE,
    EXIT_OK,
    cannot_write,
    input_paths,
    load_failed,
    load_options,
    loaded_prompts,
    more_words,
    problem_line,
    refused_output,
    remember_input,
    shown_path,
    stderr_mark,
    summary_notes,
)
from evaltui.data.export import all_or_none, is_stdout, write_combined_json, write_problems
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadFailure, LoadResult
from evaltui.data.sanitize import name_line
from evaltui.data.wording import plural

#: New bad lines and skipped files listed per write (the rest counted).
LISTED = 5


def follow_summarize(
    args: argparse.Namespace, parser: argparse.ArgumentParser, output: Path
) -> int:
    """Write the combined JSON, then rewrite it (atomically, at most every ``args.follow_interval``
    seconds) whenever the inputs change, until Ctrl-C; the last write is always up to date."""
    options = dataclasses.replace(load_options(args), keep_text=False)
    follower = Follower(input_paths(args, parser), options)
    interval = max(0.1, float(args.follow_interval))
    try:
        result = follower.load()
    except LoadFailure as exc:
        return load_failed(exc, args.bad_lines)
    # Stopped before the first write (Ctrl-C, SIGTERM, SIGHUP): as any command, by the signal's
    # own line and code (SIGTERM said "interrupted", 130).
    refused = refused_output(result, output, args.bad_lines)
    if refused is not None:
        return refused

    told: set[str] = set()
    last_written = ""  # the clock time of the last write, for a stop that skips the last one
    # With -o - each write is one whole JSON document more on stdout (`jq` reads them in turn).
    where = "(standard output)" if is_stdout(output) else shown_path(output)

    def write(result: LoadResult) -> bool:
        nonlocal last_written
        remember_input(result)  # files and runs that appeared since, written as the first's
        target = output
        try:
            with all_or_none():  # the summary and --bad-lines of one moment: both or neither
                write_combined_json(result.stats, output)
                if args.bad_lines is not None:
                    target = args.bad_lines
                    write_problems(result.errors, result.files, target, result.notes)
        except OSError as exc:
            cannot_write(target, exc)
            return False
        stamp = last_written = time.strftime("%H:%M:%S")
        if not args.quiet:
            print(
                # "last write" beside "wrote out.json" read as the output's: the inputs' it is.
                f"{stamp} {follower.status(last_write='inputs last written')} · "
                # Prompts as the end summary counts them: of several runs '60 prompts in 2
                # runs' (the Stats rows, run × prompt, read '120 prompts').
                f"{loaded_prompts(result.stats)}, "
                f"{plural(result.generations.height, 'generation')}{unscored(result)}"
                f" · wrote {where}",
                file=sys.stderr,
                flush=True,
            )
        tell_problems(result, told, quiet=args.quiet, listed_in=args.bad_lines)
        return True

    # Followed before the eval wrote (an empty folder): an empty list is written at once, so
    # a script that polls the output finds a valid document from the start (see the README).
    waiting = follower.waiting()
    if not write(result):
        return EXIT_FAILURE
    if not args.quiet:
        # The first load's notes (a subjective run, a log read once of two, a score chosen
        # among several), as summarize says them: the follow's own notes are of the updates.
        for line in summary_notes(result, listed_in=args.bad_lines):
            print(line, file=sys.stderr, flush=True)
    # The counter for new lines made now, beside the wait for them: made by the first line
    # appended (the tokenizer and count plan loaded, pyarrow imported), it held that line's
    # write 2.4-2.7 s on sample_data (-i 0.1), where the app paints one in ~0.2 s. A poll that
    # needs it before it is made waits for it; a daemon thread, so a stop does not.
    threading.Thread(target=follower.prepare, name="evaltui-follow-counter", daemon=True).start()
    if not args.quiet:
        if waiting is not None:
            print(
                f"evaltui: {waiting} (none to read yet); {where} holds [] until they do",
                file=sys.stderr,
                flush=True,
            )
        print("evaltui: following the inputs; Ctrl-C stops", file=sys.stderr, flush=True)
    pending = False
    written = time.monotonic()
    held = Held()
    try:
        while True:
            follower.wait(min(1.0, interval))
            with signals_deferred(held):  # a poll and its result's build: whole or not at all
                update = follower.poll()
                if update is not None:
                    result, pending = update.result, True
            if update is not None:
                for note in update.notes:
                    if not args.quiet:
                        print(
                            f"note: {name_line(note, 200, stderr_mark())}",
                            file=sys.stderr,
                            flush=True,
                        )
            if pending and time.monotonic() - written >= interval:
                if not write(result):
                    return EXIT_FAILURE
                pending, written = False, time.monotonic()
    except KeyboardInterrupt:
        if held.forced:
            # stopped inside a poll: no last look at a state half moved (the output stays)
            print(f"evaltui: {as_written(where, last_written)}", file=sys.stderr)
            raise
        # Stopping is the normal end of following: one last look, so the file is up to date
        # (at every input: what changed since the last wait is not known from events).
        if not args.quiet:
            # The last look reads what is new (a big file takes a while): said, so a second
            # Ctrl-C is not pressed for a hang, and what that one leaves behind is known.
            print(
                "evaltui: stopping: a last look at the inputs and a last write "
                f"(Ctrl-C again stops at once, {where} as written at {last_written})",
                file=sys.stderr,
                flush=True,
            )
        try:
            update = follower.poll(last=True)
            if update is not None:
                result, pending = update.result, True
            if pending and not write(result):
                return EXIT_FAILURE
        except KeyboardInterrupt:
            # Stopped again during the last look or write (the write is all or none): the
            # output is the one written before, and the exit code says it was interrupted.
            print(f"evaltui: {as_written(where, last_written)}", file=sys.stderr)
            raise
        if not args.quiet:
            print("evaltui: stopped following", file=sys.stderr)
        return EXIT_OK


def unscored(result: LoadResult) -> str:
    """' (3 unscored)': the generations without a score the end summary of ``summarize``
    counts ('counted, not in accuracy'); none: nothing."""
    generations = result.generations
    count = generations["accuracy"].null_count() if "accuracy" in generations.columns else 0
    return f" ({count:,} unscored)" if count else ""


def as_written(where: str, when: str) -> str:
    """What a stop that skipped the last write leaves behind."""
    return f"{where} is as written at {when}: what changed since is not in it"


#: The signals that stop following (SIGTERM and SIGHUP raise as Ctrl-C does: cli.Stopped).
STOPPING = (signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else []))


@dataclasses.dataclass(slots=True)
class Held:
    """What :func:`signals_deferred` saw."""

    forced: bool = False
    """A second signal came while one was held: it was delivered at once, inside the block."""


@contextlib.contextmanager
def signals_deferred(held: Held | None = None) -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP held while the block runs, then delivered to the handler they
    would have met (raising there, as they would have a moment before). A second one while one
    is held is delivered at once (``held.forced``): a poll that does not end (a file system
    that hangs, a huge new file) can still be stopped.

    A poll reads a file, then moves its bookkeeping (bytes read, the file's version, the rows
    the next build recomputes); stopped between the two, the last look read its lines again
    or took them for read already, so the "last, up-to-date file" counted rows twice or
    missed them. Only the main thread can hold signals; elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = held if held is not None else Held()

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)
        if len(caught) > 1:
            held.forced = True
            deliver(signal.Signals(signum), frame)

    def deliver(signum: signal.Signals, frame: FrameType | None) -> None:
        handler = previous[signum]
        if callable(handler):
            handler(signum, frame)
        else:  # SIG_DFL: its own action (SIGTERM without cli's handler ends the process)
            signal.signal(signum, handler)
            signal.raise_signal(signum)

    previous = {}
    for sig in STOPPING:
        handler = signal.getsignal(sig)
        if handler is not signal.SIG_IGN and handler is not None:  # ignored stays ignored
            previous[sig] = signal.signal(sig, hold)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        deliver(signal.Signals(caught[0]), None)


def tell_problems(
    result: LoadResult,
    told: set[str],
    *,
    quiet: bool,
    listed_in: str | os.PathLike[str] | None = None,
) -> None:
    """On stderr, once each: the bad lines and skipped files the output leaves out, as they appear
    (the first write's, then each rewrite's new ones; a file read again tells its own again only
    when they differ). It said nothing of them: a line that is not JSON appended while following
    was left out silently. With ``-q``, one line for each write that found new ones."""
    # As the end summary says them (:func:`problem_line`): a file's newline shown as ␊.
    bad = [
        f"bad line     {problem_line(error.source, error.line, error.reason)}"
        for error in result.errors
    ]
    skipped = [
        f"skipped      {problem_line(report.source, None, report.skipped or '')}"
        for report in result.skipped_files
        if not report.companion
    ]
    new = [text for text in dict.fromkeys(bad + skipped) if text not in told]
    if not new:
        return
    first = not told
    told.update(new)
    if quiet:
        new_bad = sum(1 for text in new if text.startswith("bad line"))
        parts = [plural(new_bad, "bad line")] if new_bad else []
        parts += [f"{plural(len(new) - new_bad, 'file')} skipped"] if len(new) > new_bad else []
        print(
            f"evaltui: warning: {'' if first else 'new: '}{', '.join(parts)} "
            "(not in the output; "
            + (
                "without -q they are listed"
                if listed_in is None
                else f"listed in {shown_path(listed_in)}"
            )
            + ")",
            file=sys.stderr,
            flush=True,
        )
        return
    for text in new[:LISTED]:
        print(text, file=sys.stderr)
    if len(new) > LISTED:
        print(more_words(len(new) - LISTED, "", listed_in), file=sys.stderr)
    sys.stderr.flush()
