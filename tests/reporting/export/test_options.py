"""Export options (msct_crf.reporting.export.options) and targets that are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from export_readback import run_export

from msct_crf.reporting.export import ExportError, ExportOptions
from msct_crf.storage.store import Store


def test_bad_options_are_refused(small: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="forms"):
        ExportOptions(forms=("XX",))
    with pytest.raises(ExportError, match="language"):
        ExportOptions(language="fr")
    with pytest.raises(ExportError, match="units"):
        ExportOptions(units="imperial")  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="date range"):
        ExportOptions(date_from=dt.date(2024, 1, 2), date_to=dt.date(2024, 1, 1))
    with pytest.raises(ExportError, match="subjects"):
        run_export(small, tmp_path / "x.xlsx", subjects=("NOPE-1",))
    with pytest.raises(ExportError, match=r"\.xlsx"):
        run_export(small, tmp_path / "x.csv")
    with pytest.raises(ExportError, match="does not exist"):
        run_export(small, tmp_path / "no" / "x.xlsx")
    assert not list(tmp_path.glob("*.xlsx*")) and not list(tmp_path.glob(".*part"))
