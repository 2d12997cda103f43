"""The data layer stays free of any UI import (DESIGN.md: one-way flow)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import evaltui


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def test_data_layer_imports_neither_textual_nor_rich() -> None:
    modules = _modules_after(
        "import evaltui.data, evaltui.data.loader, evaltui.data.export, evaltui.data.metrics,"
        " evaltui.data.formats, evaltui.data.sanitize, evaltui.data.tokens, evaltui.data.discover\n"
        "import pkgutil, importlib, evaltui.data\n"
        "for m in pkgutil.walk_packages(evaltui.data.__path__, 'evaltui.data.'):\n"
        "    importlib.import_module(m.name)"
    )
    assert "evaltui.data.loader" in modules  # the check itself ran
    leaked = {
        m for m in modules if m.split(".")[0] in {"textual", "rich"} or m.startswith("evaltui.app")
    }
    assert not leaked, f"evaltui.data pulled in UI modules: {sorted(leaked)[:10]}"


def test_cli_help_does_not_import_the_app() -> None:
    modules = _modules_after(
        "import contextlib, io, evaltui.cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    evaltui.cli.main(['summarize', '--help'])"
    )
    assert "evaltui.cli" in modules
    assert not any(m.startswith(("textual", "evaltui.app")) for m in modules)


def test_no_module_imports_another_modules_private_names() -> None:
    """A piece two modules share is public where it belongs: plain_wandb took plain_document's
    JSON scanning helpers (``_skip``, ``_key``, ``_Broken``, …) and the problems screen the
    notes' ``_NUMBER`` by their private names."""
    root = Path(evaltui.__file__).parent
    private = [
        f"{path.relative_to(root.parent)}:{node.lineno} {node.module}.{alias.name}"
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("evaltui")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []
