"""Keys typed while the app starts are not echoed on the shell's line (``evaltui big_folder``
then ``j j`` printed ``jj`` above the app and left it there), and the terminal's settings are
put back on every way out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import evaltui.cli
from evaltui.cli import main


@pytest.fixture
def terminal() -> Iterator[Any]:
    """A pseudo-terminal's follower end as a stream, echo on."""
    leader, follower = os.openpty()
    stream = os.fdopen(follower, "r")
    try:
        yield stream
    finally:
        stream.close()
        os.close(leader)


def echo(stream: Any) -> bool:
    return bool(termios.tcgetattr(stream.fileno())[3] & termios.ECHO)


def test_echo_is_off_while_the_app_starts_and_back_on_every_way_out(terminal: Any) -> None:
    from evaltui.cli import keys_unechoed

    before = termios.tcgetattr(terminal.fileno())
    with keys_unechoed(terminal):
        assert not echo(terminal)
    assert termios.tcgetattr(terminal.fileno()) == before

    with pytest.raises(RuntimeError), keys_unechoed(terminal):
        assert not echo(terminal)
        raise RuntimeError("the app failed")
    assert termios.tcgetattr(terminal.fileno()) == before

    with pytest.raises(KeyboardInterrupt), keys_unechoed(terminal):
        raise KeyboardInterrupt  # Ctrl-C while Python imports the app
    assert termios.tcgetattr(terminal.fileno()) == before


def test_echo_already_off_stays_off_and_no_terminal_is_left_alone(
    terminal: Any, tmp_path: Path
) -> None:
    from evaltui.cli import keys_unechoed

    quiet = termios.tcgetattr(terminal.fileno())
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(terminal.fileno(), termios.TCSANOW, quiet)
    with keys_unechoed(terminal):
        pass
    assert termios.tcgetattr(terminal.fileno()) == quiet
    with (tmp_path / "f").open("w") as stream, keys_unechoed(stream):
        pass  # a file as standard input: nothing to set


def test_the_app_starts_with_echo_off_and_a_usage_error_gives_it_back(
    terminal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Through the entry point: the app's run sees echo off; a path that does not exist (exit
    2 before the app) and the app's end leave it on."""
    import evaltui.app.main

    seen: list[bool] = []
    monkeypatch.setattr(sys, "stdin", terminal)
    monkeypatch.setattr(
        evaltui.app.main, "run_app", lambda *a, **k: seen.append(echo(terminal)) or 0
    )
    data = tmp_path / "a.jsonl"
    data.write_text('{"prompt": "p", "gen": "g", "accuracy": 1}\n')
    assert main([str(data)]) == 0
    assert seen == [False] and echo(terminal)
    assert main([str(tmp_path / "missing")]) == 2
    assert echo(terminal)
    capsys.readouterr()


def test_sigterm_before_the_app_starts_gives_echo_back(tmp_path: Path) -> None:
    """A kill while the app is being imported ended the process on the spot: with echo off,
    the shell's next line would not show what was typed."""
    script = (
        "import os, signal, sys, termios\n"
        "from evaltui.cli import keys_unechoed\n"
        "leader, follower = os.openpty()\n"
        "stream = os.fdopen(follower, 'r')\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    with keys_unechoed(stream):\n"
        "        os.write(1, b'off\\n' if not termios.tcgetattr(follower)[3] & termios.ECHO else b'on\\n')\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        os._exit(0)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else 'exited')\n"
        "print('echo' if termios.tcgetattr(follower)[3] & termios.ECHO else '-echo')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(evaltui.cli.__file__).parent.parent,
        check=True,
    )
    assert done.stdout.split() == ["off", str(int(signal.SIGTERM)), "echo"]
