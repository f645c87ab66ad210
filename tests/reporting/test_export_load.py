"""Export loading (queries -> plain typed frames) apart from reshaping (filters, sheets).

`read_study` only reads: every record of every form, unfiltered, typed, in SI units. The
options act afterwards, in `load_study` and the sheet builders, which these tests drive
with and without filters on the same small study the export tests use.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from export_factory import SUBJECTS, VISITS, build_small_study

from msct_crf.reporting.export import ExportCancelled, ExportOptions
from msct_crf.reporting.export.data import load_study
from msct_crf.reporting.export.load import LOADED_FORMS, read_study
from msct_crf.reporting.export.long_sheets import in_units
from msct_crf.storage import audit
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS, FieldType
from msct_crf.study.units import UnitSystem, from_si

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small_load") / "small.db"
    build_small_study(path)
    return path


@pytest.fixture
def small(tmp_path: Path, small_db: Path) -> Iterator[Store]:
    path = tmp_path / "small.db"
    shutil.copy(small_db, path)
    with Store.open_path(path) as store:
        yield store


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_read_study_reads_every_record_of_every_form_typed(small: Store) -> None:
    raw = read_study(small, include_audit=False)
    assert tuple(raw.forms) == LOADED_FORMS
    assert small.path is not None
    for code, frame in raw.forms.items():
        form = FORMS[code]
        assert len(frame) == _count(small.path, form.table), code
        for f in form.fields:
            if f.type in (FieldType.DATE, FieldType.DATETIME):
                assert pd.api.types.is_datetime64_any_dtype(frame[f.code]), f.code
            elif f.is_numeric:
                assert frame[f.code].dtype == "float64", f.code
        assert all(isinstance(m, dict) for m in frame["missing"]), code
    assert raw.audit is None
    visits = raw.forms["VIS"]
    assert visits["missing"].map(lambda m: m.get("ALT")).tolist().count("ND") == 1


def test_read_study_keeps_si_units_and_integer_keys(small: Store) -> None:
    visits = read_study(small, include_audit=False).forms["VIS"]
    assert sorted(visits["TBIL"].tolist()) == sorted(float(v[4]) for v in VISITS)
    assert "SUBJID" not in visits  # subject IDs are mapped in by load_study
    assert visits["subject_id"].dtype.kind == "i"


def test_read_study_audit_and_head(small: Store) -> None:
    raw = read_study(small, include_audit=True)
    assert raw.audit is not None and small.path is not None
    assert len(raw.audit) == _count(small.path, "audit_log")
    with small.reading() as session:
        assert raw.head_hash == audit.head_hash(session)
    assert raw.head_hash == raw.audit["hash"].iloc[-1]


def test_read_study_checks_between_queries(small: Store) -> None:
    calls: list[int] = []
    read_study(small, include_audit=True, check=lambda: calls.append(1))
    assert len(calls) == len(LOADED_FORMS) + 1

    def cancel() -> None:
        raise ExportCancelled()

    with pytest.raises(ExportCancelled):
        read_study(small, include_audit=False, check=cancel)


def test_filters_act_after_reading(small: Store) -> None:
    everything = load_study(small, ExportOptions(), today=TODAY)
    gzh = load_study(small, ExportOptions(sites=("GZH",)), today=TODAY)
    assert len(everything.subjects) == len(SUBJECTS)
    expected = sum(1 for s in SUBJECTS.values() if s[0] == "GZH")
    assert len(gzh.subjects) == expected
    assert set(gzh.records["VIS"]["SUBJID"]) == set(gzh.subjects["SUBJID"])
    assert set(gzh.forms["VIS"].frame["SUBJID"]) == set(gzh.subjects["SUBJID"])


def test_in_units_converts_each_lab_column_like_one_value(small: Store) -> None:
    visits = read_study(small, include_audit=False).forms["VIS"]
    converted = in_units(visits, FORMS["VIS"], UnitSystem.CONVENTIONAL)
    for f in FORMS["VIS"].fields:
        if f.conventional is None:
            if f.code in visits and f.is_numeric:
                pd.testing.assert_series_equal(converted[f.code], visits[f.code])
            continue
        expected = [from_si(f, v, UnitSystem.CONVENTIONAL) for v in visits[f.code].tolist()]
        assert converted[f.code].tolist() == pytest.approx(expected, nan_ok=True, rel=0, abs=0)
    assert in_units(visits, FORMS["VIS"], UnitSystem.SI) is visits
