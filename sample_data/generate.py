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
from math import comb, factorial, gcd
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = ["qwen2.5-7b-instruct", "deepseek-r1-distill-7b"]
N_PROBLEMS = 60
N_SAMPLES = 8
SHARDS = 3


def problems(rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """(prompt, answer, worked steps) triples from a few templates, answers computed."""
    out: list[tuple[str, str, list[str]]] = []
    names = ["Ava", "Ben", "Chen", "Dara", "Eli", "Farah", "Goro", "Hana", "Ivan", "Jia"]
    items = ["apples", "marbles", "stickers", "books", "coins", "pencils"]
    for i in range(N_PROBLEMS):
        kind = i % 6
        if kind == 0:
            a, b, c = rng.randint(12, 90), rng.randint(2, 9), rng.randint(3, 40)
            name, item = rng.choice(names), rng.choice(items)
            prompt = (
                f"{name} has {a} {item}. {name} buys {b} packs of {c} {item} each and gives away "
                f"{a // 2}. How many {item} does {name} have now?"
            )
            answer = str(a + b * c - a // 2)
            work = [
                f"{name} starts with {a} {item}.",
                f"The packs add {b} \\times {c} = {b * c} {item}, so {a} + {b * c} = {a + b * c}.",
                f"Giving away {a // 2} leaves {a + b * c} - {a // 2} = {answer}.",
            ]
        elif kind == 1:
            x, m, k = rng.randint(-9, 15), rng.randint(2, 9), rng.randint(1, 30)
            prompt = f"Solve for $x$: ${m}x + {k} = {m * x + k}$."
            answer = str(x)
            work = [
                f"Subtract {k} from both sides: ${m}x = {m * x + k} - {k} = {m * x}$.",
                f"Divide by {m}: $x = \\frac{{{m * x}}}{{{m}}} = {x}$.",
                f"Check: ${m} \\cdot ({x}) + {k} = {m * x + k}$. Correct.",
            ]
        elif kind == 2:
            w, h = rng.randint(3, 25), rng.randint(3, 25)
            prompt = f"A rectangle has width {w} and height {h}. What is the square of the length of its diagonal?"
            answer = str(w * w + h * h)
            work = [
                "By the Pythagorean theorem, $d^2 = w^2 + h^2$.",
                f"$w^2 = {w}^2 = {w * w}$ and $h^2 = {h}^2 = {h * h}$.",
                f"So $d^2 = {w * w} + {h * h} = {answer}$.",
            ]
        elif kind == 3:
            n, r = rng.randint(5, 12), rng.randint(2, 4)
            prompt = f"In how many ways can a committee of {r} be chosen from {n} people?"
            answer = str(comb(n, r))
            work = [
                f"Order does not matter, so this is $\\binom{{{n}}}{{{r}}}$.",
                f"$\\binom{{{n}}}{{{r}}} = \\frac{{{n}!}}{{{r}! \\, {n - r}!}}$.",
                f"Numerically that is {comb(n, r) * factorial(r)} / {factorial(r)} = {answer}.",
            ]
        elif kind == 4:
            p, q = rng.randint(1, 9), rng.randint(2, 12)
            prompt = f"Compute $\\frac{{{p}}}{{{q}}} + \\frac{{{p}}}{{{q}}}$ in lowest terms."
            g = gcd(2 * p, q)
            num, den = (2 * p) // g, q // g
            answer = str(num) if den == 1 else f"\\frac{{{num}}}{{{den}}}"
            work = [
                f"Same denominator, so add numerators: $\\frac{{{2 * p}}}{{{q}}}$.",
                f"$\\gcd({2 * p}, {q}) = {g}$, dividing both by {g}.",
                f"The reduced form is ${answer}$.",
            ]
        else:
            n = rng.randint(10, 60)
            prompt = f"What is the sum of the first {n} positive odd integers?"
            answer = str(n * n)
            work = [
                "The first few sums are 1, 4, 9, 16: perfect squares.",
                f"In general $1 + 3 + \\dots + (2n-1) = n^2$, here with $n = {n}$.",
                f"So the sum is ${n}^2 = {answer}$.",
            ]
        out.append(
            (f"Problem {i + 1}. " + prompt + " Put the final answer in \\boxed{}.", answer, work)
        )
    return out


# Filler a reasoning model produces between the steps that matter (checking, hesitating, restating).
MUSINGS = [
    "Let me restate the problem to make sure I understand it.",
    "First, I identify the quantities involved.",
    "Let me double-check the arithmetic here.",
    "Wait, I should be careful with the order of operations.",
    "Hmm, let me verify this with a different approach.",
    "Alternatively, we could reason about it directly.",
    "Actually, let me reconsider whether I read the question correctly.",
    "Is there any constraint I have missed? The problem says nothing else.",
    "Let me try a small case to see the pattern.",
    "That seems plausible, but I want to be sure.",
    "Okay, so far so good.",
]

# Line counts of a trace: mostly short, a long tail of a few hundred lines (as reasoning models do).
LENGTHS = [2, 4, 8, 15, 30, 60, 120, 250]
LENGTH_WEIGHTS = [3, 4, 4, 3, 2, 1.5, 0.7, 0.3]


def trace(rng: random.Random, work: list[str], final: str | None, length: int) -> str:
    """A reasoning trace of about ``length`` lines ending in ``\\boxed{final}``, or cut off when None."""
    lines = ["<think>"]
    for step in range(length):
        if step % 3 == 0 or not work:
            lines.append(rng.choice(MUSINGS))
        else:
            a, b = rng.randint(2, 99), rng.randint(2, 9)
            lines.append(f"Checking a side computation: ${a} \\times {b} = {a * b}$.")
        if step < len(work):
            lines.append(work[step])
    lines.extend(work[length:])
    if final is None:
        # Cut off at the length cap: the trace never reaches a final answer.
        lines.append("So the answer should be computed as follows, but")
        return "\n".join(lines)
    lines.append("</think>")
    lines.append(f"Therefore, the final answer is $\\boxed{{{final}}}$.")
    return "\n".join(lines)


def wrong(rng: random.Random, answer: str) -> str:
    """A plausible wrong final answer: off by a little, or a botched fraction."""
    try:
        return str(int(answer) + rng.choice([-3, -2, -1, 1, 2, 5, 10]))
    except ValueError:
        return answer.replace("}{", "+1}{", 1)


def main() -> None:
    rng = random.Random(20261125)
    probs = problems(rng)
    # Per-problem solve probability of the first run: some never solved, some flaky, some always.
    base = [rng.choice([0.0, 0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.0, 1.0]) for _ in probs]
    # The second run is clearly better on some prompts and clearly worse on others.
    delta = [rng.choice([-0.5, -0.3, 0.0, 0.0, 0.0, 0.3, 0.5, 0.6]) for _ in probs]
    for run_index, run in enumerate(RUNS):
        folder = HERE / run
        folder.mkdir(exist_ok=True)
        run_rng = random.Random(f"{run}-20261125")
        shards: list[list[str]] = [[] for _ in range(SHARDS)]
        for index, (prompt, answer, work) in enumerate(probs):
            solve = min(1.0, max(0.0, base[index] + (delta[index] if run_index else 0.0)))
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
                            work,
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
                length = run_rng.choices(LENGTHS, LENGTH_WEIGHTS)[0] + run_rng.randint(0, 5)
                final = None if truncated else (answer if ok else wrong(run_rng, answer))
                text = trace(run_rng, work, final, length)
                record: dict[str, object] = {
                    "prompt": prompt,
                    "answer": answer,
                    "accuracy": 1.0 if ok else 0.0,
                }
                lines = text.split("\n")
                if shape < 0.25 and len(lines) > 2:
                    # A streamed generation stored as chunks: one generation. The reader joins a
                    # list with "\n", so cutting at a line break keeps the text as it was.
                    cut = len(lines) // 2
                    record["gen"] = ["\n".join(lines[:cut]), "\n".join(lines[cut:])]
                else:
                    record["gen"] = text
                if truncated:
                    record["finish_reason"] = "length"
                records.append(record)
                samples += 1
            for record in records:
                shards[run_rng.randrange(SHARDS)].append(json.dumps(record, ensure_ascii=False))
        for i, shard in enumerate(shards):
            (folder / f"inference_{i}.jsonl").write_text("\n".join(shard) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
