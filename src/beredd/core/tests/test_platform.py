"""Settings, health, logging and i18n (issue: Foundation, items 3 and 8)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.core.logging import JsonFormatter

REPO = Path(__file__).resolve().parents[4]


def test_check_deploy_is_clean_under_production_settings() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by the browser tests only
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "k9-Vq2.mZ7pLWx4Rt8QbN1wE6sY3uH0cJ5gFTdA-oIPeKZ" * 2,
        "ALLOWED_HOSTS": "beredd.example.se",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REGISTER_KEYS": "q0Jm8yqkz3V7o7c2oQm1J0b2p6xN4h5Yw9tR3eS1uKA=",  # 32 random bytes (not the public dev key)
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_weak_secret_key() -> None:
    env = {**os.environ, "DJANGO_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x", "DATABASE_URL": "sqlite:///x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_healthz_reports_database_and_queue(client: Client, db: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok" and body["checks"]["tasks"]["status"] == "ok"


def test_security_headers(client: Client, db: Any) -> None:
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_json_logs_mask_personal_data() -> None:
    record = logging.LogRecord("beredd", logging.INFO, __file__, 1, "looked up 19121212-1212 for anna@example.se", None, None)
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert "1212" not in payload["message"] and "anna@" not in payload["message"]
    assert payload["level"] == "INFO"


def test_swedish_is_the_default_and_english_is_selectable(client: Client, db: Any) -> None:
    response = client.get(reverse("account_login"))
    assert '<html lang="sv">' in response.content.decode()
    assert "Hoppa till huvudinnehållet" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("account_login"))
    assert '<html lang="en">' in response.content.decode()
    assert "Skip to main content" in response.content.decode()


def test_demo_refuses_to_run_without_debug(db: Any, settings: Any) -> None:
    import pytest
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")


def test_every_swedish_message_is_translated() -> None:
    """Swedish is the UI language: every catalogue must be complete (no untranslated or fuzzy entries)."""
    catalogues = sorted((REPO / "src" / "beredd").rglob("locale/sv/LC_MESSAGES/django.po"))
    assert catalogues
    for po in catalogues:
        result = subprocess.run(
            ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
        )
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, f"{po}: {result.stderr}"


def test_the_django_admin_is_not_exposed(client: Client, db: Any) -> None:
    # Admin edits would bypass the audit log and two-factor login.
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
