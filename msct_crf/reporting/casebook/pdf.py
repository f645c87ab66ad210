"""The casebook as a PDF (ReportLab's platypus), Chinese included, with a footer on every page.

Fonts: Latin text is set in Helvetica and everything Helvetica's WinAnsi encoding cannot
hold (Chinese, ≥, full-width punctuation) in ReportLab's built-in CID font STSong-Light, so
no font file is shipped. STSong-Light alone would do for the Chinese but has no glyph for
µ, ² or ö (µmol/L, kg/m², Sjögren's), which text extraction then loses; the mix keeps every
character extractable (pdftotext, pypdf).

The footer — "subject · form · page x of y · exported <UTC> · audit head <hash prefix>" —
needs the page count, so pages are kept until the document is finished and the footers are
drawn then (:func:`_canvas_class`, the usual ReportLab recipe); the form named is that of
the records printed on the page, found as the flowables are laid out (``afterFlowable``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from msct_crf.study.dictionary import STUDY_CODE, STUDY_TITLE, CodeList, Field
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.sites import form_with_sites
from msct_crf.study.units import UnitSystem
from msct_crf.workflow.lifecycle import SignatureInfo
from msct_crf.workflow.queries import QueryInfo

from .content import Entry, SubjectBook
from .text import (
    missing_text,
    phrase,
    query_status_text,
    status_text,
    unit_text,
    utc_text,
    value_text,
)

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
#: Characters of the audit head printed in the footer.
HEAD_PREFIX = 12
_MARGIN = 42.0  # points (about 15 mm)
_COLUMNS = (74.0, 190.0, 176.0, 71.0)  # code, field, value, unit: 511 pt of an A4 page

#: Fields that tell one record of a repeating form from another, for its heading.
_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "MH": ("MHTERM",),
    "EX": ("EXNUM", "EXSTDTC"),
    "VS": ("VSTPT",),
    "VIS": ("VISIT", "VISDTC"),
    "AE": ("AETERM", "AESTDTC"),
    "CM": ("CMTRT",),
    "DS": ("DSDECOD",),
}


@dataclass(frozen=True)
class PdfMeta:
    """How the casebook was asked for and when it was made."""

    language: str
    units: UnitSystem
    exported_utc: dt.datetime
    user: str
    include_identifying: bool = False

    @property
    def exported_text(self) -> str:
        return self.exported_utc.strftime("%Y-%m-%d %H:%M:%S UTC")


@functools.cache
def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _latin(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def markup(text: str) -> str:
    """`text` as paragraph markup: escaped, line breaks kept, and each run of characters
    Helvetica cannot set wrapped in the CJK font."""
    parts: list[str] = []
    for line_no, line in enumerate(str(text).splitlines() or [""]):
        if line_no:
            parts.append("<br/>")
        for latin, chars in itertools.groupby(line, key=_latin):
            run = escape("".join(chars))
            parts.append(run if latin else f'<font face="{CJK_FONT}">{run}</font>')
    return "".join(parts)


class _Styles:
    """The paragraph styles, made once per document (ReportLab styles are mutable)."""

    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle("base", fontName=LATIN_FONT, fontSize=9, leading=11.5)
        self.body = base
        self.cell = base
        self.cell_cjk = ParagraphStyle("cell_cjk", parent=base, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9)
        self.title = ParagraphStyle(
            "title", parent=base, fontName=LATIN_BOLD, fontSize=16, leading=20, spaceAfter=8
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=base,
            fontName=LATIN_BOLD,
            fontSize=11.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=True,
        )
        self.label = ParagraphStyle(
            "label", parent=base, fontName=LATIN_BOLD, spaceBefore=4, keepWithNext=True
        )


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(markup(text), style)


_CELL_PADDING = 12.0  # ReportLab's default left + right padding of a table cell
_CELL_SIZE = 9.0


def _fits(text: str, width: float) -> bool:
    """A Latin one-line text that fits its column: drawn as a plain string, which ReportLab
    sets several times faster than a Paragraph (most codes, values and units)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if "\n" in text or not all(_latin(c) for c in text):
        return False
    return bool(stringWidth(text, LATIN_FONT, _CELL_SIZE) <= width - _CELL_PADDING)


def _cell(text: str, width: float, styles: _Styles) -> Any:
    """A table cell: a plain string when it fits on one line in Helvetica, else a wrapping
    Paragraph (CJK line breaking only where there is CJK text: it measures every
    character, so it is slow)."""
    if _fits(text, width):
        return text
    latin = all(_latin(c) for c in text)
    return _p(text, styles.cell if latin else styles.cell_cjk)


def _table(rows: list[list[Any]], widths: tuple[float, ...], header: bool) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("FONT", (0, 0), (-1, -1), LATIN_FONT, _CELL_SIZE, 11.5),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)))
    table.setStyle(TableStyle(style))
    return table


# --------------------------------------------------------------------------- story


