"""Texts stored in two languages are shown in English only when English is asked for; Swedish otherwise."""

from __future__ import annotations

from django.utils import translation

from beredd.core.i18n import content_language


def test_english_is_chosen_only_when_asked_for() -> None:
    with translation.override("en"):
        assert content_language() == "en"
    with translation.override("en-gb"):
        assert content_language() == "en"
    with translation.override("sv"):
        assert content_language() == "sv"
    with translation.override(None):
        assert content_language() == "sv"
