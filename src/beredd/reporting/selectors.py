"""Reads for a user, limited to what the user may see. Missing and forbidden both raise NotFoundError."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.reporting import access
from beredd.reporting import fields as fieldtypes
from beredd.reporting import rollup as rollups
from beredd.reporting.exceptions import NotRecipientError
from beredd.reporting.lookups import POLL_INSTANCE, POLL_ORG, RECIPIENT_LOOKUP, ROLLUP_INSTANCE
from beredd.reporting.models import (
    CompiledPicture,
    ReportTemplate,
    Round,
    RoundInstance,
    Submission,
    TemplateField,
    TemplateVersion,
)

if TYPE_CHECKING:
    from beredd.command.models import LogEntry


def _roots(user: Actor, permission: str) -> list[Organisation]:
    return policy.orgs_with_permission(user, permission)


def _subtree_q(roots: list[Organisation], field: str) -> Q:
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(**{f"{field}__startswith": root.path})
    return condition


def template_list_for_user(*, user: Actor) -> QuerySet[ReportTemplate]:
    """Templates owned at, above or below the user's organisations (national built-ins are visible to all)."""
    roots = _roots(user, "reporting.view")
    condition = _subtree_q(roots, "owner__path")
    for root in roots:
        condition |= Q(owner_id__in=root.ancestor_ids)
    return ReportTemplate.objects.filter(condition).select_related("owner", "extends__template").order_by("name")


def template_version_get_for_user(*, user: Actor, version_id: int) -> TemplateVersion:
    version = (
        TemplateVersion.objects.filter(pk=version_id, template__in=template_list_for_user(user=user))
        .select_related("template__owner")
        .first()
    )
    if version is None:
        raise NotFoundError("template_version", version_id)
    return version


def round_list_for_user(*, user: Actor) -> QuerySet[Round]:
    """Rounds issued in the user's subtrees, and rounds from above that ask someone in those subtrees
    (a county sees the national rounds its kommuner answer; a kommun not asked does not see them)."""
    roots = _roots(user, "reporting.view")
    asked = Submission.objects.filter(_subtree_q(roots, "org_path"), instance__round=OuterRef("pk"))
    condition = _subtree_q(roots, "issuer__path") | Q(Exists(asked))
    return Round.objects.filter(condition).select_related("issuer", "template_version__template").order_by("-created_at")


def round_get_for_user(*, user: Actor, round_id: int) -> Round:
    round_ = round_list_for_user(user=user).filter(pk=round_id).first()
    if round_ is None:
        raise NotFoundError("round", round_id)
    return round_


def instance_get_for_user(*, user: Actor, instance_id: int) -> RoundInstance:
    """The instance if its round is visible to the user (the rule of ``round_list_for_user``).

    Reads the instance by key and checks the rule for that one round (``_round_visible``) instead of filtering
    every round the user can see."""
    instance = (
        RoundInstance.objects.filter(pk=instance_id)
        .select_related("round__issuer", "round__template_version__template", "round__event")
        .first()
    )
    if instance is None or not _round_visible(user, instance.round_id, instance.round.created_at, instance.round.issuer.path):
        raise NotFoundError("instance", instance_id)
    return instance


@dataclass(frozen=True, slots=True)
class InstanceRef:
    """What a poll needs of a visible instance before it knows whether the cache can answer."""

    pk: int
    round_id: int
    issuer_path: str
    round_created: Any = None


def instance_ref_for_user(*, user: Any, instance_id: int) -> InstanceRef:
    """The rule of :func:`instance_get_for_user` with one narrow query (key, round, issuer path): dashboards poll
    through this, and load the whole instance only when the cached fragment is stale."""
    row = RoundInstance.objects.filter(pk=instance_id).values_list("round_id", "round__issuer__path", "round__created_at").first()
    if row is None or not _round_visible(user, row[0], row[2], row[1]):
        raise NotFoundError("instance", instance_id)
    return InstanceRef(pk=instance_id, round_id=row[0], issuer_path=row[1], round_created=row[2])


def instance_for_poll(*, ref: InstanceRef) -> RoundInstance:
    """The whole instance behind ``ref`` (made only by the access checks below: no second check)."""
    instance = ROLLUP_INSTANCE.get((ref.pk,))
    if instance is None:  # deleted between the check and this read
        raise NotFoundError("instance", ref.pk)
    return instance


