"""overview.load_first_screen: the patient list's first screen of a large study, read
before the rest (issue 14); for a small study it is the whole overview."""

from __future__ import annotations

import pytest
from study_factory import TODAY, SmallStudy, build_small_study

from msct_crf.reporting import overview
from msct_crf.storage.store import Store


@pytest.fixture
def study(store: Store) -> SmallStudy:
    return build_small_study(store)


def test_first_screen_is_the_first_subjects_by_id(store: Store, study: SmallStudy) -> None:
    full = overview.load_overview(store, TODAY)
    first, complete = overview.load_first_screen(store, TODAY, 4)
    assert not complete
    assert [r.subjid for r in first.rows] == sorted(study.all)[:4]
    assert first.rows == full.rows[:4]  # the same rows the whole load gives them


def test_a_study_within_the_first_screen_is_loaded_whole(store: Store, study: SmallStudy) -> None:
    full = overview.load_overview(store, TODAY)
    for limit in (len(study.all), 60):
        first, complete = overview.load_first_screen(store, TODAY, limit)
        assert complete
        assert first == full
