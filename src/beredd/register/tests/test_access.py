"""Need-to-know access to identities and the access log (PDL, HSLF-FS 2016:40 4 kap.)."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from beredd.core.exceptions import NotFoundError, PermissionDeniedError
from beredd.register import services
from beredd.register.models import AccessLog, RegisterGrant
from beredd.register.tests.helpers import make_person


@pytest.fixture
def people(world: Any) -> dict[str, Any]:
    return {
        "a": make_person(world.gavle, world.unit_a),
        "b": make_person(world.gavle, world.unit_b),
        "s": make_person(world.sandviken, world.unit_s),
    }


def test_the_kommun_mas_opens_a_record_and_the_access_is_logged(world: Any, people: dict[str, Any]) -> None:
    record = services.person_open(user=world.mas, person_id=people["a"].pk, purpose="vårdplanering")
    assert len(record.personnummer) == 12 and record.person == people["a"]
    log = AccessLog.objects.get(person_id=people["a"].pk)
    assert (log.user, log.role, log.organisation, log.kommun, log.action, log.purpose) == (
        world.mas,
        "mas",
        world.gavle,
        world.gavle,
        "view",
        "vårdplanering",
    )


@pytest.mark.parametrize("persona", ["lan_coordinator", "lan_mas", "national"])
def test_upper_levels_are_refused_identities_and_the_attempt_is_logged(world: Any, people: dict[str, Any], persona: str) -> None:
    with pytest.raises(PermissionDeniedError):
        services.person_open(user=getattr(world, persona), person_id=people["a"].pk)
    with pytest.raises(PermissionDeniedError):
        services.person_list(user=getattr(world, persona), kommun=world.gavle)
    denied = AccessLog.objects.filter(user=getattr(world, persona), action="denied")
    assert denied.count() == 2 and denied.filter(person_id=people["a"].pk, kommun=world.gavle).exists()


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("coordinator", PermissionDeniedError),
        ("viewer", PermissionDeniedError),
        ("org_admin", PermissionDeniedError),
        ("unit_reporter", NotFoundError),
    ],
)
def test_other_roles_in_the_kommun_are_refused(world: Any, people: dict[str, Any], persona: str, error: Any) -> None:
    with pytest.raises(error):
        services.person_open(user=getattr(world, persona), person_id=people["a"].pk)
    assert AccessLog.objects.filter(action="denied", user=getattr(world, persona)).count() == 1


def test_another_kommuns_mas_gets_not_found(world: Any, people: dict[str, Any]) -> None:
    with pytest.raises(NotFoundError):
        services.person_open(user=world.sandviken_mas, person_id=people["a"].pk)
    with pytest.raises(NotFoundError):
        services.person_list(user=world.sandviken_mas, kommun=world.gavle)
    assert AccessLog.objects.filter(action="denied", user=world.sandviken_mas).count() == 2


def test_a_unit_sees_only_its_own_residents(world: Any, people: dict[str, Any]) -> None:
    listed = services.person_list(user=world.unit_mas, kommun=world.gavle)
    assert listed == [people["a"]]
    services.person_open(user=world.unit_mas, person_id=people["a"].pk)
    with pytest.raises(NotFoundError):
        services.person_open(user=world.unit_mas, person_id=people["b"].pk)
    assert AccessLog.objects.filter(action="denied", person_id=people["b"].pk).exists()


def test_a_grant_lets_a_unit_role_see_its_own_residents_until_revoked(world: Any, people: dict[str, Any]) -> None:
    with pytest.raises(NotFoundError):
        services.person_list(user=world.unit_reporter, kommun=world.gavle)
    grant = services.grant_create(actor=world.mas, kommun=world.gavle, unit=world.unit_a, role="reporter")
    assert services.person_list(user=world.unit_reporter, kommun=world.gavle) == [people["a"]]
    services.grant_revoke(actor=world.mas, grant=grant)
    with pytest.raises(NotFoundError):
        services.person_list(user=world.unit_reporter, kommun=world.gavle)


def test_only_the_kommun_mas_may_grant(world: Any) -> None:
    for persona in ("unit_mas", "lan_mas", "coordinator", "sandviken_mas"):
        with pytest.raises(NotFoundError):
            services.grant_create(actor=getattr(world, persona), kommun=world.gavle, unit=world.unit_a, role="reporter")
    assert not RegisterGrant.objects.exists()


def test_listing_logs_one_row_per_person_and_search_finds_by_personnummer(world: Any, people: dict[str, Any]) -> None:
    assert len(services.person_list(user=world.mas, kommun=world.gavle)) == 2
    assert AccessLog.objects.filter(action="list").count() == 2
    pnr = services.person_open(user=world.mas, person_id=people["b"].pk).personnummer
    found = services.person_list(user=world.mas, kommun=world.gavle, query=f"{pnr[:8]}-{pnr[8:]}")
    assert found == [people["b"]]
    assert AccessLog.objects.filter(action="search", person_id=people["b"].pk).count() == 1


def test_export_is_only_for_the_owning_kommuns_mas_and_is_logged(world: Any, people: dict[str, Any]) -> None:
    text = services.person_export_csv(user=world.mas, kommun=world.gavle, purpose="kontroll")
    assert text.splitlines()[0].startswith("personnummer,") and len(text.splitlines()) == 3
    assert AccessLog.objects.filter(action="export").count() == 2
    with pytest.raises(NotFoundError):
        services.person_export_csv(user=world.unit_mas, kommun=world.gavle)
    with pytest.raises(PermissionDeniedError):
        services.person_export_csv(user=world.lan_coordinator, kommun=world.gavle)


def test_the_access_log_cannot_be_changed_through_the_app(world: Any, people: dict[str, Any]) -> None:
    services.person_open(user=world.mas, person_id=people["a"].pk)
    entry = AccessLog.objects.get()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AccessLog.objects.update(purpose="x")
    with pytest.raises(TypeError):
        AccessLog.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgres_refuses_update_and_delete_on_the_access_log(world: Any, people: dict[str, Any]) -> None:
    services.person_open(user=world.mas, person_id=people["a"].pk)
    pk = AccessLog.objects.get().pk
    for sql in ("UPDATE register_accesslog SET purpose = 'x' WHERE id = %s", "DELETE FROM register_accesslog WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])


def test_purging_an_ended_record_keeps_its_access_log(world: Any, people: dict[str, Any], settings: Any) -> None:
    services.person_open(user=world.mas, person_id=people["a"].pk)
    services.person_end(actor=world.mas, person=people["a"])
    settings.REGISTER_RETENTION_DAYS = 0
    assert services.person_purge_ended() == 1
    assert AccessLog.objects.filter(person_id=people["a"].pk).count() == 2
    content, ctype, _name = services.log_extract(user=world.mas, person_id=people["a"].pk)
    assert ctype.startswith("text/csv") and str(AccessLog.Action.VIEW.label) in content.decode("utf-8-sig")
