"""Reporting benchmark (`make bench`): a synthetic national round on PostgreSQL.

290 kommuner × 60 units (17,400 recipients), a 25-field template, every recipient answered. Measures:

* ``national_rollup_s``: the national roll-up (per län, per civilområde and total, every field, with
  completeness), median of several runs; ``national_rollup_baseline_s``: one hand-written SQL GROUP BY
  over the same answers, measured in the same run.
* ``kommun_rollup_page_p95_ms``: a kommun's roll-up page through the test client.
* ``ingest_per_s``, ``ingest_p95_ms``, ``ingest_lost``: submissions through the HTTP API against gunicorn
  on 127.0.0.1 with 8 concurrent clients; lost = accepted responses − stored versions. Credentials follow
  the on-behalf rules (``beredd.reporting.access``): each kommun's own system has its own API token, bound
  to a kommun-level reporter membership, and submits for that kommun's units only. ``ingest_status``
  counts every response code, so a refusal (404/403) shows instead of silently lowering the rate.

The database ``beredd_bench_reporting`` is dropped and recreated on each run (``BENCH_DATABASE_URL``).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.common import recreate_database, setup_django

REPO = Path(__file__).resolve().parent.parent
DB_NAME = "beredd_bench_reporting"
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
UNITS_PER_KOMMUN = int(os.environ.get("BENCH_UNITS_PER_KOMMUN", "60"))
INGEST_REQUESTS = int(os.environ.get("BENCH_INGEST_REQUESTS", "3000"))
CLIENTS = 8
TARGETS = {"ratio": 1.5, "national_rollup_s": 1.0, "kommun_rollup_page_p95_ms": 150.0, "ingest_per_s": 150.0}


def _fields() -> list[dict[str, Any]]:
    f: list[dict[str, Any]] = []
    for i in range(10):
        f.append({"key": f"count_{i}", "type": "integer", "label_sv": f"Antal {i}", "rollup": "sum", "min": 0})
    f.append({"key": "staff_total", "type": "integer", "label_sv": "Personal", "rollup": "sum", "min": 0})
    f.append(
        {
            "key": "absence",
            "type": "percent",
            "label_sv": "Frånvaro",
            "rollup": "weighted_mean",
            "options": {"weight": "staff_total"},
        }
    )
    f.append({"key": "beds", "type": "integer", "label_sv": "Platser", "rollup": "mean", "min": 0})
    f.append({"key": "temp", "type": "decimal", "label_sv": "Temperatur", "rollup": "max"})
    f.append({"key": "stock", "type": "integer", "label_sv": "Lager", "rollup": "sum", "min": 0})
    f.append({"key": "use", "type": "decimal", "label_sv": "Förbrukning", "rollup": "sum", "min": 0})
    f.append(
        {
            "key": "days",
            "type": "days_of_stock",
            "label_sv": "Dygn",
            "rollup": "min",
            "options": {"stock": "stock", "daily_use": "use"},
        }
    )
    for i in range(3):
        f.append(
            {
                "key": f"status_{i}",
                "type": "status",
                "label_sv": f"Status {i}",
                "rollup": "worst",
                "options": {"scale": "traffic"},
            }
        )
    f.append({"key": "cool_room", "type": "yes_no", "label_sv": "Svalt rum", "rollup": "count_choice"})
    f.append({"key": "impact", "type": "impact", "label_sv": "Påverkan", "rollup": "worst"})
    f.append({"key": "event", "type": "long_text", "label_sv": "Händelse", "rollup": "collate"})
    f.append({"key": "assessment", "type": "long_text", "label_sv": "Bedömning", "rollup": "collate"})
    f.append({"key": "needs", "type": "short_text", "label_sv": "Behov", "rollup": "collate"})
    assert len(f) == 25
    return f


def _answers(rng: random.Random) -> dict[str, Any]:
    total = rng.randint(5, 60)
    data: dict[str, Any] = {f"count_{i}": rng.randint(0, 50) for i in range(10)}
    data |= {
        "staff_total": total,
        "absence": round(rng.uniform(0, 40), 1),
        "temp": round(rng.uniform(20, 32), 1),
        "beds": rng.randint(5, 80),
        "stock": rng.randint(0, 5000),
        "use": round(rng.uniform(1, 200), 1),
        "status_0": rng.choice(["green", "yellow", "red"]),
        "status_1": rng.choice(["green", "yellow"]),
        "status_2": "green",
        "cool_room": rng.choice([True, False]),
        "impact": {"plan": rng.randint(0, 2), "resources": rng.randint(0, 2), "load": rng.randint(0, 2)},
        "event": "Värmebölja, hög inomhustemperatur.",
        "assessment": rng.choice(["Ansträngt.", "Normalt.", "Kritiskt läge."]),
        "needs": "Fläktar",
    }
    return data


def _build(rng: random.Random) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from beredd.accounts.models import Membership, User
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import load_reference
    from beredd.reporting import fields as fieldtypes
    from beredd.reporting.models import Answer, Round, Submission, SubmissionVersion
    from beredd.reporting.services import rounds as round_services
    from beredd.reporting.services import templates

    load_reference()
    nation = Organisation.objects.get(kind="nation")
    kommuner = list(Organisation.objects.filter(kind="kommun"))
    units = [
        Organisation(kind="unit", parent=k, name=f"{k.name} enhet {i}", service_kind="sabo", regi="kommunal", depth=k.depth + 1)
        for k in kommuner
        for i in range(UNITS_PER_KOMMUN)
    ]
    Organisation.objects.bulk_create(units, batch_size=5000)
    parents = {k.pk: k for k in kommuner}
    for u in units:
        assert u.parent_id is not None
        u.path = f"{parents[u.parent_id].path}{u.pk}/"
    Organisation.objects.bulk_update(units, ["path"], batch_size=5000)
    admin = User.objects.create_user("bench-national@beredd.test", "Bench-losenord-2026!")
    Membership.objects.create(user=admin, organisation=nation, role="national_admin")
    coordinator = User.objects.create_user("bench-kommun@beredd.test", "Bench-losenord-2026!")
    Membership.objects.create(user=coordinator, organisation=kommuner[0], role="coordinator")

    version = templates.template_import(
        actor=None, owner=nation, data={"key": "bench", "name": "Bench", "fields": _fields()}, publish=True
    )
    now = timezone.now()

    def issue(title: str) -> Any:
        spec = round_services.RoundSpec(
            title=title,
            template_version=version,
            responder=Round.Responder.UNITS,
            as_of=now,
            deadline=now + dt.timedelta(hours=12),
        )
        return round_services.round_issue(actor=admin, issuer=nation, spec=spec).instances.get()

    instance = issue("Bench national")
    fields = list(version.fields.all())
    subs = list(Submission.objects.filter(instance=instance))
    versions, answers = [], []
    for s in subs:
        clean, errors = fieldtypes.validate(fields, [], _answers(rng))
        assert not errors, errors
        s.draft, s.status, s.submitted_at, s.lock_version = clean, Submission.Status.SUBMITTED, now, 1
        versions.append(SubmissionVersion(submission=s, number=1, data=clean, submitted_at=now, submitted_by=admin))
        answers += [
            Answer(
                instance=instance,
                submission=s,
                organisation_id=s.organisation_id,
                org_path=s.org_path,
                civilomrade_id=s.civilomrade_id,
                lan_id=s.lan_id,
                kommun_id=s.kommun_id,
                key=p.key,
                num=p.num,
                weight=p.weight,
                choice=p.choice,
                text=p.text,
            )
            for p in fieldtypes.project(fields, clean)
        ]
    with transaction.atomic():
        Submission.objects.bulk_update(subs, ["draft", "status", "submitted_at", "lock_version"], batch_size=5000)
        SubmissionVersion.objects.bulk_create(versions, batch_size=5000)
        Answer.objects.bulk_create(answers, batch_size=10000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_answer")
        cursor.execute("ANALYZE reporting_submission")
    ingest_instance = issue("Bench ingest")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_submission")
    return {
        "nation": nation,
        "kommun": kommuner[0],
        "instance": instance,
        "ingest_instance": ingest_instance,
        "coordinator": coordinator,
        "recipients": len(subs),
        "answers": len(answers),
    }


def _time(fn: Any, runs: int = 7) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _national(ctx: dict[str, Any]) -> dict[str, float]:
    from django.db import connection

    from beredd.reporting import rollup

    def ours() -> None:
        result = rollup.rollup(instance=ctx["instance"], org=ctx["nation"], by="lan")
        civ = rollup.combine_by_parent(result)
        assert len(result.children) == 21 and len(civ) == 6
        assert result.total.completeness.answered == ctx["recipients"]
        for g in [*result.children, *civ, result.total]:
            result.values(g)

    sql = (
        "SELECT lan_id, key, count(num), sum(num), min(num), max(num) FROM reporting_answer "
        "WHERE instance_id = %s AND num IS NOT NULL GROUP BY lan_id, key"
    )

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ctx["instance"].pk])
            cursor.fetchall()

    ours_s, base_s = _time(ours), _time(baseline)
    return {
        "national_rollup_s": round(ours_s, 4),
        "national_rollup_baseline_s": round(base_s, 4),
        "national_rollup_ratio": round(ours_s / base_s, 2),
    }


def _kommun_page(ctx: dict[str, Any]) -> dict[str, float]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(ctx["coordinator"])
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=ctx["coordinator"], type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    url = reverse("reporting:rollup", args=[ctx["instance"].pk]) + f"?org={ctx['kommun'].pk}"
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {
        "kommun_rollup_page_p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
        "kommun_rollup_page_median_ms": round(statistics.median(samples), 1),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kommun_tokens(kommun_ids: set[int]) -> dict[int, str]:
    """One API token per kommun: a kommun-level reporter (the kommun's own system) answering for its units.

    Idempotent (BENCH_REUSE): the user and membership are reused, a fresh token is issued each run.
    """
    from beredd.accounts.models import Membership, User
    from beredd.accounts.services import token_create

    secrets: dict[int, str] = {}
    for kommun_id in sorted(kommun_ids):
        user = User.objects.filter(email=f"bench-system-{kommun_id}@beredd.test").first()
        if user is None:
            user = User.objects.create_user(f"bench-system-{kommun_id}@beredd.test")  # no password: API only
        membership, _ = Membership.objects.get_or_create(user=user, organisation_id=kommun_id, role="reporter")
        secrets[kommun_id] = token_create(actor=user, membership=membership, name="bench system", days=1)[1]
    return secrets


def _ingest(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    from beredd.reporting.models import Submission, SubmissionVersion

    instance = ctx["ingest_instance"]
    recipients = list(
        Submission.objects.filter(instance=instance)
        .order_by("organisation_id")
        .values_list("organisation_id", "organisation__parent_id")
    )
    # A sample spread over the country, so many kommuners' systems submit at the same time.
    picked = rng.sample(recipients, min(INGEST_REQUESTS, len(recipients)))
    kommun_of: dict[int, int] = {}
    for org_id, kommun_id in picked:
        assert kommun_id is not None, "every recipient of a units round sits under a kommun"
        kommun_of[org_id] = kommun_id
    secrets = _kommun_tokens(set(kommun_of.values()))
    bodies = [(org_id, json.dumps({"answers": _answers(rng)})) for org_id, _kommun in picked]
    port = _free_port()
    env = os.environ | {
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": DB_URL,
        "PYTHONPATH": str(REPO / "src"),
        "DB_CONN_MAX_AGE": "600",
    }
    workers = os.environ.get("BENCH_GUNICORN_WORKERS", "3")  # measured best on 2 cores (the client shares them)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "beredd.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            workers,
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        accepted = [0]
        status_counts: dict[str, int] = {}
        failures: list[str] = []
        lock = threading.Lock()
        queue = list(enumerate(bodies))

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                with lock:
                    if not queue:
                        break
                    i, (org_id, body) = queue.pop()
                headers = {
                    "Authorization": f"Bearer {secrets[kommun_of[org_id]]}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"bench-{i}",
                }
                started = time.perf_counter()
                try:
                    conn.request("POST", f"/api/v1/reporting/instances/{instance.pk}/submissions/{org_id}", body, headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    with lock:
                        failures.append(repr(exc))
                        status_counts["connection_error"] = status_counts.get("connection_error", 0) + 1
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    status_counts[str(response.status)] = status_counts.get(str(response.status), 0) + 1
                    if response.status == 201:
                        accepted[0] += 1
                    elif len(failures) < 5:
                        failures.append(f"{response.status} {payload[:200]!r}")
            conn.close()

        def run_clients(items: list[Any]) -> float:
            queue[:] = items
            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            begun = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - begun

        # Warm the workers (imports, connections) with a few requests, then measure the rest.
        items = list(queue)
        run_clients(items[: CLIENTS * 2])
        warm_accepted = accepted[0]
        latencies.clear()
        wall = run_clients(items[CLIENTS * 2 :])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = SubmissionVersion.objects.filter(submission__instance=instance).count()
    latencies.sort()
    measured = accepted[0] - warm_accepted
    return {
        "ingest_requests": len(latencies),
        "ingest_per_s": round(measured / wall, 1),
        "ingest_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
        "ingest_lost": accepted[0] - stored,
        "ingest_status": status_counts,
        "ingest_kommun_tokens": len(secrets),
        "ingest_errors": failures[:5],
        "ingest_gunicorn_workers": int(workers),
    }


def _reuse() -> dict[str, Any]:
    """Pick up a database built by an earlier run (BENCH_REUSE=1, for tuning; the ingest round must be fresh)."""
    from beredd.accounts.models import Membership, User
    from beredd.orgs.models import Organisation
    from beredd.reporting.models import Answer, RoundInstance, Submission

    nation = Organisation.objects.get(kind="nation")
    instance = RoundInstance.objects.get(round__title="Bench national")
    coordinator = User.objects.get(email="bench-kommun@beredd.test")
    return {
        "nation": nation,
        "kommun": Membership.objects.get(user=coordinator).organisation,
        "instance": instance,
        "ingest_instance": RoundInstance.objects.get(round__title="Bench ingest"),
        "coordinator": coordinator,
        "recipients": Submission.objects.filter(instance=instance).count(),
        "answers": Answer.objects.filter(instance=instance).count(),
    }


def run() -> dict[str, Any]:
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if not reuse:
        recreate_database(DB_URL)
    setup_django(DB_URL)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    started = time.perf_counter()
    ctx = _reuse() if reuse else _build(rng)
    figures: dict[str, Any] = {
        "recipients": ctx["recipients"],
        "answer_rows": ctx["answers"],
        "fields": 25,
        "build_s": round(time.perf_counter() - started, 1),
        "cpu_count": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }
    figures |= _national(ctx)
    figures |= _kommun_page(ctx)
    figures |= _ingest(ctx, rng)
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    failed = []
    if figures["national_rollup_ratio"] > TARGETS["ratio"]:
        failed.append("national_rollup_ratio")
    if figures["national_rollup_s"] > TARGETS["national_rollup_s"]:
        failed.append("national_rollup_s")
    if figures["kommun_rollup_page_p95_ms"] > TARGETS["kommun_rollup_page_p95_ms"]:
        failed.append("kommun_rollup_page_p95_ms")
    if figures["ingest_per_s"] < TARGETS["ingest_per_s"]:
        failed.append("ingest_per_s")
    if figures["ingest_lost"] != 0:
        failed.append("ingest_lost")
    if set(figures["ingest_status"]) - {"201"}:
        failed.append("ingest_refused_or_failed")
    figures["targets"] = TARGETS
    figures["failed_targets"] = failed
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
