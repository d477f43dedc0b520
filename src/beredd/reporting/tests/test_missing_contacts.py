"""The county's table of recipients that have not answered: the contact's phone and e-mail, sortable rows."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from beredd.reporting import rollup
from beredd.reporting.tests.conftest import issue


def test_missing_recipients_carry_their_contact_person_phone_and_e_mail(world: SimpleNamespace) -> None:
    round_ = issue(world, responder="kommun", roots=[world.lan])
    coordinator = world.gavle_coord
    coordinator.full_name, coordinator.phone = "Greta Samordnare", "026-17 80 00"
    coordinator.save()
    rows = {m.submission.organisation.name: m for m in rollup.missing(instance=round_.instances.get(), org=world.lan)}
    assert rows["Gävle"].contact_name == "Greta Samordnare"
    assert (rows["Gävle"].phone, rows["Gävle"].email) == ("026-17 80 00", coordinator.email)


def test_the_county_table_sorts_by_each_column_both_ways(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, responder="kommun", roots=[world.lan])
    client.force_login(world.county)
    url = reverse("reporting:rollup", args=[round_.instances.get().pk])
    org = world.lan.pk

    def names(sort: str) -> list[str]:
        html = client.get(url, {"org": org, "sort": sort}).content.decode()
        table = html[html.index('id="missing-caption"') :]
        return re.findall(r'<td><a href="/lagesbild/svar/\d+/">([^<]+)</a></td>', table)

    ascending = names("name")
    assert ascending == sorted(ascending, key=str.casefold) and len(ascending) > 2
    assert names("-name") == list(reversed(ascending))
    html = client.get(url, {"org": org, "sort": "-name"}).content.decode()
    assert 'aria-sort="descending"' in html and f"?org={org}&amp;mq=&amp;sort=name#missing" in html
    assert "Kontaktperson" in html and "mailto:" in html
    assert client.get(url, {"org": org, "sort": "bogus"}).status_code == 200


def test_the_table_is_paged_keeps_its_sort_and_finds_by_name(
    client: Client, world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beredd.reporting.views import rollup as rollup_views

    monkeypatch.setattr(rollup_views, "MISSING_PER_PAGE", 2)
    round_ = issue(world, responder="kommun", roots=[world.lan])
    client.force_login(world.county)
    url = reverse("reporting:rollup", args=[round_.instances.get().pk])
    every = [m.submission.organisation.name for m in rollup.missing(instance=round_.instances.get(), org=world.lan)]
    assert len(every) > 2

    def names(**query: str) -> tuple[list[str], str]:
        html = client.get(url, {"org": world.lan.pk, **query}).content.decode()
        table = html[html.index('id="missing-section"') :]
        return re.findall(r'<td><a href="/lagesbild/svar/\d+/">([^<]+)</a></td>', table), html

    first, html = names(sort="-name")
    assert first == sorted(every, key=str.casefold, reverse=True)[:2]
    assert f"({len(every)})" in html and "sort=-name&amp;mpage=2#missing" in html  # the next page keeps the sort
    second, _ = names(sort="-name", mpage="2")
    assert second == sorted(every, key=str.casefold, reverse=True)[2:4]
    found, html = names(mq=every[0][:4].lower())
    assert found and all(every[0][:4].casefold() in n.casefold() for n in found)
    nothing, html = names(mq="ingen sådan kommun")
    assert nothing == [] and "Ingen organisation som inte svarat matchar sökningen." in html
    assert client.get(url, {"org": world.lan.pk, "mpage": "x" * 500, "mq": "y" * 500}).status_code == 200
