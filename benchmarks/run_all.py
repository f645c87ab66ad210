"""Every benchmark at its default size, and one table of their ratios.

    uv run python benchmarks/run_all.py [--study /tmp/scale10k.db] [--only list,save] [--skip scale]
                                        [--logs FOLDER]

Each benchmark runs as its own process, one after the other (they are CPU-heavy: run this on
a machine that is otherwise idle, and run it twice when the figures matter). The 10,000-subject
scale study that the list, export and verify benchmarks read is made once, at ``--study``,
if it is not there yet (several minutes); ``bench_scale`` makes and times its own. A
benchmark that fails is reported as such and the others still run. Each one's full output
goes to ``--logs`` (a temporary folder by default, named at the end) and the table below
picks its figures out of it: app/floor ratios (the floor measured in the same run, see
README.md), and a few absolute figures (peak memory, p90, sort time) where the goal is one.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Figure:
    """One number a benchmark prints: what it is, the pattern that finds it, the goal."""

    label: str
    pattern: str
    unit: str
    goal: str


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    uses_study: bool
    figures: tuple[Figure, ...]


BENCHES = (
    Bench(
        "startup",
        "bench_ui_startup.py",
        False,
        (
            Figure(
                "start to a filled, painted patient list vs a bare QMainWindow",
                r"patient list filled and painted\s+\d+ ms\s+ratio\s+([\d.]+)x",
                "x",
                "<= 3x",
            ),
        ),
    ),
    Bench(
        "list",
        "bench_patient_list.py",
        True,
        (
            Figure("load vs raw sqlite3 fetch", r"load\s*:.*?ratio\s+([\d.]+)x", "x", "<= 3x"),
            Figure(
                "filter (typing paused) vs repainting the table",
                r"floor 2 .*?ratio\s+([\d.]+)x",
                "x",
                "<= 1.3x",
            ),
            Figure("filter p90", r"per filter \(p90 ([\d.]+) ms", " ms", "<= 50 ms at 100,000"),
            Figure("keystroke (filter coalesced)", r"typing:\s+([\d.]+) ms", " ms", "never waits"),
            Figure("sort, worst column", r"sort\s*:\s*([\d.]+) ms", " ms", "<= 300 ms"),
        ),
    ),
    Bench(
        "save",
        "bench_save_visit.py",
        False,
        (
            Figure(
                "save one visit vs row + audit rows + COMMIT",
                r"ratio app/floor \(median\): ([\d.]+)x",
                "x",
                "<= 3x",
            ),
            Figure(
                "save one visit vs the bare row + COMMIT",
                r"ratio app/floor 2 \(median\): ([\d.]+)x",
                "x",
                "-",
            ),
        ),
    ),
    Bench(
        "scale",
        "bench_scale.py",
        False,
        (
            Figure(
                "msct-crf scale vs raw executemany",
                r"ratio app/floor \(time\): ([\d.]+)x",
                "x",
                "<= 3x",
            ),
            Figure(
                "verify (chain) vs integrity_check + read", r"verify: .*ratio ([\d.]+)x", "x", "-"
            ),
        ),
    ),
    Bench(
        "export",
        "bench_export.py",
        True,
        (
            Figure(
                "export vs XlsxWriter constant_memory",
                r"ratio export/floor: ([\d.]+)x",
                "x",
                "<= 1.2x",
            ),
            Figure("export peak memory", r"export: .*peak RSS (\d+) MB", " MB", "<= 300 MB"),
        ),
    ),
    Bench(
        "verify",
        "bench_verify.py",
        True,
        (Figure("verify with reconciliation vs reading", r"ratio: ([\d.]+)x", "x", "<= 2x"),),
    ),
    Bench(
        "score panel",
        "bench_score_panel.py",
        False,
        (Figure("score panel keystroke vs compute_all", r"ratio:\s+([\d.]+)x", "x", "-"),),
    ),
)


def _ensure_study(path: Path) -> None:
    if path.exists():
        return
    print(f"creating the 10,000-subject scale study at {path} (several minutes)...", flush=True)
    sys.path.insert(0, str(HERE.parent))
    from msct_crf.tools.scale import create_scale_study

    print(create_scale_study(path, subjects=10_000), flush=True)


def _run(bench: Bench, study: Path, logs: Path) -> tuple[str, float]:
    command = [sys.executable, str(HERE / bench.script)]
    if bench.uses_study:
        command += ["--db", str(study)]
    # Byte-code caching as on a user's machine (a shell may set PYTHONDONTWRITEBYTECODE,
    # which recompiles SQLAlchemy and Alembic in every process), cached in the logs folder.
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(logs / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent, env=env)
    seconds = time.perf_counter() - started
    (logs / f"{Path(bench.script).stem}.log").write_text(
        done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8"
    )
    if done.returncode != 0:
        return f"failed (exit {done.returncode}, see the log)", seconds
    return done.stdout, seconds


def _rows(bench: Bench, output: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for figure in bench.figures:
        found = re.search(figure.pattern, output, re.S)
        value = f"{found.group(1)}{figure.unit}" if found else "not printed"
        if output.startswith("failed"):
            value = output
        rows.append((bench.name, figure.label, value, figure.goal))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default="/tmp/scale10k.db", help="the 10,000-subject study")
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--skip", default="", help="comma-separated benchmark names to skip")
    parser.add_argument("--logs", help="folder for each benchmark's full output")
    args = parser.parse_args()
    names = [b.name for b in BENCHES]
    only = [n.strip() for n in args.only.split(",")] if args.only else names
    skip = {n.strip() for n in args.skip.split(",") if n.strip()}
    unknown = (set(only) | skip) - set(names)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {', '.join(names)}")
    chosen = [b for b in BENCHES if b.name in only and b.name not in skip]
    logs = Path(args.logs or tempfile.mkdtemp(prefix="msct_bench_"))
    logs.mkdir(parents=True, exist_ok=True)
    study = Path(args.study)
    if any(b.uses_study for b in chosen):
        _ensure_study(study)
    table: list[tuple[str, str, str, str]] = []
    for bench in chosen:
        print(f"running {bench.script}...", flush=True)
        output, seconds = _run(bench, study, logs)
        print(f"  done in {seconds:.0f} s", flush=True)
        table += _rows(bench, output)
    header = ("benchmark", "figure", "measured", "goal")
    widths = [max(len(r[i]) for r in (header, *table)) for i in range(4)]
    print()
    for row in (header, tuple("-" * w for w in widths), *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"\nfull outputs: {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
