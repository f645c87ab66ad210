"""Shared pieces of the fault tests: a small study, deterministic visit values, database
checks, and the child processes (run as ``python tests/faults/helpers.py ROLE ...``).

The children use the real write path (`msct_crf.workflow.records.save_form`) on a real file; the
parent kills them, limits their file size or holds the database locked, and then checks the
file with SQLite's own checks and the audit chain. Nothing in SQLite is mocked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import queue
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HELPERS = Path(__file__).resolve()
REPO = HELPERS.parents[2]
USER = "faults"

ENROL_VALUES = {
    "SITEID": "GZH",
    "INITIALS": "FT",
    "SEX": "F",
    "BRTHDTC": "1970-03-01",
    "RFICDTC": "2024-01-05",
    "ENRLDTC": "2024-01-05",
    "DXCAT": "PBC",
}

#: The visit fields the children write, with a range inside the soft limits.
VISIT_NUMBERS = {
    "ALT": (5.0, 900.0),
    "AST": (5.0, 900.0),
    "TBIL": (10.0, 400.0),
    "ALB": (20.0, 50.0),
    "INR": (0.8, 5.0),
    "CREAT": (40.0, 600.0),
    "SODIUM": (125.0, 150.0),
    "PLT": (20.0, 500.0),
}


def visit_values(rng: random.Random) -> dict[str, str]:
    """Raw (typed) values of one unscheduled visit, valid and inside the soft ranges."""
    day = rng.randrange(0, 600)
    year, rest = (2024, day) if day < 366 else (2025, day - 366)
    visit_date = dt.date(year, 1, 1) + dt.timedelta(days=rest)
    if visit_date < dt.date(2024, 1, 5):
        visit_date = dt.date(2024, 1, 5)
    values = {"VISIT": "UNSCHED", "VISDTC": visit_date.isoformat()}
    for code, (low, high) in VISIT_NUMBERS.items():
        values[code] = f"{rng.uniform(low, high):.1f}"
    return values


def values_hash(values: Mapping[str, Any]) -> str:
    """A hash of visit values that is the same for what was typed and what was stored."""
    canonical: dict[str, str] = {}
    for code in ("VISIT", "VISDTC", *VISIT_NUMBERS):
        value = values.get(code)
        if value is None:
            canonical[code] = ""
        elif code in VISIT_NUMBERS:
            canonical[code] = repr(float(value))
        else:
            canonical[code] = str(value)[:10]
    text = json.dumps(canonical, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def new_study(path: Path) -> str:
    """A database with one enrolled subject; returns the subject id."""
    from msct_crf.storage.store import Store
    from msct_crf.workflow import records

    store = Store.open_path(path)
    try:
        result = records.save_form(store, user=USER, form="ENROL", values=ENROL_VALUES)
        assert result.saved and result.subject, result
        return result.subject
    finally:
        store.close()


def database_problems(path: Path) -> list[str]:
    """Every failed check of the file: integrity_check, foreign_key_check, audit chain."""
    from msct_crf.errors import DatabaseError
    from msct_crf.storage.integrity import verify_database

    try:
        checks = verify_database(path)
    except DatabaseError as exc:
        return [f"open: {exc}"]
    return [f"{c.name}: {c.detail}" for c in checks if not c.ok]


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def companion_files(path: Path) -> list[Path]:
    return [p for p in (Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal")) if p.exists()]


def normal_user_prefix() -> list[str] | None:
    """The command prefix that runs a child as 'nobody' when we are root (file permissions
    do not stop root); [] when we are not root; None when that is not possible here."""
    if not hasattr(os, "getuid") or os.getuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def child(
    role: str,
    *args: object,
    prefix: Sequence[str] = (),
    python: str = sys.executable,
    root: Path = REPO,
    path: Sequence[Path] = (),
    **popen: Any,
) -> subprocess.Popen[str]:
    """Start ``helpers.py ROLE args`` in a new Python process (line-buffered text pipes).

    By default the child runs this checkout's helpers with this interpreter; `python`,
    `root` (a folder holding msct_crf and tests/faults/helpers.py) and `path` (more
    PYTHONPATH entries) run it elsewhere, as for :func:`copy_for_a_normal_user`."""
    env = dict(os.environ)
    entries = [str(root), *map(str, path), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(entries).rstrip(os.pathsep)
    env["PYTHONUNBUFFERED"] = "1"
    script = root / "tests" / "faults" / "helpers.py"
    return subprocess.Popen(
        [*prefix, python, str(script), role, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
        cwd=root,
        env=env,
        **popen,
    )


@dataclass(frozen=True)
class NormalUserCopy:
    """A folder a normal user may enter, holding a copy of what a child needs: msct_crf and
    this file under ``repo/``, the third-party packages the store imports under
    ``site-packages/``, and an interpreter that user may run. Pass :meth:`options` to
    :func:`child` or :func:`run_child`; delete ``home`` afterwards."""

    home: Path
    python: str

    def options(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "root": self.home / "repo",
            "path": [self.home / "site-packages"],
        }


def _folder_others_may_enter() -> Path | None:
    """A new folder (mode 755) in the first temporary folder whose every ancestor others may
    enter. A folder made by ``mktemp -d`` is mode 700, so a clone inside one is no place for
    a child that runs as another user."""
    for base in (Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp")):
        base = base.resolve()
        if base.is_dir() and all(p.stat().st_mode & 0o001 for p in (base, *base.parents)):
            folder = Path(tempfile.mkdtemp(prefix="msct-normal-user-", dir=base))
            folder.chmod(0o755)
            return folder
    return None


#: Run by this interpreter in a child: open a new study (which runs every migration) and
#: print the installed top-level packages that it imported.
_IMPORT_PROBE = """
import json, sys, sysconfig, tempfile
from pathlib import Path
from msct_crf.storage.store import Store
with tempfile.TemporaryDirectory() as folder:
    Store.open_path(Path(folder) / "probe.db").close()
