"""Print setup of every export sheet: a PI prints the workbook or saves it as PDF.

Each sheet prints on A4, landscape when it has more than a few columns, scaled to the
page width, with its header row repeated on every page. The page header names the study
and the export time; the page footer carries the audit-chain head the export saw (the same
hash as the README sheet, so a printed page can be matched to the database state it came
from) and "page x of y". XlsxWriter keeps these settings until the workbook is closed, so
they can be set on a sheet written in constant-memory mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from msct_crf.study.dictionary import STUDY_CODE, STUDY_TITLE, Label

__all__ = ["LANDSCAPE_FROM_COLUMNS", "PrintHeading", "footer_text", "header_text", "set_up_page"]

#: A sheet with at least this many columns prints in landscape.
LANDSCAPE_FROM_COLUMNS = 6
#: XlsxWriter's paper code for A4.
A4 = 9
#: Excel's limit for the text of a page header or footer.
MAX_HEADER_CHARS = 255

_EXPORTED = Label("Exported", "导出时间")
_AUDIT_HEAD = Label("Audit-chain head", "审计链末端哈希值")
_PAGE = Label("Page &P of &N", "第 &P 页，共 &N 页")


@dataclass(frozen=True)
class PrintHeading:
    """What every printed page says about the export."""

    exported_utc: dt.datetime
    head_hash: str
    language: str = "en"


def _escape(text: str) -> str:
    """Literal text in an Excel header or footer: '&' starts a code, '&&' is an ampersand."""
    return text.replace("&", "&&")


def header_text(heading: PrintHeading) -> str:
    """Left: the study title and code; right: the export time (UTC)."""
    lang = heading.language
    study = _escape(f"{STUDY_TITLE.get(lang)} ({STUDY_CODE})")
    when = heading.exported_utc.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"&L{study}&R{_escape(_EXPORTED.get(lang))} {when}"[:MAX_HEADER_CHARS]


def footer_text(heading: PrintHeading) -> str:
    """Left: the audit-chain head hash; right: page x of y."""
    lang = heading.language
    head = f"{_escape(_AUDIT_HEAD.get(lang))}: {_escape(heading.head_hash)}"
    return f"&L&8{head}&R{_PAGE.get(lang)}"[:MAX_HEADER_CHARS]


def set_up_page(
    ws: Worksheet, heading: PrintHeading | None, columns: int, *, pages_tall: int = 0
) -> None:
    """A4, landscape from LANDSCAPE_FROM_COLUMNS columns, one page wide and `pages_tall`
    pages tall (0: as many as it takes), header row repeated, header and footer."""
    ws.set_paper(A4)
    if columns >= LANDSCAPE_FROM_COLUMNS:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, pages_tall)
    ws.repeat_rows(0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if heading is not None:
        ws.set_header(header_text(heading), {"margin": 0.3})
        ws.set_footer(footer_text(heading), {"margin": 0.3})
