"""The base for every API input schema: bounded text, finite numbers, no NUL anywhere, ids in range.

Every request body schema in every app's ``api.py`` inherits :class:`InputSchema` (a test checks that each
operation's body does). Strings are capped at ``LONG_TEXT`` characters unless a field sets a tighter
``max_length``; floats must be finite; a NUL character or an integer too large for any column anywhere in the
body (also inside free-form dicts such as answers or a template) is refused with the field's path, as 422.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, model_validator

from beredd.core.bounds import LONG_TEXT, hostile_value


class InputSchema(Schema):
    model_config = ConfigDict(from_attributes=True, str_max_length=LONG_TEXT, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _refuse_hostile_values(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps the input before validators run
        found = hostile_value(raw) if isinstance(raw, dict) else None
        if found:
            raise ValueError(f"{found[0]} {found[1]}.")
        return data
