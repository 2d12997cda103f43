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


async def test_a_folder_transformers_cannot_load_says_so_in_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted by its tokenizer.json alone (the folder names its own tokenizer code): the
    header counts a note at 80×24 and ``b`` shows it, naming the folder."""
    import json

    from evaltui.data.tokens import default_tokenizer_path

    monkeypatch.chdir(tmp_path)
    model = tmp_path / "chatglm-like"
    model.mkdir()
    shutil.copy(default_tokenizer_path(), model / "tokenizer.json")
    config = {
        "tokenizer_class": "CustomTokenizer",
        "auto_map": {"AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]},
    }
    (model / "tokenizer_config.json").write_text(json.dumps(config))
    data = write_evals(tmp_path / "evals")
    app = EvalApp([str(data)], LoadOptions(model=str(model), cache_dir=tmp_path / "cache"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "notes 1 (b)" in static(app, "#summary")
        await pilot.press("b")
        await settle(pilot)
        screen = " ".join(screen_text(app).split())
        assert "counted with its tokenizer.json alone" in screen
        # The folder is named by its whole path (under pytest's tmp_path, of any length): a
        # path longer than the line is cut where the line ends, maybe inside its last name.
        assert f"{tmp_path.name}/chatglm-like" in "".join(screen.split())
