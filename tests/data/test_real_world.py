"""Published eval outputs of other projects (tests/fixtures/real_world, see SOURCES.md there): the
right runs, prompts, generations, scored counts and means, at the data layer and through the CLI.

Every expected value was worked out from the files themselves, independently of evaltui (each test
says how: line counts, the score fields summed, the harness's own metrics files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.formats.base import ReadOptions
from evaltui.data.loader import LoadOptions, LoadResult, load

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real_world"
NEGOTIATIONTOM = (
    REAL / "lm_eval/lm-evaluation-harness/outputs/qwen3-8b/negotiationtom/Qwen__Qwen3-8B"
)


def load_real(path: Path, **options: Any) -> LoadResult:
    return load([path], LoadOptions(tokenize=False, use_cache=False, **options))


def run_table(result: LoadResult) -> dict[str, tuple[int, int, int, float | None]]:
    """run -> (prompts, generations, scored generations, mean score over scored generations)."""
    out: dict[str, tuple[int, int, int, float | None]] = {}
    for (run,), group in result.generations.group_by("run", maintain_order=True):
        scored = group["accuracy"].drop_nulls()
        mean = round(float(scored.mean()), 4) if scored.len() else None  # type: ignore[arg-type]
        out[str(run)] = (group["prompt_id"].n_unique(), group.height, scored.len(), mean)
    return out


def summarize(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``evaltui summarize PATH`` 's end summary (stderr), with the combined JSON in tmp_path."""
    code = main(["summarize", str(path), "-o", str(tmp_path / "combined.json"), "--no-cache"])
    assert code == 0
    return capsys.readouterr().err


# --- lm-eval --------------------------------------------------------------------------------


def test_lm_eval_two_runs_of_a_task_group_in_one_folder() -> None:
    # Two runs (date ids 16-04-34 and 18-15-33) of the 3-task group negotiationtom, 20 docs per
    # task, one line per doc (filter "none"). The score is the first numeric metric listed:
    # belief/desire `acc` (9 and 12 of 20 lines are 1.0), intention `exact_match` (4 of 20; its
    # first metric micro_f1 is a passthrough list). So each run: 60 prompts, 25/60 = 0.4167.
    result = load_real(NEGOTIATIONTOM)
    assert result.errors == []
    assert sorted(f.source for f in result.skipped_files if f.companion) == [
        "results_2026-07-08T16-04-34.219874.json",
        "results_2026-07-08T18-15-33.115417.json",
    ]
    assert run_table(result) == {
        "Qwen/Qwen3-8B @ 2026-07-08T16-04-34.219874": (60, 60, 60, 0.4167),
        "Qwen/Qwen3-8B @ 2026-07-08T18-15-33.115417": (60, 60, 60, 0.4167),
    }


def test_a_label_over_two_lm_eval_runs_in_one_folder_says_it_pools_them() -> None:
    # --label names every file's run: the two runs (two date ids) are read as one, each doc's
    # two lines its "two samples" (pass@2 over two separate evaluations). It was said only of
    # plain files; these pooled without a word.
    result = load_real(NEGOTIATIONTOM, read=ReadOptions(label="deepseek-ai/DeepSeek-R1"))
    assert run_table(result) == {"deepseek-ai/DeepSeek-R1": (60, 120, 120, 0.4167)}
    assert any(
        note.startswith(
            "--label 'deepseek-ai/DeepSeek-R1' names every file's run: 6 files that are 2 runs"
            " without it are read under it, so their samples are pooled per prompt"
        )
        for note in result.notes
    ), result.notes
    # one run of them under a label: what the label is for, nothing said
    one = [p for p in NEGOTIATIONTOM.glob("samples_*") if "16-04-34" in p.name]
    result = load(one, LoadOptions(tokenize=False, use_cache=False, read=ReadOptions(label="x")))
    assert not any("names every file's run" in note for note in result.notes), result.notes


def test_lm_eval_two_runs_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = summarize(NEGOTIATIONTOM, tmp_path, capsys)
    assert (
        "runs         2\n" in err and "prompts      60 in 2 runs (120 rows, run × prompt)\n" in err
    )
    assert "accuracy     0.4167" in err
    combined = json.loads((tmp_path / "combined.json").read_text(encoding="utf-8"))
    assert len(combined) == 120 and {row["count"] for row in combined} == {1}
    assert main(["compare", str(NEGOTIATIONTOM), "--no-cache", "-q"]) == 0
    assert "60 prompts in both runs" in capsys.readouterr().out


