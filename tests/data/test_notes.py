"""A note of one kind about many files is said once (evaltui.data.notes): 100 verl step files
gave 100 "scored by 'acc'" notes on every stderr and in the app's notes count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaltui.cli import main
from evaltui.data.loader import LoadOptions, load
from evaltui.data.notes import fold_notes, note_lines
from tests.data.test_plain_rollouts import write_verl_step

SCORED = (
    "scored by 'acc'; its records also have 'score' (--score-field score to score by that instead)"
)


def test_one_kind_about_many_files_is_one_note_naming_the_first_few() -> None:
    sources = [f"val/{step}.jsonl" for step in range(0, 1000, 10)]
    notes = ["--label 'x' names every file's run"] + [f"{s}: {SCORED}" for s in sources]
    groups = fold_notes(notes, sources)
    assert [g.text for g in groups] == [
        "--label 'x' names every file's run",
        f"100 files: {SCORED} (in val/0.jsonl, val/10.jsonl, val/20.jsonl and 97 more)",
    ]
    assert groups[1].sources == tuple(sources)  # every file still there for whoever lists them
    assert groups[1].same_text


def test_kinds_stay_apart_and_in_the_order_first_said() -> None:
    sources = ["a.jsonl", "b.jsonl", "c.jsonl"]
    notes = [
        "a.jsonl: scored by 'acc'",
        "a.jsonl: a reply of reasoning with no answer text",
        "b.jsonl: scored by 'correct'",  # another field: another kind
        "c.jsonl: scored by 'acc'",
    ]
    assert [g.text for g in fold_notes(notes, sources)] == [
        "2 files: scored by 'acc' (in a.jsonl, c.jsonl)",
        "a.jsonl: a reply of reasoning with no answer text",
        "b.jsonl: scored by 'correct'",
    ]


def test_numbers_differing_is_one_kind_and_says_whose_numbers_are_shown() -> None:
    sources = ["a.jsonl", "b.jsonl"]
    notes = [
        "a.jsonl: none of its 64 records has a score",
        "b.jsonl: none of its 1,280 records has a score",
    ]
    (group,) = fold_notes(notes, sources)
    assert group.text == (
        "2 files: none of its 64 records has a score (as a.jsonl says it, the others with "
        "their own numbers; in a.jsonl, b.jsonl)"
    )
    assert not group.same_text
    # The notes screen lists each file's own note, not only its name.
    assert note_lines([group], listed=10, limit=200) == [
        group.text,
        f"  {notes[0]}",
        f"  {notes[1]}",
    ]


def test_a_file_name_holding_colon_space_and_a_note_of_no_file() -> None:
    sources = ["odd: name.jsonl", "b.jsonl"]
    notes = ["odd: name.jsonl: x", "b.jsonl: x", "the cache cannot be written", "b.jsonl: y"]
    assert [g.text for g in fold_notes(notes, sources)] == [
        "2 files: x (in odd: name.jsonl, b.jsonl)",
        "the cache cannot be written",
        "b.jsonl: y",
    ]


def test_the_notes_screen_lines_list_files_up_to_a_bound_and_are_one_line_each() -> None:
    sources = [f"d/{i}\x1b[2J.jsonl" for i in range(6)]
    groups = fold_notes([f"{s}: x" for s in sources], sources)
    lines = note_lines(groups, listed=4, limit=200)
    assert lines[0].startswith("6 files: x (in d/0␛[2J.jsonl")
    assert lines[1:] == [f"  d/{i}␛[2J.jsonl" for i in range(4)] + ["  … and 2 more"]
    assert all("\x1b" not in line for line in lines)


def verl_folder(root: Path, steps: int) -> Path:
    for step in range(steps):
        write_verl_step(root / "val_generations", step * 10, step % 2 == 0)
    return root


def test_a_load_of_verl_steps_has_one_note_group(tmp_path: Path) -> None:
    result = load([verl_folder(tmp_path / "verl", 12)], LoadOptions(cache_dir=tmp_path / "c"))
    assert len(result.notes) == 12  # each file's own, kept
    (group,) = result.note_groups()
    assert group.text.startswith(f"12 files: {SCORED} (in val_generations/0.jsonl, ")
    assert group.text.endswith("and 9 more)")
    assert len(group.sources) == 12


def test_summarize_and_export_say_the_note_once(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """summarize listed the first five per-file notes and "… and 7 more notes"; export and
    compare said nothing of them (a run scored by 'acc' rather than 'score' went unsaid)."""
    root = verl_folder(tmp_path / "verl", 12)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["summarize", str(root), "-o", str(tmp_path / "s.json"), *common]) == 0
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if line.startswith("note ")]
    assert len(notes) == 1 and "12 files: scored by 'acc'" in notes[0]
    assert "more notes" not in err
    assert main(["export", str(root), "-o", str(tmp_path / "e.csv"), *common]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("note ")] == notes
    assert main(["export", str(root), "-q", "-o", str(tmp_path / "q.csv"), *common]) == 0
    assert capsys.readouterr().err == ""  # -q: quiet


def test_rescore_says_a_kind_of_file_not_scored_once(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """``rescore --scorer lm-eval`` over an lm-eval file and 12 plain ones: one line for the
    twelve "not an lm-eval samples file" (it printed one "not scored" line per file)."""
    root = verl_folder(tmp_path / "verl", 12)
    lm_eval = Path(__file__).parents[1] / "fixtures" / "app" / "lm_eval_asdiv"
    args = ["rescore", str(root), str(lm_eval), "--scorer", "lm-eval", "--no-cache"]
    assert main([*args, "--model", str(word_tokenizer), "-o", str(tmp_path / "r.json")]) == 0
    err = capsys.readouterr().err
    not_scored = [line for line in err.splitlines() if line.startswith("not scored ")]
    assert len(not_scored) == 1, err
    assert "12 files: not an lm-eval samples file (in " in not_scored[0]


def test_the_end_summary_lists_ten_runs_triage_and_counts_the_rest(
    tmp_path: Path, word_tokenizer: Path, capsys: Any
) -> None:
    """100 verl steps gave 100 triage lines in the end summary (the accuracy by run stopped at
    ten); past ten runs the rest are one line of totals, no flag left unsaid."""
    root = verl_folder(tmp_path / "verl", 12)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    assert main(["summarize", str(root), "-o", str(tmp_path / "s.json"), *common]) == 0
    lines = capsys.readouterr().err.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("triage "))
    end = next(i for i, line in enumerate(lines) if line.startswith("bad lines"))
    triage = lines[start:end]
    assert len(triage) == 11 and "val_generations · step 90: length cap 0" in triage[9]
    assert triage[10].strip().startswith("… and 2 more runs: length cap 0, no answer 0,")
    assert "of 6 generations; prompts: suspect reference 0" in triage[10]
