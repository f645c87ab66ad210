"""The REDCap import bundle (msct_crf.reporting.redcap) of the demo, a scale study and the
small export study: the records agree with the bundle's dictionary and design (read back
by tests/redcap_readback.py, written from REDCap's formats), and with the SQLite file
(read with plain sqlite3)."""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from export_readback import _export_rows
from redcap_readback import SYSTEM, Bundle, bundle_problems, export_bundle, read_csv, read_records

from msct_crf.reporting.export import ExportCancelled, ExportOptions, export_csv, export_workbook
from msct_crf.reporting.redcap import BUNDLE_FILES
from msct_crf.storage.store import Store

EVENT_OF_VISIT = {
    "BASELINE": "baseline_arm_1",
    "M1": "month_1_arm_1",
    "M3": "month_3_arm_1",
    "M6": "month_6_arm_1",
    "M12": "month_12_arm_1",
    "M18": "month_18_arm_1",
    "M24": "month_24_arm_1",
}
#: The study's status -> REDCap's <instrument>_complete, as the README states it.
COMPLETE = {"draft": "0", "complete": "1", "verified": "2", "signed": "2", "locked": "2"}
Key = tuple[str, str, str, str]


def _db_rows(db: Path, sql: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(sql)]
    conn.close()
    return rows


def _subject_ids(db: Path) -> dict[int, str]:
    return {r["id"]: r["subjid"] for r in _db_rows(db, "SELECT id, subjid FROM subject")}


def _numbered(rows: list[dict[str, Any]], order: str) -> list[tuple[int, dict[str, Any]]]:
    """Each subject's rows numbered 1, 2, ... by `order` then id (None last)."""
    rows = sorted(rows, key=lambda r: (r[order] is None, r[order] or "", r["id"]))
    seen: dict[int, int] = {}
    out = []
    for r in rows:
        seen[r["subject_id"]] = seen.get(r["subject_id"], 0) + 1
        out.append((seen[r["subject_id"]], r))
    return out


def expected_locations(db: Path) -> dict[Key, list[tuple[str, dict[str, Any], str]]]:
    """Where each database row must be in the records file: (record, event, repeat
    instrument, instance) -> [(table, row, variable suffix)], worked out from the
    database and the README's mapping alone."""
    subjid = _subject_ids(db)
    where: dict[Key, list[tuple[str, dict[str, Any], str]]] = {}

    def put(key: Key, table: str, row: dict[str, Any], suffix: str = "") -> None:
        where.setdefault(key, []).append((table, row, suffix))

    for row in _db_rows(db, "SELECT * FROM subject"):
        put((row["subjid"], "baseline_arm_1", "", ""), "subject", row)
    used: set[tuple[int, str]] = set()
    unscheduled: dict[int, int] = {}
    for _, row in _numbered(_db_rows(db, "SELECT * FROM visit"), "visdtc"):
        s = row["subject_id"]
        if row["visit"] in EVENT_OF_VISIT and (s, row["visit"]) not in used:
            used.add((s, row["visit"]))
            put((subjid[s], EVENT_OF_VISIT[row["visit"]], "", ""), "visit", row)
        else:
            unscheduled[s] = unscheduled.get(s, 0) + 1
            put((subjid[s], "unscheduled_arm_1", "visit", str(unscheduled[s])), "visit", row)
    instance_of: dict[int, int] = {}
    for n, row in _numbered(_db_rows(db, "SELECT * FROM infusion"), "exstdtc"):
        instance_of[row["id"]] = n
        put((subjid[row["subject_id"]], "infusions_arm_1", "infusion", str(n)), "infusion", row)
    for row in _db_rows(db, "SELECT * FROM vital_sign"):
        key = (subjid[row["subject_id"]], "infusions_arm_1", "vital_signs")
        put((*key, str(instance_of[row["infusion_id"]])), "vital_sign", row, row["vstpt"])
    for table, instrument, order in (
        ("medical_history", "medical_history", "id"),
        ("adverse_event", "adverse_events", "aestdtc"),
        ("conmed", "concomitant_medications", "id"),
    ):
        event = "baseline_arm_1" if table == "medical_history" else "logs_arm_1"
        for n, row in _numbered(_db_rows(db, f"SELECT * FROM {table}"), order):
            put((subjid[row["subject_id"]], event, instrument, str(n)), table, row)
    for row in _db_rows(db, "SELECT * FROM disposition"):
        put((subjid[row["subject_id"]], "end_of_study_arm_1", "", ""), "disposition", row)
    return where


