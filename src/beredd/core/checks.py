"""System checks that stop a production deployment from starting with an unsafe configuration.

Registered in ``CoreConfig.ready``. Non-deploy checks run before every management command (``migrate``,
``beredd_worker``, ``runserver``); ``beredd.wsgi`` runs every check tagged ``beredd`` (deployment checks and the
database included) before gunicorn serves a request, so the web nodes refuse to start as well.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

TAG = "beredd"


@checks.register(TAG, checks.Tags.security)
def check_allowed_hosts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    if any("*" in host for host in settings.ALLOWED_HOSTS):
        return [
            checks.Error(
                "ALLOWED_HOSTS contains a wildcard ('*'): any Host header would be accepted (host-header attacks on "
                "password-reset links and caches).",
                hint="List the service's own host names, e.g. ALLOWED_HOSTS=beredd.kommun.se.",
                id="beredd.E001",
            )
        ]
    return []


@checks.register(TAG, checks.Tags.database, deploy=True)
def check_log_table_privileges(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production the app's database role must not own the append-only log tables (an owner can disable their
    triggers) nor hold UPDATE, DELETE or TRUNCATE on them. Runs when a database is named (``check --deploy
    --database default``, ``beredd.wsgi``), not during ``migrate``, which the owner runs."""
    if not getattr(settings, "PRODUCTION", False) or not databases:
        return []
    from django.db import connections

    from beredd.core.append_only import log_table_problems

    errors: list[checks.CheckMessage] = []
    for alias in databases:
        if alias != "default":
            continue
        for problem in log_table_problems(connections[alias]):
            errors.append(
                checks.Error(
                    f"The application's database role may change the append-only logs: {problem}.",
                    hint="Run migrations as the owner and the application as a role with only SELECT and INSERT on "
                    "the log tables: deploy/postgres/roles.sql (README, Production).",
                    id="beredd.E002",
                )
            )
    return errors


def refuse_to_start() -> None:
    """Raise ``SystemCheckError`` when any ``beredd`` check fails (the web nodes call this at start)."""
    from django.core.management.base import SystemCheckError

    messages = checks.run_checks(tags=[TAG], include_deployment_checks=True, databases=["default"])
    errors = [m for m in messages if m.level >= checks.ERROR and not m.is_silenced()]
    if errors:
        raise SystemCheckError("Beredd refuses to start:\n" + "\n".join(str(e) for e in errors))
