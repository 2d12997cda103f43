"""Inspect AI logs: ``.json`` (EvalLog with inline ``samples``) and ``.eval`` zip archives.

One EvalSample per (sample id, epoch): ``--epochs k`` gives k samples of the same id. Scores
``scores.<scorer>.value`` are ``"C"``/``"I"``/``"P"``/``"N"`` (1, 0, 0.5, 0), numbers or bools; the
scorer's ``answer`` is the extracted answer. ``.eval`` members are zstd-compressed (zip method 93)
in current versions, which Python's zipfile cannot read: those members are decompressed here with
``zstandard``; older archives use deflate. Ids may be strings or ints in the same log.
"""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    json_document,
    stringify,
    to_score,
)
from evaltui.data.schema import LoadError

ZSTD_METHOD = 93
LETTER_SCORES = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}


def read_member(archive: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> bytes:
    """A zip member's bytes; zstd members (method 93) are decompressed by hand."""
    if info.compress_type != ZSTD_METHOD:
        return archive.read(info)
    import zstandard

    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if header[:4] != b"PK\x03\x04":
            raise ValueError(f"bad local header for {info.filename}")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        compressed = handle.read(info.compress_size)
    return zstandard.ZstdDecompressor().decompress(
        compressed, max_output_size=max(info.file_size, 1)
    )


def _text(value: Any) -> str:
    """Message content: a string, or content parts (``{"type": "text", "text": …}``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            p.get("text", "") if isinstance(p, dict) else stringify(p) or "" for p in value
        )
    return stringify(value) or ""


def _input(value: Any) -> str:
    if isinstance(value, list):
        return "\n\n".join(
            f"{m.get('role', '?')}: {_text(m.get('content'))}" for m in value if isinstance(m, dict)
        )
    return _text(value)


def _score(scores: Any) -> tuple[float | None, str | None]:
    """The first scorer's value as a number, and its extracted answer."""
    if not isinstance(scores, dict) or not scores:
        return None, None
    first = next(iter(scores.values()))
    if not isinstance(first, dict):
        return None, None
    value = first.get("value")
    if isinstance(value, dict) and value:
        value = next(iter(value.values()))
    if isinstance(value, str) and value.upper() in LETTER_SCORES:
        score: float | None = LETTER_SCORES[value.upper()]
    else:
        try:
            score = (
                to_score(value, non_finite=True) if not isinstance(value, list) else None
            )  # NaN: documented
        except ValueError:
            score = None
    return score, stringify(first.get("answer")) or None


class InspectReader(Reader):
    name = "inspect"
    description = "Inspect AI logs (.eval zip archives, zstd or deflate; .json with inline samples)"
    extensions = (".eval", ".json")

    def sniff(self, path: Path, head: bytes) -> int:
        if head.startswith(b"PK\x03\x04") and (b"header.json" in head or path.suffix == ".eval"):
            return 95
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if (
            text.startswith("{")
            and '"eval"' in text
            and ('"samples"' in text or '"plan"' in text)
            and '"status"' in text
        ):
            return 90
        return 0

    def _load(
        self, path: Path, source: str
    ) -> tuple[dict[str, Any], list[tuple[str, Any]], list[LoadError]]:
        """(eval header, [(member or index, sample)], errors)."""
        errors: list[LoadError] = []
        if path.suffix == ".eval" or path.read_bytes()[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(path) as archive:
                    infos = {i.filename: i for i in archive.infolist()}
                    header = (
                        json.loads(read_member(archive, path, infos["header.json"]))
                        if "header.json" in infos
                        else {}
                    )
                    samples = []
                    for name in sorted(
                        n for n in infos if n.startswith("samples/") and n.endswith(".json")
                    ):
                        try:
                            samples.append(
                                (name, json.loads(read_member(archive, path, infos[name])))
                            )
                        except (ValueError, OSError, zipfile.BadZipFile) as exc:
                            errors.append(
                                LoadError(source, len(samples) + 1, f"{name}: unreadable ({exc})")
                            )
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                return (
                    {},
                    [],
                    [LoadError(source, None, f"not a readable .eval archive (truncated?): {exc}")],
                )
            return header if isinstance(header, dict) else {}, samples, errors
        data, error = json_document(path, source)
        if error is not None:
            return {}, [], [error]
        if not isinstance(data, dict) or not isinstance(data.get("samples"), list):
            return {}, [], [LoadError(source, None, "Inspect log without samples")]
        return data, [(str(i), s) for i, s in enumerate(data["samples"])], errors

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        header, samples, errors = self._load(path, source)
        info = header.get("eval") or {}
        run = options.label or stringify(info.get("model")) or path.parent.name
        task = stringify(info.get("task")) or path.stem
        rows = Rows()
        for index, (_name, sample) in enumerate(samples, start=1):
            with rows.entry(errors, source, index):
                if not isinstance(sample, dict) or "id" not in sample:
                    errors.append(LoadError(source, index, "sample without an id"))
                    continue
                output = sample.get("output") or {}
                choices = output.get("choices") or []
                message = (
                    (choices[0] or {}).get("message")
                    if choices and isinstance(choices[0], dict)
                    else None
                )
                completion = output.get("completion")
                gen = (
                    completion
                    if isinstance(completion, str) and completion
                    else _text((message or {}).get("content"))
                )
                score, answer = _score(sample.get("scores"))
                target = sample.get("target")
                stop = (
                    (choices[0] or {}).get("stop_reason")
                    if choices and isinstance(choices[0], dict)
                    else None
                )
                rows.add(
                    run=run,
                    source=source,
                    line=index,
                    prompt_id=f"{task}:{sample['id']}",
                    prompt=_input(sample.get("input")),
                    answer=" | ".join(map(str, target))
                    if isinstance(target, list)
                    else stringify(target),
                    gen=gen,
                    accuracy=score,
                    extracted=answer,
                    sample=int(sample.get("epoch") or 1) - 1,
                    truncated=stop in {"max_tokens", "model_length"} if stop else None,
                )
        return ReadResult(rows.frame(), errors)

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        _header, samples, errors = self._load(path, path.name)
        if not samples and errors:
            raise ValueError(f"{path}: {errors[0].reason}")
        for line, _offset in rows:
            yield json.dumps(samples[line - 1][1], ensure_ascii=False)
