"""AISBench and OpenCompass: ``predictions/<model>/<dataset>.json[l]`` + ``results/<model>/<dataset>.json``.

Generations come from the predictions file; per-sample correctness from the sibling results file's
``details`` (present with ``--dump-eval-details``), matched to samples by position:

* AISBench JSONL: one line per generation, ``num_return_sequences`` lines share an ``id`` (file order
  = sample order). Its n > 1 ``details`` are grouped wrongly by AISBench itself (each entry mixes
  different questions), so they are flattened and re-associated as AISBench produced them:
  element ``t`` is replica ``t // N`` of item ``t % N`` (FORMATS §5.1). Details are matched by
  ``id`` (the item's index in the dataset): AISBench's evaluation mocks each failed request in its
  place, so the items after it keep their own verdicts. A failed-requests file
  (``<dataset>_failed.jsonl``) yields one error entry per failed request. With ``--merge-ds`` one
  file holds several datasets (``<dataset type>.jsonl``, each line's ``data_abbr`` its dataset),
  each scored by its own ``results/<model>/<data_abbr>.json``. MultiTurnGenInferencer's lines of
  one id and one ``uuid``, each turn's history its prompt, are a conversation: each turn its own
  prompt (``<dataset>:<id>:t<turn>``), unscored. ``--mode perf`` output (timing
  records ``<dataset>_details.jsonl``, the ``performances/`` folder) is no eval data: companions.
* OpenCompass JSON object keyed "0", "1", …: dataset ``n`` replicates the test set replica-major
  (item = key mod N); an HF model's ``num_return_sequences`` makes ``prediction`` a list. Its own
  grouping of ``details`` is right: ``details[i].correct[r]``. ≤0.4.0 wrote ``details`` as an object
  of scalars. PPL predictions (``label: X`` entries) are scored by ``prediction == gold`` when there
  is no results file; so are CLP ones (``testing input``, ``choices``, the choices' probabilities
  as ``prediction``, ``pred_label``), whose generation is the chosen choice. A predictions file
  that is an inferencer's ``{"error": …}`` (CLP given an API model) is told as that error. A
  running file (``tmp_<ds>.jsonl``; ``tmp_<ds>.json``, the finished file's shape, in older
  GenInferencers and other inferencers still) is read unscored as dataset ``<ds>``, and is a
  companion once ``<ds>.json`` is beside it (a run killed between writing it and removing the
  running file); a shard's running file ``tmp_<ds>_<i>.json[l]`` is shard ``i`` of ``<ds>``; ``timer/time.jsonl`` (``dump_timer``) is a companion. An objective dataset graded by an LLM judge (GenericLLMEvaluator) keeps
  the judge's own records as ``details`` (``{"0": {origin_prompt, prediction: "A", gold}}``):
  "A" is correct and "B" wrong, as OpenCompass reads them. A subjective run's judge output sits
  in ``results/<model>_judged-by--<judge>/`` (or ``<modelA>_<modelB>/``): text verdicts
  (ratings, comparisons), not read as scores; its ``gold`` is the ``judge`` dict, whose
  reference answer (if any) is the reference.

Run label: the model abbr (the predictions folder); one work dir (``<YYYYMMDD_HHMMSS>/``) is one
run, so two work dirs of one model are two runs (``model @ <start>``). Prompt id:
``<dataset>:<item>``. A subjective
run's judge output (``results/<models>/<dataset>.json`` in the predictions format, beside
``predictions/``) is a results file, a companion, not another model.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaltui.data.formats.base import (
    HEAD_BYTES,
    ContainerReader,
    EntryError,
    Reader,
    ReadOptions,
    ReadResult,
    Rows,
    RunIdentity,
    Unreadable,
    chat_message_text,
    chat_text,
    entry_guard,
    frame_from_rows,
    json_document,
    named,
    parse_json,
    reference_aliases,
    reference_text,
    stringify,
    to_score,
    turns_text,
)
from evaltui.data.formats.lm_eval_write_out import common_context
from evaltui.data.formats.plain import (
    GEN_JOIN,
    decode_line,
    first_record,
    iter_lines,
    parse_json_lines,
)
from evaltui.data.formats.plain_document import at_entry_lines
from evaltui.data.schema import LoadError
from evaltui.data.wording import plural


def results_candidate(path: Path, dataset: str | None = None) -> Path | None:
    """``…/predictions/<model>/<ds>.json[l]`` -> ``…/results/<model>/<ds>.json``, existing or not
    (``dataset``: the results of that dataset instead, for a shard of its predictions)."""
    parts = list(path.parts)
    if "predictions" not in parts:
        return None
    index = len(parts) - 1 - parts[::-1].index("predictions")
    parts[index] = "results"
    candidate = Path(*parts).with_suffix(".json")
    if dataset is not None:
        candidate = candidate.with_name(f"{dataset}.json")
    return candidate


def results_path(path: Path, dataset: str | None = None) -> Path | None:
    """:func:`results_candidate` when it exists."""
    candidate = results_candidate(path, dataset)
    return candidate if candidate is not None and candidate.is_file() else None


SHARD_NAME = re.compile(r"^(?P<dataset>.+)_(?P<index>\d+)\Z", re.DOTALL | re.ASCII)

#: A work dir's name: ``<YYYYMMDD_HHMMSS>``, when the run started.
WORK_DIR_NAME = re.compile(r"^(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)\Z", re.ASCII)


def work_dir_run(path: Path, options: ReadOptions, dataset: str) -> RunIdentity | None:
    """The run of ``<work dir>/predictions/<model>/<file>`` (or ``results/``, ≤0.4.0): one work
    dir (``outputs/default/<YYYYMMDD_HHMMSS>/``) is one run, started at its name's time, so two
    runs of one model are told apart rather than read as extra samples of the same prompts; so is
    each folder between ``predictions/`` and the model's (``predictions/<setting>/<model>/``).
    None for files outside that layout, or with ``--label``."""
    parts = path.parts
    if options.label or len(parts) < 4:
        return None
    depth = 2  # the work dir, above predictions/
    if parts[-3] in ("predictions", "results"):
        work = parts[-4]
    elif "predictions" in parts[:-3]:
        # A folder between predictions/ and the model's is a run of its own: LawBench publishes
        # its systems as predictions/zero_shot/<model>/<task>.json and predictions/one_shot/…
        # (open-compass/LawBench), the same prompt ids in each setting. The run's folder is
        # that setting's.
        at = len(parts) - 1 - parts[::-1].index("predictions")
        work = "/".join(parts[max(at - 1, 0) : -2])
        depth = 1
    else:
        return None
    found = WORK_DIR_NAME.match(work.split("/", 1)[0])
    started = "{}-{}-{}T{}:{}:{}".format(*found.groups()) if found is not None else ""
    return RunIdentity(named(path, options).parent.name, work, dataset, started, depth=depth)


@dataclass(frozen=True, slots=True)
class _Shard:
    """Where a predictions shard sits among its dataset's shards."""

    dataset: str
    """The dataset abbr (``gsm8k`` for ``gsm8k_1.json``): its prompt ids and results file."""
    before: tuple[Path, ...]
    """The shards before this one, in order."""
    after: tuple[Path, ...]
    """The shards after it."""
    running: frozenset[Path] = frozenset()
    """The shards (this one's too) not finished: their running ``tmp_`` files."""


def _shard_name(path: Path) -> tuple[str, str] | None:
    """(dataset, index as written) of a shard's predictions ``<ds>_<i>.json`` or of a shard's
    running file ``tmp_<ds>_<i>.json[l]`` (the inferencers write ``'tmp_' +
    output_json_filename``, the shard's abbr ``<ds>_<i>`` its file's name); None otherwise."""
    stem = path.stem
    if path.suffix == ".jsonl" or (path.suffix == ".json" and running_json(path)):
        if not path.name.startswith("tmp_"):
            return None
        stem = stem.removeprefix("tmp_")
    elif path.suffix != ".json":
        return None
    found = SHARD_NAME.match(stem)
    return (found["dataset"], found["index"]) if found is not None else None


def _slot(folder: Path, dataset: str, index: int) -> tuple[Path, bool] | None:
    """Shard ``index`` of ``dataset`` in ``folder``: (its file, whether it is a running file),
    the finished ``<ds>_<i>.json`` first (a run killed before it removed its tmp file leaves
    both); None when neither is there."""
    finished = folder / f"{dataset}_{index}.json"
    if finished.is_file():
        return finished, False
    for name in (f"tmp_{dataset}_{index}.jsonl", f"tmp_{dataset}_{index}.json"):
        candidate = folder / name
        if candidate.is_file() and (candidate.suffix == ".jsonl" or running_json(candidate)):
            return candidate, True
    return None


def shard_of(path: Path) -> _Shard | None:
    """``<ds>_<i>.json`` when OpenCompass split the dataset into shards ``<ds>_0.json``,
    ``<ds>_1.json``, … (there is no ``<ds>.json``; its eval task reads the shards in order as one
    predictions file keyed from 0, and writes one ``results/<model>/<ds>.json``); else None.
    A shard not finished is its running file ``tmp_<ds>_<i>.json[l]`` (the partitioners name
    the shards ``<ds>_<part>``: ``NumWorkerPartitioner.split_dataset``), which is a shard of
    its dataset as well: a run killed while shard 1 ran is one dataset, not two."""
    named_ = _shard_name(path)
    if named_ is None:
        return None
    dataset, index = named_
    if path.with_name(f"{dataset}.json").exists():
        return None
    slots: list[tuple[Path, bool]] = []
    while (slot := _slot(path.parent, dataset, len(slots))) is not None:
        slots.append(slot)
    own = int(index)
    if len(slots) < 2 or own >= len(slots) or str(own) != index or slots[own][0] != path:
        return None
    paths = [slot_path for slot_path, _running in slots]
    running = frozenset(slot_path for slot_path, is_running in slots if is_running)
    return _Shard(dataset, tuple(paths[:own]), tuple(paths[own + 1 :]), running)


def shard_family(path: Path) -> tuple[Path, ...]:
    """What :func:`shard_of` looks at for ``path``: the unsharded name, each shard's names
    (finished and running), and the next shard's (a shard written later makes this one part
    of a longer dataset)."""
    named_ = _shard_name(path)
    if named_ is None:
        return ()
    dataset = named_[0]
    family = [path.with_name(f"{dataset}.json")]
    index = 0
    while True:
        names = [
            path.with_name(name)
            for name in (
                f"{dataset}_{index}.json",
                f"tmp_{dataset}_{index}.json",
                f"tmp_{dataset}_{index}.jsonl",
            )
        ]
        family += names
        if not any(name.is_file() for name in names):
            return tuple(family)
        index += 1


