"""The plain JSONL reader: record shapes, score types, and every kind of bad line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from evaltui.data.formats import ReadOptions, detect
from evaltui.data.formats.plain import GEN_JOIN, PlainReader
from evaltui.data.loader import LoadOptions, load
from tests.conftest import write_jsonl

READER = PlainReader()


def read(path: Path, options: ReadOptions | None = None) -> tuple[pl.DataFrame, list[str]]:
    result = READER.read(path, path.name, options or ReadOptions())
    return result.frame, [str(e) for e in result.errors]


def test_string_and_list_generations(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"prompt": "p", "gen": "one", "answer": "1", "accuracy": 1.0},
            # A list without a list score is ONE generation, its chunks joined.
            {"prompt": "p", "gen": ["chunk a", "chunk b"], "answer": "1", "accuracy": 0.5},
            # A list score of the same length makes each element its own generation.
            {"prompt": "q", "gen": ["x", "y", "z"], "answer": 7, "accuracy": [1, 0, True]},
        ],
    )
    frame, errors = read(path)
    assert errors == []
    assert frame["gen"].to_list() == ["one", GEN_JOIN.join(["chunk a", "chunk b"]), "x", "y", "z"]
    assert frame["accuracy"].to_list() == [1.0, 0.5, 1.0, 0.0, 1.0]
    assert frame["answer"].to_list() == ["1", "1", "7", "7", "7"]
    assert frame["line"].to_list() == [1, 2, 3, 3, 3]
    assert frame["run"].unique().to_list() == ["m"]  # the parent folder
    assert frame["prompt_id"][0] == frame["prompt_id"][1] != frame["prompt_id"][2]


def test_score_types_and_unscored(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"prompt": "p", "gen": "g", "accuracy": True},
            {"prompt": "p", "gen": "g", "accuracy": False},
            {"prompt": "p", "gen": "g", "accuracy": "0.25"},
            {"prompt": "p", "gen": "g", "accuracy": 1},
            {"prompt": "p", "gen": "g", "accuracy": None, "answer": "a"},
            {"prompt": "p", "gen": "g", "answer": "a"},
        ],
    )
    frame, errors = read(path)
    assert errors == []
    assert frame["accuracy"].to_list() == [1.0, 0.0, 0.25, 1.0, None, None]


def test_score_strings_read_as_inspect_letters(tmp_path: Path) -> None:
    # "C"/"I" were 1/0 but "P" was a bad line: Inspect's letters read as Inspect reads them
    # (P is partial credit, 0.5), in any case, and the words beside them.
    values = [
        "C",
        "I",
        "P",
        "N",
        "p",
        "Partial",
        "correct",
        "incorrect",
        "pass",
        "fail",
        "yes",
        "no",
    ]
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"prompt": "p", "gen": "g", "accuracy": v} for v in values]
    )
    frame, errors = read(path)
    assert errors == []
    expected = [1.0, 0.0, 0.5, 0.0, 0.5, 0.5, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    assert frame["accuracy"].to_list() == expected


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "a JSON array, not an object"),
        ('"text"', "a JSON string, not an object"),
        ('{"gen": "g", "accuracy": 1}', "no prompt field"),
        ('{"prompt": "p", "accuracy": 1}', "no generation field"),
        # A field that is there but null was 'no … field (looked for …)', naming the field it
        # had among those looked for.
        ('{"prompt": "p", "output": null, "accuracy": 1}', "'output' is null: no generation"),
        ('{"question": null, "gen": "g", "accuracy": 1}', "'question' is null: no prompt"),
        ('{"prompt": "p", "gen": [], "accuracy": 1}', "empty list"),
        (
            '{"prompt": "p", "gen": ["a", "b"], "accuracy": [1]}',
            "has 2 elements but 'accuracy' has 1",
        ),
        ('{"prompt": "p", "gen": "a", "accuracy": [1, 0]}', "is a list but 'gen' is not"),
        ('{"prompt": "p", "gen": "a", "accuracy": "high"}', "is not a number or boolean"),
    ],
)
def test_bad_lines_are_error_entries_with_file_and_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"prompt": "ok", "gen": "g", "accuracy": 1}],
        raw_lines=[line, '{"prompt": "ok2", "gen": "g", "accuracy": 0}'],
    )
    frame, errors = read(path)
    # The good lines around the bad one are kept; the bad one is reported, not dropped silently.
    assert frame["prompt"].to_list() == ["ok", "ok2"]
    assert len(errors) == 1
    assert errors[0].startswith("a.jsonl:2: ")
    assert reason in errors[0]


def test_truncated_last_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"prompt": "p", "gen": "g", "accuracy": 1}\n{"prompt": "p", "ge', encoding="utf-8"
    )
    frame, errors = read(path)
    assert frame.height == 1
    assert len(errors) == 1
    assert errors[0].startswith("a.jsonl:2: truncated last line (file still being written?)")


def test_bom_crlf_blank_lines_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        '{"prompt": "p1", "gen": "g1", "accuracy": 1}',
        "",
        '{"prompt": "p2", "gen": "g2", "accuracy": 0}',
    ]
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n"
    path.write_bytes(data)
    frame, errors = read(path)
    assert errors == []
    assert frame["prompt"].to_list() == ["p1", "p2"]
    assert frame["line"].to_list() == [1, 3]
    # Offsets point at each record's first byte (after the BOM for line 1).
    records = list(
        READER.records(path, zip(frame["line"].to_list(), frame["offset"].to_list(), strict=True))
    )
    assert records == [lines[0], lines[2]]


def test_invalid_utf8_is_replaced_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"prompt": "caf\xe9", "gen": "g", "accuracy": 1}\n')
    result = READER.read(path, "a.jsonl", ReadOptions())
    assert result.errors == []
    assert result.frame["prompt"].to_list() == ["caf\ufffd"]
    assert any("invalid UTF-8" in note and "a.jsonl" in note for note in result.notes)


def test_unicode_is_kept(tmp_path: Path) -> None:
    prompt = "Combien font 7 × 6 ? 答案放在 \\boxed{} 中。🙂"
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"prompt": prompt, "gen": "\\boxed{42} 🎉", "answer": "42", "accuracy": 1}],
    )
    frame, errors = read(path)
    assert errors == []
    assert frame["prompt"].to_list() == [prompt]
    assert frame["gen"].to_list() == ["\\boxed{42} 🎉"]


def test_field_overrides_and_generic_names(tmp_path: Path) -> None:
    custom = write_jsonl(tmp_path / "c.jsonl", [{"q": "p", "out": "g", "ref": "r", "ok": 1}])
    frame, errors = read(
        custom, ReadOptions(prompt_field="q", gen_field="out", answer_field="ref", score_field="ok")
    )
    assert errors == []
    assert frame.select("prompt", "gen", "answer", "accuracy").row(0) == ("p", "g", "r", 1.0)
    generic = write_jsonl(
        tmp_path / "g.jsonl", [{"question": "p", "response": "g", "gold": "r", "score": 0}]
    )
    frame, errors = read(generic)
    assert frame.select("prompt", "gen", "answer", "accuracy").row(0) == ("p", "g", "r", 0.0)


def test_detection(tmp_path: Path) -> None:
    plain = write_jsonl(tmp_path / "a.jsonl", [{"prompt": "p", "gen": "g", "accuracy": 1}])
    assert detect(plain).reader is not None and detect(plain).reader.name == "plain"  # type: ignore[union-attr]
    empty = tmp_path / "e.jsonl"
    empty.write_text("")
    detection = detect(empty)
    assert detection.reader is None and detection.reason == "empty file"
    other = write_jsonl(tmp_path / "o.jsonl", [{"foo": 1}])
    assert detect(other).reader is None


@pytest.mark.parametrize(
    ("folders", "label"),
    [
        (("meta-llama__Llama-3.3-70B-Instruct", "2025-02-01T09-00-00"), None),
        (("Qwen2.5-7B", "20250201_090000"), None),
        (("out", "deepseek-ai__DeepSeek-R1-Distill-Qwen-32B-2025-01-20T12-33-01.123456"), 1),
        (("out", "qwen2.5-7b-instruct"), 1),
    ],
)
def test_a_time_stamped_folder_is_labelled_with_its_model_folder(
    tmp_path: Path, folders: tuple[str, str], label: int | None
) -> None:
    # model/<time stamp>/samples.jsonl was labelled by the time stamp alone: three such runs
    # of three models read "2025-02-01T09-00-00", "2025-02-03T…", nothing saying which model.
    # A folder named with a model and a time stamp is its own label.
    path = write_jsonl(
        tmp_path.joinpath(*folders) / "samples.jsonl",
        [{"prompt": "p", "gen": "g", "answer": "1", "accuracy": 1}],
    )
    frame, errors = read(path)
    assert errors == []
    expected = "/".join(folders) if label is None else folders[label]
    assert frame["run"].to_list() == [expected]


def test_a_chat_prompt_is_shown_as_the_conversation(tmp_path: Path) -> None:
    # Chat sampling scripts often keep the messages sent as the prompt. They were shown as their
    # JSON ('[{"role": "system", ...'); now one "role: content" paragraph per message, content
    # parts joined. Two lines with the same messages are one prompt; a list that is not messages
    # stays JSON.
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "What is "}, {"type": "text", "text": "2+3?"}]},
    ]  # fmt: skip
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"prompt": messages, "gen": "5", "answer": "5", "accuracy": 1.0},
            {"prompt": messages, "gen": "6", "answer": "5", "accuracy": 0.0},
            {"prompt": ["not", "messages"], "gen": "x", "answer": "5", "accuracy": 0.0},
        ],
    )
    frame, errors = read(path)
    assert errors == []
    assert frame["prompt"].to_list() == [
        "system: Be brief.\n\nuser: What is 2+3?",
        "system: Be brief.\n\nuser: What is 2+3?",
        '["not", "messages"]',
    ]
    assert frame["prompt_id"][0] == frame["prompt_id"][1] != frame["prompt_id"][2]


def test_a_chat_prompt_of_one_user_turn_is_its_text(tmp_path: Path) -> None:
    # lm-eval and OpenCompass show a chat prompt of one user turn as its text alone (turns_text);
    # a plain record's was 'user: What is 2+3?', so the same question read differently in a
    # plain run beside them. Content parts are joined; a role other than the user's, or more
    # turns, keep their roles.
    one = [{"role": "user", "content": "What is 2+3?"}]
    parts = [
        {
            "role": "User",
            "content": [{"type": "text", "text": "What is "}, {"type": "text", "text": "2+3?"}],
        }
    ]
    system = [{"role": "system", "content": "Be brief."}]
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"prompt": one, "gen": "5", "answer": "5", "accuracy": 1.0},
            {"prompt": parts, "gen": "5", "answer": "5", "accuracy": 1.0},
            {"prompt": system, "gen": "ok", "answer": "5", "accuracy": 0.0},
            {"prompt": system + one, "gen": "5", "answer": "5", "accuracy": 1.0},
        ],
    )  # fmt: skip
    frame, errors = read(path)
    assert errors == []
    assert frame["prompt"].to_list() == [
        "What is 2+3?",
        "What is 2+3?",
        "system: Be brief.",
        "system: Be brief.\n\nuser: What is 2+3?",
    ]
    # the same text is one prompt, whichever shape it came in
    assert frame["prompt_id"][0] == frame["prompt_id"][1]


def test_a_cut_string_says_where_it_starts_once(tmp_path: Path) -> None:
    # json's "Unterminated string starting at" read "… starting at at column 12" in the middle
    # of a file, and a truncated last line gave no column at all.
    path = tmp_path / "m" / "a.jsonl"
    path.parent.mkdir()
    good = '{"prompt": "p", "gen": "g", "accuracy": 1}\n'
    path.write_text(good + '{"prompt": "x\n' + good + '{"prompt": "tr', encoding="utf-8")
    frame, errors = read(path)
    assert frame.height == 2
    assert errors == [
        "a.jsonl:2: not valid JSON: Unterminated string starting at column 12",
        "a.jsonl:4: truncated last line (file still being written?):"
        " Unterminated string starting at column 12",
    ]


def test_a_chat_request_under_messages_is_the_prompt(tmp_path: Path) -> None:
    """A script that keeps its chat request as OpenAI's ``messages`` (beside ``response``,
    ``label``, ``score``): the file was 'no reader recognises this file' (no prompt field)."""
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"messages": [{"role": "user", "content": "1+1?"}], "response": "2", "label": 2,
             "score": 1.0},
            {"messages": [{"role": "system", "content": "Be brief."},
                          {"role": "user", "content": "2+2?"}], "response": "5", "label": 4,
             "score": 0.0},
        ],
    )  # fmt: skip
    reader = detect(path).reader
    assert reader is not None and reader.name == "plain"
    frame, errors = read(path)
    assert errors == []
    assert frame.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("1+1?", "2", "2", 1.0),
        ("system: Be brief.\n\nuser: 2+2?", "5", "4", 0.0),
    ]


def test_a_chat_ending_in_the_assistants_turn_is_prompt_and_generation(tmp_path: Path) -> None:
    """``messages`` holding the model's reply as its last turn (and no generation field): the
    turns before it are the prompt, the reply (text parts joined) the generation. A generation
    field, when there is one, is the generation; a chat with no reply is a line's error that
    says where the generation was looked for."""
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"messages": [{"role": "user", "content": "1+1?"},
                          {"role": "assistant", "content": "2"}], "answer": "2", "correct": True},
            {"messages": [{"role": "user", "content": "2+2?"},
                          {"role": "assistant", "content": [{"type": "text", "text": "fi"},
                                                            {"type": "text", "text": "ve"}]}],
             "answer": "4", "correct": "false"},
            {"messages": [{"role": "user", "content": "3+3?"},
                          {"role": "assistant", "content": "draft"}], "output": "6",
             "answer": "6", "correct": 1},
            {"messages": [{"role": "user", "content": "4+4?"}], "answer": "8", "correct": 1},
        ],
    )  # fmt: skip
    reader = detect(path).reader
    assert reader is not None and reader.name == "plain"
    frame, errors = read(path)
    assert frame.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("1+1?", "2", "2", 1.0),
        ("2+2?", "five", "4", 0.0),
        ("3+3?", "6", "6", 1.0),
    ]
    assert len(errors) == 1 and errors[0].startswith("a.jsonl:4: no generation field (looked for")
    assert errors[0].endswith(", or 'messages' ending in the model's turn (assistant))")


def test_a_generation_or_reference_under_two_known_names_is_told(tmp_path: Path) -> None:
    """A script's record with its raw ``output`` beside a cleaned ``response``, and ``answer``
    (the model's extracted answer) beside ``gold``: the first name in order is read, silently
    (the score's choice alone was told). Now each choice is told once, with the flag to read
    the other; the flags read the others and leave nothing to tell."""
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"prompt": "1+1?", "output": "<think>…</think> 2", "response": "2", "answer": "2",
             "gold": "2", "correct": True},
            {"prompt": "2+2?", "output": "<think>…</think> 5", "response": "5", "answer": "5",
             "gold": "4", "correct": False},
        ],
    )  # fmt: skip
    result = READER.read(path, path.name, ReadOptions())
    assert result.frame.select("gen", "answer").rows() == [
        ("<think>…</think> 2", "2"),
        ("<think>…</think> 5", "5"),
    ]
    assert result.notes == [
        "a.jsonl: generations read from 'output'; its records also have 'response'"
        " (--gen-field response to read that instead)",
        "a.jsonl: references read from 'answer'; its records also have 'gold'"
        " (--answer-field gold to read that instead)",
    ]
    named = READER.read(path, path.name, ReadOptions(gen_field="response", answer_field="gold"))
    assert named.frame.select("gen", "answer").rows() == [("2", "2"), ("5", "4")]
    assert named.notes == []


def test_a_sharegpt_conversation_is_prompt_and_generation(tmp_path: Path) -> None:
    """ShareGPT's ``conversations`` (``from``/``value`` turns: system, human, gpt), as
    LLaMA-Factory and FastChat write them, read as ``messages`` are: the turns before the last
    ``gpt`` turn the prompt, that turn the generation. The file was 'no reader recognises this
    file'."""
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"conversations": [{"from": "human", "value": "1+1?"},
                               {"from": "gpt", "value": "2"}], "answer": "2", "correct": True},
            {"conversations": [{"from": "system", "value": "Be brief."},
                               {"from": "human", "value": "2+2?"},
                               {"from": "gpt", "value": "four"},
                               {"from": "human", "value": "Sure?"},
                               {"from": "gpt", "value": "5"}], "answer": "4", "correct": False},
            {"conversations": [{"from": "human", "value": "3+3?"}], "answer": "6", "correct": 1},
        ],
    )  # fmt: skip
    reader = detect(path).reader
    assert reader is not None and reader.name == "plain"
    frame, errors = read(path)
    assert frame.select("prompt", "gen", "answer", "accuracy").rows() == [
        ("1+1?", "2", "2", 1.0),
        ("system: Be brief.\n\nhuman: 2+2?\n\ngpt: four\n\nhuman: Sure?", "5", "4", 0.0),
    ]
    assert len(errors) == 1 and errors[0].startswith("a.jsonl:3: no generation field (looked for")
    assert errors[0].endswith(
        ", or 'conversations' ending in the model's turn (gpt, function_call, chatgpt or"
        " assistant))"
    )


