"""evaltui's own typographic characters on a stream that is not UTF-8 (PYTHONIOENCODING=ascii,
LANG=C): '→', '×', '·', '“”', '…' of a message built in the data layer were written '\\u2192',
'\\xd7', '\\xb7', '\\u201c', '\\u2026' (headless30/31 made the CLI's own cuts '...' only). They
are written in ASCII now; a file's text laid out in a table or a report keeps its escapes
(its '×' too)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evaltui.data.sanitize import PLAIN_GLYPHS, as_written, cut_mark, plain_glyphs
from tests.data.test_ascii_cuts import ascii_evaltui, common

#: a glyph of evaltui's as backslashreplace writes it ('\\u2192', '\\xd7')
ESCAPED_GLYPH = re.compile(
    "|".join(re.escape(g.encode("ascii", "backslashreplace").decode()) for g in PLAIN_GLYPHS)
)
LONG = "run_" + "y" * 70 + "_end"


@pytest.fixture
def two_runs(tmp_path: Path) -> Path:
    """Two runs of four prompts each, one of them under a label too long for a message, one
    prompt with CJK text (from the file: stays escaped)."""
    for run, correct in (("base · v2", (1, 1, 0, 0)), (LONG, (0, 1, 1, 1))):
        folder = tmp_path / "evals" / run
        folder.mkdir(parents=True)
        rows = [
            {"prompt": f"p{i} 3 × 4 模型", "gen": "1", "answer": "1", "accuracy": ok}
            for i, ok in enumerate(correct)
        ]
        (folder / "r.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
        )
    return tmp_path / "evals"


def test_summarize_compare_export_write_their_glyphs_in_ascii(
    two_runs: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """summarize's 'run × prompt', compare's '→' and '·' between counts, export's
    'text “…” · always' description: each in ASCII, no escape of evaltui's glyphs left."""
    opts = common(tmp_path, word_tokenizer)
    summary = ascii_evaltui(
        ["summarize", str(two_runs), "-o", str(tmp_path / "s.json"), "--table", *opts]
    )
    assert summary.returncode == 0, summary.stderr
    assert "(8 rows, run x prompt)" in summary.stderr
    # a label's '·' one way in the accuracy block, the triage lines and the table's header
    assert "\n  base - v2   " in summary.stderr and "\ntriage       base - v2: " in summary.stderr
    assert summary.stdout.startswith("metric  ") and "  base - v2  " in summary.stdout
    assert not ESCAPED_GLYPH.search(summary.stderr + summary.stdout), summary.stderr

    compare = ascii_evaltui(["compare", str(two_runs), "-o", str(tmp_path / "c.csv"), *opts])
    assert compare.returncode == 0, compare.stderr
    assert "improved 2 - regressed 1 - unchanged 1" in compare.stdout
    assert "% -> " in compare.stdout and "0.0% -> 100.0%" in compare.stdout
    own = (compare.stdout + compare.stderr).replace("3 \\xd7 4", "")  # the prompts' own
    assert not ESCAPED_GLYPH.search(own), compare.stdout
    # the prompts' own characters (the file's text, its '×' too) are still escaped, as before
    assert "p0 3 \\xd7 4 \\u6a21\\u578b" in compare.stdout

    export = ascii_evaltui(
        [
            "export",
            str(two_runs),
            "--text",
            "p",
            "--quick",
            "always",
            "-o",
            str(tmp_path / "e.csv"),
            *opts,
        ]
    )
    assert export.returncode == 0, export.stderr
    assert "wrote 5 rows (run x prompt) to " in export.stderr
    assert '(text "p" - always solved; ' in export.stderr
    assert not ESCAPED_GLYPH.search(export.stderr), export.stderr


def test_a_data_layer_error_cuts_with_dots_on_ascii(
    two_runs: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    """--correct-threshold RUN=X naming no run lists the loaded runs, a long label cut by the
    data layer with '…', written '\\u2026'."""
    argv = ["summarize", str(two_runs), "-o", str(tmp_path / "s.json")]
    proc = ascii_evaltui(
        [*argv, "--correct-threshold", "nosuch=0.3", *common(tmp_path, word_tokenizer)]
    )
    assert proc.returncode == 2, proc.stderr
    assert "not loaded: 'nosuch' (runs: base - v2, run_yyy" in proc.stderr
    assert "y..." in proc.stderr
    assert not ESCAPED_GLYPH.search(proc.stderr), proc.stderr


def test_plain_glyphs_by_encoding() -> None:
    """The fallback is per character: Latin-1 has '×' and '·' but no '→' or '…'; UTF-8 has
    all; a CJK character is no glyph of evaltui's and keeps its escape."""
    text = "a → b × c · d … 模"
    assert plain_glyphs(text, None) == text
    assert plain_glyphs(text, "ascii") == "a -> b x c - d ... 模"
    assert plain_glyphs(text, "latin-1") == "a -> b × c · d ... 模"
    # a file's text laid out is escaped as written, its '×' no glyph of evaltui's then
    written = "a \\u2192 b \\xd7 c \\xb7 d \\u2026 \\u6a21"
    assert as_written(text, "ascii") == written
    assert plain_glyphs(as_written(text, "ascii"), "ascii") == written
    assert cut_mark("ascii") == "..." and cut_mark("latin-1") == "..." and cut_mark(None) == "…"
