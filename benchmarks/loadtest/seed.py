"""Seed the load test's own database: units, an open national round, API tokens and coordinator sessions.

Run by ``benchmarks/loadtest/run.py`` with the production settings it starts the app nodes with (as the
database owner). Prints one JSON object: the round instance, per unit the kommun system's token that may
answer for it, and per coordinator a token and a logged-in session for the roll-up pages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def seed(*, kommuner: int, units_per_kommun: int, coordinators: int) -> dict[str, Any]:
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from benchmarks.reporting import _fields
    from beredd.accounts.models import Membership, User
    from beredd.accounts.services import token_create
    from beredd.orgs.models import Organisation
    from beredd.reporting.models import Round
    from beredd.reporting.services import rounds as round_services
    from beredd.reporting.services import templates

    nation = Organisation.objects.get(kind="nation")
    chosen = list(Organisation.objects.filter(kind="kommun").order_by("code")[:kommuner])
    units = [
        Organisation(
            kind="unit", parent=k, name=f"{k.name} lasttest {i}", service_kind="sabo", regi="kommunal", depth=k.depth + 1
        )
        for k in chosen
        for i in range(units_per_kommun)
    ]
    Organisation.objects.bulk_create(units, batch_size=5000)
    by_id = {k.pk: k for k in chosen}
    for u in units:
        assert u.parent_id is not None
        u.path = f"{by_id[u.parent_id].path}{u.pk}/"
    Organisation.objects.bulk_update(units, ["path"], batch_size=5000)

    admin = User.objects.create_user("loadtest-national@beredd.test", "Lasttest-losenord-2026!")
    Membership.objects.create(user=admin, organisation=nation, role="national_admin")
    version = templates.template_import(
        actor=None, owner=nation, data={"key": "loadtest", "name": "Lasttest", "fields": _fields()}, publish=True
    )
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Lasttest nationell",
        template_version=version,
        responder=Round.Responder.UNITS,
        as_of=now,
        deadline=now + dt.timedelta(hours=12),
    )
    instance = round_services.round_issue(actor=admin, issuer=nation, spec=spec).instances.get()

    kommun_tokens: dict[int, str] = {}
    for k in chosen:
        user = User.objects.create_user(f"loadtest-system-{k.pk}@beredd.test")  # the kommun's own system: API only
        membership = Membership.objects.create(user=user, organisation=k, role="reporter")
        kommun_tokens[k.pk] = token_create(actor=user, membership=membership, name="lasttest", days=1)[1]

    store_cls = import_string(settings.SESSION_ENGINE + ".SessionStore")
    # The modelled mix of some 700 pollers (issue 14): two coordinators per kommun (580), five analysts per county
    # (105) and a few national ones: of ``coordinators`` simulated people, 1 national, 15 % county, the rest kommun
    # (the same mix as benchmarks/reporting.py's fragment pollers).
    lans = sorted({k.parent_id for k in chosen if k.parent_id is not None})
    n_county = max(1, round(coordinators * 0.15)) if coordinators > 2 else 1
    places: list[int] = [nation.pk] if coordinators > 1 else []
    places += [lans[i % len(lans)] for i in range(n_county)]
    places += [chosen[(i * 7) % len(chosen)].pk for i in range(max(0, coordinators - len(places)))]
    people = []
    for i, org_id in enumerate(places[:coordinators]):
        user = User.objects.create_user(f"loadtest-analyst-{i}@beredd.test", "Lasttest-losenord-2026!")
        role = "national_admin" if org_id == nation.pk else "coordinator"
        membership = Membership.objects.create(user=user, organisation_id=org_id, role=role)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
        session = store_cls()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            {
                "org_id": org_id,
                "token": token_create(actor=user, membership=membership, name="lasttest", days=1)[1],
                "session": session.session_key,
            }
        )
    return {
        "instance_id": instance.pk,
        "units": [{"org_id": u.pk, "token": kommun_tokens[u.parent_id]} for u in units if u.parent_id],
        "coordinators": people,
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beredd.settings")
    import django

    django.setup()
    out = seed(
        kommuner=int(sys.argv[1]),
        units_per_kommun=int(sys.argv[2]),
        coordinators=int(sys.argv[3]),
    )
    Path(sys.argv[4]).write_text(json.dumps(out), encoding="utf-8")
