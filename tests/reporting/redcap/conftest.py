"""The REDCap bundle tests' studies: the demo, a scale study and the small export study,
each exported once per package with a bundle (tests only read them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from export_readback import ids, small, small_template  # noqa: F401
from redcap_readback import export_bundle


@pytest.fixture(scope="package")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    path = tmp_path_factory.mktemp("redcap_demo") / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture(scope="package")
def demo_bundle(demo_db: Path) -> Path:
    return export_bundle(demo_db, demo_db.parent / "bundle")


@pytest.fixture(scope="package")
def scale_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from msct_crf.tools.scale import create_scale_study

    path = tmp_path_factory.mktemp("redcap_scale") / "scale.db"
    create_scale_study(path, subjects=80)
    return path


@pytest.fixture(scope="package")
def scale_bundle(scale_db: Path) -> Path:
    return export_bundle(scale_db, scale_db.parent / "bundle")
