"""The loader end to end on small data: stats, token lengths, cache, progress, partials, cancel."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import polars as pl
import pytest

from evaltui.data.loader import LoadFailure, LoadOptions, LoadProgress, LoadResult, load
from evaltui.data.metrics import LEGACY_COLUMNS
from tests.conftest import write_jsonl

SIX = [
    {"prompt": "What is 1+1?", "gen": "the answer is 2", "answer": "2", "accuracy": 1.0},
    {"prompt": "What is 1+1?", "gen": "the answer is 3 hmm", "answer": "2", "accuracy": 0.0},
    {"prompt": "What is 2+2?", "gen": "4", "answer": "4", "accuracy": 1},
    {"prompt": "What is 2+2?", "gen": "four is the answer", "answer": "4", "accuracy": True},
    {"prompt": "What is 2+2?", "gen": "it is 4", "answer": "4", "accuracy": "1.0"},
    {"prompt": "Name a prime.", "gen": "7", "answer": "7", "accuracy": 1.0},
]


def options(tmp_path: Path, tokenizer: Path | None = None, **kw: object) -> LoadOptions:
    return LoadOptions(
        model=str(tokenizer) if tokenizer else None, cache_dir=tmp_path / "cache", **kw
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("keep_text", [True, False])
def test_six_record_example(tmp_path: Path, word_tokenizer: Path, keep_text: bool) -> None:
    write_jsonl(tmp_path / "data" / "model_a" / "out.jsonl", SIX[:4])
    write_jsonl(tmp_path / "data" / "model_a" / "out2.jsonl", SIX[4:])
    result = load([tmp_path / "data"], options(tmp_path, word_tokenizer, keep_text=keep_text))
    # Without keep_text the text is dropped once counted (headless), with it the app keeps it.
    assert result.generations["gen"].null_count() == (0 if keep_text else 6)
    stats = result.stats
    assert stats.columns[: len(LEGACY_COLUMNS)] == LEGACY_COLUMNS
    assert stats["prompt"].to_list() == [
        "What is 1+1?",
        "What is 2+2?",
        "Name a prime.",
    ]  # first appearance
    assert stats["count"].to_list() == [2, 3, 1]
    assert stats["total_accuracy_count"].to_list() == [1.0, 3.0, 1.0]
    assert stats["average_accuracy"].to_list() == [0.5, 1.0, 1.0]
    # Word-level tokenizer: a length is the number of words.
    assert stats["gen_lengths"].to_list() == [[4, 5], [1, 4, 3], [1]]
    assert stats["max_gen_length"].to_list() == [5, 4, 1]  # the max, not the first/last
    assert stats["avg_gen_length"].to_list() == [4.5, pytest.approx(8 / 3), 1.0]
    assert stats["min_gen_length"].to_list() == [4, 1, 1]
    assert stats["median_gen_length"].to_list() == [4.5, 3.0, 1.0]
    assert stats["n_correct"].to_list() == [1, 3, 1]
    assert stats["run"].to_list() == ["model_a"] * 3
    assert result.complete and not result.cancelled and result.errors == []
    assert result.generations["sample"].to_list() == [0, 1, 0, 1, 2, 0]


def test_unscored_generations_count_but_stay_out_of_accuracy(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    write_jsonl(
        tmp_path / "d" / "r" / "a.jsonl",
        [
            {"prompt": "p", "gen": "a", "answer": "1", "accuracy": 1},
            {"prompt": "p", "gen": "b", "answer": "1"},
            {"prompt": "q", "gen": "c", "answer": "2", "accuracy": None},
        ],
    )
    stats = load([tmp_path / "d"], options(tmp_path, word_tokenizer)).stats
    assert stats.select("count", "n_scored", "total_accuracy_count", "average_accuracy").rows() == [
        (2, 1, 1.0, 1.0),
        (1, 0, None, None),
    ]


def test_threshold_decides_correctness(tmp_path: Path, word_tokenizer: Path) -> None:
    write_jsonl(
        tmp_path / "d" / "r" / "a.jsonl",
        [{"prompt": "p", "gen": "a", "accuracy": x} for x in (0.3, 0.6, 0.9)],
    )
    assert load([tmp_path / "d"], options(tmp_path, word_tokenizer)).stats[
        "n_correct"
    ].to_list() == [2]
    strict = options(tmp_path, word_tokenizer, correct_threshold=0.8)
    assert load([tmp_path / "d"], strict).stats["n_correct"].to_list() == [1]


def test_runs_from_folders_and_samples_across_shards(tmp_path: Path, word_tokenizer: Path) -> None:
    for run in ("m1", "m2"):
        write_jsonl(
            tmp_path / "d" / run / "shard_1.jsonl", [{"prompt": "p", "gen": "x", "accuracy": 1}]
        )
        write_jsonl(
            tmp_path / "d" / run / "shard_2.jsonl", [{"prompt": "p", "gen": "x y", "accuracy": 0}]
        )
    result = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    assert result.stats.select("run", "count", "average_accuracy").rows() == [
        ("m1", 2, 0.5),
        ("m2", 2, 0.5),
    ]
    assert result.generations.filter(pl.col("run") == "m2")["sample"].to_list() == [0, 1]
    assert [f.source for f in result.files] == [
        "m1/shard_1.jsonl",
        "m1/shard_2.jsonl",
        "m2/shard_1.jsonl",
        "m2/shard_2.jsonl",
    ]


def test_bad_lines_are_collected_across_files(tmp_path: Path, word_tokenizer: Path) -> None:
    write_jsonl(tmp_path / "d" / "r" / "a.jsonl", SIX[:2], raw_lines=["{oops"])
    write_jsonl(tmp_path / "d" / "r" / "b.jsonl", SIX[2:], raw_lines=["[]"])
    (tmp_path / "d" / "r" / "empty.jsonl").write_text("")
    result = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    assert result.generations.height == 6
    assert sorted(str(e).split(":")[0] + ":" + str(e.line) for e in result.errors) == [
        "r/a.jsonl:3",
        "r/b.jsonl:5",
    ]
    assert [(f.source, f.skipped) for f in result.skipped_files] == [
        ("r/empty.jsonl", "empty file")
    ]


def test_missing_path_and_no_matching_files_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(LoadFailure, match="no such file or directory"):
        load([tmp_path / "nope"], options(tmp_path))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "notes.txt").write_text("hi")
    with pytest.raises(LoadFailure, match="no file"):
        load([tmp_path / "d"], options(tmp_path))
    write_jsonl(tmp_path / "e" / "x.jsonl", [{"unrelated": 1}])
    with pytest.raises(LoadFailure, match=r"no readable samples file.*no reader recognises"):
        load([tmp_path / "e"], options(tmp_path))


def test_nothing_readable_says_what_to_do_next(tmp_path: Path) -> None:
    """A folder of an lm-eval run's results file alone (its samples written elsewhere, or not
    with --log_samples) said "no readable samples file (…: lm_eval companion file (no
    samples))" and no more; five unreadable files named three and left the rest unsaid."""
    import shutil

    fixture = Path(__file__).parents[1] / "fixtures" / "app" / "lm_eval_asdiv"
    (results,) = fixture.glob("*/results_*.json")
    (tmp_path / "only").mkdir()
    shutil.copy(results, tmp_path / "only" / results.name)
    with pytest.raises(LoadFailure) as caught:
        load([tmp_path / "only"], options(tmp_path))
    message = str(caught.value)
    assert f"({results.name}: lm_eval companion file (no samples))" in message
    assert message.endswith("pass the folder (or files) holding the samples too")
    for i in range(5):
        (tmp_path / "bad" / f"f{i}.jsonl").parent.mkdir(exist_ok=True)
        (tmp_path / "bad" / f"f{i}.jsonl").write_text("not json\n")
    with pytest.raises(LoadFailure) as caught:
        load([tmp_path / "bad"], options(tmp_path))
    message = str(caught.value)
    assert "f2.jsonl: none of its 1 lines is valid JSON" in message and "f3.jsonl" not in message
    assert "; and 2 more files): 'evaltui formats' lists what each reader reads" in message