def test_tool_calls_in_a_chat_are_shown_not_dropped(tmp_path: Path) -> None:
    """A model's turn that called a tool: OpenAI's ``tool_calls`` (``content`` null; the older
    ``function_call``), ShareGPT's ``function_call`` turn (LLaMA-Factory's tool-use data, whose
    conversations end in ``gpt`` or ``function_call``). The call was left out: a prompt's
    assistant turn read 'assistant: ' with nothing after it, a chat ending in the call was an
    empty generation ('') or 'no generation field'. ShareGPT's turns keep their own roles
    (function_call, observation), as its users wrote them."""
    call = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"messages": [{"role": "user", "content": "Weather?"},
                          {"role": "assistant", "content": None,
                           "tool_calls": [{"id": "c1", "type": "function", "function": call}]},
                          {"role": "tool", "tool_call_id": "c1", "content": "21 C"},
                          {"role": "assistant", "content": "It is 21 C."}], "answer": "21"},
            {"messages": [{"role": "user", "content": "Weather?"},
                          {"role": "assistant", "content": None, "function_call": call}],
             "answer": "get_weather"},
            {"messages": [{"role": "user", "content": "Weather?"},
                          {"role": "assistant", "tool_calls": [{"function": call}, "odd"]}],
             "answer": "get_weather"},
            {"conversations": [{"from": "human", "value": "Weather?"},
                               {"from": "function_call", "value": '{"name": "get_weather"}'},
                               {"from": "observation", "value": "21 C"},
                               {"from": "gpt", "value": "21 C."}], "answer": "21"},
            {"conversations": [{"from": "human", "value": "Weather?"},
                               {"from": "function_call", "value": '{"name": "get_weather"}'}],
             "answer": "get_weather"},
        ],
    )  # fmt: skip
    frame, errors = read(path)
    assert errors == []
    said = 'tool call: get_weather({"city": "Paris"})'
    assert frame.select("prompt", "gen").rows() == [
        (f"user: Weather?\n\nassistant: {said}\n\ntool: 21 C", "It is 21 C."),
        ("Weather?", said),
        ("Weather?", f"{said}\ntool call: odd"),
        (
            'human: Weather?\n\nfunction_call: {"name": "get_weather"}\n\nobservation: 21 C',
            "21 C.",
        ),
        ("Weather?", '{"name": "get_weather"}'),
    ]


