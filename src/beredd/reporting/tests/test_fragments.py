"""Cached roll-up fragments: a hit skips the roll-up, and no write leaves a stale figure behind (issue 14 item 3).

The writes run their ``transaction.on_commit`` callbacks (``django_capture_on_commit_callbacks(execute=True)``),
as a real commit would; the cache is Django's local-memory cache of the test settings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
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
from beredd.reporting.tests.conftest import GOOD, Cast, issue


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def sub(cast: Cast, round_: Round, unit: str) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=cast.units[unit])


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
def county(client: Client, cast: Cast) -> Client:
    client.force_login(cast.users["lan"])
    return client


def test_a_repeated_poll_is_served_from_the_cache_without_the_rollup_queries(cast: Cast, county: Client) -> None:
    round_ = issue(cast)
    first, cold = panel(county, round_, cast.ref["gavleborg"])
    again, warm = panel(county, round_, cast.ref["gavleborg"])
    assert again == first
    assert warm < cold  # the roll-up's GROUP BY queries (and org lookups) are gone on a hit
    assert not any("reporting_answer" in q for q in _queries(county, round_, cast))


def _queries(client: Client, round_: Round, cast: Cast) -> list[str]:
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={cast.ref['gavleborg'].pk}"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_no_stale_read_after_a_submission_at_every_level_above(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(cast)
    viewers = {"lan": cast.ref["gavleborg"], "gavle": cast.ref["gavle"], "national": cast.ref["nation"]}
    clients = {}
    for who, org in viewers.items():
        clients[who] = Client()
        clients[who].force_login(cast.users[who])
        assert percent(panel(clients[who], round_, org)[0]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, "g1"), data=GOOD)
    assert percent(panel(clients["lan"], round_, cast.ref["gavleborg"])[0]) == 25
    assert percent(panel(clients["gavle"], round_, cast.ref["gavle"])[0]) == 50
    assert percent(panel(clients["national"], round_, cast.ref["nation"])[0]) == 25
    # A sibling kommun's panel was not invalidated (it did not change): still a hit, still right.
    sandviken = Client()
    sandviken.force_login(cast.users["sandviken"])
    html, _ = panel(sandviken, round_, cast.ref["sandviken"])
    assert percent(html) == 0


def test_no_stale_read_after_a_return_and_a_resubmission(
    cast: Cast, county: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, "g1"), data=GOOD)
    html, _ = panel(county, round_, cast.ref["gavleborg"])
    assert percent(html) == 25 and answered(html, "Gävle") == "1/2"
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(actor=cast.users["gavle"], submission=sub(cast, round_, "g1"), comment="Fel siffra")
    html, _ = panel(county, round_, cast.ref["gavleborg"])
    assert percent(html) == 0 and answered(html, "Gävle") == "0/2"
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, "g1"), data=GOOD)
    assert percent(panel(county, round_, cast.ref["gavleborg"])[0]) == 25


def test_an_approval_and_a_close_recompute_the_panel(cast: Cast, county: Client, django_capture_on_commit_callbacks: Any) -> None:
    """Neither changes a percentage, so the proof is that the next poll misses the cache (runs the roll-up)."""
    round_ = issue(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, "g1"), data=GOOD)
    _, cold = panel(county, round_, cast.ref["gavleborg"])
    _, warm = panel(county, round_, cast.ref["gavleborg"])
    assert warm < cold
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve(actor=cast.users["gavle"], submission=sub(cast, round_, "g1"))
    html, after_approval = panel(county, round_, cast.ref["gavleborg"])
    assert after_approval > warm and percent(html) == 25
    assert panel(county, round_, cast.ref["gavleborg"])[1] == warm
    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_close(actor=cast.users["national"], round_=round_)
    assert panel(county, round_, cast.ref["gavleborg"])[1] > warm
    with django_capture_on_commit_callbacks(execute=True):
        round_services.round_reopen(actor=cast.users["national"], round_=Round.objects.get(pk=round_.pk))
    assert panel(county, round_, cast.ref["gavleborg"])[1] > warm


def test_without_the_commit_the_panel_is_not_invalidated(cast: Cast, county: Client) -> None:
    """The bump runs on commit: a write whose transaction never commits (here: the test's) leaves the entry."""
    round_ = issue(cast)
    assert percent(panel(county, round_, cast.ref["gavleborg"])[0]) == 0
    services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, "g1"), data=GOOD)
    assert percent(panel(county, round_, cast.ref["gavleborg"])[0]) == 0  # cached: proves the test above can fail


