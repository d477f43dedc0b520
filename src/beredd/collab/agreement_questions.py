"""The self-assessment's agreement questions and which agreement areas are evidence for each.

The questions are the handbook checklist's section "Avtal och överenskommelser" (seed 001: MSB, *Handbok i
kommunal krisberedskap – Kommunal hälso- och sjukvård*, "Checklista", p. 13). Their text is kept once in the repository, in the
preparedness app's copy of the checklist (``preparedness/data/self_assessment.json``, section ``agreements``,
source in ``preparedness/data/README.md``); this module reads it there rather than keeping a second copy.
"""

from __future__ import annotations

from typing import Any

from beredd.core.i18n import content_language

# Question code → the agreement areas that are evidence for it. A3 ("are agreements followed up and
# evaluated?") has no area: agreements with a review date are its evidence.
QUESTION_AREAS: dict[str, set[str] | None] = {
    "A1": {"physicians", "medicines", "devices", "infection"},
    "A2": {"it"},
    "A3": None,
    "A4": {"providers"},
    "A5": {"providers"},
}


def agreement_questions() -> list[dict[str, Any]]:
    """The agreement section's questions in order, each with ``code`` and ``text`` in the active language."""
    from beredd.preparedness.self_assessment import load_definition

    section = next(s for s in load_definition()["sections"] if s["code"] == "agreements")
    lang = content_language()
    return [{"code": q["code"], "text": q[lang]} for q in section["questions"]]
