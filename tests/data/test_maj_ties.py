"""maj@n's tie: the answer given first wins, as lm-eval's majority_vote filter breaks it
(``Counter(resps).most_common(1)``), and the definition shown in t and ? says so: of two samples,
one right and one wrong, maj@2 read as pass@2 (both 1) when the right one came first, which
looked like maj@k computed as pass@k (headless30's note)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from evaltui.data.definitions import metric_definition
from evaltui.data.loader import LoadOptions, load
from tests.conftest import write_jsonl


def test_the_definition_says_how_a_tie_is_broken() -> None:
    words = metric_definition("maj@2")
    assert words is not None
    assert "a tie goes to the answer given first" in words, words
    assert "of 2 samples, one right and one wrong, the first decides" in words, words


def test_two_samples_one_right_one_wrong_the_first_decides(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    write_jsonl(
        tmp_path / "run" / "r.jsonl",
        [
            {
                "id": "w",
                "prompt": "wrong first",
                "answer": "4",
                "gen": ["The answer is 5", "The answer is 4"],
                "accuracy": [0, 1],
            },
            {
                "id": "r",
                "prompt": "right first",
                "answer": "4",
                "gen": ["The answer is 4", "The answer is 5"],
                "accuracy": [1, 0],
            },
        ],
    )
    result = load(
        [str(tmp_path / "run")], LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "c")
    )
    stats = result.stats.sort("prompt")
    assert stats["prompt"].to_list() == ["right first", "wrong first"]
    assert stats["pass@2"].to_list() == [1.0, 1.0]
    # As lm-eval's vote: Counter keeps the first-inserted of equal counts.
    assert [Counter(v).most_common(1)[0][0] for v in (["4", "5"], ["5", "4"])] == ["4", "5"]
    assert stats["maj@2"].to_list() == [1.0, 0.0]
