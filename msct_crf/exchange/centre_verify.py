"""``msct-crf verify`` on the coordinating centre's database.

A centre holds one audit chain per site (``site_audit_log``, as each site sent it) beside its
own (``audit_log``), and pooled records that no audit row of its own created. So the checks
are: the centre's own chain; each site's chain, from the first row, unbroken; each imported
package linked to the one before and its recorded head found in the site's chain; and every
pooled record equal to what its site last sent (``exchange_record``), with nothing pooled
that no site sent. Run through SQLAlchemy on any backend (PostgreSQL or SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Connection, Table, select

from msct_crf.exchange import package_format as fmt
from msct_crf.exchange.rows import to_json
from msct_crf.exchange.site_package import EXCHANGED_TABLES, GENESIS, table
from msct_crf.storage import audit
from msct_crf.storage.db import migrate
from msct_crf.storage.db.models import ExchangeRecord, ImportedPackage, SiteAuditEntry
from msct_crf.storage.integrity import Check
from msct_crf.storage.store import Store

MAX_FINDINGS = 20
_SITE_AUDIT = cast(Table, SiteAuditEntry.__table__)
_EXCHANGE = cast(Table, ExchangeRecord.__table__)
_PACKAGES = cast(Table, ImportedPackage.__table__)


def verify_centre(store: Store, progress: Callable[[int], None] | None = None) -> list[Check]:
    """Every check of the centre at `store` (read-only: the connection is rolled back)."""
    with store.engine.connect() as conn:
        current = migrate.current_revision(store.engine)
        known = current in migrate.known_revisions()
        checks = [Check("schema", known, f"schema {current}" + ("" if known else " unknown"))]
        own = audit.verify(conn, progress=progress)
        checks.append(Check("audit_chain", own.ok, "centre: " + own.reason))
        checks += _site_chains(conn)
        checks += _packages(conn)
        checks += _records(conn)
        conn.rollback()
    return checks


def _site_chains(conn: Connection) -> list[Check]:
    t = _SITE_AUDIT
    columns = [t.c.site_code, t.c.seq, t.c.hash, *(t.c[n] for n in audit.HASHED_FIELDS)]
    checks: list[Check] = []
    site, expected_seq, expected_prev, broken, rows = None, 1, GENESIS, False, 0
    for row in conn.execute(select(*columns).order_by(t.c.site_code, t.c.seq)):
        if row[0] != site:
            if site is not None and not broken:
                checks.append(Check("site_chain", True, f"ok: site {site}, {rows} audit rows"))
            site, expected_seq, expected_prev, broken, rows = row[0], 1, GENESIS, False, 0
        if broken:
            continue
        rows += 1
        content = dict(zip(audit.HASHED_FIELDS, row[3:], strict=True))
        problem = None
        if row[1] != expected_seq:
            problem = f"row {expected_seq} is missing"
        elif content["prev_hash"] != expected_prev:
            problem = f"row {row[1]}: previous-hash link broken"
        elif audit.compute_hash(content) != row[2]:
            problem = f"row {row[1]}: hash does not match its content (altered)"
        if problem is not None:
            checks.append(Check("site_chain", False, f"site {site}: audit {problem}"))
            broken = True
        expected_seq, expected_prev = expected_seq + 1, row[2]
    if site is not None and not broken:
        checks.append(Check("site_chain", True, f"ok: site {site}, {rows} audit rows"))
    return checks


def _packages(conn: Connection) -> list[Check]:
    p, a = _PACKAGES, _SITE_AUDIT
    heads = {
        (str(s), int(q)): str(h)
        for s, q, h in conn.execute(select(a.c.site_code, a.c.seq, a.c.hash))
    }
    findings: list[str] = []
    previous: dict[str, tuple[int, str]] = {}
    count = 0
    for row in conn.execute(select(p).order_by(p.c.site_code, p.c.number)).mappings():
        count += 1
        site, number = str(row["site_code"]), int(row["number"])
        label = fmt.file_name(site, number)
        last_number, last_hash = previous.get(site, (0, GENESIS))
        manifest = str(row["manifest"]).encode("utf-8")
        if number != last_number + 1:
            findings.append(f"{label}: follows package {last_number}")
        elif row["previous_sha256"] != last_hash:
            findings.append(f"{label}: its previous hash is not package {last_number}'s")
        if fmt.sha256(manifest) != row["sha256"] or json.loads(manifest)["number"] != number:
            findings.append(f"{label}: the recorded manifest was altered")
        if heads.get((site, int(row["last_seq"]))) != row["chain_head"] and row["last_seq"]:
            findings.append(f"{label}: its chain head is not in the site's chain")
        previous[site] = (number, str(row["sha256"]))
    if not findings:
        return [Check("packages", True, f"ok: {count} imported packages, linked")]
    return [Check("packages", False, text) for text in findings[:MAX_FINDINGS]]


def _records(conn: Connection) -> list[Check]:
    """Every pooled record is what its site last sent, and every pooled record was sent."""
    e = _EXCHANGE
    sent = list(conn.execute(select(e)).mappings())
    to_site = {
        (str(r["site_code"]), str(r["table_name"]), int(r["local_id"])): int(r["site_record_id"])
        for r in sent
    }
    by_local = {(str(r["table_name"]), int(r["local_id"])): r for r in sent}
    findings: list[str] = []
    pooled = 0
    for name in EXCHANGED_TABLES:
        t = table(name)
        for row in conn.execute(select(t)).mappings():
            pooled += 1
            record = by_local.get((name, int(row["id"])))
            if record is None:
                findings.append(f"{name} {row['id']}: no site sent it (added at the centre)")
                continue
            if _as_sent(name, row, str(record["site_code"]), to_site) != _sent(record):
                findings.append(
                    f"{name} {row['id']} (site {record['site_code']} {name} "
                    f"{record['site_record_id']}): differs from what the site sent"
                )
            if len(findings) >= MAX_FINDINGS:
                break
    if not findings:
        return [Check("reconcile", True, f"ok: {pooled} pooled records as the sites sent them")]
    return [Check("reconcile", False, text) for text in findings[:MAX_FINDINGS]]


def _sent(record: Any) -> dict[str, Any] | None:
    content = str(record["content"])
    if fmt.sha256(content.encode("utf-8")) != record["content_sha256"]:
        return None
    value = json.loads(content)
    value.pop("key_id", None)
    return dict(value)


def _as_sent(
    name: str, row: Any, site: str, to_site: dict[tuple[str, str, int], int]
) -> dict[str, Any]:
    """The pooled row with the site's ids back, as the site sent it."""
    value = to_json(table(name), row)
    value["id"] = to_site.get((site, name, int(row["id"])))
    for column, target in (("subject_id", "subject"), ("infusion_id", "infusion")):
        if value.get(column) is not None:
            value[column] = to_site.get((site, target, int(value[column])))
    if name in ("signature", "data_query"):
        value["record_id"] = to_site.get((site, str(value["form_table"]), int(value["record_id"])))
    value.pop("key_id", None)
    # through JSON, as the content was stored (floats and text compare alike)
    return dict(json.loads(audit.canonical_json(value)))


def verify_centre_url(url: str) -> list[Check]:
    """:func:`verify_centre` on the database at `url`, which must be a centre's."""
    from msct_crf.exchange.centre import open_centre

    with open_centre(url) as store:
        return verify_centre(store)
