"""AISBench and OpenCompass, on files the tools wrote (AISBench 3.1, OpenCompass 0.5.4) and the
reconstructed variants. Expected values were worked out by hand from the files (comments)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions
from evaltui.data.formats.opencompass import AISBenchReader, OpenCompassReader
from evaltui.data.loader import LoadFailure, LoadOptions, load

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
    predictions = root / "predictions" / "m" / "toy_gsm8k.jsonl"
    predictions.write_text("\n".join(lines[:8]) + "\n", encoding="utf-8")  # id 2's 3rd missing
    (root / "results" / "m" / "toy_gsm8k.json").write_bytes(
        (AIS_N3 / "results" / "toy-vllm-api-chat-n3" / "toy_gsm8k.json").read_bytes()
    )
    # A missing sample is a failed request, which AISBench's evaluation mocks in its place (after
    # the item's own lines): the 9 details still hold ids 0-2 x 3 replicas, and the 8 lines keep
    # the verdicts of the whole file (test_aisbench_n3_rebuilds_per_sample_correctness). Was:
    # every line unscored ("items have different numbers of samples").
    result = AISBenchReader().read(predictions, "x", ReadOptions())
    assert result.frame["accuracy"].to_list() == [0, 1, 1, 1, 1, 0, 0, 1]
    # An id the details do not hold (3: the details are of 3 items) means they are not this
    # file's: nothing is matched.
    extra = json.loads(lines[0]) | {"id": 3, "uuid": "x"}
    with predictions.open("a", encoding="utf-8") as out:
        out.write(json.dumps(extra) + "\n")
    result = AISBenchReader().read(predictions, "x", ReadOptions())
    assert result.frame["accuracy"].null_count() == 9


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
    assert frame["prompt"][0] == "Q0"


def test_one_user_turn_is_its_text_and_several_turns_keep_their_roles(tmp_path: Path) -> None:
    # A chat model's zero-shot prompt, one HUMAN turn, showed as 'HUMAN: What is 2+2?': every
    # prompt in the table began with the same role. Several turns (few-shot rounds, a system
    # prompt) keep each turn's role, as does one turn that is not the user's.
    prompts: list[Any] = [
        [{"role": "HUMAN", "prompt": "What is 2+2?"}],
        [{"role": "user", "content": "Name a prime."}],
        [{"role": "SYSTEM", "prompt": "Be brief."}, {"role": "HUMAN", "prompt": "Hi?"}],
        [
            {"role": "HUMAN", "prompt": "1+1?"},
            {"role": "BOT", "prompt": "2"},
            {"role": "HUMAN", "prompt": "2+2?"},
        ],
        [{"role": "SYSTEM", "prompt": "Only a system turn."}],
    ]
    entries = {
        str(i): {"origin_prompt": p, "prediction": "x", "gold": "y"} for i, p in enumerate(prompts)
    }
    path = tmp_path / "predictions" / "m" / "ds.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(entries), encoding="utf-8")
    frame = OpenCompassReader().read(path, path.name, ReadOptions()).frame.sort("prompt_id")
    assert frame["prompt"].to_list() == [
        "What is 2+2?",
        "Name a prime.",
        "SYSTEM: Be brief.\n\nHUMAN: Hi?",
        "HUMAN: 1+1?\n\nBOT: 2\n\nHUMAN: 2+2?",
        "SYSTEM: Only a system turn.",
    ]


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


# --- a bad details value is that generation's error, never a kept score or a lost file --------


def _aisbench_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the real n = 3 AISBench run: (its work dir, its results file)."""
    root = tmp_path / "ais"
    for path in AIS_N3.rglob("*"):
        if path.is_file():
            target = root / path.relative_to(AIS_N3)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return root, root / "results" / "toy-vllm-api-chat-n3" / "toy_gsm8k.json"


def test_aisbench_non_finite_and_unreadable_details_are_their_generations_errors(
    tmp_path: Path,
) -> None:
    root, results = _aisbench_copy(tmp_path)
    data = json.loads(results.read_text(encoding="utf-8"))
    # Flattened replica-major (t -> item t % 3, replica t // 3; item i replica r is line 3i+r+1):
    # details[0].correct[1] is t = 1 -> item 1 replica 0 -> line 4;
    # details[1].correct[2] is t = 5 -> item 2 replica 1 -> line 8;
    # details[2] (t = 6, 7, 8) is replica 2 of items 0, 1, 2 -> lines 3, 6, 9.
    data["details"][0]["correct"][1] = "@INF@"
    data["details"][1]["correct"][2] = "@BIG@"
    data["details"][2] = "@DEEP@"
    text = (
        json.dumps(data)
        .replace('"@INF@"', "Infinity")
        .replace('"@BIG@"', "1e999")
        .replace('"@DEEP@"', "[" * 10_000 + "]" * 10_000)
    )
    results.write_text(text, encoding="utf-8")
    path = root / "predictions" / "toy-vllm-api-chat-n3" / "toy_gsm8k.jsonl"
    result = AISBenchReader().read(path, "p.jsonl", ReadOptions())
    # The other generations keep their scores (lines 1, 2, 5, 7 of [0,1,1,1,1,0,0,1,0]).
    assert result.frame.select("line", "accuracy").rows() == [
        (1, 0.0),
        (2, 1.0),
        (5, 1.0),
        (7, 0.0),
    ]
    errors = {e.line: e.reason for e in result.errors}
    assert sorted(errors) == [3, 4, 6, 8, 9]
    where = "results/toy-vllm-api-chat-n3/toy_gsm8k.json"
    assert errors[4] == f"{where} details[0]: score inf is not a finite number ({AISBENCH_WHY})"
    assert errors[8].startswith(f"{where} details[1]: score inf is not a finite number")
    assert errors[3].startswith(f"{where} details[2]: ") and "nested too deeply" in errors[3]


#: Why a details verdict is never NaN or infinite, as each tool's source says (their evaluators
#: write booleans; AISBench's BaseEvaluator counts each with int()). The message said "this
#: format writes none" for both.
AISBENCH_WHY = (
    "AISBench's evaluators write each verdict as a boolean, and count it with int(), which no"
    " NaN or infinity passes"
)
OPENCOMPASS_WHY = "OpenCompass' evaluators write each verdict as a boolean"


def test_aisbench_non_finite_detail_through_the_cli(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main

    root, results = _aisbench_copy(tmp_path)
    text = results.read_text(encoding="utf-8")
    start = text.index('"correct"')
    first = text.index("false", start)  # details[0].correct[0]: item 0, replica 0 -> line 1
    results.write_text(text[:first] + "NaN" + text[first + 5 :], encoding="utf-8")
    out = tmp_path / "combined.json"
    argv = [str(root), "-o", str(out), "--model", str(word_tokenizer), "--no-cache"]
    assert main(["summarize", *argv]) == 0
    printed = capsys.readouterr().err
    assert "bad lines    1" in printed
    assert (
        "predictions/toy-vllm-api-chat-n3/toy_gsm8k.jsonl:1: results/toy-vllm-api-chat-n3/"
        "toy_gsm8k.json details[0]: score nan is not a finite number" in printed
    )
    records = json.loads(out.read_text(encoding="utf-8"))
    # item 0 keeps replicas 1 and 2 (both correct); no NaN anywhere in what was written.
    assert [r["count"] for r in records] == [2, 3, 3]
    assert records[0]["total_accuracy_count"] == 2
    assert "NaN" not in out.read_text(encoding="utf-8")


def test_aisbench_n1_details_object_with_bad_values(tmp_path: Path) -> None:
    """n = 1 details (an object keyed by item): an empty ``correct`` list lost the whole file
    (IndexError outside any entry's guard); a NaN was kept as a score."""
    root = tmp_path / "work"
    lines = [
        {"data_abbr": "ds", "id": i, "uuid": f"u{i}", "origin_prompt": f"Q{i}", "prediction": "p"}
        for i in range(4)
    ]
    write = root / "predictions" / "m" / "ds.jsonl"
    write.parent.mkdir(parents=True)
    write.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    details = (
        '{"0": {"predictions": ["1"], "references": ["1"], "correct": [true]},'
        ' "1": {"predictions": ["2"], "references": ["3"], "correct": []},'
        ' "2": {"predictions": ["3"], "references": ["3"], "correct": [NaN]},'
        ' "3": {"predictions": ["4"], "references": ["5"], "correct": [false]}, "type": "GEN"}'
    )
    results = root / "results" / "m" / "ds.json"
    results.parent.mkdir(parents=True)
    results.write_text(f'{{"accuracy": 50.0, "details": {details}}}', encoding="utf-8")
    result = AISBenchReader().read(write, "ds.jsonl", ReadOptions())
    assert result.frame.select("line", "accuracy", "extracted").rows() == [
        (1, 1.0, "1"),
        (4, 0.0, "4"),
    ]
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "results/m/ds.json details['1']: correct is an empty list"),
        (
            3,
            f"results/m/ds.json details['2']: score nan is not a finite number ({AISBENCH_WHY})",
        ),
    ]


def test_opencompass_non_finite_details_are_entry_errors(tmp_path: Path) -> None:
    source = OC / "outputs" / "20261123_201019"
    root = tmp_path / "oc"
    for path in source.rglob("*.json"):
        target = root / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    results = root / "results" / "toy-openai-sdk" / "toy_gsm8k.json"
    # details[2] (item 2, "000" vs 1000) scored Infinity instead of false
    text = results.read_text(encoding="utf-8")
    results.write_text(text[::-1].replace("eslaf", "ytinifnI", 1)[::-1], encoding="utf-8")
    predictions = root / "predictions" / "toy-openai-sdk" / "toy_gsm8k.json"
    result = OpenCompassReader().read(predictions, "p.json", ReadOptions())
    assert result.frame.select("prompt_id", "accuracy").rows() == [
        ("toy_gsm8k:0", 1.0),
        ("toy_gsm8k:1", 1.0),
    ]
    # told at the line of the predictions file where entry "2" starts (its third entry)
    assert [(e.line, e.reason) for e in result.errors] == [
        (
            12,
            "results/toy-openai-sdk/toy_gsm8k.json details[2]: score inf is not a finite number"
            f" ({OPENCOMPASS_WHY})",
        )
    ]


