"""``evaltui compare PATH… [--runs A B] [-o FILE] [--summary-json FILE]``: two runs, prompt by prompt."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evaltui.cli import (
    EXIT_OK,
    Parser,
    Written,
    add_bad_lines_arg,
    add_load_args,
    bad_lines_clash,
    cannot_write,
    exit_status,
    fail,
    folder_output,
    headless_load,
    is_standard_output,
    load_failed,
    manifest_clash,
    name_value,
    output_path,
    reader_may_leave,
    refused_output,
    report_problems,
    say,
    shown_path,
    text_encoding,
)

if TYPE_CHECKING:
    from evaltui.data.loader import LoadResult


def compare_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="evaltui compare",
        description="Compare two runs prompt by prompt (joined on prompt id, never on row position): "
        "delta with a paired 95% CI and test, transitions between never/flaky/always solved.",
        epilog=exit_status(),
    )
    add_load_args(parser)
    parser.add_argument(
        "--runs",
        nargs="+",
        type=name_value,
        metavar="RUN",
        default=None,
        help="the two runs, A (the baseline) then B: labels, or a unique part of each (default: "
        "the only two runs loaded)",
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
        "--summary-json",
        type=output_path,
        default=None,
        metavar="FILE",
        help="also write the report's numbers as one JSON object (runs, prompts in common, delta "
        "and its 95%% CI, p-value and test, improved/regressed/unchanged, transitions, each run's "
        "mean, warnings; null where the report says there is none), - for stdout",
    )
    add_bad_lines_arg(parser)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no 'wrote' line; bad lines and skipped files as one warning "
        "line (the report itself is still printed)",
    )
    return parser


def _same_file(a: Path, b: Path) -> bool:
    """Whether two output paths name one file (``-o x.json --summary-json ./x.json``)."""
    return os.path.realpath(a) == os.path.realpath(b)


def two_runs(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """``--runs`` as exactly two runs. It took two words, and a third became a PATH: with the
    folder ``c`` there, ``--runs a b c .`` loaded ``c`` twice and compared a with b, exit 0; ``--runs
    a b c DIR`` said 'c: no such file or directory'. One word after the two is the PATH when no
    PATH is given otherwise and it is on disk (``compare --runs a b DIR`` still works); more
    (``--runs a b c .``: three runs and a PATH, or two runs and two PATHs?) are refused."""
    runs = args.runs
    if runs is None or len(runs) == 2:
        return
    if len(runs) == 3 and not args.paths and not args.input_data_dir and os.path.exists(runs[2]):
        args.runs, args.paths = runs[:2], runs[2:]
        return
    named = ", ".join(repr(run) for run in runs)
    if len(runs) == 1:
        parser.error(f"--runs names two runs, A then B; got one ({named})")
    a = repr(runs[0])
    parser.error(
        f"--runs names two runs, A then B; got {len(runs)} ({named}): a comparison is of two "
        f"runs, so compare each with the baseline in turn (--runs {a} {runs[1]!r}, then --runs "
        f"{a} {runs[2]!r}, …); a PATH goes before --runs"
    )


def run_files(result: LoadResult, run: str) -> dict[str, object]:
    """A compared run in a manifest: its label and the files its generations came from (each
    as the load names it, relative to its input, and its absolute path when known)."""
    import polars as pl

    sources = (
        result.generations.filter(pl.col("run") == run)
        .get_column("source")
        .unique(maintain_order=True)
        .to_list()
    )
    paths = {f.source: f.path for f in result.files}
    return {
        "label": run,
        "files": [
            {"source": source, "path": None if paths.get(source) is None else str(paths[source])}
            for source in sources
        ],
    }


def cmd_compare(argv: Sequence[str]) -> int:
    import polars as pl

    from evaltui.data.compare import compare_runs, default_runs
    from evaltui.data.export import (
        all_or_none,
        csv_safe,
        mark_output,
        marked,
        write_json,
        write_parquet,
        write_problems,
        write_with,
    )
    from evaltui.data.loader import LoadFailure

    parser = compare_parser()
    args = parser.parse_args(argv)
    two_runs(args, parser)
    if args.output is not None and args.summary_json is not None:
        if is_standard_output(args.output) and is_standard_output(args.summary_json):
            parser.error(
                f"-o {shown_path(args.output)} and --summary-json "
                f"{shown_path(args.summary_json)} both write to stdout: choose one"
            )
        if not is_standard_output(args.output) and _same_file(args.output, args.summary_json):
            parser.error("-o and --summary-json name the same file: give two files")
        manifest_clash(parser, args.output, args.summary_json)
    bad_lines_clash(parser, args.bad_lines, args.output, args.summary_json)
    folder = folder_output(args.output, args.summary_json, args.bad_lines)
    if folder is not None:
        return folder
    try:
        result = headless_load(args, parser)
    except LoadFailure as exc:
        return load_failed(exc, args.bad_lines)
    refused = refused_output(result, args.output, args.summary_json, args.bad_lines)
    if refused is not None:
        return refused
    try:
        if args.pattern is not None and result.stats["run"].n_unique() < 2:
            # --runs A B when the pattern left one run said "no run 'b' (runs: 'a')", and
            # without --runs "give the folder that holds both": the pattern is why.
            default_runs(result.stats, args.pattern)
        run_a, run_b = args.runs if args.runs else default_runs(result.stats)
        comparison = compare_runs(result.stats, run_a, run_b)
    except ValueError as exc:
        # What the load left out first: a run's files skipped (a second name of a folder, a
        # file that cannot be read) may be why the run is not there ('only 1 run loaded').
        report_problems(result, quiet=args.quiet, listed_in=args.bad_lines)
        return fail(str(exc))
    # Each row names its two runs (the _a / _b fields alone did not say which run is A), and
    # the manifests name each run's files: a script reading -o tells them apart.
    frame = comparison.joined.select(
        "prompt_id",
        pl.lit(comparison.run_a, dtype=pl.String).alias("run_a"),
        pl.lit(comparison.run_b, dtype=pl.String).alias("run_b"),
        pl.exclude("prompt_id"),
    )
    which = {
        "run_a": run_files(result, comparison.run_a),
        "run_b": run_files(result, comparison.run_b),
    }
    target = None
    summary_written: Written | None = None
    output_written: Written | None = None
    try:
        # Written all or none: a failed write leaves every output as it was (see all_or_none).
        with all_or_none():
            if args.summary_json is not None:
                target = args.summary_json
                with marked(target, "compare-summary"), reader_may_leave(target) as written:
                    summary_written = written
                    write_json(comparison.summary(len(result.errors)), target)
                    mark_output(target, "compare-summary", runs=[run_a, run_b], **which)
            if args.output is not None:
                target = args.output
                with marked(target, "compare"), reader_may_leave(target) as written:
                    output_written = written
                    suffix = target.suffix.lower()
                    if suffix == ".csv":
                        write_with(target, lambda h: csv_safe(frame).write_csv(h), "wb")
                    elif suffix == ".parquet":  # it wrote JSON into a file named .parquet
                        write_parquet(frame, target)
                    else:
                        write_json(frame.to_dicts(), target)
                    mark_output(
                        target, "compare", runs=[run_a, run_b], **which, prompts=frame.height
                    )
            if args.bad_lines is not None:
                target = args.bad_lines
                with reader_may_leave(target):
                    write_problems(result.errors, result.files, target, result.notes)
    except OSError as exc:
        return cannot_write(target or "", exc)
    # The report once the outputs are written, as summarize's summary: an -o that could not be
    # written printed the whole report on standard output before its error and exit 1. It goes
    # to stderr when an output is standard output, which then holds it alone.
    stdout = next(
        (out for out in (args.summary_json, args.bad_lines) if is_standard_output(out)),
        args.output,
    )
    say(comparison.report(len(result.errors), text_encoding(stdout)) + "\n", beside=stdout)
    if (
        not args.quiet
        and summary_written is not None
        and (summary_written.cut or not is_standard_output(args.summary_json))
    ):
        print(f"evaltui: {summary_written.words('the summary')}", file=sys.stderr)
    if not args.quiet and output_written is not None:
        what = f"{frame.height:,} compared prompts"
        print(f"evaltui: {output_written.words(what)}", file=sys.stderr)
    report_problems(result, quiet=args.quiet, listed_in=args.bad_lines)
    return EXIT_OK
