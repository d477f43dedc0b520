"""``Cache-Control: no-store`` on every response the application itself renders.

Almost every page in Beredd shows personal or sensitive data (the register, submissions, API tokens, exports,
member lists, incident call lists), and a shared or back-button cache of any of them is a leak. Instead of a
list of sensitive URLs that new pages would have to join, the rule is the other way round: everything that
passes this middleware is ``no-store`` (with Django's ``add_never_cache_headers``: ``max-age=0, no-cache,
no-store, must-revalidate, private`` and an ``Expires`` in the past). Static files are served by WhiteNoise
before this middleware (hashed names, far-future caching), so they are unaffected.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.pop("Cache-Control", None)  # no view may make a response cacheable
        add_never_cache_headers(response)
        return response
