"""A run folder given as a link under a model's name (``ln -s /data/jobs/4411/out
runs/meta-llama__Meta-Llama-3.1-70B-Instruct; evaltui runs/meta-llama__…``): its run is labelled
by the name given, while its files (and the companion files around them) are read where they
are; two names of one folder are read once, and said; the cache keeps each name's labels."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from evaltui.cli import main
from evaltui.data.follow import Follower
from evaltui.data.loader import LoadOptions, load
from tests.conftest import write_jsonl
from tests.data.test_follow import append, assert_same, line, options, record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
LLAMA = "meta-llama__Meta-Llama-3.1-70B-Instruct"
DEEPSEEK = "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B"


def _rec(i: int, ok: bool) -> dict[str, object]:
    return {"prompt": f"q{i}", "gen": "g", "answer": "1", "accuracy": int(ok)}


def _jobs(tmp_path: Path) -> tuple[Path, Path]:
    """Two jobs' output folders, both named ``out``, linked under their models' names."""
    a = write_jsonl(
        tmp_path / "jobs" / "4411" / "out" / "samples.jsonl", [_rec(i, True) for i in range(3)]
    )
    b = write_jsonl(
        tmp_path / "jobs" / "4412" / "out" / "samples.jsonl", [_rec(i, i == 0) for i in range(3)]
    )
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / LLAMA).symlink_to(a.parent, target_is_directory=True)
    (runs / DEEPSEEK).symlink_to(b.parent, target_is_directory=True)
    return runs / LLAMA, runs / DEEPSEEK


def _runs(paths: list[Path], opts: LoadOptions) -> list[str]:
    return sorted(load(paths, opts).stats["run"].unique().to_list())


def test_a_run_folder_given_as_a_link_is_labelled_by_the_link_cold_and_warm(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """``evaltui runs/<model>`` (a link to a job's ``out``) showed the run as ``out``; two
    such links as ``out @ 4411`` and ``out @ 4412``. Each name's labels from the cache as cold:
    another link to the same folder, and the folder itself, keep their own."""
    llama, deepseek = _jobs(tmp_path)
    again = tmp_path / "runs" / "Qwen__Qwen2.5-7B-Instruct"
    again.symlink_to(llama.resolve(), target_is_directory=True)
    app = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
    # Headless: the rows from the cache, unparsed; the app: parsed, the lengths from the cache.
    for opts in (dataclasses.replace(app, keep_text=False), app):
        for _run in range(2):  # cold, then warm
            assert _runs([llama], opts) == [LLAMA]
            assert _runs([llama, deepseek], opts) == [DEEPSEEK, LLAMA]
            assert _runs([again], opts) == ["Qwen__Qwen2.5-7B-Instruct"]
            assert _runs([llama.resolve()], opts) == ["out"]
            named = load([llama / "samples.jsonl"], opts)  # a file in the linked folder
            assert named.stats["run"].unique().to_list() == [LLAMA]
        assert named.cache_hits == 1
    # Read where they are: the sources are the files' own, as before.
    assert load([llama], opts).generations["source"].unique().to_list() == ["samples.jsonl"]


@pytest.mark.parametrize("inside", [False, True], ids=["given", "inside"])
def test_a_follower_of_a_linked_run_folder_keeps_its_name(
    tmp_path: Path, word_tokenizer: Path, inside: bool
) -> None:
    """Following ``runs/<model>`` (a link), or ``runs`` that holds it: the lines appended to
    the job's file are the run's under the link's name, and the followed state is the cold
    load of the final files."""
    llama, _deepseek = _jobs(tmp_path)
    given = llama.parent if inside else llama
    labels = [DEEPSEEK, LLAMA] if inside else [LLAMA]
    before = 3 + 3 if inside else 3
    target = llama.resolve() / "samples.jsonl"
    opts = options(tmp_path, word_tokenizer)
    follower = Follower([given], opts)
    assert sorted(follower.load().stats["run"].unique().to_list()) == labels
    append(target, line(7, 0) + line(7, 1))
    write_jsonl(llama.resolve() / "more.jsonl", [record(8, 0)])
    assert follower.poll() is not None
    result = follower.result()
    assert sorted(result.stats["run"].unique().to_list()) == labels
    assert result.generations.height == before + 2 + 1
    assert_same(result, [given], opts)


#: (fixture folder linked under LLAMA, the label of its runs): formats that name a run by its
#: folder take the link's name; the folders around it keep theirs (lighteval's org, the
#: harness's org/model), and files beside them are read (OpenCompass's results/<model>).
BY_FOLDER = [
    ("plain", LLAMA),
    ("opencompass/outputs/20261123_201019/predictions/toy-openai-sdk", LLAMA),
    ("opencompass/legacy_le_0.4.0/results/hf-toy-model", LLAMA),
    ("lighteval/details/toy-org/toy-model-v1", f"toy-org/{LLAMA}"),
    ("qwen_math/outputs/Qwen/Qwen2.5-14B-Instruct", f"Qwen/{LLAMA}"),
]
#: Formats whose files name their model keep it, linked or not.
BY_CONTENT = [
    ("lm_eval/outputs/run_scripted/toy-org__scripted-model-v1", "toy-org/scripted-model-v1"),
    ("inspect_ai/logs_json", "mockllm/model"),
    ("skythought/results/toy-org_toy-reasoner-7b_toy_math500_e23a3b", "toy-org/toy-reasoner-7b"),
    ("internbootcamp/output/toy-model_test_dir_20261123_195835", "toy-model"),
    ("lighteval/details/toy-org/toy-model-v1/2026-11-23T20-10-00.000000", "toy-org/toy-model-v1"),
]


def test_each_format_labels_a_linked_run_folder_by_the_name_given(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """Each format's fixture folder, linked under a model's name: the formats that name a run
    by its folder took the name of the folder linked to; each is read as the folder itself
    (every score and note: no companion file lost to the link), cold and warm."""
    shown: dict[str, str] = {}
    for folder, _label in BY_FOLDER + BY_CONTENT:
        top = folder.split("/")[0]
        if not (tmp_path / "jobs" / top).exists():
            shutil.copytree(FIXTURES / top, tmp_path / "jobs" / top)
        real = tmp_path / "jobs" / folder
        link = tmp_path / "runs" / folder.replace("/", "_") / LLAMA
        link.parent.mkdir(parents=True)
        link.symlink_to(real, target_is_directory=True)
        opts = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache")
        cold = load([real], opts)
        for _run in range(2):  # cold, then warm
            linked = load([link], opts)
            runs = {run.split(" · ")[0] for run in linked.generations["run"].unique().to_list()}
            shown[folder] = " ".join(sorted(runs))
            scored = linked.generations["accuracy"].is_not_null().sum()
            assert scored == cold.generations["accuracy"].is_not_null().sum(), folder
            assert linked.generations.height == cold.generations.height, folder
            assert [n.replace(LLAMA, real.name) for n in linked.notes] == cold.notes
    assert shown == dict(BY_FOLDER + BY_CONTENT)


def test_compare_of_two_links_to_one_folder_says_they_are_one(
    tmp_path: Path,
    word_tokenizer: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``compare runs/A runs/B`` with A and B linked to one job's folder: 'only 1 run loaded
    (out)', without a word of B (it was read once, silently). Now B is listed as the same
    folder as A, and the one run is A's by name."""
    llama, _deepseek = _jobs(tmp_path)
    copy = tmp_path / "runs" / DEEPSEEK
    copy.unlink()
    copy.symlink_to(llama.resolve(), target_is_directory=True)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c")]
    monkeypatch.chdir(tmp_path)
    assert main(["compare", f"runs/{LLAMA}", f"runs/{DEEPSEEK}", *common]) == 2
    err = capsys.readouterr().err
    assert (
        f"runs/{DEEPSEEK}: the same folder as runs/{LLAMA} ({llama.resolve()}): read once\n"
    ) in err
    assert err.endswith(
        f"only 1 run loaded ({LLAMA}): a comparison needs two (load another run's files, or"
        " give the folder that holds both)\n"
    )


def test_two_links_to_two_folders_are_compared_by_their_names(
    tmp_path: Path, word_tokenizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``compare runs/A runs/B`` of two jobs' ``out`` folders compared 'out @ 4412 vs out @
    4411'."""
    llama, deepseek = _jobs(tmp_path)
    common = ["--model", str(word_tokenizer), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert main(["compare", str(llama), str(deepseek), *common]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{LLAMA} → {DEEPSEEK}: "), first
    summary = tmp_path / "s.json"
    assert main(["summarize", str(llama), str(deepseek), "-o", str(summary), *common]) == 0
    assert sorted({p["run"] for p in json.loads(summary.read_text())}) == [DEEPSEEK, LLAMA]


def test_each_format_reads_a_run_folder_linked_inside_a_folder_given_where_it_is(
    tmp_path: Path, word_tokenizer: Path
) -> None:
    """The same links inside a folder given (``evaltui runs``): each run was read through the
    link, so OpenCompass's ``results/<model>`` was looked for beside it (``runs/results``) and
    the run had no score. Now read where it is, as a link given is: every score and note, the
    files shown by the link's path, each run labelled as the link given names it, cold and
    warm."""
    shown: dict[str, str] = {}
    for folder, _label in BY_FOLDER + BY_CONTENT:
        top = folder.split("/")[0]
        if not (tmp_path / "jobs" / top).exists():
            shutil.copytree(FIXTURES / top, tmp_path / "jobs" / top)
        real = tmp_path / "jobs" / folder
        runs = tmp_path / "runs" / folder.replace("/", "_")
        runs.mkdir(parents=True)
        (runs / LLAMA).symlink_to(real, target_is_directory=True)
        opts = LoadOptions(model=str(word_tokenizer), cache_dir=tmp_path / "cache" / runs.name)
        cold = load([real], dataclasses.replace(opts, cache_dir=tmp_path / "c" / runs.name))
        sources = [f"{LLAMA}/{s}" for s in cold.generations["source"].to_list()]
        read = sum(f.skipped is None for f in cold.files)
        for run in range(2):  # cold, then warm
            linked = load([runs], opts)
            assert linked.cache_hits == run * read, folder
            labels = {r.split(" · ")[0] for r in linked.generations["run"].unique().to_list()}
            shown[folder] = " ".join(sorted(labels))
            scored = linked.generations["accuracy"].is_not_null().sum()
            assert scored == cold.generations["accuracy"].is_not_null().sum(), folder
            assert linked.generations["source"].to_list() == sources, folder
            assert linked.notes == [f"{LLAMA}/{n}" for n in cold.notes], folder
    assert shown == dict(BY_FOLDER + BY_CONTENT)
