"""The write path: subject IDs, required fields and drafts, hard errors, soft warnings,
conventional units, missing-data codes, reasons for change, derived values, the rules that
need the subject's other forms, deletion, frozen records; every scenario leaves an audit
chain that verifies, and replaying the audit trail rebuilds the stored values."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import FORM_MODELS, AuditEntry, Subject, Visit
from msct_crf.storage.store import Store
from msct_crf.study import scores
from msct_crf.study.dictionary import FORMS
from msct_crf.study.units import UnitSystem
from msct_crf.workflow import records
from msct_crf.workflow.records import delete_record, get_record, list_records, save_form

USER = "nurse.li"

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "WXM",
    "SEX": "F",
    "BRTHDTC": "1968-03-15",
    "HEIGHT": "160",
    "WEIGHT": "55",
    "RFICDTC": "2023-01-02",
    "ENRLDTC": "2023-01-03",
    "DXCAT": "PBC",
}
INFUSION = {
    "EXSTDTC": "2023-01-10 09:00",
    "EXENDTC": "2023-01-10 09:45",
    "EXSRC": "UC-MSC",
    "EXLOT": "UC2301",
    "EXWT": "55",
    "EXCELL": "55",
    "EXPLAN": "1.0",
}
LABS = {
    "ALT": "45",
    "AST": "60",
    "TBIL": "40",
    "DBIL": "20",
    "ALB": "30",
    "INR": "1.4",
    "CREAT": "80",
    "SODIUM": "136",
    "PT": "15",
    "ASCITES": "1",
    "HE": "0",
    "DIALYSIS": "N",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """One migrated empty database per module; each test opens a copy (migrating is slow)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    Store.open_path(path).close()
    return path


@pytest.fixture
def store(db_path, template):
    """An opened store whose audit chain must verify when the test ends."""
    shutil.copyfile(template, db_path)
    opened = Store.open_path(db_path)
    yield opened
    with opened.reading() as session:
        result = audit.verify(session)
    opened.close()
    assert result.ok, result.reason


def enrol(store: Store, **changes) -> str:
    result = save_form(store, user=USER, form="ENROL", values={**ENROL, **changes})
    assert result.saved, result.findings
    assert result.subject
    return result.subject


def infuse(store: Store, subject: str, **changes) -> int:
    result = save_form(store, user=USER, form="EX", subject=subject, values={**INFUSION, **changes})
    assert result.saved, result.findings
    assert result.record_id is not None
    return result.record_id


def visit(store: Store, subject: str, **changes) -> records.SaveResult:
    values = {"VISIT": "BASELINE", "VISDTC": "2023-01-08", **LABS, **changes}
    return save_form(store, user=USER, form="VIS", subject=subject, values=values)


