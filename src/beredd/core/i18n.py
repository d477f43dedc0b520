"""The content language: which of a text's two languages (Swedish, English) to show for the active request."""

from __future__ import annotations

from django.utils.translation import get_language


def content_language() -> str:
    """``"en"`` when the active language is English, else ``"sv"`` (Swedish is the default, also when none is set)."""
    return "en" if (get_language() or "sv").startswith("en") else "sv"
