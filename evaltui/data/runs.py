"""What one run is, across every file of a load: separate runs that share a label stay apart.

A reader labels a file's rows by what the file says (the model); it cannot know what else is
loaded. The same model evaluated twice -- two Inspect logs, two lm-eval output folders, in one
folder or in two -- would then be one run, its prompts "sampled twice" (maj@2, G-Pass@2 for data
never sampled that way). Each reader that can tell says which run a file belongs to
(:class:`~evaltui.data.formats.base.RunIdentity`); here, after reading, runs of one label that
evaluated a common task get the part that tells them apart in their label: when they started,
else their folder, else their own id (``model @ 2026-01-02T10:00:00``). Files of one run (lm-eval
tasks of one date id) keep one label; runs of one label that share no task (one task today,
another tomorrow) stay one run, as their prompts cannot merge.

Plain JSONL files say nothing of their run but their folder and their name. Files of one folder
named after their models (``Qwen2.5-7B-Instruct.jsonl``, ``DeepSeek-R1-Distill-Qwen-7B.jsonl``)
that evaluated common prompts are a run each, labelled by the name (without a shard or pass
number: :func:`evaltui.data.formats.plain.run_name`); files of one name (shards, passes) and
files that share no prompt (one model's tasks) stay the folder's run. Runs of plain files are
told apart across folders when they share a prompt (their file names tell no task).

This works on the frames after reading, so the rows cached per file never depend on what else
is loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

import polars as pl

from evaltui.data.formats.base import RunIdentity
from evaltui.data.sanitize import TAG_SEPARATOR, name_line, one_line_middle, written_label
from evaltui.data.schema import clean_text

#: Between a run label and a filter or metric name that follows it (``model · strict-match``).
PART_SEPARATOR = " · "


@dataclass(slots=True)
class _Run:
    key: str
    folder: str
    started: str
    tasks: set[str] = field(default_factory=set)
    prompts: list[pl.Series] = field(default_factory=list)
    """The prompt ids of its files, for formats whose task a file's name does not tell (plain)."""


def _folder(source: str, depth: int = 0) -> str:
    """The run's folder: the file's, or ``depth`` above it (see RunIdentity.depth)."""
    # Sources are '/'-separated (discover's relative paths): a backslash is a character of a
    # name there, and an undecodable byte's shown form (\\xff) must not split a folder.
    folder = PurePosixPath(source if os.sep == "/" else source.replace(os.sep, "/")).parent
    for _ in range(depth):
        folder = folder.parent
    return folder.as_posix()


def short_folders(folders: list[str]) -> list[str]:
    """The folders without the leading and trailing parts they all share (``out/m``, ``out2/m``
    -> ``out``, ``out2``), never shortened to nothing."""
    parts = [[] if f in ("", ".") else f.split("/") for f in folders]
    while all(len(p) > 1 for p in parts) and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]
    while all(len(p) > 1 for p in parts) and len({p[-1] for p in parts}) == 1:
        parts = [p[:-1] for p in parts]
    return ["/".join(p) or "." for p in parts]


def _tags(runs: list[_Run]) -> list[str]:
    """The shortest readable part that tells ``runs`` apart: start time, folder, then id."""
    columns = (
        [run.started for run in runs],
        short_folders([run.folder for run in runs]),
        [run.key for run in runs],  # with the folder, distinct by construction: the last resort
    )
    chosen: list[list[str]] = []
    tags = [""] * len(runs)
    for column in columns:
        if len(set(column)) > 1:
            chosen.append(column)
        tags = [" ".join(part for part in parts if part) for parts in zip(*chosen, strict=True)]
        if chosen and all(tags) and len(set(tags)) == len(runs):
            break
    return [clean_text(tag) for tag in tags]


