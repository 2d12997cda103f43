"""Re-score saved generations with another scorer, without touching the inputs.

A new score per generation comes from its text and the reference: ``exact`` (the extractor and
normalisation the vote uses, vectorised in-process), ``math-verify`` or a user's ``module:function``
(in worker processes, spawn context: math-verify is pure Python and holds the GIL), or
``lm-eval:<task>`` (in the same workers, one logged record per item). Workers get chunks of generations; the parent watches the time each generation
has been running and kills a worker whose generation outlives the timeout (its rest of the chunk
goes to a fresh worker), so a pathological LaTeX never hangs the run. A scorer that raises marks
that generation "scorer error" with the message. Results are cached per input file, keyed by the
file's identity, the reader, the scorer and its version, and the timeout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import math
import multiprocessing
import os
import re
import statistics
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import polars as pl

from evaltui.data.cache import Cache, companion_version, default_cache_dir
from evaltui.data.cores import bounded, bounded_note
from evaltui.data.extract import (
    answer_possible,
    extract_answers,
    fill_vote_answers,
    normalized_each,
    reference_match_expr,
)
from evaltui.data.formats import get_reader
from evaltui.data.formats.base import ALIAS_SEPARATOR, ALIASES, VOTE_ALIAS_SEPARATOR
from evaltui.data.metrics import ScoreKind, Thresholds, correct_expr, run_kinds, score_kinds
from evaltui.data.score_worker import (
    ERROR,
    OK,
    TAIL_CHARS,
    TIMEOUT,
    Item,
    Result,
    ScorerUnavailable,
    resolve,
    scorer_version,
    worker_main,
)
from evaltui.data.wording import plural

__all__ = [
    "ERROR",
    "NO_ANSWER",
    "NO_STORED_VERDICTS",
    "OK",
    "OUT_OF_SCOPE",
    "PENDING",
    "TIMEOUT",
    "RescoreOptions",
    "RescoreProgress",
    "Rescored",
    "ScoreMemo",
    "ScorerUnavailable",
    "in_scope",
    "known_scores",
    "rescore",
    "rescored_stats",
]

NO_REFERENCE = "no reference"
NO_ANSWER = "no answer"
"""A generation whose text its reader says holds no answer of the model's (``answer_unknown``: an
lm-eval loglikelihood target that greedy decoding does not give): no new score, the reader's
reason as the message. Scoring its text would score the reference against itself."""
FROM_ANSWER = (
    "scored from the answer the format's scorer extracted (the text is not the model's output)"
)
"""The message of a generation whose text is not the model's but whose format gave the answer
its scorer extracted (an Inspect sample read from its summary: the scorer's ``answer``):
``exact`` and ``math-verify``, which read only the answer, score that answer."""
NO_STORED_VERDICTS = (
    "no stored verdicts to flip (the stored score has no 'correct': --correct-threshold gives one)"
)
"""What a run whose stored score has no "correct" (an mae without a threshold) says in place of
its flipped count, which is no count ("0 verdicts flipped")."""
FOUND_NONE = "no answer: the format's scorer found none in the text it scored"
"""The message of an `exact` verdict on a generation whose format's scorer looked and found no
answer (an Inspect scorer's ``answer`` "", lighteval's post-processed text with none): scored
as no answer, never one read from the shown text (``scored_text`` holds what it read)."""
TEXT_ANSWER_IS_REFERENCE = (
    "the reply's own final answer, read from its text, is the reference: exact reading the"
    " answers from the text scores it right"
)
"""What an `exact` verdict of wrong on the answer a format's scorer extracted (OpenCompass's and
AISBench's ``pred``, an Inspect scorer's ``answer``) adds when the reply's own final answer, read
from its text by evaltui's extractor, is the reference: the tool's extraction lost a right
answer (``1,000`` read as ``000``), which a re-score that reads the text (``--reextract``)
scores."""
SCORED_ON_FORMAT_ANSWER = (
    f"wrong on the answer the format's scorer extracted; {TEXT_ANSWER_IS_REFERENCE}"
)
READ_FROM_TEXT = "the answer read from the text, not the one the format's scorer extracted"
"""The message of an `exact` verdict under ``--reextract`` on a generation whose answer read
from its text differs from the one its format's scorer extracted (or found none where it had)."""
NEW_EXTRACTED = "new_extracted"
"""The column of a re-score's scores holding the answer each verdict was made on, where it is
not the stored ``extracted`` (``exact --reextract``: the answer read from the text); absent
otherwise. :func:`with_new_scores` and :func:`verdict_columns` show it as ``extracted``."""
ANSWER_SCORERS = frozenset({"exact", "math-verify"})
"""The scorers that read only a generation's answer: they score a format's extracted answer when
the text is not the model's (:data:`FROM_ANSWER`). A user scorer reads the text: it gets none."""
CANCELLED = "cancelled"
PENDING = "not scored yet"
"""A generation no re-score has scored yet (:func:`known_scores`): no new score until then."""
OUT_OF_SCOPE = "not re-scored"
"""A generation outside the prompts asked for (``rescore(..., only=…)``): it keeps its stored
score as the new one."""
SCORE_SCHEMA: dict[str, pl.DataType] = {
    "new_accuracy": pl.Float64(),
    "score_status": pl.String(),
    "score_message": pl.String(),
}
#: Stats compared between the stored and the new scores (``stored_<name>`` beside each).
COMPARED = ["total_accuracy_count", "average_accuracy", "n_correct", "n_scored"]
WORKER_DIED = "worker process died"
GRACE_SECONDS = 2.0
"""Beyond the timeout, how long the parent waits before it kills a worker."""
PROGRESS_SECONDS = 1.0
"""While no result arrives, the progress (its elapsed time) is told again this often."""


@dataclass(frozen=True, slots=True)
class RescoreOptions:
    scorer: str
    """``math-verify``, ``exact``, ``lm-eval:<task>``, ``module:function`` or ``file.py:function``."""
    timeout: float = 15.0
    """Seconds one generation may take; beyond it, it is marked "timeout"."""
    workers: int | None = None
    """Worker processes; None = all cores, and never more (:meth:`worker_count`)."""
    chunk: int = 32
    """Generations per task sent to a worker (fewer when there are few)."""
    cache_dir: Path | None = None
    use_cache: bool = True
    include_path: Path | None = None
    """lm-eval task YAMLs beyond the installed lm_eval's (its ``--include_path``)."""
    thresholds: Thresholds = field(default_factory=Thresholds)
    """The load's ``--correct-threshold`` and ``--score-direction``: how the stored scores are
    judged, which the doubts compare the new verdicts with (:func:`with_doubts`)."""
    reextract: bool = False
    """``exact``: each generation's answer read from its text by evaltui's extractor, over the
    one its format's scorer extracted (OpenCompass's and AISBench's ``pred``, an Inspect
    scorer's ``answer``, or its ``""`` for none found). False scores the format's answer, as
    the format did. A text that is not the model's (an Inspect summary's) keeps its format's."""

    def worker_count(self) -> int:
        """Scorer processes: ``workers`` bounded by the machine's cores, as ``--num-proc`` is
        (``--workers 1000`` started 240 processes for sample_data's 960 generations on 2 cores,
        each importing its scorer)."""
        return bounded(self.workers)

    def workers_note(self) -> str | None:
        """What a re-score says when ``workers`` asked for more processes than there are cores."""
        return bounded_note("--workers", self.workers, "scorer processes")


@dataclass(frozen=True, slots=True)
class RescoreProgress:
    done: int
    total: int
    cached: int
    """Generations whose scores came from the cache."""
    errors: int
    timeouts: int
    elapsed: float
    known: int = 0
    """Generations scored by an earlier re-score with this scorer (:class:`ScoreMemo`): not sent
    to the scorer again. ``total - cached - known`` are the new ones."""

    @property
    def new_total(self) -> int:
        """Generations this re-score scores (neither cached nor already known)."""
        return self.total - self.cached - self.known

    @property
    def new_done(self) -> int:
        return self.done - self.cached - self.known


@dataclass(slots=True)
class Rescored:
    scores: pl.DataFrame
    """One row per generation, aligned with the load's generations: new_accuracy, score_status,
    score_message."""
    scorer: str
    seconds: float
    cached_files: int = 0
    cancelled: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    """Generations per status."""
    notes: list[str] = field(default_factory=list)
    """Per file, why it was not scored (lm-eval: another task, a task lm_eval does not know)."""
    prompt_notes: list[str] = field(default_factory=list)
    """What became of the prompts' own scores (``prompt_score``) under the new scores: reduced
    again, or left out (:func:`with_prompt_scores`). Not ``notes``: those are told as files
    not scored."""
    doubts: list[str] = field(default_factory=list)
    """Per file (``"<source>: <what>"``), why the new verdicts may not be the task's: the scorer
    disagrees with most of its stored verdicts, or none of its answers has a reference's form
    (an lm-eval task whose own ``process_results`` maps the letter ``A`` to a label), with the
    scorer to use instead (:func:`with_doubts`). The new scores stay as the scorer gave them."""


class ScoreMemo:
    """Verdicts one scorer already gave, kept across re-scores in memory: a followed update's
    re-score (or one restarted after a stop) sends only the generations not scored yet.

    A verdict is kept under a digest of everything it depends on: the scorer's fingerprint (name,
    version, timeout; a new one forgets the old verdicts), the text the scorer is given, the
    reference, and the record it reads (math-verify: the reference's aliases; a user scorer: the
    whole row; lm-eval: the logged record's rows, its task and its doc's occurrence). A row that
    changed (a rewritten or cut file: other text, another reference, another line or offset) has
    another digest and is scored again; a verdict no row has any more is never shown. Verdicts
    arrive as the workers send them, so those of a stopped re-score are kept. Thread-safe: a
    stopped re-score's thread may still be putting while the next one reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        self._verdicts: dict[int, Result] = {}

    def use(self, fingerprint: str) -> None:
        """Keep verdicts of the scorer ``fingerprint`` names; another's are forgotten."""
        with self._lock:
            if fingerprint != self._fingerprint:
                self._fingerprint = fingerprint
                self._verdicts = {}

    def get(self, key: int) -> Result | None:
        return self._verdicts.get(key)

    def holds(self, fingerprint: str) -> bool:
        """Whether the verdicts kept are the scorer ``fingerprint``'s."""
        return fingerprint == self._fingerprint

    def put(self, fingerprint: str, key: int, verdict: Result) -> None:
        with self._lock:
            if fingerprint == self._fingerprint:
                self._verdicts[key] = verdict

    def __len__(self) -> int:
        return len(self._verdicts)