@pytest.mark.parametrize("role", ["assistant", "chatgpt"])
def test_a_sharegpt_conversation_ending_in_another_name_for_the_model(
    tmp_path: Path, role: str
) -> None:
    """ShareGPT conversations name the model's turn ``chatgpt`` too (the ShareGPT dump) or
    ``assistant`` (converted from OpenAI messages): the file was 'no reader recognises this
    file', as if it held no generation."""
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"conversations": [{"from": "human", "value": f"{n}+{n}?"},
                               {"from": role, "value": str(2 * n)}], "answer": str(2 * n)}
            for n in (1, 2)
        ],
    )  # fmt: skip
    reader = detect(path).reader
    assert reader is not None and reader.name == "plain"
    frame, errors = read(path)
    assert errors == []
    assert frame.select("prompt", "gen", "answer").rows() == [
        ("1+1?", "2", "2"),
        ("2+2?", "4", "4"),
    ]


def test_a_null_among_the_generations_is_told(tmp_path: Path) -> None:
    """A sampling script's list of generations holding null (a request that failed) was an
    empty generation like any other, scored as the file says, without a word: the empty
    generations counted, the failures nowhere. Each is still shown (its score is the file's),
    and a note names the lines."""
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"prompt": "p", "gen": ["x", None], "answer": "1", "accuracy": [1, 0]},
            {"prompt": "q", "gen": ["y", "z"], "answer": "1", "accuracy": [0, 0]},
            {"prompt": "r", "gen": [None, "w"], "answer": "1", "accuracy": 0.5},
        ],
    )
    result = READER.read(path, path.name, ReadOptions())
    assert result.errors == []
    assert result.frame.select("prompt", "gen", "accuracy").rows() == [
        ("p", "x", 1.0),
        ("p", "", 0.0),
        ("q", "y", 0.0),
        ("q", "z", 0.0),
        ("r", "\nw", 0.5),
    ]
    assert result.notes == [
        "a.jsonl: a null in the list of generations on 2 lines (1, 3; no text, as a failed"
        " request leaves): each read as empty text, the score as written"
    ]


