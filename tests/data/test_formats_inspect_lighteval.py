"""Inspect AI logs (the real .json log, and .eval archives built from it with zstd and deflate
members) and lighteval details parquet (reconstructed from lighteval's code)."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import zstandard

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.inspect_ai import InspectReader
from evaltui.data.formats.lighteval import LightevalReader
from evaltui.data.loader import LoadOptions, load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
INSPECT_JSON = next((FIXTURES / "inspect_ai" / "logs_json").glob("*.json"))
LIGHTEVAL = FIXTURES / "lighteval"

# The real log (inspect-ai 0.3.285, mockllm): ids 3 (an int), p0, p1; epochs 1 and 2;
# match scores C C C on epoch 1 and C I I on epoch 2 (ids 3, p0, p1).
EXPECTED = {
    ("toy_math_inspect:3", 0): 1.0,
    ("toy_math_inspect:p0", 0): 1.0,
    ("toy_math_inspect:p1", 0): 1.0,
    ("toy_math_inspect:3", 1): 1.0,
    ("toy_math_inspect:p0", 1): 0.0,
    ("toy_math_inspect:p1", 1): 0.0,
}


def test_inspect_json_log() -> None:
    result = InspectReader().read(INSPECT_JSON, INSPECT_JSON.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame["run"].unique().to_list() == ["mockllm/model"]
    got = {(p, s): a for p, s, a in frame.select("prompt_id", "sample", "accuracy").rows()}
    assert got == EXPECTED
    p1 = frame.filter(frame["prompt_id"] == "toy_math_inspect:p1").sort("sample")
    assert p1["gen"].to_list() == ["7 × 6 = 42", "答案：42"] and p1["answer"].to_list() == [
        "42",
        "42",
    ]


def write_zip(archive: Path, members: list[tuple[str, bytes, int]]) -> None:
    """A zip written by hand: zipfile cannot write zstd (method 93) members."""
    with archive.open("wb") as out:
        central = []
        for name, data, method in members:
            if method == 93:
                body = zstandard.ZstdCompressor().compress(data)
            elif method == 8:
                body = zlib.compress(data)[2:-4]  # raw deflate
            else:
                body = data
            crc = zlib.crc32(data)
            encoded = name.encode()
            offset = out.tell()
            out.write(
                struct.pack(
                    "<4sHHHHHIIIHH",
                    b"PK\x03\x04",
                    20,
                    0,
                    method,
                    0,
                    0,
                    crc,
                    len(body),
                    len(data),
                    len(encoded),
                    0,
                )
            )
            out.write(encoded + body)
            central.append(
                struct.pack(
                    "<4sHHHHHHIIIHHHHHII",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    method,
                    0,
                    0,
                    crc,
                    len(body),
                    len(data),
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start = out.tell()
        for record in central:
            out.write(record)
        out.write(
            struct.pack(
                "<4sHHHHIIH",
                b"PK\x05\x06",
                0,
                0,
                len(central),
                len(central),
                out.tell() - start,
                start,
                0,
            )
        )


@pytest.mark.parametrize("method", [93, 8])
def test_inspect_eval_archive_zstd_and_deflate(tmp_path: Path, method: int) -> None:
    log = json.loads(INSPECT_JSON.read_text(encoding="utf-8"))
    archive = tmp_path / "2026-11-23T19-59-31_toy-math-inspect_abc.eval"
    header = json.dumps({k: v for k, v in log.items() if k != "samples"}).encode()
    members = [("header.json", header, 0)]
    members += [
        (f"samples/{s['id']}_epoch_{s['epoch']}.json", json.dumps(s).encode(), method)
        for s in log["samples"]
    ]
    write_zip(archive, members)
    with zipfile.ZipFile(archive) as zf:
        methods = {i.compress_type for i in zf.infolist() if i.filename.startswith("samples/")}
    assert methods == {method}
    assert detect(archive).reader is not None and detect(archive).reader.name == "inspect"  # type: ignore[union-attr]
    result = InspectReader().read(archive, archive.name, ReadOptions())
    assert result.errors == []
    got = {(p, s): a for p, s, a in result.frame.select("prompt_id", "sample", "accuracy").rows()}
    assert got == EXPECTED
    record = json.loads(next(InspectReader().records(archive, [(1, None)])))
    assert record["id"] in (3, "p0", "p1") and "output" in record


def test_inspect_bad_files(tmp_path: Path) -> None:
    truncated = tmp_path / "log.eval"
    truncated.write_bytes(b"PK\x03\x04" + b"\x00" * 20)
    result = InspectReader().read(truncated, truncated.name, ReadOptions())
    assert result.frame.height == 0 and "not a readable .eval archive" in result.errors[0].reason
    broken = tmp_path / "log.json"
    broken.write_text(INSPECT_JSON.read_text(encoding="utf-8")[:500], encoding="utf-8")
    result = InspectReader().read(broken, broken.name, ReadOptions())
    assert "not valid JSON (truncated?)" in result.errors[0].reason


def test_lighteval_details() -> None:
    result = load([LIGHTEVAL], LoadOptions(tokenize=False))
    assert [f.format for f in result.read_files] == ["lighteval"]
    assert [f.companion for f in result.skipped_files] == [True]  # results_<date>.json
    gens = result.generations
    # two docs x num_samples 2; extractive_match 1.0 and 0.0 score the doc -> prompt_score
    assert gens["run"].unique().to_list() == ["toy-org/toy-model-v1"]
    assert gens.select("prompt_id", "sample", "gen", "answer", "prompt_score").rows() == [
        ("lighteval|gsm8k|0:0", 0, " The answer is 5.", "5", 1.0),
        ("lighteval|gsm8k|0:0", 1, " 6", "5", 1.0),
        ("lighteval|gsm8k|0:1", 0, " 36", "42", 0.0),
        ("lighteval|gsm8k|0:1", 1, " 42", "42", 0.0),
    ]
    assert gens["accuracy"].null_count() == 4


def test_lighteval_truncated_parquet(tmp_path: Path) -> None:
    source = next(LIGHTEVAL.rglob("*.parquet"))
    broken = tmp_path / "details_x.parquet"
    broken.write_bytes(source.read_bytes()[:200])
    result = LightevalReader().read(broken, broken.name, ReadOptions())
    assert result.frame.height == 0 and "not a readable parquet file" in result.errors[0].reason


def _lighteval_parquet(path: Path, metrics: list[dict[str, object]]) -> Path:
    """A ≥0.11 details parquet (doc / metric / model_response structs), one doc per metric."""
    import polars as pl

    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "doc": [
                {
                    "query": f"Q{i}",
                    "choices": [str(i)],
                    "gold_index": 0,
                    "id": str(i),
                    "task_name": "t|0",
                }
                for i in range(len(metrics))
            ],
            "metric": metrics,
            "model_response": [{"text": [f"A{i}"]} for i in range(len(metrics))],
        }
    ).write_parquet(path)
    return path


def test_lighteval_non_finite_metric_is_that_docs_error(tmp_path: Path) -> None:
    """lighteval documents no non-finite score: Infinity / NaN was kept as the doc's score."""
    path = _lighteval_parquet(
        tmp_path / "details" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet",
        [
            {"em": 1.0, "note": None},
            {"em": float("inf"), "note": None},
            {"em": float("nan"), "note": None},
            {"em": 0.0, "note": None},
        ],
    )
    result = LightevalReader().read(path, "d.parquet", ReadOptions())
    assert result.frame.select("prompt_id", "accuracy").rows() == [("t|0:0", 1.0), ("t|0:3", 0.0)]
    # A parquet has no lines: each error names its row (they were told at 'lines' 2 and 3,
    # the 1-based numbers, 'd.parquet:2'), counted from 0 as pl.read_parquet(path)[1] finds it.
    assert [(e.line, e.reason) for e in result.errors] == [
        (None, "row 1 (counted from 0): metric em: score inf is not a finite number (lighteval writes none)"),
        (None, "row 2 (counted from 0): metric em: score nan is not a finite number (lighteval writes none)"),
    ]  # fmt: skip
    assert str(result.errors[0]).startswith("d.parquet: row 1 (counted from 0): metric em")
    import math

    import polars as pl

    table = pl.read_parquet(path)
    assert table["metric"][1]["em"] == float("inf") and math.isnan(table["metric"][2]["em"])
    # Through the loader and the CLI's report: the two docs are bad lines, the others kept.
    loaded = load([tmp_path], LoadOptions(tokenize=False))
    assert loaded.generations.height == 2 and len(loaded.errors) == 2


