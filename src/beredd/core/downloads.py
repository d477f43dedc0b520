"""Every ``Content-Disposition`` header Beredd sends is built here (RFC 6266 with an RFC 5987 ``filename*``).

Download names are partly user data (a template's key, an uploaded attachment's original name). Built by hand
(``f'attachment; filename="{name}"'``) a name with a quote yields a second ``filename`` parameter, and one with
CR or LF makes the response fail. Here the name is cleaned (no control characters, no path separators, no
leading dots, at most 150 characters), the quoted ``filename`` fallback holds only safe ASCII characters, and
``filename*=UTF-8''…`` carries the full (cleaned) name percent-encoded, so Swedish letters survive.
``core/tests/test_downloads.py`` fails when a module outside this one writes the header itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeVar
from urllib.parse import quote

from django.http import HttpResponseBase

MAX_NAME = 150
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()+-]")

R = TypeVar("R", bound=HttpResponseBase)


def clean_filename(name: str, default: str = "download") -> str:
    """The name without control characters, path parts or characters that headers and file systems mind."""
    text = _CONTROL.sub("", str(name))
    text = re.sub(r'[\\/:*?"<>|;]+', "_", text).strip().lstrip(".").strip()
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else text[:MAX_NAME]
    return text or default


def _ascii_fallback(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = _UNSAFE_ASCII.sub("_", ascii_name.replace(" ", "_")).strip("._") or "download"
    return ascii_name


def content_disposition(filename: str, *, inline: bool = False) -> str:
    name = clean_filename(filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(response: R, filename: str, *, inline: bool = False) -> R:
    """Set the response's ``Content-Disposition`` (replacing any) and return the response."""
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response
