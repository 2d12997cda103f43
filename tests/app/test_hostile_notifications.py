"""Notifications (toasts) show input text literally: a file name, a run label or a scorer's
message in a toast never reaches the terminal as an escape sequence.

Pilot runs without toasts by default (``run_test(notifications=False)``): these tests turn them
on, so what is checked is what the terminal is sent."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import line, until_following, wait_until

# What a terminal acts on or hides: C0 controls but newline, DEL, C1, bidi and zero-width.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e\r[bold]x[/]"
NAME = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e\r[@click=app.quit]x"  # a file name has no "/"


def sent_to_terminal(app: EvalApp) -> str:
    """The text of every segment the screen would send (control segments left out)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True)
    update = app.screen._compositor.render_update(full=True)
    return "".join(s.text for s in console.render(update) if not s.control)


async def test_a_follow_note_naming_a_hostile_file_is_shown_inert(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """ "<file> was rewritten: read again" went to a toast with the file's name raw: a file named
    with OSC 0 retitled the terminal, ESC[2J cleared it, U+202E reversed the toast."""
    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    out = data / f"out{NAME}.jsonl"
    out.write_text(line(1, True) + line(2, False) + line(3, True), encoding="utf-8")
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data.parent)], options, follow=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until_following(pilot, app)
        out.write_text(line(1, False), encoding="utf-8")  # rewritten, shorter
        await wait_until(pilot, lambda: any("rewritten" in n.message for n in app._notifications))
        await wait_until(pilot, lambda: "rewritten" in sent_to_terminal(app))  # the toast drawn
        (note,) = [n.message for n in app._notifications if "rewritten" in n.message]
        assert note == (
            "m/out␛]0;PWNED␇␛[2J\ufffd31m\ufffd␍[@click=app.quit]x.jsonl was rewritten: read again"
        )
        shown = sent_to_terminal(app)
        assert "rewritten" in shown and "m/out␛]0;PWNED␇␛[2J" in shown  # the toast, literally
        assert RAW.search(shown) is None, RAW.findall(shown)
        await pilot.press("ctrl+q")


async def test_every_notification_is_made_visible(tmp_path: Path, word_tokenizer: Path) -> None:
    """One place for every toast: message and title alike, newlines kept."""
    data = tmp_path / "data" / "m"
    data.mkdir(parents=True)
    (data / "out.jsonl").write_text(line(1, True), encoding="utf-8")
    app = EvalApp([str(data.parent)], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(0.2)
        app.notify(f"first {HOSTILE}\nsecond", title=f"t{HOSTILE}", severity="warning")
        await wait_until(pilot, lambda: "[bold]x[/]" in sent_to_terminal(app))  # the toast drawn
        (shown,) = [n for n in app._notifications if n.message.startswith("first")]
        assert shown.message == "first ␛]0;PWNED␇␛[2J\ufffd31m\ufffd␍[bold]x[/]\nsecond"
        assert shown.title == "t␛]0;PWNED␇␛[2J\ufffd31m\ufffd␍[bold]x[/]"
        assert not shown.markup
        screen = sent_to_terminal(app)
        assert "[bold]x[/]" in screen and RAW.search(screen) is None, RAW.findall(screen)
        await pilot.press("ctrl+q")
