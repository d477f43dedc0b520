"""The layer rule (scripts/check_layers.py, run by `make lint`): core imports no other app, nothing imports site."""

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[4]


def _rule() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_layers", ROOT / "scripts" / "check_layers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_repository_keeps_the_rule() -> None:
    assert list(_rule().offences()) == []


def test_core_importing_a_domain_app_is_refused_even_lazily(tmp_path: Path) -> None:
    tree = _tree(
        tmp_path,
        {
            "core/a.py": "from beredd.orgs.models import Organisation\n",
            "core/b.py": "def f():\n    import beredd.accounts.policy\n",
            "core/c.py": "from importlib import import_module\nimport_module('beredd.reporting.dashboard')\n",
            "core/tests/test_ok.py": "from beredd.orgs.models import Organisation\n",
            "core/ok.py": "from beredd.core import audit\nfrom django.db import models\n",
        },
    )
    found = list(_rule().offences(tree))
    assert [f.split(":")[0] for f in found] == ["src/beredd/core/a.py", "src/beredd/core/b.py", "src/beredd/core/c.py"]


def test_a_domain_app_importing_site_is_refused(tmp_path: Path) -> None:
    tree = _tree(
        tmp_path, {"register/demo.py": "from beredd.site.demo import DEMO_PASSWORD\n", "site/x.py": "import beredd.site.y\n"}
    )
    found = list(_rule().offences(tree))
    assert len(found) == 1 and "register imports beredd.site.demo" in found[0]
