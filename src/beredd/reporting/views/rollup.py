"""Roll-up pages of a round instance: the roll-up, its live completeness panel and the CSV/XLSX exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError
from beredd.core.paging import MAX_FILTER_CHARS, page_of
from beredd.orgs.models import Organisation
from beredd.reporting import fragments, selectors
from beredd.reporting import rollup as rollups
from beredd.reporting.models import RoundInstance
from beredd.reporting.services import exports
from beredd.reporting.views._common import form_int, lang

TEXTS_PER_PAGE = 50
# The nation's roll-up lists hundreds of units not yet answered and reports to review: a page at a time (rendering
# every row cost most of the page's time, and no one reads a thousand rows at 07:30).
MISSING_PER_PAGE = 50
REVIEW_PER_PAGE = 50


def rollup_target(request: AuthenticatedHttpRequest, instance_id: int) -> tuple[RoundInstance, Organisation, str | None]:
    """The instance and organisation the user may see a roll-up of (access checked), and the grouping level."""
    instance, org = selectors.rollup_instance_for_user(
        user=request.user, instance_id=instance_id, org_id=form_int(request.GET.get("org"))
    )
    return instance, org, _by(request)


def _panel_variant(by: str | None) -> str:
    """The completeness panel's cache variant: the poll reads what the roll-up page fills, so both name it here."""
    return f"{by or '-'}:{lang()}"


def _by(request: HttpRequest) -> str | None:
    return request.GET.get("by") if request.GET.get("by") in rollups.LEVEL_DEPTH else None


def rollup_context(request: AuthenticatedHttpRequest, instance_id: int) -> dict[str, Any]:
    return rollup_build(*rollup_target(request, instance_id))


def rollup_build(instance: Any, org: Organisation, by: str | None, *, rows: bool = True) -> dict[str, Any]:
    """The roll-up as the templates show it: a row per child with display values (unless ``rows`` is false: a
    page that takes the completeness panel from the fragment cache), totals and distributions."""
    result = rollups.rollup(instance=instance, org=org, by=by)
    page_lang = lang()
    context = _summary(instance, org, by, result, page_lang)
    if rows:
        context["rows"] = _rows(org, result, page_lang)
    return context


def _rows(org: Organisation, result: Any, page_lang: str) -> list[dict[str, Any]]:
    """The completeness panel's table: a row per child with its status and its value cells.

    The cells (one per numeric field, escaped) are joined here, not looped over in the template: a panel has
    a cell per field and child, and rendering them as template nodes cost most of a recomputed panel."""
    numeric = [f.rollup not in ("none", "collate") for f in result.fields]
    return [
        {
            "group": g,
            "status": (state := rollups.status_class(result, g)),
            "status_label": rollups.status_label(state),
            "cells": format_html_join(
                "",
                '<td class="num">{}</td>',
                (
                    (rollups.display(f, v, page_lang),)
                    for f, v, shown in zip(result.fields, result.values(g).values(), numeric, strict=True)
                    if shown
                ),
            ),
            "drill": g.org.pk != org.pk and not g.org.is_unit,
        }
        for g in result.children
    ]


def _summary(instance: Any, org: Organisation, by: str | None, result: Any, page_lang: str) -> dict[str, Any]:
    numeric_fields = [f for f in result.fields if f.rollup not in ("none", "collate")]
    total_values = result.values(result.total)
    return {
        "instance": instance,
        "round": instance.round,
        "org": org,
        "result": result,
        "numeric_fields": numeric_fields,
        "totals": [(f, rollups.display(f, total_values[f.key], page_lang)) for f in numeric_fields],
        "distributions": [
            (f, rollups.distribution(f, result.total, page_lang)) for f in result.fields if f.rollup in ("worst", "count_choice")
        ],
        "exercise": instance.round.is_exercise,
        "lang": page_lang,
        "by": by or "",
    }


def _sort(value: str | None) -> str:
    """The missing table's sort key from the query string (unknown values sort by name)."""
    value = (value or "name")[:16]
    return value if value.lstrip("-") in rollups.MISSING_SORTS else "name"


def _missing_page(request: HttpRequest, instance: RoundInstance, org: Organisation, sort: str, query: str) -> Any:
    """The page of the not-answered table that the query asks for, its rows with their contact persons."""
    page = page_of(
        request,
        rollups.missing(instance=instance, org=org, sort=sort, query=query, contacts=False),
        MISSING_PER_PAGE,
        param="mpage",
    )
    if sort.lstrip("-") != "contact":  # else missing() gave every row its contact, to sort by
        rollups.with_contacts(list(page.object_list))
    return page