def _digests(frame: pl.DataFrame, columns: list[str]) -> list[int]:
    """Per row, a 128-bit digest of ``columns`` (two seeded 64-bit hashes of the row)."""
    if frame.height == 0:
        return []
    row = pl.struct([pl.col(c) for c in columns])
    both = frame.select(row.hash(seed=0x5C0E).alias("a"), row.hash(seed=0x7E57).alias("b"))
    return [(a << 64) | b for a, b in zip(both["a"].to_list(), both["b"].to_list(), strict=True)]


def _item_keys(indexed: pl.DataFrame, name: str) -> list[int]:
    """Per generation row (in ``_row`` order), the :class:`ScoreMemo` key of its verdict under
    the scorer ``name``: what :func:`_rescore` sends the scorer (a row's ``scored_text`` in
    place of its text, where the format's metric scored another text than the one shown).
    math-verify reads the text's tail, the reference and its aliases (split from ``answer`` by
    ``vote_reference``); a user scorer reads the whole text and the row (:func:`_record`)."""
    gen = pl.col("gen").fill_null("")
    if "scored_text" in indexed.columns:  # the text the format's metric scored, if another
        gen = pl.coalesce(pl.col("scored_text"), gen)
    if name == "math-verify":
        if "answer_unknown" in indexed.columns:  # the text it is sent (see _answer_text)
            given = pl.col("answer_unknown").is_not_null() & pl.col("extracted").is_not_null()
            gen = pl.when(given).then(pl.col("extracted")).otherwise(gen)
        frame = indexed.select(
            gen.str.slice(-TAIL_CHARS).alias("gen"), pl.col("answer"), pl.col("vote_reference")
        )
    else:
        frame = indexed.drop("_row").with_columns(gen)
    return _digests(frame, frame.columns)


ProgressCallback = Callable[[RescoreProgress], object]


# --- the scorers that need no worker -------------------------------------------------------------


def _text_answers(generations: pl.DataFrame, rows: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Evaltui's extractor's answer from the text of each of the ``rows`` (a boolean mask) that
    holds the model's (the text its format scored, ``scored_text``, where it scored another:
    lighteval's with the reasoning removed, an Inspect scorer's that found none), and the mask
    of the rows read (null answers elsewhere). A text not kept (a warm load in the app) is not
    read."""
    text = pl.col("gen")
    if "scored_text" in generations.columns:
        text = pl.coalesce(pl.col("scored_text"), text)
    texts = generations.select(text.alias("gen")).to_series()
    read = (rows & answer_possible(generations) & texts.is_not_null()).alias("read")
    found = pl.Series("extracted", [None] * generations.height, dtype=pl.String)
    if bool(read.any()):
        at = read.arg_true()
        found = found.scatter(at, extract_answers(texts.gather(at)))
    return found, read


def _matches_reference(generations: pl.DataFrame, answers: pl.Series) -> pl.Series:
    """Per row: whether ``answers`` (null: none) is the row's reference, or one of its aliases,
    after the vote's normalisation (as :func:`_exact_scores` matches)."""
    frame = fill_vote_answers(
        pl.DataFrame(
            [
                answers.alias("extracted"),
                pl.Series("vote_answer", [None] * len(answers), dtype=pl.String),
                generations["vote_reference"],
            ]
        )
    )
    return frame.select(
        reference_match_expr("vote_answer", "vote_reference").fill_null(False)
    ).to_series()


def _own_answer_rows(generations: pl.DataFrame, files: Sequence[Any]) -> pl.Series:
    """Per row: whether its file's reader keeps its format's own answers
    (``Reader.own_answers``: OpenCompass's ``pred``, Inspect's, lm-eval's filters'). Another
    format's answers are the extractor's own: reading its text again gives the same."""
    own = []
    for f in files:
        with contextlib.suppress(ValueError):
            if f.format is not None and get_reader(str(f.format)).own_answers:
                own.append(f.source)
    return generations.select(pl.col("source").cast(pl.String).is_in(own)).to_series()


def _exact_scores(
    generations: pl.DataFrame, *, reextract: bool = False, own_answers: pl.Series | None = None
) -> pl.DataFrame:
    """The extracted answer equals the reference, or any of its aliases, after the vote's
    normalisation: 1, else 0. ``reextract``: the answer read from each text that is the
    model's, not the one its format's scorer extracted (:attr:`RescoreOptions.reextract`).
    ``own_answers``: the rows whose format keeps its own answers (:func:`_own_answer_rows`),
    the only ones whose text is read again (None: every row)."""
    # vote_answer and vote_reference as the loader made them (a list reference's aliases)
    generations = fill_vote_answers(generations)
    if own_answers is None:
        own_answers = pl.Series([True] * generations.height)
    reread = pl.Series("reread", [False] * generations.height)
    if reextract and generations.height:
        own, read = _text_answers(generations, own_answers)
        own_voted = fill_vote_answers(
            pl.DataFrame([own, pl.Series("vote_answer", [None] * len(own), dtype=pl.String)])
        )["vote_answer"]
        was = generations["vote_answer"]
        # The text's answer where it found one, and it is not a part of the format's (an
        # lm-eval choice "1: Mars" for the text "Mars": the format's is the fuller form);
        # where it found none, the format's answer stands.
        part = pl.select(
            pl.lit(was).str.contains(pl.lit(own_voted), literal=True).fill_null(False)
        ).to_series()
        read = (read & own_voted.is_not_null() & ~part).fill_null(False)
        reread = (read & (own_voted != was).fill_null(True)).fill_null(False)
        generations = generations.with_columns(
            pl.when(read).then(own).otherwise(pl.col("extracted")).alias("extracted"),
            pl.when(read).then(own_voted).otherwise(pl.col("vote_answer")).alias("vote_answer"),
        )
    match = reference_match_expr("vote_answer", "vote_reference")
    reason = _no_answer_expr(generations)
    # The format's extracted answer (an Inspect summary's scorer answer) is scored as it is.
    absent = pl.when(pl.col("extracted").is_null()).then(reason)
    # A row whose format's scorer found no answer in the text it scored (``scored_text``, no
    # extracted answer) is scored as no answer: wrong, with the message saying why.
    found_none = (
        pl.col("extracted").is_null() & pl.col("scored_text").is_not_null()
        if "scored_text" in generations.columns and not reextract
        else pl.lit(False)
    )
    # Wrong on the format's answer, where the reply's own final answer is the reference: said.
    own_right = pl.Series("own_right", [False] * generations.height)
    if not reextract and generations.height:
        wrong = generations.select(
            pl.col("answer").is_not_null()
            & absent.is_null()
            & ~match.fill_null(False)
            & (pl.col("extracted").is_not_null() | found_none)
        ).to_series()
        wrong = wrong & own_answers
        if bool(wrong.any()):
            own, read = _text_answers(generations, wrong)
            own_right = read & _matches_reference(generations, own)
    given = (
        pl.when(reason.is_not_null())
        .then(pl.lit(FROM_ANSWER))
        .when(found_none & own_right)
        .then(pl.lit(f"{FOUND_NONE}; {TEXT_ANSWER_IS_REFERENCE}"))
        .when(found_none)
        .then(pl.lit(FOUND_NONE))
        .when(own_right)
        .then(pl.lit(SCORED_ON_FORMAT_ANSWER))
        .when(reread)
        .then(pl.lit(READ_FROM_TEXT))
    )
    # Under --reextract the answer each verdict was made on (read from the text, or the
    # format's where the text held none): what a re-scored generation shows and is written with.
    answers = [pl.col("extracted").alias(NEW_EXTRACTED)] if reextract else []
    return generations.select(
        pl.when(pl.col("answer").is_null() | absent.is_not_null())
        .then(None)
        .otherwise(match.fill_null(False).cast(pl.Float64))
        .alias("new_accuracy"),
        pl.when(pl.col("answer").is_null())
        .then(pl.lit(NO_REFERENCE))
        .when(absent.is_not_null())
        .then(pl.lit(NO_ANSWER))
        .otherwise(pl.lit(OK))
        .alias("score_status"),
        pl.when(pl.col("answer").is_null())
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.coalesce(absent, given))
        .alias("score_message"),
        *answers,
    )


def _no_answer_expr(generations: pl.DataFrame) -> pl.Expr:
    """Each row's reason why its text holds no answer (its reader's ``answer_unknown``), else
    null."""
    if "answer_unknown" in generations.columns:
        return pl.col("answer_unknown")
    return pl.lit(None, dtype=pl.String)


# --- the worker pool ----------------------------------------------------------------------------


def prepare_workers() -> None:
    """Start multiprocessing's resource tracker now, while ``sys.stderr`` is a real file.

    Worker processes need it (their queues' locks register with it), and it is started on first
    use, passing on ``sys.stderr``'s file descriptor: inside a terminal UI ``sys.stderr`` is the
    UI's capture object without one, and starting it there fails ("bad value(s) in
    fds_to_keep"). Call this before such a UI starts; called from inside one, the tracker gets
    ``/dev/null`` for its standard error (its warnings must not draw over the UI)."""
    import sys
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        resource_tracker.ensure_running()
        return
    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        resource_tracker.ensure_running()


@dataclass
class _Worker:
    process: Any
    tasks: Any
    results: Connection
    inflight: deque[int] = field(default_factory=deque)
    ready: bool = False


