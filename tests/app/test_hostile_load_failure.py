"""A load that fails names the files it could not read: the bad lines screen (``b``) shows that
message literally, its control characters made visible, like every other line it lists."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.data.loader import LoadOptions
from tests.app.conftest import problems_text, settle
from tests.app.test_hostile_notifications import NAME, RAW, sent_to_terminal


async def test_the_bad_lines_screen_of_a_failed_load_shows_the_reason_inert(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Nothing readable: ``b`` listed the load's reason raw, with the file's name in it, so a
    file named with OSC 0 retitled the terminal and ESC[2J cleared it (the main screen's
    "Could not load" line was already made visible)."""
    folder = tmp_path / "data" / "m"
    folder.mkdir(parents=True)
    (folder / f"x{NAME}.jsonl").write_text("{\n", encoding="utf-8")
    app = EvalApp([str(tmp_path / "data")], LoadOptions(model=str(word_tokenizer), use_cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result is None and app.load_error is not None
        assert "\x1b" in app.load_error  # the reason names the file as it is
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = problems_text(app)
        # one line, as every line there: the CR folded to a space, controls made visible
        assert "m/x␛]0;PWNED␇␛[2J\ufffd31m\ufffd [@click=app.quit]x.jsonl" in text
        shown = sent_to_terminal(app)
        assert "no readable samples file" in shown
        assert RAW.search(shown) is None, RAW.findall(shown)
        await pilot.press("q", "q")
