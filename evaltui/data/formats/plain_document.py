"""One JSON document of plain records, as eval scripts ``json.dump(results, f, indent=2)``.

The document is a list of records (``[{"prompt": …, "gen": …, "answer": …, "accuracy": …}, …]``)
or an object holding such lists (``{"accuracy": 0.5, "results": [...]}``, ``{"samples": [...]}``),
pretty-printed or on one line. Each record is read as the plain reader reads a line of JSON lines:
the same fields, the same names other tools use, the same field flags.

Where a record is: its rows' ``line`` is its number in the document (1-based, counted over every
list read), since a one-line document has every record on line 1 and a record's rows must stay
told apart from the others'; its ``offset`` is the byte offset of the record's first byte, where
the records export reads it again without parsing the rest of the file. A bad record (not an
object, no prompt or generation, not JSON) is reported at the line of the file it starts on, as
``record N: …``; a document whose syntax breaks at the line and column where it does (the records
before it are kept: a file cut short still shows what it holds).

The file is read whole, never in windows (the reader is not ``appendable``): following reads it
again whole when it appears or changes, as it reads a SkyThought or Inspect document.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import re
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    EntryError,
    ReadOptions,
    ReadResult,
    frame_from_rows,
    json_error,
    parse_json,
)
from evaltui.data.formats.plain import (
    HEAD_RECORDS,
    RECORD_FIELDS,
    PlainReader,
    decode_line,
    most_common_shape,
    record_score,
    takes,
)
from evaltui.data.sanitize import name_line
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural

_BOM = b"\xef\xbb\xbf"
_WS = re.compile(rb"[ \t\n\r]*")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
#: A whole string (skipped whole: brackets in it are text), a bracket, or a quote that no string
#: ends (the document is cut off in it).
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}"]', re.DOTALL)
_SCALAR_END = re.compile(rb"[,\]} \t\n\r]")
#: A line break inside a pretty-printed record and the indentation around it (JSON strings
#: hold no raw line break: these are all between tokens).
_BREAK = re.compile(rb"[ \t]*(?:\r\n|\r|\n)[ \t]*")

Buffer = bytes | mmap.mmap


class BrokenJson(Exception):
    """The document's syntax breaks at byte ``pos``; ``cut``: the data ends inside a value."""

    def __init__(self, message: str, pos: int, cut: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.cut = cut


def skip_space(data: Buffer, pos: int) -> int:
    """The first offset at or after ``pos`` that is not JSON whitespace."""
    match = _WS.match(data, pos)
    return pos if match is None else match.end()


def byte_at(data: Buffer, pos: int) -> bytes:
    """The byte at ``pos`` (empty past the end)."""
    return data[pos : pos + 1]


def value_end(data: Buffer, start: int) -> int:
    """The end of the JSON value starting at ``start``, found by its brackets and strings only
    (any depth, without parsing it); :class:`BrokenJson` when there is no value or it is cut off."""
    char = byte_at(data, start)
    if not char:
        raise BrokenJson("Expecting value", start, cut=True)
    if char == b'"':
        match = _STRING.match(data, start)
        if match is None:
            raise BrokenJson("Unterminated string", start, cut=True)
        return match.end()
    if char not in b"[{":
        match = _SCALAR_END.search(data, start)
        if match is None:  # a value running to the end: the container around it is cut off
            raise BrokenJson("Expecting ',' delimiter", len(data), cut=True)
        if match.start() == start:
            raise BrokenJson("Expecting value", start)
        return match.start()
    depth = 0
    for match in _TOKENS.finditer(data, start):
        if match.end() - match.start() > 1:
            continue  # a whole string: its brackets are not the value's
        byte = data[match.start()]
        if byte == 0x22:  # a quote no string ends
            raise BrokenJson("Unterminated string", match.start(), cut=True)
        depth += 1 if byte in b"[{" else -1
        if depth == 0:
            return match.end()
    kind = "object" if char == b"{" else "array"
    raise BrokenJson(f"Unterminated {kind}", start, cut=True)


class _Lines:
    """Line and column numbers of byte offsets, counted forward from the last one asked."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        # as plain.iter_lines: a file without LF has CR-only line endings
        self.newline = b"\n" if b"\n" in data else b"\r"
        self.line = 1
        self.pos = 0

    def line_of(self, offset: int) -> int:
        if offset < self.pos:
            self.line, self.pos = 1, 0
        self.line += self.data.count(self.newline, self.pos, offset)
        self.pos = offset
        return self.line

    def column_of(self, offset: int) -> int:
        """The 1-based column (in characters) of ``offset``."""
        start = self.data.rfind(self.newline, 0, offset) + 1
        return len(self.data[start:offset].decode("utf-8", errors="replace")) + 1


def object_key(data: Buffer, pos: int) -> tuple[str, int]:
    """The object key starting at ``pos`` and the offset of its value."""
    match = _STRING.match(data, pos)
    if match is None:
        if byte_at(data, pos):
            raise BrokenJson("Expecting property name enclosed in double quotes", pos)
        raise BrokenJson("Expecting property name enclosed in double quotes", pos, cut=True)
    try:
        key = json.loads(match.group().decode("utf-8", errors="replace"))
    except ValueError:
        raise BrokenJson("Invalid property name", pos) from None
    pos = skip_space(data, match.end())
    if byte_at(data, pos) != b":":
        raise BrokenJson("Expecting ':' delimiter", pos, cut=not byte_at(data, pos))
    return str(key), skip_space(data, pos + 1)


def after_value(data: Buffer, pos: int, closing: bytes) -> tuple[int, bool]:
    """After a value in a container: ``(offset of the next value, False)`` after a comma, or
    ``(offset after the container, True)`` at its ``closing`` bracket."""
    pos = skip_space(data, pos)
    char = byte_at(data, pos)
    if char == b",":
        return skip_space(data, pos + 1), False
    if char == closing:
        return pos + 1, True
    raise BrokenJson("Expecting ',' delimiter", pos, cut=not char)


def _holds_records(key: str, first: Any) -> bool:
    """Whether a list under ``key`` whose first element is ``first`` may be a document's
    records: under a name a record's own fields have (a JSON lines record's chat ``prompt``, its
    ``outputs``), only when its elements are records themselves."""
    return key not in RECORD_FIELDS or takes(first, ReadOptions())


# --- what detection sees: the head of the file ------------------------------------------------


def _partial(data: Buffer, start: int) -> dict[str, Any]:
    """The keys of the object at ``start`` that is cut off by the end of ``data``, each with its
    value when it is whole, else an empty value of its kind."""
    record: dict[str, Any] = {}
    try:
        pos = skip_space(data, start + 1)
        while byte_at(data, pos) not in (b"}", b""):
            key, pos = object_key(data, pos)
            kind = byte_at(data, pos)
            record[key] = [] if kind == b"[" else {} if kind == b"{" else ""
            end = value_end(data, pos)
            with contextlib.suppress(ValueError):  # not JSON: its empty value stands for it
                record[key] = parse_json(bytes(data[pos:end]).decode("utf-8", errors="replace"))
            pos, closed = after_value(data, end, b"}")
            if closed:
                break
    except BrokenJson:
        pass
    return record


def head_list(data: Buffer, start: int) -> tuple[list[Any], int | None]:
    """The first elements of the list at ``start`` (a cut-off object as its keys, see
    :func:`_partial`) and the offset after the list (None: not in ``data``)."""
    items: list[Any] = []
    pos = skip_space(data, start + 1)
    if byte_at(data, pos) == b"]":
        return items, pos + 1
    while len(items) < HEAD_RECORDS:
        try:
            end = value_end(data, pos)
        except BrokenJson as exc:
            if exc.cut and byte_at(data, pos) == b"{":
                items.append(_partial(data, pos))
            return items, None
        try:
            items.append(parse_json(bytes(data[pos:end]).decode("utf-8", errors="replace")))
        except ValueError:
            items.append(None)
        try:
            pos, closed = after_value(data, end, b"]")
        except BrokenJson:
            return items, None
        if closed:
            return items, pos
    return items, None


def head_records(head: bytes, accept: Callable[[Any], bool] | ReadOptions) -> list[Any] | None:
    """The first records of the list of records in ``head`` (the start of a file holding one
    JSON document), or None when it is not such a document: a list whose first element
    ``accept`` takes (a :class:`ReadOptions`: a record the plain reader reads with those field
    names), or an object holding such a list. A file of JSON lines is not one document: when the
    head shows the document's end, only whitespace may follow it."""
    if isinstance(accept, ReadOptions):
        options = accept
        accept = lambda record: takes(record, options)  # noqa: E731
    pos = skip_space(head, 3 if head.startswith(_BOM) else 0)
    opener = byte_at(head, pos)
    found: list[Any] | None = None
    try:
        if opener == b"[":
            items, end = head_list(head, pos)
            if not items or not accept(items[0]):
                return None
            found = items
        elif opener == b"{":
            pos = skip_space(head, pos + 1)
            end = None
            while byte_at(head, pos) not in (b"}", b""):
                key, value = object_key(head, pos)
                if byte_at(head, value) == b"[" and found is None:
                    items, after = head_list(head, value)
                    if items and accept(items[0]) and _holds_records(key, items[0]):
                        found = items
                    if after is None:
                        break  # the list goes on past the head
                else:
                    after = value_end(head, value)
                pos, closed = after_value(head, after, b"}")
                if closed:
                    end = pos
                    break
            if end is None and byte_at(head, pos) == b"}":  # an empty object
                end = pos + 1
        else:
            return None
    except BrokenJson:
        end = None
    if found is None:
        return None
    if end is not None and skip_space(head, end) < len(head):
        return None  # more after the document: JSON lines (or not JSON)
    return found


