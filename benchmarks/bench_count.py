"""The count-only path against HF ``encode_batch_fast``: speed, thread scaling, identical counts.

    python benchmarks/bench_count.py --data benchmarks/data/small --max-mb 16 --runs 3

Corpora: the generated traces under ``--data`` (texts in file order, up to ``--max-mb``), and a
seeded multilingual mix (English prose, code, LaTeX, CJK, Korean, Arabic, emoji). Per run, in
this order (interleaved, so both see the same machine load): HF ``encode_batch_fast`` on all
cores, the count path on 1 thread, the count path on 2 threads. Every count is compared. Then the
traces once more on 1 thread in calls of ``--call-kb`` KB (how following a file counts appended
text: one counter, its chunk cache kept between calls). CPU ms per MB is process CPU time (all
threads) per MB counted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path

import numpy as np

from evaltui.data.tokens import load_tokenizer


def traces(data: Path, max_mb: float) -> list[str]:
    texts: list[str] = []
    size = 0
    for path in sorted(data.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                gen = json.loads(line)["gen"]
                text = gen if isinstance(gen, str) else "".join(gen)
                texts.append(text)
                size += len(text.encode())
                if size >= max_mb * 1e6:
                    return texts
    return texts


def multilingual(mb: float, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    english = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "it",
        "as",
        "with",
        "we",
        "was",
        "on",
        "by",
        "an",
        "be",
        "this",
        "which",
        "or",
        "from",
        "at",
    ]
    code = [
        "def f(x):\n    return x * 2\n",
        "for (i = 0; i < n; i++) {\n\tsum += a[i];\n}\n",
        "import numpy as np\nprint(np.arange(10))\n",
        "SELECT name FROM users WHERE id = 42;\n",
    ]
    latex = ["\\frac{a}{b}", "\\sum_{k=1}^{n} k^2", "\\int_0^1 x\\,dx", "$x^2 + y^2 = z^2$"]
    cjk = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴"
    japanese = "ひらがなカタカナ・テキスト、日本語の文章です。"
    korean = "한국어 텍스트 입니다 안녕하세요 세계"
    arabic = "مرحبا بالعالم هذا نص عربي"
    emoji = ["👍", "👨\u200d👩\u200d👧", "🎉", "🇯🇵", "😀😃", "🏳️\u200d🌈"]
    texts: list[str] = []
    size = 0
    while size < mb * 1e6:
        parts: list[str] = []
        for _ in range(rng.randint(20, 400)):
            roll = rng.random()
            if roll < 0.35:
                parts.append(rng.choice(english))
            elif roll < 0.5:
                parts.append("".join(rng.choice(cjk) for _ in range(rng.randint(2, 30))))
            elif roll < 0.58:
                parts.append(japanese[rng.randint(0, 10) :])
            elif roll < 0.64:
                parts.append(korean)
            elif roll < 0.7:
                parts.append(arabic)
            elif roll < 0.8:
                parts.append(rng.choice(code))
            elif roll < 0.88:
                parts.append(rng.choice(latex))
            elif roll < 0.94:
                parts.append(rng.choice(emoji))
            else:
                parts.append(str(rng.randint(0, 10**9)))
        text = " ".join(parts)
        texts.append(text)
        size += len(text.encode())
    return texts


def in_calls(texts: list[str], size: float) -> list[list[str]]:
    """The texts in consecutive calls of about ``size`` bytes each."""
    calls: list[list[str]] = [[]]
    held = 0
    for text in texts:
        calls[-1].append(text)
        held += len(text.encode())
        if held >= size:
            calls.append([])
            held = 0
    return [call for call in calls if call]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / "data" / "small")
    parser.add_argument("--max-mb", type=float, default=16.0)
    parser.add_argument("--mix-mb", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--call-kb",
        type=float,
        default=64.0,
        help="also count the traces in calls of about this many KB (as following a file does)",
    )
    args = parser.parse_args()
    info = load_tokenizer(None)
    assert info.fast is not None, info.fast_reason
    corpora = {"traces": traces(args.data, args.max_mb), "multilingual": multilingual(args.mix_mb)}
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start")
    for name, texts in corpora.items():
        mb = sum(len(t.encode()) for t in texts) / 1e6
        times: dict[str, list[float]] = {"hf": [], "fast1": [], "fast2": []}
        cpu: dict[str, list[float]] = {"hf": [], "fast1": [], "fast2": []}
        for _run in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            encodings = info.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
            expected = np.fromiter((len(e) for e in encodings), dtype=np.int64)
            times["hf"].append(time.perf_counter() - start)
            cpu["hf"].append(time.process_time() - cpu_start)
            del encodings
            for threads in (1, 2):
                info.fast.set_threads(threads)
                info.fast.reset()  # each run is a fresh load: no chunk counted yet
                start, cpu_start = time.perf_counter(), time.process_time()
                counts = info.fast.count(texts)
                times[f"fast{threads}"].append(time.perf_counter() - start)
                cpu[f"fast{threads}"].append(time.process_time() - cpu_start)
                assert (counts == expected).all(), f"{name}: counts differ"
        if name == "traces":
            calls = in_calls(texts, args.call_kb * 1e3)
            for _run in range(args.runs):
                info.fast.set_threads(1)
                info.fast.reset()
                cpu_start = time.process_time()
                counted = [info.fast.count(call) for call in calls]
                cpu["calls"] = [*cpu.get("calls", []), time.process_time() - cpu_start]
                assert (np.concatenate(counted) == expected).all(), f"{name}: counts differ"
        med = {k: statistics.median(v) for k, v in times.items()}
        per_mb = {k: 1e3 * statistics.median(v) / mb for k, v in cpu.items()}
        busy = {
            k: statistics.median(c / w for c, w in zip(cpu[k], times[k], strict=True))
            for k in times
        }
        print(
            f"{name}: {len(texts):,} texts, {mb:.1f} MB, {args.runs} runs, identical counts | "
            f"HF {med['hf']:.2f} s {times['hf']} | fast 1 thread {med['fast1']:.2f} s "
            f"({med['hf'] / med['fast1']:.1f}x HF) | fast 2 threads {med['fast2']:.2f} s "
            f"({med['hf'] / med['fast2']:.1f}x HF; {med['fast1'] / med['fast2']:.2f}x from 1 to 2 threads) | "
            f"CPU-seconds per wall second (process, all threads): HF {busy['hf']:.2f}, "
            f"fast 1 thread {busy['fast1']:.2f}, fast 2 threads {busy['fast2']:.2f} | "
            "CPU ms per MB: " + ", ".join(f"{k} {v:.0f}" for k, v in per_mb.items()) + "; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
