"""Exact token counts without building ``tokenizers`` encodings: tiktoken over the tokenizer's ranks.

A length only needs the number of tokens, not ids, offsets or strings. For the tokenizers this
module accepts (byte-level BPE, no normalizer, a pre-tokenizer whose Split regexes it knows), the
count is built from the same parts ``tokenizers`` uses, in the same order:

1. added tokens (``<think>``, ``<｜end▁of▁sentence｜>``, …) are matched first, leftmost-longest,
   the non-normalized ones before the normalized ones, exactly as ``tokenizers``' AddedVocabulary
   does; each is one token;
2. the text between them is split by the pre-tokenizer's regexes and each piece is BPE-merged,
   which ``tiktoken`` does in Rust given the vocabulary as ranks and the split as one pattern.

What is accepted is decided from the loaded tokenizer's own ``to_str()`` (a model directory can
carry added tokens the tokenizer.json lacks), by :func:`plan`: anything else gets a reason and the
caller counts with ``tokenizers``. Known differences between the engines are handled in the
pattern table: Oniguruma's ``\\p{N}{1,3}+`` is a repeated group, ``$`` is end of line, tiktoken
drops text its pattern does not match (every pattern here matches every character), and a
Sequence of Splits is one pattern only when each step's classes exclude what earlier steps isolated.
The loader self-checks every load against ``tokenizers`` (see :mod:`evaltui.data.tokens`).

Long texts are counted in bounded pieces: cut only before a space that is followed by an ASCII
letter, which every known pattern treats as the start of a new piece (the space is the optional
prefix of the word that follows; nothing before it can absorb it), so the sum is unchanged.
"""

from __future__ import annotations

import itertools
import json
import re
import string
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import polars as pl

from evaltui.data.schema import byte_sizes, elementwise

if TYPE_CHECKING:
    import tiktoken
    from tokenizers import Tokenizer

#: Characters per piece when a long text is counted in pieces (memory stays near this, not the text).
PIECE_CHARS = 1 << 20

_CJK = "一-龥぀-ゟ゠-ヿ"
_DEEPSEEK_STEP3 = (
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
    "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"
)
# DeepSeek-V3/V4: Split(\p{N}{1,3}) → Split(CJK runs) → Split(step 3) → ByteLevel. As one pattern:
# digits first; inside a CJK run step 3 still splits letters/marks from punctuation/symbols (and
# keeps unassigned code points as gaps); outside, step 3's classes exclude digits and CJK, and its
# lookahead treats a digit or CJK character as the end of the piece, as the separate steps do.
# Characters no alternative of step 3 takes (controls, format, unassigned) form gap pieces, which
# tokenizers keeps and tiktoken would drop: the last alternatives match those gaps.
_LM = f"[[\\p{{L}}\\p{{M}}]--[{_CJK}]]"
_DEEPSEEK_PATTERN = (
    "\\p{N}{1,3}"
    f"|[{_CJK}&&[^\\p{{L}}\\p{{M}}\\p{{P}}\\p{{S}}]]?[{_CJK}&&[\\p{{L}}\\p{{M}}]]+"
    f"|[{_CJK}&&[\\p{{P}}\\p{{S}}]]+"
    f"|(?:[{_CJK}&&[^\\p{{L}}\\p{{M}}\\p{{P}}\\p{{S}}]](?![{_CJK}&&[\\p{{L}}\\p{{M}}]]))+"
    "|[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
    f"|[^\\r\\n\\p{{L}}\\p{{P}}\\p{{S}}\\p{{N}}{_CJK}]?{_LM}+"
    f"| ?[[\\p{{P}}\\p{{S}}]--[{_CJK}]]+[\\r\\n]*"
    "|\\s*[\\r\\n]+"
    f"|\\s+(?![^\\s\\p{{N}}{_CJK}])"
    "|\\s+"
    f"|(?:[^\\s\\p{{L}}\\p{{M}}\\p{{P}}\\p{{S}}\\p{{N}}{_CJK}](?!{_LM}))+"
)
# Llama-3 (and cl100k written the same way): one Split whose pattern tiktoken reads as Oniguruma does.
_LLAMA3_PATTERN = (
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
    "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
)

#: The Split regexes of a pre-tokenizer (in order) -> the one tiktoken pattern that splits the same.
KNOWN_SPLITS: dict[tuple[str, ...], str] = {
    ("\\p{N}{1,3}", f"[{_CJK}]+", _DEEPSEEK_STEP3): _DEEPSEEK_PATTERN,
    (_LLAMA3_PATTERN,): _LLAMA3_PATTERN,
}

#: Marks, in the text given to tiktoken, where a lookahead of the pattern would end a piece (a
#: special token of the count path's encoding, like :data:`SEPARATOR`; see :class:`_Presplit`).
MARKER = "\x01"


@dataclass(frozen=True, slots=True)
class _Presplit:
    """A pattern of :data:`KNOWN_SPLITS` as tiktoken runs it: without lookarounds, plus the
    markers that stand for them.

    A lookaround makes tiktoken's regex a ``fancy_regex`` program: ~3.4x slower than the same
    pattern without one (32 vs 9.4 ms for a pass's 20k new trace chunks), and its scratch pools
    belong to the first thread that encodes (any other took +20-50 % per call). Each lookahead
    only ends a run one character early before certain characters: ``\\s+(?!\\S)`` (and
    DeepSeek's ``\\s+(?![^\\s\\p{N}CJK])``) leaves a whitespace run's last character for the next
    piece, DeepSeek's gap runs ``(?:G(?!LM))+`` leave their last character to prefix the letters
    after them. Every such place is the end of a run (after its last newline, for whitespace) of
    two characters or more followed by such a character: a marker put before the run's last
    character ends the piece there (tiktoken encodes the text on each side of a special token on
    its own), and the pattern's plain ``\\s+`` / ``G+`` take the rest, as the lookahead did. Each
    rule is a Rust regex of three groups (the marker goes between the first two); ``exclude``
    (the separator and the marker) is no part of any run and ends a text.
    """

    pattern: str
    """The tiktoken pattern: the known one without its lookaheads."""
    rules: Callable[[str], tuple[tuple[str, str], ...]]
    """``exclude`` -> the rules, applied in order (each one's runs untouched by the ones before):
    each a class of the run's characters and a class of the character after it."""

    def marking(self, exclude: str) -> _Marking:
        rules = self.rules(exclude)
        regexes = tuple(f"({run}+)({run})({stop})" for run, stop in rules)
        # Where the text is ASCII, numpy finds whether any rule applies: each byte's flags (two
        # bits per rule: in its run, after its run) looked up, then three shifted ANDs (mostly
        # without the GIL; bytes.translate and a search per rule held it ~2 ms per 8 MB pass of
        # traces, polars' regex took ~1 ms and ran partly on its pool).
        chars = pl.Series([chr(c) for c in range(128)], dtype=pl.String)
        if len(rules) > 32:
            return _Marking(regexes, None)  # more than 64 bits of flags: polars' regex
        dtype = np.dtype(np.uint8 if len(rules) <= 4 else np.uint64)
        flags = np.zeros(256, dtype=dtype)
        runs_mask = 0
        for rule, (run, stop) in enumerate(rules):
            runs = chars.str.contains(f"^{run}$").to_numpy()
            stops = chars.str.contains(f"^{stop}$").to_numpy()
            if (runs & stops).any():
                return _Marking(regexes, None)
            if runs.any() and stops.any():
                flags[:128][runs] |= dtype.type(1 << (2 * rule))
                flags[:128][stops] |= dtype.type(2 << (2 * rule))
                runs_mask |= 1 << (2 * rule)
        return _Marking(regexes, (flags, runs_mask))


