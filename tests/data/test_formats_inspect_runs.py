"""Inspect AI: what one run is. Separate logs are separate runs, one log saved twice is read once,
epochs stay generations of one prompt, errored samples and log status are told, eval-set files are
companions. Logs are built from the real toy log (tests/fixtures/formats/inspect_ai: ids 3, p0, p1,
epochs 1 and 2, match scores C C C then C I I) the way Inspect writes them, and the published
logs in tests/fixtures/real_world are checked with values read off their headers and samples.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data import metrics
from evaltui.data.formats import detect
from evaltui.data.loader import LoadFailure, LoadOptions, LoadResult, load
from tests.data.test_formats_inspect_lighteval import INSPECT_JSON
from tests.data.test_real_world import REAL, run_table

LOG: dict[str, Any] = json.loads(INSPECT_JSON.read_text(encoding="utf-8"))
MODEL = "mockllm/model"


def log(eval_id: str, created: str, **changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(LOG))
    data["eval"].update(eval_id=eval_id, run_id=f"run-{eval_id}", created=created)
    data.update(changes)
    return data


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_eval(path: Path, data: dict[str, Any]) -> Path:
    """An .eval archive as Inspect writes it: header.json plus one member per (id, epoch)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        header = {k: v for k, v in data.items() if k not in ("samples", "reductions")}
        archive.writestr("header.json", json.dumps(header))
        for sample in data.get("samples") or []:
            archive.writestr(
                f"samples/{sample['id']}_epoch_{sample['epoch']}.json", json.dumps(sample)
            )
    return path


def load_dir(path: Path) -> LoadResult:
    return load([path], LoadOptions(tokenize=False, use_cache=False))


def test_separate_logs_of_one_task_and_model_are_separate_runs(tmp_path: Path) -> None:
    write_eval(tmp_path / "2026-01-01T10-00-00_toy_AAA.eval", log("AAA", "2026-01-01T10:00:00"))
    write_json(tmp_path / "2026-01-02T10-00-00_toy_BBB.json", log("BBB", "2026-01-02T10:00:00"))
    result = load_dir(tmp_path)
    assert result.errors == [] and result.notes == []
    # each log: 3 ids x 2 epochs, 6 scored, C C C + C I I = 4 of 6
    assert run_table(result) == {
        f"{MODEL} @ 2026-01-01T10:00:00": (3, 6, 6, 0.6667),
        f"{MODEL} @ 2026-01-02T10:00:00": (3, 6, 6, 0.6667),
    }
    # epochs stay generations of one prompt: 2 per (run, prompt), never 4
    assert set(result.stats["count"]) == {2}


def test_one_log_saved_as_eval_and_json_is_read_once(tmp_path: Path) -> None:
    same = log("AAA", "2026-01-01T10:00:00")
    write_eval(tmp_path / "a" / "2026-01-01T10-00-00_toy_AAA.eval", same)
    write_json(tmp_path / "a" / "converted.json", same)  # inspect log convert keeps the eval id
    result = load_dir(tmp_path / "a")
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}
    assert result.notes == [
        "converted.json: the same Inspect log as 2026-01-01T10-00-00_toy_AAA.eval"
        " (same eval id or name, saved twice), read once from there"
    ]


def errored_log(eval_id: str, created: str) -> dict[str, Any]:
    """A log stopped by an error (status 'error'): p1 epoch 2 errored, its other samples done."""
    data = log(eval_id, created, status="error", error={"message": "RateLimitError"})
    data.pop("results", None)  # Inspect writes no results for a log that errored
    errored = next(s for s in data["samples"] if s["id"] == "p1" and s["epoch"] == 2)
    errored["error"] = {"message": "RateLimitError: 429", "traceback": "..."}
    errored["scores"], errored["output"] = {}, {"model": MODEL, "choices": []}
    return data


def test_a_log_and_its_retry_are_one_run_read_from_the_retry(tmp_path: Path) -> None:
    # `inspect eval-retry` (and an eval set's retries) write a new log of the same task id,
    # with a new eval id and start time, holding the samples the errored log completed and the
    # others run again; Inspect counts the errored log as retried once a log of its task id
    # succeeds (log/_retry.py retryable_eval_logs; TaskLogger.reinit: eval_id=uuid()). Both
    # were two runs, 'mockllm/model @ …', the errored sample a bad line of a log no one reads.
    first = errored_log("AAA", "2026-01-01T10:00:00+00:00")
    retry = log("BBB", "2026-01-01T10:05:00+00:00")
    assert first["eval"]["task_id"] == retry["eval"]["task_id"]
    write_eval(tmp_path / "2026-01-01T10-00-00+00-00_toy_TID.eval", first)
    write_eval(tmp_path / "2026-01-01T10-05-00+00-00_toy_TID.eval", retry)
    result = load_dir(tmp_path)
    # the retry alone: 3 ids x 2 epochs, C C C + C I I = 4 of 6
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}
    assert result.errors == []
    assert result.notes == [
        "2026-01-01T10-00-00+00-00_toy_TID.eval: retried as"
        " 2026-01-01T10-05-00+00-00_toy_TID.eval (same task id, status 'error' here; a retry"
        " keeps the samples this log completed and runs the others again), read from there"
    ]


def test_of_unfinished_logs_of_one_task_id_the_latest_is_read(tmp_path: Path) -> None:
    # A retry that errored again: Inspect retries the latest (retryable_eval_logs keeps the most
    # recent log of a task id); it holds what the first completed.
    first = errored_log("AAA", "2026-01-01T10:00:00+00:00")
    second = errored_log("BBB", "2026-01-01T11:00:00+00:00")
    second["samples"] = [s for s in second["samples"] if "error" not in s]
    second["status"], second["error"] = "cancelled", None
    write_json(tmp_path / "2026-01-01T10-00-00+00-00_toy_TID.json", first)
    write_json(tmp_path / "2026-01-01T11-00-00+00-00_toy_TID.json", second)
    result = load_dir(tmp_path)
    assert run_table(result) == {MODEL: (3, 5, 5, 0.8)}  # p1 epoch 2 (an I) not run yet
    assert result.errors == []
    assert result.notes[0].startswith(
        "2026-01-01T10-00-00+00-00_toy_TID.json: retried as"
        " 2026-01-01T11-00-00+00-00_toy_TID.json (same task id, status 'error' here;"
    )
    assert result.notes[1:] == [
        "2026-01-01T11-00-00+00-00_toy_TID.json: Inspect log cancelled (status 'cancelled')"
    ]


def test_logs_of_other_tasks_stay_one_run_per_model(tmp_path: Path) -> None:
    other = log("BBB", "2026-01-02T10:00:00")
    other["eval"]["task"] = "other_task"
    write_eval(tmp_path / "x_AAA.eval", log("AAA", "2026-01-01T10:00:00"))
    write_eval(tmp_path / "y_BBB.eval", other)
    result = load_dir(tmp_path)
    # prompt ids carry the task, so nothing merges: one run of 6 prompts
    assert run_table(result) == {MODEL: (6, 12, 12, 0.6667)}


