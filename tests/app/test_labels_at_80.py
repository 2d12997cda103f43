"""Run labels cut at 80×24 as the other cuts are: the model's name kept, its org left out first,
what tells runs apart kept whole, and the ' · ' between a label's parts never half cut."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.formats.base import ReadOptions
from evaltui.data.loader import LoadOptions
from tests.app.conftest import open_first_prompt, settle
from tests.app.test_screens import screen_text

QWEN3 = (
    Path(__file__).parents[1]
    / "fixtures/real_world/lm_eval/lm-evaluation-harness/outputs/qwen3-8b/negotiationtom/Qwen__Qwen3-8B"
)


def _plain_run(folder: Path, scores: list[float]) -> Path:
    folder.mkdir(parents=True)
    lines = [
        json.dumps({"prompt": f"What is {i} + 1?", "gen": str(i + 1), "answer": "1", "accuracy": s})
        for i, s in enumerate(scores)
    ]
    (folder / "out.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _table_header(screen: str) -> str:
    return next(line for line in screen.splitlines() if line.startswith(" prompt "))


async def test_the_prompt_title_names_the_model_of_two_runs_told_apart_by_time(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Two lm-eval runs of Qwen3-8B in one folder, labelled by when they started: the title
    read 'prompt 1 of 120 · …08T16-04-…219874 · 0/1 correct', no model in it."""
    app = EvalApp([str(QWEN3)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_prompt(pilot)
        title = str(screen.query_one("#prompt-title", Static).render())
        assert "Qwen3-8B" in title, title
        assert "08T16" in title, title  # the start time that tells it from the 18:15 run
        assert title.startswith("prompt 1 of 120 · "), title


async def test_a_lone_run_leaves_its_org_out_first(tmp_path: Path, word_tokenizer: Path) -> None:
    """One run labelled meta-llama/Meta-Llama-3.1-70B-Instruct: its run column read
    'meta-lla…nstruct' (cut plainly in the middle, the org kept and the name cut), then
    '…Meta-L…Instruct' (the 70B gone); now its family and size, '…Llama-3.1-70B…'."""
    folder = _plain_run(tmp_path / "run", [1, 0, 1])
    options = LoadOptions(
        model=str(word_tokenizer),
        use_cache=False,
        read=ReadOptions(label="meta-llama/Meta-Llama-3.1-70B-Instruct"),
    )
    app = EvalApp([str(folder)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = screen_text(app).splitlines()[4]
        assert "meta-lla" not in row, row
        assert " …Llama-3.1-70B… " in row, row


async def test_runs_split_by_metric_read_by_their_metric(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """One --label over a folder whose lm-eval runs are split by metric (an acc task, a
    bleu_max one: 'model · acc', 'model · bleu_max'): the run column read 'meta-lla…t · acc'
    at 80 columns, told apart at both ends but unreadable. The metric is whole now, after the
    model's size."""
    lm_eval = Path(__file__).parents[1] / "fixtures/real_world/lm_eval/lm-evaluation-harness"
    options = LoadOptions(
        model=str(word_tokenizer),
        use_cache=False,
        read=ReadOptions(label="meta-llama/Meta-Llama-3.1-70B-Instruct"),
    )
    app = EvalApp([str(lm_eval)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None
        runs = set(app.rows["run"].to_list())
        assert len(runs) >= 3, runs
        layout = app.shown_layout
        assert layout is not None
        cells = sorted(layout.runs[run] for run in runs)
        assert len(set(cells)) == len(runs), cells
        for metric in ("acc", "bleu_max", "mae"):
            assert f"…70B… · {metric}" in cells, cells
        lines = screen_text(app).splitlines()
        first = lines[lines.index(_table_header(screen_text(app))) + 1]
        assert f" {layout.runs[app.rows['run'][0]]} " in first, first
        assert all("meta-lla" not in cell and "…·" not in cell for cell in cells), cells


async def test_labels_keep_the_separator_of_their_parts_whole(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Four runs, two models each scored two ways (as the published sus-www Inspect logs): at
    80 columns plot 3's legend read 'openai/o1-mini ·…ided_by_optimal', the cut's mark glued to
    half of the ' · ' between the model and its scorer (the summary's titles alike at 19, 20,
    32 and 33 cells: 'openai/o1-…· winrate')."""
    labels = [
        f"openai/{model} · {scorer}"
        for model in ("o1-mini", "o3-mini-2025-01-31")
        for scorer in ("winrate", "winrate_divided_by_optimal")
    ]
    folders = [_plain_run(tmp_path / f"r{i}", [1, 0]) for i in range(len(labels))]
    options = LoadOptions(
        model=str(word_tokenizer), use_cache=False, read=ReadOptions(labels=tuple(labels))
    )
    app = EvalApp([str(f) for f in folders], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        titles = [line for line in lines if line.startswith(" metric ")]
        await pilot.press("escape", "p", "3")
        await settle(pilot)
        legend = [line for line in screen_text(app).splitlines() if line.startswith(" ■")]
        assert len(titles) == 2 and len(legend) == 2, (titles, legend)
        for line in titles + legend:
            assert "winrate" in line and "optimal" in line, line
            assert "…·" not in line and "·…" not in line, line
            assert line.count(" · ") == line.count("·"), line
