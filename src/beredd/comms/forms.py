"""Forms of the comms pages: parse and bound the input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beredd.comms.models import Audience, Language, Scenario


class BankMessageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices)
    audience = forms.ChoiceField(label=_("Target group"), choices=Audience.choices)


class VersionForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Placeholders filled when sending: {tid} (time), {plats} (place), {telefon} (phone number)."),
    )
    is_demo_translation = forms.BooleanField(label=_("Demo translation (not checked by a translator)"), required=False)


class SendForm(forms.Form):
    incident = forms.TypedChoiceField(label=_("Incident area"), coerce=int, choices=())
    tid = forms.CharField(label=_("Time"), max_length=200, required=False)
    plats = forms.CharField(label=_("Place"), max_length=200, required=False)
    telefon = forms.CharField(label=_("Phone number"), max_length=200, required=False)
    email_staff = forms.BooleanField(label=_("E-mail staff and private providers in the area"), required=False, initial=True)
    print_units = forms.BooleanField(label=_("Printable notice to each unit in the area"), required=False, initial=True)

    def __init__(self, *args: Any, incidents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = incidents  # type: ignore[attr-defined]  # a ChoiceField has choices


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"),
        widget=forms.RadioSelect,
        choices=[
            ("units", _("Staff of every unit in the organisation")),
            ("providers", _("Private providers (their staff and contact address)")),
            ("kommuner", _("Staff of the kommun (for a county: of its kommuner)")),
            ("forum", _("Members of a collaboration forum")),
        ],
        initial="units",
    )
    roles = forms.MultipleChoiceField(
        label=_("Only these roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to reach everyone with a role."),
    )
    forum = forms.TypedChoiceField(label=_("Forum"), coerce=int, required=False, empty_value=None, choices=())
    tid = forms.CharField(label=_("Time"), max_length=200, required=False)
    plats = forms.CharField(label=_("Place"), max_length=200, required=False)
    telefon = forms.CharField(label=_("Phone number"), max_length=200, required=False)

    def __init__(self, *args: Any, forums: list[tuple[int, str]], roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "–"), *forums]  # type: ignore[attr-defined]  # a ChoiceField has choices
        self.fields["roles"].choices = roles  # type: ignore[attr-defined]  # a ChoiceField has choices


class PublishForm(forms.Form):
    tid = forms.CharField(label=_("Time"), max_length=200, required=False)
    plats = forms.CharField(label=_("Place"), max_length=200, required=False)
    telefon = forms.CharField(label=_("Phone number"), max_length=200, required=False)
    incident = forms.TypedChoiceField(
        label=_("Incident area (optional)"), coerce=int, required=False, choices=(), empty_value=None
    )

    def __init__(self, *args: Any, incidents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = [("", _("The whole kommun")), *incidents]  # type: ignore[attr-defined]  # a ChoiceField has choices
