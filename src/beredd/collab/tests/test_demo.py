"""The demo loader adds Gävleborg's forum with a meeting and open actions, once."""

from typing import Any

from beredd.collab.models import Action, Forum
from beredd.site.demo import load_demo


def test_the_demo_has_a_county_forum_with_open_actions_and_is_idempotent(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    load_demo()
    forum = Forum.objects.get(owner__code="21", owner__kind="lan")
    assert forum.members.filter(organisation__kind="kommun").count() == 10
    assert forum.members.filter(organisation__kind="region", organisation__name="Region Gävleborg").exists()
    assert Action.objects.open().filter(meeting__forum=forum).count() == 4
    assert Forum.objects.count() == 1
