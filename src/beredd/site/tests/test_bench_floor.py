"""The ingest floor (/bench/floor) exists only on benchmark servers and is refused in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.site import bench

REPO = Path(__file__).resolve().parents[4]


def test_the_floor_is_not_mounted_by_default(client: Client, db: Any) -> None:
    assert client.post("/bench/floor", {}, content_type="application/json").status_code == 404


def test_the_benchmark_urlconf_authenticates_and_inserts_one_row(
    client: Client, settings: Any, ref: dict[str, Any], make_user: Any
) -> None:
    settings.ROOT_URLCONF = "beredd.site.bench_urls"
    user = make_user(ref["gavle"], "reporter")
    _token, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="t", days=1)
    assert client.post("/bench/floor", {"a": 1}, content_type="application/json").status_code == 401
    bad = client.post("/bench/floor", {"a": 1}, content_type="application/json", HTTP_AUTHORIZATION="Bearer bd_nope")
    assert bad.status_code == 401
    before = bench.rows()
    ok = client.post("/bench/floor", {"a": 1}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ok.status_code == 201 and ok.json() == {"stored": True}
    assert bench.rows() == before + 1


def test_production_refuses_the_benchmark_endpoints() -> None:
    env = os.environ | {
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "beredd.example.se",
        "DATABASE_URL": "sqlite:///x",
        "REGISTER_KEYS": "q0Jm8yqkz3V7o7c2oQm1J0b2p6xN4h5Yw9tR3eS1uKA=",  # 32 random bytes (not the public dev key)
        "BEREDD_BENCH_ENDPOINTS": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "BEREDD_BENCH_ENDPOINTS" in result.stderr
