"""SkyThought: the real CLI output (``results.json`` + ``summary.json``, SkyThought @0d190f1) and the
reconstructed older layouts (Jan 2025 keyed by problem text with one response per temperature,
Feb 2025 with a list per temperature, the short-lived JSON list of records).

Expected values were read off the fixture files by hand (each test says how).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.base import HEAD_BYTES, ReadResult, prompt_hash
from evaltui.data.formats.skythought import SkyThoughtReader
from evaltui.data.loader import LoadOptions, load
from tests.data.damage import damaged

SKY = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "skythought"
CLI_DIR = SKY / "results" / "toy-org_toy-reasoner-7b_toy_math500_e23a3b"
CLI_RESULTS = CLI_DIR / "results.json"
JAN = SKY / "v0_jan2025" / "Sky-T1-32B-Preview_MATH500_test_None_0_-1.json"
FEB = (
    SKY
    / "v1_feb2025"
    / "Sky-T1-32B-Preview_math500_test_subset_None_filter_False_s0_e-1_t0.7_n2.json"
)
LISTED = SKY / "v1b_list_feb2025" / "results.json"
READER = SkyThoughtReader()
TWO_PLUS_THREE = "What is $2 + 3$?"
SEVEN_TIMES_SIX = "Combien font $7 \\times 6$ ? 请给出答案。"


def read(path: Path) -> ReadResult:
    return READER.read(path, path.name, ReadOptions())


def read_clean(path: Path) -> pl.DataFrame:
    result = read(path)
    assert result.errors == []
    return result.frame


def test_reader_identity() -> None:
    assert READER.name == "skythought"
    assert ".json" in READER.extensions


def test_cli_results() -> None:
    frame = read_clean(CLI_RESULTS)
    # 3 entries ("0", "1", "2") x 4 responses. correctness: "0" T F T T, "1" T F T F, "2" T T F T.
    # summary.json: model name toy-org/toy-reasoner-7b, task toy_math500, answer_key "answer".
    assert frame.height == 12
    assert frame["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert frame["prompt_id"].to_list() == [f"toy_math500:{i}" for i in (0, 1, 2) for _ in range(4)]
    assert frame["accuracy"].to_list() == [1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1]
    assert frame["sample"].to_list() == [0, 1, 2, 3] * 3
    assert frame["answer"].unique(maintain_order=True).to_list() == ["5", "\\frac{5}{6}", "42"]
    # the problem itself (the row's `problem`, summary.json's question_key), not the templated
    # prompt "Return your final response within \\boxed{}. What is $2 + 3$?"
    assert frame["prompt"][0] == "What is $2 + 3$?"
    assert frame["gen"][1] == "I get \\boxed{6}."
    # Container: line = the entry's 1-based index in the file, no byte offset.
    assert frame["line"].to_list() == [1] * 4 + [2] * 4 + [3] * 4
    assert frame["offset"].null_count() == 12
    assert frame["prompt_score"].null_count() == 12


def test_records_are_the_entries_unchanged() -> None:
    original = json.loads(CLI_RESULTS.read_text(encoding="utf-8"))
    exported = list(READER.records(CLI_RESULTS, [(3, None), (1, None)]))
    assert [json.loads(r) for r in exported] == [{"2": original["2"]}, {"0": original["0"]}]
    assert "请给出答案" in exported[0]  # ensure_ascii=False


def test_generate_only_run_is_unscored(tmp_path: Path) -> None:
    # `skythought generate` leaves correctness and reason null.
    folder = tmp_path / CLI_DIR.name
    folder.mkdir()
    shutil.copy(CLI_DIR / "summary.json", folder)
    data = json.loads(CLI_RESULTS.read_text(encoding="utf-8"))
    for entry in data.values():
        for response in entry["responses"]:
            response["correctness"] = None
            response["reason"] = None
    (folder / "results.json").write_text(json.dumps(data, indent=4), encoding="utf-8")
    frame = read_clean(folder / "results.json")
    assert frame.height == 12 and frame["accuracy"].null_count() == 12


def test_without_summary_the_run_is_the_result_folder(tmp_path: Path) -> None:
    # <model id with / -> _>_<task>_<hash6> of a task SkyThought does not ship (a fork's own
    # YAML): the model is the Hub id's namespace and name (toy-org/toy-reasoner-7b), the task
    # what follows (toy_arith), in the ids as summary.json's task name would put it; the answer
    # is read from the usual "answer" key. Was: the label 'toy-org_toy-reasoner-7b_toy_arith'
    # with bare ids.
    folder = tmp_path / "toy-org_toy-reasoner-7b_toy_arith_e23a3b"
    folder.mkdir()
    shutil.copy(CLI_RESULTS, folder)
    frame = read_clean(folder / "results.json")
    assert frame["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert frame["prompt_id"].unique(maintain_order=True).to_list() == [
        "toy_arith:0",
        "toy_arith:1",
        "toy_arith:2",
    ]
    assert frame["answer"].unique(maintain_order=True).to_list() == ["5", "\\frac{5}{6}", "42"]


@pytest.mark.parametrize(
    ("folder", "model", "task"),
    [
        # a version, a size or a variant after the model's name is the model's: the label was
        # cut short ('org/model', task 'v2_mytask'; 'org/model', task 'v2_math500')
        ("org_model_v2_mytask_0a1b2c", "org/model_v2", "mytask"),
        ("org_model_v2_math500_0a1b2c", "org/model_v2", "math500"),
        ("org_reasoner_7b_instruct_my_task_0a1b2c", "org/reasoner_7b_instruct", "my_task"),
        # another word is the task's (a fork's toy_arith YAML), as before
        ("toy-org_toy-reasoner-7b_toy_arith_e23a3b", "toy-org/toy-reasoner-7b", "toy_arith"),
    ],
)
def test_without_summary_a_model_name_holding_underscores(
    tmp_path: Path, folder: str, model: str, task: str
) -> None:
    (tmp_path / folder).mkdir()
    shutil.copy(CLI_RESULTS, tmp_path / folder)
    result = read(tmp_path / folder / "results.json")
    assert result.errors == []
    assert result.frame["run"].unique().to_list() == [model]
    assert result.frame["prompt_id"][0] == f"{task}:0"
    # The name splits other ways too: a note says how it was read and that it is a guess.
    assert result.notes == [
        f"results.json: no summary.json beside it; its folder's name was read as model "
        f"{model!r} and task {task!r}, a guess (a model or task name holding '_' splits it "
        "other ways; summary.json names both)"
    ]


def test_without_summary_an_unambiguous_result_dir_has_no_note(tmp_path: Path) -> None:
    for folder in ("Qwen_Qwen2.5-7B-Instruct_math500_0a1b2c", "org_m_gpqa_diamond_0a1b2c"):
        (tmp_path / folder).mkdir()
        shutil.copy(CLI_RESULTS, tmp_path / folder)
        assert read(tmp_path / folder / "results.json").notes == []
    assert read(CLI_RESULTS).notes == []  # summary.json names the model and task


def test_the_real_result_dir_reads_the_same_without_its_summary(tmp_path: Path) -> None:
    # The CLI's own result dir (task toy_math500, a YAML SkyThought does not ship) with its
    # summary.json gone: the same run label and prompt ids as with it.
    alone = tmp_path / CLI_DIR.name
    alone.mkdir()
    shutil.copy(CLI_RESULTS, alone)
    framed, bare = read_clean(CLI_RESULTS), read_clean(alone / "results.json")
    assert bare.select("run", "prompt_id").rows() == framed.select("run", "prompt_id").rows()
    assert bare["run"][0] == "toy-org/toy-reasoner-7b"
    assert bare["prompt_id"][0] == "toy_math500:0"


def test_without_summary_a_known_task_leaves_the_label_for_the_prompt_ids(tmp_path: Path) -> None:
    # SkyThought's get_output_dir names a result dir f"{model_id.replace('/', '_')}_{task}_{hash}"
    # (skythought/evals/cli.py), the task one of its task YAMLs' names (math500, aime24, …). A
    # results.json whose summary.json is gone is the model's run of that task: the label is the
    # model, the task moves into the ids as summary.json's task name would put it, and two
    # tasks of the model load as one run with distinct prompts (never math500's "0" merged
    # with aime24's "0").
    for task in ("math500", "aime24"):
        folder = tmp_path / f"toy-org_toy-reasoner-7b_{task}_0a1b2c"
        folder.mkdir()
        shutil.copy(CLI_RESULTS, folder)
    frame = read_clean(tmp_path / "toy-org_toy-reasoner-7b_math500_0a1b2c" / "results.json")
    assert frame["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert frame["prompt_id"].unique(maintain_order=True).to_list() == [
        "math500:0",
        "math500:1",
        "math500:2",
    ]
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    assert result.stats["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert sorted(result.stats["prompt_id"].to_list()) == [
        f"{task}:{i}" for task in ("aime24", "math500") for i in range(3)
    ]
    assert result.stats["count"].to_list() == [4] * 6


def test_jan_2025_keyed_by_problem_text_one_response_per_temperature() -> None:
    frame = read_clean(JAN)
    # 2 problems, responses {"0.7": {...}}: "What is $2 + 3$?" correct, the 7 x 6 one wrong (36).
    # The model is the file name up to _<dataset>_<split>_<source>_<start>_<end>.
    assert frame.select("run", "prompt_id", "answer", "accuracy").rows() == [
        ("Sky-T1-32B-Preview", prompt_hash(TWO_PLUS_THREE), "5", 1.0),
        ("Sky-T1-32B-Preview", prompt_hash(SEVEN_TIMES_SIX), "42", 0.0),
    ]
    # the problem (its `problem` field, also the entry's key), not the templated `prompt`
    # "What is $2 + 3$?\nReturn your final response within \\boxed{{}}"
    assert frame["prompt"][0] == "What is $2 + 3$?"
    assert frame["gen"][1] == "7 × 6 = \\boxed{36}"


def test_feb_2025_list_per_temperature() -> None:
    frame = read_clean(FEB)
    # {"0.7": [T, F]} for both problems; one temperature -> the run is just the model.
    assert frame["run"].unique().to_list() == ["Sky-T1-32B-Preview"]
    assert frame["accuracy"].to_list() == [1.0, 0.0, 1.0, 0.0]
    assert (
        frame["prompt_id"].to_list()
        == [prompt_hash(TWO_PLUS_THREE)] * 2 + [prompt_hash(SEVEN_TIMES_SIX)] * 2
    )
    assert frame["answer"].to_list() == ["5", "5", "42", "42"]
    assert frame["sample"].to_list() == [0, 1, 0, 1]


def test_list_of_records() -> None:
    frame = read_clean(LISTED)
    # [ {_index: 0, responses [T, F]}, {_index: 1, responses [T, F]} ]; no summary: the folder.
    assert frame["run"].unique().to_list() == ["v1b_list_feb2025"]
    assert frame["prompt_id"].to_list() == ["0", "0", "1", "1"]
    assert frame["accuracy"].to_list() == [1.0, 0.0, 1.0, 0.0]
    assert frame["line"].to_list() == [1, 1, 2, 2]
    record = next(READER.records(LISTED, [(2, None)]))
    assert json.loads(record) == json.loads(LISTED.read_text(encoding="utf-8"))[1]


def test_several_temperatures_are_runs(tmp_path: Path) -> None:
    data = {
        "What?": {
            "answer": 1,
            "prompt": "What?",
            "responses": {
                "0.0": [{"content": "1", "correctness": True, "reason": ""}],
                "0.7": [
                    {"content": "2", "correctness": False, "reason": "Solution is incorrect."},
                    {"content": "1", "correctness": None},
                ],
            },
        }
    }
    path = tmp_path / "Sky-T1_math500_test_subset_None_filter_False_s0_e-1_t0.0,0.7_n2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    frame = read_clean(path)
    assert frame.select("run", "answer", "gen", "accuracy", "sample").rows() == [
        ("Sky-T1 · T=0.0", "1", "1", 1.0, 0),
        ("Sky-T1 · T=0.7", "1", "2", 0.0, 0),
        ("Sky-T1 · T=0.7", "1", "1", None, 1),
    ]


def test_a_problem_sampled_at_one_of_the_files_temperatures_is_in_that_temperatures_run(
    tmp_path: Path,
) -> None:
    # inference_and_check.py resumed with more temperatures samples the remaining problems alone
    # (process_remaining_data): the problems already in the file keep their one temperature.
    # Problem 1 holds 0.7 only, problem 2 both 0.7 and 1.0: both 0.7 samples are the T=0.7 run.
    # Before: problem 1's sample was the run 'Sky-T1' beside 'Sky-T1 · T=0.7' (one temperature
    # split over two runs, each with half its problems).
    data = {
        "What is 1+1?": {
            "answer": "2",
            "responses": {"0.7": [{"content": "\\boxed{2}", "correctness": True, "reason": ""}]},
        },
        "What is 2+2?": {
            "answer": "4",
            "responses": {
                "0.7": [{"content": "\\boxed{4}", "correctness": True, "reason": ""}],
                "1.0": [{"content": "\\boxed{5}", "correctness": False, "reason": "wrong"}],
            },
        },
    }
    path = tmp_path / "Sky-T1_math500_test_subset_None_filter_False_s0_e-1_t0.7,1.0_n1.json"
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    frame = read_clean(path)
    assert frame.select("run", "answer", "accuracy", "line").rows() == [
        ("Sky-T1 · T=0.7", "2", 1.0, 1),
        ("Sky-T1 · T=0.7", "4", 1.0, 2),
        ("Sky-T1 · T=1.0", "4", 0.0, 2),
    ]


def test_numeric_keys_keep_file_order_so_lines_trace_back(tmp_path: Path) -> None:
    data = {
        str(i): {"_index": str(i), "prompt": f"p{i}", "responses": [{"content": "x"}]}
        for i in (10, 2, 1)
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    frame = read_clean(path)
    assert frame.select("line", "prompt_id").rows() == [(1, "10"), (2, "2"), (3, "1")]
    assert json.loads(next(READER.records(path, [(2, None)]))) == {"2": data["2"]}


def test_load_the_result_dirs_skips_summary_and_metrics() -> None:
    result = load([SKY], LoadOptions(tokenize=False))
    assert sorted(f.source for f in result.read_files) == sorted(
        p.relative_to(SKY).as_posix() for p in (CLI_RESULTS, JAN, FEB, LISTED)
    )
    assert {f.format for f in result.read_files} == {"skythought"}
    companions = sorted(f.source for f in result.skipped_files if f.companion)
    assert companions == [
        "results/toy-org_toy-reasoner-7b_toy_math500_e23a3b/summary.json",
        "v0_jan2025/token_usage/Sky-T1-32B-Preview_MATH500_test_None_0_-1.json",
        "v1_feb2025/metrics/"
        "Sky-T1-32B-Preview_math500_test_subset_None_filter_False_s0_e-1_t0.7_n2.json",
    ]
    # The task's input dataset is not a samples file: reported as such, not read, not fatal.
    others = [(f.source, f.skipped) for f in result.skipped_files if not f.companion]
    assert [source for source, _why in others] == ["data/toy_math500.jsonl"]
    assert others[0][1].startswith("no reader recognises this file (its first record's keys: ")
    assert result.errors == []
    # 12 (CLI) + 2 (Jan) + 4 (Feb) + 4 (list) generations
    assert result.generations.height == 22


def test_first_entry_longer_than_the_head_is_detected_beside_summary(tmp_path: Path) -> None:
    folder = tmp_path / CLI_DIR.name
    folder.mkdir()
    shutil.copy(CLI_DIR / "summary.json", folder)
    data = json.loads(CLI_RESULTS.read_text(encoding="utf-8"))
    data["0"] = {"tests": "x" * 100_000, **data["0"]}  # code tasks carry their test cases
    path = folder / "results.json"
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    detection = detect(path)
    assert detection.reader is not None and detection.reader.name == "skythought"
    assert read_clean(path).height == 12


def test_code_task_rows_longer_than_the_head_without_summary_are_detected(
    tmp_path: Path,
) -> None:
    # A code task's dataset row comes before its responses and holds its test cases, megabytes
    # of them in LiveCodeBench and TACO: the head saw neither "responses" nor "correctness".
    # A CLI result dir published without its summary.json, and a Jan 2025 TACO file, were
    # "no reader recognises this file".
    tests = [{"input": "1 " * 40_000, "output": "2", "testtype": "stdin"}]
    cli = tmp_path / "Qwen_QwQ-32B_livecodebench_a1b2c3" / "results.json"
    cli.parent.mkdir()
    cli_entries = {
        str(i): {"prompt": f"Generate … Problem {i}", "test": tests, "task_id": f"abc30{i}_a",
                 "_index": str(i),
                 "responses": [{"content": "print(2)", "correctness": i == 0, "reason": ""}],
                 "token_usages": [{"completion_tokens": 4, "prompt_tokens": 9}]}
        for i in range(2)
    }  # fmt: skip
    cli.write_text(json.dumps(cli_entries, indent=4), encoding="utf-8")
    legacy = tmp_path / "Sky-T1-32B-Preview_TACO_train_MEDIUM_0_-1.json"
    question = "Read n and print n + 1."
    row = {"question": question, "input_output": json.dumps(tests), "difficulty": "MEDIUM",
           "prompt": "\nQUESTION:\n" + question + "\nUse Standard Input format\nANSWER:\n",
           "responses": {"0.7": {"content": "print(int(input()) + 1)", "correctness": True,
                                 "reason": ""}},
           "token_usages": {"0.7": {"completion_tokens": 9, "prompt_tokens": 20}}}  # fmt: skip
    legacy.write_text(json.dumps({question: row}, indent=4), encoding="utf-8")  # as it wrote
    for path in (cli, legacy):
        assert path.stat().st_size > HEAD_BYTES
        detection = detect(path)
        assert detection.reader is not None and detection.reader.name == "skythought", path
    frame = read_clean(cli)
    assert frame["prompt_id"].to_list() == ["livecodebench:0", "livecodebench:1"]
    assert frame["prompt"].to_list() == ["Generate … Problem 0", "Generate … Problem 1"]
    assert frame["accuracy"].to_list() == [1.0, 0.0]
    frame = read_clean(legacy)
    assert frame["prompt"].to_list() == [question]
    assert frame["gen"].to_list() == ["print(int(input()) + 1)"]
    assert frame["accuracy"].to_list() == [1.0]


@pytest.mark.parametrize("layout", ["cli", "per-temperature"])
def test_first_response_longer_than_the_head_is_detected(tmp_path: Path, layout: str) -> None:
    # A 32k-token reasoning trace: the head ends inside the first response's content, before
    # its correctness and the token usages; there is no summary.json beside it.
    response = {"content": "thinking " * 20_000, "correctness": True, "reason": ""}
    responses = [response] if layout == "cli" else {"0.7": [response]}
    data = {"0": {"_index": "0", "prompt": "p", "responses": responses}}
    path = tmp_path / "m_task.json"
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    detection = detect(path)
    assert detection.reader is not None and detection.reader.name == "skythought"
    assert read_clean(path)["accuracy"].to_list() == [1.0]


def test_other_json_is_not_skythought(tmp_path: Path) -> None:
    summary = CLI_DIR / "summary.json"
    assert READER.sniff(summary, summary.read_bytes()) == 0 and detect(summary).companion
    other = tmp_path / "results.json"
    other.write_text(json.dumps({"results": {"gsm8k": {"acc": 1}}}), encoding="utf-8")
    assert READER.sniff(other, other.read_bytes()) == 0


@pytest.mark.parametrize(
    ("content", "line", "reason", "rows"),
    [
        ('{\n "0": {"prompt": "x", "responses": [\n', 3, "not valid JSON (truncated?)", 0),
        ('{"0": {"prompt": "x"}, "1": {"responses": [{"content": "y"}]}}', 1, "no 'responses'", 1),
        (
            '{"0": {"prompt": "x", "responses": "oops"}}',
            1,
            "is a JSON string, neither an array nor an object",
            0,
        ),
        ('{"0": {"prompt": "x", "responses": []}}', 1, "'responses' is empty", 0),
        ('{"0": {"responses": [{"content": "a"}, 5]}}', 1, "response 1: a JSON number", 1),
        ('{"0": {"responses": [{"reason": "", "correctness": true}]}}', 1, "no 'content'", 0),
        ('{"0": {"responses": [{"content": "a", "correctness": "maybe"}]}}', 1, "'maybe'", 0),
        ("[1, 2]", 1, "has no 'responses'", 0),
        ("5", None, "no SkyThought entries", 0),
        ("{}", None, "no SkyThought entries", 0),
    ],
)
def test_bad_files_are_errors(
    tmp_path: Path, content: str, line: int | None, reason: str, rows: int
) -> None:
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    result = read(path)
    assert result.frame.height == rows
    assert any(reason in e.reason and e.line == line for e in result.errors), result.errors
    assert all(e.source == "results.json" for e in result.errors)


def test_truncated_real_file_is_an_error(tmp_path: Path) -> None:
    text = CLI_RESULTS.read_text(encoding="utf-8")
    path = tmp_path / "results.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    result = read(path)
    assert result.frame.height == 0
    assert len(result.errors) == 1 and "truncated" in result.errors[0].reason
    assert result.errors[0].line is not None


def test_summary_answer_key_names_the_reference(tmp_path: Path) -> None:
    # A task whose answer_key is "solution": the reference is that column of the dataset row,
    # its last \boxed{} when it has one (NUMINA's handler grades by it; see
    # test_numina_reference_is_its_solutions_box).
    folder = tmp_path / CLI_DIR.name
    folder.mkdir()
    shutil.copy(CLI_RESULTS, folder)
    summary = json.loads((CLI_DIR / "summary.json").read_text(encoding="utf-8"))
    summary["configuration"]["task"]["config"]["answer_key"] = "solution"
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    frame = read_clean(folder / "results.json")
    assert frame["answer"].unique(maintain_order=True).to_list() == [
        "5",
        "$\\frac{5}{6}$",
        "$42$",
    ]


def test_a_summary_saved_with_a_byte_order_mark_is_still_read(tmp_path: Path) -> None:
    # summary.json re-saved by a Windows editor (a UTF-8 byte order mark, CRLF line ends) was
    # read as no summary: its answer_key and model name were lost without a word (the
    # reference fell back to the row's 'answer').
    folder = tmp_path / CLI_DIR.name
    folder.mkdir()
    shutil.copy(CLI_RESULTS, folder)
    summary = json.loads((CLI_DIR / "summary.json").read_text(encoding="utf-8"))
    summary["configuration"]["task"]["config"]["answer_key"] = "solution"
    text = json.dumps(summary, indent=4).replace("\n", "\r\n")
    (folder / "summary.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    frame = read_clean(folder / "results.json")
    assert frame["answer"].unique(maintain_order=True).to_list() == [
        "5",
        "$\\frac{5}{6}$",
        "$42$",
    ]


@pytest.mark.parametrize(
    "source", [CLI_RESULTS, JAN, FEB, LISTED], ids=["cli", "jan", "feb", "list"]
)
def test_damaged_entries_give_rows_or_errors_never_exceptions(tmp_path: Path, source: Path) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    entries = data if isinstance(data, list) else list(data.values())
    first, good = entries[0], entries[1]
    responses = first["responses"]
    response = responses[0] if isinstance(responses, list) else next(iter(responses.values()))
    response = response[0] if isinstance(response, list) else response
    variants = list(damaged(first))
    for what, bad_response in damaged(response):
        entry = json.loads(json.dumps(first))
        entry["responses"] = [bad_response]
        variants.append((f"response {what}", entry))
    path = tmp_path / source.name
    for what, bad in variants:
        content: Any = [bad, good] if isinstance(data, list) else {"a": bad, "b": good}
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        result = read(path)  # must not raise
        lines = set(result.frame["line"].to_list())
        assert 2 in lines, what
        assert 1 in lines or any(e.line == 1 for e in result.errors), what


def test_a_code_task_shows_its_problem_not_the_template(tmp_path: Path) -> None:
    # A LiveCodeBench result without summary.json (older tools/ runs): the problem is in
    # `question_content`, `prompt` is the templated instruction around it, and there is no
    # single answer (test cases). The prompt column shows the problem; the reference is empty.
    path = tmp_path / "m_livecodebench_test_None_0_-1.json"
    entry = {
        "question_title": "Two Sum",
        "question_content": "Given n numbers, print the sum of the first two.",
        "public_test_cases": "[]",
        "prompt": "Generate an executable Python function generated from the given prompt. …"
        " Given n numbers, print the sum of the first two.",
        "responses": {"0.7": {"content": "def f(): ...", "correctness": False, "reason": "x"}},
        "token_usages": {"0.7": {"completion_tokens": 5, "prompt_tokens": 9}},
    }
    path.write_text(json.dumps({entry["question_content"]: entry}), encoding="utf-8")
    frame = read_clean(path)
    assert frame["prompt"].to_list() == ["Given n numbers, print the sum of the first two."]
    assert frame["answer"].to_list() == [None]
    assert frame["accuracy"].to_list() == [0.0]


def test_an_arc_challenge_legacy_file_has_its_reference(tmp_path: Path) -> None:
    # `inference_and_check.py --dataset ARC-C` (Jan 2025, no summary.json beside): the task's
    # answer_key is ARC's `answerKey` (tasks/arc/arc_c.yaml), the reference the grader compares
    # the chosen letter with. Every prompt had no reference.
    path = tmp_path / "Sky-T1-32B-Preview_ARC-C_train_ARC-Challenge_0_-1.json"
    question = "Which gas do plants take in?"
    entry = {"id": "Mercury_1", "question": question,
             "choices": {"text": ["O2", "CO2", "N2", "He"], "label": ["A", "B", "C", "D"]},
             "answerKey": "B", "choices_text": "A.O2\nB.CO2\nC.N2\nD.He",
             "prompt": "Given the following question … (A, B, C and D) …\n" + question
             + "\nA.O2\nB.CO2\nC.N2\nD.He",
             "responses": {"0.7": {"content": "The best answer is B", "correctness": True,
                                   "reason": ""}},
             "token_usages": {"0.7": {"completion_tokens": 5, "prompt_tokens": 9}}}  # fmt: skip
    path.write_text(json.dumps({question: entry}), encoding="utf-8")
    frame = read_clean(path)
    assert frame["answer"].to_list() == ["B"]
    # the question and the options its letter names (arc_handler's choices_text), not the
    # instruction before them
    assert frame["prompt"].to_list() == [question + "\nA.O2\nB.CO2\nC.N2\nD.He"]
    assert frame["accuracy"].to_list() == [1.0]


def test_a_multiple_choice_prompt_keeps_its_options(tmp_path: Path) -> None:
    # `skythought evaluate --task gpqa_diamond`: the row's `Question` holds no options; the
    # handler shuffles them into the templated prompt, and `Answer` is the letter of the right
    # one there. The prompt column showed the question alone: "C" named nothing on screen.
    folder = tmp_path / "org_m_gpqa_diamond_0a1b2c"
    folder.mkdir()
    question = "What is the spin of a photon?"
    options = "A) 1/2, B) 0, C) 1, D) 3/2"
    templated = (
        "Return your final response within \\boxed{} and only include the letter choice"
        " (A, B, C, or D) as your final response. " + question + "\n" + options
    )
    entry = {"Question": question, "Correct Answer": "1", "Incorrect Answer 1": "1/2",
             "Answer": "C", "prompt": templated, "_index": "0",
             "responses": [{"content": "\\boxed{C}", "correctness": True, "reason": ""},
                           {"content": "\\boxed{A}", "correctness": False,
                            "reason": "Solution is incorrect."}],
             "token_usages": [{"completion_tokens": 3, "prompt_tokens": 9}] * 2}  # fmt: skip
    (folder / "results.json").write_text(json.dumps({"0": entry}), encoding="utf-8")
    summary = {"configuration": {"task": {"name": "gpqa_diamond",
                                          "config": {"question_key": "Question",
                                                     "answer_key": "Answer"}},
                                 "model": {"name": "org/m"}}}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    frame = read_clean(folder / "results.json")
    assert frame["prompt"].to_list() == [question + "\n" + options] * 2
    assert frame["answer"].to_list() == ["C", "C"]
    assert frame["accuracy"].to_list() == [1.0, 0.0]


@pytest.mark.parametrize("with_summary", [True, False])
def test_a_one_answer_list_is_its_answer(tmp_path: Path, with_summary: bool) -> None:
    # `--task olympiadbench_math_en`: the row's `final_answer` is a list of one answer (the
    # YAML's answer_key), graded by final_answer[0] (OlympiadBenchMathTaskHandler). The
    # reference was the JSON text '["$\\frac{1}{2}$"]'.
    folder = tmp_path / "org_m_olympiadbench_math_en_abc123"
    folder.mkdir()
    entry = {"id": 1606, "question": "Find x.", "final_answer": ["$\\frac{1}{2}$"],
             "is_multiple_answer": False, "_index": "0", "prompt": "Return … Find x.",
             "responses": [{"content": "\\boxed{\\frac{1}{2}}", "correctness": True,
                            "reason": ""}],
             "token_usages": [{"completion_tokens": 3, "prompt_tokens": 9}]}  # fmt: skip
    (folder / "results.json").write_text(json.dumps({"0": entry}), encoding="utf-8")
    if with_summary:
        summary = {"configuration": {"task": {"name": "olympiadbench_math_en",
                                              "config": {"question_key": "question",
                                                         "answer_key": "final_answer"}},
                                     "model": {"name": "org/m"}}}  # fmt: skip
        (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    frame = read_clean(folder / "results.json")
    assert frame["answer"].to_list() == ["$\\frac{1}{2}$"]
    assert frame["prompt"].to_list() == ["Find x."]
    assert frame["prompt_id"].to_list() == ["olympiadbench_math_en:0"]


@pytest.mark.parametrize("with_summary", [True, False])
def test_olympiadbench_is_graded_by_its_first_final_answer(
    tmp_path: Path, with_summary: bool
) -> None:
    # A multiple-answer OlympiadBench problem lists several final answers; the handler grades by
    # final_answer[0] alone (strip_answer_string(problem[answer_key][0])). The reference was the
    # JSON text of the whole list, which no generation matches.
    folder = tmp_path / "org_m_olympiadbench_math_en_abc123"
    folder.mkdir()
    entry = {"id": 7, "question": "Find all x.", "final_answer": ["$1$", "$2$"],
             "is_multiple_answer": True, "_index": "0",
             "responses": [{"content": "\\boxed{1}", "correctness": True, "reason": ""}]}  # fmt: skip
    (folder / "results.json").write_text(json.dumps({"0": entry}), encoding="utf-8")
    if with_summary:
        summary = {"configuration": {"task": {"name": "olympiadbench_math_en",
                                              "config": {"answer_key": "final_answer"}},
                                     "model": {"name": "org/m"}}}  # fmt: skip
        (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert read_clean(folder / "results.json")["answer"].to_list() == ["$1$"]


def test_a_question_key_naming_an_id_is_not_the_prompt(tmp_path: Path) -> None:
    # `skythought evaluate --task livecodebench`: the task YAML says `question_key: task_id`
    # (summary.json carries it), and the row SkyThought keeps (livecodebench_util.map_to_example)
    # has the problem only in `prompt`, templated. The prompt column showed "abc301_a".
    folder = tmp_path / "Qwen_QwQ-32B_livecodebench_a1b2c3"
    folder.mkdir()
    problem = "Takahashi has N cards. Print the sum of their numbers."
    templated = "Generate an executable Python function generated from the given prompt. " + problem
    entry = {"prompt": templated, "test": [], "entry_point": "", "task_id": "abc301_a",
             "is_stdin": True, "public_test_cases": "[]", "difficulty": "easy", "_index": "0",
             "input_conversation": [{"role": "user", "content": templated}],
             "responses": [{"content": "print(3)", "correctness": True, "reason": ""},
                           {"content": "no code", "correctness": False,
                            "reason": "Does not contain code component."}],
             "token_usages": [{"completion_tokens": 4, "prompt_tokens": 9}] * 2}  # fmt: skip
    (folder / "results.json").write_text(json.dumps({"0": entry}), encoding="utf-8")
    summary = {"configuration": {"task": {"name": "livecodebench",
                                          "config": {"question_key": "task_id", "answer_key": None}},
                                 "model": {"name": "Qwen/QwQ-32B"}}}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    frame = read_clean(folder / "results.json")
    assert frame["prompt"].to_list() == [templated, templated]
    assert frame["prompt_id"].to_list() == ["livecodebench:0"] * 2
    assert frame["answer"].to_list() == [None, None]
    assert frame["accuracy"].to_list() == [1.0, 0.0]
    assert frame["gen"].to_list() == ["print(3)", "no code"]


def _cli_run(folder: Path, correct: bool, temperature: float) -> None:
    """A `skythought evaluate` result dir of org/m on task t: one problem, one response."""
    folder.mkdir(parents=True)
    entry = {"problem": "P0", "answer": "5", "_index": "0", "prompt": "P0",
             "responses": [{"content": "c", "correctness": correct, "reason": ""}],
             "token_usages": [{"completion_tokens": 1, "prompt_tokens": 1}]}  # fmt: skip
    (folder / "results.json").write_text(json.dumps({"0": entry}), encoding="utf-8")
    summary = {"configuration": {"task": {"name": "t", "config": {"answer_key": "answer"}},
                                 "model": {"name": "org/m"},
                                 "sampling_params": {"temperature": temperature, "n": 1}}}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def test_two_result_dirs_of_one_model_and_task_are_two_runs(tmp_path: Path) -> None:
    # Two `skythought evaluate` runs of org/m on task t with other parameters (another hash dir)
    # were one run whose problem had two responses, both sample 0. Each result dir is a run, told
    # apart by its folder. By hand: the first is correct, the second not.
    _cli_run(tmp_path / "org_m_t_aaaaaa", True, 0.7)
    _cli_run(tmp_path / "org_m_t_bbbbbb", False, 1.0)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations.sort("run")
    assert gens.select("run", "prompt_id", "accuracy", "sample").rows() == [
        ("org/m @ org_m_t_aaaaaa", "t:0", 1.0, 0),
        ("org/m @ org_m_t_bbbbbb", "t:0", 0.0, 0),
    ]


def test_legacy_files_of_one_run_split_by_range_stay_one_run(tmp_path: Path) -> None:
    # Jan 2025 files <model>_<dataset>_<split>_<source>_<start>_<end>[_<style>]: two files of one
    # range with another prompt style are two runs (they were one, the problem sampled twice);
    # two ranges of one run (0-1, 1-2) are one run.
    def legacy(name: str, problem: str, correct: bool) -> None:
        entry = {"problem": problem, "answer": "2", "prompt": "Q",
                 "responses": {"0.7": {"content": "2", "correctness": correct, "reason": ""}}}  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps({problem: entry}), encoding="utf-8")

    legacy("styles/M_math_test_None_0_1.json", "P0", True)
    legacy("styles/M_math_test_None_0_1_still2.json", "P0", False)
    legacy("ranges/M_math_test_None_0_1.json", "P0", True)
    legacy("ranges/M_math_test_None_1_2.json", "P1", False)
    options = LoadOptions(tokenize=False, use_cache=False)
    styles = load([tmp_path / "styles"], options).generations.sort("run")
    assert styles.select("run", "accuracy", "sample").rows() == [
        ("M @ M_math_test_None_0_1", 1.0, 0),
        ("M @ M_math_test_None_0_1_still2", 0.0, 0),
    ]
    ranges = load([tmp_path / "ranges"], options).generations
    assert ranges["run"].to_list() == ["M", "M"]
    assert ranges["prompt_id"].n_unique() == 2


def test_legacy_prompt_style_joined_by_a_dash_is_not_part_of_the_model(tmp_path: Path) -> None:
    # SkyThought's skythought/tools/ holds files of one model named both
    # <model>_<dataset>_<split>_<source>_<start>_<end>_<style>.json and
    # <model>_<dataset>_<split>_<source>_<start>_<end>-<style>.json: the model is the same.
    def legacy(name: str, correct: bool) -> None:
        entry = {"problem": "P0", "answer": "2", "prompt": "Q",
                 "responses": {"0.0": {"content": "2", "correctness": correct, "reason": ""}}}  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps({"P0": entry}), encoding="utf-8")

    legacy("alone/Qwen2.5-32B-Instruct_MATH500_test_None_0_-1-sys_one_short.json", True)
    legacy("both/M_math_test_None_0_-1_still2_sys_zero.json", True)
    legacy("both/M_math_test_None_0_-1-sys_one_short.json", False)
    options = LoadOptions(tokenize=False, use_cache=False)
    alone = load([tmp_path / "alone"], options).generations
    assert alone["run"].to_list() == ["Qwen2.5-32B-Instruct"]
    both = load([tmp_path / "both"], options).generations.sort("run")
    assert both.select("run", "accuracy").rows() == [
        ("M @ M_math_test_None_0_-1-sys_one_short", 0.0),
        ("M @ M_math_test_None_0_-1_still2_sys_zero", 1.0),
    ]


def test_entries_one_per_line_are_read_with_their_lines(tmp_path: Path) -> None:
    # What a records export of a results.json holds: {key: entry} lines (a list document's
    # entries alone). Each line is read as that entry, a bad line is that line's error, and
    # other JSON lines (no responses) are no SkyThought file.
    keyed = json.loads(CLI_RESULTS.read_text(encoding="utf-8"))
    listed = json.loads(LISTED.read_text(encoding="utf-8"))
    lines = [json.dumps({k: v}) for k, v in keyed.items()]
    lines += ["{broken", json.dumps(listed[0]), json.dumps({"x": {"y": 1}})]
    path = tmp_path / "m" / "hard.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = detect(path)
    assert found.reader is not None and found.reader.name == "skythought"
    result = READER.read(path, "hard.jsonl", ReadOptions())
    by_line = {line: n for line, n in result.frame.group_by("line").len().rows()}
    whole = READER.read(CLI_RESULTS, "results.json", ReadOptions()).frame
    listed_frame = READER.read(LISTED, "results.json", ReadOptions()).frame
    assert by_line == {
        **{
            i + 1: n for i, n in enumerate(whole.group_by("line", maintain_order=True).len()["len"])
        },
        len(keyed) + 2: listed_frame.filter(pl.col("line") == 1).height,
    }
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [
        (len(keyed) + 1, "not valid JSON"),
        (len(keyed) + 3, f"entry '{len(keyed) + 3}' has no 'responses'"),
    ]
    other = tmp_path / "other.jsonl"
    other.write_text('{"a": {"b": 1}}\n', encoding="utf-8")
    assert detect(other).reader is None


def test_an_entry_line_longer_than_the_head_is_still_skythought(tmp_path: Path) -> None:
    # A reasoning trace is easily 120 KB (MATH500 with Qwen2.5-32B): with the first line longer
    # than the 64 KB head, an export of the entries was "no reader recognises this file".
    keyed = json.loads(CLI_RESULTS.read_text(encoding="utf-8"))
    items = list(keyed.items())
    key, entry = items[0]
    long = {**entry, "responses": [{**entry["responses"][0], "content": "x" * 100_000}]}
    lines = [json.dumps({key: long}), *(json.dumps({k: v}) for k, v in items[1:])]
    path = tmp_path / "m" / "hard.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = detect(path)
    assert found.reader is not None and found.reader.name == "skythought"
    result = READER.read(path, "hard.jsonl", ReadOptions())
    assert result.errors == [] and result.frame["gen"].str.len_chars().max() == 100_000


def test_legacy_names_whose_task_or_source_holds_underscores_keep_the_model_whole(
    tmp_path: Path,
) -> None:
    """The legacy file name is ``<model>_<task>_…``, and SkyThought's task names and NUMINA
    sources hold underscores: Feb 2025 ``--task gpqa_diamond`` / ``olympiadbench_math_en``
    (``skythought_evals/tasks/*.yaml``), Jan 2025 ``--dataset NUMINA --source amc_aime`` (the
    Sky-T1 data recipe; ``tools/inference_and_check.py`` names the file
    ``{MODEL}_{dataset}_{split}_{source}_{start}_{end}.json``). The run was the model with the
    task's first word (``QwQ-32B-Preview_gpqa``, ``QwQ-32B-Preview_NUMINA``)."""

    def legacy(name: str, responses: Any) -> None:
        problem = f"Problem of {name}"
        entry = {"problem": problem, "answer": "2", "prompt": "Q", "responses": responses}
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps({problem: entry}), encoding="utf-8")

    feb = {"0.7": [{"content": "2", "correctness": True, "reason": ""}]}
    jan = {"0.7": {"content": "3", "correctness": False, "reason": "Solution is incorrect."}}
    legacy(
        "feb/QwQ-32B-Preview_gpqa_diamond_train_subset_None_filter_False_s0_e-1_t0.7_n1.json", feb
    )
    legacy(
        "feb/QwQ-32B-Preview_olympiadbench_math_en_train_subset_OE_TO_maths_en_COMP"
        "_filter_False_s0_e-1_t0.7_n1.json",
        feb,
    )
    legacy("jan/QwQ-32B-Preview_NUMINA_train_amc_aime_0_-1.json", jan)
    legacy("jan/QwQ-32B-Preview_NUMINA_train_cn_k12_0_-1.json", jan)
    options = LoadOptions(tokenize=False, use_cache=False)
    for folder in ("feb", "jan"):
        gens = load([tmp_path / folder], options).generations
        # Two tasks (sources) of one model: one run, named by the model alone.
        assert gens["run"].unique().to_list() == ["QwQ-32B-Preview"], folder
        assert gens["prompt_id"].n_unique() == 2


def test_legacy_runs_of_one_model_named_otherwise_stay_apart(tmp_path: Path) -> None:
    # A legacy file's prompts are its problems (keys): the Jan 2025 file (1 response per
    # problem at T=0.7) and the Feb 2025 one (2 per problem at T=0.7) of Sky-T1-32B-Preview
    # evaluated the same 2 MATH500 problems, but their names' tasks differ in shape
    # (MATH500_test_None_0_-1, math500_test_subset_None_filter_False_s0_e-1). Was: one run,
    # each problem "sampled" 3 times (2 prompts, 6 generations). Now two runs, by their folder.
    options = LoadOptions(tokenize=False, use_cache=False)
    result = load([JAN.parent, FEB.parent], options)
    assert result.errors == []
    runs = result.stats.group_by("run").agg(pl.col("count").sum(), pl.len().alias("prompts"))
    assert sorted(runs.rows()) == [
        ("Sky-T1-32B-Preview @ v0_jan2025", 2, 2),
        ("Sky-T1-32B-Preview @ v1_feb2025", 4, 2),
    ]
    # Overlapping ranges in one folder (all problems, then the first one again) are two runs;
    # ranges that share no problem (test_legacy_files_of_one_run_split_by_range_stay_one_run)
    # stay one.
    data = json.loads(JAN.read_text(encoding="utf-8"))
    first = next(iter(data))
    shutil.copy(JAN, tmp_path / JAN.name)
    part = tmp_path / "Sky-T1-32B-Preview_MATH500_test_None_0_1.json"
    part.write_text(json.dumps({first: data[first]}), encoding="utf-8")
    stats = load([tmp_path], options).stats
    assert sorted(stats.select("run", "count").rows()) == [
        ("Sky-T1-32B-Preview @ Sky-T1-32B-Preview_MATH500_test_None_0_-1", 1),
        ("Sky-T1-32B-Preview @ Sky-T1-32B-Preview_MATH500_test_None_0_-1", 1),
        ("Sky-T1-32B-Preview @ Sky-T1-32B-Preview_MATH500_test_None_0_1", 1),
    ]


def test_a_run_has_one_label_with_or_without_its_summary(tmp_path: Path) -> None:
    # get_output_dir writes the model id "toy-org/toy-reasoner-7b" as "toy-org_toy-reasoner-7b"
    # in the folder's name; summary.json's configuration.model.name keeps the "/". The same
    # result dir read with and without its summary.json was two models: 'toy-org/…' and
    # 'toy-org_…' (compare found no run in common). Now one label, and the same prompt ids.
    with_summary = tmp_path / "a" / "toy-org_toy-reasoner-7b_math500_e23a3b"
    with_summary.mkdir(parents=True)
    shutil.copy(CLI_DIR / "summary.json", with_summary)
    summary = json.loads((with_summary / "summary.json").read_text(encoding="utf-8"))
    summary["configuration"]["task"]["name"] = "math500"
    (with_summary / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    shutil.copy(CLI_RESULTS, with_summary)
    alone = tmp_path / "b" / with_summary.name
    alone.mkdir(parents=True)
    shutil.copy(CLI_RESULTS, alone)
    framed = read_clean(with_summary / "results.json")
    bare = read_clean(alone / "results.json")
    assert framed["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert bare["run"].unique().to_list() == ["toy-org/toy-reasoner-7b"]
    assert framed["prompt_id"].to_list() == bare["prompt_id"].to_list()
    assert bare["prompt_id"].unique(maintain_order=True).to_list() == [
        "math500:0",
        "math500:1",
        "math500:2",
    ]


@pytest.mark.parametrize(
    ("folder", "label"),
    [
        # a model id without a namespace has no "/" to restore
        ("gpt-4o-mini_math500_0a1b2c", "gpt-4o-mini"),
        # AIME 2025 comes as two tasks, aime25_1 and aime25_2 (their task YAMLs' names)
        ("Qwen_QwQ-32B_aime25_2_0a1b2c", "Qwen/QwQ-32B"),
        # an absolute path's "/" became a leading "_": no namespace before it
        ("_data_ckpt_qwen_math500_0a1b2c", "_data_ckpt_qwen"),
        # an unknown task: a model without a namespace ends at the first "_"
        ("o1-mini_arith_0a1b2c", "o1-mini"),
        (
            "deepseek-ai_DeepSeek-R1-Distill-Qwen-7B_aime24_0a1b2c",
            "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        ),
    ],
)
def test_the_result_dirs_model_id(tmp_path: Path, folder: str, label: str) -> None:
    (tmp_path / folder).mkdir()
    shutil.copy(CLI_RESULTS, tmp_path / folder)
    assert read_clean(tmp_path / folder / "results.json")["run"].unique().to_list() == [label]


def _cli_dir(tmp_path: Path, name: str, entries: dict[str, Any], config: dict[str, Any]) -> Path:
    """A result dir holding results.json and a summary.json naming the task's config."""
    folder = tmp_path / name
    folder.mkdir()
    summary = json.loads((CLI_DIR / "summary.json").read_text(encoding="utf-8"))
    summary["configuration"]["task"]["name"] = config["handler"]
    summary["configuration"]["task"]["config"] = config
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "results.json").write_text(json.dumps(entries, indent=4), encoding="utf-8")
    return folder / "results.json"


def _responses(*graded: tuple[str, bool]) -> list[dict[str, Any]]:
    return [
        {"content": c, "correctness": ok, "reason": "" if ok else "Solution is incorrect."}
        for c, ok in graded
    ]


@pytest.mark.parametrize("with_summary", [True, False])
def test_mmlu_reference_is_the_letter_the_handler_grades_by(
    tmp_path: Path, with_summary: bool
) -> None:
    # cais/mmlu rows: choices (a list) and answer, the right choice's index. SkyThought's
    # MMLUTaskHandler.check_correctness compares the model's letter with "ABCD"[answer]. The
    # reference was "1" beside a correct "\boxed{B}"; it is "B". MMLU-Pro's answer is already
    # its letter (graded by choices[answer_index]) and stays.
    row = {
        "question": "What is 2 + 2?",
        "subject": "elementary_mathematics",
        "choices": ["3", "4", "5", "6"],
        "answer": 1,
        "_index": "0",
        "prompt": "Return your final response within \\boxed{}. What is 2 + 2?\n"
        "Answer Choices: (A) 3 (B) 4 (C) 5 (D) 6",
        "responses": _responses(("\\boxed{B}", True), ("\\boxed{A}", False)),
        "token_usages": [{"completion_tokens": 1, "prompt_tokens": 9}] * 2,
    }
    pro = {
        "question": "Which is even?",
        "options": ["1", "3", "4"],
        "answer": "C",
        "answer_index": 2,
        "_index": "1",
        "responses": _responses(("\\boxed{C}", True)),
    }
    entries = {"0": row, "1": pro}
    name = "Qwen_Qwen2.5-7B-Instruct_mmlu_0a1b2c"
    if with_summary:
        config = {"handler": "mmlu", "question_key": "question", "answer_key": "answer"}
        path = _cli_dir(tmp_path, name, entries, config)
    else:
        (tmp_path / name).mkdir()
        path = tmp_path / name / "results.json"
        path.write_text(json.dumps(entries), encoding="utf-8")
    frame = read_clean(path)
    assert frame.select("answer", "accuracy").rows() == [("B", 1.0), ("B", 0.0), ("C", 1.0)]
    assert frame["prompt"][0].endswith("Answer Choices: (A) 3 (B) 4 (C) 5 (D) 6")


def test_gsm8k_reference_is_the_final_answer(tmp_path: Path) -> None:
    # openai/gsm8k's answer is the worked solution; GSM8KTaskHandler grades against what follows
    # "#### ", commas removed (extract_gt_answer). The reference was the whole solution.
    solution = "She buys 1,200 more: 3 + 1200 = <<3+1200=1203>>1203\n#### 1,203"
    entries = {
        "0": {
            "question": "Janet has 3 ducks and buys 1,200 more. How many ducks?",
            "answer": solution,
            "_index": "0",
            "prompt": "Given the following problem, reason and give a final answer …",
            "responses": _responses(("The final answer is 1203", True)),
        },
        "1": {
            "question": "A debt of 5 falls by 12. What is it now?",
            "answer": "5 - 12 = -7\n#### -7",
            "_index": "1",
            "responses": _responses(("The final answer is 7", False)),
        },
    }
    config = {"handler": "gsm8k", "question_key": "question", "answer_key": "answer"}
    frame = read_clean(_cli_dir(tmp_path, "m_gsm8k_0a1b2c", entries, config))
    assert frame.select("prompt_id", "answer", "accuracy").rows() == [
        ("gsm8k:0", "1203", 1.0),
        ("gsm8k:1", "-7", 0.0),
    ]


@pytest.mark.parametrize("with_summary", [True, False])
def test_numina_reference_is_its_solutions_box(tmp_path: Path, with_summary: bool) -> None:
    # NuminaMath-CoT rows (source, problem, solution, messages) have no answer field: numina.yaml
    # says answer_key: solution, and NUMINATaskHandler grades by extract_answer(solution), the
    # last \boxed{}. The reference was the whole worked solution (with summary.json) or none.
    entries = {
        "0": {
            "source": "amc_aime",
            "problem": "Compute $\\frac{1}{2}+\\frac{1}{3}$.",
            "solution": "Common denominator: $\\frac{3}{6}+\\frac{2}{6}=\\boxed{\\frac{5}{6}}$.",
            "messages": "",
            "_index": "0",
            "responses": _responses(("\\boxed{\\frac{5}{6}}", True)),
        },
        "1": {
            "source": "amc_aime",
            "problem": "What is $2^{10}$?",
            "solution": "First $\\boxed{2}$ is wrong; $2^{10}=\\boxed{1024}$.",
            "messages": "",
            "_index": "1",
            "responses": _responses(("\\boxed{1000}", False)),
        },
    }
    name = "NovaSky-AI_Sky-T1-32B-Preview_numina_amc_aime_0a1b2c"
    if with_summary:
        config = {"handler": "numina", "question_key": "problem", "answer_key": "solution"}
        path = _cli_dir(tmp_path, name, entries, config)
    else:
        (tmp_path / name).mkdir()
        path = tmp_path / name / "results.json"
        path.write_text(json.dumps(entries), encoding="utf-8")
    frame = read_clean(path)
    assert frame["answer"].to_list() == ["\\frac{5}{6}", "1024"]


def test_a_code_tasks_solution_is_no_reference(tmp_path: Path) -> None:
    # Unnamed by a summary.json, a 'solution' without a box (a reference program) stays no answer.
    entries = {
        "0": {
            "question_content": "Print the sum of two integers.",
            "solution": "a, b = map(int, input().split())\nprint(a + b)",
            "_index": "0",
            "responses": _responses(("print(sum(map(int, input().split())))", True)),
        }
    }
    (tmp_path / "m_livecodebench_0a1b2c").mkdir()
    path = tmp_path / "m_livecodebench_0a1b2c" / "results.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    assert read_clean(path)["answer"].to_list() == [None]


@pytest.mark.parametrize("with_summary", [True, False])
def test_a_whole_number_with_zero_decimals_is_shown_as_skythought_grades_it(
    tmp_path: Path, with_summary: bool
) -> None:
    # AMC23 (AI-MO/aimo-validation-amc) keeps its answers as decimals; a row carried as text says
    # "27.0". MathTaskHandler grades strip_answer_string(answer), which turns "27.0" into "27"
    # (re.sub(r"(\d+)\.0*$", r"\1", ...)), so "\boxed{27}" is correct. The reference was shown
    # "27.0" beside the model's 27 marked right.
    entries = {
        str(i): {
            "problem": f"Problem {i}?",
            "answer": answer,
            "url": "https://artofproblemsolving.com/wiki/index.php/2023_AMC_12A_Problems",
            "_index": str(i),
            "prompt": f"Return your final response within \\boxed{{}}. Problem {i}?",
            "responses": _responses((f"\\boxed{{{given}}}", ok)),
            "token_usages": [{"completion_tokens": 3, "prompt_tokens": 9}],
        }
        for i, (answer, given, ok) in enumerate(
            [("27.0", "27", True), ("-3.00", "3", False), ("0.5", "0.5", True)]
        )
    }
    config = {"handler": "amc23", "question_key": "problem", "answer_key": "answer"}
    path = _cli_dir(tmp_path, "m_amc23_0a1b2c", entries, config)
    if not with_summary:
        (path.parent / "summary.json").unlink()
    result = read(path)
    assert result.errors == []
    assert result.frame["answer"].to_list() == ["27", "-3", "0.5"]
    assert result.notes == [
        "results.json: 2 references written with zero decimals ('27.0') shown as the whole"
        " number ('27'), as SkyThought grades against it (strip_answer_string)"
    ]


def test_reasoning_content_is_the_start_of_the_generation(tmp_path: Path) -> None:
    # SkyThought versions whose SingleParsedResponse keeps reasoning_content (the thinking an
    # OpenAI-compatible server of a reasoning model returns apart from content) write it into
    # each response. It was nowhere to be seen, and the lengths were the final answers' alone.
    responses = _responses(("The answer is \\boxed{5}.", True), ("\\boxed{6}", False))
    responses[0]["reasoning_content"] = "2 + 3 is 5."
    responses[1]["reasoning_content"] = None
    entries = {"0": {"problem": "What is $2 + 3$?", "answer": "5", "_index": "0",
                     "prompt": "Return your final response within \\boxed{}. What is $2 + 3$?",
                     "responses": responses}}  # fmt: skip
    config = {"handler": "math", "question_key": "problem", "answer_key": "answer"}
    result = read(_cli_dir(tmp_path, "m_math500_0a1b2c", entries, config))
    assert result.errors == []
    assert result.frame.select("gen", "accuracy").rows() == [
        ("2 + 3 is 5.\nThe answer is \\boxed{5}.", 1.0),
        ("\\boxed{6}", 0.0),
    ]
    assert result.notes == [
        "results.json: 1 response shown as reasoning_content, a line break and content (the"
        " thinking the server returned apart; SkyThought graded the content)"
    ]


def _line_of(text: str, opening: str) -> int:
    """The 1-based line of ``text`` where ``opening`` is written (once)."""
    assert text.count(opening) == 1
    return text[: text.index(opening)].count("\n") + 1


def test_an_entry_error_is_told_at_the_line_its_entry_starts(tmp_path: Path) -> None:
    # SkyThought writes results.json with indent=4: entry '2' starts on line 122 of the fixture
    # (its key, '    "2": {'); its error was told at 'results.json:3', a line of entry '0'.
    folder = tmp_path / CLI_DIR.name
    shutil.copytree(CLI_DIR, folder)
    path = folder / "results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["2"]["responses"] = []
    data["1"]["responses"][1] = "not a response"
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    result = read(path)
    assert [(e.line, e.reason) for e in result.errors] == [
        (_line_of(text, '    "1": {'), "entry '1', response 1: a JSON string, not an object"),
        (_line_of(text, '    "2": {'), "entry '2': 'responses' is empty"),
    ]
    assert result.frame.height == 7


@pytest.mark.parametrize("layout", ["keyed by problem text", "list"])
def test_legacy_and_list_entry_errors_are_told_at_their_lines(tmp_path: Path, layout: str) -> None:
    source = FEB if layout == "keyed by problem text" else LISTED
    data = json.loads(source.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        key = list(data)[1]
        del data[key]["responses"]
        opening = "    " + json.dumps(key, ensure_ascii=False) + ": {"
        reason = f"entry {key[:60]!r} has no 'responses'"
    else:
        del data[1]["responses"]
        data[1]["problem"] = "the second entry"
        opening = '        "problem": "the second entry"'
        reason = "entry '1' has no 'responses'"
    path = tmp_path / source.name
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    result = read(path)
    line = _line_of(text, opening) - (1 if layout == "list" else 0)  # a list entry's '{'
    assert [(e.line, e.reason) for e in result.errors] == [(line, reason)]
    assert line > 2


def test_a_convert_format_copy_is_labelled_by_its_model(tmp_path: Path) -> None:
    # tools/convert_format.py writes its copy of a Jan 2025 file as converted_<file name> beside
    # it, each response's content kept and a processed_content (gpt-4o-mini's rewrite) added:
    # the copy was the run 'converted_Sky-T1-32B-Preview'.
    data = json.loads(JAN.read_text(encoding="utf-8"))
    for entry in data.values():
        entry["responses"]["0.7"]["processed_content"] = "**Solution**: rewritten"
    path = tmp_path / f"converted_{JAN.name}"
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame.select("run", "gen").rows() == read_clean(JAN).select("run", "gen").rows()
    assert result.frame["run"].unique().to_list() == ["Sky-T1-32B-Preview"]
    assert result.notes == [
        f"{path.name}: 2 responses with a processed_content (tools/convert_format.py's rewrite"
        " of it by gpt-4o-mini): the content is shown, as the model wrote it; a correctness that"
        " inference_and_check.py --check wrote on this copy grades the processed_content (--check"
        " grades it where a response has one)"
    ]
    # The note said 'correctness grades it' (the content), but every inference_and_check.py's
    # perform_check grades response_entry["processed_content"] where there is one, and its
    # Jan 2025 --check runs on the converted_ copy when it exists (the reject-sampling steps:
    # inference, convert, check).
    identity = READER.run_identity(path, ReadOptions())
    assert identity is not None
    assert identity.label == "Sky-T1-32B-Preview"
    assert identity.task == "MATH500_test_None_0_-1"  # the original's task, not 'converted_…'


def test_a_convert_format_copy_beside_its_original_is_one_run_read_from_the_copy(
    tmp_path: Path,
) -> None:
    # The Jan 2025 steps: --inference writes the file unscored, convert_format.py writes the
    # converted_ copy beside it, --check grades the copy (its processed_content). The folder
    # loaded as two runs, 'Sky-T1-32B-Preview @ Sky-T1-…' (unscored) and '… @ converted…', the
    # model's every response counted twice. Now one run, read from the copy, with a note.
    data = json.loads(JAN.read_text(encoding="utf-8"))
    for entry in data.values():
        entry["responses"]["0.7"].update(correctness=None, reason=None)
    (tmp_path / JAN.name).write_text(json.dumps(data, indent=4), encoding="utf-8")
    for entry, correct in zip(data.values(), (True, True), strict=True):
        response = entry["responses"]["0.7"]
        response.update(processed_content="**Solution**: rewritten", correctness=correct)
    converted = tmp_path / f"converted_{JAN.name}"
    converted.write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations["run"].unique().to_list() == ["Sky-T1-32B-Preview"]
    assert result.generations["source"].unique().to_list() == [converted.name]
    assert result.generations["accuracy"].to_list() == [1.0, 1.0]
    # named as the input names the files, as every other note does (it gave the folder's
    # absolute path: 'id Sky-T1….json in /home/…/results')
    assert (
        f"{JAN.name}: the same run as {converted.name} (a legacy file and its convert_format.py"
        " copy, saved twice), read once from there"
    ) in result.notes
    assert not any(str(tmp_path) in note for note in result.notes)
    # Each alone is read as before; so are two such pairs in two folders (two runs).
    alone = load([tmp_path / JAN.name], LoadOptions(tokenize=False, use_cache=False))
    assert alone.generations.height == 2
    other = tmp_path / "again"
    shutil.copytree(tmp_path, other, ignore=shutil.ignore_patterns("again"))
    both = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert both.generations.height == 4
    assert both.generations["run"].n_unique() == 2


@pytest.mark.parametrize("summary", [True, False], ids=["with summary", "without"])
@pytest.mark.parametrize("model", ["/data/ckpt/qwen-7b", "./ckpt/qwen-7b"])
def test_a_model_given_as_a_local_path_has_one_label(
    tmp_path: Path, summary: bool, model: str
) -> None:
    # skythought evaluate --model /data/ckpt/qwen-7b: summary.json's model name is the path,
    # the result dir get_output_dir's '_data_ckpt_qwen-7b_math500_<hash>'. The run was
    # '/data/ckpt/qwen-7b' with its summary and '_data_ckpt_qwen-7b' without: two labels.
    label = model.replace("/", "_")
    folder = tmp_path / f"{label}_math500_0a1b2c"
    shutil.copytree(CLI_DIR, folder)
    if summary:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        data["configuration"]["model"]["name"] = model
        data["configuration"]["task"]["name"] = "math500"
        (folder / "summary.json").write_text(json.dumps(data, indent=4), encoding="utf-8")
    else:
        (folder / "summary.json").unlink()
    result = read(folder / "results.json")
    assert result.errors == []
    assert result.frame["run"].unique().to_list() == [label]
    assert result.frame["prompt_id"].unique(maintain_order=True).to_list() == [
        "math500:0",
        "math500:1",
        "math500:2",
    ]
    identity = READER.run_identity(folder / "results.json", ReadOptions())
    assert identity is not None and identity.label == label
    if summary:
        assert result.notes == [
            f"results.json: the model was given as a local path ({model!r}): labelled"
            f" {label!r}, as SkyThought names its result folder (every '/' as '_'),"
            " so the run reads alike without summary.json"
        ]


@pytest.mark.parametrize("model", ["Qwen/Qwen2.5-7B-Instruct", "gpt-4o", "openrouter/x/y-1"])
def test_a_hub_or_api_model_keeps_its_name(tmp_path: Path, model: str) -> None:
    folder = tmp_path / f"{model.replace('/', '_')}_toy_math500_0a1b2c"
    shutil.copytree(CLI_DIR, folder)
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    data["configuration"]["model"]["name"] = model
    (folder / "summary.json").write_text(json.dumps(data, indent=4), encoding="utf-8")
    result = read(folder / "results.json")
    assert result.frame["run"].unique().to_list() == [model]
    assert result.notes == []


def test_a_non_finite_correctness_names_what_skythought_writes(tmp_path: Path) -> None:
    """A response's correctness is a boolean in every SkyThought version (each task handler's
    update_results): a NaN there is the response's error, worded so. It said 'this format writes
    none', naming no tool."""
    entries = {
        "0": {"problem": "1+1?", "answer": "2", "responses": _responses(("2", True))},
        "1": {"problem": "2+2?", "answer": "4", "responses": _responses(("4", True))},
    }
    config = {"handler": "math500", "answer_key": "answer"}
    path = _cli_dir(tmp_path, "org_model_math500_abc123", entries, config)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[::-1].replace("eurt", "NaN"[::-1], 1)[::-1], encoding="utf-8")
    result = read(path)
    assert result.frame["prompt"].to_list() == ["1+1?"]
    assert [e.reason for e in result.errors] == [
        "entry '1', response 0: score nan is not a finite number (SkyThought writes correctness"
        " as a boolean)"
    ]


def test_an_export_of_two_tasks_reads_back_with_their_prompt_ids(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A result dir's prompt ids start with its task (``toy_math500:0``), which summary.json
    beside results.json says, not the entries: an export read back gave ``0``, and two tasks'
    entries of one model (``toy_math500:0`` and ``toy_aime:0``) became one prompt, counted
    twice. The manifest's ``task`` is the prompt ids' and is given back."""
    from evaltui.cli import main

    evals = tmp_path / "evals"
    for task, folder in (
        ("toy_math500", CLI_DIR.name),
        ("toy_aime", "toy-org_toy-reasoner-7b_toy_aime_9f1c2d"),
    ):
        shutil.copytree(CLI_DIR, evals / folder)
        summary = json.loads((CLI_DIR / "summary.json").read_text(encoding="utf-8"))
        summary["configuration"]["task"]["name"] = task
        (evals / folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    export = tmp_path / "all.jsonl"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["export", str(evals), "--records", "-o", str(export), *common]) == 0
    manifest = json.loads(Path(f"{export}.evaltui.json").read_text(encoding="utf-8"))
    assert sorted(s["task"] for s in manifest["evaltui"]["sources"]) == ["toy_aime", "toy_math500"]
    options = LoadOptions(tokenize=False, use_cache=False)
    columns = ["run", "prompt_id", "prompt", "count", "average_accuracy"]
    original = sorted(load([evals], options).stats.select(columns).rows())
    assert len(original) == 6 and original[0][1] == "toy_aime:0"
    assert sorted(load([export], options).stats.select(columns).rows()) == original
