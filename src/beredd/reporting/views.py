"""Reporting views: thin (access, form, service, render). Business rules live in services and selectors."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.core import downloads
from beredd.core.bounds import parse_id
from beredd.core.exceptions import NotFoundError, PermissionDeniedError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.orgs.models import Organisation
from beredd.reporting import access, forms, fragments, selectors
from beredd.reporting import fields as fieldtypes
from beredd.reporting import map as kommun_map
from beredd.reporting import rollup as rollups
from beredd.reporting.exceptions import InvalidStateError, SubmissionConflictError
from beredd.reporting.models import Round, Submission, TemplateField, TemplateVersion
from beredd.reporting.services import exports, pictures, rounds, submissions, templates


def _lang() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _int(value: Any) -> int | None:
    # An id or a version from a form: None unless a whole number the database can hold.
    if str(value).strip() == "0":
        return 0
    return parse_id(value)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    visible_rounds = selectors.round_list_for_user(user=request.user).prefetch_related("instances")[:50]
    context = {
        "org": org,
        "open_requests": Paginator(selectors.open_requests_qs_for_user(user=request.user), 50).get_page(request.GET.get("page")),
        "submitted": selectors.submitted_reports_for_user(user=request.user),
        "rounds": visible_rounds,
        "pictures": selectors.pictures_for_user(user=request.user)
        .filter(published_at__isnull=False)
        .order_by("-published_at")[:10],
        "can_issue": org is not None and policy.can(request.user, "reporting.issue", org) and not org.is_unit,
        "can_edit_templates": org is not None and policy.can(request.user, "reporting.template_edit", org),
    }
    return render(request, "reporting/index.html", context)


# --- Templates ---------------------------------------------------------------------------------------


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    items = selectors.template_list_for_user(user=request.user).prefetch_related("versions")
    can_edit = org is not None and policy.can(request.user, "reporting.template_edit", org)
    form = forms.TemplateImportForm()
    if request.method == "POST":
        if not can_edit or org is None:
            raise NotFoundError("template")
        form = forms.TemplateImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                version = templates.template_import(actor=request.user, owner=org, data=data)
                return redirect("reporting:template", version_id=version.pk)
            except (ValueError, UnicodeDecodeError):
                form.add_error("file", _("The file is not valid JSON."))
            except ValidationFailed as exc:
                for d in exc.details or []:
                    form.add_error(None, f"{d.get('field')}: {d.get('message')}")
    return render(request, "reporting/template_list.html", {"templates": items, "form": form, "can_edit": can_edit})


@login_required
def template_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    can_edit = policy.can(request.user, "reporting.template_edit", version.template.owner)
    org = current_org(request)
    form = forms.FieldAddForm()
    if request.method == "POST":
        if not can_edit:
            raise NotFoundError("template_version", version_id)
        form = forms.FieldAddForm(request.POST)
        if form.is_valid():
            try:
                templates.template_field_add(actor=request.user, version=version, data=form.as_json())
                messages.success(request, _("The question was added."))
                return redirect("reporting:template", version_id=version.pk)
            except ValidationFailed as exc:
                apply_errors(form, exc)
    fields = list(version.fields.all())
    context = {
        "version": version,
        "fields": fields,
        "preview": forms.field_rows(fields, {}, [], _lang()),
        "form": form,
        "can_edit": can_edit and not version.is_published,
        "can_manage": can_edit,
        "can_extend": org is not None
        and org.pk != version.template.owner_id
        and version.is_published
        and policy.can(request.user, "reporting.template_edit", org),
        "lang": _lang(),
        "impact_criteria": fieldtypes.IMPACT_CRITERIA,
        "impact_values": fieldtypes.IMPACT_CRITERION_VALUES,
    }
    return render(request, "reporting/template_detail.html", context)


@login_required
def template_export(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    body = json.dumps(templates.template_export(version=version), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    downloads.attachment(response, f"{version.template.key}-v{version.number}.json")
    return response


@require_POST
@login_required
def template_action(request: HttpRequest, version_id: int, action: str) -> HttpResponse:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    target = version
    if action == "publish":
        templates.template_version_publish(actor=request.user, version=version)
        messages.success(request, _("The template version was published."))
    elif action == "new-version":
        target = templates.template_version_new(actor=request.user, version=version)
        messages.success(request, _("A new draft version was created."))
    elif action == "extend":
        org = current_org(request)
        if org is None:
            raise NotFoundError("organisation")
        key = f"{version.template.key[:48]}-{slugify(str(org.code or org.pk))[:15] or org.pk}"
        target = templates.template_extend(
            actor=request.user, owner=org, base=version, key=key, name=f"{version.template.name} – {org.name}"
        )
        messages.success(request, _("Your own extension of the template was created."))
    else:
        raise NotFoundError("action", action)
    return redirect("reporting:template", version_id=target.pk)


@require_POST
@login_required
def template_field_action(request: HttpRequest, field_id: int, action: str) -> HttpResponse:
    field = TemplateField.objects.select_related("version").filter(pk=field_id).first()
    if field is None:
        raise NotFoundError("field", field_id)
    version = selectors.template_version_get_for_user(user=request.user, version_id=field.version_id)
    if action in ("up", "down"):
        templates.template_field_move(actor=request.user, field=field, direction=-1 if action == "up" else 1)
        messages.success(request, _("The question was moved."))
    elif action == "remove":
        templates.template_field_remove(actor=request.user, field=field)
        messages.success(request, _("The question was removed."))
    else:
        raise NotFoundError("action", action)
    return redirect("reporting:template", version_id=version.pk)


# --- Rounds ------------------------------------------------------------------------------------------


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or org.is_unit or not policy.can(request.user, "reporting.issue", org):
        raise NotFoundError("organisation")
    versions = TemplateVersion.objects.filter(
        template__in=selectors.template_list_for_user(user=request.user), status=TemplateVersion.Status.PUBLISHED
    ).select_related("template")
    form = forms.RoundForm(request.POST or None, issuer=org, versions=versions)
    preview: list[Organisation] | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        spec = rounds.RoundSpec(
            title=d["title"],
            template_version=d["template_version"],
            responder=d["responder"],
            recipient_roots=[o.pk for o in d["recipient_roots"]],
            service_kinds=list(d["service_kinds"]),
            regi=d["regi"],
            deadline=d["deadline"],
            recurrence=d["recurrence"],
            recurrence_time=d["recurrence_time"],
            recurrence_hours=d["recurrence_hours"],
            is_exercise=d["is_exercise"],
            event_name=d["event_name"],
            event_type=d["event_type"],
        )
        try:
            if request.POST.get("action") == "preview":
                preview = rounds.recipients_preview(issuer=org, spec=spec)
            else:
                round_ = rounds.round_issue(actor=request.user, issuer=org, spec=spec)
                messages.success(request, _("The round was issued."))
                return redirect("reporting:round", round_id=round_.pk)
        except ValidationFailed as exc:
            apply_errors(form, exc)
    context = {
        "form": form,
        "org": org,
        "tree": form.recipient_tree(),
        "preview": _grouped(preview) if preview is not None else None,
        "preview_count": len(preview or []),
    }
    return render(request, "reporting/round_form.html", context, status=422 if request.method == "POST" and form.errors else 200)


PREVIEW_MAX = 500


def _grouped(orgs: list[Organisation]) -> list[tuple[str, list[Organisation]]]:
    """Recipients grouped by their parent (kommun for units, län for kommuner), at most PREVIEW_MAX shown."""
    shown = orgs[:PREVIEW_MAX]
    parents = dict(Organisation.objects.filter(pk__in={o.parent_id for o in shown}).values_list("pk", "name"))
    groups: list[tuple[str, list[Organisation]]] = []
    for o in shown:
        name = parents.get(o.parent_id, "") if o.parent_id else ""
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append(o)
    return groups


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    query = request.GET.get("q", "")[:100]
    recipients = selectors.round_recipients(round_=round_, query=query)
    context = {
        "round": round_,
        "recipients": Paginator(recipients, 50).get_page(request.GET.get("page")),
        "q": query,
        "recipient_total": selectors.round_recipients(round_=round_).count(),
        "instances": round_.instances.all(),
        "can_manage": policy.can(request.user, "reporting.issue", round_.issuer),
        "exercise": round_.is_exercise,
        "event_log": _event_log(request, round_),
    }
    return render(request, "reporting/round_detail.html", context)


def _event_log(request: HttpRequest, round_: Round) -> list[Any]:
    """The event log beside the event's rounds (command app), newest first."""
    if round_.event_id is None:
        return []
    from beredd.command.selectors import log_for_event

    return log_for_event(user=request.user, event=round_.event)