def counts(store: Store) -> tuple[int, ...]:
    with store.reading() as session:
        rows = tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in FORM_MODELS.values()
        )
        return (*rows, session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def audit_rows(store: Store, **where) -> list[SimpleNamespace]:
    """Audit rows (plain copies, usable after the session ends), in chain order."""
    table = AuditEntry.__table__
    with store.reading() as session:
        query = select(table).order_by(table.c.id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        return [SimpleNamespace(**row._mapping) for row in session.execute(query)]


def set_status(store: Store, form: str, record_id: int, status: str) -> None:
    with store.session() as session:
        session.get(FORM_MODELS[form], record_id).status = status


# --------------------------------------------------------------------------- subject IDs


def test_subject_ids_follow_the_site_sequence(store):
    assert enrol(store) == "GZH-001"
    assert enrol(store) == "GZH-002"
    assert enrol(store, SITEID="NJG") == "NJG-001"
    assert enrol(store) == "GZH-003"
    assert records.list_subjects(store) == ["GZH-001", "GZH-002", "GZH-003", "NJG-001"]


def test_a_refused_enrolment_uses_no_number_and_subjects_cannot_be_deleted(store):
    assert enrol(store) == "GZH-001"
    refused = save_form(store, user=USER, form="ENROL", values={**ENROL, "HEIGHT": "999"})
    assert not refused.saved and refused.subject is None
    assert enrol(store) == "GZH-002"
    gone = delete_record(store, user=USER, form="ENROL", record_id=1, reason="duplicate")
    assert not gone.saved and "cannot be deleted" in gone.message
    assert records.list_subjects(store) == ["GZH-001", "GZH-002"]


def test_numbers_are_never_reused_even_if_a_subject_row_disappears(store, db_path):
    enrol(store)
    enrol(store)
    with store.session() as session:  # behind the app's back (no child rows yet)
        session.delete(session.scalars(select(Subject).where(Subject.subjid == "GZH-002")).one())
    assert enrol(store) == "GZH-003"


def test_new_subject_needs_a_site_even_as_a_draft(store):
    before = counts(store)
    result = save_form(store, user=USER, form="ENROL", values={"INITIALS": "AB"}, complete=False)
    assert not result.saved
    assert [f.field for f in result.errors] == ["SITEID"]
    assert "GZH" in result.errors[0].message
    result = save_form(
        store, user=USER, form="ENROL", values={"INITIALS": "AB"}, missing={"SITEID": "UNK"}
    )
    assert not result.saved and "SITEID" in {f.field for f in result.errors}
    assert counts(store) == before


def test_unknown_subject_and_record_and_user(store):
    result = save_form(store, user=USER, form="VIS", subject="GZH-404", values={})
    assert not result.saved and "GZH-404" in result.message
    subject = enrol(store)
    result = save_form(store, user=USER, form="VIS", subject=subject, record_id=99, values={})
    assert not result.saved and "not found" in result.message
    with pytest.raises(UserError):
        save_form(store, user="  ", form="ENROL", values=ENROL)
    result = save_form(store, user=USER, form="VIS", subject=subject, values={"NOPE": "1"})
    assert any(f.rule == "unknown_field" for f in result.errors)


# --------------------------------------------------------------------------- required, drafts


def test_required_fields_refused_when_complete_and_drafts_allowed(store):
    subject = enrol(store)
    before = counts(store)
    result = save_form(store, user=USER, form="VIS", subject=subject, values={"ALT": "40"})
    assert not result.saved
    assert {f.field for f in result.errors} == {"VISIT", "VISDTC"}
    assert all("required" in f.message for f in result.errors)
    assert counts(store) == before

    draft = save_form(
        store, user=USER, form="VIS", subject=subject, values={"ALT": "40"}, complete=False
    )
    assert draft.saved
    record = get_record(store, "VIS", draft.record_id)
    assert record.status == records.DRAFT and record.values["ALT"] == 40.0
    assert record.values["VISDTC"] is None
    # completing the draft later needs no reason (it was never complete)
    done = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=draft.record_id,
        values={"VISIT": "UNSCHED", "VISDTC": "2023-02-01"},
    )
    assert done.saved and not done.needs_reason
    assert get_record(store, "VIS", draft.record_id).status == records.COMPLETE


def test_hard_error_refuses_and_writes_nothing(store):
    subject = enrol(store)
    infusion = infuse(store, subject)
    before = counts(store)
    head = audit_rows(store)[-1].hash
    result = visit(store, subject, TBIL="2000")
    assert not result.saved and result.record_id is None
    [error] = result.errors
    assert error.field == "TBIL" and "0-1500 µmol/L" in error.message
    assert "nothing saved" in result.message
    assert counts(store) == before
    assert audit_rows(store)[-1].hash == head
    # the same for an update of an existing record
    ok = visit(store, subject)
    before = counts(store)
    bad = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=ok.record_id,
        values={"ALB": "1"},
        reason="typo",
    )
    assert not bad.saved and bad.errors[0].field == "ALB"
    assert counts(store) == before
    assert get_record(store, "VIS", ok.record_id).values["ALB"] == 30.0
    assert infusion


# --------------------------------------------------------------------------- warnings


def test_soft_warning_needs_confirmation_which_is_audited(store):
    subject = enrol(store)
    infuse(store, subject)
    before = counts(store)
    result = visit(store, subject, ALT="1500")
    assert not result.saved and result.needs_confirmation
    [warning] = result.warnings
    assert warning.field == "ALT" and "5-1000 U/L" in warning.message
    assert counts(store) == before
    confirmed = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "BASELINE", "VISDTC": "2023-01-08", **LABS, "ALT": "1500"},
        confirm_warnings=True,
    )
    assert confirmed.saved
    [row] = audit_rows(store, action="confirm_warning")
    assert row.field == "ALT" and row.record_id == str(confirmed.record_id)
    assert "5-1000" in row.new_value and row.subject_id == subject and row.user == USER


def test_out_of_window_visit_is_saved_as_a_deviation_after_confirmation(store):
    subject = enrol(store)
    infuse(store, subject)  # day 0 = 2023-01-10; M6 window 2023-06-27..2023-07-25
    result = visit(store, subject, VISIT="M6", VISDTC="2023-09-01")
    assert not result.saved and [w.rule for w in result.warnings] == ["VISIT_WINDOW"]
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "M6", "VISDTC": "2023-09-01"},
        confirm_warnings=True,
    )
    assert result.saved
    assert audit_rows(store, action="confirm_warning")[0].field == "VISDTC"


# --------------------------------------------------------------------------- units


def test_conventional_input_is_stored_in_si_and_the_typed_value_audited(store):
    subject = enrol(store)
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "BASELINE", "VISDTC": "2023-01-08", "TBIL": "3.0", "ALB": "3.5"},
        units={"TBIL": UnitSystem.CONVENTIONAL, "ALB": UnitSystem.CONVENTIONAL},
    )
    assert result.saved, result.findings
    values = get_record(store, "VIS", result.record_id).values
    assert values["TBIL"] == pytest.approx(51.3) and values["ALB"] == pytest.approx(35.0)
    typed = {r.field: r.new_value for r in audit_rows(store, action="unit_entry")}
    assert typed == {"TBIL": "3.0 mg/dL", "ALB": "3.5 g/dL"}
    inserted = {
        r.field: r.new_value for r in audit_rows(store, action="insert", table_name="visit")
    }
    assert inserted["TBIL"] == "51.3"


def test_conventional_hard_error_names_both_units(store):
    subject = enrol(store)
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "BASELINE", "VISDTC": "2023-01-08", "TBIL": "100"},
        units=UnitSystem.CONVENTIONAL,
    )
    [error] = result.errors
    assert "0-1500 µmol/L (0-87.7 mg/dL)" in error.message
    assert "100 mg/dL" in error.message


