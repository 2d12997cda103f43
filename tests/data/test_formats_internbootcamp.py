"""InternBootcamp ``examples/unittests/run_eval.py`` (@18a5525) output, written by the script itself.

Expected values were read off the fixture files by hand (each test says how): two details files of
three lines each, ``eval_args.json`` naming the model ``toy-model``, ``meta.jsonl`` with the averages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.base import ReadResult
from evaltui.data.formats.internbootcamp import InternBootcampEvalReader, InternBootcampReader
from evaltui.data.formats.plain import PlainReader
from evaltui.data.loader import LoadOptions, load
from tests.data.damage import damaged

BOOTCAMP = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "internbootcamp"
OUTPUT = BOOTCAMP / "output" / "toy-model_test_dir_20261123_195835"
GAME24 = OUTPUT / "details" / "game24.jsonl"
BBEH = OUTPUT / "details" / "bbehbooleanexpressions.jsonl"
READER = InternBootcampReader()


def read(path: Path) -> ReadResult:
    return READER.read(path, path.name, ReadOptions())


def test_reader_identity() -> None:
    assert READER.name == "internbootcamp"
    assert ".jsonl" in READER.extensions


def test_game24_details() -> None:
    result = read(GAME24)
    assert result.errors == []
    frame = result.frame
    # Lines in completion order: ids 0, 2, 1; scores 1.0, 1.0 and the int 0 (extraction worked,
    # the check failed); ground truths are objects, shown as JSON.
    # Prompt ids name eval_args.json's test_dir ("test_dir") and the test file.
    assert frame["prompt_id"].to_list() == [
        "test_dir/game24:0",
        "test_dir/game24:2",
        "test_dir/game24:1",
    ]
    assert frame["accuracy"].to_list() == [1.0, 1.0, 0.0]
    assert frame["run"].unique().to_list() == ["toy-model"]  # eval_args.json model_name
    assert [json.loads(a) for a in frame["answer"]] == [
        {"puzzle": "0 4 5 6 9", "target": 0},
        {"puzzle": "0 3 4 6 6", "target": 0},
        {"puzzle": "2 6 6 6 8 9", "target": 25},
    ]
    assert frame["extracted"].to_list() == ["0*(4+5+6+9)", "0 \\times (3+4+6+6)", "2+6+6+6+8+9"]
    assert (
        frame["gen"][0]
        == "<think>\n任何数乘以 0 都得 0。\n</think>\nFinal Answer: \\boxed{0*(4+5+6+9)}"
    )
    assert frame["prompt"][2].startswith(
        "请解决以下问题：使用数字 2 6 6 6 8 9 通过加减乘除得到 25。"
    )
    assert frame["line"].to_list() == [1, 2, 3]


def test_bbeh_details() -> None:
    frame = read(BBEH).frame
    # ids 0, 1, 2 in order; scores 1.0, int 0 (answered A, truth index 2 = C), 0.0 with a null
    # extracted_output (no [answer] tags); ground_truth["answer"] 3, 2, 1.
    assert frame["prompt_id"].to_list() == [
        "test_dir/bbehbooleanexpressions:0",
        "test_dir/bbehbooleanexpressions:1",
        "test_dir/bbehbooleanexpressions:2",
    ]
    assert frame["accuracy"].to_list() == [1.0, 0.0, 0.0]
    assert frame["extracted"].to_list() == ["D", "A", None]
    assert [json.loads(a)["answer"] for a in frame["answer"]] == [3, 2, 1]


def test_offsets_give_back_each_original_line() -> None:
    frame = read(GAME24).frame
    rows = list(zip(frame["line"].to_list(), frame["offset"].to_list(), strict=True))
    assert list(READER.records(GAME24, rows)) == GAME24.read_text(encoding="utf-8").splitlines()


def test_beats_the_plain_readers_generic_guess() -> None:
    # prompt + output are generic field names the plain reader would take at 30.
    for path in (GAME24, BBEH):
        head = path.read_bytes()[:65536]
        assert READER.sniff(path, head) > PlainReader().sniff(path, head) > 0
        detection = detect(path)
        assert detection.reader is not None and detection.reader.name == "internbootcamp"


def test_companions_and_inputs() -> None:
    for name in ("meta.jsonl", "eval_args.json"):
        path = OUTPUT / name
        assert READER.sniff(path, path.read_bytes()) == 0
        detection = detect(path)
        assert detection.reader is None and detection.companion, name
    # The script's input test files (data_source, prompt, ground_truth) hold no outputs.
    for path in sorted((BOOTCAMP / "test_dir").glob("*.jsonl")):
        assert READER.sniff(path, path.read_bytes()) == 0
        assert detect(path).reader is None and not detect(path).companion


def test_load_the_output_dir() -> None:
    result = load([OUTPUT], LoadOptions(tokenize=False))
    assert [(f.source, f.format) for f in result.read_files] == [
        ("details/bbehbooleanexpressions.jsonl", "internbootcamp"),
        ("details/game24.jsonl", "internbootcamp"),
    ]
    assert {(f.source, f.companion) for f in result.skipped_files} == {
        ("eval_args.json", True),
        ("meta.jsonl", True),
    }
    assert result.errors == []
    # bbeh: 1.0, 0, 0.0; game24: 1.0, 1.0, 0 -> 6 prompts of one sample, 3 correct
    assert result.generations.height == 6
    assert sorted(result.generations["accuracy"].to_list()) == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    assert result.stats["prompt_id"].n_unique() == 6


def test_output_len_is_not_the_token_length(tmp_path: Path, word_tokenizer: Path) -> None:
    # output_len is the script's word count; evaltui's gen_length comes from the tokenizer.
    folder = tmp_path / "toy-model_test_dir_20261123_195835"
    (folder / "details").mkdir(parents=True)
    shutil.copy(OUTPUT / "eval_args.json", folder)
    record = json.loads(GAME24.read_text(encoding="utf-8").splitlines()[0])
    record["output_len"] = 4242
    record["output"] = "the answer is 0"
    (folder / "details" / "game24.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    result = load([folder], options)
    assert result.generations["gen_length"].to_list() == [4]  # four words, not 4242


def test_without_eval_args_the_run_is_the_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "toy-model_test_dir_20261123_195835" / "details"
    folder.mkdir(parents=True)
    shutil.copy(GAME24, folder)
    frame = read(folder / "game24.jsonl").frame
    assert frame["run"].unique().to_list() == ["toy-model_test_dir"]  # time stamp dropped


@pytest.mark.parametrize(
    ("folder", "sheet", "model", "test_set"),
    [
        # the score sheet run_eval.py writes at the end, <model_name with / as _>_scores.xlsx
        ("org_model_v2_my_tests_20250601_120000", "org_model_v2_scores.xlsx", "org_model_v2",
         "my_tests"),
        # the script's default --test_dir, examples/data/Intenbootcamp_eval
        ("r1_32B_Intenbootcamp_eval_20250601_120000", None, "r1_32B", "Intenbootcamp_eval"),
    ],
)  # fmt: skip
def test_without_eval_args_the_folder_name_is_split_where_known(
    tmp_path: Path, folder: str, sheet: str | None, model: str, test_set: str
) -> None:
    # Was: the label 'org_model_v2_my_tests' / 'r1_32B_Intenbootcamp_eval' (model and test
    # dir glued) and ids without the test dir. Now the same label and prompt ids as
    # eval_args.json gives.
    out = tmp_path / folder
    (out / "details").mkdir(parents=True)
    shutil.copy(GAME24, out / "details")
    if sheet is not None:
        (out / sheet).write_bytes(b"PK")
    result = read(out / "details" / "game24.jsonl")
    assert result.errors == [] and result.notes == []
    assert result.frame["run"].unique().to_list() == [model]
    assert result.frame["prompt_id"][0] == f"{test_set}/game24:0"
    args = {"model_name": model, "test_dir": f"/data/{test_set}/"}
    (out / "eval_args.json").write_text(json.dumps(args), encoding="utf-8")
    told = read(out / "details" / "game24.jsonl").frame
    assert told.select("run", "prompt_id").rows() == result.frame.select("run", "prompt_id").rows()


def test_without_eval_args_an_unsplit_folder_name_has_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "toy-model_test_dir_20261123_195835" / "details"
    folder.mkdir(parents=True)
    shutil.copy(GAME24, folder)
    result = read(folder / "game24.jsonl")
    assert result.frame["run"].unique().to_list() == ["toy-model_test_dir"]
    assert result.notes == [
        "game24.jsonl: no eval_args.json (nor <model>_scores.xlsx) beside it: the run is"
        " labelled 'toy-model_test_dir', its output folder's '<model>_<test dir>' without the"
        " time, as the model's name cannot be told from the test dir's"
    ]


def test_two_output_dirs_of_one_model_are_two_samples(tmp_path: Path) -> None:
    # The script samples once per prompt; repeating it writes another output dir.
    for stamp in ("20261123_195835", "20261123_205835"):
        shutil.copytree(OUTPUT, tmp_path / f"toy-model_test_dir_{stamp}")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.stats.height == 6
    assert set(result.stats["count"].to_list()) == {2}


def test_first_line_longer_than_the_head(tmp_path: Path) -> None:
    # ARC-style prompts can be longer than the detector's head.
    folder = tmp_path / "out" / "details"
    folder.mkdir(parents=True)
    shutil.copy(OUTPUT / "meta.jsonl", folder.parent)
    record = json.loads(GAME24.read_text(encoding="utf-8").splitlines()[0])
    record["prompt"] = "0 1 2 3\n" * 20_000
    path = folder / "arc.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    detection = detect(path)
    assert detection.reader is not None and detection.reader.name == "internbootcamp"


def test_truncated_line_left_by_a_failed_dump(tmp_path: Path) -> None:
    lines = GAME24.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "details" / "game24.jsonl"
    path.parent.mkdir()
    # json.dump failing half way leaves a truncated line followed by a newline
    path.write_text(lines[0] + "\n" + lines[1][:50] + "\n" + lines[2] + "\n", encoding="utf-8")
    result = read(path)
    assert result.frame["prompt_id"].to_list() == ["game24:0", "game24:1"]
    assert [(e.source, e.line) for e in result.errors] == [("game24.jsonl", 2)]
    assert "not valid JSON" in result.errors[0].reason


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ('{"id": 5, "prompt": "p", "output": "o"}', "missing score"),
        ('{"id": 5, "prompt": "p", "output": "o", "score": "high"}', "'high'"),
        ('{"id": 5, "prompt": "p", "output": "o", "score": [1]}', "a JSON array"),
        ("[1]", "not an object"),
        ('{"id": 5, "prompt": "p", "out', "truncated last line"),
    ],
)
def test_bad_lines_are_errors(tmp_path: Path, bad: str, reason: str) -> None:
    good = GAME24.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "game24.jsonl"
    path.write_text(good + "\n" + bad, encoding="utf-8")
    result = read(path)
    assert result.frame.height == 1
    assert len(result.errors) == 1 and result.errors[0].line == 2
    assert reason in result.errors[0].reason, result.errors


@pytest.mark.parametrize("path", [GAME24, BBEH], ids=["game24", "bbeh"])
def test_damaged_records_give_rows_or_errors_never_exceptions(tmp_path: Path, path: Path) -> None:
    first, good = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:2]]
    target = tmp_path / "details" / path.name
    target.parent.mkdir()
    for what, bad in damaged(first):
        text = json.dumps(bad, ensure_ascii=False) + "\n" + json.dumps(good, ensure_ascii=False)
        target.write_text(text + "\n", encoding="utf-8")
        result = read(target)  # must not raise
        lines = set(result.frame["line"].to_list())
        assert 2 in lines, what
        assert (1 in lines) != any(e.line == 1 for e in result.errors), what


def test_reasoning_content_is_part_of_the_generation(tmp_path: Path) -> None:
    # run_eval.py since mid 2025 writes `reasoning_content` (the thinking a reasoning model's
    # server returned apart: vLLM's reasoning parser) between ground_truth and output, and scores
    # and extracts from reasoning_content + "\n" + output. Was: the generation was `output` alone,
    # the thinking (most of a reasoning model's tokens) dropped without a word. By hand: line 1
    # "think hard" + "\n" + "Final Answer: 0"; line 2's reasoning_content is null: output alone.
    folder = tmp_path / "r1_test_dir_20250601_120000" / "details"
    folder.mkdir(parents=True)
    lines = [
        {"id": 0, "prompt": "P0", "output_len": 3, "score": 1.0, "extracted_output": "0",
         "ground_truth": {"target": 0}, "reasoning_content": "think hard",
         "output": "Final Answer: 0"},
        {"id": 1, "prompt": "P1", "output_len": 1, "score": 0, "extracted_output": None,
         "ground_truth": {"target": 1}, "reasoning_content": None, "output": "no idea"},
    ]  # fmt: skip
    path = folder / "game24.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "accuracy").rows() == [
        ("game24:0", "think hard\nFinal Answer: 0", 1.0),
        ("game24:1", "no idea", 0.0),
    ]
    assert [n for n in result.notes if "reasoning_content" in n] == [
        "r1_test_dir_20250601_120000/details/game24.jsonl: 1 generation shown as"
        " reasoning_content, a line break and output (the thinking the server returned apart),"
        " as run_eval.py scored them"
    ]


def test_extracted_none_written_as_text_is_no_answer(tmp_path: Path) -> None:
    # run_eval.py since mid 2025 writes str(extracted) for any non-string extraction, so a
    # bootcamp that extracted nothing leaves "None" (an exception still leaves null). Was: the
    # extracted answer "None", the generation counted as answered. By hand: line 1 "None" -> no
    # answer; line 2 "[1, 2]" (str of a list) stays that text.
    folder = tmp_path / "m_test_dir_20250601_120000" / "details"
    folder.mkdir(parents=True)
    lines = [
        {"id": 0, "prompt": "P0", "output_len": 2, "score": 0.0, "extracted_output": "None",
         "ground_truth": {"t": 0}, "reasoning_content": None, "output": "no idea"},
        {"id": 1, "prompt": "P1", "output_len": 2, "score": 1.0, "extracted_output": "[1, 2]",
         "ground_truth": {"t": [1, 2]}, "reasoning_content": None, "output": "so [1, 2]"},
    ]  # fmt: skip
    path = folder / "puzzle.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("extracted", "has_answer").rows() == [(None, False), ("[1, 2]", True)]


def test_test_dirs_with_a_file_of_one_name_keep_their_prompts_apart(tmp_path: Path) -> None:
    """run_eval.py (InternBootcamp @1a8477c) names its output dir
    ``<model>_<basename(test_dir)>_<time>`` and saves ``details/<test file name>``: one model run on
    two test dirs that both have a ``game24.jsonl`` (other puzzles) gave two prompts one id,
    "game24:0", and the second prompt's generation was counted as a second sample of the first."""
    for test in ("easy", "hard"):
        out = tmp_path / f"m_{test}_20250101_000000"
        (out / "details").mkdir(parents=True)
        args = {"model_name": "m", "test_dir": f"examples/data/{test}/"}
        (out / "eval_args.json").write_text(json.dumps(args), encoding="utf-8")
        line = {
            "id": 0,
            "prompt": f"{test} puzzle",
            "output_len": 1,
            "score": 1.0,
            "extracted_output": "x",
            "ground_truth": {"puzzle": test},
            "output": "x",
        }
        (out / "details" / "game24.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert sorted(result.stats.select("prompt_id", "prompt", "count").rows()) == [
        ("easy/game24:0", "easy puzzle", 1),
        ("hard/game24:0", "hard puzzle", 1),
    ]


