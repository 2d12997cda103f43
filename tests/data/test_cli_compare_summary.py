"""`evaltui compare --summary-json FILE`: the report's numbers for a script, equal to its text."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl

SAMPLE = Path(__file__).parent.parent.parent / "sample_data"


def rec(prompt: str, ok: bool) -> dict[str, object]:
    return {"prompt": prompt, "gen": "so \\boxed{1}", "answer": "1", "accuracy": float(ok)}


def strict(text: str) -> Any:
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))


def test_the_summary_of_sample_data_is_what_the_report_says(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The two sample runs: every number of the text report is in the summary, the same."""
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(SAMPLE), "--summary-json", str(out), *common]) == 0
    report = capsys.readouterr().out.splitlines()
    summary = strict(out.read_text())
    a, b = summary["run_a"], summary["run_b"]
    assert (a, b) == ("deepseek-r1-distill-7b", "qwen2.5-7b-instruct")
    # The headline, rebuilt from the summary's numbers (an accuracy: a fraction, shown as pts).
    low, high = summary["ci_95"]
    assert report[0] == (
        f"{a} → {b}: {100 * summary['delta']:+.1f} pts, 95% CI [{100 * low:+.1f}, "
        f"{100 * high:+.1f}], p = {summary['p_value']:.3g} ({summary['test']}; "
        f"{summary['prompts_in_common']} prompts in both runs)"
    )
    assert summary["test"] == "sign test on per-prompt pass rates"  # 8 samples per prompt
    assert summary["prompts_in_common"] == summary["scored_in_both"] == summary["mean_over"] == 60
    assert summary["mean_b"] - summary["mean_a"] == pytest.approx(summary["delta"])
    assert report[1] == (
        f"pass rate on those 60 prompts: {a} {100 * summary['mean_a']:.1f}% → "
        f"{b} {100 * summary['mean_b']:.1f}%"
    )
    counts = summary["counts"]
    assert report[2] == (
        f"improved {counts['improved']} · regressed {counts['regressed']} · "
        f"unchanged {counts['unchanged']}"
    )
    assert counts["improved"] + counts["regressed"] + counts["unchanged"] == 60
    assert counts["not_comparable"] == counts["unscored_in_a_run"] == 0
    # The transition matrix, row by row.
    start = report.index(f"transitions ({a} → {b}):")
    table = {
        row.split()[0]: [int(n) for n in row.split()[1:]] for row in report[start + 2 : start + 5]
    }
    assert table == {
        frm: [summary["transitions"][frm][to] for to in ("never", "flaky", "always")]
        for frm in ("never", "flaky", "always")
    }
    assert sum(map(sum, table.values())) == 60
    assert summary["no_delta"] is None and summary["no_transitions"] is None
    assert summary["warnings"] == [] and summary["only_in_a"] == summary["only_in_b"] == 0
    assert summary["accuracy"] is True and summary["lower_is_better"] is False
    # Marked as evaltui's, so a folder holding it is not read as eval data.
    mark = json.loads((tmp_path / "summary.json.evaltui.json").read_text())
    assert mark["evaltui"]["kind"] == "compare-summary"


