"""Make untrusted text (prompts, generations, answers, file names) safe to show in a terminal.

Control characters would otherwise reach the terminal through Textual/Rich (they pass ESC and NUL
through), so a model that emitted ``\\x1b[2J`` could clear or retitle the user's screen. Every C0
control (except newline and tab, which layout needs), DEL and every C1 control becomes a visible
symbol, and so do the invisible characters that reorder or hide text (bidi controls, zero-width
characters) and long runs of combining marks. The raw text is kept for export; this is applied at
the display boundary only — in the app and in headless output alike.
"""

from __future__ import annotations

import os
import re
import textwrap
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# C0 controls -> the Unicode "Control Pictures" block (U+2400 + code); DEL -> U+2421.
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"
# C1 controls (U+0080..U+009F) have no pictures: show them as a replacement char.
for _code in range(0x80, 0xA0):
    _TABLE[_code] = "\ufffd"
# Every other format character (Unicode category Cf) is invisible or changes how the text around
# it reads: bidi marks, embeddings, overrides and isolates (a "Trojan Source" label), zero-width
# space and non-joiner, word joiner, soft hyphen, byte-order mark, the invisible math operators,
# the combining grapheme joiner (Mn, but invisible), the Arabic and Kaithi number signs, and the tag
# characters (which spell hidden ASCII: prompt-injection text smuggled past a reader). They would
# misalign table rows or make a label read as something else: each shows as one U+FFFD. Line and
# paragraph separators too. The Cf list is Unicode 14's (Python 3.11), spelled out so the polars
# path replaces the same characters; the tag block is taken whole (unassigned ones included).
# One exception, since it shapes visible text: a zero-width joiner between two emoji (a family,
# a rainbow flag) is kept, and the sequence takes the cells of one emoji, as Rich and terminals
# count it; anywhere else it is replaced (Rich would count "a<ZWJ>b" as one cell).
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE007F),
)
for _first, _last in _INVISIBLE_RANGES:
    for _code in range(_first, _last + 1):
        _TABLE[_code] = "\ufffd"
_ZWJ = "\u200d"
#: polars replaces every zero-width joiner; rows holding one are not one-cell text, so they are
#: folded again in Python, which keeps the joiners inside emoji sequences.
_EXPR_TABLE = dict(_TABLE)
del _TABLE[0x200D]

# Emoji a joiner may join (Extended_Pictographic, roughly: the symbol and pictograph blocks).
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf"
    "\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_LONE_ZWJ = re.compile(f"(?<![{_EMOJI}\ufe0f]){_ZWJ}|{_ZWJ}(?![{_EMOJI}])")


def _joiners(text: str) -> str:
    return _LONE_ZWJ.sub("\ufffd", text) if _ZWJ in text else text


_MULTILINE = dict(_TABLE)
del _MULTILINE[0x0A]  # newline
del _MULTILINE[0x09]  # tab

# Unicode White_Space, spelled out: Python's \s also matches \x1c-\x1f and Rust's (polars) does
# not, and both implementations of one_line must fold the same characters.
_WS_PATTERN = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
_WS = re.compile(_WS_PATTERN)


# Combining marks stack on the character before them: a few are ordinary (diacritics, Vietnamese
# tones); a long run ("Zalgo" text) paints over neighbouring rows. A run of four or more keeps its
# first two and shows the rest as one U+FFFD. Same pattern for Python and polars (Rust regex).
_MARKS = "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_MARK_RUN_PATTERN = f"({_MARKS}{{2}}){_MARKS}{{2,}}"
_MARK_RUN = re.compile(_MARK_RUN_PATTERN)


# A variation selector picks one glyph of the character before it (text or emoji style); a run of
# them selects nothing and can carry hidden bytes (one per selector, 256 of them) after an
# emoji. The first is kept, the rest of the run shows as one U+FFFD. Same for polars.
_SELECTORS = "[\ufe00-\ufe0f\U000e0100-\U000e01ef]"
_SELECTOR_RUN_PATTERN = f"({_SELECTORS}){_SELECTORS}+"
_SELECTOR_RUN = re.compile(_SELECTOR_RUN_PATTERN)


def _marks(text: str) -> str:
    return _SELECTOR_RUN.sub("\\1\ufffd", _MARK_RUN.sub("\\1\ufffd", text))


def visible(text: str, *, multiline: bool = True) -> str:
    """Return ``text`` with control characters replaced by visible symbols.

    With ``multiline=True`` newlines and tabs are kept (for scrollable text views); CR becomes
    ``␍`` so a ``\\r`` cannot move the cursor back over what was drawn.
    """
    return _marks(_joiners(text.translate(_MULTILINE if multiline else _TABLE)))


#: Every character below U+0300 takes one terminal cell (controls are made visible first); above
#: it, CJK and most emoji take two and combining marks none.
_ONE_CELL_PATTERN = "^[\x00-\u02ff]*$"
_ONE_CELL = re.compile(_ONE_CELL_PATTERN)


