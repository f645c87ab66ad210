"""Writing the REDCap import bundle into a folder, each file whole or not at all.

The files are plain UTF-8 without a byte-order mark (REDCap reads the first header as the
record ID, and a mark in front of it would make it another name), comma-separated, CRLF
line ends, values exactly as stored: no apostrophe is put in front of text that a
spreadsheet would run as a formula, since REDCap would keep it as part of the value. The
README says not to open the files in Excel before uploading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from msct_crf.reporting.export.csv import atomic_write_text
from msct_crf.reporting.export.data import StudyData
from msct_crf.study.dictionary import FORMS, STUDY_CODE, STUDY_TITLE

from . import project as p
from .dictionary import dictionary_rows
from .records import header, record_rows


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def dictionary_text(data: StudyData) -> str:
    options = data.options
    rows = dictionary_rows(options.language, options.units, options.study_sites)
    return _csv_text([list(p.REDCAP_COLUMNS), *rows])


def records_text(data: StudyData) -> str:
    columns = header(data.options.include_identifying)
    rows = [[row.get(c, "") for c in columns] for row in record_rows(data)]
    return _csv_text([columns, *rows])


def bundle_texts(
    data: StudyData, exported_utc: dt.datetime, check: Callable[[], None] = lambda: None
) -> dict[str, str]:
    """Each file of the bundle, by name, in upload order. ``check`` is called before the
    records, the long part (it raises to cancel)."""
    texts = {
        p.DICTIONARY_FILE: dictionary_text(data),
        p.ARMS_FILE: _csv_text(p.arms_rows()),
        p.EVENTS_FILE: _csv_text(p.events_rows()),
        p.MAPPING_FILE: _csv_text(p.mapping_rows()),
        p.REPEATING_FILE: _csv_text(p.repeating_rows()),
    }
    check()
    texts[p.RECORDS_FILE] = records_text(data)
    texts[p.README_FILE] = readme_text(data, exported_utc)
    check()
    return texts


def write_bundle(
    data: StudyData,
    directory: Path,
    exported_utc: dt.datetime,
    written: list[Path],
    check: Callable[[], None] = lambda: None,
) -> list[Path]:
    """Write the bundle into `directory` (created if needed); each file is appended to
    `written` as soon as it exists, so a failed export can take it back. Every file is
    computed before the first is written, so a cancelled bundle writes nothing."""
    directory = Path(directory)
    texts = bundle_texts(data, exported_utc, check)
    directory.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for name, text in texts.items():
        path = directory / name
        atomic_write_text(path, text, encoding="utf-8")
        written.append(path)
        files.append(path)
    return files


def _repeating_lines() -> list[str]:
    lines = []
    for event in p.EVENTS:
        if event.repeating:
            names = ", ".join(p.instrument(code) for code in event.repeating)
            lines.append(f"     - {event.name} ({event.unique_name}): {names}")
    return lines


def readme_text(data: StudyData, exported_utc: dt.datetime) -> str:
    options = data.options
    vs = FORMS["VS"]
    measurements = ", ".join(p.variable(f) for f in p.vs_measurements())
    timepoints = ", ".join(t.lower() for t in p.vs_timepoints())
    identifying = (
        "included"
        if options.include_identifying
        else "left out (the field is in the dictionary, empty)"
    )
    lines = [
        f"REDCap import bundle of {STUDY_CODE}: {STUDY_TITLE.en}",
        f"Exported {exported_utc.strftime('%Y-%m-%d %H:%M')} UTC by MSC-CRF from a database "
        f"whose audit chain head was {data.head_hash}.",
        f"{len(data.subjects)} records (one per subject); {options.summary_text()}.",
        "Every form is in the bundle, whatever the forms option says (it picks the",
        "workbook's sheets); the sites, subjects and dates chosen do apply.",
        "",
        "Upload in this order, into a new project in Development status:",
        "",
        "1. Project Setup > enable 'Use longitudinal data collection with defined events'.",
        f"   Data Dictionary > upload {p.DICTIONARY_FILE}.",
        "   Additional customizations > Missing Data Codes: enter",
        f"     {p.MISSING_DATA_CODES}",
        "   The records use these codes for a value that was not done, is unknown or does not",
        "   apply; REDCap accepts them in any field once they are set (without them the",
        "   import refuses those values).",
        "",
        f"2. Define My Events: upload {p.ARMS_FILE}, then {p.EVENTS_FILE}.",
        f"   Designate Instruments for My Events: upload {p.MAPPING_FILE}.",
        "   Repeating instruments and events: make these instruments repeat",
        f"   (or upload {p.REPEATING_FILE} where your REDCap version offers it):",
        *_repeating_lines(),
        "",
        f"3. Data Import Tool: upload {p.RECORDS_FILE} (CSV, records in rows, dates Y-M-D),",
        "   check the preview, then click Import Data.",
        "",
        "How the study maps onto REDCap:",
        "- Record ID: subjid, the MSC-CRF subject ID (e.g. GZH-001).",
        "- Events: Baseline (enrolment, the baseline visit, medical history), Infusions,",
        "  one event per scheduled visit (Month 1 ... Month 24, day offsets and windows from",
        "  the protocol), Unscheduled, Logs (adverse events, medications), End of study.",
        "  A second visit entered with the same scheduled code goes to Unscheduled.",
        f"- {vs.label.en}: REDCap cannot repeat an instrument inside a repeating instrument,",
        "  so each infusion's vital signs are one vital_signs instance with the same",
        "  instance number as the infusion, one variable per measurement and timepoint:",
        f"  <measurement>_<timepoint>, measurements {measurements},",
        f"  timepoints {timepoints} (e.g. temp_pre, pulse_15min).",
        "- Form status -> <instrument>_complete: draft = 0 Incomplete, complete = 1",
        "  Unverified, verified / signed / locked = 2 Complete. vital_signs_complete is the",
        "  lowest status of its timepoints. Signatures and locks themselves are not carried.",
        "- Yes/No fields are REDCap yesno fields (1 = yes, 0 = no). Choice codes keep MSC-CRF's",
        "  codes, with characters REDCap does not allow replaced by _ (UC-MSC -> UC_MSC).",
        "- Text Validation Min/Max hold the soft (plausible) range: REDCap warns and lets a",
        "  value outside it be kept, as MSC-CRF does after a confirmation. The hard range is",
        "  in the Field Note. Derived values (age, BMI, dose, scores) are @READONLY.",
        f"- Lab values in {'conventional' if options.units.value == 'conventional' else 'SI'} "
        "units, as the field labels say.",
        "- Identifiers (Identifier? = y): initials, date of birth, hospital record number.",
        f"  The hospital record number is {identifying}.",
        "- Partial dates (year, or year-month) are text fields without validation.",
        "- Not carried: which infusion an adverse event is linked to (aeinfrel says whether",
        "  it was infusion-related), queries, signatures and the audit trail, which stay in",
        "  MSC-CRF.",
        "",
        "The files are UTF-8 CSV. Do not open and save them in Excel before uploading:",
        "Excel changes dates and codes and the text encoding.",
        "",
    ]
    return "\r\n".join(lines)
