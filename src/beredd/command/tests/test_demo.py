"""The demo adds Gävleborg's levels, an event log and a request chain, once."""

from typing import Any

from beredd.command.models import LogEntry, ReadinessChange, SupportRequest
from beredd.site.demo import load_demo


def test_the_demo_has_levels_a_log_and_a_request_chain_and_is_idempotent(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    load_demo()
    assert ReadinessChange.objects.filter(organisation__code="2101").count() == 2
    joint = SupportRequest.objects.filter(merged__isnull=False, requester__kind="lan").distinct().get()
    assert joint.status == "allocated" and joint.merged.count() == 2
    assert LogEntry.objects.filter(organisation__code="2180", is_automatic=False).count() == 2
    assert SupportRequest.objects.filter(description__startswith="Demo").count() == 4
