"""One JSON document of plain records (``json.dump(results, f, indent=2)``) is read as if each
record were a line of JSON lines; it was skipped with a ``jq`` hint.

Each record's rows carry its number in the document as ``line`` (a one-line document has every
record on line 1) and the byte offset of its first byte; a bad record is reported at the line of
the file it starts on; a malformed document at its line and column.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from evaltui.cli import main
from evaltui.data.export import export_view
from evaltui.data.follow import Follower
from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.plain_document import PlainDocumentReader, at_entry_lines, entry_lines
from evaltui.data.loader import LoadOptions, LoadResult, load
from evaltui.data.marks import MANIFEST_SUFFIX
from evaltui.data.schema import LoadError
from tests.conftest import write_jsonl

RECORDS: list[dict[str, Any]] = [
    {"prompt": "What is 2 + 3?", "gen": "It is \\boxed{5}.", "answer": "5", "accuracy": 1.0},
    {"prompt": "What is 2 + 3?", "gen": "Maybe \\boxed{6}.", "answer": "5", "accuracy": 0.0},
    {"prompt": "Кто × ?", "gen": ["a", "b"], "answer": "a", "accuracy": [1, 0]},
    {"prompt": "Name a prime.", "gen": "7", "answer": "7", "accuracy": True},
]
#: What the rows of RECORDS are, as a load gives them (run, prompt, gen, accuracy).
ROWS = [
    ("What is 2 + 3?", "It is \\boxed{5}.", 1.0),
    ("What is 2 + 3?", "Maybe \\boxed{6}.", 0.0),
    ("Кто × ?", "a", 1.0),
    ("Кто × ?", "b", 0.0),
    ("Name a prime.", "7", 1.0),
]


def quick(*paths: Path, **options: Any) -> LoadResult:
    return load(list(paths), LoadOptions(tokenize=False, use_cache=False, **options))


def rows(result: LoadResult) -> list[tuple[Any, ...]]:
    return result.generations.select("prompt", "gen", "accuracy").rows()


def write(path: Path, document: Any, indent: int | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=False), encoding="utf-8")
    return path


SHAPES = {
    "array": lambda records: records,
    "results": lambda records: {"accuracy": 0.5, "results": records, "n": len(records)},
    "samples": lambda records: {"config": {"model": "m", "seeds": [1, 2]}, "samples": records},
}


@pytest.mark.parametrize("indent", [2, None], ids=["indented", "one-line"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_json_document_of_records_is_read_as_its_records(
    tmp_path: Path, shape: str, indent: int | None
) -> None:
    """It was skipped: "no reader recognises this file (one JSON document, …: jq -c '.[]' …)"."""
    path = write(tmp_path / "data" / "model-a" / "results.json", SHAPES[shape](RECORDS), indent)
    detection = detect(path)
    assert detection.reader is not None and detection.reader.name == "plain_document"
    result = quick(tmp_path / "data")
    assert result.errors == [] and result.skipped_files == []
    assert rows(result) == ROWS
    assert set(result.generations["run"]) == {"model-a"}
    # the same as the records written as JSON lines
    lines = quick(write_jsonl(tmp_path / "lines" / "model-a" / "results.jsonl", RECORDS))
    keys = ["run", "prompt", "answer", "count", "total_accuracy_count", "average_accuracy"]
    assert result.stats.select(keys).equals(lines.stats.select(keys))
    # each record's rows: its number in the document and the byte offset where it starts
    generations = result.generations
    assert generations["line"].to_list() == [1, 2, 3, 3, 4]
    data = path.read_bytes()
    for line, offset in generations.select("line", "offset").unique().iter_rows():
        decoder = json.JSONDecoder()
        value, _end = decoder.raw_decode(data[offset:].decode("utf-8"))
        assert value == RECORDS[line - 1]


def test_a_record_that_is_not_a_record_is_counted_at_the_line_it_starts_on(
    tmp_path: Path,
) -> None:
    records = [RECORDS[0], "just a string", {"prompt": "no generation here"}, RECORDS[3]]
    path = write(tmp_path / "m" / "out.json", {"results": records}, 2)
    result = quick(path)
    assert rows(result) == [ROWS[0], ROWS[4]]
    text = path.read_text(encoding="utf-8").splitlines()
    string_line = text.index('    "just a string",') + 1
    no_gen_line = next(i for i, t in enumerate(text, 1) if t.strip() == "{" and i > string_line)
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [
        (string_line, "record 2"),
        (no_gen_line, "record 3"),
    ]
    assert (
        str(result.errors[0]) == f"out.json:{string_line}: record 2: a JSON string, not an object"
    )
    assert "no generation field" in result.errors[1].reason
    assert [f.errors for f in result.files] == [2]
    # On one line, every record starts on line 1; its number tells them apart.
    one = write(tmp_path / "n" / "out.json", records, None)
    assert [str(e).split(": ")[:2] for e in quick(one).errors] == [
        ["out.json:1", "record 2"],
        ["out.json:1", "record 3"],
    ]


def test_a_malformed_document_says_line_and_column(tmp_path: Path) -> None:
    text = json.dumps(RECORDS, indent=2).replace('"answer": "7"', '"answer": "7",,', 1)
    path = tmp_path / "m" / "bad.json"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if ",," in t)
    column = text.splitlines()[line - 1].index(",,") + 2
    result = quick(path)
    (error,) = result.errors
    assert error.line == line
    assert f"not valid JSON: Expecting property name enclosed in double quotes at column {column}"
    assert str(error).startswith(f"bad.json:{line}: record 4: not valid JSON: ")
    assert f"at column {column}" in error.reason
    assert rows(result) == ROWS[:4]  # the records before it are read
    # A document cut short (still being written) keeps the records before the cut.
    cut = tmp_path / "c" / "cut.json"
    cut.parent.mkdir()
    whole = json.dumps({"results": RECORDS}, indent=2)
    cut.write_text(whole[: whole.index('"Name a prime."') + 5], encoding="utf-8")
    result = quick(cut)
    (error,) = result.errors
    assert error.line == whole[: whole.index('"Name a prime."')].count("\n") + 1
    assert error.reason.startswith("not valid JSON (cut short: still being written?):")
    assert "at column 17; the 3 records before it are read, none after" in error.reason
    assert rows(result) == ROWS[:4]


def test_records_export_of_a_document_round_trips(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write(data / "model-a" / "results.json", {"accuracy": 0.5, "results": RECORDS}, 4)
    write(data / "model-b" / "results.json", RECORDS[:2], None)
    before = quick(data)
    out = tmp_path / "hard.jsonl"
    summary = export_view("records", before.stats, before.generations, before.files, out)
    assert summary.records == 6
    assert "which evaltui reads back as plain JSON lines" in str(summary)
    # one line per record, JSON-equal to it (only the document's line breaks taken out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == RECORDS + RECORDS[:2]
    assert lines[0] == json.dumps(RECORDS[0], ensure_ascii=False)
    manifest = json.loads(Path(f"{out}{MANIFEST_SUFFIX}").read_text(encoding="utf-8"))
    sources = manifest["evaltui"]["sources"]
    assert [(s["format"], s["reads_back"], s["source_lines"]) for s in sources] == [
        ("plain_document", True, [[1, 4]]),
        ("plain_document", True, [[1, 2]]),
    ]
    # read back by name: the same runs, prompts and scores
    again = quick(out)
    assert again.errors == [] and again.skipped_files == []
    keys = ["run", "prompt_id", "count", "total_accuracy_count", "average_accuracy"]
    assert sorted(again.stats.select(keys).rows()) == sorted(before.stats.select(keys).rows())
    # a subset: the records of one prompt only, each once
    view = before.stats.filter(pl.col("prompt") == "Кто × ?")
    export_view("records", view, before.generations, before.files, tmp_path / "one.jsonl")
    assert (tmp_path / "one.jsonl").read_text(encoding="utf-8") == (
        json.dumps(RECORDS[2], ensure_ascii=False) + "\n"
    )
    # the CLI twin
    assert main(["export", str(data), "--records", "-o", str(tmp_path / "cli.jsonl")]) == 0
    assert (tmp_path / "cli.jsonl").read_bytes() == out.read_bytes()


def test_warm_load_and_texts_read_back_equal_the_cold_load(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    from evaltui.data.texts import TextSource

    records = [*RECORDS, "not a record"]
    path = write(tmp_path / "data" / "m" / "results.json", {"results": records}, 2)
    options = LoadOptions(
        model=str(word_tokenizer), cache_dir=tmp_path / "cache", text_on_demand=True
    )
    cold = load([path], options)
    warm = load([path], options)
    assert warm.cache_hits == 1
    assert warm.stats.equals(cold.stats)
    assert warm.generations.drop("gen").equals(cold.generations.drop("gen"))
    assert warm.generations["gen"].null_count() == warm.generations.height
    assert [str(e) for e in warm.errors] == [str(e) for e in cold.errors]
    # the prompt screen's text of a warm load is read back from the document
    gens = warm.generations.with_row_index("_row")
    filled = TextSource(warm.files).fill(gens, warm.generations)
    assert filled.select("prompt", "gen", "accuracy").rows() == ROWS


def test_text_of_a_changed_document_names_no_line_it_does_not_have(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    # A document rewritten in place to the same size and time (its identity unchanged) whose
    # 4th record now holds two generations: the prompt screen said 'line 4 no longer holds the
    # same records', the record's number as a line (line 4 of the file is inside record 1).
    import os

    from evaltui.data.texts import TextSource, TextUnavailable

    path = write(tmp_path / "data" / "m" / "results.json", {"results": RECORDS}, 2)
    path.write_text(path.read_text(encoding="utf-8") + " " * 64, encoding="utf-8")
    options = LoadOptions(
        model=str(word_tokenizer), cache_dir=tmp_path / "cache", text_on_demand=True
    )
    load([path], options)
    warm = load([path], options)
    assert warm.generations["gen"].null_count() == warm.generations.height
    before = path.stat()
    changed = [*RECORDS[:3], {**RECORDS[3], "gen": ["7", "9"], "accuracy": [1, 0]}]
    text = json.dumps({"results": changed}, indent=2, ensure_ascii=False)
    size = len(text.encode())
    assert size <= before.st_size
    with path.open("r+b") as handle:  # in place: the same inode
        handle.write(text.encode() + b" " * (before.st_size - size))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    gens = warm.generations.with_row_index("_row")
    with pytest.raises(TextUnavailable) as failure:
        TextSource(warm.files).fill(gens, warm.generations)
    assert str(failure.value) == (
        f"{warm.files[0].source} has changed since it was loaded: its entries are not the same"
        " records (reload to see its text)"
    )


def test_text_of_changed_json_lines_names_the_line(tmp_path: Path, word_tokenizer: Path) -> None:
    # JSON lines are read back by their lines: the line is named, as it is the file's own.
    import os

    from evaltui.data.texts import TextSource, TextUnavailable

    records = [RECORDS[0], {**RECORDS[3], "gen": "7" + " " * 40}]
    path = write_jsonl(tmp_path / "data" / "m" / "out.jsonl", records)
    options = LoadOptions(
        model=str(word_tokenizer), cache_dir=tmp_path / "cache", text_on_demand=True
    )
    load([path], options)
    warm = load([path], options)
    before = path.stat()
    lines = path.read_bytes().split(b"\n")
    two = json.dumps({**RECORDS[3], "gen": ["7", "9"], "accuracy": [1, 0]}).encode()
    assert len(two) <= len(lines[1])
    lines[1] = two[:-1] + b" " * (len(lines[1]) - len(two)) + b"}"
    path.write_bytes(b"\n".join(lines))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    gens = warm.generations.with_row_index("_row")
    with pytest.raises(TextUnavailable, match=r": line 2 no longer holds the same records"):
        TextSource(warm.files).fill(gens, warm.generations)


def test_json_lines_are_not_taken_for_one_document(tmp_path: Path) -> None:
    # JSON lines of objects holding lists of records: each line its own value, not one document
    path = write_jsonl(tmp_path / "batches.jsonl", [{"results": RECORDS[:2]}] * 3)
    reader = detect(path).reader
    assert reader is None or reader.name != "plain_document"
    # plain JSON lines whose prompt is chat messages (a list of objects first) stay plain
    chat = {"prompt": [{"role": "user", "content": "hi"}], "gen": "hello", "accuracy": 1}
    path = write_jsonl(tmp_path / "chat.jsonl", [chat, chat])
    reader = detect(path).reader
    assert reader is not None and reader.name == "plain"


def test_field_flags_read_a_document_of_records_with_their_own_names(tmp_path: Path) -> None:
    records = [
        {"q": "What is 2 + 3?", "model_answer": "5", "ref": "5", "ok": 1},
        {"q": "What is 2 + 3?", "model_answer": "6", "ref": "5", "ok": 0},
    ]
    path = write(tmp_path / "m" / "eval.json", {"accuracy": 0.5, "details": records}, 2)
    reason = detect(path).reason
    assert reason == (
        "no reader recognises this file (one JSON document of records; its first record's keys:"
        " q, model_answer, ref, ok; name the fields with --prompt-field, --gen-field,"
        " --answer-field, --score-field)"
    )
    flags = ReadOptions(
        prompt_field="q", gen_field="model_answer", answer_field="ref", score_field="ok"
    )
    reader = detect(path, options=flags).reader
    assert reader is not None and reader.name == "plain_document"
    result = quick(path, read=flags)
    assert result.errors == [] and result.notes == []
    assert result.generations.select("prompt", "gen", "accuracy").rows() == [
        ("What is 2 + 3?", "5", 1.0),
        ("What is 2 + 3?", "6", 0.0),
    ]
    # --format plain on a document reads its records, not its lines
    forced = detect(tmp_path / "m" / "eval.json", forced="plain", options=flags).reader
    assert forced is not None and forced.name == "plain_document"


def test_a_document_written_whole_at_the_end_is_read_when_it_appears(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    data = tmp_path / "data"
    write_jsonl(data / "other" / "out.jsonl", RECORDS[:1])
    options = LoadOptions(model=str(word_tokenizer), use_cache=False)
    follower = Follower([data], options)
    follower.load()
    target = data / "m" / "results.json"
    target.parent.mkdir()
    whole = json.dumps({"results": RECORDS}, indent=2)
    target.write_text(whole[:300], encoding="utf-8")  # still being written
    update = follower.poll()
    assert update is not None
    fresh = load([data], options)
    assert update.result.generations.select("source", "line", "gen").equals(
        fresh.generations.select("source", "line", "gen")
    )
    target.write_text(whole, encoding="utf-8")
    update = follower.poll()
    assert update is not None and update.result.errors == []
    fresh = load([data], options)
    assert update.result.stats.equals(fresh.stats)
    assert update.result.generations.equals(fresh.generations)
    assert not any("rewritten" in note for note in update.result.notes)
    # rewritten whole with a record less: read again whole, nothing kept of the old version
    shutil.copyfile(write(tmp_path / "x.json", {"results": RECORDS[1:]}, 2), target)
    update = follower.poll()
    assert update is not None
    assert update.result.generations.equals(load([data], options).generations)


def test_every_cut_of_a_document_is_read_up_to_the_cut_and_told(tmp_path: Path) -> None:
    """A document still being written (or cut short): never a crash; the records that are whole
    are read and one error says where it breaks. Strings holding brackets, quotes, backslashes
    and line-break escapes must not be taken for the document's structure."""
    records = [
        {"prompt": 'a "quoted" [x] {y}', "gen": "\\boxed{1}\n]}", "answer": "1", "accuracy": 1},
        {"prompt": "b\\", "gen": ["}", "{"], "answer": "2", "accuracy": [0, 1]},
        {"prompt": "ç ✓ 😀", "gen": "3", "answer": "3", "accuracy": 0.5, "meta": {"k": [1, {}]}},
    ]
    text = json.dumps({"n": 3, "results": records, "tail": {"x": "]"}}, indent=1)
    data = text.encode("utf-8")
    whole = quick(write(tmp_path / "w" / "whole.json", {"results": records}, 1))
    everything = rows(whole)
    path = tmp_path / "m" / "cut.json"
    path.parent.mkdir()
    for cut in range(len(data) - 1, 1, -7):
        path.write_bytes(data[:cut])
        result = PlainDocumentReader().read(path, "cut.json", ReadOptions())
        got = result.frame.select("prompt", "gen", "accuracy").rows()
        assert got == everything[: len(got)], cut
        assert len(result.errors) == 1, (cut, result.errors)
        (error,) = result.errors
        assert error.line is not None and 1 <= error.line <= text[:cut].count("\n") + 1
        assert "not valid JSON" in error.reason
    path.write_bytes(data)
    result = PlainDocumentReader().read(path, "cut.json", ReadOptions())
    assert result.errors == [] and result.frame.select("prompt", "gen", "accuracy").rows() == (
        everything
    )


