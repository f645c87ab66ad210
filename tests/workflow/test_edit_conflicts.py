"""Two people editing the same record (two windows on one file, two processes, two nurses on
the clinic's server): the save typed over a state someone has changed since is refused with
an EditConflict naming who changed it and when, and nothing of it is written."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from study_factory import enrol, infuse, visit
from trust_factory import ADMIN_PW, MONITOR_PW, NURSE_PW, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.storage import audit
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, records
from msct_crf.workflow.records import EditConflict, SaveRequest


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path
) -> Iterator[tuple[Store, Store]]:
    """The same study opened twice, as two windows or two clients would."""
    if request.param == "sqlite":
        path = tmp_path / "study.db"
        shutil.copyfile(migrated_template, path)
        first, second = Store.open_path(path), Store.open_path(path)
    else:
        first = request.getfixturevalue("pg_store")
        second = Store.open(first.engine.url.render_as_string(hide_password=False))
    try:
        yield first, second
    finally:
        second.close()
        if request.param == "sqlite":
            first.close()


def _visit_request(record: records.Record, user: str, tbil: str) -> SaveRequest:
    return SaveRequest(
        form="VIS",
        values={"TBIL": tbil},
        user=user,
        subject=record.subject,
        record_id=record.id,
        confirm_warnings=True,
        reason="corrected from the lab printout",
        based_on=record.version,
    )


def _trail(store: Store) -> int:
    with store.reading() as session:
        result = audit.verify(session)
    assert result.ok, result.reason
    return result.rows_checked


@pytest.fixture
def a_visit(two_stores: tuple[Store, Store]) -> records.Record:
    first, _second = two_stores
    subject = enrol(first, initials="CF")
    infuse(first, subject, dt.datetime(2025, 1, 10, 9, 0))
    record_id = visit(first, subject, "M1", dt.date(2025, 2, 10), tbil=30.0)
    record = records.get_record(first, "VIS", record_id)
    assert record is not None and record.version > 0
    return record


def test_the_second_save_over_the_same_state_is_refused(two_stores, a_visit) -> None:
    first, second = two_stores
    seen_by_b = records.get_record(second, "VIS", a_visit.id)  # both open the visit
    assert seen_by_b is not None and seen_by_b.version == a_visit.version
    assert records.save(first, _visit_request(a_visit, "nurse_a", "41.0")).saved
    rows = _trail(first)
    with pytest.raises(EditConflict) as refused:
        records.save(second, _visit_request(seen_by_b, "nurse_b", "52.0"))
    conflict = refused.value
    assert (conflict.form, conflict.record_id) == ("VIS", a_visit.id)
    assert conflict.changed_by == "nurse_a"
    assert conflict.changed_at.endswith("Z") and conflict.subject == a_visit.subject
    assert "changed by nurse_a at" in str(conflict) and "reload" in str(conflict)
    stored = records.get_record(second, "VIS", a_visit.id)
    assert stored is not None and stored.values["TBIL"] == 41.0  # A's save stands
    assert _trail(second) == rows  # nothing of B's was written

    # B reloads, sees A's value and saves over it: now it goes through
    assert records.save(second, _visit_request(stored, "nurse_b", "52.0")).saved
    again = records.get_record(first, "VIS", a_visit.id)
    assert again is not None and again.values["TBIL"] == 52.0 and again.version > stored.version


def test_a_status_change_is_a_change_too(two_stores, a_visit) -> None:
    first, second = two_stores
    access.create_admin(first, "admin", "Ada Admin", ADMIN_PW)
    admin = access.login(first, "admin", ADMIN_PW)
    for name, role, password in (("mon1", "monitor", MONITOR_PW), ("nurse1", "nurse", NURSE_PW)):
        access.add_user(first, admin, username=name, full_name=name, role=role, password=password)
    monitor = access.login(first, "mon1", MONITOR_PW)
    nurse = access.login(second, "nurse1", NURSE_PW)
    assert lifecycle.verify_record(first, monitor, "VIS", a_visit.id) == "verified"
    request = replace(_visit_request(a_visit, "", "52.0"), actor=nurse)
    with pytest.raises(EditConflict, match="changed by mon1"):
        records.save(second, request)


def test_a_deleted_record_is_named_as_deleted(two_stores, a_visit) -> None:
    first, second = two_stores
    deleted = records.delete_record(
        first, user="nurse_a", form="VIS", record_id=a_visit.id, reason="entered twice"
    )
    assert deleted.outcome is records.SaveOutcome.DELETED
    with pytest.raises(EditConflict, match="was deleted by nurse_a") as refused:
        records.save(second, _visit_request(a_visit, "nurse_b", "52.0"))
    assert refused.value.deleted


def test_a_one_per_subject_form_both_opened_blank(two_stores, a_visit) -> None:
    first, second = two_stores
    values = {"DSDECOD": "COMPLETED", "DSSTDTC": "2026-01-09"}
    for store in (first, second):
        assert records.list_records(store, "DS", a_visit.subject) == []  # nobody has one yet
    request = SaveRequest(
        form="DS", values=values, user="nurse_a", subject=a_visit.subject, based_on=0
    )
    assert records.save(first, request).saved
    with pytest.raises(EditConflict, match="changed by nurse_a"):
        records.save(second, replace(request, user="nurse_b"))


def test_without_based_on_there_is_no_check(two_stores, a_visit) -> None:
    """Scripts, the demo and bulk loads pass no version: the last save wins, as before."""
    first, second = two_stores
    assert records.save(first, _visit_request(a_visit, "nurse_a", "41.0")).saved
    plain = replace(_visit_request(a_visit, "script", "43.0"), based_on=None)
    assert records.save(second, plain).saved


def test_versions_of_a_list_match_each_record(two_stores, a_visit) -> None:
    first, _second = two_stores
    listed = records.list_records(first, "VIS", a_visit.subject)
    assert [(r.id, r.version) for r in listed] == [(a_visit.id, a_visit.version)]
    subject = records.get_subject(first, a_visit.subject)
    assert subject is not None and subject.version > 0


_OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from msct_crf.storage.store import Store
    from msct_crf.workflow.records import SaveRequest, save
    with Store.open_path(sys.argv[1]) as store:
        request = SaveRequest(form="VIS", values={"TBIL": "41.0"}, user="nurse_a",
            subject=sys.argv[2], record_id=int(sys.argv[3]), confirm_warnings=True,
            reason="corrected", based_on=int(sys.argv[4]))
        print(save(store, request).outcome.value)
    """
)


