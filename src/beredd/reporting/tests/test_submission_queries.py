"""The API submission's hot path stays within a fixed number of queries, whatever the number of fields.

Counted in-process with CaptureQueriesContext on the same view and service the benchmark drives
(``ingest_queries_per_submission``), for a first submit, a re-submit (version 2) and an idempotent replay.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.core.models import AuditEvent
from beredd.orgs.models import Organisation
from beredd.reporting.models import Answer, ReportTemplate, Round, RoundInstance, Submission, SubmissionVersion, TemplateVersion
from beredd.reporting.services import templates
from beredd.reporting.tests.conftest import issue

MAX_QUERIES = 8


def _template(world: SimpleNamespace, n_fields: int) -> Any:
    fields = [{"key": f"n_{i}", "type": "integer", "label_sv": f"Antal {i}", "rollup": "sum", "min": 0} for i in range(n_fields)]
    return templates.template_import(
        actor=None,
        owner=world.nation,
        data={"key": f"q{n_fields}", "name": f"Q {n_fields}", "fields": fields},
        publish=True,
    )


def _post(client: Client, url: str, secret: str, answers: dict[str, Any], key: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url,
            {"answers": answers},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            HTTP_IDEMPOTENCY_KEY=key,
        )
    assert response.status_code in (200, 201), response.content
    # Transaction control (BEGIN/SAVEPOINT/RELEASE/COMMIT) is not a query; the test's own transaction adds savepoints.
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")
    return response.status_code, [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(control)]


@pytest.mark.parametrize("n_fields", [3, 40])
def test_a_submission_costs_at_most_eight_queries_whatever_the_number_of_fields(world: SimpleNamespace, n_fields: int) -> None:
    version = _template(world, n_fields)
    world.templates[version.template.key] = version
    instance = issue(world, key=version.template.key).instances.get()
    user = world.gavle_coord  # the kommun's own system, answering for its unit
    _token, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="t", days=5)
    unit = world.g1
    url = f"/api/v1/reporting/instances/{instance.pk}/submissions/{unit.pk}"
    client = Client()
    answers = {f"n_{i}": i for i in range(n_fields)}
    status, first = _post(client, url, secret, answers, "k-1")
    assert status == 201
    status, second = _post(client, url, secret, answers | {"n_0": 99}, "k-2")
    assert status == 201
    status, replay = _post(client, url, secret, answers | {"n_0": 99}, "k-2")  # a retry sends the same body
    assert status == 200
    for queries in (first, second, replay):
        assert len(queries) <= MAX_QUERIES, "\n".join(queries)
    # Behaviour kept: two immutable versions, the replay stored nothing, answers and audit written.
    submission = Submission.objects.get(instance=instance, organisation=unit)
    assert list(SubmissionVersion.objects.filter(submission=submission).values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
    assert Answer.objects.filter(submission=submission).count() == n_fields
    assert Answer.objects.get(submission=submission, key="n_0").num == 99
    assert AuditEvent.objects.filter(action="submission.submit_on_behalf").count() == 2


def test_the_recipient_lookup_gives_what_the_orm_gives(world: SimpleNamespace) -> None:
    # The hot lookup builds its SQL once (core.joinedlookup): the objects and their cached relations must equal the
    # ORM's select_related, every field, converters applied (JSON decoded, datetimes aware).
    from django.db import transaction

    from beredd.core.joinedlookup import JoinedLookup
    from beredd.reporting.lookups import RECIPIENT_LOOKUP

    instance = issue(world).instances.get()
    sub = Submission.objects.get(instance=instance, organisation=world.g1)
    Submission.objects.filter(pk=sub.pk).update(draft={"antal": 3, "text": "två"})
    related = ("instance", "instance__round", "template_version", "template_version__template", "organisation")
    expected = Submission.objects.select_related(*related).get(pk=sub.pk)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        got = RECIPIENT_LOOKUP.get((instance.pk, world.g1.pk), for_update=True)
    assert got is not None and len(captured) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in captured[0]["sql"]
    with CaptureQueriesContext(connection) as after:
        pairs = [(got, expected)]
        pairs += [(getattr(got, r), getattr(expected, r)) for r in ("instance", "template_version", "organisation")]
        pairs += [
            (got.instance.round, expected.instance.round),
            (got.template_version.template, expected.template_version.template),
        ]
    assert len(after) == 0  # every relation came with the row
    # The columns it leaves out (``defer``) are deferred as the ORM's ``defer`` would be, and load when read.
    assert got.organisation.get_deferred_fields() == set(RECIPIENT_LOOKUP.defer["organisation"])
    assert "recipient_roots" in got.instance.round.get_deferred_fields() and not got.get_deferred_fields()
    for mine, theirs in pairs:
        assert type(mine) is type(theirs) and not mine._state.adding
        for field in type(mine)._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field
    assert got.draft == {"antal": 3, "text": "två"} and got.created_at.tzinfo is not None
    assert RECIPIENT_LOOKUP.get((instance.pk, world.nation.pk)) is None
    assert isinstance(JoinedLookup(Submission, related=(), where=("id",)).get((sub.pk,)), Submission)


def test_reading_and_drafting_through_the_api_read_no_left_out_column(world: SimpleNamespace) -> None:
    # A column the recipient lookup leaves out would cost a query of its own when read: the API's reads and
    # writes of a submission read none of them (the GET: token lookup and submission lookup, nothing else).
    instance = issue(world).instances.get()
    user = world.gavle_coord
    _token, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="t", days=5)
    url = f"/api/v1/reporting/instances/{instance.pk}/submissions/{world.g1.pk}"
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(url, **auth).status_code == 200  # the token's first use of the minute is recorded here
    with CaptureQueriesContext(connection) as read:
        assert client.get(url, **auth).status_code == 200
    with CaptureQueriesContext(connection) as draft:
        response = client.put(f"{url}/draft", {"answers": {}}, content_type="application/json", **auth)
        assert response.status_code == 200, response.content
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")
    queries = [[q["sql"] for q in c.captured_queries if not q["sql"].upper().startswith(control)] for c in (read, draft)]
    assert len(queries[0]) == 2, queries[0]
    # A left-out column is read by a query of its own on its model's table (the lookup reads them all in one join).
    own = [f'FROM "{m._meta.db_table}"' for m in (Organisation, Round, RoundInstance, TemplateVersion, ReportTemplate)]
    assert not [q for q in queries[0] + queries[1] if any(table in q for table in own)]


MIXED: list[dict[str, Any]] = [
    *({"key": f"count_{i}", "type": "integer", "label_sv": f"Antal {i}", "rollup": "sum", "min": 0} for i in range(3)),
    {"key": "staff_total", "type": "integer", "label_sv": "Personal", "rollup": "sum", "min": 0},
    {
        "key": "absence",
        "type": "percent",
        "label_sv": "Frånvaro",
        "rollup": "weighted_mean",
        "options": {"weight": "staff_total"},
    },
    {"key": "beds", "type": "integer", "label_sv": "Platser", "rollup": "mean", "min": 0},
    {"key": "temp", "type": "decimal", "label_sv": "Temperatur", "rollup": "max"},
    {"key": "stock", "type": "integer", "label_sv": "Lager", "rollup": "sum", "min": 0},
    {"key": "use", "type": "decimal", "label_sv": "Förbrukning", "rollup": "sum", "min": 0},
    {"key": "status_0", "type": "status", "label_sv": "Status", "rollup": "worst", "options": {"scale": "traffic"}},
    {"key": "cool_room", "type": "yes_no", "label_sv": "Svalt rum", "rollup": "count_choice"},
    {"key": "impact", "type": "impact", "label_sv": "Påverkan", "rollup": "worst"},
    {"key": "event", "type": "long_text", "label_sv": "Händelse", "rollup": "collate"},
    {"key": "needs", "type": "short_text", "label_sv": "Behov", "rollup": "collate"},
]


def test_the_answer_rows_sent_in_one_statement_are_the_projection_exactly(world: SimpleNamespace) -> None:
    # On PostgreSQL the rows travel as one JSON text (json_to_recordset); on SQLite through the ORM. Either way the
    # stored rows are fieldtypes.project of the clean answers: every number exact, text with quotes, backslashes,
    # JSON-looking text, non-ASCII letters and emoji unchanged, the weight of a weighted mean carried.
    from beredd.reporting import fields as fieldtypes
    from beredd.reporting.services.submissions._common import template_fields
    from beredd.reporting.services.submissions.answering import submission_submit

    version = templates.template_import(
        actor=None, owner=world.nation, data={"key": "mixed", "name": "Mixed", "fields": MIXED}, publish=True
    )
    world.templates["mixed"] = version
    instance = issue(world, key="mixed").instances.get()
    submission = Submission.objects.get(instance=instance, organisation=world.g1)
    tricky = 'Citat "så" \\ och \\u0041 {"k": 1} — åäö ÅÄÖ 😀\nrad två'
    answers = {f"count_{i}": i * 7 for i in range(3)} | {
        "staff_total": 12,
        "absence": 12.345678901234567,
        "beds": 0,
        "temp": -3.1,
        "stock": 9,
        "use": 0.1,
        "status_0": "green",
        "cool_room": "yes",
        "impact": {"plan": 2, "resources": 0, "load": 1},
        "event": tricky,
        "needs": "x' OR 1=1; --",
    }
    _sub, stored, created = submission_submit(actor=world.gavle_coord, submission=submission, data=answers, via="api")
    assert created
    expected = fieldtypes.project(template_fields(version), stored.data)
    rows = list(
        Answer.objects.filter(submission=submission).values_list("key", "num", "weight", "choice", "text").order_by("key")
    )
    assert rows == sorted((p.key, p.num, p.weight, p.choice, p.text) for p in expected)
    assert [r for r in rows if r[0] == "event"] == [("event", None, None, "", tricky)], rows
    assert len(rows) == len(expected) == 14
