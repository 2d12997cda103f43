"""A re-score whose verdicts may not be the task's says so, per file, with the scorer that
scores as the task did. The published negotiationtom run (lm-eval 0.4.13.dev0): its intention
task asks for letters and its own ``process_results`` maps them to labels (``A`` is
``Build-Rapport``); 4 of its 20 docs were correct. ``--scorer exact`` compares the letter with
the label and calls all 4 wrong: before, the summary said only "4 verdicts flipped (0 to
correct, 4 to wrong)", as if the model had been scored too kindly. The new verdicts stay the
scorer's; the doubt says why they may be wrong and names ``lm-eval:negotiationtom_intention``."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.loader import LoadOptions, load
from evaltui.data.rescore import RescoreOptions, rescore
from tests.data.test_real_world import NEGOTIATIONTOM
from tests.data.test_rescore_lm_eval import ASDIV

OPTS = LoadOptions(tokenize=False, use_cache=False)


def test_exact_on_a_task_with_its_own_process_results_says_so_per_file() -> None:
    result = load([NEGOTIATIONTOM], OPTS)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    intention = sorted(f.source for f in result.files if "intention" in f.source)
    assert len(intention) == 2
    assert [d.split(": ", 1)[0] for d in rescored.doubts] == intention
    for doubt in rescored.doubts:
        what = doubt.split(": ", 1)[1]
        assert what.startswith("exact calls wrong 4 of the 4 generations stored correct")
        assert (
            "no answer is any of the file's references as written (a generation stored correct "
            "answered 'A' to 'Build-Rapport'): the task's own scorer maps answers to references"
        ) in what
        assert "lm-eval:negotiationtom_intention scores as the task did" in what
    # Said, not changed: the verdicts are exact's.
    frame = result.generations.select("source", "accuracy").with_columns(rescored.scores)
    flipped = frame.filter(pl.col("accuracy") != pl.col("new_accuracy"))
    assert flipped.height == 8 and set(flipped["source"]) == set(intention)
    assert flipped["new_accuracy"].to_list() == [0.0] * 8


def test_a_scorer_that_agrees_with_the_stored_verdicts_raises_no_doubt() -> None:
    # asdiv by exact: 46 scored, none flipped (4 no answer).
    rescored = rescore(load([ASDIV], OPTS), RescoreOptions("exact", use_cache=False))
    assert rescored.doubts == []
    # The belief and desire tasks (multiple choice, default process_results): exact agrees.
    result = load([NEGOTIATIONTOM], OPTS)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    assert not [d for d in rescored.doubts if "belief" in d or "desire" in d]


def test_a_task_whose_verdicts_flip_but_whose_answers_can_be_references(tmp_path: Path) -> None:
    # Plain rows: the stored scorer called 3 answers correct that are not the reference, 1 right
    # one wrong; exact flips all 4. Answers and references have one form: no mapping is said,
    # and no lm-eval scorer named (a plain file).
    rows = [
        {"prompt": f"q{i}", "gen": f"The answer is {a}.", "answer": r, "accuracy": acc}
        for i, (a, r, acc) in enumerate(
            [("4", "5", 1), ("6", "7", 1), ("8", "9", 1), ("2", "2", 0)]
        )
    ]
    path = tmp_path / "graded.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = load([path], OPTS)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    assert len(rescored.doubts) == 1
    what = rescored.doubts[0].split(": ", 1)[1]
    assert what == (
        "exact calls wrong 3 of the 3 generations stored correct: the stored scorer may read "
        "answers in a way this one does not; check its stored verdicts before trusting the new "
        "ones"
    )


def test_the_rescore_command_says_the_doubt_and_the_scorer_to_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    code = main(["rescore", str(NEGOTIATIONTOM), "--scorer", "exact", "-o", str(out), "--no-cache"])
    assert code == 0 and out.exists()
    err = capsys.readouterr().err
    doubts = [line for line in err.splitlines() if line.startswith("doubt ")]
    assert len(doubts) == 1  # the two runs' files, one kind
    assert "2 files: exact calls wrong 4 of the 4 generations stored correct" in doubts[0]
    assert "lm-eval:negotiationtom_intention" in doubts[0]
    code = main(
        ["rescore", str(NEGOTIATIONTOM), "--scorer", "exact", "-o", str(out), "--no-cache", "-q"]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "evaltui: warning: exact disagrees with most stored verdicts of 2 files (without -q "
        "each is said, with the scorer that scores as its task did)"
    ]


def test_math_verify_on_answers_it_cannot_read_says_so_stored_verdicts_or_not() -> None:
    # The published popularity logs answer 'Yes'/'No': math-verify called every answer that is
    # the reference as written wrong (accuracy 0.800 -> 0.000), and the log without scores
    # (stored verdicts unknown, so none "flipped") read 0.000 new with nothing said.
    from tests.data.test_real_world import REAL

    folder = REAL / "repro_inspect_merge"
    result = load([folder], OPTS)
    rescored = rescore(result, RescoreOptions("math-verify", use_cache=False, workers=1))
    popularity = sorted(f.source for f in result.files if "popularity" in f.source)
    assert len(popularity) == 2
    assert sorted(d.split(": ", 1)[0] for d in rescored.doubts) == popularity
    for doubt in rescored.doubts:
        what = doubt.split(": ", 1)[1]
        assert what.startswith("math-verify calls wrong ")
        assert "whose answer is the reference as written (answers like '" in what
        assert what.endswith(": it does not read answers of this kind; exact reads them")
    # exact reads them: no doubt.
    assert rescore(result, RescoreOptions("exact", use_cache=False)).doubts == []


def test_a_user_scorers_doubt_quotes_one_generations_answer_and_reference(tmp_path: Path) -> None:
    """A user scorer calling wrong every generation stored correct, whose answers are none of the
    references: the doubt quoted the first answer and the first reference, each cut at 20 cells,
    and read 'no answer is one of its references (answers like 'Build-Rapport strat…',
    references like 'Build-Rapport strat…'): the task's own scorer maps answers to references'
    of a plain file that has no task. Now one generation's answer and its reference, cut to read
    apart, and what the stored scores did."""
    path = tmp_path / "run" / "d.jsonl"
    path.parent.mkdir()
    lines = [
        {
            "prompt": f"Q{i}",
            "gen": f"so \\boxed{{Build-Rapport strategy {i}}}",
            "answer": f"Build-Rapport strategy {i}-b",
            "accuracy": 1,
        }
        for i in range(6)
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    scorer = "tests.data.rescore_scorers:contains_reference"
    rescored = rescore(load([path], OPTS), RescoreOptions(scorer, use_cache=False))
    assert len(rescored.doubts) == 1
    what = rescored.doubts[0].split(": ", 1)[1]
    assert what == (
        f"{scorer} calls wrong 6 of the 6 generations stored correct; no answer is any of the "
        "file's references as written (a generation stored correct answered 'Build-Rapp…trategy"
        " 0' to 'Build-Rapp…ategy 0-b'): the stored scores took other answers for the references"
        " (a task's own scorer may map one to the other); check its stored verdicts before"
        " trusting the new ones"
    ), what
