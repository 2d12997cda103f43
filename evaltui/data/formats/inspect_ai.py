"""Inspect AI logs: ``.json`` (EvalLog with inline ``samples``) and ``.eval`` zip archives.

One EvalSample per (sample id, epoch): ``--epochs k`` gives k samples of the same id. Scores
``scores.<scorer>.value`` (a log before 0.3: one ``score``, named by its ``results.scorer``) are ``"C"``/``"I"``/``"P"``/``"N"`` (1, 0, 0.5, 0: Inspect's
``value_to_float``, so the mean is its ``accuracy()``; a note tells when P, half right, counts
as correct), numbers or bools (NaN, ``Score.unscored()``, which Inspect's metrics skip, and values
Inspect cannot read, a lowercase ``c``, are unscored with a note); the scorer's ``answer`` is the
extracted answer ("": it found none). A scorer that gives no answer, or the whole output as
its answer (match() of a text target, model_graded_qa), extracted nothing: that row's answer is
read from the text as for a format without answers, a short reply its own answer. A multiple-choice sample's ``choices`` are shown under its question (``A) …``,
as the ``multiple_choice()`` solver puts them), its target the letter; of several output choices
(``num_choices``) the first is shown, with a note. Each score the log's ``results.scores`` reports is
read (a scorer's value, or a key of a scorer's dict value; without them, each scorer's value or
its dict's first key), named in ``metric``; several scores are one run each, ``model · score``
as lm-eval's filters are, and a note names the dict keys left out. The generation is
``output.completion`` (else ``output.choices[0]``); a sample whose output is empty shows the last assistant message of its
``messages``, else its scorer's answer, and a note says so; a reply of reasoning alone (no
answer text: stopped at ``max_tokens`` while thinking) shows that reasoning, with a note. ``.eval`` members are zstd-compressed (zip method 93)
in current versions, which Python's zipfile cannot read: those members are decompressed here with
``zstandard``; older archives use deflate. Ids may be strings or ints in the same log.
A task whose epochs reducer is not the mean (``max``, ``mode``, ``at_least_k``, ``pass_at_k``, …)
has each sample's reduced score, the one Inspect's metrics are over, read from the log's
reductions (``reductions.json``; a .json log's ``reductions``, before 0.3.4x its
``results.sample_reductions``) as the prompt's ``prompt_score``, with a note naming the reducer.
Of several reducers the first is read (``results.scores`` leads with it); the mean first leaves
the prompt's score the mean of its epochs, and a note names the reductions not shown.

Runs: the run label is the model (a task run with ``--model none`` and its models by role,
``"model": "none/none"``, is its ``target`` role's model, else its only role's). Separate logs
of the same task and model (distinct eval ids, or run ids before eval ids existed), in one folder or in several, are separate runs, told apart by
the log's start time (``model @ created``; see evaltui.data.runs); their samples never become
"several generations of one prompt". One log saved twice in a folder (same eval id, or ``X.eval``
beside ``X.json``) is read once, with a note; the finished, fuller, ``.eval`` copy is the one read.
A log that did not finish and its retry in the folder (``inspect eval-retry``: the same task id,
a new eval id) are one run, read from the retry that succeeded (else the latest), with a note,
as Inspect counts them (``retryable_eval_logs``); in another folder (the retry's own log dir,
``./logs`` by default) the loader does the same (``RunIdentity.retry``). A log's status other
than ``success`` is told in a note, and errored samples are error entries, not empty generations.
Eval-set bookkeeping (``logs.json``, ``eval-set.json``) is a companion. An ``.eval`` sample
with no ``samples/`` member (``--no-log-samples``, or taken out) is read from the archive's sample
summaries (``summaries.json``; ``_journal/summaries/<n>.json`` while it runs): prompt, target and
scores, no generation text, with a note naming the member. A chunked sample (log version 3:
``inspect log convert``'s per-sample folder ``samples/<id>_epoch_<n>/``, a ``sample.json`` shell
beside chunks of its messages, events and attachments) is read as the sample it stands for: its
conversation from its ``message_refs``, its ``attachment://<index>`` texts put back; its chunks
are no samples. An ``.eval2`` file (``convert_eval_logs_to_eval2``, Inspect's experimental
chunked format: the ``.eval``'s header, summaries and reductions copied, every sample chunked
that way) is such an archive under another name, read as one. A .json log cut off while written (Inspect rewrites it whole, in place, at each
flush) is read as far as it goes: the samples whole before the cut, and an error at its line.
"""

from __future__ import annotations