def test_a_sharegpt_conversation_beside_a_generation_field(tmp_path: Path) -> None:
    """A ShareGPT request (no reply in it) beside the model's ``output``: the turns are the prompt."""
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"conversations": [{"from": "human", "value": "1+1?"}], "output": "2", "label": "2"},
            {"conversations": [{"from": "human", "value": "2+2?"}], "output": "5", "label": "4"},
        ],
    )
    reader = detect(path).reader
    assert reader is not None and reader.name == "plain"
    frame, errors = read(path)
    assert errors == []
    assert frame.select("prompt", "gen", "answer").rows() == [
        ("1+1?", "2", "2"),
        ("2+2?", "5", "4"),
    ]


def test_a_dict_of_scores_is_read_by_one_key_and_the_others_told_once(tmp_path: Path) -> None:
    """A score field holding per-metric scores (``"accuracy": {"exact_match": 1, "f1": 0.5}``)
    made every line a bad line ("score of type dict ..."), its keys unnamed. Its first score is
    read, named as the rows' metric; one note names the others and ``--metric``, which picks
    one; a ``--metric`` the dict lacks is said once; a dict holding no score is that line's
    error, naming its keys."""
    rows = [
        {"prompt": "p", "gen": "g", "accuracy": {"exact_match": 1, "f1": 0.5}},
        {"prompt": "q", "gen": "h", "accuracy": {"note": "x", "exact_match": 0, "f1": 0.25}},
        {"prompt": "r", "gen": "i", "accuracy": {"why": "grader down", "tags": [1]}},
    ]
    path = write_jsonl(tmp_path / "a.jsonl", rows)
    result = READER.read(path, path.name, ReadOptions())
    assert result.frame["accuracy"].to_list() == [1.0, 0.0]
    assert result.frame["metric"].to_list() == ["exact_match", "exact_match"]
    told = [n for n in result.notes if "dict" in n]
    assert told == [
        "a.jsonl: 'accuracy' holds a dict of scores: scored by 'exact_match'; it also has"
        " 'f1' (--metric f1 to score by that instead)"
    ]
    [error] = result.errors
    assert error.line == 3
    assert "'why', 'tags'" in error.reason

    picked = READER.read(path, path.name, ReadOptions(metric="f1"))
    assert picked.frame["accuracy"].to_list() == [0.5, 0.25]
    assert picked.frame["metric"].to_list() == ["f1", "f1"]

    missing = READER.read(path, path.name, ReadOptions(metric="bleu"))
    assert missing.frame["accuracy"].to_list() == [1.0, 0.0]
    assert [n for n in missing.notes if "--metric bleu" in n] == [
        "a.jsonl: --metric bleu is none of the scores in the dict 'accuracy' ('exact_match',"
        " 'f1'): scored by 'exact_match' (--metric f1 to score by that instead)"
    ]


