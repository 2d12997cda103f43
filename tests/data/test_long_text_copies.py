"""How many copies of one very long generation the loader holds (issue 10, Bounds).

Polars 2.1 holds the text of a one-row frame twice (a scalar beside its column) and copies it again
for every frame built from one (see the note in ``evaltui.data.schema``). A file of one long
generation is such a frame: reading it must not build one frame after another around its text,
and a headless load keeps the text apart from the file's rows until it is counted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.data import loader
from evaltui.data.loader import LoadOptions, load
from evaltui.data.triage import with_measures_and_answers

TEXT = "the answer is near " * 20 + "\nThe final answer is \\boxed{7}.\n"


def _write(folder: Path, gens: list[str]) -> Path:
    folder.mkdir(parents=True)
    records = [
        {"prompt": f"p{i}", "gen": g, "answer": "7", "accuracy": 1.0} for i, g in enumerate(gens)
    ]
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def test_headless_a_file_is_counted_from_its_text_apart_from_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a one-row file is counted, its rows hold no text: the one copy counted is apart."""
    seen: list[tuple[int, int, Any]] = []
    real = loader._Load.tokenize

    def tokenize(self: Any, state: Any) -> bool:
        frame = state.frame
        seen.append((frame.height, frame.get_column("gen").null_count(), state.texts))
        return bool(real(self, state))

    monkeypatch.setattr(loader._Load, "tokenize", tokenize)
    folder = _write(tmp_path / "data" / "run", [TEXT])
    result = load([tmp_path / "data"], LoadOptions(use_cache=False, keep_text=False))
    [(height, null, texts)] = seen
    assert (height, null) == (1, 1)  # the rows: no text
    assert isinstance(texts, pl.Series) and texts.to_list() == [TEXT]
    kept = load([folder.parent], LoadOptions(use_cache=False, keep_text=True)).generations
    assert kept["gen"].to_list() == [TEXT]  # with the text kept, it is in the rows
    columns = ["extracted", "gen_chars", "has_answer", "gen_length", "tail_repeats"]
    assert result.generations.select(columns).equals(kept.select(columns))


@pytest.mark.parametrize("gens", [[TEXT], [TEXT, "short \\boxed{1}", ""]])
def test_read_apart_gives_read_input_s_rows_and_measures(tmp_path: Path, gens: list[str]) -> None:
    """The rows and text apart put together are the rows measured the plain way."""
    folder = _write(tmp_path / "run", gens)
    item = loader.discover([folder])[0]
    reader = loader.detect(item.path, None, loader.ReadOptions()).reader
    assert reader is not None
    frame, texts, errors, _notes, _reducers, _told = loader.read_apart(
        item, reader, loader.ReadOptions()
    )
    assert frame.get_column("gen").null_count() == frame.height and not errors
    together, _errors, _notes, _reducers, _told = loader.read_input(
        item, reader, loader.ReadOptions()
    )
    read = reader.read(item.path, item.source, loader.ReadOptions())
    plain = with_measures_and_answers(loader.conform(read.frame))
    assert together.equals(plain)
    assert loader.set_columns(frame, texts).equals(plain)


# In a fresh interpreter (peak RSS is per process): reading a one-row file of one generation of
# SIZE characters by ``read_input``, the process's peak over what it held before (VmHWM reset).
PEAK = textwrap.dedent(
    """
    import ctypes, json, os, sys, time
    os.environ["_RJEM_MALLOC_CONF"] = "dirty_decay_ms:0,muzzy_decay_ms:0"
    from pathlib import Path
    from evaltui.data import loader
    from evaltui.data.formats.base import ReadOptions

    folder = Path(sys.argv[1])
    item = loader.discover([folder])[0]
    reader = loader.detect(item.path, None, ReadOptions()).reader

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key):
                return int(line.split()[1]) * 1024

    loader.read_input(item, reader, ReadOptions())  # every module and pool warmed up
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    time.sleep(0.2)
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before = status("VmRSS")
    frame, _errors, _notes, _reducers, _told = loader.read_input(item, reader, ReadOptions())
    print(json.dumps({"peak": status("VmHWM") - before, "chars": len(frame["gen"][0])}))
    """
)


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's VmHWM reset")
def test_reading_one_long_generation_peaks_near_the_parse_not_four_more_copies(
    tmp_path: Path,
) -> None:
    """The parse holds the file's bytes, the line's text and the parsed value (~3x the text) for
    a moment; the measures and answers after it used to build four one-row frames around the text
    (~4x more: ~7x in all). Now the read's peak is the parse's, plus the one-row frame returned."""
    size = 24_000_000
    line = ("word " * (size // 5))[: size - 12] + "\\boxed{3}"
    folder = _write(tmp_path / "run", [line])
    out = subprocess.run(
        [sys.executable, "-c", PEAK, str(folder)], capture_output=True, text=True, check=True
    )
    measured = json.loads(out.stdout)
    assert measured["chars"] == len(line)
    # 7.0x the text before (the parse's 3x and four one-row frames' copies), 4.0x now.
    assert measured["peak"] <= 5 * len(line), measured["peak"] / len(line)
