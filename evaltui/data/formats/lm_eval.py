"""lm-evaluation-harness ``--log_samples``: ``samples_<task>_<date>.jsonl`` (+ ``results_<date>.json``).

Mid-2024 harnesses named the samples files ``samples_<task>_<date>.json`` (JSON lines, or a
pretty-printed JSON array before that): task and date come from that name too.

One record per (doc, filter). Each filter becomes its own run label (``model · filter``), so filters
can be compared side by side; ``resps[0]`` holds the ``repeats: k`` generations of the doc. Where the
task's metric belongs to the document rather than to one generation (a ``take_first`` or
``majority_vote`` filter over k repeats, pass@k), it is kept as the prompt's score (``prompt_score``)
and the generations stay unscored, each repeat's answer read from its text (the file keeps the
filter's one answer for the doc, none of each repeat's) -- unless the record says how each repeat scored
(``scores_per_repeat``, 0.5.0.dev1), or the filter kept every repeat's extracted answer and
re-scoring them by exact match reproduces the harness's own mean.

Also read: multiple-choice/loglikelihood tasks (the generation is the chosen continuation, the
score ``acc``; a task scored by ``acc_norm`` alone chose by log-likelihood per character,
as that metric does, and one scored by ``acc_mutual_info`` alone by log-likelihood less that
of the choice without its context, whose requests follow the choices and are never a choice;
the reference is the gold choice, whether the target is its index or its text; in partial
evaluation, winogrande's, the choices are the contexts before one continuation, the target, and
the gold choice is told by ``acc``; choices scored with no context, blimp's, are the prompt;
true choices a doc labels, truthfulqa_mc2's, are the reference's aliases; a perplexity task's
``loglikelihood_rolling`` docs have no reference, their log-likelihood as the generation),
a generative task that sets ``doc_to_choice`` (super_glue's t5-prompt: ``doc_to_target: label``)
has the choice its target indexes as the reference, as lm-eval scores it (the results file's
config says the choices), chat-templated prompts (a list holding a JSON string of messages, or
the text a model's chat template rendered: one user turn shown as its text, more turns with their roles), predict-only
runs (no metric: unscored), pre-0.4.7 files without ``filter``/``metrics`` (a doc's n-th line is the
n-th filter of the task's ``filter_list``), and the ≤0.4.2 pretty-printed JSON array
(``<model_args>_<task>.jsonl``, beside the ``--output_path`` results file of any name: the one
whose ``model_args`` name the samples file).

The model is the results JSON's ``model_name`` (the results file of the same date id), else the
folder. Without its own results file, a samples file is read without one (said in a note) unless
the one results file beside it provably belongs: another run's config would misread it. One run is one date id: when several runs of one task are loaded (in one folder or in
several), each of those runs gets its date id in the label (all its tasks), so the runs stay
apart and can be compared (see evaltui.data.runs).
"""

from __future__ import annotations

import ast
import functools
import glob
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    ALIAS_SEPARATOR,
    ALIASES,
    SHORT_REPLIES,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    companion_json,
    entry_guard,
    json_document,
    json_kind,
    named,
    reference_aliases,
    reference_text,
    stringify,
    to_score,
    turns_text,
    verdict_list,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.formats.plain_document import JsonDocument
from evaltui.data.sanitize import name_line
from evaltui.data.schema import LoadError
from evaltui.data.wording import first_few, flag_words, plural

#: A run's date id: ``datetime.now().isoformat()`` with ":" as "-", which has no fraction on a
#: whole second (the harness itself takes it as what follows the name's last "_").
DATE = r"\d{4}-\d\d-\d\dT[\d-]+(?:\.\d+)?"
#: ``.jsonl`` since mid 2024; lm-eval's main branch before that named the same files ``.json``
#: (a pretty-printed JSON array at first, then JSON lines), so both are samples files.
#: The task is what the harness put between "samples_" and the date: any characters, a line
#: break included (a task's name is its YAML's ``task:``, written into the name as it is), so
#: DOTALL; ``\Z``, not ``$``, which also matches before a name's last "\n"; the date in ASCII
#: digits only (``isoformat``'s), not any script's.
SAMPLES_NAME = re.compile(
    rf"^samples_(?P<task>.+)_(?P<date>{DATE})\.jsonl?\Z", re.DOTALL | re.ASCII
)
RESULTS_NAME = re.compile(rf"^results_(?P<date>{DATE})\.json\Z", re.ASCII)
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
#: Metric names tried, in order, when a record does not list its metrics (before 0.4.7).
PREFERRED_METRICS = ("exact_match", "acc", "em", "accuracy", "pass@1", "acc_norm", "f1", "score")
#: The metric ``--predict_only`` puts in place of the task's: no score. Per sample lm-eval wrote
#: null (ConfigurableTask, 0.4.x), then 0 (``override_metric``'s ``process_results = lambda *args:
#: {"bypass": 0}`` of later versions); 999 is its aggregate, which converters write per sample.
BYPASS = "bypass"
#: What lm-eval's regex filters return when they find no answer (``RegexFilter(fallback=…)``'s
#: default): no extracted answer, not an answer called "[invalid]".
NO_MATCH = "[invalid]"
#: The multiple-choice metric that picks by log-likelihood per character (the Open LLM
#: Leaderboard v2 tasks score by it alone: leaderboard_bbh_*, _gpqa_*, _musr_*).
ACC_NORM = "acc_norm"
#: The multiple-choice metric that picks by mutual information: each choice's log-likelihood
#: less its log-likelihood without the context. A task scored by it logs twice the requests:
#: the choices after the context, then each choice alone (``("", choice)``, construct_requests).
ACC_MUTUAL_INFO = "acc_mutual_info"
#: Per-sample values that are a corpus-level metric's parts, not a score of the doc, though a
#: number: lm-eval's ``perplexity`` (loglikelihood tasks such as lambada_openai, listed before
#: ``acc``) logs each doc's log-likelihood, which its ``perplexity`` aggregation turns into
#: exp(-mean) over the corpus. (word_perplexity & co. log pairs, which are no number anyway.)
CORPUS_PARTS = frozenset({"perplexity"})
#: A generative task's ``output_type``: ``generate_until`` since lm-eval 0.4.0, ``greedy_until``
#: in the 0.4 development versions before (mid 2023, the ≤0.4.2 JSON-array files' era): the
#: super_glue t5-prompt tasks were written then as greedy_until with doc_to_choice, and the
#: scores their README compares with T5x's are of replies scored against ``choices[label]``.
GENERATIVE = ("generate_until", "greedy_until")
#: Exceptions a malformed (but JSON-valid) record can raise while being taken apart.
RECORD_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


@functools.lru_cache(maxsize=8)
def _parse_results(path: str, _mtime_ns: int, _size: int) -> dict[str, Any] | None:
    # Keyed by identity too, so a rewritten file is read again. One results file serves every
    # samples file of the run (mmlu has 57), so it is parsed once, not once per task.
    data = companion_json(Path(path))
    if isinstance(data, dict) and ("configs" in data or "lm_eval_version" in data):
        return data
    return None


def _results_for(path: Path) -> dict[str, Any] | None:
    """The results JSON written by the same run (:func:`_results_lookup`)."""
    return _results_lookup(path)[0]


def _results_lookup(
    path: Path,
) -> tuple[dict[str, Any] | None, tuple[Path, ...], tuple[tuple[Path, str], ...]]:
    """:func:`_results_for`, the paths the answer depends on (the candidates tried up to the
    one used; when none is, every candidate and the folder: a results file written later), and
    the results files beside it passed over as another run's, each with why.

    lm-eval writes a run's results and samples with one date id (EvaluationTracker:
    ``results_<date>.json``, or ``X_<date>.json`` for ``--output_path X.json``, and
    ``samples_<task>_<date>.jsonl``), so that file is the run's. Without it, another results
    file is taken only when it provably belongs (:func:`_stray_results`): a folder of several
    runs with one results file missing must not read one run's samples by another's task
    config (references, filters, metric directions) nor under its model name."""
    match = SAMPLES_NAME.match(path.name)
    if not match:
        data, depends = _old_results_lookup(path)
        return data, depends, ()

    def candidates() -> Iterator[Path]:
        # The folder is listed only when the run's own results file is not there (or not one):
        # the usual layout is answered by one stat, warm loads of many samples files included.
        yield path.with_name(f"results_{match['date']}.json")
        # --output_path X.json writes X_<date>.json beside the samples instead (the samples
        # files of that date, named samples_*.json in mid 2024, are not results files).
        yield from sorted(
            p
            for p in path.parent.glob(f"*_{glob.escape(match['date'])}.json")
            if not p.name.startswith("samples_")
        )

    tried: list[Path] = []
    for candidate in candidates():
        tried.append(candidate)
        data = _parsed_results(candidate)
        if data is not None:
            return data, tuple(tried), ()
    others = sorted(path.parent.glob("results*.json"))
    depends = (*tried, *others, path.parent)
    found = [(p, data) for p in others if (data := _parsed_results(p)) is not None]
    data, passed = _stray_results(path, match["task"], found)
    return data, depends, passed


def _parsed_results(candidate: Path) -> dict[str, Any] | None:
    try:
        stat = candidate.stat()
    except OSError:
        return None
    return _parse_results(str(candidate), stat.st_mtime_ns, stat.st_size)


