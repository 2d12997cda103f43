"""The Qwen2.5-Math evaluation harness (``evaluation/math_eval.py``): the published SkyThought run of
Qwen2.5-14B-Instruct on aime24, and variants written the way the harness and its forks write them
(``n_sampling`` > 1, ``prompt`` kept, ``finish_reason``, unscored lines, a long first line).

Expected values come from the file itself: 30 lines, ``idx`` 0..29, each ``code``/``pred``/``score``
a one-element list; ``score`` is ``[true]`` on idx 0, 7, 9, 22, 23, 26 (6 of 30 = 20.0 %, the ``acc``
of the ``*_metrics.json`` beside it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from evaltui.data.compare import compare_runs
from evaltui.data.follow import Follower
from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.qwen_math import QwenMathReader
from evaltui.data.loader import LoadOptions, load

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real_world"
OUTPUT_DIR = (
    REAL / "plain/SkyThought-Qwen2.5-Math-eval/skythought/Qwen2.5-Math/evaluation/outputs"
    "/Qwen/Qwen2.5-14B-Instruct/aime24_eval"
)
STEM = "test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1"
SAMPLES = OUTPUT_DIR / "aime24" / f"{STEM}.jsonl"
METRICS = OUTPUT_DIR / "aime24" / f"{STEM}_qwen25-math-cot_metrics.json"
CORRECT = [0, 7, 9, 22, 23, 26]
READER = QwenMathReader()


def lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")
    return path


def test_detected_by_default_and_metrics_file_is_a_companion() -> None:
    found = detect(SAMPLES)
    assert found.reader is not None and found.reader.name == "qwen_math"
    metrics = detect(METRICS)
    assert metrics.reader is None and metrics.companion


def test_published_run_one_generation_per_line() -> None:
    result = READER.read(SAMPLES, SAMPLES.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame.height == 30
    assert frame["prompt_id"].to_list() == [f"aime24:{i}" for i in range(30)]
    assert frame["sample"].to_list() == [0] * 30
    assert frame["accuracy"].to_list() == [1.0 if i in CORRECT else 0.0 for i in range(30)]
    first = lines()[0]
    # the problem itself (question), its parsed reference (gt), the generation (code[0]) and the
    # harness's extracted answer (pred[0])
    row = frame.row(0, named=True)
    assert row["prompt"] == first["question"]
    assert row["answer"] == "204" == first["gt"]
    assert row["gen"] == first["code"][0]
    assert row["extracted"] == "204"
    # run: the model (the output dir aime24_eval is SkyThought's per-dataset folder of it), by
    # its last two path parts as the harness names models
    assert set(frame["run"]) == {"Qwen/Qwen2.5-14B-Instruct"}
    assert frame["offset"].to_list()[0] == 0


def test_published_run_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "combined.json"
    assert main(["summarize", str(REAL / "plain"), "-o", str(out), "--no-cache"]) == 0
    err = capsys.readouterr().err
    # the metrics file is a companion, not 9 bad lines
    assert "1 read, 1 companion" in err and "bad lines    0" in err
    assert "prompts      30\n" in err and "accuracy     0.2000" in err
    combined = json.loads(out.read_text(encoding="utf-8"))
    assert sum(row["total_accuracy_count"] for row in combined) == 6


def test_each_list_position_is_one_generation(tmp_path: Path) -> None:
    # n_sampling = 4 (a fork that also keeps prompt and finish_reason): line 1 has 4 codes,
    # preds 204/204/17/204, scores T/T/F/T, the third generation cut at the length cap.
    record = dict(lines()[0])
    record["prompt"] = "<|im_start|>user\n" + record["question"]
    record["code"] = ["a \\boxed{204}", "b \\boxed{204}", "c \\boxed{17", "d \\boxed{204}"]
    record["pred"] = ["204", "204", "17", "204"]
    record["report"] = [None] * 4
    record["score"] = [True, True, False, True]
    record["finish_reason"] = ["stop", "stop", "length", "stop"]
    path = write(tmp_path / "out" / "m" / "aime24" / f"{STEM}.jsonl", [record])
    assert detect(path).reader is not None
    frame = READER.read(path, path.name, ReadOptions()).frame
    assert frame["sample"].to_list() == [0, 1, 2, 3]
    assert frame["gen"].to_list() == record["code"]
    assert frame["extracted"].to_list() == record["pred"]
    assert frame["accuracy"].to_list() == [1.0, 1.0, 0.0, 1.0]
    assert frame["truncated"].to_list() == [False, False, True, False]
    assert set(frame["prompt"]) == {record["question"]}  # the problem, not the templated prompt
    result = load([path], LoadOptions(tokenize=False, use_cache=False))
    stats = result.stats.row(0, named=True)
    assert (stats["count"], stats["total_accuracy_count"]) == (4, 3)


def test_unscored_and_malformed_lines(tmp_path: Path) -> None:
    base = lines()[:4]
    unscored = {k: v for k, v in base[0].items() if k != "score"}  # before `evaluate` ran
    short = dict(base[1], score=[True, False])  # 1 code, 2 scores
    no_code = dict(base[2], code=[], pred=[], score=[])
    path = tmp_path / "outputs" / "x" / "math_eval" / "aime24" / f"{STEM}.jsonl"
    write(path, [unscored, short, no_code, base[3]])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"idx": 4, "question": "cut')  # a truncated last line
    result = READER.read(path, "f.jsonl", ReadOptions())
    assert result.frame["accuracy"].to_list() == [None, 0.0]  # line 1 unscored, line 4 idx 3
    assert result.frame["line"].to_list() == [1, 4]
    assert sorted((e.line, e.reason.split(":")[0]) for e in result.errors) == [
        (2, "'code' has 1 generations but 'score' has 2"),
        (3, "'code' is an empty list (no generation)"),
        (5, "truncated last line (file still being written?)"),
    ]
    assert set(result.frame["run"]) == {"x"}


def test_a_first_line_longer_than_the_head_is_detected(tmp_path: Path) -> None:
    record = dict(lines()[0], code=["x" * 70_000])
    path = write(tmp_path / "aime24" / f"{STEM}.jsonl", [record])
    found = detect(path)
    assert found.reader is not None and found.reader.name == "qwen_math"


def test_several_datasets_of_one_run(tmp_path: Path) -> None:
    # The harness writes one folder per dataset under its output dir: one run, prompt ids per
    # dataset (aime24:0 and math500:0 are different problems).
    root = tmp_path / "outputs" / "org" / "model" / "eval"
    shutil.copytree(OUTPUT_DIR / "aime24", root / "aime24")
    # (math500's own problems: folders holding the same problems are models, not datasets)
    math500 = [dict(r, question=f"math500 problem {r['idx']}") for r in lines()[:2]]
    write(root / "math500" / f"{STEM}.jsonl", math500)
    result = load([tmp_path / "outputs"], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.stats["run"].unique().to_list() == ["org/model/eval"]
    assert result.stats.height == 32
    assert {"aime24:0", "math500:0"} <= set(result.stats["prompt_id"])


def test_two_runs_in_one_dataset_folder_stay_two_runs(tmp_path: Path) -> None:
    # The same output dir evaluated greedily and then with 2 samples at t0.6 (seed 1): the harness
    # writes both files into aime24/ under different names. They are two runs of the same
    # problems, not 3 generations of each (sample 0 twice). Worked out by hand: the greedy run
    # has idx 0 with score [true] (1 of 1); the sampled run idx 0 with [true, false] (mean 0.5)
    # and idx 1 with [false, false] (0.0), so its accuracy is 1/4.
    folder = tmp_path / "outputs" / "org" / "model" / "eval" / "aime24"
    write(
        folder / "test_cot_-1_seed0_t0.0_s0_e-1.jsonl",
        [{"idx": 0, "question": "Q0", "gt": "5", "code": ["a"], "pred": ["5"], "score": [True]}],
    )
    write(
        folder / "test_cot_-1_seed1_t0.6_s0_e-1.jsonl",
        [
            {"idx": 0, "question": "Q0", "gt": "5", "code": ["a", "b"], "pred": ["5", "6"],
             "score": [True, False]},
            {"idx": 1, "question": "Q1", "gt": "2", "code": ["c", "d"], "pred": ["3", "4"],
             "score": [False, False]},
        ],
    )  # fmt: skip
    # A second dataset of the sampled run keeps that run's label (one run, two datasets).
    write(
        folder.parent / "math500" / "test_cot_-1_seed1_t0.6_s0_e-1.jsonl",
        [{"idx": 0, "question": "M0", "gt": "1", "code": ["e"], "pred": ["1"], "score": [True]}],
    )
    result = load([tmp_path / "outputs"], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations
    greedy, sampled = "org/model/eval @ seed0 t0.0", "org/model/eval @ seed1 t0.6"
    assert sorted(gens["run"].unique().to_list()) == [greedy, sampled]
    by_run = {
        run: sorted(zip(part["prompt_id"], part["sample"], part["accuracy"], strict=True))
        for (run,), part in gens.group_by("run")
    }
    assert by_run[greedy] == [("aime24:0", 0, 1.0)]
    assert by_run[sampled] == [
        ("aime24:0", 0, 1.0),
        ("aime24:0", 1, 0.0),
        ("aime24:1", 0, 0.0),
        ("aime24:1", 1, 0.0),
        ("math500:0", 0, 1.0),
    ]


def test_an_empty_extracted_answer_is_no_answer(tmp_path: Path) -> None:
    # The harness's extract_answer gives "" when it finds no answer, so `pred` holds "" for such a
    # generation (OpenCompass' post-processors and lm-eval's filters do the same). Was: the
    # extracted answer "", counted as answered ("no answer" never flagged) and never looked for
    # in the text. By hand: generation 0 "" -> none (and no answer in "I cannot solve it");
    # generation 1 " " -> none; the loader's own extraction finds the text's last number 7 (a
    # bare number is not a stated answer: still no answer); generation 2 "5" stays.
    folder = tmp_path / "outputs" / "m" / "aime"
    folder.mkdir(parents=True)
    record = {"idx": 0, "question": "Q", "gt": "5", "code": ["I cannot solve it", "maybe 7", "5"],
              "pred": ["", " ", "5"], "score": [False, False, True]}  # fmt: skip
    path = folder / "test_cot_-1_seed0_t0.0_s0_e-1.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("sample")
    assert gens.select("extracted", "has_answer").rows() == [
        (None, False),
        ("7", False),
        ("5", True),
    ]


def test_an_output_dir_named_for_evaluation_is_labelled_by_its_model(tmp_path: Path) -> None:
    """The harness's ``sh/eval.sh`` writes into ``OUTPUT_DIR=${MODEL_NAME_OR_PATH}/math_eval``
    (a relative model id lands under ``outputs/``, a local checkpoint beside itself), and
    SkyThought's published runs into ``<model>/<dataset>_eval`` (NovaSky-AI/SkyThought
    ``skythought/Qwen2.5-Math/evaluation/outputs/Qwen/Qwen2.5-14B-Instruct/{aime24,amc23}_eval/``).
    The run is the model, named by its last two path parts as ``math_eval.py`` names models. Was:
    ``Qwen/Qwen2.5-14B-Instruct/aime24_eval`` and ``…/amc23_eval``, one model's datasets as two
    runs, and ``…/DeepSeek-R1-Distill-Qwen-7B/math_eval``."""

    def record(idx: int, score: bool) -> dict[str, Any]:
        return {"idx": idx, "question": f"Q{idx}", "gt": "1", "code": ["x"], "pred": ["1"],
                "score": [score]}  # fmt: skip

    sky = tmp_path / "sky" / "outputs" / "Qwen" / "Qwen2.5-14B-Instruct"
    write(sky / "aime24_eval" / "aime24" / f"{STEM}.jsonl", [record(0, True)])
    write(sky / "amc23_eval" / "amc23" / f"{STEM}.jsonl", [record(0, False)])
    upstream = tmp_path / "up" / "outputs" / "deepseek-ai" / "DeepSeek-R1-Distill-Qwen-7B"
    write(upstream / "math_eval" / "gsm8k" / f"{STEM}.jsonl", [record(0, True)])
    local = tmp_path / "local" / "ckpts" / "0420_llama3-3b" / "global_step400_hf"
    write(local / "math_eval" / "math_500" / f"{STEM}.jsonl", [record(0, True)])
    options = LoadOptions(tokenize=False, use_cache=False)
    gens = load([tmp_path / "sky"], options).generations.sort("prompt_id")
    assert gens.select("run", "prompt_id", "accuracy").rows() == [
        ("Qwen/Qwen2.5-14B-Instruct", "aime24:0", 1.0),
        ("Qwen/Qwen2.5-14B-Instruct", "amc23:0", 0.0),
    ]
    up = load([tmp_path / "up"], options).generations
    assert up["run"].to_list() == ["deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"]
    ckpt = load([tmp_path / "local"], options).generations
    assert ckpt["run"].to_list() == ["0420_llama3-3b/global_step400_hf"]


def test_folders_of_one_output_dir_that_are_models_are_runs(tmp_path: Path) -> None:
    """Outputs gathered one folder per model (``results/<model>/<file>``, the published aime24
    file copied under two model names): the reader takes each file's folder for a dataset of
    one run, ``results``. Was: one run ``…/results``, its 2 "datasets" the same 3 problems twice
    (6 prompts), accuracy 0.5 pooled over both models. Worked out by hand: model A scores idx
    0, 1, 2 as 1, 0, 0 (1/3), model B as 1, 1, 1 (3/3), 3 prompts each."""

    def record(idx: int, score: bool) -> dict[str, Any]:
        return {"idx": idx, "question": f"Problem {idx}?", "gt": "1", "code": ["x"],
                "pred": ["1"], "score": [score]}  # fmt: skip

    a = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-maxtokens32768-temp0.6-topp0.95"
    b = "Qwen__QwQ-32B-maxtokens32768-temp0.6"
    results = tmp_path / "results"
    write(results / a / f"{STEM}.jsonl", [record(0, True), record(1, False), record(2, False)])
    write(results / b / f"{STEM}.jsonl", [record(i, True) for i in range(3)])
    result = load([results], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    stats = result.stats
    by_run = {
        run: (part.height, part["n_correct"].sum())
        for (run,), part in stats.group_by("run", maintain_order=True)
    }
    assert by_run == {a: (3, 1), b: (3, 3)}
    # Prompt ids without the model's folder: the two models' runs join problem by problem
    # (they were "<folder>:0", and `m`/`compare` found no prompt in common).
    assert sorted(stats["prompt_id"]) == ["0", "0", "1", "1", "2", "2"]
    assert compare_runs(stats, b, a).joined.height == 3


def test_a_model_folder_read_back_from_a_records_export_keeps_its_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The records export of two models' folders, read back with its manifest: per run and
    # prompt the original load's counts, under the original ids.
    results = tmp_path / "results"
    for model, scores in (("org__model-a", [True, False]), ("org__model-b", [False, False])):
        write(
            results / model / f"{STEM}.jsonl",
            [{"idx": i, "question": f"Q{i}", "gt": "1", "code": ["x"], "pred": ["1"],
              "score": [score]} for i, score in enumerate(scores)],
        )  # fmt: skip
    out = tmp_path / "export" / "records.jsonl"
    assert main(["export", str(results), "--records", "-o", str(out), "--no-cache"]) == 0
    options = LoadOptions(tokenize=False, use_cache=False)
    keys = ["run", "prompt_id", "count", "n_correct"]
    original = load([results], options).stats.select(keys).sort(keys)
    back = load([out], options).stats.select(keys).sort(keys)
    assert original["prompt_id"].to_list() == ["0", "1", "0", "1"]
    assert back.equals(original)


def test_a_model_folder_that_appears_while_following_is_a_run(tmp_path: Path) -> None:
    # One model's folder, then a second model's with the same problems: both become runs of
    # their own (as a fresh load has them), not the second's problems added to the first.
    results = tmp_path / "results"

    def model(name: str, score: bool) -> None:
        write(
            results / name / f"{STEM}.jsonl",
            [{"idx": i, "question": f"Q{i}", "gt": "1", "code": ["x"], "pred": ["1"],
              "score": [score]} for i in range(2)],
        )  # fmt: skip

    model("org__model-a", True)
    options = LoadOptions(tokenize=False, use_cache=False)
    follower = Follower([results], options)
    first = follower.load()
    assert first.stats["prompt_id"].to_list() == ["org__model-a:0", "org__model-a:1"]
    model("org__model-b", False)
    update = follower.poll()
    assert update is not None
    keys = ["run", "prompt_id", "n_correct"]
    stats = update.result.stats.select(keys).sort(keys)
    assert stats.rows() == [
        ("org__model-a", "0", 1),
        ("org__model-a", "1", 1),
        ("org__model-b", "0", 0),
        ("org__model-b", "1", 0),
    ]
    assert stats.equals(load([results], options).stats.select(keys).sort(keys))


def test_datasets_of_one_run_with_the_same_ids_stay_one_run(tmp_path: Path) -> None:
    # Two datasets both number their problems from 0: an idx in common is no problem in common
    # (the folders are told apart by the problems' text), so they stay one run's datasets.
    root = tmp_path / "outputs" / "org" / "model"
    for dataset in ("aime24", "amc23"):
        write(
            root / dataset / f"{STEM}.jsonl",
            [{"idx": 0, "question": f"{dataset} problem", "gt": "1", "code": ["x"],
              "pred": ["1"], "score": [True]}],
        )  # fmt: skip
    result = load([tmp_path / "outputs"], LoadOptions(tokenize=False, use_cache=False))
    assert result.stats["run"].to_list() == ["org/model", "org/model"]
    assert sorted(result.stats["prompt_id"]) == ["aime24:0", "amc23:0"]