@require_POST
@login_required
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    actions = {"close": rounds.round_close, "reopen": rounds.round_reopen, "cancel": rounds.round_cancel}
    if action not in actions:
        raise NotFoundError("action", action)
    actions[action](actor=request.user, round_=round_)
    done = {"close": _("The round was closed."), "reopen": _("The round was reopened."), "cancel": _("The round was cancelled.")}
    messages.success(request, done[action])  # focus lands on this message after the redirect (static/js/focus.js)
    return redirect("reporting:round", round_id=round_.pk)


# --- Roll-up -----------------------------------------------------------------------------------------


def _rollup_target(request: HttpRequest, instance_id: int) -> tuple[Any, Organisation, str | None]:
    """The instance and organisation the user may see a roll-up of (access checked), and the grouping level."""
    instance = selectors.instance_get_for_user(user=request.user, instance_id=instance_id)
    org = selectors.rollup_org_for_user(user=request.user, instance=instance, org_id=_int(request.GET.get("org")))
    by = request.GET.get("by") if request.GET.get("by") in rollups.LEVEL_DEPTH else None
    return instance, org, by


def _rollup_context(request: HttpRequest, instance_id: int) -> dict[str, Any]:
    return _rollup_build(*_rollup_target(request, instance_id))


def _rollup_build(instance: Any, org: Organisation, by: str | None) -> dict[str, Any]:
    result = rollups.rollup(instance=instance, org=org, by=by)
    lang = _lang()
    rows = [
        {
            "group": g,
            "status": (state := rollups.status_class(result, g)),
            "status_label": rollups.status_label(state),
            "values": [
                rollups.display(f, v, lang)
                for f, v in zip(result.fields, result.values(g).values(), strict=True)
                if f.rollup not in ("none", "collate")
            ],
            "drill": g.org.pk != org.pk and not g.org.is_unit,
        }
        for g in result.children
    ]
    numeric_fields = [f for f in result.fields if f.rollup not in ("none", "collate")]
    total_values = result.values(result.total)
    return {
        "instance": instance,
        "round": instance.round,
        "org": org,
        "result": result,
        "rows": rows,
        "numeric_fields": numeric_fields,
        "totals": [(f, rollups.display(f, total_values[f.key], lang)) for f in numeric_fields],
        "distributions": [
            (f, rollups.distribution(f, result.total, lang)) for f in result.fields if f.rollup in ("worst", "count_choice")
        ],
        "exercise": instance.round.is_exercise,
        "lang": lang,
        "by": by or "",
    }


