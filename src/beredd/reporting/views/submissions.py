"""Submission pages: a recipient's report, and a POST view (own URL) for each thing its forms do: save a draft,
submit, fill in from last report or from the units' answers, delegate to the units; autosave, review, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import ValidationFailed
from beredd.orgs.models import Organisation
from beredd.reporting import access, forms, selectors
from beredd.reporting import fields as fieldtypes
from beredd.reporting.exceptions import InvalidStateError, SubmissionConflictError
from beredd.reporting.models import Submission
from beredd.reporting.services import submissions
from beredd.reporting.views._common import form_int, lang


def _submission_context(
    request: AuthenticatedHttpRequest,
    submission: Submission,
    values: dict[str, Any],
    errors: list[dict[str, Any]],
    conflict: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    fields = list(submission.template_version.fields.all())
    previous = submissions.previous_answers(submission=submission)
    org = submission.organisation
    return {
        "submission": submission,
        "round": submission.instance.round,
        "sections": forms.field_rows(fields, values, errors, lang(), previous),
        "errors": errors,
        "confirm_empty": any(e.get("field") == submissions.EMPTY_FIELD for e in errors),
        "conflict": conflict or [],
        "has_previous": bool(previous),
        "can_edit": access.can_answer(request.user, org)
        and submission.instance.round.is_open
        and submission.status != Submission.Status.APPROVED,
        # A submitted report is revised by submitting a new version: no draft, no autosave.
        "can_draft": submission.status in Submission.DRAFTABLE,
        "can_review": access.can_review(request.user, org),
        "reviewer": org.parent,
        "can_delegate": org.kind == Organisation.Kind.KOMMUN
        and not submission.internal
        and submission.instance.round.is_open
        and access.can_delegate(request.user, org),
        "delegated": submission.delegated.select_related("organisation").all(),
        "versions": submission.versions.select_related("submitted_by").all(),
        "exercise": submission.instance.round.is_exercise,
        "classified_required": selectors.classified_confirmation_required(submission=submission),
        "return_form": forms.ReturnForm(),
        "impact_criteria": fieldtypes.IMPACT_CRITERIA,
        "impact_values": fieldtypes.IMPACT_CRITERION_VALUES,
    }


def _stored_answers(submission: Submission) -> dict[str, Any]:
    # An answered report shows what was submitted (the latest immutable version), never an editable draft; a new one
    # starts its status fields on the beredskapsläge scale from the organisation's current level (command app).
    if submission.is_answered:
        return submissions.submitted_answers(submission=submission)
    return selectors.level_prefill_for(submission=submission) | dict(submission.draft)


def _page(
    request: AuthenticatedHttpRequest,
    submission: Submission,
    values: dict[str, Any],
    errors: list[dict[str, Any]] | None = None,
    conflict: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _submission_context(request, submission, values, errors or [], conflict)
    return render(request, "reporting/submission.html", context, status=status)


def _write(
    request: AuthenticatedHttpRequest, submission_id: int, write: Callable[[Submission, dict[str, Any], int | None], Any]
) -> HttpResponse:
    """Read the answer form, ``write`` it, and go back to the report; on errors or a conflict show the form again
    with what the user typed (422 naming each field, or 409 with both values), nothing saved."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    values = forms.answers_from_post(list(submission.template_version.fields.all()), request.POST)
    try:
        write(submission, values, form_int(request.POST.get("lock_version")))
        return redirect("reporting:submission", submission_id=submission.pk)
    except ValidationFailed as exc:
        return _page(request, submission, values, errors=list(exc.details or []), status=422)
    except SubmissionConflictError as exc:
        submission.refresh_from_db()
        return _page(request, submission, values, conflict=list(exc.details or []), status=409)