# --- reading the whole document ---------------------------------------------------------------


class JsonDocument:
    """One pass over a document's bytes: its records in order, their start lines, its errors."""

    def __init__(self, data: bytes, source: str, options: ReadOptions) -> None:
        self.data = data
        self.source = source
        self.options = options
        self.lines = _Lines(data)
        self.errors: list[LoadError] = []
        self.notes: list[str] = []
        self.starts = array("q")
        """Each record's first line, by its number - 1."""
        self.lists: list[str] = []
        """The keys of the lists read (an object's), for the note."""
        self.bad_utf8: list[int] = []

    def records(self) -> Iterator[tuple[int, int, Any]]:
        """``(record number, byte offset, record)`` of every record that is JSON."""
        data = self.data
        pos = skip_space(data, 3 if data.startswith(_BOM) else 0)
        opener = byte_at(data, pos)
        try:
            if opener == b"[":
                end = yield from self._elements(pos)
            elif opener == b"{":
                end = yield from self._object(pos)
            else:
                what = "empty" if not opener else f"a JSON {self._kind(pos)}"
                self.errors.append(
                    LoadError(self.source, None, f"not a list of records (the document is {what})")
                )
                return
            end = skip_space(data, end)
            if end < len(data):
                raise BrokenJson("Extra data", end)
        except BrokenJson as exc:
            self._broken(exc)
        # As iter_json_lines: the file's bytes are let go before the rows become a frame.
        del data
        self.data = self.lines.data = b""
        if self.bad_utf8:
            first = ", ".join(str(n) for n in self.bad_utf8[:5])
            self.notes.append(
                f"{self.source}: {plural(len(self.bad_utf8), 'record')} with invalid UTF-8 bytes"
                f" (shown as �), starting on lines {first}"
                + ("…" if len(self.bad_utf8) > 5 else "")
            )
        if len(self.lists) > 1:
            keys = ", ".join(f"'{name_line(key, 40)}'" for key in self.lists[:8])
            keys += ", …" if len(self.lists) > 8 else ""
            self.notes.append(f"{self.source}: records read from the lists under {keys}")

    def _kind(self, pos: int) -> str:
        char = byte_at(self.data, pos)
        return {b'"': "string", b"t": "boolean", b"f": "boolean", b"n": "null"}.get(char, "number")

    def _broken(self, exc: BrokenJson) -> None:
        line = self.lines.line_of(exc.pos)
        column = self.lines.column_of(exc.pos)
        read = len(self.starts)
        after = (
            f"; the {plural(read, 'record')} before it {'is' if read == 1 else 'are'} read, none after"
            if read
            else "; no record is read"
        )
        what = "not valid JSON (cut short: still being written?)" if exc.cut else "not valid JSON"
        self.errors.append(
            LoadError(self.source, line, f"{what}: {exc.message} at column {column}{after}")
        )

    def _object(self, start: int) -> Generator[tuple[int, int, Any], None, int]:
        """The records of every list of records in the object at ``start``; returns its end.
        Its other values are parsed too, so a syntax error anywhere is told."""
        data = self.data
        pos = skip_space(data, start + 1)
        if byte_at(data, pos) == b"}":
            self._no_list({})
            return pos + 1
        others: dict[str, Any] = {}
        while True:
            key, value = object_key(data, pos)
            end = None
            told = False  # the value's syntax error is told already
            if byte_at(data, value) == b"[":
                first_at = skip_space(data, value + 1)
                if byte_at(data, first_at) == b"{":
                    first = self._value(first_at, value_end(data, first_at))
                    told = first is None
                    if takes(first, self.options) and _holds_records(key, first):
                        self.lists.append(key)
                        end = yield from self._elements(value)
                    elif isinstance(first, dict) and key not in others:
                        others[key] = first
            if end is None:
                end = value_end(data, value)
                if not told:
                    self._value(value, end)  # a syntax error there is told, the records kept
            pos, closed = after_value(data, end, b"}")
            if closed:
                if not self.lists:
                    self._no_list(others)
                return pos

    def _no_list(self, lists: dict[str, Any]) -> None:
        """The error of an object that holds no list of records."""
        if lists:
            key, first = next(iter(lists.items()))
            keys = ", ".join(name_line(str(k), 40) for k in list(first)[:8])
            keys += ", …" if len(first) > 8 else ""
            reason = (
                f"no list of records with a prompt and a generation in this JSON document (the"
                f" first record under '{name_line(key, 40)}' has keys {keys}; name the fields with"
                " --prompt-field, --gen-field, --answer-field, --score-field)"
            )
        else:
            reason = "no list of records in this JSON document"
        self.errors.append(LoadError(self.source, None, reason))

    def _value(self, start: int, end: int) -> Any:
        """The value at ``data[start:end]``; None, with its error, when it is not JSON."""
        try:
            return parse_json(self.data[start:end].decode("utf-8", errors="replace"))
        except json.JSONDecodeError as exc:
            line = self.lines.line_of(start) + exc.lineno - 1
            column = exc.colno + (self.lines.column_of(start) - 1 if exc.lineno == 1 else 0)
            reason = f"not valid JSON: {json_error(exc.msg, column)}"
            self.errors.append(LoadError(self.source, line, reason))
        except EntryError as exc:
            self.errors.append(LoadError(self.source, self.lines.line_of(start), str(exc)))
        return None

    def _elements(self, start: int) -> Generator[tuple[int, int, Any], None, int]:
        """The records of the list at ``start``; returns the offset after it."""
        data = self.data
        pos = skip_space(data, start + 1)
        if byte_at(data, pos) == b"]":
            return pos + 1
        while True:
            end = value_end(data, pos)
            number = len(self.starts) + 1
            line = self.lines.line_of(pos)
            self.starts.append(line)
            raw = data[pos:end]
            text, valid = decode_line(raw)
            del raw
            if not valid:
                self.bad_utf8.append(line)
            try:
                value = parse_json(text)
            except json.JSONDecodeError as exc:
                column = exc.colno + (self.lines.column_of(pos) - 1 if exc.lineno == 1 else 0)
                self.errors.append(
                    LoadError(
                        self.source,
                        line + exc.lineno - 1,
                        f"record {number}: not valid JSON: {json_error(exc.msg, column)}",
                    )
                )
            except EntryError as exc:
                self.errors.append(LoadError(self.source, line, f"record {number}: {exc}"))
            else:
                del text
                yield number, pos, value
                del value
            pos, closed = after_value(data, end, b"]")
            if closed:
                return pos


