"""One bad line or entry costs that line, never its file or the load (issue 10, "Data lost").

Each input is generated here: lines nested 10,000 deep, integers of 5,000 digits, a 400-digit
score, lone surrogates, values of the wrong type in AISBench and Inspect records, a NaN epoch,
the same lines first in their files (detection), and CR-only line endings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.export import write_records
from evaltui.data.formats import detect
from evaltui.data.loader import LoadOptions, LoadResult, load

DEEP = "[" * 10_000 + "]" * 10_000
HUGE_INT = "9" * 5_000
GOOD = [{"prompt": f"q{i}", "gen": f"g{i}", "answer": str(i), "accuracy": i % 2} for i in range(3)]

#: (name, a bad line as raw JSON text)
BAD_LINES = [
    ("nested 10,000 deep", '{"prompt": "p", "gen": ' + DEEP + ', "answer": "1"}'),
    ("integer of 5,000 digits", '{"prompt": "p", "gen": "g", "answer": ' + HUGE_INT + "}"),
    ("400-digit score", '{"prompt": "p", "gen": "g", "accuracy": 1' + "0" * 400 + "}"),
    ("deep object", '{"a":' * 3_000 + "1" + "}" * 3_000),
]


def _load(paths: list[Path], tmp_path: Path) -> LoadResult:
    options = LoadOptions(tokenize=False, cache_dir=tmp_path / "cache", use_cache=False)
    return load(paths, options)


def _write(path: Path, lines: list[str], ending: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((ending.join(lines) + ending).encode("utf-8", "surrogatepass"))
    return path


def _good_lines() -> list[str]:
    return [json.dumps(record) for record in GOOD]


@pytest.mark.parametrize("first", [False, True], ids=["later line", "first line"])
@pytest.mark.parametrize(("what", "bad"), BAD_LINES, ids=[name for name, _ in BAD_LINES])
def test_a_bad_line_is_its_own_error(tmp_path: Path, what: str, bad: str, first: bool) -> None:
    lines = [bad, *_good_lines()] if first else [*_good_lines(), bad]
    path = _write(tmp_path / "run" / "out.jsonl", lines)
    # Another file with good lines: its generations must survive too.
    other = _write(tmp_path / "run" / "other.jsonl", _good_lines())
    result = _load([path.parent], tmp_path)
    assert [f.format for f in result.files] == ["plain", "plain"], what
    bad_line = 1 if first else 4
    assert [(e.source, e.line) for e in result.errors] == [("out.jsonl", bad_line)]
    assert result.generations.filter(source="out.jsonl")["gen"].to_list() == ["g0", "g1", "g2"]
    assert result.generations.filter(source=other.name).height == 3


def test_error_reasons_say_what_is_wrong(tmp_path: Path) -> None:
    lines = [bad for _name, bad in BAD_LINES[:3]] + _good_lines()
    result = _load([_write(tmp_path / "out.jsonl", lines)], tmp_path)
    reasons = [e.reason for e in result.errors]
    assert "nested too deeply" in reasons[0]
    assert "more than 4,300 digits" in reasons[1]
    assert "score" in reasons[2]  # the 400-digit score cannot be a number
    assert result.generations.height == 3


def test_lone_surrogates_are_made_visible(tmp_path: Path) -> None:
    lines = [
        '{"prompt": "p\\ud800", "gen": "a\\udfffb", "answer": "1", "accuracy": 1}',
        '{"prompt": "fine \\ud83d\\ude00", "gen": "g", "answer": "1", "accuracy": 0}',
        '{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 0, "\\ud800": 1}',
    ]
    result = _load([_write(tmp_path / "out.jsonl", lines)], tmp_path)
    assert result.errors == []
    assert result.generations["prompt"].to_list() == ["p\ufffd", "fine 😀", "p"]
    assert result.generations["gen"][0] == "a\ufffdb"
    # Exported, the records are the file's lines, unchanged.
    target = tmp_path / "records.jsonl"
    assert write_records(result.stats, result.generations, result.files, target) == 3
    assert target.read_text(encoding="utf-8").splitlines() == lines


@pytest.mark.parametrize(
    "first_line",
    ["{}", '{"meta": 1}', '{"prompt": "p", "answer": "1"}', "[1, 2]", DEEP, "not json"],
)
def test_a_first_line_that_is_not_a_sample_does_not_reject_the_file(
    tmp_path: Path, first_line: str
) -> None:
    path = _write(tmp_path / "out.jsonl", [first_line, *_good_lines()])
    assert detect(path).reader is not None
    result = _load([path], tmp_path)
    assert result.generations.height == 3
    assert [(e.line) for e in result.errors] == [1]


def test_a_detector_that_fails_is_one_files_skip_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data.formats import get_reader

    def broken(*_args: Any) -> int:
        raise RuntimeError("detector bug")

    # lm_eval's detector looks at every .jsonl file before the plain reader's does.
    monkeypatch.setattr(type(get_reader("lm_eval")), "sniff", broken)
    monkeypatch.setattr(type(get_reader("lm_eval")), "companion", broken)
    _write(tmp_path / "a.jsonl", _good_lines())
    _write(tmp_path / "b.jsonl", ["{}"])
    result = _load([tmp_path], tmp_path)
    assert result.generations.height == 3
    assert [(f.source, f.skipped) for f in result.files] == [
        ("a.jsonl", None),
        ("b.jsonl", "no reader recognises this file"),
    ]


def _aisbench(tmp_path: Path, ids: list[Any]) -> Path:
    lines = [
        json.dumps(
            {
                "id": ident,
                "data_abbr": "toy",
                "origin_prompt": f"q{n}",
                "prediction": f"p{n}",
                "gold": "1",
            }
        )
        for n, ident in enumerate(ids)
    ]
    return _write(tmp_path / "predictions" / "model" / "toy.jsonl", lines)


def test_aisbench_unhashable_id_is_that_lines_error(tmp_path: Path) -> None:
    path = _aisbench(tmp_path, [0, [1, 2], 2, {"x": 1}])
    result = _load([path], tmp_path)
    assert result.files[0].format == "aisbench"
    assert sorted(e.line for e in result.errors if e.line is not None) == [2, 4]
    assert result.generations["gen"].to_list() == ["p0", "p2"]


def _inspect_log(tmp_path: Path, samples: list[str]) -> Path:
    text = (
        '{"version": 2, "status": "success", "eval": {"task": "t", "model": "m"}, "samples": [\n'
        + ",\n".join(samples)
        + "\n]}"
    )
    path = tmp_path / "logs" / "log.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _sample(ident: int, output: str = '{"completion": "c"}', epoch: str = "1") -> str:
    return (
        f'{{"id": {ident}, "epoch": {epoch}, "input": "q{ident}", "target": "1",'
        f' "output": {output}, "scores": {{"match": {{"value": "C"}}}}}}'
    )


def test_inspect_samples_of_the_wrong_shape_are_their_own_errors(tmp_path: Path) -> None:
    samples = [
        _sample(1),
        _sample(2, output='"a string"'),
        _sample(3, output="2.5"),
        _sample(4, epoch="NaN"),
        _sample(5, output='{"completion": ' + DEEP + "}"),
        _sample(6, epoch=HUGE_INT),
        _sample(7),
    ]
    result = _load([_inspect_log(tmp_path, samples)], tmp_path)
    assert result.files[0].format == "inspect"
    # Each error at the line its sample starts on (the header is line 1, sample n on line n + 1).
    assert sorted(e.line for e in result.errors if e.line is not None) == [3, 4, 5, 6, 7]
    assert all(e.line is not None for e in result.errors), result.errors
    assert result.generations["prompt_id"].to_list() == ["t:1", "t:7"]
    deep = next(e for e in result.errors if e.line == 6)
    assert "nested too deeply" in deep.reason


def test_skythought_entry_nested_too_deep_is_that_entrys_error(tmp_path: Path) -> None:
    def entry(n: int, content: str) -> str:
        return f'"{n}": {{"prompt": "q{n}", "answer": "1", "responses": [{{"content": {content}, "correctness": true}}]}}'

    text = "{\n" + ",\n".join([entry(0, '"a"'), entry(1, DEEP), entry(2, '"c"')]) + "\n}"
    folder = tmp_path / "results" / "org_model_task_abcdef"
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(text, encoding="utf-8")
    result = _load([folder / "results.json"], tmp_path)
    assert result.files[0].format == "skythought"
    # told at the line entry "1" starts on (one entry a line, after the opening brace's)
    assert [(e.line, "nested too deeply" in e.reason) for e in result.errors] == [(3, True)]
    assert result.generations["gen"].to_list() == ["a", "c"]


def test_cr_only_line_endings_are_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "run" / "mac.jsonl", _good_lines(), ending="\r")
    result = _load([path], tmp_path)
    assert result.errors == []
    assert result.generations["gen"].to_list() == ["g0", "g1", "g2"]
    # Exporting the original records re-reads them line by line, CR-only too.
    target = tmp_path / "records.jsonl"
    written = write_records(result.stats, result.generations, result.files, target)
    assert written == 3
    assert target.read_text(encoding="utf-8").splitlines() == _good_lines()


def test_a_file_appended_while_being_read_is_not_cached(
    tmp_path: Path, word_tokenizer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data.formats.plain import PlainReader

    path = _write(tmp_path / "run" / "out.jsonl", _good_lines())
    original = PlainReader.read
    appended = json.dumps({"prompt": "late", "gen": "g", "answer": "1", "accuracy": 1})

    def read_then_append(self: PlainReader, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        with path.open("a", encoding="utf-8") as handle:  # another process appends meanwhile
            handle.write(appended + "\n")
        return result

    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache", keep_text=False)
    with monkeypatch.context() as patch:
        patch.setattr(PlainReader, "read", read_then_append)
        first = load([path], options)
    assert first.generations.height == 3
    assert any("changed while it was being read" in note for note in first.notes)
    # The next run must see the appended line, not rows cached under the new size/mtime.
    second = load([path], options)
    assert second.generations.height == 4
    assert sorted(second.stats["prompt"].to_list()) == ["late", "q0", "q1", "q2"]


@pytest.mark.parametrize("how", ["rewritten", "replaced", "removed"])
def test_records_of_a_file_changed_since_loading_are_refused(tmp_path: Path, how: str) -> None:
    path = _write(tmp_path / "run" / "out.jsonl", _good_lines())
    result = _load([path], tmp_path)
    if how == "rewritten":  # other lines, other lengths: the offsets point into them
        lines = [json.dumps({"prompt": "p" * 40, "gen": "g", "answer": "1"})] * 5
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif how == "replaced":  # same bytes, a new file put in place (a fresh copy, say)
        fresh = path.with_name("fresh.jsonl")
        fresh.write_bytes(path.read_bytes())
        fresh.replace(path)
    else:
        path.unlink()
    target = tmp_path / "records.jsonl"
    with pytest.raises(ValueError, match=r"out\.jsonl has changed since it was loaded"):
        write_records(result.stats, result.generations, result.files, target)
    assert not target.exists()
    # Loaded again, the export goes through.
    if how != "removed":
        again = _load([path], tmp_path)
        assert write_records(again.stats, again.generations, again.files, target) > 0


def _records(n: int, tag: str = "q") -> list[str]:
    return [
        json.dumps({"prompt": f"{tag}{i}", "gen": "g", "answer": "1", "accuracy": 1})
        for i in range(n)
    ]


def test_non_utf8_file_and_folder_names_are_read_and_shown(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"data", b"caf\xe9")
    os.makedirs(folder)
    with open(os.path.join(folder, b"r\xe9sults.jsonl"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(_records(3)) + "\n")
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    for _run in range(2):  # cold, then from the cache
        result = load([tmp_path / "data"], options)
        assert result.errors == [] and result.skipped_files == []
        assert result.generations["source"].unique().to_list() == ["caf\\xe9/r\\xe9sults.jsonl"]
        assert result.stats["run"].unique().to_list() == ["caf\\xe9"]
        assert result.stats.height == 3
    assert result.cache_hits == 1
    target = tmp_path / "records.jsonl"
    assert write_records(result.stats, result.generations, result.files, target) == 3


def test_symlinked_run_directories_are_followed_once(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "model_b"
    _write(elsewhere / "out.jsonl", _records(2, "b"))
    root = tmp_path / "runs"
    _write(root / "model_a" / "out.jsonl", _records(3, "a"))
    (root / "model_b").symlink_to(elsewhere, target_is_directory=True)
    (root / "model_a" / "again").symlink_to(root / "model_a", target_is_directory=True)  # a loop
    (root / "up").symlink_to(root, target_is_directory=True)  # another
    result = _load([root], tmp_path)
    assert sorted(result.generations["source"].unique().to_list()) == [
        "model_a/out.jsonl",
        "model_b/out.jsonl",
    ]
    assert sorted(result.stats["run"].unique().to_list()) == ["model_a", "model_b"]
    assert result.generations.height == 5


def test_a_run_folder_linked_under_a_models_name_is_labelled_by_the_link(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Runs labelled by linking their output folders under the models' names (the data left
    where the jobs wrote it): each run was labelled by the folder the link points to, ``out @
    <link>`` (the two targets share a name); alone, only ``out``. From the cache as cold."""
    a = _write(tmp_path / "jobs" / "4411" / "out" / "samples.jsonl", _records(3, "a"))
    b = _write(tmp_path / "jobs" / "4412" / "out" / "samples.jsonl", _records(2, "b"))
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "meta-llama__Meta-Llama-3.1-70B-Instruct").symlink_to(a.parent)
    (runs / "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B").symlink_to(b.parent)
    options = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    for _run in range(2):  # cold, then from the cache
        result = load([runs], options)
        assert sorted(result.stats["run"].unique().to_list()) == [
            "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B",
            "meta-llama__Meta-Llama-3.1-70B-Instruct",
        ]
    assert result.cache_hits == 2


