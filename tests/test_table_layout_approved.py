"""The consolidated table's layout as approved, read back from the XLSX (openpyxl) and the
CSV: each sheet's columns in order with their title, width, number format and alignment, the
header row (height, wrap, fill, border), the frozen panes and the filter; the CSV's header
line. Compared with the approved copy in ``__snapshots__/test_table_layout_approved.ambr``.

Like ``test_document_scripts.py`` for the PDFs: the other table tests look for the values that
matter, this one notices any change of layout (a mutation run found the columns' widths, a
format code and titles unguarded). A change made on purpose is approved with ``pytest
tests/test_table_layout_approved.py --snapshot-update``, and the diff read before it is
committed."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from syrupy.assertion import SnapshotAssertion

from store.documents.inputs import listing_inputs
from store.documents.jury import national_sheet, national_xlsx
from store.documents.table import csv_table, xlsx
from store.store import Store
from tests.test_documents import _sheets, data  # noqa: F401 - the fixture, shared


def _widths(ws: Any) -> dict[int, float | None]:
    """Each column's width: XlsxWriter writes neighbours of the same width and format as one
    range (« min » to « max »), which openpyxl files under the first column's letter."""
    widths: dict[int, float | None] = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, dim.max + 1):
            widths[c] = dim.width
    return widths


def _layout(book: Any) -> str:
    lines = []
    for ws in book.worksheets:
        lines.append(
            f"sheet {ws.title}: frozen {ws.freeze_panes}, filter {ws.auto_filter.ref}, "
            f"header height {ws.row_dimensions[1].height}"
        )
        widths = _widths(ws)
        for c in range(1, ws.max_column + 1):
            head = ws.cell(1, c)
            fill = head.fill.fgColor.rgb if head.fill.fill_type else None
            line = (
                f"  {get_column_letter(c)} {head.value!r} width {widths.get(c)}: header "
                f"bold={head.font.b} wrap={head.alignment.wrap_text} "
                f"valign={head.alignment.vertical} fill={fill} border={head.border.left.style}"
            )
            # The first cell of the column that holds a value: its format and alignment.
            body = next((ws.cell(r, c) for r in range(2, ws.max_row + 1)
                         if ws.cell(r, c).value is not None), None)  # fmt: skip
            if body is None:
                line += "; no value"
            else:
                line += (
                    f"; cells {type(body.value).__name__} format={body.number_format!r} "
                    f"wrap={body.alignment.wrap_text} valign={body.alignment.vertical}"
                )
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_spreadsheet_is_laid_out_as_approved(
    data: tuple[Path, ...],  # noqa: F811
    snapshot: SnapshotAssertion,
) -> None:
    folder = data[0]
    book = openpyxl.load_workbook(io.BytesIO(xlsx(_sheets(folder))))
    assert _layout(book) == snapshot


def test_the_national_jurys_spreadsheets_are_laid_out_as_approved(
    data: tuple[Path, ...],  # noqa: F811
    snapshot: SnapshotAssertion,
) -> None:
    with Store.open(data[0]) as store:
        listing = listing_inputs(store)
    books = [
        openpyxl.load_workbook(
            io.BytesIO(national_xlsx(national_sheet(listing.records, listing.people, session)))
        )
        for session in (None, date(2026, 11, 20))  # the session the fixture proclaims at
    ]
    assert [_layout(book) for book in books] == snapshot


def test_the_csv_headers_are_as_approved(
    data: tuple[Path, ...],  # noqa: F811
    snapshot: SnapshotAssertion,
) -> None:
    headers = [csv_table(sheet).decode("utf-8").split("\r\n")[0] for sheet in _sheets(data[0])]
    assert headers == snapshot
