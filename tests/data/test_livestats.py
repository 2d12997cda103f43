"""Incremental stats (evaltui.data.livestats): after any sequence of appends, new files, rewrites
and removals, the Stats table equals a from-scratch computation exactly (values, columns, order),
while recomputing only the prompts an update touched unless a run-level value changed."""

from __future__ import annotations

import math
import random
from typing import Any

import polars as pl
import pytest

from evaltui.data import loader
from evaltui.data.extract import fill_extracted
from evaltui.data.livestats import LiveStats, Part
from evaltui.data.loader import (
    LoadOptions,
    compute_stats,
    finish_generations,
    finish_stats,
    mixed_metric_runs,
    split_mixed_metrics,
    stats_frame,
)
from evaltui.data.metrics import (
    Thresholds,
    grown_run_summaries,
    merge_run_summaries,
    prompt_stats,
    run_accuracies,
    run_kinds,
    run_score_summaries,
    score_kinds,
)
from evaltui.data.schema import conform
from evaltui.data.triage import longest_by_run, prompt_flags, with_text_measures

WORDS = ["the", "answer", "is", "so", "we", "get", "loop", "step"]


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Generation rows as a reader's frame after the loader's steps (answers, measures, lengths)."""
    base = conform(pl.DataFrame(rows, infer_schema_length=None))
    done = fill_extracted(with_text_measures(base))
    return done.with_columns(
        pl.when(pl.col("gen").str.contains("nolength"))
        .then(None)
        .otherwise(pl.col("gen").str.count_matches(" ") + 1)
        .cast(pl.UInt32)
        .alias("gen_length")
    )


class World:
    """Files (in order) of generation rows, changed at random; the state a follower sees."""

    def __init__(self, rng: random.Random, metrics: bool) -> None:
        self.rng = rng
        self.metrics = metrics
        self.files: dict[str, pl.DataFrame] = {}
        self.order: list[str] = []
        self.made = 0

    def rows(self, run: str, count: int) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        for _ in range(count):
            p = rng.randrange(12)
            length = rng.choice([2, 3, 5, 8, 8, 13, 40]) if rng.random() < 0.9 else 80
            words = " ".join(rng.choice(WORDS) for _ in range(length))
            if rng.random() < 0.05:
                words += " nolength"
            if rng.random() < 0.7:
                words += f" \\boxed{{{rng.choice(['1', '2', '2', '3'])}}}"
            score: float | None = rng.choice([0.0, 1.0, 1.0, 0.0])
            roll = rng.random()
            if roll < 0.04:
                score = 0.25  # the run becomes a fraction
            elif roll < 0.06:
                score = 7.5  # the run becomes continuous
            elif roll < 0.1:
                score = None
            row: dict[str, Any] = {
                "run": run,
                "source": "x",
                "line": 1,
                "prompt_id": f"p{p}",
                "prompt": f"prompt {p}",
                "answer": rng.choice(["2", "2", "2", None, "3"]),
                "gen": words,
                "accuracy": score,
                "truncated": rng.choice([None, None, None, True, False]),
            }
            if self.metrics:
                metric = rng.choice(["acc", "acc", "acc", "exact_match", "bleu"])
                row["metric"] = metric
                if metric == "bleu" and score is not None:
                    row["accuracy"] = score * 30
            out.append(row)
        return out

    def step(self) -> tuple[str, list[pl.DataFrame], list[pl.DataFrame]]:
        """One random change: (what, rows added, rows removed)."""
        rng = self.rng
        roll = rng.random()
        if not self.order or roll < 0.15:
            self.made += 1
            key = f"f{self.made}"
            run = rng.choice(["a", "b", f"run{self.made}"])
            new = frame(self.rows(run, rng.randrange(1, 10)))
            self.files[key] = new
            self.order.insert(rng.randrange(len(self.order) + 1), key)
            return "new file", [new], []
        key = rng.choice(self.order)
        old = self.files[key]
        run = str(old["run"][0]) if old.height else "a"
        if roll < 0.22:
            new = frame(self.rows(run, rng.randrange(0, 8)))
            self.files[key] = new
            return "rewrite", [new], [old]
        if roll < 0.27 and len(self.order) > 1:
            self.order.remove(key)
            del self.files[key]
            return "removed", [], [old]
        if roll < 0.3:
            return "nothing", [], []
        new = frame(self.rows(run, rng.randrange(1, 6)))
        self.files[key] = pl.concat([old, new], how="vertical")
        return "append", [new], []

    def state(self) -> tuple[pl.DataFrame, list[Part], list[str]]:
        frames = [self.files[k] for k in self.order]
        mixed = mixed_metric_runs(pl.concat(frames))
        return (
            finish_generations(frames, mixed),
            [Part(k, self.files[k].height) for k in self.order],
            mixed,
        )


OPTIONS = [
    LoadOptions(),
    LoadOptions(correct_threshold=Thresholds(0.5, (("b", 0.2),))),
]


def grown_world(seed: int, steps: int, metrics: bool) -> pl.DataFrame:
    """The generations of a random world after ``steps`` changes."""
    world = World(random.Random(seed), metrics)
    for _ in range(steps):
        world.step()
    return world.state()[0]


def updated_as_from_scratch(
    live: LiveStats,
    world: World,
    options: LoadOptions,
    added: list[pl.DataFrame],
    removed: list[pl.DataFrame],
    note: object,
) -> pl.DataFrame:
    """``live`` updated with the world's last change; asserts it is the table computed from
    scratch, and returns that table."""
    generations, parts, mixed = world.state()
    got = live.update(generations, parts, mixed, added, removed)
    want = compute_stats(generations, options)
    assert got.columns == want.columns, note
    assert got.equals(want), (note, got, want)
    return want


@pytest.mark.parametrize("seed", range(6))
def test_incremental_stats_equal_a_full_computation_after_random_changes(seed: int) -> None:
    rng = random.Random(seed)
    options = OPTIONS[seed % 2]
    world = World(rng, metrics=seed >= 4)
    live = LiveStats(options)
    world.step()
    generations, parts, mixed = world.state()
    live.rebuild(generations, parts, mixed)
    partial_appends = 0
    for step in range(40):
        what, added, removed = world.step()
        rebuilds = live.rebuilds
        want = updated_as_from_scratch(live, world, options, added, removed, (step, what))
        if what == "append" and live.rebuilds == rebuilds:
            partial_appends += 1
            assert live.recomputed < want.height or want.height <= 12
    assert partial_appends > 5  # most appends were not rebuilt from scratch


def test_an_append_recomputes_only_the_prompts_it_touched() -> None:
    rows = [
        {"run": "r", "prompt_id": f"p{i}", "prompt": f"q{i}", "gen": "a b \\boxed{1}",
         "accuracy": float(j % 2), "answer": "1"}
        for i in range(50)
        for j in range(4)
    ]  # fmt: skip
    first = frame(rows)
    live = LiveStats(LoadOptions())
    live.rebuild(finish_generations([first]), [Part("f", first.height)], [])
    more = frame([{**rows[0], "accuracy": 1.0}, {**rows[4], "gen": "x \\boxed{2}"}])
    both = pl.concat([first, more])
    got = live.update(finish_generations([both]), [Part("f", both.height)], [], [more], [])
    assert live.rebuilds == 1 and live.recomputed == 2
    assert got.equals(compute_stats(finish_generations([both]), LoadOptions()))
    assert got.filter(pl.col("prompt_id") == "p0")["count"].item() == 5


def test_a_new_longest_generation_recomputes_its_run_only() -> None:
    """The length cap is relative to the run's longest generation: when that grows, every prompt
    of the run may lose its cut flag, so the run is recomputed; another run is not."""
    long = " ".join(["w"] * 80)  # at least min_cap (64) tokens: the cap applies
    rows = [
        {"run": run, "prompt_id": f"p{i}", "prompt": f"q{i}", "gen": long, "accuracy": 0.0}
        for run in ("r", "s")
        for i in range(5)
    ]
    first = frame(rows)
    live = LiveStats(LoadOptions())
    stats = live.rebuild(finish_generations([first]), [Part("f", first.height)], [])
    assert stats["n_length_cap"].to_list() == [1] * 10
    # Two new prompts as long (the run states no answer: a cap shows where prompts' lengths
    # pile up).
    more = frame([{**rows[0], "prompt_id": new, "gen": long + long} for new in ("n1", "n2")])
    both = pl.concat([first, more])
    got = live.update(finish_generations([both]), [Part("f", both.height)], [], [more], [])
    assert live.recomputed == 7  # run r's five prompts and the new ones
    assert got.filter(pl.col("run") == "r")["n_length_cap"].to_list() == [0] * 5 + [1, 1]
    assert got.equals(compute_stats(finish_generations([both]), LoadOptions()))


def test_a_larger_count_adds_pass_columns_to_untouched_prompts() -> None:
    rows = [
        {"run": "r", "prompt_id": f"p{i}", "prompt": f"q{i}", "gen": "a", "accuracy": 1.0}
        for i in range(3)
        for _ in range(2)
    ]
    first = frame(rows)
    live = LiveStats(LoadOptions())
    stats = live.rebuild(finish_generations([first]), [Part("f", first.height)], [])
    assert [c for c in stats.columns if "@" in c] == ["pass@1", "pass@2", "maj@2"]
    more = frame([rows[0]] * 3)
    both = pl.concat([first, more])
    got = live.update(finish_generations([both]), [Part("f", both.height)], [], [more], [])
    assert live.recomputed == 1
    assert [c for c in got.columns if "@" in c] == ["pass@1", "pass@2", "pass@4", "pass@5", "maj@5"]
    assert got.equals(compute_stats(finish_generations([both]), LoadOptions()))


@pytest.mark.parametrize("seed", range(6))
def test_each_runs_accuracy_from_the_stats_is_the_mean_over_its_generations(seed: int) -> None:
    """The app's header takes each run's accuracy from the Stats table (no pass over the
    generations on every followed update): the same number as the mean over the scored rows."""
    rng = random.Random(seed)
    world = World(rng, metrics=seed % 2 == 1)
    for _ in range(30):
        world.step()
    generations, _parts, _mixed = world.state()
    stats = compute_stats(generations, LoadOptions())
    kinds = run_kinds(stats)
    scored = generations.filter(pl.col("accuracy").is_not_null())
    want = {
        run: float(scored.filter(pl.col("run") == run)["accuracy"].mean())  # type: ignore[arg-type]
        for run, kind in kinds.items()
        if kind.accuracy and scored.filter(pl.col("run") == run).height
    }
    got = run_accuracies(stats, kinds)
    assert want, "the world has a run scored by accuracy"
    assert list(got) == list(want)
    assert got == pytest.approx(want, rel=1e-12)
    # A run whose score is no accuracy (a continuous metric) gets none.
    assert not any(not kinds[run].accuracy for run in got)


@pytest.mark.parametrize("seed", range(4))
def test_one_query_stats_equal_the_per_part_functions(seed: int) -> None:
    """``compute_stats`` runs the fixed columns, the votes and the flags as one query (pass@k
    apart): its table equals ``prompt_flags(prompt_stats(...))``, the functions it fuses, for a
    whole load and for some prompts of it given the whole load's run-level values."""
    options = OPTIONS[seed % 2]
    generations = grown_world(100 + seed, 12, metrics=seed >= 2)
    thresholds = options.triage_thresholds()
    want = prompt_flags(
        prompt_stats(generations, options.correct_threshold), generations, thresholds
    )
    assert compute_stats(generations, options).equals(want)
    kinds = score_kinds(generations, options.correct_threshold)
    max_n = int(want["n_scored"].max() or 0)  # type: ignore[arg-type]
    run_max = longest_by_run(want, thresholds)
    some = generations.filter(pl.col("prompt_id").is_in(["p1", "p4", "p7"]))
    part = compute_stats(some, options, kinds=kinds, max_n=max_n, run_max=run_max)
    expected = prompt_flags(
        prompt_stats(some, options.correct_threshold, kinds=kinds, max_n=max_n),
        some,
        thresholds,
        run_max,
    )
    assert part.equals(expected)
    assert part.equals(want.filter(pl.col("prompt_id").is_in(["p1", "p4", "p7"])))


