"""``run_app``: what ``evaltui PATH…`` runs."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence

from evaltui.data.loader import LoadOptions


@contextlib.contextmanager
def stderr_to_file() -> Iterator[str]:
    """Send fd 2 to a log file while the app runs, but keep the terminal for Textual.

    Native libraries (tokenizers, transformers) write warnings straight to fd 2, which would draw
    over the TUI. Textual draws on ``sys.__stderr__``, so that becomes a new descriptor for the
    terminal, and fd 2 itself points at the log.
    """
    fd, path = tempfile.mkstemp(prefix="evaltui-", suffix=".log")
    saved = os.dup(2)
    terminal = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    original = sys.__stderr__
    try:
        sys.stderr.flush()
        sys.__stderr__ = terminal  # type: ignore[misc]
        sys.stderr = terminal
        os.dup2(fd, 2)
        yield path
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
        sys.__stderr__ = original  # type: ignore[misc]
        sys.stderr = original
        terminal.close()


def run_app(paths: Sequence[str], options: LoadOptions, *, follow: bool = False) -> int:
    from evaltui.app.app import EvalApp

    with stderr_to_file() as log:
        app = EvalApp(paths, options, follow=follow)
        app.run()
    with contextlib.suppress(OSError):
        if os.path.getsize(log) == 0:
            os.unlink(log)
        else:
            print(f"evaltui: messages from libraries were kept in {log}", file=sys.stderr)
    if app.load_error is not None:
        print(f"evaltui: error: {app.load_error}", file=sys.stderr)
        return 2
    return app.return_code or 0
