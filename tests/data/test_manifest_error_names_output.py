"""An output whose manifest cannot be written: the error names the output the user asked for
and says it is its manifest that failed. It named the manifest alone ('cannot write
/sys/x.json.evaltui.json: Permission denied', a name the user never gave), or a folder at the
manifest's name as the output's own fault ('cannot write x.json: a folder, not a file')."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from evaltui.data.marks import MANIFEST_SUFFIX
from tests.conftest import write_jsonl


def _evals(tmp_path: Path) -> list[str]:
    rows: list[dict[str, object]] = [
        {"prompt": "p0", "gen": "5", "answer": "5", "accuracy": 1.0},
        {"prompt": "p1", "gen": "4", "answer": "5", "accuracy": 0.0},
    ]
    write_jsonl(tmp_path / "evals" / "a" / "r.jsonl", rows)
    write_jsonl(tmp_path / "evals" / "b" / "r.jsonl", rows)
    return [str(tmp_path / "evals" / "a"), str(tmp_path / "evals" / "b")]


def _argv(command: str, runs: list[str], out: Path) -> list[str]:
    if command == "compare":
        return ["compare", *runs, "-o", str(out)]
    if command == "export":
        return ["export", runs[0], "-o", str(out)]
    return ["summarize", runs[0], "-o", str(out)]


@pytest.mark.parametrize("command", ["summarize", "export", "compare"])
def test_a_folder_where_the_manifest_goes_is_said_to_be_the_manifests(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = _evals(tmp_path)
    out = tmp_path / "o" / "x.json"
    (tmp_path / "o" / f"x.json{MANIFEST_SUFFIX}").mkdir(parents=True)
    assert main(_argv(command, runs, out)) == 1
    err = capsys.readouterr().err
    assert f"cannot write {out}: its manifest x.json{MANIFEST_SUFFIX} beside it: " in err
    assert "a folder is there" in err and "a folder, not a file" not in err
    assert not out.exists()


@pytest.mark.parametrize("command", ["summarize", "export", "compare"])
def test_a_manifest_that_cannot_be_put_in_place_names_its_output(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    runs = _evals(tmp_path)
    out = tmp_path / "x.json"
    real = os.replace

    def refuse_manifests(src: Any, dst: Any) -> None:
        if os.fspath(dst).endswith(MANIFEST_SUFFIX):
            raise PermissionError(13, "Permission denied", os.fspath(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", refuse_manifests)
    assert main(_argv(command, runs, out)) == 1
    err = capsys.readouterr().err
    assert f"cannot write {out}: its manifest x.json{MANIFEST_SUFFIX} beside it: " in err
    assert "Permission denied" in err
    assert f"cannot write {out}{MANIFEST_SUFFIX}" not in err
    assert not out.exists()
