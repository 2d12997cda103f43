"""The reader contract: one module per on-disk format, each turning a file into generation rows."""

from __future__ import annotations

import ast
import hashlib
import json
import math
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, NoReturn

import orjson
import polars as pl

from evaltui.data.schema import LoadError, clean_text, conform_columns

#: How many bytes of a file's head the detectors get to look at.
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Window:
    """A byte range of a line-based file to read: whole lines from ``start`` up to ``end``.

    Following a file that is still being written reads only what was appended: ``start`` is the
    offset just after the last complete line already read, ``first_line`` that line's number.
    """

    start: int
    """Byte offset of a line start."""
    first_line: int
    """The 1-based number of the line at ``start``."""
    end: int | None = None
    """Exclusive end offset (just after a newline); None = the end of the file."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the user told us about field names and labels (CLI flags)."""

    prompt_field: str | None = None
    gen_field: str | None = None
    answer_field: str | None = None
    score_field: str | None = None
    label: str | None = None
    """Run label override (``--label``); None = the format's own model name / the parent folder."""
    metric: str | None = None
    """The per-sample metric to score by where a format logs several (``--metric``; lm-eval);
    None = the format's main one."""
    window: Window | None = None
    """Read only these lines (readers with ``appendable``); None = the whole file. Not cached."""
    renamed: tuple[Path, Path] | None = None
    """A folder above the file read, and the name the user gave it (a run folder given as a
    link: :attr:`evaltui.data.discover.InputFile.renamed`): runs named by folders take that
    name (:func:`named`). In the rows' cache key apart (the file's path and source are)."""
    labels: tuple[str, ...] = ()
    """``--label`` given once per PATH: the i-th names the runs of the files found under the
    i-th PATH (:attr:`~evaltui.data.discover.InputFile.given`); a file is read with its own as
    :attr:`label` (:func:`~evaltui.data.loader.file_options`). Empty: :attr:`label` for all."""

    def field_flags(self) -> dict[str, str]:
        """The field flags the user gave, by flag (``{"--score-field": "acc"}``)."""
        given = {
            "--prompt-field": self.prompt_field,
            "--gen-field": self.gen_field,
            "--answer-field": self.answer_field,
            "--score-field": self.score_field,
        }
        return {flag: name for flag, name in given.items() if name is not None}

    def fields_given(self) -> bool:
        """True when the user named any field (``--prompt-field``, …): plain JSONL is implied."""
        return bool(self.field_flags())

    def cache_token(self) -> str:
        """A stable string that changes whenever these options could change what a reader emits."""
        fields = (self.prompt_field, self.gen_field, self.answer_field, self.score_field)
        token = (*fields, self.label) if self.metric is None else (*fields, self.label, self.metric)
        return repr((*token, self.labels) if self.labels else token)


@dataclass(slots=True)
class ReadResult:
    """A reader's output for one file."""

    frame: pl.DataFrame
    """Rows with :data:`evaltui.data.schema.READER_COLUMNS` (use :func:`conform`)."""
    errors: list[LoadError] = field(default_factory=list)
    """Bad lines/entries in this file: counted and shown, never silently dropped."""
    notes: list[str] = field(default_factory=list)
    """Things worth telling the user that are not errors (e.g. 'doc-level metric maj@8 kept as prompt score')."""
    short_replies: list[bool] | None = None
    """Per row of ``frame``, when the format's own answer extraction looked at some rows and not
    at others: True where it did not (a short reply is then its own answer, as for a format
    without answers), False where it did. None: :attr:`Reader.own_answers` says for every row."""
    reducers: dict[str, str] = field(default_factory=dict)
    """Per score (the rows' ``metric``), the reducer its rows' ``prompt_score`` is of each
    prompt's samples, where the format names one: an Inspect log's epochs reducer (``max``,
    ``at_least_2``, …), which a re-score applies again to the new scores. A score not named
    here has a ``prompt_score`` whose reduction is not known."""
    metric_told: bool = False
    """True when :attr:`notes` say what ``--metric`` did with this file (its scores are one of
    several named ones, a dict's keys or reward functions' columns: scored by ``--metric``'s,
    or which instead): a load's "``--metric`` changed nothing" is not said beside them."""


