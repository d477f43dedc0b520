"""Validators for Swedish organisation identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ORGNR = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check used by personnummer and organisationsnummer (10 digits)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_org_number(value: str) -> str:
    """Return ``NNNNNN-NNNN`` or raise ``ValidationError`` with a message saying what is wrong."""
    value = (value or "").strip().replace(" ", "")
    if not value:
        return ""
    match = _ORGNR.match(value)
    if not match:
        raise ValidationError(_("An organisation number has 10 digits, written NNNNNN-NNNN."), code="format")
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise ValidationError(_("The organisation number's check digit is wrong."), code="checksum")
    return f"{match.group(1)}-{match.group(2)}"


# A Swedish postcode (PostNord) is five digits and never starts with 0.
_POSTCODE = re.compile(r"[1-9]\d{4}")


def parse_postcode(value: object) -> str | None:
    """The one postcode rule: five digits, the first 1-9, white space anywhere ignored; ``"801 84"`` or None."""
    digits = re.sub(r"\s", "", str(value or ""))
    if not _POSTCODE.fullmatch(digits):
        return None
    return f"{digits[:3]} {digits[3:]}"


def normalise_postcode(value: str) -> str:
    """``parse_postcode`` for a form or service field: blank stays blank, anything else invalid raises."""
    if not (value or "").strip():
        return ""
    postcode = parse_postcode(value)
    if postcode is None:
        raise ValidationError(_("A Swedish postcode has five digits, e.g. 801 84."), code="postcode")
    return postcode