@pytest.mark.parametrize("test_dir", [".", "./", "", ".."])
def test_a_test_dir_without_a_name_leaves_the_file_name(tmp_path: Path, test_dir: str) -> None:
    out = tmp_path / "m_._20250101_000000"
    shutil.copytree(OUTPUT / "details", out / "details")
    args = {"model_name": "m", "test_dir": test_dir}
    (out / "eval_args.json").write_text(json.dumps(args), encoding="utf-8")
    frame = read(out / "details" / "game24.jsonl").frame
    assert frame["prompt_id"].to_list() == ["game24:0", "game24:2", "game24:1"]


@pytest.mark.parametrize(
    ("folder", "sheet", "test_set"),
    [
        ("Qwen_Qwen2.5-7B-Instruct_my_tests_20250601_120000", "Qwen_Qwen2.5-7B-Instruct_scores.xlsx",
         "my_tests"),
        ("Qwen_Qwen2.5-7B-Instruct_Intenbootcamp_eval_20250601_120000", None,
         "Intenbootcamp_eval"),
    ],
)  # fmt: skip
def test_without_eval_args_a_hub_model_gets_its_slash_back(
    tmp_path: Path, folder: str, sheet: str | None, test_set: str
) -> None:
    # run_eval.py names the output dir (and the score sheet) after model_name.replace('/', '_').
    # Was: the label 'Qwen_Qwen2.5-7B-Instruct' without eval_args.json and
    # 'Qwen/Qwen2.5-7B-Instruct' with it: one model, two runs.
    out = tmp_path / folder
    (out / "details").mkdir(parents=True)
    shutil.copy(GAME24, out / "details")
    if sheet is not None:
        (out / sheet).write_bytes(b"PK")
    result = read(out / "details" / "game24.jsonl")
    assert result.errors == []
    assert result.frame["run"].unique().to_list() == ["Qwen/Qwen2.5-7B-Instruct"]
    assert result.notes == [
        "game24.jsonl: no eval_args.json beside it: the model's name"
        " 'Qwen_Qwen2.5-7B-Instruct' of its output folder is read as 'Qwen/Qwen2.5-7B-Instruct'"
        " (run_eval.py writes a '/' of the name as '_' there)"
    ]
    args = {"model_name": "Qwen/Qwen2.5-7B-Instruct", "test_dir": f"data/{test_set}"}
    (out / "eval_args.json").write_text(json.dumps(args), encoding="utf-8")
    told = read(out / "details" / "game24.jsonl")
    assert told.notes == []
    assert (
        told.frame.select("run", "prompt_id").rows()
        == result.frame.select("run", "prompt_id").rows()
    )