def test_lighteval_multiple_choice_answers_with_the_likeliest_choice(tmp_path: Path) -> None:
    # A log-likelihood task (MMLU, ARC, …) in ≥0.11 details: model_response.text is [] and
    # logprobs holds one value per choice (was: every doc "no model response text", a bad line).
    # By hand: doc 0 logprobs [-3, -0.5, -2] -> choice 1 "B", gold 1, acc 1.0; doc 1 [-0.1, -4]
    # -> choice 0 "yes", gold 1 ("no"), acc 0.0. A doc with neither text nor usable logprobs
    # (one value for two choices) stays the doc's error.
    import polars as pl

    path = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_mmlu|0_x.parquet"
    path.parent.mkdir(parents=True)
    docs = [
        {"query": "Q0", "choices": ["A", "B", "C"], "gold_index": 1, "id": "0", "task_name": "mmlu|0"},
        {"query": "Q1", "choices": ["yes", "no"], "gold_index": 1, "id": "1", "task_name": "mmlu|0"},
        {"query": "Q2", "choices": ["yes", "no"], "gold_index": 0, "id": "2", "task_name": "mmlu|0"},
    ]  # fmt: skip
    responses = [
        {"text": [], "logprobs": [-3.0, -0.5, -2.0], "argmax_logits_eq_gold": [False, True, False]},
        {"text": [], "logprobs": [-0.1, -4.0], "argmax_logits_eq_gold": [False, False]},
        {"text": [], "logprobs": [-0.1], "argmax_logits_eq_gold": [False]},
    ]  # fmt: skip
    metrics = [{"acc": 1.0}, {"acc": 0.0}, {"acc": 0.0}]
    pl.DataFrame({"doc": docs, "metric": metrics, "model_response": responses}).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("run", "prompt_id", "gen", "extracted", "answer", "accuracy").rows() == [
        ("org/m", "mmlu|0:0", "B", "B", "B", 1.0),
        ("org/m", "mmlu|0:1", "yes", "yes", "no", 0.0),
    ]
    # the doc of no usable response, Q2, is row 2 of the parquet (it was told at 'line' 3)
    assert [(e.line, e.reason) for e in result.errors] == [
        (None, "row 2 (counted from 0): no model response text")
    ]
    assert pl.read_parquet(path)["doc"][2]["query"] == "Q2"
    # The choice is extracted as its text, as the reference is: `exact` re-scoring agrees with
    # acc (the index "1" against "B" made every answer wrong).
    from evaltui.data.rescore import RescoreOptions, rescore

    rescored = rescore(result, RescoreOptions("exact", use_cache=False)).scores
    assert rescored["new_accuracy"].to_list() == result.generations["accuracy"].to_list()


def test_lighteval_old_multiple_choice_answers_with_the_likeliest_choice(tmp_path: Path) -> None:
    # ≤0.10 flat details of a log-likelihood task: `predictions` holds one [logprob, is_greedy]
    # per choice, `choices` and `gold_index` the question (was: each pair shown as one of k
    # "generations", "[-3.0, false]"; Arrow stores each pair as floats). By hand: [-3, -0.5] ->
    # choice 1 "B" = gold 1, acc 1.0.
    import polars as pl

    path = tmp_path / "details" / "m" / "2024-01-01T00-00-00" / "details_arc|0_x.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Q0"],
            "full_prompt": ["Question: Q0\nAnswer:"],
            "predictions": [[[-3.0, False], [-0.5, True]]],
            "gold": [[]],
            "choices": [["A", "B"]],
            "gold_index": [[1]],
            "metrics": [{"acc": 1.0}],
        },
        schema_overrides={"gold": pl.List(pl.String)},
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations
    assert gens.select("prompt", "gen", "extracted", "answer", "accuracy", "sample").rows() == [
        ("Question: Q0\nAnswer:", "B", "B", "B", 1.0, 0)
    ]


def test_lighteval_multiple_choice_scored_per_character_shows_that_choice(tmp_path: Path) -> None:
    # A task scored by a per-character normalized accuracy (lighteval's LogProbCharNorm:
    # logprob / len(choice), "acc_norm"; ≤0.10 "loglikelihood_acc_norm"; "_nospace" leaves the
    # leading space out) chose by it: raw logprobs [-2, -6] pick " Yes", per character
    # -2/4 < -6/23 (nospace -2/3 < -6/22) picks the long choice, the gold one. The choice shown
    # must be the one the score is about (it contradicted it: "Yes", scored 1.0).
    import polars as pl

    choices = [" Yes", " No, it is not the case"]
    for metric in ("acc_norm", "acc_norm_nospace"):
        path = tmp_path / metric / "details" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet"
        path.parent.mkdir(parents=True)
        pl.DataFrame(
            {
                "doc": [{"query": "Q", "choices": choices, "gold_index": 1, "id": "0"}],
                "metric": [{metric: 1.0, "acc": 0.0}],
                "model_response": [{"text": [], "logprobs": [-2.0, -6.0]}],
            }
        ).write_parquet(path)
        old = (
            tmp_path
            / metric
            / "old"
            / "details"
            / "m"
            / "2024-01-01T00-00-00"
            / "details_t|0_x.parquet"
        )
        old.parent.mkdir(parents=True)
        pl.DataFrame(
            {
                "example": ["Q"],
                "full_prompt": ["Q"],
                "predictions": [[[-2.0, 0.0], [-6.0, 0.0]]],
                "gold": [[]],
                "choices": [choices],
                "gold_index": [[1]],
                "metrics": [{f"loglikelihood_{metric}": 1.0, "loglikelihood_acc": 0.0}],
            },
            schema_overrides={"gold": pl.List(pl.String)},
        ).write_parquet(old)
        for one in (path, old):
            result = LightevalReader().read(one, one.name, ReadOptions())
            assert result.errors == []
            assert result.frame.select("gen", "answer", "accuracy").rows() == [
                (choices[1], choices[1], 1.0)
            ], (metric, one)
    # Scored by plain acc first, the choice is acc's: the highest log-probability.
    path = tmp_path / "acc" / "details" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [{"query": "Q", "choices": choices, "gold_index": 1, "id": "0"}],
            "metric": [{"acc": 0.0, "acc_norm": 1.0}],
            "model_response": [{"text": [], "logprobs": [-2.0, -6.0]}],
        }
    ).write_parquet(path)
    frame = LightevalReader().read(path, path.name, ReadOptions()).frame
    assert frame.select("gen", "accuracy").rows() == [(choices[0], 0.0)]


def test_lighteval_old_generative_details_name_the_task_and_the_golds(tmp_path: Path) -> None:
    # ≤0.10 flat details of a generative task: `gold` is doc.get_golds(), a list of reference
    # texts (was shown as the JSON '["5"]'), and the prompt id was the whole file stem
    # ("details_lighteval|gsm8k|0_2024-…:0"): the task is the file name's, as lighteval writes
    # it (details_<task>_<date>), so old and new details of one task share prompt ids.
    import polars as pl

    date = "2024-01-01T00-00-00.123456"
    path = tmp_path / "details" / "m" / date / f"details_lighteval|gsm8k|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Q0", "Q1"],
            "full_prompt": ["Question: Q0\nAnswer:", "Question: Q1\nAnswer:"],
            "predictions": [[" 5"], [" 7"]],
            "gold": [["5"], ["6", "six"]],
            "metrics": [{"em": 1.0}, {"em": 0.0}],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "answer", "accuracy", "metric").rows() == [
        ("lighteval|gsm8k|0:0", " 5", "5", 1.0, "em"),
        ("lighteval|gsm8k|0:1", " 7", "6 | six", 0.0, "em"),
    ]


def test_lighteval_doc_metric_over_several_samples_is_told(tmp_path: Path) -> None:
    # num_samples 2: the doc's metric scores the doc, kept as prompt_score and the samples left
    # unscored -- now with a note saying so (every generation was silently unscored), and the
    # metric named. A doc without task_name takes the task from the file name.
    import polars as pl

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "org" / "m" / date / f"details_gsm8k|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [
                {"query": "Q0", "choices": ["5"], "gold_index": 0, "id": "0"},
                {"query": "Q1", "choices": ["7"], "gold_index": 0, "id": "1"},
            ],
            "metric": [{"maj@2": 1.0}, {"maj@2": 0.0}],
            "model_response": [{"text": ["5", "6"]}, {"text": ["8", "8"]}],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id", "sample")
    assert gens.select("prompt_id", "gen", "accuracy", "prompt_score", "metric").rows() == [
        ("gsm8k|0:0", "5", None, 1.0, "maj@2"),
        ("gsm8k|0:0", "6", None, 1.0, "maj@2"),
        ("gsm8k|0:1", "8", None, 0.0, "maj@2"),
        ("gsm8k|0:1", "8", None, 0.0, "maj@2"),
    ]
    source = path.relative_to(tmp_path).as_posix()
    assert result.notes == [
        f"{source}: maj@2 scores the whole document (2 docs with several samples): kept as"
        " prompt_score; the samples are unscored"
    ]


