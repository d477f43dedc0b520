"""core.bounds.hostile_value: the one check every API body passes (a NUL anywhere, a non-finite float)."""

from __future__ import annotations

from typing import Any

import pytest

from beredd.core.bounds import hostile_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"answers": {"a": 1, "b": "text", "c": None, "d": True, "e": 2.5, "f": [1, "x"]}}, None),
        ({"answers": {"a": 1, "b": "te\x00xt"}}, ("answers.b", "contains a NUL character")),
        ({"answers": {"b\x00": 1}}, ("answers.b\x00", "contains a NUL character")),
        ({"answers": {"imp": {"life": 2, "note": ["ok", float("nan")]}}}, ("answers.imp.note[1]", "is not a finite number")),
        ({"rows": [{"x": float("inf")}]}, ("rows[0].x", "is not a finite number")),
        ({"rows": [[["deep\x00"]]]}, ("rows[0][0][0]", "contains a NUL character")),
        ("\x00", ("(body)", "contains a NUL character")),
        ({"n": 10**30, "t": ("a", "b")}, None),  # integers are bounded by each field's type, not here
    ],
)
def test_the_first_hostile_value_is_named_by_its_path(value: Any, expected: tuple[str, str] | None) -> None:
    assert hostile_value(value) == expected


def test_a_subclass_of_str_is_checked_like_a_string() -> None:
    class Text(str):
        pass

    assert hostile_value({"a": [Text("x\x00")]}) == ("a[0]", "contains a NUL character")
    assert hostile_value({"a": [Text("x")]}) is None
