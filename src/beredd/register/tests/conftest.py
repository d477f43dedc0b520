"""The register's world on the root ``personas``: Gävle with two units, Sandviken with one, and one user per role
below (``world.mas``, ``world.unit_reporter``, ...), created on first use. Gävle's coordinator is
``personas.member``, the län's coordinator ``personas.parent_member``, the outsider ``personas.outsider``."""

from typing import Any

import pytest

from beredd.register.tests.helpers import make_person

ROLES = {  # persona -> (the organisation attribute, the role)
    "mas": ("gavle", "mas"),
    "viewer": ("gavle", "viewer"),
    "org_admin": ("gavle", "org_admin"),
    "unit_reporter": ("unit_a", "reporter"),
    "unit_mas": ("unit_a", "mas"),
    "lan_mas": ("gavleborg", "mas"),
    "national": ("nation", "national_admin"),
    "sandviken_mas": ("sandviken", "mas"),
}


class World:
    """Organisations and the root personas up front; the other persona users (see ROLES) are created on first
    attribute access, since each costs a few queries. ``getattr(world, name)`` reads a persona by name."""

    def __init__(self, make_user: Any, **members: Any) -> None:
        self.__dict__.update(members)
        self._make_user = make_user

    def __getattr__(self, name: str) -> Any:  # only called for an attribute not yet set
        if name not in ROLES:
            raise AttributeError(name)
        org_name, role = ROLES[name]
        user = self._make_user(getattr(self, org_name), role)
        setattr(self, name, user)
        return user


@pytest.fixture
def world(ref: dict[str, Any], personas: Any, make_unit: Any, make_user: Any) -> World:
    gavle, sandviken = personas.kommun, ref["sandviken"]
    return World(
        make_user,
        gavle=gavle,
        sandviken=sandviken,
        gavleborg=personas.lan,
        nation=ref["nation"],
        unit_a=make_unit(gavle, name="Hemtjänst Norr", service_kind="hemtjanst"),
        unit_b=make_unit(gavle, name="Hemtjänst Söder", service_kind="hemtjanst"),
        unit_s=make_unit(sandviken, name="Hemtjänst Sandviken", service_kind="hemtjanst"),
        coordinator=personas.member,
        lan_coordinator=personas.parent_member,
        outsider=personas.outsider,
    )


@pytest.fixture
def people(world: Any) -> dict[str, Any]:
    """Two Gävle residents for the page tests: ``a`` (Ekberg-Ås, unit A, an oxygen concentrator) and ``b``
    (Bergman-Öst, unit B, heat-sensitive). test_access.py makes its own three."""
    return {
        "a": make_person(world.gavle, world.unit_a, last_name="Ekberg-Ås", devices={"oxygen_concentrator": 2}),
        "b": make_person(world.gavle, world.unit_b, last_name="Bergman-Öst", heat_sensitive=True),
    }