def test_lighteval_two_runs_of_one_model_are_two_runs(tmp_path: Path) -> None:
    # details/<model>/<date id>/ per run: two runs of org/m on one task were one run whose docs
    # were each "sampled" twice (both sample 0). Each date folder is a run, told apart by its
    # date id. By hand: em 1.0 in the first run, 0.0 in the second.
    import polars as pl

    for date, em in (("2026-01-01T10-00-00.000001", 1.0), ("2026-01-02T11-00-00.000002", 0.0)):
        path = tmp_path / "details" / "org" / "m" / date / f"details_t|0_{date}.parquet"
        path.parent.mkdir(parents=True)
        pl.DataFrame(
            {
                "doc": [{"query": "Q0", "choices": ["5"], "gold_index": 0, "id": "0", "task_name": "t|0"}],
                "metric": [{"em": em}],
                "model_response": [{"text": ["5"]}],
            }
        ).write_parquet(path)  # fmt: skip
    gens = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).generations.sort("run")
    assert gens.select("run", "prompt_id", "accuracy", "sample").rows() == [
        ("org/m @ 2026-01-01T10-00-00.000001", "t|0:0", 1.0, 0),
        ("org/m @ 2026-01-02T11-00-00.000002", "t|0:0", 0.0, 0),
    ]


def test_lighteval_details_written_as_text_are_read_as_their_values(tmp_path: Path) -> None:
    # lighteval's save() of mid 2024 wrote every detail field as str(value) (Dataset.from_list
    # of {k: str(v)}; later its fallback when the typed dataset failed): `predictions` is the
    # text "[' 5']", `metrics` "{'em': 1.0}", a log-likelihood's predictions
    # "[(-3.0, False), (-0.5, True)]" (was: the repr shown as the generation and the answer,
    # every doc unscored, without a word). By hand: Q0 " 5" vs gold "5", em 1.0; Q1's metric
    # is numpy 2's repr np.float64(0.0) -> 0.0 and its golds "6 | six"; the arc doc chooses
    # choice 1 " B" (-0.5 > -3.0) = gold_index [1], acc 1 (np.True_ in `specifics` is not read).
    # A doc whose metrics text is no Python literal is that doc's error.
    import polars as pl

    date = "2024-06-01T10-00-00.123456"
    folder = tmp_path / "details" / "org" / "m" / date
    folder.mkdir(parents=True)

    def detail(example: str, predictions: object, gold: object, metrics: str, **more: str) -> dict:
        return {
            "example": example,
            "instruction": "",
            "full_prompt": f"Question: {example}\nAnswer:",
            "num_effective_few_shots": "0",
            "predictions": str(predictions),
            "gold": str(gold),
            "choices": more.get("choices", "[]"),
            "gold_index": more.get("gold_index", "[]"),
            "metrics": metrics,
            "specifics": "{'flag': np.True_}",
        }

    pl.DataFrame(
        [
            detail("Q0", [" 5"], ["5"], str({"em": 1.0})),
            detail("Q1", [" 7 'x'\n"], ["6", "six"], "{'em': np.float64(0.0)}"),
            detail("Q2", [" 8"], ["8"], "{'em': <object at 0x7f>}"),
            {**detail("Q3", [" 9"], [], "{'em': 1}"), "gold": "nine"},  # plain text: as it is
        ]
    ).write_parquet(folder / f"details_lighteval|gsm8k|0_{date}.parquet")
    pl.DataFrame(
        [
            detail(
                "A0",
                [(-3.0, False), (-0.5, True)],
                [" B"],
                "{'acc': 1}",
                choices=str([" A", " B"]),
                gold_index="[1]",
            )
        ]
    ).write_parquet(folder / f"details_lighteval|arc|0_{date}.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "answer", "accuracy", "metric").rows() == [
        ("lighteval|arc|0:0", " B", " B", 1.0, "acc"),
        ("lighteval|gsm8k|0:0", " 5", "5", 1.0, "em"),
        ("lighteval|gsm8k|0:1", " 7 'x'\n", "6 | six", 0.0, "em"),
        ("lighteval|gsm8k|0:3", " 9", "nine", 1.0, "em"),
    ]
    # Q2's row, row 2 of its parquet (it was told at 'line' 3)
    assert [(e.line, e.reason.split(": ")[:2]) for e in result.errors] == [
        (None, ["row 2 (counted from 0)", "metrics"])
    ]
    assert "not a value lighteval wrote as text" in result.errors[0].reason


