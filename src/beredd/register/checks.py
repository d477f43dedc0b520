"""Production refuses to start with unfit register keys (system check beredd.E010, registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register("beredd", checks.Tags.security)
def check_register_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    from beredd.register.crypto import key_problems

    problems = key_problems(list(settings.REGISTER_KEYS))
    if not problems:
        return []
    return [
        checks.Error(
            "REGISTER_KEYS is unfit for production: " + "; ".join(problems) + ".",
            hint='Generate each key with: python -c "import base64,secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())"',
            id="beredd.E010",
        )
    ]
