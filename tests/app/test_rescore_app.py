"""The app with ``--rescore``: stored and new scores side by side (Pilot)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.console import Console
from textual.widgets import OptionList, Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from evaltui.data.rescore import RescoreOptions
from evaltui.data.sanitize import cell_width
from tests.app.conftest import settle
from tests.app.test_follow_app import wait_until


def write_graded(root: Path) -> Path:
    """One run, 3 prompts x 4 generations, every generation boxes an answer. The stored grader
    missed two right answers of p0 (scored 0) and passed a wrong one of p1 (scored 1); p2 agrees.
    The exact scorer (extracted answer = reference) flips those three verdicts."""
    rows = []
    plan = {
        0: [("4", 1), ("4", 0), ("4", 0), ("5", 0)],  # two misses: ✗→✓ twice
        1: [("6", 1), ("7", 1), ("6", 1), ("9", 0)],  # a wrong one passed: ✓→✗ once
        2: [("8", 1), ("8", 1), ("1", 0), ("8", 1)],  # agrees
    }
    for p, gens in plan.items():
        for answer, stored in gens:
            rows.append(
                {
                    "prompt": f"Problem {p}: what is {p + 2} + {p + 2}?",
                    "gen": f"adding gives \\boxed{{{answer}}}",
                    "answer": str(2 * (p + 2)),
                    "accuracy": stored,
                }
            )
    (root / "graded").mkdir(parents=True)
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    (root / "graded" / "samples.jsonl").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    return write_graded(tmp_path / "evals")


@pytest.fixture
def rescore_app(tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)

    def factory(path: Path, scorer: str | None = "exact") -> EvalApp:
        cache = tmp_path / "cache"
        rescore = RescoreOptions(scorer, cache_dir=cache) if scorer else None
        options = LoadOptions(model=str(word_tokenizer), cache_dir=cache)
        return EvalApp([str(path)], options, rescore=rescore)

    return factory


def header(app: EvalApp) -> str:
    return str(app.main.query_one("#summary", Static).render())


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_disagree_column_filter_and_both_accuracies(
    graded: Path, rescore_app: Any, size: tuple[int, int]
) -> None:
    app = rescore_app(graded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        rows = app.rows
        assert rows is not None and rows.height == 3
        by_prompt = {r["prompt"][:9]: r for r in rows.iter_rows(named=True)}
        # new scores are the accuracy, the stored ones beside, disagree = flipped verdicts
        assert by_prompt["Problem 0"]["average_accuracy"] == 0.75
        assert by_prompt["Problem 0"]["stored_average_accuracy"] == 0.25
        assert [by_prompt[f"Problem {p}"]["n_flipped"] for p in range(3)] == [2, 1, 0]
        table = app.main.current_table()
        assert table is not None
        labels = [str(c.label) for c in table.ordered_columns]
        assert "stored acc" in labels and "disagree" in labels
        # stored 7/12 → exact 8/12, 3 verdicts flipped
        assert "accuracy 0.667 · stored accuracy 0.583 · 3 verdicts flipped (d)" in header(app)
        await pilot.press("d")
        await settle(pilot)
        assert sorted(app.rows["prompt"].str.slice(0, 9).to_list()) == ["Problem 0", "Problem 1"]  # type: ignore[index]
        await pilot.press("d")  # again: off
        await settle(pilot)
        assert app.rows.height == 3  # type: ignore[union-attr]
        # the filter language knows the columns by their shown names
        app.main.action_focus_filter()
        await pilot.press(*"disagree >= 2", "enter")
        await settle(pilot)
        assert app.rows["prompt"].to_list() == ["Problem 0: what is 2 + 2?"]  # type: ignore[index]


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_prompt_screen_lists_the_flipped_generations_with_both_verdicts(
    graded: Path, rescore_app: Any, size: tuple[int, int]
) -> None:
    app = rescore_app(graded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.main.action_focus_filter()
        await pilot.press(*'prompt ~ "Problem 0"', "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        title = str(app.screen.query_one("#prompt-title", Static).render())
        assert "3/4 correct" in title
        assert "2 flipped (stored→new): #1 ✗→✓, #2 ✗→✓" in title
        options = app.screen.query_one("#generations", OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[0].startswith("#0    ✓ ") and "flipped" not in lines[0]
        assert lines[1].startswith("#1   ✗→✓") and "⇄ flipped" in lines[1]
        assert lines[3].startswith("#3    ✗ ")
        # w cycles all → wrong → right → flipped
        for _ in range(3):
            await pilot.press("w")
        await pilot.pause()
        assert app.screen.generations["sample"].to_list() == [1, 2]  # type: ignore[attr-defined]
        await pilot.press("w")  # back to all
        await pilot.pause()
        assert app.screen.generations.height == 4  # type: ignore[attr-defined]


async def test_summary_screen_accuracy_under_both(graded: Path, rescore_app: Any) -> None:
    app = rescore_app(graded)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.report)  # type: ignore[attr-defined]
        shown = console.export_text()
        assert "Re-scored with exact" in shown
        assert "accuracy 0.583 stored → 0.667 new · 3 verdicts flipped (2 to correct, 1 to" in shown


async def test_keys_pressed_while_loading_and_rescoring(graded: Path, rescore_app: Any) -> None:
    app = rescore_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        # before anything is shown, and while re-scoring: the disagree filter (says to wait,
        # or applies), help and back, moves
        await pilot.press("d", "question_mark", "escape", "j", "k", "d", "s", "escape")
        await settle(pilot)
        assert app.result is not None and "n_flipped" in app.result.stats.columns
        assert app.screen is app.main and not app.rescoring
        await pilot.press("c", "d")
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 2
        await pilot.press("enter")
        await settle(pilot)
        assert "flipped (stored→new)" in str(app.screen.query_one("#prompt-title").render())


async def test_without_rescore_d_says_how(graded: Path, rescore_app: Any) -> None:
    app = rescore_app(graded, scorer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.rows.height == 3  # type: ignore[union-attr]
        shown = [n.message for n in app._notifications]
        assert any("--rescore NAME" in m for m in shown)


async def test_an_unusable_scorer_keeps_the_stored_scores(graded: Path, rescore_app: Any) -> None:
    app = rescore_app(graded, scorer="no_such_module_here:f")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.rows.height == 3
        assert "n_flipped" not in app.rows.columns
        assert app.rescoring is False
        assert any("cannot import scorer module" in n.message for n in app._notifications)


async def test_x_stops_a_running_rescore(graded: Path, rescore_app: Any) -> None:
    # a user scorer in worker processes, slow enough that x comes first
    scorer = graded / "slow.py"
    scorer.write_text(
        "import time\ndef score(g, r, rec):\n    time.sleep(30)\n    return True\n",
        encoding="utf-8",
    )
    app = rescore_app(graded / "graded", scorer=f"{scorer}:score")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "load"])
        for _ in range(50):
            await pilot.pause(0.1)
            if app.rescoring:
                break
        assert app.rescoring
        assert app.main.check_action("cancel_load", ()) is True
        await pilot.press("x")
        await settle(pilot)
        assert app.rescoring is False
        assert "n_flipped" not in app.result.stats.columns  # type: ignore[union-attr]
        assert app.rows is not None and app.rows.height == 3
        assert pl.Series(app.rows["average_accuracy"]).round(3).to_list() == [0.25, 0.75, 0.75]


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_exports_after_a_rescore(
    graded: Path, rescore_app: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    from textual.widgets import Input

    from evaltui.app.screens.export import ExportScreen
    from evaltui.data.marks import manifest_path

    app = rescore_app(graded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("d")  # the two prompts that disagree
        await settle(pilot)
        for kind, name in (("combined", "v.json"), ("records", "r.jsonl")):
            await pilot.press("e")
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            screen.query_one(f"#kind-{kind}").value = True  # type: ignore[attr-defined]
            await pilot.pause()
            screen.query_one("#export-path", Input).value = str(tmp_path / name)
            await pilot.click("#export-go")
            await settle(pilot)
    # the combined JSON: re-scored stats, the stored ones beside, the flips
    combined = {r["prompt"][:9]: r for r in json.loads((tmp_path / "v.json").read_text())}
    assert set(combined) == {"Problem 0", "Problem 1"}
    p0 = combined["Problem 0"]
    assert (p0["average_accuracy"], p0["stored_average_accuracy"]) == (0.75, 0.25)
    assert (p0["n_flipped"], p0["n_flipped_to_correct"], p0["n_flipped_to_wrong"]) == (2, 2, 0)
    assert combined["Problem 1"]["n_flipped_to_wrong"] == 1
    # and it names its scorer, as the records' manifest does (it said nothing of the re-score)
    assert (
        json.loads(manifest_path(tmp_path / "v.json").read_text())["evaltui"]["rescored_with"]
        == "exact"
    )
    # the records: the original lines unchanged (the stored scores), the new ones in the manifest
    original = (graded / "graded" / "samples.jsonl").read_text().splitlines()
    records = (tmp_path / "r.jsonl").read_text().splitlines()
    assert records == original[:8]
    mark = json.loads(manifest_path(tmp_path / "r.jsonl").read_text())["evaltui"]
    assert mark["rescored_with"] == "exact"
    (source,) = mark["sources"]
    beside = source["rescored"]
    assert [b["line"] for b in beside] == list(range(1, 9))
    assert [b["stored_accuracy"] for b in beside] == [[json.loads(r)["accuracy"]] for r in records]
    assert [b["new_accuracy"][0] for b in beside] == [1, 1, 1, 0, 1, 0, 1, 0]
    assert all(b["score_status"] == ["ok"] for b in beside)


async def test_a_warm_load_reads_the_text_back_for_the_scorer(
    graded: Path, rescore_app: Any
) -> None:
    # the first run caches the rows (a warm app load then keeps no generation text); the second
    # re-scores with a scorer that reads the text, in worker processes
    first = rescore_app(graded, scorer=None)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    app = rescore_app(graded, scorer="tests.data.rescore_scorers:contains_reference")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result is not None and "n_flipped" in app.result.stats.columns, [
            n.message for n in app._notifications
        ]
        by_prompt = {r["prompt"][:9]: r["n_flipped"] for r in app.rows.iter_rows(named=True)}  # type: ignore[union-attr]
        assert by_prompt == {"Problem 0": 2, "Problem 1": 1, "Problem 2": 0}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_export_dialog_and_its_wrote_line_say_the_scores_are_rescored(
    graded: Path, rescore_app: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """After a re-score the export holds the new scores; the dialog and its "wrote 6 prompts"
    line (for 3 prompts of 2 runs) said nothing of it."""
    import shutil

    from textual.widgets import Button, Input

    from evaltui.app.screens.export import ExportScreen

    shutil.copytree(graded / "graded", graded / "graded-again")
    app = rescore_app(graded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        note = screen.query_one("#export-message", Static)
        assert note.display and "re-scored with exact (stored_* beside)" in str(note.render())
        screen.query_one("#kind-records").value = True  # type: ignore[attr-defined]
        await wait_until(
            pilot, lambda: "records unchanged; exact's scores in" in str(note.render())
        )
        assert "records unchanged; exact's scores in manifest" in str(note.render())
        screen.query_one("#kind-combined").value = True  # type: ignore[attr-defined]
        # on the message line, not one more, and one line: the buttons stay on screen (waited
        # for: the line is laid out a refresh after its text; one pause read the records' note's
        # two lines under load)
        path = screen.query_one("#export-path", Input)
        await wait_until(
            pilot,
            lambda: (
                path.value == screen.default_path("combined")
                and str(note.render()) == screen.quiet_note("combined")
                and note.region.height == 1
            ),
            30,
        )
        go = screen.query_one("#export-go", Button)
        assert go.region.bottom <= size[1] - 1 and go.region.height > 0
        path.value = str(tmp_path / "v.json")
        await pilot.click("#export-go")
        await settle(pilot)
        told = [n.message for n in app._notifications if n.title == "exported"]
        # (the path on lines of its own, broken at its folders: longer than the toast)
        assert len(told) == 1 and told[0].startswith("wrote 6 rows (run × prompt) to\n"), told
        assert told[0].endswith("v.json · scores re-scored with exact"), told
    rows = json.loads((tmp_path / "v.json").read_text())
    assert len(rows) == 6 and all("stored_average_accuracy" in r for r in rows)


async def test_the_export_dialog_says_nothing_of_scores_without_a_rescore(
    graded: Path, rescore_app: Any
) -> None:
    from evaltui.app.screens.export import ExportScreen

    app = rescore_app(graded, scorer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        assert str(app.screen.query_one("#export-message", Static).render()) == ""


async def test_the_status_line_names_the_scorer_of_the_scores_shown(
    graded: Path, rescore_app: Any
) -> None:
    """After a re-score the accuracy column holds the new scores; no line of the table named
    the scorer (the header says "stored accuracy", the progress line is gone)."""
    app = rescore_app(graded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = str(app.main.query_one("#status", Static).render())
        assert status == "Showing 3 of 3 prompts · all prompts · re-scored: exact", status
        await pilot.press("d")
        await settle(pilot)
        status = str(app.main.query_one("#status", Static).render())
        assert status.endswith("stored and new scores disagree · re-scored: exact"), status


async def test_the_status_line_names_no_scorer_without_a_rescore(
    graded: Path, rescore_app: Any
) -> None:
    app = rescore_app(graded, scorer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "re-scored" not in str(app.main.query_one("#status", Static).render())


async def test_a_long_scorer_name_is_cut_in_the_middle_to_fit_the_status_line(
    graded: Path, rescore_app: Any, tmp_path: Path
) -> None:
    """Two runs at 80 columns: "Showing 6 of 6 rows (run × prompt) · all prompts" left no room
    for a scorer file's path, whose end (the file and function) was cut off the line."""
    import shutil

    shutil.copytree(graded / "graded", graded / "graded-again")
    scorer = tmp_path / "some" / "deeply" / "nested" / "folder" / "my_scorer.py"
    scorer.parent.mkdir(parents=True)
    scorer.write_text("def score(g, r, rec):\n    return r in g\n", encoding="utf-8")
    app = rescore_app(graded, scorer=f"{scorer}:score")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = str(app.main.query_one("#status", Static).render())
        assert status.startswith("Showing 6 of 6 rows (run × prompt) · all prompts · re-scored")
        # the file's name, not its folders (t gives the path), cut in the middle to fit
        assert status.endswith(":score") and "my_sc" in status and "nested" not in status
        assert cell_width(status) <= 78, status