class PlainDocumentReader(PlainReader):
    """Plain records in one JSON document: a list of them, or an object holding such lists."""

    name = "plain_document"
    description = (
        'one JSON document of plain records: a list, or an object holding one ({"results":'
        " [...]}), as json.dump writes them; each record read as a plain JSONL line"
    )
    extensions = (".json", ".jsonl")
    appendable = False

    def sniff(self, path: Path, head: bytes) -> int:
        records = head_records(head, ReadOptions())
        if records is None:
            return 0
        first = most_common_shape([r for r in records if isinstance(r, dict)])
        return 0 if first is None else record_score(first)

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        try:
            data = path.read_bytes()
        except OSError as exc:
            error = LoadError(source, None, f"cannot read: {exc.strerror or exc}")
            return ReadResult(frame_from_rows({}), [error])
        document = JsonDocument(data, source, options)
        del data
        record_errors: list[LoadError] = []
        result = self.read_parsed(
            path, source, options, document.records(), record_errors, document.notes
        )
        # The records' own errors name the record and the line it starts on.
        starts = document.starts
        moved = [
            LoadError(
                error.source,
                None if error.line is None else starts[error.line - 1],
                error.reason if error.line is None else f"record {error.line}: {error.reason}",
            )
            for error in record_errors
        ]
        errors = sorted(document.errors + moved, key=lambda e: -1 if e.line is None else e.line)
        return ReadResult(result.frame, errors, result.notes)

    def records_form(self, path: Path) -> str | None:
        return (
            "each record of the file's one JSON document as one JSON line (its line breaks and"
            " their indentation taken out, nothing else changed), which evaltui reads back as"
            " plain JSON lines"
        )

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        """Each record at its byte offset, on one line: the line breaks inside a pretty-printed
        record and their indentation are taken out (a space left between two values), every
        other byte kept."""
        with path.open("rb") as handle:
            if not handle.seek(0, 2):
                raise ValueError(f"{path}: the file is empty")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                for _line, offset in rows:
                    if offset is None:
                        raise ValueError(f"{path}: record has no byte offset")
                    try:
                        end = value_end(data, offset)
                    except BrokenJson as exc:
                        raise ValueError(f"{path}: no record at byte {offset}: {exc}") from None
                    raw = _BREAK.sub(_joined, data[offset:end])
                    yield raw.decode("utf-8", errors="replace")


