"""The schema of a report template's JSON: one complete validation before a template is saved or published.

Every way a template enters (JSON upload, API import, a field added in the editor, publishing, a new version,
the built-in sets) goes through :func:`validate_template` or :func:`validate_field`, so a template that imports
cleanly can always be answered and rolled up: options are of the right shape, ``min``/``max`` are finite
numbers the database can hold with ``min <= max``, ``required`` is a boolean, and a rule can be met by some
answer (``n < n``, or ``n > 100`` on a field whose maximum is 100, is refused). Errors name the path of the bad
value, e.g. ``fields[2].options.choices``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Any, Literal

import pydantic
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.reporting.models import FieldType, Rollup

# TemplateField.min_value/max_value are DecimalField(max_digits=14, decimal_places=3): |value| < 10**11.
MAX_BOUND = 10**11 - 1
MAX_FIELDS = 500
MAX_RULES = 200
MAX_CHOICES = 200
NUMERIC = {FieldType.INTEGER, FieldType.DECIMAL, FieldType.PERCENT, FieldType.DAYS_OF_STOCK}
OPERATORS = ("<=", "<", ">=", ">", "==", "!=")

Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Bound = Annotated[float, Field(ge=-MAX_BOUND, le=MAX_BOUND, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=2000, allow_inf_nan=False)


class Choice(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=64)]
    sv: Annotated[str, Field(max_length=300)] = ""
    en: Annotated[str, Field(max_length=300)] = ""


class Options(_Strict):
    choices: Annotated[list[Choice], Field(max_length=MAX_CHOICES)] = []
    scale: Literal["preparedness", "traffic"] | None = None
    stock: Key | None = None
    daily_use: Key | None = None
    weight: Key | None = None


class FieldSpec(_Strict):
    key: Key
    type: Literal[tuple(FieldType.values)]  # type: ignore[valid-type]  # built from the choices at import; pydantic checks it
    label_sv: Annotated[str, Field(min_length=1, max_length=300)]
    label_en: Annotated[str, Field(max_length=300)] = ""
    section: Annotated[str, Field(max_length=120)] = ""
    help_sv: str = ""
    help_en: str = ""
    required: StrictBool = False
    unit: Annotated[str, Field(max_length=32)] = ""
    rollup: Literal[tuple(Rollup.values)] = "none"  # type: ignore[valid-type]  # built from the choices at import
    options: Options = Options()
    min: Bound | None = None
    max: Bound | None = None
    inherited: StrictBool = False

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be greater than max")
        if self.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not self.options.choices:
            raise ValueError("a choice field needs options.choices: a list of {value, sv, en}")
        values = [c.value for c in self.options.choices]
        if len(set(values)) != len(values):
            raise ValueError("options.choices values must be unique")
        if self.type == FieldType.DAYS_OF_STOCK and not (self.options.stock and self.options.daily_use):
            raise ValueError("a days-of-stock field needs options.stock and options.daily_use")
        if self.rollup in (Rollup.SUM, Rollup.MEAN, Rollup.WEIGHTED_MEAN, Rollup.MIN, Rollup.MAX) and self.type not in NUMERIC:
            raise ValueError(f"roll-up {self.rollup} needs a numeric field")
        return self

    def interval(self) -> tuple[float, float]:
        low = self.min if self.min is not None else (0.0 if self.type == FieldType.PERCENT else -math.inf)
        high = self.max if self.max is not None else (100.0 if self.type == FieldType.PERCENT else math.inf)
        return low, high


class Rule(_Strict):
    left: Key
    op: Literal[OPERATORS]  # type: ignore[valid-type]  # built from the operator set at import; pydantic checks it
    right: Key | Bound
    message_sv: Annotated[str, Field(max_length=300)] = ""
    message_en: Annotated[str, Field(max_length=300)] = ""


class TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=2000, allow_inf_nan=False)

    key: Key
    name: Annotated[str, Field(max_length=200)] = ""
    classified_warning: StrictBool = False
    opens_on_alert: StrictBool = False
    fields: Annotated[list[FieldSpec], Field(min_length=1, max_length=MAX_FIELDS)]
    rules: Annotated[list[Rule], Field(max_length=MAX_RULES)] = []

    def cross_check(self) -> list[FieldError]:
        """Checks across fields: unique keys, option references, and rules that some answer can meet."""
        errors: list[FieldError] = []
        by_key: dict[str, FieldSpec] = {}
        for i, f in enumerate(self.fields):
            if f.key in by_key:
                errors.append(FieldError(row=i, field=f"fields[{i}].key", message=f"the key {f.key} is used twice"))
            by_key[f.key] = f
        for i, f in enumerate(self.fields):
            for name in ("stock", "daily_use", "weight"):
                ref = getattr(f.options, name)
                if ref is not None and (ref not in by_key or by_key[ref].type not in NUMERIC):
                    errors.append(
                        FieldError(
                            row=i, field=f"fields[{i}].options.{name}", message=f"{ref} is not a numeric field of the template"
                        )
                    )
        for i, rule in enumerate(self.rules):
            problem = _rule_problem(rule, by_key)
            if problem:
                errors.append(FieldError(row=i, field=f"rules[{i}]", message=problem))
        return errors


def _possible(low: float, high: float, op: str, r_low: float, r_high: float) -> bool:
    """Whether some left value in [low, high] and right value in [r_low, r_high] satisfy ``left op right``."""
    if op in ("<", "<="):
        return low < r_high or (op == "<=" and low <= r_high)
    if op in (">", ">="):
        return high > r_low or (op == ">=" and high >= r_low)
    if op == "==":
        return max(low, r_low) <= min(high, r_high)
    return not (low == high == r_low == r_high)  # "!=" fails only when both are pinned to one value


def _rule_problem(rule: Rule, by_key: dict[str, FieldSpec]) -> str | None:
    left = by_key.get(rule.left)
    if left is None or left.type not in NUMERIC:
        return f"left must be a numeric field of the template, not {rule.left!r}"
    if isinstance(rule.right, str):
        if rule.right == rule.left and rule.op in ("<", ">", "!="):
            return f"{rule.left} {rule.op} {rule.right} can never be met"
        right = by_key.get(rule.right)
        if right is None or right.type not in NUMERIC:
            return f"right must be a numeric field of the template or a number, not {rule.right!r}"
        r_low, r_high = right.interval()
    else:
        r_low = r_high = float(rule.right)
    low, high = left.interval()
    if not _possible(low, high, rule.op, r_low, r_high):
        return f"{rule.left} {rule.op} {rule.right} can never be met within the fields' min and max"
    return None


def _details(exc: pydantic.ValidationError, prefix: str = "") -> list[FieldError]:
    details = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        path = prefix
        row = None
        for part in error.get("loc", ()):
            if isinstance(part, int):
                path += f"[{part}]"
                row = part if row is None else row
            elif not str(part).startswith(("literal[", "function-", "tagged-union", "float", "str", "int")):
                path += f".{part}" if path else str(part)
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        details.append(FieldError(row=row, field=path or "template", message=message))
    return details


def validate_template(data: Any) -> TemplateSpec:
    """The template JSON, completely validated; ValidationFailed naming each bad value's path otherwise."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            details=[FieldError(row=None, field="template", message=_("A template is a JSON object with a key and fields."))]
        )
    try:
        spec = TemplateSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationFailed(details=_details(exc)) from None
    errors = spec.cross_check()
    if errors:
        raise ValidationFailed(details=errors)
    return spec


def validate_field(data: Any) -> FieldSpec:
    """One field's JSON, validated on its own (adding a field in the editor)."""
    try:
        return FieldSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationFailed(details=_details(exc)) from None


def as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
