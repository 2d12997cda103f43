"""Following files written the ways real writers write them: a temp file renamed over the
target, a file deleted and made again, a run folder with a long model name, a truncation, a
symlinked folder, many tiny writes, CRLF lines, a line cut inside a UTF-8 character, an Inspect
log or a SkyThought/OpenCompass JSON rewritten while it is read. Each ends with the stats of
reading the final files from scratch.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evaltui.data import follow as follow_module
from evaltui.data.follow import Follower
from tests.conftest import write_jsonl
from tests.data.test_follow import (
    FIXTURES,
    REAL,
    append,
    assert_same,
    ctrl_c_raises,  # noqa: F401 (a fixture)
    line,
    options,
    record,
)


def race(follower: Follower, writer: Callable[[], None]) -> int:
    """Run ``writer`` in a thread while ``follower`` polls; then two more looks (a read not
    believed at once is believed at the next). The number of updates while it wrote."""
    done = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            writer()
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            failed.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    updates = 0
    while not done.is_set():
        updates += follower.poll() is not None
    thread.join()
    assert not failed, failed
    follower.poll()
    follower.poll()
    return updates


def test_temp_file_renamed_over_the_target(tmp_path: Path, word_tokenizer: Path) -> None:
    """Inspect and many tools save by writing a temp file beside the target and renaming it
    over: a new inode each time, the temp file seen half written on the way."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()

    def writer() -> None:
        text = line(0, 0)
        for k in range(1, 40):
            text += line(k % 7, k)
            for tmp in (out.with_name("out.jsonl.tmp"), out.with_name(".out.jsonl.x8Q2")):
                with tmp.open("w", encoding="utf-8") as handle:
                    handle.write(text[: len(text) // 2])
                    handle.flush()
                    handle.write(text[len(text) // 2 :])
                os.replace(tmp, out)

    race(follower, writer)
    result = follower.result()
    assert result.generations.height == 40
    assert_same(result, [data], opts)


def test_a_file_deleted_and_made_again(tmp_path: Path, word_tokenizer: Path) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    out.unlink()
    update = follower.poll()
    assert update is not None and update.result.generations.height == 0
    assert update.result.stats.height == 0
    write_jsonl(out, [record(2, 0)])
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert_same(update.result, [data], opts)

    def writer() -> None:
        for k in range(30):
            if k % 10 == 9:
                out.unlink()
            append(out, line(k % 5, k))

    race(follower, writer)
    assert_same(follower.result(), [data], opts)


def test_a_run_folder_with_a_long_model_name_appears(tmp_path: Path, word_tokenizer: Path) -> None:
    data = tmp_path / "data"
    write_jsonl(data / "short" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    name = (
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-" + "very-long-finetune-name-" * 8 + "step-12000"
    )
    run = data / name

    def writer() -> None:
        run.mkdir()
        for k in range(20):
            append(run / "samples.jsonl", line(k % 4, k))

    race(follower, writer)
    result = follower.result()
    assert name in result.stats["run"].to_list()
    assert_same(result, [data], opts)


@pytest.mark.parametrize("longer", [False, True])
def test_a_file_truncated_and_written_again(
    tmp_path: Path, word_tokenizer: Path, longer: bool
) -> None:
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(10)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    count = 25 if longer else 4

    def writer() -> None:
        with out.open("r+", encoding="utf-8") as handle:
            handle.truncate(0)
        for k in range(count):
            append(out, line(k, 1))

    race(follower, writer)
    result = follower.result()
    assert result.generations.height == count
    assert_same(result, [data], opts)
    # The same length as before, other bytes (an in-place overwrite, no truncation).
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace('"gen": "answer answer', '"gen": "answar answer'), encoding="utf-8")
    update = follower.poll()
    assert update is not None
    assert_same(update.result, [data], opts)


def test_a_symlinked_run_folder(tmp_path: Path, word_tokenizer: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    real = write_jsonl(tmp_path / "elsewhere" / "model-x" / "out.jsonl", [record(0, 0)])
    (data / "model-x").symlink_to(real.parent, target_is_directory=True)
    write_jsonl(data / "model-y" / "out.jsonl", [record(0, 1)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()

    def writer() -> None:
        for k in range(1, 30):
            append(real, line(k % 6, k))
        (data / "model-z").symlink_to(real.parent, target_is_directory=True)

    race(follower, writer)
    result = follower.result()
    assert (
        result.generations.filter(result.generations["source"] == "model-x/out.jsonl").height == 30
    )
    assert_same(result, [data], opts)


def test_many_tiny_writes(tmp_path: Path, word_tokenizer: Path) -> None:
    """A writer that flushes every few bytes (unbuffered prints): most looks find a cut line."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer, keep_text=True)
    follower = Follower([data], opts)
    follower.load()
    text = "".join(line(k % 9, k) for k in range(1, 60)).encode()

    def writer() -> None:
        with out.open("ab", buffering=0) as handle:
            for start in range(0, len(text), 3):
                handle.write(text[start : start + 3])

    race(follower, writer)
    assert follower.result().generations.height == 60
    assert_same(follower.result(), [data], opts)


def test_crlf_lines_and_a_line_cut_inside_a_utf8_character(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    out = data / "m" / "out.jsonl"
    out.parent.mkdir(parents=True)
    out.write_bytes(line(0, 0).replace("\n", "\r\n").encode())
    opts = options(tmp_path, word_tokenizer, keep_text=True)
    follower = Follower([data], opts)
    follower.load()
    text = "".join(
        line(k, k).replace('"gen": "', '"gen": "é✓😀 ').replace("\n", "\r\n") for k in range(1, 12)
    ).encode("utf-8")
    inside = [i for i in range(len(text)) if text[i] & 0xC0 == 0x80]  # continuation bytes
    cuts = [*inside[::5], len(text)]
    position = 0
    for cut in cuts:  # each write ends inside a multi-byte character
        with out.open("ab") as handle:
            handle.write(text[position:cut])
        position = cut
        follower.poll()
        assert follower.result().errors == []
    follower.poll()
    result = follower.result()
    assert result.generations.height == 12
    assert result.generations["gen"].str.starts_with("é✓😀 ").sum() == 11
    assert_same(result, [data], opts)


def test_an_inspect_log_rewritten_while_it_is_read(tmp_path: Path, word_tokenizer: Path) -> None:
    """Inspect rewrites its .eval (a zip) as samples finish; a look may find it half written."""
    logs = sorted((REAL / "repro_inspect_merge").glob("2025-02-11T*_popularity_*.eval"))
    data = tmp_path / "logs"
    data.mkdir()
    target = data / logs[0].name
    shutil.copyfile(logs[0], target)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    whole = logs[1].read_bytes()

    def writer() -> None:
        for _ in range(3):
            with target.open("wb") as handle:  # in place, as a zip being written
                for start in range(0, len(whole), 2048):
                    handle.write(whole[start : start + 2048])
                    handle.flush()
            with target.open("wb") as handle:
                handle.write(logs[0].read_bytes())
        with target.open("wb") as handle:
            handle.write(whole)

    race(follower, writer)
    assert follower.result().errors == []
    assert_same(follower.result(), [data], opts)


@pytest.mark.parametrize(
    "source",
    [
        FIXTURES / "skythought" / "v1b_list_feb2025" / "results.json",
        FIXTURES
        / "opencompass"
        / "outputs"
        / "20261123_201019"
        / "predictions"
        / "toy-openai-sdk"
        / "toy_gsm8k.json",
    ],
    ids=["skythought", "opencompass"],
)
def test_a_json_document_written_at_the_end(
    tmp_path: Path, word_tokenizer: Path, source: Path
) -> None:
    data = tmp_path / "data"
    write_jsonl(data / "plain" / "out.jsonl", [record(0, 0)])
    relative = source.relative_to(FIXTURES)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    whole = source.read_bytes()
    target = data / relative
    target.parent.mkdir(parents=True)

    def writer() -> None:
        for _ in range(3):
            with target.open("wb") as handle:  # json.dump into the file
                for start in range(0, len(whole), 512):
                    handle.write(whole[start : start + 512])
                    handle.flush()

    race(follower, writer)
    assert follower.result().errors == []
    assert_same(follower.result(), [data], opts)


def test_a_file_that_could_not_be_read_is_read_once_it_can(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file an eval made unreadable (mode 600 of another user), made readable later by
    ``chmod``: its size, mtime and inode stay, so following kept it 'cannot read: Permission
    denied' for good while a fresh read had its rows. (Tests run as root, who reads every
    file: the permission is played by the file layer refusing the locked paths.)"""
    from evaltui.data import formats

    locked: set[Path] = set()
    real_head = formats.detection_head
    real_access = os.access

    def detection_head(path: Path) -> bytes:
        if path in locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_head(path)

    def access(path: object, mode: int, **kw: object) -> bool:
        return Path(os.fspath(path)) not in locked and real_access(path, mode, **kw)  # type: ignore[arg-type]

    real_probe = follow_module._probe

    def probe(path: Path, consumed: int) -> tuple[bytes, bytes]:
        if path in locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_probe(path, consumed)

    monkeypatch.setattr(formats, "detection_head", detection_head)
    monkeypatch.setattr(follow_module, "_probe", probe)
    monkeypatch.setattr(os, "access", access)
    data = tmp_path / "data"
    m = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    n = write_jsonl(data / "n" / "out.jsonl", [record(0, 1)])
    locked.add(n)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    first = follower.load()
    assert [(f.source, f.skipped) for f in first.skipped_files] == [
        ("n/out.jsonl", "cannot read: Permission denied")
    ]
    locked.discard(n)  # chmod a+r
    update = follower.poll()
    assert update is not None and update.new_generations == 1
    assert update.result.skipped_files == []
    assert_same(update.result, [data], opts)

    # Made unreadable, then lines appended, then readable again.
    locked.add(m)
    append(m, line(2, 0))
    assert follower.poll() is None  # nothing usable where there were rows: believed next look
    update = follower.poll()
    assert update is not None
    assert update.notes == ["m/out.jsonl: cannot read: Permission denied; its rows were removed"]
    assert_same(update.result, [data], opts)
    locked.discard(m)
    update = follower.poll()
    assert update is not None and update.result.generations.height == 4
    assert_same(update.result, [data], opts)
    assert follower.poll() is None

    # Made unreadable with nothing written (chmod 600: its ctime moves, nothing else): its
    # rows stayed on while a fresh read skipped it.
    locked.add(n)
    n.chmod(0o600)
    assert follower.poll() is None  # nothing usable where there were rows: believed next look
    update = follower.poll()
    assert update is not None
    assert update.notes == ["n/out.jsonl: cannot read: Permission denied; its rows were removed"]
    assert_same(update.result, [data], opts)
    assert follower.poll() is None
    locked.discard(n)
    n.chmod(0o644)
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert_same(update.result, [data], opts)


def test_a_copy_of_a_followed_run_brings_no_new_generation(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """``cp`` of a run into the followed folder (a file beside it, ``cp -r`` of its folder, a
    copy still under way) counted every generation it copied as new in the last minute while
    the eval wrote nothing; lines written to a copy on its own afterwards, and the eval's own
    lines, are new."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, j) for i in range(10) for j in (0, 1)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()

    shutil.copyfile(out, out.with_name("backup.jsonl"))
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    shutil.copytree(data / "m", data / "m-copy")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.status().startswith("following · 0 new generations in the last minute")
    assert_same(update.result, [data], opts)

    # A copy caught under way: read at its first half (as an eval writing the same lines
    # again would be: counted), then its second half arrives at once: a copy, taken back.
    whole = out.read_bytes()
    half = whole.index(b"\n", len(whole) // 2) + 1
    slow = data / "m-slow" / "out.jsonl"
    slow.parent.mkdir()
    slow.write_bytes(whole[:half])
    update = follower.poll()
    assert update is not None and update.new_generations == whole[:half].count(b"\n")
    append(slow, whole[half:].decode("utf-8"))
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert follower.recent() == 0
    append(slow, line(30, 0))  # written to on its own: new
    append(out, line(31, 0) + line(31, 1))  # the eval's own lines: new
    update = follower.poll()
    assert update is not None and update.new_generations == 3
    assert follower.recent() == 3
    assert_same(update.result, [data], opts)


def test_a_copy_of_a_whole_document_brings_no_new_generation(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    source = FIXTURES / "skythought" / "v1b_list_feb2025" / "results.json"
    target = data / "sky" / "results.json"
    target.parent.mkdir(parents=True)
    shutil.copyfile(source, target)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    shutil.copytree(data / "sky", data / "sky-copy")
    update = follower.poll()
    assert update is not None and update.new_generations == 0
    assert update.result.generations.height == 2 * follower.files[target].frame.height
    assert_same(update.result, [data], opts)


@pytest.mark.usefixtures("ctrl_c_raises")
@pytest.mark.parametrize("during", ["look", "write"])
def test_summarize_follow_stopped_again_during_its_last_look(
    tmp_path: Path,
    word_tokenizer: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    during: str,
) -> None:
    """The first Ctrl-C starts a last look and a last write, which read what is new (a big
    file takes a while) while nothing was said; a second Ctrl-C then ended with a bare
    'interrupted' and the output older than the inputs, nothing telling it. The stop says
    what it does, and the second says what the output holds: the last write's, whole."""
    import json

    from evaltui.cli import main
    from evaltui.commands import follow as follow_command

    monkeypatch.setenv("EVALTUI_FOLLOW_POLLING", "1")
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(0, 0), record(1, 0)])
    waits = 0

    def wait(self: Follower, timeout: float, stop: threading.Event | None = None) -> None:
        nonlocal waits
        waits += 1
        if waits == 2:
            append(out, line(0, 1))
            raise KeyboardInterrupt  # the first Ctrl-C, while waiting

    real_poll = Follower.poll

    def poll(self: Follower, *, last: bool = False, **kwargs: Any) -> Any:
        update = real_poll(self, last=last, **kwargs)  # every keyword on (catch_up=…)
        if last and during == "look":
            os.kill(os.getpid(), signal.SIGINT)  # the second, at the end of the last look
        return update

    real_write = follow_command.write_combined_json

    def write(stats: Any, target: Any) -> None:
        real_write(stats, target)
        if waits == 2 and during == "write":
            os.kill(os.getpid(), signal.SIGINT)  # the second, in the last write

    monkeypatch.setattr(follow_command.Follower, "wait", wait)
    monkeypatch.setattr(follow_command.Follower, "poll", poll)
    monkeypatch.setattr(follow_command, "write_combined_json", write)
    combined = tmp_path / "combined.json"
    common = [str(data), "--model", str(word_tokenizer), "--no-cache"]
    args = ["summarize", *common, "-o", str(combined), "--follow", "--follow-interval", "5"]
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "evaltui: stopping: a last look at the inputs and a last write (Ctrl-C again" in err
    stale = f"evaltui: {combined} is as written at "
    assert stale in err and err.endswith(
        ": what changed since is not in it\nevaltui: interrupted\n"
    )
    assert [r["count"] for r in json.loads(combined.read_text(encoding="utf-8"))] == [1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "combined.json",
        "combined.json.evaltui.json",
        "data",
        "tok",
    ]


@pytest.mark.parametrize("temp", ["tmpk3j2x9.json", "results.tmp.json", "results.json.part.json"])
def test_a_save_through_a_temp_file_caught_before_its_rename(
    tmp_path: Path, word_tokenizer: Path, temp: str
) -> None:
    """A JSON saved as a temp file beside the target, then renamed over it (``tempfile`` and
    ``os.replace``), looked at in between: the temp file was read as a new run file, so the
    run's rows were there twice (stats and a summarize --follow write alike), all counted as
    new, and the rename then said 'tmp….json is gone: its rows were removed'. A temp-named
    file is read once it stays as it is for a look."""
    data = tmp_path / "data"
    source = FIXTURES / "skythought" / "v1b_list_feb2025" / "results.json"
    target = data / "sky" / "results.json"
    target.parent.mkdir(parents=True)
    shutil.copyfile(source, target)
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    rows = follower.load().generations.height

    saved = target.with_name(temp)
    saved.write_bytes(source.read_bytes() + b"\n")  # the next save: the same rows here
    assert follower.poll() is None
    assert follower.result().generations.height == rows
    os.replace(saved, target)
    update = follower.poll()
    assert update is not None and update.new_generations == 0 and update.notes == []
    assert update.result.generations.height == rows
    assert_same(update.result, [data], opts)

    # A temp-named file that stays is read at the next look.
    shutil.copyfile(source, saved)
    assert follower.poll() is None
    update = follower.poll()
    assert update is not None and update.result.generations.height == 2 * rows
    assert_same(update.result, [data], opts)


def test_a_copy_made_after_lines_were_appended_to_its_source(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Lines appended, then the file copied, both before the next look: the copy (listed before
    its source, copy.jsonl < out.jsonl) is longer than what was read of the source when it is
    looked at. It counted all its rows as new (tmux: '36 new' for 8 lines written)."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(i, 0) for i in range(20)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    append(out, "".join(line(30 + i, 0) for i in range(8)))
    shutil.copyfile(out, out.with_name("copy.jsonl"))
    update = follower.poll()
    assert update is not None and update.new_generations == 8
    assert_same(update.result, [data], opts)


def test_lines_appended_to_a_jsonl_file_named_tmp_are_read_at_once(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A temp-looking name is held for a look only for documents saved whole: an eval appending
    to ``tmp_out.jsonl`` without a pause would have its lines wait for one."""
    data = tmp_path / "data"
    write_jsonl(data / "m" / "out.jsonl", [record(0, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    out = data / "m" / "tmp_out.jsonl"
    for k in range(3):
        append(out, line(k, 1))
        update = follower.poll()
        assert update is not None and update.result.generations.height == k + 2
    assert_same(follower.result(), [data], opts)


def test_a_file_made_again_while_its_appended_lines_are_read(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that deletes its file and makes it again (the inode reused: here rewritten in
    place) between the follower's read of appended lines and its probe of the file's first
    bytes: the probe was of the new file, so the next look took the new file for the old one
    grown, and read its bytes as lines appended to the old rows (the flaky end of
    test_a_file_deleted_and_made_again: 3 rows kept for a file of 1 line)."""
    data = tmp_path / "data"
    out = write_jsonl(data / "m" / "out.jsonl", [record(2, 0)])
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([data], opts)
    follower.load()
    read = Follower._read
    made_again = line(4, 29)  # longer than what the old file holds after the append

    def read_then_made_again(self: Follower, *args: Any) -> Any:
        got = read(self, *args)
        with out.open("w", encoding="utf-8") as handle:  # same inode
            handle.write(made_again)
        return got

    append(out, line(0, 0) + line(1, 1))
    monkeypatch.setattr(Follower, "_read", read_then_made_again)
    follower.poll()
    monkeypatch.setattr(Follower, "_read", read)
    assert out.read_text(encoding="utf-8") == made_again
    follower.poll()
    follower.poll()
    assert_same(follower.result(), [data], opts)
    assert follower.result().generations.height == 1
