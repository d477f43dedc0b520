"""Lint rule (CONTRIBUTING.md): views stay thin. No function or method in a views module (``src/beredd/<app>/views.py`` or
``src/beredd/<app>/views/*.py``) is longer than ``MAX_LINES``, counted from its ``def`` line to the last line of its
body (decorators excluded, a nested function counts in its parent). A view parses, checks, calls and renders; what
is longer belongs in a selector, a form or a service, or is several actions that want a view each.

Exits 1 naming each function over the limit, 0 otherwise. Reads the files as Python syntax (ast), runs none of them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "beredd"
MAX_LINES = 40


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


if __name__ == "__main__":
    found = list(offences())
    if found:
        print(f"View functions over {MAX_LINES} lines:", *found, sep="\n  ")
        sys.exit(1)
    print("view length rule: ok")