@pytest.mark.parametrize("seed", range(6))
def test_new_prompts_after_the_last_rows_are_computed_from_their_rows_alone(seed: int) -> None:
    """Lines of new prompts appended to the last file (or new files after it), as an eval writes
    them: the update computes the new rows alone and puts them after the table's rows; a row of
    a prompt already there, a file changed before the last, a new longest generation or a new
    score kind take the other path. After every update the table equals a full computation."""
    rng = random.Random(200 + seed)
    options = OPTIONS[seed % 2]
    world = World(rng, metrics=seed >= 4)
    made = 100

    def fresh_rows(run: str, count: int) -> list[dict[str, Any]]:
        nonlocal made
        rows = world.rows(run, count)
        for row in rows:
            if rng.random() < 0.85:  # mostly prompts never seen; some an earlier prompt's
                made += rng.randrange(2)
                row["prompt_id"], row["prompt"] = f"n{made}", f"new {made}"
        return rows

    world.step()
    generations, parts, mixed = world.state()
    live = LiveStats(options)
    live.rebuild(generations, parts, mixed)
    fast = 0
    for step in range(40):
        roll = rng.random()
        before = live.appended
        if roll < 0.15:
            what, added, removed = world.step()  # anything, anywhere
        else:
            what = "new file" if roll < 0.3 else "append to the last"
            run = rng.choice(["a", "b", "c"])
            new = frame(fresh_rows(run, rng.randrange(1, 9)))
            if what == "new file":
                world.made += 1
                key = f"f{world.made}"
                world.files[key] = new
                world.order.append(key)
            else:
                key = world.order[-1]
                world.files[key] = pl.concat([world.files[key], new], how="vertical")
            added, removed = [new], []
        rebuilds = live.rebuilds
        want = updated_as_from_scratch(live, world, options, added, removed, (step, what))
        # The prompts it knows (kept up to date by both paths once made): the table's.
        assert live.keys is None or live.keys == set(want.select("run", "prompt_id").iter_rows())
        if live.appended > before:
            fast += 1
            assert live.rebuilds == rebuilds
            new_keys = sum(
                split_mixed_metrics(f, world.state()[2]).select("run", "prompt_id").unique().height
                for f in added
            )
            assert live.recomputed <= new_keys
    assert fast > 8