INSTRUMENT_OF_TABLE = {
    "subject": "enrolment",
    "visit": "visit",
    "infusion": "infusion",
    "vital_sign": "vital_signs",
    "medical_history": "medical_history",
    "adverse_event": "adverse_events",
    "conmed": "concomitant_medications",
    "disposition": "disposition",
}


def _agrees(cell: str, stored: Any, var_type: str, validation: str, missing: str | None) -> bool:
    """Whether the records cell holds the stored value (in SI units)."""
    if stored is None:
        return cell == (missing or "")
    if var_type == "yesno":
        return cell == {"Y": "1", "N": "0"}[stored]
    if var_type in ("radio", "dropdown"):
        return cell == str(stored).replace("-", "_")
    if validation in ("integer", "number"):
        return math.isclose(float(cell), float(stored), rel_tol=1e-9, abs_tol=1e-9)
    if validation == "date_ymd":
        return cell == str(stored)[:10]
    if validation == "datetime_ymd":
        return cell == str(stored)[:16]
    return cell == str(stored)


def value_disagreements(db: Path, bundle: Path) -> list[str]:
    b = Bundle(bundle)
    rows = {
        (
            r["subjid"],
            r["redcap_event_name"],
            r["redcap_repeat_instrument"],
            r["redcap_repeat_instance"],
        ): r
        for r in b.records
    }
    out: list[str] = []
    where = expected_locations(db)
    if set(where) != set(rows):
        out.append(
            f"rows: missing {sorted(set(where) - set(rows))[:3]}, "
            f"extra {sorted(set(rows) - set(where))[:3]}"
        )
    for key, placed in where.items():
        row = rows.get(key, {})
        for table, stored, suffix in placed:
            form = INSTRUMENT_OF_TABLE[table]
            missing = json.loads(stored.get("missing") or "{}")
            for var in (v for v in b.vars if v.form == form and v.name != "subjid"):
                column = var.name
                if suffix:
                    base, _, timepoint = var.name.rpartition("_")
                    if timepoint != suffix.lower():
                        continue
                    column, stored_name = var.name, base
                else:
                    stored_name = var.name
                if column not in row:  # a field the export leaves out (identifying)
                    continue
                value = stored[stored_name]
                if not _agrees(
                    row[column], value, var.type, var.validation, missing.get(stored_name.upper())
                ):
                    out.append(f"{key} {column}: {row[column]!r} vs stored {value!r}")
            if not suffix and row.get(f"{form}_complete") != COMPLETE[stored["status"]]:
                out.append(
                    f"{key} {form}_complete {row.get(f'{form}_complete')!r} vs {stored['status']}"
                )
    return out


# --------------------------------------------------------------------------- the studies


def test_the_bundle_holds_its_files_in_upload_order(demo_bundle: Path) -> None:
    assert sorted(p.name for p in demo_bundle.iterdir()) == sorted(BUNDLE_FILES)
    assert list(BUNDLE_FILES) == sorted(BUNDLE_FILES[:-1]) + ["README.txt"]
    readme = (demo_bundle / "README.txt").read_text(encoding="utf-8")
    steps = [readme.index(f"{n}. ") for n in (1, 2, 3)]
    assert steps == sorted(steps)
    for name in BUNDLE_FILES[:-1]:
        assert name in readme
    assert not (demo_bundle / BUNDLE_FILES[0]).read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("study", ["demo", "scale", "small", "demo-zh-one-site"])
