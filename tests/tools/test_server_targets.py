"""`msct-crf demo --db URL` and `msct-crf scale --db URL`: a clinic server's or a centre's
test database filled like a file (PostgreSQL, the test cluster's ``pg_url``)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from trust_factory import fast_hasher  # noqa: F401  (autouse fixture)

from msct_crf.errors import UserError
from msct_crf.storage.db.models import Subject, Visit
from msct_crf.storage.server_verify import verify_location
from msct_crf.storage.store import Store
from msct_crf.tools import scale
from msct_crf.tools.cli import main
from msct_crf.tools.demo import create_demo
from msct_crf.workflow.records import save_form

_NEW_SUBJECT = {
    "SITEID": "GZH",
    "INITIALS": "LXM",
    "SEX": "F",
    "BRTHDTC": "1970-05-01",
    "RFICDTC": "2026-11-20",
    "ENRLDTC": "2026-11-21",
    "DXCAT": "PBC",
}


def test_scale_fills_a_server_database_the_app_keeps_writing_to(pg_url: str) -> None:
    summary = scale.create_scale_study(pg_url, subjects=12, site="GZH")
    assert "12 subjects" in summary
    assert all(c.ok for c in verify_location(pg_url)), [
        c.detail for c in verify_location(pg_url) if not c.ok
    ]
    with Store.open(pg_url) as store:
        result = save_form(store, user="nurse", form="ENROL", values=_NEW_SUBJECT)
        assert result.saved, result.findings
        assert result.subject == "GZH-013"
        with store.reading() as session:
            assert session.scalar(select(func.count()).select_from(Subject)) == 13
            assert session.scalar(select(func.max(Subject.id))) == 13
    assert all(c.ok for c in verify_location(pg_url))


def test_demo_fills_a_server_database(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", pg_url]) == 0
    assert "26 subjects" in capsys.readouterr().out
    with Store.open(pg_url) as store, store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Subject)) == 26
        assert session.scalar(select(func.count()).select_from(Visit)) > 100
    assert all(c.ok for c in verify_location(pg_url))


def test_demo_with_accounts_on_a_server(pg_url: str) -> None:
    summary = create_demo(pg_url, with_accounts=True)
    assert "forms verified, signed and locked" in summary
    checks = verify_location(pg_url)  # the signatures and checkpoints verify on the server too
    assert all(c.ok for c in checks), [c.detail for c in checks if not c.ok]


@pytest.mark.parametrize("command", ["demo", "scale"])
def test_a_server_database_that_is_not_empty_is_refused_even_with_force(
    pg_url: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(pg_url) as store:
        save_form(store, user="nurse", form="ENROL", values=_NEW_SUBJECT)
    assert main([command, "--db", pg_url, "--force"]) == 1
    err = capsys.readouterr().err.strip()
    assert "not empty" in err and "createdb" in err and "\n" not in err
    with Store.open(pg_url) as store, store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Subject)) == 1


def test_an_unreachable_server_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UserError, match="cannot connect"):
        create_demo("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(UserError) as refused:
        scale.create_scale_study("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(refused.value)
