"""The audit log reads as words: every action code has a label, and changes read "field: old → new"."""

import ast
import re
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.accounts import policy
from beredd.core import audit, audit_labels

SRC = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z]+\.[a-z_]+$")


def _is_audit_record(call: ast.Call) -> bool:
    f = call.func
    return isinstance(f, ast.Attribute) and f.attr == "record" and isinstance(f.value, ast.Name) and f.value.id == "audit"


def _literals(node: ast.expr) -> list[str] | None:
    """The codes an ``action=`` argument can take, or None when it is not written out (a variable)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def audit_action_codes() -> dict[str, str]:
    """Every action code the code base passes to ``audit.record``, with where it is written.

    Literals and ``a if x else b`` are read directly. Where the action is a variable (a helper taking the
    code as a parameter), every dotted string constant in that module counts, except permission names.
    f-strings are refused: their codes cannot be checked.
    """
    codes: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        dynamic = False
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_audit_record(node)):
                continue
            for kw in node.keywords:
                if kw.arg != "action":
                    continue
                assert not isinstance(kw.value, ast.JoinedStr), f"{rel}:{node.lineno}: write audit codes as literals"
                found = _literals(kw.value)
                if found is None:
                    dynamic = True
                for code in found or []:
                    codes[code] = f"{rel}:{node.lineno}"
        if dynamic:
            for node in ast.walk(tree):
                is_code = isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value)
                if is_code and node.value not in policy.PERMISSIONS:  # type: ignore[attr-defined]  # a str Constant
                    codes.setdefault(node.value, f"{rel}:{node.lineno}")
    return codes


def test_the_scan_finds_the_codes_of_literal_conditional_and_helper_calls() -> None:
    codes = audit_action_codes()
    # A literal, both branches of a conditional, and codes passed through a helper (_state, _mfa_event).
    for code in ("auth.login", "org.activate", "org.deactivate", "round.close", "mfa.reset", "register.incident_ended"):
        assert code in codes
    assert "reporting.issue" not in codes  # a permission name, not an audit action
    assert len(codes) > 60


def test_every_audit_action_in_the_code_base_has_a_label() -> None:
    missing = {code: where for code, where in audit_action_codes().items() if code not in audit_labels.ACTION_LABELS}
    assert missing == {}, "add these to core.audit_labels.ACTION_LABELS (and the Swedish .po)"


def test_every_label_is_translated_to_swedish() -> None:
    from django.utils import translation

    with translation.override("en"):
        english = {str(label) for label in audit_labels.ACTION_LABELS.values()}
    with translation.override("sv"):
        untranslated = [e for e in english if translation.gettext(e) == e]
    assert untranslated == []


def test_an_unknown_code_is_humanised_not_shown_raw() -> None:
    from django.utils import translation

    with translation.override("sv"):
        assert audit_labels.action_label("auth.login") == "Loggade in"
        assert audit_labels.action_label("register.some_new_thing") == "Register: some new thing"
    assert audit_labels.action_label("weird_code") == "Weird code"
    assert "." not in audit_labels.action_label("x.y_z")


def test_changes_read_as_labels_with_choice_labels_and_names(ref: dict[str, Any], make_user: Any) -> None:
    from django.utils import translation

    from beredd.core.models import AuditEvent

    user = make_user(ref["gavle"], "org_admin")
    audit.record(
        actor=user,
        action="membership.grant",
        organisation=ref["gavle"],
        changes={"role": {"before": None, "after": "mas"}, "is_active": {"before": False, "after": True}},
    )
    audit.record(
        actor=user,
        action="preparedness.declaration_submit",
        organisation=ref["gavle"],
        changes={"declaration": {"before": None, "after": {"year": 2026, "answers": {"a": True}}}},
    )
    audit.record(
        actor=user,
        action="org.update",
        target=ref["sandviken"],
        changes={"parent": {"before": ref["gavleborg"].pk, "after": ref["uppsala_lan"].pk}},
    )
    events = list(AuditEvent.objects.order_by("id"))[-3:]
    with translation.override("sv"):
        rows = audit_labels.describe(events)
        grant, declaration, move = (r.changes for r in rows)
        assert [(c.label, c.before, c.after) for c in grant] == [
            ("Roll", None, "MAS/MAR (medicinskt ansvarig)"),
            ("Aktiv", "Nej", "Ja"),
        ]
        text = declaration[0].after
        assert "{" not in text and "True" not in text and "Ja" in text and "2026" in text
        assert move[0].before == "Gävleborgs län" and move[0].after == "Uppsala län"


def test_the_audit_page_shows_labels_and_readable_changes_not_codes(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    from beredd.core.models import AuditEvent

    admin = make_user(ref["gavle"], "org_admin")
    audit.record(actor=admin, action="auth.login", organisation=ref["gavle"])
    AuditEvent.objects.create(
        actor=admin,
        action="submission.submit",
        organisation=ref["gavle"],
        org_path=ref["gavle"].path,
        target_type="reporting.submission",
        target_id="1",
        changes={"status": {"before": "not_started", "after": "submitted"}, "version": {"before": 0, "after": 1}},
    )
    audit.record(
        actor=admin, action="org.load_reference", organisation=ref["gavle"], changes={"created": 3, "kinds": {"lan": 21}}
    )
    client.force_login(admin)
    html = client.get(reverse("core:audit"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    table = html.split('id="audit-results"', 1)[1].split("</table>", 1)[0]
    for raw in ("auth.login", "submission.submit", "not_started", "submitted", "{", "before", "None", "org.load_reference"):
        assert raw not in table, raw
    assert "Loggade in" in table and "Rapport inskickad" in table
    assert "Inte påbörjad" in table and "Inskickad" in table