def test_a_scores_dict_of_one_key_is_that_score(tmp_path: Path) -> None:
    """``"scores": {"math": 1.0}`` (a plural name, before read only as a list) is the record's
    score under its one key, with a note; per-generation dicts in a ``scores`` list too; a
    dotted ``--score-field`` is answered with the flags that read it."""
    one = write_jsonl(
        tmp_path / "one.jsonl",
        [
            {"prompt": "p", "gen": "g", "scores": {"math": 1.0}},
            {"prompt": "q", "gen": "h", "scores": {"math": 0}},
        ],
    )
    result = READER.read(one, one.name, ReadOptions())
    assert result.errors == []
    assert result.frame["accuracy"].to_list() == [1.0, 0.0]
    assert "one.jsonl: 'scores' holds a dict of one score, 'math': scored by it" in result.notes

    listed = write_jsonl(
        tmp_path / "list.jsonl",
        [
            {
                "prompt": "p",
                "outputs": ["a", "b"],
                "scores": [{"r": 1, "fmt": 0}, {"r": 0, "fmt": 1}],
            }
        ],
    )
    frame, errors = read(listed, ReadOptions(metric="fmt"))
    assert errors == []
    assert frame["accuracy"].to_list() == [0.0, 1.0]

    dotted = READER.read(one, one.name, ReadOptions(score_field="scores.math"))
    assert any(
        "--score-field scores --metric math scores by the key 'math' of the dict 'scores' holds"
        in n
        for n in dotted.notes
    ), dotted.notes


