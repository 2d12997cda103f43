"""FastChat ``llm_judge`` (MT-Bench layout): answers read with their questions and judgments.

The fixture (``tests/fixtures/formats/fastchat/``, see its README.md) has the layout and line
shapes of FastChat's ``data/<bench>/``; the expected values were read off its files by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.loader import LoadOptions, load

BENCH = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "fastchat" / "mt_bench"
ANSWERS = BENCH / "model_answer" / "vicuna-7b-v1.5.jsonl"


def test_answers_are_detected_and_the_other_files_are_companions() -> None:
    # The answers were 'no reader recognises this file (its first record's keys: question_id,
    # answer_id, model_id, choices, tstamp ...)', and so was every file beside them.
    found = detect(ANSWERS)
    assert found.reader is not None and found.reader.name == "fastchat_llm_judge", found.reason
    for companion in (
        BENCH / "question.jsonl",
        BENCH / "model_judgment" / "gpt-4_single.jsonl",
        BENCH / "model_judgment" / "gpt-4_pair.jsonl",
        BENCH / "reference_answer" / "gpt-4.jsonl",  # GPT-4's answers, the judge's references
    ):
        assert detect(companion).companion, companion


def test_each_turn_is_a_prompt_scored_by_the_judges_rating() -> None:
    reader = detect(ANSWERS).reader
    assert reader is not None
    result = reader.read(ANSWERS, ANSWERS.name, ReadOptions())
    frame = result.frame
    assert result.errors == []
    assert frame["prompt_id"].to_list() == [
        "mt_bench:81:t1",
        "mt_bench:81:t2",
        "mt_bench:111:t1",
        "mt_bench:111:t2",
    ]
    # Each turn's own user message (from question.jsonl), the answer to it, its reference.
    assert frame["prompt"].to_list() == [
        "Compose a travel blog post about Hawaii.",
        "Rewrite your previous response. Start every sentence with the letter A.",
        "The vertices of a triangle are at (0, 0), (-1, 1), and (3, 3). What is its area?",
        "What's the area of the circle circumscribing the triangle?",
    ]
    assert frame["gen"].to_list() == [
        "Aloha! Hawaii is ...",
        "A trip to Hawaii ...",
        "The area is 3.",
        "The area is 5*pi.",
    ]
    assert frame["answer"].to_list() == [None, None, "Area is 3", "5pi"]
    # gpt-4_single.jsonl rates 81 t1 8, 111 t1 10, 111 t2 9; 81 t2 is -1 (no [[rating]] in the
    # judge's reply): unscored. llama-2-7b-chat's line is another model's.
    assert frame["accuracy"].to_list() == [8.0, None, 10.0, 9.0]
    assert set(frame["metric"].to_list()) == {"judge_score"}
    assert frame["run"].unique().to_list() == ["vicuna-7b-v1.5"]
    assert any("1 answer rated -1" in note for note in result.notes)


def test_without_the_questions_the_file_is_one_error(tmp_path: Path) -> None:
    answers = tmp_path / "bench" / "model_answer" / ANSWERS.name
    answers.parent.mkdir(parents=True)
    answers.write_bytes(ANSWERS.read_bytes())
    reader = detect(answers).reader
    assert reader is not None
    result = reader.read(answers, answers.name, ReadOptions())
    assert result.frame.height == 0
    assert [e.reason for e in result.errors] == [
        "no question.jsonl in bench/ (two folders up): the answers' questions are not known"
    ]


@pytest.mark.parametrize("judged", [True, False])
def test_the_bench_folder_loads_as_one_run(tmp_path: Path, judged: bool) -> None:
    bench = tmp_path / "mt_bench"
    for path in BENCH.rglob("*.jsonl"):
        if judged or path.parent.name != "model_judgment":
            target = bench / path.relative_to(BENCH)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    result = load([bench], LoadOptions(cache_dir=tmp_path / "cache"))
    generations = result.generations
    assert generations["run"].unique().to_list() == ["vicuna-7b-v1.5"]
    assert generations.height == 4
    assert generations["accuracy"].drop_nulls().to_list() == ([8.0, 10.0, 9.0] if judged else [])


def test_turns_written_as_content_objects_are_their_text(tmp_path: Path) -> None:
    """arena-hard-auto keeps FastChat's layout but writes each turn as {"content": …} (an
    answer's with its token_len): the text, not the object's JSON."""
    bench = tmp_path / "arena-hard-v0.1"
    (bench / "model_answer").mkdir(parents=True)
    (bench / "question.jsonl").write_text(
        '{"question_id": "328c149ed45a41c0", "category": "arena-hard-v0.1",'
        ' "cluster": "Coding", "turns": [{"content": "Write a quicksort in Rust."}]}\n',
        encoding="utf-8",
    )
    answers = bench / "model_answer" / "gpt-4o.jsonl"
    answers.write_text(
        '{"question_id": "328c149ed45a41c0", "answer_id": "x1", "model_id": "gpt-4o",'
        ' "choices": [{"index": 0, "turns": [{"content": "fn quicksort() {}", "token_len": 6}]}],'
        ' "tstamp": 1718000000.0}\n',
        encoding="utf-8",
    )
    reader = detect(answers).reader
    assert reader is not None and reader.name == "fastchat_llm_judge"
    result = reader.read(answers, answers.name, ReadOptions())
    assert result.frame["prompt"].to_list() == ["Write a quicksort in Rust."]
    assert result.frame["gen"].to_list() == ["fn quicksort() {}"]
    assert result.frame["accuracy"].to_list() == [None]  # its judgments are pairwise


def test_a_records_export_reads_back_without_the_folder(tmp_path: Path) -> None:
    """An answer line lacks its question and its judgments: exported as it was, it read back as
    'no question.jsonl in …: the answers' questions are not known' (no generation). The export
    adds them to each record."""
    from evaltui.cli import main

    bench = tmp_path / "mt_bench"
    for path in BENCH.rglob("*.jsonl"):
        target = bench / path.relative_to(BENCH)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    out = tmp_path / "out" / "answers.jsonl"
    assert main(["export", "--no-cache", "--records", "-q", "-o", str(out), str(bench)]) == 0
    result = load([out], LoadOptions(cache_dir=tmp_path / "cache"))
    generations = result.generations.sort("prompt_id")
    assert result.errors == []
    assert generations["run"].unique().to_list() == ["vicuna-7b-v1.5"]
    assert generations["prompt_id"].to_list() == [
        "mt_bench:111:t1",
        "mt_bench:111:t2",
        "mt_bench:81:t1",
        "mt_bench:81:t2",
    ]
    assert generations["prompt"][0].startswith("The vertices of a triangle")
    assert generations["accuracy"].to_list() == [10.0, 9.0, 8.0, None]