# --------------------------------------------------------------------------- missing codes


def test_missing_data_codes_are_stored_and_audited(store):
    subject = enrol(store)
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "BASELINE", "VISDTC": "2023-01-08", "ALT": "40"},
        missing={"AST": "ND", "IGG": "UNK", "DIALYSIS": "NA"},
    )
    assert result.saved
    record = get_record(store, "VIS", result.record_id)
    assert record.missing == {"AST": "ND", "IGG": "UNK", "DIALYSIS": "NA"}
    assert record.values["AST"] is None
    rows = {r.field: r.new_value for r in audit_rows(store, action="insert", table_name="visit")}
    assert rows["AST.missing"] == "ND" and rows["IGG.missing"] == "UNK"
    # typing a value later clears the code, and the audit shows it
    update = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=result.record_id,
        values={"AST": "50"},
        reason="result arrived",
    )
    assert update.saved
    record = get_record(store, "VIS", result.record_id)
    assert "AST" not in record.missing and record.values["AST"] == 50.0
    changed = {
        r.field: (r.old_value, r.new_value, r.reason)
        for r in audit_rows(store, action="update", table_name="visit")
    }
    assert changed["AST.missing"] == ("ND", None, "result arrived")
    assert changed["AST"] == (None, "50.0", "result arrived")


def test_a_field_cannot_have_both_a_value_and_a_missing_code(store):
    subject = enrol(store)
    before = counts(store)
    result = visit(store, subject, ALT="40")
    assert result.saved
    both = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "M1", "VISDTC": "2023-02-09", "ALT": "40"},
        missing={"ALT": "ND"},
    )
    assert not both.saved
    [error] = both.errors
    assert error.field == "ALT" and "both a value and the missing-data code ND" in error.message
    bad_code = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "M1", "VISDTC": "2023-02-09"},
        missing={"ALT": "N/A"},
    )
    assert not bad_code.saved and "ND, UNK or NA" in bad_code.errors[0].message
    assert counts(store)[-1] > before[-1]  # only the first visit was written


def test_setting_a_missing_code_clears_the_saved_value(store):
    subject = enrol(store)
    saved = visit(store, subject)
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=saved.record_id,
        values={},
        missing={"ALT": "ND"},
        reason="sample haemolysed",
    )
    assert result.saved
    record = get_record(store, "VIS", saved.record_id)
    assert record.values["ALT"] is None and record.missing == {"ALT": "ND"}


def test_cause_of_death_unknown_is_a_missing_code(store):
    subject = enrol(store)
    result = save_form(
        store,
        user=USER,
        form="DS",
        subject=subject,
        values={"DSDECOD": "DIED", "DSSTDTC": "2023-06-01"},
        missing={"DSDTHCAU": "UNK"},
    )
    assert result.saved, result.findings


# --------------------------------------------------------------------------- reasons, audit


def test_changing_a_complete_form_needs_a_reason(store):
    subject = enrol(store)
    saved = visit(store, subject)
    before = counts(store)
    change = {"ALT": "50", "INR": "1.5"}
    result = save_form(
        store, user=USER, form="VIS", subject=subject, record_id=saved.record_id, values=change
    )
    assert not result.saved and result.needs_reason
    assert counts(store) == before
    result = save_form(
        store,
        user="nurse.wang",
        form="VIS",
        subject=subject,
        record_id=saved.record_id,
        values=change,
        reason="transcription error",
    )
    assert result.saved
    rows = audit_rows(store, action="update", table_name="visit")
    by_field = {r.field: r for r in rows}
    assert by_field["ALT"].old_value == "45.0" and by_field["ALT"].new_value == "50.0"
    assert by_field["INR"].old_value == "1.4" and by_field["INR"].new_value == "1.5"
    # the derived scores that changed are audited too
    assert "MELD" in by_field or "MELDNA" in by_field or "MELD3" in by_field
    assert {r.reason for r in rows} == {"transcription error"}
    assert {r.user for r in rows} == {"nurse.wang"}
    assert {r.subject_id for r in rows} == {subject}
    record = get_record(store, "VIS", saved.record_id)
    assert record.updated_by == "nurse.wang" and record.created_by == USER
    # saving the same values again changes nothing and needs no reason
    same = save_form(
        store, user=USER, form="VIS", subject=subject, record_id=saved.record_id, values=change
    )
    assert same.saved and same.message == "No changes"


def test_every_entered_field_gets_an_insert_audit_row(store):
    subject = enrol(store)
    saved = visit(store, subject)
    rows = audit_rows(store, action="insert", table_name="visit", record_id=str(saved.record_id))
    fields = {r.field for r in rows}
    assert set(LABS) | {"VISIT", "VISDTC", "status"} <= fields
    assert all(r.old_value is None for r in rows)
    assert len({r.ts_utc for r in rows}) == 1


# --------------------------------------------------------------------------- derived values


def test_enrolment_derives_age_and_bmi(store):
    subject = enrol(store, BRTHDTC="1968-01-03", RFICDTC="2023-01-02")
    values = records.get_subject(store, subject).values
    assert values["AGE"] == 54  # the 55th birthday is the day after consent
    assert values["BMI"] == round(55 / 1.6**2, 1)
    assert values["SUBJID"] == subject


