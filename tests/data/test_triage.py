"""Triage flags: for each flag, generated cases that must trigger it and near misses that must not."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data.extract import fill_extracted
from evaltui.data.loader import LoadOptions, load
from evaltui.data.schema import conform
from evaltui.data.triage import (
    _GRAM_FACTORS,
    DIVERSITY_CHARS,
    MIN_NGRAMS,
    NGRAM,
    PROMPT_FLAGS,
    STATS_FLAG_COLUMNS,
    RunTriage,
    Thresholds,
    generation_flags,
    longest_by_run,
    ngram_diversity,
    prompt_flag_table,
    render_triage,
    run_triage,
    with_measures_and_answers,
    with_text_measures,
)
from tests.conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[2]
WORDS = (  # noqa: SIM905 (one readable block of words)
    "the of and to we let so then thus compute solve value number check verify first next "
    "step case assume note consider substitute simplify factor expand sum product total each "
    "triangle circle area angle prime integer fraction probability ways choose x y z n k"
).split()


def prose(seed: int, words: int = 300) -> str:
    """Ordinary varied text (random words), no final answer."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Generations as the loader builds them: measures from the text, then answers extracted."""
    defaults = {"run": "r", "prompt_id": "p", "prompt": "q", "answer": "8", "accuracy": 0.0}
    data = [{**defaults, **row} for row in rows]
    built = pl.DataFrame(data, infer_schema_length=None)
    lengths = built["gen_length"] if "gen_length" in built.columns else None
    generations = fill_extracted(with_text_measures(conform(built)))
    if lengths is not None:
        generations = generations.with_columns(lengths.cast(pl.UInt32).alias("gen_length"))
    else:
        generations = generations.with_columns(pl.lit(None, dtype=pl.UInt32).alias("gen_length"))
    return generations


def flags(rows: list[dict[str, Any]], **thresholds: Any) -> pl.DataFrame:
    return generation_flags(frame(rows), Thresholds(**thresholds))


def prompt_table(rows: list[dict[str, Any]], **thresholds: Any) -> dict[str, Any]:
    table = prompt_flag_table(frame(rows), Thresholds(**thresholds))
    assert table.height == 1
    return table.row(0, named=True)


# --- per generation ---------------------------------------------------------------------------


def test_short_answers_of_one_length_hit_no_cap() -> None:
    """A short-answer task ("Paris", "Lyon": one token each, no marked final answer) has no token
    budget its replies piled up against: without a stop reason, none hit a length cap (they all
    did, the run's longest being one token). A run whose longest reaches ``min_cap`` still does."""
    short = [{"gen": "Paris", "gen_length": 1}, {"gen": "Lyon", "gen_length": 1}]
    assert flags(short)["length_cap"].to_list() == [False, False]
    # Stated answers, too (a short reply is its own): not cut off, whatever min_cap says.
    assert flags(short, min_cap=1)["length_cap"].to_list() == [False, False]
    unanswered = [
        {"gen": prose(1, 10), "gen_length": 1, "prompt_id": "p1"},
        {"gen": prose(2, 10), "gen_length": 1, "prompt_id": "p2"},
    ]
    assert flags(unanswered)["length_cap"].to_list() == [False, False]
    assert flags(unanswered, min_cap=1)["length_cap"].to_list() == [True, True]
    capped = [
        {"gen": prose(1, 40), "gen_length": 64},
        {"gen": prose(2, 20), "gen_length": 30},
        {"gen": "so \\boxed{8}", "gen_length": 10},  # the run states answers
    ]
    assert flags(capped)["length_cap"].to_list() == [True, False, False]
    assert "(>= 64 tokens)" in Thresholds().describe()


def test_length_cap_uses_the_stop_reason_when_the_format_has_one() -> None:
    got = flags(
        [
            {"gen": "so \\boxed{8}", "truncated": True, "gen_length": 10},  # cut, answer or not
            {
                "gen": prose(1),
                "truncated": False,
                "gen_length": 1000,
            },  # longest, no answer: stopped
        ]
    )
    assert got["length_cap"].to_list() == [True, False]


def test_length_cap_without_a_stop_reason_is_near_the_runs_longest_and_unanswered() -> None:
    rows = [
        {"gen": prose(1), "gen_length": 1000},  # the longest, no answer
        {"gen": prose(2), "gen_length": 991},  # within 1 % of 1000, no answer
        {"gen": prose(3), "gen_length": 989},  # 1.1 % short of it
        {"gen": prose(4) + " \\boxed{8}", "gen_length": 1000},  # as long, but it answered
        {"gen": prose(5), "gen_length": 1000, "run": "other"},  # another run's maximum is its own
        {"gen": prose(6), "gen_length": 5000, "run": "other"},
        {"gen": "so \\boxed{8}", "gen_length": 10, "run": "other"},  # it states answers too
    ]
    assert flags(rows)["length_cap"].to_list() == [True, True, False, False, False, True, False]
    wider = flags(rows, cap_margin=0.02)["length_cap"].to_list()
    assert wider[:3] == [True, True, True]  # the threshold is configurable
    # Lengths not counted yet and no stop reason: cannot be told (null), not "no".
    unknown = flags([{"gen": prose(1)}])["length_cap"].to_list()
    assert unknown == [None]


