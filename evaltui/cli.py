"""Command line: ``evaltui PATH…`` opens the app; ``summarize``/``export``/``compare``/``formats``
work headless. The app is imported only in the branch that starts it, so ``--help`` and the
headless commands stay fast."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import dataclasses
import math
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
SUBCOMMANDS = ("summarize", "export", "compare", "rescore", "formats")
#: Runs the end summary lists one by one (accuracy, triage); the rest are counted.
SUMMARY_RUNS = 10


def exit_status(*, follow: bool = False) -> str:
    """The headless commands' exit codes, as their --help ends (README "What evaltui writes");
    ``follow`` for a command that has ``--follow`` (summarize)."""
    ending = (
        "; with --follow, Ctrl-C or SIGTERM after a last write is the normal end" if follow else ""
    )
    return (
        "exit status: 0 written (bad lines and skipped files left out are listed on stderr, not "
        f"an error{ending}), also when the reader of standard output stops early (| head): "
        "the rest of standard output is dropped quietly, any -o FILE is still written; 1 the "
        "output could not be written (a named pipe whose reader went away too, standard output "
        "full or closed); 2 nothing "
        "written: a usage error (a bad flag or value, an empty path, name or filter, a path that "
        "does not "
        "exist, an output that "
        "is an input file) or nothing to read (no eval file found, none readable); 130, 143, 129 "
        "stopped by Ctrl-C, SIGTERM, SIGHUP, the output left as it was."
    )


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose help, usage and version text reach standard output as every other
    text of evaltui's does (:func:`say`): argparse swallows an OSError or AttributeError there,
    so ``evaltui --help > /dev/full`` (and each command's ``--help``, ``--version``) ended with
    exit 0 and nothing said (exit 120 and "Exception ignored" when the stream was buffered), and
    ``>&-`` put the help on stderr. Now standard output full or closed is exit 1 with
    ``evaltui: error: cannot write standard output: …``; a reader that left (``| head -1``)
    still ends quietly with 0. Messages for stderr (usage errors) go there as before."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        # argparse passes sys.stdout for help, usage and version, which is None under `>&-`;
        # its own errors name sys.stderr.
        if file is None or file is sys.stdout:
            say(message, sanitize=False)
            return
        super()._print_message(message, file)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """PATHs wherever they stand among the flags: argparse's parse_args takes the
        positionals once, so ``summarize -o s.json runs/a -q runs/b`` ended 'unrecognized
        arguments: runs/b', exit 2 (a script that adds a flag after the first folder, or puts
        them between). After ``--`` (a folder named ``-x``) argparse's own parse, whose
        intermixed one takes ``-- -x`` for an unknown flag (Python 3.11)."""
        argv = sys.argv[1:] if args is None else list(args)
        if "--" in argv:
            return super().parse_args(argv, namespace)
        return self.parse_intermixed_args(argv, namespace)


def folder_path(text: str) -> Path:
    """A folder flag's value: ``--cache-dir ''`` (an unset ``$CACHE``) is a usage error, not the
    working directory (the cache's shard folders landed there)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path: give a folder")
    return Path(text)


def file_glob(text: str) -> str:
    """A ``--pattern`` value: ``--pattern ''`` (an unset ``$PATTERN``) is a usage error. It
    matched no file, and the error said the folder held no file with a known extension while
    it listed its .jsonl files."""
    if not text:
        raise argparse.ArgumentTypeError(
            "an empty glob matches no file: give one ('*.jsonl'), or leave --pattern out"
        )
    return text


def file_name(text: str) -> str:
    """``--output_filename ''`` (an unset ``$NAME``) is a usage error: the output was written
    as the file OUTPUT_DATA_DIR itself (``./summary`` a JSON file, not a folder)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty name: give a file name")
    compressed(text)
    return text


#: Output names that promise a compressed file, which no evaltui output is.
COMPRESSED_SUFFIXES = (".gz", ".zst", ".bz2", ".xz", ".zip")


def compressed(text: str) -> None:
    """Refuse an output name that promises a compressed file (:data:`COMPRESSED_SUFFIXES`),
    which no evaltui output is."""
    suffix = Path(text).suffix
    if suffix.lower() in COMPRESSED_SUFFIXES:
        # Published samples are .jsonl.gz, so a script names its output so: plain text was
        # written under the name, which zcat refused and evaltui itself read back as no known
        # file (evaltui reads no compressed input either: it is listed as such, not read).
        raise argparse.ArgumentTypeError(
            f"{text!r}: evaltui writes no compressed ({suffix}) file: name it without "
            f"{suffix} (and compress it after, or write to - and pipe it to the compressor)"
        )


def name_value(text: str) -> str:
    """A flag naming something (``--label``, ``--prompt-field``, ``--metric``, ``--run``, …):
    an empty value (an unset ``$LABEL`` in a script) is a usage error. It was taken as the flag
    not given, without a word: ``--label ''`` labelled each run by its folder, ``--score-field
    ''`` looked for the default fields, ``export --run ''`` wrote every run's prompts."""
    if not text:
        raise argparse.ArgumentTypeError("an empty name: give one, or leave the flag out")
    return text


def filter_value(text: str) -> str:
    """A filter flag's value (``export --where``, ``--text``): an empty one (an unset ``$WHERE``
    in a script) is a usage error, as :func:`name_value`'s. It was taken as no filter, without
    a word: ``export --where "$WHERE" -o hard.jsonl`` wrote every prompt."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty filter: give one, or leave the flag out")
    return text


def positive_int(text: str) -> int:
    """A count flag's value (``--num-proc``, ``--workers``): a whole number of at least 1. A zero
    or negative count was taken silently (as all cores, or one)."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 or more")
    return number


