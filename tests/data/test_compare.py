"""Run comparison and run summaries against hand-worked cases."""

from __future__ import annotations

import json
import math
from math import comb
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from evaltui.data.compare import compare_runs, default_runs, mcnemar_exact, sign_test
from evaltui.data.summary import (
    bootstrap_ci,
    g_pass_at_k,
    mg_pass_at_k,
    render_table,
    summarize_runs,
)


def stats_frame(rows: list[tuple[str, str, str, int, int]]) -> pl.DataFrame:
    """(run, prompt_id, prompt, n_correct, n_scored) -> a Stats-like frame."""
    frame = pl.DataFrame(
        rows, schema=["run", "prompt_id", "prompt", "n_correct", "n_scored"], orient="row"
    )
    return frame.with_columns(
        pl.lit("x").alias("answer"),
        pl.col("n_scored").alias("count"),
        pl.when(pl.col("n_scored") > 0)
        .then(pl.col("n_correct") / pl.col("n_scored"))
        .alias("average_accuracy"),
    )


def test_join_on_id_not_position_with_missing_and_mismatched_prompts() -> None:
    stats = stats_frame(
        [
            ("a", "1", "What is 1+1?", 0, 4),
            ("a", "2", "What is 2+2?", 4, 4),
            ("a", "3", "Only in A", 2, 4),
            ("a", "9", "Same text, other id", 1, 4),
            # run b lists its prompts in another order: a positional join would pair the wrong prompts
            ("b", "2", "What is 2+2?", 2, 4),
            ("b", "1", "What is  1+1? ", 4, 4),
            ("b", "4", "Only in B", 1, 4),
            ("b", "8", "same text, OTHER id", 1, 4),
            ("b", "3x", "x", 0, 4),
        ]
    )
    # Prompt 2 in B has different text under the same id: joined but reported.
    stats = stats.with_columns(
        pl.when((pl.col("run") == "b") & (pl.col("prompt_id") == "2"))
        .then(pl.lit("What is 3+3?"))
        .otherwise(pl.col("prompt"))
        .alias("prompt")
    )
    result = compare_runs(stats, "a", "b")
    assert result.joined["prompt_id"].to_list() == ["1", "2"]
    assert result.joined["delta"].to_list() == [1.0, -0.5]
    assert result.joined.select("class_a", "class_b").rows() == [
        ("never", "always"),
        ("always", "flaky"),
    ]
    assert sorted(result.only_a["prompt_id"].to_list()) == ["3", "9"]
    assert sorted(result.only_b["prompt_id"].to_list()) == ["3x", "4", "8"]
    assert result.text_differs["prompt_id"].to_list() == [
        "2"
    ]  # "What is  1+1? " matches after normalizing
    assert result.same_text_other_id.select("prompt_id", "prompt_id_b").rows() == [("9", "8")]
    matrix = {row["from"]: row for row in result.transitions.iter_rows(named=True)}
    assert matrix["never"]["always"] == 1 and matrix["always"]["flaky"] == 1
    assert sum(matrix[c][d] for c in matrix for d in ("never", "flaky", "always")) == 2
    assert result.delta == pytest.approx(0.25)
    assert result.test == "sign test on per-prompt pass rates" and result.p_value == 1.0
    assert "a → b: +25.0 pts" in result.headline()
    # One of each, counted in the singular (it said "1 prompts share an id…").
    report = result.report()
    assert "\n1 prompt shares an id but not its text: check it is" in report, report
    assert "\n1 prompt has the same text under different ids (not joined)" in report, report
    with pytest.raises(ValueError, match="no run 'c'"):
        compare_runs(stats, "a", "c")


def test_mcnemar_on_single_samples() -> None:
    # 10 prompts, one sample each: A right / B wrong on 1, A wrong / B right on 7, both same on 2.
    rows = [("a", str(i), f"p{i}", 1 if i == 0 else 0 if i < 8 else 1, 1) for i in range(10)]
    rows += [("b", str(i), f"p{i}", 0 if i == 0 else 1, 1) for i in range(10)]
    result = compare_runs(stats_frame(rows), "a", "b")
    assert result.test == "McNemar exact test"
    # Exact two-sided binomial with 8 discordant pairs, 1 vs 7: 2 * (C(8,0) + C(8,1)) / 2^8
    assert result.p_value == pytest.approx(2 * (1 + 8) / 256)
    assert mcnemar_exact(1, 7) == result.p_value
    assert sign_test(0, 0) == 1.0 and sign_test(5, 5) == 1.0


