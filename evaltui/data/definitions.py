"""One-line definitions of the run metrics, each naming whose definition it follows.

Harnesses use the same names for different things (DeepSeek-R1's ``cons@64`` is a majority vote,
AISBench's ``cons@k`` is "most samples correct"), so the summary screen and the help say which one
each number is.
"""

from __future__ import annotations

import re

#: (pattern of the metric's name, definition). The first match wins.
DEFINITIONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^avg@\d+$"),
        "mean per-prompt accuracy over its n samples (OpenCompass avg@n; DeepSeek-R1 reports "
        "it as pass@1 with n samples)",
    ),
    (
        re.compile(r"^pass@\d+$"),
        "chance that at least one of k samples is correct, unbiased estimator from n samples "
        "(Chen et al. 2021, HumanEval)",
    ),
    (
        re.compile(r"^maj@\d+$"),
        "the most common extracted answer of the n samples is correct: majority vote "
        "(Minerva maj1@k; DeepSeek-R1 calls this cons@64); a tie goes to the answer given "
        "first, as lm-eval's majority_vote (Counter.most_common) breaks it: of 2 samples, one "
        "right and one wrong, the first decides",
    ),
    (
        re.compile(r"^cons@\d+$"),
        "more than half of the n samples are correct (AISBench cons@k; not DeepSeek-R1's "
        "cons@64, which is maj@n here)",
    ),
    (
        re.compile(r"^G-Pass@\d+_[\d.]+$"),
        "chance that at least ⌈τ·k⌉ of k samples drawn without replacement are correct, "
        "τ after the underscore (OpenCompass G-Pass@k_τ, Liu et al. 2024)",
    ),
    (
        re.compile(r"^mG-Pass@\d+$"),
        "G-Pass@k_τ averaged over τ from 0.5 to 1 (OpenCompass mG-Pass@k, Liu et al. 2024)",
    ),
    (
        re.compile(r"^doc score$"),
        "the harness's own per-prompt metric (e.g. an lm-eval filter's score), averaged over prompts",
    ),
    (
        re.compile(r"^mean$"),
        "mean over prompts of each prompt's mean score, in the score's own units (a continuous "
        "metric such as mae or bleu, read from the harness)",
    ),
    (
        re.compile(r"^mean of finite$"),
        "the same mean over the prompts whose mean is finite (one Infinity makes the mean "
        "infinite)",
    ),
    (
        re.compile(r"^never/flaky/always$"),
        "prompts no sample solved / some but not all solved / every sample solved",
    ),
]


def metric_definition(name: str) -> str | None:
    """The one-line definition of metric ``name`` (``pass@4``, ``cons@8``, …), None if unknown."""
    for pattern, text in DEFINITIONS:
        if pattern.match(name):
            return text
    return None


def definitions_help() -> str:
    """Every definition, for the help screen (names written generically)."""
    names = ["avg@n", "pass@k", "maj@n", "cons@n", "G-Pass@k_τ", "mG-Pass@k", "doc score"]
    examples = ["avg@8", "pass@4", "maj@8", "cons@8", "G-Pass@8_0.5", "mG-Pass@8", "doc score"]
    lines = ["Metrics (summary screen t; fractions, 95% bootstrap CI over prompts):"]
    for name, example in zip(names, examples, strict=True):
        lines.append(f"  {name:<12} {metric_definition(example)}")
    return "\n".join(lines)
