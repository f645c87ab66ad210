"""Shared fixtures. Qt runs headless; every test gets its own database and settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from msct_crf.store import Store  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "study.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store.open_path(db_path)
    yield opened
    opened.close()
