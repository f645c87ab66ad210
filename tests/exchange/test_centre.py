"""The coordinating centre's import: three sites' packages in every order and twice give
the sum of the sites; a tampered, foreign, out-of-order or gapped package, or one from a
site file restored from an old backup, is refused with one line and nothing written."""

from __future__ import annotations

import itertools
import shutil

import pytest
from exchange_factory import SITES, STUDY, new_centre, package
from sqlalchemy import func, select

from msct_crf.exchange import centre
from msct_crf.exchange.package_format import PackageRefused
from msct_crf.storage.db.models import (
    AuditEntry,
    ImportedPackage,
    Infusion,
    SiteAuditEntry,
    Subject,
    Visit,
)
from msct_crf.storage.store import Store


def _counts(store: Store) -> dict[str, int]:
    with store.reading() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Subject, Infusion, Visit, ImportedPackage, SiteAuditEntry, AuditEntry)
        }


def _site_counts(sites) -> dict[str, int]:
    total: dict[str, int] = {}
    for site in SITES:
        with Store.open_read_only(sites.files[site]) as store, store.reading() as session:
            for model in (Subject, Infusion, Visit):
                n = int(session.scalar(select(func.count()).select_from(model)) or 0)
                total[model.__tablename__] = total.get(model.__tablename__, 0) + n
    return total


def _subjids(store: Store) -> list[tuple[str, str, str | None]]:
    with store.reading() as session:
        return sorted((s.subjid, s.siteid, s.initials) for s in session.scalars(select(Subject)))


@pytest.mark.parametrize("order", list(itertools.permutations(SITES)))
def test_three_sites_in_every_order_and_twice_give_the_sum(sites, centre_url, order):
    with new_centre(centre_url) as store:
        for site in order:
            lines = centre.import_files(store, sites.packages[site])
            assert [line.split(": ")[1].split(" (")[0] for line in lines] == ["imported"] * 2
        counts = _counts(store)
        again = centre.import_files(store, sites.all_packages())
        assert all("already imported" in line for line in again) and len(again) == 6
        assert _counts(store) == counts  # nothing changed
        expected = _site_counts(sites)
        assert {k: counts[k] for k in expected} == expected
        assert counts["imported_package"] == 6
        ids = _subjids(store)
        assert [s for s, _, _ in ids] == [
            "GZH-001",
            "GZH-002",
            "NJG-001",
            "NJG-002",
            "NJG-003",
            "SHA-001",
            "SHA-002",
            "SHA-003",
            "SHA-004",
        ]
        assert all(subjid.startswith(site + "-") for subjid, site, _ in ids)
        assert ("GZH-001", "GZH", "QQ") in ids  # the correction of package 2 arrived
        rows = {r.code: r for r in centre.status(store)}
        assert [(rows[s].last_package, rows[s].subjects) for s in SITES] == [(2, 2), (2, 3), (2, 4)]


def test_the_same_order_gives_the_same_centre(sites, centre_url, tmp_path):
    """Import order changes only the centre's own ids, never what it holds per subject."""
    from msct_crf.storage.db.engine import sqlite_url

    results = []
    for number, order in enumerate((SITES, tuple(reversed(SITES)))):
        with new_centre(sqlite_url(tmp_path / f"c{number}.db")) as store:
            for site in order:
                centre.import_files(store, sites.packages[site])
            with store.reading() as session:
                results.append(
                    sorted(
                        (v.subject.subjid, v.visit, v.tbil, v.meld)
                        for v in session.scalars(select(Visit))
                    )
                )
    assert results[0] == results[1] and len(results[0]) == 9


def _refused(store: Store, path, match: str) -> None:
    before = _counts(store)
    with pytest.raises(PackageRefused, match=match) as info:
        centre.import_files(store, [path])
    assert "\n" not in str(info.value)
    assert _counts(store) == before  # nothing written


def test_a_gap_is_refused_naming_the_missing_package(sites, centre_url):
    with new_centre(centre_url) as store:
        _refused(store, sites.packages["GZH"][1], "expects GZH-0001 next")
        centre.import_files(store, sites.packages["GZH"])
        assert _counts(store)["imported_package"] == 2


def test_a_package_altered_at_any_byte_is_refused(sites, centre_url):
    path = sites.packages["NJG"][0]
    data = path.read_bytes()
    with new_centre(centre_url) as store:
        before = _counts(store)
        for position in range(len(data)):  # every byte
            altered = bytearray(data)
            altered[position] ^= 0x01
            with pytest.raises(PackageRefused):
                centre.import_package(store, bytes(altered), path.name)
        assert _counts(store) == before
        # cut short or lengthened
        for altered in (data[:-1], data + b"\0"):
            with pytest.raises(PackageRefused):
                centre.import_package(store, altered, path.name)
        assert centre.import_package(store, data, path.name).outcome == "imported"