def test_what_a_document_says_of_its_keys_is_shown_safely(tmp_path: Path) -> None:
    """Keys come from the file: they are told on one line, control characters made visible."""
    document = {"a\x1b]0;t\x07": RECORDS[:1], "b": RECORDS[1:2], "other": [{"q": "x"}]}
    path = write(tmp_path / "m" / "two.json", document, 2)
    result = quick(path)
    assert rows(result) == ROWS[:2]
    (note,) = [n for n in result.notes if "lists under" in n]
    assert "\x1b" not in note and "\x07" not in note and "'b'" in note
    flags = ReadOptions(prompt_field="question")
    result = PlainDocumentReader().read(path, "two.json", flags)
    (error,) = result.errors
    assert error.reason.startswith("no list of records with a prompt and a generation")
    assert "\x1b" not in error.reason and "\x07" not in error.reason
    assert "the first record under 'a␛]0;t␇' has keys prompt, gen, answer, accuracy" in (
        error.reason
    )


@pytest.mark.parametrize("long", [False, True], ids=["short", "longer-than-the-head"])
def test_a_one_line_record_with_a_chat_prompt_stays_a_json_lines_record(
    tmp_path: Path, long: bool
) -> None:
    """A record's own list of objects (chat messages under ``prompt``) is not a document's list
    of records, also when its line is the whole file or runs past what detection looks at."""
    text = "x " * (40_000 if long else 5)
    chat = {"prompt": [{"role": "user", "content": text}], "gen": "hello", "accuracy": 1}
    path = write_jsonl(tmp_path / "chat.jsonl", [chat])
    for options in (None, ReadOptions(score_field="accuracy")):
        reader = detect(path, options=options).reader  # (a line past the head is read whole)
        assert reader is not None and reader.name == "plain"
        forced = detect(path, forced="plain", options=options).reader
        assert forced is not None and forced.name == "plain"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr-only"])
