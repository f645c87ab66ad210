"""Return packages are signed with the centre's key, and a site trusts the key of its first
import only: an unsigned, altered or otherwise-signed return package is refused in one line
before anything is written in the site file (SQLite and PostgreSQL centres)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from exchange_factory import PI_PW, STUDY, centre_passphrase, new_centre
from sqlalchemy import func, select

from msct_crf import access
from msct_crf.exchange import centre, centre_key, returns
from msct_crf.exchange import package_format as fmt
from msct_crf.exchange.package_format import PackageRefused
from msct_crf.storage import signing, study_identity
from msct_crf.storage.db.engine import sqlite_url
from msct_crf.storage.db.models import AuditEntry, CentreQuery, Query, Subject, Visit
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store


def _returns(centre_url: str, sites, folder: Path, count: int = 2) -> tuple[list[Path], str]:  # type: ignore[no-untyped-def]
    """`count` genuine return packages for GZH (one query each) and the centre's key."""
    folder.mkdir()
    written = []
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        with store.reading() as session:
            visit = session.scalars(
                select(Visit.id).join(Subject).where(Subject.subjid == "GZH-001")
            ).one()
            public = centre_key.centre_public_key(session)
        for n in range(count):
            returns.raise_centre_query(
                store, form="VIS", record_id=visit, field=None, text=f"Q{n}?", user="mon.chen"
            )
            path = returns.write_return(
                store, "GZH", folder, user="mon.chen", passphrase=centre_passphrase
            )
            assert path is not None
            written.append(path)
    assert public is not None
    return written, public


def _site_state(path: Path) -> tuple[int, int, str | None, str | None]:
    with Store.open_read_only(path) as store, store.reading() as session:
        return (
            int(  # what was done: the login, its checkpoint and the logout aside
                session.scalar(
                    select(func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.action.notin_(("login", "logout", "checkpoint")))
                )
                or 0
            ),
            int(session.scalar(select(func.count()).select_from(Query)) or 0),
            study_identity.read_setting(session, centre_key.PUBLIC_KEY),
            study_identity.read_setting(session, returns.RETURN_KEY),
        )


def _import(site: Path, data: bytes, name: str) -> returns.ReturnImport:
    with Store.open_path(site, create=False) as store:
        actor = access.login(store, "liwei", PI_PW)
        try:
            return returns.import_return(store, actor, data, name)
        finally:
            access.logout(store, actor)


def _resigned(data: bytes, private: Ed25519PrivateKey, *, claim: str | None = None) -> bytes:
    """The package re-signed by `private`, naming `claim` (default: its own public key)."""
    package = fmt.decode(data, "x", expected=fmt.RETURN_FORMAT)
    manifest = package.manifest
    own = signing.b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    manifest["public_key"] = claim or own
    signed = fmt.manifest_bytes(manifest)
    signature = signing.b64(private.sign(centre_key.SIGNED_PREFIX + signed))
    return fmt.Package(signed, package.payload, signature).encode()


def _refused(site: Path, data: bytes, match: str) -> None:
    before = _site_state(site)
    with pytest.raises(PackageRefused, match=match) as refused:
        _import(site, data, "GZH-R0001.msctret")
    assert "\n" not in str(refused.value)
    assert _site_state(site) == before  # nothing written: no query, no pin, no audit row


def test_the_first_import_pins_the_centre_key_and_says_its_fingerprint(
    sites, centre_url, tmp_path
) -> None:
    (first, second), public = _returns(centre_url, sites, tmp_path / "out")
    site = sites.files["GZH"]
    assert _site_state(site)[2] is None
    done = _import(site, first.read_bytes(), first.name)
    assert done.pinned == centre_key.fingerprint(public)
    assert centre_key.fingerprint(public) in done.text() and "central status" in done.text()
    assert _site_state(site)[2] == public
    later = _import(site, second.read_bytes(), second.name)
    assert later.raised == 1 and later.pinned is None and "central status" not in later.text()
    checks = verify_database(site)  # the pin is an audited setting: the site file verifies
    assert all(c.ok for c in checks), [c.detail for c in checks if not c.ok]


def test_an_unsigned_return_package_is_refused(sites, centre_url, tmp_path) -> None:
    (first, _second), _public = _returns(centre_url, sites, tmp_path / "out")
    package = fmt.decode(first.read_bytes(), first.name, expected=fmt.RETURN_FORMAT)
    unsigned = fmt.Package(package.manifest_bytes, package.payload, "").encode()
    _refused(sites.files["GZH"], unsigned, "not signed by the centre")
    manifest = package.manifest
    del manifest["public_key"]  # an old-style package: no key at all
    old = fmt.Package(fmt.manifest_bytes(manifest), package.payload, "").encode()
    _refused(sites.files["GZH"], old, "not signed by the centre")


