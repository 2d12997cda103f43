"""SkyThought (Sky-T1) results: ``results.json`` (+ ``summary.json``) and the older layouts.

Current CLI: a JSON object keyed by ``_index`` ("0", "1", …), each entry a dataset row plus
``prompt``, ``input_conversation`` and ``responses: [{content, correctness, reason}, …]`` (correctness
null after ``skythought generate``: unscored). Older layouts: keyed by the problem text with
responses per temperature (one dict per temperature in Jan 2025, a list in Feb 2025), and a JSON
list of records carrying ``_index``. A file of several temperatures makes each a run
(``model · T=0.7``), every entry's samples at it included (a resumed file's earlier problems may
hold one of them alone).

Run label: ``summary.json``'s model name (a local path as the result folder spells it, every "/"
as "_", which no folder name can be read back from), else the result folder's model (``<model>_<task>_<hash>``
up to a known task name, or a Hub id's namespace and name, with the model-name parts after it
such as ``v2`` or ``7b``, before an unknown one; a note when the name splits other ways too),
its first "_" read back as the "/" of a Hub id, so that a run has one label with or without its
summary; or, for legacy
files, the model part of the file name (``tools/convert_format.py``'s ``converted_<file>`` copy:
the original's, with a note that each response's ``processed_content`` rewrite is not shown;
the copy and its original in one load are one run saved twice, read from the copy). When the run is the model alone (a summary, or a known
task in the folder's name), the task goes into the prompt id (``<task>:<index>``): a result dir
holding several tasks of one model must not merge their "0"s. Legacy entries are keyed by the problem text, whose
hash is the prompt id. One result dir, or one legacy file, is one run: two runs of one model on
one task are told apart (``model @ <folder or file>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from evaltui.data.extract import last_boxed
from evaltui.data.formats.base import (
    ContainerReader,
    EntryError,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    companion_json,
    json_document,
    json_kind,
    named,
    prompt_hash,
    stringify,
    to_score,
)
from evaltui.data.formats.plain import first_record, parse_json_lines
from evaltui.data.formats.plain_document import at_entry_lines
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural

#: Where the reference answer is, when ``summary.json`` does not name the ``answer_key`` (legacy
#: files have no summary): the task YAMLs' answer keys (``answerKey``: ARC-Challenge), then others.
ANSWER_KEYS = (
    "answer", "Answer", "answerKey", "expected_answer", "final_answer", "target", "ground_truth",
    "solution",
)  # fmt: skip
#: The options a multiple-choice row's integer answer indexes (MMLU's ``choices``, MMLU-Pro's
#: ``options``); SkyThought grades such an answer as its letter.
CHOICE_LISTS = ("choices", "options")
#: A whole number written with zero decimals (AMC's "27.0"): SkyThought's strip_answer_string
#: makes it the whole number (``re.sub(r"(\d+)\.0*$", r"\1", …)``) before comparing.
WHOLE_DECIMAL = re.compile(r"\s*([-+]?\d+)\.0*\s*")
#: GSM8K's final answer, after "#### " at the end of its solution (SkyThought's ``gt_re``).
GSM8K_FINAL = re.compile(r"(?:^|\n)#### (-?[0-9.,]+)\s*$")
#: Where the problem is (LiveCodeBench: ``question_content``), shown rather than the templated ``prompt``.
QUESTION_KEYS = ("problem", "question", "Question", "question_content", "query")
#: A Hugging Face user or organisation name: no "_" (so a result dir's first "_" was a "/").
HUB_NAMESPACE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
#: A "_"-separated part of a model name, not a task's: a version (``v2``, ``v0.3``), a size
#: (``7b``, ``1.5B``, ``a3b``, ``8x7b``), a release date, a variant or a quantisation. A result dir
#: without summary.json reads ``org_model_v2_task`` as ``org/model_v2`` (task ``task``), not
#: ``org/model`` (task ``v2_task``); ``toy-org_toy-reasoner-7b_toy_math500`` keeps ``toy`` in the
#: task (a fork's ``toy_math500``).
MODEL_PART = re.compile(
    r"v\d+(?:\.\d+)*[a-z]?|[a-z]?\d+(?:\.\d+)?[bmk]|\d+x\d+(?:\.\d+)?[bm]|\d+(?:\.\d+)+|\d{4}|\d{6,8}"
    r"|instruct|chat|base|it|hf|preview|distill|sft|dpo|rl|grpo|ppo|awq|gptq|gguf|fp8|fp16|bf16"
    r"|int4|int8|w4a16|w8a8|exp|beta|alpha|final|merged|lora",
    re.IGNORECASE,
)
#: The CLI's result folder ends in a 6-hex parameter hash.
HASH_SUFFIX = re.compile(r"_[0-9a-f]{6}\Z")
#: Jan 2025 file names: <model>_<dataset>_<split>_<source>_<start>_<end>.json, some with a prompt
#: style after it, joined by "_" or "-" (``…_0_-1_still2_sys_zero.json``, ``…_0_-1-sys_one_short.json``).
#: The model is what comes before the first place where that pattern (two integers) fits.
LEGACY_JAN = re.compile(
    r"^(?P<model>.+?)_(?P<task>[^_]+_[^_]+_[^_]+_-?\d+_-?\d+)(?:[_-].+)?\Z", re.DOTALL | re.ASCII
)
#: Feb 2025 file names: <model>_<task>_<split>_subset_<subset>_filter_<bool>_s<start>_e<end>_t…_n<n>.json
LEGACY_FEB = re.compile(
    r"^(?P<model>.+?)_(?P<task>[^_]+_[^_]+_subset_.*_filter_[^_]+_s-?\d+_e-?\d+)(?:_.*)?\Z",
    re.DOTALL | re.ASCII,
)
#: SkyThought's task names, as its registries spell them: the Jan 2025 ``TASK_HANDLERS`` keys
#: (``--dataset``) and the task YAMLs of Feb 2025 on (``--task``). Task names and NUMINA ``--source`` values hold underscores (``gpqa_diamond``,
#: ``amc_aime``), so a file name's model ends where a known task starts; an unknown task falls
#: back to the patterns above (one token).
JAN_DATASETS = (
    "NUMINA", "APPS", "TACO", "MATH500", "AIME", "GPQADiamond", "MMLU", "MMLUPro",
    "LiveCodeBench", "GSM8K", "ARC-C", "AMC23",
)  # fmt: skip
TASKS = (
    "aime", "aime24", "aime25", "amc23", "apps", "arc_c", "gpqa_diamond", "gsm8k",
    "livecodebench", "livecodebench_easy", "livecodebench_medium", "livecodebench_hard",
    "math500", "minervamath", "mmlu", "mmlu_pro", "numina", "numina_amc_aime", "numina_math",
    "numina_olympiads", "olympiadbench_math_en", "taco", "liveaops", "omni_math", "aime24_sky",
    "aime25_1", "aime25_2",
)  # fmt: skip
_TASK_ALTERNATIVES = "|".join(re.escape(t) for t in sorted(TASKS, key=len, reverse=True))
KNOWN_FEB = re.compile(
    rf"^(?P<model>.+?)_(?P<task>(?:{_TASK_ALTERNATIVES})_[^_]+_subset_.*_filter_[^_]+"
    r"_s-?\d+_e-?\d+)(?:_.*)?\Z",
    re.DOTALL | re.ASCII,
)
KNOWN_JAN = re.compile(
    rf"^(?P<model>.+?)_(?P<task>(?:{'|'.join(re.escape(d) for d in JAN_DATASETS)})_[^_]+_.+?"
    r"_-?\d+_-?\d+)(?:[_-].+)?\Z",
    re.DOTALL | re.ASCII,
)
#: A ``question_key`` that names the problem's id, not its text: LiveCodeBench's task YAML says
#: ``question_key: task_id`` (the key SkyThought resumes by), and its rows keep the problem only in
#: the templated ``prompt``.
ID_KEY = re.compile(r"(?:.*_)?id", re.IGNORECASE)
#: Options A and B of a multiple-choice prompt: "(A) …", "A) …", "A. …", "A: …", ARC's "A.O2".
CHOICES = re.compile(r"(?<![^\W_])\(?A[).:].*?(?<![^\W_])\(?B[).:]", re.DOTALL)
#: Why a response's ``correctness`` is never NaN or infinite: every task handler's
#: ``update_results`` stores a boolean verdict (None until ``skythought score`` runs).
NO_NON_FINITE = "SkyThought writes correctness as a boolean"
#: Where legacy runs put their metrics and token usages, in files named as their results.
LEGACY_COMPANION_DIRS = frozenset({"metrics", "token_usage"})
#: How a CLI ``results.json`` starts: its first entry, keyed by ``_index``.
FIRST_INDEX = re.compile(r'\{\s*"\d+"\s*:\s*\{')
RESPONSES = re.compile(r'"responses"\s*:\s*[\[{]')
#: ``responses`` opening with a response object, as a list or per temperature. Responses are
#: written content first, so this is all a head shows when the first trace is longer than it.
RESPONSE_START = re.compile(
    r'"responses"\s*:\s*(?:\[\s*\{\s*"content"|\{\s*"[0-9.]+"\s*:\s*(?:\[\s*)?\{\s*"content")'
)


def _summary(path: Path) -> dict[str, Any]:
    data = companion_json(path.parent / "summary.json")
    return data if isinstance(data, dict) else {}


def _line_entry(value: Any) -> tuple[str | None, Any]:
    """A line of SkyThought entries (a records export): ``{key: entry}`` gives (key, entry), an
    entry alone (from a list document) (None, entry); (None, None) when it is no entry."""
    if not isinstance(value, dict):
        return None, None
    if "responses" in value:
        return None, value
    if len(value) == 1:
        ((key, entry),) = value.items()
        if isinstance(entry, dict) and "responses" in entry:
            return str(key), entry
    return None, None


def _entry_responses(entry: dict[str, Any]) -> bool:
    """Whether an entry's ``responses`` are SkyThought's: a list of response objects, or the
    legacy dict keyed by temperature (FORMATS §4.3). A list of strings is another tool's n
    samples (a vLLM sampling script's ``responses``), read as plain JSONL."""
    responses = entry.get("responses")
    if isinstance(responses, dict):
        return True
    return isinstance(responses, list) and all(isinstance(r, dict) for r in responses[:8])


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _with_choices(question: str, templated: Any) -> str:
    """The question, and what the templated prompt puts after it: a multiple-choice task's
    options (GPQA's, shuffled by each run; MMLU's "Answer Choices: (A) …"; ARC's) are only
    there, and the reference is their letter. The instruction before the question is left out.
    The question alone when no options follow it (math tasks, whose instruction may follow the
    problem: Jan 2025's "{problem}\nReturn your final response within \\boxed{{}}")."""
    if isinstance(templated, str):
        at = templated.find(question)
        if at >= 0 and CHOICES.search(templated, at + len(question)):
            return templated[at:]
    return question


def _prompt(entry: dict[str, Any], key: str, question_key: str | None = None) -> str:
    """The problem itself: the task's question field (``question_key`` from ``summary.json``, else
    ``problem``/``question``/…), else the user message (``prompt``, the last user turn of
    ``input_conversation``), else the entry's key (legacy files are keyed by the problem text).

    ``prompt`` is the templated instruction ("Return your final response within \\boxed{}. …"):
    the same opening on every row, so the problem is what a prompt column should show. A
    ``question_key`` naming an id (LiveCodeBench's ``task_id``) is no question: the prompt was a
    bare "abc301_a".
    """
    named = (question_key,) if question_key and not ID_KEY.fullmatch(question_key) else ()
    for name in named + QUESTION_KEYS:
        question = entry.get(name)
        if isinstance(question, str) and question.strip():
            return _with_choices(question, entry.get("prompt"))
    if isinstance(entry.get("prompt"), str):
        return str(entry["prompt"])
    conversation = entry.get("input_conversation")
    if isinstance(conversation, list):
        users = [
            m.get("content")
            for m in conversation
            if isinstance(m, dict) and m.get("role") == "user"
        ]
        if users:
            return stringify(users[-1]) or ""
    for name in QUESTION_KEYS:
        if entry.get(name) is not None:
            return stringify(entry[name]) or ""
    return key


def _answer(entry: dict[str, Any], answer_key: str | None) -> str | None:
    """The reference, as SkyThought's handler grades against it: the task's answer field.
    OlympiadBench's ``final_answer`` is a list of one answer, graded by ``final_answer[0]``: a
    one-element list is that element (it was shown as the JSON text '["$3$"]'), and so is the
    first of a longer ``final_answer`` (the others are not graded). MMLU's
    ``answer`` is the index of the right one of its ``choices``, graded as ``"ABCD"[answer]``
    against the letter the model gives: the letter (it was "1" where the model said "B", never
    matching). GSM8K's ``answer`` is the worked solution ending "#### 1,203", graded by that
    number without commas (``extract_gt_answer``): the number (the whole solution was shown).
    NUMINA's is its ``solution``, graded by the solution's last ``\\boxed{}``: that box's contents
    (the whole solution was shown with a summary.json, nothing without one)."""
    named = answer_key is not None
    if answer_key is None:
        answer_key = next((n for n in ANSWER_KEYS if entry.get(n) is not None), None)
    value = entry.get(answer_key) if answer_key is not None else None
    if answer_key == "solution" and isinstance(value, str):
        # NUMINA's answer_key: a worked solution, graded by its last \boxed{} (extract_answer).
        # Unnamed, a solution without a box is no answer (a code task's reference program).
        return last_boxed(value) or (value if named else None)
    if isinstance(value, list) and value and (len(value) == 1 or answer_key == "final_answer"):
        value = value[0]  # OlympiadBench grades by final_answer[0], however many it lists
    if isinstance(value, int) and not isinstance(value, bool):
        choices = next((entry[n] for n in CHOICE_LISTS if isinstance(entry.get(n), list)), None)
        if choices is not None and 0 <= value < min(len(choices), 26):
            return chr(ord("A") + value)
    if isinstance(value, str):
        final = GSM8K_FINAL.search(value)
        if final:
            return final[1].replace(",", "")
    return stringify(value)  # None for code tasks: test cases, no single answer


def _reasoning(response: dict[str, Any]) -> str | None:
    """A response's ``reasoning_content`` (versions whose ``SingleParsedResponse`` keeps the
    thinking an OpenAI-compatible server returns apart from ``content``); None when empty."""
    value = response.get("reasoning_content")
    return value if isinstance(value, str) and value else None


def _response_text(response: dict[str, Any]) -> str:
    """A response as the model wrote it: its thinking (``reasoning_content``), a line break and
    its ``content``, so that its length is the whole output's."""
    content = stringify(response["content"]) or ""
    thinking = _reasoning(response)
    return content if thinking is None else f"{thinking}\n{content}"


def _responses(value: Any) -> list[tuple[str | None, list[Any]]]:
    """(temperature or None, [response, …]) groups: a list, or a dict keyed by temperature."""
    if isinstance(value, list):
        return [(None, value)]
    if isinstance(value, dict):
        if "content" in value:  # a single response
            return [(None, [value])]
        return [(str(t), r if isinstance(r, list) else [r]) for t, r in value.items()]
    raise ValueError(f"'responses' is {json_kind(value)}, neither an array nor an object")


def _temperatures(entries: Iterable[Any]) -> set[str]:
    """The temperatures a file's legacy entries hold responses for (``responses`` keyed by
    temperature), over all its entries."""
    found: set[str] = set()
    for entry in entries:
        try:
            responses = entry.get("responses") if isinstance(entry, dict) else None
            if isinstance(responses, dict) and "content" not in responses:
                found.update(str(t) for t in responses)
        except EntryError:
            continue  # an unreadable entry: its own error when it is read
    return found


#: SkyThought's ``tools/convert_format.py`` writes its copy of a Jan 2025 results file as
#: ``converted_<file name>`` beside it (each response gains ``processed_content``, gpt-4o-mini's
#: rewrite of its content): the model is still the one the name after the prefix says.
CONVERTED = "converted_"


def _unconverted(stem: str) -> str:
    """A legacy file's stem without the prefix convert_format.py gives its copy."""
    return stem.removeprefix(CONVERTED) or stem


def _legacy_name(stem: str) -> re.Match[str] | None:
    """A legacy file name taken apart into ``model`` and ``task``: a known task first (task
    names and sources hold underscores), else the name's shape alone."""
    for pattern in (KNOWN_FEB, LEGACY_FEB, KNOWN_JAN, LEGACY_JAN):
        match = pattern.match(stem)
        if match:
            return match
    return None


def _result_dir(path: Path) -> tuple[str, str | None]:
    """(model, task) from a CLI result dir's name (see :func:`_split_result_dir`)."""
    model, task, _guess = _split_result_dir(path)
    return model, task


def _split_result_dir(path: Path) -> tuple[str, str | None, bool]:
    """(model, task, guessed) from a CLI result dir's name, ``<model id, "/" as "_">_<task>_<hash>``
    (SkyThought's ``get_output_dir``). A model id is a Hub namespace (no "_") and a name; the
    name's parts after a "_" that are model-name parts (:data:`MODEL_PART`: ``v2``, ``7b``,
    ``instruct``) stay the model's. The task is the known task name the rest ends with, when
    what is left before it is such a model id; otherwise what follows the model's name, known or
    not (``toy-org_toy-reasoner-7b_toy_math500``: task ``toy_math500``, a fork's YAML, not
    ``math500`` of a model ``…-7b_toy``; ``org_model_v2_task``: ``org/model_v2``, task ``task``).
    With no namespace before its first "_", the name up to there. With no "_" to split at, the
    model is the name without its hash and the task None. ``guessed`` when the name splits
    another way too (a model or task name holding "_"): summary.json names both."""
    name = HASH_SUFFIX.sub("", path.parent.name) or path.parent.name
    if not HASH_SUFFIX.search(path.parent.name):
        return name, None, False
    known = next(
        (
            (name[: -len(task) - 1], task)
            for task in sorted(TASKS, key=len, reverse=True)
            if name.endswith("_" + task) and len(name) > len(task) + 1
        ),
        None,
    )
    namespace, _, rest = name.partition("_")
    if known is not None:
        model_parts = known[0].split("_")
        if len(model_parts) <= 2 or (
            HUB_NAMESPACE.fullmatch(namespace)
            and all(MODEL_PART.fullmatch(part) for part in model_parts[2:])
        ):
            # more than one part after the namespace's name: the model's own "_" (a guess)
            return known[0], known[1], len(model_parts) > 2
    if HUB_NAMESPACE.fullmatch(namespace):
        parts = rest.split("_")
        if len(parts) >= 2 and all(parts):
            cut = 1
            while cut < len(parts) - 1 and MODEL_PART.fullmatch(parts[cut]):
                cut += 1
            model = "_".join([namespace, *parts[:cut]])
            return model, "_".join(parts[cut:]), len(parts) > 2
        if rest and known is None:  # "<model>_<task>": a model id without a namespace
            return namespace, rest, "_" in rest
    if known is not None:
        return known[0], known[1], True
    return name, None, False


def _model_id(folder_form: str) -> str:
    """The model id a result dir's name spells with its "/" as "_" (``get_output_dir``): the
    first "_" back to "/" when what comes before it can be a Hub namespace (letters, digits,
    "-" and ".", no "_"), so a run reads as the same model with or without its summary.json
    (``Qwen_Qwen2.5-7B-Instruct`` -> ``Qwen/Qwen2.5-7B-Instruct``, summary.json's
    ``configuration.model.name``). A name that cannot be one (a path's leading "_") stays."""
    namespace, sep, rest = folder_form.partition("_")
    if sep and rest and HUB_NAMESPACE.fullmatch(namespace):
        return f"{namespace}/{rest}"
    return folder_form


#: A model id that is a local path: absolute, from the home folder or from the current one
#: (``./``, ``../``). No Hub id or served name starts so; a relative path of several folders
#: without ``./`` can't be told from a provider's ``org/name/variant`` and keeps its name.
LOCAL_PATH = re.compile(r"[/~.].*", re.DOTALL)


def _summary_label(name: Any) -> str | None:
    """The run label of summary.json's model name (``configuration.model.name``, the
    ``--model`` given); None when it names none. A local path is labelled as its result dir
    spells it (``get_output_dir``: every "/" as "_"), which is what a run without summary.json
    is labelled by: ``/data/ckpt/qwen-7b`` and its folder ``_data_ckpt_qwen-7b_math500_<hash>``
    were two labels of one model (no "_" of the folder's can be told to have been a "/")."""
    if not isinstance(name, str) or not name:
        return None
    return name.replace("/", "_") if LOCAL_PATH.fullmatch(name) else name


def _model_from_path(path: Path, options: ReadOptions) -> str:
    """A run label from the file's place: ``<model id>_<task>_<hash>/results.json`` or legacy names."""
    if path.name == "results.json":
        # Only a CLI result dir (its name ends in the hash) spells a model id; another folder
        # (a copied results.json's) is a name of its own, the one the user gave it (named).
        if HASH_SUFFIX.search(path.parent.name):
            return _model_id(_result_dir(path)[0])
        return _result_dir(named(path, options))[0]
    stem = _unconverted(path.name.rsplit(".", 1)[0])
    match = _legacy_name(stem)
    return match["model"] if match else stem


class SkyThoughtReader(ContainerReader):
    """SkyThought ``results.json`` (CLI) and the Jan/Feb 2025 result files."""

    name = "skythought"
    description = (
        "SkyThought results.json (keyed by _index or problem text, or a list; + summary.json;"
        " .jsonl of its entries, as evaltui exports their records)"
    )
    extensions = (".json", ".jsonl")
    reads_records_back = True

    def sniff(self, path: Path, head: bytes) -> int:
        if path.suffix.lower() == ".jsonl":  # entries one per line: {key: entry} or the entry
            first = first_record(head)
            if first is not None:
                entry = _line_entry(first)[1]
                return 85 if entry is not None and _entry_responses(entry) else 0
            # A first entry longer than the head: judged by its first response's start.
            text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
            return 70 if text.startswith("{") and RESPONSE_START.search(text) else 0
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if not text.startswith(("{", "[")):
            return 0
        if RESPONSES.search(text) and ('"correctness"' in text or '"token_usages"' in text):
            return 85
        if RESPONSE_START.search(text):
            return 75  # the first response (a long reasoning trace) is longer than the head
        # The first entry (a whole dataset row: a code task's test cases run to megabytes) is
        # longer than the head: the file's place says what it is.
        if path.name == "results.json" and (
            (path.parent / "summary.json").is_file()
            or (HASH_SUFFIX.search(path.parent.name) and FIRST_INDEX.match(text))
        ):
            return 60
        if (
            text.startswith("{")
            and path.parent.name not in LEGACY_COMPANION_DIRS  # named as the results they describe
            and any(p.match(path.stem) for p in (KNOWN_FEB, KNOWN_JAN))
        ):
            return 50  # a legacy file of a known task, keyed by problem text
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace")
        if path.name == "summary.json" and '"configuration"' in text:
            return True
        # Legacy metrics/<name>.json and token_usage/<name>.json beside the results file.
        return path.parent.name in LEGACY_COMPANION_DIRS and (
            '"pass_at_k"' in text or '"completion_tokens"' in text
        )

    def companions(self, path: Path) -> tuple[Path, ...]:
        return (path.parent / "summary.json",)

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        """One result dir (``<model>_<task>_<hash>/``, the hash of its parameters) or one legacy
        file is one run: two runs of one model on one task (another temperature, seed, prompt
        style) are told apart instead of read as extra samples of the same prompts. Legacy files
        that split one run into problem ranges (``…_0_250``, ``…_250_500``) name different
        tasks, so they stay one run. A legacy file's prompts are its problems' text (its keys),
        which its name does not tell: files of one model that evaluated common problems under
        names of other shapes (a Jan 2025 ``…_MATH500_test_None_0_-1`` and a Feb 2025
        ``…_math500_test_subset_None_filter_False_s0_e-1_…``, or overlapping ranges) are told
        apart by their prompts (``name``, :func:`evaltui.data.runs.run_tags`)."""
        if options.label:
            return None
        configuration = _as_dict(_summary(path).get("configuration"))
        model_name = _as_dict(configuration.get("model")).get("name")
        label = _summary_label(model_name) or _model_from_path(path, options)
        if path.name == "results.json":
            task_name = _as_dict(configuration.get("task")).get("name")
            if not isinstance(task_name, str) or not task_name:
                task_name = _result_dir(path)[1]
            task = task_name or label
            return RunIdentity(label, path.parent.name, task)
        stem = path.name.rsplit(".", 1)[0]
        match = _legacy_name(_unconverted(stem))
        # A legacy file and the converted_ copy convert_format.py writes beside it are one run
        # saved twice (the copy: every entry, each response with its processed_content, and the
        # correctness --check writes on the copy): read once, from the copy.
        original = path.with_name(_unconverted(path.name))
        return RunIdentity(
            label,
            stem,
            match["task"] if match else _unconverted(stem),
            document=f"{original.name} in {path.parent}",
            copy_rank=int(original != path),
            copies="a legacy file and its convert_format.py copy",
            name=stem,
        )

    def records_task(self, path: Path) -> str | None:
        """A result dir's task, which its prompt ids start with (``math500:0``): summary.json's,
        else the dir name's; None when neither says (the ids are bare). A legacy file: the
        task its name says."""
        if path.name != "results.json":
            return super().records_task(path)
        configuration = _as_dict(_summary(path).get("configuration"))
        task_name = _as_dict(configuration.get("task")).get("name")
        if isinstance(task_name, str) and task_name:
            return task_name
        return _result_dir(path)[1]

    def read_records(
        self,
        path: Path,
        source: str,
        options: ReadOptions,
        lines: Sequence[int] | None,
        task: str | None = None,
        runs: Sequence[str] = (),
    ) -> ReadResult:
        """A result dir's exported entries read back with their prompt ids' task (the
        manifest's ``task``): it was summary.json's or the dir name's, beside results.json,
        not the entries'. Two tasks' "0"s of one model stay two prompts."""
        return self._read(path, source, options, task if path.stem == "results" else None)

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        return self._read(path, source, options, None)

    def _read(
        self, path: Path, source: str, options: ReadOptions, exported_task: str | None
    ) -> ReadResult:
        rows = Rows()
        errors: list[LoadError] = []
        # (line, byte offset, key, entry, keyed): a document's entries are numbered from 1
        # (no offset); JSON lines (a records export) keep the file's line numbers and offsets.
        lines = path.suffix.lower() == ".jsonl"
        located: list[tuple[int, int | None, str, Any, bool]] = []
        if lines:
            parsed, errors, _notes = parse_json_lines(path, source)
            for number, offset, value in parsed:
                key, entry = _line_entry(value)
                located.append(
                    (
                        number,
                        offset,
                        key or str(number),
                        value if entry is None else entry,
                        key is not None,
                    )
                )
        else:
            data, error = json_document(path, source)
            if error is not None:
                return ReadResult(rows.frame(), [error])
            keyed = isinstance(data, dict)
            located = [(i, None, k, e, keyed) for i, (k, e) in enumerate(self.entries(data), 1)]
            if not located:
                what = (
                    "an empty container" if isinstance(data, dict | list) else "not an object/list"
                )
                return ReadResult(
                    rows.frame(), [LoadError(source, None, f"no SkyThought entries ({what})")]
                )
        # summary.json describes the results.json beside it, not an export put there
        configuration = _as_dict(({} if lines else _summary(path)).get("configuration"))
        model_name = _as_dict(configuration.get("model")).get("name")
        task = _as_dict(configuration.get("task"))
        task_name = task.get("name") if isinstance(task.get("name"), str) else None
        task_name = task_name or exported_task
        notes: list[str] = []
        if not task_name and not lines and path.name == "results.json":
            # no summary.json: the result dir's name says it
            dir_model, task_name, guessed = _split_result_dir(path)
            if guessed and not (isinstance(model_name, str) and model_name):
                notes.append(
                    f"{source}: no summary.json beside it; its folder's name was read as model "
                    f"{_model_id(dir_model)!r} and task {task_name!r}, a guess (a model or task "
                    "name holding '_' splits it other ways; summary.json names both)"
                )
        answer_key = _as_dict(task.get("config")).get("answer_key")
        question_key = _as_dict(task.get("config")).get("question_key")
        if not isinstance(question_key, str):
            question_key = None
        model = options.label or _summary_label(model_name) or _model_from_path(path, options)
        if not options.label and _summary_label(model_name) not in (None, model_name):
            notes.append(
                f"{source}: the model was given as a local path ({model_name!r}): labelled"
                f" {model!r}, as SkyThought names its result folder (every '/' as '_'), so the"
                " run reads alike without summary.json"
            )
        # Temperatures are runs when the file holds more than one, whichever entry holds them:
        # a file resumed with more temperatures keeps its earlier problems at the first one
        # (remaining problems alone are sampled), and their samples are that run's too.
        temperatures = _temperatures(entry for _i, _at, _key, entry, _keyed in located)
        thought = 0  # responses with the thinking the server returned apart (reasoning_content)
        rewritten = 0  # responses convert_format.py gave a processed_content
        decimals = 0  # references written as a whole number with zero decimals ("27.0")
        written: dict[str, str] = {}  # ... one such as written -> as shown
        for index, at, key, entry, keyed in located:
            with rows.entry(errors, source, index):
                where = f"entry {key[:60]!r}"
                if not isinstance(entry, dict) or "responses" not in entry:
                    errors.append(LoadError(source, index, f"{where} has no 'responses'"))
                    continue
                try:
                    groups = _responses(entry["responses"])
                except ValueError as exc:
                    errors.append(LoadError(source, index, f"{where}: {exc}"))
                    continue
                if not any(responses for _t, responses in groups):
                    errors.append(LoadError(source, index, f"{where}: 'responses' is empty"))
                    continue
                ident = entry.get("_index", key if keyed and key.isdigit() else None)
                if (
                    ident is not None
                    and isinstance(ident, str | int)
                    and not isinstance(ident, bool)
                ):
                    prompt_id = f"{task_name}:{ident}" if task_name else str(ident)
                else:
                    prompt_id = prompt_hash(key if keyed else _prompt(entry, key, question_key))
                prompt = _prompt(entry, key, question_key)
                answer = _answer(entry, answer_key if isinstance(answer_key, str) else None)
                whole = WHOLE_DECIMAL.fullmatch(answer) if answer is not None else None
                if answer is not None and whole is not None:
                    # SkyThought grades against strip_answer_string(answer), which drops a
                    # whole number's ".0" (r"(\d+)\.0*$"): the model's 27 matched "27.0".
                    written.setdefault(answer, whole[1])
                    answer = whole[1]
                    decimals += 1
                for temperature, responses in groups:
                    run = (
                        model
                        if temperature is None or len(temperatures) < 2
                        else f"{model} · T={temperature}"
                    )
                    for j, response in enumerate(responses):
                        problem = self._response_problem(response)
                        if problem is not None:
                            errors.append(
                                LoadError(source, index, f"{where}, response {j}: {problem}")
                            )
                            continue
                        thought += bool(_reasoning(response))
                        rewritten += isinstance(response.get("processed_content"), str)
                        rows.add(
                            run=run,
                            source=source,
                            line=index,
                            offset=at,
                            prompt_id=prompt_id,
                            prompt=prompt,
                            answer=answer,
                            gen=_response_text(response),
                            accuracy=to_score(
                                response.get("correctness"), finite_why=NO_NON_FINITE
                            ),
                            sample=j,
                        )
        if not lines:  # each entry's error at the line of the file it starts on
            keys = [key for _i, _at, key, _e, keyed in located if keyed]
            errors = at_entry_lines(errors, path, keys if keys else None)
        if rewritten:
            notes.append(
                f"{source}: {plural(rewritten, 'response')} with a processed_content (tools/"
                "convert_format.py's rewrite of it by gpt-4o-mini): the content is shown, as the"
                " model wrote it; a correctness that inference_and_check.py --check wrote on this"
                " copy grades the processed_content (--check grades it where a response has one)"
            )
        if thought:
            notes.append(
                f"{source}: {plural(thought, 'response')} shown as reasoning_content, a line"
                " break and content (the thinking the server returned apart; SkyThought graded"
                " the content)"
            )
        if decimals:
            first, shown = next(iter(written.items()))
            notes.append(
                f"{source}: {plural(decimals, 'reference')} written with zero decimals"
                f" ({first!r}) shown as the whole number ({shown!r}), as SkyThought grades"
                " against it (strip_answer_string)"
            )
        return ReadResult(rows.frame(), errors, notes)

    def records_form(self, path: Path) -> str | None:
        return None if path.suffix.lower() == ".jsonl" else super().records_form(path)

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        if path.suffix.lower() == ".jsonl":
            yield from Reader.records(self, path, rows)
        else:
            yield from super().records(path, rows)

    @staticmethod
    def _response_problem(response: Any) -> str | None:
        """Why a response cannot be a generation row; None when it can."""
        if not isinstance(response, dict):
            return f"{json_kind(response)}, not an object"
        if "content" not in response:
            return "no 'content'"
        try:
            to_score(response.get("correctness"), finite_why=NO_NON_FINITE)
        except ValueError as exc:
            return str(exc)
        return None