def positive_seconds(text: str) -> float:
    """A duration flag's value (``--timeout``, ``--follow-interval``): a finite number of seconds
    above 0. ``nan`` and ``inf`` parse as floats, and the scorer's step budget then crashed on
    them (``int(nan)``)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return seconds


def add_load_args(parser: argparse.ArgumentParser, *, paths_required: bool = True) -> None:
    """The flags every loading command shares (the app, summarize, export, compare)."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help="eval directories or files")
    parser.add_argument(
        "--input_data_dir",
        "--input-data-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="same as a PATH (the batch script's flag)",
    )
    parser.add_argument(
        "--pattern",
        "--input_file_pattern",
        "--input-file-pattern",
        dest="pattern",
        type=file_glob,
        default=None,
        metavar="GLOB",
        help="file-name glob, e.g. 'inference_*.jsonl' (default: every file a reader "
        "accepts; '*.jsonl' with --input_data_dir)",
    )
    parser.add_argument(
        "--format",
        type=name_value,
        default=None,
        metavar="NAME",
        help="force a reader (see 'evaltui formats'); default: detect per file",
    )
    parser.add_argument(
        "--model",
        "--model_name_or_path",
        "--model-name-or-path",
        dest="model",
        default=None,
        metavar="PATH",
        help="local model dir or tokenizer.json for token lengths "
        "(default: the embedded DeepSeek-V4 tokenizer)",
    )
    parser.add_argument(
        "--num-proc",
        "--num_proc",
        dest="num_proc",
        type=positive_int,
        default=None,
        metavar="N",
        help="threads for reading and tokenizing, and the size of every thread pool evaltui "
        "starts: polars', the tokenizer's (Rayon) and its own (default: all cores; never more "
        "than the cores)",
    )
    parser.add_argument(
        "--cache-dir",
        type=folder_path,
        default=None,
        metavar="DIR",
        help="token-length cache (default: $XDG_CACHE_HOME/evaltui or ~/.cache/evaltui)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--label",
        type=name_value,
        action="append",
        default=[],
        help="run label for every file (default: from the format or folder); given once per "
        "PATH, each names its PATH's runs, in order: --label A runs/a --label B runs/b",
    )
    parser.add_argument(
        "--prompt-field",
        type=name_value,
        default=None,
        metavar="NAME",
        help="plain JSONL: the prompt's field (default: prompt, question, input, ...)",
    )
    parser.add_argument(
        "--gen-field",
        type=name_value,
        default=None,
        metavar="NAME",
        help="plain JSONL: the generation's field (default: gen, generation, output, ...)",
    )
    parser.add_argument(
        "--answer-field",
        type=name_value,
        default=None,
        metavar="NAME",
        help="plain JSONL: the reference's field (default: answer, gold, target, ...)",
    )
    parser.add_argument(
        "--score-field",
        type=name_value,
        default=None,
        metavar="NAME",
        help="plain JSONL: the score's field (default: accuracy, acc, correct, ..., then score, "
        "reward); a name such as mae, loss, wer or error is lower-is-better",
    )
    parser.add_argument(
        "--metric",
        type=name_value,
        default=None,
        metavar="NAME",
        help="the per-sample metric to score by where a format logs several (lm-eval: acc_norm, "
        "bleu_acc, ...; lighteval: a doc's metric; plain JSONL: a key of a score field's dict; "
        "default: the task's first)",
    )
    parser.add_argument(
        "--correct-threshold",
        action="append",
        default=[],
        metavar="[RUN=]X",
        help="a generation is correct when its score >= X (<= X when lower is better): X for "
        "every run, RUN=X for one run (repeat the flag). Default: 0.5 for runs whose score is an "
        "accuracy (0/1 or 0-1); none for other scores (bleu 0-100, mae, ...), which then show "
        "their mean, min and max but no correct/pass@k/maj@k",
    )
    parser.add_argument(
        "--score-direction",
        action="append",
        default=[],
        metavar="[RUN=]lower|higher",
        help="whether a lower or a higher score is better, for every run or RUN=lower for one "
        "(repeat the flag), over what the format or the metric's name says (mae, loss, wer, "
        "error, ...: lower). A lower-is-better score is no accuracy: correct is <= the "
        "--correct-threshold, and compare calls a fall an improvement",
    )
    parser.add_argument(
        "--triage",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a triage threshold (repeatable): cap_margin (0.01), min_cap (64), min_tail_repeats (4), "
        "max_ngram_diversity (0.2), consensus (0.75), min_votes (3), wrong_share (0.5)",
    )


def triage_thresholds(args: argparse.Namespace) -> Any:
    """``--triage NAME=VALUE`` items as Thresholds; a bad item exits with a usage error."""
    from evaltui.data.triage import Thresholds

    try:
        return Thresholds.parse(list(args.triage))
    except ValueError as exc:
        raise SystemExit(fail(str(exc))) from None


def load_options(args: argparse.Namespace) -> Any:
    from evaltui.data.formats import ReadOptions
    from evaltui.data.loader import LoadOptions
    from evaltui.data.metrics import Thresholds

    pattern = args.pattern
    if pattern is None and args.input_data_dir:
        pattern = "*.jsonl"  # the batch script's default, kept for its users
    return LoadOptions(
        pattern=pattern,
        format=args.format,
        model=args.model,
        num_proc=args.num_proc,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        read=ReadOptions(
            args.prompt_field,
            args.gen_field,
            args.answer_field,
            args.score_field,
            args.label[0] if len(args.label) == 1 else None,
            metric=args.metric,
            labels=tuple(args.label) if len(args.label) > 1 else (),
        ),
        correct_threshold=Thresholds.parse(args.correct_threshold).with_directions(
            args.score_direction
        ),
        triage=triage_thresholds(args),
    )


def input_paths(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    paths = list(args.paths) + list(args.input_data_dir)
    if not paths:
        parser.error("give at least one PATH (or --input_data_dir)")
    if "" in paths:
        # `evaltui summarize "$DIR"` with DIR unset read the working directory, whatever it held.
        parser.error("an empty PATH: give a folder or a file")
    labels = getattr(args, "label", [])
    if len(labels) > 1 and len(labels) != len(paths):
        # `--label A runs/a --label B runs/b` labelled both runs B: the last --label won, and
        # the two models were pooled as one run's samples.
        parser.error(
            f"--label given {len(labels)} times for {len(paths)} PATHs: give it once (every "
            "file's run) or once per PATH (each PATH's runs, in the order the PATHs are given)"
        )
    if len(labels) > 1:
        # `evaltui runs/a runs/a --label A --label B` read runs/a once, as A: B was dropped
        # without a word (one run shown where two labels were asked for).
        first: dict[str, str] = {}
        for path, label in zip(paths, labels, strict=True):
            same = os.path.normpath(os.path.abspath(path))
            if first.setdefault(same, label) != label:
                parser.error(
                    f"{path!r} is given twice, with --label {first[same]!r} and --label "
                    f"{label!r}: a PATH is read once; give it once"
                )
    return paths


def output_path(text: str) -> Path:
    """An output flag's value: ``-o ''`` (an unset ``$OUT``) is a usage error, not ``.``."""
    if not text:
        raise argparse.ArgumentTypeError(
            "an empty path: give a file path, or - for standard output"
        )
    from evaltui.data.export import names_folder

    if names_folder(text) and not os.path.isdir(text):  # an existing one: folder_output says so
        raise argparse.ArgumentTypeError(f"{text!r} names a folder: give a file path")
    compressed(text)
    return Path(text)


def fail(message: str, code: int = EXIT_USAGE, *, below: str = "") -> int:
    """Print the error on one line (a newline in a name from the input or the command line
    shows as ␊: one error per line for a script), then ``below`` (lines of its own, e.g. a caret
    under an expression); return ``code``."""
    from evaltui.data.sanitize import visible

    print(f"evaltui: error: {visible(message, multiline=False)}{below}", file=sys.stderr)
    return code


def cannot_write(target: str | os.PathLike[str], exc: OSError) -> int:
    """The error for an output that could not be written. A reader of standard output that went
    away (``evaltui export … -o - | head``) is not one: it took what it wanted, and :func:`main`
    ends quietly with 0. A named pipe's reader that went away (``-o fifo``, ``-o >(gzip …)``)
    is: what it was to get is lost."""
    from evaltui.data.export import NotPutInPlace

    if isinstance(exc, NotPutInPlace) and exc.filename:
        # The outputs are put in place together at the end: the one that failed, not the
        # last one written ('cannot write bad.jsonl: Is a directory' for -o x.jsonl)
        target = exc.filename
    if isinstance(exc, BrokenPipeError):
        if is_standard_output(target):
            raise exc
        return fail(f"cannot write {target}: its reader went away (broken pipe)", EXIT_FAILURE)
    # `-o -` is standard output, said so as for a table or report ('cannot write -: …' read as
    # a file named '-').
    shown = "standard output" if os.fspath(target) == "-" else target
    return fail(f"cannot write {shown}: {exc.strerror or exc}", EXIT_FAILURE)


#: Names of standard output besides ``-``: writing to one of them is writing to ``-``.
STDOUT_NAMES = ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_standard_output(target: str | os.PathLike[str] | None) -> bool:
    """Whether ``target`` means standard output, the one answer to that question for every
    command: ``-``, a name of descriptor 1 (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``),
    or the very file descriptor 1 is open on (``-o out.json > out.json``, the terminal's own
    device). The null device is no stream anyone reads: ``-o /dev/null > /dev/null`` writes
    nothing twice, so it is standard output only as ``-``.

    Two helpers asked it apart, and disagreed: compare printed its report on standard output
    before ``-o /dev/stdout``'s JSON (``| jq`` failed), and ``export -o /dev/stdout > x.json``
    was refused as 'exists'."""
    from evaltui.data.export import is_stdout

    if target is None:
        return False
    if is_stdout(target) or os.fspath(target) in STDOUT_NAMES:
        return True
    try:
        named = os.stat(target)
        if os.path.samestat(named, os.stat(os.devnull)):
            return False
        return os.path.samestat(named, os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):
        return False


def reader_left(fd: int) -> None:
    """The reader of ``fd`` (standard output or error) went away: what is still written to it
    goes nowhere, so neither a later write nor Python's flush at exit fails again."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


@dataclasses.dataclass
class Written:
    """One output as a command's last words tell of it: a file that was there before is said
    ``replaced`` (summarize, compare and rescore replace one without --force, export with it:
    it read 'wrote s.json' either way), and standard output whose reader left before its end
    is said so (``-o - | head -1`` ended 'wrote (standard output)' over a cut output)."""

    target: Path
    replaced: bool = False
    """A file was at ``target`` before the write (a device or named pipe is written into)."""
    cut: bool = False
    """``target`` is standard output, and its reader left before the end was written."""

    def line(self) -> str:
        """The end summary's last line (summarize, rescore): ``wrote        s.json``."""
        if is_standard_output(self.target):
            where = "(standard output, until its reader left)" if self.cut else "(standard output)"
            return f"wrote        {where}"
        verb = "replaced" if self.replaced else "wrote"
        return f"{verb:<13}{shown_path(self.target)}"

    def words(self, what: str) -> str:
        """``wrote WHAT to FILE`` (compare's and export's last line), ``replaced FILE with
        WHAT``, or ``stopped writing WHAT to standard output: its reader left``."""
        if is_standard_output(self.target):
            if self.cut:
                return f"stopped writing {what} to standard output: its reader left"
            return f"wrote {what} to standard output"
        if self.replaced:
            return f"replaced {shown_path(self.target)} with {what}"
        return f"wrote {what} to {shown_path(self.target)}"


def replaces_file(target: str | os.PathLike[str]) -> bool:
    """Whether writing ``target`` replaces a file that is there (not standard output, a
    device or a named pipe, which are written into)."""
    return not is_standard_output(target) and os.path.isfile(target)


@contextlib.contextmanager
def reader_may_leave(target: Path) -> Iterator[Written]:
    """A write to standard output whose reader went away (``--summary-json - | head``) ends
    quietly and the other outputs are still written (the exit code stays 0, as the README
    says); the broken pipe ended the command, and ``-o FILE`` after it was never written.
    Yields what the command then says of the output (:class:`Written`)."""
    written = Written(target, replaced=replaces_file(target))
    try:
        yield written
    except BrokenPipeError:
        if not is_standard_output(target):
            raise
        written.cut = True
        reader_left(sys.stdout.fileno())


def folder_output(*outputs: str | os.PathLike[str] | None) -> int | None:
    """The usage error when an output is an existing folder, else None: said before the load
    (summarize, compare and rescore said it once every file was read, with exit 1)."""
    from evaltui.data.export import is_stdout

    for output in outputs:
        if output is not None and not is_stdout(output) and Path(output).is_dir():
            return fail(f"{output} is a folder: give a file path")
    return None


def refused_output(result: Any, *outputs: str | os.PathLike[str] | None) -> int | None:
    """The usage error when an output is one of the load's input files (it would be destroyed),
    else None."""
    from evaltui.data.export import OutputIsInput, refuse_input

    for output in outputs:
        if output is None:
            continue
        try:
            refuse_input(output, result.files)
        except OutputIsInput as exc:
            return fail(str(exc))
    return None


def run_load(paths: list[str], options: Any, *, quiet: bool = False) -> Any:
    """Load with a rich progress bar on stderr when it is a terminal; returns the LoadResult."""
    input_names(paths)
    result = progress_load(paths, options, quiet=quiet)
    remember_input(result)
    return result


def progress_load(paths: list[str], options: Any, *, quiet: bool) -> Any:
    """:func:`run_load`'s load, with its progress bar when stderr is a terminal."""
    from evaltui.data.loader import load

    if quiet or not sys.stderr.isatty():
        return load(paths, options)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(file=getattr(sys.stderr, "unsanitized", sys.stderr))
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        # Reading and tokenizing overlap (a file is tokenized while the next is read): one line
        # each, each naming what it counts (one line for both flipped between "reading 2/6" and
        # "tokenizing 329/329", and called the 6 files "generations").
        reading = bar.add_task("reading", total=None, unit="files")
        tokenizing = bar.add_task("tokenizing", total=None, unit="generations")

        def on_progress(p: Any) -> None:
            bar.update(reading, completed=p.files_read, total=p.files_total)
            bar.update(tokenizing, completed=p.generations_tokenized, total=p.generations)

        return load(paths, options, on_progress=on_progress, cancelled=threading.Event())


def parsed_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Any:
    """:func:`load_options`, a malformed flag value (``--correct-threshold``) a usage error."""
    try:
        return load_options(args)
    except ValueError as exc:
        parser.error(str(exc))


def headless_load(
    args: argparse.Namespace, parser: argparse.ArgumentParser, *, stats_only: bool = False
) -> Any:
    """Load for a headless command. The generations' text is not kept: stats, tables, comparisons
    and record exports (which re-read their sources) need none. ``stats_only``: the command uses
    only the Stats table and the load's headline (a cached snapshot of unchanged inputs is used
    without reading them). Raises LoadFailure (also when ``--correct-threshold RUN=X`` names no
    loaded run)."""
    from evaltui.data.loader import LoadFailure

    options = dataclasses.replace(
        parsed_options(args, parser), keep_text=False, stats_only=stats_only
    )
    result = run_load(input_paths(args, parser), options, quiet=args.quiet)
    runs = result.stats["run"].unique(maintain_order=True).to_list()
    message = options.correct_threshold.unknown_message(runs)
    if message is not None:
        raise LoadFailure(message)
    return result


def add_bad_lines_arg(parser: argparse.ArgumentParser) -> None:
    """``--bad-lines FILE``, for every headless command that loads."""
    parser.add_argument(
        "--bad-lines",
        type=output_path,
        default=None,
        metavar="FILE",
        help="also write every bad line and skipped file the output leaves out, and every note, "
        'one JSON object a line: {"kind", "source", "path", "line", "reason"} (- for stdout; '
        '"line" is null for a whole file and in a file without lines, an .eval archive or a '
        "parquet table, whose reason starts with the member or row); "
        "stderr lists the first five of each",
    )


def manifest_clash(parser: argparse.ArgumentParser, a: Path | None, b: Path | None) -> None:
    """A usage error when one of two outputs is where the other's manifest goes (``-o c.json
    --summary-json c.json.evaltui.json``): the manifest replaced it, exit 0, the summary lost
    and the other output's mark gone with it."""
    from evaltui.data.marks import manifest_path

    if a is None or b is None or is_standard_output(a) or is_standard_output(b):
        return
    for one, other in ((a, b), (b, a)):
        if os.path.realpath(manifest_path(one)) == os.path.realpath(other):
            parser.error(
                f"{shown_path(other)} is where the manifest of {shown_path(one)} goes: "
                "give another path"
            )


def bad_lines_clash(
    parser: argparse.ArgumentParser, bad_lines: Path | None, *outputs: Path | None
) -> None:
    """A usage error when ``--bad-lines`` and another output are one file, or both ``-``, or
    one is where the other's manifest goes."""

    if bad_lines is None:
        return
    for output in outputs:
        if output is None:
            continue
        if is_standard_output(bad_lines) and is_standard_output(output):
            parser.error(
                f"--bad-lines {shown_path(bad_lines)} and another output {shown_path(output)}"
                " both write to stdout: choose one"
            )
        if is_standard_output(output) or is_standard_output(bad_lines):
            continue
        if os.path.realpath(output) == os.path.realpath(bad_lines):
            parser.error(
                f"--bad-lines and another output name the same file ({shown_path(output)})"
            )
        manifest_clash(parser, output, bad_lines)


def load_failed(exc: Any, bad_lines: Path | None, *, force: bool = True) -> int:
    """The error of a load that found nothing to use (exit 2). Its message names the first bad
    line; with ``--bad-lines`` every bad line, skipped file and note is written there first
    (a file of 10,000 broken lines said the first alone), else the flag is named. Without
    ``force`` (``export`` without ``--force``) the file is put only where no file is still, as
    the export's own outputs are: one another process wrote there during the load is kept."""
    from evaltui.data.export import (
        OutputAppeared,
        OutputIsInput,
        all_or_none,
        refuse_input,
        write_problems,
    )

    errors, files, notes = exc.errors, exc.files, exc.notes
    skipped = [f for f in files if f.skipped is not None and not f.companion]
    told = ""
    if bad_lines is not None and (errors or skipped or notes):
        new = [] if force or is_standard_output(bad_lines) else [bad_lines]
        try:
            refuse_input(bad_lines, files)
            with all_or_none(new):
                write_problems(errors, files, bad_lines, notes)
        except OutputIsInput as refused:
            fail(str(refused))
        except OutputAppeared:
            output_appeared(bad_lines)
        except OSError as failed:
            cannot_write(bad_lines, failed)
        else:
            where = (
                "on standard output"
                if is_standard_output(bad_lines)
                else f"in {shown_path(bad_lines)}"
            )
            told = f" (every one {where})"
    elif len(errors) > 1 or len(skipped) > 3:
        told = " (every one: --bad-lines FILE)"
    return fail(f"{exc}{told}")


def output_appeared(path: str | os.PathLike[str]) -> int:
    """The error (exit 2) for an output that was to be new but where another process wrote a
    file while the command ran (:class:`~evaltui.data.export.OutputAppeared`)."""
    return fail(
        f"{shown_path(path)} exists: written while this export ran (another evaltui?);"
        " kept as it is, nothing written (use --force to overwrite)"
    )


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path typed by the user, on one line of a message (a newline in it shows as ␊); its
    characters as every message writes input text (:func:`input_names`)."""
    from evaltui.data.sanitize import visible

    shown = visible(os.fspath(path), multiline=False)
    input_names([shown])
    return shown


#: Names from the input that hold one of evaltui's glyphs (:data:`~evaltui.data.sanitize.
#: PLAIN_GLYPHS`), as messages show them: where a stream lacks the glyph, they are written
#: escaped, as the stream writes a file's other characters, and only evaltui's own glyphs in
#: ASCII (:func:`~evaltui.data.sanitize.written_apart`). A folder ``run≥1 é`` was
#: ``run>=1 \xe9`` in the end summary's bad lines and ``run\u22651 \xe9`` in compare's report.
INPUT_NAMES: set[str] = set()


def input_names(names: Iterable[str], *, labels: bool = False) -> None:
    """Remember ``names`` from the input (paths, words typed; ``labels``: run labels, whose
    parts are, evaltui joined them with ' · ') for :data:`INPUT_NAMES`, as a message shows them
    (visible, on one line)."""
    from evaltui.data.sanitize import LABEL_SEPARATOR, PLAIN_GLYPHS, visible

    for name in names:
        if name.isascii():
            continue
        name = storable(name)
        for part in name.split(LABEL_SEPARATOR) if labels else [name]:
            shown = visible(part, multiline=False)
            if any(char in PLAIN_GLYPHS for char in shown):
                INPUT_NAMES.add(shown)


def remember_input(result: Any) -> None:
    """:func:`input_names` of a load: its files, its bad lines' and its notes' sources, its run
    labels."""
    input_names(report.source for report in result.files)
    input_names(error.source for error in result.errors)
    if result.stats.height:
        input_names(result.stats["run"].unique().to_list(), labels=True)


def stderr_mark() -> str:
    """The mark of a cut in a message on standard error: '…', or '...' where its encoding lacks
    '…' (PYTHONIOENCODING=ascii, LANG=C), which wrote it '\\u2026', six cells read as text."""
    from evaltui.data.sanitize import cut_mark

    return cut_mark(text_encoding("-"))


def more_words(count: int, what: str, listed_in: str | os.PathLike[str] | None) -> str:
    """'  … and 5 more (every one in bad.jsonl)', '… and 1 more note (…)': how many ``what``
    (a singular noun, or none) stderr leaves out, and where they
    all are (``listed_in``: the ``--bad-lines`` file; else the flag that writes them)."""
    if listed_in is None:
        where = "every one: --bad-lines FILE, or the app's b"
    elif is_standard_output(listed_in):
        where = "every one on standard output"
    else:
        where = f"every one in {shown_path(listed_in)}"
    noun = f"{what}{'' if count == 1 else 's'} " if what else ""
    return f"  {stderr_mark()} and {count:,} more {noun}({where})"


def problem_lines(
    result: Any, *, always: bool = False, listed_in: str | os.PathLike[str] | None = None
) -> list[str]:
    """The load's bad lines, skipped files and notes (the first five of each, one line each; a
    note of one kind about many files is one note), for the end summary (``always``: 'bad lines
    0' too) and every other command's report. Past five, where every one is (``listed_in``,
    the ``--bad-lines`` file, or that flag): they were counted, and a script could get them
    nowhere but in the app."""
    skipped = [f for f in result.skipped_files if not f.companion]
    lines = [f"bad lines    {len(result.errors):,}"] if always or result.errors else []
    for error in result.errors[:5]:
        lines.append(f"  {problem_line(error.source, error.line, error.reason)}")
    if len(result.errors) > 5:
        lines.append(more_words(len(result.errors) - 5, "", listed_in))
    for report in skipped[:5]:
        lines.append(f"skipped      {problem_line(report.source, None, report.skipped)}")
    if len(skipped) > 5:
        lines.append(more_words(len(skipped) - 5, "skipped file", listed_in))
    return lines + summary_notes(result, listed_in=listed_in)


def summary_notes(result: Any, *, listed_in: str | os.PathLike[str] | None = None) -> list[str]:
    """The load's notes, one line each (the first five), and what its prompts with several
    references are: :func:`problem_lines`' last lines, and ``summarize --follow``'s of its
    first load."""
    from evaltui.data.sanitize import name_line

    lines: list[str] = []
    # A note about each of many files (100 verl step files "scored by 'acc'") is said once,
    # naming how many files and the first few; the names' newlines shown (␊), as the app's.
    notes = result.note_groups()
    for group in notes[:5]:
        lines.append(f"note         {name_line(group.text, 300, stderr_mark())}")
    if len(notes) > 5:
        lines.append(more_words(len(notes) - 5, "note", listed_in))
    conflict = conflict_note(result.stats)
    if conflict is not None:
        lines.append(f"note         {conflict}")
    return lines


def problem_line(source: str, line: int | None, reason: str) -> str:
    """``source:line: reason`` on one line of at most about 300 cells. The file is named as it
    is (a newline or tab in its name shown as ␊ or ␉, as every message shows a path; spaces
    kept); the reason, which can quote a whole prompt (an Inspect sample's error message), is
    folded onto the line and cut."""
    from evaltui.data.sanitize import cell_width, one_line

    where = shown_path(source) + ("" if line is None else f":{line}")
    return f"{where}: {one_line(reason, max(300 - cell_width(where) - 2, 60), stderr_mark())}"


def conflict_note(stats: Any) -> str | None:
    """What a load's prompts with several references are, or None: a prompt (one prompt id: the
    same text, or the same id) whose generations' references differ shows the first seen as its
    ``answer``, with ``answer_conflict`` true. Two problems behind one templated prompt text
    are one prompt then: said, not left to a key of the output nobody reads."""
    from evaltui.data.sanitize import one_line
    from evaltui.data.wording import plural

    if "answer_conflict" not in stats.columns:
        return None
    conflicting = stats.filter(stats["answer_conflict"].fill_null(False))
    if conflicting.height == 0:
        return None
    first = conflicting.row(0, named=True)
    example = one_line(
        f"{first['run']}: {first['prompt_id']} {first['prompt']!r}", 100, stderr_mark()
    )
    return (
        f"{plural(conflicting.height, 'prompt')} with more than one reference among its"
        f" generations (answer_conflict): its answer is the first seen (as {example})"
    )


def report_problems(
    result: Any, *, quiet: bool, listed_in: str | os.PathLike[str] | None = None
) -> None:
    """On stderr: the load's bad lines and skipped files (nothing when there are none); with
    ``-q`` one line saying how many. Lines left out of the output are never left unsaid;
    ``listed_in``: the ``--bad-lines`` file that holds every one."""
    if not quiet:
        lines = problem_lines(result, listed_in=listed_in)
        if lines:
            print("\n".join(lines), file=sys.stderr)
        return
    if result.cache_note:
        # The load ran uncached and the next will too: worth a line though -q (a --cache-dir
        # that is a file, or read-only, was said nowhere under -q).
        print(f"evaltui: warning: {result.cache_note}", file=sys.stderr)
    from evaltui.data.wording import plural

    bad = len(result.errors)
    skipped = sum(1 for f in result.skipped_files if not f.companion)
    parts = [plural(bad, "bad line")] if bad else []
    parts += [f"{plural(skipped, 'file')} skipped"] if skipped else []
    if parts:
        where = (
            "without -q they are listed"
            if listed_in is None
            else f"listed in {shown_path(listed_in)}"
        )
        if listed_in is not None and is_standard_output(listed_in):
            where = "listed on standard output"
        print(f"evaltui: warning: {', '.join(parts)} (not in the output; {where})", file=sys.stderr)


def prompt_counts(stats: Any) -> tuple[int, int]:
    """The Stats frame's runs and distinct prompts (0, 0 when it has no row)."""
    if not stats.height:
        return 0, 0
    return stats["run"].n_unique(), stats["prompt_id"].n_unique()


def loaded_prompts(stats: Any) -> str:
    """The Stats frame's prompts in words (:func:`evaltui.data.wording.loaded_words`)."""
    from evaltui.data.wording import loaded_words

    runs, distinct = prompt_counts(stats)
    return loaded_words(stats.height, distinct, runs)


def prompts_line(stats: Any) -> str:
    """The end summary's prompts: ``60``, of several runs ``60 in 2 runs (120 rows, run ×
    prompt)`` ('prompts 120' beside 'runs 2' read as 120 problems; it counted Stats rows)."""
    runs, distinct = prompt_counts(stats)
    if runs <= 1:
        return f"{stats.height:,}"
    rows = "row" if stats.height == 1 else "rows"
    return f"{distinct:,} in {runs:,} runs ({stats.height:,} {rows}, run × prompt)"


SUMMARY_LABEL = 12
"""The cells of the end summary's labels (``files``, ``generations``, ``accuracy``), its values
after them."""


def summary_label(word: str, encoding: str | None) -> tuple[str, str]:
    """The end summary's label for a mean called ``word`` (``accuracy``, ``mean f1``), filled to
    :data:`SUMMARY_LABEL` cells as ``encoding`` writes it, and the words that name the mean in
    the line after its value when the label cannot: ``mean score`` then, the line saying ``mean
    format_reward``. A label wider than the others pushed its value out of line ('mean
    format_reward 0.5000' under 'generations  8')."""
    from evaltui.data.sanitize import as_written, cell_width, pad_cells

    shown = as_written(word, encoding)
    if cell_width(shown) <= SUMMARY_LABEL:
        return pad_cells(shown, SUMMARY_LABEL), ""
    from evaltui.data.columns import MEAN_SCORE

    return pad_cells(MEAN_SCORE, SUMMARY_LABEL), shown


def print_summary(
    result: Any,
    output: Path | None,
    listed_in: str | os.PathLike[str] | None = None,
    written: Written | None = None,
) -> None:
    """The one-screen end summary, on stderr (stdout stays free for data)."""
    from evaltui.data.metrics import means_word, rates_word, run_accuracies, run_kinds, run_means
    from evaltui.data.sanitize import cell_width, one_line, one_line_middle, written_label
    from evaltui.data.wording import plural

    head = result.headline()
    read = result.read_files
    # Every cut in the summary (a label, a note, a count of the rest) as stderr can write it.
    mark = stderr_mark()
    encoding = text_encoding("-")  # run labels as written there (written_label)
    skipped = [f for f in result.skipped_files if not f.companion]
    companions = [f for f in result.skipped_files if f.companion]
    lines = [
        f"files        {len(read):,} read"
        + (f", {len(skipped):,} skipped" if skipped else "")
        + (
            f", {plural(len(companions), 'companion (config/results) file')} ignored"
            if companions
            else ""
        ),
        f"runs         {head['runs']:,}",
        f"prompts      {prompts_line(result.stats)}",
        f"generations  {head['generations']:,}"
        + (
            f" ({head['unscored']:,} unscored: counted, not in accuracy)"
            if head["unscored"]
            else ""
        ),
    ]
    kinds = run_kinds(result.stats)
    by_run = run_accuracies(result.stats, kinds)
    # No run's score is an accuracy: each run's mean score in its own units, as the app's
    # header gives it ('mean score 45.000'; the summary gave no score at all).
    means = run_means(result.stats, kinds) if head["accuracy"] is None else {}
    if len(means) == 1:
        label, said = summary_label(means_word(kinds, means), encoding)
        lines.append(
            f"{label} {next(iter(means.values())):.4f} {said or 'mean'} over scored generations,"
            " in the score's own units"
        )
    if (head["accuracy"] is not None and len(by_run) > 1) or len(means) > 1:
        if means:
            by_run = means
            label, said = summary_label(means_word(kinds, means), encoding)
            lines.append(
                f"{label} {said + ' ' if said else ''}by run, over each run's scored"
                " generations, in its score's own units:"
            )
        else:
            # Pooled over runs of different sizes it is no run's accuracy: each run's follows.
            # A 0–1 f1 or reward is a mean f1, no accuracy (the score lines say its "correct").
            word = rates_word(kinds, by_run)
            # A bleu_max or mae run beside them is not in it (its mean is in its own units).
            whose = (
                "the scored generations of the runs whose score is "
                + ("an accuracy" if word == "accuracy" else "within 0–1")
                if any(kind.kind == "continuous" for kind in kinds.values())
                else "every run's scored generations"
            )
            label, said = summary_label(word, encoding)
            lines.append(
                f"{label} {head['accuracy']:.4f} {said + ' ' if said else ''}pooled over {whose};"
                " by run:"
            )
        # Run labels (folder names, model names) whole on one line, a newline or tab in one
        # shown (␊, ␉) as the table shows it: folded to a space, 'a\tb' read as a run 'a b'.
        # Each measured as stderr writes it: in ASCII a label '模型甲' (6 cells) is written
        # '\\u6a21\\u578b\\u7532' (18), and its value stood 12 cells right of the others'; a
        # cut is '...' there, not '…' written '\\u2026'.
        labels = {
            # a label's ' · ' as the score line writes it (' - '), other characters escaped
            run: written_label(one_line_middle(run, 60, mark), encoding)
            for run in list(by_run)[:SUMMARY_RUNS]
        }
        width = max(cell_width(label) for label in labels.values())
        for run, label in labels.items():
            lines.append(f"  {label}{' ' * (width - cell_width(label))}  {by_run[run]:.4f}")
        if len(by_run) > SUMMARY_RUNS:
            lines.append(
                f"  {mark} and {len(by_run) - SUMMARY_RUNS:,} more runs (summarize --table)"
            )
    elif head["accuracy"] is not None:
        word = rates_word(kinds, by_run)
        label, said = summary_label(word, encoding)
        lines.append(
            f"{label} {head['accuracy']:.4f} {said or 'mean score'} over scored generations"
            + (
                " (runs whose score is an accuracy)"
                if word == "accuracy"
                else " (runs whose score is within 0–1)"
            )
        )
    described = {run: one_line(kind.describe(), 120, mark) for run, kind in kinds.items()}
    if len(set(described.values())) == 1 and len(described) > 1:
        lines.append(f"score        {next(iter(described.values()))} (every run)")
    else:
        for run, text in list(described.items())[:10]:
            lines.append(
                f"score        {written_label(one_line_middle(run, 60, mark), encoding)}: {text}"
            )
        if len(described) > 10:
            lines.append(f"  {mark} and {len(described) - 10:,} more runs")
    from evaltui.data.triage import render_triage

    runs = result.run_triage()
    triage = render_triage(runs[:SUMMARY_RUNS], mark=mark, encoding=encoding)
    for index, line in enumerate(triage):
        lines.append(("triage       " if index == 0 else "             ") + line)
    if len(runs) > SUMMARY_RUNS:
        # 100 verl steps gave 100 lines: the rest are counted together, no flag left unsaid.
        rest = runs[SUMMARY_RUNS:]
        total = {k: sum(r.flagged[k] for r in rest) for k in rest[0].flagged}
        lines.append(
            f"             {mark} and {len(rest):,} more {'run' if len(rest) == 1 else 'runs'}: length cap {total['length_cap']:,}, no answer "
            f"{total['no_answer']:,}, loop {total['repetition']:,}, empty {total['empty']:,} of "
            f"{plural(sum(r.generations for r in rest), 'generation')}; prompts: suspect reference "
            f"{total['suspect_reference']:,}, grader mismatch {total['grader_mismatch']:,}, "
            f"inconsistent scores {total['inconsistent_scores']:,}, all truncated "
            f"{total['all_truncated']:,} (each run's: the app's t)"
        )
    lines.extend(problem_lines(result, always=True, listed_in=listed_in))
    lines.append(f"tokenizer    {result.tokenizer}")
    lines.append(f"counting     {result.counting}")
    lines.append(f"cache hits   {result.cache_hits:,} of {plural(len(read), 'file')}")
    lines.append(f"seconds      {result.seconds:.2f}")
    if output is not None:
        lines.append((written or Written(output)).line())
    print("\n".join(lines), file=sys.stderr)


# --- summarize ------------------------------------------------------------------------------


TABLE_FORMATS = ("text", "markdown", "csv")


class TableFormat(argparse.Action):
    """``--table [FORMAT]``, whose optional format took the word after it: ``summarize --table
    runs/ -o s.json`` ended "argument --table: invalid choice: 'runs/'", exit 2. A word that is
    no format but a path on disk is a PATH (kept in ``table_paths`` until :func:`table_paths`
    adds it to the others) and the table a text one; any other word is refused as before."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values in TABLE_FORMATS:
            setattr(namespace, self.dest, values)
            return
        if not isinstance(values, str) or not values or not os.path.lexists(values):
            choices = ", ".join(repr(name) for name in TABLE_FORMATS)
            raise argparse.ArgumentError(
                self, f"invalid choice: {values!r} (choose from {choices})"
            )
        setattr(namespace, self.dest, "text")
        namespace.table_paths = [*getattr(namespace, "table_paths", []), values]


def table_paths(args: argparse.Namespace) -> None:
    """The PATHs that stood right after a bare ``--table`` (:class:`TableFormat`) among the
    others (the load's order does not depend on theirs)."""
    args.paths = [*(args.paths or []), *getattr(args, "table_paths", [])]


def summarize_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="evaltui summarize",
        description="Per-prompt stats of every generation under PATH, as the combined JSON.",
        epilog=exit_status(follow=True),
    )
    add_load_args(parser)
    parser.add_argument(
        "-o",
        "--output",
        type=output_path,
        default=None,
        metavar="FILE",
        help="output file, - for stdout (default: OUTPUT_DATA_DIR/OUTPUT_FILENAME)",
    )
    parser.add_argument(
        "--output_data_dir",
        "--output-data-dir",
        type=folder_path,
        default=Path("./summary"),
        metavar="DIR",
        help="default ./summary",
    )
    parser.add_argument(
        "--output_filename",
        "--output-filename",
        type=file_name,
        default="combined_accuracy_summary.json",
        metavar="NAME",
        help="default combined_accuracy_summary.json",
    )
    parser.add_argument(
        "--table",
        nargs="?",
        const="text",
        default=None,
        action=TableFormat,
        metavar="{text,markdown,csv}",
        help="also print run-level metrics (avg@n, pass@k, maj@n, cons@n, G-Pass@k with 95%% "
        "CIs) to stdout, as text (default: as many runs side by side as $COLUMNS or the "
        "terminal holds, 80 in a pipe, the rest in blocks below), markdown or csv",
    )
    add_follow_args(parser)
    add_bad_lines_arg(parser)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no summary; bad lines and skipped files as one warning line",
    )
    return parser


def add_follow_args(parser: argparse.ArgumentParser, *, interval: bool = True) -> None:
    parser.add_argument(
        "--follow",
        action="store_true",
        help="keep watching the inputs (appended lines, new files, rewrites) and keep the "
        "results up to date" + (" until Ctrl-C" if interval else " (F toggles it in the app)"),
    )
    if not interval:
        return
    parser.add_argument(
        "--follow-interval",
        type=positive_seconds,
        default=None,  # None: not given, so that one given without --follow is said
        metavar="SECONDS",
        help="with --follow: rewrite the output at most this often (default 5)",
    )


def cmd_summarize(argv: Sequence[str]) -> int:
    from evaltui.data.export import all_or_none, write_combined_json, write_problems
    from evaltui.data.loader import LoadFailure

    parser = summarize_parser()
    args = parser.parse_args(argv)
    table_paths(args)
    output = args.output or args.output_data_dir / args.output_filename
    if is_standard_output(output) and args.table is not None:
        parser.error(f"-o {shown_path(output)} and --table both write to stdout: choose one")
    bad_lines_clash(parser, args.bad_lines, output)
    if is_standard_output(args.bad_lines) and args.table is not None:
        parser.error(
            f"--bad-lines {shown_path(args.bad_lines)} and --table both write to stdout: choose one"
        )
    if args.follow_interval is not None and not args.follow:
        # It was taken and nothing followed: a script that meant to follow ran once, exit 0.
        parser.error("--follow-interval without --follow: give --follow too, or leave it out")
    if args.follow_interval is None:
        args.follow_interval = 5.0
    if is_standard_output(args.bad_lines) and args.follow:
        # Each write would add the whole list again to standard output, with no end between.
        parser.error("--bad-lines - with --follow: give a file (it is rewritten at each write)")
    folder = folder_output(output, args.bad_lines)
    if folder is not None:
        return folder
    if args.follow:
        from evaltui.commands.follow import follow_summarize

        return follow_summarize(args, parser, output)
    try:
        result = headless_load(args, parser, stats_only=True)
    except LoadFailure as exc:
        return load_failed(exc, args.bad_lines)
    refused = refused_output(result, output, args.bad_lines)
    if refused is not None:
        return refused
    target = output
    written: Written | None = None
    try:
        with all_or_none():  # the summary and --bad-lines: both or neither
            with reader_may_leave(output) as written:
                write_combined_json(result.stats, output)
            if args.bad_lines is not None:
                target = args.bad_lines
                with reader_may_leave(target):
                    write_problems(result.errors, result.files, target, result.notes)
    except OSError as exc:
        return cannot_write(target, exc)
    if not args.quiet:
        print_summary(result, output, args.bad_lines, written)
    else:
        report_problems(result, quiet=True, listed_in=args.bad_lines)
    if args.table is not None:
        import shutil

        from evaltui.data.summary import render_table, summarize_runs

        # The terminal's width ($COLUMNS, else 80 when stdout is a pipe or a file): runs that do
        # not fit beside each other go in blocks below, never into lines the terminal wraps.
        width = shutil.get_terminal_size().columns
        # The text table measured as written: in an encoding that lacks some of its characters
        # (an ASCII or Latin-1 standard output) they are written as \u2013.
        say(
            render_table(summarize_runs(result.stats), args.table, width, text_encoding()),
            data=args.table == "csv",
        )
    return EXIT_OK


# --- formats --------------------------------------------------------------------------------


def cmd_formats(argv: Sequence[str]) -> int:
    from evaltui.data.formats import READERS

    Parser(
        prog="evaltui formats",
        description="List the format readers.",
        epilog="exit status: 0, also when the reader of standard output stops early (| head); 1 "
        "standard output full or closed (> /dev/full, >&-).",
    ).parse_args(argv)
    width = max(len(r.name) for r in READERS)
    for reader in READERS:
        say(f"{reader.name:<{width}}  {reader.description}  [{', '.join(reader.extensions)}]\n")
    return EXIT_OK


# --- the app --------------------------------------------------------------------------------


def app_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="evaltui",
        description="Explore LLM evaluation results: evaltui PATH… opens the app. "
        "Headless: evaltui {summarize,export,compare,rescore,formats} --help.",
    )
    add_load_args(parser)
    from evaltui import __version__

    parser.add_argument("--version", action="version", version=f"evaltui {__version__}")
    add_follow_args(parser, interval=False)
    parser.add_argument(
        "--rescore",
        type=name_value,
        default=None,
        metavar="NAME",
        help="once loaded, score every generation again with this scorer (as evaltui rescore: "
        "math-verify, exact, lm-eval:TASK, module:function) and show both: the new scores as "
        "accuracy, 'stored acc' and 'disagree' beside, d filters the prompts that flipped",
    )
    parser.add_argument(
        "--include-path",
        type=folder_path,
        default=None,
        metavar="DIR",
        help="with --rescore lm-eval:TASK: a folder of custom task YAMLs (as lm_eval --include_path)",
    )
    return parser


