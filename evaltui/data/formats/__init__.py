"""Format readers and detection. Each reader module turns one kind of file into generation rows.

To add a format: write a :class:`~evaltui.data.formats.base.Reader` subclass in its own module and
add an instance to :data:`READERS`. Detection asks every reader's ``sniff`` and takes the most
confident; ties go to the earlier reader in the list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from evaltui.data.formats.base import (
    HEAD_BYTES,
    Reader,
    ReadOptions,
    ReadResult,
    Window,
    json_error,
)
from evaltui.data.formats.fastchat import FastChatJudgeReader
from evaltui.data.formats.inspect_ai import InspectReader
from evaltui.data.formats.internbootcamp import InternBootcampEvalReader, InternBootcampReader
from evaltui.data.formats.lighteval import LightevalReader
from evaltui.data.formats.lm_eval import LmEvalReader
from evaltui.data.formats.lm_eval_write_out import LmEvalWriteOutReader
from evaltui.data.formats.opencompass import AISBenchReader, OpenCompassReader
from evaltui.data.formats.plain import (
    GEN_FIELDS,
    GENERIC_GUESS,
    HEAD_RECORDS,
    PROMPT_FIELDS,
    PlainReader,
    first_record,
    iter_lines,
    unbatched,
)
from evaltui.data.formats.plain_document import PlainDocumentReader, head_records
from evaltui.data.formats.plain_parquet import PlainParquetReader
from evaltui.data.formats.plain_wandb import PlainWandbTableReader, head_table
from evaltui.data.formats.qwen_math import QwenMathReader
from evaltui.data.formats.skythought import SkyThoughtReader
from evaltui.data.marks import is_manifest, written_by_evaltui
from evaltui.data.sanitize import name_line
from evaltui.data.wording import plural

__all__ = [
    "READERS",
    "Detection",
    "ReadOptions",
    "ReadResult",
    "Reader",
    "Window",
    "detect",
    "get_reader",
]

#: Every reader, most specific first (the generic plain readers are the fallback, last).
READERS: list[Reader] = [
    InspectReader(),
    LightevalReader(),
    LmEvalReader(),
    LmEvalWriteOutReader(),
    SkyThoughtReader(),
    InternBootcampReader(),
    InternBootcampEvalReader(),
    AISBenchReader(),
    OpenCompassReader(),
    QwenMathReader(),
    FastChatJudgeReader(),
    PlainReader(),
    PlainDocumentReader(),
    PlainParquetReader(),
    PlainWandbTableReader(),
]


#: Compressed files' magic bytes and the command that decompresses them.
COMPRESSED = (
    (b"\x1f\x8b", "gzip", "gunzip"),
    (b"\x28\xb5\x2f\xfd", "zstd", "unzstd"),
    (b"BZh", "bzip2", "bunzip2"),
    (b"\xfd7zXZ\x00", "xz", "unxz"),
)
#: What compressed copies of text samples files are named: listed by directory scans, so that
#: they are reported (compressed, not read) rather than left out without a word.
COMPRESSED_SUFFIXES = (".gz", ".zst")


#: Every extension some reader accepts (for directory scans without a pattern), and the
#: compressed forms of the text ones.
def known_extensions() -> tuple[str, ...]:
    plain = {ext for r in READERS for ext in r.extensions}
    text = [ext for ext in plain if ext in (".jsonl", ".json")]
    return tuple(sorted(plain | {ext + c for ext in text for c in COMPRESSED_SUFFIXES}))


@dataclass(frozen=True, slots=True)
class Detection:
    """What detection decided for one file."""

    reader: Reader | None
    """The reader to use; None when the file is skipped."""
    companion: bool = False
    """True when a reader recognised the file as a non-sample companion (config, results, log)."""
    reason: str = ""
    """Why the file is skipped (when ``reader`` is None)."""


def read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


#: How far past the head detection reads to take whole the first records of JSON lines that are
#: longer than the head (a 6 KB prompt and a 100 KB reasoning trace per line): their keys are then
#: read wherever in the line they fall, rather than guessed from the line's first bytes.
FIRST_LINES_BYTES = 8 << 20

#: How many lines past the head detection reads at most (readers judge a file by its first
#: ``HEAD_RECORDS`` lines: a long bad line followed by a million short ones is not read on).
MORE_LINES = 4 * HEAD_RECORDS

#: How many whole JSON lines detection wants in the head (a header or a malformed line first must
#: not leave it without a record).
WANTED_LINES = 2


def _json_lines(head: bytes) -> int:
    """How many of ``head``'s complete lines are JSON (up to :data:`WANTED_LINES`)."""
    count = 0
    for _no, _offset, raw, has_newline in iter_lines(head):
        if not has_newline:
            break
        if raw.strip() and _is_json(raw):
            count += 1
            if count >= WANTED_LINES:
                break
    return count


