"""Printable notices and large print (tagged PDF, PDF/UA-1, with WeasyPrint like the rest of Beredd)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from beredd.comms import marking
from beredd.comms.models import RTL_LANGUAGES


def text_pdf(
    *, subject: str, body: str, language: str, sender: str, unit: str = "", is_exercise: bool = False, large: bool = False
) -> bytes:
    """One notice as a PDF: the subject as heading, the text in paragraphs; ``large`` for large print (22 pt)."""
    from weasyprint import HTML  # imported lazily: loading Pango is slow and only documents need it

    html_lang = "sv" if language == "sv-easy" else language
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string(
            "comms/pdf/notice.html",
            {
                "subject": subject,
                "paragraphs": paragraphs,
                "html_lang": html_lang,
                "direction": "rtl" if html_lang in RTL_LANGUAGES else "ltr",
                "large": large,
                "is_exercise": is_exercise,
                "exercise_word": marking.exercise_word(language),
                "sender": sender,
                "unit": unit,
                "generated_at": timezone.now(),
            },
        )
    data: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data


def audio_text(*, subject: str, body: str) -> str:
    """Plain text for text-to-speech: no markup, no bullets or symbols a reader voice stumbles on, short lines kept."""
    lines = []
    for raw in f"{subject}.\n\n{body}".splitlines():
        line = raw.strip().lstrip("•*-–").strip()
        lines.append(line)
    return "\n".join(lines).strip() + "\n"
