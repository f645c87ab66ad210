"""Queries back to the sites: the centre raises a query on a pooled record, writes the
site's return package (``msct-crf central queries``), the site imports it (``msct-crf
import``) as its own queries, and answers them; the answers travel back in the site's next
package and are linked to the centre's query. The site stays the only writer of its data.

A return package is the package file's format (``manifest.json``, ``payload.jsonl``) with
format :data:`~msct_crf.exchange.package_format.RETURN_FORMAT`, numbered per site and linked
to the previous one by its hash. It carries no data, only questions, and is signed with the
centre's key (:mod:`msct_crf.exchange.centre_key`): the site checks the signature, with
the centre key it pinned on its first import (a package signed by another key, or not
signed, is refused before anything is written), then study, site, number and link.

At the site a centre query is raised by the person importing it (their role must allow
raising queries), its text headed by ``[centre query C<id>, <monitor>]``: that header is how
the centre links the site's query, its status and answer, back to its own, and how a second
import of the same package knows what is there already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.access.roles import Actor
from msct_crf.errors import UserError
from msct_crf.exchange import centre_key
from msct_crf.exchange import package_format as fmt
from msct_crf.exchange.package_format import PackageRefused
from msct_crf.exchange.site_package import GENESIS
from msct_crf.storage import audit, signing, study_identity
from msct_crf.storage.db.models import (
    CentreQuery,
    ExchangeRecord,
    Query,
    ReturnPackage,
    Subject,
)
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS
from msct_crf.workflow import queries

CENTRE_QUERY_TABLE = "centre_query"
RETURN_KEY = "centre_return"  # the site's setting: "<number>:<sha256>" of the last imported
_MARKER = re.compile(r"^\[centre query C(\d+), [^\]]*\] ")


def marker(query_id: int, raised_by: str) -> str:
    return f"[centre query C{query_id}, {raised_by}] "


# --------------------------------------------------------------------------- at the centre


def raise_centre_query(
    store: Store,
    *,
    form: str,
    record_id: int,
    field: str | None,
    text: str,
    user: str,
) -> int:
    """A query on a pooled record (its id in the centre), for its site; the new query's id."""
    form_def = FORMS.get(form)
    if form_def is None:
        raise UserError(f"--form {form!r}: not a form ({', '.join(FORMS)})")
    if field is not None and field not in {f.code for f in form_def.fields}:
        raise UserError(f"--field {field!r} is not a field of the {form_def.label.en} form")
    question = (text or "").strip()
    if not question:
        raise UserError("--text: the query text is empty")
    with store.session() as session:
        sent = session.scalars(
            select(ExchangeRecord).where(
                ExchangeRecord.table_name == form_def.table, ExchangeRecord.local_id == record_id
            )
        ).first()
        if sent is None:
            raise UserError(f"{form_def.label.en} record {record_id}: no site sent it")
        subjid = _subjid(session, form_def.table, record_id)
        row = CentreQuery(
            site_code=sent.site_code,
            subjid=subjid,
            form_table=form_def.table,
            site_record_id=sent.site_record_id,
            field_code=field,
            text=question,
            raised_by=user,
            raised_at=audit.format_utc(clock.now()),
            status=queries.OPEN,
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            user=user,
            action="query_open",
            table_name=CENTRE_QUERY_TABLE,
            record_id=row.id,
            subject_id=subjid,
            changes=[
                audit.Change("target", None, f"{form_def.table}/{record_id}/{field or '*'}"),
                audit.Change("text", None, question),
            ],
        )
        return row.id


