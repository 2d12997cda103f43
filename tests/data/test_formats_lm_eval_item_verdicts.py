"""Per-sample metrics that are a list of verdicts, one per item of the doc: ifeval, in lm-eval
samples and lighteval details.

``lm_eval/tasks/ifeval/utils.py`` (EleutherAI/lm-evaluation-harness 60c3d381b893b164be0d919d3e9992a6c0fe6ce3,
``process_results``) returns ``prompt_level_strict_acc`` (a bool: every instruction followed)
and ``inst_level_strict_acc`` (a list of bools, one per instruction of the doc), likewise
``*_loose_acc``; the task's ``inst_level_*`` is ``agg_inst_level_acc``: the share of all
instructions of all docs. ``save_results_samples`` writes the record as is
(``json.dumps(sample, ensure_ascii=False)``, ``metrics`` = the names process_results returned).
"""

from __future__ import annotations

import json
from pathlib import Path

from evaltui.data.formats import ReadOptions
from evaltui.data.loader import LoadOptions, LoadResult, load

METRICS = [
    "prompt_level_strict_acc",
    "inst_level_strict_acc",
    "prompt_level_loose_acc",
    "inst_level_loose_acc",
]
NAME = "samples_ifeval_2026-11-23T19-49-48.073567.jsonl"


def _write(tmp_path: Path, verdicts: list[list[object]]) -> Path:
    folder = tmp_path / "out" / "toy-org__model"
    folder.mkdir(parents=True)
    with (folder / NAME).open("a", encoding="utf-8") as f:
        for doc_id, inst in enumerate(verdicts):
            strict = all(v is True for v in inst)
            record = {
                "doc_id": doc_id,
                "doc": {
                    "key": 1000 + doc_id,
                    "prompt": f"Write a haiku {doc_id} in lowercase.",
                    "instruction_id_list": ["change_case:english_lowercase"] * len(inst),
                    "kwargs": [{}] * len(inst),
                },
                "target": "0",
                "arguments": {
                    "gen_args_0": {
                        "arg_0": f"Write a haiku {doc_id} in lowercase.",
                        "arg_1": {"until": [], "do_sample": False, "max_gen_toks": 1280},
                    }
                },
                "resps": [[f"a haiku {doc_id}"]],
                "filtered_resps": [f"a haiku {doc_id}"],
                "filter": "none",
                "metrics": METRICS,
                "doc_hash": "d",
                "prompt_hash": "p",
                "target_hash": "t",
                "prompt_level_strict_acc": strict,
                "inst_level_strict_acc": inst,
                "prompt_level_loose_acc": strict,
                "inst_level_loose_acc": inst,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return tmp_path / "out"


def _load(path: Path, metric: str | None = None) -> LoadResult:
    return load([path], LoadOptions(tokenize=False, read=ReadOptions(metric=metric)))


def test_ifeval_instruction_lists_are_named_as_metrics_to_score_by(tmp_path: Path) -> None:
    result = _load(_write(tmp_path, [[True, True], [True, False], [False]]))
    assert result.generations["accuracy"].to_list() == [1.0, 0.0, 0.0]
    assert result.notes == [
        f"toy-org__model/{NAME}: scored by 'prompt_level_strict_acc'; its records also have"
        " 'prompt_level_loose_acc', 'inst_level_strict_acc', 'inst_level_loose_acc'"
        " (--metric prompt_level_loose_acc to score by that instead)"
    ]


def test_metric_of_one_verdict_per_instruction_scores_each_doc_by_its_share(
    tmp_path: Path,
) -> None:
    result = _load(
        _write(tmp_path, [[True, True], [True, False], [False], [True, False, False]]),
        "inst_level_strict_acc",
    )
    gens = result.generations
    assert gens["metric"].unique().to_list() == ["inst_level_strict_acc"]
    assert gens["accuracy"].to_list() == [1.0, 0.5, 0.0, 1 / 3]
    assert result.notes == [
        f"toy-org__model/{NAME}: ifeval: 'inst_level_strict_acc' is a list of verdicts per doc"
        " (one per item, as ifeval's per instruction): each of 4 docs scored by the share of"
        " its items right; lm-eval's inst_level_strict_acc is the share of all items of all"
        " docs (agg_inst_level_acc), so a doc of more items weighs more there"
    ]


def test_a_list_that_is_no_verdicts_is_still_no_score(tmp_path: Path) -> None:
    """A list of texts (or an empty list) under a listed metric is no verdict per item."""
    result = _load(_write(tmp_path, [["yes", "no"], []]), "inst_level_strict_acc")
    assert result.generations["metric"].unique().to_list() == ["prompt_level_strict_acc"]
    assert result.notes == [
        f"toy-org__model/{NAME}: --metric inst_level_strict_acc is no score of 2 records;"
        " scored by 'prompt_level_strict_acc' (they also have 'prompt_level_loose_acc')"
    ]


def test_lighteval_ifeval_instruction_lists_score_when_asked(tmp_path: Path) -> None:
    """lighteval's ifeval (``src/lighteval/tasks/extended/ifeval/main.py`` at huggingface/
    lighteval 24c517ab141c681cd080e61558a97392a80b0ac7, ``ifeval_metric``) returns the same
    four values, ``inst_level_*`` a list of bools per doc (``corpus_level_fn``
    ``agg_inst_level_acc``); ≥0.11 details keep them in the ``metric`` struct column."""
    import polars as pl

    path = (
        tmp_path
        / "details"
        / "org"
        / "m"
        / "2026-01-01T00-00-00"
        / "details_extended|ifeval|0_2026-01-01T00-00-00.parquet"
    )
    path.parent.mkdir(parents=True)
    inst = [[True, True], [True, False], [False]]
    docs = [
        {"query": f"Write {i}", "choices": [""], "gold_index": 0, "id": str(i),
         "task_name": "extended|ifeval|0"}
        for i in range(3)
    ]  # fmt: skip
    metrics = [
        {"prompt_level_strict_acc": float(all(v)), "inst_level_strict_acc": v,
         "prompt_level_loose_acc": float(all(v)), "inst_level_loose_acc": v}
        for v in inst
    ]  # fmt: skip
    responses = [{"text": [f"text {i}"]} for i in range(3)]
    pl.DataFrame({"doc": docs, "metric": metrics, "model_response": responses}).write_parquet(path)
    source = (
        "details/org/m/2026-01-01T00-00-00/details_extended|ifeval|0_2026-01-01T00-00-00.parquet"
    )
    result = _load(tmp_path)
    assert result.generations["accuracy"].to_list() == [1.0, 0.0, 0.0]
    assert result.notes == [
        f"{source}: scored by 'prompt_level_strict_acc'; its docs also have"
        " 'prompt_level_loose_acc', 'inst_level_strict_acc', 'inst_level_loose_acc'"
        " (--metric prompt_level_loose_acc to score by that instead)"
    ]
    result = _load(tmp_path, "inst_level_strict_acc")
    assert result.generations["accuracy"].to_list() == [1.0, 0.5, 0.0]
    assert result.notes == [
        f"{source}: 'inst_level_strict_acc' is a list of verdicts per doc (one per item, as"
        " ifeval's per instruction): each of 3 docs scored by the share of its items right;"
        " lighteval's inst_level_strict_acc is the share of all items of all docs"
        " (agg_inst_level_acc), so a doc of more items weighs more there"
    ]
