"""Download names: one helper builds every Content-Disposition (RFC 6266, filename*), and template keys are slugs."""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path
from urllib.parse import unquote

import pytest

from beredd.core import downloads

EVIL = 'evil";filename="evil.exe'


def _parsed(header: str) -> tuple[str, str | None]:
    """(disposition, the name a browser saves as: filename* first, as RFC 6266 says)."""
    message = Message()
    message["Content-Disposition"] = header
    star = re.search(r"filename\*=UTF-8''([^;\s]*)", header)
    return message.get_content_disposition() or "", unquote(star.group(1)) if star else message.get_filename()


@pytest.mark.parametrize(
    "name",
    [EVIL, "a\r\nSet-Cookie: x=1.json", "a\nb.csv", "a\x00b.pdf", "../../etc/passwd", "x\"; filename*=UTF-8''evil.exe"],
)
def test_a_hostile_name_gives_one_inert_filename_parameter(name: str) -> None:
    header = downloads.content_disposition(name)
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    assert len(re.findall(r";\s*filename=", header)) == 1 and len(re.findall(r";\s*filename\*=", header)) == 1
    fallback = re.search(r'filename="([^"]*)"', header)
    assert fallback is not None and re.fullmatch(r"[A-Za-z0-9._()+-]+", fallback.group(1))
    kind, filename = _parsed(header)
    assert kind == "attachment" and filename is not None
    assert "/" not in filename and '"' not in filename and not filename.startswith(".")


def test_swedish_letters_survive_in_filename_star() -> None:
    header = downloads.content_disposition("lägesbild Gävle.pdf")
    assert 'filename="lagesbild_Gavle.pdf"' in header
    assert _parsed(header)[1] == "lägesbild Gävle.pdf"


def test_long_names_keep_their_extension_and_empty_names_get_a_default() -> None:
    assert downloads.clean_filename("a" * 400 + ".xlsx").endswith(".xlsx")
    assert len(downloads.clean_filename("a" * 400 + ".xlsx")) == downloads.MAX_NAME
    assert downloads.clean_filename("\r\n") == "download"
    assert downloads.content_disposition("x.pdf", inline=True).startswith("inline;")


SRC = Path(downloads.__file__).resolve().parents[1]


def test_no_module_outside_the_helper_writes_the_header_itself() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or path == Path(downloads.__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"Content-Disposition|as_attachment\s*=\s*True|content_disposition_header", text, re.I):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
