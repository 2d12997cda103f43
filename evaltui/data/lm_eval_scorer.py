"""``lm-eval:<task>``: re-apply an lm-evaluation-harness task's own filters and ``process_results``.

The harness logs one record per (doc, filter) with the raw responses (``resps``); re-scoring runs
them through the task's filter pipeline of that record's filter and its ``process_results``, as
``lm_eval.evaluator`` does after the model has answered. Nothing is downloaded: the task is built
from its YAML config in the installed ``lm_eval`` (the harness's own task factory), with the
documented ``custom_dataset`` hook serving the logged docs instead of the Hugging Face dataset and
``process_docs`` switched off (the logged docs were processed already).

Per generation row: a record with one generation (or a multiple-choice/loglikelihood record) gets
the record's metric (the one the reader shows, the ``metric`` column); a record with ``repeats: k``
generations gets, per repeat, the metric of that repeat alone through the same filter, and the
record's own metric (majority vote, pass@k, ...) becomes the prompt's score (``new_prompt_score``).

Needs ``lm_eval`` 0.4.13 or later in 0.4.x (``pip install -e '.[lmeval]'``); its core install has
no torch. The records are read in the parent and scored in the re-score's worker processes, one
record per item (:class:`RecordScorer`), with the per-generation timeout applied to each record:
a ``process_results`` that hangs or raises marks that record's generations "timeout" or "scorer
error" and the run continues. Task objects are not sent between processes: each worker builds
the tasks it meets from their names (once each).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from evaltui.data.score_worker import ERROR, OK, TIMEOUT, Item, Result, ScorerUnavailable, as_score

NOT_SCORED = "not scored"
"""A generation the scorer does not apply to (another task's file, a task lm_eval lacks)."""
INSTALL_HINT = "pip install -e '.[lmeval]' (or pip install 'lm_eval>=0.4.13,<0.5')"
MIN_VERSION = (0, 4, 13)
LOGGERS = ("lm_eval", "lm-eval", "evaluate", "datasets")


def lm_eval_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lm_eval")
    except PackageNotFoundError:
        return None


def check_available(scorer: str) -> str:
    """The installed lm_eval's version; raises :class:`ScorerUnavailable` saying what to install."""
    installed = lm_eval_version() if importlib.util.find_spec("lm_eval") is not None else None
    if installed is None:
        raise ScorerUnavailable(
            f"{scorer} re-applies the task's filters and process_results and needs the lm_eval "
            f"package, which is not installed: {INSTALL_HINT}"
        )
    parts = tuple(int(p) for p in installed.split(".")[:3] if p.isdigit())
    if parts < MIN_VERSION or parts[:2] != MIN_VERSION[:2]:
        raise ScorerUnavailable(
            f"{scorer} needs lm_eval 0.4.13 or later in 0.4.x (its task factory); "
            f"lm_eval {installed} is installed: {INSTALL_HINT}"
        )
    return installed


class TaskUnavailable(Exception):
    """The task cannot be built here; the message names the task and why (for a per-file note)."""


@contextlib.contextmanager
def quiet_logs() -> Iterator[None]:
    """lm_eval, evaluate and datasets log warnings while a task is built: never onto a terminal
    UI or between the progress lines."""
    saved = []
    for name in LOGGERS:
        log = logging.getLogger(name)
        saved.append((log, log.level, log.propagate, log.handlers[:], log.disabled))
        log.handlers[:] = [logging.NullHandler()]
        log.propagate = False
        log.disabled = True
    try:
        yield
    finally:
        for log, level, propagate, handlers, disabled in saved:
            log.setLevel(level)
            log.propagate, log.handlers[:], log.disabled = propagate, handlers, disabled


class _Docs(list[dict[str, Any]]):
    """The logged docs as the split a task reads (``features`` names the columns)."""

    @property
    def features(self) -> dict[str, None]:
        return dict.fromkeys(self[0]) if self and isinstance(self[0], dict) else {}


class _EverySplit(dict[str, _Docs]):
    """Any split the task's config names (test, validation, train, fewshot) is the logged docs."""

    def __init__(self, docs: _Docs) -> None:
        super().__init__()
        self.docs = docs

    def __missing__(self, key: str) -> _Docs:
        return self.docs


def _task_dirs(name: str) -> list[Path]:
    """Folders of the installed lm_eval's tasks whose name the task's name starts with, longest
    first (``truthfulqa_gen`` -> ``truthfulqa``, ``arc_easy`` -> ``arc``): indexing one folder
    takes a fraction of a second, all of them ~15 s."""
    import lm_eval.tasks

    root = Path(lm_eval.tasks.__file__).parent
    found = []
    with contextlib.suppress(OSError):
        for folder in root.iterdir():
            if folder.is_dir() and (name == folder.name or name.startswith(folder.name + "_")):
                found.append(folder)
    return sorted(found, key=lambda p: len(p.name), reverse=True)


@functools.lru_cache(maxsize=32)
def _index(folder: str | None, _stamp: str = "") -> dict[str, Any]:
    """lm_eval's task index of ``folder`` (None: the installed tasks), once per process (and per
    ``_stamp``, the contents of a user's folder)."""
    from lm_eval.tasks import TaskManager

    with quiet_logs():
        if folder is None:
            return dict(TaskManager().task_index)
        return dict(TaskManager(include_path=folder, include_defaults=False).task_index)


class TaskBuilder:
    """Builds lm-eval tasks offline by name, each once; the registry is indexed lazily."""

    def __init__(self, include_path: Path | None = None) -> None:
        self.include_path = include_path
        """Task YAMLs beyond the installed ones (lm_eval's ``--include_path``); they win."""
        self._tasks: dict[str, Any] = {}

    def _entry(self, name: str) -> tuple[Any, dict[str, Any]]:
        folders: list[tuple[str | None, str]] = [(str(p), "") for p in _task_dirs(name)]
        if self.include_path is not None:
            folders.insert(0, (str(self.include_path), tasks_digest(self.include_path)))
        for folder, stamp in [*folders, (None, "")]:  # None: every installed task (~15 s)
            index = _index(folder, stamp)
            if name in index:
                return index[name], index
        version = lm_eval_version()
        raise TaskUnavailable(
            f"task {name!r} is not among the installed lm_eval {version}'s tasks"
            + (f" nor in {self.include_path}" if self.include_path is not None else "")
            + " (a custom task: give the folder of its YAML with --include-path)"
        )

    def task(self, name: str, first_doc: dict[str, Any]) -> Any:
        """The task ``name``, built with ``first_doc`` as its split (the harness tries one doc
        while building: whether targets are lists, inputs are several)."""
        built = self._tasks.get(name)
        if isinstance(built, TaskUnavailable):
            raise built
        if built is not None:
            return built
        try:
            with quiet_logs():
                built = self._build(name, first_doc)
        except TaskUnavailable as exc:
            self._tasks[name] = exc
            raise
        except Exception as exc:
            error = TaskUnavailable(f"task {name!r} cannot be built: {type(exc).__name__}: {exc}")
            self._tasks[name] = error
            raise error from None
        self._tasks[name] = built
        return built

    def _build(self, name: str, first_doc: dict[str, Any]) -> Any:
        from lm_eval.api.task import ConfigurableTask
        from lm_eval.tasks._factory import TaskFactory
        from lm_eval.tasks._index import Kind

        entry, registry = self._entry(name)
        if entry.kind not in (Kind.TASK, Kind.PY_TASK):
            raise TaskUnavailable(f"{name!r} is an lm_eval group or tag, not one task")
        docs = _Docs([first_doc])
        overrides: dict[str, Any] = {
            "task": name,
            # The documented hook for a dataset that is not on the Hub: the logged docs.
            "custom_dataset": lambda **_kwargs: _EverySplit(docs),
            "dataset_kwargs": None,
            "process_docs": None,  # the logged docs are processed already
            "fewshot_split": None,
            "fewshot_config": None,
            "use_prompt": None,
        }
        task = TaskFactory().build(entry, overrides=overrides, registry=registry)
        if not isinstance(task, ConfigurableTask):
            raise TaskUnavailable(
                f"task {name!r} is a Python task class lm-eval re-scoring cannot rebuild offline"
            )
        return task


# --- one record ----------------------------------------------------------------------------------


def _number(value: Any) -> float:
    return float(value)


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip() == "True")


