"""A warm run never serves rows read against another version of a file beside the input.

Readers take part of a file's rows from companion files: SkyThought's ``summary.json`` (model,
answer key), lm-eval's ``results_<date>.json`` (model name), InternBootcamp's ``eval_args.json``
(model), OpenCompass's ``results/`` details and sibling shards, Inspect's other copies of one log.
Each test loads once (filling the cache and the load's snapshot), changes only the companion,
and loads again with the same cache: the second load must equal a load without any cache.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.loader import LoadOptions, LoadResult, load

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def _load(path: Path, cache: Path | None, model: Path, **kwargs: bool) -> LoadResult:
    """A load with ``cache`` (None: no cache); ``keep_text=False, stats_only=True`` as summarize."""
    options = LoadOptions(model=str(model), cache_dir=cache, use_cache=cache is not None)
    return load([path], dataclasses.replace(options, **kwargs))


def _runs(result: LoadResult) -> list[str]:
    return sorted(set(result.generations["run"].to_list()))


def _rewrite_json(path: Path, change: object) -> None:
    """Rewrite ``path`` in place with ``change`` applied (a later mtime, as an editor leaves it)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    stat = path.stat()
    path.write_text(json.dumps(data), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


MODES = pytest.mark.parametrize(
    "mode", [{}, {"keep_text": False, "stats_only": True}], ids=["app", "summarize"]
)


def _rename_model(summary: dict) -> None:  # type: ignore[type-arg]
    summary["configuration"]["model"]["name"] = "renamed-org/renamed-model"


def _other_answer_key(summary: dict) -> None:  # type: ignore[type-arg]
    summary["configuration"]["task"]["config"]["answer_key"] = "problem"


@MODES
@pytest.mark.parametrize("change", [_rename_model, _other_answer_key], ids=["model", "answer_key"])
def test_skythought_summary_changed(
    tmp_path: Path, word_tokenizer: Path, mode: dict[str, bool], change: object
) -> None:
    # summary.json names the run (its model) and where the reference answer is (answer_key).
    run = tmp_path / "data" / "toy-org_toy-reasoner-7b_toy_math500_e23a3b"
    shutil.copytree(FORMATS / "skythought" / "results" / run.name, run)
    cache = tmp_path / "cache"
    first = _load(run.parent, cache, word_tokenizer, **mode)
    _rewrite_json(run / "summary.json", change)
    warm = _load(run.parent, cache, word_tokenizer, **mode)
    fresh = _load(run.parent, None, word_tokenizer, **mode)
    assert not fresh.stats.equals(first.stats)
    assert warm.stats.sort("prompt_id").equals(fresh.stats.sort("prompt_id"))


def test_lm_eval_results_file_changed_and_appearing(tmp_path: Path, word_tokenizer: Path) -> None:
    source = FORMATS / "lm_eval" / "outputs" / "run_scripted" / "toy-org__scripted-model-v1"
    run = tmp_path / "data" / source.name
    shutil.copytree(source, run)
    results = run / "results_2026-11-23T19-49-48.073567.json"
    cache = tmp_path / "cache"
    headless = {"keep_text": False, "stats_only": True}
    assert _runs(_load(run, cache, word_tokenizer))[0].startswith("toy-org/scripted-model-v1")

    def rename(data: dict) -> None:  # type: ignore[type-arg]
        data["model_name"] = "renamed/model"

    _rewrite_json(results, rename)
    for kwargs in ({}, headless):
        warm = _load(run, cache, word_tokenizer, **kwargs)
        assert sorted(warm.stats["run"].unique())[0].startswith("renamed/model"), kwargs

    # Without its results file the run is named after the folder (toy-org__… is toy-org/…); the
    # file written later names it.
    saved = results.read_bytes()
    results.unlink()
    assert sorted(_load(run, cache, word_tokenizer).stats["run"].unique())[0].startswith(
        "toy-org/scripted-model-v1"
    )
    results.write_bytes(saved)
    for kwargs in ({}, headless):
        warm = _load(run, cache, word_tokenizer, **kwargs)
        assert sorted(warm.stats["run"].unique())[0].startswith("renamed/model"), kwargs


def test_internbootcamp_eval_args_changed(tmp_path: Path, word_tokenizer: Path) -> None:
    output = tmp_path / "data" / "toy-model_test_dir_20261123_195835"
    shutil.copytree(FORMATS / "internbootcamp" / "output" / output.name, output)
    cache = tmp_path / "cache"
    first = _load(output, cache, word_tokenizer, keep_text=False, stats_only=True)

    def rename(data: dict) -> None:  # type: ignore[type-arg]
        data["model_name"] = "renamed-bootcamp-model"

    _rewrite_json(output / "eval_args.json", rename)
    warm = _load(output, cache, word_tokenizer, keep_text=False, stats_only=True)
    assert first.stats["run"].unique().to_list() != ["renamed-bootcamp-model"]
    assert warm.stats["run"].unique().to_list() == ["renamed-bootcamp-model"]


@MODES
def test_internbootcamp_score_sheet_written_later(
    tmp_path: Path, word_tokenizer: Path, mode: dict[str, bool]
) -> None:
    # Without eval_args.json, the model's name is where the output dir's <model>_scores.xlsx
    # says it ends, a file run_eval.py writes last: a warm run after it was written must not
    # serve the rows labelled before it.
    output = tmp_path / "data" / "org_m_tests_20261123_195835"
    shutil.copytree(
        FORMATS / "internbootcamp" / "output" / "toy-model_test_dir_20261123_195835", output
    )
    (output / "eval_args.json").unlink()
    cache = tmp_path / "cache"
    first = _load(output, cache, word_tokenizer, **mode)
    (output / "org_m_scores.xlsx").write_bytes(b"PK")
    warm = _load(output, cache, word_tokenizer, **mode)
    assert first.stats["run"].unique().to_list() == ["org_m_tests"]
    assert warm.stats["run"].unique().to_list() == ["org_m"]


def test_inspect_copy_removed_reads_the_other(tmp_path: Path, word_tokenizer: Path) -> None:
    # One log saved twice: the second copy is read once, from the preferred one. When that copy
    # is deleted, the cached "read from there" of the remaining copy must not hide its samples.
    folder = tmp_path / "logs"
    folder.mkdir()
    (log,) = (FORMATS / "inspect_ai" / "logs_json").glob("*.json")
    shutil.copy(log, folder / log.name)
    copy = folder / log.name.replace(".json", "-copy.json")
    data = json.loads(log.read_text(encoding="utf-8"))
    data["samples"] = data["samples"][:1]
    data["status"] = "started"  # a copy still running: ranked after the finished original
    copy.write_text(json.dumps(data), encoding="utf-8")
    cache = tmp_path / "cache"
    both = _load(folder, cache, word_tokenizer)
    assert both.generations.height == len(json.loads(log.read_text())["samples"]) > 1
    (folder / log.name).unlink()
    for kwargs in ({}, {"keep_text": False, "stats_only": True}):
        warm = _load(folder, cache, word_tokenizer, **kwargs)
        assert warm.headline()["generations"] == 1, kwargs


def test_inspect_log_added_to_the_folder_keeps_the_others_cached(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    # The folder was among each log's companions: a new log in it (another run) changed every
    # other log's key, so each was read and counted again. Only a copy of a log changes its key.
    real = Path(__file__).resolve().parents[1] / "fixtures" / "real_world"
    merge = real / "repro_inspect_merge"
    first, second = sorted(merge.glob("2025-02-11T*_popularity_*.eval"))
    folder = tmp_path / "logs"
    folder.mkdir()
    for log in (first, merge / "log_read_sample.eval"):
        shutil.copy(log, folder / log.name)
    cache = tmp_path / "cache"
    _load(folder, cache, word_tokenizer)
    shutil.copy(second, folder / second.name)
    warm = _load(folder, cache, word_tokenizer)
    cached = {f.source: f.cached for f in warm.files if f.format is not None}
    assert cached == {first.name: True, "log_read_sample.eval": True, second.name: False}
    fresh = _load(folder, None, word_tokenizer)
    assert warm.stats.equals(fresh.stats)
    assert _runs(warm) == _runs(fresh)


def test_opencompass_results_written_after_the_predictions(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    found = sorted((FORMATS / "opencompass" / "outputs").rglob("predictions"))
    assert found, "fixture layout changed"
    work = found[0].parent
    copy = tmp_path / "data" / work.name
    shutil.copytree(work, copy)
    results = sorted((copy / "results").rglob("*.json"))
    assert results
    saved = {p: p.read_bytes() for p in results}
    for path in results:
        path.unlink()
    cache = tmp_path / "cache"
    unscored = _load(copy, cache, word_tokenizer)
    for path, data in saved.items():
        path.write_bytes(data)
    warm = _load(copy, cache, word_tokenizer)
    fresh = _load(copy, None, word_tokenizer)
    assert (
        unscored.generations["accuracy"].null_count() > fresh.generations["accuracy"].null_count()
    )
    assert warm.generations["accuracy"].to_list() == fresh.generations["accuracy"].to_list()


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_a_cache_write_stopped_midway_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException | type[BaseException]
) -> None:
    """Ctrl+C during a load, which writes the cache as it goes, left a tmpXXXX.tmp in the
    cache folder each time, which nothing removed. Ctrl+C still stops the load; a full disk is
    still said once and the load goes on."""
    import numpy as np

    from evaltui.data import cache as cache_module

    def save(handle: Any, *args: Any, **kwargs: Any) -> None:
        handle.write(b"half")
        raise error

    cache = cache_module.Cache(tmp_path / "cache")
    monkeypatch.setattr(cache_module.np, "save", save)
    if isinstance(error, OSError):
        cache.put_lengths("ab" * 32, np.arange(3, dtype=np.uint32))
        assert cache.write_errors == ["No space left on device"]
    else:
        with pytest.raises(KeyboardInterrupt):
            cache.put_lengths("ab" * 32, np.arange(3, dtype=np.uint32))
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
