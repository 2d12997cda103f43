"""A reader's JSON and its column lists: read fast, read the same.

``parse_json`` reads a line with orjson and takes its value only where it is ``json``'s (any
other text, and a value with an integer beyond 64 bits, is ``json``'s to read); ``Rows`` keeps
lists only of the columns its rows gave a value, and its frame is the one a list per column made.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import orjson
import polars as pl
import pytest

from evaltui.data.formats import base
from evaltui.data.formats.base import ALIASES, SHORT_REPLIES, EntryError, Rows, parse_json
from evaltui.data.schema import READER_COLUMNS


def _typed(value: Any) -> Any:
    """``value`` with each number's type beside it (1 and 1.0 and True differ; NaN equals NaN)
    and each dict's keys in order."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    return (type(value).__name__, value)


def _outcome(read: Any, text: str) -> tuple[str, Any]:
    try:
        return "value", _typed(read(text))
    except json.JSONDecodeError as exc:
        return "syntax", (exc.msg, exc.lineno, exc.colno)
    except (EntryError, RecursionError, ValueError) as exc:
        return "entry", str(exc)


def _old_parse_json(text: str) -> Any:
    """The reading before orjson: ``json`` alone, its failures worded as parse_json words them."""
    try:
        return json.JSONDecoder().decode(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise EntryError("JSON nested too deeply to read (about 1,000 levels at most)") from None
    except ValueError as exc:
        if "digits" in str(exc):
            raise EntryError("integer too long to read (more than 4,300 digits)") from None
        raise EntryError(f"unreadable JSON value: {exc}") from None


TRICKY_TEXTS = [
    "",
    "é 中文 日本語 한국어 🙂👍🏽 \u200b\u202e",
    "\\u0000 NUL",
    "\x01\x02\x1b[31m control",
    "\\boxed{42}\n\t\r",
    "x" * 200_000,
]
TRICKY_LINES = [
    *(json.dumps({"prompt": t, "gen": t, "answer": t, "accuracy": 1.0}) for t in TRICKY_TEXTS),
    *(json.dumps({"prompt": t}, ensure_ascii=False) for t in TRICKY_TEXTS),
    '{"prompt": null, "gen": [], "answer": {}, "accuracy": null}',
    '{"a": 1, "b": 2, "a": 3}',  # a repeated key: the last value, the first place
    '{"accuracy": NaN}',
    '{"accuracy": Infinity, "reward": -Infinity}',
    '{"gen": "\\ud800 lone"}',
    '{"gen": "\\udc00\\ud800"}',
    '{"gen": "\\ud83d\\ude00 pair"}',
    '{"x": "raw \x01 control"}',
    '{"x": "tab\tinside"}',
    ' \t{"a": 1}\r\n ',
    '\x0c{"a": 1}',
    '{"a": 1,}',
    '{"a": 1} {"b": 2}',
    '{"a": tru}',
    '{"a": "unterminated',
    "[1, 2",
    "42",
    '"just text"',
    "null",
    "-0",
    "-0.0",
    "0.1",
    "1e400",
    "-1e400",
    "1.7976931348623157e308",
    "1.7976931348623157e309",
    "4.9e-324",
    "2.4703282292062327e-324",
    "1e-400",
    "1E19",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    '{"ids": [1, 2, 99999999999999999999999, 3]}',
    '{"deep": [[[{"n": -99999999999999999999}]]]}',
    "9" * 5000,
    "[" * 1100 + "]" * 1100,
    "[" * 1000 + "]" * 1000,
    "[" * 990 + "]" * 990,
    "[" * 200 + "]" * 200,
    "[" * 201 + "]" * 201,
    '{"a": ' * 600 + "1" + "}" * 600,
    "01",
    "1.",
    ".5",
    "+1",
    "0x10",
    '{"a": 1e5, "b": 1E+5, "c": 1e-5, "d": 12.50}',
    '{"é": "é", "中": ["文", {"🙂": null}]}',
    '{"": ""}',
    "\ufeff{}",
]


@pytest.mark.parametrize("text", TRICKY_LINES, ids=range(len(TRICKY_LINES)))
def test_a_tricky_line_reads_as_json_reads_it(text: str) -> None:
    assert _outcome(parse_json, text) == _outcome(_old_parse_json, text)


def test_random_numbers_read_as_json_reads_them() -> None:
    rng = random.Random(13)
    texts = []
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 30)))
        sign = rng.choice(["", "-"])
        fraction = rng.choice(["", "." + str(rng.randint(0, 10 ** rng.randint(1, 20)))])
        exponent = rng.choice(["", f"e{rng.randint(-330, 330)}", f"E+{rng.randint(0, 30)}"])
        texts.append(f"{sign}{digits}{fraction}{exponent}")
        texts.append(repr(rng.uniform(-1e6, 1e6)))
        texts.append(repr(rng.getrandbits(rng.randint(1, 80)) * rng.choice([1, -1])))
        texts.append(repr(math.ldexp(rng.random(), rng.randint(-1074, 1023))))
    for text in texts:
        line = f'{{"accuracy": {text}, "ids": [{text}, 1]}}'
        assert _outcome(parse_json, line) == _outcome(_old_parse_json, line), line


