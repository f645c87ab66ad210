"""``msct-crf package``: a site's signed, numbered, hash-linked package for the centre.

A package holds everything since the site's previous one (or, with ``full``, everything):
the audit rows with their chain, and the records those rows touched as they are now (a
deleted one as ``null``), with the signatures and queries of those records. It is built,
written and booked (``sent_package``, and one ``package`` audit row, which the next package
carries) in one write transaction, so two packages can never cover the same rows
differently and a package that could not be written is not booked.

The manifest names the previous package's hash and the chain head before and after, so
the centre can check that nothing is missing, reordered or rewritten between packages.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, select, tuple_
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.access import signing_keys
from msct_crf.access.roles import Actor
from msct_crf.errors import UserError
from msct_crf.exchange import package_format as fmt
from msct_crf.exchange.rows import to_json
from msct_crf.storage import audit, site_registry, study_identity
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import AuditEntry
from msct_crf.storage.db.models import (
    FORM_MODELS,
    Base,
    Query,
    SentPackage,
    Signature,
    Subject,
)
from msct_crf.storage.signing import b64
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form
from msct_crf.study.dictionary.codelists import SITES

GENESIS = audit.GENESIS_HASH
SENT_TABLE = "sent_package"
PACKAGE_ACTION = "package"
SIGNATURE_TABLE, QUERY_TABLE = "signature", "data_query"

#: The tables a package carries, parents before children (the centre inserts in this order).
FORM_TABLES: tuple[str, ...] = tuple(form(code).table for code in FORM_MODELS)
EXCHANGED_TABLES: tuple[str, ...] = (*FORM_TABLES, SIGNATURE_TABLE, QUERY_TABLE)
AUDIT_FIELDS = ("seq", "hash", *audit.HASHED_FIELDS)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def app_version() -> str:
    try:
        return importlib.metadata.version("msct-crf")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "0"


@dataclass(frozen=True)
class PackageReport:
    path: Path
    number: int
    audit_rows: int
    records: int
    sha256: str

    def text(self) -> str:
        return (
            f"package {self.path.name} written to {self.path.parent}: {self.audit_rows} audit "
            f"rows, {self.records} records; sha256 {self.sha256}"
        )


def _audit_rows(conn: Connection, after: int) -> list[dict[str, Any]]:
    t = cast(Table, AuditEntry.__table__)
    stmt = select(t.c.id, t.c.hash, *(t.c[n] for n in audit.HASHED_FIELDS)).where(t.c.id > after)
    return [
        {"kind": "audit", **dict(zip(AUDIT_FIELDS, row, strict=True))}
        for row in conn.execute(stmt.order_by(t.c.id))
    ]


def _touched(rows: Iterable[dict[str, Any]]) -> dict[str, set[int]]:
    touched: dict[str, set[int]] = {name: set() for name in EXCHANGED_TABLES}
    for row in rows:
        name, record = row["table_name"], row["record_id"]
        if name in touched and record is not None and str(record).isdigit():
            touched[name].add(int(record))
    return touched


def _all_ids(conn: Connection) -> dict[str, set[int]]:
    return {
        name: {int(i) for i in conn.execute(select(table(name).c.id)).scalars()}
        for name in EXCHANGED_TABLES
    }


def _related(conn: Connection, touched: dict[str, set[int]]) -> None:
    """Add the signatures and queries of every touched form record (a sign or an answer
    changes both sides)."""
    pairs = [(name, i) for name in FORM_TABLES for i in touched[name]]
    for name, model in ((SIGNATURE_TABLE, Signature), (QUERY_TABLE, Query)):
        t = cast(Table, model.__table__)
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            stmt = select(t.c.id).where(tuple_(t.c.form_table, t.c.record_id).in_(chunk))
            touched[name].update(int(i) for i in conn.execute(stmt).scalars())


def _records(conn: Connection, touched: dict[str, set[int]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in EXCHANGED_TABLES:
        t = table(name)
        ids = sorted(touched[name])
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            stmt = select(t).where(t.c.id.in_(ids[start : start + 500]))
            for row in conn.execute(stmt).mappings():
                found[int(row["id"])] = to_json(t, row)
        out += [{"kind": "record", "table": name, "id": i, "row": found.get(i)} for i in ids]
    return out


def _check_site(session: Session) -> tuple[str, str]:
    site = study_identity.site_code(session)
    if site is None:
        raise UserError(
            "package: this file belongs to no site; give it its site first "
            "(msct-crf init --db FILE --site CODE --study ID)"
        )
    study = study_identity.read_setting(session, study_identity.STUDY_ID_KEY)
    assert study is not None  # every opened file has one
    foreign = session.scalars(
        select(Subject.subjid).where(
            (Subject.siteid != site) | ~Subject.subjid.startswith(f"{site}-")
        )
    ).first()
    if foreign is not None:
        raise UserError(f"package: subject {foreign} is not of this file's site {site}")
    return site, study


def last_sent(session: Session) -> SentPackage | None:
    return session.scalars(select(SentPackage).order_by(SentPackage.number.desc())).first()


def _publish(path: Path, data: bytes) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, path)


def write_package(
    store: Store, actor: Actor, out_dir: Path, *, full: bool = False
) -> PackageReport:
    """Write the next package of the site file into `out_dir` and book it (see module)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: no such folder")
    written: list[Path] = []
    try:
        return _write(store, actor, out_dir, full, written)
    except BaseException:
        for path in written:  # booked nowhere: the file must not stay behind
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def _write(
    store: Store, actor: Actor, out_dir: Path, full: bool, written: list[Path]
) -> PackageReport:
    with store.session() as session:
        site, study = _check_site(session)
        key, private = signing_keys.held_signer(session, actor)
        previous = last_sent(session)
        number = previous.number + 1 if previous is not None else 1
        path = out_dir / fmt.file_name(site, number)
        if path.exists():
            raise UserError(f"--out: {path} exists already; choose another folder")
        conn = session.connection()
        after = 0 if full or previous is None else previous.last_seq
        rows = _audit_rows(conn, after)
        touched = _all_ids(conn) if full else _touched(rows)
        if not full:
            _related(conn, touched)
        records = _records(conn, touched)
        payload = fmt.encode_lines(rows + records)
        last_seq = rows[-1]["seq"] if rows else after
        head = rows[-1]["hash"] if rows else audit.head_hash(conn)
        manifest = {
            "format": fmt.FORMAT,
            "study_id": study,
            "site": site,
            "number": number,
            "previous_sha256": previous.sha256 if previous is not None else GENESIS,
            "full": full,
            "first_seq": after + 1,
            "last_seq": last_seq,
            "prev_chain_head": rows[0]["prev_hash"] if rows else head,
            "chain_head": head,
            "audit_rows": len(rows),
            "records": len(records),
            "schema_revision": migrate.head_revision(),
            "app_version": app_version(),
            "created_at": audit.format_utc(clock.now()),
            "created_by": actor.username,
            "key_id": key.id,
            "public_key": key.public_key,
            "payload_sha256": fmt.sha256(payload),
        }
        manifest_bytes = fmt.manifest_bytes(manifest)
        signature = b64(private.sign(fmt.SIGNED_PREFIX + manifest_bytes))
        package = fmt.Package(manifest_bytes, payload, signature)
        session.add(
            SentPackage(
                number=number,
                file_name=path.name,
                sha256=package.sha256,
                previous_sha256=manifest["previous_sha256"],
                first_seq=after + 1,
                last_seq=last_seq,
                chain_head=head,
                full=full,
                created_at=manifest["created_at"],
                created_by=actor.username,
            )
        )
        audit.append(
            session,
            user=actor.username,
            action=PACKAGE_ACTION,
            table_name=SENT_TABLE,
            record_id=number,
            field="sha256",
            new_value=package.sha256,
            reason=f"{path.name}: audit rows {after + 1}-{last_seq}",
        )
        session.flush()
        _publish(path, package.encode())
        written.append(path)
    return PackageReport(path, number, len(rows), len(records), package.sha256)


