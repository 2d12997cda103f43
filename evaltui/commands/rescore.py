"""``evaltui rescore PATH… --scorer NAME -o FILE``: a new score for every saved generation.

The inputs are never touched. The output is the combined JSON computed with the new scores, the
stored ones beside them as ``stored_*`` keys and a per-prompt count of flipped verdicts.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaltui.cli import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
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
    folder_path,
    input_paths,
    is_standard_output,
    load_failed,
    manifest_clash,
    output_path,
    parsed_options,
    positive_int,
    positive_seconds,
    reader_may_leave,
    refused_output,
    report_problems,
    run_load,
    say,
    shown_path,
    stderr_mark,
    text_encoding,
)

NOTHING_SCORED_STATUS = (
    "rescore: also 1 when the scorer scored no generation (each a scorer error, a timeout, no "
    "reference, no answer, not scored): the outputs are still written, every new score empty, "
    "and stderr says so, -q or not."
)


def nothing_scored(counts: dict[str, int]) -> str | None:
    """The error for a re-score in which no generation got a new score (``counts``: generations
    per status), else None: a scorer that raised on every generation ended with exit 0, and a
    script could not tell its output (every new score null) from a re-score's."""
    from evaltui.data.rescore import OK
    from evaltui.data.wording import plural

    if counts.get(OK, 0):
        return None
    total = sum(counts.values())
    why = ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items()))
    return (
        f"the scorer scored none of {plural(total, 'generation')} ({why}); "
        "the output is written, its new scores empty"
    )


def rescore_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="evaltui rescore",
        description="Score every generation under PATH again with another scorer (the inputs are "
        "not touched) and write the combined JSON under the new scores, the stored ones beside "
        "as stored_* keys, with per-prompt counts of flipped verdicts.",
        epilog=exit_status() + " " + NOTHING_SCORED_STATUS,
    )
    add_load_args(parser)
    parser.add_argument(
        "--scorer",
        required=True,
        metavar="NAME",
        help="math-verify (Hugging Face math-verify: parse + verify), exact (the extracted "
        "answer equals the reference after normalisation), lm-eval:TASK (the task's own filters "
        "and process_results on its lm-eval samples files; lm-eval alone: each file's own task), "
        "or module:function / file.py:function for your own "
        "scorer(generation, reference, record) -> float|bool",
    )
    parser.add_argument(
        "--reextract",
        action="store_true",
        help="exact: read each generation's answer from its text (evaltui's extractor) over the "
        "one its format's scorer extracted (OpenCompass's and AISBench's pred, which reads "
        '1,000 as 000; an Inspect scorer\'s answer, or its "" for none found). Default: the '
        "format's answer, as the format scored it; a verdict of wrong whose reply's own answer "
        "is the reference says so",
    )
    parser.add_argument(
        "--include-path",
        type=folder_path,
        default=None,
        metavar="DIR",
        help="lm-eval: a folder of task YAMLs beyond the installed lm_eval's (as lm_eval "
        "--include_path), for custom tasks",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=output_path,
        required=True,
        metavar="FILE",
        help="combined JSON to write",
    )
    parser.add_argument(
        "--generations",
        type=output_path,
        default=None,
        metavar="FILE",
        help="also write one line per generation (source, line, stored and new score, status) "
        "as JSONL, or CSV/Parquet by suffix",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=15.0,
        metavar="S",
        help="seconds one generation (lm-eval: one logged record) may take before it is marked "
        "'timeout' (default 15: "
        "math-verify's own 5 s for each of reference, generation and comparison)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="scorer processes (default: all cores, or --num-proc N when fewer; never more than "
        "the cores)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also print, per run, the comparison of stored vs new scores (as evaltui compare)",
    )
    add_bad_lines_arg(parser)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress and no summary; bad lines and skipped files as one warning line",
    )
    return parser