def test_a_plain_line_is_read_by_orjson(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """The fast reading is the one taken (each followed 1 MB of lines was ~1.2 ms of ``json``),
    a JSON-lines file's line read from its bytes (no text decoded for it)."""
    from evaltui.data.formats.plain import parse_json_lines

    calls: list[Any] = []
    loads = orjson.loads

    def counted(raw: Any) -> Any:
        calls.append(raw)
        return loads(raw)

    monkeypatch.setattr(base.orjson, "loads", counted)
    line = '{"prompt": "2+2", "gen": "so \\\\boxed{4}", "answer": "4", "accuracy": 1.0}'
    record = {"prompt": "2+2", "gen": "so \\boxed{4}", "answer": "4", "accuracy": 1.0}
    assert parse_json(line) == record
    assert calls == [line]
    path = tmp_path / "a.jsonl"
    path.write_text(f"{line}\n{line}\n")
    parsed, errors, notes = parse_json_lines(path, "a.jsonl")
    assert [value for _, _, value in parsed] == [record, record] and not errors and not notes
    assert calls[1:] == [line.encode(), line.encode()]


# --- Rows -------------------------------------------------------------------------------------

_VALUES: dict[str, list[Any]] = {
    "run": ["r", "r · step 1"],
    "source": ["a.jsonl"],
    "line": [1, 2, 10**6],
    "offset": [0, 123],
    "prompt_id": ["p1", "p2"],
    "prompt": ["q", "", "中文 🙂", "\x00nul"],
    "answer": ["4", ""],
    "gen": ["g", "", "x" * 1000],
    "accuracy": [0.0, 1.0, 0.5, -1.0, math.nan, True],
    "extracted": ["4", "", "  "],
    "truncated": [True, False],
    "prompt_score": [0.25],
    "metric": ["f1"],
    "higher_is_better": [True, False],
    "sample": [0, 3],
    "answer_unknown": [True],
    ALIASES: [["a", "b"], ["A"], []],
    SHORT_REPLIES: [True, False],
}


class _ListRows:
    """The column lists as kept before: every column's list, a value (or None) per row."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {
            name: [] for name in (*READER_COLUMNS, ALIASES, SHORT_REPLIES)
        }

    def add(self, **values: Any) -> None:
        for name, column in self.columns.items():
            column.append(values.get(name))

    def truncate(self, height: int) -> None:
        for column in self.columns.values():
            del column[height:]


def test_rows_make_the_frame_a_list_per_column_made() -> None:
    rng = random.Random(7)
    names = [name for name in _VALUES if name in READER_COLUMNS or name in (ALIASES, SHORT_REPLIES)]
    for _ in range(300):
        rows, lists = Rows(), _ListRows()
        # each trial names a few columns, some of them only on some rows or as None
        named = rng.sample(names, rng.randint(1, len(names)))
        for _ in range(rng.randint(0, 12)):
            values = {
                name: rng.choice([None, *_VALUES[name]]) for name in named if rng.random() < 0.7
            }
            rows.add(**values)
            lists.add(**values)
            if rng.random() < 0.15:
                cut = rng.randint(0, len(lists.columns["run"]))
                rows.truncate(cut)
                lists.truncate(cut)
            assert rows.height == len(lists.columns["run"])
        want = base.frame_from_rows(lists.columns)
        got = rows.frame()
        assert got.schema == want.schema
        assert got.equals(want, null_equal=True), (named, got, want)
        said = lists.columns[SHORT_REPLIES]
        expected = (
            None
            if all(v is None for v in said)
            else [bool(v) if v is not None else True for v in said]
        )
        assert rows.short_replies(True) == expected


def test_rows_keep_no_list_for_a_column_no_row_gave() -> None:
    """A reader names every column on every row (most of them None in most files): a column no
    row gave a value holds no list and is no Series of nulls made from one."""
    rows = Rows()
    for line in range(3):
        rows.add(
            run="r",
            source="a.jsonl",
            line=line,
            prompt_id="p",
            prompt="q",
            gen="g",
            accuracy=None,
            extracted=None,
            truncated=None,
            metric=None,
            reference_aliases=None,
        )
    assert "extracted" not in rows.columns
    assert "accuracy" not in rows.columns
    assert ALIASES not in rows.columns
    frame = rows.frame()
    assert frame.height == 3
    assert frame.get_column("accuracy").null_count() == 3
    assert frame.get_column("extracted").dtype == pl.String()


def test_rows_say_which_columns_are_unknown() -> None:
    with pytest.raises(TypeError, match="not generation columns: colour"):
        Rows().add(run="r", colour="red")


def test_an_entry_that_fails_is_its_own_error_and_its_rows_are_taken_back() -> None:
    rows, errors = Rows(), []
    with rows.entry(errors, "a.jsonl", 1):
        rows.add(run="r", gen="kept")
    for line, failure in ((2, ValueError("no gen")), (3, StopIteration()), (4, KeyError("x"))):
        with rows.entry(errors, "a.jsonl", line):
            rows.add(run="r", gen="taken back")
            raise failure
    with rows.entry(errors, "a.jsonl", 5):
        pass  # nothing came of it, and nothing said why
    with pytest.raises(KeyboardInterrupt), rows.entry(errors, "a.jsonl", 6):
        rows.add(run="r", gen="interrupted")
        raise KeyboardInterrupt
    assert rows.height == 2
    assert rows.frame().get_column("gen").to_list() == ["kept", "interrupted"]
    assert [(e.line, e.reason) for e in errors] == [
        (2, base.describe_failure(ValueError("no gen"))),
        (3, base.describe_failure(StopIteration())),
        (4, base.describe_failure(KeyError("x"))),
        (5, "no generation in this entry"),
    ]


_PIECES = [
    b"a",
    b" ",
    b"\\n",
    b"\\\\",
    b'\\"',
    b"\\u00e9",
    b"\\ud83d\\ude00",
    b"\\ud800",
    b"\\udfff",
    b"\\u0000",
    b"\x00",
    b"\x01",
    b"\x7f",
    b"\t",
    "é".encode(),
    "中".encode(),
    "🙂".encode(),
    "\ufffe".encode(),
    "\U0010ffff".encode(),
    b"\xc3",  # a sequence cut short
    b"\xe4\xb8",
    b"\xf0\x9f\x99",
    b"\x80",  # a lone continuation byte
    b"\xbf",
    b"\xc0\xaf",  # overlong
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",  # a surrogate, encoded
    b"\xed\xbf\xbf",
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xf5",
    b"\xff",
    b"\xef\xbb\xbf",  # a BOM inside the text
]


def _old_lines(data: bytes) -> tuple[list[tuple[int, int, Any]], list[str], list[str]]:
    """The JSON-lines reading before orjson: each line decoded, then read by ``json``."""
    from evaltui.data.formats.plain import TRUNCATED_LAST_LINE, decode_line, line_spans, nul_run

    values, errors, bad = [], [], []
    for line_no, start, end, has_newline in line_spans(data):
        nuls = nul_run(data, start, end)
        if nuls is not None:
            errors.append(f"{line_no}: {nuls}")
            continue
        raw = data[start:end].rstrip(b"\r")
        if not raw.strip():
            continue
        text, valid = decode_line(raw)
        if not valid:
            bad.append(line_no)
        try:
            values.append((line_no, start, _typed(_old_parse_json(text))))
        except json.JSONDecodeError as exc:
            where = base.json_error(exc.msg, exc.colno)
            reason = (
                f"{TRUNCATED_LAST_LINE}: {where}" if not has_newline else f"not valid JSON: {where}"
            )
            errors.append(f"{line_no}: {reason}")
        except EntryError as exc:
            errors.append(f"{line_no}: {exc}")
    return values, errors, bad


def test_json_lines_of_any_bytes_read_as_before(tmp_path: Any) -> None:
    """A line's bytes go to orjson undecoded: what it reads is what decoding them and ``json``
    read (invalid UTF-8 stays ``json``'s, shown as U+FFFD and noted)."""
    from evaltui.data.formats.plain import parse_json_lines

    rng = random.Random(11)
    lines = []
    for _ in range(2000):
        text = b"".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 6)))
        shape = rng.choice([b'{"gen": "%s", "accuracy": 1}', b'["%s", 2]', b'"%s"', b"%s"])
        lines.append(shape.replace(b"%s", text))
    lines += [b'{"a": 1}', b"", b"   ", b'{"cut": "no newl']
    data = b"\n".join(lines)
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(data)
    parsed, errors, notes = parse_json_lines(path, "bytes.jsonl")
    values, old_errors, bad = _old_lines(data)
    assert [(n, o, _typed(v)) for n, o, v in parsed] == values
    assert [f"{e.line}: {e.reason}" for e in errors] == old_errors
    assert bad and len(notes) == 1 and notes[0].startswith(f"bytes.jsonl: {len(bad)} line(s)")


def test_a_line_longer_than_a_mib_is_read_by_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """orjson takes ~13 times a text's size while it reads it (``json`` about twice): a long
    line (a 50 MB generation) is left to ``json``, read as before."""
    calls: list[int] = []
    loads = orjson.loads

    def counted(raw: Any) -> Any:
        calls.append(len(raw))
        return loads(raw)

    monkeypatch.setattr(base.orjson, "loads", counted)
    for size in (base.FAST_JSON_SIZE - 100, base.FAST_JSON_SIZE + 100):
        text = json.dumps({"gen": "é 中 " * (size // 10), "accuracy": 1}, ensure_ascii=False)
        raw = text.encode()
        raw += b" " * (size - len(raw))  # exactly ``size`` bytes
        assert len(raw) == size
        value = base.fast_json(raw)
        if size < base.FAST_JSON_SIZE:
            assert _typed(value) == _typed(json.loads(text))
        else:
            assert value is base.NOT_READ
        assert _typed(parse_json(raw.decode())) == _typed(json.loads(text))
    assert calls == [base.FAST_JSON_SIZE - 100]
