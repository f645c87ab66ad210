"""Reading a REDCap import bundle back and checking it the way REDCap would.

Written from REDCap's documented formats, not from msct_crf.reporting.redcap: the data
dictionary's 18 columns and its naming rules, the events and instrument-event mapping of a
longitudinal project, the repeating instruments, and the flat records import format
(record ID first, redcap_event_name, redcap_repeat_instrument, redcap_repeat_instance,
<instrument>_complete 0/1/2). :func:`bundle_problems` lists every disagreement between the
records file and the bundle's own dictionary and design; an empty list is a bundle REDCap
accepts. :func:`export_bundle` makes one through the real export. The tests import these
by name (tests/ is on the import path).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.storage.store import Store

COLUMNS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
SYSTEM = ["redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"]
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
CHOICE_CODE = re.compile(r"^[A-Za-z0-9_]+$")
#: What the README tells the administrator to set as the project's missing data codes.
MISSING = {"ND", "UNK", "NA"}
FIELD_TYPES = {"text", "notes", "radio", "dropdown", "yesno", "truefalse", "checkbox", "calc"}
VALIDATIONS = {"", "integer", "number", "date_ymd", "datetime_ymd"}


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def read_records(directory: Path) -> list[dict[str, str]]:
    rows = read_csv(directory / "3_records.csv")
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@dataclass
class Var:
    name: str
    form: str
    type: str
    validation: str
    choices: list[str] = field(default_factory=list)


def parse_choices(text: str) -> list[str]:
    return [part.split(",", 1)[0].strip() for part in text.split("|") if part.strip()]


def fits(value: str, var: Var) -> bool:
    """Whether REDCap accepts `value` for `var` (a missing data code fits any field)."""
    if value == "" or value in MISSING:
        return True
    if var.type in ("radio", "dropdown"):
        return value in var.choices
    if var.type in ("yesno", "truefalse"):
        return value in ("0", "1")
    if var.validation == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if var.validation == "number":
        return re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
    for validation, pattern in (("date_ymd", "%Y-%m-%d"), ("datetime_ymd", "%Y-%m-%d %H:%M")):
        if var.validation == validation:
            try:
                dt.datetime.strptime(value, pattern)
            except ValueError:
                return False
    return True


class Bundle:
    """A bundle folder read back: the dictionary, the design and the records."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []
        self.header_row, *rows = read_csv(directory / "1_data_dictionary.csv")
        self.vars = [self._var(row) for row in rows]
        self.by_name = {v.name: v for v in self.vars}
        self.forms = list(dict.fromkeys(v.form for v in self.vars))
        events = read_csv(directory / "2b_events.csv")
        self.events = {
            dict(zip(events[0], r, strict=True))["unique_event_name"] for r in events[1:]
        }
        mapping = read_csv(directory / "2c_instrument_event_mapping.csv")
        self.mapping = {(r[1], r[2]) for r in mapping[1:]}
        repeating = read_csv(directory / "2d_repeating_instruments.csv")
        self.repeating = {(r[0], r[1]) for r in repeating[1:]}
        records = read_csv(directory / "3_records.csv")
        self.columns = records[0]
        self.records = [dict(zip(records[0], r, strict=True)) for r in records[1:]]

    def _var(self, row: list[str]) -> Var:
        cells = dict(zip(COLUMNS, row, strict=True))
        var = Var(
            cells["Variable / Field Name"],
            cells["Form Name"],
            cells["Field Type"],
            cells["Text Validation Type OR Show Slider Number"],
            parse_choices(cells["Choices, Calculations, OR Slider Labels"]),
        )
        for bound in ("Text Validation Min", "Text Validation Max"):
            if cells[bound] and not fits(cells[bound], var):
                self.problems.append(f"dictionary: {var.name} {bound} {cells[bound]!r}")
        return var

    def column_form(self, column: str) -> str | None:
        """The instrument a records column belongs to; None for a system column."""
        if column in SYSTEM or column == self.vars[0].name:
            return None
        if column.endswith("_complete") and column[: -len("_complete")] in self.forms:
            return column[: -len("_complete")]
        if column in self.by_name:
            return self.by_name[column].form
        name, _, code = column.partition("___")
        var = self.by_name.get(name)
        if var is not None and var.type == "checkbox" and code in var.choices:
            return var.form
        raise KeyError(column)


