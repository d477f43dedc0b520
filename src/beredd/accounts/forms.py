from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beredd.accounts.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.IntegerField(widget=forms.HiddenInput)


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password = forms.CharField(
        label=_("Choose a password (at least 12 characters)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name (what the token is for)"), max_length=100)
    membership = forms.TypedChoiceField(label=_("Acts as"), coerce=int)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)
