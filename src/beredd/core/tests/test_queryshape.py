"""``core.queryshape``: a query compiled once gives, run with other values, exactly the ORM's rows; a value the
shape cannot place is refused when it is compiled, never run with its sentinel."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beredd.core.queryshape import QueryShape, UnsupportedShapeError
from beredd.orgs.models import Organisation


def _units(parent_id: int, prefix: str) -> Any:
    return Organisation.objects.filter(parent_id=parent_id, name__startswith=prefix).values_list("pk", "name").order_by("name")


@pytest.mark.django_db
def test_rows_equal_the_orm_for_every_value_including_like_wildcards(ref: dict[str, Any], make_unit: Any) -> None:
    gavle, sandviken = ref["gavle"], ref["sandviken"]
    for name in ("100% kall", "100_ varm", "1000 boende", "Äldreboende A"):
        make_unit(gavle, name=name)
    make_unit(sandviken, name="100% Sandviken")
    shape = QueryShape(_units, parent_id=int, prefix=str)
    for parent, prefix in [(gavle, "100%"), (gavle, "100_"), (gavle, "100"), (gavle, "Ä"), (sandviken, "100%"), (gavle, "x")]:
        expected = list(_units(parent.pk, prefix))
        with CaptureQueriesContext(connection) as captured:
            got = shape.rows(parent_id=parent.pk, prefix=prefix)
        assert got == expected, (parent.name, prefix)
        assert len(captured.captured_queries) == 1  # logged like any query
    # "%" and "_" match themselves, as through the ORM: "100%" is not "1000 boende".
    assert [n for _pk, n in shape.rows(parent_id=gavle.pk, prefix="100%")] == ["100% kall"]


def test_a_value_used_other_than_by_equality_or_startswith_is_refused() -> None:
    shape = QueryShape(lambda name: Organisation.objects.filter(name__contains=name).values_list("pk"), name=str)
    with pytest.raises(UnsupportedShapeError, match="pattern"):
        shape.rows(name="Gävle")


def test_a_value_the_query_never_uses_is_refused() -> None:
    shape = QueryShape(lambda parent_id: Organisation.objects.values_list("pk"), parent_id=int)
    with pytest.raises(UnsupportedShapeError, match="parent_id"):
        shape.rows(parent_id=3)


def test_booleans_are_part_of_the_shape_and_values_are_checked() -> None:
    with pytest.raises(UnsupportedShapeError, match="bool"):
        QueryShape(lambda active: Organisation.objects.filter(is_active=active), active=bool)
    shape = QueryShape(lambda parent_id: Organisation.objects.filter(parent_id=parent_id).values_list("pk"), parent_id=int)
    with pytest.raises(TypeError, match="parent_id must be int"):
        shape.rows(parent_id="3")
    with pytest.raises(TypeError, match="expected the values"):
        shape.rows()
