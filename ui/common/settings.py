"""Every persistent setting of the desktop, declared once (key, type, default).

A thin wrapper over QSettings in the style of Picard's options: widgets never spell a
settings key themselves, they read and write `Option`s declared here, so a typo cannot
create a second setting and every default lives in one place.

Where the file lives: an INI file in the user's config folder, or the file named by the
environment variable ``MSCT_CRF_SETTINGS`` (tests point it at ``tmp_path`` so each test
starts from defaults and never touches the real settings).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

#: Environment variable naming the settings file (used by tests and portable installs).
SETTINGS_ENV = "MSCT_CRF_SETTINGS"


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: its QSettings key, Python type and default value."""

    key: str
    type: type
    default: T


OPTIONS: dict[str, Option[Any]] = {}


def _declare(key: str, type_: type, default: T) -> Option[T]:
    if key in OPTIONS:
        raise ValueError(f"setting {key!r} declared twice")
    option: Option[T] = Option(key, type_, default)
    OPTIONS[key] = option
    return option


#: The database opened last; the start dialog is skipped when it still opens.
LAST_DATABASE = _declare("session/last_database", str, "")
#: The user name typed last (until real accounts exist it goes into every audit row).
LAST_USER = _declare("session/last_user", str, "")
#: Recently opened database files, newest first.
RECENT_DATABASES: Option[list[str]] = _declare("session/recent_databases", list, [])
#: UI language: "en" or "zh_CN".
LANGUAGE = _declare("ui/language", str, "en")
#: Main window geometry and dock/toolbar state, as saved by Qt.
WINDOW_GEOMETRY = _declare("ui/window_geometry", QByteArray, QByteArray())
WINDOW_STATE = _declare("ui/window_state", QByteArray, QByteArray())
#: Series shown in the trajectory chart.
CHART_SERIES: Option[list[str]] = _declare(
    "chart/series", list, ["MELD", "TBIL", "ALB", "ALT", "PT"]
)

#: How many recent databases the File menu remembers.
RECENT_LIMIT = 8


def _qsettings() -> QSettings:
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "msct-crf", "msct-crf")


class Settings:
    """Typed access to the declared options."""

    def __init__(self, backend: QSettings | None = None) -> None:
        self._backend = backend or _qsettings()

    def get(self, option: Option[T]) -> T:
        raw = self._backend.value(option.key, None)
        if raw is None:
            return option.default
        if option.type is list:
            # INI files store a one-item list as a plain string
            if isinstance(raw, str):
                return [raw] if raw else []  # type: ignore[return-value]
            return [str(item) for item in cast(Iterable[object], raw)]  # type: ignore[return-value]
        if option.type is QByteArray:
            return raw if isinstance(raw, QByteArray) else QByteArray(cast(bytes, raw))  # type: ignore[return-value]
        try:
            return option.type(raw)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            return option.default

    def set(self, option: Option[T], value: T) -> None:
        if not isinstance(value, option.type):
            raise TypeError(f"setting {option.key} takes {option.type.__name__}")
        self._backend.setValue(option.key, value)

    def reset(self, option: Option[Any]) -> None:
        self._backend.remove(option.key)

    def sync(self) -> None:
        self._backend.sync()

    def remember_database(self, path: str) -> None:
        """Make ``path`` the last database and move it to the top of the recent list."""
        recent = [p for p in self.get(RECENT_DATABASES) if p != path]
        self.set(RECENT_DATABASES, [path, *recent][:RECENT_LIMIT])
        self.set(LAST_DATABASE, path)
        self.sync()

    def file_name(self) -> str:
        return self._backend.fileName()
