"""``core.warmup``: every template is compiled into the cached loader before gunicorn forks its workers."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import override_settings

from beredd.core import warmup

CACHED = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [("django.template.loaders.cached.Loader", ["django.template.loaders.app_directories.Loader"])],
        },
    }
]


def test_the_poll_and_page_templates_are_among_those_found() -> None:
    names = warmup.template_names()
    assert "reporting/_completeness.html" in names and "reporting/rollup.html" in names
    assert all(not n.startswith("/") for n in names)


@pytest.mark.django_db
def test_warm_fills_the_cached_loader_with_every_template() -> None:
    with override_settings(TEMPLATES=CACHED):
        engine = engines["django"]
        loader = engine.engine.template_loaders[0]
        loader.reset()
        assert not loader.get_template_cache
        compiled = warmup.warm()
        assert compiled >= 50
        cached = set(loader.get_template_cache)
        assert "reporting/_completeness.html" in cached and "reporting/rollup.html" in cached