def _stray_results(
    path: Path, task: str, found: list[tuple[Path, dict[str, Any]]]
) -> tuple[dict[str, Any] | None, tuple[tuple[Path, str], ...]]:
    """The results file, not of the samples file's date, that belongs to its run anyway (a
    renamed ``results.json``): the only one beside it, its ``configs``/``n-samples`` name the
    task and its model is the folder's (lm-eval writes a run into ``<model_name_sanitized>/``),
    and no samples file of the task carries its own date (then it is that run's). Else none,
    and each file passed over with why."""
    if not found:
        return None, ()
    if len(found) > 1:
        why = "other runs' (none of its date)"
        return None, tuple((candidate, why) for candidate, _data in found)
    ((candidate, data),) = found
    dated = RESULTS_NAME.match(candidate.name)
    model = _sanitized_model(data)
    if not any(isinstance(data.get(k), dict) and task in data[k] for k in ("configs", "n-samples")):
        # (not naming the task, which the file's name says: the note of each of a run's
        # samples files, mmlu's 57, is then one note, said once for them all)
        why = "another run's (it does not name the samples file's task)"
    elif model != path.parent.name:
        other = str(data.get("model_name") or model or "none named")
        why = f"another run's (of the model {name_line(other)})"
    elif dated and any(
        path.parent.glob(f"samples_{glob.escape(task)}_{glob.escape(dated['date'])}.json*")
    ):
        why = "another run's (its samples are beside it)"
    else:
        return data, ()
    return None, ((candidate, why),)


def _sanitized_model(results: dict[str, Any]) -> str | None:
    """The folder lm-eval wrote the run of ``results`` into: its ``model_name_sanitized``, else
    its ``model_name`` (else the model argument ``GeneralConfigTracker._get_model_name`` takes,
    in its order) as ``lm_eval.utils.sanitize_model_name`` sanitizes it."""
    name = results.get("model_name_sanitized")
    if isinstance(name, str) and name:
        return name
    name = results.get("model_name")
    if not isinstance(name, str) or not name:
        name = _model_argument(results, ("peft", "delta", "pretrained", "model", "path", "engine"))
    return re.sub(r"[\"<>:/|\\?*\[\]]+", "__", name) if name else None


def _model_argument(results: dict[str, Any], keys: Sequence[str]) -> str | None:
    """The first of ``keys`` the results' ``config.model_args`` sets (a string
    ``k=v,k2=v2``, or a dict in newer harnesses)."""
    config = results.get("config")
    args = config.get("model_args") if isinstance(config, dict) else None
    for key in keys:
        if isinstance(args, dict):
            if isinstance(args.get(key), str) and args[key]:
                return str(args[key])
        elif isinstance(args, str):
            found = re.search(rf"(?:^|,)\s*{key}=([^,]+)", args)
            if found and found.group(1).strip():
                return found.group(1).strip()
    return None


def _passed_over(
    source: str, date: str, passed: Sequence[tuple[Path, str]], label: str | None
) -> str:
    """The note of a samples file read without a results file though one is beside it: each
    passed over (by name, shown safely) and why, and what is read without one."""
    why: dict[str, list[str]] = {}
    for candidate, reason in passed:
        why.setdefault(reason, []).append(name_line(candidate.name))
    said = "; ".join(
        f"{', '.join(names[:3])}{', …' if len(names) > 3 else ''}"
        f" {'is' if len(names) == 1 else 'are'} {reason}"
        for reason, names in why.items()
    )
    return (
        f"{source}: read without a results file (results_{date}.json is not beside it):"
        f" {said}; the task config (references, filters, metric directions) is not taken"
        f" from {'it' if len(passed) == 1 else 'them'}"
        + (f"; model: the folder's ({name_line(label)})" if label else "")
    )


def _old_results_lookup(path: Path) -> tuple[dict[str, Any] | None, tuple[Path, ...]]:
    """:func:`_results_lookup` for a ≤0.4.2 samples file, ``<model_args>_<task>.jsonl``: that
    harness wrote the results to ``--output_path`` (``results.json`` in a folder, or any
    ``X.json``) and the samples beside it, named by ``model_args`` with ``/`` and ``=`` as
    ``__`` (``/`` alone in the first 0.4 versions). The results file is the one whose
    ``model_args`` name this file, else a ``results*.json``, else the first one beside it."""
    stem = path.name.rsplit(".", 1)[0]
    tried: list[Path] = []
    found: list[tuple[Path, dict[str, Any]]] = []
    for candidate in sorted(path.parent.glob("*.json")):
        if candidate == path:
            continue
        tried.append(candidate)
        try:
            with candidate.open("rb") as handle:
                if b'"results"' not in handle.read(4096):
                    continue  # not a results dump (it opens with "results"): never parsed whole
            stat = candidate.stat()
        except OSError:
            continue
        data = _parse_results(str(candidate), stat.st_mtime_ns, stat.st_size)
        if data is not None:
            found.append((candidate, data))
    # Another results file could be written later: the folder is always a dependency here.
    depends = (*tried, path.parent)
    # The results whose model_args name this file, the longest such name (org/m_v2's file
    # also starts with org/m's model args).
    named_by = [(len(p), data) for _c, data in found if (p := _args_prefix(data, stem))]
    if named_by:
        return max(named_by, key=lambda item: item[0])[1], depends
    named = [data for candidate, data in found if candidate.name.startswith("results")]
    chosen = named or [data for _candidate, data in found]
    return (chosen[0] if chosen else None), depends


def _args_prefix(results: dict[str, Any] | None, stem: str) -> str | None:
    """The ``<model_args>`` a ≤0.4.2 samples file's name ``<model_args>_<task>`` starts with,
    when ``results`` is of that model: its ``model_args`` with ``/`` and ``=`` as ``__`` (``/``
    alone in the first 0.4 versions). None when the name is not of ``results``' model."""
    config = (results or {}).get("config")
    args = config.get("model_args") if isinstance(config, dict) else None
    if not isinstance(args, str):
        return None
    for pattern in ("/|=", "/"):
        prefix = re.sub(pattern, "__", args)
        if stem.startswith(prefix + "_") and len(stem) > len(prefix) + 1:
            return prefix
    return None


def _folder_model(path: Path) -> str:
    """The model a samples file's folder names: since 0.4.3 lm-eval writes a run into
    ``<output_path>/<model name, its "/" as "__">/`` (``deepseek-ai__DeepSeek-R1``), so the
    folder gives back the results JSON's ``model_name`` (``deepseek-ai/DeepSeek-R1``): one model
    reads the same with or without its results file. Other folders are their name."""
    name = path.parent.name
    if SAMPLES_NAME.match(path.name) and "__" in name.strip("_"):
        return name.replace("__", "/")
    return name


def _model_name(results: dict[str, Any] | None, path: Path) -> str:
    """``model_name`` from the results JSON, else the model argument, else the folder's name."""
    if results:
        if isinstance(results.get("model_name"), str) and results["model_name"]:
            return str(results["model_name"])
        found = _model_argument(results, ("pretrained", "model", "path", "engine"))
        if found:
            return found
    return _folder_model(path)


def _task_name(path: Path, results: dict[str, Any] | None) -> str:
    """The task: from ``samples_<task>_<date>.jsonl``; ≤0.4.2 names files ``<model_args>_<task>``."""
    match = SAMPLES_NAME.match(path.name)
    if match:
        return match["task"]
    stem = path.name.rsplit(".", 1)[0]
    if stem.startswith("_") and len(stem) > 1:
        return stem[1:]  # ``<model_args>_<task>`` with empty model args (--model hf alone)
    prefix = _args_prefix(results, stem)
    if prefix is not None:
        # The whole name after the model args: a task of another run (the results file
        # rewritten by a later run of other tasks) may be a mere ending of it (gsm8k of
        # mytask_gsm8k).
        return stem[len(prefix) + 1 :]
    configs = (results or {}).get("configs")
    if isinstance(configs, dict):
        # The longest task name the file name ends with (task names contain underscores).
        known = sorted((t for t in configs if isinstance(t, str)), key=len, reverse=True)
        for task in known:
            if stem == task or stem.endswith("_" + task):
                return task
    return stem


def _constant_target(config: Any, docs: list[Any]) -> int | str | None:
    """The task's ``doc_to_target`` when it is a constant that reads nothing of the doc, in a
    generative task its own ``process_results`` scores: every doc's target is that placeholder,
    no reference. A number (ifeval's ``doc_to_target: 0``), or a text that is no template and
    names no field of the doc (truthfulqa_gen's ``" "``, scored against the doc's
    correct_answers): lm-eval's ``doc_to_target`` returns a number as it is, a doc field's
    value, else the text rendered as a Jinja template, which a text without ``{{``/``{%`` is
    itself. ``docs``: the records' docs (the task's features after process_docs). None for any
    other task (a template or a field names the doc's reference; a multiple-choice index is a
    choice)."""
    if not isinstance(config, dict) or config.get("output_type") not in GENERATIVE:
        return None
    target = config.get("doc_to_target")
    if not config.get("process_results") or isinstance(target, bool):
        return None
    if isinstance(target, int):
        return target
    docs = [doc for doc in docs if isinstance(doc, dict)]
    if (
        isinstance(target, str)
        and docs  # the doc's fields are known
        and "{{" not in target
        and "{%" not in target
        and not _serialized_callable(target)
        and not any(target in doc for doc in docs)
    ):
        return target
    return None


#: A ``doc_to_choice`` template of one expression (``{{choices.text}}``, ``{{['no', 'yes']}}``):
#: Jinja renders a list as its Python literal, which lm-eval reads back (``ast.literal_eval``).
_TEMPLATE = re.compile(r"\{\{\s*(.+?)\s*\}\}", re.DOTALL)
_FIELD_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


#: The ``process_results`` a ``--predict_only`` run's config holds (``Task.override_metric``
#: sets this text, no function, beside ``metric_list: [{metric: bypass}]``): the task's own
#: function is gone and ConfigurableTask.process_results scored every doc.
PREDICT_ONLY_RESULTS = "process_results"


