"""Big exports as background jobs: a round's answers over a subtree (national: some 435,000 answers) and the
audit log, as CSV or XLSX, written by the task worker to a file under ``EXPORT_ROOT``.

Request (``export_request``): the access check the interactive export makes, then an ``ExportJob`` and a task
(after commit). Run (``export_run``, the task): the rows are read with a server-side cursor in chunks and written
straight to the file through ``core.spreadsheet`` (neutralised cells), with the progress (rows done of rows
expected) saved every ``PROGRESS_EVERY`` rows for the progress bar; when done the requester gets an e-mail with a
link to the job page. Download (``export_file_for_user``): only the requester, and only while they still hold the
right that allowed the export (checked again); every download is audited.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery, TextField
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit, audit_labels, timefmt
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.core.spreadsheet import CsvStream, XlsxStream
from beredd.orgs.models import Organisation
from beredd.site.models import ExportJob

if TYPE_CHECKING:
    from beredd.reporting.models import RoundInstance

log = logging.getLogger(__name__)

PROGRESS_EVERY = 5000
SECONDS = "%Y-%m-%d %H:%M:%S"  # Europe/Stockholm
CHUNK = 5000


def _check(*, user: Actor, kind: str, org: Organisation, instance: RoundInstance | None) -> None:
    """The same rule as the interactive export / page (NotFoundError otherwise)."""
    if kind == ExportJob.Kind.ANSWERS:
        from beredd.reporting import selectors

        if instance is None:  # an answers export always names its instance (export_request refuses one without)
            raise NotFoundError("instance", None)
        visible = selectors.instance_get_for_user(user=user, instance_id=instance.pk)
        selectors.rollup_org_for_user(user=user, instance=visible, org_id=org.pk)
    elif kind == ExportJob.Kind.AUDIT:
        if not policy.can(user, "audit.view", org):
            raise NotFoundError("audit")
    else:
        raise NotFoundError("export", kind)


@transaction.atomic
def export_request(
    *, actor: Actor, kind: str, fmt: str, org: Organisation, instance: RoundInstance | None = None, via: str = "ui"
) -> ExportJob:
    """Queue an export job for ``actor`` (access checked now and again at download)."""
    if fmt not in ExportJob.Format.values:
        raise ValidationFailed(details=[FieldError(row=None, field="fmt", message=_("Choose CSV or Excel."))])
    if kind == ExportJob.Kind.ANSWERS and instance is None:
        raise NotFoundError("instance", None)
    _check(user=actor, kind=kind, org=org, instance=instance)
    job = ExportJob.objects.create(
        requested_by=actor, kind=kind, fmt=fmt, organisation=org, instance=instance if kind == ExportJob.Kind.ANSWERS else None
    )
    audit.record(
        actor=actor,
        action="export.request",
        target=job,
        organisation=org,
        via=via,
        changes={"kind": {"after": kind}, "fmt": {"after": fmt}},
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from beredd.site import tasks

    tasks.run_export.enqueue(job_id)


def export_get_for_user(*, user: Actor, job_id: int) -> ExportJob:
    """The requester's own job; anyone else (or a requester who lost the right) gets NotFoundError."""
    job = ExportJob.objects.filter(pk=job_id, requested_by_id=getattr(user, "pk", None)).select_related(
        "organisation", "instance__round"
    )
    found = job.first()
    if found is None:
        raise NotFoundError("export", job_id)
    _check(user=user, kind=found.kind, org=found.organisation, instance=found.instance)
    return found


def export_file_for_user(*, user: Actor, job_id: int, via: str = "ui") -> tuple[Path, str, ExportJob]:
    """(path, download name, job) of a finished export, after the access check; the download is audited."""
    job = export_get_for_user(user=user, job_id=job_id)
    path = _path(job)
    if job.status != ExportJob.Status.DONE or not path.exists():
        raise NotFoundError("export", job_id)
    audit.record(actor=user, action="export.download", target=job, organisation=job.organisation, via=via)
    return path, download_name(job), job


