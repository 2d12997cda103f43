"""Plain JSONL: one generation per line, ``{"prompt", "gen", "answer", "accuracy"}``.

A ``prompt`` holding chat messages (``[{"role", "content"}]``) is shown as the conversation, one
``role: content`` paragraph per message. ``gen`` may be a string or a list of strings. A list is one generation, its elements joined with a
newline -- unless ``accuracy`` is a list of the same length, then each element is its own generation
with its own score. A list under a plural name (``responses``, ``outputs``, ...) is the prompt's
n samples, each its own generation (one score for all of them is the prompt's). Field names can be overridden, and a generic fallback maps the names other
tools use (question/input, output/response/completion, gold/target, score/correct, ...).
A record's ``step`` (verl's per-step ``<step>.jsonl`` dumps; TRL's ``"10"``) makes each step its own run
(``val_generations · step 50``); NeMo-RL's ``val_data_step{N}.jsonl`` say their step in their name,
each line a batch of one (``unbatched``) whose ``content`` message log is the rollout. A score field holding a dict of per-metric scores is read by one
of its keys (``--metric``'s, else its first score), the others told once.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from evaltui.data.formats.base import (
    CALL_FIELDS,
    HEAD_BYTES,
    NOT_READ,
    EntryError,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    Window,
    chat_message_text,
    chat_text,
    fast_json,
    folder_label,
    found_in,
    json_error,
    json_kind,
    named,
    parse_json,
    prompt_hash,
    reference_aliases,
    reference_text,
    stringify,
    to_score,
)
from evaltui.data.metrics import LOWER_IS_BETTER_NAME, measure_named, name_direction
from evaltui.data.sanitize import name_line
from evaltui.data.schema import LoadError
from evaltui.data.wording import first_few, flag_words, plural

#: The plain reader's score for records that merely have a prompt and a generation field: any
#: format's own claim (a sniff above it, or a companion) wins.
GENERIC_GUESS = 30
#: Candidate field names per role, most specific first. The first present in a record wins.
#: ``messages`` and ``conversations`` last: a script's chat request (OpenAI's ``messages``, or
#: ShareGPT's ``conversations`` of ``from``/``value`` turns) is the prompt when no field above
#: holds it; ending in the model's turn, that turn is the generation when no generation field
#: holds one (:func:`_reply`).
PROMPT_FIELDS = (
    "prompt",
    "question",
    "input",
    "problem",
    "query",
    "instruction",
    "messages",
    "conversations",
)
#: The chat fields whose last turn may be the model's reply, and that turn's roles in each
#: (ShareGPT's ``function_call``: the model's reply was a call of a tool, LLaMA-Factory's
#: tool-use data ending in it as others end in ``gpt``; ``chatgpt`` in the ShareGPT dump
#: itself, ``assistant`` in conversations converted from OpenAI messages).
MESSAGES = "messages"
CONVERSATIONS = "conversations"
ASSISTANT = "assistant"
#: NeMo-RL's validation dumps (``val_data_step{N}.jsonl``): each line's ``content`` is the
#: rollout's message log, ``[{"role", "content"}]`` turns of the user's (chat-templated) prompt,
#: the model's reply and the environment's verdict after it (``Environment: correct``). Only a
#: list of such turns under ``content`` is a chat: any other ``content`` is no prompt.
CONTENT = "content"
#: The role of the turns an environment answers with (NeMo-RL's): feedback on the model's reply,
#: no part of it.
ENVIRONMENT = "environment"
CHAT_REPLY_ROLES = {
    MESSAGES: (ASSISTANT,),
    CONVERSATIONS: ("gpt", "function_call", "chatgpt", ASSISTANT),
    CONTENT: (ASSISTANT,),
}
GEN_FIELDS = (
    "gen",
    "generation",
    "output",
    "prediction",
    "response",
    "completion",
    "responses",
    "outputs",
    "generations",
    "completions",
    "model_output",
    "model_response",
)
ANSWER_FIELDS = (
    "answer",
    "gold",
    "target",
    "reference",
    "ground_truth",
    "gts",
    "gt",
    "gt_answer",
    "correct_answer",
    "expected_answer",
    "reference_answer",
    "standard_answer",
    "answers",
    "references",
    "label",
    "solution",
)
#: Correctness fields come before reward-like ones: a record with both (verl's DAPO dumps: a
#: ``score`` reward of -1/1 and an ``acc`` bool) is scored by its correctness, with a note.
SCORE_FIELDS = (
    "accuracy",
    "acc",
    "correct",
    "is_correct",
    "iscorrect",
    "correctness",
    "passed",
    "exact_match",
    "score",
    "reward",
    "scores",
    "rewards",
)
#: Generation fields whose list is the prompt's n samples, each its own generation even without
#: a score list (a ``gen`` list without one is one generation in chunks).
SAMPLE_LISTS = frozenset({"responses", "outputs", "generations", "completions"})
#: Plural names that are a record's generations or their scores only as a list (one per
#: generation, as vLLM's ``outputs`` of n samples are dumped); any other value under them
#: (``"outputs": "text"``) is not taken for one...
LIST_ONLY_FIELDS = frozenset({"outputs", "generations", "completions", "scores", "rewards"})
#: NeMo-RL's ``Logger.log_batched_dict_as_jsonl`` writes each sample of a batch as one line, every
#: batched value a list of that one sample's (``"content": [[turns]]``, ``"rewards": [1.0]``)
#: beside the line's ``idx``: :func:`unbatched` takes them out of those lists.
BATCH_INDEX = "idx"
#: NeMo-RL's dump files, one per step (``val_data_step{N}.jsonl`` at each validation,
#: ``train_data_step{N}.jsonl`` at each training step): their lines hold no step, the file's name
#: does. The steps of one experiment's folder are one run's checkpoints (``exp_001 · step 10``).
_NEMO_RL_FILE = re.compile(r"(?P<name>(?:val|train)_data)_step(?P<step>\d+)\.jsonl", re.ASCII)
#: ... but for the scores' names, a dict: per-metric scores (``"scores": {"math": 1.0}``), read
#: as one of its keys (see :func:`_dict_score`).
DICT_SCORE_FIELDS = frozenset({"scores", "rewards"})
#: Score names that say higher is better: a reward is what RL maximises (TRL's and OpenRLHF's
#: ``reward``); ``score`` says nothing of a direction (a distance is a score too).
REWARD_FIELDS = frozenset({"reward", "rewards"})
#: A field named for one reward function: TRL's GRPOTrainer logs its ``completions`` table with
#: one column per reward function under the function's name (``accuracy_reward``,
#: ``format_reward``; Unsloth's ``correctness_reward_func``), each that function's own reward
#: (None, not applicable, written as NaN or null); the reward trained on is their weighted sum,
#: whose weights the table does not hold (older TRL wrote that sum as ``reward``).
_REWARD_FUNCTION = re.compile(r"(?:.*[_/\- ])?rewards?(?:[_/\- ].*)?", re.IGNORECASE)
#: A reward-named field that is a statistic over a group of samples, not one sample's reward: its
#: first or last word says so. TRL logs ``reward_std``, ``frac_reward_zero_std`` and
#: ``rewards/<function>/mean`` (``/std``) per step; GRPO scripts copy their group's
#: ``reward_mean``/``reward_std`` (or a ``normalized_reward``, an advantage) onto each sample of
#: the group. Every sample of a group holds the same number, which is no score of that sample.
_GROUP_STATISTIC = re.compile(
    r"(?:mean|avg|average|std|stdev|stddev|var|variance|min|max|median|frac|fraction|normalized"
    r"|norm|zscore|baseline|advantages?)",
    re.IGNORECASE,
)
_NAME_WORDS = re.compile(r"[_/\- ]+")
EXTRACTED_FIELDS = ("extracted", "extracted_answer", "pred", "parsed_answer")
#: Every name a record's own fields go by (a list under one is a record's, not a document's).
RECORD_FIELDS = frozenset(PROMPT_FIELDS + GEN_FIELDS + ANSWER_FIELDS + SCORE_FIELDS)

#: Between a run label and a record's training step (verl dumps: ``val_generations · step 50``);
#: what tells runs of one label apart goes before it (``val_generations @ expA · step 50``).
STEP_SEPARATOR = " · step "

GEN_JOIN = "\n"
"""Separator used when a ``gen`` list is one generation."""

_BOM = b"\xef\xbb\xbf"


def iter_lines(
    data: bytes, base: int = 0, first_line: int = 1
) -> Iterator[tuple[int, int, bytes, bool]]:
    """Yield ``(line_no, offset, raw, has_newline)`` for each line of ``data``.

    ``line_no`` is 1-based, ``offset`` the byte offset of the line's start; ``raw`` has no line
    ending (LF or CRLF; data without any LF has CR-only line endings, as old Mac tools wrote).
    A leading UTF-8 BOM is skipped but offsets stay true to the file. ``data`` may be a slice of
    a file that starts at offset ``base`` with line ``first_line``.
    """
    for line_no, start, end, has_newline in line_spans(data, first_line, base):
        yield line_no, base + start, data[start:end].rstrip(b"\r"), has_newline


def line_spans(
    data: bytes, first_line: int = 1, base: int = 0
) -> Iterator[tuple[int, int, int, bool]]:
    """:func:`iter_lines` without the lines' bytes: ``(line_no, start, end, has_newline)``, the
    line being ``data[start:end]`` (its CR still there), so a caller can look at a line (its NUL
    bytes) before it makes a copy of it."""
    start = 3 if base == 0 and data.startswith(_BOM) else 0
    newline = b"\n" if b"\n" in data else b"\r"
    line_no = first_line - 1
    size = len(data)
    while start < size:
        line_no += 1
        end = data.find(newline, start)
        if end == -1:
            yield line_no, start, size, False
            return
        yield line_no, start, end, True
        start = end + 1


def nul_run(data: bytes, start: int, end: int) -> str | None:
    """Why ``data[start:end]``, a line, is no record when it is mostly NUL bytes (at least half
    of it): what a file system leaves of the blocks a crash did not write (the size grew, the
    bytes never came). None for any other line. No JSON holds a NUL byte, yet such a line was
    decoded and parsed as one: a 2 GB run was held three times over (its bytes, a copy, its
    text), 6 GB, to be called a "truncated last line". Counted where it is, never copied."""
    if data.find(b"\0", start, end) == -1:
        return None
    nuls = data.count(b"\0", start, end)
    if nuls * 2 < end - start:
        return None  # a few NULs in a line of text: its JSON error says where
    cut = f"{_size_words(end - start - nuls)} of text and " if nuls < end - start else ""
    return f"{cut}{_size_words(nuls)} of NUL bytes (a file cut by a crash?): not read"


def _size_words(size: int) -> str:
    """``size`` bytes for a message: ``12 bytes``, ``3.4 KB``, ``200 MB``, ``2.1 GB``."""
    if size < 1000:
        return plural(size, "byte")
    for unit, scale in (("KB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if size < scale * 1000 or unit == "GB":
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    raise AssertionError("unreachable")


def read_window(path: Path, window: Window | None) -> bytes:
    """The bytes of ``path`` in ``window`` (the whole file when None)."""
    if window is None:
        return path.read_bytes()
    with path.open("rb") as handle:
        handle.seek(window.start)
        return handle.read(-1 if window.end is None else max(0, window.end - window.start))


def decode_line(raw: bytes) -> tuple[str, bool]:
    """UTF-8 decode; invalid bytes become U+FFFD. Returns ``(text, was_valid)``."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), False


