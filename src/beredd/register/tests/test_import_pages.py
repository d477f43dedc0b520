"""Import through the pages: the preview saves nothing, the commit makes the records, and a bad row is named."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.register.models import Person
from beredd.register.tests.helpers import login


def test_import_preview_then_commit_through_the_pages(client: Client, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, world.mas)
    content = (
        "personnummer,first_name,last_name,address,postcode,locality,unit\n"
        "19121212-1212,Tolvan,Tolvansson,Gatan 1,80250,Gävle,Hemtjänst Norr\n"
    ).encode()
    preview = client.post(reverse("register:import"), {"file": SimpleUploadedFile("a.csv", content)})
    assert preview.status_code == 200 and not Person.objects.exists()
    batch = preview.context["preview"].batch_id
    done = client.post(reverse("register:import-commit"), {"batch": batch, "on_duplicate": "skip"})
    assert done.status_code == 302 and Person.objects.count() == 1
    bad = client.post(reverse("register:import"), {"file": SimpleUploadedFile("a.csv", content.replace(b"1212,", b"1213,"))})
    assert b"personnummer" in bad.content and len(bad.context["preview"].problems) == 1
