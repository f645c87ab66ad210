"""Language switching: Qt translators for our strings and Qt's own, and the dictionary
language for field labels.

Our strings go through ``tr()`` and are translated by ``resources/translations/
msct_crf_<lang>.qm``; Qt's standard buttons by Qt's own ``qtbase_<lang>.qm``. Field and code
labels are not in the .qm file: they come from the study dictionary (``Label.get``) with
`dictionary_language()`. Installing a translator sends every widget a LanguageChange event;
our widgets re-label themselves in ``changeEvent``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

#: Languages offered in the Language menu: code -> name in that language.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"

_state: dict[str, object] = {"language": DEFAULT_LANGUAGE, "translators": [], "generation": 0}


def qm_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"msct_crf_{language}.qm"


def current_language() -> str:
    """The UI language code ("en" or "zh_CN")."""
    return str(_state["language"])


def dictionary_language() -> str:
    """The language to ask the dictionary for (`Label.get` takes "en" or "zh")."""
    return "zh" if current_language().startswith("zh") else "en"


def set_language(language: str) -> bool:
    """Install the translators of ``language``; False when its file is missing.

    English strings are the source texts; its small translator only supplies the plural
    forms ("1 subject", "2 subjects") that ``tr(..., n)`` needs.
    """
    app = QCoreApplication.instance()
    if language not in LANGUAGES:
        return False
    new: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(str(qm_path(language))):
        new.append(ours)  # English has one too: it only holds the plural forms
    elif language != DEFAULT_LANGUAGE:
        return False
    if language != DEFAULT_LANGUAGE:
        qt_own = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(QLocale(language), "qtbase", "_", qt_dir):
            new.append(qt_own)
    old = list(_state["translators"])  # type: ignore[call-overload]
    for translator in old:
        QCoreApplication.removeTranslator(translator)
    _state["language"] = language
    for translator in new:
        QCoreApplication.installTranslator(translator)
    _state["translators"] = new
    _state["generation"] = int(_state["generation"]) + 1  # type: ignore[call-overload]
    return True


def generation() -> int:
    """Goes up with every language switch, so caches of translated texts know to refresh."""
    value = _state["generation"]
    assert isinstance(value, int)
    return value


def translators_installed() -> bool:
    return bool(_state["translators"])
