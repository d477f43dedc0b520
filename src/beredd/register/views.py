"""Placeholder. ENGINEER BUILDING THIS APP: first read /tmp/common.md (shared context, git rules, hooks,
test fixtures, deadlines) and /work/shared/STYLE.md. Replace this module."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/coming_soon.html", {"area": "register"})
