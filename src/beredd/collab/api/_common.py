"""What the collaboration API's modules share: the version field and the length check."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
from typing import Annotated

from pydantic import Field

from beredd.core.exceptions import FieldError, ValidationFailed

Version = Annotated[int, Field(ge=0, le=2**31 - 1, description="The version the change was made against.")]


def _bounded(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationFailed(details=[FieldError(row=None, field=name, message=f"At most {limit} characters.")])
    return value
