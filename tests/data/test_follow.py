"""Following inputs while they are written: appends (cut mid-line too), new files, rewrites.

Every scenario ends by comparing the followed result with a fresh load of the final files: the
same stats (every column, row order included), the same generations and the same bad lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data import follow as follow_module
from evaltui.data.follow import Follower
from evaltui.data.formats import plain
from evaltui.data.loader import LoadOptions, LoadProgress, LoadResult, load
from tests.conftest import write_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def record(i: int, j: int) -> dict[str, Any]:
    """Generation j of prompt i: j + 2 words, correct when j is even."""
    words = " ".join(["answer"] * (j + 1))
    return {"prompt": f"prompt {i}", "gen": f"{words} {j}", "answer": "0", "accuracy": j % 2 == 0}


def line(i: int, j: int) -> str:
    return json.dumps(record(i, j)) + "\n"


def options(tmp_path: Path, tokenizer: Path, **kw: Any) -> LoadOptions:
    return LoadOptions(model=str(tokenizer), use_cache=False, **kw)


def assert_same(followed: LoadResult, paths: list[Path], opts: LoadOptions) -> None:
    """``followed`` equals a fresh load of the files as they are now."""
    fresh = load(paths, opts)
    assert followed.stats.equals(fresh.stats), (followed.stats, fresh.stats)
    columns = [c for c in fresh.generations.columns if c != "gen" or opts.keep_text]
    assert followed.generations.select(columns).equals(fresh.generations.select(columns))
    assert [str(e) for e in followed.errors] == [str(e) for e in fresh.errors]


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_appended_lines_are_read_alone_and_merged(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    out = write_jsonl(
        data / "model-a" / "out.jsonl", [record(i, j) for i in range(3) for j in (0, 1)]
    )
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    assert first.stats["count"].to_list() == [2, 2, 2]
    assert follower.poll() is None  # nothing changed: no update

    windows: list[plain.Window | None] = []
    real = plain.read_window

    def spy(path: Path, window: plain.Window | None) -> bytes:
        windows.append(window)
        return real(path, window)

    monkeypatch.setattr(plain, "read_window", spy)
    size = out.stat().st_size
    append(out, line(0, 2) + line(3, 0))
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    # Only the appended bytes were read, numbered as lines 7 and 8 of the file.
    assert windows == [plain.Window(size, 7, out.stat().st_size)]
    stats = update.result.stats
    assert stats["prompt"].to_list() == [f"prompt {i}" for i in range(4)]
    assert stats["count"].to_list() == [3, 2, 2, 1]
    assert stats["n_correct"].to_list() == [2, 1, 1, 1]
    assert update.result.generations.filter(pl.col("line") == 8)["offset"].to_list() == [
        size + len(line(0, 2).encode())
    ]
    assert_same(update.result, [data], opts)


def test_a_line_cut_mid_way_waits_for_its_newline(tmp_path: Path, word_tokenizer: Path) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    whole = line(0, 1)
    append(out, whole[:12])  # a writer flushed half a line
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    # The fresh load saw a truncated last line; following waits for it instead of an error,
    # from the first result on (the app showed "bad lines 1" until the file next changed).
    assert first.stats["count"].to_list() == [1]
    assert first.errors == [] and [f.errors for f in first.files] == [0]
    assert any("m/out.jsonl: its last line is still being written" in n for n in first.notes)
    update = follower.poll()
    assert update is None or update.result.errors == []
    result = follower.result()
    assert result.errors == []
    assert any("still being written" in note for note in result.notes)
    append(out, whole[12:-5])
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    append(out, whole[-5:] + line(1, 0))
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    assert update.result.stats["count"].to_list() == [2, 1]
    assert not any("still being written" in note for note in update.result.notes)
    assert_same(update.result, [data], opts)


def test_a_file_read_whole_counts_only_its_growth_and_makes_no_note(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """lm-eval's samples file is read whole when it changes (its format is not appended to).
    Each change noted "<file> was rewritten: read again" (notes piling up for as long as an
    eval wrote) and counted every row of the file as new in "N new generations"."""
    source = next((FIXTURES / "lm_eval" / "outputs").rglob("samples_toy_math_gen_*.jsonl"))
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) >= 4
    data = tmp_path / "data"
    target = data / source.parent.name / source.name
    target.parent.mkdir(parents=True)
    target.write_text("".join(lines[:2]), encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    assert {f.format for f in first.files if f.skipped is None} == {"lm_eval"}
    before = first.generations.height
    append(target, "".join(lines[2:]))
    update = follower.poll()
    assert update is not None and update.notes == []
    assert update.new_generations == update.result.generations.height - before > 0
    assert not any("rewritten" in n for n in update.result.notes)
    assert_same(update.result, [data], opts)


def test_a_line_cut_mid_way_in_a_file_read_whole_waits_for_its_newline(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """lm-eval's samples file is read whole on each change: a line it was writing when read was
    'truncated last line (file still being written?)', a bad line in the app's header until the
    next change, and one more line 'bad line …' for ever on summarize --follow's stderr. It
    waits for its newline, as an appended file's line does, from the first load on."""
    source = next((FIXTURES / "lm_eval" / "outputs").rglob("samples_toy_math_gen_*.jsonl"))
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    data = tmp_path / "data"
    target = data / source.parent.name / source.name
    target.parent.mkdir(parents=True)
    target.write_text(lines[0] + lines[1][:30], encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    assert {f.format for f in first.files if f.skipped is None} == {"lm_eval"}
    assert first.errors == [] and [f.errors for f in first.files if f.skipped is None] == [0]
    assert any(
        f"{target.parent.name}/{source.name}: its last line is still" in n for n in first.notes
    )
    assert first.generations.height == 1

    append(target, lines[1][30:] + lines[2][:25])  # one line ends, the next is cut
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert update.result.errors == [] and update.result.generations.height == 2
    assert [f.errors for f in update.result.files if f.skipped is None] == [0]
    assert any("its last line is still being written" in n for n in update.result.notes)

    append(target, lines[2][25:])
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert not any("still being written" in n for n in update.result.notes)
    assert_same(update.result, [data], opts)

    append(target, "{not json\n")  # a bad line that ends is a bad line
    update = follower.poll()
    assert update is not None and [e.line for e in update.result.errors] == [4]
    assert_same(update.result, [data], opts)


def test_new_files_new_runs_rewrites_and_removals(tmp_path: Path, word_tokenizer: Path) -> None:
    data = tmp_path / "data"
    a = write_jsonl(data / "model-a" / "out.jsonl", [record(i, 0) for i in range(4)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()

    b = write_jsonl(data / "model-b" / "out.jsonl", [record(0, 1), record(1, 2)])
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    assert sorted(update.result.stats["run"].unique().to_list()) == ["model-a", "model-b"]
    assert_same(update.result, [data], opts)

    # Rewritten in place, shorter: read again whole, nothing counted twice.
    a.write_text(line(7, 0) + line(7, 1), encoding="utf-8")
    update = follower.poll()
    assert update is not None
    assert any("model-a/out.jsonl was rewritten" in n for n in update.notes)
    assert update.result.stats.filter(pl.col("run") == "model-a")["count"].to_list() == [2]
    assert_same(update.result, [data], opts)

    # Replaced by a different file of the same size and head: the last line read differs.
    replacement = line(7, 0) + line(8, 1)
    assert len(replacement) == a.stat().st_size
    tmp = a.with_suffix(".new")
    tmp.write_text(replacement, encoding="utf-8")
    os.replace(tmp, a)
    update = follower.poll()
    assert update is not None
    assert update.result.stats.filter(pl.col("run") == "model-a")["prompt"].to_list() == [
        "prompt 7",
        "prompt 8",
    ]
    assert_same(update.result, [data], opts)

    b.unlink()
    update = follower.poll()
    assert update is not None
    assert any("model-b/out.jsonl is gone" in n for n in update.notes)
    assert update.result.stats["run"].unique().to_list() == ["model-a"]
    assert_same(update.result, [data], opts)


def test_whole_document_formats_are_read_again_when_they_change(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """SkyThought writes one JSON document at the end: picked up when it appears, re-read whole
    (never appended to what was read) when it changes."""
    data = tmp_path / "data"
    write_jsonl(data / "plain" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    source = FIXTURES / "skythought" / "v1b_list_feb2025" / "results.json"
    target = data / "sky" / "results.json"
    target.parent.mkdir()
    target.write_bytes(source.read_bytes()[:200])  # still being written: not valid JSON yet
    assert follower.poll() is None  # not believed yet: the writer may be half way
    update = follower.poll()  # the same at the next look: what the file holds
    assert update is not None
    assert assert_same(update.result, [data], opts) is None
    shutil.copyfile(source, target)
    update = follower.poll()
    assert update is not None and update.new_generations > 0
    formats = {f.source: f.format for f in update.result.files}
    assert formats["sky/results.json"] == "skythought"
    assert update.result.errors == []
    assert_same(update.result, [data], opts)


def test_a_whole_document_caught_half_written_is_believed_once_it_stays_so(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """SkyThought (and OpenCompass) write their JSON with json.dump into the file: a look while
    it was written found a document cut short, and the run's rows went from the table (a prompt
    screen open on one said it was no longer in the files) with a bad line, which summarize
    --follow listed for good; a moment later the whole document was back. A read that finds
    nothing usable where there were rows, or in a new file, is believed once the file stays
    so for a look (or at a last look)."""
    data = tmp_path / "data"
    write_jsonl(data / "plain" / "out.jsonl", [record(0, 0)])
    source = FIXTURES / "skythought" / "v1b_list_feb2025" / "results.json"
    whole = source.read_bytes()
    target = data / "sky" / "results.json"
    target.parent.mkdir()
    shutil.copyfile(source, target)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    sky = first.generations.filter(pl.col("source") == "sky/results.json").height
    assert sky > 0 and first.errors == []

    for cut in (b"", whole[: len(whole) // 2]):  # truncated by open("w"), then half written
        target.write_bytes(cut)
        assert follower.poll() is None
        result = follower.result()
        assert result.errors == [] and not result.skipped_files
        assert result.generations.filter(pl.col("source") == "sky/results.json").height == sky
    target.write_bytes(whole)  # the writer is done: read at once
    update = follower.poll()
    assert update is not None and update.result.errors == []
    assert_same(update.result, [data], opts)

    # Left cut short: believed at the next look, as a fresh read says it.
    target.write_bytes(whole[: len(whole) // 2])
    assert follower.poll() is None
    update = follower.poll()
    assert update is not None and len(update.result.errors) == 1
    assert update.result.generations.filter(pl.col("source") == "sky/results.json").is_empty()
    assert_same(update.result, [data], opts)
    assert follower.poll() is None  # and not read again until it changes
    target.write_bytes(whole)
    update = follower.poll()  # a file with no rows read so: never held
    assert update is not None and update.result.errors == []
    assert_same(update.result, [data], opts)

    # A new document half written waits too; a last look believes it at once.
    other = data / "sky2" / "results.json"
    other.parent.mkdir()
    other.write_bytes(whole[: len(whole) // 2])
    assert follower.poll() is None
    assert "sky2/results.json" not in {f.source for f in follower.result().files}
    update = follower.poll(last=True)
    assert update is not None and [e.source for e in update.result.errors] == ["sky2/results.json"]
    assert_same(update.result, [data], opts)


def test_a_file_made_empty_and_written_again_is_one_rewrite(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A JSON-lines file written again from the start (open("w"): empty for a moment) lost its
    rows and was 'skipped: empty file' at a look in that moment, listed so by summarize
    --follow for good; and a file made before it is written was skipped as empty too."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    out.write_bytes(b"")
    new = data / "n" / "out.jsonl"
    new.parent.mkdir()
    new.write_bytes(b"")
    assert follower.poll() is None
    assert follower.result().skipped_files == []
    assert follower.result().stats["count"].to_list() == [1, 1]
    out.write_text(line(0, 1), encoding="utf-8")
    new.write_text(line(2, 0), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.notes == ["m/out.jsonl was rewritten: read again"]
    assert update.result.skipped_files == []
    assert_same(update.result, [data], opts)


def test_a_skipped_file_written_again_is_no_change(tmp_path: Path, word_tokenizer: Path) -> None:
    """`summarize DIR --follow -o DIR/combined.json` (or the default ./summary/… run in the
    eval's folder) saw its own output, skipped as evaltui's, change after each write: a change,
    so it wrote again, every interval for ever, 'inputs last written 1 s ago' with no input
    written. A skipped file that changes and stays skipped for the same reason is no change."""
    from evaltui.data.export import write_combined_json

    data = tmp_path / "data"
    write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    since = follower.last_write
    combined = data / "combined.json"
    write_combined_json(first.stats, combined)
    os.utime(combined, (time.time() + 5, time.time() + 5))
    follower.poll()  # its manifest, then (settled: a new file read as nothing) the file
    update = follower.poll()
    assert update is not None
    assert {f.source for f in update.result.skipped_files} == {
        "combined.json",
        "combined.json.evaltui.json",
    }
    for _ in range(2):
        os.utime(combined, (time.time() + 5, time.time() + 5))  # another version of it
        write_combined_json(update.result.stats, combined)
        assert follower.poll() is None
    assert follower.last_write == since
    assert_same(follower.result(), [data], opts)


def test_following_says_one_thing_of_each_file_and_forgets_a_gone_file_that_is_back(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Each rewrite of a file added one more "<file> was rewritten: read again" to the notes
    for the session, and a run folder moved away and back was still "gone" in them."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    write_jsonl(data / "n" / "out.jsonl", [record(1, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()

    def follow_notes() -> list[str]:
        return [n for n in follower.result().notes if "rewritten" in n or "gone" in n]

    for j in (1, 2, 3):
        out.write_text(line(0, j), encoding="utf-8")
        update = follower.poll()
        assert update is not None and update.notes == ["m/out.jsonl was rewritten: read again"]
    assert follow_notes() == ["m/out.jsonl was rewritten: read again"]
    (data / "n").rename(tmp_path / "n-away")
    assert follower.poll() is not None
    assert follow_notes() == [
        "m/out.jsonl was rewritten: read again",
        "n/out.jsonl is gone: its rows were removed",
    ]
    (tmp_path / "n-away").rename(data / "n")
    assert follower.poll() is not None
    assert follow_notes() == ["m/out.jsonl was rewritten: read again"]
    assert_same(follower.result(), [data], opts)


REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real_world"


def test_a_results_file_written_at_the_end_reads_its_samples_again(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """lm-eval writes results_*.json after the samples: it names the model and says the metric
    (mae) is lower-is-better. Following read the samples before it and kept them so, labelled
    by the folder and scored as higher-is-better, until the samples file itself changed again
    (OpenCompass's results/ written after predictions/ left them unscored likewise)."""
    source = REAL / "lm_eval/lm-evaluation-harness/results/tgpred.json/gpt-4o-mini"
    samples = next(source.glob("samples_*.jsonl"))
    results = next(source.glob("results_*.json"))
    data = tmp_path / "data"
    folder = data / "gpt-4o-mini"
    folder.mkdir(parents=True)
    lines = samples.read_bytes().splitlines(keepends=True)
    (folder / samples.name).write_bytes(b"".join(lines[:3]))
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    with (folder / samples.name).open("ab") as handle:
        handle.write(b"".join(lines[3:]))
    assert follower.poll() is not None
    before = follower.result().generations
    assert before.get_column("higher_is_better").null_count() == before.height
    (folder / results.name).write_bytes(results.read_bytes())  # the eval's last write
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    after = update.result.generations
    assert after.get_column("higher_is_better").to_list() == [False] * after.height
    assert_same(update.result, [data], opts)


@pytest.mark.parametrize("warm", [False, True])
@pytest.mark.parametrize("harness", ["lm_eval", "opencompass"])
def test_a_results_file_written_during_the_first_load_reads_its_samples_again(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
    harness: str,
    warm: bool,
) -> None:
    """The results file an eval writes last (lm-eval's results_*.json, OpenCompass's results/)
    appeared while the first load ran, after it had read the samples: the follower took the
    companions' versions after the load, so the results file was no change to it, and the run
    kept its folder label (lm-eval) or its unscored predictions (OpenCompass) until the results
    were written again. The load's versions are those it read the rows with (``warm``: the
    rows come from the cache, as the app's reopened folder has them)."""
    data = tmp_path / "data"
    if harness == "lm_eval":
        source = REAL / "lm_eval/lm-evaluation-harness/results/tgpred.json/gpt-4o-mini"
        (data / source.name).mkdir(parents=True)
        samples = next(source.glob("samples_*.jsonl"))
        shutil.copy(samples, data / source.name / samples.name)
        results = {data / source.name / p.name: p.read_bytes() for p in source.glob("results_*")}
    else:
        work = sorted((FIXTURES / "opencompass" / "outputs").rglob("predictions"))[0].parent
        shutil.copytree(work, data / work.name)
        found = sorted((data / work.name / "results").rglob("*.json"))
        results = {p: p.read_bytes() for p in found}
        for path in found:
            path.unlink()
    assert results
    opts = options(tmp_path, word_tokenizer)
    if warm:
        opts = LoadOptions(
            model=str(word_tokenizer), cache_dir=tmp_path / "cache", text_on_demand=True
        )
        load([data], opts)  # the samples' rows cached, read without the results
    real_load = follow_module.load

    def results_written_during(*args: Any, **kwargs: Any) -> LoadResult:
        result = real_load(*args, **kwargs)  # the samples are read: then the eval ends
        for path, data_bytes in results.items():
            path.write_bytes(data_bytes)
        return result

    monkeypatch.setattr(follow_module, "load", results_written_during)
    follower = Follower([data], opts)
    first = follower.load()
    fresh = load([data], options(tmp_path, word_tokenizer))
    columns = [c for c in fresh.generations.columns if c != "gen"]
    # the load read the samples without the results
    assert not first.generations.select(columns).equals(fresh.generations.select(columns))
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert_same(update.result, [data], options(tmp_path, word_tokenizer))  # text too


def test_a_new_inspect_log_reads_that_log_alone_and_relabels_the_runs_it_shares_a_task_with(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inspect's reader named the folder among a log's companions: a new log changed the folder,
    so every log in it was read again whole (8 logs, one added: 9 reads, 0.7-0.9 CPU-s instead
    of 0.3). Only the new log is read; the runs of its task and model get their start times in
    their labels all the same (as a fresh load has them)."""
    from evaltui.data.formats.inspect_ai import InspectReader

    merge = REAL / "repro_inspect_merge"
    first, second = sorted(merge.glob("2025-02-11T*_popularity_*.eval"))
    data = tmp_path / "logs"
    data.mkdir()
    for log in [
        first,
        merge / "log_read_sample.eval",
        *(REAL / "inspect_ai").rglob("*.eval"),
        *(FIXTURES / "inspect_ai").rglob("*.json"),
    ]:
        shutil.copy(log, data / log.name)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    before = follower.load()
    labels = set(before.generations.filter(pl.col("source") == first.name)["run"].to_list())
    assert labels == {"openai/gpt-4o-mini"}  # alone in its task: no start time
    read: list[str] = []
    real = InspectReader.read

    def spy(self: InspectReader, path: Path, source: str, options: Any) -> Any:
        read.append(path.name)
        return real(self, path, source, options)

    monkeypatch.setattr(InspectReader, "read", spy)
    shutil.copy(second, data / second.name)  # another run of the same task and model
    update = follower.poll()
    assert update is not None and update.new_generations == 10
    assert read == [second.name]
    after = update.result.generations.filter(pl.col("source") == first.name)
    assert after["run"].unique().to_list() == ["openai/gpt-4o-mini @ 2025-02-11T15:17:00-05:00"]
    assert_same(update.result, [data], opts)


def test_a_followed_files_notes_are_what_a_fresh_read_tells(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """vLLM sampling writes unscored lines (scored later): each poll's lines added one more
    "none of its 1 records has a score" note (the header's notes count grew on every update),
    and a line of invalid UTF-8 per poll one note each; the first load's notes of a file stayed
    after it was rewritten or deleted."""
    data = tmp_path / "data"
    out = data / "m" / "gen.jsonl"
    out.parent.mkdir(parents=True)

    def unscored(i: int) -> bytes:
        return (
            json.dumps({"prompt": f"p{i}", "response": f"r {i}", "answer": "1"}) + "\n"
        ).encode()

    out.write_bytes(unscored(0) + b'{"prompt": "\xff", "response": "r", "answer": "1"}\n')
    other = write_jsonl(data / "m" / "other.jsonl", [{"prompt": "q", "response": "r"}])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    done = threading.Event()

    def writer() -> None:
        for i in range(1, 7):
            with out.open("ab") as handle:
                handle.write(unscored(i))
                if i % 3 == 0:
                    handle.write(b'{"prompt": "bad \xfe", "response": "r", "answer": "1"}\n')
            time.sleep(0.02)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not done.is_set():
        follower.poll()
        time.sleep(0.01)
    thread.join()
    follower.poll()
    notes = follower.result().notes
    assert sorted(notes) == sorted(load([data], opts).notes), notes
    assert any("none of its 10 records has a score" in n for n in notes)
    assert any(
        "3 line(s) with invalid UTF-8 bytes (shown as �), lines 2, 6, 10" in n for n in notes
    )
    # Its notes go with the file: rewritten, they are the new version's; deleted, none.
    write_jsonl(other, [{"prompt": "q", "response": "r", "answer": "1", "accuracy": 1}])
    out.unlink()
    update = follower.poll()
    assert update is not None
    assert [n for n in update.result.notes if "gen.jsonl: " in n or "other.jsonl: " in n] == []
    assert_same(update.result, [data], opts)


def test_a_followed_plain_files_nan_scores_are_one_note_as_a_fresh_read_tells(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A plain record's NaN score is shown unscored with a note naming its lines: lines
    appended to a followed file, read alone, gave a note of their own each ('on 1 line (3)'
    beside 'on 1 line (1)'), where a fresh read says 'on 2 lines (1, 3)'."""
    data = tmp_path / "data"
    out = data / "m" / "gen.jsonl"
    out.parent.mkdir(parents=True)

    def line(i: int, score: str) -> bytes:
        return (f'{{"prompt": "p{i}", "gen": "g", "answer": "1", "accuracy": {score}}}\n').encode()

    out.write_bytes(line(0, "NaN") + line(1, "1"))
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    with out.open("ab") as handle:
        handle.write(line(2, "Infinity") + line(3, "0"))
    follower.poll()
    notes = [n for n in follower.result().notes if "NaN" in n]
    assert notes == [n for n in load([data], opts).notes if "NaN" in n]
    assert notes == [
        "m/gen.jsonl: a NaN or infinite score on 2 lines (1, 3), as a script's json.dumps"
        " writes float('nan') or float('inf'): shown unscored"
    ]


def test_a_followed_plain_files_field_choices_are_told_once(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The note that a generation is read from 'output' beside a 'response' is told from the
    file's first record, as a fresh read tells it: appended lines read alone (whose first
    record is another) do not tell it again, even when they have other fields."""
    data = tmp_path / "data"
    out = data / "m" / "gen.jsonl"
    out.parent.mkdir(parents=True)
    first = {"prompt": "p0", "output": "raw 0", "response": "0", "answer": "0", "accuracy": 1}
    write_jsonl(out, [first])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    later = {"prompt": "p1", "output": "raw 1", "completion": "1", "gold": "1", "answer": "1"}
    with out.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**later, "accuracy": 0}) + "\n")
    follower.poll()
    notes = sorted(n for n in follower.result().notes if "read from" in n)
    assert notes == sorted(n for n in load([data], opts).notes if "read from" in n)
    assert notes == [
        "m/gen.jsonl: generations read from 'output'; its records also have 'response'"
        " (--gen-field response to read that instead)"
    ]


def test_internbootcamps_reasoning_note_is_said_once_per_file_while_following(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """An InternBootcamp details file with reasoning_content, followed while run_eval.py wrote
    it: each poll's lines added one more "N generations shown as reasoning_content" note (the
    header's notes count grew on every update). Now one note, counted over all the lines, as a
    fresh read says it: 1 + 6 lines with reasoning (one poll's line has none) = 6."""
    folder = tmp_path / "data" / "r1_test_dir_20250601_120000" / "details"
    folder.mkdir(parents=True)
    out = folder / "game24.jsonl"

    def bootcamp(i: int) -> bytes:
        record = {
            "id": i, "prompt": f"P{i}", "output_len": 1, "score": i % 2,
            "extracted_output": str(i), "ground_truth": {"target": i},
            "reasoning_content": None if i == 4 else f"think {i}", "output": f"Answer {i}",
        }  # fmt: skip
        return (json.dumps(record) + "\n").encode()

    out.write_bytes(bootcamp(0))
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([tmp_path / "data"], opts)
    follower.load()
    for i in range(1, 7):
        with out.open("ab") as handle:
            handle.write(bootcamp(i))
        follower.poll()
    notes = [n for n in follower.result().notes if "reasoning_content" in n]
    assert notes == [
        "r1_test_dir_20250601_120000/details/game24.jsonl: 6 generations shown as"
        " reasoning_content, a line break and output (the thinking the server returned apart),"
        " as run_eval.py scored them"
    ]
    assert sorted(follower.result().notes) == sorted(load([tmp_path / "data"], opts).notes)


def test_a_prompts_rows_are_numbered_again_when_an_earlier_file_is_rewritten(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Two shards of one run share prompts: the second's rows of a prompt were numbered after
    the first's by the first load, and kept those numbers when the first was cut short or
    deleted (prompt 0's one generation was "sample 2" where a fresh load says 0)."""
    data = tmp_path / "data"
    first = write_jsonl(data / "m" / "shard_0.jsonl", [record(0, 0), record(0, 1), record(1, 0)])
    write_jsonl(data / "m" / "shard_1.jsonl", [record(0, 2), record(1, 1)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    loaded = follower.load()
    assert loaded.generations.filter(pl.col("source") == "m/shard_1.jsonl")["sample"].to_list() == [
        2,
        1,
    ]
    done = threading.Event()

    def writer() -> None:
        with first.open("r+b") as handle:  # a writer starting the file over
            handle.truncate(0)
        time.sleep(0.05)
        append(first, line(1, 3))
        time.sleep(0.05)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not done.is_set():
        follower.poll()
        time.sleep(0.01)
    thread.join()
    follower.poll()
    result = follower.result()
    assert result.generations.filter(pl.col("source") == "m/shard_1.jsonl")["sample"].to_list() == [
        0,
        1,
    ]
    assert_same(result, [data], opts)
    first.unlink()
    update = follower.poll()
    assert update is not None
    assert update.result.generations["sample"].to_list() == [0, 0]
    assert_same(update.result, [data], opts)


def test_a_writer_thread_racing_the_follower(tmp_path: Path, word_tokenizer: Path) -> None:
    """Appends in random-sized pieces (lines cut anywhere) while the follower polls; a new file
    and a truncation on the way. The end state equals a fresh load of the final files."""
    import random

    data = tmp_path / "data"
    a = write_jsonl(data / "model-a" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer, keep_text=False)
    follower = Follower([data], opts)
    follower.load()
    rng = random.Random(7)
    done = threading.Event()

    def writer() -> None:
        text = "".join(line(i % 9, i) for i in range(1, 120))
        position = 0
        while position < len(text):
            step = rng.randint(1, 90)
            append(a, text[position : position + step])
            position += step
            if position > len(text) // 3 and not (data / "model-b").exists():
                write_jsonl(data / "model-b" / "out.jsonl", [record(1, 1)])
            time.sleep(0.001)
        # Truncated and started again, as a restarted eval does.
        a.write_text(line(5, 5), encoding="utf-8")
        append(a, line(6, 6))
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    updates = 0
    while not done.is_set():
        updates += follower.poll() is not None
    thread.join()
    follower.poll()
    assert updates > 1
    assert_same(follower.result(), [data], opts)


def test_status_line_counts_recent_generations(tmp_path: Path, word_tokenizer: Path) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    follower = Follower([data], options(tmp_path, word_tokenizer))
    follower.load()
    append(out, line(0, 1) + line(0, 2) + line(1, 0))
    follower.poll()
    status = follower.status()
    assert status.startswith("following · 3 new generations in the last minute · last write ")
    follower.arrivals[0].at = time.monotonic() - 61
    assert follower.recent() == 0
    # One generation is one ("1 new generations" was said).
    append(out, line(1, 1))
    follower.poll()
    assert follower.status().startswith("following · 1 new generation in the last minute")
    # Shorter wordings for a narrow line, longest first; the last write kept to the shortest.
    wordings = follower.status_wordings()
    assert wordings[0] == follower.status()
    assert wordings[1].startswith("following · 1 new/min · last write ")
    widths = [len(w) for w in wordings]
    assert widths == sorted(widths, reverse=True) and widths[-1] < 25, wordings
    assert all(" s ago" in w for w in wordings), wordings


@pytest.mark.parametrize("keep_text", [True, False])
def test_a_renamed_file_or_a_run_folder_moved_away_and_back_brings_no_new_generation(
    tmp_path: Path, word_tokenizer: Path, keep_text: bool
) -> None:
    """A file renamed (read whole at its new name, gone at its old) counted all its rows as
    new, and a run folder moved away and back did too: "31 new generations in the last
    minute" while nothing was written. Rows like those that left the table are not new;
    lines appended are (with or without the text held: summarize --follow drops it)."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, j) for i in range(10) for j in (0, 1)])
    write_jsonl(data / "n" / "out.jsonl", [record(i, 3) for i in range(11)])
    opts = options(tmp_path, word_tokenizer, keep_text=keep_text)
    follower = Follower([data], opts)
    follower.load()

    renamed = out.with_name("renamed.jsonl")
    out.rename(renamed)
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert any("m/out.jsonl is gone" in n for n in update.notes)
    (data / "n").rename(tmp_path / "n-away")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    (tmp_path / "n-away").rename(data / "n")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == 0
    assert follower.status().startswith("following · 0 new generations in the last minute")
    assert_same(update.result, [data], opts)

    append(renamed, line(20, 0) + line(21, 1))  # what the eval writes is new
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    assert follower.recent() == 2
    assert_same(update.result, [data], opts)


def test_a_run_folder_moved_away_and_back_is_not_new_when_its_label_carried_a_tag(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Two runs of one label (folders a/m and b/m, the same prompts) are told apart by a tag
    (``m @ a``); while one is away the other loses its tag, and the one back is read under the
    labels of that moment: its rows are the ones that left all the same."""
    data = tmp_path / "data"
    write_jsonl(data / "a" / "m" / "out.jsonl", [record(i, 0) for i in range(4)])
    write_jsonl(data / "b" / "m" / "out.jsonl", [record(i, 1) for i in range(4)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    assert sorted(first.stats["run"].unique().to_list()) == ["m @ a", "m @ b"]
    (data / "b").rename(tmp_path / "b-away")
    update = follower.poll()
    assert update is not None and update.result.stats["run"].unique().to_list() == ["m"]
    (tmp_path / "b-away").rename(data / "b")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert sorted(update.result.stats["run"].unique().to_list()) == ["m @ a", "m @ b"]
    assert_same(update.result, [data], opts)


def test_a_file_rewritten_whole_counts_the_rows_it_did_not_have(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A file rewritten in place is read again whole: the rows it had before are not new, the
    others are, each once (a generation given twice over one that left counts once), also when
    the file is no longer than it was (its growth said 0 for two rows changed)."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(0, 0), record(1, 1)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()

    # The same rows in another order, one of them once more: one new generation.
    out.write_text(line(1, 1) + line(0, 0) + line(0, 0) + line(0, 0), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert_same(update.result, [data], opts)
    # As long as before, two generations changed: two new.
    out.write_text(line(1, 1) + line(0, 0) + line(2, 4) + line(2, 6), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.new_generations == 2
    # the (0, 0) the first rewrite added is gone again: 2 new generations on the table
    assert follower.recent() == 2
    assert_same(update.result, [data], opts)


def test_status_line_tells_the_last_write_from_the_load_on(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Following an eval whose files were last written an hour ago said "following · 0 new
    generations in the last minute", as of one written a second ago, until a file changed: the
    last write (what tells whether the eval still writes) is the inputs' newest from the load."""
    data = tmp_path / "data"
    old = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    newer = write_jsonl(data / "n" / "out.jsonl", [record(0, 1)])
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    os.utime(newer, (time.time() - 3600, time.time() - 3600))
    follower = Follower([data], options(tmp_path, word_tokenizer))
    follower.load()
    assert follower.poll() is None
    assert follower.status() == (
        "following · 0 new generations in the last minute · last write 60 min ago"
    )
    assert follower.status_wordings()[-1] == "last write 60 min ago"
    append(old, line(1, 0))
    follower.poll()
    assert follower.status().endswith(" · last write 0 s ago")


def test_a_write_made_while_the_first_load_ran_is_the_last_write(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first result's line (summarize --follow prints it with its first write) gave the
    inputs' newest write as it was before the load: a 9 s load of an eval writing every second
    said "inputs last written 9 s ago", and a long one "2 min ago", as of an eval that stopped.
    The lines written meanwhile are read by the next look; their write is known at once."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    os.utime(out, (time.time() - 3600, time.time() - 3600))
    real_load = follow_module.load

    def written_during(*args: Any, **kwargs: Any) -> LoadResult:
        append(out, line(1, 0))  # the eval writes on while the load reads
        return real_load(*args, **kwargs)

    monkeypatch.setattr(follow_module, "load", written_during)
    follower = Follower([data], options(tmp_path, word_tokenizer))
    follower.load()
    assert follower.status(last_write="inputs last written").endswith(
        " · inputs last written 0 s ago"
    ), follower.status()
    update = follower.poll()  # the line is read now, and new
    assert update is not None and update.new_generations == 1


def test_a_write_stamped_in_the_future_is_not_always_just_now(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file server whose clock runs an hour ahead stamps each write an hour from now: the
    line said "last write 0 s ago" for that hour, an eval that had stopped looking as if it
    still wrote. Such a write counts as made when it is seen."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    ahead = time.time() + 3600
    os.utime(out, (ahead, ahead))
    follower = Follower([data], options(tmp_path, word_tokenizer))
    follower.load()
    assert follower.status().endswith(" · last write 0 s ago")
    now = time.time()
    monkeypatch.setattr(follow_module.time, "time", lambda: now + 130)
    assert follower.poll() is None
    assert follower.status().endswith(" · last write 2 min ago"), follower.status()
    append(out, line(1, 0))  # written again, stamped ahead again: now
    os.utime(out, (ahead + 130, ahead + 130))
    follower.poll()
    assert follower.status().endswith(" · last write 0 s ago"), follower.status()


def test_a_line_appended_to_a_file_under_two_names_comes_once(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """An eval's ``latest.jsonl`` linked to the file it writes: each line appended was two new
    generations, one in a run of its own ("latest"), and re-pointed to the next file, that
    file's lines came twice too."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "inference_0.jsonl", [record(0, 0)])
    (data / "m" / "latest.jsonl").symlink_to("inference_0.jsonl")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    assert follower.load().generations.height == 1
    append(out, line(1, 0))
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert update.result.generations.height == 2
    following = write_jsonl(data / "m" / "inference_1.jsonl", [record(2, 0)])
    (data / "m" / "latest.jsonl").unlink()
    (data / "m" / "latest.jsonl").symlink_to(following.name)
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert update.result.generations.height == 3
    assert_same(update.result, [data], opts)


def test_wait_returns_on_a_change(tmp_path: Path, word_tokenizer: Path) -> None:
    """With watchfiles, a write wakes the follower well before the timeout."""
    pytest.importorskip("watchfiles")
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    follower = Follower([data], options(tmp_path, word_tokenizer))
    follower.load()
    timer = threading.Timer(0.3, append, (out, line(0, 1)))
    timer.start()
    started = time.monotonic()
    # Heartbeats come every second; wait until the one that carries the change.
    while follower.poll() is None and time.monotonic() - started < 20:
        follower.wait(30)
    assert follower.result().stats["count"].to_list() == [2]


@pytest.mark.parametrize("polling", [False, True])
def test_summarize_follow_keeps_the_combined_json_up_to_date(
    tmp_path: Path, word_tokenizer: Path, polling: bool
) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    combined = tmp_path / "combined.json"
    env = dict(os.environ)
    if polling:
        env["EVALTUI_FOLLOW_POLLING"] = "1"
    args = [str(data), "--model", str(word_tokenizer), "--no-cache", "-o", str(combined)]
    command = [sys.executable, "-m", "evaltui.cli", "summarize", *args]
    proc = subprocess.Popen(
        [*command, "--follow", "--follow-interval", "0.2"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:

        def counts() -> list[int]:
            try:
                return [r["count"] for r in json.loads(combined.read_text(encoding="utf-8"))]
            except (OSError, ValueError):
                return []

        deadline = time.monotonic() + 60
        while counts() != [1, 1] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert counts() == [1, 1]
        append(out, line(0, 1) + line(2, 0)[:10])
        while counts() != [2, 1] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert counts() == [2, 1]
        append(out, line(2, 0)[10:])
        write_jsonl(data / "n" / "out.jsonl", [record(0, 3)])
        while counts() != [2, 1, 1, 1] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert counts() == [2, 1, 1, 1]
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped following" in stderr
    fresh = tmp_path / "fresh.json"
    subprocess.run(
        [sys.executable, "-m", "evaltui.cli", "summarize", *args[:-1], str(fresh), "-q"],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert json.loads(combined.read_text()) == json.loads(fresh.read_text())


@pytest.mark.parametrize("quiet", [False, True])
def test_summarize_follow_tells_a_bad_line_appended_while_it_follows(
    tmp_path: Path, word_tokenizer: Path, quiet: bool
) -> None:
    """A line that is not JSON appended while following was left out of the combined JSON
    without a word (a summarize of the same files lists it); now each write tells the bad lines
    and skipped files it has not told yet, once (with -q as one warning line)."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    combined = tmp_path / "combined.json"
    args = [str(data), "--model", str(word_tokenizer), "--no-cache", "-o", str(combined)]
    follow = ["--follow", "--follow-interval", "0.2", *(["-q"] if quiet else [])]
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaltui.cli", "summarize", *args, *follow],
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, EVALTUI_FOLLOW_POLLING="1"),
        cwd=Path(__file__).resolve().parents[2],
    )
    try:

        def counts() -> list[int]:
            try:
                return [r["count"] for r in json.loads(combined.read_text(encoding="utf-8"))]
            except (OSError, ValueError):
                return []

        deadline = time.monotonic() + 60
        while counts() != [1] and time.monotonic() < deadline:
            time.sleep(0.1)
        append(out, "{not json\n" + line(0, 1))
        while counts() != [2] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert counts() == [2]
        time.sleep(1.5)  # more writes' worth of time: the line is told once
        append(out, line(1, 1))
        while counts() != [2, 1] and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    if quiet:
        told = [text for text in stderr.splitlines() if "bad line" in text]
        assert told == [
            "evaltui: warning: 1 bad line (not in the output; without -q they are listed)"
        ], stderr
    else:
        told = [text for text in stderr.splitlines() if text.startswith("bad line")]
        assert len(told) == 1 and told[0].startswith("bad line     m/out.jsonl:2: "), stderr
        # Each write's line, in words: "1 prompts" before, and "last write 0 s ago" beside
        # "wrote combined.json" was the inputs' last write, not the output's.
        first = stderr.splitlines()[0]
        assert first.endswith(f" · 1 prompt, 1 generation · wrote {combined}"), first
        assert "inputs last written" in stderr and "· last write" not in stderr


def test_a_published_qwen_math_output_written_line_by_line(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The Qwen2.5-Math harness file that SkyThought published, written out a few lines at a time
    (the last one cut mid-way), followed to the end: the same as reading the whole file."""
    source = next((FIXTURES.parent / "real_world" / "plain").rglob("*_s0_e-1.jsonl"))
    lines = source.read_bytes().splitlines(keepends=True)
    target = tmp_path / "data" / "aime24" / source.name
    target.parent.mkdir(parents=True)
    target.write_bytes(b"".join(lines[:3]))
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([tmp_path / "data"], opts)
    assert follower.load().stats.height == 3
    rest = b"".join(lines[3:])
    for start in range(0, len(rest), 5000):
        with target.open("ab") as handle:
            handle.write(rest[start : start + 5000])
        follower.poll()
    result = follower.result()
    assert {f.format for f in result.files} == {"qwen_math"}
    assert result.stats.height == len(lines) == 30
    assert_same(result, [tmp_path / "data"], opts)


def test_followed_lines_are_self_checked_and_a_disagreement_recounts_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the default tokenizer the count-only path counts new lines and is checked against
    tokenizers; when it disagrees, the load switches and every file is counted again by HF."""
    from evaltui.data.bpecount import FastCounter

    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    opts = LoadOptions(use_cache=False)
    follower = Follower([data], opts)
    follower.load()
    append(out, line(2, 2))
    update = follower.poll()
    assert update is not None
    # Counted the load's way (its self-check taken over): said as a fresh load says it.
    assert update.result.counting == load([data], opts).counting
    assert update.result.counting == "tiktoken (self-checked against tokenizers on 3 texts)"
    assert_same(update.result, [data], opts)

    real = FastCounter.count
    monkeypatch.setattr(FastCounter, "count", lambda self, texts: real(self, texts) + 1)
    append(out, line(3, 3))
    update = follower.poll()
    assert update is not None
    result = update.result
    assert any("differed from tokenizers" in note for note in result.notes)
    assert "followed lines: tokenizers" in result.counting
    monkeypatch.setattr(FastCounter, "count", real)
    assert_same(result, [data], opts)
    # The files read again whole by the recount are the same rows: the two new ones are still
    # new, and leave the count when they leave the table (truncated away).
    assert follower.recent() == 2
    out.write_text(line(0, 0) + line(1, 1), encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == 0
    assert_same(update.result, [data], opts)


@pytest.mark.parametrize("default", [True, False])
def test_followed_lines_counted_the_loads_way_are_said_as_a_fresh_load_says(
    tmp_path: Path, word_tokenizer: Path, default: bool
) -> None:
    """New lines counted as the load counted them (the count-only path that took over the
    load's self-check; ``tokenizers`` for the load's reason, a word-level tokenizer) leave how
    the lengths were counted as a fresh load of the final files says it: the header's "counted
    by" read "tiktoken (… on 2 texts); followed lines: tiktoken (… on 5 texts)" (a line more on
    the summary screen than a fresh open's), or the same "tokenizers (…)" twice."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    opts = LoadOptions(use_cache=False) if default else options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    for batch in (line(2, 2), line(0, 1) + line(3, 0)):
        append(out, batch)
        update = follower.poll()
        assert update is not None
        assert update.result.counting == load([data], opts).counting
        assert "followed lines" not in update.result.counting


def test_followed_lines_are_counted_with_the_arrow_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A follower's own counter (new lines) cuts with numpy and Arrow; the first load (a load
    like any other) does not, so it never imports pyarrow for that."""
    from evaltui.data import bpecount

    cut: list[int] = []
    real = bpecount.arrow_chunks

    def spy(texts: pl.Series) -> Any:
        cut.append(len(texts))
        return real(texts)

    monkeypatch.setattr(bpecount, "arrow_chunks", spy)
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    opts = LoadOptions(use_cache=False)
    follower = Follower([data], opts)
    follower.load()
    assert cut == []
    append(out, line(2, 2) + line(2, 3))
    update = follower.poll()
    assert update is not None and cut == [2]
    assert update.result.counting == "tiktoken (self-checked against tokenizers on 4 texts)"
    assert_same(update.result, [data], opts)


def test_records_of_a_followed_file_export_after_appends_but_not_after_a_rewrite(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Lines appended since the last look leave every record's offset valid: the export goes
    ahead. A rewrite moves them: the export refuses instead of writing fragments."""
    from evaltui.data.export import write_records

    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    follower = Follower([data], options(tmp_path, word_tokenizer))
    follower.load()
    append(out, line(2, 2))
    follower.poll()
    append(out, line(3, 3))  # not looked at yet
    result = follower.result()
    target = tmp_path / "records.jsonl"
    assert write_records(result.stats, result.generations, result.files, target) == 3
    assert target.read_text(encoding="utf-8") == line(0, 0) + line(1, 1) + line(2, 2)

    out.write_text(line(1, 1) + line(0, 0) + line(2, 2) + line(3, 3), encoding="utf-8")
    with pytest.raises(ValueError, match="has changed since it was loaded"):
        write_records(result.stats, result.generations, result.files, tmp_path / "again.jsonl")
    assert not (tmp_path / "again.jsonl").exists()


def test_records_of_the_first_load_export_after_lines_arrive_but_not_after_a_rewrite(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load's files were checked on their size: a records export of its rows (those
    on screen until a followed update's table is shown) was refused as soon as a line arrived.
    Lines appended after what was read leave its records where they were: the export writes
    them (never the new lines); a rewrite or a truncation is still refused. Lines appended
    while the load ran (read by it, after the follower's snapshot) are covered too."""
    from evaltui.data.export import write_records

    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    other = write_jsonl(data / "n" / "out.jsonl", [record(5, 0)])
    real_load = follow_module.load

    def appended_during(*args: Any, **kwargs: Any) -> LoadResult:
        append(other, line(6, 0))  # after the follower's snapshot, before the load reads it
        return real_load(*args, **kwargs)

    monkeypatch.setattr(follow_module, "load", appended_during)
    follower = Follower([data], options(tmp_path, word_tokenizer))
    first = follower.load()
    assert first.generations.height == 4
    append(out, line(2, 2))
    append(other, line(7, 0))
    target = tmp_path / "records.jsonl"
    assert write_records(first.stats, first.generations, first.files, target) == 4
    written = target.read_text(encoding="utf-8").splitlines(keepends=True)
    assert sorted(written) == sorted([line(0, 0), line(1, 1), line(5, 0), line(6, 0)])

    for path, text in [
        (out, line(1, 1) + line(0, 0) + line(2, 2)),  # rewritten: same size, other order
        (other, line(5, 0)),  # truncated to before a line the load read
    ]:
        saved = path.read_bytes()
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match="has changed since it was loaded"):
            write_records(first.stats, first.generations, first.files, tmp_path / "again.jsonl")
        assert not (tmp_path / "again.jsonl").exists()
        path.write_bytes(saved)


@pytest.mark.parametrize("seed", [3, 11])
def test_random_changes_recompute_only_what_they_touch(
    tmp_path: Path, word_tokenizer: Path, seed: int
) -> None:
    """Random appends (new prompts, more generations of old ones, lines cut mid-way and completed
    later), new files and a new run's folder, a truncated and a rewritten file: after every poll
    the stats equal a fresh load's, and appends never recompute every prompt."""
    import random

    rng = random.Random(seed)
    data = tmp_path / "data"
    files = [write_jsonl(data / "model-a" / "out.jsonl", [record(i, 0) for i in range(6)])]
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    cut = ""  # the rest of a line a writer flushed half of
    appends = 0
    for step in range(24):
        roll = rng.random()
        what = "append"
        if cut:
            append(files[-1], cut)
            cut = ""
        elif roll < 0.12:
            what = "new file"
            folder = rng.choice(["model-a", "model-b", f"model-{step}"])
            files.append(write_jsonl(data / folder / f"out{step}.jsonl", [record(step, 0)]))
        elif roll < 0.18:
            what = "rewrite"
            target = rng.choice(files)
            target.write_text(line(rng.randrange(9), 1) + line(40, 0), encoding="utf-8")
        elif roll < 0.22:
            what = "truncate"
            rng.choice(files).write_text("", encoding="utf-8")
        else:
            target = rng.choice(files)
            text = "".join(line(rng.randrange(12), rng.randrange(6)) for _ in range(3))
            if rng.random() < 0.3:
                split = rng.randrange(1, len(text) - 1)
                text, cut = text[:split], text[split:]
                files.remove(target)
                files.append(target)  # the cut line is completed in this file
            append(target, text)
        rebuilds = follower.live.rebuilds
        update = follower.poll()
        if update is None:
            continue
        result = update.result
        if not cut:  # a fresh load reports a cut last line as bad; following waits for it
            assert_same(result, [data], opts)
        if what == "append":
            appends += 1
            assert follower.live.rebuilds == rebuilds, step
    assert appends > 8
    if cut:
        append(files[-1], cut)
        follower.poll()
    assert_same(follower.result(), [data], opts)
    # The load's stats were the start, and rewrites and truncations recompute their prompts:
    # nothing here needed every prompt computed again.
    assert follower.live.rebuilds == 0


def test_watcher_events_look_only_at_the_files_they_name(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With watchfiles, lines appended to a followed file are read without listing directories
    or statting the other files; a new file (an event for a path not followed) makes the poll
    list everything again, and so does the periodic full look."""
    pytest.importorskip("watchfiles")
    data = tmp_path / "data"
    a = write_jsonl(data / "m" / "a.jsonl", [record(0, 0)])
    write_jsonl(data / "m" / "b.jsonl", [record(1, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    looks: list[int] = []
    real = Follower._discover

    def counted(self: Follower) -> Any:
        looks.append(1)
        return real(self)

    monkeypatch.setattr(Follower, "_discover", counted)
    follower.wait(0.1)  # the watcher starts: what happened before it is found by a full look
    assert follower.poll() is None and len(looks) == 1
    statted: list[Path] = []
    real_stamp = follow_module._stamp

    def stamp(path: Path) -> Any:
        statted.append(path)
        return real_stamp(path)

    monkeypatch.setattr(follow_module, "_stamp", stamp)

    def wait_for(check: Any) -> None:
        started = time.monotonic()
        while time.monotonic() - started < 20:
            follower.wait(5)
            update = follower.poll()
            if update is not None and check(update):
                return
        raise AssertionError("no update")

    threading.Timer(0.2, append, (a, line(0, 1))).start()
    wait_for(lambda u: u.new_generations == 1)
    assert len(looks) == 1  # no directory listing
    assert set(statted) <= {a.resolve(), a}  # only the file the event named
    assert follower.result().stats["count"].to_list() == [2, 1]

    statted.clear()
    threading.Timer(0.2, write_jsonl, (data / "n" / "c.jsonl", [record(2, 0)])).start()
    wait_for(lambda u: u.new_generations == 1)
    assert len(looks) == 2  # a new file: everything listed again
    assert_same(follower.result(), [data], opts)

    monkeypatch.setattr(follow_module, "FULL_LOOK", 0.0)
    follower.wait(0.1)
    follower.poll()
    assert len(looks) == 3  # the safety net: every input looked at now and then


def test_a_followed_file_keeps_few_chunks_however_many_polls() -> None:
    """Each poll's lines arrive as one more chunk; recent chunks are joined (a binary counter's
    way), so the rows stay the same and in order, the chunks few, and old rows are not copied
    again on every poll."""
    frame = pl.DataFrame({"a": [0], "b": ["x"]})
    first_chunk_rows = None
    for i in range(1, 2000):
        frame = follow_module._compacted(
            pl.concat([frame, pl.DataFrame({"a": [i] * 3, "b": [str(i)] * 3})])
        )
        assert frame.n_chunks() <= follow_module.MAX_CHUNKS + 1
        if i == 200:
            first_chunk_rows = len(frame.get_column("a").get_chunks()[0])
    assert frame["a"].to_list() == [0] + [i for i in range(1, 2000) for _ in range(3)]
    assert frame["b"].to_list()[-1] == "1999"
    # the oldest rows, once joined into a big chunk, stay in it
    assert first_chunk_rows is not None
    assert len(frame.get_column("a").get_chunks()[0]) >= first_chunk_rows


def test_followed_lines_use_the_cached_count_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New lines of a followed load get the count-only path from the plan cached by a plain
    load, as a plain load does, instead of parsing the tokenizer's JSON into a plan again."""
    from evaltui.data import tokens

    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    opts = LoadOptions(cache_dir=tmp_path / "cache")
    load([data], opts)  # builds the plan and caches it (and the lengths)

    def no_plan(spec: object) -> object:
        raise AssertionError("the count plan was built again instead of read from the cache")

    monkeypatch.setattr(tokens, "plan_parts", no_plan)
    follower = Follower([data], opts)
    follower.load()  # every length cached: no tokenizer loaded yet
    assert follower.counter is None
    append(out, line(2, 2))
    update = follower.poll()
    assert update is not None
    assert follower.counter is not None and follower.counter.path == tokens.FAST_PATH
    assert "followed lines: tiktoken (self-checked" in update.result.counting
    assert_same(update.result, [data], opts)


def test_followed_lines_are_counted_on_the_follow_thread_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed load counts its new lines on the thread that polls (one counting thread,
    no pool started), whatever ``--num-proc`` the load itself used; the counts stay exact."""

    from evaltui.data import tokens

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 1)])
    opts = LoadOptions(cache_dir=tmp_path / "cache", num_proc=4)
    follower = Follower([data], opts)
    follower.load()
    pools = {t.ident for t in threading.enumerate() if t.name.startswith("evaltui-count")}
    append(out, "".join(line(n, n % 3) for n in range(2, 40)))
    update = follower.poll()
    assert update is not None
    assert follower.counter is not None and follower.counter.path == tokens.FAST_PATH
    assert follower.counter.threads == 1
    started = {t.ident for t in threading.enumerate() if t.name.startswith("evaltui-count")} - pools
    assert not started, "the follower started a counting pool"
    assert_same(update.result, [data], opts)


def test_a_file_deleted_while_its_new_lines_are_read(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's folder deleted while the follower reads its appended lines (the probe of the
    file's bytes after reading finds it gone): no exception (it stopped the app's follow worker);
    the next poll drops the file, and the result is a fresh load's."""
    opts = options(tmp_path, word_tokenizer)
    keep = tmp_path / "a" / "out.jsonl"
    gone = tmp_path / "b" / "out.jsonl"
    write_jsonl(keep, [record(1, 0)])
    write_jsonl(gone, [record(2, 0)])
    follower = Follower([tmp_path], opts)
    follower.load()
    append(gone, line(2, 1))
    probe = follow_module._probe
    probes: list[int] = []

    def probe_after_delete(path: Path, consumed: int) -> tuple[bytes, bytes]:
        # The first probe tells an append from a rewrite; the second follows the reading.
        if path == gone:
            probes.append(consumed)
            if len(probes) == 2:
                shutil.rmtree(gone.parent)
        return probe(path, consumed)

    monkeypatch.setattr(follow_module, "_probe", probe_after_delete)
    update = follower.poll()
    assert update is not None
    assert len(probes) == 2  # the lines were read as appended, then the file went
    update.result  # noqa: B018 -- built without raising
    monkeypatch.setattr(follow_module, "_probe", probe)
    update = follower.poll()
    assert update is not None and any("is gone" in note for note in update.notes)
    assert_same(update.result, [tmp_path], opts)


def test_a_file_deleted_while_the_first_load_counts_its_tokens(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A run's file deleted while the first load still counted tokens (the app following): the
    follower's look at the file after the load raised FileNotFoundError and the whole load was
    lost ("Could not load: FileNotFoundError", nothing shown). Now the load keeps what it read,
    and the first poll drops the file with a note: a fresh load's result."""
    opts = options(tmp_path, word_tokenizer)
    keep = write_jsonl(tmp_path / "a" / "out.jsonl", [record(1, 0), record(1, 1)])
    gone = write_jsonl(tmp_path / "b" / "out.jsonl", [record(2, 0)])
    follower = Follower([tmp_path], opts)

    def delete_while_counting(progress: LoadProgress) -> None:
        if progress.stage == "tokenizing" and gone.exists():
            gone.unlink()

    first = follower.load(on_progress=delete_while_counting)
    assert not gone.exists() and keep.exists()
    assert sorted(first.stats["count"].to_list()) == [1, 2]  # as read
    update = follower.poll()
    assert update is not None
    assert update.notes == ["b/out.jsonl is gone: its rows were removed"]
    assert_same(update.result, [tmp_path], opts)


def test_lines_appended_to_the_last_file_join_the_last_table_without_a_pass_over_every_row(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines appended to the last file in load order (and new files after it) are numbered and
    put after the last build's table instead of every followed row being joined and numbered
    again; any other change (an append to an earlier file, a new file before the last, a
    truncation, a new run's folder) builds the table whole. After every poll the generations
    (sample numbers included: a prompt's rows continue across polls, some with a sample of
    their own) and the stats equal a fresh load's."""
    data = tmp_path / "data"
    a = write_jsonl(
        data / "model-a" / "out.jsonl", [record(i, j) for i in range(3) for j in (0, 1)]
    )
    last = write_jsonl(data / "model-b" / "out.jsonl", [record(0, 0), record(1, 3)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    whole: list[int] = []
    real = follow_module.finish_generations

    def counted(*args: Any, **kwargs: Any) -> pl.DataFrame:
        whole.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(follow_module, "finish_generations", counted)

    def step(change: Any, incremental: bool, new: int | None = None, cut: bool = False) -> None:
        change()
        builds = len(whole)
        update = follower.poll()
        assert update is not None
        if new is not None:
            assert update.new_generations == new
        result = update.result
        if not cut:  # a fresh load reports a cut last line as bad; following waits for it
            assert_same(result, [data], opts)
        assert (len(whole) == builds) == incremental

    def numbered(i: int, j: int, sample: int) -> str:
        return json.dumps({**record(i, j), "sample": sample}) + "\n"

    # The first build after the load is whole; appends to the last file are not.
    step(lambda: append(last, line(0, 1) + line(5, 0)), False, 2)
    step(lambda: append(last, line(0, 2) + numbered(5, 1, 7) + line(5, 2) + line(1, 0)), True, 4)
    cut = line(6, 0) + line(0, 3)
    step(lambda: append(last, line(5, 3) + cut[:10]), True, 1, cut=True)
    step(lambda: append(last, cut[10:]), True, 2)
    # A new file after the last one (a later run's folder) joins the same way.
    later = data / "model-c" / "out.jsonl"
    step(lambda: write_jsonl(later, [record(0, 4), record(9, 0)]), True, 2)
    step(lambda: append(later, line(9, 1) + line(0, 5)), True, 2)
    # An append to an earlier file moves rows after it: built whole.
    step(lambda: append(a, line(0, 6) + line(9, 2)), False, 2)
    step(lambda: append(later, line(9, 3)), True, 1)
    # A new run folder before the last file, and a truncated file: built whole.
    step(lambda: write_jsonl(data / "model-a2" / "out.jsonl", [record(9, 4)]), False, 1)
    step(lambda: append(later, line(9, 5)), True, 1)
    step(lambda: last.write_text(line(7, 0), encoding="utf-8"), False)
    step(lambda: append(later, line(0, 7) + line(9, 6)), True, 2)


def test_new_prompts_appended_to_the_last_file_are_computed_alone(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """An eval writing whole prompts at the end of its file: each update's stats come from its
    new rows alone, put after the others (LiveStats.appended); a row of an earlier prompt goes
    the other way. Every update equals a fresh load."""
    data = tmp_path / "data"
    # prompt 4's generation is the longest: no update brings a longer one (see LiveStats.update)
    out = write_jsonl(
        data / "model-a" / "out.jsonl",
        [record(i, j) for i in range(4) for j in (0, 1)] + [record(4, 7)],
    )
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    for step in range(4):
        append(out, "".join(line(10 + 3 * step + i, j) for i in range(3) for j in range(step + 1)))
        assert follower.poll() is not None
        assert_same(follower.result(), [data], opts)
        assert follower.live.appended == step + 1 and follower.live.recomputed == 3
    new = write_jsonl(data / "model-b" / "out.jsonl", [record(50, 0), record(50, 1)])
    assert follower.poll() is not None
    assert_same(follower.result(), [data], opts)
    assert follower.live.appended == 5
    append(new, line(1, 3) + line(60, 0))  # prompt 1 of model-b is new; 60 too
    append(out, line(0, 5))  # an earlier prompt, in a file before the last
    assert follower.poll() is not None
    assert_same(follower.result(), [data], opts)
    assert follower.live.appended == 5 and follower.live.rebuilds == 0


def sampled(i: int, j: int) -> str:
    """Sample j of prompt i as a sampling eval writes it: a boxed answer that varies (so the
    majority vote, its agreement and the distinct answers move as samples come), a score, and
    now and then a text that loops and states no answer (triage's flags)."""
    answer = (i * 7 + j * j) % 3
    if (i + j) % 5 == 4:
        gen = " ".join(["wait, let me check"] * (3 + j))
    else:
        gen = f"{' '.join(['step'] * (2 + (i + 3 * j) % 9))} so \\boxed{{{answer}}}"
    row = {"prompt": f"problem {i}", "gen": gen, "answer": "1", "accuracy": float(answer == 1)}
    return json.dumps(row) + "\n"


def test_lines_added_to_the_last_prompts_are_computed_from_the_rows_after_them(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An eval whose samples of a prompt arrive over several polls (a poll cuts a prompt's
    lines; samples written as they finish, two prompts' interleaved): each update computes the
    prompts among the table's last rows that it grew, and the new ones, from the rows after the
    first of them alone (LiveStats.grown), with no rebuild. Every update equals a fresh load:
    counts, accuracy, pass@k (a column added when a prompt reaches more samples than any
    before), the majority vote, agreement, the text measures and flags. A prompt grown further
    back than the rows looked at takes the general path, with the same result."""
    from evaltui.data import livestats

    data = tmp_path / "data"
    # problem 0's first generation is the longest: no update brings a longer one (a new
    # longest is a run-level change, see LiveStats.update)
    first = [json.dumps({"prompt": "problem 0", "gen": "long " * 60, "answer": "1"}) + "\n"]
    first += [sampled(i, j) for i in range(4) for j in range(4)]
    out = data / "model-a" / "out.jsonl"
    out.parent.mkdir(parents=True)
    out.write_text("".join(first), encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    writes = [
        [(3, 4), (3, 5), (4, 0), (4, 1)],  # the last prompt grows, a new one starts
        [(4, 2), (4, 3), (4, 4), (5, 0)],
        [(5, 1), (4, 5), (6, 0), (5, 2), (4, 6)],  # interleaved, as samples finish
        [(6, 1), (5, 3), (6, 2), (4, 7), (4, 8), (4, 9)],  # prompt 4 passes 8 samples
        [(6, 3), (7, 0), (7, 1)],
    ]
    for step, pairs in enumerate(writes):
        append(out, "".join(sampled(i, j) for i, j in pairs))
        assert follower.poll() is not None
        assert_same(follower.result(), [data], opts)
        assert follower.live.grown == step + 1, step
        assert follower.live.rebuilds == 0
    stats = follower.result().stats
    assert "pass@8" in stats.columns and "maj@10" in stats.columns
    assert stats.filter(pl.col("prompt") == "problem 4")["count"].item() == 10

    # problem 1 lies further back than the rows looked at: every prompt is looked at.
    monkeypatch.setattr(livestats, "TAIL_ROWS", 2)
    monkeypatch.setattr(livestats, "_FIRST_LOOK", 2)
    append(out, sampled(1, 4) + sampled(7, 2))
    assert follower.poll() is not None
    assert_same(follower.result(), [data], opts)
    assert follower.live.grown == len(writes) and follower.live.rebuilds == 0
    assert follower.live.recomputed == 2


def test_summarize_follow_stopped_during_its_first_load_says_by_what(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """SIGTERM before the first write said "evaltui: interrupted" and exited 130 (Ctrl-C's)."""
    from evaltui.cli import Stopped, main
    from evaltui.commands import follow as follow_command

    def stopped(self: object) -> None:
        raise Stopped(signal.SIGTERM)

    monkeypatch.setattr(follow_command.Follower, "load", stopped)
    write_jsonl(tmp_path / "data" / "m" / "out.jsonl", [record(0, 0)])
    out = tmp_path / "combined.json"
    args = ["summarize", str(tmp_path / "data"), "-o", str(out), "--follow"]
    assert main([*args, "--model", str(word_tokenizer), "--no-cache"]) == 143
    assert capsys.readouterr().err == "evaltui: stopped by SIGTERM\n"
    assert not out.exists()


def test_summarize_follow_stopped_writes_a_line_written_just_before(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Ctrl-C (or SIGTERM) writes "a last, up-to-date file": its last look went by the
    watcher's events, and a line written after the last wait (the events not taken yet) was
    missing from it (3 times in 3 with SIGTERM 10 ms after the write)."""
    pytest.importorskip("watchfiles")
    from evaltui.cli import main
    from evaltui.commands import follow as follow_command

    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    real = follow_command.Follower.wait
    waits = 0

    def wait(self: Follower, timeout: float, stop: threading.Event | None = None) -> None:
        nonlocal waits
        waits += 1
        if waits == 1:
            real(self, timeout, stop)  # the watcher starts; nothing to report
            return
        append(out, line(1, 0))  # written, then Ctrl-C before the watcher says so
        raise KeyboardInterrupt

    monkeypatch.delenv("EVALTUI_FOLLOW_POLLING", raising=False)
    monkeypatch.setattr(follow_command.Follower, "wait", wait)
    combined = tmp_path / "combined.json"
    args = ["summarize", str(data), "-o", str(combined), "--follow", "--follow-interval", "5"]
    assert main([*args, "--model", str(word_tokenizer), "--no-cache"]) == 0
    assert waits == 2
    assert [r["count"] for r in json.loads(combined.read_text(encoding="utf-8"))] == [1, 1]
    assert capsys.readouterr().err.endswith("evaltui: stopped following\n")


@pytest.fixture
def ctrl_c_raises() -> None:
    """These tests send SIGINT to the test process itself. A shell starts a background job
    (``cmd &``) with SIGINT ignored, and Python then installs no Ctrl-C handler, so the signal
    reaches nothing (evaltui, rightly, leaves an ignored signal ignored); swapping a handler in
    for the test left later tests' child processes unable to be stopped by SIGINT. Skipped
    there, said why."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        pytest.skip("SIGINT is ignored in this test process (started as a background job)")


@pytest.mark.parametrize("where", ["read", "build"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_summarize_follow_stopped_inside_a_poll_writes_what_a_fresh_read_does(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    where: str,
    sig: signal.Signals,
    ctrl_c_raises: None,
) -> None:
    """Ctrl-C or SIGTERM landing inside a poll, between a read and its bookkeeping (``read``:
    a file's appended lines joined to its rows, the bytes read not moved yet; ``build``: the
    stats updated, the rows they were updated with not cleared yet), left the follower half
    way: the last look took the lines for read and wrote nothing (the combined JSON lacked
    them), or built the same rows into the stats twice. The signal waits for the poll to end."""
    from evaltui.cli import main
    from evaltui.commands import follow as follow_command
    from evaltui.data.livestats import LiveStats

    monkeypatch.setenv("EVALTUI_FOLLOW_POLLING", "1")
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    waits = 0
    sent = False

    def wait(self: Follower, timeout: float, stop: threading.Event | None = None) -> None:
        nonlocal waits
        waits += 1
        if waits == 2:
            append(out, line(0, 1) + line(2, 0) + line(2, 1))
        elif waits > 5:  # the signal never came: stop all the same
            raise KeyboardInterrupt

    def send() -> None:
        nonlocal sent
        if not sent and waits == 2:
            sent = True
            os.kill(os.getpid(), sig)  # the handler runs here, in the middle of the poll

    real_compacted = follow_module._compacted
    real_update = LiveStats.update

    def compacted(frame: pl.DataFrame) -> pl.DataFrame:
        joined = real_compacted(frame)
        if where == "read":
            send()
        return joined

    def update(self: LiveStats, *args: Any, **kwargs: Any) -> pl.DataFrame:
        stats = real_update(self, *args, **kwargs)
        if where == "build":
            send()
        return stats

    monkeypatch.setattr(follow_command.Follower, "wait", wait)
    monkeypatch.setattr(follow_module, "_compacted", compacted)
    monkeypatch.setattr(LiveStats, "update", update)
    combined = tmp_path / "combined.json"
    common = [str(data), "--model", str(word_tokenizer), "--no-cache"]
    args = ["summarize", *common, "-o", str(combined), "--follow", "--follow-interval", "5"]
    assert main(args) == 0
    assert sent and waits == 2
    assert capsys.readouterr().err.endswith("evaltui: stopped following\n")
    fresh = tmp_path / "fresh.json"
    assert main(["summarize", *common, "-o", str(fresh), "-q"]) == 0
    followed = json.loads(combined.read_text(encoding="utf-8"))
    assert [r["count"] for r in followed] == [2, 1, 2]
    assert followed == json.loads(fresh.read_text(encoding="utf-8"))


def test_summarize_follow_stopped_twice_inside_a_poll_stops_at_once(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    ctrl_c_raises: None,
) -> None:
    """The first Ctrl-C waits for the poll under way; a second one (a poll that does not end)
    stops at once, without a last look at a state half moved: the output stays as it was
    last written, a whole document, and the exit code says it was interrupted."""
    from evaltui.cli import main
    from evaltui.commands import follow as follow_command

    monkeypatch.setenv("EVALTUI_FOLLOW_POLLING", "1")
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    waits = 0
    reached = False

    def wait(self: Follower, timeout: float, stop: threading.Event | None = None) -> None:
        nonlocal waits
        waits += 1
        if waits == 2:
            append(out, line(0, 1))
        elif waits > 5:
            raise AssertionError("no signal reached the poll")

    real_compacted = follow_module._compacted

    def compacted(frame: pl.DataFrame) -> pl.DataFrame:
        nonlocal reached
        joined = real_compacted(frame)
        os.kill(os.getpid(), signal.SIGINT)  # held
        os.kill(os.getpid(), signal.SIGINT)  # raises here
        reached = True
        return joined

    monkeypatch.setattr(follow_command.Follower, "wait", wait)
    monkeypatch.setattr(follow_module, "_compacted", compacted)
    combined = tmp_path / "combined.json"
    common = [str(data), "--model", str(word_tokenizer), "--no-cache"]
    args = ["summarize", *common, "-o", str(combined), "--follow", "--follow-interval", "5"]
    assert main(args) == 130
    assert not reached and waits == 2
    err = capsys.readouterr().err
    assert err.endswith("evaltui: interrupted\n") and "stopped following" not in err
    assert [r["count"] for r in json.loads(combined.read_text(encoding="utf-8"))] == [1, 1]
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name or p.name.startswith(".")]


def test_signals_deferred_delivers_a_signal_to_the_handler_it_would_have_met(
    ctrl_c_raises: None,
) -> None:
    """Held in the block, raised at its end (by Python's own Ctrl-C handler here); the
    handlers are the same after as before, and a block without a signal raises nothing."""
    from evaltui.commands.follow import signals_deferred

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    reached = False
    with pytest.raises(KeyboardInterrupt), signals_deferred():
        os.kill(os.getpid(), signal.SIGINT)  # its handler runs here: the held one notes it
        reached = True
    assert reached
    with signals_deferred():
        pass
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_summarize_follow_to_stdout_writes_whole_documents_one_after_another(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """`summarize --follow -o -`: each write is one more whole JSON document on stdout (a reader
    like `jq` takes them in turn), and stderr says where they went (it said "wrote -")."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    args = [str(data), "--model", str(word_tokenizer), "--no-cache", "-o", "-"]
    follow = ["--follow", "--follow-interval", "0.2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaltui.cli", "summarize", *args, *follow],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, EVALTUI_FOLLOW_POLLING="1"),
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline()  # "[" of the first document: it was written
        assert first == "[\n"
        append(out, line(1, 0))
        text = first
        decoder = json.JSONDecoder()
        documents: list[Any] = []
        deadline = time.monotonic() + 60
        while len(documents) < 2 and time.monotonic() < deadline:
            text += proc.stdout.readline()
            documents, rest = [], text
            with contextlib.suppress(ValueError):
                while rest.strip():
                    document, end = decoder.raw_decode(rest.lstrip())
                    documents.append(document)
                    rest = rest.lstrip()[end:]
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert [len(document) for document in documents[:2]] == [1, 2]
    assert proc.returncode == 0, stderr
    assert "wrote (standard output)" in stderr and "wrote -" not in stderr


def test_a_results_file_written_at_the_end_is_the_inputs_last_write(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The samples written two hours ago, then the results file beside them: the follow line
    said 'last write 2.0 h ago' (in tmux, a SkyThought summary.json copied in: 'last write
    14 s ago'), the results file being no input of rows; a load counts it. Now it is the
    inputs' last write."""
    source = REAL / "lm_eval/lm-evaluation-harness/results/tgpred.json/gpt-4o-mini"
    samples = next(source.glob("samples_*.jsonl"))
    results = next(source.glob("results_*.json"))
    folder = tmp_path / "data" / "gpt-4o-mini"
    folder.mkdir(parents=True)
    (folder / samples.name).write_bytes(samples.read_bytes())
    hour_ago = time.time() - 2 * 3600
    os.utime(folder / samples.name, (hour_ago, hour_ago))
    follower = Follower([tmp_path / "data"], options(tmp_path, word_tokenizer))
    follower.load()
    assert follower.status().endswith("last write 2.0 h ago")
    (folder / results.name).write_bytes(results.read_bytes())  # the eval's last write
    assert follower.poll() is not None
    written = (folder / results.name).stat().st_mtime_ns / 1e9
    assert follower.last_write == written
    assert not follower.status().endswith("h ago")


@pytest.mark.parametrize("complete", [True, False])
def test_the_last_look_reads_a_last_line_with_no_newline_as_a_fresh_load_does(
    tmp_path: Path, word_tokenizer: Path, complete: bool
) -> None:
    """A last line with no newline waits for it while following; at the last look (Ctrl-C on
    summarize --follow, whose last write is 'up to date') no later look sees it end, and it
    was left out: the last write lacked the record a fresh summarize of the same files had
    (seen with a writer ending '…"gen": "y"}' with no newline). It is read as a fresh load
    reads it: a record, or a truncated last line."""
    data = tmp_path / "data"
    (data / "m").mkdir(parents=True)
    out = data / "m" / "out.jsonl"
    out.write_text(line(0, 0) + line(1, 0), encoding="utf-8")
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    append(out, line(2, 0).rstrip("\n") if complete else line(2, 0)[:20])
    follower.poll()
    assert follower.result().generations.height == 2  # it waits for its newline
    update = follower.poll(last=True)
    assert update is not None
    assert update.result.generations.height == (3 if complete else 2)
    assert_same(update.result, [data], opts)


@pytest.mark.parametrize("kind", ["new plain file", "lm-eval samples"])
def test_the_last_look_reads_a_new_or_whole_read_files_cut_last_line_as_a_fresh_load(
    tmp_path: Path, word_tokenizer: Path, kind: str
) -> None:
    """As above for a file that appeared with no newline at its end, and for a file read whole
    (lm-eval's samples) whose cut last line's error was held back: the last look's result
    lacked the record, or the truncated last line a fresh load lists among the bad lines."""
    data = tmp_path / "data"
    folder = data / "m"
    folder.mkdir(parents=True)
    opts = options(tmp_path, word_tokenizer)
    if kind == "new plain file":
        (folder / "first.jsonl").write_text(line(0, 0), encoding="utf-8")
        follower = Follower([data], opts)
        follower.load()
        (folder / "out.jsonl").write_text(line(1, 0).rstrip("\n"), encoding="utf-8")
    else:
        source = FIXTURES / "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1"
        samples = next(source.glob("samples_toy_math_gen_*.jsonl"))
        lines = samples.read_bytes().splitlines(keepends=True)
        out = folder / samples.name
        out.write_bytes(b"".join(lines[:2]))
        follower = Follower([data], opts)
        follower.load()
        out.write_bytes(b"".join(lines[:2]) + lines[2][:30])
        follower.poll()  # read whole, its cut line held back
    update = follower.poll(last=True)  # the new file: first seen by the last look
    assert update is not None
    assert_same(update.result, [data], opts)


def test_a_followed_plain_files_null_scores_are_one_note_as_a_fresh_read_tells(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A null score's note, as a NaN's: lines appended to a followed file gave a note of their
    own ('on 1 line (3)' beside 'on 1 line (1)'), where a fresh read says 'on 2 lines (1, 3)'."""
    data = tmp_path / "data"
    out = data / "m" / "gen.jsonl"
    out.parent.mkdir(parents=True)

    def line(i: int, score: str) -> bytes:
        return (f'{{"prompt": "p{i}", "gen": "g", "answer": "1", "accuracy": {score}}}\n').encode()

    out.write_bytes(line(0, "null") + line(1, "1"))
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    with out.open("ab") as handle:
        handle.write(line(2, '""') + line(3, "0"))
    follower.poll()
    notes = [n for n in follower.result().notes if "null" in n]
    assert notes == [n for n in load([data], opts).notes if "null" in n]
    assert notes == [
        "m/gen.jsonl: a null or empty score on 2 lines (1, 3), as a grader that gave none (or a"
        " reward function that does not apply) writes: shown unscored"
    ]


@pytest.mark.parametrize("seed", range(6))
def test_a_followed_updates_new_prompts_are_numbered_without_a_query(seed: int) -> None:
    """The sample numbers of a followed update's rows of new prompts (1-40 rows of a few
    prompts and runs, interleaved, some numbered by their reader, null keys among them) equal
    the numbering expression's — each row not numbered its place among its prompt's rows — and
    are made without a polars query; more rows than that go to the expression."""
    import cProfile
    import pstats

    from evaltui.data.follow import numbered_samples

    rng = random.Random(700 + seed)
    for n in [rng.randrange(1, 41) for _ in range(10)] + [300]:
        rows = pl.DataFrame(
            {
                "run": [rng.choice(["a", "b", None]) for _ in range(n)],
                "prompt_id": [rng.choice(["p1", "p2", "p3", None]) for _ in range(n)],
                "gen": [f"text {i}" for i in range(n)],
                "sample": [rng.choice([None, None, None, 0, 5, -1]) for _ in range(n)],
            },
            schema={"run": pl.String, "prompt_id": pl.String, "gen": pl.String, "sample": pl.Int64},
        )
        profile = cProfile.Profile()
        got = profile.runcall(numbered_samples, rows)
        queries = sum(
            calls[1]
            for (_where, _line, name), calls in pstats.Stats(profile).stats.items()  # type: ignore[attr-defined]
            if name == "<method 'collect' of 'builtins.PyLazyFrame' objects>"
        )
        place = pl.int_range(pl.len()).over("run", "prompt_id").cast(pl.Int64)
        want = rows.with_columns(pl.coalesce(pl.col("sample"), place).alias("sample"))
        assert got.schema == want.schema
        assert got.equals(want), (got, want)
        assert queries == (n > 256), (n, queries)
