"""AdminData: the people, the sites and the meanings of the signatures.

Every name an audit record or a signature refers to is a User: each account, and each name
the audit trail holds without an account (the single-user mode's ``--user`` names, the
demo's ``demo``, ``system``). Each User has a FirstName and a LastName, which independent
consumers require: from the account's full name (:func:`split_name`), or the login name as
both when there is none. Each site is a Location; the signature meanings are SignatureDefs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from msct_crf.workflow.lifecycle import MEANINGS

from . import oids
from .source import Account, OdmSource
from .xml import Element, sub

LEGAL_REASON = (
    "Electronic signature under 21 CFR Part 11 (11.50, 11.70): the signer's name, the date "
    "and time (UTC) and the meaning, bound to the signed record by an Ed25519 signature"
)

_HONORIFICS = frozenset({"dr", "dr.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms", "ms."})
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Common Chinese family names in pinyin: a romanised Chinese name is written family name
#: first ("Li Wei"), a Western one given name first ("Ada Admin").
_SURNAMES_TEXT = (
    "li wang zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo "
    "liang song zheng xie han tang feng yu dong xiao cheng cao yuan deng fu shen zeng peng "
    "lu su jiang cai jia ding wei xue ye yan pan du dai xia zhong tian ren fan fang shi yao "
    "tan liao zou xiong jin hao kong bai cui kang mao qiu qin gu hou shao meng long wan duan "
    "qian yin"
)
_PINYIN_SURNAMES = frozenset(_SURNAMES_TEXT.split())


@dataclass(frozen=True)
class Person:
    login: str
    full_name: str
    first: str
    last: str
    investigator: bool = False

    @property
    def oid(self) -> str:
        return oids.user(self.login)


def split_name(full_name: str, login: str) -> tuple[str, str]:
    """(first name, last name) of a person.

    Honorifics are dropped. A name in Chinese characters without spaces is family name
    first, one character (李伟 -> 伟, 李); a romanised Chinese name is too when its first
    word is a common Chinese family name (Li Wei -> Wei, Li); otherwise the last word is the
    last name (Ada Admin -> Ada, Admin). One word, or no name, is both names.
    """
    words = [w for w in full_name.split() if w.lower() not in _HONORIFICS]
    if not words:
        return login, login
    if len(words) == 1:
        word = words[0]
        if _CJK.match(word) and len(word) >= 2:
            return word[1:], word[0]
        return word, word
    if words[0].lower() in _PINYIN_SURNAMES:
        return " ".join(words[1:]), words[0]
    return " ".join(words[:-1]), words[-1]


def people(source: OdmSource) -> list[Person]:
    """A Person for every account and every other name in the audit trail, the records'
    last saves or the signatures (at a coordinating centre the sites' accounts stay at the
    sites: their names come from the records and signatures the packages brought)."""
    accounts: dict[str, Account] = {a.username: a for a in source.accounts}
    names = {a.username for a in source.accounts}
    names |= {row.user for row in source.audit}
    names |= {r.updated_by for rows in source.records.values() for r in rows}
    names |= {s.signer for s in source.signatures}
    out = []
    for login in sorted(n for n in names if n):
        account = accounts.get(login)
        full = account.full_name.strip() if account else ""
        first, last = split_name(full, login)
        out.append(
            Person(login, full or login, first, last, bool(account and account.role == "pi"))
        )
    return out


def site_codes(source: OdmSource) -> list[str]:
    """Every configured site and every site a subject of the file belongs to."""
    return sorted(set(source.sites.codes) | {s for _, s in source.subjects.values() if s})


def meanings(source: OdmSource) -> dict[str, str]:
    """Signature meaning -> SignatureDef OID, the offered meanings first (SD.1, SD.2, ...)."""
    found = {s.meaning for s in source.signatures}
    ordered = [m for m in MEANINGS] + sorted(found - set(MEANINGS))
    return {meaning: oids.signature_def(n) for n, meaning in enumerate(ordered, start=1)}


def _user(parent: Element, person: Person) -> None:
    element = sub(
        parent, "User", OID=person.oid, UserType="Investigator" if person.investigator else "Other"
    )
    sub(element, "LoginName", person.login)
    sub(element, "DisplayName", person.full_name)
    sub(element, "FullName", person.full_name)
    sub(element, "FirstName", person.first)
    sub(element, "LastName", person.last)


def admin_element(
    parent: Element, source: OdmSource, persons: Iterable[Person], effective: str
) -> Element:
    """AdminData with the people, the sites (effective from `effective`, a date) and the
    signature meanings."""
    admin = sub(parent, "AdminData", StudyOID=oids.STUDY_OID)
    for person in persons:
        _user(admin, person)
    for code in site_codes(source):
        name = source.sites.label(code)  # the code itself for a site not registered
        location = sub(admin, "Location", OID=oids.location(code), Name=name, LocationType="Site")
        sub(
            location,
            "MetaDataVersionRef",
            StudyOID=oids.STUDY_OID,
            MetaDataVersionOID=oids.MDV_OID,
            EffectiveDate=effective,
        )
    for meaning, oid in meanings(source).items():
        definition = sub(admin, "SignatureDef", OID=oid, Methodology="Electronic")
        sub(definition, "Meaning", meaning)
        sub(definition, "LegalReason", LEGAL_REASON)
    return admin
