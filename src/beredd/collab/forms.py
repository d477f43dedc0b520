"""Forms for collaboration. They parse and bound input; the services decide and name what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beredd.collab.models import Action, Agreement, Forum, ForumMember, LibraryItem, Measure, PriorityArea, Shortcoming
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


# --- Agreements, measures, the knowledge library ---------------------------------------------------------

FILE_HELP = _("Optional. At most %(mb)d MB. Accepted types: %(types)s.") % {
    "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
    "types": accepted_types_label(),
}


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.ChoiceField(label=_("Area"), choices=[("", "–"), *Agreement.Area.choices])
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The region and any other organisation in Beredd that is a party. Hold Ctrl (Cmd) to choose several."),
    )
    other_parties = forms.CharField(
        label=_("Other parties"), max_length=300, required=False, help_text=_("Parties outside Beredd, e.g. a private provider.")
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=DATE, required=False, help_text=_("Leave empty if it runs until further notice.")
    )
    review_date = forms.DateField(label=_("Review date"), widget=DATE, required=False)
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=200)
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False, help_text=_("E-mail or telephone."))
    link = forms.CharField(label=_("Link to the agreement"), max_length=500, required=False)
    crisis_terms = forms.CharField(
        label=_("What it says about crises"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label=_("Agreement document"), required=False, help_text=FILE_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, party_choices: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = party_choices  # type: ignore[attr-defined]  # a ModelMultipleChoiceField


class MeasureForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("priority area", "Measure"), max_length=200)
    priority_area = forms.ChoiceField(label=_("Priority area"), choices=[("", "–"), *PriorityArea.choices])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LibraryItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "–"), *LibraryItem.Kind.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    priority_area = forms.ChoiceField(label=_("Priority area"), choices=[("", _("None")), *PriorityArea.choices], required=False)
    topics = forms.CharField(
        label=_("Topics"), max_length=300, required=False, help_text=_("Separate topics with commas, e.g. power cut, oxygen.")
    )
    url = forms.CharField(
        label=_("Link"), max_length=500, required=False, help_text=_("A web address; it is stored, not opened.")
    )
    summary = forms.CharField(label=_("Summary"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("Document"), required=False, help_text=FILE_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LibraryLinkForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Item from the knowledge library"),
        queryset=LibraryItem.objects.none(),
        help_text=_("Members see the item if the library lets them see it."),
    )

    def __init__(self, *args: Any, choices: QuerySet[LibraryItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = choices  # type: ignore[attr-defined]  # a ModelChoiceField
