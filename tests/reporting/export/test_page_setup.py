"""Print setup of every sheet (msct_crf.reporting.export.page_setup), read back with
openpyxl: A4, landscape where wide, one page wide, header row repeated, the study and the
export time in the page header, the audit head and page x of y in the footer; the Summary
on at most two pages with its charts below every cell."""

from __future__ import annotations

import re
import sqlite3
import zipfile

import openpyxl
from export_factory import NOW
from export_readback import Exported

from msct_crf.reporting.export.page_setup import LANDSCAPE_FROM_COLUMNS
from msct_crf.study.dictionary import STUDY_CODE

#: fitToWidth and fitToHeight default to 1 in the file format (ECMA-376 18.3.1.64), so a
#: writer may leave a 1 out.
OOXML_DEFAULT_FIT = 1


def _head_hash(exported: Exported) -> str:
    with sqlite3.connect(exported.db) as conn:
        row = conn.execute(
            "SELECT new_value FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    match = re.search(r"head ([0-9a-f]{64})", row[0])
    assert match, row
    return match.group(1)


def test_every_sheet_prints_one_page_wide_with_header_and_footer(exported: Exported) -> None:
    book = openpyxl.load_workbook(exported.out)
    head = _head_hash(exported)
    assert len(book.worksheets) >= 10
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title  # A4
        wide = ws.max_column >= LANDSCAPE_FROM_COLUMNS
        assert setup.orientation == ("landscape" if wide else "portrait"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth or OOXML_DEFAULT_FIT) == 1, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        header, footer = ws.oddHeader, ws.oddFooter
        assert STUDY_CODE in header.left.text, ws.title
        assert NOW.strftime("%Y-%m-%d %H:%M UTC") in header.right.text, ws.title
        assert head in footer.left.text, ws.title
        assert footer.right.text == "Page &P of &N", ws.title
    book.close()


def test_summary_on_two_pages_and_charts_below_every_cell(exported: Exported) -> None:
    book = openpyxl.load_workbook(exported.out)
    ws = book["Summary"]
    assert (ws.page_setup.fitToWidth or OOXML_DEFAULT_FIT) == 1
    assert ws.page_setup.fitToHeight == 2
    last_row = ws.max_row  # 1-based: the last row holding a cell
    book.close()
    with zipfile.ZipFile(exported.out) as z:
        drawings = [n for n in z.namelist() if n.startswith("xl/drawings/drawing")]
        xml = "".join(z.read(n).decode("utf-8") for n in drawings if n.endswith(".xml"))
    anchors = re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", xml)
    assert len(anchors) == 3
    for _col, row in anchors:
        assert int(row) >= last_row  # 0-based anchor row at or after the last written row


def test_summary_notes_are_wrapped_across_the_table(exported: Exported) -> None:
    book = openpyxl.load_workbook(exported.out)
    ws = book["Summary"]
    merged = [r for r in ws.merged_cells.ranges if r.min_col == 1]
    assert len(merged) == 3  # exclusion rule, statistics, the test
    for r in merged:
        assert r.max_col >= 15  # across the table's columns
        assert ws.cell(r.min_row, 1).alignment.wrap_text
    book.close()


def test_chinese_header_and_footer() -> None:
    from msct_crf.reporting.export.page_setup import PrintHeading, footer_text, header_text

    heading = PrintHeading(NOW, "ab" * 32, "zh")
    assert "导出时间" in header_text(heading)
    assert footer_text(heading).endswith("第 &P 页，共 &N 页")
    assert "&&" not in header_text(PrintHeading(NOW, "x"))
    assert len(footer_text(heading)) <= 255
