"""A plain folder that holds several runs: one JSONL file per model, named after the model.

Files of one folder named after their models that evaluated common prompts are a run each,
labelled by the name; shards and sampling passes of one name, and files that share no prompt
(one model's tasks), stay the folder's run. The two-model folder is the bundled sample data,
each model's three passes concatenated into one file named after the model (60 prompts × 8
generations each).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.formats.base import ReadOptions
from evaltui.data.formats.plain import run_name
from evaltui.data.loader import LoadOptions, LoadResult, load
from tests.conftest import write_jsonl
from tests.data.test_real_world import run_table

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
QWEN = "Qwen2.5-7B-Instruct"
DEEPSEEK = "DeepSeek-R1-Distill-Qwen-7B"
MODELS = {QWEN: "qwen2.5-7b-instruct", DEEPSEEK: "deepseek-r1-distill-7b"}


def model_file(folder: Path, name: str, model: str) -> Path:
    """``folder/name.jsonl``: the sample data's passes of ``model`` (a folder of sample_data)
    concatenated, as a user copies them."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    parts = sorted((SAMPLE / model).glob("*.jsonl"))
    path.write_bytes(b"".join(part.read_bytes() for part in parts))
    return path


def two_models(folder: Path) -> Path:
    for name, model in MODELS.items():
        model_file(folder, name, model)
    return folder


def quick(paths: list[Path], label: str | None = None) -> LoadResult:
    read = ReadOptions(label=label)
    return load(paths, LoadOptions(tokenize=False, use_cache=False, read=read))


def without_run(stats: pl.DataFrame) -> pl.DataFrame:
    return stats.drop("run").sort("prompt_id")


def test_two_models_in_one_folder_are_two_runs_each_as_loaded_alone(tmp_path: Path) -> None:
    folder = two_models(tmp_path / "pf")
    result = quick([folder])
    assert result.errors == []
    table = run_table(result)
    assert sorted(table) == sorted(MODELS)
    for label, (prompts, generations, _scored, _mean) in table.items():
        assert (prompts, generations) == (60, 480), label
    assert set(result.stats["count"]) == {8}  # never 16 "samples" of two models
    for label in MODELS:
        alone = quick([folder / f"{label}.jsonl"])
        assert alone.stats["run"].unique().to_list() == ["pf"]  # alone: the folder's run
        assert without_run(result.stats.filter(pl.col("run") == label)).equals(
            without_run(alone.stats)
        ), label


@pytest.mark.parametrize(
    "names",
    [
        ["inference_0", "inference_1", "inference_2"],
        ["part-00001-of-00003", "part-00002-of-00003", "part-00003-of-00003"],
        ["shard0", "shard1", "shard2"],
        ["rank0", "rank1"],
        ["0", "10", "20"],
        ["out-00000", "out-00001"],
        ["model_a", "model_a_1"],
        ["qwen_seed0", "qwen_seed1"],
    ],
)
def test_shards_and_passes_of_one_name_stay_one_run(tmp_path: Path, names: list[str]) -> None:
    # Every file a pass over the same prompts: the folder's one run, every pass a sample.
    folder = tmp_path / "passes"
    for name in names:
        model_file(folder, name, MODELS[QWEN])
    result = quick([folder])
    assert run_table(result).keys() == {"passes"}
    assert set(result.stats["count"]) == {8 * len(names)}


def test_tasks_of_one_model_share_no_prompt_and_stay_one_run(tmp_path: Path) -> None:
    folder = tmp_path / "qwen"
    write_jsonl(
        folder / "math500.jsonl",
        [{"prompt": f"math {i}", "gen": "1", "answer": "1", "accuracy": 1} for i in range(3)],
    )
    write_jsonl(
        folder / "aime24.jsonl",
        [{"prompt": f"aime {i}", "gen": "2", "answer": "1", "accuracy": 0} for i in range(2)],
    )
    assert run_table(quick([folder])) == {"qwen": (5, 5, 5, 0.6)}


