"""Small filters for the answer form."""

from __future__ import annotations

from typing import Any

from django import template

from beredd.reporting.fields import IMPACT_LEVELS

register = template.Library()


@register.filter
def yes_no_value(value: Any) -> str:
    """The radio value of a stored or posted yes/no answer."""
    if value is True or str(value).lower() in {"yes", "ja", "true", "1", "on"}:
        return "yes"
    if value is False or str(value).lower() in {"no", "nej", "false", "0"}:
        return "no"
    return ""


@register.filter
def criterion(value: Any, key: str) -> int | None:
    if isinstance(value, dict) and str(value.get(key, "")).strip() != "":
        try:
            return int(value[key])
        except (TypeError, ValueError):
            return None
    return None


@register.filter
def impact_label(level: Any) -> str:
    try:
        return str(IMPACT_LEVELS[int(level)])
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, key) if isinstance(mapping, dict) else key


@register.filter
def format_value(value: Any) -> str:
    """Rolled-up value for the compiled picture's figures (numbers rounded, choice counts listed)."""
    if isinstance(value, float):
        text = f"{value:.1f}".replace(".", ",")
        return text[:-2] if text.endswith(",0") else text
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    return str(value)


@register.filter
def flabel(field: Any, lang: str) -> str:
    """A template field's label in the UI language (Swedish unless English is chosen and given)."""
    return str(field.label(lang)) if hasattr(field, "label") else str(field)
