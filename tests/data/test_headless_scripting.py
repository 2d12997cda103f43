"""The headless commands as a script uses them: every output's bytes, names and messages.

A file or folder name with an undecodable byte, every bad line of a load (not only the first
five), a records export's line endings, three runs given to ``compare --runs``, and two outputs
of one ``compare`` that must be written both or neither."""

from __future__ import annotations

import json
import os
from pathlib import Path

from evaltui.cli import main
from tests.conftest import write_jsonl


def rec(prompt: str, ok: bool) -> dict[str, object]:
    return {"prompt": prompt, "gen": "so \\boxed{1}", "answer": "1", "accuracy": float(ok)}


def strict_json(path: Path | bytes) -> object:
    """``path``'s JSON, refusing what a strict reader refuses: a lone surrogate escape
    (``"\\udcff"``) parses in Python but is no Unicode text (jq shows U+FFFD, serde fails)."""
    value = json.loads(
        Path(os.fsdecode(path)).read_bytes() if isinstance(path, bytes) else path.read_bytes()
    )
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    return value


def test_names_with_undecodable_bytes_are_valid_unicode_in_every_manifest(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    root = os.fsencode(tmp_path / "evals")
    folder = os.path.join(root, b"m\xff")
    os.makedirs(folder)
    write_jsonl(Path(os.fsdecode(os.path.join(folder, b"r\xe9.jsonl"))), [rec("p1", True)])
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    out = os.path.join(os.fsencode(tmp_path), b"out\xfe")
    os.makedirs(out)
    records = os.fsdecode(os.path.join(out, b"x\xfe.jsonl"))
    assert main(["export", os.fsdecode(root), "--records", "-o", records, *common]) == 0
    mark = strict_json(Path(records + ".evaltui.json"))
    assert isinstance(mark, dict)
    source = mark["evaltui"]["sources"][0]
    assert source["path"].endswith("/m\\xff/r\\xe9.jsonl")
    assert source["task"] == "r\\xe9.jsonl"
    assert mark["evaltui"]["file"] == "x\\xfe.jsonl"
    summary = os.fsdecode(os.path.join(out, b"s\xfe.json"))
    assert main(["summarize", os.fsdecode(root), "-o", summary, *common]) == 0
    strict_json(Path(summary + ".evaltui.json"))
    # The outputs are still known as evaltui's: reading their folder finds no eval data.
    assert main(["summarize", os.fsdecode(out), "-o", str(tmp_path / "again.json"), *common]) == 2