def cmd_app(argv: Sequence[str]) -> int:
    parser = app_parser()
    args = parser.parse_args(argv)
    paths = input_paths(args, parser)
    options = parsed_options(args, parser)
    # What can be checked at once fails like `summarize` (one line, exit 2) before the
    # full-screen app starts: a mistyped path or --model.
    for raw in paths:
        if not Path(raw).expanduser().exists():
            return fail(f"{raw}: no such file or directory")
    if options.model is not None:
        from evaltui.data.tokens import TokenizerError, resolve_tokenizer

        try:
            resolve_tokenizer(options.model)
        except TokenizerError as exc:
            return fail(str(exc))
    rescore = None
    if args.rescore is not None:
        from evaltui.data.rescore import RescoreOptions

        if args.include_path is not None and not args.include_path.is_dir():
            return fail(f"--include-path {args.include_path}: not a folder")
        from evaltui.data.score_worker import name_problem

        problem = name_problem(args.rescore)
        if problem is not None:  # before the app starts, as rescore says it
            return fail(f"--rescore: {problem}")
        rescore = RescoreOptions(
            args.rescore,
            # --num-proc is never more than the cores, as the load bounds its threads
            workers=None if args.num_proc is None else options.workers(),
            cache_dir=args.cache_dir,
            use_cache=not args.no_cache,
            include_path=args.include_path,
            thresholds=options.correct_threshold,
        )
    from evaltui.app.main import run_app

    code: int = run_app(paths, options, follow=args.follow, rescore=rescore)
    return code