@dataclass(frozen=True, slots=True)
class _Marking:
    regexes: tuple[str, ...]
    """Per rule: the run but its last character, that character, the character after."""
    ascii: tuple[np.ndarray, int] | None
    """Each ASCII byte's flags (bit ``2k``: in rule ``k``'s run, ``2k + 1``: after it) and the
    run bits of the rules with ASCII runs."""

    def mark(self, text: str, marker: str) -> str:
        """``text`` with ``marker`` before the last character of every run a lookahead ends early."""
        return self.mark_many([text], marker)[0]

    def mark_many(self, texts: list[str], marker: str) -> list[str]:
        """:meth:`mark` of each text, in a few polars calls for them all (each call costs
        ~50 us whatever its size)."""
        if self.ascii is not None and all(text.isascii() for text in texts):
            # (What joins them may only make a text look as if it had a run: never hide one.)
            raw = (
                texts[0].encode("ascii")
                if len(texts) == 1
                else b"\x00".join(text.encode("ascii") for text in texts)
            )
            flags, runs_mask = self.ascii
            byte = np.take(flags, np.frombuffer(raw, dtype=np.uint8))
            # A run's character, another, then one after the run: the rule's "aab".
            found = byte[:-2] & byte[1:-1]
            found &= byte[2:] >> 1
            found &= runs_mask
            if not found.any():
                return texts  # the common case
        series = self.mark_series(pl.Series(texts, dtype=pl.String), marker)
        if series is None:
            return texts  # no captures needed
        marked: list[str] = series.to_list()
        return marked

    def mark_series(self, series: pl.Series, marker: str) -> pl.Series | None:
        """:meth:`mark` of each text of a String Series by polars' regexes, on the calling thread
        (without the GIL); None when no rule applies (the common case)."""
        anywhere = "|".join(self.regexes)
        if not on_caller(series, _column().str.contains(anywhere)).any():
            return None
        for regex in self.regexes:
            series = on_caller(
                series, _column().str.replace_all(regex, "${1}" + marker + "${2}${3}")
            )
        return series


def _escape_class(chars: str) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" for c in chars)


def _whitespace_rule(stops: str, exclude: str) -> tuple[str, str]:
    """A run of two or more whitespace characters but newlines (what follows a run's last
    newline), followed by a character of the class ``stops`` (the lookahead's negated class)."""
    return "[^\\S\\r\\n]", f"[{stops}&&[^{_escape_class(exclude)}]]"


_GAP = f"[^\\s\\p{{L}}\\p{{M}}\\p{{P}}\\p{{S}}\\p{{N}}{_CJK}]"
_CJK_GAP = f"[{_CJK}&&[^\\p{{L}}\\p{{M}}\\p{{P}}\\p{{S}}]]"
_CJK_LM = f"[{_CJK}&&[\\p{{L}}\\p{{M}}]]"
_DEEPSEEK_LOOKAHEADS = (
    (f"|(?:{_CJK_GAP}(?!{_CJK_LM}))+", f"|{_CJK_GAP}+"),
    (f"|\\s+(?![^\\s\\p{{N}}{_CJK}])", ""),
    (f"|(?:{_GAP}(?!{_LM}))+", f"|{_GAP}+"),
)


