"""Files an OpenCompass run writes beside its predictions: the running predictions as JSON,
``tmp_<ds>.json`` (not JSON lines), and the inference timer ``timer/time.jsonl``.

Before its running file became ``tmp_<ds>.jsonl``, OpenCompass's GenInferencer
(``opencompass/openicl/icl_inferencer/icl_gen_inferencer.py`` at open-compass/opencompass
8d64ae9c0baf61916e3dab10b6457cde75bd8f1a, ``inference``) saved the predictions so far every
``save_every`` batches with ``output_handler.write_to_json(output_json_filepath, 'tmp_' +
output_json_filename)``: the finished file's own shape (``dump_results_dict``: one JSON object
``{"0": {origin_prompt, prediction, gold}, …}``, indent 4, ``ensure_ascii=False``) under
``tmp_<ds>.json``. At the end it writes ``<ds>.json`` and only then removes the tmp file
(``os.remove(tmp_json_filepath)``), so a run killed between the two leaves both, and a run killed
earlier leaves the tmp file alone. ChatInferencer, PPLOnlyInferencer and others still write
``'tmp_' + output_json_filename`` the same way at HEAD.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from evaltui.data.loader import LoadOptions, load

RUN = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "formats"
    / "opencompass"
    / "outputs"
    / "20261123_201019"
)


def _work_dir(tmp_path: Path) -> Path:
    work = tmp_path / "outputs" / "default" / "20261123_201019"
    shutil.copytree(RUN, work)
    return work


def _dump(path: Path, entries: dict[str, Any]) -> None:
    """As ``dump_results_dict`` writes: ``json.dump(indent=4, ensure_ascii=False)``."""
    with path.open("w", encoding="utf-8") as f:
        json.dump(entries, f, indent=4, ensure_ascii=False)


def test_tmp_json_left_beside_the_finished_file_is_not_a_second_dataset(tmp_path: Path) -> None:
    work = _work_dir(tmp_path)
    model = work / "predictions" / "toy-openai-sdk"
    finished = json.loads((model / "toy_gsm8k.json").read_text(encoding="utf-8"))
    _dump(model / "tmp_toy_gsm8k.json", finished)  # the last save_every write, not removed
    result = load([work], LoadOptions(tokenize=False))
    assert [f.source for f in result.read_files] == ["predictions/toy-openai-sdk/toy_gsm8k.json"]
    skipped = {f.source: f.companion for f in result.skipped_files}
    assert skipped["predictions/toy-openai-sdk/tmp_toy_gsm8k.json"] is True
    gens = result.generations
    assert gens["prompt_id"].to_list() == ["toy_gsm8k:0", "toy_gsm8k:1", "toy_gsm8k:2"]
    assert gens["accuracy"].to_list() == [1.0, 1.0, 0.0]  # scored by results details
    assert not result.errors


def test_tmp_json_of_a_killed_run_reads_as_its_dataset_not_finished(tmp_path: Path) -> None:
    work = _work_dir(tmp_path)
    shutil.rmtree(work / "results")  # the eval task never ran
    model = work / "predictions" / "toy-openai-sdk"
    finished = json.loads((model / "toy_gsm8k.json").read_text(encoding="utf-8"))
    (model / "toy_gsm8k.json").unlink()
    _dump(model / "tmp_toy_gsm8k.json", {k: finished[k] for k in ("0", "1")})  # 2 of 3 done
    result = load([work], LoadOptions(tokenize=False))
    gens = result.generations
    # The dataset is toy_gsm8k (a rerun's finished file gives the same ids), not 'tmp_toy_gsm8k'.
    assert gens["prompt_id"].to_list() == ["toy_gsm8k:0", "toy_gsm8k:1"]
    assert gens["run"].unique().to_list() == ["toy-openai-sdk"]
    assert gens["accuracy"].null_count() == 2
    assert result.notes == [
        "predictions/toy-openai-sdk/tmp_toy_gsm8k.json: OpenCompass predictions of a run not"
        " finished (tmp_ file): generations unscored"
    ]


def test_a_dataset_named_tmp_with_its_own_results_stays_that_dataset(tmp_path: Path) -> None:
    """A dataset whose abbr starts with ``tmp_`` has its own results file: not a running file."""
    work = _work_dir(tmp_path)
    for kind in ("predictions", "results"):
        folder = work / kind / "toy-openai-sdk"
        shutil.copy(folder / "toy_gsm8k.json", folder / "tmp_toy_gsm8k.json")
    result = load([work], LoadOptions(tokenize=False))
    assert sorted(f.source for f in result.read_files) == [
        "predictions/toy-openai-sdk/tmp_toy_gsm8k.json",
        "predictions/toy-openai-sdk/toy_gsm8k.json",
    ]
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == [
        "tmp_toy_gsm8k:0",
        "tmp_toy_gsm8k:1",
        "tmp_toy_gsm8k:2",
        "toy_gsm8k:0",
        "toy_gsm8k:1",
        "toy_gsm8k:2",
    ]
    assert gens["accuracy"].to_list() == [1.0, 1.0, 0.0, 1.0, 1.0, 0.0]


def test_following_a_tmp_json_run_to_its_end(tmp_path: Path, word_tokenizer: Path) -> None:
    """The running ``tmp_<ds>.json`` rewritten whole after each batch, then ``<ds>.json``
    written beside it: the finished file's rows are the running file's, none new, and the
    follow reads as a fresh load at every step (the run was shown twice, all counted new)."""
    from evaltui.data.follow import Follower
    from tests.data.test_follow import assert_same, options

    entries = json.loads(
        (RUN / "predictions" / "toy-openai-sdk" / "toy_gsm8k.json").read_text(encoding="utf-8")
    )
    data = tmp_path / "data"
    finished = data / RUN.name / "predictions" / "toy-openai-sdk" / "toy_gsm8k.json"
    finished.parent.mkdir(parents=True)
    running = finished.with_name("tmp_toy_gsm8k.json")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    done: dict[str, Any] = {}
    for key, entry in entries.items():  # save_every=1: the whole dict so far, each time
        done[key] = entry
        _dump(running, done)
        # (a new tmp* file waits one look: it may be a temp file renamed over its target)
        assert (follower.poll() or follower.poll()) is not None
    assert follower.recent() == len(entries)
    _dump(finished, entries)
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert update.result.generations["prompt_id"].to_list() == [
        "toy_gsm8k:0",
        "toy_gsm8k:1",
        "toy_gsm8k:2",
    ]
    assert_same(update.result, [data], opts)
    running.unlink()
    update = follower.poll()
    assert update is not None and update.notes == []
    assert follower.recent() == len(entries)
    assert_same(update.result, [data], opts)


def test_the_inference_timer_file_is_a_companion(tmp_path: Path) -> None:
    """GenInferencer's ``dump_timer`` appends ``{"dataset_name", "time", "num_sample"}`` to
    ``predictions/<model>/timer/time.jsonl`` (``icl_gen_inferencer.py`` at open-compass/
    opencompass 8d64ae9 and at HEAD): skipped quietly as the run's own file, not listed as one
    no reader recognises (which asked for --prompt-field, --gen-field …)."""
    work = _work_dir(tmp_path)
    timer = work / "predictions" / "toy-openai-sdk" / "timer" / "time.jsonl"
    timer.parent.mkdir()
    with timer.open("a") as f:  # as the inferencer writes it: json.dumps(time_dict) + '\n'
        f.write(json.dumps({"dataset_name": "toy_gsm8k", "time": 1.25, "num_sample": 3}) + "\n")
    result = load([work], LoadOptions(tokenize=False))
    skipped = {f.source: (f.companion, f.skipped) for f in result.skipped_files}
    assert skipped["predictions/toy-openai-sdk/timer/time.jsonl"] == (
        True,
        "opencompass companion file (no samples)",
    )
    assert result.generations.height == 3


def test_another_formats_tmp_json_beside_its_namesake_is_not_taken_for_a_running_file(
    tmp_path: Path,
) -> None:
    """Only OpenCompass predictions named ``tmp_<ds>.json`` are its running file: a plain file
    of records so named under predictions/ beside ``<ds>.json`` is still read."""
    work = _work_dir(tmp_path)
    plain = work / "predictions" / "toy-openai-sdk" / "tmp_toy_gsm8k.json"
    plain.write_text(
        json.dumps([{"question": "1+1?", "response": "2", "answer": "2", "score": 1.0}]),
        encoding="utf-8",
    )
    result = load([work], LoadOptions(tokenize=False))
    assert "predictions/toy-openai-sdk/tmp_toy_gsm8k.json" in [f.source for f in result.read_files]
    assert result.generations.height == 4
