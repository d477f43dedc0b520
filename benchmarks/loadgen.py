"""A cheap HTTP load generator: several client processes, one keep-alive connection each (``http.client``).

Spawned processes (no Django in them, no inherited database sockets), so the clients do not share one GIL with each
other. Each process reports its own CPU time: ``drive`` returns the generator's CPU share, which shows whether the
generator itself could be the bottleneck (a share well below its cores' capacity means it was not).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import time
from typing import Any

Request = tuple[str, str, dict[str, str], bytes]  # method, path, headers, body

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_by_component() -> dict[str, float]:
    """CPU seconds used so far by the machine's processes, summed by kind (``/proc``; empty elsewhere).

    ``postgres`` (every PostgreSQL backend), ``gunicorn`` (the app's workers and master), ``busy`` (the whole
    machine, from ``/proc/stat``), ``steal`` (time the hypervisor gave other guests). Two readings around a batch say where a request's CPU went.
    """
    totals = {"postgres": 0.0, "gunicorn": 0.0, "busy": 0.0, "steal": 0.0}
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
        # user nice system idle iowait irq softirq steal (guest time is already in user and nice)
        steal = fields[7] if len(fields) > 7 else 0
        totals["busy"] = (sum(fields[:8]) - fields[3] - fields[4] - steal) / _TICK
        totals["steal"] = steal / _TICK  # taken by the hypervisor for other guests: a noisy neighbour
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                raw = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue  # ended in between
        comm, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()
        used = (int(rest[11]) + int(rest[12])) / _TICK  # utime + stime
        if comm == "postgres" or cmd.startswith(b"postgres"):
            totals["postgres"] += used
        elif b"gunicorn" in cmd:
            totals["gunicorn"] += used
    return totals


def _send(
    conn: http.client.HTTPConnection, port: int, requests: list[Request]
) -> tuple[http.client.HTTPConnection, dict[str, Any]]:
    """Send ``requests`` one after another on ``conn`` (reconnecting after a network error); their figures."""
    cpu0 = time.process_time()
    began = time.time()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    bodies: list[str] = []
    for method, path, headers, body in requests:
        started = time.perf_counter()
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            statuses["connection_error"] = statuses.get("connection_error", 0) + 1
            if len(errors) < 3:
                errors.append(repr(exc))
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
        if response.status >= 300 and len(bodies) < 3:
            bodies.append(f"{response.status} {payload[:300]!r}")
    return conn, {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors + bodies,
        "began": began,
        "ended": time.time(),
        "cpu_s": time.process_time() - cpu0,
    }


def _client(port: int, requests: list[Request], start_at: float, threads: int = 1) -> dict[str, Any]:
    if threads > 1:
        return _threaded(port, requests, start_at, threads)
    while time.time() < start_at:
        time.sleep(0.001)
    conn, result = _send(http.client.HTTPConnection("127.0.0.1", port, timeout=60), port, requests)
    conn.close()
    return result


def _phased_client(port: int, phases: list[list[Request]], barrier: Any, results: Any) -> None:
    """One client of ``drive_phases``: each phase starts when every client (and the parent) reached the barrier."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for requests in phases:
        barrier.wait()
        conn, result = _send(conn, port, requests)
        out.append(result)
    barrier.wait()  # the last phase's end
    conn.close()
    results.put(out)


def _threaded(port: int, requests: list[Request], start_at: float, threads: int) -> dict[str, Any]:
    """``threads`` clients in one process (each its own connection): many concurrent pollers, few processes.

    The threads mostly wait on the server, so sharing one GIL costs little; CPU time is the process's."""
    from concurrent.futures import ThreadPoolExecutor

    cpu0 = time.process_time()
    parts = [requests[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda part: _client(port, part, start_at), parts))
    merged = _merge(results)
    merged["cpu_s"] = time.process_time() - cpu0
    return merged


