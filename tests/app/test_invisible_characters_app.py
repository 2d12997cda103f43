"""A prompt holding invisible format characters (a soft hyphen, invisible math operators, tag
characters spelling hidden text) shows each as U+FFFD in the table and the prompt view at 80x24;
an emoji joined by zero-width joiners stays one emoji, and the table's columns stay aligned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from tests.app.conftest import settle
from tests.app.test_hostile_notifications import sent_to_terminal

TAGS = "\U000e0068\U000e0069\U000e007f"  # tag characters: a hidden "hi", then CANCEL TAG
PROMPT = f"pass\u00adword x\u2062y hidden{TAGS} end"
FAMILY = "👨\u200d👩\u200d👧"
GEN = f"family {FAMILY} ok, a\u200db done"
INVISIBLE = "\u00ad\u2062\u034f" + "".join(chr(code) for code in range(0xE0000, 0xE0080))


async def test_invisible_characters_in_a_prompt_are_shown_at_80x24(
    tmp_path: Path, make_app: Any
) -> None:
    # Before: "password xy hidden end" on screen, the soft hyphen, the invisible times and the
    # hidden "hi" sent to the terminal unmarked (the tag characters take no cell there).
    folder = tmp_path / "evals" / "toy-model"
    folder.mkdir(parents=True)
    lines = [{"prompt": PROMPT, "gen": GEN, "answer": "1"}, {"prompt": "Q2", "gen": "2"}]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    app = make_app(tmp_path / "evals")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sent = sent_to_terminal(app)
        assert not set(INVISIBLE) & set(sent)
        rows = [line for line in sent.splitlines() if "toy-model" in line]
        assert len(rows) == 2, sent
        assert "pass\ufffdword x\ufffdy hidden\ufffd" in rows[0], rows[0]
        # The run column starts at the same cell on both rows.
        starts = [cell_len(row[: row.index("toy-model")]) for row in rows]
        assert starts[0] == starts[1], rows
        await pilot.press("enter")
        await settle(pilot)
        sent = sent_to_terminal(app)
        assert not set(INVISIBLE) & set(sent)
        assert "pass\ufffdword x\ufffdy hidden\ufffd\ufffd\ufffd end" in sent
        assert f"family {FAMILY} ok, a\ufffdb done" in sent