def test_default_runs_needs_exactly_two() -> None:
    assert default_runs(stats_frame([("a", "1", "p", 1, 1), ("b", "1", "p", 1, 1)])) == ("a", "b")
    with pytest.raises(ValueError, match=r"only 1 run loaded \(a\): a comparison needs two"):
        default_runs(stats_frame([("a", "1", "p", 1, 1)]))
    three = [("a", "1", "p", 1, 1), ("b", "1", "p", 1, 1), ("c", "1", "p", 1, 1)]
    with pytest.raises(ValueError, match="name two with --runs"):
        default_runs(stats_frame(three))


def test_bootstrap_is_reproducible_and_covers_the_truth() -> None:
    values = np.random.default_rng(1).random(200)
    assert bootstrap_ci(values, seed=3) == bootstrap_ci(values, seed=3)
    assert math.isnan(bootstrap_ci(np.array([np.nan]))[0])
    # Simulation: 200 data sets of 100 prompts with true mean 0.3; the 95% interval should cover
    # 0.3 in about 95% of them (at least 90% allowing for simulation noise and percentile bias).
    rng = np.random.default_rng(7)
    covered = 0
    for seed in range(200):
        sample = (rng.random(100) < 0.3).astype(float)
        low, high = bootstrap_ci(sample, samples=400, seed=seed)
        covered += low <= 0.3 <= high
    assert covered >= 180


def test_g_pass_and_mg_pass_by_hand() -> None:
    n, c = np.array([4, 4, 2]), np.array([2, 4, 1])
    # G-Pass@4_1.0 with n = k = 4: all four drawn must be correct -> 1 only when c = 4
    assert g_pass_at_k(n, c, 4, 1.0)[:2].tolist() == [0.0, 1.0]
    assert math.isnan(g_pass_at_k(n, c, 4, 1.0)[2])  # n < k
    # G-Pass@2_0.5 (need >= 1 of 2 draws) = pass@2 = 1 - C(2,2)/C(4,2) for c = 2
    assert g_pass_at_k(n, c, 2, 0.5)[0] == pytest.approx(1 - comb(2, 2) / comb(4, 2))
    # mG-Pass@4 = (2/4) * sum_{m=3..4} P(X >= m); with n = k = 4 X = c exactly
    assert mg_pass_at_k(n, c, 4)[:2].tolist() == [0.0, 1.0]


def test_summaries_and_table_styles() -> None:
    stats = stats_frame(
        [("a", "1", "p", 0, 4), ("a", "2", "q", 4, 4), ("a", "3", "r", 3, 4), ("b", "1", "p", 2, 4)]
    )
    stats = stats.with_columns(pl.col("average_accuracy").alias("pass@1"))
    summaries = summarize_runs(stats)
    a = summaries[0]
    assert (a.run, a.prompts, a.generations) == ("a", 3, 12)
    assert a.spectrum == {"never": 1, "flaky": 1, "always": 1, "unscored": 0}
    values = {m.name: m.value for m in a.metrics}
    assert values["avg@4"] == pytest.approx((0 + 1 + 0.75) / 3)
    assert values["cons@4"] == pytest.approx(2 / 3)  # c > n/2 for 4/4 and 3/4
    assert values["pass@1"] == pytest.approx(values["avg@4"])
    text = render_table(summaries, "text")
    assert text.splitlines()[0].split() == ["metric", "a", "b"] and "58.3  [" in text
    markdown = render_table(summaries, "markdown")
    assert markdown.startswith("| metric | a | b |")
    csv = render_table(summaries, "csv")
    assert csv.splitlines()[0].startswith("run,prompts,generations,metric,value")
    # Unrounded (the text table's 66.7 is 200/3 %).
    cons = next(line for line in csv.splitlines() if line.startswith("a,3,12,cons@4,"))
    assert float(cons.split(",")[4]) == pytest.approx(200 / 3, abs=1e-12)