def test_inspect_records_export_reads_back_as_the_same_samples(tmp_path: Path) -> None:
    # The hard prompts of an .eval log, exported as their records (one sample per line), fed
    # back to evaltui: the plain reader took them for prompt/gen lines (gen = the output
    # object's JSON, 145 tokens for "4x = 6.0") with no score at all.
    from evaltui.data.export import export_view

    log = json.loads(INSPECT_JSON.read_text(encoding="utf-8"))
    archive = tmp_path / "logs" / "2026-11-23T19-59-31_toy-math-inspect_abc.eval"
    archive.parent.mkdir()
    header = json.dumps({k: v for k, v in log.items() if k != "samples"}).encode()
    members = [("header.json", header, 0)]
    members += [
        (f"samples/{s['id']}_epoch_{s['epoch']}.json", json.dumps(s).encode(), 8)
        for s in log["samples"]
    ]
    write_zip(archive, members)
    options = LoadOptions(tokenize=False, use_cache=False)
    before = load([archive], options)
    hard = before.stats.filter(before.stats["average_accuracy"] < 1)
    assert hard.height == 2  # p0 and p1: C on epoch 1, I on epoch 2
    out = tmp_path / "exports" / "hard.jsonl"
    export_view("records", hard, before.generations, before.files, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted((json.loads(line)["id"], json.loads(line)["epoch"]) for line in lines) == [
        ("p0", 1),
        ("p0", 2),
        ("p1", 1),
        ("p1", 2),
    ]

    found = detect(out, named=True)
    assert found.reader is not None and found.reader.name == "inspect"
    again = load([out], options)
    assert again.errors == []
    keys = ["prompt", "answer", "count", "total_accuracy_count", "average_accuracy", "run"]
    assert sorted(again.stats.select(keys).rows()) == sorted(hard.select(keys).rows())
    gens = ["prompt", "sample", "gen", "accuracy", "extracted"]
    kept = before.generations.join(hard.select("run", "prompt_id"), on=["run", "prompt_id"])
    assert sorted(again.generations.select(gens).rows()) == sorted(kept.select(gens).rows())

    # exported again, the lines are the file's own, byte for byte; a bad line is its own error
    summary = export_view(
        "records", again.stats, again.generations, again.files, tmp_path / "again.jsonl"
    )
    assert str(summary) == f"wrote 4 records of 2 prompts to {tmp_path / 'again.jsonl'}"
    assert sorted((tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()) == sorted(
        lines
    )
    broken = tmp_path / "broken" / "b.jsonl"
    broken.parent.mkdir()
    broken.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n", encoding="utf-8")
    result = InspectReader().read(broken, "b.jsonl", ReadOptions())
    assert [(e.line, e.reason[:14]) for e in result.errors] == [(2, "not valid JSON")]
    assert result.frame["line"].to_list() == [1, 3, 4, 5]


def test_inspect_samples_longer_than_the_head_are_still_inspect_samples(tmp_path: Path) -> None:
    # Real samples carry their events: 11 MB on one line (the A2UI log). With the first line
    # longer than the 64 KB head, the file was "no reader recognises this file".
    log = json.loads(INSPECT_JSON.read_text(encoding="utf-8"))
    first = {**log["samples"][0], "metadata": {"events": "e" * 100_000}}
    lines = [json.dumps(first), *(json.dumps(s) for s in log["samples"][1:])]
    path = tmp_path / "r" / "long.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = detect(path, named=True)
    assert found.reader is not None and found.reader.name == "inspect"
    result = InspectReader().read(path, "long.jsonl", ReadOptions())
    got = {
        (p.split(":")[1], s): a
        for p, s, a in result.frame.select("prompt_id", "sample", "accuracy").rows()
    }
    assert got == {(p.split(":")[1], s): a for (p, s), a in EXPECTED.items()}
    # a plain JSONL line starting the same way but not a sample's is not claimed by the head
    other = tmp_path / "o" / "x.jsonl"
    other.parent.mkdir()
    other.write_text('{"id": 1, "input": "' + "q" * 70_000 + '"}\n', encoding="utf-8")
    assert detect(other).reader is None or detect(other).reader.name != "inspect"  # type: ignore[union-attr]


def test_lighteval_empty_text_with_a_reasoning_shows_the_reasoning(tmp_path: Path) -> None:
    """lighteval's litellm backend writes ``ModelResponse(text=result if result[0] else [""],
    reasonings=[choice.message.reasoning_content …])`` (huggingface/lighteval
    ``models/endpoints/litellm_model.py``): a reasoning model cut at its token limit while
    thinking leaves ``text: [""]`` and its whole output in ``reasonings``. Was: an empty
    generation of 0 tokens; now its reasoning, with a note. A doc with text keeps its text."""
    import polars as pl

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "openrouter" / "r1" / date / f"details_aime24|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    thinking = "Okay, let me set up the equations: 9/s + t = 4 and"
    pl.DataFrame(
        {
            "doc": [
                {"query": "Q0", "choices": ["204"], "gold_index": 0, "id": "0"},
                {"query": "Q1", "choices": ["113"], "gold_index": 0, "id": "1"},
            ],
            "metric": [{"extractive_match": 0.0}, {"extractive_match": 1.0}],
            "model_response": [
                {"text": [""], "reasonings": [thinking]},
                {"text": ["\\boxed{113}"], "reasonings": ["short thought"]},
            ],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "accuracy").rows() == [
        ("aime24|0:0", thinking, 0.0),
        ("aime24|0:1", "short thought\n\\boxed{113}", 1.0),  # its reasoning and its text
    ]
    source = path.relative_to(tmp_path).as_posix()
    assert result.notes[0] == (
        f"{source}: 1 sample has an empty model_response.text and a reasoning (stopped at the"
        " token limit while thinking): the generation shown is that reasoning; no answer after"
        " the reasoning: none is taken from it, and a re-score scores the empty text, as"
        " lighteval did"
    )


def test_lighteval_reasoning_beside_a_text_is_part_of_the_generation(tmp_path: Path) -> None:
    """Through litellm a reasoning model's reply is its ``text`` (content, ``<think>`` blocks
    removed) and, apart, ``reasonings`` (``getattr(choice.message, "reasoning_content", None)``
    per choice: huggingface/lighteval ``models/endpoints/litellm_model.py`` at 086bd3e,
    ``greedy_until``). Its output is both: shown as reasoning, a line break and text (as
    SkyThought's and InternBootcamp's are, and as the same model's text through a local backend
    holds its thinking), so its tokens are the whole output's; its answer is the text's, what
    lighteval scored. Was: the text alone ("113", 1 token for a long thought), the reasoning
    not shown anywhere."""
    import polars as pl

    from evaltui.data.rescore import RescoreOptions, rescore

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "openrouter" / "r1" / date / f"details_aime24|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    thought = "Is it \\boxed{7}? No: 100 + 13."
    pl.DataFrame(
        {
            "doc": [
                {"query": f"Q{i}", "choices": ["113"], "gold_index": 0, "id": str(i)}
                for i in range(2)
            ],
            "metric": [{"extractive_match": 1.0}, {"extractive_match": 0.0}],
            "model_response": [
                {"text": ["113"], "reasonings": [thought]},
                {"text": ["112"], "reasonings": [None]},  # no reasoning: the text alone
            ],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("gen", "extracted", "scored_text", "accuracy").rows() == [
        (f"{thought}\n113", "113", "113", 1.0),
        ("112", "112", None, 0.0),
    ]
    source = path.relative_to(tmp_path).as_posix()
    assert result.notes == [
        f"{source}: 1 sample shown as model_response.reasonings (the thinking the server"
        " returned apart from the text, litellm's reasoning_content), a line break and the"
        " text, so that its length is the whole output's; the answer is the text's, which"
        " lighteval scored and a re-score scores"
    ]
    assert result.generations["prompt_id"].to_list() == ["aime24|0:0", "aime24|0:1"]
    exact = rescore(result, RescoreOptions("exact", use_cache=False))
    assert exact.scores["new_accuracy"].to_list() == [1.0, 0.0]  # the text's, not the box's 7


def test_lighteval_details_under_a_folder_named_with_glob_characters(tmp_path: Path) -> None:
    # A model folder "org/m[b]x*?" (and a task name with "[") is a path, not a glob: polars
    # expanded it as one ("expanded paths were empty") and the details were not read, nor
    # exported as records.
    from evaltui.data.export import export_view

    source = next(LIGHTEVAL.rglob("*.parquet"))
    details = tmp_path / "details" / "org" / "m[b]x*?" / source.parent.name
    details.mkdir(parents=True)
    target = details / source.name.replace("gsm8k", "gsm[8]k")
    target.write_bytes(source.read_bytes())
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.generations["run"].unique().to_list() == ["org/m[b]x*?"]
    assert result.generations.height == 4
    out = tmp_path / "records.jsonl"
    export_view("records", result.stats, result.generations, result.files, out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2  # a row per doc


def test_lighteval_docs_without_an_id_are_known_by_their_row(tmp_path: Path) -> None:
    # lighteval's Doc.id defaults to "" (a prompt function need not set it). Two such docs of
    # one task are two prompts, by row number, not one prompt of two generations (before: both
    # were "gsm8k|0:", one prompt with count 2, the second doc's prompt and answer lost).
    import polars as pl

    path = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_gsm8k|0_x.parquet"
    path.parent.mkdir(parents=True)
    docs = [
        {"query": "Q0", "choices": ["5"], "gold_index": 0, "id": "", "task_name": "gsm8k|0"},
        {"query": "Q1", "choices": ["7"], "gold_index": 0, "id": "", "task_name": "gsm8k|0"},
    ]
    responses = [{"text": [" 5"]}, {"text": [" 8"]}]
    metrics = [{"extractive_match": 1.0}, {"extractive_match": 0.0}]
    pl.DataFrame({"doc": docs, "metric": metrics, "model_response": responses}).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    stats = result.stats.sort("prompt_id")
    assert stats.select("prompt_id", "prompt", "answer", "count", "average_accuracy").rows() == [
        ("gsm8k|0:0", "Q0", "5", 1, 1.0),
        ("gsm8k|0:1", "Q1", "7", 1, 0.0),
    ]


def test_lighteval_choice_normalized_by_tokens_or_by_pmi_is_that_metrics_choice(
    tmp_path: Path,
) -> None:
    # lighteval's multilingual tasks score multiple choice by acc_norm_token (log-probability per
    # token of the choice: model_response.output_tokens) or acc_norm_pmi (less the choice's
    # log-probability without the question: a PMI task logs 2n logprobs, the n choices' then
    # their n unconditioned ones). By hand: doc 0, tokens: x -4/4 = -1 > y -3/1 = -3 picks x (raw
    # would pick y), gold x, acc 1. Doc 1, PMI: A -1-(-0.5) = -0.5 < B -2-(-3) = 1 picks B (raw
    # would pick A), gold B, acc 1. Before: doc 0 showed y (acc 1 against gold x), doc 1 was
    # an error ("no model response text": 4 logprobs for 2 choices).
    import polars as pl

    path = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_xnli|0_x.parquet"
    path.parent.mkdir(parents=True)
    docs = [
        {"query": "Q0", "choices": ["x", "y"], "gold_index": 0, "id": "0", "task_name": "t|0"},
        {"query": "Q1", "choices": ["A", "B"], "gold_index": 1, "id": "1", "task_name": "t|0"},
    ]
    responses = [
        {"text": [], "logprobs": [-4.0, -3.0], "output_tokens": [[1, 2, 3, 4], [5]]},
        {"text": [], "logprobs": [-1.0, -2.0, -0.5, -3.0], "output_tokens": [[1], [2]]},
    ]
    metrics = [
        {"acc_norm_token": 1.0, "acc_norm_pmi": None},
        {"acc_norm_token": None, "acc_norm_pmi": 1.0},
    ]
    pl.DataFrame({"doc": docs, "metric": metrics, "model_response": responses}).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "answer", "accuracy", "metric").rows() == [
        ("t|0:0", "x", "x", 1.0, "acc_norm_token"),
        ("t|0:1", "B", "B", 1.0, "acc_norm_pmi"),
    ]


def test_lighteval_pmi_choice_from_the_unconditioned_logprobs_kept_apart(tmp_path: Path) -> None:
    # ≥0.11's ModelResponse has a field of its own for the unconditioned log-probabilities
    # (unconditioned_logprobs, one per choice), beside logprobs of the n choices. By hand: A
    # -1-(-0.5) = -0.5, B -2-(-3) = 1: B, the gold, acc_norm_pmi 1 (the raw likeliest is A).
    # Before: A was shown as the choice of a doc scored correct against gold B.
    import polars as pl

    path = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_xnli|0_x.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [{"query": "Q1", "choices": ["A", "B"], "gold_index": 1, "id": "1"}],
            "metric": [{"acc_norm_pmi": 1.0}],
            "model_response": [
                {"text": [], "logprobs": [-1.0, -2.0], "unconditioned_logprobs": [-0.5, -3.0]}
            ],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.generations.select("gen", "extracted", "answer", "accuracy").rows() == [
        ("B", "B", "B", 1.0)
    ]


def test_lighteval_old_pmi_details_are_one_choice(tmp_path: Path) -> None:
    # ≤0.10 details of a PMI task: predictions hold 2n (log-probability, is-greedy) pairs, the
    # n choices' then their n unconditioned ones. By hand: A -1-(-0.5) = -0.5, B -2-(-3) = 1:
    # B, the gold, acc_norm_pmi 1. Before: four "generations", the pairs' text ("[-1.0, 0.0]").
    import polars as pl

    folder = tmp_path / "details" / "org" / "m" / "2024-10-01T00-00-00.000000"
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Q0"],
            "full_prompt": ["FP0"],
            "predictions": [[[-1.0, 0.0], [-2.0, 0.0], [-0.5, 0.0], [-3.0, 0.0]]],
            "gold": [["B"]],
            "choices": [["A", "B"]],
            "gold_index": [[1]],
            "metrics": [{"acc_norm_pmi": 1.0}],
        }
    ).write_parquet(folder / "details_custom|xnli|0_2024-10-01T00-00-00.000000.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.generations.select("gen", "extracted", "answer", "accuracy").rows() == [
        ("B", "B", "B", 1.0)
    ]


@pytest.mark.parametrize("as_text", [False, True])
def test_lighteval_old_single_token_log_probabilities_are_one_choice(
    tmp_path: Path, as_text: bool
) -> None:
    # ≤0.10 details of a single-token multiple-choice task (loglikelihood_acc_single_token,
    # original|mmlu): a LoglikelihoodSingleTokenResponse's result is the list of the choices'
    # log-probabilities, flattened into `predictions` as numbers alone, no is-greedy pairs (as is
    # a LoglikelihoodResponse's float-only result). Mid-2024 versions wrote the column as
    # str(list). By hand: doc 0, -0.3 is the highest, choice " B", the gold, acc 1; doc 1, -0.1,
    # " A" where the gold is " C", acc 0. Before: three "generations" per doc, the numbers as
    # text ("-1.2", "-0.3", "-2"), unscored, acc kept as the doc's prompt_score.
    import polars as pl

    folder = tmp_path / "details" / "org" / "m" / "2024-06-01T00-00-00.000000"
    folder.mkdir(parents=True)
    predictions: list[Any] = [[-1.2, -0.3, -2.0], [-0.1, -3.0, -2.5]]
    pl.DataFrame(
        {
            "example": ["Q0", "Q1"],
            "full_prompt": ["FP0", "FP1"],
            "predictions": [str(p) for p in predictions] if as_text else predictions,
            "gold": [[" B"], [" C"]],
            "choices": [[" A", " B", " C"]] * 2,
            "gold_index": [[1], [2]],
            "metrics": [{"acc": 1.0}, {"acc": 0.0}],
        }
    ).write_parquet(folder / "details_original|mmlu:astronomy|5_2024-06-01T00-00-00.000000.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "extracted", "answer", "accuracy").rows() == [
        ("original|mmlu:astronomy|5:0", " B", " B", " B", 1.0),
        ("original|mmlu:astronomy|5:1", " A", " A", " C", 0.0),
    ]
    assert gens["prompt_score"].null_count() == 2


def test_lighteval_perplexity_docs_are_their_log_likelihood_unscored(tmp_path: Path) -> None:
    # A perplexity task (lighteval|wikitext:103: Doc(query=page, choices=None, gold_index=None))
    # is scored by the log-likelihood of each doc's text, summed over the corpus
    # (PerplexityPreparator: np.sum(model_response.logprobs), the words counted as its weight).
    # ≥0.11: no text, logprobs [-10.0, -2.5], metric {word_perplexity: {logprobs, weights}}.
    # ≤0.10: predictions one (log-probability, is-greedy) pair, no choices, metrics the
    # (log-probability, weight) pair. By hand: each doc one row, the text -12.5 as its
    # generation, no score, no reference, no answer of the model's. Before: ≥0.11 docs were
    # errors ('no model response text'), the ≤0.10 doc a generation '[-12.5, 0.0]' whose
    # extracted answer was 0.0.
    import polars as pl

    new = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00.000000"
    new.mkdir(parents=True)
    docs = [
        {"query": f"Text {i}.", "choices": None, "gold_index": None, "id": str(i)} for i in (0, 1)
    ]
    pl.DataFrame(
        {
            "doc": docs,
            "metric": [{"word_perplexity": {"logprobs": -12.5, "weights": 2}}] * 2,
            "model_response": [{"text": [], "logprobs": [-10.0, -2.5]}] * 2,
        }
    ).write_parquet(new / "details_lighteval|wikitext:103|0_2026-01-01T00-00-00.000000.parquet")
    old = tmp_path / "details" / "org" / "m" / "2024-06-01T00-00-00.000000"
    old.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Text 2."],
            "full_prompt": ["Text 2."],
            "predictions": [[[-12.5, 0.0]]],
            "gold": [[]],
            "choices": [[]],
            "gold_index": [[]],
            "metrics": [{"word_perplexity": [-12.5, 2.0]}],
        },
        schema_overrides={"gold": pl.List(pl.String), "choices": pl.List(pl.String)},
    ).write_parquet(old / "details_lighteval|wikitext:103|0_2024-06-01T00-00-00.000000.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt")
    assert gens.select("prompt", "gen", "extracted", "answer", "accuracy").rows() == [
        ("Text 0.", "-12.5", None, None, None),
        ("Text 1.", "-12.5", None, None, None),
        ("Text 2.", "-12.5", None, None, None),
    ]
    assert (
        gens["answer_unknown"].to_list()
        == ["perplexity: the text shown is the document's log-likelihood, no answer"] * 3
    )
    assert sum("scored by the log-likelihood of" in note for note in result.notes) == 2


def test_lighteval_mt_bench_turns_are_one_prompt_each(tmp_path: Path) -> None:
    # MT-Bench (mt_bench_prompt: query = turns[0], specific = {reference, category,
    # multi_turn_queries: turns, id}) answers each turn in turn: the doc's two texts are the two
    # turns' answers (≥0.11 model_response.text; ≤0.10 the GenerativeMultiturnResponse's result
    # flattened into predictions), judged apart by JudgeLLMMTBench: metric judge_score_turn_1
    # and judge_score_turn_2 (with its user_prompt and judgement lists). By hand: doc 81, turn 1
    # 'Write a poem' -> 'Roses are red' scored 8, turn 2 'Shorter' -> 'Roses' scored 6 (≥0.11);
    # doc 82 the same shape, 9 and 7, reference 'ref 2' on its second turn (≤0.10). Before:
    # each doc was two samples of its first question, the second turn's answer among them,
    # unscored, judge_score_turn_1 kept as the doc's prompt_score.
    import polars as pl

    new = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00.000000"
    new.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [
                {
                    "query": "Write a poem",
                    "choices": [],
                    "gold_index": [],
                    "id": "81",
                    "task_name": "mt_bench",
                    "specific": {
                        "reference": [],
                        "category": "writing",
                        "multi_turn_queries": ["Write a poem", "Shorter"],
                        "id": 81,
                    },
                }
            ],
            "metric": [
                {
                    "judge_score_turn_1": 8,
                    "judge_score_turn_2": 6,
                    "user_prompt": ["p1", "p2"],
                    "judgement": ["j1", "j2"],
                }
            ],
            "model_response": [{"text": ["Roses are red", "Roses"]}],
        },
    ).write_parquet(new / "details_mt_bench_2026-01-01T00-00-00.000000.parquet")
    old = tmp_path / "details" / "org" / "m" / "2024-06-01T00-00-00.000000"
    old.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Explain"],
            "full_prompt": ["Explain"],
            "predictions": [["Because", "So"]],
            "gold": [[]],
            "choices": [[]],
            "gold_index": [[]],
            "metrics": [{"judge_score_turn_1": 9.0, "judge_score_turn_2": 7.0}],
            "specifics": [{"reference": ["", "ref 2"], "multi_turn_queries": ["Explain", "Why?"]}],
        },
        schema_overrides={"gold": pl.List(pl.String), "choices": pl.List(pl.String)},
    ).write_parquet(old / "details_custom|mt_bench|0_2024-06-01T00-00-00.000000.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "prompt", "gen", "answer", "accuracy", "metric").rows() == [
        ("custom|mt_bench|0:0:t1", "Explain", "Because", None, 9.0, "judge_score_turn_1"),
        ("custom|mt_bench|0:0:t2", "Why?", "So", "ref 2", 7.0, "judge_score_turn_2"),
        ("mt_bench:81:t1", "Write a poem", "Roses are red", None, 8.0, "judge_score_turn_1"),
        ("mt_bench:81:t2", "Shorter", "Roses", None, 6.0, "judge_score_turn_2"),
    ]
    assert gens["prompt_score"].null_count() == 4
    assert sum("multi-turn conversation" in note for note in result.notes) == 2
    # each turn is scored by its own judge_score_turn_<n>: no other metric left unused
    assert not any("also have" in note for note in result.notes), result.notes