@functools.lru_cache(maxsize=16)
def _shard_prompts(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    """The prompts of a shard's entries, in order (each shard is read by every other one); a
    running JSON-lines file's by their ``idx`` ("" for one not written yet)."""
    if path.endswith(".jsonl"):
        parsed, _errors, _notes = parse_json_lines(Path(path), Path(path).name)
        by_idx: dict[int, str] = {}
        for _line, _offset, record in parsed:
            idx = record.get("idx") if isinstance(record, dict) else None
            if isinstance(idx, (int, str)) and not isinstance(idx, bool) and numbered(str(idx)):
                by_idx[int(idx)] = _prompt_of(record)
        size = max(by_idx, default=-1) + 1
        return tuple(by_idx.get(k, "") for k in range(size))
    data, error = json_document(Path(path), Path(path).name)
    if error is not None:
        return ()
    return tuple(_prompt_of(entry) for _key, entry in OpenCompassReader().entries(data))


def _one_shard_prompts(shard: Path) -> list[str]:
    try:
        stat = shard.stat()
    except OSError:
        return []
    return list(_shard_prompts(str(shard), stat.st_mtime_ns, stat.st_size))


def _shard_step(shard: _Shard, own: Path) -> int | None:
    """The rows of every shard but the last (the partitioners give shard ``part`` the rows
    ``[part * step : (part + 1) * step]``): a finished shard's that is not the last; None when
    no such shard is finished."""
    paths = (*shard.before, own, *shard.after)
    for path in paths[:-1]:
        if path not in shard.running:
            return len(_one_shard_prompts(path))
    return None


def _slots_prompts(shard: _Shard, paths: Iterable[Path], step: int | None, last: Path) -> list[str]:
    """The prompts of the shards ``paths``: a running one but the last filled out to ``step``
    ("" for its rows not done), so the shards after it keep their places."""
    out: list[str] = []
    for path in paths:
        prompts = _one_shard_prompts(path)
        if path in shard.running and path != last and step is not None:
            prompts += [""] * (step - len(prompts))
        out += prompts
    return out


def _shard_start(shard: _Shard, own: Path) -> int:
    """Where the entries of ``own`` (a shard of ``shard``'s dataset) start in their dataset."""
    last = (*shard.before, own, *shard.after)[-1]
    return len(_slots_prompts(shard, shard.before, _shard_step(shard, own), last))


def _dataset_prompts(path: Path, own: list[str]) -> tuple[_Shard | None, int, list[str]]:
    """(its shard, where its entries start in their dataset, the whole dataset's entries'
    prompts) of predictions at ``path`` whose own entries' prompts are ``own``: a shard's
    entry k is entry ``start + k`` of its dataset, as OpenCompass's eval task numbers the
    shards' entries on (``_load_predictions``); a whole file starts at 0 and is its dataset.
    A shard not finished (its running file) counts as ``step`` rows, as the partitioner cut
    it, so the shards after it keep their places."""
    shard = shard_of(path)
    if shard is None:
        return None, 0, own
    step = _shard_step(shard, path)
    last = (*shard.before, path, *shard.after)[-1]
    earlier = _slots_prompts(shard, shard.before, step, last)
    mine = list(own)
    if path in shard.running and path != last and step is not None:
        mine += [""] * (step - len(mine))
    return shard, len(earlier), earlier + mine + _slots_prompts(shard, shard.after, step, last)


def _finished_names(tmp: Path) -> tuple[Path, ...]:
    """Where the finished predictions file (or its first shard) of ``tmp_<ds>.jsonl`` goes."""
    dataset = tmp.stem.removeprefix("tmp_")
    return (tmp.with_name(f"{dataset}.json"), tmp.with_name(f"{dataset}_0.json"))


def _finished(tmp: Path) -> Path | None:
    """The finished predictions file (or its first shard) of a running ``tmp_<ds>.jsonl``."""
    return next((path for path in _finished_names(tmp) if path.is_file()), None)


def timer_file(path: Path, head: bytes) -> bool:
    """``predictions/<model>/timer/time.jsonl``: OpenCompass's inference times (GenInferencer's
    ``dump_timer``), one ``{"dataset_name", "time", "num_sample"}`` line appended per dataset
    (``icl_gen_inferencer.py`` at open-compass/opencompass 8d64ae9 and since): no samples."""
    first = first_record(head) if path.name == "time.jsonl" else None
    return (
        path.parent.name == "timer"
        and path.parent.parent.parent.name == "predictions"
        and isinstance(first, dict)
        and {"dataset_name", "time", "num_sample"} <= set(first)
    )


def running_json(path: Path) -> bool:
    """``predictions/<model>/tmp_<ds>.json``: the predictions of a run not finished, as
    OpenCompass's GenInferencer wrote them before its running file became JSON lines (and its
    ChatInferencer, PPLInferencer and others still do): the finished file's ``{"0": {…}}``
    object, rewritten every ``save_every`` batches and removed once ``<ds>.json`` is written
    (``icl_gen_inferencer.py`` at open-compass/opencompass 8d64ae9). Not a dataset named
    ``tmp_…``: that one has its own ``results/<model>/tmp_<ds>.json``."""
    return (
        path.suffix == ".json"
        and path.name.startswith("tmp_")
        and path.parent.parent.name == "predictions"
        and results_path(path) is None
    )


def predictions_exist(results: Path) -> bool:
    parts = list(results.parts)
    if "results" not in parts:
        return False
    index = len(parts) - 1 - parts[::-1].index("results")
    parts[index] = "predictions"
    base = Path(*parts)
    return (
        base.with_suffix(".json").is_file()
        or base.with_suffix(".jsonl").is_file()
        or base.with_name(f"{base.name}_0.json").is_file()  # split into shards
        or base.stem in _merged_datasets(base.parent)
    )


#: ``"data_abbr": "<name>"`` as AISBench's json.dumps writes it in every predictions line.
DATA_ABBR = re.compile(rb'"data_abbr":\s*"((?:[^"\\]|\\.)*)"')


def _merged_datasets(folder: Path) -> frozenset[str]:
    """The datasets whose AISBench predictions are lines of another file of the model's folder
    (``--merge-ds``: ``predictions/<model>/<dataset type>.jsonl``, one data_abbr per line)."""
    try:
        stats = [(p.name, p.stat()) for p in folder.glob("*.jsonl") if p.is_file()]
    except OSError:
        return frozenset()
    files = sorted((name, st.st_mtime_ns, st.st_size) for name, st in stats)
    return _data_abbrs(folder, tuple(files))


@functools.lru_cache(maxsize=64)
def _data_abbrs(folder: Path, files: tuple[tuple[str, int, int], ...]) -> frozenset[str]:
    """Every data_abbr named in the lines of ``files`` (keyed by their mtimes and sizes)."""
    found: set[str] = set()
    for name, _mtime, _size in files:
        try:
            with (folder / name).open("rb") as handle:
                for line in handle:
                    match = DATA_ABBR.search(line, 0, 4096)
                    if match is not None:
                        found.add(match.group(1).decode("utf-8", errors="replace"))
        except OSError:
            continue
    return frozenset(found)


def under_results(path: Path) -> bool:
    """True for ``<work dir>/results/…/<file>`` beside ``<work dir>/predictions/``.

    A subjective (LLM-judge) run writes the judge's verdicts there in the predictions format
    (``results/<model>_judged-by--<judge>/`` or ``results/<modelA>_<modelB>/``): they are results of
    the run, not a model's predictions. The nearest of the two folder names decides, so a work dir
    kept under a folder the user called ``results`` still reads its predictions.
    """
    parts = path.parts[:-1]
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] == "predictions":
            return False
        if parts[index] == "results":
            return Path(*parts[:index], "predictions").is_dir()
    return False


def _judge_output(path: Path, dataset: str) -> Path | None:
    """The judge's output on this model's predictions in a subjective run, if any: the
    ``<dataset>.json`` of a results folder named for the model and its judge
    (``<model>_judged-by--<judge>``) or for the pair compared (``<modelA>_<modelB>``, COREV2)."""
    candidate = results_candidate(path, dataset)
    if candidate is None:
        return None
    model = path.parent.name
    try:
        folders = sorted(p for p in candidate.parent.parent.iterdir() if p.is_dir())
    except OSError:
        return None
    for folder in folders:
        name = folder.name
        ours = name != model and (name.startswith(f"{model}_") or name.endswith(f"_{model}"))
        if ours and (folder / candidate.name).is_file():
            return folder / candidate.name
    return None


def _results(path: Path, dataset: str | None = None) -> dict[str, Any] | None:
    found = results_path(path, dataset)
    if found is None:
        return None
    data, error = json_document(found, found.name)
    return data if error is None and isinstance(data, dict) else None


def results_companion(path: Path, dataset: str | None = None) -> dict[str, Any]:
    """What a records export's manifest keeps of the results file of predictions at
    ``<work dir>/predictions/<model>/<file>`` (``companions``, :meth:`Reader.records_companions`):
    its ``details``, where the scores, extracted answers and short references are, under the
    results' path from the records' folder (``../../results/<model>/<dataset>.json``), where a
    records export read back finds them as the load found these. Empty without details."""
    found = results_path(path, dataset)
    if found is None or path.parent.parent.name != "predictions":
        return {}
    try:
        stat = found.stat()
    except OSError:
        return {}
    details = _details_of(str(found), stat.st_mtime_ns, stat.st_size)
    if details is None:
        return {}
    return {f"../../results/{path.parent.name}/{found.name}": {"details": details}}


@functools.lru_cache(maxsize=4)
def _details_of(path: str, _mtime_ns: int, _size: int) -> Any:
    """A results file's ``details`` (None: none, or the file is unreadable); asked of each
    exported source's for its form and its manifest entry."""
    data, error = json_document(Path(path), Path(path).name)
    return data.get("details") if error is None and isinstance(data, dict) else None


def _body_text(body: Any) -> str:
    """A message's body: a string, or multimodal parts (``[{"type": "text", "text": …},
    {"type": "image_url", "image_url": {…}}]``, AISBench's LMM datasets) as their text, each
    other part as ``[<type>]`` (its data, a base64 image cut to 256 characters, is no prompt)."""
    if isinstance(body, list) and body and all(isinstance(p, dict) and "type" in p for p in body):
        return "\n".join(
            stringify(p.get("text")) or ""
            if p.get("type") == "text"
            else f"[{stringify(p.get('type')) or '?'}]"
            for p in body
        )
    return stringify(body) or ""


#: Roles of the user's turn: OpenCompass's and AISBench's meta template (``HUMAN``), an API
#: model's messages (``user``).
_USER_ROLES = ("human", "user")


def prompt_text(origin: Any) -> str:
    """``origin_prompt``: a string, or chat messages ``[{role, prompt|content}]`` shown as
    :func:`~evaltui.data.formats.base.turns_text` shows turns: one user turn (``HUMAN``) is its
    text alone, more are ``ROLE: text`` each."""
    if isinstance(origin, list):
        turns = [
            (str(m.get("role", "?")), _body_text(m.get("prompt", m.get("content"))))
            if isinstance(m, dict)
            else (None, stringify(m) or "")
            for m in origin
        ]
        return turns_text(turns, _USER_ROLES) or ""
    return origin if isinstance(origin, str) else stringify(origin) or ""


def _ppl_line(record: dict[str, Any]) -> bool:
    """An AISBench PPLInferencer line (``PPLInferencerOutputHandler.get_prediction_result``):
    ``origin_prompt`` the list of each label's prompt, ``ppl_list`` each label's perplexity
    (``{label, ppl}``), ``prediction`` the label of least perplexity, ``gold`` the label."""
    found = record.get("ppl_list")
    return isinstance(found, list) and isinstance(record.get("origin_prompt"), list)


def _ppl_prompt(record: dict[str, Any]) -> str:
    """An AISBench PPL line's prompt: the beginning its labels' prompts share, up to its last
    space or line break (:func:`common_context`: the question, each label's text after it); a
    single prompt is itself."""
    texts = [prompt_text(p) for p in record["origin_prompt"]]
    return _shared_beginning(texts) or (texts[0] if texts else "")


def _shared_beginning(texts: list[str]) -> str | None:
    """The question of prompts that are one question with each label's text after it: their
    common beginning up to its last space or line break (:func:`common_context`); None when
    they are one text (no label's text in them) or share nothing."""
    if len(texts) < 2 or len(set(texts)) == 1:
        return None
    context = common_context(texts, None)[0]
    return context if context.strip() else None