import bisect
import functools
import io
import json
import math
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from evaltui.data.extract import extract_answer
from evaltui.data.formats.base import (
    ALIAS_SEPARATOR,
    USER_ROLES,
    EntryError,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    Unreadable,
    json_document,
    named,
    parse_json,
    parse_tolerant,
    stringify,
    turns_text,
    value_end,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.formats.plain_document import at_entry_lines
from evaltui.data.sanitize import name_line
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural

ZSTD_METHOD = 93
#: Inspect's value_to_float(): C correct, I incorrect, P partial (half), N no answer.
LETTER_SCORES = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
PARTIAL = "P"
#: A log's status once its run finished (others: ``started``, ``error``, ``cancelled``).
SUCCESS = "success"
#: Between a run label and the score that follows it (evaltui.data.runs.PART_SEPARATOR: that
#: module imports this package, so it is not imported here).
PART_SEPARATOR = " · "


#: The most one archive member may expand to. A sample is read whole to be parsed, so a member
#: of gigabytes (a zip bomb, or a runaway log) would take the machine's memory with it.
MEMBER_LIMIT = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


def read_member(
    archive: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo, limit: int | None = None
) -> bytes:
    """A zip member's bytes, decompressed in chunks and never more than ``limit`` of them.

    zstd members (method 93) are decompressed by hand. A member that is, or claims to be, larger
    than the limit raises :class:`EntryError` saying so (sizes in the directory may lie, so the
    count is of what comes out).
    """
    limit = MEMBER_LIMIT if limit is None else limit
    too_big = EntryError(
        f"{info.filename} expands to more than {limit // (1024 * 1024)} MiB; not read"
        f" (evaltui reads archive members up to that size)"
    )
    if info.file_size > limit or info.compress_size > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    with _open_member(archive, path, info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
    return b"".join(chunks)


def _open_member(archive: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> Any:
    """A readable stream of the member's decompressed bytes."""
    if info.compress_type != ZSTD_METHOD:
        return archive.open(info)
    import zstandard

    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if header[:4] != b"PK\x03\x04":
            raise ValueError(f"bad local header for {info.filename}")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        compressed = handle.read(info.compress_size)  # no larger than the limit (checked)
    return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(compressed))


def _member_json(
    archive: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo, *, tolerant: bool = False
) -> Any:
    """A member parsed as JSON (bounded by :data:`MEMBER_LIMIT`). ``tolerant``: a value nested
    too deeply or an integer too long spoils only itself (:func:`parse_tolerant`) -- for the
    header, whose fields evaltui mostly does not need."""
    text = read_member(archive, path, info).decode("utf-8", errors="replace")
    return parse_tolerant(text) if tolerant else parse_json(text)


def _plain(value: Any) -> Any:
    """A header value evaltui can do without: None when it could not be read."""
    return None if isinstance(value, Unreadable) else value


def _needed(info: dict[str, Any], key: str) -> Any:
    """A header value evaltui needs (``eval.model``, ``eval.task``); raises when unreadable."""
    value = info.get(key)
    if isinstance(value, Unreadable):
        raise EntryError(f"its eval.{key} cannot be read ({value.reason})")
    if key == "model" and value == NO_MODEL:
        return _role_model(info) or value
    return value


#: ``eval.model`` of a task run with no model of its own (``--model none``): its models are
#: given by role (``--model-role target=…``, ``eval.model_roles``, Inspect ≥0.3.9x).
NO_MODEL = "none/none"
#: The role whose model a run evaluates (Petri's auditor/target/judge, Inspect's own docs).
EVALUATED_ROLE = "target"


def _role_model(info: dict[str, Any]) -> str | None:
    """The model a run without ``eval.model`` evaluates: its ``target`` role's, else its only
    role's; None when the roles do not say."""
    roles = _plain(info.get("model_roles"))
    if not isinstance(roles, dict):
        return None
    models: dict[str, str] = {}
    for role, spec in roles.items():
        model = _plain(spec.get("model")) if isinstance(_plain(spec), dict) else None
        if isinstance(model, str) and model:
            models[str(role)] = model
    if EVALUATED_ROLE in models:
        return models[EVALUATED_ROLE]
    return next(iter(models.values())) if len(models) == 1 else None


#: A JSON log starts with its format version (EvalLog field order: version, status, eval, …).
JSON_LOG_START = re.compile(r'^\{\s*"version"\s*:\s*\d+\s*,')
#: An eval set's logs.json: log file names mapped to their headers.
LOGS_INDEX_START = re.compile(r'^\{\s*"[^"]+\.(?:eval|json)"\s*:\s*\{')
EVAL_KEY = re.compile(r'"eval"\s*:\s*\{')
#: How far into a JSON log to look for its ``eval`` header (it comes right after version/status).
HEADER_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class LogId:
    """Who a log is: enough to tell one evaluation from another without reading its samples."""

    name: str
    key: str
    """The evaluation's identity: eval id, else run id and task id (logs before 0.3.5x)."""
    task: str
    model: str
    created: str
    status: str
    completed: int
    task_id: str = ""
    """The task's id: a retry (``inspect eval-retry``, an eval set's retries) keeps it, with a
    new eval id and start time."""


def _header_of(path: Path) -> dict[str, Any] | None:
    """A log's header (version, status, eval, results, …) without its samples; None if unreadable."""
    try:
        if path.suffix in ARCHIVES:
            with zipfile.ZipFile(path) as archive:
                infos = {i.filename: i for i in archive.infolist()}
                for member in ("header.json", "_journal/start.json"):  # start.json while running
                    if member in infos:
                        data = _member_json(archive, path, infos[member], tolerant=True)
                        return data if isinstance(data, dict) else None
            return None
        with path.open("rb") as handle:
            text = handle.read(HEADER_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
        if not JSON_LOG_START.match(text):
            return None
        found = EVAL_KEY.search(text)
        if found is None:
            return None
        # The eval object alone, any depth: a field nested too deeply (metadata, model args)
        # or an integer too long spoils only that field.
        start = found.end() - 1
        info = parse_tolerant(text[start : value_end(text, start)])
    except (OSError, ValueError, IndexError, RecursionError, zipfile.BadZipFile, KeyError):
        return None  # who the log is stays unknown; reading it says what is wrong
    status = re.search(r'"status"\s*:\s*"([^"]*)"', text[: found.start()])
    return {"eval": info, "status": status.group(1) if status else ""}


def _log_id(path: Path, header: dict[str, Any]) -> LogId | None:
    info = header.get("eval")
    if not isinstance(info, dict) or isinstance(info, Unreadable):
        return None

    def field(value: Any) -> str:
        value = _plain(value)
        return value if isinstance(value, str) else stringify(value) or ""

    key = field(info.get("eval_id")) or (
        f"{field(info.get('run_id')) or None}/{field(info.get('task_id')) or None}"
    )
    results = _plain(header.get("results"))
    completed = _plain(results.get("completed_samples")) if isinstance(results, dict) else None
    return LogId(
        path.name,
        key,
        field(info.get("task")),
        field(
            (_role_model(info) or NO_MODEL)
            if _plain(info.get("model")) == NO_MODEL
            else info.get("model")
        ),
        field(info.get("created")),
        field(header.get("status")),
        completed if isinstance(completed, int) else 0,
        field(info.get("task_id")),
    )


@functools.lru_cache(maxsize=8192)
def _cached_id(path: str, _mtime_ns: int, _size: int) -> LogId | None:
    header = _header_of(Path(path))
    return _log_id(Path(path), header) if header is not None else None


def _folder_logs(folder: Path) -> tuple[LogId, ...]:
    """Every Inspect log in ``folder``, each header read once (see :func:`_scan_folder`)."""
    try:
        mtime = folder.stat().st_mtime_ns  # a log added, removed or replaced changes it
    except OSError:
        return ()
    return _scan_folder(str(folder), mtime)


@functools.lru_cache(maxsize=64)
def _scan_folder(folder: str, _mtime_ns: int) -> tuple[LogId, ...]:
    # Once per folder version, not once per log read: a folder of n logs costs n header reads.
    logs = []
    for sibling in sorted(Path(folder).iterdir()):
        if sibling.suffix not in (*ARCHIVES, ".json") or sibling.name.startswith("."):
            continue
        try:
            stat = sibling.stat()
        except OSError:
            continue
        found = _cached_id(str(sibling), stat.st_mtime_ns, stat.st_size)
        if found is not None:
            logs.append(found)
    return tuple(logs)


def _shared_task_ids(folder: Path) -> frozenset[str]:
    """The task ids more than one log of ``folder`` has (a log and its retry, or copies)."""
    try:
        mtime = folder.stat().st_mtime_ns
    except OSError:
        return frozenset()
    return _scan_task_ids(str(folder), mtime)


@functools.lru_cache(maxsize=64)
def _scan_task_ids(folder: str, _mtime_ns: int) -> frozenset[str]:
    # Once per folder version: a log asking whether its folder reads it is then O(1) unless
    # its task id is shared (place_in_folder compares it with every log of the folder).
    seen: set[str] = set()
    shared: set[str] = set()
    for log in _folder_logs(Path(folder)):
        if log.task_id:
            (shared if log.task_id in seen else seen).add(log.task_id)
    return frozenset(shared)


def _same_log(a: LogId, b: LogId) -> bool:
    """One log saved twice: the same eval id, or ``X.eval`` beside ``X.json`` of the same task and
    model (``--log-format`` both ways; ``inspect log convert`` keeps the id). Or one task run
    and its retry: the same task id, task and model, one of them not finished. A retry keeps
    the task id (and the samples the log completed) under a new eval id; Inspect counts a log
    that errored, was cancelled or is still running as retried once a log of its task id
    succeeds (``retryable_eval_logs``), and of unfinished ones only the latest."""
    if a.key == b.key:
        return True
    if (a.task, a.model) != (b.task, b.model):
        return False
    if a.task_id and a.task_id == b.task_id and (a.status, b.status) != (SUCCESS, SUCCESS):
        return True
    stem_a, _, ext_a = a.name.rpartition(".")
    stem_b, _, ext_b = b.name.rpartition(".")
    return stem_a == stem_b and ext_a != ext_b


def _copy_note(source: str, own: LogId, kept: LogId) -> str:
    """Why the log ``source`` is not read: ``kept`` is another copy of it, or its retry."""
    if own.key == kept.key or own.task_id != kept.task_id:
        return (
            f"{source}: the same Inspect log as {kept.name} (same eval id or name, saved"
            " twice), read once from there"
        )
    return f"{source}: retried as {kept.name} ({_retried(own)}), read from there"


def _retried(own: LogId) -> str:
    """Why a log is read from its retry (same task id) instead of itself."""
    status = f"status '{own.status}'" if own.status else "unfinished"
    return (
        f"same task id, {status} here; a retry keeps the samples this log completed and runs"
        " the others again"
    )


def _started(log: LogId) -> float:
    """When the log's run started (``eval.created``, ISO 8601), as a timestamp; 0 if unknown."""
    try:
        return datetime.fromisoformat(log.created).timestamp()
    except (ValueError, OverflowError, OSError):
        return 0.0


def _rank(log: LogId) -> tuple[bool, int, float, bool, str]:
    """Which copy of one log to read: a finished one, the most samples, the latest (a retry),
    the .eval, then by name."""
    return (
        log.status != SUCCESS,
        -log.completed,
        -_started(log),
        not log.name.endswith(".eval"),
        log.name,
    )


def place_in_folder(path: Path, own: LogId) -> LogId | None:
    """The copy of this log that is read instead of this one (None: this one is read)."""
    try:
        logs = [log for log in _folder_logs(path.parent) if log.name != own.name] + [own]
    except OSError:
        return None
    copies = sorted((log for log in logs if _same_log(log, own)), key=_rank)
    return copies[0] if copies[0].name != own.name else None


def _text(value: Any) -> str:
    """Message content: a string, or content parts (``{"type": "text", "text": …}``), their
    texts one a line as Inspect's ``ChatMessage.text`` joins them (``ModelOutput.completion``
    too): a question split around an image was read as one run-on line."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(
            (stringify(p.get("text")) or "") if isinstance(p, dict) else stringify(p) or ""
            for p in value
            if not isinstance(p, dict) or p.get("text") is not None
        )
    return stringify(value) or ""


#: Content parts that hold no text (``ContentImage``, ``ContentAudio``, ``ContentVideo``,
#: ``ContentDocument``): a prompt shows its text alone, and a note says what it left out.
MEDIA_PARTS = ("image", "audio", "video", "document")


def _media(value: Any) -> dict[str, int]:
    """The media parts (:data:`MEDIA_PARTS`) of a sample's ``input`` messages, by kind."""
    found: dict[str, int] = {}
    for message in value if isinstance(value, list) else ():
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else ():
            kind = part.get("type") if isinstance(part, dict) else None
            if kind in MEDIA_PARTS:
                found[kind] = found.get(kind, 0) + 1
    return found


def _input(value: Any) -> str:
    """A sample's ``input``: a string, or chat messages shown as
    :func:`~evaltui.data.formats.base.turns_text` shows turns (one user message is its text
    alone, as lm-eval's and OpenCompass' chat prompts are shown; more keep their roles)."""
    if isinstance(value, list):
        turns = [
            (stringify(m.get("role")) or "?", _text(m.get("content")))
            for m in value
            if isinstance(m, dict)
        ]
        return turns_text(turns, USER_ROLES) or ""
    return _text(value)


#: Where a generation came from when the sample's ``output`` holds no text (see _generation).
FROM_MESSAGES = "the last assistant message in its messages"
FROM_ANSWER = "the scorer's answer (the extracted answer, not the full model output)"
#: A reply whose only text is its reasoning (a reasoning model stopped at ``max_tokens`` while
#: thinking: ``[{"type": "reasoning", …}, {"type": "text", "text": ""}]``).
FROM_REASONING = "the model's reasoning (its reply holds no answer text)"


ATTACHMENT = "attachment://"


def _reasoning(message: dict[str, Any], attachments: Any, summaries: bool = True) -> str:
    """The readable reasoning parts of a message's content, as Inspect displays them: a
    ``redacted`` part's ``reasoning`` is encrypted, so its ``summary`` (when there is one); an
    ``attachment://<hash>`` reference read from the sample's ``attachments``. A log before
    ``ContentReasoning`` (Inspect ~0.3.5x-0.3.6x) holds it as the message's own ``reasoning``
    text, which Inspect reads as a first reasoning part (``ChatMessageAssistant.extract_reasoning``).
    Without ``summaries``, a redacted part is none (its summary is not what the model wrote)."""
    value = message.get("content")
    old = message.get("reasoning")
    parts = [{"type": "reasoning", "reasoning": old}] if isinstance(old, str) else []
    parts += value if isinstance(value, list) else []
    texts = []
    for part in parts:
        if not isinstance(part, dict) or part.get("type") != "reasoning":
            continue
        if part.get("redacted") and not summaries:
            continue
        text = part.get("summary") if part.get("redacted") else part.get("reasoning")
        if isinstance(text, str) and text.startswith(ATTACHMENT) and isinstance(attachments, dict):
            text = attachments.get(text.removeprefix(ATTACHMENT))
        if isinstance(text, str) and text.strip() and not text.startswith(ATTACHMENT):
            texts.append(text)
    return "\n\n".join(texts)


def _output_reasoning(sample: dict[str, Any]) -> str:
    """The reasoning of the model's reply (``output.choices[0].message``), "" when it has none:
    ``output.completion`` is its text alone (``ChatMessageAssistant.text``), while the model
    generated both, and Inspect's ``output_tokens`` count both. A redacted (encrypted) part is
    none: its summary is not the text the model generated, nor its length."""
    output = sample.get("output") or {}
    choices = output.get("choices") if isinstance(output, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    if not isinstance(message, dict):
        return ""
    return _reasoning(message, sample.get("attachments"), summaries=False)


def _generation(sample: dict[str, Any]) -> tuple[str, str | None]:
    """A sample's generation text, and where it came from when not from ``output`` (None).

    The model output is ``output.completion``, else ``output.choices[0].message.content``. A
    sample whose output is empty (an agent that answered through a tool call, a solver that
    wrote the output elsewhere) still holds the conversation in ``messages``: the last
    assistant message is the model's last reply. Failing that, the scorer's ``answer`` (the
    extracted answer) is the only text the model produced, shown as such rather than as an
    empty generation. A reply with reasoning and no text (a reasoning model cut at
    ``max_tokens`` while thinking) is that reasoning: all the model generated.
    """
    output = sample.get("output") or {}
    completion = output.get("completion")
    if isinstance(completion, str) and completion:
        return completion, None
    choices = output.get("choices") or []
    message = choices[0].get("message") if choices and isinstance(choices[0], dict) else None
    text = _text(message.get("content")) if isinstance(message, dict) else ""
    if text:
        return text, None
    # The model replied, with reasoning and no text: that reasoning is all it generated (its
    # length the model's), never an empty generation.
    thought = _reasoning(message, sample.get("attachments")) if isinstance(message, dict) else ""
    if thought:
        return thought, FROM_REASONING
    messages = sample.get("messages")
    for item in reversed(messages if isinstance(messages, list) else []):
        if isinstance(item, dict) and item.get("role") == "assistant":
            text = _text(item.get("content"))
            if text:
                return text, FROM_MESSAGES
            break  # the last reply is empty: an earlier one is not the output
    scores = sample.get("scores")
    for score in scores.values() if isinstance(scores, dict) else ():
        answer = score.get("answer") if isinstance(score, dict) else None
        if isinstance(answer, str) and answer.strip():
            return answer, FROM_ANSWER
    return "", None


def _choices_text(choices: Any) -> str:
    """A multiple-choice sample's options, as Inspect's ``multiple_choice()`` solver puts them
    under the question (``A) …``): the sample's ``input`` is the question alone and its
    ``target`` the letter, which names nothing without them. "" for other samples."""
    if not isinstance(choices, list) or not choices:
        return ""
    lines = []
    for index, choice in enumerate(choices):
        # as Inspect's answer_character() letters them
        letter = chr(ord("A") + index) if index < 26 else str(index - 25)
        lines.append(f"{letter}) {_text(choice)}")
    return "\n\n" + "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ScoreRef:
    """One score of a log, as its ``results.scores`` reports it: a scorer's value, or one key
    of a scorer's dict value (a scorer with a dict of metrics, one reported score per key)."""

    scorer: str
    key: str | None
    """The key of the scorer's dict value; None: the value itself (a dict's first key)."""
    name: str
    """The score's name, as the log's results name it (the key, else the scorer)."""


#: The name of a sample's one ``score`` (logs before 0.3) when its log reports no score.
OLD_SCORE = "score"


def _sample_scores(sample: Any, old_name: str = OLD_SCORE) -> dict[str, Any]:
    """A sample's ``scores`` (logs before 0.3: its one ``score``, named ``old_name``: see
    :func:`_old_score_name`), {} when it has none."""
    if not isinstance(sample, dict):
        return {}
    scores = sample.get("scores")
    if scores is None and isinstance(sample.get("score"), dict):
        scores = {old_name: sample["score"]}
    return scores if isinstance(scores, dict) else {}


def _old_score_name(header: dict[str, Any]) -> str:
    """The name Inspect gives a sample's one ``score`` of a log before 0.3: its results' first
    score's (``EvalLog.populate_scorer_name_for_samples``; such a log's ``results.scorer``),
    else ``score``."""
    reported = _reported(header)
    return reported[0].name if reported else OLD_SCORE


def _reported(header: dict[str, Any]) -> list[ScoreRef]:
    """The scores the log's header reports (``results.scores``: one per scorer, or one per key
    of a scorer's dict value), in its order; several reducers of one score are one score.
    A log before 0.3 reports its one scorer as ``results.scorer`` (its name, its metrics beside),
    which Inspect reads as the one score (``EvalResults.convert_scorer_to_scorers``)."""
    results = _plain(header.get("results"))
    entries = _plain(results.get("scores")) if isinstance(results, dict) else None
    if entries is None and isinstance(results, dict) and isinstance(results.get("scorer"), dict):
        entries = [results["scorer"]]
    refs: dict[tuple[str, str | None], ScoreRef] = {}
    for entry in entries if isinstance(entries, list) else ():
        entry = _plain(entry)
        name = _plain(entry.get("name")) if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            continue
        scorer = _plain(entry.get("scorer"))
        scorer = scorer if isinstance(scorer, str) and scorer else name
        key = None if name == scorer else name
        refs.setdefault((scorer, key), ScoreRef(scorer, key, name))
    return list(refs.values())


def _named_scores(runs: Sequence[str]) -> list[str]:
    """The score names in run labels of several scores (``model · winrate``, ``model ·
    winrate_divided_by_optimal``: what follows the last separator); [] for a run whose label
    names no score. One run of them exported alone names its score too: ``model ·
    winrate_divided_by_optimal`` read back by the dict's first key had winrate's scores under
    its label (explore36); a name the samples lack names no score (:func:`_refs_named`)."""
    if not runs or not all(PART_SEPARATOR in run for run in runs):
        return []
    return list(dict.fromkeys(run.rsplit(PART_SEPARATOR, 1)[1] for run in runs))


def _refs_named(names: Sequence[str], keys: dict[str, list[str]]) -> list[ScoreRef]:
    """The scores ``names`` (see :func:`_named_scores`) among the samples' scorers and their dict
    values' ``keys``: a scorer's name, a key of one scorer's dict (``scorer/key`` when told apart
    by the scorer); [] unless every name is found, once."""
    refs: list[ScoreRef] = []
    for name in names:
        scorer, _slash, key = name.partition("/")
        if name in keys:
            refs.append(ScoreRef(name, None, name))
        elif key and key in keys.get(scorer, ()):
            refs.append(ScoreRef(scorer, key, name))
        else:
            holders = [s for s, ks in keys.items() if name in ks]
            if len(holders) != 1:
                return []
            refs.append(ScoreRef(holders[0], name, name))
    return refs


def score_refs(
    header: dict[str, Any], samples: Iterable[Any], named: Sequence[str] = ()
) -> list[ScoreRef]:
    """The scores a log's samples are read by, one run each when there are several.

    Those the header's ``results.scores`` reports, of the scorers the samples hold (a dict value
    by the keys reported: the published sus-www logs report winrate, not winrate_low); then any
    scorer of the samples the header does not report (no header: samples read back from their
    JSON lines; a log still running), by its value, or a dict value's first key. Samples without
    the header's report (read back from an export) are read by the scores ``named`` (the names
    the original load's runs carry, :func:`_named_scores`) when the samples hold them all."""
    found: dict[str, str | None] = {}  # scorer -> a dict value's first key, in order
    keys: dict[str, list[str]] = {}  # scorer -> its dict value's keys, in order
    old_name = _old_score_name(header)
    for sample in samples:
        if isinstance(sample, Unreadable):
            continue  # its own error, where its row would be
        for scorer, entry in _sample_scores(sample, old_name).items():
            value = entry.get("value") if isinstance(entry, dict) else None
            seen = keys.setdefault(str(scorer), [])
            if isinstance(value, dict):
                seen += [str(key) for key in value if str(key) not in seen]
            if str(scorer) in found:
                continue
            found[str(scorer)] = (
                str(next(iter(value))) if isinstance(value, dict) and value else None
            )
    reported = [ref for ref in _reported(header) if ref.scorer in found]
    if not reported and named:
        reported = _refs_named(named, keys)
    covered = {ref.scorer for ref in reported}
    refs = reported + [
        ScoreRef(scorer, key, key or scorer)
        for scorer, key in found.items()
        if scorer not in covered
    ]
    names = [ref.name for ref in refs]
    # Two scores of one name (a dict key named like another scorer): told apart by their scorer.
    return [
        ScoreRef(ref.scorer, ref.key, f"{ref.scorer}/{ref.name}")
        if names.count(ref.name) > 1 and ref.key is not None
        else ref
        for ref in refs
    ]


def _score(
    scores: dict[str, Any], ref: ScoreRef | None
) -> tuple[float | None, str | None, str | None, Any]:
    """The score ``ref`` names as a number, its scorer's extracted answer, why a value is no
    score, and the raw value.

    The third item is the offending value, shown (``repr``) when a present value is none of the
    documented kinds (C/I/P/N, a boolean, yes/no, a number): Inspect allows any string, a list
    or a dict, and such a sample is left unscored -- with a note, never silently.
    """
    entry = scores.get(ref.scorer) if ref is not None else None
    if not isinstance(entry, dict):
        return None, None, None, None
    value = entry.get("value")
    if isinstance(value, dict) and value:
        value = (
            value.get(ref.key)
            if ref is not None and ref.key is not None
            else next(iter(value.values()))
        )
    score, unusable = _value_to_float(value)
    return score, stringify(entry.get("answer")) or None, unusable, value


#: A sample's limits (EvalSampleLimit.type) that cut its generation short: its length cap.
LENGTH_LIMITS = frozenset({"token", "context"})
#: The archive member of a log's reduced scores (a .json log: its ``reductions``).
REDUCTIONS = "reductions.json"
#: An Inspect log archive's names: ``.eval``, and ``.eval2`` (``eval2/format.py``'s
#: ``EVAL2_LOG_FILE_EXTENSION``: the same zip, each sample chunked, see :func:`_chunked_sample`).
ARCHIVES = (".eval", ".eval2")
#: Inspect's default epochs reducer: a reduction that names none is the mean (eval_results).
MEAN_REDUCER = "mean"
#: The note naming a score's epochs reducer reads "<source>: <score>: " REDUCED_BY " <reducer> (…",
#: for people; a re-score learns the reducer from ``ReadResult.reducers``.
REDUCED_BY = "Inspect reduced each sample's epochs to one score by"


@dataclass(frozen=True, slots=True)
class Reduction:
    """A scorer's scores as Inspect reduced each sample's epochs to one, by a reducer other than
    the mean (``epochs_reducer``: max, median, mode, at_least_k, pass_at_k, a custom one). Its
    metrics are computed over these, so they are the per-sample score Inspect reports."""

    reducer: str
    values: dict[str, Any]
    """str(sample id) -> the reduced value, as the log holds it (a dict for a dict score)."""
    others: tuple[str, ...]
    """The scorer's other reducers (the mean among them, when the task asked for it too)."""


def _reductions(header: dict[str, Any]) -> tuple[dict[str, Reduction], dict[str, tuple[str, ...]]]:
    """Per scorer, its reduction by the task's first epochs reducer when that is not the mean,
    from the log's ``reductions`` (EvalSampleReductions: scorer, reducer, samples with their
    sample_id; eval_results writes one per reducer in the task's order, and its first is the
    first of ``results.scores``, the score Inspect's results lead with). A reduction
    without a reducer is the default mean: the mean of the epochs' own scores, which the samples
    already give (average_accuracy), so none is read. Second, per scorer whose first reducer is
    the mean, its other reducers (``Epochs(n, ["mean", "max"])``: max), which are not read.
    A log written before Inspect moved them there (0.3.4x and earlier) holds them in
    ``results.sample_reductions``, where Inspect's own reading takes them from
    (``EvalLog.resolve_sample_reductions``)."""
    entries = _plain(header.get("reductions"))
    results = _plain(header.get("results"))
    if "reductions" not in header and isinstance(results, dict):
        entries = _plain(results.get("sample_reductions"))
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    named: dict[str, list[str]] = {}
    for entry in entries if isinstance(entries, list) else ():
        entry = _plain(entry)
        scorer = _plain(entry.get("scorer")) if isinstance(entry, dict) else None
        if not isinstance(scorer, str) or not scorer:
            continue
        reducer = _plain(entry.get("reducer"))
        reducer = reducer if isinstance(reducer, str) and reducer else MEAN_REDUCER
        first = scorer not in named
        named.setdefault(scorer, []).append(reducer)
        if reducer == MEAN_REDUCER or not first:
            continue
        values: dict[str, Any] = {}
        items = _plain(entry.get("samples"))
        for item in items if isinstance(items, list) else ():
            item = _plain(item)
            if isinstance(item, dict) and item.get("sample_id") is not None:
                values[str(_plain(item["sample_id"]))] = _plain(item.get("value"))
        found[scorer] = (reducer, values)
    reduced = {
        scorer: Reduction(reducer, values, tuple(r for r in named[scorer] if r != reducer))
        for scorer, (reducer, values) in found.items()
    }
    beside_mean = {
        scorer: tuple(dict.fromkeys(r for r in reducers if r != MEAN_REDUCER))
        for scorer, reducers in named.items()
        if scorer not in found and any(r != MEAN_REDUCER for r in reducers)
    }
    return reduced, beside_mean


def _reduced_score(reduction: Reduction | None, ref: ScoreRef | None, sample_id: Any) -> Any:
    """The score ``ref`` names in the reduced value of ``sample_id`` (None when unreduced)."""
    if reduction is None or ref is None or str(sample_id) not in reduction.values:
        return None
    value = reduction.values[str(sample_id)]
    if isinstance(value, dict) and value:
        value = value.get(ref.key) if ref.key is not None else next(iter(value.values()))
    return _value_to_float(value)[0]


def _value_to_float(value: Any) -> tuple[float | None, str | None]:
    """A score value as Inspect's ``value_to_float`` reads it, and the value shown in a note
    when it is no score: ``C``/``I``/``P``/``N`` exactly (1, 0, 0.5, 0), a number or boolean,
    a string ``yes``/``true``/``no``/``false`` in any case or a finite number. Inspect counts
    anything else 0 with a warning ("Unable to convert value to float": a lowercase ``c``, a
    choice letter, ``pass``); evaltui leaves it unscored and says so, rather than a verdict the
    scorer never gave. NaN is ``Score.unscored()``'s value, which Inspect's metrics and
    reducers skip: unscored too (None, nothing shown)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return float(value), None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None, _shown_value(value)
        return (None if math.isnan(number) else number), None
    if isinstance(value, str):
        if value in LETTER_SCORES:
            return LETTER_SCORES[value], None
        lowered = value.strip().lower()
        if lowered in ("yes", "true"):
            return 1.0, None
        if lowered in ("no", "false"):
            return 0.0, None
        try:
            number = float(lowered)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number, None
    return None, _shown_value(value)


def _left_out(scores: dict[str, Any], refs: Sequence[ScoreRef]) -> list[str]:
    """The keys of the sample's dict values that no score of ``refs`` reads."""
    read: dict[str, set[str] | None] = {}
    for ref in refs:
        keys = read.setdefault(ref.scorer, set())
        if keys is not None:
            if ref.key is None:
                read[ref.scorer] = None  # the first key, whatever it is
            else:
                keys.add(ref.key)
    out = []
    for scorer, entry in scores.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(value, dict) or str(scorer) not in read:
            continue
        keys = read[str(scorer)]
        names = [str(key) for key in value]
        out += names[1:] if keys is None else [n for n in names if n not in keys]
    return out


def _shown_value(value: Any) -> str:
    """A score value for a note: its repr, cut to a readable length."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


#: The start of an EvalSample written as one JSON line (fields in Inspect's order).
SAMPLE_LINE_START = re.compile(
    r'\{\s*"id"\s*:\s*(?:-?\d+|"(?:[^"\\]|\\.)*")\s*,\s*"epoch"\s*:\s*\d+\s*,\s*"input"\s*:'
)


def _is_sample(record: dict[str, Any]) -> bool:
    """An EvalSample (``src/inspect_ai/log/_log.py``) on a line of its own: its id, epoch, input
    and target, and what the model did (``messages`` or ``output``) -- or an EvalSampleSummary
    (a records export of a log read from its summaries): its ``scores`` and ``model_usage``."""
    return {"id", "epoch", "input", "target"} <= record.keys() and (
        "messages" in record or "output" in record or {"scores", "model_usage"} <= record.keys()
    )


def _is_summary(name: str, sample: Any) -> bool:
    """Whether a sample of :meth:`InspectReader._load` is a summary, which holds no output: read
    from an archive's summaries, or a line of neither ``output`` nor ``messages`` (every
    EvalSample has both)."""
    return is_summary(name) or (
        isinstance(sample, dict)
        and not isinstance(sample, Unreadable)
        and "output" not in sample
        and "messages" not in sample
    )


def _sample_model(samples: list[tuple[str, Any]]) -> str | None:
    """The model named by the first sample output that names one (``output.model``), else by
    a summary's ``model_usage`` of one model."""
    for _name, sample in samples:
        output = sample.get("output") if isinstance(sample, dict) else None
        model = output.get("model") if isinstance(output, dict) else None
        if isinstance(model, str) and model:
            return model
    for _name, sample in samples:
        usage = sample.get("model_usage") if isinstance(sample, dict) else None
        if isinstance(usage, dict) and len(usage) == 1:
            return str(next(iter(usage)))
    return None


def _error_message(error: Any) -> str:
    """An EvalError's message (one line of it), or the value as text."""
    message = _plain(error.get("message")) if isinstance(error, dict) else error
    text = stringify(message) or "unknown error"
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


#: Why a sample read from its summary holds no answer to re-score (rows' ``answer_unknown``): the
#: summary has the scorer's verdict and answer, not the output a scorer would read again.
SUMMARY_ONLY = (
    "only the sample's summary is in the log, not its output: the scorer's verdict and answer"
    " are shown; exact and math-verify re-score that answer, a scorer of your own has no text"
    " to read"
)


#: The sample summaries of an .eval archive: written whole when the log ends; in parts, one per
#: flush, while it runs (``_journal/summaries/<n>.json``).
SUMMARIES = "summaries.json"
JOURNAL_SUMMARIES = re.compile(r"^_journal/summaries/(\d+)\.json$")
#: A member is named by its sample's id, any string (DOTALL: an id with a newline's chunks
#: were read as samples without an id).
SAMPLE_MEMBER = re.compile(r"^samples/(.+)_epoch_(\d+)(?:\.json|/sample\.json)$", re.DOTALL)
#: A chunked sample's shell (log version 3, ``inspect log convert``'s chunked samples): the
#: EvalSample without its messages, events, attachments and metadata, which are members beside
#: it under ``samples/<id>_epoch_<n>/`` (``messages/<first index>.json``, …, ``metadata.json``).
CHUNKED_SHELL = "/sample.json"
CHUNKED_PREFIX = re.compile(r"^samples/.+_epoch_\d+$", re.DOTALL)
#: A chunked sample's reference to its attachments sequence: the whole string, by index.
ATTACHMENT_INDEX = re.compile(r"attachment://(\d+)")


def _chunk_members(names: Iterable[str]) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """The archive's samples, each by the member that holds it (a monolith's own member, a
    chunked sample's shell), in name order; and each chunked sample's other members, by its
    prefix and then by their folder (``messages``, ``attachments``, …; ``""`` for its own
    files). Only a member under a shell's folder is a chunk: a monolith sample whose id holds
    a '/' is still a sample."""
    names = sorted(n for n in names if n.startswith("samples/") and n.endswith(".json"))
    # (a monolith's name ends in its epoch's digits and .json, never in /sample.json)
    prefixes = {
        n.removesuffix(CHUNKED_SHELL)
        for n in names
        if n.endswith(CHUNKED_SHELL) and CHUNKED_PREFIX.match(n.removesuffix(CHUNKED_SHELL))
    }
    samples: list[str] = []
    chunks: dict[str, dict[str, list[str]]] = {prefix: {} for prefix in prefixes}
    for name in names:
        cut = name.find("/", len("samples/"))
        while cut != -1 and name[:cut] not in prefixes:
            cut = name.find("/", cut + 1)
        if cut == -1:
            samples.append(name)  # a monolith sample
        elif name == name[:cut] + CHUNKED_SHELL:
            samples.append(name)
        else:
            folder = name[cut + 1 :].rpartition("/")[0]
            chunks[name[:cut]].setdefault(folder, []).append(name)
    return samples, chunks


def _chunked_sample(
    archive: zipfile.ZipFile,
    path: Path,
    infos: dict[str, zipfile.ZipInfo],
    shell_name: str,
    members: dict[str, list[str]],
) -> Any:
    """A chunked sample read back as the EvalSample its monolith holds (``chunked/read.py``):
    its shell, its final conversation expanded from ``message_refs`` (``[start, end)`` ranges
    into the messages sequence, read from the chunks that hold them), its metadata, and the
    ``attachment://<index>`` references of its input, messages and output replaced by the text
    they stand for (an image's data stays a reference). Raises :class:`EntryError` when a
    reference points nowhere."""
    prefix = shell_name.removesuffix(CHUNKED_SHELL)
    sample = _member_json(archive, path, infos[shell_name])
    if not isinstance(sample, dict) or isinstance(sample, Unreadable):
        return sample

    def sequence(folder: str) -> list[tuple[int, str]]:
        """The folder's chunks as (first index, member), in order."""
        found = []
        for name in members.get(folder, ()):
            stem = name.rpartition("/")[2].removesuffix(".json")
            if stem.isdigit():
                found.append((int(stem), name))
        return sorted(found)

    loaded: dict[str, list[Any]] = {}

    def item(chunks: list[tuple[int, str]], index: int, what: str) -> Any:
        # the chunk holding an index: the one of the greatest start <= index
        at = bisect.bisect_right(chunks, index, key=lambda chunk: chunk[0]) - 1
        items: list[Any] = []
        if at >= 0:
            start, member = chunks[at]
            if member not in loaded:
                chunk = _member_json(archive, path, infos[member])
                loaded[member] = chunk if isinstance(chunk, list) else []
            items, index = loaded[member], index - start
        if at < 0 or not 0 <= index < len(items):
            raise EntryError(
                f"{what} {index if at < 0 else index + start} is in none of the sample's"
                f" {name_line(prefix)}/{what}s/ chunks"
            )
        return items[index]

    refs = sample.pop("message_refs", None)
    sample.pop("sequences", None)
    if isinstance(refs, list):
        pool = sequence("messages")
        sample["messages"] = [
            item(pool, index, "message")
            for ref in refs
            if isinstance(ref, list) and len(ref) == 2
            for index in range(int(ref[0]), int(ref[1]))
        ]
    metadata = f"{prefix}/metadata.json"
    if metadata in infos:
        sample["metadata"] = _member_json(archive, path, infos[metadata])
    attachments = sequence("attachments")

    def resolve(value: Any) -> Any:
        if isinstance(value, str):
            found = ATTACHMENT_INDEX.fullmatch(value)
            if found is None:
                return value
            text = item(attachments, int(found.group(1)), "attachment")
            return value if not isinstance(text, str) or text.startswith("data:") else text
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    for field in ("input", "messages", "output"):
        if field in sample:
            sample[field] = resolve(sample[field])
    return sample


def is_summary(name: str) -> bool:
    """Whether a sample of :meth:`InspectReader._load` is a summary (no sample member)."""
    return name.startswith((SUMMARIES, "_journal/summaries/"))


def _total_samples(header: Any) -> float:
    """The samples the log's results count (``results.total_samples``: dataset samples times
    epochs); infinity when it does not say (a log still running has no results). An archive
    holding that many sample members has no summary to read for a missing one (a large log's
    summaries.json is not parsed for nothing)."""
    results = _plain(header.get("results")) if isinstance(header, dict) else None
    total = _plain(results.get("total_samples")) if isinstance(results, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else math.inf


def _sample_key(sample: dict[str, Any]) -> tuple[str, int]:
    """A sample's (id, epoch), as a sample and its summary both give them."""
    epoch = sample.get("epoch")
    return stringify(sample["id"]) or "", epoch if isinstance(epoch, int) else 1


def _summaries_without_samples(
    archive: zipfile.ZipFile,
    path: Path,
    infos: dict[str, zipfile.ZipInfo],
    samples: list[tuple[str, Any]],
    errors: list[LoadError],
    source: str,
) -> list[tuple[str, Any]]:
    """The sample summaries (EvalSampleSummary: id, epoch, input, choices, target, scores,
    error, limit, …; no output) of the samples the archive holds no ``samples/`` member of: a
    log written with ``--no-log-samples``, or whose sample members were taken out, keeps its
    summaries, the only per-sample record left. Each is named ``<member>[<index>]``. A sample
    summarised twice (requeued and run again: its superseded attempt first) is its last row,
    as Inspect keeps it."""
    members = [SUMMARIES] if SUMMARIES in infos else []
    if not members:
        parts = [(int(m.group(1)), n) for n in infos if (m := JOURNAL_SUMMARIES.match(n))]
        members = [name for _number, name in sorted(parts)]
    have: set[tuple[str, int]] = set()
    for name, sample in samples:
        # the sample's own id and epoch (a member's name may spell an id otherwise), else
        # the name's (an unreadable member still holds that sample)
        if isinstance(sample, dict) and not isinstance(sample, Unreadable) and "id" in sample:
            have.add(_sample_key(sample))
        elif found := SAMPLE_MEMBER.match(name):
            have.add((found.group(1), int(found.group(2))))
    # (id, epoch) -> its place in ``out``: a sample summarised twice (requeued and run again)
    # is its last row, the current one, as Inspect reads them (_dedupe_summaries)
    placed: dict[tuple[str, int], int] = {}
    out: list[tuple[str, Any]] = []
    for member in members:
        try:
            data = _member_json(archive, path, infos[member])
        except Exception as exc:  # the samples read stay read
            errors.append(LoadError(source, None, f"{member} unreadable, ignored: {exc}"))
            continue
        if not isinstance(data, list):
            errors.append(LoadError(source, None, f"{member} is not a list of sample summaries"))
            continue
        for index, summary in enumerate(data):
            entry = (f"{member}[{index}]", summary)
            if (
                isinstance(summary, dict)
                and not isinstance(summary, Unreadable)
                and "id" in summary
            ):
                key = _sample_key(summary)
                if key in have:
                    continue  # its sample member holds all of it
                if key in placed:
                    out[placed[key]] = entry  # its earlier attempt, superseded
                    continue
                placed[key] = len(out)
            out.append(entry)
    return out


_SPACE = re.compile(r"[ \t\n\r]*")


def _cut_log(path: Path) -> tuple[dict[str, Any], list[Any]] | None:
    """A JSON log cut off while it was written, read as far as it goes: its header fields and
    the samples whole before the cut. Inspect rewrites a .json log whole, in place, at each
    flush (JSONRecorder.write_log): a run killed then, or a copy taken then, leaves the file
    cut. None when the text is no log's start, the cut comes inside its ``eval`` header (whose
    run it is, unknown), or the file breaks before its end (bad syntax, not a cut)."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return None
    if not JSON_LOG_START.match(text):
        return None
    header: dict[str, Any] = {}
    samples: list[Any] = []

    def space(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]

    def whole(at: int) -> tuple[Any, int]:
        """The value at ``at`` and its end; IndexError when the text ends inside it."""
        try:
            end = value_end(text, at)
        except json.JSONDecodeError:
            raise IndexError from None  # unterminated: the cut
        if end >= len(text):
            raise IndexError  # a number or word the cut may have shortened
        return parse_tolerant(text[at:end]), end

    pos = text.index("{") + 1
    try:
        while True:
            pos = space(pos)
            if text[pos] == ",":
                pos = space(pos + 1)
            if text[pos] == "}":
                return None  # the log is whole: its error is no cut
            try:
                key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            except json.JSONDecodeError:
                raise IndexError from None  # a key the cut ends in
            pos = space(pos)
            if text[pos] != ":":
                return None
            pos = space(pos + 1)
            if key != "samples" or text[pos] != "[":
                header[key], pos = whole(pos)
                continue
            pos = space(pos + 1)
            while text[pos] != "]":  # the samples, each whole, up to the cut
                sample, pos = whole(pos)
                samples.append(sample)
                pos = space(pos)
                if text[pos] == ",":
                    pos = space(pos + 1)
            pos += 1
    except IndexError:
        pass  # the cut
    except (json.JSONDecodeError, ValueError, RecursionError):
        return None  # bad syntax before the end: no cut
    return (header, samples) if isinstance(header.get("eval"), dict) else None


def _at_members(errors: Sequence[LoadError], names: Sequence[str]) -> list[LoadError]:
    """An archive's entry errors told by the member that holds the entry (``samples/3_epoch_1.json``,
    or a summary's ``summaries.json[2]``), with no line: a zip has no lines, and the entry's
    place among the archive's samples (what the loop numbers it by, and its rows keep for the
    records export) was shown as one (``x.eval:5``), which no tool a user has can open."""
    told: list[LoadError] = []
    for error in errors:
        number = error.line
        if number is None or not 0 < number <= len(names):
            told.append(error)
            continue
        name = names[number - 1]
        # a member's own failure already starts with its name ('… expands to more than …');
        # a member is named by a sample's id, any string: its newlines shown (␊), as a file's
        reason = (
            error.reason if error.reason.startswith(name) else f"{name_line(name)}: {error.reason}"
        )
        told.append(LoadError(error.source, None, reason))
    return told


class InspectReader(Reader):
    name = "inspect"
    own_answers = True
    description = (
        "Inspect AI logs (.eval/.eval2 zip archives, zstd or deflate; .json with inline samples;"
        " .jsonl of samples, as evaltui exports their records)"
    )
    extensions = (*ARCHIVES, ".json", ".jsonl")

    def sniff(self, path: Path, head: bytes) -> int:
        if head.startswith(b"PK\x03\x04") and (b"header.json" in head or path.suffix in ARCHIVES):
            return 95
        if path.suffix.lower() == ".jsonl":
            first = first_record(head)
            if first is not None:
                return 92 if _is_sample(first) else 0
            # A first sample longer than the head (its events, a long conversation): judged by
            # how a sample starts, its id, epoch and input, in Inspect's order.
            text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
            return 80 if SAMPLE_LINE_START.match(text) else 0
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        # A log starts with its version; an eval set's logs.json (file name -> header) is not one.
        if (
            (
                JSON_LOG_START.match(text)
                or (text.startswith("{") and not LOGS_INDEX_START.match(text))
            )
            and '"eval"' in text
            and ('"samples"' in text or '"plan"' in text)
            and '"status"' in text
        ):
            return 90
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if path.name == ".eval-set-id":  # an eval set's id, when named directly
            return True
        if path.name == "logs.json":  # an eval set's index of its logs' headers
            return bool(LOGS_INDEX_START.match(text)) or text.startswith("{}")
        return path.name == "eval-set.json" and '"eval_set_id"' in text

    def _load(
        self, path: Path, source: str
    ) -> tuple[dict[str, Any], list[tuple[str, Any]], list[LoadError]]:
        """(eval header, [(member or index, sample)], errors)."""
        errors: list[LoadError] = []
        with path.open("rb") as handle:
            magic = handle.read(4)
        if path.suffix in ARCHIVES or magic == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(path) as archive:
                    infos = {i.filename: i for i in archive.infolist()}
                    # header.json is written when the log ends; start.json while it runs
                    member = next(
                        (m for m in ("header.json", "_journal/start.json") if m in infos), None
                    )
                    header: Any = {}
                    if member is not None:
                        try:
                            header = _member_json(archive, path, infos[member], tolerant=True)
                        except Exception as exc:  # the samples are still worth reading
                            errors.append(
                                LoadError(source, None, f"{member} unreadable, ignored: {exc}")
                            )
                        if member != "header.json" and isinstance(header, dict):
                            # start.json (LogStart: version, eval, plan) has no status: the log
                            # has not ended, which Inspect reads as status "started".
                            header.setdefault("status", "started")
                    samples: list[tuple[str, Any]] = []
                    names, chunks = _chunk_members(infos)
                    for name in names:
                        try:
                            prefix = name.removesuffix(CHUNKED_SHELL)
                            if prefix in chunks:
                                sample = _chunked_sample(archive, path, infos, name, chunks[prefix])
                            else:
                                sample = _member_json(archive, path, infos[name])
                        except EntryError as exc:
                            sample = Unreadable(str(exc))
                        except Exception as exc:  # corrupt member: its entry's error, in place
                            sample = Unreadable(f"{name}: unreadable ({exc})")
                        samples.append((name, sample))
                    if len(samples) < _total_samples(header):
                        samples += _summaries_without_samples(
                            archive, path, infos, samples, errors, source
                        )
                    if REDUCTIONS in infos and isinstance(header, dict):
                        # The samples' scores reduced over their epochs (a .json log holds
                        # them inline, as ``reductions``): read as the header's.
                        try:
                            header["reductions"] = _member_json(
                                archive, path, infos[REDUCTIONS], tolerant=True
                            )
                        except Exception as exc:  # the samples' own scores still read
                            errors.append(
                                LoadError(source, None, f"{REDUCTIONS} unreadable, ignored: {exc}")
                            )
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                return (
                    {},
                    [],
                    [LoadError(source, None, f"not a readable .eval archive (truncated?): {exc}")],
                )
            return header if isinstance(header, dict) else {}, samples, errors
        if path.suffix.lower() == ".jsonl":
            # One EvalSample per line (a records export of a log): no header, each sample named
            # by its line number and byte offset, "<line>:<offset>".
            parsed, line_errors, _notes = parse_json_lines(path, source)
            return {}, [(f"{no}:{offset}", value) for no, offset, value in parsed], line_errors
        data, error = json_document(path, source)
        if error is not None:
            cut = _cut_log(path) if error.reason.startswith("not valid JSON") else None
            if cut is None:
                return {}, [], [error]
            header, whole = cut
            read = (
                f"the {plural(len(whole), 'sample')} before it {'is' if len(whole) == 1 else 'are'}"
                " read, none after"
                if whole
                else "no sample is read"
            )
            reason = (
                "not valid JSON (cut short: still being written? Inspect rewrites a .json log"
                f" whole at each flush, and a run killed then leaves it cut): {read}"
            )
            errors.append(LoadError(source, error.line, reason))
            return header, [(str(i), s) for i, s in enumerate(whole)], errors
        if (
            isinstance(data, dict)
            and data.get("samples") is None
            and isinstance(data.get("eval"), dict)
        ):
            # A log that ended before any sample (cancelled, errored, still starting) has no
            # ``samples`` at all: its status says why (see _status_notes), it is not a bad line.
            return data, [], errors
        if not isinstance(data, dict) or not isinstance(data.get("samples"), list):
            return {}, [], [LoadError(source, None, "Inspect log without samples")]
        return data, [(str(i), s) for i, s in enumerate(data["samples"])], errors

    def companions(self, path: Path) -> tuple[Path, ...]:
        """The other copies of this log in its folder: its rows depend on them alone (which copy
        is read, :func:`place_in_folder`). A copy added, removed or renamed changes the list,
        one rewritten in place its version. Not the folder: another log written there changes
        no row of this one (runs of one task told apart are relabelled, not read again), and
        with it every log of a folder was read again (following) or missed the cache whenever
        a new log appeared."""
        own = self._own_id(path)
        if own is None:
            return ()
        return tuple(
            path.parent / log.name
            for log in _folder_logs(path.parent)
            if log.name != own.name and _same_log(log, own)
        )

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        return self.read_records(path, source, options, None)

    def read_records(
        self,
        path: Path,
        source: str,
        options: ReadOptions,
        lines: Sequence[int] | None,
        task: str | None = None,
        runs: Sequence[str] = (),
    ) -> ReadResult:
        """:meth:`read`; samples read back from an export without their log's header take their
        task from ``task`` (the manifest's), else from the file's name: a task named
        ``suite/task`` cannot be a file name (its copy was named ``suite_task``); ``runs``, the
        runs the original load named (the manifest's), say which scores the log's header
        reported (a dict score's keys: one run each), which the samples alone do not."""
        given_task = task
        own = self._own_id(path)
        duplicate = place_in_folder(path, own) if own is not None else None
        if own is not None and duplicate is not None:
            return ReadResult(Rows().frame(), [], [_copy_note(source, own, duplicate)])
        header, samples, errors = self._load(path, source)
        try:
            model, task = self._model_and_task(header)
        except EntryError as exc:
            # What the run is called, or which task its prompts belong to, is unknowable:
            # one clear error for the file rather than rows under a made-up name.
            reason = f"Inspect log not read: {exc}"
            return ReadResult(Rows().frame(), [*errors, LoadError(source, None, reason)])
        # Samples without their log's header (JSON lines): the model that answered is in each
        # sample's output.
        model = model or _sample_model(samples)
        run = options.label or model or named(path, options).parent.name
        task = task or given_task or path.stem
        notes = self._status_notes(header, source, len(samples))
        rows = Rows()
        fallbacks: dict[str, int] = {}  # where generations without model output came from
        with_reasoning = 0  # samples shown as their reasoning, a line break and their text
        other_choices: dict[int, int] = {}  # choices a sample's output holds -> samples
        unscored: dict[str, set[int]] = {}  # score values that are no score -> samples
        partial: dict[str, int] = {}  # score name -> its P values
        not_scored: dict[str, int] = {}  # score name -> its NaN values (Score.unscored())
        left_out: dict[str, None] = {}  # the names of the scores not read
        reductions, beside_mean = _reductions(header)
        old_name = _old_score_name(header)  # a sample's one ``score`` (logs before 0.3)
        limits: dict[str, int] = {}  # limit type -> samples it halted
        media: dict[str, int] = {}  # media part kind (image, …) in inputs -> parts
        invalid = 0  # sample records invalidated after the run
        invalid_by: dict[str, None] = {}  # their provenance: "author: reason"
        with_media = 0  # samples whose input holds media parts, not shown
        errored_scored = 0  # samples that errored and were scored all the same
        summarised: dict[str, int] = {}  # summaries member -> samples read from it alone
        running = 0  # summaries of samples not completed
        info = _plain(header.get("eval"))
        config = _plain(info.get("config")) if isinstance(info, dict) else None
        score_on_error = isinstance(config, dict) and _plain(config.get("score_on_error")) is True
        reduced: dict[str, int] = {}  # score name -> samples given their reduced score
        found = score_refs(header, (s for _n, s in samples), _named_scores(runs))
        refs: list[ScoreRef | None] = list(found) or [None]
        # Several scores: one run each, as lm-eval's filters are (``model · match``).
        labels = [
            run if ref is None or len(refs) == 1 else f"{run}{PART_SEPARATOR}{ref.name}"
            for ref in refs
        ]
        json_lines = path.suffix.lower() == ".jsonl"
        # A .json log's samples are numbered here (an archive's by member, a JSON line's by its
        # line); their errors are told at the line each starts on when the loop is done.
        document = not json_lines and all(name.isdecimal() for name, _sample in samples)
        before = len(errors)
        for index, (name, sample) in enumerate(samples, start=1):
            offset = None
            if json_lines:  # the file's own line numbers, and offsets to export the lines unchanged
                number, at = name.split(":")
                index, offset = int(number), int(at)
            if (
                _is_summary(name, sample)
                and isinstance(sample, dict)
                and not isinstance(sample, Unreadable)
                and sample.get("completed") is False
            ):
                # A summary of a sample still running when the log was written (no scores
                # yet): not a generation, and not a bad line either (a note counts them).
                running += 1
                continue
            with rows.entry(errors, source, index):
                if not isinstance(sample, dict) or "id" not in sample:
                    # an archive's entry is found by its member (a summary by its place in it)
                    where = f"{name}: " if name.endswith((".json", "]")) else ""
                    errors.append(LoadError(source, index, f"{where}sample without an id"))
                    continue
                if sample.get("error") and score_on_error and _sample_scores(sample, old_name):
                    # The sample failed and was scored all the same (the log's config says
                    # score_on_error): Inspect's metrics count its score, so it is a row, and a
                    # note says it errored. Without it an errored sample was never scored.
                    errored_scored += 1
                elif sample.get("error"):
                    # The sample failed (the model call or the solver raised): an error entry, not an
                    # empty generation that would count as unscored and 0 tokens.
                    errors.append(
                        LoadError(
                            source,
                            index,
                            f"sample {sample['id']} (epoch {sample.get('epoch') or 1}) errored: "
                            + _error_message(sample["error"]),
                        )
                    )
                    continue
                output = sample.get("output") or {}
                choices = output.get("choices") or []
                gen, origin = _generation(sample)
                no_text = None
                if _is_summary(name, sample):
                    no_text = SUMMARY_ONLY
                    # A summary holds no output: no text, rather than its scorer's answer
                    # shown as the model's (its length would be the answer's).
                    gen, origin = "", None
                    member = name.partition("[")[0] if is_summary(name) else ""
                    summarised[member] = summarised.get(member, 0) + 1
                if origin is not None:
                    fallbacks[origin] = fallbacks.get(origin, 0) + 1
                # A reply of reasoning and text: the generation shown (and counted in tokens)
                # is both, the text its scorer read (its answer, what a re-score scores).
                thought = _output_reasoning(sample) if origin is None and gen else ""
                shown = f"{thought}\n{gen}" if thought else gen
                with_reasoning += 1 if thought else 0
                if isinstance(choices, list) and len(choices) > 1 and origin is None:
                    other_choices[len(choices)] = other_choices.get(len(choices), 0) + 1
                scores = _sample_scores(sample, old_name)
                left_out.update(dict.fromkeys(_left_out(scores, [r for r in refs if r])))
                target = sample.get("target")
                # A list target is its acceptable answers (a str target is never parsed).
                aliases = (
                    list(dict.fromkeys(stringify(t) or "" for t in target))
                    if isinstance(target, list)
                    else None
                )
                prompt = _input(sample.get("input")) + _choices_text(sample.get("choices"))
                if in_input := _media(sample.get("input")):
                    with_media += 1
                    for media_kind, n in in_input.items():
                        media[media_kind] = media.get(media_kind, 0) + n
                stop = (
                    (choices[0] or {}).get("stop_reason")
                    if choices and isinstance(choices[0], dict)
                    else None
                )
                truncated = stop in {"max_tokens", "model_length"} if stop else None
                invalidation = sample.get("invalidation")
                if isinstance(invalidation, dict):
                    # Marked invalid after the run (inspect_ai.log.invalidate_samples, with
                    # its ProvenanceData): still in the log and its metrics, retried by an
                    # eval set.
                    invalid += 1
                    who = stringify(invalidation.get("author")) or "?"
                    why = stringify(invalidation.get("reason"))
                    said = f"{who}: {why}" if why else who
                    invalid_by[said if len(said) <= 80 else said[:79] + "…"] = None
                limit = sample.get("limit")
                # EvalSampleLimit {type, limit}; a sample summary's is the type alone
                kind = limit.get("type") if isinstance(limit, dict) else limit
                if isinstance(kind, str) and kind:
                    # The sample was halted by a limit (EvalSampleLimit) and scored as it stood.
                    limits[kind] = limits.get(kind, 0) + 1
                    if kind in LENGTH_LIMITS:
                        truncated = True
                for ref, label in zip(refs, labels, strict=True):
                    score, answer, unusable, value = _score(scores, ref)
                    entry = scores.get(ref.scorer) if ref is not None else None
                    # The scorer's answer, when it extracted one. A scorer that gives none
                    # (a custom scorer, a model grader that found no grade, no scorer at all)
                    # did not look for one: the text is read as a format without answers
                    # reads it, a short reply ("Yes") its own answer. One that gives the whole
                    # output (match() of a text target, model_graded_qa's submission) extracted
                    # nothing either (unless that answer is all the sample shows: no output).
                    # Only a scorer's "" says it looked and found no answer.
                    extracted_by_scorer = (
                        isinstance(entry, dict) and entry.get("answer") is not None
                    )
                    if origin is None and answer is not None and answer.strip() == gen.strip():
                        answer, extracted_by_scorer = None, False
                    # The scorer's "" (match() of a number finding none, choice() of no letter):
                    # it read the output and found no answer. That is the answer shown (none),
                    # never one read from the text here, which a re-score by `exact` then
                    # scored right against the stored wrong; the text it read is `scored_text`
                    # (what math-verify or a user scorer, which read the text, are sent).
                    found_none = (
                        no_text is None
                        and origin is None
                        and extracted_by_scorer
                        and not (answer or "").strip()
                    )
                    if thought and answer is None and not found_none:
                        answer = extract_answer(gen)  # the completion's, not the reasoning's
                    if unusable is not None:
                        unscored.setdefault(unusable, set()).add(index)
                    if value == PARTIAL and ref is not None:
                        partial[ref.name] = partial.get(ref.name, 0) + 1
                    if isinstance(value, float) and math.isnan(value):
                        name = ref.name if ref is not None else ""
                        not_scored[name] = not_scored.get(name, 0) + 1
                    reduction = reductions.get(ref.scorer) if ref is not None else None
                    prompt_score = _reduced_score(reduction, ref, sample["id"])
                    if reduction is not None and ref is not None:
                        reduced[ref.name] = reduced.get(ref.name, 0) + 1
                    rows.add(
                        run=label,
                        source=source,
                        line=index,
                        offset=offset,
                        prompt_id=f"{task}:{sample['id']}",
                        prompt=prompt,
                        answer=(
                            stringify(target) if aliases is None else ALIAS_SEPARATOR.join(aliases)
                        ),
                        reference_aliases=aliases,
                        gen=shown,
                        accuracy=score,
                        extracted=answer,
                        metric=ref.name if ref is not None else None,
                        sample=int(sample.get("epoch") or 1) - 1,
                        truncated=truncated,
                        prompt_score=prompt_score,
                        short_replies=not extracted_by_scorer,
                        answer_unknown=no_text,
                        # What its scorer read: the empty completion, not the reasoning shown.
                        scored_text=(
                            ""
                            if origin == FROM_REASONING
                            else gen
                            if found_none or thought
                            else None
                        ),
                    )
        for origin, count in fallbacks.items():
            samples_word = "sample has" if count == 1 else "samples have"
            missing = (
                "no answer text in the model output (reasoning only, e.g. stopped at"
                " max_tokens while thinking)"
                if origin == FROM_REASONING
                else "no model output (output.completion and output.choices empty)"
            )
            after = (
                "; no answer after the reasoning: none is taken from it, and a re-score scores"
                " the empty completion, as the log's scorer did"
                if origin == FROM_REASONING
                else ""
            )
            notes.append(
                f"{source}: {count} {samples_word} {missing}: the generation shown is"
                f" {origin}{after}"
            )
        if with_reasoning:
            notes.append(
                f"{source}: {plural(with_reasoning, 'sample')} shown as the reasoning of the"
                " model's reply, a line break and output.completion (its text alone), so that"
                " its length is the whole output's, as Inspect counts output_tokens; the"
                " answer is the completion's, which the log's scorer read and a re-score scores"
            )
        for member, count in summarised.items():
            where = (
                f"{'has' if count == 1 else 'have'} no samples/ member in the archive (written"
                f" with --no-log-samples, or taken out): read from its sample summaries ({member})"
                if member
                else f"{'is a sample summary' if count == 1 else 'are sample summaries'}"
                " (no output, no messages)"
            )
            notes.append(
                f"{source}: {plural(count, 'sample')} {where}: prompt, target and scores only;"
                " the generation text is missing (shown empty, length 0)"
            )
        if running:
            notes.append(
                f"{source}: {plural(running, 'sample')} not completed (its summary says"
                " completed: false: still running when the log was written): not shown"
            )
        if other_choices:
            count = sum(other_choices.values())
            sizes = "/".join(str(n) for n in sorted(other_choices))
            notes.append(
                f"{source}: {plural(count, 'sample')} {'holds' if count == 1 else 'hold'}"
                f" {sizes} choices in their output (num_choices): the generation shown is the"
                " first, output.completion, which the scorers score; the others are not shown"
            )
        if left_out:
            shown = ", ".join(ref.name for ref in refs if ref is not None)
            listed = ", ".join(list(left_out)[:3]) + (", …" if len(left_out) > 3 else "")
            notes.append(
                f"{source}: the {'score' if len(refs) == 1 else 'scores'} shown:"
                f" {shown} (those the log's results report, else a dict score's first value);"
                f" not shown: {listed}"
            )
        for name, count in partial.items():
            notes.append(
                f"{source}: {name}: {plural(count, 'partial score')} (P) count 0.5 each, as"
                " Inspect's accuracy() counts them (C 1, P 0.5, I and N 0), so the mean is"
                " Inspect's accuracy; at the default threshold (≥ 0.5) a P counts as correct"
                " for pass@k and the majority vote"
            )
        for name, count in not_scored.items():
            notes.append(
                f"{source}: {name + ': ' if name else ''}{plural(count, 'score')} NaN"
                " (Score.unscored(): the scorer gave no value, and Inspect's metrics skip it):"
                " unscored"
            )
        if errored_scored:
            notes.append(
                f"{source}: {plural(errored_scored, 'sample')} errored and"
                f" {'was' if errored_scored == 1 else 'were'} scored all the same (score_on_error):"
                " shown with those scores, which Inspect's metrics count"
            )
        if invalid:
            by = list(invalid_by)
            said_by = "; ".join(by[:3]) + (f"; {len(by) - 3} more" if len(by) > 3 else "")
            notes.append(
                f"{source}: {plural(invalid, 'sample')} invalidated after the run ({said_by}):"
                " shown with the scores logged, which the log's results (computed before)"
                f" count; an eval set runs {'it' if invalid == 1 else 'them'} again"
            )
        if with_media:
            shown_media = ", ".join(plural(n, media_kind) for media_kind, n in media.items())
            whose = "sample's input holds" if with_media == 1 else "samples' inputs hold"
            notes.append(
                f"{source}: {with_media:,} {whose} {shown_media}, not shown: the prompt is the"
                " input's text alone"
            )
        if limits:
            count = sum(limits.values())
            kinds = ", ".join(f"{kind} {n}" for kind, n in limits.items())
            notes.append(
                f"{source}: {plural(count, 'sample')} halted by a limit ({kinds}) and scored as"
                f" {'it' if count == 1 else 'they'} stood"
                + (
                    "; a token or context limit counts as the length cap"
                    if any(kind in LENGTH_LIMITS for kind in limits)
                    else ""
                )
            )
        reducers: dict[str, str] = {}
        for ref in refs:
            if ref is None or ref.name not in reduced:
                continue
            reduction = reductions[ref.scorer]
            reducers[ref.name] = reduction.reducer
            others = [r for r in reduction.others if r != MEAN_REDUCER]
            notes.append(
                f"{source}: {ref.name}: {REDUCED_BY}"
                f" {reduction.reducer} ("
                + (
                    "the task's first epochs reducer, the score its results lead with"
                    if reduction.others
                    else "the task's epochs reducer"
                )
                + "; its metrics are over these):"
                " kept as prompt_score; each epoch keeps its own score, average_accuracy is their"
                " mean"
                + (f"; its other reductions ({', '.join(others)}) are not shown" if others else "")
            )
        for ref in dict.fromkeys(r for r in refs if r is not None and r.scorer in beside_mean):
            others = list(beside_mean[ref.scorer])
            notes.append(
                f"{source}: {ref.name}: Inspect reduced each sample's epochs by mean (the task's"
                f" first epochs reducer, the score its results lead with) and by"
                f" {', '.join(others)}: each prompt's score is the mean of its epochs"
                f" (average_accuracy); the {', '.join(others)} reduction"
                + (" is" if len(others) == 1 else "s are")
                + " not shown"
            )
        if unscored:
            count = len(set().union(*unscored.values()))
            samples_word = "sample is" if count == 1 else "samples are"
            shown = ", ".join(list(unscored)[:3]) + (", …" if len(unscored) > 3 else "")
            notes.append(
                f"{source}: {count} {samples_word} unscored: the score value ({shown}) is not"
                " C/I/P/N (capitals), a boolean, yes/no or a number (Inspect's accuracy() counts"
                " it 0, with a warning)"
            )
        if document:
            errors = errors[:before] + at_entry_lines(errors[before:], path, None, "samples")
        elif not json_lines:
            errors = errors[:before] + _at_members(errors[before:], [n for n, _s in samples])
        return ReadResult(
            rows.frame(), errors, notes, rows.short_replies(not self.own_answers), reducers
        )

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """The log's eval id (run and task id before eval ids), task and start time: separate
        logs of one task and model are separate runs, wherever they are."""
        own = self._own_id(path)
        if own is None or options.label:
            return None
        document = own.key if own.key != "None/None" else ""  # eval id, else run/task id
        return RunIdentity(
            own.model or named(path, options).parent.name,
            own.key,
            own.task,
            own.created,
            document,
            # a log and its retry in another folder (eval-retry writes to its own --log-dir):
            # one run, as in one folder (_same_log), where the log read stands for its folder
            retry=(
                json.dumps([own.task, own.model, own.task_id])
                if own.task_id
                and (
                    own.task_id not in _shared_task_ids(path.parent)
                    or place_in_folder(path, own) is None
                )
                else ""
            ),
            finished=own.status == SUCCESS,
            retried=_retried(own),
        )

    @staticmethod
    def _own_id(path: Path) -> LogId | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return _cached_id(str(path), stat.st_mtime_ns, stat.st_size)

    @staticmethod
    def _model_and_task(header: dict[str, Any]) -> tuple[str | None, str | None]:
        """The header fields a log cannot be read without (the run label and the prompts'
        task); raises :class:`EntryError` when one is there but unreadable. Every other header
        field is optional: unreadable, it is as if absent."""
        info = header.get("eval")
        if isinstance(info, Unreadable):
            raise EntryError(f"its eval header cannot be read ({info.reason})")
        if not isinstance(info, dict):
            return None, None
        return stringify(_needed(info, "model")) or None, stringify(_needed(info, "task")) or None

    @staticmethod
    def _status_notes(header: dict[str, Any], source: str, samples: int) -> list[str]:
        """What the log's status says, when it is not a finished run."""
        status = _plain(header.get("status"))
        if not isinstance(status, str) or status in ("success", ""):
            if samples == 0 and header:
                # `inspect eval --no-log-samples`: the header (and summaries) only.
                return [
                    f"{source}: Inspect log without samples (written with --no-log-samples?):"
                    " no generation to show"
                ]
            return []
        what = {
            "cancelled": "cancelled",
            "error": "stopped by an error",
            "started": "still running (or killed)",
        }.get(status, status)
        note = f"{source}: Inspect log {what} (status {status!r})"
        error = _plain(header.get("error"))
        if error:
            note += f": {_error_message(error)}"
        if samples == 0:
            note += "; no sample was logged"
        return [note]

    def records_form(self, path: Path) -> str | None:
        if path.suffix.lower() == ".jsonl":
            return None
        return (
            "each sample of the log re-encoded as a JSON line, without the log's header:"
            " read back without its manifest, the run is the model named in the samples' output"
        )

    def records_name(self, name: str, task: str | None) -> str:
        # Samples without the header read their task from the file's name (see read)
        return f"{task}.jsonl" if task else name

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        if path.suffix.lower() == ".jsonl":
            yield from Reader.records(self, path, rows)
            return
        _header, samples, errors = self._load(path, path.name)
        if not samples and errors:
            raise ValueError(f"{path}: {errors[0].reason}")
        for line, _offset in rows:
            yield json.dumps(samples[line - 1][1], ensure_ascii=False)
