"""lm-evaluation-harness --log_samples, on files the harness itself wrote (lm-eval 0.4.13), and on
variants built from them the way older/other harness set-ups write (pre-0.4.7, ≤0.4.2 JSON arrays,
chat templates, predict-only, 0.5.0.dev1 scores_per_repeat).

Expected values were worked out by reading the fixture files line by line (each test says how):
``results_<date>.json`` names the model ``toy-org/scripted-model-v1`` and the tasks' filter lists;
every samples line holds ``doc_id``, ``filter``, ``resps`` (the k repeats), ``filtered_resps`` and
the metric values listed in ``metrics``.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.base import ReadResult
from evaltui.data.formats.lm_eval import LmEvalReader
from evaltui.data.loader import LoadOptions, load
from tests.data.damage import damaged

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "lm_eval"
RUN_DIR = FIXTURES / "outputs" / "run_scripted"
MODEL_DIR = RUN_DIR / "toy-org__scripted-model-v1"
DATE = "2026-11-23T19-49-48.073567"
RESULTS = MODEL_DIR / f"results_{DATE}.json"
MODEL = "toy-org/scripted-model-v1"  # results JSON model_name, not the sanitized folder name
READER = LmEvalReader()


def samples(task: str) -> Path:
    return MODEL_DIR / f"samples_{task}_{DATE}.jsonl"


def read(path: Path) -> ReadResult:
    return READER.read(path, path.name, ReadOptions())


def read_clean(task: str) -> pl.DataFrame:
    result = read(samples(task))
    assert result.errors == []
    return result.frame


def records(task: str) -> list[dict[str, Any]]:
    lines = samples(task).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def by_run(frame: pl.DataFrame, column: str) -> dict[str, list[Any]]:
    """``column`` per run label, rows in file order."""
    return {
        str(run): group[column].to_list()
        for (run,), group in frame.group_by("run", maintain_order=True)
    }


def test_reader_identity() -> None:
    assert READER.name == "lm_eval"
    assert {".jsonl", ".json"} <= set(READER.extensions)


def test_generate_until_one_run_per_filter() -> None:
    frame = read_clean("toy_math_gen")
    # 8 lines = 4 docs x filters strict-match then flexible-extract, repeats: 1 -> one generation
    # per line. exact_match per line: 1, 1, 1, 0 for both filters (doc 3 extracts "6.0" for 6).
    assert frame.height == 8
    assert by_run(frame, "accuracy") == {
        f"{MODEL} · strict-match": [1.0, 1.0, 1.0, 0.0],
        f"{MODEL} · flexible-extract": [1.0, 1.0, 1.0, 0.0],
    }
    assert by_run(frame, "prompt_id")[f"{MODEL} · strict-match"] == [
        "toy_math_gen:0",
        "toy_math_gen:1",
        "toy_math_gen:2",
        "toy_math_gen:3",
    ]
    assert frame["prompt_id"].n_unique() == 4  # the same docs under both filters
    assert frame["line"].to_list() == list(range(1, 9))
    assert frame["sample"].to_list() == [0] * 8
    assert frame["prompt_score"].null_count() == 8  # one generation: its own score is enough
    # filtered_resps[0] is the extracted answer; target the reference; resps[0][0] the text.
    assert frame["extracted"].to_list()[:4] == ["5.", "42.", "15.", "6.0"]
    assert frame["answer"].to_list()[:4] == ["5", "42", "15", "6"]
    assert frame["prompt"][0] == "Question: What is 2 + 3?\nAnswer:"
    assert frame["gen"][0] == " The answer is 5."
    assert frame["gen"][3] == " 4 × 1.5 = 6.0\nThe answer is 6.0"


def test_offsets_give_back_each_original_line() -> None:
    path = samples("toy_math_gen")
    frame = read_clean("toy_math_gen")
    raw_lines = path.read_bytes().split(b"\n")
    starts = [0]
    for raw in raw_lines[:-1]:
        starts.append(starts[-1] + len(raw) + 1)
    assert frame["offset"].to_list() == starts[:8]
    rows = list(zip(frame["line"].to_list(), frame["offset"].to_list(), strict=True))
    assert list(READER.records(path, rows)) == [r.decode("utf-8") for r in raw_lines[:8]]


def test_repeats_with_reducing_filters_keep_the_doc_metric_as_prompt_score() -> None:
    result = read(samples("toy_math_maj"))
    assert result.errors == []
    frame = result.frame
    # repeats: 4 -> 4 generations per line, 12 lines (4 docs x score-first, maj@4, maj@2) = 48.
    # exact_match scores the filtered answer, not one repeat: generations unscored, the metric is
    # the prompt's score. Per filter (lines 1-4, 5-8, 9-12): score-first 1,1,1,0 (doc 3's first
    # repeat says 6.0); maj@4 1,1,1,1 (three of four say 6); maj@2 1,1,1,0 (6.0 vs 6, first wins).
    assert frame.height == 48
    assert frame["accuracy"].null_count() == 48
    per_doc = frame.group_by("run", "prompt_id", maintain_order=True).agg(
        pl.col("prompt_score").first(), pl.len().alias("k"), pl.col("sample")
    )
    assert by_run(per_doc, "prompt_score") == {
        f"{MODEL} · score-first": [1.0, 1.0, 1.0, 0.0],
        f"{MODEL} · maj@4": [1.0, 1.0, 1.0, 1.0],
        f"{MODEL} · maj@2": [1.0, 1.0, 1.0, 0.0],
    }
    assert per_doc["k"].to_list() == [4] * 12
    assert per_doc["sample"].to_list() == [[0, 1, 2, 3]] * 12
    # resps[0] of doc 1, in order
    assert frame["gen"].to_list()[4:8] == [
        " 7 × 6 = 42. The answer is 42.",
        " The answer is 42.",
        " Réponse : 36. The answer is 36.",
        " 42",
    ]
    # The user is told, once per filter, that exact_match belongs to the document.
    assert len(result.notes) == 3
    assert all("exact_match" in n and "prompt_score" in n for n in result.notes)
    assert any("maj@4: exact_match" in n for n in result.notes)


def test_pass_at_k_filter_rescored_per_repeat_when_it_matches_the_harness() -> None:
    result = read(samples("toy_math_passk"))
    frame = result.frame
    # filtered_resps keeps each repeat's answer; exact match with the target:
    # doc 0 5,6,5,5 -> 1,0,1,1 (acc 0.75 = 3/4); doc 1 42,42,36,[invalid] -> 1,1,0,0 (acc 0.5);
    # doc 2 15,35,15,15 -> 1,0,1,1 (0.75); doc 3 6.0,6,6,6 -> 0,1,1,1 (0.75). Each count agrees
    # with the harness's acc, so the per-repeat scores are trusted; acc is the prompt's score.
    assert frame["run"].unique().to_list() == [f"{MODEL} · all-extracted"]
    assert frame["accuracy"].to_list() == [1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1]
    # "[invalid]" is the filter's fallback when it finds no answer: no extracted answer (was
    # the answer "[invalid]", counted by votes and never flagged as "no answer"), with a note.
    assert frame["extracted"].to_list()[4:8] == ["42", "42", "36", None]
    assert frame["prompt_score"].to_list()[::4] == [0.75, 0.5, 0.75, 0.75]
    assert len(result.notes) == 3 and "acc" in result.notes[0]
    assert result.notes[1].endswith(
        "toy_math_passk: 1 generation without an extracted answer: the filter found none"
        " ('[invalid]', its fallback)"
    )
    assert result.notes[2].endswith(
        ": scored by 'acc'; its records also have 'pass@4', 'n_correct' (--metric pass@4 to "
        "score by that instead)"
    )


def test_pass_at_k_not_rescored_when_exact_match_disagrees(tmp_path: Path) -> None:
    # The same file with acc claiming 4/4 for doc 0: exact match finds 3, so no per-repeat scores.
    lines = [json.dumps(r, ensure_ascii=False) for r in records("toy_math_passk")]
    doc0 = json.loads(lines[0])
    doc0["acc"] = 1.0
    lines[0] = json.dumps(doc0, ensure_ascii=False)
    path = tmp_path / f"samples_toy_math_passk_{DATE}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read(path).frame
    assert frame["accuracy"].to_list()[:4] == [None] * 4
    assert frame["prompt_score"].to_list()[0] == 1.0
    assert frame["accuracy"].to_list()[4:8] == [1, 1, 0, 0]  # doc 1 still agrees


def test_multiple_choice_generation_is_the_chosen_continuation() -> None:
    frame = read_clean("toy_mc")
    # doc 0: log-likelihoods -0.67, -0.01, -3.43 -> choice 1 " Mars", target "1" (Mars), acc 1;
    # doc 1: -0.01, -3.582, -1.254 -> choice 0 " Rome", target "0" (Rome), acc 1.
    assert frame["run"].to_list() == [MODEL, MODEL]  # filter "none": just the model
    assert frame["prompt_id"].to_list() == ["toy_mc:0", "toy_mc:1"]
    assert frame["gen"].to_list() == ["Mars", "Rome"]
    # The choice is written as the reference is, so votes read alike and `exact` can match them.
    assert frame["extracted"].to_list() == ["1: Mars", "0: Rome"]
    assert frame["answer"].to_list() == ["1: Mars", "0: Rome"]
    assert frame["accuracy"].to_list() == [1.0, 1.0]
    assert frame["prompt"][1] == "Question: Quelle est la capitale de l'Italie ?\nAnswer:"


def test_exact_rescoring_of_multiple_choice_agrees_with_acc(tmp_path: Path) -> None:
    """The model's choice was extracted as its index ("1") against the reference "1: Mars":
    `rescore --scorer exact` turned every correct multiple-choice answer wrong."""
    from evaltui.data.loader import LoadOptions, load
    from evaltui.data.rescore import RescoreOptions, rescore

    folder = tmp_path / "mc"
    folder.mkdir()
    path = folder / f"samples_toy_mc_{DATE}.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records("toy_mc")) + "\n",
        encoding="utf-8",
    )
    result = load([folder], LoadOptions(use_cache=False, tokenize=False))
    got = rescore(result, RescoreOptions("exact", use_cache=False))
    assert got.scores["new_accuracy"].to_list() == [1.0, 1.0]


def yes_no_record(**metrics: Any) -> dict[str, Any]:
    """A two-choice record whose raw log-likelihoods pick " Yes" (-2.0 > -6.0) but, per
    character (acc_norm: -2/3 < -6/22), the long choice " No, it is not the case"."""
    return {
        "doc_id": 0,
        "doc": {"question": "Is it?"},
        "target": "1",
        "arguments": {
            f"gen_args_{i}": {"arg_0": "Is it?\nAnswer:", "arg_1": choice}
            for i, choice in enumerate([" Yes", " No, it is not the case"])
        },
        "resps": [[["-2.0", "False"]], [["-6.0", "False"]]],
        "filtered_resps": [["-2.0", "False"], ["-6.0", "False"]],
        "filter": "none",
        **metrics,
    }


def test_multiple_choice_scored_by_acc_norm_alone_shows_the_choice_acc_norm_made(
    tmp_path: Path,
) -> None:
    # The Open LLM Leaderboard v2 tasks (leaderboard_bbh_*, leaderboard_gpqa_*, leaderboard_musr_*)
    # list metrics ["acc_norm"]: lm-eval's process_results picks argmax(lls / len(choice)),
    # the choices being the continuations after the target delimiter " ". Here raw
    # log-likelihoods pick " Yes" (-2.0 > -6.0) but per character -2/3 < -6/22 picks the long
    # choice, the gold one: acc_norm 1.0. The generation shown must be that choice.
    record = yes_no_record(metrics=["acc_norm"], acc_norm=1.0)
    folder = tmp_path / "org__m"
    folder.mkdir()
    path = folder / f"samples_leaderboard_bbh_toy_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    frame = read_clean_path(path)
    assert frame.select("gen", "extracted", "answer", "accuracy", "metric").rows() == [
        (
            "No, it is not the case",
            "1: No, it is not the case",
            "1: No, it is not the case",
            1.0,
            "acc_norm",
        )
    ]
    # Scored by acc first (acc 0.0 here), the choice is acc's: the highest log-likelihood.
    record.update(metrics=["acc", "acc_norm"], acc=0.0)
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    frame = read_clean_path(path)
    assert frame.select("gen", "extracted", "accuracy", "metric").rows() == [
        ("Yes", "0: Yes", 0.0, "acc")
    ]


def test_metric_names_the_score_of_a_task_that_logs_several(tmp_path: Path) -> None:
    """``--metric``: which of a record's metrics scores it. A multiple-choice task logging acc
    and acc_norm was scored by acc alone (its first), with no way to see acc_norm's choices and
    scores; truthfulqa_gen's bleu_acc (the 0/1 metric people report) could not be chosen over
    its first, bleu_max (0-100). Unknown names are said, and the file keeps its main metric."""
    record = yes_no_record(metrics=["acc", "acc_norm"], acc=0.0, acc_norm=1.0)
    path = tmp_path / "org__m" / f"samples_leaderboard_bbh_toy_{DATE}.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")

    def scored(metric: str | None) -> tuple[list[tuple[Any, ...]], list[str]]:
        result = READER.read(path, path.name, ReadOptions(metric=metric))
        assert result.errors == []
        return result.frame.select("gen", "extracted", "accuracy", "metric").rows(), result.notes

    rows, notes = scored(None)
    assert rows == [("Yes", "0: Yes", 0.0, "acc")]
    assert notes == [
        f"{path.name}: scored by 'acc'; its records also have 'acc_norm' (--metric acc_norm to "
        "score by that instead)"
    ]
    # acc_norm's choice (per character, see the test above) and its score
    rows, notes = scored("acc_norm")
    assert rows == [("No, it is not the case", "1: No, it is not the case", 1.0, "acc_norm")]
    assert notes == []
    rows, notes = scored("bleu_acc")
    assert rows == [("Yes", "0: Yes", 0.0, "acc")]
    assert notes == [
        f"{path.name}: --metric bleu_acc is no score of 1 record; scored by 'acc' (they also "
        "have 'acc_norm')"
    ]
    # The cache tells the two apart: a load with --metric never takes a load without it.
    cache = tmp_path / "cache"
    for metric, expected in ((None, 0.0), ("acc_norm", 1.0), (None, 0.0)):
        options = LoadOptions(tokenize=False, cache_dir=cache, read=ReadOptions(metric=metric))
        assert load([path.parent], options).stats["average_accuracy"].to_list() == [expected]


def test_metric_on_files_of_no_lm_eval_run_is_said_to_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m" / "out.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps({"prompt": "p", "gen": "g", "answer": "a", "accuracy": 1}) + "\n")
    read = ReadOptions(metric="acc_norm")
    notes = load([path], LoadOptions(tokenize=False, use_cache=False, read=read)).notes
    assert (
        "--metric acc_norm names an lm-eval or lighteval metric, a key of a plain file's dict"
        " of scores or a reward function's column: no file read is lm-eval samples, lighteval"
        " details or scored by such a key, so it changed nothing"
    ) in (" ".join(notes))
    with_lm_eval = load([MODEL_DIR, path], LoadOptions(tokenize=False, use_cache=False, read=read))
    assert not any("names an lm-eval or lighteval metric" in note for note in with_lm_eval.notes)
    # the lm-eval tasks that log no acc_norm say so (toy_mc logs it)
    assert any("--metric acc_norm is no score of" in note for note in with_lm_eval.notes)
    assert not any("toy_mc" in note and "--metric" in note for note in with_lm_eval.notes), (
        with_lm_eval.notes
    )


def test_metric_on_a_published_truthfulqa_gen_file(tmp_path: Path) -> None:
    """The published truthfulqa_gen samples (lm-eval 0.4.8; 11 metrics per record, bleu_max
    first): ``--metric bleu_acc`` scores each doc by its own bleu_acc value, as an accuracy."""
    real = FIXTURES.parents[1] / "real_world" / "lm_eval"
    found = sorted(real.rglob("samples_truthfulqa_gen_*.jsonl"))
    assert len(found) == 1
    lines = [json.loads(line) for line in found[0].read_text(encoding="utf-8").splitlines()]
    result = READER.read(found[0], found[0].name, ReadOptions(metric="bleu_acc"))
    # Its results file beside it says doc_to_target " ": no reference, one note (readers36).
    assert result.errors == [] and len(result.notes) == 1
    assert "constant doc_to_target (' '), no reference" in result.notes[0]
    frame = result.frame
    assert frame["metric"].unique().to_list() == ["bleu_acc"]
    assert frame["accuracy"].to_list() == [float(r["bleu_acc"]) for r in lines]
    default = read(found[0])
    assert default.frame["metric"].unique().to_list() == ["bleu_max"]
    assert "--metric bleu_acc to score by that instead" in default.notes[-1]


def test_multiple_choice_target_written_as_the_choice_text_is_that_choice(tmp_path: Path) -> None:
    """A task whose doc_to_target is the gold choice's text (leaderboard_gpqa: "(B)" among
    doc_to_choice ["(A)", "(B)"]; lm-eval scores it as ``choices.index(gold)``) logs "target":
    "(B)". It was shown as is while the model's choice read "1: (B)": `rescore --scorer exact`
    turned the correct answer wrong, and votes never matched the reference."""
    from evaltui.data.rescore import RescoreOptions, rescore

    record = {
        "doc_id": 0,
        "doc": {"question": "Which?"},
        "target": "(B)",
        "arguments": {
            f"gen_args_{i}": {"arg_0": "Which?\nAnswer:", "arg_1": f" ({letter})"}
            for i, letter in enumerate("AB")
        },
        "resps": [[["-5.0", "False"]], [["-1.0", "True"]]],
        "filtered_resps": [["-5.0", "False"], ["-1.0", "True"]],
        "filter": "none",
        "metrics": ["acc_norm"],
        "acc_norm": 1.0,
    }
    folder = tmp_path / "org__m"
    folder.mkdir()
    path = folder / f"samples_leaderboard_gpqa_toy_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.generations.select("gen", "extracted", "answer", "accuracy").rows() == [
        ("(B)", "1: (B)", "1: (B)", 1.0)
    ]
    rescored = rescore(result, RescoreOptions("exact", use_cache=False)).scores
    assert rescored["new_accuracy"].to_list() == [1.0]


def mutual_info_record(metrics: list[str], **values: float) -> dict[str, Any]:
    """A multiple-choice record of a task whose metric_list holds ``acc_mutual_info``, as
    ConfigurableTask writes it: construct_requests adds each choice without the context,
    ``("", choice)``, after the choices (6 requests for 3 choices), and process_results compares
    the first 3 log-likelihoods for acc and acc_norm, and ll(choice | context) - ll(choice) for
    acc_mutual_info. Here acc picks "yes" (-1.0 highest of -1.0, -1.5, -3.0), mutual
    information "maybe" (-1.0+0.5, -1.5+4.0, -3.0+6.0 = -0.5, 2.5, 3.0), the gold choice (2).
    The raw highest of all six is "yes" alone (-0.5), which is no choice of the model's."""
    context = "Q: Is the sky blue?\nA:"
    arguments = [(context, f" {c}") for c in ("yes", "no", "maybe")]
    arguments += [("", c) for c in ("yes", "no", "maybe")]
    lls = ["-1.0", "-1.5", "-3.0", "-0.5", "-4.0", "-6.0"]
    return {
        "doc_id": 0,
        "doc": {"question": "Is the sky blue?", "label": 2},
        "target": "2",
        "arguments": {
            f"gen_args_{i}": {"arg_0": arg_0, "arg_1": arg_1}
            for i, (arg_0, arg_1) in enumerate(arguments)
        },
        "resps": [[[ll, "False"]] for ll in lls],
        "filtered_resps": [[ll, "False"] for ll in lls],
        "filter": "none",
        "metrics": metrics,
        **values,
    }


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        # scored by acc_mutual_info alone: the choice mutual information made, the gold one
        (["acc_mutual_info"], ("maybe", "2: maybe", "2: maybe", 1.0, "acc_mutual_info")),
        # scored by acc first (metrics in process_results' order): acc's choice among the three
        (["acc", "acc_mutual_info"], ("yes", "0: yes", "2: maybe", 0.0, "acc")),
        # acc_norm: per character, -1.0/3, -1.5/2, -3.0/5: "yes" again, never "yes" alone
        (["acc_norm", "acc_mutual_info"], ("yes", "0: yes", "2: maybe", 0.0, "acc_norm")),
    ],
)
def test_multiple_choice_with_mutual_information_chooses_among_the_choices(
    tmp_path: Path, metrics: list[str], expected: tuple[Any, ...]
) -> None:
    # It was: the highest of all six log-likelihoods, the unconditional "yes" (request 3), shown
    # as the choice "3: yes", whatever the metric.
    values = {"acc": 0.0, "acc_norm": 0.0, "acc_mutual_info": 1.0}
    record = mutual_info_record(metrics, **{m: values[m] for m in metrics})
    folder = tmp_path / "org__m"
    folder.mkdir()
    path = folder / f"samples_copa_mi_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    frame = read_clean_path(path)
    assert frame.select("gen", "extracted", "answer", "accuracy", "metric").rows() == [expected]
    assert frame["prompt"].to_list() == ["Q: Is the sky blue?\nA:"]


