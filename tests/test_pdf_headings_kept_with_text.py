"""A heading is never left alone at the foot of a page: it goes to the next page with the
text that follows it. Headings land at every height of the page here (text of 1 to 7 lines
between them, over several pages)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf

from store.documents.pdf_writer import PdfDocument


def test_no_page_ends_with_a_heading() -> None:
    doc = PdfDocument("Titres", created=datetime(2026, 12, 7, tzinfo=UTC))
    for block in range(60):
        for line in range(block % 7 + 1):
            doc.paragraph(f"Ligne {block}.{line}")
        doc.heading(f"Titre {block}")
        doc.paragraph(f"Texte {block}")
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    assert len(reader.pages) >= 4
    seen = []
    for page in reader.pages:
        lines = [line.strip() for line in page.extract_text().split("\n") if line.strip()]
        body = [line for line in lines if " — page " not in line]
        assert not body[-1].startswith("Titre "), body[-3:]
        seen.extend(line for line in body if line.startswith("Titre "))
    assert seen == [f"Titre {block}" for block in range(60)]
