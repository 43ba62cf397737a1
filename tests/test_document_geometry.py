"""Where each document's text lands on its pages: every line inside the page's margins, inside
its own cell, above the footer, and no line drawn over another.

The scripts' test (``test_document_scripts.py``) guards what the documents say; this one guards
the layout (font sizes, column widths, line breaks, page breaks), which a mutation run showed
unguarded: a column made wider than the page, or a line broken too late, printed text off the
paper or over its neighbour, and every other test still passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from store.documents.pdf_writer import PdfDocument
from store.documents.script import Script
from tests.test_document_scripts import DOCUMENTS, scripts  # noqa: F401 - the fixture, shared
from tests.test_documents import data  # noqa: F401 - the fixture, shared

# Half a point: fpdf2 measures in millimetres with floating point, nothing prints that small.
EPS = 0.2


@dataclass(frozen=True)
class Drawn:
    page: int
    x: float
    y: float
    w: float
    h: float
    text: str
    text_width: float
    footer: bool


def _laid_out(script: Script) -> tuple[PdfDocument, list[Drawn]]:
    doc = PdfDocument()
    pdf = doc.pdf
    drawn: list[Drawn] = []
    cell = pdf.cell
    in_footer = False
    footer = pdf.footer

    def recording_footer() -> None:
        nonlocal in_footer
        in_footer = True
        try:
            footer()
        finally:
            in_footer = False

    def recording_cell(w: float = 0, h: float = 0, text: str = "", *args: Any, **kw: Any) -> Any:
        width = w if w else pdf.w - pdf.r_margin - pdf.x
        if text:
            # The page count is written at the end, over « {nb} »: measured as two digits.
            shown = text.replace("{nb}", "99")
            measured = pdf.get_string_width(shown)
            drawn.append(Drawn(pdf.page, pdf.x, pdf.y, width, h, shown, measured, in_footer))
        return cell(w, h, text, *args, **kw)

    pdf.cell = recording_cell  # type: ignore[method-assign]
    pdf.footer = recording_footer  # type: ignore[method-assign]
    doc.play(script)
    return doc, drawn


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_line_lies_inside_its_page_and_its_cell(
    scripts: dict[str, Script],  # noqa: F811
    document: str,
) -> None:
    doc, drawn = _laid_out(scripts[document])
    pdf = doc.pdf
    body = [d for d in drawn if not d.footer]
    assert body, "nothing drawn"
    assert {d.page for d in drawn if d.footer} == set(range(1, pdf.page + 1))
    for d in drawn:
        where = f"page {d.page}, « {d.text[:40]} »"
        assert d.x >= pdf.l_margin - EPS, where
        assert d.x + d.w <= pdf.w - pdf.r_margin + EPS, where
        assert d.text_width <= d.w + EPS, f"{where}: {d.text_width:.1f} mm in {d.w:.1f} mm"
    for d in body:
        where = f"page {d.page}, « {d.text[:40]} »"
        assert d.y >= pdf.t_margin - EPS, where
        # Above the bottom margin, where the page number goes.
        assert d.y + d.h <= pdf.h - 18 + EPS, where


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_line_is_drawn_over_another(
    scripts: dict[str, Script],  # noqa: F811
    document: str,
) -> None:
    _, drawn = _laid_out(scripts[document])
    by_page: dict[int, list[Drawn]] = {}
    for d in drawn:
        by_page.setdefault(d.page, []).append(d)
    for page, lines in by_page.items():
        # What the text covers: its own width, not its cell's.
        boxes = sorted((d.y, d.x, d.y + d.h, d.x + d.text_width, d.text) for d in lines)
        for i, (_, left, bottom, right, text) in enumerate(boxes):
            for other_top, other_left, _, other_right, other in boxes[i + 1 :]:
                if other_top >= bottom - EPS:
                    break  # sorted by top: nothing further down reaches this line
                overlaps = min(right, other_right) - max(left, other_left) > EPS
                assert not overlaps, f"page {page}: « {text[:30]} » et « {other[:30]} »"


def test_a_long_word_in_a_narrow_column_is_broken_inside_it(
    scripts: dict[str, Script],  # noqa: F811
) -> None:
    """A name with no space, longer than its column, is cut inside the column, not spilt
    over the next one."""
    script = scripts["grille"]
    steps = []
    for name, args, options in script.steps:
        if name == "table":
            header, rows, widths = args
            rows = [[("X" * 120 if i == 0 else c) for i, c in enumerate(row)] for row in rows]
            args = (header, rows, widths)
        steps.append((name, args, options))
    long = Script(script.name, script.created, script.author, steps)
    doc, drawn = _laid_out(long)
    pdf = doc.pdf
    assert any(set(d.text) == {"X"} for d in drawn)
    for d in drawn:
        assert d.text_width <= d.w + EPS
        assert d.x + d.w <= pdf.w - pdf.r_margin + EPS
