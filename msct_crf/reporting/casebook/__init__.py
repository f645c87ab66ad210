"""The PDF casebook of one subject: every form with its values, status, signatures and
queries, and a footer with the page, the export time and the audit head (issue 12, item 7).

Qt-free: ``msct-crf casebook`` runs it headless and the desktop's Subject › Casebook (PDF)…
and File › Save as PDF… run :func:`make_casebook` on a worker thread.
"""

from __future__ import annotations

from .api import (
    LANGUAGES,
    CasebookCancelled,
    CasebookError,
    CasebookReport,
    check_target,
    make_casebook,
)
from .content import CASEBOOK_FORMS, Entry, SubjectBook, read_subject_book

__all__ = [
    "CASEBOOK_FORMS",
    "LANGUAGES",
    "CasebookCancelled",
    "CasebookError",
    "CasebookReport",
    "Entry",
    "SubjectBook",
    "check_target",
    "make_casebook",
    "read_subject_book",
]
