"""What evaltui writes, for others: modes, stdout, symlinks, killed writes, CSV formulas, where
exported records came from; and how the command ends (Ctrl-C, closed terminal, unwritable cache)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui import cli
from evaltui.cli import main
from evaltui.data.export import atomic_open, export_view
from evaltui.data.loader import LoadOptions, load
from evaltui.data.query import View
from tests.conftest import write_jsonl


def rec(prompt: str, ok: bool, **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "gen": "so \\boxed{1}", "answer": "1", "accuracy": float(ok), **extra}


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "evals" / "model_a" / "r.jsonl", [rec("p1", True), rec("p2", False)])
    write_jsonl(tmp_path / "evals" / "model_b" / "r.jsonl", [rec("p1", False), rec("p2", True)])
    return tmp_path / "evals"


@pytest.fixture
def common(tmp_path: Path, word_tokenizer: Path) -> list[str]:
    return ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]


def test_outputs_respect_the_umask_and_an_existing_files_mode(
    evals: Path, tmp_path: Path, common: list[str]
) -> None:
    old = os.umask(0o022)
    try:
        assert main(["summarize", str(evals), "-o", str(tmp_path / "s.json"), *common]) == 0
        assert main(["export", str(evals), "-o", str(tmp_path / "e.csv"), *common]) == 0
        os.umask(0o077)
        assert main(["export", str(evals), "-o", str(tmp_path / "private.json"), *common]) == 0
        (tmp_path / "shared.json").write_text("old")
        os.chmod(tmp_path / "shared.json", 0o664)
        assert main(["summarize", str(evals), "-o", str(tmp_path / "shared.json"), *common]) == 0
    finally:
        os.umask(old)

    def mode(name: str) -> int:
        return stat.S_IMODE((tmp_path / name).stat().st_mode)

    assert (mode("s.json"), mode("e.csv")) == (0o644, 0o644)  # was 0600 whatever the umask
    assert mode("private.json") == 0o600
    assert mode("shared.json") == 0o664


def test_dash_writes_to_stdout(
    evals: Path, tmp_path: Path, common: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", str(evals), "-o", str(tmp_path / "s.json"), *common]) == 0
    assert main(["summarize", str(evals), "-o", "-", *common]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads((tmp_path / "s.json").read_text())
    assert main(["export", str(evals), "--where", "accuracy == 1", "-o", "-", *common]) == 0
    assert [r["prompt"] for r in json.loads(capsys.readouterr().out)] == ["p1", "p2"]
    assert main(["export", str(evals), "--records", "--run", "model_b", "-o", "-", *common]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["accuracy"] for line in out] == [0.0, 1.0]
    assert main(["export", str(evals), "--run", "model_a", "-o", "-", "--as", "csv", *common]) == 0
    assert pl.read_csv(capsys.readouterr().out.encode())["prompt"].to_list() == ["p1", "p2"]
    assert not Path("-").exists() and not (tmp_path / "-").exists()
    with pytest.raises(SystemExit):
        main(["summarize", str(evals), "-o", "-", "--table", *common])


def test_a_symlinked_output_is_written_through(
    evals: Path, tmp_path: Path, common: list[str]
) -> None:
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "2026-12-01.json"
    real.write_text("[]")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert main(["summarize", str(evals), "-o", str(link), *common]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(json.loads(real.read_text())) == 4  # the target has the new summary


def test_temp_files_of_a_killed_write_are_removed_next_time(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    script = textwrap.dedent(
        f"""
        import os, signal
        from evaltui.data.export import atomic_open
        with atomic_open({str(target)!r}) as handle:
            handle.write("x" * 100_000)
            handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False)
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".out.json.") and left[0].endswith(".tmp")
    # A temp file of a writer still running (this process) is not touched.
    with atomic_open(tmp_path / "other.json") as handle:
        handle.write("{}")
        with atomic_open(target) as again:
            again.write("[]")
        assert len(list(tmp_path.glob(".other.json.*.tmp"))) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json", "out.json"]


def test_csv_cells_that_spreadsheets_would_run_are_escaped_recoverably(tmp_path: Path) -> None:
    from evaltui.data.export import csv_safe

    values = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'q", "plain", None]
    frame = pl.DataFrame({"prompt": values, "count": [-1] * len(values)})
    path = tmp_path / "x.csv"
    csv_safe(frame).write_csv(path)
    cells = pl.read_csv(path)["prompt"].to_list()
    assert cells[:7] == ["'" + v for v in values[:7] if v is not None]
    assert cells[7:] == ["plain", None]
    assert pl.read_csv(path)["count"].to_list() == [-1] * len(values)  # numbers stay numbers
    # The documented recovery: drop one leading ' from a text cell that starts with it.
    recovered = [c[1:] if c and c.startswith("'") else c for c in cells]
    assert recovered == values