def _joined(match: re.Match[bytes]) -> bytes:
    """What a line break in a record becomes: nothing next to a bracket, else one space."""
    text = match.string
    before = text[match.start() - 1 : match.start()]
    after = text[match.end() : match.end() + 1]
    return b"" if before in (b"[", b"{") or after in (b"]", b"}") else b" "


# --- where a container's entries start ----------------------------------------------------------


def entry_lines(data: bytes, under: str | None = None) -> tuple[list[int], dict[str, int]] | None:
    """The line of the file each entry of a document's container starts on: the top-level
    list or object, or with ``under`` the one under that key of the top-level object (an
    Inspect log's ``samples``, OpenCompass' ≤0.4.0 ``details``). Returns the lines in file
    order and, for an object, each key's line (the key's, where its entry starts; a key written
    twice, its last, whose value ``json`` keeps). Found by brackets and strings alone; None when
    there is no such container or the document breaks before it; cut inside it, the entries
    that start before the cut."""
    lines = _Lines(data)
    try:
        pos = skip_space(data, 3 if data.startswith(_BOM) else 0)
        if under is not None:
            if byte_at(data, pos) != b"{":
                return None
            pos = skip_space(data, pos + 1)
            if byte_at(data, pos) == b"}":
                return None
            while True:
                name, value = object_key(data, pos)
                if name == under and byte_at(data, value) in (b"[", b"{"):
                    pos = value
                    break
                pos, closed = after_value(data, value_end(data, value), b"}")
                if closed:
                    return None
        opener = byte_at(data, pos)
        if opener not in (b"[", b"{"):
            return None
        closing = b"]" if opener == b"[" else b"}"
        starts: list[int] = []
        keys: dict[str, int] = {}
        pos = skip_space(data, pos + 1)
        if byte_at(data, pos) == closing:
            return starts, keys
        try:
            while True:
                line = lines.line_of(pos)
                starts.append(line)
                if opener == b"{":
                    key, pos = object_key(data, pos)
                    keys[key] = line
                pos, closed = after_value(data, value_end(data, pos), closing)
                if closed:
                    return starts, keys
        except BrokenJson:
            # cut inside its container (an Inspect .json log cut while written, read as far
            # as it goes): the entries that start before the cut
            return starts, keys
    except BrokenJson:
        return None