def test_age_outside_the_hard_range_is_refused(store):
    result = save_form(store, user=USER, form="ENROL", values={**ENROL, "BRTHDTC": "2012-01-01"})
    assert not result.saved and result.errors[0].field == "AGE"
    assert "14-100 years" in result.errors[0].message


def test_visit_scores_are_those_of_msct_crf_scores(store):
    subject = enrol(store)  # female, PBC (cholestatic)
    saved = visit(store, subject)
    values = get_record(store, "VIS", saved.record_id).values
    labs = {"bilirubin_umol_l": 40.0, "creatinine_umol_l": 80.0, "inr": 1.4}
    assert values["MELD"] == scores.meld(**labs)
    assert values["MELDNA"] == scores.meld_na(**labs, sodium_mmol_l=136.0)
    assert values["MELD3"] == scores.meld_3(
        **labs, sodium_mmol_l=136.0, albumin_g_l=30.0, female=True
    )
    points, klass = scores.child_pugh(
        bilirubin_umol_l=40.0,
        albumin_g_l=30.0,
        inr=1.4,
        ascites=1,
        encephalopathy=0,
        cholestatic=True,
    )
    assert (values["CPS"], values["CPCLASS"]) == (points, klass)
    albi_score, grade = scores.albi(bilirubin_umol_l=40.0, albumin_g_l=30.0)
    assert values["ALBI"] == pytest.approx(albi_score, abs=1e-4) and values["ALBIGR"] == grade


def test_derived_values_cannot_be_typed(store):
    subject = enrol(store)
    saved = visit(store, subject, MELD="3")
    assert saved.saved
    assert get_record(store, "VIS", saved.record_id).values["MELD"] != 3


def test_scores_missing_inputs_stay_empty(store):
    subject = enrol(store)
    saved = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "BASELINE", "VISDTC": "2023-01-08", "TBIL": "40"},
    )
    values = get_record(store, "VIS", saved.record_id).values
    assert values["MELD"] is None and values["CPS"] is None and values["ALBI"] is None


def test_infusion_number_dose_and_duration(store):
    subject = enrol(store)
    first = infuse(store, subject, EXCELL="66", EXWT="55")
    second = infuse(
        store,
        subject,
        EXSTDTC="2023-01-17 09:00",
        EXENDTC="2023-01-17 10:30",
        EXCELL="55",
    )
    one, two = get_record(store, "EX", first), get_record(store, "EX", second)
    assert (one.values["EXNUM"], two.values["EXNUM"]) == (1, 2)
    assert one.values["EXDOSE"] == pytest.approx(1.2) and two.values["EXDOSE"] == 1.0
    assert (one.values["EXDUR"], two.values["EXDUR"]) == (45, 90)
    assert [r.id for r in list_records(store, "EX", subject)] == [first, second]


def test_dose_far_from_plan_warns(store):
    subject = enrol(store)
    result = save_form(
        store, user=USER, form="EX", subject=subject, values={**INFUSION, "EXCELL": "110"}
    )
    assert not result.saved and [w.rule for w in result.warnings] == ["EX_DOSE_VS_PLAN"]


def test_adverse_event_infusion_relatedness_is_derived(store):
    subject = enrol(store)
    infuse(store, subject)  # ends 2023-01-10 09:45

    def ae(onset: str) -> str:
        result = save_form(
            store,
            user=USER,
            form="AE",
            subject=subject,
            values={
                "AETERM": "fever",
                "AESTDTC": onset,
                "AETOXGR": "1",
                "AESER": "N",
                "AEREL": "POSSIBLE",
            },
        )
        assert result.saved, result.findings
        return get_record(store, "AE", result.record_id).values["AEINFREL"]

    assert ae("2023-01-10 09:30") == "Y"  # during the infusion
    assert ae("2023-01-11 09:45") == "Y"  # exactly 24 h after its end
    assert ae("2023-01-11 09:46") == "N"
    assert ae("2023-01-10 08:59") == "N"  # before it started


# --------------------------------------------------------------------------- vital signs


def test_vital_signs_belong_to_an_infusion_of_the_subject(store):
    subject = enrol(store)
    other = enrol(store)
    infusion = infuse(store, subject)
    foreign = infuse(store, other)
    vs = {"VSTPT": "PRE", "TEMP": "36.6", "PULSE": "72", "SYSBP": "120", "DIABP": "80"}
    ok = save_form(store, user=USER, form="VS", subject=subject, parent_id=infusion, values=vs)
    assert ok.saved
    assert get_record(store, "VS", ok.record_id).parent_id == infusion
    assert [r.id for r in list_records(store, "VS", subject, parent_id=infusion)] == [ok.record_id]
    for parent in (None, foreign, 999):
        bad = save_form(store, user=USER, form="VS", subject=subject, parent_id=parent, values=vs)
        assert not bad.saved and "infusion" in bad.message
    low = save_form(
        store,
        user=USER,
        form="VS",
        subject=subject,
        parent_id=infusion,
        values={**vs, "VSTPT": "END", "SYSBP": "80", "DIABP": "90"},
    )
    assert not low.saved and low.errors[0].rule == "SYS_GT_DIA"