@login_required
def instance_rollup(request: HttpRequest, instance_id: int) -> HttpResponse:
    context = _rollup_context(request, instance_id)
    instance, org = context["instance"], context["org"]
    query, key = request.GET.get("q", ""), request.GET.get("key", "")
    labels = {f.key: f.label(context["lang"]) for f in context["result"].fields}
    context |= {
        "texts": rollups.texts(instance=instance, org=org, key=key, query=query),
        "text_fields": [f for f in context["result"].fields if f.type in ("long_text", "short_text")],
        "labels": labels,
        "q": query,
        "key": key,
        "missing": rollups.missing(instance=instance, org=org, sort=(sort := _sort(request.GET.get("sort")))),
        "missing_sort": sort,
        "missing_columns": [("name", _("Organisation")), ("status", _("Status")), ("contact", _("Contact person"))],
        "child_pictures": selectors.child_pictures(instance=instance, org=org),
        "trend": _trend_rows(instance, org, context["numeric_fields"], context["lang"]),
        "map": _map(instance, org, request.GET.get("map", "status")),
        "can_write_picture": policy.can(request.user, "reporting.approve", org),
        "breadcrumbs": [
            o
            for o in Organisation.objects.filter(pk__in=org.ancestor_ids).order_by("depth")
            if o.path.startswith(instance.round.issuer.path) and policy.can(request.user, "reporting.view", o)
        ],
        "submitted": Submission.objects.filter(
            instance=instance, org_path__startswith=org.path, status=Submission.Status.SUBMITTED
        )
        .exclude(organisation=org)
        .select_related("organisation")
        .order_by("org_path")[:200],
    }
    return render(request, "reporting/rollup.html", context)


