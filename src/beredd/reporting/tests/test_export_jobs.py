"""Big exports as background jobs (issue 14 item 6): answers and audit log, CSV and XLSX, progress, mail, access.

The test settings run tasks with django-tasks' immediate backend; the job is enqueued on commit, so each request
runs inside ``django_capture_on_commit_callbacks(execute=True)`` as a real commit would.
"""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from beredd.accounts.models import Membership
from beredd.core.models import AuditEvent
from beredd.core.spreadsheet import csv_text, neutralise, neutralise_row
from beredd.reporting.models import Submission
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.site import exports
from beredd.site.models import ExportJob


@pytest.fixture(autouse=True)
def _export_root(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_ROOT = tmp_path / "exports"


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def start(client: Client, capture: Any, **data: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("core:export-start"), data)


def answered_round(world: SimpleNamespace) -> Any:
    round_ = issue(world)
    for unit in ("g1", "s1"):
        submission = Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))
        services.submission_submit(
            actor=getattr(world, f"{unit}_reporter"), submission=submission, data=GOOD | {"assessment": '=HYPERLINK("http://x")'}
        )
    return round_


def test_the_national_answers_export_runs_in_the_background_and_is_mailed_and_downloadable(
    world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = answered_round(world)
    instance = round_.instances.get()
    login(client, world.national)
    response = start(
        client, django_capture_on_commit_callbacks, kind="answers", fmt="csv", instance=instance.pk, org=world.nation.pk
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.total == 4 and job.done == 4 and job.percent == 100
    page = client.get(reverse("core:export", args=[job.pk])).content.decode()
    assert '<progress max="100" value="100"' in page and reverse("core:export-download", args=[job.pk]) in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    assert len(mail.outbox) == 1 and reverse("core:export", args=[job.pk]) in mail.outbox[0].body
    assert mail.outbox[0].to == [world.national.email]
    download = client.get(reverse("core:export-download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    text = b"".join(download.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufefforganisation;code;status")
    assert len(text.strip().splitlines()) == 5  # header + four recipients
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text  # neutralised for spreadsheets
    assert AuditEvent.objects.filter(action="export.request").count() == 1
    assert AuditEvent.objects.filter(action="export.download", actor=world.national).count() == 1


def test_the_progress_fragment_polls_while_the_job_waits(world: SimpleNamespace, client: Client) -> None:
    round_ = issue(world)
    job = ExportJob.objects.create(
        requested_by=world.county,
        kind="answers",
        fmt="csv",
        organisation=world.lan,
        instance=round_.instances.get(),
    )
    login(client, world.county)
    fragment = client.get(reverse("core:export", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<section class="panel" id="export-progress"') and 'hx-trigger="every 2s"' in fragment
    assert 'role="status"' in fragment and "<html" not in fragment
    assert client.get(reverse("core:export-download", args=[job.pk])).status_code == 404  # not ready yet


def test_xlsx_export_of_a_county(world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any) -> None:
    round_ = answered_round(world)
    login(client, world.county)
    start(
        client,
        django_capture_on_commit_callbacks,
        kind="answers",
        fmt="xlsx",
        instance=round_.instances.get().pk,
        org=world.lan.pk,
    )
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    data = b"".join(client.get(reverse("core:export-download", args=[job.pk])).streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("organisation", "code", "status") and len(rows) == 5


def test_only_the_requester_with_the_right_still_held_gets_the_file(
    world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = answered_round(world)
    login(client, world.county)
    start(
        client,
        django_capture_on_commit_callbacks,
        kind="answers",
        fmt="csv",
        instance=round_.instances.get().pk,
        org=world.lan.pk,
    )
    job = ExportJob.objects.get()
    for other in ("national", "gavle_coord", "uppsala_county", "g1_reporter"):
        intruder = login(Client(), getattr(world, other))
        assert intruder.get(reverse("core:export", args=[job.pk])).status_code == 404
        assert intruder.get(reverse("core:export-download", args=[job.pk])).status_code == 404
    assert Client().get(reverse("core:export-download", args=[job.pk])).status_code == 302  # to the login page
    Membership.objects.filter(user=world.county).delete()
    assert client.get(reverse("core:export-download", args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_a_kommun_cannot_export_the_county_and_a_bad_format_is_refused(
    world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = answered_round(world)
    login(client, world.gavle_coord)
    instance = round_.instances.get().pk
    refused = start(client, django_capture_on_commit_callbacks, kind="answers", fmt="csv", instance=instance, org=world.lan.pk)
    assert refused.status_code == 404
    bad = start(client, django_capture_on_commit_callbacks, kind="answers", fmt="pdf", instance=instance, org=world.gavle.pk)
    assert bad.status_code == 302
    assert start(client, django_capture_on_commit_callbacks, kind="nonsense", fmt="csv").status_code == 404
    assert start(client, django_capture_on_commit_callbacks, kind="answers", fmt="csv", instance="x").status_code == 404
    assert not ExportJob.objects.exists()


def test_the_audit_log_export_needs_the_audit_right(
    world: SimpleNamespace, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    answered_round(world)
    login(client, world.g1_reporter)
    assert start(client, django_capture_on_commit_callbacks, kind="audit", fmt="csv").status_code == 404
    login(client, world.national)
    start(client, django_capture_on_commit_callbacks, kind="audit", fmt="csv")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.total >= 2
    text = b"".join(client.get(reverse("core:export-download", args=[job.pk])).streaming_content).decode()  # type: ignore[attr-defined]
    lines = text.strip().splitlines()
    assert len(lines) == job.total + 1
    assert "submission.submit" not in text  # labels, not codes


def test_the_streamed_rows_are_neutralised_like_every_other_export() -> None:
    row = ["=1+2", "-3", "@x", -3, 2.5, None, "Vård", True]
    assert neutralise_row(row) == [neutralise(v) for v in row] == ["'=1+2", "-3", "'@x", -3, 2.5, "", "Vård", "True"]


def test_the_fast_csv_path_writes_exactly_what_core_spreadsheet_writes(world: SimpleNamespace, settings: Any) -> None:
    """The background export's batched writer and row builder against ``core.spreadsheet.csv_text`` over the rows
    the export reads, with a formula in a free-text answer and in a unit's name (run on SQLite and PostgreSQL)."""

    round_ = answered_round(world)
    instance = round_.instances.get()
    evil = Submission.objects.get(instance=instance, organisation=world.g2)
    type(world.g2).objects.filter(pk=world.g2.pk).update(name="=SUM(A1:A9)")
    services.submission_submit(
        actor=world.g2_reporter, submission=evil, data=GOOD | {"assessment": "+cmd|' /C calc'!A0", "staffing_status": "red"}
    )
    job = ExportJob.objects.create(
        requested_by=world.national, kind="answers", fmt="csv", organisation=world.nation, instance=instance
    )
    job = exports.export_run(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE, job.error
    written = (settings.EXPORT_ROOT / job.file_name).read_bytes().decode("utf-8")
    with translation.override(settings.LANGUAGE_CODE):
        header, _total, rows = exports.answers_rows(instance=instance, org_path=world.nation.path)
        expected = "\ufeff" + csv_text(header, list(rows), delimiter=";")
    assert written == expected
    assert "'=SUM(A1:A9)" in written and ";=SUM" not in written
    assert "'=HYPERLINK" in written and ";=HYPERLINK" not in written
    assert "'+cmd|" in written and ";+cmd" not in written


def test_neutralise_row_agrees_with_neutralise_on_every_kind_of_cell() -> None:
    import decimal

    row = ["=1", "\uff1dA1", "\tx", "\rx", "\nx", "+46 70 123 45 67", "-", "", "ok", 0, -1.5, True, False, None]
    row += [decimal.Decimal("1.5"), {"level": 2}, ["a", "b"], "@SUM(1)", "-2+3", "-A1"]
    assert neutralise_row(row) == [neutralise(v) for v in row]
