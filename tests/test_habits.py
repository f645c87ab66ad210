"""Habits of the test suite that a reviewer would otherwise have to remember: every test
checks something, the run is strict (warnings are errors, a hang dumps its stacks), and a
modal box that no test answers fails the test instead of hanging a headless run."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

#: qtbot methods that fail the test when what they wait for does not happen. A bare
#: ``qtbot.wait(ms)`` only lets time pass, so it is not a check.
QTBOT_CHECKS = {
    "waitSignal",
    "waitSignals",
    "waitUntil",
    "waitCallback",
    "waitExposed",
    "waitActive",
    "assertNotEmitted",
}
PYTEST_CHECKS = {"raises", "warns", "fail", "deprecated_call"}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _is_check(node: ast.AST) -> bool:
    """An assert, ``raise AssertionError``, pytest.raises/warns/fail, a qtbot wait that fails
    on timeout, any ``assert…`` call (``pd.testing.assert_frame_equal``, a mock's
    ``assert_called_once``) or a call with ``check=True`` (``subprocess.run``)."""
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Raise) and node.exc is not None:
        raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(raised, ast.Name) and raised.id == "AssertionError"
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
    if (owner == "pytest" and name in PYTEST_CHECKS) or name in QTBOT_CHECKS:
        return True
    if name.startswith("assert"):
        return True
    return any(
        k.arg == "check" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )


class _Module:
    """One parsed test or helper module: its top-level functions and what it imports by name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.functions: dict[str, Function] = {
            n.name: n for n in self.tree.body if isinstance(n, Function)
        }
        self.imports: dict[str, tuple[str, str]] = {
            alias.asname or alias.name: (n.module, alias.name)
            for n in self.tree.body
            if isinstance(n, ast.ImportFrom) and n.module and n.level == 0
            for alias in n.names
        }

    def tests(self) -> Iterator[Function]:
        for node in self.tree.body:
            grouped = isinstance(node, ast.ClassDef) and node.name.startswith("Test")
            members = node.body if grouped else [node]
            yield from (m for m in members if isinstance(m, Function) and m.name.startswith("test"))


class Scan:
    """Finds test functions that check nothing. A test checks something when its own body
    does (see :func:`_is_check`) or when it calls a helper that does: a function of the same
    module, or one imported by name from a helper module on the tests' path (tests/,
    tests/ui/ and the folders beneath them, the way pytest imports them)."""

    def __init__(self, search_path: list[Path], root: Path) -> None:
        self.search_path = search_path
        self.root = root  # offenders are named relative to it
        self.modules: dict[Path, _Module] = {}

    def module(self, path: Path) -> _Module:
        if path not in self.modules:
            self.modules[path] = _Module(path)
        return self.modules[path]

    def _find(self, dotted: str) -> Path | None:
        relative = Path(*dotted.split(".")).with_suffix(".py")
        return next((b / relative for b in self.search_path if (b / relative).exists()), None)

    def checks(self, module: _Module, function: Function, seen: set[tuple[Path, str]]) -> bool:
        if (module.path, function.name) in seen:
            return False
        seen.add((module.path, function.name))
        if any(_is_check(node) for node in ast.walk(function)):
            return True
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            if name in module.functions:
                if self.checks(module, module.functions[name], seen):
                    return True
            elif name in module.imports:
                source, original = module.imports[name]
                path = self._find(source)
                if path is None:
                    continue  # a library function, or a module that is not a test helper
                helper_module = self.module(path)
                helper = helper_module.functions.get(original)
                if helper is not None and self.checks(helper_module, helper, seen):
                    return True
        return False

    def offenders(self, paths: list[Path]) -> list[str]:
        found = []
        for path in paths:
            module = self.module(path)
            for test in module.tests():
                if not self.checks(module, test, set()):
                    found.append(f"{path.relative_to(self.root)}:{test.lineno}: {test.name}")
        return found


def test_every_test_checks_something() -> None:
    """A test that asserts nothing passes whatever the code does. Add the assertion the test
    implies (what it was written to show), never a token ``assert True``."""
    scan = Scan([TESTS, TESTS / "ui"], root=ROOT)
    assert scan.offenders(sorted(TESTS.rglob("test_*.py"))) == []