def test_opencompass_legacy_results_non_finite_correct_is_an_entry_error(tmp_path: Path) -> None:
    legacy = OC / "legacy_le_0.4.0" / "results" / "hf-toy-model" / "toy_gsm8k.json"
    data = json.loads(legacy.read_text(encoding="utf-8"))
    first = next(iter(data["details"]))
    data["details"][first]["correct"] = "@NAN@"
    path = tmp_path / "results" / "m" / "toy_gsm8k.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data).replace('"@NAN@"', "-Infinity"), encoding="utf-8")
    result = OpenCompassReader().read(path, "r.json", ReadOptions())
    assert result.frame.select("gen", "accuracy").rows() == [(" 36", 0.0)]
    assert [(e.line, e.reason) for e in result.errors] == [
        (1, f"correct: score -inf is not a finite number ({OPENCOMPASS_WHY})")
    ]


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")


def test_opencompass_predictions_in_shards_are_one_dataset(tmp_path: Path) -> None:
    # A large dataset split by the size partitioner: predictions/m/gsm8k_0.json (items 0, 1) and
    # gsm8k_1.json (item 2, keyed from "0" again), no gsm8k.json; the eval task reads the shards
    # in order as one file and writes one results/m/gsm8k.json whose details are items 0, 1, 2.
    # By hand: item 0 correct, 1 wrong, 2 correct (2 of 3); shard 1's "0" is item 2.
    work = tmp_path / "outputs" / "default" / "20240101_000000"
    preds = work / "predictions" / "m"
    _dump(
        preds / "gsm8k_0.json",
        {
            "0": {"origin_prompt": "Q0", "prediction": "5", "gold": "5"},
            "1": {"origin_prompt": "Q1", "prediction": "7", "gold": "6"},
        },
    )
    _dump(preds / "gsm8k_1.json", {"0": {"origin_prompt": "Q2", "prediction": "8", "gold": "8"}})
    details = [
        {"example_abbr": f"gsm8k_test_{i}", "pred": [p], "answer": [a], "correct": [c]}
        for i, (p, a, c) in enumerate([("5", "5", True), ("7", "6", False), ("8", "8", True)])
    ]
    _dump(work / "results" / "m" / "gsm8k.json", {"accuracy": 66.67, "details": details})
    result = load([work], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert sorted(f.format for f in result.read_files) == ["opencompass", "opencompass"]
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == ["gsm8k:0", "gsm8k:1", "gsm8k:2"]
    assert gens["prompt"].to_list() == ["Q0", "Q1", "Q2"]
    assert gens["accuracy"].to_list() == [1.0, 0.0, 1.0]
    assert gens["extracted"].to_list() == ["5", "7", "8"]


def test_opencompass_dataset_n_replicas_across_shards(tmp_path: Path) -> None:
    # Dataset n=2 over 2 items, replica-major (keys 0..3 = item 0, 1, 0, 1), split into shards of
    # 3 and 1 entries: shard 1's "0" is global entry 3 = item 1, replica 1. details[i].correct[r]:
    # item 0 [T, F], item 1 [F, T] -> shard 0 gives (0,r0)=T, (1,r0)=F, (0,r1)=F; shard 1 (1,r1)=T.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "ds_0.json",
        {
            "0": {"origin_prompt": "A", "prediction": "a0"},
            "1": {"origin_prompt": "B", "prediction": "b0"},
            "2": {"origin_prompt": "A", "prediction": "a1"},
        },
    )
    _dump(preds / "ds_1.json", {"0": {"origin_prompt": "B", "prediction": "b1"}})
    details = [
        {"example_abbr": "ds_test_0", "pred": ["x", "y"], "answer": ["a", "a"], "correct": [True, False]},
        {"example_abbr": "ds_test_1", "pred": ["z", "b"], "answer": ["b", "b"], "correct": [False, True]},
    ]  # fmt: skip
    _dump(tmp_path / "results" / "m" / "ds.json", {"details": details})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    rows = sorted(
        zip(
            result.generations["prompt_id"],
            result.generations["sample"],
            result.generations["gen"],
            result.generations["accuracy"],
            strict=True,
        )
    )
    assert rows == [
        ("ds:0", 0, "a0", 1.0),
        ("ds:0", 1, "a1", 0.0),
        ("ds:1", 0, "b0", 0.0),
        ("ds:1", 1, "b1", 1.0),
    ]


def test_opencompass_running_tmp_predictions_are_read_unscored(tmp_path: Path) -> None:
    # While a run goes (or after it was killed) OpenCompass writes predictions/m/tmp_gsm8k.jsonl,
    # one {idx, origin_prompt, prediction} line per finished entry, in completion order (was: "no
    # reader recognises this file"). By hand: entries 1 and 0, no results yet -> 2 prompts,
    # unscored, with a note. Once gsm8k.json is written beside it, the tmp file is a companion.
    preds = tmp_path / "predictions" / "m"
    preds.mkdir(parents=True)
    tmp = preds / "tmp_gsm8k.jsonl"
    lines = [
        {"idx": 1, "origin_prompt": [{"role": "HUMAN", "prompt": "Q1"}], "prediction": "6"},
        {"idx": 0, "origin_prompt": "Q0", "prediction": "5", "gold": "5"},
    ]
    tmp.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == ["gsm8k:0", "gsm8k:1"]
    assert gens["prompt"].to_list() == ["Q0", "Q1"]
    assert gens["gen"].to_list() == ["5", "6"]
    assert gens["answer"].to_list() == ["5", None]
    assert gens["accuracy"].to_list() == [None, None]
    assert any(
        "tmp_gsm8k.jsonl: OpenCompass predictions of a run not finished" in n for n in result.notes
    )
    _dump(preds / "gsm8k.json", {"0": {"origin_prompt": "Q0", "prediction": "5", "gold": "5"}})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["prompt_id"].to_list() == ["gsm8k:0"]
    skipped = {f.source: f.companion for f in result.skipped_files}
    assert skipped == {"predictions/m/tmp_gsm8k.jsonl": True}


def test_opencompass_unscored_predictions_say_why(tmp_path: Path) -> None:
    # Predictions without a results file (the eval step not run), then with one whose details
    # carry no 'correct' (an evaluator without per-sample verdicts): unscored either way, and a
    # note says why, as the AISBench reader does (was: unscored without a word).
    preds = tmp_path / "predictions" / "m"
    _dump(preds / "ds.json", {"0": {"origin_prompt": "Q0", "prediction": "5", "gold": "5"}})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["accuracy"].to_list() == [None]
    assert result.notes == [
        "predictions/m/ds.json: no results/m/ds.json beside it: generations unscored"
    ]
    _dump(tmp_path / "results" / "m" / "ds.json", {"bleu": 12.5, "details": [{"pred": ["5"]}]})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["accuracy"].to_list() == [None]
    assert result.notes == [
        "predictions/m/ds.json: results/m/ds.json details have no per-sample 'correct':"
        " generations unscored"
    ]
    _dump(tmp_path / "results" / "m" / "ds.json", {"accuracy": 100.0})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.notes == [
        "predictions/m/ds.json: results/m/ds.json has no details (written with"
        " --dump-eval-details): generations unscored"
    ]


def _work_dir(root: Path, stamp: str, prediction: str, jsonl: bool) -> None:
    """One OpenCompass (json) or AISBench (jsonl) work dir: one item, one sample, scored."""
    predictions = root / "outputs" / "default" / stamp / "predictions" / "mdl"
    predictions.mkdir(parents=True)
    if jsonl:
        record = {"data_abbr": "ds", "id": 0, "success": True, "uuid": "a" * 32,
                  "origin_prompt": "Q0", "prediction": prediction, "gold": "5"}  # fmt: skip
        (predictions / "ds.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    else:
        entry = {"origin_prompt": "Q0", "prediction": prediction, "gold": "5"}
        (predictions / "ds.json").write_text(json.dumps({"0": entry}), encoding="utf-8")
    results = root / "outputs" / "default" / stamp / "results" / "mdl"
    results.mkdir(parents=True)
    correct = prediction == "5"
    details = [{"example_abbr": "ds_test_0", "pred": [prediction], "answer": ["5"],
                "correct": [correct]}]  # fmt: skip
    (results / "ds.json").write_text(
        json.dumps({"accuracy": 100.0 * correct, "details": details}), encoding="utf-8"
    )


@pytest.mark.parametrize("jsonl", [False, True], ids=["opencompass", "aisbench"])
def test_two_work_dirs_of_one_model_are_two_runs(tmp_path: Path, jsonl: bool) -> None:
    # The same model run twice (outputs/default/<YYYYMMDD_HHMMSS>/ each) was one run "mdl" whose
    # prompt had two samples, both sample 0 (pass@2 over runs never sampled together). Each work
    # dir is a run, told apart by when it started (its name). By hand: run 1 answers 5 (correct),
    # run 2 answers 6 (wrong).
    _work_dir(tmp_path, "20260101_100000", "5", jsonl)
    _work_dir(tmp_path, "20260102_110000", "6", jsonl)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("run")
    assert gens.select("run", "prompt_id", "gen", "accuracy", "sample").rows() == [
        ("mdl @ 2026-01-01T10:00:00", "ds:0", "5", 1.0, 0),
        ("mdl @ 2026-01-02T11:00:00", "ds:0", "6", 0.0, 0),
    ]
    # One work dir alone keeps the plain model label.
    alone = load([tmp_path / "outputs/default/20260101_100000"], LoadOptions(tokenize=False))
    assert alone.generations["run"].to_list() == ["mdl"]


def test_opencompass_multi_turn_conversations_are_one_prompt_per_turn(tmp_path: Path) -> None:
    # OpenCompass' ChatInferencer with infer_mode='every' writes one entry per conversation:
    # save_multiround_results lists each turn's user message, gold and output side by side
    # (SciCode), and a `dialogue` dataset (MT-Bench) writes prediction = [{round, user,
    # assistant}, …] with origin_prompt null. Was: the turns read as k samples of one prompt
    # (the prompt all user turns joined, the reference the JSON list of golds; MT-Bench's rounds
    # shown as JSON with an empty prompt). By hand: 2 + 1 turns of sci, 2 rounds of mt; a list
    # prediction beside a string prompt stays num_return_sequences' 2 samples of one prompt.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "sci.json",
        {
            "0": {"gold": ["g1", "g2"], "prediction": ["a1", "a2"], "origin_prompt": ["q1", "q2"]},
            "1": {"gold": ["h1"], "prediction": ["b1"], "origin_prompt": ["r1"]},
        },
    )
    _dump(
        preds / "mt.json",
        {
            "0": {
                "prediction": [
                    {"round": 1, "user": "Write a poem", "assistant": "Roses are red"},
                    {"round": 2, "user": "Shorter", "assistant": "Roses"},
                ],
                "origin_prompt": None,
            }
        },
    )
    _dump(preds / "k.json", {"0": {"origin_prompt": "Q", "prediction": ["5", "6"], "gold": "5"}})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id", "sample")
    assert gens.select("prompt_id", "sample", "prompt", "gen", "answer").rows() == [
        ("k:0", 0, "Q", "5", "5"),
        ("k:0", 1, "Q", "6", "5"),
        ("mt:0:t1", 0, "Write a poem", "Roses are red", None),
        ("mt:0:t2", 0, "Shorter", "Roses", None),
        ("sci:0:t1", 0, "q1", "a1", "g1"),
        ("sci:0:t2", 0, "q2", "a2", "g2"),
        ("sci:1", 0, "r1", "b1", "h1"),
    ]
    # sci's golds are not its replies, so by ChatInferencer's source it is 'every_with_gt',
    # whose keys are no conversations (test_opencompass_every_with_gt_keys_are_no_conversations).
    turns = [n for n in result.notes if "multi-turn" in n or "every_with_gt'," in n]
    assert turns == [
        "predictions/m/mt.json: 1 entry holds a multi-turn conversation (ChatInferencer or"
        " AgentInferencer infer_mode 'every' or 'every_with_gt'): each turn is read as its own"
        " prompt (mt:<item>:t<turn>), unscored (results details are per conversation, not per"
        " turn)",
        "predictions/m/sci.json: 2 entries of turns saved by ChatInferencer infer_mode"
        " 'every_with_gt', which puts a conversation's turn t under the key t-1 after the"
        " conversation's own: an entry's turns are of several conversations, not one; each turn"
        " is read as its own prompt (sci:<key>:t<n>, the n-th turn saved under the key),"
        " unscored (results details are per entry, not per turn)",
    ]


