"""Reads of one row with its relations whose SQL is built once per process (``core.joinedlookup``): the API's
submit and the dashboards' polls run them many times a second; the selectors apply the access rules around them."""

from __future__ import annotations

from beredd.core.joinedlookup import JoinedLookup
from beredd.orgs.models import Organisation
from beredd.reporting.models import RoundInstance, Submission

POLL_INSTANCE = JoinedLookup(RoundInstance, related=("round", "round__issuer"), where=("id",))
POLL_ORG = JoinedLookup(Organisation, related=(), where=("id",))
# What a roll-up reads of the instance, SQL built once (through the ORM: a third of recomputing a kommun's panel).
ROLLUP_PATHS = ("round", "round__issuer", "round__template_version", "round__template_version__template")
ROLLUP_INSTANCE = JoinedLookup(RoundInstance, related=ROLLUP_PATHS, where=("id",))

_STAMPS = ("created_at", "updated_at")
RECIPIENT_LOOKUP = JoinedLookup(
    Submission,
    related=("instance", "instance__round", "template_version", "template_version__template", "organisation"),
    where=("instance", "organisation"),
    # Left out, read by no caller: time stamps of related rows, a round's recipients and recurrence, addresses.
    defer={
        "instance": (*_STAMPS, "reminder_sent_at"),
        "instance__round": (*_STAMPS, "recipient_roots", "service_kinds", "explicit_recipients", "recurrence_time"),
        "template_version": _STAMPS,
        "template_version__template": _STAMPS,
        "organisation": (*_STAMPS, "org_number", "street_address", "postcode", "locality", "phone", "email"),
    },
)