@dataclass(frozen=True, slots=True)
class RunIdentity:
    """Which evaluation run a file's rows belong to, so that separate runs given the same label
    (one model evaluated twice, in one folder or in two) stay apart (see
    :func:`evaltui.data.runs.label_runs`)."""

    label: str
    """The run label the reader gave the file's rows (a filter or metric may follow it,
    ``label · strict-match``)."""
    key: str
    """The run itself (Inspect's eval id, lm-eval's date id): files with equal keys are one run."""
    task: str
    """What the run evaluated: runs of one label that share a task would merge their prompts."""
    started: str = ""
    """When the run started, as the file says it ("" unknown): the readable way to tell runs apart."""
    document: str = ""
    """For formats whose file is the whole run (an Inspect log): the run's own unique id. Two
    files of one format with the same ``document`` are one run saved twice (a log copied or
    converted into another folder): read once. "" = not such a format."""
    depth: int = 0
    """How many folders above the file the run's own folder is: 0 for a run whose files sit in
    one folder; 1 for a harness that writes one sub-folder per dataset (Qwen2.5-Math), so the
    run's datasets are one run, not one run per folder."""
    name: str | None = None
    """For formats whose file names may name a run (a plain JSONL named after its model): the
    file's name without its shard or pass number (``inference_3`` -> ``inference``; "" for a
    bare number); for a harness that writes one folder per dataset (``depth`` 1), the file's
    folder, which may be a model's rather than a dataset's. Files of one run (one key in one
    folder) with other names that evaluated common prompts are separate runs, labelled by their
    name. A name also makes runs of one label that share a prompt told apart, whatever their
    tasks say (SkyThought's legacy files give their stem: their names' tasks differ in shape
    across versions). None: the format's file names never name a run."""
    copy_rank: int = 0
    """Of files of one ``document`` that hold as many rows, which is read: the highest (a
    SkyThought ``converted_`` copy, its original's responses with each one's processed_content
    and the correctness --check wrote on it, is 1)."""
    copies: str = ""
    """What the note on files of one ``document`` calls them, "" for ``id <document>`` (an
    Inspect log's eval id); a SkyThought ``document`` holds its folder's absolute path, and the
    note named it where every other note names files as the input does."""
    retry: str = ""
    """For formats whose run, stopped before it finished, is run again into another file that
    keeps what it completed (an Inspect log and its ``inspect eval-retry``: the same task id):
    the key they share. Of files of one ``retry`` in different folders, those not ``finished``
    are read from the best of them (a finished one, else the fullest, latest), as the reader
    reads one of them in one folder. "" = no such run."""
    finished: bool = True
    """False: the run stopped before it finished (an error, a cancel), so a retry replaces it."""
    retried: str = ""
    """The note's words on a file read from its retry instead: why the retry holds its run."""


class Reader(ABC):
    """One on-disk format. Instances are stateless; one instance serves every file."""

    name: ClassVar[str]
    """Short name for ``--format`` and ``evaltui formats``."""
    description: ClassVar[str]
    """One line for ``evaltui formats``."""
    extensions: ClassVar[tuple[str, ...]] = (".jsonl",)
    """File name endings this reader may accept (lower case)."""
    appendable: ClassVar[bool] = False
    """True when each line is read on its own (no file-wide state): lines appended later can be
    read alone through ``ReadOptions.window`` and added to the rows already read."""
    own_answers: ClassVar[bool] = False
    """True when the format extracts each generation's answer itself (a harness's filter or
    ``pred``): a generation without one is the format saying it found none ("[invalid]", ""),
    so a short reply ("I am not sure.") is not then taken as its own answer (see
    ``extract.SHORT_CHARS``); the text's box, "the answer is" or "Answer:" line still is. A
    format whose extraction looked at some rows only says so row by row
    (:attr:`ReadResult.short_replies`)."""

    @abstractmethod
    def sniff(self, path: Path, head: bytes) -> int:
        """How sure this reader is that ``path`` is one of its sample files: 0 = not mine, 100 = certain.

        ``head`` is the first :data:`HEAD_BYTES` of the file. Content first, path hints second.
        """

    def companion(self, path: Path, head: bytes) -> bool:
        """True when ``path`` belongs to this format but holds no samples (config, results, logs).

        Such files are skipped quietly instead of being reported as unreadable.
        """
        return False

    def companions(self, path: Path) -> tuple[Path, ...]:
        """Other files (or folders) that ``path``'s rows depend on, whether they exist or not:
        a results or summary file beside it, the other shards of its dataset, the folder holding
        other copies of a log. Their identities are part of the file's cache key, so a warm run
        never serves rows read against an older or absent companion."""
        return ()

    @abstractmethod
    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        """Read ``path`` (shown to the user as ``source``) into generation rows."""

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """The run ``path``'s rows belong to, for formats that say (None: a file is its label's).

        Cheap (a header or the file name, not the samples) and independent of other files, so
        that the rows a reader caches per file never depend on what else is loaded.
        """
        return None

    def records_form(self, path: Path) -> str | None:
        """How :meth:`records` gives ``path``'s records when they are not the file's own lines
        unchanged (entries of one JSON document, samples in an archive, parquet rows): a few
        words for the export's message and manifest, saying too that evaltui cannot read them
        back as this format. None: the lines are the file's own, byte for byte."""
        return None

    def records_read_back(self, path: Path) -> bool:
        """Whether evaltui reads :meth:`records` of ``path`` back as this format (its lines
        unchanged always are; re-encoded ones only where the reader reads that form)."""
        return True

    def read_records(
        self,
        path: Path,
        source: str,
        options: ReadOptions,
        lines: Sequence[int] | None,
        task: str | None = None,
        runs: Sequence[str] = (),
    ) -> ReadResult:
        """:meth:`read` of exported records read back source by source
        (:mod:`evaltui.data.readback`), from the export's manifest: ``lines``, each line's line or
        entry number in the source file (None: not known), for a format whose ids are positions
        in the file; ``task``, what the source's name or header said (:meth:`run_identity`), for
        a format that takes it from a name the copy at ``path`` cannot keep as it was; ``runs``,
        the runs the original load gave the source's rows, for a format whose records alone do
        not say how its rows split into runs (an Inspect log's reported scores, in its header)."""
        return self.read(path, source, options)

    def records_task(self, path: Path) -> str | None:
        """What ``path``'s name, header or the files beside it said its task is, for the
        export's manifest (``task``), given back to :meth:`read_records`: the task of
        :meth:`run_identity` (None: its format does not say)."""
        try:
            identity = self.run_identity(path, ReadOptions())
        except Exception:  # an odd header: the manifest just does not say
            return None
        return None if identity is None else str(identity.task)

    def records_companions(self, path: Path, lines: Sequence[int] = ()) -> dict[str, Any]:
        """What of the files beside ``path`` its rows need, for the export's manifest
        (``companions``: a JSON file's name -> the part of its value kept), written again beside
        the records read back (:mod:`evaltui.data.readback`) so they read as the source did. Empty
        (the default): its records alone give its rows. ``lines``: the exported records' line
        or entry numbers, so a big file's part for them alone is kept (empty: all of it)."""
        return {}

    def records_name(self, name: str, task: str | None) -> str:
        """The file name under which exported records of a source file named ``name`` (whose
        :meth:`run_identity` gave ``task``) read back as that file's, source by source
        (:mod:`evaltui.data.readback`): its own name, for formats that take from the name what
        the file's rows need. A format whose records lack what its file's header said overrides
        this."""
        return name

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        """The original record text of each ``(line, offset)`` row, unchanged, in the given order.

        The default serves line-based files: seek to ``offset`` and return that line without its
        line ending. Container formats (one JSON document) override this.
        """
        with path.open("rb") as handle:
            for _line, offset in rows:
                if offset is None:
                    raise ValueError(f"{path}: record has no byte offset")
                raw = line_at(handle, offset)
                if offset == 0 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield raw.decode("utf-8", errors="replace")