def test_opencompass_every_with_gt_keys_are_no_conversations(tmp_path: Path) -> None:
    # ChatInferencer.infer_every_with_gt counts the key on after each turn (``index += 1`` in
    # the loop; opencompass/openicl/icl_inferencer/icl_chat_inferencer.py) while inference()
    # counts it on once per conversation, so conversation i's turn t is saved under key i+t-1:
    # two conversations (q1, q2) and (r1, r2) give "0": [q1], "1": [q2, r1], "2": [r2]. Was: a
    # note that each of the 3 entries holds a conversation, read as <item>:t<turn> (q2 shown
    # as turn 1 of item 1). Each turn is still read as its own prompt, its gold kept; the note
    # now says what the keys are.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "chat.json",
        {
            "0": {"gold": ["g-q1"], "prediction": ["a-q1"], "origin_prompt": ["q1"]},
            "1": {"gold": ["g-q2", "g-r1"], "prediction": ["a-q2", "a-r1"], "origin_prompt": ["q2", "r1"]},
            "2": {"gold": ["g-r2"], "prediction": ["a-r2"], "origin_prompt": ["r2"]},
        },
    )  # fmt: skip
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "prompt", "answer", "gen").rows() == [
        ("chat:0", "q1", "g-q1", "a-q1"),
        ("chat:1:t1", "q2", "g-q2", "a-q2"),
        ("chat:1:t2", "r1", "g-r1", "a-r1"),
        ("chat:2", "r2", "g-r2", "a-r2"),
    ]
    assert [n for n in result.notes if "turn" in n] == [
        "predictions/m/chat.json: 3 entries of turns saved by ChatInferencer infer_mode"
        " 'every_with_gt', which puts a conversation's turn t under the key t-1 after the"
        " conversation's own: an entry's turns are of several conversations, not one; each turn"
        " is read as its own prompt (chat:<key>:t<n>, the n-th turn saved under the key),"
        " unscored (results details are per entry, not per turn)"
    ]


def test_opencompass_agent_turns_of_messages_are_the_conversation_s_turns() -> None:
    # AgentInferencer (GTA's configs, infer_mode 'every_with_gt') saves each turn's prompt as
    # the chat so far (a list of messages), its prediction the agent's step and its gold the
    # dataset's turn as messages; 'every' saves the user's message, the turn's steps and the
    # dataset's messages of the turn (fixture README). Was: every_with_gt's two turns of item 0
    # were two samples of one prompt, the prompt both chats' JSON joined and the reference the
    # golds' JSON; 'every' showed each side as the messages' JSON. By hand from the fixture.
    root = OC / "agent_multiround"
    result = load([root], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "sample", "prompt", "answer", "gen").rows() == [
        (
            "gta_bench:0:t1",
            0,
            "What number is on the sign?",
            'tool call: OCR({"image": "image/1.jpg"})',
            'tool call: OCR({"image": "image/1.jpg"})',
        ),
        (
            "gta_bench:0:t2",
            0,
            "user: What number is on the sign?\n\n"
            'assistant: tool call: OCR({"image": "image/1.jpg"})\n\n'
            "tool: (10, 10, 50, 30) 42",
            "The sign says 42.",
            "42",
        ),
        ("gta_bench:1", 0, "Capital of France?", "Paris", "Lyon"),
        (
            "gta_bench_end:0",
            0,
            "What is 6 times 7?",
            'assistant: tool call: Calculator({"expression": "6*7"})\n\n'
            "tool: 42\n\nassistant: 6 times 7 is 42.",
            'assistant: tool call: Calculator({"expression": "6*7"})\n\ntool: 42\n\nassistant: 42',
        ),
    ]


def test_opencompass_every_mode_golds_that_are_the_outputs_are_no_reference(
    tmp_path: Path,
) -> None:
    # ChatInferencer.infer_every writes each turn's output into the chat before saving the turn
    # (``chat[i]['content'] = output``, then ``save_multiround_results(..., gold=chat[i]
    # ['content'])``; opencompass/openicl/icl_inferencer/icl_chat_inferencer.py), so every
    # turn's gold is the model's own reply: SciCode's predictions as OpenCompass writes them.
    # Was: each turn's reference was the reply itself (an exact re-score called all of them
    # right). A file whose turns' golds differ from the replies (infer_mode 'every_with_gt',
    # the dataset's turns) keeps them, even where one reply matches its gold.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "SciCode.json",
        {
            "0": {
                "gold": ["def f(x):\n    return x", "print(f(2))"],
                "prediction": ["def f(x):\n    return x", "print(f(2))"],
                "origin_prompt": ["Write f", "Call f on 2"],
            },
            "1": {"gold": ["import math"], "prediction": ["import math"], "origin_prompt": ["r"]},
        },
    )
    _dump(
        preds / "gt.json",
        {"0": {"gold": ["A", "g2"], "prediction": ["A", "a2"], "origin_prompt": ["q1", "q2"]}},
    )
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "prompt", "answer").rows() == [
        ("SciCode:0:t1", "Write f", None),
        ("SciCode:0:t2", "Call f on 2", None),
        ("SciCode:1", "r", None),
        ("gt:0:t1", "q1", "A"),
        ("gt:0:t2", "q2", "g2"),
    ]
    assert [n for n in result.notes if "own reply" in n] == [
        "predictions/m/SciCode.json: each turn's gold is the model's own reply (ChatInferencer"
        " infer_mode 'every' saves the turn's output as its gold): no reference"
    ]


def test_opencompass_verdicts_of_other_evaluators(tmp_path: Path) -> None:
    # OpenCompass' BaseEvaluator.evaluate takes a sample's verdict from `correct`, else
    # `is_correct`, else `cascade_correct` (CascadeEvaluator: rule-based, then an LLM judge for
    # what the rule got wrong; its pred/answer sit in `rule_evaluation`). Was: only `correct`
    # was read, so such runs were unscored. By hand, item 0: rule wrong ("4" vs "5"), judge
    # "A" -> cascade_correct true; item 1: is_correct false; item 2: rule right, no judge.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "ds.json",
        {str(i): {"origin_prompt": f"Q{i}", "prediction": f"p{i}"} for i in range(3)},
    )
    details = [
        {
            "example_abbr": "ds_0",
            "rule_evaluation": [{"correct": False, "pred": "4", "answer": "5", "evaluation_method": "rule"}],
            "llm_evaluation": [{"prediction": "A", "llm_correct": True}],
            "cascade_correct": [True],
        },
        {"example_abbr": "ds_1", "pred": ["7"], "answer": ["8"], "is_correct": [False]},
        {
            "example_abbr": "ds_2",
            "rule_evaluation": [{"correct": True, "pred": "9", "answer": "9", "evaluation_method": "rule"}],
            "cascade_correct": [True],
        },
    ]  # fmt: skip
    _dump(tmp_path / "results" / "m" / "ds.json", {"accuracy": 66.7, "details": details})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "accuracy", "extracted", "answer").rows() == [
        ("ds:0", 1.0, "4", "5"),
        ("ds:1", 0.0, "7", "8"),
        ("ds:2", 1.0, "9", "9"),
    ]
    assert not any("unscored" in n for n in result.notes)