class _Pool:
    """Processes scoring chunks; the parent hands out chunks and enforces the timeout."""

    def __init__(
        self,
        name: str,
        options: RescoreOptions,
        workers: int,
        groups: dict[int, list[int]] | None = None,
    ) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.name, self.options = name, options
        self.groups = groups or {}
        """An item's row -> every row it scores: a record's verdict covers them all."""
        self.started = self.ctx.Array("d", workers, lock=False)
        self.current = self.ctx.Array("q", workers, lock=False)
        self.workers: list[_Worker | None] = [None] * workers
        self.chunks: dict[int, list[Item]] = {}
        self.queue: deque[int] = deque()
        self.next_id = 0
        self.failed_starts = 0

    def add(self, items: list[Item]) -> None:
        chunk_id = self.next_id
        self.next_id += 1
        self.chunks[chunk_id] = items
        self.queue.append(chunk_id)

    def start(self, wid: int) -> None:
        tasks = self.ctx.Queue()
        receive, send = self.ctx.Pipe(duplex=False)
        self.started[wid] = 0.0
        process = self.ctx.Process(
            target=worker_main,
            args=(
                wid,
                self.name,
                self.options.timeout,
                tasks,
                send,
                self.started,
                self.current,
                str(self.options.include_path) if self.options.include_path else None,
            ),
            daemon=True,
            name=f"evaltui-score-{wid}",
        )
        process.start()
        send.close()  # the child holds its end; EOF here means it died
        self.workers[wid] = _Worker(process, tasks, receive)

    def feed(self, wid: int) -> None:
        worker = self.workers[wid]
        while worker is not None and worker.ready and self.queue and len(worker.inflight) < 2:
            chunk_id = self.queue.popleft()
            worker.inflight.append(chunk_id)
            worker.tasks.put((chunk_id, self.chunks[chunk_id]))

    def retire(self, wid: int, row_result: Result | None) -> list[Result]:
        """Kill worker ``wid``; its unfinished chunks go back to the queue (without the item
        that hung, whose rows get ``row_result``); a fresh worker takes its place."""
        worker = self.workers[wid]
        assert worker is not None
        out: list[Result] = []
        if row_result is not None:
            first, score, status, message, prompt = row_result
            rows = self.groups.get(first, [first])
            out = [(row, score, status, message, prompt) for row in rows]
        worker.process.kill()
        worker.process.join(5)
        worker.tasks.cancel_join_thread()  # nobody reads it any more: never block on its pipe
        worker.tasks.close()
        worker.results.close()
        hung = row_result[0] if row_result is not None else None
        for chunk_id in reversed(worker.inflight):
            rest = [item for item in self.chunks.pop(chunk_id) if item[0] != hung]
            if rest:
                new_id = self.next_id
                self.next_id += 1
                self.chunks[new_id] = rest
                self.queue.appendleft(new_id)
        self.start(wid)
        return out

    def run(self, on_results: Callable[[list[Result]], None], cancelled: threading.Event) -> bool:
        """Score every chunk; False when cancelled. Raises ScorerUnavailable from a worker."""
        limit = self.options.timeout + GRACE_SECONDS
        told = time.monotonic()
        try:
            for wid in range(len(self.workers)):
                self.start(wid)
            while self.chunks:
                if cancelled.is_set():
                    self._drain(on_results)
                    return False
                if time.monotonic() - told >= PROGRESS_SECONDS:
                    # No result for a while (a chunk of slow generations): the progress is told
                    # again all the same, its elapsed time going on. The app's line said
                    # "0/1,440 generations · 0s" for the 16 s of a first chunk, as if hung.
                    told = time.monotonic()
                    on_results([])
                live = {w.results: wid for wid, w in enumerate(self.workers) if w is not None}
                ready: list[Any] = wait(list(live), timeout=0.1)
                for conn in ready:
                    wid = live[conn]
                    try:
                        kind, _wid, payload = conn.recv()
                    except (EOFError, OSError):
                        on_results(self._died(wid))
                        continue
                    if kind == "unavailable":
                        raise ScorerUnavailable(str(payload))
                    worker = self.workers[wid]
                    assert worker is not None
                    if kind == "ready":
                        worker.ready = True
                    elif kind == "done":
                        chunk_id, results = payload
                        with contextlib.suppress(ValueError):
                            worker.inflight.remove(chunk_id)
                        if self.chunks.pop(chunk_id, None) is not None:
                            on_results(results)
                    self.feed(wid)
                now = time.monotonic()
                for wid, worker in enumerate(self.workers):
                    if worker is None:
                        continue
                    began = self.started[wid]
                    if began and now - began > limit:
                        row = int(self.current[wid])
                        message = f"no result within {self.options.timeout:g} s"
                        on_results(self.retire(wid, (row, None, TIMEOUT, message, None)))
                    elif not worker.process.is_alive() and worker.process.exitcode is not None:
                        on_results(self._died(wid))
                    self.feed(wid)
            return True
        finally:
            self.close()

    def _drain(self, on_results: Callable[[list[Result]], None]) -> None:
        """Stopped: the chunks workers already sent back are taken (a memo keeps them), none
        is waited for."""
        live = [w.results for w in self.workers if w is not None]
        with contextlib.suppress(OSError, ValueError):
            ready: list[Any] = wait(live, timeout=0)
            for conn in ready:
                with contextlib.suppress(EOFError, OSError):
                    while conn.poll():
                        kind, _wid, payload = conn.recv()
                        if kind == "done" and self.chunks.pop(payload[0], None) is not None:
                            on_results(payload[1])

    def _died(self, wid: int) -> list[Result]:
        """A worker that exited on its own (crash, out of memory): its current row is an error."""
        worker = self.workers[wid]
        assert worker is not None
        worker.process.join(1)
        code = worker.process.exitcode
        if not worker.ready:
            self.failed_starts += 1
            if self.failed_starts >= 3:  # never respawn a worker that cannot start
                raise ScorerUnavailable(
                    f"scorer worker processes exit while starting (exit code {code})"
                )
        row = int(self.current[wid]) if self.started[wid] else None
        if row is None:
            return self.retire(wid, None)
        return self.retire(wid, (row, None, ERROR, f"{WORKER_DIED} (exit code {code})", None))

    def close(self) -> None:
        for worker in self.workers:
            if worker is None:
                continue
            with contextlib.suppress(Exception):
                worker.tasks.put(None)
        for worker in self.workers:
            if worker is None:
                continue
            worker.process.join(0.5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)
            worker.tasks.cancel_join_thread()
            worker.tasks.close()
            worker.results.close()
        self.workers = [None] * len(self.workers)


# --- the re-score -------------------------------------------------------------------------------


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """What a user scorer gets as ``record``: the generation's row without its (large) texts
    (the text it is sent is ``scored_text``, where the format scored one, else ``gen``)."""
    texts = {"gen", "prompt", "scored_text"}
    return {k: v for k, v in row.items() if k not in texts} | {"prompt": row["prompt"]}