def test_a_run_stating_no_answer_is_cut_only_where_its_lengths_pile_up() -> None:
    """An open-ended run (chat answers, an essay) states no final answer anywhere: a missing
    answer is no sign of a cut there, and its longest generation was flagged as cut for being
    the longest. Without a stop reason such a run is cut only where several generations reach
    its longest (a budget cuts them at one length); a run stating answers is as before."""
    open_ended = [
        {"gen": prose(1, 150), "gen_length": 201, "prompt_id": "p1"},  # complete, the longest
        {"gen": prose(2, 60), "gen_length": 92, "prompt_id": "p2"},
        {"gen": prose(3, 40), "gen_length": 76, "prompt_id": "p3"},
    ]
    assert flags(open_ended)["length_cap"].to_list() == [False, False, False]
    # Every generation cut at a 200-token budget (counted 199-200 by another tokenizer), the
    # answers to two prompts.
    all_cut = [
        {"gen": prose(1, 150), "gen_length": 200, "prompt_id": "p1"},
        {"gen": prose(2, 150), "gen_length": 199, "prompt_id": "p2"},
        {"gen": prose(3, 40), "gen_length": 76, "prompt_id": "p3"},
    ]
    assert flags(all_cut)["length_cap"].to_list() == [True, True, False]
    # Two samples of one prompt, one text at temperature 0: the same length, and not a cap.
    greedy = [*open_ended, {"gen": prose(1, 150), "gen_length": 201, "prompt_id": "p1"}]
    assert flags(greedy)["length_cap"].to_list() == [False, False, False, False]
    # The same lone longest in a run that states answers elsewhere: cut, as before.
    answering = [*open_ended, {"gen": "so \\boxed{8}", "gen_length": 12}]
    assert flags(answering)["length_cap"].to_list() == [True, False, False, False]
    # The reference the app's prompt screen and summary take from the Stats table: the same.
    assert longest_by_run(frame_stats(open_ended), Thresholds()) == {"r": 0}
    assert longest_by_run(frame_stats(all_cut), Thresholds()) == {"r": 200}
    assert longest_by_run(frame_stats(answering), Thresholds()) == {"r": 201}
    assert longest_by_run(frame_stats(greedy), Thresholds()) == {"r": 0}


def frame_stats(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A Stats-like table of ``rows``: what longest_by_run reads."""
    generations = frame(rows)
    table = prompt_flag_table(generations, Thresholds())
    return table.join(
        generations.group_by("run", "prompt_id").agg(
            pl.len().alias("count"),
            pl.col("gen_length").max().alias("max_gen_length"),
            pl.col("gen_length").alias("gen_lengths"),
        ),
        on=["run", "prompt_id"],
    )


def test_the_published_subjective_run_has_no_length_cap() -> None:
    """OpenCompass COREV2 (a subjective run: chat answers an LLM judged, max_out_len 2,048):
    each model's longest answer, complete ('…instead of complaining and criticism.', 201
    tokens; '…based on your own biases or expectations.' 174), was counted as cut by the
    length cap, and its prompt 'all truncated'."""
    folder = ROOT / "tests" / "fixtures" / "real_world" / "opencompass"
    result = load([folder], LoadOptions(use_cache=False))
    assert result.stats.height == 16
    assert result.stats["n_length_cap"].to_list() == [0] * 16
    assert not result.stats["flag_all_truncated"].any()
    assert result.stats["n_no_answer"].sum() == 16  # every answer is open-ended
    for run in run_triage(result.generations, result.stats, Thresholds()):
        assert run.flagged["length_cap"] == 0 and run.flagged["all_truncated"] == 0


def test_no_answer_means_no_stated_final_answer() -> None:
    got = flags(
        [
            {"gen": prose(1)},
            {"gen": prose(2) + " so the total is 12 and"},  # a number is a guess, not a statement
            {"gen": prose(3) + " \\boxed{12}"},
            {"gen": prose(4) + "\nThe final answer is 12."},
            {"gen": prose(5) + "\nAnswer: 12"},
            {"gen": prose(6), "extracted": "B"},  # the format's own extracted answer
            {"gen": "   "},  # empty, not "no answer"
            {"gen": prose(7) + " \\boxed{}"},  # an empty box states nothing
        ]
    )
    assert got["no_answer"].to_list() == [True, True, False, False, False, False, False, True]


def test_repetition_loop_by_repeated_tail_and_by_low_ngram_diversity() -> None:
    loop = "Wait, let me recompute the sum of the two terms again. " * 80
    rng = random.Random(0)
    varied_loop = "".join(
        f"Step {i}: we add {rng.randint(1, 9)} and check it again. " for i in range(200)
    )
    got = flags(
        [
            {"gen": prose(1) + " " + loop},  # exact loop at the end
            {"gen": prose(2) + " " + loop + "but then zq vb xu we finally stop here, done now!!"},
            {"gen": "ha " * 2000},  # a tight loop
            {"gen": prose(3, 2000)},  # long varied text
            {"gen": "ha ha ha"},  # too short to tell
            {"gen": loop[:100]},  # one repeat is not a loop
            {"gen": varied_loop},
        ]
    )
    assert got["repetition"].to_list()[:6] == [True, True, True, False, False, False]
    assert got["tail_repeats"][0] >= 4 and got["tail_repeats"][1] == 1  # second: by diversity
    assert got["ngram_diversity"][1] <= 0.2 and got["ngram_diversity"][3] > 0.6
    # Steps that differ only in their numbers: diversity between a loop and prose.
    assert 0.2 < got["ngram_diversity"][6] < 0.6
    assert flags([{"gen": varied_loop}], max_ngram_diversity=0.6)["repetition"].to_list() == [True]


def per_text_diversity(column: str) -> pl.Expr:
    """``ngram_diversity`` as a ``list.eval`` per text (what the loader computed before): words
    split on spaces, n-grams as sums of shifted word hashes."""
    words = pl.col(column).str.slice(-DIVERSITY_CHARS).str.split(" ").list.eval(pl.element().hash())
    gram = pl.element()
    for i, factor in enumerate(_GRAM_FACTORS[1:NGRAM], start=1):
        gram = gram + pl.element().shift(-i) * factor
    grams = words.list.eval(gram.drop_nulls())
    diversity = pl.when(grams.list.len() >= MIN_NGRAMS).then(
        grams.list.n_unique() / grams.list.len()
    )
    return diversity.cast(pl.Float32).alias("ngram_diversity")


def test_ngram_diversity_equals_the_per_text_expression() -> None:
    """The loader's diversity (every text's words at once, numpy) has the very values of the
    per-text expression (a ``list.eval`` per text), null where that is:
    no text, too few words, and every odd spacing, script and length around the limits; alone,
    in a few rows and in the loader's slices of rows."""
    rng = random.Random(7)
    words = ["a", "b", "wait", "é", "中文", "x\ty", "", "∑", "let", "me", "check"]
    texts: list[str | None] = [None, "", " ", "a", "a b c", "  ".join(["w"] * 200), None]
    texts += [" ".join(rng.choice(words) for _ in range(n)) for n in (63, 66, 67, 68, 70, 400)]
    texts += ["ha " * 2000, prose(5, 3000), "x" * 5000, " " * 1600 + "a b c d " * 40]
    texts += ["".join(rng.choice(" ab") for _ in range(rng.randint(0, 2000))) for _ in range(40)]
    texts += [prose(seed, rng.randint(50, 400)) for seed in range(300)]
    frame = pl.DataFrame(
        {"gen": texts, "extracted": [None] * len(texts)},
        schema={"gen": pl.String, "extracted": pl.String},
    )
    expected = frame.select(per_text_diversity("gen")).to_series()
    got = with_text_measures(frame)["ngram_diversity"]
    assert got.dtype == expected.dtype == pl.Float32
    assert got.to_list() == expected.to_list()
    assert got.equals(with_measures_and_answers(frame)["ngram_diversity"])
    assert got.null_count() > 2 and got.drop_nulls().n_unique() > 10
    for rows in ([0], [1, 2], [12, 7], [3, 4, 5, 6], [], [0, 0, 9]):
        some = frame["gen"].gather(rows)
        want = frame[rows].select(per_text_diversity("gen")).to_series()
        assert ngram_diversity(some).to_list() == want.to_list(), rows
    # Each text's last n-grams (those running into the next text) left out wherever the longest
    # text is and however few words the texts around it have (1 to NGRAM + 1 words).
    longest = prose(11, 400)
    short = [" ".join(["q"] * n) for n in range(1, NGRAM + 2)]
    for order in ([longest, *short], [*short, longest], [short[0], longest, short[2], short[3]]):
        some = pl.Series("gen", [*order, prose(12, 70), *order], dtype=pl.String)
        want = pl.DataFrame([some]).select(per_text_diversity("gen")).to_series()
        assert ngram_diversity(some).to_list() == want.to_list()