def _score_with_progress(result: Any, options: Any, quiet: bool, read_token: str) -> Any:
    from evaltui.data.rescore import rescore

    cancel = threading.Event()
    if quiet or not sys.stderr.isatty():
        return rescore(result, options, cancelled=cancel, read_options=read_token)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("scoring"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeRemainingColumn(),
        console=Console(file=getattr(sys.stderr, "unsanitized", sys.stderr)),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=result.generations.height)

        def on_progress(p: Any) -> None:
            extra = f"{p.errors} errors, {p.timeouts} timeouts" if p.errors or p.timeouts else ""
            bar.update(task, completed=p.done, total=p.total, description=extra)

        return rescore(
            result, options, on_progress=on_progress, cancelled=cancel, read_options=read_token
        )


def _measures(stats: Any) -> dict[str, tuple[str, str]]:
    """Per run, the words before its stored and its new mean, when either is a continuous
    metric's ('mean mae ', 'accuracy '); none when both are accuracies (as before)."""
    import polars as pl

    from evaltui.data.sanitize import one_line

    wanted = {"score_kind", "score_metric", "stored_score_kind", "stored_score_metric"}
    if not wanted <= set(stats.columns):
        return {}
    firsts = stats.group_by("run", maintain_order=True).agg(pl.col(sorted(wanted)).first())

    def words(kind: str | None, metric: str | None) -> str:
        if kind == "continuous":
            return f"mean {one_line(metric or 'score', 30, mark)} "
        return "accuracy "

    mark = stderr_mark()
    out = {}
    for row in firsts.iter_rows(named=True):
        if "continuous" in (row["score_kind"], row["stored_score_kind"]):
            out[str(row["run"])] = (
                words(row["stored_score_kind"], row["stored_score_metric"]),
                words(row["score_kind"], row["score_metric"]),
            )
    return out


def _summary(
    stats: Any,
    rescored: Any,
    output: Written,
    sources: list[str],
    read: int,
    reextract: bool = False,
) -> str:
    """The end summary on stderr. ``sources``: every file of the load, as its notes name them;
    ``read``: how many were read (the cache's hits are of those, as summarize counts them)."""
    from evaltui.data.notes import fold_notes
    from evaltui.data.rescore import (
        flipped_words,
        from_answer_words,
        per_run_comparison,
        unscored_words,
    )
    from evaltui.data.sanitize import one_line, one_line_middle, written_label
    from evaltui.data.wording import plural

    # Every cut as stderr can write it: '...' on an ASCII one, where '…' was '\\u2026'; a
    # label's own characters escaped there, cut or not (written_label)
    mark = stderr_mark()
    encoding = text_encoding("-")
    reread = " (answers read from the text: --reextract)" if reextract else ""
    lines = [f"scorer       {rescored.scorer}{reread}"]
    measures = _measures(stats)
    for row in per_run_comparison(stats).iter_rows(named=True):
        stored, new = row["stored_accuracy"], row["accuracy"]
        # A mean of a continuous metric named as one: an mae run re-scored by exact said
        # '1.2500 stored → 0.5000 new', a mean mae beside an accuracy as if both were rates.
        was, now = measures.get(str(row["run"]), ("", ""))
        text = was + ("–" if stored is None else f"{stored:.4f}")
        text += " stored → " + now + ("–" if new is None else f"{new:.4f}") + " new"
        text += unscored_words(row)
        lines.append(
            f"run          {written_label(one_line_middle(str(row['run']), 60, mark), encoding)}"
            f": {text}; " + flipped_words(row)
        )
    counts = ", ".join(f"{n:,} {status}" for status, n in sorted(rescored.counts.items()))
    lines.append(f"generations  {counts}")
    told = from_answer_words(rescored)
    if told:
        lines.append(f"answers      {told}")
    # One line per kind: 100 plain files under lm-eval are one "not an lm-eval samples file".
    for group in fold_notes(rescored.notes, sources):
        lines.append(f"not scored   {one_line(group.text, 300, mark)}")
    for group in fold_notes(rescored.prompt_notes, sources):
        lines.append(f"prompt score {one_line(group.text, 300, mark)}")
    # A task whose own scorer maps answers to references (an lm-eval process_results): the new
    # verdicts are this scorer's, and the line says which scorer scores as the task did.
    for group in fold_notes(rescored.doubts, sources):
        lines.append(f"doubt        {one_line(group.text, 600, mark)}")
    # 'cache hits   1 files' (every count else says 'file' of one): now as summarize says it.
    lines.append(f"cache hits   {rescored.cached_files:,} of {plural(read, 'file')}")
    lines.append(f"seconds      {rescored.seconds:.2f} scoring")
    lines.append(output.line())
    return "\n".join(lines)


