"""``evaltui compare PATH… [--runs A B] [-o FILE]``: two runs, prompt by prompt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evaltui.cli import (
    EXIT_OK,
    add_load_args,
    cannot_write,
    exit_status,
    fail,
    folder_output,
    headless_load,
    output_path,
    refused_output,
    report_problems,
    say,
)


def compare_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaltui compare",
        description="Compare two runs prompt by prompt (joined on prompt id, never on row position): "
        "delta with a paired 95% CI and test, transitions between never/flaky/always solved.",
        epilog=exit_status(),
    )
    add_load_args(parser)
    parser.add_argument(
        "--runs",
        nargs=2,
        metavar=("A", "B"),
        default=None,
        help="the two runs: labels, or a unique part of each (default: the only two runs loaded)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=output_path,
        default=None,
        metavar="FILE",
        help="write the per-prompt comparison: CSV or Parquet by suffix (.csv, .parquet), "
        "else JSON (- for stdout)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no 'wrote' line; bad lines and skipped files as one warning "
        "line (the report itself is still printed)",
    )
    return parser


def cmd_compare(argv: Sequence[str]) -> int:
    from evaltui.data.compare import compare_runs, default_runs
    from evaltui.data.export import (
        csv_safe,
        is_stdout,
        mark_output,
        marked,
        write_json,
        write_parquet,
        write_with,
    )
    from evaltui.data.loader import LoadFailure

    parser = compare_parser()
    args = parser.parse_args(argv)
    folder = folder_output(args.output)
    if folder is not None:
        return folder
    try:
        result = headless_load(args, parser)
    except LoadFailure as exc:
        return fail(str(exc))
    refused = refused_output(result, args.output)
    if refused is not None:
        return refused
    try:
        run_a, run_b = args.runs if args.runs else default_runs(result.stats)
        comparison = compare_runs(result.stats, run_a, run_b)
    except ValueError as exc:
        return fail(str(exc))
    say(comparison.report(len(result.errors)) + "\n", beside=args.output)
    if args.output is not None:
        frame = comparison.joined
        try:
            with marked(args.output, "compare"):
                suffix = args.output.suffix.lower()
                if suffix == ".csv":
                    write_with(args.output, lambda h: csv_safe(frame).write_csv(h), "wb")
                elif suffix == ".parquet":  # it wrote JSON into a file named .parquet
                    write_parquet(frame, args.output)
                else:
                    write_json(frame.to_dicts(), args.output)
                mark_output(args.output, "compare", runs=[run_a, run_b], prompts=frame.height)
        except OSError as exc:
            return cannot_write(args.output, exc)
        if not args.quiet:
            where = "standard output" if is_stdout(args.output) else args.output
            print(f"evaltui: wrote {frame.height:,} compared prompts to {where}", file=sys.stderr)
    report_problems(result, quiet=args.quiet)
    return EXIT_OK