def test_a_non_finite_score_is_the_bootcamps_own_and_unscored(tmp_path: Path) -> None:
    # verify_score returns float(judge) of whatever number a bootcamp's check gives, and
    # run_eval.py's json.dump writes NaN and Infinity as is: the line was an error saying
    # 'score nan is not a finite number (this format writes none)', its generation not shown.
    lines = GAME24.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    records[1]["score"] = float("nan")
    records[2]["score"] = float("inf")
    path = tmp_path / "game24.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    assert "NaN" in path.read_text(encoding="utf-8")  # as Python's json.dump writes it
    result = read(path)
    assert result.errors == []
    assert result.frame.select("line", "accuracy").rows() == [(1, 1.0), (2, None), (3, None)]
    assert result.frame["gen"].to_list() == [r["output"] for r in records]
    assert [n for n in result.notes if "NaN" in n] == [
        "game24.jsonl: 2 scores NaN or infinite (lines 2, 3): the bootcamp's check gave a"
        " non-finite number, which verify_score returns and run_eval.py writes as is: unscored"
    ]


def test_eval_args_saved_with_a_byte_order_mark_still_names_the_run(tmp_path: Path) -> None:
    # eval_args.json re-saved by a Windows editor starts with a UTF-8 byte order mark: it was
    # read as unreadable, the run labelled 'toy-model_test_dir' (the folder's guess) and the
    # prompt ids without the test dir, beside a copy without the mark labelled 'toy-model'.
    output = tmp_path / OUTPUT.name
    shutil.copytree(OUTPUT, output)
    args = output / "eval_args.json"
    args.write_bytes(b"\xef\xbb\xbf" + args.read_bytes().replace(b"\n", b"\r\n"))
    path = output / "details" / GAME24.name
    frame = READER.read(path, path.name, ReadOptions()).frame
    assert frame["run"].unique().to_list() == ["toy-model"]
    assert frame["prompt_id"][0].startswith("test_dir/game24:")


