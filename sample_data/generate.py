"""Write sample_data/: two runs x 60 math problems x 8 sampled reasoning traces (deterministic).

    python sample_data/generate.py

Problems come from templates with computed answers, so references are right. Each run has its own
per-problem solve rate (some never solved, some flaky, some always), traces of varied length end in
a \\boxed{} answer that agrees with the score, a few hit the length cap with no final answer, and
the records mix the shapes plain JSONL allows (gen as a string, a list of chunks, or a list with a
list of scores). Standard library only; the same files byte for byte on every run.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {"qwen2.5-7b-instruct": 0.0, "deepseek-r1-distill-7b": 0.12}
N_PROBLEMS = 60
N_SAMPLES = 8
SHARDS = 3


def problems(rng: random.Random) -> list[tuple[str, str]]:
    """(prompt, answer) pairs from a few templates, answers computed."""
    out: list[tuple[str, str]] = []
    names = ["Ava", "Ben", "Chen", "Dara", "Eli", "Farah", "Goro", "Hana", "Ivan", "Jia"]
    items = ["apples", "marbles", "stickers", "books", "coins", "pencils"]
    for i in range(N_PROBLEMS):
        kind = i % 6
        if kind == 0:
            a, b, c = rng.randint(12, 90), rng.randint(2, 9), rng.randint(3, 40)
            name, item = rng.choice(names), rng.choice(items)
            prompt = (
                f"{name} has {a} {item}. She buys {b} packs of {c} {item} each and gives away "
                f"{a // 2}. How many {item} does she have now?"
            )
            answer = str(a + b * c - a // 2)
        elif kind == 1:
            x, m, k = rng.randint(-9, 15), rng.randint(2, 9), rng.randint(1, 30)
            prompt = f"Solve for $x$: ${m}x + {k} = {m * x + k}$."
            answer = str(x)
        elif kind == 2:
            w, h = rng.randint(3, 25), rng.randint(3, 25)
            prompt = f"A rectangle has width {w} and height {h}. What is the length of its diagonal squared?"
            answer = str(w * w + h * h)
        elif kind == 3:
            n, r = rng.randint(5, 12), rng.randint(2, 4)
            from math import comb

            prompt = f"In how many ways can a committee of {r} be chosen from {n} people?"
            answer = str(comb(n, r))
        elif kind == 4:
            p, q = rng.randint(1, 9), rng.randint(2, 12)
            from math import gcd

            prompt = f"Compute $\\frac{{{p}}}{{{q}}} + \\frac{{{p}}}{{{q}}}$ in lowest terms."
            num, den = (2 * p) // gcd(2 * p, q), q // gcd(2 * p, q)
            answer = str(num) if den == 1 else f"\\frac{{{num}}}{{{den}}}"
        else:
            n = rng.randint(10, 60)
            prompt = f"What is the sum of the first {n} positive odd integers?"
            answer = str(n * n)
        out.append((f"[{i + 1:02d}] " + prompt + " Put the final answer in \\boxed{}.", answer))
    return out


STEPS = [
    "Let me restate the problem to make sure I understand it.",
    "First, I identify the quantities involved.",
    "We can set up the computation step by step.",
    "Let me double-check the arithmetic here.",
    "Wait, I should be careful with the order of operations.",
    "Hmm, let me verify this with a different approach.",
    "Substituting back confirms the intermediate value.",
    "So the intermediate result is consistent with the constraints.",
    "Alternatively, we could reason about it directly.",
    "This matches what we expect from the formula.",
]


def trace(rng: random.Random, final: str | None, length: int) -> str:
    lines = ["<think>"]
    for step in range(length):
        lines.append(
            rng.choice(STEPS) + f" Step {step + 1}: {rng.randint(2, 99)} × {rng.randint(2, 9)} = ?"
        )
    lines.append("</think>")
    if final is None:
        lines.append("So the answer should be computed as follows, but")  # cut off: no final answer
    else:
        lines.append(f"Therefore, the final answer is $\\boxed{{{final}}}$.")
    return "\n".join(lines)


def wrong(rng: random.Random, answer: str) -> str:
    try:
        return str(int(answer) + rng.choice([-3, -2, -1, 1, 2, 5, 10]))
    except ValueError:
        return answer.replace("frac", "dfrac") + "+1"


def main() -> None:
    rng = random.Random(20261125)
    probs = problems(rng)
    # Per-problem difficulty: solve probability for the first run; the second shifts it.
    base = [rng.choice([0.0, 0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.0, 1.0]) for _ in probs]
    for run, shift in RUNS.items():
        folder = HERE / run
        folder.mkdir(exist_ok=True)
        run_rng = random.Random(f"{run}-20261125")
        shards: list[list[str]] = [[] for _ in range(SHARDS)]
        for index, ((prompt, answer), p) in enumerate(zip(probs, base, strict=True)):
            solve = min(1.0, max(0.0, p + (shift if index % 3 else -shift)))
            records: list[dict[str, object]] = []
            samples = 0
            while samples < N_SAMPLES:
                shape = run_rng.random()
                if shape < 0.1 and samples + 2 <= N_SAMPLES:
                    # One record holding two generations, each with its own score.
                    oks = [run_rng.random() < solve for _ in range(2)]
                    gens = [
                        trace(
                            run_rng,
                            answer if ok else wrong(run_rng, answer),
                            run_rng.randint(2, 40),
                        )
                        for ok in oks
                    ]
                    records.append(
                        {
                            "prompt": prompt,
                            "gen": gens,
                            "answer": answer,
                            "accuracy": [float(o) for o in oks],
                        }
                    )
                    samples += 2
                    continue
                truncated = run_rng.random() < 0.03
                ok = (not truncated) and run_rng.random() < solve
                length = run_rng.choice([3, 6, 10, 20, 40, 80, 120, 200]) + run_rng.randint(0, 9)
                text = trace(
                    run_rng,
                    None if truncated else (answer if ok else wrong(run_rng, answer)),
                    length,
                )
                record: dict[str, object] = {
                    "prompt": prompt,
                    "answer": answer,
                    "accuracy": 1.0 if ok else 0.0,
                }
                if shape < 0.25:
                    # A streamed generation stored as chunks: one generation.
                    cut = len(text) // 2
                    record["gen"] = [text[:cut], text[cut:]]
                else:
                    record["gen"] = text
                if truncated:
                    record["finish_reason"] = "length"
                records.append(record)
                samples += 1
            for record in records:
                shards[run_rng.randrange(SHARDS)].append(json.dumps(record, ensure_ascii=False))
        for i, lines in enumerate(shards):
            (folder / f"inference_{i}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