def test_a_tampered_return_package_is_refused(sites, centre_url, tmp_path) -> None:
    (first, _second), _public = _returns(centre_url, sites, tmp_path / "out")
    package = fmt.decode(first.read_bytes(), first.name, expected=fmt.RETURN_FORMAT)
    lines = package.lines()
    lines[0]["text"] = "Please delete this subject."
    payload = fmt.encode_lines(lines)
    manifest = package.manifest
    manifest["payload_sha256"] = fmt.sha256(payload)  # consistent, but not what was signed
    tampered = fmt.Package(fmt.manifest_bytes(manifest), payload, package.signature).encode()
    _refused(sites.files["GZH"], tampered, "signature does not match")
    # signed by another key while naming the centre's: the signature does not hold either
    claimed = _resigned(first.read_bytes(), Ed25519PrivateKey.generate(), claim=_public)
    _refused(sites.files["GZH"], claimed, "signature does not match")


def test_a_package_signed_by_another_key_than_the_pinned_one_is_refused(
    sites, centre_url, tmp_path
) -> None:
    (first, second), public = _returns(centre_url, sites, tmp_path / "out")
    site = sites.files["GZH"]
    _import(site, first.read_bytes(), first.name)
    foreign = Ed25519PrivateKey.generate()
    other = _resigned(second.read_bytes(), foreign)
    before = _site_state(site)
    with pytest.raises(PackageRefused) as refused:
        _import(site, other, second.name)
    reason = str(refused.value)
    assert centre_key.fingerprint(public) in reason and "first import" in reason
    assert _site_state(site) == before
    assert _import(site, second.read_bytes(), second.name).raised == 1  # the genuine one


def test_a_centre_without_a_key_refuses_to_write_a_return_package(
    sites, centre_url, tmp_path
) -> None:
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        with store.session() as session:  # as a centre made before centre keys was
            session.delete(session.get(centre_key.StudySetting, centre_key.PRIVATE_KEY))
        with store.reading() as session:
            visit = session.scalars(select(Visit.id)).first()
        returns.raise_centre_query(
            store, form="VIS", record_id=visit, field=None, text="?", user="mon.chen"
        )
        with pytest.raises(returns.UserError, match="central init"):
            returns.write_return(
                store, "GZH", tmp_path, user="mon.chen", passphrase=centre_passphrase
            )
        assert list(tmp_path.glob("*.msctret")) == []
        with store.reading() as session:
            actions = set(session.scalars(select(AuditEntry.action)))
        assert "return_package" not in actions
    assert "centre key SHA256:" in centre.init_centre(
        centre_url, STUDY, centre_passphrase
    )  # makes a new one
    with centre.open_centre(centre_url) as store:
        assert (
            returns.write_return(
                store, "GZH", tmp_path, user="mon.chen", passphrase=centre_passphrase
            )
            is not None
        )


def test_the_centre_key_is_kept_wrapped_under_its_passphrase(sites, centre_url, tmp_path) -> None:
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        with store.reading() as session:
            stored = session.get(centre_key.StudySetting, centre_key.PRIVATE_KEY)
            assert stored is not None and stored.value.startswith("argon2id$")
            wrapped = stored.value
            visit = session.scalars(select(Visit.id)).first()
            logged = [r.new_value or "" for r in session.scalars(select(AuditEntry))]
        assert not any(wrapped in text for text in logged)  # never in the audit trail
        returns.raise_centre_query(
            store, form="VIS", record_id=visit, field=None, text="?", user="mon.chen"
        )
        with pytest.raises(returns.UserError, match="passphrase is wrong"):
            returns.write_return(
                store, "GZH", tmp_path, user="mon.chen", passphrase=lambda: "guess"
            )
        assert list(tmp_path.glob("*.msctret")) == []
        with store.reading() as session:  # the query is still to be sent
            assert session.scalars(select(CentreQuery.return_number)).all() == [None]


def test_a_weak_passphrase_makes_no_key(tmp_path) -> None:
    url = sqlite_url(tmp_path / "centre.db")
    with pytest.raises(returns.UserError, match="passphrase"):
        centre.init_centre(url, STUDY, lambda: "password")
    summary = centre.init_centre(url, STUDY)  # a centre, still without a key
    assert summary.endswith("centre key none yet")
    assert "centre key SHA256:" in centre.init_centre(url, STUDY, centre_passphrase)