@require_POST
@login_required
def submission_save(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """Save the answers as a draft."""

    def write(submission: Submission, values: dict[str, Any], expected: int | None) -> None:
        submissions.submission_save_draft(actor=request.user, submission=submission, data=values, expected_version=expected)
        messages.success(request, _("The draft was saved."))

    return _write(request, submission_id, write)


@require_POST
@login_required
def submission_submit(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """Submit the answers (a new version if the report was submitted before)."""

    def write(submission: Submission, values: dict[str, Any], expected: int | None) -> None:
        submissions.submission_submit(
            actor=request.user,
            submission=submission,
            data=values,
            expected_version=expected,
            confirm_empty=request.POST.get("confirm_empty") == "1",
            classified_confirmed=request.POST.get("classified_confirmed") == "1",
        )
        messages.success(request, _("The report was submitted."))

    return _write(request, submission_id, write)


@require_POST
@login_required
def submission_prefill(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """Show the form filled in with last report's answers (nothing saved; the user checks and submits)."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    values = submissions.previous_answers(submission=submission) | _stored_answers(submission)
    messages.info(request, _("Last report's answers were filled in. Check them and submit."))
    return _page(request, submission, values)


@require_POST
@login_required
def submission_prefill_units(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """Show a kommun's form filled in with figures from its units' answers (nothing saved)."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    values = _stored_answers(submission) | submissions.answers_from_units(submission=submission)
    messages.info(request, _("Figures from your units' answers were filled in. Add your own assessment and submit."))
    return _page(request, submission, values)


@require_POST
@login_required
def submission_delegate(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """A kommun asks its units to report to it in this round."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    created = submissions.submission_delegate(actor=request.user, submission=submission)
    messages.success(request, _("%(n)d units were asked to report to you.") % {"n": len(created)})
    return redirect("reporting:submission", submission_id=submission.pk)


# The posted ``action`` of the single form this page had before each action got its own URL: a page opened before
# an upgrade still posts here, and its answers are not lost. Anything else saves a draft, as it did.
_ACTIONS: dict[str, Callable[[AuthenticatedHttpRequest, int], HttpResponse]] = {
    "submit": submission_submit,
    "save": submission_save,
    "prefill": submission_prefill,
    "prefill_units": submission_prefill_units,
    "delegate": submission_delegate,
}


@login_required
def submission_detail(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    if request.method == "POST":
        return _ACTIONS.get(request.POST.get("action", "save"), submission_save)(request, submission_id)
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    return _page(request, submission, _stored_answers(submission))


@require_POST
@login_required
def submission_autosave(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """htmx autosave of the draft: returns the save status and the new version (out-of-band)."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    fields = list(submission.template_version.fields.all())
    values = forms.answers_from_post(fields, request.POST)
    context: dict[str, Any] = {"submission": submission, "errors": [], "conflict": False}
    try:
        submission = submissions.submission_save_draft(
            actor=request.user, submission=submission, data=values, expected_version=form_int(request.POST.get("lock_version"))
        )
        context["submission"] = submission
    except ValidationFailed as exc:
        context["errors"] = exc.details or []
    except SubmissionConflictError:
        context["conflict"] = True
        submission.refresh_from_db()
    except InvalidStateError:
        context["not_draftable"] = True
    return render(request, "reporting/_autosave.html", context)


@require_POST
@login_required
def submission_approve(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The level above approves a submitted report."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    submissions.submission_approve(actor=request.user, submission=submission)
    messages.success(request, _("The report was approved."))
    return redirect("reporting:submission", submission_id=submission.pk)


@require_POST
@login_required
def submission_return(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The level above returns a submitted report for correction, saying what to correct."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what needs correcting."))
        return redirect("reporting:submission", submission_id=submission.pk)
    submissions.submission_return(actor=request.user, submission=submission, comment=form.cleaned_data["comment"])
    messages.success(request, _("The report was returned for correction."))
    return redirect("reporting:submission", submission_id=submission.pk)


@require_POST
@login_required
def submission_review(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The review URL the forms posted to with an ``action`` before approve and return had their own URLs (kept
    for a page opened before): ``approve`` approves, anything else returns."""
    view = submission_approve if request.POST.get("action") == "approve" else submission_return
    return view(request, submission_id)


@login_required
def submission_history(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    context = {
        "submission": submission,
        "history": selectors.submission_history(submission=submission, lang=lang()),
        "exercise": submission.instance.round.is_exercise,
    }
    return render(request, "reporting/submission_history.html", context)
