from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from beredd.core import audit
from beredd.core.models import AuditEvent


def test_events_cannot_be_changed_or_deleted_through_the_app(ref: dict[str, Any]) -> None:
    event = audit.record(actor=None, action="test.event", organisation=ref["gavle"])
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgres_refuses_update_and_delete(ref: dict[str, Any]) -> None:
    event = audit.record(actor=None, action="test.event", organisation=ref["gavle"])
    for sql in ("UPDATE core_auditevent SET action = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


def test_org_admin_sees_only_their_subtree(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    audit.record(actor=None, action="org.update", organisation=ref["gavle"], target_label="in Gävle")
    audit.record(actor=None, action="org.update", organisation=ref["sandviken"], target_label="in Sandviken")
    client.force_login(make_user(ref["gavle"], "org_admin"))
    labels = [e.target_label for e in client.get(reverse("core:audit")).context["page"]]
    assert "in Gävle" in labels and "in Sandviken" not in labels
    response = client.get(reverse("core:audit"), {"target": "Gävle"})
    assert [e.target_label for e in response.context["page"]] == ["in Gävle"]


@pytest.mark.parametrize("role", ["viewer", "coordinator", "reporter", "mas"])
def test_audit_page_refuses_other_roles(client: Client, ref: dict[str, Any], make_user: Any, role: str) -> None:
    client.force_login(make_user(ref["gavle"], role))
    assert client.get(reverse("core:audit")).status_code == 404
