"""The layer rules of DESIGN.md: the core never imports Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import msct_crf


def test_core_imports_no_qt() -> None:
    modules = [
        m.name
        for m in pkgutil.walk_packages(msct_crf.__path__, "msct_crf.")
        if ".migrations" not in m.name
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"msct_crf pulled in Qt: {result.stdout}"


def test_import_linter_contract() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], capture_output=True, text=True)
    assert "Contracts: 1 kept, 0 broken" in result.stdout, result.stdout + result.stderr