@pytest.mark.parametrize("version", ["0.11", "0.10"])
def test_lighteval_extractive_match_keeps_its_extracted_answer(
    tmp_path: Path, version: str
) -> None:
    # extractive_match (math, gsm8k) keeps what it parsed from the text in the doc's specific:
    # extracted_predictions, the parsed answer first, then its string match (≤0.10: the
    # `specifics` column). Doc 0 parsed "113" (right); doc 1 parsed nothing (a reply with no
    # number). Before, neither had an extracted answer: doc 0 counted as 'no answer' (has_answer
    # False) beside its 1.0.
    import polars as pl

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "m" / date / f"details_aime24|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    specifics = [
        {"extracted_predictions": ["113", "113"], "extracted_golds": ["113", "113"]},
        {"extracted_predictions": [], "extracted_golds": ["204", "204"]},
    ]
    texts = ["so it is 113 in all", "I cannot tell"]
    if version == "0.11":
        table = pl.DataFrame({
            "doc": [{"query": f"Q{i}", "choices": [g], "gold_index": 0, "id": str(i),
                     "specific": spec} for i, (g, spec) in enumerate(zip(["113", "204"], specifics, strict=True))],
            "metric": [{"extractive_match": 1.0}, {"extractive_match": 0.0}],
            "model_response": [{"text": [t]} for t in texts],
        })  # fmt: skip
    else:
        table = pl.DataFrame({
            "example": ["Q0", "Q1"], "full_prompt": ["Q0", "Q1"],
            "predictions": [[t] for t in texts], "gold": [["113"], ["204"]],
            "metrics": [{"extractive_match": 1.0}, {"extractive_match": 0.0}],
            "specifics": specifics,
        })  # fmt: skip
    table.write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("gen", "extracted", "has_answer", "accuracy").rows() == [
        ("so it is 113 in all", "113", True, 1.0),
        ("I cannot tell", None, False, 0.0),
    ]
    read = LightevalReader().read(path, path.name, ReadOptions()).frame
    assert read["extracted"].to_list() == ["113", None]  # the file's own, not evaltui's