def record_title(entry: Entry, meta: PdfMeta) -> str:
    """'Visit — Month 6 · 2024-06-01', 'Vital signs — infusion 1 · Pre-infusion'."""
    record = entry.record
    form_def = get_form(record.form)
    bits: list[str] = []
    if entry.parent is not None and entry.parent.values.get("EXNUM") is not None:
        bits.append(f"{phrase('infusion', meta.language)} {entry.parent.values['EXNUM']}")
    for code in _KEY_FIELDS.get(record.form, ()):
        text = value_text(form_def.field(code), record.values.get(code), language=meta.language)
        if text:
            bits.append(text)
    label = form_def.label.get(meta.language)
    return f"{label} — {' · '.join(bits)}" if bits else label


def _fields(entry: Entry, meta: PdfMeta, sites: CodeList | None = None) -> list[Field]:
    form_def = form_with_sites(get_form(entry.record.form), sites)
    return [f for f in form_def.fields if meta.include_identifying or not f.identifying]


def _field_rows(
    entry: Entry, meta: PdfMeta, styles: _Styles, sites: CodeList | None = None
) -> list[list[Any]]:
    lang = meta.language
    head = [phrase(k, lang) for k in ("code", "field", "value", "unit")]
    rows: list[list[Any]] = [[_p(text, styles.label) for text in head]]
    record = entry.record
    for f in _fields(entry, meta, sites):
        code = record.missing.get(f.code)
        value = (
            missing_text(code, lang)
            if code
            else value_text(f, record.values.get(f.code), meta.units, language=lang)
        )
        label = f.label.get(lang) + (f" ({phrase('derived', lang)})" if f.derived else "")
        unit = "" if code else unit_text(f, meta.units, lang)
        texts = (f.code, label, value, unit)
        rows.append([_cell(t, w, styles) for t, w in zip(texts, _COLUMNS, strict=True)])
    return rows


def signature_line(sig: SignatureInfo, language: str) -> str:
    """'Signed by Li Wei (dr.li) · 2026-11-25 13:05:22 UTC · Meaning: …', voided or invalid
    said after it."""
    line = (
        f"{phrase('signed_by', language)} {sig.printed_name} ({sig.signer}) · "
        f"{utc_text(sig.signed_at)} · {phrase('meaning', language)}: {sig.meaning}"
    )
    if sig.voided_at:
        line += (
            f" · {phrase('voided', language)} {utc_text(sig.voided_at)} "
            f"{phrase('voided_by', language)} {sig.voided_by or ''}"
        )
        if sig.void_reason:
            line += f" · {phrase('reason', language)}: {sig.void_reason}"
    elif not sig.valid:
        line += f" · {phrase('invalid', language)}: {sig.problem or ''}"
    return line


def query_lines(query: QueryInfo, form_code: str, language: str) -> list[str]:
    """A query, its answer and its closing, one line each."""
    if query.field:
        target = f"{query.field} {get_form(form_code).field(query.field).label.get(language)}"
    else:
        target = phrase("whole_record", language)
    lines = [
        f"{phrase('query', language)} #{query.id} · {target} · "
        f"{query_status_text(query.status, language)} · {phrase('raised_by', language)} "
        f"{query.raised_by} {utc_text(query.raised_at)}: {query.text}"
    ]
    if query.answer:
        lines.append(
            f"{phrase('answer', language)} {phrase('answered_by', language)} "
            f"{query.answered_by or ''} {utc_text(query.answered_at)}: {query.answer}"
        )
    if query.closed_at:
        note = f": {query.close_note}" if query.close_note else ""
        lines.append(
            f"{phrase('closed', language)} {phrase('closed_by', language)} "
            f"{query.closed_by or ''} {utc_text(query.closed_at)}{note}"
        )
    return lines


def _entry_story(
    entry: Entry, meta: PdfMeta, styles: _Styles, sites: CodeList | None = None
) -> list[Any]:
    lang = meta.language
    record = entry.record
    title = record_title(entry, meta)
    status = (
        f"{phrase('status', lang)}: {status_text(record.status, lang)} · "
        f"{phrase('record', lang)} {record.id}"
    )
    story: list[Any] = [_p(title, styles.heading), _p(status, styles.label)]
    story.append(_table(_field_rows(entry, meta, styles, sites), _COLUMNS, header=True))
    story.append(_p(phrase("signatures", lang), styles.label))
    if entry.signatures:
        story += [_p(signature_line(s, lang), styles.body) for s in entry.signatures]
    else:
        story.append(_p(phrase("no_signature", lang), styles.body))
    story.append(_p(phrase("queries", lang), styles.label))
    if entry.queries:
        for query in entry.queries:
            story += [_p(line, styles.body) for line in query_lines(query, record.form, lang)]
    else:
        story.append(_p(phrase("no_queries", lang), styles.body))
    for flowable in story:
        flowable.casebook_form = title
    return story


def _site_text(book: SubjectBook, language: str) -> str:
    """'BJ01 — Beijing Friendship Hospital' (the code alone for a site not registered)."""
    name = book.sites.label(book.site, language)
    return book.site if name == book.site else f"{book.site} — {name}"


