"""ClinicalData: every ItemData's AuditRecord is the audit row that set it, the
Transactional file replays to the Snapshot, changes keep their reason and earlier value,
missing-data codes and signatures are where the README says."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree
from odm_factory import NS, Exported
from trust_factory import PI_PW

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.reporting.odm import export_odm, odm_errors, oids
from msct_crf.reporting.odm.values import value_text
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import find_field
from msct_crf.workflow import records

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"


def _audit_rows(db: Path) -> dict[int, tuple[Any, ...]]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            'SELECT id, ts_utc, "user", action, table_name, record_id, subject_id, field, '
            "new_value, reason FROM audit_log"
        ).fetchall()
    connection.close()
    return {row[0]: row for row in rows}


def _record_of(item: etree._Element) -> tuple[str, str | None, str]:
    """(subject ID, the record's repeat key if any, the form) of an ItemData."""
    group = item.getparent()
    form = group.getparent()
    subject = form.getparent().getparent()
    key = group.get("ItemGroupRepeatKey") or form.get("FormRepeatKey")
    code = group.get("ItemGroupOID", "").removeprefix("IG.")
    return subject.get("SubjectKey", ""), key, code


def test_each_audit_record_is_the_audit_row_that_set_the_value(odm_files: Exported) -> None:
    rows = _audit_rows(odm_files.db)
    items = list(odm_files.tree().getroot().iter(f"{ODM}ItemData"))
    with_source = 0
    for item in items:
        record = item.find("odm:AuditRecord", NS)
        assert record is not None
        source = record.findtext("odm:SourceID", namespaces=NS)
        if source is None:
            continue  # a value no audit row names (the subject ID), dated by the record's save
        with_source += 1
        row = rows[int(source.removeprefix("audit row "))]
        _id, ts, user, action, _table, record_id, subjid, field, new, reason = row
        code = item.get("ItemOID", "").removeprefix("IT.")
        assert record.find("odm:UserRef", NS).get("UserOID") == oids.user(user)
        assert record.findtext("odm:DateTimeStamp", namespaces=NS) == ts
        assert record.findtext("odm:ReasonForChange", namespaces=NS) == reason
        assert action in ("insert", "update") and field in (code, f"{code}.missing")
        subject, key, _form = _record_of(item)
        assert subjid == subject and (key is None or key == record_id)
        if field == code:
            assert item.get("Value") == value_text(find_field(code)[1], new)
        else:
            assert item.get("IsNull") == "Yes"
            assert item.findtext(".//odm:FlagValue", namespaces=NS) == new
    assert with_source > 0.95 * len(items)


def _replay(tree: etree._ElementTree) -> dict[tuple[str | None, ...], str]:
    """The values a Transactional file leaves when its transactions are applied in order."""
    state: dict[tuple[str | None, ...], str] = {}
    for subject in tree.getroot().iter(f"{ODM}SubjectData"):
        for event in subject.findall("odm:StudyEventData", NS):
            for form in event.findall("odm:FormData", NS):
                form_key = (subject.get("SubjectKey"), event.get("StudyEventOID"),
                            event.get("StudyEventRepeatKey"), form.get("FormOID"),
                            form.get("FormRepeatKey"))  # fmt: skip
                if form.get("TransactionType") == "Remove":
                    state = {k: v for k, v in state.items() if k[:5] != form_key}
                for group in form.findall("odm:ItemGroupData", NS):
                    group_key = (
                        *form_key,
                        group.get("ItemGroupOID"),
                        group.get("ItemGroupRepeatKey"),
                    )
                    if group.get("TransactionType") == "Remove":
                        state = {k: v for k, v in state.items() if k[:7] != group_key}
                    for item in group.findall("odm:ItemData", NS):
                        key = (*group_key, item.get("ItemOID"))
                        if item.get("TransactionType") == "Remove":
                            state.pop(key, None)
                        else:
                            flag = item.findtext(".//odm:FlagValue", namespaces=NS)
                            state[key] = item.get("Value") or f"null:{flag}"
    return state


def _snapshot_state(tree: etree._ElementTree) -> dict[tuple[str | None, ...], str]:
    empty = etree.ElementTree(etree.fromstring(etree.tostring(tree)))
    for subject in empty.getroot().iter(f"{ODM}SubjectData"):
        for element in subject.iter(f"{ODM}*"):
            if element.tag in (f"{ODM}FormData", f"{ODM}ItemGroupData", f"{ODM}ItemData"):
                element.set("TransactionType", "Insert")
    state = _replay(empty)
    return {k: v for k, v in state.items() if k[-1] != "IT.SUBJID"}


def test_the_transactional_file_replays_to_the_snapshot(odm_files: Exported) -> None:
    history = _replay(odm_files.tree(history=True))
    snapshot = _snapshot_state(odm_files.tree())
    assert len(snapshot) > 8000
    assert history == snapshot


def test_every_element_of_a_transaction_says_what_it_does(odm_files: Exported) -> None:
    root = odm_files.tree(history=True).getroot()
    for name in ("SubjectData", "StudyEventData", "FormData", "ItemGroupData", "ItemData"):
        assert all(e.get("TransactionType") for e in root.iter(f"{ODM}{name}")), name


def test_the_snapshot_signatures_are_the_signatures_in_force(odm_files: Exported) -> None:
    with sqlite3.connect(f"{odm_files.db.resolve().as_uri()}?mode=ro", uri=True) as connection:
        in_force = dict(
            connection.execute(
                "SELECT id, signer FROM signature WHERE voided_at IS NULL"
            ).fetchall()
        )
        voided = connection.execute(
            "SELECT count(*) FROM signature WHERE voided_at IS NOT NULL"
        ).fetchone()[0]
    connection.close()
    signatures = list(odm_files.tree().getroot().iter(f"{ODM}Signature"))
    assert voided > 0 and len(signatures) == len(in_force)
    for signature in signatures:
        number = int(signature.get("ID", "").removeprefix("SIG."))
        user = signature.find("odm:UserRef", NS).get("UserOID")
        assert user == oids.user(in_force[number])
        assert signature.find("odm:SignatureRef", NS).get("SignatureOID", "").startswith("SD.")
        assert signature.findtext("odm:DateTimeStamp", namespaces=NS, default="").endswith("Z")


@pytest.fixture
def changed(store: Store, visit: SimpleNamespace) -> SimpleNamespace:
    """The nurse's baseline visit, then an ALT corrected with a reason, IgG not done, and a
    medical history entry entered and deleted."""
    nurse = visit.nurse
    fixed = records.save_form(
        store, user="", actor=nurse, form="VIS", subject=visit.subject, record_id=visit.id,
        values={"ALT": "54"}, missing={"IGG": "ND"}, reason="Transcription error",
        confirm_warnings=True,
    )  # fmt: skip
    assert fixed.saved, fixed.message
    history = records.save_form(
        store, user="", actor=nurse, form="MH", subject=visit.subject, values={"MHTERM": "Asthma"}
    )
    assert history.saved and history.record_id is not None
    gone = records.delete_record(
        store, user="", actor=nurse, form="MH", record_id=history.record_id, reason="Wrong patient"
    )
    assert gone.outcome is records.SaveOutcome.DELETED, gone.message
    taken_back = records.save_form(
        store, user="", actor=nurse, form="VIS", subject=visit.subject, record_id=visit.id,
        values={}, missing={"IGG": "ND", "GGT": "UNK"}, reason="GGT was not asked",
        confirm_warnings=True,
    )  # fmt: skip
    assert taken_back.saved, taken_back.message
    cleared = records.save_form(
        store, user="", actor=nurse, form="VIS", subject=visit.subject, record_id=visit.id,
        values={}, missing={"GGT": ""}, reason="GGT code entered by mistake",
        confirm_warnings=True,
    )  # fmt: skip
    assert cleared.saved, cleared.message
    visit.mh = history.record_id
    return visit


def _items(tree: etree._ElementTree, oid: str) -> list[etree._Element]:
    return [i for i in tree.getroot().iter(f"{ODM}ItemData") if i.get("ItemOID") == oid]


def test_a_change_keeps_its_reason_and_its_earlier_value(
    store: Store, changed: SimpleNamespace, tmp_path: Path
) -> None:
    snapshot = export_odm(store, tmp_path / "s.xml", user="", actor=changed.pi)
    history = export_odm(store, tmp_path / "h.xml", user="", actor=changed.pi, history=True)
    assert odm_errors(snapshot.path) == [] and odm_errors(history.path) == []
    now = etree.parse(str(snapshot.path))
    (alt,) = _items(now, "IT.ALT")
    assert alt.get("Value") == "54"
    assert alt.findtext(".//odm:ReasonForChange", namespaces=NS) == "Transcription error"
    assert alt.find(".//odm:UserRef", NS).get("UserOID") == "USR.nurse1"
    (igg,) = _items(now, "IT.IGG")
    assert igg.get("IsNull") == "Yes" and igg.get("Value") is None
    assert igg.find(".//odm:FlagValue", NS).get("CodeListOID") == "CL.MISSING"
    assert igg.findtext(".//odm:FlagValue", namespaces=NS) == "ND"
    assert not _items(now, "IT.MHTERM")  # deleted
    past = etree.parse(str(history.path))
    assert [(i.get("TransactionType"), i.get("Value")) for i in _items(past, "IT.ALT")] == [
        ("Insert", "45"),
        ("Update", "54"),
    ]
    removed = [
        f for f in past.getroot().iter(f"{ODM}FormData") if f.get("TransactionType") == "Remove"
    ]
    assert [(f.get("FormOID"), f.get("FormRepeatKey")) for f in removed] == [
        ("FM.MH", str(changed.mh))
    ]
    assert removed[0].findtext(".//odm:ReasonForChange", namespaces=NS) == "Wrong patient"
    assert len(_items(past, "IT.MHTERM")) == 1
    ggt = [(i.get("TransactionType"), i.get("IsNull")) for i in _items(past, "IT.GGT")]
    assert ggt == [("Upsert", "Yes"), ("Remove", None)] and not _items(now, "IT.GGT")
    assert _replay(past) == _snapshot_state(now)


def test_the_same_database_and_clock_give_the_same_bytes(
    store: Store, changed: SimpleNamespace, tmp_path: Path
) -> None:
    assert store.path is not None
    moment = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    files = []
    for n in range(2):
        copy = tmp_path / f"{n}.db"
        source, target = sqlite3.connect(store.path), sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        with Store.open_path(copy, create=False) as other, use_clock(lambda: moment):
            pi = access.login(other, "liwei", PI_PW)
            report = export_odm(other, tmp_path / f"{n}.xml", user="", actor=pi)
        files.append(report.path.read_bytes())
    assert files[0] == files[1]
    assert b"USR.nurse1" in files[0] and b"Transcription error" in files[0]