def test_a_metric_a_plain_file_lacks_is_said_once_by_its_file(tmp_path: Path) -> None:
    """The load's note that --metric "changed nothing" (no lm-eval or lighteval file read) is not
    said when it picked a plain file's score. Nor when the file's dict of scores (or its reward
    functions) lacks it: the file's own note says so, naming the file, the metric asked for and
    the ones there are, pasteable; "no file … is scored by such a key, so it changed nothing"
    beside it read as the opposite of it. Said when no file has such metrics at all."""
    folder = tmp_path / "m"
    write_jsonl(folder / "a.jsonl", [{"prompt": "p", "gen": "g", "accuracy": {"em": 1, "f1": 0.5}}])
    write_jsonl(
        folder / "trl.jsonl",
        [{"prompt": "p", "completion": "c", "accuracy_reward": 1.0, "format_reward": 0.5}],
    )
    write_jsonl(tmp_path / "flat" / "b.jsonl", [{"prompt": "p", "gen": "g", "accuracy": 1}])
    for metric in ("f1", "format_reward", "exact match"):
        read = ReadOptions(metric=metric)
        result = load([folder], LoadOptions(tokenize=False, use_cache=False, read=read))
        assert not any("changed nothing" in note for note in result.notes), result.notes
    told = [note for note in result.notes if "--metric" in note]
    assert told == [
        "a.jsonl: --metric 'exact match' is none of the scores in the dict 'accuracy'"
        " ('em', 'f1'): scored by 'em' (--metric f1 to score by that instead)",
        "trl.jsonl: --metric 'exact match' is none of its reward functions: scored by the"
        " reward function 'accuracy_reward'; its records also have 'format_reward' (--metric"
        " format_reward to score by that instead); the reward trained on, their weighted sum,"
        " is not in the file",
    ], result.notes
    read = ReadOptions(metric="f1")
    result = load([tmp_path / "flat"], LoadOptions(tokenize=False, use_cache=False, read=read))
    assert [note for note in result.notes if "--metric" in note] == [
        "--metric f1 names an lm-eval or lighteval metric, a key of a plain file's dict of"
        " scores or a reward function's column: no file read is lm-eval samples, lighteval"
        " details or scored by such a key, so it changed nothing"
    ]


