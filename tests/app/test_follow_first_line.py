"""A followed app makes its counter once the table is painted, not on the first new line."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from tests.app.test_follow_app import counts, line, one_run, until_following, wait_until


async def test_the_counter_is_made_after_the_first_paint_before_any_line(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The first line appended after a load waited ~1.8 s (the counter made on first use, the
    delay target being 1 s): it is made once the table is painted, with nothing written."""
    data, out = one_run(tmp_path, line(1, True) + line(2, False))
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_following(pilot, app)
        follower = app.follower
        assert follower is not None
        await wait_until(pilot, lambda: follower.counter is not None)
        counter = follower.counter
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line(3, True))
        await wait_until(pilot, lambda: counts(app).get("Problem 3") == 1)
        assert follower.counter is counter
        fresh = load([data], options)
        assert app.result is not None and app.result.stats.equals(fresh.stats)