def test_the_words_are_counted_from_their_split_with_the_values_of_the_per_text_expression() -> (
    None
):
    """A slice's first query splits each tail's last characters into words once and counts
    them from the split (a regex counting the spaces, one match per word, took ~0.9 ms of CPU
    per followed MB): the diversity keeps the per-text expression's values where the words are
    odd: runs of spaces, leading and trailing ones, tabs, NUL, CJK and ideographic spaces
    (no space to split on), emoji, one word, empty and no text."""
    from evaltui.data.triage import _first_exprs

    assert "count_matches" not in " ".join(str(expr) for expr in _first_exprs("gen"))
    rng = random.Random(11)
    words = ["a", "", " ", "\t", "\x00", "中文", "答\u3000案", "😀", "é", "wait", "let"]
    texts: list[str | None] = [None, "", " ", "  ", "a", " a ", "\u3000" * 300, "😀 " * 70]
    texts += [" " * n + " ".join(["w"] * 80) + " " * n for n in (1, 5, 1500, 1600)]
    texts += [" ".join(rng.choices(words, k=rng.randint(0, 900))) for _ in range(300)]
    frame = pl.DataFrame(
        {"gen": texts, "extracted": [None] * len(texts)},
        schema={"gen": pl.String, "extracted": pl.String},
    )
    want = frame.select(per_text_diversity("gen")).to_series()
    assert with_text_measures(frame)["ngram_diversity"].to_list() == want.to_list()
    assert with_measures_and_answers(frame)["ngram_diversity"].to_list() == want.to_list()
    assert ngram_diversity(frame["gen"]).to_list() == want.to_list()
    assert want.null_count() > 5 and want.drop_nulls().n_unique() > 50


def test_gen_chars_are_the_stripped_texts_lengths_from_one_slice_of_each_end() -> None:
    """``gen_chars`` is each text's length once stripped of whitespace at both ends, measured
    from one slice of the text's head and one of its tail (the head's and the tail's lengths
    are the text's, at most ``MEASURED_TAIL``: counted in the query they were three slices
    more of every text), for whitespace runs shorter than, as long as and longer than a slice,
    texts only of whitespace, Unicode whitespace, CJK and emoji, empty and no text."""
    from evaltui.data.triage import _ENDS_EXPRS, MEASURED_TAIL, _first_exprs, stripped_chars

    assert sum(str(expr).count("str.slice") for expr in _ENDS_EXPRS) == 2
    # A slice's first query (an eager one: a slice per use) slices each text 7 times (13 with
    # the lengths counted and the diversity's "has text" column, a slice of its own): the tail
    # as the tails' column, for the escapes' and the tags' search, the head and the tail here,
    # the diversity's window of the tail.
    assert " ".join(str(expr) for expr in _first_exprs("gen")).count("str.slice") == 7
    rng = random.Random(17)
    blanks = [" ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u2028", "\x0b"]
    middles = ["", "x", "中文", "😀 a", " a b ", "\x00", prose(3, 50)]
    texts: list[str | None] = [None, "", " ", "\u3000" * (MEASURED_TAIL + 1)]
    for run in (0, 1, MEASURED_TAIL - 1, MEASURED_TAIL, MEASURED_TAIL + 1, 2 * MEASURED_TAIL):
        for middle in middles:
            blank = rng.choice(blanks)
            texts += [
                blank * run + middle,
                middle + blank * run,
                blank * run + middle + blank * run,
            ]
    texts += ["".join(rng.choices(blanks + middles, k=rng.randint(0, 60))) for _ in range(200)]
    series = pl.Series("gen", texts, dtype=pl.String)
    want = series.str.strip_chars().str.len_chars().fill_null(0)
    assert stripped_chars(series).to_list() == want.to_list()
    frame = pl.DataFrame(
        {"gen": series, "extracted": pl.Series([None] * len(texts), dtype=pl.String)}
    )
    assert with_measures_and_answers(frame)["gen_chars"].to_list() == want.to_list()
    assert with_text_measures(frame)["gen_chars"].to_list() == want.to_list()


