"""The knowledge library: the nation and the county publish down the tree, a kommun keeps items for itself;
search and filters; versions and 409; links are http(s) only; uploads bounded and type-checked; refusals per
rule, API included."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.collab import selectors
from beredd.collab.models import LibraryItem
from beredd.collab.services import library as services
from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def items(world: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    national_admin = make_user(world.lan.parent.parent, "national_admin", email="admin@sos.test")
    national = services.library_publish(
        actor=national_admin,
        publisher=world.lan.parent.parent,
        values={
            "kind": "link",
            "title": "Kunskapsguiden: värmebölja",
            "url": "https://kunskapsguiden.se/omraden-och-teman/varmebolja",
            "priority_area": "ordinarie",
            "topics": "Värmebölja, hemtjänst, värmebölja",
        },
    )
    county = services.library_publish(
        actor=world.analyst,
        publisher=world.lan,
        values={"kind": "lesson", "title": "Erfarenheter från elavbrottet 2026", "summary": "Syrgas tog slut efter 6 timmar."},
    )
    own = services.library_publish(
        actor=world.gavle_mas,
        publisher=world.gavle,
        values={"kind": "routine", "title": "Gävles rutin för syrgas", "url": "https://intranat.gavle.test/syrgas"},
        filename="rutin.txt",
        content=b"Rutin: ring MAS.",
    )
    return SimpleNamespace(national=national, county=county, own=own, admin=national_admin)


def test_items_are_visible_down_the_tree_and_a_kommuns_own_only_to_it_and_above(world: SimpleNamespace, items: Any) -> None:
    seen = {
        u.email: set(selectors.library_for_user(user=u))
        for u in (world.gavle_mas, world.sandviken_coord, world.analyst, world.outsider, world.national_viewer)
    }
    assert seen["mas@gavle.test"] == {items.national, items.county, items.own}
    assert seen["samordnare@sandviken.test"] == {items.national, items.county}
    assert seen[world.analyst.email] == {items.national, items.county, items.own}
    assert seen["samordnare@stockholm.test"] == {items.national}
    assert seen["tjansteman@sos.test"] == {items.national, items.county, items.own}
    assert items.national.topics == "värmebölja,hemtjänst"


def test_search_and_filters(world: SimpleNamespace, items: Any) -> None:
    user = world.gavle_mas
    assert list(selectors.library_for_user(user=user, query="syrgas", sort="title")) == [items.county, items.own] or set(
        selectors.library_for_user(user=user, query="syrgas")
    ) == {items.county, items.own}
    assert list(selectors.library_for_user(user=user, topic="Hemtjänst")) == [items.national]
    assert list(selectors.library_for_user(user=user, area="ordinarie")) == [items.national]
    assert list(selectors.library_for_user(user=user, kind="lesson")) == [items.county]


def test_bad_input_is_named_and_nothing_is_saved(world: SimpleNamespace) -> None:
    before = LibraryItem.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.library_publish(
            actor=world.analyst,
            publisher=world.lan,
            values={
                "kind": "link",
                "title": "",
                "url": "javascript:alert(1)",
                "priority_area": "x",
                "topics": ",".join("abcdefghijk"),
            },
        )
    assert {d["field"] for d in exc.value.details} == {"title", "url", "priority_area", "topics"}
    with pytest.raises(ValidationFailed) as exc:
        services.library_publish(actor=world.analyst, publisher=world.lan, values={"kind": "guidance", "title": "Mall"})
    assert exc.value.details[0]["message"] == "Bifoga en fil eller ange en länk till dokumentet."
    for name, content in (("mall.exe", b"MZ"), ("mall.docx", b"not a zip"), ("mall.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))):
        with pytest.raises(ValidationFailed) as exc:
            services.library_publish(
                actor=world.analyst,
                publisher=world.lan,
                values={"kind": "template", "title": "Mall"},
                filename=name,
                content=content,
            )
        assert exc.value.details[0]["field"] == "file"
    assert LibraryItem.objects.count() == before


def test_only_the_publishers_managers_publish_and_revise(world: SimpleNamespace, items: Any, make_user: Any) -> None:
    reporter = make_user(world.gavle, "reporter", email="rapportor@gavle.test")
    for user, publisher in ((reporter, world.gavle), (world.gavle_mas, world.lan), (world.sandviken_coord, world.gavle)):
        with pytest.raises(PermissionDeniedError):
            services.library_publish(actor=user, publisher=publisher, values={"kind": "lesson", "title": "X", "summary": "Y"})
    with pytest.raises(PermissionDeniedError):
        services.library_update(actor=world.gavle_mas, item=items.county, values={"title": "Ändrad"}, expected_version=1)


def test_a_revision_raises_the_version_and_a_stale_one_is_refused(world: SimpleNamespace, items: Any) -> None:
    item = services.library_update(
        actor=world.analyst, item=items.county, values={"summary": "Syrgas tog slut efter 5 timmar."}, expected_version=1
    )
    assert item.version == 2
    with pytest.raises(ConflictError):
        services.library_update(actor=world.analyst, item=items.county, values={"title": "Gammal"}, expected_version=1)
    event = AuditEvent.objects.get(action="collab.library_update")
    assert event.changes["version"] == 2 and "summary" in event.changes
    assert AuditEvent.objects.filter(action="collab.library_publish").count() == 3


def test_the_views_publish_list_and_refuse(client: Client, world: SimpleNamespace, items: Any) -> None:
    client.force_login(world.sandviken_coord)
    body = client.get("/samverkan/kunskapsbank/?q=&sort=-updated&page=9").content.decode()
    assert "Kunskapsguiden" in body and "Gävles rutin" not in body
    for url in (f"/samverkan/kunskapsbank/{items.own.pk}/", f"/samverkan/kunskapsbank/{items.own.pk}/dokument/"):
        assert client.get(url).status_code == 404
    assert client.get(f"/samverkan/kunskapsbank/{items.county.pk}/andra/").status_code == 404
    assert client.get(f"/samverkan/org/{world.lan.pk}/kunskapsbank/ny/").status_code == 404
    client.force_login(world.gavle_mas)
    download = client.get(f"/samverkan/kunskapsbank/{items.own.pk}/dokument/")
    assert b"".join(download.streaming_content) == b"Rutin: ring MAS."  # type: ignore[attr-defined]
    url = f"/samverkan/org/{world.gavle.pk}/kunskapsbank/ny/"
    bad = client.post(url, {"kind": "template", "title": "Mall", "file": SimpleUploadedFile("mall.exe", b"MZ")})
    assert (
        "Godkända filtyper: DOCX, JPEG, JPG, ODS" in bad.content.decode()
        and not LibraryItem.objects.filter(title="Mall").exists()
    )
    good = client.post(
        url,
        {
            "kind": "template",
            "title": "Mall för lägesbild",
            "topics": "lägesbild",
            "file": SimpleUploadedFile("mall.txt", b"Mall"),
        },
    )
    assert good.status_code == 302
    item = LibraryItem.objects.get(title="Mall för lägesbild")
    edit = f"/samverkan/kunskapsbank/{item.pk}/andra/"
    assert client.post(edit, {"kind": "template", "title": "Mall v2", "version": "1"}).status_code == 302
    stale = client.post(edit, {"kind": "template", "title": "Mall v3", "version": "1"})
    assert stale.status_code == 409
    assert LibraryItem.objects.get(pk=item.pk).title == "Mall v2"


def test_the_api_lists_publishes_and_refuses(client: Client, world: SimpleNamespace, items: Any) -> None:
    listed = client.get("/api/v1/collab/library?q=syrgas", **auth(world.sandviken_coord)).json()
    assert [i["title"] for i in listed["items"]] == ["Erfarenheter från elavbrottet 2026"]
    assert client.get(f"/api/v1/collab/library/{items.own.pk}", **auth(world.outsider)).status_code == 404
    url = f"/api/v1/collab/orgs/{world.lan.pk}/library"
    payload = {"kind": "link", "title": "MSB handbok", "url": "https://www.msb.se/handbok", "topics": ["kontinuitet"]}
    assert client.post(url, payload, content_type="application/json", **auth(world.gavle_mas)).status_code == 404
    bad = client.post(url, payload | {"url": "ftp://x"}, content_type="application/json", **auth(world.analyst))
    assert bad.status_code == 422 and "url" in bad.content.decode()
    created = client.post(url, payload, content_type="application/json", **auth(world.analyst))
    assert created.status_code == 201 and created.json()["topics"] == ["kontinuitet"] and created.json()["version"] == 1
    put = f"/api/v1/collab/library/{created.json()['id']}"
    assert (
        client.put(put, payload | {"version": 1}, content_type="application/json", **auth(world.analyst)).json()["version"] == 2
    )
    assert client.put(put, payload | {"version": 1}, content_type="application/json", **auth(world.analyst)).status_code == 409
    assert (
        client.put(put, payload | {"version": 2}, content_type="application/json", **auth(world.sandviken_coord)).status_code
        == 404
    )