def _indexes_choices(config: Any) -> bool:
    """Whether a task's config is of a generative task whose target indexes its doc_to_choice
    (:func:`_generative_choices`): one that sets doc_to_choice and is scored by
    ConfigurableTask.process_results (a task's own process_results need not index them; a
    --predict_only run's has none left, :data:`PREDICT_ONLY_RESULTS`)."""
    return (
        isinstance(config, dict)
        and config.get("output_type") in GENERATIVE
        and config.get("doc_to_choice") is not None
        and (
            not config.get("process_results")
            or config.get("process_results") == PREDICT_ONLY_RESULTS
        )
    )


def _generative_choices(config: Any, doc: Any) -> list[str] | None:
    """The choices a generative task's target indexes, as lm-eval's ``doc_to_choice`` gives them
    for ``doc``: a ``generate_until`` task that sets doc_to_choice "assumes that doc_to_target
    returns a number" and scores the reply against ``choices[gold]`` (ConfigurableTask.
    process_results; super_glue's t5-prompt tasks: ``doc_to_target: label`` among
    ``['entailment', 'contradiction', 'neutral']``), while the record's ``target`` is that
    number. A list (or a dict's values), a doc field holding one, or a template naming one; None
    for any other task, or a doc_to_choice that is a function or another template."""
    if not _indexes_choices(config):
        return None
    spec = config["doc_to_choice"]
    if isinstance(spec, dict):
        spec = list(spec.values())
    elif isinstance(spec, str) and isinstance(doc, dict):
        template = _TEMPLATE.fullmatch(spec.strip())
        expression = template.group(1) if template else None
        if spec in doc:
            spec = doc[spec]
        elif expression is not None and _FIELD_PATH.fullmatch(expression):
            spec = doc
            for name in expression.split("."):
                spec = spec.get(name) if isinstance(spec, dict) else None
        elif expression is not None and expression.startswith("["):
            try:
                spec = ast.literal_eval(expression)  # a list of constants, no doc field
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                spec = None
    if not isinstance(spec, list) or not spec:
        return None
    return [_text(choice) for choice in spec]


def _target_index(target: Any) -> int | None:
    """A record's ``target`` as the integer ``doc_to_target`` returned (an int up to 0.4.2, its
    ``str()`` since 0.4.3), negative ones included (a dataset's ``-1`` label of an unlabelled
    doc); None for any other target."""
    if isinstance(target, bool):
        return None
    if isinstance(target, str) and re.fullmatch(r"-?[0-9]{1,9}", target.strip()):
        return int(target)
    return target if isinstance(target, int) else None


def _choice_target(target: Any, choices: list[str] | None) -> str | None:
    """The choice a generative record's ``target`` (an index, or its ``str()`` since 0.4.3)
    names among ``choices`` (:func:`_generative_choices`), as lm-eval takes it
    (``choices[gold]``: a negative index counts from the end, ``-1`` is the last choice); None
    when it names none (lm-eval's ``choices[gold]`` would have raised)."""
    index = _target_index(target)
    if choices is None or index is None or not -len(choices) <= index < len(choices):
        return None
    return choices[index]


def _serialized_callable(text: str) -> bool:
    """Whether a results config's value is a function as lm-eval's ``TaskConfig.to_dict``
    writes one (``serialize_function``): its source (``inspect.getsource``: whole lines, ending
    in a newline) or, where that fails, ``str(value)`` (``<function f at 0x…>``,
    ``functools.partial(<function …>)``). A ``doc_to_target: !function utils.f`` is one."""
    return bool(text.strip()) and (
        text.endswith("\n") or text.startswith(("<function", "<bound method", "functools.partial("))
    )


def _directions(results: dict[str, Any] | None, task: str) -> dict[str, bool]:
    """metric -> higher is better, as the results file states it for ``task`` (top-level
    ``higher_is_better``, else the task config's ``metric_list``); empty without a results file."""
    out: dict[str, bool] = {}
    configs = (results or {}).get("configs")
    config = configs.get(task) if isinstance(configs, dict) else None
    metric_list = config.get("metric_list") if isinstance(config, dict) else None
    for entry in metric_list if isinstance(metric_list, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("higher_is_better"), bool):
            out[str(entry.get("metric"))] = entry["higher_is_better"]
    stated = (results or {}).get("higher_is_better")
    per_task = stated.get(task) if isinstance(stated, dict) else None
    for name, value in per_task.items() if isinstance(per_task, dict) else []:
        if isinstance(value, bool):
            out[str(name)] = value
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else stringify(value) or ""


def _content_text(content: Any) -> str:
    """A chat message's content: a string, or the text parts of a multimodal part list."""
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        texts = [p["text"] for p in content if isinstance(p.get("text"), str)]
        if texts:
            return "\n".join(texts)
    return _text(content)


#: Turn markers of the chat templates a Hugging Face model renders the prompt with
#: (``--apply_chat_template``: ``tokenizer.apply_chat_template(..., tokenize=False,
#: add_generation_prompt=True)``): (a turn's start, naming its role; the turn's end).
TEMPLATE_TURNS = (
    (re.compile(r"<\|im_start\|>([A-Za-z_]+)\n"), "<|im_end|>"),  # ChatML: Qwen, SmolLM, ...
    (  # Llama 3
        re.compile(r"<\|start_header_id\|>([A-Za-z_]+)<\|end_header_id\|>\n\n"),
        "<|eot_id|>",
    ),
    (re.compile(r"<start_of_turn>([A-Za-z_]+)\n"), "<end_of_turn>"),  # Gemma
    (re.compile(r"<\|(system|user|assistant)\|>\n"), "<|end|>"),  # Phi-3
    (re.compile(r"<\|im_start\|>([A-Za-z_]+)<\|im_sep\|>"), "<|im_end|>"),  # Phi-4
    (  # IBM Granite
        re.compile(r"<\|start_of_role\|>([A-Za-z_]+)<\|end_of_role\|>"),
        "<|end_of_text|>",
    ),
)
#: What a template may start with before its first turn: the model's BOS token.
TEMPLATE_BOS = re.compile(r"(?:<\|begin_of_text\|>|<bos>|<s>)?")
#: DeepSeek-R1/V3's template: BOS, the system prompt bare, then ``<｜User｜>`` and
#: ``<｜Assistant｜>`` turns (an answer ends with EOS), the generation prompt opening ``<think>``.
DEEPSEEK_BOS = "<｜begin▁of▁sentence｜>"
DEEPSEEK_TURN = re.compile(r"<｜(User|Assistant)｜>")
DEEPSEEK_EOS = "<｜end▁of▁sentence｜>"
#: Llama 2's and Mistral's template: each question in ``[INST] … [/INST]``, Llama 2's system
#: prompt in ``<<SYS>>…<</SYS>>`` before the first.
INST = "[INST]"
LLAMA2_SYSTEM = re.compile(r"<<SYS>>\s*(.*?)\s*<</SYS>>\s*", re.DOTALL)
#: What a reasoning model's generation prompt may open its answer with (Qwen3's
#: ``enable_thinking=False`` writes an empty think block): no text of the prompt's.
THINK_OPENING = re.compile(r"\s*(?:<think>\s*(?:</think>\s*)?)?")


#: The role of the user's turn in lm-eval's chat messages and the templates it renders.
USER_ROLE = ("user",)


def _template_turns(text: str) -> list[tuple[str, str]] | None:
    """The turns of a prompt rendered by a chat template (:data:`TEMPLATE_TURNS`, DeepSeek's,
    Llama 2's and Mistral's),
    the generation prompt it ends with left out (an empty assistant turn); None unless the
    whole text is such turns. An assistant turn left open with text in it (a prefill) is a
    turn of its own."""
    found = _deepseek_turns(text)
    if found is None:
        found = _inst_turns(text)
    if found is not None:
        return found
    start = TEMPLATE_BOS.match(text)
    position = start.end() if start else 0
    for opening, closing in TEMPLATE_TURNS:
        turns: list[tuple[str, str]] = []
        at = position
        while True:
            head = opening.match(text, at)
            if head is None:
                break
            end = text.find(closing, head.end())
            if end < 0:  # the last turn, left open: the generation prompt (and a prefill)
                rest = text[head.end() :]
                if not THINK_OPENING.fullmatch(rest):
                    turns.append((head[1], rest))
                at = len(text)
                break
            turns.append((head[1], text[head.end() : end]))
            at = end + len(closing)
            while at < len(text) and text[at] in "\n":
                at += 1
        if turns and at == len(text):
            return turns
    return None


def _deepseek_turns(text: str) -> list[tuple[str, str]] | None:
    """:func:`_template_turns` for DeepSeek-R1/V3's template; None for other texts."""
    if not text.startswith(DEEPSEEK_BOS):
        return None
    parts = DEEPSEEK_TURN.split(text[len(DEEPSEEK_BOS) :])
    turns = [("system", parts[0])] if parts[0].strip() else []
    for role, content in zip(parts[1::2], parts[2::2], strict=True):
        closed = content.endswith(DEEPSEEK_EOS)
        content = content.removesuffix(DEEPSEEK_EOS)
        if role == "Assistant" and not closed and THINK_OPENING.fullmatch(content):
            continue  # the generation prompt
        turns.append((role.lower(), content))
    return turns or None


def _inst_turns(text: str) -> list[tuple[str, str]] | None:
    """:func:`_template_turns` for Llama 2's and Mistral's template: ``<s>[INST] question
    [/INST] answer</s>[INST] … [/INST]``, Llama 2's system prompt in ``<<SYS>>…<</SYS>>`` at
    the start of the first question; None for other texts."""
    body = text.removeprefix("<s>")
    if not body.lstrip().startswith(INST):
        return None
    pieces = re.split(r"(\[INST\]|\[/INST\])", body)
    if pieces[0].strip():
        return None
    turns: list[tuple[str, str]] = []
    for at in range(1, len(pieces), 4):
        if pieces[at] != INST or at + 2 >= len(pieces) or pieces[at + 2] != "[/INST]":
            return None
        question = pieces[at + 1].strip()
        system = LLAMA2_SYSTEM.match(question)
        if system is not None:
            turns.append(("system", system[1].strip()))
            question = question[system.end() :]
        turns.append(("user", question))
        answer = re.sub(
            r"\s*</s>\s*(?:<s>)?\s*$", "", pieces[at + 3] if at + 3 < len(pieces) else ""
        )
        if answer.strip():
            turns.append(("assistant", answer.strip()))
    return turns


