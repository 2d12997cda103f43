"""Find the input files: directories walked recursively, a glob pattern, plain file paths."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class InputError(Exception):
    """The input paths cannot be used at all (missing, no matching file). One line for the user."""


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """Which version of a file was read: taken before reading, compared before trusting it again.

    The cache keys a file's rows by it, and exporting original records re-reads the file at the
    byte offsets of this version, so both must notice a file that was appended to or replaced.
    """

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        """The file's identity now (``OSError`` when it cannot be looked at)."""
        stat = path.stat()
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def changed(self, path: Path) -> bool:
        """True when ``path`` is no longer this version (or is gone)."""
        try:
            return FileIdentity.of(path) != self
        except OSError:
            return True


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    source: str
    """Path shown to users and written to exports: relative to the common root of the inputs."""
    size: int


def _natural_key(source: str) -> tuple[list[object], str]:
    # shard_2 before shard_10 (people name files with unpadded numbers), and out.jsonl before
    # out2.jsonl: the extension is compared last. re.split with a group keeps str/int alternating,
    # so two keys never compare a str with an int.
    stem = source.rsplit(".", 1)[0] if "." in source.rsplit("/", 1)[-1] else source
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", stem)], source


def _matches(rel: str, pattern: str | None, extensions: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    if pattern is None:
        return name.lower().endswith(extensions)
    if "/" in pattern:
        return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.lstrip("*/"))
    return fnmatch.fnmatch(name, pattern)


def discover(
    paths: Sequence[str | os.PathLike[str]],
    pattern: str | None = None,
    extensions: tuple[str, ...] = (".jsonl",),
) -> list[InputFile]:
    """Every matching file under ``paths``, in natural order of its path, without duplicates.

    ``pattern`` is a glob on the file name (``inference_*.jsonl``), or on the relative path when it
    holds a ``/``; None means any file whose name ends with one of ``extensions``. A file named
    directly is always taken. Hidden directories (``.git``, ``.cache``) are not entered.
    """
    if not paths:
        raise InputError("no input path given")
    resolved: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        resolved.append((path.resolve(), path.is_dir()))
    roots = [p if is_dir else p.parent for p, is_dir in resolved]
    common = Path(os.path.commonpath([str(r) for r in roots]))
    found: dict[Path, InputFile] = {}
    for path, is_dir in resolved:
        if not is_dir:
            found.setdefault(
                path, InputFile(path, path.relative_to(common).as_posix(), path.stat().st_size)
            )
            continue
        matched: list[InputFile] = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in filenames:
                full = Path(dirpath) / filename
                rel = full.relative_to(path).as_posix()
                if filename.startswith(".") or not _matches(rel, pattern, extensions):
                    continue
                if full.is_file():
                    matched.append(
                        InputFile(full, full.relative_to(common).as_posix(), full.stat().st_size)
                    )
        if not matched:
            what = (
                f"matching {pattern!r}"
                if pattern
                else "with a known extension (" + ", ".join(extensions) + ")"
            )
            if len(resolved) == 1:
                raise InputError(f"{path}: no file {what}")
        for item in matched:
            found.setdefault(item.path, item)
    files = sorted(found.values(), key=lambda f: _natural_key(f.source))
    if not files:
        raise InputError("no matching input file in " + ", ".join(str(p) for p in paths))
    return files
