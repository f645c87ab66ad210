"""Each value is written the way its ItemDef says, and the validation agrees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from odm_factory import NS, Exported

from msct_crf.reporting.odm.metadata import _item_def
from msct_crf.reporting.odm.oids import ODM_NS
from msct_crf.reporting.odm.validation import _fits
from msct_crf.reporting.odm.values import FLOAT_DIGITS, value_text
from msct_crf.study.dictionary import find_field


def _item(code: str) -> etree._Element:
    parent = etree.Element(f"{{{ODM_NS}}}MetaDataVersion")
    _item_def(parent, find_field(code)[1])
    return parent[0]


@pytest.mark.parametrize(
    ("code", "raw", "text"),
    [
        ("TBIL", 33.6, "33.6"),
        ("TBIL", "85.0", "85"),
        ("TBIL", 21.0330000001, "21.033"),
        ("TBIL", 1e-7, "0"),
        ("EXCELL", 1e12, "1000000000000"),
        ("AGE", 41, "41"),
        ("AGE", "41", "41"),
        ("BRTHDTC", "1972-09-23", "1972-09-23"),
        ("BRTHDTC", dt.date(1972, 9, 23), "1972-09-23"),
        ("EXSTDTC", "2014-03-19 09:45:00.000000", "2014-03-19T09:45:00"),
        ("EXSTDTC", dt.datetime(2014, 3, 19, 9, 45, tzinfo=dt.UTC), "2014-03-19T09:45:00Z"),
        ("DXDTC", "2010-05", "2010-05"),
        ("SEX", "F", "F"),
        ("TBIL", None, None),
        ("INITIALS", "  ", None),
        ("TBIL", "nan", None),
    ],
)
def test_value_text(code: str, raw: object, text: str | None) -> None:
    assert value_text(find_field(code)[1], raw) == text
    if text is not None:
        assert _fits(text, _item(code), None) is None


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_every_float_fits_its_item_and_keeps_its_value(number: float) -> None:
    text = value_text(find_field("TBIL")[1], number)
    assert text is not None
    assert _fits(text, _item("TBIL"), None) is None
    assert abs(Decimal(text) - Decimal(repr(number))) <= Decimal(1).scaleb(-FLOAT_DIGITS) / 2


def test_fits_refuses_what_does_not_fit() -> None:
    assert "more than 6 decimals" in (_fits("1.1234567", _item("TBIL"), None) or "")
    assert "not an integer" in (_fits("4.5", _item("AGE"), None) or "")
    assert "not a date" in (_fits("2014-3-1", _item("BRTHDTC"), None) or "")
    assert "longer than 4" in (_fits("ABCDE", _item("INITIALS"), None) or "")
    assert "not in its code list" in (_fits("X", _item("SEX"), {"F", "M"}) or "")


def _independently_fits(value: str, item: etree._Element, codes: dict[str, set[str]]) -> bool:
    """The ODM 1.3.2 data formats read with Python's own parsers, not the export's checks."""
    kind, digits = item.get("DataType"), item.get("SignificantDigits")
    ref = item.find("odm:CodeListRef", NS)
    if ref is not None and value not in codes[ref.get("CodeListOID", "")]:
        return False
    if kind == "integer":
        return str(int(value)) == value
    if kind == "float":
        exponent = Decimal(value).as_tuple().exponent
        return (
            "e" not in value.lower() and isinstance(exponent, int) and -exponent <= int(digits or 0)
        )
    if kind == "date":
        return dt.date.fromisoformat(value).isoformat() == value
    if kind == "datetime":
        return dt.datetime.fromisoformat(value).isoformat() == value
    if kind == "partialDate":
        parts = value.split("-")
        return (
            dt.date(int(parts[0]), int((parts + ["1"])[1]), int((parts + ["1", "1"])[2]))
            is not None
        )
    return kind == "text" and len(value) <= int(item.get("Length") or 10**6)


@pytest.mark.parametrize("history", [False, True], ids=["snapshot", "transactional"])
def test_every_value_fits_its_item_def(odm_files: Exported, history: bool) -> None:
    root = odm_files.tree(history).getroot()
    items = {i.get("OID"): i for i in root.iter(f"{{{ODM_NS}}}ItemDef")}
    codes = {
        c.get("OID", ""): {i.get("CodedValue", "") for i in c.findall("odm:CodeListItem", NS)}
        for c in root.iter(f"{{{ODM_NS}}}CodeList")
    }
    kinds = set()
    values = [(d.get("ItemOID"), d.get("Value")) for d in root.iter(f"{{{ODM_NS}}}ItemData")]
    for oid, value in values:
        if value is not None:
            kinds.add(items[oid].get("DataType"))
            assert _independently_fits(value, items[oid], codes), (oid, value)
    assert kinds == {"text", "integer", "float", "date", "datetime", "partialDate"}
    nulls = [v for _oid, v in values if v is None]
    assert nulls and len(nulls) < len(values) / 10
