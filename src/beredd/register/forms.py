"""Forms parse input only; the services validate the domain rules (personnummer, area, access)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beredd.register import geo
from beredd.register.models import AccessLog, FollowUp, Incident, Person

# The purposes a user chooses from when opening identities (the others are set by the code).
PURPOSES = [(p.value, p.label) for p in AccessLog.Purpose if p not in {AccessLog.Purpose.EDIT, AccessLog.Purpose.EXPORT}]


class PersonForm(forms.Form):
    personnummer = forms.CharField(label=_("Personnummer or samordningsnummer"), max_length=13, help_text=_("YYYYMMDD-NNNN"))
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=6)
    locality = forms.CharField(label=_("Locality"), max_length=100)
    lat = forms.CharField(label=_("Latitude (WGS84)"), required=False)
    lon = forms.CharField(label=_("Longitude (WGS84)"), required=False)
    sweref_n = forms.CharField(label=_("Northing (SWEREF 99 TM)"), required=False)
    sweref_e = forms.CharField(label=_("Easting (SWEREF 99 TM)"), required=False)
    unit = forms.ChoiceField(label=_("Responsible unit"))
    cannot_evacuate = forms.BooleanField(label=_("Cannot evacuate unaided"), required=False)
    transport_need = forms.ChoiceField(label=_("Transport need"), choices=Person.Transport.choices, required=False)
    heat_sensitive = forms.BooleanField(label=_("Heat-sensitive"), required=False)
    language = forms.CharField(label=_("Language (if not Swedish)"), max_length=40, required=False)
    interpreter = forms.BooleanField(label=_("Needs interpreter"), required=False)
    easy_swedish = forms.BooleanField(label=_("Easy Swedish"), required=False)
    hearing_impaired = forms.BooleanField(label=_("Hearing impairment"), required=False)
    vision_impaired = forms.BooleanField(label=_("Vision impairment"), required=False)
    contact_name = forms.CharField(label=_("Contact (relative or provider)"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact's phone"), max_length=40, required=False)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Person.LegalBasis.choices)
    legal_note = forms.CharField(label=_("Legal basis or consent note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    review_date = forms.DateField(label=_("Review date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]  # a ChoiceField


class DeviceRowForm(forms.Form):
    """One device of a resident: a kind from the catalogue and, for battery-backed devices, the hours."""

    device = forms.ChoiceField(label=_("Device"), required=False)
    battery_hours = forms.DecimalField(
        label=_("Battery hours"),
        required=False,
        min_value=0,
        max_value=999,
        decimal_places=1,
        max_digits=4,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        help_text=_("Leave empty if not known or no battery."),
    )

    def __init__(self, *args: Any, devices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["device"].choices = [("", _("– choose a device –")), *devices]  # type: ignore[attr-defined]  # a ChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("battery_hours") is not None and not data.get("device") and not data.get("DELETE"):
            self.add_error("device", _("Choose the device the battery hours belong to."))
        return data


class BaseDeviceFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # generic only in django-stubs; Django 5.2 has no BaseFormSet[...] at run time
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this device")

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for number, form in enumerate(self.forms, start=1):
            code = form.cleaned_data.get("device") if not form.cleaned_data.get("DELETE") else ""
            if not code:
                continue
            if code in seen:
                form.add_error(
                    "device", _("Row %(row)s: the same device as row %(first)s.") % {"row": number, "first": seen[code]}
                )
            seen.setdefault(code, number)

    def as_service_value(self) -> str:
        """The rows in the register's device format (``home_ventilator:6;electric_bed``) for ``person_save``."""
        parts = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data.get("device") or data.get("DELETE"):
                continue
            hours = data.get("battery_hours")
            parts.append(data["device"] if hours is None else f"{data['device']}:{hours}")
        return ";".join(parts)


MAX_DEVICES = 20
DeviceFormSet = forms.formset_factory(
    DeviceRowForm,
    formset=BaseDeviceFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_DEVICES,
    validate_max=True,
    absolute_max=MAX_DEVICES,
)


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PURPOSES, initial="care")
    q = forms.CharField(label=_("Search name, address or personnummer"), required=False, max_length=60)


