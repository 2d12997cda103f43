"""References that are lists of acceptable answers (aliases): lm-eval writes ``str(list)`` for a
list target (TriviaQA, NQ-Open), Inspect a ``list[str]`` target. Generated files only.

Each is shown as its aliases (``Paris | paris, france``), and an answer matching any alias is the
reference for the grader-mismatch flag and for ``rescore --scorer exact``. A real answer that only
looks like a list (``[1, 2]``, an interval) stays the one answer it is.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.formats.base import ReadOptions, reference_aliases
from evaltui.data.formats.lm_eval import LmEvalReader
from evaltui.data.loader import LoadOptions, load
from evaltui.data.rescore import RescoreOptions, rescore
from evaltui.data.triage import Thresholds, prompt_flag_table

DATE = "2026-11-23T19-49-48.073567"


@pytest.mark.parametrize(
    ("value", "aliases"),
    [
        ("['Paris', 'paris, france']", ["Paris", "paris, france"]),
        ('["Paris"]', ["Paris"]),
        ("['1', '2']", ["1", "2"]),  # lm-eval's str() of a list of strings: two aliases
        # As literal_eval reads them (escapes, repr's double quotes, implicit concatenation):
        ("[\"it's\", 'x']", ["it's", "x"]),
        ("['a\\\\n', 'b\\'c']", ["a\\n", "b'c"]),
        ("['it''s','x',]", ["its", "x"]),
        ("['', 'a']", ["", "a"]),
        (["a", "b", "a"], ["a", "b"]),  # a real list (Inspect, lm-eval <= 0.4.2 arrays)
        (["x", 3], ["x", "3"]),
        # Not aliases: one answer that looks like a list, or not a plain list at all.
        ("[1, 2]", None),  # numbers only: a math interval or a list-valued answer
        ([1, 2], None),
        ("[0, 1)", None),
        ("[[1, 2], [3, 4]]", None),  # a matrix
        ("['a', ['b']]", None),
        ("\\left[1, 2\\right]", None),
        ("[__import__('os').getcwd()]", None),  # never evaluated: literal_eval refuses it
        ("['a'] + ['b']", None),
        ("[]", None),
        ("Paris", None),
        ([True, False], None),
        (5, None),
    ],
)
def test_reference_aliases_rule(value: Any, aliases: list[str] | None) -> None:
    assert reference_aliases(value) == aliases


def _record(doc_id: int, target: Any, filtered: str, score: float) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "doc": {"question": f"q{doc_id}"},
        "target": target,
        "arguments": {"gen_args_0": {"arg_0": f"Question: q{doc_id}\nAnswer:", "arg_1": {}}},
        "resps": [[f" The answer is {filtered}."]],
        "filtered_resps": [filtered],
        "filter": "none",
        "metrics": ["exact_match"],
        "exact_match": score,
    }


def _write(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"samples_toy_qa_{DATE}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


RECORDS = [
    # The model said an alias, the (quirky) grader said wrong: a grader mismatch.
    _record(0, "['Paris', 'paris, france']", "paris, france", 0.0),
    # A list-looking answer of numbers is one answer: "[1, 2]" matches it, "1" does not.
    _record(1, "[1, 2]", "[1, 2]", 1.0),
    _record(2, "[1, 2]", "1", 0.0),
    _record(3, "['1', '2']", "2", 1.0),
]


def test_lm_eval_list_target_is_shown_as_its_aliases(tmp_path: Path) -> None:
    path = _write(tmp_path, RECORDS)
    result = LmEvalReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["answer"].to_list() == [
        "Paris | paris, france",
        "[1, 2]",
        "[1, 2]",
        "1 | 2",
    ]


def test_grader_mismatch_when_the_answer_is_any_alias(tmp_path: Path) -> None:
    _write(tmp_path / "run", RECORDS)
    loaded = load([tmp_path / "run"], LoadOptions(use_cache=False, tokenize=False))
    flags = prompt_flag_table(loaded.generations, Thresholds()).sort("prompt_id")
    assert flags["flag_grader_mismatch"].to_list() == [True, False, False, False]


def test_exact_rescoring_accepts_any_alias(tmp_path: Path) -> None:
    _write(tmp_path / "run", RECORDS)
    loaded = load([tmp_path / "run"], LoadOptions(use_cache=False, tokenize=False))
    got = rescore(loaded, RescoreOptions("exact", use_cache=False))
    assert got.scores["new_accuracy"].to_list() == [1.0, 1.0, 0.0, 1.0]


INSPECT_JSON = next(
    (
        Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "inspect_ai" / "logs_json"
    ).glob("*.json")
)


def test_inspect_list_target_any_alias_matches(tmp_path: Path) -> None:
    # Inspect's target is str or list[str]: a list is its acceptable answers; a str target that
    # looks like a list is a string (never parsed).
    log = json.loads(INSPECT_JSON.read_text(encoding="utf-8"))
    first, second = log["samples"][0], log["samples"][1]
    first["target"] = ["six", "6"]  # the scorer's answer "6" is the second alias, scored wrong
    first["scores"]["match"]["value"] = "I"
    second["target"] = "['a', 'b']"
    log["samples"] = [first, second]
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / INSPECT_JSON.name).write_text(json.dumps(log), encoding="utf-8")
    loaded = load([folder], LoadOptions(use_cache=False, tokenize=False))
    gens = loaded.generations.sort("line")
    assert gens["answer"].to_list() == ["six | 6", "['a', 'b']"]
    flags = prompt_flag_table(gens, Thresholds())
    mismatch = dict(zip(flags["prompt_id"], flags["flag_grader_mismatch"], strict=True))
    assert [mismatch[p] for p in gens["prompt_id"]] == [True, False]
    got = rescore(loaded, RescoreOptions("exact", use_cache=False))
    scored = dict(zip(loaded.generations["prompt_id"], got.scores["new_accuracy"], strict=True))
    assert scored[gens["prompt_id"][0]] == 1.0


def test_lighteval_several_golds_any_matches(tmp_path: Path) -> None:
    # <= 0.10 flat details: `gold` is doc.get_golds(), every acceptable answer.
    import polars as pl

    date = "2024-01-01T00-00-00.123456"
    path = tmp_path / "details" / "m" / date / f"details_lighteval|qa|0_{date}.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Q0", "Q1"],
            "full_prompt": ["Q0", "Q1"],
            "predictions": [["The answer is six."], ["The answer is 7."]],
            "gold": [["6", "six"], ["8", "eight"]],
            "metrics": [{"em": 0.0}, {"em": 0.0}],
        }
    ).write_parquet(path)
    loaded = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert loaded.errors == []
    gens = loaded.generations.sort("prompt_id")
    assert gens["answer"].to_list() == ["6 | six", "8 | eight"]
    flags = prompt_flag_table(gens, Thresholds()).sort("prompt_id")
    assert flags["flag_grader_mismatch"].to_list() == [True, False]
    got = rescore(loaded, RescoreOptions("exact", use_cache=False))
    scored = dict(zip(loaded.generations["prompt_id"], got.scores["new_accuracy"], strict=True))
    assert [scored[p] for p in gens["prompt_id"]] == [1.0, 0.0]


def test_opencompass_gold_list_is_its_aliases(tmp_path: Path) -> None:
    # OpenCompass' raw `gold` may be a list of acceptable answers; a string gold is never parsed.
    preds = tmp_path / "predictions" / "m"
    preds.mkdir(parents=True)
    entries = {
        "0": {"origin_prompt": "Q0", "prediction": "The answer is paris, france.",
              "gold": ["Paris", "paris, france"]},
        "1": {"origin_prompt": "Q1", "prediction": "The answer is 1.", "gold": "['1', '2']"},
    }  # fmt: skip
    (preds / "ds.json").write_text(json.dumps(entries), encoding="utf-8")
    loaded = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert loaded.errors == []
    gens = loaded.generations
    assert gens["answer"].to_list() == ["Paris | paris, france", "['1', '2']"]
    got = rescore(loaded, RescoreOptions("exact", use_cache=False))
    assert got.scores["new_accuracy"].to_list() == [1.0, 0.0]


needs_math_verify = pytest.mark.skipif(
    importlib.util.find_spec("math_verify") is None, reason="math-verify is not installed"
)


@needs_math_verify
def test_math_verify_rescoring_accepts_any_alias(tmp_path: Path) -> None:
    # The second alias is the one the answer equals (as math, not as text).
    records = [
        _record(0, "['\\\\sqrt{4}', 'two']", "$\\boxed{2}$", 0.0),
        _record(1, "['two', '\\\\sqrt{4}']", "$\\boxed{2}$", 0.0),
        _record(2, "['two', '\\\\sqrt{9}']", "$\\boxed{2}$", 0.0),
    ]
    _write(tmp_path / "run", records)
    loaded = load([tmp_path / "run"], LoadOptions(use_cache=False, tokenize=False))
    got = rescore(loaded, RescoreOptions("math-verify", use_cache=False, workers=1))
    assert got.scores["new_accuracy"].to_list() == [1.0, 1.0, 0.0]


def test_combined_json_answer_is_the_aliases_string(tmp_path: Path, word_tokenizer: Path) -> None:
    from evaltui.cli import main

    _write(tmp_path / "run", RECORDS)
    out = tmp_path / "out" / "combined.json"
    args = ["summarize", str(tmp_path / "run"), "-o", str(out), "--model", str(word_tokenizer)]
    assert main([*args, "--cache-dir", str(tmp_path / "c"), "-q"]) == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    answers = {r["prompt_id"]: r["answer"] for r in records}
    assert answers == {
        "toy_qa:0": "Paris | paris, france",
        "toy_qa:1": "[1, 2]",
        "toy_qa:2": "[1, 2]",
        "toy_qa:3": "1 | 2",
    }


def test_plain_list_reference_is_its_aliases(tmp_path: Path) -> None:
    """A plain record's reference written as a JSON list of answers (a script's TriviaQA/NQ
    ``answers``, a ``gold`` list): shown as its aliases, and exact re-scoring accepts any of
    them. It was the list's JSON text ('["Paris", "paris, france"]', never matching), and
    ``answers`` was no reference name at all. A string that looks like a list stays one answer,
    and so does a list of numbers."""
    path = tmp_path / "run" / "out.jsonl"
    path.parent.mkdir(parents=True)
    records = [
        {"question": "Capital of France?", "response": "The answer is Paris.",
         "answers": ["Paris", "paris, france"], "correct": True},
        {"question": "Largest planet?", "response": "The answer is Saturn.",
         "gold": ["Jupiter", "jupiter"], "correct": False},
        {"question": "Interval?", "response": "The answer is [1, 2].", "gold": "['1', '2']",
         "correct": True},
        {"question": "Roots?", "response": "The answer is 4.", "gold": [4, 5], "correct": False},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    loaded = load([tmp_path / "run"], LoadOptions(use_cache=False, tokenize=False))
    assert loaded.generations.select("prompt", "answer").rows() == [
        ("Capital of France?", "Paris | paris, france"),
        ("Largest planet?", "Jupiter | jupiter"),
        ("Interval?", "['1', '2']"),
        ("Roots?", "[4, 5]"),
    ]
    got = rescore(loaded, RescoreOptions("exact", use_cache=False))
    assert got.scores["new_accuracy"].to_list()[:2] == [1.0, 0.0]  # Paris any alias; Saturn none
