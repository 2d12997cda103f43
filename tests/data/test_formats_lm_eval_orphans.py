"""An lm-eval samples file whose own results file is missing, beside another run's.

lm-eval's EvaluationTracker writes a run's ``results_<date>.json`` and its
``samples_<task>_<date>.jsonl`` with one date id, into ``<output>/<model_name_sanitized>/``. A
folder of several runs with one results file deleted (or not copied) must not read the orphaned
samples by the other run's task config nor under its model name: another results file is taken
only when it provably belongs, else the samples are read without one and a note says so.

Built from the super_glue t5-prompt fixture (``t5_prompt/README.md``): its results config has
``doc_to_choice: ['entailment', 'contradiction', 'neutral']`` and the records' targets are the
label index (0, 1, 1), so that config turns the references into choices. The orphaned run
(another date) is the same three docs with the reply ``maybe``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.notes import fold_notes

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "lm_eval" / "t5_prompt"
TASK = "super_glue-cb-t5-prompt"
DATE = "2025-03-04T10-11-12.345678"  # the fixture's run, with its results file
ORPHAN = "2025-03-05T09-00-00.000001"  # another run, its results file missing
MODEL_FOLDER = "google__flan-t5-base"


def make_runs(root: Path, folder: str) -> Path:
    """``root/folder`` holding the fixture's run (samples + results) and an orphaned run."""
    target = root / folder
    target.mkdir(parents=True)
    for item in (FIXTURE / MODEL_FOLDER).iterdir():
        shutil.copy(item, target / item.name)
    lines = (target / f"samples_{TASK}_{DATE}.jsonl").read_text(encoding="utf-8").splitlines()
    orphaned = []
    for line in lines:
        record = json.loads(line)
        record.update(
            target=str(record["target"]),
            resps=[["maybe"]],
            filtered_resps=["maybe"],
            exact_match=0.0,
        )
        orphaned.append(json.dumps(record))
    (target / f"samples_{TASK}_{ORPHAN}.jsonl").write_text(
        "\n".join(orphaned) + "\n", encoding="utf-8"
    )
    return target


def rows(result: LoadResult, date: str) -> list[tuple[str, str, str]]:
    """(run, reference, generation) of the rows read from the samples file of ``date``."""
    frame = result.generations
    return [
        (run, answer, gen)
        for run, answer, gen, source in frame.select("run", "answer", "gen", "source").rows()
        if source.endswith(f"samples_{TASK}_{date}.jsonl")
    ]


def read(root: Path) -> LoadResult:
    result = load([root], LoadOptions(tokenize=False, use_cache=False))
    assert result.errors == []
    return result


def test_orphaned_samples_of_another_model_get_neither_its_config_nor_its_name(
    tmp_path: Path,
) -> None:
    # A flat folder gathering two models' runs: flan-t5's (with its results file) and another
    # model's whose results file was not copied. On the old code the orphan was read by
    # flan-t5's results: labelled google/flan-t5-base and its targets 0/1 shown as flan-t5's
    # task choices ("entailment", "contradiction").
    make_runs(tmp_path, "gathered")
    result = read(tmp_path)
    # The targets as the file holds them, the run named by its folder (no results file).
    assert rows(result, ORPHAN) == [
        ("gathered", "0", "maybe"),
        ("gathered", "1", "maybe"),
        ("gathered", "1", "maybe"),
    ]
    # flan-t5's run keeps its results: the choices, its model_name.
    assert rows(result, DATE) == [
        ("google/flan-t5-base", "entailment", "entailment"),
        ("google/flan-t5-base", "contradiction", "neutral"),
        ("google/flan-t5-base", "contradiction", "contradiction"),
    ]
    assert [n for n in result.notes if "read without a results file" in n] == [
        f"gathered/samples_{TASK}_{ORPHAN}.jsonl: read without a results file"
        f" (results_{ORPHAN}.json is not beside it): results_{DATE}.json is another run's (of"
        " the model google/flan-t5-base); the task config (references, filters, metric"
        " directions) is not taken from it; model: the folder's (gathered)"
    ]


def test_orphaned_run_in_its_model_folder_is_not_read_by_the_other_runs_config(
    tmp_path: Path,
) -> None:
    # Two runs of one model in lm-eval's own folder, the second's results file deleted. The one
    # results file left names the task and the folder's model, but its date's samples of the
    # task are beside it: it is that run's, not the orphan's (old code: "contradiction").
    make_runs(tmp_path, MODEL_FOLDER)
    result = read(tmp_path)
    assert rows(result, ORPHAN) == [
        (f"google/flan-t5-base @ {ORPHAN}", "0", "maybe"),
        (f"google/flan-t5-base @ {ORPHAN}", "1", "maybe"),
        (f"google/flan-t5-base @ {ORPHAN}", "1", "maybe"),
    ]
    assert rows(result, DATE)[1] == (f"google/flan-t5-base @ {DATE}", "contradiction", "neutral")
    (note,) = [n for n in result.notes if "read without a results file" in n]
    assert f"results_{DATE}.json is another run's (its samples are beside it)" in note
    assert note.endswith("; model: the folder's (google/flan-t5-base)")


