"""A cell too long for a row to fit a page goes below its table as a numbered note, named by
its column and the row's first cell; the cell says where to look. A cell of the longest length
kept in place stays in its row."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf

from store.documents.pdf_writer import LONG_CELL, PdfDocument


def _text(rows: list[list[str]]) -> str:
    doc = PdfDocument("Notes", created=datetime(2026, 12, 7, tzinfo=UTC))
    doc.table(["Candidat", "Commentaire"], rows, [0.3, 0.7])
    doc.paragraph("Après le tableau.")
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_cell_too_long_becomes_a_note_below_its_table() -> None:
    long = ("mot " * LONG_CELL)[:LONG_CELL] + "x"  # one character more than kept in place
    assert len(long) == LONG_CELL + 1
    text = _text([["Luc Martin", "court"], ["Léa Petit", long], ["Noé Roux", long + " bis"]])
    assert "Léa Petit voir la note 1 sous le tableau" in text
    assert "Noé Roux voir la note 2 sous le tableau" in text
    first = text.index("Note 1 — Commentaire (Léa Petit…) : mot mot")
    second = text.index("Note 2 — Commentaire (Noé Roux…) : mot mot")
    assert text.index("Noé Roux voir la note 2") < first < second < text.index("Après le")
    assert text[second:].split(" : ", 1)[1].startswith(long + " bis")


def test_a_cell_of_the_longest_length_kept_stays_in_its_row() -> None:
    kept = ("mot " * LONG_CELL)[: LONG_CELL - 4] + "fin!"
    assert len(kept) == LONG_CELL
    text = _text([["Léa Petit", kept]])
    assert "voir la note" not in text and "Note 1" not in text
    assert text.count("mot ") > LONG_CELL // 8 and "fin!" in text
