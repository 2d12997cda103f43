"""lm-evaluation-harness ``--log_samples``: ``samples_<task>_<date>.jsonl`` (+ ``results_<date>.json``).

One record per (doc, filter). Each filter becomes its own run label (``model · filter``), so filters
can be compared side by side; ``resps[0]`` holds the ``repeats: k`` generations of the doc. Where the
task's metric belongs to the document rather than to one generation (a ``take_first`` or
``majority_vote`` filter over k repeats), it is kept as the prompt's score (``prompt_score``)
and the generations stay unscored; where the filter kept every repeat's extracted answer and
re-scoring them by exact match reproduces the harness's own count, each generation gets its score.

Also read: multiple-choice/loglikelihood tasks (the generation is the chosen continuation),
chat-templated prompts (a list holding a JSON string of messages), predict-only runs (no metric),
pre-0.4.7 files without ``filter``/``metrics``, and the ≤0.4.2 pretty-printed JSON array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    stringify,
    to_score,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.schema import LoadError

SAMPLES_NAME = re.compile(r"^samples_(?P<task>.+)_(?P<date>\d{4}-\d\d-\d\dT[\d-]+\.\d+)\.jsonl$")
RESULTS_NAME = re.compile(r"^results_(?P<date>\d{4}-\d\d-\d\dT[\d-]+\.\d+)\.json$")
REQUIRED = {"doc_id", "arguments", "resps", "filtered_resps"}
STANDARD_KEYS = REQUIRED | {
    "doc",
    "target",
    "filter",
    "metrics",
    "doc_hash",
    "prompt_hash",
    "target_hash",
    "scores_per_repeat",
}
PREFERRED_METRICS = ("exact_match", "acc", "em", "accuracy", "pass@1", "acc_norm", "f1", "score")


def _results_for(path: Path) -> dict[str, Any] | None:
    """The results JSON written by the same run (same date id), else any beside the samples file."""
    match = SAMPLES_NAME.match(path.name)
    candidates = []
    if match:
        candidates.append(path.with_name(f"results_{match['date']}.json"))
    candidates += sorted(path.parent.glob("results*.json"))
    for candidate in candidates:
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and ("configs" in data or "lm_eval_version" in data):
            return data
    return None


def _model_name(results: dict[str, Any] | None, path: Path) -> str:
    if results:
        if isinstance(results.get("model_name"), str) and results["model_name"]:
            return str(results["model_name"])
        args = str((results.get("config") or {}).get("model_args") or "")
        found = re.search(r"(?:pretrained|model|path|engine)=([^,]+)", args)
        if found:
            return found.group(1)
    return path.parent.name


def _prompt_text(arg: Any) -> str:
    """The prompt as readable text: chat-templated prompts are a list holding a JSON string of messages."""
    if isinstance(arg, list) and len(arg) == 1 and isinstance(arg[0], str):
        try:
            messages = json.loads(arg[0])
        except ValueError:
            return arg[0]
        if isinstance(messages, list) and all(
            isinstance(m, dict) and "content" in m for m in messages
        ):
            return "\n\n".join(f"{m.get('role', '?')}: {stringify(m['content'])}" for m in messages)
        return arg[0]
    return arg if isinstance(arg, str) else stringify(arg) or ""


def _requests(record: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(arg_0, arg_1) of each request: ``gen_args_i`` objects (≥0.4.3) or a list of tuples (≤0.4.2)."""
    arguments = record.get("arguments")
    if isinstance(arguments, dict):
        keys = sorted(
            arguments,
            key=lambda k: int(k.rsplit("_", 1)[-1]) if k.rsplit("_", 1)[-1].isdigit() else 0,
        )
        return [
            (arguments[k].get("arg_0"), arguments[k].get("arg_1"))
            for k in keys
            if isinstance(arguments[k], dict)
        ]
    if isinstance(arguments, list):
        return [
            (a[0] if len(a) > 0 else None, a[1] if len(a) > 1 else None)
            for a in arguments
            if isinstance(a, list)
        ]
    return []


