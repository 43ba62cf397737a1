"""The fonts' cache (store/documents/font_cache.py) and the layout process's lean imports
(store/documents/lean_imports.py): both only save time, so a document made with them is the
document made without them, byte for byte (but for the moment it was written), and a damaged
cache is read as no cache: parsed again and written again, never a wrong PDF. Also the
layout's per-word checks, made faster, against their former definitions."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from fpdf.fonts import TTFFont
from hypothesis import given, settings
from hypothesis import strategies as st

from store.documents import font_cache
from store.documents.glyphs import BOLD, MISSING_MARK, REGULAR, codepoints, font_path, printable
from store.documents.pdf_writer import PdfDocument, needs_shaping
from store.documents.renderer import Renderer
from store.documents.script import Script

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def script() -> Script:
    """A document in every script the fonts cover, Arabic (shaped) and bold rows included,
    with a control character and a character no font has (marked, reported)."""
    doc = Script("Grille — Nguyễn Thị Ánh", NOW, author="Łukasz Wałęsa (Carsat)")
    doc.title("Grille d'observation — Nguyễn Thị Ánh")
    doc.heading("Évaluateurs : Şahin Çağlar, Ζωή Παπαδοπούλου, Юлия Смирнова")
    doc.paragraph("Commentaire : « très bien » — اللغة العربية جميلة\nligne 2\tavec tab")
    doc.paragraph("Gras : Łódź, İstanbul, 王 absent, contrôle \x0b", bold=True, indent=4)
    doc.space(3)
    doc.table(
        ["Critère", "État", "Commentaire"],
        [
            ["Compétence 1 — accueillir", "3/4", ""],
            ["1.1 Identifier la demande", "validé", "مرحبا بكم " * 3],
            ["1.2 Répondre", "non validé", "Ça va ? " * 40],
        ],
        [3, 1, 4],
        strong=frozenset({0}),
    )
    return doc


def same_document(pdf: bytes) -> bytes:
    """The PDF without what says when it was written (fpdf2 dates the XMP metadata with the
    clock, and the file id follows)."""
    pdf = re.sub(rb'xmp:(Modify|Metadata)Date="[^"]*"', b"", pdf)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", pdf)


def fonts_of(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]  # embedded
            names.add(str(font["/BaseFont"]))
    return sorted(names)


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def render(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, tuple[str, ...]]:
    monkeypatch.setenv(font_cache.CACHE_VARIABLE, str(folder))
    rendered = PdfDocument().play(script())
    return rendered.data, rendered.warnings


def test_a_cached_run_and_a_cold_run_give_the_same_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, cold_warnings = render(tmp_path / "cache", monkeypatch)
    assert font_cache.cache_file(font_path(REGULAR)).is_file()
    assert font_cache.cache_file(font_path(BOLD)).is_file()
    cached, cached_warnings = render(tmp_path / "cache", monkeypatch)
    assert same_document(cached) == same_document(cold)
    assert cached_warnings == cold_warnings and cold_warnings
    # Said plainly as well: the same text, the same embedded fonts.
    assert text_of(cached) == text_of(cold)
    assert "Nguyễn Thị Ánh" in text_of(cached) and "Ζωή Παπαδοπούλου" in text_of(cached)
    assert (
        fonts_of(cached) == fonts_of(cold) == ["/MPDFAA+DejaVuSansBold", "/MPDFAA+DejaVuSansBook"]
    )
    # And both are fpdf2's own document, the fonts parsed by add_font (no cache at all).
    monkeypatch.setattr(font_cache, "_read", lambda path, key: None)
    monkeypatch.setattr(font_cache, "_write", lambda path, key, state: None)
    plain, _ = render(tmp_path / "none", monkeypatch)
    assert same_document(plain) == same_document(cold)


@pytest.mark.parametrize("calls", [0, 1, 2, 5, 17, 100])
def test_the_fonts_read_ahead_in_part_or_whole_give_the_same_document(
    calls: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The layout process reads the fonts' tables until its script arrives: wherever it
    stops, the rest is read when the PDF is written."""
    expected, _ = render(tmp_path, monkeypatch)
    asked = iter(range(calls + 1))
    document = PdfDocument()
    document.prepare(stop=lambda: next(asked) >= calls)
    assert same_document(document.play(script()).data) == same_document(expected)


