"""Writes for report templates: import/export as JSON, versions, fields, publishing, extensions."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.reporting.builtin import BUILTINS
from beredd.reporting.exceptions import VersionPublishedError
from beredd.reporting.fields import OPERATORS
from beredd.reporting.models import FieldType, ReportTemplate, Rollup, TemplateField, TemplateVersion
from beredd.reporting.template_schema import validate_field, validate_template

FIELD_DEFAULTS: dict[str, Any] = {
    "section": "",
    "label_en": "",
    "help_sv": "",
    "help_en": "",
    "required": False,
    "unit": "",
    "rollup": "none",
    "options": {},
    "key": "",
    "type": "",
    "label_sv": "",
}
FIELD_ATTRS = ["key", "section", "type", "label_sv", "label_en", "help_sv", "help_en", "required", "unit", "rollup", "options"]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None


def _field_from_json(version: TemplateVersion, item: dict[str, Any], order: int, row: int) -> TemplateField:
    errors: list[FieldError] = []
    key = str(item.get("key", "")).strip()
    if not key or not key.replace("_", "").replace("-", "").isalnum():
        errors.append(FieldError(row=row, field="key", message=_("A field needs a key of letters, digits and _.")))
    if item.get("type") not in FieldType.values:
        errors.append(FieldError(row=row, field="type", message=_("Unknown field type.")))
    if item.get("rollup", "none") not in Rollup.values:
        errors.append(FieldError(row=row, field="rollup", message=_("Unknown roll-up.")))
    if not str(item.get("label_sv", "")).strip():
        errors.append(FieldError(row=row, field="label_sv", message=_("A Swedish label is required.")))
    try:
        low, high = _decimal(item.get("min")), _decimal(item.get("max"))
    except ValueError:
        errors.append(FieldError(row=row, field="min", message=_("Min and max must be numbers.")))
        low = high = None
    if errors:
        raise ValidationFailed(details=errors)
    return TemplateField(
        version=version,
        order=order,
        min_value=low,
        max_value=high,
        inherited=bool(item.get("inherited", False)),
        **{attr: item.get(attr, FIELD_DEFAULTS[attr]) for attr in FIELD_ATTRS},
    )


def _check_rules(rules: Any, keys: set[str]) -> list[FieldError]:
    if not isinstance(rules, list):
        raise ValidationFailed(details=[FieldError(row=None, field="rules", message=_("Rules must be a list."))])
    for i, rule in enumerate(rules):
        right = rule.get("right") if isinstance(rule, dict) else None
        if (
            not isinstance(rule, dict)
            or rule.get("op") not in OPERATORS
            or rule.get("left") not in keys
            or not (right in keys or isinstance(right, int | float))
        ):
            raise ValidationFailed(
                details=[FieldError(row=i, field="rules", message=_("A rule compares two fields of the template."))]
            )
    return list(rules)


TEMPLATE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@transaction.atomic
def template_import(
    *, actor: Actor | None, owner: Organisation, data: dict[str, Any], publish: bool = False, builtin: bool = False
) -> TemplateVersion:
    """Create a template (or a new version of the owner's template with the same key) from JSON.

    Raises ValidationFailed with one detail per bad field; nothing is saved then. The whole JSON is checked
    against the template schema (``reporting.template_schema``) before anything is written.
    """
    policy.require(actor, "reporting.template_edit", owner, system=True)
    validate_template(data)
    key = str(data.get("key", "")).strip()
    items = data.get("fields")
    if not key or not isinstance(items, list) or not items:
        raise ValidationFailed(details=[FieldError(row=None, field="fields", message=_("A template needs a key and fields."))])
    if not TEMPLATE_KEY.fullmatch(key):
        # The key names downloads (``<key>-v<n>.json``) and is a slug like the model's SlugField.
        raise ValidationFailed(
            details=[
                FieldError(
                    row=None,
                    field="key",
                    message=_(
                        "The template key may hold only letters a–z, digits, hyphens and underscores (at most 64 characters)."
                    ),
                )
            ]
        )
    template, _created = ReportTemplate.objects.get_or_create(
        owner=owner, key=key, defaults={"name": str(data.get("name") or key), "is_builtin": builtin}
    )
    template.name = str(data.get("name") or template.name)
    template.classified_warning = bool(data.get("classified_warning", False))
    template.opens_on_alert = bool(data.get("opens_on_alert", False))
    template.save()
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = TemplateVersion.objects.create(template=template, number=number)
    rows = [_field_from_json(version, item, i, i) for i, item in enumerate(items)]
    keys = [r.key for r in rows]
    if len(set(keys)) != len(keys):
        raise ValidationFailed(details=[FieldError(row=None, field="key", message=_("Field keys must be unique."))])
    TemplateField.objects.bulk_create(rows)
    version.rules = _check_rules(data.get("rules", []), set(keys))
    version.save(update_fields=["rules"])
    audit.record(
        actor=actor, action="template.import", target=version, organisation=owner, changes={"fields": {"after": len(rows)}}
    )
    if publish:
        template_version_publish(actor=actor, version=version)
    return version


def template_export(*, version: TemplateVersion) -> dict[str, Any]:
    """The version as importable JSON."""
    fields = []
    for field in version.fields.all():
        item = {attr: getattr(field, attr) for attr in FIELD_ATTRS}
        item["min"] = float(field.min_value) if field.min_value is not None else None
        item["max"] = float(field.max_value) if field.max_value is not None else None
        if field.inherited:
            item["inherited"] = True
        fields.append(item)
    return {
        "key": version.template.key,
        "name": version.template.name,
        "version": version.number,
        "classified_warning": version.template.classified_warning,
        "opens_on_alert": version.template.opens_on_alert,
        "extends": version.template.extends_id,
        "rules": version.rules,
        "fields": fields,
    }


@transaction.atomic
def template_version_publish(*, actor: Actor | None, version: TemplateVersion) -> TemplateVersion:
    policy.require(actor, "reporting.template_edit", version.template.owner, system=True)
    if version.is_published:
        raise VersionPublishedError()
    # The version as it stands (fields added one by one in the editor included) must be a valid whole template.
    validate_template(template_export(version=version))
    version.status = TemplateVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit.record(actor=actor, action="template.publish", target=version, organisation=version.template.owner)
    return version


@transaction.atomic
def template_version_new(*, actor: Actor, version: TemplateVersion) -> TemplateVersion:
    """A new draft version copying ``version`` (editing a published version means making a new one)."""
    policy.require(actor, "reporting.template_edit", version.template.owner, system=True)
    data = template_export(version=version)
    return template_import(actor=actor, owner=version.template.owner, data=data)


def _editable(actor: Actor, version: TemplateVersion) -> None:
    policy.require(actor, "reporting.template_edit", version.template.owner, system=True)
    if version.is_published:
        raise VersionPublishedError()


@transaction.atomic
def template_field_add(*, actor: Actor, version: TemplateVersion, data: dict[str, Any]) -> TemplateField:
    _editable(actor, version)
    validate_field(data)
    order = (version.fields.aggregate(n=Max("order"))["n"] or 0) + 1
    field = _field_from_json(version, data, order, 0)
    if version.fields.filter(key=field.key).exists():
        raise ValidationFailed(details=[FieldError(row=None, field="key", message=_("Field keys must be unique."))])
    field.save()
    audit.record(
        actor=actor,
        action="template.field_add",
        target=version,
        organisation=version.template.owner,
        changes={"field": {"before": None, "after": field.key}},
    )
    return field


@transaction.atomic
def template_field_move(*, actor: Actor, field: TemplateField, direction: int) -> None:
    """Swap a field with its neighbour above (direction -1) or below (+1)."""
    version = field.version
    _editable(actor, version)
    fields = list(version.fields.all())
    index = next(i for i, f in enumerate(fields) if f.pk == field.pk)
    other = index + direction
    if 0 <= other < len(fields):
        fields[index], fields[other] = fields[other], fields[index]
    for i, item in enumerate(fields):
        item.order = i
    TemplateField.objects.bulk_update(fields, ["order"])
    audit.record(actor=actor, action="template.field_move", target=version, organisation=version.template.owner)


@transaction.atomic
def template_field_remove(*, actor: Actor, field: TemplateField) -> None:
    _editable(actor, field.version)
    if field.inherited:
        raise ValidationFailed(
            details=[FieldError(row=None, field="key", message=_("Shared fields of the extended template cannot be removed."))]
        )
    audit.record(
        actor=actor,
        action="template.field_remove",
        target=field.version,
        organisation=field.version.template.owner,
        changes={"field": {"before": field.key, "after": None}},
    )
    field.delete()


@transaction.atomic
def template_extend(*, actor: Actor, owner: Organisation, base: TemplateVersion, key: str, name: str) -> TemplateVersion:
    """A county's or kommun's extension of ``base``: its shared fields are copied and locked, own fields are added later."""
    policy.require(actor, "reporting.template_edit", owner, system=True)
    if not base.is_published:
        raise ValidationFailed(
            details=[FieldError(row=None, field="base", message=_("Only a published version can be extended."))]
        )
    data = template_export(version=base) | {"key": key, "name": name}
    for item in data["fields"]:
        item["inherited"] = True
    version = template_import(actor=actor, owner=owner, data=data)
    ReportTemplate.objects.filter(pk=version.template_id).update(extends=base)
    version.template.extends = base
    return version


@transaction.atomic
def builtin_templates_install(*, owner: Organisation) -> list[TemplateVersion]:
    """Install or keep the built-in templates under ``owner`` (the nation). Idempotent."""
    out: list[TemplateVersion] = []
    for data in BUILTINS:
        existing = TemplateVersion.objects.filter(template__owner=owner, template__key=data["key"]).order_by("-number").first()
        out.append(existing or template_import(actor=None, owner=owner, data=data, publish=True, builtin=True))
    return out
