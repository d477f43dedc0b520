"""The root personas against one page and one endpoint: the outsider from another län sees neither a unit's form
nor a kommun's roll-up, and the kommun's parent (the county) may read the roll-up but not answer for a unit."""

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from beredd.reporting.models import Submission
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.test_api import bearer, url


def test_the_outsider_cannot_open_a_units_form(client: Client, world: SimpleNamespace, personas: SimpleNamespace) -> None:
    round_ = issue(world)
    submission = Submission.objects.get(instance__round=round_, organisation=world.g1)
    client.force_login(personas.outsider)
    assert client.get(reverse("reporting:submission", args=[submission.pk])).status_code == 404
    client.force_login(world.g1_reporter)
    assert client.get(reverse("reporting:submission", args=[submission.pk])).status_code == 200


def test_the_outsider_gets_no_roll_up_and_the_parent_member_cannot_answer_for_a_unit(
    client: Client, world: SimpleNamespace, personas: SimpleNamespace
) -> None:
    instance = issue(world).instances.get()
    rollup = f"/api/v1/reporting/instances/{instance.pk}/rollup?org_id={personas.kommun.pk}"
    assert client.get(rollup, **bearer(personas.outsider)).status_code == 404
    assert client.get(rollup, **bearer(personas.parent_member)).status_code == 200
    answer = {"answers": GOOD}
    assert (
        client.post(url(instance, world.g1), answer, content_type="application/json", **bearer(personas.outsider)).status_code
        == 404
    )
    response = client.post(url(instance, world.g1), answer, content_type="application/json", **bearer(personas.parent_member))
    assert response.status_code == 404
    assert Submission.objects.get(instance=instance, organisation=world.g1).status == "not_started"
