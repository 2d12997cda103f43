"""F turned on again after a while not following: the lines written meanwhile are read as a
catch-up ("N caught up"), not as new generations seen arriving in the last minute."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import counts, line, one_run, until_following, wait_until


async def test_lines_written_while_not_followed_are_caught_up_not_new(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Followed, F off, five lines written, F on: the follow line said "5 new generations in
    the last minute"; it says 0 new and 5 caught up (their rows are in the table). Two lines
    written then are new."""
    data, out = one_run(
        tmp_path, line(1, True) + line(2, False), "meta-llama/Meta-Llama-3.1-70B-Instruct"
    )
    app = EvalApp([str(data)], LoadOptions(model=str(word_tokenizer), use_cache=False), follow=True)
    async with app.run_test(size=(120, 24)) as pilot:
        await wait_until(pilot, lambda: counts(app) == {"Problem 1": 1, "Problem 2": 1})
        status = await until_following(pilot, app)
        await pilot.press("F")
        await wait_until(pilot, lambda: "following" not in str(status.render()))
        with out.open("a", encoding="utf-8") as handle:
            handle.write("".join(line(p, True) for p in range(3, 8)))
        await pilot.pause(0.5)
        assert "Problem 3" not in counts(app)
        await pilot.press("F")
        await wait_until(pilot, lambda: counts(app).get("Problem 7") == 1)
        await wait_until(pilot, lambda: "caught up" in str(status.render()))
        said = str(status.render())
        assert "0 new generations in the last minute · 5 caught up" in said, said

        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(8, True) + line(9, False))
        await wait_until(pilot, lambda: counts(app).get("Problem 9") == 1)
        await wait_until(pilot, lambda: "2 new" in str(status.render()))
        said = str(app.main.query_one("#progress", Static).render())
        assert "2 new generations in the last minute · 5 caught up" in said, said
        await pilot.press("ctrl+q")