def storable(text: str) -> str:
    """``text`` with its lone surrogates shown as evaltui shows them (a file name's undecodable
    byte as ``\\xff``, :func:`evaltui.data.schema.clean_text`): a name typed by the user (``-o``)
    reached messages as Python keeps it, printed ``\\udcff`` by the stream's backslashreplace."""
    if text.isascii():
        return text
    from evaltui.data.schema import clean_text

    return clean_text(text)


class VisibleStream:
    """``sys.stderr`` while evaltui runs: every message is made visible text on its way out.

    Messages carry file and folder names, run labels and reader notes from the input; whichever
    code path prints one, an escape sequence in it cannot retitle the terminal or write the
    clipboard (it shows as ``␛]52;…``). ``unsanitized`` is the stream itself, for the progress
    bar's own control codes."""

    def __init__(self, stream: Any) -> None:
        # No stderr at all (`2>&-`: Python's sys.stderr is None): messages go nowhere, and the
        # command's work goes on. Every message raised AttributeError: exit 1, nothing written.
        self.unsanitized = stream if stream is not None else open(os.devnull, "w")  # noqa: SIM115

    def write(self, text: str) -> int:
        from evaltui.data.sanitize import visible, written_apart

        shown = written_apart(visible(storable(text)), self.written_in(), INPUT_NAMES)
        try:
            written: int = self.unsanitized.write(shown)
        except BrokenPipeError:
            # `evaltui … 2>&1 | head`: messages are for a reader that left; the command's work
            # (its output file) goes on, and its exit code says how that went.
            self.reader_left()
            return len(text)
        except OSError:
            # Messages that cannot be written (stderr on a full disk, `2>/dev/full`) are lost,
            # as a left reader's are; the output is still written (it was not: exit 1).
            return len(text)
        return written

    def written_in(self) -> str | None:
        """The stream's encoding, None when UTF-8 (as :func:`text_encoding` says it)."""
        return encoding_of(self.unsanitized)

    def flush(self) -> None:
        try:
            self.unsanitized.flush()
        except BrokenPipeError:
            self.reader_left()
        except OSError:
            pass

    def reader_left(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            reader_left(self.unsanitized.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unsanitized, name)


def text_encoding(beside: str | os.PathLike[str] | None = None) -> str | None:
    """The encoding :func:`say` writes text in (``beside`` as it takes it: stderr when it is
    ``-``), for a layout to measure its cells as written
    (:func:`evaltui.data.sanitize.as_written`); None when it is UTF-8, which writes every
    character as itself."""
    return encoding_of(sys.stderr if is_standard_output(beside) else sys.stdout)


def encoding_of(stream: Any) -> str | None:
    """``stream``'s encoding, None when it is UTF-8 (or unknown)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return None if codecs.lookup(encoding).name == "utf-8" else encoding
    except LookupError:
        return None


def say(
    text: str,
    *,
    beside: str | os.PathLike[str] | None = None,
    sanitize: bool = True,
    data: bool = False,
) -> None:
    """Print human-readable text built from input (a report, a table), made visible: on stdout,
    or on stderr when the command's data goes to stdout (``beside`` is ``-``), which then holds
    the data alone (``evaltui compare … -o - | jq``). ``sanitize`` False: evaltui's own text
    (``--help``), written as it is. ``data``: text for a program (``--table csv``), UTF-8
    whatever the locale's encoding, as ``-o -`` writes (in ASCII a CJK run label's cell read
    ``\u6a21\u578b``: a label no other output of the load has)."""
    from evaltui.data.sanitize import visible, written_apart
    from evaltui.data.stdout import StandardOutputFailed

    if is_standard_output(beside):
        sys.stderr.write(visible(text))
        return
    if sys.stdout is None:  # `>&-`: no standard output at all (it was an AttributeError)
        raise StandardOutputFailed("standard output is closed")
    shown = visible(storable(text)) if sanitize else text
    if not data:
        # evaltui's '→', '…', '×' as '->', '...', 'x' where stdout cannot write them
        shown = written_apart(shown, text_encoding(), INPUT_NAMES)
    try:
        try:
            if data and not shown.isascii() and hasattr(sys.stdout, "buffer"):
                sys.stdout.flush()
                sys.stdout.buffer.write(shown.encode("utf-8", "backslashreplace"))
            else:
                sys.stdout.write(shown)
        except UnicodeEncodeError:
            # Standard output in an encoding without '→', '…' or a CJK label (a Latin-1 locale,
            # PYTHONIOENCODING=ascii): such characters as \u2192, as Python writes them on
            # stderr; it was a traceback (compare's report, --table, --help).
            encoding = sys.stdout.encoding
            sys.stdout.write(shown.encode(encoding, "backslashreplace").decode(encoding))
        sys.stdout.flush()
    except BrokenPipeError:
        # `evaltui compare … -o cmp.csv | head`: the reader had the lines it wanted; the rest of
        # the report goes nowhere and the command goes on (cmp.csv is still written).
        reader_left(sys.stdout.fileno())
    except OSError as exc:
        # `> /dev/full`, a full disk, a device gone: the table or report is lost (exit 1, as
        # for any output that could not be written); it was a traceback.
        raise StandardOutputFailed(exc.strerror or str(exc)) from None


def num_proc_flag(argv: Sequence[str]) -> int | None:
    """The value of ``--num-proc``/``--num_proc`` in ``argv`` (or a prefix argparse accepts),
    found before any parser runs; None when absent or not a positive integer (the command's
    parser then reports a bad value)."""
    found: int | None = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if len(name) < len("--num-") or not any(
            flag.startswith(name) for flag in ("--num-proc", "--num_proc")
        ):
            continue
        if not eq:
            value = argv[index + 1] if index + 1 < len(argv) else ""
        try:
            number = int(value)
        except ValueError:
            continue
        if number > 0:
            found = number  # the last one counts, as with argparse
    return found


def bound_pools(argv: Sequence[str]) -> None:
    """``--num-proc N`` sizes every thread pool evaltui starts, not only its own: polars sizes its
    pool once, from ``POLARS_MAX_THREADS``, when it is first imported, and the tokenizer's Rayon
    pool from ``RAYON_NUM_THREADS`` on its first batch. So this runs before any command imports
    either (in a process that imported polars already, its pool stays as it is)."""
    from evaltui.data.cores import bounded  # (imports neither polars nor the tokenizer)

    num_proc = num_proc_flag(argv)
    if num_proc is None:
        return
    threads = str(bounded(num_proc))
    for name in ("POLARS_MAX_THREADS", "RAYON_NUM_THREADS", "RAYON_RS_NUM_CPUS"):
        os.environ[name] = threads


#: polars' allocator (its own jemalloc) keeps freed pages for 10 s by default: a headless load
#: frees a file's parse and text measures every second or so, and kept pages stacked up to ~30 MiB
#: more peak RSS. Headless commands have them handed back after 0.1 s (a user's setting wins; at
#: once saved ~10 MiB more on "small" but cost ~3.5 s more system time in page faults, +0.6 s here).
JEMALLOC_ENV = "_RJEM_MALLOC_CONF"
JEMALLOC_HEADLESS = "dirty_decay_ms:100,muzzy_decay_ms:0"


#: glibc's malloc (Python's and numpy's large blocks) serves a block over 128 KiB by mmap and
#: gives it back to the system when freed, but after each such free it raises that threshold (up
#: to 32 MiB): a file's texts and arrays then come from the heap, whose freed space stays mapped.
#: Headless commands fix it at 128 KiB (``mallopt``; ``MALLOC_MMAP_THRESHOLD_`` set by the user
#: wins): ~15 MiB less peak RSS on "small".
MMAP_THRESHOLD = 128 << 10
M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def return_freed_pages(argv: Sequence[str]) -> None:
    """For the headless loading commands, before polars is imported: see :data:`JEMALLOC_HEADLESS`
    and :data:`MMAP_THRESHOLD` (in a process that imported polars already, the first changes
    nothing)."""
    if argv and argv[0] in ("summarize", "export", "compare"):
        os.environ.setdefault(JEMALLOC_ENV, JEMALLOC_HEADLESS)
        if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
            fixed_mmap_threshold()


def fixed_mmap_threshold() -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD` (False: not glibc, nothing done)."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP in a headless command: unwound as Ctrl-C is, so a file being written is
    removed and the output left as it was (the default action ended the process on the spot,
    leaving the half-written temp file and the output's new manifest)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: The signal that stopped the running headless command (SIGINT, SIGTERM, SIGHUP), once its
#: handler has raised; see :func:`signalled`.
SIGNALLED: list[int] = []


def _stop(signum: int, _frame: object) -> None:
    SIGNALLED.append(signum)
    raise Stopped(signum)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C as Python's own handler takes it (KeyboardInterrupt), the signal noted."""
    SIGNALLED.append(signum)
    signal.default_int_handler(signum, frame)


