"""A run's file whose last line was cut (a crashed eval) opened without following: the app said
"its last line is still being written (read once it ends)" and counted a bad line fewer than
``evaltui summarize`` of the same file. Not following, the cut line is the bad line a load calls
it, as headless; followed later (F), the line completed is read once, and no longer bad."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from tests.app.test_follow_app import counts, line, one_run, until_following, wait_until


async def test_a_cut_last_line_is_a_bad_line_until_followed_and_completed(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    cut = line(4, True)
    data, out = one_run(tmp_path, "".join(line(p, p % 2 == 0) for p in range(1, 4)) + cut[:20])
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    headless = load([str(data)], options)
    assert [e.line for e in headless.errors] == [4]

    app = EvalApp([str(data)], options)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.follower is not None and app.result is not None)
        result = app.result
        assert result is not None
        assert [(e.source, e.line, e.reason) for e in result.errors] == [
            (e.source, e.line, e.reason) for e in headless.errors
        ]
        assert not any("still being written" in note for note in result.notes)
        assert [f.errors for f in result.files] == [f.errors for f in headless.files]

        await pilot.press("F")
        await until_following(pilot, app)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(cut[20:])
        await wait_until(pilot, lambda: "Problem 4" in counts(app))
        assert app.result is not None
        assert app.result.errors == []
        assert counts(app) == {f"Problem {p}": 1 for p in range(1, 5)}
        assert [f.errors for f in app.result.files] == [0]
        await pilot.press("ctrl+q")
