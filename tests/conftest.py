"""Shared fixtures. Qt runs headless; every test gets its own database and settings, and a
modal box that no test answers fails the test instead of waiting for a click forever."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from msct_crf.clock import use_clock  # noqa: E402
from msct_crf.storage.store import Store  # noqa: E402

TEMPLATE_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

#: What opens a modal window and waits for a person: the static convenience functions and
#: ``exec``. A test that means to meet one answers it with monkeypatch (or, better, answers
#: the ``ui.common.prompts`` function that asks the question).
_MODAL_CALLS = {
    "QDialog": ("exec",),
    "QMessageBox": ("exec", "question", "warning", "information", "critical", "about"),
    "QInputDialog": ("exec", "getText", "getMultiLineText", "getItem", "getInt", "getDouble"),
    "QFileDialog": (
        "exec",
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
    ),
}


@pytest.fixture(autouse=True)
def _no_modal_waits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Headless, nobody can click a modal box: it would hang the run until CI kills it.
    Make every modal call raise instead. Raised inside a Qt slot, pytest-qt still fails the
    test. Core tests never load Qt, and this fixture does not load it for them."""
    under_ui = request.node.path.is_relative_to(Path(__file__).parent / "ui")
    if not under_ui and "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6 import QtWidgets

    for class_name, methods in _MODAL_CALLS.items():
        cls = getattr(QtWidgets, class_name)
        for method in methods:

            def refuse(*_args: object, _name: str = f"{class_name}.{method}") -> None:
                raise AssertionError(
                    f"{_name} opened a modal window that the test did not answer; "
                    "answer it with monkeypatch"
                )

            monkeypatch.setattr(cls, method, refuse)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "study.db"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database migrated once per run; copying it is ~6x faster than migrating.
    Its one audit row (the study ID) is dated 2000-01-01, before any time a test's clock
    gives, so audit times never go backwards in a copy."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    with use_clock(lambda: TEMPLATE_TIME):
        Store.open_path(path).close()
    return path


@pytest.fixture
def store(db_path: Path, migrated_template: Path) -> Iterator[Store]:
    shutil.copyfile(migrated_template, db_path)
    opened = Store.open_path(db_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study, built once per run; tests that change it must work on a copy."""
    from msct_crf.tools.demo import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = create_demo(path)
    assert summary.startswith(f"Demo study created at {path}: 26 subjects"), summary
    return path


# --------------------------------------------------------------------------- PostgreSQL

#: A server to test on instead of a throwaway cluster of our own (its admin database's URL).
PG_URL_ENV = "MSCT_CRF_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's admin database: ``MSCT_CRF_TEST_PG_URL``, or a
    throwaway cluster started for this run (``tests/pg_cluster.py``). In CI (``CI`` set, as
    ``.ci/run`` does) a server that cannot start fails the tests; elsewhere they are skipped
    with the reason."""
    import pg_cluster

    given = os.environ.get(PG_URL_ENV)
    if given:
        yield given
        return
    try:
        cluster = pg_cluster.start()
    except pg_cluster.ClusterUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run in CI, but the cluster did not start: {exc}")
        pytest.skip(f"no PostgreSQL to test on: {exc}")
    try:
        yield cluster.url()
    finally:
        cluster.stop()


def _pg_admin(server: str, *statements: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _database_url(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def pg_database(server: str, template: str | None = None) -> Iterator[str]:
    """A new database on `server` (a copy of `template` when given), dropped afterwards."""
    import pg_cluster

    name = pg_cluster.fresh_database_name()
    copy = f" TEMPLATE {template}" if template else ""
    _pg_admin(server, f"CREATE DATABASE {name}{copy}")
    try:
        yield _database_url(server, name)
    finally:
        _pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with pg_database(pg_server) as url:
        yield url


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database migrated once per run (dated like ``migrated_template``), to copy."""
    import pg_cluster

    name = f"tmpl_{pg_cluster.fresh_database_name()}"
    _pg_admin(pg_server, f"CREATE DATABASE {name}")
    with use_clock(lambda: TEMPLATE_TIME):
        Store.open(_database_url(pg_server, name)).close()
    try:
        yield name
    finally:
        _pg_admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_store(pg_server: str, pg_template: str) -> Iterator[Store]:
    """A migrated PostgreSQL study database of its own (a copy of the template)."""
    with pg_database(pg_server, pg_template) as url:
        opened = Store.open(url)
        try:
            yield opened
        finally:
            opened.close()