# InternBootcamp's evaluator (internbootcamp/utils/run_evaluation.py, BaseEvaluator): a line per
# dataset row, the whole conversation after it. The fixture's shape is from the source (see its
# README.md); the values below were read off the fixture's four lines by hand.
EVAL_RESULTS = (
    BOOTCAMP / "eval_outputs" / "Qwen-Qwen3-8B" / "eval_results_2025-11-03-10-21-07_482913.jsonl"
)


def test_evaluator_results_are_detected_as_their_own_format() -> None:
    # Was the plain reader's, every line 'no generation field' (the load failed: no generation).
    found = detect(EVAL_RESULTS)
    assert found.reader is not None and found.reader.name == "internbootcamp_eval", found.reason


def test_evaluator_results_prompt_response_score_and_model() -> None:
    reader = detect(EVAL_RESULTS).reader
    assert reader is not None
    result = reader.read(EVAL_RESULTS, EVAL_RESULTS.name, ReadOptions())
    frame = result.frame
    # Line 3 failed: the other three are rows, labelled by evaluation_config.model (the folder
    # spells it Qwen-Qwen3-8B).
    assert frame["line"].to_list() == [1, 2, 4]
    assert frame["run"].unique().to_list() == ["Qwen/Qwen3-8B"]
    # Lines 1 and 2 are one Game24 row sent twice: two samples of one prompt; the Sudoku row's
    # system prompt is a turn of its prompt.
    assert frame["prompt"].to_list() == [
        "Use 3 3 8 8 to make 24.",
        "Use 3 3 8 8 to make 24.",
        "system: Answer in [answer] tags.\n\nuser: Solve: 1 _ / _ 1",
    ]
    ids = frame["prompt_id"].to_list()
    assert ids[0] == ids[1] != ids[2]
    # The response is every message after the prompt: the thinking returned apart first; a tool
    # call, the tool's result and the final turn, each in its role.
    assert frame["gen"].to_list() == [
        "Try 8/(3-8/3): 8/3 is 2.67, 3-2.67=0.33, 8/0.33=24.\n8/(3-8/3) = 24\n\\boxed{8/(3-8/3)}",
        'assistant: tool call: calculator({"expression": "8/(3-8/3)"})\n\n'
        "tool: 24.000000000000004\n\n"
        "assistant: \\boxed{(8+8)*3/3}",
        "[answer]1 2 / 2 1[/answer]",
    ]
    assert frame["accuracy"].to_list() == [1.0, 0.0, 0.5]
    assert frame["extracted"].to_list() == ["8/(3-8/3)", "(8+8)*3/3", "1 2 / 2 1"]
    assert [json.loads(a) for a in frame["answer"]] == [
        {"puzzle": "3 3 8 8", "target": 24},
        {"puzzle": "3 3 8 8", "target": 24},
        {"grid": [[1, 2], [2, 1]]},
    ]
    # The failed row's score 0 is no verdict (the evaluator leaves it out of its average): an
    # error entry with the evaluator's error, not an empty generation scored 0.
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "the row failed (success false), no response to read: Connection error.")
    ]
    assert any("1 generation shown as reasoning_content" in n for n in result.notes)


