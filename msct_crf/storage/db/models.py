"""Typed tables, one per form of the dictionary.

Each form table has the form's fields as columns (named `Field.column`, i.e. the lower-case
field code) plus the record's bookkeeping (status, missing-data codes, who and when).
`tests/storage/db/test_models.py` proves every dictionary field has a column of the right
type and every column is either a field or bookkeeping, so the two cannot drift.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .audit_table import AuditEntry
from .base import Base
from .exchange_models import (
    CentreQuery,
    ExchangeRecord,
    ImportedPackage,
    ReturnPackage,
    SentPackage,
    Site,
    SiteAuditEntry,
)
from .security_models import Query, Signature, SigningKey, StudySetting

__all__ = [
    "AdverseEvent",
    "AppUser",
    "AuditEntry",
    "Base",
    "CentreQuery",
    "Conmed",
    "Disposition",
    "ExchangeRecord",
    "ImportedPackage",
    "FormRecord",
    "Infusion",
    "MedicalHistory",
    "Query",
    "ReturnPackage",
    "SentPackage",
    "Signature",
    "SigningKey",
    "Site",
    "SiteAuditEntry",
    "SiteSequence",
    "Subject",
    "StudySetting",
    "Visit",
    "VitalSign",
]

CODE = String(20)


class FormRecord:
    """Bookkeeping columns every form table carries."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # {"ALT": "ND", ...}: fields that hold a missing-data code instead of a value
    missing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(64))


BOOKKEEPING_COLUMNS = frozenset(
    {
        "id",
        "status",
        "missing",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "subject_id",
        "infusion_id",
    }
)


class SubjectChild(FormRecord):
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)


class Subject(FormRecord, Base):
    """Enrolment form: one row per subject."""

    __tablename__ = "subject"

    subjid: Mapped[str] = mapped_column(String(12), unique=True)
    siteid: Mapped[str] = mapped_column(CODE)
    initials: Mapped[str | None] = mapped_column(String(4))
    hospnum: Mapped[str | None] = mapped_column(String(30))
    sex: Mapped[str | None] = mapped_column(CODE)
    brthdtc: Mapped[date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float | None] = mapped_column(Float)
    bmi: Mapped[float | None] = mapped_column(Float)
    rficdtc: Mapped[date | None] = mapped_column(Date)
    enrldtc: Mapped[date | None] = mapped_column(Date)
    dxcat: Mapped[str | None] = mapped_column(CODE)
    dxoth: Mapped[str | None] = mapped_column(String(100))
    dxdtc: Mapped[str | None] = mapped_column(String(10))
    cirrdtc: Mapped[date | None] = mapped_column(Date)
    cirrmeth: Mapped[str | None] = mapped_column(CODE)
    lsm: Mapped[float | None] = mapped_column(Float)
    dcasc: Mapped[str | None] = mapped_column(CODE)
    dcvb: Mapped[str | None] = mapped_column(CODE)
    dche: Mapped[str | None] = mapped_column(CODE)
    dcjaun: Mapped[str | None] = mapped_column(CODE)
    iein01: Mapped[str | None] = mapped_column(CODE)
    iein02: Mapped[str | None] = mapped_column(CODE)
    iein03: Mapped[str | None] = mapped_column(CODE)
    iein04: Mapped[str | None] = mapped_column(CODE)
    ieex01: Mapped[str | None] = mapped_column(CODE)
    ieex02: Mapped[str | None] = mapped_column(CODE)
    ieex03: Mapped[str | None] = mapped_column(CODE)
    ieex04: Mapped[str | None] = mapped_column(CODE)
    ieex05: Mapped[str | None] = mapped_column(CODE)
    iewaiver: Mapped[str | None] = mapped_column(String(500))

    infusions: Mapped[list[Infusion]] = relationship(
        back_populates="subject", order_by="Infusion.exstdtc"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="subject", order_by="Visit.visdtc")
    disposition: Mapped[Disposition | None] = relationship(back_populates="subject")


