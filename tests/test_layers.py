"""The layer rules of DESIGN.md: imports point down only, the core never imports Qt or ui,
and the command line runs without Qt."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp

import msct_crf

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = 4


def _core_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(msct_crf.__path__, "msct_crf.")
        if ".migrations" not in m.name
    ]


def test_importing_every_core_module_pulls_in_no_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {_core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"msct_crf pulled in Qt: {result.stdout}"


def _imported_names(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement in `path` names, wherever the statement is."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_no_core_file_imports_qt_or_ui_even_inside_a_function() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted((ROOT / "msct_crf").rglob("*.py"))
        for line, name in _imported_names(path)
        if name.split(".")[0] in ("PySide6", "shiboken6", "ui")
    ]
    assert offenders == []


def test_the_gui_imports_no_database_library() -> None:
    """The UI writes no SQL and opens no transaction: no SQLAlchemy or sqlite3 in ui/."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        for line, name in _imported_names(path)
        if name.split(".")[0] in ("sqlalchemy", "sqlite3")
    ]
    assert offenders == []


def test_the_scan_finds_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from ui.app import main\n    import PySide6.QtCore\n")
    assert _imported_names(sample) == [(2, "ui.app"), (3, "PySide6.QtCore")]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_core_modules() -> None:
    graph = grimp.build_graph("msct_crf")
    edges = {
        module: {
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if imported.startswith("msct_crf")
        }
        for module in graph.modules
    }
    # a package that re-exports its submodules is not a cycle with them: only count the
    # import of a package's __init__ from outside that package
    for module, targets in edges.items():
        edges[module] = {t for t in targets if not module.startswith(t + ".")}
    assert _cycles(edges) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_import_linter_contracts() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT
    )
    assert f"Contracts: {CONTRACTS} kept, 0 broken" in result.stdout, result.stdout + result.stderr


def test_contracts_allow_no_indirect_imports_and_name_every_exception() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "allow_indirect_imports" not in text
    assert text.count("[[tool.importlinter.contracts]]") == CONTRACTS


def test_command_line_loads_no_qt() -> None:
    """`msct-crf verify --help` through the real entry point imports no PySide6 module."""
    code = (
        "import sys\n"
        "from ui.launch import main\n"
        "try:\n"
        "    main(['verify', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('QT' if any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules)"
        " else 'NO-QT', file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "usage: msct-crf verify" in result.stdout
    assert result.stderr.strip().endswith("NO-QT"), result.stderr