SLOTS_KEPT = sorted(font_cache._SLOTS - {"ttfont", "subset", "_hbfont", "unicode_range"})


def test_a_font_from_the_cache_is_the_font_fpdf2_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(TTFFont.__slots__) == font_cache._SLOTS
    monkeypatch.setenv(font_cache.CACHE_VARIABLE, str(tmp_path))
    for name, style in ((REGULAR, ""), (BOLD, "B")):
        parsed = FPDF()
        parsed.add_font("DejaVu", style, str(font_path(name)))
        font_cache.add_font(FPDF(), "DejaVu", style, font_path(name))  # writes the cache
        pdf = FPDF()
        font_cache.add_font(pdf, "DejaVu", style, font_path(name))
        fpdf_font = parsed.fonts[f"dejavu{style}"]
        kept = pdf.fonts[f"dejavu{style}"]
        assert isinstance(fpdf_font, TTFFont) and isinstance(kept, TTFFont)
        assert kept.ttfont.reader.file.name == fpdf_font.ttfont.reader.file.name
        for slot in SLOTS_KEPT:
            mine, theirs = getattr(kept, slot), getattr(fpdf_font, slot)
            if slot == "desc":
                assert vars(mine) == vars(theirs)
            elif slot == "cw":
                assert dict(mine) == dict(theirs)
                assert mine[0x10FFFF] == theirs[0x10FFFF]  # the width of a missing glyph
            elif slot == "emphasis":
                assert mine is theirs
            else:
                assert mine == theirs, slot
        assert list(kept.cmap) == list(fpdf_font.cmap)  # the same order too


def damage_truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def damage_flipped(raw: bytes) -> bytes:
    middle = len(raw) // 2
    return raw[:middle] + bytes([raw[middle] ^ 0x01]) + raw[middle + 1 :]


def resealed(kept: dict) -> bytes:  # type: ignore[type-arg]
    payload = json.dumps(kept).encode()
    return hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def damage_wrong_width(raw: bytes) -> bytes:
    """Checksum right, a width of the wrong type: refused by the type check."""
    kept = json.loads(raw.partition(b"\n")[2])
    kept["font"]["widths"][10] = "600"
    return resealed(kept)


def damage_missing_column(raw: bytes) -> bytes:
    kept = json.loads(raw.partition(b"\n")[2])
    kept["font"]["ids"] = kept["font"]["ids"][:-1]
    return resealed(kept)


def damage_other_font(raw: bytes) -> bytes:
    """Made from another file (its SHA-256 in the key): not this font's metrics."""
    kept = json.loads(raw.partition(b"\n")[2])
    kept["key"]["font_sha256"] = "0" * 64
    kept["font"]["widths"] = [w + 1 for w in kept["font"]["widths"]]
    return resealed(kept)


def damage_other_fpdf2(raw: bytes) -> bytes:
    kept = json.loads(raw.partition(b"\n")[2])
    kept["key"]["fpdf2"] = "2.0.0"
    return resealed(kept)