def _sampled_details(path: Path, found: list[list[str]], texts: list[list[str]]) -> Path:
    """≥0.11 details of docs with several samples (``num_samples``), each doc's
    extracted_predictions as lighteval's extractive_match leaves it in ``specific``."""
    import polars as pl

    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "doc": [
                {
                    "query": f"Q{i}",
                    "choices": ["5"],
                    "gold_index": 0,
                    "id": str(i),
                    "num_samples": len(t),
                    "specific": {"extracted_predictions": f, "extracted_golds": ["5", "5"]},
                }
                for i, (f, t) in enumerate(zip(found, texts, strict=True))
            ],
            "metric": [{"pass@k:k=1&n=4": 0.5} for _ in found],
            "model_response": [{"text": t} for t in texts],
        }
    ).write_parquet(path)
    return path


def test_lighteval_extracted_predictions_of_several_samples_split_two_per_sample(
    tmp_path: Path,
) -> None:
    # extractive_match over 4 samples flattens each one's [parsed, string match]: 8 values, two
    # per sample in turn. Each sample had evaltui's own extraction instead ("\\frac{1}{2}" where
    # lighteval parsed 1/2), and the file's were unused.
    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "m" / date / f"details_math|0_{date}.parquet"
    texts = ["so \\boxed{5}", "it is \\boxed{\\frac{1}{2}}", "\\boxed{6}", "maybe \\boxed{3}"]
    found = ["5", "\\boxed{5}", "1/2", "\\frac{1}{2}", "6", "\\boxed{6}", "3", "\\boxed{3}"]
    _sampled_details(path, [found], [texts])
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("sample")
    assert gens["extracted"].to_list() == ["5", "1/2", "6", "3"]
    assert result.notes == [
        f"details/m/{date}/details_math|0_{date}.parquet: pass@k:k=1&n=4 scores the whole"
        " document (1 doc with several samples): kept as prompt_score; the samples are unscored"
    ]


def test_lighteval_extracted_predictions_that_do_not_say_whose_are_not_split(
    tmp_path: Path,
) -> None:
    # A pass@k metric's last sample alone (2 values for 4 samples: they could be anyone's), and
    # 4 values for 3 samples that all say 5 (the values fit several cuts): left to evaltui's
    # extraction, with a note.
    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "m" / date / f"details_math|0_{date}.parquet"
    texts = [["a 1", "b 2", "c 3", "d \\boxed{4}"], ["\\boxed{5}", "\\boxed{5}", "\\boxed{5}"]]
    found = [["4", "\\boxed{4}"], ["5", "\\boxed{5}", "5", "\\boxed{5}"]]
    _sampled_details(path, found, texts)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    read = LightevalReader().read(path, path.name, ReadOptions()).frame
    assert read["extracted"].to_list() == [None] * 7  # not the file's: evaltui's own later
    gens = result.generations.sort("prompt_id", "sample")
    assert gens["extracted"].to_list() == ["1", "2", "3", "4", "5", "5", "5"]
    assert (
        f"details/m/{date}/details_math|0_{date}.parquet: 2 docs of several samples hold"
        " lighteval's extracted_predictions in a list that does not say which sample each came"
        " from (not two values per sample, and no one way to give each value to a sample whose"
        " text holds it): each sample's answer shown is evaltui's own extraction"
    ) in result.notes


def test_lighteval_extracted_predictions_of_other_lengths_split_where_one_cut_fits(
    tmp_path: Path,
) -> None:
    # extractive_match gives a sample 0, 1 or 2 values (its parsed answer, then its string
    # match; no_fallback: the parsed one alone). A list of another length than 2n was never
    # split: every sample showed evaltui's own extraction ('\\frac{1}{2}' where lighteval parsed
    # 1/2, an answer where lighteval found none). Cut where one way only puts each value in its
    # own sample's text: [1/2, \\frac{1}{2}] + [] + [7, 7] (5 values, 3 samples); 3 values of
    # no_fallback for 3 samples [1/2] [3] [7]; a second sample with no match extracts none.
    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "m" / date / f"details_math|0_{date}.parquet"
    # Words are compared whole: the third doc's "3" is not in "\\boxed{31}" (which would make
    # [31, 3] the first sample's pair, a second cut).
    texts = [
        ["so \\boxed{\\frac{1}{2}}", "I do not know", "it is \\boxed{7}"],
        ["\\boxed{\\frac{1}{2}}", "\\boxed{3}", "\\boxed{7}"],
        ["\\boxed{31}", "\\boxed{3}", "\\boxed{7}"],
    ]
    found = [["1/2", "\\frac{1}{2}", "7", "7"], ["1/2", "3", "7"], ["31", "3", "7"]]
    _sampled_details(path, found, texts)
    read = LightevalReader().read(path, path.name, ReadOptions())
    frame = read.frame.sort("prompt_id", "sample")
    assert frame["extracted"].to_list() == ["1/2", None, "7", "1/2", "3", "7", "31", "3", "7"]
    assert not any("does not say which sample" in note for note in read.notes)


def test_lighteval_old_specifics_of_several_samples_split_two_per_sample(tmp_path: Path) -> None:
    # ≤0.10: the predictions column holds the samples and the specifics column the flat list.
    import polars as pl

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "m" / date / f"details_lighteval|math|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame({
        "example": ["Q0"], "full_prompt": ["Q0"],
        "predictions": [["\\boxed{\\frac{1}{2}}", "\\boxed{2}"]], "gold": [["\\frac{1}{2}"]],
        "metrics": [{"maj@2": 1.0}],
        "specifics": [{"extracted_predictions": ["1/2", "\\frac{1}{2}", "2", "2"]}],
    }).write_parquet(path)  # fmt: skip
    read = LightevalReader().read(path, path.name, ReadOptions()).frame
    assert read["extracted"].to_list() == ["1/2", "2"]


