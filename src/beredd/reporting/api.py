"""Reporting API: templates, rounds, submissions (idempotent, with conflict detection) and roll-ups.

A kommun's own system submits with ``POST /api/v1/reporting/instances/{id}/submissions/{org_id}`` and an
``Idempotency-Key`` header; a retried request returns the stored version instead of storing it twice.
``If-Match`` (the ETag from GET) or ``expected_version`` refuses writes based on a stale read (409).
See docs/api.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.problems import FiniteJSONRenderer
from beredd.api.schemas import InputSchema
from beredd.core.bounds import MAX_ID, Id, LocalTime, QueryText, RecurrenceHours, ShortText
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.selectors import organisation_get_for_user
from beredd.reporting import fragments, selectors
from beredd.reporting import rollup as rollups
from beredd.reporting.models import ReportTemplate, Round, RoundInstance, Submission, TemplateVersion
from beredd.reporting.services import rounds, submissions, templates

PREFIX = "reporting"
router = Router(tags=["reporting"])


class TemplateVersionOut(Schema):
    id: int
    number: int
    status: str


class TemplateOut(Schema):
    id: int
    key: str
    name: str
    owner_id: int
    extends_id: int | None
    classified_warning: bool
    versions: list[TemplateVersionOut]

    @staticmethod
    def resolve_versions(obj: ReportTemplate) -> list[TemplateVersion]:
        return list(obj.versions.all())


class TemplateImportIn(InputSchema):
    owner_id: Id
    template: dict[str, Any]
    publish: bool = False


class RoundIn(InputSchema):
    issuer_id: Id
    title: ShortText
    template_version_id: Id
    responder: Round.Responder = Round.Responder.KOMMUNER
    recipient_roots: Annotated[list[Id], Field(max_length=1000)] = []
    service_kinds: Annotated[list[ShortText], Field(max_length=100)] = []
    regi: ShortText = ""
    explicit_recipients: Annotated[list[Id], Field(max_length=10_000)] = []
    as_of: AwareDatetime | None = Field(None, description="With time zone. At most 24 missed instances are caught up.")
    deadline: AwareDatetime = Field(description="With time zone, e.g. 2026-06-01T12:00:00+02:00.")
    recurrence: Round.Recurrence = Round.Recurrence.NONE
    recurrence_time: LocalTime | None = None
    recurrence_hours: RecurrenceHours | None = None
    is_exercise: bool = False
    event_name: ShortText = ""
    event_type: Annotated[str, Field(max_length=64, description="The linked event's type, e.g. värmebölja.")] = ""


class InstanceOut(Schema):
    id: int
    number: int
    as_of: dt.datetime
    deadline: dt.datetime


class RoundOut(Schema):
    id: int
    title: str
    issuer_id: int
    template_version_id: int
    responder: str
    status: str
    is_exercise: bool
    recurrence: str
    instances: list[InstanceOut]

    @staticmethod
    def resolve_instances(obj: Round) -> list[RoundInstance]:
        return list(obj.instances.all())


class SubmissionOut(Schema):
    id: int
    instance_id: int
    organisation_id: int
    status: str
    answers: dict[str, Any]
    version: int
    submitted_at: dt.datetime | None
    is_late: bool
    is_exercise: bool
    review_comment: str

    @staticmethod
    def resolve_answers(obj: Submission) -> dict[str, Any]:
        return dict(obj.draft)

    @staticmethod
    def resolve_version(obj: Submission) -> int:
        return int(obj.lock_version)

    @staticmethod
    def resolve_is_exercise(obj: Submission) -> bool:
        return bool(obj.instance.round.is_exercise)


class AnswersIn(InputSchema):
    answers: Annotated[dict[str, Any], Field(max_length=2000)]
    expected_version: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None
    confirm_empty: bool = Field(
        False, description="Submit a report without a single answer on purpose (else 422 with field confirm_empty)."
    )
    # Required (true) while heightened alert is in force and the template warns about classified information.
    classified_confirmed: bool = False


class SubmitOut(Schema):
    submission: SubmissionOut
    version_number: int
    replayed: bool


def _expected(request: HttpRequest, body: AnswersIn) -> int | None:
    """The version the client read: ``If-Match: "<id>-<version>"`` or ``expected_version`` in the body."""
    header = request.headers.get("If-Match", "").strip().strip('"')
    if header and "-" in header:
        try:
            return int(header.rsplit("-", 1)[1])
        except ValueError:
            raise ValidationFailed(details=[FieldError(row=None, field="If-Match", message="Malformed ETag.")]) from None
    return body.expected_version


@router.get("/templates", response=list[TemplateOut], summary="Templates the caller may use")
@paginate(PageNumberPagination, page_size=50)
def template_list(request: AuthenticatedHttpRequest) -> Any:
    return selectors.template_list_for_user(user=request.user).prefetch_related("versions")


@router.get("/template-versions/{version_id}", response=dict[str, Any], summary="A template version as importable JSON")
def template_version_get(request: AuthenticatedHttpRequest, version_id: Id) -> Any:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    return templates.template_export(version=version) | {"id": version.pk, "status": version.status}


@router.post("/templates", response={201: TemplateVersionOut}, summary="Import a template (new version if the key exists)")
def template_import(request: AuthenticatedHttpRequest, body: TemplateImportIn) -> Any:
    owner = organisation_get_for_user(user=request.user, org_id=body.owner_id, permission="reporting.template_edit")
    version = templates.template_import(actor=request.user, owner=owner, data=body.template, publish=body.publish)
    return Status(201, version)


@router.get("/rounds", response=list[RoundOut], summary="Rounds issued in or asking the caller's organisations")
@paginate(PageNumberPagination, page_size=50)
def round_list(request: AuthenticatedHttpRequest) -> Any:
    return selectors.round_list_for_user(user=request.user).prefetch_related("instances")


@router.get("/rounds/{round_id}", response=RoundOut, summary="One round with its instances")
def round_get(request: AuthenticatedHttpRequest, round_id: Id) -> Any:
    return selectors.round_get_for_user(user=request.user, round_id=round_id)


@router.post("/rounds", response={201: RoundOut}, summary="Issue a round")
def round_issue(request: AuthenticatedHttpRequest, body: RoundIn) -> Any:
    issuer = organisation_get_for_user(user=request.user, org_id=body.issuer_id, permission="reporting.issue")
    version = TemplateVersion.objects.filter(pk=body.template_version_id).first()
    if version is None:
        raise ValidationFailed(details=[FieldError(row=None, field="template_version_id", message="Unknown template version.")])
    version = selectors.template_version_get_for_user(user=request.user, version_id=version.pk)
    spec = rounds.RoundSpec.from_values(body.model_dump(), template_version=version)
    return Status(201, rounds.round_issue(actor=request.user, issuer=issuer, spec=spec, via="api"))


def _submission(request: AuthenticatedHttpRequest, instance_id: Id, org_id: Id) -> Submission:
    # The caller's right to answer for ``org_id`` is what makes the instance visible here (checked by the selector).
    return selectors.submission_for_recipient_by_ids(user=request.user, instance_id=instance_id, org_id=org_id)


@router.get("/instances/{instance_id}/submissions/{org_id}", response=SubmissionOut, summary="A recipient's submission (ETag)")
def submission_get(request: AuthenticatedHttpRequest, response: HttpResponse, instance_id: Id, org_id: Id) -> Any:
    submission = _submission(request, instance_id, org_id)
    response["ETag"] = submission.etag
    return submission


@router.put("/instances/{instance_id}/submissions/{org_id}/draft", response=SubmissionOut, summary="Save a draft")
def submission_draft(
    request: AuthenticatedHttpRequest, response: HttpResponse, instance_id: Id, org_id: Id, body: AnswersIn
) -> Any:
    submission = _submission(request, instance_id, org_id)
    submission = submissions.submission_save_draft(
        actor=request.user, submission=submission, data=body.answers, expected_version=_expected(request, body), via="api"
    )
    response["ETag"] = submission.etag
    return submission


@router.post(
    "/instances/{instance_id}/submissions/{org_id}",
    response={200: SubmitOut, 201: SubmitOut},
    summary="Submit answers (Idempotency-Key; If-Match)",
)
def submission_submit(
    request: AuthenticatedHttpRequest, response: HttpResponse, instance_id: Id, org_id: Id, body: AnswersIn
) -> Any:
    """201 with the new version; 200 when the ``Idempotency-Key`` was already used (nothing stored again).
    422 lists each bad field; 409 when the round is closed or the version is stale; 403 for a non-recipient."""
    submission, version, created = submissions.submission_submit_for_recipient(
        actor=request.user,
        instance_id=instance_id,
        org_id=org_id,
        data=body.answers,
        expected_version=_expected(request, body),
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
        via="api",
        confirm_empty=body.confirm_empty,
        classified_confirmed=body.classified_confirmed,
    )
    response["ETag"] = submission.etag
    out = {"submission": submission, "version_number": version.number, "replayed": not created}
    return Status(201 if created else 200, out)


@router.get("/instances/{instance_id}/rollup", response=dict[str, Any], summary="Roll-up over an organisation's subtree")
def rollup_get(request: AuthenticatedHttpRequest, instance_id: Id, org_id: Id | None = None, by: QueryText | None = None) -> Any:
    """The roll-up as JSON, from the shared fragment cache when nothing changed since it was computed (dashboards
    poll it): access is checked on every call, the cached body is the same for everyone who may see it, and any
    submit, return, approval or close below ``org`` invalidates it (``reporting.fragments``)."""
    # The poll's narrow access check (as the completeness panel's); the whole instance is read only on a miss.
    ref, org = selectors.rollup_poll_target(user=request.user, instance_id=instance_id, org_id=org_id)
    level = by if by in rollups.LEVEL_DEPTH else None

    def build() -> str:
        instance = selectors.instance_for_poll(ref=ref)
        data = rollups.rollup(instance=instance, org=org, by=level).as_dict()
        return str(FiniteJSONRenderer().render(request, data, response_status=200))  # the API's own strict JSON

    body = fragments.cached(instance_id=ref.pk, round_id=ref.round_id, org_id=org.pk, variant=f"api:{level or '-'}", build=build)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