def reference_alias_lists(generations: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
    """Per (answer, vote_reference) of a reference with several aliases: the aliases, split
    from ``answer`` (their :data:`ALIAS_SEPARATOR` join) for a scorer that reads them
    (math-verify, a user scorer's ``record["reference_aliases"]``).

    Split only when the pieces, normalized, are exactly the normalized aliases the reader kept
    in ``vote_reference``: an alias that holds " | " itself fails the check, and its reference is
    left whole (as before aliases were read)."""
    listed = generations.filter(
        pl.col("answer").is_not_null()
        & pl.col("vote_reference").str.contains(VOTE_ALIAS_SEPARATOR, literal=True)
    )
    pairs = listed.select("answer", "vote_reference").unique().rows()
    if not pairs:
        return {}
    pieces = {answer: answer.split(ALIAS_SEPARATOR) for answer, _reference in pairs}
    distinct = list(dict.fromkeys(p for split in pieces.values() for p in split))
    normalized = normalized_each(distinct)
    found: dict[tuple[str, str], list[str]] = {}
    for answer, reference in pairs:
        if {normalized[p] for p in pieces[answer]} == set(reference.split(VOTE_ALIAS_SEPARATOR)):
            found[(answer, reference)] = pieces[answer]
    return found


def _file_paths(files: list[Any]) -> dict[str, tuple[Path, str]]:
    return {
        f.source: (Path(f.path), str(f.format))
        for f in files
        if f.format is not None and f.path is not None
    }


def _score_key(cache: Cache, fingerprint: str, path: Path, reader: str, options: str) -> str:
    """The cache entry of a file's scores: its rows' version, companion files included."""
    companions = [companion_version(c) for c in get_reader(reader).companions(path)]
    return cache.key(fingerprint, path, reader, options, companions=companions)


def rescore(
    result: Any,
    options: RescoreOptions,
    on_progress: ProgressCallback | None = None,
    cancelled: threading.Event | None = None,
    *,
    read_options: str = "",
    only: pl.DataFrame | None = None,
    memo: ScoreMemo | None = None,
) -> Rescored:
    """A new score for every generation of ``result`` (a LoadResult that kept the text).

    ``read_options`` is the load's reader-options token (part of the cache key). ``only`` (a
    frame with ``run`` and ``prompt_id``) limits the re-score to those prompts' generations: the
    others keep their stored score as the new one, with the status :data:`OUT_OF_SCOPE`, so both
    accuracies count them alike and none of them flips. ``memo`` keeps the verdicts across
    re-scores (a followed file's, one stopped and started again): a generation it holds a
    verdict for is not sent to the scorer again, and every verdict given is put in it as it
    comes, also when the re-score is stopped. Raises :class:`ScorerUnavailable` when the scorer
    cannot run here (missing package, bad name).
    """
    if only is None:
        scored = _rescore(result, options, on_progress, cancelled, read_options, frozenset(), memo)
        return with_doubts(result, with_prompt_scores(result, scored), options.thresholds)
    generations: pl.DataFrame = result.generations
    inside = in_scope(generations, only)
    if inside.all():
        scored = _rescore(result, options, on_progress, cancelled, read_options, frozenset(), memo)
        return with_doubts(result, with_prompt_scores(result, scored), options.thresholds)
    # A file scored in part is never cached (nor read from the cache): its entry is the whole
    # file's scores.
    per_source = (
        generations.select("source")
        .with_columns(inside)
        .group_by("source")
        .agg(pl.len().alias("all"), pl.col("_in").sum())
    )
    partial = frozenset(
        str(s) for s in per_source.filter(pl.col("_in") != pl.col("all"))["source"].to_list()
    )
    subset = dataclasses.replace(result, generations=generations.filter(inside))
    part = _rescore(subset, options, on_progress, cancelled, read_options, partial, memo)
    part = _widen(part, generations, inside)
    return with_doubts(result, with_prompt_scores(result, part), options.thresholds)


def _fingerprint(name: str, version: str | None, options: RescoreOptions) -> str:
    """What a worker scorer's verdicts depend on besides the generation (memo, cache)."""
    return f"rescore\0{RESCORE_FORMAT}\0{name}\0{version}\0{options.timeout:g}"


#: Part of every worker scorer's cache key and memo fingerprint: bump it when what a scorer is
#: sent changes. 2: math-verify scores a format's extracted answer when the text is not the
#: model's (:data:`FROM_ANSWER`); the cache held "no answer" for those rows.
RESCORE_FORMAT = "2"


def known_scores(
    result: Any,
    options: RescoreOptions,
    memo: ScoreMemo,
    *,
    only: pl.DataFrame | None = None,
) -> Rescored | None:
    """``result`` under the verdicts ``memo`` holds, at once and without a scorer: a generation
    no re-score has scored yet is :data:`PENDING` (no new score). What a followed update shows
    while the re-score that will score its new generations waits for the running one. None when
    ``memo`` holds another scorer's verdicts, or for ``exact`` (instant) and lm-eval (whole
    records, read back from the files) scorers."""
    name = options.scorer.strip()
    if name == "exact" or name == "lm-eval" or name.startswith("lm-eval:"):
        return None
    if not memo.holds(_fingerprint(name, scorer_version(name), options)):
        return None
    generations: pl.DataFrame = result.generations
    inside = in_scope(generations, only) if only is not None else None
    if inside is not None and not inside.all():
        generations = generations.filter(inside)
    generations = fill_vote_answers(generations)
    keys = _item_keys(generations.with_row_index("_row"), name)
    score: list[float | None] = []
    status: list[str] = []
    message: list[str | None] = []
    for key, answer in zip(keys, generations["answer"].to_list(), strict=True):
        verdict = memo.get(key)
        if answer is None:
            verdict = (0, None, NO_REFERENCE, None, None)
        elif verdict is None:
            verdict = (0, None, PENDING, None, None)
        score.append(verdict[1])
        status.append(verdict[2])
        message.append(verdict[3])
    frame = pl.DataFrame(
        {"new_accuracy": score, "score_status": status, "score_message": message},
        schema=SCORE_SCHEMA,
    )
    known = _finish(frame, name, time.perf_counter(), 0, cancelled=False)
    if inside is not None and not inside.all():
        known = _widen(known, result.generations, inside)
    # The doubts of the verdicts known (those pending are not counted): shown in t's summary
    # while the re-score of the update's new generations runs, where they were gone.
    return with_doubts(result, with_prompt_scores(result, known), options.thresholds)


def in_scope(generations: pl.DataFrame, only: pl.DataFrame) -> pl.Series:
    """Per generation: whether its prompt (``run``, ``prompt_id``) is one of ``only``'s."""
    keys = only.select(pl.col("run").cast(pl.String), pl.col("prompt_id").cast(pl.String))
    return (
        generations.select(pl.col("run").cast(pl.String), pl.col("prompt_id").cast(pl.String))
        .join(
            keys.unique().with_columns(pl.lit(True).alias("_in")),
            on=["run", "prompt_id"],
            how="left",
            maintain_order="left",
        )["_in"]
        .fill_null(False)
        .alias("_in")
    )


def _widen(part: Rescored, generations: pl.DataFrame, inside: pl.Series) -> Rescored:
    """``part`` (the scores of the generations ``inside`` marks) for every generation: the others
    keep their stored score, marked :data:`OUT_OF_SCOPE`."""
    n = generations.height
    keep = {
        "new_accuracy": generations["accuracy"].cast(pl.Float64),
        "score_status": pl.repeat(OUT_OF_SCOPE, n, dtype=pl.String, eager=True),
        "score_message": pl.repeat(None, n, dtype=pl.String, eager=True),
    }
    if NEW_EXTRACTED in part.scores.columns:  # out of scope: the stored answer, as its score
        keep[NEW_EXTRACTED] = generations["extracted"].cast(pl.String)
    if "new_prompt_score" in part.scores.columns:
        keep["new_prompt_score"] = (
            generations["prompt_score"].cast(pl.Float64)
            if "prompt_score" in generations.columns
            else pl.repeat(None, n, dtype=pl.Float64, eager=True)
        )
    rows = inside.arg_true()
    full = pl.DataFrame([keep[c].clone().scatter(rows, part.scores[c]).alias(c) for c in keep])
    out = _finish(full, part.scorer, 0.0, part.cached_files, cancelled=part.cancelled)
    out.seconds, out.notes = part.seconds, part.notes
    return out


def _rescore(
    result: Any,
    options: RescoreOptions,
    on_progress: ProgressCallback | None,
    cancelled: threading.Event | None,
    read_options: str,
    uncached: frozenset[str],
    memo: ScoreMemo | None = None,
) -> Rescored:
    started = time.perf_counter()
    cancel = cancelled or threading.Event()
    generations: pl.DataFrame = result.generations
    name = options.scorer.strip()
    total = generations.height
    if name == "exact":
        own = _own_answer_rows(generations, result.files)
        scores = _exact_scores(generations, reextract=options.reextract, own_answers=own)
        return _finish(scores, name, started, 0, cancelled=False)
    if name == "lm-eval" or name.startswith("lm-eval:"):
        return _lm_eval(
            result, options, name, started, on_progress, cancel, read_options, uncached, memo
        )
    if generations.height and generations["gen"].null_count() == generations.height:
        raise ScorerUnavailable("the load did not keep the generations' text (keep_text=False)")
    # Fail here, with the message, rather than in every worker. What the user's module prints
    # on import went into `rescore -o -`'s data, or over the app's screen: kept back, as each
    # worker imports it again and prints it to stderr (score_worker.worker_main).
    with contextlib.redirect_stdout(io.StringIO()):
        resolve(name, options.timeout)

    version = scorer_version(name)
    cache = (
        Cache(options.cache_dir or default_cache_dir())
        if options.use_cache and version is not None
        else None
    )
    fingerprint = _fingerprint(name, version, options)
    generations = fill_vote_answers(generations)
    aliases = reference_alias_lists(generations)
    indexed = generations.with_row_index("_row")
    paths = _file_paths(result.files)
    pending: dict[str, tuple[str | None, list[int]]] = {}
    cached_files = 0
    memo = memo if version is not None else None  # a scorer that cannot be told apart: none
    keys: list[int] = []
    if memo is not None:
        memo.use(fingerprint)
        keys = _item_keys(indexed, name)
    scoring = _Scoring(total, started, on_progress, memo, fingerprint)
    todo: list[Item] = []
    for (source,), group in indexed.group_by("source", maintain_order=True):
        rows = group["_row"].to_list()
        key = None
        if cache is not None and str(source) in paths and str(source) not in uncached:
            path, reader = paths[str(source)]
            with contextlib.suppress(OSError):
                key = _score_key(cache, fingerprint, path, reader, read_options)
        hit = cache.get_frame(key, len(rows)) if cache is not None and key else None
        if hit is not None:
            scoring.put(rows, hit, cached=True)
            if memo is not None:  # the file may grow: its rows are not scored again then
                scoring.keep(rows, [keys[r] for r in rows])
            cached_files += 1
            continue
        pending[str(source)] = (key, rows)
        if memo is not None:
            left = scoring.recall(rows, [keys[r] for r in rows])
            if len(left) < len(rows):
                group = group.filter(pl.col("_row").is_in(left))
        for record in group.iter_rows(named=True):
            row = record["_row"]
            if record["answer"] is None:
                scoring.set(row, None, NO_REFERENCE, None)
                continue
            # The text the format's metric scored, where it is not the generation shown
            # (lighteval's text_post_processed, reasoning removed): what its scorer read.
            # An empty one is what it scored too (a reasoning cut at the token limit), never
            # the reasoning shown.
            scored = record.get("scored_text")
            text = scored if scored is not None else record["gen"] or ""
            if record.get("answer_unknown") is not None:  # its text is not the model's
                if name not in ANSWER_SCORERS or record.get("extracted") is None:
                    scoring.set(row, None, NO_ANSWER, record["answer_unknown"])
                    continue
                text = record["extracted"]  # the format's scorer's answer: math-verify reads it
            if name == "math-verify":  # it reads the tail only: send no more
                text = text[-TAIL_CHARS:]
            given = _record(record)
            found = aliases.get((record["answer"], record["vote_reference"]))
            if found:
                given[ALIASES] = found  # a list reference: any alias is the reference
            todo.append((row, text, record["answer"], given))

    complete = scoring.run(name, options, todo, cancel)
    scores = scoring.frame(SCORE_SCHEMA)
    if name in ANSWER_SCORERS and "answer_unknown" in generations.columns:
        # A verdict on the format's extracted answer says so (from the cache and memo too).
        from_answer = generations.select(
            pl.col("answer_unknown").is_not_null() & pl.col("extracted").is_not_null()
        ).to_series()
        scores = scores.with_columns(
            pl.when(
                from_answer & (pl.col("score_status") == OK) & pl.col("score_message").is_null()
            )
            .then(pl.lit(FROM_ANSWER))
            .otherwise(pl.col("score_message"))
            .alias("score_message")
        )
    if cache is not None and complete:
        _cache_files(cache, scores, pending)
    return _finish(scores, name, started, cached_files, cancelled=not complete)


class _Scoring:
    """The per-generation results being filled in (from the cache, at once, or by the worker
    pool), and the progress they make."""

    def __init__(
        self,
        total: int,
        started: float,
        on_progress: ProgressCallback | None,
        memo: ScoreMemo | None = None,
        fingerprint: str = "",
    ) -> None:
        self.score: list[float | None] = [None] * total
        self.status: list[str | None] = [None] * total
        self.message: list[str | None] = [None] * total
        self.prompt: list[float | None] = [None] * total
        """A record's own metric over its several generations (lm-eval), beside each."""
        self.total, self.started, self.on_progress = total, started, on_progress
        self.done = self.cached = 0
        self.counts = {ERROR: 0, TIMEOUT: 0}
        self.groups: dict[int, list[int]] = {}
        """An item's row -> every row it scores (an lm-eval record's generations)."""
        self.memo, self.fingerprint = memo, fingerprint
        self.keys: dict[int, int] = {}
        """A row sent to the scorer -> its verdict's key in ``memo``."""
        self.known = 0

    def recall(self, rows: list[int], keys: list[int]) -> list[int]:
        """Rows whose verdict ``memo`` holds (under ``keys``, one per row) take it; the others
        are returned (to be scored), their keys remembered to keep their verdicts."""
        if self.memo is None:
            return rows
        left = []
        for row, key in zip(rows, keys, strict=True):
            verdict = self.memo.get(key)
            if verdict is None:
                self.keys[row] = key
                left.append(row)
                continue
            _row, score, status, message, prompt = verdict
            self.set(row, score, status, message)
            self.prompt[row] = prompt
            self.known += 1
        return left

    def keep(self, rows: list[int], keys: list[int]) -> None:
        """``rows`` have their verdicts (the cache's): ``memo`` keeps them under ``keys``."""
        if self.memo is not None:
            for row, key in zip(rows, keys, strict=True):
                self._keep(row, key)

    def _keep(self, row: int, key: int) -> None:
        status, message = self.status[row], self.message[row]
        # A crashed worker is this machine's accident, not the scorer's verdict (as the cache).
        if self.memo is None or status is None or (message or "").startswith(WORKER_DIED):
            return
        verdict = (row, self.score[row], status, message, self.prompt[row])
        self.memo.put(self.fingerprint, key, verdict)

    def set(self, row: int, score: float | None, status: str, message: str | None) -> None:
        if self.status[row] is None:  # a row re-sent after a worker was replaced counts once
            self.done += 1
            if status in self.counts:
                self.counts[status] += 1
        self.score[row], self.status[row], self.message[row] = score, status, message

    def put(self, rows: list[int], frame: pl.DataFrame, *, cached: bool = False) -> None:
        """Results for ``rows`` from a frame (the cache's, or a file's not-scored rows)."""
        prompt = frame["new_prompt_score"] if "new_prompt_score" in frame.columns else None
        for i, (row, score, status, message) in enumerate(
            zip(
                rows,
                frame["new_accuracy"].to_list(),
                frame["score_status"].to_list(),
                frame["score_message"].to_list(),
                strict=True,
            )
        ):
            self.set(row, score, status, message)
            if prompt is not None:
                self.prompt[row] = prompt[i]
        if cached:
            self.cached += len(rows)
        self.report()

    def take(self, results: list[Result]) -> None:
        for row, score, status, message, prompt in results:
            self.set(row, score, status, message)
            self.prompt[row] = prompt
            key = self.keys.get(row)
            if key is not None:  # kept at once: a stopped re-score's verdicts count too
                self._keep(row, key)
        self.report()

    def report(self) -> None:
        if self.on_progress is not None:
            elapsed = time.perf_counter() - self.started
            errors, timeouts = self.counts[ERROR], self.counts[TIMEOUT]
            progress = RescoreProgress(
                self.done, self.total, self.cached, errors, timeouts, elapsed, self.known
            )
            self.on_progress(progress)

    def run(
        self, name: str, options: RescoreOptions, todo: list[Item], cancel: threading.Event
    ) -> bool:
        """Score ``todo`` in worker processes; False when cancelled."""
        self.report()
        if not todo:
            return True
        workers = min(options.worker_count(), max(1, math.ceil(len(todo) / 4)))
        size = max(1, min(options.chunk, math.ceil(len(todo) / (workers * 4))))
        pool = _Pool(name, options, workers, self.groups)
        for start in range(0, len(todo), size):
            pool.add(todo[start : start + size])
        return pool.run(self.take, cancel)

    def frame(self, schema: dict[str, pl.DataType]) -> pl.DataFrame:
        """Every generation's result, in load order (rows never reached: cancelled)."""
        status = [CANCELLED if st is None else st for st in self.status]
        columns: dict[str, list[Any]] = {
            "new_accuracy": self.score,
            "score_status": status,
            "score_message": self.message,
            "new_prompt_score": self.prompt,
        }
        return pl.DataFrame({c: columns[c] for c in schema}, schema=schema)


def _cache_files(
    cache: Cache, scores: pl.DataFrame, pending: dict[str, tuple[str | None, list[int]]]
) -> None:
    """Each file's scores under its key (``pending``: source -> key, rows)."""
    for key, rows in pending.values():
        part = scores[rows]
        # A crashed worker (out of memory, a segfault) is this machine's accident, not the
        # scorer's verdict: that file is scored again next time.
        crashed = part["score_message"].str.starts_with(WORKER_DIED).any()
        if key is not None and not crashed:
            cache.put_frame(key, part)


def _lm_eval(
    result: Any,
    options: RescoreOptions,
    name: str,
    started: float,
    on_progress: ProgressCallback | None,
    cancel: threading.Event,
    read_options: str,
    uncached: frozenset[str],
    memo: ScoreMemo | None = None,
) -> Rescored:
    """``lm-eval[:TASK]``: each lm-eval samples file through its task's filters and
    ``process_results`` (see :mod:`evaltui.data.lm_eval_scorer`), one record per item in the
    worker processes, with the timeout per record; cached per file."""
    from evaltui.data import lm_eval_scorer as lm
    from evaltui.data.formats import get_reader

    version = lm.check_available(name)
    wanted = name.partition(":")[2].strip() or None
    include = options.include_path
    fingerprint = f"rescore\0{name}\0lm_eval {version}\0{lm.tasks_digest(include)}"
    fingerprint += f"\0{options.timeout:g}"
    cache = Cache(options.cache_dir or default_cache_dir()) if options.use_cache else None
    generations: pl.DataFrame = result.generations
    files = {f.source: f for f in result.files if f.format is not None and f.path is not None}
    indexed = generations.with_row_index("_row")
    ours = indexed.filter(
        pl.col("source").is_in([s for s, f in files.items() if f.format == "lm_eval"])
    )
    tasks = sorted({p.rpartition(":")[0] for p in ours["prompt_id"].unique().to_list()})
    if not tasks:
        raise ScorerUnavailable(
            f"{name} re-scores lm-eval samples files (--log_samples); none was loaded"
        )
    if wanted is not None and wanted not in tasks:
        raise ScorerUnavailable(
            f"{name}: no loaded lm-eval samples file holds task {wanted!r} "
            f"(they hold {', '.join(repr(t) for t in tasks[:8])}"
            + (", …)" if len(tasks) > 8 else ")")
        )
    if memo is not None:
        memo.use(fingerprint)
    scoring = _Scoring(generations.height, started, on_progress, memo, fingerprint)
    reader = get_reader("lm_eval")
    notes: list[str] = []
    pending: dict[str, tuple[str | None, list[int]]] = {}
    cached_files = 0
    todo: list[Item] = []
    for (source,), rows in indexed.group_by("source", maintain_order=True):
        row_ids = rows["_row"].to_list()
        file = files.get(str(source))
        task = lm.file_task(rows["prompt_id"].to_list())
        why = None
        if file is None or file.format != "lm_eval":
            why = "not an lm-eval samples file"
        elif task is None:
            why = "not one lm-eval task's samples"
        elif wanted is not None and task != wanted:
            why = f"holds task {task!r}, not {wanted!r}"
        if why is not None or file is None or task is None:
            scoring.put(row_ids, lm.not_scored(rows.height, why or "")[0])
            notes.append(f"{source}: {why}")
            continue
        key = None
        if cache is not None and str(source) not in uncached:
            with contextlib.suppress(OSError):
                key = _score_key(cache, fingerprint, Path(file.path), "lm_eval", read_options)
        frame = cache.get_frame(key, rows.height) if cache is not None and key else None
        keys, occurrences = _record_keys(rows, task) if memo is not None else ([], {})
        if frame is not None:
            scoring.put(row_ids, frame, cached=True)
            scoring.keep(row_ids, keys)
            cached_files += 1
            unscored = frame.filter(pl.col("score_status") == lm.NOT_SCORED)
            if unscored.height:
                notes.append(f"{source}: {unscored['score_message'][0]}")
            continue
        if cancel.is_set():
            break
        given = None
        if memo is not None:  # the records whose every generation has a verdict: not again
            left = set(scoring.recall(row_ids, keys))
            if len(left) < len(row_ids):
                lines = rows.filter(pl.col("_row").is_in(list(left)))["line"].unique()
                rows = rows.filter(pl.col("line").is_in(lines.to_list()))
                given = occurrences
        items, failed = lm.file_items(Path(file.path), reader, rows, task, given)
        scoring.take(failed)
        for item in items:
            scoring.groups[item[0]] = item[3]["rows"]
        todo += items
        pending[str(source)] = (key, row_ids)
    complete = scoring.run(name, options, todo, cancel) and not cancel.is_set()
    scores = scoring.frame(lm.SCHEMA)
    for source, (_key, row_ids) in pending.items():
        part = scores[row_ids].filter(pl.col("score_status") == lm.NOT_SCORED)
        if part.height:  # the task cannot be built here: said once per file
            notes.append(f"{source}: {part['score_message'][0]}")
    if cache is not None and complete:
        _cache_files(cache, scores, pending)
    out = _finish(scores, name, started, cached_files, cancelled=not complete)
    out.notes = notes
    return out


def _record_keys(rows: pl.DataFrame, task: str) -> tuple[list[int], dict[int, int]]:
    """An lm-eval file's rows' :class:`ScoreMemo` keys (one per row, in order) and each line's
    occurrence of its doc. A record's verdicts depend on the logged record read back (its
    generation rows stand for it: the doc's prompt, the reference, the responses, the stored
    metric, where it is in the file), its task, and how many earlier records hold its doc (which
    of the task's filters scores it)."""
    digests = _digests(rows.drop("_row"), [c for c in rows.columns if c != "_row"])
    members: dict[int, list[int]] = {}
    for line, row_digest in zip(rows["line"].to_list(), digests, strict=True):
        members.setdefault(line, []).append(row_digest)
    first = rows.unique(subset="line", keep="first", maintain_order=True)
    seen: dict[str, int] = {}
    occurrences: dict[int, int] = {}
    for line, prompt_id in zip(first["line"].to_list(), first["prompt_id"].to_list(), strict=True):
        occurrences[line] = seen.get(prompt_id, 0)
        seen[prompt_id] = occurrences[line] + 1
    record_key = {
        line: hashlib.blake2b(repr((task, occurrences[line], ds)).encode(), digest_size=16)
        for line, ds in members.items()
    }
    keys: list[int] = []
    position: dict[int, int] = {}
    for line in rows["line"].to_list():
        at = position.get(line, 0)
        position[line] = at + 1
        row_key = record_key[line].copy()
        row_key.update(at.to_bytes(4, "little"))
        keys.append(int.from_bytes(row_key.digest(), "little"))
    return keys, occurrences


def _finish(
    scores: pl.DataFrame, name: str, started: float, cached_files: int, *, cancelled: bool
) -> Rescored:
    counts = {
        str(k): int(v)
        for k, v in scores["score_status"].value_counts().iter_rows()
        if k is not None
    }
    return Rescored(scores, name, time.perf_counter() - started, cached_files, cancelled, counts)


# --- the prompts' own scores under the new scores ----------------------------------------------

#: Inspect's reducers counting an epoch's score as correct at or above this value, their default
#: (at_least(k, value=1.0), pass_at(k, value=1.0)); the log names the reducer, not the value.
REDUCER_VALUE = 1.0
_COUNTED = re.compile(r"(at_least|pass_at)_(\d+)")


def reduce_epochs(reducer: str, values: Sequence[float]) -> float | None:
    """One prompt's epochs' scores (in epoch order) reduced as Inspect's epochs reducer of that
    registry name reduces them: ``mean``, ``max``, ``min``, ``median``, ``mode`` (the most
    common value, the first seen on a tie), ``at_least_<k>`` (1 when k epochs score at least
    :data:`REDUCER_VALUE`, else 0) and ``pass_at_<k>`` (Chen et al.'s estimate over the epochs).
    None for a reducer it does not know (a custom one) or no values."""
    if not values:
        return None
    if reducer == "mean":
        return statistics.fmean(values)
    if reducer == "max":
        return max(values)
    if reducer == "min":
        return min(values)
    if reducer == "median":
        return float(statistics.median(values))
    if reducer == "mode":
        return Counter(values).most_common(1)[0][0]
    counted = _COUNTED.fullmatch(reducer)
    if counted is None:
        return None
    k = int(counted.group(2))
    correct = sum(1 for v in values if v >= REDUCER_VALUE)
    if counted.group(1) == "at_least":
        return 1.0 if correct >= k else 0.0
    total = len(values)
    if total - correct < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / n for n in range(total - correct + 1, total + 1))


