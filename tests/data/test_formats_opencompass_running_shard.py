"""A sharded OpenCompass run killed with a shard not finished.

OpenCompass's partitioners split a large dataset into shards: ``NumWorkerPartitioner.split_dataset``
(``opencompass/partitioners/num_worker.py`` at open-compass/opencompass 24f6ab0) gives shard
``part`` the abbr ``<ds>_<part>`` and the rows ``[part * step : (part + 1) * step]`` (every shard
``step`` rows but the last), and ``SizePartitioner`` does the same. Each shard is one inference
task writing ``predictions/<model>/<ds>_<part>.json``, and while it runs the inferencer keeps the
predictions so far in ``'tmp_' + output_json_filename``: ``tmp_<ds>_<part>.json`` (the finished
file's shape, GenInferencer at 8d64ae9 and ChatInferencer and others since) or
``tmp_<ds>_<part>.jsonl`` (one ``{"idx": …, …}`` line per entry, GenInferencer at HEAD). A run
killed while shard 1 ran leaves ``<ds>_0.json`` beside ``tmp_<ds>_1.json``: one dataset ``<ds>``
whose items after shard 0's are shard 1's, not two datasets ``<ds>_0`` and ``<ds>_1``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.loader import LoadOptions, load


def _dump(path: Path, entries: dict[str, Any]) -> None:
    """As ``dump_results_dict`` writes: ``json.dump(indent=4, ensure_ascii=False)``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=4, ensure_ascii=False), encoding="utf-8")


def _entries(*prompts: str) -> dict[str, Any]:
    return {
        str(k): {"origin_prompt": p, "prediction": f"answer to {p}", "gold": "1"}
        for k, p in enumerate(prompts)
    }


def _preds(tmp_path: Path) -> Path:
    return tmp_path / "outputs" / "default" / "20240101_000000" / "predictions" / "m"


def test_shard_0_finished_and_shard_1_killed_are_one_dataset(tmp_path: Path) -> None:
    # Shard 0 (rows 0, 1) finished; shard 1 (rows 2, 3) killed after its first row. By hand:
    # one dataset gsm8k, its items 0 and 1 from shard 0 and item 2 from shard 1's "0".
    # Was: datasets gsm8k_0 (items 0, 1) and gsm8k_1 (item 0).
    preds = _preds(tmp_path)
    _dump(preds / "gsm8k_0.json", _entries("Q0", "Q1"))
    _dump(preds / "tmp_gsm8k_1.json", _entries("Q2"))
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == ["gsm8k:0", "gsm8k:1", "gsm8k:2"]
    assert gens["prompt"].to_list() == ["Q0", "Q1", "Q2"]
    assert any(
        "tmp_gsm8k_1.json: OpenCompass predictions of a run not finished" in note
        for note in result.notes
    )


