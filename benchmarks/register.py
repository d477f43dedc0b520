"""Register benchmark (`make bench`) on PostgreSQL: import, incident impact query and access-logging overhead.

Synthetic residents spread over the 290 kommuner (Gävle gets a larger share so that an incident polygon holds
about 5,000 of them). Measures, each with its baseline in the same run:

* ``import_100k_s``: a CSV import through ``register.services.import_rows`` with full validation (personnummer
  checksum and date, postcode, unit, devices, coordinates), duplicate check and encryption (COPY on PostgreSQL);
  ``import_baseline_s``: the same file parsed and COPY-inserted as it is, without validation or encryption.
* ``impact_query_ms``: ``register.services.impact_query`` for a polygon in Gävle (median of 15);
  ``impact_baseline_ms``: a bounding-box SQL filter plus vectorised shapely point-in-polygon (median of 15,
  interleaved with the first).
* ``logging_overhead_ratio``: the register's 100-row list page with access logging / the same page with logging
  switched off (median of 40 interleaved requests each).

The database ``beredd_bench_register`` is dropped and recreated on each run; the work runs in a subprocess so that
its Django settings do not mix with other benchmarks. ``BENCH_REGISTER_N`` and ``BENCH_REGISTER_IMPORT_N`` scale it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import bench_db_url, ratio, recreate_database

REPO = Path(__file__).resolve().parent.parent
DB_NAME = "beredd_bench_register"
DB_URL = bench_db_url("BENCH_REGISTER_DATABASE_URL", DB_NAME)
N_RESIDENTS = int(os.environ.get("BENCH_REGISTER_N", "500000"))
N_IMPORT = int(os.environ.get("BENCH_REGISTER_IMPORT_N", "100000"))
GAVLE_SHARE = 40_000 / 500_000
# Targets on ratios against same-run baselines (at most); absolute times are information.
TARGETS = {"import_ratio": 8.0, "impact_ratio": 2.0, "logging_overhead_ratio": 1.2}
# Gävle's synthetic residents lie in this box; the incident polygon covers about 1/8 of it.
BOX = (60.60, 60.75, 16.95, 17.30)  # lat min, lat max, lon min, lon max
POLYGON = [[17.075, 60.642], [17.169, 60.636], [17.185, 60.686], [17.13, 60.716], [17.07, 60.691], [17.075, 60.642]]


def run() -> dict[str, Any]:
    env = dict(os.environ, DATABASE_URL=DB_URL, DJANGO_ENV="test", DEBUG="false")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.register", "--worker"], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:], "failed_targets": ["run"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pnr(i: int) -> str:
    from beredd.register.testdata import make_pnr

    # Unique for i < 9.49 million: a day from 1930 on, and a serial number that changes every 9,490 numbers.
    born = dt.date(1930, 1, 1) + dt.timedelta(days=(i * 7919) % 9490)
    return make_pnr(born, (i // 9490) % 1000)


def _populate(rng: random.Random, kommuner: list[Any], units: dict[int, Any], gavle: Any) -> int:
    """COPY N_RESIDENTS residents (encrypted, hashed) and their devices straight into the tables."""
    from django.db import connection

    from beredd.register import crypto
    from beredd.register.models import Device

    devices = list(Device.objects.values_list("pk", "life_sustaining"))
    n_gavle = int(N_RESIDENTS * GAVLE_SHARE)
    others = [k for k in kommuner if k.pk != gavle.pk]
    today = dt.date.today().isoformat()
    person_cols = (
        "id, created_at, updated_at, kommun_id, unit_id, pnr_encrypted, pnr_hash, is_coordination_number, birth_year, "
        "first_name, last_name, phone, address, postcode, locality, lat, lon, cannot_evacuate, transport_need, "
        "heat_sensitive, language, interpreter, easy_swedish, hearing_impaired, vision_impaired, legal_basis, legal_note, "
        "review_date, status, has_device, has_life_device, life_battery_hours"
    )
    now = dt.datetime.now(dt.UTC).isoformat()
    device_rows = []
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY register_person ({person_cols}) FROM STDIN") as copy:
            for i in range(N_RESIDENTS):
                if i < n_gavle:
                    kommun = gavle
                    lat, lon = rng.uniform(BOX[0], BOX[1]), rng.uniform(BOX[2], BOX[3])
                else:
                    kommun = others[i % len(others)]
                    lat, lon = rng.uniform(56.0, 67.0), rng.uniform(12.0, 23.0)
                pnr = _pnr(i)
                summary: tuple[bool, bool, float | None] = (False, False, None)
                if rng.random() < 0.3:
                    device, life = devices[rng.randrange(len(devices))]
                    hours = round(rng.uniform(0.5, 24), 1) if rng.random() < 0.7 else None
                    device_rows.append((i + 1, device, hours))
                    summary = (True, life, hours if life else None)
                copy.write_row(
                    (
                        i + 1,
                        now,
                        now,
                        kommun.pk,
                        units[kommun.pk].pk,
                        crypto.encrypt(pnr),
                        crypto.search_hash(pnr),
                        False,
                        int(pnr[:4]),
                        "Förnamn",
                        f"Efternamn{i}",
                        "070-1234567",
                        f"Gatan {i % 90 + 1}",
                        "802 50",
                        kommun.name,
                        round(lat, 6),
                        round(lon, 6),
                        rng.random() < 0.1,
                        "",
                        rng.random() < 0.2,
                        "",
                        False,
                        False,
                        False,
                        False,
                        "care",
                        "",
                        today,
                        "active",
                        *summary,
                    )
                )
        with cursor.cursor.copy("COPY register_persondevice (person_id, device_id, battery_hours) FROM STDIN") as copy:
            for row in device_rows:
                copy.write_row(row)
        cursor.execute("SELECT setval(pg_get_serial_sequence('register_person', 'id'), %s)", [N_RESIDENTS + 1])
        cursor.execute("ANALYZE register_person; ANALYZE register_persondevice;")
    return n_gavle


def _import_csv(n: int, unit_name: str) -> bytes:
    rng = random.Random(5)
    codes = ["home_ventilator", "oxygen_concentrator", "electric_bed", "safety_alarm", "suction"]
    out = io.StringIO()
    out.write("personnummer;first_name;last_name;address;postcode;locality;lat;lon;unit;devices;cannot_evacuate;heat_sensitive\n")
    for i in range(n):
        pnr = _pnr(9_000_000 + i)
        device = f"{codes[i % len(codes)]}:{rng.randint(1, 12)}" if i % 3 == 0 else ""
        out.write(
            f"{pnr[:8]}-{pnr[8:]};Anna;Import{i};Storgatan {i % 80 + 1};81130;Sandviken;"
            f"{60.6 + rng.random() * 0.05:.5f};{16.7 + rng.random() * 0.1:.5f};{unit_name};{device};"
            f"{'ja' if i % 10 == 0 else 'nej'};{'ja' if i % 5 == 0 else 'nej'}\n"
        )
    return out.getvalue().encode("utf-8")


def _median_ms(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def worker() -> dict[str, Any]:
    recreate_database(DB_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beredd.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from shapely.geometry import Polygon

    from beredd.accounts.models import Membership, User
    from beredd.core.tables import read_table
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import _set_path, load_reference
    from beredd.register import access, geo, services
    from beredd.register.models import Person

    call_command("migrate", verbosity=0)
    load_reference()
    kommuner = list(Organisation.objects.filter(kind="kommun").order_by("code"))
    units = {}
    for k in kommuner:
        unit = Organisation.objects.create(
            kind="unit", parent=k, name=f"Hemtjänst {k.name}", service_kind="hemtjanst", regi="kommunal"
        )
        _set_path(unit)
        units[k.pk] = unit
    gavle = next(k for k in kommuner if k.code == "2180")
    sandviken = next(k for k in kommuner if k.code == "2181")
    ockelbo = next(k for k in kommuner if k.code == "2101")
    mas = User.objects.create_user("mas@bench.beredd.se", "x")
    for k in (gavle, sandviken, ockelbo):
        Membership.objects.create(user=mas, organisation=k, role="mas")
    Authenticator.objects.create(user=mas, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    rng = random.Random(2026)

    started = time.perf_counter()
    n_gavle = _populate(rng, kommuner, units, gavle)
    populate_s = time.perf_counter() - started

    # Import: full validation and encryption, all-or-nothing, into Sandviken.
    content = _import_csv(N_IMPORT, units[sandviken.pk].name)
    scope = access.identity_scope(mas, sandviken)
    started = time.perf_counter()
    result = services.import_rows(
        actor=mas, scope=scope, kommun=sandviken, rows=read_table(filename="bench.csv", content=content)
    )
    import_s = time.perf_counter() - started
    assert result.created == N_IMPORT, result
    # Baseline: the same rows parsed and COPY-inserted as they are (no validation, no encryption), into Ockelbo.
    started = time.perf_counter()
    rows = read_table(filename="bench.csv", content=content)
    unit = units[ockelbo.pk]
    now = dt.datetime.now(dt.UTC)
    base_cols = (
        "created_at, updated_at, kommun_id, unit_id, pnr_encrypted, pnr_hash, is_coordination_number, birth_year, "
        "first_name, last_name, phone, address, postcode, locality, lat, lon, cannot_evacuate, transport_need, "
        "heat_sensitive, language, interpreter, easy_swedish, hearing_impaired, vision_impaired, legal_basis, "
        "legal_note, review_date, status, has_device, has_life_device"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY register_person ({base_cols}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(
                (
                    now,
                    now,
                    ockelbo.pk,
                    unit.pk,
                    r["personnummer"],
                    r["personnummer"],
                    False,
                    1940,
                    r["first_name"],
                    r["last_name"],
                    "",
                    r["address"],
                    r["postcode"],
                    r["locality"],
                    r["lat"],
                    r["lon"],
                    r["cannot_evacuate"] == "ja",
                    "",
                    r["heat_sensitive"] == "ja",
                    "",
                    False,
                    False,
                    False,
                    False,
                    "care",
                    "",
                    "2027-01-01",
                    "active",
                    bool(r["devices"]),
                    False,
                )
            )
    baseline_import_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE register_person; ANALYZE register_persondevice;")

    # Impact query against its baseline.
    area = geo.parse_area({"type": "Polygon", "coordinates": [POLYGON]})
    impacts = services.impact_query(kommun_id=gavle.pk, area=area)
    polygon = Polygon(POLYGON)

    def baseline() -> int:
        minx, miny, maxx, maxy = polygon.bounds
        got = list(
            Person.objects.filter(
                kommun_id=gavle.pk, status="active", lat__gte=miny, lat__lte=maxy, lon__gte=minx, lon__lte=maxx
            ).values_list("pk", "lat", "lon")
        )
        inside = geo.points_inside(polygon, [g[1] for g in got], [g[2] for g in got])
        return int(inside.sum())

    assert baseline() == len(impacts)
    impact_times, baseline_times = [], []
    for _ in range(15):  # interleaved, so that load from other processes hits both alike
        impact_times.append(_median_ms(lambda: services.impact_query(kommun_id=gavle.pk, area=area), 1))
        baseline_times.append(_median_ms(baseline, 1))
    impact_ms = round(statistics.median(impact_times), 1)
    impact_baseline_ms = round(statistics.median(baseline_times), 1)

    # Logging overhead on the 100-row list page.
    setup_test_environment()
    client = Client()
    client.force_login(mas)
    session = client.session
    session["beredd_org_id"] = gavle.pk
    session.save()
    url = "/register/?purpose=care&q="
    original = access.log
    with_log, without_log = [], []
    for _ in range(3):  # warm-up
        assert client.get(url).status_code == 200
    for _ in range(40):
        started = time.perf_counter()
        response = client.get(url)
        with_log.append(time.perf_counter() - started)
        access.log = lambda **kw: 0  # type: ignore[assignment]  # the same view without logging
        try:
            started = time.perf_counter()
            client.get(url)
            without_log.append(time.perf_counter() - started)
        finally:
            access.log = original  # type: ignore[assignment]
    assert len(response.context["people"]) == 100
    log_ratio = statistics.median(with_log) / statistics.median(without_log)

    figures: dict[str, Any] = {
        "residents": N_RESIDENTS + 2 * N_IMPORT,
        "residents_gavle": n_gavle,
        "populate_s": round(populate_s, 1),
        "import_rows": N_IMPORT,
        "import_100k_s": round(import_s, 2),
        "import_baseline_s": round(baseline_import_s, 2),
        "import_ratio": ratio(import_s, baseline_import_s),
        "impact_residents_in_polygon": len(impacts),
        "impact_query_ms": impact_ms,
        "impact_baseline_ms": impact_baseline_ms,
        "impact_ratio": round(impact_ms / impact_baseline_ms, 2),
        "list_page_ms_with_log": round(statistics.median(with_log) * 1000, 1),
        "list_page_ms_without_log": round(statistics.median(without_log) * 1000, 1),
        "logging_overhead_ratio": round(log_ratio, 3),
    }
    failed = [k for k, limit in TARGETS.items() if figures[k] is None or figures[k] > limit]
    figures["targets"] = {k: f"<= {limit}" for k, limit in TARGETS.items()}
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    if N_RESIDENTS != 500_000 or N_IMPORT != 100_000:
        figures["note"] = f"scaled down: {N_RESIDENTS} residents, {N_IMPORT} imported rows (targets are for 500,000 / 100,000)"
    figures["failed_targets"] = failed
    return figures


if __name__ == "__main__" and "--worker" in sys.argv:
    print(json.dumps(worker(), ensure_ascii=False))
