"""A fuzz-style sweep over the OpenAPI document: every operation, hostile parameters, never a 5xx.

The sweep is driven by ``/api/v1/openapi.json`` itself, so a new endpoint is fuzzed without anyone adding it here.
For each operation it sends hostile values for every path and query parameter (huge and negative integers, NUL
bytes, wrong types) and, for operations with a JSON body, hostile values for every body field in turn, plus a
body that is not JSON, a JSON array and ``NaN``. It runs with the tokens of several roles over the demo data, so
ids in the path name real objects and requests reach the services. Every answer must be below 500, and every
error must be a problem document (application/problem+json), never HTML.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create

HUGE = 10**25
HOSTILE_SCALARS: list[Any] = [HUGE, -HUGE, -1, 0, 10**30, 1e308, "abc", "\x00", "a\x00b", True, None, [], {}, "x" * 5000]
HOSTILE_QUERY: list[str] = [str(HUGE), "-1", "0", "-" + str(HUGE), "abc", "1.5", "\x00", "a\x00b", "1e400", ""]

# Which demo object a path parameter names (the first of its kind), so the hostile body reaches the service.
PATH_OBJECTS = {
    "version_id": ("reporting", "TemplateVersion"),
    "round_id": ("reporting", "Round"),
    "instance_id": ("reporting", "RoundInstance"),
    "person_id": ("register", "Person"),
    "incident_id": ("register", "Incident"),
    "activation_id": ("preparedness", "HeatActivation"),
    "notice_id": ("preparedness", "HeatNotice"),
    "rsa_id": ("preparedness", "RiskAnalysis"),
    "forum_id": ("collab", "Forum"),
    "meeting_id": ("collab", "Meeting"),
    "action_id": ("collab", "Action"),
    "direction_id": ("collab", "Direction"),
}


@pytest.fixture
def world(db: Any, settings: Any) -> dict[str, Any]:
    from django.apps import apps

    from beredd.site.demo import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx, _rows = load_demo()
    tokens = {}
    for key in ("mas", "coordinator", "lan_coordinator", "national", "reporter"):
        user = ctx.users[key]
        _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="fuzz", days=1)
        tokens[key] = secret
    gavle = next(k for k in ctx.kommuner if k.code == "2180")
    ids: dict[str, int] = {"org_id": gavle.pk, "kommun_id": gavle.pk}
    for name, (app, model) in PATH_OBJECTS.items():
        obj = apps.get_model(app, model).objects.order_by("pk").first()
        ids[name] = obj.pk if obj is not None else 1
    return {"tokens": tokens, "ids": ids}


def _operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    doc = client.get("/api/v1/openapi.json").json()
    ops = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            ops.append((method, path, op))
    return ops


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = doc["components"]["schemas"][name]
    return schema


def _plausible(doc: dict[str, Any], schema: dict[str, Any], ids: dict[str, int]) -> Any:
    """A value of the schema's type that a real client might send."""
    schema = _resolve(doc, schema)
    if "anyOf" in schema:
        return _plausible(doc, next(s for s in schema["anyOf"] if s.get("type") != "null"), ids)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: _plausible(doc, sub, ids) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_plausible(doc, schema.get("items", {}), ids)]
    if kind == "integer":
        return ids["org_id"]
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
        if fmt == "date":
            return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
        if fmt == "time":
            return "08:00:00"
        return "text"
    return None


def _fill(path: str, ids: dict[str, int], override: tuple[str, str] | None = None) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", override[1] if override and override[0] == name else str(value))
    return path