def test_a_metric_a_plain_file_lacks_is_said_once_whatever_the_files_name(
    tmp_path: Path,
) -> None:
    """The file's read says it told what --metric did (ReadResult.metric_told), and the load
    reads that flag, fresh and from the cache. The notes' text was matched instead: a file
    named ``run: --metric f1.jsonl`` (its note 'run: --metric f1.jsonl: --metric 'nope' is
    none …') was not found, so "changed nothing" was said beside its own note."""
    folder = tmp_path / "m"
    name = "run: --metric f1.jsonl"
    records = [{"prompt": "p", "gen": "g", "answer": "1", "accuracy": {"em": 1, "f1": 0.5}}]
    write_jsonl(folder / name, records)
    result = READER.read(folder / name, name, ReadOptions(metric="nope"))
    assert result.metric_told
    assert not READER.read(folder / name, name, ReadOptions()).metric_told  # no --metric
    read = ReadOptions(metric="nope")
    for use_cache in (False, True, True):  # the second cached load reads the cache's rows
        options = LoadOptions(tokenize=False, use_cache=use_cache, read=read, cache_dir=tmp_path)
        result = load([folder], options)
        told = [note for note in result.notes if "--metric" in note]
        assert told == [
            "run: --metric f1.jsonl: --metric nope is none of the scores in the dict"
            " 'accuracy' ('em', 'f1'): scored by 'em' (--metric f1 to score by that instead)"
        ], (use_cache, result.notes)


