"""The Qwen2.5-Math evaluation harness (``evaluation/math_eval.py``; also used by SkyThought,
DeepScaleR, simpleRL and other reasoning-model projects).

One JSON line per problem: ``idx``, ``question``, ``gt_cot``, ``gt`` (the parsed reference), dataset
fields (``level``, ``type``, ``solution``, ``answer``, …), then ``code`` (the ``n_sampling``
generations), ``pred`` (the answer extracted from each), ``report`` (code-execution reports) and
``score`` (one bool per generation, added by ``evaluate``). Position ``j`` of those lists is one
generation. Forks add per-generation lists (``finish_reason``, ``output_token``…) or keep ``prompt``.

Files: ``<output_dir>/<data_name>/<split>_<prompt_type>_<num>_seed<s>_t<temp>_s<start>_e<end>.jsonl``,
and ``…_<prompt_type>_metrics.json`` beside it (``num_samples``, ``acc`` in percent: a companion).
Prompt id: ``<data_name>:<idx>`` (one run evaluates several datasets, one folder each). Run label:
the output dir (at most its last three folders, below ``outputs/``), the way the harness names its
model by the last two parts of its path; an output dir named ``math_eval`` or ``<dataset>_eval``
(what the harness's scripts and SkyThought's runs append to the model path) is the model's: the
label is the model folder's last two parts. One run is one file name (split, prompt type, sample
count, seed, temperature, range): the same model run at two temperatures or seeds writes two files
into each dataset folder, which stay two runs (``label @ seed1 t0.6``, see evaltui.data.runs), never
extra generations of the same problems; the files of one run share that name across datasets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    found_in,
    json_kind,
    named,
    stringify,
    to_score,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.schema import LoadError

#: The harness writes these first; ``code`` (the generations) and ``pred`` always.
REQUIRED = {"idx", "question", "code", "pred"}
#: A first line longer than the head: the harness starts every line with idx then question.
HEAD_START = re.compile(r'^\{"idx":\s*(?:-?\d+|"[^"]*"),\s*"question":')
#: Per-generation lists some forks add, whose element says the generation hit the length cap.
FINISH_FIELDS = ("finish_reason", "stop_reason", "finish_reasons")
LABEL_DEPTH = 3
#: Why a score is never NaN or infinite: ``math_eval.py`` writes each sample's ``math_equal``.
NO_NON_FINITE = "Qwen2.5-Math's evaluation writes each score as a boolean"
#: ``math_eval.py`` names a model by the last two parts of its path (``org/model``).
MODEL_DEPTH = 2
#: The output dir the harness's ``sh/eval.sh`` gives every model: ``<model path>/math_eval``.
EVAL_FOLDER = "math_eval"
#: ``<split>_<prompt_type>_<num_test_sample>_seed<seed>_t<temperature>_s<start>_e<end>.jsonl``:
#: the seed and temperature are what usually tells two runs of one model apart.
RUN_NAME = re.compile(r"_seed(?P<seed>-?\d+)_t(?P<temp>[0-9.]+)_s-?\d+_e-?\d+\Z", re.ASCII)


def _below_outputs(folder: Path, depth: int) -> str:
    """``folder`` below ``outputs/`` (where the harness puts a relative output dir), at most
    ``depth`` folders of it."""
    parts = list(folder.parts)
    if "outputs" in parts:
        parts = parts[len(parts) - parts[::-1].index("outputs") :]
    return "/".join([p for p in parts if p not in ("/", "")][-depth:])


def _label(path: Path) -> str:
    """The harness's output dir (the data folder's parent), below ``outputs/``, at most 3 deep;
    an output dir that only says it holds evaluations (the harness's ``sh/eval.sh`` writes
    ``<model>/math_eval``, SkyThought's runs ``<model>/<dataset>_eval``) is named by the model
    folder above it, its last two parts as the harness names a model: ``Qwen/Qwen2.5-14B-Instruct``
    (it was ``Qwen/Qwen2.5-14B-Instruct/aime24_eval``, one run per dataset of one model)."""
    output_dir = found_in(path).parent
    if output_dir.name in (EVAL_FOLDER, f"{path.parent.name}_eval"):
        model = _below_outputs(output_dir.parent, MODEL_DEPTH)
        if model:
            return model
    return _below_outputs(output_dir, LABEL_DEPTH) or path.parent.name


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _truncated(record: dict[str, Any], j: int, n: int) -> bool | None:
    for name in FINISH_FIELDS:
        value = record.get(name)
        if isinstance(value, list) and len(value) == n and isinstance(value[j], str):
            return bool(value[j] == "length")
        if isinstance(value, str):
            return value == "length"
    return None


def _started(stem: str) -> str:
    """The readable part of a run's file name that usually tells it apart: ``seed0 t0.6``."""
    found = RUN_NAME.search(stem)
    return f"seed{found['seed']} t{found['temp']}" if found else stem


class QwenMathReader(Reader):
    """Qwen2.5-Math ``math_eval.py`` outputs: lists of generations, predictions and scores per line."""

    name = "qwen_math"
    own_answers = True
    description = (
        "Qwen2.5-Math evaluation harness JSONL (idx, question, gt, code/pred/score lists; "
        "+ *_metrics.json)"
    )
    extensions = (".jsonl",)
    appendable = True

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is not None:
            return 92 if set(first) >= REQUIRED else 0
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if HEAD_START.match(text) and ('"gt"' in text or '"gt_cot"' in text):
            return 80  # a problem statement or a first generation longer than the head
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace")
        return path.name.endswith("_metrics.json") and '"num_samples"' in text and '"acc"' in text

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        parsed, errors, notes = parse_json_lines(path, source, options.window)
        run = options.label or _label(named(path, options))
        dataset = path.parent.name
        rows = Rows()
        for line, offset, record in parsed:
            with rows.entry(errors, source, line):
                if not isinstance(record, dict) or not set(record) >= REQUIRED:
                    why = (
                        "missing " + ", ".join(sorted(REQUIRED - set(record)))
                        if isinstance(record, dict)
                        else f"{json_kind(record)}, not an object"
                    )
                    errors.append(
                        LoadError(source, line, f"not a Qwen2.5-Math output line ({why})")
                    )
                    continue
                problem = self._problem(record)
                if problem is not None:
                    errors.append(LoadError(source, line, problem))
                    continue
                codes = _list(record["code"])
                preds = _list(record["pred"])
                score = record.get("score")  # absent or null before `evaluate` scored the line
                scores = [None] * len(codes) if score is None else _list(score)
                question = record["question"]
                answer = record.get("gt", record.get("answer"))
                for j, code in enumerate(codes):
                    rows.add(
                        run=run,
                        source=source,
                        line=line,
                        offset=offset,
                        prompt_id=f"{dataset}:{stringify(record['idx'])}",
                        prompt=question if isinstance(question, str) else stringify(question) or "",
                        answer=stringify(answer),
                        gen=code if isinstance(code, str) else stringify(code) or "",
                        accuracy=to_score(scores[j], finite_why=NO_NON_FINITE),
                        extracted=stringify(preds[j]),
                        sample=j,
                        truncated=_truncated(record, j, len(codes)),
                    )
        return ReadResult(rows.frame(), errors, notes)

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """One run is one file name in the output dir (a dataset folder holds one file per run).
        The file's folder is its name: folders of one output dir that hold the same problems
        are no datasets of one run but runs of their own (one model's outputs per folder,
        ``results/<model>/<file>``), labelled by the folder (:func:`evaltui.data.runs.run_labels`)."""
        if options.label:
            return None
        stem = path.name.rsplit(".", 1)[0]
        # The run's files are <output dir>/<dataset>/<name>: its folder is the output dir.
        dataset = path.parent.name
        label = _label(named(path, options))
        return RunIdentity(label, stem, dataset, _started(stem), depth=1, name=dataset)

    @staticmethod
    def _problem(record: dict[str, Any]) -> str | None:
        """Why this line cannot be taken apart into generations; None when it can."""
        codes = _list(record["code"])
        if not codes:
            return "'code' is an empty list (no generation)"
        preds = _list(record["pred"])
        if len(preds) != len(codes):
            return f"'code' has {len(codes)} generations but 'pred' has {len(preds)}"
        if record.get("score") is not None:
            scores = _list(record["score"])
            if len(scores) != len(codes):
                return f"'code' has {len(codes)} generations but 'score' has {len(scores)}"
            for value in scores:
                try:
                    to_score(value, finite_why=NO_NON_FINITE)
                except ValueError as exc:
                    return str(exc)
        return None