def download_name(job: ExportJob) -> str:
    stamp = timefmt.local(job.created_at, "%Y%m%d-%H%M")  # local time, for a file name
    if job.kind == ExportJob.Kind.ANSWERS and job.instance is not None:
        prefix = "ovning-" if job.instance.round.is_exercise else ""
        return f"{prefix}svar-{job.instance.round_id}-{job.instance.number}-{stamp}.{job.fmt}"
    return f"granskningslogg-{stamp}.{job.fmt}"


def _path(job: ExportJob) -> Path:
    return Path(settings.EXPORT_ROOT) / job.file_name


# --- Rows -------------------------------------------------------------------------------------------


def answers_rows(*, instance: Any, org_path: str) -> tuple[list[str], int, Iterator[list[Any]]]:
    """Header, row count and rows of a round's answers over a subtree (as the interactive answers export)."""
    from beredd.reporting import fields as fieldtypes
    from beredd.reporting.models import Submission, SubmissionVersion
    from beredd.reporting.services.exports import EXERCISE_MARK

    fields = list(instance.round.template_version.fields.all())
    exercise = instance.round.is_exercise
    header = ["organisation", "code", "status", "submitted_at", "late", *[f.key for f in fields]]
    if exercise:
        header.insert(0, "exercise")
    latest = SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("-number").values("data")[:1]
    subs = Submission.objects.filter(instance=instance, org_path__startswith=org_path)
    if org_path.count("/") <= 4:  # above kommun level: the recipients' own answers, not their units' internal ones
        subs = subs.filter(internal=False)
    total = subs.count()
    statuses = {code: str(label) for code, label in Submission.Status.choices}
    yes = _("yes")
    answered = set(Submission.ANSWERED)
    display = [f for f in fields if f.type in ("impact", "multi_choice")]
    shown = {f.key for f in display}

    # A national export is some 17,400 rows of 25 cells: the loop below does per row only what differs per row.
    # Display values (impact levels, choice lists) repeat, so each is rendered once per value; times are
    # converted with the zone looked up once (``timefmt.local`` would look it up per cell).
    zone = timezone.get_current_timezone()
    keys = [f.key for f in fields]
    displayed = [f if f.key in shown else None for f in fields]
    memo: dict[tuple[str, str], str] = {}

    def shown_value(f: Any, value: Any) -> str:
        memo_key = (f.key, repr(value))
        text = memo.get(memo_key)
        if text is None:
            text = memo[memo_key] = fieldtypes.display_value(f, value)
        return text

    def rows() -> Iterator[list[Any]]:
        # The latest version's answers arrive as JSON text and are parsed here with orjson, only for answered
        # reports: the ORM's JSONField would run the standard library's parser on every row (a third of the
        # export's time).
        qs = (
            subs.annotate(submitted_data=Subquery(latest, output_field=TextField()))
            .values_list("organisation__name", "organisation__code", "status", "submitted_at", "is_late", "submitted_data")
            .order_by("org_path")
        )
        for name, code, status, submitted_at, late, text in qs.iterator(chunk_size=CHUNK):
            data = (orjson.loads(text) or {}) if text and status in answered else {}
            get = data.get
            row: list[Any] = [
                name,
                code,
                statuses.get(status, status),
                submitted_at.astimezone(zone).strftime(SECONDS) if submitted_at is not None else "",
                yes if late else "",
            ]
            row += [get(k, "") if f is None else shown_value(f, get(k)) for k, f in zip(keys, displayed, strict=True)]
            if exercise:
                row.insert(0, EXERCISE_MARK)
            yield row

    return header, total, rows()