def _response(task: Any, value: Any) -> Any:
    """A logged response as the model returned it: ``resps`` are stringified since 0.4.3
    (``["-0.67", "False"]`` for a log-likelihood, ``"-12.3"`` for a rolling one)."""
    kind = task.OUTPUT_TYPE
    if kind in ("loglikelihood", "multiple_choice"):
        if isinstance(value, list | tuple) and len(value) == 2:
            return (_number(value[0]), _flag(value[1]))
        raise ValueError(f"a log-likelihood response should be [logprob, is_greedy], not {value!r}")
    if kind == "loglikelihood_rolling":
        return _number(value[0] if isinstance(value, list | tuple) else value)
    return value


def _requests(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    arguments = record.get("arguments")
    if isinstance(arguments, dict):
        from evaltui.data.formats.lm_eval import argument_index

        keys = sorted(arguments, key=argument_index)
        out = []
        for key in keys:
            args = arguments[key]
            if isinstance(args, dict):
                out.append(tuple(args[k] for k in sorted(args)))
        return out
    if isinstance(arguments, list):
        return [tuple(a) if isinstance(a, list) else (a,) for a in arguments]
    return []


def _filter(task: Any, name: str | None, occurrence: int) -> Any:
    filters = list(getattr(task, "_filters", []))
    if not filters:
        raise ValueError("the task has no filter pipeline")
    if name is None:  # before 0.4.7: a doc's n-th line is the n-th filter
        if occurrence < len(filters):
            return filters[occurrence]
        raise ValueError(f"line {occurrence + 1} of this doc has no filter in the task")
    for pipeline in filters:
        if pipeline.name == name:
            return pipeline
    names = ", ".join(p.name for p in filters)
    raise ValueError(f"filter {name!r} is not one of the task's filters ({names})")


def _metrics(
    task: Any, pipeline: Any, doc: Any, requests: list[Any], resps: list[list[Any]]
) -> dict[str, Any]:
    """process_results of one doc whose requests got ``resps`` (per request, per repeat)."""
    from lm_eval.api.instance import Instance

    kind = task.OUTPUT_TYPE
    request_type = "loglikelihood" if kind == "multiple_choice" else kind
    instances = []
    for i, repeats in enumerate(resps):
        args = requests[i] if i < len(requests) else ()
        instance = Instance(
            request_type=request_type,
            doc=doc,
            arguments=args,
            idx=i,
            metadata=(task.config.task, 0, len(repeats)),
        )
        instance.resps = [_response(task, r) for r in repeats]
        instances.append(instance)
    pipeline.apply(instances)
    results = [instance.filtered_resps[pipeline.name] for instance in instances]
    return dict(task.process_results(doc, results))


def score_record(
    task: Any, record: dict[str, Any], metric: str | None, occurrence: int, repeats: int
) -> tuple[float | None, list[float | None], str | None]:
    """(the record's metric, the metric of each of its ``repeats`` generations alone, a note when
    the generations cannot be scored one by one: the filter needs several).

    ``metric`` is the record's main metric (the reader's ``metric``; None = the first that
    ``process_results`` returns). With one generation both are the same number.
    """
    doc = record.get("doc")
    requests = _requests(record)
    resps = record.get("resps")
    if not isinstance(resps, list) or not resps:
        raise ValueError("the record has no resps")
    resps = [r if isinstance(r, list) else [r] for r in resps]
    name = record.get("filter") if isinstance(record.get("filter"), str) else None
    pipeline = _filter(task, name, occurrence)

    def pick(values: dict[str, Any]) -> float | None:
        key = metric if metric is not None else next(iter(values), None)
        if key not in values:
            raise ValueError(f"process_results gave no {key!r} (it gave {', '.join(values)})")
        return as_score(values[key])

    whole = pick(_metrics(task, pipeline, doc, requests, resps))
    if repeats <= 1:
        return whole, [whole], None
    try:
        each = [
            pick(_metrics(task, pipeline, doc, requests, [[r[j]] for r in resps]))
            for j in range(repeats)
        ]
    except Exception as exc:  # a filter over several repeats (take_first_k, pass@k)
        note = f"the filter {pipeline.name!r} scores the repeats only together ({exc})"[:300]
        return whole, [None] * repeats, note
    return whole, each, None


# --- every generation of a load -------------------------------------------------------------------

SCHEMA: dict[str, pl.DataType] = {
    "new_accuracy": pl.Float64(),
    "score_status": pl.String(),
    "score_message": pl.String(),
    "new_prompt_score": pl.Float64(),
}


def not_scored(n: int, message: str) -> tuple[pl.DataFrame, str]:
    """Every generation of a file left unscored, with why."""
    frame = {k: [None] * n for k in SCHEMA} | {
        "score_status": [NOT_SCORED] * n,
        "score_message": [message] * n,
    }
    return pl.DataFrame(frame, schema=SCHEMA), message


def tasks_digest(folder: Path | None) -> str:
    """What cached scores depend on in an include path: its YAML and Python files' contents."""
    if folder is None:
        return "-"
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".py") and path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_task(prompt_ids: list[str]) -> str | None:
    """The task of an lm-eval file: its prompt ids are ``<task>:<doc_id>``."""
    tasks = {p.rpartition(":")[0] for p in prompt_ids if p}
    return tasks.pop() if len(tasks) == 1 else None