#: How a JSON-lines reader names a last line that is not JSON and has no newline: a line still
#: being written, most likely (a follower holds such an error back until the line ends).
TRUNCATED_LAST_LINE = "truncated last line (file still being written?)"


def parse_json_lines(
    path: Path, source: str, window: Window | None = None
) -> tuple[list[tuple[int, int, Any]], list[LoadError], list[str]]:
    """Parse a JSON-lines file (or the lines in ``window``) into ``(line_no, offset, value)``.

    Blank lines are skipped; a line that is not JSON, or too deep or with too long a number to
    read, becomes an error entry (a truncated last line is named as such). Invalid UTF-8 is made
    visible and noted (lone surrogate escapes are made visible by the frame). Shared by every
    JSON-lines reader; :func:`iter_json_lines` is the same one record at a time.
    """
    errors: list[LoadError] = []
    notes: list[str] = []
    parsed = list(iter_json_lines(path, source, window, errors, notes))
    return parsed, errors, notes


def iter_json_lines(
    path: Path,
    source: str,
    window: Window | None,
    errors: list[LoadError],
    notes: list[str],
) -> Iterator[tuple[int, int, Any]]:
    """:func:`parse_json_lines` one record at a time: ``errors`` and ``notes`` fill as it goes
    (the notes at the end). Only the current line's bytes, text and value are held beside the
    file's bytes, so a reader that keeps what it needs of each record holds one record at most.
    """
    data = read_window(path, window)
    bad_utf8: list[int] = []
    base, first_line = (window.start, window.first_line) if window else (0, 1)
    for line_no, start, end, has_newline in line_spans(data, first_line, base):
        nuls = nul_run(data, start, end)
        if nuls is not None:
            errors.append(LoadError(source, line_no, nuls))
            continue
        offset, raw = base + start, data[start:end].rstrip(b"\r")
        if not raw.strip():
            continue
        value = fast_json(raw)  # (valid UTF-8, read as json reads it: no text made)
        if value is not NOT_READ:
            del raw
            yield line_no, offset, value
            del value
            continue
        text, valid = decode_line(raw)
        del raw  # a 50 MB line must not be held three times over
        if not valid:
            bad_utf8.append(line_no)
        try:
            value = parse_json(text)
        except json.JSONDecodeError as exc:
            if not has_newline:
                where = json_error(exc.msg, exc.colno)
                reason = f"{TRUNCATED_LAST_LINE}: {where}"
            else:
                reason = f"not valid JSON: {json_error(exc.msg, exc.colno)}"
            errors.append(LoadError(source, line_no, reason))
            continue
        except EntryError as exc:
            errors.append(LoadError(source, line_no, str(exc)))
            continue
        finally:
            del text
        yield line_no, offset, value
        del value
    del data
    if bad_utf8:
        first = ", ".join(str(n) for n in bad_utf8[:5])
        notes.append(
            f"{source}: {len(bad_utf8)} line(s) with invalid UTF-8 bytes (shown as �), lines {first}"
            + ("…" if len(bad_utf8) > 5 else "")
        )


_BAD_UTF8 = re.compile(
    r"(?P<head>.*: )(?P<count>\d+)(?P<what> line\(s\) with invalid UTF-8 bytes \(shown as �\), "
    r"lines )(?P<lines>\d+(?:, \d+)*)(?P<more>…?)",
    re.DOTALL,
)
#: The plain reader's "<source>: a NaN or infinite score on N line(s) (a, b, …), as …" note, and
#: its "a null or empty score on …" and "a text score on …" notes.
_NON_FINITE = re.compile(
    r"(?P<head>.*: a (?:NaN or infinite|null or empty|text) score on )(?P<count>[\d,]+) lines? "
    r"\((?P<lines>\d+(?:, \d+)*)(?P<more>…?)\)(?P<tail>, as .*)",
    re.DOTALL,
)
_NONE_OF = re.compile(r"(?P<head>.* none of its )(?P<count>\d+)(?P<tail> records.*)", re.DOTALL)
#: InternBootcamp's "<source>: N generation(s) shown as reasoning_content, …": counted per read.
_REASONING = re.compile(
    r"(?P<head>.*: )(?P<count>\d[\d,]*) generations? (?P<tail>shown as reasoning_content,.*)",
    re.DOTALL,
)


def _none_of_key(match: re.Match[str]) -> str:
    """What a "none of its N records" note is about (its field list, taken from one record, and
    its count left out)."""
    return match["head"] + match["tail"].split(" (", 1)[0]