def _metric(record: dict[str, Any]) -> tuple[str | None, Any]:
    """The record's main per-sample metric: the first listed in ``metrics``, else a known name."""
    names = [m for m in record.get("metrics") or [] if isinstance(m, str)]
    names += [m for m in PREFERRED_METRICS if m not in names]
    names += [k for k in record if k not in STANDARD_KEYS and k not in names]
    for name in names:
        if name in record and (
            record[name] is None or isinstance(record[name], bool | int | float)
        ):
            return name, record[name]
    return None, None


def _is_loglikelihood(record: dict[str, Any]) -> bool:
    resps = record.get("resps")
    if not isinstance(resps, list) or not resps or not isinstance(resps[0], list) or not resps[0]:
        return False
    return isinstance(resps[0][0], list)


def _same(a: str, b: str) -> bool:
    return a.strip().rstrip(".").strip() == b.strip().rstrip(".").strip()


class LmEvalReader(Reader):
    name = "lm_eval"
    description = (
        "lm-evaluation-harness --log_samples (samples_<task>_<date>.jsonl; ≤0.4.2 JSON arrays)"
    )
    extensions = (".jsonl", ".json")

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is not None and set(first) >= REQUIRED:
            return 95
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if text.startswith("[") and all(
            f'"{k}"' in text for k in ("doc_id", "resps", "filtered_resps")
        ):
            return 90  # ≤0.4.2: one pretty-printed JSON array
        if SAMPLES_NAME.match(path.name) and '"doc_id"' in text:
            return 70  # first record longer than the head
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace")
        return bool(RESULTS_NAME.match(path.name)) or (
            '"lm_eval_version"' in text and '"configs"' in text
        )

    def _entries(
        self, path: Path, source: str
    ) -> tuple[list[tuple[int, int | None, Any]], list[LoadError], list[str]]:
        text = path.read_bytes().lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"["):
            try:
                data = json.loads(text.decode("utf-8", errors="replace"))
            except ValueError as exc:
                return (
                    [],
                    [LoadError(source, None, f"not a valid JSON array (truncated?): {exc}")],
                    [],
                )
            return [(i + 1, None, item) for i, item in enumerate(data)], [], []
        parsed, errors, notes = parse_json_lines(path, source)
        return [(line, offset, value) for line, offset, value in parsed], errors, notes

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        entries, errors, notes = self._entries(path, source)
        results = _results_for(path)
        model = options.label or _model_name(results, path)
        match = SAMPLES_NAME.match(path.name)
        task = match["task"] if match else path.stem
        config = ((results or {}).get("configs") or {}).get(task) or {}
        filter_names = [
            f.get("name") for f in config.get("filter_list") or [] if isinstance(f, dict)
        ]
        rows = Rows()
        seen: dict[Any, int] = {}
        doc_level: set[str] = set()
        for line, offset, record in entries:
            if not isinstance(record, dict) or not set(record) >= REQUIRED:
                missing = (
                    sorted(REQUIRED - set(record))
                    if isinstance(record, dict)
                    else ["(not an object)"]
                )
                errors.append(
                    LoadError(
                        source, line, f"not an lm-eval sample record (missing {', '.join(missing)})"
                    )
                )
                continue
            doc_id = record["doc_id"]
            occurrence = seen.get(doc_id, 0)
            seen[doc_id] = occurrence + 1
            filter_name = record.get("filter")
            if filter_name is None and (occurrence or len(filter_names) > 1):
                # Before 0.4.7 the filter is not named: lines come in filter_list order per doc.
                filter_name = (
                    filter_names[occurrence]
                    if occurrence < len(filter_names)
                    else f"filter {occurrence + 1}"
                )
            run = model if filter_name in (None, "none") else f"{model} · {filter_name}"
            try:
                generated = self._generations(record)
            except (ValueError, TypeError, IndexError, KeyError) as exc:
                errors.append(LoadError(source, line, f"unreadable lm-eval record: {exc}"))
                continue
            requests = _requests(record)
            prompt = _prompt_text(requests[0][0]) if requests else ""
            metric, value = _metric(record)
            try:
                score = to_score(value)
            except ValueError:
                score = None
            answer = stringify(record.get("target"))
            if (
                _is_loglikelihood(record)
                and answer is not None
                and answer.isdigit()
                and int(answer) < len(requests)
            ):
                answer = f"{answer}: {(stringify(requests[int(answer)][1]) or '').strip()}"
            k = len(generated)
            per_gen: list[float | None]
            if k == 1:
                per_gen, prompt_score = [score], None
            else:
                per_gen = [g[2] for g in generated]
                prompt_score = score
                if any(s is None for s in per_gen):
                    per_gen = [None] * k
                    if metric is not None:
                        doc_level.add(f"{task} / {filter_name or 'none'}: {metric}")
            for j, (text, extracted, _score) in enumerate(generated):
                rows.add(
                    run=run,
                    source=source,
                    line=line,
                    offset=offset,
                    prompt_id=f"{task}:{doc_id}",
                    prompt=prompt,
                    answer=answer,
                    gen=text,
                    accuracy=per_gen[j],
                    extracted=extracted,
                    sample=j,
                    prompt_score=prompt_score,
                )
        for item in sorted(doc_level):
            notes.append(
                f"{source}: {item} scores the document, not each repeat: kept as prompt_score"
            )
        return ReadResult(rows.frame(), errors, notes)

    def _generations(self, record: dict[str, Any]) -> list[tuple[str, str | None, float | None]]:
        """(text, extracted answer, own score) per generation of the record."""
        target = stringify(record.get("target")) or ""
        filtered = record.get("filtered_resps") or []
        if _is_loglikelihood(record):
            # Multiple choice: the model's choice is the highest log-likelihood continuation.
            values = [float(r[0][0] if isinstance(r[0], list) else r[0]) for r in record["resps"]]
            choice = max(range(len(values)), key=values.__getitem__)
            continuation = _requests(record)[choice][1]
            return [((stringify(continuation) or "").strip(), str(choice), None)]
        repeats = record["resps"][0] if record["resps"] else []
        texts = [
            r if isinstance(r, str) else stringify(r) or ""
            for r in (repeats if isinstance(repeats, list) else [repeats])
        ]
        first = filtered[0] if filtered else None
        if len(texts) == 1:
            return [(texts[0], stringify(first) if isinstance(first, str) else None, None)]
        per_repeat = record.get("scores_per_repeat")
        metric, value = _metric(record)
        if (
            isinstance(per_repeat, dict)
            and metric in per_repeat
            and len(per_repeat[metric]) == len(texts)
        ):
            scores = [to_score(s) for s in per_repeat[metric]]
            return [(t, None, s) for t, s in zip(texts, scores, strict=True)]
        if isinstance(first, list) and len(first) == len(texts):
            # Every repeat's extracted answer was kept (pass@k-style filter): score them by exact match,
            # and trust that only when it reproduces the harness's own count.
            extracted = [stringify(e) or "" for e in first]
            own = [1.0 if _same(e, target) else 0.0 for e in extracted]
            harness = record.get("n_correct")
            expected = (
                harness
                if isinstance(harness, int)
                else (
                    round(float(value) * len(texts))
                    if isinstance(value, int | float) and 0 <= value <= 1
                    else None
                )
            )
            ok = expected is not None and int(sum(own)) == expected
            return [
                (t, e, s if ok else None) for t, e, s in zip(texts, extracted, own, strict=True)
            ]
        return [(t, None, None) for t in texts]

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        pairs = list(rows)
        if all(offset is not None for _line, offset in pairs):
            yield from super().records(path, pairs)
            return
        data = json.loads(path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff"))
        for line, _offset in pairs:
            yield json.dumps(data[line - 1], ensure_ascii=False)
