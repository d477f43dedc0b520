"""Shared set-up for the benchmarks: each one owns a PostgreSQL database it drops and recreates per run."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def recreate_database(db_url: str) -> None:
    """Drop and create the database named at the end of ``db_url`` (connecting to ``postgres`` to do it)."""
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(db_url: str) -> None:
    """Point Django at ``db_url`` with test settings (DEBUG off, so no query log skews timings) and start it."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beredd.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


SMOKE = os.environ.get("BENCH_SMOKE") == "1"


def bench_db_url(env_var: str, name: str) -> str:
    """The benchmark's PostgreSQL URL: ``env_var`` if set, else a local database ``name`` (``name_smoke`` in smoke runs)."""
    return os.environ.get(env_var) or f"postgres://postgres@127.0.0.1:5432/{name}{'_smoke' if SMOKE else ''}"


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline`` rounded, or None when either is missing or the baseline is zero."""
    if value is None or not baseline:
        return None
    return round(value / baseline, 3)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def missed(figures: dict[str, Any], targets: dict[str, tuple[str, float]]) -> list[str]:
    """Names of the targets ``figures`` miss; ``targets`` maps a figure to ("max" | "min", limit). A missing figure misses."""
    failed = []
    for name, (kind, limit) in targets.items():
        value = figures.get(name)
        if value is None or (value > limit if kind == "max" else value < limit):
            failed.append(name)
    return failed