def test_aisbench_working_copy_kept_after_a_failed_request(tmp_path: Path) -> None:
    # AISBench writes every record (failed requests too, "success": false) to
    # predictions/<model>/tmp/tmp_<time>_<id>.jsonl while it runs, and keeps that file when a
    # request failed. Was: read as a second run called "tmp", every generation twice and the
    # failed request an empty generation. By hand: ids 0 and 1 answered, id 2 failed. Beside the
    # finished files the copy is a companion; alone (a run that died) it is the model's records.
    work = tmp_path / "20250101_000000" / "predictions" / "m"
    work.mkdir(parents=True)

    def line(i: int, ok: bool = True) -> str:
        record = {"data_abbr": "ds", "id": i, "success": ok, "uuid": f"u{i}",
                  "origin_prompt": f"Q{i}", "prediction": f"p{i}" if ok else ""}  # fmt: skip
        if not ok:
            record["error_info"] = "timeout"
        return json.dumps(record) + "\n"

    copy = work / "tmp" / "tmp_20250101000000_ab12cd34.jsonl"
    copy.parent.mkdir()
    copy.write_text(line(1) + line(2, ok=False) + line(0), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("run", "prompt_id", "gen").rows() == [
        ("m", "ds:0", "p0"),
        ("m", "ds:1", "p1"),
    ]
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "request failed, no generation (id 2): timeout")
    ]
    (work / "ds.jsonl").write_text(line(0) + line(1), encoding="utf-8")
    failed = {"data_abbr": "ds", "id": 2, "input": "Q2", "error_info": "timeout"}
    (work / "ds_failed.jsonl").write_text(json.dumps(failed) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("run", "prompt_id", "gen", "source").rows() == [
        ("m", "ds:0", "p0", "20250101_000000/predictions/m/ds.jsonl"),
        ("m", "ds:1", "p1", "20250101_000000/predictions/m/ds.jsonl"),
    ]
    assert [e.source for e in result.errors] == ["20250101_000000/predictions/m/ds_failed.jsonl"]
    skipped = {f.source: f.companion for f in result.skipped_files}
    assert skipped == {"20250101_000000/predictions/m/tmp/tmp_20250101000000_ab12cd34.jsonl": True}


def test_aisbench_multimodal_prompt_parts(tmp_path: Path) -> None:
    # AISBench's LMM datasets write origin_prompt [{"role": "HUMAN", "prompt": [parts]}], the
    # image part's base64 URL cut to 256 characters + " ...". Was: the parts shown as their
    # JSON, base64 and all. By hand: the text part, then [image_url].
    preds = tmp_path / "predictions" / "m"
    preds.mkdir(parents=True)
    parts = [
        {"type": "text", "text": "What is in the picture?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo ..."}},
    ]
    record = {"data_abbr": "mm", "id": 0, "success": True, "uuid": "u0",
              "origin_prompt": [{"role": "HUMAN", "prompt": parts}], "prediction": "A cat"}  # fmt: skip
    (preds / "mm.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.generations["prompt"].to_list() == ["What is in the picture?\n[image_url]"]


def _lawbench(tmp_path: Path) -> Path:
    """open-compass/LawBench publishes the predictions of its systems in OpenCompass' format as
    ``predictions/zero_shot/<model>/<task>.json`` and ``predictions/one_shot/…`` (its README's
    "Model Output Format"), with the reference under ``refr``: ``{"0": {"origin_prompt":
    [{"role": "HUMAN", "prompt": …}], "prediction": …, "refr": …}}``."""
    for setting in ("zero_shot", "one_shot"):
        folder = tmp_path / "LawBench" / "predictions" / setting / "GPT4"
        folder.mkdir(parents=True)
        entries = {
            str(i): {
                "origin_prompt": [
                    {"role": "HUMAN", "prompt": f"{setting} 场景{i}：根据哪条法律？"}
                ],
                "prediction": f"第{i + 1}条" if setting == "zero_shot" else f"第{i}条",
                "refr": f"根据《民法典》第{i}条",
            }
            for i in range(2)
        }
        (folder / "3-2.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "LawBench"


def test_settings_between_predictions_and_the_model_are_runs(tmp_path: Path) -> None:
    # Was: the two settings of a model merged into one run, every prompt "sampled twice".
    result = load([_lawbench(tmp_path)], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    stats = result.stats.sort("run", "prompt_id")
    assert stats.select("run", "prompt_id", "count").rows() == [
        ("GPT4 @ one_shot", "3-2:0", 1),
        ("GPT4 @ one_shot", "3-2:1", 1),
        ("GPT4 @ zero_shot", "3-2:0", 1),
        ("GPT4 @ zero_shot", "3-2:1", 1),
    ]


def test_refr_is_the_reference_when_there_is_no_gold(tmp_path: Path) -> None:
    # Was: no reference at all (answer null) for every LawBench prompt.
    path = _lawbench(tmp_path) / "predictions" / "zero_shot" / "GPT4" / "3-2.json"
    frame = OpenCompassReader().read(path, path.name, ReadOptions()).frame
    assert frame.select("prompt_id", "answer").rows() == [
        ("3-2:0", "根据《民法典》第0条"),
        ("3-2:1", "根据《民法典》第1条"),
    ]


def test_aisbench_perf_mode_output_is_skipped_not_read_as_samples(tmp_path: Path) -> None:
    """``ais_bench … --mode perf`` (AISBench/benchmark ``base_handler.py``: ``write_to_json``
    names perf files ``<data_abbr>_details.jsonl``, records = ``{"data_abbr", "id"}`` +
    ``Output.get_metrics()`` + ``db_name``; docs ``performance_benchmark.md``: the work dir's
    ``performances/<model>/<dataset>.json|.csv|_plot.html``). Request timings, not generations:
    they were read as an unscored run of the timing records' ``input``/``prediction``."""
    work = tmp_path / "outputs" / "default" / "20251106_103326"
    (work / "configs").mkdir(parents=True)
    perf = {
        "data_abbr": "demo_gsm8k",
        "id": 0,
        "success": True,
        "error_info": "",
        "time_points": {"__db_ref__": 1},
        "input_tokens": 1512,
        "output_tokens": 512,
        "extra_perf_data": {},
        "extra_details_data": {},
        "input": "Question: Tom has 2 apples …",
        "uuid": "1f0c9a2b",
        "turn_id": 0,
        "origin_logprobs": [],
        "prediction": "2 + 3 = 5",
        "db_name": "demo_gsm8k.db",
    }
    for folder in ("predictions", "performances"):
        model = work / folder / "vllm-api-stream-chat"
        model.mkdir(parents=True)
        (model / "demo_gsm8k_details.jsonl").write_text(json.dumps(perf) + "\n", encoding="utf-8")
    summary = {"Benchmark Duration": {"total": "98409.4916 ms"}, "Total Requests": {"total": 8}}
    (work / "performances" / "vllm-api-stream-chat" / "demo_gsm8k.json").write_text(
        json.dumps(summary), encoding="utf-8"
    )
    accuracy = work / "predictions" / "vllm-api-general-chat"
    accuracy.mkdir()
    sample = {
        "data_abbr": "demo_gsm8k",
        "id": 0,
        "success": True,
        "uuid": "31a3adb1",
        "origin_prompt": "Question: Tom has 2 apples …",
        "prediction": "Answer: 5",
        "gold": "5",
    }
    (accuracy / "demo_gsm8k.jsonl").write_text(json.dumps(sample) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert [f.source for f in result.read_files] == [
        "outputs/default/20251106_103326/predictions/vllm-api-general-chat/demo_gsm8k.jsonl"
    ]
    assert result.generations["run"].to_list() == ["vllm-api-general-chat"]
    assert sorted((f.source, f.companion) for f in result.skipped_files) == [
        (f"outputs/default/20251106_103326/{folder}/vllm-api-stream-chat/{name}", True)
        for folder, name in [
            ("performances", "demo_gsm8k.json"),
            ("performances", "demo_gsm8k_details.jsonl"),
            ("predictions", "demo_gsm8k_details.jsonl"),
        ]
    ]
    assert result.errors == []


def test_a_folder_named_performances_outside_a_work_dir_is_still_read(tmp_path: Path) -> None:
    """Only an AISBench work dir's ``performances/`` (``<YYYYMMDD_HHMMSS>/`` with ``configs/``
    or ``logs/``) holds timings: a project's own folder of that name keeps its eval data."""
    (tmp_path / "configs").mkdir()
    run = tmp_path / "performances" / "run1"
    run.mkdir(parents=True)
    record = {"prompt": "What is 2+3?", "response": "5", "answer": "5", "score": 1}
    (run / "gens.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert [f.source for f in result.read_files] == ["performances/run1/gens.jsonl"]
    assert result.generations["accuracy"].to_list() == [1.0]


def _merged_ds_work_dir(root: Path) -> Path:
    """``ais_bench … --merge-ds --dump-eval-details``: one task for the datasets of one type, its
    predictions in ``predictions/<model>/<type>.jsonl`` (AISBench ``utils/core/abbr.py``
    ``get_infer_output_path``: ``dataset_cfgs[0].type.split('.')[-1].lower()`` when the task has
    several datasets), each line's ``data_abbr`` its dataset; the eval writes each dataset's
    ``results/<model>/<data_abbr>.json`` (n = 1: ``details`` keyed by item index)."""
    work = root / "outputs" / "default" / "20251106_103326"
    (work / "configs").mkdir(parents=True)
    predictions = work / "predictions" / "vllm-api-general-chat"
    results = work / "results" / "vllm-api-general-chat"
    predictions.mkdir(parents=True)
    results.mkdir(parents=True)
    lines = [  # completion order: the datasets interleave
        ("ceval-art", 0, "Art Q0", "B", "B"),
        ("ceval-law", 0, "Law Q0", "C", "D"),
        ("ceval-art", 1, "Art Q1", "A", "C"),
    ]
    (predictions / "cevaldataset.jsonl").write_text(
        "".join(
            json.dumps(
                {
                    "data_abbr": abbr,
                    "id": i,
                    "success": True,
                    "uuid": f"{abbr}{i}",
                    "origin_prompt": q,
                    "prediction": f"Answer: {p}",
                    "gold": g,
                }
            )
            + "\n"
            for abbr, i, q, p, g in lines
        ),
        encoding="utf-8",
    )

    def details(*items: tuple[str, str, str, bool]) -> dict[str, Any]:
        return {
            str(k): {
                "prompt": q,
                "origin_prediction": f"Answer: {p}",
                "predictions": [p],
                "references": [g],
                "correct": [ok],
            }
            for k, (q, p, g, ok) in enumerate(items)
        }

    art = details(("Art Q0", "B", "B", True), ("Art Q1", "A", "C", False))
    law = details(("Law Q0", "C", "D", False))
    for abbr, found in (("ceval-art", art), ("ceval-law", law)):
        body = {"accuracy": 50.0, "type": "GEN", "details": found}
        (results / f"{abbr}.json").write_text(json.dumps(body), encoding="utf-8")
    return work


def test_aisbench_merged_datasets_are_scored_by_each_datasets_results(tmp_path: Path) -> None:
    # Before: the merged file's generations were unscored ("no usable results/…/cevaldataset.json")
    # and each dataset's results file was read as data besides: every prompt counted twice.
    _merged_ds_work_dir(tmp_path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert [f.source.rsplit("/", 1)[-1] for f in result.read_files] == ["cevaldataset.jsonl"]
    assert sorted((f.source.rsplit("/", 1)[-1], f.companion) for f in result.skipped_files) == [
        ("ceval-art.json", True),
        ("ceval-law.json", True),
    ]
    assert result.generations.select("prompt_id", "accuracy", "extracted", "answer").rows() == [
        ("ceval-art:0", 1.0, "B", "B"),
        ("ceval-art:1", 0.0, "A", "C"),
        ("ceval-law:0", 0.0, "C", "D"),
    ]
    assert result.notes == []


def test_items_that_share_a_prompt_are_not_replicas_of_one(tmp_path: Path) -> None:
    # Dataset n replicas are told by the entries repeating with period N (FORMATS §5.2: item =
    # key mod N). Was: only the prompt text was compared, so items whose prompts are alike were
    # taken for replicas of one item: MT-Bench dialogues (origin_prompt null, the user turns in
    # the prediction list) all became conversation 0, and two questions about an image shown
    # as "<image>" (golds x and y) one prompt of 2 samples, the second one's verdict lost.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "mtbench.json",
        {
            str(i): {
                "prediction": [
                    {"round": 1, "user": f"Write poem {i}", "assistant": f"poem {i}"},
                    {"round": 2, "user": "Shorter", "assistant": f"p{i}"},
                ],
                "origin_prompt": None,
            }
            for i in range(3)
        },
    )
    alike = {"0": {"origin_prompt": "<image> What is shown?", "prediction": "a cat", "gold": "x"}}
    alike["1"] = {"origin_prompt": "<image> What is shown?", "prediction": "a dog", "gold": "y"}
    _dump(preds / "mm.json", alike)
    details = [
        {"example_abbr": "mm_test_0", "pred": ["cat"], "answer": ["x"], "correct": [True]},
        {"example_abbr": "mm_test_1", "pred": ["dog"], "answer": ["y"], "correct": [False]},
    ]
    _dump(tmp_path / "results" / "m" / "mm.json", {"accuracy": 50.0, "details": details})
    # An item shown twice with the same prompt and gold: the results' details list (one entry
    # per item) says there are 2 items, not 1 item sampled twice.
    twice = {k: {"origin_prompt": "Q", "prediction": f"a{k}", "gold": "g"} for k in ("0", "1")}
    _dump(preds / "dup.json", twice)
    _dump(
        tmp_path / "results" / "m" / "dup.json",
        {"accuracy": 50.0, "details": [{"correct": [True]}, {"correct": [False]}]},
    )
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id", "sample")
    assert gens.select("prompt_id", "sample", "prompt", "gen", "answer", "accuracy").rows() == [
        ("dup:0", 0, "Q", "a0", "g", 1.0),
        ("dup:1", 0, "Q", "a1", "g", 0.0),
        ("mm:0", 0, "<image> What is shown?", "a cat", "x", 1.0),
        ("mm:1", 0, "<image> What is shown?", "a dog", "y", 0.0),
        ("mtbench:0:t1", 0, "Write poem 0", "poem 0", None, None),
        ("mtbench:0:t2", 0, "Shorter", "p0", None, None),
        ("mtbench:1:t1", 0, "Write poem 1", "poem 1", None, None),
        ("mtbench:1:t2", 0, "Shorter", "p1", None, None),
        ("mtbench:2:t1", 0, "Write poem 2", "poem 2", None, None),
        ("mtbench:2:t2", 0, "Shorter", "p2", None, None),
    ]


def test_aisbench_failed_request_keeps_the_later_items_verdicts(tmp_path: Path) -> None:
    # n = 1: id 2's request failed (in ds_failed.jsonl, not in ds.jsonl). AISBench's evaluation
    # mocks it in its place (prediction "", FORMATS §5.4), so details "2" is the mock and "3"
    # is id 3's. Was: details matched by position among the lines read, id 3 got the mock's
    # verdict (incorrect) and reference. By hand: id 0 right, 1 wrong, 3 right.
    work = tmp_path / "20250101_000000"
    lines = []
    details: dict[str, Any] = {}
    for i, (gold, pred) in enumerate([("5", "5"), ("42", "41"), ("9", None), ("7", "7")]):
        if pred is None:  # the mock: type defaults
            details[str(i)] = {"prompt": "", "origin_prediction": "", "predictions": [""],
                               "references": [gold], "correct": [False]}  # fmt: skip
            continue
        lines.append({"data_abbr": "ds", "id": i, "success": True, "uuid": f"u{i}",
                      "origin_prompt": f"Q{i}", "prediction": f"answer {pred}", "gold": gold})  # fmt: skip
        details[str(i)] = {"prompt": f"Q{i}", "origin_prediction": f"answer {pred}",
                           "predictions": [pred], "references": [gold], "correct": [pred == gold]}  # fmt: skip
    preds = work / "predictions" / "m"
    preds.mkdir(parents=True)
    (preds / "ds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    failed = {"data_abbr": "ds", "id": 2, "input": "Q2", "error_info": "timeout"}
    (preds / "ds_failed.jsonl").write_text(json.dumps(failed) + "\n", encoding="utf-8")
    _dump(work / "results" / "m" / "ds.json", {"accuracy": 50.0, "type": "GEN", "details": details})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "answer", "accuracy").rows() == [
        ("ds:0", "answer 5", "5", 1.0),
        ("ds:1", "answer 41", "42", 0.0),
        ("ds:3", "answer 7", "7", 1.0),
    ]
    assert [e.reason for e in result.errors] == ["request failed, no generation (id 2): timeout"]
    # Details of fewer items than the ids read (another run's) are not matched at all.
    del details["3"]
    _dump(work / "results" / "m" / "ds.json", {"accuracy": 50.0, "type": "GEN", "details": details})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["accuracy"].null_count() == 3


def test_several_predictions_with_one_verdict_are_scored_as_a_whole(tmp_path: Path) -> None:
    # An HF model's num_return_sequences (or SCInferencer) makes `prediction` a list of k; the
    # evaluator then judges the list (or its majority vote, sc_size): one verdict per item in
    # the results details. Was: that verdict given to the first sample (its extracted answer the
    # vote's), the other samples unscored. Now every sample's prompt_score, the samples
    # unscored. Details with a verdict per sample keep scoring each sample. By hand: sc item 0
    # voted right, item 1 wrong; per: T F T and T F F.
    entries = {
        "0": {"origin_prompt": "Q0", "prediction": ["5", "6", "5"], "gold": "5"},
        "1": {"origin_prompt": "Q1", "prediction": ["1", "2", "2"], "gold": "1"},
    }
    for name in ("sc", "per"):
        _dump(tmp_path / "predictions" / "m" / f"{name}.json", entries)
    voted = [
        {"example_abbr": "sc_test_0", "pred": ["5"], "answer": ["5"], "correct": [True]},
        {"example_abbr": "sc_test_1", "pred": ["2"], "answer": ["1"], "correct": [False]},
    ]
    _dump(tmp_path / "results" / "m" / "sc.json", {"accuracy": 50.0, "details": voted})
    each = [
        {"pred": ["5", "6", "5"], "answer": ["5"] * 3, "correct": [True, False, True]},
        {"pred": ["1", "2", "2"], "answer": ["1"] * 3, "correct": [True, False, False]},
    ]
    _dump(tmp_path / "results" / "m" / "per.json", {"accuracy": 50.0, "details": each})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id", "sample")
    rows = gens.select("prompt_id", "sample", "accuracy", "prompt_score").rows()
    assert rows == [
        ("per:0", 0, 1.0, None),
        ("per:0", 1, 0.0, None),
        ("per:0", 2, 1.0, None),
        ("per:1", 0, 1.0, None),
        ("per:1", 1, 0.0, None),
        ("per:1", 2, 0.0, None),
        ("sc:0", 0, None, 1.0),
        ("sc:0", 1, None, 1.0),
        ("sc:0", 2, None, 1.0),
        ("sc:1", 0, None, 0.0),
        ("sc:1", 1, None, 0.0),
        ("sc:1", 2, None, 0.0),
    ]
    assert gens.filter(pl.col("prompt_id") == "sc:0")["answer"].to_list() == ["5", "5", "5"]
    assert [n for n in result.notes if "prompt_score" in n] == [
        "predictions/m/sc.json: 2 entries of several predictions (num_return_sequences,"
        " self-consistency) with one verdict in results/m/sc.json details (of the list as a"
        " whole, or its majority vote): kept as prompt_score; the samples are unscored"
    ]


def test_predictions_whose_first_prompt_is_longer_than_the_head_are_read(tmp_path: Path) -> None:
    # A long-context dataset (LongBench, NeedleBench): entry "0"'s origin_prompt alone is past
    # the 64 KB detection head, so its "prediction" was not seen and the file was "no reader
    # recognises this file". Results details score it as any other.
    work = tmp_path / "20250101_120000"
    (work / "predictions" / "m1").mkdir(parents=True)
    (work / "results" / "m1").mkdir(parents=True)
    context = "The quick brown fox. " * 4000
    entries = {
        str(k): {"origin_prompt": [{"role": "HUMAN", "prompt": f"{context}Q{k}?"}],
                 "prediction": f"A{k}", "gold": f"A{k}"}
        for k in range(2)
    }  # fmt: skip
    path = work / "predictions" / "m1" / "longbench_x.json"
    path.write_text(json.dumps(entries, indent=4), encoding="utf-8")
    details = [{"pred": ["A0"], "answer": ["A0"], "correct": [True]},
               {"pred": ["A9"], "answer": ["A1"], "correct": [False]}]  # fmt: skip
    (work / "results" / "m1" / "longbench_x.json").write_text(
        json.dumps({"score": 50.0, "details": details}), encoding="utf-8"
    )
    assert len(json.dumps(entries["0"])) > 64 * 1024
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    frame = result.generations.sort("prompt_id")
    assert frame["source"].to_list() == ["20250101_120000/predictions/m1/longbench_x.json"] * 2
    assert frame["prompt_id"].to_list() == ["longbench_x:0", "longbench_x:1"]
    assert frame["prompt"].to_list() == [f"{context}Q0?", f"{context}Q1?"]
    assert frame["gen"].to_list() == ["A0", "A1"]
    assert frame["accuracy"].to_list() == [1.0, 0.0]
    assert frame["extracted"].to_list() == ["A0", "A9"]


def test_aisbench_prediction_of_several_parts_is_one_generation_in_lines(tmp_path: Path) -> None:
    # A multimodal model's output (LMMOutput.get_prediction): a list of its parts, texts and the
    # paths of the images it saved. It was one generation shown as the JSON text
    # '["A red circle.\\nDone.", "m/image_u0_1.png"]': quotes, and its line break escaped.
    folder = tmp_path / "20260101_000000" / "predictions" / "m"
    folder.mkdir(parents=True)
    lines = [
        {"data_abbr": "draw", "id": 0, "success": True, "uuid": "u0", "origin_prompt": "Draw.",
         "prediction": ["A red circle.\nDone.", "m/image_u0_1.png"], "gold": "circle"},
        {"data_abbr": "draw", "id": 1, "success": True, "uuid": "u1", "origin_prompt": "Say.",
         "prediction": "Hello.", "gold": "hello"},
    ]  # fmt: skip
    path = folder / "draw.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = AISBenchReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["gen"].to_list() == ["A red circle.\nDone.\nm/image_u0_1.png", "Hello."]
    assert result.frame["prompt_id"].to_list() == ["draw:0", "draw:1"]
    assert result.frame["sample"].to_list() == [0, 0]


@pytest.mark.parametrize(
    "judge_folder",
    [
        "m-chat_judged-by--gpt-4o",  # score mode (AlignBench, MT-Bench): <model>_judged-by--<judge>
        "base-model_m-chat",  # compare mode of COREV2: the pair of models compared
    ],
)
def test_a_subjective_runs_note_names_its_judge_output(tmp_path: Path, judge_folder: str) -> None:
    # An LLM-judged dataset has no results/<model>/<ds>.json: the judge's output is in a results
    # folder named for the model and its judge (or for the pair compared), in the predictions
    # format, its verdicts the judge's text. The predictions stay unscored; the note said there
    # were no results beside them, where there were.
    work = tmp_path / "20240101_000000"
    entries = {
        "0": {
            "origin_prompt": [{"role": "HUMAN", "prompt": "Write a haiku."}],
            "prediction": "Autumn moon…",
        },
        "1": {"origin_prompt": [{"role": "HUMAN", "prompt": "Name a prime."}], "prediction": "7"},
    }
    predictions = work / "predictions" / "m-chat" / "alignbench.json"
    predictions.parent.mkdir(parents=True)
    predictions.write_text(json.dumps(entries), encoding="utf-8")
    judged = {
        key: {"origin_prompt": "[Judge prompt] …", "prediction": "[[评分]]: 7", "gold": {"ref": ""}}
        for key in entries
    }
    judge = work / "results" / judge_folder / "alignbench.json"
    judge.parent.mkdir(parents=True)
    judge.write_text(json.dumps(judged), encoding="utf-8")
    result = load([work], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations
    assert gens["run"].unique().to_list() == ["m-chat"]  # the judge's output is no model's run
    assert gens["accuracy"].null_count() == 2
    assert result.notes == [
        "predictions/m-chat/alignbench.json: a subjective run: an LLM judged it in"
        f" results/{judge_folder}/alignbench.json (the judge's own text, a comparison or rating"
        " by its prompt, no per-sample 'correct'): generations unscored"
    ]


def test_a_subjective_datasets_gold_is_its_reference_answer_or_none(tmp_path: Path) -> None:
    # Subjective datasets read output_column='judge': each entry's gold is what the judge is told
    # (the capability, the question again, a reference). The published COREV2 run's gold is
    # {"capability": "知识-社会常识"}: shown as the reference answer, it named a category. Now the
    # reference is the answer the dict holds (CompassArena's 'ref', COREV2's
    # others.reference_answer) and none when it holds none.
    work = tmp_path / "20240101_000000"
    golds = [
        {"capability": "知识-社会常识"},
        {"capability": "推理", "others": {"question": "…", "reference_answer": "上"}},
        {"capability": "creation", "ref": "满足用户需求，言之有理即可", "question": "…"},
    ]
    entries = {
        str(i): {"origin_prompt": f"Q{i}", "prediction": f"A{i}", "gold": gold}
        for i, gold in enumerate(golds)
    }
    predictions = work / "predictions" / "m-chat" / "COREV2_6A_.json"
    predictions.parent.mkdir(parents=True)
    predictions.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = OpenCompassReader().read(predictions, predictions.name, ReadOptions())
    assert result.errors == []
    assert result.frame["answer"].to_list() == [None, "上", "满足用户需求，言之有理即可"]


def test_an_llm_judges_verdicts_score_the_predictions(tmp_path: Path) -> None:
    # GenericLLMEvaluator (an objective dataset graded by an LLM judge) returns the judge's own
    # predictions as the results' details: {"0": {"origin_prompt": <judge prompt>, "prediction":
    # "A", "gold": …}}, no 'correct'. OpenCompass counts "A" (or "CORRECT…") correct and "B"
    # wrong. Was: every generation unscored, "details have no per-sample 'correct'". A reply
    # that is neither stays unscored.
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "ds.json",
        {
            str(i): {"origin_prompt": f"Q{i}", "prediction": f"p{i}", "gold": f"g{i}"}
            for i in range(4)
        },
    )
    judge_prompt = [{"role": "HUMAN", "prompt": "Grade the answer. Reply A or B."}]
    replies = ["A", " B\n", "CORRECT, it matches", "I am not sure"]
    details = {
        str(i): {"origin_prompt": judge_prompt, "prediction": reply, "gold": f"g{i}"}
        for i, reply in enumerate(replies)
    }
    _dump(tmp_path / "results" / "m" / "ds.json", {"accuracy": 66.67, "details": details})
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "accuracy", "answer").rows() == [
        ("ds:0", 1.0, "g0"),
        ("ds:1", 0.0, "g1"),
        ("ds:2", 1.0, "g2"),
        ("ds:3", None, "g3"),
    ]


def test_the_models_own_records_in_details_are_no_judges_verdicts(tmp_path: Path) -> None:
    # Details that repeat the model's own records (its prompt, its answer "A" to a multiple
    # choice) carry no verdict: "A" is the model's choice there, not a judge's "correct".
    preds = tmp_path / "predictions" / "m"
    records = {"0": {"origin_prompt": "Q0 (A) x (B) y", "prediction": "A", "gold": "B"}}
    _dump(preds / "ds.json", records)
    _dump(tmp_path / "results" / "m" / "ds.json", {"accuracy": 0.0, "details": records})
    gens = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).generations
    assert gens["accuracy"].to_list() == [None]


def test_judge_records_are_not_spread_over_replicas(tmp_path: Path) -> None:
    # Two replicas of one item (dataset n=2: keys "0", "1") and judge records that do not say
    # which replica each grades: no verdict is guessed (it gave replica 1 the verdict of "0").
    preds = tmp_path / "predictions" / "m"
    _dump(
        preds / "ds.json", {str(i): {"origin_prompt": "Q", "prediction": f"p{i}"} for i in range(2)}
    )
    judge = {"origin_prompt": [{"role": "HUMAN", "prompt": "Grade"}], "prediction": "A"}
    _dump(tmp_path / "results" / "m" / "ds.json", {"details": {"0": judge}})
    gens = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).generations
    assert gens["accuracy"].to_list() == [None, None]


def test_a_judges_record_of_several_predictions_scores_none_of_them(tmp_path: Path) -> None:
    # num_return_sequences: one entry, 2 predictions; one judge record cannot be the first's.
    preds = tmp_path / "predictions" / "m"
    _dump(preds / "ds.json", {"0": {"origin_prompt": "Q", "prediction": ["p", "q"]}})
    judge = {"origin_prompt": [{"role": "HUMAN", "prompt": "Grade"}], "prediction": "A"}
    _dump(tmp_path / "results" / "m" / "ds.json", {"details": {"0": judge}})
    gens = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).generations
    assert gens["accuracy"].to_list() == [None, None]


@pytest.mark.parametrize("with_examples", [False, True])
def test_ppl_predictions_without_origin_prompt_are_read(
    tmp_path: Path, with_examples: bool
) -> None:
    # PPLInferencerOutputHandler.save_prompt_and_ppl before late 2024 (and its accelerate
    # variant) kept no origin_prompt: an entry is its in-context examples (save_ice, first),
    # "label: <label>" -> {testing input, prompt, PPL} per label, prediction (the label, an int
    # for hellaswag) and gold. Such a file was "no reader recognises this file"; later versions
    # write the first label's testing input as origin_prompt. The prompt shown is what the
    # labels' inputs share (the context without any ending: the first one's was shown).
    def entry(stem: str, endings: list[str], ppls: list[float], gold: int) -> dict[str, Any]:
        out: dict[str, Any] = {"in-context examples": "Q: a, b, c\nA: d\n"} if with_examples else {}
        for label, (ending, ppl) in enumerate(zip(endings, ppls, strict=True)):
            out[f"label: {label}"] = {
                "testing input": f"{stem} {ending}",
                "prompt": f"Q: a, b, c\nA: d\n{stem} {ending}",
                "PPL": ppl,
            }
        out["prediction"] = min(range(len(ppls)), key=ppls.__getitem__)
        out["gold"] = gold
        return out  # fmt: skip

    data = {
        "0": entry("A man is on a roof. he", ["wraps skis.", "pulls up roofing."], [11.8, 5.2], 1),
        "1": entry("A cat sits. it", ["sleeps.", "flies."], [4.0, 3.0], 0),
    }
    path = tmp_path / "outputs" / "20240101_000000" / "predictions" / "hf-m" / "hellaswag.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    assert result.generations.select(
        "run", "prompt_id", "prompt", "gen", "answer", "accuracy"
    ).rows() == [
        ("hf-m", "hellaswag:0", "A man is on a roof. he", "1", "1", 1.0),
        ("hf-m", "hellaswag:1", "A cat sits. it", "1", "0", 0.0),
    ]


