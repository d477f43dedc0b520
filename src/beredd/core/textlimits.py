"""Free-text length limits everywhere, by one mechanism.

* Every ``TextField`` of a Beredd model has a ``max_length`` (a test scans the models; only machine-written
  fields such as ciphertext are exempt, listed in ``MACHINE_TEXT``).
* :func:`enforce_lengths` (a ``pre_save`` receiver for every Beredd model) refuses any ``CharField`` or
  ``TextField`` value longer than its ``max_length`` with ``ValidationFailed`` naming the field, whatever path
  wrote it (a form, a service, an import, the API). SQLite does not enforce lengths itself, and PostgreSQL
  does not for TEXT.
* :func:`bound_forms` gives every ``CharField`` of every Beredd form without a ``max_length`` the default
  ``LONG_TEXT`` (also as the widget's ``maxlength``), so the form names the field before a service sees it.
* API bodies are capped by ``beredd.api.schemas.InputSchema``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

from beredd.core.bounds import LONG_TEXT
from beredd.core.exceptions import FieldError

# Written by the application, never typed by a person (ciphertext, JSON staging); exempt from the model scan.
MACHINE_TEXT = {
    "register.Person.pnr_encrypted",
    "register.ImportBatch.content_encrypted",
    "register.ImportStagedPerson.pnr_encrypted",
    "register.ImportStagedPerson.devices",
}


def enforce_lengths(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not sender.__module__.startswith("beredd."):
        return
    from beredd.core.exceptions import ValidationFailed

    errors = []
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > field.max_length:
            errors.append(
                FieldError(
                    row=None,
                    field=field.name,
                    message=_("%(field)s: at most %(n)d characters (this has %(len)d).")
                    % {"field": str(field.verbose_name).capitalize(), "n": field.max_length, "len": len(value)},
                )
            )
    if errors:
        raise ValidationFailed(details=errors)


def bound_form_class(form_class: type[forms.BaseForm], default: int = LONG_TEXT) -> None:
    for field in form_class.base_fields.values():  # type: ignore[attr-defined]  # the form metaclass sets it on every Form class
        if isinstance(field, forms.CharField) and not field.max_length:
            field.max_length = default
            field.validators.append(MaxLengthValidator(default))
            field.widget.attrs.setdefault("maxlength", str(default))


def beredd_form_classes() -> list[type[forms.BaseForm]]:
    import beredd

    found: list[type[forms.BaseForm]] = []
    for info in pkgutil.walk_packages(beredd.__path__, "beredd."):
        name = info.name
        if ".tests" in name or ".migrations" in name or not (name.endswith(".forms") or ".forms." in name):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.append(value)
    return found


def bound_forms() -> None:
    for form_class in beredd_form_classes():
        bound_form_class(form_class)


def install() -> None:
    """Called once from ``CoreConfig.ready``."""
    models.signals.pre_save.connect(enforce_lengths, dispatch_uid="beredd.core.textlimits.enforce_lengths")
    bound_forms()
