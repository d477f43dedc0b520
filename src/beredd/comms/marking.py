"""The one ÖVNING marking for every message of an exercise, on every channel and in every language.

"ÖVNING" is the Swedish exercise marker that staff and services recognise; it stays in Swedish in every language,
with the translated word after it so that a reader of another language also understands it.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

EXERCISE = "ÖVNING"


def exercise_word(language: str) -> str:
    if language.startswith("sv"):
        return EXERCISE
    with translation.override("en"):
        word = _("EXERCISE")
    return f"{EXERCISE} / {word}"


def mark_subject(subject: str, *, is_exercise: bool, language: str = "sv") -> str:
    if not is_exercise or subject.startswith(f"[{EXERCISE}"):
        return subject
    return f"[{exercise_word(language)}] {subject}"


def mark_body(body: str, *, is_exercise: bool, language: str = "sv") -> str:
    if not is_exercise:
        return body
    line = " – ".join([exercise_word(language)] * 3)
    return f"{line}\n\n{body.strip()}\n\n{line}\n"
