"""Every input problem is one typed ``core.exceptions.FieldError`` (issue 10): no module writes the dict by hand,
and no other type carries that name."""

import ast
from pathlib import Path

from beredd.core.exceptions import FieldConflict, FieldError

SRC = Path(__file__).resolve().parents[2]  # src/beredd


def _modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def test_no_module_writes_a_field_error_dict_by_hand() -> None:
    """Neither the full dict nor the short {"field", "message"} form (which drops the row)."""
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            keys = (
                [k.value for k in getattr(node, "keys", []) if isinstance(k, ast.Constant)] if isinstance(node, ast.Dict) else []
            )
            if keys[:3] == ["row", "field", "message"] or keys == ["field", "message"]:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def test_only_core_defines_a_field_error() -> None:
    defined = [
        str(path.relative_to(SRC))
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "FieldError"
    ]
    assert defined == ["core/exceptions.py"]


def test_a_field_error_is_the_plain_dict_the_json_shows() -> None:
    assert FieldError(row=None, field="name", message="x") == {"row": None, "field": "name", "message": "x"}
    conflict = FieldConflict(row=None, field="a", message="", theirs=1, yours=2)
    assert conflict == {"row": None, "field": "a", "message": "", "theirs": 1, "yours": 2}
