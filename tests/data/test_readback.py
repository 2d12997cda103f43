"""A records export of several source files / runs, named directly, reads back as those files.

Read as one file, two runs' records of the same prompts merged into one prompt (real-world
lm-eval: 214 rows of 5 runs came back as 114 prompts) and every run was named after the export.
The manifest's ``sources`` (each source's path, runs and output lines) have each source's lines
read as its own file: per (run, prompt) the counts, accuracy and pass@k are the original load's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.export import export_view
from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.marks import MANIFEST_SUFFIX
from tests.conftest import write_jsonl
from tests.data.test_real_world import NEGOTIATIONTOM


def load_one(path: Path) -> LoadResult:
    return load([path], LoadOptions(tokenize=False, use_cache=False))


def per_prompt(stats: pl.DataFrame) -> list[tuple[object, ...]]:
    """(run, prompt id, count, accuracy, pass@k...) per row, sorted."""
    passes = sorted(c for c in stats.columns if c.startswith("pass@"))
    keys = ["run", "prompt_id", "count", "total_accuracy_count", "average_accuracy", *passes]
    return sorted(stats.select(keys).rows())


def two_plain_runs(root: Path) -> Path:
    # Two runs of the same three prompts, four samples each, scored differently.
    prompts = [("What is 2 + 3?", "5"), ("What is 7 × 6?", "42"), ("Name a prime.", "2")]
    for run, offset in (("run-a", 0), ("run-b", 1)):
        records = [
            {
                "prompt": p,
                "gen": f"\\boxed{{{a}}} try {k}",
                "answer": a,
                "accuracy": float((i + k + offset) % 3 == 0),
            }
            for i, (p, a) in enumerate(prompts)
            for k in range(4)
        ]
        write_jsonl(root / run / "samples.jsonl", records)
    return root


def plain_and_lm_eval(root: Path) -> Path:
    """Two plain runs and two dated lm-eval runs of three tasks (doc_id 0-19 each), in one folder."""
    two_plain_runs(root / "plain")
    shutil.copytree(NEGOTIATIONTOM, root / "lm" / "Qwen__Qwen3-8B")
    return root


@pytest.fixture(params=["plain", "lm_eval", "mixed"])
def original(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "plain":
        return two_plain_runs(tmp_path / "data")
    if request.param == "mixed":  # one export of two formats: each source read by its own
        return plain_and_lm_eval(tmp_path / "data")
    folder = tmp_path / "data" / "Qwen__Qwen3-8B"  # two dated runs of three tasks
    shutil.copytree(NEGOTIATIONTOM, folder)
    return folder


def test_an_export_of_several_runs_reads_back_as_the_same_runs_and_prompts(
    original: Path, tmp_path: Path
) -> None:
    before = load_one(original)
    assert before.stats["run"].n_unique() >= 2
    subsets = {
        "all": before.stats,
        "hard": before.stats.filter(pl.col("average_accuracy") < 0.5),
    }
    assert subsets["hard"]["run"].n_unique() >= 2
    for name, subset in subsets.items():
        out = tmp_path / "exports" / f"{name}.jsonl"
        summary = export_view("records", subset, before.generations, before.files, out)
        again = load_one(out)
        assert again.errors == [] and again.skipped_files == []
        assert per_prompt(again.stats) == per_prompt(subset), name
        assert any("each read as that file, with its runs" in n for n in again.notes)
        assert "read back, each source's lines are read as that file's" in str(summary)
        # the rows point into the export: exported again, they are its lines, byte for byte
        twice = tmp_path / "exports" / f"{name}-2.jsonl"
        export_view("records", again.stats, again.generations, again.files, twice)
        assert twice.read_bytes() == out.read_bytes()
    # the CLI reads it so too
    summary = tmp_path / "s.json"
    assert (
        main(
            [
                "summarize",
                str(tmp_path / "exports" / "all.jsonl"),
                "-o",
                str(summary),
                "-q",
                "--no-cache",
            ]
        )
        == 0
    )
    rows = json.loads(summary.read_text(encoding="utf-8"))
    assert len(rows) == before.stats.height


def test_a_filter_on_one_run_reads_back_under_that_run(tmp_path: Path) -> None:
    before = load_one(two_plain_runs(tmp_path / "data"))
    subset = before.stats.filter(pl.col("run") == "run-b")
    out = tmp_path / "b.jsonl"
    export_view("records", subset, before.generations, before.files, out)
    again = load_one(out)
    assert again.stats["run"].unique().to_list() == ["run-b"]  # not "b" (the export's name)
    assert per_prompt(again.stats) == per_prompt(subset)


def test_without_a_usable_manifest_an_export_is_read_as_one_file(tmp_path: Path) -> None:
    before = load_one(two_plain_runs(tmp_path / "data"))
    out = tmp_path / "exports" / "all.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    manifest = tmp_path / "exports" / ("all.jsonl" + MANIFEST_SUFFIX)
    for text in ("{not json", json.dumps({"evaltui": {"kind": "records", "file": "all.jsonl"}})):
        manifest.write_text(text, encoding="utf-8")
        again = load_one(out)
        # as before: one run named after the folder, the two runs' prompts merged
        assert again.stats["run"].unique().to_list() == ["exports"]
        assert again.stats.height == 3 and again.stats["count"].to_list() == [8, 8, 8]
        assert not any("each read as that file" in note for note in again.notes)
    manifest.unlink()
    assert load_one(out).stats.height == 3
    # ranges that do not fit the file (it holds 24 lines): not this file's manifest
    export_view("records", before.stats, before.generations, before.files, out)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["evaltui"]["sources"][-1]["last_line"] = 99
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert load_one(out).stats.height == 3


def test_the_cache_and_texts_follow_the_manifest(tmp_path: Path) -> None:
    # Rows and the summary snapshot are cached per input; the manifest decides how the export is
    # read, so a cached read of it without its manifest is not the answer with it (and back).
    from evaltui.data.texts import TextSource

    before = load_one(two_plain_runs(tmp_path / "data"))
    out = tmp_path / "exports" / "all.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    manifest = tmp_path / "exports" / ("all.jsonl" + MANIFEST_SUFFIX)
    saved = manifest.read_bytes()

    def cached(**options: object) -> LoadResult:
        return load([out], LoadOptions(cache_dir=tmp_path / "cache", **options))  # type: ignore[arg-type]

    for _ in range(2):  # cold, then from the cache
        assert per_prompt(cached(stats_only=True).stats) == per_prompt(before.stats)
    manifest.unlink()
    assert cached(stats_only=True).stats.height == 3  # as one file
    manifest.write_bytes(saved)
    assert per_prompt(cached(stats_only=True).stats) == per_prompt(before.stats)
    warm = cached(text_on_demand=True)
    assert per_prompt(warm.stats) == per_prompt(before.stats)
    # the rows came without their text: it is read back from the export's own lines
    assert warm.generations["gen"].null_count() == warm.generations.height
    rows = warm.generations.with_row_index("_row")
    filled = TextSource(warm.files).fill(rows, warm.generations)
    keys = ["run", "prompt_id", "sample", "gen", "accuracy"]
    assert sorted(filled.select(keys).rows()) == sorted(before.generations.select(keys).rows())


def test_texts_of_an_export_of_two_formats_are_read_back_from_it(tmp_path: Path) -> None:
    from evaltui.data.texts import TextSource

    before = load_one(plain_and_lm_eval(tmp_path / "data"))
    out = tmp_path / "mixed.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    options = LoadOptions(cache_dir=tmp_path / "cache", text_on_demand=True)
    for _ in range(2):  # the cache filled (a first count may be checked before it is kept)
        load([out], options)
    warm = load([out], options)  # rows from the cache, without their text
    assert warm.generations["gen"].null_count() == warm.generations.height
    rows = warm.generations.with_row_index("_row")
    filled = TextSource(warm.files).fill(rows, warm.generations)
    keys = ["run", "prompt_id", "sample", "gen"]
    assert sorted(filled.select(keys).rows()) == sorted(before.generations.select(keys).rows())


REAL = NEGOTIATIONTOM.parents[5]  # tests/fixtures/real_world


@pytest.mark.parametrize(
    "folder",
    [
        "repro_inspect_merge",  # three Inspect logs: the task was in each log's header
        "inspect_ai",  # an Inspect eval set
        "plain",  # Qwen2.5-Math: the dataset is the file's folder
        "skythought",  # one JSON document's entries
    ],
)
def test_records_of_other_formats_read_back_with_their_runs_and_prompt_ids(
    folder: str, tmp_path: Path
) -> None:
    before = load_one(REAL / folder)
    out = tmp_path / "all.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []
    assert per_prompt(again.stats) == per_prompt(before.stats)
    # the manifest says what the records themselves do not: each source's task
    manifest = json.loads((tmp_path / ("all.jsonl" + MANIFEST_SUFFIX)).read_text("utf-8"))
    if folder.endswith("inspect_merge"):
        assert {s["task"] for s in manifest["evaltui"]["sources"]} == {"popularity"}


def test_a_bad_line_in_an_export_is_counted_at_its_line_of_the_export(tmp_path: Path) -> None:
    before = load_one(two_plain_runs(tmp_path / "data"))
    out = tmp_path / "all.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    lines = out.read_bytes().split(b"\n")
    lines[13] = b"x" + lines[13][1:]  # line 14, the second source's second line; same size
    out.write_bytes(b"\n".join(lines))
    again = load_one(out)
    assert [(e.source, e.line) for e in again.errors] == [("all.jsonl", 14)]
    assert again.stats["run"].unique().sort().to_list() == ["run-a", "run-b"]
    assert again.generations.height == before.generations.height - 1


def test_opencompass_and_plain_records_read_back_source_by_source(tmp_path: Path) -> None:
    """OpenCompass predictions and two plain runs in one export: the predictions' entries
    ({key: entry} lines) were read by no reader, so the whole export failed ("no reader
    recognises this file", exit 2). Now each source reads back as its own: the plain runs'
    stats are the original's, the predictions' prompts, runs, counts and generations too, and
    they are unscored, with a note saying their scores are in the run's results/ details."""
    shutil.copytree(REAL / "opencompass", tmp_path / "data" / "oc")
    two_plain_runs(tmp_path / "data" / "plain")
    before = load_one(tmp_path / "data")
    out = tmp_path / "all.jsonl"
    summary = export_view("records", before.stats, before.generations, before.files, out)
    assert "read back, each source's lines are read as that file's" in str(summary)
    assert "which evaltui reads back as opencompass, unscored" in str(summary)
    manifest = json.loads((tmp_path / ("all.jsonl" + MANIFEST_SUFFIX)).read_text("utf-8"))
    sources = manifest["evaltui"]["sources"]
    assert sorted((s["format"], s["reads_back"]) for s in sources) == [
        ("opencompass", True),
        ("opencompass", True),
        ("plain", True),
        ("plain", True),
    ]
    again = load_one(out)
    assert again.errors == []
    assert per_prompt(again.stats) == per_prompt(before.stats)
    keys = ["run", "prompt_id", "prompt", "answer", "gen"]
    assert sorted(again.generations.select(keys).rows()) == sorted(
        before.generations.select(keys).rows()
    )
    assert any("COREV2_6A_.json details, which are not in the records" in n for n in again.notes)


def oc_replicas(root: Path) -> Path:
    """An OpenCompass run of a dataset with n = 2 (entry k is item k mod 3) and its results
    details (each item's two verdicts), beside a PPL dataset scored by prediction == gold."""
    entries = {}
    for replica in range(2):
        for item in range(3):
            entries[str(replica * 3 + item)] = {
                "origin_prompt": [{"role": "HUMAN", "prompt": f"Q{item}"}],
                "prediction": f"a{item}-r{replica}",
                "gold": f"a{item}",
            }
    work = root / "20250101_000000"
    (work / "predictions" / "m").mkdir(parents=True)
    (work / "predictions" / "m" / "ds.json").write_text(json.dumps(entries), encoding="utf-8")
    (work / "results" / "m").mkdir(parents=True)
    details = [
        {"pred": [f"a{i}", "x"], "answer": [f"a{i}"] * 2, "correct": [True, i == 1]}
        for i in range(3)
    ]
    (work / "results" / "m" / "ds.json").write_text(
        json.dumps({"accuracy": 66.7, "details": details}), encoding="utf-8"
    )
    ppl = {
        str(i): {
            "origin_prompt": f"P{i}",
            "label: A": {},
            "label: B": {},
            "prediction": "A",
            "gold": "A" if i else "B",
        }
        for i in range(2)
    }
    (work / "predictions" / "m" / "mc.json").write_text(json.dumps(ppl), encoding="utf-8")
    return root


def test_opencompass_replicas_read_back_as_one_prompt_each_scored(tmp_path: Path) -> None:
    """A subset of a dataset with n replicas (entry k is item k mod N): read back, an item's
    replicas are one prompt again, under its own id, with its samples; the PPL dataset's
    scores (prediction == gold) come back; so do the predictions' verdicts, in results/
    details the manifest keeps (they were unscored, with a note)."""
    from evaltui.data.query import View

    before = load_one(oc_replicas(tmp_path / "data"))
    assert before.errors == []
    view = View(where='prompt_id in ["ds:1", "ds:2", "mc:1"]').apply(before.stats)
    assert view.height == 3
    out = tmp_path / "subset.jsonl"
    export_view("records", view, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []
    got = again.stats.select("run", "prompt_id", "count", "n_scored", "average_accuracy")
    assert sorted(got.rows()) == [
        ("m", "ds:1", 2, 2, 1.0),
        ("m", "ds:2", 2, 2, 0.5),
        ("m", "mc:1", 1, 1, 1.0),
    ]
    assert sorted(view.select(got.columns).rows()) == sorted(got.rows())
    gens = again.generations.filter(pl.col("prompt_id") == "ds:1").sort("sample")
    assert gens["gen"].to_list() == ["a1-r0", "a1-r1"]
    assert gens["extracted"].to_list() == ["a1", "x"]
    assert not any("details" in note for note in again.notes)
    # of the details, the exported items' only (2 and 3 of a file of 3 items)
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    kept = [s.get("companions") for s in manifest["evaltui"]["sources"]]
    assert [list(c["../../results/m/ds.json"]["details"]) for c in kept if c] == [["1", "2"]]


def lighteval_runs(root: Path) -> Path:
    """Two dated lighteval runs of one model: ≥0.11 struct rows (one and two samples per doc),
    and ≤0.10 flat rows written as text (mid-2024's ``str(value)`` columns), whose ids are
    their row numbers."""
    new_date, old_date = "2025-03-01T10-00-00.000001", "2024-06-01T10-00-00.000002"
    new = root / "details" / "org" / "model" / new_date / f"details_t|0_{new_date}.parquet"
    new.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [
                {
                    "query": f"Q{i}",
                    "choices": [str(i)],
                    "gold_index": 0,
                    "id": str(i),
                    "task_name": "t|0",
                }
                for i in range(6)
            ],
            "metric": [{"em": float(i % 2)} for i in range(6)],
            "model_response": [
                {"text": [f"A{i}"] if i < 3 else [f"A{i}", f"B{i}"]} for i in range(6)
            ],
        }
    ).write_parquet(new)
    old = root / "details" / "org" / "model" / old_date / f"details_t|0_{old_date}.parquet"
    old.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "example": [f"Q{i}" for i in range(6)],
            "full_prompt": [f"Question: Q{i}\nAnswer:" for i in range(6)],
            "predictions": [str([f" {i}"]) for i in range(6)],
            "gold": [str([str(i), "x"]) for i in range(6)],
            "metrics": [str({"em": float(i % 3 == 0)}) for i in range(6)],
        }
    ).write_parquet(old)
    return root


