"""The ``carnet`` subcommands of the exchange with the secretariat and of its documents."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.errors import CarnetError


def add_parsers(sub: Any) -> None:
    station = sub.add_parser("station", help="l'identité du poste et sa clé publique")
    station.add_argument("--data", type=Path)
    station.add_argument("--out", type=Path, help="où écrire la clé publique (pour le secrétariat)")

    init = sub.add_parser("init", help="prépare un dossier de données")
    init.add_argument("--data", type=Path)
    init.add_argument("--secretariat", action="store_true", help="dossier du secrétariat central")

    trust = sub.add_parser("trust", help="fait confiance à la clé publique d'un poste")
    trust.add_argument("keyfile", type=Path)
    trust.add_argument("--data", type=Path)

    export = sub.add_parser("export", help="écrit un lot signé pour le secrétariat")
    export.add_argument("--data", type=Path)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument(
        "--all", action="store_true", help="tout le poste, pas seulement le non confirmé"
    )

    imp = sub.add_parser("import", help="importe des lots ou des accusés de réception")
    imp.add_argument("files", type=Path, nargs="+", help="fichiers ou dossiers de fichiers .carnet")
    imp.add_argument("--data", type=Path)
    imp.add_argument("--receipts", type=Path, help="où écrire les accusés de réception")


def dispatch(args: argparse.Namespace, data: Path) -> int | None:
    commands: dict[str, Callable[[argparse.Namespace, Path], int]] = {
        "station": _station,
        "init": _init,
        "trust": _trust,
        "export": _export,
        "import": _import,
    }
    command = commands.get(args.command or "")
    return None if command is None else command(args, data)


def _with_store(data: Path, work: Callable[[Any], Any]) -> Any:
    from store.writer import Writer

    with Writer(data) as writer:
        return writer.call(work)


def _station(args: argparse.Namespace, data: Path) -> int:
    from store.keys import public_key_file
    from store.sync import station_key

    def show(store: Any) -> tuple[str, str, bytes, str]:
        key = station_key(store)
        return (
            store.station.id,
            key.fingerprint,
            public_key_file(store.station.id, key),
            (store.station.role),
        )

    station, fingerprint, public, role = _with_store(data, show)
    out = args.out or data / f"{station}.cle"
    write_new(out, public)
    print(f"Poste : {station}" + (" (secrétariat)" if role == "secretariat" else ""))
    print(f"Empreinte de la clé : {fingerprint}")
    print(f"Clé publique écrite dans {out}")
    return 0


def _init(args: argparse.Namespace, data: Path) -> int:
    from store.station import set_role

    _with_store(data, lambda store: None)
    station = set_role(data, "secretariat" if args.secretariat else "poste")
    what = "secrétariat central" if station.secretariat else "poste"
    print(f"{data} : {what} {station.id}")
    return 0


def _trust(args: argparse.Namespace, data: Path) -> int:
    from store.sync import confirm_trust

    station, fingerprint, added = _with_store(
        data, lambda store: confirm_trust(store, args.keyfile)
    )
    if added:
        print(f"Confiance accordée au poste {station} (empreinte {fingerprint}).")
    else:
        print(f"Le poste {station} était déjà de confiance (empreinte {fingerprint}).")
    return 0


def _export(args: argparse.Namespace, data: Path) -> int:
    from store.sync import export

    _require(data)
    report = _with_store(data, lambda store: export(store, args.out, everything=args.all))
    print(f"Lot n° {report.bundle} écrit dans {report.path} : {report.events} événement(s).")
    return 0


def _import(args: argparse.Namespace, data: Path) -> int:
    from store.sync import expand, import_files, ranges_text

    _require(data)
    files = expand(args.files)
    if not files:
        raise CarnetError("aucun fichier .carnet à importer")
    report = _with_store(data, lambda store: import_files(store, files, receipts_dir=args.receipts))
    for result in report.files:
        if result.error:
            print(f"✘ {result.path} refusé : {result.error}")
        elif result.kind == "receipt":
            print(f"✔ {result.path} : accusé de réception du secrétariat {result.station}")
        else:
            print(
                f"✔ {result.path} : poste {result.station}, {result.new_events} nouvel(s) "
                f"événement(s), {result.known_events} déjà reçu(s)"
            )
    for station, missing in report.gaps.items():
        print(f"⚠ poste {station} : événements manquants {ranges_text(missing)}")
    if report.acknowledged:
        print(f"{report.acknowledged} événement(s) confirmé(s) par le secrétariat.")
    for path in report.receipts:
        print(f"Accusé de réception écrit : {path}")
    return 1 if report.rejected else 0


def write_new(path: Path, data: bytes) -> None:
    from store.atomic import atomic_write

    if not path.parent.is_dir():
        raise CarnetError(f"le dossier {path.parent} n'existe pas")
    try:
        atomic_write(path, data, keep_backup=False)
    except OSError as exc:
        raise CarnetError(f"impossible d'écrire {path} : {exc.strerror}") from exc


def _require(data: Path) -> None:
    if not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")
