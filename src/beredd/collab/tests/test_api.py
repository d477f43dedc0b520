"""The collaboration API refuses the wrong token per rule and writes through the same audited services."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.collab.models import Action, Meeting
from beredd.collab.services import meetings as services
from beredd.core.models import AuditEvent

pytestmark = pytest.mark.frozen_now  # a direction's due date is days from today (Swedish date) and must lie ahead


def fields_of(body: dict[str, Any]) -> set[str]:
    # Problem details list the bad fields under "errors" (api/problems.py); "details" if the handler is renamed.
    return {d["field"] for d in body.get("errors") or body.get("details") or []}


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_meetings_are_visible_to_members_only(client: Client, world: SimpleNamespace) -> None:
    url = f"/api/v1/collab/meetings/{world.meeting.pk}"
    assert client.get(url, **auth(world.outsider)).status_code == 404
    assert client.get(url, **auth(world.gavle_coord)).json()["status_label"] == "Planerat"
    forums = client.get("/api/v1/collab/forums", **auth(world.outsider)).json()
    assert forums["count"] == 0


def test_only_the_owner_schedules_and_bad_times_are_422(client: Client, world: SimpleNamespace) -> None:
    url = f"/api/v1/collab/forums/{world.forum.pk}/meetings"
    payload = {"title": "API-möte", "starts_at": "2027-06-01T10:00:00+02:00", "ends_at": "2027-06-01T11:00:00+02:00"}
    for user in (world.gavle_coord, world.outsider):
        response = client.post(url, payload, content_type="application/json", **auth(user))
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    bad = client.post(
        url, payload | {"ends_at": "2027-06-01T09:00:00+02:00"}, content_type="application/json", **auth(world.analyst)
    )
    assert bad.status_code == 422
    assert fields_of(bad.json()) == {"ends_at"}
    assert Meeting.objects.count() == 1
    created = client.post(url, payload, content_type="application/json", **auth(world.analyst))
    assert created.status_code == 201
    assert AuditEvent.objects.filter(action="collab.meeting_create", via="api").exists()


def test_actions_over_the_api_need_owner_and_due_date_and_only_the_owner_closes(client: Client, world: SimpleNamespace) -> None:
    url = f"/api/v1/collab/meetings/{world.meeting.pk}/actions"
    bad = client.post(url, {"title": "Syrgas", "owner_name": "MAS"}, content_type="application/json", **auth(world.analyst))
    assert bad.status_code == 422
    assert fields_of(bad.json()) == {"owner_org", "due_date"}
    assert not Action.objects.exists()
    ok = client.post(
        url,
        {"title": "Syrgas", "owner_name": "MAS", "owner_org_id": world.gavle.pk, "due_date": "2027-03-01"},
        content_type="application/json",
        **auth(world.analyst),
    )
    assert ok.status_code == 201
    status_url = f"/api/v1/collab/actions/{ok.json()['id']}/status"
    for user in (world.sandviken_coord, world.outsider):
        assert client.post(status_url, {"status": "done"}, content_type="application/json", **auth(user)).status_code == 404
    done = client.post(status_url, {"status": "done"}, content_type="application/json", **auth(world.gavle_coord))
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_the_ics_endpoint_is_scoped(client: Client, world: SimpleNamespace) -> None:
    url = f"/api/v1/collab/meetings/{world.meeting.pk}/ics"
    assert client.get(url, **auth(world.outsider)).status_code == 404
    assert client.get(url, **auth(world.gavle_mas)).content.startswith(b"BEGIN:VCALENDAR")
    services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={"title": "T", "owner_org": world.region, "owner_name": "Rita", "due_date": dt.date(2027, 3, 1)},
    )
    assert len(client.get(f"/api/v1/collab/meetings/{world.meeting.pk}/actions", **auth(world.gavle_mas)).json()) == 1


def test_directions_over_the_api_follow_the_tree(client: Client, world: SimpleNamespace, ref: dict) -> None:
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    url = f"/api/v1/collab/orgs/{world.lan.pk}/directions"
    payload = {"title": "30 dagar", "text": "Planera för 30 dagar utan leveranser", "due_date": due}
    for user in (world.gavle_coord, world.outsider):
        assert client.post(url, payload, content_type="application/json", **auth(user)).status_code == 404
    outside = client.post(
        url, payload | {"recipient_root_id": ref["uppsala_lan"].pk}, content_type="application/json", **auth(world.analyst)
    )
    assert outside.status_code == 422 and fields_of(outside.json()) == {"recipient_root"}
    created = client.post(url, payload, content_type="application/json", **auth(world.analyst))
    assert created.status_code == 201
    direction_id = created.json()["id"]
    completeness = f"/api/v1/collab/directions/{direction_id}/completeness"
    assert client.get(completeness, **auth(world.gavle_coord)).status_code == 404
    assert client.get(completeness, **auth(world.analyst)).json() == {"answered": 0, "expected": 10, "late": 0, "percent": 0}
    assert client.post(f"/api/v1/collab/directions/{direction_id}/remind", **auth(world.outsider)).status_code == 404
    assert client.get("/api/v1/collab/directions", **auth(world.gavle_coord)).json()["count"] == 1
    assert client.get("/api/v1/collab/directions", **auth(world.outsider)).json()["count"] == 0