def _labels_prompt(entry: dict[str, Any]) -> str | None:
    """An OpenCompass PPL or LL entry's question (``label: X`` entries, each label's prompt its
    ``testing input``): what the labels' inputs share (:func:`_shared_beginning`). Its
    ``origin_prompt`` (PPLInferencer's) is the first label's input, that label's text after the
    question ("…Answer: Venus" when the model chose Mars), and LLInferencer writes none."""
    texts = [
        value.get("testing input")
        for key, value in entry.items()
        if isinstance(key, str) and key.startswith("label: ") and isinstance(value, dict)
    ]
    if not all(isinstance(text, str) for text in texts):
        return None
    return _shared_beginning([str(text) for text in texts])


def _origin_prompt(entry: dict[str, Any]) -> Any:
    """An entry's ``origin_prompt`` (a CLP entry's ``testing input``). A PPL entry of the
    OpenCompass versions whose
    ``PPLInferencerOutputHandler`` kept no ``origin_prompt`` (older releases, and its
    accelerate variant still) has its first label's ``testing input``: what later versions
    write as ``origin_prompt``."""
    if "origin_prompt" in entry:
        return entry["origin_prompt"]
    if "testing input" in entry:  # a CLP entry: the question without its in-context examples
        return entry["testing input"]
    for key, value in entry.items():
        if isinstance(key, str) and key.startswith("label: ") and isinstance(value, dict):
            return value.get("testing input")
    return None


def _prompt_of(entry: Any) -> str:
    """What tells an entry's item from the others (its replicas, dataset ``n``, share it): the
    test-set row's own fields -- the prompt, the reference (``gold``/``refr``) and a dialogue's
    user turns -- never the model's output. Two items may share a prompt and differ in their
    reference (a question about an image the prompt shows only as ``<image>``), and dialogues
    (MT-Bench) have no ``origin_prompt`` at all: the prompt alone made such items replicas of
    one. "" when the entry has none of these (its own row reports why)."""
    if not isinstance(entry, dict):
        return ""
    try:
        prediction = entry.get("prediction")
        users = (
            [p.get("user") for p in prediction if isinstance(p, dict)]
            if isinstance(prediction, list)
            else []
        )
        fields = [_origin_prompt(entry), entry.get("gold"), entry.get(REFR), users]
        if all(f is None or f == [] for f in fields):
            return ""
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    except Exception:  # an unreadable entry: reported when its rows are made
        return ""


def _turns(entry: dict[str, Any]) -> list[tuple[str, str | None, str]] | None:
    """(prompt, reference, generation) per turn of a multi-turn entry; None for any other entry.

    OpenCompass' ChatInferencer with ``infer_mode='every'`` writes one entry per conversation:
    ``save_multiround_results`` lists each turn's user message (``origin_prompt``), reference
    (``gold``) and output (``prediction``) side by side (SciCode); for a ``dialogue`` dataset
    (MT-Bench) ``prediction`` is the list of ``{round, user, assistant}`` and ``origin_prompt``
    null. AgentInferencer (lagent agents: GTA, CIBench) saves the same lists, each turn's
    ``origin_prompt`` the user's message (``every``) or the chat so far (``every_with_gt``:
    ``dialogs[:i]``), its ``prediction`` and ``gold`` the agent's step and the dataset's turn as
    messages (``{role, content}`` or ``tool_calls``; ``every``: a list of them). A list
    ``prediction`` beside a string or chat ``origin_prompt`` is something else: the k samples of
    ``num_return_sequences``.
    """
    prediction = entry.get("prediction")
    if not isinstance(prediction, list) or not prediction:
        return None
    if all(isinstance(p, dict) and "assistant" in p for p in prediction):
        return [
            (stringify(p.get("user")) or "", None, stringify(p["assistant"]) or "")
            for p in prediction
        ]
    prompts = entry.get("origin_prompt")
    golds = entry.get("gold", [None] * len(prediction))
    if (
        isinstance(prompts, list)
        and isinstance(golds, list)
        and len(prompts) == len(golds) == len(prediction)
        and all(isinstance(p, str) or p is None or chat_text(p) is not None for p in prompts)
    ):
        return [
            (
                p if isinstance(p, str) else chat_text(p) or "",
                _turn_text(g),
                _turn_text(t) or "",
            )
            for p, g, t in zip(prompts, golds, prediction, strict=True)
        ]
    return None


def _turn_text(value: Any) -> str | None:
    """A turn's ``prediction`` or ``gold``: a string as it is; an agent's message (its content,
    then its tool calls: :func:`~evaltui.data.formats.base.chat_message_text`) or messages
    (``role: text`` each); anything else its JSON."""
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, dict) and "role" in value:
        return chat_message_text(value)
    return chat_text(value) or stringify(value)


#: The note on a file whose conversations' golds are the replies (:func:`_golds_are_outputs`).
GOLDS_ARE_OUTPUTS = (
    "each turn's gold is the model's own reply (ChatInferencer infer_mode 'every' saves the"
    " turn's output as its gold): no reference"
)


def _golds_are_outputs(entries: Iterable[tuple[str, Any]]) -> bool:
    """True when a file's conversations (:func:`_turns`, turns with golds) all have each turn's
    gold equal to its prediction: ChatInferencer's ``infer_every`` puts the model's reply into
    the chat before saving the turn (``chat[i]['content'] = output``, then
    ``save_multiround_results(..., gold=chat[i]['content'])``), so its golds are the replies,
    no reference. ``every_with_gt`` saves the dataset's turns, which a reply matches rarely:
    the whole file decides, never one entry."""
    found = False
    for _key, entry in entries:
        if not isinstance(entry, dict) or isinstance(entry, Unreadable):
            continue
        golds, predictions = entry.get("gold"), entry.get("prediction")
        if _turns(entry) is None or not isinstance(golds, list):
            continue
        if golds != predictions:
            return False
        found = True
    return found


def _keyed_per_turn(entries: Iterable[tuple[str, Any]]) -> bool:
    """True when a file's multi-turn entries are ChatInferencer's ``every_with_gt``: its
    ``infer_every_with_gt`` counts the key on after each turn (``index += 1``), so conversation
    i's turn t is saved under key i+t-1, beside the turns of the conversations after it: an
    entry is no conversation. Such turns' prompts are the user's messages (strings), their golds
    the dataset's turns (not the replies, as ``every``'s are: :func:`_golds_are_outputs`), and no
    ``steps`` list is kept (AgentInferencer's, which saves a conversation under its own key)."""
    found = False
    for _key, entry in entries:
        if not isinstance(entry, dict) or isinstance(entry, Unreadable):
            continue
        prompts, golds = entry.get("origin_prompt"), entry.get("gold")
        if _turns(entry) is None or not isinstance(golds, list) or not isinstance(prompts, list):
            continue
        if "steps" in entry or not all(isinstance(p, str) for p in prompts):
            return False
        if golds != entry.get("prediction"):
            found = True
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


#: Where a results ``details`` entry holds each sample's verdict, in the order OpenCompass' own
#: ``BaseEvaluator.evaluate`` looks (``correct``, else ``is_correct``, else a CascadeEvaluator's
#: ``cascade_correct``: rule-based or LLM-judged correct).
VERDICT_KEYS = ("correct", "is_correct", "cascade_correct")


def _verdicts(entry: dict[str, Any]) -> list[Any]:
    """Each sample's verdict in a details entry (flattened: one list element per sample); a
    sample's is the first of :data:`VERDICT_KEYS` that is not null. ``[None]`` without any."""
    lists = [_as_list(entry[key]) for key in VERDICT_KEYS if key in entry]
    if not lists:
        return [None]
    out: list[Any] = []
    for j in range(max(len(values) for values in lists)):
        found = [values[j] for values in lists if j < len(values) and values[j] is not None]
        out.append(found[0] if found else None)
    return out


#: ``own_prompt`` of a sample no judge's record can be matched to (see :func:`_judge_verdict`).
JUDGELESS = object()


def _judge_verdict(entry: dict[str, Any], own_prompt: Any = None) -> bool | None:
    """An LLM judge's verdict on a sample, from its record in the details: GenericLLMEvaluator's
    results keep the judge's own predictions as ``details`` (``{"0": {"origin_prompt": <the
    judge's prompt>, "prediction": "A", "gold": …}, …}``), no ``correct``. OpenCompass reads a
    reply "A" or "CORRECT…" as correct (``CascadeEvaluator._get_llm_correctness``), "B" as wrong
    (``generic_llmjudge_postprocess``); any other reply is no verdict here (None)."""
    reply = entry.get("prediction")
    if "origin_prompt" not in entry or not isinstance(reply, str):
        return None
    if own_prompt is JUDGELESS:
        return None
    if own_prompt is not None and entry["origin_prompt"] == own_prompt:
        return None  # the model's own record (its prediction "A" is a choice, not a verdict)
    said = reply.strip().upper()
    if said == "A" or said.startswith("CORRECT"):
        return True
    if said == "B" or said.startswith("INCORRECT"):
        return False
    return None


def _rule_detail(entry: dict[str, Any], sample: int, key: str) -> Any:
    """A CascadeEvaluator entry's rule-based ``pred``/``answer`` for ``sample`` (its
    ``rule_evaluation``, one dict per sample once flattened); None when there is none."""
    rules = _as_list(entry.get("rule_evaluation"))
    rule = rules[sample] if sample < len(rules) else None
    return rule.get(key) if isinstance(rule, dict) else None


#: Why a details verdict is never NaN or infinite, in each tool's terms: both tools' evaluators
#: write booleans, and ``BaseEvaluator.evaluate`` (AISBench's, OpenCompass' since it grouped
#: replicas) counts each sample's verdict with ``int(detail['correct'])``, which raises on NaN
#: and infinity before any results are written (OpenCompass ≤0.4.0's details had no such count).
NO_NON_FINITE = {
    "OpenCompass": "OpenCompass' evaluators write each verdict as a boolean",
    "AISBench": "AISBench's evaluators write each verdict as a boolean, and count it with int(),"
    " which no NaN or infinity passes",
}


def _score(value: Any, where: str, tool: str = "OpenCompass") -> float | None:
    """A details ``correct`` value as a score. These formats write booleans (or 0/1): a
    non-finite number is not one they write (:data:`NO_NON_FINITE`), so it is the entry's error
    (raised inside the entry's guard), never a score and never a silent unscored row."""
    try:
        return to_score(value, finite_why=NO_NON_FINITE[tool])
    except ValueError as exc:
        raise EntryError(f"{where}: {exc}") from None


@dataclass(frozen=True, slots=True)
class _Detail:
    """One generation's part of an AISBench results ``details``, resolved inside that
    generation's entry guard: a bad value (or a details entry that could not be read) costs
    that generation, never the file."""

    where: str
    """Where in the results file, for the error message (``results/m/ds.json details[2]``)."""
    correct: Any = None
    pred: Any = None
    ref: Any = None
    problem: str | None = None
    """Why this details entry cannot be used (None = usable)."""

    def resolve(self) -> tuple[float | None, str | None, str | None]:
        if self.problem is not None:
            raise EntryError(f"{self.where}: {self.problem}")
        return (
            _score(self.correct, self.where, "AISBench"),
            stringify(self.pred),
            stringify(self.ref),
        )


