"""Exports of a view: original records byte for byte, CSV/Parquet, combined JSON; and the CLI twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.export import export_view, kind_for_path, write_combined_json
from evaltui.data.loader import LoadOptions, load
from evaltui.data.query import View

LINES = [
    '{"prompt": "hard", "gen": "wrong 答案 🙂", "answer": "1", "accuracy": 0}',
    '{"prompt": "easy", "gen": "right", "answer": "2", "accuracy": 1}',
    '{"prompt":"hard","gen":["a","b"],"answer":"1","accuracy":[0,0]}',
    '{"prompt": "easy", "gen": "right again", "answer": "2", "accuracy": 1}',
]


@pytest.fixture
def loaded(tmp_path: Path, word_tokenizer: Path) -> Any:
    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    # CRLF endings and an odd spacing style: records must come back exactly as written.
    # Two passes of one run over the same prompts.
    (folder / "out_0.jsonl").write_bytes(("\r\n".join(LINES[:2]) + "\r\n").encode())
    (folder / "out_1.jsonl").write_bytes(("\n".join(LINES[2:]) + "\n").encode())
    return load([tmp_path / "d"], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "c"))


def test_records_of_a_filtered_view_are_the_original_lines(loaded: Any, tmp_path: Path) -> None:
    view = View(where="average_accuracy < 0.5").apply(loaded.stats)
    out = tmp_path / "hard.jsonl"
    summary = export_view("records", view, loaded.generations, loaded.files, out)
    assert (summary.prompts, summary.records) == (1, 2)  # one record holds two generations
    assert out.read_bytes().decode().splitlines() == [LINES[0], LINES[2]]


def test_stats_as_csv_parquet_and_combined_json(loaded: Any, tmp_path: Path) -> None:
    view = View(where="count >= 2").apply(loaded.stats)
    export_view("csv", view, loaded.generations, loaded.files, tmp_path / "s.csv")
    csv = pl.read_csv(tmp_path / "s.csv")
    assert csv["prompt"].to_list() == ["hard", "easy"] and csv["gen_lengths"].to_list() == [
        "3 1 1",
        "1 2",
    ]
    export_view("parquet", view, loaded.generations, loaded.files, tmp_path / "s.parquet")
    assert pl.read_parquet(tmp_path / "s.parquet").equals(view)
    export_view("combined", view, loaded.generations, loaded.files, tmp_path / "s.json")
    assert [r["count"] for r in json.loads((tmp_path / "s.json").read_text())] == [3, 2]


def test_kind_from_suffix() -> None:
    assert [kind_for_path(p) for p in ("a.csv", "a.PARQUET", "a.jsonl", "a.json", "a")] == [
        "csv",
        "parquet",
        "records",
        "combined",
        "combined",
    ]


def test_cli_export(tmp_path: Path, word_tokenizer: Path, capsys: Any) -> None:
    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "hard.jsonl"
    assert (
        main(
            [
                "export",
                str(tmp_path / "d"),
                "--quick",
                "never",
                "--records",
                "-o",
                str(out),
                *common,
            ]
        )
        == 0
    )
    assert out.read_text(encoding="utf-8").splitlines() == [LINES[0], LINES[2]]
    assert "wrote 2 records of 1 prompt to" in capsys.readouterr().err  # was "of 1 prompts"
    # An existing file is not overwritten without --force.
    assert main(["export", str(tmp_path / "d"), "--records", "-o", str(out), *common]) == 2
    assert out.read_text(encoding="utf-8").splitlines() == [LINES[0], LINES[2]]
    assert (
        main(["export", str(tmp_path / "d"), "--records", "-o", str(out), "--force", *common]) == 0
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    # A bad expression: exit 2, the reason and a caret under the place.
    code = main(
        [
            "export",
            str(tmp_path / "d"),
            "--where",
            "count >> 2",
            "-o",
            str(tmp_path / "x.csv"),
            *common,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--where: expected a column name or a value, found '>'" in err
    assert err.rstrip().endswith("  count >> 2\n         ^")  # under the second ">"
    assert not (tmp_path / "x.csv").exists()
    assert (
        main(
            [
                "export",
                str(tmp_path / "d"),
                "--where",
                "count > 2",
                "-o",
                str(tmp_path / "x.csv"),
                *common,
            ]
        )
        == 0
    )
    assert pl.read_csv(tmp_path / "x.csv")["prompt"].to_list() == ["hard"]
    # --quick disagree before any re-score: said so, under its own flag (it was '--where: cannot
    # evaluate this filter: unable to find column "n_flipped"; valid columns: [...]'), and
    # before the load: export runs no re-score, so it can never hold (it was said once every
    # file was read, pointing at a --rescore that export does not have).
    capsys.readouterr()
    import evaltui.data.loader

    def no_load(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the inputs were loaded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(evaltui.data.loader, "load", no_load)
        code = main(["export", str(tmp_path / "d"), "--quick", "disagree", "-o", "-", *common])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("evaltui: error: --quick: 'disagree' needs a re-score")
    assert "which export does not run: evaltui rescore PATH --scorer NAME -o FILE" in err
    assert "valid columns" not in err and err.count("\n") == 1


def test_a_failed_export_leaves_the_existing_file_and_no_temp(loaded: Any, tmp_path: Path) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_text("old\n")
    view = View().apply(loaded.stats)
    # No file reports: the records cannot be re-read, so the writer raises inside atomic_open.
    with pytest.raises(ValueError, match="no longer known"):
        export_view("records", view, loaded.generations, [], out)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")) == []


def test_an_export_to_a_folder_fails_before_any_work(loaded: Any, tmp_path: Path) -> None:
    # A folder as the output path: one clear error, before a temp file is made beside it.
    folder = tmp_path / "out"
    folder.mkdir()
    view = View().apply(loaded.stats)
    with pytest.raises(IsADirectoryError, match="a folder, not a file"):
        export_view("csv", view, loaded.generations, loaded.files, folder)
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob(".out.*"))


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_cli_export_to_a_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: list[str]
) -> None:
    # Was: "exists (use --force to overwrite)", and with --force an error naming a temp file.
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "a.jsonl").write_text(LINES[0] + "\n", encoding="utf-8")
    assert main(["export", str(tmp_path / "run"), "-o", str(tmp_path), *force]) == 2
    assert f"{tmp_path} is a folder: give a file path" in capsys.readouterr().err


def _python_combined(stats: pl.DataFrame) -> bytes:
    """The combined JSON as the Python encoder writes it (the reference the fast writer keeps)."""
    from evaltui.data.export import combined_records, json_safe, json_text

    return (
        json_text(json_safe(combined_records(stats)), indent=2, allow_nan=False) + "\n"
    ).encode()


def test_combined_json_column_writer_is_byte_identical_to_the_python_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import evaltui.data.export as export

    every_escape = "".join(chr(c) for c in range(0xA2)) + '"\\ \u061c\u200b\u200e\u2028\u202e'
    stats = pl.DataFrame(
        {
            "prompt": [every_escape + "\u2066\ufeff 答案 🙂 \U0010ffff", "", None, "plain", "x"],
            "answer": ["a", None, "b", "c", "[/]"],
            "count": pl.Series([1, 2, None, 4294967295, 0], dtype=pl.UInt32),
            "total_accuracy_count": [0.1, -0.0, float("nan"), float("inf"), 0.0],
            "average_accuracy": [1e-05, 1e16, 1e22, None, 123456789.125],
            "avg_gen_length": [
                5e-324,
                1.7976931348623157e308,
                -float("inf"),
                0.30000000000000004,
                2.5,
            ],
            "gen_lengths": pl.Series([[1, 2], [], None, [3, None], [7]], dtype=pl.List(pl.UInt32)),
            "run": ["r"] * 5,
            "ngram": pl.Series([0.3, None, 1.5, float("nan"), 2.0], dtype=pl.Float32),
            "flag": [True, False, None, True, False],
            "big": pl.Series([-(2**63), 2**63 - 1, None, 0, 1], dtype=pl.Int64),
            "nothing": pl.Series([None] * 5, dtype=pl.Null),
            "bools": pl.Series([[True], [], None, [False, None], []], dtype=pl.List(pl.Boolean)),
            "pass@1": [1.0, 2.0, 3.0, 4.0, 5.0],
            'odd "key"\n': ["v"] * 5,
        }
    )
    expected = _python_combined(stats)
    assert write_combined_json(stats, tmp_path / "a.json").read_bytes() == expected
    # Across chunk boundaries (every chunk size up to the whole frame), and with no rows.
    for size in (1, 2, 3, 5):
        monkeypatch.setattr(export, "_ROWS_PER_CHUNK", size)
        assert write_combined_json(stats, tmp_path / "b.json").read_bytes() == expected
    empty = stats.head(0)
    assert write_combined_json(empty, tmp_path / "c.json").read_bytes() == _python_combined(empty)
    # A column type the column writer does not know goes through the Python encoder, whole.
    odd = stats.select("run", pl.Series("when", [[1.5], [], None, [2.0], [0.1]]))
    assert write_combined_json(odd, tmp_path / "d.json").read_bytes() == _python_combined(odd)
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))[0]["prompt"].startswith(
        "\x00\x01"
    )


def _generated_stats(rows: int, seed: int) -> pl.DataFrame:
    """Random stats with every kind of value the combined JSON meets: any unicode (controls,
    C1, bidi, zero-width, astral), quotes and backslashes, NaN/infinities/-0.0/subnormals and
    nulls, integers at their types' limits, empty and null lists."""
    import random

    rng = random.Random(seed)
    alphabet = [*map(chr, range(0xA2)), *'"\\', "\u061c", "\u200b", "\u2028", "\u202e"]
    alphabet += ["\u2066", "\ufeff", "答", "é", "🙂", "\U0010ffff", "\ud7ff", "\ue000"]

    def text() -> str | None:
        if rng.random() < 0.05:
            return None
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))

    specials = [float("nan"), float("inf"), -float("inf"), -0.0, 0.0, 5e-324, 1e16, 1e22]
    specials += [0.1 + 0.2, 1.7976931348623157e308, 1 / 3, 123456789.125]

    def number() -> float | None:
        pick = rng.random()
        if pick < 0.05:
            return None
        if pick < 0.35:
            return rng.choice(specials)
        return rng.choice([rng.random(), rng.uniform(-1e6, 1e6), float(rng.randrange(100))])

    def ints(low: int, high: int) -> list[int | None]:
        edges = [low, high, 0, 1]
        return [
            None if rng.random() < 0.05 else rng.choice([*edges, rng.randint(low, high)])
            for _ in range(rows)
        ]

    return pl.DataFrame(
        {
            "prompt": [text() for _ in range(rows)],
            "answer": [text() for _ in range(rows)],
            "count": pl.Series(ints(0, 2**32 - 1), dtype=pl.UInt32),
            "average_accuracy": [number() for _ in range(rows)],
            "avg_gen_length": [number() for _ in range(rows)],
            "gen_lengths": pl.Series(
                [
                    None
                    if rng.random() < 0.05
                    else [rng.choice([None, 0, 2**64 - 1, rng.randrange(10**6)]) for _ in range(n)]
                    for n in (rng.randrange(0, 5) for _ in range(rows))
                ],
                dtype=pl.List(pl.UInt64),
            ),
            "run": [text() for _ in range(rows)],
            "ratio": pl.Series([number() for _ in range(rows)], dtype=pl.Float32),
            "huge": pl.Series(ints(0, 2**64 - 1), dtype=pl.UInt64),
            "signed": pl.Series(ints(-(2**63), 2**63 - 1), dtype=pl.Int64),
            "flag": [None if rng.random() < 0.1 else rng.random() < 0.5 for _ in range(rows)],
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_combined_json_pipelined_writer_matches_the_python_encoder_on_generated_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # Many small chunks: each is written by the writer thread while the next is built.
    import io

    import evaltui.data.export as export

    stats = _generated_stats(500, seed)
    expected = _python_combined(stats)
    json.loads(expected)  # the reference itself is strict JSON
    for size in (7, 499, 500, 10_000):
        monkeypatch.setattr(export, "_ROWS_PER_CHUNK", size)
        assert write_combined_json(stats, tmp_path / "g.json").read_bytes() == expected
        buffer = io.BytesIO()  # not a file: nothing to sync, same bytes
        export.write_combined_json_to(stats, buffer)
        assert buffer.getvalue() == expected


def test_combined_json_values_the_same_on_every_row_of_a_chunk_keep_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A value the same on every row of a chunk is written once into the chunk's template:
    # -0.0 and 0.0 apart, NaN, infinities, strings to escape, categoricals, all-null columns of
    # every type, columns the same in one chunk and not in the next.
    import evaltui.data.export as export

    rows = 6
    stats = pl.DataFrame(
        {
            "prompt": ['a"b\n\u2028' + "\x7f"] * rows,
            "zero": [0.0] * 3 + [-0.0] * 3,
            "nan": [float("nan")] * rows,
            "inf": [-float("inf")] * 4 + [float("inf")] * 2,
            "tiny": [1e-300] * rows,
            "f32": pl.Series([0.1] * rows, dtype=pl.Float32),
            "no_float": pl.Series([None] * rows, dtype=pl.Float64),
            "no_text": pl.Series([None] * rows, dtype=pl.String),
            "no_list": pl.Series([None] * rows, dtype=pl.List(pl.UInt32)),
            "no_flag": pl.Series([None] * rows, dtype=pl.Boolean),
            "some_null": [1, 1, 1, None, None, None],
            "cat": pl.Series(["x{}", "x{}", "x{}", "y", "y", "y"], dtype=pl.Categorical),
            "enum": pl.Series(["b"] * rows, dtype=pl.Enum(["a", "b"])),
            "flag": [True, True, True, True, False, True],
            "big": pl.Series([2**64 - 1] * rows, dtype=pl.UInt64),
            "same_lists": pl.Series([[1, 2]] * rows, dtype=pl.List(pl.UInt32)),
            "empty": pl.Series([[]] * rows, dtype=pl.List(pl.Int8)),
            # lists all of one length are written item by item
            "pairs": pl.Series([[i, 2**64 - 1 - i] for i in range(rows)], dtype=pl.List(pl.UInt64)),
            "wide": pl.Series(
                [list(range(i, i + 17)) for i in range(rows)], dtype=pl.List(pl.Int32)
            ),
            "bool_pairs": pl.Series([[i % 2 == 0, True] for i in range(rows)]),
            "ragged": pl.Series([[1], [1, 2]] * 3, dtype=pl.List(pl.UInt32)),
            "run": ["r"] * rows,
        }
    )
    expected = _python_combined(stats)
    for size in (1, 2, 3, 4, 6):
        monkeypatch.setattr(export, "_ROWS_PER_CHUNK", size)
        assert write_combined_json(stats, tmp_path / "s.json").read_bytes() == expected
    every_row_the_same = stats.select("prompt", "nan", "tiny", "enum", "no_text", "run")
    assert write_combined_json(
        every_row_the_same, tmp_path / "t.json"
    ).read_bytes() == _python_combined(every_row_the_same)


@pytest.mark.parametrize("polars_text", [True, False])
def test_combined_json_floats_of_every_magnitude_are_written_as_python_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, polars_text: bool
) -> None:
    # polars writes the plain ones (1e-4 <= |x| < 1e16, zeros), Python the rest; any bit
    # pattern (subnormals, NaN payloads, infinities) and the values on both sides of the bounds.
    import math

    import numpy as np

    import evaltui.data.export as export

    if not polars_text:  # a polars that writes floats its own way: Python writes them all
        monkeypatch.setattr(export, "_polars_floats_are_repr", lambda: False)
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, 20_000, dtype=np.uint64, endpoint=False)
    edges = []
    for bound in (1e-4, 1e16, 1e-5, 1e15, 1.0, 5e-324, 1.7976931348623157e308):
        for sign in (1.0, -1.0):
            edges.append(sign * bound)
            edges += [math.nextafter(sign * bound, target) for target in (0.0, sign * math.inf)]
    scale = 10.0 ** rng.integers(0, 6, 5_000)
    values = np.concatenate(
        [
            bits.view(np.float64),
            10.0 ** rng.uniform(-6, 18, 20_000),
            np.round(rng.uniform(0, 1000, 5_000) * scale) / scale,  # few digits
            edges,
        ]
    )
    stats = pl.DataFrame({"value": values, "negative": -values})
    expected = _python_combined(stats)
    monkeypatch.setattr(export, "_ROWS_PER_CHUNK", 9_999)
    assert write_combined_json(stats, tmp_path / "f.json").read_bytes() == expected