def _is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return True


#: What a blank line holds (a byte-order mark at the start of the file too).
_BLANK = b"\xef\xbb\xbf \t\r\n"


def _blank_reason(path: Path) -> str:
    """Why a file whose head is blank is skipped: "empty file" only when it has no byte; a file
    of blank lines says how many (it read "empty file", as if it had nothing at all: a writer
    that wrote newlines alone is worth knowing); one whose blank start is longer than the head
    detection judges says where its first content is. Read in chunks, never held whole."""
    lines = size = 0
    last = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                content = chunk.strip(_BLANK)
                if content:
                    first = lines + chunk[: chunk.index(content[:1])].count(b"\n") + 1
                    return (
                        f"{plural(first - 1, 'blank line')} before its first content (line"
                        f" {first:,}), more than {HEAD_BYTES // 1024} KiB: no reader recognises"
                        " the file by its start"
                    )
                lines += chunk.count(b"\n")
                size += len(chunk)
                last = chunk[-1:]
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if size == 0:
        return "empty file"
    if last != b"\n":
        lines += 1  # a last line without its newline
    return f"{plural(lines, 'blank line')}, no record"


def detection_head(path: Path) -> bytes:
    """The bytes detection judges ``path`` by: its first :data:`HEAD_BYTES`, and for JSON lines
    whose head holds fewer than :data:`WANTED_LINES` whole JSON lines (records longer than the
    head), the lines that follow until it does, up to :data:`FIRST_LINES_BYTES` and
    :data:`MORE_LINES` more. Cheap: files of short lines, pretty-printed JSON documents (a ``{``
    alone on the first line) and every other file are read no further than the head."""
    with path.open("rb") as handle:
        return _read_head(handle)


def _read_head(handle: BinaryIO) -> bytes:
    """:func:`detection_head` of what ``handle`` reads from where it stands."""
    head = handle.read(HEAD_BYTES)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = text[: text.find(b"\n")].strip()
    if len(head) < HEAD_BYTES or not first.startswith(b"{") or first == b"{":
        return head
    found = _json_lines(head)
    more = bytearray(head)
    budget, lines = FIRST_LINES_BYTES, MORE_LINES
    while found < WANTED_LINES and budget > 0 and lines > 0:
        lines -= 1
        rest = handle.readline(budget)  # the rest of the line the head cut, then the next
        if not rest:
            if not more.endswith(b"\n"):
                more += b"\n"  # the file's last line is whole: its end is the file's
            break
        budget -= len(rest)
        start = len(more)
        more += rest
        if rest.endswith(b"\n"):
            line = bytes(more[more.rfind(b"\n", 0, start) + 1 :])
            if line.strip() and _is_json(line):
                found += 1
    return bytes(more)


#: How far past what :func:`detection_head` reads detection looks for the end of a first line
#: longer than that (a 20 MB record: an inlined image, a long context), in chunks of
#: :data:`SKIP_CHUNK` never held together, to judge the file by the lines after it.
SKIP_LINE_BYTES = 256 << 20
SKIP_CHUNK = 1 << 20


def lines_after_first(path: Path, start: int) -> bytes | None:
    """:func:`detection_head` of the lines after ``path``'s first line, which runs past ``start``
    (the end of what detection read of it); None when the line does not end within
    :data:`SKIP_LINE_BYTES` more, or nothing but blank lines follows it."""
    with path.open("rb") as handle:
        handle.seek(start)
        skipped = 0
        while skipped < SKIP_LINE_BYTES:
            chunk = handle.read(SKIP_CHUNK)
            if not chunk:
                return None
            end = chunk.find(b"\n")
            if end >= 0:
                handle.seek(start + skipped + end + 1)
                after = _read_head(handle)
                return after if after.strip() else None
            skipped += len(chunk)
    return None


