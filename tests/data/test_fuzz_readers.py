"""Reader-mutation fuzz: damage one entry of every fixture, the rest of the file must still load.

For every sample file under ``tests/fixtures/formats`` (JSON lines and JSON documents), one entry
at a time gets one field (at any depth) removed or replaced by a hostile value: wrong types, NaN,
an integer too long for Python, a number too big for a float, nesting too deep for the parser, a
lone surrogate, control characters. The file must still be detected as before and read without
an exception; every other entry that gave rows still gives rows, and the damaged entry gives rows
or an error entry naming its line (a JSON document's entry: the line of the file it starts on; its
rows keep its number) -- never a whole-file loss. Fixed seed, bounded in time.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from evaltui.data import metrics
from evaltui.data.extract import fill_extracted
from evaltui.data.formats import Reader, ReadOptions, detect
from evaltui.data.formats.base import ContainerReader
from evaltui.data.schema import conform

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
SEED = 20261201
BUDGET_SECONDS = float(os.environ.get("EVALTUI_FUZZ_SECONDS", "6"))
"""For all files together (at least a few cases per file however slow the machine)."""

#: Raw JSON text spliced in where a value can't be written by json.dumps.
RAW_VALUES = {
    "too deep": "[" * 10_000 + "]" * 10_000,
    "int > 4300 digits": "9" * 5_000,
    "400-digit int": "1" + "0" * 400,
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "1e999": "1e999",
    "lone surrogate": '"\\ud800 x"',
    "surrogate key": '{"\\udfff": 1}',
    "controls": '"\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u0000"',
    "deep object": '{"a":' * 3_000 + "1" + "}" * 3_000,
}
PLAIN_VALUES: list[Any] = [
    None,
    0,
    -1,
    2.5,
    True,
    "",
    "text",
    [],
    {},
    [[]],
    [None],
    {"k": 1},
    [1, 2],
]
SENTINEL = "\x00fuzz-sentinel\x00"
MARKER = "\x00fuzz-entry\x00"


def _sample_files() -> list[tuple[Path, Reader]]:
    found = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in {".jsonl", ".json"}:
            reader = detect(path).reader
            if reader is not None:
                found.append((path, reader))
    return found


def _entries(reader: Reader, data: Any) -> list[tuple[Any, Any]]:
    """(container, key) of each entry, in the order the reader numbers them (rows' line = index
    + 1)."""
    if reader.name == "inspect":
        samples = data["samples"]
        return [(samples, i) for i in range(len(samples))]
    if isinstance(data, list):
        return [(data, i) for i in range(len(data))]
    if isinstance(reader, ContainerReader):
        if reader.name == "opencompass" and not any(k.isdigit() for k in data):
            data = data["details"]  # ≤0.4.0 results
        return [(data, key) for key, _entry in reader.entries(data)]
    raise AssertionError(f"{reader.name}: no entries in a JSON document")


def _paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (up to a few levels deep)."""
    found = [prefix] if prefix else []
    if depth >= 4:
        return found
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, item in items:
        found.extend(_paths(item, (*prefix, key), depth + 1))
    return found


def _mutate(rng: random.Random, entry: Any) -> tuple[Any, str, str | None]:
    """A damaged copy of ``entry``, what was done, and the raw text to splice in (or None)."""
    entry = json.loads(json.dumps(entry))
    paths = _paths(entry)
    if not paths:
        return rng.choice(PLAIN_VALUES), "replaced whole entry", None
    path = rng.choice(paths)
    parent = entry
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    roll = rng.random()
    if roll < 0.25 and isinstance(parent, dict):
        del parent[last]
        return entry, f"removed {path}", None
    if roll < 0.6:
        value = rng.choice(PLAIN_VALUES)
        parent[last] = value
        return entry, f"{path} = {json.dumps(value)}", None
    what = rng.choice(sorted(RAW_VALUES))
    parent[last] = SENTINEL
    return entry, f"{path} = {what}", RAW_VALUES[what]