def _sort(value: str | None) -> str:
    """The missing table's sort key from the query string (unknown values sort by name)."""
    value = (value or "name")[:16]
    return value if value.lstrip("-") in rollups.MISSING_SORTS else "name"


def _map(instance: Any, org: Organisation, mode: str) -> dict[str, Any] | None:
    """Kommuner of the subtree coloured by worst status or completeness (county level and above)."""
    if org.depth > 2:
        return None
    result = rollups.rollup(instance=instance, org=org, by="kommun")
    by_org = {g.org.pk: g for g in result.children}
    shapes = kommun_map.kommun_shapes()
    items = []
    kommuner = Organisation.objects.filter(kind=Organisation.Kind.KOMMUN, path__startswith=org.path).values_list(
        "pk", "code", "name"
    )
    for pk, code, name in kommuner:
        if code not in shapes:
            continue
        group = by_org.get(pk)
        if group is None:
            cls, label = "none", _("not asked")
        elif mode == "completeness":
            pct = group.completeness.percent
            cls, label = ("ok" if pct == 100 else "warn" if pct >= 50 else "bad"), f"{pct} %"
        else:
            # The same state as the table's row: "not answered" and "no status given" are grey, never a level.
            state = rollups.status_class(result, group)
            cls = state if state in rollups.STATUS_ORDER else "none"
            label = f"{rollups.status_label(state)}, {group.completeness.answered}/{group.completeness.expected}"
        items.append({"d": shapes[code].d, "cls": cls, "title": f"{name}: {label}"})
    return {"items": items, "view_box": kommun_map.view_box([c for _pk, c, _n in kommuner]), "mode": mode}


def _trend_rows(instance: Any, org: Organisation, fields: list[TemplateField], lang: str) -> list[dict[str, Any]]:
    if instance.round.recurrence == Round.Recurrence.NONE:
        return []
    data = rollups.trend(instance=instance, org=org)
    shown = [f for f in fields if f.type not in ("yes_no", "choice", "multi_choice")][:6]
    return [
        {
            "number": n,
            "values": [rollups.display(f, partials[f.key].value(f), lang) if f.key in partials else "–" for f in shown],
            "fields": shown,
        }
        for n, partials in sorted(data.items())
    ]


@login_required
def instance_completeness(request: HttpRequest, instance_id: int) -> HttpResponse:
    """The live completeness panel (htmx polls it), from the shared cache when nothing changed (``fragments``)."""
    return completeness_fragment(request, instance_id, cached=True)


def completeness_fragment(request: HttpRequest, instance_id: int, *, cached: bool) -> HttpResponse:
    """The completeness panel after the access checks; ``cached=False`` (the benchmark's baseline) always computes."""
    instance, org, by = _rollup_target(request, instance_id)

    def build() -> str:
        return render_to_string("reporting/_completeness.html", _rollup_build(instance, org, by), request=request)

    if not cached:
        return HttpResponse(build())
    html = fragments.cached(
        instance_id=instance.pk, round_id=instance.round_id, org_id=org.pk, variant=f"{by or '-'}:{_lang()}", build=build
    )
    return HttpResponse(html)


@login_required
def instance_export(request: HttpRequest, instance_id: int, kind: str, fmt: str) -> HttpResponse:
    instance = selectors.instance_get_for_user(user=request.user, instance_id=instance_id)
    org = selectors.rollup_org_for_user(user=request.user, instance=instance, org_id=_int(request.GET.get("org")))
    if kind == "answers":
        header, rows = exports.answers_table(instance=instance, org_path=org.path)
    elif kind == "rollup":
        header, rows = exports.rollup_table(rollups.rollup(instance=instance, org=org))
    else:
        raise NotFoundError("export", kind)
    prefix = "ovning-" if instance.round.is_exercise else ""
    name = f"{prefix}lagesbild-{instance.round_id}-{instance.number}-{kind}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(header, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(header, rows, title=kind, exercise=instance.round.is_exercise),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise NotFoundError("export", fmt)
    downloads.attachment(response, f"{name}.{fmt}")
    return response


