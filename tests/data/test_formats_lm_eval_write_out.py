"""lm-evaluation-harness 0.3 ``--write_out`` files (``<task>_write_out_info.json``), built as the
0.3 harness's ``evaluate(write_out=True)`` writes them: one pretty-printed JSON array per task
(``json.dump(..., indent=4, ensure_ascii=False)``), a record per doc holding ``doc_id``, each
request's ``prompt_<i>`` ("".join of each request argument joined: context + continuation, or
context + the stop sequences) and ``logit_<i>`` (a generation's text; a log-likelihood's value,
or its is-greedy flag where the task asks for it), ``truth`` (the gold index of a
MultipleChoiceTask, else doc_to_target) and every metric as ``str(value)``. Before, such a file
was 'no reader recognises this file'.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.loader import LoadOptions, load


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=4, ensure_ascii=False), encoding="utf-8")
    return path


GSM8K = [  # greedy_until(ctx, ["\n\n", "Question:"]): the prompt ends "\n\nQuestion:"
    {
        "doc_id": 0,
        "prompt_0": "Question: 2+3?\nAnswer:\n\nQuestion:",
        "logit_0": " 5",
        "truth": " 5",
        "acc": "True",
    },
    {
        "doc_id": 1,
        "prompt_0": "Question: 7×6?\nAnswer:\n\nQuestion:",
        "logit_0": " 41",
        "truth": " 42",
        "acc": "False",
    },
]
# A MultipleChoiceTask: loglikelihood(ctx, " " + choice) per choice, truth the gold index.
# Doc 0: ' 1990' -1.0 (5 characters: -0.2 each), ' 19901' -1.1 (6: -0.18): acc picks ' 1990'
# (gold 1: wrong), acc_norm ' 19901' (right).
ARC = [
    {
        "doc_id": 0,
        "prompt_0": "Q: year?\nA: 1990",
        "prompt_1": "Q: year?\nA: 19901",
        "logit_0": -1.0,
        "logit_1": -1.1,
        "truth": 1,
        "acc": "0.0",
        "acc_norm": "1.0",
    }
]
# lambada: ll, is_greedy = rf.loglikelihood(ctx, " " + word): two requests, one prompt.
LAMBADA = [
    {
        "doc_id": 0,
        "prompt_0": "The cat sat on the mat",
        "prompt_1": "The cat sat on the mat",
        "logit_0": -1.5,
        "logit_1": True,
        "truth": " mat",
        "ppl": "-1.5",
        "acc": "True",
    },
    {
        "doc_id": 1,
        "prompt_0": "A dog ran home",
        "prompt_1": "A dog ran home",
        "logit_0": -4.5,
        "logit_1": False,
        "truth": " home",
        "ppl": "-4.5",
        "acc": "False",
    },
]
# wikitext: loglikelihood_rolling(text); its metrics (log-likelihood, weight) pairs, no score.
WIKITEXT = [
    {
        "doc_id": 0,
        "prompt_0": "Some text.",
        "logit_0": -30.5,
        "truth": "Some text.",
        "word_perplexity": "(-30.5, 2)",
    }
]


def test_write_out_files_are_read_as_the_harness_wrote_them(tmp_path: Path) -> None:
    folder = tmp_path / "gpt2-run"
    for task, records in (
        ("gsm8k", GSM8K),
        ("arc", ARC),
        ("lambada", LAMBADA),
        ("wikitext", WIKITEXT),
    ):
        path = write(folder / f"{task}_write_out_info.json", records)
        assert detect(path).reader is not None
        assert detect(path).reader.name == "lm_eval_write_out"  # type: ignore[union-attr]
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert set(gens["run"].to_list()) == {"gpt2-run"}
    assert gens.select("prompt_id", "prompt", "gen", "answer", "accuracy", "metric").rows() == [
        ("arc:0", "Q: year?\nA:", " 1990", " 19901", 0.0, "acc"),
        ("gsm8k:0", "Question: 2+3?\nAnswer:\n\nQuestion:", " 5", " 5", 1.0, "acc"),
        ("gsm8k:1", "Question: 7×6?\nAnswer:\n\nQuestion:", " 41", " 42", 0.0, "acc"),
        ("lambada:0", "The cat sat on the", " mat", " mat", 1.0, "acc"),
        ("lambada:1", "A dog ran", " home", " home", 0.0, "acc"),
        ("wikitext:0", "Some text.", "-30.5", None, None, None),
    ]
    unknown = dict(zip(gens["prompt_id"], gens["answer_unknown"], strict=True))
    assert unknown["lambada:0"] is None  # greedy decoding gives ' mat': the model's answer
    assert unknown["lambada:1"] is not None and "greedy decoding does not" in unknown["lambada:1"]
    assert unknown["wikitext:0"] is not None and "log-likelihood" in unknown["wikitext:0"]
    notes = " ".join(result.notes)
    assert "0.3 --write_out file: it names no model (the run is its folder's, 'gpt2-run')" in notes
    assert "a generation's prompt ends with the task's stop sequences" in notes


def test_metric_chooses_the_choice_of_a_write_out_file(tmp_path: Path) -> None:
    path = write(tmp_path / "m" / "arc_write_out_info.json", ARC)
    read = ReadOptions(metric="acc_norm")
    result = load([path], LoadOptions(tokenize=False, use_cache=False, read=read))
    assert result.generations.select("gen", "answer", "accuracy", "metric").rows() == [
        (" 19901", " 19901", 1.0, "acc_norm")
    ]
    assert not any("changed nothing" in note for note in result.notes)


def test_a_bad_write_out_record_is_told_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "m" / "gsm8k_write_out_info.json", [*GSM8K, {"doc_id": 2}])
    result = load([path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations.height == 2
    [error] = result.errors
    # the third record starts on line 16 of the indent=4 array (two records of 7 lines after "[")
    assert error.line == 16
    assert "record 3: not an lm-eval --write_out record" in error.reason


def test_acc_norm_counts_the_choice_without_its_leading_space(tmp_path: Path) -> None:
    # MultipleChoiceTask asks loglikelihood(ctx, " {}".format(choice)) and acc_norm divides by
    # len(choice): ' a' is 1 character, ' bb' 2. -1.0/1 = -1.0 < -1.9/2 = -0.95: acc_norm picks
    # ' bb' (gold 1, acc_norm "1.0"). Before, the space was counted (-0.5 > -0.63): ' a' was
    # shown, against the score the file holds.
    records = [
        {
            "doc_id": 0,
            "prompt_0": "Q: pick\nA: a",
            "prompt_1": "Q: pick\nA: bb",
            "logit_0": -1.0,
            "logit_1": -1.9,
            "truth": 1,
            "acc": "0.0",
            "acc_norm": "1.0",
        }
    ]
    path = write(tmp_path / "m" / "arc_write_out_info.json", records)
    read = ReadOptions(metric="acc_norm")
    result = load([path], LoadOptions(tokenize=False, use_cache=False, read=read))
    assert result.generations.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("Q: pick\nA:", " bb", " bb", 1.0)
    ]
    # The context is the prompts' common beginning to its last space: a guess, and said so.
    assert any(
        "1 doc of multiple choice: the harness wrote each prompt as its context and choice"
        " joined" in note
        for note in result.notes
    )


def test_a_text_truth_ending_a_prompt_cuts_the_context_there(tmp_path: Path) -> None:
    # A task that is no MultipleChoiceTask writes doc_to_target as truth, the gold
    # continuation: ' the dog' ends prompt_1, and the rest begins both prompts, so that is the
    # context. Before, the common beginning to its last space took ' the' into the prompt and
    # showed ' cat' / ' dog'.
    records = [
        {
            "doc_id": 0,
            "prompt_0": "Which barks? the cat",
            "prompt_1": "Which barks? the dog",
            "logit_0": -3.0,
            "logit_1": -1.0,
            "truth": " the dog",
            "acc": "1.0",
        }
    ]
    path = write(tmp_path / "m" / "pets_write_out_info.json", records)
    result = load([path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("Which barks?", " the dog", " the dog", 1.0)
    ]
    assert not any("common beginning" in note for note in result.notes)
