"""The on-disk cache: token lengths per file, and (for headless runs) the file's rows without text.

Entries are keyed by tokenizer fingerprint and file identity (absolute path, size, mtime), plus the
reader and its options, so a changed file or tokenizer misses. An entry that cannot be read, or
that does not match what it claims to describe, is a miss and gets rewritten. A cache that cannot
be written only costs speed next time: it never fails a load.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import polars as pl

from evaltui.data.discover import FileIdentity
from evaltui.data.schema import GENERATION_SCHEMA, LoadError, nulls, set_columns

# Part of every key: bump it when what readers or the answer extractor emit changes, since warm
# runs reuse cached rows (extracted answers included) without parsing the file again.
# 7: rows are stored without their generation text (6 kept it by mistake).
# 8: multiple-choice answers extracted as the reference is written (lm-eval "3: D", lighteval the
#    choice's text); lm-eval bare-string resps/filtered_resps; Inspect's unknown score values noted.
# 9: rows carry ``answer_unknown`` (a reader's reason why a row's text holds no answer); a file's
#    entry keeps its reader's structured facts (``ReadResult.reducers``) beside its notes.
# 10: rows carry ``scored_text`` (the text a format's metric scored where it is not the
#     generation: lighteval's text_post_processed), which a re-score scores.
CACHE_FORMAT = "10"
#: The code that decides a file's cached rows (and so their order, which the cached token lengths
#: follow): the readers, and what the loader applies to their frames. Its hash is part of every
#: key, so a fixed reader never serves the rows its earlier version read from a warm cache.
ROW_CODE = ("formats", "schema.py", "extract.py", "triage.py", "sanitize.py", "runs.py")


def rows_key(key: str, source: str, renamed: tuple[Path, Path] | None) -> str:
    """The entry of a file's rows beside its lengths' ``key``: the rows, their bad lines and
    notes name the file by ``source`` (its path from the load's common root), so a load of
    another folder holding the same file (``evaltui evals`` then ``evaltui evals/model_a``)
    misses them, and takes the lengths only (a file's lengths do not depend on its name).

    ``renamed`` is the file's :attr:`~evaltui.data.discover.InputFile.renamed`: its run is
    labelled by the name of the link it was given as (``runs/meta-llama__Meta-Llama-3.1-70B-
    Instruct`` to ``/data/jobs/4411/out``), which neither the real path nor the source tells;
    a load of another link to it took the first link's label from the cache."""
    text = f"{key}\0{source}"
    if renamed is not None:
        text += "".join(f"\0{os.fspath(p)}" for p in renamed)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def code_version(root: Path, names: Sequence[str] = ROW_CODE) -> str:
    """A hash over the sources ``names`` (files, or folders of them) under ``root``: their
    names and bytes."""
    digest = hashlib.sha256()
    for name in names:
        path = root / name
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            with contextlib.suppress(OSError):
                digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def rows_code_version() -> str:
    """:func:`code_version` of this installation's data layer (read once per process)."""
    return code_version(Path(__file__).resolve().parent)


def stats_code_version_of(root: Path) -> str:
    """:func:`code_version` of every source of the data layer at ``root``: a load's stats (the
    snapshot) come from its aggregation (metrics, sampling, summary, …) as well as from the
    readers' rows, so a change to how a stat is counted is a new snapshot."""
    return code_version(root, (*sorted(path.name for path in root.glob("*.py")), "formats"))


@functools.lru_cache(maxsize=1)
def stats_code_version() -> str:
    """:func:`stats_code_version_of` this installation's data layer (read once per process)."""
    return stats_code_version_of(Path(__file__).resolve().parent)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/evaltui``, else ``~/.cache/evaltui``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evaltui"


@dataclass(frozen=True, slots=True)
class CachedRows:
    """A file's rows as its reader produced them, minus the generation text, plus lengths."""

    frame: pl.DataFrame
    errors: list[LoadError]
    notes: list[str]
    reducers: dict[str, str] = field(default_factory=dict)
    """Its reader's :attr:`~evaltui.data.formats.base.ReadResult.reducers`."""
    metric_told: bool = False
    """Its reader's :attr:`~evaltui.data.formats.base.ReadResult.metric_told`."""


def companion_version(path: Path) -> str:
    """A companion file's place in a key (:meth:`Cache.key`): its path and version, or that it
    is absent."""
    try:
        stat = path.stat()
    except OSError:
        return f"{path.absolute()}\0absent"
    return f"{path.absolute()}\0{stat.st_size}\0{stat.st_mtime_ns}"


@dataclass(frozen=True, slots=True)
class Cache:
    directory: Path
    write_errors: list[str] = field(default_factory=list)
    """Why writing failed (the first failure only): the load says it once, not per file."""

    def key(
        self,
        fingerprint: str,
        path: Path,
        reader: str,
        options: str,
        identity: FileIdentity | None = None,
        companions: Sequence[str] = (),
    ) -> str:
        """The entry for ``path`` as it was when ``identity`` was taken (now, when not given),
        read with its companion files at ``companions`` (:func:`companion_version` of each of
        :meth:`Reader.companions`).

        Pass the identity taken *before* reading the file: a key taken afterwards would file
        rows read from an older version under a newer one's name.
        """
        identity = identity or FileIdentity.of(path)
        parts = [
            CACHE_FORMAT,
            rows_code_version(),
            fingerprint,
            str(path.resolve()),
            str(identity.size),
            str(identity.mtime_ns),
            reader,
            options,
            *companions,
        ]
        # surrogatepass: a path with undecodable bytes is still one key, not an exception.
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / key[:2] / f"{key}{suffix}"

    def _write(self, target: Path, write: Callable[[IO[bytes]], object]) -> None:
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.replace(tmp, target)
        except BaseException as exc:
            # Ctrl+C during a load (which writes the cache as it goes) left a tmpXXXX.tmp in
            # the cache folder on every interrupt, never removed by anything
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if not isinstance(exc, OSError):
                raise
            if not self.write_errors:
                self.write_errors.append(exc.strerror or str(exc))

    # Token lengths, in the reader's row order.

    def get_lengths(self, key: str, rows: int) -> np.ndarray | None:
        try:
            lengths = np.load(self._path(key, ".npy"), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if lengths.dtype != np.uint32 or lengths.ndim != 1 or len(lengths) != rows:
            return None
        checked: np.ndarray = lengths
        return checked

    def put_lengths(self, key: str, lengths: np.ndarray) -> None:
        array = lengths.astype(np.uint32, copy=False)
        self._write(self._path(key, ".npy"), lambda h: np.save(h, array, allow_pickle=False))

    def has_lengths(self, key: str) -> bool:
        return self._path(key, ".npy").is_file()

    def discard(self, key: str, source: str, renamed: tuple[Path, Path] | None) -> None:
        """Remove an entry: its lengths and the rows of the file named ``source`` (see
        :func:`rows_key`), e.g. lengths a failed self-check no longer trusts."""
        rows = rows_key(key, source, renamed)
        for path in (
            self._path(key, ".npy"),
            self._path(rows, ".json"),
            self._path(rows, ".arrow"),
        ):
            with contextlib.suppress(OSError):
                path.unlink()

    # Whole rows without text: a warm headless run need not parse the file at all. Their key is
    # rows_key(the lengths' key, the file's source): the rows carry the source (and labels).

    def get_rows(self, key: str) -> CachedRows | None:
        try:
            meta = json.loads(self._path(key, ".json").read_text(encoding="utf-8"))
            frame = pl.read_ipc(self._path(key, ".arrow"))
            errors = [LoadError(e["source"], e["line"], e["reason"]) for e in meta["errors"]]
            notes = [str(n) for n in meta["notes"]]
            reducers = {str(k): str(v) for k, v in dict(meta["reducers"]).items()}
            # (an entry written before the flag was kept is a miss: its file is read again)
            metric_told = meta["metric_told"]
            rows = int(meta["rows"])
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            return None
        expected = {name: dtype for name, dtype in GENERATION_SCHEMA.items()}
        if (
            frame.height != rows
            or dict(frame.schema) != expected
            or not isinstance(metric_told, bool)
        ):
            return None
        return CachedRows(frame, errors, notes, reducers, metric_told)

    def has_rows(self, key: str) -> bool:
        return self._path(key, ".json").is_file()

    def put_rows(
        self,
        key: str,
        frame: pl.DataFrame,
        errors: list[LoadError],
        notes: list[str],
        reducers: Mapping[str, str] | None = None,
        metric_told: bool = False,
    ) -> None:
        """Store a file's rows; the generation text is left out (read back when needed)."""
        frame = set_columns(frame, nulls("gen", pl.String(), frame.height))
        meta: dict[str, Any] = {
            "rows": frame.height,
            "errors": [{"source": e.source, "line": e.line, "reason": e.reason} for e in errors],
            "notes": notes,
            "reducers": dict(reducers or {}),
            "metric_told": metric_told,
        }
        # The frame first, the metadata last: a reader sees both or treats the entry as a miss.
        self._write(self._path(key, ".arrow"), lambda h: frame.write_ipc(h, compression="lz4"))
        self._write(self._path(key, ".json"), lambda h: h.write(json.dumps(meta).encode("utf-8")))

    # Any per-row frame keyed like the rows (re-scored scores): one Arrow file per entry.

    def get_frame(self, key: str, rows: int, suffix: str = ".scores.arrow") -> pl.DataFrame | None:
        try:
            frame = pl.read_ipc(self._path(key, suffix))
        except (OSError, ValueError, pl.exceptions.PolarsError):
            return None
        return frame if frame.height == rows else None

    def put_frame(self, key: str, frame: pl.DataFrame, suffix: str = ".scores.arrow") -> None:
        self._write(self._path(key, suffix), lambda h: frame.write_ipc(h, compression="lz4"))

    # A whole load's outcome (the Stats table and what is said about the load), keyed by every
    # input file's identity and every option: a warm load of an unchanged input set reads this
    # instead of the rows. The metadata holds a digest of the table's bytes, so a damaged or
    # half-written entry is a miss, never wrong stats.

    def get_snapshot(self, key: str) -> tuple[pl.DataFrame, dict[str, Any]] | None:
        try:
            meta = json.loads(self._path(key, ".snapshot-meta").read_text(encoding="utf-8"))
            data = self._path(key, ".snapshot").read_bytes()
            if not isinstance(meta, dict) or meta.get("digest") != hashlib.sha256(data).hexdigest():
                return None
            frame = pl.read_ipc(io.BytesIO(data))
        except (OSError, ValueError, pl.exceptions.PolarsError):
            return None
        return frame, meta

    def put_snapshot(self, key: str, stats: pl.DataFrame, meta: dict[str, Any]) -> None:
        buffer = io.BytesIO()
        stats.write_ipc(buffer, compression="lz4")
        data = buffer.getvalue()
        text = json.dumps({**meta, "digest": hashlib.sha256(data).hexdigest()})
        # The table first, the metadata (with the table's digest) last.
        self._write(self._path(key, ".snapshot"), lambda h: h.write(data))
        self._write(self._path(key, ".snapshot-meta"), lambda h: h.write(text.encode("utf-8")))

    # Plain arrays under a key of their own (a tokenizer's count plan): written with a digest
    # over every array, so a damaged or half-written entry is a miss, never a wrong plan.

    def get_arrays(self, key: str, suffix: str = ".plan.npz") -> dict[str, np.ndarray] | None:
        try:
            with np.load(self._path(key, suffix), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
            return None
        digest = arrays.pop("digest", None)
        if digest is None or bytes(digest) != _digest(arrays):
            return None
        return arrays

    def put_arrays(
        self, key: str, arrays: dict[str, np.ndarray], suffix: str = ".plan.npz"
    ) -> None:
        members: dict[str, Any] = {**arrays, "digest": np.frombuffer(_digest(arrays), np.uint8)}
        self._write(self._path(key, suffix), lambda h: np.savez(h, **members))


def _digest(arrays: dict[str, np.ndarray]) -> bytes:
    """sha256 over the arrays' names, dtypes, shapes and bytes, in name order."""
    hasher = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        hasher.update(f"{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        hasher.update(array.tobytes())
    return hasher.digest()
