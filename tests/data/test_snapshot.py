"""A warm load of an unchanged input set takes the whole load's stats from the cache's snapshot.

The danger is a stale snapshot: whatever changed (a file appended to, rewritten with the same
size, removed, added, renamed; the tokenizer; an option that changes the stats; a damaged cache
entry), a warm ``summarize`` must write exactly the bytes ``--no-cache`` writes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from evaltui.cli import main
from evaltui.data.loader import LoadOptions, load
from tests.conftest import write_jsonl
from tests.data.test_loader import SIX

MORE = [
    {"prompt": "What is 3+3?", "gen": "the answer is 6", "answer": "6", "accuracy": 1},
    {"prompt": "What is 3+3?", "gen": "9", "answer": "6", "accuracy": 0},
]


def make_data(root: Path) -> Path:
    write_jsonl(root / "model_a" / "inference_0.jsonl", SIX[:3])
    write_jsonl(root / "model_a" / "inference_1.jsonl", SIX[3:], raw_lines=["{broken"])
    write_jsonl(root / "model_b" / "inference_0.jsonl", SIX + MORE)
    (root / "model_b" / "readme.jsonl").write_text('{"question": "q"}\n', encoding="utf-8")
    return root


def other_tokenizer(tmp_path: Path) -> Path:
    """Splits on punctuation too: ``1+1?`` is four tokens, not one."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.WordLevel({"[UNK]": 0, "the": 1}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    path = tmp_path / "tok2" / "tokenizer.json"
    path.parent.mkdir()
    tokenizer.save(str(path))
    return path


class Runner:
    def __init__(self, tmp_path: Path, data: Path, tokenizer: Path) -> None:
        self.tmp_path, self.data, self.tokenizer = tmp_path, data, tokenizer
        self.cache = tmp_path / "cache"
        self.count = 0

    def summarize(self, *extra: str, cache: bool = True) -> tuple[bytes, str]:
        self.count += 1
        out = self.tmp_path / f"out{self.count}.json"
        args = ["summarize", str(self.data), "-o", str(out), "--model", str(self.tokenizer)]
        args += ["--cache-dir", str(self.cache)] if cache else ["--no-cache"]
        assert main([*args, *extra]) == 0
        return out.read_bytes(), ""

    def same_as_no_cache(self, capsys: Any, *extra: str) -> str:
        """A warm summarize (twice: the first may write the snapshot) equals --no-cache."""
        fresh, _ = self.summarize(*extra, cache=False)
        capsys.readouterr()
        first, _ = self.summarize(*extra)
        first_err = capsys.readouterr().err
        second, _ = self.summarize(*extra)
        second_err = capsys.readouterr().err
        assert first == fresh
        assert second == fresh
        assert _summary(first_err) == _summary(second_err)
        return second_err


def _summary(err: str) -> list[str]:
    """The end summary without the lines that differ between a fresh and a snapshot load."""
    return [
        line
        for line in err.splitlines()
        if not line.startswith(("seconds", "counting", "cache hits", "wrote"))
    ]


@pytest.fixture
def runner(tmp_path: Path, word_tokenizer: Path) -> Runner:
    return Runner(tmp_path, make_data(tmp_path / "data"), word_tokenizer)


