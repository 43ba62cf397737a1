"""Every page of a carnet PDF ends with the document's title and « page N/total », in grey;
the file names its title, author, creator and language (French), and the moment it was made,
and declares itself PDF/A-2B with its colour profile."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pypdf

from store.documents.pdf_writer import PdfDocument

MADE = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def _two_pages() -> pypdf.PdfReader:
    doc = PdfDocument("Dossier de Jeanne Martin", created=MADE, author="Sam Secrétariat")
    for number in range(90):
        doc.paragraph(f"Ligne {number}")
    return pypdf.PdfReader(io.BytesIO(doc.render()))


def test_each_page_ends_with_the_title_and_its_number() -> None:
    reader = _two_pages()
    assert len(reader.pages) >= 2
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        lines = [line.strip() for line in page.extract_text().split("\n") if line.strip()]
        assert lines[-1] == f"Dossier de Jeanne Martin — page {number}/{total}"
        # In a grey (the page's text is black): a fill level strictly between 0 and 1.
        content = page.get_contents().get_data().decode("latin-1")
        levels = {float(v) for v in re.findall(r"(?<![\d.])(\d*\.?\d+) g\b", content)}
        assert any(0 < level < 1 for level in levels), levels


def test_the_file_names_its_title_author_creator_language_and_date() -> None:
    reader = _two_pages()
    # PDF/A keeps them in the XMP metadata.
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.dc_title == {"x-default": "Dossier de Jeanne Martin"}
    assert xmp.dc_creator == ["Sam Secrétariat"]
    assert xmp.xmp_creator_tool == "carnet"
    assert xmp.xmp_create_date is not None and xmp.xmp_create_date.replace(tzinfo=UTC) == MADE
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in raw and "<pdfaid:conformance>B" in raw
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent.get_object()["/OutputConditionIdentifier"] == "sRGB"