@login_required
def instance_rollup(request: AuthenticatedHttpRequest, instance_id: int) -> HttpResponse:
    instance, org, by = rollup_target(request, instance_id)
    context = rollup_build(instance, org, by, rows=False)

    def panel() -> str:  # the same bytes as the panel's poll, which keeps it current from then on
        return render_to_string(
            "reporting/_completeness.html", context | {"rows": _rows(org, context["result"], context["lang"])}, request=request
        )

    context["completeness_panel"] = fragments.cached(
        instance_id=instance.pk, round_id=instance.round_id, org_id=org.pk, variant=_panel_variant(by), build=panel
    )
    query, key, sort = request.GET.get("q", ""), request.GET.get("key", ""), _sort(request.GET.get("sort"))
    missing_query = request.GET.get("mq", "")[:MAX_FILTER_CHARS]
    context |= {
        # A kommun with many units has hundreds of free-text answers: a page at a time.
        "texts": page_of(request, rollups.texts(instance=instance, org=org, key=key, query=query), TEXTS_PER_PAGE),
        "text_fields": [f for f in context["result"].fields if f.type in ("long_text", "short_text")],
        "labels": {f.key: f.label(context["lang"]) for f in context["result"].fields},
        "q": query,
        "key": key,
        "missing": _missing_page(request, instance, org, sort, missing_query),
        "missing_sort": sort,
        "mq": missing_query,
        # Each pager's link keeps its own list's parameters (the "&" is escaped as the template writes it).
        "texts_query": urlencode({"org": str(org.pk), "q": query, "key": key}) + "&",
        "missing_query": urlencode({"org": str(org.pk), "mq": missing_query, "sort": sort}) + "&",
        "review_query": urlencode({"org": str(org.pk)}) + "&",
        "missing_columns": [("name", _("Organisation")), ("status", _("Status")), ("contact", _("Contact person"))],
        "child_pictures": selectors.child_pictures(instance=instance, org=org),
        "trend": selectors.trend_rows(instance=instance, org=org, fields=context["numeric_fields"], lang=context["lang"]),
        "map": selectors.rollup_map(instance=instance, org=org, mode=request.GET.get("map", "status")),
        "can_write_picture": policy.can(request.user, "reporting.approve", org),
        "breadcrumbs": selectors.rollup_breadcrumbs(user=request.user, instance=instance, org=org),
        "submitted": page_of(request, selectors.submitted_below(instance=instance, org=org), REVIEW_PER_PAGE, param="rpage"),
    }
    return render(request, "reporting/rollup.html", context)


@login_required
def instance_completeness(request: AuthenticatedHttpRequest, instance_id: int) -> HttpResponse:
    """The live completeness panel (htmx polls it), from the shared cache when nothing changed (``fragments``)."""
    return completeness_fragment(request, instance_id, cached=True)


def completeness_fragment(request: AuthenticatedHttpRequest, instance_id: int, *, cached: bool) -> HttpResponse:
    """The completeness panel after the access checks; ``cached=False`` (the benchmark's baseline) always computes.

    A poll checks access with one narrow query (the organisation with its instance's round and issuer path) and
    reads the whole instance only when the cached fragment is stale."""
    if not cached:
        instance, org, by = rollup_target(request, instance_id)
        return HttpResponse(render_to_string("reporting/_completeness.html", rollup_build(instance, org, by), request=request))
    ref, org = selectors.rollup_poll_target(user=request.user, instance_id=instance_id, org_id=form_int(request.GET.get("org")))
    by = _by(request)

    def build() -> str:
        instance = selectors.instance_for_poll(ref=ref)
        return render_to_string("reporting/_completeness.html", rollup_build(instance, org, by), request=request)

    html = fragments.cached(instance_id=ref.pk, round_id=ref.round_id, org_id=org.pk, variant=_panel_variant(by), build=build)
    return HttpResponse(html)


@login_required
def instance_export(request: AuthenticatedHttpRequest, instance_id: int, kind: str, fmt: str) -> HttpResponse:
    instance, org = selectors.rollup_instance_for_user(
        user=request.user, instance_id=instance_id, org_id=form_int(request.GET.get("org"))
    )
    if kind == "answers":
        header, rows = exports.answers_table(instance=instance, org_path=org.path)
    elif kind == "rollup":
        header, rows = exports.rollup_table(rollups.rollup(instance=instance, org=org))
    else:
        raise NotFoundError("export", kind)
    prefix = "ovning-" if instance.round.is_exercise else ""
    name = f"{prefix}lagesbild-{instance.round_id}-{instance.number}-{kind}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(header, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(header, rows, title=kind, exercise=instance.round.is_exercise),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise NotFoundError("export", fmt)
    downloads.attachment(response, f"{name}.{fmt}")
    return response
