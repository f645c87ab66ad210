"""Tampering with a study file from outside is detected by verify; clean studies pass.

Seven kinds (tests/faults/tampering.py): a random field of a random form row changed in
SQLite, an audit row edited, an audit row deleted, two audit rows swapped, an audit row that
data is rebuilt from rewritten and the chain re-computed after it, every audit row deleted,
the append-only triggers dropped. COUNT seeded tampers of each kind, in turn on the demo
study, a 50-subject scale study and a study made by every write path;
benchmarks/tampering_full.py runs 1,000 of each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faults.tampering import KINDS, build_write_path_study, false_alarms, run_tampers

COUNT = 30
SEED = 20261125


@pytest.fixture(scope="module")
def sources(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from msct_crf.tools.scale import create_scale_study

    folder = tmp_path_factory.mktemp("clean")
    scale = folder / "scale.db"
    create_scale_study(scale, subjects=50)
    written = folder / "write-paths.db"
    build_write_path_study(written)
    return [demo_template, scale, written]


def test_clean_studies_raise_no_false_alarm(sources: list[Path]) -> None:
    assert false_alarms(sources) == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_tamper_is_detected(kind: str, sources: list[Path], tmp_path: Path) -> None:
    report = run_tampers(sources, kind, COUNT, SEED, tmp_path)
    assert report.tampers == COUNT
    assert report.missed == []
    assert report.detected == COUNT
