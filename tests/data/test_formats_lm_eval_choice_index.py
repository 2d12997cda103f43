"""lm-eval generative tasks whose target indexes ``doc_to_choice``, at the edges of that index.

``ConfigurableTask.process_results`` of a generative task that sets doc_to_choice takes the
reference as ``choices[doc_to_target(doc)]`` (lm_eval/api/task.py, 0.4.0 → 0.4.13): a Python
index, so a negative label (``-1``, how GLUE/SuperGLUE test splits mark an unlabelled doc)
is the last choice, and an index past the end raised. The record's ``target`` is the index
(its ``str()`` since 0.4.3). Before 0.4.0 (the big-refactor versions of mid 2023, whose
``--log_samples`` wrote ``<model_args>_<task>.jsonl`` as one JSON array beside
``results.json``) the same task was ``output_type: greedy_until``.

Built from the super_glue t5-prompt fixture (``t5_prompt/README.md``): three CB docs, choices
``['entailment', 'contradiction', 'neutral']``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.rescore import RescoreOptions, rescore

FIXTURE = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "formats"
    / "lm_eval"
    / "t5_prompt"
    / "google__flan-t5-base"
)
TASK = "super_glue-cb-t5-prompt"
DATE = "2025-03-04T10-11-12.345678"


def fixture() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The fixture's results file and its three records."""
    results = json.loads((FIXTURE / f"results_{DATE}.json").read_text(encoding="utf-8"))
    text = (FIXTURE / f"samples_{TASK}_{DATE}.jsonl").read_text(encoding="utf-8")
    return results, [json.loads(line) for line in text.splitlines()]


def load_clean(folder: Path) -> LoadResult:
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    return result


def test_a_negative_label_is_the_choice_lm_eval_scored_against(tmp_path: Path) -> None:
    # Doc 0 of a test split labelled -1: lm-eval's choices[-1] is 'neutral', the reply
    # 'neutral' scored 1.0 against it. Doc 1's target 5 indexes no choice (a config that is
    # not the run's): shown as it is. Old code: '-1' as the reference beside a 1.0 (rescore
    # --scorer exact turned it wrong), and neither said anything.
    results, records = fixture()
    records[0].update(target="-1", resps=[["neutral"]], filtered_resps=["neutral"], exact_match=1.0)
    records[1].update(target="5")
    folder = tmp_path / "google__flan-t5-base"
    folder.mkdir()
    (folder / f"results_{DATE}.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / f"samples_{TASK}_{DATE}.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    result = load_clean(tmp_path)
    assert result.generations.select("answer", "gen", "accuracy").rows() == [
        ("neutral", "neutral", 1.0),
        ("5", "neutral", 0.0),
        ("contradiction", "contradiction", 1.0),
    ]
    source = f"google__flan-t5-base/samples_{TASK}_{DATE}.jsonl"
    said = [n for n in result.notes if "index" in n]
    assert said[1:] == [
        f"{source}: {TASK}: the target of 1 doc is a negative index (-1): lm-eval's"
        " choices[target] counts it from the end (-1: the last choice), the reference shown"
        " and scored against; a dataset's -1 label usually marks a doc without one (a test"
        " split), scored against the last choice, not a label",
        f"{source}: {TASK}: the target of 1 doc (5) is no index of the task's doc_to_choice (3"
        " choices; lm-eval's choices[target] would have failed, so the results file's config"
        " may not be this run's): the reference shown is the target as the file holds it, no"
        " choice",
    ]
    assert "the target of 2 docs is an index into the task's doc_to_choice" in said[0]
    rescored = rescore(result, RescoreOptions("exact", use_cache=False)).scores
    assert rescored["new_accuracy"].to_list() == [1.0, 0.0, 1.0]


def test_a_greedy_until_task_of_the_first_0_4_versions_indexes_its_choices(
    tmp_path: Path,
) -> None:
    # The same run as the big-refactor harness logged it: output_type greedy_until, one JSON
    # array named by model_args beside results.json, records without filter/metrics/hashes,
    # arguments a list of (context, gen_kwargs) and the target the int doc_to_target gave.
    # Old code: the references were '0', '1', '1' (the task was not taken as generative).
    results, records = fixture()
    results["configs"][TASK]["output_type"] = "greedy_until"
    results["config"] = {"model": "hf-seq2seq", "model_args": "pretrained=google/flan-t5-base"}
    for record in records:
        for key in ("filter", "metrics", "doc_hash", "prompt_hash", "target_hash"):
            del record[key]
        request = record["arguments"]["gen_args_0"]
        record["arguments"] = [[request["arg_0"], request["arg_1"]]]
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / f"pretrained__google__flan-t5-base_{TASK}.jsonl").write_text(
        json.dumps(records, indent=2), encoding="utf-8"
    )
    result = load_clean(tmp_path)
    assert result.generations.select("prompt_id", "answer", "gen", "accuracy").rows() == [
        (f"{TASK}:0", "entailment", "entailment", 1.0),
        (f"{TASK}:1", "contradiction", "neutral", 0.0),
        (f"{TASK}:2", "contradiction", "contradiction", 1.0),
    ]
    assert any(
        "the target of 3 docs is an index into the task's doc_to_choice" in n for n in result.notes
    )