def test_a_document_with_a_bom_and_windows_or_old_mac_line_endings(
    tmp_path: Path, newline: str
) -> None:
    text = json.dumps([RECORDS[0], "oops", RECORDS[1]], indent=2, ensure_ascii=False)
    path = tmp_path / "m" / "win.json"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", newline).encode("utf-8"))
    result = quick(path)
    assert rows(result) == ROWS[:2]
    (error,) = result.errors
    assert (error.line, error.reason) == (8, "record 2: a JSON string, not an object")
    out = tmp_path / "r.jsonl"
    export_view("records", result.stats, result.generations, result.files, out)
    assert out.read_text(encoding="utf-8").splitlines() == [
        json.dumps(RECORDS[0], ensure_ascii=False),
        json.dumps(RECORDS[1], ensure_ascii=False),
    ]


def test_one_record_before_a_cut_is_one_record_read(tmp_path: Path) -> None:
    # "the 1 record before it are read"
    path = tmp_path / "r" / "cut.json"
    path.parent.mkdir()
    path.write_text(json.dumps([RECORDS[0]]).rstrip("]") + ', {"prompt": "x', encoding="utf-8")
    result = quick(path)
    (error,) = result.errors
    assert error.reason.endswith("; the 1 record before it is read, none after")
    assert rows(result) == ROWS[:1]