# --------------------------------------------------------------------------- visits, death


def test_duplicate_scheduled_visit_is_refused(store):
    subject = enrol(store)
    first = visit(store, subject)
    assert first.saved
    again = visit(store, subject, VISDTC="2023-01-09")
    assert not again.saved and again.errors[0].rule == "duplicate_visit"
    assert "BASELINE" in again.errors[0].message
    # unscheduled visits may repeat; editing the visit itself is not a duplicate
    assert visit(store, subject, VISIT="UNSCHED", VISDTC="2023-03-01").saved
    assert visit(store, subject, VISIT="UNSCHED", VISDTC="2023-03-02").saved
    edit = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=first.record_id,
        values={"VISIT": "BASELINE", "ALT": "44"},
        reason="recheck",
    )
    assert edit.saved


def test_visit_before_consent_is_refused(store):
    subject = enrol(store)
    result = visit(store, subject, VISDTC="2022-12-31")
    assert not result.saved and result.errors[0].rule == "VISIT_NOT_BEFORE_CONSENT"


def test_nothing_after_death(store):
    subject = enrol(store)
    infuse(store, subject)
    assert visit(store, subject).saved
    assert visit(store, subject, VISIT="M1", VISDTC="2023-02-09").saved
    # a death dated before existing data is refused
    died = {"DSDECOD": "DIED", "DSSTDTC": "2023-02-01", "DSDTHCAU": "variceal bleeding"}
    early = save_form(store, user=USER, form="DS", subject=subject, values=died)
    assert not early.saved and early.errors[0].rule == "NOTHING_AFTER_DEATH"
    assert "2023-02-09" in early.errors[0].message
    died["DSSTDTC"] = "2023-03-01"
    assert save_form(store, user=USER, form="DS", subject=subject, values=died).saved
    # and afterwards nothing may be dated after it
    before = counts(store)
    late = visit(store, subject, VISIT="UNSCHED", VISDTC="2023-03-02")
    assert not late.saved and late.errors[0].rule == "NOT_AFTER_DEATH"
    late_ex = save_form(
        store,
        user=USER,
        form="EX",
        subject=subject,
        values={**INFUSION, "EXSTDTC": "2023-03-05 09:00", "EXENDTC": "2023-03-05 10:00"},
    )
    assert not late_ex.saved and "NOT_AFTER_DEATH" in {f.rule for f in late_ex.errors}
    assert counts(store) == before
    assert visit(store, subject, VISIT="UNSCHED", VISDTC="2023-03-01").saved


def test_fatal_adverse_event_warns_without_a_death_disposition(store):
    subject = enrol(store)
    values = {
        "AETERM": "liver failure",
        "AESTDTC": "2023-05-01 08:00",
        "AETOXGR": "5",
        "AESER": "Y",
        "AESDTH": "Y",
        "AEREL": "UNLIKELY",
        "AEOUT": "FATAL",
    }
    result = save_form(store, user=USER, form="AE", subject=subject, values=values)
    assert not result.saved and [w.rule for w in result.warnings] == ["AE_FATAL_NEEDS_DEATH"]
    died = {"DSDECOD": "DIED", "DSSTDTC": "2023-05-02", "DSDTHCAU": "liver failure"}
    assert save_form(store, user=USER, form="DS", subject=subject, values=died).saved
    assert save_form(store, user=USER, form="AE", subject=subject, values=values).saved


def test_disposition_is_one_per_subject(store):
    subject = enrol(store)
    first = save_form(
        store,
        user=USER,
        form="DS",
        subject=subject,
        values={"DSDECOD": "LOST", "DSSTDTC": "2024-01-01", "DSLCDTC": "2023-10-01"},
    )
    second = save_form(
        store,
        user=USER,
        form="DS",
        subject=subject,
        values={"DSDECOD": "COMPLETED"},
        reason="found again",
    )
    assert second.saved and second.record_id == first.record_id
    assert len(list_records(store, "DS", subject)) == 1


# --------------------------------------------------------------------------- delete, frozen


def test_delete_record_with_reason_is_audited(store):
    subject = enrol(store)
    infusion = infuse(store, subject)
    vs = save_form(
        store,
        user=USER,
        form="VS",
        subject=subject,
        parent_id=infusion,
        values={"VSTPT": "PRE", "PULSE": "70"},
    )
    no_reason = delete_record(store, user=USER, form="EX", record_id=infusion, reason=" ")
    assert not no_reason.saved and no_reason.needs_reason
    result = delete_record(store, user=USER, form="EX", record_id=infusion, reason="wrong subject")
    assert result.saved
    assert get_record(store, "EX", infusion) is None
    assert get_record(store, "VS", vs.record_id) is None
    deleted = audit_rows(store, action="delete")
    assert {r.table_name for r in deleted} == {"infusion", "vital_sign"}
    assert {r.reason for r in deleted} == {"wrong subject"}
    exlot = next(r for r in deleted if r.field == "EXLOT")
    assert exlot.old_value == "UC2301" and exlot.new_value is None
    missing = delete_record(store, user=USER, form="EX", record_id=infusion, reason="again")
    assert not missing.saved and "not found" in missing.message
    assert not delete_record(store, user=USER, form="DS", record_id=1, reason="x").saved


