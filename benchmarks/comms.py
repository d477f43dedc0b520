"""Crisis-communication benchmark, on PostgreSQL.

* ``message_fanout_s``: one message to ``BENCH_COMMS_RECIPIENTS`` (default 20,000) addresses queued and rendered
  through ``comms.services.message_send`` (validation, language, ÖVNING marking, a delivery row each, the audit
  entry; the delivery job is enqueued on a backend that does not run it, so sending is not timed);
  ``message_fanout_baseline_s``: building the same number of rendered ``EmailMessage`` objects without the
  product's service, in the same run. Target: ratio ≤ 3 (and under 60 s).
* ``area_needs_ms``: the needs counts of an incident area (``register.selectors.incident_needs_counts``) over
  ``BENCH_COMMS_PERSONS`` (default 500,000) register residents of whom 5 % are in the area, median of 7;
  ``area_needs_baseline_ms``: one hand-written SQL COUNT … FILTER over the same rows. Target: under 200 ms.

The database ``beredd_bench_comms`` is dropped and recreated on each run (``BENCH_COMMS_DATABASE_URL``).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from benchmarks.common import bench_db_url, load_average, missed, ratio, recreate_database, setup_django

REPO = Path(__file__).resolve().parent.parent
DB_URL = bench_db_url("BENCH_COMMS_DATABASE_URL", "beredd_bench_comms")
RECIPIENTS = int(os.environ.get("BENCH_COMMS_RECIPIENTS", "20000"))
PERSONS = int(os.environ.get("BENCH_COMMS_PERSONS", "500000"))
TARGETS: dict[str, tuple[str, float]] = {
    "message_fanout_ratio": ("max", 3.0),
    "message_fanout_s": ("max", 60.0),
    "area_needs_ms": ("max", 200.0),
}


def _median_ms(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _residents(kommun: Any, unit: Any, admin: Any) -> Any:
    from django.utils import timezone

    from beredd.register.models import Incident, IncidentResident, Person

    langs = ["", "", "", "", "arabiska", "somaliska", "finska", "tigrinja"]
    batch: list[Person] = []
    for i in range(PERSONS):
        batch.append(
            Person(
                kommun=kommun,
                unit=unit,
                pnr_encrypted="bench",
                pnr_hash=f"{i:064d}",
                birth_year=1940,
                first_name="B",
                last_name=f"N{i}",
                address="Gatan 1",
                postcode="802 50",
                locality="Gävle",
                review_date=dt.date(2030, 1, 1),
                language=langs[i % len(langs)],
                interpreter=i % 9 == 0,
                easy_swedish=i % 11 == 0,
                hearing_impaired=i % 13 == 0,
                vision_impaired=i % 17 == 0,
            )
        )
        if len(batch) == 10_000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    incident = Incident.objects.create(
        kommun=kommun, kind="power_cut", reason="Bench", ends_at=timezone.now() + dt.timedelta(hours=6), activated_by=admin
    )
    ids = list(Person.objects.values_list("pk", flat=True)[: max(1, PERSONS // 20)])
    IncidentResident.objects.bulk_create(
        [IncidentResident(incident=incident, person_id=pk, rank=n, tier=4) for n, pk in enumerate(ids)], batch_size=10_000
    )
    return incident


def run() -> dict[str, Any]:
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    recreate_database(DB_URL)
    setup_django(DB_URL)
    from django.core.mail import EmailMessage
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string

    call_command("migrate", verbosity=0)
    from beredd.accounts.models import Membership, User
    from beredd.comms.models import Delivery
    from beredd.comms.services import Recipient, message_send
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import _set_path, load_reference
    from beredd.register import selectors as register_selectors

    load_start = load_average()
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    unit = Organisation.objects.create(
        kind="unit", parent=gavle, name="Bench hemtjänst", service_kind="hemtjanst", regi="kommunal"
    )
    _set_path(unit)
    admin = User.objects.create_user("bench@beredd.se", "Bench-losenord-2026", full_name="Bench")
    Membership.objects.create(user=admin, organisation=gavle, role="coordinator")
    addresses = [f"mottagare{i}@bench.beredd.se" for i in range(RECIPIENTS)]
    context = {
        "round": {"title": "Storm", "issuer": {"name": "Gävle"}, "is_exercise": True},
        "instance": {"deadline": None},
        "link": "x",
    }

    started = time.perf_counter()
    message_send(
        actor=admin,
        organisation=gavle,
        kind="round_issued",
        recipients=[Recipient(address=a) for a in addresses],
        subject="Lägesbild: %(title)s",
        subject_params={"title": "Storm"},
        template="reporting/email/issued.txt",
        context=context,
        is_exercise=True,
    )
    fanout_s = round(time.perf_counter() - started, 2)
    queued = Delivery.objects.count()

    started = time.perf_counter()
    body = render_to_string("reporting/email/issued.txt", context)
    built = [EmailMessage(subject="[ÖVNING] Lägesbild: Storm", body=body, to=[a]) for a in addresses]
    for m in built:
        m.message()  # the MIME text each delivery row stands for
    baseline_s = round(time.perf_counter() - started, 2)

    incident = _residents(gavle, unit, admin)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    needs_ms = _median_ms(lambda: register_selectors.incident_needs_counts(user=admin, incident=incident), 7)

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE p.interpreter), COUNT(*) FILTER (WHERE p.easy_swedish), "
                "COUNT(*) FILTER (WHERE p.hearing_impaired), COUNT(*) FILTER (WHERE p.vision_impaired) "
                "FROM register_incidentresident r JOIN register_person p ON p.id = r.person_id WHERE r.incident_id = %s",
                [incident.pk],
            )
            cursor.fetchall()

    needs_baseline_ms = _median_ms(baseline, 7)
    figures: dict[str, Any] = {
        "load_average_start": load_start,
        "recipients": RECIPIENTS,
        "deliveries_queued": queued,
        "message_fanout_s": fanout_s,
        "message_fanout_baseline_s": baseline_s,
        "message_fanout_ratio": ratio(fanout_s, baseline_s),
        "persons": PERSONS,
        "area_needs_ms": needs_ms,
        "area_needs_baseline_ms": needs_baseline_ms,
        "load_average_end": load_average(),
        "git": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip(),
    }
    figures["failed_checks"] = [] if queued == RECIPIENTS else ["deliveries_queued"]
    figures["targets"] = {k: f"<= {limit}" for k, (_kind, limit) in TARGETS.items()}
    figures["failed_targets"] = missed(figures, TARGETS)
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
