"""What the shipped fonts can print, and the printed form of any text.

A character the font lacks would come out as a blank box or a « ? » in most PDF writers, and a
control character (accepted in a name, as the store accepts it) as nothing at all: both are
replaced here by a visible mark, and each one is reported so the command can say so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
# Printed in place of a character the font has no glyph for (U+FFFD, which both fonts have).
MISSING_MARK = "\ufffd"


def font_path(name: str) -> Path:
    return Path(str(resources.files("store.documents") / "fonts" / name))


_KNOWN: dict[str, frozenset[int]] = {}
# Per font, the characters that print as they are: those it has, less the control characters.
_PLAIN: dict[str, frozenset[int]] = {}


def _plain(name: str) -> frozenset[int]:
    found = _PLAIN.get(name)
    if found is None:
        found = _PLAIN[name] = frozenset(
            code for code in codepoints(name) if not _is_control(chr(code))
        )
    return found


def forget_printable() -> None:
    """Empties the per-font sets of characters that print as they are (recomputed at next
    use, cheaply from the fonts' cmaps): the tests start each with none, so that a test run
    checks the code that computes them, not a set an earlier test left in the process."""
    _PLAIN.clear()


def codepoints(name: str) -> frozenset[int]:
    """The characters a shipped font has a glyph for (its cmap)."""
    found = _KNOWN.get(name)
    if found is None:
        from fontTools.ttLib import TTFont

        with TTFont(str(font_path(name)), lazy=True) as font:
            found = _KNOWN[name] = frozenset(font.getBestCmap())
    return found


def remember(name: str, cmap: Iterable[int]) -> None:
    """The cmap of a shipped font as fpdf2 has just read it, so it is not parsed twice."""
    _KNOWN.setdefault(name, frozenset(cmap))


def control_mark(char: str) -> str:
    """A control character as it prints: its code point, visibly (« [U+000B] »)."""
    return f"[U+{ord(char):04X}]"


@dataclass
class Unprintable:
    """The characters replaced while printing one document, each with where it was first seen."""

    found: dict[str, str] = field(default_factory=dict)

    def add(self, char: str, text: str) -> None:
        self.found.setdefault(char, text)

    def warnings(self) -> list[str]:
        """One line per text that had characters replaced, naming each of them."""
        by_text: dict[str, list[str]] = {}
        for char, text in self.found.items():
            by_text.setdefault(text, []).append(char)
        lines = []
        for text, chars in by_text.items():
            what = []
            for char in chars:
                code = f"U+{ord(char):04X}"
                if _is_control(char):
                    what.append(f"caractère de contrôle {code} imprimé « {control_mark(char)} »")
                else:
                    name = unicodedata.name(char, "sans nom")
                    what.append(f"{code} ({name}) absent de la police, imprimé « {MISSING_MARK} »")
            lines.append(f"{' ; '.join(what)} — dans « {printable(text)} »")
        return lines


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def printable(
    text: str, *, bold: bool = False, multiline: bool = False, seen: Unprintable | None = None
) -> str:
    """The text as the PDF prints it: every character the font has, as written; a control
    character as its code point; any other character the font lacks as « � ». Where the text
    may span lines (comments, reasons), line breaks stay line breaks and a tab is spaces."""
    name = BOLD if bold else REGULAR
    glyphs = codepoints(name)
    if multiline:
        # Line breaks and tabs typed in a comment are layout, not characters to show.
        text = text.replace("\r\n", "\n").replace("\t", "    ")
    # Most text prints as it is: checked at once (in C), not character by character.
    used = set(map(ord, text))
    if multiline:
        used.discard(0x0A)
    if used <= _plain(name):
        return text
    out: list[str] = []
    for char in text:
        if multiline and char == "\n":
            out.append(char)
        elif _is_control(char):
            out.append(control_mark(char))
            if seen is not None:
                seen.add(char, text)
        elif ord(char) in glyphs:
            out.append(char)
        else:
            out.append(MISSING_MARK)
            if seen is not None:
                seen.add(char, text)
    return "".join(out)
