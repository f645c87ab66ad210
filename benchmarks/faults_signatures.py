"""The signature and anchor tampering at full counts (tests/faults/test_signature_tampering.py
runs 30 of each kind in CI).

    uv run python benchmarks/faults_signatures.py                  # 1,000 of each kind
    uv run python benchmarks/faults_signatures.py --per-kind 200 copy rechain

Kinds: a signature copied or moved to another record with its content hash recomputed;
its signer (with or without that person's key), printed name, meaning or time rewritten;
an audit row rewritten and the chain recomputed after it (a backup present); the tail of
the audit trail cut off (a backup present). Each copy of the signed study gets one tamper
and must fail ``verify``; ``--clean N`` signed studies built with other seeds must not.
Prints one line per kind (detected / total, which check caught them) and exits non-zero
when anything was missed or a clean study had a finding.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from faults import tampering  # noqa: E402

from msct_crf.storage.integrity import verify_database  # noqa: E402


def run_kind(template: Path, folder: Path, kind: str, count: int, seed: int) -> bool:
    started = time.perf_counter()
    rng = random.Random(f"{kind}-{seed}")
    caught: collections.Counter[str] = collections.Counter()
    missed: list[str] = []
    for i in range(count):
        outcome = tampering.run_signed(template, folder / kind / str(i % 8), kind, rng)
        caught[outcome.caught_by] += 1
        if not outcome.detected:
            missed.append(outcome.what)
    by = ", ".join(f"{name} {n}" for name, n in caught.most_common())
    seconds = time.perf_counter() - started
    print(
        f"{'PASS' if not missed else 'FAIL'} {kind}: {count - len(missed)}/{count} detected "
        f"(caught by: {by}) ({seconds:.0f} s)"
    )
    for what in missed[:10]:
        print("    missed:", what)
    sys.stdout.flush()
    return not missed


def run_clean(folder: Path, count: int) -> bool:
    started = time.perf_counter()
    alarms: list[str] = []
    for seed in range(count):
        path = folder / f"clean{seed}" / "study.db"
        path.parent.mkdir(parents=True)
        tampering.build_study(path, seed=seed)
        alarms += [f"seed {seed}: {c.name}: {c.detail}" for c in verify_database(path) if not c.ok]
    print(
        f"{'PASS' if not alarms else 'FAIL'} clean signed studies: {count} built, "
        f"{len(alarms)} false alarms ({time.perf_counter() - started:.0f} s)"
    )
    for line in alarms[:10]:
        print("    ", line)
    return not alarms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kinds", nargs="*", help=f"any of {', '.join(tampering.SIGNED_KINDS)}")
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--clean", type=int, default=20, help="clean signed studies to verify")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    unknown = sorted(set(args.kinds) - set(tampering.SIGNED_KINDS))
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; choose from {tampering.SIGNED_KINDS}")
    tampering.fast_keys()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template" / "study.db"
        template.parent.mkdir()
        tampering.build_study(template, seed=args.seed)
        for kind in args.kinds or tampering.SIGNED_KINDS:
            ok &= run_kind(template, folder, kind, args.per_kind, args.seed)
        if args.clean:
            ok &= run_clean(folder, args.clean)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