@pytest.mark.parametrize("status", [records.SIGNED, records.LOCKED])
def test_signed_or_locked_record_refuses_changes(store, status):
    subject = enrol(store)
    saved = visit(store, subject)
    set_status(store, "VIS", saved.record_id, status)
    before = counts(store)
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=saved.record_id,
        values={"ALT": "50"},
        reason="late correction",
    )
    assert not result.saved and status in result.message and "unlocked" in result.message
    gone = delete_record(store, user=USER, form="VIS", record_id=saved.record_id, reason="x")
    assert not gone.saved and status in gone.message
    assert counts(store) == before
    assert get_record(store, "VIS", saved.record_id).values["ALT"] == 45.0


def test_locked_enrolment_refuses_changes(store):
    subject = enrol(store)
    with store.session() as session:
        session.scalars(select(Subject).where(Subject.subjid == subject)).one().status = "locked"
    result = save_form(
        store, user=USER, form="ENROL", subject=subject, values={"INITIALS": "ZZ"}, reason="x"
    )
    assert not result.saved and "locked" in result.message


def test_save_in_session_joins_the_callers_transaction(store):
    before = counts(store)[-1]  # the study ID's audit row
    with pytest.raises(RuntimeError), store.session() as session:
        result = records.save_in_session(session, user=USER, form="ENROL", values=ENROL)
        assert result.saved
        raise RuntimeError("caller fails after the save")
    assert records.list_subjects(store) == []
    assert counts(store)[-1] == before


# --------------------------------------------------------------------------- audit replay


def _replay(store: Store) -> dict[tuple[str, str], dict[str, str | None]]:
    """Current values per (table, record id), rebuilt from the audit trail alone."""
    state: dict[tuple[str, str], dict[str, str | None]] = defaultdict(dict)
    for row in audit_rows(store):
        if row.action not in ("insert", "update", "delete") or row.table_name is None:
            continue
        key = (row.table_name, row.record_id)
        if row.action == "delete":
            state.pop(key, None)
            continue
        if row.action == "insert":
            state.setdefault(key, {})
        assert state[key].get(row.field) == row.old_value, (key, row.field)
        state[key][row.field] = row.new_value
    return state


def test_replaying_the_audit_trail_rebuilds_the_stored_values(store):
    subject = enrol(store)
    infusion = infuse(store, subject)
    infuse(store, subject, EXSTDTC="2023-01-09 09:00", EXENDTC="2023-01-09 10:00")  # renumbers
    save_form(
        store,
        user=USER,
        form="VS",
        subject=subject,
        parent_id=infusion,
        values={"VSTPT": "PRE", "TEMP": "36.5"},
    )
    saved = visit(store, subject)
    assert saved.saved, saved.findings
    save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=saved.record_id,
        values={"TBIL": "55", "ALT": ""},
        missing={"AST": "ND"},
        reason="corrected from source",
    )
    draft = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "M1", "ALB": "3.2"},
        units=UnitSystem.CONVENTIONAL,
        complete=False,
    )
    save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        record_id=draft.record_id,
        values={"VISDTC": "2023-02-10"},
    )
    extra = visit(store, subject, VISIT="UNSCHED", VISDTC="2023-03-01")
    delete_record(store, user=USER, form="VIS", record_id=extra.record_id, reason="duplicate")
    save_form(
        store,
        user=USER,
        form="ENROL",
        subject=subject,
        values={"WEIGHT": "57"},
        reason="re-weighed",
    )

    replayed = _replay(store)
    expected: dict[tuple[str, str], dict[str, str | None]] = {}
    for form_code, form in FORMS.items():
        model = FORM_MODELS[form_code]
        with store.reading() as session:
            ids = list(session.scalars(select(model.id)))
        for record_id in ids:
            record = get_record(store, form_code, record_id)
            values = {
                f.code: audit.to_text(record.values[f.code])
                for f in form.fields
                if record.values[f.code] is not None and f.code != "SUBJID"
            }
            values.update({f"{code}.missing": value for code, value in record.missing.items()})
            values["status"] = record.status
            if record.parent_id is not None:  # the infusion of vital signs, audited at insert
                values["infusion_id"] = str(record.parent_id)
            expected[(form.table, str(record_id))] = values
    cleaned = {
        key: {k: v for k, v in fields.items() if v is not None} for key, fields in replayed.items()
    }
    assert cleaned == expected
    assert ("visit", str(extra.record_id)) not in replayed


def test_audit_chain_verifies_after_many_saves(store):
    subject = enrol(store)
    for month, day in (("M1", "2023-02-09"), ("M3", "2023-04-11"), ("M6", "2023-07-11")):
        visit(store, subject, VISIT=month, VISDTC=day)
    with store.reading() as session:
        result = audit.verify(session)
        visits = session.scalar(select(func.count()).select_from(Visit))
    assert result.ok and result.rows_checked > 30
    assert visits == 3