def line_at(handle: Any, offset: int) -> bytes:
    """The line of a binary file that starts at ``offset``, without its line ending.

    Lines end with LF (or CRLF); a file without any LF has CR-only line endings (old Mac style),
    which :func:`evaltui.data.formats.plain.iter_lines` splits the same way.
    """
    cr_only = False
    if offset > 0:
        handle.seek(offset - 1)
        cr_only = handle.read(1) == b"\r"  # after LF files' line endings this byte is LF
    handle.seek(offset)
    if not cr_only:
        raw: bytes = handle.readline()
        if raw.endswith(b"\n"):
            return raw.rstrip(b"\r\n")
        if offset > 0:  # the last line of an LF file
            return raw.rstrip(b"\r")
        # From the start to the end without an LF: the whole file has CR-only line endings.
        return raw.split(b"\r", 1)[0]
    chunks = []
    while chunk := handle.read(65536):
        end = chunk.find(b"\r")
        if end != -1:
            chunks.append(chunk[:end])
            break
        chunks.append(chunk)
    return b"".join(chunks)


# --- one bad entry is that entry's error, never the file's ---------------------------------


class EntryError(ValueError):
    """One line/entry of a file cannot be used; the message says why, in the user's words."""


def describe_failure(exc: BaseException) -> str:
    """The reason an entry failed, for its :class:`LoadError` (one line, bounded)."""
    if isinstance(exc, RecursionError):
        reason = "nested too deeply to read"
    elif isinstance(exc, ValueError):
        reason = str(exc) or type(exc).__name__
    else:  # a shape the reader did not expect: say what broke, not a traceback
        reason = f"unexpected record shape ({type(exc).__name__}: {exc})"
    reason = clean_text(" ".join(reason.split()))
    return reason if len(reason) <= 300 else reason[:299] + "…"


class entry_guard:  # (named as the function it was: ``with entry_guard(...):``)
    """Run one entry's work; any exception becomes that entry's error and its rows are taken back.

    Every reader wraps the handling of each line/entry in this (``with rows.entry(...)``), so a
    value of a shape nobody anticipated costs that entry, never the whole file. With ``rows``,
    an entry that added no row and no error of its own gets one ("no generation").

    A class, not a ``contextmanager`` generator: entered once per line, the generator's own
    cost was ~0.8 µs of each (~0.1 ms of a followed 1 MB of plain lines, 128 of them).
    """

    __slots__ = ("errors", "line", "mark", "reported", "rows", "source")

    def __init__(
        self, errors: list[LoadError], source: str, line: int | None, rows: Rows | None = None
    ) -> None:
        self.errors, self.source, self.line, self.rows = errors, source, line, rows

    def __enter__(self) -> None:
        self.mark = self.rows.height if self.rows is not None else 0
        self.reported = len(self.errors)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        rows = self.rows
        if exc is not None:
            if not isinstance(exc, Exception):
                return False  # (KeyboardInterrupt, SystemExit: not the entry's)
            if rows is not None:
                rows.truncate(self.mark)
            self.errors.append(LoadError(self.source, self.line, describe_failure(exc)))
            return True
        if rows is not None and rows.height == self.mark and len(self.errors) == self.reported:
            # Nothing came of this entry and the reader did not say why: say it, never drop
            # silently.
            self.errors.append(LoadError(self.source, self.line, "no generation in this entry"))
        return False


_JSON = json.JSONDecoder()
#: orjson reads an integer beyond 64 bits as a float (``json``: an int); a float this large in
#: its value sends the text to ``json``.
_BIG_FLOAT = float(2**63)
#: orjson reads up to 1,024 levels of nesting, ``json`` as many as Python's recursion limit lets
#: it (where it is called from): a value nested deeper than this is ``json``'s to read or refuse.
_ORJSON_DEPTH = 200


#: What :func:`fast_json` returns for a text it leaves to ``json``.
NOT_READ: Any = object()
#: The longest text :func:`fast_json` gives orjson: orjson takes ~13 times a text's size while it
#: reads it (a 24 MB line peaked at 368 MB against ``json``'s 120 MB), ``json`` about twice.
#: Up to 1 MiB that is ~13 MB for a moment; a longer line is ``json``'s, as it was.
FAST_JSON_SIZE = 1 << 20