def _sharing(groups: Sequence[Sequence[pl.Series]]) -> set[int]:
    """The indices of ``groups`` (each the prompt-id columns of one run's files) that have a
    prompt id in common with another group."""
    given = [(i, series) for i, series in enumerate(groups) if series]
    if len(given) < 2:
        return set()
    if sum(len(column) for _i, series in given for column in series) <= _FEW_IDS:
        # A few thousand ids (a followed folder's files, their distinct ids kept): looked at in
        # Python, where the query's frames, concatenation and filter cost ~0.6 ms on every
        # followed update whatever the ids. Equal strings are equal ids either way, and a null
        # id is one value (``is_duplicated`` counts two nulls as a duplicate too).
        first: dict[str | None, int] = {}
        sharing: set[int] = set()
        for i, series in given:
            for column in series:
                for value in column.to_list():
                    j = first.setdefault(value, i)
                    if j != i:
                        sharing.update((i, j))
        return sharing
    # An explicit schema: a group of empty id columns made a frame of Null columns (its group
    # too, broadcast over no rows) that would not stack with the others' (SchemaError).
    schema = {"prompt_id": pl.String, "group": pl.Int64}
    ids = [
        pl.DataFrame({"prompt_id": pl.concat(series).unique(), "group": i}, schema=schema)
        for i, series in enumerate(groups)
        if series
    ]
    if len(ids) < 2:
        return set()
    both = pl.concat(ids).filter(pl.col("prompt_id").is_duplicated())
    return set(both.get_column("group").unique().to_list())


#: Up to this many prompt ids in all, :func:`_sharing` looks at them in Python.
_FEW_IDS = 4096

Prompts = pl.Series | None
"""A file's ``prompt_id`` column (or its distinct values: only which ids are there counts),
given for a file whose :attr:`RunIdentity.name` is set (its format's file names do not say what
was evaluated); None for others."""


def run_tags(
    files: Sequence[tuple[RunIdentity | None, str]], prompts: Sequence[Prompts] | None = None
) -> dict[tuple[str, str, str], str]:
    """(label, run key, folder) -> the tag its label needs, for runs that must be told apart.

    ``files`` are (identity, source) of the files that gave rows, ``prompts`` (when given, one
    per file) their prompt ids where their format's file names tell no task. One run is one key
    in one folder (every format here writes a run's files into one folder): a copy of a run in
    another folder is a run of its own, never extra samples of the same prompts. Runs of one
    label are told apart when they share a task, or a prompt (runs whose prompts are known).
    """
    groups: dict[str, dict[tuple[str, str], _Run]] = {}
    for i, (identity, source) in enumerate(files):
        if identity is None:
            continue
        folder = _folder(source, identity.depth)
        runs = groups.setdefault(identity.label, {})
        run = runs.setdefault((identity.key, folder), _Run(identity.key, folder, identity.started))
        run.started = run.started or identity.started
        run.tasks.add(identity.task)
        ids = None if prompts is None else prompts[i]
        if ids is not None:
            run.prompts.append(ids)
    tags: dict[tuple[str, str, str], str] = {}
    for label, runs in groups.items():
        if len(runs) < 2:
            continue
        listed = list(runs.values())
        common = _sharing([run.prompts for run in listed])
        apart = [
            run
            for i, run in enumerate(listed)
            if i in common or any(run.tasks & other.tasks for other in listed if other is not run)
        ]
        if len(apart) < 2:
            continue
        for run, tag in zip(apart, _tags(apart), strict=True):
            tags[(label, run.key, run.folder)] = tag
    return tags


RunKey = tuple[str, str, str, str | None]
"""(reader's label, run key, folder, file's run name): the files that get one label."""


def run_key(identity: RunIdentity, source: str) -> RunKey:
    """The key of :func:`run_labels` for a file of ``identity`` at ``source``."""
    return identity.label, identity.key, _folder(source, identity.depth), identity.name


_ATTACHED_NUMBER = re.compile(r"(?P<name>.*\D)\d+")


def _same_names(names: set[str]) -> dict[str, str]:
    """Names of one folder's files that are another of them with a number attached (``out2``
    beside ``out``: a second pass written next to the first) -> that name. A number attached to
    a name is otherwise the name's own (``llama2`` and ``llama3``, ``qwen2`` and ``qwen3`` are
    models), unlike one after a separator (:func:`evaltui.data.formats.plain.run_name`)."""
    same: dict[str, str] = {}
    for name in names:
        match = _ATTACHED_NUMBER.fullmatch(name)
        if match is not None and match["name"] in names:
            same[name] = match["name"]
    return same


