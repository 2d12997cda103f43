"""What a headless command's last words say of its output, as a script's author reads them.

``summarize``, ``compare`` and ``rescore`` replace an existing ``-o`` file (``export`` with
``--force``): they said 'wrote s.json' whether or not a file was there, so a rerun that
overwrote last week's summary read like a first write. Now: ``replaced s.json``. And
``summarize -o - | head -1`` said 'wrote (standard output)' over an output cut short, where
``export`` said 'stopped writing to standard output: its reader left'."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.cli import main
from tests.conftest import write_jsonl
from tests.data.test_pipes import ROWS, run_with_closed


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "evals" / "model_a" / "inference_0.jsonl", ROWS)
    write_jsonl(tmp_path / "evals" / "model_b" / "inference_0.jsonl", ROWS[::-1])
    return tmp_path / "evals"


def test_a_file_that_was_there_is_said_replaced(
    evals: Path, tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "out"
    runs = [
        ["summarize", str(evals), "-o", str(out / "s.json")],
        ["rescore", str(evals), "--scorer", "exact", "--workers", "1", "-o", str(out / "r.json")],
        ["compare", str(evals), "-o", str(out / "c.json")],
        ["export", str(evals), "-o", str(out / "e.csv"), "--force"],
    ]
    for argv in runs:
        assert main([*argv, *common]) == 0
        first = capsys.readouterr().err
        assert main([*argv, *common]) == 0
        again = capsys.readouterr().err
        path = argv[argv.index("-o") + 1]
        assert "replaced" not in first
        if argv[0] in ("summarize", "rescore"):
            assert first.endswith(f"\nwrote        {path}\n"), first
            assert again.endswith(f"\nreplaced     {path}\n"), again
        elif argv[0] == "compare":
            assert first.endswith(f"evaltui: wrote 40 compared prompts to {path}\n"), first
            assert again.endswith(f"evaltui: replaced {path} with 40 compared prompts\n"), again
        else:
            assert first.startswith(f"evaltui: wrote 80 rows (run × prompt) to {path} ("), first
            assert again.startswith(f"evaltui: replaced {path} with 80 rows (run × prompt) ("), (
                again
            )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["summarize"], "wrote        (standard output, until its reader left)\n"),
        (
            ["rescore", "--scorer", "exact", "--workers", "1"],
            "wrote        (standard output, until its reader left)\n",
        ),
        (
            ["compare"],
            "evaltui: stopped writing 40 compared prompts to standard output: its reader left\n",
        ),
    ],
)
def test_standard_output_whose_reader_left_is_not_said_written(
    argv: list[str], said: str, evals: Path, tmp_path: Path, word_tokenizer: Path
) -> None:
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    proc = run_with_closed("stdout", [argv[0], str(evals), *argv[1:], "-o", "-", *common], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert said in proc.stderr
    assert "wrote        (standard output)\n" not in proc.stderr
    assert "compared prompts to standard output\n" not in proc.stderr.replace(said, "")
