"""A warm app load takes its rows from the cache and reads generation text back on demand: it must
show exactly what a cold load shows, and never another version's text."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.app.app import EvalApp
from evaltui.app.screens.prompt import TEXT_LOADING, PromptScreen
from evaltui.data.export import export_view
from evaltui.data.loader import LoadOptions
from tests.app.conftest import settle, write_evals
from tests.app.test_follow_app import wait_until

SIZE = (80, 24)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def make_data(root: Path) -> Path:
    """Plain JSONL (line-based: read back by offset), a SkyThought results.json (one document:
    read back whole) and an lm-eval samples file (line-based, read whole by its reader)."""
    write_evals(root)
    shutil.copy(
        FIXTURES / "skythought" / "v1b_list_feb2025" / "results.json",
        root / "model_a" / "results.json",
    )
    lm_eval = FIXTURES / "lm_eval" / "outputs" / "run_scripted" / "toy-org__scripted-model-v1"
    target = root / "lm" / "toy-org__scripted-model-v1"
    target.mkdir(parents=True)
    for name in os.listdir(lm_eval):
        if name.startswith("samples_toy_math_gen") or name.startswith("results_"):
            shutil.copy(lm_eval / name, target / name)
    return root


def app_for(data: Path, cache: Path, tokenizer: Path) -> EvalApp:
    return EvalApp([str(data)], LoadOptions(model=str(tokenizer), cache_dir=cache))


async def snapshot(app: EvalApp, out: Path) -> dict[str, Any]:
    """What the app shows and exports: stats, every prompt screen's texts, every export."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        result = app.result
        assert result is not None and result.complete and app.rows is not None
        texts = {}
        for run, prompt_id in result.stats.select("run", "prompt_id").iter_rows():
            screen = PromptScreen(run, prompt_id)
            app.push_screen(screen)
            await settle(pilot)  # a warm load's text is read back in a worker
            assert screen.text_error is None and not screen.text_loading
            shown = screen.show_generation()
            texts[(run, prompt_id)] = (
                screen.generations["gen"].to_list(),
                screen.generations["sample"].to_list(),
                None if shown is None else shown.plain,
                screen.query_one("#prompt-text").render().plain,  # type: ignore[attr-defined]
            )
            app.pop_screen()
            await pilot.pause()
        exports = {}
        for kind, name in (("combined", "c.json"), ("records", "r.jsonl"), ("csv", "s.csv")):
            path = out / name
            export_view(kind, app.rows, result.generations, result.files, path)  # type: ignore[arg-type]
            exports[kind] = path.read_bytes()
        return {
            "stats": result.stats,
            "texts": texts,
            "exports": exports,
            "hits": result.cache_hits,
            "held": result.generations["gen"].null_count(),
            "rows": result.generations.height,
        }