def test_evaluator_results_load_as_one_run(tmp_path: Path) -> None:
    result = load([EVAL_RESULTS.parent.parent], LoadOptions(cache_dir=tmp_path / "cache"))
    generations = result.generations
    assert generations.height == 3
    assert generations["run"].unique().to_list() == ["Qwen/Qwen3-8B"]
    assert generations["prompt_id"].n_unique() == 2
    assert [e.line for e in result.errors] == [3]


def test_evaluator_runs_of_one_model_are_told_apart_by_their_files_time(tmp_path: Path) -> None:
    # BaseEvaluator.run_evaluation writes a new <model>/eval_results_<format_time_now():
    # %Y%m%d%H%M%S>_<random>.jsonl each time it runs (a resumed run appends to the file it
    # resumes). Was: two runs of one model on one dataset were one run, each prompt's replies
    # of both runs counted as its samples (Game24: 4, the pooled accuracy over both). Now two
    # runs told apart by their times; a third file of another dataset stays the model's run.
    folder = tmp_path / "outputs" / "Qwen-Qwen3-8B"
    folder.mkdir(parents=True)
    lines = EVAL_RESULTS.read_text(encoding="utf-8")
    (folder / "eval_results_20251103102107_482913.jsonl").write_text(lines, encoding="utf-8")
    (folder / "eval_results_20251104090000_111111.jsonl").write_text(lines, encoding="utf-8")
    other = [json.loads(line) for line in lines.splitlines()][:1]
    other[0]["input"]["prompt"] = [{"role": "user", "content": "Use 1 2 3 4 to make 24."}]
    other[0]["messages"][0] = other[0]["input"]["prompt"][0]
    (folder / "eval_results_20251105120000_222222.jsonl").write_text(
        json.dumps(other[0]) + "\n", encoding="utf-8"
    )
    result = load([tmp_path / "outputs"], LoadOptions(tokenize=False, use_cache=False))
    prompt = pl.col("prompt").str.slice(0, 23)
    counts = result.stats.select("run", prompt, "count").sort("run", "prompt").rows()
    assert counts == [
        ("Qwen/Qwen3-8B", "Use 1 2 3 4 to make 24.", 1),
        ("Qwen/Qwen3-8B @ 2025-11-03T10:21:07", "Use 3 3 8 8 to make 24.", 2),
        ("Qwen/Qwen3-8B @ 2025-11-03T10:21:07", "system: Answer in [answ", 1),
        ("Qwen/Qwen3-8B @ 2025-11-04T09:00:00", "Use 3 3 8 8 to make 24.", 2),
        ("Qwen/Qwen3-8B @ 2025-11-04T09:00:00", "system: Answer in [answ", 1),
    ]