def test_empty_generation() -> None:
    got = flags([{"gen": ""}, {"gen": " \n\t"}, {"gen": None}, {"gen": "0"}, {"gen": prose(1)}])
    assert got["empty"].to_list() == [True, True, True, False, False]
    # "0" alone is a short reply, its own answer (it was "no answer"); prose states none.
    assert got["no_answer"].to_list() == [False, False, False, False, True]


# --- per prompt --------------------------------------------------------------------------------


def boxed(given: str, score: float, **more: Any) -> dict[str, Any]:
    return {"gen": f"{prose(len(given))}\nSo \\boxed{{{given}}}.", "accuracy": score, **more}


def test_suspect_reference_needs_a_consensus_scored_wrong() -> None:
    assert prompt_table([boxed("7", 0)] * 8)["flag_suspect_reference"] is True
    assert prompt_table([boxed("7", 0)] * 6 + [boxed("9", 0)] * 2)["flag_suspect_reference"]
    # 5 of 8 is below the 75 % consensus; a split vote is just a hard prompt.
    assert not prompt_table([boxed("7", 0)] * 5 + [boxed("9", 0)] * 3)["flag_suspect_reference"]
    assert not prompt_table([boxed("7", 0)] * 4 + [boxed("9", 0)] * 4)["flag_suspect_reference"]
    assert prompt_table([boxed("7", 0)] * 5 + [boxed("9", 0)] * 3, consensus=0.6)[
        "flag_suspect_reference"
    ]
    # The consensus scored right is no suspect; too few votes are no consensus.
    assert not prompt_table([boxed("8", 1)] * 8)["flag_suspect_reference"]
    assert not prompt_table([boxed("7", 0)] * 2)["flag_suspect_reference"]
    # Unanswered generations do not vote: 3 agreeing answers among 8 generations still agree.
    rows = [boxed("7", 0)] * 3 + [{"gen": prose(9), "accuracy": 0.0}] * 5
    assert prompt_table(rows)["flag_suspect_reference"] is True


def test_grader_mismatch_when_the_reference_itself_is_scored_wrong() -> None:
    half = {"answer": "\\frac{1}{2}"}
    assert prompt_table([boxed("0.5", 0, **half), boxed("7", 0, **half)])["flag_grader_mismatch"]
    assert prompt_table([boxed("\\dfrac{1}{2}", 0, **half)])["flag_grader_mismatch"]
    assert not prompt_table([boxed("1/2", 1, **half)])["flag_grader_mismatch"]
    assert not prompt_table([boxed("0.25", 0, **half)])["flag_grader_mismatch"]
    # The reference as a last-number guess in an unanswered trace is not "the answer".
    guessed = {"gen": prose(1) + " and 8", "accuracy": 0.0}
    assert not prompt_table([guessed])["flag_grader_mismatch"]


def test_grader_mismatch_is_a_full_miss_not_partial_credit() -> None:
    # A score strictly between 0 and 1 is the grader's partial credit (truthfulqa_mc2: the
    # probability mass on the true choices, whose likeliest may be true at a mass below 0.5),
    # below the 0.5 threshold but no verdict that the answer is wrong. It raised the flag.
    assert not prompt_table([boxed("8", 0.27)])["flag_grader_mismatch"]
    assert not prompt_table([boxed("8", 0.27), boxed("7", 0.0)])["flag_grader_mismatch"]
    assert prompt_table([boxed("8", 0.27), boxed("8", 0.0)])["flag_grader_mismatch"]


def test_inconsistent_scores_for_the_same_answer() -> None:
    assert prompt_table([boxed("5", 1), boxed("5", 0)])["flag_inconsistent_scores"]
    assert prompt_table([boxed("5", 1), boxed("5.0", 0)])["flag_inconsistent_scores"]
    assert not prompt_table([boxed("5", 1), boxed("6", 0)])["flag_inconsistent_scores"]
    assert not prompt_table([boxed("5", 1), boxed("5", 1)])["flag_inconsistent_scores"]
    # Unscored generations have no score to disagree with.
    assert not prompt_table([boxed("5", 1), {**boxed("5", 0), "accuracy": None}])[
        "flag_inconsistent_scores"
    ]


def test_all_truncated() -> None:
    cut = {"truncated": True, "gen_length": 100}
    assert prompt_table([boxed("1", 0, **cut), boxed("2", 0, **cut)])["flag_all_truncated"]
    assert not prompt_table([boxed("1", 0, **cut), boxed("2", 0, truncated=False, gen_length=5)])[
        "flag_all_truncated"
    ]
    row = prompt_table([{"gen": prose(1)}, {"gen": prose(2)}])
    assert row["flag_all_truncated"] is None  # lengths unknown, no stop reason: cannot tell
    assert row["n_no_answer"] == 2 and row["n_length_cap"] is not None


def test_counts_per_prompt_and_runs_accuracy_on_completed_vs_truncated() -> None:
    rows = [
        boxed("8", 1, prompt_id="a", truncated=False, gen_length=50),
        boxed("8", 1, prompt_id="a", truncated=False, gen_length=50),
        boxed("7", 0, prompt_id="a", truncated=False, gen_length=50),
        {"gen": prose(1), "prompt_id": "a", "truncated": True, "gen_length": 100},
        {"gen": "", "prompt_id": "b", "truncated": False, "gen_length": 0},
        {"gen": prose(2), "prompt_id": "b", "truncated": True, "gen_length": 100, "accuracy": 1},
    ]
    generations = frame(rows)
    table = prompt_flag_table(generations, Thresholds())
    assert table.columns == ["run", "prompt_id", *STATS_FLAG_COLUMNS]
    a, b = table.rows(named=True)
    assert (a["n_length_cap"], a["n_no_answer"], a["n_empty"]) == (1, 1, 0)
    assert (b["n_length_cap"], b["n_no_answer"], b["n_empty"]) == (1, 1, 1)
    (run,) = run_triage(generations, table, Thresholds())
    assert run.generations == 6 and run.flagged["length_cap"] == 2
    assert run.accuracy_completed == pytest.approx(2 / 4)  # 1, 1, 0 and the empty 0
    assert run.accuracy_truncated == pytest.approx(1 / 2)