def rollup_poll_target(*, user: Any, instance_id: int, org_id: int | None) -> tuple[InstanceRef, Organisation]:
    """:func:`instance_ref_for_user` and :func:`rollup_org_under` for a poll. When an organisation is asked for,
    two lookups whose SQL is built once (``core.joinedlookup``: dashboards poll every 10 seconds, and compiling
    one ORM query for both cost more than running two); refusals are those of the two (read again one by one,
    so that a missing instance is reported as such)."""
    if org_id is not None:
        instance = POLL_INSTANCE.get((instance_id,))
        org = POLL_ORG.get((org_id,)) if instance is not None else None
        if instance is not None and org is not None:
            round_ = instance.round
            ref = InstanceRef(pk=instance_id, round_id=round_.pk, issuer_path=round_.issuer.path, round_created=round_.created_at)
            if (
                _round_visible(user, ref.round_id, ref.round_created, ref.issuer_path)
                and policy.can(user, "reporting.view", org)
                and org.path.startswith(ref.issuer_path)
            ):
                return ref, org
    ref = instance_ref_for_user(user=user, instance_id=instance_id)
    return ref, rollup_org_under(user=user, issuer_path=ref.issuer_path, org_id=org_id)


# Rounds from above found to ask someone in these subtrees: (round, subtree paths) -> when found. Dashboards of
# kommun and county coordinators poll a national round every few seconds; the EXISTS answer "yes" holds for
# VISIBLE_TTL seconds per process (a subtree taken off the round's recipients sees it that much longer; a user
# whose memberships change has other subtrees, so another key). "No" is never kept.
_VISIBLE: dict[tuple[int, str, tuple[str, ...]], float] = {}
VISIBLE_TTL = 10.0


def _round_visible(user: Any, round_id: int, round_created: Any, issuer_path: str) -> bool:
    """The issuer's path against the user's subtrees (no query), else one indexed EXISTS over the round's
    submissions (a round from above that asks someone in the user's subtrees)."""
    roots = _roots(user, "reporting.view")
    if any(issuer_path.startswith(root.path) for root in roots):
        return True
    if not roots:
        return False
    key = (round_id, str(round_created), tuple(sorted(root.path for root in roots)))  # created: ids may be reused
    now = time.monotonic()
    found_at = _VISIBLE.get(key)
    if found_at is not None and now - found_at < VISIBLE_TTL:
        return True
    if not Submission.objects.filter(_subtree_q(roots, "org_path"), instance__round_id=round_id).exists():
        return False
    if len(_VISIBLE) > 10_000:
        _VISIBLE.clear()
    _VISIBLE[key] = now
    return True


def rollup_instance_for_user(*, user: Any, instance_id: int, org_id: int | None) -> tuple[RoundInstance, Organisation]:
    """:func:`instance_get_for_user` and :func:`rollup_org_for_user` (the same rules) as the poll checks them."""
    ref, org = rollup_poll_target(user=user, instance_id=instance_id, org_id=org_id)
    return instance_for_poll(ref=ref), org


def rollup_org_for_user(*, user: Actor, instance: RoundInstance, org_id: int | None) -> Organisation:
    """The organisation whose roll-up the user asks for: one they may view, inside the round's reach."""
    issuer = instance.round.issuer
    return rollup_org_under(user=user, issuer_path=issuer.path, org_id=org_id, issuer=issuer)


def rollup_org_under(*, user: Any, issuer_path: str, org_id: int | None, issuer: Organisation | None = None) -> Organisation:
    """:func:`rollup_org_for_user` for a round issued at ``issuer_path``: with no ``org_id``, the user's highest
    organisation inside the round's reach, else the issuer (``issuer`` when given, else read by its path)."""
    if org_id is None:
        candidates = [o for o in _roots(user, "reporting.view") if o.path.startswith(issuer_path)]
        if candidates:
            org: Organisation | None = min(candidates, key=lambda o: o.depth)
        else:
            org = issuer if issuer is not None else Organisation.objects.filter(path=issuer_path).first()
    else:
        org = Organisation.objects.filter(pk=org_id).first()
    if org is None or not policy.can(user, "reporting.view", org) or not org.path.startswith(issuer_path):
        raise NotFoundError("organisation", org_id)
    return org


