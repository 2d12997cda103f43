"""A file of blank lines only is said to be that ('4 blank lines, no record'), not "empty file"
as if it had no byte; a file with no byte is still "empty file"; one whose blank start is longer
than detection's head says where its first content is."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.formats import HEAD_BYTES, detect


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\n\n  \n\n", "4 blank lines, no record"),
        (b"\n", "1 blank line, no record"),
        (b" \t ", "1 blank line, no record"),
        (b"\xef\xbb\xbf\r\n\r\n", "2 blank lines, no record"),
    ],
)
def test_a_blank_file_says_what_it_holds(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(content)
    detection = detect(path)
    assert detection.reader is None and detection.reason == reason


def test_a_long_blank_start_names_the_first_content_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    blank = HEAD_BYTES + 10
    path.write_bytes(b"\n" * blank + b'{"prompt": "p", "gen": "g", "accuracy": 1}\n')
    reason = detect(path).reason or ""
    assert reason.startswith(f"{blank:,} blank lines before its first content (line {blank + 1:,})")


def test_summarize_names_the_blank_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.jsonl").write_bytes(b"\n" * 3)
    assert main(["summarize", str(tmp_path), "-o", str(tmp_path / "out.json")]) == 2
    assert "m/a.jsonl: 3 blank lines, no record" in capsys.readouterr().err
