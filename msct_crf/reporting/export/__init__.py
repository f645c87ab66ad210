"""Exports a PI can send: the Excel workbook, per-form CSV files and a REDCap import bundle.

Qt-free. Importing this package is cheap (the CLI registers its sub-command through it);
pandas, scipy and XlsxWriter load only when an export actually runs, through the lazy
names below (implemented in :mod:`msct_crf.reporting.export.api`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .options import (
    FORM_ORDER,
    LANGUAGES,
    SUMMARY_VISITS,
    ExportCancelled,
    ExportError,
    ExportOptions,
)

if TYPE_CHECKING:
    from .api import ExportReport, expected_sheets, export_csv, export_workbook
    from .variables import SHEET_NAMES

_LAZY = {
    "ExportReport": "api",
    "export_csv": "api",
    "export_workbook": "api",
    "expected_sheets": "api",
    "SHEET_NAMES": "variables",
}

__all__ = [
    "FORM_ORDER",
    "LANGUAGES",
    "SHEET_NAMES",
    "SUMMARY_VISITS",
    "ExportCancelled",
    "ExportError",
    "ExportOptions",
    "ExportReport",
    "export_csv",
    "export_workbook",
    "expected_sheets",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