def at_entry_lines(
    errors: Sequence[LoadError], path: Path, keys: Sequence[str] | None, under: str | None = None
) -> list[LoadError]:
    """Errors of a document's entries told at the line of the file where each entry starts.

    A container reader numbers its entries (``line`` = the entry's number, 1-based, in the
    reader's order: its rows keep that number, which its records export reads by); a user
    opening ``log.json:7`` at line 7 lands in the log's header, not on the 7th sample. ``keys``:
    the key of each entry in that order, for an object; None for a list (its entries in file
    order). An entry whose line cannot be found (the file changed since it was read) is told
    with its number and no line."""
    if not any(error.line is not None for error in errors):
        return list(errors)
    try:
        found = entry_lines(path.read_bytes(), under)
    except OSError:
        found = None
    starts, by_key = found if found is not None else ([], {})
    moved: list[LoadError] = []
    for error in errors:
        number = error.line
        line: int | None = None
        if number is not None and number > 0:
            if keys is None:
                line = starts[number - 1] if number <= len(starts) else None
            elif number <= len(keys):
                line = by_key.get(keys[number - 1])
        if number is None or line is not None:
            moved.append(LoadError(error.source, line, error.reason))
        else:
            moved.append(LoadError(error.source, None, f"entry {number}: {error.reason}"))
    return moved