def _stopped_by(signum: int, *, standalone: bool) -> int:
    """Say the command was interrupted (Ctrl-C) or stopped by ``signum``; its exit status."""
    if signum == signal.SIGINT:
        print("evaltui: interrupted", file=sys.stderr)
        return interrupted(standalone=standalone)
    with contextlib.suppress(OSError):  # SIGHUP: the terminal may be gone
        print(f"evaltui: stopped by {signal.Signals(signum).name}", file=sys.stderr)
    return interrupted(standalone=standalone, code=128 + signum)


def signalled() -> int | None:
    """The signal that stopped the command running, once one has: an import that a signal
    stops inside C code (numpy's) drops the handler's exception and reports a failed import
    instead ("numpy._core.multiarray failed to import"), which ended Ctrl-C half a second into
    ``summarize -o`` with a traceback and exit 1. None: no signal came (a real failure)."""
    return SIGNALLED[-1] if SIGNALLED else None


@contextlib.contextmanager
def stopped_as_interrupted(argv: Sequence[str]) -> Iterator[None]:
    """While a headless command runs: SIGTERM and SIGHUP raise :class:`Stopped` unless they are
    ignored or handled already (the app has its own handlers; only the main thread can set one)."""
    signals = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    SIGNALLED.clear()
    if (
        not argv
        or argv[0] not in SUBCOMMANDS
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    # A signal set to be ignored stays so (``nohup evaltui summarize …`` outlives its terminal).
    signals = [sig for sig in signals if signal.getsignal(sig) is signal.SIG_DFL]
    previous = {sig: signal.signal(sig, _stop) for sig in signals}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, _interrupt)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    return settled_stdout(run_command(argv))


