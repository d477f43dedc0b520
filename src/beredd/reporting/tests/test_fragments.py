"""Cached roll-up fragments: a hit skips the roll-up, and no write leaves a stale figure behind (issue 14 item 3).

The writes run their ``transaction.on_commit`` callbacks (``django_capture_on_commit_callbacks(execute=True)``),
as a real commit would; the cache is Django's local-memory cache of the test settings, and again a real Redis.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beredd.accounts.models import Membership
from beredd.core import replica
from beredd.reporting import fragments
from beredd.reporting.models import Round, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue, redis_caches


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def _empty_cache(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    """Every test twice: with the test settings' local-memory cache, and with a real Redis through django-redis
    (production's shared cache, where a bump is one script call: ``fragments._bump``)."""
    if request.param == "redis":
        settings.CACHES = redis_caches(request.getfixturevalue("redis_url"))
        assert fragments._redis_writer() is not None  # the bump below goes through the script
    cache.clear()
    yield
    cache.clear()


def sub(world: SimpleNamespace, round_: Round, unit: str) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))


def panel(client: Client, round_: Round, org: Any, by: str = "") -> tuple[str, int]:
    """The completeness fragment as the poller sees it, and how many queries serving it took."""
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={org.pk}"
    if by:
        url += f"&by={by}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def percent(html: str) -> int:
    found = re.search(r'<p class="stat">(\d+) %</p>', html)
    assert found, html[:400]
    return int(found.group(1))


def answered(html: str, org_name: str) -> str:
    """The "answered/expected" cell of one child row."""
    found = re.search(re.escape(org_name) + r'.*?<td class="num">(\d+/\d+)</td>', html, re.S)
    assert found, org_name
    return found.group(1)


@pytest.fixture
def county(client: Client, world: SimpleNamespace) -> Client:
    client.force_login(world.county)
    return client


def test_a_repeated_poll_is_served_from_the_cache_without_the_rollup_queries(world: SimpleNamespace, county: Client) -> None:
    round_ = issue(world)
    first, cold = panel(county, round_, world.lan)
    again, warm = panel(county, round_, world.lan)
    assert again == first
    assert warm < cold  # the roll-up's GROUP BY queries (and org lookups) are gone on a hit
    assert not any("reporting_answer" in q for q in _queries(county, round_, world))


