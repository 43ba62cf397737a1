"""A4 documents through fpdf2: the shipped DejaVu Sans embedded (subset) for any script it
covers, text shaping (Arabic joined and right to left), PDF/A-2b, tables whose rows never split
across pages, a footer with page numbers.

Every text goes through :func:`printable` first, so what the font cannot draw is a visible
mark, reported in :attr:`PdfDocument.unprintable`, never a silent « ? » or an empty box.

Lines are broken here, word by word, and each line is drawn with ``cell``: fpdf2's own
``multi_cell`` re-measures the whole line for every character it adds, which made a ten-page
dossier take over a second. Measuring goes through fpdf2 (``get_string_width``), so kerning
and shaping are those of the drawn text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import resources

from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, XPos, YPos
from fpdf.fonts import TTFFont
from fpdf.output import PDFICCProfile

from store.documents.font_cache import add_font, prepare
from store.documents.glyphs import BOLD, REGULAR, Unprintable, font_path, printable, remember
from store.documents.rendered import Rendered
from store.documents.script import STEPS, Script

FAMILY = "DejaVu"
TEXT_SIZE = 9.5
TABLE_SIZE = 8.5
PADDING = 1.2
# A cell longer than this goes below its table as a note, so that a row always fits a page.
LONG_CELL = 1200


class _Pages(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.footer_text} — page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


class PdfDocument:
    """fpdf2 with the fonts and the colour profile loaded; :meth:`begin` then names the
    document and opens its first page (or :meth:`play` lays out a whole script)."""

    def __init__(
        self, title: str | None = None, *, created: datetime | None = None, author: str = ""
    ) -> None:
        self.unprintable = Unprintable()
        pdf = _Pages(orientation="P", unit="mm", format="A4", enforce_compliance="PDF/A-2B")
        # fpdf2's add_font, its parse of each font kept between runs (font_cache.py).
        add_font(pdf, FAMILY, "", font_path(REGULAR))
        add_font(pdf, FAMILY, "B", font_path(BOLD))
        pdf.add_output_intent(
            OutputIntentSubType.PDFA,
            "sRGB",
            "IEC 61966-2-1:1999",
            "http://www.color.org",
            PDFICCProfile(contents=_srgb_profile(), n=3, alternate="DeviceRGB"),
            "sRGB2014 (v2)",
        )
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(True, margin=18)
        self.pdf = pdf
        self._widths: dict[tuple[str, float, str], float] = {}
        self._shaped = False
        for name, style in ((REGULAR, ""), (BOLD, "B")):
            font = pdf.fonts[f"{FAMILY.lower()}{style}"]
            if isinstance(font, TTFFont):
                remember(name, font.cmap)
        if title is not None:
            self.begin(title, created=created or datetime.now(UTC), author=author)

    def prepare(self, stop: Callable[[], bool] = lambda: False) -> None:
        """Reads now what writing the PDF will read of the fonts, until ``stop()`` (the
        layout process does it while it waits for its script)."""
        prepare(self.pdf, stop)

    def begin(self, title: str, *, created: datetime, author: str = "") -> None:
        pdf = self.pdf
        pdf.set_title(self._text(title))
        pdf.set_lang("fr-FR")
        pdf.set_creator("carnet")
        if author:
            pdf.set_author(self._text(author))
        pdf.set_creation_date(created)
        pdf.footer_text = self._text(title)
        pdf.add_page()

    def play(self, script: Script) -> Rendered:
        """The script laid out, step by step, as this document."""
        self.begin(script.name, created=script.created, author=script.author)
        for name, args, kwargs in script.steps:
            if name not in STEPS:
                raise ValueError(f"étape de document inconnue : {name}")
            getattr(self, name)(*args, **kwargs)
        return Rendered(self.render(), tuple(self.unprintable.warnings()))

    def _text(self, text: str, *, bold: bool = False, multiline: bool = False) -> str:
        return printable(text, bold=bold, multiline=multiline, seen=self.unprintable)

    def _shaping(self, text: str) -> None:
        """Shaping (harfbuzz) only for the text that needs it: it costs ten times the plain
        path, and Latin, Greek and Cyrillic text draws the same without it."""
        wanted = needs_shaping(text)
        if wanted != self._shaped:
            self.pdf.set_text_shaping(wanted)
            self._shaped = wanted

    # --- line breaking ----------------------------------------------------------------------

    def _width(self, word: str, style: str, size: float) -> float:
        key = (word, size, style)
        found = self._widths.get(key)
        if found is None:
            self._shaping(word)
            found = self._widths[key] = self.pdf.get_string_width(word)
        return found

    def _lines(self, text: str, width: float, style: str, size: float) -> list[str]:
        """The text broken into lines no wider than ``width`` (the font must be set)."""
        lines: list[str] = []
        space = self._width(" ", style, size)
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                wide = self._width(word, style, size)
                if line and used + space + wide > width:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                while wide > width and len(word) > 1:
                    # A word longer than the line: cut it where it fills the line.
                    cut = len(word) - 1
                    while cut > 1 and self._width(word[:cut], style, size) > width:
                        cut = max(1, cut * 3 // 4) if cut > 8 else cut - 1
                    lines.append(word[:cut])
                    word = word[cut:]
                    wide = self._width(word, style, size)
                used = used + space + wide if line else wide
                line.append(word)
            lines.append(" ".join(line))
        return lines

    # --- blocks -------------------------------------------------------------------------------

    def _flow(
        self, text: str, *, style: str, size: float, height: float, indent: float = 0
    ) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, style, size)
        width = pdf.epw - indent
        for line in self._lines(text, width, style, size):
            if pdf.will_page_break(height):
                pdf.add_page()
            pdf.set_x(pdf.l_margin + indent)
            self._shaping(line)
            pdf.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def title(self, text: str) -> None:
        self._flow(self._text(text, bold=True), style="B", size=16, height=8)
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        # Never a heading alone at the foot of a page.
        if self.pdf.will_page_break(22):
            self.pdf.add_page()
        self.pdf.ln(3)
        self._flow(self._text(text, bold=True), style="B", size=12, height=6)
        self.pdf.ln(1)

    def paragraph(self, text: str, *, bold: bool = False, indent: float = 0) -> None:
        self._flow(
            self._text(text, bold=bold, multiline=True),
            style="B" if bold else "",
            size=TEXT_SIZE,
            height=4.8,
            indent=indent,
        )

    def space(self, height: float = 2) -> None:
        self.pdf.ln(height)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        strong: frozenset[int] = frozenset(),
    ) -> None:
        """A table with its header repeated on each page; a row moves whole to the next page.
        The rows numbered in ``strong`` (a competency above its criteria) are in bold."""
        pdf = self.pdf
        total = sum(widths)
        columns = [pdf.epw * w / total for w in widths]
        notes: list[str] = []
        kept: list[list[str]] = []
        for row in rows:
            cells = []
            for column, cell in zip(header, row, strict=True):
                if len(cell) > LONG_CELL:
                    notes.append(f"{column} ({row[0][:60]}…) : {cell}")
                    cell = f"voir la note {len(notes)} sous le tableau"
                cells.append(cell)
            kept.append(cells)
        head = [self._text(cell, bold=True) for cell in header]
        self._row(head, columns, bold=True)
        for number, cells in enumerate(kept):
            bold = number in strong
            texts = [self._text(c, bold=bold, multiline=True) for c in cells]
            self._row(texts, columns, head=head, bold=bold, fill=False)
        pdf.set_font(FAMILY, "", TEXT_SIZE)
        for number, note in enumerate(notes, 1):
            self.paragraph(f"Note {number} — {note}", indent=4)
        pdf.ln(2)

    def _row(
        self,
        cells: Sequence[str],
        columns: Sequence[float],
        *,
        bold: bool = False,
        head: Sequence[str] | None = None,
        fill: bool = True,
    ) -> None:
        pdf = self.pdf
        style = "B" if bold else ""
        line = 4.0
        pdf.set_font(FAMILY, style, TABLE_SIZE)
        wrapped = [
            self._lines(cell, width - 2 * PADDING, style, TABLE_SIZE)
            for cell, width in zip(cells, columns, strict=True)
        ]
        height = max(len(lines) for lines in wrapped) * line + 2 * PADDING
        if pdf.will_page_break(height + (line + 2 * PADDING if bold and fill else 0)):
            pdf.add_page()
            if head is not None:
                self._row(head, columns, bold=True)
                pdf.set_font(FAMILY, style, TABLE_SIZE)
        top = pdf.y
        if bold and fill:
            pdf.set_fill_color(225, 230, 240)
            pdf.rect(pdf.l_margin, top, sum(columns), height, style="F")
        pdf.set_auto_page_break(False)
        x = pdf.l_margin
        for lines, width in zip(wrapped, columns, strict=True):
            pdf.set_xy(x + PADDING, top + PADDING)
            for text in lines:
                self._shaping(text)
                pdf.cell(width - 2 * PADDING, line, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
            x += width
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_draw_color(170)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(columns), top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    def render(self) -> bytes:
        return bytes(self.pdf.output())


# Right-to-left or joining scripts (Hebrew, Arabic…) and combining marks.
_SHAPED = re.compile("[\u0590-\u08ff\ufb1d-\ufefc\u0300-\u036f\u1ab0-\u1aff]")


def needs_shaping(text: str) -> bool:
    """Right-to-left or joining scripts (Hebrew, Arabic…) and combining marks (a regular
    expression: this is asked of every word measured and every line drawn)."""
    return _SHAPED.search(text) is not None


def _srgb_profile() -> bytes:
    icc = resources.files("fpdf") / "data" / "color_profiles" / "sRGB2014.icc"
    return icc.read_bytes()
