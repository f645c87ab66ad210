"""The database schema and the dictionary agree, and the migrations build the models' schema.

For every form every field has a column named `Field.column` with the SQL type its field
type calls for, and every column is either a field or bookkeeping. A migrated database,
inspected with SQLAlchemy, has the same tables and columns as the models, and Alembic's
autogenerate comparison finds nothing to change.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Date, DateTime, Float, Integer, String, inspect
from sqlalchemy.types import TypeEngine

from msct_crf.storage.db.base import Base
from msct_crf.storage.db.models import BOOKKEEPING_COLUMNS, FORM_MODELS
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS, Field, FieldType


def _table(form_code: str):
    return FORM_MODELS[form_code].__table__  # type: ignore[attr-defined]


def _check_type(f: Field, sql_type: TypeEngine) -> None:
    if f.type is FieldType.TEXT:
        assert isinstance(sql_type, String), f.code
        assert sql_type.length is None or sql_type.length >= f.max_length, (
            f"{f.code}: column length {sql_type.length} < max_length {f.max_length}"
        )
    elif f.type is FieldType.INTEGER:
        assert isinstance(sql_type, Integer), f.code
    elif f.type is FieldType.FLOAT:
        assert isinstance(sql_type, Float), f.code
    elif f.type is FieldType.DATE:
        assert isinstance(sql_type, Date) and not isinstance(sql_type, DateTime), f.code
    elif f.type is FieldType.PARTIAL_DATE:
        assert isinstance(sql_type, String) and sql_type.length == 10, f.code
    elif f.type is FieldType.DATETIME:
        assert isinstance(sql_type, DateTime), f.code
    elif f.type is FieldType.CODE:
        assert isinstance(sql_type, String), f.code
        assert f.codelist is not None
        longest = max(len(code) for code in f.codelist.codes)
        assert sql_type.length is None or sql_type.length >= longest, f.code
    else:  # pragma: no cover
        raise AssertionError(f"unknown field type {f.type}")


def test_every_form_has_a_model_on_its_table():
    assert set(FORM_MODELS) == set(FORMS)
    for code, form in FORMS.items():
        assert _table(code).name == form.table


@pytest.mark.parametrize("form_code", sorted(FORMS))
def test_every_field_has_a_column_of_the_right_type(form_code):
    table = _table(form_code)
    for f in FORMS[form_code].fields:
        assert f.column in table.c, f"{form_code}.{f.code}: no column {f.column}"
        _check_type(f, table.c[f.column].type)


@pytest.mark.parametrize("form_code", sorted(FORMS))
def test_every_column_is_a_field_or_bookkeeping(form_code):
    table = _table(form_code)
    fields = {f.column for f in FORMS[form_code].fields}
    for column in table.c:
        assert column.name in fields or column.name in BOOKKEEPING_COLUMNS, (
            f"{table.name}.{column.name} is neither a field of {form_code} nor bookkeeping"
        )


def test_field_columns_are_nullable_except_subject_identity():
    # a blank is not a value: every field may hold a missing-data code instead
    for code in FORMS:
        table = _table(code)
        for f in FORMS[code].fields:
            column = table.c[f.column]
            if (code, f.code) in {("ENROL", "SUBJID"), ("ENROL", "SITEID")}:
                assert not column.nullable
            else:
                assert column.nullable, f"{table.name}.{column.name}"


def test_children_point_at_their_parents():
    for code in FORMS:
        if code == "ENROL":
            continue
        table = _table(code)
        targets = {fk.column.table.name for fk in table.c.subject_id.foreign_keys}
        assert targets == {"subject"}
    vs = _table("VS")
    assert {fk.column.table.name for fk in vs.c.infusion_id.foreign_keys} == {"infusion"}
    assert not vs.c.infusion_id.nullable


# --------------------------------------------------------------------------- migrations


@pytest.fixture
def migrated(tmp_path):
    store = Store.open_path(tmp_path / "m.db")
    yield store
    store.close()


def test_migrated_database_has_the_models_tables_and_columns(migrated):
    inspector = inspect(migrated.engine)
    tables = set(inspector.get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert tables - set(Base.metadata.tables) == {"alembic_version"}
    for name, table in Base.metadata.tables.items():
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(columns) == {c.name for c in table.c}, name
        for column in table.c:
            reflected = columns[column.name]
            assert reflected["nullable"] == column.nullable or column.primary_key, (
                f"{name}.{column.name}"
            )
            # type affinity agrees (lengths are not enforced by SQLite but are kept)
            assert type(reflected["type"]).__name__.upper() in {
                type(column.type).__name__.upper(),
                column.type.compile(migrated.engine.dialect).split("(")[0],
            }, f"{name}.{column.name}: {reflected['type']} vs {column.type}"


def test_autogenerate_finds_no_difference(migrated):
    with migrated.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff


def test_indexes_and_unique_constraints_exist(migrated):
    inspector = inspect(migrated.engine)
    uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("subject")}
    assert ("subjid",) in uniques
    vs_uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("vital_sign")}
    assert ("infusion_id", "vstpt") in vs_uniques
    ds_uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("disposition")}
    assert ("subject_id",) in ds_uniques
    audit_indexes = {i["name"] for i in inspector.get_indexes("audit_log")}
    assert "ix_audit_log_table_record" in audit_indexes


def test_autogenerate_comparison_is_not_vacuous(migrated):
    # a column added behind the models' back shows up as a difference
    with migrated.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE visit ADD COLUMN stray TEXT")
    with migrated.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert any(d[0] == "remove_column" and d[2] == "visit" for d in diff), diff
