"""Shared fixtures: small eval directories written on the fly, a tiny word-level tokenizer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest


def write_jsonl(path: Path, records: Iterable[Any], *, raw_lines: Iterable[str] = ()) -> Path:
    """Write records as JSON lines (ensure_ascii=False), then any raw (possibly broken) lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.extend(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def jsonl() -> Callable[..., Path]:
    return write_jsonl


@pytest.fixture
def word_tokenizer(tmp_path: Path) -> Path:
    """A tiny whitespace word-level tokenizer.json: every word is one token (unknown words too)."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[UNK]": 0, "[BOS]": 1, "the": 2, "answer": 3, "is": 4}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    # A post-processor that adds [BOS]: lengths must not count it (add_special_tokens=False).
    from tokenizers import processors

    tokenizer.post_processor = processors.TemplateProcessing(
        single="[BOS] $A", special_tokens=[("[BOS]", 1)]
    )
    tokenizer.add_special_tokens(["[BOS]"])
    # Truncation saved in the file must not cap lengths either.
    tokenizer.enable_truncation(max_length=4)
    path = tmp_path / "tok" / "tokenizer.json"
    path.parent.mkdir()
    tokenizer.save(str(path))
    return path