def submission_list_for_user(*, user: Actor, permission: str = "reporting.view") -> QuerySet[Submission]:
    return Submission.objects.filter(_subtree_q(_roots(user, permission), "org_path")).select_related(
        "instance__round", "organisation", "template_version"
    )


def submission_get_for_user(*, user: Actor, submission_id: int) -> Submission:
    submission = submission_list_for_user(user=user).filter(pk=submission_id).first()
    if submission is None:
        raise NotFoundError("submission", submission_id)
    return submission


def submission_for_recipient(*, user: Actor, instance: RoundInstance, org_id: int) -> Submission:
    """The submission of ``org_id`` in ``instance``. Raises NotFoundError if the user may not answer for that
    organisation and NotRecipientError when it is theirs but not asked."""
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None or not access.can_answer(user, org):
        raise NotFoundError("organisation", org_id)
    submission = (
        Submission.objects.filter(instance=instance, organisation=org)
        .select_related("instance__round", "organisation", "template_version")
        .first()
    )
    if submission is None:
        raise NotRecipientError()
    return submission


def submission_for_recipient_by_ids(*, user: Actor, instance_id: int, org_id: int, for_update: bool = False) -> Submission:
    """The API's hot path: one query for the submission with its organisation and round, then the policy check.

    NotFoundError unless the user may answer for ``org_id`` and the instance exists; NotRecipientError when the
    organisation was not asked in that instance."""
    # One row (unique per recipient). ``for_update`` (in the caller's transaction) locks the submission row only,
    # in the same query, so the write path reads nothing more (``_common._locked``). SQL built once (``core.joinedlookup``).
    submission = RECIPIENT_LOOKUP.get((instance_id, org_id), for_update=for_update)
    if submission is not None:
        if not access.can_answer(user, submission.organisation):
            raise NotFoundError("organisation", org_id)
        submission._locked_for_update = for_update  # type: ignore[attr-defined]  # marks the instance for the service that saves it
        return submission
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None or not access.can_answer(user, org):
        raise NotFoundError("organisation", org_id)
    if not RoundInstance.objects.filter(pk=instance_id).exists():
        raise NotFoundError("instance", instance_id)
    raise NotRecipientError()


def round_recipients(*, round_: Round, query: str = "") -> QuerySet[Submission]:
    """The recipients of a round (the submissions of its latest instance, without a kommun's internal unit
    reports), by name, optionally matching ``query``. The caller has already read the round for the user."""
    latest = round_.instances.order_by("-number").values("pk")[:1]
    qs = Submission.objects.filter(instance_id__in=latest, internal=False).select_related("organisation")
    if query.strip():
        qs = qs.filter(organisation__name__icontains=query.strip())
    return qs.order_by("organisation__name", "pk")


def open_requests_qs_for_user(*, user: Actor) -> QuerySet[Submission]:
    """Unanswered or returned submissions the user can answer (own organisation, or a unit of their kommun),
    in open rounds, nearest deadline first, with the issuer (for paging: nothing is cut here)."""
    return (
        submission_list_for_user(user=user, permission="reporting.submit")
        .filter(access.answerable_q(user), instance__round__status=Round.Status.OPEN)
        .exclude(status__in=Submission.ANSWERED)
        .select_related("instance__round__issuer")
        .order_by("instance__deadline", "org_path", "pk")
    )


def open_requests_for_user(*, user: Actor) -> list[Submission]:
    """The first 100 open requests (``open_requests_qs_for_user`` for all of them)."""
    return list(open_requests_qs_for_user(user=user)[:100])


def submitted_reports_for_user(*, user: Actor, limit: int = 20) -> list[Submission]:
    """Reports the user's organisations answered in open rounds, latest first: the way back to a report."""
    return list(
        submission_list_for_user(user=user, permission="reporting.submit")
        .filter(access.answerable_q(user), instance__round__status=Round.Status.OPEN, status__in=Submission.ANSWERED)
        .select_related("instance__round__issuer")
        .order_by("-submitted_at", "pk")[:limit]
    )