#: How a predictions file opens: entry "0", its ``origin_prompt`` first (a chat prompt's first
#: message too), as ``GenInferencerOutputHandler`` and ``PPLInferencerOutputHandler`` write it.
FIRST_ENTRY = re.compile(r'\{\s*"0"\s*:\s*\{\s*"origin_prompt"\s*:')
#: How a PPL predictions file of the versions without ``origin_prompt`` opens: entry "0", its
#: in-context examples or its first label's scores (``"label: A": {"testing input": …}``).
#: How a CLP predictions file opens (``CLPInferencerOutputHandler``: entry "0", its in-context
#: examples, then its ``testing input``, ``prompt``, ``choices``, ``prediction`` (the choices'
#: probabilities), ``pred_label`` and ``gold``).
CLP_FIRST_ENTRY = re.compile(
    r'\{\s*"0"\s*:\s*\{\s*(?:"in-context examples"\s*:.*?,\s*)?"testing input"\s*:', re.DOTALL
)
#: How a PPL or CLP predictions file with in-context examples opens: entry "0", its examples
#: first (``save_ice``), which may be longer than the head detection reads.
ICE_FIRST_ENTRY = re.compile(r'\{\s*"0"\s*:\s*\{\s*"in-context examples"\s*:')
PPL_FIRST_ENTRY = re.compile(
    r'\{\s*"0"\s*:\s*\{\s*(?:"in-context examples"\s*:.*?,\s*)?"label: [^"]*"\s*:\s*\{\s*"testing input"',
    re.DOTALL,
)


def _tmp_copy(path: Path) -> bool:
    """``predictions/<model>/tmp/tmp_<time>_<id>.jsonl``: AISBench's working copy of a run's
    records (every dataset's, failed requests included), which it deletes when every request
    succeeded and keeps, beside the finished files, when one failed."""
    return path.parent.name == "tmp" and path.name.startswith("tmp_")


def _finished_beside(path: Path, head: bytes) -> bool:
    """True when the finished predictions of a working copy's dataset are in the model folder."""
    first = first_record(head)
    abbr = first.get("data_abbr") if first is not None else None
    if not isinstance(abbr, str) or not abbr or "/" in abbr:
        return False
    folder = path.parent.parent
    return (folder / f"{abbr}.jsonl").is_file() or (folder / f"{abbr}_failed.jsonl").is_file()


#: The reference in LawBench's published predictions (open-compass/LawBench
#: ``predictions/<setting>/<model>/<task>.json``, OpenCompass' format with ``refr`` for ``gold``).
REFR = "refr"


#: Where a subjective dataset's ``judge`` column (its ``gold``) keeps a reference answer for the
#: judge: CompassArena's ``ref``, COREV2's ``others.reference_answer``, …
JUDGE_REFERENCE_KEYS = ("ref", "reference", "reference_answer", "answer")


def _judge_reference(gold: dict[str, Any]) -> Any:
    """The reference answer inside a subjective dataset's ``judge`` dict, None when it has none:
    the rest (``capability``, the question again, the judge's prompt prefix) is what the judge
    is told, no answer."""
    for where in (gold, gold.get("others")):
        if isinstance(where, dict):
            for key in JUDGE_REFERENCE_KEYS:
                if where.get(key) not in (None, ""):
                    return where[key]
    return None


def _gold(gold: Any) -> tuple[str | None, list[str] | None]:
    """The raw ``gold`` as (answer, aliases): a list of strings is its acceptable answers, shown
    ``a | b`` (:func:`~evaltui.data.formats.base.reference_aliases`); a string is never parsed.
    A subjective dataset's gold is its ``judge`` dict (``output_column='judge'``, with the
    question's ``capability``): its reference answer, if it holds one (it was shown as the
    dict's JSON, '{"capability": "知识-社会常识"}' as a reference answer)."""
    if isinstance(gold, dict) and "capability" in gold:
        gold = _judge_reference(gold)
    aliases = reference_aliases(gold) if isinstance(gold, list) else None
    return reference_text(gold, aliases), aliases


#: Keys of AISBench's ``--mode perf`` records (``Output.get_metrics()`` + ``db_name``): request
#: timings kept in ``<dataset>_details.jsonl`` and a sqlite ``.db``, not generations to evaluate.
PERF_KEYS = {"time_points", "db_name"}


def _perf_output(path: Path, head: bytes) -> bool:
    """AISBench performance-mode output (``ais_bench … --mode perf``): the per-request timing
    records (``<dataset>_details.jsonl``, keys ``data_abbr``, ``id``, ``time_points``, ``db_name``,
    ``input_tokens``, …) and the ``performances/<model>/`` folder of its summaries (``.json``,
    ``.csv``, ``_plot.html``). Timings, not eval samples: skipped as companions."""
    first = first_record(head)
    if first is not None and {"data_abbr", "id"} <= set(first) and set(first) & PERF_KEYS:
        return "origin_prompt" not in first
    work_dir = path.parent.parent.parent
    return (
        path.parent.parent.name == "performances"
        and WORK_DIR_NAME.match(work_dir.name) is not None
        and ((work_dir / "configs").is_dir() or (work_dir / "logs").is_dir())
    )


