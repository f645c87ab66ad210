"""The REDCap data dictionary's SITEID choices are the study's registered sites."""

from __future__ import annotations

from msct_crf.reporting.redcap.dictionary import dictionary_rows
from msct_crf.reporting.redcap.project import REDCAP_COLUMNS
from msct_crf.study.sites import site_list
from msct_crf.study.units import UnitSystem

CHOICES = REDCAP_COLUMNS.index("Choices, Calculations, OR Slider Labels")
TYPE = REDCAP_COLUMNS.index("Field Type")


def _siteid(rows: list[list[str]]) -> list[str]:
    (row,) = [r for r in rows if r[0] == "siteid"]
    return row


def test_the_site_choices_are_the_registered_sites_in_the_export_language() -> None:
    many = site_list((f"S{n:02d}", f"Site {n}", f"中心 {n}") for n in range(1, 61))
    row = _siteid(dictionary_rows("zh", UnitSystem.SI, many))
    assert row[TYPE] == "dropdown"
    choices = row[CHOICES].split(" | ")
    assert len(choices) == 60 and choices[0].endswith(", 中心 1")
    three = _siteid(dictionary_rows("en", UnitSystem.SI))  # no registry: the dictionary's
    assert three[TYPE] == "radio" and len(three[CHOICES].split(" | ")) == 3
