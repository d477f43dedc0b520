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


def _client(port: int, requests: list[Request], start_at: float, threads: int = 1) -> dict[str, Any]:
    if threads > 1:
        return _threaded(port, requests, start_at, threads)
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0 = time.process_time()
    began = time.time()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
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
    conn.close()
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors + bodies,
        "began": began,
        "ended": time.time(),
        "cpu_s": time.process_time() - cpu0,
    }


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
        results = pool.starmap(_client, [(port, part, start_at, n) for part, n in zip(parts, threads, strict=True)])
    merged = _merge(results)
    statuses, latencies, errors = merged["statuses"], merged["latencies"], merged["errors"]
    wall = merged["ended"] - merged["began"]
    cpu = merged["cpu_s"]
    ok = statuses.get(ok_status, 0)
    return {
        "ok": ok,
        "per_s": round(ok / wall, 1) if wall > 0 else None,
        "wall_s": round(wall, 2),
        "p50_ms": _percentile(latencies, 0.5),
        "p95_ms": _percentile(latencies, 0.95),
        "statuses": statuses,
        "errors": errors[:5],
        # Share of the machine's CPU the generator used while it ran (1.0 = every core busy with the generator).
        "loadgen_cpu_share": round(cpu / (wall * (os.cpu_count() or 1)), 3) if wall > 0 else None,
        "loadgen_cpu_ms_per_request": round(cpu * 1000 / max(1, len(requests)), 3),
    }