def _dump(value: Any, raw: str | None) -> str:
    text = json.dumps(value)
    return text if raw is None else text.replace(json.dumps(SENTINEL), raw)


def _read(path: Path, reader: Reader, source: str) -> tuple[set[int], set[int | None], Any]:
    """Lines with rows, lines with errors; runs the loader's per-file steps and the stats."""
    result = reader.read(path, source, ReadOptions())
    frame = fill_extracted(conform(result.frame))
    metrics.prompt_stats(frame.with_columns(gen_length=frame["line"].cast(int) * 0), 0.5)
    return set(frame["line"].to_list()), {e.line for e in result.errors}, result


FILES = _sample_files()


def test_the_fuzz_covers_every_json_reader() -> None:
    names = {reader.name for _path, reader in FILES}
    assert {
        "plain",
        "lm_eval",
        "internbootcamp",
        "internbootcamp_eval",
        "fastchat_llm_judge",
        "aisbench",
        "opencompass",
        "skythought",
        "inspect",
        "qwen_math",
    } <= names


@pytest.mark.parametrize("relative", [str(p.relative_to(FIXTURES)) for p, _r in FILES])
def test_one_damaged_entry_never_costs_the_file(relative: str, tmp_path: Path) -> None:
    original_path = FIXTURES / relative
    top = relative.split("/", 1)[0]
    shutil.copytree(FIXTURES / top, tmp_path / top)  # companions (results, summary) come along
    path = tmp_path / relative
    reader = detect(path).reader
    assert reader is not None
    original = original_path.read_bytes()
    good_lines, bad_lines, first = _read(path, reader, relative)
    assert good_lines | bad_lines, f"{relative}: the fixture itself gives nothing"
    # JSON lines: the readers' rows carry byte offsets; documents' entries have none.
    line_based = first.frame["offset"].drop_nulls().len() > 0 or path.suffix == ".jsonl"
    rng = random.Random(f"{SEED}:{relative}")
    deadline = time.monotonic() + BUDGET_SECONDS / max(1, len(FILES))
    cases = 0
    while cases < 5 or time.monotonic() < deadline:
        cases += 1
        if line_based:
            lines = original.decode("utf-8").split("\n")
            candidates = [i for i, text in enumerate(lines) if text.strip()]
            index = rng.choice(candidates)
            damaged, what, raw = _mutate(rng, json.loads(lines[index]))
            lines[index] = _dump(damaged, raw)
            path.write_bytes("\n".join(lines).encode("utf-8"))
            line = index + 1
            number = line
        else:
            # Pretty-printed, as the tools write their documents: the damaged entry's rows keep
            # its number, its error is told at the line of the file where it starts (found by
            # a marker written in its place).
            data = json.loads(original)
            slots = _entries(reader, data)
            index = rng.randrange(len(slots))
            container, key = slots[index]
            damaged, what, raw = _mutate(rng, container[key])
            container[key] = MARKER
            text = json.dumps(data, indent=2)
            line = text.count("\n", 0, text.index(json.dumps(MARKER))) + 1
            path.write_text(text.replace(json.dumps(MARKER), _dump(damaged, raw)), encoding="utf-8")
            number = index + 1
        case = f"{relative}: entry {number} (line {line}): {what}"
        detected = detect(path)
        # (A file of one entry, damaged, may stop looking like its format.)
        if len(good_lines | bad_lines) > 1:
            assert detected.reader is reader, f"{case}: detection changed to {detected}"
        rows, errors, result = _read(path, reader, relative)
        assert None not in errors, f"{case}: whole-file error {result.errors}"
        lost = good_lines - rows - {number}
        assert not lost, f"{case}: lines {sorted(lost)} lost ({result.errors[:3]})"
        assert number in rows or line in errors, f"{case}: dropped silently"
    path.write_bytes(original)