def test_a_file_under_two_names_is_read_once(tmp_path: Path) -> None:
    """``latest.jsonl`` linked to the file beside it (and a hard link of it): its generations
    were read twice, as two runs (``inference`` and ``latest``), without a word. Read once,
    under the file's own name; each other name is said skipped, and why."""
    root = tmp_path / "runs" / "model_a"
    real = _write(root / "inference_0.jsonl", _records(3, "a"))
    (root / "latest.jsonl").symlink_to("inference_0.jsonl")
    os.link(real, root / "inference_copy.jsonl")
    elsewhere = _write(tmp_path / "elsewhere" / "out.jsonl", _records(2, "b"))
    (root.parent / "model_b.jsonl").symlink_to(elsewhere)  # its only name here: read
    result = _load([root.parent], tmp_path)
    assert sorted(result.generations["source"].unique().to_list()) == [
        "model_a/inference_0.jsonl",
        "model_b.jsonl",
    ]
    assert result.generations.height == 5
    assert sorted((f.source, f.skipped) for f in result.skipped_files) == [
        (
            "model_a/inference_copy.jsonl",
            "the same file as model_a/inference_0.jsonl (a link to it): read once",
        ),
        (
            "model_a/latest.jsonl",
            "the same file as model_a/inference_0.jsonl (a link to it): read once",
        ),
    ]


