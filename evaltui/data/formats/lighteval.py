"""lighteval details parquet: ``details/<model>/<date>/details_<task>_<date>.parquet``.

≥0.11: three struct columns ``doc`` (query, choices, gold_index, id, task_name, num_samples, …),
``metric`` (name -> value) and ``model_response`` (``text``: the k samples). ≤0.10: flat columns
(``example``/``full_prompt``, ``predictions``, ``gold``, ``metrics``); mid-2024 versions wrote
every one of them as text, ``str(value)`` (``"[' 5']"``, ``"{'em': 1.0}"``), read back here as the
values they were. The reference is
``doc.choices[doc.gold_index]`` (≤0.10: the ``gold`` list). The chat messages an API model is
sent (≤0.10's ``full_prompt``, ≥0.11's ``model_response.input``) are shown as turns. A sample
whose text is empty and whose ``model_response.reasonings`` holds the model's thinking (litellm,
a reasoning model cut at its token limit) is shown by that reasoning, with a note; one with a text
too is shown as its reasoning, a line break and its text (its answer the text's), with a note. A sample whose
``model_response.text_post_processed`` (what lighteval scores: its ``final_text``, reasoning tags'
content removed) differs from its text shows the text, with the answer found in the
post-processed one (which a re-score scores: ``scored_text``), and a note. A log-likelihood
(multiple-choice) doc's answer is its likeliest choice, as its score's normalization chose (per
character, ``acc_norm``; per token, ``acc_norm_token``; less the unconditioned log-probability,
``acc_norm_pmi``, whose task logs twice the log-probabilities); ≤0.10 may log the choices'
log-probabilities alone (single-token tasks). A perplexity doc (no choices, no text: wikitext)
is shown by its text's log-likelihood, unscored, with a note. A multi-turn doc (MT-Bench: its
``specific`` lists the ``multi_turn_queries``, one text per turn) is one prompt per turn
(``<task>:<doc id>:t<turn>``), scored by that turn's ``judge_score_turn_<turn>``. A one-sample
generative doc's
extracted answer is the first of the ``extracted_predictions`` lighteval's extractive match keeps in
the doc's ``specific``; a doc of n samples whose list holds 2n values (each sample's parsed answer
and its string match) gives each sample its own, as does a list of another length (more than two
values) that can be cut into the samples' groups of 0-2 values in one way only, each value found
in its sample's text; any other list is not split (with a note).
A doc whose metric values are all null (or that has none) is unscored, with a note naming them.
The first numeric metric scores the document (named in ``metric``): with one sample it is that
sample's score, with several it is kept as the prompt's score (``prompt_score``) and a note says
the samples are unscored. Prompt ids are ``<task>:<doc id>``, the task from ``doc.task_name`` or
the file name. One date folder is one run: two runs of one model are told apart
(``model @ <date id>``).

An export of the records (each parquet row as a JSON line, :meth:`LightevalReader.records`) is
read back as lighteval details: a ``.jsonl`` of such rows holds the doc, its metrics and the
model's texts, all a row needs. A ≤0.10 row has no doc id (its id is its row number): read back
source by source, each row gets its number in the source file from the export's manifest.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from evaltui.data.extract import extract_answer
from evaltui.data.formats.base import (
    ALIAS_SEPARATOR,
    EntryError,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    at_rows,
    chat_text,
    frame_from_rows,
    named,
    stringify,
    to_score,
    verdict_list,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.schema import LoadError
from evaltui.data.wording import flag_words, plural

NEW = {"doc", "metric", "model_response"}
OLD = {"predictions", "gold"}
#: ≤0.10 columns holding lists or dicts. lighteval's ``save()`` of mid 2024 wrote every detail
#: field as ``str(value)`` ("we force cast to str to avoid formatting problems for nested
#: objects"; later only when the typed dataset failed): such a column is a text column.
CONTAINER_COLUMNS = ("predictions", "gold", "choices", "gold_index", "metrics")
#: numpy scalars as numpy ≥ 2 writes them (``np.float64(1.0)``, ``np.True_``): their value.
_NUMPY_SCALAR = re.compile(r"\bnp\.(?:float|int|uint|bool)\w*\(([^()]*)\)")
_NUMPY_BOOL = re.compile(r"\bnp\.(True|False)_")
_NUMBER = re.compile(r"-?\d{1,18}(?:\.\d{1,18})?")


def _lists(value: Any) -> Any:
    """Tuples (a log-likelihood's ``(logprob, is_greedy)``) as lists, as Arrow stores them."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _from_text(value: Any, column: str) -> Any:
    """A ≤0.10 container field lighteval wrote as ``str(value)`` (a Python literal), as that
    value; raises :class:`EntryError` (the doc's error) when the text is no such literal."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if text[0] not in "[{(":
        # Not the text of a list or dict: a number (``str`` of an int gold index), else the
        # plain text it is.
        return _lists(ast.literal_eval(text)) if _NUMBER.fullmatch(text) else value
    for attempt in (text, _NUMPY_BOOL.sub(r"\1", _NUMPY_SCALAR.sub(r"\1", text))):
        try:
            return _lists(ast.literal_eval(attempt))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
    shown = text if len(text) <= 60 else text[:59] + "…"
    raise EntryError(
        f"{column}: {shown!r} is not a value lighteval wrote as text (str of a list or dict)"
    )


def _prompt(value: Any) -> str | None:
    """A prompt as shown. lighteval sends an API model (LiteLLM, inference providers) chat
    messages, ``[{"role", "content"}]``, which ≤0.10 logs as the doc's ``full_prompt`` (its
    ``doc.ctx``; ≥0.11 as ``model_response.input``): shown as turns, as other formats' chat
    prompts are (:func:`~evaltui.data.formats.base.chat_text`), not as their JSON. A ``str()``
    of such messages (the details written as text) likewise; any other text as it is."""
    if isinstance(value, str) and value.startswith("[{"):
        try:
            return chat_text(_from_text(value, "full_prompt")) or value
        except EntryError:
            return value  # a prompt that only starts like a list: its text
    return chat_text(value) or stringify(value)


def _columns(path: Path) -> set[str]:
    import pyarrow.parquet as pq

    return set(pq.read_schema(path).names)


def _model(path: Path) -> str:
    parts = path.parts
    if "details" in parts:
        start = len(parts) - 1 - parts[::-1].index("details")
        inner = parts[start + 1 : -2]  # details/<model name, maybe org/model>/<date>/<file>
        if inner:
            return "/".join(inner)
    if path.suffix.lower() == ".jsonl" and not DATE_ID.fullmatch(path.parent.name):
        # Exported rows with nothing beside them (no <model>/<date> folders): named after
        # the file, as other formats' exported records are.
        return path.stem
    hub = HUB_REPO.fullmatch(path.parent.parent.name)
    if hub and DATE_ID.fullmatch(path.parent.name):
        # --push-to-hub's dataset repo, downloaded: details_<org>__<model>/<date>/…, the
        # model's '/' written '__' (its name in the results file beside: org/model).
        return hub.group("model").replace("__", "/")
    return path.parent.parent.name


def _is_rows_record(record: dict[str, Any] | None) -> bool:
    """A JSON line that is a lighteval details row, as :meth:`LightevalReader.records` writes
    one: ≥0.11's doc/metric/model_response, or ≤0.10's predictions, gold and metrics with
    the prompt (``full_prompt`` or ``example``)."""
    if record is None:
        return False
    keys = set(record)
    return keys >= NEW or (keys >= {*OLD, "metrics"} and bool(keys & {"full_prompt", "example"}))


#: The dataset repo ``--push-to-hub`` writes a model's details to (``<org>/details_<model with
#: '/' as '__'>``, ``_private`` unless public): its ``<date id>/details_<task>_<date id>.parquet``
#: beside ``results_<date id>.json`` and ``.parquet``, as downloaded.
HUB_REPO = re.compile(r"details_(?P<model>.+?)(?:_private)?", re.DOTALL)
#: The results as ``--push-to-hub`` also writes them: a parquet of one row, one JSON text column
#: per part of the results file (config_general, results, versions, …).
RESULTS_PARQUET = re.compile(r"results_.*\.parquet", re.DOTALL)
#: lighteval's date id: ``datetime.now().isoformat().replace(":", "-")``.
DATE_ID = re.compile(r"\d{4}-\d\d-\d\dT[\d-]+(?:\.\d+)?", re.ASCII)
#: ``details_<task>_<date id>``: lighteval's file name (the task holds ``|``, maybe ``_``; any
#: character, a line break too: DOTALL, as lm-eval's SAMPLES_NAME).
DETAILS_NAME = re.compile(rf"details_(?P<task>.+)_{DATE_ID.pattern}", re.DOTALL | re.ASCII)


def _task(path: Path) -> str:
    """The task a details file holds, from its name (``lighteval|gsm8k|0``); else the stem."""
    match = DETAILS_NAME.fullmatch(path.stem)
    return match.group("task") if match else path.stem


def _numeric_metrics(metrics: Any) -> Iterator[tuple[str, float]]:
    """A doc's numeric metrics, with their names, in order (a non-numeric one, e.g. a text or
    a corpus-level metric's inputs, is passed over).

    lighteval's metrics are means of per-sample scores and documents no non-finite value: an
    ``Infinity``/``NaN`` there is the doc's error (raised inside its entry guard), never a score.
    """
    if isinstance(metrics, dict):
        for name, value in metrics.items():
            if isinstance(value, list | dict):
                continue
            try:
                score = to_score(value, non_finite=True)
            except ValueError:
                continue
            if score is None:
                continue
            if not math.isfinite(score):
                raise EntryError(
                    f"metric {name}: score {score} is not a finite number (lighteval writes none)"
                )
            yield str(name), score


def _first_metric(
    metrics: Any, wanted: str | None = None, others: dict[str, None] | None = None
) -> tuple[str | None, float | None]:
    """The metric a doc is scored by, with its name: ``wanted`` (``--metric``) when the doc
    has it as a number, else its first numeric metric. The doc's other numeric metrics are
    added to ``others`` (their names, in order), when given."""
    found = list(_numeric_metrics(metrics))
    # A list of verdicts, one per item of the doc (ifeval's inst_level_*), is a score when asked
    # for: the share of the doc's items right.
    lists = (
        [(str(n), v) for n, v in metrics.items() if verdict_list(v)]
        if isinstance(metrics, dict)
        else []
    )
    chosen: tuple[str | None, float | None] = next(
        (m for m in found if m[0] == wanted),
        next(
            ((n, sum(float(x) for x in v) / len(v)) for n, v in lists if n == wanted),
            found[0] if found else (None, None),
        ),
    )
    if others is not None:
        others.update(dict.fromkeys(n for n, _ in [*found, *lists] if n != chosen[0]))
    return chosen


def _names(names: Sequence[str], most: int = 4) -> str:
    """``'a', 'b', 'c', 'd' and 7 more``: at most ``most`` names, quoted (the file's words)."""
    shown = ", ".join(repr(n) for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _no_score_metrics(metrics: Any) -> list[str]:
    """The names of a doc's metric values that are there but no number (the doc has no
    numeric one): a corpus-level metric logs its inputs per doc (GenerativeCorpusMetricInput's
    golds and preds for bleu, chrf, ter; LogprobCorpusMetricInput's for an f1 or mcc), a dict
    that lighteval turns into the task's score, none of the doc's. Null values (a metric of
    other docs, in a struct column) are not counted."""
    if not isinstance(metrics, dict):
        return []
    return [str(name) for name, value in metrics.items() if value is not None]


def _null_metrics(metrics: Any) -> list[str]:
    """The names of a doc's metric values that are null (all of them, when the doc has no
    other): a metric that logged nothing for the doc, or whose column Arrow typed null because
    no doc had a value."""
    if not isinstance(metrics, dict):
        return []
    return [str(name) for name, value in metrics.items() if value is None]


def _null_note(source: str, count: int, docs: int, names: list[str]) -> str:
    """What is said of ``count`` docs (of ``docs`` read) left unscored because their metric
    values (``names``) are all null, or because they have none."""
    if not names:
        return (
            f"{source}: {plural(count, 'doc')} unscored: no metric value is logged for"
            f" {'it' if count == 1 else 'them'}"
        )
    which = "every doc" if count == docs else "it" if count == 1 else "them"
    return (
        f"{source}: {plural(count, 'doc')} unscored: {'metric' if len(names) == 1 else 'metrics'}"
        f" {_names(names)} {'is' if len(names) == 1 else 'are'} null for {which}"
        " (lighteval logged no value: no score to show)"
    )


def _golds(gold: Any) -> list[str] | None:
    """≤0.10 ``gold`` (``doc.get_golds()``, a list of reference texts): the acceptable answers."""
    if isinstance(gold, list):
        texts = [stringify(g) or "" for g in gold if g is not None]
        return list(dict.fromkeys(texts)) or None
    text = stringify(gold)
    return None if text is None else [text]


def _reference(choices: Any, gold: Any) -> list[str] | None:
    """The gold choices' texts (several when the doc has several gold indices)."""
    if isinstance(choices, list) and choices:
        golds = gold if isinstance(gold, list) else [gold]
        picked = [choices[g] for g in golds if isinstance(g, int) and 0 <= g < len(choices)]
        if picked:
            return list(dict.fromkeys(stringify(p) or "" for p in picked))
    return None


#: Why a log-likelihood doc of one choice holds no answer of the model's (rows' ``answer_unknown``).
ONE_CONTINUATION = (
    "log-likelihood of one continuation: the text shown is the target, what the model would"
    " answer is unknown"
)


def _chosen(
    logprobs: Any,
    choices: Any,
    metric: str | None = None,
    tokens: Any = None,
    apart: Any = None,
) -> int | None:
    """A multiple-choice doc's choice: the highest log-probability one (what ``acc`` scores),
    or as the doc's metric normalizes it (lighteval's LoglikelihoodAcc, named
    ``acc_<normalization>``): per character of the choice (``acc_norm``, ``…_nospace`` without
    its leading space), per token of it (``acc_norm_token``: ``tokens``, the choices' tokens),
    or less its log-probability without the question (``acc_norm_pmi``).

    A task with a PMI metric logs twice the log-probabilities, the choices' then the same
    choices' unconditioned ones (``logprobs[:n]``, ``logprobs[n:2n]``): only the first half
    are choices. ≥0.11's ModelResponse may keep them apart, in ``unconditioned_logprobs``
    (``apart``), one per choice."""
    if not isinstance(logprobs, list) or not isinstance(choices, list) or not choices:
        return None
    count = len(choices)
    if len(logprobs) not in (count, 2 * count):
        return None
    values = [v for v in logprobs if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(values) != len(logprobs):
        return None
    values, unconditioned = values[:count], values[count:]
    if not unconditioned and _numbers(apart) and len(apart) == count:
        unconditioned = list(apart)
    if metric is not None and metric.endswith(("acc_norm", "acc_norm_nospace")):
        texts = [stringify(c) or "" for c in choices]
        nospace = metric.endswith("_nospace")
        lengths = [len(t) - (1 if nospace and t.startswith(" ") else 0) for t in texts]
        values = [v / max(n, 1) for v, n in zip(values, lengths, strict=True)]
    elif metric is not None and metric.endswith("norm_token"):
        if (
            isinstance(tokens, list)
            and len(tokens) >= count
            and all(isinstance(t, list) for t in tokens[:count])
        ):
            values = [v / max(len(t), 1) for v, t in zip(values, tokens[:count], strict=True)]
    elif metric is not None and metric.endswith("norm_pmi") and unconditioned:
        values = [v - u for v, u in zip(values, unconditioned, strict=True)]
    return max(range(len(values)), key=values.__getitem__)


def _extracted_list(specific: Any) -> list[Any] | None:
    """The doc's ``extracted_predictions`` (``specific``; ≤0.10: the ``specifics`` column), None
    when it has none."""
    if isinstance(specific, str):
        try:
            specific = _from_text(specific, "specifics")
        except EntryError:
            return None
    found = specific.get("extracted_predictions") if isinstance(specific, dict) else None
    return found if isinstance(found, list) else None


def _answer(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _extracted_prediction(specific: Any) -> str | None:
    """A one-sample generative doc's extracted answer: what lighteval's extractive_match (math,
    gsm8k, …) parsed from the text, kept in the doc's ``specific`` (≤0.10: the ``specifics``
    column) as ``extracted_predictions``, the parsed answer first (then its string match).
    None when there is none."""
    found = _extracted_list(specific)
    return _answer(found[0]) if found else None


#: What a value and a text are compared by when a value's sample is looked for: their words of
#: letters and digits (ASCII lowercased; other characters kept, the bytes of their UTF-8), all
#: else a separator (lighteval's parsed ``1/2`` is ``1 2``, in ``\\frac{1}{2}``'s ``frac 1 2``).
#: Done on bytes: a regular expression over a reasoning model's 64 samples took a second a doc.
_WORD_BYTES = bytes(
    c if c >= 0x80 or (chr(c).isalnum() and chr(c).isascii()) else 0x20 for c in range(256)
).lower()


def _words(text: str) -> bytes:
    return text.encode("utf-8", errors="replace").translate(_WORD_BYTES)


def _word_pattern(value: str) -> re.Pattern[bytes] | None:
    """A value's words in turn (any separators between), the last ending a word; None for no
    word. It opens with the first word itself, so that a search skips along to it (a pattern
    opening with a look-behind is tried at every byte: a second a doc)."""
    words = _words(value).split()
    if not words:
        return None
    return re.compile(rb" +".join(re.escape(w) for w in words) + rb"(?![^ ])")


def _holds(pattern: re.Pattern[bytes] | None, words: bytes) -> bool:
    """Whether ``words`` (:func:`_words`) hold the value ``pattern`` matches, as whole words."""
    if pattern is None:
        return True
    return any(m.start() == 0 or words[m.start() - 1] == 0x20 for m in pattern.finditer(words))


class _SampleWords:
    """One sample's text as :func:`_words`, and the set of those words (made when first asked):
    a value none of whose words is in the set is not in the text, found without a search."""

    __slots__ = ("_set", "text")

    def __init__(self, text: str) -> None:
        self.text = _words(text)
        self._set: frozenset[bytes] | None = None

    def may_hold(self, value: list[bytes]) -> bool:
        if self._set is None:
            self._set = frozenset(self.text.split())
        return all(word in self._set for word in value)


#: The most values one sample gives extractive_match's list: its parsed answer, then the first
#: string it matched (``fallback_mode="first_match"``).
_PER_SAMPLE = 2
#: How many times its samples' text one doc's value searches may read, at most (short texts:
#: this many characters).
_SEARCH_BUDGET = 4
_SEARCH_FLOOR = 4_000_000


def _extracted_per_sample(specific: Any, texts: Sequence[str]) -> list[str | None] | None:
    """Each sample's extracted answer of a doc of several samples (``texts``), when its flat
    ``extracted_predictions`` tells them apart; None when it does not (or there is none).

    extractive_match extracts from each sample 0, 1 or 2 values (the parsed answer, then its
    string match: ``extract_target_from_pred``) and flattens them all, in the samples' order,
    into one list. A list of exactly two per sample is each sample's pair in turn. Any other
    length is cut into the samples' groups when exactly one cut has every value in its own
    sample's text (whole words of letters and digits compared: a parsed ``1/2`` of
    ``\\frac{1}{2}``, a string match itself); a sample of no value extracted none. A list of at
    most two values is never cut so: a pass@k metric scoring each sample alone leaves the last sample's values only,
    which would read as the other samples having no answer."""
    found = _extracted_list(specific)
    count = len(texts)
    if not found or count < 2:
        return None
    if len(found) == _PER_SAMPLE * count:
        return [_answer(found[_PER_SAMPLE * j]) for j in range(count)]
    if len(found) <= _PER_SAMPLE or len(found) > _PER_SAMPLE * count:
        return None
    # Words compared whole: a value's "3" is not in "\\boxed{31}" (nor "1/2" in "1/25").
    values = [_word_pattern(str(v)) for v in found]
    value_words = [_words(str(v)).split() for v in found]
    samples = [_SampleWords(t) for t in texts]
    # Each (value, sample) looked up once; the searches stop past a few times the texts' size
    # (reasoning samples of 100 KB each, 64 of them: the doc is left unsplit, not read for
    # seconds).
    budget = [max(_SEARCH_BUDGET * sum(len(w.text) for w in samples), _SEARCH_FLOOR)]
    seen: dict[tuple[int, int], bool] = {}

    def holds(j: int, i: int, size: int) -> bool:
        for at in range(i, i + size):
            if (at, j) not in seen:
                if not samples[j].may_hold(value_words[at]):
                    seen[at, j] = False
                elif len(value_words[at]) < 2:
                    seen[at, j] = True  # one word, or none: the set says it all
                else:  # several words: in turn, in the text itself
                    budget[0] -= len(samples[j].text)
                    if budget[0] < 0:
                        raise _OverBudget
                    seen[at, j] = _holds(values[at], samples[j].text)
            if not seen[at, j]:
                return False
        return True

    # ways[j][i]: the cuts of values[i:] into samples j.. (counted up to 2: one is all we take)
    length = len(values)
    ways = [[0] * (length + 1) for _ in range(count + 1)]
    ways[count][length] = 1
    try:
        for j in range(count - 1, -1, -1):
            # samples j.. hold at most 2 values each: values[i:] fit only from i >= length - 2k
            for i in range(length, max(length - _PER_SAMPLE * (count - j), 0) - 1, -1):
                ways[j][i] = min(
                    sum(
                        ways[j + 1][i + size]
                        for size in range(min(_PER_SAMPLE, length - i) + 1)
                        if ways[j + 1][i + size] and holds(j, i, size)
                    ),
                    2,
                )
    except _OverBudget:
        return None
    if ways[0][0] != 1:
        return None  # no cut, or several: the list does not say whose each value is
    answers: list[str | None] = []
    i = 0
    for j in range(count):
        for size in range(min(_PER_SAMPLE, length - i) + 1):
            if ways[j + 1][i + size] and holds(j, i, size):
                answers.append(_answer(found[i]) if size else None)
                i += size
                break
    return answers


class _OverBudget(Exception):
    """The value-in-text searches of one doc went past :data:`_SEARCH_BUDGET`."""


def _specific(specific: Any) -> dict[str, Any]:
    """A doc's ``specific`` (≤0.10: the ``specifics`` column, maybe its str()) as a dict."""
    if isinstance(specific, str):
        try:
            specific = _from_text(specific, "specifics")
        except EntryError:
            return {}
    return specific if isinstance(specific, dict) else {}


def _turn_queries(specific: Any, count: int) -> list[str] | None:
    """A multi-turn doc's user turns (MT-Bench's ``multi_turn_queries``), one per text of the
    model's (``count``: its answer to each turn); None for any other doc."""
    queries = _specific(specific).get("multi_turn_queries")
    if (
        count > 1
        and isinstance(queries, list)
        and len(queries) == count
        and all(isinstance(q, str) for q in queries)
    ):
        return queries
    return None


def _turn_references(specific: Any, count: int) -> list[str | None]:
    """Each turn's reference answer (MT-Bench's ``reference``, one per turn, mostly empty)."""
    references = _specific(specific).get("reference")
    if isinstance(references, list) and len(references) == count:
        return [r if isinstance(r, str) and r.strip() else None for r in references]
    return [None] * count


def _turn_score(value: Any) -> float | None:
    """A turn's judge score (a number; lighteval writes no non-finite one); None otherwise."""
    try:
        score = to_score(value, non_finite=True)
    except ValueError:
        return None
    if score is not None and not math.isfinite(score):
        raise EntryError(f"judge score {score} is not a finite number (lighteval writes none)")
    return score


#: Why a perplexity doc's text holds no answer of the model's (rows' ``answer_unknown``).
PERPLEXITY = "perplexity: the text shown is the document's log-likelihood, no answer"


def _numbers(values: Any) -> bool:
    """A non-empty list of numbers (log-probabilities), no bools."""
    return (
        isinstance(values, list)
        and bool(values)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    )


def _log_likelihood(logprobs: list[Any]) -> str:
    """A perplexity doc's log-likelihood as text: its log-probabilities summed, as lighteval's
    PerplexityPreparator sums them."""
    return repr(float(sum(logprobs)))


def _first_true(flags: Any) -> bool:
    """Whether a list of flags (``argmax_logits_eq_gold``, one per continuation) opens with
    True (or 1.0, as Arrow may store it)."""
    return isinstance(flags, list) and bool(flags) and flags[0] in (True, 1)


def _greedy_pair(predictions: Any) -> bool:
    """Whether ≤0.10 log-likelihood predictions open with a (log-probability, is-greedy) pair
    whose continuation greedy decoding gives."""
    first = predictions[0] if isinstance(predictions, list) and predictions else None
    return isinstance(first, list) and len(first) == 2 and _first_true(first[1:])


def _old_logprobs(predictions: Any) -> list[Any] | None:
    """≤0.10 log-likelihood predictions (one per choice) as the log-probabilities: ``[[logprob,
    is_greedy], …]`` (LoglikelihoodResponse), or the log-probabilities alone (a
    LoglikelihoodSingleTokenResponse's list of them, flattened into ``predictions``; a
    LoglikelihoodResponse whose result is the float alone); None for generated text."""
    if not isinstance(predictions, list) or not predictions:
        return None
    if all(isinstance(p, int | float) and not isinstance(p, bool) for p in predictions):
        return predictions
    # is_greedy is a bool, or 0.0/1.0 once Arrow stored the pair as one list of floats.
    if all(
        isinstance(p, list) and len(p) == 2 and not isinstance(p[0], bool) and p[1] in (0, 1)
        for p in predictions
    ):
        return [p[0] for p in predictions]
    return None


class LightevalReader(Reader):
    name = "lighteval"
    own_answers = True
    description = (
        "lighteval details parquet (≥0.11 doc/metric/model_response structs; ≤0.10 flat columns)"
    )
    extensions = (".parquet", ".jsonl")

    def sniff(self, path: Path, head: bytes) -> int:
        if path.suffix.lower() == ".jsonl":  # exported rows (see the module's doc)
            return 92 if _is_rows_record(first_record(head)) else 0
        if not head.startswith(b"PAR1"):
            return 0
        try:
            columns = _columns(path)
        except Exception:  # an unreadable parquet is not ours to judge here
            return 0
        if columns >= NEW:
            return 95
        if columns >= OLD:
            return 90
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        if RESULTS_PARQUET.fullmatch(path.name) and head.startswith(b"PAR1"):
            try:
                return {"config_general", "results"} <= _columns(path)
            except Exception:  # an unreadable parquet is not ours to judge here
                return False
        return path.name.startswith("results_") and b'"config_general"' in head

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """One ``details/<model>/<date id>/`` folder is one run (its tasks' files beside each
        other), started at that date id: two runs of one model are told apart instead of read
        as the same docs scored twice."""
        if options.label:
            return None
        date = path.parent.name
        started = date if DATE_ID.fullmatch(date) else ""
        return RunIdentity(_model(named(path, options)), date, _task(path), started)

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
        """:meth:`read`; for exported rows read back (a ``.jsonl``), ``lines`` gives each line's
        row number in the source file (a ≤0.10 row's id is its row number there) and ``task``
        the task the source's name said (``lighteval|gsm8k|0``: its copy's name has no ``|``)."""
        import polars as pl

        if path.suffix.lower() == ".jsonl":
            parsed, errors, notes = parse_json_lines(path, source)
            records: list[tuple[int, int | None, Any]] = [
                (line, offset, record) for line, offset, record in parsed
            ]
            as_text = list(CONTAINER_COLUMNS)  # a str in them is lighteval's str(value)
        else:
            try:
                table = pl.read_parquet(path, glob=False)  # a path, never a pattern
            except Exception as exc:  # truncated or not parquet: one clear error
                return ReadResult(
                    frame_from_rows({}),
                    [LoadError(source, None, f"not a readable parquet file: {exc}")],
                )
            errors, notes = [], []
            # Each row is taken out of the table inside its own guard (below): a value Python
            # cannot hold costs that row, never the file.
            records = [(index, None, table) for index in range(1, table.height + 1)]
            as_text = [c for c in CONTAINER_COLUMNS if table.schema.get(c) == pl.String]
        run = options.label or _model(named(path, options))
        rows = Rows()
        doc_level: dict[str, int] = {}  # metric -> docs whose samples it scores as a whole
        reasoning_only = 0  # samples whose text was empty, shown by their reasoning
        with_reasoning = 0  # samples shown as their reasoning, a line break and their text
        post_processed = 0  # samples scored on a text_post_processed other than their text
        unanswered = 0  # samples whose scored text is blank: nothing after the reasoning
        perplexity = 0  # docs scored by the log-likelihood of their text: no generation
        conversations = 0  # multi-turn docs (MT-Bench): one prompt per turn
        unsplit = 0  # docs of several samples whose extracted_predictions say not whose
        # Docs left unscored because no metric value is a number: a corpus-level metric's
        # inputs (bleu's golds and preds, an f1's, …), which lighteval aggregates over the task.
        no_score: dict[str, None] = {}  # the metrics' names, in order
        no_score_docs = 0
        # Docs left unscored because every metric value they hold is null (a metric that
        # failed, or logged nothing for them): their metrics' names, in order, and how many.
        null_names: dict[str, None] = {}
        null_docs = 0
        docs = 0  # docs read (an MT-Bench doc's turns count once)
        scored_by: dict[str, None] = {}  # the metrics docs were scored by, in order
        also: dict[str, None] = {}  # the docs' other numeric metrics
        not_wanted = 0  # docs scored without --metric's metric, which they lack
        item_means = 0  # docs scored by the mean of a list of verdicts (--metric)
        task = task or _task(path)
        for index, offset, record in records:
            with rows.entry(errors, source, index):
                if isinstance(record, pl.DataFrame):
                    row = record.row(index - 1, named=True)
                elif _is_rows_record(record):
                    row = dict(record)
                else:
                    errors.append(
                        LoadError(
                            source,
                            index,
                            "not a lighteval details row (needs doc, metric, model_response;"
                            " or predictions, gold, metrics and full_prompt)",
                        )
                    )
                    continue
                number = index - 1  # the row's number in its file
                doc_others: dict[str, None] = {}  # its numeric metrics it is not scored by
                if lines is not None and 0 < index <= len(lines):
                    number = lines[index - 1] - 1
                new = set(row) >= NEW
                if not new:
                    row.update({c: _from_text(row.get(c), c) for c in as_text if c in row})
                choice: int | None = None  # a multiple-choice doc's likeliest choice
                rolling = False  # a perplexity doc: the text shown is its log-likelihood
                greedy = False  # its first continuation is what greedy decoding gives
                if new:
                    doc = row.get("doc") or {}
                    response = row.get("model_response") or {}
                    texts = response.get("text") or []
                    prompt = stringify(doc.get("query")) or _prompt(response.get("input")) or ""
                    golds = _reference(doc.get("choices"), doc.get("gold_index"))
                    # Doc.id defaults to "": a prompt function that sets none leaves every doc
                    # that id, and the doc is then known by its row, as a ≤0.10 doc is.
                    doc_id = doc.get("id")
                    doc_id = number if doc_id is None or doc_id == "" else doc_id
                    ident = f"{doc.get('task_name') or task}:{doc_id}"
                    metric, score = _first_metric(row.get("metric"), options.metric, doc_others)
                else:
                    texts = row.get("predictions") or []
                    prompt = _prompt(row.get("full_prompt") or row.get("example")) or ""
                    golds = _golds(row.get("gold"))
                    ident = f"{task}:{number}"
                    metric, score = _first_metric(row.get("metrics"), options.metric, doc_others)
                    choices = row.get("choices")
                    logprobs = _old_logprobs(texts)
                    greedy = _greedy_pair(texts)
                    choice = _chosen(logprobs, choices, metric, row.get("cont_tokens"))
                    if choice is not None and isinstance(choices, list):
                        # ≤0.10 multiple choice: one (log-probability, is-greedy) per choice.
                        texts = [stringify(choices[choice]) or ""]
                        golds = _reference(choices, row.get("gold_index")) or golds
                    elif logprobs is not None and not choices:
                        # A perplexity task's doc (wikitext): its log-likelihood, no choices.
                        texts = [_log_likelihood(logprobs)]
                        rolling = True
                # Several golds are the acceptable answers: shown "a | b", any of them matches.
                answer = ALIAS_SEPARATOR.join(golds) if golds else None
                aliases = golds if golds and len(golds) > 1 else None
                flat = [
                    t if isinstance(t, str) else stringify(t) or ""
                    for t in (texts if isinstance(texts, list) else [texts])
                ]
                # What lighteval scored of each sample, where it is not the text shown: its
                # ``text_post_processed`` (``final_text``: the text with its reasoning tags'
                # content removed, --remove-reasoning-tags, on by default).
                scored_texts: dict[int, str] = {}
                thinking: set[int] = set()  # the samples shown by their reasoning alone
                joined: set[int] = set()  # the samples shown as reasoning + "\n" + text
                if new and flat:
                    # A reasoning model's reply through litellm is its text and, apart, its
                    # reasoning (`reasonings`); stopped at the token limit while thinking, the
                    # text is "" and the reasoning is all it generated: shown, not an empty
                    # generation.
                    thoughts = response.get("reasonings")
                    posts = response.get("text_post_processed")
                    for j, text in enumerate(flat):
                        thought = (
                            thoughts[j]
                            if isinstance(thoughts, list) and j < len(thoughts)
                            else None
                        )
                        if not text.strip() and isinstance(thought, str) and thought.strip():
                            flat[j] = thought
                            scored_texts[j] = text  # what lighteval scored: no answer
                            thinking.add(j)
                            reasoning_only += 1
                            continue
                        post = posts[j] if isinstance(posts, list) and j < len(posts) else None
                        if isinstance(thought, str) and thought.strip():
                            # The model's output is its reasoning and its text: shown (and
                            # counted in tokens) whole, as the same model's text through a
                            # local backend holds its thinking; its answer is the text's, what
                            # lighteval scored.
                            flat[j] = f"{thought}\n{text}"
                            scored_texts[j] = post if isinstance(post, str) else text
                            joined.add(j)
                            with_reasoning += 1
                            continue
                        if isinstance(post, str) and post != text:
                            scored_texts[j] = post
                if not flat and new:
                    # A log-likelihood (multiple-choice) task generates no text: the response is
                    # one log-probability per choice, and the model's answer is the likeliest.
                    choices = doc.get("choices")
                    greedy = _first_true(response.get("argmax_logits_eq_gold"))
                    choice = _chosen(
                        response.get("logprobs"),
                        choices,
                        metric,
                        response.get("output_tokens"),
                        response.get("unconditioned_logprobs"),
                    )
                    if choice is not None and isinstance(choices, list):
                        flat = [stringify(choices[choice]) or ""]
                    elif not choices and _numbers(response.get("logprobs")):
                        # A perplexity task's doc (wikitext): its log-likelihood, no text.
                        flat = [_log_likelihood(response["logprobs"])]
                        rolling = True
                # The choice's text, as the reference is written: votes read alike, and
                # `rescore --scorer exact` matches it (its index never equalled the reference).
                extracted: list[str | None] = [flat[0] if choice is not None and flat else None]
                # One continuation scored (the target): the "choice" is it whatever the model
                # would say, so no answer of the model's is in the text shown -- unless greedy
                # decoding gives the target (argmax_logits_eq_gold; ≤0.10 its is-greedy flag).
                alone = (
                    choice is not None
                    and isinstance(choices, list)
                    and len(choices) == 1
                    and not greedy
                )
                if rolling:
                    perplexity += 1
                if alone:
                    extracted = [None]
                specific = doc.get("specific") if new else row.get("specifics")
                if choice is None and len(flat) == 1:
                    extracted = [_extracted_prediction(specific)]
                elif choice is None and len(flat) > 1:
                    split = _extracted_per_sample(specific, flat)
                    if split is not None:
                        extracted = split
                    elif _extracted_list(specific):
                        unsplit += 1
                if not flat:
                    errors.append(LoadError(source, index, "no model response text"))
                    continue
                queries = _turn_queries(specific, len(flat)) if choice is None else None
                if queries is not None:
                    # MT-Bench: the texts are the conversation's turns, each judged apart.
                    conversations += 1
                    scores = row.get("metric") if new else row.get("metrics")
                    references = _turn_references(specific, len(flat))
                    for j, (query, text) in enumerate(zip(queries, flat, strict=True)):
                        name = f"judge_score_turn_{j + 1}"
                        value = scores.get(name) if isinstance(scores, dict) else None
                        rows.add(
                            run=run,
                            source=source,
                            line=index,
                            offset=offset,
                            prompt_id=f"{ident}:t{j + 1}",
                            prompt=query,
                            answer=references[j],
                            gen=text,
                            accuracy=_turn_score(value),
                            metric=name if value is not None else None,
                            sample=0,
                        )
                    continue
                if scored_texts and choice is None:
                    # The generation shown (and counted in tokens) is the text the model wrote;
                    # its answer is the one in the text lighteval scored, not one in the
                    # reasoning the post-processing removed (extractive_match's own extracted
                    # answer, when it kept one, is already of that text).
                    extracted += [None] * (len(flat) - len(extracted))
                    for j, post in scored_texts.items():
                        if j not in thinking:
                            post_processed += j not in joined
                            unanswered += not post.strip()
                        if extracted[j] is None:
                            extracted[j] = extract_answer(post)
                if len(flat) > 1 and metric is not None and score is not None:
                    doc_level[metric] = doc_level.get(metric, 0) + 1
                if metric is not None:  # (an MT-Bench doc's turns are scored apart, above)
                    scored_by[metric] = None
                    also.update(doc_others)
                    if options.metric is not None and metric != options.metric:
                        not_wanted += 1
                    logged = row.get("metric") if new else row.get("metrics")
                    item_means += isinstance(logged, dict) and verdict_list(logged.get(metric))
                docs += 1
                if score is None and not rolling:
                    logged = row.get("metric") if new else row.get("metrics")
                    values = _no_score_metrics(logged)
                    if values:
                        no_score_docs += 1
                        no_score.update(dict.fromkeys(values))
                    else:
                        null_docs += 1
                        null_names.update(dict.fromkeys(_null_metrics(logged)))
                for j, text in enumerate(flat):
                    rows.add(
                        run=run,
                        source=source,
                        line=index,
                        offset=offset,
                        prompt_id=ident,
                        prompt=prompt,
                        answer=answer,
                        reference_aliases=aliases,
                        gen=text,
                        extracted=extracted[j] if len(extracted) == len(flat) else extracted[0],
                        accuracy=score if len(flat) == 1 else None,
                        metric=metric,
                        sample=j,
                        prompt_score=score if len(flat) > 1 else None,
                        answer_unknown=(
                            ONE_CONTINUATION if alone else PERPLEXITY if rolling else None
                        ),
                        # what lighteval's metric read (its final_text): what a re-score reads
                        scored_text=scored_texts.get(j) if choice is None else None,
                    )
        if conversations:
            notes.append(
                f"{source}: {plural(conversations, 'doc')}"
                f" {'holds' if conversations == 1 else 'hold'} a multi-turn conversation"
                " (MT-Bench: the doc's multi_turn_queries, one text per turn): each turn is"
                f" read as its own prompt ({task}:<doc>:t<turn>), scored by its"
                " judge_score_turn_<turn>"
            )
        if perplexity:
            notes.append(
                f"{source}: {plural(perplexity, 'doc')} scored by the log-likelihood of"
                f" {'its' if perplexity == 1 else 'their'} text (a perplexity task): no"
                " generation and no per-doc score; the generation shown is the text's"
                " log-likelihood"
            )
        if post_processed:
            samples_word = "sample's" if post_processed == 1 else "samples'"
            notes.append(
                f"{source}: {post_processed} {samples_word} model_response.text_post_processed"
                " (what lighteval scored: the text with its reasoning tags' content removed)"
                " differs from its text: the generation shown and its tokens are the text the"
                " model wrote, its answer is the one in the post-processed text, which a"
                " re-score scores"
            )
        if unanswered:
            notes.append(
                f"{source}: {plural(unanswered, 'sample')} {'holds' if unanswered == 1 else 'hold'}"
                " no answer after the reasoning (its text_post_processed, what lighteval scored,"
                " is empty: stopped at the token limit while thinking): none is taken from the"
                " reasoning shown, and a re-score scores the empty text, as lighteval did"
            )
        if reasoning_only:
            samples_word = "sample has" if reasoning_only == 1 else "samples have"
            notes.append(
                f"{source}: {reasoning_only} {samples_word} an empty model_response.text and"
                " a reasoning (stopped at the token limit while thinking): the generation shown"
                " is that reasoning; no answer after the reasoning: none is taken from it, and a"
                " re-score scores the empty text, as lighteval did"
            )
        if with_reasoning:
            notes.append(
                f"{source}: {plural(with_reasoning, 'sample')} shown as"
                " model_response.reasonings (the thinking the server returned apart from the"
                " text, litellm's reasoning_content), a line break and the text, so that its"
                " length is the whole output's; the answer is the text's, which lighteval"
                " scored and a re-score scores"
            )
        if unsplit:
            notes.append(
                f"{source}: {plural(unsplit, 'doc')} of several samples"
                f" {'holds' if unsplit == 1 else 'hold'} lighteval's extracted_predictions in a"
                " list that does not say which sample each came from (not two values per"
                " sample, and no one way to give each value to a sample whose text holds it):"
                " each sample's answer shown is evaltui's own extraction"
            )
        if no_score_docs:
            names = list(no_score)
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            notes.append(
                f"{source}: {plural(no_score_docs, 'doc')} unscored:"
                f" {'its' if no_score_docs == 1 else 'their'} metric values ({shown}) are no"
                " number (a corpus-level metric's inputs, e.g. bleu's golds and preds, which"
                " lighteval aggregates over the task)"
            )
        if null_docs:
            notes.append(_null_note(source, null_docs, docs, list(null_names)))
        if item_means:
            notes.append(
                f"{source}: {options.metric!r} is a list of verdicts per doc (one per item, as"
                f" ifeval's per instruction): each of {plural(item_means, 'doc')} scored by the"
                f" share of its items right; lighteval's {options.metric} is the share of all"
                " items of all docs (agg_inst_level_acc), so a doc of more items weighs more there"
            )
        others = [name for name in also if name not in scored_by]
        if not_wanted and options.metric is not None:
            notes.append(
                f"{source}: {flag_words('--metric', options.metric)} is no score of"
                f" {plural(not_wanted, 'doc')}; scored by {_names(list(scored_by))}"
                + (f" (they also have {_names(others)})" if others else "")
            )
        elif others and options.metric is None:
            notes.append(
                f"{source}: scored by {_names(list(scored_by))}; its docs also have"
                f" {_names(others)} ({flag_words('--metric', others[0])} to score by that instead)"
            )
        for metric, docs in doc_level.items():
            docs_word = "doc" if docs == 1 else "docs"
            notes.append(
                f"{source}: {metric} scores the whole document ({docs} {docs_word} with several"
                " samples): kept as prompt_score; the samples are unscored"
            )
        if path.suffix.lower() != ".jsonl":
            errors = at_rows(errors)
        return ReadResult(rows.frame(), errors, notes)

    def records_form(self, path: Path) -> str | None:
        if path.suffix.lower() == ".jsonl":
            return None  # exported rows read back: their own lines
        return (
            "each parquet row re-encoded as a JSON line, which evaltui reads back as"
            " lighteval details"
        )

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        import polars as pl

        if path.suffix.lower() == ".jsonl":
            yield from Reader.records(self, path, rows)
            return

        table = pl.read_parquet(path, glob=False)
        for line, _offset in rows:
            yield json.dumps(table.row(line - 1, named=True), ensure_ascii=False, default=str)
