"""A 0–1 score that is no accuracy (a reward) at 80×24: plots 3 and 4 and the summary's avg@n say
what its per-prompt mean is, as the table's column ("mean score") and header ("mean reward")
do; both said "per-prompt accuracy"."""

from __future__ import annotations

import json
from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle
from tests.app.test_screens import screen_text


async def test_plot_3_and_avg_at_n_call_a_rewards_mean_no_accuracy(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    folder = tmp_path / "grpo"
    folder.mkdir()
    rewards = [0.2, 0.9, 0.4, 0.7, 0.1, 0.6]
    records = [
        {"prompt": f"Problem {i // 2}", "gen": "x y", "answer": "1", "reward": r}
        for i, r in enumerate(rewards)
    ]
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    app = EvalApp([str(folder)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_text(app)
        assert "mean reward" in screen.splitlines()[0], screen
        await pilot.press("p", "3")
        await settle(pilot)
        plot = screen_text(app)
        assert plot.splitlines()[0].startswith(" per-prompt mean reward · "), plot
        assert "accuracy" not in plot.replace("Acc", ""), plot
        await pilot.press("4")
        await settle(pilot)
        scatter = screen_text(app)
        assert scatter.splitlines()[0].startswith(" mean token length vs mean reward "), scatter
        assert "accuracy" not in scatter.replace("Acc", ""), scatter
        await pilot.press("escape", "t")
        await settle(pilot)
        summary = screen_text(app)
        assert "mean per-prompt score over its n samples" in summary, summary
        assert "per-prompt accuracy" not in summary, summary