def settled_stdout(code: int) -> int:
    """``code``, once what is left in standard output's buffer is written or dropped. A write
    that failed (``> /dev/full``) leaves its text in the buffer, and Python's own flush at exit
    failed again: 'Exception ignored … OSError' and exit 120 after evaltui's error line, when
    standard output is buffered (as it is unless ``PYTHONUNBUFFERED`` is set). Such text is
    dropped now (the failure was said); a failure first seen here is said, exit 1."""
    stream = sys.stdout
    if stream is None:
        return code
    try:
        stream.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):
            reader_left(stream.fileno())
        if code == EXIT_OK and not isinstance(exc, BrokenPipeError):
            code = fail(f"cannot write standard output: {exc.strerror or exc}", EXIT_FAILURE)
    return code


def run_command(argv: Sequence[str] | None = None) -> int:
    # From its own light module: run as `python -m evaltui.cli`, this file is __main__ and its
    # classes are not the ones the commands raise; evaltui.data.export would import polars
    # before bound_pools sizes its pool.
    from evaltui.data.stdout import StandardOutputFailed

    saved = sys.stderr
    if not isinstance(saved, VisibleStream):
        sys.stderr = VisibleStream(saved)
    try:
        args = list(sys.argv[1:] if argv is None else argv)
        # Words typed are input too (a --runs name a message quotes back)
        INPUT_NAMES.clear()
        typed = [arg.partition("=")[2] if arg.startswith("-") else arg for arg in args]
        # ... and one character of them as a message quotes it (--where's "unexpected
        # character '≥'")
        input_names([*typed, *(repr(char) for word in typed for char in word)])
        bound_pools(args)
        return_freed_pages(args)
        with stopped_as_interrupted(args):
            return dispatch(args)
    except Stopped as exc:
        return _stopped_by(exc.signum, standalone=argv is None)
    except KeyboardInterrupt:
        # Only the program itself (the console script calls main() without arguments) may end
        # its process: a caller that passes argv -- a test runner, a script -- gets 130 back.
        return _stopped_by(signal.SIGINT, standalone=argv is None)
    except StandardOutputFailed as exc:
        return fail(f"cannot write standard output: {exc}", EXIT_FAILURE)
    except ImportError:
        signum = signalled()
        if signum is None:
            raise
        return _stopped_by(signum, standalone=argv is None)
    except BrokenPipeError:
        # `evaltui export … -o - | head`: the reader took what it wanted and left. Not an error
        # (a script under `set -o pipefail` failed on exit code 1), nor worth a traceback.
        with contextlib.suppress(OSError, ValueError):
            reader_left(sys.stdout.fileno())
        return EXIT_OK
    finally:
        sys.stderr = saved