def _compare(stats_stored: Any, stats_new: Any, scorer: str, encoding: str | None = None) -> str:
    """Per run: the comparison report of stored vs new scores, as ``evaltui compare`` prints
    (``encoding``: the one it is written in, as
    :meth:`~evaltui.data.compare.Comparison.report` takes it)."""
    import polars as pl

    from evaltui.data.compare import compare_runs

    reports = []
    for run in stats_stored["run"].unique(maintain_order=True).to_list():
        a, b = f"{run} (stored)", f"{run} ({scorer})"
        both = pl.concat(
            [
                stats_stored.filter(pl.col("run") == run).with_columns(pl.lit(a).alias("run")),
                # A scorer that scored nothing gives no pass@k columns: those are the new
                # run's nulls (selecting them raised ColumnNotFoundError, a traceback).
                stats_new.filter(pl.col("run") == run)
                .select([c for c in stats_stored.columns if c in stats_new.columns])
                .with_columns(pl.lit(b).alias("run")),
            ],
            how="diagonal_relaxed",
        )
        try:
            reports.append(compare_runs(both, a, b).report(encoding=encoding))
        except ValueError as exc:
            reports.append(f"{run}: cannot compare: {exc}")
    return "\n\n".join(reports)


def cmd_rescore(argv: Sequence[str]) -> int:
    from evaltui.data.export import all_or_none, write_combined_json, write_problems
    from evaltui.data.loader import LoadFailure, compute_stats
    from evaltui.data.rescore import (
        RescoreOptions,
        ScorerUnavailable,
        rescored_stats,
        verdict_columns,
    )

    parser = rescore_parser()
    args = parser.parse_args(argv)
    if is_standard_output(args.output) and is_standard_output(args.generations):
        parser.error(
            f"-o {shown_path(args.output)} and --generations {shown_path(args.generations)} "
            "both write to stdout: choose one"
        )
    if args.generations is not None and (
        os.path.realpath(args.output) == os.path.realpath(args.generations)
    ):  # the second write would replace the first
        parser.error("-o and --generations name the same file: give two")
    manifest_clash(parser, args.output, args.generations)
    if args.include_path is not None and not args.include_path.is_dir():
        return fail(f"--include-path {args.include_path}: not a folder")
    from evaltui.data.score_worker import name_problem

    problem = name_problem(args.scorer)
    if problem is not None:  # before the load, not once every file was read
        return fail(problem)
    if args.reextract and args.scorer.strip() != "exact":
        parser.error(
            "--reextract is for --scorer exact (math-verify and your own scorer read the text, "
            "lm-eval its task's filters)"
        )
    bad_lines_clash(parser, args.bad_lines, args.output, args.generations)
    folder = folder_output(args.output, args.generations, args.bad_lines)
    if folder is not None:
        return folder
    options = parsed_options(args, parser)  # the text is kept: the scorer reads it
    try:
        result = run_load(input_paths(args, parser), options, quiet=args.quiet)
    except LoadFailure as exc:
        return load_failed(exc, args.bad_lines)
    refused = refused_output(result, args.output, args.generations, args.bad_lines)
    if refused is not None:
        return refused
    rescore_options = RescoreOptions(
        args.scorer,
        timeout=args.timeout,
        # Neither --num-proc nor --workers is more than the cores (as the load bounds its
        # threads and says so): taken whole, 64 scorer processes ran on 2 cores.
        workers=args.workers or (None if args.num_proc is None else options.workers()),
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        include_path=args.include_path,
        thresholds=options.correct_threshold,
        reextract=args.reextract,
    )
    bounded = rescore_options.workers_note()
    if bounded is not None and not args.quiet:
        print(f"evaltui: note: {bounded}", file=sys.stderr)
    try:
        rescored = _score_with_progress(
            result, rescore_options, args.quiet, options.read.cache_token()
        )
    except ScorerUnavailable as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        print("evaltui: rescore interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED

    stats = rescored_stats(result.generations, rescored, options)
    target = args.output
    try:
        # Written all or none: a failed write leaves every output as it was (see all_or_none).
        with all_or_none():
            # `-o - --generations g.jsonl | head`: standard output's reader took what it
            # wanted; the other outputs are still written, and the summary still said.
            with reader_may_leave(target) as written:
                write_combined_json(stats, target, rescored.scorer)
            if args.generations is not None:
                target = args.generations
                with reader_may_leave(target):
                    _write_generations(
                        target, verdict_columns(result.generations, rescored), rescored.scorer
                    )
            if args.bad_lines is not None:
                target = args.bad_lines
                with reader_may_leave(target):
                    write_problems(result.errors, result.files, target, result.notes)
    except OSError as exc:
        return cannot_write(target, exc)
    if not args.quiet:
        print(
            _summary(
                stats,
                rescored,
                written,
                [f.source for f in result.files],
                len(result.read_files),
                reextract=args.reextract,
            ),
            file=sys.stderr,
        )
    report_problems(result, quiet=args.quiet, listed_in=args.bad_lines)
    if args.quiet and rescored.doubts:
        from evaltui.data.wording import plural

        print(
            f"evaltui: warning: {rescored.scorer} disagrees with most stored verdicts of "
            f"{plural(len(rescored.doubts), 'file')} (without -q each is said, with the "
            "scorer that scores as its task did)",
            file=sys.stderr,
        )
    if args.compare:
        from evaltui.data.metrics import run_kinds
        from evaltui.data.rescore import new_stats, with_new_scores

        stored = compute_stats(result.generations, options)
        new_generations = with_new_scores(result.generations, rescored)
        new = new_stats(new_generations, rescored.scorer, options, run_kinds(stored))
        # Standard output holds the data alone when any output goes there (-o -, --generations
        # -, --bad-lines -): the report goes to stderr then.
        data_there = any(
            out is not None and is_standard_output(out)
            for out in (args.output, args.generations, args.bad_lines)
        )
        beside = "-" if data_there else None
        report = _compare(stored, new, rescored.scorer, text_encoding(beside))
        say(report + "\n", beside=beside)
    problem = nothing_scored(rescored.counts)
    if problem is not None:
        return fail(problem, EXIT_FAILURE)
    return EXIT_OK


def _write_generations(path: Path, frame: Any, scorer: str) -> None:
    """The per-generation verdicts; the manifest names the scorer whose ``new_accuracy`` they are
    (``rescored_with``, as the combined JSON's does): it said only 'rescore'."""
    from evaltui.data.export import (
        csv_safe,
        mark_output,
        marked,
        write_json_lines,
        write_parquet,
        write_with,
    )

    suffix = path.suffix.lower()
    with marked(path, "rescore"):  # evaltui's output: never read back as eval data
        if suffix == ".csv":
            # Run labels, file names, references and answers are input: no formulas.
            write_with(path, lambda h: csv_safe(frame).write_csv(h), "wb")
        elif suffix == ".parquet":
            write_parquet(frame, path)  # a failed write is an OSError, not polars' own
        else:
            write_json_lines(frame, path)
        mark_output(path, "rescore", generations=frame.height, rescored_with=scorer)