class MedicalHistory(SubjectChild, Base):
    __tablename__ = "medical_history"

    mhterm: Mapped[str | None] = mapped_column(String(200))
    mhstdtc: Mapped[str | None] = mapped_column(String(10))
    mhongo: Mapped[str | None] = mapped_column(CODE)


class Infusion(SubjectChild, Base):
    __tablename__ = "infusion"

    exnum: Mapped[int | None] = mapped_column(Integer)
    exstdtc: Mapped[datetime | None] = mapped_column(DateTime)
    exendtc: Mapped[datetime | None] = mapped_column(DateTime)
    exdur: Mapped[int | None] = mapped_column(Integer)
    exsrc: Mapped[str | None] = mapped_column(CODE)
    exlot: Mapped[str | None] = mapped_column(String(40))
    exwt: Mapped[float | None] = mapped_column(Float)
    excell: Mapped[float | None] = mapped_column(Float)
    exdose: Mapped[float | None] = mapped_column(Float)
    explan: Mapped[float | None] = mapped_column(Float)
    exvol: Mapped[float | None] = mapped_column(Float)
    exviab: Mapped[float | None] = mapped_column(Float)
    exroute: Mapped[str | None] = mapped_column(CODE)
    exrouteo: Mapped[str | None] = mapped_column(String(100))
    premed: Mapped[str | None] = mapped_column(CODE)
    premedtx: Mapped[str | None] = mapped_column(String(200))
    exreact: Mapped[str | None] = mapped_column(CODE)
    excompl: Mapped[str | None] = mapped_column(CODE)
    excomprs: Mapped[str | None] = mapped_column(String(200))

    subject: Mapped[Subject] = relationship(back_populates="infusions")
    vital_signs: Mapped[list[VitalSign]] = relationship(back_populates="infusion")


class VitalSign(SubjectChild, Base):
    __tablename__ = "vital_sign"
    __table_args__ = (UniqueConstraint("infusion_id", "vstpt"),)

    infusion_id: Mapped[int] = mapped_column(ForeignKey("infusion.id"), index=True)
    vstpt: Mapped[str | None] = mapped_column(CODE)
    temp: Mapped[float | None] = mapped_column(Float)
    pulse: Mapped[int | None] = mapped_column(Integer)
    sysbp: Mapped[int | None] = mapped_column(Integer)
    diabp: Mapped[int | None] = mapped_column(Integer)
    resp: Mapped[int | None] = mapped_column(Integer)
    spo2: Mapped[int | None] = mapped_column(Integer)

    infusion: Mapped[Infusion] = relationship(back_populates="vital_signs")


class Visit(SubjectChild, Base):
    __tablename__ = "visit"

    visit: Mapped[str | None] = mapped_column(CODE)
    visdtc: Mapped[date | None] = mapped_column(Date, index=True)
    alt: Mapped[float | None] = mapped_column(Float)
    ast: Mapped[float | None] = mapped_column(Float)
    alp: Mapped[float | None] = mapped_column(Float)
    ggt: Mapped[float | None] = mapped_column(Float)
    tbil: Mapped[float | None] = mapped_column(Float)
    dbil: Mapped[float | None] = mapped_column(Float)
    alb: Mapped[float | None] = mapped_column(Float)
    pt: Mapped[float | None] = mapped_column(Float)
    pta: Mapped[float | None] = mapped_column(Float)
    inr: Mapped[float | None] = mapped_column(Float)
    creat: Mapped[float | None] = mapped_column(Float)
    sodium: Mapped[float | None] = mapped_column(Float)
    plt: Mapped[float | None] = mapped_column(Float)
    hgb: Mapped[float | None] = mapped_column(Float)
    wbc: Mapped[float | None] = mapped_column(Float)
    igg: Mapped[float | None] = mapped_column(Float)
    ascites: Mapped[str | None] = mapped_column(CODE)
    he: Mapped[str | None] = mapped_column(CODE)
    dialysis: Mapped[str | None] = mapped_column(CODE)
    varbleed: Mapped[str | None] = mapped_column(CODE)
    meld: Mapped[int | None] = mapped_column(Integer)
    meldna: Mapped[int | None] = mapped_column(Integer)
    meld3: Mapped[int | None] = mapped_column(Integer)
    cps: Mapped[int | None] = mapped_column(Integer)
    cpclass: Mapped[str | None] = mapped_column(CODE)
    albi: Mapped[float | None] = mapped_column(Float)
    albigr: Mapped[int | None] = mapped_column(Integer)

    subject: Mapped[Subject] = relationship(back_populates="visits")


