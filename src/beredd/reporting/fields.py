"""Field types: parsing and validating answers, cross-field rules, and the rows a value rolls up as.

Answers travel as JSON: numbers, booleans, strings, lists (multiple choice) and, for the impact level,
the three criteria ``{"plan": 0-2, "resources": 0-2, "load": 0-2}`` from which the level is derived.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.core.bounds import MAX_ABS_NUMBER
from beredd.core.exceptions import FieldError
from beredd.reporting.models import FieldType, TemplateField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Status scales, worst last. Regions' beredskapslägen (Socialstyrelsen's terms) and a generic traffic light.
STATUS_SCALES: dict[str, list[tuple[str, StrOrPromise]]] = {
    "preparedness": [
        ("normal", gettext_lazy("Normal (normalläge)")),
        ("stab", gettext_lazy("Staff mode (stabsläge)")),
        ("forstarkning", gettext_lazy("Reinforcement (förstärkningsläge)")),
        ("katastrof", gettext_lazy("Disaster (katastrofläge)")),
    ],
    "traffic": [
        ("green", gettext_lazy("Green")),
        ("yellow", gettext_lazy("Yellow")),
        ("red", gettext_lazy("Red")),
    ],
}

# The county boards' påverkansgrad (Länsstyrelsen Västernorrland's published lägesbild 2020-2021): levels 1-5 derived from three criteria.
IMPACT_LEVELS: dict[int, StrOrPromise] = {
    1: gettext_lazy("No impact (ingen)"),
    2: gettext_lazy("Moderate impact (måttlig)"),
    3: gettext_lazy("Significant impact (betydande)"),
    4: gettext_lazy("Serious impact (allvarlig)"),
    5: gettext_lazy("Critical impact (kritisk)"),
}
IMPACT_CRITERIA: list[tuple[str, StrOrPromise]] = [
    ("plan", gettext_lazy("Operations run to plan and statutory requirements are met")),
    ("resources", gettext_lazy("Available resources")),
    ("load", gettext_lazy("Load on staff and functions")),
]
IMPACT_CRITERION_VALUES: list[tuple[int, StrOrPromise]] = [
    (0, gettext_lazy("Normal")),
    (1, gettext_lazy("Partly / strained / starting to overwhelm")),
    (2, gettext_lazy("Not met / exhausted / overwhelming")),
]

OPERATORS = {"<=", "<", ">=", ">", "==", "!="}
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 10_000


def derive_impact(criteria: Mapping[str, int]) -> int:
    """Level 1-5 from three criteria (0 normal, 1 level-2 condition, 2 level-4 condition).

    One or two criteria at a level give the lower label of the pair, all three the higher:
    some at 1 → måttlig (2), all at 1 → betydande (3), some at 2 → allvarlig (4), all at 2 → kritisk (5).
    """
    values = [int(criteria.get(k, 0)) for k, _label in IMPACT_CRITERIA]
    if any(v == 2 for v in values):
        return 5 if all(v == 2 for v in values) else 4
    if any(v == 1 for v in values):
        return 3 if all(v >= 1 for v in values) else 2
    return 1


def status_choices(field: TemplateField) -> list[tuple[str, StrOrPromise]]:
    return STATUS_SCALES.get(str(field.options.get("scale", "traffic")), STATUS_SCALES["traffic"])


def _offered(field: TemplateField, lang: str = "sv") -> list[tuple[str, StrOrPromise]]:
    """The (value, label) pairs a choice-like field offers, labels not yet translated (lazy where they are ours)."""
    if field.type == FieldType.STATUS:
        return status_choices(field)
    if field.type == FieldType.YES_NO:
        return [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
    if field.type == FieldType.IMPACT:
        return [(str(k), v) for k, v in IMPACT_LEVELS.items()]
    return [
        (str(c["value"]), str(c.get("en") if lang == "en" and c.get("en") else c.get("sv", c["value"])))
        for c in field.options.get("choices", [])
    ]


def allowed_values(field: TemplateField) -> set[str]:
    """The values :func:`choice_values` offers, without translating their labels (validation needs no text)."""
    return {v for v, _label in _offered(field)}


def choice_values(field: TemplateField, lang: str = "sv") -> list[tuple[str, str]]:
    return [(v, str(label)) for v, label in _offered(field, lang)]


def status_rank(field: TemplateField, value: str) -> int:
    for i, (v, _label) in enumerate(status_choices(field), start=1):
        if v == value:
            return i
    return 0


def is_empty(raw: Any) -> bool:
    """An unanswered value: nothing, an empty string, list or object."""
    return raw is None or raw == "" or raw == [] or raw == {}


_empty = is_empty


def _number(field: TemplateField, raw: Any, *, integer: bool) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(_("Enter a number."))
    if type(raw) is int:
        value = Decimal(raw)  # a JSON integer (a kommun system's usual answer): exact, nothing to clean up
    else:
        try:
            value = Decimal(str(raw).strip().replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if not value.is_finite():
        raise ValueError(_("Enter a number."))
    if abs(value) > MAX_ABS_NUMBER:
        # Every numeric answer is bounded, so sums and means over a whole country stay finite numbers.
        raise ValueError(_("Must be between -%(max)s and %(max)s.") % {"max": f"{MAX_ABS_NUMBER:,}".replace(",", " ")})
    if integer and value != value.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    low = field.min_value
    high = field.max_value
    if field.type == FieldType.PERCENT:
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if low is not None and value < low:
        raise ValueError(_("Must be at least %(min)s.") % {"min": _fmt(low)})
    if high is not None and value > high:
        raise ValueError(_("Must be at most %(max)s.") % {"max": _fmt(high)})
    return value


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def parse_value(field: TemplateField, raw: Any) -> Any:
    """Return the clean JSON value for one field, or raise ValueError with a translated message."""
    kind = field.type
    if kind in (FieldType.INTEGER,):
        return int(_number(field, raw, integer=True))
    if kind in (FieldType.DECIMAL, FieldType.PERCENT):
        return float(_number(field, raw, integer=False))
    if kind == FieldType.YES_NO:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"yes", "ja", "true", "1", "on"}:
            return True
        if text in {"no", "nej", "false", "0"}:
            return False
        raise ValueError(_("Answer yes or no."))
    if kind in (FieldType.CHOICE, FieldType.STATUS):
        allowed = allowed_values(field)
        if str(raw) not in allowed:
            raise ValueError(_("Select one of the listed options."))
        return str(raw)
    if kind == FieldType.MULTI_CHOICE:
        items = raw if isinstance(raw, list) else [raw]
        allowed = allowed_values(field)
        if any(str(i) not in allowed for i in items):
            raise ValueError(_("Select only listed options."))
        return sorted({str(i) for i in items})
    if kind == FieldType.IMPACT:
        if not isinstance(raw, Mapping):
            raise ValueError(_("Judge each of the three criteria."))
        criteria: dict[str, int] = {}
        for key, _label in IMPACT_CRITERIA:
            try:
                value = int(raw.get(key, ""))
            except (TypeError, ValueError):
                raise ValueError(_("Judge each of the three criteria.")) from None
            if value not in (0, 1, 2):
                raise ValueError(_("Judge each of the three criteria."))
            criteria[key] = value
        return criteria | {"level": derive_impact(criteria)}
    if kind == FieldType.DATETIME:
        try:
            value_dt = dt.datetime.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError(_("Enter a date and time, e.g. 2026-07-01 10:00.")) from None
        return value_dt.isoformat(timespec="minutes")
    if kind in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
        text = str(raw).strip()
        limit = SHORT_TEXT_MAX if kind == FieldType.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            raise ValueError(_("At most %(n)d characters.") % {"n": limit})
        return text
    raise ValueError(_("This field cannot be answered."))


def _compare(left: float, op: str, right: float) -> bool:
    return {
        "<=": left <= right,
        "<": left < right,
        ">=": left >= right,
        ">": left > right,
        "==": math.isclose(left, right),
        "!=": not math.isclose(left, right),
    }[op]


def validate(
    fields: Iterable[TemplateField],
    rules: list[dict[str, Any]],
    data: Mapping[str, Any],
    *,
    lang: str = "sv",
    partial: bool = False,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean ``data`` against the fields and rules.

    Returns (clean values, errors: ``core.exceptions.FieldError`` per problem). ``partial`` (drafts) skips "required" but still rejects bad values.
    Computed fields (days of stock) are filled in from their inputs.
    """
    fields = list(fields)
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    known = {f.key for f in fields}
    for key in data:
        if key not in known:
            errors.append(FieldError(row=None, field=key, message=_("Unknown field.")))
    for field in fields:
        if field.type == FieldType.DAYS_OF_STOCK:
            continue
        raw = data.get(field.key)
        if _empty(raw):
            if field.required and not partial:
                errors.append(FieldError(row=None, field=field.key, message=_("This field is required.")))
            continue
        try:
            clean[field.key] = parse_value(field, raw)
        except ValueError as exc:
            errors.append(FieldError(row=None, field=field.key, message=str(exc)))
    for field in fields:
        if field.type != FieldType.DAYS_OF_STOCK:
            continue
        stock = clean.get(str(field.options.get("stock", "")))
        use = clean.get(str(field.options.get("daily_use", "")))
        if isinstance(stock, int | float) and isinstance(use, int | float) and use > 0:
            clean[field.key] = round(float(stock) / float(use), 1)
    for rule in rules:
        left, right, op = rule.get("left"), rule.get("right"), rule.get("op")
        if op not in OPERATORS:
            continue
        lv = clean.get(str(left))
        rv = clean.get(str(right)) if isinstance(right, str) else right
        if not isinstance(lv, int | float) or not isinstance(rv, int | float) or isinstance(lv, bool):
            continue
        if not _compare(float(lv), str(op), float(rv)):
            message = rule.get("message_en" if lang == "en" else "message_sv") or _("%(left)s must be %(op)s %(right)s.") % {
                "left": left,
                "op": op,
                "right": right,
            }
            errors.append(FieldError(row=None, field=str(left), message=str(message)))
    return clean, errors


