"""End to end: the installed `evaltui` command in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.app.conftest import write_evals

pytestmark = pytest.mark.e2e

EVALTUI = Path(sys.executable).parent / "evaltui"


# A server of our own (-L): other tmux sessions on the machine, and their kill-server, don't touch it.
SOCKET = f"evaltui-e2e-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module", autouse=True)
def tmux_server() -> Iterator[None]:
    """Our server, kept up by a session of its own for the whole module. A tmux server exits
    when its last session ends; a test's ``new-session`` sent while the previous test's last
    session was ending reached a server on its way out and failed ("server exited
    unexpectedly": the pre-check CI, and 69 of 300 back-to-back starts here)."""
    if shutil.which("tmux") is None:
        yield
        return
    keeper = ["tmux", "-L", SOCKET, "new-session", "-d", "-s", "keeper", "sleep 86400"]
    subprocess.run(keeper, check=True)
    # The server's environment, which every session inherits, is its first client's: under pytest
    # that has COLUMNS=80 and LINES=24 (set in the C environment, as readline does, not seen in
    # os.environ), and Textual, like Rich, takes them over the pane's size: every app would draw
    # at 80x24 whatever size its session has.
    for name in ("COLUMNS", "LINES"):
        subprocess.run(["tmux", "-L", SOCKET, "set-environment", "-g", "-u", name], check=True)
    try:
        yield
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True
    ).stdout


