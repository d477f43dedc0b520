"""The demo loader adds Gävleborg's forum with a meeting and open actions, once."""

from typing import Any

import pytest

from beredd.collab.models import Action, Forum
from beredd.site.demo import load_demo

pytestmark = pytest.mark.frozen_now  # the demo dates its agreements and measures from today


def test_the_demo_has_a_county_forum_with_open_actions_and_is_idempotent(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    load_demo()
    forum = Forum.objects.get(owner__code="21", owner__kind="lan")
    assert forum.members.filter(organisation__kind="kommun").count() == 10
    assert forum.members.filter(organisation__kind="region", organisation__name="Region Gävleborg").exists()
    assert Action.objects.open().filter(meeting__forum=forum).count() == 4
    assert Forum.objects.count() == 1


def test_the_demo_has_agreements_measures_and_a_library_once(db: Any, settings: Any) -> None:
    from django.utils import timezone

    from beredd.collab.models import Agreement, LibraryItem, Measure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    load_demo()
    assert Agreement.objects.filter(kommun__code="2180").count() == 5
    assert any(a.status == "expiring" for a in Agreement.objects.all())
    assert Measure.objects.filter(year=timezone.localdate().year).count() == 30
    assert LibraryItem.objects.count() == 4
