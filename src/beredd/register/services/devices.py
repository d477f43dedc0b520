"""The device catalogue: national admins add and change device kinds (codes stay stable once used)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.register import access
from beredd.register.models import Device


@transaction.atomic
def device_save(*, actor: Actor, code: str, name: str, life_sustaining: bool, is_active: bool = True) -> Device:
    """Create a device kind, or update the name and flags of an existing code. National admins only."""
    if not access.can_manage_devices(actor):
        raise NotFoundError("device")
    code = code.strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
        raise ValidationFailed(
            details=[FieldError(row=None, field="code", message=_("Use 2–40 lower-case letters, digits or _."))]
        )
    if not name.strip():
        raise ValidationFailed(details=[FieldError(row=None, field="name", message=_("A name is required."))])
    device, created = Device.objects.get_or_create(code=code, defaults={"name": name.strip(), "life_sustaining": life_sustaining})
    before = audit.snapshot(device, ["name", "life_sustaining", "is_active"])
    device.name, device.life_sustaining, device.is_active = name.strip(), life_sustaining, is_active
    device.save()
    audit.record(
        actor=actor,
        action="register.device_save",
        target=device,
        changes=audit.diff({} if created else before, audit.snapshot(device, ["name", "life_sustaining", "is_active"])),
    )
    return device
