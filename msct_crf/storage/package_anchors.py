"""Verify's check of the heads a site file's packages recorded (``sent_package``).

A package records the chain head it carried (the hash of its last audit row); the
coordinating centre holds that chain. If the site file's history before that row is later
rewritten, the row no longer has the hash the package recorded, and the centre's copy no
longer matches: say so here, at the site, too. Each package is also booked by one
``package`` audit row naming its hash, so a booking added or edited behind the
application's back shows.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf.storage.db.audit_table import AuditEntry
from msct_crf.storage.db.models import SentPackage
from msct_crf.storage.signature_checks import Finding


def package_findings(session: Session) -> list[Finding]:
    out: list[Finding] = []
    count = 0
    for package in session.scalars(select(SentPackage).order_by(SentPackage.number)):
        count += 1
        name = package.file_name
        if package.last_seq:
            head = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == package.last_seq))
            if head != package.chain_head:
                out.append(
                    Finding(
                        "packages",
                        False,
                        f"site package {name} carried audit rows up to {package.last_seq} with "
                        f"head {package.chain_head[:12]}..., which is no longer the chain's: "
                        "the history before it was rewritten",
                    )
                )
        booked = session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "package",
                AuditEntry.record_id == str(package.number),
                AuditEntry.new_value == package.sha256,
            )
        )
        if booked is None:
            out.append(
                Finding("packages", False, f"site package {name} has no audit row of its own")
            )
    if count and not out:
        out.append(
            Finding("packages", True, f"ok: {count} site packages, their heads in the chain")
        )
    return out
