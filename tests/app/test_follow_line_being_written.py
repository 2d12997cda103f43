"""A followed eval writes its lines in parts (a line flushed half, then the rest a second or two
later): the header does not change while a line is half written. Its note ("its last line is
still being written") counted in the header made "notes 1 (b)" come and go with every line cut
so, and with two runs it moved the header from one line to two and back (the runs' accuracies
shown as a range to make room), so the table jumped a row under the user every few seconds."""

from __future__ import annotations

from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.app.screens.problems import ProblemsScreen
from evaltui.data.loader import LoadOptions
from tests.app.test_follow_app import counts, line, until_counted, until_following, wait_until
from tests.app.test_screens import screen_text, static

RUNS = ("meta-llama__Meta-Llama-3.1-70B-Instruct", "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B")


async def test_a_line_half_written_leaves_the_header_as_it_is(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "evals"
    files = []
    for n, run in enumerate(RUNS):
        out = data / run / "inference_0.jsonl"
        out.parent.mkdir(parents=True)
        out.write_text("".join(line(p, (p + n) % 3 != 0) for p in range(20 + n)), encoding="utf-8")
        files.append(out)
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_counted(pilot, app)
        await until_following(pilot, app)
        before = static(app, "#summary")
        assert "notes" not in before, before

        half = line(50, True)
        with files[0].open("a", encoding="utf-8") as handle:
            handle.write(half[:15])  # vLLM's writer flushed part of a line
        await wait_until(
            pilot,
            lambda: (
                app.result is not None
                and any("still being written" in note for note in app.result.notes)
            ),
        )
        await pilot.pause(0.3)
        assert static(app, "#summary") == before
        # The note is there for who looks (b), as before.
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        shown = screen_text(app)
        assert "its last line is still being written" in " ".join(shown.split()), shown
        await pilot.press("escape")

        with files[0].open("a", encoding="utf-8") as handle:
            handle.write(half[15:])
        await wait_until(pilot, lambda: counts(app).get("Problem 50") == 1)
        assert app.result is not None
        assert not any("still being written" in note for note in app.result.notes)
        await pilot.pause(0.3)
        after = static(app, "#summary")
        assert after.count("\n") == before.count("\n"), (before, after)
