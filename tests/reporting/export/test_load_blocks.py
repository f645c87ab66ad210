"""The study is read a block of rows at a time (issue 14: the export's peak memory); the
frames do not depend on the block size, nullable keys included."""

from __future__ import annotations

import pandas as pd
import pytest

from msct_crf.reporting.export import load
from msct_crf.storage.store import Store


def test_frames_are_the_same_whatever_the_block_size(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = load.read_study(small, include_audit=True)
    monkeypatch.setattr(load, "FETCH_ROWS", 2)
    blocks = load.read_study(small, include_audit=True)
    assert blocks.head_hash == whole.head_hash
    assert set(blocks.forms) == set(whole.forms) == set(load.LOADED_FORMS)
    assert len(whole.forms["VIS"]) > 2
    for code, frame in whole.forms.items():
        pd.testing.assert_frame_equal(blocks.forms[code], frame, obj=code)
    assert whole.audit is not None and blocks.audit is not None
    pd.testing.assert_frame_equal(blocks.audit, whole.audit)


def test_a_nullable_key_null_in_one_block_only_stays_numeric(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE adverse_event SET infusion_id = NULL")
        first = connection.exec_driver_sql("SELECT min(id) FROM adverse_event").scalar()
        infusion = connection.exec_driver_sql("SELECT min(id) FROM infusion").scalar()
        connection.exec_driver_sql(
            "UPDATE adverse_event SET infusion_id = ? WHERE id = ?", (infusion, first)
        )
    whole = load.read_study(small, include_audit=False).forms["AE"]
    monkeypatch.setattr(load, "FETCH_ROWS", 1)
    blocks = load.read_study(small, include_audit=False).forms["AE"]
    assert len(whole) > 1 and whole["infusion_id"].dtype == "float64"
    pd.testing.assert_frame_equal(blocks, whole)
