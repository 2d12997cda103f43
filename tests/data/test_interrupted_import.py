"""Ctrl-C (or SIGTERM) that lands while a headless command imports a library it loads late
(numpy, polars) ends it as any other interrupt: "evaltui: interrupted", exit 130, the output
left as it was. numpy's import turns the interrupt into an ImportError ("numpy._core.multiarray
failed to import"): a traceback and exit 1, seen with Ctrl-C half a second into `summarize -o`."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evaltui import cli


def interrupted_import(signum: int) -> Any:
    """A command that meets ``signum`` inside an import whose C code swallows the exception the
    signal's handler raised and reports a failed import instead, as numpy's does."""

    def command(_argv: object) -> int:
        with contextlib.suppress(KeyboardInterrupt):  # the C import machinery drops it ...
            signal.raise_signal(signum)  # (its handler runs before this returns)
        raise ImportError("numpy._core.multiarray failed to import")  # ... and says this

    return command


@pytest.fixture
def default_handlers() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP as a fresh process has them (an earlier test of a whole run may
    leave its own: the command then leaves them be, as it does under ``nohup``), put back after."""
    wanted = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    if hasattr(signal, "SIGHUP"):
        wanted[signal.SIGHUP] = signal.SIG_DFL
    before = {sig: signal.signal(sig, handler) for sig, handler in wanted.items()}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@pytest.mark.usefixtures("default_handlers")
@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGINT, 130, "evaltui: interrupted\n"),
        (signal.SIGTERM, 143, "evaltui: stopped by SIGTERM\n"),
    ],
)
def test_a_signal_during_a_late_import_is_an_interrupt(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signum: int,
    code: int,
    said: str,
) -> None:
    monkeypatch.setattr(cli, "cmd_summarize", interrupted_import(signum))
    out = tmp_path / "s.json"
    out.write_text("OLD\n", encoding="utf-8")
    assert cli.main(["summarize", str(tmp_path), "-o", str(out)]) == code
    assert capsys.readouterr().err == said
    assert out.read_text(encoding="utf-8") == "OLD\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_an_import_error_without_a_signal_is_still_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real failed import (a broken install) is not hidden as an interrupt."""

    def broken(_argv: object) -> int:
        raise ImportError("numpy._core.multiarray failed to import")

    monkeypatch.setattr(cli, "cmd_summarize", broken)
    with pytest.raises(ImportError):
        cli.main(["summarize", "x", "-o", "y.json"])
