"""The follow line's "N new generations in the last minute" counts what is on the table: an
eval restarted over its output (the file truncated back) left it at the lines cut away."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import counts, line, one_run, wait_until
from tests.app.test_follow_line_widths import follow_line


async def test_lines_truncated_away_leave_the_new_generations_count(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    start = line(1, True)
    data, out = one_run(tmp_path, start)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "following" in follow_line(app))
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(2, False) + line(3, True) + line(4, True))
        await wait_until(pilot, lambda: len(counts(app)) == 4)
        await wait_until(pilot, lambda: "following · 3 new generations" in follow_line(app))
        out.write_text(start, encoding="utf-8")  # the eval restarted: truncated, read again
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1})
        await wait_until(pilot, lambda: "following · 0 new generations" in follow_line(app))
        with out.open("a", encoding="utf-8") as handle:  # written again: new again
            handle.write(line(2, True))
        await wait_until(pilot, lambda: len(counts(app)) == 2)
        await wait_until(pilot, lambda: "following · 1 new generation " in follow_line(app))
        await pilot.press("ctrl+q")
