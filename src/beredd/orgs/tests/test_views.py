"""Org views refuse the wrong person: member of the kommun, member of a parent org, outsider."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.orgs.models import Organisation


def test_unit_create_is_for_org_admins_of_the_kommun_or_above(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    url = reverse("orgs:unit-create", args=[ref["gavle"].pk])
    data = {"name": "Nyby", "service_kind": "sabo", "regi": "kommunal"}
    for org, role in ((ref["sandviken"], "org_admin"), (ref["gavle"], "coordinator"), (ref["gavle"], "viewer")):
        client.force_login(make_user(org, role))
        assert client.post(url, data).status_code == 404, (org, role)
    client.force_login(make_user(ref["gavleborg"], "org_admin"))  # parent org admin
    assert client.post(url, data).status_code == 302
    assert Organisation.objects.filter(name="Nyby", parent=ref["gavle"]).exists()


def test_unit_form_shows_errors_per_field_and_saves_nothing(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "org_admin"))
    response = client.post(
        reverse("orgs:unit-create", args=[ref["gavle"].pk]),
        {"name": "Privat", "service_kind": "sabo", "regi": "privat", "org_number": "123"},
    )
    assert response.status_code == 200
    assert "org_number" in response.context["form"].errors
    assert not Organisation.objects.filter(kind="unit").exists()


def test_org_pages_are_scoped(client: Client, ref: dict[str, Any], make_user: Any, make_unit: Any) -> None:
    unit = make_unit(ref["gavle"])
    client.force_login(make_user(ref["sandviken"], "viewer"))
    assert client.get(reverse("orgs:detail", args=[unit.pk])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[ref["gavle"].pk])).status_code == 404
    client.force_login(make_user(ref["gavleborg"], "viewer"))
    assert client.get(reverse("orgs:detail", args=[unit.pk])).status_code == 200


def test_deactivate_by_outsider_is_refused(client: Client, ref: dict[str, Any], make_user: Any, make_unit: Any) -> None:
    unit = make_unit(ref["gavle"])
    client.force_login(make_user(ref["sandviken"], "org_admin"))
    assert client.post(reverse("orgs:unit-toggle-active", args=[unit.pk])).status_code == 404
    unit.refresh_from_db()
    assert unit.is_active


def test_import_preview_then_confirm(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(ref["gavle"], "org_admin"))
    url = reverse("orgs:unit-import", args=[ref["gavle"].pk])
    upload = SimpleUploadedFile("u.csv", b"name,service_kind\nAlpha,sabo\nBeta,hemtjanst\n", content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and response.context["result"].ok
    assert not Organisation.objects.filter(kind="unit").exists()
    confirm = reverse("orgs:unit-import-confirm", args=[ref["gavle"].pk])
    assert f'action="{confirm}"' in response.content.decode()
    assert client.post(confirm, {"batch": response.context["result"].batch_id}).status_code == 302
    assert Organisation.objects.filter(kind="unit", parent=ref["gavle"]).count() == 2


def test_search_finds_by_code_and_name_within_scope(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavleborg"], "viewer"))
    response = client.get(reverse("orgs:search"), {"q": "2181"})
    assert [o.name for o in response.context["results"]] == ["Sandviken"]
    response = client.get(reverse("orgs:search"), {"q": "Stockholm"})
    assert list(response.context["results"]) == []


def test_a_large_import_preview_is_paged_and_the_size_limit_is_stated(
    client: Client, ref: dict[str, Any], make_user: Any
) -> None:
    """Issue 9: a 20 MB preview rendered a 32 MB page. The preview pages by 100 rows; files over 2 MB are refused."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(ref["gavle"], "org_admin"))
    url = reverse("orgs:unit-import", args=[ref["gavle"].pk])
    body = "name,service_kind\n" + "".join(f"Enhet {i:04d},sabo\n" for i in range(250))
    response = client.post(url, {"file": SimpleUploadedFile("u.csv", body.encode(), content_type="text/csv")})
    page = response.content.decode()
    assert response.status_code == 200 and "Enhet 0099" in page and "Enhet 0100" not in page
    assert "250" in page
    assert f"?batch={response.context['result'].batch_id}&amp;page=2" in page
    second = client.get(url, {"batch": response.context["result"].batch_id, "page": "2"}).content.decode()
    assert "Enhet 0100" in second and "Enhet 0199" in second and "Enhet 0200" not in second
    assert len(page) < 200_000
    big = SimpleUploadedFile("u.csv", b"name,service_kind\n" + b"x" * 2_100_000, content_type="text/csv")
    response = client.post(url, {"file": big})
    assert "2 MB" in response.content.decode() and response.context["result"] is None
    assert not Organisation.objects.filter(kind="unit").exists()