def test_a_warm_summarize_reads_the_snapshot_and_no_input(
    runner: Runner, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    err = runner.same_as_no_cache(capsys)
    assert "stats from the cache (inputs unchanged)" in err
    assert "bad lines    1" in err and "skipped      model_b/readme.jsonl" in err
    # With the snapshot, no file is opened, no rows are read and no stats are computed.
    from evaltui.data import loader

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the snapshot load read or computed something")

    fresh, _ = runner.summarize(cache=False)
    monkeypatch.setattr(loader, "detect", fail)
    monkeypatch.setattr(loader, "compute_stats", fail)
    monkeypatch.setattr(loader.Cache, "get_rows", fail)
    warm, _ = runner.summarize()
    assert warm == fresh and json.loads(warm)[0]["prompt"] == "What is 1+1?"


def test_the_app_load_uses_the_snapshot_only_when_every_file_came_from_the_cache(
    runner: Runner, capsys: Any
) -> None:
    options = LoadOptions(model=str(runner.tokenizer), cache_dir=runner.cache)
    cold = load([runner.data], options)
    assert not cold.from_snapshot
    partials: list[Any] = []
    warm = load([runner.data], options, on_partial=partials.append)
    # The first result is the snapshot's: the table, no generation rows yet; then the rows.
    assert partials and partials[0].generations_pending and partials[0].generations.height == 0
    assert partials[0].stats.equals(cold.stats)
    assert partials[0].headline() == cold.headline()
    assert warm.complete and warm.from_snapshot and not warm.generations_pending
    assert warm.stats.equals(cold.stats)
    assert warm.generations.height == cold.generations.height
    # A file changed since: its rows are read again, the stats computed, never the snapshot's.
    write_jsonl(runner.data / "model_a" / "inference_0.jsonl", SIX[:3] + MORE)
    again = load([runner.data], options)
    assert not again.from_snapshot
    assert again.stats.equals(
        load([runner.data], LoadOptions(model=str(runner.tokenizer), use_cache=False)).stats
    )


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_appended(runner: Runner, capsys: Any) -> None:
    runner.same_as_no_cache(capsys)
    with (runner.data / "model_a" / "inference_0.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(MORE[0]) + "\n")
    runner.same_as_no_cache(capsys)


def test_rewritten_with_the_same_size(runner: Runner, capsys: Any) -> None:
    runner.same_as_no_cache(capsys)
    path = runner.data / "model_a" / "inference_0.jsonl"
    before = path.read_bytes()
    after = before.replace(b'"accuracy": 1.0', b'"accuracy": 0.0')
    assert len(after) == len(before) and after != before
    path.write_bytes(after)
    _touch_later(path)
    runner.same_as_no_cache(capsys)


def test_removed_added_renamed(runner: Runner, capsys: Any) -> None:
    runner.same_as_no_cache(capsys)
    (runner.data / "model_a" / "inference_1.jsonl").unlink()
    runner.same_as_no_cache(capsys)
    write_jsonl(runner.data / "model_a" / "inference_2.jsonl", MORE)
    runner.same_as_no_cache(capsys)
    # Renamed: the same bytes and identity under another name (the run label follows the folder).
    (runner.data / "model_b").rename(runner.data / "model_c")
    err = runner.same_as_no_cache(capsys)
    assert "model_c" in err and "model_b" not in err
    # A skipped file that becomes readable is a changed input set too.
    (runner.data / "model_c" / "readme.jsonl").write_text(
        json.dumps({"prompt": "p", "gen": "the", "accuracy": 1}) + "\n", encoding="utf-8"
    )
    runner.same_as_no_cache(capsys)


def test_tokenizer_and_options(runner: Runner, capsys: Any, tmp_path: Path) -> None:
    runner.same_as_no_cache(capsys)
    word = runner.tokenizer
    runner.tokenizer = other_tokenizer(tmp_path)
    runner.same_as_no_cache(capsys)
    # The same tokenizer file under another name: the snapshot is used, the name is today's.
    copy = tmp_path / "elsewhere" / "tokenizer.json"
    copy.parent.mkdir()
    shutil.copy(word, copy)
    runner.tokenizer = copy
    runner.summarize()
    err = capsys.readouterr().err
    assert "stats from the cache" in err and f"tokenizer    {copy}" in err
    runner.tokenizer = word
    runner.same_as_no_cache(capsys, "--correct-threshold", "0.9")
    runner.same_as_no_cache(capsys, "--triage", "cap_margin=0.5")
    runner.same_as_no_cache(capsys, "--label", "one")
    runner.same_as_no_cache(capsys, "--pattern", "inference_0.jsonl")
    runner.same_as_no_cache(capsys, "--score-field", "nothing")
    runner.same_as_no_cache(capsys)


@pytest.mark.parametrize("damage", ["truncate-table", "flip-table", "truncate-meta", "empty"])
def test_a_damaged_snapshot_is_a_miss(runner: Runner, capsys: Any, damage: str) -> None:
    runner.same_as_no_cache(capsys)
    tables = sorted(runner.cache.rglob("*.snapshot"))
    metas = sorted(runner.cache.rglob("*.snapshot-meta"))
    assert len(tables) == 1 and len(metas) == 1
    table, meta = tables[0], metas[0]
    if damage == "truncate-table":
        table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    elif damage == "flip-table":
        data = bytearray(table.read_bytes())
        data[len(data) // 2] ^= 0x5A
        table.write_bytes(bytes(data))
    elif damage == "truncate-meta":
        meta.write_bytes(meta.read_bytes()[:-20])
    else:
        meta.write_bytes(b"")
        table.write_bytes(b"")
    fresh, _ = runner.summarize(cache=False)
    capsys.readouterr()
    warm, _ = runner.summarize()
    assert "stats from the cache" not in capsys.readouterr().err
    assert warm == fresh
    # The miss wrote a good snapshot again.
    again, _ = runner.summarize()
    assert "stats from the cache" in capsys.readouterr().err
    assert again == fresh


def test_a_snapshot_from_another_directory_is_not_used(runner: Runner, capsys: Any) -> None:
    # The same files copied elsewhere (same sizes, even the same mtimes): another input set.
    runner.same_as_no_cache(capsys)
    copy = runner.tmp_path / "copy"
    shutil.copytree(runner.data, copy, copy_function=shutil.copy2)
    runner.data = copy
    runner.summarize()
    assert "stats from the cache" not in capsys.readouterr().err