def test_the_scan_finds_a_test_that_checks_nothing(tmp_path: Path) -> None:
    (tmp_path / "helper_mod.py").write_text("def expect_ok(x):\n    assert x\n")
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from helper_mod import expect_ok\n"
        "def _local(x):\n    expect_ok(x)\n"
        "def test_nothing():\n    x = 1 + 1\n"
        "def test_sleeps(qtbot):\n    qtbot.wait(10)\n"
        "def test_waits(qtbot):\n    qtbot.waitUntil(lambda: True)\n"
        "def test_via_helpers():\n    _local(1)\n"
        "def test_raises():\n    import pytest\n    with pytest.raises(ValueError):\n"
        "        int('x')\n"
        "class TestGroup:\n    def test_in_class(self):\n        pass\n"
    )
    assert Scan([tmp_path], root=tmp_path).offenders([sample]) == [
        "test_sample.py:4: test_nothing",
        "test_sample.py:6: test_sleeps",
        "test_sample.py:17: test_in_class",
    ]


def test_the_test_run_is_strict() -> None:
    """Every warning is an error (a narrow ignore, if ever needed, names the third-party
    warning after "error"), markers and config keys are checked, and a test still running
    after five minutes dumps every thread's stack so a hang says where it hangs."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = config["tool"]["pytest"]["ini_options"]
    assert options["filterwarnings"][0] == "error"
    assert all(f.startswith("ignore:") for f in options["filterwarnings"][1:])
    assert {"--strict-markers", "--strict-config"} <= set(options["addopts"].split())
    assert options["xfail_strict"] is True
    assert options["qt_log_level_fail"] == "WARNING"
    assert 0 < int(options["faulthandler_timeout"]) <= 600


def test_an_unanswered_modal_box_fails_the_test_instead_of_hanging(tmp_path: Path) -> None:
    """Run a tiny test that opens a QMessageBox no one answers, with tests/conftest.py as a
    plugin, in a child pytest: it fails at once with a message that says what to do. (In a
    child, so that this process, like every core test, never loads Qt.)"""
    sample = tmp_path / "test_modal.py"
    sample.write_text(
        "from PySide6.QtWidgets import QMessageBox\n\n"
        "def test_box(qtbot):\n"
        "    QMessageBox.question(None, 'Title', 'Nobody will click this')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(TESTS), "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*command, str(sample)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed" in result.stdout
    assert "QMessageBox.question opened a modal window that the test did not answer" in (
        result.stdout
    )


# --------------------------------------------------------------------------- core tests, docs

CORE_TEST_FOLDERS = ("study", "storage", "access", "workflow", "reporting", "tools", "faults")


def _imports_of(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_core_tests_need_no_qt() -> None:
    """The core's tests run without a display or Qt's libraries, like the core itself: no
    test folder of the core, and no shared helper at the top of tests/, imports PySide6 or
    ui (the top-level conftest loads Qt only for a test that already has)."""
    paths = [p for folder in CORE_TEST_FOLDERS for p in sorted((TESTS / folder).rglob("*.py"))]
    paths += [p for p in sorted(TESTS.glob("*.py")) if p.name != "conftest.py"]
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in paths
        for line, name in _imports_of(path)
        if name.split(".")[0] in ("PySide6", "shiboken6", "ui")
    ]
    assert offenders == []


DOCS = ("README.md", "CONTRIBUTING.md", "docs/ARCHITECTURE.md", "benchmarks/README.md")
_PATH = re.compile(r"^(msct_crf|ui|tests|benchmarks|docs|resources)/[\w./-]*$")
_DOTTED = re.compile(r"^(msct_crf|ui)(\.\w+)+$")
_INLINE = re.compile(r"`([^`\s]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FROM_IMPORT = re.compile(r"^\s*from ((?:msct_crf|ui)[\w.]*) import ([\w, ]+)")


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _top_level_names(path: Path) -> set[str]:
    """What `path` defines at its top level: functions, classes, assignments, imports and
    the names in ``__all__`` (a package's lazy re-exports)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                names |= {e.value for e in ast.walk(node.value) if isinstance(e, ast.Constant)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _dotted_exists(dotted: str) -> bool:
    """``msct_crf.study.scores`` (a module) or ``msct_crf.workflow.records.save_form`` (a
    name a module defines, or a submodule), checked without importing anything."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = _module_file(".".join(parts[:cut]))
        if module is None:
            continue
        rest = parts[cut:]
        return not rest or rest[0] in _top_level_names(module)
    return False


def _anchor(heading: str) -> str:
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


def _dangling_references(doc: Path) -> list[str]:
    """Paths, modules, links and ``from … import …`` lines of a document that name nothing.
    A line that says "(planned)" may name what does not exist yet."""
    problems = []
    fenced = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if "(planned)" in line:
            continue
        where = f"{doc.relative_to(ROOT)}:{number}"
        if match := _FROM_IMPORT.match(line):
            module, names = match.group(1), [n.strip() for n in match.group(2).split(",")]
            problems += [
                f"{where}: from {module} import {n}"
                for n in names
                if n and not _dotted_exists(f"{module}.{n}")
            ]
        if fenced:
            continue
        for token in _INLINE.findall(line):
            token = token.rstrip(".,:;")
            missing_path = bool(_PATH.match(token)) and not (ROOT / token).exists()
            missing_module = bool(_DOTTED.match(token)) and not _dotted_exists(token)
            if missing_path or missing_module:
                problems.append(f"{where}: {token}")
        for target in _LINK.findall(line):
            if "://" in target:
                continue
            file, _, anchor = target.partition("#")
            path = (doc.parent / file).resolve() if file else doc
            if not path.exists():
                problems.append(f"{where}: link {target}")
            elif anchor and path.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.M)
                if anchor not in {_anchor(h) for h in headings}:
                    problems.append(f"{where}: link {target}")
    return problems


def test_docs_name_only_what_exists() -> None:
    """The documents point at files, modules and functions by name; after a move or a
    rename they must follow. A module still to come is named on a line saying (planned)."""
    problems = [p for doc in DOCS for p in _dangling_references(ROOT / doc)]
    assert problems == []


def test_the_docs_check_finds_a_dangling_name(tmp_path: Path) -> None:
    doc = ROOT / "docs" / "ARCHITECTURE.md"
    assert _dangling_references(doc) == []
    assert _dotted_exists("msct_crf.workflow.records.save_in_session")
    assert _dotted_exists("msct_crf.reporting.export.export_workbook")  # lazy, via __all__
    assert not _dotted_exists("msct_crf.records")
    assert not _dotted_exists("msct_crf.workflow.records.no_such_function")
    assert _anchor("The contract") == "the-contract"


# --------------------------------------------------------------------------- translations

TRANSLATIONS = ROOT / "resources" / "translations"


def _translate_wrappers(tree: ast.Module) -> dict[str, str]:
    """Module functions ``def _tr(text): return QCoreApplication.translate("Ctx", text)``:
    name -> context. pyside6-lupdate cannot see the strings passed to them."""
    wrappers = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.args.args:
            continue
        returned = node.body[-1]
        call = returned.value if isinstance(returned, ast.Return) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "translate"
            and len(call.args) == 2
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[1], ast.Name)
            and call.args[1].id == node.args.args[0].arg
        ):
            wrappers[node.name] = str(call.args[0].value)
    return wrappers


def _gui_messages() -> set[tuple[str, str]]:
    """(context, source) of every string ui/ translates: ``self.tr("…")`` in a class,
    ``translate("Ctx", "…")``, and a module's translate wrapper called with a literal."""
    found: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrappers = _translate_wrappers(tree)
        classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        owner = {id(n): c.name for c in classes for n in ast.walk(c)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func, first = node.func, node.args[0]
            if isinstance(func, ast.Name) and func.id in wrappers:
                if isinstance(first, ast.Constant):
                    found.add((wrappers[func.id], str(first.value)))
            elif isinstance(func, ast.Attribute) and isinstance(first, ast.Constant):
                if func.attr == "tr" and id(node) in owner:
                    found.add((owner[id(node)], str(first.value)))
                elif func.attr == "translate" and len(node.args) >= 2:
                    second = node.args[1]
                    if isinstance(second, ast.Constant):
                        found.add((str(first.value), str(second.value)))
    return found


def test_no_translation_the_gui_uses_is_marked_vanished() -> None:
    """After `pyside6-lupdate` refreshes the .ts files (docs/ARCHITECTURE.md, "Translate a
    string"), a message it marks vanished or obsolete is dropped from the .qm. That is right
    for a string nobody uses any more, and loses a translation when lupdate merely could not
    see the call: a string passed through a translate wrapper (``_tr("Saved.")``), whose
    message must be put back (or the wrapper replaced by a literal translate call)."""
    used = _gui_messages()
    assert ("FormPage", "Saved.") in used  # through the wrapper of ui/forms/save_controller.py
    assert ("MainMenus", "&File") in used  # self.tr in ui/shell/menus.py
    dropped = []
    for ts in sorted(TRANSLATIONS.glob("*.ts")):
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                translation = message.find("translation")
                kind = translation.get("type") if translation is not None else None
                source = message.findtext("source") or ""
                if kind in ("vanished", "obsolete") and (name, source) in used:
                    dropped.append(f"{ts.name}: [{name}] {source!r} is {kind} but still used")
    assert dropped == []
