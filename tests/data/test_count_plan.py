"""The count plan read from a tokenizer.json itself, without loading the ``tokenizers`` tokenizer:
the same plan as from the loaded tokenizer's ``to_str()``, only for files that state what the plan
reads, keyed by the file's content (a changed file is a new plan, a damaged entry a miss)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evaltui.data import bpecount, tokens
from evaltui.data.cache import Cache
from evaltui.data.loader import LoadFailure, LoadOptions, load
from evaltui.data.tokens import FAST_PATH, resolve_tokenizer

from .test_exact_counts import TOKENIZERS, info_for, reference


def _copy_default(tmp_path: Path, change: Any = None) -> Path:
    """The default tokenizer.json copied (and changed by ``change(spec)``) into tmp_path."""
    spec = json.loads(tokens.default_tokenizer_path().read_text(encoding="utf-8"))
    if change is not None:
        change(spec)
    path = tmp_path / "tok" / "tokenizer.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def _add_token(spec: dict[str, Any], content: str = "<mem7-added>") -> None:
    top = max(a["id"] for a in spec["added_tokens"])
    spec["added_tokens"].append(
        {
            "id": max(top, *spec["model"]["vocab"].values()) + 1,
            "content": content,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": False,
        }
    )


def _plans(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.plan.npz"))


def _spy_tokenizer_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    loads: list[str] = []
    real = tokens.TokenizerSpec.load_noted  # every load of the tokenizer goes through it

    def spy(self: tokens.TokenizerSpec, cache: Any = None) -> Any:
        loads.append(self.name)
        return real(self, cache)

    monkeypatch.setattr(tokens.TokenizerSpec, "load_noted", spy)
    return loads


@pytest.mark.parametrize("model", TOKENIZERS)
def test_the_plan_from_the_file_is_the_plan_from_the_loaded_tokenizer(model: str | None) -> None:
    spec = resolve_tokenizer(model)
    from_file = spec._file_plan(None)
    assert from_file is not None
    parts, reason, cuttable = from_file
    info = info_for(model)
    assert info.tokenizer is not None
    loaded = bpecount.tokenizer_spec(info.tokenizer)
    expected, why = bpecount.plan_parts(loaded)
    assert expected is not None, why
    assert (reason, cuttable) == ("", bpecount.splits_cuttable(loaded))
    assert parts.pattern == expected.pattern
    assert parts.tokens == expected.tokens and parts.ids == expected.ids
    assert (parts.raw, parts.normalized) == (expected.raw, expected.normalized)


def test_a_cold_headless_load_loads_the_tokenizers_tokenizer_once_after_counting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh cache: the plan comes from the file, the tokenizer only for the self-check."""
    run = tmp_path / "run"
    run.mkdir()
    texts = ["the answer is 42 <think>wait</think>", "hmm, so x = 3"]
    (run / "a.jsonl").write_text(
        "".join(
            json.dumps({"prompt": str(i), "gen": t, "accuracy": 1}) + "\n"
            for i, t in enumerate(texts)
        )
    )
    loads = _spy_tokenizer_loads(monkeypatch)
    counting: list[int] = []
    real_count = bpecount.FastCounter.count

    def note(self: bpecount.FastCounter, texts: Any) -> np.ndarray:
        counting.append(len(loads))
        return real_count(self, texts)

    monkeypatch.setattr(bpecount.FastCounter, "count", note)
    result = load([run], LoadOptions(cache_dir=tmp_path / "cache", keep_text=False))
    assert result.counting.startswith(FAST_PATH)
    assert counting and set(counting) == {0}  # nothing loaded it before or while counting
    assert len(loads) == 1  # the self-check, at the end
    info = info_for(None)
    assert result.generations.get_column("gen_length").to_list() == reference(info, texts)
    assert len(_plans(tmp_path / "cache")) == 1