def fast_json(raw: bytes | str) -> Any:
    """orjson's value of ``raw`` (a line's bytes, or ASCII text) when it is the value ``json``
    reads of its UTF-8 text, else :data:`NOT_READ` (``json`` reads it: its value, its errors).

    orjson reads ~2.5 times as fast (a followed 1 MB of lines took ~1.2 ms of ``json``); what
    it refuses goes to ``json`` (``NaN``, ``Infinity``, a lone surrogate escape, a number too
    large for a float, nesting past 1,024 levels, bytes that are not UTF-8, bad syntax), and so
    does a value holding a float of 2**63 or more (orjson's reading of an integer beyond 64
    bits, which ``json`` keeps an int) or nested deeper than :data:`_ORJSON_DEPTH` (where
    ``json``'s limit lies depends on the caller's stack). A text longer than
    :data:`FAST_JSON_SIZE` is ``json``'s too."""
    if len(raw) > FAST_JSON_SIZE:
        return NOT_READ
    try:
        value = orjson.loads(raw)
    except ValueError:  # orjson.JSONDecodeError
        return NOT_READ
    return value if _as_json_reads(value) else NOT_READ


def _as_json_reads(value: Any) -> bool:
    """Whether ``value`` (orjson's) is what ``json`` reads of the same text: no float of
    magnitude 2**63 or more, no nesting deeper than :data:`_ORJSON_DEPTH`."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is float:
            if not -_BIG_FLOAT < item < _BIG_FLOAT:
                return False
        elif kind is dict or kind is list:
            if depth >= _ORJSON_DEPTH:
                return False
            depth += 1
            stack.extend((v, depth) for v in (item.values() if kind is dict else item))
    return True


def json_error(message: str, column: int) -> str:
    """Where ``json`` stopped, in words: ``Expecting value at column 5``; its messages that end
    in "at" (``Unterminated string starting at``, ``Invalid control character at``) take the
    column straight after (they read "starting at at column 12")."""
    return (
        f"{message} column {column}" if message.endswith(" at") else f"{message} at column {column}"
    )


def at_rows(errors: Sequence[LoadError]) -> list[LoadError]:
    """A table's errors told by their row, at no line: a parquet file or a wandb table has no
    lines, and a row's 1-based number (what the loop numbers it by, and its rows keep for the
    records export) was shown as one (``x.parquet:3``). The row is counted from 0, as a user finds
    it (``pl.read_parquet(p)[2]``, ``df.iloc[2]``, a datasets split's ``ds[2]``) and as a ≤0.10
    lighteval doc's id (``task:2``) counts it."""
    return [
        error
        if error.line is None
        else LoadError(error.source, None, f"row {error.line - 1} (counted from 0): {error.reason}")
        for error in errors
    ]


def parse_json(text: str) -> Any:
    """``json.loads`` whose non-syntax failures are :class:`EntryError` with a clear reason.

    ``json.JSONDecodeError`` (bad syntax) passes through for the caller's own message. ASCII
    text is read by :func:`fast_json` first (a text of other characters is not: orjson would
    keep a UTF-8 copy of it beside it).
    """
    if text.isascii():
        value = fast_json(text)
        if value is not NOT_READ:
            return value
    try:
        return _JSON.decode(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise EntryError("JSON nested too deeply to read (about 1,000 levels at most)") from None
    except ValueError as exc:  # integers beyond Python's int/str conversion limit
        if "digits" in str(exc):
            raise EntryError("integer too long to read (more than 4,300 digits)") from None
        raise EntryError(f"unreadable JSON value: {exc}") from None


# --- helpers shared by readers -------------------------------------------------------------


def prompt_hash(text: str) -> str:
    """A short stable id for a prompt that has no id of its own."""
    return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


_TRUE = {"true", "t", "yes", "y", "c", "correct", "pass", "passed"}
_FALSE = {"false", "f", "no", "n", "i", "incorrect", "fail", "failed"}
#: Inspect's letter for partial credit (``PARTIAL = "P"``, which its ``value_to_float`` reads as
#: 0.5): beside "C"/"I" (1/0), a "P" in any format is half a point, never a bad line.
_PARTIAL = {"p", "partial"}


#: A folder name that only says when: digits and date/time separators (``2025-02-01T09-00-00``,
#: ``20250201_090000``, ``2025-01-20T12-33-01.123456``).
_TIME_ONLY = re.compile(r"^(?=(?:\D*\d){4})[\d_.:T\-+Z]+$")


def found_in(path: Path) -> Path:
    """The folder ``path`` was found in, as the user names it: a link to a run's folder
    (``runs/meta-llama__Meta-Llama-3.1-70B-Instruct`` → ``/data/job-4411/out``), the name given to
    label the run, is kept, not resolved to where it points."""
    return Path(os.path.abspath(path)).parent


def named(path: Path, options: ReadOptions) -> Path:
    """``path`` as the user named its folders, for a run label taken from them: a run folder
    given as a link (``runs/meta-llama__Meta-Llama-3.1-70B-Instruct`` -> ``/data/jobs/4411/out``)
    is named by the link (``/data/jobs/4411/meta-llama__Meta-Llama-3.1-70B-Instruct/…``), the
    folders around it as they are. Files are still read at ``path`` (their companions are beside
    the folders the harness wrote); only names come from here."""
    if options.renamed is None:
        return path
    folder, name = options.renamed
    try:
        return name / path.relative_to(folder)
    except ValueError:  # a file outside that folder (another log read beside it)
        return path


def folder_label(folder: Path) -> str:
    """A run label from the folder its files sit in: the folder's name, or ``parent/name`` when
    the name is only a time stamp (``meta-llama__Llama-3.3-70B-Instruct/2025-02-01T09-00-00``):
    the model a time-stamped output folder belongs to is the folder above it."""
    name = folder.name
    if _TIME_ONLY.match(name) and folder.parent.name:
        return f"{folder.parent.name}/{name}"
    return name


def verdict_list(value: Any) -> bool:
    """A per-sample metric value that is one verdict per item of the doc: ifeval's
    ``inst_level_strict_acc`` (lm-eval's ``lm_eval/tasks/ifeval/utils.py`` and lighteval's ifeval
    ``process_results``: one bool per instruction, aggregated by ``agg_inst_level_acc`` over all
    instructions of all docs). The doc's score, asked for, is their mean."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(v, bool | int | float) and math.isfinite(v)  # bool is an int
            for v in value
        )
    )


def to_score(
    value: Any,
    *,
    non_finite: bool = False,
    finite_why: str = "this format writes none",
    percent: bool = False,
) -> float | None:
    """Turn a stored score (bool, int, float, numeric string, 'C'/'I'/'P') into a float; None = unscored.

    Strings, in any case: "true"/"t"/"yes"/"y"/"c"/"correct"/"pass"/"passed" are 1,
    "false"/"f"/"no"/"n"/"i"/"incorrect"/"fail"/"failed" are 0, "p"/"partial" is 0.5 (Inspect's
    letters C, I, N and P read as Inspect's ``value_to_float`` reads them), others must be numbers.

    Raises ValueError for a value that is present but cannot be a score. A non-finite number
    (``Infinity``, ``1e999``, ``NaN``) is a score only for formats that document such values
    (``non_finite=True``: lm-eval's ``mae`` reaches Infinity, Inspect writes NaN) and is kept
    as it is; anywhere else it is the line's error, never a silent unscored row, and
    ``finite_why`` says why the format has none (its writer's own words: what it stores).
    ``percent``: a number with a percent sign (``"50%"``) is that fraction (0.5), for formats
    written by hand or by a user's script (their reader notes such readings).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            raise ValueError("score is too large to be a float") from None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        lowered = text.lower()
        if lowered in _TRUE:
            return 1.0
        if lowered in _FALSE:
            return 0.0
        if lowered in _PARTIAL:
            return 0.5
        if percent and text.endswith("%"):
            try:
                number = float(text[:-1].strip()) / 100
            except ValueError:
                raise ValueError(f"score {value!r} is not a number or boolean") from None
            text = str(number)
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"score {value!r} is not a number or boolean") from None
    else:
        raise ValueError(f"score is {json_kind(value)}, not a number or boolean")
    if not non_finite and not math.isfinite(number):
        raise ValueError(f"score {number} is not a finite number ({finite_why})")
    return number


def json_kind(value: Any) -> str:
    """What JSON value ``value`` (read from a file) is, in JSON's words for a message: ``a JSON
    number``, ``a JSON string``, ``a JSON array``, ``a JSON object``, ``JSON null``, ``JSON
    true``/``JSON false``. Python's type names (int, str, list, dict, NoneType) are not what a
    person sees in the file."""
    if value is None:
        return "JSON null"
    if isinstance(value, bool):
        return "JSON true" if value else "JSON false"
    if isinstance(value, int | float):
        return "a JSON number"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, list | tuple):
        return "a JSON array"
    if isinstance(value, dict):
        return "a JSON object"
    return f"a {type(value).__name__} value"


def stringify(value: Any) -> str | None:
    """A reference answer as text: strings unchanged, numbers without '.0' noise, others as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Unreadable):  # json.dumps would write it as "{}"
        raise EntryError(value.reason)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


#: How a reference with several acceptable answers (aliases) is shown and kept in ``answer``:
#: ``Paris | paris, france``. The combined JSON's ``answer`` string is this text too.
ALIAS_SEPARATOR = " | "
#: Between the normalized aliases in ``vote_reference``: normalizing removes all whitespace,
#: so no normalized alias holds a newline.
VOTE_ALIAS_SEPARATOR = "\n"
#: A longer "list" is not a target's aliases: not worth parsing.
_MAX_ALIAS_TEXT = 100_000
#: A Python string literal without escapes or line breaks, quoted as ``repr`` quotes it.
_ITEM = r"'([^'\\\n\r]*)'" + "|" + r'"([^"\\\n\r]*)"'
_PLAIN_STR = re.compile(_ITEM)
#: A list of those only, spaced as ``str(list)`` spaces it.
_PLAIN_STRS = re.compile(r"\[(?:{0})(?:, (?:{0}))*\]".format(_ITEM.replace("(", "(?:")))


def reference_aliases(value: Any) -> list[str] | None:
    """The acceptable answers of a reference that is a list of them, else None (one answer).

    For the formats whose reference may be a list of aliases only (lm-eval's ``target``, Inspect's
    ``target``, lighteval's golds, OpenCompass' ``gold``). A list (a JSON array) of strings and
    numbers, at least one a string, is aliases. A string is aliases only when it is the ``str()``
    of such a list: it starts with ``[``, ends with ``]`` and :func:`ast.literal_eval` (never
    ``eval``) parses it to one. lm-eval writes ``str(list)``, quotes around each string, so
    ``['1', '2']`` is two aliases, while ``[1, 2]`` (numbers only, as text or as a list: a math
    interval, a list-valued answer), ``[0, 1)``, ``[[1, 2]]`` or ``\\left[1, 2\\right]`` stay
    the one answer they are. Duplicates are dropped, order kept.
    """
    if isinstance(value, str):
        text = value.strip()
        if not (text.startswith("[") and text.endswith("]")) or len(text) > _MAX_ALIAS_TEXT:
            return None
        if _PLAIN_STRS.fullmatch(text):
            # The usual str(list) of strings without escapes: what literal_eval gives, 10x faster.
            value = [m[1] if m[1] is not None else m[2] for m in _PLAIN_STR.finditer(text)]
        else:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                return None
    # Numbers only ([1, 2]) is one answer, as a list or as its text.
    if not isinstance(value, list) or not any(isinstance(v, str) for v in value):
        return None
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return None
    aliases = [stringify(v) or "" for v in value]
    return list(dict.fromkeys(aliases))


def reference_text(value: Any, aliases: list[str] | None) -> str | None:
    """The ``answer`` text of ``value``: its ``aliases`` (:func:`reference_aliases`, or the
    format's own list) joined by :data:`ALIAS_SEPARATOR` when it has them, else
    :func:`stringify`."""
    return ALIAS_SEPARATOR.join(aliases) if aliases else stringify(value)


def _alias_vote_references(column: pl.Series, aliases: list[Any]) -> pl.Series:
    """``vote_reference``: each alias list's normalized aliases joined by
    :data:`VOTE_ALIAS_SEPARATOR` (normalized all at once), null elsewhere (the loader normalizes
    ``answer`` there)."""
    from evaltui.data.extract import normalized_each

    distinct = list(dict.fromkeys(a for found in aliases if found for a in found))
    if not distinct:
        return column
    normalized = normalized_each(distinct)
    joined = [
        VOTE_ALIAS_SEPARATOR.join(dict.fromkeys(normalized[a] or "" for a in found))
        if found
        else current
        for found, current in zip(aliases, column, strict=True)
    ]
    return pl.Series(column.name, joined, dtype=pl.String)


def turns_text(turns: Sequence[tuple[str | None, str]], user_roles: Collection[str]) -> str | None:
    """A chat prompt's turns (role, text) as shown: one turn of a user's role (``user_roles``,
    lowercase) is its text alone (a chat model's usual zero-shot prompt: the role says nothing,
    and it would be the first word of every prompt in the table); more turns (a system prompt,
    few-shot examples as turns) ``role: text`` each, a blank line between (a turn without a
    role, None, as its text). None for no turn."""
    if not turns:
        return None
    role, text = turns[0]
    if len(turns) == 1 and role is not None and role.strip().lower() in user_roles:
        return text
    return "\n\n".join(text if role is None else f"{role}: {text}" for role, text in turns)


#: Roles of a user's turn in chat messages: OpenAI's and most tools' ``user``, OpenCompass's
#: meta template's ``HUMAN``.
USER_ROLES = ("user", "human")


def message_text(body: Any) -> str:
    """A chat message's content as text: a string as it is, content parts (``[{"type": "text",
    "text": …}]``) their texts joined, anything else its JSON."""
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "".join(
            str(part.get("text", "")) if isinstance(part, dict) else stringify(part) or ""
            for part in body
        )
    return stringify(body) or ""


#: What a chat message may hold instead of text: OpenAI's ``tool_calls`` (its ``content`` null)
#: and the older ``function_call``.
CALL_FIELDS = ("tool_calls", "function_call")


def _call_text(call: Any) -> str:
    """One tool call as ``tool call: name(arguments)`` (arguments as written: OpenAI's JSON
    string, or an object's JSON)."""
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict):
        function = call if isinstance(call, dict) else None
    if function is None or "name" not in function:
        return f"tool call: {stringify(call) or ''}"
    arguments = function.get("arguments")
    shown = arguments if isinstance(arguments, str) else stringify(arguments) or ""
    return f"tool call: {stringify(function['name']) or ''}({shown})"


def chat_message_text(message: dict[str, Any]) -> str:
    """A chat message's text (:func:`message_text` of its ``content``), then each tool call it
    makes on a line of its own (:func:`_call_text`): an assistant turn that called a tool has
    ``content`` null and the call in ``tool_calls`` (``function_call`` before them), and was
    shown as an empty turn, the call left out."""
    content = message.get("content")
    parts = [message_text(content)] if content is not None else []
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else []:
        parts.append(_call_text(call))
    if isinstance(message.get("function_call"), dict):
        parts.append(_call_text(message["function_call"]))
    return "\n".join(part for part in parts if part)


def chat_text(value: Any) -> str | None:
    """Chat messages (``[{"role", "content"}]``, content a string or text parts, or tool calls:
    :func:`chat_message_text`) as readable text, shown as :func:`turns_text` shows turns: one
    user turn is its text alone, more turns one ``role: content`` paragraph each, as lm-eval's
    and OpenCompass' chat prompts are shown; None when ``value`` is not such a list."""
    if not (
        isinstance(value, list)
        and value
        and all(
            isinstance(m, dict) and "role" in m and any(f in m for f in ("content", *CALL_FIELDS))
            for m in value
        )
    ):
        return None

    turns = [(stringify(m["role"]) or "?", chat_message_text(m)) for m in value]
    return turns_text(turns, USER_ROLES)


class Rows:
    """Column lists for a reader frame: ``add`` one generation at a time, ``frame()`` at the end.

    Columns not given are null (a reader names only what its format knows). Only the columns
    some row gave a value hold a list (padded with nulls as they are read): a reader names its
    every column on every row, most of them None in most files, and a followed update's rows
    each walked all ~20 columns (and made a Series of nulls of each column none of them had).
    """

    def __init__(self) -> None:
        from evaltui.data.schema import READER_COLUMNS

        # not columns: an alias list's aliases, made into ``vote_reference`` by
        # frame_from_rows, and whether a short reply is the row's own answer
        # (ReadResult.short_replies)
        self._names = frozenset((*READER_COLUMNS, ALIASES, SHORT_REPLIES))
        self._given: dict[str, list[Any]] = {}
        self._height = 0

    def add(self, **values: Any) -> None:
        if not values.keys() <= self._names:
            unknown = set(values) - self._names
            raise TypeError(f"not generation columns: {', '.join(sorted(unknown))}")
        height = self._height
        given = self._given
        for name, value in values.items():
            if value is None:
                continue
            column = given.get(name)
            if column is None:
                given[name] = column = [None] * height
            elif len(column) < height:
                column.extend([None] * (height - len(column)))
            column.append(value)
        self._height = height + 1

    @property
    def height(self) -> int:
        return self._height

    @property
    def columns(self) -> dict[str, list[Any]]:
        """The lists of the columns some row gave a value, each as long as the rows
        (``run`` always)."""
        height = self._height
        out = {"run": [None] * height}
        for name, column in self._given.items():
            if len(column) < height:
                column.extend([None] * (height - len(column)))
            out[name] = column
        return out

    def truncate(self, height: int) -> None:
        """Drop every row added after the first ``height`` (an entry that failed midway)."""
        for column in self._given.values():
            del column[height:]
        self._height = min(self._height, height)

    def entry(self, errors: list[LoadError], source: str, line: int | None) -> entry_guard:
        """``with rows.entry(errors, source, line):`` -- see :func:`entry_guard`."""
        return entry_guard(errors, source, line, self)

    def frame(self) -> pl.DataFrame:
        return frame_from_rows(self.columns)

    def short_replies(self, default: bool) -> list[bool] | None:
        """:attr:`ReadResult.short_replies` of the rows (``default`` where a row did not say);
        None when no row said."""
        said = self.columns.get(SHORT_REPLIES, [])
        if all(value is None for value in said):
            return None
        return [default if value is None else bool(value) for value in said]


def _no_blank_answers(extracted: pl.Series) -> pl.Series:
    """An extracted answer that is empty or only whitespace is none: a harness's extractor
    writes ``""`` when it found nothing (Qwen2.5-Math's ``pred``, OpenCompass' post-processed
    ``pred``, a regex filter's empty match). Null, it is counted as no answer and the loader
    looks for one in the text, as for any generation without an extracted answer."""
    if extracted.null_count() == extracted.len():
        return extracted  # no format-given answers (plain JSONL, most files): nothing to check
    blank = extracted.str.strip_chars().str.len_bytes() == 0
    return extracted.scatter(blank.arg_true(), None) if blank.any() else extracted


#: The key of :class:`Rows` (and of :func:`frame_from_rows`' rows) holding each row's reference
#: aliases (:func:`reference_aliases`, None for one answer): not a column of its own, it makes
#: the row's ``vote_reference``, so the vote, triage and re-scoring accept any alias.
ALIASES = "reference_aliases"
#: The key of :class:`Rows` holding each row's :attr:`ReadResult.short_replies` (not a column).
SHORT_REPLIES = "short_replies"


def frame_from_rows(rows: dict[str, list[Any]]) -> pl.DataFrame:
    """Build a conformed reader frame from column lists (missing columns become nulls;
    ``rows[ALIASES]``, when given, fills ``vote_reference`` of the rows with aliases)."""
    from evaltui.data.schema import GENERATION_SCHEMA

    present = {name: values for name, values in rows.items() if name in GENERATION_SCHEMA}
    aliases = rows.get(ALIASES)
    if aliases and any(aliases) and "vote_reference" not in present:
        present["vote_reference"] = [None] * len(aliases)  # (none given: its aliases fill it)
    columns = []
    # Column by column: a frame built from a dict of lists holds a long text twice meanwhile.
    for name, values in present.items():
        dtype = GENERATION_SCHEMA[name]
        try:
            column = pl.Series(name, values, dtype=dtype, strict=False)
        except UnicodeEncodeError:
            # Lone surrogates (a JSON "\\ud800" escape, a non-UTF-8 folder name in a label) cannot
            # be stored: they are made visible instead. Checked only on failure, so reading costs
            # nothing.
            fixed = [clean_text(v) if isinstance(v, str) else v for v in values]
            column = pl.Series(name, fixed, dtype=dtype, strict=False)
        if name == "extracted":
            column = _no_blank_answers(column)
        if name == "vote_reference" and aliases and any(aliases):
            column = _alias_vote_references(column, aliases)
        columns.append(column)
    height = len(next(iter(present.values()))) if present else 0
    return conform_columns(columns, height)


def companion_json(path: Path) -> Any:
    """A companion file's JSON (a run's results or settings beside its samples), UTF-8 with or
    without a byte order mark (a Windows editor's); None when it is missing or not JSON. The
    caller checks the shape and says what its absence costs."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None


def json_document(path: Path, source: str) -> tuple[Any, LoadError | None]:
    """Parse a whole-file JSON document (UTF-8, BOM allowed); a clear error instead of an exception.

    A value nested too deeply or an integer too long spoils only its own entry: the document is
    then parsed entry by entry and each such entry becomes an :class:`Unreadable` placeholder,
    which raises its reason when a reader touches it (so the entry guard reports that entry).
    """
    try:
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError as exc:
        return None, LoadError(source, None, f"cannot read: {exc.strerror or exc}")
    try:
        data = parse_tolerant(text)
    except json.JSONDecodeError as exc:
        return None, LoadError(
            source, exc.lineno, f"not valid JSON (truncated?): {json_error(exc.msg, exc.colno)}"
        )
    except IndexError:  # the entry-by-entry parse ran off the end
        return None, LoadError(source, None, "not valid JSON (truncated?)")
    return data, None


def parse_tolerant(text: str) -> Any:
    """One JSON document whose values nested too deeply or holding too long an integer spoil
    only themselves: such a value (at most :data:`TOLERANT_DEPTH` levels down) becomes an
    :class:`Unreadable` placeholder. Raises ``json.JSONDecodeError`` for bad syntax (and
    ``IndexError`` when the entry-by-entry parse runs off the end of a truncated text)."""
    try:
        return parse_json(text)
    except EntryError:
        return _tolerant(text, 0, len(text), 0)


class Unreadable(dict[str, Any]):
    """Placeholder for a JSON value that could not be parsed; any use raises its reason.

    It is a dict so that readers' shape checks (``isinstance(entry, dict)``) let it through to
    the first real access, which raises :class:`EntryError` inside that entry's guard.
    """

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def _refuse(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise EntryError(self.reason)

    __getitem__ = __contains__ = __iter__ = __len__ = get = keys = values = items = _refuse

    def __repr__(self) -> str:
        return f"<unreadable: {self.reason}>"


#: How deep :func:`_tolerant` descends before a failing value becomes one :class:`Unreadable`.
#: 2 reaches every reader's entries: top-level items, and Inspect's ``samples[i]``.
TOLERANT_DEPTH = 2
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SPECIAL = re.compile(r'["\[\]{}]')
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def value_end(text: str, start: int) -> int:
    """The end of the JSON value starting at ``start`` (iterative: any depth)."""
    char = text[start]
    if char == '"':
        match = _STRING.match(text, start)
        if match is None:
            raise json.JSONDecodeError("unterminated string", text, start)
        return match.end()
    if char not in "[{":
        end = start
        while end < len(text) and text[end] not in ",]} \t\n\r":
            end += 1
        return end
    depth = 0
    pos = start
    while True:
        match = _SPECIAL.search(text, pos)
        if match is None:
            raise json.JSONDecodeError("unterminated container", text, start)
        found = match.group()
        if found == '"':
            string = _STRING.match(text, match.start())
            if string is None:
                raise json.JSONDecodeError("unterminated string", text, match.start())
            pos = string.end()
            continue
        depth += 1 if found in "[{" else -1
        pos = match.end()
        if depth == 0:
            return pos


def _tolerant(text: str, start: int, end: int, depth: int) -> Any:
    """Parse ``text[start:end]`` (one JSON value); values that fail become :class:`Unreadable`."""
    start = _WHITESPACE.match(text, start).end()  # type: ignore[union-attr]
    try:
        return parse_json(text[start:end])
    except EntryError as exc:
        if depth >= TOLERANT_DEPTH or text[start] not in "[{":
            return Unreadable(str(exc))
    is_object = text[start] == "{"
    closing = "}" if is_object else "]"
    items: dict[str, Any] = {}
    elements: list[Any] = []
    pos = _WHITESPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    while text[pos] != closing:
        key = ""
        if is_object:
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
            pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        end_of_value = value_end(text, pos)
        value = _tolerant(text, pos, end_of_value, depth + 1)
        if is_object:
            items[key] = value
        else:
            elements.append(value)
        pos = _WHITESPACE.match(text, end_of_value).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    return items if is_object else elements


class ContainerReader(Reader):
    """A format whose file is one JSON document holding many entries (rows' ``line`` = entry index)."""

    def entries(self, data: Any) -> list[tuple[str, Any]]:
        """(key, entry) pairs in file order; the row of entry i has ``line = i + 1``."""
        if isinstance(data, dict):
            return [(str(k), v) for k, v in data.items()]
        if isinstance(data, list):
            return [(str(i), v) for i, v in enumerate(data)]
        return []

    reads_records_back: ClassVar[bool] = False
    """True when the reader also reads a JSON-lines file of its entries (what :meth:`records`
    gives): an export of them round-trips."""

    def records_read_back(self, path: Path) -> bool:
        return self.reads_records_back

    def records_form(self, path: Path) -> str | None:
        back = (
            "which evaltui reads back as"
            if self.records_read_back(path)
            else "which evaltui does not read back as"
        )
        return (
            "each entry of the file's one JSON document re-encoded as a JSON line ({key: entry}"
            f" when the document is keyed), {back} {self.name}"
        )

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        data, error = json_document(path, path.name)
        if error is not None:
            raise ValueError(f"{path}: {error.reason}")
        entries = self.entries(data)
        for line, _offset in rows:
            key, entry = entries[line - 1]
            yield json.dumps({key: entry} if isinstance(data, dict) else entry, ensure_ascii=False)