def test_a_new_longest_generation_recomputes_only_the_runs_prompts_with_a_cut() -> None:
    """A run's longest generation growing can only lift cut flags (the cap moves up), so only
    the run's prompts with a cut generation are computed again, with the new rows' prompts."""
    long = " ".join(["w"] * 80)  # at least min_cap (64) tokens: the cap applies
    rows = [
        {"run": "r", "prompt_id": f"p{i}", "prompt": f"q{i}", "gen": long, "accuracy": 0.0}
        for i in range(2)
    ] + [
        {"run": "r", "prompt_id": f"p{i}", "prompt": f"q{i}", "gen": "w \\boxed{1}",
         "accuracy": 0.0}
        for i in range(2, 6)
    ]  # fmt: skip
    first = frame(rows)
    live = LiveStats(LoadOptions())
    stats = live.rebuild(finish_generations([first]), [Part("f", first.height)], [])
    assert stats["n_length_cap"].to_list() == [1, 1, 0, 0, 0, 0]
    more = frame([{**rows[0], "prompt_id": "p0", "gen": long + " " + long}])
    both = pl.concat([first, more])
    got = live.update(finish_generations([both]), [Part("f", both.height)], [], [more], [])
    assert live.recomputed == 2  # p0 (a new row, and cut) and p1 (cut); not p2-p5
    assert got["n_length_cap"].to_list() == [1, 0, 0, 0, 0, 0]
    assert got.equals(compute_stats(finish_generations([both]), LoadOptions()))