def _prompt_text(arg: Any) -> str:
    """The prompt as readable text. A chat-templated prompt is a list holding a JSON string of
    messages (API chat models) or the text a Hugging Face chat template rendered: one user turn
    is its text, more turns keep their roles (:func:`~evaltui.data.formats.base.turns_text`)."""
    if isinstance(arg, list) and len(arg) == 1 and isinstance(arg[0], str):
        try:
            messages = json.loads(arg[0])
        except ValueError:
            return arg[0]
        if (
            isinstance(messages, list)
            and messages
            and all(isinstance(m, dict) and "content" in m for m in messages)
        ):
            turns = [(_text(m.get("role", "?")), _content_text(m["content"])) for m in messages]
            shown = turns_text(turns, USER_ROLE)
            return arg[0] if shown is None else shown
        return arg[0]
    text = _text(arg)
    if "<" in text or INST in text:
        rendered = _template_turns(text)
        shown = turns_text(rendered, USER_ROLE) if rendered is not None else None
        if shown is not None:
            return shown
    return text


def argument_index(key: str) -> int:
    """Where a request of ``arguments`` (``{"gen_args_0": …, "gen_args_1": …}``) comes: its key's
    number, ASCII digits only (``str.isdigit`` is true of ``²``, which ``int`` cannot read)."""
    end = key.rsplit("_", 1)[-1]
    return int(end) if end.isascii() and end.isdigit() else 0


def _requests(record: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(arg_0, arg_1) of each request: ``gen_args_i`` objects (≥0.4.3), a list of tuples (≤0.4.2),
    or, in the first 0.4 development versions (mid 2023), the first request's own arguments
    (``["<context>", {gen kwargs}]``, ``["<context>", "<continuation>"]``): one request only."""
    arguments = record.get("arguments")
    if isinstance(arguments, list) and arguments and isinstance(arguments[0], str):
        return [(arguments[0], arguments[1] if len(arguments) > 1 else None)]
    if isinstance(arguments, dict):
        keys = sorted(arguments, key=argument_index)
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


def _score_text(value: Any) -> bool:
    """A number or boolean written as a string (``"1.0"``, ``"true"``): hand-made or converted files."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        to_score(value, non_finite=True)
    except ValueError:
        return False
    return True


def _metric(record: dict[str, Any], wanted: str | None = None) -> tuple[str | None, Any]:
    """The record's main per-sample metric (``wanted`` when it holds a score, ``--metric``):
    the first listed in ``metrics``, else a known name."""
    return next(_metrics(record, wanted), (None, None))


def _metrics(record: dict[str, Any], wanted: str | None = None) -> Iterator[tuple[str, Any]]:
    """The record's per-sample metrics that hold a score, main first (``wanted`` first when it
    does): those listed in ``metrics``, then known names, then the record's other keys.

    A listed or known metric may hold its value as a numeric string; any other key must hold a
    number (a document field such as ``"answer": "5"`` is not a metric)."""
    known = [m for m in record.get("metrics") or [] if isinstance(m, str)]
    known += [m for m in PREFERRED_METRICS if m not in known]
    others = [k for k in record if k not in STANDARD_KEYS and k not in known]
    names = known + others
    if wanted is not None and wanted in record:
        names = [wanted, *(n for n in names if n != wanted)]
    for name in names:
        if name not in record:
            continue
        if name == BYPASS:
            yield name, None  # --predict_only: no metric was computed, whatever it holds
            return
        if name in CORPUS_PARTS and name != wanted:
            continue
        value = record[name]
        if name == wanted and name in known and verdict_list(value):
            # One verdict per item of the doc (ifeval's instructions), asked for by --metric:
            # the doc's score is the share of its items judged right.
            yield name, sum(float(v) for v in value) / len(value)
            continue
        number = value is None or isinstance(value, bool | int | float)
        if number or ((name in known or name == wanted) and _score_text(value)):
            yield name, value


def _verdict_lists(record: dict[str, Any]) -> list[str]:
    """The metrics ``metrics`` lists whose value in ``record`` is a :func:`verdict_list`."""
    listed = record.get("metrics")
    names = [m for m in listed if isinstance(m, str)] if isinstance(listed, list) else []
    return [n for n in names if verdict_list(record.get(n))]


def _metric_word(names: Iterable[str]) -> str:
    """The metric(s) records were scored by, for a note: ``'acc'``, else ``the score``."""
    listed = list(names)
    return repr(listed[0]) if len(listed) == 1 else "the score"


def _names(names: Iterable[str], most: int = 4) -> str:
    """``'a', 'b', 'c', 'd' and 7 more``: at most ``most`` names, quoted (the file's words)."""
    listed = list(names)
    shown = ", ".join(repr(n) for n in listed[:most])
    return shown + (f" and {len(listed) - most} more" if len(listed) > most else "")


def _unusable_metrics(record: dict[str, Any]) -> list[str]:
    """The names of a record's per-sample values that hold no score (when :func:`_metric` found
    none): perplexity tasks log ``(log-likelihood, weight)`` pairs, aggregated over the corpus."""
    listed = record.get("metrics")
    names = (
        [m for m in listed if isinstance(m, str)]
        if isinstance(listed, list)
        else [k for k in record if k not in STANDARD_KEYS]
    )
    return [n for n in names if record.get(n) is not None]


def _is_rolling(record: dict[str, Any]) -> bool:
    """A ``loglikelihood_rolling`` record (wikitext & co., perplexity): one request holding the
    text alone (``arguments = (doc_to_target(doc),)``: ``arg_0`` and no ``arg_1``), answered by
    that text's log-likelihood, ``resps: [["-1234.5"]]``. There is no generation."""
    arguments = record.get("arguments")
    if isinstance(arguments, dict):
        if len(arguments) != 1:
            return False
        only = next(iter(arguments.values()))
        if not isinstance(only, dict) or set(only) != {"arg_0"}:
            return False
    elif not (
        isinstance(arguments, list)
        and len(arguments) == 1
        and (
            isinstance(arguments[0], str)
            or (isinstance(arguments[0], list) and len(arguments[0]) == 1)
        )
    ):
        return False  # ≤0.4.2: [["text"]]; the first 0.4 versions: ["text"]
    resps = record.get("resps")
    value = (
        resps[0][0]
        if isinstance(resps, list) and resps and isinstance(resps[0], list) and resps[0]
        else None
    )
    try:
        return (
            value is not None and not isinstance(value, list | bool) and math.isfinite(float(value))
        )
    except (TypeError, ValueError):
        return False


def _misshapen(record: dict[str, Any]) -> str | None:
    """Why a sample record's fields are not of the JSON kinds the reader takes, in the file's
    terms (``'resps' is a JSON number, not an array of …``); None when they are. A ``resps``
    or ``metrics`` of another kind reached the reader and read 'unreadable lm-eval record:
    'int' object is not subscriptable', Python's words for it; a ``doc_id`` of null made the
    prompt id ``task:None``. The other fields are read whatever their kind (a ``target`` as
    its text, ``arguments`` or ``filtered_resps`` of another shape as none)."""
    resps = record["resps"]
    if not isinstance(resps, list | str):  # (a bare string is the one generation)
        return f"'resps' is {json_kind(resps)}, not an array of each request's responses"
    doc_id = record["doc_id"]
    if doc_id is None or isinstance(doc_id, bool | list | dict):
        # (a prompt id of 'None' or 'True' named the record by Python's words for its value)
        return f"'doc_id' is {json_kind(doc_id)}, not the doc's index (a number)"
    metrics = record.get("metrics")
    if isinstance(metrics, int | float):  # (a string or an object is read as no names)
        return f"'metrics' is {json_kind(metrics)}, not an array of metric names"
    if isinstance(resps, list) and _is_loglikelihood(record) and _multiple_choice(record):
        return _misshapen_choices(resps)
    return None


def _misshapen_choices(resps: list[Any]) -> str | None:
    """Why a multiple-choice record's ``resps`` (one response per choice, each
    ``[["-0.67", "False"]]``, or ``[[-0.67, false]]`` before 0.4.3) is not of that shape, at
    the place in the file (``'resps'[1][0][0]``, as jq writes it); None when it is. Another
    shape read 'unreadable lm-eval record: float() argument must be a string or a real number,
    not 'NoneType'' or 'list index out of range', Python's words for it."""
    for i, response in enumerate(resps):
        if response == []:
            return (
                f"'resps'[{i}] (choice {i + 1}'s response) is an empty JSON array, without"
                " its [log-likelihood, is-greedy] pair"
            )
        if not isinstance(response, list):
            return (
                f"'resps'[{i}] (choice {i + 1}'s response) is {json_kind(response)}, not an"
                " array holding its [log-likelihood, is-greedy] pair"
            )
        pair = response[0]
        if isinstance(pair, list) and not pair:
            return (
                f"'resps'[{i}][0] (choice {i + 1}'s response) is an empty JSON array, not a"
                " [log-likelihood, is-greedy] pair"
            )
        value, at = (
            (pair[0], f"'resps'[{i}][0][0]")
            if isinstance(pair, list)
            else (pair, f"'resps'[{i}][0]")
        )
        said = _not_log_likelihood(value)
        if said is not None:
            return f"{at} (choice {i + 1}'s log-likelihood) is {said}, not a number"
    return None


def _not_log_likelihood(value: Any) -> str | None:
    """What ``value`` is, in the file's words, when it is no log-likelihood (a JSON number, or
    one written as a string: ``"-0.67"``, as lm-eval stringifies them since 0.4.3); None when
    it is one."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return f"the JSON string {name_line(repr(value), 24)}"
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:  # an integer beyond any float
            return "a JSON number too large to be one"
        return None
    return json_kind(value)


def _is_loglikelihood(record: dict[str, Any]) -> bool:
    resps = record.get("resps")
    if not isinstance(resps, list) or not resps or not isinstance(resps[0], list) or not resps[0]:
        return False
    return isinstance(resps[0][0], list)


def _multiple_choice(record: dict[str, Any]) -> bool:
    """A loglikelihood record of several choices (one response each), rather than one request
    whose target is its continuation."""
    resps = record.get("resps")
    return isinstance(resps, list) and len(resps) > 1


def _greedy(response: Any) -> bool:
    """A loglikelihood response's is-greedy flag: ``[["-0.67", "True"]]`` (stringified since
    0.4.3) or ``[[-0.67, true]]``."""
    pair = response[0] if isinstance(response, list) and response else None
    pair = pair if isinstance(pair, list) else response
    flag = pair[1] if isinstance(pair, list) and len(pair) > 1 else None
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


#: Why a loglikelihood record's text holds no answer of the model's (ReadResult rows'
#: ``answer_unknown``): the text shown is the target, or a log-likelihood.
NOT_GREEDY = (
    "loglikelihood: the text shown is the target continuation, which greedy decoding does not"
    " give; what the model would answer is unknown"
)
ROLLING = "loglikelihood_rolling: the text shown is the document's log-likelihood, no answer"


def _no_answer(
    record: dict[str, Any], generated: list[tuple[str, str | None, float | None]]
) -> str | None:
    """Why no answer can be taken from the record's one text (None: it may hold one): a single
    loglikelihood request's continuation is the target, the model's answer only when greedy
    decoding gives it (:func:`_generations` extracts it then); a perplexity record's text is a
    number it scored the document by."""
    if _is_rolling(record):
        return ROLLING
    if _is_loglikelihood(record) and not _multiple_choice(record) and generated[0][1] is None:
        return NOT_GREEDY
    return None


def _same(a: str, b: str) -> bool:
    """Exact match as the harness's default ``exact_match`` sees it (spaces, a final period)."""
    return a.strip().rstrip(".").strip() == b.strip().rstrip(".").strip()