def test_a_folder_under_two_names_is_read_once_and_said(tmp_path: Path) -> None:
    """Run folders made by linking (``ln -s /data/run_17 runs/meta-llama__Llama-3.1-70B``):
    a second name of a folder already walked was left out without a word, so 'compare' of
    two links to one folder said only 'only 1 run loaded'. Each other name is said skipped,
    and why; the folder's own name is kept when it has one, whatever the names' order."""
    root = tmp_path / "runs"
    _write(root / "model_a" / "out.jsonl", _records(3, "a"))
    (root / "a_link").symlink_to(root / "model_a", target_is_directory=True)  # sorts first
    _write(tmp_path / "elsewhere" / "out.jsonl", _records(2, "b"))
    (root / "x1").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "x2").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "model_a" / "up").symlink_to(root, target_is_directory=True)  # a loop
    result = _load([root], tmp_path)
    assert sorted(result.generations["source"].unique().to_list()) == [
        "model_a/out.jsonl",
        "x1/out.jsonl",
    ]
    assert result.generations.height == 5
    assert sorted((f.source, f.skipped) for f in result.skipped_files) == [
        ("a_link/", "the same folder as model_a/ (a link to it): read once"),
        ("model_a/up/", "the same folder as ./ (a link to it): read once"),
        ("x2/", "the same folder as x1/ (a link to it): read once"),
    ]


