"""A JSON document of plain records in the app: every prompt screen shows its generations, a warm
load (rows from the cache, text read back from the document) shows and exports what a cold one
does, and its bad records are listed with the line they start on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import settle
from tests.app.test_screens import screen_text
from tests.app.test_warm_app import SIZE, app_for, snapshot
from tests.data.test_plain_document import RECORDS, ROWS


def documents(root: Path) -> Path:
    (root / "model-a").mkdir(parents=True)
    (root / "model-b").mkdir()
    indented = json.dumps({"accuracy": 0.5, "results": [*RECORDS, "oops"]}, indent=2)
    (root / "model-a" / "results.json").write_text(indented, encoding="utf-8")
    (root / "model-b" / "out.json").write_text(json.dumps(RECORDS[:2]), encoding="utf-8")
    return root


async def test_warm_app_on_json_documents_shows_what_a_cold_one_does(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = documents(tmp_path / "evals")
    cache = tmp_path / "cache"
    (tmp_path / "cold").mkdir()
    (tmp_path / "warm").mkdir()
    cold = await snapshot(app_for(data, cache, word_tokenizer), tmp_path / "cold")
    warm = await snapshot(app_for(data, cache, word_tokenizer), tmp_path / "warm")
    assert cold["hits"] == 0 and warm["hits"] == 2 and warm["held"] == warm["rows"] == 7
    assert warm["stats"].equals(cold["stats"])
    assert warm["texts"] == cold["texts"]
    shown = sorted(g for gens, *_ in warm["texts"].values() for g in gens)
    assert shown == sorted([gen for _p, gen, _a in ROWS] + [ROWS[0][1], ROWS[1][1]])
    assert warm["exports"] == cold["exports"]
    records = [json.loads(line) for line in warm["exports"]["records"].splitlines()]
    assert sorted(map(json.dumps, records)) == sorted(map(json.dumps, RECORDS + RECORDS[:2]))


async def test_a_bad_record_is_listed_at_the_line_it_starts_on(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = documents(tmp_path / "evals")
    text = (data / "model-a" / "results.json").read_text(encoding="utf-8")
    line = text.splitlines().index('    "oops"') + 1
    app = app_for(data, tmp_path / "cache", word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        shown = screen_text(app)
        assert "1 bad line (counted, not used)" in shown
        assert f"model-a/results.json:{line}: record 5: a JSON string, not an object" in shown