@pytest.mark.parametrize("seed", range(4))
def test_the_stats_query_gives_the_same_table_with_and_without_the_optimizer(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small frame's stats query (a followed update's) runs without polars' optimizer, a
    large one's with it: the same table either way, for a whole load and for some prompts."""
    from evaltui.data import loader

    options = OPTIONS[seed % 2]
    generations = grown_world(300 + seed, 14, metrics=seed >= 2)
    some = generations.filter(pl.col("prompt_id").is_in(["p0", "p3", "p8"]))
    tables = []
    for rows in (0, 1 << 30):  # every frame with the optimizer, then every frame without
        monkeypatch.setattr(loader, "SMALL_STATS_ROWS", rows)
        want = compute_stats(generations, options)
        tables.append((want, compute_stats(some, options, kinds=run_kinds(want))))
    assert tables[0][0].equals(tables[1][0])
    assert tables[0][1].equals(tables[1][1])
    assert tables[0][0].height > 8 and tables[0][1].height >= 3


@pytest.mark.parametrize("seed", range(6))
def test_run_summaries_grown_by_rows_in_one_query_equal_those_of_every_row(seed: int) -> None:
    rng = random.Random(seed)
    generations = grown_world(seed, 14, metrics=seed % 2 == 0)
    cuts = sorted(rng.sample(range(1, generations.height), min(3, generations.height - 1)))
    summaries = run_score_summaries(generations.slice(0, cuts[0]))
    for start, end in zip(cuts, [*cuts[1:], generations.height], strict=True):
        new = generations.slice(start, end - start)
        grown = grown_run_summaries(summaries, new)
        assert grown.equals(merge_run_summaries(summaries, run_score_summaries(new)))
        summaries = grown
    assert summaries.equals(run_score_summaries(generations))


