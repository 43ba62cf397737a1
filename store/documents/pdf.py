"""A small PDF writer: headings, wrapped paragraphs and simple tables on A4 pages.

Helvetica in the Windows-1252 encoding (WinAnsiEncoding): every French character the documents
use (é è à ç œ ’ « » …) is in it, a PDF reader extracts the text as it was written, and no font
file needs to be shipped. Characters outside it are replaced by a close equivalent.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from store.documents.metrics import HELVETICA, HELVETICA_BOLD

PAGE_W, PAGE_H = 595.28, 841.89
MARGIN = 50.0
BOTTOM = 60.0
# What Windows-1252 lacks, written with what it has.
_SUBSTITUTES = str.maketrans(
    {"✔": "[v]", "✘": "[x]", "≥": ">=", "≤": "<=", "→": "->", "×": "x", "⚠": "(!)", "½": "1/2"}
)


def encode(text: str) -> bytes:
    return text.translate(_SUBSTITUTES).encode("cp1252", errors="replace")


def width(data: bytes, size: float, bold: bool = False) -> float:
    table = HELVETICA_BOLD if bold else HELVETICA
    return sum(table[b - 32] if b >= 32 else 0 for b in data) * size / 1000


def wrap(text: str, size: float, limit: float, bold: bool = False) -> list[bytes]:
    """Lines of at most ``limit`` points; a word longer than a line is cut."""
    lines: list[bytes] = []
    for paragraph in text.split("\n"):
        line = b""
        for word in encode(paragraph).split(b" "):
            candidate = word if not line else line + b" " + word
            if width(candidate, size, bold) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            while width(word, size, bold) > limit:
                cut = len(word)
                while cut > 1 and width(word[:cut], size, bold) > limit:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _literal(data: bytes) -> bytes:
    out = bytearray(b"(")
    for b in data:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b < 32 or b > 126:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b")")


@dataclass
class PdfDocument:
    title: str
    pages: list[list[bytes]] = field(default_factory=list)
    y: float = 0.0

    def _page(self) -> list[bytes]:
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_H - MARGIN

    def _room(self, height: float) -> None:
        if not self.pages or self.y - height < BOTTOM:
            self.new_page()

    def text_at(self, x: float, y: float, data: bytes, size: float, bold: bool = False) -> None:
        font = b"F2" if bold else b"F1"
        self._page().append(
            b"BT /%s %.1f Tf %.2f %.2f Td %s Tj ET" % (font, size, x, y, _literal(data))
        )

    def heading(self, text: str, size: float = 13) -> None:
        self._room(size * 2.6)
        self.y -= size * 0.8
        for line in wrap(text, size, PAGE_W - 2 * MARGIN, bold=True):
            self._room(size * 1.3)
            self.y -= size * 1.25
            self.text_at(MARGIN, self.y, line, size, bold=True)
        self.y -= size * 0.3

    def paragraph(
        self, text: str, size: float = 9.5, *, bold: bool = False, indent: float = 0
    ) -> None:
        for line in wrap(text, size, PAGE_W - 2 * MARGIN - indent, bold):
            self._room(size * 1.35)
            self.y -= size * 1.3
            self.text_at(MARGIN + indent, self.y, line, size, bold)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        size: float = 8.5,
    ) -> None:
        """Columns of wrapped text; ``widths`` are fractions of the page's text width."""
        total = PAGE_W - 2 * MARGIN
        columns = [w * total for w in widths]
        for index, row in enumerate([header, *rows]):
            bold = index == 0
            cells = [
                wrap(cell, size, col - 4, bold) for cell, col in zip(row, columns, strict=True)
            ]
            height = max(len(c) for c in cells) * size * 1.25 + 3
            self._room(height)
            x = MARGIN
            top = self.y
            for lines, col in zip(cells, columns, strict=True):
                y = top
                for line in lines:
                    y -= size * 1.25
                    self.text_at(x, y, line, size, bold)
                x += col
            self.y = top - height
            if bold:
                self._page().append(
                    b"0.5 w %.2f %.2f m %.2f %.2f l S"
                    % (MARGIN, self.y + 1.5, MARGIN + total, self.y + 1.5)
                )

    def render(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        add(b"<< /Type /Catalog /Pages 2 0 R >>")
        add(b"")  # the page tree, once the pages are known
        font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
        add(font % b"Helvetica")
        add(font % b"Helvetica-Bold")
        now = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ").encode()
        title = b"<FEFF" + self.title.encode("utf-16-be").hex().upper().encode() + b">"
        info = add(b"<< /Title %s /Producer (carnet) /CreationDate (%s) >>" % (title, now))
        kids = []
        pages = self.pages or [[]]
        for number, ops in enumerate(pages, 1):
            footer = encode(f"{self.title} — page {number} / {len(pages)}")
            ops = [*ops, b"BT /F1 7.5 Tf %.2f 30 Td %s Tj ET" % (MARGIN, _literal(footer))]
            stream = zlib.compress(b"\n".join(ops))
            content = add(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                + stream
                + b"\nendstream"
            )
            kids.append(
                add(
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
                    b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
                    % (PAGE_W, PAGE_H, content)
                )
            )
        objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % k for k in kids),
            len(kids),
        )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            info,
            xref,
        )
        return bytes(out)