class AdverseEvent(SubjectChild, Base):
    __tablename__ = "adverse_event"

    # set when the event was opened from an infusion's "infusion reaction" answer
    infusion_id: Mapped[int | None] = mapped_column(ForeignKey("infusion.id"))
    aeterm: Mapped[str | None] = mapped_column(String(200))
    aestdtc: Mapped[datetime | None] = mapped_column(DateTime)
    aeendtc: Mapped[datetime | None] = mapped_column(DateTime)
    aeongo: Mapped[str | None] = mapped_column(CODE)
    aetoxgr: Mapped[str | None] = mapped_column(CODE)
    aeser: Mapped[str | None] = mapped_column(CODE)
    aesdth: Mapped[str | None] = mapped_column(CODE)
    aeslife: Mapped[str | None] = mapped_column(CODE)
    aeshosp: Mapped[str | None] = mapped_column(CODE)
    aesdisab: Mapped[str | None] = mapped_column(CODE)
    aescong: Mapped[str | None] = mapped_column(CODE)
    aesmie: Mapped[str | None] = mapped_column(CODE)
    aerel: Mapped[str | None] = mapped_column(CODE)
    aeacn: Mapped[str | None] = mapped_column(CODE)
    aeout: Mapped[str | None] = mapped_column(CODE)
    aeinfrel: Mapped[str | None] = mapped_column(CODE)


class Conmed(SubjectChild, Base):
    __tablename__ = "conmed"

    cmtrt: Mapped[str | None] = mapped_column(String(200))
    cmcat: Mapped[str | None] = mapped_column(CODE)
    cmdose: Mapped[float | None] = mapped_column(Float)
    cmdosu: Mapped[str | None] = mapped_column(String(20))
    cmdosfrq: Mapped[str | None] = mapped_column(CODE)
    cmroute: Mapped[str | None] = mapped_column(CODE)
    cmstdtc: Mapped[str | None] = mapped_column(String(10))
    cmendtc: Mapped[str | None] = mapped_column(String(10))
    cmongo: Mapped[str | None] = mapped_column(CODE)
    cmindc: Mapped[str | None] = mapped_column(String(200))


class Disposition(SubjectChild, Base):
    __tablename__ = "disposition"
    __table_args__ = (UniqueConstraint("subject_id"),)

    dsdecod: Mapped[str | None] = mapped_column(CODE)
    dsstdtc: Mapped[date | None] = mapped_column(Date)
    dsterm: Mapped[str | None] = mapped_column(String(200))
    dslcdtc: Mapped[date | None] = mapped_column(Date)
    dsdthcau: Mapped[str | None] = mapped_column(String(200))
    dsltxdtc: Mapped[date | None] = mapped_column(Date)

    subject: Mapped[Subject] = relationship(back_populates="disposition")


class SiteSequence(Base):
    """The last subject number issued per site, so a number is never reused."""

    __tablename__ = "site_sequence"

    siteid: Mapped[str] = mapped_column(CODE, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class AppUser(Base):
    """A person who uses the app; passwords and roles arrive with the security module."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(16), default="nurse")
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(32))


#: The model of each form, by form code.
FORM_MODELS: dict[str, type[FormRecord]] = {
    "ENROL": Subject,
    "MH": MedicalHistory,
    "EX": Infusion,
    "VS": VitalSign,
    "VIS": Visit,
    "AE": AdverseEvent,
    "CM": Conmed,
    "DS": Disposition,
}