@pytest.mark.parametrize("where", ["", "accuracy < 1 or prompt_score is not null"])
def test_lighteval_records_read_back_as_lighteval_details(where: str, tmp_path: Path) -> None:
    """Each parquet row exported as a JSON line was not read back as lighteval (no reader
    took such lines: the export was "no reader recognises this file"). Now, per run and
    prompt, the counts, accuracy, pass@k, prompt score and reference are the original's,
    a filtered subset's ≤0.10 rows keep their ids (their row numbers in the source), and the
    manifest says the rows read back."""
    from evaltui.data.query import View

    before = load_one(lighteval_runs(tmp_path / "data"))
    assert before.errors == [] and before.stats["run"].n_unique() == 2
    view = View(where=where).apply(before.stats)
    assert 0 < view.height <= before.stats.height
    out = tmp_path / "out" / "lighteval.jsonl"
    summary = export_view("records", view, before.generations, before.files, out)
    assert "which evaltui reads back as lighteval details" in str(summary)
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text("utf-8"))
    assert [s["reads_back"] for s in manifest["evaltui"]["sources"]] == [True, True]
    again = load_one(out)
    assert again.errors == []
    assert [f.format for f in again.read_files] == ["lighteval"]
    keys = ["answer", "prompt_score", "n_correct"]
    assert per_prompt(again.stats) == per_prompt(view)
    assert sorted(again.stats.select("run", "prompt_id", *keys).rows()) == sorted(
        view.select("run", "prompt_id", *keys).rows()
    )
    # Moved away from its manifest: still lighteval rows, as one file named after itself.
    alone = tmp_path / "alone" / "hard.jsonl"
    alone.parent.mkdir()
    shutil.copy(out, alone)
    moved = load_one(alone)
    assert moved.errors == [] and [f.format for f in moved.read_files] == ["lighteval"]
    assert moved.stats["run"].unique().to_list() == ["hard"]
    assert moved.generations.height == again.generations.height