def test_errored_samples_are_errors_and_the_status_is_told(tmp_path: Path) -> None:
    data = log("AAA", "2026-01-01T10:00:00", status="error", error={"message": "boom\ntrace"})
    errored = next(s for s in data["samples"] if s["id"] == "p1" and s["epoch"] == 2)
    errored["error"] = {"message": "RuntimeError('rate limited')", "traceback": "..."}
    errored["scores"], errored["output"] = {}, {"model": MODEL, "choices": []}
    path = write_eval(tmp_path / "x_AAA.eval", data)
    result = load_dir(tmp_path)
    # p1 epoch 2 (an I) is gone from the generations: 5 left, C C C C I -> 4/5
    assert run_table(result) == {MODEL: (3, 5, 5, 0.8)}
    # A zip has no lines: the error names the member that holds the sample (it was
    # 'x_AAA.eval:5', the sample's place among the members, which no tool opens).
    assert [(e.source, e.line, e.reason) for e in result.errors] == [
        (
            "x_AAA.eval",
            None,
            "samples/p1_epoch_2.json: sample p1 (epoch 2) errored: RuntimeError('rate limited')",
        )
    ]
    assert str(result.errors[0]).startswith("x_AAA.eval: samples/p1_epoch_2.json: sample p1")
    with zipfile.ZipFile(path) as archive:
        held = json.loads(archive.read("samples/p1_epoch_2.json"))
    assert (held["id"], held["epoch"], "error" in held) == ("p1", 2, True)
    assert result.notes == [f"{path.name}: Inspect log stopped by an error (status 'error'): boom"]


