"""Headless loads keep the ``tokenizers`` tokenizer out of memory while the count-only path counts:
the self-check's texts are kept aside and checked at the end of the load (or once they grow
large), and a difference still switches the whole load to ``tokenizers``."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from evaltui.data import bpecount, loader, tokens
from evaltui.data.loader import LoadOptions, load
from evaltui.data.tokens import FAST_PATH, HF_PATH, LengthCounter, load_tokenizer, resolve_tokenizer

_INFO = load_tokenizer(None)


def _reference(texts: list[str]) -> list[int]:
    assert _INFO.tokenizer is not None
    return [len(e.ids) for e in _INFO.tokenizer.encode_batch(texts, add_special_tokens=False)]


def _write(data: Path, files: dict[str, list[str]]) -> None:
    data.mkdir()
    for name, gens in files.items():
        lines = [
            json.dumps({"prompt": f"{name}{i}", "gen": g, "accuracy": 1})
            for i, g in enumerate(gens)
        ]
        (data / name).write_text("\n".join(lines) + "\n")


FILES = {
    "a.jsonl": ["the answer is 42", "wait, hmm, so x = 3 and y = 4", "short"],
    "b.jsonl": ["then the sum is 7, check it again " * 20, "done"],
}


def _around_count(
    monkeypatch: pytest.MonkeyPatch, after: Callable[[Any, np.ndarray], np.ndarray]
) -> None:
    """Every count-only count goes through ``after(texts, counts)`` (which may change them)."""
    real = bpecount.FastCounter.count

    def wrapped(self: bpecount.FastCounter, texts: Any) -> np.ndarray:
        return after(texts, real(self, texts))

    monkeypatch.setattr(bpecount.FastCounter, "count", wrapped)


def _capture_counters(monkeypatch: pytest.MonkeyPatch) -> list[LengthCounter]:
    made: list[LengthCounter] = []
    real = loader.length_counter

    def spy(*args: Any, **kwargs: Any) -> LengthCounter:
        counter = real(*args, **kwargs)
        made.append(counter)
        return counter

    monkeypatch.setattr(loader, "length_counter", spy)
    return made


def test_a_headless_load_counts_without_the_tokenizers_tokenizer_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _capture_counters(monkeypatch)
    held: list[bool] = []

    def note_held(_texts: Any, counts: np.ndarray) -> np.ndarray:
        held.append(made[0].info.tokenizer is not None)
        return counts

    _around_count(monkeypatch, note_held)
    _write(tmp_path / "run", FILES)
    options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=False, num_proc=1)
    result = load([tmp_path / "run"], options)
    expected = _reference(FILES["a.jsonl"] + FILES["b.jsonl"])
    assert result.generations.get_column("gen_length").to_list() == expected
    assert result.counting.startswith(f"{FAST_PATH} (self-checked against tokenizers on 5 texts")
    assert held and not any(held)  # every count-only batch ran with the tokenizer let go
    counter = made[0]
    assert counter.defer and counter.checked == 5
    # After the load neither tokenizer is held.
    assert counter.info.tokenizer is None and counter.info.fast is None
    assert counter._fast is None


def test_a_headless_load_with_a_cached_plan_never_loads_the_tokenizers_tokenizer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check loads it at the end; before that, with the count plan cached, nothing does."""
    _write(tmp_path / "run", FILES)
    cache = tmp_path / "cache"
    load([tmp_path / "run"], LoadOptions(cache_dir=cache))
    (tmp_path / "run" / "c.jsonl").write_text(
        json.dumps({"prompt": "c", "gen": "a new file to count", "accuracy": 0}) + "\n"
    )
    loads: list[bool] = []
    real = tokens.TokenizerSpec.load_tokenizer
    counting: list[bool] = []

    def spy_load(self: tokens.TokenizerSpec) -> Any:
        loads.append(bool(counting))
        return real(self)

    monkeypatch.setattr(tokens.TokenizerSpec, "load_tokenizer", spy_load)

    def note_counting(_texts: Any, counts: np.ndarray) -> np.ndarray:
        counting.append(True)
        return counts

    _around_count(monkeypatch, note_counting)
    result = load([tmp_path / "run"], LoadOptions(cache_dir=cache, keep_text=False))
    assert result.counting.startswith(FAST_PATH)
    assert loads == [True]  # once, for the self-check, after the counting
    assert (
        result.generations.get_column("gen_length").to_list()[-1]
        == _reference(["a new file to count"])[0]
    )