def test_combined_json_text_bytes_read_in_place_only_when_rows_lie_back_to_back() -> None:
    # The objects' bytes are read where polars keeps them (no copy) when consecutive rows lie
    # back to back in its buffers; any other layout is copied out: the bytes are the same.
    import pyarrow as pa

    import evaltui.data.export as export

    words = [f"object {i} " + "é" * (i % 7) + "x" * 20 for i in range(3000)]
    built = pl.select(pl.concat_str(pl.lit("<"), pl.Series(words), pl.lit(">"))).to_series()
    expected = "".join(f"<{w}>" for w in words).encode()
    arrow = built.to_arrow(compat_level=pl.CompatLevel.newest())
    assert arrow.type == pa.string_view()
    assert export._view_runs(arrow) is not None  # read in place
    cases = {
        "built": (built, expected),
        "reversed": (built.reverse(), "".join(f"<{w}>" for w in reversed(words)).encode()),
        "short": (pl.Series(["ab", "c" * 12, "d" * 13]), ("ab" + "c" * 12 + "d" * 13).encode()),
        "sliced": (built.slice(5, 7), "".join(f"<{w}>" for w in words[5:12]).encode()),
        "chunks": (
            pl.concat([built.slice(0, 3), built.reverse().slice(0, 2)], rechunk=False),
            "".join(f"<{w}>" for w in [*words[:3], *words[:-3:-1]]).encode(),
        ),
        "empty": (built.head(0), b""),
    }
    for name, (texts, want) in cases.items():
        assert b"".join(export._text_bytes(texts)) == want, name
    reversed_arrow = built.reverse().to_arrow(compat_level=pl.CompatLevel.newest())
    assert export._view_runs(reversed_arrow) is None