def test_bad_tokenizer_is_a_load_failure(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "d" / "r" / "a.jsonl", SIX)
    with pytest.raises(LoadFailure, match="hub id"):
        load([tmp_path / "d"], LoadOptions(model="org/not-local", cache_dir=tmp_path / "c"))


def test_pattern_and_file_paths(tmp_path: Path, word_tokenizer: Path) -> None:
    write_jsonl(tmp_path / "d" / "r" / "inference_1.jsonl", SIX[:2])
    write_jsonl(tmp_path / "d" / "r" / "other.jsonl", SIX[2:])
    picked = load([tmp_path / "d"], options(tmp_path, word_tokenizer, pattern="inference_*.jsonl"))
    assert picked.generations.height == 2
    single = load([tmp_path / "d" / "r" / "other.jsonl"], options(tmp_path, word_tokenizer))
    assert single.generations.height == 4


def test_cache_hit_miss_and_invalidation(tmp_path: Path, word_tokenizer: Path) -> None:
    data = write_jsonl(tmp_path / "d" / "r" / "a.jsonl", SIX)
    first = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    second = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    assert (first.cache_hits, second.cache_hits) == (0, 1)
    assert second.stats.equals(first.stats)
    # Another tokenizer misses (different fingerprint) and gives other lengths.
    other = load([tmp_path / "d"], options(tmp_path, None))
    assert other.cache_hits == 0
    # A changed file misses, and its new lengths are right.
    write_jsonl(data, [*SIX, {"prompt": "new", "gen": "a b c d e f g h", "accuracy": 1}])
    os.utime(data, ns=(1, 1))  # a different mtime even on coarse-clock file systems
    changed = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    assert changed.cache_hits == 0
    assert changed.stats["max_gen_length"].to_list()[-1] == 8
    # A corrupt entry is ignored and rebuilt.
    for entry in (tmp_path / "cache").rglob("*.npy"):
        entry.write_bytes(b"\x93NUMPY garbage")
    rebuilt = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    assert rebuilt.cache_hits == 0 and rebuilt.stats.equals(changed.stats)
    assert load([tmp_path / "d"], options(tmp_path, word_tokenizer)).cache_hits == 1
    # --no-cache neither reads nor writes.
    assert (
        load([tmp_path / "d"], options(tmp_path, word_tokenizer, use_cache=False)).cache_hits == 0
    )