def with_prompt_scores(result: Any, rescored: Rescored) -> Rescored:
    """``rescored`` with ``new_prompt_score``: each prompt's own score (``prompt_score``: an
    Inspect epochs reducer's reduced score, a lighteval doc metric, an OpenCompass entry's
    verdict) under the new scores. Where the reduction is known (an Inspect log's epochs reducer,
    as its reader names it: ``LoadResult.reducers``) it is applied to the epochs' new scores;
    where it is not, the stored one is of the stored verdicts and would stand beside the new
    scores as if it were theirs: left out (the stats keep it as ``stored_prompt_score``). Notes say which. A generation outside
    the re-score (:data:`OUT_OF_SCOPE`) keeps its stored one. lm-eval's scorer scores its
    records' own metric again: left as it gives it."""
    generations: pl.DataFrame = result.generations
    if (
        is_lm_eval_scorer(rescored.scorer)
        or "prompt_score" not in generations.columns
        or generations["prompt_score"].null_count() == generations.height
    ):
        return rescored
    reducers: dict[tuple[str, str], str] = result.reducers()
    frame = generations.select(
        pl.col("run").cast(pl.String),
        pl.col("source").cast(pl.String),
        pl.col("prompt_id").cast(pl.String),
        pl.col("metric").cast(pl.String).fill_null(""),
        pl.col("prompt_score").cast(pl.Float64).alias("stored"),
    ).with_columns(
        rescored.scores["new_accuracy"].alias("new"),
        (rescored.scores["score_status"] == OUT_OF_SCOPE).alias("kept"),
    )
    keys = ["run", "source", "prompt_id", "metric"]
    groups = (
        frame.filter(pl.col("stored").is_not_null() & ~pl.col("kept"))
        .group_by(keys, maintain_order=True)
        .agg(pl.col("new"))
    )
    reduced: dict[tuple[str, str, str, str], float | None] = {}
    done: dict[tuple[str, str, str], int] = {}  # (source, score, reducer) -> prompts reduced
    unscored: dict[tuple[str, str, str], int] = {}  # ... -> prompts with an epoch unscored
    unknown: dict[tuple[str, str, str], int] = {}  # ... -> prompts under a reducer not known
    left: dict[str, int] = {}  # source -> prompts whose reduction is unknown
    for run, source, prompt_id, metric, new in groups.iter_rows():
        reducer = reducers.get((source, metric))
        value = None
        if reducer is None:
            left[source] = left.get(source, 0) + 1
        elif any(v is None or not math.isfinite(v) for v in new):
            unscored[(source, metric, reducer)] = unscored.get((source, metric, reducer), 0) + 1
        else:
            value = reduce_epochs(reducer, new)
            tally = unknown if value is None else done
            tally[(source, metric, reducer)] = tally.get((source, metric, reducer), 0) + 1
        reduced[(run, source, prompt_id, metric)] = value
    new_scores = (
        frame.join(
            pl.DataFrame(
                {
                    **{k: [key[i] for key in reduced] for i, k in enumerate(keys)},
                    "reduced": list(reduced.values()),
                },
                schema={**dict.fromkeys(keys, pl.String()), "reduced": pl.Float64()},
            ),
            on=keys,
            how="left",
            maintain_order="left",
        )
        .select(pl.when(pl.col("kept")).then(pl.col("stored")).otherwise(pl.col("reduced")))
        .to_series()
        .alias("new_prompt_score")
    )
    scorer = rescored.scorer
    notes: list[str] = []
    for (source, metric, reducer), n in done.items():
        notes.append(
            f"{source}: {metric}: prompt_score is the {reducer} of each sample's epochs under"
            f" {scorer}'s scores, as Inspect's epochs reducer reduces them ({plural(n, 'prompt')}"
            "; the stored one is kept as stored_prompt_score)"
        )
    for (source, metric, reducer), n in unscored.items():
        notes.append(
            f"{source}: {metric}: {plural(n, 'prompt')} with an epoch {scorer} gave no score:"
            f" no {reducer} of their epochs, prompt_score left out (the stored one is kept as"
            " stored_prompt_score)"
        )
    for (source, metric, reducer), n in unknown.items():
        notes.append(
            f"{source}: {metric}: prompt_score was reduced by {reducer}, an epochs reducer"
            f" evaltui cannot apply to {scorer}'s scores: left out for {plural(n, 'prompt')}"
            " (the stored one is kept as stored_prompt_score)"
        )
    for source, n in left.items():
        notes.append(
            f"{source}: prompt_score (the file's own score of each prompt, {plural(n, 'prompt')})"
            f" is of the stored scores and cannot be worked out from {scorer}'s: left out under"
            " the new scores (kept as stored_prompt_score)"
        )
    scores = rescored.scores.with_columns(new_scores)
    return dataclasses.replace(rescored, scores=scores, prompt_notes=notes)