def _dictionary_problems(b: Bundle) -> list[str]:
    problems = list(b.problems)
    if b.header_row != COLUMNS:
        problems.append(f"dictionary header {b.header_row}")
    names = [v.name for v in b.vars]
    if len(set(names)) != len(names):
        problems.append("dictionary: a variable name is used twice")
    seen: list[str] = []
    for var in b.vars:
        if not NAME.match(var.name) or len(var.name) > 26:
            problems.append(f"dictionary: variable name {var.name!r}")
        if not NAME.match(var.form):
            problems.append(f"dictionary: form name {var.form!r}")
        if var.type not in FIELD_TYPES or var.validation not in VALIDATIONS:
            problems.append(f"dictionary: {var.name} type {var.type} {var.validation}")
        if var.type in ("radio", "dropdown") and (
            not var.choices or not all(CHOICE_CODE.match(c) for c in var.choices)
        ):
            problems.append(f"dictionary: {var.name} choices {var.choices}")
        if var.form in seen and seen[-1] != var.form:
            problems.append(f"dictionary: the fields of {var.form} are not together")
        if not seen or seen[-1] != var.form:
            seen.append(var.form)
    return problems


def _row_problems(b: Bundle, n: int, row: dict[str, str]) -> list[str]:
    problems: list[str] = []
    event, repeat, instance = (row[c] for c in SYSTEM)
    where = f"records row {n} ({row[b.columns[0]]}, {event}, {repeat or '-'}, {instance or '-'})"
    if event not in b.events:
        problems.append(f"{where}: unknown event")
    if repeat and ((event, repeat) not in b.repeating or not instance.isdigit() or instance == "0"):
        problems.append(f"{where}: not a repeating instrument of the event, or a bad instance")
    if not repeat and instance:
        problems.append(f"{where}: an instance without a repeating instrument")
    for column, value in row.items():
        form = b.column_form(column)
        if form is None or value == "":
            continue
        if (event, form) not in b.mapping:
            problems.append(f"{where}: {column} is in {form}, not designated for {event}")
        if repeat and form != repeat:
            problems.append(f"{where}: {column} of {form} in a {repeat} instance")
        if not repeat and (event, form) in b.repeating:
            problems.append(f"{where}: {column} of repeating {form} outside an instance")
        if column.endswith("_complete") and column not in b.by_name:
            if value not in ("0", "1", "2"):
                problems.append(f"{where}: {column} = {value!r}")
        elif not fits(
            value, b.by_name.get(column) or Var(column, form, "checkbox", "", ["0", "1"])
        ):
            problems.append(f"{where}: {column} = {value!r} does not fit its field")
    return problems


def bundle_problems(directory: Path) -> list[str]:
    """Every way the records disagree with the bundle's dictionary, events and mapping."""
    b = Bundle(directory)
    problems = _dictionary_problems(b)
    if b.columns[: 1 + len(SYSTEM)] != [b.vars[0].name, *SYSTEM]:
        problems.append(f"records: first columns {b.columns[:4]}")
    for column in b.columns:
        try:
            b.column_form(column)
        except KeyError:
            problems.append(f"records: column {column!r} is no field of the dictionary")
    if problems:
        return problems
    for event, form in b.mapping | b.repeating:
        if event not in b.events or form not in b.forms:
            problems.append(f"design: {event} / {form} is not an event and an instrument")
    keys = [tuple(r[c] for c in [b.columns[0], *SYSTEM]) for r in b.records]
    if len(set(keys)) != len(keys):
        problems.append("records: two rows for the same record, event and instance")
    for n, row in enumerate(b.records, start=2):
        problems += _row_problems(b, n, row)
    readme = (directory / "README.txt").read_text(encoding="utf-8")
    if "ND, Not done | UNK, Unknown | NA, Not applicable" not in readme:
        problems.append("README: the missing data codes to configure are not stated")
    return problems


def export_bundle(db: Path, folder: Path, **options: object) -> Path:
    """Export `db` with a REDCap bundle into `folder`; returns the folder."""
    with Store.open_path(db, create=False) as store:
        export_workbook(
            store,
            folder.with_suffix(".xlsx"),
            ExportOptions(**options),  # type: ignore[arg-type]
            user="pi",
            redcap_dir=folder,
        )
    return folder