def pictures_for_user(*, user: Actor) -> QuerySet[CompiledPicture]:
    """Published feedback from above (or own level), pictures forwarded from below, and unpublished drafts
    where the user may currently write pictures. Only current memberships count: being a picture's author
    gives no access of its own (it ends with the membership)."""
    roots = _roots(user, "reporting.view")
    down = Q(pk__in=[])
    for root in roots:
        down |= Q(organisation_id__in=root.ancestor_ids)
    up = _subtree_q(roots, "organisation__path")
    editable = _subtree_q(_roots(user, "reporting.approve"), "organisation__path")
    return CompiledPicture.objects.filter(
        (down & Q(published_at__isnull=False)) | (up & (Q(forwarded_at__isnull=False) | Q(published_at__isnull=False))) | editable
    ).select_related("instance__round", "organisation")


def pictures_published_for_user(*, user: Actor, limit: int = 10) -> list[CompiledPicture]:
    """The latest published pictures the user may see (the start page's feedback list)."""
    return list(pictures_for_user(user=user).filter(published_at__isnull=False).order_by("-published_at")[:limit])


def rounds_recent_for_user(*, user: Actor, limit: int = 50) -> list[Round]:
    """The latest rounds the user may see, with their instances (the start page's list)."""
    return list(round_list_for_user(user=user).prefetch_related("instances")[:limit])


def picture_get_for_user(*, user: Actor, picture_id: int) -> CompiledPicture:
    picture = pictures_for_user(user=user).filter(pk=picture_id).first()
    if picture is None:
        raise NotFoundError("picture", picture_id)
    return picture


def child_pictures(*, instance: RoundInstance, org: Organisation) -> list[CompiledPicture]:
    """Pictures forwarded by organisations below ``org`` for this instance (the kommuner's own assessments)."""
    return list(
        CompiledPicture.objects.filter(instance=instance, organisation__path__startswith=org.path, forwarded_at__isnull=False)
        .exclude(organisation=org)
        .select_related("organisation")
        .order_by("organisation__path")
    )


# --- Reads behind the pages (the views call these; they hold no queries of their own) ---------------------


def published_versions_for_user(*, user: Actor) -> QuerySet[TemplateVersion]:
    """Published versions of the templates the user can see: what a round may be issued with."""
    return TemplateVersion.objects.filter(
        template__in=template_list_for_user(user=user), status=TemplateVersion.Status.PUBLISHED
    ).select_related("template")


def template_field_get_for_user(*, user: Actor, field_id: int) -> TemplateField:
    """A template's question, if the user can see its template version (else NotFoundError)."""
    field = TemplateField.objects.select_related("version").filter(pk=field_id).first()
    if field is None:
        raise NotFoundError("field", field_id)
    template_version_get_for_user(user=user, version_id=field.version_id)
    return field


def recipients_by_parent(orgs: list[Organisation], *, limit: int) -> list[tuple[str, list[Organisation]]]:
    """Recipients grouped by their parent's name (kommun for units, län for kommuner), the first ``limit`` only."""
    shown = orgs[:limit]
    parents = dict(Organisation.objects.filter(pk__in={o.parent_id for o in shown}).values_list("pk", "name"))
    groups: list[tuple[str, list[Organisation]]] = []
    for o in shown:
        name = parents.get(o.parent_id, "") if o.parent_id else ""
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append(o)
    return groups


def rollup_breadcrumbs(*, user: Actor, instance: RoundInstance, org: Organisation) -> list[Organisation]:
    """The organisations above ``org`` within the round's reach that the user may view, top first."""
    return [
        o
        for o in Organisation.objects.filter(pk__in=org.ancestor_ids).order_by("depth")
        if o.path.startswith(instance.round.issuer.path) and policy.can(user, "reporting.view", o)
    ]


def submitted_below(*, instance: RoundInstance, org: Organisation) -> QuerySet[Submission]:
    """Submitted (not yet reviewed) reports below ``org`` in this instance, in tree order (the page shows them a
    page at a time)."""
    return (
        Submission.objects.filter(instance=instance, org_path__startswith=org.path, status=Submission.Status.SUBMITTED)
        .exclude(organisation=org)
        .select_related("organisation")
        .order_by("org_path")
    )