def test_inspect_samples_of_a_task_named_with_a_slash_read_back_under_that_task(
    tmp_path: Path,
) -> None:
    """Inspect's task `subversion_strategy_eval/task_reasoning_experiment_small` (the published
    sus-www logs): read back, the samples' task came from their copy's file name, where the
    slash cannot be (`subversion_strategy_eval_task_reasoning_experiment_small:1`), so every
    prompt id was another than the original's. The manifest's task is used."""
    from tests.data.test_formats_inspect_runs import log, write_eval

    data = log("slash-task", "2025-01-29T10:10:16-08:00")
    data["eval"]["task"] = "subversion_strategy_eval/task_reasoning_experiment_small"
    write_eval(tmp_path / "data" / "logs" / "2025-01-29_task_abc.eval", data)
    before = load_one(tmp_path / "data")
    assert any("/" in p.split(":")[0] for p in before.stats["prompt_id"].to_list())
    out = tmp_path / "samples.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert per_prompt(again.stats) == per_prompt(before.stats)


def _shards(root: Path) -> Path:
    """A dataset in shards as OpenCompass's partitioner splits it (``<abbr>_0.json`` items
    0-1, ``<abbr>_1.json`` item 2 keyed "0" again, no ``gsm8k.json``), and the one results
    file its eval task writes for the shards read as one: details indexed 0, 1, 2."""
    work = root / "20240101_000000"
    preds = work / "predictions" / "m"
    preds.mkdir(parents=True)
    entries = [("Q0", "5", "5"), ("Q1", "7", "6"), ("Q2", "8", "8")]
    for name, part in (("gsm8k_0.json", entries[:2]), ("gsm8k_1.json", entries[2:])):
        shard = {
            str(k): {"origin_prompt": q, "prediction": p, "gold": g}
            for k, (q, p, g) in enumerate(part)
        }
        (preds / name).write_text(json.dumps(shard, indent=4), encoding="utf-8")
    details = [
        {"example_abbr": f"gsm8k_test_{i}", "pred": [p], "answer": [g], "correct": [p == g]}
        for i, (_q, p, g) in enumerate(entries)
    ]
    (work / "results" / "m").mkdir(parents=True)
    (work / "results" / "m" / "gsm8k.json").write_text(
        json.dumps({"accuracy": 66.67, "details": details}), encoding="utf-8"
    )
    return root