def test_thresholds_parse_and_reject() -> None:
    got = Thresholds.parse(["cap_margin=0.05", "min-votes=4"])
    assert (got.cap_margin, got.min_votes, got.consensus) == (0.05, 4, 0.75)
    # nan and inf compare false or beyond every share, 75 is no share: each flagged nothing
    bad_items = ["cap_margin", "nope=1", "min_votes=x", "consensus=-1", "consensus=nan"]
    bad_items += ["wrong_share=inf", "consensus=75", "cap_margin=2"]
    for bad in bad_items:
        with pytest.raises(ValueError, match="--triage"):
            Thresholds.parse([bad])
    assert "1%" in Thresholds().describe()


# --- through the loader and the CLI -------------------------------------------------------------


def test_loader_stats_and_combined_json_carry_the_flags(tmp_path: Path) -> None:
    records = [
        {"prompt": "P1", "answer": "8", "accuracy": 0.0, "gen": "so \\boxed{7}"} for _ in range(4)
    ] + [
        {"prompt": "P2", "answer": "3", "accuracy": 0.0, "gen": "again and " * 500},
        {"prompt": "P2", "answer": "3", "accuracy": 0.0, "gen": "x", "finish_reason": "length"},
    ]
    write_jsonl(tmp_path / "run" / "a.jsonl", records)
    result = load([tmp_path], LoadOptions(use_cache=False, tokenize=False))
    stats = {row["prompt"]: row for row in result.stats.iter_rows(named=True)}
    assert stats["P1"]["flag_suspect_reference"] is True
    assert stats["P2"]["n_repetition"] == 1 and stats["P2"]["n_length_cap"] == 1
    from evaltui.cli import main

    out = tmp_path / "combined.json"
    assert main(["summarize", str(tmp_path), "-o", str(out), "--no-cache", "-q"]) == 0
    combined = {r["prompt"]: r for r in json.loads(out.read_text())}
    assert combined["P1"]["flag_suspect_reference"] is True
    assert all(key in combined["P2"] for key in STATS_FLAG_COLUMNS)
    # A threshold from the command line changes the flags.
    assert (
        main(
            ["summarize", str(tmp_path), "-o", str(out), "--no-cache", "-q", "--triage=min_votes=5"]
        )
        == 0
    )
    assert json.loads(out.read_text())[0]["flag_suspect_reference"] is False


def test_summarize_prints_triage_counts_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main

    assert main(["summarize", str(ROOT / "sample_data"), "-o", str(tmp_path / "s.json")]) == 0
    err = capsys.readouterr().err
    assert "triage" in err and "accuracy completed" in err and "vs truncated 0.0%" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", "x", "--triage", "bogus=1"])
    assert exit_info.value.code == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err


def test_sample_data_has_no_false_loops_or_empties_and_its_cut_traces_are_found() -> None:
    result = load([ROOT / "sample_data"], LoadOptions(use_cache=False))
    flagged = generation_flags(result.generations, Thresholds())
    assert flagged["repetition"].sum() == 0 and flagged["empty"].sum() == 0
    # The sample's cut-off traces carry finish_reason "length" and never reach an answer.
    cut = flagged.filter(pl.col("length_cap"))
    assert cut.height == int(result.generations["truncated"].sum()) > 0
    assert cut["no_answer"].all()


def test_triage_label_and_quick_filters(tmp_path: Path) -> None:
    from evaltui.data.query import View

    rows = [boxed("7", 0, prompt_id="a")] * 4 + [
        {"gen": prose(1), "prompt_id": "b", "truncated": True, "gen_length": 9},
        {"gen": "", "prompt_id": "b", "truncated": False, "gen_length": 0},
        boxed("8", 1, prompt_id="c", truncated=False, gen_length=5),
    ]
    table = prompt_flag_table(frame(rows), Thresholds())
    assert table["triage"].to_list() == ["ref?", "cut×1 noans×1 empty×1", ""]
    assert View(quick="suspect").apply(table)["prompt_id"].to_list() == ["a"]
    assert View(quick="truncated").apply(table)["prompt_id"].to_list() == ["b"]


def test_published_math500_flags_its_graders_misses_and_loops() -> None:
    folder = ROOT / "tests" / "fixtures" / "real_world" / "skythought"
    result = load([folder], LoadOptions(use_cache=False, tokenize=False))
    flagged = generation_flags(result.generations, Thresholds())
    loops = set(flagged.filter(pl.col("repetition"))["line"].to_list())
    # Read by hand: 379 repeats "167 * 12 = 2004 - remainder." 64 times, 457 repeats
    # "= 324 - 324 + d^2" to the end; the others repeat a paragraph 5-17 times.
    assert {379, 457} <= loops and len(loops) == 8
    mismatched = sorted(result.stats.filter(pl.col("flag_grader_mismatch"))["answer"].to_list())
    # The reference itself, stated as the final answer, scored 0 (math-verify agrees: equal).
    assert mismatched == sorted(
        [
            "10,\\!080",
            "11,\\! 111,\\! 111,\\! 100",
            "3",
            "\\begin{pmatrix} -18 \\\\ -49 \\\\ 96 \\end{pmatrix}",
            "\\begin{pmatrix} -7 \\\\ 16 \\\\ 5 \\end{pmatrix}",
            "\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}",
        ]
    )


def test_a_continuous_runs_completed_vs_truncated_mean_is_in_its_own_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bleu_max run (0–100) printed "accuracy completed 1968.4%"; a mae run with Infinity
    values "inf%". A continuous score's mean is in its own units, named after the metric."""
    from evaltui.cli import main

    data = tmp_path / "bleu.jsonl"
    scores = [12.5, 30.0, 40.0, 17.5]  # by hand: mean 25.0
    write_jsonl(
        data,
        [
            {"prompt": f"q{i}", "gen": f"so \\boxed{{{i}}}", "answer": str(i), "accuracy": s}
            for i, s in enumerate(scores)
        ],
    )
    result = load([data], LoadOptions(use_cache=False))
    (run,) = run_triage(result.generations, result.stats, Thresholds())
    assert run.score == "mean score" and not run.percent
    assert run.accuracy_completed == pytest.approx(25.0)
    (line,) = render_triage([run])
    assert "mean score completed 25 vs truncated –" in line and "%" not in line
    assert main(["summarize", str(data), "-o", str(tmp_path / "s.json"), "--no-cache"]) == 0
    assert "mean score completed 25 vs" in capsys.readouterr().err