def test_a_directory_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "a" / "out.jsonl", _records(2))
    locked = tmp_path / "b"
    _write(locked / "out.jsonl", _records(2))
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = _load([tmp_path], tmp_path)
    assert result.generations.height == 2
    assert [(f.source, f.skipped) for f in result.skipped_files] == [
        ("b/", "cannot list directory: Permission denied")
    ]


def test_files_that_cannot_be_looked_at_are_reported_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A directory with read but no search permission lists its names, but stat on them fails.
    _write(tmp_path / "a" / "out.jsonl", _records(2))
    locked = tmp_path / "b"
    _write(locked / "one.jsonl", _records(1))
    _write(locked / "two.jsonl", _records(1))
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.path.dirname(os.fspath(path)) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)  # what Path.stat calls too
    result = _load([tmp_path], tmp_path)
    assert result.generations.height == 2
    assert [(f.source, f.skipped) for f in result.skipped_files] == [
        (
            "b/",
            "2 matching file(s) here cannot be looked at (one.jsonl, two.jsonl): Permission denied",
        )
    ]


def test_broken_and_looping_links_are_named(tmp_path: Path) -> None:
    """A broken symbolic link among good files said only "b/: 1 matching file(s) here cannot
    be looked at: No such file or directory": which file, and why, was left to guess."""
    _write(tmp_path / "b" / "good.jsonl", _records(2))
    (tmp_path / "b" / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    (tmp_path / "b" / "loop.jsonl").symlink_to("loop.jsonl")
    result = _load([tmp_path], tmp_path)
    assert result.generations.height == 2
    assert [(f.source, f.skipped) for f in result.skipped_files] == [
        (
            "b/",
            "2 matching file(s) here cannot be looked at (gone.jsonl, loop.jsonl): "
            "a broken symbolic link (No such file or directory)",
        )
    ]
    (tmp_path / "b" / "gone.jsonl").unlink()
    for index in range(5):
        (tmp_path / "b" / f"l{index}.jsonl").symlink_to(f"l{index}.jsonl")
    (skipped,) = _load([tmp_path], tmp_path).skipped_files
    assert skipped.skipped == (
        "6 matching file(s) here cannot be looked at (l0.jsonl, l1.jsonl, l2.jsonl and 3 more): "
        "a symbolic link loop (Too many levels of symbolic links)"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory")
def test_real_directory_permissions(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "out.jsonl", _records(2))
    _write(tmp_path / "b" / "out.jsonl", _records(1))
    _write(tmp_path / "c" / "out.jsonl", _records(1))
    (tmp_path / "b").chmod(0o600)  # listable, not searchable
    (tmp_path / "c").chmod(0o000)  # not even listable
    try:
        result = _load([tmp_path], tmp_path)
    finally:
        (tmp_path / "b").chmod(0o700)
        (tmp_path / "c").chmod(0o700)
    assert result.generations.height == 2
    assert sorted(f.source for f in result.skipped_files) == ["b/", "c/"]


@pytest.mark.parametrize("method", [93, 8], ids=["zstd", "deflate"])
def test_eval_archive_members_are_read_up_to_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: int
) -> None:
    import zipfile

    from evaltui.data.formats import inspect_ai
    from tests.data.test_formats_inspect_lighteval import write_zip

    monkeypatch.setattr(inspect_ai, "MEMBER_LIMIT", 1024 * 1024)

    def sample(ident: int, padding: int = 0) -> bytes:
        return json.loads(_sample(ident)) | {"metadata": {"pad": "x" * padding}}

    header = {"version": 2, "status": "success", "eval": {"task": "t", "model": "m"}}
    members = [("header.json", json.dumps(header).encode(), 0)]
    for ident, padding in [(1, 0), (2, 3 * 1024 * 1024), (3, 0)]:  # 2 expands to 3 MiB
        members.append(
            (f"samples/{ident}_epoch_1.json", json.dumps(sample(ident, padding)).encode(), method)
        )
    archive = tmp_path / "log.eval"
    write_zip(archive, members)
    result = _load([archive], tmp_path)
    assert result.generations["prompt_id"].to_list() == ["t:1", "t:3"]
    [error] = result.errors
    # named by its member, at no line (a zip has none; it was told at 'line' 2, its place)
    assert error.line is None
    assert error.reason.startswith("samples/2_epoch_1.json expands to more than 1 MiB")
    # The directory's sizes may lie: what is counted is what comes out.
    with zipfile.ZipFile(archive) as handle:
        info = handle.getinfo("samples/2_epoch_1.json")
        info.file_size = 100
        with pytest.raises(Exception, match=r"more than 1 MiB|CRC"):
            inspect_ai.read_member(handle, archive, info)


def test_a_file_whose_head_is_mostly_not_samples_is_still_read(tmp_path: Path) -> None:
    header = ['{"meta": 1}', '{"meta": 2}', '{"prompt": "p", "answer": "1"}', "{}"]
    path = _write(tmp_path / "out.jsonl", [*header, *_good_lines()[:1]])
    result = _load([path], tmp_path)
    assert result.files[0].format == "plain"
    assert result.generations["gen"].to_list() == ["g0"]
    assert [e.line for e in result.errors] == [1, 2, 3, 4]


def test_detection_failing_on_one_file_is_that_files_skip_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data import loader

    _write(tmp_path / "a.jsonl", _good_lines())
    _write(tmp_path / "b.jsonl", _good_lines())
    real = loader.detect

    def detect(path: Path, *args: Any) -> Any:
        if path.name == "b.jsonl":
            raise ValueError("odd metadata")
        return real(path, *args)

    monkeypatch.setattr(loader, "detect", detect)
    result = _load([tmp_path], tmp_path)
    assert result.generations.height == 3
    assert [(f.source, f.skipped) for f in result.skipped_files] == [
        ("b.jsonl", "cannot tell its format: odd metadata")
    ]
    with pytest.raises(loader.LoadFailure, match="unknown format"):
        load([tmp_path], LoadOptions(tokenize=False, use_cache=False, format="nope"))


def test_following_reports_unreadable_directories_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaltui.data.follow import Follower

    _write(tmp_path / "a" / "out.jsonl", _good_lines())
    locked = tmp_path / "b"
    _write(locked / "out.jsonl", _good_lines())
    real_scandir = os.scandir
    refuse = [True]

    def scandir(path: Any = ".") -> Any:
        if refuse[0] and os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    follower = Follower([tmp_path], LoadOptions(tokenize=False, use_cache=False))
    first = follower.load()
    assert [(f.source, f.skipped) for f in first.skipped_files] == [
        ("b/", "cannot list directory: Permission denied")
    ]
    refuse[0] = False  # permissions fixed: the directory's files arrive, the skip goes
    update = follower.poll()
    assert update is not None
    assert update.result.skipped_files == []
    assert update.result.generations.height == 6


def test_lone_surrogates_in_json_documents_and_error_reasons(tmp_path: Path) -> None:
    samples = [
        _sample(1, output='{"completion": "c\\ud800"}'),
        '{"id": 2, "epoch": 1, "input": "q", "output": {"error": "x"}, "error": "bad \\udfff"}',
        _sample(3),
    ]
    log = _inspect_log(tmp_path, samples)
    result = _load([log], tmp_path)
    assert result.generations.filter(prompt_id="t:1")["gen"].to_list() == ["c\ufffd"]
    for text in [str(e) for e in result.errors] + result.notes:
        text.encode("utf-8")  # printable: no lone surrogate left
    target = tmp_path / "records.jsonl"
    assert write_records(result.stats, result.generations, result.files, target) >= 1
    assert "c\ufffd" in target.read_text(encoding="utf-8")


def test_a_json_document_is_read_entry_by_entry_around_a_bad_one(tmp_path: Path) -> None:
    from evaltui.data.formats.base import Unreadable, json_document

    tricky = '"brackets ] } [ { and \\" quotes \\\\"'
    text = (
        '{"a": {"x": ' + tricky + ', "y": [1, {"z": "}"}]},\n'
        ' "b": {"deep": ' + DEEP + ', "ok": 1},\n'
        ' "c": [' + tricky + ", " + HUGE_INT + "],\n"
        ' "d": ' + HUGE_INT + ', "e": "fine"}'
    )
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    data, error = json_document(path, "doc.json")
    assert error is None
    assert data["a"] == {"x": json.loads(tricky), "y": [1, {"z": "}"}]}
    assert data["e"] == "fine"
    assert isinstance(data["b"]["deep"], Unreadable) and data["b"]["ok"] == 1
    assert data["c"][0] == json.loads(tricky) and isinstance(data["c"][1], Unreadable)
    assert isinstance(data["d"], Unreadable)
    with pytest.raises(ValueError, match="more than 4,300 digits"):
        _ = "key" in data["d"]
    # A document cut short is still one clear error, not an exception.
    path.write_text(text[:-40], encoding="utf-8")
    data, error = json_document(path, "doc.json")
    assert data is None and error is not None and "not valid JSON" in error.reason