def _without(pattern: str, replacements: Sequence[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert pattern.count(old) == 1, old
        pattern = pattern.replace(old, new)
    assert "(?=" not in pattern and "(?!" not in pattern
    return pattern


def _deepseek_rules(exclude: str) -> tuple[tuple[str, str], ...]:
    return (
        _whitespace_rule(f"[^\\s\\p{{N}}{_CJK}]", exclude),
        (f"[{_GAP}&&[^{_escape_class(exclude)}]]", _LM),
        (_CJK_GAP, _CJK_LM),
    )


def _llama3_rules(exclude: str) -> tuple[tuple[str, str], ...]:
    return (_whitespace_rule("\\S", exclude),)


#: Each pattern of :data:`KNOWN_SPLITS` as tiktoken runs it.
PRESPLITS: dict[str, _Presplit] = {
    _DEEPSEEK_PATTERN: _Presplit(
        _without(_DEEPSEEK_PATTERN, _DEEPSEEK_LOOKAHEADS), _deepseek_rules
    ),
    _LLAMA3_PATTERN: _Presplit(_without(_LLAMA3_PATTERN, [("|\\s+(?!\\S)", "")]), _llama3_rules),
}

# A space followed by an ASCII letter starts a piece under every known pattern.
_CUT = re.compile(" [A-Za-z]")
_CHUNKS = re.compile(" (?=[A-Za-z])")  # splits there, dropping the space (restored when counted)
#: Marks a cut in the native path (a text holding one is counted on the Python path).
SENTINEL = "\x00"
#: Stands for an added token in the native path, between two cut marks: a chunk of its own,
#: one byte that byte-level BPE counts as one token, as the added token counts.
ADDED = "\x02"
_CUT_FROM = [" " + c for c in string.ascii_letters]
_CUT_TO = [SENTINEL + " " + c for c in string.ascii_letters]
#: Joins the chunks counted in one tiktoken call: a special token of the count path's encoding
#: (one token each, and tiktoken encodes the text between two on its own), so the tokens between
#: separators are each chunk's count. A batch whose chunks hold one is counted chunk by chunk.
SEPARATOR = SENTINEL
#: Bounds of the chunk -> count cache (entries, characters held); past either it starts over.
CACHE_ENTRIES = 1_000_000
CACHE_CHARS = 32_000_000
#: Numbers a counting thread's chunk table has room for at first (it doubles when short).
TABLE_START = 1 << 15
#: Distinct chunks a chunk table holds per counting thread before it starts over (~100 bytes
#: per chunk in polars' mapping): unbounded (~70k per thread, a table each) took the peak RSS
#: of a cold ``summarize`` of "small" to 1.44-1.52x its input, 32k kept it at 1.40-1.42x.
TABLE_ENTRIES = 1 << 15
#: Bytes of text per unit of work (one pass, one thread), at least (but for a call's last
#: unit) and at most: memory per thread stays near a few times the largest. See :func:`unit_chars`.
UNIT_CHARS = 524_288
MAX_UNIT_CHARS = 4 * UNIT_CHARS


def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte-level alphabet: the printable character standing for each byte."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}


@dataclass(frozen=True, slots=True)
class _AddedPass:
    pattern: re.Pattern[str]
    firsts: str
    """Every first character of the tokens: a text holding none of them has none of the tokens."""
    contents: tuple[str, ...]


def _added_pass(contents: Sequence[str]) -> _AddedPass | None:
    if not contents:
        return None
    # Longest first at each position = leftmost-longest (tokenizers' aho-corasick match kind).
    ordered = sorted(set(contents), key=lambda c: (-len(c), c))
    body = "|".join(re.escape(c) for c in ordered)
    return _AddedPass(re.compile(body), "".join(sorted({c[0] for c in ordered})), tuple(ordered))


def _merge_result(merge: Any) -> str | None:
    if isinstance(merge, str):
        left, sep, right = merge.partition(" ")
        return left + right if sep else None
    if isinstance(merge, list) and len(merge) == 2 and all(isinstance(m, str) for m in merge):
        return str(merge[0]) + str(merge[1])
    return None


def _split_regexes(pre: Any) -> tuple[tuple[str, ...], str | None]:
    """The Split regexes of a byte-level pre-tokenizer, or a reason it is not one we know."""
    steps = pre.get("pretokenizers") if isinstance(pre, dict) else None
    if not isinstance(pre, dict) or pre.get("type") != "Sequence" or not isinstance(steps, list):
        return (
            (),
            f"pre-tokenizer {pre.get('type') if isinstance(pre, dict) else pre!r} is not a Sequence of Splits",
        )
    *splits, last = steps or [None]
    if not (
        isinstance(last, dict)
        and last.get("type") == "ByteLevel"
        and not last.get("add_prefix_space")
        and not last.get("use_regex")
    ):
        return (), "the pre-tokenizer does not end in a plain ByteLevel step"
    regexes: list[str] = []
    for step in splits:
        pattern = step.get("pattern") if isinstance(step, dict) else None
        if not (
            isinstance(step, dict)
            and step.get("type") == "Split"
            and step.get("behavior") == "Isolated"
            and not step.get("invert")
            and isinstance(pattern, dict)
            and isinstance(pattern.get("Regex"), str)
        ):
            return (), "a pre-tokenizer step is not an isolated regex Split"
        regexes.append(pattern["Regex"])
    if tuple(regexes) not in KNOWN_SPLITS:
        return (), "its pre-tokenizer regexes are not among the ones the count path knows"
    return tuple(regexes), None


def splits_cuttable(spec: dict[str, Any]) -> bool:
    """True when ``tokenizers`` itself may count a long text in :func:`bounded_pieces`.

    That needs a known pre-tokenizer and no added token containing a space (a cut inside one
    would stop it matching).
    """
    _regexes, reason = _split_regexes(spec.get("pre_tokenizer"))
    added = spec.get("added_tokens") or []
    return reason is None and not any(" " in str(a.get("content", "")) for a in added)


def states_what_plans_read(spec: Any) -> bool:
    """True when a tokenizer.json read from disk (not the loaded tokenizer's ``to_str()``) says
    explicitly everything :func:`plan_parts` and :func:`splits_cuttable` read whose absence
    ``tokenizers`` would not take as false or empty.

    ``to_str()`` writes every field; a file may leave some out, and ``tokenizers`` then uses its
    defaults (ByteLevel's ``add_prefix_space`` and ``use_regex`` are true when absent). For such a
    file, what the gates decide from it could differ from what they decide from ``to_str()``, so
    only a file that states them is planned from directly.
    """
    if not isinstance(spec, dict):
        return False
    model, pre = spec.get("model"), spec.get("pre_tokenizer")
    if not isinstance(model, dict) or not isinstance(pre, dict):
        return False
    vocab, merges = model.get("vocab"), model.get("merges")
    if not isinstance(vocab, dict) or not isinstance(merges, list):
        return False
    if not all(type(rank) is int for rank in vocab.values()):
        return False  # tokenizers refuses it (the plan would take it for ranks)
    normalizer = spec.get("normalizer")
    if normalizer is not None and not (
        isinstance(normalizer, dict) and isinstance(normalizer.get("normalizers"), list)
    ):
        return False
    steps = pre.get("pretokenizers")
    if not isinstance(steps, list) or not steps:
        return False
    for step in steps:
        if not isinstance(step, dict):
            return False
        if step.get("type") == "ByteLevel" and not all(
            isinstance(step.get(name), bool) for name in ("add_prefix_space", "use_regex")
        ):
            return False
        if step.get("type") == "Split" and not (
            isinstance(step.get("invert"), bool) and isinstance(step.get("behavior"), str)
        ):
            return False
    added = spec.get("added_tokens", [])
    flags = ("lstrip", "rstrip", "single_word", "normalized")
    return isinstance(added, list) and all(
        isinstance(a, dict)
        and isinstance(a.get("content"), str)
        and all(isinstance(a.get(name), bool) for name in flags)
        for a in added
    )


#: Key :func:`tokenizer_spec` adds: the loaded tokenizer's ``encode_special_tokens``, which
#: ``to_str()`` leaves out (transformers sets it from tokenizer_config.json's
#: ``split_special_tokens``: special tokens are then split as text, not matched whole).
ENCODE_SPECIAL_TOKENS = "evaltui:encode_special_tokens"


def tokenizer_spec(tokenizer: Tokenizer) -> dict[str, Any]:
    """The loaded tokenizer's own description (what gates are built from, never the file on disk)."""
    spec: dict[str, Any] = json.loads(tokenizer.to_str())
    spec[ENCODE_SPECIAL_TOKENS] = bool(tokenizer.encode_special_tokens)
    return spec


@dataclass(frozen=True, slots=True)
class CountPlan:
    """What a :class:`FastCounter` is built from (small enough to cache per tokenizer)."""

    pattern: str
    """The one tiktoken pattern (a value of :data:`KNOWN_SPLITS`)."""
    tokens: list[bytes]
    """Every byte-level vocabulary entry, as bytes..."""
    ids: list[int]
    """...and its id (its rank)."""
    raw: list[str]
    """Added tokens matched on the raw text, then the normalized ones (there is no normalizer)."""
    normalized: list[str]

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The plan as plain arrays (for ``np.savez``; no pickling)."""
        meta = {"pattern": self.pattern, "raw": self.raw, "normalized": self.normalized}
        return {
            "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            "blob": np.frombuffer(b"".join(self.tokens), dtype=np.uint8),
            "sizes": np.fromiter(map(len, self.tokens), dtype=np.uint32, count=len(self.tokens)),
            "ids": np.asarray(self.ids, dtype=np.int64),
        }

    @staticmethod
    def from_arrays(arrays: Any) -> CountPlan:
        """The inverse of :meth:`to_arrays`; ValueError/KeyError/TypeError when it does not fit."""
        meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
        blob = bytes(arrays["blob"])
        sizes, ids = arrays["sizes"], arrays["ids"]
        if sizes.ndim != 1 or ids.shape != sizes.shape or int(sizes.sum()) != len(blob):
            raise ValueError("inconsistent plan arrays")
        ends = np.cumsum(sizes, dtype=np.int64).tolist()
        starts = [0, *ends[:-1]]
        tokens = [blob[a:b] for a, b in zip(starts, ends, strict=True)]
        pattern, raw, normalized = meta["pattern"], meta["raw"], meta["normalized"]
        if pattern not in KNOWN_SPLITS.values():
            raise ValueError("unknown pattern")
        if not all(isinstance(c, str) for c in [*raw, *normalized]):
            raise TypeError("added tokens are not strings")
        return CountPlan(pattern, tokens, ids.tolist(), list(raw), list(normalized))

    def build(self) -> FastCounter:
        import tiktoken

        # Two special tokens, never in the vocabulary: one separates the chunks of one encode call
        # (tiktoken encodes the text on each side of it on its own), the other marks where the
        # pattern's lookaheads would end a piece (see _Presplit).
        separator = max(self.ids, default=0) + 1
        presplit = PRESPLITS[self.pattern]
        # One Encoding for every counting thread: its regex has a clone per thread, and the
        # pattern has no lookaround (see _Presplit), so nothing of one thread's encoding slows
        # another's. (A second thread's own Encoding cost ~0.13-0.26 s to build in the first
        # 2-thread count of a process, for no gain later; benchmarks/RESULTS.md, perf11o.)
        encoding = tiktoken.Encoding(
            "evaltui-count",
            pat_str=presplit.pattern,
            mergeable_ranks=dict(zip(self.tokens, self.ids, strict=True)),
            special_tokens={SEPARATOR: separator, MARKER: separator + 1},
        )
        encoding._mergeable_ranks = {}  # a 13 MiB copy of the ranks kept only for pickling
        return FastCounter(
            encoding, _added_pass(self.raw), _added_pass(self.normalized), separator, presplit
        )


def _byte_table() -> dict[int, int]:
    """str.translate table: each byte-level character to the code point of its byte; every other
    character below 256 to U+FFFF, so that encoding the result as latin-1 fails for it."""
    table = dict.fromkeys(range(256), 0xFFFF)
    table.update({ord(ch): byte for ch, byte in _byte_decoder().items()})
    return table


def plan(spec: dict[str, Any]) -> tuple[FastCounter | None, str]:
    """A :class:`FastCounter` for a tokenizer's :func:`tokenizer_spec`, or None and the reason."""
    parts, reason = plan_parts(spec)
    return (parts.build(), "") if parts is not None else (None, reason)


def plan_parts(spec: dict[str, Any]) -> tuple[CountPlan | None, str]:
    """What :func:`plan` builds from, or None and the reason the tokenizer is not accepted."""
    try:
        import tiktoken  # noqa: F401
    except ImportError:
        return None, "tiktoken is not installed"
    model = spec.get("model") or {}
    if model.get("type") != "BPE":
        return None, f"model type {model.get('type')} is not BPE"
    if model.get("dropout") or model.get("byte_fallback"):
        return None, "BPE with dropout or byte fallback"
    if model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        return None, "BPE with subword prefixes/suffixes"
    normalizer = spec.get("normalizer")
    if normalizer is not None and not (
        normalizer.get("type") == "Sequence" and not normalizer.get("normalizers")
    ):
        return None, f"normalizer {normalizer.get('type')}"
    regexes, reason = _split_regexes(spec.get("pre_tokenizer"))
    if reason is not None:
        return None, reason
    added = spec.get("added_tokens") or []
    if spec.get(ENCODE_SPECIAL_TOKENS):
        return None, "special tokens are split as text (split_special_tokens)"
    if any(a.get("lstrip") or a.get("rstrip") or a.get("single_word") for a in added):
        return None, "added tokens with lstrip/rstrip/single_word"
    table = _byte_table()
    vocab: dict[str, int] = model.get("vocab") or {}
    added_contents = {a.get("content") for a in added}
    tokens: list[bytes] = []
    ids: list[int] = []
    for token, rank in vocab.items():
        try:
            tokens.append(token.translate(table).encode("latin-1"))
        except UnicodeEncodeError:
            if token not in added_contents:
                return None, f"vocabulary entry {token!r} is not byte-level"
            continue
        ids.append(rank)
    if not {bytes([b]) for b in range(256)} <= set(tokens):
        return None, "the vocabulary lacks some of the 256 byte tokens"
    # tiktoken merges the pair whose result has the lowest rank, tokenizers the earliest merge:
    # the same only when merges produce tokens in id order.
    merged = [vocab.get(r, -1) if r is not None else -1 for r in _merge_results(model)]
    order = np.asarray(merged, dtype=np.int64)
    if len(order) and (order.min() < 0 or bool((np.diff(order) < 0).any())):
        return None, "merges are not in token-id order"
    raw = [a["content"] for a in added if not a.get("normalized") and a.get("content")]
    normalized = [a["content"] for a in added if a.get("normalized") and a.get("content")]
    return CountPlan(KNOWN_SPLITS[regexes], tokens, ids, raw, normalized), ""


def _merge_results(model: dict[str, Any]) -> list[str | None]:
    """What each merge produces (None for a malformed merge), in merge order."""
    merges = model.get("merges") or []
    if all(type(m) is list and len(m) == 2 and type(m[0]) is type(m[1]) is str for m in merges):
        return [a + b for a, b in merges]
    if all(type(m) is str and m.count(" ") == 1 for m in merges):
        return [m.replace(" ", "", 1) for m in merges]
    return [_merge_result(m) for m in merges]


def bounded_pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into pieces of about ``limit`` characters, only where a cut keeps the count.

    A piece runs past ``limit`` when no safe cut follows soon (a long run of CJK, say).
    """
    return list(iter_pieces(text, limit))


def iter_pieces(text: str, limit: int = PIECE_CHARS) -> Iterator[str]:
    """:func:`bounded_pieces`, one piece at a time (only one piece's copy is alive)."""
    if len(text) <= limit:
        yield text
        return
    start = 0
    while len(text) - start > limit:
        found = _CUT.search(text, start + limit)
        if found is None:
            break
        yield text[start : found.start()]
        start = found.start()
    yield text[start:]


def safe_prefix(text: str, limit: int) -> str:
    """The start of ``text``, about ``limit`` characters, ending where the pre-tokenizer cuts."""
    found = _CUT.search(text, limit)
    return text if found is None else text[: found.start()]


def unit_chars(remaining: int, threads: int) -> int:
    """Bytes for the next unit of a call that has ``remaining`` bytes left to hand out.

    A share of what is left (guided self-scheduling): a large call's first units are large, and
    a unit's bookkeeping held under the GIL (its distinct chunks turned into Python strings and
    looked up) costs less per byte in a large unit, where more of the chunks repeat; its last
    units are small, so the threads finish it together rather than one idling while the other
    counts a whole large unit. Between :data:`UNIT_CHARS` and :data:`MAX_UNIT_CHARS`.

    One thread has no other to finish with: its units are all of the largest size. (A followed
    update of ~1 MB was two units, and each unit's fixed cost, ~0.5-1 ms of queries, the Arrow
    cut and the tiktoken call, was paid twice.)
    """
    if threads <= 1:
        return MAX_UNIT_CHARS
    return min(MAX_UNIT_CHARS, max(UNIT_CHARS, remaining // (2 * threads)))


class FastCounter:
    """Count-only BPE for an accepted tokenizer (see :func:`plan`).

    Texts are cut into chunks where the pre-tokenizer always cuts (before a space + ASCII letter:
    mostly words) and at added tokens; each distinct chunk is counted by tiktoken once per load
    and counting thread (and remembered by number) and the chunks' counts are summed per text.
    The cutting, the numbering and the sums run in polars (without the GIL) and numpy on the
    counting thread, so several threads count at once; only the chunks a thread has not met
    before cross into Python, to go to tiktoken. A followed update's counter (one thread,
    :attr:`arrow_cut`) finds the cut in numpy and numbers the chunks with Arrow
    (:func:`arrow_chunks`).
    """

    def __init__(
        self,
        encoding: tiktoken.Encoding,
        raw: _AddedPass | None,
        normalized: _AddedPass | None,
        separator: int,
        presplit: _Presplit | None = None,
    ) -> None:
        self.encoding = encoding
        """Splits by :attr:`presplit`'s pattern: text goes through :meth:`encode_ordinary`."""
        self.presplit = presplit or PRESPLITS[_LLAMA3_PATTERN]
        self._marking = self.presplit.marking(SEPARATOR + MARKER)
        self._markings: dict[str, _Marking] = {}  # for encode_ordinary's markers
        # With a lookaround in the pattern, tiktoken's regex scratch space belonged to the first
        # thread that encoded (its per-thread regex clones shared fancy_regex's program and the
        # pools in it). The pattern given to tiktoken has none now (see _Presplit): each clone
        # has pools of its own, and every counting thread encodes with this one Encoding.
        self._threads_state = threading.local()
        self._claim = threading.Lock()
        self._separator = separator  # the id of SEPARATOR in encoding (past the vocabulary)
        self.raw = raw
        self.normalized = normalized
        self.threads = 1
        self.arrow_cut = False
        """Cut and number on one thread with numpy and Arrow (:func:`arrow_chunks`): set for a
        followed update's counter. Not for loads: importing ``pyarrow.compute`` adds ~35-40 MB
        to the process (a cold one-thread ``summarize`` of a 82 MB file: 289 -> 319 MB peak)."""
        self._pool: ThreadPoolExecutor | None = None
        self._pool_threads = 0
        self._cache: dict[str, int] = {}
        self._cache_chars = 0
        # Each counting thread's own chunk -> count memory, kept out of Python (see _ChunkTable),
        # of this generation (reset() starts a new one). The dict above serves the Python path,
        # and the native one with a polars that lacks ``pl.Categories``.
        self._tables = _ChunkTable.available()
        self._shared: _SharedChunkTable | None = None  # the counting threads' (threads > 1)
        self._generation = 0
        passes = [p for p in (raw, normalized) if p is not None]
        # The native path marks cuts with NUL and added tokens with ADDED: an added token holding
        # either keeps every text on the Python path (a text holding NUL takes it on its own).
        self._native = not any(
            SENTINEL in p.contents or any(ADDED in c for c in p.contents) for p in passes
        )
        self._added_regexes = [_rust_alternation(p.contents) for p in passes]
        # Each pass's added tokens replaced by ADDED between two cut marks, in order.
        replace_added = _column()
        for regex in self._added_regexes:
            replace_added = replace_added.str.replace_all(regex, SENTINEL + ADDED + SENTINEL)
        # A unit's one query before its chunks are numbered (see _count_unit), by whether the
        # text is then cut by arrow_chunks.
        self._unit_queries = {
            arrow: (
                _HOLDS_SENTINEL.alias(_HOLDS),
                (replace_added if arrow else _cut_and_split(replace_added)).alias(_CUT_COLUMN),
            )
            for arrow in (False, True)
        }
        # Pieces of a long text may be cut before added tokens are matched only when no added
        # token holds a space (a cut inside one would stop it matching).
        self._pieces_first = not any(" " in c for p in passes for c in p.contents)

    def set_threads(self, threads: int) -> None:
        self.threads = max(1, threads)

    def count(self, texts: Sequence[str] | pl.Series) -> np.ndarray:
        """Token counts of ``texts``, as ``len(encode(text, add_special_tokens=False))``.

        Work goes out in units of about :data:`UNIT_CHARS` (a long text in pieces cut where the
        pre-tokenizer cuts), over :attr:`threads` threads, so memory stays bounded whatever the
        length of one text.

        Before the first unit starts, only the texts' sizes are taken (on the calling thread,
        while the counting threads wait): a list of texts becomes polars Series unit by unit,
        and texts holding NUL are found by each unit (see :meth:`_count_unit`), on the counting
        threads. (The whole list made one Series, its sizes and the NUL check took ~2.5 ms of
        an 8 MB call's ~100 ms on 2 threads, with the second thread idle.)
        """
        listed, sizes = _listed_sizes(texts)
        if listed is None:
            series = _as_series(texts)
            listed_or_series: list[str] | pl.Series = series
            sizes = byte_sizes(series) if len(series) else np.zeros(0, dtype=np.int64)
        else:
            listed_or_series = listed
        total = len(sizes)
        counts = np.zeros(total, dtype=np.int64)
        if total == 0:
            return counts.astype(np.uint32)
        python = np.zeros(total, dtype=bool) if self._native else np.ones(total, dtype=bool)
        long_rows = np.flatnonzero((sizes > PIECE_CHARS) & ~python)
        if not self._pieces_first:
            python[long_rows] = True
            long_rows = long_rows[:0]
        short = np.flatnonzero((sizes <= PIECE_CHARS) & ~python)
        units = self._units(listed_or_series, sizes, short, long_rows)
        for part in self._run(units, total):
            counts += part
        rows = np.flatnonzero(python)
        texts_of = (_text_at(listed_or_series, int(row)) for row in rows)  # one at a time
        counts[rows] += np.asarray(self._count_python(texts_of, len(rows)), dtype=np.int64)
        return counts.astype(np.uint32)

    def _units(
        self,
        texts: list[str] | pl.Series,
        sizes: np.ndarray,
        short: np.ndarray,
        long_rows: np.ndarray,
    ) -> Iterator[tuple[np.ndarray, list[str] | pl.Series]]:
        """(row of each text, texts): short texts in units of :func:`unit_chars` bytes (a text
        at least), then each long text's pieces in units of about :data:`UNIT_CHARS`. From a
        list, a unit's texts are a list (made a Series by the thread that counts it)."""
        remaining = int(sizes[short].sum()) + int(sizes[long_rows].sum())
        if len(short):
            # Consecutive rows per unit (callers pass them longest first: units of similar texts).
            cumulative = np.cumsum(sizes[short])
            start = 0
            while start < len(short):
                done = int(cumulative[start - 1]) if start else 0
                target = done + unit_chars(remaining, self.threads)
                end = min(max(int(np.searchsorted(cumulative, target)) + 1, start + 1), len(short))
                part = short[start:end]
                remaining -= int(cumulative[end - 1]) - done
                start = end
                adjacent = part[-1] - part[0] + 1 == len(part)
                if isinstance(texts, list):
                    first = int(part[0])
                    yield (
                        part,
                        texts[first : first + len(part)]
                        if adjacent
                        else [texts[int(row)] for row in part],
                    )
                elif adjacent:  # a view, not a copy
                    yield part, texts.slice(int(part[0]), len(part))
                else:
                    yield part, texts.gather(part)
        # A long text's pieces stay in units of UNIT_CHARS: that path exists to bound memory
        # (2 MB units raised the peak RSS of counting one 48 MB text by 40-70 MB).
        for row in long_rows:
            text = _text_at(texts, int(row))
            group: list[str] = []
            held = 0
            for piece in iter_pieces(text, UNIT_CHARS):
                group.append(piece)
                held += len(piece)
                if held >= UNIT_CHARS:
                    yield np.full(len(group), row), pl.Series(group, dtype=pl.String)
                    group, held = [], 0
            if group:
                yield np.full(len(group), row), pl.Series(group, dtype=pl.String)

    def _run(
        self, units: Iterator[tuple[np.ndarray, list[str] | pl.Series]], total: int
    ) -> Iterator[np.ndarray]:
        """Per-row counts of each unit, over the thread pool (a few units in flight at most)."""
        if self.threads <= 1:
            for rows, texts in units:
                yield self._count_unit(rows, texts, total)
            return
        if self._pool is None or self._pool_threads != self.threads:
            if self._pool is not None:
                self._pool.shutdown(wait=False)
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="evaltui-count")
            self._pool_threads = self.threads
        pending: deque[Future[np.ndarray]] = deque()
        for rows, texts in units:
            pending.append(self._pool.submit(self._count_unit, rows, texts, total))
            if len(pending) >= 2 * self.threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _count_unit(self, rows: np.ndarray, texts: list[str] | pl.Series, total: int) -> np.ndarray:
        """Per-row sums over ``total`` rows of one unit's counts.

        One polars query takes the unit's texts to chunks: whether each text holds NUL (which
        the native path uses to mark cuts), and the text with each added token
        replaced by :data:`ADDED` between two NULs (a chunk of its own counting one token, as
        the added token does), then a NUL before every cut, split there (with
        :attr:`arrow_cut`: the same chunks from :func:`arrow_chunks`). Texts holding NUL are
        counted on the Python path (:meth:`_count_python`), here on the counting thread. The
        chunks' counts come from :meth:`_table_lengths` (or, without ``pl.Categories``,
        :func:`_distinct` and the dict), and each text's chunks' counts are summed with numpy.
        (The NUL check, the added tokens, their count and the cut were four queries: each
        query's Python side holds the GIL, ~0.03-0.08 ms, and the count read every text again.)

        Every step is a Series operation that polars runs on the calling thread with the GIL
        released, not a query handed to polars' pool: with two counting threads, each unit's
        ``group_by`` there was split over both pool threads while the other thread's query
        waited (~12 % more CPU than one thread for the same work).
        """
        texts = _unit_series(texts)
        counts = np.zeros(total, dtype=np.int64)
        arrow = self.arrow_cut and self.threads <= 1
        query = self._unit_queries[arrow]
        frame = elementwise(texts, lambda s: on_caller_frame(s, query))
        holding = frame.get_column(_HOLDS).to_numpy()
        cut = frame.get_column(_CUT_COLUMN)
        if holding.any():
            at = np.flatnonzero(holding)
            np.add.at(
                counts,
                rows[at],
                self._count_python((str(texts[int(i)]) for i in at), len(at)),
            )
            rows, cut = rows[~holding], cut.filter(pl.Series(~holding))
            if not len(rows):
                return counts
        if arrow:
            # A followed update's counter (one thread): cut in numpy and numbered by Arrow
            # (:func:`arrow_chunks`), the same chunks for less CPU (1 MB of traces: ~8 ms
            # against ~17 for the split, the explode and the cast of every chunk). Several
            # threads keep the split (this path's scaling over threads was not measured).
            which, numbered, starts = arrow_chunks(cut)
            if self._tables:  # only the distinct chunks are looked up
                lengths = self._table_lengths(numbered).astype(np.int64)[which]
            else:
                counted = self._chunk_lengths(numbered.to_list())
                lengths = np.asarray(counted, dtype=np.int64)[which]
            np.add.at(counts, rows, np.add.reduceat(lengths, starts, dtype=np.int64))
            return counts
        pieces = cut
        # Every text splits into one chunk at least (an empty text into ""): each text's chunks
        # are the non-empty run of the exploded chunks that starts at its offset.
        starts = np.cumsum(pieces.list.len().to_numpy(), dtype=np.int64)
        starts = np.concatenate(([0], starts[:-1]))
        # The empty chunk (before a text's first cut, between adjacent added tokens) is one of
        # them: tiktoken counts it 0, and it is remembered like any other.
        if self._tables:
            lengths = self._table_lengths(pieces.explode())
        else:
            which, distinct = _distinct(pieces.explode())
            lengths = np.asarray(self._chunk_lengths(distinct), dtype=np.int64)[which]
        np.add.at(counts, rows, np.add.reduceat(lengths, starts, dtype=np.int64))
        return counts

    def _table_lengths(self, chunks: pl.Series) -> np.ndarray:
        """Each chunk's token count, from this thread's :class:`_ChunkTable` (one thread) or the
        counting threads' :class:`_SharedChunkTable` (several): the chunks are numbered by a cast
        into its categories (in Rust, without the GIL), their counts looked up by number (numpy);
        only the distinct chunks not counted yet are joined (by polars) and sent to tiktoken.
        (With a table per thread, a chunk another thread counted was counted again: 26.4k
        chunks to tiktoken for the 20.4k distinct of 8 MB of traces.)"""
        if self.threads > 1:
            with self._claim:
                shared = self._shared
                if shared is None or shared.generation != self._generation or shared.full():
                    shared = self._shared = _SharedChunkTable(self._generation, self.threads)
            return shared.lengths_of(chunks, self._encode_counts)
        state = self._threads_state
        table: _ChunkTable | None = getattr(state, "table", None)
        if table is None or table.generation != self._generation or table.full():
            table = state.table = _ChunkTable(self._generation)
        try:
            return table.lengths_of(chunks, self._encode_counts)
        except BaseException:
            state.table = None  # it may hold numbers not counted yet: start over
            raise

    def _chunk_lengths(self, chunks: list[str]) -> list[int]:
        """The token count of each chunk: remembered ones looked up, the others encoded."""
        cache = self._cache  # a full cache is replaced, never emptied under another thread
        known = list(map(cache.get, chunks))
        if None not in known:
            return known  # type: ignore[return-value]
        missing = [c for c, n in zip(chunks, known, strict=True) if n is None]
        counted = self._encode_counts(missing)
        if len(cache) + len(missing) > CACHE_ENTRIES or self._cache_chars > CACHE_CHARS:
            self._cache = {}
            self._cache_chars = 0
        self._cache.update(zip(missing, counted, strict=True))
        self._cache_chars += sum(map(len, missing))
        found = iter(counted)
        return [n if n is not None else next(found) for n in known]

    @overload
    def _encode_counts(self, chunks: list[str]) -> list[int]: ...

    @overload
    def _encode_counts(self, chunks: pl.Series) -> np.ndarray: ...

    def _encode_counts(self, chunks: list[str] | pl.Series) -> list[int] | np.ndarray:
        """Each chunk's token count by tiktoken: one call for the lot, joined by the separator
        (the GIL is released for the whole call, not taken back after every chunk).

        A Series of chunks (a counting thread's new ones) is joined by polars (counts as an
        array). A list of chunks (the Python path) is joined in Python (counts as a list)."""
        if isinstance(chunks, pl.Series):
            return self._encode_series(chunks)
        if not chunks:
            return []
        joined = SEPARATOR.join(chunks)
        if joined.count(SEPARATOR) != len(chunks) - 1 or MARKER in joined:
            # A chunk holds the separator or the marker itself: one by one (marked at once).
            return list(map(len, self.encode_ordinary_many(chunks)))
        counts: list[int] = self._encode_joined(joined, len(chunks)).tolist()
        return counts

    def _encode_series(self, chunks: pl.Series) -> np.ndarray:
        """:meth:`_encode_counts` of a Series of chunks: joined by polars and made one Python
        string. When that is not ASCII, polars (without the GIL) looks for the separator and
        the marker in it and marks it: a multilingual mix's new chunks went polars -> Python ->
        polars (to be marked) -> tiktoken, and each crossing of megabytes of text held the GIL
        (the other counting thread waiting for it); the separator and marker were counted by
        Python, under the GIL too. ASCII text is checked and marked in Python and numpy, as
        cheaply (see :meth:`_Marking.mark_many`)."""
        if not len(chunks):
            return np.zeros(0, dtype=np.int64)
        series = chunks.str.join(SEPARATOR)
        joined: str = series.item()
        ascii_only = joined.isascii()  # (a pass over megabytes: asked once)
        if ascii_only:
            clean = joined.count(SEPARATOR) == len(chunks) - 1 and MARKER not in joined
        else:
            separators, marker = on_caller_frame(series, _JOINED_CHECKS).row(0)
            clean = separators == len(chunks) - 1 and not marker
        if not clean:
            # A chunk holds the separator or the marker itself: one by one (marked at once).
            listed: list[str] = chunks.to_list()
            counted = self.encode_ordinary_many(listed)
            return np.fromiter(map(len, counted), dtype=np.int64, count=len(listed))
        if ascii_only:
            del series  # (the text alone is held while tiktoken encodes it)
            return self._encode_joined(joined, len(chunks))
        marked = self._marking.mark_series(series, MARKER)
        if marked is not None:
            joined = marked.item()
        del series, marked
        return self._encode_joined(joined, len(chunks), marked=True)

    def _encode_joined(self, joined: str, chunks: int, marked: bool = False) -> np.ndarray:
        """The token count of each of ``chunks`` chunks joined by the separator (none of which
        holds it or the marker); ``marked``: the markers are in already."""
        if not chunks:
            return np.zeros(0, dtype=np.int64)
        if not marked:
            joined = self._marking.mark(joined, MARKER)
        tokens = self.encoding.encode_to_numpy(joined, allowed_special={SEPARATOR, MARKER})
        # The tokens between one separator and the next, less the markers among them.
        ends = np.flatnonzero(tokens == self._separator)
        bounds = np.concatenate(([-1], ends, [len(tokens)]))
        counts: np.ndarray = np.diff(bounds) - 1
        markers = np.flatnonzero(tokens == self._separator + 1)
        if len(markers):
            counts -= np.bincount(np.searchsorted(ends, markers), minlength=chunks)
        return counts

    def encode_ordinary(self, text: str) -> list[int]:
        """The token ids of ``text`` (no added tokens matched), as the known pattern splits it:
        pieces cut where :attr:`presplit` marks, each encoded on its own."""
        return self.encode_ordinary_many([text])[0]

    def encode_ordinary_many(self, texts: list[str]) -> list[list[int]]:
        """:meth:`encode_ordinary` of each text (the marker is a character none holds)."""
        joined = "".join(texts)
        marker = next(chr(c) for c in itertools.count(0xE000) if chr(c) not in joined)
        marking = self._markings.get(marker)
        if marking is None:
            marking = self._markings[marker] = self.presplit.marking(marker)
        encode = self.encoding.encode_ordinary
        return [
            [token for piece in marked.split(marker) for token in encode(piece)]
            for marked in marking.mark_many(texts, marker)
        ]

    def _count_python(self, texts: Iterator[str], total: int) -> list[int]:
        """The ``total`` texts' counts, cut and looked up in Python (texts holding NUL, or when
        added tokens forbid the native path). The chunks of consecutive texts are looked up in
        one call per :data:`PIECE_CHARS` or so: each call's new chunks go to tiktoken (and are
        marked, see :class:`_Presplit`) together, not a few polars calls per text."""
        counts = [0] * total
        chunks: list[str] = []
        owners: list[int] = []
        held = 0
        for at, text in enumerate(texts):
            segments, counts[at] = self._segments(text) if text else ([], 0)
            for segment in segments:
                for piece in iter_pieces(segment, PIECE_CHARS):
                    first, *rest = _CHUNKS.split(piece)
                    cut = [c for c in (first, *(" " + c for c in rest)) if c]
                    chunks += cut
                    owners += [at] * len(cut)
                    held += len(piece)
                    if held >= PIECE_CHARS:
                        for owner, length in zip(owners, self._chunk_lengths(chunks), strict=True):
                            counts[owner] += length
                        chunks, owners, held = [], [], 0
        for owner, length in zip(owners, self._chunk_lengths(chunks), strict=True):
            counts[owner] += length
        return counts

    def _segments(self, text: str) -> tuple[list[str], int]:
        """The text between added tokens, and how many added tokens there were."""
        segments = [text]
        added = 0
        for step in (self.raw, self.normalized):
            if step is None:
                continue
            out: list[str] = []
            for segment in segments:
                if len(step.firsts) <= 16 and not any(ch in segment for ch in step.firsts):
                    out.append(segment)
                    continue
                parts = step.pattern.split(segment)
                added += len(parts) - 1
                out.extend(p for p in parts if p)
            segments = out
        return segments, added

    def reset(self) -> None:
        """Forget the counted chunks (a benchmark's fresh start)."""
        self._cache = {}
        self._cache_chars = 0
        self._generation += 1  # every thread's table starts over at its next unit
        self._shared = None
        self._tables = _ChunkTable.available()


class _ChunkTable:
    """A one-thread count's memory of counted chunks: a number per distinct chunk, from polars
    categories of its own held across units (numbered in Rust by a cast, no Python string per
    chunk), and each number's token count in a numpy array (-1: not counted yet). (Several
    counting threads share a :class:`_SharedChunkTable`.)

    Past :data:`TABLE_ENTRIES` numbers or :data:`CACHE_CHARS` characters it is replaced by a
    fresh one.
    """

    __slots__ = ("_keep", "chars", "dtype", "entries", "generation", "lengths")

    def __init__(self, generation: int) -> None:
        self.generation = generation
        categories = pl.Categories.random()
        self.dtype = pl.Categorical(categories)
        # A Categories is only a weak reference: this empty Series keeps the mapping alive.
        self._keep = pl.Series([], dtype=self.dtype)
        self.lengths = np.full(TABLE_START, -1, dtype=np.int32)
        self.chars = 0
        self.entries = 0  # the numbers given (0 to entries - 1), each counted

    @staticmethod
    def available() -> bool:
        return getattr(getattr(pl, "Categories", None), "random", None) is not None

    def lengths_of(self, chunks: pl.Series, count: Callable[[pl.Series], np.ndarray]) -> np.ndarray:
        """Each chunk's token count; ``count`` counts the chunks met for the first time.

        The cast numbers chunks not met before in order of their first appearance, after every
        number given before (and each of those was counted when it was given), so the chunks
        to count are those whose number is above every number before them.
        """
        coded = chunks.cast(self.dtype)  # holds the mapping while this unit uses it
        which = coded.to_physical().to_numpy()
        old = self.entries
        top = int(which.max()) + 1 if len(which) else 0
        if top > old:
            # The first chunk, if new, then every chunk above the highest number before it
            # (and above those given before).
            highest = np.maximum.accumulate(which[:-1])
            if old:
                np.maximum(highest, old - 1, out=highest)
            at = np.flatnonzero(which[1:] > highest) + 1
            if which[0] >= old:
                at = np.concatenate(([0], at))
            if len(at) != top - old:  # not numbered that way after all: sort them out
                new = np.flatnonzero(which >= old)
                at = new[np.unique(which[new], return_index=True)[1]]
            if top > len(self.lengths):
                grown = np.full(max(top, 2 * len(self.lengths)), -1, dtype=np.int32)
                grown[:old] = self.lengths[:old]
                self.lengths = grown
            fresh = chunks.gather(at)
            self.lengths[which[at]] = count(fresh)
            self.chars += int(fresh.str.len_chars().sum() or 0)
            self.entries = top
        lengths: np.ndarray = self.lengths[which]
        return lengths

    def full(self) -> bool:
        return self.chars > CACHE_CHARS or self.entries > TABLE_ENTRIES


class _SharedChunkTable:
    """The counting threads' memory of counted chunks when a count runs on several threads: one
    polars mapping every thread casts its chunks into (numbers given in the order the casts meet
    new chunks, the threads' interleaved), and each number's token count in a numpy array (-1:
    not counted yet).

    A thread counts the chunks of its unit whose count it reads as -1: new ones, and those
    another thread numbered but has not counted yet (counted twice then, the same count). Counts
    are written under a lock (which also grows the array); reads take no lock (a stale array
    reads -1, and the chunk is counted again). A number given by a cast whose unit then failed
    stays -1 and is counted by the next thread that meets it. Past :data:`TABLE_ENTRIES` numbers
    or :data:`CACHE_CHARS` characters per counting thread it is replaced by a fresh one.

    One mapping for the threads, not one each: with a table per thread, every thread counted
    the common chunks again (~30 % more chunks to tiktoken on 8 MB of traces at 2 threads).

    The casts into the mapping take turns (:attr:`casting`): with two threads inserting into one
    polars mapping at once, the casts of a 2-thread pass took 86 ms of CPU where one thread's took
    61 (32 MB of the multilingual mix); taking turns, 16 ms less per pass on the mix and on 16 MB
    of traces, and the pass's CPU 19-43 ms less (benchmarks/RESULTS.md, perf11n). A cast is a few
    per cent of a unit: a thread waits for the other's now and then (0-17 ms a pass).
    """

    __slots__ = (
        "_keep",
        "bound",
        "casting",
        "chars",
        "dtype",
        "entries",
        "generation",
        "lengths",
        "lock",
    )

    def __init__(self, generation: int, threads: int) -> None:
        self.generation = generation
        self.dtype = pl.Categorical(pl.Categories.random())
        # A Categories is only a weak reference: this empty Series keeps the mapping alive.
        self._keep = pl.Series([], dtype=self.dtype)
        self.lengths = np.full(TABLE_START, -1, dtype=np.int32)
        self.chars = 0
        self.entries = 0  # one past the highest number given
        self.bound = threads
        self.lock = threading.Lock()
        self.casting = threading.Lock()
        """Held by the one thread casting into the mapping (the GIL is released meanwhile)."""

    def lengths_of(self, chunks: pl.Series, count: Callable[[pl.Series], np.ndarray]) -> np.ndarray:
        """Each chunk's token count; ``count`` counts those not counted yet (one of each)."""
        with self.casting:
            coded = chunks.cast(self.dtype)  # holds the mapping while this unit uses it
        which = coded.to_physical().to_numpy()
        if not len(which):
            return np.zeros(0, dtype=np.int32)
        known = self.lengths  # another thread may grow it: a number past its end is not counted
        top = int(which.max()) + 1
        if top <= len(known):
            lengths: np.ndarray = known[which]
        else:
            lengths = np.full(len(which), -1, dtype=np.int32)
            inside = np.flatnonzero(which < len(known))
            lengths[inside] = known[which[inside]]
        missing = np.flatnonzero(lengths < 0)
        if not len(missing):
            return lengths
        numbers = which[missing]
        place = np.full(top, -1, dtype=np.int64)
        place[numbers] = missing  # a place of each number not counted (which one does not matter)
        new = np.flatnonzero(place >= 0)
        fresh = chunks.gather(place[new])
        counted = np.asarray(count(fresh), dtype=np.int32)
        chars = int(fresh.str.len_chars().sum() or 0)
        with self.lock:
            if top > len(self.lengths):
                grown = np.full(max(top, 2 * len(self.lengths)), -1, dtype=np.int32)
                grown[: len(self.lengths)] = self.lengths
                self.lengths = grown
            self.lengths[new] = counted
            self.chars += chars
            self.entries = max(self.entries, top)
        place[new] = counted
        lengths[missing] = place[numbers]
        return lengths

    def full(self) -> bool:
        return self.chars > self.bound * CACHE_CHARS or self.entries > self.bound * TABLE_ENTRIES


def arrow_chunks(texts: pl.Series) -> tuple[np.ndarray, pl.Series, np.ndarray]:
    """``texts`` (free of nulls) cut as ``texts.str.replace_many(_CUT_FROM, _CUT_TO)
    .str.split(SENTINEL).explode()`` cuts them (before each space followed by an ASCII letter
    in the same text, and at each NUL, which is dropped), without making that list:
    ``(which, distinct, starts)``, each chunk's number (in order of first appearance), the
    distinct chunks in number order, and the index of each text's first chunk (every text has
    one at least: an empty text, or one that starts with a cut, an empty one).

    The cut points are found with numpy in the texts' UTF-8 bytes (a space, an ASCII letter and
    NUL are single bytes, never part of another character's), the chunks made as an Arrow
    array over the same bytes (NUL taken out) and numbered by Arrow's ``dictionary_encode``: only
    the distinct chunks are then looked up (a counting thread's table) and the new ones counted.
    """
    import pyarrow as pa  # on the first count: importing evaltui.data stays light
    import pyarrow.compute as pc

    array = texts.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type != pa.large_string():
        array = array.cast(pa.large_string())
    n = len(array)
    _validity, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64, count=n + 1, offset=8 * array.offset)
    base = int(offsets[0])
    offsets = offsets - base
    size = int(offsets[-1])
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8, count=size, offset=base)
        if size and data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    # A space is a cut when the next byte is an ASCII letter (``b | 0x20`` in a-z) of the same
    # text: whole-buffer passes, no gather per space (1 MB of traces: ~1 ms against ~3.4).
    cut = np.zeros(size, dtype=bool)
    if size > 1:
        letter = data[1:] | np.uint8(0x20)
        letter -= np.uint8(ord("a"))
        np.less(letter, np.uint8(26), out=cut[:-1])
        cut[:-1] &= data[:-1] == 32
        inner = offsets[1:-1]
        cut[inner[(inner > 0) & (inner < size)] - 1] = False  # the next byte is another text's
    cuts = np.flatnonzero(cut)
    nuls = np.flatnonzero(data == 0)
    if len(nuls):  # a cut and a NUL never share a byte
        cuts = np.sort(np.concatenate((cuts, nuls)))
    # Chunk bounds in order: each text's start before a cut at the same byte; the cuts fill the
    # places the starts leave, in order.
    starts = offsets[:-1]
    at_start = np.arange(n) + np.searchsorted(cuts, starts, side="left")
    bounds = np.empty(n + len(cuts) + 1, dtype=np.int64)
    bounds[at_start] = starts
    at_cut = np.ones(n + len(cuts), dtype=bool)
    at_cut[at_start] = False
    bounds[:-1][at_cut] = cuts
    bounds[-1] = size
    if len(nuls):  # NUL taken out: a bound moves back by the NULs before it
        bounds -= np.searchsorted(nuls, bounds, side="left")
        data = data[data != 0]
    chunks = pa.LargeStringArray.from_buffers(
        len(bounds) - 1, pa.py_buffer(bounds), pa.py_buffer(data)
    )
    coded = pc.dictionary_encode(chunks)
    which = coded.indices.to_numpy(zero_copy_only=False)
    distinct = pl.Series(coded.dictionary).cast(pl.String)
    return which, distinct, at_start


def on_caller(series: pl.Series, expr: pl.Expr) -> pl.Series:
    """``expr`` (of :func:`_column`) over ``series``, run by polars on the calling thread only
    (see :func:`on_caller_frame`)."""
    return on_caller_frame(series, (expr,)).to_series(0)


def on_caller_frame(series: pl.Series, exprs: Sequence[pl.Expr]) -> pl.DataFrame:
    """``exprs`` (of :func:`_column`, each of its own name) over ``series`` in one query, run
    by polars on the calling thread only: a frame of their columns first, then constant ones.

    A ``Series.str`` call whose expression has more than one input (the column and a pattern,
    as ``replace_all``, ``contains``, ``split`` have) is a one-expression ``select``, and
    polars evaluates the inputs of such a select's expression in parallel: it hands them to its
    thread pool and the caller waits (~2 voluntary context switches per call, ~9 per unit of
    work), however small the inputs. A select of as many expressions as the pool has threads is
    run without threading: the expressions go with constant columns up to that many, which
    are dropped. The count path's expressions are built once (the Python side of building one,
    its patterns made literals, took about as long under the GIL as running it on a small unit).
    """
    global _PAD
    if _PAD is None:  # the pool's size is fixed when polars starts
        _PAD = [
            pl.lit(0, dtype=pl.Int8).alias(f"\x00{i}") for i in range(pl.thread_pool_size() - 1)
        ]
    return series.alias(_COLUMN).to_frame().select_seq(*exprs, *_PAD[len(exprs) - 1 :])


def _column() -> pl.Expr:
    """The column :func:`on_caller`'s expressions read."""
    return pl.col(_COLUMN)


_COLUMN = "text"
_PAD: list[pl.Expr] | None = None
#: The columns of a unit's query (see FastCounter._count_unit).
_HOLDS, _CUT_COLUMN = "holds", "cut"
#: Whether a text holds NUL.
_HOLDS_SENTINEL = _column().str.contains(SENTINEL, literal=True)
#: A counting thread's new chunks joined: how many separators, whether a marker.
_JOINED_CHECKS = (
    _column().str.count_matches(SEPARATOR, literal=True).alias("separators"),
    _column().str.contains(MARKER, literal=True).alias("marker"),
)


def _cut_and_split(text: pl.Expr) -> pl.Expr:
    """``text`` with a NUL before each space + ASCII letter, split at every NUL."""
    return text.str.replace_many(_CUT_FROM, _CUT_TO).str.split(SENTINEL)


def _listed_sizes(
    texts: Sequence[str] | pl.Series,
) -> tuple[list[str] | None, np.ndarray]:
    """A list of texts as it is (no Series made) and each text's size in UTF-8 bytes; (None, an
    empty array) for a Series, or a text that is not a ``str`` or not valid UTF-8 (a lone
    surrogate), which go through :func:`_as_series` as before."""
    if isinstance(texts, pl.Series):
        return None, np.zeros(0, dtype=np.int64)
    listed = texts if isinstance(texts, list) else list(texts)
    try:
        # isascii() is a flag of the str: only other texts are encoded to learn their size.
        sizes = np.fromiter(
            (len(t) if t.isascii() else len(t.encode("utf-8")) for t in listed),
            dtype=np.int64,
            count=len(listed),
        )
    except (AttributeError, TypeError, UnicodeEncodeError):
        return None, np.zeros(0, dtype=np.int64)
    return listed, sizes


def _unit_series(texts: list[str] | pl.Series) -> pl.Series:
    return texts if isinstance(texts, pl.Series) else pl.Series(texts, dtype=pl.String)


def _text_at(texts: list[str] | pl.Series, row: int) -> str:
    return texts[row] if isinstance(texts, list) else str(texts[row])


def _as_series(texts: Sequence[str] | pl.Series) -> pl.Series:
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    return series.fill_null("") if series.null_count() else series


def _distinct(chunks: pl.Series) -> tuple[np.ndarray, list[str]]:
    """Each chunk's number and the distinct chunks in number order, by one hashing pass on the
    calling thread: a cast to a Categorical of categories of its own (``pl.Categories.random()``,
    polars' unstable API of newer releases), which numbers the chunks in order of first
    appearance. A ``Categories`` is only a weak reference: the mapping lives while a Series uses
    it, and goes with it. Without that API: ``unique`` + ``replace_strict`` (two passes)."""
    random_categories = getattr(getattr(pl, "Categories", None), "random", None)
    if random_categories is not None:
        categories = random_categories()
        coded = chunks.cast(pl.Categorical(categories))
        which = coded.to_physical().to_numpy()
        distinct: list[str] = list(categories)  # while `coded` holds the mapping
        return which, distinct
    unique = chunks.unique()
    numbers = pl.Series(np.arange(len(unique), dtype=np.int64))
    which = chunks.replace_strict(unique, numbers, return_dtype=pl.Int64).to_numpy()
    return which, unique.to_list()


def _rust_alternation(contents: Sequence[str]) -> str:
    """A Rust regex matching any of the literal strings, leftmost-longest (as tokenizers'
    AddedVocabulary matches), written as a trie so that it compiles fast (polars compiles it on
    every call; a flat alternation of DeepSeek's 1,237 added tokens took ~1.4 ms each time).

    At every node the longer continuations come before ending there (``(?:x…|y…|)``), and the
    children differ in their first character, so the regex engine's leftmost-first preference picks
    the longest token at the leftmost position. Every non-alphanumeric character is escaped by
    code point."""
    root: dict[str, Any] = {}
    for content in contents:
        node = root
        for ch in content:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [
            (ch if ch.isalnum() else f"\\x{{{ord(ch):x}}}") + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ("|)" if "" in node else ")") if branches else ""

    return emit(root)
