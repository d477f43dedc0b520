"""The resident list runs the same number of queries for 5 and for 50 residents."""

from typing import Any

from beredd.register import services
from beredd.register.tests.helpers import make_person


def test_listing_uses_the_same_number_of_queries_for_5_and_50_residents(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        make_person(world.gavle, world.unit_a, devices={"electric_bed": i})
    with django_assert_max_num_queries(12) as first:
        assert len(services.person_list(user=world.mas, kommun=world.gavle)) == 5
    for i in range(45):
        make_person(world.gavle, world.unit_b, devices={"suction": i, "electric_bed": None})
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(services.person_list(user=world.mas, kommun=world.gavle)) == 50