# --- stats under both scores ------------------------------------------------------------------


def with_new_scores(generations: pl.DataFrame, rescored: Rescored) -> pl.DataFrame:
    """``generations`` with ``accuracy`` replaced by the new score, the stored one kept beside it
    as ``stored_accuracy``, and the status columns."""
    new = generations.with_columns(
        pl.col("accuracy").alias("stored_accuracy"),
        rescored.scores["new_accuracy"].alias("accuracy"),
        rescored.scores["score_status"],
        rescored.scores["score_message"],
    )
    if "new_prompt_score" in rescored.scores.columns:  # lm-eval: the doc's own metric, re-applied
        new = new.with_columns(rescored.scores["new_prompt_score"].alias("prompt_score"))
    if NEW_EXTRACTED in rescored.scores.columns:
        # The answer each verdict was made on (--reextract: read from the text): shown, and
        # voted on (maj@n), not the format's that no verdict read. The stored one is beside.
        new = fill_vote_answers(
            new.with_columns(
                pl.col("extracted").alias("stored_extracted"),
                rescored.scores[NEW_EXTRACTED].alias("extracted"),
                pl.lit(None, dtype=pl.String).alias("vote_answer"),
            )
        )
    if not is_lm_eval_scorer(rescored.scorer) and "metric" in new.columns:
        # Any other scorer's score is its own measure, not the stored metric's: re-scored by
        # `exact`, an lm-eval `mae` run's 0/1 verdicts were read as mae values where lower is
        # better (a wrong answer, 0, was a perfect mae: "improved 24") and a `bleu_max` run's as
        # bleu (a delta of -19.68 "bleu"). The scorer's name and no stated direction: its kind
        # comes from its values (0/1: an accuracy).
        # The stored metric is kept beside (:func:`stored_kinds`), as the stored score is. A row
        # whose format names no metric (plain JSONL's ``accuracy``, though its name says higher
        # is better) keeps the new one unnamed: its kind comes from its values either way, and
        # "exact" beside an unnamed stored score read as another metric ("not the same metric").
        named = pl.col("metric").is_not_null()
        new = new.with_columns(
            pl.col("metric").alias("stored_metric"),
            pl.col("higher_is_better").alias("stored_higher_is_better"),
            pl.when(named).then(pl.lit(rescored.scorer, dtype=pl.String)).alias("metric"),
            pl.lit(None, dtype=pl.Boolean).alias("higher_is_better"),
        )
    return new


def stored_kinds(generations: pl.DataFrame, thresholds: Any = None) -> dict[str, ScoreKind]:
    """Each run's kind of score under its stored scores, from re-scored ``generations`` (whose
    ``accuracy``, ``metric`` and ``higher_is_better`` are the new scorer's): an lm-eval
    ``bleu_max`` or ``mae`` stays a mean in its own units, with its own direction."""
    renamed = {"stored_accuracy": "accuracy"}
    if "stored_metric" in generations.columns:
        renamed |= {"stored_metric": "metric", "stored_higher_is_better": "higher_is_better"}
    stored = generations.drop(*renamed.values(), strict=False).rename(renamed)
    return score_kinds(stored, thresholds)


