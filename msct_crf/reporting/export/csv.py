"""One CSV file per form, UTF-8 with a byte-order mark so Excel shows Chinese text.

The CSV files are the analysis copy: column names are the variable codes, code-list values
stay codes (explained by the REDCap data dictionary and the Codebook), dates are ISO 8601.
Text that Excel would run as a formula (starting with = + - @, tab or carriage return) is
prefixed with an apostrophe, the usual defence against CSV formula injection (OWASP, "CSV
Injection"); :data:`APOSTROPHE_NOTE` says so in the Codebook and the README. Values
converted to conventional units are rounded to the column's decimals (the Codebook's
precision), so a CSV holds 1.96 mg/dL, not 1.9649122807017543; SI values are written as
stored.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from msct_crf.study.dictionary import STUDY_CODE, FieldType, Label

from .data import StudyData
from .display import round_half_up
from .variables import Table, Var

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

APOSTROPHE_NOTE = Label(
    "In the CSV files, text that starts with = + - @, a tab or a carriage return has an "
    "apostrophe (') put in front, so that a spreadsheet shows it as text instead of "
    "running it as a formula; the apostrophe is not part of the value entered (remove it "
    "before analysis). The workbook's cells hold the text as entered.",
    "CSV 文件中以 = + - @、制表符或回车开头的文本前加了撇号（'），使电子表格将其作为文本"
    "显示而不作为公式执行；撇号不属于录入的数值（分析前请删除）。工作簿单元格保存录入的原文。",
)


def defuse(text: str) -> str:
    """Text made safe to open in a spreadsheet (no formula injection)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8-sig") -> None:
    """Write a whole file or nothing: a temporary file in the same folder, then rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def csv_frame(table: Table) -> pd.DataFrame:
    """The table as CSV cells: codes, ISO dates, integers without a decimal point."""
    out: dict[str, pd.Series] = {}
    for var in table.vars:
        series = table.frame[var.name]
        if var.kind is FieldType.DATE:
            out[var.name] = pd.to_datetime(series).dt.strftime("%Y-%m-%d")
        elif var.kind is FieldType.DATETIME:
            out[var.name] = pd.to_datetime(series).dt.strftime("%Y-%m-%d %H:%M")
        elif var.kind is FieldType.INTEGER:
            out[var.name] = pd.to_numeric(series, errors="coerce").round().astype("Int64")
        elif var.kind is FieldType.FLOAT:
            numbers = pd.to_numeric(series, errors="coerce")
            if converted(var) and var.decimals is not None:
                numbers = pd.Series(
                    round_half_up(numbers.to_numpy(dtype="float64"), var.decimals),
                    index=numbers.index,
                )
            out[var.name] = numbers
        else:
            out[var.name] = series.map(lambda v: defuse(v) if isinstance(v, str) else v)
    return pd.DataFrame(out)


def converted(var: Var) -> bool:
    """Whether the column holds a field's values converted to its conventional unit."""
    f = var.field
    return f is not None and f.conventional is not None and var.unit == f.conventional.unit


def csv_name(table: Table) -> str:
    return f"{STUDY_CODE}_{table.form or table.name}.csv"


def csv_names(forms: tuple[str, ...]) -> list[str]:
    """The files write_csv_files writes for these forms (known before anything is read)."""
    return [f"{STUDY_CODE}_{code}.csv" for code in forms]


def write_csv_files(data: StudyData, directory: Path) -> list[Path]:
    """Write one CSV per exported form into ``directory`` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in data.forms.values():
        path = directory / csv_name(table)
        text = csv_frame(table).to_csv(index=False, lineterminator="\r\n")
        atomic_write_text(path, text)
        written.append(path)
    return written