def test_wrong_multiple_choice_scores_zero(tmp_path: Path) -> None:
    # Doc 0 with Venus most likely: the generation is Venus and acc (as the harness would write) 0.
    record = records("toy_mc")[0]
    record["resps"] = [[["-0.01", "True"]], [["-0.67", "False"]], [["-3.4", "False"]]]
    record["acc"] = 0.0
    path = tmp_path / f"samples_toy_mc_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    frame = read(path).frame
    assert frame.select("gen", "extracted", "answer", "accuracy").rows() == [
        ("Venus", "0: Venus", "1: Mars", 0.0)
    ]


def test_load_the_output_dir_skips_the_results_file() -> None:
    result = load([RUN_DIR], LoadOptions(tokenize=False))
    assert [f.format for f in result.read_files] == ["lm_eval"] * 4
    assert [(f.source, f.companion) for f in result.skipped_files] == [
        (f"toy-org__scripted-model-v1/results_{DATE}.json", True)
    ]
    assert result.errors == []
    # generations: gen 8 + maj 48 + passk 16 + mc 2; runs: 2 + 3 + 1 filters + the MC model.
    assert result.generations.height == 74
    assert result.stats["run"].n_unique() == 7
    assert result.stats.height == 4 * 6 + 2  # (run, prompt) pairs


def test_two_runs_of_a_task_in_one_folder_are_told_apart_by_date(tmp_path: Path) -> None:
    # The harness names every file of a run by its date id; a second run of toy_mc into the same
    # folder must not merge with the first (each doc would look like two samples). One run is one
    # date id: the first run's other tasks carry its date too, so it stays one run.
    folder = tmp_path / MODEL_DIR.name
    shutil.copytree(MODEL_DIR, folder)
    later = "2026-11-24T08-00-00.000001"
    shutil.copy(samples("toy_mc"), folder / f"samples_toy_mc_{later}.jsonl")
    shutil.copy(RESULTS, folder / f"results_{later}.json")
    result = load([folder], LoadOptions(tokenize=False))
    assert result.errors == []
    mc_runs = result.stats.filter(pl.col("prompt_id").str.starts_with("toy_mc:"))["run"]
    assert sorted(mc_runs.unique().to_list()) == [f"{MODEL} @ {DATE}", f"{MODEL} @ {later}"]
    # toy_mc has 2 docs, one generation each, in each run: never 2 "samples" of one doc.
    mc = result.stats.filter(pl.col("prompt_id").str.starts_with("toy_mc:"))
    assert mc["count"].to_list() == [1, 1, 1, 1]
    gen_runs = result.stats.filter(pl.col("prompt_id").str.starts_with("toy_math_gen:"))["run"]
    assert sorted(gen_runs.unique().to_list()) == [
        f"{MODEL} @ {DATE} · flexible-extract",
        f"{MODEL} @ {DATE} · strict-match",
    ]  # the first run's other task: its date too
    assert not any(" @ " not in run for run in result.stats["run"].to_list())