def find_record(
    store: Store, *, subject: str, form: str, visit: str | None = None, record: int | None = None
) -> int:
    """The pooled id of a subject's record as a monitor names it: the subject itself
    (ENROL), its one record of a single form (DS), its visit by visit code (VIS ``--visit
    M6``), or a pooled id given (``--record``) that must be the subject's."""
    from msct_crf.exchange.site_package import table

    form_def = FORMS.get(form)
    if form_def is None:
        raise UserError(f"--form {form!r}: not a form ({', '.join(FORMS)})")
    with store.reading() as session:
        subject_id = session.scalar(select(Subject.id).where(Subject.subjid == subject))
        if subject_id is None:
            raise UserError(f"--subject {subject!r}: the centre holds no such subject")
        if form_def.table == "subject":
            return int(subject_id)
        t = table(form_def.table)
        stmt = select(t.c.id).where(t.c.subject_id == subject_id).order_by(t.c.id)
        if record is not None:
            stmt = stmt.where(t.c.id == record)
        elif visit is not None and "visit" in t.c:
            stmt = stmt.where(t.c.visit == visit.upper())
        found = [int(i) for i in session.scalars(stmt)]
    if len(found) != 1:
        what = f"record {record}" if record is not None else f"visit {visit}" if visit else ""
        raise UserError(
            f"{form_def.label.en} {what} of {subject}: {len(found)} records match; "
            "name one with --visit or --record"
        )
    return found[0]


def _subjid(session: Session, table_name: str, record_id: int) -> str:
    from msct_crf.exchange.site_package import table

    if table_name == "subject":
        subject_id = record_id
    else:
        t = table(table_name)
        subject_id = session.execute(select(t.c.subject_id).where(t.c.id == record_id)).scalar_one()
    return str(session.execute(select(Subject.subjid).where(Subject.id == subject_id)).scalar_one())


def write_return(
    store: Store,
    site: str,
    out_dir: Path,
    *,
    user: str,
    passphrase: centre_key.Passphrase | None = None,
) -> Path | None:
    """The site's next return package with every query not sent yet (None: nothing new),
    signed with the centre's key (`passphrase()` opens it; asked only when there is one to
    write)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: no such folder")
    site = study_identity.check_site_code(site)
    with store.session() as session:
        study = study_identity.read_setting(session, study_identity.STUDY_ID_KEY)
        pending = list(
            session.scalars(
                select(CentreQuery)
                .where(CentreQuery.site_code == site, CentreQuery.return_number.is_(None))
                .order_by(CentreQuery.id)
            )
        )
        if not pending:
            return None
        last = session.scalars(
            select(ReturnPackage)
            .where(ReturnPackage.site_code == site)
            .order_by(ReturnPackage.number.desc())
        ).first()
        number = last.number + 1 if last is not None else 1
        path = out_dir / fmt.return_file_name(site, number)
        if path.exists():
            raise UserError(f"--out: {path} exists already; choose another folder")
        payload = fmt.encode_lines([_line(q) for q in pending])
        manifest = {
            "format": fmt.RETURN_FORMAT,
            "study_id": study,
            "site": site,
            "number": number,
            "previous_sha256": last.sha256 if last is not None else GENESIS,
            "queries": len(pending),
            "created_at": audit.format_utc(clock.now()),
            "created_by": user,
            "payload_sha256": fmt.sha256(payload),
        }
        manifest["public_key"] = centre_key.centre_public_key(session)
        signed = fmt.manifest_bytes(manifest)
        package = fmt.Package(signed, payload, centre_key.sign_return(session, signed, passphrase))
        for query in pending:
            query.return_number = number
        session.add(
            ReturnPackage(
                site_code=site,
                number=number,
                sha256=package.sha256,
                previous_sha256=manifest["previous_sha256"],
                created_at=manifest["created_at"],
                created_by=user,
            )
        )
        audit.append(
            session,
            user=user,
            action="return_package",
            table_name="return_package",
            record_id=f"{site}/{number}",
            field="sha256",
            new_value=package.sha256,
            reason=f"{path.name}: {len(pending)} queries",
        )
        session.flush()
        path.write_bytes(package.encode())
    return path


def _line(query: CentreQuery) -> dict[str, Any]:
    return {
        "kind": "query",
        "centre_id": query.id,
        "subjid": query.subjid,
        "form_table": query.form_table,
        "record_id": query.site_record_id,
        "field": query.field_code,
        "text": query.text,
        "raised_by": query.raised_by,
        "raised_at": query.raised_at,
    }


def link_site_queries(session: Session, site: str, rows: list[dict[str, Any]]) -> None:
    """At a package's import: the site's queries raised from centre queries update those."""
    for row in rows:
        found = _MARKER.match(str(row.get("text") or ""))
        if found is None:
            continue
        query = session.get(CentreQuery, int(found.group(1)))
        if query is None or query.site_code != site:
            continue
        query.site_query_id = int(row["id"])
        query.status, query.answer = str(row["status"]), row.get("answer")


# --------------------------------------------------------------------------- at the site


@dataclass(frozen=True)
class ReturnImport:
    name: str
    number: int
    raised: int
    already: bool
    #: The centre key's fingerprint when this import pinned it (the site's first), else None.
    pinned: str | None = None

    def text(self) -> str:
        if self.already:
            return f"{self.name}: already imported"
        text = f"{self.name}: imported, {self.raised} queries from the coordinating centre"
        if self.pinned is not None:
            text += (
                f"; the centre's key {self.pinned} is now this site's (first import): check "
                "it is the fingerprint `msct-crf central status` prints at the centre"
            )
        return text


def _check_signature(package: fmt.Package, name: str, pinned: str | None) -> str:
    """The package's centre key, once its signature holds and it is the pinned one."""
    public = package.manifest.get("public_key")
    if not package.signature or not isinstance(public, str):
        raise PackageRefused(f"{name}: the return package is not signed by the centre")
    if not signing.verify(
        public, package.signature, centre_key.SIGNED_PREFIX + package.manifest_bytes
    ):
        raise PackageRefused(f"{name}: the signature does not match the package (altered)")
    if pinned is not None and public != pinned:
        raise PackageRefused(
            f"{name}: signed with centre key {centre_key.fingerprint(public)}, not the key "
            f"{centre_key.fingerprint(pinned)} this site accepted on its first import"
        )
    return public