def test_the_summary_on_stdout_holds_it_alone_and_warnings_are_the_reports(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--summary-json - | jq`: the report goes to stderr; a prompt unscored in one run makes
    the mean over fewer prompts than are in both, which the summary warns of as the text does."""
    write_jsonl(tmp_path / "d" / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(4)])
    new = [rec(f"p{i}", i == 0) for i in range(3)]
    new.append({"prompt": "p3", "gen": "x", "answer": "1"})  # no score: unscored in "new"
    write_jsonl(tmp_path / "d" / "new" / "r.jsonl", new)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["compare", str(tmp_path / "d"), "--runs", "old", "new", *common]
    assert main([*argv, "--summary-json", "-"]) == 0
    out, err = capsys.readouterr()
    summary = strict(out)
    assert "McNemar" in err.splitlines()[0] and summary["test"] == "McNemar exact test"
    assert summary["warnings"] == ["mean over the 3 prompts scored in both"]
    assert "; mean over the 3 prompts scored in both)" in err.splitlines()[0]
    assert summary["delta"] == pytest.approx(-2 / 3)
    assert summary["counts"]["unscored_in_a_run"] == 1
    assert "unscored in a run 1" in err
    # -o - and --summary-json - cannot share stdout.
    with pytest.raises(SystemExit) as exc:
        main([*argv, "-o", "-", "--summary-json", "-"])
    assert exc.value.code == 2 and "choose one" in capsys.readouterr().err
    # Nor may the two outputs be one file.
    one = tmp_path / "x.json"
    with pytest.raises(SystemExit):
        main([*argv, "-o", str(one), "--summary-json", str(tmp_path / "." / "x.json")])
    assert "the same file" in capsys.readouterr().err and not one.exists()
    # Both: the rows and the summary, each in its file.
    rows, head = tmp_path / "rows.json", tmp_path / "head.json"
    assert main([*argv, "-o", str(rows), "--summary-json", str(head)]) == 0
    assert len(strict(rows.read_text())) == strict(head.read_text())["prompts_in_common"] == 4


def test_a_summary_that_cannot_be_written_leaves_the_old_one_whole(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full disk at the end of the write: the previous summary is still there, whole, with its
    mark, and no temp file is left; the error names the file."""
    write_jsonl(tmp_path / "d" / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "new" / "r.jsonl", [rec(f"p{i}", i == 0) for i in range(3)])
    out = tmp_path / "out" / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["compare", str(tmp_path / "d"), "--summary-json", str(out), *common]
    assert main([*argv, "--runs", "old", "new"]) == 0
    before = {p.name: p.read_bytes() for p in out.parent.iterdir()}
    assert sorted(before) == ["summary.json", "summary.json.evaltui.json"]
    capsys.readouterr()

    real_fsync = os.fsync

    def full(fd: int) -> None:
        """The disk fills as the summary itself is written (its manifest is written fine)."""
        name = Path(os.readlink(f"/proc/self/fd/{fd}")).name
        if name.startswith("summary.json") or (
            name.startswith(".summary.json.") and not name.startswith(".summary.json.evaltui.json")
        ):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    assert main([*argv, "--runs", "new", "old"]) == 1  # another summary: A and B swapped
    assert f"cannot write {out}: No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.parent.iterdir()} == before
    assert strict(out.read_text())["run_a"] == "old"


def test_a_hostile_run_label_round_trips_and_warnings_are_safe_lines(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run folder named with an escape sequence, a bidi override and a newline: the summary's
    label is that name exactly (a JSON string, control characters escaped in the file); the
    text report shows it made visible."""
    hostile = "evil\x1b[31mred\u202e\nrun"
    write_jsonl(tmp_path / "d" / hostile / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "plain" / "r.jsonl", [rec(f"p{i}", i < 2) for i in range(4)])
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path / "d"), "--summary-json", str(out), *common]) == 0
    report = capsys.readouterr().out
    raw = out.read_text()
    assert not re.search("[\x00-\x1f\x7f\u202e]", raw.replace("\n", ""))  # escaped, not raw
    summary = strict(raw)
    assert {summary["run_a"], summary["run_b"]} == {hostile, "plain"}
    assert "\x1b" not in report and "\u202e" not in report
    assert summary["only_in_a" if summary["run_a"] == "plain" else "only_in_b"] == 1
    for warning in summary["warnings"]:
        assert not re.search("[\x00-\x1f\x7f\u202e]", warning)


def test_different_measures_give_nulls_where_the_report_says_no_delta(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lm-eval truthfulqa scored by bleu_max (0-100) against a copy scored by bleu_acc (0/1):
    the report says "no delta" and counts nothing; the summary has null for each of those (not
    0, not NaN), the reason as no_delta and as its warning, and each run's score described."""
    from tests.data.test_scores import truthfulqa_scored_twice

    first, second = truthfulqa_scored_twice(tmp_path)
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    code = main(["compare", str(first), str(second), "--summary-json", str(out), *common])
    assert code == 0
    report = capsys.readouterr().out.splitlines()
    summary = strict(out.read_text())
    assert "no delta: the runs' scores are different measures" in report[0]
    assert report[0].endswith(f"({summary['prompts_in_common']} prompts in both runs)")
    for key in ("delta", "ci_95", "p_value", "test", "counts"):
        assert summary[key] is None, key
    # Each run's own mean instead, over the prompts with a finite score in both (report line 2).
    assert summary["mean_over"] == summary["scored_in_both"]
    assert report[1].startswith("not comparable: each run's mean in its own units on the ")
    assert summary["no_delta"] == report[0].split(": ", 1)[1].rsplit(" (", 1)[0]
    assert summary["warnings"] == [summary["no_delta"]]
    assert summary["prompts_in_common"] == summary["scored_in_both"] > 0
    assert {summary["score_a"].split(":")[0], summary["score_b"].split(":")[0]} == {
        "bleu_max",
        "bleu_acc",
    }
    # bleu_max has no threshold for "correct": no transitions, and the text's reason.
    assert summary["transitions"] is None
    assert report[-1] == f"transitions: {summary['no_transitions']}"


def test_a_lower_is_better_summary_counts_as_the_report_and_stays_strict_json(
    tmp_path: Path,
) -> None:
    """mae runs (lower is better) with an Infinity in both runs on one prompt: the summary's
    counts are the report's line (the NaN change not comparable, never improved), and written
    it is strict JSON."""
    from evaltui.data.compare import compare_runs
    from evaltui.data.export import write_json
    from tests.data.test_scores import mae_runs

    comparison = compare_runs(mae_runs(), "a", "b")
    summary = strict(write_json(comparison.summary(), tmp_path / "s.json").read_text())
    counts = summary["counts"]
    assert comparison.outcome_line() == (
        f"improved {counts['improved']} · regressed {counts['regressed']} · unchanged "
        f"{counts['unchanged']} · not comparable {counts['not_comparable']} (a NaN score, or an "
        "infinity in both runs)"
    )
    assert (counts["improved"], counts["regressed"], counts["not_comparable"]) == (2, 1, 1)
    assert summary["lower_is_better"] is True and summary["metric"] == "mae"
    assert summary["delta"] == pytest.approx(-4 / 3) and summary["mean_over"] == 3
    assert summary["warnings"] == ["mean over the 3 prompts with a finite change"]
    # the headline has the levels' decimals (a 5.00 → b 3.67): 2 here
    assert f"in mean mae (lower is better): {summary['delta']:+.2f}," in comparison.report()
    assert summary["transitions"] is None and "threshold" in summary["no_transitions"]


def test_the_summary_warns_of_bad_lines_without_pointing_below(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary JSON's bad-lines warning said '(see below)', the report's words: in a JSON
    file nothing is below. The report keeps them (its bad lines are listed after it)."""
    write_jsonl(tmp_path / "d" / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(4)])
    write_jsonl(
        tmp_path / "d" / "new" / "r.jsonl",
        [rec(f"p{i}", False) for i in range(3)],
        raw_lines=["{bad"],
    )
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    argv = ["compare", str(tmp_path / "d"), "--runs", "old", "new", *common]
    assert main([*argv, "--summary-json", "-"]) == 0
    out, err = capsys.readouterr()
    warning = (
        "the load has 1 bad line: a prompt whose lines are bad in one run counts as only in "
        "the other"
    )
    assert warning in strict(out)["warnings"]
    assert "(the load has 1 bad line (see below): a prompt" in err


def test_the_summary_names_both_metrics_when_the_runs_differ(tmp_path: Path) -> None:
    """Two accuracies of different names (acc in run a, exact_match in run b) are compared
    with the report's warning 'not the same metric: acc … vs exact_match …'; the summary's
    metric was 'exact_match' (run B's) as if both were. Now metric is null, and metric_a and
    metric_b say each; one metric in both runs is that metric in all three."""
    from evaltui.data.compare import compare_runs
    from evaltui.data.export import write_json
    from evaltui.data.metrics import prompt_stats
    from tests.data.test_scores import generations

    rows = [(run, str(i), float((i + (run == "b")) % 2)) for i in range(6) for run in "ab"]
    differ = [
        "acc" if run == "a" else "exact_match" for run, _, _ in rows
    ]  # a's acc, b's exact_match
    comparison = compare_runs(prompt_stats(generations(rows, metric=differ)), "a", "b")
    assert "not the same metric: acc: accuracy (0/1) vs exact_match" in comparison.report()
    summary = strict(write_json(comparison.summary(), tmp_path / "s.json").read_text())
    assert (summary["metric"], summary["metric_a"], summary["metric_b"]) == (
        None,
        "acc",
        "exact_match",
    )
    same = compare_runs(prompt_stats(generations(rows, metric=["acc"] * len(rows))), "a", "b")
    summary = same.summary()
    assert (summary["metric"], summary["metric_a"], summary["metric_b"]) == ("acc",) * 3


def judge_and_reward(folder: Path) -> tuple[Path, Path]:
    """Two unnamed continuous scores of the same 8 prompts: a 0-100 judge (10-100) and a -1…1
    reward (-0.9-0.8): `score` in each, neither naming its scale."""
    judge = [10, 40, 70, 90, 100, 55, 20, 80]
    reward = [-0.9, 0.1, 0.8, -0.3, 0.5, -0.5, 0.2, 0.0]

    def records(scores: list[float]) -> list[dict[str, object]]:
        return [
            {"id": i, "prompt": f"q{i}", "gen": "x", "answer": "a", "score": s}
            for i, s in enumerate(scores)
        ]

    return (
        write_jsonl(folder / "judge.jsonl", records(judge)),
        write_jsonl(folder / "reward.jsonl", records(reward)),
    )


def test_unnamed_scores_on_other_scales_give_each_runs_mean_and_no_delta(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0-100 judge against a -1…1 reward, both an unnamed `score`: the report said "reward vs
    judge in mean score: -58.00 … lower 8", a change across scales. Now no delta, both scales
    named, and each run's own mean instead (in the summary too: mean_a, mean_b, mean_over)."""
    judge, reward = judge_and_reward(tmp_path)
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(judge), str(reward), "--summary-json", str(out), *common]) == 0
    report = capsys.readouterr().out.splitlines()
    summary = strict(out.read_text())
    assert report[0].startswith("judge → reward: no delta: the runs' scores seem to be on")
    assert "(10–100 vs -0.9–0.8; neither run names its score" in report[0]
    assert report[1] == (
        "not comparable: each run's mean in its own units on the 8 prompts with a finite score"
        " in both: judge 58.12 · reward -0.0125"
    )
    for key in ("delta", "ci_95", "p_value", "test", "counts"):
        assert summary[key] is None, key
    assert summary["mean_over"] == 8
    assert (summary["mean_a"], summary["mean_b"]) == pytest.approx((58.125, -0.0125))
    assert summary["no_delta"].startswith(
        "no delta: the runs' scores seem to be on different scales"
    )


def test_unnamed_scores_on_one_scale_keep_their_delta(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two -1…1 rewards (unnamed) stay comparable: a delta and the means it is between."""
    _judge, reward = judge_and_reward(tmp_path)
    other = write_jsonl(
        tmp_path / "other" / "reward2.jsonl",
        [
            {"id": i, "prompt": f"q{i}", "gen": "x", "answer": "a", "score": s}
            for i, s in enumerate([-0.8, 0.2, 0.9, -0.2, 0.6, -0.4, 0.3, 0.1])
        ],
    )
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(reward), str(other), "--summary-json", str(out), *common]) == 0
    summary = strict(out.read_text())
    assert summary["no_delta"] is None
    assert summary["delta"] == pytest.approx(0.1)
    assert summary["mean_b"] - summary["mean_a"] == pytest.approx(summary["delta"])


def unnamed_scores(path: Path, scores: list[float]) -> Path:
    return write_jsonl(
        path,
        [
            {"id": i, "prompt": f"q{i}", "gen": "x", "answer": "a", "score": s}
            for i, s in enumerate(scores)
        ],
    )


def test_unnamed_scores_both_beyond_one_on_other_scales_give_no_delta(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1-10 judge against a 0-100 judge, both an unnamed `score`: the report said
    "judge100 vs judge10 in mean score: +55.0 … higher 8", B's minus A's across scales. Now
    no delta, both ranges named, each run's own mean (text and summary JSON alike)."""
    ten = unnamed_scores(tmp_path / "judge10.jsonl", [2, 5, 7, 9, 10, 6, 3, 8])
    hundred = unnamed_scores(tmp_path / "judge100.jsonl", [10, 40, 70, 90, 95, 55, 20, 80])
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(ten), str(hundred), "--summary-json", str(out), *common]) == 0
    report = capsys.readouterr().out.splitlines()
    summary = strict(out.read_text())
    assert report[0].startswith("judge10 → judge100: no delta: the runs' scores seem to be on")
    assert "(2–10 vs 10–95; neither run names its score" in report[0]
    assert report[1].startswith("not comparable: each run's mean in its own units")
    for key in ("delta", "ci_95", "p_value", "test", "counts"):
        assert summary[key] is None, key
    assert summary["no_delta"].startswith(
        "no delta: the runs' scores seem to be on different scales"
    )


def test_a_weak_run_of_a_wide_scale_is_said_to_be_a_guess(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two runs of one 0-100 judge, an unnamed `score`, the weak one's scores all 10 or less:
    its range reads as a 1-10 judge's, and the report said as a fact "the runs' scores are on
    different scales (10–95 vs 1–10, neither named)". Nothing in the files says which scale
    either is: the report says its scales are judged from the scores seen, and what that
    cannot tell apart (the app's headline and the summary JSON say the same words)."""
    strong = unnamed_scores(tmp_path / "strong" / "s.jsonl", [10, 40, 70, 90, 95, 55, 20, 80])
    weak = unnamed_scores(tmp_path / "weak" / "s.jsonl", [1, 4, 7, 9, 10, 5, 2, 8])
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(strong), str(weak), "--summary-json", str(out), *common]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    summary = strict(out.read_text())
    assert first.startswith("strong → weak: no delta: the runs' scores seem to be on"), first
    assert "are on different scales" not in first, first
    assert "(10–95 vs 1–10; neither run names its score" in first, first
    assert "judged from the scores seen" in first, first
    assert "a 0–100 judge's scores all 10 or less, like a 1–10 judge's" in first, first
    assert summary["no_delta"] == first.removeprefix("strong → weak: ").removesuffix(
        " (8 prompts in both runs)"
    )


def test_two_runs_of_one_wide_scale_keep_their_delta(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two 0-100 judges' runs keep their delta: one reaching 95 against one reaching 90, and
    against a weak one whose largest score, 11, is beyond any 1-10 scale."""
    strong = unnamed_scores(tmp_path / "strong.jsonl", [10, 40, 70, 90, 95, 55, 20, 80])
    again = unnamed_scores(tmp_path / "a" / "again.jsonl", [12, 35, 75, 85, 90, 60, 25, 70])
    weak = unnamed_scores(tmp_path / "b" / "weak.jsonl", [1, 4, 7, 9, 11, 5, 2, 8])
    out = tmp_path / "summary.json"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    for other in (again, weak):
        argv = ["compare", str(strong), str(other), "--summary-json", str(out), *common]
        assert main(argv) == 0
        assert strict(out.read_text())["no_delta"] is None, other
        capsys.readouterr()