def test_opencompass_shards_read_back_as_their_dataset_scored(tmp_path: Path) -> None:
    """Read back, a shard's records were unscored (the manifest kept no details: the results
    file is its dataset's, indexed across the shards) and named after the shard (gsm8k_1:0 for
    gsm8k:2): a compare with the original load joined none of shard 1's prompts. Its entries
    are numbered on through the dataset, as OpenCompass's eval task reads shards, and the
    details of its items kept: read back, each prompt is as the load had it."""
    before = load_one(_shards(tmp_path / "data"))
    assert sorted(before.stats.select("prompt_id", "average_accuracy").rows()) == [
        ("gsm8k:0", 1.0),
        ("gsm8k:1", 0.0),
        ("gsm8k:2", 1.0),
    ]
    out = tmp_path / "shards.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []
    assert per_prompt(again.stats) == per_prompt(before.stats)
    assert not any("a shard of" in note or "unscored" in note for note in again.notes)
    # One prompt of shard 1: its records and the details of its item alone.
    one = before.stats.filter(pl.col("prompt_id") == "gsm8k:2")
    out = tmp_path / "one.jsonl"
    export_view("records", one, before.generations, before.files, out)
    assert out.read_text("utf-8").splitlines() == [
        json.dumps({"2": {"origin_prompt": "Q2", "prediction": "8", "gold": "8"}})
    ]
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text("utf-8"))
    [source] = manifest["evaltui"]["sources"]
    assert "numbered on through its dataset" in source["form"]
    [(name, kept)] = source["companions"].items()
    assert name == "../../results/m/gsm8k.json"
    assert list(kept["details"]) == ["2"]
    assert per_prompt(load_one(out).stats) == per_prompt(one)