def is_lm_eval_scorer(name: str) -> bool:
    """``lm-eval`` or ``lm-eval:TASK``: the task's own metric scored again (its name, direction)."""
    name = name.strip()
    return name == "lm-eval" or name.startswith("lm-eval:")


# --- whether the new verdicts are the task's ----------------------------------------------------

#: Cells of each answer and reference a doubt quotes as an example.
DOUBT_EXAMPLE_CELLS = 20
#: Flipped verdicts a file needs before its doubt is said: one generation of a file of one
#: (a user scorer's 0.25 where 1 was stored) is no sign of a scorer of the task's own.
DOUBT_MIN_FLIPS = 3


def with_doubts(result: Any, rescored: Rescored, thresholds: Thresholds | None = None) -> Rescored:
    """``rescored`` with :attr:`Rescored.doubts`: per file, when the new scorer's verdicts may
    not be its task's. Counted over its generations the scorer scored whose stored verdict is
    known: the scorer calls most of those stored correct wrong, or changes the verdict of most
    of them. Said with whether any answer is one of the file's references at all, and the
    scorer that scores as the task did: an lm-eval task with its own ``process_results`` (the
    published negotiationtom_intention maps the letter ``A`` to the label ``Build-Rapport``)
    stored 4 of 20 correct, which ``exact``, comparing ``A`` with ``Build-Rapport``, all
    "flipped to wrong" with nothing saying why. The new scores are left as the scorer gave
    them. None for lm-eval's own scorer, a stopped re-score, or a file with fewer than
    :data:`DOUBT_MIN_FLIPS` verdicts flipped. The stored verdicts are judged by ``thresholds``
    (the load's ``--correct-threshold`` and ``--score-direction``), the new ones as
    :func:`rescored_stats` judges them: a plain ``score`` told lower-is-better, its 0.1s right
    answers, was judged as an accuracy here ("exact calls wrong 4 of the 4 generations stored
    correct" beside "0 verdicts flipped")."""
    from evaltui.data.lm_eval_scorer import file_task
    from evaltui.data.sanitize import distinct_middle, one_line

    generations: pl.DataFrame = result.generations
    if is_lm_eval_scorer(rescored.scorer) or rescored.cancelled or generations.height == 0:
        return rescored
    new = with_new_scores(generations, rescored)
    thresholds = thresholds or Thresholds()
    stored = stored_kinds(new, thresholds)
    now_kinds = score_kinds(new, new_score_thresholds(thresholds, rescored.scorer, stored))
    frame = fill_vote_answers(generations).select(
        pl.col("source").cast(pl.String),
        pl.col("prompt_id").cast(pl.String),
        pl.col("extracted").cast(pl.String),
        pl.col("answer").cast(pl.String),
        pl.col("vote_answer"),
        pl.col("vote_reference"),
        generations.select(correct_expr(stored)).to_series().alias("was"),
        new.select(correct_expr(now_kinds)).to_series().alias("now"),
        rescored.scores["score_status"].alias("status"),
    )
    scored = frame.filter((pl.col("status") == OK) & pl.col("now").is_not_null())
    if scored.height == 0:
        return rescored
    was, now = pl.col("was"), pl.col("now")
    same = reference_match_expr("vote_answer", "vote_reference").fill_null(False)
    per_file = scored.group_by("source", maintain_order=True).agg(
        was.is_not_null().sum().alias("n"),
        was.fill_null(False).sum().alias("correct"),
        (was & ~now).fill_null(False).sum().alias("to_wrong"),
        (was != now).fill_null(False).sum().alias("flipped"),
        same.sum().alias("same"),
        (same & ~now).sum().alias("same_wrong"),
    )
    formats = {f.source: f.format for f in getattr(result, "files", [])}
    doubts: list[str] = []
    # Only the files with a doubt are looked at row by row (a load of 1,000 files, each
    # filtered from the whole frame, was 1,000 passes over it).
    unread = (pl.col("same_wrong") >= DOUBT_MIN_FLIPS) & (2 * pl.col("same_wrong") > pl.col("same"))
    flips = (pl.col("flipped") >= DOUBT_MIN_FLIPS) & (
        ((pl.col("correct") > 0) & (2 * pl.col("to_wrong") > pl.col("correct")))
        | (2 * pl.col("flipped") > pl.col("n"))
    )
    per_file = per_file.filter(unread | flips)
    if per_file.height == 0:
        return rescored
    frame = frame.filter(pl.col("source").is_in(per_file["source"].implode()))
    for source, n, correct, to_wrong, flipped, n_same, same_wrong in per_file.iter_rows():
        rows = frame.filter(pl.col("source") == source)
        if same_wrong >= DOUBT_MIN_FLIPS and 2 * same_wrong > n_same:
            # Answers the scorer cannot read: math-verify's 0 for 'No' against ' No', on a
            # log whose stored verdicts are unknown too.
            example = rows.filter(same & ~now & pl.col("extracted").is_not_null())["extracted"]
            like = f" (answers like '{one_line(example[0], DOUBT_EXAMPLE_CELLS)}')"
            what = (
                f"{rescored.scorer} calls wrong {same_wrong:,} of the "
                f"{plural(n_same, 'generation')} whose answer is the reference as written"
                f"{like if example.len() else ''}: it does not read answers of this kind"
            )
            lm_task = (
                file_task(rows["prompt_id"].to_list()) if formats.get(source) == "lm_eval" else None
            )
            what += (
                f"; lm-eval:{lm_task} scores as the task did" if lm_task else "; exact reads them"
            )
            doubts.append(f"{source}: {what}")
            continue
        if flipped < DOUBT_MIN_FLIPS:
            continue
        if correct and 2 * to_wrong > correct:
            what = (
                f"{rescored.scorer} calls wrong {to_wrong:,} of the "
                f"{plural(correct, 'generation')} stored correct"
            )
        elif 2 * flipped > n:
            what = f"{rescored.scorer} changes the verdict of {flipped:,} of {n:,} generations"
        else:
            continue
        answers = rows.filter(pl.col("vote_answer").is_not_null())
        references = {
            piece
            for reference in rows["vote_reference"].drop_nulls().to_list()
            for piece in reference.split(VOTE_ALIAS_SEPARATOR)
        }
        task = file_task(rows["prompt_id"].to_list()) if formats.get(source) == "lm_eval" else None
        if answers.height and references and not (set(answers["vote_answer"]) & references):
            # One generation's answer and its own reference, the one stored correct where there
            # is one, cut so they read apart: the answer of one prompt beside another's
            # reference, each cut at 20 cells, read "no answer is one of its references
            # (answers like 'Build-Rapport strat…', references like 'Build-Rapport strat…')".
            pairs = answers.filter(pl.col("answer").is_not_null()).sort(
                pl.col("was").fill_null(False), descending=True, maintain_order=True
            )
            quoted = ""
            if pairs.height:
                said, given = str(pairs["extracted"][0]), str(pairs["answer"][0])
                cut = distinct_middle([said, given], DOUBT_EXAMPLE_CELLS)
                correct_word = " stored correct" if pairs["was"][0] else ""
                quoted = f" (a generation{correct_word} answered '{cut[said]}' to '{cut[given]}')"
            how = (
                "the task's own scorer maps answers to references"
                if task
                else "the stored scores took other answers for the references (a task's own "
                "scorer may map one to the other)"
            )
            what += f"; no answer is any of the file's references as written{quoted}: {how}"
        else:
            what += ": the stored scorer may read answers in a way this one does not"
        if task:
            what += (
                f"; lm-eval:{task} scores as the task did (its own process_results; "
                "--include-path DIR for a task the installed lm_eval does not hold)"
            )
        else:
            what += "; check its stored verdicts before trusting the new ones"
        doubts.append(f"{source}: {what}")
    if not doubts:
        return rescored
    return dataclasses.replace(rescored, doubts=doubts)


def rescored_stats(generations: pl.DataFrame, rescored: Rescored, options: Any) -> pl.DataFrame:
    """The Stats table under the new scores, with the stored scores' stats beside as
    ``stored_<name>`` (accuracy sums and means, correct and scored counts, pass@k, maj@n, the
    score's kind and metric: ``stored_score_kind``, ``stored_score_metric``), and per
    prompt: ``n_flipped`` (generations whose verdict changed, both known), ``n_flipped_to_correct``
    and ``n_flipped_to_wrong``, ``n_scorer_errors`` and ``n_timeouts``.

    ``options`` are the load's (a LoadOptions: the Stats tables are the loader's
    ``compute_stats``); each score is judged by its own run's notion of correct
    (metrics.correct_expr of its score kind), the new ones by :func:`new_score_thresholds`.
    """
    from evaltui.data.loader import compute_stats

    stored = compute_stats(generations, options)
    new_generations = with_new_scores(generations, rescored)
    new = new_stats(new_generations, rescored.scorer, options, run_kinds(stored))
    compared = [
        c
        for c in stored.columns
        if c in COMPARED or c == "prompt_score" or c.startswith("pass@") or c.startswith("maj@")
    ]
    # The stored score's kind beside its numbers: an mae told correct at <= 1 has a stored
    # n_correct, yet its stored mean (1.250) is no accuracy (the header said "stored accuracy").
    compared += [c for c in ("score_kind", "score_metric") if c in stored.columns]
    beside = stored.select("run", "prompt_id", *[pl.col(c).alias(f"stored_{c}") for c in compared])
    verdicts = pl.DataFrame(
        {
            "run": generations["run"],
            "prompt_id": generations["prompt_id"],
            "was": generations.select(correct_expr(run_kinds(stored))).to_series(),
            "now": new_generations.select(correct_expr(run_kinds(new))).to_series(),
            "status": rescored.scores["score_status"],
        }
    )
    was, now = pl.col("was"), pl.col("now")
    flips = verdicts.group_by(["run", "prompt_id"], maintain_order=True).agg(
        (was != now).sum().cast(pl.UInt32).alias("n_flipped"),
        (~was & now).sum().cast(pl.UInt32).alias("n_flipped_to_correct"),
        (was & ~now).sum().cast(pl.UInt32).alias("n_flipped_to_wrong"),
        (pl.col("status") == ERROR).sum().cast(pl.UInt32).alias("n_scorer_errors"),
        (pl.col("status") == TIMEOUT).sum().cast(pl.UInt32).alias("n_timeouts"),
    )
    keys = ["run", "prompt_id"]
    return new.join(beside, on=keys, how="left", maintain_order="left").join(
        flips, on=keys, how="left", maintain_order="left"
    )


