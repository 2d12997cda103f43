"""What evaltui writes is never read back as eval data; field flags alone make a JSONL readable.

Reopening a folder after exporting into it must give the same runs, prompts and accuracy: the
published negotiationtom run (2 runs x 60 prompts, 25 of 60 correct per run, see
test_real_world.py) is copied to a temp folder and every kind of output is written into it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.export import default_export_dir, export_view
from evaltui.data.formats import ReadOptions, detect
from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.marks import MANIFEST_SUFFIX
from tests.conftest import write_jsonl
from tests.data.test_real_world import NEGOTIATIONTOM


def load_dir(path: Path, **options: object) -> LoadResult:
    return load([path], LoadOptions(tokenize=False, use_cache=False, **options))  # type: ignore[arg-type]


def shape(result: LoadResult) -> tuple[int, int, int, float]:
    """(runs, prompts, generations, mean accuracy) of a load."""
    gens = result.generations
    mean = gens["accuracy"].mean()
    assert isinstance(mean, float)
    return result.stats["run"].n_unique(), result.stats.height, gens.height, round(mean, 4)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "Qwen__Qwen3-8B"
    shutil.copytree(NEGOTIATIONTOM, folder)
    return folder


def test_exports_into_the_data_folder_are_not_read_back(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = load_dir(data)
    assert shape(before) == (2, 120, 120, 0.4167)
    for kind, name in (
        ("combined", "view.json"),
        ("records", "view.jsonl"),
        ("csv", "view.csv"),
        ("parquet", "view.parquet"),
    ):
        export_view(kind, before.stats, before.generations, before.files, data / name)  # type: ignore[arg-type]
    # the CLI's outputs too: summarize -o, export --records, compare -o (JSON and CSV)
    assert main(["summarize", str(data), "-o", str(data / "summary.json"), "-q", "--no-cache"]) == 0
    assert (
        main(["export", str(data), "--records", "-o", str(data / "all.jsonl"), "-q", "--no-cache"])
        == 0
    )
    for name in ("cmp.json", "cmp.csv"):
        assert main(["compare", str(data), "-o", str(data / name), "-q", "--no-cache"]) == 0
    capsys.readouterr()
    outputs = ["view.json", "view.jsonl", "view.csv", "view.parquet", "summary.json", "all.jsonl"]
    outputs += ["cmp.json", "cmp.csv"]
    for name in outputs:
        mark = json.loads((data / (name + MANIFEST_SUFFIX)).read_text(encoding="utf-8"))
        assert mark["evaltui"]["file"] == name
        assert mark["evaltui"]["bytes"] == (data / name).stat().st_size

    after = load_dir(data, pattern="*")
    assert shape(after) == shape(before)
    assert after.errors == []
    skipped = {f.source: f for f in after.skipped_files}
    for name in outputs:
        assert name in skipped and not skipped[name].companion
        assert "written by evaltui" in (skipped[name].skipped or "")
        assert skipped[name + MANIFEST_SUFFIX].companion
    # the same through the CLI's end summary
    assert main(["summarize", str(data), "-o", str(data / "again.json"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert (
        "runs         2\n" in err and "prompts      60 in 2 runs (120 rows, run × prompt)\n" in err
    )
    assert "accuracy     0.4167" in err


def test_a_records_export_is_skipped_even_with_a_forced_format(data: Path) -> None:
    before = load_dir(data)
    export_view("records", before.stats, before.generations, before.files, data / "r.jsonl")
    after = load_dir(data, format="lm_eval")
    assert shape(after) == shape(before)
    # the results files stay companions under --format too (not bad lines)
    assert after.errors == []
    assert sum(f.companion for f in after.skipped_files) == 3  # 2 results + the manifest


def test_a_replaced_output_is_read_again(data: Path) -> None:
    # The manifest names the file and its size: a different file put in its place is data again.
    before = load_dir(data)
    export_view("records", before.stats, before.generations, before.files, data / "r.jsonl")
    source = next(data.glob("samples_negotiationtom_belief_*16-04-34*.jsonl"))
    shutil.copy(source, data / "r.jsonl")
    found = detect(data / "r.jsonl")
    assert found.reader is not None and found.reader.name == "lm_eval"


def test_combined_json_without_a_manifest_is_recognised(tmp_path: Path) -> None:
    # A combined JSON from the batch script (or an older evaltui), no manifest beside it.
    rows = [
        {
            "prompt": "q" * 5000,
            "answer": "1",
            "count": 2,
            "total_accuracy_count": 1,
            "average_accuracy": 0.5,
            "max_gen_length": 3,
            "avg_gen_length": 2.5,
            "gen_lengths": [2, 3],
        }
    ]
    path = tmp_path / "combined_accuracy_summary.json"
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    found = detect(path, "plain")
    assert found.reader is None and "combined per-prompt summary" in found.reason


def test_default_export_dir_is_outside_the_data(tmp_path: Path) -> None:
    data = tmp_path / "results"
    (data / "run").mkdir(parents=True)
    home = tmp_path / "home"
    # started from the project folder: exports go to the working directory, as usual
    assert default_export_dir([data], cwd=tmp_path, home=home) == tmp_path.resolve()
    # started inside the data (cd results && evaltui .): not among the eval files
    assert default_export_dir(["."], cwd=data, home=home) == home / "evaltui-exports"
    assert default_export_dir([data], cwd=data / "run", home=home) == home / "evaltui-exports"
    one_file = data / "run" / "a.jsonl"
    one_file.write_text("", encoding="utf-8")
    assert default_export_dir([one_file], cwd=data / "run", home=home) == home / "evaltui-exports"


# --- field flags ----------------------------------------------------------------------------


RECORDS = [
    {"problem_text": "1+1?", "model_output": "2", "ref": "2", "ok": True},
    {"problem_text": "1+2?", "model_output": "4", "ref": "3", "ok": False},
]


def test_field_flags_alone_make_a_jsonl_readable(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "m" / "out.jsonl", RECORDS)
    assert detect(path).reader is None  # no reader knows these names
    options = ReadOptions(prompt_field="problem_text", gen_field="model_output")
    found = detect(path, options=options)
    assert found.reader is not None and found.reader.name == "plain"
    result = load_dir(
        tmp_path,
        read=ReadOptions(
            prompt_field="problem_text",
            gen_field="model_output",
            answer_field="ref",
            score_field="ok",
        ),
    )
    assert result.errors == []
    assert result.generations.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("1+1?", "2", "2", 1.0),
        ("1+2?", "4", "3", 0.0),
    ]


def test_field_flags_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(tmp_path / "m" / "out.jsonl", RECORDS)
    argv = ["summarize", str(tmp_path / "m"), "-o", str(tmp_path / "c.json"), "--no-cache"]
    assert main(argv) == 2  # nothing readable without the flags
    assert "no reader recognises this file" in capsys.readouterr().err
    flags = ["--prompt-field", "problem_text", "--gen-field", "model_output"]
    flags += ["--answer-field", "ref", "--score-field", "ok"]
    assert main([*argv, *flags]) == 0
    assert "accuracy     0.5000" in capsys.readouterr().err
    combined = pl.DataFrame(json.loads((tmp_path / "c.json").read_text(encoding="utf-8")))
    assert combined["total_accuracy_count"].to_list() == [1, 0]


def test_an_output_is_marked_before_it_appears(data: Path) -> None:
    # A followed folder must never see an export without its mark: the manifest comes first.
    from evaltui.data.export import marked

    target = data / "r.jsonl"
    source = next(data.glob("samples_negotiationtom_belief_*.jsonl"))
    with marked(target, "records"):
        target.write_bytes(source.read_bytes())  # lm-eval lines, as a records export holds
        found = detect(target)
        assert found.reader is None and "written by evaltui" in found.reason


def test_a_failed_export_takes_its_mark_back(data: Path) -> None:
    before = load_dir(data)
    target = data / "r.jsonl"
    with pytest.raises(ValueError):  # no file reports: the records cannot be re-read
        export_view("records", before.stats, before.generations, [], target)
    assert not target.exists() and not (data / ("r.jsonl" + MANIFEST_SUFFIX)).exists()
    # over an earlier export, the earlier manifest is put back as it was
    export_view("csv", before.stats, before.generations, before.files, data / "s.csv")
    manifest = data / ("s.csv" + MANIFEST_SUFFIX)
    kept = manifest.read_bytes()
    with pytest.raises(ValueError):
        export_view("records", before.stats, before.generations, [], data / "s.csv")
    assert manifest.read_bytes() == kept
    assert load_dir(data).stats.height == 120


def test_rescore_outputs_in_the_data_folder_are_not_read_back(tmp_path: Path) -> None:
    rows = [
        {"prompt": "1+1?", "gen": "\\boxed{2}", "answer": "2", "accuracy": 0},
        {"prompt": "1+2?", "gen": "\\boxed{4}", "answer": "3", "accuracy": 0},
    ]
    data = tmp_path / "m"
    write_jsonl(data / "out.jsonl", rows)
    before = shape(load_dir(data))
    argv = ["rescore", str(data), "--scorer", "exact", "-o", str(data / "r.json"), "-q"]
    argv += ["--generations", str(data / "g.jsonl"), "--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 0
    assert json.loads((data / ("g.jsonl" + MANIFEST_SUFFIX)).read_text())["evaltui"]["kind"] == (
        "rescore"
    )
    after = load_dir(data, pattern="*")
    assert shape(after) == before
    assert {f.source for f in after.skipped_files if not f.companion} == {"r.json", "g.jsonl"}


def test_a_records_export_named_directly_is_read_back_as_the_same_prompts(
    data: Path, tmp_path: Path
) -> None:
    # "The hard prompts, their original records": fed back into evaltui by name, the export is
    # the eval data it holds (in a folder it stays skipped: its records would count twice).
    # One source file's prompts: records of several files, read back as one file, lose the
    # file's name (lm-eval's task), so the same doc_id of two tasks would be one prompt.
    before = load_dir(data)
    belief = before.generations.filter(pl.col("source").str.contains("belief_2026-07-08T16"))
    one_file = before.stats.join(
        belief.select("run", "prompt_id").unique(), on=["run", "prompt_id"]
    )
    hard = one_file.filter(pl.col("average_accuracy") < 0.5)
    assert 0 < hard.height < one_file.height
    out = tmp_path / "exports" / "hard.jsonl"
    summary = export_view("records", hard, before.generations, before.files, out)
    assert summary.records == hard.height  # one lm-eval record per prompt here

    again = load([out], LoadOptions(tokenize=False, use_cache=False))
    assert again.errors == [] and again.skipped_files == []
    keys = ["prompt", "answer", "count", "total_accuracy_count", "average_accuracy"]
    assert sorted(again.stats.select(keys).rows()) == sorted(hard.select(keys).rows())
    # through the CLI too, and a folder holding it still skips it, saying how to read it
    assert main(["summarize", str(out), "-o", str(tmp_path / "s.json"), "-q", "--no-cache"]) == 0
    found = detect(out)
    assert found.reader is None and "name the file itself to read it" in found.reason