def test_records_keep_typed_python_values(store):
    subject = enrol(store)
    result = save_form(
        store,
        user=USER,
        form="VIS",
        subject=subject,
        values={"VISIT": "BASELINE", "VISDTC": date(2023, 1, 8), "ALT": 40, "INR": 1.1},
    )
    assert result.saved
    values = get_record(store, "VIS", result.record_id).values
    assert values["VISDTC"] == date(2023, 1, 8) and values["ALT"] == 40.0
    ex = save_form(
        store,
        user=USER,
        form="EX",
        subject=subject,
        values={**INFUSION, "EXSTDTC": datetime(2023, 1, 10, 9), "EXENDTC": None},
    )
    assert ex.saved
    assert get_record(store, "EX", ex.record_id).values["EXSTDTC"] == datetime(2023, 1, 10, 9)


# --------------------------------------------------------------------------- dependents


def test_infusions_are_renumbered_in_start_order(store):
    subject = enrol(store)
    later = infuse(store, subject, EXSTDTC="2023-01-17 09:00", EXENDTC="2023-01-17 10:00")
    earlier = infuse(store, subject)
    assert get_record(store, "EX", earlier).values["EXNUM"] == 1
    assert get_record(store, "EX", later).values["EXNUM"] == 2
    renumbered = [
        r for r in audit_rows(store, action="update", table_name="infusion") if r.field == "EXNUM"
    ]
    assert [(r.record_id, r.old_value, r.new_value) for r in renumbered] == [(str(later), "1", "2")]
    assert "derived values recomputed" in renumbered[0].reason
    delete_record(store, user=USER, form="EX", record_id=earlier, reason="entered in error")
    assert get_record(store, "EX", later).values["EXNUM"] == 1


def test_moving_an_infusion_updates_adverse_event_relatedness(store):
    subject = enrol(store)
    infusion = infuse(store, subject)  # 2023-01-10 09:00-09:45
    event = save_form(
        store,
        user=USER,
        form="AE",
        subject=subject,
        values={
            "AETERM": "fever",
            "AESTDTC": "2023-01-20 12:00",
            "AETOXGR": "1",
            "AESER": "N",
            "AEREL": "POSSIBLE",
        },
    )
    assert get_record(store, "AE", event.record_id).values["AEINFREL"] == "N"
    moved = save_form(
        store,
        user=USER,
        form="EX",
        subject=subject,
        record_id=infusion,
        values={"EXSTDTC": "2023-01-20 09:00", "EXENDTC": "2023-01-20 09:45"},
        reason="wrong date typed",
    )
    assert moved.saved, moved.findings
    assert get_record(store, "AE", event.record_id).values["AEINFREL"] == "Y"
    [row] = [r for r in audit_rows(store, table_name="adverse_event") if r.action == "update"]
    assert (row.field, row.old_value, row.new_value) == ("AEINFREL", "N", "Y")


def test_changing_sex_recomputes_meld_3_of_every_visit(store):
    subject = enrol(store, SEX="M")
    saved = visit(store, subject)
    male = get_record(store, "VIS", saved.record_id).values["MELD3"]
    result = save_form(
        store,
        user=USER,
        form="ENROL",
        subject=subject,
        values={"SEX": "F"},
        reason="sex entered wrongly",
    )
    assert result.saved
    female = get_record(store, "VIS", saved.record_id).values["MELD3"]
    assert female == scores.meld_3(
        bilirubin_umol_l=40.0,
        creatinine_umol_l=80.0,
        inr=1.4,
        sodium_mmol_l=136.0,
        albumin_g_l=30.0,
        female=True,
    )
    assert female != male


def test_frozen_records_are_not_recomputed(store):
    subject = enrol(store)
    later = infuse(store, subject, EXSTDTC="2023-01-17 09:00", EXENDTC="2023-01-17 10:00")
    set_status(store, "EX", later, records.LOCKED)
    infuse(store, subject)
    assert get_record(store, "EX", later).values["EXNUM"] == 1


