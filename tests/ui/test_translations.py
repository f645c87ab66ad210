"""Every string the GUI translates has its Chinese translation under the right context.

Qt looks a `self.tr()` string up under the class's name, so a string that moves to another
class (a menu bar of its own, a dialog split out) loses its translation unless the .ts
message moves with it; `QCoreApplication.translate(context, ...)` names its context. This
reads the calls from the source (no Qt needed) and the messages from the .ts file."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZH_TS = ROOT / "resources" / "translations" / "msct_crf_zh_CN.ts"


def _translated() -> set[tuple[str, str]]:
    """(context, source) of every finished translation in the Chinese .ts."""
    found = set()
    for context in ET.parse(ZH_TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete"):
                continue
            if (translation.text or "").strip() or len(translation):
                found.add((name, message.findtext("source") or ""))
    return found


class _Calls(ast.NodeVisitor):
    """(context, source, where) of each tr() and translate() with literal arguments."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.calls: list[tuple[str, str, str]] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func, args = node.func, node.args
        where = f"{self.path.relative_to(ROOT)}:{node.lineno}"
        if isinstance(func, ast.Attribute) and args and isinstance(args[0], ast.Constant):
            is_self = isinstance(func.value, ast.Name) and func.value.id == "self"
            if func.attr == "tr" and is_self and self.classes:
                self.calls.append((self.classes[-1], str(args[0].value), where))
            elif func.attr == "translate" and len(args) >= 2 and isinstance(args[1], ast.Constant):
                self.calls.append((str(args[0].value), str(args[1].value), where))
        self.generic_visit(node)


def test_every_translated_string_of_the_gui_has_its_chinese_translation() -> None:
    translated = _translated()
    calls: list[tuple[str, str, str]] = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        visitor = _Calls(path)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        calls += visitor.calls
    assert len(calls) > 400  # the walk found the GUI's strings
    missing = [f"{where}: [{c}] {s!r}" for c, s, where in calls if (c, s) not in translated]
    assert missing == []


class _NonLiteral(ast.NodeVisitor):
    """tr()/translate() calls whose text is not a literal: lupdate cannot see them, so
    their strings never reach the .ts file and stay English."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[str] = []

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func, args = node.func, node.args
        if isinstance(func, ast.Attribute) and func.attr in ("tr", "translate") and args:
            texts = args[:1] if func.attr == "tr" else args[:2]
            if func.attr == "translate" and len(args) < 2:
                texts = [ast.Constant(None)]  # translate(text): no context at all
            if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts):
                self.found.append(f"{self.path.relative_to(ROOT)}:{node.lineno}")
        self.generic_visit(node)


def test_every_translated_string_of_the_gui_is_a_literal_lupdate_can_read() -> None:
    found: list[str] = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        visitor = _NonLiteral(path)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        found += visitor.found
    assert found == []
