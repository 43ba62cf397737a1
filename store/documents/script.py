"""A PDF document as what it says, before any layout: its title, then its headings,
paragraphs and tables in order.

The documents (dossier, grid, juries) write a script; :mod:`store.documents.pdf_writer` lays it
out with fpdf2. Keeping the two apart lets the command line start fpdf2 and the fonts in a
second process while it reads the store (:mod:`store.documents.renderer`): a script holds
only text, numbers and dates, so it crosses to that process as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from store.documents.rendered import Rendered

# The steps a script may hold: the layout replays each as the method of that name.
STEPS = frozenset({"title", "heading", "paragraph", "space", "table"})


class Page(Protocol):
    """What a document writes to: a script, or the PDF layout itself."""

    def title(self, text: str) -> None: ...

    def heading(self, text: str) -> None: ...

    def paragraph(self, text: str, *, bold: bool = False, indent: float = 0) -> None: ...

    def space(self, height: float = 2) -> None: ...

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        strong: frozenset[int] = frozenset(),
    ) -> None: ...


@dataclass
class Script:
    """The document's metadata (title, creation date, author) and its steps in order."""

    name: str
    created: datetime
    author: str = ""
    steps: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def title(self, text: str) -> None:
        self.steps.append(("title", (text,), {}))

    def heading(self, text: str) -> None:
        self.steps.append(("heading", (text,), {}))

    def paragraph(self, text: str, *, bold: bool = False, indent: float = 0) -> None:
        self.steps.append(("paragraph", (text,), {"bold": bold, "indent": indent}))

    def space(self, height: float = 2) -> None:
        self.steps.append(("space", (height,), {}))

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        strong: frozenset[int] = frozenset(),
    ) -> None:
        # Copied as tuples: the caller's lists may change after the call.
        self.steps.append(
            (
                "table",
                (tuple(header), tuple(tuple(row) for row in rows), tuple(widths)),
                {"strong": frozenset(strong)},
            )
        )


def render_pdf(script: Script) -> Rendered:
    """The script laid out as a PDF in this process (fpdf2 is imported here, on first use)."""
    from store.documents.pdf_writer import PdfDocument

    return PdfDocument().play(script)
