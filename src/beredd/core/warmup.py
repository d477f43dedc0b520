"""What a new process would otherwise do on its first requests, done once in gunicorn's master before it forks
its workers (``preload_app``, ``deploy/gunicorn.conf.py``): compile every template into the cached loader, build
the URL resolver and load the message catalogues. A node restarted under load, or a worker that ``max_requests``
recycles, then starts warm instead of compiling templates while requests wait. No database access: the workers
open their own connections.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def template_names() -> list[str]:
    """Every template name of the Django engine: its DIRS and each installed app's ``templates`` directory."""
    from django.apps import apps

    configured: list[dict[str, Any]] = settings.TEMPLATES
    roots = [Path(d) for engine in configured for d in engine.get("DIRS", [])]
    roots += [Path(config.path) / "templates" for config in apps.get_app_configs()]
    names: set[str] = set()
    for root in roots:
        if root.is_dir():
            names.update(str(p.relative_to(root)) for p in root.rglob("*.html"))
            names.update(str(p.relative_to(root)) for p in root.rglob("*.txt"))
    return sorted(names)


def warm() -> int:
    """Compile every template (cached in the engine's loader), populate the URL resolver and activate each
    language once. Returns the number of templates compiled."""
    engine = engines["django"]
    compiled = 0
    for name in template_names():
        try:
            engine.get_template(name)
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment of another template, or a vendored file
            log.debug("warm-up skipped template %s", name)
    get_resolver()._populate()  # noqa: SLF001  # what the first resolve() would do
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Completeness")  # loads the catalogue of that language
    return compiled