def test_lighteval_docs_scored_by_a_corpus_metric_alone_say_why_they_are_unscored(
    tmp_path: Path,
) -> None:
    # A translation task (lighteval|wmt14:en-fr) is scored by corpus-level metrics: each doc's
    # metric value is the metric's input, GenerativeCorpusMetricInput(golds, preds), which
    # asdict(Detail) writes as a struct {golds, preds}; lighteval computes bleu/chrf over the
    # task. ≥0.11 and ≤0.10 alike, the docs have no per-doc score: shown unscored, and a note
    # says why. Before: unscored without a word (no note, no error).
    import polars as pl

    new = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00.000000"
    new.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [
                {"query": f"Translate: cat {i}", "choices": [f"chat {i}"], "gold_index": 0}
                for i in (0, 1)
            ],
            "metric": [
                {
                    "bleu": {"golds": [f"chat {i}"], "preds": [f"chat {i}"]},
                    "chrf": {"golds": [f"chat {i}"], "preds": [f"chat {i}"]},
                }
                for i in (0, 1)
            ],
            "model_response": [{"text": [f"chat {i}"]} for i in (0, 1)],
        }
    ).write_parquet(new / "details_lighteval|wmt14:en-fr|0_2026-01-01T00-00-00.000000.parquet")
    old = tmp_path / "details" / "org" / "m" / "2024-06-01T00-00-00.000000"
    old.mkdir(parents=True)
    pl.DataFrame(
        {
            "full_prompt": ["Translate: dog"],
            "predictions": [["chien"]],
            "gold": [["chien"]],
            "metrics": [{"ter": {"golds": ["chien"], "preds": ["chien"]}}],
        }
    ).write_parquet(old / "details_lighteval|wmt14:en-fr|0_2024-06-01T00-00-00.000000.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt")
    assert gens.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("Translate: cat 0", "chat 0", "chat 0", None),
        ("Translate: cat 1", "chat 1", "chat 1", None),
        ("Translate: dog", "chien", "chien", None),
    ]
    told = sorted(note for note in result.notes if "corpus-level metric's inputs" in note)
    assert len(told) == 2
    assert "1 doc unscored: its metric values (ter) are no number" in told[0]  # 2024 first
    assert "2 docs unscored: their metric values (bleu, chrf) are no number" in told[1]


def test_lighteval_a_doc_with_a_number_beside_corpus_inputs_is_scored_without_that_note(
    tmp_path: Path,
) -> None:
    # em beside bleu's inputs: the doc is scored by em, and nothing is said of bleu.
    import polars as pl

    folder = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00.000000"
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [{"query": "Translate: cat", "choices": ["chat"], "gold_index": 0}],
            "metric": [{"em": 1.0, "bleu": {"golds": ["chat"], "preds": ["chat"]}}],
            "model_response": [{"text": ["chat"]}],
        }
    ).write_parquet(folder / "details_lighteval|wmt14:en-fr|0_2026-01-01T00-00-00.000000.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations.select("accuracy", "metric").rows() == [(1.0, "em")]
    assert not any("corpus-level" in note for note in result.notes)


def _two_metric_details(tmp_path: Path) -> Path:
    # A multiple-choice task logged by lighteval ≤0.10 (Open LLM Leaderboard's harness|arc
    # shape): one (log-probability, is-greedy) pair per choice, the metrics acc and acc_norm.
    # Choices ' a' (2 characters) and ' bbbbbbbb' (9), log-probabilities -1.0 and -1.5, gold 1:
    # acc picks ' a' (-1.0 > -1.5: wrong), acc_norm per character ' bbbbbbbb' (-1.5/9 = -0.17 >
    # -1.0/2 = -0.5: right).
    import polars as pl

    date = "2023-12-03T17-05-13.370489"
    folder = tmp_path / "details" / "org" / "m" / date
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "full_prompt": ["Question: Q0\nAnswer:"],
            "predictions": [[[-1.0, True], [-1.5, False]]],
            "gold": [[]],
            "choices": [[" a", " bbbbbbbb"]],
            "gold_index": [[1]],
            "metrics": [{"acc": 0.0, "acc_norm": 1.0}],
        },
        schema_overrides={"gold": pl.List(pl.String)},
    ).write_parquet(folder / f"details_harness|arc:challenge|25_{date}.parquet")
    return tmp_path


def test_lighteval_doc_of_several_metrics_says_which_scores_it_and_metric_chooses(
    tmp_path: Path,
) -> None:
    # Before: scored by acc (the first) without a word of acc_norm, and --metric acc_norm
    # changed nothing ('names an lm-eval metric: ... changed nothing').
    from evaltui.data.formats import ReadOptions as Read

    root = _two_metric_details(tmp_path)
    plain = load([root], LoadOptions(tokenize=False, use_cache=False))
    assert plain.generations.select("gen", "accuracy", "metric").rows() == [(" a", 0.0, "acc")]
    assert any(
        "scored by 'acc'; its docs also have 'acc_norm' (--metric acc_norm to score by that"
        " instead)" in note
        for note in plain.notes
    ), plain.notes
    chosen = load(
        [root], LoadOptions(tokenize=False, use_cache=False, read=Read(metric="acc_norm"))
    )
    assert chosen.generations.select("gen", "accuracy", "metric").rows() == [
        (" bbbbbbbb", 1.0, "acc_norm")
    ]
    assert not any("--metric" in note for note in chosen.notes), chosen.notes
    missing = load([root], LoadOptions(tokenize=False, use_cache=False, read=Read(metric="f1")))
    assert missing.generations.select("accuracy", "metric").rows() == [(0.0, "acc")]
    assert any(
        "--metric f1 is no score of 1 doc; scored by 'acc' (they also have 'acc_norm')" in note
        for note in missing.notes
    ), missing.notes


@pytest.mark.parametrize("repo", ["details_org__model-7b", "details_org__model-7b_private"])
def test_lighteval_details_pushed_to_the_hub_name_their_model(tmp_path: Path, repo: str) -> None:
    # --push-to-hub writes the dataset repo <org>/details_<model, '/' as '__'> (+ _private
    # unless public): <date>/details_<task>_<date>.parquet beside results_<date>.json and
    # results_<date>.parquet (one row, a JSON text column per results part). Downloaded, the
    # run was 'details_org__model-7b' (the same model is 'org/model-7b' in a local
    # details/org/model-7b/ folder) and the results parquet was skipped as 'no reader
    # recognises this file'. Now the model's name, and the results parquet a companion.
    import polars as pl

    date = "2025-03-01T10-00-00.000001"
    folder = tmp_path / repo / date
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [{"query": "Q0", "choices": ["5"], "gold_index": 0, "id": "0"}],
            "metric": [{"em": 1.0}],
            "model_response": [{"text": ["5"]}],
        }
    ).write_parquet(folder / f"details_lighteval|gsm8k|0_{date}.parquet")
    results = {"config_general": {"model_name": "org/model-7b"}, "results": {"all": {"em": 1.0}}}
    (tmp_path / repo / f"results_{date}.json").write_text(json.dumps(results), encoding="utf-8")
    pl.DataFrame({k: [json.dumps(v, indent=2)] for k, v in results.items()}).write_parquet(
        tmp_path / repo / f"results_{date}.parquet"
    )
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert [f.format for f in result.read_files] == ["lighteval"]
    assert [f.companion for f in result.skipped_files] == [True, True]
    assert result.generations["run"].to_list() == ["org/model-7b"]


