"""Every page, download and API answer the application renders is ``Cache-Control: no-store`` (one
middleware, core/cache_headers.py): the token page, register pages and exports, submission pages and the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from beredd.register.tests.helpers import make_person


def _no_store(response: Any) -> bool:
    tokens = {t.strip() for t in response.get("Cache-Control", "").split(",")}
    return "no-store" in tokens and "public" not in tokens and not any(t.startswith("s-maxage") for t in tokens)


def _routes(patterns: Any = None, prefix: str = "") -> Iterator[str]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _fill(route: str) -> str | None:
    if route.startswith("^") or "(?P" in route or "logout" in route:
        return None  # allauth's regex routes (keys) and logging out are not pages to walk
    return "/" + re.sub(r"<(?:int|slug|str|path):[a-z_]+>", lambda m: "1" if m.group(0).startswith("<int") else "x", route)


@pytest.fixture
def person(ref: dict[str, Any], make_unit: Any) -> Any:
    return make_person(ref["gavle"], make_unit(ref["gavle"], name="Hemtjänst Norr", service_kind="hemtjanst"))


def test_every_route_answers_no_store_for_a_signed_in_user_and_for_anyone(
    ref: dict[str, Any], make_user: Any, person: Any
) -> None:
    """Walks every URL pattern of the project (ids filled in), whatever each answers (200, 302, 403, 404, 405)."""
    urls = sorted({u for r in _routes() if (u := _fill(r)) is not None})
    assert len(urls) > 100
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(make_user(ref["gavle"], "mas"))
    anonymous = Client(raise_request_exception=False)
    missing = [
        (who, url, response.status_code)
        for url in urls
        for who, client in (("mas", signed_in), ("anonymous", anonymous))
        if not _no_store(response := client.get(url))
    ]
    assert missing == []


def test_the_sensitive_pages_and_downloads_are_no_store(ref: dict[str, Any], make_user: Any, person: Any, make_unit: Any) -> None:
    from beredd.accounts.models import Membership
    from beredd.accounts.services import token_create

    mas = make_user(ref["gavle"], "mas")
    client = Client()
    client.force_login(mas)
    pages = [
        client.get(reverse("accounts:tokens")),
        client.get(reverse("register:index")),
        client.get(reverse("register:person-detail", args=[person.pk])),
        client.get(reverse("register:log")),
        client.post(reverse("register:export"), {"purpose": "Kontroll av cachning", "confirm": "on"}),
        client.get(reverse("register:log-extract", args=[person.pk, "csv"])),
    ]
    _t, secret = token_create(actor=mas, membership=Membership.objects.get(user=mas), name="t", days=1)
    api = Client()
    pages += [
        api.get(f"/api/v1/register/persons/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"),
        api.get("/api/v1/register/export", HTTP_AUTHORIZATION=f"Bearer {secret}"),
    ]
    assert [p.status_code for p in pages] == [200] * len(pages)
    assert all(_no_store(p) for p in pages)


def test_static_files_stay_cacheable(client: Client, db: Any) -> None:
    """WhiteNoise answers before the middleware; nothing else is exempt."""
    from django.conf import settings

    assert settings.MIDDLEWARE.index("beredd.core.cache_headers.NoStoreMiddleware") == (
        settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    )
