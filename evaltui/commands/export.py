"""``evaltui export PATH… --where EXPR -o FILE``: the app's export, headless."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evaltui.cli import (
    EXIT_FAILURE,
    EXIT_OK,
    Parser,
    add_bad_lines_arg,
    add_load_args,
    bad_lines_clash,
    cannot_write,
    exit_status,
    fail,
    filter_value,
    folder_output,
    headless_load,
    is_standard_output,
    load_failed,
    loaded_prompts,
    name_value,
    output_appeared,
    output_path,
    reader_may_leave,
    refused_output,
    report_problems,
    shown_path,
    stderr_mark,
    text_encoding,
)
from evaltui.data.sanitize import (
    as_written,
    cell_width,
    head_cells,
    one_line,
    one_line_middle,
    tail_cells,
    visible,
)

if TYPE_CHECKING:
    from evaltui.data.export import ExportSummary
    from evaltui.data.query import QueryError


def export_parser() -> argparse.ArgumentParser:
    from evaltui.data.query import QUICK_FILTERS

    parser = Parser(
        prog="evaltui export",
        description="Write a filtered subset: the combined JSON of the matching prompts (default), "
        "their original records (--records), or their stats as CSV/Parquet (by -o suffix).",
        epilog=exit_status(),
    )
    add_load_args(parser)
    parser.add_argument(
        "--where",
        "--filter",
        dest="where",
        default=None,
        type=filter_value,
        metavar="EXPR",
        help="filter over the per-prompt stats, by the names on screen or the combined JSON's "
        "keys, e.g. 'accuracy < 0.2 and n >= 8', 'prompt ~ \"triangle\"' (smart case); "
        "--filter is the same (the app's filter bar, /, takes the same text)",
    )
    parser.add_argument(
        "--quick",
        choices=list(QUICK_FILTERS),
        default=None,
        help="only prompts never / sometimes / always solved, with a suspect reference or "
        "grader (triage flags), or with a generation that hit the length cap (disagree: the "
        "app's d after a re-score; export runs none)",
    )
    parser.add_argument(
        "--text",
        default=None,
        type=filter_value,
        help="substring of the prompt or answer (smart case: a capital letter makes it exact)",
    )
    parser.add_argument(
        "--run",
        type=name_value,
        default=None,
        help="only this run's prompts (its label, or a unique part of it)",
    )
    parser.add_argument(
        "--records",
        action="store_true",
        help="write the original input records as JSONL: lines of JSON-lines inputs unchanged, "
        "entries of other formats re-encoded one per line (the end line says which). A record "
        "holding NaN or Infinity as a number (Python's json, lm-eval's mae) is kept so: no "
        "strict JSON (JSON.parse, jq); the end line and the manifest's nonstandard_json_lines "
        "say which",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=output_path,
        required=True,
        metavar="FILE",
        help="output file, - for stdout; .csv or .parquet write the stats in that format",
    )
    parser.add_argument(
        "--as",
        dest="kind",
        choices=["combined", "records", "csv", "parquet"],
        default=None,
        help="what to write, whatever the file name says (e.g. -o - --as csv)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite existing output files (-o FILE and --bad-lines FILE)",
    )
    add_bad_lines_arg(parser)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no 'wrote' line; bad lines and skipped files as one warning line",
    )
    return parser


def caret_lines(text: str, position: int | None, width: int = 72) -> str:
    """Two lines pointing at ``position`` in ``text`` (a window of it, ``width`` terminal cells,
    when it is long). Measured in cells: a CJK or emoji character takes two, a combining mark
    none (the caret stood under the wrong word after '"数学题目"', 4 cells short)."""
    if position is None:
        return ""
    start = 0
    if cell_width(text) > width:
        start = position - len(tail_cells(text[:position], width // 2))
        start = max(0, min(start, len(text) - len(tail_cells(text, width))))
    window = head_cells(text[start:], width)
    # The mark stderr can write: '…' on an ASCII one was '\\u2026', and the caret stood 5
    # cells left of the character it points at.
    mark = stderr_mark()
    lead = mark if start else ""
    tail = mark if start + len(window) < len(text) else ""
    # The expression (input) as stderr writes it, measured so: on an ASCII one '≥' is
    # '\u2265', six cells, and a caret after it stood five cells short
    encoding = text_encoding("-")
    before = as_written(visible(text[start:position], multiline=False), encoding)
    shown = as_written(visible(window, multiline=False), encoding)
    return f"\n  {lead}{shown}{tail}\n  {' ' * (cell_width(lead + before))}^"


def where_error(where: str) -> QueryError | None:
    """What is wrong with ``where`` whatever the load gives, or None: it is parsed over the
    Stats columns every load has (an unknown name may still be a column the load adds, pass@k
    or a triage count, so that error waits for the load; every other one is the same then)."""
    from evaltui.data.metrics import STATS_SCHEMA
    from evaltui.data.query import QueryError, parse_filter

    if not where.strip():
        return None
    try:
        parse_filter(where, STATS_SCHEMA)
    except QueryError as exc:
        return None if exc.message.startswith("unknown column") else exc
    return None


def cmd_export(argv: Sequence[str]) -> int:
    from evaltui.data.export import (
        KIND_CONTENTS,
        SUFFIX_KINDS,
        OutputAppeared,
        OutputIsInput,
        all_or_none,
        export_view,
        kind_for_path,
        mismatch_words,
        suffix_mismatch,
        to_terminal,
        write_problems,
    )
    from evaltui.data.loader import LoadFailure
    from evaltui.data.query import (
        QueryError,
        View,
        error_text,
        quick_unjudged,
        where_scale_note,
    )
    from evaltui.data.runs import resolve_run
    from evaltui.data.schema import clean_text

    parser = export_parser()
    args = parser.parse_args(argv)
    # A folder's undecodable byte in a run label is '\\xff'; the shell passes it as '\\udcff',
    # which no value holds: --where 'run == "'"$name"'"' matched nothing.
    args.where, args.text = clean_text(args.where or ""), clean_text(args.text or "")
    if args.records and args.kind not in (None, "records"):
        # Two answers to "what to write": one was ignored without a word.
        parser.error(f"--records and --as {args.kind} ask for different outputs: give one")
    bad_lines_clash(parser, args.bad_lines, args.output)
    folder = folder_output(args.output, args.bad_lines)
    if folder is not None:
        return folder
    # Not a FIFO, nor the file standard output was opened on (`-o /dev/stdout > x.json`: the
    # shell made x.json, and the export was refused as existing). --bad-lines FILE is an output
    # of the export too: it was replaced without --force while -o was refused.
    existing = [
        shown_path(path)
        for path in (args.output, args.bad_lines)
        if path is not None and not is_standard_output(path) and path.is_file()
    ]
    if existing and not args.force:
        verb = "exists" if len(existing) == 1 else "exist"
        return fail(f"{' and '.join(existing)} {verb} (use --force to overwrite)")
    view = View(where=args.where, text=args.text, quick=args.quick, run=args.run)
    kind = args.kind or ("records" if args.records else kind_for_path(args.output))
    if args.quick == "disagree":
        # export runs no re-score, so no load has stored and new scores: said at once, not
        # once every file was read.
        return fail(
            "--quick: 'disagree' needs a re-score, which export does not run: evaltui rescore "
            "PATH --scorer NAME -o FILE gives each prompt's n_flipped (or the app's d after "
            "--rescore NAME)"
        )
    if kind == "parquet" and to_terminal(args.output):
        # Known before the load: a usage error (exit 2), not a write that failed (exit 1) once
        # every file was read.
        return fail(
            f"-o {shown_path(args.output)}: Parquet is binary: write it to a file or a pipe, "
            "not to the terminal"
        )
    early = where_error(args.where)
    if early is not None:  # before the load: a typo in a filter cost a whole load first
        return fail(
            f"--where: {error_text(early.message, early.position)}",
            below=caret_lines(args.where, early.position),
        )
    try:
        result = headless_load(args, parser)
    except LoadFailure as exc:
        return load_failed(exc, args.bad_lines, force=args.force)
    refused = refused_output(result, args.bad_lines)
    if refused is not None:
        return refused
    if args.run is not None:
        try:
            runs = [str(r) for r in result.stats["run"].unique(maintain_order=True).to_list()]
            view = view.replace(run=resolve_run(runs, args.run))
        except ValueError as exc:
            return fail(f"--run: {exc}")
    unjudged = quick_unjudged(result.stats, view.quick, view.run)
    if unjudged is not None:
        message, matchable = unjudged
        if not matchable:  # an empty file written as if no prompt were never solved
            return fail(f"--quick {view.quick}: {message}")
        print(
            f"evaltui: note: --quick {view.quick}: {visible(message, multiline=False)}",
            file=sys.stderr,
        )
    scale = where_scale_note(result.stats, view.where, view.run)
    if scale is not None:
        print(f"evaltui: note: --where: {visible(scale, multiline=False)}", file=sys.stderr)
    try:
        view_stats = view.apply(result.stats)
    except QueryError as exc:
        if exc.field == "quick":
            return fail(f"--quick: {exc.message}")
        return fail(
            f"--where: {error_text(exc.message, exc.position)}",
            below=caret_lines(args.where, exc.position),
        )
    named = suffix_mismatch(kind, args.output)
    if named is not None:  # said, not refused: the user may mean it
        print(
            f"evaltui: note: {mismatch_words(kind, args.output)}, or give --as {named}",
            file=sys.stderr,
        )
    unknown = Path(args.output).suffix
    if (
        args.kind is None
        and not args.records
        and unknown
        and unknown.lower() not in SUFFIX_KINDS
        and not is_standard_output(args.output)
    ):
        # `-o results.xlsx` (or .txt, .tsv) got the combined JSON without a word
        print(
            f"evaltui: note: {one_line_middle(Path(args.output).name, 30)} will hold "
            f"{KIND_CONTENTS[kind]}: {one_line(unknown, 12)} is no format evaltui writes "
            "(--as csv, parquet, records or combined; or name it .csv, .parquet, "
            ".jsonl or .json)",
            file=sys.stderr,
        )
    target = args.output
    # `-o - | head -1`: the reader leaving cuts the export short (the other outputs are still
    # written); the summary line said of it was unset then, a traceback (exit 1).
    summary: ExportSummary | str = "stopped writing to standard output: its reader left"
    # Without --force they are put only where no file is, also one another export to the same
    # -o wrote while this one loaded (both saw none at the check above; the later replaced it).
    new = [
        p
        for p in (args.output, args.bad_lines)
        if p is not None and not args.force and not is_standard_output(p)
    ]
    try:
        with all_or_none(new):  # the export and --bad-lines: both or neither
            with reader_may_leave(target) as written:
                summary = export_view(kind, view_stats, result.generations, result.files, target)
                if written.replaced:  # --force over a file: said so, not 'wrote'
                    summary = dataclasses.replace(summary, replaced=True)
            if args.bad_lines is not None:
                target = args.bad_lines
                with reader_may_leave(target):
                    write_problems(result.errors, result.files, target, result.notes)
    except OutputAppeared as exc:
        there = [p for p in new if os.path.realpath(p) == exc.filename] or [exc.filename]
        return output_appeared(there[0])
    except OSError as exc:
        return cannot_write(target, exc)
    except OutputIsInput as exc:  # export_view refuses it before writing: a usage error
        return fail(str(exc))
    except ValueError as exc:
        return fail(f"cannot write {args.output}: {exc}", EXIT_FAILURE)
    report_problems(result, quiet=args.quiet, listed_in=args.bad_lines)
    if not args.quiet:
        print(
            # One line: the path is the user's, and may hold a newline (shown as ␊).
            visible(
                f"evaltui: {summary} ({view.describe()}; {loaded_prompts(result.stats)} loaded)",
                multiline=False,
            ),
            file=sys.stderr,
        )
    return EXIT_OK