# --- Submissions -------------------------------------------------------------------------------------


def _submission_context(
    request: HttpRequest,
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
        "sections": forms.field_rows(fields, values, errors, _lang(), previous),
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
        "classified_required": _classified_required(submission),
        "return_form": forms.ReturnForm(),
        "impact_criteria": fieldtypes.IMPACT_CRITERIA,
        "impact_values": fieldtypes.IMPACT_CRITERION_VALUES,
    }


def _classified_required(submission: Submission) -> bool:
    """Heightened alert is in force over the recipient and the template warns about classified information."""
    from beredd.command.selectors import alert_in_force

    return bool(
        submission.template_version.template.classified_warning and alert_in_force(org_path=submission.org_path, exercise=False)
    )


@login_required
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    # An answered report shows what was submitted (the latest immutable version), never an editable draft.
    values: dict[str, Any] = (
        submissions.submitted_answers(submission=submission) if submission.is_answered else dict(submission.draft)
    )
    if not submission.is_answered:
        # Status fields on the beredskapsläge scale start from the organisation's current level (command app).
        from beredd.command.selectors import level_prefill

        values = level_prefill(organisation=submission.organisation, fields=submission.template_version.fields.all()) | values
    errors: list[dict[str, Any]] = []
    conflict: list[dict[str, Any]] = []
    if request.method == "POST":
        fields = list(submission.template_version.fields.all())
        action = request.POST.get("action", "save")
        if action == "delegate":
            created = submissions.submission_delegate(actor=request.user, submission=submission)
            messages.success(request, _("%(n)d units were asked to report to you.") % {"n": len(created)})
            return redirect("reporting:submission", submission_id=submission.pk)
        if action == "prefill_units":
            values = values | submissions.answers_from_units(submission=submission)
            messages.info(request, _("Figures from your units' answers were filled in. Add your own assessment and submit."))
            return render(request, "reporting/submission.html", _submission_context(request, submission, values, errors))
        if action == "prefill":
            values = submissions.previous_answers(submission=submission) | values
            messages.info(request, _("Last report's answers were filled in. Check them and submit."))
            return render(request, "reporting/submission.html", _submission_context(request, submission, values, errors))
        values = forms.answers_from_post(fields, request.POST)
        expected = _int(request.POST.get("lock_version"))
        try:
            if action == "submit":
                submissions.submission_submit(
                    actor=request.user,
                    submission=submission,
                    data=values,
                    expected_version=expected,
                    confirm_empty=request.POST.get("confirm_empty") == "1",
                    classified_confirmed=request.POST.get("classified_confirmed") == "1",
                )
                messages.success(request, _("The report was submitted."))
            else:
                submissions.submission_save_draft(
                    actor=request.user, submission=submission, data=values, expected_version=expected
                )
                messages.success(request, _("The draft was saved."))
            return redirect("reporting:submission", submission_id=submission.pk)
        except ValidationFailed as exc:
            errors = list(exc.details or [])
        except SubmissionConflictError as exc:
            conflict = list(exc.details or [])
            submission.refresh_from_db()
        status = 409 if conflict else 422
        return render(
            request,
            "reporting/submission.html",
            _submission_context(request, submission, values, errors, conflict),
            status=status,
        )
    return render(request, "reporting/submission.html", _submission_context(request, submission, values, errors))