def test_runs_are_never_merged_into_extra_samples() -> None:
    # Whatever the folder, a (run, prompt) of these one-generation-per-doc files has one sample.
    result = load_real(NEGOTIATIONTOM)
    assert result.stats.filter(pl.col("count") > 1).height == 0


# --- OpenCompass ----------------------------------------------------------------------------

COREV2 = REAL / "opencompass/opencompass/trash/corev2/subject/20231208_194351"


def test_opencompass_subjective_judge_output_is_not_a_model() -> None:
    # predictions/<model>/COREV2_6A_.json: keys "0".."7" for each of the two models, no
    # results/<model>/ details (the run is judged pairwise): 8 unscored generations per model.
    # results/baichuan2-7b-chat-hf_qwen-7b-chat-hf/COREV2_6A_.json is the judge's verdicts.
    result = load_real(COREV2)
    assert result.errors == []
    assert [(f.source, f.companion) for f in result.skipped_files] == [
        ("results/baichuan2-7b-chat-hf_qwen-7b-chat-hf/COREV2_6A_.json", True)
    ]
    assert run_table(result) == {
        "baichuan2-7b-chat-hf": (8, 8, 0, None),
        "qwen-7b-chat-hf": (8, 8, 0, None),
    }


def test_opencompass_subjective_run_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = summarize(COREV2, tmp_path, capsys)
    assert "runs         2\n" in err and "prompts      8 in 2 runs (16 rows, run × prompt)\n" in err
    assert "1 companion" in err


# --- SkyThought -----------------------------------------------------------------------------

SKY_TOOLS = (
    REAL
    / "skythought/SkyThought/skythought/tools"
    / "Qwen2.5-32B-Instruct_MATH500_test_None_0_-1_still2_sys_zero.json"
)


def test_skythought_tools_results_show_the_problem() -> None:
    # 500 entries keyed by the problem text, one response at temperature 0.0 each; 370 have
    # "correctness": true (counted with json + sum). Every `prompt` starts with the template
    # "Return your final response within \\boxed{{}}."; the problem is in `problem`.
    data = json.loads(SKY_TOOLS.read_text(encoding="utf-8"))
    result = load_real(SKY_TOOLS)
    assert result.errors == []
    assert run_table(result) == {"Qwen2.5-32B-Instruct": (500, 500, 500, 0.74)}
    prompts = result.generations["prompt"].to_list()
    assert prompts == [entry["problem"] for entry in data.values()]
    assert not any(p.startswith("Return your final response") for p in prompts)


def test_predictions_kept_in_a_folder_called_results_are_still_read(tmp_path: Path) -> None:
    # Only a results/ beside predictions/ (an OpenCompass work dir) holds judge output.
    import shutil

    copy = tmp_path / "results" / "my-eval" / "qwen-7b-chat-hf"
    shutil.copytree(COREV2 / "predictions" / "qwen-7b-chat-hf", copy)
    result = load_real(tmp_path / "results")
    assert run_table(result) == {"qwen-7b-chat-hf": (8, 8, 0, None)}


def test_skythought_tools_results_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = summarize(SKY_TOOLS, tmp_path, capsys)
    # 500 problems, 370 correct (see above)
    assert "runs         1\n" in err and "prompts      500\n" in err
    assert "accuracy     0.7400" in err
    combined = json.loads((tmp_path / "combined.json").read_text(encoding="utf-8"))
    assert not any(row["prompt"].startswith("Return your final response") for row in combined)


def test_inspect_separate_logs_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # repro_inspect_merge (see test_formats_inspect_runs): 3 runs, 10 + 10 + 1 prompts; scored
    # generations: 8 of 10 correct and 1 of 1 -> 9/11 = 0.8182; the .json copy is a note.
    err = summarize(REAL / "repro_inspect_merge", tmp_path, capsys)
    assert (
        "runs         3\n" in err and "prompts      10 in 3 runs (21 rows, run × prompt)\n" in err
    )
    assert "accuracy     0.8182 pooled over every run's scored generations; by run:\n" in err
    # Each run's own accuracy (the unscored run has none), labels aligned.
    assert "  openai/gpt-4o-mini @ 2025-02-11T15:18:04-05:00  0.8000\n" in err
    assert "  ollama/gemma3                                   1.0000\n" in err
    assert "log_read_sample.json: the same Inspect log as log_read_sample.eval" in err
