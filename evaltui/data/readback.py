"""Reading a records export back as the files it came from.

An export of original records (``export --records``, the app's ``e``) puts the records of every
source file of the view into one file; its manifest (:mod:`evaltui.data.marks`) lists per source
its ``path``, ``runs`` and the output lines it filled (``first_line``-``last_line``). Read as one
file, records of several runs or of two files with the same ids (two lm-eval tasks' ``doc_id``
0) would merge into one prompt, and every record's run would be named after the export. Named
directly as an input, the export is read source by source instead: each source's lines as a file
of the source's own name (what a format takes from a file name, lm-eval's task, is back), its
rows labelled with the source's runs as the original load named them.

The rows keep pointing into the export (its ``source``, line numbers and byte offsets), so
showing a text or exporting again reads the export itself. Without a usable manifest (missing,
unreadable, for another file, ranges that do not fit the file), or when a source's ``form`` is
one evaltui does not read back, the export is read as one file, as before. Each source is read
by the reader that read it (an export may mix formats), when this version has it, and told each
line's number in the source (``source_lines``): lighteval ≤0.10 rows' ids are their row numbers.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import polars as pl

from evaltui.data.marks import manifest_of, manifest_path
from evaltui.data.runs import PART_SEPARATOR, folder_is_run
from evaltui.data.schema import LoadError, conform, set_columns
from evaltui.data.wording import plural

if TYPE_CHECKING:
    from evaltui.data.discover import InputFile
    from evaltui.data.formats.base import Reader, ReadOptions, ReadResult, RunIdentity

#: How many of a source's folders its lines are read in (Qwen2.5-Math: <run>/<dataset>/file).
FOLDERS = 2
_UNSAFE_NAME = re.compile(r"[^\w.+\-=@,]")


@dataclass(frozen=True, slots=True)
class Part:
    """One source's lines in an export."""

    first_line: int
    last_line: int
    name: str
    """The file name its lines are read under (the source's own; ``.jsonl`` for re-encoded)."""
    folders: tuple[str, ...]
    """The source's last folders (a format may take a dataset's name from its folder)."""
    runs: tuple[str, ...]
    """The run labels the original load gave its rows."""
    format: str | None
    """The reader that read the source (None: unknown; the export's own is used)."""
    task: str | None = None
    """The task its header or name said (``task``; None in older manifests, or not said)."""
    source_lines: tuple[int, ...] | None = None
    """Each of its lines' line or entry number in the source (``source_lines``), when the
    manifest gives one per line."""
    references: bool = True
    """False: the original load gave its rows no reference answer (``references``), as what
    was beside the source decided (an lm-eval task's constant doc_to_target); read back so."""
    companions: tuple[tuple[str, Any], ...] = ()
    """The files beside the source its rows need (``companions``: name, JSON value), written
    beside its lines read back (:meth:`Reader.records_companions`)."""


def export_parts(item: InputFile) -> list[Part] | None:
    """The sources of the records export ``item`` (named directly as an input), in output
    order, or None: not such an export, or its manifest gives nothing usable."""
    return parts_of(item.path) if item.named else None


def parts_of(path: Path) -> list[Part] | None:
    """The sources of the records export at ``path`` (see :func:`export_parts`)."""
    mark = manifest_of(path)
    # the size must be known: the sources' lines are found by it
    if mark is None or mark.get("kind") != "records" or mark.get("bytes") is None:
        return None
    sources = mark.get("sources")
    if not isinstance(sources, list) or not sources:
        return None
    parts: list[Part] = []
    for entry in sources:
        part = _part(entry, parts[-1].last_line if parts else 0)
        if part is None:
            return None
        parts.append(part)
    return parts


def _part(entry: Any, after: int) -> Part | None:
    if not isinstance(entry, dict):
        return None
    first, last, path = entry.get("first_line"), entry.get("last_line"), entry.get("path")
    runs, form, format_ = entry.get("runs", []), entry.get("form"), entry.get("format")
    if not (isinstance(first, int) and isinstance(last, int) and after < first <= last):
        return None
    if isinstance(first, bool) or isinstance(last, bool) or not isinstance(path, str):
        return None
    if not isinstance(runs, list) or not all(isinstance(run, str) for run in runs):
        return None
    if not reads_back(entry) or (form is not None and not isinstance(form, str)):
        return None  # read as one file, as before (the export's note said so)
    where = PurePath(path.replace("\\", "/"))
    name = _safe_name(where.name) or "records.jsonl"
    folders = tuple(_safe_name(f) or "_" for f in where.parent.parts[-FOLDERS:] if f not in "/\\")
    if form is not None:  # one JSON document's entries, as lines: read as lines
        name = f"{PurePath(name).stem or 'records'}.jsonl"
    task = entry.get("task")
    return Part(
        first,
        last,
        name,
        folders,
        tuple(runs),
        format_ if isinstance(format_, str) else None,
        task if isinstance(task, str) and task else None,
        _source_lines(entry.get("source_lines"), last - first + 1),
        entry.get("references") is not False,
        _companions(entry.get("companions")),
    )