@contextmanager
def terminal(command: str, width: int = 80, height: int = 24) -> Iterator[str]:
    """A session of our tmux server running the shell line ``command`` at ``width`` x
    ``height``; its name, and the session killed at the end."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it with apt-get)")
    name = f"evaltui-e2e-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color"}
    size = ["-x", str(width), "-y", str(height)]
    subprocess.run(
        ["tmux", "-L", SOCKET, "new-session", "-d", "-s", name, *size, command], check=True, env=env
    )
    try:
        yield name
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", name], capture_output=True)


def checkout_command(data: Path, tokenizer: Path, cache: Path) -> str:
    """This checkout's code on ``data`` (``python -m evaltui`` from the project's root)."""
    root = Path(__file__).resolve().parents[1]
    return (
        f"cd {root} && {sys.executable} -m evaltui {data} --model {tokenizer} "
        f"--cache-dir {cache}; sleep 60"
    )


@pytest.fixture
def session(tmp_path: Path, word_tokenizer: Path) -> Iterator[tuple[str, Path]]:
    if not EVALTUI.exists():
        pytest.skip(f"no installed evaltui command next to {sys.executable}")
    data = write_evals(tmp_path / "evals")
    done = tmp_path / "exit-code"
    command = (
        f"{EVALTUI} {data} --model {word_tokenizer} --cache-dir {tmp_path / 'cache'}; "
        f"echo $? > {done}; sleep 60"
    )
    with terminal(command, 120, 36) as name:
        yield name, done


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for(name: str, *texts: str, timeout: float = 30.0) -> str:
    """Poll the pane until every one of ``texts`` shows at once (bounded), then return the
    screen. (The status line of a new view is drawn a frame before its table: a capture in
    between shows "Showing 2 of 7 prompts" over empty rows.)"""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(name)
        if all(text in shown for text in texts):
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{texts!r} did not all appear within {timeout}s; screen was:\n{shown}")


def test_filter_open_prompt_and_quit(session: tuple[str, Path]) -> None:
    name, done = session
    shown = wait_for(name, "Showing 13 of 13 rows (run × prompt)")
    assert "runs 2" in shown and "bad lines 2" in shown
    tmux("send-keys", "-t", name, "/")
    # Keys are routed to the widget focused when they are read: wait until the filter has focus
    # (as a person would see it) before typing into it.
    wait_for(name, "editing the filter")
    tmux("send-keys", "-t", name, "-l", "average_accuracy < 0.5")
    tmux("send-keys", "-t", name, "Enter")
    shown = wait_for(name, "Showing 5 of 13 rows (run × prompt)", "Problem 0")
    assert "Problem 2" not in shown
    tmux("send-keys", "-t", name, "Enter")
    # the first generation of prompt 0 (wrong answer 1)
    wait_for(name, "reference: 0", "\\boxed{1}")
    tmux("send-keys", "-t", name, "q")
    wait_for(name, "Showing 5 of 13 rows (run × prompt)")
    tmux("send-keys", "-t", name, "q")
    deadline = time.monotonic() + 15
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert done.exists(), "evaltui did not exit after q"
    assert done.read_text().strip() == "0"


def test_long_label_keys_while_loading_and_a_resize(tmp_path: Path, word_tokenizer: Path) -> None:
    if not EVALTUI.exists():
        pytest.skip(f"no installed evaltui command next to {sys.executable}")
    data = write_evals(tmp_path / "evals") / "model_a"
    done = tmp_path / "exit-code"
    label = "meta-llama/Meta-Llama-3.1-70B-Instruct"
    command = (
        f"{EVALTUI} {data} --label {label} --model {word_tokenizer} "
        f"--cache-dir {tmp_path / 'cache'}; echo $? > {done}; sleep 60"
    )
    with terminal(command) as name:
        # "n" as soon as the app draws (its footer is on the first frame), mostly before the files
        # are read: a command, not filter text. (The first frame's "evaltui · loading…" header can
        # be gone before a capture sees it: these 25 generations load in a few milliseconds.)
        wait_for(name, "palette", timeout=30)
        tmux("send-keys", "-t", name, "n")
        wait_for(name, "Showing 2 of 7 prompts", "never solved", "…Llama-3.1-70B…")
        # Wider terminal: the run column grows, the label still cut (its org left out first,
        # then its suffix: its family and size kept).
        tmux("resize-window", "-t", name, "-x", "120", "-y", "35")
        wait_for(name, "…Meta-Llama-3.1-70B…")
        tmux("send-keys", "-t", name, "Enter")
        shown = wait_for(name, "0/4 correct")
        assert "prompt 1 of 2" in shown
        tmux("send-keys", "-t", name, "q")
        wait_for(name, "Showing 2 of 7 prompts")
        tmux("send-keys", "-t", name, "q")
        deadline = time.monotonic() + 15
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists() and done.read_text().strip() == "0"


def test_following_a_line_cut_mid_way_in_a_file_read_whole(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """`evaltui DIR --follow` while an eval writes: the follow line tells the inputs' last
    write from the start (an hour ago); an lm-eval line cut mid-way (its file is read whole on
    each change) is no bad line while it is written (b listed it as one until the writer's
    next change), but a line that waits; once written, its row is there."""
    if not EVALTUI.exists():
        pytest.skip(f"no installed evaltui command next to {sys.executable}")
    formats = Path(__file__).resolve().parent / "fixtures" / "formats"
    samples = next((formats / "lm_eval" / "outputs").rglob("samples_toy_math_gen_*.jsonl"))
    lines = samples.read_text(encoding="utf-8").splitlines(keepends=True)
    sky = (formats / "skythought" / "v1b_list_feb2025" / "results.json").read_bytes()
    data = tmp_path / "evals"
    lm = data / "lm" / samples.name
    lm.parent.mkdir(parents=True)
    lm.write_text(lines[0], encoding="utf-8")
    results = data / "sky" / "results.json"
    results.parent.mkdir()
    results.write_bytes(sky)
    hour_ago = time.time() - 3600
    for path in (lm, results):
        os.utime(path, (hour_ago, hour_ago))
    command = (
        f"EVALTUI_FOLLOW_POLLING=1 {EVALTUI} {data} --follow --model {word_tokenizer} "
        f"--cache-dir {tmp_path / 'cache'}; sleep 60"
    )
    with terminal(command, 120, 30) as name:
        wait_for(name, "following · ", "last write 60 min ago", "Showing 3 of 3 ")
        with lm.open("a", encoding="utf-8") as handle:  # a line cut mid-way, for a while
            handle.write(lines[1][:20])
        wait_for(name, "following · ", " s ago")  # the write is seen
        time.sleep(2.5)  # two of the app's updates, at the most one a second
        tmux("send-keys", "-t", name, "b")
        shown = wait_for(name, "bad lines (counted, not used)", "notes")
        assert "0 bad lines" in shown, shown
        assert "its last line is still being written" in " ".join(shown.split()), shown
        tmux("send-keys", "-t", name, "q")
        wait_for(name, "Showing 3 of 3 ")
        with lm.open("a", encoding="utf-8") as handle:
            handle.write(lines[1][20:])
        wait_for(name, "Showing 4 of 4 ")
        tmux("send-keys", "-t", name, "b")
        shown = wait_for(name, "0 bad lines (counted, not used)")
        assert "still being written" not in shown, shown


def test_keys_typed_before_the_app_takes_the_terminal_are_kept(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """A filter and its Enter typed right after the command, before Python has even started
    (as a person typing ahead does): the terminal is still in the shell's line mode then, and
    Enter reached the app as ctrl+j: the filter stayed in its box, unapplied ('editing the
    filter' over 'Showing 13 of 13'). This checkout's code is run (``python -m evaltui`` from
    the project's root), the keys sent before the app can have drawn anything."""
    data = write_evals(tmp_path / "evals")
    command = checkout_command(data, word_tokenizer, tmp_path / "cache")
    with terminal(command) as name:
        tmux("send-keys", "-t", name, "-l", "/average_accuracy < 0.5")
        tmux("send-keys", "-t", name, "Enter")
        shown = wait_for(name, "Showing 5 of 13 rows (run × prompt)", "Problem 0")
        assert "editing the filter" not in shown
        # Enter again opens the prompt under the cursor: the keyboard is the table's.
        tmux("send-keys", "-t", name, "Enter")
        wait_for(name, "reference: 0")


def test_keys_typed_ahead_for_the_table_wait_for_it(tmp_path: Path, word_tokenizer: Path) -> None:
    """Keys typed right after the command, meant for the table (the sort menu, a move in it and
    Enter), are acted on when the table is shown, in the order typed. Each said 'still reading
    the files: the sort menu opens once the prompts are shown (press it again then)', taken
    down a moment later as the prompts appeared (tmux: 's e t m' typed 0.3 s after the command
    were echoed by the shell, then nothing happened); the Down and Enter went to the table."""
    data = write_evals(tmp_path / "evals")
    command = checkout_command(data, word_tokenizer, tmp_path / "cache")
    with terminal(command) as name:
        tmux("send-keys", "-t", name, "s", "Down", "Enter")
        shown = wait_for(name, "Showing 13 of 13 rows (run × prompt)", "sort run")
        assert "Sort by" not in shown and "still reading" not in shown, shown


@pytest.mark.parametrize(
    ("keys", "shown", "gone"),
    [
        # The command's Enter pressed twice, impatiently: the second opened the first prompt.
        (["Enter", "Enter", "Enter"], "Showing 13 of 13 rows (run × prompt)", "reference:"),
        # Help, Escape, then the sort menu: the Escape and the s were read as one alt+s.
        (["?", "Escape", "s"], "Sort by", "Filter language"),
    ],
)
def test_keys_typed_ahead_act_as_typed(
    tmp_path: Path, word_tokenizer: Path, keys: list[str], shown: str, gone: str
) -> None:
    """Keys typed before the app takes the terminal come in one read: Enters before any other
    key are the command's own (left out), an escape before a key is the escape key (Textual
    read the two as Alt with that key, having no pause between them to tell)."""
    data = write_evals(tmp_path / "evals")
    command = checkout_command(data, word_tokenizer, tmp_path / "cache")
    with terminal(command) as name:
        tmux("send-keys", "-t", name, *keys)
        wait_for(name, shown)
        time.sleep(1.0)  # the keys held for the table are acted on as it is shown
        screen_now = wait_for(name, shown)
        assert gone not in screen_now, screen_now


def test_escape_and_a_key_sent_in_one_write_are_both_keys(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """tmux ``send-keys Escape s`` writes both at once: Textual read them as Alt+s (the help
    stayed open, nothing sorted), and Escape, '/' on a prompt as '/' alone (its search)."""
    data = write_evals(tmp_path / "evals")
    with terminal(checkout_command(data, word_tokenizer, tmp_path / "cache")) as name:
        wait_for(name, "Showing 13 of 13 rows (run × prompt)")
        tmux("send-keys", "-t", name, "?")
        wait_for(name, "Everywhere")
        tmux("send-keys", "-t", name, "Escape", "s")
        wait_for(name, "Sort by (enter; the same column again flips")
        tmux("send-keys", "-t", name, "Escape")
        wait_for(name, "Showing 13 of 13 rows (run × prompt)")
        tmux("send-keys", "-t", name, "Enter")
        wait_for(name, "reference: 0")
        tmux("send-keys", "-t", name, "Escape", "/")
        shown = wait_for(name, "enter applies the filter, esc leaves")
        assert "search this generation" not in shown


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_export_key_a_path_and_ctrl_s_in_one_send_keys_write_that_path(
    tmp_path: Path, word_tokenizer: Path, size: tuple[int, int]
) -> None:
    """``send-keys e C-a C-k /tmp/…/x.json C-s`` (one write): the '/' of the path, a priority
    key of the prompt table, focused its filter as it was read, ahead of the e (run once it had
    come back up from the table): the filter got the path and no dialog opened. The keys behind
    e are the dialog's, in order: the file is written, with the table's 13 rows."""
    data = write_evals(tmp_path / "evals")
    out = tmp_path / "out" / "x.json"
    out.parent.mkdir()
    with terminal(checkout_command(data, word_tokenizer, tmp_path / "cache"), *size) as name:
        wait_for(name, "of 13 rows")
        tmux("send-keys", "-t", name, "e", "C-a", "C-k", str(out), "C-s")
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert out.exists(), screen(name)
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert len(rows) == 13
        assert {row["run"] for row in rows} == {"model_a", "model_b"}
        shown = wait_for(name, "exported")
        assert "editing the filter" not in shown, shown
        assert sorted(p.name for p in out.parent.iterdir()) == ["x.json", "x.json.evaltui.json"]
