"""Detection never picks the wrong reader for any fixture file, and `evaltui formats` lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.formats import READERS, detect

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"

# Path fragment -> reader name, "companion" (skipped quietly) or None (not a samples file).
EXPECTED = {
    "aisbench/failed/toy_gsm8k_failed.jsonl": "aisbench",
    "aisbench/faq_old_json/predictions/vllm-api-stream-chat/gsm8k.json": "opencompass",
    "aisbench/outputs_n3/20261123_200259/predictions/toy-vllm-api-chat-n3/toy_gsm8k.jsonl": "aisbench",
    "aisbench/outputs_n3/20261123_200259/results/toy-vllm-api-chat-n3/toy_gsm8k.json": "companion",
    "inspect_ai/logs_json/2026-11-23T19-59-31-00-00_toy-math-inspect_JWkdbfddyPtigw6HqhFBhz.json": "inspect",
    "internbootcamp/output/toy-model_test_dir_20261123_195835/details/bbehbooleanexpressions.jsonl": "internbootcamp",
    "internbootcamp/output/toy-model_test_dir_20261123_195835/details/game24.jsonl": "internbootcamp",
    "internbootcamp/output/toy-model_test_dir_20261123_195835/eval_args.json": "companion",
    "internbootcamp/output/toy-model_test_dir_20261123_195835/meta.jsonl": "companion",
    "lighteval/details/toy-org/toy-model-v1/2026-11-23T20-10-00.000000/details_lighteval|gsm8k|0_2026-11-23T20-10-00.000000.parquet": "lighteval",
    "lighteval/results/toy-org/toy-model-v1/results_2026-11-23T20-10-00.000000.json": "companion",
    "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1/results_2026-11-23T19-49-48.073567.json": "companion",
    "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1/samples_toy_math_gen_2026-11-23T19-49-48.073567.jsonl": "lm_eval",
    "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1/samples_toy_math_maj_2026-11-23T19-49-48.073567.jsonl": "lm_eval",
    "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1/samples_toy_math_passk_2026-11-23T19-49-48.073567.jsonl": "lm_eval",
    "lm_eval/outputs/run_scripted/toy-org__scripted-model-v1/samples_toy_mc_2026-11-23T19-49-48.073567.jsonl": "lm_eval",
    "opencompass/hf_num_return_sequences/predictions/hf-toy-model/toy_gsm8k.json": "opencompass",
    "opencompass/legacy_le_0.4.0/results/hf-toy-model/toy_gsm8k.json": "opencompass",
    "opencompass/outputs/20261123_201019/predictions/toy-openai-sdk/toy_gsm8k.json": "opencompass",
    "opencompass/outputs/20261123_201019/results/toy-openai-sdk/toy_gsm8k.json": "companion",
    "opencompass/ppl/predictions/hf-toy-model/toy_mc.json": "opencompass",
    "plain/samples.jsonl": "plain",
    "skythought/results/toy-org_toy-reasoner-7b_toy_math500_e23a3b/results.json": "skythought",
    "skythought/results/toy-org_toy-reasoner-7b_toy_math500_e23a3b/summary.json": "companion",
    "skythought/v0_jan2025/Sky-T1-32B-Preview_MATH500_test_None_0_-1.json": "skythought",
    "skythought/v0_jan2025/token_usage/Sky-T1-32B-Preview_MATH500_test_None_0_-1.json": "companion",
    "skythought/v1_feb2025/Sky-T1-32B-Preview_math500_test_subset_None_filter_False_s0_e-1_t0.7_n2.json": "skythought",
    "skythought/v1_feb2025/metrics/Sky-T1-32B-Preview_math500_test_subset_None_filter_False_s0_e-1_t0.7_n2.json": "companion",
    "skythought/v1b_list_feb2025/results.json": "skythought",
}
NOT_SCANNED = {".csv", ".md", ".txt", ".log"}  # summaries and logs: discovery never offers them


def outcome(path: Path) -> str | None:
    detection = detect(path)
    if detection.reader is not None:
        return detection.reader.name
    return "companion" if detection.companion else None


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_detection_picks_the_right_reader(relative: str) -> None:
    assert outcome(FIXTURES / relative) == EXPECTED[relative]


def test_every_fixture_file_is_covered() -> None:
    files = {
        p.relative_to(FIXTURES).as_posix()
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.suffix not in NOT_SCANNED
    }
    assert files == set(EXPECTED)


def test_sample_data_is_plain() -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    files = sorted(sample.rglob("*.jsonl"))
    assert files and {outcome(f) for f in files} == {"plain"}


def test_formats_command_lists_every_reader(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formats"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == [r.name for r in READERS]
    assert set(listed) == {
        "inspect",
        "lighteval",
        "lm_eval",
        "skythought",
        "internbootcamp",
        "aisbench",
        "opencompass",
        "plain",
    }