def test_evaluator_run_identity_names_the_model_its_rows_give(tmp_path: Path) -> None:
    # The run's label is read from the first line's evaluation_config alone (its last key): a
    # reply quoting that key is a string, its quotes escaped, never taken for it.
    record = json.loads(EVAL_RESULTS.read_text(encoding="utf-8").splitlines()[0])
    record["messages"][-1]["content"] = 'say "evaluation_config": {"model": "fake"}'
    path = tmp_path / "m" / "eval_results_20251103102107_1.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    reader = InternBootcampEvalReader()
    identity = reader.run_identity(path, ReadOptions())
    assert identity is not None
    rows = reader.read(path, path.name, ReadOptions()).frame
    assert (identity.label, identity.started) == ("Qwen/Qwen3-8B", "2025-11-03T10:21:07")
    assert rows["run"].to_list() == [identity.label]


def test_an_export_of_two_test_dirs_reads_back_with_their_prompt_ids(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The test dir in a prompt id is eval_args.json's, beside the details file, not in the
    records: an export of the hard prompts read back lost it ('game24:1' for
    'test_dir/game24:1'), and two test dirs' game24.jsonl made one prompt of two, counted as
    two samples. The manifest's ``task`` now keeps it, and the export reads back as loaded."""
    from evaltui.cli import main

    for test in ("easy", "hard"):
        out = tmp_path / "evals" / f"m_{test}_20250101_000000"
        (out / "details").mkdir(parents=True)
        args = {"model_name": "m", "test_dir": f"examples/data/{test}/"}
        (out / "eval_args.json").write_text(json.dumps(args), encoding="utf-8")
        lines = [
            json.dumps(
                {
                    "id": i,
                    "prompt": f"{test} puzzle {i}",
                    "output_len": 1,
                    "score": float(i % 2),
                    "extracted_output": "x",
                    "ground_truth": {"puzzle": test},
                    "output": "x",
                }
            )
            for i in range(3)
        ]
        (out / "details" / "game24.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    export = tmp_path / "hard.jsonl"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    where = ["--where", "average_accuracy < 0.5", "--records"]
    assert main(["export", str(tmp_path / "evals"), *where, "-o", str(export), *common]) == 0
    manifest = json.loads(Path(f"{export}.evaltui.json").read_text(encoding="utf-8"))
    assert [s["task"] for s in manifest["evaltui"]["sources"]] == ["easy/game24", "hard/game24"]
    options = LoadOptions(tokenize=False, use_cache=False)
    original = load([tmp_path / "evals"], options).stats.filter(pl.col("average_accuracy") < 0.5)
    back = load([export], options).stats
    columns = ["run", "prompt_id", "prompt", "count", "average_accuracy"]
    assert sorted(back.select(columns).rows()) == sorted(original.select(columns).rows())
    assert sorted(back["prompt_id"].to_list()) == [
        "easy/game24:0",
        "easy/game24:2",
        "hard/game24:0",
        "hard/game24:2",
    ]


def test_a_partial_credit_score_is_a_mean_score_as_a_plain_files(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bootcamp's ``score`` is partial credit (Sudoku's 0.5 of the grid right): a mean score,
    named as a plain file's ``score`` is (metrics.SCORE_NAMES), not "accuracy (0–1, partial
    credit)" — the share of puzzles solved is what a person read there."""
    from evaltui.cli import main

    out = tmp_path / "s.json"
    args = ["--model", str(word_tokenizer), "--no-cache", "-o", str(out)]
    assert main(["summarize", str(EVAL_RESULTS.parent.parent), *args]) == 0
    err = capsys.readouterr().err
    assert "0–1 score 0–1, not an accuracy, correct ≥ 0.5" in err, err
    assert "accuracy (" not in err
    records = json.loads(out.read_text(encoding="utf-8"))
    assert {r["score_metric"] for r in records} == {"score"}
    assert sorted(r["average_accuracy"] for r in records) == [0.5, 0.5]
