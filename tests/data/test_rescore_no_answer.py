"""Rows whose text holds no answer of the model's: the reader says so per row (``answer_unknown``,
with the reason), the loader extracts none from the text, and a re-score scores none (status
"no answer", the reason as its message). The published asdiv run (lm-eval, chat-templated
loglikelihood, 50 docs, acc 0.92): each doc is one loglikelihood request whose continuation is
the target; ``acc`` is its is-greedy flag. For the 4 docs greedy decoding does not give the
target, the text shown is the target, not what the model said: the last-number fallback took
the target's number as the model's answer, and ``rescore --scorer exact`` compared the
reference with itself, 0.92 -> 1.00 (4 verdicts "flipped to correct")."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.formats.lm_eval import NOT_GREEDY, ROLLING
from evaltui.data.loader import LoadOptions, load
from evaltui.data.rescore import NO_ANSWER, RescoreOptions, rescore, rescored_load
from tests.data.test_rescore_lm_eval import ASDIV

OPTS = LoadOptions(tokenize=False, use_cache=False)
#: The docs of the published run whose target greedy decoding does not give (acc 0).
NOT_GREEDY_DOCS = ["asdiv:30", "asdiv:31", "asdiv:36", "asdiv:38"]


def test_the_reader_says_which_rows_hold_no_answer_and_the_loader_extracts_none() -> None:
    result = load([ASDIV], OPTS)
    gens = result.generations
    unknown = gens.filter(pl.col("answer_unknown").is_not_null())
    assert unknown["prompt_id"].to_list() == NOT_GREEDY_DOCS
    assert set(unknown["answer_unknown"]) == {NOT_GREEDY}
    # No fallback guess: the text ("13", the target) is not the model's answer.
    assert unknown["extracted"].to_list() == [None] * 4
    assert unknown["has_answer"].to_list() == [False] * 4
    assert unknown["accuracy"].to_list() == [0.0] * 4  # the stored verdict stays
    # A greedy doc's continuation is what the model says: its answer.
    greedy = gens.filter(pl.col("answer_unknown").is_null())
    assert greedy.height == 46 and greedy["extracted"].to_list() == greedy["gen"].to_list()


def test_a_row_whose_answer_is_unknown_votes_for_an_answer_of_its_own() -> None:
    # Left out of the vote, the 4 docs greedy decoding does not give (all wrong) made maj@1
    # read 1.000 over 46 of 50 prompts beside pass@1 0.920: the model answered, what is
    # unknown. Each votes for an answer of its own, judged by its stored verdict.
    from evaltui.data.sampling import vote_summary

    result = load([ASDIV], OPTS)
    stats = result.stats
    assert stats["maj@1"].null_count() == 0
    assert stats["maj@1"].mean() == pytest.approx(0.92)
    assert stats["maj@1"].to_list() == stats["pass@1"].to_list()
    missed = stats.filter(pl.col("prompt_id").is_in(NOT_GREEDY_DOCS))
    assert missed["maj@1"].to_list() == [0.0] * 4
    assert missed["n_unique_answers"].to_list() == [1] * 4
    doc = result.generations.filter(pl.col("prompt_id") == NOT_GREEDY_DOCS[0])
    assert vote_summary(doc, 0.5) == "votes: (answer unknown) ×1 ✗ (agreement 100%)"


def test_exact_leaves_those_rows_unscored_with_the_reason() -> None:
    result = load([ASDIV], OPTS)
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    assert rescored.counts == {"ok": 46, NO_ANSWER: 4}
    scores = pl.concat([result.generations.select("prompt_id"), rescored.scores], how="horizontal")
    missing = scores.filter(pl.col("score_status") == NO_ANSWER)
    assert missing.rows() == [(p, None, NO_ANSWER, NOT_GREEDY) for p in NOT_GREEDY_DOCS]
    shown = rescored_load(result, rescored, OPTS)
    assert shown.stats["n_flipped"].sum() == 0  # was 4, "to correct"
    assert shown.stats["n_scored"].sum() == 46


def test_a_scorer_in_the_workers_is_not_sent_those_rows() -> None:
    # contains_reference would find "13" in "13": the reference against itself.
    result = load([ASDIV], OPTS)
    scorer = "tests.data.rescore_scorers:contains_reference"
    rescored = rescore(result, RescoreOptions(scorer, use_cache=False, workers=1))
    assert rescored.counts == {"ok": 46, NO_ANSWER: 4}
    statuses = rescored.scores["score_status"].to_list()
    assert [
        result.generations["prompt_id"][i] for i, s in enumerate(statuses) if s == NO_ANSWER
    ] == (NOT_GREEDY_DOCS)


def test_the_command_says_the_new_accuracy_is_over_fewer_generations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    gens = tmp_path / "g.jsonl"
    code = main(
        ["rescore", str(ASDIV), "--scorer", "exact", "-o", str(out), "--generations", str(gens),
         "--no-cache"]
    )  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "0.9200 stored → 1.0000 new (46 of 50 generations scored); 0 verdicts flipped" in err
    assert "generations  4 no answer, 46 ok" in err
    lines = [json.loads(line) for line in gens.read_text(encoding="utf-8").splitlines()]
    told = [r for r in lines if r["score_status"] == NO_ANSWER]
    assert [(r["prompt_id"], r["extracted"], r["new_accuracy"]) for r in told] == [
        (p, None, None) for p in NOT_GREEDY_DOCS
    ]
    assert {r["score_message"] for r in told} == {NOT_GREEDY}


def test_a_perplexity_docs_log_likelihood_is_no_answer(tmp_path: Path) -> None:
    # wikitext (loglikelihood_rolling): the "generation" is the page's log-likelihood; the
    # last-number fallback made "-123.5" its extracted answer.
    page = " = Valkyria Chronicles III = \n\n Senjō no Valkyria 3 is a tactical game .\n"
    record = {"doc_id": 0, "doc": {"page": page}, "target": page,
              "arguments": {"gen_args_0": {"arg_0": page}}, "resps": [["-123.5"]],
              "filtered_resps": ["-123.5"], "word_perplexity": [-123.5, 14]}  # fmt: skip
    path = tmp_path / "m" / "samples_wikitext_2026-11-23T19-49-48.073567.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    gens = load([path], OPTS).generations
    assert gens.select("gen", "extracted", "answer_unknown", "has_answer").rows() == [
        ("-123.5", None, ROLLING, False)
    ]


def test_lighteval_one_continuation_is_no_answer(tmp_path: Path) -> None:
    # A log-likelihood doc of one choice (the target alone): the likeliest "choice" is it,
    # whatever the model would say; exact scored the target against itself, 1.
    from evaltui.data.formats.lighteval import ONE_CONTINUATION

    path = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet"
    path.parent.mkdir(parents=True)
    docs = [
        {"query": "Q0", "choices": [" 42"], "gold_index": 0, "id": "0", "task_name": "t|0"},
        {"query": "Q1", "choices": ["A", "B"], "gold_index": 1, "id": "1", "task_name": "t|0"},
    ]
    responses = [{"text": [], "logprobs": [-2.5]}, {"text": [], "logprobs": [-3.0, -0.5]}]
    metrics = [{"acc": 1.0}, {"acc": 1.0}]
    pl.DataFrame({"doc": docs, "metric": metrics, "model_response": responses}).write_parquet(path)
    result = load([tmp_path], OPTS)
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "gen", "extracted", "answer_unknown").rows() == [
        ("t|0:0", " 42", None, ONE_CONTINUATION),
        ("t|0:1", "B", "B", None),  # a choice among two: the model's
    ]
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    assert rescored.counts == {"ok": 1, NO_ANSWER: 1}


def test_lighteval_one_continuation_greedy_decoding_gives_is_the_models_answer(
    tmp_path: Path,
) -> None:
    # lighteval keeps whether greedy decoding gives each continuation: ≥0.11
    # model_response.argmax_logits_eq_gold, ≤0.10 the is-greedy flag of each (log-probability,
    # is-greedy) prediction (1.0 once Arrow stored the pair as floats). A one-continuation doc
    # whose target greedy decoding gives has that target as the model's answer, as lm-eval's
    # loglikelihood docs do; one it does not give stays no answer. By hand: ≥0.11 doc 0 greedy
    # (True), doc 1 not (False); ≤0.10 doc greedy (1.0). Before: all three were no answer.
    from evaltui.data.formats.lighteval import ONE_CONTINUATION

    new = tmp_path / "details" / "org" / "m" / "2026-01-01T00-00-00" / "details_t|0_x.parquet"
    new.parent.mkdir(parents=True)
    docs = [
        {"query": f"Q{i}", "choices": [" 42"], "gold_index": 0, "id": str(i), "task_name": "t|0"}
        for i in (0, 1)
    ]
    responses = [
        {"text": [], "logprobs": [-2.5], "argmax_logits_eq_gold": [True]},
        {"text": [], "logprobs": [-9.5], "argmax_logits_eq_gold": [False]},
    ]
    metrics = [{"acc": 1.0}, {"acc": 0.0}]
    pl.DataFrame({"doc": docs, "metric": metrics, "model_response": responses}).write_parquet(new)
    old = tmp_path / "details" / "org" / "m" / "2024-06-01T00-00-00.000000"
    old.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": ["Q2"],
            "full_prompt": ["Q2"],
            "predictions": [[[-2.5, 1.0]]],
            "gold": [[" 42"]],
            "choices": [[" 42"]],
            "gold_index": [[0]],
            "metrics": [{"acc": 1.0}],
        }
    ).write_parquet(old / "details_u|0_2024-06-01T00-00-00.000000.parquet")
    gens = load([tmp_path], OPTS).generations.sort("prompt")
    assert gens.select("prompt", "gen", "extracted", "answer_unknown").rows() == [
        ("Q0", " 42", " 42", None),
        ("Q1", " 42", None, ONE_CONTINUATION),
        ("Q2", " 42", " 42", None),
    ]


def test_an_opencompass_ppl_prediction_is_the_models_answer() -> None:
    # A PPL entry's prediction is the label of least perplexity ("B", gold "B", stored 1 by
    # prediction == gold): the model's choice. No answer was extracted from "B" (a short reply
    # is no answer for a format of its own answers), and exact scored it 0: "1 verdict flipped
    # to wrong".
    fixture = Path(__file__).parents[1] / "fixtures" / "formats" / "opencompass" / "ppl"
    result = load([fixture], OPTS)
    gens = result.generations
    assert gens.select("gen", "answer", "extracted", "accuracy", "answer_unknown").rows() == [
        ("B", "B", "B", 1.0, None)
    ]
    rescored = rescore(result, RescoreOptions("exact", use_cache=False))
    assert rescored.scores["new_accuracy"].to_list() == [1.0]


def test_the_load_says_which_texts_are_the_target() -> None:
    # Before a re-score too: the generation "13" shown for doc 30 is the target, not the
    # model's; nothing said so (the prompt screen showed it as the model's reply).
    notes = load([ASDIV], OPTS).notes
    said = [n for n in notes if "greedy decoding" in n]
    assert said == [
        "meta-llama__Meta-Llama-3-8B-Instruct/samples_asdiv_2024-08-21T03-44-09.494230.jsonl:"
        " asdiv: 4 docs whose target greedy decoding does not give (loglikelihood): the"
        " generation shown is that target, not the model's answer (unknown), so no answer is"
        " taken from it and only lm-eval re-scores it"
    ]