def _queries(client: Client, round_: Round, world: SimpleNamespace) -> list[str]:
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={world.lan.pk}"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_no_stale_read_after_a_submission_at_every_level_above(
    world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world)
    viewers = {"county": world.lan, "gavle_coord": world.gavle, "national": world.nation}
    clients = {}
    for who, org in viewers.items():
        clients[who] = Client()
        clients[who].force_login(getattr(world, who))
        assert percent(panel(clients[who], round_, org)[0]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    assert percent(panel(clients["county"], round_, world.lan)[0]) == 25
    assert percent(panel(clients["gavle_coord"], round_, world.gavle)[0]) == 50
    assert percent(panel(clients["national"], round_, world.nation)[0]) == 25
    # A sibling kommun's panel was not invalidated (it did not change): still a hit, still right.
    sandviken = Client()
    sandviken.force_login(world.sandviken_coord)
    html, _ = panel(sandviken, round_, world.sandviken)
    assert percent(html) == 0


def test_no_stale_read_after_a_return_and_a_resubmission(
    world: SimpleNamespace, county: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    html, _ = panel(county, round_, world.lan)
    assert percent(html) == 25 and answered(html, "Gävle") == "1/2"
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(actor=world.gavle_coord, submission=sub(world, round_, "g1"), comment="Fel siffra")
    html, _ = panel(county, round_, world.lan)
    assert percent(html) == 0 and answered(html, "Gävle") == "0/2"
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    assert percent(panel(county, round_, world.lan)[0]) == 25


def test_an_approval_and_a_close_recompute_the_panel(
    world: SimpleNamespace, county: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Neither changes a percentage, so the proof is that the next poll misses the cache (runs the roll-up)."""
    round_ = issue(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    _, cold = panel(county, round_, world.lan)
    _, warm = panel(county, round_, world.lan)
    assert warm < cold
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve(actor=world.gavle_coord, submission=sub(world, round_, "g1"))
    html, after_approval = panel(county, round_, world.lan)
    assert after_approval > warm and percent(html) == 25
    assert panel(county, round_, world.lan)[1] == warm
    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_close(actor=world.national, round_=round_)
    assert panel(county, round_, world.lan)[1] > warm
    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_reopen(actor=world.national, round_=Round.objects.get(pk=round_.pk))
    assert panel(county, round_, world.lan)[1] > warm


def test_without_the_bump_the_panel_is_not_invalidated(
    world: SimpleNamespace, county: Client, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """The bump after the commit is what invalidates: with it lost, the entry stays (proves the tests above can fail)."""
    round_ = issue(world)
    assert percent(panel(county, round_, world.lan)[0]) == 0
    monkeypatch.setattr(fragments, "_bump", lambda keys: None)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    assert percent(panel(county, round_, world.lan)[0]) == 0


def test_an_uncommitted_write_is_read_back_in_its_own_transaction(world: SimpleNamespace, county: Client) -> None:
    """The bump waits for the commit (the test's transaction never commits): until then the writer's own
    transaction computes the panel instead of trusting the cache, and sees its change."""
    round_ = issue(world)
    assert percent(panel(county, round_, world.lan)[0]) == 0
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    assert percent(panel(county, round_, world.lan)[0]) == 25


def test_the_levels_and_languages_are_cached_apart(world: SimpleNamespace, client: Client) -> None:
    round_ = issue(world)
    client.force_login(world.national)
    by_lan, _ = panel(client, round_, world.nation, by="lan")
    by_child, _ = panel(client, round_, world.nation)
    assert "Gävleborgs län" in by_lan and by_lan != by_child
    assert "by=lan" in by_lan and "by=lan" not in by_child


def test_a_cached_panel_is_still_refused_to_an_outsider(world: SimpleNamespace, county: Client) -> None:
    round_ = issue(world)
    panel(county, round_, world.lan)  # now cached
    outsider = Client()
    outsider.force_login(world.outsider)
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={world.lan.pk}"
    assert outsider.get(url).status_code == 404
    unit = Client()
    unit.force_login(world.g1_reporter)
    assert unit.get(url).status_code == 404


def test_a_warm_poll_reads_only_the_session_the_user_and_the_organisation(world: SimpleNamespace, client: Client) -> None:
    round_ = issue(world)
    client.force_login(world.national)
    panel(client, round_, world.lan)
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={world.lan.pk}"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    tables = [re.search(r' FROM "(\w+)"', q["sql"]).group(1) for q in captured.captured_queries]  # type: ignore[union-attr]
    # Memberships and second factor come from the access cache, the panel from the fragment cache; the access
    # check reads the instance with its round and issuer (one join) and the organisation.
    assert sorted(tables) == sorted(["django_session", "accounts_user", "reporting_roundinstance", "orgs_organisation"])
    assert any("JOIN" in q["sql"] and "reporting_round" in q["sql"] for q in captured.captured_queries)


def test_an_ended_membership_loses_the_panel_at_once_with_every_cache_warm(world: SimpleNamespace, county: Client) -> None:
    round_ = issue(world)
    panel(county, round_, world.lan)
    panel(county, round_, world.lan)  # fragment and access both cached
    Membership.objects.filter(user=world.county).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={world.lan.pk}"
    assert county.get(url).status_code == 404


def test_a_poll_for_a_missing_instance_or_organisation_is_refused(world: SimpleNamespace, county: Client) -> None:
    round_ = issue(world)
    pk = round_.instances.get().pk
    for instance_id, org in ((pk + 1000, world.lan.pk), (pk, 10**9), (pk, world.stockholm.pk)):
        url = reverse("reporting:completeness", args=[instance_id]) + f"?org={org}"
        assert county.get(url).status_code == 404


def test_a_missing_fragment_is_computed_on_the_primary_even_in_a_replica_request(db: Any, monkeypatch: Any) -> None:
    token = replica._use_replica.set(True)
    try:
        assert replica.reading_from_replica() is False  # inside a transaction reads stay on the primary
    finally:
        replica._use_replica.reset(token)
    # A replica-safe request (reads routed to the replica) that misses computes on the primary, so the entry is
    # good for every reader, also one pinned to the primary after their own write.
    key_args = {"instance_id": 1, "round_id": 1, "org_id": 1, "variant": "-:sv"}
    routed: list[bool] = []

    def build() -> str:
        routed.append(replica._use_replica.get())
        return "computed"

    token = replica._use_replica.set(True)
    try:
        monkeypatch.setattr(replica, "reading_from_replica", lambda: True)
        assert fragments.cached(**key_args, build=build) == "computed"
        assert replica._use_replica.get() is True  # the request's own routing is back after the fill
    finally:
        replica._use_replica.reset(token)
    monkeypatch.undo()
    assert routed == [False]
    assert fragments.cached(**key_args, build=lambda: "unused") == "computed"  # a primary reader takes it


def test_an_entry_an_earlier_version_filled_from_the_replica_is_not_shown_to_a_primary_reader(db: Any) -> None:
    key_args = {"instance_id": 2, "round_id": 2, "org_id": 2, "variant": "-:sv"}
    assert fragments.cached(**key_args, build=lambda: "first") == "first"
    key = "rollup:frag:i2:o2:-:sv"
    gens, _source, _html = cache.get(key)
    cache.set(key, (gens, fragments.REPLICA, "from the lagging replica"))
    assert fragments.cached(**key_args, build=lambda: "from the primary") == "from the primary"


def test_invalidation_touches_the_org_and_its_ancestors_only(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    cache.set_many({fragments._org_key(7, o): "old" for o in (1, 2, 3, 4, 9)})
    with django_capture_on_commit_callbacks(execute=True):
        fragments.invalidate_org(instance_id=7, org_path="/1/2/3/4/")
    values = cache.get_many([fragments._org_key(7, o) for o in (1, 2, 3, 4, 9)])
    assert len({values[fragments._org_key(7, o)] for o in (1, 2, 3, 4)}) == 1
    assert values[fragments._org_key(7, 1)] != "old" and values[fragments._org_key(7, 9)] == "old"


def _bearer(user: Any) -> dict[str, str]:
    from beredd.accounts.models import Membership
    from beredd.accounts.services import token_create

    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def rollup_json(client: Client, round_: Round, org: Any, auth: dict[str, str]) -> tuple[dict[str, Any], int]:
    url = f"/api/v1/reporting/instances/{round_.instances.get().pk}/rollup?org_id={org.pk}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **auth)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json(), len(captured.captured_queries)


def test_the_rollup_api_is_cached_and_never_stale_after_a_submission(
    world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world)
    auth = _bearer(world.county)
    first, cold = rollup_json(client, round_, world.lan, auth)
    again, warm = rollup_json(client, round_, world.lan, auth)
    assert again == first and warm < cold
    assert first["total"]["answered"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    after, _ = rollup_json(client, round_, world.lan, auth)
    assert after["total"]["answered"] == 1  # the submission below the county invalidated the cached body
    assert after["computed_at"] != first["computed_at"]


def test_a_cached_rollup_body_is_still_refused_to_an_outsider(world: SimpleNamespace, client: Client) -> None:
    round_ = issue(world)
    rollup_json(client, round_, world.lan, _bearer(world.county))  # warm the cache
    url = f"/api/v1/reporting/instances/{round_.instances.get().pk}/rollup?org_id={world.lan.pk}"
    response = client.get(url, **_bearer(world.outsider))
    assert response.status_code in (403, 404)
    assert "answered" not in response.content.decode()


def test_a_remembered_visible_round_is_still_refused_to_someone_whose_subtree_it_does_not_ask(world: SimpleNamespace) -> None:
    """Gävle's coordinator sees the national round (it asks her units), which each process remembers for a few
    seconds; the Stockholm coordinator, whose subtree it does not ask, is refused the round right after."""
    round_ = issue(world)
    instance = round_.instances.get()
    gavle = Client()
    gavle.force_login(world.gavle_coord)
    for _ in range(2):  # the second answer comes from the remembered "visible"
        assert gavle.get(reverse("reporting:completeness", args=[instance.pk]) + f"?org={world.gavle.pk}").status_code == 200
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(reverse("reporting:completeness", args=[instance.pk])).status_code == 404
    assert outsider.get(reverse("reporting:completeness", args=[instance.pk]) + f"?org={world.gavle.pk}").status_code == 404
