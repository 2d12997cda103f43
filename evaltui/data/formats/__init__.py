"""Format readers and detection. Each reader module turns one kind of file into generation rows.

To add a format: write a :class:`~evaltui.data.formats.base.Reader` subclass in its own module and
add an instance to :data:`READERS`. Detection asks every reader's ``sniff`` and takes the most
confident; ties go to the earlier reader in the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evaltui.data.formats.base import HEAD_BYTES, Reader, ReadOptions, ReadResult, Window
from evaltui.data.formats.inspect_ai import InspectReader
from evaltui.data.formats.internbootcamp import InternBootcampReader
from evaltui.data.formats.lighteval import LightevalReader
from evaltui.data.formats.lm_eval import LmEvalReader
from evaltui.data.formats.opencompass import AISBenchReader, OpenCompassReader
from evaltui.data.formats.plain import PlainReader
from evaltui.data.formats.qwen_math import QwenMathReader
from evaltui.data.formats.skythought import SkyThoughtReader

__all__ = [
    "READERS",
    "Detection",
    "ReadOptions",
    "ReadResult",
    "Reader",
    "Window",
    "detect",
    "get_reader",
]

#: Every reader, most specific first (the generic plain reader is the fallback, last).
READERS: list[Reader] = [
    InspectReader(),
    LightevalReader(),
    LmEvalReader(),
    SkyThoughtReader(),
    InternBootcampReader(),
    AISBenchReader(),
    OpenCompassReader(),
    QwenMathReader(),
    PlainReader(),
]


#: Every extension some reader accepts (for directory scans without a pattern).
def known_extensions() -> tuple[str, ...]:
    return tuple(sorted({ext for r in READERS for ext in r.extensions}))


@dataclass(frozen=True, slots=True)
class Detection:
    """What detection decided for one file."""

    reader: Reader | None
    """The reader to use; None when the file is skipped."""
    companion: bool = False
    """True when a reader recognised the file as a non-sample companion (config, results, log)."""
    reason: str = ""
    """Why the file is skipped (when ``reader`` is None)."""


def read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def get_reader(name: str) -> Reader:
    """The reader called ``name``; ValueError listing the names when there is none."""
    for reader in READERS:
        if reader.name == name:
            return reader
    names = ", ".join(r.name for r in READERS)
    raise ValueError(f"unknown format {name!r} (known: {names})")


def detect(path: Path, forced: str | None = None) -> Detection:
    """Pick the reader for ``path``: content first, path hints second; ``forced`` wins outright."""
    if forced is not None:
        return Detection(get_reader(forced))
    try:
        head = read_head(path)
    except OSError as exc:
        return Detection(None, reason=f"cannot read: {exc.strerror or exc}")
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        return Detection(None, reason="empty file")
    suffix = "".join(path.suffixes[-1:]).lower()
    best: Reader | None = None
    best_score = 0
    for reader in READERS:
        if reader.extensions and suffix not in reader.extensions:
            continue
        score = reader.sniff(path, head)
        if score > best_score:
            best, best_score = reader, score
    if best is not None:
        return Detection(best)
    for reader in READERS:
        if reader.companion(path, head):
            return Detection(
                None, companion=True, reason=f"{reader.name} companion file (no samples)"
            )
    return Detection(None, reason="no reader recognises this file")