#: The most companion files a manifest's source entry is given back: a results file or two, or
#: one per dataset of an AISBench ``--merge-ds`` file (ceval's 52 subsets, mmlu's 57). The
#: manifest's size bounds what they hold (:data:`evaltui.data.export.COMPANION_CHARS`).
COMPANIONS = 128


def _companions(value: Any) -> tuple[tuple[str, Any], ...]:
    """A source entry's ``companions`` as (file name, JSON value) pairs: JSON files of safe names
    only, at most :data:`COMPANIONS`; none when the manifest gives no such thing."""
    if not isinstance(value, dict):
        return ()
    pairs = [
        (safe, data)
        for name, data in value.items()
        if isinstance(name, str) and (safe := _companion_name(name)).endswith(".json")
    ]
    return tuple(pairs[:COMPANIONS])


def _companion_name(name: str) -> str:
    """A companion's name made safe: a file's beside the records, or a path from their folder
    up its source's folders and down again (``../../results/<model>/<dataset>.json``, the
    results of OpenCompass's ``predictions/<model>/``), each part a safe name; "" for none."""
    parts = name.replace("\\", "/").split("/")
    ups = 0
    while ups < min(FOLDERS, len(parts) - 1) and parts[ups] == "..":
        ups += 1
    rest = [_safe_name(part) for part in parts[ups:]]
    return "/".join([".."] * ups + rest) if all(rest) else ""


def _source_lines(ranges: Any, count: int) -> tuple[int, ...] | None:
    """``source_lines`` (``[first, last]`` ranges) as one number per output line; None when
    they are not that (missing, malformed, or not ``count`` numbers)."""
    if not isinstance(ranges, list):
        return None
    numbers: list[int] = []
    for pair in ranges:
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in pair)
            and 0 < pair[0] <= pair[1]
            and len(numbers) + pair[1] - pair[0] < count
        ):
            return None
        numbers += range(pair[0], pair[1] + 1)
    return tuple(numbers) if len(numbers) == count else None


def reads_back(entry: dict[str, Any]) -> bool:
    """Whether a manifest's source entry reads back as its format: its ``reads_back``, or in a
    manifest without it, only when its records are the source's own lines (no ``form``)."""
    said = entry.get("reads_back")
    return said if isinstance(said, bool) else entry.get("form") is None


def _safe_name(name: str) -> str:
    """``name`` as a file name in a folder of ours: no separators, no leading dot."""
    return _UNSAFE_NAME.sub("_", name)[:200].lstrip(".")


def read_parts(
    path: Path, source: str, reader: Reader, options: ReadOptions, parts: Sequence[Part]
) -> ReadResult | None:
    """The rows of the export at ``path`` (shown as ``source``), each source's lines read as
    that source's own file (see the module's doc); None when the file does not hold the lines
    its manifest says. One source's lines at a time are copied to a temporary file."""
    from evaltui.data.formats.base import ReadResult

    frames: list[pl.DataFrame] = []
    errors: list[LoadError] = []
    notes: list[str] = []
    reducers: dict[str, str] = {}
    metric_told = False
    # Whether each row's short reply is its own answer, as its source's reader said (an Inspect
    # sample whose scorer extracted none: 'No' is its answer). Left out, the load took the
    # export's reader's default for every row: such a reply read back as no answer.
    short: list[bool] = []
    line = offset = 0  # lines read so far, and where the next one starts
    with path.open("rb") as handle, tempfile.TemporaryDirectory(prefix="evaltui-") as temp:
        for index, part in enumerate(parts):
            while line < part.first_line - 1:  # lines no source claims (none, as written)
                raw = handle.readline()
                if not raw:
                    return None  # fewer lines than the manifest says: not the file it describes
                line, offset = line + 1, offset + len(raw)
            begin = offset
            # two sources of one name stay two files; the source's folders are theirs again
            folder = Path(temp, str(index), *part.folders)
            folder.mkdir(parents=True)
            own = _reader(part, reader)
            alone = folder / (_safe_name(own.records_name(part.name, part.task)) or part.name)
            beside = _beside(Path(temp, str(index)), folder, alone, part.companions)
            for companion, data in beside:
                companion.parent.mkdir(parents=True, exist_ok=True)
                companion.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            with alone.open("wb") as out:
                while line < part.last_line:
                    raw = handle.readline()
                    if not raw:
                        return None
                    out.write(raw)
                    line, offset = line + 1, offset + len(raw)
            result = own.read_records(
                alone, source, options, part.source_lines, part.task, part.runs
            )
            identity = own.run_identity(alone, options)
            for copy in (alone, *(companion for companion, _data in beside)):
                copy.unlink()  # one source's copy at a time
            shift = part.first_line - 1
            frame = _placed(conform(result.frame), source, shift, begin, part, options)
            if not part.references and frame.get_column("answer").is_not_null().any():
                # the records alone give what the load read as none (ifeval's target 0)
                frame = set_columns(
                    frame,
                    frame.get_column("answer").clear(frame.height),
                    frame.get_column("vote_reference").clear(frame.height),
                )
                notes.append(
                    f"{source}: {part.name}: no reference answer, as its original load gave"
                    f" none (see {manifest_path(path).name})"
                )
            frames.append(_folder_ids(frame, identity, part, options))
            per_row = result.short_replies
            if per_row is None or len(per_row) != frames[-1].height:
                per_row = [not own.own_answers] * frames[-1].height
            short += per_row
            errors += [
                LoadError(e.source, None if e.line is None else e.line + shift, e.reason)
                for e in result.errors
            ]
            notes += [
                note.replace(str(alone), source).replace(str(folder), source)
                for note in result.notes
            ]
            reducers.update(result.reducers)
            metric_told = metric_told or result.metric_told
    frame = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    said = (
        f"{source}: exported records of {plural(len(parts), 'source file')}, each read as that"
        f" file, with its runs (see {manifest_path(path).name})"
    )
    return ReadResult(
        frame, errors, [said, *dict.fromkeys(notes)], short, reducers, metric_told=metric_told
    )


