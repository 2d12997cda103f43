"""While following, the table's column widths stay steady: a number column that grows takes a
digit of room more, so its next digit does not widen it again, and no column narrows when rows
go (each width change draws every line of the table again)."""

from __future__ import annotations

import json
from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.app.display import column_widths, table_layout
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import SIZE, counts, line, one_run, until_following, wait_until
from tests.app.test_screens import screen_text


def words_line(prompt: int, words: int) -> str:
    """A generation of ``words`` + 4 words (the word tokenizer's tokens)."""
    gen = "".join(f"w{i} " for i in range(words)) + f"the answer is {prompt}"
    return json.dumps({"prompt": f"Problem {prompt}", "gen": gen, "answer": str(prompt)}) + "\n"


def width_of(app: EvalApp, column: str) -> int:
    layout = app.shown_layout
    assert layout is not None
    names = [name for name, _label, _kind in layout.columns]
    return layout.widths[names.index(column)]


async def test_a_followed_number_column_grows_with_room_for_a_digit_and_never_narrows(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    first = "".join(line(p, p % 2 == 0) for p in range(1, 6))
    data, out = one_run(tmp_path, first + first)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(counts(app)) == 5)
        await until_following(pilot, app)
        await wait_until(
            pilot,
            lambda: (
                app.result is not None
                and app.result.complete
                and app.rows is not None
                and app.rows["max_gen_length"].null_count() == 0
            ),
        )
        await wait_until(pilot, lambda: getattr(app.main.current_table(), "has_focus", False))
        assert width_of(app, "max_gen_length") == 1  # "the answer is 3": 4 tokens

        # 16 tokens: two digits, and one of room (a table made afresh has two).
        with out.open("a", encoding="utf-8") as handle:
            handle.write(words_line(6, 12))
        await wait_until(pilot, lambda: "Problem 6" in counts(app))
        await pilot.pause(0.3)
        assert app.rows is not None and app.shown_layout is not None
        prompt, run = column_widths(app.size.width)
        fresh = table_layout(app.rows, prompt, run, app.size.width)
        assert width_of(app, "max_gen_length") == 3
        assert fresh.widths[[c for c, _l, _k in fresh.columns].index("max_gen_length")] == 2
        table = app.main.current_table()
        assert table is not None
        columns, widths = table.ordered_columns, list(app.shown_layout.widths)

        # 124 tokens: the room taken, no column made again (the table was drawn again whole).
        with out.open("a", encoding="utf-8") as handle:
            handle.write(words_line(7, 120))
        await wait_until(pilot, lambda: "Problem 7" in counts(app))
        await pilot.pause(0.3)
        assert app.shown_layout.widths == widths
        assert table.ordered_columns is columns
        row = next(text for text in screen_text(app).splitlines() if "Problem 7" in text)
        assert " 124 " in row

        # The long generations' rows gone (the file rewritten as it was): no column narrows.
        out.write_text(first + first, encoding="utf-8")
        await wait_until(pilot, lambda: "Problem 7" not in counts(app) and len(counts(app)) == 5)
        await pilot.pause(0.3)
        assert app.shown_layout.widths == widths
        assert table.ordered_columns is columns

        # Not following, a view is measured afresh.
        await pilot.press("F")
        await wait_until(pilot, lambda: not app.following.is_set())
        app.request_view(app.wanted)
        await wait_until(pilot, lambda: width_of(app, "max_gen_length") == 1)
        await pilot.press("ctrl+q")
