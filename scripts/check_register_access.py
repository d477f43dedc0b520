"""Lint rule (CONTRIBUTING.md): identifiable register data is read only inside the register app.

Fails when `Person.objects` appears in a Python file outside src/beredd/register/.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
offenders = [
    str(p.relative_to(ROOT))
    for p in (ROOT / "src").rglob("*.py")
    if "Person.objects" in p.read_text(encoding="utf-8") and "register" not in p.relative_to(ROOT / "src" / "beredd").parts[:1]
]
if offenders:
    print("Person.objects used outside the register app:", *offenders, sep="\n  ")
    sys.exit(1)
print("register access rule: ok")
