"""Peak RSS of reading an Inspect .eval archive whose one sample member expands to N MiB.

A zip bomb in miniature: the member is a JSON sample whose metadata holds N MiB of one repeated
character, deflated to a few hundred KiB. Each run is a fresh subprocess
(``evaltui summarize --no-cache``); its peak RSS is its ``ru_maxrss``, read in a fresh helper
process per run. ``--code DIR`` runs another checkout of evaltui (e.g. the commit before the
member limit) in the same session, for a ratio on the same machine state.

    python benchmarks/bench_eval_member.py --mib 1024 --runs 3
    python benchmarks/bench_eval_member.py --mib 1024 --runs 3 --code /tmp/old-checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HELPER = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak, proc.returncode, proc.stderr.strip().splitlines()[-1:] if proc.stderr else "")
"""


def make_archive(path: Path, mib: int) -> None:
    header = {"version": 2, "status": "success", "eval": {"task": "t", "model": "m"}}
    small = {"id": 1, "epoch": 1, "input": "q", "target": "1", "output": {"completion": "c"}}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps(header))
        archive.writestr("samples/1_epoch_1.json", json.dumps(small))
        # The big member, streamed into the archive so generating it stays small too.
        with archive.open("samples/2_epoch_1.json", "w", force_zip64=True) as member:
            member.write(b'{"id": 2, "epoch": 1, "input": "q", "output": {"completion": "c"},')
            member.write(b' "metadata": {"pad": "')
            chunk = b"x" * (1024 * 1024)
            for _ in range(mib):
                member.write(chunk)
            member.write(b'"}}')


def run_once(archive: Path, code: str | None, out: Path) -> tuple[int, str]:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    command = [
        sys.executable,
        "-c",
        HELPER,
        sys.executable,
        "-c",
        "import sys; from evaltui.cli import main; sys.exit(main())",
        "summarize",
        str(archive),
        "--no-cache",
        "-q",
        "-o",
        str(out),
    ]
    # cwd: not a checkout, so PYTHONPATH (or the installed package) decides which code runs.
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, check=True, cwd=out.parent
    )
    peak_kib, returncode, tail = done.stdout.split(" ", 2)
    return int(peak_kib), f"rc={returncode} {tail.strip()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", help="another evaltui checkout to compare (PYTHONPATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "bomb.eval"
        make_archive(archive, args.mib)
        print(f"archive {archive.stat().st_size / 1024:.0f} KiB, member {args.mib} MiB")
        variants = [("this checkout", None)] + ([("--code", args.code)] if args.code else [])
        peaks: dict[str, list[int]] = {name: [] for name, _ in variants}
        for _run in range(args.runs):  # interleaved: both see the same machine state
            for name, code in variants:
                peak, status = run_once(archive, code, Path(tmp) / "out.json")
                peaks[name].append(peak)
                print(f"  {name}: {peak / 1024:.0f} MiB peak RSS ({status})")
        for name, values in peaks.items():
            print(f"{name}: median peak RSS {statistics.median(values) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
