"""``evaltui summarize --follow``: keep the combined JSON up to date while an eval writes."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from evaltui.cli import (
    EXIT_FAILURE,
    EXIT_OK,
    cannot_write,
    fail,
    input_paths,
    load_options,
    refused_output,
)
from evaltui.data.export import write_combined_json
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadFailure, LoadResult
from evaltui.data.sanitize import one_line


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
        return fail(str(exc))
    except KeyboardInterrupt:
        print("evaltui: interrupted", file=sys.stderr)
        return 130
    refused = refused_output(result, output)
    if refused is not None:
        return refused

    def write(result: LoadResult) -> bool:
        try:
            write_combined_json(result.stats, output)
        except OSError as exc:
            cannot_write(output, exc)
            return False
        if not args.quiet:
            stamp = time.strftime("%H:%M:%S")
            print(
                f"{stamp} {follower.status()} · {result.stats.height:,} prompts, "
                f"{result.generations.height:,} generations · wrote {one_line(str(output))}",
                file=sys.stderr,
                flush=True,
            )
        return True

    if not write(result):
        return EXIT_FAILURE
    if not args.quiet:
        print("evaltui: following the inputs; Ctrl-C stops", file=sys.stderr, flush=True)
    pending = False
    written = time.monotonic()
    try:
        while True:
            follower.wait(min(1.0, interval))
            update = follower.poll()
            if update is not None:
                result, pending = update.result, True
                for note in update.notes:
                    if not args.quiet:
                        print(f"note: {one_line(note)}", file=sys.stderr, flush=True)
            if pending and time.monotonic() - written >= interval:
                if not write(result):
                    return EXIT_FAILURE
                pending, written = False, time.monotonic()
    except KeyboardInterrupt:
        # Stopping is the normal end of following: one last look, so the file is up to date.
        update = follower.poll()
        if update is not None:
            result, pending = update.result, True
        if pending and not write(result):
            return EXIT_FAILURE
        if not args.quiet:
            print("evaltui: stopped following", file=sys.stderr)
        return EXIT_OK