sites = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
found = set()
for name, module in list(sys.modules.items()):
    file = getattr(module, "__file__", None)
    if file and "." not in name:
        path = Path(file).resolve()
        found |= {str(s / path.relative_to(s).parts[0]) for s in sites if path.is_relative_to(s)}
print(json.dumps(sorted(found)))
"""


def _installed_packages_the_store_imports() -> list[Path]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    return [Path(p) for p in json.loads(result.stdout)]


def _interpreter_for(prefix: Sequence[str], cwd: Path) -> str | None:
    """The first interpreter of this Python version that `prefix` (the normal user) may run.
    This one may sit in a virtual environment inside the clone, out of that user's reach."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        sys.executable,
        getattr(sys, "_base_executable", ""),
        os.path.realpath(sys.executable),
        shutil.which(f"python{version}") or "",
        shutil.which("python3") or "",
    ]
    for python in dict.fromkeys(c for c in candidates if c):
        probe = [*prefix, python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
        try:
            result = subprocess.run(probe, capture_output=True, text=True, cwd=cwd, timeout=60)
        except OSError:
            continue
        if result.returncode == 0 and result.stdout.strip() == version:
            return python
    return None


def copy_for_a_normal_user(prefix: Sequence[str]) -> NormalUserCopy | None:
    """Make a :class:`NormalUserCopy`; None when this machine has no such folder or no
    interpreter that user may run.

    The clone and its virtual environment may sit in a folder only root may enter (one made
    by ``mktemp -d``): a child run as 'nobody' could then read neither this file, nor
    msct_crf, nor the installed packages, so it gets copies of its own."""
    home = _folder_others_may_enter()
    if home is None:
        return None
    try:
        skip = shutil.ignore_patterns("__pycache__")
        repo = home / "repo"
        shutil.copytree(REPO / "msct_crf", repo / "msct_crf", ignore=skip)
        (repo / "tests" / "faults").mkdir(parents=True)
        shutil.copyfile(HELPERS, repo / "tests" / "faults" / "helpers.py")
        site = home / "site-packages"
        site.mkdir()
        for package in _installed_packages_the_store_imports():
            if package.is_dir():
                shutil.copytree(package, site / package.name, ignore=skip)
            else:
                shutil.copyfile(package, site / package.name)
        for item in [home, *home.rglob("*")]:  # readable by others, folders enterable
            others = 0o055 if item.is_dir() else 0o044
            item.chmod(item.stat().st_mode | others)
        python = _interpreter_for(prefix, home)
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise
    if python is None:
        shutil.rmtree(home, ignore_errors=True)
        return None
    return NormalUserCopy(home, python)


def finish(process: subprocess.Popen[str], lines: _Lines | None = None) -> None:
    """End a child: close its stdin (which tells it to stop), wait, kill it if it does not
    exit, and close its pipes once the thread reading them (if any) has seen the end. A pipe
    left open is a ResourceWarning, and the test run treats every warning as an error."""
    if process.stdin is not None:
        with contextlib.suppress(BrokenPipeError):  # it had exited, a line still buffered
            process.stdin.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if lines is not None:
        lines.thread.join(timeout=30)
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def run_child(role: str, *args: object, timeout: float = 120, **popen: Any) -> tuple[int, str, str]:
    process = child(role, *args, **popen)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(
            f"child {role} hung (killed after {timeout} s): {err[-2000:]}"
        ) from None
    return process.returncode, out, err


def stored_visits(path: Path) -> dict[int, str]:
    """{visit id: values_hash} of every visit in the file (read-only)."""
    columns = ["id", "visit", "visdtc", *(c.lower() for c in VISIT_NUMBERS)]
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(f"SELECT {', '.join(columns)} FROM visit").fetchall()
    finally:
        connection.close()
    out = {}
    for row in rows:
        values = dict(zip(["VISIT", "VISDTC", *VISIT_NUMBERS], row[1:], strict=True))
        out[int(row[0])] = values_hash(values)
    return out


# --------------------------------------------------------------------------- kill -9


@dataclass
class KillReport:
    kills: int = 0
    acked_saves: int = 0  # ACK lines seen in total
    records_checked: int = 0
    lost: list[str] = field(default_factory=list)  # acknowledged saves not found as acked
    problems: list[str] = field(default_factory=list)  # integrity / fk / audit chain failures
    unacked_committed: int = 0  # saves that committed although the kill came before the ACK
    mid_save: int = 0  # kills that landed between a TRY and its ACK (inside a save)


class _Lines:
    """Lines of a child's stdout, read by a thread so the parent can wait with a timeout."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout

        def _read() -> None:
            for line in stream:
                self.queue.put(line)
            self.queue.put("")  # end of file

        self.thread = threading.Thread(target=_read, daemon=True)
        self.thread.start()

    def next(self, timeout: float = 60) -> str:
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"child said nothing for {timeout} s") from None
        if line == "":
            raise AssertionError("child exited")
        return line


def _start(zygote: subprocess.Popen[str], lines: _Lines, command: str) -> tuple[int, list[str]]:
    """Ask the zygote to fork a worker; return its pid and its first lines (to READY).

    The zygote's CHILD line and the worker's READY line may come in either order."""
    assert zygote.stdin is not None
    zygote.stdin.write(command + "\n")
    zygote.stdin.flush()
    pid = 0
    output: list[str] = []
    started = False  # READY (or DEAD) seen; the worker may already be saying more
    while not pid or not started:
        line = lines.next()
        if line.startswith("CHILD"):
            pid = int(line.split()[1])
            continue
        output.append(line)
        if line.startswith("DEAD") and not any(o.startswith("READY") for o in output):
            raise AssertionError(f"worker did not start: {''.join(output)[-2000:]}")
        started = started or line.startswith(("READY", "DEAD"))
    return pid, output


def run_kills(path: Path, subjid: str, kills: int, seed: int, max_delay: float = 0.5) -> KillReport:
    """Start a saving process, SIGKILL it at a random moment, check the file; `kills` times.

    The saving processes are forked from a "zygote" process that has already imported the
    app, so each one starts in milliseconds; each is a real process writing a real file.
    After each kill: every acknowledged save is present with its values (a save that was
    tried but not acknowledged may or may not have committed; either is correct), nothing
    unknown was written, and integrity_check, foreign_key_check and the audit chain pass."""
    rng = random.Random(seed)
    report = KillReport()
    acked: dict[int, str] = {}  # record id -> hash of the newest acknowledged values
    zygote = child("zygote", path, subjid)
    lines = _Lines(zygote)
    assert zygote.stdin is not None
    try:
        assert lines.next().strip() == "ZYGOTE"
        for cycle in range(kills):
            pid, output = _start(zygote, lines, f"GO {seed * 100_000 + cycle}")
            if cycle % 2:
                # every other kill comes after at least one save was acknowledged, so the
                # check has acknowledged saves to look for however slow the machine is
                while not output[-1].startswith(("ACK", "DEAD", "ERROR", "REFUSED")):
                    output.append(lines.next())
            time.sleep(rng.uniform(0.0, max_delay))
            if not output[-1].startswith("DEAD"):
                os.kill(pid, signal.SIGKILL)
            while not output[-1].startswith("DEAD"):
                output.append(lines.next())
            report.kills += 1
            pending: dict[str, str] = {}  # "new" or record id -> hash tried, not acknowledged
            for line in output:
                parts = line.split()
                if parts[0] == "TRY":
                    pending = {parts[1]: parts[2]}
                elif parts[0] == "ACK":
                    acked[int(parts[1])] = parts[2]
                    pending = {}
                    report.acked_saves += 1
                elif parts[0] in ("REFUSED", "ERROR"):
                    raise AssertionError(f"cycle {cycle}: {line}")
            report.mid_save += bool(pending)
            report.problems += [f"cycle {cycle}: {p}" for p in database_problems(path)]
            stored = stored_visits(path)
            for record_id, digest in list(acked.items()):
                report.records_checked += 1
                have = stored.get(record_id)
                if have == digest:
                    continue
                if have is not None and pending.get(str(record_id)) == have:
                    acked[record_id] = have  # the edit committed just before the kill
                    report.unacked_committed += 1
                    continue
                report.lost.append(
                    f"cycle {cycle}: record {record_id} expected {digest}, got {have}"
                )
            for record_id, digest in stored.items():
                if record_id in acked:
                    continue
                if pending.get("new") == digest:
                    acked[record_id] = digest  # the insert committed just before the kill
                    report.unacked_committed += 1
                else:
                    report.lost.append(f"cycle {cycle}: unknown record {record_id} ({digest})")
    finally:
        finish(zygote, lines)
    return report


@dataclass
class BackupKillReport:
    kills: int = 0
    completed: int = 0  # backups and restores that finished before a kill
    problems: list[str] = field(default_factory=list)


def run_backup_kills(path: Path, kills: int, seed: int, max_delay: float = 1.0) -> BackupKillReport:
    """SIGKILL a process that backs up and restores the database in turns, `kills` times.

    After each kill: the database passes integrity_check, foreign_key_check and the audit
    chain; every file carrying a backup's name is a complete database (integrity_check ok);
    the only other files left are hidden temporary ones."""
    from msct_crf.workflow import backup

    rng = random.Random(seed)
    report = BackupKillReport()
    folder = path.parent / "backups"
    zygote = child("zygote", path, "-")
    lines = _Lines(zygote)
    assert zygote.stdin is not None
    try:
        assert lines.next().strip() == "ZYGOTE"
        for cycle in range(kills):
            pid, output = _start(zygote, lines, f"GO {seed * 100_000 + cycle} backup")
            time.sleep(rng.uniform(0.0, max_delay))
            os.kill(pid, signal.SIGKILL)
            while not output[-1].startswith("DEAD"):
                output.append(lines.next())
            report.kills += 1
            report.completed += sum(1 for line in output if line.startswith("ACK"))
            errors = [line for line in output if line.startswith("ERROR")]
            report.problems += [f"cycle {cycle}: {line.strip()}" for line in errors]
            report.problems += [f"cycle {cycle}: {p}" for p in database_problems(path)]
            for item in backup.list_backups(folder):
                connection = sqlite3.connect(f"{item.path.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    ok = connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                except sqlite3.DatabaseError:
                    ok = False
                finally:
                    connection.close()
                if not ok:
                    report.problems.append(f"cycle {cycle}: damaged backup {item.path.name}")
            listed = backup.list_backups(folder)
            unverified = [b.path.name for b in listed if not b.verified]
            report.problems += [f"cycle {cycle}: backup without its record {n}" for n in unverified]
            names = {b.path.name for b in listed}
            for leftover in folder.iterdir() if folder.exists() else []:
                # hidden temporary files and a record whose backup never landed are harmless
                if leftover.name.startswith(".") or leftover.name.endswith(".json"):
                    continue
                if leftover.name not in names:
                    report.problems.append(f"cycle {cycle}: stray file {leftover.name}")
    finally:
        finish(zygote, lines)
    return report


# --------------------------------------------------------------------------- children


def _say(text: str) -> None:
    """One line in one write(2): a kill never leaves half a line in the pipe."""
    os.write(1, (text + "\n").encode())


def _saver(db: str, subjid: str, seed: str) -> None:
    """Save visits forever, saying TRY before and ACK after each save returns.

    Every third save edits an earlier visit (with a reason) instead of adding one."""
    from msct_crf.storage.store import Store
    from msct_crf.workflow import records

    rng = random.Random(int(seed))
    store = Store.open_path(db, create=False)
    saved = sorted(stored_visits(Path(db)))
    _say("READY")
    while True:
        values = visit_values(rng)
        digest = values_hash(values)
        target = rng.choice(saved) if saved and rng.random() < 1 / 3 else None
        _say(f"TRY {target if target is not None else 'new'} {digest}")
        result = records.save_form(
            store,
            user=USER,
            form="VIS",
            subject=subjid,
            record_id=target,
            values=values,
            reason="corrected from source" if target is not None else None,
            confirm_warnings=True,
        )
        if not result.saved:
            _say(f"REFUSED {result.message}")
            return
        assert result.record_id is not None
        if target is None:
            saved.append(result.record_id)
        _say(f"ACK {result.record_id} {digest}")


def _backup_worker(db: str, subjid: str, seed: str) -> None:
    """Back up and restore the database in turns, forever (the parent kills it)."""
    from msct_crf.workflow import backup

    rng = random.Random(int(seed))
    folder = Path(db).parent / "backups"
    _say("READY")
    while True:
        newest = backup.newest_good_backup(folder, Path(db).stem)
        if newest is not None and rng.random() < 0.4:
            _say(f"TRY restore {newest.path.name}")
            backup.restore_backup(newest.path, db, user=USER, force=True)
            _say(f"ACK restore {newest.path.name}")
        else:
            _say("TRY backup -")
            info = backup.backup_database(db, folder, user=USER, keep=3)
            _say(f"ACK backup {info.path.name}")


def _zygote(db: str, subjid: str) -> int:
    """Import the app once, then fork one saver per "GO <seed>" line on stdin
    (one backup-and-restore worker per "GO <seed> backup" line)."""
    import msct_crf.storage.integrity  # noqa: F401
    import msct_crf.storage.store  # noqa: F401
    import msct_crf.workflow.backup  # noqa: F401  (imported before forking, on purpose)
    import msct_crf.workflow.records  # noqa: F401

    _say("ZYGOTE")
    for line in sys.stdin:
        words = line.split()
        seed = words[1]
        work = _backup_worker if words[2:] == ["backup"] else _saver
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                work(db, subjid, seed)
            except BaseException as exc:  # report, never fall back into the loop
                _say(f"ERROR {type(exc).__name__}: {exc}".replace("\n", " "))
                code = 1
            finally:
                os._exit(code)
        _say(f"CHILD {pid}")
        os.waitpid(pid, 0)
        _say(f"DEAD {pid}")
    return 0


def _diskfull(db: str, subjid: str, points: str) -> int:
    """At each point ("method:amount,..."): save until the disk is "full", keep the draft,
    lift the limit and retry the very same draft. One JSON line per point.

    method "fsize": RLIMIT_FSIZE = amount bytes (SIGXFSZ ignored, so write(2) fails with
    EFBIG as it fails with ENOSPC on a full disk); "pages": PRAGMA max_page_count = pages +
    amount on every connection (SQLITE_FULL); "backup": RLIMIT_FSIZE = amount bytes while
    writing a backup."""
    import copy
    import resource

    from sqlalchemy import event

    from msct_crf.errors import DatabaseError
    from msct_crf.storage.store import Store
    from msct_crf.workflow import backup, records

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = Store.open_path(db, create=False)
    path = Path(db)
    limit_pages = {"n": 0}

    def _limit(dbapi_connection: Any, record: Any) -> None:
        if limit_pages["n"]:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit_pages['n']}")

    event.listen(store.engine, "connect", _limit)
    unlimited = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
    for point in points.split(","):
        method, amount = point.split(":")[0], int(point.split(":")[1])
        rng = random.Random(amount)
        acked: dict[int, str] = {}
        outcome: dict[str, Any] = {"method": method, "amount": amount}
        if method == "backup":
            folder = path.parent / "backups"
            before = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
            resource.setrlimit(resource.RLIMIT_FSIZE, (amount, resource.RLIM_INFINITY))
            try:
                backup.backup_database(store, folder, user=USER)
                outcome["error"] = ""
            except DatabaseError as exc:
                outcome["error"] = str(exc)
            resource.setrlimit(resource.RLIMIT_FSIZE, unlimited)
            outcome["leftover"] = sorted(
                set(p.name for p in folder.glob("*")) - set(before)
            )  # files the failed backup left behind
            info = backup.backup_database(store, folder, user=USER)
            outcome["retry_saved"] = info.verified
            _say(json.dumps(outcome))
            continue
        if method == "fsize":
            resource.setrlimit(resource.RLIMIT_FSIZE, (amount, resource.RLIM_INFINITY))
        else:
            probe = sqlite3.connect(db)
            try:
                pages = int(probe.execute("PRAGMA page_count").fetchone()[0])
            finally:
                probe.close()
            limit_pages["n"] = pages + amount
            store.engine.dispose()  # new connections get the limit
        error = ""
        draft: dict[str, str] = {}
        for _ in range(10_000):
            draft = visit_values(rng)
            draft["PLT"] = f"{rng.uniform(20, 500):.1f}"
            typed = copy.deepcopy(draft)
            try:
                result = records.save_form(
                    store,
                    user=USER,
                    form="VIS",
                    subject=subjid,
                    values=draft,
                    confirm_warnings=True,
                )
            except DatabaseError as exc:
                error = str(exc)
                break
            assert result.saved, result
            assert result.record_id is not None
            acked[result.record_id] = values_hash(draft)
        outcome["draft_kept"] = draft == typed
        # lift the limit and retry the very same draft
        if method == "fsize":
            resource.setrlimit(resource.RLIMIT_FSIZE, unlimited)
        else:
            limit_pages["n"] = 0
            store.engine.dispose()
        retry = records.save_form(
            store, user=USER, form="VIS", subject=subjid, values=draft, confirm_warnings=True
        )
        outcome.update(
            error=error,
            acked={str(k): v for k, v in acked.items()},
            retry_saved=retry.saved,
            retry_id=retry.record_id,
            retry_hash=values_hash(draft),
        )
        _say(json.dumps(outcome))
    store.close()
    return 0


def run_disk_full(path: Path, subjid: str, points: Sequence[tuple[str, int]]) -> list[str]:
    """Run the disk-full child over `points` ((method, amount), see `_diskfull`); return
    every failure found (empty = good)."""
    code, out, err = run_child("diskfull", path, subjid, ",".join(f"{m}:{a}" for m, a in points))
    failures: list[str] = []
    if code != 0:
        return [f"child failed ({code}): {err[-3000:]}"]
    reported = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if len(reported) != len(points):
        failures.append(f"{len(reported)} of {len(points)} points reported: {err[-2000:]}")
    expected: dict[int, str] = {}
    for point in reported:
        where = f"{point['method']} {point['amount']}"
        message = point["error"].lower()
        if not message:
            failures.append(f"{where}: no error although the disk was full")
        elif "disk" not in message or "full" not in message:
            failures.append(f"{where}: unclear message {point['error']!r}")
        if not point["retry_saved"]:
            failures.append(f"{where}: the retry after freeing space failed")
        if point["method"] == "backup":
            if point.get("leftover"):
                failures.append(f"{where}: a failed backup left files {point['leftover']}")
            continue
        if not point["draft_kept"]:
            failures.append(f"{where}: the draft changed")
        expected.update({int(k): v for k, v in point["acked"].items()})
        expected[int(point["retry_id"])] = point["retry_hash"]
    stored = stored_visits(path)
    for record_id, digest in expected.items():
        if stored.get(record_id) != digest:
            failures.append(f"record {record_id} lost or changed after the disk was full")
    failures += database_problems(path)
    return failures


def _holder(db: str) -> int:
    """Hold the database's write lock (BEGIN IMMEDIATE) until stdin closes or says STOP."""
    connection = sqlite3.connect(db, isolation_level=None, timeout=1)
    connection.execute("BEGIN IMMEDIATE")
    print("LOCKED", flush=True)
    sys.stdin.readline()
    connection.execute("ROLLBACK")
    connection.close()
    return 0


def _busy_saver(db: str, subjid: str, busy_ms: str) -> int:
    """Try one save while another process holds the lock; print the outcome as JSON."""
    from msct_crf.errors import DatabaseError
    from msct_crf.storage.db.engine import make_engine, sqlite_url
    from msct_crf.storage.store import Store
    from msct_crf.workflow import records

    store = Store(make_engine(sqlite_url(db), busy_timeout_ms=int(busy_ms)))
    values = visit_values(random.Random(7))
    try:
        result = records.save_form(
            store, user=USER, form="VIS", subject=subjid, values=values, confirm_warnings=True
        )
        outcome = {"raised": False, "saved": result.saved, "message": result.message}
    except DatabaseError as exc:
        outcome = {"raised": True, "saved": False, "message": str(exc)}
    store.close()
    print(json.dumps(outcome), flush=True)
    try:  # opening runs the migrations in a write transaction: busy too, after 5 s
        Store.open_path(db, create=False).close()
        opened = {"raised": False, "message": ""}
    except DatabaseError as exc:
        opened = {"raised": True, "message": str(exc)}
    print(json.dumps(opened), flush=True)
    return 0


def _open_read_only_file(db: str) -> int:
    """Open a file the process may not write (run as a normal user): print the message."""
    from msct_crf.errors import DatabaseError
    from msct_crf.storage.store import Store

    try:
        Store.open_path(db, create=False).close()
        print(json.dumps({"raised": False, "message": ""}), flush=True)
    except DatabaseError as exc:
        print(json.dumps({"raised": True, "message": str(exc)}), flush=True)
    return 0


ROLES = {
    "readonly": _open_read_only_file,
    "zygote": _zygote,
    "diskfull": _diskfull,
    "holder": _holder,
    "busy_saver": _busy_saver,
}


def main(argv: Sequence[str]) -> int:
    return int(ROLES[argv[0]](*argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# --------------------------------------------------------------------------- corruption

CORRUPTIONS = ("header", "page", "truncate")


def build_reference_study(path: Path, visits: int = 40) -> str:
    """A closed, checkpointed study with some visits (several pages in several tables)."""
    from msct_crf.storage.store import Store
    from msct_crf.workflow import records

    subjid = new_study(path)
    store = Store.open_path(path, create=False)
    try:
        rng = random.Random(1)
        for _ in range(visits):
            result = records.save_form(
                store,
                user=USER,
                form="VIS",
                subject=subjid,
                values=visit_values(rng),
                confirm_warnings=True,
            )
            assert result.saved, result
    finally:
        store.close()
    assert not companion_files(path), "the reference study was not checkpointed"
    return subjid


def corrupt_copy(reference: Path, target: Path, kind: str, rng: random.Random) -> str:
    """Copy `reference` to `target` and damage it; return a description of the damage.

    header: the 100-byte file header overwritten with random bytes; page: one whole page
    (not the header page) overwritten with random bytes; truncate: the file cut at a
    random offset (at least one byte kept: an empty file is a new database by design)."""
    data = bytearray(reference.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if kind == "header":
        data[0:100] = rng.randbytes(100)
        what = "header overwritten"
    elif kind == "page":
        pages = len(data) // page_size
        page = rng.randrange(2, pages + 1)  # 1-based page number
        start = (page - 1) * page_size
        data[start : start + page_size] = rng.randbytes(page_size)
        what = f"page {page} of {pages} overwritten"
    elif kind == "truncate":
        cut = rng.randrange(1, len(data))
        del data[cut:]
        what = f"truncated at byte {cut} of {len(reference.read_bytes())}"
    else:
        raise ValueError(kind)
    target.write_bytes(bytes(data))
    return what


@dataclass
class CorruptionReport:
    copies: int = 0
    detected: int = 0
    undetected: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # files changed by the attempt to open
    unclear: list[str] = field(default_factory=list)  # messages that do not say "damaged"
    offered_backup: int = 0


def run_corruptions(folder: Path, copies: int, seed: int) -> CorruptionReport:
    """Open `copies` damaged copies of one study with Store.open: each must be refused with
    a DatabaseError, name the newest good backup, and leave the file byte-for-byte as it was."""
    from msct_crf.errors import DatabaseError
    from msct_crf.storage.store import Store
    from msct_crf.workflow import backup

    rng = random.Random(seed)
    reference = folder / "reference.db"
    build_reference_study(reference)
    report = CorruptionReport()
    good = folder / "good" / "study.db"
    good.parent.mkdir()
    shutil.copyfile(reference, good)
    backup.backup_database(good, user=USER)  # backups/study-<time>.db beside it
    for n in range(copies):
        kind = CORRUPTIONS[n % len(CORRUPTIONS)]
        target = folder / f"copy{n}" / "study.db"
        shutil.copytree(good.parent / "backups", target.parent / "backups")
        what = corrupt_copy(reference, target, kind, rng)
        before = target.read_bytes()
        report.copies += 1
        try:
            store = Store.open_path(target, create=False)
        except DatabaseError as exc:
            report.detected += 1
            message = str(exc)
            if "damaged" not in message and "not an MSC-CRF database" not in message:
                report.unclear.append(f"{what}: {message}")
            if exc.backup is not None and exc.backup.exists():
                report.offered_backup += 1
        else:
            store.close()
            report.undetected.append(what)
        wal = Path(f"{target}-wal")
        if target.read_bytes() != before or (wal.exists() and wal.stat().st_size > 0):
            report.written.append(what)
    return report


# --------------------------------------------------------------------------- bad inputs
#
# What "bad" means, per field type, decided here independently of msct_crf.study.validation.
# Every string is first stripped and normalised: free text (TEXT) to NFC only, so it is
# stored as typed; every other type with NFKC (full-width digits from a Chinese IME are
# digits). A blank is "no value", never bad.
#   TEXT         bad: a control character (Unicode Cc except tab, newline and carriage return;
#                U+2028/U+2029), or longer than the field's max_length. Anything else is
#                legitimately valid text - SQL-like or formula-like text included - and must
#                be stored exactly as typed (after NFC and stripping).
#   INTEGER      bad: not an ASCII decimal number ([+-]digits[.digits][e[+-]digits]), NaN or
#                infinite, magnitude over 1e12, not whole, or (at save) outside the hard range.
#   FLOAT        as INTEGER, whole not required.
#   DATE         bad: not YYYY-MM-DD in ASCII digits, not a real calendar date, or outside
#                1900-01-01..2100-12-31.
#   PARTIAL_DATE bad: not YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits, not real, or a year
#                outside 1900..2100.
#   DATETIME     bad: not YYYY-MM-DD HH:MM (T allowed, optional :SS[.ffffff]) in ASCII
#                digits, not real, with a time zone, or outside the date range.
#   CODE         bad: not exactly one of the code list's codes.
# Python objects (NaN, inf, 10**400, Decimal('NaN'), True) are also given to number fields.

HOSTILE_STRINGS = [
    "",
    "   ",
    "NaN",
    "nan",
    "-inf",
    "+Infinity",
    "1e308",
    "1e309",
    "-1e309",
    "9" * 400,
    "1e-400",
    "0x1A",
    "1_000",
    "1,5",
    "\u0661\u0662\u0663",  # Arabic-Indic digits
    "\uff11\uff12\uff13",  # full-width digits
    "12\x00",
    "\x1b[31m12",
    "\u202e12",
    "12\u200b",
    "1\n2",
    "'; DROP TABLE subject; --",
    "1; DELETE FROM audit_log",
    "1 OR 1=1",
    "=1+1",
    '=HYPERLINK("http://example.invalid","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3",
    "x" * 10_000,
    "\u4e2d" * 10_000,
    "2024-02-30",
    "2023-02-29",
    "2024-02-29",
    "2023-13-01",
    "2023-00-10",
    "0000-01-01",
    "9999-12-31",
    "1899-12-31",
    "2101-01-01",
    "2024-1-1",
    "2024/01/01",
    "20240101",
    "2024-W01-1",
    "2024-01-01T25:00",
    "2024-01-01 10:00+08:00",
    "2024-01-01 10:60",
    "2024-01-01 10:00:00.1234567",
    "2024-01-01 10:00",
    "2024-01-01T10:00:59",
    "Y",
    "y",
    "N ",
    " F",
    "NULL",
    "None",
    "True",
    "-0",
    "+5",
    ".5",
    "5.",
    "1e2",
    "12.0",
    "12.5",
    "-12",
    "\U0001f600",
    "e\u0301",
]

_ALPHABET = (
    "0123456789" * 4
    + ".-+eE :T/_,"
    + "abcxyzNnIiFfYy"
    + "\uff10\uff15\u0661\u0969\u4e2d\u6587\u00e9\U0001f600\u0301"
    + "\x00\x07\x1b\x7f\x85\u2028\u200b\u202e\ufeff\t\n"
    + "'\";=@|%\\"
)


def _random_number_text(rng: random.Random) -> str:
    magnitude = 10 ** rng.randint(-8, 16)
    value = rng.uniform(-1, 1) * magnitude
    form = rng.randrange(6)
    if form == 0:
        return repr(value)
    if form == 1:
        return f"{value:.{rng.randint(0, 6)}f}"
    if form == 2:
        return f"{value:e}"
    if form == 3:
        return str(int(value))
    if form == 4:
        return f"{rng.randint(0, 400)}"
    return f"{rng.choice(['', '+', '-', ' '])}{rng.randint(0, 999)}.{rng.randint(0, 99)}"


def _random_date_text(rng: random.Random) -> str:
    year = rng.choice([rng.randint(1890, 2110)] * 3 + [rng.randint(0, 9999)])
    month = rng.choice([rng.randint(1, 12)] * 3 + [rng.randint(0, 99)])
    day = rng.choice([rng.randint(1, 28)] * 3 + [rng.randint(0, 40)])
    sep = rng.choice(["-"] * 6 + ["/", ".", ""])
    parts = [f"{year:04d}", f"{month:02d}", f"{day:02d}"][: rng.choice([1, 2, 3, 3, 3, 3])]
    text = sep.join(parts)
    if rng.random() < 0.4:
        text += rng.choice(["T", " "]) + f"{rng.randint(0, 30):02d}:{rng.randint(0, 70):02d}"
        if rng.random() < 0.3:
            text += f":{rng.randint(0, 70):02d}"
        if rng.random() < 0.15:
            text += rng.choice(["Z", "+08:00", ".5", ".1234567"])
    return text


def _random_junk(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(_ALPHABET) * rng.randint(100, 10_000)
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 24)))


def hostile_inputs(field_def: Any, count: int, rng: random.Random) -> list[object]:
    """`count` inputs for one field: the hand-written hostile strings first, then random ones
    shaped like the field's type (numbers, dates, codes) and random junk."""
    from msct_crf.study.dictionary import FieldType

    out: list[object] = list(HOSTILE_STRINGS)
    if field_def.codelist is not None:
        out += list(field_def.codelist.codes)
    if field_def.type in (FieldType.INTEGER, FieldType.FLOAT):
        from decimal import Decimal

        out += [
            math.nan,
            math.inf,
            -math.inf,
            10**400,
            1e308,
            True,
            Decimal("NaN"),
            Decimal("1e500"),
            7,
            7.5,
        ]
    while len(out) < count:
        pick = rng.random()
        if pick < 0.35:
            text = _random_number_text(rng)
        elif pick < 0.65:
            text = _random_date_text(rng)
        elif pick < 0.75 and field_def.codelist is not None:
            code = rng.choice(field_def.codelist.codes)
            text = rng.choice([code, code.lower(), f" {code} ", code + rng.choice(_ALPHABET)])
        else:
            text = _random_junk(rng)
        if rng.random() < 0.1:
            text = rng.choice([" ", "\t", "\u3000", "\n"]) + text + rng.choice(["", " ", "\u00a0"])
        out.append(text)
    return out[:count] if count >= len(HOSTILE_STRINGS) else out[:count]


_NUM = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_PART = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_DT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?", re.ASCII)
_ALLOWED_CC = {"\t", "\n", "\r"}


def expected_parse(field_def: Any, raw: object) -> tuple[bool, object]:
    """(good, value) for `raw` typed into `field_def`, by the rules above (format only; the
    hard range is checked by `in_hard_range`)."""
    import unicodedata
    from numbers import Real

    from msct_crf.study.dictionary import FieldType

    kind = field_def.type
    if not isinstance(raw, str):
        if kind not in (FieldType.INTEGER, FieldType.FLOAT) or isinstance(raw, bool):
            return False, None
        if not isinstance(raw, Real) and type(raw).__name__ != "Decimal":
            return False, None
        try:
            number = float(raw)  # type: ignore[arg-type]
        except (OverflowError, ValueError):
            return False, None
        if not math.isfinite(number) or abs(number) > 1e12:
            return False, None
        if kind is FieldType.INTEGER:
            return (number == int(number)), int(number) if number == int(number) else None
        return True, number
    form = "NFC" if kind is FieldType.TEXT else "NFKC"
    text = unicodedata.normalize(form, raw).strip()
    if text == "":
        return True, None
    if any(
        (unicodedata.category(c) == "Cc" and c not in _ALLOWED_CC) or c in "\u2028\u2029"
        for c in text
    ):
        return False, None
    if kind is FieldType.TEXT:
        return (len(text) <= field_def.max_length), text
    if kind is FieldType.CODE:
        return (text in field_def.codelist.codes), text
    if kind in (FieldType.INTEGER, FieldType.FLOAT):
        if not _NUM.fullmatch(text):
            return False, None
        number = float(text)
        if not math.isfinite(number) or abs(number) > 1e12:
            return False, None
        if kind is FieldType.INTEGER:
            return (number == int(number)), int(number) if number == int(number) else None
        return True, number
    if kind is FieldType.DATE:
        match = _YMD.fullmatch(text)
        if not match:
            return False, None
        try:
            value = dt.date(*map(int, match.groups()))
        except ValueError:
            return False, None
        return (dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31)), value
    if kind is FieldType.PARTIAL_DATE:
        match = _PART.fullmatch(text)
        if not match:
            return False, None
        year, month, day = match.groups()
        try:
            dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            return False, None
        return (1900 <= int(year) <= 2100), text
    if kind is FieldType.DATETIME:
        match = _DT.fullmatch(text)
        if not match:
            return False, None
        try:
            day = dt.date.fromisoformat(match.group(1))
            moment = dt.datetime.combine(
                day, dt.time(int(match.group(2)), int(match.group(3)), int(match.group(4) or 0))
            )
        except ValueError:
            return False, None
        return (dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31)), moment
    raise AssertionError(kind)


