"""Reads of a submission's answers: the latest submitted version, and last report's answers for prefilling."""

from __future__ import annotations

from typing import Any

from beredd.reporting.models import Submission, SubmissionVersion


def latest_version(*, submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def submitted_answers(*, submission: Submission) -> dict[str, Any]:
    """What was last submitted (the latest immutable version), never the editable draft."""
    latest = latest_version(submission=submission)
    return dict(latest.data) if latest else {}


def previous_answers(*, submission: Submission) -> dict[str, Any]:
    """The recipient's last submitted answers in an earlier instance of the same round ("same as last report")."""
    earlier = (
        SubmissionVersion.objects.filter(
            submission__organisation_id=submission.organisation_id,
            submission__instance__round_id=submission.instance.round_id,
            submission__instance__number__lt=submission.instance.number,
        )
        .order_by("-submission__instance__number", "-number")
        .first()
    )
    if earlier is None:
        return {}
    keys = set(submission.template_version.fields.values_list("key", flat=True))
    return {k: v for k, v in earlier.data.items() if k in keys}