def test_measures_and_answers_in_one_search_equal_the_two_steps() -> None:
    """``with_measures_and_answers`` (what the loader runs on every file) searches each tail once
    for ``has_answer`` and the extracted answer: the same frame as ``with_text_measures`` then
    ``fill_extracted``, for boxes nested deeper than the regex follows, unclosed boxes, answer
    lines, the format's own answers, null, empty and long texts, escape sequences and control
    characters, reasoning tags, one row and several slices."""
    rng = random.Random(3)
    pieces = ["so \\boxed{42}", "\\boxed{\\frac{1}{\\sqrt{\\frac{2}{3}}}}", "\\boxed{7", "\\fbox{}"]
    pieces += ["The final answer is 12.", "\n**Answer:** x+1\n", "step 3 then 5", "   ", "\n\n"]
    pieces += ["loop " * 40, "word " * 900, "\\boxed{\\boxed{\\boxed{\\boxed{9}}}}", "é中文 3"]
    # escape sequences (reduced in the answers' tails) and control characters end an answer
    pieces += ["the answer is 40 \x1b]52;c;aGk=\x07", "\\boxed{\x1b[1m7\x1b[0m}", "so 12\x1b[0m"]
    pieces += ["\\boxed{\\frac{1}{\\sqrt{\\frac{2}{3}}}\x00}", "Answer: \x07\n"]
    # reasoning tags: a text opening <think> it never closes states no answer, in both
    pieces += ["<think>", "</think>", "<think>\\boxed{3}"]

    def text() -> str | None:
        roll = rng.random()
        if roll < 0.05:
            return None
        if roll < 0.08:
            return ""
        return " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))

    for rows in (1, 2, 300, 600):
        frame = conform(
            pl.DataFrame(
                {
                    "prompt": [f"p{i % 7}" for i in range(rows)],
                    "gen": [text() for _ in range(rows)],
                    "answer": [rng.choice(["42", "x+1", None]) for _ in range(rows)],
                    "extracted": [rng.choice([None, None, None, "5"]) for _ in range(rows)],
                },
                schema_overrides={"gen": pl.String, "extracted": pl.String},
            )
        )
        want = fill_extracted(with_text_measures(frame))
        got = with_measures_and_answers(frame)
        assert got.columns == want.columns
        assert got.equals(want), rows


def test_the_measures_expressions_are_made_once_and_each_short_reply_rule_keeps_its_own() -> None:
    """A followed update's measures take the expressions made before (~0.5 ms of building them
    on every call, a whole ``has_answer`` expression of them made and dropped): made once per
    column and short-reply rule. Each rule (short replies are answers, are not, row by row)
    still gives what it gave with expressions made afresh, whatever the order of the calls."""
    from evaltui.data import extract, triage

    rng = random.Random(5)
    pieces = ["so \\boxed{42}", "Paris", "42", "The answer is 7.", "\nAnswer: x\n", "step 3"]
    rows = 40
    frame = conform(
        pl.DataFrame(
            {
                "prompt": [f"p{i % 5}" for i in range(rows)],
                "gen": [" ".join(rng.sample(pieces, rng.randint(1, 2))) for _ in range(rows)],
                "answer": ["42"] * rows,
            },
            schema_overrides={"gen": pl.String},
        )
    )
    rules: list[bool | pl.Series] = [True, False, pl.Series([i % 3 == 0 for i in range(rows)])]

    def fresh(rule: bool | pl.Series) -> pl.DataFrame:
        triage._answer_measures_exprs.cache_clear()
        extract._answer_part_exprs.cache_clear()
        return with_measures_and_answers(frame, short_replies=rule)

    want = [fresh(rule) for rule in rules]
    assert not want[0].equals(want[1])  # the rules differ on these texts
    triage._answer_measures_exprs.cache_clear()
    for index in [2, 0, 1, 0, 2, 1, 1]:
        assert with_measures_and_answers(frame, short_replies=rules[index]).equals(want[index])
    assert triage._answer_measures_exprs.cache_info().misses == 3
    assert extract._answer_part_exprs.cache_info().misses == 1


def test_the_flag_expressions_are_made_once_per_thresholds_and_longest_generations() -> None:
    """A followed update's flags take the expressions made for the same thresholds and the same
    longest generation per run (made anew on every update before); another longest generation
    or threshold gets its own, and each flags as it says."""
    from evaltui.data import triage

    rows = frame(
        [{"gen": prose(1, 40), "gen_length": 99}, {"gen": "so \\boxed{8}", "gen_length": 50}]
    )

    def cut(run_max: dict[str, int | None] | None, margin: float = 0.01) -> list[bool | None]:
        flagged = generation_flags(rows, Thresholds(cap_margin=margin), run_max)
        return flagged["length_cap"].to_list()

    triage._generation_flags_exprs.cache_clear()
    assert cut({"r": 120}) == [False, False]
    made = triage._generation_flags_exprs.cache_info().misses
    assert cut({"r": 120}) == [False, False]
    assert triage._generation_flags_exprs.cache_info().misses == made
    assert cut({"r": 100}) == [True, False]  # 99 is within 1 % of 100
    assert cut({"r": 120}, margin=0.2) == [True, False]
    assert cut(None) == [True, False]  # the frame's own longest: 99
    assert cut({}) == [None, False]  # no longest known: not told yet (answered: not cut)
    assert triage._generation_flags_exprs.cache_info().misses == made + 4
    assert cut({"r": 100}) == [True, False]
    assert triage._generation_flags_exprs.cache_info().misses == made + 4


