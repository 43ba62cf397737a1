"""The ``carnet`` subcommands that make documents: ``dossier``, ``grille``, ``jury`` and
``tableau``. The store is read on its writer thread; the document is built from what was read;
a character no shipped font has is printed as a visible mark and reported on stderr."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from models.errors import CarnetError

# Read for a script (no terminal to ask on): the passphrase of the --signer certificate.
PASSPHRASE_VARIABLE = "CARNET_CERTIFICAT_MDP"


_SIGNER_HELP = (
    "signe le PDF (PAdES) avec ce certificat de l'organisme, un fichier PKCS#12 (.p12, .pfx) ; "
    f"son mot de passe est demandé, ou lu dans {PASSPHRASE_VARIABLE}"
)


def add_parsers(sub: Any) -> None:
    dossier = sub.add_parser("dossier", help="le dossier de certification d'un candidat en PDF")
    dossier.add_argument("candidate", help="identifiant (c-…) ou nom du candidat")
    dossier.add_argument("--data", type=Path)
    dossier.add_argument("--out", type=Path, required=True)
    dossier.add_argument("--signer", type=Path, metavar="CERTIFICAT", help=_SIGNER_HELP)

    grid = sub.add_parser("grille", help="la grille d'évaluation d'un bloc en PDF")
    grid.add_argument("candidate", help="identifiant (c-…) ou nom du candidat")
    grid.add_argument("block", help="le bloc : son numéro (1, 2, 3) ou son identifiant (gc.b1)")
    grid.add_argument("--data", type=Path)
    grid.add_argument("--out", type=Path, required=True)
    grid.add_argument("--grille", help="une grille précise (g-…) plutôt que la plus récente")
    grid.add_argument("--signer", type=Path, metavar="CERTIFICAT", help=_SIGNER_HELP)

    jury = sub.add_parser("jury", help="les documents des jurys (procès-verbal, liste nationale)")
    what = jury.add_subparsers(dest="jury_document", required=True, metavar="pv|liste")
    pv = what.add_parser("pv", help="le procès-verbal du jury local d'un candidat (PDF)")
    pv.add_argument("candidate", help="identifiant (c-…) ou nom du candidat")
    pv.add_argument("--data", type=Path)
    pv.add_argument("--out", type=Path, required=True)
    pv.add_argument("--signer", type=Path, metavar="CERTIFICAT", help=_SIGNER_HELP)
    listing = what.add_parser("liste", help="la liste pour le jury national (.pdf ou .xlsx)")
    listing.add_argument("--data", type=Path)
    listing.add_argument("--out", type=Path, required=True)
    listing.add_argument(
        "--session",
        type=_day,
        help="date du jury national (JJ/MM/AAAA) ; sans elle, les candidats à présenter",
    )
    listing.add_argument(
        "--signer", type=Path, metavar="CERTIFICAT", help=_SIGNER_HELP + " (PDF seulement)"
    )

    table = sub.add_parser(
        "tableau",
        help="le tableau consolidé pour le jury national (.xlsx, ou .csv : un fichier par table)",
    )
    table.add_argument("--data", type=Path)
    table.add_argument("--out", type=Path, required=True)


def dispatch(args: argparse.Namespace, data: Path) -> int | None:
    commands: dict[str, Callable[[argparse.Namespace, Path], int]] = {
        "dossier": _dossier,
        "grille": _grid,
        "jury": _jury,
        "tableau": _table,
    }
    command = commands.get(args.command or "")
    return None if command is None else command(args, data)


def _day(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        if re.fullmatch(r"\d{2}/\d{2}/\d{4}", text.strip()):
            raise argparse.ArgumentTypeError(
                f"le {text.strip()} n'existe pas : vérifiez le jour et le mois"
            ) from None
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date JJ/MM/AAAA") from None


def _read(data: Path, work: Callable[[Any], Any]) -> Any:
    from store.writer import Writer

    if not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")
    # Read-only, without the data lock: the documents can be made while the app is open.
    with Writer(data, read_only=True) as writer:
        return writer.call(work)


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise CarnetError(f"{out.name} : ce document s'écrit en {' ou '.join(allowed)}")
    return suffix


def _signer(args: argparse.Namespace) -> Any:
    """The --signer certificate unlocked (its passphrase asked now, before the work), or
    None."""
    if args.signer is None:
        return None
    import getpass
    import os

    from store.documents.signature import load_signer

    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase is None:
        if not sys.stdin.isatty():
            raise CarnetError(
                f"mot de passe du certificat {args.signer.name} : aucun terminal pour le "
                f"demander, indiquez-le dans la variable {PASSPHRASE_VARIABLE}"
            )
        passphrase = getpass.getpass(f"Mot de passe du certificat {args.signer.name} : ")
    return load_signer(args.signer, passphrase)


def _signed(rendered: Any, signer: Any, title: str, station: Any) -> Any:
    """The rendered PDF, signed when a certificate was given."""
    if signer is None:
        return rendered
    from dataclasses import replace

    from store.documents.signature import sign_pdf

    where = station.organisme or station.name or station.id
    return replace(rendered, data=sign_pdf(rendered.data, signer, reason=title, location=where))


def _done(rendered: Any, out: Path, what: str) -> int:
    from tui.cli_sync import write_new

    write_new(out, rendered.data)
    for warning in rendered.warnings:
        print(f"carnet : attention, {warning}", file=sys.stderr)
    print(f"{what} dans {out}")
    return 0


def _dossier(args: argparse.Namespace, data: Path) -> int:
    from store.documents.renderer import take

    _suffix(args.out, (".pdf",))
    with take() as renderer:  # first: fpdf2 loads while the store is read
        signer = _signer(args)
        from store.documents.dossier import dossier_script
        from store.documents.lookup import dossier_inputs
        from store.documents.wording import station_label

        snap, people, station = _read(
            data, lambda store: (*dossier_inputs(store, args.candidate), store.station)
        )
        script = dossier_script(snap, people, station=station_label(station), now=datetime.now(UTC))
        rendered = _signed(renderer.render(script), signer, script.name, station)
    return _done(rendered, args.out, "Dossier de certification écrit")


def _grid(args: argparse.Namespace, data: Path) -> int:
    from store.documents.renderer import take

    _suffix(args.out, (".pdf",))
    with take() as renderer:  # first: fpdf2 loads while the store is read
        signer = _signer(args)
        from store.documents.grid_document import grid_script
        from store.documents.lookup import dossier_inputs, find_grid

        snap, people, station = _read(
            data, lambda store: (*dossier_inputs(store, args.candidate), store.station)
        )
        grid = find_grid(snap, args.block, args.grille)
        script = grid_script(snap, grid, people, datetime.now(UTC))
        rendered = _signed(renderer.render(script), signer, script.name, station)
    return _done(rendered, args.out, "Grille d’évaluation écrite")


def _jury(args: argparse.Namespace, data: Path) -> int:
    now = datetime.now(UTC)
    if args.jury_document == "pv":
        from store.documents.renderer import take

        _suffix(args.out, (".pdf",))
        with take() as renderer:  # first: fpdf2 loads while the store is read
            signer = _signer(args)
            from store.documents.jury import local_jury_script
            from store.documents.lookup import dossier_inputs

            snap, people, station = _read(
                data, lambda store: (*dossier_inputs(store, args.candidate), store.station)
            )
            script = local_jury_script(snap, people, now)
            rendered = _signed(renderer.render(script), signer, script.name, station)
        return _done(rendered, args.out, "Procès-verbal du jury local écrit")
    from store.documents.rendered import Rendered
    from store.documents.renderer import take

    suffix = _suffix(args.out, (".pdf", ".xlsx"))
    if suffix == ".pdf":
        with take() as renderer:  # first: fpdf2 loads while the store is read
            signer = _signer(args)
            from store.documents.inputs import listing_inputs
            from store.documents.jury import national_script, national_sheet

            listing, station = _read(data, lambda store: (listing_inputs(store), store.station))
            sheet = national_sheet(listing.records, listing.people, args.session)
            script = national_script(sheet, args.session, now)
            rendered = _signed(renderer.render(script), signer, script.name, station)
    else:
        if args.signer is not None:
            raise CarnetError("--signer signe un PDF : un classeur .xlsx ne se signe pas ainsi")
        from store.documents.inputs import listing_inputs
        from store.documents.jury import national_sheet, national_xlsx

        listing = _read(data, listing_inputs)
        sheet = national_sheet(listing.records, listing.people, args.session)
        rendered = Rendered(national_xlsx(sheet))
    return _done(
        rendered, args.out, f"Liste du jury national ({len(sheet.rows)} candidat(s)) écrite"
    )


def _table(args: argparse.Namespace, data: Path) -> int:
    from store.documents.inputs import listing_inputs
    from store.documents.table import consolidated_sheets, csv_table, xlsx
    from tui.cli_sync import write_new

    suffix = _suffix(args.out, (".xlsx", ".csv"))
    listing = _read(data, listing_inputs)
    sheets = consolidated_sheets(listing.records, listing.referentials, listing.people)
    if suffix == ".xlsx":
        write_new(args.out, xlsx(sheets))
        print(f"Tableau consolidé écrit dans {args.out}")
        return 0
    for path in csv_paths(args.out):
        if path.exists():  # neither table is written unless both can be
            raise CarnetError(
                f"{path} existe déjà : un document n'est jamais écrasé ; choisissez un autre nom"
            )
    for path, sheet in zip(csv_paths(args.out), sheets, strict=True):
        write_new(path, csv_table(sheet))
        print(f"Tableau « {sheet.name} » écrit dans {path}")
    return 0


def csv_paths(out: Path) -> tuple[Path, Path]:
    """One CSV per table, named after the one asked for: tableau-competences.csv, …"""
    stem = out.with_suffix("")
    return (
        stem.with_name(f"{stem.name}-competences.csv"),
        stem.with_name(f"{stem.name}-candidats.csv"),
    )