LFS_POINTER = re.compile(rb"\Aversion https://git-lfs\.github\.com/spec/v\d+\n(?:.*\n)*?size (\d+)")


def _lfs_pointer(head: bytes) -> str | None:
    """Why a Git LFS pointer (a clone without ``git lfs pull``) is not read, or None."""
    match = LFS_POINTER.match(head[:1024])
    if match is None:
        return None
    return (
        f"a Git LFS pointer to a {int(match.group(1)):,}-byte file, not the file itself "
        "(fetch it with git lfs pull)"
    )


def _utf16(head: bytes) -> str | None:
    """Why a UTF-16 text file (its byte-order mark first: Windows PowerShell's ``>`` writes
    them) is not read, or None. Every format here is UTF-8."""
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    return (
        "UTF-16 text (it starts with a UTF-16 byte-order mark); these formats are UTF-8: convert"
        " it (iconv -f UTF-16 -t UTF-8)"
    )


def _compressed(head: bytes, path: Path) -> str | None:
    """Why a compressed file (published samples are often gzipped) is not read, or None."""
    for magic, kind, command in COMPRESSED:
        if head.startswith(magic) and not (kind == "bzip2" and head[3:4] not in b"123456789"):
            return (
                f"{kind}-compressed, not read (evaltui reads its input files more than once, at"
                f" byte offsets): decompress it first ({command} {name_line(path.name, 80)})"
            )
    return None


def get_reader(name: str) -> Reader:
    """The reader called ``name``; ValueError listing the names when there is none."""
    for reader in READERS:
        if reader.name == name:
            return reader
    names = ", ".join(r.name for r in READERS)
    raise ValueError(f"unknown format {name!r} (known: {names})")