async def test_summary_screen_says_a_continuous_stored_score_is_a_mean(
    tmp_path: Path, rescore_app: Any
) -> None:
    """A run whose stored score is no accuracy (lm-eval's bleu_max, mae): the summary said
    ``gpt-neo-125M: accuracy 19.684 stored → 19.684 new``, ``gpt-4o-mini: accuracy inf
    stored``. By hand: stored scores 20, 40 (p0), 30, 70 (p1): mean 40; exact gives 1 to the
    boxed 4 and 6 (the references), 0 to the others: 2 of 4."""
    rows = [
        {"prompt": "p0", "gen": "\\boxed{4}", "answer": "4", "score": 20},
        {"prompt": "p0", "gen": "\\boxed{5}", "answer": "4", "score": 40},
        {"prompt": "p1", "gen": "\\boxed{6}", "answer": "6", "score": 30},
        {"prompt": "p1", "gen": "\\boxed{7}", "answer": "6", "score": 70},
    ]
    folder = tmp_path / "evals" / "graded"
    folder.mkdir(parents=True)
    text = "".join(json.dumps(r) + "\n" for r in rows)
    (folder / "samples.jsonl").write_text(text, encoding="utf-8")
    app = rescore_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.report)  # type: ignore[attr-defined]
        shown = console.export_text()
        assert "graded: mean score 40 stored → accuracy 0.500 new" in shown, shown
        # The stored 0-100 score has no "correct": no verdict could flip ("0 verdicts flipped
        # (0 to correct, 0 to wrong)" was no count), here and in the header.
        assert "new · no stored verdicts to flip (the stored score has no 'correct'" in shown
        assert "verdicts flipped" not in shown, shown
        assert "no stored verdicts to flip" in header(app) and "flipped" not in header(app)


