"""A parquet file cut short (a copy interrupted, a writer killed) is said to be unreadable,
naming the file, while the files beside it are still read: it was skipped as "no reader
recognises this file", as of a file of another kind, both headless and in the app's ``b``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.formats import detect

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
LIGHT = (
    FIXTURES
    / "lighteval/details/toy-org/toy-model-v1/2026-11-23T20-10-00.000000"
    / "details_lighteval|gsm8k|0_2026-11-23T20-10-00.000000.parquet"
)
GOOD = FIXTURES / "plain" / "samples.jsonl"


def cut(source: Path, target: Path) -> Path:
    """``target``: the first half of ``source``'s bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


@pytest.mark.parametrize("name", [LIGHT.name, "completions_10.parquet"])
def test_a_cut_parquet_is_said_unreadable(tmp_path: Path, name: str) -> None:
    damaged = cut(LIGHT, tmp_path / "details" / "m" / "2026-01-01T00-00-00" / name)
    detection = detect(damaged)
    assert detection.reader is None
    assert not detection.companion
    assert detection.reason.startswith("not a readable parquet file (cut short?): ")
    assert "no reader recognises" not in detection.reason


def test_a_parquet_of_unknown_columns_is_still_not_recognised(tmp_path: Path) -> None:
    """Only an unreadable one is said so: a whole parquet of other columns is of another kind."""
    import polars as pl

    other = tmp_path / "other.parquet"
    pl.DataFrame({"x": [1, 2]}).write_parquet(other)
    assert detect(other).reason.startswith("no reader recognises this file")


def test_summarize_names_the_cut_parquet_and_reads_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in"
    damaged = cut(LIGHT, data / "details" / "m" / "2026-01-01T00-00-00" / LIGHT.name)
    (data / "samples.jsonl").write_bytes(GOOD.read_bytes())
    listed = tmp_path / "bad.jsonl"
    out = tmp_path / "out.json"
    code = main(["summarize", str(data), "-o", str(out), "--no-cache", "--bad-lines", str(listed)])
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))  # the other file's prompts
    records = [json.loads(line) for line in listed.read_text(encoding="utf-8").splitlines()]
    skipped = [r for r in records if r["kind"] == "skipped file"]
    assert [r["path"] for r in skipped] == [str(damaged)]
    assert skipped[0]["reason"].startswith("not a readable parquet file (cut short?): ")
    err = capsys.readouterr().err
    shown = f"details/m/2026-01-01T00-00-00/{LIGHT.name}: not a readable parquet file"
    assert shown in err
