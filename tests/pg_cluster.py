"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free
loopback port, no durability (fsync, full_page_writes and synchronous_commit off: the data
die with the run anyway), stopped and removed at the end.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` system
user (created by the distribution's package; ``.ci/run`` installs it) and every server
command runs through ``runuser``. Trust authentication on 127.0.0.1 only, so the URL
carries no password.

``tests/conftest.py`` starts one per run (``pg_server``) unless ``MSCT_CRF_TEST_PG_URL``
names a server already running; each test gets a fresh database (``pg_url``, or
``pg_store`` from a migrated template). Also usable from a shell::

    uv run python tests/pg_cluster.py   # starts one, prints its URL, stops it on Enter
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

#: The cluster's superuser (trust authentication, loopback only).
SUPERUSER = "msct"
#: The system user the cluster runs as when the tests run as root.
SYSTEM_USER = "postgres"
_DISTRIBUTION_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class ClusterUnavailable(RuntimeError):
    """PostgreSQL is not installed here, or the cluster would not start (the reason)."""


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in _DISTRIBUTION_BINS:
        if (folder / name).exists():
            return str(folder / name)
    raise ClusterUnavailable(
        f"{name} not found: install PostgreSQL (apt-get install -y postgresql) or set "
        "MSCT_CRF_TEST_PG_URL to a server's URL"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser") is None:
        raise ClusterUnavailable("running as root without runuser: cannot start PostgreSQL")
    return ["runuser", "-u", SYSTEM_USER, "--", *command]


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClusterUnavailable(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip().splitlines()
        raise ClusterUnavailable(f"{what} failed: {output[-1] if output else done.returncode}")


@dataclass
class Cluster:
    """A running cluster: its folder, port and the URL of its ``postgres`` database."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        with contextlib.suppress(ClusterUnavailable):
            _run(
                _as_owner([_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                "pg_ctl stop",
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """initdb + pg_ctl start on a free loopback port; raises ClusterUnavailable with why."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="msct-crf-pg-"))
    if os.geteuid() == 0:
        try:
            shutil.chown(folder, SYSTEM_USER, SYSTEM_USER)
        except (LookupError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            why = f"no {SYSTEM_USER} system user to run PostgreSQL: {exc}"
            raise ClusterUnavailable(why) from exc
    cluster = Cluster(folder, _free_port())
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={cluster.port} "
        f"-c unix_socket_directories={folder} -c fsync=off -c full_page_writes=off "
        "-c synchronous_commit=off -c max_connections=120"
    )
    try:
        _run(
            _as_owner(
                [initdb, "-D", str(cluster.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8"]
                + ["--no-locale", "--no-sync"]
            ),
            "initdb",
        )
        log = folder / "server.log"
        _run(
            _as_owner([pg_ctl, "-D", str(cluster.data), "-l", str(log), "-o", options, "-w"])
            + ["start"],
            "pg_ctl start",
        )
    except BaseException:
        cluster.stop()
        raise
    return cluster


def fresh_database_name() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


if __name__ == "__main__":
    running = start()
    print(running.url(), flush=True)
    try:
        input("PostgreSQL is running; press Enter to stop it. ")
    finally:
        running.stop()
