"""The shared access cache (memberships and two-factor state under ``User.access_stamp``) never keeps a permission
alive: the database changes the stamp with every change to a membership, an organisation or a second factor.

Each "request" loads the user afresh, as the session middleware does; the cache is the test settings' local memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beredd.accounts import policy, services
from beredd.accounts.models import Membership, User


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def fresh(user: User) -> User:
    """The user as the next request loads it (the session's user row, stamp included)."""
    return User.objects.get(pk=user.pk)


def stamp(user: User) -> str:
    return User.objects.values_list("access_stamp", flat=True).get(pk=user.pk)


def test_a_warm_cache_answers_without_the_membership_and_two_factor_queries(ref: dict[str, Any], make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    assert policy.can(fresh(coordinator), "reporting.issue", ref["gavle"])  # fills the cache
    user = fresh(coordinator)
    with CaptureQueriesContext(connection) as captured:
        assert policy.can(user, "reporting.issue", ref["gavle"])
        assert policy.requires_mfa(user) and policy.has_mfa(user)
    assert captured.captured_queries == []


@pytest.mark.parametrize("how", ["service", "orm_inactive", "orm_ended", "orm_delete"])
def test_an_ended_membership_is_refused_at_once_with_the_cache_warm(ref: dict[str, Any], make_user: Any, how: str) -> None:
    admin = make_user(ref["nation"], "national_admin")
    coordinator = make_user(ref["gavle"], "coordinator")
    assert policy.can(fresh(coordinator), "reporting.issue", ref["gavle"])
    assert policy.can(fresh(coordinator), "reporting.issue", ref["gavle"])  # served from the cache
    membership = Membership.objects.get(user=coordinator)
    if how == "service":
        services.membership_revoke(actor=admin, membership=membership)
    elif how == "orm_inactive":
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    elif how == "orm_ended":
        Membership.objects.filter(pk=membership.pk).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    else:
        Membership.objects.filter(pk=membership.pk).delete()
    user = fresh(coordinator)
    assert not policy.can(user, "reporting.issue", ref["gavle"])
    assert not policy.requires_mfa(user)


def test_a_membership_that_runs_out_is_refused_when_it_ends_without_any_write(ref: dict[str, Any], make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    ends = timezone.now() + dt.timedelta(hours=1)
    Membership.objects.filter(user=coordinator).update(valid_until=ends)
    before = stamp(coordinator)
    assert policy.can(fresh(coordinator), "reporting.issue", ref["gavle"])
    with time_machine.travel(ends + dt.timedelta(seconds=1)):
        assert stamp(coordinator) == before  # no write: the cached dates decide
        assert not policy.can(fresh(coordinator), "reporting.issue", ref["gavle"])


def test_a_membership_that_starts_later_counts_once_it_starts(ref: dict[str, Any], make_user: Any) -> None:
    viewer = make_user(ref["gavle"], "viewer")
    starts = timezone.now() + dt.timedelta(hours=1)
    Membership.objects.create(user=viewer, organisation=ref["gavle"], role="coordinator", valid_from=starts)
    assert not policy.can(fresh(viewer), "reporting.issue", ref["gavle"])
    with time_machine.travel(starts + dt.timedelta(seconds=1)):
        assert policy.can(fresh(viewer), "reporting.issue", ref["gavle"])


def test_a_new_membership_counts_at_once(ref: dict[str, Any], make_user: Any) -> None:
    viewer = make_user(ref["gavle"], "viewer")
    assert not policy.can(fresh(viewer), "reporting.issue", ref["gavle"])
    Membership.objects.create(user=viewer, organisation=ref["gavle"], role="coordinator")
    assert policy.can(fresh(viewer), "reporting.issue", ref["gavle"])


def test_a_deactivated_or_moved_organisation_is_seen_at_once(ref: dict[str, Any], make_user: Any, make_unit: Any) -> None:
    unit = make_unit(ref["gavle"])
    reporter = make_user(unit, "reporter")
    assert policy.can(fresh(reporter), "reporting.submit", unit)
    assert [o.pk for o in policy.visible_organisations(fresh(reporter))] == [unit.pk]
    before = stamp(reporter)
    type(unit).objects.filter(pk=unit.pk).update(path=unit.path.replace(f"/{ref['gavle'].pk}/", f"/{ref['sandviken'].pk}/"))
    assert stamp(reporter) != before
    assert policy.memberships(fresh(reporter))[0].organisation.path != unit.path
    type(unit).objects.filter(pk=unit.pk).update(is_active=False)
    assert policy.memberships(fresh(reporter)) == []


def test_removing_the_second_factor_is_seen_at_once(ref: dict[str, Any], make_user: Any) -> None:
    mas = make_user(ref["gavle"], "mas")
    assert policy.has_mfa(fresh(mas))
    assert policy.has_mfa(fresh(mas))  # cached
    Authenticator.objects.filter(user=mas).delete()
    assert not policy.has_mfa(fresh(mas))
    Authenticator.objects.create(user=mas, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert policy.has_mfa(fresh(mas))


def test_the_stamp_changes_with_every_kind_of_write_on_both_databases(ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(mfa=False)
    seen = {stamp(user)}

    def changed() -> None:
        now = stamp(user)
        assert now not in seen
        seen.add(now)

    membership = Membership.objects.create(user=user, organisation=ref["gavle"], role="viewer")
    changed()
    Membership.objects.filter(pk=membership.pk).update(role="reporter")
    changed()
    membership.delete()
    changed()
    authenticator = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    changed()
    authenticator.delete()
    changed()
    Membership.objects.create(user=user, organisation=ref["sandviken"], role="viewer")
    changed()
    ref["sandviken"].save(update_fields=["updated_at"])
    changed()
    ref["gavle"].save(update_fields=["updated_at"])  # not one of the user's organisations
    assert stamp(user) in seen


def test_forget_reads_the_database_again_in_the_same_request(ref: dict[str, Any], make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    user = fresh(coordinator)
    assert policy.can(user, "reporting.issue", ref["gavle"])
    Membership.objects.filter(user=coordinator).update(is_active=False)
    policy.forget(user)  # the same object: its in-memory stamp is the old one
    assert not policy.can(user, "reporting.issue", ref["gavle"])