def interrupted(*, standalone: bool, code: int = EXIT_INTERRUPTED) -> int:
    """Exit code 130 after Ctrl-C. Reader threads may still be busy; waiting for them at exit
    would make Ctrl-C slow, so when there are some the process ends here (files being written
    have already been removed on the way up) -- when it is evaltui's own process (``standalone``).
    Called in another program's process, it returns instead: ``os._exit`` there ended a whole
    test run silently when some earlier code had left an idle worker thread alive."""
    main = threading.main_thread()
    if standalone and any(
        t is not main and t.is_alive() and not t.daemon for t in threading.enumerate()
    ):
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    return code


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in SUBCOMMANDS:
        command, rest = argv[0], argv[1:]
        if command == "summarize":
            return cmd_summarize(rest)
        if command == "formats":
            return cmd_formats(rest)
        if command == "export":
            from evaltui.commands.export import cmd_export

            code: int = cmd_export(rest)
            return code
        if command == "rescore":
            from evaltui.commands.rescore import cmd_rescore

            rescored: int = cmd_rescore(rest)
            return rescored
        from evaltui.commands.compare import cmd_compare

        compared: int = cmd_compare(rest)
        return compared
    meant = meant_command(argv[0]) if argv else None
    if meant is not None:
        return fail(
            f"{shown_path(argv[0])}: no such file or directory, nor a command: "
            f"did you mean 'evaltui {meant}'?"
        )
    with keys_unechoed():
        return cmd_app(argv)