class ExportForm(forms.Form):
    """An export of every identity asks why and for a deliberate confirmation; the purpose goes in the access log."""

    purpose = forms.CharField(
        label=_("Purpose of the export"),
        max_length=200,
        help_text=_("Why the whole register is needed outside Beredd, e.g. “Transfer to the new care system (case 2026/123)”."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the file holds the identities and health data of every resident and that the export is logged."
        )
    )

    def clean_purpose(self) -> str:
        purpose = " ".join(self.cleaned_data["purpose"].split())
        if len(purpose) < 5:
            raise forms.ValidationError(_("Describe the purpose in a few words."))
        return purpose


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))


class ImportCommitForm(forms.Form):
    batch = forms.IntegerField(widget=forms.HiddenInput)
    on_duplicate = forms.ChoiceField(
        label=_("Records that already exist"),
        widget=forms.RadioSelect,
        choices=[("skip", _("Skip them")), ("update", _("Update them from the file"))],
        initial="skip",
    )


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Incident.Kind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    area = forms.CharField(
        label=_("Area as GeoJSON (polygon)"),
        required=False,
        max_length=geo.AREA_MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 2 MB, pasted or uploaded."),
    )
    area_file = forms.FileField(label=_("…or upload a GeoJSON file"), required=False, help_text=_("At most 2 MB."))
    confirm_outside = forms.BooleanField(label=_("The area is right although it reaches outside the kommun"), required=False)
    postcodes = forms.CharField(label=_("Postcodes"), required=False, help_text=_("Separated by commas, e.g. 802 50, 802 52"))
    localities = forms.CharField(label=_("Localities"), required=False, help_text=_("Separated by commas"))
    designate_lan = forms.BooleanField(label=_("Let the county's duty officer (coordinator) see the call list"), required=False)
    is_exercise = forms.BooleanField(
        label=_("This is an exercise (ÖVNING)"),
        required=False,
        help_text=_("Marked on every page, print and mail, and kept apart from real incidents."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("area") or ""
        upload = data.get("area_file")
        if upload:
            if upload.size > geo.AREA_MAX_BYTES:
                self.add_error("area_file", _("The file is larger than 2 MB, the limit for an area."))
                upload = None
            else:
                raw = upload.read(geo.AREA_MAX_BYTES + 1).decode("utf-8", errors="replace")
        data["area_geojson"] = None
        if raw.strip():
            try:
                data["area_geojson"] = json.loads(raw)
            except json.JSONDecodeError:
                self.add_error("area", _("The area is not valid JSON."))
        data["postcode_list"] = [p.strip() for p in (data.get("postcodes") or "").split(",") if p.strip()]
        data["locality_list"] = [p.strip() for p in (data.get("localities") or "").split(",") if p.strip()]
        return data


class IncidentChangeForm(forms.Form):
    ends_at = forms.DateTimeField(
        label=_("New end time"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end_now = forms.BooleanField(required=False)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(choices=FollowUp.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FollowUpFilterForm(forms.Form):
    """Which residents the phone list shows; the default is everyone, in call order."""

    ALL, UNREACHED, NOT_REACHED, NEEDS_HELP = "all", "unreached", "not_reached", "needs_help"
    OUTCOMES: dict[str, set[str] | None] = {
        ALL: None,
        UNREACHED: {"", FollowUp.Outcome.NOT_REACHED},
        NOT_REACHED: {FollowUp.Outcome.NOT_REACHED},
        NEEDS_HELP: {FollowUp.Outcome.NEEDS_HELP},
    }
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (ALL, _("Everyone")),
            (UNREACHED, _("Still unreached (not called or not reached)")),
            (NOT_REACHED, _("Not reached")),
            (NEEDS_HELP, _("Needs help")),
        ],
    )

    def outcomes(self) -> set[str] | None:
        show = self.cleaned_data.get("show") if self.is_valid() else None
        return self.OUTCOMES[show or self.ALL]


class LogFilterForm(forms.Form):
    actor = forms.CharField(label=_("User (e-mail)"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All")), *AccessLog.Action.choices])
    person_id = forms.CharField(label=_("Record number"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    only_anomalies = forms.BooleanField(label=_("Only rows worth a look"), required=False)


class DeviceForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Stable identifier used in imports, e.g. cough_assist"))
    name = forms.CharField(label=_("Name"), max_length=100)
    life_sustaining = forms.BooleanField(label=_("Life-sustaining"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