def test_entry_lines_finds_where_each_entry_of_a_container_starts() -> None:
    text = (
        b'{"eval": {"samples": "[not these]"},\n'
        b' "samples": [\n'
        b'  {"id": "a", "text": "}{]["},\n'
        b"  NaN,\n"
        b'  {"id": "b",\n'
        b'   "more": [1, {"x": 2}]}\n'
        b" ],\n"
        b' "by_key": {"0": 1,\n'
        b'  "1": {"k": "v"},\n'
        b'  "0": [2]}}\n'
    )
    assert entry_lines(text, "samples") == ([3, 4, 5], {})
    # a key written twice is at its last place, whose value json keeps
    assert entry_lines(text, "by_key") == ([8, 9, 10], {"0": 10, "1": 9})
    assert entry_lines(text, "missing") is None
    assert entry_lines(b'[\n1,\n  {"a": 1}\n]') == ([2, 3], {})
    assert entry_lines(b'\xef\xbb\xbf{\n"k": 1}') == ([2], {"k": 2})
    # cut short inside the container (an Inspect .json log cut while written, read as far as it
    # goes): the entries that start before the cut; before the container: none found
    assert entry_lines(b'[\n1,\n{"a": ') == ([2, 3], {})
    assert entry_lines(b'{"eval": {"x": ', "samples") is None


def test_at_entry_lines_without_the_entry_tells_its_number(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{\n"a": {},\n"b": {}\n}', encoding="utf-8")
    errors = [
        LoadError("x.json", 2, "bad b"),
        LoadError("x.json", None, "whole file"),
        LoadError("x.json", 3, "gone"),
    ]
    assert at_entry_lines(errors, path, ["a", "b", "c"]) == [
        LoadError("x.json", 3, "bad b"),
        LoadError("x.json", None, "whole file"),
        LoadError("x.json", None, "entry 3: gone"),  # the file changed since: no line for it
    ]
