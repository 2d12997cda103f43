"""Exports: the combined JSON, and atomic writes that never leave a half-written file."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl

from evaltui.data.metrics import STATS_COLUMNS


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success it replaces ``path`` in one ``os.replace``.

    On any exception the temp file is removed and ``path`` is untouched: an existing file is never
    half-overwritten, and a failed export leaves nothing behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_with(
    path: str | os.PathLike[str], writer: Callable[[IO[Any]], None], mode: str = "w"
) -> Path:
    """Run ``writer`` on an atomically replaced file at ``path``; returns the path."""
    with atomic_open(path, mode) as handle:
        writer(handle)
    return Path(path)


#: How a non-finite number is written: JSON has no NaN/Infinity (Python's ``json`` writes them
#: anyway, and strict readers reject the file), so they become these strings; ``float(s)`` and
#: polars' ``.cast(pl.Float64)`` read them back as the numbers they were.
NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (nested in lists/dicts too) as "Infinity",
    "-Infinity" or "NaN": valid JSON that round-trips, instead of a silent null."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else NON_FINITE[value]
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


def combined_records(stats: pl.DataFrame) -> list[dict[str, Any]]:
    """The combined-JSON objects: legacy keys first in their order, evaltui's own after."""
    columns = [c for c in STATS_COLUMNS if c in stats.columns]
    columns += [c for c in stats.columns if c not in columns]
    return [json_safe(row) for row in stats.select(columns).iter_rows(named=True)]


def write_json(value: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``value`` as strict JSON (non-finite numbers as strings, see :func:`json_safe`),
    UTF-8, atomically."""

    def writer(handle: IO[Any]) -> None:
        json.dump(json_safe(value), handle, ensure_ascii=False, indent=2, allow_nan=False)
        handle.write("\n")

    return write_with(path, writer)


def write_combined_json(stats: pl.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the combined JSON (a list, one object per prompt per run) atomically, UTF-8."""
    written = write_json(combined_records(stats), path)
    mark_output(written, "combined", prompts=stats.height)
    return written


def mark_output(path: str | os.PathLike[str], kind: str, **details: Any) -> None:
    """Write the manifest beside a just-written output, so evaltui never reads it back as data."""
    from evaltui.data.marks import manifest, manifest_path

    target = Path(path)
    if not target.is_file():  # stdout, a device: nothing on disk to mark
        return
    data = manifest(target, kind, **details)
    write_with(manifest_path(target), lambda h: json.dump(data, h, indent=2))


def default_export_dir(
    inputs: Iterable[str | os.PathLike[str]], cwd: Path | None = None, home: Path | None = None
) -> Path:
    """Where the app offers to write exports: the working directory, like any command-line tool,
    unless that is inside the data being explored (``cd results && evaltui .``); then
    ``~/evaltui-exports``, so exports never land among the eval files they summarise."""
    cwd = (cwd or Path.cwd()).resolve()
    for raw in inputs:
        path = (cwd / Path(raw).expanduser()).resolve()  # an absolute path stays itself
        folder = path if path.is_dir() else path.parent
        if cwd == folder or folder in cwd.parents:
            return (home or Path.home()) / "evaltui-exports"
    return cwd


ExportKind = Literal["combined", "records", "csv", "parquet"]
EXPORT_KINDS: dict[ExportKind, tuple[str, str]] = {
    "combined": ("combined JSON (per-prompt stats, same schema as summarize)", ".json"),
    "records": ("original records of the view's generations (JSONL, lines unchanged)", ".jsonl"),
    "csv": ("per-prompt stats as CSV", ".csv"),
    "parquet": ("per-prompt stats as Parquet", ".parquet"),
}


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    kind: ExportKind
    prompts: int
    records: int
    """Lines written: records for ``records``, prompts otherwise."""

    def __str__(self) -> str:
        what = (
            f"{self.records} records of {self.prompts} prompts"
            if self.kind == "records"
            else f"{self.prompts} prompts"
        )
        return f"wrote {what} to {self.path}"


def kind_for_path(path: str | os.PathLike[str], default: ExportKind = "combined") -> ExportKind:
    """The export kind a file name asks for by its suffix (.csv, .parquet, .jsonl)."""
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".parquet": "parquet", ".jsonl": "records"}.get(suffix, default)  # type: ignore[return-value]


