"""Inspect AI: chunked samples in an ``.eval`` archive (log version 3, ``inspect log convert``'s
chunked shape, and ``.eval2``'s layout). A chunked sample is a per-sample folder,
``samples/<id>_epoch_<n>/``: a ``sample.json`` shell (the EvalSample without messages, events,
attachments, events_data and metadata; its final conversation as ``message_refs``, ranges into
the messages sequence), a ``metadata.json`` when it has metadata, ``skeleton.json``,
``events/stats.json``, and chunks named by their first index (``messages/0.json``,
``events/0.json``, ``calls/0.json``, ``attachments/0.json``). Text longer than 100 characters in
the input's messages and the conversation is an attachment, referenced as ``attachment://<index>``
into the attachments sequence (``chunked/convert.py``, ``chunked/read.py``, ``event/_pool.py``).

The archives here are built from the real toy log the way the converter restructures a sample,
with a chunk size of 2 so that sequences span several chunks: a chunked log reads as the same
log written whole (monolith members) reads.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import polars as pl

from tests.data.test_formats_inspect_runs import LOG, load_dir, write_eval

#: Inspect's writer policy is 1000 items a chunk; any size is valid (the names say the starts).
CHUNK = 2
LONG_QUESTION = (
    "A train leaves the station at 9:00 and travels at 60 km/h; a second train leaves the same"
    " station at 10:00 at 90 km/h. At what hour does the second train catch up with the first?"
)
LONG_REPLY = (
    "Let t be the hours after 10:00. The first train is 60 km ahead, and the second gains 30"
    " km/h, so t = 2: it catches up at 12:00. The answer is 12."
)


def _ranges(indices: list[int]) -> list[list[int]]:
    """``_compress_refs``: contiguous indices as ``[start, end_exclusive]`` ranges."""
    out: list[list[int]] = []
    for index in indices:
        if out and out[-1][1] == index:
            out[-1][1] += 1
        else:
            out.append([index, index + 1])
    return out


def _chunks(items: list[Any]) -> list[tuple[int, list[Any]]]:
    return [(start, items[start : start + CHUNK]) for start in range(0, len(items), CHUNK)]


def _write_chunked_sample(archive: zipfile.ZipFile, sample: dict[str, Any]) -> None:
    """One sample as ``chunked/convert.py`` writes it (``_write_chunked_sample``)."""
    attachments: list[str] = list((sample.get("attachments") or {}).values())

    def attach(text: str) -> str:  # events_attachment_fn: text over 100 characters
        if len(text) <= 100:
            return text
        attachments.append(text)
        return f"attachment://{len(attachments) - 1}"

    def walk(message: dict[str, Any]) -> dict[str, Any]:
        message = dict(message)
        content = message.get("content")
        if isinstance(content, str):
            message["content"] = attach(content)
        elif isinstance(content, list):
            message["content"] = [
                {**part, "text": attach(part["text"])} if "text" in part else part
                for part in content
            ]
        return message

    def key(message: dict[str, Any]) -> str:  # _msg_hash: the message without its id
        return json.dumps({k: v for k, v in message.items() if k != "id"}, sort_keys=True)

    events_data = sample.get("events_data") or {}
    pool: list[dict[str, Any]] = list(events_data.get("messages") or [])
    calls: list[Any] = list(events_data.get("calls") or [])
    index = {key(m): i for i, m in enumerate(pool)}
    refs = []
    for message in (walk(m) for m in sample["messages"]):
        refs.append(index.setdefault(key(message), len(pool)))
        if refs[-1] == len(pool):
            pool.append(message)
    shell = {
        k: v
        for k, v in sample.items()
        if k not in ("messages", "events", "attachments", "events_data", "metadata")
        and v is not None
    }
    if isinstance(sample["input"], list):  # walk_input leaves a str input as it is
        shell["input"] = [walk(m) for m in sample["input"]]
    shell["message_refs"] = _ranges(refs)
    events = sample.get("events") or []
    shell["sequences"] = {
        name: [min(start + CHUNK, len(items)) for start in range(0, len(items), CHUNK)]
        for name, items in (
            ("messages", pool),
            ("events", events),
            ("calls", calls),
            ("attachments", attachments),
        )
    }
    prefix = f"samples/{sample['id']}_epoch_{sample['epoch']}"
    archive.writestr(f"{prefix}/sample.json", json.dumps(shell, ensure_ascii=False))
    if sample.get("metadata"):
        archive.writestr(f"{prefix}/metadata.json", json.dumps(sample["metadata"]))
    archive.writestr(f"{prefix}/skeleton.json", json.dumps({"spans": [], "count": len(events)}))
    archive.writestr(f"{prefix}/events/stats.json", json.dumps({"chunks": []}))
    for name, items in (("messages", pool), ("events", events), ("calls", calls)):
        for start, chunk in _chunks(items):
            archive.writestr(f"{prefix}/{name}/{start}.json", json.dumps(chunk, ensure_ascii=False))
    # attachments chunk by size: one a chunk here
    for start, text in enumerate(attachments):
        archive.writestr(f"{prefix}/attachments/{start}.json", json.dumps([text]))


def write_chunked_eval(path: Path, data: dict[str, Any], version: int = 3) -> Path:
    """An .eval archive of chunked samples: the header (version 3) and summaries, then each
    sample's folder, as ``convert_eval_logs_to_chunked`` writes it (``.eval2``'s converter
    copies the header as it was: ``version``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        header = {k: v for k, v in data.items() if k not in ("samples", "reductions")}
        archive.writestr("header.json", json.dumps({**header, "version": version}))
        summaries = [
            {k: s[k] for k in ("id", "epoch", "input", "target", "scores")} for s in data["samples"]
        ]
        archive.writestr("summaries.json", json.dumps(summaries, ensure_ascii=False))
        for sample in data["samples"]:
            _write_chunked_sample(archive, sample)
    return path