def test_the_records_agree_with_the_bundles_dictionary(
    study: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if study == "small":
        small = request.getfixturevalue("small")
        bundle = export_bundle(small.path, tmp_path / "bundle")
    elif study == "demo-zh-one-site":
        db = request.getfixturevalue("demo_db")
        bundle = export_bundle(db, tmp_path / "zh", language="zh", sites=("NJG",), forms=("VIS",))
        dictionary = read_csv(bundle / "1_data_dictionary.csv")
        assert dictionary[2][4] == "研究中心"  # siteid, labelled in Chinese
        assert {r["subjid"][:3] for r in read_records(bundle)} == {"NJG"}
        assert {r["redcap_repeat_instrument"] for r in read_records(bundle)} >= {"infusion"}
    else:
        bundle = request.getfixturevalue(f"{study}_bundle")
    assert bundle_problems(bundle) == []
    assert len(read_records(bundle)) > 0


@pytest.mark.parametrize("study", ["demo", "scale"])
def test_the_records_agree_with_the_sqlite_file(study: str, request: pytest.FixtureRequest) -> None:
    db = request.getfixturevalue(f"{study}_db")
    bundle = request.getfixturevalue(f"{study}_bundle")
    assert value_disagreements(db, bundle) == []
    records = read_records(bundle)
    assert {r["subjid"] for r in records} == set(_subject_ids(db).values())


def test_the_small_study_with_its_missing_code_and_formula_text(
    small: Store, ids: dict[str, str], tmp_path: Path
) -> None:
    assert small.path is not None
    bundle = export_bundle(small.path, tmp_path / "bundle")
    assert value_disagreements(small.path, bundle) == []
    rows = read_records(bundle)
    m6 = next(
        r for r in rows if r["subjid"] == ids["S5"] and r["redcap_event_name"] == "month_6_arm_1"
    )
    assert m6["alt"] == "ND" and m6["tbil"] == "18"
    terms = [r["aeterm"] for r in rows if r["redcap_repeat_instrument"] == "adverse_events"]
    assert any(t.startswith("=HYPERLINK") for t in terms)  # kept exactly, for REDCap


def test_every_status_maps_to_its_complete_value(small: Store, tmp_path: Path) -> None:
    assert small.path is not None
    db = tmp_path / "statuses.db"
    small.close()
    shutil.copy(small.path, db)
    with sqlite3.connect(db) as conn:
        for n, status in enumerate(("draft", "verified", "signed", "locked")):
            conn.execute("UPDATE visit SET status = ? WHERE id % 4 = ?", (status, n))
        first = "SELECT min(id) FROM vital_sign"
        conn.execute(f"UPDATE vital_sign SET status = 'draft' WHERE id = ({first})")
        infusion = conn.execute(f"SELECT infusion_id FROM vital_sign WHERE id = ({first})")
        drafted = infusion.fetchone()[0]
    conn.close()
    bundle = export_bundle(db, tmp_path / "bundle")
    assert value_disagreements(db, bundle) == []
    complete = {r["visit_complete"] for r in read_records(bundle) if r["visit_complete"]}
    assert complete == {"0", "2"}
    vs = [r["vital_signs_complete"] for r in read_records(bundle) if r["vital_signs_complete"]]
    n_infusions = len(_db_rows(db, "SELECT DISTINCT infusion_id FROM vital_sign"))
    assert drafted and len(vs) == n_infusions
    assert sorted(vs) == ["0"] + ["1"] * (n_infusions - 1)  # the lowest of its timepoints


# --------------------------------------------------------------------------- the checker


def test_the_checker_finds_a_value_that_does_not_fit(demo_bundle: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bad"
    shutil.copytree(demo_bundle, bundle)
    rows = read_csv(bundle / "3_records.csv")
    header = rows[0]
    baseline = next(r for r in rows[1:] if r[1] == "baseline_arm_1" and not r[2])
    baseline[header.index("tbil")] = "high"
    baseline[header.index("sex")] = "X"
    rows[0] = [*header[:-1], "not_a_field"]
    import csv

    with (bundle / "3_records.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    problems = bundle_problems(bundle)
    assert problems == ["records: column 'not_a_field' is no field of the dictionary"]
    rows[0] = header
    with (bundle / "3_records.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    text = "\n".join(bundle_problems(bundle))
    assert "tbil = 'high' does not fit" in text and "sex = 'X' does not fit" in text


# --------------------------------------------------------------------------- the export


def test_identifying_fields_are_marked_and_left_out_unless_asked(
    demo_db: Path, demo_bundle: Path, tmp_path: Path
) -> None:
    dictionary = read_csv(demo_bundle / "1_data_dictionary.csv")
    marked = {row[0] for row in dictionary[1:] if row[10] == "y"}
    assert marked == {"initials", "brthdtc", "hospnum"}
    assert "hospnum" not in read_csv(demo_bundle / "3_records.csv")[0]
    with_ids = export_bundle(demo_db, tmp_path / "with_ids", include_identifying=True)
    assert "hospnum" in read_csv(with_ids / "3_records.csv")[0]
    assert bundle_problems(with_ids) == []
    assert value_disagreements(demo_db, with_ids) == []


def test_conventional_units_convert_values_and_soft_ranges(demo_db: Path, tmp_path: Path) -> None:
    bundle = export_bundle(demo_db, tmp_path / "conv", units="conventional")
    assert bundle_problems(bundle) == []
    rows = {r[0]: r for r in read_csv(bundle / "1_data_dictionary.csv")[1:]}
    assert rows["tbil"][4].endswith("(mg/dL)")
    assert (rows["tbil"][8], rows["tbil"][9]) == ("0.1169590643", "29.23976608")
    stored = _db_rows(
        demo_db,
        "SELECT s.subjid, v.tbil FROM visit v JOIN subject s ON s.id = v.subject_id "
        "WHERE v.visit = 'BASELINE'",
    )
    baseline = {r["subjid"]: r["tbil"] for r in stored}
    for record in read_records(bundle):
        if (
            record["redcap_event_name"] == "baseline_arm_1"
            and not record["redcap_repeat_instrument"]
        ):
            assert math.isclose(
                float(record["tbil"]), baseline[record["subjid"]] / 17.1, rel_tol=1e-9
            )


def test_the_soft_range_is_min_max_and_the_hard_range_a_note(demo_bundle: Path) -> None:
    rows = {r[0]: r for r in read_csv(demo_bundle / "1_data_dictionary.csv")[1:]}
    assert (rows["tbil"][7], rows["tbil"][8], rows["tbil"][9]) == ("number", "2", "500")
    assert "allowed 0 - 1500" in rows["tbil"][6]
    assert rows["excell"][6].endswith("allowed >0")
    assert (
        rows["exsrc"][5]
        == "UC_MSC, Umbilical cord MSC | CB_MSC, Cord blood MSC | BM_MSC, Bone marrow MSC"
    )
    assert rows["aeser"][3] == "yesno" and rows["meld"][17] == "@READONLY"
    assert rows["temp_15min"][4] == "Temperature (°C), 15 min"


def test_the_bundle_export_is_audited(small: Store, tmp_path: Path) -> None:
    assert small.path is not None
    report = export_csv(
        small, tmp_path / "csv", ExportOptions(), user="pi", redcap_dir=tmp_path / "rc"
    )
    assert report.redcap_dir == tmp_path / "rc" and len(report.redcap_files) == len(BUNDLE_FILES)
    user, what = _export_rows(small.path)[-1]
    assert user == "pi" and "REDCap bundle in rc" in what


@pytest.mark.parametrize("at", [98, 99])
def test_a_cancelled_export_leaves_no_bundle_file(small: Store, tmp_path: Path, at: int) -> None:
    """Cancelled as the bundle starts (nothing written yet) or once it is written (taken
    back with the workbook)."""
    seen: list[int] = []
    with pytest.raises(ExportCancelled):
        export_workbook(
            small,
            tmp_path / "x.xlsx",
            ExportOptions(),
            user="pi",
            redcap_dir=tmp_path / "rc",
            progress=lambda percent, _message: seen.append(percent),
            cancelled=lambda: bool(seen) and seen[-1] >= at,
        )
    left = list((tmp_path / "rc").iterdir()) if (tmp_path / "rc").exists() else None
    assert left == ([] if at == 99 else None) and not (tmp_path / "x.xlsx").exists()
    assert small.path is not None and _export_rows(small.path) == []


def test_the_comparison_finds_a_changed_value(
    demo_db: Path, demo_bundle: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "changed.db"
    shutil.copy(demo_db, changed)
    with sqlite3.connect(changed) as conn:
        conn.execute("UPDATE visit SET tbil = tbil + 1 WHERE id = (SELECT min(id) FROM visit)")
        conn.execute(
            "UPDATE vital_sign SET pulse = pulse + 1 WHERE id = (SELECT min(id) FROM vital_sign)"
        )
    conn.close()
    found = value_disagreements(changed, demo_bundle)
    assert len(found) == 2 and " tbil: " in found[0] and " pulse_" in found[1]


def test_an_empty_study_has_a_bundle_with_no_records(store: Store, tmp_path: Path) -> None:
    assert store.path is not None
    store.close()
    bundle = export_bundle(store.path, tmp_path / "empty")
    assert bundle_problems(bundle) == []
    rows = read_csv(bundle / "3_records.csv")
    assert len(rows) == 1 and rows[0][:4] == ["subjid", *SYSTEM]
    assert "0 records (one per subject)" in (bundle / "README.txt").read_text(encoding="utf-8")
