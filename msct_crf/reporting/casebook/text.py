"""The words of a casebook: values as the form shows them, and the casebook's own phrases.

Values are printed the way the form's fields hold them (``ui/forms/formatting.py``
``value_text``, repeated here because the core may not import the GUI): a number with its
shortest exact text in SI, as stored (so every saved value can be found in the PDF exactly as
it is in the database), or converted to the conventional unit with two more decimals than the
field's display precision; a date as YYYY-MM-DD, a date and time as YYYY-MM-DD HH:MM; a
code-list value as its label in the casebook's language; a missing-data code spelled out
("ND — not done"). Like the export's README sheet, the casebook carries its few fixed
phrases in English and Chinese itself: it is a document, not a window of the GUI.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from msct_crf.study.dictionary import MISSING_LABELS, Field, FieldType, MissingCode
from msct_crf.study.units import UnitSystem, converts, from_si, unit_of

#: Units that are words; symbols (mg/dL, µmol/L) are the same in both languages. The same
#: translations as the form's unit labels (FieldEditor in resources/translations).
_UNIT_WORDS_ZH = {
    "years": "岁",
    "ratio": "比值",
    "min": "分钟",
    "/min": "次/分",
    "s": "秒",
    "x10^6 cells/kg": "x10^6 细胞/kg",
}

_PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Casebook", "病例报告"),
    "subject": ("Subject", "受试者"),
    "site": ("Site", "中心"),
    "study": ("Study", "研究"),
    "study_id": ("Study file ID", "研究文件编号"),
    "exported": ("Exported", "导出时间"),
    "exported_by": ("Exported by", "导出人"),
    "audit_head": ("Audit head", "稽查链头"),
    "units": ("Units", "单位"),
    "units_si": ("SI, as stored", "国际单位（按存储值）"),
    "units_conventional": ("conventional", "常规单位"),
    "records": ("Records", "记录数"),
    "no_records": ("No records.", "无记录。"),
    "record": ("record", "记录"),
    "status": ("Status", "状态"),
    "code": ("Code", "代码"),
    "field": ("Field", "字段"),
    "value": ("Value", "值"),
    "unit": ("Unit", "单位"),
    "derived": ("derived", "自动计算"),
    "infusion": ("infusion", "输注"),
    "signatures": ("Signatures", "电子签名"),
    "no_signature": ("Not signed.", "未签名。"),
    "signed_by": ("Signed by", "签名人"),
    "meaning": ("Meaning", "签名含义"),
    "voided": ("VOIDED", "已作废"),
    "voided_by": ("by", "作废人"),
    "reason": ("reason", "原因"),
    "invalid": ("INVALID", "无效"),
    "queries": ("Queries", "质疑"),
    "no_queries": ("No queries.", "无质疑。"),
    "query": ("Query", "质疑"),
    "whole_record": ("whole record", "整条记录"),
    "raised_by": ("raised by", "提出人"),
    "answer": ("Answer", "回复"),
    "answered_by": ("by", "回复人"),
    "closed": ("Closed", "关闭"),
    "closed_by": ("by", "关闭人"),
    "page": ("page {page} of {pages}", "第 {page} 页，共 {pages} 页"),
    "exported_at": ("exported {when}", "导出于 {when}"),
    "head_short": ("audit head {head}", "稽查链头 {head}"),
}

_STATUSES = {
    "draft": ("draft", "草稿"),
    "complete": ("complete", "已完成"),
    "verified": ("verified", "已核查"),
    "signed": ("signed", "已签名"),
    "locked": ("locked", "已锁定"),
}

_QUERY_STATUSES = {
    "open": ("open", "未回复"),
    "answered": ("answered", "已回复"),
    "closed": ("closed", "已关闭"),
}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "zh" else pair[0]


def phrase(key: str, language: str, **values: Any) -> str:
    """One of the casebook's fixed phrases in `language` (``en`` or ``zh``)."""
    return _pick(_PHRASES[key], language).format(**values)


def status_text(status: str, language: str) -> str:
    """A form status (draft … locked) in `language`."""
    return _pick(_STATUSES[status], language) if status in _STATUSES else status


def query_status_text(status: str, language: str) -> str:
    return _pick(_QUERY_STATUSES[status], language) if status in _QUERY_STATUSES else status


def unit_text(f: Field, units: UnitSystem, language: str) -> str:
    """The unit a field's value is printed in."""
    unit = unit_of(f, units) or ""
    return _UNIT_WORDS_ZH.get(unit, unit) if language == "zh" else unit


def number_text(f: Field, value: float, units: UnitSystem = UnitSystem.SI) -> str:
    """A stored SI number: exact in SI, rounded in conventional units (as the form)."""
    if converts(f, units):
        digits = max(2, (f.decimals or 0) + 2)
        text = f"{from_si(f, value, units):.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if f.type is FieldType.INTEGER:
        return str(int(value))
    return f"{value:.10g}"


def value_text(
    f: Field, value: Any, units: UnitSystem = UnitSystem.SI, *, language: str = "en"
) -> str:
    """A stored value as the casebook prints it ('' for none)."""
    if value is None:
        return ""
    if f.codelist is not None:
        return f.codelist.label(str(value), language)
    if f.is_numeric and isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(f, value, units)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def missing_text(code: str, language: str) -> str:
    """A missing-data code spelled out: 'ND — not done', 'ND — 未检测'."""
    try:
        labels = MISSING_LABELS[MissingCode(code)]
    except ValueError:
        return code
    return f"{code} — {_pick(labels, language)}"


def utc_text(stamp: str | None) -> str:
    """An ISO 8601 UTC time of the trust tables ('2026-11-25T13:05:22.123456Z') as
    '2026-11-25 13:05:22 UTC'."""
    if not stamp:
        return ""
    return f"{stamp[:10]} {stamp[11:19]} UTC"
