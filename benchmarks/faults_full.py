"""The fault tests at their full counts (tests/faults runs smaller ones in CI).

    uv run python benchmarks/faults_full.py            # everything
    uv run python benchmarks/faults_full.py kill9 corruption --kills 300

Counts: kill -9 >= 200 kills during saves and 50 during backups/restores; disk full at
>= 20 points; 50 corrupted copies; the locked database; >= 1,000 bad inputs per field type
through parse_value and through save_form; the Hypothesis state machine with more examples
and longer runs. Prints one line per check with its counts and exits non-zero when anything
failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from faults import helpers  # noqa: E402

FSIZE_POINTS = [4096, 20_000, 50_000, 100_000, 150_000, 200_000, 250_000, 300_000]
FSIZE_POINTS += [400_000, 500_000, 650_000, 800_000, 1_000_000, 1_300_000, 1_600_000]
FSIZE_POINTS += [2_000_000, 2_500_000, 3_000_000, 3_500_000, 4_200_000]
PAGE_POINTS = [0, 1, 2, 5, 9, 20, 40]
BACKUP_POINTS = [0, 100, 4096, 60_000, 150_000]


def _report(name: str, ok: bool, detail: str, started: float) -> bool:
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail} ({time.perf_counter() - started:.0f} s)")
    sys.stdout.flush()
    return ok


def run_kill9(folder: Path, kills: int, max_delay: float) -> bool:
    started = time.perf_counter()
    db = folder / "kill9.db"
    subjid = helpers.new_study(db)
    report = helpers.run_kills(db, subjid, kills=kills, seed=20261125, max_delay=max_delay)
    ok = not report.lost and not report.problems and report.kills == kills
    detail = (
        f"{report.kills} kills at 0-{max_delay:g} s after start, "
        f"{report.acked_saves} acknowledged saves, "
        f"{report.mid_save} kills inside a save, {report.unacked_committed} unacknowledged "
        f"saves found committed, {report.records_checked} record checks, "
        f"{len(report.lost)} lost, {len(report.problems)} integrity/fk/audit problems"
    )
    for line in (report.lost + report.problems)[:10]:
        print("   ", line)
    return _report("kill -9 during saves", ok, detail, started)


def run_backup_kills(folder: Path, kills: int) -> bool:
    started = time.perf_counter()
    db = folder / "backupkill" / "study.db"
    db.parent.mkdir()
    helpers.build_reference_study(db, visits=60)
    report = helpers.run_backup_kills(db, kills=kills, seed=99)
    ok = not report.problems and report.kills == kills
    detail = (
        f"{report.kills} kills of a process backing up and restoring in turns, "
        f"{report.completed} backups/restores completed between kills, "
        f"{len(report.problems)} problems (damaged database or backup, stray files)"
    )
    for line in report.problems[:10]:
        print("   ", line)
    return _report("kill -9 during backup and restore", ok, detail, started)


def run_disk_full(folder: Path) -> bool:
    started = time.perf_counter()
    db = folder / "diskfull.db"
    subjid = helpers.new_study(db)
    points = [("fsize", a) for a in FSIZE_POINTS]
    points += [("pages", a) for a in PAGE_POINTS] + [("backup", a) for a in BACKUP_POINTS]
    failures = helpers.run_disk_full(db, subjid, points)
    detail = (
        f"{len(points)} points ({len(FSIZE_POINTS)} RLIMIT_FSIZE, {len(PAGE_POINTS)} "
        f"max_page_count, {len(BACKUP_POINTS)} during a backup), {len(failures)} failures"
    )
    for line in failures[:10]:
        print("   ", line)
    return _report("disk full", not failures, detail, started)


def run_corruption(folder: Path, copies: int) -> bool:
    started = time.perf_counter()
    sub = folder / "corruption"
    sub.mkdir()
    report = helpers.run_corruptions(sub, copies, seed=50)
    ok = (
        not report.undetected
        and not report.written
        and not report.unclear
        and report.detected == report.offered_backup == copies
    )
    detail = (
        f"{report.copies} damaged copies (header, page, truncation), {report.detected} refused "
        f"at open, {len(report.written)} written to, {report.offered_backup} offered the "
        f"newest good backup, {len(report.undetected)} undetected"
    )
    for line in (report.undetected + report.written + report.unclear)[:10]:
        print("   ", line)
    return _report("corrupted copies", ok, detail, started)


def run_locked(folder: Path) -> bool:
    started = time.perf_counter()
    db = folder / "locked.db"
    subjid = helpers.new_study(db)
    holder = helpers.child("holder", db)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        code, out, err = helpers.run_child("busy_saver", db, subjid, 300, timeout=90)
    finally:
        holder.stdin.write("STOP\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    save, opening = (json.loads(line) for line in out.splitlines())
    ok = code == 0 and save["raised"] and "busy" in save["message"] and opening["raised"]
    detail = f"save: {save['message']!r}; open: {opening['message']!r}"
    return _report("locked by another process", ok, detail, started)


def run_bad_inputs(folder: Path, per_type: int) -> bool:
    started = time.perf_counter()
    report = helpers.BadInputReport()
    helpers.check_parse_value(per_type, seed=1000, report=report)
    helpers.check_save_form(folder / "bad_inputs.db", per_type, seed=1001, report=report)
    failures = (
        report.crashes + report.silently_accepted + report.wrongly_refused + report.stored_wrong
    )
    saves = {k: v for k, v in report.saved_calls.items() if k != "infusions"}
    detail = (
        f"parse_value {report.parsed}; save_form {saves} "
        f"({report.refused} refused, {report.accepted} saved); "
        f"{len(report.crashes)} crashes, {len(report.silently_accepted)} silently accepted, "
        f"{len(report.wrongly_refused)} good inputs refused, "
        f"{len(report.stored_wrong)} stored wrong"
    )
    for line in failures[:10]:
        print("   ", line)
    return _report("bad inputs", not failures, detail, started)


def run_stateful(examples: int, steps: int) -> bool:
    from faults.test_lifecycle_stateful import RecordLifecycle
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    started = time.perf_counter()
    try:
        run_state_machine_as_test(
            RecordLifecycle,
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    except Exception as exc:  # report and go on with the other checks
        return _report("lifecycle state machine", False, f"{type(exc).__name__}: {exc}", started)
    return _report(
        "lifecycle state machine",
        True,
        f"{examples} runs of up to {steps} steps, audit replay/fields/chain checked after each",
        started,
    )


CHECKS = ("kill9", "backupkill", "diskfull", "corruption", "locked", "badinputs", "stateful")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", nargs="*", help=f"some of: {', '.join(CHECKS)} (default all)")
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument(
        "--max-delay", type=float, default=1.5, help="kill at 0..this many seconds after start"
    )
    parser.add_argument("--backup-kills", type=int, default=50)
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--inputs", type=int, default=1000, help="bad inputs per field type")
    parser.add_argument("--examples", type=int, default=60)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    checks = args.checks or list(CHECKS)
    unknown = sorted(set(checks) - set(CHECKS))
    if unknown:
        parser.error(f"unknown check(s) {', '.join(unknown)}; choose from {', '.join(CHECKS)}")
    results = []
    with tempfile.TemporaryDirectory(prefix="faults-full-") as tmp:
        folder = Path(tmp)
        for name in checks:
            if name == "kill9":
                results.append(run_kill9(folder, args.kills, args.max_delay))
            elif name == "backupkill":
                results.append(run_backup_kills(folder, args.backup_kills))
            elif name == "diskfull":
                results.append(run_disk_full(folder))
            elif name == "corruption":
                results.append(run_corruption(folder, args.copies))
            elif name == "locked":
                results.append(run_locked(folder))
            elif name == "badinputs":
                results.append(run_bad_inputs(folder, args.inputs))
            elif name == "stateful":
                results.append(run_stateful(args.examples, args.steps))
    print(f"{sum(results)} of {len(results)} checks passed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
