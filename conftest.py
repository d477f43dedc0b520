"""Root test configuration: test settings before Django starts, shared fixtures."""

import os

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beredd.settings")

from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import pytest  # noqa: E402
import time_machine  # noqa: E402

if TYPE_CHECKING:
    from beredd.accounts.models import User
    from beredd.orgs.models import Organisation


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_the_logs() -> Any:
    """Transactional tests flush the database after each test; on SQLite the append-only triggers would refuse
    to delete log rows (core/append_only.py), so the flush, and only the flush, runs in maintenance mode. (On
    PostgreSQL the flush's TRUNCATE runs as a superuser, which the TRUNCATE trigger lets through.)"""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from beredd.core.append_only import maintenance

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Any) -> None:
        with maintenance():
            original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]  # test suite only
    yield
    DatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the reference tree once per test database; tests then run in transactions on top of it."""
    from beredd.orgs.services import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def ref(db: Any) -> dict[str, Any]:
    """Sweden's reference tree (idempotent load) and handy nodes from it."""
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import load_reference

    if Organisation.objects.filter(kind="kommun").count() != 290:
        load_reference()
    get = Organisation.objects.get
    return {
        "nation": get(kind="nation", code="SE"),
        "mellersta": get(kind="civilomrade", code="mellersta"),
        "gavleborg": get(kind="lan", code="21"),
        "uppsala_lan": get(kind="lan", code="03"),
        "gavle": get(kind="kommun", code="2180"),
        "sandviken": get(kind="kommun", code="2181"),
        "stockholm": get(kind="kommun", code="0180"),
    }


@pytest.fixture
def make_unit(ref: dict[str, Any]) -> Callable[..., Any]:
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import _set_path

    counter = {"n": 0}

    def make(kommun: Any = None, **fields: Any) -> Any:
        counter["n"] += 1
        values = {"name": f"Enhet {counter['n']}", "service_kind": "sabo", "regi": "kommunal"} | fields
        unit = Organisation.objects.create(kind="unit", parent=kommun or ref["gavle"], **values)
        _set_path(unit)
        return unit

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user(org, role, **options) -> user with one membership. ``mfa=True`` adds a TOTP authenticator."""
    from django.utils import timezone

    from beredd.accounts.models import Membership, User

    counter = {"n": 0}

    def make(
        org: Any = None,
        role: str | None = None,
        *,
        mfa: bool = True,
        expired: bool = False,
        active: bool = True,
        email: str | None = None,
        password: str = "Testl0senord-lang!",
    ) -> Any:
        counter["n"] += 1
        user = User.objects.create_user(
            email or f"user{counter['n']}@test.beredd.se", password, full_name=f"Test User {counter['n']}"
        )
        if not active:
            user.is_active = False
            user.save()
        if org is not None and role is not None:
            Membership.objects.create(
                user=user,
                organisation=org,
                role=role,
                valid_until=timezone.now() - timedelta(days=1) if expired else None,
                valid_from=timezone.now() - timedelta(days=30),
            )
        if mfa:
            from allauth.mfa.models import Authenticator

            Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
        return user

    return make


# A Wednesday in mid-June, 12:00 in Stockholm (CEST): hours from midnight, days from a weekend, a month end or a
# change of daylight saving time, so a date computed in UTC and one computed in Swedish time agree.
FROZEN_NOW = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "frozen_now(moment=FROZEN_NOW, tick=True): run the test with the clock set to moment (time_machine)"
    )


@pytest.fixture(autouse=True)
def frozen_now(request: Any) -> Iterator[time_machine.Traveller | None]:
    """A test whose outcome depends on the wall clock (deadlines, overdue, reminders, 'today', week or day
    boundaries, Stockholm formatting, expiry) carries ``@pytest.mark.frozen_now`` (or a module's ``pytestmark``):
    the clock then starts at ``FROZEN_NOW``, or at the marker's ``moment`` (an aware datetime), before any other
    function fixture runs, so the test's world is built at that moment too. The clock ticks on from there so that
    rows keep their order; pass ``tick=False`` to stop it. Request ``frozen_now`` to move it
    (``frozen_now.shift(timedelta(days=1))``); unmarked tests run on the real clock and get ``None``."""
    marker = request.node.get_closest_marker("frozen_now")
    if marker is None:
        yield None
        return
    moment = marker.args[0] if marker.args else marker.kwargs.get("moment", FROZEN_NOW)
    with time_machine.travel(moment, tick=marker.kwargs.get("tick", True)) as traveller:
        yield traveller


@dataclass(frozen=True)
class Personas:
    """The three people every permission test needs, each a coordinator with two-factor authentication:

    - ``member`` of ``kommun`` (Gävle),
    - ``parent_member`` of ``lan``, the kommun's parent organisation (Gävleborgs län),
    - ``outsider``, a member of ``other_kommun`` (Stockholm) in another län (``other_lan``, Stockholms län).

    App fixtures build their world on these users where the role fits, and add the roles they need with
    ``make_user``."""

    kommun: "Organisation"
    lan: "Organisation"
    other_kommun: "Organisation"
    other_lan: "Organisation"
    member: "User"
    parent_member: "User"
    outsider: "User"


@pytest.fixture
def personas(ref: dict[str, Any], make_user: Callable[..., Any]) -> Personas:
    """A member of a kommun, a member of its län and an outsider from another län (see ``Personas``)."""
    stockholm = ref["stockholm"]
    return Personas(
        kommun=ref["gavle"],
        lan=ref["gavleborg"],
        other_kommun=stockholm,
        other_lan=stockholm.parent,
        member=make_user(ref["gavle"], "coordinator", email="samordnare@gavle.test"),
        parent_member=make_user(ref["gavleborg"], "coordinator", email="samordnare@lst.test"),
        outsider=make_user(stockholm, "coordinator", email="samordnare@stockholm.test"),
    )


@pytest.fixture(autouse=True)
def _device_catalogue(request: Any) -> None:
    """Any test database may have been flushed by a transactional test elsewhere in the same worker (the device
    catalogue that a migration seeds included); put it back (one query when it is there) so that test order never matters."""
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
