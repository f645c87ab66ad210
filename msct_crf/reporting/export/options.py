"""What an export contains: the filters and presentation choices a user picks.

One immutable value passed from the dialog or the CLI down to every writer, and written
verbatim into the README sheet and the audit row, so an exported file always says how it
was made.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from msct_crf.errors import UserError
from msct_crf.study.dictionary import FORMS, VISITS, CodeList
from msct_crf.study.units import UnitSystem

#: Forms in the order their long sheets appear.
FORM_ORDER: tuple[str, ...] = ("ENROL", "EX", "VS", "VIS", "AE", "CM", "MH", "DS")

#: Timepoints of the paper-style summary table (baseline, 6, 12 and 24 months).
SUMMARY_VISITS: tuple[str, ...] = ("BASELINE", "M6", "M12", "M24")

LANGUAGES: tuple[str, ...] = ("en", "zh")
_SITE_CODE = re.compile(r"^[A-Z0-9]{2,6}$", re.ASCII)


class ExportError(UserError):
    """The export cannot be made as asked (bad option, unwritable file)."""


class ExportCancelled(UserError):
    """The user cancelled the export; no file was left behind."""

    def __init__(self) -> None:
        super().__init__("Export cancelled; no file was written")


@dataclass(frozen=True)
class ExportOptions:
    """Filters and presentation of one export.

    ``forms``: form codes whose long sheets (and CSV files) are written; empty = all.
    Subject-level sheets (Summary, Wide, Flow, ...) are always written, from the same
    filtered data.
    ``sites`` / ``subjects``: keep only these sites / subject IDs; empty = all.
    ``date_from`` / ``date_to``: keep only dated records (visits, infusions and their vital
    signs, adverse events, medications with a full start date, dispositions) dated within
    the range, both ends inclusive; subjects and their enrolment are kept.
    ``language``: labels of headers and code-list values (``en`` or ``zh``).
    ``units``: SI (as stored) or conventional (converted, and the header says so).
    ``include_identifying``: also export fields marked identifying (hospital number).
    ``include_audit``: add the Audit trail sheet (for monitors).
    """

    forms: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    language: str = "en"
    units: UnitSystem = UnitSystem.SI
    include_identifying: bool = False
    include_audit: bool = False
    summary_visits: tuple[str, ...] = field(default=SUMMARY_VISITS)
    #: The study's registered sites (the file's site registry), set when the export reads
    #: the database; ``sites`` must be among them. None: not read yet.
    study_sites: CodeList | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("forms", "sites", "subjects", "summary_visits"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value))
        if not isinstance(self.units, UnitSystem):
            try:
                object.__setattr__(self, "units", UnitSystem(str(self.units).lower()))
            except ValueError:
                raise ExportError(
                    f"units: must be si or conventional, got {self.units!r}"
                ) from None
        unknown = [f for f in self.forms if f not in FORMS]
        if unknown:
            raise ExportError(
                f"forms: unknown form {', '.join(unknown)}; allowed: {', '.join(FORM_ORDER)}"
            )
        self._check_sites()
        if self.language not in LANGUAGES:
            raise ExportError(f"language: must be en or zh, got {self.language!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ExportError(
                f"date range: from {self.date_from.isoformat()} is after "
                f"to {self.date_to.isoformat()}"
            )
        known_visits = {v.code for v in VISITS}
        bad_visits = [v for v in self.summary_visits if v not in known_visits]
        if bad_visits or not self.summary_visits or self.summary_visits[0] != "BASELINE":
            raise ExportError("summary visits must start with BASELINE and be scheduled visits")

    def _check_sites(self) -> None:
        """Site codes: 2-6 capital letters or digits, and registered sites once the
        study's registry is known."""
        malformed = [s for s in self.sites if not _SITE_CODE.match(str(s))]
        if malformed:
            raise ExportError(
                f"sites: unknown site {', '.join(map(str, malformed))}; a site code is 2 to "
                "6 capital letters or digits"
            )
        if self.study_sites is None:
            return
        known = self.study_sites.codes
        bad_sites = [s for s in self.sites if s not in known]
        if bad_sites:
            raise ExportError(
                f"sites: unknown site {', '.join(bad_sites)}; the study's registered sites: "
                f"{', '.join(known)}"
            )

    @property
    def selected_forms(self) -> tuple[str, ...]:
        """The forms to export, in sheet order."""
        return tuple(f for f in FORM_ORDER if not self.forms or f in self.forms)

    def describe(self, language: str = "en") -> list[tuple[str, str]]:
        """(option, value) pairs for the README sheet and the audit row; the keys stay
        English, the values are in ``language``."""
        zh = language == "zh"
        every = "全部" if zh else "all"
        included = "导出" if zh else "included"
        left_out = "不导出" if zh else "left out"
        units = {
            UnitSystem.SI: "国际单位（SI，与数据库一致）" if zh else "SI (as stored)",
            UnitSystem.CONVENTIONAL: "传统单位（mg/dL、g/dL）" if zh else "conventional",
        }
        return [
            ("Forms", ", ".join(self.selected_forms)),
            ("Sites", ", ".join(self.sites) or every),
            ("Subjects", self._subjects_text(every)),
            ("Date from", self.date_from.isoformat() if self.date_from else "-"),
            ("Date to", self.date_to.isoformat() if self.date_to else "-"),
            ("Language", self.language),
            ("Units", units[self.units]),
            ("Identifying fields", included if self.include_identifying else left_out),
            ("Audit trail", included if self.include_audit else left_out),
        ]

    def _subjects_text(self, every: str = "all") -> str:
        if not self.subjects:
            return every
        if len(self.subjects) <= 20:
            return ", ".join(self.subjects)
        return ", ".join(self.subjects[:20]) + f" ... ({len(self.subjects)} subjects)"

    def summary_text(self) -> str:
        """One line for the audit trail."""
        parts = [f"{k.lower()}={v}" for k, v in self.describe()]
        return "; ".join(parts)
