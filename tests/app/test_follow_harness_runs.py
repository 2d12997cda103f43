"""The app following a harness's run to its end as the harness writes it (AISBench's working
copy, then its finished predictions, the copy deleted, the results last): the table ends as a
fresh open of the final files shows it, and following goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

from evaltui.app.app import EvalApp
from evaltui.data.loader import LoadOptions, load
from tests.app.test_follow_app import until_following, wait_until
from tests.data.test_follow_harnesses import AISBENCH, AISBENCH_MODEL


async def test_an_aisbench_run_followed_to_its_end(tmp_path: Path, word_tokenizer: Path) -> None:
    """Each step waits for the app to show it. The working copy's deletion stopped the follow
    worker (an IndexError toast), and nothing written after it reached the table."""
    data = tmp_path / "data"
    work = data / "outputs" / AISBENCH.name
    predictions = Path("predictions") / AISBENCH_MODEL
    (work / predictions / "tmp").mkdir(parents=True)
    finished = predictions / "toy_gsm8k.jsonl"
    results = Path("results") / AISBENCH_MODEL / "toy_gsm8k.json"
    lines = (AISBENCH / finished).read_bytes().splitlines(keepends=True)
    copy = work / predictions / "tmp" / "tmp_20261123_200300_1234.jsonl"
    copy.write_bytes(lines[0])
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    app = EvalApp([str(data)], options, follow=True)
    errors: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        notify = app.notify

        def noted(message: str, *args: object, **kwargs: object) -> None:
            if kwargs.get("severity") == "error":
                errors.append(message)
            notify(message, *args, **kwargs)  # type: ignore[arg-type]

        app.notify = noted  # type: ignore[method-assign]
        await until_following(pilot, app)

        def generations() -> int:
            return 0 if app.result is None else app.result.generations.height

        copy.write_bytes(b"".join(lines[:3]))
        await wait_until(pilot, lambda: generations() == 3)
        (work / finished).write_bytes(b"".join(lines))
        await wait_until(pilot, lambda: generations() == len(lines))
        copy.unlink()
        await wait_until(
            pilot,
            lambda: (
                app.result is not None and not any(copy.name in f.source for f in app.result.files)
            ),
        )
        (work / results).parent.mkdir(parents=True)
        shutil.copyfile(AISBENCH / results, work / results)
        fresh = load([data], options)
        await wait_until(
            pilot, lambda: app.result is not None and app.result.stats.equals(fresh.stats)
        )
        assert errors == []
        assert app.following.is_set()
        await pilot.press("ctrl+q")
