"""A JSON-lines file whose last line is a run of NUL bytes (what a crash leaves of blocks never
written): the line is said to be that, with its size, and is neither copied nor decoded. It was
decoded and parsed as JSON (a 2 GB run held three times over, 6.3 GB RSS) to be called a
"truncated last line"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import evaltui.data.formats.plain as plain
from evaltui.data.formats import ReadOptions
from evaltui.data.formats.plain import PlainReader

GOOD = b'{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n'


def _read(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[int]]:
    """The file read, and the size of each line decoded or given to the JSON reader (orjson
    reads a line's bytes undecoded; a line it leaves to ``json`` is decoded first)."""
    decoded: list[int] = []
    real, fast = plain.decode_line, plain.fast_json

    def counting(raw: bytes) -> tuple[str, bool]:
        decoded.append(len(raw))
        return real(raw)

    def counting_fast(raw: bytes) -> Any:
        decoded.append(len(raw))
        return fast(raw)

    monkeypatch.setattr(plain, "decode_line", counting)
    monkeypatch.setattr(plain, "fast_json", counting_fast)
    return PlainReader().read(path, path.name, ReadOptions()), decoded


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        (b"\0" * 3_000_000, "3.0 MB of NUL bytes (a file cut by a crash?): not read"),
        (b"\0" * 2048 + b"\n", "2.0 KB of NUL bytes (a file cut by a crash?): not read"),
        (
            b'{"prompt": "q", "ge' + b"\0" * 500_000,
            "19 bytes of text and 500 KB of NUL bytes (a file cut by a crash?): not read",
        ),
    ],
    ids=["last-line", "with-newline", "cut-record"],
)
def test_a_run_of_nul_bytes_is_named_and_never_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: bytes, reason: str
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(GOOD * 3 + tail)
    result, decoded = _read(path, monkeypatch)
    assert result.frame.height == 3  # the lines before it are read
    assert [(e.line, e.reason) for e in result.errors] == [(4, reason)]
    assert decoded == [len(GOOD) - 1] * 3  # the NUL line was neither decoded nor parsed


def test_a_few_nul_bytes_in_a_line_keep_its_json_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(GOOD + b'{"prompt": "p\0", "gen": "g", "accuracy": 1}\n')
    result, _decoded = _read(path, monkeypatch)
    [error] = result.errors
    assert error.line == 2 and error.reason.startswith("not valid JSON: ")
