"""``msct-crf central``: the coordinating centre's pooled database.

The centre is a study database like a site's (the same Alembic migrations, on PostgreSQL or
SQLite, through :meth:`msct_crf.storage.store.Store.open`) marked ``database_role =
centre``. Each site's records live in the same form tables, under ids of the centre's own;
``exchange_record`` names each by (site, table, the site's id), and ``site_audit_log``
holds each site's chain as it was sent. The centre's own ``audit_log`` records what the
centre did (sites registered, packages imported, exports).

:func:`import_package` takes one package in one transaction, after checking, in this
order, that it is unaltered and signed, of this study and a registered site, the next in
the site's numbering, linked to the previous package's hash, and that its chain continues
from the last imported head, with a key the site's own trail recorded. Anything else is
refused with a one-line reason and nothing written; a package imported already changes
nothing. A subject must carry its site's code, so two sites never write the same subject.

Written with SQLAlchemy Core and the ORM only, so it runs on PostgreSQL; the one statement of
a dialect's own is PostgreSQL's table lock that serialises imports (on SQLite every write
transaction is ``BEGIN IMMEDIATE`` already). Two imports racing for one number end with one
refused ("import it again"), never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.exchange import bulk, centre_key, returns
from msct_crf.exchange import package_format as fmt
from msct_crf.exchange.package_format import PackageRefused
from msct_crf.exchange.rows import from_json
from msct_crf.exchange.site_package import EXCHANGED_TABLES, GENESIS, table
from msct_crf.storage import audit, signing, site_registry, study_identity
from msct_crf.storage.db.models import (
    ExchangeRecord,
    ImportedPackage,
    Query,
    Site,
    SiteAuditEntry,
    Subject,
)
from msct_crf.storage.store import Store

SYSTEM_USER = "system"
SITE_TABLE, IMPORTED_TABLE = "site", "imported_package"
_SITE_AUDIT = cast(Table, SiteAuditEntry.__table__)
_EXCHANGE = cast(Table, ExchangeRecord.__table__)
#: Columns that point at another exchanged record: (column, the table it points into).
_LINKS = {"subject_id": "subject", "infusion_id": "infusion"}


class ImportOutcome(StrEnum):
    IMPORTED = "imported"
    ALREADY = "already imported"


# --------------------------------------------------------------------------- set-up


def init_centre(url: str, study_id: str, passphrase: centre_key.Passphrase | None = None) -> str:
    """Create (or migrate) the centre database at `url` for `study_id`; a one-line summary.
    A centre without its signing key gets one, wrapped under `passphrase()` (asked only
    then); without `passphrase` it stays without one (and cannot write return packages)."""
    study_id = study_identity.check_study_id(study_id)
    with Store.open(url, study_id=study_id) as store, store.session() as session:
        current = study_identity.read_setting(session, study_identity.STUDY_ID_KEY)
        if current != study_id:
            raise UserError(f"--study {study_id}: this database belongs to study {current}")
        if not study_identity.is_centre(session):
            if session.scalars(select(Subject.id).limit(1)).first() is not None:
                raise UserError(
                    f"{store.url}: a site's study file, not a coordinating centre's database"
                )
            if study_identity.site_code(session) is not None:
                raise UserError(f"{store.url}: a site file (it has a site code)")
            study_identity.write_setting(
                session, study_identity.ROLE_KEY, study_identity.CENTRE, user=SYSTEM_USER
            )
        sites = session.scalar(select(func.count()).select_from(Site))
        public, _made = centre_key.ensure_centre_key(
            session, user=SYSTEM_USER, passphrase=passphrase
        )
        key = centre_key.fingerprint(public) if public is not None else "none yet"
        return (
            f"ok: coordinating centre of study {study_id} at {store.url} ({sites} sites); "
            f"centre key {key}"
        )


def open_centre(url: str) -> Store:
    """The centre database at `url` (it must exist and be one)."""
    store = Store.open(url, create=False)
    try:
        with store.reading() as session:
            if not study_identity.is_centre(session):
                raise UserError(
                    f"{store.url}: not a coordinating centre database (msct-crf central init)"
                )
    except BaseException:
        store.close()
        raise
    return store


def add_site(
    store: Store, code: str, name: str, name_zh: str | None = None, *, user: str = SYSTEM_USER
) -> bool:
    """Register a site (or rename one), audited; False when nothing changed."""
    with store.session() as session:
        return site_registry.register_site(session, code, name, name_zh, user=user)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    name: str
    outcome: ImportOutcome
    site: str
    number: int
    audit_rows: int = 0
    records: int = 0

    def text(self) -> str:
        if self.outcome is ImportOutcome.ALREADY:
            return f"{self.name}: already imported (site {self.site}, package {self.number})"
        return (
            f"{self.name}: imported (site {self.site}, package {self.number}: "
            f"{self.audit_rows} audit rows, {self.records} records)"
        )


def sort_key(path: Path) -> tuple[str, str]:
    """Packages of one site in number order (the file names say both)."""
    return (path.name.rsplit("-", 1)[0], path.name)


def import_files(store: Store, paths: Iterable[Path], *, user: str = SYSTEM_USER) -> list[str]:
    """Import each file (sorted by site and number) in its own transaction; the lines to
    print. The first refusal raises PackageRefused (the ones before it stay imported)."""
    lines = []
    for path in sorted((Path(p) for p in paths), key=sort_key):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PackageRefused(f"{path}: cannot read ({exc.strerror or exc})") from None
        lines.append(import_package(store, data, path.name, user=user).text())
    return lines


def import_package(
    store: Store, data: bytes, name: str, *, user: str = SYSTEM_USER
) -> ImportResult:
    package = fmt.decode(data, name)
    m = package.manifest
    if not signing.verify(
        m.get("public_key"), package.signature, fmt.SIGNED_PREFIX + package.manifest_bytes
    ):
        raise PackageRefused(f"{name}: the signature does not match the manifest (altered)")
    try:
        with store.session() as session:
            return _Import(session, package, name, user).run()
    except sa_exc.IntegrityError:  # another import took the same number at the same moment
        raise PackageRefused(
            f"{name}: another import of site {package.manifest.get('site')} ran at the same "
            "moment; import it again"
        ) from None


class _Import:
    """One package's checks and writes, in the caller's transaction."""

    def __init__(self, session: Session, package: fmt.Package, name: str, user: str) -> None:
        self.session, self.package, self.name, self.user = session, package, name, user
        self.m = package.manifest
        self.site = str(self.m["site"])
        self.conn: Connection = session.connection()
        self.ids: dict[tuple[str, int], int] = {}
        self.loaded = False

    def refuse(self, reason: str) -> PackageRefused:
        return PackageRefused(f"{self.name}: {reason}")

    def run(self) -> ImportResult:
        m, session = self.m, self.session
        if self.conn.dialect.name == "postgresql":
            # one import at a time (SQLite's BEGIN IMMEDIATE does the same); reads go on
            self.conn.exec_driver_sql(f"LOCK TABLE {IMPORTED_TABLE} IN EXCLUSIVE MODE")
        if not study_identity.is_centre(session):
            raise self.refuse("this database is not a coordinating centre's")
        study = study_identity.read_setting(session, study_identity.STUDY_ID_KEY)
        if m["study_id"] != study:
            raise self.refuse(f"a package of study {m['study_id']}, this centre's is {study}")
        if session.get(Site, self.site) is None:
            raise self.refuse(
                f"site {self.site} is not registered (msct-crf central add-site --site {self.site})"
            )
        number = int(m["number"])
        done = session.scalars(
            select(ImportedPackage).where(ImportedPackage.sha256 == self.package.sha256)
        ).first()
        if done is not None:
            return ImportResult(self.name, ImportOutcome.ALREADY, self.site, number)
        last = session.scalars(
            select(ImportedPackage)
            .where(ImportedPackage.site_code == self.site)
            .order_by(ImportedPackage.number.desc())
        ).first()
        self._check_sequence(number, last)
        lines = self.package.lines()
        rows = [line for line in lines if line.get("kind") == "audit"]
        records = [line for line in lines if line.get("kind") == "record"]
        if (
            len(rows) != m["audit_rows"]
            or len(records) != m["records"]
            or len(lines) != len(rows) + len(records)
        ):
            raise self.refuse("the payload does not hold what the manifest counts")
        new_rows = self._check_chain(rows, last)
        self._check_key(rows)
        bulk.insert_rows(self.conn, _SITE_AUDIT, [self._audit_values(r) for r in new_rows])
        self._apply(records)
        self._book(number)
        return ImportResult(
            self.name, ImportOutcome.IMPORTED, self.site, number, len(new_rows), len(records)
        )

    def _audit_values(self, row: dict[str, Any]) -> dict[str, Any]:
        values = {name: row[name] for name in audit.HASHED_FIELDS}
        return {**values, "hash": row["hash"], "seq": row["seq"], "site_code": self.site}

    def _check_sequence(self, number: int, last: ImportedPackage | None) -> None:
        expected = last.number + 1 if last is not None else 1
        label = fmt.file_name(self.site, expected).removesuffix(fmt.SUFFIX)
        if number < expected:
            assert last is not None
            raise self.refuse(
                f"package {number} of site {self.site} was imported already with other "
                f"contents (the centre holds up to {self.site}-{last.number:04d}, audit row "
                f"{last.last_seq}): this site file is older than what it sent, e.g. restored "
                "from an old backup; restore the site's newest backup and package again, or "
                "ask the coordinating centre how to resume"
            )
        if number > expected:
            raise self.refuse(
                f"package {number} of site {self.site}, but the centre expects {label} next "
                "(a package is missing: import it first)"
            )
        previous = last.sha256 if last is not None else GENESIS
        if self.m["previous_sha256"] != previous:
            raise self.refuse(
                f"it does not follow the site's previous package (its previous hash is not "
                f"{previous[:12]}...)"
            )

    def _stored_hashes(self) -> dict[int, str]:
        t = _SITE_AUDIT
        stmt = select(t.c.seq, t.c.hash).where(t.c.site_code == self.site)
        return {int(seq): str(h) for seq, h in self.conn.execute(stmt)}

    def _check_chain(
        self, rows: list[dict[str, Any]], last: ImportedPackage | None
    ) -> list[dict[str, Any]]:
        """The rows' chain is intact, starts where it should and continues the last imported
        head; the rows the centre does not hold yet."""
        m = self.m
        stored_last = last.last_seq if last is not None else 0
        first = int(m["first_seq"])
        if first != 1 and first != stored_last + 1:
            raise self.refuse(
                f"its audit rows start at {first}, the centre holds the site's up to "
                f"{stored_last} (a gap or an overlap in the chain)"
            )
        stored = self._stored_hashes() if first <= stored_last else {}
        expected_prev = GENESIS if first == 1 else (last.chain_head if last else GENESIS)
        if m["prev_chain_head"] != expected_prev:
            raise self.refuse("its chain does not continue from the last imported head")
        for offset, row in enumerate(rows):
            seq = first + offset
            if row.get("seq") != seq or row.get("prev_hash") != expected_prev:
                raise self.refuse(f"site audit row {seq}: the chain is broken in the package")
            try:
                intact = audit.compute_hash(row) == row.get("hash")
            except (TypeError, KeyError):
                intact = False
            if not intact:
                raise self.refuse(f"site audit row {seq}: hash does not match its content")
            if seq in stored and stored[seq] != row["hash"]:
                raise self.refuse(
                    f"site audit row {seq} differs from the one imported before "
                    "(the site's history was rewritten)"
                )
            expected_prev = row["hash"]
        if expected_prev != m["chain_head"] or (rows and rows[-1]["seq"] != m["last_seq"]):
            raise self.refuse("its chain head is not the manifest's")
        if last is not None and m["last_seq"] < stored_last:
            raise self.refuse("its chain ends before the last imported head")
        return [row for row in rows if row["seq"] > stored_last]

    def _check_key(self, rows: list[dict[str, Any]]) -> None:
        """The signing key is one the site's own trail recorded (made at a login there)."""
        key_id, public = str(self.m["key_id"]), self.m["public_key"]

        def records_key(row: Any) -> bool:
            return bool(
                row["table_name"] == "signing_key"
                and row["record_id"] == key_id
                and row["field"] == "public_key"
                and row["new_value"] == public
            )

        if any(records_key(row) for row in rows):
            return
        t = _SITE_AUDIT
        stmt = select(t.c.table_name, t.c.record_id, t.c.field, t.c.new_value).where(
            t.c.site_code == self.site,
            t.c.table_name == "signing_key",
            t.c.record_id == key_id,
            t.c.field == "public_key",
        )
        if not any(records_key(row._mapping) for row in self.conn.execute(stmt)):
            raise self.refuse("signed with a key the site's audit trail does not record")

    # ------------------------------------------------------------------ records

    def _local(self, table_name: str, site_id: int | None) -> int | None:
        if site_id is None:
            return None
        key = (table_name, int(site_id))
        if key not in self.ids and not self.loaded:
            t = _EXCHANGE
            found = self.conn.execute(
                select(t.c.local_id).where(
                    t.c.site_code == self.site,
                    t.c.table_name == table_name,
                    t.c.site_record_id == int(site_id),
                )
            ).scalar()
            if found is None:
                return None
            self.ids[key] = int(found)
        return self.ids.get(key)

    def _linked(self, table_name: str, site_id: Any, what: str) -> int | None:
        local = self._local(table_name, site_id)
        if site_id is not None and local is None:
            raise self.refuse(
                f"{what} points at {table_name} {site_id}, which the centre never got"
            )
        return local

    def _values(self, name: str, site_id: int, row: dict[str, Any]) -> dict[str, Any]:
        t = table(name)
        values = from_json(t, row)
        values.pop("id")
        what = f"{name} {site_id}"
        for column, target in _LINKS.items():
            if column in values:
                values[column] = self._linked(target, values[column], what)
        if name in ("signature", "data_query"):
            values["record_id"] = self._linked(str(values["form_table"]), values["record_id"], what)
        if name == "signature":
            values["key_id"] = None  # the key is the site's: its public half is in its trail
        if name == "subject":
            self._check_subject(values)
        return values

    def _check_subject(self, values: dict[str, Any]) -> None:
        subjid = str(values.get("subjid"))
        if values.get("siteid") != self.site or not subjid.startswith(f"{self.site}-"):
            raise self.refuse(f"subject {subjid} is not of site {self.site}")

    def _apply(self, records: list[dict[str, Any]]) -> None:
        """Rows as they are now, table by table (parents first, so a child's links resolve),
        new ones in one executemany per table; then deletions, children first."""
        order = {name: i for i, name in enumerate(EXCHANGED_TABLES)}
        if any(r.get("table") not in order for r in records):
            raise self.refuse("the payload holds a table the centre does not take")
        records = sorted(records, key=lambda r: (order[r["table"]], int(r["id"])))
        self._load_ids()
        for name in EXCHANGED_TABLES:
            rows = [r for r in records if r["table"] == name and r["row"] is not None]
            if rows:
                self._upsert_table(name, rows)
        for record in reversed(records):
            if record["row"] is None:
                self._delete(record["table"], int(record["id"]))
        sent = [
            r["row"] | {"id": r["id"]} for r in records if r["table"] == "data_query" and r["row"]
        ]
        returns.link_site_queries(self.session, self.site, sent)

    def _load_ids(self) -> None:
        """Every record of this site the centre holds: (table, site id) -> pooled id."""
        t = _EXCHANGE
        stmt = select(t.c.table_name, t.c.site_record_id, t.c.local_id).where(
            t.c.site_code == self.site
        )
        self.ids = {(str(n), int(s)): int(local) for n, s, local in self.conn.execute(stmt)}
        self.loaded = True

    def _upsert_table(self, name: str, rows: list[dict[str, Any]]) -> None:
        t = table(name)
        new: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        held = (
            self._held_subjects([r["row"].get("subjid") for r in rows]) if name == "subject" else {}
        )
        for record in rows:
            site_id = int(record["id"])
            values = self._values(name, site_id, record["row"])
            content = audit.canonical_json(record["row"])
            stamp = {"content": content, "content_sha256": fmt.sha256(content.encode("utf-8"))}
            local = self._local(name, site_id)
            if name == "subject":
                clash = held.get(values["subjid"])
                if clash is not None and clash != local:
                    raise self.refuse(f"subject {values['subjid']} is held by the centre already")
            if local is None:
                new.append((site_id, values, stamp))
                continue
            self.conn.execute(update(t).where(t.c.id == local).values(**values))
            self.conn.execute(
                update(_EXCHANGE)
                .where(
                    _EXCHANGE.c.site_code == self.site,
                    _EXCHANGE.c.table_name == name,
                    _EXCHANGE.c.site_record_id == site_id,
                )
                .values(**stamp)
            )
        if not new:
            return
        locals_ = self._insert(t, [values for _, values, _ in new])
        mapping = []
        for (site_id, _values, stamp), local in zip(new, locals_, strict=True):
            self.ids[(name, site_id)] = local
            mapping.append(
                {
                    "site_code": self.site,
                    "table_name": name,
                    "site_record_id": site_id,
                    "local_id": local,
                    **stamp,
                }
            )
        bulk.insert_rows(self.conn, _EXCHANGE, mapping)

    def _held_subjects(self, subjids: list[Any]) -> dict[str, int]:
        """The pooled id of each of these subject IDs the centre holds (any site's)."""
        t = table("subject")
        held: dict[str, int] = {}
        for start in range(0, len(subjids), 500):
            stmt = select(t.c.subjid, t.c.id).where(t.c.subjid.in_(subjids[start : start + 500]))
            held.update((str(subjid), int(i)) for subjid, i in self.conn.execute(stmt))
        return held

    def _insert(self, t: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in order; their new ids in the same order (one executemany where the
        backend returns ids in parameter order: SQLite >= 3.35, PostgreSQL; on PostgreSQL
        many rows go by COPY with their ids drawn first: :mod:`.bulk`)."""
        if bulk.uses_copy(self.conn, len(rows)):
            return bulk.insert_with_ids(self.conn, t, rows)
        if len(rows) > 1 and self.conn.dialect.insert_executemany_returning_sort_by_parameter_order:
            stmt = insert(t).returning(t.c.id, sort_by_parameter_order=True)
            return [int(i) for i in self.conn.execute(stmt, rows).scalars()]
        ids = []
        for values in rows:
            result = self.conn.execute(insert(t).values(**values))
            assert result.inserted_primary_key is not None
            ids.append(int(result.inserted_primary_key[0]))
        return ids

    def _delete(self, name: str, site_id: int) -> None:
        local = self._local(name, site_id)
        if local is None:
            return  # made and deleted between two packages: the centre never had it
        t = table(name)
        self.conn.execute(delete(t).where(t.c.id == local))
        self.conn.execute(
            delete(_EXCHANGE).where(
                _EXCHANGE.c.site_code == self.site,
                _EXCHANGE.c.table_name == name,
                _EXCHANGE.c.site_record_id == site_id,
            )
        )
        self.ids.pop((name, site_id), None)

    def _book(self, number: int) -> None:
        m = self.m
        row = ImportedPackage(
            site_code=self.site,
            number=number,
            sha256=self.package.sha256,
            previous_sha256=m["previous_sha256"],
            first_seq=m["first_seq"],
            last_seq=m["last_seq"],
            chain_head=m["chain_head"],
            created_at=m["created_at"],
            imported_at=audit.format_utc(clock.now()),
            imported_by=self.user,
            manifest=self.package.manifest_bytes.decode("utf-8"),
        )
        self.session.add(row)
        self.session.flush()
        audit.append(
            self.session,
            user=self.user,
            action="package_import",
            table_name=IMPORTED_TABLE,
            record_id=row.id,
            field="sha256",
            new_value=self.package.sha256,
            reason=f"{self.name}: site {self.site}, package {number}",
        )


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class SiteStatus:
    code: str
    name: str
    last_package: int | None
    last_sent: str | None  # when the site made its last package
    last_imported: str | None
    subjects: int
    open_queries: int


def status(store: Store) -> list[SiteStatus]:
    with store.reading() as session:
        out = []
        for site in session.scalars(select(Site).order_by(Site.code)):
            last = session.scalars(
                select(ImportedPackage)
                .where(ImportedPackage.site_code == site.code)
                .order_by(ImportedPackage.number.desc())
            ).first()
            subjects = session.scalar(
                select(func.count()).select_from(Subject).where(Subject.siteid == site.code)
            )
            queries = session.scalar(
                select(func.count())
                .select_from(Query)
                .join(Subject, Subject.id == Query.subject_id)
                .where(Subject.siteid == site.code, Query.status == "open")
            )
            out.append(
                SiteStatus(
                    site.code,
                    site.name,
                    last.number if last else None,
                    last.created_at if last else None,
                    last.imported_at if last else None,
                    int(subjects or 0),
                    int(queries or 0),
                )
            )
        return out


def manifest_of(row: ImportedPackage) -> dict[str, Any]:
    value = json.loads(row.manifest)
    assert isinstance(value, dict)
    return value