def _queries(run: Any) -> tuple[Any, int]:
    """``run()``'s result and how many polars queries it collected (an eager ``select`` and a
    Series method made of expressions are one each)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    out = profile.runcall(run)
    count = sum(
        calls[1]
        for (where, _line, name), calls in pstats.Stats(profile).stats.items()  # type: ignore[attr-defined]
        if where == "~" and name == "<method 'collect' of 'builtins.PyLazyFrame' objects>"
    )
    return out, count


def _prompt_rows(
    rng: random.Random, prompt: str, longest: int, scored: bool = False
) -> list[dict[str, Any]]:
    """One prompt's 8 samples as an eval writes them (scores 0, 1 and, unless ``scored``, some
    unscored; never longer than ``longest`` words and its box)."""
    return [
        {
            "run": "a",
            "source": "x",
            "line": 1,
            "prompt_id": prompt,
            "prompt": f"prompt {prompt}",
            "answer": "2",
            "gen": " ".join(["step"] * rng.randrange(1, longest))
            + f" \\boxed{{{rng.choice(['1', '2'])}}}",
            "accuracy": [0.0, 1.0, None][rng.randrange(2 if scored else 3)] if sample else 1.0,
            "truncated": None,
        }
        for sample in range(8)
    ]


@pytest.mark.parametrize("seed", range(4))
def test_a_followed_tail_update_is_two_queries_and_equals_a_full_computation(seed: int) -> None:
    """An eval's next prompts appended to the last file (8 samples each, as the app's benchmark
    writes them): the update takes the tail path and runs two polars queries (the stats query
    and the run summaries; the first update a third, the table's prompts listed once) — the new
    rows' first rows and scored counts and the computed rows' columns are no query of their
    own —, and equals the table computed from scratch every time."""
    rng = random.Random(300 + seed)
    options = OPTIONS[seed % 2]
    world = World(rng, metrics=False)
    key = "f1"
    # The largest scored count (8: which pass@k columns there are) is the table's from the start.
    first = [row for p in range(3) for row in _prompt_rows(rng, f"p{p}", 60, scored=p == 0)]
    world.files[key] = frame(first)
    world.order.append(key)
    generations, parts, mixed = world.state()
    live = LiveStats(options)
    live.rebuild(generations, parts, mixed)
    counts = []
    for step in range(8):
        prompts = [f"n{step}-{i}" for i in range(rng.randrange(1, 3))]
        new = frame([row for p in prompts for row in _prompt_rows(rng, p, 40)])
        world.files[key] = pl.concat([world.files[key], new], how="vertical")
        generations, parts, mixed = world.state()
        appended = live.appended
        got, queries = _queries(
            lambda g=generations, p=parts, m=mixed, n=new: live.update(g, p, m, [n], [])
        )
        assert live.appended == appended + 1, step  # the tail path, new prompts only
        want = compute_stats(generations, options)
        assert got.equals(want), (step, got, want)
        counts.append(queries)
    assert counts[0] <= 3 and max(counts[1:]) <= 2, counts


def test_the_stats_query_is_built_from_expressions_made_once_per_kinds_and_thresholds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A followed update's stats query over the same score kinds, thresholds and longest
    generations as an earlier one reuses that one's vote and flag expressions: its vote and
    flag parts name no new expression (``alias``; they made 27 anew each update, ~0.2-0.4 ms
    of CPU). Queries for other thresholds and longest generations in between get their own, and
    each table equals the one computed before with expressions made afresh."""
    from evaltui.data import sampling, triage
    from evaltui.data.schema import ByIdentity

    # Empty caches: filled by earlier tests, one came to its size (32) within the first loop
    # and was emptied, and the second made anew what it dropped (this test failed in a whole run).
    for module, cache in (
        (sampling, "_VOTE_EXPRS"),
        (sampling, "_VOTE_ROW_EXPRS"),
        (triage, "_FLAG_EXPRS"),
    ):
        monkeypatch.setattr(module, cache, ByIdentity())
    generations = grown_world(0, 14, metrics=False)
    longest = longest_by_run(compute_stats(generations, OPTIONS[0]), OPTIONS[0].triage)
    shorter = {run: (value or 0) // 2 + 1 for run, value in longest.items()}
    cases = [(options, run_max) for options in OPTIONS for run_max in (None, longest, shorter)]
    first = {}
    for i, (options, run_max) in enumerate(cases):
        kinds = score_kinds(generations.lazy(), options.correct_threshold)
        first[i] = finish_stats(stats_frame(generations, options, kinds, run_max))
    # the thresholds and the longest generations change the flags and counts
    assert len({table.hash_rows().sum() for table in first.values()}) >= 4
    named = 0
    inside = False
    made = pl.Expr.alias

    def alias(self: pl.Expr, name: str) -> pl.Expr:
        nonlocal named
        named += inside
        return made(self, name)

    def counted(part: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal inside
            inside = True
            try:
                return part(*args, **kwargs)
            finally:
                inside = False

        return run

    monkeypatch.setattr(pl.Expr, "alias", alias)
    monkeypatch.setattr(loader, "vote_columns", counted(loader.vote_columns))
    monkeypatch.setattr(loader, "flag_columns", counted(loader.flag_columns))
    for i, (options, run_max) in reversed(list(enumerate(cases))):
        kinds = score_kinds(generations.lazy(), options.correct_threshold)
        named = 0
        again = finish_stats(stats_frame(generations, options, kinds, run_max))
        assert named == 0, (i, named)
        assert again.equals(first[i]), i


_SCORES = [0.0, 1.0, 1.0, 0.5, 7.5, -3.0, float("nan"), float("inf"), -float("inf"), None]


def _summary_rows(rng: random.Random, n: int, runs: list[str], columns: set[str]) -> pl.DataFrame:
    """``n`` generation rows with the columns run summaries read, at random: every kind of
    score (-0.0, NaN, ±inf, none), lengths, answers and metric names partly unknown."""
    data: dict[str, list[Any]] = {
        "run": [rng.choice(runs) for _ in range(n)],
        # -0.0 rarely (an update holding one takes the query)
        "accuracy": [rng.choice(_SCORES) if rng.random() > 0.005 else -0.0 for _ in range(n)],
    }
    if "gen_length" in columns:
        data["gen_length"] = [rng.choice([None, 0, 3, 17, 4000]) for _ in range(n)]
    if "measures" in columns:
        data["has_answer"] = [rng.choice([None, True, False]) for _ in range(n)]
        data["gen_chars"] = [rng.choice([None, 0, 5]) for _ in range(n)]
    if "meta" in columns:
        data["metric"] = [rng.choice([None, "acc", "f1", "bleu"]) for _ in range(n)]
        data["higher_is_better"] = [rng.choice([None, True, False]) for _ in range(n)]
    schema = {
        "run": pl.String(),
        "accuracy": pl.Float64(),
        "gen_length": pl.UInt32(),
        "has_answer": pl.Boolean(),
        "gen_chars": pl.UInt32(),
        "metric": pl.String(),
        "higher_is_better": pl.Boolean(),
    }
    return pl.DataFrame(data, schema={name: schema[name] for name in data})


@pytest.mark.parametrize("seed", range(8))
def test_run_summaries_grown_by_a_few_rows_without_a_query_equal_the_querys(seed: int) -> None:
    """A followed update's few rows (1-40) grow the run summaries without a polars query, to
    exactly the summaries of the query path (:func:`merge_run_summaries` of the rows'
    :func:`run_score_summaries`) and, at the end, those of every row: scores 0, -0.0, NaN,
    ±inf and none among others, runs old and new, lengths, answers and metric names partly
    unknown, the columns there or not."""
    rng = random.Random(500 + seed)
    columns = {name for name in ("gen_length", "measures", "meta") if rng.random() < 0.7}
    runs = ["a", "b", f"r{seed}", "c d"]
    every = _summary_rows(rng, rng.randrange(1, 30), runs[:2], columns)
    summaries = run_score_summaries(every)
    plain = 0
    for _ in range(12):
        rows = _summary_rows(rng, rng.randrange(1, 41), runs, columns)
        grown, queries = _queries(lambda r=rows, s=summaries: grown_run_summaries(s, r))
        want = merge_run_summaries(summaries, run_score_summaries(rows))
        assert grown.schema == want.schema
        assert grown.equals(want), (grown, want)
        assert _signs(grown["low"]) == _signs(want["low"])
        assert _signs(grown["high"]) == _signs(want["high"])
        # No query but where a -0.0 is among the scores or the ranges (polars' min and max of
        # 0.0 and -0.0 give either).
        zero = [*rows["accuracy"].to_list(), *summaries["low"], *summaries["high"]]
        signed = any(v == 0.0 and math.copysign(1.0, v) < 0 for v in zero if v is not None)
        assert queries == 0 or signed, (queries, zero)
        plain += not signed
        summaries, every = grown, pl.concat([every, rows])
    assert summaries.equals(run_score_summaries(every))
    assert plain


def _signs(values: pl.Series) -> list[float]:
    return [math.copysign(1.0, v) for v in values.drop_nulls().to_list()]
