"""The knowledge library: publish, revise (a new version) and attach a document or a link.

Needs ``collab.manage`` at the publisher. The nation, a civil area or a county publishes down the tree; a kommun
keeps items for itself. Links are stored only (http/https), never fetched; files are bounded and type-checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.collab.models import LibraryItem, PriorityArea
from beredd.collab.services._common import fail, text
from beredd.collab.services._uploads import check_version, clean_url
from beredd.collab.services.meetings import attach_file, check_upload
from beredd.core import audit
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.collab.models import Direction, LibraryLink, Meeting
    from beredd.reporting.models import Round, TemplateField

MANAGE = "collab.manage"
PUBLISHER_KINDS = {Organisation.Kind.NATION, Organisation.Kind.CIVILOMRADE, Organisation.Kind.LAN, Organisation.Kind.KOMMUN}
FIELDS = ["kind", "title", "summary", "url", "priority_area", "topics", "file_name"]
MAX_TOPICS = 10
DOCUMENT_KINDS = (LibraryItem.Kind.GUIDANCE, LibraryItem.Kind.TEMPLATE, LibraryItem.Kind.ROUTINE)


def normalise_topics(value: Any) -> list[str]:
    raw = value if isinstance(value, list | tuple) else str(value or "").split(",")
    out: list[str] = []
    for item in raw:
        topic = " ".join(str(item).split()).lower()[:40]
        if topic and topic not in out:
            out.append(topic)
    return out


def _clean(values: dict[str, Any], *, has_file: bool) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "kind": str(values.get("kind") or ""),
        "title": text(values, "title", 200),
        "summary": str(values.get("summary") or "").strip()[:8000],
        "priority_area": str(values.get("priority_area") or ""),
    }
    if clean["kind"] not in LibraryItem.Kind.values:
        errors["kind"] = _("Choose the kind of item.")
    if not clean["title"]:
        errors["title"] = _("Give the item a title.")
    if clean["priority_area"] and clean["priority_area"] not in PriorityArea.values:
        errors["priority_area"] = _("Choose one of the priority areas, or none.")
    clean["url"] = clean_url(values.get("url"), "url", errors)
    topics = normalise_topics(values.get("topics"))
    if len(topics) > MAX_TOPICS:
        errors["topics"] = _("Give at most %(n)d topics, separated by commas.") % {"n": MAX_TOPICS}
    clean["topics"] = ",".join(topics)[:300]
    if "url" not in errors:
        if clean["kind"] == LibraryItem.Kind.LINK and not clean["url"]:
            errors["url"] = _("A link needs a web address.")
        elif clean["kind"] == LibraryItem.Kind.LESSON and not clean["summary"]:
            errors["summary"] = _("Describe the lesson learned.")
        elif clean["kind"] in DOCUMENT_KINDS and not (clean["url"] or has_file):
            errors["url"] = _("Attach a file or give a link to the document.")
    return clean, errors


@transaction.atomic
def library_publish(
    *,
    actor: Actor,
    publisher: Organisation,
    values: dict[str, Any],
    filename: str = "",
    content: bytes | None = None,
    via: str = "ui",
) -> LibraryItem:
    require(actor, MANAGE, publisher)
    if publisher.kind not in PUBLISHER_KINDS:
        fail({"publisher": _("The library is published by the nation, a civil area, a county or a kommun.")})
    if content:
        check_upload(filename=filename, content=content)
    clean, errors = _clean(values, has_file=bool(content))
    fail(errors)
    item = LibraryItem(publisher=publisher, created_by=actor, updated_by=actor, **clean)
    if content:
        attach_file(item, filename=filename, content=content)
    item.save()
    audit.record(
        actor=actor,
        action="collab.library_publish",
        target=item,
        changes=audit.diff({}, audit.snapshot(item, FIELDS)),
        via=via,
    )
    return item


@transaction.atomic
def library_update(
    *,
    actor: Actor,
    item: LibraryItem,
    values: dict[str, Any],
    expected_version: int | None,
    filename: str = "",
    content: bytes | None = None,
    via: str = "ui",
) -> LibraryItem:
    """Revise an item: a new version (the number is raised); 409 if someone revised it since ``expected_version``."""
    require(actor, MANAGE, item.publisher)
    item = LibraryItem.objects.select_for_update().select_related("publisher").get(pk=item.pk)
    check_version(item.version, expected_version)
    if content:
        check_upload(filename=filename, content=content)
    before = audit.snapshot(item, FIELDS)
    clean, errors = _clean({f: getattr(item, f) for f in FIELDS} | values, has_file=bool(content) or bool(item.file_name))
    fail(errors)
    for key, value in clean.items():
        setattr(item, key, value)
    if content:
        attach_file(item, filename=filename, content=content)
    item.version += 1
    item.updated_by = actor
    item.save()
    changes = audit.diff(before, audit.snapshot(item, FIELDS)) | {"version": item.version}
    audit.record(actor=actor, action="collab.library_update", target=item, changes=changes, via=via)
    return item


@transaction.atomic
def library_link_add(
    *, actor: Actor, item: LibraryItem, target: Meeting | Direction | Round | TemplateField, via: str = "ui"
) -> LibraryLink:
    """Link a library item the actor can see to a meeting (needs collab.manage at the forum's owner), a planning
    direction (reporting.issue at the sender) or a reporting round (reporting.issue at its issuer). Linking twice is
    refused naming the field."""
    from beredd.collab import selectors
    from beredd.collab.models import Direction, LibraryLink, Meeting
    from beredd.reporting.models import Round, TemplateField

    where: dict[str, Any]
    if isinstance(target, Meeting):
        require(actor, MANAGE, target.forum.owner)
        org, where = target.forum.owner, {"meeting": target}
    elif isinstance(target, Direction):
        require(actor, "reporting.issue", target.sender)
        org, where = target.sender, {"direction": target}
    elif isinstance(target, Round):
        require(actor, "reporting.issue", target.issuer)
        org, where = target.issuer, {"round": target}
    elif isinstance(target, TemplateField):
        owner = target.version.template.owner
        require(actor, "reporting.template_edit", owner)
        org, where = owner, {"field": target}
    else:
        fail({"target": _("Choose a meeting, a planning direction, a round or a question.")})
        raise AssertionError  # unreachable: fail raised
    if not selectors.library_for_user(user=actor).filter(pk=item.pk).exists():
        fail({"item": _("Choose an item from the library.")})
    if LibraryLink.objects.filter(item=item, **where).exists():
        fail({"item": _("This item is already linked here.")})
    link = LibraryLink.objects.create(item=item, added_by=actor, **where)
    audit.record(
        actor=actor,
        action="collab.library_link",
        target=target,
        organisation=org,
        changes={"library_item": item.pk, "title": item.title},
        via=via,
    )
    return link