def test_a_file_that_leaves_a_default_out_is_planned_from_the_loaded_tokenizer(
    tmp_path: Path,
) -> None:
    """Without ``use_regex``, tokenizers' ByteLevel splits by its own regex too (its default is
    true): read naively, the file would look like one the count path accepts."""

    def drop_use_regex(spec: dict[str, Any]) -> None:
        del spec["pre_tokenizer"]["pretokenizers"][-1]["use_regex"]

    path = _copy_default(tmp_path, drop_use_regex)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert bpecount.plan_parts(raw)[0] is not None  # what a naive reading would accept
    assert not bpecount.states_what_plans_read(raw)
    spec = resolve_tokenizer(str(path))
    assert spec._file_plan(None) is None
    info = spec.load(cache=Cache(tmp_path / "cache"), keep_tokenizer=False)
    assert info.fast is None and "ByteLevel" in info.fast_reason
    assert info.tokenizer is not None  # counting is by tokenizers


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["pre_tokenizer"]["pretokenizers"][0].pop("invert"),
        lambda s: s["pre_tokenizer"]["pretokenizers"][-1].pop("add_prefix_space"),
        lambda s: s["added_tokens"][0].pop("lstrip"),
        lambda s: s["added_tokens"][0].pop("normalized"),
        lambda s: s.update(normalizer={"type": "Sequence"}),
        lambda s: s["model"].pop("merges"),
        lambda s: s["model"]["vocab"].update({"!": "0"}),
    ],
    ids=["invert", "add_prefix_space", "lstrip", "normalized", "normalizers", "merges", "rank"],
)
def test_what_the_plan_reads_must_be_stated(change: Any) -> None:
    spec = json.loads(tokens.default_tokenizer_path().read_text(encoding="utf-8"))
    assert bpecount.states_what_plans_read(spec)
    change(spec)
    assert not bpecount.states_what_plans_read(spec)


def test_a_changed_tokenizer_file_gets_a_plan_of_its_own(tmp_path: Path) -> None:
    path = _copy_default(tmp_path)
    cache = Cache(tmp_path / "cache")
    first = resolve_tokenizer(str(path)).load(cache=cache, keep_tokenizer=False)
    assert first.fast is not None
    text = "a<mem7-added>b and <mem7-added>"
    before = int(first.fast.count([text])[0])

    _copy_default(tmp_path, _add_token)
    spec = resolve_tokenizer(str(path))
    second = spec.load(cache=cache, keep_tokenizer=False)
    assert second.fast is not None
    expected = len(spec.load_tokenizer().encode(text, add_special_tokens=False).ids)
    assert second.fast.count([text])[0] == expected < before
    assert len(_plans(tmp_path / "cache")) == 2
    # From the cache now, the same plan.
    third = spec.load(cache=cache, keep_tokenizer=False)
    assert third.fast is not None and third.fast.count([text])[0] == expected


def test_a_file_changed_after_it_was_resolved_is_not_planned_from_nor_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_default(tmp_path)
    spec = resolve_tokenizer(str(path))

    _copy_default(tmp_path, _add_token)  # after the fingerprint was taken
    assert spec._file_plan(None) is None
    loads = _spy_tokenizer_loads(monkeypatch)
    info = spec.load(cache=Cache(tmp_path / "cache"), keep_tokenizer=False)
    assert loads  # planned from the loaded tokenizer...
    assert info.fast is not None
    assert info.fast.count(["<mem7-added>"])[0] == 1
    assert _plans(tmp_path / "cache") == []  # ...and not cached under the old fingerprint


def test_a_damaged_plan_entry_is_rebuilt_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path / "cache")
    spec = resolve_tokenizer(None)
    assert spec.load(cache=cache, keep_tokenizer=False).fast is not None
    [entry] = _plans(tmp_path / "cache")
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 3])
    loads = _spy_tokenizer_loads(monkeypatch)
    info = spec.load(cache=cache, keep_tokenizer=False)
    assert info.fast is not None and loads == []
    texts = ["the answer is 42", "<think>\n\nhmm</think>"]
    assert info.fast.count(texts).tolist() == reference(info_for(None), texts)
    assert entry.read_bytes() == good  # rewritten, the same plan


def test_a_tokenizer_file_that_tokenizers_refuses_fails_the_load_cleanly(tmp_path: Path) -> None:
    """Accepted by the plan (it never reads ``truncation``), refused by tokenizers when the
    self-check loads it: the load fails with the reason, not a traceback."""

    def break_truncation(spec: dict[str, Any]) -> None:
        spec["truncation"] = {"unexpected": 1}

    path = _copy_default(tmp_path, break_truncation)
    run = tmp_path / "run"
    run.mkdir()
    (run / "a.jsonl").write_text(json.dumps({"prompt": "p", "gen": "text", "accuracy": 1}) + "\n")
    options = LoadOptions(model=str(path), cache_dir=tmp_path / "cache", keep_text=False)
    with pytest.raises(LoadFailure, match=r"not a valid tokenizer\.json"):
        load([run], options)
