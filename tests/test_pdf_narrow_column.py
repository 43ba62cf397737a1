"""A word longer than a narrow table column: cut into pieces, each within the column, the
word whole when they are read in order. So narrow a column (a few characters) that the search
for where to cut goes down one character at a time."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf

from store.documents.pdf_writer import FAMILY, PADDING, TABLE_SIZE, PdfDocument

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
WORD = "Anticonstitutionnellement"


def test_a_long_word_in_a_narrow_column_is_cut_to_fit_it() -> None:
    doc = PdfDocument("Colonnes", created=NOW)
    # The first column a 21st of the page's width: some 8 mm, three or four letters.
    doc.table(["N", "Commentaire"], [[WORD, ""]], [1, 20])
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    lines = [line.strip() for line in reader.pages[0].extract_text().split("\n")]
    start = lines.index("N Commentaire") + 1
    pieces = lines[start:]
    pieces = pieces[: next(i for i in range(len(pieces) + 1) if "".join(pieces[:i]) == WORD)]
    assert 5 <= len(pieces) <= 12, pieces  # a few letters a line
    column = doc.pdf.epw / 21 - 2 * PADDING  # inside the cell's padding
    doc.pdf.set_font(FAMILY, "", TABLE_SIZE)  # the cells' font
    for piece in pieces:
        assert doc.pdf.get_string_width(piece) <= column, piece