@dataclass
class Projection:
    key: str
    num: float | None = None
    weight: float | None = None
    choice: str = ""
    text: str = ""


def project(fields: Iterable[TemplateField], clean: Mapping[str, Any]) -> list[Projection]:
    """The answer rows a clean submission rolls up as (see ``models.Answer``)."""
    fields = list(fields)
    rows: list[Projection] = []
    for field in fields:
        if field.key not in clean:
            continue
        value = clean[field.key]
        kind = field.type
        if kind in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.PERCENT, FieldType.DAYS_OF_STOCK):
            weight_key = field.options.get("weight")
            weight = clean.get(str(weight_key)) if weight_key else None
            rows.append(
                Projection(field.key, num=float(value), weight=float(weight) if isinstance(weight, int | float) else None)
            )
        elif kind == FieldType.YES_NO:
            rows.append(Projection(field.key, num=1.0 if value else 0.0, choice="yes" if value else "no"))
        elif kind == FieldType.CHOICE:
            rows.append(Projection(field.key, choice=str(value)))
        elif kind == FieldType.MULTI_CHOICE:
            rows.extend(Projection(field.key, choice=str(v)) for v in value)
        elif kind == FieldType.STATUS:
            rows.append(Projection(field.key, num=float(status_rank(field, str(value))), choice=str(value)))
        elif kind == FieldType.IMPACT:
            rows.append(Projection(field.key, num=float(value["level"]), choice=str(value["level"])))
        else:
            rows.append(Projection(field.key, text=str(value)))
    return rows


def display_value(field: TemplateField, value: Any, lang: str = "sv") -> str:
    """A human-readable rendering of one clean value (history, exports)."""
    if value is None or value == "":
        return ""
    if field.type in (FieldType.CHOICE, FieldType.STATUS, FieldType.MULTI_CHOICE, FieldType.YES_NO):
        labels = dict(choice_values(field, lang))
        if field.type == FieldType.YES_NO:
            return labels["yes" if value else "no"]
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if field.type == FieldType.IMPACT and isinstance(value, Mapping):
        return str(IMPACT_LEVELS.get(int(value.get("level", 1)), value.get("level")))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
