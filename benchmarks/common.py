"""Shared set-up for the benchmarks: each one owns a PostgreSQL database it drops and recreates per run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