def _writer_threads() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name == "evaltui-json-writer"]


def test_combined_json_write_error_in_the_writer_thread_is_raised_and_nothing_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the page cache (no O_DIRECT): the third chunk's fdatasync finds the disk full.
    import errno
    import os

    import evaltui.data.export as export

    monkeypatch.setattr(export, "_ROWS_PER_CHUNK", 10)
    monkeypatch.setattr(export, "_O_DIRECT", 0)
    stats = _generated_stats(100, 4)
    synced: list[int] = []

    def full_disk(fd: int) -> None:
        synced.append(fd)
        if len(synced) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export, "_datasync", full_disk)
    target = tmp_path / "c.json"
    target.write_text("previous")
    with pytest.raises(OSError, match="No space left"):
        write_combined_json(stats, target)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json"]  # no temp file, no manifest
    assert _writer_threads() == []
    assert len(synced) == 3  # the first error stops the writing; the rest was drained, unwritten


def test_combined_json_direct_write_error_is_raised_and_nothing_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Direct writes (a small aligned buffer: many of them): the third finds the disk full.
    import errno
    import os

    import evaltui.data.export as export

    monkeypatch.setattr(export, "_ROWS_PER_CHUNK", 10)
    monkeypatch.setattr(export, "_STAGING_BYTES", 2 * export._DIRECT_BLOCK)
    stats = _generated_stats(100, 4)
    writes: list[int] = []
    modes: list[bool] = []
    set_direct = export._set_direct

    def full_disk(fd: int, data: memoryview) -> int:
        writes.append(len(data))
        if len(writes) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.write(fd, data)

    def record(fd: int, on: bool) -> bool:
        modes.append(on and set_direct(fd, on))
        return modes[-1] if on else set_direct(fd, on)

    monkeypatch.setattr(export, "_os_write", full_disk)
    monkeypatch.setattr(export, "_set_direct", record)
    target = tmp_path / "c.json"
    target.write_text("previous")
    with pytest.raises(OSError, match="No space left"):
        write_combined_json(stats, target)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json"]
    assert _writer_threads() == []
    assert len(writes) == 3
    if modes[0]:  # the file system took O_DIRECT: whole aligned blocks were written
        assert writes[:2] == [2 * export._DIRECT_BLOCK] * 2


