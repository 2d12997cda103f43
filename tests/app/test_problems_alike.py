"""The bad lines screen (``b``) says a problem repeated on many lines once, with how many and
where; ``a`` lists every line (nothing is lost)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from evaltui.app.app import EvalApp
from evaltui.app.screens.problems import ProblemsScreen, problem_lines
from evaltui.data.loader import LoadOptions, LoadResult
from evaltui.data.schema import LoadError
from tests.app.conftest import problems_shown, problems_text
from tests.app.test_follow_app import wait_until

A2UI = Path(__file__).parents[1] / "fixtures" / "real_world" / "inspect_ai" / "A2UI" / "logs"
TYPE_ERROR = (
    "TypeError(\"Client.__init__() got an unexpected keyword argument 'reasoning_tokens'\")"
)


def written(screen: ProblemsScreen) -> str:
    return problems_text(screen.app)


def shown(screen: ProblemsScreen) -> list[str]:
    return problems_shown(screen.app)


async def test_a_sample_error_repeated_27_times_is_said_once_at_80x24(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The published A2UI Inspect log: its samples all failed on one TypeError. The screen said
    the same four wrapped lines 25 times (and 2 others): a screen and a half of one message."""
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    app = EvalApp([str(A2UI)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.result is not None and not app.loading, 60)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        text = written(screen)
        lines = text.splitlines()
        assert lines[0] == (
            "27 bad lines (counted, not used) · the lines alike said once (a lists every line)"
        )
        assert text.count(TYPE_ERROR) == 2, text  # the folded line's, and the log's note
        folded = lines[1]
        assert folded.startswith(
            "25 bad lines: samples/#_epoch_1.json: sample # (epoch 1) errored: " + TYPE_ERROR
        ), folded
        log = "2026-07-22T16-51-18-00-00_a2ui-v1-0-eval_nXpB6sZohVsmQgnyUD8nuj.eval"
        # The samples in their order (1, 2, …), not as the zip holds them (10, 11, …, 19, 1, …).
        assert folded.endswith(f" — in {log}: # = 1, 2, 3, 4, 5 and 20 more"), folded
        # The two cancelled samples, each its own line, in file order after it.
        assert "samples/26_epoch_1.json: sample 26 (epoch 1) errored: CancelledError" in lines[2]
        assert "samples/27_epoch_1.json" in lines[3]
        # On the screen: the bad lines, the skipped files and the notes all in one screen.
        assert any(line.strip() == "notes" for line in shown(screen)), shown(screen)

        await pilot.press("a")  # every line, as the log holds them
        every = written(screen)
        assert every.splitlines()[0] == (
            "27 bad lines (counted, not used) · every line (a says the lines alike once)"
        )
        assert every.count(TYPE_ERROR) == 26, every
        for sample in (8, 9, 10, 25):
            assert f"{log}: samples/{sample}_epoch_1.json: sample {sample} (epoch 1) errored: " in (
                every
            )
        listed = [int(line.split("sample ")[1].split(" ")[0]) for line in every.splitlines()[1:28]]
        assert listed == list(range(1, 28)), listed
        await pilot.press("a")
        assert written(screen) == text


def test_lines_alike_name_their_lines_and_files() -> None:
    """Alike lines in several files: the lines of each file, the first few, the rest counted;
    numbers that differ are '#', the ones all say kept; two alike are said as they are."""
    errors = [
        LoadError("a.jsonl", line, f"not valid JSON: Expecting value at column {line % 2 + 1}")
        for line in (3, 7, 11, 15)
    ]
    errors += [
        LoadError("b.jsonl", 2, "not valid JSON: Expecting value at column 1"),
        LoadError("b.jsonl", 9, "record 4: no prompt"),
        LoadError("c.jsonl", 1, "record 1: no prompt"),
    ]
    errors += [LoadError(f"f{i}.json", None, "not valid JSON (truncated?)") for i in range(7)]
    result = LoadResult(pl.DataFrame(), pl.DataFrame(), errors, [], [], "", 0, 0.0, True)
    lines = problem_lines(result, None, loading=False)
    assert lines[1:5] == [
        "5 bad lines: not valid JSON: Expecting value at column # — in a.jsonl lines 3, 7, 11, "
        "15; b.jsonl line 2",
        "b.jsonl:9: record 4: no prompt",
        "c.jsonl:1: record 1: no prompt",
        "7 bad lines: not valid JSON (truncated?) — in f0.json, f1.json, f2.json, f3.json, "
        "f4.json and 2 more",
    ]
    every = problem_lines(result, None, loading=False, every_line=True)
    assert every[1 : 1 + len(errors)] == [str(e) for e in errors]


def test_bad_lines_are_listed_in_file_order_then_line_order() -> None:
    """The files as the runs list them (run_2 before run_10, as people number them), each
    file's lines in order; a file without lines (an archive) by the member its reason names,
    sample 2 before sample 10: said once too, the places are named in that order."""
    errors = [
        LoadError("run_10/out.jsonl", 4, "record 4: no prompt"),
        LoadError("run_2/out.jsonl", 12, "record 12: no prompt"),
        LoadError("run_2/out.jsonl", 3, "record 3: no prompt"),
    ]
    errors += [
        LoadError("log.eval", None, f"samples/{n}_epoch_1.json: sample {n} (epoch 1) errored: X")
        for n in (10, 11, 1, 2, 20, 3)
    ]
    result = LoadResult(pl.DataFrame(), pl.DataFrame(), errors, [], [], "", 0, 0.0, True)
    every = problem_lines(result, None, loading=False, every_line=True)
    assert [line.split(":")[1] for line in every[1:7]] == [
        f" samples/{n}_epoch_1.json" for n in (1, 2, 3, 10, 11, 20)
    ]
    assert every[7:10] == [
        "run_2/out.jsonl:3: record 3: no prompt",
        "run_2/out.jsonl:12: record 12: no prompt",
        "run_10/out.jsonl:4: record 4: no prompt",
    ]
    said = problem_lines(result, None, loading=False)
    assert said[1:3] == [
        "6 bad lines: samples/#_epoch_1.json: sample # (epoch 1) errored: X — in log.eval: "
        "# = 1, 2, 3, 10, 11 and 1 more",
        "3 bad lines: record #: no prompt — in run_2/out.jsonl lines 3, 12; run_10/out.jsonl"
        " line 4",
    ]
