"""Exports of a view: original records byte for byte, CSV/Parquet, combined JSON; and the CLI twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.export import export_view, kind_for_path
from evaltui.data.loader import LoadOptions, load
from evaltui.data.query import View

LINES = [
    '{"prompt": "hard", "gen": "wrong 答案 🙂", "answer": "1", "accuracy": 0}',
    '{"prompt": "easy", "gen": "right", "answer": "2", "accuracy": 1}',
    '{"prompt":"hard","gen":["a","b"],"answer":"1","accuracy":[0,0]}',
    '{"prompt": "easy", "gen": "right again", "answer": "2", "accuracy": 1}',
]


@pytest.fixture
def loaded(tmp_path: Path, word_tokenizer: Path) -> Any:
    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    # CRLF endings and an odd spacing style: records must come back exactly as written.
    (folder / "a.jsonl").write_bytes(("\r\n".join(LINES[:2]) + "\r\n").encode())
    (folder / "b.jsonl").write_bytes(("\n".join(LINES[2:]) + "\n").encode())
    return load([tmp_path / "d"], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "c"))


def test_records_of_a_filtered_view_are_the_original_lines(loaded: Any, tmp_path: Path) -> None:
    view = View(where="average_accuracy < 0.5").apply(loaded.stats)
    out = tmp_path / "hard.jsonl"
    summary = export_view("records", view, loaded.generations, loaded.files, out)
    assert (summary.prompts, summary.records) == (1, 2)  # one record holds two generations
    assert out.read_bytes().decode().splitlines() == [LINES[0], LINES[2]]


def test_stats_as_csv_parquet_and_combined_json(loaded: Any, tmp_path: Path) -> None:
    view = View(where="count >= 2").apply(loaded.stats)
    export_view("csv", view, loaded.generations, loaded.files, tmp_path / "s.csv")
    csv = pl.read_csv(tmp_path / "s.csv")
    assert csv["prompt"].to_list() == ["hard", "easy"] and csv["gen_lengths"].to_list() == [
        "3 1 1",
        "1 2",
    ]
    export_view("parquet", view, loaded.generations, loaded.files, tmp_path / "s.parquet")
    assert pl.read_parquet(tmp_path / "s.parquet").equals(view)
    export_view("combined", view, loaded.generations, loaded.files, tmp_path / "s.json")
    assert [r["count"] for r in json.loads((tmp_path / "s.json").read_text())] == [3, 2]


def test_kind_from_suffix() -> None:
    assert [kind_for_path(p) for p in ("a.csv", "a.PARQUET", "a.jsonl", "a.json", "a")] == [
        "csv",
        "parquet",
        "records",
        "combined",
        "combined",
    ]


def test_cli_export(tmp_path: Path, word_tokenizer: Path, capsys: Any) -> None:
    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "hard.jsonl"
    assert (
        main(
            [
                "export",
                str(tmp_path / "d"),
                "--quick",
                "never",
                "--records",
                "-o",
                str(out),
                *common,
            ]
        )
        == 0
    )
    assert out.read_text(encoding="utf-8").splitlines() == [LINES[0], LINES[2]]
    assert "wrote 2 records of 1 prompts" in capsys.readouterr().err
    # An existing file is not overwritten without --force.
    assert main(["export", str(tmp_path / "d"), "--records", "-o", str(out), *common]) == 2
    assert out.read_text(encoding="utf-8").splitlines() == [LINES[0], LINES[2]]
    assert (
        main(["export", str(tmp_path / "d"), "--records", "-o", str(out), "--force", *common]) == 0
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    # A bad expression: exit 2, the reason and a caret under the place.
    code = main(
        [
            "export",
            str(tmp_path / "d"),
            "--where",
            "count >> 2",
            "-o",
            str(tmp_path / "x.csv"),
            *common,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--where: expected a column name or a value, found '>'" in err
    assert err.rstrip().endswith("  count >> 2\n         ^")  # under the second ">"
    assert not (tmp_path / "x.csv").exists()
    assert (
        main(
            [
                "export",
                str(tmp_path / "d"),
                "--where",
                "count > 2",
                "-o",
                str(tmp_path / "x.csv"),
                *common,
            ]
        )
        == 0
    )
    assert pl.read_csv(tmp_path / "x.csv")["prompt"].to_list() == ["hard"]


def test_a_failed_export_leaves_the_existing_file_and_no_temp(loaded: Any, tmp_path: Path) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_text("old\n")
    view = View().apply(loaded.stats)
    # No file reports: the records cannot be re-read, so the writer raises inside atomic_open.
    with pytest.raises(ValueError, match="no longer known"):
        export_view("records", view, loaded.generations, [], out)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")) == []