def test_the_levels_and_languages_are_cached_apart(cast: Cast, client: Client) -> None:
    round_ = issue(cast)
    client.force_login(cast.users["national"])
    by_lan, _ = panel(client, round_, cast.ref["nation"], by="lan")
    by_child, _ = panel(client, round_, cast.ref["nation"])
    assert "Gävleborgs län" in by_lan and by_lan != by_child
    assert "by=lan" in by_lan and "by=lan" not in by_child


def test_a_cached_panel_is_still_refused_to_an_outsider(cast: Cast, county: Client) -> None:
    round_ = issue(cast)
    panel(county, round_, cast.ref["gavleborg"])  # now cached
    outsider = Client()
    outsider.force_login(cast.users["stockholm"])
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={cast.ref['gavleborg'].pk}"
    assert outsider.get(url).status_code == 404
    unit = Client()
    unit.force_login(cast.users["g1"])
    assert unit.get(url).status_code == 404


def test_a_warm_poll_reads_only_the_session_the_user_and_the_organisation(cast: Cast, client: Client) -> None:
    round_ = issue(cast)
    client.force_login(cast.users["national"])
    panel(client, round_, cast.ref["gavleborg"])
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={cast.ref['gavleborg'].pk}"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    tables = [re.match(r'SELECT (?:1 AS "a" FROM )?"(\w+)"', q["sql"]).group(1) for q in captured.captured_queries]  # type: ignore[union-attr]
    # Memberships and second factor come from the access cache, the panel from the fragment cache; the access
    # check reads the organisation with its instance's round and issuer path in one query.
    assert sorted(tables) == sorted(["django_session", "accounts_user", "orgs_organisation"])


def test_an_ended_membership_loses_the_panel_at_once_with_every_cache_warm(cast: Cast, county: Client) -> None:
    round_ = issue(cast)
    panel(county, round_, cast.ref["gavleborg"])
    panel(county, round_, cast.ref["gavleborg"])  # fragment and access both cached
    Membership.objects.filter(user=cast.users["lan"]).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    url = reverse("reporting:completeness", args=[round_.instances.get().pk]) + f"?org={cast.ref['gavleborg'].pk}"
    assert county.get(url).status_code == 404


def test_a_poll_for_a_missing_instance_or_organisation_is_refused(cast: Cast, county: Client) -> None:
    round_ = issue(cast)
    pk = round_.instances.get().pk
    for instance_id, org in ((pk + 1000, cast.ref["gavleborg"].pk), (pk, 10**9), (pk, cast.ref["stockholm"].pk)):
        url = reverse("reporting:completeness", args=[instance_id]) + f"?org={org}"
        assert county.get(url).status_code == 404


def test_an_entry_filled_from_the_replica_is_not_shown_to_a_primary_reader(db: Any, monkeypatch: Any) -> None:
    token = replica._use_replica.set(True)
    try:
        assert replica.reading_from_replica() is False  # inside a transaction reads stay on the primary
    finally:
        replica._use_replica.reset(token)
    # Outside a transaction a replica-safe request reads from the replica (no replica in tests: its answer is
    # stood in for); the fragment records where it came from.
    key_args = {"instance_id": 1, "round_id": 1, "org_id": 1, "variant": "-:sv"}
    monkeypatch.setattr(replica, "reading_from_replica", lambda: True)
    assert fragments.cached(**key_args, build=lambda: "from the lagging replica") == "from the lagging replica"
    assert fragments.cached(**key_args, build=lambda: "unused") == "from the lagging replica"
    monkeypatch.undo()
    # A primary reader (e.g. the coordinator who just wrote, pinned to the primary) recomputes and replaces it.
    assert fragments.cached(**key_args, build=lambda: "from the primary") == "from the primary"
    assert fragments.cached(**key_args, build=lambda: "unused") == "from the primary"


def test_invalidation_touches_the_org_and_its_ancestors_only(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    cache.set_many({fragments._org_key(7, o): "old" for o in (1, 2, 3, 4, 9)})
    with django_capture_on_commit_callbacks(execute=True):
        fragments.invalidate_org(instance_id=7, org_path="/1/2/3/4/")
    values = cache.get_many([fragments._org_key(7, o) for o in (1, 2, 3, 4, 9)])
    assert len({values[fragments._org_key(7, o)] for o in (1, 2, 3, 4)}) == 1
    assert values[fragments._org_key(7, 1)] != "old" and values[fragments._org_key(7, 9)] == "old"
