"""core.onestatement: several ORM writes as one statement on PostgreSQL, the ORM's saves elsewhere; same rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beredd.core import audit
from beredd.core.exceptions import ValidationFailed
from beredd.core.models import AuditEvent
from beredd.core.onestatement import OneStatement, StaleRowError
from beredd.orgs.models import Organisation
from beredd.reporting.models import Submission, SubmissionVersion


def test_inserts_updates_and_raw_parts_are_stored_with_their_keys(ref: dict[str, Any]) -> None:
    org = Organisation.objects.get(pk=ref["gavle"].pk)
    stamped = org.updated_at
    org.updated_at = stamped - dt.timedelta(days=1)
    Organisation.objects.filter(pk=org.pk).update(updated_at=org.updated_at)
    first = audit.event(actor="system", action="test.one", organisation=org, changes={"a": [1, "två"]})
    second = audit.event(actor="system", action="test.two", organisation=org)
    org.name = "Gävle kommun (omdöpt)"
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        writes = OneStatement()
        writes.insert(first)
        writes.update(org, ["name", "updated_at"])
        # Another row: one statement must not change a row twice (PostgreSQL keeps only one of the changes).
        writes.raw(
            f"UPDATE {Organisation._meta.db_table} SET street_address = %s WHERE id = %s", ["Rådhuset", ref["sandviken"].pk]
        )
        writes.insert(second)
        writes.execute()
    if connection.vendor == "postgresql":
        assert len(queries) == 1, [q["sql"] for q in queries]
    assert first.pk and second.pk and first.pk != second.pk and not first._state.adding
    stored = AuditEvent.objects.get(pk=first.pk)
    assert (stored.action, stored.changes, stored.organisation_id) == ("test.one", {"a": [1, "två"]}, org.pk)
    assert AuditEvent.objects.get(pk=second.pk).action == "test.two"
    org.refresh_from_db()
    assert org.name == "Gävle kommun (omdöpt)"
    assert Organisation.objects.get(pk=ref["sandviken"].pk).street_address == "Rådhuset"
    assert org.updated_at > stamped - dt.timedelta(minutes=1)  # auto_now refreshed as save() would


def test_an_over_long_text_is_refused_naming_the_field_and_nothing_is_written(ref: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        writes = OneStatement()
        writes.insert(audit.event(actor="system", action="test.fine", organisation=ref["gavle"]))
        writes.insert(AuditEvent(action="x" * 65, at=timezone.now()))
        writes.execute()
    assert [d["field"] for d in refused.value.details] == ["action"]
    assert AuditEvent.objects.count() == before


def test_nothing_listens_after_saving_the_models_written_in_one_statement() -> None:
    # On PostgreSQL post_save is not sent for these (onestatement's contract): a receiver added later would be
    # skipped silently on the submit path, so this fails first.
    for model in (Submission, SubmissionVersion, AuditEvent):
        assert not post_save.has_listeners(model), model


def test_one_statement_refuses_to_update_the_same_row_twice(ref: dict[str, Any]) -> None:
    writes = OneStatement()
    writes.update(ref["gavle"], ["name"])
    with pytest.raises(AssertionError, match="twice"):
        writes.update(ref["gavle"], ["code"])


def test_the_sql_kept_from_the_first_compile_stores_what_the_orm_would(ref: dict[str, Any]) -> None:
    from beredd.core import onestatement

    onestatement._SQL.clear()
    org = ref["gavle"]
    events = []
    for label in ("compiled", "kept"):  # the second statement reuses the first one's SQL
        event = audit.event(actor="system", action=f"test.{label}", organisation=org, changes={"n": [1, None, "å"]})
        org.street_address = f"Gata {label}"
        with transaction.atomic():
            writes = OneStatement()
            writes.insert(event)
            writes.update(org, ["street_address", "updated_at"])
            writes.execute()
        events.append(AuditEvent.objects.get(pk=event.pk))
        assert Organisation.objects.get(pk=org.pk).street_address == f"Gata {label}"
    assert len(onestatement._SQL) == (2 if connection.vendor == "postgresql" else 0)  # elsewhere the ORM saves
    first, second = events
    for field in AuditEvent._meta.concrete_fields:
        if field.name not in ("id", "at", "action"):
            assert getattr(first, field.attname) == getattr(second, field.attname), field.name


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (AuditEvent, "action", "submission.submit"),
        (AuditEvent, "actor", None),  # a nullable key
        (AuditEvent, "organisation", 7),  # a key's value: the target's own field prepares it
        (Submission, "lock_version", 3),
        (Submission, "is_late", True),
        (Submission, "is_late", 1),  # not a bool: the field's way (to_python), same value for the database
        (Submission, "submitted_at", dt.datetime(2026, 12, 8, 7, 30, tzinfo=dt.UTC)),
        (Submission, "submitted_at", None),
        (Submission, "status", "submitted"),
        (SubmissionVersion, "number", 2),  # typed int4 by the field for the server: the field's way
        (Submission, "kommun_id", 12),  # int8
        (AuditEvent, "ip_address", "192.0.2.7"),
        (AuditEvent, "ip_address", ""),
        (AuditEvent, "ip_address", "2001:DB8::0:1"),  # IPv6: normalised by the field
    ],
)
def test_values_are_prepared_as_the_field_would(model: Any, name: str, value: Any) -> None:
    # ``_prep`` takes a value as it is where the field's own preparation would return it unchanged: what the
    # statement sends equals what ``get_db_prep_save`` gives (an address compared as text: the field gives
    # Python's ``ipaddress`` object for the driver to format). Only PostgreSQL's one statement prepares values.
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere the ORM's saves prepare every value")
    field = model._meta.get_field(name)
    ours = OneStatement()._prep(field, value)
    theirs = field.get_db_prep_save(value, connection=connection)
    if name == "ip_address" and theirs is not None and not isinstance(theirs, str):
        theirs = str(theirs)
        ours = str(ours)
    assert ours == theirs and type(ours) is type(theirs)


def test_an_audit_address_is_stored_through_one_statement(ref: dict[str, Any]) -> None:
    events = []
    for address in ("192.0.2.7", "2001:db8::1", None):
        event = audit.event(actor="system", action="test.ip", organisation=ref["gavle"])
        event.ip_address = address
        with transaction.atomic():
            writes = OneStatement()
            writes.insert(event)
            writes.execute()
        events.append(AuditEvent.objects.get(pk=event.pk).ip_address)
    assert events == ["192.0.2.7", "2001:db8::1", None]


@pytest.mark.parametrize("expected_name", ["Gävle kommun", "Någon annan"])
def test_a_guarded_update_writes_everything_or_nothing(ref: dict[str, Any], expected_name: str) -> None:
    """``expect``: the statement's every part is written when the row still holds the values as read, and none
    (StaleRowError) when another writer changed them, also the parts before the update. The second run of the same
    guard uses the SQL kept from the first compile."""
    for attempt in range(2):
        org = Organisation.objects.get(pk=ref["gavle"].pk)
        Organisation.objects.filter(pk=org.pk).update(name="Gävle kommun")
        before = AuditEvent.objects.count()
        org.street_address = f"Rådhuset {attempt}"
        writes = OneStatement()
        writes.insert(audit.event(actor="system", action="test.guarded", organisation=org))
        writes.update(org, ["street_address"], expect={"name": expected_name})
        if expected_name == "Gävle kommun":
            with transaction.atomic():
                writes.execute()
        else:
            with pytest.raises(StaleRowError), transaction.atomic():  # the savepoint undoes the failed statement
                writes.execute()
        stored = Organisation.objects.get(pk=org.pk)
        if expected_name == "Gävle kommun":
            assert stored.street_address == f"Rådhuset {attempt}" and AuditEvent.objects.count() == before + 1
        else:
            assert stored.street_address != f"Rådhuset {attempt}" and AuditEvent.objects.count() == before
