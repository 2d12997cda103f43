"""JSON lines whose records are longer than detection's 64 KB head (a long prompt, a 100 KB
reasoning trace per line) are recognised by their keys wherever they fall in the line.

Detection used to judge such a file by the first 4 KB of its first line: an RL rollout dump whose
records start with a 6 KB few-shot prompt (``"gen"`` after the first 4 KB) was skipped ("no reader
recognises this file"), and so was one whose long first record follows a header line, blank lines
or a line cut short.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from evaltui.data import formats
from evaltui.data.formats import FIRST_LINES_BYTES, MORE_LINES, ReadOptions, detect, detection_head
from evaltui.data.formats.base import HEAD_BYTES
from evaltui.data.loader import LoadOptions, load

PROMPT = "Q: what is 2+2? A: 4.\n" * 280  # a 6 KB few-shot prompt
TRACE = "Let me think step by step. " * 3800  # a 100 KB reasoning trace


def rollout(i: int) -> str:
    return json.dumps(
        {
            "prompt": f"{PROMPT}Q: what is {i}+1?",
            "gen": f"{TRACE}\\boxed{{{i + 1}}}",
            "answer": str(i + 1),
            "accuracy": 1.0,
        }
    )


def write(path: Path, lines: list[str], start: bytes = b"") -> Path:
    path.write_bytes(start + "\n".join(lines).encode() + b"\n")
    return path


def test_a_rollout_dump_with_a_long_prompt_first_is_plain(tmp_path: Path) -> None:
    path = write(tmp_path / "rollouts.jsonl", [rollout(i) for i in range(3)])
    assert len(PROMPT) > 4096 and len(rollout(0)) > HEAD_BYTES
    found = detect(path)
    assert found.reader is not None and found.reader.name == "plain", found.reason
    result = load([path], LoadOptions(cache_dir=tmp_path / "cache"))
    assert result.errors == []
    assert result.generations.height == 3


@pytest.mark.parametrize(
    ("start", "before"),
    [
        (b"\xef\xbb\xbf", []),  # a UTF-8 byte-order mark (Windows editors)
        (b"", ["", "  ", ""]),  # blank lines before the first record
        (b"", ['{"run": "grpo-step-50", "n": 3}']),  # a header line, then long records
    ],
    ids=["bom", "blank-lines", "header-line"],
)
def test_long_records_after_a_bom_blank_lines_or_a_header_are_plain(
    tmp_path: Path, start: bytes, before: list[str]
) -> None:
    path = write(tmp_path / "rollouts.jsonl", [*before, *(rollout(i) for i in range(3))], start)
    found = detect(path)
    assert found.reader is not None and found.reader.name == "plain", found.reason


def test_a_first_line_cut_short_is_a_bad_line_and_the_rest_is_read(tmp_path: Path) -> None:
    """A malformed first line must not make a good file unreadable: it is counted (file:line)."""
    cut = rollout(9)[:5000]
    path = write(tmp_path / "rollouts.jsonl", [cut, *(rollout(i) for i in range(3))])
    found = detect(path)
    assert found.reader is not None and found.reader.name == "plain", found.reason
    result = load([path], LoadOptions(cache_dir=tmp_path / "cache"))
    assert result.generations.height == 3
    assert [(error.source, error.line) for error in result.errors] == [("rollouts.jsonl", 1)]


def test_detection_reads_no_further_than_it_needs(tmp_path: Path) -> None:
    """Short lines: the head only. Long lines: up to the second whole record, and never past
    the bound (a 1 GB one-line file is not read whole to detect it)."""
    short = write(
        tmp_path / "short.jsonl", [json.dumps({"prompt": "p", "gen": str(i)}) for i in range(9000)]
    )
    assert len(detection_head(short)) == HEAD_BYTES
    long = write(tmp_path / "long.jsonl", [rollout(i) for i in range(5)])
    assert len(detection_head(long)) == 2 * (len(rollout(0)) + 1)
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.write(b'{"prompt": "' + b"x" * (FIRST_LINES_BYTES + HEAD_BYTES) + b'"}\n')
    assert len(detection_head(huge)) == HEAD_BYTES + FIRST_LINES_BYTES


LONG = "a long field. " * 7500  # ≥ 100 KB


def lm_eval_line(i: int) -> dict[str, object]:
    """lm-eval ≥0.4.3 ``samples_<task>_<date>.jsonl``: the doc (a long context) first."""
    return {
        "doc_id": i,
        "doc": {"context": LONG, "question": f"q{i}", "answer": str(i)},
        "target": str(i),
        "arguments": {"gen_args_0": {"arg_0": f"{LONG}q{i}", "arg_1": {"until": ["\n\n"]}}},
        "resps": [[f"{LONG} so {i}"]],
        "filtered_resps": [str(i)],
        "filter": "none",
        "metrics": ["exact_match"],
        "doc_hash": "0" * 64,
        "prompt_hash": "1" * 64,
        "target_hash": "2" * 64,
        "exact_match": 1.0,
    }


def qwen_math_line(i: int) -> dict[str, object]:
    """Qwen2.5-Math ``math_eval.py``: idx, a long question, gt, then the generations."""
    return {
        "idx": i,
        "question": f"{LONG}q{i}",
        "gt_cot": "None",
        "gt": str(i),
        "answer": str(i),
        "code": [f"{LONG}\\boxed{{{i}}}"],
        "pred": [str(i)],
        "report": [None],
        "score": [True],
    }


def aisbench_line(i: int) -> dict[str, object]:
    """AISBench predictions: a long rendered prompt, and a long prediction (reasoning + reply)."""
    return {
        "data_abbr": "toy_gsm8k",
        "id": i,
        "success": True,
        "uuid": f"{i:032x}",
        "origin_prompt": f"{LONG}Question {i}",
        "prediction": f"{LONG}Answer: {i}",
        "gold": str(i),
    }


def internbootcamp_line(i: int) -> dict[str, object]:
    """InternBootcamp run_eval.py details: a long prompt (ARC grids) and a long output."""
    return {
        "id": i,
        "prompt": f"{LONG}puzzle {i}",
        "output_len": 9,
        "score": 1.0,
        "extracted_output": str(i),
        "ground_truth": {"puzzle": str(i), "target": i},
        "output": f"<think>{LONG}</think>\\boxed{{{i}}}",
    }


def internbootcamp_eval_line(i: int) -> dict[str, object]:
    """InternBootcamp's evaluator (run_evaluation.py): the row (a long prompt) first, then the
    conversation with a long reasoning trace, kept again as text in response_context."""
    row = {
        "data_source": "ARC",
        "prompt": [{"role": "user", "content": f"{LONG}puzzle {i}"}],
        "reward_model": {"ground_truth": {"target": i}},
    }
    reply = {"role": "assistant", "content": f"\\boxed{{{i}}}", "reasoning_content": LONG}
    return {
        "input": row,
        "tools": [],
        "messages": [*row["prompt"], reply],
        "extracted_output": str(i),
        "ground_truth": {"target": i},
        "score": 1.0,
        "reached_max_turns": False,
        "turn_record": {"interaction_turn_0": {"assistant_turns": 1, "tool_calls_executed": 0}},
        "success": True,
        "response_context": f"Assistant:\n<think>\n{LONG}\n</think>\n\n\\boxed{{{i}}}\n",
        "evaluation_config": {"model": "Qwen/Qwen3-8B"},
    }


@pytest.mark.parametrize(
    ("name", "relative", "make"),
    [
        ("lm_eval", "m/samples_toy_2026-11-23T19-49-48.073567.jsonl", lm_eval_line),
        ("qwen_math", "aime24/test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1.jsonl", qwen_math_line),
        ("aisbench", "predictions/toy-api/toy_gsm8k.jsonl", aisbench_line),
        ("internbootcamp", "details/game24.jsonl", internbootcamp_line),
        (
            "internbootcamp_eval",
            "Qwen-Qwen3-8B/eval_results_2025-11-03-10-21-07_482913.jsonl",
            internbootcamp_eval_line,
        ),
    ],
    ids=["lm_eval", "qwen_math", "aisbench", "internbootcamp", "internbootcamp_eval"],
)
def test_each_tools_long_records_are_detected_and_read(
    tmp_path: Path, name: str, relative: str, make: Callable[[int], dict[str, object]]
) -> None:
    """Each line-based tool's record as FORMATS.md describes it, its long fields ≥ 100 KB where
    the tool writes them (a copied details file: no folder layout to go by)."""
    path = tmp_path / relative
    path.parent.mkdir(parents=True)
    write(path, [json.dumps(make(i), ensure_ascii=False) for i in range(3)])
    found = detect(path)
    assert found.reader is not None and found.reader.name == name, found.reason
    result = found.reader.read(path, relative, ReadOptions())
    assert result.errors == []
    assert result.frame.height == 3


def test_a_one_line_file_without_a_final_newline_is_read_whole(tmp_path: Path) -> None:
    """Its one line ends where the file ends: whole, though longer than the head."""
    path = tmp_path / "one.jsonl"
    path.write_text(rollout(0), encoding="utf-8")
    found = detect(path)
    assert found.reader is not None and found.reader.name == "plain", found.reason


def test_many_short_bad_lines_after_a_long_one_stay_within_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    """Readers judge a file by its first lines: a long bad line followed by two million short
    bad ones is read no further than a few dozen lines."""
    cut = rollout(0)[:-1].encode()
    path.write_bytes(cut + b"\n" + b"oops\n" * 2_000_000)
    head = detection_head(path)
    assert len(cut) < len(head) <= len(cut) + 1 + 5 * MORE_LINES
    assert detect(path).reader is None


@pytest.mark.parametrize(
    ("name", "relative", "make"),
    [
        ("plain", "rollouts.jsonl", lambda i: json.loads(rollout(i))),
        (
            "qwen_math",
            "aime24/test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1.jsonl",
            lambda i: {**qwen_math_line(i), "question": f"{PROMPT}{i}"},  # 6 KB, then gt
        ),
    ],
    ids=["plain", "qwen_math"],
)
def test_a_first_line_past_the_bound_is_judged_by_its_keys_wherever_they_fall(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    relative: str,
    make: Callable[[int], dict[str, object]],
) -> None:
    """Past what detection reads whole, the key names are looked for in all it read, not in the
    first 4 KB (a 6 KB prompt came before "gen", a 100 KB question before "gt")."""
    monkeypatch.setattr(formats, "FIRST_LINES_BYTES", 1024)
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path, [json.dumps(make(i), ensure_ascii=False) for i in range(3)])
    assert len(detection_head(path)) == HEAD_BYTES + 1024
    found = detect(path)
    assert found.reader is not None and found.reader.name == name, found.reason


def huge_record(size: int) -> str:
    """A record whose prompt of ``size`` bytes comes before its other keys (a long context, an
    image inlined as base64): the keys read of it say nothing."""
    return json.dumps({"prompt": "x" * size, "gen": "\\boxed{1}", "answer": "1", "accuracy": 1})


def test_a_first_line_longer_than_detection_reads_is_judged_by_the_lines_after_it(
    tmp_path: Path,
) -> None:
    """A first record longer than all detection reads (8 MB) was skipped ("its first line is
    longer than … detection reads": only --format plain read it), though every line after it is
    an ordinary record: the line is skipped in chunks, never held whole, and the file is judged
    by the lines after it. The long record is read with the others."""
    path = write(tmp_path / "long.jsonl", [huge_record(HEAD_BYTES + FIRST_LINES_BYTES), rollout(1)])
    found = detect(path)
    assert found.reader is not None and found.reader.name == "plain", found.reason
    options = LoadOptions(cache_dir=tmp_path / "cache", tokenize=False)
    result = load([path], options)
    assert result.errors == []
    assert result.generations.height == 2


def test_a_first_line_past_every_bound_or_alone_says_so_and_how_to_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What still cannot be detected says why, and how to read it anyway: a file that is one
    long line, and one whose first line does not end within the bound detection looks that far
    for its end (a 2 GB one-line file is not scanned to its end)."""
    monkeypatch.setattr(formats, "FIRST_LINES_BYTES", 1024)
    monkeypatch.setattr(formats, "SKIP_CHUNK", 4096)
    monkeypatch.setattr(formats, "SKIP_LINE_BYTES", 64 * 1024)
    reason = (
        "no reader recognises this file (its first line is longer than the 0 MB detection"
        " reads of it: name its reader with --format, e.g. --format plain, or its fields with"
        " --prompt-field, --gen-field, --answer-field, --score-field)"
    )
    alone = write(tmp_path / "alone.jsonl", [huge_record(HEAD_BYTES + 1024)])
    past = write(tmp_path / "past.jsonl", [huge_record(HEAD_BYTES + 1024 + 65 * 1024), rollout(1)])
    within = write(
        tmp_path / "within.jsonl", [huge_record(HEAD_BYTES + 1024 + 60 * 1024), rollout(1)]
    )
    for path in (alone, past):
        found = detect(path)
        assert (found.reader, found.reason) == (None, reason)
        assert detect(path, forced="plain").reader is not None
    found = detect(within)
    assert found.reader is not None and found.reader.name == "plain", found.reason