def file_items(
    path: Path,
    reader: Any,
    rows: pl.DataFrame,
    task_name: str,
    occurrences: dict[int, int] | None = None,
) -> tuple[list[Item], list[Result]]:
    """The records of one lm-eval samples file as worker items, one per record (``rows``: the
    file's generation rows with their load-wide ``_row``), and results for the rows whose
    record cannot be read back. ``occurrences`` (line -> how many earlier lines hold its doc):
    given when ``rows`` are some of the file's records only."""
    position: dict[int, list[int]] = {}
    for line, row in zip(rows["line"].to_list(), rows["_row"].to_list(), strict=True):
        position.setdefault(line, []).append(row)
    lines = rows.select("line", "offset").unique(subset="line", maintain_order=True)
    metrics = dict(zip(rows["line"].to_list(), rows["metric"].to_list(), strict=True))
    seen: dict[str, int] = {}
    items: list[Item] = []
    failed: list[Result] = []
    texts = reader.records(path, zip(lines["line"], lines["offset"], strict=True))
    for line, text in zip(lines["line"].to_list(), texts, strict=True):
        where = position[line]
        try:
            record = json.loads(text)
        except ValueError as exc:
            message = f"line {line} cannot be read again: {exc}"[:500]
            failed += [(row, None, ERROR, message, None) for row in where]
            continue
        key = json.dumps(record.get("doc_id"), default=str)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        if occurrences is not None:
            occurrence = occurrences[line]
        payload = {
            "task": task_name,
            "record": record,
            "metric": metrics[line],
            "occurrence": occurrence,
            "rows": where,
        }
        items.append((where[0], "", "", payload))
    return items, failed


