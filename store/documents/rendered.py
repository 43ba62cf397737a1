"""A document as bytes, with what could not be printed as written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rendered:
    data: bytes
    # One French line per character replaced by a visible mark (see glyphs.py).
    warnings: tuple[str, ...] = ()
