"""The embedded default under concurrency (`make bench`; issue 14 item 7, issue 9 "Reliability"): SQLite, as `make run`.

A file-based SQLite database in a temporary directory; ``manage.py runserver --noreload`` (what `make run` starts)
and the task worker (``beredd_worker``) as separate processes; 8 client threads submitting reports through the HTTP
API (Idempotency-Keys, keep-alive) for ``BENCH_EMBEDDED_SECONDS`` (default 60) while a MAS commits a large register
import (``BENCH_EMBEDDED_IMPORT_N`` rows, default 20,000) in another process. Then the same clients against the
ingest floor (``/bench/floor``) through the same server, for the ratio. Reports:

* ``embedded_submissions_per_s`` / ``embedded_floor_per_s`` (``embedded_ratio``), p95 latencies (information);
* ``embedded_locked_errors`` (responses or server log lines saying "database is locked"; target 0),
  ``embedded_5xx`` (target 0), ``embedded_lost`` (accepted − stored versions; target 0);
* ``embedded_import_s`` and ``embedded_import_created`` (the import must succeed while the clients write);
* ``embedded_worker_alive`` and ``embedded_healthz`` after the run.

``scenario()`` is also what ``tests/test_embedded_concurrency.py`` runs, shorter.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CLIENTS = 8
SECONDS = float(os.environ.get("BENCH_EMBEDDED_SECONDS", "60"))
IMPORT_N = int(os.environ.get("BENCH_EMBEDDED_IMPORT_N", "20000"))
FLOOR_SECONDS = float(os.environ.get("BENCH_EMBEDDED_FLOOR_SECONDS", str(max(3.0, min(15.0, SECONDS / 4)))))
UNITS_PER_CLIENT = 4
ANSWERS = {
    "impact": {"plan": 1, "resources": 0, "load": 0},
    "staff_total": 20,
    "staff_absent": 4,
    "staffing_status": "yellow",
    "assessment": "Ansträngt men hanterbart.",
}


def _env(tmp: Path, busy_timeout: int | None) -> dict[str, str]:
    env = os.environ | {
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp / 'beredd.sqlite3'}",
        "BEREDD_VAR_DIR": str(tmp),
        "BEREDD_BENCH_ENDPOINTS": "1",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
        "DJANGO_SETTINGS_MODULE": "beredd.settings",
    }
    env.pop("TASKS_BACKEND", None)
    if busy_timeout is not None:
        env["SQLITE_BUSY_TIMEOUT"] = str(busy_timeout)
    return env


def _django() -> None:
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def _setup(tmp: Path) -> dict[str, Any]:
    """Child process: migrate, the reference tree, a round for Gävle's units, one kommun system token, a MAS."""
    _django()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from beredd.accounts.models import Membership, User
    from beredd.accounts.services import token_create
    from beredd.orgs.models import Organisation
    from beredd.orgs.services import _set_path, load_reference
    from beredd.reporting.services import rounds
    from beredd.reporting.services.templates import builtin_templates_install

    call_command("migrate", verbosity=0)
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    sandviken = Organisation.objects.get(kind="kommun", code="2181")
    units = []
    for i in range(CLIENTS * UNITS_PER_CLIENT):
        unit = Organisation.objects.create(kind="unit", parent=gavle, name=f"Enhet {i}", service_kind="sabo", regi="kommunal")
        _set_path(unit)
        units.append(unit.pk)
    import_unit = Organisation.objects.create(
        kind="unit", parent=sandviken, name="Hemtjänst Sandviken", service_kind="hemtjanst", regi="kommunal"
    )
    _set_path(import_unit)
    admin = User.objects.create_user("national@embedded.test", "x")
    Membership.objects.create(user=admin, organisation=nation, role="national_admin")
    versions = {v.template.key: v for v in builtin_templates_install(owner=nation)}
    now = timezone.now()
    spec = rounds.RoundSpec(
        title="Embedded",
        template_version=versions["vaermebolja"],
        responder="unit",
        recipient_roots=[gavle.pk],
        as_of=now,
        deadline=now + dt.timedelta(hours=20),
    )
    instance = rounds.round_issue(actor=admin, issuer=nation, spec=spec).instances.get()
    system = User.objects.create_user("system@embedded.test")
    membership = Membership.objects.create(user=system, organisation=gavle, role="reporter")
    _token, secret = token_create(actor=system, membership=membership, name="embedded", days=1)
    mas = User.objects.create_user("mas@embedded.test", "x")
    Membership.objects.create(user=mas, organisation=sandviken, role="mas")
    return {
        "instance": instance.pk,
        "units": units,
        "token": secret,
        "mas": mas.pk,
        "sandviken": sandviken.pk,
        "import_unit": import_unit.name,
    }


