"""The REDCap data dictionary (msct_crf.reporting.export.codebook)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from export_readback import _export_rows

from msct_crf.reporting.export import REDCAP_COLUMNS, ExportOptions, export_csv
from msct_crf.storage.store import Store


def test_redcap_dictionary(small: Store, tmp_path: Path) -> None:
    export_csv(small, tmp_path / "csv", ExportOptions(), user="pi", redcap_path=tmp_path / "rc.csv")
    raw = (tmp_path / "rc.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(tmp_path / "rc.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == REDCAP_COLUMNS
    assert len(REDCAP_COLUMNS) == 18
    assert frame.iloc[0]["Variable / Field Name"] == "subjid"
    by_name = frame.set_index("Variable / Field Name")
    assert by_name.loc["tbil", "Text Validation Type OR Show Slider Number"] == "number"
    assert by_name.loc["tbil", "Text Validation Max"] == "1500"
    assert by_name.loc["sex", "Choices, Calculations, OR Slider Labels"] == "F, Female | M, Male"
    assert by_name.loc["visdtc", "Text Validation Type OR Show Slider Number"] == "date_ymd"
    assert by_name.loc["meld", "Field Annotation"] == "@READONLY"
    assert by_name.loc["siteid", "Required Field?"] == "y"
    assert "hospnum" not in by_name.index
    assert small.path is not None
    assert len(_export_rows(small.path)) == 1
