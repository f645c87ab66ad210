"""export_odm: who may, what is left behind when it stops, the identifying fields."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from msct_crf import access
from msct_crf.errors import PermissionDenied
from msct_crf.reporting.export import ExportCancelled, ExportError, ExportOptions
from msct_crf.reporting.odm import export_odm
from msct_crf.storage.store import Store
from msct_crf.tools.demo_lifecycle import DEMO_PASSWORD


def _exports(store: Store) -> int:
    assert store.path is not None
    with sqlite3.connect(store.path) as connection:
        count = connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'export'"
        ).fetchone()[0]
    connection.close()
    return int(count)


def test_a_nurse_may_not_export_the_audit_records(demo_copy: Store, tmp_path: Path) -> None:
    nurse = access.login(demo_copy, "nurse.wang", DEMO_PASSWORD)
    with pytest.raises(PermissionDenied, match="may not view the audit trail"):
        export_odm(demo_copy, tmp_path / "x.xml", user="", actor=nurse)
    assert list(tmp_path.glob("*.xml*")) == [] and _exports(demo_copy) == 0


def test_identifying_fields_only_for_an_administrator(demo_copy: Store, tmp_path: Path) -> None:
    pi = access.login(demo_copy, "dr.li", DEMO_PASSWORD)
    plain = export_odm(demo_copy, tmp_path / "plain.xml", user="", actor=pi)
    assert b'ItemOID="IT.HOSPNUM"' not in plain.path.read_bytes().split(b"<ClinicalData")[1]
    with pytest.raises(PermissionDenied):
        export_odm(
            demo_copy,
            tmp_path / "x.xml",
            ExportOptions(include_identifying=True),
            user="",
            actor=pi,
        )
    admin = access.login(demo_copy, "admin", DEMO_PASSWORD)
    full = export_odm(
        demo_copy,
        tmp_path / "full.xml",
        ExportOptions(include_identifying=True, sites=("GZH",)),
        user="",
        actor=admin,
    )
    data = full.path.read_bytes().split(b"<ClinicalData")[1]
    assert b'ItemOID="IT.HOSPNUM"' in data and b'SubjectKey="NJG-' not in data
    assert 0 < full.subjects < plain.subjects == 26


def test_cancelled_or_refused_leaves_nothing(demo_copy: Store, tmp_path: Path) -> None:
    pi = access.login(demo_copy, "dr.li", DEMO_PASSWORD)
    calls: list[int] = []
    with pytest.raises(ExportCancelled):
        export_odm(
            demo_copy,
            tmp_path / "c.xml",
            user="",
            actor=pi,
            progress=lambda percent, _message: calls.append(percent),
            cancelled=lambda: len(calls) >= 3,
        )
    with pytest.raises(ExportError, match="must end in .xml"):
        export_odm(demo_copy, tmp_path / "c.odm", user="", actor=pi)
    with pytest.raises(ExportError, match="is the study database itself|must end in .xml"):
        export_odm(demo_copy, demo_copy.path or "", user="", actor=pi)
    assert list(tmp_path.glob("c.*")) == [] and list(tmp_path.glob(".c.*")) == []
    assert _exports(demo_copy) == 0