def test_digits_in_a_model_name_are_no_shard_number(tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    for name in ("Qwen2.5-7B", "Qwen2.5-14B", "gpt-4", "gpt-5"):
        model_file(folder, name, MODELS[QWEN])
    table = run_table(quick([folder]))
    assert sorted(table) == ["Qwen2.5-14B", "Qwen2.5-7B", "gpt-4", "gpt-5"]
    assert {v[:2] for v in table.values()} == {(60, 480)}


def test_a_label_given_is_every_files_label_and_says_it_pools_two_models(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = two_models(tmp_path / "pf")
    result = quick([folder], label="both")
    assert run_table(result).keys() == {"both"}
    assert set(result.stats["count"]) == {16}
    pooled = (
        "--label 'both' names every file's run: 2 files that are 2 runs without it are read"
        " under it, so their samples are pooled per prompt"
    )
    assert any(note.startswith(pooled) for note in result.notes), result.notes
    # one model's passes under a label: what the label is for, nothing said
    passes = SAMPLE / MODELS[QWEN]
    assert not any("names every file's run" in n for n in quick([passes], label="q").notes)
    out = str(tmp_path / "s.json")
    assert main(["summarize", str(folder), "-o", out, "--no-cache", "--label", "both"]) == 0
    assert pooled in " ".join(capsys.readouterr().err.split())


def test_a_label_over_model_named_json_documents_says_it_pools_them(tmp_path: Path) -> None:
    # The same two models written as JSON documents (``json.dump(records, f)``) rather than lines.
    folder = tmp_path / "pf"
    for path in two_models(tmp_path / "lines").iterdir():
        records = [json.loads(line) for line in path.read_text().splitlines()]
        folder.mkdir(exist_ok=True)
        (folder / f"{path.stem}.json").write_text(json.dumps(records, indent=2))
    assert sorted(run_table(quick([folder]))) == sorted(MODELS)
    result = quick([folder], label="both")
    assert set(result.stats["count"]) == {16}
    assert any(
        note.startswith("--label 'both' names every file's run: 2 files that are 2 runs")
        for note in result.notes
    ), result.notes


def test_model_files_in_two_folders_are_told_apart_by_their_folders(tmp_path: Path) -> None:
    # exp1 and exp2 both hold a Qwen file: four runs, the folder added where a name repeats.
    two_models(tmp_path / "exp1")
    model_file(tmp_path / "exp2", QWEN, MODELS[QWEN])
    model_file(tmp_path / "exp2", DEEPSEEK, MODELS[DEEPSEEK])
    assert sorted(run_table(quick([tmp_path]))) == [
        f"{DEEPSEEK} @ exp1",
        f"{DEEPSEEK} @ exp2",
        f"{QWEN} @ exp1",
        f"{QWEN} @ exp2",
    ]


def test_a_named_run_is_told_apart_from_a_folders_run_of_that_name(tmp_path: Path) -> None:
    # sample_data/qwen2.5-7b-instruct (three passes) opened beside a folder holding its copy
    # under the same name: the same prompts, never one run of 48 "samples".
    model_file(tmp_path / "pf", "qwen2.5-7b-instruct", MODELS[QWEN])
    model_file(tmp_path / "pf", DEEPSEEK, MODELS[DEEPSEEK])
    result = quick([tmp_path / "pf", SAMPLE / MODELS[QWEN]])
    table = run_table(result)
    assert len(table) == 3 and DEEPSEEK in table
    assert {v[:2] for v in table.values()} == {(60, 480)}
    assert set(result.stats["count"]) == {8}


def test_summarize_warm_equals_cold_and_compare_takes_two_runs_of_one_folder(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = two_models(tmp_path / "pf")
    out = tmp_path / "combined.json"
    argv = ["summarize", str(folder), "-o", str(out), "--model", str(word_tokenizer)]
    argv += ["--cache-dir", str(tmp_path / "cache")]
    outputs = []
    for _run in range(2):  # cold, then every file's rows from the cache
        assert main(argv) == 0
        err = capsys.readouterr().err
        assert (
            "runs         2\n" in err
            and "prompts      60 in 2 runs (120 rows, run × prompt)\n" in err
        )
        outputs.append(out.read_bytes())
    assert "cache hits   2 of 2 files" in err
    assert outputs[0] == outputs[1]
    assert {row["run"] for row in json.loads(outputs[0])} == set(MODELS)
    assert main(["compare", str(folder), "--no-cache", "-q", "--runs", "Qwen2.5", "DeepSeek"]) == 0
    compared = capsys.readouterr().out
    assert "60 prompts in both runs" in compared
    assert QWEN in compared and DEEPSEEK in compared


def test_export_of_one_named_run_writes_its_records_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = two_models(tmp_path / "pf")
    target = tmp_path / "qwen.jsonl"
    argv = ["export", str(folder), "--no-cache", "-q", "--run", QWEN, "--records"]
    assert main([*argv, "-o", str(target)]) == 0
    capsys.readouterr()
    assert target.read_bytes() == (folder / f"{QWEN}.jsonl").read_bytes()


def test_following_a_second_model_file_that_appears(tmp_path: Path, word_tokenizer: Path) -> None:
    # One model's file, then a second model's appears in the folder (both become runs of their
    # names), then it goes (the folder's one run again): a fresh load labels them the same.
    from evaltui.data.follow import Follower
    from tests.data.test_follow import assert_same

    folder = tmp_path / "pf"
    model_file(folder, QWEN, MODELS[QWEN])
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([folder], opts)
    assert run_table(follower.load()).keys() == {"pf"}
    model_file(folder, DEEPSEEK, MODELS[DEEPSEEK])
    update = follower.poll()
    assert update is not None
    assert run_table(update.result).keys() == set(MODELS)
    assert_same(update.result, [folder], opts)
    (folder / f"{DEEPSEEK}.jsonl").unlink()
    update = follower.poll()
    assert update is not None and run_table(update.result).keys() == {"pf"}
    assert_same(update.result, [folder], opts)


def test_following_model_files_that_come_to_share_prompts(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    # Two files of other names with other prompts (one run), then lines appended to the second
    # evaluate the first's prompts: now two models' runs, as a fresh load says.
    from evaltui.data.follow import Follower
    from tests.data.test_follow import append, assert_same

    folder = tmp_path / "pf"

    def line(model: str, prompt: str) -> str:
        return json.dumps({"prompt": prompt, "gen": model, "answer": "a", "accuracy": 1}) + "\n"

    (folder).mkdir()
    (folder / "model-a.jsonl").write_text(line("a", "p1") + line("a", "p2"), encoding="utf-8")
    (folder / "model-b.jsonl").write_text(line("b", "p3"), encoding="utf-8")
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([folder], opts)
    assert run_table(follower.load()).keys() == {"pf"}
    append(folder / "model-b.jsonl", line("b", "p1"))
    update = follower.poll()
    assert update is not None
    assert run_table(update.result).keys() == {"model-a", "model-b"}
    assert_same(update.result, [folder], opts)


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("inference_7.jsonl", "inference"),
        ("part-00001-of-00004.jsonl", ""),
        ("train-00000-of-00001.jsonl", "train"),
        ("shard3.jsonl", ""),
        ("model_shard_3.jsonl", "model"),
        ("50.jsonl", ""),
        ("qwen_seed1.jsonl", "qwen"),
        ("model_a_1.jsonl", "model_a"),
        ("Qwen2.5-14B.jsonl", "Qwen2.5-14B"),
        ("llama-3.jsonl", "llama-3"),
        ("m-2024-07-01.jsonl", "m-2024-07-01"),
        ("aime24.jsonl", "aime24"),
        # a checkpoint's step is no pass: two checkpoints are two runs, never one pooled
        ("step_100.jsonl", "step_100"),
        ("global_step_200.jsonl", "global_step_200"),
        ("qwen_ckpt_300.jsonl", "qwen_ckpt_300"),
        # an epoch's or an iteration's weights are checkpoints too (torchtune, Megatron)
        ("epoch_3.jsonl", "epoch_3"),
        ("qwen-epoch2.jsonl", "qwen-epoch2"),
        ("iter_0001000.jsonl", "iter_0001000"),
        ("v2.jsonl", "v2"),
        (
            "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-temperature0.6-topp0.95.jsonl",
            "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-temperature0.6-topp0.95",
        ),
    ],
)
def test_run_name_takes_off_a_shard_or_pass_number_only(file_name: str, name: str) -> None:
    assert run_name(file_name) == name


def test_a_hostile_file_name_as_a_label_is_shown_sanitised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file named with an OSC 0 title sequence and markup labels its run: shown literally,
    # its control characters visible, in the headless summary.
    folder = tmp_path / "pf"
    hostile = "evil\x1b]0;pwned\x07[red]x"
    model_file(folder, hostile, MODELS[QWEN])
    model_file(folder, "ds", MODELS[DEEPSEEK])
    assert sorted(run_table(quick([folder]))) == ["ds", hostile]
    out = str(tmp_path / "c.json")
    assert main(["summarize", str(folder), "-o", out, "--no-cache", "--table", "text"]) == 0
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "\x1b" not in shown and "\x07" not in shown
    # Two runs share the line: the label whole (it was cut to 18 cells, "evil␛]0;p…d␇[red]x").
    assert "evil␛]0;pwned␇[red]x" in captured.out and "evil␛]0;pwned␇[red]x" in captured.err


def test_a_followed_update_reads_the_prompt_ids_of_its_new_rows_only(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files of one folder named after models, one of them written to: whether they are one run
    # or a run per model is told again on every update, from the new rows' prompt ids (those of
    # the rows before are kept), and as a fresh load tells it: first no prompt in common (one
    # run), then one in common (two runs), then more lines of both kinds.
    from evaltui.data import follow
    from evaltui.data.follow import Follower
    from tests.data.test_follow import append, assert_same

    def line(model: str, prompt: str) -> str:
        return json.dumps({"prompt": prompt, "gen": model, "answer": "a", "accuracy": 1}) + "\n"

    folder = tmp_path / "pf"
    folder.mkdir()
    a = "".join(line("a", f"p{i}") for i in range(40))
    (folder / "model-a.jsonl").write_text(a, encoding="utf-8")
    (folder / "model-b.jsonl").write_text(line("b", "q0"), encoding="utf-8")
    opts = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([folder], opts)
    assert run_table(follower.load()).keys() == {"pf"}
    read: list[int] = []
    made = follow.file_prompts

    def counted(frame: pl.DataFrame, identity: object) -> pl.Series | None:
        read.append(frame.height)
        return made(frame, identity)  # type: ignore[arg-type]

    monkeypatch.setattr(follow, "file_prompts", counted)
    steps = [
        ([line("b", "q1"), line("b", "q2")], {"pf"}),
        ([line("b", "p3")], {"model-a", "model-b"}),
        ([line("b", "p4"), line("b", "q3"), line("b", "p5")], {"model-a", "model-b"}),
        ([line("b", "q4")], {"model-a", "model-b"}),
    ]
    for lines, runs in steps:
        append(folder / "model-b.jsonl", "".join(lines))
        read.clear()
        update = follower.poll()
        assert update is not None
        assert run_table(update.result).keys() == runs
        assert_same(update.result, [folder], opts)
        # the appended rows' ids alone were read (none of the 40 rows of model-a, nor the rows
        # model-b had), the files relabelled or not
        assert read == [len(lines)], read


def test_prompts_in_common_found_in_python_equal_the_querys() -> None:
    # A few thousand ids are looked at in Python, more by a query: both give the same groups on
    # random groups of ids that look alike (case, spaces, NUL, a combining accent or its
    # precomposed form, CJK, empty, null), repeated within a group or not.
    import random

    from evaltui.data import runs

    alike = ["p", "P", "p ", " p", "p\x00", "", "é", "e\u0301", "題", "題 ", "0", "00", None]
    rng = random.Random(7)
    for _ in range(300):
        groups = [
            [
                pl.Series(
                    "prompt_id",
                    [rng.choice(alike) for _ in range(rng.randint(0, 6))],
                    dtype=pl.String,
                )
                for _ in range(rng.randint(0, 3))
            ]
            for _ in range(rng.randint(1, 5))
        ]
        few = runs._sharing(groups)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(runs, "_FEW_IDS", -1)
            queried = runs._sharing(groups)
        assert few == queried, (groups, few, queried)


@pytest.mark.parametrize("few_ids", [4096, -1])
def test_prompts_in_common_beside_a_run_of_no_prompt_ids(few_ids: int) -> None:
    """A run whose files' id columns are empty (no prompt read yet, or its ids all filtered)
    beside runs that share a prompt: the query (more than a few thousand ids) raised
    SchemaError stacking its frame of Null columns; both ways name the two that share."""
    from evaltui.data import runs

    def ids(*values: str | None) -> pl.Series:
        return pl.Series("prompt_id", list(values), dtype=pl.String)

    groups = [[ids()], [ids("a", "b")], [ids(), ids()], [ids("b", None)], [ids("c")]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runs, "_FEW_IDS", few_ids)
        assert runs._sharing(groups) == {1, 3}
        assert runs._sharing([[ids()], [ids()], [ids("a")]]) == set()