def record_rows(view_stats: pl.DataFrame, generations: pl.DataFrame) -> pl.DataFrame:
    """(source, line, offset) of every input record behind the view's prompts, unique, in file order."""
    keys = view_stats.select("run", "prompt_id").unique()
    return (
        generations.join(keys, on=["run", "prompt_id"], how="semi")
        .select("source", "line", "offset")
        .unique(subset=["source", "line"], maintain_order=True)
        .sort(["source", "line"], maintain_order=True)
    )


def write_records(
    view_stats: pl.DataFrame,
    generations: pl.DataFrame,
    files: Iterable[Any],
    path: str | os.PathLike[str],
) -> int:
    """Write the original records of the view's generations as JSONL, each unchanged; returns how many.

    ``files`` are the load's file reports (``source``, ``format``, ``path``): each record is read
    back from its source by the reader that produced it, so nothing was kept in memory for this.
    """
    from evaltui.data.formats import get_reader

    by_source = {f.source: f for f in files if f.format is not None and f.path is not None}
    rows = record_rows(view_stats, generations)
    groups = [
        (str(source), group) for (source,), group in rows.group_by("source", maintain_order=True)
    ]
    for source, _group in groups:  # all checked before anything is written
        _check_unchanged(source, by_source.get(source))
    count = 0
    with atomic_open(path) as handle:
        for source, group in groups:
            report = by_source[source]
            reader = get_reader(report.format)
            pairs = zip(group["line"].to_list(), group["offset"].to_list(), strict=True)
            for text in reader.records(Path(report.path), pairs):
                handle.write(text)
                handle.write("\n")
                count += 1
            _check_unchanged(source, report)  # replaced while we read it: the temp file goes
    return count


def _check_unchanged(source: str, report: Any) -> None:
    """Refuse to re-read records of a file that is gone from the load or no longer the one read.

    Records are re-read at the byte offsets (or entry indexes) found when loading: in a file
    rewritten since, those point into other lines, and their fragments must never be exported.
    """
    if report is None:
        raise ValueError(f"{source}: no longer known to this load; cannot re-read its records")
    identity = getattr(report, "identity", None)
    if identity is not None and identity.changed(Path(report.path)):
        raise ValueError(
            f"{source} has changed since it was loaded: reload before exporting its original"
            " records (nothing was written)"
        )


def _flat(view_stats: pl.DataFrame) -> pl.DataFrame:
    # CSV has no lists: gen_lengths becomes space-separated numbers.
    lists = [c for c, t in view_stats.schema.items() if isinstance(t, pl.List)]
    return view_stats.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join(" ") for c in lists)


def export_view(
    kind: ExportKind,
    view_stats: pl.DataFrame,
    generations: pl.DataFrame,
    files: Iterable[Any],
    path: str | os.PathLike[str],
) -> ExportSummary:
    """Write the current view in one of :data:`EXPORT_KINDS`, atomically."""
    target = Path(path)
    if kind == "combined":
        write_combined_json(view_stats, target)
        written = view_stats.height
    elif kind == "records":
        written = write_records(view_stats, generations, files, target)
    elif kind == "csv":
        write_with(target, lambda h: _flat(view_stats).write_csv(h), "wb")
        written = view_stats.height
    elif kind == "parquet":
        write_with(target, lambda h: view_stats.write_parquet(h), "wb")
        written = view_stats.height
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    if kind != "combined":  # write_combined_json marks its own output
        mark_output(target, kind, prompts=view_stats.height, records=written)
    return ExportSummary(target, kind, view_stats.height, written)
