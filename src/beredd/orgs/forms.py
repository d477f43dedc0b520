from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beredd.orgs.models import Organisation
from beredd.orgs.services import UNIT_FIELDS


class UnitForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = UNIT_FIELDS  # the one list, kept with the service that validates and audits them
        labels = {
            "name": _("Name"),
            "code": _("Internal code (optional)"),
            "service_kind": _("Service kind"),
            "regi": _("Provider"),
            "org_number": _("Organisation number (required for private providers)"),
            "street_address": _("Street address"),
            "postcode": _("Postcode"),
            "locality": _("Locality"),
            "phone": _("Phone"),
            "email": _("E-mail"),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # passes ModelForm's arguments through unchanged
        self.fields["service_kind"].required = True
        self.fields["regi"].required = True


# The one size limit for a unit import file: 2 MB (tens of thousands of rows, far more than a kommun's units).
UNIT_IMPORT_MAX_BYTES = 2_000_000


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"), help_text=_("At most 2 MB."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UNIT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB, the limit for a unit import."))
        return upload