def _beside(
    root: Path, folder: Path, alone: Path, companions: Sequence[tuple[str, Any]]
) -> list[tuple[Path, Any]]:
    """Where each of a part's companions is written: from ``folder`` (its records'), never
    outside ``root`` (the source's own copy of its folders) nor over its records."""
    out = []
    for name, data in companions:
        where = Path(os.path.normpath(folder / name))
        if root in where.parents and where != alone:
            out.append((where, data))
    return out


def _reader(part: Part, default: Reader) -> Reader:
    """The reader of ``part``'s source (an export may mix formats), else ``default``."""
    from evaltui.data.formats import get_reader

    if part.format is None or part.format == default.name:
        return default
    try:
        return get_reader(part.format)
    except ValueError:  # a reader this version does not have
        return default


def _placed(
    frame: pl.DataFrame, source: str, shift: int, begin: int, part: Part, options: ReadOptions
) -> pl.DataFrame:
    """One source's rows pointing into the export (its name, lines, offsets), with their runs
    named as the original load named them (unless ``--label`` names them)."""
    columns = [
        pl.Series("source", [source] * frame.height, dtype=frame.schema["source"]),
        (frame.get_column("line") + shift).alias("line"),
        (frame.get_column("offset") + begin).alias("offset"),
    ]
    if options.label is None and part.runs:
        runs = frame.get_column("run")
        mapping = {label: _original(label, part.runs) for label in runs.unique().drop_nulls()}
        columns.append(runs.replace_strict(mapping, default=runs, return_dtype=runs.dtype))
    return set_columns(frame, *columns)


def _folder_ids(
    frame: pl.DataFrame, identity: RunIdentity | None, part: Part, options: ReadOptions
) -> pl.DataFrame:
    """A source whose folder was a run of its own, not a dataset (a model's folder of
    Qwen2.5-Math outputs, :func:`evaltui.data.runs.folder_is_run`): its prompt ids without the
    folder, as the original load gave them."""
    if options.label is not None or identity is None or identity.name is None:
        return frame
    if not any(folder_is_run(identity, run) for run in part.runs):
        return frame
    ids = pl.col("prompt_id").str.strip_prefix(identity.name + ":")
    return frame.with_columns(ids.alias("prompt_id"))


def _original(label: str, runs: Sequence[str]) -> str:
    """The original run of a row labelled ``label`` when read back: the source's one run, else
    the one whose filter or metric (after ``·``) is the label's; else ``label`` itself. A row of
    another part than the source's one run keeps its label: one record can hold several runs'
    rows (an Inspect sample's score per scorer), and only some of them were exported."""
    at = label.find(PART_SEPARATOR)
    if len(runs) == 1 and (at < 0 or PART_SEPARATOR not in runs[0] or runs[0].endswith(label[at:])):
        return runs[0]
    if at < 0:
        return label
    matches = [run for run in runs if run.endswith(label[at:])]
    return matches[0] if len(matches) == 1 else label