def test_records_of_several_runs_say_where_each_came_from(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    a = write_jsonl(tmp_path / "d" / "model_a" / "r.jsonl", [rec("p1", True), rec("p2", False)])
    b = write_jsonl(tmp_path / "d" / "model_b" / "r.jsonl", [rec("p1", False), rec("p2", True)])
    loaded = load([tmp_path / "d"], LoadOptions(model=str(word_tokenizer), use_cache=False))
    out = tmp_path / "out" / "mixed.jsonl"
    view = View().apply(loaded.stats)
    summary = export_view("records", view, loaded.generations, loaded.files, out)
    lines = out.read_text().splitlines()
    assert lines == a.read_text().splitlines() + b.read_text().splitlines()  # unchanged
    manifest = json.loads((out.parent / "mixed.jsonl.evaltui.json").read_text())["evaltui"]
    sources = manifest["sources"]
    assert sources == summary.sources
    assert [(s["runs"], s["first_line"], s["last_line"]) for s in sources] == [
        (["model_a"], 1, 2),
        (["model_b"], 3, 4),
    ]
    assert [Path(s["path"]) for s in sources] == [a, b]
    assert sources[0]["source_lines"] == [[1, 2]]


def test_ctrl_c_prints_one_line_and_exits_130(
    evals: Path, common: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    def interrupted(*_a: Any, **_k: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "headless_load", interrupted)
    # An idle thread left alive (as a finished test's thread pool may leave one in this test
    # run's process): main() called with argv returns 130 and never ends its caller's process.
    idle = threading.Event()
    lingering = threading.Thread(target=idle.wait, name="lingering")
    lingering.start()
    try:
        assert main(["summarize", str(evals), "-o", "x.json", *common]) == 130
    finally:
        idle.set()
        lingering.join()
    assert capsys.readouterr().err == "evaltui: interrupted\n"


def test_ctrl_c_while_reader_threads_are_busy(tmp_path: Path) -> None:
    # A real SIGINT to a real process, while a (non-daemon) reader thread is still busy: one
    # line, exit 130, promptly (Python would otherwise wait for the thread at exit).
    script = textwrap.dedent(
        """
        import sys, threading, time
        from evaltui import cli

        def busy_load(*_args, **_kwargs):
            threading.Thread(target=time.sleep, args=(600,), name="reader").start()
            print("loading", flush=True)
            while True:
                time.sleep(0.05)

        cli.headless_load = busy_load
        sys.argv = ["evaltui", "summarize", "anything", "-o", "x.json"]
        sys.exit(cli.main())  # as the console script calls it
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        # A test runner started in the background may ignore SIGINT; a terminal's Ctrl-C doesn't.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "loading\n"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == "evaltui: interrupted\n"


def test_closing_the_terminal_leaves_no_empty_log(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, signal
        from evaltui.app.main import stderr_to_file
        with stderr_to_file():
            os.kill(os.getpid(), signal.SIGHUP)
        """
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    hung = subprocess.run([sys.executable, "-c", script], env=env, check=False)
    assert hung.returncode == -signal.SIGHUP
    assert list(tmp_path.glob("evaltui-*.log")) == []


def test_an_unwritable_cache_directory_is_said_once(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the cache directory should be")
    argv = ["summarize", str(evals), "-o", str(tmp_path / "s.json"), "--model", str(word_tokenizer)]
    assert main([*argv, "--cache-dir", str(blocker)]) == 0
    err = capsys.readouterr().err
    assert err.count("cannot be written") == 1 and str(blocker) in err


def test_compare_help_says_95_percent(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    assert "95% CI" in " ".join(out.split()) and "%%" not in out


def test_after_the_app_messages_still_go_through_the_sanitising_stream() -> None:
    from evaltui.app.main import stderr_to_file

    wrapped = cli.VisibleStream(sys.stderr)
    saved = sys.stderr
    sys.stderr = wrapped
    try:
        with stderr_to_file():
            pass
        assert sys.stderr is wrapped  # was reset to the raw sys.__stderr__
    finally:
        sys.stderr = saved
