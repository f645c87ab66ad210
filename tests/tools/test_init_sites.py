"""`msct-crf init --site CODE` registers the file's own site (its name given, or taken from
the centre's registry) and `msct-crf scale --site CODE` takes any valid code (issue 13)."""

from __future__ import annotations

import pytest
from exchange_factory import STUDY, SteppingClock, enrolment

from msct_crf.clock import use_clock
from msct_crf.exchange import centre
from msct_crf.storage import study_identity
from msct_crf.storage.db.engine import sqlite_url
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main
from msct_crf.workflow import records
from msct_crf.workflow.sites import study_sites


@pytest.fixture(autouse=True)
def _clock():
    with use_clock(SteppingClock()):
        yield


def test_init_registers_a_new_site_with_its_names_and_it_enrols(tmp_path, capsys):
    path = tmp_path / "bj01.db"
    args = ["init", "--db", str(path), "--site", "BJ01", "--study", STUDY]
    assert (
        main(
            [*args, "--site-name", "Beijing Friendship Hospital", "--site-name-zh", "北京友谊医院"]
        )
        == 0
    )
    assert "study file of site BJ01" in capsys.readouterr().out
    with Store.open_path(path, create=False) as store:
        sites = study_sites(store)
        assert sites.codes == ("BJ01", "GZH", "NJG", "SHA")
        assert sites.label("BJ01", "zh") == "北京友谊医院"
        saved = records.save_form(
            store, user="nurse", form="ENROL", values=enrolment("BJ01", "AB"), confirm_warnings=True
        )
        assert saved.saved and saved.subject == "BJ01-001"
        with store.reading() as session:
            assert study_identity.site_code(session) == "BJ01"
    assert main(args) == 0  # again, without a name: it is registered already


def test_init_takes_the_name_from_the_centres_registry(tmp_path, capsys):
    url = sqlite_url(tmp_path / "centre.db")
    centre.init_centre(url, STUDY)
    assert (
        main(
            [
                "central",
                "add-site",
                "--url",
                url,
                "--site",
                "WUH",
                "--name",
                "Wuhan Union",
                "--name-zh",
                "武汉协和",
            ]
        )
        == 0
    )
    path = tmp_path / "wuh.db"
    registry = str(tmp_path / "centre.db")
    assert (
        main(["init", "--db", str(path), "--site", "WUH", "--study", STUDY, "--registry", registry])
        == 0
    )
    with Store.open_path(path, create=False) as store:
        assert study_sites(store).label("WUH", "zh") == "武汉协和"
    capsys.readouterr()
    other = tmp_path / "cd02.db"
    args = ["init", "--db", str(other), "--site", "CD02", "--study", STUDY, "--registry", url]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "CD02: not registered in" in err and err.count("\n") == 1 and "Traceback" not in err


def test_init_of_an_unknown_site_without_a_name_makes_no_file(tmp_path, capsys):
    path = tmp_path / "x.db"
    assert main(["init", "--db", str(path), "--site", "CD02", "--study", STUDY]) == 1
    err = capsys.readouterr().err
    assert "--site-name" in err and "Traceback" not in err
    assert not path.exists()


def test_scale_takes_any_valid_site_code(tmp_path, capsys):
    path = tmp_path / "scale.db"
    assert (
        main(["scale", "--db", str(path), "--subjects", "3", "--site", "CD02", "--study", STUDY])
        == 0
    )
    with Store.open_path(path, create=False) as store:
        assert "CD02" in study_sites(store).codes
        with store.reading() as session:
            assert study_identity.site_code(session) == "CD02"
    assert main(["verify", "--db", str(path)]) == 0
    capsys.readouterr()
    assert main(["scale", "--db", str(tmp_path / "y.db"), "--subjects", "3", "--site", "cd-2"]) == 1
    assert "2 to 6 capital letters or digits" in capsys.readouterr().err