def _import(tmp: Path, n: int) -> dict[str, Any]:
    """Child process: a MAS previews and commits an ``n``-row register import through the services."""
    ctx = json.loads((tmp / "ctx.json").read_text())
    _django()
    from benchmarks.register import _import_csv
    from beredd.accounts.models import User
    from beredd.orgs.models import Organisation
    from beredd.register import services

    mas = User.objects.get(pk=ctx["mas"])
    sandviken = Organisation.objects.get(pk=ctx["sandviken"])
    content = _import_csv(n, ctx["import_unit"])
    started = time.perf_counter()
    preview = services.import_preview(actor=mas, kommun=sandviken, filename="stor.csv", content=content)
    assert preview.ok, preview.problems[:3]
    result = services.import_commit(actor=mas, kommun=sandviken, batch_id=preview.batch_id)
    return {"created": result.created, "seconds": round(time.perf_counter() - started, 2)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def _clients(port: int, ctx: dict[str, Any], *, floor: bool, until: Any, tag: str) -> dict[str, Any]:
    """CLIENTS threads, each with its own keep-alive connection and its own units, until ``until()`` is true."""
    lock = threading.Lock()
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    locked: list[str] = []
    samples: list[str] = []
    accepted = [0]

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        units = ctx["units"][c * UNITS_PER_CLIENT : (c + 1) * UNITS_PER_CLIENT]
        i = 0
        while not until():
            unit = units[i % len(units)]
            i += 1
            path = "/bench/floor" if floor else f"/api/v1/reporting/instances/{ctx['instance']}/submissions/{unit}"
            headers = {
                "Authorization": f"Bearer {ctx['token']}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{tag}-{c}-{i}",
            }
            body = json.dumps({"answers": ANSWERS | {"staff_absent": i % 20}})
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    statuses["connection_error"] = statuses.get("connection_error", 0) + 1
                    if len(samples) < 5:
                        samples.append(repr(exc))
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
                if response.status == 201:
                    accepted[0] += 1
                else:
                    if b"database is locked" in payload or b"locked" in payload.lower():
                        locked.append(f"{response.status}")
                    if len(samples) < 5:
                        samples.append(f"{response.status} {payload[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "accepted": accepted[0],
        "per_s": round(accepted[0] / wall, 1) if wall else None,
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1) if latencies else None,
        "statuses": statuses,
        "locked": len(locked),
        "samples": samples,
        "wall_s": round(wall, 1),
    }


