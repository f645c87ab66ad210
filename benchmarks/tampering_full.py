"""The tampering tests at their full counts (tests/faults/test_tampering.py runs 30 of each).

    uv run python benchmarks/tampering_full.py                 # 1,000 of each kind
    uv run python benchmarks/tampering_full.py --count 200 data_edit rechain

Tampers (tests/faults/tampering.py), in turn on the demo study, a 50-subject scale study and
a study made by every write path: a random field of a random form row changed in SQLite, an
audit row edited, an audit row deleted, two audit rows swapped, an audit row that data is
rebuilt from rewritten and the chain re-computed after it, every audit row deleted, the
append-only triggers dropped. Then --clean studies nobody tampered with (the demo, scale
studies of other seeds and sizes, write-path studies) must pass. Prints one line per kind
with its counts and exits non-zero when a tamper went unnoticed or a clean study failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from faults import tampering  # noqa: E402

from msct_crf.tools.demo import create_demo  # noqa: E402
from msct_crf.tools.scale import create_scale_study  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", choices=[[], *tampering.KINDS], default=[])
    parser.add_argument("--count", type=int, default=1000, help="tampers per kind")
    parser.add_argument("--clean", type=int, default=100, help="clean studies to verify")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    kinds = args.kinds or list(tampering.KINDS)
    ok = True
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        demo, scale, written = folder / "demo.db", folder / "scale.db", folder / "write-paths.db"
        create_demo(demo)
        create_scale_study(scale, subjects=50)
        tampering.build_write_path_study(written)
        sources = [demo, scale, written]
        for kind in kinds:
            started = time.perf_counter()
            report = tampering.run_tampers(sources, kind, args.count, args.seed, folder)
            passed = report.detected == report.tampers == args.count
            ok &= passed
            print(
                f"{'PASS' if passed else 'FAIL'} {kind}: {report.detected} of {report.tampers} "
                f"detected ({time.perf_counter() - started:.0f} s)"
            )
            for line in report.missed[:10]:
                print("    missed:", line[:300])
            sys.stdout.flush()

        started = time.perf_counter()
        clean = [demo, scale, written]
        for number in range(max(0, args.clean - len(clean))):
            path = folder / f"clean-{number}.db"
            if number % 2:
                tampering.build_write_path_study(path)
            else:
                create_scale_study(path, subjects=20 + number % 60, seed=args.seed + number)
            clean.append(path)
        alarms = tampering.false_alarms(clean)
        ok &= not alarms
        print(
            f"{'PASS' if not alarms else 'FAIL'} clean studies: {len(alarms)} false alarms on "
            f"{len(clean)} studies ({time.perf_counter() - started:.0f} s)"
        )
        for line in alarms[:10]:
            print("    alarm:", line[:300])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