def _choice(index: int, requests: list[tuple[Any, Any]]) -> str:
    """A multiple-choice answer as both the reference and the model's choice are shown, voted
    and re-scored: ``3: D`` (the index alone when the request is missing)."""
    if index < len(requests):
        return f"{index}: {_text(requests[index][1]).strip()}"
    return str(index)


def _per_character(values: list[float], continuations: list[str]) -> list[float]:
    """Log-likelihoods as ``acc_norm`` compares them: each divided by its choice's length in
    characters (ConfigurableTask.process_results: ``lls / [len(c) for c in doc_to_choice]``).
    The requests hold the continuations, the choices after the task's target delimiter (" "
    by default): the whitespace every continuation starts with is that delimiter."""
    delimiter = 0
    while all(len(c) > delimiter and c[delimiter].isspace() for c in continuations) and (
        len({c[delimiter] for c in continuations}) == 1
    ):
        delimiter += 1
    return [v / max(len(c) - delimiter, 1) for v, c in zip(values, continuations, strict=True)]


def _conditional_choices(
    record: dict[str, Any], requests: list[tuple[Any, Any]], count: int
) -> int:
    """How many of a multiple-choice record's ``count`` responses are its choices: half of them
    when the task is scored by mutual information too (the other half are the choices without
    the context, ``("", choice)``; process_results compares the first half for ``acc`` and
    ``acc_norm``), else all."""
    listed = record.get("metrics")
    names = listed if isinstance(listed, list) else list(record)
    if ACC_MUTUAL_INFO not in names or count % 2:
        return count
    half = count // 2
    if len(requests) == count and any(_text(context) for context, _ in requests[half:]):
        return count  # the second half has a context: these are all choices
    return half


def _choice_index(text: str, requests: list[tuple[Any, Any]]) -> int | None:
    """The index of the choice whose text is ``text``: the first continuation that is ``text``
    after the task's target delimiter (whitespace); None when none is."""
    for index, (_context, continuation) in enumerate(requests):
        whole = _text(continuation)
        if whole.endswith(text) and not whole[: len(whole) - len(text)].strip():
            return index
    return None


def _gold_indices(
    target: str, aliases: list[str] | None, requests: list[tuple[Any, Any]]
) -> list[int] | None:
    """A multiple-choice target of several gold choices, as their indices: the ``str()`` of a
    list of indices (``"[0, 2]"``), or of choice texts (its aliases); None when the target is
    not such a list or one of its items is no choice of the record."""
    if aliases is None:
        if not re.fullmatch(r"\[\s*[0-9]+(?:\s*,\s*[0-9]+)*\s*\]", target):
            return None
        golds = [int(n) for n in re.findall(r"[0-9]+", target)]
        return golds if all(g < len(requests) for g in golds) else None
    found = [_choice_index(a, requests) for a in aliases]
    return None if any(g is None for g in found) else [g for g in found if g is not None]


def _no_choice_target(record: dict[str, Any], requests: list[tuple[Any, Any]]) -> int | None:
    """A multiple-choice record's integer target that indexes none of its choices (a dataset's
    -1 label of an unlabelled doc, or an index past them) and is no choice's text either: the
    reference is no choice, and lm-eval's process_results scored no choice right for it
    (``acc``/``acc_norm``: the model's index never equals -1, nor the -100 it makes of an index
    past the choices). None for any other record."""
    if not (_is_loglikelihood(record) and _multiple_choice(record)):
        return None
    if _partial_choices(requests) is not None:
        return None
    index = _target_index(record.get("target"))
    count = _conditional_choices(record, requests, len(record["resps"]))
    if index is None or 0 <= index < count:
        return None
    return index if _choice_index(str(index), requests) is None else None


def _without_context(record: dict[str, Any], requests: list[tuple[Any, Any]]) -> bool:
    """A multiple-choice record whose choices were scored after an empty context (blimp:
    ``doc_to_text: ""``, the choices are the two sentences): its prompt would be blank."""
    return (
        _is_loglikelihood(record)
        and _multiple_choice(record)
        and bool(requests)
        and _partial_choices(requests) is None
        and not _prompt_text(requests[0][0]).strip()
    )


def _labelled_golds(
    record: dict[str, Any], requests: list[tuple[Any, Any]]
) -> tuple[str, list[int]] | None:
    """A multiple-choice doc's true choices, when its doc labels each choice true or false
    (TruthfulQA's ``mc2_targets: {choices, labels}``, labels 1 then 0: truthfulqa_mc2's target
    is ``0``, the first true one, and its ``acc`` the probability mass on all of them,
    ``process_results_mc2``): the doc's field and the true choices' indices. None unless a
    field's choices are the record's choices, in order, and one at least is true."""
    doc = record.get("doc")
    for name, value in doc.items() if isinstance(doc, dict) else ():
        if not isinstance(value, dict):
            continue
        choices, labels = value.get("choices"), value.get("labels")
        if (
            not isinstance(choices, list)
            or not isinstance(labels, list)
            or len(choices) != len(labels)
            or len(choices) != len(requests)
            or not all(label in (0, 1) and not isinstance(label, float) for label in labels)
        ):
            continue
        if all(
            isinstance(c, str) and _choice_index(c, requests[i : i + 1]) == 0
            for i, c in enumerate(choices)
        ):
            golds = [i for i, label in enumerate(labels) if label == 1]
            return (str(name), golds) if golds else None
    return None


def _partial_choices(requests: list[tuple[Any, Any]]) -> tuple[str, list[str]] | None:
    """A partial-evaluation record (winogrande, wsc273, xwinograd: ``doc_to_text`` is the gold
    index and ``doc_to_choice`` the contexts): one continuation, the target, scored after each
    choice's context. The choices are where the contexts differ; the prompt is what they share,
    a blank ``_`` where the choice goes, and the continuation. None for other records (one
    context, several continuations)."""
    if len(requests) < 2 or not all(isinstance(c, str) for c, _ in requests):
        return None
    # A chat template's text read as what the user said (--apply_chat_template wraps each
    # context in the template, so they would share its opening and differ up to its end).
    contexts = [_prompt_text(c) for c, _ in requests]
    continuations = {_text(k) for _, k in requests}
    if len(continuations) != 1 or len(set(contexts)) < 2:
        return None
    # What all share is what the first and the last in sorted order share.
    low, high = min(contexts), max(contexts)
    end = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), len(low))
    shared = low[:end]
    # Back to a word's start, so that a choice is whole ("Tom" / "Tommy", not "" / "my").
    if shared and not shared[-1].isspace():
        shared = shared[: max((i + 1 for i, ch in enumerate(shared) if ch.isspace()), default=0)]
    options = [c[len(shared) :].strip() for c in contexts]
    return f"{shared}_{continuations.pop()}", options


def _partial_pick(values: list[float], requests: list[tuple[Any, Any]], metric: str | None) -> int:
    """A partial-evaluation record's choice: the highest log-likelihood of the continuation,
    per character of the choice's whole context when scored by ``acc_norm`` (process_results
    divides by ``len`` of each ``doc_to_choice`` entry, the contexts here)."""
    if metric == ACC_NORM:
        values = [v / max(len(_text(c)), 1) for v, (c, _k) in zip(values, requests, strict=True)]
    return max(range(len(values)), key=values.__getitem__)


def _partial_gold(choice: int, choices: int, metric: str | None, value: Any) -> int | None:
    """A partial-evaluation record's gold choice, which the file does not hold (the target is
    the continuation, the gold index is ``doc_to_text``'s): the model's choice when ``acc``
    says it was right, the other one of two when wrong; None when unknown."""
    if metric not in ("acc", ACC_NORM):
        return None
    try:
        score = to_score(value)
    except ValueError:
        return None
    if score == 1:
        return choice
    if score == 0 and choices == 2:
        return 1 - choice
    return None


