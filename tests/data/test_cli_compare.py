"""`evaltui compare`: two run directories given as paths, single samples (McNemar), CSV output."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl


def rec(prompt: str, ok: bool) -> dict[str, object]:
    return {"prompt": prompt, "gen": "so \\boxed{1}", "answer": "1", "accuracy": float(ok)}


def test_compare_two_paths_single_samples_mcnemar_and_csv(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One sample per prompt. "old" solves p0..p5; "new" lists them in reverse order, solves only
    # p0, and has an extra prompt "extra". Discordant pairs: 5 old-only, 0 new-only, so McNemar's
    # exact two-sided p = 2 * (1/2)^5 = 0.0625; delta = (1 - 6) / 6 = -83.3 pts.
    old = [rec(f"p{i}", True) for i in range(6)]
    new = [rec("extra", True)] + [rec(f"p{i}", i == 0) for i in reversed(range(6))]
    write_jsonl(tmp_path / "a" / "old" / "r.jsonl", old)
    write_jsonl(tmp_path / "b" / "new" / "r.jsonl", new)
    out = tmp_path / "cmp.csv"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    code = main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), *common])
    assert code == 0
    report = capsys.readouterr().out
    first = report.splitlines()[0]
    assert "-83.3 pts" in first and "p = 0.0625" in first and "McNemar" in first
    assert "6 prompts in both runs" in first
    assert "improved 0 · regressed 5 · unchanged 1" in report
    assert ": 1 prompt" in report and "1 prompts" not in report  # "extra" is reported, not compared
    assert "largest regressions" in report and "largest improvements" not in report
    table = pl.read_csv(out)
    assert table.height == 6
    rates = dict(zip(table["prompt_a"].to_list(), table["rate_b"].to_list(), strict=True))
    assert rates == {"p0": 1.0, **{f"p{i}": 0.0 for i in range(1, 6)}}
    assert set(table["class_a"].to_list()) == {"always"}
    assert sorted(table["class_b"].to_list()) == ["always"] + ["never"] * 5


def test_compare_needs_runs_named_among_three_and_reports_an_unwritable_output(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for run in ("x", "y", "z"):
        write_jsonl(tmp_path / "d" / run / "r.jsonl", [rec("p", run == "x")])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path / "d"), *common]) == 2
    assert "name two with --runs" in capsys.readouterr().err
    (tmp_path / "a_file").write_text("not a directory")
    missing_dir = tmp_path / "a_file" / "out.json"
    code = main(
        ["compare", str(tmp_path / "d"), "--runs", "x", "z", "-o", str(missing_dir), *common]
    )
    assert code == 1
    assert "cannot write" in capsys.readouterr().err
    assert not missing_dir.exists()


def test_runs_are_named_by_a_unique_part_of_their_label(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typing 'Qwen/Qwen3-8B @ 2026-07-08T16-04-34.219874' in full was the only way to pick a
    run: a unique part (any case) names it too, and an ambiguous part lists its matches."""
    from evaltui.data.runs import resolve_run

    runs = ["Qwen/Qwen3-8B @ 2026-07-08T16-04-34", "Qwen/Qwen3-8B @ 2026-07-08T18-15-33", "gpt-4o"]
    assert resolve_run(runs, "16-04") == runs[0] and resolve_run(runs, "GPT") == "gpt-4o"
    assert resolve_run(runs, "gpt-4o") == "gpt-4o"
    with pytest.raises(ValueError, match="matches 2 runs"):
        resolve_run(runs, "qwen3")
    with pytest.raises(ValueError, match="no run 'llama'"):
        resolve_run(runs, "llama")

    for run, solved in (("model-2024-06-01", 3), ("model-2024-06-02", 1), ("other", 0)):
        write_jsonl(tmp_path / run / "r.jsonl", [rec(f"p{i}", i < solved) for i in range(4)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path), "--runs", "06-01", "06-02", *common]) == 0
    report = capsys.readouterr().out
    assert "model-2024-06-01 → model-2024-06-02: -50.0 pts" in report  # by hand: 1/4 - 3/4
    assert main(["compare", str(tmp_path), "--runs", "model", "other", *common]) == 2
    assert "'model' matches 2 runs" in capsys.readouterr().err
    out = tmp_path / "one.jsonl"
    assert (
        main(["export", str(tmp_path), "--run", "06-02", "--records", "-o", str(out), *common]) == 0
    )
    assert len(out.read_text().splitlines()) == 4