def test_a_run_without_its_results_file_reads_the_same_model(tmp_path: Path) -> None:
    # lm-eval ≥0.4.3 writes a run into <output_path>/<model_name with "/" as "__">/ (its
    # EvaluationTracker: sanitize_model_name), and results_<date>.json names the model itself.
    # The samples alone (results file lost, or a run cut before writing it) are the same model,
    # not a second one called "toy-org__scripted-model-v1".
    alone = tmp_path / "copied" / MODEL_DIR.name
    alone.mkdir(parents=True)
    shutil.copy(samples("toy_math_gen"), alone)
    with_results = by_run(read_clean("toy_math_gen"), "accuracy")
    without = by_run(read_clean_path(alone / samples("toy_math_gen").name), "accuracy")
    assert list(without) == [f"{MODEL} · strict-match", f"{MODEL} · flexible-extract"]
    assert without == with_results
    assert READER.run_identity(alone / samples("toy_math_gen").name, ReadOptions()) == (
        READER.run_identity(samples("toy_math_gen"), ReadOptions())
    )
    # A local model path (pretrained=/models/ckpt-1) is "__models__ckpt-1" on disk.
    local = tmp_path / "__models__ckpt-1"
    local.mkdir()
    shutil.copy(samples("toy_mc"), local)
    assert set(read_clean_path(local / samples("toy_mc").name)["run"]) == {"/models/ckpt-1"}
    # A folder named otherwise is its name, underscores and all.
    plain = tmp_path / "my_run"
    plain.mkdir()
    shutil.copy(samples("toy_mc"), plain)
    assert set(read_clean_path(plain / samples("toy_mc").name)["run"]) == {"my_run"}


@pytest.mark.parametrize("task", ["toy_math_gen", "mytask_toy_math_gen", "leaderboard_math_hard"])
def test_a_date_id_without_microseconds_still_splits_task_and_date(
    tmp_path: Path, task: str
) -> None:
    # The date id is datetime.now().isoformat() with ":" as "-": on a whole second isoformat()
    # writes no fraction (2026-11-24T08-00-00), and the harness reads its own names by the
    # last "_" (get_file_task_name). The task is the whole name between "samples_" and the
    # date, the model the results file's of that date. It was: the file read as a <=0.4.2 one,
    # its task the whole stem ("samples_mytask_toy_math_gen_2026-11-24T08-00-00") and no run date.
    whole_second = "2026-11-24T08-00-00"
    folder = tmp_path / MODEL_DIR.name
    folder.mkdir()
    path = folder / f"samples_{task}_{whole_second}.jsonl"
    shutil.copy(samples("toy_math_gen"), path)
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["model_name"] = "org/from-results"
    (folder / f"results_{whole_second}.json").write_text(json.dumps(results), encoding="utf-8")
    frame = read_clean_path(path)
    assert set(frame["prompt_id"]) == {f"{task}:{doc}" for doc in range(4)}
    assert set(frame["run"]) == {
        "org/from-results · strict-match",
        "org/from-results · flexible-extract",
    }
    identity = READER.run_identity(path, ReadOptions())
    assert identity is not None
    assert (identity.label, identity.key, identity.task) == ("org/from-results", whole_second, task)
    assert detect(folder / f"results_{whole_second}.json").companion


def test_a_results_file_with_a_byte_order_mark_names_the_run(tmp_path: Path) -> None:
    # A results JSON saved again by a Windows editor opens with a UTF-8 byte order mark. It was
    # taken for absent without a word: the run labelled by its folder's name.
    folder = tmp_path / "saved_by_hand"
    folder.mkdir()
    shutil.copy(samples("toy_math_gen"), folder)
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["model_name"] = "org/from-results"
    (folder / RESULTS.name).write_text(json.dumps(results), encoding="utf-8-sig")
    assert (folder / RESULTS.name).read_bytes().startswith(b"\xef\xbb\xbf")
    frame = read_clean_path(folder / samples("toy_math_gen").name)
    assert list(by_run(frame, "accuracy")) == [
        "org/from-results · strict-match",
        "org/from-results · flexible-extract",
    ]
    assert detect(folder / RESULTS.name).companion


MID_2024 = FIXTURES / "mid2024_json" / "meta-llama__Meta-Llama-3-8B-Instruct"
MID_DATES = ("2024-06-01T10-00-00.000001", "2024-06-02T11-30-00.000002")
LLAMA = "meta-llama/Meta-Llama-3-8B-Instruct"


def test_mid_2024_json_named_samples_take_task_and_date_from_the_name() -> None:
    # samples_asdiv_<date>.json holds JSON lines (lm-eval main, mid 2024): the task is asdiv
    # (prompt ids asdiv:<doc_id>), not the whole file stem.
    path = MID_2024 / f"samples_asdiv_{MID_DATES[0]}.json"
    detected = detect(path).reader
    assert detected is not None and detected.name == "lm_eval"
    result = read(path)
    assert result.errors == []
    # 10 lines = doc_id 0..9, one loglikelihood-free generation each, acc 1 on every line.
    assert result.frame["prompt_id"].to_list() == [f"asdiv:{i}" for i in range(10)]
    assert result.frame["accuracy"].to_list() == [1.0] * 10
    # model_name from the results file of the same date; the run is its date id (two runs of
    # asdiv here: the load dates their labels, see the next test).
    assert set(result.frame["run"]) == {LLAMA}
    identity = detected.run_identity(path, ReadOptions())
    assert identity is not None
    assert (identity.label, identity.key, identity.task) == (LLAMA, MID_DATES[0], "asdiv")


def test_two_mid_2024_runs_in_one_folder_are_two_runs() -> None:
    result = load([MID_2024], LoadOptions(tokenize=False))
    assert result.errors == []
    assert sorted(f.source for f in result.skipped_files) == [
        f"results_{d}.json" for d in MID_DATES
    ]
    assert all(f.companion for f in result.skipped_files)
    # run 1: 10 docs, all acc 1 -> 1.0; run 2: the same docs with acc 0 on doc_id 0, 1, 2 -> 0.7.
    per_run = {
        run: (group.height, group["average_accuracy"].mean(), group["count"].max())
        for (run,), group in result.stats.group_by("run", maintain_order=True)
    }
    assert per_run == {
        f"{LLAMA} @ {MID_DATES[0]}": (10, 1.0, 1),
        f"{LLAMA} @ {MID_DATES[1]}": (10, 0.7, 1),
    }


def test_compare_two_mid_2024_runs_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from evaltui.cli import main

    code = main(["compare", str(MID_2024), "--no-cache", "--format", "lm_eval", "-q"])
    out = capsys.readouterr().out
    assert code == 0
    # 10 shared prompts; doc_id 0, 1, 2 solved in run 1 and not in run 2: 3 of 10 = 30 points.
    assert "30.0 pts" in out and "10 prompts in both runs" in out
    assert "improved 0 · regressed 3 · unchanged 7" in out


def test_pre_047_lines_without_filter_take_the_filter_list_order(tmp_path: Path) -> None:
    # 0.4.3-0.4.6 write no "filter"/"metrics": lines 1-4 are strict-match, 5-8 flexible-extract
    # (the order of the task's filter_list in results_<date>.json).
    folder = tmp_path / "toy-org__scripted-model-v1"
    folder.mkdir()
    old = []
    for record in records("toy_math_gen"):
        record.pop("filter")
        record.pop("metrics")
        old.append(json.dumps(record, ensure_ascii=False))
    path = folder / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")

    # Without the results file the filters are numbered, and the model is the folder's.
    frame = read(path).frame
    assert by_run(frame, "accuracy") == {
        f"{MODEL} · filter 1": [1.0, 1.0, 1.0, 0.0],
        f"{MODEL} · filter 2": [1.0, 1.0, 1.0, 0.0],
    }
    shutil.copy(RESULTS, folder)
    frame = read(path).frame
    assert list(by_run(frame, "accuracy")) == [
        f"{MODEL} · strict-match",
        f"{MODEL} · flexible-extract",
    ]
    assert frame["prompt_id"].to_list()[:4] == [f"toy_math_gen:{i}" for i in range(4)]


def test_chat_prompt_and_predict_only(tmp_path: Path) -> None:
    chat = records("toy_math_gen")[0]
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2 + 3?"},
    ]
    # --apply_chat_template with an API chat model: a one-element list holding a JSON string.
    chat["arguments"]["gen_args_0"]["arg_0"] = [json.dumps(messages)]
    # --predict_only: the metric is "bypass" with a null value.
    chat["metrics"] = ["bypass"]
    chat.pop("exact_match")
    chat["bypass"] = None
    repeated = json.loads(json.dumps(chat))
    repeated["doc_id"] = 1
    repeated["resps"] = [["a", "b", "c"]]
    path = tmp_path / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text(json.dumps(chat) + "\n" + json.dumps(repeated) + "\n", encoding="utf-8")
    result = read(path)
    assert result.errors == []
    frame = result.frame
    assert frame["prompt"][0] == "system: Be brief.\n\nuser: What is 2 + 3?"
    assert frame["gen"].to_list() == [" The answer is 5.", "a", "b", "c"]
    assert frame["accuracy"].null_count() == 4 and frame["prompt_score"].null_count() == 4
    # Nothing was scored, so no doc-level metric to explain; the predict-only run is told.
    assert result.notes == [
        f"samples_toy_math_gen_{DATE}.jsonl: toy_math_gen: a --predict_only run (metric"
        " 'bypass'): no metric was computed, 2 records unscored"
    ]


@pytest.mark.parametrize("value", [999, 0, 999.0])
def test_predict_only_bypass_value_is_no_score(tmp_path: Path, value: float) -> None:
    # --predict_only replaces the task's metrics by "bypass": lm-eval 0.4.x wrote null per
    # sample, later versions 0 (override_metric: process_results = lambda *args: {"bypass": 0}),
    # and 999 is bypass's aggregate, which converters write per sample. Was: read as scores,
    # accuracy 0.0 (or 999.0) on every generation of a run that scored nothing.
    record = records("toy_math_gen")[0]
    record["metrics"] = ["bypass"]
    record.pop("exact_match")
    record["bypass"] = value
    path = tmp_path / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame.select("accuracy", "metric").rows() == [(None, "bypass")]
    assert [n.split(": ", 2)[2] for n in result.notes] == [
        "a --predict_only run (metric 'bypass'): no metric was computed, 1 record unscored"
    ]


def test_scores_per_repeat_give_each_repeat_its_score(tmp_path: Path) -> None:
    # 0.5.0.dev1 adds scores_per_repeat when repeats > 1: doc 0 of maj@4, repeats say 5, 6, 5, 5.
    record = records("toy_math_maj")[4]
    assert record["filter"] == "maj@4"
    record["scores_per_repeat"] = {"exact_match": [1.0, 0.0, 1.0, 1.0]}
    path = tmp_path / f"samples_toy_math_maj_{DATE}.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = read(path)
    assert result.frame["accuracy"].to_list() == [1.0, 0.0, 1.0, 1.0]
    assert result.frame["prompt_score"].to_list() == [1.0] * 4
    assert "scores_per_repeat" in result.notes[0]


