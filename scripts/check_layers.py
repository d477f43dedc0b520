"""Lint rule (CONTRIBUTING.md): the apps form floors, and an import only ever points down.

- ``core`` is the ground floor: no module in ``src/beredd/core/`` (tests and migrations aside) imports another
  ``beredd`` app, not even lazily inside a function or under ``TYPE_CHECKING``.
- ``site`` (dashboard, audit page, demo loader, benchmark endpoints) is the top floor: no other app imports it
  (their tests may, to load the demo).

Exits 1 naming each offending import, 0 otherwise. Reads the files as Python syntax (ast), runs none of them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "beredd"


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # ``from beredd import orgs``
                if node.module == "beredd":
                    yield node.lineno, f"beredd.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            yield node.lineno, "import_module(...)"


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "beredd" else None


def offences(package: Path = PACKAGE) -> Iterator[str]:
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if len(rel.parts) < 2 or "migrations" in rel.parts:
            continue
        app, in_tests = rel.parts[0], "tests" in rel.parts
        for line, module in imported_modules(path):
            where = f"src/beredd/{rel}:{line}"
            if app == "core" and not in_tests:
                if module == "import_module(...)":
                    yield f"{where}: core loads a module by name (mount it with an explicit import above core)"
                elif app_of(module) not in (None, "core"):
                    yield f"{where}: core imports {module}"
            if app != "site" and not in_tests and app_of(module) == "site":
                yield f"{where}: {app} imports {module} (site is the top floor)"


if __name__ == "__main__":
    found = list(offences())
    if found:
        print("Imports that point up a floor:", *found, sep="\n  ")
        sys.exit(1)
    print("layer rule: ok")