def new_score_thresholds(
    thresholds: Thresholds, scorer: str, stored: Mapping[str, ScoreKind]
) -> Thresholds:
    """The thresholds (``--correct-threshold``, ``--score-direction``) a re-score's new scores
    are judged by, ``stored`` being each run's kind under its stored scores. The user's words
    are about the stored score: ``lm-eval``'s scorer applies the stored metric again, so they
    stay. Any other scorer's score is its own measure (:func:`with_new_scores`): no direction
    of the stored one (an ``mae`` run told ``lower`` and re-scored by ``exact`` read its 0/1
    verdicts as lower-is-better: a wrong answer was a perfect score, pass@k and
    never/always none, and with ``--correct-threshold 1`` every verdict, 0 or 1, correct).
    A run's threshold stays where its stored score is an accuracy (a 0.7 of a fraction is
    one of the new scorer's fractions too) or was never scored; one on another scale (an
    ``mae`` of 1, a bleu of 20, which no 0/1 verdict reaches) is not the new scores': their
    kind's own default (0.5 for an accuracy)."""
    if is_lm_eval_scorer(scorer):
        return thresholds
    kept: list[tuple[str, float]] = []
    for run, kind in stored.items():
        given = next((value for name, value in thresholds.per_run if name == run), None)
        given = thresholds.default if given is None else given
        if given is not None and (kind.accuracy or kind.kind == "unscored"):
            kept.append((run, given))
    return Thresholds(None, tuple(kept))


def new_stats(
    new_generations: pl.DataFrame, scorer: str, options: Any, stored: Mapping[str, ScoreKind]
) -> pl.DataFrame:
    """The Stats table of re-scored generations (:func:`with_new_scores`) under their new
    scores alone, each run's kind of score judged by :func:`new_score_thresholds` (``options``:
    the load's LoadOptions; ``stored``: each run's kind under its stored scores)."""
    from evaltui.data.loader import compute_stats

    frame = new_generations.drop("stored_accuracy", "score_status", "score_message", strict=False)
    thresholds = new_score_thresholds(options.correct_threshold, scorer, stored)
    return compute_stats(frame, options, kinds=score_kinds(frame, thresholds))


def verdict_columns(generations: pl.DataFrame, rescored: Rescored) -> pl.DataFrame:
    """Per generation, for a per-generation export: where it came from, the answer scored, both
    scores, the status. Where the re-score read its answers again (``exact --reextract``), the
    answer scored is ``extracted`` and the format's is beside as ``stored_extracted`` (the
    message says which verdicts read the text: :data:`READ_FROM_TEXT`)."""
    answer: list[str | pl.Expr] = ["extracted"]
    if NEW_EXTRACTED in rescored.scores.columns:
        answer = [
            pl.lit(rescored.scores[NEW_EXTRACTED]).alias("extracted"),
            pl.col("extracted").alias("stored_extracted"),
        ]
    return generations.select(
        "run",
        "source",
        "line",
        "prompt_id",
        "sample",
        "answer",
        *answer,
        pl.col("accuracy").alias("stored_accuracy"),
    ).with_columns(
        rescored.scores["new_accuracy"],
        rescored.scores["score_status"],
        rescored.scores["score_message"],
    )


# --- what the app and the report show ---------------------------------------------------------


def rescored_load(result: Any, rescored: Rescored, options: Any) -> Any:
    """``result`` (a LoadResult) under the new scores: generations scored by the new scorer (the
    stored score beside as ``stored_accuracy``, with ``score_status``/``score_message``), stats as
    :func:`rescored_stats` (``stored_*`` beside, ``n_flipped`` per prompt; ``options``: the
    load's LoadOptions). The app shows this, and exports it, as ``evaltui rescore`` writes it."""
    import dataclasses

    return dataclasses.replace(
        result,
        generations=with_new_scores(result.generations, rescored),
        stats=rescored_stats(result.generations, rescored, options),
        headline_numbers=None,  # the stored scores' numbers: computed again from the new ones
        triage_rows=None,
    )


def is_rescored(frame: pl.DataFrame) -> bool:
    """Stats (or generations) that carry the stored scores beside re-scored ones."""
    return "n_flipped" in frame.columns or "stored_accuracy" in frame.columns


def stored_accuracy_rows(stats: pl.DataFrame) -> pl.Expr:
    """The rows of re-scored ``stats`` whose stored score is an accuracy, whose stored mean is
    one: it had a "correct" (``stored_n_correct`` is null for a bleu or an mae without a
    threshold) and is no continuous metric (an mae told correct at <= 1 has a correct count,
    yet its mean 1.250 is a mean mae: the header said "stored accuracy 1.250")."""
    known = (
        pl.col("stored_n_correct").is_not_null() if "stored_n_correct" in stats else pl.lit(True)
    )
    if "stored_score_kind" in stats.columns:
        known = known & pl.col("stored_score_kind").ne_missing("continuous")
    return known


def per_run_comparison(stats: pl.DataFrame) -> pl.DataFrame:
    """Per run of re-scored stats: accuracy under the stored and the new scores (mean over scored
    generations, null when none), verdicts flipped (to correct, to wrong) and the prompts where
    any did, and whether the stored scores had verdicts at all (``stored_verdicts``: False for
    a stored score with no "correct", whose flips are no count)."""
    per_run = stats.group_by("run", maintain_order=True).agg(
        pl.col("stored_total_accuracy_count").sum().alias("stored_total"),
        pl.col("stored_n_scored").sum().alias("stored_n"),
        pl.col("total_accuracy_count").sum().alias("new_total"),
        pl.col("n_scored").sum().alias("new_n"),
        pl.col("n_flipped").sum().alias("flipped"),
        (pl.col("n_flipped") > 0).sum().alias("prompts_flipped"),
        pl.col("n_flipped_to_correct").sum().alias("to_correct"),
        pl.col("n_flipped_to_wrong").sum().alias("to_wrong"),
        pl.col("n_scorer_errors").sum().alias("scorer_errors"),
        # A stored score with no "correct" (an mae with no threshold) has no verdict to flip:
        # its "0 verdicts flipped" was no count.
        (
            pl.col("stored_n_correct").is_not_null().any()
            if "stored_n_correct" in stats.columns
            else pl.lit(True)
        ).alias("stored_verdicts"),
    )
    return per_run.with_columns(
        pl.when(pl.col("stored_n") > 0)
        .then(pl.col("stored_total") / pl.col("stored_n"))
        .alias("stored_accuracy"),
        pl.when(pl.col("new_n") > 0).then(pl.col("new_total") / pl.col("new_n")).alias("accuracy"),
    )


def from_answer_words(rescored: Rescored) -> str:
    """How many generations were scored from their format's extracted answer, their text not
    being the model's (:data:`FROM_ANSWER`), and how many as no answer, their format's scorer
    having found none (:data:`FOUND_NONE`), in words; "" when neither."""
    messages = rescored.scores["score_message"]
    n = int((messages == FROM_ANSWER).sum())
    none = int(messages.str.starts_with(FOUND_NONE).sum())
    own = int(messages.str.ends_with(TEXT_ANSWER_IS_REFERENCE).sum())
    reread = int((messages == READ_FROM_TEXT).sum())
    told = []
    if n:
        told.append(
            f"{plural(n, 'generation')} scored from the answer their format's scorer extracted "
            "(the text is not the model's output: an Inspect sample read from its summary)"
        )
    if none:
        told.append(
            f"{plural(none, 'generation')} scored as no answer: their format's scorer found"
            ' none (an Inspect answer "", an lm-eval filter\'s [invalid]) and none is read from'
            " the text (math-verify reads it)"
        )
    if own:
        told.append(
            f"{plural(own, 'generation')} scored wrong on the answer their format's scorer"
            " extracted (or found none) where the reply's own final answer is the reference"
            " (1,000 read as 000): exact reading the answers from the text (rescore --reextract;"
            " in the R dialog, 'exact, answers read from the text') scores them right"
        )
    if reread:
        told.append(
            f"{plural(reread, 'generation')} scored on the answer read from the text, not"
            " the one their format's scorer extracted"
        )
    return "; ".join(told)


def flipped_words(row: dict[str, Any]) -> str:
    """For a row of :func:`per_run_comparison`: ``3 verdicts flipped (2 to correct, 1 to
    wrong) in 2 prompts``, or :data:`NO_STORED_VERDICTS` when its stored score has no
    "correct" (no verdict could flip: "0 verdicts flipped" was no count)."""
    if not row.get("stored_verdicts", True):
        return NO_STORED_VERDICTS
    return (
        f"{plural(row['flipped'], 'verdict')} flipped ({row['to_correct']:,} to correct, "
        f"{row['to_wrong']:,} to wrong) in {plural(row['prompts_flipped'], 'prompt')}"
    )


def unscored_words(row: dict[str, Any]) -> str:
    """For a row of :func:`per_run_comparison`: " (46 of 50 generations scored)" when the new
    scores cover fewer generations than the stored ones (a generation without a reference or an
    answer to score, a scorer error): the two means are then over different generations. ""
    when they cover as many."""
    stored_n, new_n = row.get("stored_n") or 0, row.get("new_n") or 0
    if new_n >= stored_n:
        return ""
    return f" ({new_n:,} of {stored_n:,} generations scored)"


def verdicts(generations: pl.DataFrame, kinds: Any, stored: Any = None) -> pl.DataFrame:
    """Re-scored generations with ``_stored_correct`` and ``_correct`` (each score judged by its
    run's notion of correct, ``kinds`` as metrics.run_kinds gives; the stored score by ``stored``,
    its run's stored kinds (:func:`stored_kinds`), when they differ) and ``_flipped`` (both known,
    they differ)."""
    was = generations.select(pl.col("run"), pl.col("stored_accuracy").alias("accuracy")).select(
        correct_expr(kinds if stored is None else stored).alias("_stored_correct")
    )
    out = generations.with_columns(was["_stored_correct"], correct_expr(kinds).alias("_correct"))
    return out.with_columns(
        (pl.col("_stored_correct") != pl.col("_correct")).fill_null(False).alias("_flipped")
    )
