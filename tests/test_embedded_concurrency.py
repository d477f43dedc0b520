"""The embedded default (SQLite) under real concurrency: 8 clients submitting over HTTP to a real server (`manage.py
runserver`, as `make run`) while a MAS commits a large register import and the task worker runs, all as separate
processes on one file-based SQLite database. No "database is locked", no 5xx, nothing lost, the import succeeds.

The busy timeout is cut to 8 s here so that a writer holding the lock for long (an import in one transaction, as
before the staged import) shows up as failures within the test's time. `make bench` runs the full minute
(``benchmarks/embedded.py``) and reports the rates.
"""

from __future__ import annotations

from benchmarks.embedded import scenario


def test_eight_clients_submit_while_a_large_import_commits_without_lock_errors_or_losses() -> None:
    figures = scenario(seconds=15, import_n=8000, floor_seconds=0, busy_timeout=8)
    assert figures["embedded_import_error"] is None and figures["embedded_import_created"] == 8000, figures
    assert figures["embedded_locked_errors"] == 0, figures["embedded_samples"]
    assert figures["embedded_5xx"] == 0 and set(figures["embedded_status"]) == {"201"}, figures["embedded_samples"]
    assert figures["embedded_submissions"] > 0 and figures["embedded_lost"] == 0
    assert figures["embedded_worker_alive"] and figures["embedded_healthz"] == 200
