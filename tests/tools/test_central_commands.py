"""`msct-crf central init|add-site|import|status` and verify/export on the centre's URL."""

from __future__ import annotations

import re

import pytest
from exchange_factory import CENTRE_PASSPHRASE, STUDY, SteppingClock, build_sites
from trust_factory import fast_hasher  # noqa: F401  (autouse fixture)

from msct_crf.clock import use_clock
from msct_crf.storage.db.engine import sqlite_url
from msct_crf.tools.cli import main


@pytest.fixture
def url(tmp_path):
    return sqlite_url(tmp_path / "centre.db")


@pytest.fixture(autouse=True)
def passphrase_on_stdin(monkeypatch):
    """The centre key's passphrase on standard input, for `--password-stdin`."""
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(CENTRE_PASSPHRASE + "\n"))


def test_a_coordinating_centre_in_a_few_commands(tmp_path, url, capsys):
    with use_clock(SteppingClock()):
        sites = build_sites(tmp_path / "sites")
        assert main(["central", "init", "--url", url, "--study", STUDY, "--password-stdin"]) == 0
        assert "coordinating centre of study MSCT-2026-01" in capsys.readouterr().out
        argv = ["central", "add-site", "--url", url, "--site", "BJ01", "--name", "Beijing"]
        assert main([*argv, "--name-zh", "北京"]) == 0
        assert capsys.readouterr().out == "ok: site BJ01 registered\n"
        packages = [str(p) for p in reversed(sites.all_packages())]  # sorted by the command
        assert main(["central", "import", "--url", url, *packages]) == 0
        out = capsys.readouterr().out.splitlines()
        assert len(out) == 6 and all(": imported (site " in line for line in out)
        assert main(["central", "import", "--url", url, *packages]) == 0
        assert all("already imported" in line for line in capsys.readouterr().out.splitlines())
        assert main(["central", "status", "--url", url]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split() == ["site", "package", "subjects", "queries", "last", "sent"]
        assert lines[1].split()[:4] == ["BJ01", "-", "0", "0"]
        assert [line.split()[:3] for line in lines[2:-1]] == [
            ["GZH", "0002", "2"],
            ["NJG", "0002", "3"],
            ["SHA", "0002", "4"],
        ]
        assert re.fullmatch(r"centre key: SHA256:[0-9a-f]{4}( [0-9a-f]{4}){7}", lines[-1])
        assert main(["verify", "--db", url]) == 0
        assert main(["verify", "--db", str(tmp_path / "centre.db")]) == 0  # the file itself
        out = tmp_path / "centre.xlsx"
        centre_file = str(tmp_path / "centre.db")  # a server URL or the file (export takes both)
        assert main(["export", "--db", centre_file, "--out", str(out), "-q"]) == 0
        assert out.is_file()


def test_refusals_are_one_line(tmp_path, url, capsys):
    with use_clock(SteppingClock()):
        sites = build_sites(tmp_path / "sites")
        assert main(["central", "init", "--url", url, "--study", STUDY, "--password-stdin"]) == 0
        capsys.readouterr()
        second = str(sites.packages["GZH"][1])
        assert main(["central", "import", "--url", url, second]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "expects GZH-0001 next" in err
        assert main(["central", "status", "--url", sqlite_url(sites.files["GZH"])]) == 1
        assert "not a coordinating centre database" in capsys.readouterr().err
        assert main(["central", "init", "--url", url, "--study", "OTHER-2"]) == 1
        assert "belongs to study MSCT-2026-01" in capsys.readouterr().err
        assert main(["central", "add-site", "--url", url, "--site", "x", "--name", "X"]) == 1
        assert "2 to 6 capital letters" in capsys.readouterr().err


def test_queries_back_to_a_site_from_the_shell(tmp_path, url, capsys, monkeypatch):
    import io
    import sqlite3

    from exchange_factory import PI_PW

    with use_clock(SteppingClock()):
        sites = build_sites(tmp_path / "sites")
        assert main(["central", "init", "--url", url, "--study", STUDY, "--password-stdin"]) == 0
        assert main(["central", "import", "--url", url, *map(str, sites.all_packages())]) == 0
        with sqlite3.connect(tmp_path / "centre.db") as connection:
            (visit,) = connection.execute(
                "SELECT visit.id FROM visit JOIN subject ON subject.id = visit.subject_id "
                "WHERE subjid = 'SHA-003'"
            ).fetchone()
        argv = ["central", "raise-query", "--url", url, "--form", "VIS", "--subject", "SHA-003"]
        assert main([*argv, "--visit", "M6", "--text", "?"]) == 1  # no such visit
        assert "0 records match; name one with --visit or --record" in capsys.readouterr().err
        argv += ["--visit", "BASELINE", "--field", "ALB", "--text", "Albumin unit?"]
        assert main([*argv, "--user", "mon"]) == 0
        assert capsys.readouterr().out.startswith("ok: centre query C1 raised")
        argv = ["central", "raise-query", "--url", url, "--form", "VIS", "--subject", "SHA-003"]
        assert main([*argv, "--record", str(visit), "--text", "Date?", "--user", "mon"]) == 0
        out = tmp_path / "back"
        out.mkdir()
        capsys.readouterr()
        argv = ["central", "queries", "--url", url, "--site", "SHA", "--out", str(out)]
        argv.append("--password-stdin")
        monkeypatch.setattr("sys.stdin", io.StringIO("not the passphrase\n"))
        assert main(argv) == 1
        assert "passphrase is wrong" in capsys.readouterr().err
        assert list(out.iterdir()) == []  # nothing written
        monkeypatch.setattr("sys.stdin", io.StringIO(CENTRE_PASSPHRASE + "\n"))
        assert main(argv) == 0
        assert capsys.readouterr().out == f"ok: {out / 'SHA-R0001.msctret'} written\n"
        assert main(argv) == 0
        assert capsys.readouterr().out == "ok: no new queries for site SHA\n"
        returned = str(out / "SHA-R0001.msctret")
        for expected in ("imported, 2 queries", "already imported"):
            monkeypatch.setattr("sys.stdin", io.StringIO(PI_PW + "\n"))
            argv = ["import", "--db", str(sites.files["SHA"]), returned, "--user", "liwei"]
            assert main([*argv, "--password-stdin"]) == 0
            assert expected in capsys.readouterr().out
        assert main(["central", "status", "--url", url]) == 0
        assert capsys.readouterr().out.splitlines()[-2].split()[:4] == ["SHA", "0002", "4", "0"]
