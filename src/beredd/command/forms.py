"""Forms for crisis command: only shape and bounds; the services decide the rules and name bad fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from beredd.command.models import Alert, Competence, Item, Level, LogEntry, Priority, SupportRequest
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from beredd.reporting.models import Event

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _dt(label: StrOrPromise, required: bool = True, help_text: StrOrPromise = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Readiness level"), choices=Level.choices)
    service_kind = forms.ChoiceField(
        label=_("Service area"), required=False, choices=[("", _("Whole organisation")), *Organisation.ServiceKind.choices]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    applies_from = _dt(_("Applies from"), required=False, help_text=_("Empty: from now."))
    event = forms.ModelChoiceField(label=_("Event"), required=False, queryset=Organisation.objects.none())

    def __init__(self, *args: Any, events: QuerySet[Event] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from beredd.reporting.models import Event

        self.fields["event"].queryset = events if events is not None else Event.objects.none()  # type: ignore[attr-defined]  # a ModelChoiceField


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogEntry.Kind.choices)
    text = forms.CharField(label=_("Entry"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(
        label=_("Source"), max_length=200, required=False, help_text=_("Who or where the information came from.")
    )
    occurred_at = _dt(_("Time"), required=False, help_text=_("Empty: now."))
    event = forms.ModelChoiceField(label=_("Event"), required=False, queryset=Organisation.objects.none())

    def __init__(self, *args: Any, events: QuerySet[Event] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from beredd.reporting.models import Event

        self.fields["event"].queryset = events if events is not None else Event.objects.none()  # type: ignore[attr-defined]  # a ModelChoiceField


class RequestForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), choices=[("", _("Choose")), *Item.choices], required=False)
    competence = forms.ChoiceField(
        label=_("Competence (for staff)"), choices=[("", _("Not staff")), *Competence.choices], required=False
    )
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    # Text, not a number input: the service names "not a number" in the same words as the API.
    quantity = forms.CharField(
        label=_("Quantity"), max_length=12, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False, help_text=_("pieces, boxes, persons, litres ..."))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    needed_by = forms.CharField(
        label=_("Needed by"), max_length=20, required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    delivery_point = forms.CharField(label=_("Delivery point"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False, help_text=_("Name and phone."))


class QuantityForm(forms.Form):
    quantity = forms.CharField(
        label=_("Quantity"), max_length=12, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AllocateForm(QuantityForm):
    supplier = forms.ModelChoiceField(label=_("Supplied by"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args: Any, suppliers: QuerySet[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers if suppliers is not None else Organisation.objects.none()  # type: ignore[attr-defined]  # a ModelChoiceField
        self.order_fields(["supplier", "quantity", "note"])


class TargetForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Forward to"), queryset=Organisation.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, targets: QuerySet[Organisation] | None = None, label: StrOrPromise | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = targets if targets is not None else Organisation.objects.none()  # type: ignore[attr-defined]  # a ModelChoiceField
        if label:
            self.fields["to"].label = label


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MergeForm(forms.Form):
    requests = forms.ModelMultipleChoiceField(
        label=_("Requests to merge"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    to = forms.ModelChoiceField(label=_("Joint request to"), queryset=Organisation.objects.none(), required=False)
    delivery_point = forms.CharField(
        label=_("Delivery point"), max_length=200, required=False, help_text=_("For example the county's reloading point.")
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[SupportRequest] | None = None,
        targets: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = candidates  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
        self.fields["requests"].label_from_instance = lambda r: f"{r.requester.name}: {r.item_label}, {r.remaining} {r.unit}"  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
        self.fields["to"].queryset = targets  # type: ignore[attr-defined]  # a ModelChoiceField


class AlertForm(forms.Form):
    kind = forms.ChoiceField(label=_("Alert"), choices=Alert.Kind.choices)
    scope = forms.ModelChoiceField(label=_("Applies to"), queryset=Organisation.objects.none(), required=False)
    decision_reference = forms.CharField(label=_("Decision reference"), max_length=200, required=False)
    decided_at = _dt(_("Decided at"), required=False, help_text=_("Empty: now."))
    starts_at = _dt(_("In force from"), required=False, help_text=_("Empty: now."))
    is_exercise = forms.BooleanField(label=_("Exercise (ÖVNING): shows the banner, changes no schedule"), required=False)

    def __init__(self, *args: Any, scopes: Iterable[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in scopes or []]).order_by("depth", "name")  # type: ignore[attr-defined]  # a ModelChoiceField


class ScheduleForm(forms.Form):
    every_hours = forms.CharField(
        label=_("Every N hours under heightened alert"),
        max_length=4,
        required=False,
        help_text=_("Empty: no heightened schedule."),
    )