def test_an_export_of_a_shard_keyed_from_zero_reads_back_apart(tmp_path: Path) -> None:
    """An export written before shards were numbered on (shard 1's item 2 under its own key
    "0"): read back under the dataset's name, it was gsm8k:0 like shard 0's item 0, two prompts
    merged into one. Such records stay apart, named after their shard, and say why."""
    before = load_one(_shards(tmp_path / "data"))
    out = tmp_path / "shards.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    lines = out.read_text("utf-8").splitlines()
    assert lines[2].startswith('{"2": ')
    lines[2] = '{"0": ' + lines[2].removeprefix('{"2": ')  # same size: the manifest still fits
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = load_one(out)
    assert again.errors == []
    rows = sorted(again.stats.select("prompt_id", "prompt", "count").rows())
    assert rows == [("gsm8k:0", "Q0", 1), ("gsm8k:1", "Q1", 1), ("gsm8k_1:0", "Q2", 1)]
    assert any("a shard of gsm8k" in note for note in again.notes)


def test_opencompass_records_with_refr_read_back_with_their_reference(tmp_path: Path) -> None:
    """LawBench's predictions keep the reference under ``refr``: read back from a records export,
    each prompt has the reference it had (the export's reader took ``gold`` only: none)."""
    from tests.data.test_formats_opencompass import _lawbench

    before = load_one(_lawbench(tmp_path / "data"))
    assert before.errors == []
    out = tmp_path / "records.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []

    def references(result: LoadResult) -> list[tuple[object, ...]]:
        return sorted(result.generations.select("run", "prompt_id", "answer").rows())

    assert references(again) == references(before)
    assert all(answer for _run, _id, answer in references(again))


def test_one_scorer_of_an_inspect_log_reads_back_apart_from_the_others(tmp_path: Path) -> None:
    """An Inspect log scored by two scorers is two runs (`model · match`, `model ·
    model_graded_fact`) whose rows share each sample's record. Exporting one of them writes
    those records; read back, the other scorer's rows were given the exported run's label
    too: every prompt of it had its 2 epochs twice (4 generations, both scorers' scores)."""
    from tests.data.test_formats_inspect_runs import log, reported, write_eval

    data = log("AAA", "2026-01-01T10:00:00")
    for sample, value in zip(data["samples"], ["C", "I", "C", "I", "C", "C"], strict=True):
        sample["scores"]["model_graded_fact"] = {"value": value}
    data["results"]["scores"] = reported("match") + reported("model_graded_fact")
    write_eval(tmp_path / "data" / "x_AAA.eval", data)
    before = load_one(tmp_path / "data")
    graded = "mockllm/model · model_graded_fact"
    subset = before.stats.filter(pl.col("run") == graded)
    assert subset.height == 3
    out = tmp_path / "graded.jsonl"
    export_view("records", subset, before.generations, before.files, out)
    again = load_one(out)
    assert per_prompt(again.stats.filter(pl.col("run") == graded)) == per_prompt(subset)
    # the records hold match's scores too: read back as that run, never as the exported one
    assert sorted(again.stats["run"].unique().to_list()) == ["mockllm/model · match", graded]


def test_an_inspect_dict_score_reads_back_as_a_run_per_reported_key(tmp_path: Path) -> None:
    """A scorer with a dict of metrics (the published sus-www logs: winrate, winrate_low,
    winrate_divided_by_optimal) is a run per key the header's results report. Which keys those
    are is in the header, not in the samples: read back, every sample was read by the dict's
    first key alone, as one run named after the model, so the `· winrate_divided_by_optimal`
    run was gone and the other renamed. The manifest's runs name the keys."""
    from tests.data.test_formats_inspect_runs import log, reported, write_eval

    data = log("AAA", "2026-01-01T10:00:00")
    for index, sample in enumerate(data["samples"]):
        rate = index / 10
        value = {"winrate": rate, "winrate_low": 0.0, "winrate_divided_by_optimal": 1 - rate}
        sample["scores"] = {"winrate_scorer": {"value": value}}
    data["results"]["scores"] = reported("winrate_scorer", "winrate", "winrate_divided_by_optimal")
    write_eval(tmp_path / "data" / "x_AAA.eval", data)
    before = load_one(tmp_path / "data")
    runs = ["mockllm/model · winrate", "mockllm/model · winrate_divided_by_optimal"]
    assert sorted(before.stats["run"].unique().to_list()) == runs
    out = tmp_path / "samples.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert sorted(again.stats["run"].unique().to_list()) == runs
    assert per_prompt(again.stats) == per_prompt(before.stats)


