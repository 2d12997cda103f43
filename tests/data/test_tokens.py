"""Token lengths: identical to `tokenizers`, no special tokens, no truncation, and the length cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from evaltui.data.tokens import (
    DEFAULT_TOKENIZER_NAME,
    TokenizerError,
    count_in_batches,
    default_tokenizer_path,
    load_tokenizer,
)

TEXTS = [
    "",
    "The answer is \\boxed{42}.",
    "Let me think step by step.\n\nFirst, 3 × 4 = 12; then 12 + 30 = 42. 答案是 42。🙂",
    "word " * 3000,
    "\x1b[2J[/bold] NUL\x00 done",
]


def test_default_tokenizer_counts_match_tokenizers_exactly() -> None:
    info = load_tokenizer(None)
    assert info.name == DEFAULT_TOKENIZER_NAME
    reference = Tokenizer.from_file(str(default_tokenizer_path()))
    expected = [len(reference.encode(t, add_special_tokens=False).ids) for t in TEXTS]
    assert info.count(TEXTS).tolist() == expected
    assert expected[3] > 1000  # a long text is counted whole


def test_json_file_tokenizer_ignores_special_tokens_and_saved_truncation(
    word_tokenizer: Path,
) -> None:
    info = load_tokenizer(str(word_tokenizer))
    # One token per whitespace-separated word: no [BOS], no truncation at the file's max_length=4.
    assert info.count(["the answer is 42", "a b c d e f g", ""]).tolist() == [4, 7, 0]
    raw = Tokenizer.from_file(str(word_tokenizer))
    assert (
        len(raw.encode("a b c d e f g").ids) == 4
    )  # the file itself would have truncated (and added BOS)


def test_model_dir_loads_through_transformers(word_tokenizer: Path) -> None:
    model_dir = word_tokenizer.parent
    (model_dir / "tokenizer_config.json").write_text(
        '{"tokenizer_class": "PreTrainedTokenizerFast"}'
    )
    info = load_tokenizer(str(model_dir))
    assert info.name == str(model_dir)
    assert info.count(["the answer is 42 ok"]).tolist() == [5]


def test_fingerprint_follows_the_tokenizer(word_tokenizer: Path) -> None:
    assert (
        load_tokenizer(str(word_tokenizer)).fingerprint
        == load_tokenizer(str(word_tokenizer)).fingerprint
    )
    assert load_tokenizer(str(word_tokenizer)).fingerprint != load_tokenizer(None).fingerprint


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("Qwen/Qwen2.5-7B-Instruct", "looks like a hub id"),
        ("/nonexistent/model", "no such file or directory"),
    ],
)
def test_missing_model_is_a_clear_error_without_download(model: str, message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        load_tokenizer(model)


def test_bad_tokenizer_file(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{not a tokenizer")
    with pytest.raises(TokenizerError, match=r"not a valid tokenizer\.json"):
        load_tokenizer(str(bad))


def test_batches_cover_every_text_and_stop_on_cancel(word_tokenizer: Path) -> None:
    info = load_tokenizer(str(word_tokenizer))
    texts = [("w " * i).strip() for i in range(50)]
    seen: list[int] = []
    counts = count_in_batches(
        info, texts, batch_chars=20, on_batch=lambda done, _t, _s: seen.append(done)
    )
    assert counts is not None and counts.tolist() == list(range(50))
    assert len(seen) > 5 and seen[-1] == 50 and seen == sorted(seen)
    calls = iter([False, False, True])
    assert count_in_batches(info, texts, batch_chars=20, cancelled=lambda: next(calls)) is None


def test_length_cache_roundtrip_and_corruption(tmp_path: Path) -> None:
    from evaltui.data.cache import Cache

    cache = Cache(tmp_path / "cache")
    data = tmp_path / "a.jsonl"
    data.write_text("x\n")
    key = cache.key("fp", data, "plain", "opts")
    assert cache.get_lengths(key, 3) is None
    cache.put_lengths(key, np.array([1, 2, 3], dtype=np.uint32))
    assert cache.get_lengths(key, 3).tolist() == [1, 2, 3]  # type: ignore[union-attr]
    assert cache.get_lengths(key, 4) is None  # a row-count mismatch is a miss
    # Any change of tokenizer, reader options or file identity changes the key.
    assert (
        len({key, cache.key("fp2", data, "plain", "opts"), cache.key("fp", data, "plain", "o2")})
        == 3
    )
    cache._path(key, ".npy").write_bytes(b"garbage")
    assert cache.get_lengths(key, 3) is None


def test_directory_without_tokenizer_files(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(TokenizerError, match="no tokenizer files here"):
        load_tokenizer(str(tmp_path))


def test_batches_report_the_share_of_the_text_done(word_tokenizer: Path) -> None:
    """The texts go longest first: after the first batch few texts are done but most of the
    text, and the load's progress said '3/802 generations' beside most of the tokens (its
    share and ETA came from the rows done)."""
    info = load_tokenizer(str(word_tokenizer))
    texts = ["w " * 400] * 4 + ["w"] * 400
    seen: list[tuple[int, int, float]] = []
    counts = count_in_batches(
        info, texts, batch_chars=1000, on_batch=lambda *args: seen.append(args)
    )
    assert counts is not None
    done, tokens, share = seen[0]
    assert tokens >= 800 and share > 5 * done / len(texts), seen[0]
    assert share == pytest.approx(sum(len(t) for t in texts[:done]) / sum(len(t) for t in texts))
    assert [s for _d, _t, s in seen] == sorted(s for _d, _t, s in seen) and seen[-1][2] == 1.0
    assert sum(t for _d, t, _s in seen) == int(counts.sum())
