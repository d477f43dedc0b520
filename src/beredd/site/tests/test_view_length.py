"""The length rules (scripts/check_views.py, run by `make lint`): no view function over 40 lines, no module over 500."""

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[4]


def _rule() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_views", ROOT / "scripts" / "check_views.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _function(name: str, body_lines: int, decorators: int = 0) -> str:
    return "@login_required\n" * decorators + f"def {name}(request):\n" + "    x = 1\n" * body_lines


def test_the_repository_keeps_the_rule() -> None:
    assert list(_rule().offences()) == []
    assert list(_rule().long_modules()) == []


def test_a_module_over_500_lines_is_refused_but_a_migration_is_not(tmp_path: Path) -> None:
    for name, lines in {"app/big.py": 501, "app/fits.py": 500, "app/migrations/0001_initial.py": 900}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n" * lines, encoding="utf-8")
    assert list(_rule().long_modules(tmp_path)) == ["src/beredd/app/big.py: 501 lines (at most 500)"]


def test_a_long_view_is_refused_counting_from_def_to_the_last_line(tmp_path: Path) -> None:
    files = {
        "app/views.py": _function("fits", 39, decorators=3) + "\n\n" + _function("too_long", 40),
        "other/views/pages.py": "class Page:\n" + "\n".join("    " + line for line in _function("get", 40).splitlines()),
        "other/services.py": _function("not_a_view", 100),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = list(_rule().offences(tmp_path))
    assert found == [
        "src/beredd/app/views.py:46: too_long has 41 lines (at most 40)",
        "src/beredd/other/views/pages.py:2: get has 41 lines (at most 40)",
    ]