def _named(
    files: Sequence[tuple[RunIdentity | None, str, Prompts]],
) -> list[RunIdentity | None]:
    """Each file's identity, made its own name's run where the files of its run (one key in one
    folder) have other names and those evaluated common prompts (one file per model in one
    folder); files of other names that share no prompt (one model's tasks) stay one run."""
    named: list[tuple[tuple[str, str, str], str] | None] = []
    given: dict[tuple[str, str, str], set[str]] = {}
    for identity, source, prompts in files:
        if identity is None or identity.name is None or prompts is None:
            named.append(None)
            continue
        run = identity.label, identity.key, _folder(source, identity.depth)
        named.append((run, identity.name))
        given.setdefault(run, set()).add(identity.name)
    if all(len(names) < 2 for names in given.values()):
        return [identity for identity, _source, _prompts in files]
    same = {run: _same_names(names) for run, names in given.items()}
    by_name: dict[tuple[str, str, str], dict[str, list[pl.Series]]] = {}
    for i, ((_identity, _source, prompts), file) in enumerate(zip(files, named, strict=True)):
        if file is not None and prompts is not None:
            run, name = file
            name = same[run].get(name, name)
            named[i] = (run, name)
            by_name.setdefault(run, {}).setdefault(name, []).append(prompts)
    split = {
        run for run, names in by_name.items() if len(names) > 1 and _sharing(list(names.values()))
    }
    out: list[RunIdentity | None] = []
    for (identity, _source, _prompts), file in zip(files, named, strict=True):
        if identity is None or file is None or file[0] not in split:
            out.append(identity)
            continue
        name = file[1]
        out.append(
            replace(
                identity,
                # a bare number (``0.jsonl`` beside ``model.jsonl``) keeps the folder's label
                label=clean_text(name) or identity.label,
                key=f"{identity.key}/{name}",
            )
        )
    return out


def run_labels(files: Sequence[tuple[RunIdentity | None, str, Prompts]]) -> dict[RunKey, str]:
    """(:func:`run_key`) -> the label the files of that key get in place of their reader's, for
    those whose label changes: separate runs that share a label told apart (``model @ <tag>``),
    files of one folder named after their models labelled by their names (:func:`_named`).

    ``files`` are (identity, source, prompt ids: see :data:`Prompts`) of the files that gave
    rows. Made from every file loaded after reading, so the rows cached per file never depend
    on what else is loaded, and a follow relabels as a fresh load labels.
    """
    named = _named(files)
    tags = run_tags(
        [(identity, source) for identity, (_old, source, _p) in zip(named, files, strict=True)],
        # A harness's runs of one folder per dataset are told apart by their datasets (tasks):
        # their prompts only tell folders that are models, not datasets, apart (_named).
        [None if old and old.depth else prompts for old, _source, prompts in files],
    )
    labels: dict[RunKey, str] = {}
    for identity, (old, source, _prompts) in zip(named, files, strict=True):
        if identity is None or old is None:
            continue
        tag = tags.get((identity.label, identity.key, _folder(source, identity.depth)))
        label = identity.label + (TAG_SEPARATOR + tag if tag else "")
        if label != old.label:
            labels[run_key(old, source)] = label
    return labels


def retag(
    frame: pl.DataFrame, identity: RunIdentity, old: str | None, new: str | None
) -> pl.DataFrame:
    """``frame`` (one file's rows) with its label ``old`` (None: the reader's,
    ``identity.label``) replaced by ``new`` (None: the reader's), keeping whatever follows the
    label (``· strict-match``, ``· step 50``)."""
    current = old or identity.label
    target = new or identity.label
    if current == target or not frame.height:
        return frame
    run = pl.col("run")
    frame = frame.with_columns(
        pl.when((run == current) | run.str.starts_with(current + PART_SEPARATOR))
        .then(pl.lit(target) + run.str.strip_prefix(current))
        .otherwise(run)
        .alias("run")
    )
    was, now = folder_is_run(identity, old), folder_is_run(identity, new)
    if was == now or identity.name is None:
        return frame
    # A folder that is a model's run, not a dataset (_named): its prompt ids lose the folder
    # (``<model folder>:0`` -> ``0``), so two models' runs of one dataset join prompt by prompt.
    folder = identity.name + ":"
    ids = pl.col("prompt_id")
    return frame.with_columns(
        (ids.str.strip_prefix(folder) if now else pl.lit(folder) + ids).alias("prompt_id")
    )


