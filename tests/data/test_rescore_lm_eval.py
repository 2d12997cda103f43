"""``lm-eval:<task>`` re-scoring: the task's own filters and process_results, applied to its logged
samples, reproduce the harness's stored per-sample metric when nothing changed."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data import lm_eval_scorer
from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.rescore import ERROR, OK, TIMEOUT, RescoreOptions, ScorerUnavailable, rescore

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
LM_EVAL = FIXTURES / "formats" / "lm_eval"
TOY_TASKS = LM_EVAL / "tasks"  # the YAMLs the toy runs were made with (custom tasks)
REAL = FIXTURES / "real_world" / "lm_eval"
TRUTHFULQA = REAL / "lm-evaluation-harness" / "results"
ASDIV = FIXTURES / "app" / "lm_eval_asdiv"
HAVE_LM_EVAL = importlib.util.find_spec("lm_eval") is not None
needs_lm_eval = pytest.mark.skipif(
    not HAVE_LM_EVAL, reason="lm_eval is not installed (pip install -e '.[test]' installs it)"
)
OPTS = LoadOptions(use_cache=False, tokenize=False)


def copied(tmp_path: Path, *folders: Path) -> LoadResult:
    """The fixtures under one temp folder (its source names do not depend on the checkout)."""
    for folder in folders:
        shutil.copytree(folder, tmp_path / "in" / folder.name)
    return load([tmp_path / "in"], OPTS)


def both(result: LoadResult, **options: object) -> pl.DataFrame:
    rescored = rescore(result, RescoreOptions("lm-eval", use_cache=False, **options))  # type: ignore[arg-type]
    return pl.concat(
        [
            result.generations.select("source", "line", "accuracy", "prompt_score", "metric"),
            rescored.scores,
        ],
        how="horizontal",
    )


def assert_reproduced(frame: pl.DataFrame) -> None:
    """Every stored per-sample metric is there again, exactly (a doc-level one as the prompt's)."""
    assert frame["score_status"].to_list() == [OK] * frame.height, frame["score_message"].unique()
    stored = frame.filter(pl.col("accuracy").is_not_null())
    assert stored.height > 0
    assert stored["new_accuracy"].to_list() == pytest.approx(stored["accuracy"].to_list())
    docs = frame.filter(pl.col("prompt_score").is_not_null())
    assert docs["new_prompt_score"].to_list() == pytest.approx(docs["prompt_score"].to_list())


@needs_lm_eval
def test_installed_task_loglikelihood_asdiv_reproduces_acc(tmp_path: Path) -> None:
    # lm-eval 0.4.3's published asdiv run (multiple choice by log-likelihood, metric acc): 50 docs
    frame = both(copied(tmp_path, ASDIV))
    assert frame.height == 50 and set(frame["metric"]) == {"acc"}
    assert_reproduced(frame)


@needs_lm_eval
def test_installed_task_generation_truthfulqa_reproduces_bleu_max(tmp_path: Path) -> None:
    # a published truthfulqa_gen run: process_results computes BLEU/ROUGE against the doc's
    # correct and incorrect answers (the doc carries them; nothing is downloaded)
    folder = tmp_path / "tq"
    folder.mkdir()
    shutil.copy(next(TRUTHFULQA.glob("samples_truthfulqa_gen_*.jsonl")), folder)
    frame = both(copied(tmp_path, folder))
    assert frame.height == 20 and set(frame["metric"]) == {"bleu_max"}
    assert_reproduced(frame)
    assert frame["new_accuracy"].n_unique() > 5  # real BLEU values, not 0/1


@needs_lm_eval
def test_custom_tasks_with_filters_repeats_and_process_results(tmp_path: Path) -> None:
    # lm-eval 0.4.13's own files for custom tasks: two regex filters, majority vote over 4
    # repeats (3 filters), a custom filter + process_results (pass@k), multiple choice
    result = copied(tmp_path, LM_EVAL / "outputs")
    frame = both(result, include_path=TOY_TASKS)
    assert_reproduced(frame)
    maj = frame.filter(pl.col("source").str.contains("toy_math_maj"))
    assert maj.height == 48 and maj["new_prompt_score"].null_count() == 0
    # score-first and maj@4 score each repeat alone through the filter; maj@2 (take_first_k 2)
    # cannot, and says so
    runs = result.generations.filter(pl.col("source").str.contains("toy_math_maj"))["run"]
    alone = maj.with_columns(runs.alias("run"))
    two = alone.filter(pl.col("run").str.ends_with("maj@2"))
    assert two["new_accuracy"].null_count() == two.height
    assert two["score_message"].str.contains("scores the repeats only together").all()
    first = alone.filter(pl.col("run").str.ends_with("score-first"))
    assert first["new_accuracy"].null_count() == 0


@needs_lm_eval
def test_a_changed_stored_metric_is_found(tmp_path: Path) -> None:
    # the second mid-2024 file is the first with acc set to 0 on its first 3 lines: re-applying
    # the task gives 1 there again, and the other 17 generations are unchanged
    frame = both(copied(tmp_path, LM_EVAL / "mid2024_json"))
    changed = frame.filter(pl.col("accuracy") != pl.col("new_accuracy"))
    assert changed.height == 3
    assert changed["source"].str.contains("2024-06-02").all()
    assert sorted(changed["line"].to_list()) == [1, 2, 3]
    assert changed["new_accuracy"].to_list() == [1.0, 1.0, 1.0]


@needs_lm_eval
def test_tasks_lm_eval_does_not_know_are_named_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "custom"
    folder.mkdir()
    for name in ("samples_toy_mc_*.jsonl", "results_*.json"):
        for path in (LM_EVAL / "outputs" / "run_scripted").rglob(name):
            shutil.copy(path, folder)
    result = load([folder], OPTS)
    rescored = rescore(result, RescoreOptions("lm-eval", use_cache=False))
    assert set(rescored.scores["score_status"]) == {lm_eval_scorer.NOT_SCORED}
    assert len(rescored.notes) == 1
    assert "samples_toy_mc_" in rescored.notes[0]
    assert "'toy_mc' is not among the installed lm_eval" in rescored.notes[0]
    assert "--include-path" in rescored.notes[0]


@needs_lm_eval
def test_a_named_task_scores_its_files_only(tmp_path: Path) -> None:
    result = copied(tmp_path, LM_EVAL / "outputs")
    options = RescoreOptions("lm-eval:toy_mc", use_cache=False, include_path=TOY_TASKS)
    rescored = rescore(result, options)
    frame = pl.concat([result.generations.select("source"), rescored.scores], how="horizontal")
    mc = frame.filter(pl.col("source").str.contains("toy_mc"))
    assert mc["score_status"].to_list() == [OK, OK]
    rest = frame.filter(~pl.col("source").str.contains("toy_mc"))
    assert set(rest["score_status"]) == {lm_eval_scorer.NOT_SCORED}
    assert all("holds task" in note and "not 'toy_mc'" in note for note in rescored.notes)
    with pytest.raises(
        ScorerUnavailable, match="no loaded lm-eval samples file holds task 'gsm8k'"
    ):
        rescore(result, RescoreOptions("lm-eval:gsm8k", use_cache=False))


@needs_lm_eval
def test_cached_per_file_and_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ASDIV, tmp_path / "in")
    out = tmp_path / "rescored.json"
    argv = ["rescore", str(tmp_path / "in"), "--scorer", "lm-eval:asdiv", "-o", str(out)]
    argv += ["--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 0
    first = json.loads(out.read_text())
    assert len(first) == 50
    assert all(r["average_accuracy"] == r["stored_average_accuracy"] for r in first)
    assert all(r["n_flipped"] == 0 for r in first)
    capsys.readouterr()
    assert main(argv) == 0
    assert "cache hits   1 of 1 file" in capsys.readouterr().err  # was '1 files'
    assert json.loads(out.read_text()) == first


def test_without_lm_eval_the_message_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = copied(tmp_path, ASDIV)
    real = importlib.util.find_spec

    def missing(name: str, *args: object) -> object:
        return None if name == "lm_eval" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", missing)
    with pytest.raises(ScorerUnavailable, match=r"needs the lm_eval package.*\.\[lmeval\]"):
        rescore(result, RescoreOptions("lm-eval:asdiv", use_cache=False))


@needs_lm_eval
def test_a_hanging_or_raising_process_results_costs_its_record_only(tmp_path: Path) -> None:
    # toy_math_gen with its own process_results: it hangs on doc p0 (a loop no signal stops
    # from Python's side of things: the worker is killed at the timeout) and raises on p1; the
    # other records are scored by exact match as the task would, in the worker processes
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    yaml = (TOY_TASKS / "toy_math_gen.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace(
        "metric_list:", "process_results: !function utils_odd.process\nmetric_list:"
    )
    (tasks / "toy_math_gen.yaml").write_text(yaml, encoding="utf-8")
    (tasks / "utils_odd.py").write_text(
        "import time\n"
        "def process(doc, results):\n"
        "    if doc['id'] == 'p0':\n"
        "        while True:\n"
        "            time.sleep(0.01)\n"
        "    if doc['id'] == 'p1':\n"
        "        raise ValueError('no answer for p1')\n"
        "    return {'exact_match': float(results[0].strip().rstrip('.') == doc['answer'])}\n",
        encoding="utf-8",
    )
    folder = tmp_path / "gen"
    folder.mkdir()
    for path in (LM_EVAL / "outputs" / "run_scripted").rglob("samples_toy_math_gen_*.jsonl"):
        shutil.copy(path, folder)
    result = copied(tmp_path, folder)
    options = RescoreOptions(
        "lm-eval:toy_math_gen", use_cache=False, include_path=tasks, timeout=2, workers=2
    )
    rescored = rescore(result, options)
    frame = pl.concat(
        [result.generations.select("prompt_id", "accuracy"), rescored.scores], how="horizontal"
    )
    docs = frame["prompt_id"].str.extract(r":(\d+)$").cast(pl.Int64)
    frame = frame.with_columns(docs.alias("doc"))
    assert frame.height == 8  # 4 docs x 2 filters
    hung = frame.filter(pl.col("doc") == 0)
    assert hung["score_status"].to_list() == [TIMEOUT, TIMEOUT]
    assert hung["score_message"].str.contains("no result within 2 s").all()
    raised = frame.filter(pl.col("doc") == 1)
    assert raised["score_status"].to_list() == [ERROR, ERROR]
    assert raised["score_message"].str.contains("ValueError: no answer for p1").all()
    rest = frame.filter(pl.col("doc") >= 2)
    assert rest["score_status"].to_list() == [OK] * 4
    assert rest["new_accuracy"].to_list() == rest["accuracy"].to_list()
    assert rescored.counts == {TIMEOUT: 2, ERROR: 2, OK: 4}


@needs_lm_eval
def test_a_grown_samples_file_sends_only_its_new_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data import rescore as rescore_module
    from evaltui.data.rescore import ScoreMemo

    run = LM_EVAL / "outputs" / "run_scripted" / "toy-org__scripted-model-v1"
    folder = tmp_path / "in" / run.name
    folder.mkdir(parents=True)
    shutil.copy(run / "results_2026-11-23T19-49-48.073567.json", folder)
    name = "samples_toy_math_maj_2026-11-23T19-49-48.073567.jsonl"
    lines = (run / name).read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(lines) // 2
    (folder / name).write_text("".join(lines[:half]), encoding="utf-8")
    sent: list[int] = []
    add = rescore_module._Pool.add

    def counted(pool: Any, items: list[Any]) -> None:
        sent.extend(item[3]["record"]["doc_id"] for item in items)
        add(pool, items)

    monkeypatch.setattr(rescore_module._Pool, "add", counted)
    options = RescoreOptions("lm-eval", use_cache=False, include_path=TOY_TASKS, workers=1)
    memo = ScoreMemo()
    first = rescore(load([tmp_path / "in"], OPTS), options, memo=memo)
    assert not first.cancelled and len(sent) == half
    with (folder / name).open("a", encoding="utf-8") as handle:
        handle.writelines(lines[half:])  # the writer appends the rest
    sent.clear()
    grown = load([tmp_path / "in"], OPTS)
    again = rescore(grown, options, memo=memo)
    new_docs = [json.loads(line)["doc_id"] for line in lines[half:]]
    assert sorted(sent) == sorted(new_docs)  # the records scored before are not sent again
    fresh = rescore(grown, options)
    assert again.scores.equals(fresh.scores)
    assert again.scores["score_status"].to_list() == [OK] * grown.generations.height