def merge_notes(
    earlier: list[str], later: list[str], *, had_rows: bool, new_rows: bool
) -> list[str]:
    """A file's notes after lines appended to it were read alone (a followed file's window):
    ``earlier`` the notes of what was read before (``had_rows``: it gave rows), ``later`` the
    window's (``new_rows``: it gave rows). The result says what a read of the whole file says:
    invalid UTF-8 lines (and lines of a NaN or infinite score) counted and listed together, a
    field "in none of its N records" counted
    over both (or dropped, when the rows of either part had it), InternBootcamp's "N generations
    shown as reasoning_content" counted over both, the score, generation and reference choices told from the file's first
    record only, other notes once."""
    merged = list(earlier)
    if new_rows:  # a "none of" note the new rows do not repeat: they have the field
        keys = {_none_of_key(m) for m in map(_NONE_OF.fullmatch, later) if m}
        merged = [
            n for n in merged if (m := _NONE_OF.fullmatch(n)) is None or _none_of_key(m) in keys
        ]
    for note in later:
        bad = _BAD_UTF8.fullmatch(note)
        if bad is not None:
            old = next(
                (m for m in map(_BAD_UTF8.fullmatch, merged) if m and m["head"] == bad["head"]),
                None,
            )
            if old is not None:
                lines = old["lines"].split(", ") + ([] if old["more"] else bad["lines"].split(", "))
                count = int(old["count"]) + int(bad["count"])
                text = f"{old['head']}{count}{old['what']}{', '.join(lines[:5])}" + (
                    "…" if count > 5 else ""
                )
                merged[merged.index(old.string)] = text
                continue
        non_finite = _NON_FINITE.fullmatch(note)
        if non_finite is not None:
            old = next(
                (
                    m
                    for m in map(_NON_FINITE.fullmatch, merged)
                    if m and m["head"] == non_finite["head"]
                ),
                None,
            )
            if old is not None:
                count = sum(int(m["count"].replace(",", "")) for m in (old, non_finite))
                lines = old["lines"].split(", ") + (
                    [] if old["more"] else non_finite["lines"].split(", ")
                )
                shown = ", ".join(lines[:5]) + ("…" if count > 5 else "")
                text = f"{old['head']}{plural(count, 'line')} ({shown}){old['tail']}"
                merged[merged.index(old.string)] = text
                continue
        reasoning = _REASONING.fullmatch(note)
        if reasoning is not None:
            old = next(
                (
                    m
                    for m in map(_REASONING.fullmatch, merged)
                    if m and (m["head"], m["tail"]) == (reasoning["head"], reasoning["tail"])
                ),
                None,
            )
            if old is not None:
                count = sum(int(m["count"].replace(",", "")) for m in (old, reasoning))
                text = f"{old['head']}{plural(count, 'generation')} {old['tail']}"
                merged[merged.index(old.string)] = text
                continue
        none = _NONE_OF.fullmatch(note)
        if none is not None:
            key = _none_of_key(none)
            old = next(
                (m for m in map(_NONE_OF.fullmatch, merged) if m and _none_of_key(m) == key), None
            )
            if old is not None:
                count = int(old["count"]) + int(none["count"])
                merged[merged.index(old.string)] = f"{old['head']}{count}{old['tail']}"
                continue
            if had_rows:
                continue  # the rows read before have it: not "none of its records"
        if had_rows and any(f": {told} " in note for told in FIRST_RECORD_NOTES):
            continue  # told from the file's first record, read before
        if note not in merged:
            merged.append(note)
    return merged


#: How the notes told from a file's first record start (after the file): which of several score,
#: generation or reference fields it is read by.
FIRST_RECORD_NOTES = ("scored by", "generations read from", "references read from")