def _generations(
    record: dict[str, Any], metric: str | None, value: Any
) -> list[tuple[str, str | None, float | None]]:
    """(text, extracted answer, own score) per generation of the record scored by ``metric``
    (its value ``value``, :func:`_metric`); own score None = unknown."""
    filtered = record.get("filtered_resps") or []
    if isinstance(filtered, str):
        filtered = [filtered]  # a bare string is the one request's filtered response
    if _is_loglikelihood(record):
        if not _multiple_choice(record):
            # One loglikelihood request (asdiv, lambada): the continuation is the target and
            # `acc` is its is-greedy flag, so the model's answer is the continuation only when
            # greedy decoding gives it; otherwise what it would say is unknown.
            requests = _requests(record)
            continuation = _text(requests[0][1]).strip() if requests else ""
            return [(continuation, continuation if _greedy(record["resps"][0]) else None, None)]
        # Multiple choice: the model's choice is the highest log-likelihood continuation (what
        # `acc` scores); log-likelihoods are strings since 0.4.3, numbers before.
        values = [float(r[0][0] if isinstance(r[0], list) else r[0]) for r in record["resps"]]
        requests = _requests(record)
        partial = _partial_choices(requests)
        if partial is not None and len(partial[1]) == len(values):
            choice = _partial_pick(values, requests, metric)
            text = partial[1][choice]
            return [(text, f"{choice}: {text}", None)]
        choices = _conditional_choices(record, requests, len(values))
        values, alone = values[:choices], values[choices:]
        if metric == ACC_NORM and len(requests) >= len(values):
            values = _per_character(values, [_text(r[1]) for r in requests[: len(values)]])
        elif metric == ACC_MUTUAL_INFO and len(alone) == len(values):
            values = [with_context - a for with_context, a in zip(values, alone, strict=True)]
        choice = max(range(len(values)), key=values.__getitem__)
        if choice >= len(requests):
            # The file kept fewer requests than choices (early 0.4 files keep the first one
            # only): the chosen continuation is unknown, the choice's index is what is known.
            return [(str(choice), str(choice), None)]
        return [(_text(requests[choice][1]).strip(), _choice(choice, requests), None)]
    resps = record["resps"]
    if isinstance(resps, str):
        resps = [[resps]]  # a bare string is the one generation, not a list of characters
    repeats = resps[0] if resps else []
    texts = [_text(r) for r in (repeats if isinstance(repeats, list) else [repeats])]
    first = filtered[0] if isinstance(filtered, list) and filtered else None
    if len(texts) <= 1:
        # A filter without take_first keeps the list of repeats even for one repeat: [["x"]].
        if isinstance(first, list) and len(first) == 1:
            first = _text(first[0])
        return [(t, first if isinstance(first, str) else None, None) for t in texts]
    per_repeat = record.get("scores_per_repeat")
    if isinstance(per_repeat, dict) and isinstance(per_repeat.get(metric), list):
        scores = per_repeat[metric]
        if len(scores) == len(texts):
            return [
                (t, None, _repeat_score(s, metric, j))
                for j, (t, s) in enumerate(zip(texts, scores, strict=True))
            ]
    if isinstance(first, list) and len(first) == len(texts):
        # Every repeat's extracted answer was kept (pass@k-style filter): score them by exact
        # match, and trust that only when it reproduces the harness's own mean over the repeats.
        extracted = [_text(e) for e in first]
        targets = reference_aliases(record.get("target")) or [stringify(record.get("target")) or ""]
        own = [1.0 if any(_same(e, t) for t in targets) else 0.0 for e in extracted]
        mean = to_score(value, non_finite=True) if not isinstance(value, list) else None
        agrees = mean is not None and 0 <= mean <= 1 and round(mean * len(texts)) == sum(own)
        return [
            (t, e, s if agrees else None) for t, e, s in zip(texts, extracted, own, strict=True)
        ]
    return [(t, None, None) for t in texts]


def _repeat_score(value: Any, metric: str | None, index: int) -> float | None:
    """One repeat's score in ``scores_per_repeat``, its place named when it is no score (the
    reason alone, 'score 'x' is not a number or boolean', named no field of the record)."""
    try:
        return to_score(value, non_finite=True)
    except ValueError as exc:
        raise ValueError(f"'scores_per_repeat'[{metric!r}][{index}]: {exc}") from None


