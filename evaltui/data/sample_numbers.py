"""How the generations of one prompt are numbered and told apart where they are listed.

A generation's ``sample`` is its reader's number for it within its record or file: Inspect's
epoch less one, the index of an lm-eval repeat in ``resps[0]``, of a SkyThought response, of an
OpenCompass replica; the loader numbers the others in order. Files of one run that hold the same
prompt each number theirs from 0 -- two Inspect logs read under one ``--label``, lm-eval output
folders pooled so, a run's shards -- so the two epochs of one Inspect sample in two logs both
read ``#0`` (and ``#1``), told apart only by their scores. Here each run's generations of the
prompt get a number of their own, distinct within the run, and what tells them apart: the
format's own word for the sample (``epoch 2``), the file when they come from several, the line
when that is not enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

#: Formats (reader names) that name a prompt's samples themselves, and the first one's number
#: in their words: Inspect's ``epoch`` counts from 1 (``sample`` = epoch - 1), lm-eval's
#: ``repeats: k`` gives k responses in ``resps[0]``, the first repeat 1.
SAMPLE_WORDS: dict[str, tuple[str, int]] = {"inspect": ("epoch", 1), "lm_eval": ("repeat", 1)}


@dataclass(frozen=True, slots=True)
class SampleName:
    """One listed generation's number and what tells it apart from its run's others."""

    number: int
    """Distinct among its run's generations of the prompt: its ``sample`` where those are
    distinct, else its place among them (by file, then sample, then line)."""
    word: str | None = None
    """The format's own name for it (``epoch 2``, ``repeat 3``), when the format has one and
    the run has several generations of the prompt."""
    source: str | None = None
    """Its file, when the run's generations of the prompt come from several."""
    line: int | None = None
    """Its line, when its file and sample do not tell it apart."""

    def parts(self) -> list[str]:
        """What tells it apart, in words (the file as its source names it: untrusted text)."""
        parts = [] if self.word is None else [self.word]
        if self.source is not None:
            parts.append(self.source)
        if self.line is not None:
            parts.append(f"line {self.line}")
        return parts


def sample_order(gens: pl.DataFrame) -> pl.DataFrame:
    """A prompt's generations (one or more runs) in the order they are listed: run by run as
    they come, each run's in sample order, and where its samples repeat (several files) file
    by file, each file's in sample order."""
    if not gens.height:
        return gens
    runs = gens["run"].unique(maintain_order=True).to_list()
    parts = []
    for run in runs:
        mine = gens.filter(pl.col("run") == run)
        if mine["sample"].n_unique() < mine.height:
            mine = mine.sort("source", "sample", "line", maintain_order=True, nulls_last=True)
        else:
            mine = mine.sort("sample", maintain_order=True, nulls_last=True)
        parts.append(mine)
    return pl.concat(parts)


def sample_names(gens: pl.DataFrame, formats: Mapping[str, str | None]) -> list[SampleName]:
    """Each of a prompt's generations (columns ``run``, ``source``, ``line``, ``sample``; in
    the order listed, :func:`sample_order`) named: see :class:`SampleName`. ``formats``: the
    reader of each source (``FileReport.format``)."""
    rows = gens.select("run", "source", "line", "sample").rows()
    by_run: dict[str, list[int]] = {}
    for index, (run, *_rest) in enumerate(rows):
        by_run.setdefault(run, []).append(index)
    names: list[SampleName | None] = [None] * len(rows)
    for indices in by_run.values():
        mine = [rows[i] for i in indices]
        samples = [sample for _run, _source, _line, sample in mine]
        distinct = len(set(samples)) == len(samples)
        several_files = len({source for _run, source, _line, _sample in mine}) > 1
        in_files = [(source, sample) for _run, source, _line, sample in mine]
        lines_needed = len(set(in_files)) < len(in_files)
        for place, (i, (_run, source, line, sample)) in enumerate(zip(indices, mine, strict=True)):
            word = None
            named = SAMPLE_WORDS.get(formats.get(source) or "")
            # Inspect's epochs always by their number (the list's #0 is epoch 1); the formats
            # whose sample is its place in the record (lm-eval's repeats) when the number is
            # not that place.
            if (
                named is not None
                and len(mine) > 1
                and sample is not None
                and (named[0] == "epoch" or not distinct)
            ):
                word = f"{named[0]} {sample + named[1]}"
            names[i] = SampleName(
                number=sample if distinct and sample is not None else place,
                word=word,
                source=source if several_files else None,
                line=line if lines_needed else None,
            )
    return [name for name in names if name is not None]
