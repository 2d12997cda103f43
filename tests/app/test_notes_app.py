"""The app says a note of one kind about many files once: the header counts it as one, ``b``
shows it once with the files it is about listed under it (80×24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.app.screens.problems import ProblemsScreen
from tests.app.conftest import problems_text, settle
from tests.app.test_screens import static
from tests.data.test_notes import verl_folder


async def test_one_note_for_twelve_verl_steps_and_b_lists_the_files(
    tmp_path: Path, make_app: Any
) -> None:
    """It counted "notes 12 (b)" and ``b`` listed twelve copies of one note."""
    app = make_app(verl_folder(tmp_path / "verl", 12))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "notes 1 (b)" in static(app, "#summary")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = problems_text(app)
        notes = text.split("\nnotes\n", 1)[1].splitlines()
        assert notes[0].startswith("12 files: scored by 'acc'")
        assert notes[1:] == [f"  val_generations/{step * 10}.jsonl" for step in range(12)]
        await pilot.press("q")
        await pilot.press("ctrl+q")


async def test_b_names_the_eval_member_and_the_parquet_row(tmp_path: Path, make_app: Any) -> None:
    """``b`` listed an .eval archive's errored sample as 'x_AAA.eval:6: …' and a lighteval
    parquet's bad row as '….parquet:2: …', places as lines of files that have none."""
    import polars as pl

    from tests.data.test_formats_inspect_runs import log, write_eval

    data = log("AAA", "2026-01-01T10:00:00")
    errored = next(s for s in data["samples"] if s["id"] == "p1" and s["epoch"] == 2)
    errored["error"] = {"message": "RuntimeError('rate limited')", "traceback": "..."}
    write_eval(tmp_path / "in" / "logs" / "x_AAA.eval", data)
    details = tmp_path / "in" / "details" / "m" / "2026-01-01T00-00-00"
    details.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [
                {
                    "query": f"Q{i}",
                    "choices": ["4"],
                    "gold_index": 0,
                    "id": str(i),
                    "task_name": "t|0",
                }
                for i in range(3)
            ],
            "metric": [{"em": 1.0}, {"em": float("inf")}, {"em": 0.0}],
            "model_response": [{"text": [f"A{i}"]} for i in range(3)],
        }
    ).write_parquet(details / "details_t|0_x.parquet")
    app = make_app(tmp_path / "in")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = problems_text(app)
        listed = text.split("\n\n", 1)[0].splitlines()
        assert listed == [
            "2 bad lines (counted, not used)",
            "details/m/2026-01-01T00-00-00/details_t|0_x.parquet: row 1 (counted from 0): metric"
            " em: score inf is not a finite number (lighteval writes none)",
            "logs/x_AAA.eval: samples/p1_epoch_2.json: sample p1 (epoch 2) errored:"
            " RuntimeError('rate limited')",
        ]
        await pilot.press("q")
        await pilot.press("ctrl+q")
