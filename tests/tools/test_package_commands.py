"""`msct-crf init` and `msct-crf package` from the shell: one line each, never a traceback."""

from __future__ import annotations

import io

import pytest
from exchange_factory import ADMIN_PW, STUDY, SteppingClock, fast_hashing
from trust_factory import fast_hasher  # noqa: F401  (autouse fixture)

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.storage import study_identity
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main


@pytest.fixture(autouse=True)
def _clock():
    with use_clock(SteppingClock()):
        yield


def test_init_gives_a_new_file_its_study_and_site(tmp_path, capsys):
    path = tmp_path / "gzh.db"
    assert main(["init", "--db", str(path), "--site", "GZH", "--study", STUDY]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {path} is the study file of site GZH")
    with Store.open_path(path) as store, store.reading() as session:
        assert study_identity.site_code(session) == "GZH"
        assert study_identity.read_setting(session, study_identity.STUDY_ID_KEY) == STUDY
    # again: nothing to change; another site or study is refused in one line
    assert main(["init", "--db", str(path), "--site", "GZH", "--study", STUDY]) == 0
    assert main(["init", "--db", str(path), "--site", "NJG", "--study", STUDY]) == 1
    assert "belongs to site GZH, not NJG" in capsys.readouterr().err
    assert main(["init", "--db", str(path), "--site", "GZH", "--study", "OTHER-1"]) == 1
    assert f"belongs to study {STUDY}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("site", "study", "message"),
    [
        ("gz", STUDY, "must be 2 to 6 capital letters or digits"),
        ("TOOLONG7", STUDY, "must be 2 to 6 capital letters or digits"),
        ("GZH", "MSCT 2026", "must be the protocol number"),
        ("GZH", "MSCT--2026", "must be the protocol number"),
        ("XYZ", STUDY, "not a registered site of this study; give its name"),
    ],
)
def test_init_refuses_bad_codes_in_one_line(tmp_path, capsys, site, study, message):
    path = tmp_path / "x.db"
    assert main(["init", "--db", str(path), "--site", site, "--study", study]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_package_writes_the_next_numbered_file(tmp_path, capsys, monkeypatch):
    fast_hashing()
    path, out = tmp_path / "njg.db", tmp_path / "usb"
    out.mkdir()
    assert main(["init", "--db", str(path), "--site", "NJG", "--study", STUDY]) == 0
    with Store.open_path(path) as store:
        access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
    for number in (1, 2):
        monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PW + "\n"))
        argv = ["package", "--db", str(path), "--out", str(out), "--user", "admin"]
        assert main([*argv, "--password-stdin"]) == 0
        assert f"NJG-000{number}.msctpkg written to {out}" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["NJG-0001.msctpkg", "NJG-0002.msctpkg"]


def test_package_needs_accounts_and_a_site(tmp_path, capsys):
    path, out = tmp_path / "s.db", tmp_path
    Store.open_path(path).close()
    assert main(["package", "--db", str(path), "--out", str(out)]) == 1
    assert "no accounts yet" in capsys.readouterr().err
    assert main(["package", "--db", str(tmp_path / "none.db"), "--out", str(out)]) == 1
    assert "not found" in capsys.readouterr().err


def test_scale_makes_a_single_site_file(tmp_path, capsys):
    path = tmp_path / "scale.db"
    argv = ["scale", "--db", str(path), "--subjects", "12", "--site", "SHA", "--study", STUDY]
    assert main(argv) == 0
    with Store.open_path(path) as store, store.reading() as session:
        from sqlalchemy import select

        from msct_crf.storage.db.models import Subject

        subjects = [(s.subjid, s.siteid) for s in session.scalars(select(Subject))]
        assert study_identity.site_code(session) == "SHA"
        assert study_identity.read_setting(session, study_identity.STUDY_ID_KEY) == STUDY
    assert len(subjects) == 12
    assert {site for _, site in subjects} == {"SHA"}
    assert [subjid for subjid, _ in subjects][:2] == ["SHA-001", "SHA-002"]
    assert main(["verify", "--db", str(path)]) == 0


def test_init_of_a_study_with_accounts_needs_its_administrator(tmp_path, capsys, monkeypatch):
    fast_hashing()
    path = tmp_path / "old.db"
    with Store.open_path(path, study_id=STUDY) as store:
        access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
    argv = ["init", "--db", str(path), "--site", "SHA", "--study", STUDY, "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password\n"))
    assert main([*argv, "--user", "admin"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PW + "\n"))
    assert main([*argv, "--user", "admin"]) == 0
    with Store.open_path(path) as store, store.reading() as session:
        assert study_identity.site_code(session) == "SHA"
