"""The root personas against one page and one endpoint: a record's identity is refused to the outsider from
another län and to the kommun's parent, the county (upper levels get counts, never names). Both are coordinators,
a role without identity access anywhere, so both get 403 for any id (a MAS elsewhere would get 404; see
test_id_oracle.py); both refusals are logged."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.register.models import AccessLog
from beredd.register.tests.helpers import make_person
from beredd.register.tests.test_api import bearer


def test_the_outsider_and_the_parent_member_cannot_open_a_record(client: Client, world: Any, personas: Any) -> None:
    person = make_person(world.gavle, world.unit_a, last_name="Ekberg-Ås")
    for user in (personas.outsider, personas.parent_member):
        client.force_login(user)
        assert client.get(reverse("register:person-detail", args=[person.pk])).status_code == 403
        assert AccessLog.objects.filter(action="denied", user=user, person_id=person.pk).count() == 1
    client.force_login(world.mas)
    assert client.get(reverse("register:person-detail", args=[person.pk]), {"purpose": "care"}).status_code == 200


def test_the_outsider_and_the_parent_member_get_no_identities_over_the_api(client: Client, world: Any, personas: Any) -> None:
    person = make_person(world.gavle, world.unit_a, last_name="Ekberg-Ås")
    for user in (personas.outsider, personas.parent_member):
        auth = bearer(user)
        assert client.get(f"/api/v1/register/persons/{person.pk}", **auth).status_code == 403
        listed = client.get(f"/api/v1/register/persons?kommun_id={personas.kommun.pk}", **auth)
        assert listed.status_code == 403 and b"Ekberg" not in listed.content
        assert AccessLog.objects.filter(action="denied", via="api", user=user).count() == 2
