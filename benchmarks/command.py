"""Crisis command benchmark: the national readiness board and the national open-needs board, on PostgreSQL.

``BENCH_COMMAND_ORGS`` organisations (default 20,000: the reference tree plus units under the 290 kommuner), each
with ``BENCH_COMMAND_CHANGES`` readiness-level changes (default 20), and ``BENCH_COMMAND_REQUESTS`` support
requests (default 50,000) with 3 steps each. Measures, median of 7 runs each:

* ``readiness_board_national_ms``: ``command.selectors.board`` for the nation, per county and per kommun (the two
  tables of the national duty officer's board); ``readiness_board_baseline_ms``: one hand-written
  ``DISTINCT ON`` query for the current level of every county and kommun, same run.
* ``open_needs_national_ms``: ``command.selectors.open_needs`` for the nation; ``open_needs_baseline_ms``: one
  hand-written ``GROUP BY`` over the open requests, same run.

Targets: each at most 2× its baseline and under 300 ms. The database ``beredd_bench_command`` is dropped and
recreated on each run (``BENCH_COMMAND_DATABASE_URL``).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from typing import Any

from benchmarks.common import bench_db_url, load_average, missed, ratio, recreate_database, setup_django

DB_NAME = "beredd_bench_command"
DB_URL = bench_db_url("BENCH_COMMAND_DATABASE_URL", DB_NAME)
ORGS = int(os.environ.get("BENCH_COMMAND_ORGS", "20000"))
CHANGES = int(os.environ.get("BENCH_COMMAND_CHANGES", "20"))
REQUESTS = int(os.environ.get("BENCH_COMMAND_REQUESTS", "50000"))
TARGETS: dict[str, tuple[str, float]] = {
    "readiness_board_ratio": ("max", 2.0),
    "open_needs_ratio": ("max", 2.0),
    "readiness_board_national_ms": ("max", 300.0),
    "open_needs_national_ms": ("max", 300.0),
}
LEVELS = ["normal", "stab", "forstarkning", "katastrof"]


def _median_ms(fn: Any, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _build(rng: random.Random) -> dict[str, Any]:
    from django.utils import timezone

    from beredd.accounts.models import Membership, User
    from beredd.command.models import Item, ReadinessChange, RequestStep, SupportRequest
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import load_reference

    load_reference()
    nation = Organisation.objects.get(kind="nation")
    kommuner = list(Organisation.objects.filter(kind="kommun"))
    missing = max(ORGS - Organisation.objects.count(), 0)
    kinds = ["sabo", "hemtjanst", "hsl", "lss_vuxna", "hvb"]
    units = Organisation.objects.bulk_create(
        [
            Organisation(
                kind="unit",
                parent=kommuner[i % len(kommuner)],
                name=f"Enhet {i}",
                service_kind=kinds[i % 5],
                regi="kommunal",
                depth=4,
            )
            for i in range(missing)
        ],
        batch_size=5000,
    )
    parents = {k.pk: k for k in kommuner}
    for unit in units:
        unit.path = f"{parents[unit.parent_id].path}{unit.pk}/"
    Organisation.objects.bulk_update(units, ["path"], batch_size=5000)
    user = User.objects.create_user("bench@beredd.se", "Bench-losenord-2026", full_name="Bench")
    Membership.objects.create(user=user, organisation=nation, role="national_admin")
    now = timezone.now()
    orgs = list(Organisation.objects.values_list("pk", "path"))
    batch: list[ReadinessChange] = []
    changes = 0
    for pk, path in orgs:
        previous = "normal"
        for n in range(CHANGES):
            level = rng.choice(LEVELS)
            batch.append(
                ReadinessChange(
                    organisation_id=pk,
                    org_path=path,
                    service_kind="",
                    level=level,
                    previous_level=previous,
                    reason="Bench",
                    applies_from=now - dt.timedelta(hours=CHANGES - n, minutes=rng.randint(0, 50)),
                    set_by=user,
                )
            )
            previous = level
        if len(batch) >= 20000:
            ReadinessChange.objects.bulk_create(batch)
            changes += len(batch)
            batch = []
    ReadinessChange.objects.bulk_create(batch)
    changes += len(batch)
    unit_rows = list(Organisation.objects.filter(kind="unit").values_list("pk", "path", "parent_id"))
    items = [i for i in Item.values if i != "staff"]
    statuses = ["open", "open", "forwarded", "allocated", "delivered", "declined", "closed"]
    made = 0
    for start in range(0, REQUESTS, 10000):
        reqs = []
        for _ in range(min(10000, REQUESTS - start)):
            pk, path, parent = rng.choice(unit_rows)
            quantity = rng.randint(1, 500)
            status = rng.choice(statuses)
            reqs.append(
                SupportRequest(
                    requester_id=pk,
                    requester_path=path,
                    holder_id=parent,
                    item=rng.choice(items),
                    quantity=quantity,
                    covered=rng.randint(0, quantity) if status in ("open", "forwarded") else quantity,
                    unit="st",
                    priority=rng.choice(["acute", "high", "normal"]),
                    needed_by=now + dt.timedelta(hours=rng.randint(1, 72)),
                    delivery_point="Bench",
                    contact="Bench",
                    status=status,
                    created_by=user,
                    created_at=now - dt.timedelta(minutes=rng.randint(0, 10000)),
                )
            )
        reqs = SupportRequest.objects.bulk_create(reqs)
        steps = [
            RequestStep(request=r, kind=kind, actor=user, actor_org_id=r.holder_id, quantity=1)
            for r in reqs
            for kind in ("created", "pledged", "forwarded")
        ]
        RequestStep.objects.bulk_create(steps, batch_size=10000)
        made += len(reqs)
    return {"user": user, "nation": nation, "organisations": len(orgs), "changes": changes, "requests": made}


def run() -> dict[str, Any]:
    recreate_database(DB_URL)
    setup_django(DB_URL)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    load_start = load_average()
    world = _build(random.Random(2026))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from django.utils import timezone

    from beredd.command import selectors

    user, nation = world["user"], world["nation"]

    def board() -> tuple[int, int]:
        counties = selectors.board(user=user, org=nation, kind="lan")
        kommuner = selectors.board(user=user, org=nation, kind="kommun")
        return len(counties), len(kommuner)

    counts = board()
    board_ms = _median_ms(board)

    def board_sql() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT ON (c.organisation_id) c.organisation_id, o.name, c.level, c.previous_level, c.applies_from "
                "FROM command_readinesschange c JOIN orgs_organisation o ON o.id = c.organisation_id "
                "WHERE o.kind IN ('lan', 'kommun') AND o.is_active AND c.service_kind = '' AND c.applies_from <= %s "
                "ORDER BY c.organisation_id, c.applies_from DESC, c.id DESC",
                [timezone.now()],
            )
            return cursor.fetchall()

    baseline_rows = len(board_sql())
    board_baseline_ms = _median_ms(board_sql)
    needs = selectors.open_needs(user=user, org=nation)
    needs_ms = _median_ms(lambda: selectors.open_needs(user=user, org=nation))

    def needs_sql() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT item, competence, unit, priority, SUM(quantity - covered), COUNT(*), MIN(created_at) "
                "FROM command_supportrequest WHERE status IN ('open', 'forwarded') AND requester_path LIKE %s "
                "GROUP BY item, competence, unit, priority",
                [nation.path + "%"],
            )
            return cursor.fetchall()

    sql_needs = needs_sql()
    needs_baseline_ms = _median_ms(needs_sql)
    checks = []
    if counts[0] + counts[1] != baseline_rows:
        checks.append("board_rows_match_baseline")
    if sum(r["remaining"] for r in needs) != sum(r[4] for r in sql_needs):
        checks.append("needs_sum_matches_baseline")
    figures: dict[str, Any] = {
        "load_average_start": load_start,
        "organisations": world["organisations"],
        "readiness_changes": world["changes"],
        "support_requests": world["requests"],
        "request_steps": world["requests"] * 3,
        "board_rows": {"counties": counts[0], "kommuner": counts[1]},
        "readiness_board_national_ms": board_ms,
        "readiness_board_baseline_ms": board_baseline_ms,
        "readiness_board_ratio": ratio(board_ms, board_baseline_ms),
        "open_needs_national_ms": needs_ms,
        "open_needs_baseline_ms": needs_baseline_ms,
        "open_needs_ratio": ratio(needs_ms, needs_baseline_ms),
        "load_average_end": load_average(),
    }
    figures["targets"] = {k: f"<= {limit}" for k, (_kind, limit) in TARGETS.items()}
    figures["failed_targets"] = missed(figures, TARGETS)
    figures["failed_checks"] = checks
    return figures


if __name__ == "__main__":
    print(run())