@pytest.mark.parametrize(
    "damage",
    [
        damage_truncated,
        damage_flipped,
        damage_wrong_width,
        damage_missing_column,
        damage_other_font,
        damage_other_fpdf2,
        lambda raw: b"",
        lambda raw: b"not a cache\n{}",
    ],
)
def test_a_damaged_cache_is_parsed_again_and_rewritten(
    damage: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, _ = render(tmp_path, monkeypatch)
    regular = font_cache.cache_file(font_path(REGULAR))
    good = regular.read_bytes()
    regular.write_bytes(damage(good))  # type: ignore[operator]
    key = font_cache._key(font_path(REGULAR))
    assert font_cache._read(regular, key) is None
    again, _ = render(tmp_path, monkeypatch)
    assert same_document(again) == same_document(cold)
    assert font_cache._read(regular, key) is not None  # written again, whole
    assert json.loads(regular.read_bytes().partition(b"\n")[2]) == json.loads(
        good.partition(b"\n")[2]
    )


def test_a_cache_folder_that_cannot_be_written_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    cold, _ = render(tmp_path / "cache", monkeypatch)
    unwritable, _ = render(blocked, monkeypatch)
    assert same_document(unwritable) == same_document(cold)


# Run in a process of their own: the lean imports hold for the rest of a process.
_LAYOUT_PROCESS = """
import pickle, sys
from store.documents.lean_imports import install
install()
from store.documents.pdf_writer import PdfDocument
document = PdfDocument()
document.prepare()
rendered = document.play(pickle.loads(sys.stdin.buffer.read()))
absent = ["PIL", "cryptography", "lxml", "asyncio"]
deferred = ["fontTools.varLib", "fontTools.varLib.instancer", "unittest", "unittest.mock"]
state = {
    "loaded": [name for name in absent if name in sys.modules],
    "deferred": [type(sys.modules[name]).__name__ for name in deferred if name in sys.modules],
}
sys.stdout.buffer.write(pickle.dumps((rendered, state)))
"""


@pytest.mark.slow  # processes of their own
def test_the_layout_process_leaves_out_what_a_text_document_never_uses() -> None:
    import pickle

    out = subprocess.run(
        [sys.executable, "-c", _LAYOUT_PROCESS],
        input=pickle.dumps(script()),
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    rendered, state = pickle.loads(out.stdout)
    assert state == {"loaded": [], "deferred": ["_Deferred"] * 4}
    here = PdfDocument().play(script())
    assert same_document(rendered.data) == same_document(here.data)
    assert rendered.warnings == here.warnings


@pytest.mark.slow
def test_the_command_s_layout_process_answers_the_document_itself() -> None:
    """Not the fallback: the process started by the command answers, with the document this
    process would have made."""
    renderer = Renderer()
    process = renderer._process
    assert process is not None
    rendered = renderer.render(script())
    assert process.returncode == 0
    assert same_document(rendered.data) == same_document(PdfDocument().play(script()).data)


_DEFERRED_USE = """
from store.documents.lean_imports import install
install()
import fpdf
from fontTools.varLib import instancer
from unittest.mock import patch
import os
with patch("os.getcwd", lambda: "ailleurs"):
    print(os.getcwd())
print(callable(instancer.instantiateVariableFont), type(instancer).__name__)
try:
    import PIL
except ImportError as exc:
    print("absent", exc.name)
"""


@pytest.mark.slow
def test_a_deferred_module_runs_when_first_used() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _DEFERRED_USE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split("\n")[:3] == ["ailleurs", "True module", "absent PIL"], out


# The layout's two checks per word, now made in C, against their character-by-character
# definitions (the code before).
def _shaping_by_character(text: str) -> bool:
    return any(
        0x0590 <= (code := ord(char)) <= 0x08FF
        or 0xFB1D <= code <= 0xFEFC
        or 0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        for char in text
    )


def _printable_by_character(text: str, bold: bool, multiline: bool) -> str:
    have = codepoints(BOLD if bold else REGULAR)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\t", "    ")
    out = []
    for char in text:
        if multiline and char == "\n":
            out.append(char)
        elif unicodedata.category(char) == "Cc":
            out.append(f"[U+{ord(char):04X}]")
        elif ord(char) in have:
            out.append(char)
        else:
            out.append(MISSING_MARK)
    return "".join(out)


_CHARACTERS = st.characters(
    codec="utf-8",
    categories=None,
    include_characters="\n\r\t\x0b\x00\u0301\u0627\u05d0\ufb1d\u1ab0中é ",
)


@settings(max_examples=300, deadline=None)
@given(st.text(_CHARACTERS, max_size=40), st.booleans(), st.booleans())
def test_the_fast_checks_are_the_character_by_character_ones(
    text: str, bold: bool, multiline: bool
) -> None:
    assert needs_shaping(text) == _shaping_by_character(text)
    assert printable(text, bold=bold, multiline=multiline) == _printable_by_character(
        text, bold, multiline
    )
