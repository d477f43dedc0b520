"""Forms: the dynamic answer form (built from template fields), rounds, template fields and compiled pictures."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from beredd.orgs.models import Organisation
from beredd.reporting import fields as fieldtypes
from beredd.reporting.models import FieldType, Rollup, Round, TemplateField, TemplateVersion
from beredd.reporting.services import rounds


@dataclass
class FieldRow:
    """What the answer template needs to render one field."""

    field: TemplateField
    label: str
    help: str
    value: Any
    errors: list[str] = dc_field(default_factory=list)
    choices: list[tuple[str, str]] = dc_field(default_factory=list)
    previous: str = ""

    @property
    def input_id(self) -> str:
        return f"f-{self.field.key}"


def field_rows(
    fields: list[TemplateField],
    values: dict[str, Any],
    errors: list[dict[str, Any]],
    lang: str,
    previous: dict[str, Any] | None = None,
) -> list[tuple[str, list[FieldRow]]]:
    """Fields grouped by section, with current values, per-field errors and last report's values."""
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(str(e.get("field")), []).append(str(e.get("message")))
    sections: list[tuple[str, list[FieldRow]]] = []
    for f in fields:
        row = FieldRow(
            field=f,
            label=f.label(lang),
            help=f.help(lang),
            value=values.get(f.key),
            errors=by_field.get(f.key, []),
            choices=fieldtypes.choice_values(f, lang) if f.type not in (FieldType.IMPACT,) else [],
            previous=fieldtypes.display_value(f, (previous or {}).get(f.key), lang) if previous else "",
        )
        if not sections or sections[-1][0] != f.section:
            sections.append((f.section, []))
        sections[-1][1].append(row)
    return sections


def answers_from_post(fields: list[TemplateField], post: QueryDict) -> dict[str, Any]:
    """Read the answer form's inputs into the JSON answer format (strings; the service parses them)."""
    data: dict[str, Any] = {}
    for f in fields:
        name = f"f-{f.key}"
        if f.type == FieldType.DAYS_OF_STOCK:
            continue
        if f.type == FieldType.MULTI_CHOICE:
            values = post.getlist(name)
            if values:
                data[f.key] = values
        elif f.type == FieldType.IMPACT:
            criteria = {k: post.get(f"{name}-{k}", "") for k, _label in fieldtypes.IMPACT_CRITERIA}
            if any(criteria.values()):
                data[f.key] = criteria
        else:
            value = post.get(name, "")
            if value.strip():
                data[f.key] = value
    return data


_SWEDISH = str.maketrans({"å": "z\x01", "ä": "z\x02", "ö": "z\x03", "é": "e", "ü": "y"})


def swedish_key(name: str) -> str:
    """Sort key in Swedish alphabetical order (å, ä, ö after z), without depending on the system's locales."""
    return name.casefold().translate(_SWEDISH)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    template_version = forms.ModelChoiceField(label=_("Template"), queryset=TemplateVersion.objects.none())
    responder = forms.ChoiceField(label=_("Who answers"), choices=Round.Responder.choices, widget=forms.RadioSelect)
    recipient_roots = forms.ModelMultipleChoiceField(
        label=_("Recipients (counties or municipalities; none chosen = everything under the issuer)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_kinds = forms.MultipleChoiceField(
        label=_("Only these kinds of unit"),
        choices=Organisation.ServiceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regi = forms.ChoiceField(label=_("Regi"), choices=[("", _("All")), *Organisation.Regi.choices], required=False)
    deadline = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Round.Recurrence.choices, initial=Round.Recurrence.NONE)
    recurrence_time = forms.TimeField(label=_("Daily at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    recurrence_hours = forms.IntegerField(label=_("Every N hours"), required=False, min_value=1, max_value=168)
    is_exercise = forms.BooleanField(label=_("Exercise (ÖVNING)"), required=False)
    event_name = forms.CharField(label=_("Linked event (händelse)"), required=False, max_length=200)
    event_type = forms.CharField(label=_("Event type"), required=False, max_length=64)

    def __init__(self, *args: Any, issuer: Organisation, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_version"].queryset = versions  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["template_version"].label_from_instance = lambda v: f"{v.template.name} (v{v.number})"  # type: ignore[attr-defined]  # ModelChoiceField
        self.issuer = issuer
        # Only the levels the issuer can ask, and the sensible default for its level (a kommun asks its units).
        allowed = rounds.responders_for(issuer)
        self.fields["responder"].choices = [(v, label) for v, label in Round.Responder.choices if v in allowed]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["responder"].initial = rounds.default_responder(issuer)
        # In tree order (a län, then its kommuner), so the picker can nest them.
        self.fields["recipient_roots"].queryset = (  # type: ignore[attr-defined]  # ModelMultipleChoiceField
            Organisation.objects.active()
            .filter(path__startswith=issuer.path, kind__in=[Organisation.Kind.LAN, Organisation.Kind.KOMMUN])
            .exclude(pk=issuer.pk)
            .order_by("path")
        )

    def recipient_tree(self) -> list[dict[str, Any]]:
        """The recipient choices as a tree for the picker: each county with its kommuner (or kommuner alone)."""
        chosen = {str(v) for v in (self["recipient_roots"].value() or [])}
        nodes: list[dict[str, Any]] = []
        by_id: dict[int, dict[str, Any]] = {}
        for org in self.fields["recipient_roots"].queryset:  # type: ignore[attr-defined]  # ModelMultipleChoiceField
            node = {"org": org, "checked": str(org.pk) in chosen, "children": []}
            by_id[org.pk] = node
            parent = by_id.get(org.parent_id) if org.parent_id else None
            (parent["children"] if parent else nodes).append(node)
        for node in nodes:
            node["open"] = any(c["checked"] for c in node["children"])
            node["children"].sort(key=lambda c: swedish_key(c["org"].name))
        return sorted(nodes, key=lambda n: swedish_key(n["org"].name))


class FieldAddForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=64)
    label_sv = forms.CharField(label=_("Label (Swedish)"), max_length=300)
    label_en = forms.CharField(label=_("Label (English)"), max_length=300, required=False)
    section = forms.CharField(label=_("Section"), max_length=120, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    rollup = forms.ChoiceField(label=_("Roll-up"), choices=Rollup.choices, initial=Rollup.NONE)
    required = forms.BooleanField(label=_("Required"), required=False)
    min = forms.DecimalField(label=_("Minimum"), required=False)
    max = forms.DecimalField(label=_("Maximum"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    help_sv = forms.CharField(label=_("Help text (Swedish)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Choices, one per line (for choice fields)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def as_json(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        options: dict[str, Any] = {}
        lines = [line.strip() for line in str(data.pop("choices") or "").splitlines() if line.strip()]
        if lines:
            options["choices"] = [{"value": f"c{i + 1}", "sv": line} for i, line in enumerate(lines)]
        if data["type"] == FieldType.STATUS:
            options["scale"] = "traffic"
        return data | {"options": options}


class TemplateImportForm(forms.Form):
    file = forms.FileField(label=_("Template file (JSON)"))


class PictureForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assessment = forms.CharField(label=_("Assessment and forecast"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(label=_("Own actions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.CharField(label=_("Needs"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs correcting"), widget=forms.Textarea(attrs={"rows": 3}))
