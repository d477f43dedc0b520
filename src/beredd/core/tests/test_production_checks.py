"""Production refuses to start with the public development register key, a short or non-base64 key, or a
wildcard in ALLOWED_HOSTS (system checks beredd.E010 and beredd.E001), in `check --deploy` and at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from beredd.core.checks import check_allowed_hosts
from beredd.register.checks import check_register_keys

REPO = Path(__file__).resolve().parents[4]
GOOD_KEY = "q0Jm8yqkz3V7o7c2oQm1J0b2p6xN4h5Yw9tR3eS1uKA="  # 32 bytes
URLSAFE_KEY = "q0Jm8yqkz3V7o7c2oQm1J0b2p6xN4h5Yw9tR3eS1uKA=".replace("+", "-")
BAD_KEYS = {
    "development key": "ZGV2LW9ubHktcmVnaXN0ZXIta2V5LTAxMjM0NTY3ODk=",
    "one byte": "eA==",
    "31 bytes": "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ==",
    "not base64": "this is not base64!",
    "bad padding": "q0Jm8yqkz3V7o7c2oQm1J0b2p6xN4h5Yw9tR3eS1uKA",
}


@pytest.mark.parametrize("key", list(BAD_KEYS.values()), ids=list(BAD_KEYS))
def test_an_unfit_register_key_is_an_error_in_production(settings: Any, key: str) -> None:
    settings.PRODUCTION = True
    settings.REGISTER_KEYS = [GOOD_KEY, key]  # also when it is only the old key kept for decryption
    assert [e.id for e in check_register_keys()] == ["beredd.E010"]
    assert "key 2" in check_register_keys()[0].msg


def test_random_keys_pass_and_development_is_not_checked(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.REGISTER_KEYS = [GOOD_KEY, URLSAFE_KEY]
    assert check_register_keys() == []
    settings.PRODUCTION = False
    settings.REGISTER_KEYS = [BAD_KEYS["development key"]]
    assert check_register_keys() == []


@pytest.mark.parametrize("hosts", [["*"], ["beredd.example.se", "*"], ["*.example.se"]])
def test_a_wildcard_host_is_an_error_in_production(settings: Any, hosts: list[str]) -> None:
    settings.PRODUCTION = True
    settings.ALLOWED_HOSTS = hosts
    assert [e.id for e in check_allowed_hosts()] == ["beredd.E001"]
    settings.ALLOWED_HOSTS = ["beredd.example.se", ".kommun.se"]
    assert check_allowed_hosts() == []


def _production(**overrides: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "k9-Vq2.mZ7pLWx4Rt8QbN1wE6sY3uH0cJ5gFTdA-oIPeKZ" * 2,
        "ALLOWED_HOSTS": "beredd.example.se",
        "DATABASE_URL": "sqlite:///var/check-deploy-test.sqlite3",
        "REGISTER_KEYS": GOOD_KEY,
    } | overrides


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"REGISTER_KEYS": BAD_KEYS["development key"]}, "beredd.E010"),
        ({"REGISTER_KEYS": BAD_KEYS["one byte"]}, "beredd.E010"),
        ({"REGISTER_KEYS": BAD_KEYS["not base64"]}, "beredd.E010"),
        ({"ALLOWED_HOSTS": "*"}, "beredd.E001"),
    ],
    ids=["development-key", "one-byte-key", "not-base64", "wildcard-host"],
)
def test_check_deploy_refuses_each_unsafe_production_setting(overrides: dict[str, str], code: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=_production(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and code in result.stderr, result.stdout + result.stderr


def test_the_wsgi_application_refuses_to_start_with_an_unsafe_key() -> None:
    """gunicorn runs no system checks; beredd.wsgi does, so the web nodes refuse as well."""
    result = subprocess.run(
        [sys.executable, "-c", "import beredd.wsgi"],
        cwd=REPO,
        env=_production(REGISTER_KEYS=BAD_KEYS["development key"], PYTHONPATH=str(REPO / "src")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "beredd.E010" in result.stderr, result.stdout + result.stderr
    ok = subprocess.run(
        [sys.executable, "-c", "import beredd.wsgi"],
        cwd=REPO,
        env=_production(PYTHONPATH=str(REPO / "src")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