def scenario(
    *, seconds: float = SECONDS, import_n: int = IMPORT_N, floor_seconds: float = FLOOR_SECONDS, busy_timeout: int | None = None
) -> dict[str, Any]:
    """Run the whole scenario in a temporary directory and return its figures (everything it started is stopped)."""
    with tempfile.TemporaryDirectory(prefix="beredd-embedded-") as name:
        tmp = Path(name)
        env = _env(tmp, busy_timeout)
        setup = subprocess.run(
            [sys.executable, "-m", "benchmarks.embedded", "--setup", str(tmp)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if setup.returncode != 0:
            raise RuntimeError(f"set-up failed: {setup.stderr[-2000:]}")
        ctx = json.loads((tmp / "ctx.json").read_text())
        port = _free_port()
        server_log = (tmp / "server.log").open("w")
        worker_log = (tmp / "worker.log").open("w")
        manage = [sys.executable, "manage.py"]
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = subprocess.Popen(
            [*manage, "beredd_worker", "--interval", "1", "--no-startup-delay"],
            cwd=REPO,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        importer: subprocess.Popen[str] | None = None
        try:
            _wait_for(port)
            if import_n:
                importer = subprocess.Popen(
                    [sys.executable, "-m", "benchmarks.embedded", "--import", str(tmp), str(import_n)],
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            started = time.monotonic()
            imp = importer

            def submissions_done() -> bool:
                # At least ``seconds``, and until the import has finished (the point is writing *while* it commits).
                return time.monotonic() - started >= seconds and (imp is None or imp.poll() is not None)

            submitted = _clients(port, ctx, floor=False, until=submissions_done, tag="s")
            import_figures: dict[str, Any] = {}
            if importer is not None:
                out, err = importer.communicate(timeout=600)
                ok = importer.returncode == 0
                import_figures = json.loads(out.strip().splitlines()[-1]) if ok else {"error": err[-2000:]}
            floor_started = time.monotonic()
            floor = (
                _clients(port, ctx, floor=True, until=lambda: time.monotonic() - floor_started >= floor_seconds, tag="f")
                if floor_seconds > 0
                else None
            )
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            healthz = conn.getresponse().status
            conn.close()
            worker_alive = worker.poll() is None
        finally:
            for proc in (server, worker):
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=30)
            if importer is not None and importer.poll() is None:
                importer.kill()
                importer.wait()
            server_log.close()
            worker_log.close()
        logged = (tmp / "server.log").read_text(errors="replace") + (tmp / "worker.log").read_text(errors="replace")
        db = sqlite3.connect(tmp / "beredd.sqlite3")
        stored = db.execute(
            "SELECT COUNT(*) FROM reporting_submissionversion v JOIN reporting_submission s ON s.id = v.submission_id"
            " WHERE s.instance_id = ?",
            [ctx["instance"]],
        ).fetchone()[0]
        floor_rows = db.execute("SELECT COUNT(*) FROM beredd_bench_floor").fetchone()[0] if floor else 0
        db.close()
    fivexx = sum(v for k, v in submitted["statuses"].items() if k.startswith("5"))
    if floor:
        fivexx += sum(v for k, v in floor["statuses"].items() if k.startswith("5"))
    return {
        "embedded_clients": CLIENTS,
        "embedded_seconds": submitted["wall_s"],
        "embedded_submissions": submitted["accepted"],
        "embedded_submissions_per_s": submitted["per_s"],
        "embedded_submission_p95_ms": submitted["p95_ms"],
        "embedded_floor_per_s": floor["per_s"] if floor else None,
        "embedded_floor_p95_ms": floor["p95_ms"] if floor else None,
        "embedded_ratio": round(submitted["per_s"] / floor["per_s"], 3) if floor and floor["per_s"] else None,
        "embedded_status": submitted["statuses"],
        "embedded_floor_status": floor["statuses"] if floor else {},
        "embedded_samples": submitted["samples"] + (floor["samples"] if floor else []),
        "embedded_locked_errors": submitted["locked"] + (floor["locked"] if floor else 0) + logged.count("database is locked"),
        "embedded_5xx": fivexx,
        "embedded_lost": submitted["accepted"] - stored,
        "embedded_floor_lost": (floor["accepted"] - floor_rows) if floor else 0,
        "embedded_import_rows": import_n,
        "embedded_import_created": import_figures.get("created"),
        "embedded_import_s": import_figures.get("seconds"),
        "embedded_import_error": import_figures.get("error"),
        "embedded_worker_alive": worker_alive,
        "embedded_healthz": healthz,
    }


def run() -> dict[str, Any]:
    figures = scenario()
    checks = []
    if figures["embedded_locked_errors"]:
        checks.append("embedded_locked_errors")
    if figures["embedded_5xx"]:
        checks.append("embedded_5xx")
    if figures["embedded_lost"] or figures["embedded_floor_lost"]:
        checks.append("embedded_lost")
    if IMPORT_N and figures["embedded_import_created"] != IMPORT_N:
        checks.append("embedded_import")
    if not figures["embedded_worker_alive"] or figures["embedded_healthz"] != 200:
        checks.append("embedded_worker")
    if set(figures["embedded_status"]) - {"201"}:
        checks.append("embedded_refused_or_failed")
    figures["failed_checks"] = checks
    # SQLite serialises writers: the ratio is information here (the PostgreSQL ingest ratio is the target).
    figures["failed_targets"] = []
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--setup"]:
        target = Path(sys.argv[2])
        (target / "ctx.json").write_text(json.dumps(_setup(target)))
    elif sys.argv[1:2] == ["--import"]:
        print(json.dumps(_import(Path(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(run(), indent=2, ensure_ascii=False))