class AISBenchReader(Reader):
    name = "aisbench"
    own_answers = True
    description = (
        "AISBench predictions/<model>/<dataset>.jsonl (+ results/…json details; *_failed.jsonl)"
    )
    extensions = (".jsonl",)

    def sniff(self, path: Path, head: bytes) -> int:
        first = first_record(head)
        if first is None or (_tmp_copy(path) and _finished_beside(path, head)):
            return 0
        if _perf_output(path, head):
            return 0
        keys = set(first)
        if {"data_abbr", "id", "prediction"} <= keys and (
            "origin_prompt" in keys or "uuid" in keys
        ):
            return 95
        if {"data_abbr", "id", "error_info"} <= keys:
            return 90
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        # A working copy kept after a failed request: its records are the finished files'.
        return (_tmp_copy(path) and _finished_beside(path, head)) or _perf_output(path, head)

    def companions(self, path: Path) -> tuple[Path, ...]:
        if _tmp_copy(path):  # the finished files written later make it a companion
            return (path.parent.parent,)
        found = results_candidate(path)
        if found is None:
            return ()
        if found.is_file() or not found.parent.is_dir():
            return (found,)
        # No results of its own name: a --merge-ds file, scored by each dataset's results.
        return (found, found.parent, *sorted(found.parent.glob("*.json")))

    def records_companions(self, path: Path, lines: Sequence[int] = ()) -> dict[str, Any]:
        """The details of its results (its scores, extracted answers and references): of each
        dataset its lines hold (a --merge-ds file's, each in its own results), under the
        results' path from the records' folder. With ``lines``, of their items only, each item's
        samples' values regrouped under its id (``{"<id>": {"correct": [..n..], "predictions":
        …, "references": …}}``, as :meth:`_scores` reads AISBench's n = 1 details): AISBench's
        own grouping spreads an item's samples over several entries, each of other items too,
        so no entry of its can be kept alone. Where the details are not read per item (ids no
        dataset index, an entry that could not be read), all of them, as they are."""
        if _tmp_copy(path) or path.parent.parent.name != "predictions":
            return {}
        if not lines:
            whole = results_companion(path)
            if whole or results_path(path) is not None:
                return whole
        wanted = set(lines)
        counts: dict[str, dict[Any, int]] = {}  # per dataset, each id's samples
        chosen: dict[str, set[Any]] = {}  # per dataset, the ids of the lines exported
        for line, abbr, item in _sample_ids(path):
            dataset = abbr if isinstance(abbr, str) and abbr else path.stem
            ids = counts.setdefault(dataset, {})
            ids[item] = ids.get(item, 0) + 1
            if not wanted or line in wanted:
                chosen.setdefault(dataset, set()).add(item)
        out: dict[str, Any] = {}
        for dataset in sorted(chosen):
            found = results_path(path, None if dataset == path.stem else dataset)
            if found is None or "/" in dataset or dataset in (".", ".."):
                continue
            name = f"../../results/{path.parent.name}/{found.name}"
            kept = results_companion(path, None if dataset == path.stem else dataset)
            if not kept:
                continue
            ids = counts[dataset]
            if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in ids):
                out.update(kept)  # matched by position over the whole file: all of them
                continue
            replicas = max(ids.values())
            details = self._scores({"details": kept[name]["details"]}, "", None, replicas, max(ids))
            if details is None or any(d.problem is not None for d in details.values()):
                out.update(kept)
                continue
            part: dict[str, Any] = {}
            for item in sorted(chosen[dataset]):
                samples = [details.get((item, r)) for r in range(ids[item])]
                part[str(item)] = {
                    "correct": [d.correct if d is not None else None for d in samples],
                    "predictions": [d.pred if d is not None else None for d in samples],
                    "references": [d.ref if d is not None else None for d in samples],
                }
            out[name] = {"details": part}
        return out

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        if _tmp_copy(path):  # one run's records, the model folder's
            return work_dir_run(path.parent.parent / path.name, options, path.stem)
        return work_dir_run(path, options, path.stem.removesuffix("_failed"))

    def read(self, path: Path, source: str, options: ReadOptions) -> ReadResult:
        parsed, errors, notes = parse_json_lines(path, source)
        folder = path.parent.parent if _tmp_copy(path) else path.parent
        run = options.label or named(folder, options).name
        rows = Rows()
        # By (dataset, id): a working copy holds the records of every dataset of the run.
        samples: dict[tuple[str, Any], list[tuple[int, int, dict[str, Any]]]] = {}
        for line, offset, record in parsed:
            with entry_guard(errors, source, line):
                if isinstance(record, dict) and (
                    record.get("success") is False
                    or ("error_info" in record and "prediction" not in record)
                ):
                    errors.append(
                        LoadError(
                            source,
                            line,
                            f"request failed, no generation (id {record.get('id')}): "
                            f"{stringify(record.get('error_info'))}",
                        )
                    )
                    continue
                if not isinstance(record, dict) or "id" not in record or "prediction" not in record:
                    errors.append(
                        LoadError(source, line, "not an AISBench prediction (needs id, prediction)")
                    )
                    continue
                abbr = record.get("data_abbr")
                key = (abbr if isinstance(abbr, str) and abbr else path.stem, record["id"])
                samples.setdefault(key, []).append((line, offset, record))
        items = sorted(
            samples,
            key=lambda k: (
                k[0],
                not isinstance(k[1], int),
                k[1] if isinstance(k[1], int) else str(k[1]),
            ),
        )
        # Scored per dataset: a file of one dataset has its results/<model>/<dataset>.json; one of
        # several (``--merge-ds``: predictions/<model>/<dataset type>.jsonl, each line's data_abbr
        # its dataset) has each dataset's results under that dataset's name.
        scores: dict[tuple[tuple[str, Any], int], _Detail] = {}
        unscored: list[str] = []
        turns_of = {item: _conversation(samples[item]) for item in items}
        for abbr, group in itertools.groupby(items, key=lambda k: k[0]):
            members = list(group)
            if all(turns_of[m] for m in members):
                # Conversations only: their turns are unscored whatever the results hold (a
                # note says why); "no usable results … details" was no reason of theirs.
                continue
            replicas = max(len(samples[m]) for m in members)
            # Each id is the item's index in the dataset (0 … N-1): AISBench's evaluation fills
            # every failed request's place with a mock of type defaults (after the item's own
            # lines), so details position i is id i, failed requests or not. Ids that are no
            # such index (or not all there) match details by position only when every item has
            # all its replicas (a failed request leaves a gap that shifts every later position).
            by_id = all(
                isinstance(m[1], int) and not isinstance(m[1], bool) and m[1] >= 0 for m in members
            )
            complete = by_id or all(len(samples[m]) == replicas for m in members)
            dataset = None if abbr == path.stem else abbr
            found = results_path(path, dataset)
            where = _shown(found) if found is not None else ""
            by_position = (
                self._scores(
                    _results(path, dataset),
                    where,
                    None if by_id else len(members),
                    replicas,
                    max(m[1] for m in members) if by_id else 0,
                )
                if complete
                else None
            )
            if by_position is None:
                if not all(_ppl_line(r) for m in members for _l, _o, r in samples[m]):
                    # PPL lines are scored by their label, as without details (below).
                    unscored.append(f"{abbr}" if complete else f"{abbr} (incomplete)")
                continue
            for index, member in enumerate(members):
                for replica in range(len(samples[member])):
                    detail = by_position.get((member[1] if by_id else index, replica))
                    if detail is not None:
                        scores[(member, replica)] = detail
        if unscored and samples:
            if len(unscored) == 1 and unscored[0] in (path.stem, f"{path.stem} (incomplete)"):
                why = (
                    f"no usable results/…/{path.stem}.json details beside it"
                    if not unscored[0].endswith("(incomplete)")
                    else "items have different numbers of samples (failed requests?), so details cannot be matched"
                )
            else:
                names = ", ".join(unscored[:5]) + (" …" if len(unscored) > 5 else "")
                why = (
                    f"{plural(len(unscored), 'dataset')} without usable results/…/<dataset>.json"
                    f" details (or with missing samples): {names}"
                )
            notes.append(f"{source}: {why}: generations unscored")
        conversations = 0
        ppl_lines = 0  # PPLInferencer lines (each label's prompt scored by perplexity)
        for item in items:
            turns = turns_of[item]
            conversations += 1 if turns else 0
            for replica, (line, offset, record) in enumerate(samples[item]):
                with rows.entry(errors, source, line):
                    if turns:
                        # A turn of a conversation: a prompt of its own (its history), unscored.
                        rows.add(
                            run=run,
                            source=source,
                            line=line,
                            offset=offset,
                            prompt_id=f"{item[0]}:{item[1]}:t{replica + 1}",
                            prompt=prompt_text(record.get("origin_prompt")),
                            answer=_gold(record.get("gold"))[0],
                            gen=_output_text(record["prediction"]),
                            sample=0,
                        )
                        continue
                    detail = scores.get((item, replica))
                    correct, pred, answer = (
                        detail.resolve() if detail is not None else (None, None, None)
                    )
                    prediction = record["prediction"]
                    gold, aliases = _gold(record.get("gold"))
                    prompt = prompt_text(record.get("origin_prompt"))
                    if _ppl_line(record):
                        # Each label's prompt scored by perplexity: the prompt is what they
                        # share; the prediction, the label of least, is the model's answer,
                        # scored by the gold without details, as an OpenCompass PPL entry is.
                        prompt = _ppl_prompt(record)
                        ppl_lines += 1
                        pred = pred if pred is not None else stringify(prediction)
                        if correct is None and gold is not None:
                            correct = 1.0 if stringify(prediction) in (aliases or [gold]) else 0.0
                    rows.add(
                        run=run,
                        source=source,
                        line=line,
                        offset=offset,
                        prompt_id=f"{item[0]}:{item[1]}",
                        prompt=prompt,
                        answer=answer if answer is not None else gold,
                        reference_aliases=aliases if answer is None else None,
                        gen=_output_text(prediction),
                        accuracy=correct,
                        extracted=pred,
                        sample=replica,
                    )
        if ppl_lines:
            notes.append(
                f"{source}: {plural(ppl_lines, 'PPL line')} (PPLInferencer: each label's prompt"
                " scored by perplexity, the prediction the label of least): the prompt shown is"
                " the beginning the labels' prompts share, up to its last space or line break"
            )
        if conversations:
            notes.append(
                f"{source}: {plural(conversations, 'conversation')} of several turns"
                " (MultiTurnGenInferencer: a line per turn, one uuid, each turn's history as its"
                " prompt): each turn is read as its own prompt (<dataset>:<id>:t<turn>),"
                " unscored (its lines are no samples of one prompt)"
            )
        return ReadResult(rows.frame(), errors, notes)

    @staticmethod
    def _scores(
        results: dict[str, Any] | None,
        where: str,
        n_items: int | None,
        n_replicas: int,
        last_item: int = 0,
    ) -> dict[tuple[int, int], _Detail] | None:
        """(item index, replica) -> that generation's :class:`_Detail` from AISBench ``details``.

        ``n_items``: the items the details hold; None when the items are the dataset's ids,
        whose count the details tell (``len / n_replicas``: failed requests are there, mocked),
        ``last_item`` the largest id read (more than the details hold: they are not this run's).

        Values are only gathered here, outside any entry's guard; each is checked when its
        generation's row is made, so one bad value (a non-finite score, an empty list, an entry
        that could not be parsed) is that generation's error.
        """
        if not results or "details" not in results:
            return None
        details = results["details"]
        out: dict[tuple[int, int], _Detail] = {}
        if isinstance(details, dict):  # n = 1: keyed by item index, one-element lists (or scalars)
            for key, entry in details.items():
                if not key.isdecimal():
                    continue  # "type": "GEN" and other metadata
                at = f"{where} details[{key!r}]"
                if not isinstance(entry, dict) or isinstance(entry, Unreadable):
                    why = entry.reason if isinstance(entry, Unreadable) else "not an object"
                    out[(int(key), 0)] = _Detail(at, problem=why)
                    continue
                # One sample's one-element lists (n = 1), or an item's samples' values in
                # order, as a records export's manifest regroups AISBench's n > 1 details.
                count = len(entry["correct"]) if isinstance(entry.get("correct"), list) else 1
                for replica in range(max(count, 1)):
                    picked: list[Any] = []
                    problem = None
                    for name in ("correct", "predictions", "references"):
                        values = _as_list(entry[name]) if name in entry else [None]
                        if not values:
                            problem = f"{name} is an empty list"
                        picked.append(values[replica] if replica < len(values) else None)
                    correct, pred, ref = picked
                    out[(int(key), replica)] = _Detail(at, correct, pred, ref, problem)
            if n_items is None and str(last_item) not in details:
                return None  # ids beyond the details: another run's (or another dataset's)
            return out
        if isinstance(details, list):
            flat: list[_Detail] = []
            for index, entry in enumerate(details):
                at = f"{where} details[{index}]"
                if not isinstance(entry, dict) or isinstance(entry, Unreadable):
                    # AISBench groups n values per entry: this one stands for n generations.
                    why = entry.reason if isinstance(entry, Unreadable) else "not an object"
                    flat += [_Detail(at, problem=why)] * n_replicas
                    continue
                correct = _verdicts(entry)
                preds = _as_list(entry.get("pred"))
                refs = _as_list(entry.get("answer"))
                flat += [
                    _Detail(
                        at,
                        value,
                        preds[j] if len(preds) == len(correct) else None,
                        refs[j] if len(refs) == len(correct) else None,
                    )
                    for j, value in enumerate(correct)
                ]
            if n_items is None:
                n_items = len(flat) // n_replicas if len(flat) % n_replicas == 0 else 0
                if n_items <= last_item:
                    return None
            if len(flat) != n_items * n_replicas or n_items == 0:
                return None
            # Replica-major, as AISBench's evaluate() produced them (its own grouping is wrong).
            return {(t % n_items, t // n_items): detail for t, detail in enumerate(flat)}
        return None


def _shown(results: Path) -> str:
    """The results file as the user knows it: from the work dir (``results/<model>/<ds>.json``)."""
    parts = results.parts
    index = len(parts) - 1 - parts[::-1].index("results")
    return "/".join(parts[index:])


class OpenCompassReader(ContainerReader):
    name = "opencompass"
    own_answers = True
    description = (
        "OpenCompass predictions/<model>/<dataset>.json (+ results/…json details; ≤0.4.0 results)"
    )
    extensions = (".json", ".jsonl")

    def sniff(self, path: Path, head: bytes) -> int:
        if path.suffix == ".jsonl":
            first = first_record(head)
            if _exported_entry(first) is not None:
                return 88  # an export of this format's records: {key: entry} lines
            if first is None or not {"idx", "origin_prompt", "prediction"} <= set(first):
                return 0
            if _finished(path) is not None:
                return 0  # the finished predictions file beside it is read instead
            return 90 if path.name.startswith("tmp_") else 70
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if not text.startswith("{"):
            return 0
        if running_json(path) and _finished(path) is not None:
            return 0  # killed between writing the finished file and removing this one
        if '"origin_prompt"' in text and ('"prediction"' in text or '"label: ' in text):
            return 0 if under_results(path) else 90
        if ERROR_FILE.match(text) and "predictions" in path.parts and not under_results(path):
            return 60  # an inferencer's error in place of its predictions: told as such
        if PPL_FIRST_ENTRY.match(text) or (CLP_FIRST_ENTRY.match(text) and '"pred_label"' in text):
            return 0 if under_results(path) else 90
        if len(head) >= HEAD_BYTES and (CLP_FIRST_ENTRY.match(text) or ICE_FIRST_ENTRY.match(text)):
            # A CLP entry whose testing input or prompt (or a PPL or CLP entry whose in-context
            # examples) is longer than the head, its pred_label (or labels) after it: the
            # entry's opening says it, as a long origin_prompt's does below.
            return 0 if under_results(path) else 75
        if FIRST_ENTRY.match(text):
            # The first prompt is longer than the head (a long-context dataset: LongBench,
            # NeedleBench, RULER), its prediction after it: the entry's opening says it.
            return 0 if under_results(path) else 75
        if '"origin_prediction"' in text and '"details"' in text and not predictions_exist(path):
            return 80  # ≤0.4.0 results whose details carry the predictions, and no predictions file
        return 0

    def companion(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if timer_file(path, head):
            return True
        if running_json(path):  # left beside the finished predictions, if it is one
            entries = ('"origin_prompt"', '"prediction"', '"label: ', '"in-context examples"')
            return any(key in text for key in entries) and _finished(path) is not None
        if path.suffix == ".jsonl":  # a running file left beside the finished predictions
            return path.name.startswith("tmp_") and _finished(path) is not None
        return "results" in path.parts and text.startswith("{")

    def run_identity(self, path: Path, options: ReadOptions) -> RunIdentity | None:
        shard = shard_of(path)
        dataset = shard.dataset if shard is not None else path.stem.removeprefix("tmp_")
        return work_dir_run(path, options, dataset)

    def companions(self, path: Path) -> tuple[Path, ...]:
        shard = shard_of(path)
        found = results_candidate(path, shard.dataset if shard is not None else None)
        # A running tmp_<ds>.jsonl is read until its finished predictions (what _finished
        # looks for) are written beside it: followed, their appearance makes it a companion
        # (the run's rows were doubled until OpenCompass deleted the running file).
        finished = _finished_names(path) if path.suffix == ".jsonl" or running_json(path) else ()
        return (*([found] if found is not None else []), *shard_family(path), *finished)

    def entries(self, data: Any) -> list[tuple[str, Any]]:
        pairs = super().entries(data)
        numeric = [(k, v) for k, v in pairs if numbered(k)]
        return sorted(numeric, key=lambda kv: int(kv[0]))

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
        """:meth:`read`; ``task``: for exported entries read back, their dataset (the source's
        name said it; a shard's is its dataset's)."""
        if path.suffix == ".jsonl":
            parsed, line_errors, line_notes = parse_json_lines(path, source)
            if any(_exported_entry(record) is not None for _l, _o, record in parsed[:16]):
                return self._exported(
                    parsed, line_errors, line_notes, path, source, options, task, lines
                )
            return self._running(path, source, options, task)
        data, error = json_document(path, source)
        if error is not None:
            return ReadResult(frame_from_rows({}), [error])
        failed = _inference_error(data)
        if failed is not None:
            return ReadResult(
                frame_from_rows({}),
                [
                    LoadError(
                        source,
                        None,
                        f"OpenCompass wrote its inferencer's error here, no predictions: {failed!r}",
                    )
                ],
            )
        if (
            isinstance(data, dict)
            and isinstance(data.get("details"), dict)
            and any(
                isinstance(entry, dict)
                and not isinstance(entry, Unreadable)
                and "origin_prediction" in entry
                for entry in data["details"].values()
            )
        ):
            return self._legacy_results(data, path, source, options)
        run = options.label or named(path, options).parent.name
        entries = self.entries(data)
        errors: list[LoadError] = []
        if not entries:
            return ReadResult(
                frame_from_rows({}), [LoadError(source, None, "no numbered prediction entries")]
            )
        if all(
            isinstance(entry, dict) and "ppl" in entry and not _has_prediction(entry)
            for _key, entry in entries
        ):
            # PPLOnlyInferencer (``PPLOnlyInferencerOutputHandler.save_results``): each entry
            # is a text and its perplexity, nothing generated. One error for the file, not one
            # "entry has no prediction" per entry.
            why = (
                f"a PPLOnlyInferencer output ({plural(len(entries), 'entry', 'entries')}, each an"
                " origin_prompt and its perplexity 'ppl'): no generation to read"
            )
            return ReadResult(frame_from_rows({}), [LoadError(source, None, why)])
        running = running_json(path)
        # One dataset in shards: entry k of this shard is entry offset + k of the whole (a
        # shard's running file too: a run killed while shard 1 ran is its dataset's shard 1).
        shard, offset, prompts = _dataset_prompts(
            path, [_prompt_of(entry) for _key, entry in entries]
        )
        dataset = (
            shard.dataset
            if shard is not None
            else path.stem.removeprefix("tmp_")
            if running
            else path.stem
        )
        # A run not finished has no results yet (its tmp_ file is no dataset of their own).
        details = None if running else (_results(path, dataset) or {}).get("details")
        n_items = self._period(prompts, details)
        found = None if running else results_path(path, dataset)
        detail_name = _shown(found) if found is not None else ""
        detail, whole = self._verdicts_of(
            details,
            detail_name,
            {(offset + int(key)) % n_items: entry for key, entry in entries if key.isdecimal()},
            n_items == len(prompts) == (len(details) if details is not None else -1),
        )
        rows = Rows()
        scored = False
        conversations = turn_rows = entry_scored = 0
        no_gold = _golds_are_outputs(entries)
        seen: dict[int, int] = {}
        for earlier_index in range(offset):  # replicas of an item in the shards before
            seen[earlier_index % n_items] = seen.get(earlier_index % n_items, 0) + 1
        for index, (key, entry) in enumerate(entries, start=1):
            with rows.entry(errors, source, index):
                if not _has_prediction(entry):
                    errors.append(LoadError(source, index, f"entry {key!r} has no prediction"))
                    continue
                item = (offset + int(key)) % n_items
                turned, with_verdict, _unscored, as_whole = _add_prediction(
                    rows,
                    entry,
                    dataset,
                    item,
                    seen,
                    detail,
                    whole=whole,
                    no_gold=no_gold,
                    run=run,
                    source=source,
                    line=index,
                )
                # A conversation: each turn is a prompt of its own (not k samples of one).
                conversations += 1 if turned else 0
                turn_rows += turned
                entry_scored += 1 if as_whole else 0
                scored = scored or with_verdict > 0 or as_whole > 0
        notes: list[str] = []
        if rows.height > turn_rows and not scored:
            judged = _judge_output(path, dataset) if found is None and not running else None
            if running:
                why = "OpenCompass predictions of a run not finished (tmp_ file)"
            elif judged is not None:
                why = (
                    f"a subjective run: an LLM judged it in {_shown(judged)} (the judge's own"
                    " text, a comparison or rating by its prompt, no per-sample 'correct')"
                )
            elif found is None:
                why = f"no results/{path.parent.name}/{dataset}.json beside it"
            elif details is None:
                why = f"{detail_name} has no details (written with --dump-eval-details)"
            else:
                why = f"{detail_name} details have no per-sample 'correct'"
            notes.append(f"{source}: {why}: generations unscored")
        # An entry under a key that is no number (OpenCompass keys its entries str(index)) has
        # no place among the items: not read, and told, never dropped without a word.
        unnumbered = (
            [str(k) for k in data if not numbered(str(k))] if isinstance(data, dict) else []
        )
        errors += [
            LoadError(
                source,
                len(entries) + i,
                f"entry {key[:60]!r} is not numbered (OpenCompass keys its entries '0', '1', …):"
                " not read",
            )
            for i, key in enumerate(unnumbered, start=1)
        ]
        # Each entry's error at the line of the file it starts on, not its number.
        errors = at_entry_lines(errors, path, [key for key, _entry in entries] + unnumbered)
        if entry_scored:
            notes.append(
                f"{source}: {plural(entry_scored, 'entry', 'entries')} of several predictions"
                f" (num_return_sequences, self-consistency) with one verdict in {detail_name}"
                " details (of the list as a whole, or its majority vote): kept as prompt_score;"
                " the samples are unscored"
            )
        if no_gold:
            notes.append(f"{source}: {GOLDS_ARE_OUTPUTS}")
        if conversations and _keyed_per_turn(entries):
            notes.append(
                f"{source}: {plural(conversations, 'entry', 'entries')} of turns saved by"
                " ChatInferencer infer_mode 'every_with_gt', which puts a conversation's turn t"
                " under the key t-1 after the conversation's own: an entry's turns are of several"
                " conversations, not one; each turn is read as its own prompt"
                f" ({dataset}:<key>:t<n>, the n-th turn saved under the key), unscored (results"
                " details are per entry, not per turn)"
            )
        elif conversations:
            notes.append(
                f"{source}: {plural(conversations, 'entry', 'entries')}"
                f" {'holds' if conversations == 1 else 'hold'} a multi-turn conversation"
                " (ChatInferencer or AgentInferencer infer_mode 'every' or 'every_with_gt'):"
                " each turn is read as its own"
                f" prompt ({dataset}:<item>:t<turn>), unscored (results details are per"
                " conversation, not per turn)"
            )
        return ReadResult(rows.frame(), errors, notes)

    def _verdicts_of(
        self, details: Any, where: str, entries: dict[int, Any], judged_one_to_one: bool
    ) -> tuple[Detail | None, Callable[[int], float | None] | None]:
        """(a sample's verdict, an item's whole verdict) from results ``details`` (None: no
        details) for the prediction ``entries`` by item. ``judged_one_to_one``: each entry has
        one details record (no replicas), an LLM judge's verdict on it (:func:`_judge_verdict`)."""
        if details is None:
            return None, None
        # The model's own prompt per item: a details record holding the same prompt is the
        # model's, not an LLM judge's (whose prompt is the grading instruction). A judge's
        # records are read one per prediction entry: with replicas (dataset n) or several
        # predictions per entry, which record is which sample's is not known.
        own_prompts = {
            item: _origin_prompt(entry)
            for item, entry in entries.items()
            if isinstance(entry, dict)
            and not isinstance(entry, Unreadable)
            and not isinstance(entry.get("prediction"), list)
        }

        def detail(item: int, sample: int) -> tuple[float | None, str | None, str | None]:
            return self._detail(
                details,
                where,
                item,
                sample,
                own_prompts.get(item, JUDGELESS)
                if judged_one_to_one and sample == 0
                else JUDGELESS,
            )

        def whole(item: int) -> float | None:
            return self._whole(details, where, item)

        return detail, whole

    @staticmethod
    def _period(prompts: list[str], details: Any = None) -> int:
        """N for dataset ``n`` replication (entry k is item k mod N): the number of items in the
        results ``details`` list (one per item) when the entries repeat with that period, else
        the smallest period of the entries' items (:func:`_prompt_of`). An entry whose item
        cannot be told ("") makes every entry its own item: replicas shown apart are better
        than different items merged into one prompt."""
        total = len(prompts)
        if "" in prompts:
            return total
        if isinstance(details, list) and details and total % len(details) == 0:
            n = len(details)
            if all(prompts[k] == prompts[k % n] for k in range(total)):
                return n
        for n in range(1, total):
            if total % n == 0 and all(prompts[k] == prompts[k % n] for k in range(total)):
                return n
        return total

    @staticmethod
    def _whole(details: Any, where: str, item: int) -> float | None:
        """Item ``item``'s verdict when its details entry holds one only (of an entry's whole
        list of predictions, not of its first); None otherwise."""
        if isinstance(details, list) and item < len(details) and isinstance(details[item], dict):
            entry = details[item]
        elif isinstance(details, dict) and isinstance(details.get(str(item)), dict):
            entry = details[str(item)]
        else:
            return None
        verdicts = _verdicts(entry)
        return _score(verdicts[0], f"{where} details[{item}]") if len(verdicts) == 1 else None

    @staticmethod
    def _detail(
        details: Any, where: str, item: int, sample: int, own_prompt: Any = None
    ) -> tuple[float | None, str | None, str | None]:
        """Item ``item``'s ``sample``-th (correct, extracted, reference) from the results
        ``details``; called inside the generation's entry guard (a bad value is its error)."""
        if isinstance(details, list) and item < len(details) and isinstance(details[item], dict):
            entry = details[item]
        elif isinstance(details, dict) and isinstance(details.get(str(item)), dict):
            entry = details[str(item)]
        else:
            return None, None, None

        def pick(key: str) -> Any:
            values = _as_list(entry.get(key))
            return values[sample] if sample < len(values) else None

        pred_key = "pred" if "pred" in entry else "predictions"
        ref_key = "answer" if "answer" in entry else "references"
        at = f"{where} details[{item}]"
        verdicts = _verdicts(entry)
        verdict = verdicts[sample] if sample < len(verdicts) else None
        if verdict is None and not any(k in entry for k in VERDICT_KEYS):
            verdict = _judge_verdict(entry, own_prompt)
        pred, ref = pick(pred_key), pick(ref_key)
        if pred is None and ref is None and "rule_evaluation" in entry:
            pred = _rule_detail(entry, sample, "pred")
            ref = _rule_detail(entry, sample, "answer")
        return _score(verdict, at), stringify(pred), stringify(ref)

    def _legacy_results(
        self, data: dict[str, Any], path: Path, source: str, options: ReadOptions
    ) -> ReadResult:
        """≤0.4.0 results: ``details`` object of scalars carrying prompt and prediction."""
        rows = Rows()
        errors: list[LoadError] = []
        run = options.label or named(path, options).parent.name
        entries = self.entries(data["details"])
        for index, (key, entry) in enumerate(entries, start=1):
            with rows.entry(errors, source, index):
                if not isinstance(entry, dict) or "origin_prediction" not in entry:
                    errors.append(
                        LoadError(source, index, f"details entry {key!r} has no origin_prediction")
                    )
                    continue
                _add_legacy(
                    rows, entry, run=run, source=source, line=index, prompt_id=f"{path.stem}:{key}"
                )
        errors = at_entry_lines(errors, path, [key for key, _entry in entries], "details")
        return ReadResult(rows.frame(), errors)

    def _exported(
        self,
        parsed: list[tuple[int, int, Any]],
        errors: list[LoadError],
        notes: list[str],
        path: Path,
        source: str,
        options: ReadOptions,
        task: str | None,
        lines: Sequence[int] | None = None,
    ) -> ReadResult:
        """A records export of predictions (or ≤0.4.0 results): one ``{key: entry}`` line per
        entry, as :meth:`records` writes them (``lines``: each record's entry number in its
        source, from the export's manifest). The per-sample verdicts of predictions are in
        the results file's ``details``, not in the entries: read back, the details the manifest
        kept are where the load found them (:meth:`records_companions`); without them those
        generations are unscored (a PPL entry is scored by ``prediction == gold``, as without
        results; a ≤0.4.0 results entry carries its own ``correct``). An item's replicas (dataset ``n``) share its prompt
        at keys ``item + r·N``: they are one prompt again, ``<dataset>:<item>``."""
        run = options.label or named(path, options).parent.name
        entries: list[tuple[int, int, str, Any]] = []
        for line, offset, record in parsed:
            found = _exported_entry(record)
            if found is None:
                errors.append(
                    LoadError(
                        source,
                        line,
                        "not an exported OpenCompass entry ({key: entry}, key a number)",
                    )
                )
                continue
            entries.append((line, offset, *found))
        dataset = task or path.stem
        shard = SHARD_NAME.match(path.stem)
        if (
            task is not None
            and shard is not None
            and shard["dataset"] == task
            and not _numbered_on([key for _l, _o, key, _e in entries], lines, shard["index"])
        ):
            # A shard's entries keyed from 0 again (exported before evaltui numbered them on
            # through the dataset): where it starts in its dataset is not in the records, and
            # under the dataset's name shard 1's "0" was shard 0's item 0, two prompts merged
            # into one. Named after the shard, each stays its own.
            dataset = path.stem
            notes.append(
                f"{source}: exported entries of {path.stem}, a shard of {task}: where it starts"
                f" in {task} is not in the records, so its prompts are {path.stem}:<key>"
            )
        items = _items([(key, entry) for _l, _o, key, entry in entries])
        no_gold = _golds_are_outputs([(key, entry) for _l, _o, key, entry in entries])
        # The results' details the export's manifest kept (its ``companions``), written where
        # the load found them: the verdicts, extracted answers and references of the entries.
        kept = results_path(path, dataset)
        details = (_results(path, dataset) or {}).get("details")
        detail, whole = self._verdicts_of(
            details,
            _shown(kept) if kept is not None else "",
            {items[key]: entry for _l, _o, key, entry in entries},
            all(items[key] == int(key) for _l, _o, key, _e in entries),
        )
        rows = Rows()
        unscored = 0
        seen: dict[int, int] = {}
        for line, offset, key, entry in entries:
            with rows.entry(errors, source, line):
                item = items[key]
                where: dict[str, Any] = {
                    "run": run,
                    "source": source,
                    "line": line,
                    "offset": offset,
                }
                if isinstance(entry, dict) and "origin_prediction" in entry:  # ≤0.4.0 results
                    _add_legacy(rows, entry, prompt_id=f"{dataset}:{key}", **where)
                    continue
                if not _has_prediction(entry):
                    errors.append(LoadError(source, line, f"entry {key!r} has no prediction"))
                    continue
                unscored += _add_prediction(
                    rows, entry, dataset, item, seen, detail, whole=whole, no_gold=no_gold, **where
                )[2]
        if no_gold:
            notes.append(f"{source}: {GOLDS_ARE_OUTPUTS}")
        if unscored and details is None:
            notes.append(
                f"{source}: exported OpenCompass predictions: their scores are in the run's"
                f" results/<model>/{dataset}.json details, which are not in the records:"
                f" {plural(unscored, 'generation')} unscored"
            )
        return ReadResult(rows.frame(), errors, notes)

    def _running(
        self, path: Path, source: str, options: ReadOptions, task: str | None = None
    ) -> ReadResult:
        """``tmp_<dataset>.jsonl``: the predictions of a run still going (or killed), one
        ``{idx, origin_prompt, prediction[, gold]}`` line per entry, in completion order. The
        entry index is the item (dataset ``n`` replicas cannot be told apart before the run
        ends); there are no results yet, so the generations are unscored."""
        parsed, errors, notes = parse_json_lines(path, source)
        run = options.label or named(path, options).parent.name
        # A shard's running file (tmp_<ds>_<i>.jsonl): its entries numbered on through its
        # dataset, after the shards before it.
        # (``task``: records read back, their dataset; a shard's numbered on at the export.)
        shard = shard_of(path) if task is None else None
        dataset = (
            task
            if task is not None
            else shard.dataset
            if shard is not None
            else path.stem.removeprefix("tmp_")
        )
        start = _shard_start(shard, path) if shard is not None else 0
        rows = Rows()
        for line, offset, record in parsed:
            with rows.entry(errors, source, line):
                if (
                    not isinstance(record, dict)
                    or "idx" not in record
                    or "prediction" not in record
                ):
                    errors.append(
                        LoadError(
                            source, line, "not an OpenCompass prediction (needs idx, prediction)"
                        )
                    )
                    continue
                gold, aliases = _gold(record.get("gold"))
                for sample, text in enumerate(_as_list(record["prediction"])):
                    rows.add(
                        run=run,
                        source=source,
                        line=line,
                        offset=offset,
                        prompt_id=f"{dataset}:{_item_of(record['idx'], start)}",
                        prompt=prompt_text(record.get("origin_prompt")),
                        answer=gold,
                        reference_aliases=aliases,
                        gen=text if isinstance(text, str) else stringify(text) or "",
                        sample=sample,
                    )
        if rows.height:
            notes.append(
                f"{source}: OpenCompass predictions of a run not finished (tmp_ file):"
                " generations unscored"
            )
        return ReadResult(rows.frame(), errors, notes)

    reads_records_back = True

    def records_form(self, path: Path) -> str | None:
        if path.suffix == ".jsonl":
            return None
        said = (
            "each entry of the file's one JSON document re-encoded as a JSON line ({key: entry}),"
            " which evaltui reads back as opencompass"
        )
        if shard_of(path) is not None:
            said += (
                " (this shard's keys numbered on through its dataset, as OpenCompass's eval task"
                " reads its shards)"
            )
        if self.records_companions(path):
            return f"{said}, scored by its results' details where the manifest keeps them"
        return f"{said}, unscored: the scores are in the run's results/ details, not in the entries"

    def records_companions(self, path: Path, lines: Sequence[int] = ()) -> dict[str, Any]:
        """The details of its results file (the entries' scores, extracted answers and
        references): of the items of the entries ``lines`` only (all of a shard's: its
        dataset's results hold every shard's), keyed by item (as ≤0.4.0 details were), when
        it says them. A shard's records are numbered on through its dataset (:meth:`records`),
        so its items are the details' items."""
        if path.suffix != ".json":
            return {}
        shard = shard_of(path)
        kept = results_companion(path, shard.dataset if shard is not None else None)
        if not kept or (not lines and shard is None):
            return kept
        [(name, value)] = kept.items()
        details = value["details"]
        data, error = json_document(path, path.name)
        if error is not None:
            return kept if shard is None else {}
        entries = self.entries(data)
        _shard, start, prompts = _dataset_prompts(path, [_prompt_of(e) for _k, e in entries])
        n_items = self._period(prompts, details)
        chosen = lines or range(1, len(entries) + 1)
        items = sorted(
            {
                (start + int(entries[line - 1][0])) % n_items
                for line in chosen
                if 0 < line <= len(entries)
            }
        )
        if isinstance(details, list):
            part = {str(i): details[i] for i in items if i < len(details)}
        elif isinstance(details, dict):
            part = {str(i): details[str(i)] for i in items if str(i) in details}
        else:
            return kept if shard is None else {}
        return {name: {"details": part}}

    def records(self, path: Path, rows: Iterable[tuple[int, int | None]]) -> Iterator[str]:
        if path.suffix == ".jsonl":
            # A shard's running file: each line's idx numbered on through its dataset, as its
            # rows were read (its shards are not beside the records read back).
            shard = shard_of(path)
            start = _shard_start(shard, path) if shard is not None else 0
            for record in Reader.records(self, path, rows):
                try:
                    line = json.loads(record) if start else None
                except ValueError:
                    line = None
                if isinstance(line, dict) and "idx" in line:
                    idx = line["idx"]
                    item = _item_of(idx, start)
                    line["idx"] = int(item) if isinstance(idx, int) and numbered(item) else item
                    yield json.dumps(line, ensure_ascii=False)
                else:
                    yield record
            return
        data, error = json_document(path, path.name)
        if error is not None:
            raise ValueError(f"{path}: {error.reason}")
        legacy = _is_legacy_results(data)
        entries = self.entries(data["details"] if legacy else data)
        shard = None if legacy else shard_of(path)
        # A shard's entries numbered on through its dataset, as OpenCompass's eval task numbers
        # them when it reads the shards as one (and as the details index them): read back, each
        # is its item of the dataset again, scored by the details the manifest keeps.
        start = _shard_start(shard, path) if shard is not None else 0
        for line, _offset in rows:
            key, entry = entries[line - 1]
            yield json.dumps({str(start + int(key)) if start else key: entry}, ensure_ascii=False)


def _item_of(idx: Any, start: int) -> str:
    """A running file's entry ``idx`` as its item of the dataset: ``start + idx`` in a shard
    starting at ``start``; as written otherwise (or when it is no number)."""
    text = stringify(idx) or ""
    if start and not isinstance(idx, bool) and numbered(text):
        return str(start + int(text))
    return text


def _output_text(prediction: Any) -> str:
    """An AISBench line's ``prediction`` as one generation: a string, or the parts of one
    output (``LMMOutput.get_prediction``: its texts and the paths of the images it saved) one
    per line, as the plain reader joins a ``gen`` list. They were shown as JSON text, every
    line break an escaped ``\\n`` inside quotes."""
    if isinstance(prediction, str):
        return prediction
    if isinstance(prediction, list):
        return GEN_JOIN.join(p if isinstance(p, str) else stringify(p) or "" for p in prediction)
    return stringify(prediction) or ""


def _has_prediction(entry: Any) -> bool:
    """A predictions entry: a generation (``prediction``) or a PPL entry's ``label: …`` scores."""
    return isinstance(entry, dict) and (
        "prediction" in entry or any(k.startswith("label: ") for k in entry)
    )


Detail = Callable[[int, int], tuple[float | None, str | None, str | None]]


def _add_prediction(
    rows: Rows,
    entry: dict[str, Any],
    dataset: str,
    item: int,
    seen: dict[int, int],
    detail: Detail | None,
    *,
    whole: Callable[[int], float | None] | None = None,
    no_gold: bool = False,
    **where: Any,
) -> tuple[int, int, int, int]:
    """The rows of one predictions entry, item ``item`` of ``dataset``: a conversation's turns,
    each a prompt of its own (unscored: results details are per conversation), or its
    predictions as samples of the item, numbered on from ``seen``. ``detail(item, sample)``
    gives a sample's (correct, extracted, reference) from the results details; without details
    (None) a PPL entry is scored by ``prediction == gold``. An entry of several predictions (an
    HF model's ``num_return_sequences``, SCInferencer's self-consistency samples) whose item has
    one verdict (``whole(item)``: the evaluator judged the list, or its majority vote) gets it
    as every sample's ``prompt_score``, the samples unscored: it is no sample's own. ``where``:
    the rows' run, source, line (and offset). Returns the rows added as turns, scored,
    unscored and scored as a whole. ``no_gold``: a conversation's golds are no reference
    (:func:`_golds_are_outputs`)."""
    turns = _turns(entry)
    if turns is not None:
        for turn, (prompt, gold, text) in enumerate(turns, start=1):
            rows.add(
                **where,
                prompt_id=f"{dataset}:{item}" + (f":t{turn}" if len(turns) > 1 else ""),
                prompt=prompt,
                answer=None if no_gold else gold,
                gen=text,
                sample=0,
            )
        return len(turns), 0, 0, 0
    clp = _clp_choice(entry)
    if clp is not None:
        # A CLP entry: the model's choice is the one of highest probability (pred_label), read
        # as a PPL entry's label is (its answer; scored by the gold without results details).
        entry = {**entry, "prediction": clp[0], "gold": clp[1]}
    answer, aliases = _gold(entry.get("gold", entry.get(REFR)))
    ppl = clp is not None or any(k.startswith("label: ") for k in entry)
    scored = unscored = 0
    prompt = (_labels_prompt(entry) if ppl else None) or prompt_text(_origin_prompt(entry))
    texts = _as_list(entry.get("prediction"))
    entry_score = whole(item) if whole is not None and len(texts) > 1 and item not in seen else None
    for text in texts:
        sample = seen.get(item, 0)
        seen[item] = sample + 1
        if entry_score is not None:
            rows.add(
                **where,
                prompt_id=f"{dataset}:{item}",
                prompt=prompt,
                answer=answer,
                reference_aliases=aliases,
                gen=text if isinstance(text, str) else stringify(text) or "",
                prompt_score=entry_score,
                sample=sample,
            )
            continue
        correct, pred, ref = detail(item, sample) if detail is not None else (None, None, None)
        if correct is None and ppl and detail is None and answer is not None:
            correct = 1.0 if stringify(text) in (aliases or [answer]) else 0.0
        if pred is None and ppl:
            # A PPL entry's prediction is the label of least perplexity: the model's choice, its
            # answer as the gold is written ("B"). Without it, `rescore --scorer exact` found no
            # answer in "B" (a short reply is no answer for a format of its own answers) and
            # scored the stored 1 a 0.
            pred = stringify(text)
        rows.add(
            **where,
            prompt_id=f"{dataset}:{item}",
            prompt=prompt,
            answer=ref if ref is not None else answer,
            reference_aliases=aliases if ref is None else None,
            gen=text if isinstance(text, str) else stringify(text) or "",
            accuracy=correct,
            extracted=pred,
            sample=sample,
        )
        scored, unscored = (scored, unscored + 1) if correct is None else (scored + 1, unscored)
    return 0, scored, unscored, len(texts) if entry_score is not None else 0


#: The keys an AISBench predictions line starts with, as its writer dumps them (``json.dumps``'
#: ", " and ": "), up to its ``origin_prompt`` string: ``data_abbr`` (a --merge-ds file's, and
#: since 2025 every file's), ``id``, ``success`` (true: false is a failed request) and ``uuid``.
#: Anchored at the line's start and each string matched by JSON's own grammar, the ``id`` is
#: the record's own, never one quoted inside a prompt.
_SAMPLE_HEAD = re.compile(
    rb'\{(?:"data_abbr": ("(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"), )?'
    rb'"id": (-?(?:0|[1-9][0-9]{0,17})), (?:"success": true, )?'
    rb'(?:"uuid": "[^"\\\x00-\x1f]*", )?"origin_prompt": "'
)
_PREDICTION_KEY = b', "prediction": '


def _string_end(raw: bytes, start: int) -> int | None:
    """Where the JSON string whose text begins at ``start`` (after its opening quote) ends
    (after its closing quote): the first quote not escaped (an even run of backslashes before
    it). None when the line ends first."""
    while (quote := raw.find(b'"', start)) != -1:
        slashes = 0
        while raw[quote - 1 - slashes] == 0x5C:  # a backslash
            slashes += 1
        if slashes % 2 == 0:
            return quote + 1
        start = quote + 1
    return None


def _sample_ids(path: Path) -> Iterator[tuple[int, Any, Any]]:
    """``(line, data_abbr, id)`` of each AISBench predictions line of a generation
    (:func:`_sample_line`), the same lines a parse of the file gives, without parsing every
    line: a whole line that starts with :data:`_SAMPLE_HEAD` and has ``prediction`` as the key
    after its prompt string is one (its id and dataset read from that head; the rest of the line
    is not checked); any other line (keys in another order, a chat prompt's list, a failed
    request, the last line without its newline) is parsed as JSON to tell."""
    abbrs: dict[bytes, Any] = {}
    for line, _offset, raw, has_newline in iter_lines(path.read_bytes()):
        head = _SAMPLE_HEAD.match(raw) if has_newline and raw.endswith(b"}") else None
        end = _string_end(raw, head.end()) if head else None
        if head and end is not None and raw.startswith(_PREDICTION_KEY, end):
            token = head[1]
            if token is not None and token not in abbrs:
                abbrs[token] = json.loads(token.decode("utf-8", errors="replace"))
            yield line, abbrs[token] if token is not None else None, int(head[2])
            continue
        if not raw.strip():
            continue
        try:
            record = parse_json(decode_line(raw)[0])
        except (json.JSONDecodeError, EntryError):
            continue  # the load said so (this line has no row)
        if _sample_line(record):
            yield line, record.get("data_abbr"), record["id"]


def _sample_line(record: Any) -> bool:
    """An AISBench predictions line of a generation: an id and a prediction, its request not
    failed (:meth:`AISBenchReader.read` tells the others)."""
    return (
        isinstance(record, dict)
        and "id" in record
        and "prediction" in record
        and record.get("success") is not False
    )


def _conversation(lines: list[tuple[int, int, dict[str, Any]]]) -> int:
    """The number of turns when an AISBench item's lines are a conversation's turns, else 0.
    MultiTurnGenInferencer writes one line per turn of a dialogue, all under the item's ``id``
    and one ``uuid`` (made once per item), each turn's ``origin_prompt`` its history so far;
    an item's samples (``num_return_sequences``) each have a uuid of their own and one prompt."""
    if len(lines) < 2:
        return 0
    uuids = {str(record.get("uuid")) for _line, _offset, record in lines}
    if len(uuids) != 1 or "None" in uuids:
        return 0
    try:
        prompts = {
            json.dumps(record.get("origin_prompt"), sort_keys=True, default=str)
            for _line, _offset, record in lines
        }
    except (ValueError, RecursionError):  # a prompt too deep to compare: read as samples
        return 0
    return len(lines) if len(prompts) == len(lines) else 0


#: A predictions file holding an inferencer's error instead (``{"error": "<message>"}``): CLP's
#: inferencer writes ``'API model is not supported for conditional log probability inference
#: and skip this exp.'`` for an API model, so that the task is not run again.
ERROR_FILE = re.compile(r'\{\s*"error"\s*:\s*"')


def _inference_error(data: Any) -> str | None:
    """The message of a predictions file that is an inferencer's ``{"error": …}`` alone."""
    if isinstance(data, dict) and len(data) == 1 and isinstance(data.get("error"), str):
        return str(data["error"])
    return None


def _clp_choice(entry: dict[str, Any]) -> tuple[str, Any] | None:
    """(the choice the model gave, the gold as a choice) of a CLP entry
    (``CLPInferencerOutputHandler.save_prompt_and_condprob``: ``choices``, ``prediction`` the
    probability of each, ``pred_label`` the index of the highest, ``gold`` the right index, as
    AUCROCEvaluator's accuracy counts argmax == gold); None for any other entry. An index
    outside the choices is kept as the number it is."""
    choices, label = entry.get("choices"), entry.get("pred_label")
    if not (
        "testing input" in entry
        and isinstance(choices, list)
        and isinstance(label, int)
        and not isinstance(label, bool)
        and isinstance(entry.get("prediction"), list)
    ):
        return None

    def named(index: Any) -> Any:
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(choices):
            return stringify(choices[index])
        return index

    return stringify(named(label)) or "", named(entry.get("gold"))


def _add_legacy(rows: Rows, entry: dict[str, Any], **where: Any) -> None:
    """A ≤0.4.0 results ``details`` entry (scalars carrying prompt and prediction): one row."""
    rows.add(
        **where,
        prompt=prompt_text(entry.get("prompt")),
        answer=stringify(_as_list(entry.get("references"))[0]),
        gen=stringify(entry.get("origin_prediction")) or "",
        accuracy=_score(_as_list(entry.get("correct"))[0], "correct")
        if "correct" in entry
        else None,
        extracted=stringify(_as_list(entry.get("predictions"))[0]),
        sample=0,
    )


def _exported_entry(record: Any) -> tuple[str, Any] | None:
    """``(key, entry)`` of an exported entry line ``{key: entry}`` (:meth:`OpenCompassReader.records`:
    one numbered key, a prediction entry or a ≤0.4.0 results details entry), else None."""
    if not isinstance(record, dict) or len(record) != 1:
        return None
    key, entry = next(iter(record.items()))
    if not (isinstance(key, str) and numbered(key) and isinstance(entry, dict)):
        return None
    if any(str(k).startswith("label: ") for k in entry) or (
        ("origin_prompt" in entry or "testing input" in entry) and "prediction" in entry
    ):
        return key, entry
    return (key, entry) if "origin_prediction" in entry else None


def _numbered_on(keys: Sequence[str], lines: Sequence[int] | None, index: str) -> bool:
    """Whether a shard's exported entries (``keys``, at entry numbers ``lines`` of the shard)
    are numbered on through its dataset (:meth:`OpenCompassReader.records`): each key is its
    entry number's place plus one start, the same for all (a shard's own keys are its entry
    numbers' places, 0, 1, …). The first shard starts at 0 either way."""
    if index == "0":
        return True
    if not lines or len(lines) != len(keys):
        return False
    starts = {int(key) - (line - 1) for key, line in zip(keys, lines, strict=True)}
    return len(starts) == 1 and next(iter(starts)) > 0


def _items(entries: list[tuple[str, Any]]) -> dict[str, int]:
    """Each exported entry's item: its key, except where the entries are an item's replicas
    (dataset ``n``: the same prompt at keys ``item + r·N`` for one N throughout), whose item is
    the smallest of their keys (replica 0's). An export holds every entry of a prompt, so an
    item's replicas are there together."""
    own = {key: int(key) for key, _entry in entries}
    groups: dict[str, list[int]] = {}
    for key, entry in entries:
        groups.setdefault(_prompt_of(entry), []).append(int(key))
    sizes = {len(keys) for keys in groups.values()}
    if len(sizes) != 1 or sizes == {1} or "" in groups:  # ("": a prompt not read)
        return own
    steps = set()
    for keys in groups.values():
        keys.sort()
        steps |= {b - a for a, b in itertools.pairwise(keys)}
    period = next(iter(steps)) if len(steps) == 1 else 0
    # Not replicas of one test set: items that merely share a prompt. (Two items of the same
    # text at keys k and k + N stay ambiguous: the test set's size is not in the records.)
    if period <= 1 or period < len(groups) or any(keys[0] >= period for keys in groups.values()):
        return own
    return {str(k): keys[0] for keys in groups.values() for k in keys}


def numbered(key: str) -> bool:
    """Whether ``key`` is an entry's number as OpenCompass writes it (``str(index)``): ASCII
    digits only. ``str.isdigit`` is true of ``²`` too, which ``int`` cannot read: a file with
    such a key failed whole ("opencompass reader failed: ValueError")."""
    return key.isascii() and key.isdigit()


def _is_legacy_results(data: Any) -> bool:
    """≤0.4.0 results: metrics plus a ``details`` object (no numbered prediction entries at the top)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("details"), dict)
        and not any(numbered(str(k)) for k in data)
    )