def _log() -> dict[str, Any]:
    """The toy log with what chunking moves out of a sample: a chat input whose question is an
    attachment, a conversation of several messages whose reply is one, metadata."""
    data: dict[str, Any] = json.loads(json.dumps(LOG))
    first = data["samples"][0]  # id 3, epoch 1
    first["input"] = [
        {"id": "sys", "role": "system", "content": "Answer with a number.", "source": "input"},
        {"id": "q", "role": "user", "content": LONG_QUESTION, "source": "input"},
    ]
    first["messages"] = [
        *first["input"],
        {"id": "r", "role": "assistant", "content": LONG_REPLY, "source": "generate"},
    ]
    # the reply is in the conversation alone (an agent's output left empty)
    first["output"]["completion"] = ""
    first["output"]["choices"] = []
    first["scores"]["match"]["answer"] = "12"
    first["metadata"] = {"level": 3}
    return data


def _rows(folder: Path) -> tuple[list[tuple[Any, ...]], list[str], list[str]]:
    result = load_dir(folder)
    frame = result.generations.sort("prompt_id", "sample")
    columns = ["prompt_id", "sample", "prompt", "gen", "accuracy", "extracted", "answer"]
    return (
        frame.select(columns).rows(),
        [f"{e.source}: {e.reason}" for e in result.errors],
        result.notes,
    )


def test_a_chunked_log_reads_as_the_same_log_written_whole(tmp_path: Path) -> None:
    data = _log()
    write_eval(tmp_path / "whole" / "2026-11-23T19-59-31_toy_AAA.eval", data)
    write_chunked_eval(tmp_path / "chunked" / "2026-11-23T19-59-31_toy_AAA.eval", data)
    whole, whole_errors, whole_notes = _rows(tmp_path / "whole")
    chunked, errors, notes = _rows(tmp_path / "chunked")
    assert whole_errors == [] and errors == []  # no chunk read as a sample without an id
    assert len(whole) == 6
    assert chunked == whole
    assert notes == whole_notes
    # the attachments are read: the question and the reply are their texts, no reference
    first = dict(zip(("prompt_id", "sample", "prompt", "gen"), chunked[0][:4], strict=True))
    assert first["sample"] == 0 and first["prompt_id"].endswith(":3")
    assert LONG_QUESTION in first["prompt"] and "attachment://" not in first["prompt"]
    assert first["gen"] == LONG_REPLY


