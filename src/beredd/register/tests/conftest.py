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


@pytest.fixture(autouse=True)
def _device_catalogue(request: Any) -> None:
    """A transactional test elsewhere in the same worker flushes the tables, the device catalogue that a
    migration seeds included; put it back (one query when it is there) so that test order never matters."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return  # those tests seed what they need themselves
    if "db" not in request.fixturenames and not any(m.name == "django_db" for m in request.node.iter_markers()):
        return
    request.getfixturevalue("db")
    import importlib

    from beredd.register.models import Device

    if Device.objects.exists():
        return
    seed = importlib.import_module("beredd.register.migrations.0003_device_catalogue")
    for code, name, life_sustaining in seed.DEVICES:
        Device.objects.get_or_create(code=code, defaults={"name": name, "life_sustaining": life_sustaining})
