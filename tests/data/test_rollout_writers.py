"""RL trainers' rollout and validation dumps, built as their writers write them (no downloads).

Each fixture follows the writer's source, read at a pinned commit:

- NeMo-RL (``NVIDIA-NeMo/RL``): ``nemo_rl/algorithms/grpo.py`` ``validate`` (002cdc27b801)
  logs ``{"content": all_message_logs, "rewards": total_rewards}`` through
  ``Logger.log_batched_dict_as_jsonl`` (``nemo_rl/utils/logger.py``, 0e5354862f0c) as
  ``<log_dir>/val_data_step{step}.jsonl``: one line per sample from
  ``make_microbatch_iterator(1)``, so every batched value is a list of one
  (``"content": [[turns]]``, ``"rewards": [1.0]``), plus ``"idx": i``. The turns are
  ``{"role", "content"}`` (``get_keys_from_message_log``): the user's chat-templated prompt, the
  model's reply, and the environment's observation appended after it
  (``nemo_rl/experience/rollouts.py`` ``run_multi_turn_rollout``, 00617d3dcdde; the math
  environment's ``Environment: correct``/``incorrect``). Each training step ``grpo_train`` logs
  the flattened batch as ``train_data_step{N}.jsonl`` the same way: ``content`` each turn's text
  without its role (``batched_message_log_to_flat_message``, ``nemo_rl/data/llm_message_utils.py``,
  37b1837ca2b5), ``rewards``, ``input_lengths``, ``token_ids``, ``token_loss_mask``,
  ``sample_loss_mask``, ``advantages``, ``generation_logprobs``, ``prev_logprobs``.
- TRL (``huggingface/trl``): ``trl/trainer/grpo_trainer.py`` (d2b69d769dab) names each reward
  function's column by ``reward_func.__name__`` (a reward model by the last part of its
  ``_name_or_path``), and ``log`` builds the completions table as ``{"step":
  [str(global_step)] * n, "prompt", "completion", **rewards, "advantage"}`` (the parquet
  writer since late 2025 writes the same columns, ``step`` an int, the user's ``log_extra``
  columns before ``advantage``).
- wandb (``wandb/wandb``): ``wandb/sdk/data_types/table.py`` (4304c4d3f4f6) ``Table.bind_to_run``
  writes a run's logged table as ``{"columns": [...], "data": [[...]]}`` (``_to_table_json``,
  NaN written as ``NaN``) at ``files/media/table/<key>_<step>_<sha256[:20]>.table.json``; an
  artifact's table file is ``{"_type": "table", "columns", "data", "ncols", "nrows",
  "column_types"}``.
- OpenRLHF (``OpenRLHF/OpenRLHF``): ``openrlhf/trainer/ppo_utils/loggers.py`` (82c060e61b2a)
  writes no per-sample file; its ``WandbLogger`` logs a ``train/generated_samples`` table of
  ``global_step``, ``text`` (the prompt and the response decoded as one) and ``reward``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.plain import PlainReader
from evaltui.data.formats.plain_parquet import PlainParquetReader
from evaltui.data.loader import LoadOptions, load

TEMPLATE = "<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"


def write_nemo_rl_validation(folder: Path, step: int, replies: list[tuple[str, float]]) -> Path:
    """NeMo-RL's ``val_data_step{step}.jsonl``: the i-th line the i-th prompt's rollout."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"val_data_step{step}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i, (reply, reward) in enumerate(replies):
            log = [
                {"role": "user", "content": TEMPLATE.format(f"What is {i}+{i}?")},
                {"role": "assistant", "content": reply},
                {
                    "role": "environment",
                    "content": "Environment: correct" if reward else "Environment: incorrect",
                },
            ]
            handle.write(json.dumps({"content": [log], "rewards": [reward], "idx": i}) + "\n")
    return path