def test_one_key_of_an_inspect_dict_score_reads_back_with_its_own_scores(
    tmp_path: Path,
) -> None:
    """The `· winrate_divided_by_optimal` run of a dict score exported alone (export --run, the
    app's r then e) read back under its label with the scores of winrate, the dict's first key
    (explore36, on the published sus-www logs: 0.00226 where it had 0.00324)."""
    from tests.data.test_formats_inspect_runs import log, reported, write_eval

    data = log("AAA", "2026-01-01T10:00:00")
    for index, sample in enumerate(data["samples"]):
        rate = index / 10
        value = {"winrate": rate, "winrate_low": 0.0, "winrate_divided_by_optimal": 1 - rate}
        sample["scores"] = {"winrate_scorer": {"value": value}}
    data["results"]["scores"] = reported("winrate_scorer", "winrate", "winrate_divided_by_optimal")
    write_eval(tmp_path / "data" / "x_AAA.eval", data)
    before = load_one(tmp_path / "data")
    divided = "mockllm/model · winrate_divided_by_optimal"
    subset = before.stats.filter(pl.col("run") == divided)
    out = tmp_path / "divided.jsonl"
    export_view("records", subset, before.generations, before.files, out)
    again = load_one(out)
    assert again.stats["run"].unique().to_list() == [divided]
    assert per_prompt(again.stats) == per_prompt(subset)


def test_a_constant_lm_eval_target_reads_back_as_no_reference(tmp_path: Path) -> None:
    """ifeval's ``doc_to_target: 0`` is no reference, as its results file's config says; the
    records export has no results file beside it, so read back every ifeval prompt's reference
    was ``0`` again (an exact re-score called every reply wrong). The manifest says the load gave
    the source no reference; a task whose targets are the docs' keeps them."""
    from tests.data.test_formats_lm_eval import IFEVAL_DATE, ifeval_and_gsm

    ifeval_and_gsm(tmp_path / "data")
    before = load_one(tmp_path / "data")
    out = tmp_path / "records.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    assert sorted((s["task"], s["references"]) for s in manifest["evaltui"]["sources"]) == [
        ("gsm", True),
        ("leaderboard_ifeval", False),
    ]
    again = load_one(out)
    assert again.errors == []

    def references(result: LoadResult) -> list[tuple[object, ...]]:
        return sorted(result.generations.select("run", "prompt_id", "answer").rows())

    assert references(again) == references(before)
    assert references(again) == [
        ("meta-llama/Llama-3.1-8B-Instruct", "gsm:0", "4"),
        ("meta-llama/Llama-3.1-8B-Instruct", "leaderboard_ifeval:0", None),
    ]
    ifeval = again.generations.filter(pl.col("prompt_id") == "leaderboard_ifeval:0")
    assert ifeval["vote_reference"].to_list() == [None]
    assert [n for n in again.notes if "no reference answer" in n] == [
        f"records.jsonl: samples_leaderboard_ifeval_{IFEVAL_DATE}.jsonl: no reference answer,"
        f" as its original load gave none (see records.jsonl{MANIFEST_SUFFIX})"
    ]


def test_an_lm_eval_target_indexing_doc_to_choice_reads_back_as_that_choice(
    tmp_path: Path,
) -> None:
    """super_glue-cb-t5-prompt's targets are indices into its doc_to_choice, which only the
    results file beside the samples says: the records export read back alone showed '0'/'1'
    where the load showed 'entailment'/'contradiction'. The manifest keeps the task's choices
    (``companions``), written beside the records read back; a crafted entry's unsafe name is
    made safe, and a name that is no JSON file's is not written."""
    data = Path(__file__).parent.parent / "fixtures/formats/lm_eval/t5_prompt/google__flan-t5-base"
    shutil.copytree(data, tmp_path / data.name)
    before = load_one(tmp_path / data.name)
    out = tmp_path / "records.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []

    def references(result: LoadResult) -> list[tuple[object, ...]]:
        return sorted(result.generations.select("prompt_id", "answer").rows())

    assert references(again) == references(before)
    assert references(again) == [
        ("super_glue-cb-t5-prompt:0", "entailment"),
        ("super_glue-cb-t5-prompt:1", "contradiction"),
        ("super_glue-cb-t5-prompt:2", "contradiction"),
    ]
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    [source] = manifest["evaltui"]["sources"]
    assert source["companions"] == {
        "results_2025-03-04T10-11-12.345678.json": {
            "configs": {
                "super_glue-cb-t5-prompt": {
                    "output_type": "generate_until",
                    "doc_to_choice": ["entailment", "contradiction", "neutral"],
                    "doc_to_target": "label",
                }
            }
        }
    }
    from evaltui.data.readback import _companions

    # a path up the source's folders (two, as kept) and down again; never further up
    crafted = {
        "../x/r.json": {},
        "r.py": {},
        "s.json": [1],
        "../../../t.json": {},
        "a/../b.json": 1,
    }
    assert _companions(crafted) == (("../x/r.json", {}), ("s.json", [1]))
    # written inside the source's own copy of its folders only, never over its records
    from evaltui.data.readback import _beside

    root, folder = tmp_path / "0", tmp_path / "0" / "predictions" / "m"
    pairs = [("../../results/m/ds.json", 1), ("../../../up.json", 2), ("ds.jsonl", 3)]
    assert _beside(root, folder, folder / "ds.jsonl", pairs) == [(root / "results/m/ds.json", 1)]


