"""lm-evaluation-harness --log_samples, on files the harness itself wrote (lm-eval 0.4.13).

Expected values were worked out by reading the fixture files line by line (see the comments).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.lm_eval import LmEvalReader
from evaltui.data.loader import LoadOptions, load

FIXTURES = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "formats"
    / "lm_eval"
    / "outputs"
    / "run_scripted"
)
MODEL_DIR = FIXTURES / "toy-org__scripted-model-v1"
DATE = "2026-11-23T19-49-48.073567"
MODEL = "toy-org/scripted-model-v1"  # results JSON model_name, not the sanitized folder name
READER = LmEvalReader()


def read(name: str) -> pl.DataFrame:
    path = MODEL_DIR / f"samples_{name}_{DATE}.jsonl"
    result = READER.read(path, path.name, ReadOptions())
    assert result.errors == []
    return result.frame


def test_generate_until_one_run_per_filter() -> None:
    frame = read("toy_math_gen")
    # 4 docs x 2 filters (strict-match, flexible-extract), one generation each; doc 3 says "6.0" for 6.
    assert frame["run"].unique(maintain_order=True).to_list() == [
        f"{MODEL} · strict-match",
        f"{MODEL} · flexible-extract",
    ]
    first = frame.filter(pl.col("run") == f"{MODEL} · strict-match")
    assert first["prompt_id"].to_list() == [
        "toy_math_gen:0",
        "toy_math_gen:1",
        "toy_math_gen:2",
        "toy_math_gen:3",
    ]
    assert first["accuracy"].to_list() == [1.0, 1.0, 1.0, 0.0]
    assert first["extracted"].to_list() == ["5.", "42.", "15.", "6.0"]
    assert first["answer"].to_list() == ["5", "42", "15", "6"]
    assert first["prompt"][0] == "Question: What is 2 + 3?\nAnswer:"
    assert first["gen"][0] == " The answer is 5."
    assert first["line"].to_list() == [1, 2, 3, 4]


def test_repeats_with_reducing_filters_keep_the_doc_metric_as_prompt_score() -> None:
    frame = read("toy_math_maj")
    # repeats: 4 -> 4 generations per doc per filter; exact_match belongs to the filtered answer.
    assert frame.height == 4 * 4 * 3
    assert frame["accuracy"].null_count() == frame.height
    per_doc = frame.group_by("run", "prompt_id", maintain_order=True).agg(
        pl.col("prompt_score").first(), pl.len()
    )
    scores = {
        run: g["prompt_score"].to_list()
        for (run,), g in per_doc.group_by("run", maintain_order=True)
    }
    assert scores == {
        f"{MODEL} · score-first": [1.0, 1.0, 1.0, 0.0],  # doc 3's first repeat says 6.0
        f"{MODEL} · maj@4": [1.0, 1.0, 1.0, 1.0],  # three of four say 6
        f"{MODEL} · maj@2": [1.0, 1.0, 1.0, 0.0],  # 6.0 vs 6: a tie, the first wins
    }
    assert set(per_doc["len"].to_list()) == {4}
    assert frame["sample"].to_list()[:4] == [0, 1, 2, 3]


def test_pass_at_k_filter_rescored_per_repeat_when_it_matches_the_harness() -> None:
    frame = read("toy_math_passk")
    # filtered_resps keeps each repeat's answer: doc 0 5,6,5,5 -> 3 of 4 (n_correct 3), doc 1
    # 42,42,36,[invalid] -> 2, doc 2 15,35,15,15 -> 3, doc 3 6.0,6,6,6 -> 3.
    assert frame["accuracy"].to_list() == [1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1]
    assert frame["extracted"].to_list()[4:8] == ["42", "42", "36", "[invalid]"]
    assert frame["prompt_score"].to_list()[0] == 0.75  # acc, the doc-level metric


def test_multiple_choice_generation_is_the_chosen_continuation() -> None:
    frame = read("toy_mc")
    # doc 0: log-likelihoods -0.67, -0.01, -3.43 -> choice 1 " Mars" (target 1); doc 1: target 0.
    assert frame["run"].to_list() == [MODEL, MODEL]  # filter "none": just the model
    assert frame["gen"].to_list()[0] == "Mars"
    assert frame["answer"].to_list()[0] == "1: Mars"
    assert frame["accuracy"].to_list() == [1.0, 1.0]


def test_load_the_output_dir_skips_the_results_file(tmp_path: Path) -> None:
    result = load([FIXTURES], LoadOptions(tokenize=False))
    assert [f.format for f in result.read_files] == ["lm_eval"] * 4
    assert [(f.source, f.companion) for f in result.skipped_files] == [
        (f"toy-org__scripted-model-v1/results_{DATE}.json", True)
    ]
    assert result.stats["run"].n_unique() == 7 and result.errors == []


def test_chat_prompt_predict_only_and_pre_047_without_filter(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy(MODEL_DIR / f"results_{DATE}.json", folder)
    lines = (
        (MODEL_DIR / f"samples_toy_math_gen_{DATE}.jsonl").read_text(encoding="utf-8").splitlines()
    )
    old = []
    for line in lines:
        record = json.loads(line)
        record.pop("filter")
        record.pop("metrics")
        old.append(json.dumps(record, ensure_ascii=False))
    path = folder / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    frame = READER.read(path, path.name, ReadOptions()).frame
    # Without "filter", the second line of a doc is the second filter of the task's filter_list.
    assert frame["run"].unique(maintain_order=True).to_list() == [
        f"{MODEL} · strict-match",
        f"{MODEL} · flexible-extract",
    ]

    chat = json.loads(lines[0])
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2 + 3?"},
    ]
    chat["arguments"]["gen_args_0"]["arg_0"] = [json.dumps(messages)]
    chat["metrics"] = ["bypass"]
    chat.pop("exact_match")
    chat["bypass"] = None  # --predict_only
    path.write_text(json.dumps(chat) + "\n", encoding="utf-8")
    frame = READER.read(path, path.name, ReadOptions()).frame
    assert frame["prompt"].to_list() == ["system: Be brief.\n\nuser: What is 2 + 3?"]
    assert frame["accuracy"].to_list() == [None]


def test_old_json_array_and_its_records(tmp_path: Path) -> None:
    records = [
        json.loads(line)
        for line in (MODEL_DIR / f"samples_toy_math_gen_{DATE}.jsonl").read_text().splitlines()[:3]
    ]
    for record in records:
        for key in ("filter", "metrics", "doc_hash", "prompt_hash", "target_hash"):
            record.pop(key)
        record["arguments"] = [[record["arguments"]["gen_args_0"]["arg_0"], {"until": ["Q:"]}]]
    path = tmp_path / "pretrained__toy_toy_math_gen.jsonl"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    assert detect(path).reader is not None and detect(path).reader.name == "lm_eval"  # type: ignore[union-attr]
    result = READER.read(path, path.name, ReadOptions())
    assert result.errors == [] and result.frame["accuracy"].to_list() == [1.0, 1.0, 1.0]
    assert result.frame["line"].to_list() == [1, 2, 3] and result.frame["offset"].null_count() == 3
    assert [json.loads(r) for r in READER.records(path, [(2, None)])] == [records[1]]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            '{"doc_id": 0, "resps": [["x"]]}\n',
            "not an lm-eval sample record (missing arguments, filtered_resps)",
        ),
        (None, "truncated last line"),
        ('[{"doc_id": 0, "resps"', "not a valid JSON array"),
    ],
)
def test_bad_and_truncated_files_are_errors(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    path = tmp_path / f"samples_t_{DATE}.jsonl"
    if content is None:
        good = (
            (MODEL_DIR / f"samples_toy_math_gen_{DATE}.jsonl")
            .read_text(encoding="utf-8")
            .splitlines()[0]
        )
        content = good + "\n" + good[:40]
    path.write_text(content, encoding="utf-8")
    result = READER.read(path, path.name, ReadOptions())
    assert any(reason in e.reason for e in result.errors), result.errors
