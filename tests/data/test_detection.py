"""Detection never picks the wrong reader for any fixture file, and `evaltui formats` lists them.

Every file under ``tests/fixtures/formats/`` (copies of ``shared/formats/real`` and
``reconstructed``) is walked. Files listed in :data:`EXPECTED` must get exactly that outcome; a
file not listed (a fixture added later) must at least not be claimed by another tool's reader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.formats import READERS, detect

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"

COMPANION = "companion"
"""Recognised by a reader as a config/results/summary file of its format: skipped quietly."""

LM = "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1"
LM_DATE = "2026-11-23T19-49-48.073567"
QWEN = "qwen_math/outputs/Qwen/Qwen2.5-14B-Instruct/aime24_eval/aime24"
LM_MID = "lm_eval/mid2024_json/meta-llama__Meta-Llama-3-8B-Instruct"
SKY_CLI = "skythought/results/toy-org_toy-reasoner-7b_toy_math500_e23a3b"
SKY_FEB = "Sky-T1-32B-Preview_math500_test_subset_None_filter_False_s0_e-1_t0.7_n2.json"
SKY_JAN = "Sky-T1-32B-Preview_MATH500_test_None_0_-1.json"
BOOT = "internbootcamp/output/toy-model_test_dir_20261123_195835"
AIS = "aisbench/outputs_n3/20261123_200259"
OC = "opencompass/outputs/20261123_201019"
LIGHT = "lighteval/details/toy-org/toy-model-v1/2026-11-23T20-10-00.000000"

# Relative path -> reader name, COMPANION, or None (no reader: not a samples file, reported).
EXPECTED: dict[str, str | None] = {
    # lm-evaluation-harness 0.4.13: four samples files and the run's aggregated results
    f"{LM}/samples_toy_math_gen_{LM_DATE}.jsonl": "lm_eval",
    f"{LM}/samples_toy_math_maj_{LM_DATE}.jsonl": "lm_eval",
    f"{LM}/samples_toy_math_passk_{LM_DATE}.jsonl": "lm_eval",
    f"{LM}/samples_toy_mc_{LM_DATE}.jsonl": "lm_eval",
    f"{LM}/results_{LM_DATE}.json": COMPANION,
    # mid-2024 lm-eval: samples_<task>_<date>.json holding JSON lines, two runs in one folder
    f"{LM_MID}/samples_asdiv_2024-06-01T10-00-00.000001.json": "lm_eval",
    f"{LM_MID}/samples_asdiv_2024-06-02T11-30-00.000002.json": "lm_eval",
    f"{LM_MID}/results_2024-06-01T10-00-00.000001.json": COMPANION,
    f"{LM_MID}/results_2024-06-02T11-30-00.000002.json": COMPANION,
    "lm_eval/mid2024_json/README.md": None,
    # a generative task whose target indexes its doc_to_choice (super_glue t5-prompt), --limit 3
    "lm_eval/t5_prompt/google__flan-t5-base/samples_super_glue-cb-t5-prompt_"
    "2025-03-04T10-11-12.345678.jsonl": "lm_eval",
    "lm_eval/t5_prompt/google__flan-t5-base/results_2025-03-04T10-11-12.345678.json": COMPANION,
    "lm_eval/t5_prompt/README.md": None,
    # the task definitions the toy runs were made with (rescore's lm-eval scorer reads them)
    "lm_eval/tasks/toy_math_gen.yaml": None,
    "lm_eval/tasks/toy_math_maj.yaml": None,
    "lm_eval/tasks/toy_math_passk.yaml": None,
    "lm_eval/tasks/toy_mc.yaml": None,
    "lm_eval/tasks/utils_toy.py": None,
    # the tasks' input datasets: no outputs in them
    "lm_eval/data/toy_math.jsonl": None,
    "lm_eval/data/toy_mc.jsonl": None,
    # SkyThought CLI, the Jan/Feb 2025 layouts and the list variant, with their side files
    f"{SKY_CLI}/results.json": "skythought",
    f"{SKY_CLI}/summary.json": COMPANION,
    f"skythought/v0_jan2025/{SKY_JAN}": "skythought",
    f"skythought/v0_jan2025/token_usage/{SKY_JAN}": COMPANION,
    f"skythought/v1_feb2025/{SKY_FEB}": "skythought",
    f"skythought/v1_feb2025/metrics/{SKY_FEB}": COMPANION,
    "skythought/v1b_list_feb2025/results.json": "skythought",
    "skythought/data/toy_math500.jsonl": None,
    # InternBootcamp run_eval.py output dir, and the test files it read
    f"{BOOT}/details/bbehbooleanexpressions.jsonl": "internbootcamp",
    f"{BOOT}/details/game24.jsonl": "internbootcamp",
    f"{BOOT}/meta.jsonl": COMPANION,
    f"{BOOT}/eval_args.json": COMPANION,
    f"{BOOT}/progress.log": None,
    "internbootcamp/eval_outputs/Qwen-Qwen3-8B/eval_results_2025-11-03-10-21-07_482913.jsonl": (
        "internbootcamp_eval"
    ),
    "internbootcamp/eval_outputs/README.md": None,
    # FastChat llm_judge: a model's answers; the questions, judgments and references beside
    "fastchat/mt_bench/model_answer/vicuna-7b-v1.5.jsonl": "fastchat_llm_judge",
    "fastchat/mt_bench/question.jsonl": COMPANION,
    "fastchat/mt_bench/model_judgment/gpt-4_single.jsonl": COMPANION,
    "fastchat/mt_bench/model_judgment/gpt-4_pair.jsonl": COMPANION,
    "fastchat/mt_bench/reference_answer/gpt-4.jsonl": COMPANION,
    "fastchat/README.md": None,
    "internbootcamp/test_dir/bbehbooleanexpressions.jsonl": None,
    "internbootcamp/test_dir/game24.jsonl": None,
    # the Qwen2.5-Math evaluation harness (first lines of a published run) and its metrics file
    f"{QWEN}/test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1.jsonl": "qwen_math",
    f"{QWEN}/test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1_qwen25-math-cot_metrics.json": COMPANION,
    "qwen_math/README.md": None,
    # plain JSONL (the brief's vLLM sampling format)
    "plain/samples.jsonl": "plain",
    # AISBench 3.x: predictions per line, results and summaries beside; the FAQ's old layout is
    # OpenCompass's predictions JSON
    f"{AIS}/predictions/toy-vllm-api-chat-n3/toy_gsm8k.jsonl": "aisbench",
    f"{AIS}/results/toy-vllm-api-chat-n3/toy_gsm8k.json": COMPANION,
    f"{AIS}/summary/summary_20261123_200259.csv": None,
    f"{AIS}/summary/summary_20261123_200259.md": None,
    f"{AIS}/summary/summary_20261123_200259.txt": None,
    "aisbench/failed/toy_gsm8k_failed.jsonl": "aisbench",
    "aisbench/faq_old_json/predictions/vllm-api-stream-chat/gsm8k.json": "opencompass",
    # OpenCompass: predictions (API, HF num_return_sequences, PPL); results are companions except
    # the ≤0.4.0 results whose details are the only per-sample record
    f"{OC}/predictions/toy-openai-sdk/toy_gsm8k.json": "opencompass",
    f"{OC}/results/toy-openai-sdk/toy_gsm8k.json": COMPANION,
    f"{OC}/summary/summary_20261123_201019.csv": None,
    f"{OC}/summary/summary_20261123_201019.md": None,
    f"{OC}/summary/summary_20261123_201019.txt": None,
    "opencompass/hf_num_return_sequences/predictions/hf-toy-model/toy_gsm8k.json": "opencompass",
    "opencompass/ppl/predictions/hf-toy-model/toy_mc.json": "opencompass",
    "opencompass/legacy_le_0.4.0/results/hf-toy-model/toy_gsm8k.json": "opencompass",
    # Inspect AI JSON log; lighteval details parquet and its results JSON
    "inspect_ai/logs_json/2026-11-23T19-59-31-00-00_toy-math-inspect_JWkdbfddyPtigw6HqhFBhz.json": (
        "inspect"
    ),
    f"{LIGHT}/details_lighteval|gsm8k|0_2026-11-23T20-10-00.000000.parquet": "lighteval",
    "lighteval/results/toy-org/toy-model-v1/results_2026-11-23T20-10-00.000000.json": COMPANION,
}

#: Fixture folder -> the readers allowed to claim a file in it (any file may also be a companion
#: or unrecognised). AISBench writes OpenCompass-style JSON too, and the reverse.
FAMILY: dict[str, set[str]] = {
    "lm_eval": {"lm_eval"},
    "skythought": {"skythought"},
    "internbootcamp": {"internbootcamp", "internbootcamp_eval"},
    "aisbench": {"aisbench", "opencompass"},
    "opencompass": {"opencompass", "aisbench"},
    "inspect_ai": {"inspect"},
    "lighteval": {"lighteval"},
    "plain": {"plain"},
    "qwen_math": {"qwen_math"},
    "fastchat": {"fastchat_llm_judge"},
}
#: Folders filled by the engineer writing those readers: their files may not be there yet.
OTHER_ENGINEER = {"aisbench", "opencompass", "inspect_ai", "lighteval"}


def outcome(path: Path) -> str | None:
    detection = detect(path)
    if detection.reader is not None:
        return detection.reader.name
    return COMPANION if detection.companion else None


def fixture_files() -> list[str]:
    return sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_detection_picks_the_expected_reader(relative: str) -> None:
    path = FIXTURES / relative
    if not path.is_file():
        folder = relative.split("/", 1)[0]
        if folder in OTHER_ENGINEER:
            pytest.skip(f"{relative}: {folder} fixture not copied into tests/fixtures yet")
        pytest.fail(f"{relative}: fixture missing")
    assert outcome(path) == EXPECTED[relative]


@pytest.mark.parametrize("relative", fixture_files())
def test_no_fixture_is_claimed_by_another_tools_reader(relative: str) -> None:
    folder = relative.split("/", 1)[0]
    assert folder in FAMILY, f"{relative}: fixture folder {folder!r} has no expectation here"
    found = outcome(FIXTURES / relative)
    assert found in FAMILY[folder] | {COMPANION, None}, f"{relative} detected as {found}"


def test_every_sample_file_of_my_formats_is_listed() -> None:
    # Files of lm_eval/skythought/internbootcamp/plain must each have an exact expectation.
    unlisted = [
        f for f in fixture_files() if f.split("/", 1)[0] not in OTHER_ENGINEER and f not in EXPECTED
    ]
    assert unlisted == []


def test_sample_data_is_plain() -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    files = sorted(sample.rglob("*.jsonl"))
    assert files and {outcome(f) for f in files} == {"plain"}


def test_formats_command_lists_every_reader(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formats"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == [r.name for r in READERS]
    # the generic fallbacks come last: plain records as JSON lines, in one JSON document, as a
    # Parquet table's rows or a wandb table file's
    assert listed[-4:] == ["plain", "plain_document", "plain_parquet", "plain_wandb_table"]
    assert {
        "inspect",
        "lighteval",
        "lm_eval",
        "skythought",
        "internbootcamp",
        "aisbench",
        "opencompass",
        "plain",
    } <= set(listed)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(tmp_path: Path, encoding: str) -> None:
    # Windows PowerShell's `>` writes UTF-16 with a byte-order mark. Such a samples file was
    # skipped as "no reader recognises this file", which does not say what to do; every format
    # here is UTF-8, so the reason names the encoding and the way out.
    line = '{"prompt": "p", "gen": "g", "answer": "a", "accuracy": 1.0}\r\n'
    path = tmp_path / "s.jsonl"
    data = line.encode(encoding)
    path.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
    detection = detect(path)
    assert detection.reader is None and not detection.companion
    assert detection.reason == (
        "UTF-16 text (it starts with a UTF-16 byte-order mark); these formats are UTF-8:"
        " convert it (iconv -f UTF-16 -t UTF-8)"
    )


def test_samples_with_their_own_field_names_are_told_which_flags_read_them(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # RL rollouts with fields of their own: "no reader recognises this file" said nothing of
    # what to do. The reason lists the first record's keys (made visible: they are the file's
    # text) and the flags; with those flags the file is read.
    path = tmp_path / "run" / "rollouts.jsonl"
    path.parent.mkdir()
    path.write_text(
        '{"inp": "q1", "completion_text": "a", "reward": 1.0, "k\\u001b[2J": 0}\n', encoding="utf-8"
    )
    reason = detect(path).reason
    assert reason == (
        "no reader recognises this file (its first record's keys: inp, completion_text, reward,"
        " k␛[2J; name the fields with --prompt-field, --gen-field, --answer-field, --score-field)"
    )
    out = tmp_path / "s.json"
    fields = ["--prompt-field", "inp", "--gen-field", "completion_text", "--score-field", "reward"]
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["summarize", str(path.parent), "-o", str(out), *fields, *common]) == 0
    assert '"average_accuracy": 1.0' in out.read_text(encoding="utf-8")


def test_a_jsonl_file_with_no_valid_json_line_says_so(tmp_path: Path) -> None:
    """A .jsonl file of only broken lines was skipped as 'no reader recognises this file', which
    reads as an unknown format: its lines were neither counted nor shown. The reason now says
    no line is JSON and quotes the first line's fault; a file with one good line stays read."""
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{bad\nnot json\n\n[1, 2\n")
    detection = detect(broken)
    assert detection.reader is None
    assert detection.reason == (
        "none of its 3 lines is valid JSON (line 1: Expecting property name enclosed in double "
        "quotes at column 2)"
    )
    broken.write_text('{bad\n{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    assert detect(broken).reader is not None


def test_a_compressed_samples_file_is_named_as_such(tmp_path: Path) -> None:
    # Published samples files are often compressed (samples_<task>_<date>.jsonl.gz). In a folder
    # such a file was left out without a word (no known extension; a folder of them alone: "no
    # file with a known extension"), and named directly it was "no reader recognises this
    # file". It is listed as skipped, the reason naming the compression and the way out.
    import gzip

    import zstandard

    from evaltui.data.loader import LoadOptions, load

    line = b'{"prompt": "p", "gen": "g", "answer": "a", "accuracy": 1.0}\n'
    (tmp_path / "plain.jsonl").write_bytes(line)
    (tmp_path / "samples_t_2024-01-01T00-00-00.1.jsonl.gz").write_bytes(gzip.compress(line))
    (tmp_path / "run.json.zst").write_bytes(zstandard.ZstdCompressor().compress(line))
    result = load([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    assert result.generations.height == 1
    skipped = {f.source: f.skipped for f in result.skipped_files}
    assert skipped == {
        "run.json.zst": "zstd-compressed, not read (evaltui reads its input files more than"
        " once, at byte offsets): decompress it first (unzstd run.json.zst)",
        "samples_t_2024-01-01T00-00-00.1.jsonl.gz": "gzip-compressed, not read (evaltui reads"
        " its input files more than once, at byte offsets): decompress it first (gunzip"
        " samples_t_2024-01-01T00-00-00.1.jsonl.gz)",
    }
    named = tmp_path / "named.jsonl"  # compressed whatever its name says
    named.write_bytes(gzip.compress(line))
    assert detect(named).reason.startswith("gzip-compressed, not read")


def test_a_file_no_reader_takes_by_its_name_says_which_content_it_has(tmp_path: Path) -> None:
    """`evaltui export … --as records -o - > hard.txt`, then `evaltui hard.txt`: "no reader
    recognises this file (its first record's keys: prompt, gen, answer, accuracy; name the
    fields with --prompt-field …)": those are plain JSONL's own fields; its name is the
    trouble. The reason says so, and --format plain reads it."""
    from evaltui.data.formats import detect, get_reader

    path = tmp_path / "hard.txt"
    path.write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n', encoding="utf-8")
    found = detect(path)
    assert found.reader is None
    assert found.reason == (
        "no reader recognises this file by its name: its content reads as plain, whose files"
        " end in .jsonl (rename it, or give --format plain)"
    )
    assert detect(path, forced="plain").reader is get_reader("plain")
    (tmp_path / "notes.txt").write_text("just some notes\n", encoding="utf-8")
    assert "by its name" not in detect(tmp_path / "notes.txt").reason


def test_a_test_sets_questions_are_told_as_having_no_generation(tmp_path: Path) -> None:
    # The input test set beside InternBootcamp's output (data_source, prompt, ground_truth), a
    # SkyThought task's data: the reason said to name the fields with four flags, as if they
    # held a generation under a name of their own. It says what the file lacks.
    path = tmp_path / "test_dir" / "game24.jsonl"
    path.parent.mkdir()
    record = {"data_source": "Game24bootcamp", "prompt": "Use 1 2 3 4", "ground_truth": {"t": 24}}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert detect(path).reason == (
        "no reader recognises this file (its first record's keys: data_source, prompt,"
        " ground_truth: a prompt but no generation, as a test set's questions are; a field"
        " holding the model's output is named with --gen-field)"
    )


def test_a_config_or_scores_file_beside_the_samples_is_told_as_holding_none(
    tmp_path: Path,
) -> None:
    # A run's config.json and a results file of scores (one object each) beside its samples:
    # the reason told the user to name four fields, which reads nothing from such a file.
    config = tmp_path / "config.json"
    config.write_text('{"model": "x", "temperature": 0.6, "max_tokens": 32768}\n', "utf-8")
    scores = tmp_path / "results_2025-01-01.json"
    scores.write_text(json.dumps({"results": {"aime": {"acc": 0.5}}}, indent=2), "utf-8")
    assert detect(config).reason == (
        "no reader recognises this file (one JSON object, not per-sample records; its keys:"
        " model, temperature, max_tokens)"
    )
    assert detect(scores).reason == (
        "no reader recognises this file (one JSON object, not per-sample records; its keys:"
        " results)"
    )
    # One object with a prompt but no generation keeps the reason that says so.
    question = tmp_path / "one.json"
    question.write_text(json.dumps({"question": "1+1?", "level": 1}) + "\n", "utf-8")
    assert "a prompt but no generation" in (detect(question).reason or "")