def test_a_short_reply_is_its_own_answer_for_triage_and_the_vote(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A short-answer task's replies ("Paris": no box, no "the answer is") were each "no answer"
    and cast no vote, so a prompt whose 8 replies all said the reference, scored wrong, was
    neither "grader?" nor "ref?". A reply of a few words on one line is its own answer; a longer
    text with no stated answer still is not, and the vote takes what triage calls an answer."""
    from evaltui.data.sampling import vote_table

    paris = [{"gen": "Paris", "answer": "Paris", "accuracy": 0.0}] * 6
    paris += [{"gen": "  Paris.\n", "answer": "Paris", "accuracy": 0.0}] * 2
    got = flags(paris)
    assert not got["no_answer"].any()
    row = prompt_table(paris)
    assert row["n_no_answer"] == 0
    assert row["flag_grader_mismatch"] and row["flag_suspect_reference"]
    votes = vote_table(frame(paris), 0.5)
    assert votes.select("answer", "votes", "correct").rows() == [("Paris", 8, False)]
    mixed = [
        {"gen": "Paris"},
        {"gen": "x = 5"},
        {"gen": prose(1, 10)},  # ten words, no stated answer
        {"gen": f"{prose(2, 10)} 42"},  # a last number in prose: a guess, voted, not stated
        {"gen": "Paris\nLyon"},
        {"gen": "United States of America"},  # four words: an answer
        {"gen": "I keep thinking about it"},  # five: a sentence, no answer
        {"gen": "Lyon" + " " * 200},  # blanks around it: still a short reply (SHORT_SCAN)
        {"gen": "\n" * 300 + "Lyon"},  # more than SHORT_SCAN bytes in all: no short reply
    ]
    got = flags(mixed)
    assert got["no_answer"].to_list() == [False, False, True, True, True, False, True, False, True]
    assert got["extracted"].to_list() == [
        "Paris",
        "5",
        None,
        "42",
        None,
        "United States of America",
        None,
        "Lyon",
        None,
    ]
    # The loader's path (answers and measures from one search of each tail) says the same.
    write_jsonl(
        tmp_path / "run" / "g.jsonl",
        [{"prompt": "Capital of France?", **r} for r in [*paris, {"gen": prose(3, 10)}]],
    )
    result = load([tmp_path / "run"], LoadOptions(model=str(word_tokenizer), use_cache=False))
    (stats,) = result.stats.iter_rows(named=True)
    assert stats["n_no_answer"] == 1 and stats["flag_grader_mismatch"]
    assert result.generations["extracted"].to_list() == ["Paris"] * 6 + ["Paris."] * 2 + [None]


def test_a_run_of_one_generation_is_counted_in_the_singular(tmp_path: Path) -> None:
    """The run summary said "empty 0 of 1 generations" (ollama/gemma3 in the published
    repro_inspect_merge logs)."""
    data = tmp_path / "one.jsonl"
    write_jsonl(data, [{"prompt": "q", "gen": "so \\boxed{1}", "answer": "1", "accuracy": 1}])
    result = load([data], LoadOptions(use_cache=False))
    (run,) = run_triage(result.generations, result.stats, Thresholds())
    (line,) = render_triage([run])
    assert "empty 0 of 1 generation; " in line, line


def _queries(run: Callable[[], object]) -> int:
    """How many polars queries ``run`` collects (eager selections and Series methods made of
    expressions are each one)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(run)
    return sum(
        calls[1]
        for (where, _line, name), calls in pstats.Stats(profile).stats.items()  # type: ignore[attr-defined]
        if where == "~" and name == "<method 'collect' of 'builtins.PyLazyFrame' objects>"
    )


#: Texts with each kind of answer part: an escape sequence, an "Answer:" line, a number only
#: the whole tail's search finds, a short reply, a box nested deeper than the regex follows,
#: whitespace runs longer than the measured tail, nothing.
_PART_TEXTS: list[str | None] = [
    "so \\boxed{42}",
    "\x1b[31mAnswer: 7\x1b[0m",
    "so 40\x1b[0m",
    "x " * 2000 + "Answer: **5**\n",
    "word " * 100 + "1234567890" * 30,
    "Paris",
    "  42  ",
    "\\boxed{\\boxed{\\boxed{1}}}",
    " " * 9000 + "x",
    "   ",
    "",
    None,
]


def test_a_followed_updates_measures_are_a_few_queries_and_the_same_values() -> None:
    """A followed update of one text paid 54 polars queries' fixed cost in its measures and
    answers (each ~0.1 ms: a plan and the pool woken; Series methods such as ``gather`` and
    ``arg_true`` are one each): the tails, ``gen_chars``' ends and the escape search are one
    query, the answer parts and the searches of the parts made apart (``answer_lines``,
    ``last_numbers``, ``short_replies``) another, ... 20 in all. The values are what the
    text says, and the answers those extracted from the whole texts, for one text and several."""
    for texts in [[text] for text in _PART_TEXTS] + [_PART_TEXTS]:
        rows = conform(
            pl.DataFrame(
                {"gen": texts, "answer": ["42"] * len(texts)},
                schema={"gen": pl.String, "answer": pl.String},
            )
        )
        got = with_measures_and_answers(rows)
        assert got.get_column("gen_chars").to_list() == [
            0 if text is None else len(text.strip()) for text in texts
        ]
        measured = with_text_measures(rows)
        for name in ("gen_chars", "tail_repeats", "ngram_diversity", "has_answer"):
            assert got.get_column(name).equals(measured.get_column(name))
        want = fill_extracted(measured)
        for name in ("extracted", "vote_answer", "vote_reference"):
            assert got.get_column(name).equals(want.get_column(name))
    assert with_measures_and_answers(conform(pl.DataFrame({"gen": _PART_TEXTS[1:2]})))[
        "extracted"
    ].to_list() == ["7"]
    one = conform(pl.DataFrame({"gen": ["so \\boxed{42}"], "answer": ["42"]}))
    with_measures_and_answers(one)
    assert _queries(lambda: with_measures_and_answers(one)) <= 20


def test_grader_mismatch_reads_partial_credit_on_the_runs_own_scale(tmp_path: Path) -> None:
    # A 0–100 judge correct at >= 50: 25 for an answer equal to the reference is its partial
    # credit, as 0.25 is on 0–1; only its 0 is a full miss. Scores of 25 and 75 flagged every
    # prompt "grader?" (only a score strictly between 0 and 1 counted as partial credit), where
    # the same scores as 0.25 and 0.75 flagged only the prompt with a 0. An RL reward correct at
    # >= 0 gives a wrong answer -0.5 or -1: a full miss, as its 0 is.
    from evaltui.data.metrics import Thresholds

    def run(name: str, scores: list[list[float]]) -> None:
        write_jsonl(
            tmp_path / name / "out.jsonl",
            [
                {"prompt": f"Q{p}", "answer": "8", "accuracy": s, "gen": "so \\boxed{8}"}
                for p, samples in enumerate(scores)
                for s in samples
            ],
        )

    run("judge", [[25, 75], [100, 50], [0, 100]])
    run("unit", [[0.25, 0.75], [1, 0.5], [0, 1]])
    run("reward", [[-0.5, 1], [0.5, 1], [-1, 1]])
    thresholds = Thresholds.parse(["judge=50", "reward=0"])
    options = LoadOptions(use_cache=False, tokenize=False, correct_threshold=thresholds)
    stats = load([tmp_path], options).stats
    flagged = {
        run: [
            p
            for r, p, f in stats.select("run", "prompt", "flag_grader_mismatch").rows()
            if f and r == run
        ]
        for run in ("judge", "unit", "reward")
    }
    assert flagged == {"judge": ["Q2"], "unit": ["Q2"], "reward": ["Q0", "Q2"]}


def test_a_prompt_without_a_reference_has_none_to_suspect() -> None:
    """An RL rollout scored by a reward model has no reference (NeMo-RL's validation dumps,
    a TRL completions table): eight samples agreeing on an answer the reward scored low are the
    model's usual failure, and were flagged "ref?" (a suspect reference that does not exist);
    ``--quick suspect`` exported them. A consensus scored wrong against a reference still is."""
    agreed = [boxed("7", 0)] * 8
    assert prompt_table(agreed)["flag_suspect_reference"] is True
    for missing in (None, ""):
        rows = [{**row, "answer": missing} for row in agreed]
        assert prompt_table(rows)["flag_suspect_reference"] is False


def test_a_followed_updates_measures_are_ten_queries_equal_to_each_measure_of_the_whole_text() -> (
    None
):
    """A followed update's measures paid 19 queries' fixed cost (~4-6 ms of CPU for 8 rows): the
    reasoning tags and the diversity's words are now read in the slice's first query, and the
    rows to search again taken from the flags' values (each ``arg_true``, ``is_null`` or
    ``fill_null`` was a query). Every column equals that measure taken alone from the whole
    text (``gen_chars`` the stripped text's length, ``tail_repeats`` and ``has_answer`` their
    expressions, ``ngram_diversity`` the per-text expression, the answer ``fill_extracted``'s)
    on random texts: long ones, CJK, blanks, reasoning tags, escapes, empty and None."""
    from evaltui.data.extract import final_answer_marked_expr, reading_tails
    from evaltui.data.triage import has_answer_expr, tail_measures_exprs

    rng = random.Random(13)
    pieces = [
        "so \\boxed{42}",
        "\\boxed{\\frac{1}{\\sqrt{\\frac{2}{3}}}}",
        "\\boxed{7",
        "中文 答案 3",
    ]
    pieces += ["The final answer is 12.", "\n**Answer:** x+1\n", "step 3 then 5", "   ", "\n"]
    pieces += ["<think>", "</think>", "wait " * 30, "é∑ 中文", "\x1b[1m7\x1b[0m", "Paris", "　"]
    pieces += [prose(rng.randint(0, 99), rng.randint(50, 900)), "x" * 4100, " " * 4100]

    def text() -> str | None:
        roll = rng.random()
        if roll < 0.06:
            return None
        if roll < 0.1:
            return rng.choice(["", " ", "Paris", "  42  "])
        return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))

    for rows in (1, 2, 7, 40, 300):
        texts = [text() for _ in range(rows)]
        built = conform(
            pl.DataFrame(
                {
                    "prompt": [f"p{i % 5}" for i in range(rows)],
                    "gen": texts,
                    "answer": [rng.choice(["42", "x+1", None]) for _ in range(rows)],
                    "extracted": [rng.choice([None, None, None, "5"]) for _ in range(rows)],
                },
                schema_overrides={"gen": pl.String, "extracted": pl.String},
            )
        )
        got = with_measures_and_answers(built)
        whole = built.select(
            pl.col("gen").str.strip_chars().str.len_chars().fill_null(0).alias("gen_chars"),
            tail_measures_exprs("gen")[0],
            per_text_diversity("gen"),
        )
        # an answer is read after the reasoning, from its own search of the text
        found = reading_tails(built["gen"])
        answered = pl.DataFrame([found, built["extracted"]]).select(
            has_answer_expr(final_answer_marked_expr("gen"))
        )
        whole = whole.with_columns(answered.to_series())
        for name in ("gen_chars", "tail_repeats", "ngram_diversity", "has_answer"):
            assert got.get_column(name).to_list() == whole.get_column(name).to_list(), (rows, name)
        # every text, those holding escape sequences and reasoning tags too (fill_extracted
        # read a tail that begins "<think>" as a text that opens with it)
        want = fill_extracted(built)
        for name in ("extracted", "vote_answer", "vote_reference"):
            assert got.get_column(name).equals(want.get_column(name)), (rows, name)
    one = conform(pl.DataFrame({"gen": ["so \\boxed{42}"] * 8, "answer": ["42"] * 8}))
    with_measures_and_answers(one)
    assert _queries(lambda: with_measures_and_answers(one)) <= 10


def test_a_metric_named_with_a_newline_keeps_it_visible_in_the_triage_line() -> None:
    """The triage line said "mean ok d completed …" of a reward function named ``ok\\nd``, where
    the notes and the score words beside it say ``ok␊d`` (one name, not two words)."""
    flags = ["length_cap", "no_answer", "repetition", "empty", *PROMPT_FLAGS]
    run = RunTriage("r", 4, dict.fromkeys(flags, 0), 0.5, None, True, score="mean ok\nd\tx")
    (line,) = render_triage([run])
    assert "mean ok␊d␉x completed" in line
