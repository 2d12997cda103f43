"""A load's notes said once per kind: a note a reader makes about each of 100 files (verl's 100
step files, each "scored by 'acc'; its records also have 'score'") is one note naming how many
files and the first few, not 100 lines.

Readers write a note about a file as ``"<source>: <what>"``. Notes whose ``<what>`` is the same
(numbers aside: "none of its 64 records…" and "none of its 80 records…" are one kind) are folded;
every other note (the options', the tokenizer's, a note naming two files) is said as it is. The
headless end summary, the other commands' reports and the app (its header's count, the notes
screen, the follow toasts) all say the notes through :func:`fold_notes`; the per-file notes stay
in the :class:`NoteGroup` for whoever lists them (the app's notes screen lists the files).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evaltui.data.sanitize import name_line
from evaltui.data.wording import plural

#: Files named in a folded note; the rest are counted ("and 97 more").
NAMED = 3

#: A number in a note (``1,234``, ``0.5``): notes that differ only in their numbers are one kind
#: (the problems screen groups reasons the same way).
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class NoteGroup:
    """One kind of note: said once (:attr:`text`), about the files in :attr:`sources`."""

    text: str
    """The note as said once: the note itself for one file (or no file), else
    ``"100 files: <what> (in a, b, c and 97 more)"``."""
    sources: tuple[str, ...] = ()
    """The files it is about, in the order their notes came (empty: a note about the load)."""
    notes: tuple[str, ...] = ()
    """Each file's own note, in that order (one each)."""

    @property
    def same_text(self) -> bool:
        """True when every file's note says the same (only the file differs), so the files
        alone say it all; else each file's note has its own numbers."""
        whats = {
            note[len(source) + 2 :] for source, note in zip(self.sources, self.notes, strict=True)
        }
        return len(whats) <= 1


def split_note(note: str, sources: set[str]) -> tuple[str, str] | None:
    """``(source, what)`` when ``note`` is ``"<source>: <what>"`` for a known source (the longest
    one, as a source may hold ': ' itself), else None."""
    found: tuple[str, str] | None = None
    start = 0
    while (at := note.find(": ", start)) != -1:
        if note[:at] in sources:
            found = (note[:at], note[at + 2 :])
        start = at + 1
    return found


def fold_notes(notes: Sequence[str], sources: Iterable[str]) -> list[NoteGroup]:
    """``notes`` with each kind said once, in the order each kind was first said. ``sources``:
    the load's files (a note starting with one of them and ': ' is about that file)."""
    known = set(sources)
    groups: dict[str, list[tuple[str, str, str]]] = {}
    order: list[str] = []
    for index, note in enumerate(notes):
        split = split_note(note, known) if known else None
        # A note about no known file is its own kind (an exact repeat is said once).
        key = f"\0{note}" if split is None else NUMBER.sub("#", split[1])
        if split is None:
            split = ("", note)
        elif key in groups and any(s == split[0] for s, _, _ in groups[key]):
            key = f"{key}\0{index}"  # two notes of one kind about one file: both said
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((split[0], split[1], note))
    folded: list[NoteGroup] = []
    for key in order:
        members = groups[key]
        first_source, first_what, first_note = members[0]
        if not first_source:
            folded.append(NoteGroup(first_note))
            continue
        sources_in = tuple(source for source, _, _ in members)
        own = tuple(note for _, _, note in members)
        if len(members) == 1:
            folded.append(NoteGroup(first_note, sources_in, own))
            continue
        named = ", ".join(sources_in[:NAMED])
        rest = len(sources_in) - NAMED
        names = f"{named} and {rest:,} more" if rest > 0 else named
        if len({what for _, what, _ in members}) == 1:
            where = f"in {names}"
        else:
            where = f"as {first_source} says it, the others with their own numbers; in {names}"
        text = f"{plural(len(members), 'file')}: {first_what} ({where})"
        folded.append(NoteGroup(text, sources_in, own))
    return folded


def note_lines(groups: Sequence[NoteGroup], *, listed: int, limit: int) -> list[str]:
    """``groups`` for a screen that has room, each line safe to show (:func:`name_line` of at
    most ``limit`` cells: a note names files, folders and columns, whose newlines show as ␊,
    never folded to a space): each group's text, then under it (indented) the files it is about —
    each file's own note when their numbers differ — at most ``listed`` in all, the rest
    counted."""
    lines: list[str] = []
    left = listed
    for group in groups:
        lines.append(name_line(group.text, limit))
        if len(group.sources) < 2:
            continue
        items = group.sources if group.same_text else group.notes
        shown = items[: max(0, left)]
        left -= len(shown)
        lines.extend(f"  {name_line(item, limit - 2)}" for item in shown)
        if len(items) > len(shown):
            lines.append(f"  … and {len(items) - len(shown):,} more")
    return lines
