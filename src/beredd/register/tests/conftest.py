from typing import Any

import pytest

PERSONAS = {
    "mas": ("gavle", "mas"),
    "coordinator": ("gavle", "coordinator"),
    "viewer": ("gavle", "viewer"),
    "org_admin": ("gavle", "org_admin"),
    "unit_reporter": ("unit_a", "reporter"),
    "unit_mas": ("unit_a", "mas"),
    "lan_coordinator": ("gavleborg", "coordinator"),
    "lan_mas": ("gavleborg", "mas"),
    "national": ("nation", "national_admin"),
    "sandviken_mas": ("sandviken", "mas"),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # make_user hashes a password per persona; PBKDF2 would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class World(dict):  # type: ignore[type-arg]
    """Organisations up front; persona users created on first use (each costs a few queries)."""

    def __init__(self, make_user: Any, **orgs: Any) -> None:
        super().__init__(**orgs)
        self._make_user = make_user

    def __missing__(self, key: str) -> Any:
        org_key, role = PERSONAS[key]
        user = self._make_user(self[org_key], role)
        self[key] = user
        return user


@pytest.fixture
def world(ref: dict[str, Any], make_unit: Any, make_user: Any) -> World:
    """Gävle with two units, Sandviken with one, and one user per persona (see PERSONAS)."""
    gavle, sandviken = ref["gavle"], ref["sandviken"]
    return World(
        make_user,
        gavle=gavle,
        sandviken=sandviken,
        gavleborg=ref["gavleborg"],
        nation=ref["nation"],
        unit_a=make_unit(gavle, name="Hemtjänst Norr", service_kind="hemtjanst"),
        unit_b=make_unit(gavle, name="Hemtjänst Söder", service_kind="hemtjanst"),
        unit_s=make_unit(sandviken, name="Hemtjänst Sandviken", service_kind="hemtjanst"),
    )