def _line_of(text: str, opening: str) -> int:
    """The 1-based line of ``text`` where ``opening`` is written (once)."""
    assert text.count(opening) == 1
    return text[: text.index(opening)].count("\n") + 1


def test_an_entry_error_is_told_at_the_line_its_entry_starts(tmp_path: Path) -> None:
    # OpenCompass dumps predictions with indent=4: a bad entry is told at the line where its
    # key is written, not at its number (entry '11' was 'x.json:12', a line of entry '1').
    data: dict[str, Any] = {
        str(k): {"origin_prompt": f"Q{k}\nmore", "prediction": f"A{k}", "gold": str(k)}
        for k in range(12)
    }
    del data["11"]["prediction"]
    data["3"] = ["not", "an", "entry"]
    path = tmp_path / "predictions" / "m" / "ds.json"
    _dump(path, data)
    text = path.read_text(encoding="utf-8")
    result = OpenCompassReader().read(path, "ds.json", ReadOptions())
    assert result.frame.height == 10
    assert [(e.line, e.reason) for e in result.errors] == [
        (_line_of(text, '"3": ['), "entry '3' has no prediction"),
        (_line_of(text, '"11": {'), "entry '11' has no prediction"),
    ]
    assert [e.line for e in result.errors] == [17, 57]  # counted by hand in the indented dump


