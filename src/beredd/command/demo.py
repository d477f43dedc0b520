"""Demo data: day two of a storm in Gävleborg. A few readiness levels, an event log, and a request chain:
Gävle's nursing home asks for FFP2 masks, Gävle pledges part and forwards the rest, the county merges it with
Sandviken's request into one county request, the national level allocates from Uppsala län."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from beredd.accounts.demo import DemoContext
from beredd.command.models import SupportRequest
from beredd.command.services import log as log_services
from beredd.command.services import readiness
from beredd.command.services import requests as services
from beredd.orgs.models import Organisation

MARK = "Demo: storm dag 2"


def load(ctx: DemoContext) -> None:
    """Idempotent: does nothing when the demo request chain exists."""
    if SupportRequest.objects.filter(description__startswith=MARK).exists():
        return
    users = ctx.users
    by_code = {k.code: k for k in ctx.kommuner}
    gavle, sandviken, ockelbo = by_code["2180"], by_code["2181"], by_code["2101"]
    readiness.readiness_set(
        actor=users["lan_coordinator"],
        organisation=ockelbo,
        values={
            "level": "forstarkning",
            "service_kind": "hemtjanst",
            "reason": "Storm: vägar blockerade, hemtjänsten når inte alla brukare.",
        },
    )
    readiness.readiness_set(
        actor=users["lan_coordinator"],
        organisation=ockelbo,
        values={"level": "stab", "reason": "Storm: långvarigt strömavbrott i norra kommundelen."},
    )
    readiness.readiness_set(
        actor=users["coordinator"],
        organisation=gavle,
        values={"level": "stab", "reason": "Storm: strömavbrott i Hille och Bergby."},
    )
    readiness.readiness_set(
        actor=users["sandviken_coordinator"],
        organisation=sandviken,
        values={"level": "forstarkning", "reason": "Storm: två äldreboenden på reservkraft."},
    )
    readiness.readiness_set(
        actor=users["lan_coordinator"], organisation=ctx.lan, values={"level": "stab", "reason": "Storm i länet."}
    )
    log_services.log_entry_add(
        actor=users["coordinator"],
        organisation=gavle,
        values={
            "kind": "information",
            "text": "Gävle Energi: 2 400 hushåll utan ström, beräknat åter om 36 timmar.",
            "source": "Gävle Energi",
        },
    )
    log_services.log_entry_add(
        actor=users["coordinator"],
        organisation=gavle,
        values={
            "kind": "decision",
            "text": "Krisledningsgruppen sammanträder kl 07 och 15 tills vidare.",
            "source": "Kommundirektören",
        },
    )
    unit = next(u for u in ctx.units if u.parent_id == gavle.pk and u.service_kind == Organisation.ServiceKind.SABO)
    needed = timezone.now() + dt.timedelta(hours=24)
    base = {"item": "ffp2", "unit": "st", "priority": "acute", "needed_by": needed, "contact": "Enhetschef, 026-17 80 00"}
    masks, _ = services.request_create(
        actor=users["reporter"],
        requester=unit,
        values=base | {"quantity": 400, "delivery_point": f"{unit.name}, lastkajen", "description": f"{MARK}: andningsskydd"},
    )
    services.request_create(
        actor=users["reporter"],
        requester=unit,
        values=base
        | {"item": "generator", "quantity": 2, "delivery_point": f"{unit.name}", "description": f"{MARK}: reservkraft"},
    )
    services.request_pledge(actor=users["coordinator"], request=masks, quantity=100, note="Ur kommunens beredskapslager")
    services.request_forward(actor=users["coordinator"], request=masks, to=ctx.lan, note="Resten kan vi inte täcka")
    other, _ = services.request_create(
        actor=users["sandviken_coordinator"],
        requester=sandviken,
        values=base | {"quantity": 300, "delivery_point": "Sandvikens centralförråd", "description": f"{MARK}: andningsskydd"},
    )
    masks.refresh_from_db()
    nation = Organisation.objects.get(kind=Organisation.Kind.NATION)
    joint = services.request_merge(
        actor=users["lan_coordinator"],
        requests=[masks, other],
        to=nation,
        values={
            "delivery_point": "Omlastningsplats Gävle hamn",
            "contact": "TiB Länsstyrelsen Gävleborg",
            "description": f"{MARK}: samlad begäran",
        },
    )
    uppsala = Organisation.objects.get(kind=Organisation.Kind.LAN, code="03")
    services.request_allocate(
        actor=users["national"], request=joint, quantity=600, supplier=uppsala, note="Ur Uppsala läns erbjudande"
    )