def detect(
    path: Path,
    forced: str | None = None,
    options: ReadOptions | None = None,
    named: bool = False,
) -> Detection:
    """Pick the reader for ``path``: content first, path hints second.

    ``forced`` (``--format``) reads every file with that reader except the companions (config,
    results, metrics files) that its own detection does not claim. Field flags (``--prompt-field``,
    …, in ``options``) imply the plain reader for JSON files no other reader recognises. Files
    evaltui itself wrote are never read as eval data, whatever the flags, except an export of
    original records ``named`` directly as an input (it is the input's own records).
    """
    reader = get_reader(forced) if forced is not None else None
    if is_manifest(path):
        return Detection(None, companion=True, reason="evaltui export manifest")
    try:
        head = detection_head(path)
    except OSError as exc:
        return Detection(None, reason=f"cannot read: {exc.strerror or exc}")
    own = written_by_evaltui(path, head, named)
    if own is not None:
        return Detection(None, reason=own)
    if not head.strip(_BLANK):
        return Detection(None, reason=_blank_reason(path))
    lfs = _lfs_pointer(head)
    if lfs is not None:
        return Detection(None, reason=lfs)
    utf16 = _utf16(head)
    if utf16 is not None:
        return Detection(None, reason=utf16)
    compressed = _compressed(head, path)
    if compressed is not None:
        return Detection(None, reason=compressed)
    suffix = "".join(path.suffixes[-1:]).lower()
    if reader is not None and reader.name == "plain" and _objects(head) is not None:
        reader = get_reader("plain_document")  # --format plain on one JSON document of records
    if reader is not None and reader.name == "plain" and head.startswith(b"PAR1"):
        reader = get_reader("plain_parquet")  # --format plain on a table of records
    if reader is not None and reader.name == "plain" and head_table(head) is not None:
        reader = get_reader("plain_wandb_table")  # --format plain on a wandb table
    if reader is not None:
        if _sniff(reader, path, head) > 0 or _companion(path, head) is None:
            return Detection(reader)
        return Detection(None, companion=True, reason=_companion(path, head) or "")
    best = _best(path, head, suffix)
    if best is not None:
        # A format that knows the file for its own companion (AISBench's --mode perf timings,
        # which have a prompt and a prediction) beats the plain reader's generic guess.
        if _sniff(best, path, head) <= GENERIC_GUESS:
            claimed = _companion(path, head)
            if claimed is not None:
                return Detection(None, companion=True, reason=claimed)
        return Detection(best)
    companion = _companion(path, head)
    if companion is not None:
        return Detection(None, companion=True, reason=companion)
    # JSON lines whose head is mostly not samples (a header line, bad lines): a file is claimed
    # when any of its first lines, alone, is a sample some reader recognises.
    for _no, _offset, raw, has_newline in iter_lines(head):
        if _no > HEAD_RECORDS:
            break
        if has_newline and raw.strip():
            best = _best(path, raw + b"\n", suffix)
            # (a line alone is one JSON document: not what makes the file one)
            if best is not None and not isinstance(best, PlainDocumentReader):
                return Detection(best)
    plain = get_reader("plain")
    if options is not None and options.fields_given() and head.startswith(b"PAR1"):
        return Detection(get_reader("plain_parquet"))  # the fields of a table's rows
    if options is not None and options.fields_given() and head_table(head) is not None:
        return Detection(get_reader("plain_wandb_table"))  # the fields of a wandb table's rows
    if options is not None and options.fields_given() and suffix in plain.extensions:
        # the field flags name the fields of records in JSON lines, or in one JSON document
        return Detection(plain if _objects(head) is None else get_reader("plain_document"))
    if _long_line_hint(head):
        # A first line longer than all detection reads of it (a 20 MB record): the file is
        # judged by the lines after it, the line skipped in chunks, never held whole.
        after = lines_after_first(path, len(head))
        best = None if after is None else _best(path, after, suffix)
        if best is not None and not isinstance(best, PlainDocumentReader):
            return Detection(best)
    broken = _unreadable_parquet(path, head)
    if broken:
        return Detection(None, reason=broken)
    misnamed = _suffix_hint(path, head, suffix)
    if misnamed:
        return Detection(None, reason="no reader recognises this file" + misnamed)
    document = _document_hint(head)
    if document:
        return Detection(None, reason="no reader recognises this file" + document)
    no_json = _no_json_line(head) if suffix == ".jsonl" else None
    if no_json is not None:
        return Detection(None, reason=no_json)
    lone = (
        _table_hint(head)
        or _batch_dump_hint(head)
        or (_lone_object_hint(head) if suffix == ".json" else "")
    )
    hint = lone or _fields_hint(head) or _long_line_hint(head)
    return Detection(None, reason="no reader recognises this file" + hint)


def _unreadable_parquet(path: Path, head: bytes) -> str:
    """For a parquet file no reader recognises because it cannot be read at all (cut short by
    an interrupted copy or a killed writer: its footer is gone): that it is unreadable, and
    why. Every parquet reader's detection reads the footer and passes on a failure, so such a
    file was skipped as "no reader recognises this file", as of a file of another kind. ""
    when ``head`` is not a parquet file's, or its schema reads (a table of other columns)."""
    if not head.startswith(b"PAR1"):
        return ""
    import pyarrow.parquet as pq

    try:
        pq.read_schema(path)
    except Exception as exc:  # whatever pyarrow says of a damaged file is told
        return f"not a readable parquet file (cut short?): {exc}"
    return ""


