"""The study's site registry: the ``site`` table (migration 0004), the one list of sites.

Every study file has one: migration 0004 seeded it with the three sites the study started
with (GZH, NJG, SHA); ``msct-crf central add-site`` registers more at the coordinating centre
and ``msct-crf init --site`` registers a site file's own site. Data entry, the subject IDs,
``msct-crf scale`` and every export take the sites from here
(:func:`registered_sites`), so a study of 50 sites and more is configuration, not code.
"""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.storage import audit, study_identity
from msct_crf.storage.db.models import Site
from msct_crf.study.dictionary import CodeList
from msct_crf.study.dictionary.codelists import SITES
from msct_crf.study.sites import site_list

SITE_TABLE = "site"
NAME_MAX = 200

__all__ = ["SITE_TABLE", "check_site_name", "register_site", "registered_sites", "site_names"]


def registered_sites(session: Session) -> CodeList:
    """The registered sites as the code list of the field SITEID (by code). A file older
    than migration 0004 opened read-only (no migration runs) has no registry: the sites 0004
    would seed it with."""
    if not inspect(session.connection()).has_table(SITE_TABLE):
        return site_list((item.code, item.label.en, item.label.zh) for item in SITES.items)
    rows = session.execute(select(Site.code, Site.name, Site.name_zh).order_by(Site.code))
    return site_list((str(code), str(name), name_zh) for code, name, name_zh in rows)


def site_names(session: Session, code: str) -> tuple[str, str | None] | None:
    """(name, Chinese name) of a registered site, None for a site not registered."""
    row = session.get(Site, code)
    return (row.name, row.name_zh) if row is not None else None


def check_site_name(name: str | None, option: str = "--name") -> str:
    value = (name or "").strip()
    if not value or len(value) > NAME_MAX:
        raise UserError(f"{option} {value[:40]!r}: the site's name, 1 to {NAME_MAX} characters")
    return value


def register_site(
    session: Session, code: str, name: str, name_zh: str | None = None, *, user: str
) -> bool:
    """Register a site (or rename one) in the caller's transaction, audited (action
    ``site``); False when nothing changed."""
    code = study_identity.check_site_code(code)
    name = check_site_name(name)
    name_zh = (name_zh or "").strip() or None
    if name_zh is not None and len(name_zh) > NAME_MAX:
        raise UserError(f"--name-zh: the site's Chinese name, at most {NAME_MAX} characters")
    row = session.get(Site, code)
    old = (row.name, row.name_zh) if row is not None else (None, None)
    if old == (name, name_zh):
        return False
    if row is None:
        stamp = audit.format_utc(clock.now())
        session.add(Site(code=code, name=name, name_zh=name_zh, added_at=stamp, added_by=user))
    else:
        row.name, row.name_zh = name, name_zh
    changes = [
        audit.Change(f, o, n)
        for f, o, n in (("name", old[0], name), ("name_zh", old[1], name_zh))
        if o != n
    ]
    audit.append(
        session, user=user, action="site", table_name=SITE_TABLE, record_id=code, changes=changes
    )
    session.flush()
    return True
