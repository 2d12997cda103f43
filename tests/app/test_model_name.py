"""The ``--model`` folder's name in the app's header: shown literally (markup and control
characters from the path are its text), its telling end kept, the header one line at 80×24."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle, write_evals
from tests.app.test_screens import screen_text, static

TAIL = "Qwen2.5-72B-Instruct-sft-v3-checkpoint-12000"


def hostile_model(root: Path, word_tokenizer: Path) -> Path:
    """A model folder whose path (relative to ``root``) holds markup and escape sequences."""
    folder = Path("[bold red]evil\x1b]0;pwn\x07 [/]-experiments-2026-12-a-long-run-name") / TAIL
    (root / folder).mkdir(parents=True)
    shutil.copy(word_tokenizer, root / folder / "tokenizer.json")
    return folder


@pytest.mark.parametrize("size", [(80, 24), (220, 24)])
async def test_header_shows_the_model_folder_literally_with_its_end(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    model = hostile_model(tmp_path, word_tokenizer)
    data = write_evals(tmp_path / "evals")
    app = EvalApp([str(data)], LoadOptions(model=str(model), cache_dir=tmp_path / "cache"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        header = static(app, "#summary")
        screen = screen_text(app)
        assert "\x1b" not in screen and "\x07" not in screen
        assert "\n" not in header.strip()  # one line: the table keeps its rows
        assert "prompt" in screen.splitlines()[3]  # the table header where it always is
        if size[0] > 200:  # wide enough for the tokenizer part
            part = header.split("tokenizer ", 1)[1].split(" · ")[0]
            assert part.endswith("checkpoint-12000")  # what tells two checkpoints apart
            assert part.startswith("[bold red]evil␛]0;pw")  # literal, controls visible
            assert "[bold red]evil␛]0;pw" in screen