def test_with_the_comparison_on_stdout_stdout_holds_it_alone(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaltui compare … -o - | jq`: the report goes to stderr, stdout is the JSON alone (the
    report came first on stdout, and the JSON could not be parsed)."""
    write_jsonl(tmp_path / "d" / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "new" / "r.jsonl", [rec(f"p{i}", i == 0) for i in range(3)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path / "d"), "--runs", "old", "new", "-o", "-", *common]) == 0
    out, err = capsys.readouterr()
    assert [row["prompt_a"] for row in json.loads(out)] == ["p0", "p1", "p2"]
    assert "McNemar" in err and "improved 0 · regressed 2 · unchanged 1" in err


def test_a_run_with_no_scores_gives_no_delta_rather_than_nan(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two logs of one task, one never scored (as Inspect's repro_inspect_merge in real-world/):
    # the headline said "nan, 95% CI [nan, nan], p = 1" (a p-value of nothing), and the
    # transitions told the user to give a --correct-threshold, which scores nothing.
    write_jsonl(tmp_path / "scored" / "r.jsonl", [rec(f"p{i}", i < 2) for i in range(4)])
    write_jsonl(
        tmp_path / "unscored" / "r.jsonl",
        [{"prompt": f"p{i}", "gen": "so \\boxed{1}"} for i in range(4)],
    )
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    code = main(["compare", str(tmp_path), "--runs", "unscored", "scored", *common])
    assert code == 0
    report = capsys.readouterr().out
    first = report.splitlines()[0]
    assert (
        first
        == "unscored → scored: no delta: no prompt is scored in both runs (4 prompts in both runs)"
    )
    assert "nan" not in report and "p = " not in report
    assert "unscored in a run 4" in report
    assert "score of unscored: unscored" in report and "not the same metric" not in report
    assert "transitions: none (a run is unscored" in report and "--correct-threshold" not in report


def test_runs_with_no_prompt_in_common_say_so(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two benchmarks' runs (SkyThought's MATH500 and an aime24 run in real-world/): the headline
    # said "no prompt is scored in both runs (0 prompts in both runs)", not that none is shared.
    write_jsonl(tmp_path / "math" / "r.jsonl", [rec(f"m{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "aime" / "r.jsonl", [rec(f"a{i}", True) for i in range(2)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path), "--runs", "math", "aime", *common]) == 0
    report = capsys.readouterr().out
    assert report.splitlines()[0] == (
        "math → aime: no delta: the runs have no prompt in common (joined on prompt id)"
    )
    assert "only in math: 3 prompts · only in aime: 2 prompts" in report


def test_a_parquet_output_is_parquet(tmp_path: Path, word_tokenizer: Path) -> None:
    """`compare -o cmp.parquet` wrote JSON into the .parquet file (export writes Parquet by the
    suffix; compare now does too)."""
    write_jsonl(tmp_path / "d" / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "new" / "r.jsonl", [rec(f"p{i}", i == 0) for i in range(3)])
    out = tmp_path / "cmp.parquet"
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert (
        main(["compare", str(tmp_path / "d"), "--runs", "old", "new", "-o", str(out), *common]) == 0
    )
    table = pl.read_parquet(out)
    assert table["prompt_a"].to_list() == ["p0", "p1", "p2"]
    assert table["delta"].to_list() == [0.0, -1.0, -1.0]
    manifest = json.loads((tmp_path / "cmp.parquet.evaltui.json").read_text())["evaltui"]
    assert manifest["kind"] == "compare" and manifest["prompts"] == 3


def test_two_links_to_one_run_folder_say_why_one_run_is_loaded(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two run folders linked to one (a slip of ``ln -s``): 'only 1 run loaded (run_17)'
    with no word of the other name, read once and left out; the skipped name comes first."""
    write_jsonl(tmp_path / "data" / "run_17" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B").symlink_to(tmp_path / "data" / "run_17")
    (runs / "meta-llama__Meta-Llama-3.1-70B-Instruct").symlink_to(tmp_path / "data" / "run_17")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["compare", str(runs), *common]) == 2
    err = capsys.readouterr().err
    assert (
        "meta-llama__Meta-Llama-3.1-70B-Instruct/: the same folder as "
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B/ (a link to it): read once\n"
    ) in err
    assert err.endswith(
        "only 1 run loaded (deepseek-ai__DeepSeek-R1-Distill-Qwen-32B): a comparison needs two"
        " (load another run's"
        " files, or give the folder that holds both)\n"
    )


def test_one_run_is_told_it_needs_another_and_stdout_is_named_as_such(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One run loaded said "1 runs loaded (only): name two with --runs A B" (there are no two
    to name); `compare -o -` ended "wrote 3 compared prompts to -" where export says
    "standard output"."""
    write_jsonl(tmp_path / "one" / "only" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["compare", str(tmp_path / "one"), *common]) == 2
    assert capsys.readouterr().err == (
        "evaltui: error: only 1 run loaded (only): a comparison needs two (load another run's"
        " files, or give the folder that holds both)\n"
    )
    write_jsonl(tmp_path / "one" / "other" / "r.jsonl", [rec(f"p{i}", False) for i in range(3)])
    assert main(["compare", str(tmp_path / "one"), "-o", "-", *common]) == 0
    err = capsys.readouterr().err
    assert err.endswith("evaltui: wrote 3 compared prompts to standard output\n")


def test_two_names_of_one_run_are_an_error_not_a_comparison_with_itself(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--runs meta-llama Llama-3.1` (two parts of one long label) compared that run with
    itself: "+0.0 pts … unchanged 3", exit 0."""
    label = "meta-llama__Meta-Llama-3.1-405B-Instruct-FP8"
    write_jsonl(tmp_path / "d" / label / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "other" / "r.jsonl", [rec(f"p{i}", False) for i in range(3)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    code = main(["compare", str(tmp_path / "d"), "--runs", "meta-llama", "Llama-3.1", *common])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        f"evaltui: error: 'meta-llama' and 'Llama-3.1' both name the run '{label}': a comparison"
        " needs two runs\n"
    )


def test_a_run_named_by_whole_words_and_long_run_lists_cut(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Of 100 verl steps, ``--runs "step 10"`` matched step 10 and steps 100-190 ("say which",
    though no other words could say it), and every message listed all 100 runs on one line."""
    from evaltui.data.runs import resolve_run
    from tests.data.test_plain_rollouts import write_verl_step

    steps = [f"val_generations · step {s}" for s in range(0, 1000, 10)]
    assert resolve_run(steps, "step 10") == "val_generations · step 10"
    assert resolve_run(steps, "STEP 0") == "val_generations · step 0"
    with pytest.raises(ValueError) as caught:
        resolve_run(steps, "step 1")  # 10, 100-190: none of them "step 1" as whole words
    assert "matches 11 runs (" in str(caught.value) and "and 1 more): say which" in str(
        caught.value
    )
    with pytest.raises(ValueError) as caught:
        resolve_run(steps, "llama")
    assert str(caught.value).endswith("'val_generations · step 170' and 90 more)")
    for step in range(0, 120, 10):
        write_verl_step(tmp_path / "v" / "val_generations", step, step % 20 == 0)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path / "v"), *common]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "12 runs loaded (" in err and "and 2 more)" in err
    assert main(["compare", str(tmp_path / "v"), "--runs", "step 10", "step 20", *common]) == 0
    assert "improved 3" in capsys.readouterr().out