def test_lighteval_answer_is_the_one_in_the_post_processed_text_it_scored(tmp_path: Path) -> None:
    """lighteval scores ``model_response.final_text``: ``text_post_processed`` (the text with
    its ``<think>…</think>`` content removed, --remove-reasoning-tags, on by default) when there
    is one. The generation shown (and its tokens) stays the text the model wrote; its answer is
    the one in what was scored. Was: the answer taken from the whole text, so a boxed guess in
    the thinking (\\boxed{3}) or its last number (4) was shown where lighteval scored 5 and
    Paris."""
    import polars as pl

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "org" / "r1" / date / f"details_t|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    texts = [
        "<think>Maybe \\boxed{3}? No: 2+3.</think>So it is 5.",
        "<think>2+2=4, and France's capital…</think>Paris",
        "No thinking: 7",
    ]
    pl.DataFrame(
        {
            "doc": [
                {"query": f"Q{i}", "choices": [gold], "gold_index": 0, "id": str(i)}
                for i, gold in enumerate(["5", "Paris", "7"])
            ],
            "metric": [{"em": 1.0}, {"em": 1.0}, {"em": 1.0}],
            "model_response": [
                {"text": [texts[0]], "text_post_processed": ["So it is 5."]},
                {"text": [texts[1]], "text_post_processed": ["Paris"]},
                {"text": [texts[2]], "text_post_processed": ["No thinking: 7"]},
            ],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("gen", "extracted", "accuracy").rows() == [
        (texts[0], "5", 1.0),
        (texts[1], "Paris", 1.0),
        (texts[2], "7", 1.0),
    ]
    source = path.relative_to(tmp_path).as_posix()
    assert result.notes == [
        f"{source}: 2 samples' model_response.text_post_processed (what lighteval scored: the"
        " text with its reasoning tags' content removed) differs from its text: the generation"
        " shown and its tokens are the text the model wrote, its answer is the one in the"
        " post-processed text, which a re-score scores"
    ]
    # What lighteval scored is kept beside the text shown, where it is another text.
    assert gens["scored_text"].to_list() == ["So it is 5.", "Paris", None]


def test_lighteval_rescore_scores_the_post_processed_text_lighteval_scored(
    tmp_path: Path,
) -> None:
    # lighteval's extractive_match reads the sample's final_text (text_post_processed: the
    # reasoning removed). math-verify on the whole text finds the reasoning's \boxed{3} (it
    # prefers a box) and scored this sample 0, against lighteval's 1; on the post-processed
    # text it finds 5, as lighteval did. A user scorer is sent that text too.
    pytest.importorskip("math_verify")
    import polars as pl

    from evaltui.data.rescore import RescoreOptions, rescore

    path = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet"
    path.parent.mkdir(parents=True)
    text = "<think>Maybe \\boxed{3}? No: 2+3.</think>So it is 5."
    pl.DataFrame(
        {
            "doc": [{"query": "2+3?", "choices": ["5"], "gold_index": 0, "id": "0"}],
            "metric": [{"extractive_match": 1.0}],
            "model_response": [{"text": [text], "text_post_processed": ["So it is 5."]}],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations.select("gen", "accuracy").rows() == [(text, 1.0)]
    options = RescoreOptions("math-verify", use_cache=False, workers=1)
    rescored = rescore(result, options)
    assert rescored.scores.select("new_accuracy", "score_status").rows() == [(1.0, "ok")]
    scorer = tmp_path / "echo_scorer.py"
    scorer.write_text(
        "def score(generation, reference, record):\n"
        "    return generation == 'So it is 5.' and 'scored_text' not in record\n"
    )
    options = RescoreOptions(f"{scorer}:score", use_cache=False, workers=1)
    assert rescore(result, options).scores["new_accuracy"].to_list() == [1.0]


def test_lighteval_reasoning_cut_at_the_limit_has_no_answer_and_rescores_empty(
    tmp_path: Path,
) -> None:
    """A reasoning model stopped at its token limit while thinking: through litellm its text is
    "" and its reasoning apart (``reasonings``); through a local backend its text is the open
    ``<think>…`` and ``text_post_processed`` (what lighteval scored) is "". Both show the
    reasoning whole; neither has an answer, since lighteval scored an empty text (0). Was: the
    answer "5" taken from the reasoning shown, and a re-score scoring that reasoning, so
    ``exact`` gave 1 where lighteval gave 0 (and a user scorer was sent the reasoning)."""
    import polars as pl

    from evaltui.data.rescore import RescoreOptions, rescore

    date = "2026-01-01T00-00-00.000000"
    path = tmp_path / "details" / "org" / "r1" / date / f"details_t|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    thought = "Okay, thinking about 5"
    opened = "<think>Okay, thinking about 5"
    pl.DataFrame(
        {
            "doc": [
                {"query": f"Q{i}", "choices": ["5"], "gold_index": 0, "id": str(i)}
                for i in range(2)
            ],
            "metric": [{"em": 0.0}, {"em": 0.0}],
            "model_response": [
                {"text": [""], "reasonings": [thought], "text_post_processed": [""]},
                {"text": [opened], "reasonings": [None], "text_post_processed": [""]},
            ],
        }
    ).write_parquet(path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("prompt_id")
    assert gens.select("gen", "extracted", "scored_text", "has_answer", "accuracy").rows() == [
        (thought, None, "", False, 0.0),
        (opened, None, "", False, 0.0),
    ]
    source = path.relative_to(tmp_path).as_posix()
    assert (
        f"{source}: 1 sample holds no answer after the reasoning (its text_post_processed, what"
        " lighteval scored, is empty: stopped at the token limit while thinking): none is taken"
        " from the reasoning shown, and a re-score scores the empty text, as lighteval did"
    ) in result.notes
    exact = rescore(result, RescoreOptions("exact", use_cache=False))
    assert exact.scores["new_accuracy"].to_list() == [0.0, 0.0]
    scorer = tmp_path / "echo_scorer.py"
    scorer.write_text("def score(generation, reference, record):\n    return generation == ''\n")
    options = RescoreOptions(f"{scorer}:score", use_cache=False, workers=1)
    assert rescore(result, options).scores["new_accuracy"].to_list() == [1.0, 1.0]


def test_lighteval_metric_null_on_every_doc_says_the_docs_are_unscored(tmp_path: Path) -> None:
    # A metric that logged nothing (a judge that failed, a metric of other docs): Arrow writes
    # the struct field null on every row. The docs are unscored, as before, but now a note
    # names the metric; before, they were unscored without a word.
    import polars as pl

    path = _lighteval_parquet(
        tmp_path / "details" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet",
        [{"extractive_match": None}, {"extractive_match": None}],
    )
    assert pl.read_parquet(path).schema["metric"] == pl.Struct({"extractive_match": pl.Null})
    result = LightevalReader().read(path, "d.parquet", ReadOptions())
    assert result.errors == []
    assert result.frame.select("gen", "accuracy").rows() == [("A0", None), ("A1", None)]
    assert result.notes == [
        "d.parquet: 2 docs unscored: metric 'extractive_match' is null for every doc"
        " (lighteval logged no value: no score to show)"
    ]
    # ≤0.10's metrics column alike; one doc of two scored: the other is named.
    old = tmp_path / "old" / "details_t|0_x.parquet"
    old.parent.mkdir()
    pl.DataFrame(
        {
            "full_prompt": ["Q0", "Q1"],
            "predictions": [["A0"], ["A1"]],
            "gold": [["A0"], ["B"]],
            "metrics": [{"em": 1.0, "judge": None}, {"em": None, "judge": None}],
        }
    ).write_parquet(old)
    result = LightevalReader().read(old, "o.parquet", ReadOptions())
    assert result.frame.select("gen", "accuracy").rows() == [("A0", 1.0), ("A1", None)]
    assert result.notes == [
        "o.parquet: 1 doc unscored: metrics 'em', 'judge' are null for it"
        " (lighteval logged no value: no score to show)"
    ]
    # A metric struct that is null itself: no metric at all.
    empty = tmp_path / "empty" / "details_t|0_x.parquet"
    empty.parent.mkdir()
    pl.DataFrame(
        {
            "doc": [{"query": "Q", "choices": ["A"], "gold_index": 0}],
            "metric": pl.Series([None], dtype=pl.Struct({"em": pl.Float64})),
            "model_response": [{"text": ["A"]}],
        }
    ).write_parquet(empty)
    result = LightevalReader().read(empty, "e.parquet", ReadOptions())
    assert result.frame["accuracy"].to_list() == [None]
    assert result.notes == ["e.parquet: 1 doc unscored: no metric value is logged for it"]


def test_lighteval_chat_messages_sent_to_an_api_model_are_shown_as_turns(tmp_path: Path) -> None:
    # ≤0.10 with an API model (LiteLLMClient, InferenceProvidersClient): the prompt manager
    # returns the chat messages themselves as the doc's context (system prompt and
    # instruction, few-shot turns, the question), which the details log as full_prompt: a list
    # of {role, content} structs, or its str() in details written as text. The prompt was
    # their JSON ('[{"role": "system", …}]'); it reads as other formats' chat prompts do.
    import polars as pl

    date = "2025-03-01T10-00-00.123456"
    folder = tmp_path / "details" / "openai" / "gpt-4o" / date
    folder.mkdir(parents=True)
    messages = [
        {"role": "system", "content": "Answer with a number."},
        {"role": "user", "content": "What is 1+1?"},
        {"role": "assistant", "content": "2"},
        {"role": "user", "content": "What is 2+3?"},
    ]
    shown = (
        "system: Answer with a number.\n\nuser: What is 1+1?\n\nassistant: 2\n\nuser: What is 2+3?"
    )

    def detail(full_prompt: object) -> dict[str, Any]:
        return {
            "example": "What is 2+3?",
            "instruction": "",
            "full_prompt": full_prompt,
            "predictions": ["5"],
            "gold": ["5"],
            "metrics": {"em": 1.0},
        }

    pl.DataFrame([detail(messages)]).write_parquet(
        folder / f"details_lighteval|gsm8k|1_{date}.parquet"
    )
    as_text = [{k: str(v) for k, v in detail(messages[3:]).items()}]
    as_text.append({**as_text[0], "full_prompt": "[{not a literal} What is 2+3?"})
    pl.DataFrame(as_text).write_parquet(folder / f"details_lighteval|gsm8k|0_{date}.parquet")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    got = result.generations.sort("prompt_id").select("prompt_id", "prompt", "accuracy").rows()
    assert got == [
        ("lighteval|gsm8k|0:0", "What is 2+3?", 1.0),  # one user turn: its text alone
        ("lighteval|gsm8k|0:1", "[{not a literal} What is 2+3?", 1.0),  # a text: as it is
        ("lighteval|gsm8k|1:0", shown, 1.0),
    ]
