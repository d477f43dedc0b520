"""One postcode rule for units and register records (orgs.validators.parse_postcode)."""

import pytest
from django.core.exceptions import ValidationError

from beredd.orgs.validators import normalise_postcode, parse_postcode
from beredd.register.services.validation import clean_person


@pytest.mark.parametrize(("text", "expected"), [("80184", "801 84"), ("801 84", "801 84"), (" 8 0184 ", "801 84")])
def test_five_digits_are_written_the_one_way(text: str, expected: str) -> None:
    assert parse_postcode(text) == expected
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize("text", ["012 34", "8018", "801 845", "80I 84", "SE-80184"])
def test_anything_else_is_refused_by_units_and_the_register_alike(text: str) -> None:
    assert parse_postcode(text) is None
    with pytest.raises(ValidationError):
        normalise_postcode(text)
    _clean, errors = clean_person({"postcode": text}, units={}, catalogue={})
    assert "postcode" in [field for field, _message in errors]


def test_a_blank_unit_postcode_stays_blank() -> None:
    assert normalise_postcode("  ") == ""