# --------------------------------------------------------------------------- fuzzing


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_input_never_crashes_and_saved_values_are_in_range(store, data):
    """Any typed text on any form: a SaveResult every time, never an exception, and whatever
    is saved lies within its hard range with a valid code and a valid missing-data code."""
    subjects = records.list_subjects(store)
    if not subjects:
        subjects = [enrol(store)]
        infuse(store, subjects[0])
    subject = subjects[0]
    form_code = data.draw(st.sampled_from(sorted(FORMS)))
    form = FORMS[form_code]
    codes = [f.code for f in form.entry_fields]
    raw = st.one_of(
        st.text(max_size=20),
        st.sampled_from(["nan", "1e309", "-1", "0", "2023-02-30", "2023-05-01", "Y", "N", "F"]),
        st.sampled_from(["2023-05-01 10:00", "'; DROP TABLE subject;--", "=cmd()", "１２"]),
        st.floats(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.dates(),
        st.datetimes(timezones=st.sampled_from([None, UTC])),
        st.booleans(),
    )
    values = data.draw(st.dictionaries(st.sampled_from(codes), raw, max_size=6))
    missing = data.draw(
        st.dictionaries(st.sampled_from(codes), st.sampled_from(["ND", "UNK", "NA", "XX"]))
    )
    complete = data.draw(st.booleans())
    parent = None
    if form_code == "VS":
        parent = list_records(store, "EX", subject)[0].id
    result = save_form(
        store,
        user=USER,
        form=form_code,
        subject=None if form_code == "ENROL" else subject,
        values=values,
        missing=missing,
        complete=complete,
        parent_id=parent,
        confirm_warnings=True,
        reason="fuzz",
    )
    assert isinstance(result, records.SaveResult)
    if not result.saved:
        assert result.errors or result.message
        for finding in result.errors:
            assert finding.field in result.message or finding.message
        return
    if result.record_id is None:
        return
    record = get_record(store, form_code, result.record_id)
    for f in form.fields:
        value = record.values[f.code]
        if value is None:
            continue
        assert f.code not in record.missing
        if f.is_numeric and f.hard is not None:
            assert f.hard.contains(value), (f.code, value)
        if f.codelist is not None:
            assert value in f.codelist.codes
    assert set(record.missing.values()) <= {"ND", "UNK", "NA"}


def test_moving_consent_or_enrolment_past_other_forms_is_refused(store):
    subject = enrol(store)
    assert visit(store, subject).saved  # 2023-01-08
    moved = save_form(
        store,
        user=USER,
        form="ENROL",
        subject=subject,
        values={"RFICDTC": "2023-01-09", "ENRLDTC": "2023-01-09"},
        reason="date corrected",
    )
    assert not moved.saved and [f.field for f in moved.errors] == ["RFICDTC"]
    assert "2023-01-08" in moved.errors[0].message
    done = save_form(
        store,
        user=USER,
        form="DS",
        subject=subject,
        values={"DSDECOD": "WITHDREW", "DSSTDTC": "2023-03-01"},
    )
    assert done.saved
    late = save_form(
        store,
        user=USER,
        form="ENROL",
        subject=subject,
        values={"ENRLDTC": "2023-04-01"},
        reason="date corrected",
    )
    assert not late.saved and "DS_NOT_BEFORE_ENROL" in {f.rule for f in late.errors}


def test_vital_signs_cannot_move_to_another_infusion(store):
    subject = enrol(store)
    first = infuse(store, subject)
    second = infuse(store, subject, EXSTDTC="2023-01-17 09:00", EXENDTC="2023-01-17 10:00")
    vs = save_form(
        store,
        user=USER,
        form="VS",
        subject=subject,
        parent_id=first,
        values={"VSTPT": "PRE", "PULSE": "70"},
    )
    moved = save_form(
        store,
        user=USER,
        form="VS",
        subject=subject,
        record_id=vs.record_id,
        parent_id=second,
        values={"PULSE": "72"},
        reason="x",
    )
    assert not moved.saved and "cannot move" in moved.message
    same = save_form(
        store,
        user=USER,
        form="VS",
        subject=subject,
        record_id=vs.record_id,
        values={"PULSE": "72"},
        reason="recounted",
    )
    assert same.saved
    assert get_record(store, "VS", vs.record_id).parent_id == first


def test_text_that_sqlite_cannot_store_is_refused_not_crashed(store):
    result = save_form(
        store, user=USER, form="ENROL", values={**ENROL, "INITIALS": "A\ud800"}
    )  # a lone surrogate (e.g. half of an emoji from a broken clipboard)
    assert not result.saved and result.errors[0].field == "INITIALS"
    subject = enrol(store)
    saved = visit(store, subject)
    for reason in ("typo\ud800", "typo\x00"):
        bad = save_form(
            store,
            user=USER,
            form="VIS",
            subject=subject,
            record_id=saved.record_id,
            values={"ALT": "50"},
            reason=reason,
        )
        assert not bad.saved and bad.needs_reason and "invalid characters" in bad.message
        gone = delete_record(store, user=USER, form="VIS", record_id=saved.record_id, reason=reason)
        assert not gone.saved and "invalid characters" in gone.message


def test_a_deleted_records_id_is_never_given_to_a_new_record(store):
    subject = enrol(store)
    first = visit(store, subject).record_id
    newest = visit(store, subject, VISIT="UNSCHED", VISDTC="2023-02-01").record_id
    assert delete_record(store, user=USER, form="VIS", record_id=newest, reason="twice").saved
    again = visit(store, subject, VISIT="UNSCHED", VISDTC="2023-02-02").record_id
    assert again not in (first, newest)
    # the new record's audit history is its own
    history = audit_rows(store, table_name="visit", record_id=str(again))
    assert {r.action for r in history} == {"insert"}


def test_deleting_an_infusion_unlinks_its_adverse_events_audited(store):
    subject = enrol(store)
    infusion = infuse(store, subject)
    event = save_form(
        store,
        user=USER,
        form="AE",
        subject=subject,
        parent_id=infusion,
        values={
            "AETERM": "fever",
            "AESTDTC": "2023-01-10 10:00",
            "AETOXGR": "1",
            "AESER": "N",
            "AEREL": "POSSIBLE",
        },
    )
    assert event.saved, event.findings
    assert delete_record(store, user=USER, form="EX", record_id=infusion, reason="wrong subject")
    assert get_record(store, "AE", event.record_id) is not None
    rows = [r for r in audit_rows(store, table_name="adverse_event") if r.action == "update"]
    link = next(r for r in rows if r.field == "infusion_id")
    assert (link.old_value, link.new_value) == (str(infusion), None)
    assert "wrong subject" in link.reason
    related = next(r for r in rows if r.field == "AEINFREL")
    assert (related.old_value, related.new_value) == ("Y", "N")
