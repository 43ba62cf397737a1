"""Making a document from a screen: the store is read on its writer thread, the document is
built in a worker thread (never on the UI's loop, never holding up the writer), then written
through the writer; the screen says where it went and what could not be printed as written."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.screen import Screen

from models.errors import CarnetError

# The files a document makes, and the characters its PDF printed as a visible mark.
Built = tuple[Sequence[tuple[Path, bytes]], Sequence[str]]


async def make_document(
    screen: Screen[Any],
    read: Callable[[Any], Any],
    build: Callable[[Any], Built],
    what: str,
    *,
    quiet: bool = False,
) -> list[Path]:
    """``read(store)`` on the writer, ``build(inputs)`` in a thread, then each file written
    through the writer. Returns the files written (none after an error, which is shown)."""
    from tui.cli_sync import write_new

    app: Any = screen.app
    try:
        inputs = await app.store_call(read)
        files, warnings = await asyncio.to_thread(build, inputs)

        def write(_: Any) -> None:
            for path, data in files:
                write_new(path, data)

        await app.store_call(write)
    except CarnetError as exc:
        screen.notify(f"{what} : {exc}", severity="error", timeout=10, markup=False)
        return []
    if not quiet:  # a screen with its own log says it there
        names = ", ".join(str(path) for path, _ in files)
        screen.notify(f"{what} — écrit dans : {names}", timeout=10, markup=False)
    for warning in warnings:
        screen.notify(f"Attention : {warning}", severity="warning", timeout=15, markup=False)
    return [path for path, _ in files]


def stamp() -> str:
    from datetime import datetime

    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _exchange_folder() -> Path:
    from tui.screens.sync import exchange_folder

    folder: Path = exchange_folder()
    return folder


async def dossier_document(screen: Screen[Any], candidate: str) -> list[Path]:
    from datetime import UTC, datetime

    from store.documents.dossier import dossier_pdf
    from store.documents.lookup import dossier_inputs
    from store.documents.wording import station_label

    target = _exchange_folder() / f"dossier-{candidate}-{stamp()}.pdf"

    def build(inputs: Any) -> Built:
        snap, people, station = inputs
        rendered = dossier_pdf(snap, people, station=station, now=datetime.now(UTC))
        return [(target, rendered.data)], rendered.warnings

    return await make_document(
        screen,
        lambda store: (*dossier_inputs(store, candidate), station_label(store.station)),
        build,
        "Dossier de certification",
    )


async def grid_document(screen: Screen[Any], candidate: str, grid: str) -> list[Path]:
    from datetime import UTC, datetime

    from store.documents.grid_document import grid_pdf
    from store.documents.lookup import dossier_inputs

    target = _exchange_folder() / f"grille-{candidate}-{grid}-{stamp()}.pdf"

    def build(inputs: Any) -> Built:
        snap, people = inputs
        rendered = grid_pdf(snap, grid, people, datetime.now(UTC))
        return [(target, rendered.data)], rendered.warnings

    return await make_document(
        screen, lambda store: dossier_inputs(store, candidate), build, "Grille d'évaluation"
    )


async def local_jury_document(screen: Screen[Any], candidate: str) -> list[Path]:
    from datetime import UTC, datetime

    from store.documents.jury import local_jury_pdf
    from store.documents.lookup import dossier_inputs

    target = _exchange_folder() / f"pv-jury-local-{candidate}-{stamp()}.pdf"

    def build(inputs: Any) -> Built:
        snap, people = inputs
        rendered = local_jury_pdf(snap, people, datetime.now(UTC))
        return [(target, rendered.data)], rendered.warnings

    return await make_document(
        screen, lambda store: dossier_inputs(store, candidate), build, "Procès-verbal du jury local"
    )


async def national_list_documents(
    screen: Screen[Any], candidate: str | None = None, *, quiet: bool = False
) -> list[Path]:
    """The national jury's list, PDF and XLSX: from a candidate's juries, the session that
    proclaimed their decision (or, before it, the candidates awaiting the national jury);
    elsewhere, the candidates awaiting it."""
    from datetime import UTC, datetime

    from store.documents.inputs import listing_inputs
    from store.documents.jury import national_pdf, national_sheet, national_xlsx

    base = _exchange_folder() / f"liste-jury-national-{stamp()}"

    def read(store: Any) -> Any:
        session = None
        if candidate is not None:
            proclaimed = store.snapshot(candidate).state.career.proclamation
            session = proclaimed.value.on if proclaimed else None
        return listing_inputs(store), session

    def build(inputs: Any) -> Built:
        listing, session = inputs
        sheet = national_sheet(listing.records, listing.people, session)
        rendered = national_pdf(sheet, session, datetime.now(UTC))
        files = [
            (base.with_suffix(".pdf"), rendered.data),
            (base.with_suffix(".xlsx"), national_xlsx(sheet)),
        ]
        return files, rendered.warnings

    return await make_document(screen, read, build, "Liste du jury national", quiet=quiet)


async def table_documents(screen: Screen[Any], folder: Path) -> list[Path]:
    """The consolidated table: one XLSX, and one CSV per table."""
    from store.documents.inputs import listing_inputs
    from store.documents.table import consolidated_sheets, csv_table, xlsx
    from tui.cli_documents import csv_paths

    target = folder / f"tableau-consolide-{stamp()}.xlsx"

    def build(inputs: Any) -> Built:
        sheets = consolidated_sheets(inputs.records, inputs.referentials, inputs.people)
        files = [(target, xlsx(sheets))]
        files += [
            (path, csv_table(sheet)) for path, sheet in zip(csv_paths(target), sheets, strict=True)
        ]
        return files, ()

    return await make_document(screen, listing_inputs, build, "Tableau consolidé", quiet=True)
