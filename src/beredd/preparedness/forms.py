"""Forms: parse input only. Rules (dates in order, scores 1–5, owners) live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beredd.orgs.models import Organisation
from beredd.preparedness.models import ContinuityPlan, Exercise, HeatActivation, PlanDependency, RiskAnalysis, RiskItem
from beredd.preparedness.models.rsa import SECTIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    critical_activities = forms.CharField(label=_("Critical activities"), widget=forms.Textarea(attrs={"rows": 3}))
    max_tolerable_outage = forms.ChoiceField(label=_("Maximum tolerable outage"), choices=ContinuityPlan.Outage.choices)
    owner = forms.CharField(label=_("Owner"), max_length=200)
    approved_by = forms.CharField(label=_("Approved by"), max_length=200, required=False)
    approved_on = forms.DateField(label=_("Approved on"), required=False, widget=DATE)
    review_date = forms.DateField(label=_("Review date"), widget=DATE)


class DependencyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dependency"), choices=PlanDependency.Kind.choices)
    backup_routine = forms.CharField(label=_("Backup routine"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    restoration_routine = forms.CharField(
        label=_("Restoration routine"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    return_routine = forms.CharField(label=_("Return routine"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ProfileForm(forms.Form):
    heat_sensitive = forms.BooleanField(label=_("The unit has heat-sensitive residents or clients"), required=False)


class RsaCreateForm(forms.Form):
    election_year = forms.IntegerField(label=_("Election year that starts the mandate period"), min_value=2014, max_value=2100)


class RsaSectionsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SECTIONS:
            self.fields[name] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}))
        self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=RiskAnalysis.Status.choices)
        self.fields["adopted_on"] = forms.DateField(label=_("Adopted on"), required=False, widget=DATE)


class RiskForm(forms.Form):
    title = forms.CharField(label=_("Risk"), max_length=200)
    scenario = forms.CharField(label=_("Scenario"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Scores are checked by the service so that the message is the same from the UI and the API.
    likelihood = forms.CharField(label=_("Likelihood (1–5)"), widget=forms.NumberInput(attrs={"min": 1, "max": 5}))
    consequence_life = forms.CharField(
        label=_("Consequence: life and health (1–5)"), widget=forms.NumberInput(attrs={"min": 1, "max": 5})
    )
    consequence_society = forms.CharField(
        label=_("Consequence: functioning of society (1–5)"), widget=forms.NumberInput(attrs={"min": 1, "max": 5})
    )
    consequence_democracy = forms.CharField(
        label=_("Consequence: democracy, rule of law and human rights (1–5)"),
        widget=forms.NumberInput(attrs={"min": 1, "max": 5}),
    )
    consequence_environment = forms.CharField(
        label=_("Consequence: environment and economic values (1–5)"), widget=forms.NumberInput(attrs={"min": 1, "max": 5})
    )
    controls = forms.CharField(label=_("Existing controls"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=RiskItem.Status.choices)


class RiskLinksForm(RiskForm):
    continuity_plans = forms.ModelMultipleChoiceField(
        label=_("Linked continuity plans"), queryset=ContinuityPlan.objects.none(), required=False
    )
    exercises = forms.ModelMultipleChoiceField(label=_("Linked exercises"), queryset=Exercise.objects.none(), required=False)

    def __init__(self, *args: Any, kommun: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["continuity_plans"].queryset = ContinuityPlan.objects.in_subtree(kommun.path)  # type: ignore[attr-defined]  # ModelMultipleChoiceField
        self.fields["exercises"].queryset = Exercise.objects.filter(organisation__path__startswith=kommun.path)  # type: ignore[attr-defined]  # ModelMultipleChoiceField


class RiskActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)


class ExerciseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scenario = forms.CharField(label=_("Scenario"), widget=forms.Textarea(attrs={"rows": 3}))
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Type"), choices=Exercise.Kind.choices)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating organisations"), queryset=Organisation.objects.none(), required=False
    )
    participant_roles = forms.CharField(label=_("Participating roles"), required=False)
    evaluation = forms.CharField(label=_("Evaluation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, org: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Organisation.objects.subtree_of(org).filter(is_active=True)  # type: ignore[attr-defined]  # ModelMultipleChoiceField


class LessonForm(forms.Form):
    description = forms.CharField(label=_("Lesson learned"), widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(label=_("Action"), required=False)
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)


class LessonCloseForm(forms.Form):
    closing_note = forms.CharField(label=_("What was done"), max_length=2000, required=False)


class TrainingForm(forms.Form):
    person_name = forms.CharField(label=_("Person"), max_length=200)
    is_manager = forms.BooleanField(label=_("Manager"), required=False)
    course = forms.CharField(label=_("Course"), max_length=200)
    completed_on = forms.DateField(label=_("Date"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)


class ContractForm(forms.Form):
    provider_unit = forms.ModelChoiceField(label=_("Provider (private unit)"), queryset=Organisation.objects.none())
    reference = forms.CharField(label=_("Contract reference"), max_length=100)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    clause_codes = forms.MultipleChoiceField(label=_("Crisis clauses"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, kommun: Organisation, clauses: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider_unit"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]  # ModelChoiceField
            parent=kommun, kind=Organisation.Kind.UNIT, regi=Organisation.Regi.PRIVAT
        )
        self.fields["clause_codes"].choices = [(c["code"], c["sv"]) for c in clauses]  # type: ignore[attr-defined]  # MultipleChoiceField


class HeatForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=HeatActivation.Level.choices)
    valid_from = forms.DateField(label=_("From"), widget=DATE)
    valid_until = forms.DateField(label=_("Until"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False)


class WarningFileForm(forms.Form):
    file = forms.FileField(label=_("Warning file (JSON or CSV)"))
