"""The printable and large-print notices carry every language's script: Tigrinya (Ethiopic) and Arabic are set in
fonts that have their glyphs (the system packages .ci/run installs), not in boxes."""

import io

from pypdf import PdfReader

from beredd.comms.services import documents


def _fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_tigrinya_and_arabic_are_set_in_fonts_that_cover_them() -> None:
    pdf = documents.texts_pdf(
        texts=[
            ("ti", "ምቁራጽ ኤሌክትሪክ", "ኤሌክትሪክ ክሳብ ሰዓት 18 ክምለስ እዩ።"),
            ("ar", "انقطاع الكهرباء", "تعود الكهرباء الساعة 18."),
        ],
        sender="Gävle kommun",
        large=True,
    )
    fonts = _fonts(pdf)
    assert any("Abyssinica" in f for f in fonts), fonts
    assert any("DejaVu" in f for f in fonts), fonts
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "ኤሌክትሪክ" in text