def audit_rows(*, user: Actor, org: Organisation) -> tuple[list[str], int, Iterator[list[Any]]]:
    """Header, row count and rows of the audit log in ``org``'s subtree (the audit page's rule and columns)."""
    from beredd.site import selectors

    qs = selectors.audit_list_for_user(user=user, org=org)
    total = qs.count()
    header = [_("Time"), _("User"), _("Organisation"), _("Action"), _("Object"), _("Changes"), _("Channel")]

    def rows() -> Iterator[list[Any]]:
        values = qs.values_list("at", "actor_label", "organisation__name", "action", "target_label", "changes", "via")
        for at, actor, org_name, action, target, changes, via in values.iterator(chunk_size=CHUNK):
            yield [
                timefmt.local(at, SECONDS),
                actor,
                org_name or "",
                audit_labels.action_label(action),
                target,
                "; ".join(f"{k}: {v}" for k, v in (changes or {}).items()),
                via,
            ]

    return header, total, rows()


# --- The job ----------------------------------------------------------------------------------------


def export_run(*, job_id: int) -> ExportJob:
    """Write the job's file (the task body). Idempotent: a job already done or failed is left as it is."""
    job = ExportJob.objects.select_related("requested_by", "organisation", "instance__round__template_version").get(pk=job_id)
    if job.finished:
        return job
    user = job.requested_by
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _check(user=user, kind=job.kind, org=job.organisation, instance=job.instance)
            if job.kind == ExportJob.Kind.ANSWERS:
                header, total, rows = answers_rows(instance=job.instance, org_path=job.organisation.path)
            else:
                header, total, rows = audit_rows(user=user, org=job.organisation)
            job.status, job.total, job.done = ExportJob.Status.RUNNING, total, 0
            job.file_name = f"{uuid.uuid4().hex}.{job.fmt}"
            job.save(update_fields=["status", "total", "done", "file_name", "updated_at"])
            _write(job, header, rows)
        except Exception as exc:
            log.exception("export job %s failed", job_id)
            job.status, job.error = ExportJob.Status.FAILED, type(exc).__name__[:200]
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at", "updated_at"])
            return job
    _mail(job)
    return job


def _write(job: ExportJob, header: list[str], rows: Iterator[list[Any]]) -> None:
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    final = _path(job)
    partial = final.with_suffix(final.suffix + ".part")
    with partial.open("wb") as out:
        title = str(job.get_kind_display())
        stream = CsvStream(out) if job.fmt == ExportJob.Format.CSV else XlsxStream(out, title=title)
        stream.row(header)
        done = 0
        while True:  # batches of PROGRESS_EVERY rows, the progress saved after each
            batch = list(itertools.islice(rows, PROGRESS_EVERY))
            if not batch:
                break
            if isinstance(stream, CsvStream):
                stream.rows(batch)
            else:
                for row in batch:
                    stream.row(row)
            done += len(batch)
            if len(batch) == PROGRESS_EVERY:
                ExportJob.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())
        stream.close()
    partial.replace(final)  # the file appears complete or not at all
    job.status, job.done, job.size, job.finished_at = ExportJob.Status.DONE, done, final.stat().st_size, timezone.now()
    job.save(update_fields=["status", "done", "size", "finished_at", "updated_at"])


def _mail(job: ExportJob) -> None:
    if not job.requested_by.email:
        return
    from beredd.comms.models import Message
    from beredd.comms.services import mail_send

    link = settings.SITE_URL + reverse("core:export", args=[job.pk])
    mail_send(
        kind=Message.Kind.EXPORT_READY,
        to=[job.requested_by.email],
        subject=gettext_lazy("Your export is ready"),
        template="core/email/export_ready.txt",
        context={"job": job, "link": link},
        organisation=job.organisation,
    )


def export_purge(*, older_than_days: int | None = None) -> int:
    """Delete export files (and their jobs) older than ``EXPORT_KEEP_DAYS``; returns how many."""
    days = settings.EXPORT_KEEP_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - dt.timedelta(days=days)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file_name:
            _path(job).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
