"""lm-evaluation-harness 0.3 ``--write_out``: ``<output_base_path>/<task>_write_out_info.json``.

The 0.3 harness (``lm_eval/evaluator.py``, ``write_out=True``) wrote one pretty-printed JSON array
per task, one record per document: ``doc_id``, ``prompt_<i>`` and ``logit_<i>`` for each of the
document's requests ``i`` (the prompt is the request's arguments joined: context + continuation for
a log-likelihood, context + the stop sequences for a generation), ``truth`` (the gold choice's
index for a multiple-choice task, else ``doc_to_target``) and each metric as ``str(value)``
(``"1.0"``, ``"True"``). No model is named: the run is the folder's.

Read: a generation (``logit_0`` a text) is its text, the target its reference; a multiple-choice
document (one log-likelihood per choice) is the likeliest choice (per character for
``acc_norm``), the choices being what follows the prompts' common beginning; one continuation
scored (lambada: its log-likelihood, then whether greedy decoding gives it) is that
continuation, the model's answer only when greedy; a perplexity document its log-likelihood.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    ContainerReader,
    ReadOptions,
    ReadResult,
    Rows,
    json_kind,
    named,
    stringify,
    to_score,
)
from evaltui.data.formats.lm_eval import NOT_GREEDY, PREFERRED_METRICS, ROLLING
from evaltui.data.formats.plain_document import JsonDocument
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural

#: ``<task>_write_out_info.json``, as the 0.3 harness names the file.
NAME = re.compile(r"^(?P<task>.+)_write_out_info\.json\Z", re.DOTALL)  # as SAMPLES_NAME
#: A record as the harness starts it: ``{"doc_id": 0, "prompt_0": …``.
START = re.compile(rb'^\s*\[\s*\{\s*"doc_id"\s*:\s*\d+\s*,\s*"prompt_0"\s*:')
REQUEST_KEY = re.compile(r"^(?:prompt|logit)_\d+$")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _metrics(record: dict[str, Any], wanted: str | None) -> Iterator[tuple[str, float]]:
    """The record's metrics that hold a score (``str(value)`` of a number or boolean), the
    known names first (``wanted``, ``--metric``, before them): another value (bleu's
    ``('ref', 'pred')``, a perplexity's pair) is no score."""
    names = [k for k in record if k not in ("doc_id", "truth") and not REQUEST_KEY.match(k)]
    known = [n for n in PREFERRED_METRICS if n in names]
    order = known + [n for n in names if n not in known]
    if wanted in order:
        order = [wanted, *(n for n in order if n != wanted)]
    for name in order:
        try:
            score = to_score(record[name])
        except ValueError:
            continue
        if score is not None:
            yield name, score


def _misshapen(record: Any) -> str | None:
    """Why ``record`` is no --write_out record, in the file's terms (``'prompt_0' is JSON null,
    not the request's text``); None when it is one. The reason said to be "needs doc_id,
    prompt_0, logit_0" whatever was wrong, and a ``doc_id`` of true or an object made the
    prompt id ``task:True`` or ``task:{'a': 1}``, Python's words for the value."""
    if not isinstance(record, dict):
        return f"{json_kind(record)}, not an object"
    if "prompt_0" not in record:
        return "no 'prompt_0', the first request's text"
    if not isinstance(record["prompt_0"], str):
        return f"'prompt_0' is {json_kind(record['prompt_0'])}, not the request's text (a string)"
    doc_id = record.get("doc_id")
    if isinstance(doc_id, bool | list | dict):  # (null: the record's place numbers it)
        return f"'doc_id' is {json_kind(doc_id)}, not the doc's index (a number)"
    return None


def common_context(prompts: list[str], truth: Any) -> tuple[str, bool]:
    """The context the prompts share, and whether it is exact (else a guess).

    The harness wrote each request's context and continuation joined (``"".join``), so where
    one ends is not in the file. A ``truth`` text (``doc_to_target``, a task that is no
    MultipleChoiceTask) ending one prompt, the rest of which begins every prompt, is that
    prompt's continuation: the context is exact. Otherwise (a MultipleChoiceTask's truth is
    the gold index) it is the prompts' common beginning up to its last space or line break,
    where the harness's continuations start (``" {}".format(choice)``: ' Mars'); choices
    ' 1990' and ' 1991' share ' 199', which is theirs -- but choices that begin with the same
    words (' the cat', ' the dog') lose those words to the context."""
    if isinstance(truth, str) and truth:
        for prompt in prompts:
            if len(truth) < len(prompt) and prompt.endswith(truth):
                context = prompt[: -len(truth)]
                if all(p.startswith(context) for p in prompts):
                    return context, True
    first, last = min(prompts), max(prompts)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    cut = max(first.rfind(" ", 0, size), first.rfind("\n", 0, size))
    return first[: cut if cut > 0 else size], False


class LmEvalWriteOutReader(ContainerReader):
    name = "lm_eval_write_out"
    description = "lm-evaluation-harness 0.3 --write_out (<task>_write_out_info.json)"
    extensions = (".json",)

    def sniff(self, path: Path, head: bytes) -> int:
        if not START.match(head.lstrip(b"\xef\xbb\xbf")):
            return 0
        return 90 if NAME.match(path.name) else 75

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        document = JsonDocument(path.read_bytes(), source, options)
        items = list(document.records())
        errors: list[LoadError] = []
        match = NAME.match(path.name)
        task = match["task"] if match else path.stem
        run = options.label or named(path, options).parent.name or task
        rows = Rows()
        generations = choices = continuations = rolling = 0
        guessed = 0  # multiple-choice docs whose context is the prompts' common beginning
        for number, _pos, record in items:
            with rows.entry(errors, source, number):
                why = _misshapen(record)
                if why is not None:
                    errors.append(
                        LoadError(source, number, f"not an lm-eval --write_out record ({why})")
                    )
                    continue
                prompts: list[str] = []
                while isinstance(record.get(f"prompt_{len(prompts)}"), str):
                    prompts.append(record[f"prompt_{len(prompts)}"])
                logits = [record.get(f"logit_{i}") for i in range(len(prompts))]
                metric, score = next(_metrics(record, options.metric), (None, None))
                truth = record.get("truth")
                doc_id = record.get("doc_id")
                ident = f"{task}:{doc_id if doc_id is not None else number - 1}"
                extracted: str | None = None
                unknown: str | None = None
                if isinstance(logits[0], str):
                    # greedy_until: the generated text; the prompt ends with the stop sequences
                    generations += 1
                    prompt, gen, answer = prompts[0], logits[0], stringify(truth)
                elif len(set(prompts)) > 1 and all(_is_number(v) for v in logits):
                    # multiple choice: one log-likelihood per choice, the context shared
                    choices += 1
                    prompt, exact = common_context(prompts, truth)
                    guessed += not exact
                    options_text = [p[len(prompt) :] for p in prompts]
                    values = [float(v) for v in logits if isinstance(v, int | float)]
                    if metric is not None and metric.startswith("acc_norm"):
                        # per character of the choice, as the harness counts it: the choice
                        # without the space its continuation opens with (len(doc["choices"][i])
                        # of MultipleChoiceTask.process_results)
                        lengths = [len(t) - t.startswith(" ") for t in options_text]
                        values = [v / max(n, 1) for v, n in zip(values, lengths, strict=True)]
                    pick = max(range(len(values)), key=values.__getitem__)
                    gen = extracted = options_text[pick]
                    gold = truth if isinstance(truth, int) and not isinstance(truth, bool) else None
                    answer = (
                        options_text[gold]
                        if gold is not None and 0 <= gold < len(options_text)
                        else stringify(truth)
                    )
                elif (
                    isinstance(truth, str)
                    and 0 < len(truth) < len(prompts[0])
                    and prompts[0].endswith(truth)
                ):
                    # one continuation scored (lambada: its log-likelihood, then is-greedy)
                    continuations += 1
                    prompt, gen, answer = prompts[0][: -len(truth)], truth, truth
                    if any(v is True for v in logits):
                        extracted = truth
                    else:
                        unknown = NOT_GREEDY
                else:
                    # loglikelihood_rolling (perplexity): the text's log-likelihood, no answer
                    rolling += 1
                    prompt, gen, answer = prompts[0], stringify(logits[0]) or "", None
                    unknown = ROLLING
                rows.add(
                    run=run,
                    source=source,
                    line=number,
                    prompt_id=ident,
                    prompt=prompt,
                    answer=answer,
                    gen=gen,
                    extracted=extracted,
                    accuracy=score,
                    metric=metric,
                    sample=0,
                    answer_unknown=unknown,
                )
        notes = list(document.notes)
        notes.append(
            f"{source}: an lm-evaluation-harness 0.3 --write_out file: it names no model (the"
            f" run is its folder's, {run!r})"
            + (
                f"; a generation's prompt ends with the task's stop sequences, which the harness"
                f" joined to it ({plural(generations, 'doc')})"
                if generations
                else ""
            )
        )
        if choices or continuations or rolling:
            kinds = [
                f"{plural(choices, 'doc')} of multiple choice: the likeliest choice"
                if choices
                else "",
                f"{plural(continuations, 'doc')} of one continuation: the target"
                if continuations
                else "",
                f"{plural(rolling, 'doc')} of perplexity: the log-likelihood" if rolling else "",
            ]
            notes.append(
                f"{source}: log-likelihood docs, the text shown is "
                + "; ".join(k for k in kinds if k)
            )
        if guessed:
            notes.append(
                f"{source}: {plural(guessed, 'doc')} of multiple choice: the harness wrote each"
                " prompt as its context and choice joined, so each choice shown is what follows"
                " the prompts' common beginning from its last space (choices that begin with"
                " the same words show without them, the prompt with them)"
            )
        errors = document.errors + [
            error
            if error.line is None or not 0 < error.line <= len(document.starts)
            else LoadError(
                error.source,
                document.starts[error.line - 1],
                f"record {error.line}: {error.reason}",
            )
            for error in errors
        ]
        return ReadResult(rows.frame(), errors, notes)