def test_cli_compare_and_summarize_table(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main
    from tests.conftest import write_jsonl

    # Run "old" solves prompt p 1/2 and q 0/2; run "new" solves p 2/2 and q 0/2 — listed in another order.
    def rec(prompt: str, ok: bool) -> dict[str, object]:
        return {"prompt": prompt, "gen": "x \\boxed{1}", "answer": "1", "accuracy": float(ok)}

    write_jsonl(
        tmp_path / "d" / "old" / "a.jsonl",
        [rec("p", True), rec("p", False), rec("q", False), rec("q", False)],
    )
    write_jsonl(
        tmp_path / "d" / "new" / "a.jsonl",
        [rec("q", False), rec("q", False), rec("p", True), rec("p", True)],
    )
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = tmp_path / "cmp.json"
    assert (
        main(["compare", str(tmp_path / "d"), "--runs", "old", "new", "-o", str(out), *common]) == 0
    )
    report = capsys.readouterr().out
    assert report.startswith("old → new: +25.0 pts")
    assert "improved 1 · regressed 0 · unchanged 1" in report
    rows = {r["prompt_a"]: r for r in json.loads(out.read_text())}
    assert (rows["p"]["rate_a"], rows["p"]["rate_b"], rows["p"]["class_b"]) == (0.5, 1.0, "always")
    assert main(["compare", str(tmp_path / "d"), "--runs", "old", "nope", *common]) == 2
    assert (
        main(
            [
                "summarize",
                str(tmp_path / "d"),
                "-o",
                str(tmp_path / "s.json"),
                "--table",
                "markdown",
                *common,
            ]
        )
        == 0
    )
    table = capsys.readouterr().out
    assert table.startswith("| metric | new | old |") or table.startswith("| metric | old | new |")
    assert "| pass@2 |" in table and "| cons@2 |" in table


def test_the_report_names_two_long_runs_apart_and_safely() -> None:
    """Two seeds of one long model folder: `evaltui compare` cut their labels at the end, so
    every line read "deepseek-ai__…_n16_se… vs deepseek-ai__…_n16_se…" (the app cuts in the
    middle and tells them apart); and "only in A" printed a label raw, an escape sequence in
    a folder name reaching the terminal."""
    base = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n16_seed"
    a, b = f"{base}1", f"{base}2\x1b]0;pwned\x07"
    stats = stats_frame(
        [
            (a, "1", "What is 1+1?", 0, 4),
            (a, "2", "What is 2+2?", 4, 4),
            (a, "3", "Only in A", 1, 4),
            (b, "1", "What is 1+1?", 4, 4),
            (b, "2", "What is 2+2?", 2, 4),
        ]
    )
    report = compare_runs(stats, a, b).report()
    assert "\x1b" not in report and "\x07" not in report, report
    first = report.splitlines()[0]
    shown_a, shown_b = first.split(" → ")[0], first.split(" → ")[1].split(":")[0]
    assert shown_a != shown_b and shown_a.endswith("seed1"), first
    assert "only in " + shown_a + ":" in report, report
    assert f"({shown_a} → {shown_b}" in report, report


def test_the_text_table_heads_two_long_runs_apart() -> None:
    """The 32B and the 7B distill at one temperature: `evaltui summarize`'s text table headed
    both columns "deepseek-ai__DeepSee…emp0.6_topp0.95_n16" (each cut alone in the middle)."""
    a = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n16"
    b = "deepseek-ai__DeepSeek-R1-Distill-Qwen-7B__temp0.6_topp0.95_n16"
    stats = stats_frame([(run, "1", "What is 1+1?", 2, 4) for run in (a, b)])
    header = render_table(summarize_runs(stats), "text").splitlines()[0].split()
    assert len(header) == 3 and header[1] != header[2], header
    assert "32B" in header[1] and "7B" in header[2], header


def test_changes_that_cancel_out_are_no_negative_zero() -> None:
    """Two runs at 0.4 over five prompts, one prompt 1/3 up and one 1/3 down: the mean change
    is a float a hair below zero, and the report read '-0.0 pts' (the app's headline
    'B − A accuracy: -0.000')."""
    from evaltui.data.wording import signed_fixed

    rows = [("a", str(p), f"p{p}", c, 3) for p, c in enumerate([3, 1, 1, 0, 1])]
    rows += [("b", str(p), f"p{p}", c, 3) for p, c in enumerate([2, 1, 1, 0, 2])]
    result = compare_runs(stats_frame(rows), "a", "b")
    assert result.delta < 0  # the float the formatting has to deal with
    assert result.report().startswith("a → b: +0.0 pts"), result.report()
    assert signed_fixed(result.delta, 3) == "+0.000"
    assert signed_fixed(-0.0004, 3) == "+0.000" and signed_fixed(-0.0005001, 3) == "-0.001"
    assert signed_fixed(0.25, 1) == "+0.2" and signed_fixed(-1.5, 1) == "-1.5"


def test_the_listed_prompts_start_in_one_column_whatever_their_ids() -> None:
    """The regressions' and improvements' ids were printed unpadded: lm-eval's ids (23 to 27
    characters, now cut in their middle at 24) or a CJK id left each prompt's text starting
    somewhere else."""
    from evaltui.data.sanitize import cell_width

    ids = ["7", "negotiationtom_desire/12", "题目一", "a-much-longer-id-than-the-cut-of-24"]
    rows = []
    for index, pid in enumerate(ids):
        better = index % 2
        rows += [
            ("A", pid, f"prompt {index}", 1 - better, 1),
            ("B", pid, f"prompt {index}", better, 1),
        ]
    report = compare_runs(stats_frame(rows), "A", "B").report()
    listed = [line for line in report.splitlines() if "prompt " in line and "→" in line]
    assert len(listed) == 4, report
    starts = {cell_width(line[: line.index("prompt ")]) for line in listed}
    assert len(starts) == 1, report
    assert any("题目一" in line for line in listed) and any(
        "a-much-long…he-cut-of-24" in line for line in listed
    )


def test_the_listed_prompts_start_in_one_column_whatever_their_scores(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Amounts were padded to 5: a mean score of 1.852e+04 beside 7407 pushed its prompt's
    text 4 cells right of the others' (now 18518: every listed mean has the largest's
    decimals)."""
    from evaltui.cli import main
    from evaltui.data.sanitize import cell_width

    for run, factor in (("a", 1), ("b", 3)):
        (tmp_path / "big" / run).mkdir(parents=True)
        lines = [
            json.dumps(
                {"prompt": f"question {i}", "gen": "x", "answer": "1", "score": i * 1234.5 * factor}
            )
            for i in range(6)
        ]
        (tmp_path / "big" / run / "x.jsonl").write_text("\n".join(lines) + "\n")
    argv = ["compare", str(tmp_path / "big"), "-q", "--model", str(word_tokenizer), "--no-cache"]
    assert main(argv) == 0
    report = capsys.readouterr().out
    listed = [line for line in report.splitlines() if "question " in line and "→" in line]
    assert len(listed) == 5, report
    # Amounts of unlike widths (with 0 decimals, the largest's: 18518 beside 3704).
    amounts = {len(line.split()[0]) for line in listed} | {len(line.split()[2]) for line in listed}
    assert len(amounts) > 1 and "18518" in listed[0], report
    assert len({cell_width(line[: line.index("question ")]) for line in listed}) == 1, report


def test_every_line_of_the_report_names_the_baseline_first() -> None:
    """`evaltui compare --runs old new` headed its report "new vs old: -50.0 pts" and the next
    line "pass rate on those 2 prompts: old 75.0% → new 25.0%": one line B first, the next A
    first, so a reader took the fall for B's over A or A's over B by which line they read."""
    stats = stats_frame(
        [
            ("old", "1", "p1", 4, 4),
            ("old", "2", "p2", 2, 4),
            ("new", "1", "p1", 0, 4),
            ("new", "2", "p2", 2, 4),
        ]
    )
    lines = compare_runs(stats, "old", "new").report().splitlines()
    assert lines[0].startswith("old → new: -50.0 pts"), lines[0]
    assert lines[1] == "pass rate on those 2 prompts: old 75.0% → new 25.0%", lines[1]
    assert lines[3] == "largest regressions (old → new pass rate):", lines
    # Each line that names both runs names old (A) first.
    both = [line for line in lines if "old" in line and "new" in line]
    assert len(both) >= 4 and all(line.index("old") < line.index("new") for line in both), both


def test_the_text_table_gives_two_runs_the_width_there_is() -> None:
    """`summarize --table` of two runs at 80 columns cut their labels to 18 cells
    ('deepseek-…Qwen-32B', 'meta-llam…Instruct'), room kept for a third run that was not
    there: the table was 58 cells wide. Two runs share the 80 columns now."""
    a = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B"
    b = "meta-llama__Meta-Llama-3.1-70B-Instruct"
    stats = stats_frame([(run, str(i), f"q{i}", i % 2, 1) for run in (a, b) for i in range(4)])
    lines = render_table(summarize_runs(stats), width=80).splitlines()
    labels = lines[0].split()[1:]
    assert len(labels) == 2 and all(len(label) >= 28 for label in labels), lines[0]
    # The lm-eval orgs (deepseek-ai__, meta-llama__) are left out before the names are cut.
    assert labels == ["…DeepSeek-R1-Distill-Qwen-32B", "…Meta-Llama-3.1-70B-Instruct"], labels
    assert max(len(line) for line in lines[:8]) <= 80, lines
    # Three runs still share the line as before (their labels cut to fit).
    three = stats_frame(
        [(run, str(i), f"q{i}", i % 2, 1) for run in (a, b, a + "-v2") for i in range(4)]
    )
    table = render_table(summarize_runs(three), width=80).splitlines()
    assert len(table[0].split()) == 4 and max(len(line) for line in table[:8]) <= 80, table


def test_one_question_in_two_chat_templates_is_one_text() -> None:
    """OpenCompass's subjective run of baichuan2 and qwen (published): each question wrapped
    in its model's template, '<reserved_106>Q<reserved_107>' and '<|im_start|>user\\nQ
    <|im_end|>\\n<|im_start|>assistant\\n'. compare said "8 prompts share an id but not their
    text: check they are the same question" of 8 same questions; another question still is."""
    stats = stats_frame(
        [
            ("baichuan", "1", "<reserved_106>如果我在空中垂直抛球？<reserved_107>", 1, 1),
            ("baichuan", "2", "<reserved_106>What is 2+2?<reserved_107>", 1, 1),
            (
                "qwen",
                "1",
                "\n<|im_start|>user\n如果我在空中垂直抛球？<|im_end|>\n<|im_start|>assistant\n",
                0,
                1,
            ),
            (
                "qwen",
                "2",
                "<|im_start|>user\nWhat is 3+3?<|im_end|>\n<|im_start|>assistant\n",
                0,
                1,
            ),
        ]
    )
    result = compare_runs(stats, "baichuan", "qwen")
    assert result.text_differs["prompt_id"].to_list() == ["2"]
    assert "1 prompt shares an id but not its text" in result.report()


def test_an_id_warning_is_in_the_number_of_its_count() -> None:
    """ "1 prompt shares an id but not their text: check they are the same question": one
    prompt spoken of as several. The app's m shows the same words (``counts_text``)."""
    from evaltui.app.screens.compare import counts_text

    def warnings(differ: int) -> list[str]:
        rows = [("a", str(i), f"q{i}", 1, 1) for i in range(3)]
        rows += [("b", str(i), f"other {i}" if i < differ else f"q{i}", 0, 1) for i in range(3)]
        comparison = compare_runs(stats_frame(rows), "a", "b")
        assert comparison.id_warnings()[0] in counts_text(comparison)
        return comparison.id_warnings()

    assert warnings(1) == ["1 prompt shares an id but not its text: check it is the same question"]
    assert warnings(2) == [
        "2 prompts share an id but not their text: check they are the same question"
    ]


def test_no_prompt_in_common_and_different_measures_are_both_said() -> None:
    """Two runs with no prompt in common whose scores are different measures (lm-eval's tgpred
    mae and truthfulqa bleu_max): the headline gave only "different measures", as if the runs
    had prompts to subtract on other scales; the counts alone said none is in common."""
    from evaltui.app.screens.compare import headline
    from evaltui.data.metrics import prompt_stats
    from tests.data.test_scores import generations

    gens = generations(
        [("a", "1", 150.0), ("a", "2", 210.0), ("b", "3", 0.0), ("b", "4", 1.0)],
        metric=["mae", "mae", "acc", "acc"],
        higher_is_better=[False, False, True, True],
    )
    comparison = compare_runs(prompt_stats(gens), "a", "b")
    first = comparison.report().splitlines()[0]
    assert first.startswith("a → b: no delta: the runs have no prompt in common"), first
    assert "different measures (mae continuous ↓ vs acc accuracy 0/1)" in first, first
    assert comparison.summary()["no_delta"] == comparison.no_delta
    assert headline(comparison) == comparison.no_delta  # the app's m says both too


def test_listed_means_of_a_0_1_score_say_percent_as_the_levels_line_does() -> None:
    """sus-www's Inspect logs (o1-mini → o3-mini, winrate_divided_by_optimal, 0–1): the lists
    read '0.3 → 95.9' under 'mean winrate_divided_by_optimal', a 0–1 score ×100 with no unit,
    under a levels line of '8.2% → 48.1%' and a headline in points."""
    from evaltui.data.metrics import prompt_stats
    from tests.data.test_scores import generations

    rows = [
        ("a", "1", 0.0031),
        ("b", "1", 0.9590),
        ("a", "2", 0.0350),
        ("b", "2", 0.0080),
    ]
    gens = generations(rows, metric=["winrate"] * 4, higher_is_better=[True] * 4)
    lines = compare_runs(prompt_stats(gens), "a", "b").report().splitlines()
    assert lines[1] == "mean winrate on those 2 prompts: a 1.9% → b 48.4%", lines
    listed = [line for line in lines if line.endswith("q2") or line.endswith("q1")]
    assert [line.split() for line in listed] == [
        ["3.5%", "→", "0.8%", "2", "q2"],
        ["0.3%", "→", "95.9%", "1", "q1"],
    ], lines
    # 0/1 scores' pass rates likewise.
    binary = stats_frame([("a", "1", "p1", 1, 1), ("b", "1", "p1", 0, 1)])
    report = compare_runs(binary, "a", "b").report()
    assert "\n  100.0% →  0.0%  1  p1" in report, report


def test_continuous_levels_and_lists_have_the_decimals_of_the_largest() -> None:
    """A continuous score's levels and listed means in 4 significant digits each, trailing
    zeros dropped: 'a 0.6 → b 0.4' over a listed '0.25' (and 'inf → 3', '10 → 5'). They
    take the summary table's rule now: every value the decimals of the largest."""
    from evaltui.data.metrics import prompt_stats
    from tests.data.test_scores import generations, mae_runs

    rows = [("a", "1", 6.0), ("b", "1", 4.0), ("a", "2", 6.0), ("b", "2", 2.5)]
    rows += [("a", "3", 6.0), ("b", "3", 5.5)]
    gens = generations(rows, metric=["bleu"] * 6, higher_is_better=[True] * 6)
    lines = compare_runs(prompt_stats(gens), "a", "b").report().splitlines()
    levels = next(line for line in lines if " on those " in line)
    assert levels == "mean bleu on those 3 prompts: a 6.000 → b 4.000", lines
    listed = [line.split()[:3] for line in lines if line.endswith(("q1", "q2", "q3"))]
    assert listed == [["6.000", "→", "2.500"], ["6.000", "→", "4.000"], ["6.000", "→", "5.500"]]
    # The largest sets the decimals (10: 2 of them); an infinity stays 'inf'.
    report = compare_runs(mae_runs(), "a", "b").report()
    assert "on those 3 prompts: a 5.00 → b 3.67" in report, report
    assert "\n    inf →  3.00  4  q4\n  10.00 →  5.00  2  q2" in report, report


def test_a_wide_score_reads_in_one_set_of_decimals_from_headline_to_range() -> None:
    """A reward of 1000-18000: the headline's change and interval had 4 significant digits each
    ('-523.8, 95% CI [-2319, +1040]') above levels and lists in whole units ('a 9160 → b
    8636'), and each run's range read '1037–1.585e+04'. Every value now has the decimals the
    summary gives the largest (decimals_of), the range as the levels."""
    from evaltui.data.metrics import prompt_stats
    from tests.data.test_scores import generations

    rows = [("a", "1", 11194.4), ("b", "1", 12070.2), ("a", "2", 9960.7), ("b", "2", 11873.1)]
    rows += [("a", "3", 8574.3), ("b", "3", 4900.9), ("a", "4", 1037.26), ("b", "4", 1446.5)]
    rows += [("a", "5", 15847.9), ("b", "5", 17561.0)]
    gens = generations(rows, metric=["reward"] * 10, higher_is_better=[True] * 10)
    comparison = compare_runs(prompt_stats(gens), "a", "b")
    report = comparison.report()
    assert "e+" not in report, report
    headline, levels = report.splitlines()[:2]
    delta = comparison.delta
    low, high = comparison.ci
    assert headline.startswith(
        f"a → b in mean reward: {delta:+.0f}, 95% CI [{low:+.0f}, {high:+.0f}], p = "
    ), headline
    assert levels == "mean reward on those 5 prompts: a 9323 → b 9570", levels
    assert "score of a: reward: continuous 1037–15848, higher is better" in report, report
    # One prompt in both: 'those 1 prompt' read wrong.
    one = compare_runs(prompt_stats(generations(rows[:2], metric=["r"] * 2)), "a", "b")
    assert one.report().splitlines()[1] == "mean r on that prompt: a 11194 → b 12070"