@pytest.mark.parametrize("staging_blocks", [1, 3, 64])
def test_combined_json_written_directly_or_through_the_page_cache_has_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staging_blocks: int
) -> None:
    # Direct writes of whole blocks with the tail through the page cache, a file system that
    # refuses O_DIRECT (EINVAL) mid-way, and no O_DIRECT at all: the same bytes.
    import errno
    import os

    import evaltui.data.export as export

    monkeypatch.setattr(export, "_ROWS_PER_CHUNK", 7)
    monkeypatch.setattr(export, "_STAGING_BYTES", staging_blocks * export._DIRECT_BLOCK)
    stats = _generated_stats(300, 6)
    expected = _python_combined(stats)
    assert write_combined_json(stats, tmp_path / "d.json").read_bytes() == expected
    calls = 0

    def refuses_later(fd: int, data: memoryview) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            import fcntl

            if fcntl.fcntl(fd, fcntl.F_GETFL) & export._O_DIRECT:
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return os.write(fd, data)

    # a file that does not start on a block boundary is written through the page cache
    with (tmp_path / "g.json").open("wb") as handle:
        handle.write(b"x")
        export.write_combined_json_to(stats, handle)
    assert (tmp_path / "g.json").read_bytes() == b"x" + expected
    monkeypatch.setattr(export, "_os_write", refuses_later)
    assert write_combined_json(stats, tmp_path / "e.json").read_bytes() == expected
    monkeypatch.setattr(export, "_O_DIRECT", 0)
    assert write_combined_json(stats, tmp_path / "f.json").read_bytes() == expected