def test_a_legacy_results_entry_error_is_told_at_its_line(tmp_path: Path) -> None:
    legacy = OC / "legacy_le_0.4.0" / "results" / "hf-toy-model" / "toy_gsm8k.json"
    data = json.loads(legacy.read_text(encoding="utf-8"))
    del data["details"]["1"]["origin_prediction"]
    data["details"]["1"]["prediction"] = "x"  # still read as legacy results: entry '0' has one
    path = tmp_path / "results" / "m" / "toy_gsm8k.json"
    _dump(path, data)
    text = path.read_text(encoding="utf-8")
    result = OpenCompassReader().read(path, "r.json", ReadOptions())
    assert result.frame.height == 1
    assert [(e.line, e.reason) for e in result.errors] == [
        (_line_of(text, '"1": {'), "details entry '1' has no origin_prediction")
    ]
    assert result.errors[0].line == 12


def test_an_entry_under_a_key_that_is_no_number_is_told_not_dropped(tmp_path: Path) -> None:
    # OpenCompass keys its predictions str(index); an entry under another key has no item and
    # was left out without a word (3 entries, 2 rows, no error).
    data: dict[str, Any] = {
        "0": {"origin_prompt": "Q0", "prediction": "A0", "gold": "0"},
        "extra": {"origin_prompt": "Q?", "prediction": "A?", "gold": "?"},
        "1": {"origin_prompt": "Q1", "prediction": "A1", "gold": "1"},
    }
    path = tmp_path / "predictions" / "m" / "ds.json"
    _dump(path, data)
    text = path.read_text(encoding="utf-8")
    result = OpenCompassReader().read(path, "ds.json", ReadOptions())
    assert result.frame["prompt_id"].to_list() == ["ds:0", "ds:1"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (
            _line_of(text, '"extra": {'),
            "entry 'extra' is not numbered (OpenCompass keys its entries '0', '1', …): not read",
        )
    ]
    assert result.errors[0].line == 7


