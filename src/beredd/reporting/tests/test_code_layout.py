"""The reporting app keeps the layout CONTRIBUTING.md asks for: no module over 500 lines, no view over 40 lines,
and no query written in a view (the views call selectors)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent
MODULES = sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts)
VIEWS = sorted((APP / "views").glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_no_module_is_over_500_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_no_view_function_is_over_40_lines_and_none_queries(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno is not None
            assert node.end_lineno - node.lineno + 1 <= 40, f"{node.name} is over 40 lines"
        if isinstance(node, ast.Attribute):
            assert node.attr != "objects", f"line {node.lineno}: a query in a view (use a selector)"