def in_hard_range(field_def: Any, value: object) -> bool:
    hard = field_def.hard
    if hard is None or value is None:
        return True
    assert isinstance(value, int | float)
    if hard.low is not None and (
        value < hard.low or (field_def.exclusive_low and value <= hard.low)
    ):
        return False
    return not (hard.high is not None and value > hard.high)


@dataclass
class BadInputReport:
    parsed: dict[str, int] = field(default_factory=dict)  # per field type
    saved_calls: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    accepted: int = 0
    crashes: list[str] = field(default_factory=list)
    silently_accepted: list[str] = field(default_factory=list)
    wrongly_refused: list[str] = field(default_factory=list)
    stored_wrong: list[str] = field(default_factory=list)


def check_parse_value(per_type: int, seed: int, report: BadInputReport) -> None:
    """`per_type` inputs per field type through parse_value, spread over every field of it."""
    from msct_crf.study.dictionary import FORMS, FieldType
    from msct_crf.study.validation import parse_value

    rng = random.Random(seed)
    for kind in FieldType:
        fields = [f for form in FORMS.values() for f in form.fields if f.type is kind]
        inputs = [
            (fields[i % len(fields)], raw)
            for i, raw in enumerate(hostile_inputs(fields[0], per_type, rng))
        ]
        for field_def, raw in inputs:
            report.parsed[kind.name] = report.parsed.get(kind.name, 0) + 1
            label = f"{field_def.code} {raw!r:.60}"
            try:
                result = parse_value(field_def, raw)
            except Exception as exc:  # a crash is exactly what this test looks for
                report.crashes.append(f"parse {label}: {type(exc).__name__}: {exc}")
                continue
            good, value = expected_parse(field_def, raw)
            if not good and result.finding is None:
                report.silently_accepted.append(f"parse {label} -> {result.value!r:.60}")
            elif good and result.finding is not None:
                report.wrongly_refused.append(f"parse {label}: {result.finding.message}")
            elif good and result.value != value:
                report.stored_wrong.append(f"parse {label}: {result.value!r:.60} != {value!r:.60}")
            if result.finding is not None and result.finding.field != field_def.code:
                report.crashes.append(f"parse {label}: finding names {result.finding.field}")