def test_eval_archive_errors_name_the_member_in_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # summarize's list and --bad-lines told an archive's bad sample at its place among the
    # members as a line: 'x_AAA.eval:6: sample p1 (epoch 2) errored …' and
    # 'x_AAA.eval:8: samples/p9_epoch_1.json: unreadable …', {"line": 6}: a zip has no line 6.
    data = log("AAA", "2026-01-01T10:00:00")
    errored = next(s for s in data["samples"] if s["id"] == "p1" and s["epoch"] == 2)
    errored["error"] = {"message": "RuntimeError('rate limited')", "traceback": "..."}
    path = write_eval(tmp_path / "logs" / "x_AAA.eval", data)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("samples/p9_epoch_1.json", "{not json")
    bad = tmp_path / "bad.jsonl"
    out = tmp_path / "s.json"
    argv = ["summarize", str(path.parent), "-o", str(out), "--no-cache", "--bad-lines", str(bad)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    errored_reason = (
        "samples/p1_epoch_2.json: sample p1 (epoch 2) errored: RuntimeError('rate limited')"
    )
    unreadable = "samples/p9_epoch_1.json: unreadable (Expecting property name enclosed in double"
    assert f"  x_AAA.eval: {errored_reason}\n" in err
    assert f"  x_AAA.eval: {unreadable}" in err
    assert "x_AAA.eval:" not in err.replace("x_AAA.eval: ", "")
    rows = [json.loads(line) for line in bad.read_text(encoding="utf-8").splitlines()]
    assert [(r["kind"], r["source"], r["line"], r["reason"][:60]) for r in rows] == [
        ("bad line", "x_AAA.eval", None, errored_reason[:60]),
        ("bad line", "x_AAA.eval", None, unreadable[:60]),
    ]


def test_a_json_log_errored_sample_is_told_at_its_line(tmp_path: Path) -> None:
    # Inspect writes a .json log indented (write_eval_log: indent=2): an errored sample is told
    # at the line of the file it starts on; it was 'x.json:4' for
    # the 4th sample, a line of the log's header.
    data = log("AAA", "2026-01-01T10:00:00")
    place = next(i for i, s in enumerate(data["samples"]) if s["id"] == "p1" and s["epoch"] == 2)
    errored = data["samples"][place]
    errored["error"] = {"message": "RuntimeError('[red]rate[/red]')", "traceback": "..."}
    errored["scores"], errored["output"] = {}, {"model": MODEL, "choices": []}
    path = tmp_path / "x_AAA.json"
    text = json.dumps(data, indent=2)
    path.write_text(text, encoding="utf-8")
    result = load_dir(tmp_path)
    assert run_table(result) == {MODEL: (3, 5, 5, 0.8)}
    lines = text.splitlines()
    at = [e.line for e in result.errors]
    assert len(at) == 1 and at[0] is not None
    assert lines[at[0] - 1] == "    {"  # the sample's opening brace
    end = next(j for j in range(at[0], len(lines)) if lines[j].startswith("    }"))
    body = lines[at[0] : end]  # the sample's own lines
    assert '      "id": "p1",' in body and '      "epoch": 2,' in body
    assert [e.reason for e in result.errors] == [
        "sample p1 (epoch 2) errored: RuntimeError('[red]rate[/red]')"
    ]


def test_an_empty_cancelled_log_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_eval(
        tmp_path / "x_AAA.eval", log("AAA", "2026-01-01T10:00:00", status="cancelled", samples=[])
    )
    with pytest.raises(LoadFailure, match=r"Inspect log cancelled .*no sample was logged"):
        load_dir(tmp_path)
    assert main(["summarize", str(tmp_path), "-o", str(tmp_path / "c.json"), "--no-cache"]) == 2
    assert "cancelled" in capsys.readouterr().err


def test_a_json_log_is_told_from_an_eval_set_index(tmp_path: Path) -> None:
    index = write_json(
        tmp_path / "logs.json", {"x_AAA.eval": {k: v for k, v in LOG.items() if k != "samples"}}
    )
    found = detect(index)
    assert found.reader is None and found.companion


# --- published logs ---------------------------------------------------------------------------


def test_published_eval_set_folder() -> None:
    # eval-set1: one .eval (popularity, openai/gpt-5, 1 sample scored I: accuracy 0.0 in its
    # header) and the eval set's logs.json / eval-set.json (.eval-set-id is hidden).
    result = load_dir(REAL / "inspect_ai/inspect_ai/eval-set1")
    assert result.errors == [] and result.notes == []
    assert sorted((f.source, f.companion) for f in result.skipped_files) == [
        ("eval-set.json", True),
        ("logs.json", True),
    ]
    assert run_table(result) == {"openai/gpt-5": (1, 1, 1, 0.0)}
    # .eval-set-id is hidden (never walked); named directly it is a companion too
    named = detect(REAL / "inspect_ai/inspect_ai/eval-set1/.eval-set-id")
    assert named.reader is None and named.companion


def test_published_separate_logs_and_a_log_saved_twice() -> None:
    # Two popularity logs of openai/gpt-4o-mini (run ids nnS4… and 2wRu…, no eval ids, 10 samples
    # each): the 15:17 one has no scorer (results.scores is empty), the 15:18 one scores 8 of 10
    # (its header: accuracy 0.8). log_read_sample.eval/.json: ollama/gemma3, 1 sample scored C,
    # saved in both formats: read once.
    result = load_dir(REAL / "repro_inspect_merge")
    assert result.errors == []
    assert run_table(result) == {
        "openai/gpt-4o-mini @ 2025-02-11T15:17:00-05:00": (10, 10, 0, None),
        "openai/gpt-4o-mini @ 2025-02-11T15:18:04-05:00": (10, 10, 10, 0.8),
        "ollama/gemma3": (1, 1, 1, 1.0),
    }
    assert len(result.notes) == 1 and result.notes[0].startswith("log_read_sample.json: the same")
    assert set(result.stats["count"]) == {1}  # no "several generations of one prompt"


def test_published_log_whose_samples_all_errored(capsys: pytest.CaptureFixture[str]) -> None:
    # A2UI: status "error" (TypeError in the model client), 27 samples each with an error and no
    # output: no generation at all, and the reason is said instead of "runs 0".
    folder = REAL / "inspect_ai/A2UI/logs"
    with pytest.raises(LoadFailure) as failure:
        load_dir(folder)
    message = str(failure.value)
    assert "Inspect log stopped by an error (status 'error'): TypeError(" in message
    assert "27 bad lines" in message
    assert main(["summarize", str(folder), "-o", "-", "--no-cache", "-q"]) == 2
    assert "27 bad lines" in capsys.readouterr().err


def test_separate_logs_compare_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two logs of toy_math_inspect by the same model; in the second, p0 epoch 1 is scored I
    # instead of C: the model's p0 pass rate goes 1/2 -> 0/2 (all 3 prompts are in both runs).
    second = log("BBB", "2026-01-02T10:00:00")
    changed = next(s for s in second["samples"] if s["id"] == "p0" and s["epoch"] == 1)
    changed["scores"]["match"]["value"] = "I"
    write_eval(tmp_path / "2026-01-01T10-00-00_toy_AAA.eval", log("AAA", "2026-01-01T10:00:00"))
    write_eval(tmp_path / "2026-01-02T10-00-00_toy_BBB.eval", second)
    assert main(["compare", str(tmp_path), "--no-cache", "-q"]) == 0
    out = capsys.readouterr().out
    assert "3 prompts in both runs" in out
    assert "improved 0 · regressed 1 · unchanged 2" in out
    err_code = main(["summarize", str(tmp_path), "-o", str(tmp_path / "c.json"), "--no-cache"])
    assert err_code == 0
    err = capsys.readouterr().err
    assert "runs         2\n" in err and "prompts      3 in 2 runs (6 rows, run × prompt)\n" in err


def test_a_json_log_with_other_key_order_is_still_a_log(tmp_path: Path) -> None:
    data = log("AAA", "2026-01-01T10:00:00")
    reordered = {"status": data["status"], **{k: v for k, v in data.items() if k != "status"}}
    found = detect(write_json(tmp_path / "x_AAA.json", reordered))
    assert found.reader is not None and found.reader.name == "inspect"


def test_following_a_log_that_has_no_sample_yet(tmp_path: Path) -> None:
    # A just-started log (status "started", no sample written yet) is not a failure when the
    # inputs are followed: the samples come with later polls. The note says where it stands.
    from evaltui.data.follow import Follower

    write_eval(
        tmp_path / "x_AAA.eval", log("AAA", "2026-01-01T10:00:00", status="started", samples=[])
    )
    follower = Follower([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    result = follower.load()
    assert result.generations.height == 0
    assert result.notes == [
        "x_AAA.eval: Inspect log still running (or killed) (status 'started'); no sample was logged"
    ]
    with pytest.raises(LoadFailure, match="still running"):
        load_dir(tmp_path)  # a plain load says why there is nothing


def write_running_eval(path: Path, data: dict[str, Any]) -> Path:
    """An .eval archive of an eval still running, as inspect_ai's ``EvalRecorder`` leaves it
    (``log/_recorders/eval.py``): ``_journal/start.json`` (``LogStart``: version, eval, plan -- no
    status), the samples finished so far and ``_journal/summaries/<k>.json``; ``header.json``
    only comes when the log ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        start = {"version": data["version"], "eval": data["eval"], "plan": data["plan"]}
        archive.writestr("_journal/start.json", json.dumps(start))
        samples = data.get("samples") or []
        for sample in samples:
            archive.writestr(
                f"samples/{sample['id']}_epoch_{sample['epoch']}.json", json.dumps(sample)
            )
        summaries = [{"id": s["id"], "epoch": s["epoch"], "scores": s["scores"]} for s in samples]
        archive.writestr("_journal/summaries/1.json", json.dumps(summaries))
    return path


def test_a_running_eval_without_its_header_says_it_is_not_finished(tmp_path: Path) -> None:
    # Read as if finished before: the samples written so far, and no word that more would come.
    data = log("RUN", "2026-01-01T10:00:00")
    write_running_eval(tmp_path / "x_RUN.eval", data)
    result = load_dir(tmp_path)
    assert result.generations.height == len(data["samples"])
    assert result.notes == ["x_RUN.eval: Inspect log still running (or killed) (status 'started')"]
    (tmp_path / "x_RUN.eval").unlink()
    write_running_eval(tmp_path / "y_RUN.eval", log("RUN", "2026-01-01T10:00:00", samples=[]))
    with pytest.raises(LoadFailure, match="still running"):
        load_dir(tmp_path)


# --- a sample whose output is empty: the generation from where the model's text is --------------


def _without_output(sample: dict[str, Any], *, keep_reply: bool) -> None:
    """Empty the sample's output as agents' logs have it; drop the model's reply from its
    messages too unless ``keep_reply``."""
    sample["output"] = {"model": MODEL, "choices": [], "completion": ""}
    if not keep_reply:
        sample["messages"] = [m for m in sample["messages"] if m.get("role") != "assistant"]
        sample["messages"].append({"role": "assistant", "content": "", "tool_calls": []})


@pytest.mark.parametrize("writer", [write_json, write_eval])
def test_empty_output_falls_back_to_messages_then_to_the_scorers_answer(
    tmp_path: Path, writer: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    data = log("AAA", "2026-01-01T10:00:00")
    by_key = {(s["id"], s["epoch"]): s for s in data["samples"]}
    # p0 epoch 1 ("The answer is 5", scored C, answer "5"): no output, no reply in messages.
    _without_output(by_key[("p0", 1)], keep_reply=False)
    # p1 epoch 1 ("7 × 6 = 42"): no output, but the reply is still the last assistant message.
    _without_output(by_key[("p1", 1)], keep_reply=True)
    suffix = ".json" if writer is write_json else ".eval"
    path = writer(tmp_path / f"x_AAA{suffix}", data)
    result = load_dir(tmp_path)
    gens = {(r["prompt_id"], r["sample"]): r for r in result.generations.iter_rows(named=True)}
    assert gens[("toy_math_inspect:p0", 0)]["gen"] == "5"
    assert gens[("toy_math_inspect:p0", 0)]["extracted"] == "5"
    assert gens[("toy_math_inspect:p1", 0)]["gen"] == "7 × 6 = 42"
    assert gens[("toy_math_inspect:3", 0)]["gen"] == "4x = 6.0"  # output.completion as before
    assert sorted(result.notes) == [
        f"{path.name}: 1 sample has no model output (output.completion and output.choices"
        " empty): the generation shown is the last assistant message in its messages",
        f"{path.name}: 1 sample has no model output (output.completion and output.choices"
        " empty): the generation shown is the scorer's answer (the extracted answer, not the"
        " full model output)",
    ]
    # The CLI says it too, and counts no empty generation.
    out = tmp_path / "c.json"
    assert main(["summarize", str(tmp_path), "-o", str(out), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "the generation shown is the scorer's answer" in err
    assert "empty 0 of 6 generations" in err


# --- header fields nobody needs cannot cost the log; one it needs is one clear error ------------

DEEP = "[" * 10_000 + "]" * 10_000
LONG_INT = "9" * 5_000
SENTINEL = "@@spliced@@"


def write_spliced(path: Path, data: dict[str, Any], raw: str) -> Path:
    """Write ``data`` as a .json or .eval log (by the suffix) with ``raw`` JSON text where the
    value ``SENTINEL`` is (json.dumps cannot write what the parser then chokes on)."""
    (write_json if path.suffix == ".json" else write_eval)(path, data)
    if path.suffix == ".json":
        path.write_text(path.read_text(encoding="utf-8").replace(f'"{SENTINEL}"', raw))
        return path
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text.replace(f'"{SENTINEL}"', raw))
    return path


def _spoil(data: dict[str, Any], where: str) -> None:
    if where == "eval.metadata":
        data["eval"]["metadata"] = SENTINEL
    elif where == "eval.model_args":
        data["eval"]["model_args"] = {"nested": SENTINEL}
    elif where == "plan":
        data["plan"] = SENTINEL
    elif where == "stats":
        data["stats"]["model_usage"] = SENTINEL
    elif where == "eval.model":
        data["eval"]["model"] = SENTINEL
    else:
        raise AssertionError(where)


@pytest.mark.parametrize("suffix", [".json", ".eval"])
@pytest.mark.parametrize("raw", [DEEP, LONG_INT], ids=["10k deep", "5k digits"])
@pytest.mark.parametrize("where", ["eval.metadata", "eval.model_args", "plan", "stats"])
def test_header_fields_evaltui_does_not_need_cannot_lose_the_log(
    tmp_path: Path, suffix: str, raw: str, where: str
) -> None:
    first = log("AAA", "2026-01-01T10:00:00")
    second = log("BBB", "2026-01-02T10:00:00")
    _spoil(first, where)
    _spoil(second, where)
    write_spliced(tmp_path / f"2026-01-01T10-00-00_toy_AAA{suffix}", first, raw)
    write_spliced(tmp_path / f"2026-01-02T10-00-00_toy_BBB{suffix}", second, raw)
    result = load_dir(tmp_path)
    assert result.errors == [] and result.notes == []
    # Both logs read whole, under their model, and still told apart (their ids were read).
    assert run_table(result) == {
        f"{MODEL} @ 2026-01-01T10:00:00": (3, 6, 6, 0.6667),
        f"{MODEL} @ 2026-01-02T10:00:00": (3, 6, 6, 0.6667),
    }


@pytest.mark.parametrize("suffix", [".json", ".eval"])
@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (DEEP, "JSON nested too deeply to read (about 1,000 levels at most)"),
        (LONG_INT, "integer too long to read (more than 4,300 digits)"),
    ],
    ids=["10k deep", "5k digits"],
)
def test_an_unreadable_header_field_evaltui_needs_is_one_clear_error(
    tmp_path: Path, suffix: str, raw: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = log("AAA", "2026-01-01T10:00:00")
    _spoil(bad, "eval.model")
    write_spliced(tmp_path / f"bad{suffix}", bad, raw)
    write_eval(tmp_path / "good.eval", log("BBB", "2026-01-02T10:00:00"))
    result = load_dir(tmp_path)
    assert run_table(result) == {MODEL: (3, 6, 6, 0.6667)}  # the good log, whole
    assert [str(e) for e in result.errors] == [
        f"bad{suffix}: Inspect log not read: its eval.model cannot be read ({why})"
    ]
    assert main(["summarize", str(tmp_path), "-o", str(tmp_path / "c.json"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "bad lines    1" in err and f"bad{suffix}: Inspect log not read: its eval.model" in err
    assert "Traceback" not in err


def test_an_empty_cancelled_json_log_says_so(tmp_path: Path) -> None:
    # The .json form of an empty cancelled log has no "samples" key at all: the status says why,
    # as for .eval (was: "Inspect log without samples", counted as a bad line).
    data = log("AAA", "2026-01-01T10:00:00", status="cancelled")
    del data["samples"]
    write_json(tmp_path / "x_AAA.json", data)
    with pytest.raises(LoadFailure) as failure:
        load_dir(tmp_path)
    assert "Inspect log cancelled (status 'cancelled'); no sample was logged" in str(failure.value)
    assert "bad line" not in str(failure.value)


def test_a_log_from_before_0_3_scores_with_its_single_score(tmp_path: Path) -> None:
    # Logs before Inspect 0.3 (May 2024) give each sample one "score" instead of a "scores" dict:
    # still its score. By hand, from LOG: C on ids 3, p0, p1 epoch 1 and 3 epoch 2, I on p0 and p1
    # epoch 2 -> 4 of 6.
    data = log("AAA", "2026-01-01T10:00:00")
    for sample in data["samples"]:
        sample["score"] = next(iter(sample.pop("scores").values()))
    write_json(tmp_path / "x_AAA.json", data)
    gens = load_dir(tmp_path).generations
    letters = [next(iter(s["scores"].values()))["value"] for s in LOG["samples"]]
    assert gens.height == len(letters) == 6
    assert sorted(gens["accuracy"].to_list()) == sorted(1.0 if v == "C" else 0.0 for v in letters)
    assert gens["accuracy"].sum() == 4


def test_a_score_value_that_is_no_score_is_unscored_with_a_note(tmp_path: Path) -> None:
    # Inspect lets a scorer return any string, list or dict; FORMATS.md maps C/I/P/N, booleans
    # and numbers. A choice letter ("B") or a list is no score: unscored, and a note says why
    # (it was silently unscored). yes/no and numeric strings still score.
    data = log("AAA", "2026-01-01T10:00:00")
    values: list[Any] = ["B", "B", [1, 0], "yes", "0.5", "C"]
    for sample, value in zip(data["samples"], values, strict=True):
        next(iter(sample["scores"].values()))["value"] = value
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    scores = sorted(result.generations["accuracy"].to_list(), key=lambda v: (v is None, v))
    assert scores == [0.5, 1.0, 1.0, None, None, None]
    notes = [note for note in result.notes if "unscored" in note]
    assert notes == [
        "x_AAA.json: 3 samples are unscored: the score value ('B', [1, 0]) is not"
        " C/I/P/N (capitals), a boolean, yes/no or a number (Inspect's accuracy() counts"
        " it 0, with a warning)"
    ]


def reported(scorer: str, *names: str) -> list[dict[str, Any]]:
    """``results.scores`` as Inspect's eval_results writes them: one EvalScore per scorer (named
    by it) or, for a scorer with a dict of metrics, one per key (named by the key)."""
    return [
        {"name": name, "scorer": scorer, "params": {}, "metrics": {}} for name in names or (scorer,)
    ]


def test_several_scorers_are_one_run_each(tmp_path: Path) -> None:
    # `scorer=[match(), model_graded_fact()]`: each sample has a score per scorer and the header's
    # results report both (eval_results: one EvalScore each). Each is its own run, labelled
    # `model · scorer` as lm-eval's filters are, with that scorer's answer. It was: the first
    # scorer alone, a note naming the other. match is the toy log's C C C C I I (its results say
    # accuracy 0.6667); model_graded_fact below is C P I I C P, which Inspect's accuracy()
    # (value_to_float: C 1, P 0.5, I 0) makes (1 + .5 + 0 + 0 + 1 + .5) / 6 = 0.5.
    data = log("AAA", "2026-01-01T10:00:00")
    graded = ["C", "P", "I", "I", "C", "P"]
    for sample, value in zip(data["samples"], graded, strict=True):
        sample["scores"]["model_graded_fact"] = {"value": value, "answer": f"judge {value}"}
    data["results"]["scores"] = reported("match") + reported("model_graded_fact")
    write_eval(tmp_path / "x_AAA.eval", data)
    result = load_dir(tmp_path)
    assert run_table(result) == {
        f"{MODEL} · match": (3, 6, 6, 0.6667),
        f"{MODEL} · model_graded_fact": (3, 6, 6, 0.5),
    }
    gens = result.generations.sort("run", "line")
    assert gens.select("run", "metric").unique(maintain_order=True).rows() == [
        (f"{MODEL} · match", "match"),
        (f"{MODEL} · model_graded_fact", "model_graded_fact"),
    ]
    judged = gens.filter(pl.col("metric") == "model_graded_fact")
    task = data["eval"]["task"]
    assert {(p, n): e for p, n, e in judged.select("prompt_id", "sample", "extracted").rows()} == {
        (f"{task}:{s['id']}", s["epoch"] - 1): f"judge {v}"
        for s, v in zip(data["samples"], graded, strict=True)
    }
    # the same generation under both scorers
    assert judged["gen"].to_list() == gens.filter(pl.col("metric") == "match")["gen"].to_list()
    assert result.notes == [
        "x_AAA.eval: model_graded_fact: 2 partial scores (P) count 0.5 each, as Inspect's"
        " accuracy() counts them (C 1, P 0.5, I and N 0), so the mean is Inspect's accuracy;"
        " at the default threshold (≥ 0.5) a P counts as correct for pass@k and the majority vote"
    ]


def test_a_dict_score_is_read_by_the_keys_the_log_reports(tmp_path: Path) -> None:
    # A scorer with a dict of metrics (the published sus-www logs: value {winrate, winrate_low,
    # winrate_high, winrate_divided_by_optimal}; results.scores reports winrate and
    # winrate_divided_by_optimal only): a run per reported key, the others told. It was: the
    # first key alone.
    data = log("AAA", "2026-01-01T10:00:00")
    for sample in data["samples"]:
        value = {"winrate": 0.25, "winrate_low": 0.1, "winrate_divided_by_optimal": 0.5}
        sample["scores"] = {"get_scorer": {"value": value}}
    data["results"]["scores"] = reported("get_scorer", "winrate", "winrate_divided_by_optimal")
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    assert run_table(result) == {
        f"{MODEL} · winrate": (3, 6, 6, 0.25),
        f"{MODEL} · winrate_divided_by_optimal": (3, 6, 6, 0.5),
    }
    assert result.notes == [
        "x_AAA.json: the scores shown: winrate, winrate_divided_by_optimal (those the log's"
        " results report, else a dict score's first value); not shown: winrate_low"
    ]


def test_samples_without_their_header_are_one_run_per_scorer(tmp_path: Path) -> None:
    # Samples read back from JSON lines have no header: every scorer they hold is a run (a dict
    # value by its first key, the others told); a sample without one scorer's score is unscored
    # in that run, not dropped.
    lines = []
    for number, sample in enumerate(LOG["samples"]):
        sample = json.loads(json.dumps(sample))
        sample["scores"]["judge"] = {"value": {"grade": number % 2, "confidence": 0.9}}
        if number == 0:
            del sample["scores"]["match"]
        lines.append(json.dumps(sample))
    (tmp_path / "toy.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_dir(tmp_path)
    # match: C C C I I on the 5 samples that have it (first sample C unscored); grade 0 1 0 1 0 1
    assert run_table(result) == {
        f"{MODEL} · match": (3, 6, 5, 0.6),
        f"{MODEL} · grade": (3, 6, 6, 0.5),
    }
    assert result.notes == [
        "toy.jsonl: the scores shown: grade, match (those the log's results report, else a dict"
        " score's first value); not shown: confidence"
    ]


def test_a_dict_score_is_named_by_its_first_key(tmp_path: Path) -> None:
    # One scorer returning a dict of values that the header's results do not report (here they
    # name another scorer, as a log scored again could): its first value is read, named by its
    # key, and the other keys are told. By hand: winrate 0.25 on every sample.
    data = log("AAA", "2026-01-01T10:00:00")
    for sample in data["samples"]:
        sample["scores"] = {"get_scorer": {"value": {"winrate": 0.25, "winrate_low": 0.1}}}
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    assert result.generations["accuracy"].to_list() == [0.25] * 6
    assert run_table(result) == {MODEL: (3, 6, 6, 0.25)}
    assert result.generations["metric"].unique().to_list() == ["winrate"]
    assert result.notes == [
        "x_AAA.json: the score shown: winrate (those the log's results report, else a dict"
        " score's first value); not shown: winrate_low"
    ]


def test_a_single_scorer_is_named_without_a_note(tmp_path: Path) -> None:
    write_json(tmp_path / "x_AAA.json", log("AAA", "2026-01-01T10:00:00"))
    result = load_dir(tmp_path)
    assert result.notes == []
    assert result.generations["metric"].unique().to_list() == ["match"]


def test_a_finished_log_without_samples_says_so(tmp_path: Path) -> None:
    # `inspect eval --no-log-samples` writes the header (and summaries.json) only: the load said
    # "the files hold no samples" without naming the log or why; beside other logs it was
    # silently empty. Both forms (.eval, .json without "samples") are told.
    data = log("AAA", "2026-01-01T10:00:00")
    data["samples"] = []
    write_eval(tmp_path / "a" / "x_AAA.eval", data)
    with pytest.raises(LoadFailure) as failure:
        load_dir(tmp_path / "a")
    assert str(failure.value) == (
        "no generation in the input: x_AAA.eval: Inspect log without samples (written with"
        " --no-log-samples?): no generation to show"
    )
    data = log("BBB", "2026-01-02T10:00:00")
    del data["samples"]
    write_json(tmp_path / "b" / "x_BBB.json", data)
    write_json(tmp_path / "b" / "y_CCC.json", log("CCC", "2026-01-03T10:00:00"))
    result = load_dir(tmp_path / "b")
    assert result.generations.height == 6
    assert result.notes == [
        "x_BBB.json: Inspect log without samples (written with --no-log-samples?):"
        " no generation to show"
    ]


@pytest.mark.parametrize("writer", [write_json, write_eval])
def test_a_reply_of_reasoning_only_is_that_reasoning(tmp_path: Path, writer: Any) -> None:
    """A reasoning model stopped at ``max_tokens`` while thinking replies with reasoning and an
    empty text part: ``content: [{"type": "reasoning", "reasoning": "…", "redacted": false},
    {"type": "text", "text": ""}]``, ``completion: ""``, ``stop_reason: "max_tokens"`` (the
    shape of YuehHanChen/ccot_oe_results ``logs/…deepseek_r1_distill_qwen_32b….json``, Inspect
    0.3.117, every sample 2000 output tokens). Was: an empty generation of 0 tokens for each;
    now its reasoning, counted as cut at the length cap, with a note. Redacted (encrypted)
    reasoning is no text: that sample stays empty, unless it has a ``summary`` (Inspect's
    ``ContentReasoning.summary``, what Inspect displays for a redacted part)."""
    data = log("AAA", "2026-01-01T10:00:00")
    by_key = {(s["id"], s["epoch"]): s for s in data["samples"]}
    thought = "Let me think. 7 × 6 is 42, but let me double-check by adding seven six times"
    parts = {
        ("p1", 1): {"type": "reasoning", "reasoning": thought, "redacted": False},
        ("p1", 2): {"type": "reasoning", "reasoning": "gAAAAB3x…", "redacted": True},
        ("p0", 2): {"type": "reasoning", "reasoning": "gAAAAB9y…", "redacted": True,
                    "summary": "**Multiplying** 7 by 6"},
    }  # fmt: skip
    for key, part in parts.items():
        reply = {
            "role": "assistant",
            "source": "generate",
            "model": MODEL,
            "content": [part, {"type": "text", "text": ""}],
        }
        sample = by_key[key]
        sample["messages"] = [m for m in sample["messages"] if m.get("role") != "assistant"]
        sample["messages"].append(reply)
        sample["output"] = {
            "model": MODEL,
            "choices": [{"message": reply, "stop_reason": "max_tokens"}],
            "completion": "",
        }
    suffix = ".json" if writer is write_json else ".eval"
    path = writer(tmp_path / f"x_AAA{suffix}", data)
    result = load_dir(tmp_path)
    gens = {(r["prompt_id"], r["sample"]): r for r in result.generations.iter_rows(named=True)}
    assert gens[("toy_math_inspect:p1", 0)]["gen"] == thought
    assert gens[("toy_math_inspect:p1", 0)]["truncated"] is True
    assert gens[("toy_math_inspect:p1", 1)]["gen"] == ""
    assert gens[("toy_math_inspect:p0", 1)]["gen"] == "**Multiplying** 7 by 6"
    assert gens[("toy_math_inspect:3", 0)]["gen"] == "4x = 6.0"  # output.completion as before
    assert result.notes == [
        f"{path.name}: 2 samples have no answer text in the model output (reasoning only, e.g."
        " stopped at max_tokens while thinking): the generation shown is the model's"
        " reasoning (its reply holds no answer text); no answer after the reasoning: none is"
        " taken from it, and a re-score scores the empty completion, as the log's scorer did"
    ]


@pytest.mark.parametrize("writer", [write_json, write_eval])
def test_a_reply_of_reasoning_only_has_no_answer_and_rescores_empty(
    tmp_path: Path, writer: Any
) -> None:
    """The reasoning of a reply cut at ``max_tokens`` while thinking is shown, but the log's
    scorer read the empty completion (``match()``: value "I", answer ""). Was: the answer "42"
    taken from the reasoning shown, and ``rescore --scorer exact`` scoring it 1 where the log
    scored 0. Now no answer, the reason in the note, and a re-score of the empty completion."""
    from evaltui.data.rescore import RescoreOptions, rescore

    data = log("AAA", "2026-01-01T10:00:00")
    sample = next(s for s in data["samples"] if (s["id"], s["epoch"]) == ("p1", 1))
    thought = "Let me think. 7 × 6 is 42, but let me double-check by adding seven six times"
    reply = {
        "role": "assistant",
        "source": "generate",
        "model": MODEL,
        "content": [
            {"type": "reasoning", "reasoning": thought, "redacted": False},
            {"type": "text", "text": ""},
        ],
    }
    sample["messages"] = [m for m in sample["messages"] if m.get("role") != "assistant"]
    sample["messages"].append(reply)
    sample["output"] = {
        "model": MODEL,
        "choices": [{"message": reply, "stop_reason": "max_tokens"}],
        "completion": "",
    }
    sample["scores"] = {"match": {"value": "I", "answer": ""}}
    suffix = ".json" if writer is write_json else ".eval"
    path = writer(tmp_path / f"x_AAA{suffix}", data)
    result = load_dir(tmp_path)
    gens = result.generations.sort("prompt_id", "sample")
    row = gens.filter((pl.col("prompt_id") == "toy_math_inspect:p1") & (pl.col("sample") == 0))
    assert row.select("gen", "extracted", "scored_text", "has_answer", "accuracy").rows() == [
        (thought, None, "", False, 0.0)
    ]
    assert result.notes == [
        f"{path.name}: 1 sample has no answer text in the model output (reasoning only, e.g."
        " stopped at max_tokens while thinking): the generation shown is the model's"
        " reasoning (its reply holds no answer text); no answer after the reasoning: none is"
        " taken from it, and a re-score scores the empty completion, as the log's scorer did"
    ]
    exact = rescore(result, RescoreOptions("exact", use_cache=False))
    scored = result.generations.with_columns(exact.scores["new_accuracy"])
    again = scored.filter((pl.col("prompt_id") == "toy_math_inspect:p1") & (pl.col("sample") == 0))
    assert again.select("accuracy", "new_accuracy").rows() == [(0.0, 0.0)]


@pytest.mark.parametrize("writer", [write_json, write_eval])
def test_a_reply_of_reasoning_and_text_shows_both(tmp_path: Path, writer: Any) -> None:
    """A reasoning model's reply is ``content: [{"type": "reasoning", …}, {"type": "text", …}]``;
    ``output.completion`` is its text alone (``ChatMessageAssistant.text``), while the model
    generated both and Inspect's ``usage.output_tokens`` count both. Shown as the reasoning, a
    line break and the completion (as SkyThought's and InternBootcamp's reasoning_content are),
    so its length is the whole output's; its answer is the completion's: the scorer's when it
    gave one, else found in the completion, never in the reasoning. Was: the completion alone,
    the reasoning nowhere (a 1-token generation for a long thought)."""
    from evaltui.data.rescore import RescoreOptions, rescore

    data = log("AAA", "2026-01-01T10:00:00")
    thought = "Is it \\boxed{41}? No: 7 × 6."
    for key, scores in (
        (("p1", 1), {"match": {"value": "C", "answer": "42"}}),
        (("p1", 2), {"match": {"value": "C"}}),  # a scorer that gives no answer
    ):
        sample = next(s for s in data["samples"] if (s["id"], s["epoch"]) == key)
        reply = {
            "role": "assistant",
            "source": "generate",
            "model": MODEL,
            "content": [
                {"type": "reasoning", "reasoning": thought, "redacted": False},
                {"type": "text", "text": "42"},
            ],
        }
        sample["messages"] = [m for m in sample["messages"] if m.get("role") != "assistant"]
        sample["messages"].append(reply)
        sample["output"] = {
            "model": MODEL,
            "choices": [{"message": reply, "stop_reason": "stop"}],
            "completion": "42",
        }
        sample["scores"] = scores
    suffix = ".json" if writer is write_json else ".eval"
    path = writer(tmp_path / f"x_AAA{suffix}", data)
    result = load_dir(tmp_path)
    assert result.errors == []
    p1 = pl.col("prompt_id") == "toy_math_inspect:p1"
    rows = result.generations.filter(p1).sort("sample")
    assert rows.select("gen", "extracted", "scored_text", "accuracy").rows() == [
        (f"{thought}\n42", "42", "42", 1.0),
        (f"{thought}\n42", "42", "42", 1.0),
    ]
    assert (
        f"{path.name}: 2 samples shown as the reasoning of the model's reply, a line break and"
        " output.completion (its text alone), so that its length is the whole output's, as"
        " Inspect counts output_tokens; the answer is the completion's, which the log's scorer"
        " read and a re-score scores"
    ) in result.notes
    exact = rescore(result, RescoreOptions("exact", use_cache=False))
    scored = result.generations.with_columns(exact.scores["new_accuracy"]).filter(p1)
    assert scored["new_accuracy"].to_list() == [1.0, 1.0]  # 42, not the reasoning's 41


def test_a_reply_of_redacted_reasoning_and_text_is_its_text(tmp_path: Path) -> None:
    """A redacted (encrypted) reasoning part's ``summary`` is not what the model wrote, nor its
    length: a reply of one and a text is its completion alone, as before."""
    data = log("AAA", "2026-01-01T10:00:00")
    sample = next(s for s in data["samples"] if (s["id"], s["epoch"]) == ("p1", 1))
    reply = {
        "role": "assistant",
        "source": "generate",
        "model": MODEL,
        "content": [
            {"type": "reasoning", "reasoning": "gAAAAB3x…", "redacted": True, "summary": "Hm"},
            {"type": "text", "text": "42"},
        ],
    }
    sample["output"] = {"model": MODEL, "choices": [{"message": reply}], "completion": "42"}
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    rows = result.generations.filter(
        (pl.col("prompt_id") == "toy_math_inspect:p1") & (pl.col("sample") == 0)
    )
    assert rows.select("gen", "scored_text").rows() == [("42", None)]
    assert not any("shown as the reasoning" in note for note in result.notes)


def _by_roles(eval_id: str, created: str, roles: dict[str, str]) -> dict[str, Any]:
    """A log of a task run with ``--model none`` and its models given by role, as Petri's audits
    are (Inspect 0.3.150: ``"model": "none/none"``, ``model_roles: {role: {model, config, args}}``)."""
    data = log(eval_id, created)
    data["eval"]["model"] = "none/none"
    data["eval"]["model_roles"] = {
        role: {"model": model, "config": {}, "args": {}} for role, model in roles.items()
    }
    return data


@pytest.mark.parametrize("writer", [write_json, write_eval])
def test_a_run_by_model_roles_is_labelled_by_the_model_it_evaluates(
    tmp_path: Path, writer: Any
) -> None:
    ext = ".json" if writer is write_json else ".eval"
    roles = {"auditor": "anthropic/claude-opus-4", "target": "openai/gpt-4o", "judge": "x/judge"}
    writer(tmp_path / "a" / f"2026-01-01T10-00-00_toy_AAA{ext}", _by_roles("AAA", "t1", roles))
    writer(
        tmp_path / "b" / f"2026-01-01T10-00-00_toy_BBB{ext}",
        _by_roles("BBB", "t2", {"target": "anthropic/claude-sonnet-4", "judge": "x/judge"}),
    )
    writer(tmp_path / "c" / f"2026-01-01T10-00-00_toy_CCC{ext}", _by_roles("CCC", "t3", {}))
    result = load_dir(tmp_path)
    assert result.errors == []
    # Each log: 3 ids x 2 epochs, C C C + C I I. Two target models are two runs; without a
    # role that says, the log's own "none/none" stays.
    assert run_table(result) == {
        "openai/gpt-4o": (3, 6, 6, 0.6667),
        "anthropic/claude-sonnet-4": (3, 6, 6, 0.6667),
        "none/none": (3, 6, 6, 0.6667),
    }
    # One role alone is the model, whatever it is called.
    alone = writer(tmp_path / "d" / f"x{ext}", _by_roles("DDD", "t4", {"solver": "org/only"}))
    assert set(load_dir(alone.parent).stats["run"]) == {"org/only"}


def test_a_nan_score_is_unscored_and_the_run_stays_an_accuracy(tmp_path: Path) -> None:
    # Score.unscored() writes value NaN, "the canonical sentinel that aggregate metrics and
    # reducers skip" (scorer/_metric.py). Kept as a score, one NaN made a C/I run "continuous
    # 0–1 and 1 non-finite, direction unknown", its mean nan. Now unscored, with a note: the
    # run is an accuracy over the other five samples, C C I C I -> 3/5.
    data = log("AAA", "2026-01-01T10:00:00")
    values: list[Any] = ["C", "C", float("nan"), "I", "C", "I"]
    for sample, value in zip(data["samples"], values, strict=True):
        next(iter(sample["scores"].values()))["value"] = value
    write_json(tmp_path / "x_AAA.json", data)  # json.dumps writes the bare NaN, as Inspect does
    result = load_dir(tmp_path)
    scores = sorted(result.generations["accuracy"].to_list(), key=lambda v: (v is None, v))
    assert scores == [0.0, 0.0, 1.0, 1.0, 1.0, None]
    assert run_table(result) == {MODEL: (3, 6, 5, 0.6)}
    kinds = metrics.score_kinds(result.generations.lazy())
    assert (kinds[MODEL].kind, kinds[MODEL].nonfinite) == ("binary", 0)
    assert result.notes == [
        "x_AAA.json: match: 1 score NaN (Score.unscored(): the scorer gave no value, and"
        " Inspect's metrics skip it): unscored"
    ]


def test_lowercase_letters_are_not_inspects_c_and_i(tmp_path: Path) -> None:
    # Inspect's value_to_float compares with "C", "I", "P", "N" exactly; a lowercase "c" falls
    # through to its yes/true/no/false/number checks and counts 0 with a warning. It was read as
    # C (1.0), so the mean disagreed with the log's own accuracy and a "p" was half right. Now
    # such values are unscored with a note, as a choice letter is; "Yes"/"FALSE" stay scores.
    data = log("AAA", "2026-01-01T10:00:00")
    values: list[Any] = ["c", "i", "p", "Yes", "FALSE", "C"]
    for sample, value in zip(data["samples"], values, strict=True):
        next(iter(sample["scores"].values()))["value"] = value
    write_json(tmp_path / "x_AAA.json", data)
    result = load_dir(tmp_path)
    scores = sorted(result.generations["accuracy"].to_list(), key=lambda v: (v is None, v))
    assert scores == [0.0, 1.0, 1.0, None, None, None]
    assert result.notes == [
        "x_AAA.json: 3 samples are unscored: the score value ('c', 'i', 'p') is not C/I/P/N"
        " (capitals), a boolean, yes/no or a number (Inspect's accuracy() counts it 0, with a"
        " warning)"
    ]


def test_other_choices_of_an_output_are_told(tmp_path: Path) -> None:
    # GenerateConfig(num_choices=3): output.choices holds three replies, output.completion is
    # the first one's text and the one every scorer sees. The first is shown (scored as the log
    # says); the other two were dropped without a word.
    data = log("AAA", "2026-01-01T10:00:00")
    for sample in data["samples"][:2]:
        first = sample["output"]["choices"][0]
        sample["output"]["choices"] += [
            {"message": {**first["message"], "content": f"other {n}"}, "stop_reason": "stop"}
            for n in (2, 3)
        ]
    write_eval(tmp_path / "x_AAA.eval", data)
    result = load_dir(tmp_path)
    gens = result.generations["gen"].to_list()
    assert sorted(gens) == sorted(s["output"]["completion"] for s in data["samples"])
    assert result.notes == [
        "x_AAA.eval: 2 samples hold 3 choices in their output (num_choices): the generation"
        " shown is the first, output.completion, which the scorers score; the others are not"
        " shown"
    ]


def test_a_multiple_choice_sample_shows_its_choices_under_the_question(tmp_path: Path) -> None:
    # multiple_choice(): the sample's input is the question, its choices the options and its
    # target a letter; the solver puts "A) …" lines under the question (answer_options). Before,
    # the prompt was the question alone, so the reference "B" named nothing.
    data = log("AAA", "2026-01-01T10:00:00")
    for sample in data["samples"]:
        sample.update(input="Which is prime?", choices=["4", "7", "9"], target="B")
    write_json(tmp_path / "x_AAA.json", data)
    gens = load_dir(tmp_path).generations
    assert gens["prompt"].unique().to_list() == ["Which is prime?\n\nA) 4\nB) 7\nC) 9"]
    assert gens["answer"].unique().to_list() == ["B"]


def test_a_json_log_cut_off_while_written_is_read_as_far_as_it_goes(tmp_path: Path) -> None:
    # Inspect rewrites a .json log whole, in place, at each flush (JSONRecorder.write_log, the
    # header first, then the samples): a run killed then, or a copy taken then, leaves the file
    # cut. Nothing of it was read ('not valid JSON (truncated?)'); now the samples whole before
    # the cut are, with an error saying where it is cut. Cut inside the 4th sample (p0, epoch
    # 2); the 2nd (p0, epoch 1) errored: its error is told at its line, as in a whole log.
    data = log("AAA", "2026-01-01T10:00:00", status="started", results=None)
    data["samples"][1]["error"] = {"message": "RuntimeError('boom')", "traceback": ""}
    text = json.dumps(data, indent=2)
    samples_at = text.index('"samples": [')
    starts = [i for i in range(samples_at, len(text)) if text.startswith("\n    {\n", i)]
    cut_at = starts[3] + 200  # inside the 4th sample
    path = tmp_path / "2026-01-01T10-00-00_toy_AAA.json"
    path.write_text(text[:cut_at], encoding="utf-8")
    result = load_dir(tmp_path)
    rows = result.generations.sort("sample", "prompt_id").select("prompt_id", "sample").rows()
    assert rows == [("toy_math_inspect:3", 0), ("toy_math_inspect:p1", 0)]  # p0's errored
    errored = text[: starts[1]].count("\n") + 2  # the line its sample starts on
    assert [(e.line, e.reason) for e in result.errors] == [
        (
            text[:cut_at].count("\n") + 1,  # the line it is cut on
            "not valid JSON (cut short: still being written? Inspect rewrites a .json log whole"
            " at each flush, and a run killed then leaves it cut): the 3 samples before it are"
            " read, none after",
        ),
        (errored, "sample p0 (epoch 1) errored: RuntimeError('boom')"),
    ]
    assert any("still running (or killed)" in note for note in result.notes)
    # cut after the samples, in the next key's name: every sample is whole
    path.write_text(text[: text.index('"reductions"') + 5], encoding="utf-8")
    assert load_dir(tmp_path).generations.height == 5  # p0's epoch 1 errored
    # a syntax error before the end is no cut: the file's error, nothing read as if cut
    path.write_text(text.replace('"epoch": 2', '"epoch" 2', 1), encoding="utf-8")
    with pytest.raises(LoadFailure, match=r"not valid JSON \(truncated\?\)"):
        load_dir(tmp_path)
    # cut inside its eval header (who the run is, unknown): the file's error as it was
    path.write_text(text[: text.index('"model"')], encoding="utf-8")
    with pytest.raises(LoadFailure, match=r"not valid JSON \(truncated\?\)"):
        load_dir(tmp_path)
