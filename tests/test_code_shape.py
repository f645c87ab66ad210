"""Code shape rules of issue 9: no function in msct_crf/ or ui/ over 100 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 100


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions (and methods) in `path` longer than `limit` lines, decorators excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > limit
    ]


def test_no_function_over_100_lines() -> None:
    found = [
        entry
        for package in ("msct_crf", "ui")
        for path in sorted((ROOT / package).rglob("*.py"))
        for entry in long_functions(path)
    ]
    assert found == []


def test_the_scan_sees_a_long_function(tmp_path: Path) -> None:
    sample = ROOT / "tests" / "_long_function_sample.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    try:
        sample.write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n")
        assert [e.split(" ")[1] for e in long_functions(sample)] == ["long"]
    finally:
        sample.unlink()