def test_nemo_rl_validation_dumps_are_read_each_step_a_run(tmp_path: Path) -> None:
    """NeMo-RL's validation dumps were no readable file ("no reader recognises this file (its
    first record's keys: content, rewards, idx …)"). Each line is read as the rollout it is:
    the prompt the turns before the model's, the generation the model's turn (not the
    environment's verdict after it), the reward the score; each file's step (from its name, its
    lines hold none) a run of its own, never pooled with another step's samples."""
    logs = tmp_path / "logs" / "exp_001"
    write_nemo_rl_validation(logs, 0, [("\\boxed{7}", 0.0), ("\\boxed{2}", 1.0)])
    last = write_nemo_rl_validation(logs, 10, [("\\boxed{0}", 1.0), ("\\boxed{2}", 1.0)])
    found = detect(last)
    assert found.reader is not None and found.reader.name == "plain"
    result = PlainReader().read(last, last.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame["prompt"].to_list() == [
        TEMPLATE.format("What is 0+0?"),
        TEMPLATE.format("What is 1+1?"),
    ]
    assert frame["gen"].to_list() == ["\\boxed{0}", "\\boxed{2}"]
    assert frame["accuracy"].to_list() == [1.0, 1.0]
    assert frame["run"].to_list() == ["exp_001 · step 10"] * 2
    # the dump holds no reference answer: said, naming the file
    assert any(
        note.startswith("val_data_step10.jsonl: none of its 2 records has a reference answer")
        for note in result.notes
    )
    loaded = load([tmp_path / "logs"], LoadOptions(cache_dir=tmp_path / "cache"))
    assert loaded.errors == []
    stats = loaded.stats.sort("run", "prompt")
    assert stats.select("run", "count", "average_accuracy").rows() == [
        ("exp_001 · step 0", 1, 0.0),
        ("exp_001 · step 0", 1, 1.0),
        ("exp_001 · step 10", 1, 1.0),
        ("exp_001 · step 10", 1, 1.0),
    ]


def test_a_nemo_rl_training_batch_dump_says_what_it_lacks(tmp_path: Path) -> None:
    """NeMo-RL's ``train_data_step{N}.jsonl`` holds each turn's text without its role: it was
    skipped with "name the fields with --prompt-field, …", which cannot tell the prompt from
    the reply. The reason says what is missing and which files are read."""
    path = tmp_path / "logs" / "exp_001" / "train_data_step3.jsonl"
    path.parent.mkdir(parents=True)
    sample = {
        "content": [[TEMPLATE.format("What is 1+1?"), "\\boxed{2}", "Environment: correct"]],
        "rewards": [1.0],
        "input_lengths": [19],
        "token_ids": [[151644, 872, 198] + [0] * 16],
        "token_loss_mask": [[0] * 12 + [1] * 7],
        "sample_loss_mask": [1.0],
        "advantages": [[0.5] * 19],
        "generation_logprobs": [[0.0] * 19],
        "prev_logprobs": [[0.0] * 19],
        "idx": 0,
    }
    path.write_text(json.dumps(sample) + "\n", encoding="utf-8")
    found = detect(path)
    assert found.reader is None
    assert found.reason == (
        "no reader recognises this file (NeMo-RL's training batch dump: its 'content' is each"
        " turn's text without its role, so which is the prompt and which the model's reply is"
        " not in the file; its val_data_step*.jsonl files, the validation rollouts with their"
        " turns' roles, are read)"
    )


def test_a_nemo_rl_multi_turn_rollout_is_the_models_turns(tmp_path: Path) -> None:
    """A multi-turn rollout (a game's environment answering between the model's turns): the
    generation is the model's turns with the environment's between them, the last verdict
    left out; a log with no model turn is that line's error, not a silent skip."""
    path = tmp_path / "logs" / "val_data_step5.jsonl"
    path.parent.mkdir()
    turns = [
        {"role": "system", "content": "Solve the puzzle."},
        {"role": "user", "content": "Start."},
        {"role": "assistant", "content": "up"},
        {"role": "environment", "content": "moved up"},
        {"role": "assistant", "content": "left"},
        {"role": "environment", "content": "solved"},
    ]
    no_reply = [{"role": "user", "content": "Start."}]
    lines = [
        {"content": [turns], "rewards": [1.0], "idx": 0},
        {"content": [no_reply], "rewards": [0.0], "idx": 1},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["prompt"].to_list() == ["system: Solve the puzzle.\n\nuser: Start."]
    assert result.frame["gen"].to_list() == [
        "assistant: up\n\nenvironment: moved up\n\nassistant: left"
    ]
    assert result.frame["run"].to_list() == ["logs · step 5"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "'content' is a chat with no model turn (assistant) after a prompt turn")
    ]


def trl_rows(step: int) -> list[dict[str, object]]:
    """TRL's completions table for reward functions named ``correctness`` and ``think_format``
    (a ``def correctness(completions, answer, **kwargs)`` of the user's) and a reward model."""
    return [
        {
            "step": str(step),
            "prompt": f"What is {n}+{n}?",
            "completion": completion,
            "correctness": correct,
            "think_format": form,
            "Skywork-Reward-V2-Qwen3-0.6B": 3.5 * correct - 1.0,
            "advantage": correct - 0.5,
        }
        for n in (2, 3)
        for completion, correct, form in (("<think>…</think>4", 1.0, 1.0), ("5", 0.0, None))
    ]


def test_trl_reward_functions_of_any_name_score_by_their_place(tmp_path: Path) -> None:
    """TRL names a reward function's column by the function's ``__name__``: a table whose
    functions' names do not say reward (``correctness``, ``think_format``) was unscored ("none
    of its 8 records has a score under a name evaltui knows"). The columns between
    ``completion`` and ``advantage`` are the reward functions': the first scores (higher is
    better), ``--metric`` picks another, a reward model's column among them."""
    path = tmp_path / "Qwen2-0.5B-GRPO" / "completions.jsonl"
    path.parent.mkdir()
    rows = trl_rows(10) + trl_rows(20)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame["accuracy"].to_list() == [1.0, 0.0] * 4
    assert set(frame["metric"].to_list()) == {"correctness"}
    assert set(frame["higher_is_better"].to_list()) == {True}
    assert sorted(set(frame["run"].to_list())) == [
        "Qwen2-0.5B-GRPO · step 10",
        "Qwen2-0.5B-GRPO · step 20",
    ]
    assert result.notes[0] == (
        "completions.jsonl: scored by the reward function 'correctness'; its records also have"
        " 'think_format', 'Skywork-Reward-V2-Qwen3-0.6B' (--metric think_format to score by"
        " that instead); the reward trained on, their weighted sum, is not in the file"
    )
    assert not any("has a score" in note for note in result.notes)
    model = PlainReader().read(path, path.name, ReadOptions(metric="Skywork-Reward-V2-Qwen3-0.6B"))
    assert model.frame["accuracy"].to_list() == [2.5, -1.0] * 4
    # the same table as TRL's parquet (step an int): read alike
    table = tmp_path / "out" / "completions" / "completions_00010.parquet"
    table.parent.mkdir(parents=True)
    pl.DataFrame([{**row, "step": 10} for row in trl_rows(10)]).write_parquet(table)
    parquet = PlainParquetReader().read(table, table.name, ReadOptions())
    assert parquet.frame["accuracy"].to_list() == [1.0, 0.0] * 2
    assert set(parquet.frame["run"].to_list()) == {"out · step 10"}


WANDB_RUN = "run-20250601_101500-3xk2p9ab"


def write_wandb_table(run_dir: Path, step: int, wandb_step: int) -> Path:
    """TRL's ``completions`` table as wandb writes it into the run's files (``log`` at
    ``global_step`` = ``step``; wandb's own step in the name): a reward function's None (NaN
    in the dataframe) written as ``NaN``."""
    folder = run_dir / "files" / "media" / "table"
    folder.mkdir(parents=True, exist_ok=True)
    rows = trl_rows(step)
    columns = list(rows[0])
    data = [[math.nan if v is None else v for v in row.values()] for row in rows]
    path = folder / f"completions_{wandb_step}_{step:020x}.table.json"
    path.write_text(json.dumps({"columns": columns, "data": data}), encoding="utf-8")
    return path


def test_wandb_table_files_are_read_each_logged_step_a_run(tmp_path: Path) -> None:
    """A wandb run's logged tables (``media/table/completions_<n>_<hash>.table.json``) were
    skipped ("no reader recognises this file"): their rows are read as records of their
    columns, the run named by the wandb run's folder, each TRL step its own run, a NaN reward
    told as wandb's."""
    run_dir = tmp_path / "wandb" / WANDB_RUN
    first = write_wandb_table(run_dir, 10, 21)
    write_wandb_table(run_dir, 20, 41)
    found = detect(first)
    assert found.reader is not None and found.reader.name == "plain_wandb_table"
    result = found.reader.read(first, first.name, ReadOptions(metric="think_format"))
    assert result.errors == []
    assert result.frame["gen"].to_list() == ["<think>…</think>4", "5"] * 2
    assert result.frame["accuracy"].to_list() == [1.0, None] * 2
    assert (
        f"{first.name}: a NaN or infinite score on 2 rows counted from 0 (1, 3), as wandb writes"
        " a NaN cell (TRL: a reward function's None, the function does not apply to the"
        " sample): shown unscored"
    ) in result.notes
    loaded = load([tmp_path / "wandb"], LoadOptions(cache_dir=tmp_path / "cache"))
    assert loaded.errors == []
    stats = loaded.stats.sort("run", "prompt")
    assert stats.select("run", "count", "average_accuracy").rows() == [
        (f"{WANDB_RUN} · step 10", 2, 0.5),
        (f"{WANDB_RUN} · step 10", 2, 0.5),
        (f"{WANDB_RUN} · step 20", 2, 0.5),
        (f"{WANDB_RUN} · step 20", 2, 0.5),
    ]


def test_a_wandb_artifact_table_and_broken_tables_say_what_is_wrong(tmp_path: Path) -> None:
    """An artifact's table (``"_type": "table"``, ``column_types`` after ``data``) reads as a
    run's; a row of the wrong width is that row's error, a table without ``data`` one error
    naming what it needs, and the records export reads back as the same runs."""
    from evaltui.data.export import export_view

    rows = trl_rows(10)
    columns = list(rows[0])
    data = [list(row.values()) for row in rows]
    data[1] = data[1][:2]
    artifact = tmp_path / "artifacts" / "completions.table.json"
    artifact.parent.mkdir()
    artifact.write_text(
        json.dumps(
            {
                "_type": "table",
                "columns": columns,
                "data": data,
                "ncols": len(columns),
                "nrows": len(data),
                "column_types": {"params": {"type_map": {}}, "wb_type": "typedDict"},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    result = load([artifact.parent], LoadOptions(cache_dir=tmp_path / "cache"))
    assert [str(e) for e in result.errors] == [
        "completions.table.json: row 1 (counted from 0): 2 cells for 7 columns"
    ]
    assert result.generations.height == 3
    assert set(result.stats["run"].to_list()) == {"artifacts · step 10"}
    out = tmp_path / "out" / "records.jsonl"
    export_view("records", result.stats, result.generations, result.files, out)
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert list(first) == columns
    again = load([out], LoadOptions(cache_dir=tmp_path / "cache2"))
    picked = ["prompt", "count", "average_accuracy"]
    assert sorted(again.stats.select(picked).rows()) == sorted(result.stats.select(picked).rows())
    broken = tmp_path / "broken" / "completions.table.json"
    broken.parent.mkdir()
    broken.write_text(json.dumps({"columns": columns, "rows": data}), encoding="utf-8")
    reader = detect(artifact).reader
    assert reader is not None
    told = reader.read(broken, broken.name, ReadOptions())
    assert [str(e) for e in told.errors] == [
        "completions.table.json: not a wandb table: it needs 'columns' (a list of names) and"
        " 'data' (a list of rows)"
    ]


def test_a_wandb_table_without_prompt_and_generation_columns_says_so(tmp_path: Path) -> None:
    """OpenRLHF's ``train/generated_samples`` table (``global_step``, ``text``, ``reward``: the
    prompt and the response one text) was skipped as "one JSON object, not per-sample records",
    which it is not: the reason says it is a wandb table, names its columns and the flags; named,
    its rows are read, the run the wandb run's folder."""
    run = tmp_path / "wandb" / "run-20250601_120000-abcd1234"
    folder = run / "files" / "media" / "table" / "train"
    folder.mkdir(parents=True)
    path = folder / "generated_samples_30_0123456789abcdef0123.table.json"
    rows = [[1, "user\nWhat is 2+2?\nassistant\n4", 0.7], [2, "user\nHi\nassistant\nHello", -0.2]]
    path.write_text(json.dumps({"columns": ["global_step", "text", "reward"], "data": rows}))
    found = detect(path)
    assert found.reader is None
    assert found.reason == (
        "no reader recognises this file (a wandb table, a row per sample, of columns"
        " global_step, text, reward: none holds a prompt or none a generation under a name"
        " evaltui knows; name them with --prompt-field, --gen-field, --answer-field,"
        " --score-field)"
    )
    options = ReadOptions(prompt_field="text", gen_field="text")
    named = detect(path, options=options)
    assert named.reader is not None and named.reader.name == "plain_wandb_table"
    result = named.reader.read(path, path.name, options)
    assert result.frame["accuracy"].to_list() == [0.7, -0.2]
    assert set(result.frame["run"].to_list()) == {"run-20250601_120000-abcd1234"}
