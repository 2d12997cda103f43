"""Inspect AI logs written before 0.3, read as Inspect's own EvalLog migrates them."""

from __future__ import annotations

from pathlib import Path

from tests.data.test_formats_inspect_runs import load_dir

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "inspect_ai"


def test_a_log_before_0_3_names_its_one_score_by_its_scorer() -> None:
    # results.scorer (model_graded_fact) and a `score` per sample: Inspect names each sample's
    # score after the scorer; it was called 'score', so --metric model_graded_fact, the label
    # and the notes named a score the log does not have.
    result = load_dir(FIXTURES / "scorer_before_0_3")
    stats = result.stats.sort("prompt_id")
    assert stats["score_metric"].to_list() == ["model_graded_fact"] * 3
    assert stats["average_accuracy"].to_list() == [1.0, 0.0, 0.5]
    assert len(result.notes) == 1
    assert result.notes[0].split(": ")[1] == "model_graded_fact"


def test_a_message_reasoning_field_is_its_reasoning() -> None:
    # Before ContentReasoning, an assistant message held its reasoning as its own `reasoning`
    # text. A reply cut at max_tokens while thinking (content "") was an empty generation of 0
    # tokens, its reasoning lost; now it is that reasoning, as a reasoning part's is. A reply
    # with text is its reasoning, a line break and its text (its output_tokens count both), its
    # answer the text's.
    folder = FIXTURES / "message_reasoning_field"
    result = load_dir(folder)
    gens = {r["prompt_id"]: r for r in result.generations.iter_rows(named=True)}
    assert gens["squares:7"]["gen"].startswith("7 times 7: 7 times 5 is 35")
    assert gens["squares:7"]["truncated"] is True
    assert gens["squares:3"]["gen"] == "3 times 3 is 9.\n9"
    assert gens["squares:3"]["scored_text"] == "9"
    assert len(result.notes) == 2
    assert "1 sample has no answer text in the model output (reasoning only" in result.notes[0]
    assert "1 sample shown as the reasoning of the model's reply" in result.notes[1]