def _long_line_hint(head: bytes) -> str:
    """For a file whose first line is longer than all detection reads of it (a record of 20 MB:
    a long context, an image inlined as base64): that this is why, and how to read it anyway.
    It said only "no reader recognises this file", as of a file of another kind. "" when
    ``head`` holds a whole line, or is not as long as detection reads."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\n" in text or len(head) < HEAD_BYTES + FIRST_LINES_BYTES:
        return ""
    read = (HEAD_BYTES + FIRST_LINES_BYTES) / (1 << 20)
    return (
        f" (its first line is longer than the {read:.0f} MB detection reads of it: name its"
        " reader with --format, e.g. --format plain, or its fields with --prompt-field,"
        " --gen-field, --answer-field, --score-field)"
    )


def _objects(head: bytes) -> list[object] | None:
    """The first records of one JSON document holding a list of objects (a list, or an object
    holding one), whatever their fields; None when ``head`` is not such a document."""
    return head_records(head, lambda record: isinstance(record, dict))


def _no_json_line(head: bytes) -> str | None:
    """For JSON lines of which no complete line in ``head`` is JSON (a file of bad lines, not an
    unknown format): how many and the first one's fault; None when one is JSON."""
    whole = len(head) < HEAD_BYTES  # else the last line may be cut: not judged
    lines, first = 0, ""
    for number, _offset, raw, has_newline in iter_lines(head):
        if number > HEAD_RECORDS or not (has_newline or whole):
            whole = False
            break
        if not raw.strip():
            continue
        try:
            json.loads(raw)
        except (ValueError, RecursionError) as exc:
            lines += 1
            if not first:
                where = (
                    json_error(exc.msg, exc.colno)
                    if isinstance(exc, json.JSONDecodeError)
                    else "nested too deep"
                    if isinstance(exc, RecursionError)
                    else "not UTF-8"
                )
                first = f"line {number}: {where}"
            continue
        return None
    if not lines:
        return None
    return f"none of its {'' if whole else 'first '}{lines} lines is valid JSON ({first})"


def _fields_hint(head: bytes) -> str:
    """For JSON lines no reader recognises: the first record's keys, and the flags that name
    the fields (samples with their own field names are read as plain JSONL that way)."""
    for no, _offset, raw, has_newline in iter_lines(head):
        if no > HEAD_RECORDS or not has_newline:
            break
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
            continue
        if isinstance(record, dict) and record:
            keys = [name_line(str(key), 40) for key in list(record)[:8]]
            more = ", …" if len(record) > 8 else ""
            if any(k in record for k in PROMPT_FIELDS) and not any(k in record for k in GEN_FIELDS):
                # A test set's questions (the input of InternBootcamp's run_eval.py, of a
                # SkyThought task): naming fields gives nothing to read without the output.
                return (
                    f" (its first record's keys: {', '.join(keys)}{more}: a prompt but no"
                    " generation, as a test set's questions are; a field holding the model's"
                    " output is named with --gen-field)"
                )
            if _numbers_only(record):
                return f" (its first record's keys: {', '.join(keys)}{more}{NUMBERS_ONLY})"
            return (
                f" (its first record's keys: {', '.join(keys)}{more}; name the fields with"
                " --prompt-field, --gen-field, --answer-field, --score-field)"
            )
        break
    return ""


#: Why records of numbers alone are skipped: no field could be a prompt or a generation.
NUMBERS_ONLY = (
    ": numbers only, no text, as a training or metrics log writes (a trainer's log_history, a"
    " metrics.jsonl of loss and reward per step): no samples to read"
)


def _numbers_only(record: dict[str, object]) -> bool:
    """Whether a record holds no text at all (every value a number, a boolean or null): a
    metrics log's record, where naming fields would find no prompt or generation to read."""
    return all(value is None or isinstance(value, int | float) for value in record.values())


def _batch_dump_hint(head: bytes) -> str:
    """For NeMo-RL's training batch dumps (``train_data_step{N}.jsonl``: ``grpo_train`` logs the
    flattened batch, ``content`` each turn's text without its role, beside ``token_ids`` and
    ``advantages``): what is missing, and which of its files hold it. It said "name the fields
    with --prompt-field, …", which cannot tell the prompt from the model's turn. "" for any
    other file."""
    record = unbatched(first_record(head))
    if not isinstance(record, dict) or not {"content", "token_ids", "advantages"} <= set(record):
        return ""
    content = record["content"]
    if not isinstance(content, list) or not all(isinstance(turn, str) for turn in content):
        return ""
    return (
        " (NeMo-RL's training batch dump: its 'content' is each turn's text without its role,"
        " so which is the prompt and which the model's reply is not in the file; its"
        " val_data_step*.jsonl files, the validation rollouts with their turns' roles, are read)"
    )


