"""Screens at the small terminals people split their panes into (60×20, 40×15): the rows a
screen is for stay in sight, with what they are of."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from tests.app.conftest import settle
from tests.app.test_screens import LONG_A, LONG_B, open_compare, screen_text, write_runs

SMALL = [(40, 15), (60, 20)]


@pytest.mark.parametrize("size", SMALL)
async def test_compare_shows_its_headline_and_rows_in_a_small_terminal(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 40×15 the screen scrolled: the headline was off the top, the counts stood one or two
    letters wide beside the matrix ('pr', 'om', 'pt', …) and three rows at most were left."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, wordy=True))
    async with app.run_test(size=size) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert screen.max_scroll_y == 0  # the screen fits: nothing above the first line
        lines = screen_text(app).splitlines()
        assert lines[0].startswith(" B − A accuracy: +7.5 pts")
        # The counts read as words, never a column of letter pairs.
        assert "improved 4" in " ".join(lines)
        assert not any(re.match(r"^ [a-z]{2}  ", line) for line in lines), lines
        header = next(i for i, line in enumerate(lines) if "A acc  B acc" in line)
        rows = [line for line in lines[header + 1 :] if re.match(r"\s*[-+ ]?\d\.\d{3}", line)]
        assert len(rows) >= 5, lines
        assert rows[0].split()[:3] == ["-0.750", "0.750", "0.000"]
        await pilot.press("i")
        await settle(pilot)
        assert screen.max_scroll_y == 0


@pytest.mark.parametrize("size", [(80, 24), *SMALL])
async def test_compare_labels_are_told_apart_when_cut(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """Cut in the middle to fit, both labels read 'meta-l…struct' at 40 columns."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        labels = next(line for line in screen_text(app).splitlines() if " A = " in line)
        found = re.match(r"^ A = (.+?)\s{3}B = (.+?)\s*$", labels)
        assert found is not None, labels
        a, b = found.groups()
        assert a != b and is_cut_from(a, LONG_A) and is_cut_from(b, LONG_B)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_a_prompt_opened_from_compare_tells_the_runs_apart(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """From compare, the title was cut after 'id' at 80 columns, both runs read
    'meta-l…truct' in it and on the vote lines, and every generation in the list began
    'meta-llama/Meta-Llama-3…', A's and B's alike."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.press("i", "down", "enter")  # q9: A 0 of 8 correct, B 4 of 8
        await settle(pilot)
        await pilot.pause(0.2)
        lines = screen_text(app).splitlines()
        title = " ".join(lines[:2])
        assert "id toy_math_inspect:q9" in title, lines[:2]
        counts = re.findall(r"(\S+) (\d/8) correct", title)
        assert [count for _, count in counts] == ["0/8", "4/8"], title
        a, b = (label for label, _ in counts)
        assert a != b and is_cut_from(a, LONG_A) and is_cut_from(b, LONG_B)
        votes = [line for line in lines if "votes:" in line]
        assert len(votes) == 2, votes
        voters = [re.findall(r"(\S+) votes: ", line)[0] for line in votes]
        assert is_cut_from(voters[0], LONG_A) and is_cut_from(voters[1], LONG_B), votes
        assert voters[0] != voters[1] and "votes: -1 ×8 ✗ (agreement" in votes[0]
        assert "votes: 9 ×4 ✓ · -1 ×4 ✗" in votes[1], votes
        if size[0] >= 80:  # whole, the labels giving way
            assert votes[1].rstrip().endswith("(agreement 50%)"), votes
        # The list: A's 8 generations, then B's 8, each labelled as its own run.
        options = app.screen.query_one("#generations", OptionList)
        listed = [str(options.get_option_at_index(i).prompt) for i in range(16)]
        firsts = [text.split(" #")[0].strip() for text in listed]
        assert len(set(firsts[:8])) == 1 and len(set(firsts[8:])) == 1, firsts
        assert is_cut_from(firsts[0], LONG_A) and is_cut_from(firsts[8], LONG_B), firsts


def is_cut_from(shown: str, label: str) -> bool:
    """``shown`` is ``label`` cut to fit: its pieces around '…' are the label's, in order."""
    pieces = [piece for piece in shown.split("…") if piece]
    at = 0
    for piece in pieces:
        at = label.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return bool(pieces)


async def test_a_prompt_opened_from_compare_gives_both_counts_at_40_columns(
    tmp_path: Path, make_app: Any
) -> None:
    """At 40 columns the title's second line ended in B's label: its count was cut off."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(40, 15)) as pilot:
        await open_compare(pilot)
        await pilot.press("i", "down", "enter")  # q9: A 0 of 8 correct, B 4 of 8
        await settle(pilot)
        await pilot.pause(0.2)
        second = screen_text(app).splitlines()[1]
        counts = re.findall(r"(\S+) (\d/8) correct", second)
        assert [count for _, count in counts] == ["0/8", "4/8"], second
        a, b = (label for label, _ in counts)
        assert a != b and is_cut_from(a, LONG_A) and is_cut_from(b, LONG_B)


async def test_a_prompt_opened_from_compare_fits_its_title_again_after_a_resize(
    tmp_path: Path, make_app: Any
) -> None:
    """Opened at 100 columns, then narrowed to 60: the title kept the labels cut for 100, and
    B's count fell off the line's end."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_compare(pilot)
        await pilot.press("i", "down", "enter")  # q9: A 0 of 8 correct, B 4 of 8
        await settle(pilot)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        await pilot.pause(0.2)
        second = screen_text(app).splitlines()[1]
        counts = re.findall(r"(\S+) (\d/8) correct", second)
        assert [count for _, count in counts] == ["0/8", "4/8"], second
        await pilot.resize_terminal(100, 30)  # and wider again: the labels take the room
        await settle(pilot)
        await pilot.pause(0.2)
        wide = screen_text(app).splitlines()[1]
        assert len(wide.strip()) > len(second.strip()) and wide.rstrip().endswith("4/8 correct")


async def test_a_prompts_vote_lines_fit_again_after_a_resize(tmp_path: Path, make_app: Any) -> None:
    """Opened at 200 columns and narrowed to 60, the vote lines kept the full labels and the
    votes fell off the line's end; opened narrow and widened, the labels stayed cut."""
    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B))
    async with app.run_test(size=(200, 30)) as pilot:
        await open_compare(pilot)
        await pilot.press("i", "down", "enter")  # q9: A votes -1 ×8, B 9 ×4 · -1 ×4
        await settle(pilot)
        await pilot.pause(0.2)

        def vote_lines() -> list[str]:
            return [line for line in screen_text(app).splitlines() if " votes: " in line]

        assert [LONG_A in line for line in vote_lines()] == [True, False]
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        await pilot.pause(0.2)
        narrow = vote_lines()
        assert len(narrow) == 2, screen_text(app)
        assert "votes: -1 ×8 ✗" in narrow[0] and "votes: 9 ×4 ✓ · -1 ×4 ✗" in narrow[1], narrow
        await pilot.resize_terminal(200, 30)  # and wider again: the labels take the room
        await settle(pilot)
        await pilot.pause(0.2)
        wide = vote_lines()
        assert f"{LONG_A} votes: -1 ×8" in wide[0] and f"{LONG_B} votes: 9 ×4" in wide[1], wide


def dialog_words(app: Any) -> str:
    """The words inside the dialog's frame (between its '█' sides), lines joined."""
    inside = [
        line[line.index("█") + 1 : line.rindex("█")]
        for line in screen_text(app).splitlines()
        if line.count("█") >= 2
    ]
    return " ".join(" ".join(inside).split())


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_dialogs_first_lines_are_whole_in_a_small_terminal(
    tmp_path: Path, make_app: Any, size: tuple[int, int]
) -> None:
    """At 60 columns the re-score dialog's first line read "Re-score the generations (the files
    are not", the sort menu's "Sort by (enter; the same column again flip" and the run picker's
    second question lost its end: the labels are wrapped to the dialog now."""
    from tests.app.test_screens import THIRD

    app = make_app(write_runs(tmp_path / "runs", LONG_A, LONG_B, THIRD))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key, words in (
            ("R", "Re-score the generations (the files are not touched) with"),
            ("s", "Sort by (enter; the same column again flips ↑/↓)"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert words in dialog_words(app), screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("m", "enter")  # compare: A picked, now which B
        await settle(pilot)
        said = dialog_words(app)
        assert "A (baseline) = " in said and "Compare with which run? Pick B, enter" in said, said
