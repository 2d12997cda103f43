"""A score's direction from its name, when the format does not say it.

A plain file scored by ``--score-field bleu`` (0-100), ``rougeL``, ``win rate``, ``pass@1``, an
``accuracy`` in percent, and lm-eval samples without their results file (truthfulqa's
``bleu_max``), all said "direction unknown": compare then counted rises and falls, never
improvements, and ``--correct-threshold`` took nothing of a name everyone reads. A name of a
loss (``mae``, ``rmse``, ``perplexity``) already said lower is better. Both come from one table
(:func:`evaltui.data.metrics.name_direction`), which the plain reader and the run kinds share.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltui.data.loader import LoadOptions, ReadOptions, load
from evaltui.data.metrics import ScoreKind, run_kinds
from tests.conftest import write_jsonl

RESULTS = Path(__file__).parent.parent / "fixtures" / "real_world" / "lm_eval"
TRUTHFULQA = (
    RESULTS
    / "lm-evaluation-harness"
    / "results"
    / "samples_truthfulqa_gen_2025-05-31T14-30-51.983293.jsonl"
)


def plain_run(tmp_path: Path, field: str, values: list[float]) -> Path:
    return write_jsonl(
        tmp_path / "run" / "r.jsonl",
        [
            {"prompt": f"q{i}", "gen": "so 1", "answer": "1", field: value}
            for i, value in enumerate(values)
        ],
    )


def kind_of(path: Path, score_field: str | None = None, metric: str | None = None) -> ScoreKind:
    read = ReadOptions(score_field=score_field, metric=metric)
    result = load([path], LoadOptions(tokenize=False, use_cache=False, read=read))
    (kind,) = run_kinds(result.stats).values()
    return kind


PERCENT = [0.0, 12.5, 40.0, 88.0]
LOSSES = [0.1, 2.5, 0.7, 5.0]


@pytest.mark.parametrize(
    ("field", "values", "higher"),
    [
        ("bleu", PERCENT, True),
        ("rougeL", PERCENT, True),
        ("rouge1", PERCENT, True),
        ("f1", PERCENT, True),
        ("win rate", PERCENT, True),
        ("winrate", PERCENT, True),
        ("exact_match", PERCENT, True),
        ("pass@1", PERCENT, True),
        ("accuracy", PERCENT, True),  # a percentage, found without the flag too
        ("reward", [-1.0, -0.5, 0.3, 1.5], True),
        ("mae", LOSSES, False),
        ("rmse", LOSSES, False),
        ("loss", LOSSES, False),
        ("perplexity", [1.1, 2.5, 7.0, 50.0], False),
        ("val/loss", LOSSES, False),
        ("neg_log_likelihood", LOSSES, False),  # a likelihood's name, negated: a loss
        ("judge", PERCENT, None),  # says nothing: not invented
        ("score", PERCENT, None),
    ],
)
def test_a_plain_score_fields_name_gives_its_direction(
    tmp_path: Path, field: str, values: list[float], higher: bool | None
) -> None:
    kind = kind_of(plain_run(tmp_path, field, values), score_field=field)
    assert kind.kind == "continuous"
    assert kind.higher_is_better is higher, kind
    said = {True: "higher is better", False: "lower is better", None: "direction unknown"}
    assert kind.describe().endswith(said[higher]), kind.describe()


def test_lm_eval_samples_without_their_results_file_take_the_metrics_name(tmp_path: Path) -> None:
    """truthfulqa's samples alone (the results file that says ``higher_is_better`` left
    behind): its ``bleu_max`` 0-100 said "direction unknown"; ``--metric`` of a name whose
    direction is known takes it too."""
    folder = tmp_path / "tq"
    folder.mkdir()
    (folder / TRUTHFULQA.name).write_bytes(TRUTHFULQA.read_bytes())
    kind = kind_of(folder)
    assert (kind.metric, kind.kind, kind.higher_is_better) == ("bleu_max", "continuous", True)
    assert kind.describe() == "bleu_max: continuous 2.84–61.48, higher is better"
    kind = kind_of(folder, metric="rougeL_max")
    assert (kind.metric, kind.higher_is_better) == ("rougeL_max", True)


def test_a_lower_is_better_name_makes_the_hard_prompts_the_high_ones(tmp_path: Path) -> None:
    """``--correct-threshold 1`` of a plain ``val/loss`` (a trainer's logged name): correct is at
    most 1, so 'never solved' are the prompts of high loss (it took the low ones, >= 1 assumed),
    and a bleu's correct is at least its threshold."""
    from evaltui.cli import main

    path = plain_run(tmp_path, "val/loss", LOSSES)
    out = tmp_path / "never.jsonl"
    common = ["--no-cache", "-q", "--score-field", "val/loss", "--correct-threshold", "1"]
    assert main(["export", str(path), "--quick", "never", "-o", str(out), *common]) == 0
    never = [json.loads(line)["val/loss"] for line in out.read_text().splitlines()]
    assert never == [2.5, 5.0]
    bleu = plain_run(tmp_path / "b", "bleu", PERCENT)
    out = tmp_path / "never_bleu.jsonl"
    common = ["--no-cache", "-q", "--score-field", "bleu", "--correct-threshold", "30"]
    assert main(["export", str(bleu), "--quick", "never", "-o", str(out), *common]) == 0
    never = [json.loads(line)["bleu"] for line in out.read_text().splitlines()]
    assert never == [0.0, 12.5]