def _table_hint(head: bytes) -> str:
    """For a wandb table file (``{"columns", "data"}``) whose columns hold no prompt and
    generation under names evaltui knows (OpenRLHF's ``generated_samples``: ``global_step``,
    ``text``, ``reward``, the prompt and the response one ``text``): its columns, and the flags
    that name them. It was called "one JSON object, not per-sample records"; "" for any other
    file."""
    table = head_table(head)
    if table is None:
        return ""
    columns = [name_line(column, 40) for column in table[0][:8]]
    more = ", …" if len(table[0]) > 8 else ""
    return (
        f" (a wandb table, a row per sample, of columns {', '.join(columns)}{more}: none holds a"
        " prompt or none a generation under a name evaltui knows; name them with"
        " --prompt-field, --gen-field, --answer-field, --score-field)"
    )


def _lone_object_hint(head: bytes) -> str:
    """For a whole ``.json`` file that is one object with no prompt or generation field (a run's
    config.json, a results file of scores beside the samples): that it holds no samples, and its
    keys. Naming fields would read nothing from it, so the field flags are not offered. "" when
    the file is longer than ``head``, not such an object, or holds a prompt or generation field."""
    if len(head) >= HEAD_BYTES:
        return ""
    try:
        document = json.loads(head.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return ""
    if not isinstance(document, dict) or not document:
        return ""
    if any(key in document for key in (*PROMPT_FIELDS, *GEN_FIELDS)):
        return ""
    keys = [name_line(str(key), 40) for key in list(document)[:8]]
    more = ", …" if len(document) > 8 else ""
    return f" (one JSON object, not per-sample records; its keys: {', '.join(keys)}{more})"


def _document_hint(head: bytes) -> str:
    """For one JSON document of records no reader recognises (a pretty-printed list of records,
    ``{"accuracy": …, "results": [records]}``, as eval scripts ``json.dump(…, indent=4)``): the
    first record's keys, and the flags that name its fields (then read as plain records). ""
    when the head is not such a document."""
    records = _objects(head)
    if not records or not isinstance(records[0], dict):
        return ""
    first = records[0]
    keys = [name_line(str(key), 40) for key in list(first)[:8]]
    more = ", …" if len(first) > 8 else ""
    if _numbers_only(first):
        return (
            f" (one JSON document of records; its first record's keys: {', '.join(keys)}{more}"
            f"{NUMBERS_ONLY})"
        )
    return (
        f" (one JSON document of records; its first record's keys: {', '.join(keys)}{more};"
        " name the fields with --prompt-field, --gen-field, --answer-field, --score-field)"
    )


def _suffix_hint(path: Path, head: bytes, suffix: str) -> str:
    """For a file no reader takes by its name: which reader its content is, under which
    suffix (``evaltui export … --as records -o - > hard.txt`` is plain JSONL named .txt: the
    message asked to name its fields, which are plain JSONL's own); "" when none."""
    best: tuple[int, str, str] | None = None
    for candidate in READERS:
        for extension in candidate.extensions:
            if extension == suffix:
                continue
            renamed = path.with_name(f"{path.stem if suffix else path.name}{extension}")
            score = _sniff(candidate, renamed, head)
            if score > 0 and (best is None or score > best[0]):
                best = (score, candidate.name, extension)
    if best is None:
        return ""
    _score, name, extension = best
    return (
        f" by its name: its content reads as {name}, whose files end in {extension} (rename"
        f" it, or give --format {name})"
    )


def _best(path: Path, head: bytes, suffix: str) -> Reader | None:
    """The reader most confident that ``head`` is its samples (ties: the earlier); None if none."""
    best: Reader | None = None
    best_score = 0
    for candidate in READERS:
        if candidate.extensions and suffix not in candidate.extensions:
            continue
        score = _sniff(candidate, path, head)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _sniff(reader: Reader, path: Path, head: bytes) -> int:
    """``reader.sniff``; a detector that fails on odd content just does not claim the file.

    Detection runs before any reader and for every file: an exception here must never end the
    load (the file would still be reported, as not recognised, if no reader claims it).
    """
    try:
        return reader.sniff(path, head)
    except Exception:
        return 0


def _companion(path: Path, head: bytes) -> str | None:
    """Why ``path`` is a companion file of some format (skipped quietly); None when it is not."""
    for reader in READERS:
        try:
            claimed = reader.companion(path, head)
        except Exception:  # as in _sniff: not this reader's companion
            claimed = False
        if claimed:
            return f"{reader.name} companion file (no samples)"
    return None