def import_return(store: Store, actor: Actor, data: bytes, name: str) -> ReturnImport:
    """Raise the return package's queries in the site file (each once), then book it."""
    package = fmt.decode(data, name, expected=fmt.RETURN_FORMAT)
    m = package.manifest
    number = int(m["number"])
    with store.reading() as session:
        study = study_identity.read_setting(session, study_identity.STUDY_ID_KEY)
        site = study_identity.site_code(session)
        last = study_identity.read_setting(session, RETURN_KEY)
        pinned = centre_key.centre_public_key(session)
        present = {
            int(found.group(1))
            for text in session.scalars(select(Query.text))
            if (found := _MARKER.match(text)) is not None
        }
    public = _check_signature(package, name, pinned)
    if m["study_id"] != study or m["site"] != site:
        raise PackageRefused(
            f"{name}: a return package for site {m['site']} of study {m['study_id']}; "
            f"this file is site {site} of study {study}"
        )
    last_number, last_sha = last.split(":", 1) if last else ("0", GENESIS)
    if last and int(last_number) >= number:
        if int(last_number) == number and last_sha == package.sha256:
            return ReturnImport(name, number, 0, True)
        raise PackageRefused(f"{name}: return package {number} was imported already")
    if number != int(last_number) + 1 or m["previous_sha256"] != last_sha:
        expected = fmt.return_file_name(str(site), int(last_number) + 1)
        raise PackageRefused(f"{name}: the site expects {expected} next")
    raised = 0
    by_table = {f.table: code for code, f in FORMS.items()}
    for line in package.lines():
        if line.get("kind") != "query" or int(line["centre_id"]) in present:
            continue
        queries.raise_query(
            store,
            actor,
            subject=str(line["subjid"]),
            form=by_table[str(line["form_table"])],
            record_id=int(line["record_id"]),
            field=line.get("field"),
            text=marker(int(line["centre_id"]), str(line["raised_by"])) + str(line["text"]),
        )
        raised += 1
    with store.session() as session:
        study_identity.write_setting(
            session, RETURN_KEY, f"{number}:{package.sha256}", user=actor.username
        )
        if pinned is None:
            study_identity.write_setting(
                session, centre_key.PUBLIC_KEY, public, user=actor.username
            )
    first = centre_key.fingerprint(public) if pinned is None else None
    return ReturnImport(name, number, raised, False, first)
