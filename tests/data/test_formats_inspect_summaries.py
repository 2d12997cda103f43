"""Inspect AI .eval archives whose samples are only summarised: a log written with
``--no-log-samples`` (or whose ``samples/`` members were taken out) keeps ``header.json`` and the
sample summaries (``summaries.json``; ``_journal/summaries/<n>.json`` while it runs), each an
EvalSampleSummary: id, epoch, input, target, scores, model_usage, … and no output. Built from the
real toy log (ids 3, p0, p1; epochs 1 and 2; match C C C then C I I) as Inspect's EvalRecorder
writes them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.loader import LoadFailure
from tests.data.test_formats_inspect_runs import LOG, MODEL, load_dir
from tests.data.test_real_world import run_table

NAME = "2026-11-23T19-59-31-00-00_toy-math-inspect_AAA.eval"


def summary(sample: dict[str, Any]) -> dict[str, Any]:
    """EvalSampleSummary of a sample, as EvalSample.summary() gives it (no output, messages)."""
    return {
        "id": sample["id"],
        "epoch": sample["epoch"],
        "input": sample["input"],
        "target": sample["target"],
        "metadata": {},
        "scores": sample["scores"],
        "model_usage": sample.get("model_usage", {}),
        "total_time": 0.01,
        "working_time": 0.01,
        "uuid": f"u{sample['id']}{sample['epoch']}",
        "completed": True,
    }


def write(path: Path, members: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in members.items():
            archive.writestr(name, json.dumps(value, indent=2))
    return path


def header() -> dict[str, Any]:
    return {k: v for k, v in LOG.items() if k not in ("samples", "reductions")}


def test_a_log_without_sample_members_is_read_from_its_summaries(tmp_path: Path) -> None:
    # --no-log-samples: header.json and summaries.json only. Nothing was read: 'Inspect log
    # without samples … no generation to show', though each sample's scores were there.
    summaries = [summary(s) for s in LOG["samples"]]
    write(tmp_path / NAME, {"header.json": header(), "summaries.json": summaries})
    result = load_dir(tmp_path)
    assert result.errors == []
    # 3 ids x 2 epochs, all scored: C C C + C I I = 4 of 6, the log's own accuracy
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}
    gens = result.generations.sort("prompt_id", "sample")
    assert gens["gen"].to_list() == [""] * 6
    assert gens["accuracy"].to_list() == [1.0, 1.0, 1.0, 0.0, 1.0, 0.0]
    assert gens["answer"].to_list() == ["6", "6", "5", "5", "42", "42"]
    assert gens["prompt"][0] == "If x = 1.5, what is 4x?"
    assert result.notes == [
        f"{NAME}: 6 samples have no samples/ member in the archive (written with"
        " --no-log-samples, or taken out): read from its sample summaries (summaries.json):"
        " prompt, target and scores only; the generation text is missing (shown empty, length 0)"
    ]


def test_a_running_log_journal_summaries_fill_in_missing_samples_only(tmp_path: Path) -> None:
    # A log still running: _journal/start.json, one summaries part per flush. Samples whose
    # member is there are read from it (with their text); the rest from the parts, in order.
    samples = LOG["samples"]
    start = {k: LOG[k] for k in ("version", "eval", "plan")}
    members: dict[str, Any] = {"_journal/start.json": start}
    members[f"samples/{samples[0]['id']}_epoch_{samples[0]['epoch']}.json"] = samples[0]
    members["_journal/summaries/1.json"] = [summary(s) for s in samples[:3]]
    members["_journal/summaries/2.json"] = [summary(s) for s in samples[3:]]
    write(tmp_path / NAME, members)
    result = load_dir(tmp_path)
    assert result.errors == []
    gens = result.generations.sort("prompt_id", "sample")
    assert gens.height == 6  # the first sample once, from its member
    assert gens.filter(gens["gen"] != "")["gen"].to_list() == [samples[0]["output"]["completion"]]
    assert gens["accuracy"].to_list() == [1.0, 1.0, 1.0, 0.0, 1.0, 0.0]
    notes = result.notes
    assert f"{NAME}: Inspect log still running (or killed) (status 'started')" in notes
    assert any(
        "2 samples have no samples/ member" in n and "_journal/summaries/1.json" in n for n in notes
    )
    assert any(
        "3 samples have no samples/ member" in n and "_journal/summaries/2.json" in n for n in notes
    )


def test_summaries_that_are_not_a_list_are_an_error_naming_the_member(tmp_path: Path) -> None:
    write(tmp_path / NAME, {"header.json": header(), "summaries.json": {"id": 1}})
    with pytest.raises(LoadFailure) as failure:
        load_dir(tmp_path)
    assert [(e.source, e.reason) for e in failure.value.errors] == [
        (NAME, "summaries.json is not a list of sample summaries")
    ]


def test_a_sample_is_known_by_its_own_id_not_its_member_name(tmp_path: Path) -> None:
    # A member named otherwise than '<id>_epoch_<n>' (an id a file name spells differently)
    # still holds its sample: its summary is not read as a second generation of it.
    samples = LOG["samples"]
    members: dict[str, Any] = {"header.json": header()}
    for number, sample in enumerate(samples):
        members[f"samples/sample{number}.json"] = sample
    members["summaries.json"] = [summary(s) for s in samples]
    write(tmp_path / NAME, members)
    result = load_dir(tmp_path)
    assert result.errors == [] and result.notes == []
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}


def test_a_records_export_of_summaries_reads_back_as_the_same_rows(tmp_path: Path) -> None:
    # export --records writes each summary as a line; read back, the lines were 'no reader
    # recognises this file' (an EvalSample line has output and messages, a summary neither).
    from evaltui.cli import main

    summaries = [summary(s) for s in LOG["samples"]]
    write(tmp_path / "logs" / NAME, {"header.json": header(), "summaries.json": summaries})
    out = tmp_path / "out" / "sub.jsonl"
    out.parent.mkdir()
    assert (
        main(["export", str(tmp_path / "logs"), "--records", "-o", str(out), "--no-cache", "-q"])
        == 0
    )
    manifest = out.with_name("sub.jsonl.evaltui.json")
    manifest.unlink()  # read back alone: the model from the summaries' model_usage
    again = load_dir(out)
    assert again.errors == []
    assert run_table(again) == {MODEL: (3, 6, 6, 0.6667)}
    assert again.generations["gen"].to_list() == [""] * 6
    assert again.notes == [
        "sub.jsonl: 6 samples are sample summaries (no output, no messages): prompt, target and"
        " scores only; the generation text is missing (shown empty, length 0)"
    ]


def test_a_bad_summary_is_an_error_naming_its_member_and_place(tmp_path: Path) -> None:
    # A summary that is no sample was 'sample without an id' at the archive's record 3: no
    # member of the archive is record 3, and a zip has no line 3 either ('x.eval:3'): the error
    # names the member and the summary's place in it, at no line.
    summaries: list[Any] = [summary(s) for s in LOG["samples"][:2]] + [["not", "a", "summary"]]
    write(tmp_path / NAME, {"header.json": header(), "summaries.json": summaries})
    result = load_dir(tmp_path)
    assert [(e.line, e.reason) for e in result.errors] == [
        (None, "summaries.json[2]: sample without an id")
    ]
    assert str(result.errors[0]) == f"{NAME}: summaries.json[2]: sample without an id"
    assert result.generations.height == 2


def test_summaries_are_not_read_when_every_sample_has_its_member(tmp_path: Path) -> None:
    # The header's results count 6 samples and the archive holds 6 members: the summaries (a
    # large log's summaries.json holds every input again) are not parsed, so even a broken one
    # is no error.
    members: dict[str, Any] = {"header.json": header(), "summaries.json": {"not": "a list"}}
    for sample in LOG["samples"]:
        members[f"samples/{sample['id']}_epoch_{sample['epoch']}.json"] = sample
    write(tmp_path / NAME, members)
    result = load_dir(tmp_path)
    assert result.errors == [] and result.notes == []
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}


def test_a_summary_of_a_sample_not_completed_is_told_not_counted(tmp_path: Path) -> None:
    # EvalSampleSummary.completed: false (a sample still running when the log was written, no
    # scores yet) was a generation, empty and unscored, among the finished ones.
    summaries = [summary(s) for s in LOG["samples"]]
    summaries[-1] |= {"completed": False, "scores": None}
    start = {k: LOG[k] for k in ("version", "eval", "plan")}
    write(tmp_path / NAME, {"_journal/start.json": start, "_journal/summaries/1.json": summaries})
    result = load_dir(tmp_path)
    assert result.errors == []
    assert run_table(result) == {MODEL: (3, 5, 5, 0.8)}
    assert (
        f"{NAME}: 1 sample not completed (its summary says completed: false: still running when"
        " the log was written): not shown"
    ) in result.notes


def test_rows_read_from_summaries_are_not_re_scored_from_their_missing_text(
    tmp_path: Path,
) -> None:
    # A summary holds the scorer's verdict and answer, not the output: the row's text is "".
    # A scorer reading the text scored that empty text (contains_reference: every row 0, the
    # 4 stored correct verdicts "flipped to wrong"); now each is "no answer" with the reason.
    from evaltui.data.formats.inspect_ai import SUMMARY_ONLY
    from evaltui.data.rescore import NO_ANSWER, RescoreOptions, rescore

    write(
        tmp_path / NAME,
        {"header.json": header(), "summaries.json": [summary(s) for s in LOG["samples"]]},
    )
    result = load_dir(tmp_path)
    assert result.generations["answer_unknown"].to_list() == [SUMMARY_ONLY] * 6
    # the scorer's answers are still shown as what it extracted
    assert sorted(result.generations["extracted"].drop_nulls().to_list()) == [
        "42",
        "5",
        "6",
        "6",
        "6",
    ]
    scorer = "tests.data.rescore_scorers:contains_reference"
    rescored = rescore(result, RescoreOptions(scorer, use_cache=False, workers=1))
    assert rescored.counts == {NO_ANSWER: 6}
    assert rescored.scores["new_accuracy"].to_list() == [None] * 6
    assert rescored.scores["score_message"].to_list() == [SUMMARY_ONLY] * 6


@pytest.mark.parametrize("name", ["exact", "math-verify"])
def test_exact_and_math_verify_score_the_answer_the_summary_s_scorer_extracted(
    tmp_path: Path, name: str
) -> None:
    # A summary holds the answer its scorer extracted (match: '6', '5', '42', '6', '6', none),
    # all exact and math-verify read of a generation: 'no answer' for all 6 left a summaries-
    # only log unscored by either. The sample whose scorer gave no answer is still 'no answer'.
    from evaltui.data.formats.inspect_ai import SUMMARY_ONLY
    from evaltui.data.rescore import FROM_ANSWER, NO_ANSWER, RescoreOptions, rescore

    write(
        tmp_path / NAME,
        {"header.json": header(), "summaries.json": [summary(s) for s in LOG["samples"]]},
    )
    result = load_dir(tmp_path)
    rescored = rescore(result, RescoreOptions(name, use_cache=False, workers=1))
    frame = result.generations.select("prompt_id", "sample", "extracted", "accuracy")
    frame = frame.with_columns(rescored.scores).sort("prompt_id", "sample")
    assert frame.select("extracted", "accuracy", "new_accuracy", "score_message").rows() == [
        ("6", 1.0, 1.0, FROM_ANSWER),
        ("6", 1.0, 1.0, FROM_ANSWER),
        ("5", 1.0, 1.0, FROM_ANSWER),
        ("6", 0.0, 0.0, FROM_ANSWER),  # the answer 6 to the reference 5: wrong, as stored
        ("42", 1.0, 1.0, FROM_ANSWER),
        (None, 0.0, None, SUMMARY_ONLY),
    ]
    assert rescored.counts == {"ok": 5, NO_ANSWER: 1}


def test_the_rescore_command_says_how_many_were_scored_from_the_scorer_s_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaltui.cli import main

    write(
        tmp_path / "logs" / NAME,
        {"header.json": header(), "summaries.json": [summary(s) for s in LOG["samples"]]},
    )
    out = tmp_path / "r.json"
    argv = ["rescore", str(tmp_path / "logs"), "--scorer", "exact", "-o", str(out), "--no-cache"]
    assert main(argv) == 0
    lines = capsys.readouterr().err.splitlines()
    assert "generations  1 no answer, 5 ok" in lines
    assert (
        "answers      5 generations scored from the answer their format's scorer extracted (the "
        "text is not the model's output: an Inspect sample read from its summary)"
    ) in lines


def test_a_requeued_samples_last_summary_is_the_one_read(tmp_path: Path) -> None:
    # A sample requeued and run again is summarised twice, its superseded attempt first:
    # Inspect keeps the last row per (id, epoch) (_dedupe_summaries: "a requeued sample's re-run
    # is recorded after its superseded prior attempt, so the later row is the current one"), in
    # summaries.json of a log written before superseding-on-buffer existed, and in the journal
    # parts of a running log. The first row was read: p0's epoch 2 an error ('… errored:
    # sandbox lost') though its re-run was scored, and p1's epoch 2 'not completed', dropped.
    samples = LOG["samples"]
    first = {**summary(samples[4]), "scores": None, "error": "RuntimeError('sandbox lost')"}
    unfinished = {**summary(samples[5]), "scores": None, "completed": False}
    rows = [summary(s) for s in samples[:4]] + [first, unfinished]
    rows += [summary(samples[4]), summary(samples[5])]
    write(tmp_path / "a" / NAME, {"header.json": header(), "summaries.json": rows})
    start = {k: LOG[k] for k in ("version", "eval", "plan")}
    parts = {
        "_journal/start.json": start,
        "_journal/summaries/1.json": rows[:6],
        "_journal/summaries/2.json": rows[6:],
    }
    write(tmp_path / "b" / NAME, parts)
    for folder in ("a", "b"):
        result = load_dir(tmp_path / folder)
        assert result.errors == []
        gens = result.generations.sort("prompt_id", "sample")
        # 3 ids x 2 epochs: C C C + C I I, the re-runs' scores
        assert gens["accuracy"].to_list() == [1.0, 1.0, 1.0, 0.0, 1.0, 0.0]
        assert not any("not completed" in note for note in result.notes)
