from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import login_throttle, policy, selectors, services
from beredd.accounts.context import current_org, set_current_org
from beredd.accounts.forms import InvitationAcceptForm, InvitationForm, TokenForm
from beredd.accounts.models import Role
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.bounds import parse_id
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.orgs import selectors as org_selectors


@login_required
def mfa_required(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/mfa_required.html")


@require_POST
@login_required
def switch_org(request: AuthenticatedHttpRequest) -> HttpResponse:
    org_id = parse_id(request.POST.get("org", "")) or 0
    org = set_current_org(request, org_id)
    if org is None:
        raise NotFoundError("organisation", org_id)
    messages.success(request, _("You are now working as %(org)s.") % {"org": org.name})
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("core:dashboard")


def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = services.invitation_get_open(secret=secret)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = services.invitation_existing_user(invitation=invitation)
    if existing is not None:
        # An existing account accepts only while logged in as itself: the link must never bypass password and MFA.
        if not request.user.is_authenticated or request.user.pk != existing.pk:
            return render(request, "accounts/invitation_login_first.html", {"invitation": invitation}, status=403)
        if request.method == "POST":
            services.invitation_accept(secret=secret, full_name="", password="", existing_user=existing)
            messages.success(request, _("Your new role has been added."))
            return redirect("core:dashboard")
        return render(request, "accounts/invitation_confirm.html", {"invitation": invitation})
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                secret=secret,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Beredd."))
            return redirect("core:dashboard")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


@login_required
def members(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or not policy.can(request.user, "membership.manage", org):
        raise NotFoundError("organisation")
    form = InvitationForm(initial={"organisation": org.pk})
    memberships = selectors.membership_list_for_org(user=request.user, organisation=org)
    role_field = cast(forms.ChoiceField, form.fields["role"])
    allowed = policy.manageable_roles(request.user, org)
    role_field.choices = [(r, label) for r, label in Role.choices if r in allowed]
    return render(
        request,
        "accounts/members.html",
        {
            "org": org,
            "memberships": memberships,
            "throttled": login_throttle.throttled_logins(logins=[m.user.email for m in memberships]),
            "invitations": selectors.invitation_list_for_org(user=request.user, organisation=org),
            "form": form,
            "invite_orgs": org_selectors.organisation_choices_for_user(
                user=request.user, permission="membership.manage", root=org
            ),
        },
    )


@require_POST
@login_required
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the e-mail address and role."))
        return redirect("accounts:members")
    org = org_selectors.organisation_get_for_user(
        user=request.user, org_id=form.cleaned_data["organisation"], permission="membership.manage"
    )
    services.invitation_create(
        actor=request.user, organisation=org, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
    )
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("accounts:members")


@require_POST
@login_required
def membership_revoke(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get_for_manager(user=request.user, membership_id=membership_id)
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:members")


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    own = policy.memberships(request.user)
    form = TokenForm(request.POST or None)
    cast(forms.ChoiceField, form.fields["membership"]).choices = [(m.pk, str(m)) for m in own]
    new_secret = None
    if request.method == "POST" and form.is_valid():
        membership = next(m for m in own if m.pk == form.cleaned_data["membership"])
        try:
            _token, new_secret = services.token_create(
                actor=request.user,
                membership=membership,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm()
            cast(forms.ChoiceField, form.fields["membership"]).choices = [(m.pk, str(m)) for m in own]
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": selectors.token_list_for_user(user=request.user),
            "form": form,
            "new_secret": new_secret,
        },
    )


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get_for_user(user=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@require_POST
@login_required
def user_toggle_active(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Deactivate (or reactivate) a user account. Only for admins of every organisation the user belongs to."""
    org = current_org(request)
    if org is None:
        raise NotFoundError("user", user_id)
    target = selectors.user_get_for_manager(user=request.user, user_id=user_id)
    services.user_set_active(actor=request.user, user=target, active=not target.is_active, organisation=org)
    messages.success(
        request,
        _("%(user)s can log in again.") % {"user": target.email}
        if target.is_active
        else _("%(user)s was deactivated and can no longer log in.") % {"user": target.email},
    )
    return redirect("accounts:members")


@require_POST
@login_required
def user_unlock(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Lift log-in delays and locks on a user's account (an admin of one of the user's organisations)."""
    org = current_org(request)
    if org is None:
        raise NotFoundError("user", user_id)
    target = selectors.user_get_for_manager(user=request.user, user_id=user_id)
    services.user_unlock_login(actor=request.user, user=target, organisation=org)
    messages.success(request, _("%(user)s can log in again from every device.") % {"user": target.email})
    return redirect("accounts:members")
