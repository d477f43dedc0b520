"""``policy.require`` is the door every service goes through; ``policy.has_mfa`` the one test for a second factor."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from beredd.accounts import policy
from beredd.core.exceptions import PermissionDeniedError


def test_require_lets_the_holder_through_and_refuses_the_outsider(ref: dict[str, Any], make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    outsider = make_user(ref["sandviken"], "coordinator")
    policy.require(coordinator, "reporting.issue", ref["gavle"])
    with pytest.raises(PermissionDeniedError):
        policy.require(outsider, "reporting.issue", ref["gavle"])


def test_require_refuses_a_member_of_the_child_acting_on_the_parent(ref: dict[str, Any], make_user: Any) -> None:
    kommun_coordinator = make_user(ref["gavle"], "coordinator")
    with pytest.raises(PermissionDeniedError):
        policy.require(kommun_coordinator, "reporting.issue", ref["gavleborg"])


def test_require_lets_the_system_through_only_when_the_caller_says_so(ref: dict[str, Any]) -> None:
    policy.require(None, "preparedness.edit", ref["gavle"], system=True)
    with pytest.raises(PermissionDeniedError):
        policy.require(None, "preparedness.edit", ref["gavle"])


def test_has_mfa_is_true_only_once_a_second_factor_exists(ref: dict[str, Any], make_user: Any) -> None:
    mas = make_user(ref["gavle"], "mas", mfa=False)
    assert not policy.has_mfa(mas)
    Authenticator.objects.create(user=mas, type=Authenticator.Type.TOTP, data={"secret": "x"})
    del mas._beredd_has_mfa  # the answer is cached for the request
    assert policy.has_mfa(mas)
