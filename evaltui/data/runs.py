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

This works on the frames after reading, so the rows cached per file never depend on what else
is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import polars as pl

from evaltui.data.formats.base import RunIdentity
from evaltui.data.sanitize import one_line
from evaltui.data.schema import clean_text

#: Between a label and what tells its runs apart.
TAG_SEPARATOR = " @ "
#: Between a run label and a filter or metric name that follows it (``model · strict-match``).
PART_SEPARATOR = " · "


@dataclass(slots=True)
class _Run:
    key: str
    folder: str
    started: str
    tasks: set[str] = field(default_factory=set)


def _folder(source: str, depth: int = 0) -> str:
    """The run's folder: the file's, or ``depth`` above it (see RunIdentity.depth)."""
    folder = PurePosixPath(source.replace("\\", "/")).parent
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


def run_tags(files: Sequence[tuple[RunIdentity | None, str]]) -> dict[tuple[str, str, str], str]:
    """(label, run key, folder) -> the tag its label needs, for runs that must be told apart.

    ``files`` are (identity, source) of the files that gave rows. One run is one key in one
    folder (every format here writes a run's files into one folder): a copy of a run in another
    folder is a run of its own, never extra samples of the same prompts.
    """
    groups: dict[str, dict[tuple[str, str], _Run]] = {}
    for identity, source in files:
        if identity is None:
            continue
        folder = _folder(source, identity.depth)
        runs = groups.setdefault(identity.label, {})
        run = runs.setdefault((identity.key, folder), _Run(identity.key, folder, identity.started))
        run.started = run.started or identity.started
        run.tasks.add(identity.task)
    tags: dict[tuple[str, str, str], str] = {}
    for label, runs in groups.items():
        if len(runs) < 2:
            continue
        apart = [
            run
            for run in runs.values()
            if any(run.tasks & other.tasks for other in runs.values() if other is not run)
        ]
        if len(apart) < 2:
            continue
        for run, tag in zip(apart, _tags(apart), strict=True):
            tags[(label, run.key, run.folder)] = tag
    return tags


def run_key(identity: RunIdentity, source: str) -> tuple[str, str, str]:
    """The key of :func:`run_tags` for a file of ``identity`` at ``source``."""
    return identity.label, identity.key, _folder(source, identity.depth)


def retag(
    frame: pl.DataFrame, identity: RunIdentity, old: str | None, new: str | None
) -> pl.DataFrame:
    """``frame`` (one file's rows) with its label's tag ``old`` replaced by ``new`` (None: no
    tag), keeping whatever follows the label (``· strict-match``)."""
    if old == new or not frame.height:
        return frame
    current = identity.label + (TAG_SEPARATOR + old if old else "")
    target = identity.label + (TAG_SEPARATOR + new if new else "")
    run = pl.col("run")
    return frame.with_columns(
        pl.when((run == current) | run.str.starts_with(current + PART_SEPARATOR))
        .then(pl.lit(target) + run.str.strip_prefix(current))
        .otherwise(run)
        .alias("run")
    )


def label_runs(
    files: Sequence[tuple[pl.DataFrame, RunIdentity | None, str]],
) -> list[pl.DataFrame]:
    """The frames of ``files`` (frame, its file's run identity, its source), with the labels of
    separate runs that share a label told apart (``model @ <tag>``, before any ``· filter``)."""
    tags = run_tags([(identity, source) for frame, identity, source in files if frame.height])
    return [
        retag(frame, identity, None, tags.get(run_key(identity, source)))
        if identity is not None
        else frame
        for frame, identity, source in files
    ]


#: Runs an error message names before counting the rest ("… and 90 more").
LISTED_RUNS = 10


def listed_runs(runs: Sequence[str], most: int = LISTED_RUNS) -> str:
    """``'a', 'b', … and 90 more``: the first ``most`` runs quoted, the rest counted (a message
    listing 100 verl steps' runs was one 3,500-character line)."""
    # One safe line each (a label can hold escape sequences), quoted.
    shown = ", ".join(repr(one_line(r, 200)) for r in runs[:most])
    return shown + (f" and {len(runs) - most:,} more" if len(runs) > most else "")


def resolve_run(runs: Sequence[str], name: str) -> str:
    """The run ``name`` names: its exact label, else the one label that contains ``name``
    (case-insensitive: ``--runs 16-04 18-15`` for two runs of one model told apart by start
    time), else of several, the one that holds it as whole words (``step 10`` among ``… step
    10``, ``… step 100``). Raises ValueError naming the candidates when none or several match."""
    if name in runs:
        return name
    wanted = name.casefold()
    matches = [run for run in runs if wanted in run.casefold()]
    if len(matches) == 1:
        return matches[0]
    whole = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
    words = [run for run in matches if whole.search(run.casefold())]
    if len(words) == 1:
        return words[0]
    if matches:
        listed = listed_runs(matches)
        raise ValueError(f"{name!r} matches {len(matches)} runs ({listed}): say which")
    raise ValueError(f"no run {name!r} (runs: {listed_runs(sorted(runs))})")
