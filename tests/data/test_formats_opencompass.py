"""AISBench and OpenCompass, on files the tools wrote (AISBench 3.1, OpenCompass 0.5.4) and the
reconstructed variants. Expected values were worked out by hand from the files (comments)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions
from evaltui.data.formats.opencompass import AISBenchReader, OpenCompassReader
from evaltui.data.loader import LoadOptions, load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
AIS_N3 = FIXTURES / "aisbench" / "outputs_n3" / "20261123_200259"
OC = FIXTURES / "opencompass"


def test_aisbench_n3_rebuilds_per_sample_correctness() -> None:
    result = load([AIS_N3], LoadOptions(tokenize=False))
    assert [f.format for f in result.read_files] == ["aisbench"]
    assert [f.companion for f in result.skipped_files] == [True]  # the results JSON
    gens = result.generations
    assert gens["run"].unique().to_list() == ["toy-vllm-api-chat-n3"]
    # details flattened replica-major: F T F | T T T | T F F -> item 0: F T T, item 1: T T F, item 2: F T F
    assert gens["accuracy"].to_list() == [0, 1, 1, 1, 1, 0, 0, 1, 0]
    assert gens["extracted"].to_list() == ["6", "5", "5", "42", "42", "36", "000", "1000", "1400"]
    assert gens["answer"].unique(maintain_order=True).to_list() == [
        "5",
        "42",
        "1000",
    ]  # post-processed refs
    assert gens["gen"].to_list()[:2] == ["2 + 3 = 6, so 6.", "Answer: 5"]  # file order within an id
    stats = result.stats
    cons = (stats["n_correct"] > stats["n_scored"] / 2).mean()
    assert round(100 * cons, 1) == 66.7  # AISBench itself reports 33.3 (its grouping bug)
    assert round(100 * stats["average_accuracy"].mean(), 1) == 55.6  # avg@3, as AISBench reports


def test_aisbench_without_results_is_unscored_and_failed_requests_are_errors(
    tmp_path: Path,
) -> None:
    pred = AIS_N3 / "predictions" / "toy-vllm-api-chat-n3" / "toy_gsm8k.jsonl"
    copy = tmp_path / "predictions" / "m" / "toy_gsm8k.jsonl"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(pred.read_bytes())
    result = AISBenchReader().read(copy, "toy_gsm8k.jsonl", ReadOptions())
    assert result.frame["accuracy"].null_count() == 9 and "unscored" in result.notes[0]
    failed = FIXTURES / "aisbench" / "failed" / "toy_gsm8k_failed.jsonl"
    result = AISBenchReader().read(failed, failed.name, ReadOptions())
    assert result.frame.height == 0
    assert [str(e) for e in result.errors] == [
        "toy_gsm8k_failed.jsonl:1: request failed, no generation (id 2): Request failed: 500 Internal Server Error"
    ]


def test_aisbench_mismatched_details_are_not_trusted(tmp_path: Path) -> None:
    root = tmp_path / "run"
    (root / "predictions" / "m").mkdir(parents=True)
    (root / "results" / "m").mkdir(parents=True)
    lines = (
        (AIS_N3 / "predictions" / "toy-vllm-api-chat-n3" / "toy_gsm8k.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    (root / "predictions" / "m" / "toy_gsm8k.jsonl").write_text(
        "\n".join(lines[:8]) + "\n", encoding="utf-8"
    )  # one sample missing
    (root / "results" / "m" / "toy_gsm8k.json").write_bytes(
        (AIS_N3 / "results" / "toy-vllm-api-chat-n3" / "toy_gsm8k.json").read_bytes()
    )
    result = AISBenchReader().read(
        root / "predictions" / "m" / "toy_gsm8k.jsonl", "x", ReadOptions()
    )
    assert result.frame["accuracy"].null_count() == 8  # 8 lines cannot be matched to 9 details


def test_opencompass_real_run() -> None:
    result = load([OC / "outputs"], LoadOptions(tokenize=False))
    gens = result.generations
    # details list, one sample each: 5 ✓, 42 ✓, "000" vs 1000 ✗
    assert gens.select("prompt_id", "accuracy", "extracted", "answer").rows() == [
        ("toy_gsm8k:0", 1.0, "5", "5"),
        ("toy_gsm8k:1", 1.0, "42", "42"),
        ("toy_gsm8k:2", 0.0, "000", "1000"),
    ]
    assert gens["run"].unique().to_list() == ["toy-openai-sdk"]


def test_opencompass_list_predictions_replicas_ppl_and_legacy() -> None:
    reader = OpenCompassReader()
    hf = OC / "hf_num_return_sequences" / "predictions" / "hf-toy-model" / "toy_gsm8k.json"
    frame = reader.read(hf, hf.name, ReadOptions()).frame
    # prediction lists of 3 -> 3 samples per prompt, unscored (no results file)
    assert frame.group_by("prompt_id", maintain_order=True).len()["len"].to_list() == [3, 3]
    assert frame["sample"].to_list() == [0, 1, 2, 0, 1, 2] and frame["accuracy"].null_count() == 6
    ppl = OC / "ppl" / "predictions" / "hf-toy-model" / "toy_mc.json"
    frame = reader.read(ppl, ppl.name, ReadOptions()).frame
    assert frame.select("gen", "answer", "accuracy").rows()[0] == ("B", "B", 1.0)
    legacy = OC / "legacy_le_0.4.0" / "results" / "hf-toy-model" / "toy_gsm8k.json"
    frame = reader.read(legacy, legacy.name, ReadOptions()).frame
    assert frame.select("gen", "extracted", "answer", "accuracy").rows() == [
        (" 2 + 3 = 5. The answer is 5.", "5", "5", 1.0),
        (" 36", "36", "42", 0.0),
    ]
    assert json.loads(next(reader.records(legacy, [(2, None)])))["1"]["origin_prediction"] == " 36"


def test_opencompass_dataset_n_replicas_are_key_mod_n(tmp_path: Path) -> None:
    entries = {}
    for replica in range(2):
        for item, (q, a) in enumerate([("Q0", "a0"), ("Q1", "a1"), ("Q2", "a2")]):
            entries[str(replica * 3 + item)] = {
                "origin_prompt": [{"role": "HUMAN", "prompt": q}],
                "prediction": f"{a}-r{replica}",
                "gold": a,
            }
    path = tmp_path / "predictions" / "m" / "ds_n2.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(entries), encoding="utf-8")
    frame = (
        OpenCompassReader().read(path, path.name, ReadOptions()).frame.sort("prompt_id", "sample")
    )
    assert frame.select("prompt_id", "sample", "gen").rows() == [
        ("ds_n2:0", 0, "a0-r0"),
        ("ds_n2:0", 1, "a0-r1"),
        ("ds_n2:1", 0, "a1-r0"),
        ("ds_n2:1", 1, "a1-r1"),
        ("ds_n2:2", 0, "a2-r0"),
        ("ds_n2:2", 1, "a2-r1"),
    ]
    assert frame["prompt"][0] == "HUMAN: Q0"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "ds.json",
            '{"0": {"origin_prompt": "q", "prediction": "a"}, "1": {"origin',
            "not valid JSON",
        ),
        (
            "ds.json",
            '{"0": {"origin_prompt": "q", "prediction": "a"}, "1": {"origin_prompt": "q"}}',
            "has no prediction",
        ),
        (
            "ds.jsonl",
            '{"data_abbr": "d", "id": 0, "uuid": "u", "prediction": "p"}\n{"data_abbr": "d", "id"',
            "truncated last line",
        ),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    reader = AISBenchReader() if name.endswith(".jsonl") else OpenCompassReader()
    result = reader.read(path, name, ReadOptions())
    assert any(reason in e.reason for e in result.errors), result.errors
    assert isinstance(result.frame, pl.DataFrame)


def test_aisbench_n3_summary_metrics() -> None:
    from evaltui.data.summary import summarize_runs

    result = load([AIS_N3], LoadOptions(tokenize=False))
    metrics = {m.name: m.value for m in summarize_runs(result.stats)[0].metrics}
    assert round(100 * metrics["cons@3"], 1) == 66.7  # AISBench reports 33.3 for this file
    assert (
        round(100 * metrics["avg@3"], 1) == 55.6
    )  # agrees with AISBench, where its numbers are right
    assert metrics["pass@3"] == 1.0
