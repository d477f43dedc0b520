"""Small-number suppression across every answer a user without identity access can get.

A brute-force "attacker" collects the counts a user may ask for (the county table, each kommun alone, the
levels above), treats "<5" as 1–4 and "×" as 0 or at least 5, and enumerates every register consistent with
them. No kommun whose true count is 1–4, and no group of hidden kommuner whose true sum is 1–4, may be pinned
to a single value.

The pages show the suppressed figures too: the county's counts page (never a name) and an incident's follow-up
progress, from which the number reached cannot be worked out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.orgs.models import Organisation
from beredd.register import services
from beredd.register.selectors import SECONDARY, SMALL, suppress_tree
from beredd.register.tests.helpers import login, make_person, square

MAX = 30


def bearer(user: Any) -> dict[str, str]:
    membership = Membership.objects.filter(user=user).first()
    _token, secret = token_create(actor=user, membership=membership, name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def kommun(name: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.KOMMUN, name=name)


def populate(make_unit: Any, counts: dict[str, int]) -> None:
    for name, n in counts.items():
        k = kommun(name)
        unit = make_unit(k, name=f"Hemtjänst {name}")
        for _ in range(n):
            make_person(k, unit)


def published(client: Client, auth: dict[str, str], orgs: list[Organisation]) -> list[tuple[frozenset[int], str]]:
    """Every (set of kommuner, shown total) the user gets from the counts API for ``orgs``."""
    facts = []
    for org in orgs:
        response = client.get(f"/api/v1/register/counts?org_id={org.pk}", **auth)
        assert response.status_code == 200
        body = response.json()
        ids = frozenset(r["kommun_id"] for r in body["rows"])
        facts += [(frozenset({r["kommun_id"]}), r["counts"]["total"]) for r in body["rows"]]
        facts.append((ids, body["totals"]["total"]))
    return facts


def assert_nothing_small_is_recoverable(facts: list[tuple[frozenset[int], str]], truth: dict[int, int]) -> None:
    known = {next(iter(ids)): int(shown) for ids, shown in facts if len(ids) == 1 and shown.isdigit()}
    hidden = sorted({k for ids, _shown in facts for k in ids} - set(known))
    assert len(hidden) <= 4, "the scenario is too large to enumerate"

    def fits(shown: str, n: int) -> bool:
        if shown == SMALL:
            return 1 <= n <= 4
        if shown == SECONDARY:
            return not 1 <= n <= 4
        return n == int(shown)

    feasible = []
    for values in itertools.product(range(MAX + 1), repeat=len(hidden)):
        guess = known | dict(zip(hidden, values, strict=True))
        if all(fits(shown, sum(guess[k] for k in ids)) for ids, shown in facts):
            feasible.append(guess)
    assert {k: truth.get(k, 0) for k in hidden} in [{k: g[k] for k in hidden} for g in feasible]
    for size in range(1, len(hidden) + 1):
        for group in itertools.combinations(hidden, size):
            real = sum(truth.get(k, 0) for k in group)
            if 1 <= real <= 4:
                sums = {sum(g[k] for k in group) for g in feasible}
                assert len(sums) > 1, f"{group} is pinned to {real}"


SCENARIOS = {
    # The review's case: Gävle "<5", Sandviken hidden, total 10; Sandviken alone used to show 7, so Gävle = 3.
    "one_small": {"Gävle": 3, "Sandviken": 7},
    # Two small cells beside a shown cell: the shown total minus Ockelbo used to give Gävle + Sandviken = 2.
    "two_small": {"Gävle": 1, "Sandviken": 1, "Ockelbo": 10},
    # A complementary cell of exactly 5: "×" means at least 5, so the total 6 would give Gävle = 1.
    "complement_too_small": {"Gävle": 1, "Sandviken": 5, "Ockelbo": 9},
    # Two cells of 4: a total of 8 over two "<5" cells pins both to 4.
    "two_fours": {"Gävle": 4, "Sandviken": 4, "Ockelbo": 12},
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_county_user_cannot_recover_a_small_number_from_any_combination_of_answers(
    client: Client, world: Any, make_unit: Any, scenario: str
) -> None:
    populate(make_unit, SCENARIOS[scenario])
    truth = {kommun(name).pk: n for name, n in SCENARIOS[scenario].items()}
    lan = world.gavleborg
    orgs = [lan, *Organisation.objects.subtree_of(lan).filter(kind=Organisation.Kind.KOMMUN)]
    facts = published(client, bearer(world.lan_coordinator), orgs)
    assert_nothing_small_is_recoverable(facts, truth)


def test_the_reviews_scenario_shows_the_same_hidden_cell_in_the_county_table_and_alone(
    client: Client, world: Any, make_unit: Any
) -> None:
    populate(make_unit, SCENARIOS["one_small"])
    auth = bearer(world.lan_coordinator)
    table = client.get(f"/api/v1/register/counts?org_id={world.gavleborg.pk}", **auth).json()
    rows = {r["kommun_name"]: r["counts"]["total"] for r in table["rows"]}
    assert (rows["Gävle"], rows["Sandviken"], table["totals"]["total"]) == (SMALL, SECONDARY, "10")
    alone = client.get(f"/api/v1/register/counts?org_id={world.sandviken.pk}", **auth).json()
    assert alone["rows"][0]["counts"]["total"] == SECONDARY and alone["totals"]["total"] == SECONDARY
    # The kommun's own counts page uses the same cells.
    client.force_login(world.sandviken_mas)
    page = client.get(reverse("register:counts"))
    assert page.status_code == 200 and page.context["totals"]["total"].shown == SECONDARY


def test_a_national_user_cannot_recover_a_small_number_across_levels(
    client: Client, world: Any, ref: dict[str, Any], make_unit: Any
) -> None:
    counts = {"Gävle": 3, "Uppsala": 20, "Stockholm": 8}
    populate(make_unit, counts)
    truth = {kommun(name).pk: n for name, n in counts.items()}
    orgs = [ref["nation"], ref["mellersta"], ref["gavleborg"], ref["uppsala_lan"]]
    orgs += [Organisation.objects.get(pk=kommun("Stockholm").parent_id)]
    orgs += [Organisation.objects.get(kind=Organisation.Kind.CIVILOMRADE, pk=orgs[-1].parent_id)]
    orgs += [kommun(name) for name in counts]
    facts = published(client, bearer(world.national), orgs)
    assert_nothing_small_is_recoverable(facts, truth)


def test_suppress_tree_hides_one_cell_per_small_atom_and_leaves_zeros_alone() -> None:
    parent = {"n": None, "a": "n", "b": "n", "c": "n", "d": "n"}
    assert suppress_tree({"n": 55, "a": 3, "b": 12, "c": 40, "d": 0}, parent) == {"a", "b"}
    assert suppress_tree({"n": 2, "a": 2, "b": 0, "c": 0, "d": 0}, parent) == {"n", "a"}
    assert suppress_tree({"n": 16, "a": 1, "b": 5, "c": 10, "d": 0}, parent) == {"a", "c"}


def test_counts_are_suppressed_for_the_county_and_never_show_names(client: Client, world: Any, people: dict[str, Any]) -> None:
    login(client, world.lan_coordinator)
    page = client.get(reverse("register:counts"))
    assert page.status_code == 200 and b"Ekberg-" not in page.content and b"Storgatan" not in page.content
    rows = dict((k.name, cells) for k, cells in page.context["rows"])
    assert rows["Gävle"]["total"].shown == "<5" and rows["Sandviken"]["total"].shown == "0"
    assert page.context["totals"]["total"].shown == "<5"


def test_a_county_user_sees_the_incidents_progress_only_suppressed(client: Client, world: Any, people: dict[str, Any]) -> None:
    incident = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(60.675, 17.14),
    )
    assert services.incident_progress(incident)["unreached"] == 2
    county = login(Client(), world.lan_coordinator)
    detail = county.get(reverse("register:incident-detail", args=[incident.pk]))
    assert detail.status_code == 200 and detail.context["scope"] is None
    assert detail.context["progress"] == {"total": "<5", "unreached": "<5"}
    body = detail.content.decode()
    assert "2 av 2" not in body and "2 of 2" not in body and "&lt;5 av &lt;5" in body
    # Those with identity access still see the exact progress.
    mas = login(client, world.mas).get(reverse("register:incident-detail", args=[incident.pk]))
    assert mas.context["progress"] == {"total": "2", "unreached": "2"} and "2 av 2" in mas.content.decode()


def test_the_reached_count_is_not_recoverable_from_the_progress() -> None:
    from beredd.register.selectors import suppress_progress

    assert suppress_progress({"total": 12, "unreached": 10}) == {"total": "12", "unreached": "×"}
    assert suppress_progress({"total": 12, "unreached": 0}) == {"total": "12", "unreached": "0"}
    assert suppress_progress({"total": 12, "unreached": 3}) == {"total": "12", "unreached": "<5"}
