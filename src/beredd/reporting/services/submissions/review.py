"""Review by the level above: returning a report for correction and approving it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError, PermissionDeniedError, ValidationFailed
from beredd.reporting import access, fragments
from beredd.reporting.exceptions import InvalidStateError
from beredd.reporting.models import Answer, Submission
from beredd.reporting.services.submissions._common import _locked


def _check_reviewer(actor: Actor, submission: Submission) -> None:
    if not access.can_review(actor, submission.organisation):
        raise PermissionDeniedError(_("Only a coordinator at a level above the recipient can review its report."))


@transaction.atomic
def submission_return(*, actor: Actor, submission: Submission, comment: str, via: str = "ui") -> Submission:
    """Send a submitted report back for correction with a comment; its answers leave the roll-up."""
    submission = _locked(submission)
    _check_reviewer(actor, submission)
    if submission.status not in Submission.ANSWERED:
        raise InvalidStateError()
    if not comment.strip():
        raise ValidationFailed(details=[FieldError(row=None, field="comment", message=_("Say what needs correcting."))])
    submission.status = Submission.Status.RETURNED
    submission.review_comment = comment.strip()
    submission.lock_version += 1
    submission.save(update_fields=["status", "review_comment", "lock_version", "updated_at"])
    Answer.objects.filter(submission=submission).delete()
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    audit.record(
        actor=actor,
        action="submission.return",
        target=submission,
        organisation=submission.organisation,
        via=via,
        changes={"status": {"before": Submission.Status.SUBMITTED, "after": submission.status}, "comment": {"after": comment}},
    )
    transaction.on_commit(lambda: _notify_returned(submission.pk))
    return submission


def _notify_returned(submission_id: int) -> None:
    from beredd.reporting import tasks

    tasks.enqueue(tasks.send_returned_mail, submission_id)


@transaction.atomic
def submission_approve(*, actor: Actor, submission: Submission, via: str = "ui") -> Submission:
    submission = _locked(submission)
    _check_reviewer(actor, submission)
    if submission.status != Submission.Status.SUBMITTED:
        raise InvalidStateError()
    submission.status = Submission.Status.APPROVED
    submission.review_comment = ""
    submission.lock_version += 1
    submission.save(update_fields=["status", "review_comment", "lock_version", "updated_at"])
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    audit.record(
        actor=actor,
        action="submission.approve",
        target=submission,
        organisation=submission.organisation,
        via=via,
        changes={"status": {"before": Submission.Status.SUBMITTED, "after": submission.status}},
    )
    return submission
