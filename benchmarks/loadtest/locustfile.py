"""The load test's traffic mix (Locust), driven by ``benchmarks/loadtest/run.py``; not run on its own.

* ``UnitSystem``: a kommun's own system submitting a unit's report with an ``Idempotency-Key``; on a network
  error or a 502/503 from the proxy it retries with the same key (up to 4 times), as the API guide tells
  clients to. Every accepted answer (201 new, 200 replayed) is written to ``LOADTEST_ACCEPTED`` so the run
  can prove afterwards that each accepted key is stored exactly once.
* ``Coordinator``: a county analyst whose dashboard polls the completeness fragment and the roll-up API,
  and now and then opens the full roll-up page or downloads the answers export.

Each client sends one request a second on average, at random intervals (``poisson_throughput``); run.py starts
150·s unit systems and 420·s coordinators, the issue's 6× national peak scaled by s (see run.py), so the offered
rates keep the peak's proportion.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

from locust import FastHttpUser, events, task

SEED = json.loads(Path(os.environ["LOADTEST_SEED"]).read_text(encoding="utf-8"))
INSTANCE = SEED["instance_id"]
HOST_HEADER = os.environ.get("LOADTEST_HOST_HEADER", "beredd.loadtest")
_accepted = open(os.environ["LOADTEST_ACCEPTED"], "a", encoding="utf-8")  # noqa: SIM115  # open for the whole run


def _answers(rng: random.Random) -> dict[str, Any]:
    from benchmarks.reporting import _answers as build

    return build(rng)


_status_counts: dict[str, dict[str, int]] = {}
_errors_by_second: dict[str, dict[str, int]] = {}
_latencies: dict[str, list[tuple[float, float]]] = {}  # per request name: (wall-clock time, response time in ms)


@events.request.add_listener
def _tally(name: str, response: Any = None, exception: Any = None, response_time: float = 0.0, **_kwargs: Any) -> None:
    """Count every response by status (0 = no answer), and 5xx/no-answer per wall-clock second; keep every
    response time with its time, so that run.py can tell the fault periods from the steady state."""
    _latencies.setdefault(name, []).append((round(time.time(), 2), round(float(response_time or 0.0), 1)))
    status = str(getattr(response, "status_code", 0) or 0)
    per_name = _status_counts.setdefault(name, {})
    per_name[status] = per_name.get(status, 0) + 1
    if status == "0" or status.startswith("5"):
        second = _errors_by_second.setdefault(str(int(time.time())), {})
        second[status] = second.get(status, 0) + 1


@events.quitting.add_listener
def _close(**_kwargs: Any) -> None:
    _accepted.close()
    Path(os.environ["LOADTEST_STATUS"]).write_text(
        json.dumps({"status_counts": _status_counts, "errors_by_second": _errors_by_second, "latencies": _latencies}),
        encoding="utf-8",
    )


def poisson_throughput(rate: float) -> Any:
    """A wait time for ``rate`` requests a second per client at exponentially distributed intervals (a Poisson
    process), from a random phase. Many people polling on their own schedules, not clients that fire in step:
    with ``constant_throughput`` every client keeps the phase it started with, the clients that started together
    fire together every second, and the waves measured as latency what no set of independent users does (60
    clients at 1/s against one node: median 120 ms in waves, 8 ms at random phases, same node, same rate)."""

    def wait_time(user: Any) -> float:
        now = time.monotonic()
        due = max(getattr(user, "_poisson_due", now) + random.expovariate(rate), now)  # never a burst to catch up
        user._poisson_due = due
        return due - now

    return wait_time


def _random_phase(user: Any, rate: float) -> None:
    """Start at a random point of the first interval (on_start: before the first request)."""
    delay = random.expovariate(rate)
    user._poisson_due = time.monotonic() + delay
    time.sleep(delay)  # gevent's sleep under Locust: other clients run meanwhile


# Open-ish load: each simulated client sends one request a second on average (as long as answers take under a
# second), and run.py starts as many of each as the offered rate asks for.
class UnitSystem(FastHttpUser):
    fixed_count = int(os.environ.get("LOADTEST_UNIT_USERS", "3"))
    wait_time = poisson_throughput(1)

    def on_start(self) -> None:
        self.rng = random.Random()
        _random_phase(self, 1)

    @task
    def submit(self) -> None:
        unit = self.rng.choice(SEED["units"])
        key = uuid.uuid4().hex
        body = json.dumps({"answers": _answers(self.rng)})
        headers = {
            "Authorization": f"Bearer {unit['token']}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "Host": HOST_HEADER,
        }
        url = f"/api/v1/reporting/instances/{INSTANCE}/submissions/{unit['org_id']}"
        for attempt in range(5):
            with self.client.post(url, data=body, headers=headers, name="submit", catch_response=True) as response:
                status = response.status_code
                if status in (200, 201):
                    version = response.json().get("version_number")
                    _accepted.write(f"{key},{unit['org_id']},{status},{version},{attempt}\n")
                    _accepted.flush()
                    response.success()
                    return
                if status in (0, 502, 503, 504) and attempt < 4:
                    response.failure(f"retried after {status}")
                    time.sleep(0.2 * (attempt + 1))
                    continue
                response.failure(f"{status} {response.text[:120] if response.text else ''}")
                return


class Coordinator(FastHttpUser):
    fixed_count = int(os.environ.get("LOADTEST_COORDINATOR_USERS", "7"))
    wait_time = poisson_throughput(1)

    def on_start(self) -> None:
        _random_phase(self, 1)
        person = random.choice(SEED["coordinators"])
        self.org_id = person["org_id"]
        self.api = {"Authorization": f"Bearer {person['token']}", "Host": HOST_HEADER}
        # The session cookie is set by hand: it is Secure, and the proxy is plain HTTP on loopback here.
        self.web = {"Cookie": f"{SEED['session_cookie']}={person['session']}", "Host": HOST_HEADER}

    @task(10)
    def completeness_fragment(self) -> None:
        self.client.get(
            f"/lagesbild/tillfalle/{INSTANCE}/fullstandighet/?org={self.org_id}",
            headers=self.web | {"HX-Request": "true"},
            name="completeness fragment",
        )

    @task(6)
    def rollup_api(self) -> None:
        self.client.get(
            f"/api/v1/reporting/instances/{INSTANCE}/rollup?org_id={self.org_id}", headers=self.api, name="rollup api"
        )

    @task(1)
    def rollup_page(self) -> None:
        self.client.get(f"/lagesbild/tillfalle/{INSTANCE}/?org={self.org_id}", headers=self.web, name="rollup page")

    @task(1)
    def export(self) -> None:
        if random.random() < 0.1:  # a few exports, not a stream of them
            self.client.get(
                f"/lagesbild/tillfalle/{INSTANCE}/export/answers.csv?org={self.org_id}", headers=self.web, name="export csv"
            )
