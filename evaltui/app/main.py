"""``run_app``: what ``evaltui PATH…`` runs."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from evaltui.data.loader import LoadOptions


@contextlib.contextmanager
def stderr_to_file() -> Iterator[str]:
    """Send fd 2 to a log file while the app runs, but keep the terminal for Textual.

    Native libraries (tokenizers, transformers) write warnings straight to fd 2, which would draw
    over the TUI. Textual draws on ``sys.__stderr__``, so that becomes a new descriptor for the
    terminal, and fd 2 itself points at the log.
    """
    fd, path = tempfile.mkstemp(prefix="evaltui-", suffix=".log")
    previous = _remove_on_hangup(path)
    saved = os.dup(2)
    terminal = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    original = sys.__stderr__
    messages = sys.stderr  # the CLI's sanitising stream: restored as it was, not as __stderr__
    try:
        sys.stderr.flush()
        sys.__stderr__ = terminal  # type: ignore[misc]
        sys.stderr = terminal
        os.dup2(fd, 2)
        yield path
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
        sys.__stderr__ = original  # type: ignore[misc]
        sys.stderr = messages
        terminal.close()


def _remove_if_empty(path: str) -> None:
    with contextlib.suppress(OSError):
        if os.path.getsize(path) == 0:
            os.unlink(path)


def _remove_on_hangup(path: str) -> dict[int, Any]:
    """Closing the terminal (SIGHUP) or a kill (SIGTERM) ends the process without unwinding: the
    log would stay behind, empty. Remove it if empty, then die of the same signal as before."""
    previous: dict[int, Any] = {}

    def handler(sig: int, _frame: Any) -> None:
        _remove_if_empty(path)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGHUP, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
    return previous


def run_app(
    paths: Sequence[str], options: LoadOptions, *, follow: bool = False, rescore: Any = None
) -> int:
    from evaltui.app.app import EvalApp

    with stderr_to_file() as log:
        app = EvalApp(paths, options, follow=follow, rescore=rescore)
        app.run()
    _remove_if_empty(log)
    if os.path.exists(log):
        print(f"evaltui: messages from libraries were kept in {log}", file=sys.stderr)
    if app.load_error is not None:
        print(f"evaltui: error: {app.load_error}", file=sys.stderr)
        return 2
    return app.return_code or 0
