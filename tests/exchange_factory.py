"""Site files and a coordinating centre for the exchange tests (tests/exchange).

``build_sites`` makes three site files of study :data:`STUDY` (GZH, NJG, SHA), each with an
administrator, a nurse and a PI, a few subjects with an infusion and a visit, and two packages:
the first after the first subjects, the second after more data (a correction included).
Built once per module and copied; the packages are plain files beside them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.exchange import centre
from msct_crf.exchange.site_package import init_site, write_package
from msct_crf.storage.store import Store
from msct_crf.workflow import records

STUDY = "MSCT-2026-01"
SITES = ("GZH", "NJG", "SHA")
ADMIN_PW = "admin-pass-1"
NURSE_PW = "nurse-pass-1"
PI_PW = "pi-pass-123"
#: The passphrase of the test centres' signing key (new_centre makes the key with it).
CENTRE_PASSPHRASE = "violet harbour lantern kettle 2026"
START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


class SteppingClock:
    """A clock that moves one second each reading (audit times never go backwards)."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@dataclass
class SiteFiles:
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    packages: dict[str, list[Path]] = field(default_factory=dict)

    def all_packages(self) -> list[Path]:
        return [p for site in SITES for p in self.packages[site]]


def fast_hashing() -> None:
    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def enrolment(site: str, initials: str) -> dict[str, str]:
    return {
        "SITEID": site,
        "INITIALS": initials,
        "SEX": "F",
        "BRTHDTC": "1970-03-01",
        "RFICDTC": "2024-01-05",
        "ENRLDTC": "2024-01-05",
        "DXCAT": "PBC",
        "HEIGHT": "160",
        "WEIGHT": "55",
        **{f"IEIN0{i}": "Y" for i in range(1, 5)},
        **{f"IEEX0{i}": "N" for i in range(1, 6)},
    }


def add_subject(store: Store, actor: access.Actor, site: str, initials: str, tbil: str) -> str:
    enrol = records.save_form(
        store,
        user="",
        actor=actor,
        form="ENROL",
        values=enrolment(site, initials),
        confirm_warnings=True,
    )
    assert enrol.saved and enrol.subject, enrol.message
    infusion = records.save_form(
        store,
        user="",
        actor=actor,
        form="EX",
        subject=enrol.subject,
        values={
            "EXSTDTC": "2024-01-10 09:00",
            "EXENDTC": "2024-01-10 09:45",
            "EXSRC": "UC-MSC",
            "EXLOT": "LOT-1",
            "EXWT": "55",
            "EXCELL": "55",
            "EXPLAN": "1.0",
        },
        confirm_warnings=True,
    )
    assert infusion.saved, infusion.message
    visit = records.save_form(
        store,
        user="",
        actor=actor,
        form="VIS",
        subject=enrol.subject,
        values={
            "VISIT": "BASELINE",
            "VISDTC": "2024-01-08",
            "TBIL": tbil,
            "ALB": "32",
            "ALT": "45",
            "PT": "14",
            "INR": "1.3",
            "CREAT": "70",
            "SODIUM": "138",
        },
        confirm_warnings=True,
    )
    assert visit.saved, visit.message
    return enrol.subject


def package(path: Path, out: Path, *, full: bool = False) -> Path:
    with Store.open_path(path, create=False) as store:
        admin = access.login(store, "admin", ADMIN_PW)
        try:
            report = write_package(store, admin, out, full=full)
        finally:
            access.logout(store, admin)
    return report.path


def build_site(
    folder: Path, site: str, subjects: int, *, name: str | None = None
) -> tuple[Path, list[Path]]:
    """A site file with `subjects` subjects and two packages; `name` registers a site the
    new file's registry does not have yet (any code but GZH, NJG and SHA)."""
    path = folder / f"{site}.db"
    out = folder / f"{site}-out"
    out.mkdir(parents=True)
    init_site(path, site, STUDY, name=name)
    with Store.open_path(path) as store:
        access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
        admin = access.login(store, "admin", ADMIN_PW)
        access.add_user(
            store, admin, username="nurse1", full_name="Zhang Min", role="nurse", password=NURSE_PW
        )
        access.add_user(
            store, admin, username="liwei", full_name="Dr Li Wei", role="pi", password=PI_PW
        )
        access.logout(store, admin)
        nurse = access.login(store, "nurse1", NURSE_PW)
        first = [add_subject(store, nurse, site, f"A{chr(65 + i)}", "30") for i in range(subjects)]
        access.logout(store, nurse)
    packages = [package(path, out)]
    with Store.open_path(path) as store:
        nurse = access.login(store, "nurse1", NURSE_PW)
        add_subject(store, nurse, site, "ZZ", "41")
        result = records.save_form(  # a correction of a complete form, with its reason
            store,
            user="",
            actor=nurse,
            form="ENROL",
            subject=first[0],
            values={**enrolment(site, "QQ")},
            reason="typo in initials",
            confirm_warnings=True,
        )
        assert result.saved, result.message
        access.logout(store, nurse)
    packages.append(package(path, out))
    return path, packages


def build_sites(folder: Path) -> SiteFiles:
    fast_hashing()
    built = SiteFiles(folder)
    with use_clock(SteppingClock()):
        for number, site in enumerate(SITES, start=1):
            built.files[site], built.packages[site] = build_site(folder, site, number)
    return built


def copy_sites(built: SiteFiles, folder: Path) -> SiteFiles:
    shutil.copytree(built.folder, folder, dirs_exist_ok=True)
    copied = SiteFiles(folder)
    for site in SITES:
        copied.files[site] = folder / built.files[site].name
        copied.packages[site] = [folder / p.parent.name / p.name for p in built.packages[site]]
    return copied


def centre_passphrase() -> str:
    """What the centre's data manager types to make or open the centre key."""
    return CENTRE_PASSPHRASE


def new_centre(url: str) -> Store:
    summary = centre.init_centre(url, STUDY, centre_passphrase)
    assert summary.startswith("ok: coordinating centre of study"), summary
    return centre.open_centre(url)