def folder_is_run(identity: RunIdentity, label: str | None) -> bool:
    """Whether ``label`` is the one :func:`_named` gives a file of a format of one folder per
    dataset (``depth``) whose folder is a run of its own: the folder's name (and a tag)."""
    if not identity.depth or identity.name is None or label is None:
        return False
    name = clean_text(identity.name)
    if not name or name == identity.label:
        return False
    return label == name or label.startswith(name + TAG_SEPARATOR)


def file_prompts(frame: pl.DataFrame, identity: RunIdentity | None) -> Prompts:
    """What :func:`run_labels` needs of a file's rows: its prompt ids when its format's file
    names may name a run (:attr:`RunIdentity.name`), else None; for a format of one folder per
    dataset (``depth``), the ids without the folder, with the prompt text."""
    if identity is None or identity.name is None:
        return None
    if identity.depth:
        # One folder per dataset, named in the prompt id (``aime24:0``): the folders of one run
        # never share one. Folders that are models (each one file of the same problems) are
        # seen by the rest of the id and the prompt text (two datasets may both have an idx 0).
        ids = pl.col("prompt_id").str.strip_prefix(identity.name + ":")
        return frame.select(pl.concat_str(ids, pl.col("prompt"), separator="\n")).to_series()
    return frame.get_column("prompt_id")


def label_runs(
    files: Sequence[tuple[pl.DataFrame, RunIdentity | None, str]],
) -> list[pl.DataFrame]:
    """The frames of ``files`` (frame, its file's run identity, its source), with the labels of
    separate runs that share a label told apart (``model @ <tag>``, before any ``· filter``)
    and files named after their models in one folder labelled by their names."""
    labels = run_labels(
        [
            (identity, source, file_prompts(frame, identity))
            for frame, identity, source in files
            if frame.height
        ]
    )
    return [
        retag(frame, identity, None, labels.get(run_key(identity, source)))
        if identity is not None
        else frame
        for frame, identity, source in files
    ]


#: Runs an error message names before counting the rest ("… and 90 more").
LISTED_RUNS = 10


def listed_runs(runs: Sequence[str], most: int = LISTED_RUNS) -> str:
    """``'a', 'b', … and 90 more``: the first ``most`` runs quoted, the rest counted (a message
    listing 100 verl steps' runs was one 3,500-character line)."""
    # One safe line each (a label can hold escape sequences), quoted as it reads: repr()
    # doubled a backslash, and the label typed back from the message named no run. Its line
    # breaks and tabs visible, as every other message shows them: a folder 'new\nline' was
    # listed 'new line', a run no name typed back found.
    shown = ", ".join(f"'{one_line_middle(r, 200)}'" for r in runs[:most])
    return shown + (f" and {len(runs) - most:,} more" if len(runs) > most else "")


def resolve_run(runs: Sequence[str], name: str) -> str:
    """The run ``name`` names: its exact label, else the one label that contains ``name``
    (case-insensitive: ``--runs 16-04 18-15`` for two runs of one model told apart by start
    time), else of several, the one that holds it as whole words (``step 10`` among ``… step
    10``, ``… step 100``). Raises ValueError naming the candidates when none or several match.

    ``name`` as a label holds it: a folder's undecodable byte, passed as the shell has it
    (``--run "$(basename "$d")"``), reaches Python as ``\\udcff`` and labels hold ``\\xff``.
    A label is also named as an ASCII standard error writes it (:func:`written_label`):
    ``'openai/o1-mini - winrate'``, typed back from a message, named no run; a folder's
    ``run≥1 é`` is ``run\\u22651 \\xe9`` there. And as every table and message shows it
    (:func:`name_line`): a folder ``new\\nline``'s run is ``new␊line`` on screen, and that,
    typed back, named no run."""
    name = clean_text(name)
    if name in runs:
        return name
    wanted = name.casefold()
    forms = {
        run: {
            form.casefold()
            for shown in (run, name_line(run))
            for form in (shown, written_label(shown, "ascii"))
        }
        for run in runs
    }
    matches = [run for run in runs if any(wanted in form for form in forms[run])]
    if len(matches) == 1:
        return matches[0]
    whole = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
    words = [run for run in matches if any(whole.search(form) for form in forms[run])]
    if len(words) == 1:
        return words[0]
    if matches:
        listed = listed_runs(matches)
        raise ValueError(f"{name!r} matches {len(matches)} runs ({listed}): say which")
    raise ValueError(f"no run {name!r} (runs: {listed_runs(sorted(runs))})")
