"""Printable notices and large print (tagged PDF, PDF/UA-1, with WeasyPrint like the rest of Beredd)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from beredd.comms import marking
from beredd.comms.models import RTL_LANGUAGES, Language


def _section(language: str, subject: str, body: str) -> dict[str, object]:
    lang = "sv" if language == "sv-easy" else language
    return {
        "lang": lang,
        "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
        "subject": subject,
        "paragraphs": [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "exercise_word": marking.exercise_word(language),
    }


def texts_pdf(
    *, texts: Sequence[tuple[str, str, str]], sender: str, unit: str = "", is_exercise: bool = False, large: bool = False
) -> bytes:
    """A notice as a PDF, one page per language ``(language, subject, body)``; ``large`` for large print (22 pt)."""
    from weasyprint import HTML  # imported lazily: loading Pango is slow and only documents need it

    order = {code: i for i, code in enumerate(Language.values)}
    sections = [_section(*t) for t in sorted(texts, key=lambda t: order.get(t[0], 99))]
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string(
            "comms/pdf/notice.html",
            {
                "sections": sections,
                "large": large,
                "is_exercise": is_exercise,
                "sender": sender,
                "unit": unit,
                "generated_at": timezone.now(),
            },
        )
    data: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data


def text_pdf(
    *, subject: str, body: str, language: str, sender: str, unit: str = "", is_exercise: bool = False, large: bool = False
) -> bytes:
    return texts_pdf(texts=[(language, subject, body)], sender=sender, unit=unit, is_exercise=is_exercise, large=large)


def audio_text(*, subject: str, body: str) -> str:
    """Plain text for text-to-speech: no markup, no bullets or symbols a reader voice stumbles on, short lines kept."""
    lines = [raw.strip().lstrip("•*-–").strip() for raw in f"{subject}.\n\n{body}".splitlines()]
    return "\n".join(lines).strip() + "\n"
