"""The heat-wave story's world on the root ``personas``: national, county, two kommuner with two units each, and
the built-in templates. Gävle's coordinator is ``personas.member``, the county's ``personas.parent_member``, the
coordinator in Stockholm ``personas.outsider``; each unit ``g1``..``s2`` has a reporter ``g1_reporter``..``s2_reporter``."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from beredd.reporting.models import Round
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services.templates import builtin_templates_install


@pytest.fixture
def world(ref: dict[str, Any], personas: Any, make_unit: Any, make_user: Any) -> SimpleNamespace:
    gavle, sandviken = personas.kommun, ref["sandviken"]
    units = {
        "g1": make_unit(gavle, name="Gävle äldreboende"),
        "g2": make_unit(gavle, name="Hemtjänst Gävle", service_kind="hemtjanst"),
        "s1": make_unit(sandviken, name="Sandviken äldreboende"),
        "s2": make_unit(sandviken, name="Sandvikens LSS", service_kind="lss_vuxna", regi="privat"),
    }
    versions = builtin_templates_install(owner=ref["nation"])
    return SimpleNamespace(
        nation=ref["nation"],
        mellersta=ref["mellersta"],
        lan=personas.lan,
        uppsala_lan=ref["uppsala_lan"],
        gavle=gavle,
        sandviken=sandviken,
        stockholm=personas.other_kommun,
        **units,
        national=make_user(ref["nation"], "national_admin"),
        county=personas.parent_member,
        uppsala_county=make_user(ref["uppsala_lan"], "coordinator"),
        gavle_coord=personas.member,
        sandviken_coord=make_user(sandviken, "coordinator"),
        outsider=personas.outsider,
        **{f"{key}_reporter": make_user(unit, "reporter") for key, unit in units.items()},
        gavle_viewer=make_user(gavle, "viewer"),
        templates={v.template.key: v for v in versions},  # template key -> its built-in version
    )


def issue(
    world: SimpleNamespace, *, key: str = "vaermebolja", responder: str = "unit", roots: list[Any] | None = None, **extra: Any
) -> Round:
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Lägesbild värmebölja",
        template_version=world.templates[key],
        responder=responder,
        recipient_roots=[o.pk for o in (roots or [world.gavle, world.sandviken])],
        as_of=now,
        deadline=now + dt.timedelta(hours=20),
        **extra,
    )
    return round_services.round_issue(actor=world.national, issuer=world.nation, spec=spec)


GOOD = {
    "impact": {"plan": 1, "resources": 0, "load": 0},
    "staff_total": 20,
    "staff_absent": 4,
    "staffing_status": "yellow",
    "assessment": "Ansträngt men hanterbart.",
}


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server of this test session's own (loopback, a free port, nothing saved): the shared cache of a
    production set-up (``REDIS_URL``), started from Debian's ``redis-server`` as ``.ci/run`` installs it."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (Debian package redis-server; .ci/run installs it)"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


def redis_caches(url: str) -> dict[str, Any]:
    """``CACHES`` as settings build it for ``REDIS_URL`` (django-redis)."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