#: Words that name a shard or a sampling pass when a number follows them (``shard3``,
#: ``rank_0``, ``part-00001-of-00004``, ``qwen_seed1``).
_PASS_WORDS = (
    "part|shard|rank|split|chunk|seed|pass|run|rep|repeat|trial|sample|samples|round|attempt"
    "|proc|process|worker|gpu|node|device|batch"
)
_PASS_NUMBER = re.compile(
    rf"""(?:^|(?<=[-_. ]))(?:
        (?:{_PASS_WORDS})[-_.]?\d+(?:[-_.]of[-_.]\d+)?    # shard3, part-00001-of-00004, seed_1
        | \d+[-_.]of[-_.]\d+                             # 00001-of-00004
        | (?<=_)\d+                                      # inference_3, model_a_1
        | (?<=-)0\d{{2,}}                                 # out-00003 (zero-padded, never a date)
        | ^\d+                                           # 0.jsonl, 50.jsonl (verl steps)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def run_name(file_name: str) -> str:
    """The run a plain file's name names: its stem without a trailing shard or sampling-pass
    number, "" when the stem is only a number. Files whose names give the same run name are
    parts of one run: ``inference_0`` … ``inference_9`` (passes), ``part-00001-of-00004``
    (shards), ``model_a`` and ``model_a_1`` (a second pass of model_a).

    A number inside a name, or after a dash, belongs to the name: ``Qwen2.5-7B`` and
    ``Qwen2.5-14B`` are two models, and so are ``gpt-4`` and ``gpt-5`` or ``llama-3`` (a dash
    joins a model's version to its name; a zero-padded ``-00003`` is a shard).

    Seeds are passes: ``qwen_seed0`` and ``qwen_seed1`` are one run ``qwen``. Sampling one model
    under several seeds is how n samples per prompt are drawn when each call gives one (the
    mean over seeds is what is reported, avg@n), like ``inference_0`` … ``inference_9``; as two
    runs, maj@n, pass@k and the length plots of one model would be cut in two.

    A checkpoint's number is no pass: ``step_100`` and ``step_200`` (``global_step_100``,
    ``ckpt_300``) are two checkpoints' runs, kept apart by their whole names; so are
    ``epoch_1`` … ``epoch_3`` (torchtune saves ``epoch_<n>``, a script evaluates each epoch's
    weights) and ``iter_0001000`` (Megatron's, slime's and NeMo's saves): each another model's
    weights, whose samples pooled as passes made maj@n and pass@k of three models."""
    nemo_rl = _NEMO_RL_FILE.fullmatch(file_name)
    if nemo_rl is not None:
        return nemo_rl["name"]  # each step's file: the record's step keeps them apart
    stem = file_name.rsplit(".", 1)[0]
    if _CHECKPOINT_FILE.fullmatch(stem):
        return stem  # a checkpoint's step (step_100, step_200): two checkpoints, never one run
    return _PASS_NUMBER.sub("", stem).rstrip("-_. ")


def _pick(record: dict[str, Any], override: str | None, candidates: tuple[str, ...]) -> str | None:
    if override is not None:
        return override if override in record else None
    for name in candidates:
        if _has(record, name):
            return name
    return None


def _has(record: dict[str, Any], name: str) -> bool:
    """Whether ``record`` has the candidate field ``name`` (a plural one only as a list, or a
    dict of scores)."""
    if name not in record:
        return False
    value = record[name]
    return (
        name not in LIST_ONLY_FIELDS
        or isinstance(value, list)
        or (name in DICT_SCORE_FIELDS and isinstance(value, dict | int | float))
    )


def reward_columns(record: dict[str, Any]) -> list[str]:
    """The record's reward functions' fields, in its order: a number, a boolean or a null under a
    name saying reward (:data:`_REWARD_FUNCTION`: ``accuracy_reward``, ``format_reward``), other
    than ``reward``/``rewards`` themselves (a score field); in a row of TRL's completions table,
    also each such value between ``completion`` and ``advantage`` whatever its name
    (:func:`_trl_reward_columns`)."""
    named = [
        key
        for key, value in record.items()
        if (value is None or isinstance(value, int | float)) and _function_named(key)
    ]
    placed = _trl_reward_columns(record)
    return placed + [key for key in named if key not in placed] if placed else named


def reward_column(record: dict[str, Any], key: str) -> bool:
    """Whether ``key`` is one of the record's reward functions' fields (:func:`reward_columns`),
    asked of one field (a ``--score-field``) without listing them all."""
    if not (_function_named(key) or key in _trl_reward_columns(record)):
        return False  # (a name first: most fields are none, and say so at once)
    value = record.get(key)
    return key in record and (value is None or isinstance(value, int | float))


@functools.lru_cache(maxsize=1024)  # asked of every record's keys: a few names
def _function_named(key: str) -> bool:
    """Whether ``key`` names one reward function's field (:data:`_REWARD_FUNCTION`), not a score
    field (``reward``) nor a group statistic (``reward_std``)."""
    return (
        key not in REWARD_FIELDS
        and _REWARD_FUNCTION.fullmatch(key) is not None
        and not group_statistic(key)
    )


@functools.lru_cache(maxsize=1024)  # asked of every record: one or two names a file
def _direction_named(metric: str | None, field: str | None) -> bool | None:
    """The direction a score's names say (:func:`~evaltui.data.metrics.name_direction`): the
    metric's (a dict's key read), else the field's; None when neither says one."""
    said = name_direction(metric)
    return said if said is not None else name_direction(field)


@functools.lru_cache(maxsize=1024)  # asked of every record's score field: one name a file
def _score_named(key: str) -> bool:
    """Whether a score field's name names its measure (:data:`LOWER_IS_BETTER_NAME`: ``mae``;
    :func:`~evaltui.data.metrics.measure_named`: ``f1``, ``reward``, ``score``): the run's
    metric then."""
    return LOWER_IS_BETTER_NAME.search(key) is not None or measure_named(key)


def _trl_reward_columns(record: dict[str, Any]) -> list[str]:
    """In a row of TRL's completions table (``GRPOTrainer.log``: ``step``, ``prompt``,
    ``completion``, a column per reward function, the user's ``log_extra`` columns, then
    ``advantage``), the numbers (or nulls) between ``completion`` and ``advantage``: the reward
    functions' columns. TRL names each by the function's ``__name__`` (``check_answer``,
    ``correctness``: no word says reward) or a reward model's name, so they are known by their
    place; a group statistic (``reward_std``) is none. [] for other records."""
    if "advantage" not in record or "completion" not in record or "prompt" not in record:
        return []  # (each record asks: no generator for the common case)
    keys = list(record)
    start, end = keys.index("completion"), keys.index("advantage")
    return [
        key
        for key in keys[start + 1 : end]
        if key not in REWARD_FIELDS
        and (record[key] is None or isinstance(record[key], int | float))
        and not group_statistic(key)
    ]


@functools.lru_cache(maxsize=1024)  # asked of every record's reward-named keys: a few names
def group_statistic(name: str) -> bool:
    """Whether a reward-named field is a statistic over a group of samples
    (:data:`_GROUP_STATISTIC`: ``reward_std``, ``rewards/accuracy_reward/mean``), no sample's own
    reward."""
    words = [w for w in _NAME_WORDS.split(name) if w]
    return bool(words) and any(_GROUP_STATISTIC.fullmatch(w) for w in (words[0], words[-1]))


def reward_statistics(record: dict[str, Any]) -> list[str]:
    """The record's reward-named numeric fields that are group statistics
    (:func:`group_statistic`), in its order: never read as a score unasked."""
    return [
        key
        for key, value in record.items()
        if (value is None or isinstance(value, int | float))
        and _REWARD_FUNCTION.fullmatch(key)
        and group_statistic(key)
    ]


def _reward_score(
    record: dict[str, Any], score_key: str | None, columns: list[str], wanted: str | None
) -> tuple[str, Any, str]:
    """The score of a record with reward functions' columns (TRL's completions table): ``reward``
    (``score_key``, the summed reward older TRL wrote) when it has one, else the first function's
    column; ``--metric`` picks another. Returns the field read, its value and the file's note.
    The others are the rows' other metrics, each read with ``--metric``; the original records
    (``evaltui export --as records``) keep them all."""
    names = ([score_key] if score_key is not None else []) + columns
    chosen = wanted if wanted in names else names[0]
    others = [name for name in names if name != chosen]
    if score_key is not None and chosen == score_key:
        how = (
            f"scored by {chosen!r}, the summed reward; its records also have reward functions'"
            f" {_quoted(others)} ({flag_words('--metric', others[0])} to score by one)"
        )
    elif others:
        how = (
            f"scored by the reward function {chosen!r}; its records also have {_quoted(others)}"
            f" ({flag_words('--metric', others[0])} to score by that instead)"
        )
        if score_key is None:  # TRL since 0.16: no column holds the reward trained on
            how += "; the reward trained on, their weighted sum, is not in the file"
    else:
        how = f"scored by the reward function {chosen!r}"
    if wanted is not None and wanted not in names:
        how = f"{flag_words('--metric', wanted)} is none of its reward functions: " + how
    return chosen, record[chosen], how


def _chat_field(record: dict[str, Any]) -> str | None:
    """The record's chat field (``messages``, else ``conversations``), None when it has neither."""
    return next((key for key in CHAT_REPLY_ROLES if key in record), None)


def _chat_turns(value: Any) -> Any:
    """ShareGPT's ``conversations`` (``[{"from", "value"}]``: human, gpt, system) as chat
    messages (``[{"role", "content"}]``, each turn's role its ``from``); any other value as it is."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(turn, dict) and "from" in turn and "value" in turn for turn in value)
    ):
        return [{"role": turn["from"], "content": turn["value"]} for turn in value]
    return value


def _reply(record: dict[str, Any], key: str | None = None) -> tuple[list[Any], str, str] | None:
    """(the turns before it, its content, its role) when the record's chat (``messages``, or
    ShareGPT's ``conversations``) is turns ending in the model's (``assistant``; ShareGPT's
    ``gpt`` or ``function_call``): a script that appended the model's reply to its request, a
    ShareGPT dump; else None. A reply that called a tool is the call
    (:func:`chat_message_text`). ``key``: the chat field to read (the one the prompt is read
    from), else the record's first.

    NeMo-RL's message log (``content``) is a rollout: the prompt is the turns before the model's
    first, the reply its turns from there to its last (one turn: its text; a multi-turn rollout
    with the environment's turns between them: one ``role: content`` paragraph each), and the
    environment's turns after it, its verdict, are no part of it."""
    key = key if key is not None else _chat_field(record)
    if key is None or key not in record:
        return None
    if key == CONTENT:
        return _rollout(record[key])
    turns = record[key] if key == MESSAGES else _chat_turns(record[key])
    if (
        isinstance(turns, list)
        and len(turns) >= 2
        and chat_text(turns) is not None
        and turns[-1].get("role") in CHAT_REPLY_ROLES[key]
    ):
        return turns[:-1], chat_message_text(turns[-1]), str(turns[-1]["role"])
    return None


def _rollout(turns: Any) -> tuple[list[Any], str, str] | None:
    """A NeMo-RL message log's prompt turns, the model's reply and its role (see :func:`_reply`);
    None when ``turns`` is no chat with a prompt before the model's first turn, or has turns
    other than the environment's after the model's last."""
    if not isinstance(turns, list) or chat_text(turns) is None:
        return None
    roles = [turn.get("role") for turn in turns]
    if ASSISTANT not in roles or roles[0] == ASSISTANT:
        return None
    first = roles.index(ASSISTANT)
    last = len(roles) - 1 - roles[::-1].index(ASSISTANT)
    if any(role != ENVIRONMENT for role in roles[last + 1 :]):
        return None
    reply = turns[first : last + 1]
    text = chat_message_text(reply[0]) if len(reply) == 1 else chat_text(reply) or ""
    return turns[:first], text, ASSISTANT


def unbatched(record: Any) -> Any:
    """A line NeMo-RL's batch logger wrote (:data:`BATCH_INDEX`: an ``idx`` beside values that
    are each a list of one) as the sample it is, each value out of its list; any other value as
    it is."""
    if (
        isinstance(record, dict)
        and isinstance(record.get(BATCH_INDEX), int)
        and len(record) > 1
        and all(
            isinstance(value, list) and len(value) == 1
            for key, value in record.items()
            if key != BATCH_INDEX
        )
    ):
        return {key: value if key == BATCH_INDEX else value[0] for key, value in record.items()}
    return record


def file_step(file_name: str) -> int | None:
    """The training step a dump file's name gives its records (NeMo-RL's
    ``val_data_step{N}.jsonl``), None for any other name."""
    match = _NEMO_RL_FILE.fullmatch(file_name)
    return None if match is None else int(match["step"])


def _prompt_key(record: dict[str, Any], options: ReadOptions) -> str | None:
    """The field a record's prompt is read from: the flag's or a known name's, else a NeMo-RL
    message log's ``content`` holding a prompt and the model's reply (:func:`_rollout`)."""
    key = _pick(record, options.prompt_field, PROMPT_FIELDS)
    if key is None and options.prompt_field is None and _reply(record, CONTENT) is not None:
        return CONTENT
    return key


def _looked_for(override: str | None, candidates: tuple[str, ...]) -> str:
    """The field name(s) a missing field was looked for under, for its error."""
    if override is not None:
        return override
    return "looked for " + ", ".join(candidates)


def _is_plain(keys: set[str]) -> bool:
    return "prompt" in keys and "gen" in keys and ("answer" in keys or "accuracy" in keys)


#: How many of the head's lines detection looks at.
HEAD_RECORDS = 16


def first_record(head: bytes) -> dict[str, Any] | None:
    """The record that stands for a JSON-lines file's head, for detection; None when there is none.

    Detection must not hinge on one line: a first line that is broken, too deep to parse, or
    valid JSON but not a sample (``{}``, ``{"meta": 1}``, a record missing a field) would reject
    every good line after it. So this takes the complete lines among the head's first
    :data:`HEAD_RECORDS` that are JSON objects and returns the first one with the most common set
    of keys (ties: the larger set). A line cut off by the end of the head is not used.
    """
    complete = len(head) < HEAD_BYTES
    records: list[dict[str, Any]] = []
    looked = 0
    for _no, _off, raw, has_newline in iter_lines(head):
        if not raw.strip():
            continue
        looked += 1
        if looked > HEAD_RECORDS or not (has_newline or complete):
            break
        try:
            value = parse_json(raw.decode("utf-8", errors="replace"))
        except ValueError:  # JSONDecodeError or EntryError: this line does not count
            continue
        if isinstance(value, dict):
            records.append(value)
    return most_common_shape(records)


def most_common_shape(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first of ``records`` with the most common set of keys (ties: the larger set); None
    when there is none."""
    if not records:
        return None
    shapes = Counter(frozenset(record) for record in records)
    best = max(shapes, key=lambda keys: (shapes[keys], len(keys)))
    return next(record for record in records if frozenset(record) == best)


def record_score(first: dict[str, Any]) -> int:
    """How sure the plain reader is that ``first`` (the record standing for a file) is its
    record: 90 for ``prompt``/``gen`` and an answer or accuracy, :data:`GENERIC_GUESS` for a
    prompt and a generation under other names, 0 when it is none."""
    keys = set(first)
    if _is_plain(keys):
        return 90
    if any(k in keys for k in PROMPT_FIELDS) and (
        any(_has(first, k) for k in GEN_FIELDS) or _reply(first) is not None
    ):
        return GENERIC_GUESS
    if _reply(unbatched(first), CONTENT) is not None:
        return GENERIC_GUESS  # NeMo-RL's message log: its prompt and the model's reply
    return 0


def _plain_score(value: Any) -> float | None:
    """A plain record's score as a float (:func:`~evaltui.data.formats.base.to_score`), NaN or
    infinity kept: the record's writer is the user's own script, whose ``json.dumps`` writes a
    ``float('nan')`` (a grader that failed, a reward of no value) as ``NaN``. The caller shows
    such a generation unscored, with a note. A hand-made file's score may be text (``"50%"``,
    ``"0.5"``, ``"true"``, ``"correct"``): read as the number it says, and the caller notes it."""
    return to_score(value, non_finite=True, percent=True)


def _quoted(names: list[str], most: int = 4) -> str:
    """``'a', 'b' and 3 more``: at most ``most`` names, quoted (the file's words)."""
    shown = ", ".join(repr(n) for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _dict_score(field: str, value: dict[Any, Any], wanted: str | None) -> tuple[str, Any, str]:
    """The score a dict of per-metric scores (``"accuracy": {"exact_match": 1, "f1": 0.5}``)
    is read as: its key ``wanted`` (``--metric``) when it has that as a score, else its first
    key holding one (a number, a boolean, a numeric string; lists, dicts and nulls are no
    score). Returns the key, its value, and what the file's note says of the choice. A dict
    with no score in it is the line's error, naming its keys."""
    found: list[str] = []
    for key, item in value.items():
        if item is None or isinstance(item, list | dict):
            continue
        try:
            _plain_score(item)
        except ValueError:
            continue
        found.append(str(key))
    if not found:
        keys = _quoted([str(k) for k in value]) or "none"
        raise ValueError(f"{field!r} is a dict holding no number or boolean (its keys: {keys})")
    by_name = {str(k): k for k in value}
    if wanted is not None and wanted in found:
        return (
            wanted,
            value[by_name[wanted]],
            f"{field!r} holds a dict of scores: scored by --metric {wanted!r}",
        )
    chosen, others = found[0], found[1:]
    if wanted is not None:
        # The one message of it (the loader's "changed nothing" is not said beside it).
        how = (
            f"{flag_words('--metric', wanted)} is none of the scores in the dict {field!r}"
            f" ({_quoted(found)}): scored by {chosen!r}"
            + (f" ({flag_words('--metric', others[0])} to score by that instead)" if others else "")
        )
    elif others:
        how = (
            f"{field!r} holds a dict of scores: scored by {chosen!r}; it also has"
            f" {_quoted(others)} ({flag_words('--metric', others[0])} to score by that instead)"
        )
    else:
        how = f"{field!r} holds a dict of one score, {chosen!r}: scored by it"
    return chosen, value[by_name[chosen]], how


#: The words a checkpoint's name says before its step, as RL trainers name their saves and a
#: script copies into its records or its file's name: verl's ``global_step_100``, DeepSpeed's
#: (OpenRLHF's) ``global_step100``, the HF Trainer's (TRL's) ``checkpoint-500``, NeMo-Aligner's
#: ``step=100``, ``step-50``, ``ckpt_200``. Other words ending in a number are no step: a
#: version (``v2``), an epoch (``epoch_3``), a model (``qwen3``).
_STEP_WORDS = r"global[_\- ]?step|step|ckpt|checkpoint"
_STEP_NUMBER = r"[_\-= ]?(\d+)"
#: A checkpoint's name ending in its step (Megatron's ``iter_0001000`` too); the step is the
#: number that ends it.
_CHECKPOINT_NAME = re.compile(
    rf"({_STEP_WORDS}|iter|iteration){_STEP_NUMBER}", re.ASCII | re.IGNORECASE
)
#: A file's name ending in a checkpoint's (``model_global_step_100``, ``step_200``, an epoch's
#: ``epoch_3``, an iteration's ``iter_0001000``): its number is the checkpoint's, not a pass's
#: (:func:`run_name`). An epoch names weights in a file's name, though it is no step number in a
#: record's (``"step": "epoch_3"``: :func:`step_parts`).
_CHECKPOINT_FILE = re.compile(
    rf"(?:^|.*[-_. ])(?:{_STEP_WORDS}|epoch|iter|iteration){_STEP_NUMBER}",
    re.ASCII | re.IGNORECASE,
)


def step_parts(value: Any) -> tuple[int, str] | None:
    """A record's training step and the checkpoint name it was written with ('' for a number):
    verl's integer, TRL's ``str(global_step)`` (its ``log_completions`` table, every step's rows
    in one file), a whole float (pandas writing an integer column that has a gap), or a
    checkpoint's name ending in its step (``global_step_100``, ``checkpoint-500``, ``step=100``:
    :data:`_CHECKPOINT_NAME`); anything else is no step (``v2``, ``epoch_3``, a path)."""
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return int(text), ""
        named = _CHECKPOINT_NAME.fullmatch(text)
        return (int(named[2]), named[1]) if named else None
    if isinstance(value, float) and value.is_integer():
        return int(value), ""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, ""
    return None


def takes(record: Any, options: ReadOptions) -> bool:
    """Whether ``record`` has the prompt and generation fields the plain reader reads (named by
    the field flags, or under the names it knows)."""
    record = unbatched(record)
    return (
        isinstance(record, dict)
        and _prompt_key(record, options) is not None
        and (
            _pick(record, options.gen_field, GEN_FIELDS) is not None
            or (options.gen_field is None and _reply(record) is not None)
        )
    )


def completion_text(value: Any) -> tuple[str, bool | None]:
    """A generation as text, and whether it says it was cut at the length limit (None: it does
    not say). A string is itself; a completion object its text: vLLM's ``CompletionOutput``
    and an OpenAI completion choice (``text``, ``finish_reason``), an OpenAI chat choice
    (``message``, ``finish_reason``) or a chat message (``role``, ``content`` or tool calls:
    :func:`chat_message_text`). A script that dumps ``outputs`` as vLLM returns them keeps
    token ids and log-probabilities beside the text; the generation was that object's JSON.
    Anything else is its JSON."""
    if isinstance(value, dict):
        finish = value.get("finish_reason")
        cut = finish == "length" if isinstance(finish, str) else None
        message = value.get("message")
        if isinstance(value.get("text"), str):
            return value["text"], cut
        if isinstance(message, dict) and "role" in message:
            return chat_message_text(message), cut
        if "role" in value and any(f in value for f in ("content", *CALL_FIELDS)):
            return chat_message_text(value), cut
    return (value if isinstance(value, str) else stringify(value) or ""), None


class PlainReader(Reader):
    """``{"prompt", "gen", "answer", "accuracy"}`` JSON lines, and the generic field-name fallback."""

    name = "plain"
    description = (
        "JSONL with prompt/gen/answer/accuracy (or question/output/gold/score, ...) per line"
    )
    extensions: ClassVar[tuple[str, ...]] = (".jsonl", ".json")
    #: Who writes a NaN or infinite score in this form, for the note that tells them.
    non_finite_why: ClassVar[str] = "as a script's json.dumps writes float('nan') or float('inf')"
    appendable = True

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is None:
            # A first line longer than detection reads: judge by the key names in what is read
            # (wherever they fall in it: a long prompt may come before "gen").
            text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
            if "\n" in text or "\r" in text:
                return 0  # its first line ended (JSON strings hold no raw line breaks): not one
            if text.startswith("{") and '"prompt"' in text and '"gen"' in text:
                from evaltui.data.formats.plain_document import head_records

                # ... unless it is one JSON document holding a list of records (read whole)
                return 0 if head_records(head, ReadOptions()) is not None else 60
            return 0
        return record_score(first)

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """A plain file's run is its folder; files of one name in two folders of one name
        (``expA/val_generations/50.jsonl``, ``expB/val_generations/50.jsonl``: two experiments)
        are two runs, told apart by their folders. In one folder, files whose names differ once
        their shard or pass number is taken off (:func:`run_name`) are separate runs when they
        evaluated common prompts (one file per model: ``Qwen2.5-7B-Instruct.jsonl``,
        ``DeepSeek-R1-Distill-Qwen-7B.jsonl``), labelled by that name; files that share no
        prompt (one model's tasks: ``math500.jsonl``, ``aime24.jsonl``) stay the folder's run,
        as their prompts cannot merge (see :mod:`evaltui.data.runs`). With ``--label``, every
        file is that one label."""
        if options.label:
            return None
        folder = found_in(path)
        label = self.folder_run(path, options)
        return RunIdentity(label, str(folder), path.name, name=run_name(path.name))

    def places(self, count: int) -> str:
        """``count`` records' places, as the file's notes count them: ``2 lines``."""
        return plural(count, "line")

    def numbers(self, lines: list[int]) -> str:
        """The first few of records' 1-based line numbers, as the file's notes name them."""
        return first_few(lines)

    def folder_run(self, path: Path, options: ReadOptions) -> str:
        """The run label a file's folder gives it (without ``--label``): the folder's name."""
        return folder_label(found_in(named(path, options)))

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        errors: list[LoadError] = []
        notes: list[str] = []
        parsed = iter_json_lines(path, source, options.window, errors, notes)
        return self.read_parsed(path, source, options, parsed, errors, notes)

    def read_records(
        self,
        path: Path,
        source: str,
        options: ReadOptions,
        lines: Sequence[int] | None,
        task: str | None = None,
        runs: Sequence[str] = (),
    ) -> ReadResult:
        """Exported records are JSON lines, whatever plain form they came from (a file's own
        lines; a document's records and a table's rows re-encoded, see :meth:`records`): read
        back as plain JSONL, not by a subclass's :meth:`read`."""
        return PlainReader.read(self, path, source, options)

    def read_parsed(
        self,
        path: Path,
        source: str,
        options: ReadOptions,
        parsed: Iterator[tuple[int, int | None, Any]],
        errors: list[LoadError],
        notes: list[str],
    ) -> ReadResult:
        """The rows of ``parsed``'s ``(line, offset, record)`` (JSON lines, the records of one
        JSON document, or a table's rows, which have no byte offset); ``errors`` and ``notes``
        are the parse's and gain the records'."""
        run = options.label or self.folder_run(path, options)
        rows = Rows()
        # The distinct scores while they are only -1 and 1 (a pass/fail reward: verl's DAPO
        # writes 1 correct, -1 wrong), None once another is seen: such a file is told how to
        # make 1 correct (a continuous score has no 'correct' unless a threshold is given).
        signs: set[float] | None = set()

        def add(
            step: int | None,
            line_no: int,
            offset: int | None,
            prompt: str,
            answer: str | None,
            gen: str,
            score: float | None,
            extracted: str | None,
            truncated: bool | None,
            prompt_score: float | None = None,
            metric: str | None = None,
            aliases: list[str] | None = None,
            higher: bool | None = None,
        ) -> None:
            nonlocal signs
            if signs is not None and score is not None:
                if score in (-1.0, 1.0):
                    signs.add(score)
                else:
                    signs = None
            rows.add(
                # A step stays apart under --label too: the label names the experiment, the
                # step its checkpoint (pooling them averaged step 0's samples with step 500's).
                run=run if step is None else f"{run}{STEP_SEPARATOR}{step}",
                source=source,
                line=line_no,
                offset=offset,
                prompt_id=prompt_hash(prompt),
                prompt=prompt,
                answer=answer,
                gen=gen,
                accuracy=score,
                extracted=extracted,
                truncated=truncated,
                prompt_score=prompt_score,
                metric=metric,
                higher_is_better=higher,
                reference_aliases=aliases,
            )

        # A field flag naming a field no record has (a typo) is told, not silently unscored.
        given = options.field_flags()
        flags = {flag: given[flag] for flag in ("--score-field", "--answer-field") if flag in given}
        records = 0
        non_finite: list[int] = []  # lines with a NaN or infinite score
        # the record's line when its score is one of several named ones (what --metric picks)
        by_name: list[int] = []
        metric_said = False  # a note of the file says what --metric did
        no_score: list[int] = []  # lines whose score field is there, null or empty
        nulls: list[int] = []  # lines whose list of generations holds a null
        # lines whose score is text read as a number ("50%", "true"), and the first few readings
        texts: list[int] = []
        readings: dict[str, float] = {}
        first_keys: list[str] = []
        dict_fields: set[str] = set()  # the first record's fields holding a dict
        told: set[str] = set()
        score_choice_told = options.score_field is not None
        # A 'step' that is no step (a float, a word) leaves its record in the run without one;
        # two such values that differ are told, and one step written under two checkpoint names
        # (``actor_100``, ``critic_100``), not silently pooled.
        unread_steps: list[str] = []  # the first few distinct such values (a fifth: more)
        unread_lines: list[int] = []  # the first few lines of them
        unread_count = 0
        step_names: dict[int, dict[str, str]] = {}  # a step's checkpoint names: the value read
        choices_told = False
        # Without a flag, a file none of whose records has a score (or reference) field under any
        # name evaltui knows is told, with the names looked for and the fields it has instead.
        looked_for: dict[str, tuple[str, ...]] = {
            flag: names
            for flag, names in (("--score-field", SCORE_FIELDS), ("--answer-field", ANSWER_FIELDS))
            if flag not in given
        }
        own_step = file_step(path.name)  # NeMo-RL's: the file's name says its records' step
        for line_no, offset, record in parsed:
            record = unbatched(record)
            if not isinstance(record, dict):
                errors.append(LoadError(source, line_no, f"{json_kind(record)}, not an object"))
                continue
            if not score_choice_told:
                score_choice_told = True
                statistics = reward_statistics(record)
                if statistics:
                    many = len(statistics) > 1
                    notes.append(
                        f"{source}: {_quoted(statistics)}"
                        f" {'are statistics' if many else 'is a statistic'} over a group of"
                        " samples (the same number on each of the group's samples), not a"
                        " sample's score: not read as one (the exported records keep"
                        f" {'them' if many else 'it'}; --score-field {statistics[0]} reads it as"
                        " the score)"
                    )
                candidates = [name for name in SCORE_FIELDS if _has(record, name)]
                if len(candidates) > 1:
                    others = ", ".join(repr(name) for name in candidates[1:])
                    notes.append(
                        f"{source}: scored by {candidates[0]!r}; its records also have {others} "
                        f"(--score-field {candidates[1]} to score by that instead)"
                    )
            if not choices_told:
                # A generation or reference under two names evaltui knows (a script's 'output'
                # beside its 'response', an 'answer' the model's beside the 'gold'): the first
                # in order is read, and the file says which, with the flag to read the other.
                choices_told = True
                for what, flag, given_name, known in (
                    ("generations read from", "--gen-field", options.gen_field, GEN_FIELDS),
                    ("references read from", "--answer-field", options.answer_field, ANSWER_FIELDS),
                ):
                    candidates = [name for name in known if _has(record, name)]
                    if given_name is None and len(candidates) > 1:
                        others = ", ".join(repr(name) for name in candidates[1:])
                        notes.append(
                            f"{source}: {what} {candidates[0]!r}; its records also have {others}"
                            f" ({flag} {candidates[1]} to read that instead)"
                        )
            records += 1
            if not first_keys:
                first_keys = list(record)
                dict_fields = {k for k, v in record.items() if isinstance(v, dict)}
            if flags:
                flags = {flag: name for flag, name in flags.items() if name not in record}
            if looked_for:
                looked_for = {
                    flag: names
                    for flag, names in looked_for.items()
                    if not any(_has(record, name) for name in names)
                    and not (flag == "--score-field" and reward_columns(record))
                }
            raw_step = record.get("step")
            parts = step_parts(raw_step)
            if parts is None and raw_step is not None:
                unread_count += 1
                if len(unread_lines) <= 5:
                    unread_lines.append(line_no)
                written = (stringify(raw_step) or "")[:60]  # a long value, cut
                if len(unread_steps) < 5 and written not in unread_steps:
                    unread_steps.append(written)
            elif parts is not None and parts[1]:
                spelled = step_names.setdefault(parts[0], {})
                if len(spelled) < 4:
                    spelled.setdefault(parts[1], str(raw_step).strip())
            step = own_step if parts is None else parts[0]
            by_name.clear()
            with rows.entry(errors, source, line_no):
                for how in self._emit(
                    record,
                    step,
                    line_no,
                    offset,
                    options,
                    add,
                    non_finite,
                    nulls,
                    no_score,
                    by_name,
                    (texts, readings),
                ):
                    if how not in told:
                        told.add(how)
                        notes.append(f"{source}: {how}")
                # (a record that failed after its score was picked told nothing of it)
                metric_said = metric_said or bool(by_name)
        if len(unread_steps) > 1:
            notes.append(
                f"{source}: a 'step' that is no number on {self.places(unread_count)}"
                f" ({self.numbers(unread_lines)}; {_quoted(unread_steps[:4])}"
                f"{', …' if len(unread_steps) > 4 else ''}): read as no step,"
                " their records one run (a number, or a checkpoint name ending in one such as"
                " global_step_100, is a step of its own)"
            )
        for number, spelled in step_names.items():
            if len(spelled) > 1:
                notes.append(
                    f"{source}: {_quoted(list(spelled.values()), 3)} are one step, {number} (a"
                    " checkpoint name's ending number is its step): their records one run"
                )
                break
        if nulls:
            notes.append(
                f"{source}: a null in the list of generations on {self.places(len(nulls))}"
                f" ({self.numbers(nulls)}; no text, as a failed request leaves): each read as empty"
                " text, the score as written"
            )
        if non_finite:
            notes.append(
                f"{source}: a NaN or infinite score on {self.places(len(non_finite))}"
                f" ({self.numbers(non_finite)}), {self.non_finite_why}: shown unscored"
            )
        if signs == {-1.0, 1.0}:
            notes.append(
                f"{source}: every score is -1 or 1, as a pass/fail reward writes (verl's DAPO:"
                " 1 correct, -1 wrong): read as a continuous score, its mean in its own units;"
                " --correct-threshold 0 makes 1 correct (pass@k, maj@k, solved)"
            )
        if texts:
            said = ", ".join(
                f"{name_line(repr(text), 24)} as {score:g}" for text, score in readings.items()
            )
            notes.append(
                f"{source}: a text score on {self.places(len(texts))} ({self.numbers(texts)}), as a"
                f" hand-made file writes: read as the number it says (e.g. {said})"
            )
        if no_score:
            notes.append(
                f"{source}: a null or empty score on {self.places(len(no_score))}"
                f" ({self.numbers(no_score)}), as a grader that gave none (or a reward function that"
                " does not apply) writes: shown unscored"
            )
        fields = ", ".join(first_keys[:12]) + (", …" if len(first_keys) > 12 else "")
        for flag, name in flags.items() if records else ():
            what = "none is scored" if flag == "--score-field" else "none has a reference answer"
            # A path into a dict of scores (--score-field accuracy.f1) is a field and --metric.
            field, _, key = name.partition(".")
            pick = (
                f"; {flag_words('--score-field', field)} {flag_words('--metric', key)} scores by"
                f" the key {key!r}"
                f" of the dict {field!r} holds"
                if flag == "--score-field" and key and field in dict_fields
                else ""
            )
            notes.append(
                f"{source}: {flag} {name!r} is in none of its {records} records, so {what} "
                f"(their fields: {fields}){pick}"
            )
        for wanted, names in looked_for.items() if records and rows.height else ():
            what = "a score" if wanted == "--score-field" else "a reference answer"
            # A field named for a loss (mae, wer, error) is not taken unasked: it may be
            # something other than the eval's score (an error's message, a training loss). It
            # is named, with the flag that reads it so (the note said only "name it").
            losses = [k for k in first_keys if name_direction(k) is False]
            if wanted == "--score-field" and losses:
                loss = losses[0]
                how = (
                    f"; {loss!r}, named for a loss or an error, is not taken unasked: "
                    f"{wanted} {loss} reads it as the score, lower is better"
                )
                ending = ""
            else:
                how, ending = "", f"; name it with {wanted}"
            notes.append(
                f"{source}: none of its {records} records has {what} under a name evaltui knows"
                f"{how} (looked for {', '.join(names)}; their fields: {fields}){ending}"
            )
        # Its notes said what --metric did (scored by it, or which key instead): the loader's
        # "--metric changed nothing" is not said beside them.
        return ReadResult(
            rows.frame(), errors, notes, metric_told=options.metric is not None and metric_said
        )

    @staticmethod
    def _emit(
        record: dict[str, Any],
        step: int | None,
        line_no: int,
        offset: int | None,
        options: ReadOptions,
        add: Any,
        non_finite: list[int],
        nulls: list[int],
        no_score: list[int],
        by_name: list[int],
        as_text: tuple[list[int], dict[str, float]] = ([], {}),
    ) -> tuple[str, ...]:
        """Add the record's generations (of its training ``step``, or None); returns what the
        file's notes say about how. A line whose score is one of several named ones (a dict's
        key, a reward function's column: what ``--metric`` picks, said in the notes) goes into
        ``by_name``.
        A NaN or infinite score is the generation's no score (:func:`_plain_score`); its line
        goes into ``non_finite`` for the file's note, and a line whose list of generations holds
        a null (an empty generation) into ``nulls``, and a line whose score field holds a null or
        an empty string (no score, shown unscored) into ``no_score``; a line whose score is
        text read as a number (``"50%"``) into ``as_text``'s lines, the first few readings
        beside them."""

        def score_of(value: Any) -> float | None:
            score = _plain_score(value)
            if isinstance(value, str) and score is not None and math.isfinite(score):
                lines, readings = as_text
                if not lines or lines[-1] != line_no:
                    lines.append(line_no)
                if len(readings) < 3:
                    readings.setdefault(value, score)
            if (
                score is None
                and score_key is not None
                and (not no_score or no_score[-1] != line_no)
            ):
                no_score.append(line_no)
            if score is not None and not math.isfinite(score):
                if not non_finite or non_finite[-1] != line_no:
                    non_finite.append(line_no)
                return None
            return score

        prompt_key = _prompt_key(record, options)
        gen_key = _pick(record, options.gen_field, GEN_FIELDS)
        if prompt_key is None and options.prompt_field is None and chat_text(record.get(CONTENT)):
            # NeMo-RL's message log without a model turn after a prompt: nothing to read
            raise ValueError(
                f"'{CONTENT}' is a chat with no model turn ({ASSISTANT}) after a prompt turn"
            )
        if prompt_key is None:
            raise ValueError(
                f"no prompt field ({_looked_for(options.prompt_field, PROMPT_FIELDS)})"
            )
        if record[prompt_key] is None:
            raise ValueError(f"{prompt_key!r} is null: no prompt")
        raw_prompt = record[prompt_key]
        if prompt_key == CONVERSATIONS:
            raw_prompt = _chat_turns(raw_prompt)
        reply = _reply(record, prompt_key) if prompt_key in CHAT_REPLY_ROLES else None
        if reply is not None:
            # The chat ends in the model's reply: the prompt is the turns before it, and the
            # reply the generation unless a generation field holds one.
            raw_prompt = reply[0]
        gen = record[gen_key] if gen_key is not None else None
        if gen_key is None and reply is not None and options.gen_field is None:
            gen_key, gen = f"{prompt_key}' last turn '{reply[2]}", reply[1]
        if gen_key is not None and gen is None:
            # The field is there, null: a script's failed request, not a missing field.
            raise ValueError(f"{gen_key!r} is null: no generation")
        if gen_key is None or gen is None:
            looked = _looked_for(options.gen_field, GEN_FIELDS)
            if options.gen_field is None and prompt_key in CHAT_REPLY_ROLES:
                *others, last = CHAT_REPLY_ROLES[prompt_key]
                roles = f"{', '.join(others)} or {last}" if others else last
                looked += f", or {prompt_key!r} ending in the model's turn ({roles})"
            raise ValueError(f"no generation field ({looked})")
        if isinstance(raw_prompt, str):
            prompt = raw_prompt
        else:  # chat messages read as the conversation; any other value as its JSON
            prompt = chat_text(raw_prompt) or stringify(raw_prompt) or ""
        answer_key = _pick(record, options.answer_field, ANSWER_FIELDS)
        raw_answer = record[answer_key] if answer_key else None
        # A JSON list of answers (a script's TriviaQA/NQ 'answers', a 'gold' list) is its
        # acceptable answers, shown 'a | b' and any of them matching, as an lm-eval list
        # target or an OpenCompass gold list is; a string is never parsed.
        aliases = reference_aliases(raw_answer) if isinstance(raw_answer, list) else None
        answer = reference_text(raw_answer, aliases)
        score_key = _pick(record, options.score_field, SCORE_FIELDS)
        raw_score = record[score_key] if score_key else None
        # A score field whose name says lower is better (--score-field mae, loss, wer, error) is
        # that metric: its direction is then known (a loss under --correct-threshold 1 is
        # correct at <= 1, not >= 1). A field named for a measure is named too, found or
        # given by --score-field (``reward``, ``f1``, ``rouge1``, ``bleu``), as a reward
        # function's column or a dict's ``f1`` is: a GRPO reward model's 0.23 is a mean reward,
        # a drop ``f1`` of 0.47 a mean f1, no accuracy; and a ``score`` (verl's unit-test
        # fraction, a judge's 0.7): a mean score, whose "correct" is a threshold on it
        # (metrics.measure_named). An accuracy's own names (``accuracy`` 0/0.5/1, ``correct``)
        # and a name that says nothing (``judge``) stay unnamed, their direction unknown.
        metric = score_key if score_key and _score_named(score_key) else None
        told: tuple[str, ...] = ()  # what the file's notes say of this record's score
        columns = reward_columns(record) if options.score_field is None else []
        if columns and (
            score_key is None
            or score_key in columns  # a reward function named like a score (``correctness``)
            or (score_key == "reward" and not isinstance(raw_score, list | dict))
        ):
            # One column per reward function (TRL's completions table): one of them (or the
            # summed 'reward') is the score, each of the others a metric --metric reads.
            summed = None if score_key in columns else score_key
            metric, raw_score, how = _reward_score(record, summed, columns, options.metric)
            score_key, told = metric, (how,)
            by_name.append(line_no)
        elif score_key is not None and isinstance(raw_score, dict):
            # A dict of per-metric scores is read as lighteval's metrics dict is: one of its
            # keys (--metric's, else the first), named as the rows' metric, the others told.
            metric, raw_score, how = _dict_score(score_key, raw_score, options.metric)
            told = (how,)
            by_name.append(line_no)
        elif score_key is not None and isinstance(raw_score, list):
            picked = [
                _dict_score(score_key, s, options.metric) if isinstance(s, dict) else None
                for s in raw_score
            ]
            first = next((p for p in picked if p is not None), None)
            if first is not None:
                metric, told = first[0], (first[2],)
                by_name.append(line_no)
                raw_score = [
                    s if p is None else p[1] for s, p in zip(raw_score, picked, strict=True)
                ]
        extracted_key = _pick(record, None, EXTRACTED_FIELDS)
        extracted = stringify(record[extracted_key]) if extracted_key else None
        truncated: bool | None = None
        if isinstance(record.get("truncated"), bool):
            truncated = record["truncated"]
        elif isinstance(record.get("finish_reason"), str):
            truncated = record["finish_reason"] == "length"

        # A reward function's column is higher-is-better (TRL's ``repetition_penalty_reward``
        # is negative, still maximised), found or given by --score-field (it said 'direction
        # unknown' of the column --metric said higher of). Else the name says it where it is
        # a known metric's (metrics.name_direction): the key read of a dict of scores first
        # (``"rewards": {"loss": …}`` is a loss), then the field's (a ``reward``, a ``bleu``
        # 0-100, an ``accuracy`` in percent: higher; ``rmse``: lower); a ``score`` or a
        # ``judge`` says nothing (the summary says "direction unknown").
        higher = (
            True
            if score_key in columns  # a reward function's, whatever its name says
            or (options.score_field is not None and reward_column(record, options.score_field))
            else _direction_named(metric, score_key)
        )

        def one(
            generation: Any,
            score: float | None,
            extracted_text: str | None,
            prompt_score: float | None = None,
        ) -> None:
            """One generation of this record (its step, line, prompt, answer, truncation): a
            completion object's text, and its own finish_reason before the record's."""
            text, own_truncation = completion_text(generation)
            add(
                step,
                line_no,
                offset,
                prompt,
                answer,
                text,
                score,
                extracted_text,
                truncated if own_truncation is None else own_truncation,
                prompt_score,
                metric,
                aliases,
                higher,
            )

        if isinstance(gen, list):
            if not gen:
                raise ValueError(f"'{gen_key}' is an empty list")
            parts = gen
            if any(g is None for g in gen):
                nulls.append(line_no)
            if isinstance(raw_score, list):
                if len(raw_score) != len(parts):
                    raise ValueError(
                        f"'{gen_key}' has {len(parts)} elements but '{score_key}' has {len(raw_score)}"
                    )
                extracted_list = record.get(extracted_key) if extracted_key else None
                for i, (part, score) in enumerate(zip(parts, raw_score, strict=True)):
                    one_extracted = extracted
                    if isinstance(extracted_list, list) and len(extracted_list) == len(parts):
                        one_extracted = stringify(extracted_list[i])
                    one(part, score_of(score), one_extracted)
                return told
            if gen_key in SAMPLE_LISTS and len(parts) > 1:
                # n samples of the prompt: each its own generation; one number for all of them
                # is the prompt's (a mean over the samples, a pass@n), not each sample's.
                prompt_score = score_of(raw_score)
                for part in parts:
                    one(part, None, extracted, prompt_score)
                if score_key is None or prompt_score is None:
                    return told
                return (
                    *told,
                    f"'{gen_key}' holds several samples per line and '{score_key}' one number: "
                    "kept as the prompt's score, the samples unscored",
                )
            one(GEN_JOIN.join(completion_text(g)[0] for g in parts), score_of(raw_score), extracted)
            return told
        if isinstance(raw_score, list):
            raise ValueError(f"'{score_key}' is a list but '{gen_key}' is not")
        one(gen, score_of(raw_score), extracted)
        return told