def write_acc_and_bleu_runs(evals: Path, acc_scores: list[int]) -> None:
    """Two plain runs of prompts p0, p1 (two generations each): ``acc`` scored 0/1 by
    ``acc_scores``, ``bleu`` scored 20, 40, 30, 70 (no accuracy)."""
    for run, scores in (("acc", acc_scores), ("bleu", [20, 40, 30, 70])):
        folder = evals / run
        folder.mkdir(parents=True)
        rows = [
            {"prompt": f"p{i // 2}", "gen": f"\\boxed{{{i}}}", "answer": "0", "score": score}
            for i, score in enumerate(scores)
        ]
        text = "".join(json.dumps(r) + "\n" for r in rows)
        (folder / "samples.jsonl").write_text(text, encoding="utf-8")


async def test_header_stored_accuracy_leaves_out_a_run_whose_score_is_no_accuracy(
    tmp_path: Path, rescore_app: Any
) -> None:
    """Two runs: one scored 0/1 (stored accuracy 2 of 4 = 0.500), one with scores 20-70 (a
    mean of 40, no accuracy). The header said ``stored accuracy acc 0.500 / bleu 40.000`` (with
    5 lm-eval runs, ``stored accuracy 0.417–inf by run``: a mean mae in an accuracy range)."""
    write_acc_and_bleu_runs(tmp_path / "evals", [1, 0, 1, 0])
    app = rescore_app(tmp_path / "evals")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        shown = header(app)
        assert "stored accuracy acc 0.500 ·" in shown, shown
        assert "40.000" not in shown