def last_package_text(store: Store) -> tuple[int, str, str] | None:
    """(number, file name, created_at) of the newest package this file sent, for the app."""
    with store.reading() as session:
        last = last_sent(session)
        return (last.number, last.file_name, last.created_at) if last is not None else None


def init_site(
    path: Path,
    site: str,
    study: str,
    *,
    name: str | None = None,
    name_zh: str | None = None,
    registry: str | None = None,
    user: str = study_identity.SYSTEM_USER,
) -> str:
    """``msct-crf init``: a site file of study `study` belonging to site `site` (a new file,
    or an existing one without a site yet), the site registered in the file's site registry
    under `name` (and `name_zh`), or under the name the centre's database `registry` (a
    URL or file) gives it, or the name it has already; a one-line summary."""
    site = study_identity.check_site_code(site)
    study = study_identity.check_study_id(study)
    known = _registry_names(registry, site) if registry else None
    if name is None and known is not None:
        name, name_zh = known
    if name is None and not path.exists() and site not in SITES.codes:
        raise _unnamed(site)  # before the file is made: a new file knows only the seeded sites
    with Store.open_path(path, study_id=study) as store, store.session() as session:
        current = study_identity.read_setting(session, study_identity.STUDY_ID_KEY)
        if current != study:
            raise UserError(f"--study {study}: {path} belongs to study {current}")
        if study_identity.is_centre(session):
            raise UserError(f"{path}: the coordinating centre's database, not a site file")
        if name is not None:
            site_registry.register_site(session, site, name, name_zh, user=user)
        elif site_registry.site_names(session, site) is None:
            raise _unnamed(site)
        study_identity.set_site_code(session, site)
    return f"ok: {path} is the study file of site {site}, study {study}"


def _unnamed(site: str) -> UserError:
    return UserError(
        f"--site {site}: not a registered site of this study; give its name "
        "(--site-name NAME [--site-name-zh NAME]) or the centre's database (--registry URL)"
    )


def _registry_names(registry: str, site: str) -> tuple[str, str | None]:
    """The name (and Chinese name) the coordinating centre registered `site` under."""
    if "://" in registry:  # a server: opened as the centre opens it
        opened = Store.open(registry, create=False)
    else:  # a file: read without writing to it
        if not Path(registry).is_file():
            raise UserError(f"--registry {registry}: no such file")
        opened = Store.open_read_only(Path(registry))
    with opened as centre, centre.reading() as session:
        names = site_registry.site_names(session, site)
    if names is None:
        raise UserError(
            f"--site {site}: not registered in {registry} (msct-crf central add-site there)"
        )
    return names