@lru_cache(maxsize=4096)
def _char_cells(char: str) -> int:
    if char < "\u0300":
        return 1
    if unicodedata.category(char) in ("Mn", "Me", "Mc", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: two for CJK and emoji, none for combining marks (as Rich
    and terminals count them, up to Unicode-version differences in rare symbols)."""
    if _ONE_CELL.match(text):
        return len(text)
    if _ZWJ in text:
        return sum(cells for _, cells in _clusters(text))
    return sum(_char_cells(char) for char in text)


def _clusters(text: str) -> list[tuple[int, int]]:
    """Where each cut may fall in ``text``, and the cells before the next: after each character,
    but not inside an emoji joined by zero-width joiners (which takes its first emoji's cells)."""
    clusters = []
    index = 0
    while index < len(text):
        start = index
        index += 1
        while text[index : index + 1] == _ZWJ:
            index += 2
        clusters.append((start, _char_cells(text[start])))
    return clusters


def first_fitting(wordings: Iterable[str], cells: int) -> str:
    """The first of ``wordings`` (longest first) that fits in ``cells`` terminal cells; the last
    (the shortest) when none does, "" when there is none. Lazy: the wordings after the first
    that fits are not made."""
    text = ""
    for text in wordings:
        if cell_width(text) <= cells:
            break
    return text


def leading_parts(parts: list[str], cells: int, separator: str = " · ") -> int:
    """How many of ``parts``, from the first, fit in ``cells`` terminal cells joined by
    ``separator``: at least one (a first part too long is still the line's first)."""
    count = 1
    while count < len(parts) and cell_width(separator.join(parts[: count + 1])) <= cells:
        count += 1
    return count


def head_cells(text: str, cells: int) -> str:
    """The longest start of ``text`` that fits in ``cells`` terminal cells."""
    if _ONE_CELL.match(text):
        return text[:cells]
    taken = 0
    if _ZWJ in text:
        for index, width in _clusters(text):
            taken += width
            if taken > cells:
                return text[:index]
        return text
    for index, char in enumerate(text):
        taken += _char_cells(char)
        if taken > cells:
            return text[:index]
    return text


def tail_cells(text: str, cells: int) -> str:
    """The longest end of ``text`` that fits in ``cells`` terminal cells."""
    if _ZWJ in text:
        taken = 0
        for index, width in reversed(_clusters(text)):
            taken += width
            if taken > cells:
                return text[_next_cluster(text, index) :]
        return text
    return head_cells(text[::-1], cells)[::-1]


def _next_cluster(text: str, index: int) -> int:
    """Where the cluster after the one starting at ``index`` starts."""
    index += 1
    while text[index : index + 1] == _ZWJ:
        index += 2
    return min(index, len(text))


def pad_cells(text: str, cells: int) -> str:
    """``text`` with spaces after it up to ``cells`` terminal cells (``str.ljust`` in cells)."""
    return text + " " * max(0, cells - cell_width(text))


def wrap_cells(
    text: str,
    width: int,
    subsequent_indent: str = "",
    *,
    break_long_words: bool = True,
    break_on_hyphens: bool = True,
) -> list[str]:
    """``textwrap.wrap`` in terminal cells: ``text`` (one line) in lines of at most ``width``
    cells, broken at its spaces, lines after the first starting with ``subsequent_indent``.
    textwrap counts characters: a line of CJK labels or emoji took up to twice its width, one
    with combining marks broke early. Text of one cell per character is wrapped by textwrap
    itself (the same lines as before); other text alike, but a word wider than a line alone is
    cut after its last hyphen that fits (``break_on_hyphens``), else where the cells run out
    (``break_long_words``; else it is left whole)."""
    if cell_width(text) == len(text) and cell_width(subsequent_indent) == len(subsequent_indent):
        return textwrap.wrap(
            text,
            width,
            subsequent_indent=subsequent_indent,
            break_long_words=break_long_words,
            break_on_hyphens=break_on_hyphens,
        )
    lines: list[str] = []
    line = ""
    for word in text.split():
        lead = subsequent_indent if lines else ""
        if line and cell_width(f"{line} {word}") <= width:
            line = f"{line} {word}"
            continue
        if line:
            lines.append(line)
            lead = subsequent_indent
        line = lead + word
        while break_long_words and cell_width(line) > width:
            head = head_cells(line, width)
            if cell_width(head) <= cell_width(lead):  # not one more character fits
                break
            hyphen = head.rfind("-", len(lead) + 1) if break_on_hyphens else -1
            if hyphen > 0:  # as textwrap breaks a long word: after one of its hyphens
                head = head[: hyphen + 1]
            lines.append(head)
            line = subsequent_indent + line[len(head) :]
    if line:
        lines.append(line)
    return lines


def one_line(text: str | None, limit: int = 200, mark: str = "…") -> str:
    """A single display line of at most ``limit`` terminal cells: whitespace runs folded to one
    space, controls made visible, cut with ``mark`` (:func:`cut_mark` for a stream)."""
    if not text:
        return ""
    # Fold only the head: a 2 MB single-line generation must not be processed whole for a cell.
    head = text[: limit * 4]
    folded = _fold(head)
    if len(text) > len(head) or cell_width(folded) > limit:
        return head_cells(folded, max(limit - cell_width(mark), 0)) + mark
    return folded


#: The typographic characters evaltui writes in its own text (cuts, arrows, ranges, signs,
#: separators), and what a stream whose encoding lacks them writes instead: Python's
#: backslashreplace wrote each as ``\\u2192``, six cells read as part of the text
#: ('deepseek \\u2192 qwen', 'run \\xd7 prompt'). Any other character keeps its escape, and
#: a file's text, escaped where it is laid out (:func:`as_written`), keeps its own.
PLAIN_GLYPHS: dict[str, str] = {
    "\u2026": "...",  # …
    "\u2192": "->",  # →
    "\u2190": "<-",  # ←
    "\u2013": "-",  # –
    "\u2014": "--",  # —
    "\u2212": "-",  # −
    "\u00d7": "x",  # ×
    "\u2265": ">=",  # ≥
    "\u2264": "<=",  # ≤
    "\u00b7": "-",  # ·
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u2191": "^",  # ↑
    "\u2193": "v",  # ↓
    "\u03c4": "t",  # τ
    "\u2308": "ceil(",  # ⌈
    "\u2309": ")",  # ⌉
    "\u2713": "yes",  # ✓
    "\u2717": "no",  # ✗
}


@lru_cache(maxsize=16)
def _plain_table(encoding: str) -> dict[int, str]:
    table: dict[int, str] = {}
    for glyph, plain in PLAIN_GLYPHS.items():
        try:
            glyph.encode(encoding)
        except UnicodeEncodeError:
            table[ord(glyph)] = plain
        except LookupError:
            return {}
    return table


def plain_glyphs(text: str, encoding: str | None) -> str:
    """``text`` with the glyphs of :data:`PLAIN_GLYPHS` that ``encoding`` lacks written in ASCII
    (``→`` as ``->``), as evaltui writes text on a stream in that encoding; None (UTF-8): as it
    is."""
    if encoding is None or text.isascii():
        return text
    return text.translate(_plain_table(encoding))


#: Between a run's label and what tells it from other runs of that label (``Qwen/Qwen3-8B @
#: 2026-07-08T16-04-34.219874``: :mod:`evaltui.data.runs`); what is before it is the model.
TAG_SEPARATOR = " @ "

#: What evaltui joins a run label's parts with (``openai/o1-mini · winrate``: a model and its
#: scorer; :data:`evaltui.data.runs.PART_SEPARATOR`): its own text, the parts the input's.
LABEL_SEPARATOR = " · "


def written_label(label: str, encoding: str | None) -> str:
    """A run label as a stream in ``encoding`` writes it: each part (a model's, a folder's, a
    scorer's name: input) escaped as :func:`as_written` escapes a file's text, and the
    :data:`LABEL_SEPARATOR` evaltui joined them with in its plain glyphs (``openai/o1-mini -
    winrate``; a folder ``run≥1 é`` as ``run\\u22651 \\xe9``, as every other message writes it,
    not ``run>=1 \\xe9``, a folder that may exist too). None (UTF-8): as it is."""
    if encoding is None:
        return label
    separator = plain_glyphs(LABEL_SEPARATOR, encoding)
    return separator.join(as_written(part, encoding) for part in label.split(LABEL_SEPARATOR))


def written_apart(text: str, encoding: str | None, names: Iterable[str] = ()) -> str:
    """A message ``text`` as a stream in ``encoding`` writes it: evaltui's own glyphs in ASCII
    (:func:`plain_glyphs`), but the ``names`` from the input it holds (file and folder names,
    run labels' parts) escaped as :func:`as_written` escapes a file's text, so that a folder
    ``run≥1 é`` is ``run\\u22651 \\xe9`` in every message, never ``run>=1 \\xe9``. None
    (UTF-8): as it is."""
    if encoding is None or text.isascii():
        return text
    for name in sorted(names, key=len, reverse=True):
        if name in text:
            text = text.replace(name, as_written(name, encoding))
    return plain_glyphs(text, encoding)


def cut_mark(encoding: str | None) -> str:
    """The mark of a cut in text written in ``encoding``: ``…``, or ``...`` where the encoding
    lacks it (an ASCII standard output writes ``…`` as ``\\u2026``, six cells that read as
    part of the text)."""
    return plain_glyphs("…", encoding)


def as_written(text: str, encoding: str | None) -> str:
    """A file's ``text`` as a stream in ``encoding`` writes it, to be measured so: a character
    the encoding lacks as ``\\u6a21`` (backslashreplace, as Python's stderr and evaltui's
    standard output write it), escaped here so that it stays so (a prompt's own '×' is no glyph
    of evaltui's: :func:`plain_glyphs` leaves its ``\\xd7``). None: as it is (UTF-8 holds
    every character). On an ASCII standard output '模型' is 12 cells, not the 4 a layout
    measured it at."""
    if encoding is None:
        return text
    return text.encode(encoding, "backslashreplace").decode(encoding)


def _fold(head: str) -> str:
    return _marks(_joiners(_WS.sub(" ", head).strip(" ").translate(_TABLE)))


_NAME_CONTROLS = {code: chr(0x2400 + code) for code in range(0x20)}
_NAME_CONTROLS.update({code: _TABLE[code] for code in (0x85, 0x2028, 0x2029)})
"""Newline, tab and the other C0 controls as their pictures, before whitespace is folded; and
the line breaks that are no C0 control (NEL, LINE and PARAGRAPH SEPARATOR) as the ``�`` every
other text shows them as: folded to a space, ``a\\x85b`` read as a name ``a b``."""


def name_line(text: str, limit: int | None = None, mark: str = "…") -> str:
    """A run label or file name whole on one line, as :func:`one_line` shows text but with its
    newlines and tabs visible (``short␊line``): in a name they are part of it, and folded to a
    space a folder 'short\nline' read as a folder 'short line'.

    With ``limit``, cut at its end to that many cells (``mark`` marks the cut), as
    :func:`one_line` cuts: for a name in a list (a table's columns in a reason) and for a line
    of evaltui's own words naming names (a note, a score's description), whose newlines, tabs
    and carriage returns can only be the names' own."""
    if limit is None:
        return one_line(text.translate(_NAME_CONTROLS), max(len(text), 1) * 2)
    # Only the head is translated (one_line folds no more): a name is short, a note may not be.
    return one_line(text[: limit * 4 + 1].translate(_NAME_CONTROLS), limit, mark)


def id_line(text: str | None, limit: int, mark: str = "…") -> str:
    """A prompt id on one line of at most ``limit`` cells, shown as :func:`name_line` shows a
    name (``toy␊math:0``), but cut in its middle, its end the longer part: ids differ at their
    end (``<task>:<index>``, ``<dataset>_<split>:<n>``), and cut at their end the rows of a
    task all read ``negotiationtom_intentio…``; now ``negotiation…_intention:12``. Only the
    first and the last ``4 * limit`` characters are read (a hostile id may be megabytes).
    :func:`one_line_expr` with ``names`` makes the same cells."""
    text = text or ""
    window = limit * 4
    return _id_cut(text[:window], text[-window:], len(text) > window, limit, mark)


def _name_fold(text: str) -> str:
    return _fold(text.translate(_NAME_CONTROLS))


def _id_cut(head: str, tail: str, beyond: bool, limit: int, mark: str = "…") -> str:
    """:func:`id_line` of an id whose first and last characters are ``head`` and ``tail``,
    ``beyond`` when it is longer than either."""
    start = _name_fold(head)
    if not beyond and cell_width(start) <= limit:
        return start
    m = cell_width(mark)
    if limit <= m:
        return head_cells(mark, limit)
    kept = limit - m
    return head_cells(start, kept // 2) + mark + tail_cells(_name_fold(tail), kept - kept // 2)


def one_line_middle(text: str | None, limit: int = 40, mark: str = "…") -> str:
    """:func:`name_line`, but cut in the middle: run labels and file names differ at their ends.

    ``toy-org/scripted-model-2024-06-01`` and ``…-2024-06-02`` stay distinguishable at 24 cells
    (``toy-org/scr…2024-06-01``), where cutting from the right would make them read the same.
    ``mark``: what marks the cut (:func:`cut_mark` for a stream).
    """
    if not text:
        return ""
    folded = name_line(text)
    if cell_width(folded) <= limit:
        return folded
    m = cell_width(mark)
    if limit <= m:
        return mark[:limit]
    tail = (limit - m) // 2
    return _cut_at(folded, limit - m - tail, tail, mark)


def _cut_at(text: str, head: int, tail: int, mark: str) -> str:
    """``text``'s first ``head`` cells, ``mark``, its last ``tail`` cells; a ``' · '`` between a
    label's parts the cut falls in kept whole on the side it starts on (the tail then takes
    the head's cells): the mark glued to half of it read ``openai/o1-…· winrate``."""
    start, end = head_cells(text, head), tail_cells(text, tail)
    for at in (m.start() for m in re.finditer(re.escape(LABEL_SEPARATOR), text)):
        if at < len(text) - len(end) < at + len(LABEL_SEPARATOR) and at > 1:
            start = head_cells(text, max(0, head - cell_width(text[at:]) + cell_width(end)))
            end = text[at:]
        elif at < len(start) < at + len(LABEL_SEPARATOR):
            start = text[:at]
    return start + mark + end


def distinct_middle(labels: Iterable[str], limit: int, mark: str = "…") -> dict[str, str]:
    """Each label as :func:`one_line_middle` at ``limit`` cells, unless that makes two read the
    same; then every label is cut the same way, so they read alike and apart:

    - what every label starts with left out (``…``) and the rest cut in the middle (``val_gen…
      @ expA · step 50`` and ``… @ expB · step 100`` read ``…expA · step 50`` and ``…expB ·
      step 100``);
    - else every label cut at one same place, its head and tail as long for all, the place
      nearest the middle that tells them apart (``…B__temp0.6_topp0.95_n16`` beside
      ``…Qwen2.5-Math-72B-Instruct``: at 24 cells some read ``deepseek-ai_…topp0.95_n8``
      and others ``…B__temp0.6_topp0.95_n16``, two cut styles in one column);
    - else, when no one cut tells them apart (differences far from both ends), the labels
      that read the same show the part where they differ (``…T15:17:00-05:00`` and
      ``…T15:18:04-05:00``).

    Labels that read apart cut in their middle but with the word that tells them apart cut
    (``Qwen/Qwen2.5…4B-Instruct`` beside ``…2B-Instruct`` for 14B and 32B) keep that word
    whole, their org or folder left out first (:func:`_differences_kept`).

    ``mark``: what marks each cut (:func:`cut_mark` for a stream)."""
    m = cell_width(mark)
    full = {label: name_line(label) for label in labels}
    parts = _parts_kept(full, limit, mark)
    if parts is not None:
        return parts
    shown = {label: one_line_middle(label, limit, mark) for label in full}
    if len(set(shown.values())) == len(shown) or limit < 3 + m:
        kept = _differences_kept(full, shown, limit, mark)
        return shown if kept is None else kept
    kept = _differences_kept(full, None, limit, mark)
    if kept is not None:
        return kept
    start = len(os.path.commonprefix(list(full.values())))  # noqa: RUF071 (characters)
    begin = _word_start(next(iter(full.values()), ""), start)
    if begin > 0:
        rests = {label: text[begin:] for label, text in full.items()}
        cut = _one_cut(rests, limit - m, mark)
        if cut is not None:
            return {label: mark + text for label, text in cut.items()}
    cut = _one_cut(full, limit, mark)
    if cut is not None:
        return cut
    groups: dict[str, list[str]] = {}
    for label, text in shown.items():
        groups.setdefault(text, []).append(label)
    apart = _apart_by_group(full, shown, groups, limit, mark)
    return _apart_at_both(full, apart, groups, limit, mark)


_WORD_BREAKS = " _-/@.:·"
"""What ends a word of a label (``Qwen2.5-14B-Instruct``: ``Qwen2``, ``5``, ``14B``, ``Instruct``)."""


def _word_end(text: str, at: int) -> int:
    """Where the word holding ``text[at - 1]`` ends (``at`` when it ends there)."""
    while 0 < at < len(text) and text[at - 1] not in _WORD_BREAKS and text[at] not in _WORD_BREAKS:
        at += 1
    return at


#: An org or folders before a label's name (``meta-llama/``, ``runs/qwen/``): names of letters,
#: digits, ``_``, ``.`` and ``-``, each ending in ``/``. Not any text before the last ``/``: a
#: label holding a URL or a tag (``model @ out/run1``) is no org and its name.
_ORG = re.compile(r"(?:[\w.-]+/)+")


_ORG_FOLDER = re.compile(
    r"(?:pretrained__)?[A-Za-z0-9][A-Za-z0-9.-]*__(?=[A-Za-z][A-Za-z0-9._]*-[^_]*[0-9])"
)
"""A model folder's org as lm-eval and others write it, ``/`` made ``__``
(``meta-llama__Meta-Llama-3.1-70B-Instruct``, older ``pretrained__EleutherAI__pythia-160m``):
an org-like word (letters, digits, ``-`` and ``.``) and ``__`` before a model name, a word
then ``-`` and a digit (``Qwen3-8B``, ``pythia-160m``). ``run__v2`` or ``baseline__seed1`` has
no such name after its ``__``: no org."""


def _org_end(text: str) -> int:
    """Where a label's model name starts after its folders and org (``/`` or lm-eval's ``__``)."""
    folders = _ORG.match(text)
    start = folders.end() if folders is not None and folders.end() < len(text) else 0
    org = _ORG_FOLDER.match(text, start)
    return org.end() if org else start


def _names(full: dict[str, str]) -> dict[str, str]:
    """Each label without its org or folder (``Qwen2.5-14B-Instruct`` of
    ``Qwen/Qwen2.5-14B-Instruct`` or ``Qwen__Qwen2.5-14B-Instruct``), unless that makes two the
    same (then ``full``)."""
    names = {label: text[_org_end(text) :] for label, text in full.items()}
    return names if len(set(names.values())) == len(names) else dict(full)


def _differences_kept(
    full: dict[str, str], shown: dict[str, str] | None, limit: int, mark: str = "…"
) -> dict[str, str] | None:
    """None when ``shown`` (labels cut in their middle, apart; None: some read alike) each still
    shows the words that tell it from the label nearest it and no org or folder while cut; else
    each label with those words whole, what is before
    them first without the org or folder (``meta-llama/``), then what is after them cut at its
    end: ``…Qwen2.5-14B…`` and ``…Qwen2.5-32B…`` at 14 cells, where ``Qwen2…uct`` and
    ``Qwen/…uct`` read apart without telling which is which. None when the words do not fit
    or the labels would not read apart (``shown`` is kept). A lone label's words are its whole
    name: its org goes first, as beside others (``…Meta-L…Instruct``, not ``meta-lla…nstruct``)."""
    if not full or all(cell_width(text) <= limit for text in full.values()):
        return None
    names = _names(full)
    spans: dict[str, tuple[int, int]] = {}
    firsts: dict[str, int] = {}
    for label, name in names.items():
        others = [n for other, n in names.items() if other != label]
        if not others:  # a lone label: all of its name tells it (its org goes first)
            spans[label], firsts[label] = (0, len(name)), 0
            continue
        start = max(len(os.path.commonprefix([name, n])) for n in others)  # noqa: RUF071
        same_end = max(len(os.path.commonprefix([name[::-1], n[::-1]])) for n in others)  # noqa: RUF071
        begin = _word_start(name, start) if start < len(name) else start
        end = _word_end(name, len(name) - same_end)
        if begin >= end:
            return None  # told from one label by its start and from another by its end
        spans[label], firsts[label] = (begin, end), start
    orgs_cut = shown is None or any(
        len(names[label]) < len(text) and shown[label] != text for label, text in full.items()
    )
    if (
        not orgs_cut
        and shown is not None
        and all(
            # (a label unlike every other, its span its whole name, reads apart cut anywhere)
            names[label][begin:end] in shown[label] or (begin, end) == (0, len(names[label]))
            for label, (begin, end) in spans.items()
        )
    ):
        return None
    m = cell_width(mark)
    kept = {}
    for label, text in full.items():
        name = names[label]
        begin, end = spans[label]
        lead = mark if len(name) < len(text) else ""
        before, words, after = name[:begin], name[begin:end], name[end:]
        choices = [lead + name]
        room = limit - cell_width(lead + before + words) - m
        if after and room >= 0:
            # (whole words of what follows: '…Qwen2.5-Math-7B-In…' read a word 'In')
            choices.append(lead + before + words + _whole_words(after, room) + mark)
        room = limit - cell_width(lead + words) - m
        model = before.partition(TAG_SEPARATOR)[0] if TAG_SEPARATOR in before else ""
        if before and not after and room >= max(4, cell_width(model)):
            # (the words at the end: its start cut, never into the model's name)
            choices.append(lead + head_cells(before, room) + mark + words)
        if model:
            # A run told apart by its tag (``Qwen3-8B @ 2026-07-08T16-04-34.219874``): the
            # model named whole and the tag's start, where it first differs (``…Qwen3-8B…
            # 08T16-04…``); the words cut in their middle lost the model (``…08T16-04-…219874``).
            room = limit - cell_width(lead + model) - 2 * m
            # At a word's end, else where the cells run out; at least the word holding the
            # first difference and 5 cells (``…gpt-4o-mini…02…`` named no date).
            rest = words + after
            least = _word_end(rest, firsts[label] - begin + 1)
            ends = [i for i in range(least, len(rest)) if rest[i] in _WORD_BREAKS]
            ends = [i for i in [*ends, len(rest)] if cell_width(rest[:i]) <= room]
            told = rest[: ends[-1]] if ends else ""
            if cell_width(told) < 5:
                told = head_cells(rest, room).rstrip(_WORD_BREAKS)
            if len(told) >= least and cell_width(told) >= min(5, len(rest)):
                choices.append(lead + model + mark + told + ("" if told == rest else mark))
        if before or lead:
            choices.append(mark + words + after)
            room = limit - cell_width(words) - 2 * m
            if after and room >= 0:
                choices.append(mark + words + (head_cells(after, room) if room >= 2 else "") + mark)
            choices.append(mark + words)
        else:
            choices.append(words + mark if after else words)
        fitting = [choice for choice in choices if cell_width(choice) <= limit]
        if not fitting:
            # Told apart by its whole name (alone, or beside other families): read by its
            # family and size (``…Llama-3.1-70B…``), its suffix then its head left out first;
            # cut in its middle it lost the size (``…Meta-L…Instruct``).
            read = model_cut(text, limit, mark)
            last = (_MODEL_WORDS.findall(words) or [""])[-1]  # (the size, when it tells them)
            if read is not None and ((begin, end) == (0, len(name)) or (last and last in read)):
                fitting = [read]
        if not fitting:
            # Told from the others by most of its name (another family): those words cut in
            # their middle, their end kept from a word's start (``…Meta-Llama…70B…``).
            room = limit - cell_width(lead) - m - (m if after else 0)
            # (a word's start, never a separator's: a tail '· winrate' glued the cut's mark to
            # the ' · ' a label's parts are joined with, '…o3-mini-2…· winrate')
            starts = [
                i
                for i in range(1, len(words))
                if words[i - 1] in _WORD_BREAKS and words[i] not in _WORD_BREAKS
            ]
            ends = [i for i in starts if cell_width(words[i:]) <= max(room // 2, 1)]
            last = [i for i in starts[-1:] if cell_width(words[i:]) <= room - 3]
            cut = (ends or last or [len(words)])[0]
            if room < 4 or cut >= len(words):
                return None
            head = head_cells(words, room - cell_width(words[cut:])).rstrip(_WORD_BREAKS)
            fitting = [lead + head + mark + words[cut:] + (mark if after else "")]
        kept[label] = text if cell_width(text) <= limit else fitting[0]
    return kept if len(set(kept.values())) == len(kept) else None


_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?|\d+x\d+)[BbMmKkTt]$")
"""A model's size as its name writes it: ``70B``, ``1.5B``, ``125M``, ``160m``, ``8x7B``."""
_MODEL_WORDS = re.compile(r"[^-_ ]+|[-_ ]+")
"""A model name's words and what is between them (``Llama``, ``-``, ``3.1``): a cut between
words never splits ``3.1`` or ``1.5B``."""


def model_cut(text: str, limit: int, mark: str = "…", *, bare: bool = False) -> str | None:
    """``text`` (a label, one line) in ``limit`` cells read as a model is read, by its family
    and size: without its org or folder (``meta-llama/``), then without the words after its
    size (``-Instruct``), then without words before its family (``Meta-``), whole words only:
    ``…Meta-Llama-3.1-70B…``, ``…Llama-3.1-70B…``, ``…Llama…70B…``; with ``bare``, the size
    alone last (``…70B…``: of a model every label shares). None when it names no size
    (``70B``, ``1.5B``, ``125M``) or nothing of it fits."""
    if cell_width(text) <= limit:
        return text
    name = text[_org_end(text) :]
    lead = mark if len(name) < len(text) else ""
    if cell_width(lead + name) <= limit:
        return lead + name
    pieces = _MODEL_WORDS.findall(name)
    words = [i for i, piece in enumerate(pieces) if piece[0] not in "-_ "]
    size = next((i for i in words if _SIZE.match(pieces[i])), None)
    if size is None:
        return None
    lettered = [
        i for i in words if i < size and sum(c.isalpha() for c in pieces[i]) >= 2
    ]  # (a family's words: ``Llama``, ``Qwen2.5``, not ``3.1``)
    ends = [i + 1 for i in words if i >= size]
    choices = []
    for first in [i for i in words if i <= size]:
        if not any(first <= i for i in lettered):
            break
        for end in reversed(ends):
            head = lead if first == 0 else mark
            choices.append(head + "".join(pieces[first:end]) + (mark if end < len(pieces) else ""))
    tail = mark if size + 1 < len(pieces) else ""
    # The family word nearest the size and the size (``3.1`` left out).
    choices += [mark + pieces[family] + mark + pieces[size] + tail for family in lettered[-1:]]
    if bare:
        choices.append(mark + pieces[size] + tail)
    return next((choice for choice in choices if cell_width(choice) <= limit), None)


def _parts_kept(full: dict[str, str], limit: int, mark: str = "…") -> dict[str, str] | None:
    """Labels whose first parts (``model · metric``, joined by :data:`LABEL_SEPARATOR`) are
    the same, told apart by the parts after them: those parts whole (cut in their middle only
    when they alone do not fit) after the same first parts cut as a model is
    (:func:`model_cut`), ``…70B… · acc``; a label that is those first parts alone as a model
    is cut; a lone label's first part is its model. One ``--label`` over runs split by metric
    read ``meta-lla…t · acc``. None when the labels share no first part or would not read
    apart."""
    if not full or all(cell_width(text) <= limit for text in full.values()):
        return None
    split = {label: text.split(LABEL_SEPARATOR) for label, text in full.items()}
    shared = 0
    while all(len(parts) > shared for parts in split.values()) and (
        len({tuple(parts[: shared + 1]) for parts in split.values()}) == 1
    ):
        shared += 1
    if len(full) == 1:  # a lone label: its model, then what follows it (``· acc``)
        shared = min(shared, 1) if len(next(iter(split.values()))) > 1 else 0
    if not shared:
        return None
    head = LABEL_SEPARATOR.join(next(iter(split.values()))[:shared])
    kept = {}
    for label, parts in split.items():
        rest = LABEL_SEPARATOR.join(parts[shared:])
        if not rest:
            kept[label] = model_cut(head, limit, mark) or one_line_middle(head, limit, mark)
            continue
        after = LABEL_SEPARATOR + rest
        room = limit - cell_width(after)
        if room < cell_width(mark):
            room = limit - cell_width(mark + LABEL_SEPARATOR)
            if room < 3:
                return None
            kept[label] = mark + LABEL_SEPARATOR + one_line_middle(rest, room, mark)
            continue
        stub = head if cell_width(head) <= room else model_cut(head, room, mark, bare=True)
        if stub is None:  # (a few cells of a middle cut read nothing: 'm…t')
            stub = one_line_middle(head, room, mark) if room >= 8 else mark
        kept[label] = stub + after
    return kept if len(set(kept.values())) == len(kept) else None


def _apart_at_both(
    full: dict[str, str],
    shown: dict[str, str],
    groups: dict[str, list[str]],
    limit: int,
    mark: str = "…",
) -> dict[str, str]:
    """``shown`` (:func:`_apart_by_group`'s) when no two labels read alike; else those that do,
    with every label of their ``groups``, show where they first differ and their ends. Two
    groups could be made the same text: ``openai/o1-mini · winrate`` and ``… ·
    winrate_divided_by_optimal``, each told from its o3-mini twin by its start, both read
    ``…/o1-mini ·…`` at 12 cells; now ``…/o1-…inrate`` and ``…/o1-…ptimal``."""
    alike: dict[str, list[str]] = {}
    for label, text in shown.items():
        alike.setdefault(text, []).append(label)
    clash = {label for members in alike.values() if len(members) > 1 for label in members}
    m = cell_width(mark)
    if not clash or limit < 4 + 2 * m:
        return shown
    clash |= {c for members in groups.values() if clash & set(members) for c in members}
    texts = [full[label] for label in clash]
    begin = max(0, len(os.path.commonprefix(texts)) - 2)  # noqa: RUF071 (characters)
    head = (limit - 2 * m) // 2
    both = dict(shown)
    for label in clash:
        text = full[label]
        if cell_width(text[begin:]) > limit - m:
            both[label] = (
                mark
                + head_cells(text[begin:], head)
                + mark
                + tail_cells(text, limit - 2 * m - head)
            )
        else:
            both[label] = mark + tail_cells(text, limit - m)
    return both if len(set(both.values())) > len(set(shown.values())) else shown


def _whole_words(text: str, cells: int) -> str:
    """The longest start of ``text`` in ``cells`` cells that ends a word (``-Instruct`` in 5
    cells: nothing; ``-Math-7B-Instruct`` in 10: ``-Math-7B``)."""
    if cell_width(text) <= cells:
        return text
    head = head_cells(text, cells + 1)
    while head and not (head[-1] in _WORD_BREAKS and cell_width(head) <= cells + 1):
        head = head[:-1]
    return head.rstrip(_WORD_BREAKS)


def _word_start(text: str, at: int) -> int:
    """Where the word holding ``text[at]`` starts (after a space or ``_-/@.:·``), up to 8
    characters back; else two characters before ``at`` (``…expA``, not ``…xpA``)."""
    for begin in range(at, max(at - 8, 0) - 1, -1):
        if begin == 0 or text[begin - 1] in " _-/@.:·":
            return begin
    return max(0, at - 2)


def _one_cut(texts: dict[str, str], limit: int, mark: str = "…") -> dict[str, str] | None:
    """``texts`` (one line each) in ``limit`` cells, every one too long cut at the same place
    (a head of the same cells, ``mark``, a tail of the same cells), the place nearest the
    middle that makes them all read apart; ``None`` when no place does."""
    m = cell_width(mark)
    if limit < 1 + m:
        return None
    fits = {label: text for label, text in texts.items() if cell_width(text) <= limit}
    balanced = limit - m - (limit - m) // 2
    for step in range(2 * limit):
        head = balanced + (step + 1) // 2 * (1 if step % 2 else -1)
        if not 0 <= head <= limit - m:
            continue
        cut = {
            label: fits[label] if label in fits else _cut_at(text, head, limit - m - head, mark)
            for label, text in texts.items()
        }
        if len(set(cut.values())) == len(cut):
            return cut
    return None


def _apart_by_group(
    full: dict[str, str],
    shown: dict[str, str],
    groups: dict[str, list[str]],
    limit: int,
    mark: str = "…",
) -> dict[str, str]:
    """:func:`distinct_middle`'s first way: each group of labels that read the same shows
    where its members differ."""
    shown = dict(shown)
    m = cell_width(mark)
    for members in groups.values():
        if len(members) < 2:
            continue
        texts = [full[label] for label in members]
        start = len(os.path.commonprefix(texts))  # noqa: RUF071 (characters, not paths)
        begin = max(0, start - 2)  # two characters of context before the difference
        for member, text in zip(members, texts, strict=True):
            if cell_width(text[begin:]) <= limit - m:  # the end holds the difference: show it
                shown[member] = mark + tail_cells(text, limit - m)
            elif begin == 0:
                shown[member] = head_cells(text, limit - m) + mark
            else:
                shown[member] = mark + head_cells(text[begin:], limit - 2 * m) + mark
    return shown


def one_line_expr(
    column: str, limit: int = 200, *, pad: bool = False, names: bool = False
) -> pl.Expr:
    """:func:`one_line` as a polars expression: the same result, without Python per row (only
    rows with characters that may not take one cell each, such as CJK, are measured in
    Python). With ``pad``, every value is filled with spaces to ``limit`` cells. With
    ``names``, :func:`id_line` instead: the values are names (prompt ids), their newlines
    and tabs shown (``toy␊math:0``), not folded to a space, and cut in their middle."""
    import polars as pl

    text = pl.col(column).fill_null("")
    head = text.str.slice(0, limit * 4)
    folded = _fold_expr(head, names)
    beyond_head = text.str.len_chars() > limit * 4
    too_long = (folded.str.len_chars() > limit) | beyond_head
    narrow = folded.str.contains(_ONE_CELL_PATTERN)
    if names:
        tail = text.str.tail(limit * 4)
        tail_folded = _fold_expr(tail, names)
        kept = max(limit - 1, 0)
        cut = (
            folded.str.slice(0, kept // 2) + pl.lit("…") + tail_folded.str.tail(kept - kept // 2)
            if limit > 1
            else pl.lit("…"[:limit])
        )
        narrow = narrow & tail_folded.str.contains(_ONE_CELL_PATTERN)
    else:
        tail = head
        cut = folded.str.slice(0, max(limit - 1, 0)) + pl.lit("…")
    fast = pl.when(too_long).then(cut).otherwise(folded)
    if pad:
        fast = fast.str.pad_end(limit)
    # A cut by characters is right for one-cell text: the other rows (CJK, emoji, combining
    # marks) are cut again from the whole fold, by cells, in Python.
    fields = pl.struct(
        fast.alias("fast"),
        head.alias("head"),
        tail.alias("tail"),
        beyond_head.alias("cut"),
        narrow.alias("narrow"),
    )
    return fields.map_batches(
        lambda batch: _fit_cells(batch, limit, pad, names), return_dtype=pl.String
    ).alias(column)


def _fold_expr(text: pl.Expr, names: bool) -> pl.Expr:
    """:func:`_fold` (of a name with ``names``: :func:`_name_fold`) as a polars expression."""
    if names:
        text = text.str.replace_many(
            [chr(code) for code in _NAME_CONTROLS], list(_NAME_CONTROLS.values())
        )
    controls = [chr(code) for code in _EXPR_TABLE]
    pictures = [_EXPR_TABLE[code] for code in _EXPR_TABLE]
    return (
        text.str.replace_all(_WS_PATTERN, " ")
        .str.strip_chars(" ")
        .str.replace_many(controls, pictures)
        .str.replace_all(_MARK_RUN_PATTERN, "${1}\ufffd")
        .str.replace_all(_SELECTOR_RUN_PATTERN, "${1}\ufffd")
    )


def max_cells(values: pl.Series) -> int:
    """The most terminal cells any value of a string series takes (0 when all are null)."""
    narrow = values.str.contains(_ONE_CELL_PATTERN).fill_null(True)
    widest = values.filter(narrow).str.len_chars().max()
    best = int(widest) if isinstance(widest, int) else 0
    for text in values.filter(~narrow).to_list():
        best = max(best, cell_width(text))
    return best


def _fit_cells(fields: pl.Series, limit: int, pad: bool, names: bool = False) -> pl.Series:
    fast = fields.struct.field("fast")
    wide = (~fields.struct.field("narrow")).arg_true()
    if wide.len() == 0:
        return fast
    fixed = []
    heads = fields.struct.field("head").gather(wide).to_list()
    tails = fields.struct.field("tail").gather(wide).to_list()
    cut = fields.struct.field("cut").gather(wide).to_list()
    for head, tail, beyond_head in zip(heads, tails, cut, strict=True):
        if names:
            text = _id_cut(head, tail, beyond_head, limit)
        else:
            text = _fold(head)  # as one_line folds it (the joiners in emoji sequences kept)
            if beyond_head or cell_width(text) > limit:
                text = head_cells(text, max(limit - 1, 0)) + "…"
        fixed.append(pad_cells(text, limit) if pad else text)
    return fast.scatter(wide, fixed)


#: First characters a spreadsheet takes as the start of a formula (OWASP "CSV injection"), and the
#: quote that marks an escaped cell (so the escape can be undone without ambiguity).
FORMULA_START = "=+-@\t\r'"


def spreadsheet_safe(text: str) -> str:
    """``text`` for a CSV cell: one ``'`` in front when it starts with :data:`FORMULA_START`.
    To recover the value, drop one leading ``'`` from a cell that starts with one."""
    return "'" + text if text[:1] and text[0] in FORMULA_START else text


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def markdown_cell(text: str | None, limit: int = 200) -> str:
    """One safe line for a markdown table cell: pipes and inline markup escaped, so a run label
    cannot add columns, links or HTML to the rendered table."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text, limit))