async def test_one_flipped_verdict_is_counted_in_the_singular(
    tmp_path: Path, rescore_app: Any
) -> None:
    """One verdict flipped by the re-score: the header and the summary said "1 verdicts
    flipped" (and the summary "in 1 prompts")."""
    rows = [
        {"prompt": "what is 2 + 2?", "gen": f"\\boxed{{{answer}}}", "answer": "4", "accuracy": 1}
        for answer in ("4", "5")  # the stored grader passed the wrong one: ✓→✗ once
    ]
    (tmp_path / "evals" / "one").mkdir(parents=True)
    text = "".join(json.dumps(r) + "\n" for r in rows)
    (tmp_path / "evals" / "one" / "samples.jsonl").write_text(text, encoding="utf-8")
    app = rescore_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "1 verdict flipped (d)" in header(app), header(app)
        await pilot.press("t")
        await settle(pilot)
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.report)  # type: ignore[attr-defined]
        shown = console.export_text()
        assert "1 verdict flipped (0 to correct, 1 to wrong) in 1 prompt\n" in shown, shown


async def test_the_stored_column_of_a_score_that_is_no_accuracy_is_not_headed_accuracy(
    tmp_path: Path, rescore_app: Any
) -> None:
    """Re-scored, a run whose stored score is a bleu (20-70, a mean of 30 and 50 per prompt)
    had its stored means under the header ``stored acc`` (lm-eval's gpt-neo bleu_max run showed
    41.113 there, gpt-4o-mini's mae inf). The column is ``stored score`` then, and the filter
    knows it by that name; with only a 0/1 run shown (``r``), it is ``stored acc`` again."""
    write_acc_and_bleu_runs(tmp_path / "evals", [1, 0, 1, 1])
    app = rescore_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def labels() -> list[str]:
            table = app.main.current_table()
            assert table is not None
            return [str(c.label) for c in table.ordered_columns]

        assert "stored score" in labels() and "stored acc" not in labels(), labels()
        app.main.action_focus_filter()
        await pilot.press(*"stored_score > 40", "enter")
        await settle(pilot)
        assert app.rows is not None
        assert app.rows.select("run", "stored_average_accuracy").rows() == [("bleu", 50.0)]
        await pilot.press("escape", "c", "r")  # the first run alone: acc, scored 0/1
        await settle(pilot)
        assert set(app.rows["run"].to_list()) == {"acc"}
        assert "stored acc" in labels() and "stored score" not in labels(), labels()


