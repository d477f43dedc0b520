"""Issue 9: huge ids in page URLs and forms give 404/4xx, never a 500 (one converter for every id in a path)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver


def _patterns(resolver: Any, prefix: str = "") -> list[str]:
    out = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out += _patterns(p, route)
        elif isinstance(p, URLPattern):
            out.append(route)
    return out


def _fill(route: str, value: str) -> str:
    import re

    return "/" + re.sub(r"<(?:id|int):\w+>", value, route).replace("^", "").replace("$", "")


def test_no_page_url_takes_an_unbounded_int() -> None:
    routes = [r for r in _patterns(get_resolver()) if "<int:" in r and not r.startswith(("api/", "accounts/"))]
    assert routes == []


def test_every_page_with_an_id_survives_huge_and_unknown_ids(ref: dict[str, Any], make_user: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(ref["nation"], "national_admin"))
    failures = []
    routes = [r for r in _patterns(get_resolver()) if "<id:" in r]
    assert len(routes) > 40
    for route in routes:
        for value in ("1" + "0" * 25, "999999999999999999"):
            url = _fill(route, value)
            if "<" in url:
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {method.upper()} {url}")
    assert not failures, "\n".join(failures)


def test_switching_to_a_huge_organisation_id_is_404(ref: dict[str, Any], make_user: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(ref["gavle"], "viewer"))
    assert client.post("/konto/byt-organisation/", {"org": "1" + "0" * 25}).status_code == 404