@contextlib.contextmanager
def keys_unechoed(stream: Any = None) -> Iterator[None]:
    """While the app starts, keys typed are not echoed by the terminal: ``evaltui big_folder``
    then ``j j`` while Python imports the app printed ``jj`` on the shell's line above the app,
    and left it there after. The keys stay in the terminal's input for the app to read (echo
    only is off); the settings are put back as they were on every way out (the app's end, an
    error, Ctrl-C or a usage error before it starts, SIGTERM or SIGHUP meanwhile). Only when
    ``stream`` (standard input) is a terminal this process may set: not in the background
    (``evaltui runs &``: setting it would stop the process), nor off the main thread."""
    try:
        import termios
    except ImportError:  # not a POSIX terminal
        yield
        return
    stream = sys.stdin if stream is None else stream
    try:
        fd = stream.fileno()
        usable = os.isatty(fd) and threading.current_thread() is threading.main_thread()
        with contextlib.suppress(OSError):  # a terminal that is not ours: no process group
            usable = usable and os.tcgetpgrp(fd) == os.getpgrp()
        saved = termios.tcgetattr(fd) if usable else None
    except (AttributeError, ValueError, OSError, termios.error):
        saved = None
    if saved is None or not saved[3] & termios.ECHO:
        yield
        return
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO

    def restore() -> None:
        with contextlib.suppress(OSError, termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, saved)

    def stopped(sig: int, _frame: Any) -> None:
        restore()
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)

    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except (OSError, termios.error):
        yield
        return
    signals = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {
        sig: signal.signal(sig, stopped)
        for sig in signals
        if signal.getsignal(sig) is signal.SIG_DFL
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        restore()


def meant_command(word: str) -> str | None:
    """The command a first word that is neither a command nor on disk was meant to be
    (``summarise``, ``sumarize``, ``comapre``), else None. It went to the app: ``evaltui
    summarise runs -o s.json`` ended 'unrecognized arguments: -o s.json', ``evaltui sumarize
    runs`` 'sumarize: no such file or directory', neither naming the command meant."""
    import difflib

    if not word or word.startswith("-") or os.path.lexists(word):
        return None
    if word.casefold() in MEANT_WORDS:
        return MEANT_WORDS[word.casefold()]
    close = difflib.get_close_matches(word.casefold(), SUBCOMMANDS, n=1, cutoff=0.75)
    return close[0] if close else None


#: First words a new user tries that are no command, and what does it: ``evaltui help``,
#: ``evaltui triage runs`` (the README's "triage flags") said only "help: no such file or
#: directory".
MEANT_WORDS = {
    "help": "--help",
    "version": "--version",
    "triage": "export --quick suspect",
    "diff": "compare",
    "stats": "summarize",
    "score": "rescore",
}


if __name__ == "__main__":
    sys.exit(main())
