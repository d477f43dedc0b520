"""Forms for collaboration. They parse and bound input; the services decide and name what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beredd.collab.models import Action, Forum, ForumMember, PriorityArea, Shortcoming
from beredd.collab.services.meetings import MAX_ATTACHMENT_BYTES, accepted_types_label
from beredd.orgs.models import Organisation

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ForumForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of member"), choices=ForumMember.Kind.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, help_text=_("For an organisation member.")
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, help_text=_("For a named user or an external participant.")
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False, help_text=_("For an external participant."))
    external_organisation = forms.CharField(
        label=_("The participant's organisation"), max_length=200, required=False, help_text=_("For an external participant.")
    )

    def __init__(self, *args: Any, org_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if org_choices is not None:
            self.fields["organisation"].queryset = org_choices  # type: ignore[attr-defined]  # ModelChoiceField


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    location = forms.CharField(label=_("Location or video link"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    is_ad_hoc = forms.BooleanField(label=_("Ad hoc meeting (not in the forum's schedule)"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("At most %(mb)d MB. Accepted types: %(types)s.")
        % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024), "types": accepted_types_label()},
    )
    is_agenda = forms.BooleanField(label=_("This is the agenda"), required=False)


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, members: list[ForumMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(m.pk), m.label) for m in members]  # type: ignore[attr-defined]  # a ChoiceField


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 8}))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Follow-up action"), max_length=300)
    owner_org = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organisation.objects.none())
    owner_name = forms.CharField(label=_("Responsible person"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args: Any, forum: Forum, owner_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].queryset = owner_choices  # type: ignore[attr-defined]  # ModelChoiceField


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class DirectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Direction"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    scenario = forms.CharField(label=_("Scenario"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(
        label=_("Requirement"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    recipient_root = forms.ModelChoiceField(
        label=_("Recipients"),
        queryset=Organisation.objects.none(),
        help_text=_("Every kommun under the chosen organisation receives the direction."),
    )
    due_date = forms.DateField(label=_("Answer by"), widget=DATE)
    file = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("Optional. At most %(mb)d MB. Accepted types: %(types)s.")
        % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024), "types": accepted_types_label()},
    )

    def __init__(self, *args: Any, roots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_root"].queryset = roots  # type: ignore[attr-defined]  # ModelChoiceField


class ShortcomingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "–"), *Shortcoming.Category.choices])
    priority_area = forms.ChoiceField(label=_("Priority area"), choices=[("", "–"), *PriorityArea.choices])
    description = forms.CharField(label=_("Description"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))


class LiftForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Lift to"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = targets  # type: ignore[attr-defined]  # ModelChoiceField


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Shortcoming.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates  # type: ignore[attr-defined]  # ModelChoiceField
