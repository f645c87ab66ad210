"""Hostile input in every field type: nothing crashes and nothing bad is silently accepted.

NaN, infinities, huge numbers, impossible dates, control characters, 10,000-character
strings, SQL-like and formula-like text, odd digits and random junk go through
`validation.parse_value` and `records.save_form`. What counts as bad for each type is
written down in faults/helpers.py ("bad inputs"), independently of the validation code:
every bad input must be refused with a finding naming its field, and every good one must be
stored exactly as typed (after NFC normalisation and stripping). benchmarks/faults_full.py
runs at least 1,000 inputs per field type through both.
"""

from __future__ import annotations

from pathlib import Path

from faults.helpers import (
    USER,
    BadInputReport,
    check_parse_value,
    check_save_form,
)
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FieldType
from msct_crf.workflow import records

PARSE_PER_TYPE = 150
SAVE_PER_TYPE = 30


def _no_failures(report: BadInputReport) -> None:
    assert report.crashes == []
    assert report.silently_accepted == []
    assert report.wrongly_refused == []
    assert report.stored_wrong == []


def test_parse_value_refuses_every_bad_input() -> None:
    report = BadInputReport()
    check_parse_value(PARSE_PER_TYPE, seed=11, report=report)
    assert set(report.parsed) == {kind.name for kind in FieldType}
    assert all(n == PARSE_PER_TYPE for n in report.parsed.values())
    _no_failures(report)


def test_save_form_refuses_every_bad_input(tmp_path: Path) -> None:
    report = BadInputReport()
    check_save_form(tmp_path / "study.db", SAVE_PER_TYPE, seed=12, report=report)
    assert report.refused > 0 and report.accepted > 0
    _no_failures(report)


def test_same_vital_signs_timepoint_twice_is_a_finding_not_a_crash(store: Store) -> None:
    """Found by the bad-input run: a second PRE reading of one infusion hit the database's
    unique constraint and raised; it is now an error finding on VSTPT."""
    subjid = _enrol(store)
    infusion = records.save_form(
        store,
        user=USER,
        form="EX",
        subject=subjid,
        values={"EXSTDTC": "2024-02-01 09:00", "EXSRC": "UC-MSC", "EXLOT": "L1"},
    )
    assert infusion.saved
    first = records.save_form(
        store,
        user=USER,
        form="VS",
        subject=subjid,
        parent_id=infusion.record_id,
        values={"VSTPT": "PRE", "PULSE": "80"},
    )
    assert first.saved
    second = records.save_form(
        store,
        user=USER,
        form="VS",
        subject=subjid,
        parent_id=infusion.record_id,
        values={"VSTPT": "PRE", "PULSE": "82"},
    )
    assert not second.saved
    assert [f.rule for f in second.errors] == ["duplicate_timepoint"]
    assert second.errors[0].field == "VSTPT"
    # editing the first reading keeps its own timepoint
    edit = records.save_form(
        store,
        user=USER,
        form="VS",
        subject=subjid,
        record_id=first.record_id,
        values={"PULSE": "81"},
        reason="typo",
    )
    assert edit.saved


def _enrol(store: Store) -> str:
    from faults.helpers import ENROL_VALUES

    result = records.save_form(store, user=USER, form="ENROL", values=ENROL_VALUES)
    assert result.subject is not None
    return result.subject