def test_a_chunked_log_exports_its_samples_whole(tmp_path: Path) -> None:
    # The records export writes each sample as a JSON line read back without the archive:
    # the shell alone ('message_refs' into chunks it no longer has) lost the reply.
    from evaltui.data.formats.inspect_ai import InspectReader

    path = write_chunked_eval(tmp_path / "2026-11-23T19-59-31_toy_AAA.eval", _log())
    lines = [json.loads(line) for line in InspectReader().records(path, [(1, None)])]
    assert [m["content"] for m in lines[0]["messages"]][-1] == LONG_REPLY
    assert "message_refs" not in lines[0] and "sequences" not in lines[0]
    assert lines[0]["input"][1]["content"] == LONG_QUESTION


def test_a_chunked_log_in_the_summary_has_every_sample(tmp_path: Path) -> None:
    write_chunked_eval(tmp_path / "2026-11-23T19-59-31_toy_AAA.eval", _log())
    result = load_dir(tmp_path)
    assert result.errors == []
    counts = result.generations.group_by("prompt_id").len().sort("prompt_id")
    assert counts["len"].to_list() == [2, 2, 2]  # 3 ids x 2 epochs, nothing more
    assert pl.Series(result.generations["accuracy"]).drop_nulls().len() == 6


def test_a_chunked_sample_whose_reference_points_nowhere_is_its_own_error(tmp_path: Path) -> None:
    # A shell whose conversation refers past its messages chunks (a chunk lost in a copy): that
    # sample is an error naming its member; the log's other samples are read.
    path = write_chunked_eval(tmp_path / "2026-11-23T19-59-31_toy_AAA.eval", _log())
    damaged = tmp_path / "damaged" / path.name
    damaged.parent.mkdir()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            if info.filename != "samples/p0_epoch_2/messages/0.json":
                target.writestr(info, source.read(info))
    result = load_dir(damaged.parent)
    assert [e.reason for e in result.errors] == [
        "samples/p0_epoch_2/sample.json: message 0 is in none of the sample's"
        " samples/p0_epoch_2/messages/ chunks"
    ]
    assert result.generations.height == 5


def test_an_eval2_log_reads_as_the_log_it_was_converted_from(tmp_path: Path) -> None:
    """``.eval2`` is Inspect's experimental chunked format (``log/_recorders/eval2``:
    ``EVAL2_LOG_FILE_EXTENSION``, written by ``convert_eval_logs_to_eval2``): the ``.eval``'s
    header, summaries and reductions copied as they are, each sample chunked as above. A folder
    of one was "no file with a known extension"; it reads as the log it came from, and beside
    that ``.eval`` it is the same log saved twice, read once."""
    data = _log()
    name = "2026-11-23T19-59-31_toy_AAA"
    write_eval(tmp_path / "whole" / f"{name}.eval", data)
    converted = write_chunked_eval(
        tmp_path / "converted" / f"{name}.eval2", data, version=data["version"]
    )
    whole, _whole_errors, _notes = _rows(tmp_path / "whole")
    rows, errors, _notes = _rows(tmp_path / "converted")
    assert errors == []
    assert rows == whole
    shutil.copy(converted, tmp_path / "whole")
    both, errors, notes = _rows(tmp_path / "whole")
    assert errors == [] and both == whole
    assert f"{name}.eval2: the same Inspect log as {name}.eval" in "\n".join(notes)
