"""InternBootcamp ``run_eval.py``: ``details/<test file>.jsonl`` (+ ``meta.jsonl``, ``eval_args.json``).

One line per prompt, in completion order: ``id`` (line number in the test file), ``prompt``,
``output``, ``score`` (float or int, partial credit possible), ``extracted_output`` (any JSON),
``ground_truth`` (usually an object, shown as JSON), and ``output_len`` — a whitespace word count,
not tokens, so evaltui's own token length is the one shown.
"""

from __future__ import annotations

import json
from pathlib import Path

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

REQUIRED = {"id", "prompt", "output", "score"}


def _model(path: Path) -> str:
    root = path.parent.parent if path.parent.name == "details" else path.parent
    try:
        args = json.loads((root / "eval_args.json").read_text(encoding="utf-8"))
        if isinstance(args, dict) and isinstance(args.get("model_name"), str):
            return str(args["model_name"])
    except (OSError, ValueError):
        pass
    return root.name


class InternBootcampReader(Reader):
    name = "internbootcamp"
    description = (
        "InternBootcamp run_eval.py details/<file>.jsonl (meta.jsonl, eval_args.json beside)"
    )
    extensions = (".jsonl", ".json")

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is not None and set(first) >= REQUIRED:
            return 92 if "ground_truth" in first or "extracted_output" in first else 80
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        if path.name == "eval_args.json":
            return True
        first = first_record(head)
        return path.name == "meta.jsonl" and first is not None and "bootcamp" in first

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        parsed, errors, notes = parse_json_lines(path, source)
        run = options.label or _model(path)
        rows = Rows()
        for line, offset, record in parsed:
            if not isinstance(record, dict) or not set(record) >= REQUIRED:
                errors.append(
                    LoadError(
                        source,
                        line,
                        "not an InternBootcamp record (needs id, prompt, output, score)",
                    )
                )
                continue
            try:
                score = to_score(record["score"])
            except ValueError as exc:
                errors.append(LoadError(source, line, str(exc)))
                continue
            rows.add(
                run=run,
                source=source,
                line=line,
                offset=offset,
                prompt_id=f"{path.stem}:{record['id']}",
                prompt=stringify(record["prompt"]) or "",
                answer=stringify(record.get("ground_truth")),
                gen=stringify(record["output"]) or "",
                accuracy=score,
                extracted=stringify(record.get("extracted_output")),
            )
        return ReadResult(rows.frame(), errors, notes)
