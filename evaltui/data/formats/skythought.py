"""SkyThought (Sky-T1) results: ``results.json`` (+ ``summary.json``) and the older layouts.

Current CLI: a JSON object keyed by ``_index`` ("0", "1", …), each entry a dataset row plus
``prompt``, ``input_conversation`` and ``responses: [{content, correctness, reason}, …]`` (correctness
null after ``skythought generate``). Older layouts: keyed by the problem text with responses per
temperature (one dict per temperature in Jan 2025, a list in Feb 2025), and a JSON list of records.
Several temperatures become separate runs (``model · T=0.7``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    ContainerReader,
    ReadOptions,
    ReadResult,
    Rows,
    frame_from_rows,
    json_document,
    prompt_hash,
    stringify,
    to_score,
)
from evaltui.data.schema import LoadError


def _summary(path: Path) -> dict[str, Any]:
    try:
        data = json.loads((path.parent / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _prompt(entry: dict[str, Any], key: str) -> str:
    if isinstance(entry.get("prompt"), str):
        return str(entry["prompt"])
    conversation = entry.get("input_conversation")
    if isinstance(conversation, list):
        users = [
            m.get("content")
            for m in conversation
            if isinstance(m, dict) and m.get("role") == "user"
        ]
        if users:
            return stringify(users[-1]) or ""
    return stringify(entry.get("problem")) or key


def _responses(value: Any) -> list[tuple[str | None, list[Any]]]:
    """(temperature or None, [response, …]) groups: a list, or a dict keyed by temperature."""
    if isinstance(value, list):
        return [(None, value)]
    if isinstance(value, dict):
        if "content" in value:  # a single response
            return [(None, [value])]
        return [(str(t), r if isinstance(r, list) else [r]) for t, r in value.items()]
    raise ValueError("'responses' is neither a list nor an object")


class SkyThoughtReader(ContainerReader):
    name = "skythought"
    description = (
        "SkyThought results.json (keyed by _index or problem text, or a list; + summary.json)"
    )
    extensions = (".json",)

    def sniff(self, path: Path, head: bytes) -> int:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if not text.startswith(("{", "[")) or '"responses"' not in text:
            if (
                path.name == "results.json"
                and (path.parent / "summary.json").is_file()
                and text.startswith("{")
            ):
                return 60  # the first entry is longer than the head
            return 0
        if re.search(r'"responses"\s*:\s*[\[{]', text) and (
            '"correctness"' in text or '"token_usages"' in text
        ):
            return 85
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace")
        if path.name == "summary.json" and '"configuration"' in text:
            return True
        return path.parent.name in {"metrics", "token_usage"} and (
            '"pass_at_k"' in text or '"completion_tokens"' in text
        )

    def entries(self, data: Any) -> list[tuple[str, Any]]:
        pairs = super().entries(data)
        if isinstance(data, dict) and all(k.isdigit() for k, _ in pairs):
            pairs.sort(key=lambda kv: int(kv[0]))  # "10" after "9", not after "1"
        return pairs

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        data, error = json_document(path, source)
        if error is not None:
            return ReadResult(frame_from_rows({}), [error])
        summary = _summary(path)
        configuration = summary.get("configuration") or {}
        model = (
            options.label
            or (configuration.get("model") or {}).get("name")
            or self._model_from_name(path)
        )
        task_config = (configuration.get("task") or {}).get("config") or {}
        answer_key = task_config.get("answer_key") or "answer"
        errors: list[LoadError] = []
        rows = Rows()
        entries = self.entries(data)
        if not entries:
            return ReadResult(
                rows.frame(),
                [LoadError(source, None, "no SkyThought entries in this file")],
            )
        for index, (key, entry) in enumerate(entries, start=1):
            if not isinstance(entry, dict) or "responses" not in entry:
                errors.append(LoadError(source, index, f"entry {key!r} has no 'responses'"))
                continue
            try:
                groups = _responses(entry["responses"])
            except ValueError as exc:
                errors.append(LoadError(source, index, f"entry {key!r}: {exc}"))
                continue
            ident = entry.get("_index", key if key.isdigit() else None)
            prompt = _prompt(entry, key)
            prompt_id = str(ident) if ident is not None else prompt_hash(key)
            answer = stringify(entry.get(answer_key))
            for temperature, responses in groups:
                run = (
                    model
                    if temperature is None or len(groups) == 1
                    else f"{model} · T={temperature}"
                )
                for j, response in enumerate(responses):
                    if not isinstance(response, dict):
                        errors.append(
                            LoadError(
                                source, index, f"entry {key!r}: response {j} is not an object"
                            )
                        )
                        continue
                    try:
                        score = to_score(response.get("correctness"))
                    except ValueError as exc:
                        errors.append(LoadError(source, index, f"entry {key!r}: {exc}"))
                        continue
                    rows.add(
                        run=run,
                        source=source,
                        line=index,
                        prompt_id=prompt_id,
                        prompt=prompt,
                        answer=answer,
                        gen=stringify(response.get("content")) or "",
                        accuracy=score,
                        sample=j,
                    )
        return ReadResult(rows.frame(), errors)

    @staticmethod
    def _model_from_name(path: Path) -> str:
        # Legacy files are named <model>_<dataset>_…; the CLI's folder is <model id>_<task>_<hash>.
        name = path.parent.name if path.name == "results.json" else path.stem
        return name.split("_")[0] or name