def test_compare_says_a_bad_line_can_make_a_prompt_only_in_one_run(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """p2's only line in run "new" is bad (a score that is no number), as an errored Inspect
    sample is one: p2 was "only in old (not compared)" as if "new" had never asked it."""
    write_jsonl(tmp_path / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    new = tmp_path / "new" / "r.jsonl"
    write_jsonl(new, [rec("p0", True), rec("p1", False)])
    with new.open("a") as handle:
        handle.write('{"prompt": "p2", "gen": "x", "answer": "1", "accuracy": "maybe"}\n')
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path), "--runs", "old", "new", *common]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    only = next(i for i, line in enumerate(lines) if line.startswith("only in old: 1 prompt"))
    assert lines[only + 1] == (
        "  (the load has 1 bad line (see below): a prompt whose lines are bad in one run counts"
        " as only in the other)"
    )
    assert "1 bad line" in captured.err
    # No bad line: nothing said.
    new.write_text(json.dumps(rec("p0", True)) + "\n")
    assert main(["compare", str(tmp_path), "--runs", "old", "new", *common]) == 0
    assert "bad line" not in capsys.readouterr().out


def test_the_output_names_which_run_is_a_and_which_is_b(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare -o` wrote `rate_a`/`rate_b`, `count_a`/… with no run label anywhere in its rows,
    and its manifest's `runs` list did not say which was A: a script reading the file could not
    tell the runs apart (with `--runs new old` the order is the user's). Each row now names both
    runs, and both outputs' manifests give each run's label and files."""
    write_jsonl(tmp_path / "d" / "old" / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "new" / "r.jsonl", [rec(f"p{i}", i == 0) for i in range(3)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out, summary = tmp_path / "cmp.json", tmp_path / "sum.json"
    argv = ["compare", str(tmp_path / "d"), "--runs", "new", "old", "-o", str(out)]
    assert main([*argv, "--summary-json", str(summary), *common]) == 0
    capsys.readouterr()
    rows = json.loads(out.read_text())
    assert [(r["run_a"], r["run_b"], r["rate_a"], r["rate_b"]) for r in rows] == [
        ("new", "old", 1.0, 1.0),
        ("new", "old", 0.0, 1.0),
        ("new", "old", 0.0, 1.0),
    ]
    assert list(rows[0])[:3] == ["prompt_id", "run_a", "run_b"]
    for path in (out, summary):
        mark = json.loads(path.with_name(path.name + ".evaltui.json").read_text())["evaltui"]
        assert mark["run_a"] == {
            "label": "new",
            "files": [{"source": "new/r.jsonl", "path": str(tmp_path / "d" / "new" / "r.jsonl")}],
        }
        assert mark["run_b"]["label"] == "old"
        assert mark["run_b"]["files"][0]["source"] == "old/r.jsonl"
    # CSV too: the labels are columns.
    csv = tmp_path / "cmp.csv"
    assert main([*argv[:-2], "-o", str(csv), *common]) == 0
    table = pl.read_csv(csv)
    assert table.columns[:3] == ["prompt_id", "run_a", "run_b"]
    assert set(table["run_a"]) == {"new"} and set(table["run_b"]) == {"old"}


def test_the_same_run_named_twice_says_what_names_it(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--runs qwen qwen` said "both name the run 'qwen2.5-7b-instruct'" (both what?): it
    says A and B are both 'qwen', that run; the whole label twice, A and B are that run."""
    label = "qwen2.5-7b-instruct"
    write_jsonl(tmp_path / "d" / label / "r.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "other" / "r.jsonl", [rec(f"p{i}", False) for i in range(3)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    for runs, said in [
        (["qwen", "qwen"], f"A and B are both 'qwen', the run '{label}'"),
        ([label, label], f"A and B are both the run '{label}'"),
    ]:
        code = main(["compare", str(tmp_path / "d"), "--runs", *runs, *common])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err == f"evaltui: error: {said}: a comparison needs two runs\n"


def test_runs_with_no_prompt_in_common_count_nothing(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two runs of different benchmarks: the report said 'improved 0 · regressed 0 ·
    unchanged 0' over a transitions table of zeros, and --summary-json had counts
    {'regressed': 0, …}, which a CI gate on counts.regressed == 0 passed. Nothing is counted:
    the words say why, and the summary has null for both, as for two different measures."""
    write_jsonl(tmp_path / "math" / "r.jsonl", [rec(f"m{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "aime" / "r.jsonl", [rec(f"a{i}", False) for i in range(2)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["compare", str(tmp_path), "--runs", "math", "aime", *common]
    assert main([*argv, "--summary-json", str(tmp_path / "s.json")]) == 0
    report = capsys.readouterr().out.splitlines()
    assert "improved/regressed: none counted (the runs have no prompt in common)" in report
    assert report[-1] == "transitions: none (the runs have no prompt in common)"
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["counts"] is None and summary["transitions"] is None
    assert summary["no_transitions"] == "none (the runs have no prompt in common)"


@pytest.mark.parametrize("unscored", ["a run unscored", "scored on other prompts"])
def test_runs_with_no_prompt_scored_in_both_count_nothing(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str], unscored: str
) -> None:
    """Prompts in common, none scored in both (a run never scored, or each run scored on prompts
    the other left unscored): the report said 'improved 0 · regressed 0 · unchanged 0 ·
    unscored in a run 4' and --summary-json had counts {'regressed': 0, …}, which a CI gate on
    counts.regressed == 0 passed; the second case had a transitions table of zeros too."""

    def unscored_rec(prompt: str) -> dict[str, object]:
        return {"prompt": prompt, "gen": "so \\boxed{1}"}

    if unscored == "a run unscored":
        old = [rec(f"p{i}", i < 2) for i in range(4)]
        new = [unscored_rec(f"p{i}") for i in range(4)]
    else:  # old scored on p0 and p1, new on p2 and p3
        old = [rec(f"p{i}", True) if i < 2 else unscored_rec(f"p{i}") for i in range(4)]
        new = [unscored_rec(f"p{i}") if i < 2 else rec(f"p{i}", False) for i in range(4)]
    write_jsonl(tmp_path / "old" / "r.jsonl", old)
    write_jsonl(tmp_path / "new" / "r.jsonl", new)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["compare", str(tmp_path), "--runs", "old", "new", *common]
    assert main([*argv, "--summary-json", str(tmp_path / "s.json")]) == 0
    report = capsys.readouterr().out.splitlines()
    assert report[0] == (
        "old → new: no delta: no prompt is scored in both runs (4 prompts in both runs)"
    )
    assert (
        "improved/regressed: none counted (no prompt is scored in both runs; unscored in a run 4)"
        in report
    )
    assert not any(line.startswith("improved ") for line in report)
    assert report[-1].startswith("transitions: none (")
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["scored_in_both"] == 0 and summary["prompts_in_common"] == 4
    assert summary["counts"] is None and summary["transitions"] is None
    assert summary["no_transitions"] == report[-1].removeprefix("transitions: ")


def test_listed_prompts_line_up_on_an_ascii_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PYTHONIOENCODING=ascii the listed regressions were laid out with a CJK id measured at
    its 6 cells, then written '\\u9898\\u76ee\\u4e00' (18): its prompt text started 12 cells
    right of the others'. Each cell is measured as it is written, as summarize's text table."""
    import io

    from tests.data.test_formats_inspect_runs import log, write_eval

    def renamed(data: dict[str, object]) -> dict[str, object]:
        # the sample p1 as '题目一', everywhere the log names it
        return json.loads(json.dumps(data, ensure_ascii=False).replace('"p1"', '"题目一"'))

    second = renamed(log("BBB", "2026-01-02T10:00:00"))
    for sample in second["samples"]:  # type: ignore[attr-defined]
        if sample["id"] in ("p0", "题目一") and sample["epoch"] == 1:
            sample["scores"]["match"]["value"] = "I"  # 1/2 -> 0/2
    write_eval(tmp_path / "2026-01-01T10-00-00_toy_AAA.eval", renamed(log("AAA", "2026-01-01")))
    write_eval(tmp_path / "2026-01-02T10-00-00_toy_BBB.eval", second)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii", newline="\n")
    monkeypatch.setattr("sys.stdout", stdout)
    assert main(["compare", str(tmp_path), "--no-cache", "-q"]) == 0
    stdout.flush()
    lines = stdout.buffer.getvalue().decode("ascii").splitlines()  # type: ignore[attr-defined]
    listed = [line for line in lines if line.startswith("  50.0% ->")]
    assert len(listed) == 2, lines
    assert any(":\\u9898\\u76ee\\u4e00  Combien" in line for line in listed), listed
    # Both prompts' texts start in one column (after the ids, padded as written).
    texts = {max(line.find("What is"), line.find("Combien")) for line in listed}
    assert len(texts) == 1, "\n".join(listed)


@pytest.mark.parametrize("runs", [[], ["--runs", "old", "new"]])
def test_a_pattern_that_leaves_one_run_is_named_as_why(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str], runs: list[str]
) -> None:
    """--pattern matched one run's files only: compare said 'give the folder that holds both'
    of the folder that holds both (with --runs: "no run 'new' (runs: 'old')"). It says the
    pattern left one run."""
    write_jsonl(tmp_path / "d" / "old" / "gen_old.jsonl", [rec(f"p{i}", True) for i in range(3)])
    write_jsonl(tmp_path / "d" / "new" / "gen_new.jsonl", [rec(f"p{i}", False) for i in range(3)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["compare", str(tmp_path / "d"), *runs, *common]
    assert main([*argv, "--pattern", "gen_old*"]) == 2
    assert capsys.readouterr() == (
        "",
        "evaltui: error: only 1 run loaded (old): --pattern 'gen_old*' left one run of the "
        "files given; a comparison needs two (a pattern that matches both runs' files, or "
        "none)\n",
    )
    assert main([*argv, "--pattern", "gen_*"]) == 0  # both runs' files: compared
    assert "(McNemar exact test; 3 prompts in both runs)" in capsys.readouterr().out


@pytest.mark.parametrize("order", [("r_mae", "r_mae2"), ("r_mae2", "r_mae")])
def test_two_paths_are_a_and_b_in_the_order_given(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str], order: tuple[str, str]
) -> None:
    """`compare r_mae r_mae2` took A = r_mae2: the files were sorted by their path, compared as
    one text ('r_mae/d' after 'r_mae2/d', the r_mae of 'r_mae2' a prefix of it), and the paths'
    order did not count. Now A, B are the paths as given, and a folder of both lists r_mae
    first (each folder of a path compared apart, in natural order)."""
    write_jsonl(tmp_path / "evals" / "r_mae" / "d.jsonl", [rec("p0", True), rec("p1", True)])
    write_jsonl(tmp_path / "evals" / "r_mae2" / "d.jsonl", [rec("p0", True), rec("p1", False)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    summary = tmp_path / "s.json"
    paths = [str(tmp_path / "evals" / run) for run in order]
    assert main(["compare", *paths, "--summary-json", str(summary), *common]) == 0
    got = json.loads(summary.read_text(encoding="utf-8"))
    assert (got["run_a"], got["run_b"]) == order
    capsys.readouterr()
    summary.unlink()
    assert main(["compare", str(tmp_path / "evals"), "--summary-json", str(summary), *common]) == 0
    got = json.loads(summary.read_text(encoding="utf-8"))
    assert (got["run_a"], got["run_b"]) == ("r_mae", "r_mae2")


def test_a_prompt_id_with_a_line_break_is_shown_with_it(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A prompt id is a name: lm-eval's holds its task's, from the file name, which may hold a
    line break (``samples_toy\nmath_<date>.jsonl``). The largest changes listed it folded to
    one line, ``toy math:0``; its line break is shown as the other names' are (``toy␊math:0``)."""
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "lm_eval"
    source = next((fixture / "outputs" / "run_scripted").glob("*/samples_toy_math_gen_*.jsonl"))
    date = source.name.removeprefix("samples_toy_math_gen_")
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    strict = [r for r in records if r["filter"] == "strict-match"]  # exact_match 1, 1, 1, 0
    for model, records in (
        ("org__old", strict),
        ("org__new", [{**r, "exact_match": 0.0} for r in strict]),
    ):
        write_jsonl(tmp_path / "d" / model / f"samples_toy\nmath_{date}", records)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(tmp_path / "d"), "-o", str(tmp_path / "o.csv"), *common]) == 0
    report = capsys.readouterr().out
    assert "improved 3 · regressed 0 · unchanged 1" in report
    assert [line.split()[3] for line in report.splitlines() if "0.0% → 100.0%" in line] == [
        "toy␊math:0",
        "toy␊math:1",
        "toy␊math:2",
    ]


def test_the_listed_ids_of_one_task_read_apart(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lm-eval's ids ``<task>:<doc_id>`` of a long task name were cut at their end: every
    regression listed read 'negotiationtom_intentio…'. Cut in their middle, the doc ids show."""
    from tests.app.test_name_newlines import write_lm_eval_runs

    root = write_lm_eval_runs(tmp_path / "d", "negotiationtom_intention_of_agent")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["compare", str(root), "--runs", "old", "new", *common]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[3] for line in out.splitlines() if line.startswith("  1")]
    assert listed == [f"negotiation…n_of_agent:{doc}" for doc in range(3)], out