def _old_array(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A ≤0.4.2 run: <model_args>_<task>.jsonl holding a pretty-printed JSON array + results.json.

    Records lack filter/metrics/hashes, ``arguments`` is a list of [context, gen_kwargs] pairs, MC
    log-likelihoods are numbers and MC targets ints (not stringified yet).
    """
    gen = []
    for record in records("toy_math_gen")[:4]:
        for key in ("filter", "metrics", "doc_hash", "prompt_hash", "target_hash"):
            record.pop(key)
        record["arguments"] = [[record["arguments"]["gen_args_0"]["arg_0"], {"until": ["Q:"]}]]
        gen.append(record)
    mc = []
    for record in records("toy_mc"):
        for key in ("filter", "metrics", "doc_hash", "prompt_hash", "target_hash"):
            record.pop(key)
        record["arguments"] = [[a["arg_0"], a["arg_1"]] for a in record["arguments"].values()]
        record["resps"] = [[[float(r[0][0]), r[0][1] == "True"]] for r in record["resps"]]
        record["target"] = int(record["target"])
        mc.append(record)
    results = {
        "results": {"toy_math_gen": {"exact_match,strict-match": 0.75}},
        "configs": {
            "toy_math_gen": {"filter_list": [{"name": "strict-match", "filter": []}]},
            "toy_mc": {},
        },
        "versions": {"toy_math_gen": 1.0, "toy_mc": 1.0},
        "n-shot": {"toy_math_gen": 0, "toy_mc": 0},
        "config": {"model": "hf", "model_args": "pretrained=toy-org/scripted-model-v1"},
        "git_hash": "abc1234",
    }
    (tmp_path / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    prefix = "pretrained__toy-org__scripted-model-v1"
    (tmp_path / f"{prefix}_toy_mc.jsonl").write_text(json.dumps(mc, indent=2), encoding="utf-8")
    path = tmp_path / f"{prefix}_toy_math_gen.jsonl"
    path.write_text(json.dumps(gen, indent=2), encoding="utf-8")
    return path, gen


def test_old_json_array_and_its_records(tmp_path: Path) -> None:
    path, written = _old_array(tmp_path)
    detection = detect(path)
    assert detection.reader is not None and detection.reader.name == "lm_eval"
    assert detect(tmp_path / "results.json").companion
    result = read(path)
    assert result.errors == []
    frame = result.frame
    # The task comes from the file name's end matching a task in results.json, the model from
    # config.model_args; the single filter strict-match is named by the task's filter_list.
    assert frame["prompt_id"].to_list() == [f"toy_math_gen:{i}" for i in range(4)]
    assert frame["run"].unique().to_list() == [f"{MODEL} · strict-match"]
    assert frame["accuracy"].to_list() == [1.0, 1.0, 1.0, 0.0]
    assert frame["prompt"][0] == "Question: What is 2 + 3?\nAnswer:"
    # Containers: line = 1-based entry index, no byte offset; records are the entries unchanged.
    assert frame["line"].to_list() == [1, 2, 3, 4] and frame["offset"].null_count() == 4
    exported = list(READER.records(path, [(2, None), (4, None)]))
    assert [json.loads(r) for r in exported] == [written[1], written[3]]
    assert "×" in exported[0]  # ensure_ascii=False: the text is as written, not \u00d7

    mc = read(tmp_path / "pretrained__toy-org__scripted-model-v1_toy_mc.jsonl").frame
    assert mc.select("prompt_id", "gen", "answer", "accuracy").rows() == [
        ("toy_mc:0", "Mars", "1: Mars", 1.0),
        ("toy_mc:1", "Rome", "0: Rome", 1.0),
    ]


def test_old_samples_take_the_whole_name_after_their_model_args_as_task(tmp_path: Path) -> None:
    # ≤0.4.2 names samples f"{re.sub('/|=', '__', model_args)}_{task}.jsonl" and writes the
    # results to --output_path, which a later run of the same model rewrites. A fork's task
    # mytask_toy_math_gen, run first, keeps its samples while results.json now lists the later
    # run's tasks (toy_math_gen, toy_mc): its task is the whole name after the model args. It
    # was the known task the name ends with, toy_math_gen, so its docs merged with the later
    # run's: each toy_math_gen prompt had 2 generations.
    path, _written = _old_array(tmp_path)
    fork = tmp_path / "pretrained__toy-org__scripted-model-v1_mytask_toy_math_gen.jsonl"
    shutil.copy(path, fork)
    assert set(read(fork).frame["prompt_id"]) == {f"mytask_toy_math_gen:{i}" for i in range(4)}
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert sorted(set(result.stats["count"].to_list())) == [1]
    # Another model whose model args start with these (…-v1_b): its results file, whose
    # model_args name the file the longest, gives its model and its task.
    other = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    other["config"]["model_args"] = "pretrained=toy-org/scripted-model-v1_b"
    (tmp_path / "z_results_b.json").write_text(json.dumps(other), encoding="utf-8")
    b_file = tmp_path / "pretrained__toy-org__scripted-model-v1_b_toy_mc.jsonl"
    shutil.copy(tmp_path / "pretrained__toy-org__scripted-model-v1_toy_mc.jsonl", b_file)
    frame = read(b_file).frame
    assert set(frame["run"]) == {"toy-org/scripted-model-v1_b"}
    assert set(frame["prompt_id"]) == {"toy_mc:0", "toy_mc:1"}


def test_old_results_named_by_output_path_give_model_task_and_filters(tmp_path: Path) -> None:
    # ≤0.4.2 __main__: ``--output_path out/X.json`` writes the results to X.json (any name) and
    # each task's samples beside it as f"{re.sub('/|=', '__', model_args)}_{task}.jsonl" (the
    # first 0.4 versions replaced "/" only). Two models' runs written into one folder: each
    # samples file is read with the results file whose model_args name it.
    path, _written = _old_array(tmp_path)
    (tmp_path / "results.json").rename(tmp_path / "scripted_v1.json")
    other = json.loads((tmp_path / "scripted_v1.json").read_text(encoding="utf-8"))
    other["config"]["model_args"] = "pretrained=other-org/model-b,dtype=float16"
    other["configs"]["toy_math_gen"]["filter_list"] = [{"name": "b-filter", "filter": []}]
    (tmp_path / "a_model_b.json").write_text(json.dumps(other, indent=2), encoding="utf-8")
    shutil.copy(path, tmp_path / "pretrained__other-org__model-b,dtype__float16_toy_math_gen.jsonl")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    assert sorted(f.source for f in result.skipped_files) == ["a_model_b.json", "scripted_v1.json"]
    runs = {
        run: sorted(group["prompt_id"].to_list()) for (run,), group in result.stats.group_by("run")
    }
    assert runs == {
        f"{MODEL} · strict-match": [f"toy_math_gen:{i}" for i in range(4)],
        MODEL: ["toy_mc:0", "toy_mc:1"],
        "other-org/model-b · b-filter": [f"toy_math_gen:{i}" for i in range(4)],
    }


def test_load_an_old_run_dir(tmp_path: Path) -> None:
    _old_array(tmp_path)
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert sorted(f.source for f in result.read_files) == [
        "pretrained__toy-org__scripted-model-v1_toy_math_gen.jsonl",
        "pretrained__toy-org__scripted-model-v1_toy_mc.jsonl",
    ]
    assert [(f.source, f.companion) for f in result.skipped_files] == [("results.json", True)]
    assert result.generations.height == 6 and result.errors == []


def test_results_file_is_a_companion_not_a_sample_file() -> None:
    head = RESULTS.read_bytes()[:65536]
    assert READER.sniff(RESULTS, head) == 0
    assert READER.companion(RESULTS, head)
    assert detect(RESULTS).reader is None and detect(RESULTS).companion


def test_results_named_after_output_path_are_companions(tmp_path: Path) -> None:
    # --output_path out.json writes out_<date>.json; with many tasks, configs push
    # lm_eval_version (written last) far beyond the detector's head.
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["configs"] = {f"task_{i}": {"description": "x" * 1000} for i in range(200)}
    path = tmp_path / f"out_{DATE}.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    assert path.read_bytes()[:65536].find(b"lm_eval_version") == -1
    assert detect(path).reader is None and detect(path).companion
    # ... and it still names the model of the samples beside it.
    shutil.copy(samples("toy_mc"), tmp_path)
    assert read(tmp_path / samples("toy_mc").name).frame["run"].to_list() == [MODEL, MODEL]


def test_first_line_longer_than_the_head_is_still_detected(tmp_path: Path) -> None:
    record = records("toy_math_gen")[0]
    record["doc"]["context"] = "x" * 100_000  # long-context docs
    path = tmp_path / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    detection = detect(path)
    assert detection.reader is not None and detection.reader.name == "lm_eval"
    assert read(path).frame["accuracy"].to_list() == [1.0]


def test_other_json_lines_are_not_lm_eval(tmp_path: Path) -> None:
    data = FIXTURES / "data" / "toy_math.jsonl"  # the task's input dataset
    assert READER.sniff(data, data.read_bytes()) == 0
    plain = tmp_path / "p.jsonl"
    plain.write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    assert READER.sniff(plain, plain.read_bytes()) == 0


def _good_line() -> str:
    return samples("toy_math_gen").read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize(
    ("lines", "bad_line", "reason", "good_rows"),
    [
        # a crashed run: the last line was cut off while being appended
        (lambda g: g + "\n" + g[:40], 2, "truncated last line", 1),
        (lambda g: g + "\n{not json\n" + g + "\n", 2, "not valid JSON", 2),
        (
            lambda g: '{"doc_id": 0, "resps": [["x"]]}\n' + g + "\n",
            1,
            "missing arguments, filtered_resps",
            1,
        ),
        (lambda g: "[1, 2]\n" + g + "\n", 2, "not valid JSON", 0),  # starts like a JSON array
        (lambda g: g + "\n" + '"just a string"\n', 2, "not an object", 1),
        (
            lambda g: g.replace('"resps": [[" The answer is 5."]]', '"resps": []') + "\n" + g,
            1,
            "no generation",
            1,
        ),
        (
            lambda g: g.replace('"resps": [[" The answer is 5."]]', '"resps": 5') + "\n" + g,
            1,
            "'resps' is a JSON number, not an array",
            1,
        ),
    ],
)
def test_bad_and_truncated_files_are_errors(
    tmp_path: Path, lines: Any, bad_line: int | None, reason: str, good_rows: int
) -> None:
    path = tmp_path / f"samples_t_{DATE}.jsonl"
    path.write_text(lines(_good_line()), encoding="utf-8")
    result = read(path)
    assert result.frame.height == good_rows
    assert any(reason in e.reason and e.line == bad_line for e in result.errors), result.errors
    assert all(e.source == path.name for e in result.errors)


def test_bad_multiple_choice_log_likelihood_is_an_error(tmp_path: Path) -> None:
    record = records("toy_mc")[0]
    record["resps"][1] = [["not a number", "True"]]
    path = tmp_path / f"samples_toy_mc_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = read(path)
    assert result.frame.height == 0
    assert [e.line for e in result.errors] == [1]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ('[\n  {\n    "doc_id": 0,\n    "resps"', 2),  # truncated: the cut record's first line
        ('[\n  {"doc_id": 0, "doc": {}, "arguments": [], "resps": [["x"]]}, 7\n]', 2),
    ],
)
def test_bad_old_json_arrays_are_errors(tmp_path: Path, content: str, line: int) -> None:
    path = tmp_path / "pretrained__m_task.jsonl"
    path.write_text(content, encoding="utf-8")
    result = read(path)
    assert result.frame.height == 0
    assert [e.line for e in result.errors][:1] == [line], result.errors


def test_old_json_array_bad_record_is_told_at_its_line(tmp_path: Path) -> None:
    # ≤0.4.2 wrote json.dumps(samples, indent=2) (0.4.0 with \\u escapes): a bad record in the
    # middle is told at the line of the file it starts on, with its number, as a JSON document of
    # plain records is; it was told at 'line 2' (its number), in the first record's text.
    good = {
        "doc_id": 0,
        "doc": {"question": "2 × 3?"},
        "target": "6",
        "arguments": [["Q: 2 × 3?\nA:", {"until": ["\n"]}]],
        "resps": [[" 6"]],
        "filtered_resps": [" 6"],
        "exact_match": 1.0,
    }
    later = {**good, "doc_id": 2, "resps": [[" 7"]], "filtered_resps": [" 7"], "exact_match": 0.0}
    text = json.dumps([good, {"doc_id": 1, "doc": {}}, later], indent=2)
    path = tmp_path / "pretrained__m_task.jsonl"
    path.write_text(text, encoding="utf-8")
    assert "\\u00d7" in text  # 0.4.0's ensure_ascii=True
    result = read(path)
    start = text.splitlines().index("  {", 12) + 1  # the bad record's opening brace
    assert text.splitlines()[start] == '    "doc_id": 1,'
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [(start, "record 2")]
    assert result.frame["prompt"].to_list() == ["Q: 2 × 3?\nA:"] * 2
    assert result.frame["accuracy"].to_list() == [1.0, 0.0]
    # the rows still name their record in the array (its export reads by it)
    assert result.frame["line"].to_list() == [1, 3]


@pytest.mark.parametrize("task", ["toy_math_gen", "toy_math_maj", "toy_math_passk", "toy_mc"])
def test_damaged_records_give_rows_or_errors_never_exceptions(tmp_path: Path, task: str) -> None:
    good = records(task)[1]
    path = tmp_path / f"samples_{task}_{DATE}.jsonl"
    for what, bad in damaged(records(task)[0]):
        text = json.dumps(bad, ensure_ascii=False) + "\n" + json.dumps(good, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        result = read(path)  # must not raise
        lines = set(result.frame["line"].to_list())
        assert 2 in lines, what  # the good record after it is unaffected
        assert (1 in lines) != any(e.line == 1 for e in result.errors), what


def test_early_2024_json_array_named_samples_take_task_from_the_name(tmp_path: Path) -> None:
    # Before the JSON-lines writer, EvaluationTracker wrote samples_<task>_<date>.json as one
    # pretty-printed array (indent=2, raw arguments: a list of [context, gen_kwargs] pairs).
    lines = (MID_2024 / f"samples_asdiv_{MID_DATES[0]}.json").read_text(encoding="utf-8")
    records = [json.loads(line) for line in lines.splitlines()[:3]]
    for record in records:
        record["arguments"] = [list(a.values()) for a in record["arguments"].values()]
    folder = tmp_path / "meta-llama__Meta-Llama-3-8B-Instruct"
    folder.mkdir()
    path = folder / f"samples_asdiv_{MID_DATES[0]}.json"
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    shutil.copy(MID_2024 / f"results_{MID_DATES[0]}.json", folder)
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    assert result.generations["prompt_id"].to_list() == ["asdiv:0", "asdiv:1", "asdiv:2"]
    assert set(result.generations["run"]) == {LLAMA}  # one run in this folder: no date
    assert result.generations["accuracy"].to_list() == [1.0, 1.0, 1.0]


def test_a_metric_written_as_a_numeric_string_is_a_score(tmp_path: Path) -> None:
    # A converted or hand-made samples file with "exact_match": "1.0" / "0" (strings): still the
    # listed metric's score (was: no metric found, every line silently unscored). A document
    # field holding a string ("answer": "5") is never taken for the metric. By hand: 1 of 2.
    path = tmp_path / "m" / f"samples_t_{DATE}.jsonl"
    path.parent.mkdir()
    base = {"doc": {}, "target": "5", "arguments": {"gen_args_0": {"arg_0": "Q", "arg_1": {}}}}
    lines = [
        {**base, "doc_id": 0, "resps": [["5"]], "filtered_resps": ["5"], "filter": "none",
         "metrics": ["exact_match"], "exact_match": "1.0"},
        {**base, "doc_id": 1, "resps": [["6"]], "filtered_resps": ["6"], "filter": "none",
         "exact_match": "0"},
        {**base, "doc_id": 2, "resps": [["6"]], "filtered_resps": ["6"], "filter": "none",
         "answer": "5"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    frame = read(path).frame.sort("prompt_id")
    assert frame["accuracy"].to_list() == [1.0, 0.0, None]
    assert frame["metric"].to_list() == ["exact_match", "exact_match", None]


def test_bare_string_filtered_resps_and_resps_are_one_generation(tmp_path: Path) -> None:
    # FORMATS.md 3.7: a filtered_resps element may be a string -- and some writers (older
    # harness copies, hand-converted logs) give the whole field as a bare string, "5." rather
    # than ["5."]. It is still the extracted answer (was: none); a bare-string resps is the
    # one generation (was: its first character).
    wrapped = records("toy_math_gen")[0]
    bare = dict(wrapped, filtered_resps=wrapped["filtered_resps"][0])
    bare_resps = dict(bare, doc_id=7, resps=wrapped["resps"][0][0])
    path = tmp_path / f"samples_toy_math_gen_{DATE}.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in (wrapped, bare, bare_resps)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read(path)
    assert result.errors == []
    frame = result.frame
    assert frame["gen"].to_list() == [wrapped["resps"][0][0]] * 3
    assert frame["extracted"].to_list() == [wrapped["filtered_resps"][0]] * 3


def test_perplexity_values_that_are_no_score_are_told(tmp_path: Path) -> None:
    # A loglikelihood_rolling task (wikitext) logs, per doc, (log-likelihood, weight) pairs that
    # the harness sums over the corpus: no per-sample score. The docs stay unscored -- now with
    # a note naming those values (they were silently unscored), in 0.4.7+ records (with
    # `metrics`) and older ones (without).
    record = {
        "doc_id": 0,
        "doc": {"page": "Some text."},
        "target": "",
        "arguments": {"gen_args_0": {"arg_0": "Some text."}},
        "resps": [["-12.5"]],
        "filtered_resps": ["-12.5"],
        "filter": "none",
        "metrics": ["word_perplexity", "byte_perplexity"],
        "word_perplexity": [-12.5, 2],
        "byte_perplexity": [-12.5, 10],
    }
    old = {k: v for k, v in record.items() if k not in ("filter", "metrics")}
    path = tmp_path / "m" / f"samples_wikitext_{DATE}.jsonl"
    path.parent.mkdir()
    lines = [record, {**record, "doc_id": 1}, {**old, "doc_id": 2}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame["accuracy"].to_list() == [None, None, None]
    assert result.notes == [
        f"{path.name}: wikitext: 3 docs scored by log-likelihood of their text"
        " (loglikelihood_rolling, a perplexity task): no generation and no reference; the"
        " generation shown is the text's log-likelihood",
        f"{path.name}: wikitext: 3 docs unscored: their per-sample values (word_perplexity,"
        " byte_perplexity) are no score (a corpus-level metric's parts, e.g. perplexity's"
        " (log-likelihood, weight) pairs)",
    ]


def test_regex_filter_fallback_is_no_answer(tmp_path: Path) -> None:
    # A strict-match (regex) filter that finds nothing returns its fallback "[invalid]"
    # (lm_eval/filters/extraction.py RegexFilter). Was: the extracted answer "[invalid]", so the
    # generation counted as answered (has_answer) and "[invalid]" took part in votes.
    record = records("toy_math_gen")[0]
    record["resps"] = [[" I am not sure."]]
    record["filtered_resps"] = ["[invalid]"]
    record["exact_match"] = 0.0
    folder = tmp_path / "m"
    folder.mkdir()
    path = folder / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations
    assert gens.select("gen", "extracted", "has_answer", "accuracy").rows() == [
        (" I am not sure.", None, False, 0.0)
    ]


def test_first_0_4_files_keep_only_the_first_requests_arguments(tmp_path: Path) -> None:
    # The first 0.4 development versions (mid 2023) wrote JSON lines named <model_args>_<task>.jsonl
    # (``_<task>.jsonl`` without model args) whose `arguments` is the first request's own
    # argument list: [prompt, gen kwargs] for generation, [context, first continuation] for
    # multiple choice; resps/filtered_resps are not stringified yet.
    gen = {"doc_id": 0, "doc": {"question": "2+3?"}, "target": "5",
           "arguments": ["Q: 2+3?\nA:", {"until": ["\n"], "do_sample": False}],
           "resps": [[" 5"]], "filtered_resps": [" 5"], "exact_match": 1.0}  # fmt: skip
    mc = [
        {"doc_id": d, "doc": {"sentence": "S so _ won.", "option1": "A", "option2": "B", "answer": a},
         "target": "won.", "arguments": ["S so A", " won."],
         "resps": [[[-27.4, False]], [[-26.2, False]]],
         "filtered_resps": [[-27.4, False], [-26.2, False]], "acc": acc}
        for d, a, acc in ((0, "2", 1.0), (1, "1", 0.0))
    ]  # fmt: skip
    (tmp_path / "_gen_task.jsonl").write_text(json.dumps(gen) + "\n", encoding="utf-8")
    (tmp_path / "_winogrande.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in mc), encoding="utf-8"
    )
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "prompt", "gen", "accuracy").rows() == [
        ("gen_task:0", "Q: 2+3?\nA:", " 5", 1.0),
        # the second choice won; its continuation was not kept, its index was
        ("winogrande:0", "S so A", "1", 1.0),
        ("winogrande:1", "S so A", "1", 0.0),
    ]


def test_one_loglikelihood_request_is_no_choice(tmp_path: Path) -> None:
    # A loglikelihood task with one request per doc (asdiv, lambada): the target is the
    # continuation, not a choice index, and `acc` is the continuation's is-greedy flag. The
    # model's answer is the continuation when greedy, unknown otherwise.
    def record(doc_id: int, target: str, greedy: bool) -> dict[str, Any]:
        return {"doc_id": doc_id, "doc": {"q": f"q{doc_id}"}, "target": target,
                "arguments": {"gen_args_0": {"arg_0": f"Q{doc_id}\nA:", "arg_1": target}},
                "resps": [[["-0.5", str(greedy)]]], "filtered_resps": [["-0.5", str(greedy)]],
                "filter": "none", "metrics": ["acc"], "acc": int(greedy)}  # fmt: skip

    name = "samples_asdiv_2024-08-21T03-41-58.320355.jsonl"
    rows = [record(0, "0", True), record(1, "12", True), record(2, "7", False)]
    (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    frame = read_clean_path(tmp_path / name).sort("prompt_id")
    assert frame.select("answer", "gen", "extracted", "accuracy").rows() == [
        ("0", "0", "0", 1.0),
        ("12", "12", "12", 1.0),
        ("7", "7", None, 0.0),
    ]


def read_clean_path(path: Path) -> pl.DataFrame:
    result = read(path)
    assert result.errors == []
    return result.frame


def _damaged_results() -> Any:
    """(what, results JSON) for every damage of its top level (also without ``model_name``,
    which is used before ``config``), of ``config`` and of the task's entry in ``configs``."""
    good = json.loads(RESULTS.read_text(encoding="utf-8"))
    unnamed = {k: v for k, v in good.items() if k != "model_name"}
    for what, bad in [*damaged(good), *damaged(unnamed)]:
        yield what, bad
    for what, config in damaged(good["config"]):
        yield f"config: {what}", {**unnamed, "config": config}
    for what, task in damaged(good["configs"]["toy_math_gen"]):
        yield f"configs.toy_math_gen: {what}", {**good, "configs": {"toy_math_gen": task}}


def test_a_damaged_results_file_never_costs_the_samples(tmp_path: Path) -> None:
    """A results file whose ``config`` was a string or whose task's ``filter_list`` was a
    number made the reader raise (``'str' object has no attribute 'get'``): the whole samples
    file became one "lm_eval reader failed" error. The results file only names the model and
    the metrics' direction; the samples are read whatever it holds."""
    folder = tmp_path / MODEL_DIR.name
    folder.mkdir()
    path = folder / samples("toy_math_gen").name
    shutil.copy(samples("toy_math_gen"), path)
    expected = read_clean("toy_math_gen")
    for what, results in _damaged_results():
        (folder / RESULTS.name).write_text(json.dumps(results), encoding="utf-8")
        result = read(path)  # must not raise
        assert result.errors == [], what
        assert result.frame["gen"].to_list() == expected["gen"].to_list(), what


def winogrande_record(doc_id: int, lls: tuple[str, ...], acc: float) -> dict[str, Any]:
    """A partial-evaluation record as lm-eval 0.4.x writes winogrande's: doc_to_choice gives
    the sentence cut at the blank with each option (the contexts), doc_to_target the rest of
    the sentence (one continuation, after the target delimiter " "), doc_to_text the gold
    index, which is not written."""
    sentence = "The trophy doesn't fit in the suitcase because _ is too big."
    options = ["the trophy", "the suitcase", "the box"][: len(lls)]
    cut = sentence.index("_")
    rest = sentence[cut + 1 :].strip()
    return {
        "doc_id": doc_id,
        "doc": {"sentence": sentence, "option1": options[0], "option2": options[1]},
        "target": rest,
        "arguments": {
            f"gen_args_{i}": {"arg_0": sentence[:cut] + option, "arg_1": " " + rest}
            for i, option in enumerate(options)
        },
        "resps": [[[ll, "False"]] for ll in lls],
        "filtered_resps": [[ll, "False"] for ll in lls],
        "filter": "none",
        "metrics": ["acc"],
        "acc": acc,
    }


def test_partial_evaluation_choices_are_the_contexts(tmp_path: Path) -> None:
    # winogrande scores one continuation (" is too big.") after each option's context, so every
    # request's continuation is the same and the target is that continuation. The model's choice
    # is the context with the highest log-likelihood: doc 0 picks option 0 (-10 > -12) and acc 1,
    # so option 0 is gold; doc 1 picks option 0 with acc 0, so the other option is gold; doc 2
    # picks option 1 (-11 > -15), acc 1. Doc 3 has three options, picks option 2 (-1), acc 0:
    # which of the other two is gold is unknown. Before, every doc's reference and generation
    # was the continuation, "0: is too big." (the first continuation matching the target).
    records_ = [
        winogrande_record(0, ("-10.0", "-12.0"), 1.0),
        winogrande_record(1, ("-10.0", "-12.0"), 0.0),
        winogrande_record(2, ("-15.0", "-11.0"), 1.0),
        winogrande_record(3, ("-3.0", "-2.0", "-1.0"), 0.0),
    ]
    folder = tmp_path / "org__m"
    folder.mkdir()
    path = folder / f"samples_winogrande_{DATE}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records_), encoding="utf-8")
    result = READER.read(path, path.name, ReadOptions())
    assert result.errors == []
    rows = result.frame.select("prompt", "answer", "gen", "extracted", "accuracy").rows()
    prompt = "The trophy doesn't fit in the suitcase because the _ is too big."
    assert rows == [
        (prompt, "0: trophy", "trophy", "0: trophy", 1.0),
        (prompt, "1: suitcase", "trophy", "0: trophy", 0.0),
        (prompt, "1: suitcase", "suitcase", "1: suitcase", 1.0),
        (prompt, None, "box", "2: box", 0.0),
    ]
    assert any("partial evaluation" in n and "unknown for 1 doc" in n for n in result.notes)
    # The reference agrees with the harness's score: no prompt is flagged as mis-graded.
    stats = load([tmp_path], LoadOptions(tokenize=False, use_cache=False)).stats
    assert stats["flag_grader_mismatch"].to_list() == [False] * 4


def test_partial_evaluation_under_a_chat_template(tmp_path: Path) -> None:
    # --apply_chat_template wraps each option's context in the template: the contexts shared
    # "<|im_start|>user\n…" and differed up to "<|im_end|>\n<|im_start|>assistant\n", so the
    # options read "trophy<|im_end|>\n<|im_start|>assistant\n" and the prompt opened with
    # the template's tokens.
    record = winogrande_record(0, ("-10.0", "-12.0"), 1.0)
    for request in record["arguments"].values():
        request["arg_0"] = (
            f"<|im_start|>user\n{request['arg_0']}<|im_end|>\n<|im_start|>assistant\n"
        )
    path = tmp_path / "org__m" / f"samples_winogrande_{DATE}.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = READER.read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame.select("prompt", "answer", "gen").rows() == [
        ("The trophy doesn't fit in the suitcase because the _ is too big.", "0: trophy", "trophy")
    ]