@pytest.mark.parametrize(
    "folder", ["repro_inspect_merge", "inspect_ai", "plain", "skythought", "lm_eval"]
)
def test_records_read_back_with_the_same_answers(folder: str, tmp_path: Path) -> None:
    # An Inspect sample whose scorer extracted no answer of its own ('No' is all gpt-5 said)
    # has its short reply as its answer; read back from the export, that reply was no answer
    # (the export's reader's default: n_no_answer 0 → 1, no majority, triage 'noans×1').
    before = load_one(REAL / folder)
    out = tmp_path / "all.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    keys = ["run", "prompt_id", "n_no_answer", "n_unique_answers", "agreement", "triage"]
    assert sorted(again.stats.select(keys).rows()) == sorted(before.stats.select(keys).rows())
    gens = ["run", "prompt_id", "sample", "extracted", "has_answer"]
    assert sorted(again.generations.select(gens).rows(), key=str) == sorted(
        before.generations.select(gens).rows(), key=str
    )


FORMATS = REAL.parent / "formats"


@pytest.mark.parametrize(
    ("tool", "hard", "companion"),
    [
        (
            "opencompass/outputs",
            ["toy_gsm8k:2"],
            "../../results/toy-openai-sdk/toy_gsm8k.json",
        ),
        (
            "aisbench/outputs_n3",
            ["toy_gsm8k:2"],
            "../../results/toy-vllm-api-chat-n3/toy_gsm8k.json",
        ),
    ],
)
def test_opencompass_and_aisbench_records_read_back_with_their_results_details(
    tmp_path: Path, tool: str, hard: list[str], companion: str
) -> None:
    """The hard prompts of a real OpenCompass run (predictions/<model>/<ds>.json) and of a real
    AISBench run of n = 3 (<ds>.jsonl lines): their verdicts, extracted answers and short
    references are in results/<model>/<ds>.json details, which a records export did not keep:
    read back, every prompt was unscored and its reference the whole gold text ('1200 - 200 =
    1000\\n#### 1,000', not '1000'), and the AISBench export said nothing. The manifest keeps
    the details ('companions', under the results' path from the predictions' folder), written
    there again when read back: per prompt and per generation, what the load gave."""
    data = tmp_path / "data"
    shutil.copytree(FORMATS / tool, data)
    before = load_one(data)
    assert before.errors == []
    view = before.stats.filter(pl.col("average_accuracy") < 0.5)
    assert view["prompt_id"].to_list() == hard
    out = tmp_path / "hard.jsonl"
    summary = export_view("records", view, before.generations, before.files, out)
    assert "unscored" not in str(summary)
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    [source] = manifest["evaltui"]["sources"]
    [(kept, value)] = source["companions"].items()
    assert kept == companion
    results = (Path(source["path"]).parent / kept).resolve()
    details = json.loads(results.read_text(encoding="utf-8"))["details"]
    if tool.startswith("opencompass"):  # the hard prompts' items' only, keyed by item
        assert value == {"details": {"2": details[2]}}
    else:  # AISBench spreads an item's samples over several entries (replica-major when
        # flattened, 3 items a replica): item 2's, regrouped under its id
        flat = [
            (c, p, a)
            for entry in details
            for c, p, a in zip(entry["correct"], entry["pred"], entry["answer"], strict=True)
        ]
        mine = flat[2::3]
        assert value == {
            "details": {
                "2": {
                    "correct": [c for c, _p, _a in mine],
                    "predictions": [p for _c, p, _a in mine],
                    "references": [a for _c, _p, a in mine],
                }
            }
        }
    shutil.rmtree(data)  # the export alone, as when it is sent elsewhere
    again = load_one(out)
    assert again.errors == []
    assert not any("unscored" in note for note in again.notes)
    keys = ["run", "prompt_id", "count", "n_scored", "average_accuracy", "n_no_answer"]
    assert sorted(again.stats.select(keys).rows()) == sorted(view.select(keys).rows())
    gens = ["run", "prompt_id", "sample", "gen", "answer", "extracted", "accuracy"]
    hard_gens = before.generations.join(view.select("run", "prompt_id"), on=["run", "prompt_id"])
    assert sorted(again.generations.select(gens).rows()) == sorted(hard_gens.select(gens).rows())
    assert again.generations["accuracy"].is_not_null().all()
    assert "1000" in again.generations["answer"].to_list()


def test_opencompass_details_too_big_for_the_manifest_are_said_left_out(tmp_path: Path) -> None:
    """Details of the exported items bigger than a manifest can be (one over 1 MB is not read:
    the export of 1.2 MB of details read back as one file, its prompts all:0-all:5 of a run
    named after its folder) are left out, and the export says so; read back source by source,
    the predictions are unscored with the note that says why."""
    work = oc_replicas(tmp_path / "data") / "20250101_000000"
    results = work / "results" / "m" / "ds.json"
    data = json.loads(results.read_text(encoding="utf-8"))
    for entry in data["details"]:
        entry["judge_prompt"] = "x" * 400_000  # a judge's prompt, kept in its details
    results.write_text(json.dumps(data), encoding="utf-8")
    before = load_one(tmp_path / "data")
    out = tmp_path / "all.jsonl"
    summary = export_view("records", before.stats, before.generations, before.files, out)
    assert (
        "opencompass (1 file): what the records need of the files beside them"
        " (../../results/m/ds.json) is too big for the manifest to keep" in str(summary)
    )
    assert out.with_name(out.name + MANIFEST_SUFFIX).stat().st_size < 1_000_000
    again = load_one(out)
    assert again.errors == []
    assert any("exported records of 2 source files" in note for note in again.notes)
    assert any("results/<model>/ds.json details, which are not" in n for n in again.notes)
    assert again.stats.filter(pl.col("prompt_id").str.starts_with("ds:"))["n_scored"].sum() == 0