def _check(response: Any, what: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")
    elif response.status_code >= 400 and response["Content-Type"].split(";")[0] != "application/problem+json":
        failures.append(f"{response.status_code} {response['Content-Type']} (not problem+json) {what}")


def _send(client: Client, method: str, url: str, token: str, body: Any = None, raw: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        return client.get(url, **headers)
    data = raw if raw is not None else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def test_every_operation_survives_hostile_parameters(world: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    doc = client.get("/api/v1/openapi.json").json()
    ids = world["ids"]
    failures: list[str] = []
    for method, path, op in _operations(client):
        params = op.get("parameters", [])
        body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        body = _plausible(doc, body_schema, ids) if body_schema else None
        for role, token in world["tokens"].items():
            # Path parameters, one at a time.
            for p in (p for p in params if p["in"] == "path"):
                for value in ("1" + "0" * 25, "-1", "0", "99999999999", "abc"):
                    url = _fill(path, ids, (p["name"], value))
                    _check(_send(client, method, url, token, body), f"{method.upper()} {url} [{role}]", failures)
            # Query parameters, one at a time, each hostile value.
            base = _fill(path, ids)
            for p in (p for p in params if p["in"] == "query"):
                for value in HOSTILE_QUERY:
                    from urllib.parse import urlencode

                    url = f"{base}?{urlencode({p['name']: value})}"
                    _check(_send(client, method, url, token, body), f"{method.upper()} {url} [{role}]", failures)
        if body_schema is None:
            continue
        props = _resolve(doc, body_schema).get("properties", {})
        for role in ("mas", "coordinator", "national"):
            token = world["tokens"][role]
            url = _fill(path, ids)
            for raw in ("{not json", "[1, 2]", "NaN", '"text"', "null", '{"answers": NaN}'):
                _check(_send(client, method, url, token, raw=raw), f"{method.upper()} {url} body={raw} [{role}]", failures)
            _check(_send(client, method, url, token, body), f"{method.upper()} {url} plausible body [{role}]", failures)
            for name in props:
                for value in HOSTILE_SCALARS:
                    hostile = dict(body) | {name: value}
                    what = f"{method.upper()} {url} {name}={str(value)[:30]!r} [{role}]"
                    _check(_send(client, method, url, token, hostile), what, failures)
    assert not failures, f"{len(failures)} bad answers:\n" + "\n".join(failures[:80])


def test_a_bogus_bearer_token_is_401_on_every_operation(db: Any) -> None:
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    failures = []
    for method, path, _op in _operations(client):
        url = _fill(path, {k: 1 for k in ["org_id", "kommun_id", *PATH_OBJECTS]})
        response = _send(client, method, url, "bd_not-a-real-token", {})
        if response.status_code != 401 or response["Content-Type"] != "application/problem+json":
            failures.append(f"{response.status_code} {response['Content-Type']} {method.upper()} {url}")
    assert not failures, "\n".join(failures)


def test_every_operation_declares_its_problem_responses(client: Client, db: Any) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "code"]
    missing = [
        f"{method.upper()} {path}: {status}"
        for method, path, op in _operations(client)
        for status in ("400", "401", "403", "404", "409", "422")
        if "application/problem+json" not in op["responses"].get(status, {}).get("content", {})
    ]
    assert not missing, "\n".join(missing)


def _unbounded(doc: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Integers and numbers without both bounds, and strings without a maximum length, inside an input schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen = seen | {name}
        schema = doc["components"]["schemas"][name]
    found = []
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []):
            found += _unbounded(doc, sub, where, seen)
    kind = schema.get("type")
    if kind in ("integer", "number") and ("minimum" not in schema or "maximum" not in schema):
        found.append(f"{where}: {kind} without minimum/maximum")
    if kind == "string" and "enum" not in schema and "format" not in schema and "maxLength" not in schema:
        found.append(f"{where}: string without maxLength")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: array without maxItems")
        found += _unbounded(doc, schema.get("items", {}), f"{where}[]", seen)
    for name, sub in schema.get("properties", {}).items():
        found += _unbounded(doc, sub, f"{where}.{name}", seen)
    return found


def test_every_input_parameter_and_body_field_is_bounded(client: Client, db: Any) -> None:
    """Every id, page, count, year, number and text an operation accepts has both bounds in the schema."""
    doc = client.get("/api/v1/openapi.json").json()
    found = []
    for method, path, op in _operations(client):
        for p in op.get("parameters", []):
            found += _unbounded(doc, p["schema"], f"{method.upper()} {path} {p['in']}:{p['name']}", set())
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body:
            found += _unbounded(doc, body, f"{method.upper()} {path} body", set())
    assert not found, "\n".join(found)
