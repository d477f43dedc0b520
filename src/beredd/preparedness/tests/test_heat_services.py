"""Heat activation: by hand, by file (all rows or none), notices to heat-sensitive units, acknowledgements."""

import datetime as dt
import json
from typing import Any

import pytest

from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.preparedness import selectors, services
from beredd.preparedness.models import HeatActivation, HeatNotice

pytestmark = pytest.mark.frozen_now  # warnings run from today (Swedish date) for a few days

JUNE = dt.date(2026, 6, 20)


def test_a_yellow_warning_reaches_only_heat_sensitive_units(ref: Any, make_unit: Any, make_user: Any) -> None:
    hot, cool = make_unit(ref["gavle"], name="Hot"), make_unit(ref["gavle"], name="Cool")
    other_kommun = make_unit(ref["sandviken"], name="Elsewhere")
    coordinator = make_user(ref["gavle"], "coordinator")
    services.unit_profile_set(unit=hot, actor=coordinator, heat_sensitive=True)
    services.unit_profile_set(unit=cool, actor=coordinator, heat_sensitive=False)
    services.unit_profile_set(unit=other_kommun, actor=make_user(ref["sandviken"], "coordinator"), heat_sensitive=True)
    activation = services.heat_activate(
        organisation=ref["gavle"], actor=coordinator, level="gul", valid_from=JUNE, valid_until=JUNE + dt.timedelta(days=3)
    )
    notices = selectors.heat_notices_of(activation)
    assert [n.unit.name for n in notices] == ["Hot"]
    manager = make_user(hot, "reporter")
    items = [i["code"] for i in services.heat_checklist("gul")]
    assert "fluids" in items and "client_review" in items and "staffing" not in items
    services.heat_acknowledge(notice=notices[0], actor=manager, checked_items=items)
    notice = HeatNotice.objects.get()
    assert notice.acknowledged_by == manager and notice.acknowledged_at is not None
    with pytest.raises(ConflictError):
        services.heat_acknowledge(notice=notice, actor=manager, checked_items=[])


def test_another_unit_cannot_acknowledge(ref: Any, make_unit: Any, make_user: Any) -> None:
    hot, other = make_unit(ref["gavle"]), make_unit(ref["gavle"])
    coordinator = make_user(ref["gavle"], "coordinator")
    services.unit_profile_set(unit=hot, actor=coordinator, heat_sensitive=True)
    activation = services.heat_activate(
        organisation=ref["gavle"], actor=coordinator, level="meddelande", valid_from=JUNE, valid_until=JUNE
    )
    with pytest.raises(PermissionDeniedError):
        services.heat_acknowledge(notice=activation.notices.get(), actor=make_user(other, "reporter"), checked_items=[])


def test_a_county_warning_file_activates_its_kommuner(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["sandviken"])
    lan_coordinator = make_user(ref["gavleborg"], "coordinator")
    services.unit_profile_set(unit=unit, actor=lan_coordinator, heat_sensitive=True)
    content = json.dumps(
        {
            "warnings": [
                {"kommun_code": "2180", "level": "orange", "valid_from": "2026-07-01", "valid_until": "2026-07-05"},
                {"kommun_code": "2181", "level": "gul", "valid_from": "2026-07-01", "valid_until": "2026-07-03"},
            ]
        }
    ).encode()
    activations = services.heat_activate_from_file(
        organisation=ref["gavleborg"], actor=lan_coordinator, name="smhi.json", content=content
    )
    assert [(a.organisation.code, a.level, a.source) for a in activations] == [
        ("2180", "orange", "file"),
        ("2181", "gul", "file"),
    ]
    assert HeatNotice.objects.get().unit == unit


@pytest.mark.parametrize(
    "content",
    [
        b"kommun_code,level,valid_from,valid_until\n2180,gul,2026-07-01,2026-07-03\n2180,red,2026-07-01,2026-07-03\n",
        b"kommun_code;level;valid_from;valid_until\n2180;gul;2026-07-05;2026-07-01\n",
        b"kommun_code,level,valid_from,valid_until\n0180,gul,2026-07-01,2026-07-03\n",
        b'{"warnings": 3}',
        b"\xff\xfe garbage",
    ],
)
def test_a_malformed_warning_file_saves_nothing(ref: Any, make_user: Any, content: bytes) -> None:
    coordinator = make_user(ref["gavleborg"], "coordinator")
    with pytest.raises(ValidationFailed):
        services.heat_activate_from_file(organisation=ref["gavleborg"], actor=coordinator, name="w.csv", content=content)
    assert not HeatActivation.objects.exists()


def test_a_unit_user_cannot_set_the_heat_level(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"])
    for user in (make_user(unit, "coordinator"), make_user(ref["gavle"], "reporter"), make_user(ref["sandviken"], "coordinator")):
        with pytest.raises(PermissionDeniedError):
            services.heat_activate(organisation=ref["gavle"], actor=user, level="gul", valid_from=JUNE, valid_until=JUNE)


def test_a_unit_flagged_heat_sensitive_after_the_warning_still_gets_the_checklist(
    ref: Any, make_unit: Any, make_user: Any
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    coordinator = make_user(ref["gavle"], "coordinator")
    lan_coordinator = make_user(ref["gavleborg"], "coordinator")
    current = services.heat_activate(
        organisation=ref["gavle"], actor=coordinator, level="gul", valid_from=today, valid_until=today + dt.timedelta(days=3)
    )
    county = services.heat_activate(
        organisation=ref["gavleborg"],
        actor=lan_coordinator,
        level="meddelande",
        valid_from=today,
        valid_until=today + dt.timedelta(days=2),
    )
    past = services.heat_activate(
        organisation=ref["gavle"],
        actor=coordinator,
        level="orange",
        valid_from=today - dt.timedelta(days=10),
        valid_until=today - dt.timedelta(days=5),
    )
    ended = services.heat_activate(
        organisation=ref["gavle"], actor=coordinator, level="gul", valid_from=today, valid_until=today + dt.timedelta(days=1)
    )
    services.heat_end(activation=ended, actor=coordinator)
    elsewhere = services.heat_activate(
        organisation=ref["sandviken"],
        actor=make_user(ref["sandviken"], "coordinator"),
        level="gul",
        valid_from=today,
        valid_until=today + dt.timedelta(days=3),
    )
    late = make_unit(ref["gavle"], name="Nybyggt")  # created after every warning above
    assert not HeatNotice.objects.filter(unit=late).exists()
    manager = make_user(late, "reporter")
    services.unit_profile_set(unit=late, actor=manager, heat_sensitive=True)
    got = set(HeatNotice.objects.filter(unit=late).values_list("activation_id", flat=True))
    assert got == {current.pk, county.pk}
    assert past.pk not in got and ended.pk not in got and elsewhere.pk not in got
    assert {n.activation_id for n in selectors.heat_notices_open_for_user(user=manager, org=late)} == {current.pk, county.pk}
    # Flagging again (or off and on) does not send the checklist twice.
    services.unit_profile_set(unit=late, actor=manager, heat_sensitive=False)
    services.unit_profile_set(unit=late, actor=manager, heat_sensitive=True)
    assert HeatNotice.objects.filter(unit=late).count() == 2
    notice = HeatNotice.objects.get(unit=late, activation=current)
    services.heat_acknowledge(notice=notice, actor=manager, checked_items=["fluids"])
    assert current.notices.filter(unit=late, acknowledged_at__isnull=False).exists()
