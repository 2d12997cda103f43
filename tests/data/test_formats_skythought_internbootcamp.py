"""SkyThought (real CLI output and the older layouts) and InternBootcamp (real run_eval.py output).

Expected values were read off the fixture files by hand (see the comments).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions
from evaltui.data.formats.internbootcamp import InternBootcampReader
from evaltui.data.formats.skythought import SkyThoughtReader
from evaltui.data.loader import LoadOptions, load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
SKY = FIXTURES / "skythought"
CLI_RESULTS = SKY / "results" / "toy-org_toy-reasoner-7b_toy_math500_e23a3b" / "results.json"
BOOTCAMP = FIXTURES / "internbootcamp" / "output" / "toy-model_test_dir_20261123_195835"


def sky(path: Path) -> pl.DataFrame:
    result = SkyThoughtReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    return result.frame


def test_skythought_cli_results() -> None:
    frame = sky(CLI_RESULTS)
    # 3 problems x 4 responses; correctness 0: T F T T, 1: T F T F, 2: T T F T; model from summary.json
    assert frame["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert frame["prompt_id"].unique(maintain_order=True).to_list() == ["0", "1", "2"]
    assert frame["accuracy"].to_list() == [1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1]
    assert frame["answer"].unique(maintain_order=True).to_list() == [
        "5",
        "\\frac{5}{6}",
        "42",
    ]  # answer_key
    assert frame["prompt"][0] == "Return your final response within \\boxed{}. What is $2 + 3$?"
    assert frame["sample"].to_list()[:4] == [0, 1, 2, 3]


def test_skythought_legacy_layouts() -> None:
    jan = sky(SKY / "v0_jan2025" / "Sky-T1-32B-Preview_MATH500_test_None_0_-1.json")
    # keyed by problem text, one response dict per temperature: 2 problems, T / F
    assert jan["accuracy"].to_list() == [1.0, 0.0] and jan["run"].unique().to_list() == [
        "Sky-T1-32B-Preview"
    ]
    assert jan["prompt_id"].n_unique() == 2
    feb = sky(
        SKY
        / "v1_feb2025"
        / "Sky-T1-32B-Preview_math500_test_subset_None_filter_False_s0_e-1_t0.7_n2.json"
    )
    assert feb["accuracy"].to_list() == [1.0, 0.0, 1.0, 0.0]  # {"0.7": [T, F]} for both problems
    listed = sky(SKY / "v1b_list_feb2025" / "results.json")
    assert listed["prompt_id"].to_list() == ["0", "0", "1", "1"] and listed[
        "accuracy"
    ].to_list() == [1.0, 0.0, 1.0, 0.0]


def test_skythought_several_temperatures_are_runs_and_generate_only_is_unscored(
    tmp_path: Path,
) -> None:
    data = {
        "What?": {
            "answer": "1",
            "prompt": "What?",
            "responses": {
                "0.0": [{"content": "1", "correctness": True, "reason": ""}],
                "0.7": [
                    {"content": "2", "correctness": None, "reason": None},
                    {"content": "1", "correctness": None},
                ],
            },
        }
    }
    path = tmp_path / "m_task.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    frame = sky(path)
    assert frame.select("run", "accuracy").rows() == [
        ("m · T=0.0", 1.0),
        ("m · T=0.7", None),
        ("m · T=0.7", None),
    ]
    record = next(SkyThoughtReader().records(path, [(1, None)]))
    assert json.loads(record) == data


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"0": {"prompt": "x", "responses": [', "not valid JSON (truncated?)"),
        ('{"0": {"prompt": "x"}}', "has no 'responses'"),
        ('{"0": {"prompt": "x", "responses": "oops"}}', "neither a list nor an object"),
    ],
)
def test_skythought_bad_files(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    result = SkyThoughtReader().read(path, "results.json", ReadOptions())
    assert any(reason in e.reason for e in result.errors)


def test_skythought_directory_skips_summary_and_metrics() -> None:
    result = load([SKY], LoadOptions(tokenize=False))
    assert sorted(f.format for f in result.read_files) == ["skythought"] * 4  # type: ignore[type-var]
    assert all(f.companion for f in result.skipped_files) and len(result.skipped_files) == 3


def test_internbootcamp_details() -> None:
    path = BOOTCAMP / "details" / "game24.jsonl"
    result = InternBootcampReader().read(path, path.name, ReadOptions())
    frame = result.frame
    # completion order ids 0, 2, 1; scores 1.0, 1.0 and the int 0; ground truth objects as JSON
    assert frame["prompt_id"].to_list() == ["game24:0", "game24:2", "game24:1"]
    assert frame["accuracy"].to_list() == [1.0, 1.0, 0.0]
    assert frame["run"].unique().to_list() == ["toy-model"]  # eval_args.json model_name
    assert json.loads(frame["answer"][0]) == {"puzzle": "0 4 5 6 9", "target": 0}
    assert frame["extracted"].to_list() == ["0*(4+5+6+9)", "0 \\times (3+4+6+6)", "2+6+6+6+8+9"]


def test_internbootcamp_output_dir() -> None:
    result = load([BOOTCAMP], LoadOptions(tokenize=False))
    assert [f.format for f in result.read_files] == ["internbootcamp", "internbootcamp"]
    assert {f.source for f in result.skipped_files} == {"eval_args.json", "meta.jsonl"}
    assert all(f.companion for f in result.skipped_files)
    # bbeh: 1.0, 0 (int), 0.0 with no extracted output; game24: 1.0, 1.0, 0
    assert sorted(result.generations["accuracy"].to_list()) == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    assert result.errors == []


def test_internbootcamp_truncated_line(tmp_path: Path) -> None:
    lines = (BOOTCAMP / "details" / "game24.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "details" / "game24.jsonl"
    path.parent.mkdir()
    # json.dump failing half way leaves a truncated line followed by a newline
    path.write_text(lines[0] + "\n" + lines[1][:50] + "\n" + lines[2] + "\n", encoding="utf-8")
    result = InternBootcampReader().read(path, "game24.jsonl", ReadOptions())
    assert result.frame.height == 2
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [(2, "not valid JSON")]