def _cover(book: SubjectBook, meta: PdfMeta, styles: _Styles) -> list[Any]:
    lang = meta.language
    units = phrase("units_si" if meta.units is UnitSystem.SI else "units_conventional", lang)
    rows = [
        (phrase("study", lang), f"{STUDY_TITLE.get(lang)} ({STUDY_CODE})"),
        (phrase("study_id", lang), book.study_id),
        (phrase("subject", lang), book.subject),
        (phrase("site", lang), _site_text(book, lang)),
        (phrase("exported", lang), meta.exported_text),
        (phrase("exported_by", lang), meta.user),
        (phrase("audit_head", lang), book.head_hash),
        (phrase("units", lang), units),
        (phrase("records", lang), str(len(book.entries))),
    ]
    table = _table(
        [[_p(k, styles.label), _cell(v, 391.0, styles)] for k, v in rows], (120.0, 391.0), False
    )
    title = f"{phrase('title', lang)} — {book.subject}"
    story: list[Any] = [_p(title, styles.title), table]
    if not book.entries:
        story.append(_p(phrase("no_records", lang), styles.body))
    return story


# --------------------------------------------------------------------------- pages


def _canvas_class() -> type[Any]:
    """A Canvas that keeps its pages and draws each page's footer when the document is
    saved, once the number of pages is known."""
    from reportlab.pdfgen.canvas import Canvas

    class FooterCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, footer: Callable[[Any, int, int], None], **kw: Any):
            super().__init__(*args, **kw)
            self._footer = footer
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return FooterCanvas


def _doc_class() -> type[Any]:
    from reportlab.platypus import SimpleDocTemplate

    class CasebookDoc(SimpleDocTemplate):  # type: ignore[misc]
        """Notes which records each page shows, and reports each record laid out."""

        def __init__(self, *args: Any, on_flowable: Callable[[Any], None], **kw: Any):
            super().__init__(*args, **kw)
            self.page_forms: dict[int, list[str]] = {}
            self._current: str | None = None
            self._on_flowable = on_flowable

        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (ReportLab's name)
            # the parts of a table split over pages lose the attribute: they belong to
            # the record being printed
            form = getattr(flowable, "casebook_form", self._current)
            self._current = form
            if form is not None:
                forms = self.page_forms.setdefault(self.page, [])
                if form not in forms:
                    forms.append(form)
            self._on_flowable(flowable)

    return CasebookDoc


def footer_text(book: SubjectBook, meta: PdfMeta, forms: list[str], page: int, pages: int) -> str:
    """'GZH-003 · Visit — Month 6 · page 3 of 12 · exported … UTC · audit head 1a2b…'."""
    lang = meta.language
    parts = [book.subject]
    if len(forms) > 2:  # a page of short records: the first and the last
        parts.append(f"{forms[0]} … {forms[-1]}")
    elif forms:
        parts.append(" / ".join(forms))
    parts += [
        phrase("page", lang, page=page, pages=pages),
        phrase("exported_at", lang, when=meta.exported_text),
        phrase("head_short", lang, head=book.head_hash[:HEAD_PREFIX]),
    ]
    return " · ".join(parts)


def write_pdf(
    path: Path,
    book: SubjectBook,
    meta: PdfMeta,
    *,
    on_entry: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Write the casebook to `path`; returns the number of pages. ``on_entry(done,
    total)`` is called as each record is laid out (it may raise to cancel)."""
    from reportlab.lib.pagesizes import A4

    _register_fonts()
    styles = _Styles()
    story = _cover(book, meta, styles)
    last_of_entry: dict[int, int] = {}
    for number, entry in enumerate(book.entries, start=1):
        story += _entry_story(entry, meta, styles, book.sites)
        last_of_entry[id(story[-1])] = number
    total = len(book.entries)

    def on_flowable(flowable: Any) -> None:
        if id(flowable) in last_of_entry:
            on_entry(last_of_entry[id(flowable)], total)

    doc_class = _doc_class()
    doc = doc_class(
        str(path),
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN + 6,
        bottomMargin=_MARGIN + 6,
        title=f"{phrase('title', meta.language)} {book.subject}",
        author=meta.user,
        subject=f"{STUDY_CODE} {book.subject}",
        creator="MSC-CRF",
        on_flowable=on_flowable,
    )
    width, height = A4
    header = f"MSC-CRF · {STUDY_TITLE.get(meta.language)} ({STUDY_CODE})"

    def footer(canvas: Any, page: int, pages: int) -> None:
        forms = doc.page_forms.get(page, [])
        for text, y in (
            (header, height - _MARGIN + 10),
            (footer_text(book, meta, forms, page, pages), _MARGIN - 14),
        ):
            para = _p(text, styles.small)
            _w, h = para.wrap(width - 2 * _MARGIN, _MARGIN)
            para.drawOn(canvas, _MARGIN, y - h + 9)

    canvas_class = _canvas_class()

    def make_canvas(*args: Any, **kw: Any) -> Any:
        return canvas_class(*args, footer=footer, **kw)

    doc.build(story, canvasmaker=make_canvas)
    return int(doc.page)