def test_completion_objects_are_read_as_their_text(tmp_path: Path) -> None:
    """A script that keeps what the engine returned: vLLM's ``RequestOutput.outputs`` as dicts
    (``CompletionOutput``: index, text, token_ids, cumulative_logprob, finish_reason), an OpenAI
    completion choice (text, finish_reason), a chat choice (message) or an assistant message.
    Each generation was the object's JSON (its token ids and log-probabilities counted as its
    length, its finish_reason not read)."""
    vllm = [
        {
            "index": 0,
            "text": "4",
            "token_ids": [19],
            "cumulative_logprob": -0.1,
            "finish_reason": "stop",
        },
        {
            "index": 1,
            "text": "5 and",
            "token_ids": [20, 21],
            "cumulative_logprob": -2.0,
            "finish_reason": "length",
        },
    ]
    path = write_jsonl(
        tmp_path / "m" / "a.jsonl",
        [
            {"prompt": "2+2?", "outputs": vllm, "answer": "4"},
            {"prompt": "3+3?", "response": {"text": "6", "finish_reason": "stop"}, "answer": "6"},
            {
                "prompt": "4+4?",
                "response": {
                    "index": 0,
                    "message": {"role": "assistant", "content": "8"},
                    "finish_reason": "length",
                },
                "answer": "8",
            },
            {"prompt": "5+5?", "response": {"role": "assistant", "content": "10"}, "answer": "10"},
        ],
    )
    frame, errors = read(path)
    assert errors == []
    assert frame["gen"].to_list() == ["4", "5 and", "6", "8", "10"]
    # Each sample's own finish_reason says whether it was cut; a message says nothing.
    assert frame["truncated"].to_list() == [False, True, False, True, None]
    assert frame["prompt"].to_list() == ["2+2?", "2+2?", "3+3?", "4+4?", "5+5?"]
