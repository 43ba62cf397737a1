"""What the shipped fonts can print, read from the font files themselves: the set every
document's check of its text relies on when no PDF was laid out yet in the process (the CSV
and XLSX paths, a first document)."""

from __future__ import annotations

import pytest

from store.documents import glyphs
from store.documents.glyphs import BOLD, MISSING_MARK, REGULAR, codepoints


@pytest.mark.parametrize("name", [REGULAR, BOLD])
def test_a_fonts_characters_are_read_from_its_file(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process keeps each font's set once read, and laying out any PDF fills it from
    # fpdf2's own parse: emptied here (no public way) so that the file is read.
    monkeypatch.setattr(glyphs, "_KNOWN", {})
    found = codepoints(name)
    assert {ord(c) for c in "aéŒœ€ДΩ" + MISSING_MARK} <= found
    assert ord("中") not in found  # DejaVu has no CJK
