"""Deterministic benchmark data: N prompts x K sampled reasoning traces over several JSONL files.

    python benchmarks/generate.py small            # 2,000 x 8   (~155 MB)
    python benchmarks/generate.py medium           # 5,000 x 16  (~600 MB)
    python benchmarks/generate.py --prompts 500 --samples 4 --out /tmp/x

Lengths are heavy-tailed (lognormal, median about 1,500 tokens, a few near 16k); the text is made
of words, numbers and LaTeX so a BPE tokenizer sees something like real reasoning traces. Records
mix the plain-JSONL shapes (gen as a string or a list of chunks). numpy does the sampling, so a
large set takes seconds, and the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

SIZES = {"small": (2000, 8), "medium": (5000, 16)}
#: Many prompts, few short samples: the app's table at scale (1M prompts, ~300 MB), not tokenizing;
#: and many small files (5,000 of 10 prompts x 4 short samples): per-file costs of a warm run.
#: (prompts, samples, words per sample, files)
WIDE = {"million": (1_000_000, 2, 20, 20), "files": (50_000, 4, 20, 5_000)}
FILES = 10
VOCAB = (  # noqa: SIM905 (one readable block of words)
    "the of and to a in is that for it as with we let so then thus therefore since because "
    "compute solve equation value number answer check verify wait hmm first second next finally "
    "step case assume suppose note observe consider recall substitute simplify factor expand "
    "sum product total remaining each per times divided plus minus equals gives yields so "
    "x y z n k m a b c r \\frac{1}{2} \\sqrt{2} \\pi \\cdot \\times \\leq \\geq = + - ( ) , . : "
    "triangle circle area perimeter angle prime integer fraction probability ways choose"
).split()
# Calibrated so the default tokenizer counts a median of about 1,500 tokens per generation.
WORDS_PER_TOKEN = 0.82


def generate(out: Path, prompts: int, samples: int, seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    vocab = np.array(VOCAB)
    out.mkdir(parents=True, exist_ok=True)
    handles = [(out / f"inference_{i}.jsonl").open("w", encoding="utf-8") for i in range(FILES)]
    written = 0
    try:
        for p in range(prompts):
            a, b = int(rng.integers(2, 999)), int(rng.integers(2, 999))
            prompt = f"Problem {p}: compute {a} \\times {b} and explain each step. Put the final answer in \\boxed{{}}."
            answer = str(a * b)
            difficulty = float(rng.beta(0.6, 0.6))
            tokens = np.minimum(rng.lognormal(np.log(1500), 0.9, samples), 16000).astype(int) + 20
            handle = handles[p % FILES]
            for s in range(samples):
                n_words = max(5, int(tokens[s] * WORDS_PER_TOKEN))
                words = vocab[rng.integers(0, len(vocab), n_words)]
                correct = bool(rng.random() < difficulty)
                final = answer if correct else str(a * b + int(rng.integers(1, 50)))
                text = " ".join(words.tolist()) + f"\nTherefore the answer is \\boxed{{{final}}}."
                record: dict[str, object] = {"prompt": prompt, "answer": answer, "accuracy": float(correct)}
                if s % 5 == 4:
                    half = len(text) // 2
                    record["gen"] = [text[:half], text[half:]]
                else:
                    record["gen"] = text
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    finally:
        for handle in handles:
            handle.close()
    return written


def generate_wide(
    out: Path, prompts: int, samples: int, words: int, seed: int = 0, files: int = 20
) -> int:
    """``prompts`` prompts x ``samples`` short generations (``words`` words each) in ``files``
    files (a file's prompts are consecutive; many files go in folders of 500)."""
    rng = np.random.default_rng(seed)
    vocab = np.array(VOCAB)
    out.mkdir(parents=True, exist_ok=True)
    names = [
        out / (f"part_{i // 500:03d}/inference_{i}.jsonl" if files > 500 else f"inference_{i}.jsonl")
        for i in range(files)
    ]
    for name in names:
        name.parent.mkdir(parents=True, exist_ok=True)
    handles = [name.open("w", encoding="utf-8") for name in names]
    written = 0
    try:
        for p in range(prompts):
            a, b = int(rng.integers(2, 999)), int(rng.integers(2, 999))
            prompt = f"Problem {p}: compute {a} times {b}."
            difficulty = float(rng.random())
            handle = handles[p * files // prompts]
            lines = []
            for _s in range(samples):
                n_words = int(rng.integers(words // 2, words * 2))
                text = " ".join(vocab[rng.integers(0, len(vocab), n_words)].tolist())
                correct = bool(rng.random() < difficulty)
                final = a * b if correct else a * b + 1
                lines.append(
                    json.dumps(
                        {
                            "prompt": prompt,
                            "answer": str(a * b),
                            "gen": f"{text} \\boxed{{{final}}}",
                            "accuracy": float(correct),
                        }
                    )
                )
                written += 1
            handle.write("\n".join(lines) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", choices=sorted(SIZES) + sorted(WIDE), default="small")
    parser.add_argument("--prompts", type=int, default=None)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.size in WIDE:
        prompts, samples, words, files = WIDE[args.size]
        out = args.out or Path(__file__).resolve().parent / "data" / args.size
        n = generate_wide(
            out, args.prompts or prompts, args.samples or samples, words, args.seed, files
        )
        size = sum(f.stat().st_size for f in out.rglob("*.jsonl"))
        print(f"{out}: {n:,} records, {size / 1e6:.1f} MB")
        return
    prompts, samples = SIZES[args.size]
    prompts = args.prompts or prompts
    samples = args.samples or samples
    out = args.out or Path(__file__).resolve().parent / "data" / args.size
    n = generate(out, prompts, samples, args.seed)
    size = sum(f.stat().st_size for f in out.glob("*.jsonl"))
    print(f"{out}: {n:,} records, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
