"""fpdf2's view of the shipped fonts, kept between runs in the user's cache folder.

``FPDF.add_font`` parses the font with fontTools (cmap, widths, glyph names, the glyph table to
look for ``.notdef``) and builds, in Python, a width and a glyph id for each of its 6,000
characters: about a fifth of a ``carnet grille``, paid again by every document. What it builds
depends only on the font file, fpdf2 and fontTools, so it is kept here as JSON and read back in
a few milliseconds; the font file is then opened lazily (fontTools reads a table when it is
first used: the subsetter's tables when the PDF is written, or earlier through
:func:`prepare`).

The cache is only a saving, never a source of truth: a file that is absent, unreadable,
damaged (its SHA-256 is checked, then every field's type), made from another font file (its
SHA-256 is part of the key) or by another fpdf2 or fontTools is ignored, the font parsed as
fpdf2 does, and the file written again. A cache folder that cannot be written only means no
saving. ``tests/test_documents_cache.py`` checks that a font read from the cache is the font
fpdf2 builds, field by field, and that the PDF is the same, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fontTools
from fontTools import ttLib
from fpdf import FPDF
from fpdf import __version__ as FPDF_VERSION
from fpdf.enums import FontDescriptorFlags, TextEmphasis
from fpdf.fonts import PDFFontDescriptor, SubsetMap, TTFFont

# Written in the file's key: a change of what is stored, or of how, changes it.
FORMAT = 1
# The variable that names another cache folder (tests; a read-only home).
CACHE_VARIABLE = "CARNET_CACHE"

# Every slot of fpdf2's TTFFont: a version that adds one is not cached (only parsed).
_SLOTS = frozenset(
    {
        "i", "type", "name", "desc", "glyph_ids", "_hbfont", "sp", "ss", "up", "ut", "cw",
        "ttffile", "fontkey", "emphasis", "scale", "subset", "cmap", "ttfont",
        "missing_glyphs", "biggest_size_pt", "color_font", "unicode_range", "palette_index",
        "is_compressed", "is_cff", "is_cid_keyed", "is_symbol", "cff_ros",
        "collection_font_number",
    }
)  # fmt: skip
# Kept as they are: numbers, text and flags.
_SCALARS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "sp": (int,),
    "ss": (int,),
    "up": (int,),
    "ut": (int,),
    "scale": (float,),
    "is_compressed": (bool,),
    "is_cff": (bool,),
    "is_cid_keyed": (bool,),
    "is_symbol": (bool,),
    "palette_index": (int,),
    "collection_font_number": (int,),
}
_DESCRIPTOR: dict[str, tuple[type, ...]] = {
    "ascent": (int, float),
    "descent": (int, float),
    "cap_height": (int, float),
    "flags": (int,),
    "font_b_box": (str,),
    "italic_angle": (int,),
    "stem_v": (int, float),
    "missing_width": (int, float),
}


def cache_dir() -> Path:
    """Where the fonts' metrics are kept: ``$CARNET_CACHE``, else the user's cache folder."""
    named = os.environ.get(CACHE_VARIABLE)
    if named:
        return Path(named)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("carnet", appauthor=False))


def cache_file(font_file: Path) -> Path:
    return cache_dir() / "polices" / f"{font_file.name}.json"


def add_font(pdf: FPDF, family: str, style: str, font_file: Path) -> None:
    """``pdf.add_font(family, style, font_file)``, from the cache when it holds this very
    font for this fpdf2 and fontTools; otherwise parsed by fpdf2, then kept for next time."""
    fontkey = f"{family.lower()}{style}"
    key = _key(font_file)
    state = _read(cache_file(font_file), key)
    if state is not None:
        pdf.fonts[fontkey] = _restore(pdf, state, font_file, fontkey, style)
        return
    pdf.add_font(family, style, str(font_file))
    font = pdf.fonts[fontkey]
    if isinstance(font, TTFFont):
        kept = _state(font)
        if kept is not None:
            _write(cache_file(font_file), key, kept)


def prepare(pdf: FPDF, stop: Callable[[], bool] = lambda: False) -> None:
    """Reads now the tables of each font that writing the PDF will read (subsetting), the
    costliest first, until ``stop()`` says the work this was filling in for has come (the
    layout process, waiting for its script): what is left is read when the PDF is written,
    as it would have been. The same tables, the same PDF."""
    for font in pdf.fonts.values():
        if not isinstance(font, TTFFont):
            continue
        ttfont = font.ttfont
        if stop():
            return
        ttfont.getGlyphOrder()
        for tag in _WRITTEN:
            if stop():
                return
            if tag in ttfont:
                ttfont[tag]


# The tables fpdf2's subsetter keeps, and so reads: the costliest first.
_WRITTEN = ("hmtx", "glyf", "loca", "cmap", "post", "name", "OS/2", "head", "hhea", "maxp",
            "cvt ", "fpgm", "gasp", "prep")  # fmt: skip


def _key(font_file: Path) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "font_sha256": hashlib.sha256(font_file.read_bytes()).hexdigest(),
        "fpdf2": FPDF_VERSION,
        "fonttools": fontTools.version,
    }


def _state(font: TTFFont) -> dict[str, Any] | None:
    """What fpdf2 built from the font file, as JSON values; None when this font or this
    fpdf2 holds something not foreseen here (a colour font, a new field)."""
    if set(TTFFont.__slots__) != _SLOTS or font.color_font is not None:
        return None
    if hasattr(font, "unicode_range") or font.is_compressed or font.missing_glyphs:
        return None
    if not isinstance(font.cw, defaultdict) or font.cw.default_factory is None:
        return None
    codes = list(font.cmap)
    if set(font.cw) != set(codes) or set(font.glyph_ids) != set(codes):
        return None
    state: dict[str, Any] = {name: getattr(font, name) for name in _SCALARS}
    state["type"] = font.type
    state["cff_ros"] = list(font.cff_ros) if font.cff_ros is not None else None
    descriptor = {name: getattr(font.desc, name) for name in _DESCRIPTOR}
    descriptor["flags"] = descriptor["flags"].value
    state["descriptor"] = descriptor
    state["default_width"] = font.cw.default_factory()
    state["codes"] = codes
    state["glyphs"] = [font.cmap[code] for code in codes]
    state["widths"] = [font.cw[code] for code in codes]
    state["ids"] = [font.glyph_ids[code] for code in codes]
    return state if _valid(state) else None


def _valid(state: Any) -> bool:
    """Every field present with its type, and one width, glyph and id per character."""
    if not isinstance(state, dict) or state.get("type") != "TTF":
        return False
    for name, types in _SCALARS.items():
        if type(state.get(name)) not in types:
            return False
    descriptor = state.get("descriptor")
    if not isinstance(descriptor, dict) or any(
        type(descriptor.get(name)) not in types for name, types in _DESCRIPTOR.items()
    ):
        return False
    ros = state.get("cff_ros")
    if ros is not None and not (
        isinstance(ros, list) and len(ros) == 3 and [type(v) for v in ros] == [str, str, int]
    ):
        return False
    if type(state.get("default_width")) not in (int, float):
        return False
    codes, glyphs, widths, ids = (state.get(name) for name in ("codes", "glyphs", "widths", "ids"))
    if not (
        isinstance(codes, list)
        and isinstance(glyphs, list)
        and isinstance(widths, list)
        and isinstance(ids, list)
    ):
        return False
    if not codes or not len(codes) == len(glyphs) == len(widths) == len(ids):
        return False
    if len(set(codes)) != len(codes):
        return False
    # Types counted in C (``map(type, …)``): this check is read on every document.
    return (
        set(map(type, codes)) == {int}
        and min(codes) >= 0
        and set(map(type, glyphs)) == {str}
        and set(map(type, widths)) <= {int, float}
        and set(map(type, ids)) == {int}
        and min(ids) >= 0
    )


def _restore(
    pdf: FPDF, state: dict[str, Any], font_file: Path, fontkey: str, style: str
) -> TTFFont:
    """The TTFFont fpdf2 would have built, from its kept state; the font file opened lazily,
    as fpdf2 opens it."""
    font = TTFFont.__new__(TTFFont)
    font.i = len(pdf.fonts) + 1
    font.type = "TTF"
    font.ttffile = font_file
    font.fontkey = fontkey
    font.emphasis = TextEmphasis.coerce(style)
    font.biggest_size_pt = 0
    font._hbfont = None
    font.color_font = None
    font.missing_glyphs = []
    for name in _SCALARS:
        setattr(font, name, state[name])
    ros = state["cff_ros"]
    font.cff_ros = (ros[0], ros[1], ros[2]) if ros is not None else None
    descriptor = dict(state["descriptor"])
    descriptor["flags"] = FontDescriptorFlags(descriptor["flags"])
    font.desc = PDFFontDescriptor(**descriptor)
    codes = state["codes"]
    font.cmap = dict(zip(codes, state["glyphs"], strict=True))
    default_width = state["default_width"]
    font.cw = defaultdict(lambda: default_width, zip(codes, state["widths"], strict=True))
    font.glyph_ids = dict(zip(codes, state["ids"], strict=True))
    font.ttfont = ttLib.TTFont(
        font_file, recalcTimestamp=False, fontNumber=font.collection_font_number, lazy=True
    )
    font.subset = SubsetMap(font)
    return font


def _read(path: Path, key: dict[str, Any]) -> dict[str, Any] | None:
    """The state kept for this key, or None (absent, damaged, another key)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    digest, _, payload = raw.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return None  # damaged or cut short: parsed again, and written again
    try:
        kept = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None
    state = kept.get("font")
    return state if _valid(state) else None


def _write(path: Path, key: dict[str, Any], state: dict[str, Any]) -> None:
    """Written whole (a temporary file renamed), or not at all."""
    payload = json.dumps({"key": key, "font": state}, separators=(",", ":")).encode()
    data = hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(name, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