def test_a_predict_only_run_still_shows_the_choice_its_target_indexes(tmp_path: Path) -> None:
    # --log_samples --predict_only: simple_evaluate's override_metric("bypass") leaves the
    # config process_results: "process_results" (a text, no function) and metric_list bypass;
    # ConfigurableTask.process_results still took choices[label] as the reference and the
    # records hold bypass: null. Old code took that text for the task's own process_results:
    # references '0', '1', '1' (a later rescore --scorer exact scored against them).
    results, records = fixture()
    config = results["configs"][TASK]
    config.update(metric_list=[{"metric": "bypass"}], process_results="process_results")
    for record in records:
        del record["exact_match"], record["mean_3class_f1"]
        record.update(metrics=["bypass"], bypass=None)
    folder = tmp_path / "google__flan-t5-base"
    folder.mkdir()
    (folder / f"results_{DATE}.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / f"samples_{TASK}_{DATE}.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    result = load_clean(tmp_path)
    assert result.generations.select("answer", "gen", "accuracy").rows() == [
        ("entailment", "entailment", None),
        ("contradiction", "neutral", None),
        ("contradiction", "contradiction", None),
    ]
    assert any("a --predict_only run (metric 'bypass')" in n for n in result.notes)
    # A task's own process_results (a function's source) still need not index the choices.
    config["process_results"] = "def process_results(doc, results):\n    ...\n"
    (folder / f"results_{DATE}.json").write_text(json.dumps(results), encoding="utf-8")
    again = load_clean(tmp_path)
    assert again.generations["answer"].to_list() == ["0", "1", "1"]


def test_a_multiple_choice_target_that_indexes_no_choice_is_said(tmp_path: Path) -> None:
    # toy_mc's two docs (three choices each) with the targets -1 (an unlabelled doc) and 7:
    # lm-eval's process_results compares the model's index with -1 (or the -100 it makes of
    # 7), so acc is 0 whatever the model chose. The number stays the reference (no choice is
    # picked for it); old code said nothing of it.
    source = next(
        (FIXTURE.parents[1] / "outputs" / "run_scripted").glob("*/samples_toy_mc_*.jsonl")
    )
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    records[0].update(target="-1", acc=0.0, acc_norm=0.0)
    records[1].update(target="7", acc=0.0, acc_norm=0.0)
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / source.name).write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    result = load_clean(tmp_path)
    assert result.generations.select("answer", "extracted", "accuracy").rows() == [
        ("-1", "1: Mars", 0.0),
        ("7", "0: Rome", 0.0),
    ]
    assert [n for n in result.notes if "no index" in n] == [
        f"m/{source.name}: toy_mc: the target of 2 docs (-1, 7) is no index of the doc's"
        " choices (a dataset's -1 marks a doc without a label): the reference shown is that"
        " number, no choice, and lm-eval scored no choice right for it (acc and acc_norm 0)"
    ]
