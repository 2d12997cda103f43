"""Generation text read back from the input files, for rows loaded without it.

A warm app load takes each file's rows from the cache (:class:`~evaltui.data.cache.CachedRows`:
every column but the generation text, ``gen`` null) instead of parsing the file again; only the
prompt being looked at needs its generations' text. :class:`TextSource` reads that text back from
the file the rows came from: the lines at the rows' byte offsets for line-based formats (the
reader run on just those lines), the whole file for formats that are one document. Only the
version of the file that was loaded is read (its :class:`~evaltui.data.discover.FileIdentity`, as
for exporting original records): a file changed since is refused with a clear message, never shown
with another version's text.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import polars as pl

from evaltui.data.export import check_unchanged
from evaltui.data.formats import ReadOptions, Window, get_reader
from evaltui.data.formats.base import line_at
from evaltui.data.readback import parts_of, read_parts

#: Whole-document files whose texts are kept (the least recently used goes first): a compare
#: view walks the prompts of two such files at once without parsing either again per prompt.
KEPT_DOCUMENTS = 3


class TextUnavailable(ValueError):
    """The text cannot be read back (the file changed or is gone); the message is for the user."""


class TextCancelled(Exception):
    """The caller no longer wants the text (``cancelled`` was set): nothing is returned."""


@dataclasses.dataclass
class TextSource:
    """Reads generation text back for a load's rows. Thread-safe: callers take turns, so a
    caller that gave up (its ``cancelled`` set) still leaves the document it was parsing in the
    cache for the next one.

    The texts of the last few whole-document files read are kept (:data:`KEPT_DOCUMENTS`, each
    under the file version it was read from), so walking the prompts of a container format does
    not parse it again for each prompt.
    """

    files: list[Any]
    """The load's file reports (``source``, ``format``, ``path``, ``identity``)."""
    options: ReadOptions = dataclasses.field(default_factory=ReadOptions)
    """The load's reader options (field names, label): the text is read as it was loaded."""
    _documents: OrderedDict[tuple[str, Any], dict[int, list[str | None]]] = dataclasses.field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def fill(
        self,
        rows: pl.DataFrame,
        generations: pl.DataFrame,
        cancelled: threading.Event | None = None,
    ) -> pl.DataFrame:
        """``rows`` (a subset of ``generations`` with its ``_row`` index column) with every null
        ``gen`` read back from its file. Raises :class:`TextUnavailable`, or
        :class:`TextCancelled` once ``cancelled`` is set (checked between files and lines)."""
        with self._lock:
            return self._fill(rows, generations, cancelled or threading.Event())

    def _fill(
        self, rows: pl.DataFrame, generations: pl.DataFrame, cancelled: threading.Event
    ) -> pl.DataFrame:
        if cancelled.is_set():
            raise TextCancelled
        missing = rows.filter(pl.col("gen").is_null())
        if missing.height == 0:
            return rows
        by_source = {f.source: f for f in self.files if f.format is not None and f.path}
        # Rows of one line are told apart by their order within that line (a record with a list
        # of scores holds several generations), counted over every row the line produced.
        lines = missing.select("source", "line").unique()
        # A cheap filter first: the join then looks at a few rows, not the whole load's.
        near = pl.col("source").is_in(lines["source"].implode()) & pl.col("line").is_in(
            lines["line"].implode()
        )
        siblings = (
            generations.with_row_index("_row")
            .filter(near)
            .join(lines, on=["source", "line"], how="semi")
            .select(
                "_row",
                "source",
                "line",
                "offset",
                pl.int_range(pl.len()).over("source", "line").alias("_nth"),
                pl.len().over("source", "line").alias("_of"),
            )
        )
        found: dict[int, str | None] = {}
        for (source,), group in siblings.group_by("source", maintain_order=True):
            if cancelled.is_set():
                raise TextCancelled
            texts, by_lines = self._read(str(source), group, by_source.get(str(source)), cancelled)
            for row, line, nth, of in group.select("_row", "line", "_nth", "_of").iter_rows():
                got = texts.get(line, [])
                if len(got) != of:
                    # A row's line is a line of the file only when it was read by lines; in a
                    # document, an archive or a parquet table it is the entry's number, which
                    # no tool opens at (the reason names no place then).
                    what = f"line {line} no longer holds" if by_lines else "its entries are not"
                    raise TextUnavailable(
                        f"{source} has changed since it was loaded: {what} the same records"
                        " (reload to see its text)"
                    )
                found[row] = got[nth]
        filled = [found.get(row, text) for row, text in rows.select("_row", "gen").iter_rows()]
        return rows.with_columns(pl.Series("gen", filled, dtype=pl.String))

    def _read(
        self, source: str, group: pl.DataFrame, report: Any, cancelled: threading.Event
    ) -> tuple[dict[int, list[str | None]], bool]:
        """The generation texts of each line in ``group`` (by line, in the reader's order), and
        whether the file was read by its lines (its rows' ``line`` a line of it)."""
        self._check(source, report)
        reader = get_reader(report.format)
        path = Path(report.path)
        identity = getattr(report, "identity", None)
        offsets = group.select("line", "offset").unique(maintain_order=True)
        # A records export read back source by source (evaltui.data.readback) is read so again
        # when its sources are of several formats: its lines are not all its reader's.
        parts = parts_of(path)
        mixed = parts is not None and any(p.format not in (None, reader.name) for p in parts)
        by_lines = reader.appendable and offsets["offset"].null_count() == 0 and not mixed
        if by_lines:
            texts = self._read_lines(reader, path, source, offsets, cancelled)
        elif (source, identity) in self._documents:
            texts = self._documents[(source, identity)]
            self._documents.move_to_end((source, identity))
        else:
            result = None
            if parts is not None:
                result = read_parts(path, source, reader, self.options, parts)
            texts = _by_line((result or reader.read(path, source, self.options)).frame)
            # Kept even when the caller gave up meanwhile: the next prompt opened likely wants it.
            self._documents[(source, identity)] = texts
            while len(self._documents) > KEPT_DOCUMENTS:
                self._documents.popitem(last=False)
        self._check(source, report)  # replaced while we read it: nothing shown
        return texts, by_lines

    @staticmethod
    def _check(source: str, report: Any) -> None:
        try:
            check_unchanged(source, report, "showing its text")
        except ValueError as exc:
            raise TextUnavailable(str(exc)) from None

    def _read_lines(
        self,
        reader: Any,
        path: Path,
        source: str,
        offsets: pl.DataFrame,
        cancelled: threading.Event,
    ) -> dict[int, list[str | None]]:
        texts: dict[int, list[str | None]] = {}
        try:
            with path.open("rb") as handle:
                spans = [
                    (line, offset, offset + len(line_at(handle, offset)))
                    for line, offset in offsets.sort("offset").iter_rows()
                ]
        except OSError as exc:
            raise TextUnavailable(f"{source}: cannot read: {exc.strerror or exc}") from None
        for line, start, end in spans:
            if cancelled.is_set():
                raise TextCancelled
            window = dataclasses.replace(self.options, window=Window(start, line, end))
            texts.update(_by_line(reader.read(path, source, window).frame))
        return texts


def _by_line(frame: pl.DataFrame) -> dict[int, list[str | None]]:
    """Each line's generation texts, in the reader's order."""
    texts: dict[int, list[str | None]] = {}
    for line, text in frame.select("line", "gen").iter_rows():
        texts.setdefault(line, []).append(text)
    return texts
