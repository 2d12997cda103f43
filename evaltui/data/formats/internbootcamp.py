"""InternBootcamp ``run_eval.py``: ``details/<test file>.jsonl`` (+ ``meta.jsonl``, ``eval_args.json``).

One line per prompt, in completion order: ``id`` (line number in the test file), ``prompt``,
``output``, ``score`` (float or int, partial credit possible), ``extracted_output`` (any JSON),
``ground_truth`` (usually an object, shown as JSON), and ``output_len`` -- a whitespace word count,
not tokens, so it is not read: evaltui's own token length is the one shown. Later versions add
``reasoning_content``: the thinking a reasoning model's server returned apart from ``output``.
run_eval.py scores and extracts from ``reasoning_content + "\n" + output``, so that is the
generation (its length is the model's whole output), with a note saying so. Those versions also
write every extracted answer as ``str(extracted)``, so a bootcamp that extracted nothing (None)
leaves the text ``"None"``: no extracted answer, as ``null`` is. A score ``NaN`` or ``Infinity``
is a bootcamp's own: ``verify_score`` returns ``float(judge)`` of whatever number its check gives,
and run_eval.py's ``json.dump`` writes it as is (``allow_nan``); such a row is unscored, with a
note naming its lines.

Prompt id: ``<test dir name>/<test file stem>:<id>`` (the test dir from ``eval_args.json``; just
``<stem>:<id>`` without it), so test dirs with files of one name keep their prompts apart.

Run label: ``eval_args.json``'s ``model_name``, else the output folder's model
(``<model>_<test dir>_<YYYYMMDD_HHMMSS>``), found by the ``<model>_scores.xlsx`` beside it or the
script's default test dir, else the folder's name without its time stamp (with a note); its
first "_" read back as the "/" of a Hub model's name (``Qwen_Qwen2.5-7B`` is ``Qwen/Qwen2.5-7B``,
with a note). The script writes one sample per
prompt; several output dirs of one model (its way of sampling k times) share the label, so their
lines become the k samples of each prompt.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    USER_ROLES,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    chat_message_text,
    chat_text,
    companion_json,
    json_kind,
    named,
    prompt_hash,
    stringify,
    to_score,
    turns_text,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.schema import LoadError
from evaltui.data.wording import first_few, plural

REQUIRED = {"id", "prompt", "output", "score"}
#: Keys only run_eval.py writes (with REQUIRED they tell its lines from generic prompt/output files).
OWN_KEYS = {"ground_truth", "extracted_output", "output_len"}
TIME_STAMP = re.compile(r"_\d{8}_\d{6}\Z", re.ASCII)
#: A Hugging Face Hub namespace (an organisation or user): no "_" in it.
HUB_NAMESPACE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
#: What run_eval.py names the score sheet it writes in the output dir, after the model's name.
SCORES = "_scores.xlsx"
#: run_eval.py's ``--test_dir`` default (``examples/data/Intenbootcamp_eval``), its basename.
DEFAULT_TEST_DIR = "Intenbootcamp_eval"
#: How run_eval.py starts a line (its key order), for lines longer than the detector's head.
LINE_START = re.compile(r'\{"id":\s*\d+,\s*"prompt":\s*"')


def _output_dir(path: Path) -> Path:
    return path.parent.parent if path.parent.name == "details" else path.parent


def _eval_args(path: Path) -> dict[str, object]:
    """The output dir's ``eval_args.json`` (run_eval.py's argparse namespace); {} if unreadable."""
    args = companion_json(_output_dir(path) / "eval_args.json")
    return args if isinstance(args, dict) else {}


def _from_folder(path: Path) -> tuple[str, str] | None:
    """(model, test dir) told apart in the output dir's name, ``<model_name with "/" as "_">_
    <basename(test_dir)>_<YYYYMMDD_HHMMSS>``, when something says where the model's name ends:
    the ``<model_name, "/" as "_">_scores.xlsx`` run_eval.py writes beside it at the end, else
    the script's default test dir (``examples/data/Intenbootcamp_eval``). None when nothing
    does: either name may hold "_"."""
    root = _output_dir(path)
    if not TIME_STAMP.search(root.name):
        return None
    name = TIME_STAMP.sub("", root.name)
    try:
        sheets = [p.name[: -len(SCORES)] for p in root.iterdir() if p.name.endswith(SCORES)]
    except OSError:
        sheets = []
    for model in sorted(sheets, key=len, reverse=True):
        if model and name.startswith(model + "_") and len(name) > len(model) + 1:
            return model, name[len(model) + 1 :]
    if name.endswith("_" + DEFAULT_TEST_DIR) and len(name) > len(DEFAULT_TEST_DIR) + 1:
        return name[: -len(DEFAULT_TEST_DIR) - 1], DEFAULT_TEST_DIR
    return None


def _slashed(folder_form: str) -> str:
    """The model name an output folder spells with its "/" as "_" (run_eval.py names the folder
    ``<model_name.replace('/', '_')>_…``): the first "_" back to "/" when what comes before it
    can be a Hub namespace (letters, digits, "-", ".") and what follows reads as a Hub model's
    name (holding a "-" or a "."): ``Qwen_Qwen2.5-7B-Instruct`` -> ``Qwen/Qwen2.5-7B-Instruct``,
    as eval_args.json's ``model_name`` says it. Served names such as the script's own
    ``r1_0528``, ``r1_32B`` stay as they are."""
    namespace, sep, rest = folder_form.partition("_")
    if (
        sep
        and HUB_NAMESPACE.fullmatch(namespace)
        and rest[:1].isalnum()
        and re.search(r"[-.]", rest)
    ):
        return f"{namespace}/{rest}"
    return folder_form


def _folder_model(path: Path, options: ReadOptions) -> str:
    """The model's name as the output folder spells it (no eval_args.json): see :func:`_model`;
    the name the user gave the folder, when given as a link (:func:`named`)."""
    root = _output_dir(path)
    shown = named(root, options)
    found = _from_folder(path) if shown == root else None
    if found is not None:
        return found[0]
    return TIME_STAMP.sub("", shown.name) or shown.name


def _model(path: Path, options: ReadOptions) -> str:
    model = _eval_args(path).get("model_name")
    if isinstance(model, str) and model:
        return model
    return _slashed(_folder_model(path, options))


def _test_set(path: Path) -> str:
    """The name of the test dir the details file's prompts came from (``eval_args.json``'s
    ``test_dir``, as run_eval.py names its output dir after it; without it, the output dir's
    name when :func:`_from_folder` can split it), "" when not known. Two test dirs can hold a
    file of one name (``easy/game24.jsonl``, ``hard/game24.jsonl``) with other prompts: the ids
    say which."""
    args = _eval_args(path)
    test_dir = args.get("test_dir")
    if not args:
        found = _from_folder(path)
        return found[1] if found is not None else ""
    if not isinstance(test_dir, str):
        return ""
    name = test_dir.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return "" if name in (".", "..") else name  # run from inside the test dir: no name to give


class InternBootcampReader(Reader):
    """InternBootcamp ``examples/unittests/run_eval.py`` details files."""

    name = "internbootcamp"
    own_answers = True
    description = (
        "InternBootcamp run_eval.py details/<file>.jsonl (meta.jsonl, eval_args.json beside)"
    )
    extensions = (".jsonl", ".json")
    appendable = True

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is not None:
            if not set(first) >= REQUIRED:
                return 0
            # Above the plain reader's generic prompt/output guess (30) either way.
            return 92 if set(first) & OWN_KEYS else 80
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        if LINE_START.match(text):
            # A first line longer than the head (ARC grids): trust the layout of the output dir.
            root = _output_dir(path)
            beside = (root / "meta.jsonl").is_file() or (root / "eval_args.json").is_file()
            return 75 if path.parent.name == "details" and beside else 0
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        if path.name == "eval_args.json":
            return True
        first = first_record(head)
        return path.name == "meta.jsonl" and first is not None and "bootcamp" in first

    def companions(self, path: Path) -> tuple[Path, ...]:
        args = _output_dir(path) / "eval_args.json"
        # Without eval_args.json the label may come from the score sheet's name: the output
        # dir's own version changes when that sheet is written.
        return (args,) if args.is_file() else (args, _output_dir(path))

    def records_task(self, path: Path) -> str | None:
        """The prompt ids' ``<test dir>/<stem>``: what eval_args.json beside the file said,
        which its records read back alone (an export) lack."""
        test_set = _test_set(path)
        return f"{test_set}/{path.stem}" if test_set else None

    def read_records(
        self,
        path: Path,
        source: str,
        options: ReadOptions,
        lines: Sequence[int] | None,
        task: str | None = None,
        runs: Sequence[str] = (),
    ) -> ReadResult:
        """Exported records read back with their ids' ``<test dir>/<stem>`` as the source's
        (the manifest's ``task``): the test dir was eval_args.json's, not the records'."""
        return self._read(path, source, options, task)

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        return self._read(path, source, options, None)

    def _read(
        self, path: Path, source: str, options: ReadOptions, prefix: str | None
    ) -> ReadResult:
        parsed, errors, notes = parse_json_lines(path, source, options.window)
        run = options.label or _model(path, options)
        if not options.label and not _eval_args(path) and run != _folder_model(path, options):
            notes.append(
                f"{source}: no eval_args.json beside it: the model's name"
                f" {_folder_model(path, options)!r} of its output folder is read as {run!r}"
                " (run_eval.py writes a '/' of the name as '_' there)"
            )
        if not _eval_args(path) and _from_folder(path) is None:
            root = _output_dir(path)
            if TIME_STAMP.search(root.name) and "_" in TIME_STAMP.sub("", root.name):
                notes.append(
                    f"{source}: no eval_args.json (nor <model>_scores.xlsx) beside it: the run is"
                    f" labelled {run!r}, its output folder's '<model>_<test dir>' without the"
                    " time, as the model's name cannot be told from the test dir's"
                )
        prefix = prefix or self.records_task(path) or path.stem
        rows = Rows()
        with_reasoning = 0
        non_finite: list[int] = []  # lines whose score is NaN or infinite
        for line, offset, record in parsed:
            with rows.entry(errors, source, line):
                if not isinstance(record, dict):
                    errors.append(LoadError(source, line, f"{json_kind(record)}, not an object"))
                    continue
                missing = sorted(REQUIRED - set(record))
                if missing:
                    errors.append(
                        LoadError(
                            source,
                            line,
                            f"not an InternBootcamp record (missing {', '.join(missing)})",
                        )
                    )
                    continue
                try:
                    score = to_score(record["score"], non_finite=True)
                except ValueError as exc:
                    errors.append(LoadError(source, line, str(exc)))
                    continue
                if score is not None and not math.isfinite(score):
                    # A bootcamp's check gave it (verify_score: float(judge)) and json.dump
                    # wrote it: the generation is shown, unscored.
                    non_finite.append(line)
                    score = None
                extracted = record.get("extracted_output")
                if extracted == "None":  # str(None): nothing was extracted
                    extracted = None
                gen = stringify(record["output"]) or ""
                reasoning = record.get("reasoning_content")
                if isinstance(reasoning, str) and reasoning:
                    gen = reasoning + "\n" + gen  # what run_eval.py scored
                    with_reasoning += 1
                rows.add(
                    run=run,
                    source=source,
                    line=line,
                    offset=offset,
                    prompt_id=f"{prefix}:{stringify(record['id'])}",
                    prompt=stringify(record["prompt"]) or "",
                    answer=stringify(record.get("ground_truth")),
                    gen=gen,
                    accuracy=score,
                    metric="score",  # partial credit: a mean score (metrics.SCORE_NAMES)
                    extracted=stringify(extracted),
                )
        notes.extend(
            _score_notes(
                source,
                non_finite,
                with_reasoning,
                "run_eval.py",
                "reasoning_content, a line break and output (the thinking the server returned"
                " apart), as run_eval.py scored them",
            )
        )
        return ReadResult(rows.frame(), errors, notes)


def _score_notes(
    source: str, non_finite: list[int], with_reasoning: int, script: str, shown: str
) -> list[str]:
    """The notes on a file's NaN or infinite scores (the lines) and on its generations that open
    with the thinking the server returned apart (``reasoning_content``)."""
    notes = []
    if non_finite:
        first = first_few(non_finite)
        notes.append(
            f"{source}: {plural(len(non_finite), 'score')} NaN or infinite"
            f" ({'line' if len(non_finite) == 1 else 'lines'} {first}):"
            f" the bootcamp's check gave a non-finite number, which verify_score returns and"
            f" {script} writes as is: unscored"
        )
    if with_reasoning:
        notes.append(f"{source}: {plural(with_reasoning, 'generation')} shown as {shown}")
    return notes


#: Keys every line of ``BaseEvaluator``'s ``eval_results_*.jsonl`` has, scored or failed.
EVAL_KEYS = {"input", "messages", "score", "success", "turn_record"}
#: How ``BaseEvaluator`` starts a line (``json.dumps`` of its result, ``input`` first), for
#: lines longer than the detector's head.
EVAL_LINE_START = re.compile(r'\{"input":\s*\{')
EVAL_FILE = re.compile(r"eval_results_.*\.jsonl", re.DOTALL)
#: ``BaseEvaluator.run_evaluation``'s file name: ``eval_results_{format_time_now()}_{random}``,
#: the time as ``format_time_now`` writes it (``%Y%m%d%H%M%S``).
EVAL_TIME = re.compile(r"eval_results_(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)_\d+\.jsonl", re.ASCII)
#: How much of a file's first line is read for its model's name (a line keeps the whole
#: conversation three times: messages, full_context, response_context).
FIRST_LINE_BYTES = 64 << 20


def _eval_text(message: dict[str, Any]) -> tuple[str, bool]:
    """A response message as text, with the thinking the server returned apart
    (``reasoning_content``) before its content, as :func:`_score_notes` tells; and whether it
    had such thinking."""
    text = chat_message_text(message)
    reasoning = message.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning.strip():
        return reasoning + "\n" + text, True
    return text, False


#: The key of a line's ``evaluation_config``, its last (``_evaluate_one``'s dict order); a
#: string holding the name has its quotes escaped, so this finds the key alone.
EVAL_CONFIG_KEY = b'"evaluation_config"'


def _eval_model(path: Path) -> str | None:
    """``evaluation_config.model`` of an evaluator file's first line (every line of a run has
    it, failed rows too): the run's label, as :meth:`InternBootcampEvalReader.read` gives it.
    Only the config is decoded (a line of a long conversation took 40 ms to decode whole)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(FIRST_LINE_BYTES)
        at = first.rfind(EVAL_CONFIG_KEY)
        if at < 0:
            return None
        colon = first.index(b":", at + len(EVAL_CONFIG_KEY))
        text = first[colon + 1 :].decode("utf-8", errors="replace").lstrip()
        config, _end = json.JSONDecoder().raw_decode(text)
    except (OSError, ValueError):
        return None
    model = config.get("model") if isinstance(config, dict) else None
    return model if isinstance(model, str) and model else None


class InternBootcampEvalReader(Reader):
    """InternBootcamp's evaluator (``internbootcamp/utils/run_evaluation.py``, ``BaseEvaluator``):
    ``<output dir>/<model, "/" as "-">/eval_results_<time>_<random>.jsonl``, one line per
    dataset row in completion order.

    A line holds the row as given (``input``: verl's shape, ``prompt`` or ``messages`` the chat
    sent, ``reward_model.ground_truth``, ``data_source``, ``extra_info``), the whole conversation
    after it (``messages``: the prompt's messages, then every assistant turn, tool result and
    interaction reply), ``score`` (``reward_calculator.verify_score`` of ``response_context``,
    the messages after the prompt as text; ``null`` without a reward calculator),
    ``extracted_output``, ``ground_truth``, ``success`` and ``evaluation_config.model`` (the
    model's name as given). The prompt is the row's chat; the generation is every message after
    it (one assistant turn its text alone, more turns ``role: text`` each: what was scored), the
    thinking a server returned apart first. A failed row (``success`` false: the request or a
    tool raised) has no response and its score 0 is no verdict (the evaluator leaves it out of
    its average): it is an error entry with its ``error``. Rows carry no id: a prompt is its
    text, as plain records are (a dataset's repeated rows are its samples). The run is
    ``evaluation_config.model``, else the folder's name; each file is a run of its own
    (:meth:`run_identity`: two files of one model that share prompts are told apart).
    """

    name = "internbootcamp_eval"
    own_answers = True
    description = "InternBootcamp run_evaluation.py <model>/eval_results_<time>.jsonl"
    extensions = (".jsonl",)
    appendable = True

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is not None:
            return 92 if set(first) >= EVAL_KEYS else 0
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        # A first line longer than the head (a reasoning trace, kept thrice: messages,
        # full_context, response_context): trust the file's name and the line's start.
        return 75 if EVAL_FILE.fullmatch(path.name) and EVAL_LINE_START.match(text) else 0

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """One file is one run: ``run_evaluation`` writes a new ``eval_results_<time>_<random>
        .jsonl`` each time it is run (a resumed run appends to the file it resumes), so two files
        of one model that evaluated common prompts are two runs, told apart by the time in their
        names (``model @ 2025-11-03T10:21:07``); files of other datasets stay the model's run."""
        if options.label:
            return None
        found = EVAL_TIME.fullmatch(path.name)
        started = "{}-{}-{}T{}:{}:{}".format(*found.groups()) if found else ""
        label = _eval_model(path) or named(path, options).parent.name
        return RunIdentity(label, path.name, path.name, started, name=path.stem)

    def records_task(self, path: Path) -> str | None:
        return None  # the rows say what they evaluated (data_source), the file's name does not

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        parsed, errors, notes = parse_json_lines(path, source, options.window)
        rows = Rows()
        with_reasoning = 0
        non_finite: list[int] = []
        for line, offset, record in parsed:
            with rows.entry(errors, source, line):
                if not isinstance(record, dict) or not set(record) >= EVAL_KEYS:
                    missing = sorted(EVAL_KEYS - set(record)) if isinstance(record, dict) else []
                    errors.append(
                        LoadError(
                            source,
                            line,
                            "not an InternBootcamp evaluator record"
                            + (f" (missing {', '.join(missing)})" if missing else ""),
                        )
                    )
                    continue
                if record["success"] is not True:
                    error = stringify(record.get("error")) or "no error given"
                    errors.append(
                        LoadError(
                            source,
                            line,
                            f"the row failed (success false), no response to read: {error}",
                        )
                    )
                    continue
                row = record["input"]
                if not isinstance(row, dict):
                    errors.append(LoadError(source, line, "input is not an object"))
                    continue
                # As BaseEvaluator: the chat sent is the row's messages, else its prompt; the
                # response is what follows the row's prompt, else its messages.
                sent = row["messages"] if "messages" in row else row.get("prompt")
                asked = row["prompt"] if "prompt" in row else row.get("messages")
                conversation = record["messages"]
                if not isinstance(sent, list) or not isinstance(asked, list):
                    errors.append(LoadError(source, line, "input has no chat (prompt or messages)"))
                    continue
                if not isinstance(conversation, list):
                    errors.append(LoadError(source, line, "messages is not a list"))
                    continue
                try:
                    score = to_score(record["score"], non_finite=True)
                except ValueError as exc:
                    errors.append(LoadError(source, line, str(exc)))
                    continue
                if score is not None and not math.isfinite(score):
                    non_finite.append(line)
                    score = None
                turns: list[tuple[str | None, str]] = []
                thought = False
                for message in conversation[len(asked) :]:
                    if not isinstance(message, dict):
                        turns.append((None, stringify(message) or ""))
                        continue
                    text, had = _eval_text(message)
                    thought = thought or had
                    turns.append((stringify(message.get("role")), text))
                with_reasoning += thought
                if len(turns) == 1 and turns[0][0] == "assistant":
                    gen = turns[0][1]
                else:
                    gen = turns_text(turns, USER_ROLES) or ""
                prompt = chat_text(sent) or stringify(sent) or ""
                config = record.get("evaluation_config")
                model = config.get("model") if isinstance(config, dict) else None
                reference = record.get("ground_truth")
                if reference is None and isinstance(row.get("reward_model"), dict):
                    reference = row["reward_model"].get("ground_truth")
                rows.add(
                    run=options.label
                    or (model if isinstance(model, str) and model else None)
                    or named(path, options).parent.name,
                    source=source,
                    line=line,
                    offset=offset,
                    prompt_id=prompt_hash(prompt),
                    prompt=prompt,
                    answer=stringify(reference),
                    gen=gen,
                    accuracy=score,
                    metric="score",  # partial credit: a mean score (metrics.SCORE_NAMES)
                    extracted=stringify(record.get("extracted_output")),
                )
        notes.extend(
            _score_notes(
                source,
                non_finite,
                with_reasoning,
                "the evaluator",
                "reasoning_content, a line break and content (the thinking the server returned"
                " apart; the response_context the evaluator scores holds it too)",
            )
        )
        return ReadResult(rows.frame(), errors, notes)
