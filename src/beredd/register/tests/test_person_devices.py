"""The person form's devices: one row per device (a catalogue select and battery hours), no code strings."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.register.forms import DeviceFormSet
from beredd.register.models import Person
from beredd.register.tests.helpers import make_person

CATALOGUE = [("home_ventilator", "Hemrespirator"), ("electric_bed", "Elektrisk säng")]


def rows(*devices: tuple[str, str], delete: tuple[int, ...] = ()) -> dict[str, str]:
    data = {"devices-TOTAL_FORMS": str(len(devices)), "devices-INITIAL_FORMS": "0"}
    for n, (device, hours) in enumerate(devices):
        data[f"devices-{n}-device"] = device
        data[f"devices-{n}-battery_hours"] = hours
        if n in delete:
            data[f"devices-{n}-DELETE"] = "on"
    return data


def formset(data: dict[str, str]) -> Any:
    return DeviceFormSet(data, prefix="devices", form_kwargs={"devices": CATALOGUE})


def test_good_rows_become_the_registers_device_format() -> None:
    fs = formset(rows(("home_ventilator", "6"), ("electric_bed", ""), ("", "")))
    assert fs.is_valid(), fs.errors
    assert fs.as_service_value() == "home_ventilator:6;electric_bed"


def test_a_removed_row_is_left_out() -> None:
    fs = formset(rows(("home_ventilator", "6"), ("electric_bed", ""), delete=(0,)))
    assert fs.is_valid() and fs.as_service_value() == "electric_bed"


@pytest.mark.parametrize(
    ("data", "row", "field"),
    [
        (rows(("home_ventilator", "6"), ("electric_bed", "-1")), 1, "battery_hours"),
        (rows(("home_ventilator", "6"), ("electric_bed", "1000")), 1, "battery_hours"),
        (rows(("home_ventilator", "abc")), 0, "battery_hours"),
        (rows(("electric_bed", ""), ("not_a_device", "")), 1, "device"),
        (rows(("electric_bed", ""), ("", "4")), 1, "device"),
        (rows(("home_ventilator", "6"), ("home_ventilator", "2")), 1, "device"),
    ],
    ids=["negative", "too-many-hours", "not-a-number", "unknown-device", "hours-without-device", "duplicate"],
)
def test_a_bad_row_is_refused_on_that_row_and_field(data: dict[str, str], row: int, field: str) -> None:
    fs = formset(data)
    assert not fs.is_valid()
    assert [n for n, errors in enumerate(fs.errors) if errors] == [row]
    assert list(fs.errors[row]) == [field]


def test_too_many_rows_are_refused() -> None:
    fs = formset(rows(*[("electric_bed", "")] * 21))
    assert not fs.is_valid()


def _form(world: Any) -> dict[str, str]:
    return {
        "personnummer": "19121212-1212",
        "first_name": "Tolvan",
        "last_name": "Tolvansson",
        "address": "Gatan 1",
        "postcode": "80250",
        "locality": "Gävle",
        "unit": str(world.unit_a.pk),
        "legal_basis": "consent",
        "review_date": "2027-01-01",
    }


def test_the_page_names_the_bad_row_and_field_and_saves_nothing(client: Client, world: Any) -> None:
    client.force_login(world.mas)
    data = _form(world) | rows(("home_ventilator", "6"), ("electric_bed", "1000"))
    page = client.post(reverse("register:person-create"), data, HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert page.status_code == 200 and not Person.objects.exists()
    summary = text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Produkt 2, Batteritid (timmar)" in summary and 'href="#id_devices-1-battery_hours"' in summary


def test_the_form_offers_a_select_and_a_number_not_a_code_string(client: Client, world: Any) -> None:
    person = make_person(world.gavle, world.unit_a, devices={"home_ventilator": 6})
    client.force_login(world.mas)
    text = client.get(reverse("register:person-edit", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<select name="devices-0-device"' in text and 'type="number" name="devices-0-battery_hours"' in text
    assert "home_ventilator:6" not in text and 'name="devices"' not in text


def test_add_another_device_works_without_javascript_and_keeps_what_was_typed(client: Client, world: Any) -> None:
    client.force_login(world.mas)
    data = _form(world) | rows(("home_ventilator", "6")) | {"add_device": "1"}
    page = client.post(reverse("register:person-create"), data)
    assert page.status_code == 200 and not Person.objects.exists()
    assert page.context["devices"].total_form_count() == 2 and b'value="Tolvan"' in page.content
    assert b'id="error-summary"' not in page.content
    data = _form(world) | rows(("home_ventilator", "6"), ("electric_bed", ""))
    assert client.post(reverse("register:person-create"), data).status_code == 302
    person = Person.objects.get()
    assert sorted(person.devices.values_list("device__code", flat=True)) == ["electric_bed", "home_ventilator"]
    assert person.has_life_device and person.life_battery_hours == 6
