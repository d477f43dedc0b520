"""Lint rule (CONTRIBUTING.md): views stay thin. No function or method in a views module (``src/beredd/<app>/views.py`` or
``src/beredd/<app>/views/*.py``) is longer than ``MAX_LINES``, counted from its ``def`` line to the last line of its
body (decorators excluded, a nested function counts in its parent). A view parses, checks, calls and renders; what
is longer belongs in a selector, a form or a service, or is several actions that want a view each.

The same script keeps modules small: no module under ``src/beredd`` other than migrations is longer than
``MAX_MODULE_LINES``; past that a module becomes a package by sub-domain (CONTRIBUTING.md).

Exits 1 naming each function or module over its limit, 0 otherwise. Reads the files as Python syntax (ast), runs none of them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "beredd"
MAX_LINES = 40
MAX_MODULE_LINES = 500


def view_modules(package: Path = PACKAGE) -> Iterator[Path]:
    yield from sorted(package.glob("*/views.py"))
    yield from sorted(package.glob("*/views/*.py"))


def offences(package: Path = PACKAGE, limit: int = MAX_LINES) -> Iterator[str]:
    for path in view_modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        nodes = [*tree.body, *(n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body)]  # and methods
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    rel = path.relative_to(package)
                    yield f"src/beredd/{rel}:{node.lineno}: {node.name} has {lines} lines (at most {limit})"


def long_modules(package: Path = PACKAGE, limit: int = MAX_MODULE_LINES) -> Iterator[str]:
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.relative_to(package).parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            yield f"src/beredd/{path.relative_to(package)}: {lines} lines (at most {limit})"


if __name__ == "__main__":
    found = list(offences())
    modules = list(long_modules())
    if found:
        print(f"View functions over {MAX_LINES} lines:", *found, sep="\n  ")
    if modules:
        print(f"Modules over {MAX_MODULE_LINES} lines (make them a package by sub-domain):", *modules, sep="\n  ")
    if found or modules:
        sys.exit(1)
    print("view and module length rules: ok")