def test_a_package_of_another_study_or_an_unknown_site_is_refused(sites, centre_url, tmp_path):
    from msct_crf.storage.db.engine import sqlite_url

    other = sqlite_url(tmp_path / "other.db")
    centre.init_centre(other, "OTHER-2026-02")
    with centre.open_centre(other) as store:
        _refused(store, sites.packages["GZH"][0], f"a package of study {STUDY}")
    with new_centre(centre_url) as store:
        with store.session() as session:
            from msct_crf.storage.db.models import Site

            session.delete(session.get(Site, "SHA"))
        _refused(store, sites.packages["SHA"][0], "site SHA is not registered")


def test_a_site_restored_from_an_old_backup_is_refused_with_the_way_forward(sites, centre_url):
    path = sites.files["GZH"]
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.packages["GZH"])
        backup = path.with_name("GZH-backup.db")
        shutil.copyfile(path, backup)  # a backup taken after package 2
        out = path.parent / "resent"
        out.mkdir()
        centre.import_files(store, [package(path, out)])  # package 3 reaches the centre
        shutil.copyfile(backup, path)  # the site restores its older backup
        again = package(path, out.parent)  # numbered 3 again, with other contents
        assert again.name == "GZH-0003.msctpkg"
        _refused(store, again, "restored from an old backup; restore the site's newest backup")


def test_a_full_package_after_incremental_ones_overlaps_without_duplicates(sites, centre_url):
    path = sites.files["SHA"]
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.packages["SHA"])
        before = _counts(store)
        out = path.parent / "full"
        out.mkdir()
        full = package(path, out, full=True)
        (line,) = centre.import_files(store, [full])
        assert "imported (site SHA, package 3" in line
        after = _counts(store)
        assert {k: after[k] for k in ("subject", "infusion", "visit")} == {
            k: before[k] for k in ("subject", "infusion", "visit")
        }
        assert after["imported_package"] == 3
        assert after["site_audit_log"] > before["site_audit_log"]  # only the new rows


def test_the_site_chains_at_the_centre_are_append_only(sites, centre_url):
    import sqlalchemy.exc
    from sqlalchemy import delete as sql_delete
    from sqlalchemy import update as sql_update

    with new_centre(centre_url) as store:
        centre.import_files(store, sites.packages["GZH"])
        for statement in (
            sql_update(SiteAuditEntry).values(user="mallory"),
            sql_delete(SiteAuditEntry),
        ):
            with (
                pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"),
                store.engine.begin() as conn,
            ):
                conn.execute(statement)


def _resigned(site_path, package_path, edit) -> bytes:
    """The package with its payload edited and signed again with the site's own key (what a
    site file changed behind the application's back could send)."""
    from exchange_factory import ADMIN_PW

    from msct_crf import access
    from msct_crf.access import signing_keys
    from msct_crf.exchange import package_format as fmt
    from msct_crf.storage.signing import b64

    package = fmt.decode(package_path.read_bytes(), package_path.name)
    lines = [edit(line) for line in package.lines()]
    payload = fmt.encode_lines(lines)
    manifest = {**package.manifest, "payload_sha256": fmt.sha256(payload)}
    manifest_bytes = fmt.manifest_bytes(manifest)
    with Store.open_path(site_path) as store:
        admin = access.login(store, "admin", ADMIN_PW)
        with store.reading() as session:
            key, private = signing_keys.held_signer(session, admin)
            assert key.public_key == manifest["public_key"]  # the same key at every login
        access.logout(store, admin)
    signature = b64(private.sign(fmt.SIGNED_PREFIX + manifest_bytes))
    return fmt.Package(manifest_bytes, payload, signature).encode()


def test_two_sites_can_never_write_the_same_subject(sites, centre_url):
    def as_gzh(line):
        row = line.get("row")
        if line.get("table") == "subject" and row:
            return {**line, "row": {**row, "subjid": "GZH-001"}}
        return line

    forged = _resigned(sites.files["NJG"], sites.packages["NJG"][0], as_gzh)
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.packages["GZH"])
        before = _counts(store)
        with pytest.raises(PackageRefused, match="subject GZH-001 is not of site NJG"):
            centre.import_package(store, forged, "NJG-0001.msctpkg")
        assert _counts(store) == before


def test_a_package_signed_with_a_key_the_site_never_recorded_is_refused(sites, centre_url):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from msct_crf.access.signing_keys import public_text
    from msct_crf.exchange import package_format as fmt
    from msct_crf.storage.signing import b64

    path = sites.packages["SHA"][0]
    package = fmt.decode(path.read_bytes(), path.name)
    stranger = Ed25519PrivateKey.generate()
    manifest = {**package.manifest, "public_key": public_text(stranger)}
    manifest_bytes = fmt.manifest_bytes(manifest)
    signature = b64(stranger.sign(fmt.SIGNED_PREFIX + manifest_bytes))
    forged = fmt.Package(manifest_bytes, package.payload, signature).encode()
    with new_centre(centre_url) as store:
        with pytest.raises(PackageRefused, match="a key the site's audit trail does not record"):
            centre.import_package(store, forged, path.name)
        assert _counts(store)["imported_package"] == 0