#: (form, field, base values) used for the save_form leg; one field per type at least.
SAVE_TARGETS: list[tuple[str, str]] = [
    ("CM", "CMTRT"),
    ("CM", "CMDOSU"),
    ("VS", "PULSE"),
    ("VS", "SPO2"),
    ("VIS", "ALT"),
    ("VIS", "INR"),
    ("VIS", "VISDTC"),
    ("CM", "CMSTDTC"),
    ("AE", "AESTDTC"),
    ("VIS", "ASCITES"),
    ("AE", "AEREL"),
]

BASE_VALUES: dict[str, dict[str, str]] = {
    "CM": {"CMTRT": "Ursodeoxycholic acid", "CMCAT": "UDCA"},
    "VS": {"VSTPT": "PRE", "PULSE": "80"},
    "VIS": {"VISIT": "UNSCHED", "VISDTC": "2024-06-01", "ALT": "40"},
    "AE": {
        "AETERM": "Fever",
        "AESTDTC": "2024-03-01 10:00",
        "AETOXGR": "1",
        "AESER": "N",
        "AEREL": "NOT",
    },
}


def check_save_form(path: Path, per_type: int, seed: int, report: BadInputReport) -> None:
    """Inputs through records.save_form on a real database: a bad input is refused with a
    finding on its field; a saved one is stored exactly as expected; nothing raises."""
    from msct_crf.storage.store import Store
    from msct_crf.study.dictionary import field as get_field
    from msct_crf.workflow import records

    subjid = new_study(path)
    store = Store.open_path(path, create=False)
    timepoints = list(get_field("VS", "VSTPT").codelist.codes)  # type: ignore[union-attr]
    slots: list[tuple[int, str]] = []  # free (infusion id, timepoint) pairs

    def _free_slot() -> tuple[int, str]:
        if not slots:
            n = report.saved_calls.get("infusions", 0) + 1
            report.saved_calls["infusions"] = n
            day = dt.date(2024, 2, 1) + dt.timedelta(days=n)
            infusion = records.save_form(
                store,
                user=USER,
                form="EX",
                subject=subjid,
                values={"EXSTDTC": f"{day} 09:00", "EXSRC": "UC-MSC", "EXLOT": f"LOT-{n}"},
                confirm_warnings=True,
            )
            assert infusion.saved and infusion.record_id is not None, infusion
            slots.extend((infusion.record_id, tp) for tp in timepoints)
        return slots[0]

    try:
        rng = random.Random(seed)
        by_type: dict[str, list[tuple[str, str]]] = {}
        for form_code, code in SAVE_TARGETS:
            by_type.setdefault(get_field(form_code, code).type.name, []).append((form_code, code))
        for kind, targets in by_type.items():
            pool = hostile_inputs(get_field(*targets[0]), max(per_type, 1000), rng)
            chosen = pool if per_type >= len(pool) else rng.sample(pool, per_type)
            for i, raw in enumerate(chosen):
                form_code, code = targets[i % len(targets)]
                field_def = get_field(form_code, code)
                report.saved_calls[kind] = report.saved_calls.get(kind, 0) + 1
                values: dict[str, object] = {**BASE_VALUES[form_code], code: raw}
                parent_id = None
                if form_code == "VS":
                    parent_id, values["VSTPT"] = _free_slot()
                label = f"save {form_code}.{code} {raw!r:.60}"
                try:
                    result = records.save_form(
                        store,
                        user=USER,
                        form=form_code,
                        subject=subjid,
                        parent_id=parent_id,
                        values=values,
                        confirm_warnings=True,
                    )
                    if result.saved and form_code == "VS":
                        slots.pop(0)
                except Exception as exc:
                    report.crashes.append(f"{label}: {type(exc).__name__}: {exc}")
                    continue
                good, value = expected_parse(field_def, raw)
                good = good and in_hard_range(field_def, value)
                if result.saved:
                    report.accepted += 1
                    if not good:
                        report.silently_accepted.append(label)
                        continue
                    assert result.record_id is not None
                    stored = records.get_record(store, form_code, result.record_id)
                    have = stored.values.get(code) if stored else "<missing>"
                    if have != value:
                        report.stored_wrong.append(f"{label}: stored {have!r:.60} != {value!r:.60}")
                else:
                    report.refused += 1
                    if not result.errors:
                        report.silently_accepted.append(f"{label}: refused without a finding")
                    elif not good and not any(f.field == code for f in result.errors):
                        report.silently_accepted.append(f"{label}: finding does not name {code}")
    finally:
        store.close()
