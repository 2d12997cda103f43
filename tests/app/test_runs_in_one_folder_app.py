"""The app on a plain folder holding two models' files, named after the models (long names):
two runs, each labelled by its file's name, that `m` compares, at 80×24."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_screens import screen_text, static
from tests.data.test_runs_in_one_folder import DEEPSEEK, MODELS, QWEN, model_file

LONG = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-temperature0.6-topp0.95"


async def test_two_model_files_in_one_folder_are_two_runs_in_the_app(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    folder = tmp_path / "pf"
    model_file(folder, LONG, MODELS[DEEPSEEK])
    model_file(folder, QWEN, MODELS[QWEN])
    app = EvalApp([str(folder)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = static(app, "#summary")
        # ("per run" gives way so the parts left off are counted: it ended with a bare "…")
        assert header.startswith("runs 2 · prompts 60 · "), header
        assert header.endswith(" · +6 (t)"), header
        screen = screen_text(app)
        assert "Showing 120 of 120 rows (run × prompt)" in screen
        # each run by its file's name, cut in the middle where it is long
        assert "accuracy Qwen2…ruct 0.619 / deeps…0.95 0.625" in header
        rows = screen.splitlines()[4:6]
        # (the other run's deepseek-ai__ is an org now: whole words kept, "Qwen2.5-…nstruct"
        # before; then "Qwen2.5…Instruct", the size gone: app42 keeps the family and size)
        assert all(" Qwen2.5-7B… " in row for row in rows), rows
        await pilot.press("m")
        await settle(pilot)
        compared = screen_text(app)
        assert "60 prompts in both runs" in compared, compared
        assert "A = Qwen2.5-7B-Instruct" in compared or "B = Qwen2.5-7B-Instruct" in compared