def test_a_deferred_check_that_fails_switches_the_load_and_caches_nothing_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wrong on the load's very first text: found at the end, every file is recounted by
    tokenizers, the note names where, and no count-only entry reaches the cache."""

    def off_on_first(texts: Any, counts: np.ndarray) -> np.ndarray:
        listed = texts.to_list() if isinstance(texts, pl.Series) else list(texts)
        return np.where([t == "the answer is 42" for t in listed], counts + 1, counts)

    _around_count(monkeypatch, off_on_first)
    _write(tmp_path / "run", FILES)
    options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=False, num_proc=1)
    result = load([tmp_path / "run"], options)
    expected = _reference(FILES["a.jsonl"] + FILES["b.jsonl"])
    assert result.generations.get_column("gen_length").to_list() == expected
    assert any("differed from tokenizers on a.jsonl row 1" in n for n in result.notes)
    assert result.counting.startswith(HF_PATH)
    warm = load([tmp_path / "run"], options)
    assert warm.cache_hits == 2 and warm.counting == "cached lengths from tokenizers"


def test_a_stopped_headless_load_caches_nothing_the_check_did_not_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _capture_counters(monkeypatch)
    _write(tmp_path / "run", FILES)
    options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=False, num_proc=1)
    real_finish = loader._Load.finish_file

    def stop_after_first(self: Any, state: Any, lengths: Any, *, cached: bool) -> None:
        real_finish(self, state, lengths, cached=cached)
        self.stop_lengths.set()

    monkeypatch.setattr(loader._Load, "finish_file", stop_after_first)
    load([tmp_path / "run"], options)
    assert made and made[0]._pending  # counted, never checked
    monkeypatch.undo()
    warm = load([tmp_path / "run"], options)
    assert warm.cache_hits == 0


def test_deferred_checks_run_early_once_their_texts_grow_large(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tokens, "DEFERRED_CHECK_CHARS", 50)
    counter = LengthCounter(load_tokenizer(None), defer=True)
    assert counter.path == FAST_PATH and counter.info.tokenizer is None
    short = pl.Series(["a b"])
    assert counter.check(short, counter.count(short))
    assert counter._pending  # kept: 3 characters
    long = pl.Series(["the answer is " * 10])
    assert counter.check(long, counter.count(long))
    assert not counter._pending and counter.checked == 2  # checked at once, then let go again
    assert counter.info.tokenizer is None
    wrong = pl.Series(["and again the answer " * 10])
    assert not counter.check(wrong, counter.count(wrong) + 1)
    assert counter.path == HF_PATH and counter.switched is not None
    assert counter.count(wrong).tolist() == _reference(wrong.to_list())


def test_the_keep_tokenizer_flag_leaves_the_tokenizers_tokenizer_unloaded(
    tmp_path: Path,
) -> None:
    from evaltui.data.cache import Cache

    spec = resolve_tokenizer(None)
    cache = Cache(tmp_path / "cache")
    built = spec.load(cache=cache, keep_tokenizer=False)  # builds and caches the plan
    assert built.tokenizer is None and built.fast is not None
    cached = spec.load(cache=cache, keep_tokenizer=False)
    assert cached.tokenizer is None and cached.fast is not None
    again = cached.reloaded()
    assert again.tokenizer is not None
    assert again.count(["the answer is 42"]).tolist() == _reference(["the answer is 42"])
    assert spec.load(cache=cache).tokenizer is not None  # the default keeps it


def test_headless_commands_have_polars_hand_freed_pages_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from evaltui import cli

    fixed: list[bool] = []
    monkeypatch.setattr(cli, "fixed_mmap_threshold", lambda: fixed.append(True) or True)
    monkeypatch.delenv(cli.JEMALLOC_ENV, raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    cli.return_freed_pages(["some/dir"])  # the app: unchanged
    assert cli.JEMALLOC_ENV not in os.environ and not fixed
    cli.return_freed_pages(["summarize", "x"])
    assert os.environ[cli.JEMALLOC_ENV] == cli.JEMALLOC_HEADLESS and fixed == [True]
    monkeypatch.setenv(cli.JEMALLOC_ENV, "dirty_decay_ms:5")
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    cli.return_freed_pages(["export", "x"])
    # The user's settings win.
    assert os.environ[cli.JEMALLOC_ENV] == "dirty_decay_ms:5" and fixed == [True]


def test_glibc_mmap_threshold_is_fixed() -> None:
    from evaltui import cli

    # mallopt answers 1 when glibc took the setting (this project runs on glibc Linux).
    assert cli.fixed_mmap_threshold()


def test_text_measures_taken_in_slices_of_rows_are_the_whole_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from evaltui.data import triage

    gens = [
        "",
        "   ",
        "  the answer is \\boxed{42}  ",
        "wait " * 400,
        "so x = 3. " * 50 + "Final answer: 7",
        None,
        "\\boxed{\\frac{1}{2}} " + "loop loop loop " * 300,
        "short",
    ]
    frame = pl.DataFrame(
        {"gen": gens, "extracted": [None, None, None, "1", None, None, None, "s"]},
        schema={"gen": pl.String, "extracted": pl.String},
    )
    monkeypatch.setattr(triage, "MEASURE_ROWS", 10**9)
    whole = triage.with_text_measures(frame)
    for rows in (1, 3):
        monkeypatch.setattr(triage, "MEASURE_ROWS", rows)
        sliced = triage.with_text_measures(frame)
        assert sliced.schema == whole.schema and sliced.equals(whole)
    assert triage.with_text_measures(frame.clear()).schema == whole.schema


@pytest.mark.parametrize("first_bytes", [0, 1 << 40])
def test_the_counter_is_built_after_a_big_first_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_bytes: int
) -> None:
    """A big first file's parse is not overlapped with building the count plan, which is built
    once it is read (beside its text, not under its parse, nor under the plan's counter before
    it); a small one's is built while it is read."""
    made = _capture_counters(monkeypatch)
    monkeypatch.setattr(loader, "COUNTER_FIRST_BYTES", first_bytes)
    monkeypatch.setattr(loader, "READ_AHEAD_BYTES", 0)  # no other file read meanwhile
    events: list[tuple[str, str]] = []
    building = threading.Event()
    real_read, real_counter = loader._read_one, loader.length_counter

    def read(item: Any, *args: Any) -> Any:
        events.append(("read", item.path.name))
        if item.path.name == "a.jsonl":
            # Long enough for a counter built beside this read to begin (bounded: after it,
            # it never does).
            building.wait(5 if first_bytes else 0.3)
        try:
            return real_read(item, *args)
        finally:
            events.append(("read done", item.path.name))

    def counter(*args: Any, **kwargs: Any) -> Any:
        events.append(("counter", ""))
        building.set()
        return real_counter(*args, **kwargs)

    monkeypatch.setattr(loader, "_read_one", read)
    monkeypatch.setattr(loader, "length_counter", counter)
    _write(tmp_path / "run", FILES)
    result = load([tmp_path / "run"], LoadOptions(use_cache=False, keep_text=False, num_proc=1))
    assert result.counting.startswith(FAST_PATH) and len(made) == 1
    built = events.index(("counter", ""))
    read_a = events.index(("read", "a.jsonl")), events.index(("read done", "a.jsonl"))
    if first_bytes == 0:
        assert built > read_a[1], events  # after the big file's read
    else:
        assert read_a[0] < built < read_a[1], events  # while the small file is read


