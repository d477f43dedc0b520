"""Browser-test harness: Debian's Chromium driven by Playwright, axe-core for accessibility.

Fixtures: ``browser_page`` (a Playwright Page), ``live_url`` (the live server's base URL), ``login`` (log in through
the real form) and ``assert_accessible`` (axe-core, WCAG 2.1 A/AA tags, zero violations allowed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by tests are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # A live-server test flushes the database when it ends; serialized rollback restores what the
            # migrations seeded (device catalogue, built-in templates) before the next one starts.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def _playwright_browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_playwright_browser: Any, live_server: Any) -> Iterator[Any]:
    context = _playwright_browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _seeded_catalogues(request: pytest.FixtureRequest) -> None:
    """Re-seed what data migrations put in the database, in case an earlier live-server test flushed it.

    Serialized rollback restores this in most orders, but not all (seen with xdist on SQLite), so be explicit.
    """
    if "live_server" not in request.fixturenames:
        return
    import importlib

    from django.core.cache import cache

    # Login rate limits (30 per minute per IP) count in the process-wide cache: every browser test logs in from
    # 127.0.0.1, so start each test with fresh counters or a busy worker trips the limit of the previous tests.
    cache.clear()

    request.getfixturevalue("transactional_db")
    from beredd.register.models import Device

    seed = importlib.import_module("beredd.register.migrations.0003_device_catalogue")
    for code, name, life_sustaining in seed.DEVICES:
        Device.objects.get_or_create(code=code, defaults={"name": name, "life_sustaining": life_sustaining})


@pytest.fixture
def live_url(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def assert_accessible() -> Callable[[Any], None]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any) -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def login(live_url: str) -> Callable[..., None]:
    def do_login(page: Any, email: str, password: str, totp_secret: str | None = None) -> None:
        page.goto(f"{live_url}/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.press("input[name=password]", "Enter")
        if totp_secret:
            page.wait_for_selector("input[name=code]")
            page.fill("input[name=code]", fresh_totp(email, totp_secret))
            page.press("input[name=code]", "Enter")
        page.wait_for_load_state("networkidle")

    return do_login


_codes_used: dict[str, str] = {}


def fresh_totp(email: str, secret: str, period: int = 30) -> str:
    """A code the server will accept now: not in the last two seconds of its window (it could expire in
    transit) and not one this account has already used (allauth refuses replayed codes, as it should)."""
    while True:
        if period - time.time() % period < 2:
            time.sleep(period - time.time() % period + 0.2)
            continue
        code = totp_now(secret, period)
        if _codes_used.get(email) != code:
            _codes_used[email] = code
            return code
        time.sleep(period - time.time() % period + 0.2)


def totp_now(secret: str, period: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP, computed independently of the server's implementation."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(time.time()) // period)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % (10**digits)
    return str(code).zfill(digits)
