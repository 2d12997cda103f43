"""Untrusted text is made safe for the terminal: no control character survives display."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaltui.data.sanitize import (
    cell_width,
    distinct_middle,
    first_fitting,
    leading_parts,
    one_line,
    visible,
)

HOSTILE = "a\x1b[2Jb\x1b]0;title\x07c\x00d\x7fe\x9bf\rg\u202eh"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def test_visible_replaces_every_control_but_keeps_layout() -> None:
    shown = visible(HOSTILE + "\nnext\tcol")
    assert not CONTROL.search(shown)
    assert shown.startswith("a␛[2Jb␛]0;title␇c␀d␡e")
    assert "␍g" in shown and shown.endswith("\nnext\tcol")
    assert (
        visible("[/] [bold]x[/bold] 答案 🙂") == "[/] [bold]x[/bold] 答案 🙂"
    )  # brackets untouched


def test_one_line_folds_cuts_and_sanitizes() -> None:
    assert one_line("  two\n\nlines\tand  spaces ") == "two lines and spaces"
    assert one_line(None) == "" and one_line("") == ""
    assert not CONTROL.search(one_line(HOSTILE))
    cut = one_line("x" * 2_000_000, limit=50)  # a 2 MB single line
    assert len(cut) == 50 and cut.endswith("…")
    assert one_line("short", limit=50) == "short"


def test_one_line_expr_matches_one_line() -> None:
    import polars as pl

    from evaltui.data.sanitize import one_line_expr

    values = [
        HOSTILE,
        "  two\n\nlines\tand  spaces ",
        "",
        None,
        "x" * 5000,
        "short",
        "答案 🙂 [/bold]",
        "a\u2028b",
        "x\x1cy\x1f z",
        "\x1fedge\x1c",
        "\u3000wide\u00a0space",
    ]
    for limit in (5, 50, 200):
        frame = pl.DataFrame({"v": values}, schema={"v": pl.String}).select(
            one_line_expr("v", limit)
        )
        assert frame["v"].to_list() == [one_line(v, limit) for v in values]


def test_one_line_middle_keeps_both_ends() -> None:
    from evaltui.data.sanitize import one_line_middle

    a = one_line_middle("toy-org/scripted-model-2024-06-01", 21)
    b = one_line_middle("toy-org/scripted-model-2024-06-02", 21)
    assert len(a) == 21 and a != b
    assert a == "toy-org/sc…2024-06-01" and a.endswith("2024-06-01") and "…" in a
    assert one_line_middle("short", 21) == "short"
    assert one_line_middle("a\x1b[2Jb\nc" * 20, 11).count("\x1b") == 0
    assert one_line_middle(None) == "" and len(one_line_middle("x" * 100, 1)) == 1


INVISIBLE = "\u200b\u200c\u200d\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"


def test_zero_width_and_bidi_controls_are_made_visible() -> None:
    # Each would reorder or hide text (a label reading as another) or misalign table rows.
    text = "a" + INVISIBLE + "b"
    for shown in (visible(text), visible(text, multiline=False), one_line(text)):
        assert shown == "a" + "\ufffd" * len(INVISIBLE) + "b"


def test_long_runs_of_combining_marks_are_cut_short() -> None:
    zalgo = "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307" + "al" + "\u0300" * 40 + "go"
    assert one_line(zalgo) == "Z\u0301\u0302\ufffdal\u0300\u0300\ufffdgo"
    assert visible(zalgo) == one_line(zalgo)
    # Ordinary text keeps its marks: French, Vietnamese (two stacked marks), decomposed forms.
    for ordinary in ("é", "Tiếng Việt ệ", "e\u0301", "a\u0323\u0302"):
        assert one_line(ordinary) == ordinary


def test_one_line_expr_matches_one_line_on_invisible_characters_and_marks() -> None:
    import polars as pl

    from evaltui.data.sanitize import one_line_expr

    values = [
        "a" + INVISIBLE + "b",
        "Z" + "\u0301" * 9 + "x",
        "\u0301" * 5,
        "Tiếng Việt",
        "x" * 48 + "\u0301" * 8,  # a run across the cut
        "👨\u200d👩\u200d👧",
    ]
    for limit in (5, 50, 200):
        frame = pl.DataFrame({"v": values}).select(one_line_expr("v", limit))
        assert frame["v"].to_list() == [one_line(v, limit) for v in values]


def test_markdown_cells_and_spreadsheet_cells() -> None:
    from evaltui.data.sanitize import markdown_cell, spreadsheet_safe

    assert markdown_cell("a|b [x](y) <img> *e*\x1b[2J") == (
        "a\\|b \\[x\\](y) \\<img\\> \\*e\\*␛\\[2J"
    )
    assert [spreadsheet_safe(v) for v in ("=1", "-2", "'x", "ok", "")] == [
        "'=1",
        "'-2",
        "''x",
        "ok",
        "",
    ]


def test_distinct_middle_keeps_runs_apart_that_differ_inside_the_label() -> None:
    from evaltui.data.sanitize import distinct_middle

    a = "openai/gpt-4o-mini @ 2025-02-11T15:17:00-05:00"
    b = "openai/gpt-4o-mini @ 2025-03-11T15:17:00-05:00"
    c = "meta-llama/Meta-Llama-3.1-70B-Instruct"
    shown = distinct_middle([a, b, c, "short"], 17)
    # Cut in the middle, a and b would both read "openai/g…00-05:00".
    assert "02-11" in shown[a] and "03-11" in shown[b]
    assert len(set(shown.values())) == 4
    assert all(len(text) <= 17 for text in shown.values())
    # (its org left out before its name is cut, then its suffix, then its head: its size kept)
    assert shown[c] == "…Llama-3.1-70B…" and shown["short"] == "short"
    # A difference far from the end: the shared start left out, from the differing word on.
    x, y = "prefix-" * 5 + "AAA" + "-suffix" * 5, "prefix-" * 5 + "BBB" + "-suffix" * 5
    both = distinct_middle([x, y], 12)
    assert both[x].startswith("…AAA") and both[y].startswith("…BBB") and len(both[x]) == 12
    # Control characters stay visible in the distinguishing part too.
    esc, dash = "a" * 10 + "\x1b]0;x" + "b" * 10, "a" * 10 + "-]0;x" + "b" * 10
    hostile = distinct_middle([esc, dash], 10)
    assert "␛" in hostile[esc] and "\x1b" not in hostile[esc] and hostile[esc] != hostile[dash]


def test_distinct_middle_keeps_runs_apart_that_differ_in_two_places() -> None:
    """verl's validation dumps of two experiments, one run per step: at the table's 16 cells
    every run of an experiment read "…@ Qwen__Qwen2.…" (the groups made apart by their first
    difference clashed again across groups), so no step could be told from another."""
    from evaltui.data.sanitize import cell_width, distinct_middle

    experiments = (
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-7B_dapo_lr1e-6_bs512",
        "Qwen__Qwen2.5-Math-7B",
    )
    labels = [f"val_generations @ {e} · step {s}" for e in experiments for s in (0, 50, 100)]
    for width in (16, 20, 24, 40):
        shown = distinct_middle(labels, width)
        assert len(set(shown.values())) == len(labels), (width, shown)
        assert all(cell_width(text) <= width for text in shown.values())
    narrow = distinct_middle(labels, 16)
    assert narrow[labels[1]].endswith("step 50") and narrow[labels[4]].endswith("step 50")
    assert "deeps" in narrow[labels[1]] and "Qwen" in narrow[labels[4]]


def test_cuts_and_pads_count_terminal_cells_not_characters() -> None:
    """CJK and emoji take two cells: a prompt cut at 20 characters took 40 cells and pushed the
    table's other columns off screen (OpenCompass's Chinese prompts)."""
    import polars as pl
    from rich.cells import cell_len

    from evaltui.data.sanitize import (
        cell_width,
        distinct_middle,
        max_cells,
        one_line_expr,
        one_line_middle,
        pad_cells,
    )

    chinese = "如果我在空中垂直抛球，球最初向哪个方向行进？" * 3
    mixed = "answer: 答案是 42 🙂 done, é and e\u0301"
    values = [chinese, mixed, "plain ascii " * 10, "", "短"]
    for text in values:
        assert cell_width(text) == cell_len(text)
    for limit in (1, 7, 20, 61):
        for text in values:
            cut = one_line(text, limit)
            assert cell_len(cut) <= limit
            assert cut == text or cut.endswith("…")
            # The cut keeps as much as fits: one more character would not.
            if cut.endswith("…") and limit > 2:
                kept = cut[:-1]
                assert cell_len(text[: len(kept) + 1]) > limit - 1
        frame = pl.DataFrame({"v": values})
        assert frame.select(one_line_expr("v", limit))["v"].to_list() == [
            one_line(v, limit) for v in values
        ]
        padded = frame.select(one_line_expr("v", limit, pad=True))["v"].to_list()
        assert {cell_len(v) for v in padded} == {limit}
        assert max_cells(frame.select(one_line_expr("v", limit))["v"]) == max(
            cell_len(one_line(v, limit)) for v in values
        )
        middle = one_line_middle(chinese, limit)
        assert cell_len(middle) <= limit
    assert pad_cells("答案", 6) == "答案  " and cell_len(pad_cells("答案", 6)) == 6
    # Two runs that differ only at their end stay apart, within the width, in cells.
    runs = [f"组织/模型名称很长很长很长-{day}" for day in ("2024-06-01", "2024-06-02")]
    shown = distinct_middle(runs, 16)
    assert len(set(shown.values())) == 2 and all(cell_len(v) <= 16 for v in shown.values())


@pytest.mark.parametrize("width", [16, 20, 24, 32])
def test_distinct_middle_cuts_every_label_of_a_view_the_same_way(width: int) -> None:
    """Labels that differ in two places, at the table's 24 cells: some read
    "val_generati…A · step 50" and others "…tions @ expA · step 100", or "deepseek-ai_…
    topp0.95_n8" beside "…B__temp0.6_topp0.95_n16": two cut styles in one column. Now every
    label is cut the same way (a shared start left out from all, or one same head and tail for
    all), and they still read apart."""
    from evaltui.data.sanitize import cell_width, distinct_middle, head_cells

    steps = [f"val_generations @ exp{e} · step {s}" for e in "AB" for s in (50, 100)]
    temps = [
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n16",
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.7_topp0.95_n16",
        "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B__temp0.6_topp0.95_n8",
        "Qwen__Qwen2.5-Math-72B-Instruct",
    ]
    for labels in (steps, temps):
        shown = distinct_middle(labels, width)
        texts = list(shown.values())
        assert len(set(texts)) == len(labels), shown
        assert all(cell_width(t) <= width for t in texts), shown
        # One style: all or none leave out a shared start; the cut ones keep heads alike long.
        assert len({t.startswith("…") for t in texts}) == 1, shown
        cut = [t.removeprefix("…") for t in texts]
        heads = {cell_width(t.split("…")[0]) for t in cut if "…" in t}
        assert len(heads) <= 1, shown
    shown = distinct_middle(steps, 24)
    assert shown[steps[0]] == "…expA · step 50" and shown[steps[3]] == "…expB · step 100"
    assert head_cells(distinct_middle(temps, 24)[temps[3]], 4) == "Qwen"


def test_first_fitting_is_the_longest_wording_that_fits_in_cells() -> None:
    wordings = ["答案 is the long one", "答案 short", "ab"]
    assert first_fitting(wordings, 20) == wordings[0]
    # CJK takes two cells: "答案 is the long one" is 20 cells, not 18.
    assert first_fitting(wordings, 19) == "答案 short"
    assert first_fitting(wordings, 2) == "ab"
    assert first_fitting(wordings, 1) == "ab"  # none fits: the shortest (the widget cuts it)
    assert first_fitting([], 10) == ""
    made: list[str] = []

    def lazily() -> Iterator[str]:
        for text in ("fits", "never made"):
            made.append(text)
            yield text

    assert first_fitting(lazily(), 10) == "fits" and made == ["fits"]


def test_leading_parts_counts_the_parts_that_fit_on_a_line() -> None:
    parts = ["prompts 3", "accuracy 50%", "bad lines 2"]
    assert leading_parts(parts, 100) == 3
    assert leading_parts(parts, len("prompts 3 · accuracy 50%")) == 2
    assert leading_parts(parts, len("prompts 3 · accuracy 50%") - 1) == 1
    assert leading_parts(parts, 3) == 1  # the first part is the line's first, whatever its width
    assert leading_parts(parts, 16, separator=", ") == 1
    assert leading_parts(parts, len("prompts 3, accuracy 50%"), separator=", ") == 2


# Each class of invisible character: what it is, and what the sanitizer shows for it.
FAMILY = "👨\u200d👩\u200d👧"  # man, ZWJ, woman, ZWJ, girl: one emoji in a terminal
INVISIBLE_CLASSES = [
    ("soft hyphen", "pass\u00adword", "pass\ufffdword"),
    ("combining grapheme joiner", "a\u034fb", "a\ufffdb"),
    ("invisible math operators", "x\u2061\u2062\u2063\u2064y", "x" + "\ufffd" * 4 + "y"),
    ("tag characters (hidden 'hi')", "ok\U000e0068\U000e0069\U000e007f", "ok" + "\ufffd" * 3),
    ("tag block ends", "\U000e0000\U000e0001\U000e0020", "\ufffd" * 3),
    ("arabic number sign", "\u0600123", "\ufffd123"),
    ("mongolian vowel separator", "a\u180eb", "a\ufffdb"),
    ("deprecated format chars", "a\u206a\u206fb", "a\ufffd\ufffdb"),
    ("interlinear annotation", "a\ufff9b\ufffbc", "a\ufffdb\ufffdc"),
    ("bidi marks and isolates", "a\u061c\u200e\u200f\u2066\u2069b", "a" + "\ufffd" * 5 + "b"),
    ("bidi override", "a\u202a\u202eb", "a\ufffd\ufffdb"),
    ("zero-width space, non-joiner, word joiner", "a\u200b\u200c\u2060b", "a\ufffd\ufffd\ufffdb"),
    ("ZWJ between letters", "a\u200db", "a\ufffdb"),
    ("ZWJ at the ends", "\u200d🙂\u200d", "\ufffd🙂\ufffd"),
    ("emoji ZWJ sequence kept", FAMILY, FAMILY),
    ("rainbow flag kept", "🏳\ufe0f\u200d🌈", "🏳\ufe0f\u200d🌈"),
    ("skin tone and ZWJ kept", "👩\U0001f3fd\u200d💻", "👩\U0001f3fd\u200d💻"),
    ("emoji presentation selector kept", "❤\ufe0f", "❤\ufe0f"),
    ("ideographic variation selector kept", "葛\U000e0100", "葛\U000e0100"),
    ("run of selectors (hidden bytes)", "😀\U000e0101\U000e0102\ufe01", "😀\U000e0101\ufffd"),
]


@pytest.mark.parametrize(("kind", "text", "shown"), INVISIBLE_CLASSES)
def test_every_invisible_format_character_is_made_visible(kind: str, text: str, shown: str) -> None:
    """Soft hyphens, invisible math operators, the combining grapheme joiner and tag characters
    (hidden ASCII) went through unmarked; a ZWJ inside an emoji sequence must not be broken."""
    import polars as pl

    from evaltui.data.sanitize import one_line_expr

    assert visible(text) == shown, kind
    assert visible(text, multiline=False) == shown, kind
    assert one_line(text) == shown, kind
    frame = pl.DataFrame({"v": [text, text * 9]})
    for limit in (3, 8, 50):  # the polars path agrees, cuts included
        assert frame.select(one_line_expr("v", limit))["v"].to_list() == [
            one_line(text, limit),
            one_line(text * 9, limit),
        ], kind
    assert one_line(text * 9, 8).startswith(shown[:3]), kind


def test_every_format_character_but_the_emoji_joiner_is_replaced() -> None:
    """The rule: every Unicode Cf character shows as U+FFFD, except a ZWJ between two emoji."""
    import sys
    import unicodedata

    format_chars = [
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    ]
    assert len(format_chars) > 150
    for char in format_chars:
        assert one_line("a" + char + "b") == "a\ufffdb", hex(ord(char))
        assert visible("a" + char + "b") == "a\ufffdb", hex(ord(char))


def test_emoji_zwj_sequences_are_measured_and_cut_whole() -> None:
    """A family emoji takes two cells (as Rich and tmux count it), and a cut never splits it."""
    from rich.cells import cell_len

    from evaltui.data.sanitize import cell_width, head_cells, one_line_middle, tail_cells

    text = "ab" + FAMILY + "cd" + FAMILY + "ef"
    assert cell_width(FAMILY) == cell_len(FAMILY) == 2
    assert cell_width(text) == cell_len(text) == 10
    for cells in range(12):
        for part in (head_cells(text, cells), tail_cells(text, cells)):
            assert cell_width(part) <= cells and cell_len(part) == cell_width(part)
            assert part.count("\u200d") == 2 * part.count("👨")  # whole families only
        middle = one_line_middle(text, cells)
        assert cell_len(middle) <= cells and middle.count("\u200d") == 2 * middle.count("👨")
    assert head_cells(text, 3) == "ab" and head_cells(text, 4) == "ab" + FAMILY
    assert tail_cells(text, 3) == "ef" and tail_cells(text, 4) == FAMILY + "ef"
    assert one_line("x" * 10 + FAMILY, 11) == "x" * 10 + "…"
    for hidden in ("\u00ad", "\U000e0041", "\u2062"):  # replaced: one cell, as the terminal shows
        assert cell_width(one_line(hidden)) == cell_len(one_line(hidden)) == 1


def test_the_sanitizer_is_part_of_the_cache_key(tmp_path: Path) -> None:
    """Cached rows carry labels and notes made with the sanitizer: changing which characters it
    replaces must change the key (one cold load after the update), not serve the old rows."""
    import shutil

    import evaltui.data
    from evaltui.data import cache

    copy = tmp_path / "data"
    source = Path(evaltui.data.__file__).resolve().parent
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_version(copy)
    sanitize = copy / "sanitize.py"
    text = sanitize.read_text(encoding="utf-8")
    assert "(0x00AD, 0x00AD)," in text
    sanitize.write_text(text.replace("(0x00AD, 0x00AD),", ""), encoding="utf-8")
    assert cache.code_version(copy) != before


def test_a_name_shows_its_newlines_and_tabs_on_one_line() -> None:
    """A run folder 'short\\nline' read 'short line' in the header, pickers, compare and summary
    (its newline folded to a space, like a prompt's): a folder 'short line' reads the same."""
    from evaltui.data.sanitize import distinct_middle, name_line, one_line_middle

    assert name_line("short\nline") == "short␊line"
    assert one_line_middle("short\nline", 40) == "short␊line"
    assert one_line_middle("third\tone\r\n", 40) == "third␉one␍␊"
    assert one_line_middle("a\x1b[2J  b", 40) == "a␛[2J b"  # spaces still folded
    shown = distinct_middle(["short\nline", "short line"], 24)
    assert shown == {"short\nline": "short␊line", "short line": "short line"}
    cut = one_line_middle("long-model-name\n" + "x" * 40, 20)
    assert "\n" not in cut and cut.startswith("long-model") and "…" in cut
    assert one_line("short\nline") == "short line"  # a prompt's newline is still folded


def test_wrap_cells_fills_lines_by_terminal_cells() -> None:
    """textwrap counted characters: twelve CJK characters fit its 20 'columns' (24 cells)."""
    from evaltui.data.sanitize import cell_width, wrap_cells

    text = "模型评测结果很长的名字 第一个版本: pass@2, G-Pass@2_0.5 e\u0301e\u0301e\u0301 🙂🙂🙂🙂"
    for width in range(8, 60):
        lines = wrap_cells(text, width, subsequent_indent="  ")
        assert all(cell_width(line) <= width for line in lines), (width, lines)
        assert all(line.startswith("  ") for line in lines[1:])
        # Nothing lost or reordered; a mark stays on its letter.
        assert "".join("".join(lines).split()) == "".join(text.split())
        assert not any(line.lstrip().startswith("\u0301") for line in lines)
    assert wrap_cells("a b c", 80) == ["a b c"]
    assert wrap_cells("", 10) == wrap_cells("   ", 10) == []
    # A word wider than a line alone is cut where the cells run out, the rest indented.
    assert wrap_cells("中" * 7, 6, subsequent_indent="  ") == ["中中中", "  中中", "  中中"]


def test_distinct_middle_tells_apart_labels_that_differ_at_two_places() -> None:
    """The published runs loaded at once (17 runs) at 60 columns: two groups of labels that
    read alike (o1-mini and o3-mini, each scored by winrate and winrate_divided_by_optimal)
    were each told apart by their start, into the same text: 'openai/o1-mini · winrate' and
    '… · winrate_divided_by_optimal' both read '…/o1-mini ·…' in the run column (8 to 16
    cells). They show where they first differ and their ends."""
    runs = [
        "openai/gpt-5",
        "openai/o1-mini · winrate",
        "openai/o1-mini · winrate_divided_by_optimal",
        "openai/o3-mini-2025-01-31 · winrate",
        "openai/o3-mini-2025-01-31 · winrate_divided_by_optimal",
        "Qwen/Qwen3-8B @ 2026-07-08T16-04-34.219874",
        "Qwen/Qwen3-8B @ 2026-07-08T18-15-33.115417",
        "meta-llama/Meta-Llama-3-8B-Instruct",
        "EleutherAI/gpt-neo-125M",
        "gpt-4o-mini",
        "baichuan2-7b-chat-hf",
        "qwen-7b-chat-hf",
        "Qwen/Qwen2.5-14B-Instruct",
        "openai/gpt-4o-mini @ 2025-02-11T15:17:00-05:00",
        "openai/gpt-4o-mini @ 2025-02-11T15:18:04-05:00",
        "ollama/gemma3",
        "Qwen2.5-32B-Instruct",
    ]
    for limit in range(8, 41):
        shown = distinct_middle(runs, limit)
        assert len(set(shown.values())) == len(runs), (limit, shown)
        assert all(cell_width(text) <= limit for text in shown.values()), (limit, shown)
    shown = distinct_middle(runs, 12)
    assert shown["openai/o1-mini · winrate"] == "…/o1-m…nrate"
    assert shown["openai/o3-mini-2025-01-31 · winrate_divided_by_optimal"] == "…/o3-m…timal"


SIZE_PAIRS = [
    ("Qwen/Qwen2.5-14B-Instruct", "Qwen/Qwen2.5-32B-Instruct"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"),
    ("meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-70B-Instruct"),
    tuple(f"Qwen/Qwen2.5-{size}-Instruct" for size in ("7B", "14B", "32B", "72B")),
    (
        "meta-llama/Meta-Llama-3.1-70B-Instruct",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
        "Qwen/Qwen2.5-14B-Instruct",
        "Qwen/Qwen2.5-32B-Instruct",
    ),
    ("org/model-step-1000-ckpt-final", "org/model-step-2000-ckpt-final"),
]


@pytest.mark.parametrize("labels", SIZE_PAIRS)
def test_distinct_middle_keeps_the_size_that_tells_runs_apart_whole(
    labels: tuple[str, ...],
) -> None:
    """Runs that differ inside their names (a model's size, a step) read apart but not which is
    which when the cut went through the size: ``Qwen/Qwen2.5…4B-Instruct`` beside
    ``…2B-Instruct`` for 14B and 32B at 24 cells (the header's run labels, the table's run
    column), ``meta-llama/M…8B-Instruct`` beside ``…0B-Instruct``. The size is now whole, and
    the org goes before anything else is cut."""
    import re

    from evaltui.data.sanitize import cell_width, distinct_middle

    for width in range(8, 41):
        shown = distinct_middle(labels, width)
        assert len(set(shown.values())) == len(labels), (width, shown)
        assert all(cell_width(text) <= width for text in shown.values()), (width, shown)
        for label, text in shown.items():
            size = re.search(r"\d+B(?![a-z])|(?<=step-)\d+", label.split("/")[-1])
            assert size is not None
            if width >= 16:  # (narrower, only what tells it from its nearest label)
                assert re.search(rf"(?<![\w.]){size[0]}(?![\w])", text), (width, label, text)
            if text != label:  # the org left out before anything else is cut
                assert "/" not in text, (width, label, text)
        names = {label: label.split("/")[-1] for label in labels}
        if all(cell_width(name) + 1 <= width for name in names.values()):
            assert shown == {
                label: label if cell_width(label) <= width else "…" + name
                for label, name in names.items()
            }, (width, shown)


@pytest.mark.parametrize("limit", [16, 20, 30])
def test_a_label_holding_a_slash_is_no_org_and_keeps_its_start(limit: int) -> None:
    """Only names before a ``/`` (``meta-llama/``) are an org to leave out: a label holding a
    URL (``…[link=https://x]a[/]``) was cut to ``…]`` (all before its last ``/`` taken for an
    org), and a tag's folder (``model @ out/run1``) to ``run1``."""
    hostile = "evil␛]52;c;cm0g␇[link=https://x]a[/]"
    cut = distinct_middle([hostile, "[@click=app.screenshot('pwned.svg')]click"], limit)
    assert cut[hostile].startswith("evil␛]52"), cut
    tagged = ["Qwen/Qwen2.5-7B @ out/run1", "Qwen/Qwen2.5-7B @ out/run2"]
    for label, shown in distinct_middle(tagged, limit).items():
        assert "Qwen2.5" in shown and shown.endswith(label[-1]) and cell_width(shown) <= limit


@pytest.mark.parametrize(
    "labels",
    [
        ("Qwen__Qwen2.5-14B-Instruct", "Qwen__Qwen2.5-32B-Instruct"),
        ("meta-llama__Meta-Llama-3.1-8B-Instruct", "meta-llama__Meta-Llama-3.1-70B-Instruct"),
        (
            "runs/deepseek-ai__DeepSeek-R1-Distill-Qwen-7B",
            "runs/deepseek-ai__DeepSeek-R1-Distill-Qwen-32B",
        ),
        ("pretrained__EleutherAI__pythia-160m", "pretrained__EleutherAI__pythia-1.4b"),
    ],
)
def test_distinct_middle_leaves_out_an_lm_eval_org_folder_first(labels: tuple[str, ...]) -> None:
    """lm-eval names a model's folder ``org__name`` (``/`` made ``__``): only ``/`` was taken for
    the org's end, so at 24 cells ``Qwen__Qwen2.5-14B-Instr…`` was shown, the org kept and the
    name cut, where ``Qwen/…`` read ``…Qwen2.5-14B-Instruct``. Now ``Qwen__`` goes first."""
    from evaltui.data.sanitize import distinct_middle

    slashed = {label: label.replace("__", "/") for label in labels}
    for width in range(16, 41):
        shown = distinct_middle(labels, width)
        as_slash = distinct_middle(slashed.values(), width)
        assert len(set(shown.values())) == len(labels), (width, shown)
        for label, text in shown.items():
            org = label.rsplit("__", 1)[0] + "__"
            if text != label:  # the org (and lm-eval's pretrained__) left out, as with a /
                assert org.rsplit("/")[-1] not in text, (width, label, text)
                if as_slash[slashed[label]] != slashed[label]:  # (one cell shorter)
                    assert text == as_slash[slashed[label]], (width, text)


def test_distinct_middle_keeps_a_double_underscore_that_is_no_org() -> None:
    """``name__v2`` is no ``org__model``: its head is not left out as an org would be."""
    from evaltui.data.sanitize import distinct_middle

    labels = ["my-long-experiment-name__v2", "my-long-experiment-name__v3"]
    for width in range(8, 27):
        shown = distinct_middle(labels, width)
        assert all(text.startswith("my-") for text in shown.values()), (width, shown)
        assert [text[-2:] for text in shown.values()] == ["v2", "v3"], (width, shown)


def test_cuts_keep_the_separator_of_a_labels_parts_whole() -> None:
    """A cut in the middle falling in the ' · ' between a model and its scorer glued its mark to
    half of it: 'openai/o1-…· winrate' at 20 cells, 'openai/o1-mini ·…ided_by_optimal' at 32."""
    from evaltui.data.sanitize import distinct_middle, one_line_middle

    runs = [
        f"openai/{model} · {scorer}"
        for model in ("o1-mini", "o3-mini-2025-01-31")
        for scorer in ("winrate", "winrate_divided_by_optimal")
    ]
    for limit in range(8, 41):
        shown = distinct_middle([*runs, "openai/gpt-5"], limit)
        assert len(set(shown.values())) == len(runs) + 1, (limit, shown)
        for text in [*shown.values(), *(one_line_middle(run, limit) for run in runs)]:
            assert cell_width(text) <= limit, (limit, text)
            assert "…·" not in text and "·…" not in text, (limit, text)
            assert text.count("·") == text.count(" · "), (limit, text)
    assert distinct_middle(runs, 20)[runs[0]] == "openai/o1… · winrate"


def test_a_lone_label_and_runs_told_apart_by_time_keep_the_models_name() -> None:
    """A lone run's label was cut plainly in the middle (``meta-lla…nstruct``), its org kept
    and its name cut; two runs of one model told apart by their start time lost the model
    (``…08T16-04-…219874``). Now the org goes first, and the model is named beside where the
    times first differ."""
    from evaltui.data.sanitize import distinct_middle

    lone = "meta-llama/Meta-Llama-3.1-70B-Instruct"
    # Read by its family and size: '…Meta-L…Instruct' (app41) lost the 70B.
    assert distinct_middle([lone], 16) == {lone: "…Llama-3.1-70B…"}
    assert distinct_middle([lone], 20) == {lone: "…Meta-Llama-3.1-70B…"}
    assert distinct_middle([lone], 12) == {lone: "…Llama…70B…"}
    assert distinct_middle(["EleutherAI/gpt-neo-125M"], 16) == {
        "EleutherAI/gpt-neo-125M": "…gpt-neo-125M"
    }
    assert distinct_middle(["gpt-4o-mini"], 16) == {"gpt-4o-mini": "gpt-4o-mini"}
    runs = [f"Qwen/Qwen3-8B @ 2026-07-08T{t}" for t in ("16-04-34.219874", "18-15-33.115417")]
    assert list(distinct_middle(runs, 18).values()) == ["…Qwen3-8B…08T16…", "…Qwen3-8B…08T18…"]
    assert list(distinct_middle(runs, 20).values()) == [
        "…Qwen3-8B…08T16-04…",
        "…Qwen3-8B…08T18-15…",
    ]


def test_a_name_shows_every_line_break_and_its_polars_form_is_the_same() -> None:
    """A NEL (U+0085, a C1 control) or a line or paragraph separator in a name (an lm-eval
    task's, a folder's) was folded to a space, as whitespace: 'toy\\x85math' read as a task
    'toy math'; it shows as every other text shows it (``�``). ``one_line_expr(names=True)``
    (the id columns) makes of each value what :func:`id_line` does: :func:`name_line`'s line,
    cut in its middle."""
    import polars as pl

    from evaltui.data.sanitize import id_line, name_line, one_line_expr

    assert name_line("toy\x85math") == "toy�math"
    assert name_line("a\u2028b\u2029c", 10) == "a�b�c"
    assert name_line("a  b\x85 c") == "a b� c"  # other spaces still folded
    values = [
        HOSTILE,
        "toy\nmath_gen:0",
        "  two\n\nlines\tand  spaces ",
        "e\x85f \u2028 g",
        "题目\n一" * 12,
        "👨\u200d👩\nz",
        "x" * 500,
        "",
        None,
    ]
    for limit in (5, 24, 200):
        frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
        got = frame.select(one_line_expr("v", limit, names=True))["v"].to_list()
        assert got == [id_line(v, limit) for v in values]


LONE_MODELS = [
    ("meta-llama/Meta-Llama-3.1-70B-Instruct", "70B", ("Llama",)),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "32B", ("Qwen",)),
    ("Qwen/Qwen2.5-Math-7B-Instruct", "7B", ("Math", "Qwen2.5")),
    ("Qwen/Qwen2.5-Math-7B-Instruct @ 2025-01-03T10-00-00", "7B", ("Math",)),
    ("meta-llama__Meta-Llama-3.1-70B-Instruct", "70B", ("Llama",)),
]


@pytest.mark.parametrize(("label", "size", "family"), LONE_MODELS)
def test_a_lone_models_label_keeps_its_family_and_size(
    label: str, size: str, family: tuple[str, ...]
) -> None:
    """A lone run's label at the run column's 16–24 cells (80–120 columns) read
    '…Meta-L…Instruct', the 70B gone. Cut, it keeps the model's size and the family word
    before it, whole words only: the org goes first, then the words after the size
    (``-Instruct``), then the words before the family (``Meta-``)."""
    import re

    for width in range(12, 31):
        shown = distinct_middle([label], width)[label]
        assert cell_width(shown) <= width, (width, shown)
        if shown == label:
            continue
        assert re.search(rf"(?<![\w.]){re.escape(size)}(?!\w)", shown), (width, shown)
        assert any(word in shown for word in family), (width, shown)
        # whole words: every piece between marks is a run of whole words of the label
        for piece in filter(None, shown.split("…")):
            at = label.find(piece)
            assert at >= 0, (width, shown)
            before, after = label[at - 1 : at], label[at + len(piece) : at + len(piece) + 1]
            assert before in ("", "/", "-", "_", " ") and after in ("", "-", "_", " "), (
                width,
                shown,
            )
    assert distinct_middle([LONE_MODELS[0][0]], 24) == {LONE_MODELS[0][0]: "…Meta-Llama-3.1-70B…"}


def test_runs_split_by_metric_keep_the_metric_whole_after_the_shared_model() -> None:
    """One --label over a folder of runs split by metric (``model · acc``, ``model · mae``):
    at the run column's 16 cells they read 'meta-lla…t · acc', 'meta-ll… · match': told apart
    at both ends but unreadable. The metric (the part that tells them apart) is whole after
    the model cut as a model is, the ' · ' whole between them."""
    model = "meta-llama/Meta-Llama-3.1-70B-Instruct"
    metrics = ["acc", "bleu_max", "exact_match", "mae", "match", "winrate"]
    labels = [model, *(f"{model} · {metric}" for metric in metrics)]
    labels.append(f"{model} · winrate_divided_by_optimal")
    for width in range(12, 41):
        shown = distinct_middle(labels, width)
        assert len(set(shown.values())) == len(labels), (width, shown)
        for label, text in shown.items():
            assert cell_width(text) <= width, (width, text)
            assert "…·" not in text and "·…" not in text, (width, text)
            assert text.count("·") == text.count(" · "), (width, text)
            metric = label.partition(" · ")[2]
            if metric and cell_width(f"… · {metric}") <= width:
                assert text.endswith(f" · {metric}"), (width, text)
    shown = distinct_middle(labels, 16)
    assert shown[labels[1]] == "…70B… · acc" and shown[labels[0]] == "…Llama-3.1-70B…", shown
    assert distinct_middle(labels, 24)[labels[1]] == "…Llama-3.1-70B… · acc"


def test_a_cut_after_the_words_that_tell_labels_apart_ends_at_a_word() -> None:
    """Beside other models, the end after the words that tell a label apart was cut anywhere:
    '…Qwen2.5-Math-7B-In…' and '…Meta-Llama-3.1-70B-Ins…' at 20 and 24 cells."""
    labels = [
        "meta-llama/Meta-Llama-3.1-70B-Instruct",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
        "Qwen/Qwen2.5-Math-7B-Instruct",
    ]
    for width in (18, 20, 24):
        shown = distinct_middle(labels, width)
        assert shown[labels[0]] in ("…Meta-Llama-3.1-70B…", "…Llama-3.1-70B…"), shown
        assert shown[labels[2]] == "…Qwen2.5-Math-7B…", shown


ID_CUTS = [
    # (id, limit, shown): both ends kept, the end the longer (ids differ at their end)
    ("negotiationtom_intention:12", 24, "negotiation…intention:12"),
    ("negotiationtom_intention:13", 24, "negotiation…intention:13"),
    ("a" * 24, 24, "a" * 24),  # exactly fitting: whole
    ("a" * 23 + ":7", 24, "a" * 11 + "…" + "a" * 10 + ":7"),  # one cell over: cut
    ("toy\nmath_gen:0", 24, "toy␊math_gen:0"),  # a control stays visible
    ("toy\ttask_" + "x" * 20 + ":5", 12, "toy␉t…xxxx:5"),
    ("题目一二三四五六七八九十题目:12", 24, "题目一二三…九十题目:12"),  # by cells, never split
    ("题目一二三四五六七八九十:1", 24, "题目一二三…六七八九十:1"),  # 26 cells: 23 shown
    ("题目一二三四五六七八九十", 24, "题目一二三四五六七八九十"),  # 24 cells: whole
    ("题目一二三四五六七八九十x", 24, "题目一二三…六七八九十x"),  # one cell over
    ("x" * 500 + ":99", 24, "x" * 11 + "…" + "x" * 9 + ":99"),
    ("", 24, ""),
]


@pytest.mark.parametrize(("text", "limit", "shown"), ID_CUTS)
def test_an_id_is_cut_in_its_middle_and_its_polars_form_agrees(
    text: str, limit: int, shown: str
) -> None:
    """A prompt id cut at its end read the same for every row of a task
    ('negotiationtom_intentio…'): cut in its middle, the end that tells rows apart is kept,
    wide characters cut by the cells they take, controls shown; the polars expression (with
    its Python path for wide characters) makes the same cells, padded too."""
    import polars as pl

    from evaltui.data.sanitize import id_line, one_line_expr

    assert id_line(text, limit) == shown
    assert cell_width(shown) <= limit
    frame = pl.DataFrame({"v": [text]})
    assert frame.select(one_line_expr("v", limit, names=True))["v"].item() == shown
    padded = frame.select(one_line_expr("v", limit, pad=True, names=True))["v"].item()
    assert padded == shown + " " * (limit - cell_width(shown))