class RecordScorer:
    """In a worker: one logged record through its task's filter and ``process_results``."""

    many = True
    """An item is a record: :meth:`score_item` gives a result for each of its rows."""

    def __init__(self, include_path: str | None) -> None:
        self.builder = TaskBuilder(Path(include_path) if include_path else None)

    def warm(self) -> None:
        """lm_eval's imports (seconds) before the clock runs."""
        with quiet_logs():
            import lm_eval.api.instance
            import lm_eval.api.task  # noqa: F401

    def prepare(self, payload: dict[str, Any]) -> None:
        """Build the record's task (once per worker), outside the per-record timeout; a task
        that cannot be built is remembered and said per record."""
        with contextlib.suppress(TaskUnavailable):
            self.builder.task(payload["task"], payload["record"].get("doc") or {})

    def __call__(self, generation: str, reference: str, record: dict[str, Any]) -> Any:
        raise TypeError("an lm-eval record is scored whole (score_item)")

    def score_item(self, item: Item) -> list[Result]:
        _row, _generation, _reference, payload = item
        rows: list[int] = payload["rows"]
        record = payload["record"]
        try:
            task = self.builder.task(payload["task"], record.get("doc") or {})
        except TaskUnavailable as exc:
            return [(row, None, NOT_SCORED, str(exc), None) for row in rows]
        try:
            with quiet_logs():
                whole, each, note = score_record(
                    task, record, payload["metric"], payload["occurrence"], len(rows)
                )
        except TimeoutError as exc:
            return [(row, None, TIMEOUT, str(exc) or "timed out", None) for row in rows]
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"[:500]
            return [(row, None, ERROR, message, None) for row in rows]
        prompt = whole if len(rows) > 1 else None
        return [(row, value, OK, note, prompt) for row, value in zip(rows, each, strict=True)]