def rollup_map(*, instance: RoundInstance, org: Organisation, mode: str) -> dict[str, Any] | None:
    """Kommuner of the subtree coloured by worst status or completeness (county level and above)."""
    if org.depth > 2:
        return None
    from beredd.reporting import map as kommun_map  # loads the map data libraries only for a page that draws a map

    # The map colours by completeness and the worst status: only the status-like fields are aggregated.
    result = rollups.rollup(instance=instance, org=org, by="kommun", only=rollups.status_keys(instance, org))
    by_org = {g.org.pk: g for g in result.children}
    shapes = kommun_map.kommun_shapes()
    items = []
    kommuner = Organisation.objects.filter(kind=Organisation.Kind.KOMMUN, path__startswith=org.path).values_list(
        "pk", "code", "name"
    )
    for pk, code, name in kommuner:
        if code not in shapes:
            continue
        group = by_org.get(pk)
        if group is None:
            cls, label = "none", _("not asked")
        elif mode == "completeness":
            pct = group.completeness.percent
            cls, label = ("ok" if pct == 100 else "warn" if pct >= 50 else "bad"), f"{pct} %"
        else:
            # The same state as the table's row: "not answered" and "no status given" are grey, never a level.
            state = rollups.status_class(result, group)
            cls = state if state in rollups.STATUS_ORDER else "none"
            label = f"{rollups.status_label(state)}, {group.completeness.answered}/{group.completeness.expected}"
        items.append({"d": shapes[code].d, "cls": cls, "title": f"{name}: {label}"})
    return {"items": items, "view_box": kommun_map.view_box([c for _pk, c, _n in kommuner]), "mode": mode}


def trend_rows(*, instance: RoundInstance, org: Organisation, fields: list[TemplateField], lang: str) -> list[dict[str, Any]]:
    """One row per earlier instance of a recurring round: the first six numeric figures, for display."""
    if instance.round.recurrence == Round.Recurrence.NONE:
        return []
    data = rollups.trend(instance=instance, org=org)
    shown = [f for f in fields if f.type not in ("yes_no", "choice", "multi_choice")][:6]
    return [
        {
            "number": n,
            "values": [rollups.display(f, partials[f.key].value(f), lang) if f.key in partials else "–" for f in shown],
            "fields": shown,
        }
        for n, partials in sorted(data.items())
    ]


def picture_for(*, instance: RoundInstance, org: Organisation) -> CompiledPicture | None:
    """The organisation's compiled picture for this instance, if it has written one."""
    return instance.pictures.filter(organisation=org).first()


def submission_history(*, submission: Submission, lang: str) -> list[dict[str, Any]]:
    """The submitted versions, newest first, each with the answers that changed from the version before."""
    fields = list(submission.template_version.fields.all())
    history = []
    previous: dict[str, Any] = {}
    for v in submission.versions.select_related("submitted_by").order_by("number"):
        changes = [
            (
                f.label(lang),
                fieldtypes.display_value(f, previous.get(f.key), lang),
                fieldtypes.display_value(f, v.data.get(f.key), lang),
            )
            for f in fields
            if previous.get(f.key) != v.data.get(f.key)
        ]
        history.append({"version": v, "changes": changes})
        previous = v.data
    return list(reversed(history))


# --- Hooks of the command app (crisis command) on reporting pages -------------------------------------------------


def round_event_log(*, user: Actor, round_: Round) -> list[LogEntry]:
    """The event log beside the event's rounds (command app), newest first; empty for a round without an event."""
    if round_.event_id is None:
        return []
    from beredd.command.selectors import log_for_event

    return log_for_event(user=user, event=round_.event)


def classified_confirmation_required(*, submission: Submission) -> bool:
    """Heightened alert is in force over the recipient and the template warns about classified information."""
    if not submission.template_version.template.classified_warning:
        return False
    from beredd.command.selectors import alert_in_force

    return bool(alert_in_force(org_path=submission.org_path, exercise=False))


def level_prefill_for(*, submission: Submission) -> dict[str, Any]:
    """Status fields on the beredskapsläge scale prefilled from the organisation's current readiness level."""
    from beredd.command.selectors import level_prefill

    return dict(level_prefill(organisation=submission.organisation, fields=submission.template_version.fields.all()))