@require_POST
@login_required
def submission_autosave(request: HttpRequest, submission_id: int) -> HttpResponse:
    """htmx autosave of the draft: returns the save status and the new version (out-of-band)."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    fields = list(submission.template_version.fields.all())
    values = forms.answers_from_post(fields, request.POST)
    context: dict[str, Any] = {"submission": submission, "errors": [], "conflict": False}
    try:
        submission = submissions.submission_save_draft(
            actor=request.user, submission=submission, data=values, expected_version=_int(request.POST.get("lock_version"))
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
def submission_review(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    if request.POST.get("action") == "approve":
        submissions.submission_approve(actor=request.user, submission=submission)
        messages.success(request, _("The report was approved."))
    else:
        form = forms.ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say what needs correcting."))
            return redirect("reporting:submission", submission_id=submission.pk)
        submissions.submission_return(actor=request.user, submission=submission, comment=form.cleaned_data["comment"])
        messages.success(request, _("The report was returned for correction."))
    return redirect("reporting:submission", submission_id=submission.pk)


@login_required
def submission_history(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    fields = list(submission.template_version.fields.all())
    lang = _lang()
    versions = list(submission.versions.select_related("submitted_by").order_by("number"))
    history = []
    previous: dict[str, Any] = {}
    for v in versions:
        changes = [
            (
                f.label(lang),
                fieldtypes.display_value(f, previous.get(f.key), lang),
                fieldtypes.display_value(f, v.data.get(f.key), lang),
            )
            for f in fields
            if previous.get(f.key) != v.data.get(f.key)
        ]
        history.append({"version": v, "changes": changes})
        previous = v.data
    context = {"submission": submission, "history": list(reversed(history)), "exercise": submission.instance.round.is_exercise}
    return render(request, "reporting/submission_history.html", context)


# --- Compiled pictures -------------------------------------------------------------------------------


@login_required
def picture_edit(request: HttpRequest, instance_id: int) -> HttpResponse:
    context = _rollup_context(request, instance_id)
    instance, org = context["instance"], context["org"]
    if not policy.can(request.user, "reporting.approve", org):
        raise NotFoundError("organisation", org.pk)
    existing = instance.pictures.filter(organisation=org).first()
    initial = (
        {k: getattr(existing, k) for k in pictures.TEXT_FIELDS} | {"lock_version": existing.lock_version} if existing else {}
    )
    form = forms.PictureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        numbers = context["result"].as_dict()
        try:
            picture = pictures.picture_save(
                actor=request.user,
                instance=instance,
                organisation=org,
                data=form.cleaned_data,
                numbers=numbers,
                expected_version=form.cleaned_data.get("lock_version"),
            )
        except SubmissionConflictError:
            messages.error(request, _("Someone else saved this picture in the meantime. Reload and try again."))
            return redirect(f"{request.path}?org={org.pk}")
        action = request.POST.get("action")
        if action == "publish":
            pictures.picture_publish(actor=request.user, picture=picture)
            messages.success(request, _("The compiled picture was published to the recipients."))
        elif action == "forward":
            pictures.picture_forward(actor=request.user, picture=picture)
            messages.success(request, _("The compiled picture was forwarded upward."))
        else:
            messages.success(request, _("The compiled picture was saved."))
        return redirect("reporting:picture", picture_id=picture.pk)
    return render(request, "reporting/picture_form.html", context | {"form": form, "picture": existing})


@login_required
def picture_detail(request: HttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    return render(request, "reporting/picture.html", _picture_context(request, picture))


def _picture_context(request: HttpRequest, picture: Any) -> dict[str, Any]:
    numbers = picture.numbers or {}
    return {
        "picture": picture,
        "numbers": numbers,
        "fields": {f.key: f.label(_lang()) for f in picture.instance.round.template_version.fields.all()},
        "exercise": picture.instance.round.is_exercise,
        "can_edit": policy.can(request.user, "reporting.approve", picture.organisation),
    }


@login_required
def picture_print(request: HttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    return render(request, "reporting/picture_print.html", _picture_context(request, picture))


@login_required
def picture_pdf(request: HttpRequest, picture_id: int) -> HttpResponse:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    html = render_to_string("reporting/picture_print.html", _picture_context(request, picture) | {"pdf": True}, request=request)
    css_path = finders.find("reporting/print.css")
    stylesheets = [CSS(filename=str(css_path))] if css_path else []
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=stylesheets)
    response = HttpResponse(pdf, content_type="application/pdf")
    downloads.attachment(response, f"lagesbild-{picture.pk}.pdf")
    return response


@login_required
def picture_edxl(request: HttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    if picture.published_at is None and not policy.can(request.user, "reporting.approve", picture.organisation):
        raise PermissionDeniedError()
    response = HttpResponse(exports.edxl_de(picture), content_type="application/xml; charset=utf-8")
    downloads.attachment(response, f"sitrep-{picture.pk}.xml")
    return response