def test_progress_partials_and_cancel(tmp_path: Path, word_tokenizer: Path) -> None:
    for i in range(4):
        write_jsonl(
            tmp_path / "d" / "r" / f"f{i}.jsonl",
            [{"prompt": f"p{i}", "gen": "w " * 50, "accuracy": 1}] * 20,
        )
    seen: list[LoadProgress] = []
    partials: list[LoadResult] = []
    result = load(
        [tmp_path / "d"],
        options(tmp_path, word_tokenizer, batch_chars=500),
        on_progress=seen.append,
        on_partial=partials.append,
        partial_interval=0.0,
    )
    assert (
        seen[-1].stage == "done"
        and seen[-1].generations_tokenized == 80
        and seen[-1].tokens == 80 * 50
    )
    assert {p.stage for p in seen} >= {"reading", "tokenizing", "done"}
    # The first partial has every row with accuracy but no lengths yet; lengths fill in later.
    assert partials[0].stats["average_accuracy"].to_list() == [1.0] * 4
    assert partials[0].generations["gen_length"].null_count() == 80 and not partials[0].complete
    assert result.complete and result.generations["gen_length"].null_count() == 0

    cancel = threading.Event()

    def stop_when_tokenizing(progress: LoadProgress) -> None:
        if progress.stage == "tokenizing":
            cancel.set()

    stopped = load(
        [tmp_path / "d"],
        options(tmp_path, word_tokenizer, batch_chars=500, use_cache=False),
        on_progress=stop_when_tokenizing,
        cancelled=cancel,
    )
    assert stopped.cancelled and not stopped.complete
    assert stopped.stats.height == 4  # what was read is still there to look at
    assert stopped.generations["gen_length"].null_count() > 0