def test_a_killed_shard_running_as_json_lines_is_its_dataset_s_shard(tmp_path: Path) -> None:
    # GenInferencer at HEAD: the running file is tmp_<ds>_<part>.jsonl, "idx" the key as a
    # string (write_to_jsonl writes the results_dict's keys). By hand: shard 1's idx "1" (its
    # second row, done before its first) is item 3, its "0" item 2.
    preds = _preds(tmp_path)
    _dump(preds / "gsm8k_0.json", _entries("Q0", "Q1"))
    lines = [
        {"idx": "1", "origin_prompt": "Q3", "prediction": "x"},
        {"idx": "0", "origin_prompt": "Q2", "prediction": "y"},
    ]
    (preds / "tmp_gsm8k_1.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == ["gsm8k:0", "gsm8k:1", "gsm8k:2", "gsm8k:3"]
    assert gens["prompt"].to_list() == ["Q0", "Q1", "Q2", "Q3"]


def test_a_finished_shard_after_a_killed_one_keeps_its_place(tmp_path: Path) -> None:
    # Shards run in parallel: shards 0 and 2 finished, shard 1 killed after 1 of its 2 rows.
    # Every shard but the last has step rows (2, shard 0's), so shard 2's "0" is item 4, not
    # item 3 (the rows read so far before it). Was: three datasets gsm8k_0, gsm8k_1, gsm8k_2.
    preds = _preds(tmp_path)
    _dump(preds / "gsm8k_0.json", _entries("Q0", "Q1"))
    _dump(preds / "tmp_gsm8k_1.json", _entries("Q2"))
    _dump(preds / "gsm8k_2.json", _entries("Q4"))
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == ["gsm8k:0", "gsm8k:1", "gsm8k:2", "gsm8k:4"]
    assert gens["prompt"].to_list() == ["Q0", "Q1", "Q2", "Q4"]


def test_a_shard_s_tmp_file_left_beside_its_finished_file_is_a_companion(tmp_path: Path) -> None:
    # Killed between writing gsm8k_1.json and removing tmp_gsm8k_1.json: the shards are read,
    # the tmp file is the run's own (not a third set of rows).
    preds = _preds(tmp_path)
    _dump(preds / "gsm8k_0.json", _entries("Q0", "Q1"))
    _dump(preds / "gsm8k_1.json", _entries("Q2"))
    _dump(preds / "tmp_gsm8k_1.json", _entries("Q2"))
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    gens = result.generations.sort("prompt_id")
    assert gens["prompt_id"].to_list() == ["gsm8k:0", "gsm8k:1", "gsm8k:2"]
    skipped = {Path(f.source).name: f.companion for f in result.skipped_files}
    assert skipped["tmp_gsm8k_1.json"] is True


def test_following_a_sharded_run_while_its_second_shard_runs(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Shard 0 finished, shard 1 running (its tmp file rewritten after each row), then its
    finished file written and the tmp file removed: one dataset throughout, each row counted
    new once, and every step reads as a fresh load does."""
    from evaltui.data.follow import Follower
    from tests.data.test_follow import assert_same, options

    data = tmp_path / "data"
    preds = _preds(data)
    _dump(preds / "gsm8k_0.json", _entries("Q0", "Q1"))
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    running = preds / "tmp_gsm8k_1.json"
    shard = _entries("Q2", "Q3")
    _dump(running, {"0": shard["0"]})
    # Shard 0 is re-read as gsm8k's first (its family changed) at once; the new tmp* file
    # waits one look (it may be a temp file renamed over its target).
    update = follower.poll()
    assert update is not None
    assert sorted(update.result.generations["prompt_id"].to_list()) == ["gsm8k:0", "gsm8k:1"]
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert sorted(update.result.generations["prompt_id"].to_list()) == [
        "gsm8k:0",
        "gsm8k:1",
        "gsm8k:2",
    ]
    assert_same(update.result, [data], opts)
    _dump(running, shard)
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert_same(update.result, [data], opts)
    _dump(preds / "gsm8k_1.json", shard)
    running.unlink()
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert sorted(update.result.generations["prompt_id"].to_list()) == [
        "gsm8k:0",
        "gsm8k:1",
        "gsm8k:2",
        "gsm8k:3",
    ]
    assert_same(update.result, [data], opts)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_records_of_a_killed_shard_read_back_as_their_dataset_s(
    tmp_path: Path, suffix: str
) -> None:
    """Exported as records and read back, the running shard's rows are its dataset's items
    again (gsm8k:2, not gsm8k_1:0), so a compare with the load joins them."""
    from evaltui.data.export import export_view

    preds = _preds(tmp_path / "data")
    _dump(preds / "gsm8k_0.json", _entries("Q0", "Q1"))
    if suffix == ".json":
        _dump(preds / "tmp_gsm8k_1.json", _entries("Q2"))
    else:
        line = {"idx": "0", "origin_prompt": "Q2", "prediction": "x"}
        (preds / "tmp_gsm8k_1.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    before = load([tmp_path / "data"], LoadOptions(tokenize=False, use_cache=False))
    out = tmp_path / "records.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load([out], LoadOptions(tokenize=False, use_cache=False))
    assert again.errors == []
    assert sorted(again.generations["prompt_id"].to_list()) == ["gsm8k:0", "gsm8k:1", "gsm8k:2"]
    assert sorted(again.generations["prompt"].to_list()) == ["Q0", "Q1", "Q2"]