def test_an_entry_under_a_digit_that_is_no_number_is_told_not_a_crash(tmp_path: Path) -> None:
    # '²' is a digit to str.isdigit but no number to int: the whole file failed ("opencompass
    # reader failed: ValueError: invalid literal for int()").
    data: dict[str, Any] = {
        "0": {"origin_prompt": "Q0", "prediction": "A0", "gold": "0"},
        "\u00b2": {"origin_prompt": "Q?", "prediction": "A?", "gold": "?"},
        "1": {"origin_prompt": "Q1", "prediction": "A1", "gold": "1"},
    }
    path = tmp_path / "predictions" / "m" / "ds.json"
    _dump(path, data)
    result = OpenCompassReader().read(path, "ds.json", ReadOptions())
    assert result.frame["prompt_id"].to_list() == ["ds:0", "ds:1"]
    assert [e.reason for e in result.errors] == [
        "entry '\u00b2' is not numbered (OpenCompass keys its entries '0', '1', …): not read"
    ]


def test_clp_predictions_are_the_choice_of_highest_probability(tmp_path: Path) -> None:
    """CLPInferencer (conditional log probability: civilcomments_clp, jigsaw's) writes each
    entry as its in-context examples, ``testing input``, ``prompt``, ``choices``,
    ``prediction`` (the choices' probabilities), ``pred_label`` (the argmax) and ``gold`` (an
    index). Such a file was 'no reader recognises this file'. The generation is the chosen
    choice, the reference the gold's, scored as AUCROCEvaluator's accuracy counts (argmax ==
    gold); the prompt is the testing input, without the in-context examples."""
    data = {
        str(i): {
            "in-context examples": "Text: fine\nToxic: no\n",
            "testing input": f"Text: comment {i}\nToxic:",
            "prompt": f"Text: fine\nToxic: no\nText: comment {i}\nToxic:",
            "choices": ["no", "yes"],
            "prediction": probs,
            "pred_label": max(range(2), key=probs.__getitem__),
            "gold": gold,
        }
        for i, (probs, gold) in enumerate([([0.9, 0.1], 0), ([0.2, 0.8], 0), ([0.4, 0.6], 1)])
    }
    path = tmp_path / "outputs" / "20240101_000000" / "predictions" / "hf-m" / "civil_clp.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    assert result.generations.select(
        "run", "prompt_id", "prompt", "gen", "answer", "accuracy", "extracted"
    ).rows() == [
        ("hf-m", "civil_clp:0", "Text: comment 0\nToxic:", "no", "no", 1.0, "no"),
        ("hf-m", "civil_clp:1", "Text: comment 1\nToxic:", "yes", "no", 0.0, "yes"),
        ("hf-m", "civil_clp:2", "Text: comment 2\nToxic:", "yes", "yes", 1.0, "yes"),
    ]


def test_an_inferencers_error_in_place_of_predictions_is_told(tmp_path: Path) -> None:
    """CLPInferencer given an API model writes ``{"error": "API model is not supported …"}`` as
    the dataset's predictions file (so the task is not run again) and raises. The file was 'no
    reader recognises this file'; it is told as the error OpenCompass wrote."""
    path = tmp_path / "outputs" / "20240101_000000" / "predictions" / "gpt" / "civil_clp.json"
    path.parent.mkdir(parents=True)
    message = (
        "API model is not supported for conditional log probability inference and skip this exp."
    )
    path.write_text(json.dumps({"error": message}, indent=4), encoding="utf-8")
    with pytest.raises(LoadFailure) as failed:
        load([tmp_path], LoadOptions(tokenize=False))
    assert [(e.source, e.line, e.reason) for e in failed.value.errors] == [
        (
            "outputs/20240101_000000/predictions/gpt/civil_clp.json",
            None,
            f"OpenCompass wrote its inferencer's error here, no predictions: {message!r}",
        )
    ]


def test_aisbench_multi_turn_lines_are_one_prompt_per_turn(tmp_path: Path) -> None:
    """AISBench's MultiTurnGenInferencer writes a line per turn of a dialogue, all under the
    item's id and one uuid, each turn's origin_prompt its history so far. The turns were read
    as samples of one prompt (turn 2's answer counted as a second answer to turn 1's
    question, shown under its prompt). Each turn is its own prompt now, unscored, with a note;
    an item's samples (each its own uuid, one prompt) stay samples."""

    def turn(item: int, history: list[tuple[str, str]], answer: str) -> dict[str, Any]:
        return {
            "data_abbr": "chat_ds",
            "id": item,
            "success": True,
            "uuid": f"u{item}",
            "origin_prompt": [{"role": role, "prompt": text} for role, text in history],
            "prediction": answer,
            "gold": "ref",
        }

    q1, q2 = ("HUMAN", "Name a colour."), ("HUMAN", "Another one?")
    lines = [
        turn(0, [q1], "Red."),
        turn(1, [("HUMAN", "Say hi.")], "Hi."),
        turn(0, [q1, ("BOT", "Red."), q2], "Blue."),
    ]
    path = tmp_path / "20250101_000000" / "predictions" / "m" / "chat_ds.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = AISBenchReader().read(path, "p.jsonl", ReadOptions())
    assert result.errors == []
    assert result.frame.select("prompt_id", "prompt", "gen", "sample", "accuracy").rows() == [
        ("chat_ds:0:t1", "Name a colour.", "Red.", 0, None),
        (
            "chat_ds:0:t2",
            "HUMAN: Name a colour.\n\nBOT: Red.\n\nHUMAN: Another one?",
            "Blue.",
            0,
            None,
        ),
        ("chat_ds:1", "Say hi.", "Hi.", 0, None),
    ]
    assert [n for n in result.notes if "conversation" in n] == [
        "p.jsonl: 1 conversation of several turns (MultiTurnGenInferencer: a line per turn, one"
        " uuid, each turn's history as its prompt): each turn is read as its own prompt"
        " (<dataset>:<id>:t<turn>), unscored (its lines are no samples of one prompt)"
    ]


@pytest.mark.parametrize("results", ["none", "no details", "details per conversation"])
def test_aisbench_conversations_only_say_why_they_are_unscored_once(
    tmp_path: Path, results: str
) -> None:
    """A file of conversations only (MT-Bench: every item a dialogue) is unscored because its
    turns are prompts of their own, whatever results/ holds. It said 'no usable
    results/…/mtbench.json details beside it: generations unscored' too, beside a results file
    (one without details, as AISBench writes without --dump-eval-details), a wrong reason: with
    details the turns were no more scored. By hand: 2 conversations of 2 turns each."""
    work = tmp_path / "20250101_000000"
    lines = []
    for item in range(2):
        history: list[dict[str, str]] = []
        for t in range(2):
            history = [*history, {"role": "HUMAN", "prompt": f"q{item}.{t}"}]
            lines.append(
                {
                    "data_abbr": "mtbench",
                    "id": item,
                    "success": True,
                    "uuid": f"u{item}",
                    "origin_prompt": history,
                    "prediction": f"a{item}.{t}",
                }
            )
            history = [*history, {"role": "BOT", "prompt": f"a{item}.{t}"}]
    path = work / "predictions" / "m" / "mtbench.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    if results != "none":
        details = {
            str(i): {
                "prompt": f"q{i}.0",
                "predictions": ["x"],
                "references": ["y"],
                "correct": [i == 0],
            }
            for i in range(2)
        }
        body = {"accuracy": 50.0} | ({"details": details} if results != "no details" else {})
        _dump(work / "results" / "m" / "mtbench.json", body)
    result = AISBenchReader().read(path, "p.jsonl", ReadOptions())
    assert result.errors == []
    assert result.frame["prompt_id"].to_list() == [
        "mtbench:0:t1", "mtbench:0:t2", "mtbench:1:t1", "mtbench:1:t2"
    ]  # fmt: skip
    assert result.frame["accuracy"].null_count() == 4
    assert result.notes == [
        "p.jsonl: 2 conversations of several turns (MultiTurnGenInferencer: a line per turn, one"
        " uuid, each turn's history as its prompt): each turn is read as its own prompt"
        " (<dataset>:<id>:t<turn>), unscored (its lines are no samples of one prompt)"
    ]


