from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads, timefmt
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.register import access, selectors, services
from beredd.register.forms import (
    MAX_DEVICES,
    BaseDeviceFormSet,
    DeviceForm,
    DeviceFormSet,
    ExportForm,
    ImportCommitForm,
    ImportForm,
    PersonForm,
    PurposeForm,
)
from beredd.register.models import Device, purpose_label
from beredd.register.services.persons import LIST_LIMIT
from beredd.register.services.validation import PERSON_FIELDS
from beredd.register.views.common import working_kommun


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Residents for those with identity access (logged), counts for everyone else, and incidents."""
    org = current_org(request)
    kommun = working_kommun(request)
    scope = access.identity_scope(request.user, kommun) if kommun else None
    form = PurposeForm(request.GET or None)
    people = None
    if kommun is not None and scope is not None and form.is_valid():
        people = services.person_list(
            user=request.user, kommun=kommun, query=form.cleaned_data["q"], purpose=form.cleaned_data["purpose"]
        )
    context = {
        "org": org,
        "kommun": kommun,
        "scope": scope,
        "form": form,
        "people": people,
        "limit": LIST_LIMIT,
        "can_activate": kommun is not None and access.can_activate(request.user, kommun) is not None,
        "incidents": selectors.incidents_for_user(user=request.user, org=org)[:10] if org else [],
        "today": timezone.localdate(),
    }
    return render(request, "register/index.html", context)


@login_required
def counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise NotFoundError("organisation")
    rows, totals = selectors.counts_for_user(user=request.user, org=org)
    return render(
        request, "register/counts.html", {"org": org, "rows": rows, "totals": totals, "columns": selectors.COUNT_COLUMNS}
    )


@login_required
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    purpose = request.GET.get("purpose", "care")[:40]
    record = services.person_open(user=request.user, person_id=person_id, purpose=purpose)
    person = record.person
    return render(
        request,
        "register/person_detail.html",
        {
            "record": record,
            "person": person,
            "devices": person.devices.select_related("device"),
            "contacts": person.contacts.all(),
            "purpose": purpose_label(purpose),
        },
    )


def _posted(request: AuthenticatedHttpRequest) -> tuple[QueryDict | None, bool]:
    """The posted data (None for a GET) and whether it asks for one more device row: "add another device"
    without JavaScript brings the same form back with one more empty row."""
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if data is None or "add_device" not in data:
        return data, False
    data = data.copy()
    total = str(data.get("devices-TOTAL_FORMS", "0"))
    data["devices-TOTAL_FORMS"] = str(min(int(total) + 1 if total.isdigit() else 1, MAX_DEVICES))
    return data, True


@login_required
def person_form(request: AuthenticatedHttpRequest, person_id: int | None = None) -> HttpResponse:
    record = None
    if person_id is not None and request.method == "GET":
        # First: refuses (and logs) an existing and an unknown id alike, whoever asks.
        record = services.person_open(user=request.user, person_id=person_id, purpose="edit")
    kommun = working_kommun(request)
    if kommun is None:
        raise NotFoundError("person", person_id)
    units = [(str(u.pk), u.name) for u in sorted(set(services.persons.unit_lookup(kommun).values()), key=lambda u: u.name)]
    catalogue = [(d.code, d.name) for d in services.persons.device_catalogue().values()]
    initial, initial_devices = _initial(record) if record is not None else (None, [])
    data, adding = _posted(request)
    form = PersonForm(None if adding else data, initial=request.POST.dict() if adding else initial, units=units)
    devices = cast(
        BaseDeviceFormSet, DeviceFormSet(data, initial=initial_devices, prefix="devices", form_kwargs={"devices": catalogue})
    )
    if data is not None and not adding and form.is_valid() and devices.is_valid():
        values = dict(form.cleaned_data) | {"devices": devices.as_service_value()}
        try:
            person = services.person_save(actor=request.user, kommun=kommun, data=values, person_id=person_id)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("register:person-detail", person_id=person.pk)
    elif request.method == "GET" and person_id is None:
        access.require_kommun_mas(user=request.user, kommun=kommun, what="person.new")
    errors = _error_summary(form, devices) if data is not None and not adding else []
    return render(
        request,
        "register/person_form.html",
        {"form": form, "devices": devices, "errors": errors, "person_id": person_id, "kommun": kommun},
    )


def _error_summary(form: PersonForm, devices: BaseDeviceFormSet) -> list[tuple[str, str]]:
    """(anchor, message) for every error; device rows named by number and field ("Device 2, Battery hours: ...")."""
    out: list[tuple[str, str]] = []
    for name, errs in form.errors.items():
        for error in errs:
            if name in form.fields:
                out.append((f"#{form[name].id_for_label}", f"{form.fields[name].label}: {error}"))
            else:
                out.append(("#person-form", str(error)))
    out += [("#devices", str(error)) for error in devices.non_form_errors()]
    for number, row in enumerate(devices.forms, start=1):
        for name, errs in row.errors.items():
            label = row.fields[name].label if name in row.fields else ""
            anchor = f"#{row[name].id_for_label}" if name in row.fields else "#devices"
            for error in errs:
                out.append((anchor, _("Device %(n)s, %(field)s: %(error)s") % {"n": number, "field": label, "error": error}))
    return out


def _initial(record: services.PersonRecord) -> tuple[dict[str, object], list[dict[str, object]]]:
    p = record.person
    data: dict[str, object] = {f: getattr(p, f) for f in PERSON_FIELDS}
    data["personnummer"] = record.personnummer_display
    data["unit"] = str(p.unit_id)
    contact = p.contacts.first()
    if contact:
        data["contact_name"], data["contact_phone"] = contact.name, contact.phone
    devices: list[dict[str, object]] = [
        {"device": d.device.code, "battery_hours": d.battery_hours} for d in p.devices.select_related("device")
    ]
    return data, devices


@login_required
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the form asking for the purpose. POST with a purpose and confirmation: the file (logged with the purpose)."""
    kommun = working_kommun(request)
    if kommun is None:
        raise NotFoundError("export")
    if request.method != "POST":
        access.require_kommun_mas(user=request.user, kommun=kommun, what="export.page")
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = services.person_export_csv(user=request.user, kommun=kommun, purpose=form.cleaned_data["purpose"])
        response = HttpResponse(text.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        day = timefmt.local(timezone.localdate(), "%Y%m%d")
        downloads.attachment(response, f"register-{kommun.code}-{day}.csv")
        return response
    return render(request, "register/export.html", {"form": form, "kommun": kommun})


@login_required
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    kommun = working_kommun(request)
    if kommun is None:
        raise NotFoundError("import")
    access.require_kommun_mas(user=request.user, kommun=kommun, what="import.page")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = commit_form = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = services.import_preview(actor=request.user, kommun=kommun, filename=upload.name, content=upload.read())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if preview.batch_id:
                commit_form = ImportCommitForm(initial={"batch": preview.batch_id, "on_duplicate": "skip"})
    return render(
        request, "register/import.html", {"form": form, "preview": preview, "commit_form": commit_form, "kommun": kommun}
    )


@require_POST
@login_required
def import_commit_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    kommun = working_kommun(request)
    form = ImportCommitForm(request.POST)
    if kommun is None or not form.is_valid():
        raise NotFoundError("import")
    result = services.import_commit(
        actor=request.user, kommun=kommun, batch_id=form.cleaned_data["batch"], on_duplicate=form.cleaned_data["on_duplicate"]
    )
    messages.success(
        request,
        _("Imported: %(c)s new, %(u)s updated, %(s)s skipped.") % {"c": result.created, "u": result.updated, "s": result.skipped},
    )
    return redirect("register:index")


@login_required
def devices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The device catalogue; national admins add and change kinds."""
    manage = access.can_manage_devices(request.user)
    form = DeviceForm(request.POST or None) if manage else None
    if request.method == "POST":
        if form is None:
            raise NotFoundError("device")
        if form.is_valid():
            try:
                services.device_save(actor=request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The device kind was saved."))
                return redirect("register:devices")
    return render(request, "register/devices.html", {"devices": Device.objects.all(), "form": form})