async def test_a_generation_the_re_score_gave_no_verdict_keeps_its_stored_one_beside(
    tmp_path: Path, rescore_app: Any
) -> None:
    """A scorer that returns None for one generation and raises on another: their new score is
    none, so their lines say stored→– (a bare – hid whether the stored grader had passed them,
    as it hid it for a timeout); a generation scored alike shows its one verdict."""
    rows = [
        {"prompt": "p", "answer": "4", "accuracy": 1, "gen": "SKIP \\boxed{4}"},
        {"prompt": "p", "answer": "4", "accuracy": 0, "gen": "RAISE \\boxed{5}"},
        {"prompt": "p", "answer": "4", "accuracy": 0, "gen": "plain \\boxed{4}"},
    ]
    (tmp_path / "evals" / "run").mkdir(parents=True)
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    (tmp_path / "evals" / "run" / "a.jsonl").write_text(text, encoding="utf-8")
    app = rescore_app(tmp_path / "evals", scorer="tests.data.rescore_scorers:picky")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one("#generations", OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        marks = [line.split()[1] for line in lines]
        assert marks == ["✓→–", "✗→–", "0.250"]
        assert "scorer error" in lines[1]
        # 0.25 is the new score of a stored ✗: the verdicts agree, no arrow
        assert "0.250 ✗" in lines[2] and "→" not in lines[2]


async def test_the_flipped_count_stays_in_the_header_at_80_columns(
    tmp_path: Path, rescore_app: Any
) -> None:
    """Two runs of long real model names re-scored by exact, at 80x24: the header's flipped
    count (the one number the re-score was asked for) was left off: "runs 2 · prompts 3 ·
    accuracy 0.667 (t) · stored accuracy 0.583 by run · …" (sample_data's two runs: "… ·
    stored 0.619–0.625 · +7 (t)"). Now it stays on the line beside the accuracy; the stored
    accuracies may give way (t lists them)."""
    root = tmp_path / "evals"
    root.mkdir()
    for name in ("Meta-Llama-3.1-70B-Instruct", "DeepSeek-R1-Distill-Qwen-32B"):
        (write_graded(tmp_path / "made" / name) / "graded").rename(root / name)
    app = rescore_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.rows is not None and app.rows["run"].n_unique() == 2
        shown = header(app)
        assert "6 verdicts flipped (d)" in shown or "6 flipped (d)" in shown, shown
        assert all(cell_width(line) <= 80 for line in shown.splitlines()), shown
        await pilot.press("ctrl+q")
