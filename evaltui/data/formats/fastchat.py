"""FastChat ``llm_judge`` (MT-Bench and the benchmarks laid out like it): a model's answers
``data/<bench>/model_answer/<model>.jsonl``, the questions ``data/<bench>/question.jsonl`` and an
LLM judge's ratings ``data/<bench>/model_judgment/<judge>_single.jsonl``.

An answer line (``gen_model_answer.py`` / ``gen_api_answer.py``) is ``question_id``,
``answer_id``, ``model_id``, ``choices`` (``num_choices`` of ``{index, turns: [one answer per
turn]}``) and ``tstamp``; it holds no question. A question line is ``question_id``,
``category``, ``turns`` (one user message per turn) and, for the categories judged against one,
``reference`` (one per turn). A single-answer judgment line (``gen_judgment.py --mode single``)
is ``question_id``, ``model`` (the answer file's name), ``judge`` ([judge model, prompt name]),
``user_prompt``, ``judgment``, ``score`` (the judge's 1-10 rating, higher better; -1 when its
reply held no ``[[rating]]``) and ``turn`` (1 or 2): the first choice's answer to each turn is rated apart.

Each turn is a prompt (``<bench>:<question_id>:t<turn>``: the turn's user message, the turn's
reference), each choice's answer to it a sample; a judged one is scored by the judge's rating
(metric ``judge_score``, higher better), a -1 left unscored with a note. The run is the answer file's ``model_id``. The questions, the judgments, pairwise
judgments (``*_pair.jsonl``: verdicts between two models, not read as scores) and the GPT-4
reference answers (``reference_answer/``, in the answer files' shape) are companions: skipped,
and read for the answers. An answer's record as evaltui exports it carries its question
(``question``) and its single-answer judgments (``judgments``), which the line alone lacks: the
export reads back without the folder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    line_at,
    message_text,
    parse_json,
    stringify,
    to_score,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural

ANSWER_KEYS = {"question_id", "choices", "model_id"}
ANSWERS = "model_answer"
JUDGMENTS = "model_judgment"
REFERENCES = "reference_answer"
QUESTIONS = "question.jsonl"
#: What an exported record carries besides the answer line's own fields.
QUESTION = "question"
JUDGED = "judgments"
#: The judge's 1-10 rating, one metric for both turns (a metric per turn would split the run).
METRIC = "judge_score"


def _bench(path: Path) -> Path:
    """``data/<bench>/`` of an answer file ``data/<bench>/model_answer/<model>.jsonl``."""
    return path.parent.parent


def _lines(path: Path) -> list[dict[str, Any]]:
    """A companion's JSON objects (unreadable lines left out: they are the companion's own
    matter, and the answers say what they miss)."""
    try:
        parsed, _errors, _notes = parse_json_lines(path, path.name)
    except OSError:
        return []
    return [record for _line, _offset, record in parsed if isinstance(record, dict)]


def _key(value: Any) -> str:
    """A question id as the files may spell it (81, "81")."""
    return stringify(value) or ""


def _judgments(bench: Path, model: str) -> list[tuple[str, dict[str, Any]]]:
    """``model``'s single-answer judgments in ``bench/model_judgment/*_single.jsonl`` (the file's
    name, the line), files in name order."""
    try:
        files = sorted(p for p in (bench / JUDGMENTS).iterdir() if p.name.endswith("_single.jsonl"))
    except OSError:
        files = []
    return [
        (f.name, j)
        for f in files
        for j in _lines(f)
        if j.get("model") == model and isinstance(j.get("turn"), int)
    ]


def _turn_text(value: Any) -> str:
    """A turn as text: FastChat writes strings; arena-hard-auto, which keeps FastChat's layout,
    writes each turn as ``{"content": …}`` (answers with their ``token_len``)."""
    if isinstance(value, dict) and "content" in value:
        return message_text(value["content"])
    return stringify(value) or ""


def _answers_record(record: dict[str, Any] | None) -> bool:
    choices = record.get("choices") if record is not None else None
    return (
        record is not None
        and set(record) >= ANSWER_KEYS
        and isinstance(choices, list)
        and any(isinstance(c, dict) and "turns" in c for c in choices)
    )


class FastChatJudgeReader(Reader):
    """FastChat ``llm_judge`` answers, with their questions and single-answer judgments."""

    name = "fastchat_llm_judge"
    description = (
        "FastChat llm_judge data/<bench>/model_answer/<model>.jsonl"
        " (question.jsonl, model_judgment/ beside)"
    )
    extensions = (".jsonl",)
    appendable = True

    def sniff(self, path: Path, head: bytes) -> int:
        if path.parent.name == REFERENCES:
            return 0  # the reference answers: a companion
        return 92 if _answers_record(first_record(head)) else 0

    def companion(self, path: Path, head: bytes) -> bool:
        first = first_record(head)
        if first is None or "question_id" not in first:
            return False
        if path.parent.name == JUDGMENTS:
            return "judge" in first
        if path.parent.name == REFERENCES:
            return _answers_record(first)
        return path.name == QUESTIONS and "turns" in first and (path.parent / ANSWERS).is_dir()

    def companions(self, path: Path) -> tuple[Path, ...]:
        bench = _bench(path)
        judged = bench / JUDGMENTS
        try:
            judgments = sorted(p for p in judged.iterdir() if p.name.endswith("_single.jsonl"))
        except OSError:
            judgments = []
        return (bench / QUESTIONS, judged, *judgments)

    def records_form(self, path: Path) -> str | None:
        return f"each answer with its {QUESTION} and {JUDGED} added, which its line lacks"

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        """Each answer's line with its question and single-answer judgments (the folder's),
        so that the export reads back on its own."""
        bench = _bench(path)
        questions = {_key(q.get("question_id")): q for q in _lines(bench / QUESTIONS)}
        judgments = _judgments(bench, path.stem)
        with path.open("rb") as handle:
            for _line, offset in rows:
                if offset is None:
                    raise ValueError(f"{path}: record has no byte offset")
                record = parse_json(line_at(handle, offset).decode("utf-8", errors="replace"))
                if isinstance(record, dict) and QUESTION not in record:
                    qid = _key(record.get("question_id"))
                    if qid in questions:
                        record[QUESTION] = questions[qid]
                    record[JUDGED] = [j for _n, j in judgments if _key(j.get("question_id")) == qid]
                yield json.dumps(record, ensure_ascii=False)

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        parsed, errors, notes = parse_json_lines(path, source, options.window)
        bench = _bench(path)
        questions = {_key(q.get("question_id")): q for q in _lines(bench / QUESTIONS)}
        exported = [r for _l, _o, r in parsed if isinstance(r, dict) and QUESTION in r]
        if not questions and not exported:
            errors.append(
                LoadError(
                    source,
                    None,
                    f"no {QUESTIONS} in {bench.name}/ (two folders up): the answers' questions"
                    " are not known",
                )
            )
            return ReadResult(Rows().frame(), errors, notes)
        model = path.stem  # gen_judgment.py names a judgment's model by the answer file
        ratings: dict[tuple[str, int], Any] = {}
        judged_by: list[str] = []
        for name, j in _judgments(bench, model):
            ratings.setdefault((_key(j.get("question_id")), j["turn"]), j.get("score"))
            if name not in judged_by:
                judged_by.append(name)
        # Exported records carry their own judgments (see records()).
        judged = bool(judged_by) or any(r.get(JUDGED) for r in exported)
        rows = Rows()
        unrated = 0  # judgments of -1: the judge's reply held no rating
        later_choices = 0  # answers of choices after the first: the judge rates the first only
        for line, offset, record in parsed:
            with rows.entry(errors, source, line):
                if not _answers_record(record if isinstance(record, dict) else None):
                    errors.append(
                        LoadError(
                            source, line, "not a FastChat answer (question_id, model_id, choices)"
                        )
                    )
                    continue
                qid = _key(record["question_id"])
                question = record.get(QUESTION) or questions.get(qid)
                own = record.get(JUDGED)
                for j in own if isinstance(own, list) else []:  # an exported record's own
                    if isinstance(j, dict) and isinstance(j.get("turn"), int):
                        ratings.setdefault((qid, j["turn"]), j.get("score"))
                if not isinstance(question, dict) or not isinstance(question.get("turns"), list):
                    errors.append(LoadError(source, line, f"question {qid} is not in {QUESTIONS}"))
                    continue
                asked = question["turns"]
                references = question.get("reference")
                run = options.label or stringify(record["model_id"]) or model
                for sample, choice in enumerate(record["choices"]):
                    turns = choice.get("turns") if isinstance(choice, dict) else None
                    if not isinstance(turns, list):
                        errors.append(
                            LoadError(source, line, f"choice {sample} has no list of turns")
                        )
                        continue
                    later_choices += sample > 0
                    for t, answer in enumerate(turns):
                        score = None
                        rating = ratings.get((qid, t + 1)) if sample == 0 else None
                        if rating is not None:
                            score = to_score(rating, non_finite=True)
                            if score == -1 or (score is not None and not math.isfinite(score)):
                                unrated += 1
                                score = None
                        reference = (
                            references[t]
                            if isinstance(references, list) and t < len(references)
                            else None
                        )
                        rows.add(
                            run=run,
                            source=source,
                            line=line,
                            offset=offset,
                            prompt_id=f"{bench.name}:{qid}:t{t + 1}",
                            prompt=_turn_text(asked[t]) if t < len(asked) else "",
                            answer=stringify(reference) if reference not in ("", None) else None,
                            gen=_turn_text(answer),
                            accuracy=score,
                            metric=METRIC if judged else None,
                            higher_is_better=True if judged else None,
                            sample=sample,
                        )
        if judged and not judged_by:
            notes.append(
                f"{source}: each turn's answer scored by the judge's 1-10 rating its record"
                f" carries ({JUDGED}: evaltui's export of the answers)"
            )
        elif judged_by:
            notes.append(
                f"{source}: each turn's answer scored by the judge's 1-10 rating in"
                f" {JUDGMENTS}/{', '.join(judged_by)}"
                + (" (the first file's, where several rate it)" if len(judged_by) > 1 else "")
            )
        else:
            notes.append(
                f"{source}: no single-answer judgment of {model!r} in {bench.name}/{JUDGMENTS}/:"
                " answers unscored"
            )
        if unrated:
            notes.append(
                f"{source}: {plural(unrated, 'answer')} rated -1 (the judge's reply held no"
                " [[rating]]): unscored"
            )
        if later_choices:
            notes.append(
                f"{source}: {plural(later_choices, 'choice')} after each question's first"
                " unscored: the judge rates the first choice's answers only"
            )
        return ReadResult(rows.frame(), errors, notes)
