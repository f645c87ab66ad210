"""Fixtures for the form tests: an enrolled subject with a first infusion, and prompts that
fail loudly unless a test answers them (so no modal box can hang a headless run)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common import prompts

SUBJECT_VALUES = {
    "SITEID": "GZH",
    "INITIALS": "LWM",
    "SEX": "F",
    "BRTHDTC": "1965-03-02",
    "RFICDTC": "2025-01-05",
    "ENRLDTC": "2025-01-06",
    "DXCAT": "AIH",
    "HEIGHT": "160",
    "WEIGHT": "55",
}
INFUSION_VALUES = {
    "EXSTDTC": "2025-01-10 09:00",
    "EXENDTC": "2025-01-10 09:40",
    "EXSRC": "UC-MSC",
    "EXLOT": "L-001",
    "EXWT": "55",
    "EXCELL": "55",
    "EXPLAN": "1.0",
}


@pytest.fixture(autouse=True)
def _no_unanswered_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("a prompt was shown that the test did not expect")

    for name in ("confirm_warnings", "ask_reason", "ask_unsaved", "ask_open_linked_ae"):
        monkeypatch.setattr(prompts, name, refuse)


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, object], list[tuple[object, ...]]]:
    """answer("confirm_warnings", True) makes that prompt return True; returns its calls."""

    def install(name: str, value: object) -> list[tuple[object, ...]]:
        calls: list[tuple[object, ...]] = []

        def reply(*args: object) -> object:
            calls.append(args)
            return value

        monkeypatch.setattr(prompts, name, reply)
        return calls

    return install


@pytest.fixture
def subject(store: Store) -> str:
    """GZH-001, a woman with autoimmune hepatitis, first infusion on 2025-01-10 (day 0)."""
    result = records.save_form(store, user="nurse", form="ENROL", values=SUBJECT_VALUES)
    assert result.saved, result
    assert result.subject is not None
    infusion = records.save_form(
        store, user="nurse", form="EX", subject=result.subject, values=INFUSION_VALUES
    )
    assert infusion.saved, infusion
    return result.subject


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns that it cannot raise windows, grab the keyboard or
    propagate size hints; those are facts about the headless platform, not our bugs."""
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(r"^This plugin does not support"))