def test_combined_json_encoding_error_mid_way_stops_the_writer_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import evaltui.data.export as export

    monkeypatch.setattr(export, "_ROWS_PER_CHUNK", 10)
    stats = _generated_stats(100, 5)
    built = 0
    encode = export._encode

    def fail_at_the_fourth_chunk(frame: pl.DataFrame) -> list[memoryview]:
        nonlocal built
        built += 1
        if built == 4:
            raise MemoryError("out of memory")
        return encode(frame)

    monkeypatch.setattr(export, "_encode", fail_at_the_fourth_chunk)
    target = tmp_path / "c.json"
    target.write_text("previous")
    with pytest.raises(MemoryError):
        write_combined_json(stats, target)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json"]
    assert _writer_threads() == []


def test_combined_json_of_loaded_stats_matches_the_python_encoder(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    result = load([sample], LoadOptions(tokenize=False, use_cache=False))
    assert result.stats.height > 0
    out = write_combined_json(result.stats, tmp_path / "s.json")
    assert out.read_bytes() == _python_combined(result.stats)


def test_the_export_summary_counts_in_the_right_number_with_separators() -> None:
    """The app's "exported" line said "wrote 16000 records of 2000 prompts" (no separators, as
    every other count has) and the CLI "of 1 prompts"."""
    from evaltui.data.export import ExportSummary

    assert str(ExportSummary(Path("r.jsonl"), "records", 2_000, 16_000, [])) == (
        "wrote 16,000 records of 2,000 prompts to r.jsonl"
    )
    assert str(ExportSummary(Path("v.json"), "combined", 1, 1, [])) == "wrote 1 prompt to v.json"
    # rows of several runs are rows (run × prompt), as the app counts them: 120 rows of 60
    # prompts × 2 runs were "120 prompts"
    assert str(ExportSummary(Path("v.json"), "combined", 120, 120, [], runs=2)) == (
        "wrote 120 rows (run × prompt) to v.json"
    )


FORMATS = Path(__file__).parent.parent / "fixtures" / "formats"


def test_a_records_export_says_which_records_are_not_the_input_lines(tmp_path: Path) -> None:
    # SkyThought's results.json is one JSON document: its records are its entries, re-encoded
    # one per line. The export said "wrote 3 records" as for JSON lines copied unchanged, and a
    # user fed the file back to evaltui (or to SkyThought) to find it read as nothing.
    sky = load([FORMATS / "skythought" / "results"], LoadOptions(tokenize=False, use_cache=False))
    out = tmp_path / "sky.jsonl"
    summary = export_view("records", sky.stats, sky.generations, sky.files, out)
    assert "re-encoded as a JSON line" in str(summary)
    assert "which evaltui reads back as skythought" in str(summary)
    manifest = json.loads((tmp_path / "sky.jsonl.evaltui.json").read_text(encoding="utf-8"))
    assert all("re-encoded" in s["form"] for s in manifest["evaltui"]["sources"])
    # every line is one entry of the input document, JSON-equal
    (document,) = [f.path for f in sky.files if f.format == "skythought"]
    entries = json.loads(Path(document).read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (
        lines == [{k: v} for k, v in entries.items()][: len(lines)]
        and len(lines) == sky.stats.height
    )
    # read back by name, they are the same prompts, scores and generations
    again = load([out], LoadOptions(tokenize=False, use_cache=False))
    assert again.errors == [] and again.skipped_files == []
    keys = ["prompt", "answer", "count", "total_accuracy_count", "average_accuracy", "pass@1"]
    assert sorted(again.stats.select(keys).rows()) == sorted(sky.stats.select(keys).rows())
    gens = ["prompt", "sample", "gen", "accuracy"]
    assert sorted(again.generations.select(gens).rows()) == sorted(
        sky.generations.select(gens).rows()
    )
    # and exported again, the lines are that file's own, byte for byte
    summary = export_view(
        "records", again.stats, again.generations, again.files, tmp_path / "2.jsonl"
    )
    assert str(summary) == f"wrote 3 records of 3 prompts to {tmp_path / '2.jsonl'}"
    assert (tmp_path / "2.jsonl").read_bytes() == out.read_bytes()

    # OpenCompass predictions: re-encoded too, read back scored by the results' details kept
    oc = load([FORMATS / "opencompass" / "outputs"], LoadOptions(tokenize=False, use_cache=False))
    summary = export_view("records", oc.stats, oc.generations, oc.files, tmp_path / "oc.jsonl")
    assert (
        "which evaltui reads back as opencompass, scored by its results' details where the"
        " manifest keeps them" in str(summary)
    )

    # JSON lines are copied byte for byte: nothing to say, and the manifest says so (null)
    plain = load([FORMATS / "plain"], LoadOptions(tokenize=False, use_cache=False))
    summary = export_view(
        "records", plain.stats, plain.generations, plain.files, tmp_path / "p.jsonl"
    )
    assert str(summary) == f"wrote 4 records of 3 prompts to {tmp_path / 'p.jsonl'}"
    manifest = json.loads((tmp_path / "p.jsonl.evaltui.json").read_text(encoding="utf-8"))
    assert [s["form"] for s in manifest["evaltui"]["sources"]] == [None]


def test_a_records_export_of_several_files_says_where_their_lines_are_told_apart(
    loaded: Any, tmp_path: Path
) -> None:
    out = tmp_path / "all.jsonl"
    summary = export_view("records", loaded.stats, loaded.generations, loaded.files, out)
    assert "lines of 2 source files in one file" in str(summary)
    assert "all.jsonl.evaltui.json" in str(summary)


def test_a_malformed_where_fails_before_the_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in --where was found only after the whole load (minutes on a big folder): here
    the folder has nothing to read, and that was the error said. Now the filter's error comes
    first; a name only the load can tell (pass@k, a triage count) still waits for it."""
    (tmp_path / "empty").mkdir()
    out = str(tmp_path / "x.json")
    code = main(["export", str(tmp_path / "empty"), "--where", "accuracy <", "-o", out])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(
        "evaltui: error: --where: expected a column name or a value, found 'the end' at column 11"
    )
    code = main(["export", str(tmp_path / "empty"), "--where", "pass@1 > 0", "-o", out])
    assert code == 2 and "no file with a known extension" in capsys.readouterr().err


def test_cli_export_says_when_the_file_name_is_another_kinds(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """``--as combined -o x.jsonl`` wrote a JSON array under a JSON-lines name without a word
    (and ``--records -o x.json`` JSON lines): a note on stderr, before writing; written as asked."""
    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    data = str(tmp_path / "d")
    out = tmp_path / "x\x1b[31m.jsonl"  # the name is shown made visible
    assert main(["export", data, "--as", "combined", "-o", str(out), *common]) == 0
    assert out.read_text(encoding="utf-8").startswith("[")
    assert capsys.readouterr().err == (
        "evaltui: note: x␛[31m.jsonl will hold a JSON array (the combined JSON); name it .json, "
        "or give --as records\n"
    )
    assert main(["export", data, "--records", "-o", str(tmp_path / "y.json"), *common]) == 0
    assert capsys.readouterr().err == (
        "evaltui: note: y.json will hold JSON lines (the original records); name it .jsonl, "
        "or give --as combined\n"
    )
    # The names that say what they hold: nothing said.
    for args in (["-o", str(tmp_path / "z.jsonl")], ["--as", "csv", "-o", str(tmp_path / "z.csv")]):
        assert main(["export", data, *args, *common]) == 0
        assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "where",
    [
        'prompt ~ "数学题目" and and',
        'prompt ~ "🙂🙂 e\u0301e\u0301" and and',
        'prompt ~ "' + "数" * 60 + '" and and',
        'prompt ~ "' + "x" * 100 + '" and and',
        'prompt ~ "\x1b[31m数学" and and',
    ],
)
def test_the_where_caret_stands_under_the_place_in_cells(where: str) -> None:
    """The caret under a bad --where was placed by characters: after '"数学题目"' it stood 4
    cells short, under the first 'and' where the error is the second."""
    from evaltui.commands.export import caret_lines
    from evaltui.data.sanitize import cell_width

    position = where.rindex("and")
    shown, caret = caret_lines(where, position).splitlines()[1:]
    assert cell_width(shown) <= 2 + 1 + 72 + 1  # indent, marks, the window
    column = cell_width(caret) - 1
    assert caret.endswith("^") and shown.startswith("  ")
    # The characters of the shown line up to the caret's column end just before 'and'.
    taken, index = 0, 0
    while taken < column:
        taken += cell_width(shown[index])
        index += 1
    assert shown[index : index + 3] == "and" and shown[index + 3 :] in ("", "…")


def test_cli_export_refuses_an_existing_bad_lines_file_as_it_refuses_its_output(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """`export -o new.json --bad-lines bad.jsonl` replaced an existing bad.jsonl without
    --force (exit 0), while an existing -o was refused: both are the export's outputs, both
    refused (exit 2, nothing written), both replaced with --force."""
    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join(LINES) + "\n{bad\n", encoding="utf-8")
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out, bad = tmp_path / "new.json", tmp_path / "bad lines.jsonl"
    bad.write_text("kept\n", encoding="utf-8")
    argv = ["export", str(tmp_path / "d"), "-o", str(out), "--bad-lines", str(bad), *common]
    assert main(argv) == 2
    assert f"{bad} exists (use --force to overwrite)" in capsys.readouterr().err
    assert bad.read_text(encoding="utf-8") == "kept\n" and not out.exists()
    out.write_text("old\n", encoding="utf-8")
    assert main(argv) == 2
    assert f"{out} and {bad} exist (use --force to overwrite)" in capsys.readouterr().err
    assert bad.read_text(encoding="utf-8") == "kept\n"
    assert out.read_text(encoding="utf-8") == "old\n"
    assert main([*argv, "--force"]) == 0
    assert json.loads(bad.read_text(encoding="utf-8").splitlines()[0])["kind"] == "bad line"
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2


@pytest.mark.parametrize("which", ["output", "bad_lines"])
def test_cli_export_keeps_a_file_another_export_wrote_while_it_ran(
    tmp_path: Path, word_tokenizer: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    """Two `export -o hard.jsonl` at once (no --force): each found no hard.jsonl when it
    began, and the later one replaced the other's file, both exit 0 and "wrote". Now the one
    that finds a file there at the end keeps it (exit 2, nothing of its own written, no temp
    file, the other's manifest untouched); with --force it replaces it, as before."""
    import evaltui.data.export as export_module

    folder = tmp_path / "d" / "run"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join(LINES) + "\n{bad\n", encoding="utf-8")
    out, bad = tmp_path / "hard.jsonl", tmp_path / "bad.jsonl"
    theirs = out if which == "output" else bad
    real = export_module.export_view

    def another_process_writes_meanwhile(*args: Any, **kwargs: Any) -> Any:
        summary = real(*args, **kwargs)
        theirs.write_text("theirs\n", encoding="utf-8")
        (tmp_path / "hard.jsonl.evaltui.json").write_text("their manifest\n", encoding="utf-8")
        return summary

    monkeypatch.setattr(export_module, "export_view", another_process_writes_meanwhile)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    argv = ["export", str(tmp_path / "d"), "--records", "-o", str(out), *common]
    argv += ["--bad-lines", str(bad)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"evaltui: error: {theirs} exists: written while this export ran" in err
    assert "(use --force to overwrite)" in err
    assert theirs.read_text(encoding="utf-8") == "theirs\n"
    other = bad if theirs == out else out
    assert not other.exists()  # both or neither
    manifest = tmp_path / "hard.jsonl.evaltui.json"
    assert manifest.read_text(encoding="utf-8") == "their manifest\n"
    files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())  # no temp file left
    assert files == sorted([theirs.name, "hard.jsonl.evaltui.json"])
    assert main([*argv, "--force"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == LINES and json.loads(bad.read_text(encoding="utf-8").splitlines()[0])
    assert json.loads(manifest.read_text(encoding="utf-8"))["evaltui"]["records"] == len(LINES)


def test_two_forced_exports_to_one_file_at_once_leave_one_writers_records_and_manifest(
    loaded: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export --force -o x.jsonl` twice at once: each put its records and then its manifest in
    place, and the other's could come between, leaving one's records beside the other's
    manifest (its size, its sources: another export's lines). Now the second waits until the
    first has put both in place. The first stops just after its records are in place; the
    second runs then, to its end (before) or until it waits for the first (now)."""
    import fcntl
    import os
    import threading

    from evaltui.data import export
    from evaltui.data.marks import manifest_of

    out = tmp_path / "x.jsonl"
    first_records_in_place, second_got_on = threading.Event(), threading.Event()
    real_replace, real_flock = os.replace, fcntl.flock

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        if threading.current_thread().name == "first" and Path(dst) == out:
            first_records_in_place.set()
            assert second_got_on.wait(10)

    def flock(fd: int, operation: int) -> None:
        if threading.current_thread().name == "second":
            second_got_on.set()  # about to wait for the first's lock
        real_flock(fd, operation)

    monkeypatch.setattr(export.os, "replace", replace)
    monkeypatch.setattr(fcntl, "flock", flock)
    failed: list[BaseException] = []

    def write(where: str) -> None:
        try:
            if where == "easy":
                assert first_records_in_place.wait(10)
            view = View(where=f'prompt == "{where}"').apply(loaded.stats)
            with export.all_or_none():
                export_view("records", view, loaded.generations, loaded.files, out)
        except BaseException as exc:
            failed.append(exc)
        finally:
            second_got_on.set()

    threads = [
        threading.Thread(target=write, args=(where,), name=name)
        for where, name in (("hard", "first"), ("easy", "second"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not failed
    mark = manifest_of(out)
    assert mark is not None and mark["bytes"] == out.stat().st_size
    assert out.read_bytes().decode().splitlines() == [LINES[1], LINES[3]]  # the second's
    # Line 2 of out_0.jsonl and line 2 of out_1.jsonl: the "easy" ones
    assert [source["source_lines"] for source in mark["sources"]] == [[[2, 2]], [[2, 2]]]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.parametrize("kind", ["records", "combined", "csv"])
def test_the_manifest_of_a_private_output_is_as_private(
    loaded: Any, tmp_path: Path, kind: Any
) -> None:
    """An output the user keeps 0600 (its mode is kept when it is written again) got a manifest
    readable by all (0644 under the usual umask), which names the output's source files and
    the lines taken from them. The manifest now takes the output's mode, new or existing."""
    import os
    import stat

    from evaltui.data.marks import manifest_path

    out = tmp_path / f"private.{kind}"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o600)
    manifest_path(out).write_text("{}\n", encoding="utf-8")  # an older one, readable by all
    manifest_path(out).chmod(0o644)
    mask = os.umask(0o022)
    try:
        export_view(kind, loaded.stats, loaded.generations, loaded.files, out)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert stat.S_IMODE(manifest_path(out).stat().st_mode) == 0o600
        manifest_path(out).unlink()
        export_view(kind, loaded.stats, loaded.generations, loaded.files, out)
        assert stat.S_IMODE(manifest_path(out).stat().st_mode) == 0o600
        fresh = tmp_path / f"fresh.{kind}"
        export_view(kind, loaded.stats, loaded.generations, loaded.files, fresh)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # a new one: the umask's, as before
        assert stat.S_IMODE(manifest_path(fresh).stat().st_mode) == 0o644
    finally:
        os.umask(mask)


@pytest.mark.parametrize("force", [False, True])
def test_a_new_export_is_never_seen_without_its_mark(
    loaded: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    """Without --force the records were put in place (linked, where no file is) before their
    manifest, so a folder followed at that moment (summarize --follow, the app's F) read an
    export of its own records as eval data, counted twice: the file does not change when its
    manifest comes, so it was not read again. Now the manifest comes first, also so."""
    import os

    from evaltui.data import export
    from evaltui.data.marks import written_by_evaltui

    out = tmp_path / "d" / "run" / "hard.jsonl"  # in the folder read
    seen: list[str | None] = []
    real_replace, real_link = os.replace, os.link

    def look() -> None:
        if out.exists():
            seen.append(written_by_evaltui(out))

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        look()

    def link(src: Any, dst: Any, **kwargs: Any) -> None:
        real_link(src, dst, **kwargs)
        look()

    monkeypatch.setattr(export.os, "replace", replace)
    monkeypatch.setattr(export.os, "link", link)
    view = View(where='prompt == "hard"').apply(loaded.stats)
    with export.all_or_none([] if force else [out]):
        export_view("records", view, loaded.generations, loaded.files, out)
    assert seen and all(why is not None and "written by evaltui" in why for why in seen), seen
    assert out.read_bytes().decode().splitlines() == [LINES[0], LINES[2]]
