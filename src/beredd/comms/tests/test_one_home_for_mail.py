"""Every e-mail goes through comms: no module outside ``comms`` sends mail with Django's mail API."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
MAIL_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
}


def offenders(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("comms/") or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
                found.append(f"{rel}:{node.lineno}: from {node.module} import ...")
            elif isinstance(node, ast.Import) and any(a.name.startswith("django.core.mail") for a in node.names):
                found.append(f"{rel}:{node.lineno}: import django.core.mail")
            elif (
                isinstance(node, ast.Attribute)
                and node.attr in MAIL_NAMES
                and isinstance(node.value, ast.Name)
                and node.value.id == "mail"
            ):
                found.append(f"{rel}:{node.lineno}: mail.{node.attr}")
    return found


def test_no_module_outside_comms_sends_mail_itself() -> None:
    assert offenders() == [], "send every e-mail with beredd.comms.services.mail_send:\n" + "\n".join(offenders())


def test_the_rule_catches_mail_sent_outside_comms_and_allows_it_inside(tmp_path: Path) -> None:
    (tmp_path / "register").mkdir()
    (tmp_path / "comms").mkdir()
    (tmp_path / "register" / "a.py").write_text("from django.core.mail import send_mail\n")
    (tmp_path / "register" / "b.py").write_text("from django.core import mail\nmail.EmailMessage('s', 'b')\n")
    (tmp_path / "comms" / "c.py").write_text("from django.core.mail import EmailMessage\n")
    assert [line.split(":")[0] for line in offenders(tmp_path)] == ["register/a.py", "register/b.py"]