@pytest.mark.parametrize("ahead_bytes", [0, 1 << 40])
def test_headless_the_next_file_is_read_beside_counting_only_when_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead_bytes: int
) -> None:
    """Headless, a file bigger than READ_AHEAD_BYTES is read only after the one before it is
    counted (a parse beside a big file's counting was the load's peak); a smaller one is read
    while the one before it is counted. Either way the result is the same."""
    monkeypatch.setattr(loader, "READ_AHEAD_BYTES", ahead_bytes)
    files = {
        f"{name}.jsonl": gens
        for name, gens in zip("abc", [*FILES.values(), ["x y z"]], strict=True)
    }
    events: list[tuple[str, str]] = []
    started = {name: threading.Event() for name in files}
    real_read, real_tokenize = loader._read_one, loader._Load.tokenize

    def read(item: Any, *args: Any) -> Any:
        events.append(("read", item.path.name))
        started[item.path.name].set()
        return real_read(item, *args)

    def tokenize(self: Any, state: Any) -> bool:
        name = state.input.path.name
        later = sorted(n for n in files if n > name)
        # Long enough for a read submitted before counting to begin (bounded: without a
        # read-ahead it never does).
        if later:
            started[later[0]].wait(5 if ahead_bytes else 0.3)
        events.append(("counted", name))
        return bool(real_tokenize(self, state))

    monkeypatch.setattr(loader, "_read_one", read)
    monkeypatch.setattr(loader._Load, "tokenize", tokenize)
    _write(tmp_path / "run", files)
    options = LoadOptions(use_cache=False, keep_text=False, num_proc=1)
    result = load([tmp_path / "run"], options)
    order = [name for _kind, name in events]
    for name, after in [("a.jsonl", "b.jsonl"), ("b.jsonl", "c.jsonl")]:
        read_at = events.index(("read", after))
        counted_at = events.index(("counted", name))
        assert (read_at < counted_at) == bool(ahead_bytes), order
    fresh = load([tmp_path / "run"], LoadOptions(use_cache=False))
    assert result.stats.equals(fresh.stats.select(result.stats.columns))


def test_the_counting_line_counts_one_text_in_the_singular(tmp_path: Path) -> None:
    """A one-generation load's summary read 'self-checked against tokenizers on 1 texts'."""
    _write(tmp_path / "run", {"a.jsonl": ["the answer is 42"]})
    options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=False, num_proc=1)
    result = load([tmp_path / "run"], options)
    assert result.counting == f"{FAST_PATH} (self-checked against tokenizers on 1 text)"