def test_a_ppl_only_output_is_one_error_saying_what_it_is(tmp_path: Path) -> None:
    """PPLOnlyInferencer writes each entry as its origin_prompt and perplexity ('ppl'), nothing
    generated: each entry was its own error 'entry '0' has no prediction'. The file is one
    error saying what it holds."""
    data = {str(i): {"origin_prompt": f"text {i}", "ppl": 3.5 + i} for i in range(3)}
    path = tmp_path / "predictions" / "m" / "ds_ppl.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = OpenCompassReader().read(path, "p.json", ReadOptions())
    assert result.frame.height == 0
    assert [(e.line, e.reason) for e in result.errors] == [
        (
            None,
            "a PPLOnlyInferencer output (3 entries, each an origin_prompt and its perplexity"
            " 'ppl'): no generation to read",
        )
    ]


@pytest.mark.parametrize("long_key", ["testing input", "in-context examples"])
def test_clp_predictions_whose_first_entry_is_longer_than_the_head(
    tmp_path: Path, long_key: str
) -> None:
    """Detection reads a file's first 64 KB: a CLP file whose first entry's testing input (or
    in-context examples) is longer had no ``pred_label`` there, and was 'no reader recognises
    this file'. The entry's opening says what it is, as a long origin_prompt's does."""
    data = {
        str(i): {
            "in-context examples": "Text: fine\nToxic: no\n",
            "testing input": f"Text: comment {i}\nToxic:",
            "prompt": f"Text: fine\nToxic: no\nText: comment {i}\nToxic:",
            "choices": ["no", "yes"],
            "prediction": probs,
            "pred_label": max(range(2), key=probs.__getitem__),
            "gold": 0,
        }
        for i, probs in enumerate([[0.9, 0.1], [0.2, 0.8]])
    }
    data["0"][long_key] = "x" * 70_000 + data["0"][long_key]
    path = tmp_path / "outputs" / "20240101_000000" / "predictions" / "hf-m" / "civil_clp.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    assert result.generations.select("run", "prompt_id", "gen", "answer", "accuracy").rows() == [
        ("hf-m", "civil_clp:0", "no", "no", 1.0),
        ("hf-m", "civil_clp:1", "yes", "no", 0.0),
    ]


def test_a_long_json_opening_like_clp_without_pred_label_is_not_claimed_when_whole(
    tmp_path: Path,
) -> None:
    """A whole file (shorter than the head) that opens like a CLP entry but has no pred_label is
    not taken for one."""
    from evaltui.data.formats import detect

    path = tmp_path / "predictions" / "m" / "x.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"0": {"testing input": "a", "other": 1}}), encoding="utf-8")
    found = detect(path).reader
    assert found is None or found.name != "opencompass"


def test_aisbench_ppl_lines_are_the_labels_shared_prompt_scored_by_their_label() -> None:
    # AISBench's PPLInferencer (after its 2025-12 refactoring) writes each item as one line:
    # origin_prompt the list of every label's prompt (the question, then "Answer: A", …),
    # ppl_list each label's perplexity, prediction the label of least (fixture README). The
    # prompt read the four prompts joined, four copies of the question, and with no results/
    # beside it the lines were 'generations unscored', while an OpenCompass PPL entry is scored
    # by prediction == gold (AccEvaluator's verdict). Now the labels' shared beginning, the
    # label the model's answer, scored by the gold, with a note.
    folder = FIXTURES / "aisbench" / "ppl"
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "extracted", "answer", "accuracy").rows() == [
        ("ceval-toy:0", "B", "B", "B", 1.0),
        ("ceval-toy:1", "B", "B", "A", 0.0),
    ]
    assert gens["prompt"].to_list() == [
        "Question: Which number is 2+2?\nA. 3\nB. 4\nC. 5\nD. 22\nAnswer:",
        "Question: Which city is the capital of France?\nA. Paris\nB. Lyon\nC. Nice\nD. Lille"
        "\nAnswer:",
    ]
    assert [n.split(": ", 1)[1] for n in result.notes] == [
        "2 PPL lines (PPLInferencer: each label's prompt scored by perplexity, the prediction"
        " the label of least): the prompt shown is the beginning the labels' prompts share, up"
        " to its last space or line break"
    ]


def _labelled_entry(
    question: str, labels: dict[str, str], key: str, prediction: str, gold: str, origin: bool
) -> dict[str, Any]:
    """An entry as PPLInferencerOutputHandler (``origin``: its first label's input as
    ``origin_prompt``) or LLInferencerOutputHandler (none) writes it: in-context examples, each
    label's ``testing input`` (the label's prompt without them: the question, then the
    label's text), its prompt and score, the label chosen, the gold."""
    entry: dict[str, Any] = {"in-context examples": ""}
    for label, text in labels.items():
        scored = {"testing input": f"{question}{text}", "prompt": f"{question}{text}", key: -1.5}
        if origin and "origin_prompt" not in entry:
            entry["origin_prompt"] = scored["testing input"]
        entry[f"label: {label}"] = scored
    return {**entry, "prediction": prediction, "gold": gold}


def test_ppl_and_ll_entries_show_the_question_their_labels_share(tmp_path: Path) -> None:
    # PPLInferencer's origin_prompt is its first label's input, LLInferencer writes none (the
    # first label's input was read): the prompt shown ended with label A's answer ("…Answer:
    # Venus") whatever the model chose. By hand: each prompt is the question up to "Answer:".
    labels = {"A": " Venus", "B": " Mars"}
    for name, key, origin in (("ppl", "PPL", True), ("ll", "Loglikelihood", False)):
        entries = {
            str(i): _labelled_entry(
                f"Q{i}: Which planet is red?\nAnswer:", labels, key, p, "B", origin
            )
            for i, p in enumerate(["B", "A"])
        }
        _dump(tmp_path / name / "predictions" / "m" / "planets.json", entries)
        result = load([tmp_path / name], LoadOptions(tokenize=False, use_cache=False))
        assert result.errors == []
        assert result.generations.select("prompt", "gen", "accuracy").rows() == [
            ("Q0: Which planet is red?\nAnswer:", "B", 1.0),
            ("Q1: Which planet is red?\nAnswer:", "A", 0.0),
        ]
    # Labels' inputs without their label's text (one input for all): the input as it is.
    same = {"A": "", "B": ""}
    _dump(
        tmp_path / "same" / "predictions" / "m" / "planets.json",
        {"0": _labelled_entry("Q: Which planet is red?\nAnswer:", same, "PPL", "B", "B", True)},
    )
    result = load([tmp_path / "same"], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["prompt"].to_list() == ["Q: Which planet is red?\nAnswer:"]


def test_aisbench_sample_ids_scan_reads_each_line_as_its_parse_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A records export counts each id's generation lines (``records_companions``) by a scan of
    each line's head, not a parse of every line: an id or a ``prediction`` key quoted inside a
    prompt, a prompt ending in a backslash, a failed request, keys in another order, a chat
    prompt's list, an escaped dataset name and a truncated last line are each counted as the
    line's JSON says (the parse of every line, as the load reads them)."""
    from evaltui.data.formats import opencompass
    from evaltui.data.formats.opencompass import _sample_ids, _sample_line
    from evaltui.data.formats.plain import parse_json_lines

    head = '{"data_abbr": "ds", "id": %s, "success": true, "uuid": "u", "origin_prompt": '
    lines = [
        # 1: the prompt quotes another line's head: still id 0
        head % 0 + r'"Q0 \", \"id\": 7, \"prediction\": \"x", "prediction": "A", "gold": "0"}',
        # 2: a prompt ending in an escaped backslash (its closing quote is not escaped)
        head % 0 + r'"C:\\", "prediction": "B", "gold": "0"}',
        # 3: a failed request: no generation
        head.replace("true", "false") % 1 + '"Q1", "error_info": "500"}',
        # 4: no success, keys in another order
        '{"id": 1, "prediction": "C", "origin_prompt": "Q1", "data_abbr": "ds"}',
        # 5: a chat prompt (a list)
        head % 1 + '[{"role": "HUMAN", "prompt": "Q1"}], "prediction": "D", "gold": "1"}',
        # 6: "prediction" only inside another value: no generation (no such key)
        head % 2 + r'"Q2", "error_info": "x, \"prediction\": y"}',
        "",
        # 8: a dataset written ASCII-escaped (ensure_ascii), its id not an index
        '{"data_abbr": "ceval-\\u6cd5", "id": "x7", "success": true, "uuid": "u", '
        '"origin_prompt": "Q", "prediction": "E", "gold": "x"}',
        # 9: a prompt that never ends on its line (not JSON: no row)
        head % 3 + '"Q3, "prediction": "F"}',
        # 10: an id too big for the head's digits, read by the parse
        head % (10**20) + '"Q", "prediction": "G", "gold": "x"}',
        # 11: a last line cut short (still being written)
        head % 4 + '"Q4", "prediction": "H", "go',
    ]
    path = tmp_path / "predictions" / "m" / "ds.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    parsed = [
        (line, record.get("data_abbr"), record["id"])
        for line, _offset, record in parse_json_lines(path, path.name)[0]
        if _sample_line(record)
    ]
    seen: list[str] = []

    def parse(text: str) -> Any:
        seen.append(text)
        return json.loads(text)

    monkeypatch.setattr(opencompass, "parse_json", parse)
    expected = [(1, "ds", 0), (2, "ds", 0), (4, "ds", 1), (5, "ds", 1), (8, "ceval-法", "x7")]
    expected.append((10, "ds", 10**20))
    assert list(_sample_ids(path)) == parsed == expected
    # AISBench's own lines (1, 2) are read from their heads; the others parsed to tell
    assert [text[:40] for text in seen] == [lines[i - 1][:40] for i in (3, 4, 5, 6, 8, 9, 10, 11)]