def test_two_processes_on_one_file(tmp_path: Path, migrated_template: Path) -> None:
    path = tmp_path / "study.db"
    shutil.copyfile(migrated_template, path)
    with Store.open_path(path) as store:
        subject = enrol(store, initials="TP")
        infuse(store, subject, dt.datetime(2025, 1, 10, 9, 0))
        record = records.get_record(store, "VIS", visit(store, subject, "M1", dt.date(2025, 2, 10)))
        assert record is not None
        args = [str(path), subject, str(record.id), str(record.version)]
        done = subprocess.run(
            [sys.executable, "-c", _OTHER_PROCESS, *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.stdout.strip() == "saved", done.stderr
        with pytest.raises(EditConflict, match="changed by nurse_a"):
            records.save(store, _visit_request(record, "nurse_b", "52.0"))


def test_a_deletion_over_a_changed_record_is_refused(two_stores, a_visit) -> None:
    first, second = two_stores
    assert records.save(first, _visit_request(a_visit, "nurse_a", "41.0")).saved
    with pytest.raises(EditConflict, match="changed by nurse_a"):
        records.delete_record(
            second,
            user="nurse_b",
            form="VIS",
            record_id=a_visit.id,
            reason="entered twice",
            based_on=a_visit.version,
        )
    assert records.get_record(second, "VIS", a_visit.id) is not None  # still there


PRE = {"VSTPT": "PRE", "TEMP": "36.6", "PULSE": "72", "SYSBP": "120", "DIABP": "80"}


def test_vital_signs_changed_meanwhile_refuse_the_infusion_save(two_stores) -> None:
    """The vital signs save with their infusion, each row typed over its own version."""
    first, second = two_stores
    subject = enrol(first, initials="VS")
    infusion = infuse(first, subject, dt.datetime(2025, 1, 10, 9, 0))
    saved = records.save_form(
        first, user="nurse_a", form="VS", subject=subject, parent_id=infusion, values=PRE
    )
    assert saved.saved and saved.record_id is not None
    [row] = records.list_records(second, "VS", subject, parent_id=infusion)  # B opens it
    changed = records.save_form(
        first,
        user="nurse_a",
        form="VS",
        subject=subject,
        record_id=saved.record_id,
        values={"PULSE": "80"},
        reason="re-read",
    )
    assert changed.saved
    ex = records.get_record(second, "EX", infusion)
    assert ex is not None
    request = SaveRequest(
        form="EX",
        values={},
        user="nurse_b",
        subject=subject,
        record_id=infusion,
        reason="re-read",
        based_on=ex.version,
    )
    stale = records.VitalSignsRow("PRE", {**PRE, "PULSE": "75"}, {}, row.id, row.version)
    with pytest.raises(EditConflict, match="changed by nurse_a"):
        records.save_infusion_with_vital_signs(second, request, [stale])
    pulse = records.get_record(second, "VS", row.id)
    assert pulse is not None and pulse.values["PULSE"] == 80
