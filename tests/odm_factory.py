"""The ODM tests' studies (tests/reporting/odm, tests/tools): the demo with accounts (signatures,
locks, unlocks with reasons), built once per run and odm_files once as a Snapshot and once as a
Transactional file. Imported by name (``from odm_factory import odm_files``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from msct_crf import access
from msct_crf.reporting.odm import OdmReport, export_odm
from msct_crf.storage.store import Store
from msct_crf.tools.demo import create_demo
from msct_crf.tools.demo_lifecycle import DEMO_PASSWORD

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}


@dataclass(frozen=True)
class Exported:
    db: Path
    snapshot: Path
    history: Path
    reports: tuple[OdmReport, OdmReport]

    def tree(self, history: bool = False) -> etree._ElementTree:
        return etree.parse(str(self.history if history else self.snapshot))


@pytest.fixture(scope="session")
def demo_accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("odm_demo") / "demo.db"
    create_demo(path, with_accounts=True)
    return path


@pytest.fixture(scope="session")
def odm_files(demo_accounts_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The demo odm_files by the PI: Snapshot, then Transactional (on a copy of the file)."""
    folder = tmp_path_factory.mktemp("odm_files")
    db = folder / "demo.db"
    shutil.copyfile(demo_accounts_template, db)
    with Store.open_path(db, create=False) as store:
        pi = access.login(store, "dr.li", DEMO_PASSWORD)
        snapshot = export_odm(store, folder / "snapshot.xml", user="", actor=pi)
        history = export_odm(store, folder / "history.xml", user="", actor=pi, history=True)
        access.logout(store, pi)
    return Exported(db, folder / "snapshot.xml", folder / "history.xml", (snapshot, history))


@pytest.fixture
def demo_copy(demo_accounts_template: Path, tmp_path: Path) -> Iterator[Store]:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_accounts_template, db)
    with Store.open_path(db, create=False) as store:
        yield store