def test_a_lone_results_file_is_used_only_when_it_provably_belongs(tmp_path: Path) -> None:
    # The run's results file renamed (results.json), its own samples file alone beside it: it
    # names the task and the folder is its model's, so it is the run's -- the choices are the
    # references and the model its model_name.
    folder = tmp_path / MODEL_FOLDER
    folder.mkdir()
    shutil.copy(FIXTURE / MODEL_FOLDER / f"samples_{TASK}_{DATE}.jsonl", folder)
    results = json.loads(
        (FIXTURE / MODEL_FOLDER / f"results_{DATE}.json").read_text(encoding="utf-8")
    )
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    result = read(tmp_path)
    assert [answer for _run, answer, _gen in rows(result, DATE)] == [
        "entailment",
        "contradiction",
        "contradiction",
    ]
    assert not [n for n in result.notes if "read without a results file" in n]

    # The same folder renamed to another model's name: that file is not provably this run's
    # (old code: read by it all the same, its model named, its choices as references).
    renamed = tmp_path / "meta-llama__Meta-Llama-3.1-70B-Instruct"
    folder.rename(renamed)
    result = read(tmp_path)
    assert rows(result, DATE) == [
        ("meta-llama/Meta-Llama-3.1-70B-Instruct", "0", "entailment"),
        ("meta-llama/Meta-Llama-3.1-70B-Instruct", "1", "neutral"),
        ("meta-llama/Meta-Llama-3.1-70B-Instruct", "1", "contradiction"),
    ]
    (note,) = [n for n in result.notes if "read without a results file" in n]
    assert "results.json is another run's (of the model google/flan-t5-base)" in note


def test_the_note_shows_a_hostile_results_file_name_safely(tmp_path: Path) -> None:
    # A results file named with a terminal escape and a newline, beside samples of another
    # date: the note names it with the controls made visible, on one line.
    folder = make_runs(tmp_path, "gathered")
    (folder / f"results_{DATE}.json").rename(folder / "results_\x1b[2J\nx.json")
    result = read(tmp_path)
    notes = [n for n in result.notes if "read without a results file" in n]
    assert len(notes) == 2  # both runs' samples: neither has its results file now
    for note in notes:
        assert "results_\u241b[2J\u240ax.json is another run's (of the model" in note
        assert "\x1b" not in note and "\n" not in note


def test_orphaned_samples_beside_several_other_runs_results(tmp_path: Path) -> None:
    # Three runs gathered in one folder, the orphan's results file missing: neither of the other
    # two results files is its own (old code: the first by name, flan-t5's, was taken).
    folder = make_runs(tmp_path, "gathered")
    third = "2025-03-06T08-00-00.000002"
    results = json.loads((folder / f"results_{DATE}.json").read_text(encoding="utf-8"))
    results.update(model_name="Qwen/Qwen3-8B", model_name_sanitized="Qwen__Qwen3-8B")
    (folder / f"results_{third}.json").write_text(json.dumps(results), encoding="utf-8")
    shutil.copy(folder / f"samples_{TASK}_{DATE}.jsonl", folder / f"samples_{TASK}_{third}.jsonl")
    result = read(tmp_path)
    assert [(run, answer) for run, answer, _gen in rows(result, ORPHAN)] == [
        ("gathered", "0"),
        ("gathered", "1"),
        ("gathered", "1"),
    ]
    assert [run for run, _answer, _gen in rows(result, third)] == ["Qwen/Qwen3-8B"] * 3
    (note,) = [n for n in result.notes if "read without a results file" in n]
    assert (
        f": results_{DATE}.json, results_{third}.json are other runs' (none of its date);"
        " the task config (references, filters, metric directions) is not taken from them;"
    ) in note


def test_every_task_file_of_an_orphaned_run_is_said_in_one_note(tmp_path: Path) -> None:
    # An orphaned run of a group task writes one samples file per subtask (mmlu: 57). Each
    # was passed over with its own task named in the why, so the note was said once per file,
    # listing the folder's results file again and again; now the files share one note.
    folder = make_runs(tmp_path, "gathered")
    orphan = folder / f"samples_{TASK}_{ORPHAN}.jsonl"
    subtasks = [f"mmlu_{name}" for name in ("anatomy", "astronomy", "virology", "world_religions")]
    for subtask in subtasks:
        shutil.copy(orphan, folder / f"samples_{subtask}_{ORPHAN}.jsonl")
    orphan.unlink()
    result = read(tmp_path)
    passed = [n for n in result.notes if "read without a results file" in n]
    assert len(passed) == 4
    sources = result.generations["source"].unique().to_list()
    folded = [g.text for g in fold_notes(result.notes, sources) if "results file" in g.text]
    assert folded == [
        "4 files: read without a results file (results_2025-03-05T09-00-00.000001.json is not"
        f" beside it): results_{DATE}.json is another run's (it does not name the samples"
        " file's task); the task config (references, filters, metric directions) is not taken"
        " from it; model: the folder's (gathered) (in gathered/samples_mmlu_anatomy_"
        f"{ORPHAN}.jsonl, gathered/samples_mmlu_astronomy_{ORPHAN}.jsonl,"
        f" gathered/samples_mmlu_virology_{ORPHAN}.jsonl and 1 more)"
    ]
