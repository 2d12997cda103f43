"""The status line under the filter at 80 columns, with long real model names as run labels:
why the table is empty is said whole, and a run shown alone is named by both ends of its label
(the part that tells a model's sizes apart is at its end)."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, wait_until
from tests.app.test_screens import screen_text

RUNS = (
    "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B",
    "deepseek-ai__DeepSeek-R1-Distill-Qwen-7B",
    "meta-llama__Meta-Llama-3.1-70B-Instruct",
)


def status_line(app: EvalApp) -> str:
    return next(row for row in screen_text(app).splitlines() if row.startswith(" Showing"))


async def loaded(tmp_path: Path, word_tokenizer: Path) -> EvalApp:
    data = tmp_path / "evals"
    for run in RUNS:
        (data / run).mkdir(parents=True)
        lines = "".join(line(i, i % 2 == 0) for i in range(1, 5))
        (data / run / "inference_0.jsonl").write_text(lines, encoding="utf-8")
    return EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False))


async def test_an_empty_view_says_why_whole_at_80_columns(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    app = await loaded(tmp_path, word_tokenizer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        await pilot.press("slash", *'prompt ~ "no such prompt"', "enter")
        await wait_until(pilot, lambda: app.rows is not None and app.rows.height == 0)
        await pilot.pause(0.2)
        line_shown = status_line(app)
        # was cut at the line's end: "… · prompt ~ "no such prompt" — no prompt matches (c c…"
        assert line_shown.rstrip().endswith("— none match (c clears the filters)"), line_shown
        assert line_shown.startswith(" Showing 0 of 12 rows (run × prompt) · "), line_shown
        await pilot.press("r")  # one run, the label as long as the line
        await wait_until(pilot, lambda: app.view is not None and app.view.run is not None)
        await pilot.pause(0.2)
        line_shown = status_line(app)
        assert line_shown.rstrip().endswith("— none match (c clears the filters)"), line_shown
        assert line_shown.startswith(" Showing 0 of 12 rows (run × prompt)"), line_shown


async def test_one_run_shown_is_named_by_both_ends_of_its_label(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    app = await loaded(tmp_path, word_tokenizer)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and app.result.complete)
        seen: set[str | None] = {None}
        for _ in RUNS[:2]:  # (natural order: Qwen-7B before Qwen-32B)
            await pilot.press("r")
            await wait_until(pilot, lambda: app.view is not None and app.view.run not in seen)
            await pilot.pause(0.2)
            assert app.view is not None and app.view.run is not None
            seen.add(app.view.run)
            shown = status_line(app).rstrip()
            # was "run=deepseek-ai__DeepS…" for both: which model was shown, not said
            assert len(shown) <= 80
            assert "run=deepseek-ai__Deep" in shown
            assert shown.endswith(app.view.run[-7:]), shown
        assert seen == {None, *RUNS[:2]}