class LmEvalReader(Reader):
    """lm-evaluation-harness ``--log_samples`` files (JSON lines, or a JSON array up to 0.4.2)."""

    name = "lm_eval"
    own_answers = True
    description = (
        "lm-evaluation-harness --log_samples (samples_<task>_<date>.jsonl; ≤0.4.2 JSON arrays)"
    )
    extensions = (".jsonl", ".json")

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is not None:
            return 95 if set(first) >= REQUIRED else 0
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if text.startswith("["):
            if all(f'"{k}"' in text for k in ("doc_id", "resps", "filtered_resps")):
                return 90  # ≤0.4.2: one pretty-printed JSON array
            if re.match(r'\[\s*\{\s*"doc_id"\s*:', text) and '"doc"' in text:
                return 60  # the same, with a first record longer than the head
            return 0
        # A first line longer than the head (long documents): the harness writes doc_id first.
        if re.match(r'\{"doc_id":\s*\d+,\s*"doc":', text):
            return 85 if SAMPLES_NAME.match(path.name) else 70
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        if RESULTS_NAME.match(path.name):
            return True
        text = head.decode("utf-8", errors="replace")
        # lm_eval_version is written last, often beyond the head; results and configs come first
        # in every version (≤0.4.2 results.json, --output_path X.json -> X_<date>.json).
        return '"lm_eval_version"' in text or ('"results"' in text and '"configs"' in text)

    def _entries(
        self, path: Path, source: str, options: ReadOptions
    ) -> tuple[list[tuple[int, int | None, Any]], list[LoadError], list[str], Sequence[int] | None]:
        """The file's records as ``(line, offset, record)``, its errors and notes, and for a
        ≤0.4.2 JSON array each record's first line in the file (its rows' ``line`` is the
        record's number in the array, which its export reads by; a bad record is told at the
        line it starts on, as a JSON document of plain records is)."""
        with path.open("rb") as handle:
            start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"["):
            document = JsonDocument(path.read_bytes(), source, options)
            items: list[tuple[int, int | None, Any]] = [
                (number, None, item) for number, _pos, item in document.records()
            ]
            return items, document.errors, document.notes, document.starts
        parsed, errors, notes = parse_json_lines(path, source)
        return [(line, offset, value) for line, offset, value in parsed], errors, notes, None

    def companions(self, path: Path) -> tuple[Path, ...]:
        return _results_lookup(path)[1]

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        entries, document_errors, notes, starts = self._entries(path, source, options)
        errors: list[LoadError] = []
        results, _depends, passed = _results_lookup(path)
        model = options.label or _model_name(results, named(path, options))
        task = _task_name(path, results)
        if passed and (match := SAMPLES_NAME.match(path.name)):
            label = None if options.label else model
            notes.append(_passed_over(source, match["date"], passed, label))
        configs = (results or {}).get("configs")
        config = configs.get(task) if isinstance(configs, dict) else None
        filter_list = config.get("filter_list") if isinstance(config, dict) else None
        filter_names = [
            str(f.get("name"))
            for f in (filter_list if isinstance(filter_list, list) else [])
            if isinstance(f, dict) and f.get("name")
        ]
        records: list[tuple[int, int | None, dict[str, Any]]] = []
        for line, offset, record in entries:
            with entry_guard(errors, source, line):
                if isinstance(record, dict) and set(record) >= REQUIRED:
                    if (shape := _misshapen(record)) is not None:
                        errors.append(
                            LoadError(source, line, f"not an lm-eval sample record ({shape})")
                        )
                        continue
                    records.append((line, offset, record))
                    continue
                why = (
                    "missing " + ", ".join(sorted(REQUIRED - set(record)))
                    if isinstance(record, dict)
                    else f"{json_kind(record)}, not an object"
                )
                errors.append(LoadError(source, line, f"not an lm-eval sample record ({why})"))
        directions = _directions(results, task)
        constant = _constant_target(config, [r.get("doc") for _l, _o, r in records])
        indexes = _indexes_choices(config)  # generated replies' targets index doc_to_choice
        unnamed = self._unnamed_filters(records, filter_names)
        rows = Rows()
        doc_level: dict[str, str] = {}  # "filter: metric" -> how per-generation scores were found
        no_score: dict[str, int] = {}  # values that are no per-sample score -> records with them
        predict_only = 0  # records of a --predict_only run (metric "bypass")
        no_match = 0  # generations whose filter found no answer ("[invalid]")
        scored_by: dict[str, None] = {}  # the metrics records were scored by, in order
        also: dict[str, None] = {}  # the other metrics their records hold
        not_wanted = 0  # records without the metric --metric names
        item_means = 0  # records scored by the mean of a list of verdicts (--metric)
        passed_over: dict[str, None] = {}  # corpus metrics' parts records hold beside a score
        partial = 0  # partial-evaluation records (winogrande): their gold choice is inferred
        rolling = 0  # loglikelihood_rolling records (perplexity): no generation, no reference
        not_greedy = 0  # loglikelihood docs whose target greedy decoding does not give
        no_context = 0  # multiple-choice records scored with an empty context (blimp)
        labelled: dict[str, int] = {}  # the doc field labelling several true choices -> docs
        mass = 0  # ... of those docs whose score is a fraction (probability mass), no verdict
        no_gold = 0  # ... of them whose gold choice cannot be
        blank: dict[str, int] = {}  # blank targets (repr) -> generated docs with it, no reference
        indexed = 0  # generated docs whose target is an index into the task's doc_to_choice
        negative: dict[int, int] = {}  # ... of those, by a negative index -> docs
        unindexed: dict[int, int] = {}  # integer targets no choice has (out of range) -> docs
        choice_count: set[int] = set()  # how many choices those docs' doc_to_choice had
        texts: dict[int, str] = {}  # lines scored by a number written as text -> that text
        no_choice: dict[int, int] = {}  # multiple-choice targets indexing no choice -> docs
        for line, offset, record in records:
            with rows.entry(errors, source, line):
                filter_name = record.get("filter")
                if not isinstance(filter_name, str):
                    filter_name = unnamed.get(line)
                run = model if filter_name in (None, "none") else f"{model} · {filter_name}"
                target = record.get("target")
                # A blank target of a generated reply (truthfulqa_gen's " " read without its
                # results file) is a placeholder too: no reply could match it.
                is_blank = (
                    isinstance(target, str)
                    and not target.strip()
                    and not _is_loglikelihood(record)
                    and not _is_rolling(record)
                )
                if is_blank and constant is None:
                    blank[repr(target)] = blank.get(repr(target), 0) + 1
                choices = (
                    _generative_choices(config, record.get("doc"))
                    if indexes and not _is_loglikelihood(record) and not _is_rolling(record)
                    else None
                )
                chosen = _choice_target(target, choices)
                indexed += chosen is not None
                index = _target_index(target) if choices is not None else None
                if index is not None and chosen is not None and index < 0:
                    negative[index] = negative.get(index, 0) + 1
                elif index is not None and chosen is None and choices is not None:
                    unindexed[index] = unindexed.get(index, 0) + 1
                    choice_count.add(len(choices))
                try:
                    found = self._rows(
                        record,
                        task,
                        directions,
                        options.metric,
                        constant is not None or is_blank,
                        chosen,
                    )
                except RECORD_ERRORS as exc:
                    errors.append(LoadError(source, line, f"unreadable lm-eval record: {exc}"))
                    continue
                generated, how, metric = found
                rolling += _is_rolling(record)
                no_context += _without_context(record, _requests(record))
                off = _no_choice_target(record, _requests(record))
                if off is not None:
                    no_choice[off] = no_choice.get(off, 0) + 1
                if _is_loglikelihood(record) and _multiple_choice(record):
                    golds = _labelled_golds(record, _requests(record))
                    if golds is not None:
                        several = len(golds[1]) > 1
                        labelled[golds[0]] = labelled.get(golds[0], 0) + several
                        mass += generated[0]["accuracy"] not in (None, 0.0, 1.0)
                if (
                    _is_loglikelihood(record)
                    and _multiple_choice(record)
                    and _partial_choices(_requests(record)) is not None
                ):
                    partial += 1
                    no_gold += generated[0]["answer"] is None
                if metric not in (None, BYPASS):
                    scored_by[metric] = None
                    if isinstance(record.get(metric), str):
                        texts.setdefault(line, record[metric])
                    passed_over.update(
                        dict.fromkeys(n for n in CORPUS_PARTS if n in record and n != metric)
                    )
                    also.update(dict.fromkeys(n for n, _ in _metrics(record) if n != metric))
                    also.update(dict.fromkeys(n for n in _verdict_lists(record) if n != metric))
                    item_means += verdict_list(record.get(metric))
                if options.metric is not None and metric != options.metric:
                    not_wanted += 1
                if metric == BYPASS:
                    predict_only += 1
                if metric is None:
                    for name in _unusable_metrics(record):
                        no_score[name] = no_score.get(name, 0) + 1
                if how is not None and metric is not None:
                    doc_level.setdefault(f"{filter_name or 'none'}: {metric}", how)
                for values in generated:
                    not_greedy += values["answer_unknown"] == NOT_GREEDY
                    if values["extracted"] == NO_MATCH:
                        values["extracted"] = None
                        # The filter read the text and found no answer: that is the answer
                        # (none), never one read from the text here, which `exact` then scored
                        # right against the stored wrong (" 42" under a regex filter's
                        # "[invalid]"); the text it read is `scored_text`, as for Inspect's "".
                        if values.get("answer_unknown") is None:
                            values["scored_text"] = values["gen"]
                        no_match += 1
                    rows.add(run=run, source=source, line=line, offset=offset, **values)
        if texts:
            # lm-eval writes a value json cannot serialize as its str() (handle_non_serializable):
            # a metric's numpy float32 or bool_ reaches the file as "0.5" or "True". Read as the
            # number it says, as the plain reader reads a hand-made file's, and said once a file.
            readings = {
                t: to_score(t, non_finite=True) for t in list(dict.fromkeys(texts.values()))[:2]
            }
            examples = ", ".join(
                f"{name_line(repr(t), 24)} as {v:g}" for t, v in readings.items() if v is not None
            )
            notes.append(
                f"{source}: a text score on {plural(len(texts), 'line')} ({first_few(sorted(texts))}),"
                " as lm-eval writes a value JSON cannot hold (a numpy float32 or bool as its text):"
                f" read as the number it says (e.g. {examples})"
            )
        if indexed:
            notes.append(
                f"{source}: {task}: the target of {plural(indexed, 'doc')} is an index into the"
                " task's doc_to_choice (lm-eval scores the reply against that choice): the reference"
                " shown is the choice"
            )
        if negative:
            notes.append(
                f"{source}: {task}: the target of {plural(sum(negative.values()), 'doc')} is a"
                f" negative index ({', '.join(map(str, sorted(negative)))}): lm-eval's"
                " choices[target] counts it from the end (-1: the last choice), the reference"
                " shown and scored against; a dataset's -1 label usually marks a doc without"
                " one (a test split), scored against the last choice, not a label"
            )
        if unindexed:
            counts = " or ".join(map(str, sorted(choice_count)))
            notes.append(
                f"{source}: {task}: the target of {plural(sum(unindexed.values()), 'doc')}"
                f" ({', '.join(map(str, sorted(unindexed)))}) is no index of the task's"
                f" doc_to_choice ({counts} choices; lm-eval's choices[target] would have"
                " failed, so the results file's config may not be this run's): the reference"
                " shown is the target as the file holds it, no choice"
            )
        if no_choice:
            notes.append(
                f"{source}: {task}: the target of {plural(sum(no_choice.values()), 'doc')}"
                f" ({', '.join(map(str, sorted(no_choice)))}) is no index of the doc's choices (a"
                " dataset's -1 marks a doc without a label): the reference shown is that"
                " number, no choice, and lm-eval scored no choice right for it (acc and"
                " acc_norm 0)"
            )
        if constant is not None and records:
            notes.append(
                f"{source}: {task}: every doc's target is the task's constant doc_to_target"
                f" ({constant!r}), no reference: its process_results scores each reply from the doc,"
                " not from the target"
            )
        if blank:
            notes.append(
                f"{source}: {task}: {plural(sum(blank.values()), 'doc')} whose target is blank"
                f" ({', '.join(blank)}), no reference: a placeholder no reply could match"
                " (truthfulqa_gen's ' ': its process_results scores each reply from the doc)"
            )
        for item, how in sorted(doc_level.items()):
            notes.append(f"{source}: {task} / {item} scores the whole document: {how}")
        if no_match:
            notes.append(
                f"{source}: {task}: {plural(no_match, 'generation')} without an extracted answer:"
                f" the filter found none ({NO_MATCH!r}, its fallback)"
            )
        if passed_over:
            notes.append(
                f"{source}: {task}: {_names(passed_over)} (each doc's log-likelihood, a part of"
                " the corpus perplexity) is no score of the doc: passed over"
                f" ({flag_words('--metric', next(iter(passed_over)))} to see it)"
            )
        if rolling:
            notes.append(
                f"{source}: {task}: {plural(rolling, 'doc')} scored by log-likelihood of"
                f" {'its' if rolling == 1 else 'their'} text (loglikelihood_rolling, a"
                " perplexity task): no generation and no reference; the generation shown is"
                " the text's log-likelihood"
            )
        if not_greedy:
            notes.append(
                f"{source}: {task}: {plural(not_greedy, 'doc')} whose target greedy decoding"
                " does not give (loglikelihood): the generation shown is that target, not the"
                " model's answer (unknown), so no answer is taken from it and only lm-eval"
                " re-scores it"
            )
        if no_context:
            notes.append(
                f"{source}: {task}: {plural(no_context, 'doc')} scored with an empty context"
                " (the model only compared its choices, as blimp's): the prompt shown lists"
                " the choices"
            )
        for field, count in labelled.items():
            said = (
                [
                    f"{plural(count, 'doc')} with several true choices (the doc's {field}"
                    " labels): the reference lists them all"
                ]
                if count
                else []
            )
            if mass:
                said.append(
                    f"{_metric_word(scored_by)} is the probability mass on the true choices"
                    f" ({plural(mass, 'doc')}), not a verdict on the choice shown"
                )
            if said:
                notes.append(f"{source}: {task}: " + "; ".join(said))
        if partial:
            notes.append(
                f"{source}: {task}: partial evaluation (one continuation scored after each"
                " choice's context): the choices are where the contexts differ, and the gold"
                " choice, which the file does not hold, is told by acc (the model's choice when"
                " right, the other of two when wrong)"
                + (f"; unknown for {plural(no_gold, 'doc')}" if no_gold else "")
            )
        if predict_only:
            notes.append(
                f"{source}: {task}: a --predict_only run (metric 'bypass'): no metric was"
                f" computed, {plural(predict_only, 'record')} unscored"
            )
        if no_score:
            count = max(no_score.values())
            names = ", ".join(list(no_score)[:3]) + (", …" if len(no_score) > 3 else "")
            notes.append(
                f"{source}: {task}: {plural(count, 'doc')} unscored: their"
                f" per-sample values ({names}) are no score (a corpus-level metric's parts,"
                " e.g. perplexity's (log-likelihood, weight) pairs)"
            )
        if item_means:
            name = next(n for n in scored_by if n == options.metric)
            notes.append(
                f"{source}: {task}: {name!r} is a list of verdicts per doc (one per item, as"
                f" ifeval's per instruction): each of {plural(item_means, 'doc')} scored by the"
                f" share of its items right; lm-eval's {name} is the share of all items of all"
                " docs (agg_inst_level_acc), so a doc of more items weighs more there"
            )
        # (said without the task, so that a note of every MMLU subtask's file is said once)
        also = {n: None for n in also if n not in scored_by}
        if not_wanted and options.metric is not None:
            notes.append(
                f"{source}: {flag_words('--metric', options.metric)} is no score of "
                f"{plural(not_wanted, 'record')}"
                + (f"; scored by {_names(scored_by)}" if scored_by else "")
                + (f" (they also have {_names(also)})" if also else "")
            )
        elif also and options.metric is None:
            notes.append(
                f"{source}: scored by {_names(scored_by)}; its records also have "
                f"{_names(also)} ({flag_words('--metric', next(iter(also)))} to score by that instead)"
            )
        if starts is None:
            errors = document_errors + errors
        else:  # a JSON array's records: each error at the line its record starts on
            errors = document_errors + [
                error
                if error.line is None
                else LoadError(
                    error.source, starts[error.line - 1], f"record {error.line}: {error.reason}"
                )
                for error in errors
            ]
            errors.sort(key=lambda e: -1 if e.line is None else e.line)
        return ReadResult(rows.frame(), errors, notes, rows.short_replies(not self.own_answers))

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """One run is one date id (every samples file of a run carries it, and its results
        file); files without one (≤0.4.2) are one run per folder."""
        if options.label:
            return None
        results = _results_for(path)
        match = SAMPLES_NAME.match(path.name)
        key = started = match["date"] if match else ""
        model = _model_name(results, named(path, options))
        return RunIdentity(model, key, _task_name(path, results), started)

    @staticmethod
    def _unnamed_filters(
        records: list[tuple[int, int | None, dict[str, Any]]], filter_names: list[str]
    ) -> dict[int, str | None]:
        """Filter names for records without a ``filter`` key (before 0.4.7), by line.

        The harness writes one line per doc per filter, in ``filter_list`` order, so a doc's n-th
        line is the n-th filter. Without the task's config the filters are numbered.
        """
        seen: dict[str, int] = {}
        order: list[tuple[int, int]] = []
        for line, _offset, record in records:
            if isinstance(record.get("filter"), str):
                continue
            key = json.dumps(record["doc_id"], sort_keys=True, default=str)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            order.append((line, occurrence))
        several = any(count > 1 for count in seen.values())
        names: dict[int, str | None] = {}
        for line, occurrence in order:
            if occurrence < len(filter_names):
                names[line] = filter_names[occurrence]
            else:
                names[line] = f"filter {occurrence + 1}" if several else None
        return names

    @staticmethod
    def _rows(
        record: dict[str, Any],
        task: str,
        directions: dict[str, bool],
        wanted: str | None,
        no_reference: bool = False,
        chosen: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None, str | None]:
        """The record's generation rows, and (when its metric is doc-level) how that was handled.
        ``no_reference``: the target is a placeholder (:func:`_constant_target`); ``chosen``: the
        choice the target indexes (:func:`_choice_target`), the reference."""
        metric, value = _metric(record, wanted)
        generated = _generations(record, metric, value)
        if not generated:
            raise ValueError("no generation: 'resps' holds no response")
        requests = _requests(record)
        prompt = _prompt_text(requests[0][0]) if requests else ""
        try:
            score = to_score(value, non_finite=True)  # mae & co. reach Infinity in real files
        except ValueError:
            score = None
        # A list target (TriviaQA's aliases) arrives as its str() since 0.4.3: see reference_aliases.
        aliases = reference_aliases(record.get("target"))
        answer = reference_text(record.get("target"), aliases)
        if (_is_rolling(record) and answer == prompt) or no_reference:
            # A perplexity task's target is the text scored, the prompt itself; a constant
            # doc_to_target is a placeholder: no reference.
            answer, aliases = None, None
        elif chosen is not None:
            answer, aliases = chosen, None
        partial = (
            _partial_choices(requests)
            if _is_loglikelihood(record) and _multiple_choice(record)
            else None
        )
        if partial is not None and len(partial[1]) == len(record["resps"]):
            prompt, options = partial
            chosen = generated[0][1]
            index = int(chosen.split(":", 1)[0]) if chosen else None
            gold = _partial_gold(index, len(options), metric, value) if index is not None else None
            answer = None if gold is None else f"{gold}: {options[gold]}"
            aliases = None
        elif _is_loglikelihood(record) and _multiple_choice(record) and answer is not None:
            labelled = _labelled_golds(record, requests)
            if (
                re.fullmatch(r"[0-9]+", answer)
                and labelled
                and len(labelled[1]) > 1
                and int(answer) in labelled[1]
            ):
                # Several true choices labelled in the doc (truthfulqa_mc2: the target is the
                # first): all of them are the reference, any of them a match.
                aliases = [_choice(g, requests) for g in labelled[1]]
                answer = ALIAS_SEPARATOR.join(aliases)
            elif re.fullmatch(r"[0-9]+", answer):
                answer = _choice(int(answer), requests)  # the target is the gold choice's index
            elif (golds := _gold_indices(answer, aliases, requests)) is not None:
                # Several gold choices (a multiple_target task: the model is right when its
                # choice is any of them), by index or by text: each written as the model's
                # choice is, "2: c", any of them a match.
                aliases = [_choice(g, requests) for g in golds]
                answer = ALIAS_SEPARATOR.join(aliases)
            else:
                # A target that is no index is the gold choice's text (process_results:
                # ``choices.index(gold)``): written as the model's choice is, "1: (B)".
                gold = _choice_index(answer, requests)
                if gold is not None:
                    answer = _choice(gold, requests)
        if _without_context(record, requests):
            # No context to show (blimp: doc_to_text ""; the model only compared the choices):
            # the choices are what was asked.
            count = _conditional_choices(record, requests, len(record["resps"]))
            prompt = "\n".join(_choice(i, requests) for i in range(min(count, len(requests))))
        unknown = _no_answer(record, generated)
        # Repeats whose filtered_resps holds one value for the doc (take_first keeps the first
        # repeat's answer, majority_vote the voted one; lm-eval's filters/selection.py) have no
        # answer of the harness's each: it is read from the repeat's text, a short reply ' 5'
        # its own answer, as for a format without answers; it was 'no answer' to triage, as if
        # the filter had found none in it.
        unfiltered = len(generated) > 1 and all(e is None for _t, e, _s in generated)
        read_from_text = (
            "; each repeat's answer is read from its text (the file keeps the filter's one"
            " answer for the doc)"
            if unfiltered
            else ""
        )
        how: str | None = None
        if len(generated) == 1:
            per_gen: list[float | None] = [score]
            prompt_score = None
        else:
            prompt_score = score
            per_gen = [own for _text_, _extracted, own in generated]
            if any(own is None for own in per_gen):
                per_gen = [None] * len(generated)
                how = "kept as prompt_score; the repeats are unscored" + read_from_text
            elif "scores_per_repeat" in record:
                how = (
                    "kept as prompt_score; each repeat scored from scores_per_repeat"
                    + read_from_text
                )
            else:
                how = (
                    "kept as prompt_score; each repeat scored by exact match of its filtered"
                    " answer (agrees with the harness's mean)"
                )
            if score is None:
                how = None  # predict-only: nothing doc-level to tell
        doc_id = record["doc_id"]
        rows = [
            {
                "prompt_id": f"{task}:{doc_id}",
                "prompt": prompt,
                "answer": answer,
                ALIASES: aliases,
                "gen": text,
                "accuracy": per_gen[j],
                "extracted": None if unknown else extracted,
                "answer_unknown": unknown,
                "sample": j,
                "prompt_score": prompt_score,
                "metric": metric,
                "higher_is_better": directions.get(metric) if metric else None,
                SHORT_REPLIES: True if unfiltered else None,
            }
            for j, (text, extracted, _own) in enumerate(generated)
        ]
        return rows, how, metric

    def records_companions(self, path: Path, lines: Sequence[int] = ()) -> dict[str, Any]:
        """The task's doc_to_choice, in a results file of the run's date beside the records
        read back, when its generated replies' targets index it (:func:`_generative_choices`):
        the records alone give the index."""
        results = _results_for(path)
        task = _task_name(path, results)
        configs = (results or {}).get("configs")
        config = configs.get(task) if isinstance(configs, dict) else None
        if not isinstance(config, dict) or not _indexes_choices(config):
            return {}
        match = SAMPLES_NAME.match(path.name)
        name = f"results_{match['date']}.json" if match else "results.json"
        kept = ("output_type", "doc_to_choice", "doc_to_target")
        return {name: {"configs": {task: {k: config[k] for k in kept if k in config}}}}

    def records_form(self, path: Path) -> str | None:
        with path.open("rb") as handle:  # a ≤0.4.2 JSON array, not JSON lines
            if not handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
                return None
        return (
            "each element of the file's JSON array re-encoded as a JSON line (the"
            " samples_*.jsonl form of lm-eval 0.4.3 and later)"
        )

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        pairs = list(rows)
        if all(offset is not None for _line, offset in pairs):
            yield from super().records(path, pairs)
            return
        data, error = json_document(path, path.name)
        if error is not None or not isinstance(data, list):
            raise ValueError(f"{path}: {error.reason if error else 'not a JSON array'}")
        for line, _offset in pairs:
            yield json.dumps(data[line - 1], ensure_ascii=False)