def test_aisbench_export_of_some_prompts_keeps_their_details_alone(tmp_path: Path) -> None:
    """AISBench (n = 3, the real run): the manifest kept the whole results details for a
    records export of one prompt, whose grouping spreads each item's samples over entries of
    other items (FORMATS §5.1). Only the exported item's samples' values are kept, regrouped
    under its id; read back, the prompt is as the load had it."""
    from tests.data.test_formats_opencompass import AIS_N3

    before = load_one(AIS_N3)
    one = before.stats.filter(pl.col("prompt_id") == "toy_gsm8k:1")
    out = tmp_path / "one.jsonl"
    export_view("records", one, before.generations, before.files, out)
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text("utf-8"))
    [source] = manifest["evaltui"]["sources"]
    [(name, kept)] = source["companions"].items()
    assert name == "../../results/toy-vllm-api-chat-n3/toy_gsm8k.json"
    # item 1's three samples (the 2nd of each replica's block in the flattened details)
    generations = before.generations.filter(pl.col("prompt_id") == "toy_gsm8k:1").sort("sample")
    assert kept["details"] == {
        "1": {
            "correct": [a == 1.0 for a in generations["accuracy"]],
            "predictions": generations["extracted"].to_list(),
            "references": generations["answer"].to_list(),
        }
    }
    again = load_one(out)
    assert again.errors == []
    assert per_prompt(again.stats) == per_prompt(one)


def test_aisbench_export_of_one_prompt_of_a_big_dataset_reads_back_scored(tmp_path: Path) -> None:
    """A big dataset's AISBench details (3000 items × 2 samples) are more than a manifest keeps
    (``companions_left``): one prompt exported read back unscored. Its own details fit."""
    from benchmarks.bench_aisbench_companions import make

    # replica-major details, as AISBench's evaluate() produced them; sample r of item i is right
    # when r == 0 (its answer i + r is i)
    path = make(tmp_path / "data", items=3000, replicas=2)
    details = json.loads((path.parents[2] / "results" / "m" / "ds.json").read_text("utf-8"))
    assert len(json.dumps(details["details"])) > 500_000
    before = load_one(tmp_path / "data")
    one = before.stats.filter(pl.col("prompt_id") == "ds:1234")
    assert one.select("count", "n_correct").rows() == [(2, 1)]
    out = tmp_path / "one.jsonl"
    export_view("records", one, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []
    assert not any("unscored" in note for note in again.notes)
    assert per_prompt(again.stats) == per_prompt(one)
    assert again.generations.sort("sample")["extracted"].to_list() == ["1234", "1235"]


def test_aisbench_merged_datasets_export_reads_back_scored(tmp_path: Path) -> None:
    """A ``--merge-ds`` file (``cevaldataset.jsonl``, each line's data_abbr its dataset, each
    dataset's own results): its records' manifest kept no details (there is no
    ``results/<model>/cevaldataset.json``), so read back every generation was unscored.
    Each dataset's details of the exported items are kept under its own results' name."""
    from tests.data.test_formats_opencompass import _merged_ds_work_dir

    before = load_one(_merged_ds_work_dir(tmp_path / "data"))
    assert before.generations["accuracy"].to_list() == [1.0, 0.0, 0.0]
    out = tmp_path / "merged.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    manifest = json.loads(out.with_name(out.name + MANIFEST_SUFFIX).read_text("utf-8"))
    [source] = manifest["evaltui"]["sources"]
    assert sorted(source["companions"]) == [
        "../../results/vllm-api-general-chat/ceval-art.json",
        "../../results/vllm-api-general-chat/ceval-law.json",
    ]
    again = load_one(out)
    assert again.errors == []
    assert per_prompt(again.stats) == per_prompt(before.stats)
    keys = ["prompt_id", "accuracy", "extracted", "answer"]
    assert sorted(again.generations.select(keys).rows()) == sorted(
        before.generations.select(keys).rows()
    )


def test_aisbench_merged_file_of_many_datasets_reads_back_each_scored(tmp_path: Path) -> None:
    """ceval merged (``--merge-ds``) is 52 datasets in one file, each with its results: read
    back, only the first 4 results kept in the manifest were written again (a cap of a results
    file or two per source), the other datasets' generations unscored."""
    work = tmp_path / "data" / "outputs" / "default" / "20250101_000000"
    subsets = [f"ceval-s{k}" for k in range(6)]
    write_jsonl(
        work / "predictions" / "m" / "cevaldataset.jsonl",
        [
            {"data_abbr": abbr, "id": 0, "success": True, "uuid": f"{k:032x}",
             "origin_prompt": f"{abbr} Q0", "prediction": "Answer: A", "gold": "A"}
            for k, abbr in enumerate(subsets)
        ],
    )  # fmt: skip
    for k, abbr in enumerate(subsets):
        path = work / "results" / "m" / f"{abbr}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        ok = k % 2 == 0
        entry = {"predictions": ["A"], "references": ["A" if ok else "B"], "correct": [ok]}
        path.write_text(json.dumps({"accuracy": 100.0 * ok, "details": {"0": entry}}), "utf-8")
    before = load_one(tmp_path / "data")
    assert before.generations["accuracy"].to_list() == [1.0, 0.0] * 3
    out = tmp_path / "ceval.jsonl"
    export_view("records", before.stats, before.generations, before.files, out)
    again = load_one(out)
    assert again.errors == []
    assert per_prompt(again.stats) == per_prompt(before.stats)
