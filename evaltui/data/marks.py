"""What evaltui writes is marked, so evaltui never reads it back as eval data.

Every output (combined JSON, exported records, CSV/Parquet stats, a comparison) gets a manifest
beside it, ``<output name>.evaltui.json``: ``{"evaltui": {"kind", "file", "bytes", "version", ...}}``.
A record export keeps each source line unchanged, so the mark cannot go inside it; the manifest
names the file and its size, and a file of that name and size is skipped with a note when a folder
is opened again. A manifest whose file was since replaced by something else (other size) no longer
marks it. The manifest itself is a companion, skipped quietly. Combined JSON written without a
manifest (older evaltui, the batch script it replaces) is recognised by its keys.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaltui.data.schema import clean_text

MANIFEST_SUFFIX = ".evaltui.json"
#: The combined JSON's first keys, in order (the batch script's schema, kept by evaltui).
COMBINED_START = re.compile(
    r'^\[\s*\{\s*"prompt"\s*:.*?"answer"\s*:.*?"count"\s*:.*?"total_accuracy_count"\s*:', re.S
)
KIND_NAMES = {
    "combined": "combined JSON",
    "records": "exported records",
    "csv": "CSV stats",
    "parquet": "Parquet stats",
    "compare": "run comparison",
    "compare-summary": "run comparison summary",
    "rescore": "per-generation verdicts of a rescore",
    "bad-lines": "the bad lines and skipped files of a load",
}


#: The longest file name Linux file systems (and macOS's) take, in bytes (NAME_MAX).
NAME_MAX = 255


def fitted_name(name: str, suffix: str = "", *, prefix: str = "", reserve: int = 0) -> str:
    """``prefix + name + suffix``, a name a file system takes: when it would be longer than
    :data:`NAME_MAX` bytes (with ``reserve`` bytes more to come after it), ``name`` is cut and a
    hash of it added (``<cut name>~<hash>``), so each long name still has its own. An output
    named near the limit (``-o "<200-char model>_<task>_<date>.json"``) could be written, but its
    temp file and its manifest, whose names add to it, could not: 'File name too long', exit 1."""
    whole = prefix + name + suffix
    if len(os.fsencode(whole)) + reserve <= NAME_MAX:
        return whole
    digest = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    room = NAME_MAX - reserve - len(os.fsencode(prefix + suffix + digest))
    return prefix + os.fsdecode(os.fsencode(name)[: max(room, 1)]) + digest + suffix


def manifest_path(output: str | os.PathLike[str]) -> Path:
    """Where the manifest of ``output`` goes: beside it, ``<name>.evaltui.json`` (a long name
    cut, see :func:`fitted_name`)."""
    path = Path(output)
    return path.with_name(fitted_name(path.name, MANIFEST_SUFFIX))


def manifest(
    output: str | os.PathLike[str], kind: str, *, size: int | None = None, **details: Any
) -> dict[str, Any]:
    """The manifest of a just-written ``output`` (its name and size tie the mark to it;
    ``size``: its size when the new content is not at ``output`` yet)."""
    from evaltui import __version__

    path = Path(output)
    return {
        "evaltui": {
            "kind": kind,
            "file": path.name,
            "bytes": path.stat().st_size if size is None else size,
            "version": __version__,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            "note": "written by evaltui, not eval data: evaltui skips this file when reading",
            **details,
        }
    }


def pending_manifest(output: str | os.PathLike[str], kind: str) -> dict[str, Any]:
    """The manifest written before ``output`` is: it marks the name until the size is known."""
    from evaltui import __version__

    return {
        "evaltui": {
            "kind": kind,
            "file": Path(output).name,
            "bytes": None,
            "version": __version__,
            "note": "being written by evaltui, not eval data",
        }
    }


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > 1_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    inner = data.get("evaltui") if isinstance(data, dict) else None
    return inner if isinstance(inner, dict) else None


def manifest_of(path: Path) -> dict[str, Any] | None:
    """What the manifest beside ``path`` says (its ``evaltui`` object) when it describes that
    file: its name, and its size unless the size is not known yet (``bytes`` None: announced
    before the write; a followed folder sees the mark first). None otherwise."""
    mark = _read_manifest(manifest_path(path))
    # A name with an undecodable byte is written as evaltui shows it (``\\xff``, clean_text).
    if mark is None or mark.get("file") not in (path.name, clean_text(path.name)):
        return None
    try:
        return mark if mark.get("bytes") in (None, path.stat().st_size) else None
    except OSError:
        return None


def is_manifest(path: Path) -> bool:
    return path.name.endswith(MANIFEST_SUFFIX) and _read_manifest(path) is not None


def written_by_evaltui(path: Path, head: bytes | None = None, named: bool = False) -> str | None:
    """Why ``path`` is evaltui's own output (to skip, with this note), or None when it is not.

    An export of original records holds eval data (the input's own records, unchanged): found in
    a folder it is skipped (its records would be counted twice, beside the files they came from),
    but ``named`` directly as an input it is read, so an export can be loaded back."""
    mark = manifest_of(path)
    if mark is not None and mark.get("kind") == "records":
        if named:
            return None
        return (
            f"written by evaltui (exported records; see {manifest_path(path).name}), "
            "skipped in a folder: name the file itself to read it"
        )
    if mark is not None:
        kind = KIND_NAMES.get(str(mark.get("kind")), "an export")
        return f"written by evaltui ({kind}; see {manifest_path(path).name}), not eval data"
    if head is not None and COMBINED_START.match(
        head.decode("utf-8", errors="replace").lstrip("\ufeff")
    ):
        return (
            "a combined per-prompt summary (evaltui summarize or the batch script), not eval data"
        )
    return None