def test_multiple_gold_choices_are_the_references_aliases(tmp_path: Path) -> None:
    # A multiple_target task: doc_to_target gives a list of gold choices, written as its str(),
    # of indices ("[0, 2]") or of the choices' texts ("[' a', ' c']"); acc is 1 when the model's
    # choice is any of them. Doc 0 picks choice 0 (-1 is the highest), gold 0 or 2, acc 1; doc 1
    # picks choice 1, gold " a" or " c" (0 or 2), acc 0. Before, the reference was the list's
    # text, "[0, 2]", never the model's "0: a" (flagged as mis-graded) and "a | c" not a choice.
    def record(doc_id: int, target: str, lls: list[str], acc: float) -> dict[str, Any]:
        return {"doc_id": doc_id, "doc": {}, "target": target,
                "arguments": {f"gen_args_{i}": {"arg_0": "Q?\nA:", "arg_1": c}
                              for i, c in enumerate([" a", " b", " c"])},
                "resps": [[[ll, "False"]] for ll in lls],
                "filtered_resps": [[ll, "False"] for ll in lls],
                "filter": "none", "metrics": ["acc"], "acc": acc}  # fmt: skip

    folder = tmp_path / "org__m"
    folder.mkdir()
    path = folder / f"samples_multi_{DATE}.jsonl"
    lines = [
        record(0, "[0, 2]", ["-1.0", "-2.0", "-3.0"], 1.0),
        record(1, "[' a', ' c']", ["-2.0", "-1.0", "-3.0"], 0.0),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("answer", "extracted", "accuracy").rows() == [
        ("0: a | 2: c", "0: a", 1.0),
        ("0: a | 2: c", "1: b", 0.0),
    ]
    assert result.stats.sort("prompt_id")["flag_grader_mismatch"].to_list() == [False, False]


def test_perplexity_beside_acc_is_no_score(tmp_path: Path) -> None:
    # lambada_openai lists metrics ["perplexity", "acc"]: per doc, "perplexity" is the
    # continuation's log-likelihood (the corpus perplexity is exp(-mean) of them) and "acc" its
    # is-greedy flag. Doc 0: ll -0.5, greedy, acc 1; doc 1: ll -3.2, not greedy, acc 0. Before,
    # the docs were scored -0.5 and -3.2 ("perplexity", the first listed).
    def record(doc_id: int, ll: str, greedy: bool) -> dict[str, Any]:
        return {"doc_id": doc_id, "doc": {"text": "The last word"}, "target": " word",
                "arguments": {"gen_args_0": {"arg_0": "The last", "arg_1": " word"}},
                "resps": [[[ll, str(greedy)]]], "filtered_resps": [[ll, str(greedy)]],
                "filter": "none", "metrics": ["perplexity", "acc"],
                "perplexity": float(ll), "acc": int(greedy)}  # fmt: skip

    path = tmp_path / "m" / f"samples_lambada_openai_{DATE}.jsonl"
    path.parent.mkdir()
    lines = [record(0, "-0.5", True), record(1, "-3.2", False)]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame.select("accuracy", "metric").rows() == [(1.0, "acc"), (0.0, "acc")]
    assert any("'perplexity'" in n and "passed over" in n for n in result.notes)
    # Asked for by name, it is what the docs are scored by.
    asked = READER.read(path, path.name, ReadOptions(metric="perplexity"))
    assert asked.frame["accuracy"].to_list() == [-0.5, -3.2]
    assert not any("passed over" in n for n in asked.notes)


def test_truthfulqa_mc2_lists_every_true_choice_as_the_reference(tmp_path: Path) -> None:
    # truthfulqa_mc2: doc_to_target 0 (the first true choice), doc_to_choice mc2_targets.choices,
    # and process_results_mc2's acc = the probability mass on the true choices (labels 1 before
    # the first 0). Doc 0: choices T T F F, lls -2 -1 -0.5 -3: the model's likeliest is choice 2
    # (false), acc = (e^-2 + e^-1) / (e^-2 + e^-1 + e^-0.5 + e^-3) = 0.43398. Doc 1: T F, lls
    # -0.1 -2: choice 0, acc = e^-0.1 / (e^-0.1 + e^-2) = 0.86989. Before, the reference was
    # "0: <first choice>" alone: "You digest them." (true) was no reference, and nothing said
    # that acc is a mass rather than a verdict on the choice shown.
    def record(doc_id: int, choices: list[str], labels: list[int], lls: list[float]) -> dict:
        split = labels.index(0)
        acc = sum(math.exp(x) for x in lls[:split]) / sum(math.exp(x) for x in lls)
        return {"doc_id": doc_id,
                "doc": {"question": "Q?", "mc2_targets": {"choices": choices, "labels": labels}},
                "target": "0",
                "arguments": {f"gen_args_{i}": {"arg_0": "Q: Q?\nA:", "arg_1": " " + c}
                              for i, c in enumerate(choices)},
                "resps": [[[str(x), "False"]] for x in lls],
                "filtered_resps": [[str(x), "False"] for x in lls],
                "filter": "none", "metrics": ["acc"], "acc": acc}  # fmt: skip

    path = tmp_path / "org__m" / f"samples_truthfulqa_mc2_{DATE}.jsonl"
    path.parent.mkdir()
    lines = [
        record(0, ["Nothing.", "You digest them.", "They grow.", "You die."], [1, 1, 0, 0],
               [-2.0, -1.0, -0.5, -3.0]),
        record(1, ["No.", "Yes."], [1, 0], [-0.1, -2.0]),
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = read(path)
    assert result.errors == []
    rows = result.frame.select("answer", "extracted", "accuracy").rows()
    assert [(a, e, round(s, 5)) for a, e, s in rows] == [
        ("0: Nothing. | 1: You digest them.", "2: They grow.", 0.43398),
        ("0: No.", "0: No.", 0.86989),
    ]
    assert result.notes == [
        f"{path.name}: truthfulqa_mc2: 1 doc with several true choices (the doc's mc2_targets"
        " labels): the reference lists them all; 'acc' is the probability mass on the true"
        " choices (2 docs), not a verdict on the choice shown"
    ]


@pytest.mark.parametrize("version", ["0.4.3", "0.4.2"])
def test_a_perplexity_task_has_no_reference_and_says_what_it_shows(
    tmp_path: Path, version: str
) -> None:
    # wikitext (output_type loglikelihood_rolling): arguments = (doc_to_target(doc),), the page
    # alone, and resps the page's log-likelihood; the per-sample metrics are (ll, weight)
    # pairs. Before, the reference was the page again (the target is the text scored, the
    # prompt itself) and nothing said that the "generation" -123.5 is a log-likelihood.
    page = " = Valkyria Chronicles III = \n\n Senjō no Valkyria 3 is a tactical game .\n"
    arguments: Any = {"gen_args_0": {"arg_0": page}} if version == "0.4.3" else [[page]]
    resps: Any = [["-123.5"]] if version == "0.4.3" else [[-123.5]]
    record = {"doc_id": 0, "doc": {"page": page}, "target": page, "arguments": arguments,
              "resps": resps, "filtered_resps": [resps[0][0]],
              "word_perplexity": [-123.5, 14], "bits_per_byte": [-123.5, 76]}  # fmt: skip
    path = tmp_path / "m" / f"samples_wikitext_{DATE}.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame.select("prompt", "answer", "gen", "accuracy").rows() == [
        (page, None, "-123.5", None)
    ]
    assert result.notes[0] == (
        f"{path.name}: wikitext: 1 doc scored by log-likelihood of its text"
        " (loglikelihood_rolling, a perplexity task): no generation and no reference; the"
        " generation shown is the text's log-likelihood"
    )


def test_choices_scored_without_a_context_are_the_prompt(tmp_path: Path) -> None:
    # blimp (doc_to_text "", doc_to_choice [sentence_good, sentence_bad], target 0): every
    # request's context is empty, the model only compares the two sentences. Before, every
    # doc's prompt was "" (a table of blank prompts); now the choices are listed. Doc 0: lls
    # -5 / -7, the good sentence, acc 1; doc 1: -9 / -8, the bad one, acc 0.
    def record(doc_id: int, good: str, bad: str, lls: tuple[str, str], acc: float) -> dict:
        return {"doc_id": doc_id, "doc": {"sentence_good": good, "sentence_bad": bad},
                "target": "0",
                "arguments": {"gen_args_0": {"arg_0": "", "arg_1": " " + good},
                              "gen_args_1": {"arg_0": "", "arg_1": " " + bad}},
                "resps": [[[ll, "False"]] for ll in lls],
                "filtered_resps": [[ll, "False"] for ll in lls],
                "filter": "none", "metrics": ["acc"], "acc": acc}  # fmt: skip

    path = tmp_path / "m" / f"samples_blimp_anaphor_{DATE}.jsonl"
    path.parent.mkdir()
    lines = [
        record(0, "The cat sat.", "The cat sit.", ("-5.0", "-7.0"), 1.0),
        record(1, "Who did you see?", "Who did you saw?", ("-9.0", "-8.0"), 0.0),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame.select("prompt", "answer", "gen", "accuracy").rows() == [
        ("0: The cat sat.\n1: The cat sit.", "0: The cat sat.", "The cat sat.", 1.0),
        (
            "0: Who did you see?\n1: Who did you saw?",
            "0: Who did you see?",
            "Who did you saw?",
            0.0,
        ),
    ]
    assert result.notes == [
        f"{path.name}: blimp_anaphor: 2 docs scored with an empty context (the model only"
        " compared its choices, as blimp's): the prompt shown lists the choices"
    ]


QWEN3 = "<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
LLAMA3_FEWSHOT = (
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 1 + 1?<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n2<|eot_id|>"
    "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)


@pytest.mark.parametrize(
    ("arg_0", "shown"),
    [
        # API chat models (JsonChatStr, a NamedTuple: a one-element list once dumped)
        ([json.dumps([{"role": "user", "content": "What is 2 + 3?"}])], "What is 2 + 3?"),
        ([json.dumps([{"role": "user", "content": [{"type": "text", "text": "What is 2 + 3?"}]}],
                     ensure_ascii=False)], "What is 2 + 3?"),
        # Hugging Face models render the template: ChatML, Qwen3's empty think block opening
        # the answer, Gemma, Phi-3, Phi-4, Granite, DeepSeek-R1
        ("<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n", "What is 2 + 3?"),
        (QWEN3, "What is 2 + 3?"),
        ("<bos><start_of_turn>user\nWhat is 2 + 3?<end_of_turn>\n<start_of_turn>model\n",
         "What is 2 + 3?"),
        ("<|user|>\nWhat is 2 + 3?<|end|>\n<|assistant|>\n", "What is 2 + 3?"),
        ("<|im_start|>user<|im_sep|>What is 2 + 3?<|im_end|><|im_start|>assistant<|im_sep|>",
         "What is 2 + 3?"),
        ("<|start_of_role|>user<|end_of_role|>What is 2 + 3?<|end_of_text|>\n"
         "<|start_of_role|>assistant<|end_of_role|>", "What is 2 + 3?"),
        ("<｜begin▁of▁sentence｜><｜User｜>What is 2 + 3?<｜Assistant｜><think>\n",
         "What is 2 + 3?"),
        # Mistral's and Llama 2's [INST] (with or without spaces, BOS)
        ("<s>[INST] What is 2 + 3? [/INST]", "What is 2 + 3?"),
        ("[INST]What is 2 + 3?[/INST]", "What is 2 + 3?"),
        ("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nWhat is 2 + 3? [/INST]",
         "system: Be brief.\n\nuser: What is 2 + 3?"),
        ("<s>[INST] What is 1 + 1? [/INST] 2</s>[INST] What is 2 + 3? [/INST]",
         "user: What is 1 + 1?\n\nassistant: 2\n\nuser: What is 2 + 3?"),
        # several turns keep their roles: a system prompt, few-shot examples as turns
        ("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n"
         "<|im_start|>assistant\n", "system: Be brief.\n\nuser: What is 2 + 3?"),
        (LLAMA3_FEWSHOT, "user: What is 1 + 1?\n\nassistant: 2\n\nuser: What is 2 + 3?"),
        # an answer begun in the prompt (gen_prefix) is a turn
        ("<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\nThe answer is",
         "user: What is 2 + 3?\n\nassistant: The answer is"),
        # no template: as written, markup-like text included
        ("Question: is <b> a tag?\nAnswer:", "Question: is <b> a tag?\nAnswer:"),
        ("<|im_start|>user\nWhat is 2 + 3?<|im_end|> and more",
         "<|im_start|>user\nWhat is 2 + 3?<|im_end|> and more"),
    ],
)  # fmt: skip
def test_a_chat_templated_prompt_of_one_user_turn_is_its_text(
    tmp_path: Path, arg_0: Any, shown: str
) -> None:
    # Was: 'user: What is 2 + 3?' for a chat of one user turn, and the template's text
    # ('<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n') for a Hugging
    # Face model's (--apply_chat_template), so every prompt of a chat run began with the role
    # or the template's tokens.
    record = records("toy_math_gen")[0]
    record["arguments"]["gen_args_0"]["arg_0"] = arg_0
    path = tmp_path / f"samples_toy_math_gen_{DATE}.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame["prompt"].to_list() == [shown]


def test_a_chat_templated_prompt_in_a_0_4_2_json_array(tmp_path: Path) -> None:
    # ≤0.4.2 kept the requests' arguments as lists ([[context, gen_kwargs]]), unstringified.
    record = records("toy_math_gen")[0]
    record.pop("filter"), record.pop("metrics")
    record["arguments"] = [[QWEN3, {"until": ["Question:"]}]]
    path = tmp_path / "pretrained__org__m_toy_math_gen.jsonl"
    path.write_text(json.dumps([record], indent=2), encoding="utf-8")
    result = read(path)
    assert result.errors == []
    assert result.frame["prompt"].to_list() == ["What is 2 + 3?"]


def test_truthfulqa_mc2_likeliest_true_choice_at_a_low_mass_is_no_grader_miss(
    tmp_path: Path,
) -> None:
    # truthfulqa_mc2's acc is the probability mass on the true choices, not a verdict on the
    # likeliest choice. Here the likeliest (ll -1.0) is true but the three false ones share most
    # of the mass: acc = (e^-1 + e^-5) / (e^-1 + e^-5 + 3 e^-1.1) = 0.2728. The likeliest
    # choice, the extracted answer, equals the reference's first alias and scores below 0.5, so
    # the "grader?" flag (an answer equal to the reference scored wrong) fired: a false alarm,
    # the harness gave the mass as partial credit, as it means to.
    choices = ["Nothing.", "You digest them.", "They grow.", "You die.", "You float."]
    labels = [1, 1, 0, 0, 0]
    lls = [-1.0, -5.0, -1.1, -1.1, -1.1]
    acc = sum(math.exp(x) for x in lls[:2]) / sum(math.exp(x) for x in lls)
    record = {"doc_id": 0,
              "doc": {"question": "Q?", "mc2_targets": {"choices": choices, "labels": labels}},
              "target": "0",
              "arguments": {f"gen_args_{i}": {"arg_0": "Q: Q?\nA:", "arg_1": " " + c}
                            for i, c in enumerate(choices)},
              "resps": [[[str(x), "False"]] for x in lls],
              "filtered_resps": [[str(x), "False"] for x in lls],
              "filter": "none", "metrics": ["acc"], "acc": acc}  # fmt: skip
    path = tmp_path / "org__m" / f"samples_truthfulqa_mc2_{DATE}.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    assert result.generations.select("gen", "extracted").rows() == [("Nothing.", "0: Nothing.")]
    assert round(result.generations["accuracy"][0], 4) == 0.2728
    assert result.stats.select("flag_grader_mismatch", "n_no_answer").rows() == [(False, 0)]


def test_repeats_reduced_to_one_answer_read_each_repeats_answer_from_its_text(
    tmp_path: Path,
) -> None:
    # repeats: 4 under a majority_vote filter: filtered_resps holds the doc's one voted answer
    # (lm-eval's MajorityVoteFilter; take_first keeps the first repeat's), no answer of each
    # repeat. A bare reply ' 5' is its own answer, as in a format without answers: every repeat
    # was 'no answer' to triage, as if the filter had found none in it. Where the filter kept
    # each repeat's answer (pass@k), its '[invalid]' still says it found none.
    def record(doc_id: int, resps: list[str], filtered: Any, name: str, **metrics: Any) -> str:
        return json.dumps({
            "doc_id": doc_id, "doc": {"q": f"Q{doc_id}"}, "target": "5",
            "arguments": {"gen_args_0": {"arg_0": f"Q{doc_id}", "arg_1": {"until": ["\n"]}}},
            "resps": [resps], "filtered_resps": filtered, "filter": name,
            "metrics": list(metrics), **metrics,
        })  # fmt: skip

    path = tmp_path / "org__m" / f"samples_bare_{DATE}.jsonl"
    path.parent.mkdir()
    THINKING = " Let me think about what the question asks before I give any reply to it at all"
    lines = [
        record(0, [" 5", " 5", " 6", " 5"], ["5"], "maj@4", exact_match=1.0),
        record(1, [" 5", " 7", " 7", THINKING], ["7"], "maj@4", exact_match=0.0),
        record(0, [" 5", "The answer is 5", " 6", " 5"], [["[invalid]", "5", "[invalid]", "[invalid]"]],
               "passk", acc=0.25),
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(tokenize=False))
    assert result.errors == []
    # has_answer: the text states a final answer (its own, or the filter's for the row)
    assert result.generations.select("run", "prompt_id", "has_answer").rows() == [
        ("org/m · maj@4", "bare:0", True),
        ("org/m · maj@4", "bare:0", True),
        ("org/m · maj@4", "bare:0", True),
        ("org/m · maj@4", "bare:0", True),
        ("org/m · maj@4", "bare:1", True),
        ("org/m · maj@4", "bare:1", True),
        ("org/m · maj@4", "bare:1", True),
        ("org/m · maj@4", "bare:1", False),
        ("org/m · passk", "bare:0", False),
        ("org/m · passk", "bare:0", True),
        ("org/m · passk", "bare:0", False),
        ("org/m · passk", "bare:0", False),
    ]
    stats = result.stats.sort("run", "prompt_id")
    assert stats.select("run", "prompt_id", "n_no_answer", "prompt_score").rows() == [
        ("org/m · maj@4", "bare:0", 0, 1.0),
        ("org/m · maj@4", "bare:1", 1, 0.0),  # THINKING states no answer
        ("org/m · passk", "bare:0", 3, 0.25),
    ]
    assert any(
        "maj@4: exact_match scores the whole document" in n and "read from its text" in n
        for n in result.notes
    )


IFEVAL_DATE = "2025-01-25T04-48-43.622918"


def ifeval_and_gsm(tmp_path: Path) -> Path:
    """An lm-eval run folder of leaderboard_ifeval (constant ``doc_to_target: 0``, scored by its
    own process_results) and gsm (doc_to_target reads the doc), one doc each, with the results
    file whose configs say so."""
    date = IFEVAL_DATE
    folder = tmp_path / "meta-llama__Llama-3.1-8B-Instruct"
    folder.mkdir(parents=True)
    ifeval = {
        "doc_id": 0,
        "doc": {"key": 1000, "prompt": "Write a haiku without commas.", "kwargs": [{}]},
        "target": 0,
        "arguments": {"gen_args_0": {"arg_0": "Write a haiku without commas.", "arg_1": {}}},
        "resps": [["Leaves fall, softly"]],
        "filtered_resps": ["Leaves fall, softly"],
        "filter": "none",
        "metrics": ["prompt_level_strict_acc", "inst_level_strict_acc"],
        "doc_hash": "a",
        "prompt_hash": "b",
        "target_hash": "c",
        "prompt_level_strict_acc": False,
        "inst_level_strict_acc": [False],
    }
    gsm = {
        **ifeval,
        "doc": {"question": "2+2?", "answer": "4"},
        "target": "4",
        "metrics": ["exact_match"],
        "exact_match": 1.0,
        "resps": [["4"]],
        "filtered_resps": ["4"],
    }
    for task, record in (("leaderboard_ifeval", ifeval), ("gsm", gsm)):
        (folder / f"samples_{task}_{date}.jsonl").write_text(json.dumps(record) + "\n")
    config = {
        "output_type": "generate_until",
        "doc_to_text": "prompt",
        "doc_to_target": 0,
        "process_results": "def process_results(doc, results):\n    ...\n",
    }
    results = {
        "results": {},
        "configs": {
            "leaderboard_ifeval": config,
            "gsm": {**config, "doc_to_target": "{{answer}}", "process_results": None},
        },
        "model_name": "meta-llama/Llama-3.1-8B-Instruct",
    }
    (folder / f"results_{date}.json").write_text(json.dumps(results))
    return folder


def test_a_constant_doc_to_target_of_a_task_scored_by_its_own_function_is_no_reference(
    tmp_path: Path,
) -> None:
    # lm-eval's ifeval (and leaderboard_ifeval) says `doc_to_target: 0` and scores each reply by
    # its own `process_results` (the instructions it was given): every doc's target is that 0,
    # no reference (lm_eval/tasks/ifeval/ifeval.yaml; the results file's configs keep both).
    # Was: every prompt's reference was '0' (an exact re-score called every reply wrong).
    # A task whose doc_to_target reads the doc keeps its targets, as does one without configs.
    date = IFEVAL_DATE
    folder = ifeval_and_gsm(tmp_path)
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens.select("prompt_id", "answer", "accuracy").rows() == [
        ("gsm:0", "4", 1.0),
        ("leaderboard_ifeval:0", None, 0.0),
    ]
    assert [n for n in result.notes if "doc_to_target" in n] == [
        f"meta-llama__Llama-3.1-8B-Instruct/samples_leaderboard_ifeval_{date}.jsonl:"
        " leaderboard_ifeval: every doc's target is the task's constant doc_to_target (0),"
        " no reference: its process_results scores each reply from the doc, not from the target"
    ]
    # Without the results file nothing says the 0 is a placeholder: it stays the target.
    (folder / f"results_{date}.json").unlink()
    alone = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert alone.generations.sort("prompt_id")["answer"].to_list() == ["4", "0"]


def test_a_constant_text_doc_to_target_is_no_reference(tmp_path: Path) -> None:
    # lm-eval's truthfulqa_gen says `doc_to_target: " "` and its process_results scores each
    # reply against the doc's correct_answers and incorrect_answers (lm_eval/tasks/truthfulqa/
    # truthfulqa_gen.yaml, utils.py): doc_to_target renders a text that names no doc field as a
    # Jinja template, which " " is itself. Every prompt's reference was ' ' (the published
    # 0.4.8 run, its results file beside it). A text that names a doc field, or a template,
    # keeps its targets.
    real = FIXTURES.parents[1] / "real_world" / "lm_eval" / "lm-evaluation-harness" / "results"
    folder = tmp_path / "tq"
    folder.mkdir()
    for path in real.glob("*truthfulqa_gen_*"):
        shutil.copy(path, folder)
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations
    assert gens.height == 20 and gens["answer"].null_count() == 20
    assert [n for n in result.notes if "doc_to_target" in n] == [
        "samples_truthfulqa_gen_2025-05-31T14-30-51.983293.jsonl: truthfulqa_gen: every doc's"
        " target is the task's constant doc_to_target (' '), no reference: its process_results"
        " scores each reply from the doc, not from the target"
    ]
    # Without its results file the blank target is no reference either (no reply matches it).
    next(folder.glob("truthfulqa_gen_neo125_*.json")).unlink()
    alone = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert alone.errors == [] and alone.generations["answer"].null_count() == 20
    assert [n for n in alone.notes if "blank" in n] == [
        "samples_truthfulqa_gen_2025-05-31T14-30-51.983293.jsonl: truthfulqa_gen: 20 docs whose"
        " target is blank (' '), no reference: a placeholder no reply could match"
        " (truthfulqa_gen's ' ': its process_results scores each reply from the doc)"
    ]
    # A doc_to_target naming a doc field (gsm's "answer"), a template or a function (`!function
    # utils.f`, written by lm-eval's serialize_function as its source or, failing that, str())
    # keeps the targets.
    date = IFEVAL_DATE
    runs = ifeval_and_gsm(tmp_path / "named")
    results = runs / f"results_{date}.json"
    configs = json.loads(results.read_text())
    function = "def doc_to_target(doc):\n    return doc['answer']\n"
    for target in ("answer", "{{answer}}", function, "<function f at 0x7f>", " "):
        configs["configs"]["gsm"] = {**configs["configs"]["leaderboard_ifeval"]}
        configs["configs"]["gsm"]["doc_to_target"] = target
        results.write_text(json.dumps(configs))
        again = load([runs], LoadOptions(tokenize=False, use_cache=False))
        answer = again.generations.filter(pl.col("prompt_id") == "gsm:0")["answer"].to_list()
        assert answer == ([None] if target == " " else ["4"]), target


def test_exact_keeps_a_filters_invalid_as_no_answer_and_reextract_reads_the_text(
    tmp_path: Path,
) -> None:
    """toy_math_passk's fourth repeat of doc 1 is " 42": its regex filter found no "The answer
    is" and wrote "[invalid]", scored 0. The loader read 42 from the text, and rescore --scorer
    exact flipped it to correct, a verdict lm-eval's own filter never gives. Now it stays no
    answer, as Inspect's "", saying the reply's own answer is the reference; --reextract reads
    it."""
    from evaltui.data.rescore import FOUND_NONE, TEXT_ANSWER_IS_REFERENCE, RescoreOptions, rescore

    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy(samples("toy_math_passk"), folder)
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    gens = result.generations
    row = gens.with_row_index().filter(
        (pl.col("prompt_id") == "toy_math_passk:1") & (pl.col("sample") == 3)
    )
    assert row.select("gen", "extracted", "has_answer", "accuracy").row(0) == (
        " 42",
        None,
        False,
        0.0,
    )
    at = int(row["index"][0])
    scores = rescore(result, RescoreOptions("exact", use_cache=False)).scores
    assert scores.select("new_accuracy", "score_status", "score_message").row(at) == (
        0.0,
        "ok",
        f"{FOUND_NONE}; {TEXT_ANSWER_IS_REFERENCE}",
    )
    reread = rescore(result, RescoreOptions("exact", use_cache=False, reextract=True)).scores
    assert reread["new_accuracy"][at] == 1.0


def test_exact_reextract_keeps_a_choice_the_text_is_part_of(tmp_path: Path) -> None:
    """A multiple-choice doc's answer is its choice, "1: Mars", its text "Mars": read from the
    text, "Mars" is not the reference, and --reextract called both right choices wrong. The
    text's answer, a part of the format's, leaves the format's standing."""
    from evaltui.data.rescore import RescoreOptions, rescore

    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy(samples("toy_mc"), folder)
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations.select("gen", "extracted").rows() == [
        ("Mars", "1: Mars"),
        ("Rome", "0: Rome"),
    ]
    reread = rescore(result, RescoreOptions("exact", use_cache=False, reextract=True)).scores
    assert reread.select("new_accuracy", "score_message").rows() == [(1.0, None), (1.0, None)]


def test_generative_target_indexing_doc_to_choice_is_that_choice() -> None:
    """super_glue-cb-t5-prompt generates its label (doc_to_target: label, doc_to_choice
    ['entailment', 'contradiction', 'neutral']): lm-eval scores the reply against
    ``choices[label]`` but logs the label, the index. The reference was '0'/'1', so
    `rescore --scorer exact` turned both right replies wrong; now it is the choice, with a note."""
    from evaltui.data.rescore import RescoreOptions, rescore

    folder = FIXTURES / "t5_prompt" / "google__flan-t5-base"
    result = load([folder], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    rows = result.generations.select("prompt_id", "answer", "gen", "accuracy")
    assert rows.rows() == [
        ("super_glue-cb-t5-prompt:0", "entailment", "entailment", 1.0),
        ("super_glue-cb-t5-prompt:1", "contradiction", "neutral", 0.0),
        ("super_glue-cb-t5-prompt:2", "contradiction", "contradiction", 1.0),
    ]
    assert [n for n in result.notes if "doc_to_choice" in n] == [
        "samples_super_glue-cb-t5-prompt_2025-03-04T10-11-12.345678.jsonl:"
        " super_glue-cb-t5-prompt: the target of 3 docs is an index into the task's doc_to_choice"
        " (lm-eval scores the reply against that choice): the reference shown is the choice"
    ]
    rescored = rescore(result, RescoreOptions("exact", use_cache=False)).scores
    assert rescored["new_accuracy"].to_list() == [1.0, 0.0, 1.0]


def test_generative_choices_from_a_doc_field_or_its_template_and_not_a_function() -> None:
    """doc_to_choice as lm-eval reads it: a list, a dict's values, a doc field, a template naming
    one (rendered and read back as the list); a function (its source) or a task scoring by its
    own process_results gives none, as does a target that is no index of them."""
    from evaltui.data.formats.lm_eval import _choice_target, _generative_choices

    gen = {"output_type": "generate_until"}
    doc = {"options": ["no", "yes"], "choices": {"text": ["a", "b", "c"]}, "label": 1}
    assert _generative_choices({**gen, "doc_to_choice": ["x", "y"]}, doc) == ["x", "y"]
    assert _generative_choices({**gen, "doc_to_choice": {"0": "x", "1": "y"}}, doc) == ["x", "y"]
    assert _generative_choices({**gen, "doc_to_choice": "options"}, doc) == ["no", "yes"]
    assert _generative_choices({**gen, "doc_to_choice": "{{ choices.text }}"}, doc) == [
        "a",
        "b",
        "c",
    ]
    literal = {**gen, "doc_to_choice": "{{ ['no', 'yes'] }}"}
    assert _generative_choices(literal, doc) == ["no", "yes"]
    assert _generative_choices({**gen, "doc_to_choice": "{{ [label, 'x'] }}"}, doc) is None
    assert _generative_choices({**gen, "doc_to_choice": "def f(doc):\n    ...\n"}, doc) is None
    own = {**gen, "doc_to_choice": ["x", "y"], "process_results": "def p(doc, r):\n    ...\n"}
    assert _generative_choices(own, doc) is None
    mc = {"output_type": "multiple_choice", "doc_to_choice": ["x", "y"]}
    assert _generative_choices(mc, doc) is None
    assert _choice_target("1", ["x", "y"]) == "y"
    assert _choice_target(0, ["x", "y"]) == "x"
    assert _choice_target(2, ["x", "y"]) is None
    assert _choice_target("y", ["x", "y"]) is None
    assert _choice_target(True, ["x", "y"]) is None


def test_task_name_with_a_line_break_is_the_task(tmp_path: Path) -> None:
    """The harness writes ``samples_<task>_<date>.jsonl`` with the task's name as it is (its
    YAML's ``task:``): a name with a line break was not matched (``.`` stops at it), so the file
    was read as a ≤0.4.2 ``<model_args>_<task>`` file and the task was the whole file name
    (``samples_toy\\nmath_gen_2026-…:0``). A name that only ends in a line break after
    ``.jsonl`` is no samples file (``$`` matched before it)."""
    from evaltui.data.formats.lm_eval import SAMPLES_NAME
    from evaltui.data.formats.lm_eval_write_out import NAME

    folder = tmp_path / MODEL_DIR.name
    folder.mkdir()
    results = RESULTS.read_text(encoding="utf-8").replace('"toy_math_gen"', '"toy\\nmath_gen"')
    (folder / RESULTS.name).write_text(results, encoding="utf-8")
    path = folder / f"samples_toy\nmath_gen_{DATE}.jsonl"
    shutil.copy(samples("toy_math_gen"), path)
    result = read(path)
    assert result.errors == []
    assert by_run(result.frame, "prompt_id")[f"{MODEL} · strict-match"] == [
        f"toy\nmath_gen:{doc}" for doc in range(4)
    ]
    assert by_run(result.frame, "accuracy") == by_run(read_clean("toy_math_gen"), "accuracy")
    assert SAMPLES_NAME.match(f"samples_x_{DATE}.jsonl\n") is None
    assert SAMPLES_NAME.match("samples_x_٢٠٢٦-١١-٢٣T١٩-٤٩-٤٨.jsonl") is None  # not isoformat's
    match = NAME.match("a\nb_write_out_info.json")
    assert match is not None and match["task"] == "a\nb"
    assert NAME.match("b_write_out_info.json\n") is None