def test_warm_run_never_loads_the_tokenizer(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_jsonl(tmp_path / "d" / "r" / "a.jsonl", SIX)
    cold = load([tmp_path / "d"], options(tmp_path, word_tokenizer))
    from evaltui.data import tokens

    def refuse(_self: object) -> None:
        raise AssertionError("the tokenizer was loaded on a warm run")

    monkeypatch.setattr(tokens.TokenizerSpec, "load", refuse)
    for keep_text in (True, False):
        warm = load([tmp_path / "d"], options(tmp_path, word_tokenizer, keep_text=keep_text))
        assert warm.cache_hits == 1 and warm.stats.drop("prompt").equals(cold.stats.drop("prompt"))
        assert warm.tokenizer == str(word_tokenizer)


def test_headless_warm_run_reuses_rows_and_still_reports_bad_lines(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_jsonl(tmp_path / "d" / "r" / "a.jsonl", SIX, raw_lines=["{broken"])
    headless = options(tmp_path, word_tokenizer, keep_text=False)
    cold = load([tmp_path / "d"], headless)
    from evaltui.data.formats.plain import PlainReader

    def refuse(*_a: object) -> None:
        raise AssertionError("the file was parsed again on a warm headless run")

    with monkeypatch.context() as patch:
        patch.setattr(PlainReader, "read", refuse)
        warm = load([tmp_path / "d"], headless)
    assert warm.cache_hits == 1 and warm.stats.equals(cold.stats)
    assert (
        [str(e) for e in warm.errors]
        == [str(e) for e in cold.errors]
        == [
            "r/a.jsonl:7: not valid JSON: Expecting property name enclosed in double quotes at column 2"
        ]
    )
    # The rows are cached without their text (a warm headless run never reads it).
    entries = list((tmp_path / "cache").rglob("*.arrow"))
    assert entries and all(pl.read_ipc(e).get_column("gen").null_count() == 6 for e in entries)
    # A damaged rows entry is a miss: the file is parsed again, with the same result.
    for entry in (tmp_path / "cache").rglob("*.arrow"):
        entry.write_bytes(b"not arrow")
    again = load([tmp_path / "d"], headless)
    assert again.stats.equals(cold.stats) and len(again.errors) == 1


def test_a_stats_snapshot_is_keyed_by_the_code_that_counted_its_stats(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm load serves the stats snapshot of the last load; its key held the readers' code
    only, so a change to how a stat is counted (metrics, sampling, summary) was served stale
    until someone remembered to move SNAPSHOT_FORMAT. The whole data layer is in the key now;
    the rows and lengths entries keep theirs (nothing is read or counted again)."""
    import shutil

    import evaltui.data
    from evaltui.data import cache, loader

    source = Path(evaltui.data.__file__).resolve().parent
    copy = tmp_path / "data"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.stats_code_version_of(copy)
    assert before == cache.stats_code_version_of(source) == cache.stats_code_version()
    rows_before = cache.code_version(copy)
    metrics_py = copy / "metrics.py"
    metrics_py.write_text(metrics_py.read_text(encoding="utf-8") + "\n# a stat counted anew\n")
    assert cache.stats_code_version_of(copy) != before
    assert cache.code_version(copy) == rows_before

    for name in ("a", "b"):
        write_jsonl(tmp_path / "d" / "r" / f"{name}.jsonl", SIX)
    opts = options(tmp_path, word_tokenizer)
    cold = load([tmp_path / "d"], opts)
    warm = load([tmp_path / "d"], opts)
    assert warm.from_snapshot and warm.stats.equals(cold.stats)
    with monkeypatch.context() as patch:
        patch.setattr(loader, "stats_code_version", lambda: "other stats code")
        changed = load([tmp_path / "d"], opts)
    # No snapshot of this code: the stats built again, from the cached rows and lengths.
    assert not changed.from_snapshot and changed.cache_hits == 2
    assert changed.stats.equals(cold.stats)


@pytest.mark.parametrize("on_demand", [True, False])
def test_a_warm_load_builds_its_stats_once(
    tmp_path: Path, word_tokenizer: Path, on_demand: bool
) -> None:
    """Every length cached: no partial result (each costs a whole stats build, seconds at 1M
    prompts) before the complete one, whether the rows come from the cache or are parsed."""
    for name in ("a", "b", "c"):
        write_jsonl(tmp_path / "d" / "r" / f"{name}.jsonl", SIX)
    opts = options(tmp_path, word_tokenizer, text_on_demand=on_demand)
    cold_partials: list[LoadResult] = []
    cold = load([tmp_path / "d"], opts, on_partial=cold_partials.append, partial_interval=0)
    assert cold.cache_hits == 0 and cold_partials  # accuracy first, lengths later
    partials: list[LoadResult] = []
    warm = load([tmp_path / "d"], opts, on_partial=partials.append, partial_interval=0)
    assert warm.cache_hits == 3 and warm.stats.equals(cold.stats)
    # The one partial result is the cache's snapshot of the stats (no build); no other.
    assert len(partials) == 1 and partials[0].generations_pending and warm.from_snapshot
    # Rows from the cache hold no text (read back when needed); parsed rows hold it.
    assert warm.generations["gen"].null_count() == (warm.generations.height if on_demand else 0)


def test_cached_rows_are_keyed_by_the_code_that_read_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reader fix (a new label, an extracted answer) was invisible on a warm cache: rows were
    # keyed by file, reader name and options only. The hash of the row-making code is in the key.
    import shutil

    import evaltui.data
    from evaltui.data import cache

    source = Path(evaltui.data.__file__).resolve().parent
    copy = tmp_path / "data"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_version(copy)
    assert before == cache.code_version(source) == cache.rows_code_version()
    plain = copy / "formats" / "plain.py"
    plain.write_text(plain.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.code_version(copy) != before
    (copy / "metrics.py").write_text("# not row code\n", encoding="utf-8")
    plain.write_text(plain.read_text(encoding="utf-8").removesuffix("\n# changed\n"))
    assert cache.code_version(copy) == before

    store = cache.Cache(tmp_path / "c")
    sample = write_jsonl(tmp_path / "m" / "a.jsonl", [{"prompt": "p", "gen": "g", "answer": "1"}])
    key = store.key("fp", sample, "plain", "")
    with monkeypatch.context() as patch:
        patch.setattr(cache, "rows_code_version", lambda: "other code")
        assert store.key("fp", sample, "plain", "") != key
    assert store.key("fp", sample, "plain", "") == key


def test_a_file_named_with_a_superscript_digit_loads(tmp_path: Path) -> None:
    """'²' is a digit to str.isdigit but no number to int: a file run1².jsonl stopped the whole
    load (ValueError in the files' natural order), and a bad line whose reason held '10²' the
    bad lines screen's order."""
    from evaltui.app.screens.problems import _place_key
    from evaltui.data.schema import LoadError

    record = {"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}
    write_jsonl(tmp_path / "evals" / "run1².jsonl", [record])
    write_jsonl(tmp_path / "evals" / "run2.jsonl", [record])
    result = load([tmp_path / "evals"], LoadOptions(tokenize=False, use_cache=False))
    assert sorted(f.source for f in result.read_files) == ["run1².jsonl", "run2.jsonl"]
    errors = [LoadError("a.eval", None, f"sample {n}² failed") for n in (10, 2)]
    ordered = sorted(errors, key=_place_key(lambda: None))
    assert [e.reason for e in ordered] == ["sample 2² failed", "sample 10² failed"]
