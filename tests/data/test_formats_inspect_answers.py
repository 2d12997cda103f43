"""Inspect AI: which answers are the scorer's own. A scorer's ``answer`` is what it extracted
(match's number, choice's letters); "" says it looked and found none. A scorer that gives no
answer (a custom scorer, a model grader that found no grade, a log not scored at all) did not
look, and one that gives the whole output (match() of a text target, model_graded_qa's
submission) extracted nothing: their rows' answers are read from the text as for a format
without answers, where a short reply ("Yes") is its own answer. Logs are built from the real toy
log (ids 3, p0, p1; epochs 1 and 2; match answers 6 5 42 / 6 6 "").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from tests.data.test_formats_inspect_runs import LOG, load_dir, write_json

TASK = LOG["eval"]["task"]


def generations(path: Path) -> dict[tuple[str, int], tuple[str | None, bool]]:
    """(prompt id, sample) -> (extracted answer, has_answer)."""
    frame = load_dir(path).generations
    return {
        (p, s): (e, h)
        for p, s, e, h in frame.select("prompt_id", "sample", "extracted", "has_answer").rows()
    }


def copy() -> dict[str, Any]:
    return json.loads(json.dumps(LOG))


def test_a_log_not_scored_reads_short_replies_as_their_answers(tmp_path: Path) -> None:
    # The published repro_inspect_merge log of 15:17 (no scorer run): its 10 replies "Yes"/"No"
    # were each counted "no answer", as if a scorer had looked and found none.
    data = copy()
    for sample in data["samples"]:
        sample["scores"] = {}
    data["results"]["scores"] = []
    write_json(tmp_path / "x_AAA.json", data)
    got = generations(tmp_path)
    assert got[(f"{TASK}:p0", 1)] == ("6", True)  # "I think 6"
    assert got[(f"{TASK}:p1", 1)] == ("42", True)  # "答案：42", a short reply: stated
    assert got[(f"{TASK}:3", 0)] == ("6.0", True)  # "4x = 6.0"
    # "7 × 6 = 42" is five words: no short reply, and it states no answer (as in plain JSONL)
    assert [key for key, (_answer, has) in got.items() if not has] == [(f"{TASK}:p1", 0)]


def test_a_scorers_empty_answer_is_no_answer(tmp_path: Path) -> None:
    # match() found no number in "答案：42" (answer ""): that sample states no answer, and
    # none is read from its text (the last number, 42, was its answer: a re-score by exact
    # then called it right against the stored wrong).
    write_json(tmp_path / "x_AAA.json", LOG)
    got = generations(tmp_path)
    assert got[(f"{TASK}:p1", 1)] == (None, False)
    assert got[(f"{TASK}:p0", 1)] == ("6", True)  # match's own answer


def test_exact_re_scores_a_scorers_empty_answer_as_no_answer(tmp_path: Path) -> None:
    """rescore --scorer exact of the toy log flipped p1's second epoch (match found no number
    in "答案：42", stored I) to correct: the loader had read 42 from the text. Now it stays
    wrong, unflipped; math-verify, which reads the text itself, is still sent the output."""
    from evaltui.data.loader import LoadOptions
    from evaltui.data.rescore import (
        FOUND_NONE,
        OK,
        TEXT_ANSWER_IS_REFERENCE,
        RescoreOptions,
        from_answer_words,
        rescore,
        rescored_load,
    )

    write_json(tmp_path / "x_AAA.json", LOG)
    result = load_dir(tmp_path)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    scores = pl.concat(
        [result.generations.select("prompt_id", "sample"), rescored.scores], how="horizontal"
    )
    row = scores.filter((pl.col("prompt_id") == f"{TASK}:p1") & (pl.col("sample") == 1))
    # ... and its message says the reply's own answer (42) is the reference: --reextract
    # reads it (test_exact_reextract_reads_the_answer_the_scorer_found_none_in).
    assert row.select("new_accuracy", "score_status", "score_message").row(0) == (
        0.0,
        OK,
        f"{FOUND_NONE}; {TEXT_ANSWER_IS_REFERENCE}",
    )
    # Said once, in the re-score's "answers" line (the app's notice, rescore's summary).
    assert from_answer_words(rescored).startswith("1 generation scored as no answer")
    shown = rescored_load(result, rescored, LoadOptions(tokenize=False, use_cache=False))
    assert shown.stats["n_flipped"].sum() == 0  # was 1, "to correct"
    # The text a scorer reading the output is sent: the output the log's scorer read.
    texts = result.generations.filter(pl.col("scored_text").is_not_null())
    assert texts.select("prompt_id", "sample", "scored_text").rows() == [
        (f"{TASK}:p1", 1, "答案：42")
    ]


def test_exact_reextract_reads_the_answer_the_scorer_found_none_in(tmp_path: Path) -> None:
    """A user who wants the answer match() found none in ("答案：42") asks for it
    (``--reextract``; the R dialog's 'exact, answers read from the text'): read from the text, 42 is the
    reference. By default exact keeps the scorer's none (above); the other rows, whose answer
    the text gives as match() did, are scored alike either way."""
    from evaltui.data.rescore import READ_FROM_TEXT, RescoreOptions, from_answer_words, rescore

    write_json(tmp_path / "x_AAA.json", LOG)
    result = load_dir(tmp_path)
    keys = result.generations.select("prompt_id", "sample")
    default = rescore(result, RescoreOptions("exact", use_cache=False)).scores
    rescored = rescore(result, RescoreOptions("exact", use_cache=False, reextract=True))
    both = pl.concat([keys, rescored.scores], how="horizontal")
    p1 = (pl.col("prompt_id") == f"{TASK}:p1") & (pl.col("sample") == 1)
    assert both.filter(p1).select("new_accuracy", "score_message").row(0) == (
        1.0,
        READ_FROM_TEXT,
    )
    others = ~keys.select(p1).to_series()
    assert (
        rescored.scores.filter(others)["new_accuracy"].to_list()
        == default.filter(others)["new_accuracy"].to_list()
    )
    assert "1 generation scored on the answer read from the text" in from_answer_words(rescored)


def test_a_scorer_without_answers_beside_one_with_them(tmp_path: Path) -> None:
    # A custom scorer that gives a value and no answer, beside match: its rows read the text.
    data = copy()
    for sample in data["samples"]:
        sample["scores"]["judge"] = {"value": 1}
    data["results"]["scores"].append(
        {"name": "judge", "scorer": "judge", "params": {}, "metrics": {}}
    )
    write_json(tmp_path / "x_AAA.json", data)
    frame = load_dir(tmp_path).generations
    p1 = frame.filter((pl.col("prompt_id") == f"{TASK}:p1") & (pl.col("sample") == 1))
    assert dict(
        zip(p1["metric"], zip(p1["extracted"], p1["has_answer"], strict=True), strict=True)
    ) == {
        "match": (None, False),  # match looked and found none
        "judge": ("42", True),
    }


def test_an_answer_that_is_the_whole_output_is_no_extraction(tmp_path: Path) -> None:
    # match() of a text target keeps the whole stripped output as its answer; so does
    # model_graded_qa (the submission). It was shown, and voted, as the extracted answer.
    data = copy()
    long = "Let me think step by step. Two and three make five, so the answer is 5."
    for sample in data["samples"]:
        if sample["id"] == "p0" and sample["epoch"] == 1:
            sample["output"]["completion"] = long
            sample["output"]["choices"][0]["message"]["content"] = long
            sample["scores"]["match"]["answer"] = long
    write_json(tmp_path / "x_AAA.json", data)
    assert generations(tmp_path)[(f"{TASK}:p0", 0)] == ("5", True)


def test_a_log_of_one_unscored_sample(tmp_path: Path) -> None:
    # One row: the loader pads it to two for polars (see loader.read_file); the row's word
    # on short replies is padded alike.
    data = copy()
    data["samples"] = data["samples"][:1]
    data["samples"][0]["scores"] = {}
    data["samples"][0]["output"]["completion"] = "Yes"
    data["results"]["scores"] = []
    write_json(tmp_path / "x_AAA.json", data)
    assert list(generations(tmp_path).values()) == [("Yes", True)]


def test_samples_halted_by_a_limit_are_told_and_a_token_limit_is_the_length_cap(
    tmp_path: Path,
) -> None:
    # EvalSample.limit (Inspect >= 0.3.7x): the limit that halted the sample, which was scored
    # as it stood. Nothing said so, and a token limit was not the length cap (stop_reason
    # "stop" of its last generation).
    data = copy()
    data["samples"][0]["limit"] = {"type": "token", "limit": 1000}
    data["samples"][1]["limit"] = {"type": "message", "limit": 10}
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    frame = result.generations
    halted = frame.filter(pl.col("truncated").fill_null(False))
    first = data["samples"][0]
    assert halted.select("prompt_id", "sample").rows() == [
        (f"{TASK}:{first['id']}", first["epoch"] - 1)
    ]
    assert result.notes == [
        "x_AAA.json: 2 samples halted by a limit (token 1, message 1) and scored as they stood;"
        " a token or context limit counts as the length cap"
    ]


def test_an_errored_sample_scored_all_the_same_is_a_row(tmp_path: Path) -> None:
    # score_on_error=True: the sample errored, was scored (here I) and Inspect's accuracy counts
    # it. It was dropped as an error entry, so the run's accuracy left it out. One that errored
    # without a score stays an error entry.
    data = copy()
    data["eval"]["config"]["score_on_error"] = True
    data["samples"][4]["error"] = {"message": "RuntimeError('tool failed')", "traceback": ""}
    data["samples"][5]["error"] = {"message": "RuntimeError('no reply')", "traceback": ""}
    data["samples"][5]["scores"] = {}
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    assert result.generations.height == 5
    assert result.generations["accuracy"].to_list().count(0.0) == 1  # the errored sample's I
    assert [e.reason for e in result.errors] == [
        "sample p1 (epoch 2) errored: RuntimeError('no reply')"
    ]
    assert result.notes == [
        "x_AAA.json: 1 sample errored and was scored all the same (score_on_error): shown with"
        " those scores, which Inspect's metrics count"
    ]


def test_a_chat_input_of_one_user_message_is_its_text(tmp_path: Path) -> None:
    # A sample whose input is chat messages (a dataset of messages) showed 'user: …' for a lone
    # user message, where lm-eval, OpenCompass and plain files show its text alone (turns_text);
    # a system message before it keeps both roles.
    data = copy()
    data["samples"][0]["input"] = [{"role": "user", "content": "What is 2 + 3?", "source": "input"}]
    data["samples"][1]["input"] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "What is 2 + 3?"}]},
    ]
    frame = load_dir(write_json(tmp_path / "log.json", data)).generations
    prompts = dict(zip(frame["line"].to_list(), frame["prompt"].to_list(), strict=True))
    assert prompts[1] == "What is 2 + 3?"
    assert prompts[2] == "system: Be brief.\n\nuser: What is 2 + 3?"


def test_content_parts_are_one_a_line_and_media_parts_are_told(tmp_path: Path) -> None:
    # A multimodal sample: its user message is text, an image, text (ContentText,
    # ContentImage, ContentText), and the reply's content parts reasoning then two texts.
    # Inspect's ChatMessage.text joins the text parts one a line; the image holds no text.
    # Before: 'Look at this:What is it?' (the parts glued) and nothing said of the image.
    data = copy()
    first = data["samples"][0]
    first["input"] = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look at this:"},
                {"type": "image", "image": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"},
                {"type": "text", "text": "What is it?"},
            ],
        }
    ]
    output = first["output"]
    output["completion"] = ""  # the text is read from the message's content parts
    output["choices"][0]["message"]["content"] = [
        {"type": "reasoning", "reasoning": "It is round.", "redacted": False},
        {"type": "text", "text": "A ball."},
        {"type": "text", "text": "Answer: ball"},
    ]
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    assert result.errors == []
    row = result.generations.filter(pl.col("prompt").str.starts_with("Look")).row(0, named=True)
    assert row["prompt"] == "Look at this:\nWhat is it?"
    # The reply's reasoning, then its text parts one a line (the completion its scorer read).
    assert row["gen"] == "It is round.\nA ball.\nAnswer: ball"
    assert row["scored_text"] == "A ball.\nAnswer: ball"
    assert any(
        "x_AAA.json: 1 sample's input holds 1 image, not shown: the prompt is the input's text"
        " alone" in note
        for note in result.notes
    ), result.notes


def test_samples_invalidated_after_the_run_are_told(tmp_path: Path) -> None:
    # inspect_ai.log.invalidate_samples(log, [uuid], ProvenanceData(author, reason)) marks a
    # sample (EvalSample.invalidation) and the log (invalidated: true); the sample stays in the
    # log and in its results, and an eval set runs it again. Before: read as any other sample,
    # nothing said. The .json log and the .eval archive alike.
    from tests.data.test_formats_inspect_runs import write_eval

    data = copy()
    data["invalidated"] = True
    for sample in data["samples"][:2]:
        sample["invalidation"] = {
            "timestamp": "2026-12-05T10:13:51.302773Z",
            "author": "alice",
            "reason": "answer leaked in the prompt",
            "metadata": {},
        }
    write_json(tmp_path / "j" / "x_AAA.json", data)
    write_eval(tmp_path / "e" / "x_BBB.eval", data)
    for folder, name in (("j", "x_AAA.json"), ("e", "x_BBB.eval")):
        result = load_dir(tmp_path / folder)
        assert result.errors == []
        assert result.generations.height == len(data["samples"])  # shown, scores and all
        assert any(
            f"{name}: 2 samples invalidated after the run (alice: answer leaked in the prompt):"
            " shown with the scores logged" in note
            for note in result.notes
        ), result.notes


def test_a_content_part_of_null_text_is_no_text(tmp_path: Path) -> None:
    # A text part whose text is null (hand-edited or converted logs: Inspect writes a string)
    # adds nothing to the prompt. Before: the sample was an error 'x_AAA.json:1: unexpected
    # record shape (TypeError: sequence item 0: expected str instance, NoneType found)'.
    data = copy()
    data["samples"][0]["input"] = [
        {
            "role": "user",
            "content": [{"type": "text", "text": None}, {"type": "text", "text": "Why?"}],
        }
    ]
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    assert result.errors == []
    assert "Why?" in result.generations["prompt"].to_list()