def _merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    errors: list[str] = []
    for r in results:
        latencies += r["latencies"]
        errors += r["errors"]
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors,
        "began": min(r["began"] for r in results),
        "ended": max(r["ended"] for r in results),
        "cpu_s": sum(r["cpu_s"] for r in results),
    }


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, min(len(ordered) - 1, int(len(ordered) * q + 0.5) - 1))], 1)


def drive(
    port: int, requests: list[Request], *, clients: int = 8, ok_status: str = "201", processes: int | None = None
) -> dict[str, Any]:
    """Send ``requests`` over ``clients`` concurrent connections (round-robin split); figures for the whole batch.

    By default one process per client; with ``processes`` the clients are threads spread over that many processes.
    """
    clients = max(1, min(clients, len(requests)))
    procs = clients if processes is None else max(1, min(processes, clients))
    threads = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    parts = [requests[i::procs] for i in range(procs)]
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 1.5  # every process is up before the first request
    with ctx.Pool(procs) as pool:
        pending = pool.starmap_async(_client, [(port, part, start_at, n) for part, n in zip(parts, threads, strict=True)])
        time.sleep(max(0.0, start_at - time.time()))
        before = cpu_by_component()
        results = pending.get()
        after = cpu_by_component()
    merged = _merge(results)
    figures = _figures(merged, merged["ended"] - merged["began"], len(requests), ok_status)
    # Where a request's CPU went while the batch ran (ms per request; ``busy`` is the whole machine).
    figures["cpu_ms_per_request"] = _cpu_per_request(before, after, len(requests))
    return figures


def _cpu_per_request(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
    """CPU ms per request by kind between two ``cpu_by_component`` readings around ``count`` requests."""
    return {k: round((after[k] - before[k]) * 1000 / max(1, count), 3) for k in after}


def _figures(merged: dict[str, Any], wall: float, count: int, ok_status: str) -> dict[str, Any]:
    statuses, latencies = merged["statuses"], merged["latencies"]
    ok = statuses.get(ok_status, 0)
    cpu = merged["cpu_s"]
    return {
        "ok": ok,
        "per_s": round(ok / wall, 1) if wall > 0 else None,
        "wall_s": round(wall, 2),
        "p50_ms": _percentile(latencies, 0.5),
        "p95_ms": _percentile(latencies, 0.95),
        "statuses": statuses,
        "errors": merged["errors"][:5],
        # Share of the machine's CPU the generator used while it ran (1.0 = every core busy with the generator).
        "loadgen_cpu_share": round(cpu / (wall * (os.cpu_count() or 1)), 3) if wall > 0 else None,
        "loadgen_cpu_ms_per_request": round(cpu * 1000 / max(1, count), 3),
    }


def drive_phases(port: int, phases: list[list[Request]], *, clients: int = 8, ok_status: str = "201") -> list[dict[str, Any]]:
    """Send each phase's requests over ``clients`` concurrent connections, phase after phase, with the client
    processes kept: a phase starts when every client finished the one before (a barrier), so many short
    alternating phases (floor, submissions, floor, ...) cost no process start-up. Figures per phase, as ``drive``
    returns them; a phase's wall time is from the barrier that started it to the one that ended it, as the
    parent saw them, with ``cpu_ms_per_request`` read at those moments."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(clients + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_phased_client, args=(port, [phase[i::clients] for phase in phases], barrier, results))
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    try:
        marks: list[tuple[float, dict[str, float]]] = []
        for _ in range(len(phases) + 1):
            barrier.wait(timeout=600)
            marks.append((time.time(), cpu_by_component()))
        per_client = [results.get(timeout=60) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    out = []
    for k, phase in enumerate(phases):
        merged = _merge([client[k] for client in per_client])
        (t0, before), (t1, after) = marks[k], marks[k + 1]
        figures = _figures(merged, t1 - t0, len(phase), ok_status)
        figures["cpu_ms_per_request"] = _cpu_per_request(before, after, len(phase))
        out.append(figures)
    return out