async def test_warm_app_shows_what_a_cold_one_does(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = make_data(tmp_path / "evals")
    cache = tmp_path / "cache"
    (tmp_path / "cold").mkdir()
    (tmp_path / "warm").mkdir()
    cold = await snapshot(app_for(data, cache, word_tokenizer), tmp_path / "cold")
    warm = await snapshot(app_for(data, cache, word_tokenizer), tmp_path / "warm")
    files = len(list(data.rglob("samples*.jsonl"))) + 2  # two plain files, results.json
    assert cold["hits"] == 0 and cold["held"] == 0
    # The warm load took every file's rows from the cache and held no generation text...
    assert warm["hits"] == files and warm["held"] == warm["rows"] > 0
    # ... and shows the same stats, the same texts on every prompt screen, the same exports.
    assert warm["stats"].equals(cold["stats"])
    assert len(warm["texts"]) == cold["stats"].height > 10
    assert warm["texts"] == cold["texts"]
    assert all(gens and None not in gens for gens, *_ in warm["texts"].values())
    assert warm["exports"] == cold["exports"]


async def test_a_file_changed_since_caching_is_read_again(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    cache = tmp_path / "cache"
    app = app_for(data, cache, word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    samples = data / "model_b" / "samples.jsonl"
    lines = samples.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["gen"] = "rewritten since it was cached \\boxed{0}"
    lines[0] = json.dumps(first)
    samples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = app_for(data, cache, word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None
        report = next(f for f in app.result.files if f.source.endswith("model_b/samples.jsonl"))
        assert not report.cached  # the cached rows are another version's
        prompt_id = app.result.generations.filter(pl.col("source") == report.source)["prompt_id"][0]
        screen = PromptScreen("model_b", prompt_id)
        app.push_screen(screen)
        await settle(pilot)
        assert screen.generations["gen"][0] == "rewritten since it was cached \\boxed{0}"
        assert screen.generations["gen_length"][0] == 6  # counted again, not the old length


async def test_text_of_a_file_rewritten_after_loading_is_refused(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    cache = tmp_path / "cache"
    app = app_for(data, cache, word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    app = app_for(data, cache, word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.cache_hits == 3
        samples = data / "model_a" / "samples.jsonl"
        # Same lines, other texts: offsets now point into other records.
        text = samples.read_text(encoding="utf-8").replace("step", "STEP")
        samples.write_text(text, encoding="utf-8")
        prompt_id = app.result.generations.filter(pl.col("run") == "model_a")["prompt_id"][0]
        screen = PromptScreen("model_a", prompt_id)
        app.push_screen(screen)
        await settle(pilot)
        assert screen.text_error is not None and "has changed since it was loaded" in (
            screen.text_error
        )
        assert screen.generations["gen"].null_count() == screen.generations.height
        shown = screen.show_generation()
        assert shown is not None and "has changed since it was loaded" in shown.plain
        assert "STEP" not in shown.plain and "step" not in shown.plain


async def test_the_snapshot_table_comes_first_and_keys_needing_generations_wait(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm load of unchanged inputs shows the cache's snapshot of the stats at once, while
    the generation rows are read behind it: the keys that need them say so, none crashes."""
    import threading

    from evaltui.app.screens.main import header_text
    from evaltui.data.cache import Cache

    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    cache = tmp_path / "cache"
    app = app_for(data, cache, word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None
        cold_stats = app.result.stats
    release = threading.Event()
    get_rows = Cache.get_rows

    def slow_rows(self: Cache, key: str) -> Any:
        release.wait(30)  # the rows arrive only when the test says so
        return get_rows(self, key)

    monkeypatch.setattr(Cache, "get_rows", slow_rows)
    app = app_for(data, cache, word_tokenizer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.rows is not None)  # the snapshot's table
        result = app.result
        assert result is not None and result.generations_pending and app.rows is not None
        assert result.stats.equals(cold_stats) and result.generations.height == 0
        # at 80 columns one of the parts the line counts ("+N more (t)"); t shows it
        assert "generations loading" in header_text(result, 80, whole=True)
        for key in ("enter", "p", "e", "t", "m"):
            await pilot.press(key)
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert any(m.startswith("still reading the generations: ") for m in said), (key, said)
            assert len(app.screen_stack) == 2  # nothing opened
        shown = app.rows
        release.set()
        await settle(pilot)
        assert app.result is not None and app.result.complete and app.result.from_snapshot
        assert app.rows is shown  # the same Stats table: its rows are not computed again
        # 'still reading the generations: … once they are loaded' is taken down with them: it
        # stayed up its full time over the table whose generations it said were coming.
        said = [n.message for n in app._notifications]
        assert not any(m.startswith("still reading the generations") for m in said), said
        assert app.result.stats.equals(cold_stats) and app.result.generations.height > 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen) and app.screen.generations.height > 0


def write_big_document(root: Path, prompts: int = 400) -> Path:
    """A SkyThought results.json (one JSON document, read back whole) of ``prompts`` prompts,
    each with two generations whose text names its prompt."""
    entries = []
    for p in range(prompts):
        entries.append(
            {
                "problem": f"What is {p} + 1?",
                "answer": str(p + 1),
                "unique_id": f"test/big/{p:04d}.json",
                "prompt": f"What is {p} + 1?",
                "responses": [
                    {
                        "content": f"text of prompt {p} sample {s} "
                        + "word " * 200
                        + f"\\boxed{{{p + s}}}",
                        "correctness": s == 1,
                    }
                    for s in range(2)
                ],
            }
        )
    run = root / "sky"
    run.mkdir(parents=True)
    (run / "results.json").write_text(json.dumps(entries), encoding="utf-8")
    return root


class Gate:
    """Makes a reader's whole-document reads wait until opened; counts them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        import threading

        from evaltui.data.formats import get_reader

        self.opened = threading.Event()
        self.reads = 0
        reader = get_reader(name)
        original = reader.read

        def read(path: Path, source: str, options: Any = None) -> Any:
            self.reads += 1
            assert self.opened.wait(30), "the test never opened the gate"
            return original(path, source, options)

        monkeypatch.setattr(reader, "read", read)


def shown_text(screen: PromptScreen) -> str:
    return screen.query_one("#generation-text").render().plain  # type: ignore[attr-defined]


async def warm_app(data: Path, tmp_path: Path, tokenizer: Path) -> tuple[EvalApp, dict[Any, Any]]:
    """A cold load (every text kept: the expected texts per prompt), then a warm app."""
    cold = app_for(data, tmp_path / "cache", tokenizer)
    expected: dict[tuple[str, str], list[str]] = {}
    async with cold.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cold.result is not None and cold.result.generations["gen"].null_count() == 0
        for (run, prompt_id), frame in cold.result.generations.group_by(
            "run", "prompt_id", maintain_order=True
        ):
            expected[(str(run), str(prompt_id))] = frame.sort("sample")["gen"].to_list()
    return app_for(data, tmp_path / "cache", tokenizer), expected


async def test_a_big_document_is_read_in_a_worker_and_never_shows_another_prompt(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_big_document(tmp_path / "evals")
    app, expected = await warm_app(data, tmp_path, word_tokenizer)
    gate = Gate(monkeypatch, "skythought")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.cache_hits == 1
        keys = [
            (str(r), str(p))
            for r, p in app.result.stats.sort("prompt_id").select("run", "prompt_id").iter_rows()
        ]
        assert len(keys) == 400
        screen = PromptScreen(*keys[0], keys=keys)
        app.push_screen(screen)
        await pilot.pause()
        # The app is not frozen: the prompt shows at once, its text says it is loading.
        assert screen.text_loading
        assert shown_text(screen) == TEXT_LOADING
        # Keys work while it loads: next prompt twice, next generation, previous prompt.
        await pilot.press("full_stop", "full_stop", "j", "comma")
        await pilot.pause()
        assert (screen.run, screen.prompt_id) == keys[1]
        assert shown_text(screen) == TEXT_LOADING
        gate.opened.set()
        await settle(pilot)
        # Only the prompt shown gets its text; the document was parsed once for all of them.
        assert not screen.text_loading and screen.text_error is None
        assert screen.generations["gen"].to_list() == expected[keys[1]]
        assert shown_text(screen).startswith(expected[keys[1]][0][:30])
        assert gate.reads == 1
        for key in keys[2:5]:  # the next prompts come from the kept document
            await pilot.press("full_stop")
            # Its text is handed over by the worker, from the document parsed (read once).
            await wait_until(
                pilot, lambda k=key: (screen.run, screen.prompt_id) == k and not screen.text_loading
            )
            assert screen.generations["gen"].to_list() == expected[key]
        assert gate.reads == 1


async def test_leaving_a_prompt_while_its_document_loads(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_big_document(tmp_path / "evals")
    app, expected = await warm_app(data, tmp_path, word_tokenizer)
    gate = Gate(monkeypatch, "skythought")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert app.result is not None
        run, prompt_id = (str(v) for v in app.result.stats.select("run", "prompt_id").row(0))
        main = app.screen
        screen = PromptScreen(run, prompt_id)
        app.push_screen(screen)
        await pilot.pause()
        assert screen.text_loading
        await pilot.press("escape")  # leaves at once: the read is cancelled
        await pilot.pause()
        assert app.screen is main
        gate.opened.set()
        await settle(pilot)
        assert app.screen is main and app.return_code is None
        # The document parsed meanwhile is kept: opening the prompt again reads nothing more.
        again = PromptScreen(run, prompt_id)
        app.push_screen(again)
        await settle(pilot)
        assert gate.reads == 1 and not again.text_loading
        assert again.generations["gen"].to_list() == expected[(run, prompt_id)]
        assert shown_text(again).startswith(expected[(run, prompt_id)][0][:30])


async def test_a_document_rewritten_while_it_loads_is_refused(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = write_big_document(tmp_path / "evals", prompts=20)
    app, _ = await warm_app(data, tmp_path, word_tokenizer)
    gate = Gate(monkeypatch, "skythought")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None
        run, prompt_id = (str(v) for v in app.result.stats.select("run", "prompt_id").row(0))
        screen = PromptScreen(run, prompt_id)
        app.push_screen(screen)
        await pilot.pause()
        document = data / "sky" / "results.json"
        document.write_text(
            document.read_text(encoding="utf-8").replace("text of prompt", "REWRITTEN"),
            encoding="utf-8",
        )
        gate.opened.set()
        await settle(pilot)
        assert not screen.text_loading
        assert screen.text_error is not None and "has changed since it was loaded" in (
            screen.text_error
        )
        shown = shown_text(screen)
        assert "has changed since it was loaded" in shown and "REWRITTEN" not in shown
        assert screen.generations["gen"].null_count() == screen.generations.height


async def test_a_warm_load_reads_its_rows_after_the_snapshot_table_is_shown(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot's table first, alone: reading the generation rows meanwhile took the GIL
    from the thread building the first view, so at a million prompts the table came with the
    rows (15.8 s) instead of when its view was ready."""
    import time

    from evaltui.app import app as app_module
    from evaltui.data.cache import Cache

    monkeypatch.chdir(tmp_path)
    data = write_evals(tmp_path / "evals")
    cache = tmp_path / "cache"
    async with app_for(data, cache, word_tokenizer).run_test(size=SIZE) as pilot:
        await settle(pilot)  # cold: caches the rows and the snapshot
    app = app_for(data, cache, word_tokenizer)
    table_on_screen: list[bool] = []
    get_rows = Cache.get_rows

    def watched_rows(self: Cache, key: str) -> Any:
        table_on_screen.append(app.rows is not None)
        return get_rows(self, key)

    table_layout = app_module.table_layout

    def slow_display(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # a first view that takes a while, as at a million prompts
        return table_layout(*args, **kwargs)

    monkeypatch.setattr(Cache, "get_rows", watched_rows)
    monkeypatch.setattr(app_module, "table_layout", slow_display)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.complete and app.result.from_snapshot
        assert table_on_screen and all(table_on_screen)


async def test_a_resize_to_the_same_width_computes_no_view(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen's first Resize can come after the first view was asked for at that very
    width; it asked again, so two views were computed side by side at start-up and the first
    table built twice (a warm "small": first rows at 1.3 s). Only a new width cuts again."""
    from textual import events
    from textual.geometry import Size

    from evaltui.app import app as app_module

    data = write_evals(tmp_path / "evals")
    app = make_app(data)
    frames: list[int] = []
    table_layout = app_module.table_layout

    def counted(*args: Any, **kwargs: Any) -> Any:
        frames.append(app.size.width)
        return table_layout(*args, **kwargs)

    monkeypatch.setattr(app_module, "table_layout", counted)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.result is not None and app.result.complete
        before = len(frames)
        app.main.post_message(events.Resize(Size(*SIZE), Size(*SIZE)))
        await settle(pilot)
        assert len(frames) == before
        await pilot.resize_terminal(100, 30)
        await wait_until(pilot, lambda: bool(frames[before:]))
        await settle(pilot)
        assert set(frames[before:]) == {100}
