"""The ``carnet`` subcommands of the exchange with the secretariat and of its documents."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.errors import CarnetError
from store.errors import os_reason
from tui.timefmt import day


def add_parsers(sub: Any) -> None:
    station = sub.add_parser("station", help="l'identité du poste et sa clé publique")
    station.add_argument("--data", type=Path)
    station.add_argument("--out", type=Path, help="où écrire la clé publique (pour le secrétariat)")
    station.add_argument("--nom", help="le nom de ce poste, tel que les autres le verront")
    station.add_argument("--organisme", help="l'organisme de ce poste")

    init = sub.add_parser("init", help="prépare un dossier de données")
    init.add_argument("--data", type=Path)
    init.add_argument("--secretariat", action="store_true", help="dossier du secrétariat central")

    trust = sub.add_parser("trust", help="fait confiance à la clé publique d'un poste")
    trust.add_argument("keyfile", type=Path)
    trust.add_argument("--data", type=Path)
    trust.add_argument(
        "--empreinte",
        help="l'empreinte de la clé, vérifiée avec ce poste (téléphone, papier)",
    )

    export = sub.add_parser(
        "export",
        help="écrit un lot signé et chiffré : d'un poste pour le secrétariat, du secrétariat "
        "pour un poste (--pour)",
    )
    export.add_argument("--data", type=Path)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument(
        "--all", action="store_true", help="tout, pas seulement ce que le destinataire n'a pas"
    )
    export.add_argument(
        "--pour",
        metavar="IDENTIFIANT",
        help="le destinataire (par défaut le secrétariat de confiance) : le lot est chiffré pour lui",
    )

    posts = sub.add_parser(
        "postes", help="au secrétariat : les postes, leurs lots, trous et fourches"
    )
    posts.add_argument("--data", type=Path)
    posts.add_argument("--json", action="store_true")
    posts.add_argument(
        "--tri",
        default="nom",
        choices=[
            "nom",
            "organisme",
            "role",
            "dernier_lot",
            "evenements",
            "trous",
            "fourches",
            "jours",
        ],
    )
    posts.add_argument(
        "--filtre", default="", help="texte, ou « silencieux », « trou », « fourche »"
    )
    posts.add_argument("--silence", type=int, default=30, help="jours sans lot avant l'alerte")

    give = sub.add_parser(
        "attribuer", help="au secrétariat : confie un candidat à un poste (et ses évaluateurs)"
    )
    give.add_argument("candidate", help="identifiant (c-…) ou nom du candidat")
    give.add_argument("--poste", required=True, help="l'identifiant du poste destinataire")
    give.add_argument(
        "--evaluateur", action="append", default=[], help="identifiant (p-…) d'un évaluateur"
    )
    give.add_argument("--data", type=Path)

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
        "attribuer": _assign,
        "postes": _postes,
    }
    command = commands.get(args.command or "")
    return None if command is None else command(args, data)


def _with_store(data: Path, work: Callable[[Any], Any], *, read_only: bool = False) -> Any:
    from store.writer import Writer

    with Writer(data, read_only=read_only) as writer:
        return writer.call(work)


def _station(args: argparse.Namespace, data: Path) -> int:
    from store.station import set_identity
    from store.sync import public_key_of, station_key

    name = None if args.nom is None else " ".join(args.nom.split())
    organisme = None if args.organisme is None else " ".join(args.organisme.split())
    for label, value in (("nom", name), ("organisme", organisme)):
        if value is not None and not 1 <= len(value) <= 200:
            raise CarnetError(f"--{label} : de 1 à 200 caractères")

    def show(store: Any) -> tuple[Any, str, bytes]:
        if name is not None or organisme is not None:
            store.station = set_identity(
                store.folder,
                store.station.name if name is None else name,
                store.station.organisme if organisme is None else organisme,
            )
        return store.station, station_key(store).fingerprint, public_key_of(store)

    station, fingerprint, public = _with_store(data, show)
    out = args.out or data / f"{station.id}.cle"
    write_new(out, public, replace=True)
    print(f"Poste : {station.id}" + (" (secrétariat)" if station.secretariat else ""))
    if station.name or station.organisme:
        print(f"Nom : {station.name} — organisme : {station.organisme}")
    else:
        print("Sans nom ni organisme : carnet station --nom … --organisme … les donne.")
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
    import sys

    from store.keys import ROLE_TEXT
    from store.sync import confirm_trust, read_key_file

    key = read_key_file(args.keyfile)
    typed = args.empreinte
    print(f"Clé de {key.station} — {ROLE_TEXT[key.role]}")
    if key.name or key.organisme:
        print(f"Nom : {key.name} — organisme : {key.organisme}")
    print(f"Empreinte : {key.fingerprint}")
    from store.keys import TrustStore
    from store.sync import other_secretariats, second_secretariat_warning

    others = other_secretariats(data, key.station) if key.secretariat else []
    if others:
        print(f"⚠ {second_secretariat_warning(others)}")

    held = TrustStore(data).keys.get(key.station) if data.is_dir() else None
    if (
        typed is None
        and held is not None
        and held.entry() | {"added": ""} == key.entry() | {"added": ""}
    ):
        print(f"{key.station} était déjà de confiance, tel quel : rien à faire.")
        return 0
    if typed is None:
        if not sys.stdin.isatty():
            raise CarnetError(
                "vérifiez cette empreinte avec ce poste (téléphone, papier), puis relancez "
                "avec --empreinte « … » : rien n'a été enregistré"
            )
        typed = input("Empreinte lue par ce poste (tapez-la pour confirmer) : ")
    key, outcome = _with_store(data, lambda store: confirm_trust(store, args.keyfile, typed))
    if outcome == "nouveau":
        print(f"Confiance accordée à {key.station} ({ROLE_TEXT[key.role]}).")
    elif outcome == "mis à jour":
        print(f"{key.station} était déjà de confiance ; rôle, nom et organisme mis à jour.")
    else:
        print(f"{key.station} était déjà de confiance (empreinte {key.fingerprint}).")
    return 0


def _export(args: argparse.Namespace, data: Path) -> int:
    from store.sync import export

    _require(data)
    report = _with_store(
        data, lambda store: export(store, args.out, everything=args.all, pour=args.pour)
    )
    print(
        f"Lot n° {report.bundle} pour {report.recipient} écrit dans {report.path} : "
        f"{report.events} événement(s), chiffré pour son destinataire."
    )
    return 0


def _postes(args: argparse.Namespace, data: Path) -> int:
    import json
    import sys

    from store.stations import filter_rows, ranges_text, sort_rows, stations_view

    _require(data)
    if args.silence < 1:
        raise CarnetError("--silence : au moins 1 jour")
    rows = _with_store(data, lambda store: stations_view(store, silent_after=args.silence))
    rows = filter_rows(sort_rows(rows, args.tri), args.filtre)
    if args.json:
        json.dump({"stations": rows}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("Aucun poste.")
        return 0
    for r in rows:
        name = f"{r['name']} ({r['organisme']})" if r["name"] else r["id"]
        last = (
            f"lot n° {r['last_bundle']} du {day(r['last_bundle_created'])}, il y a "
            f"{r['days_since_last_bundle']} j"
            if r["last_bundle"] is not None
            else "aucun lot reçu"
        )
        flags = []
        if r["silent"]:
            flags.append("⚠ silencieux")
        if r["gaps"]:
            flags.append(f"⚠ manquent n° {ranges_text(r['gaps'])}")
        if r["forks"]:
            flags.append(f"⚠ FOURCHE au n° {', '.join(str(f['seq']) for f in r['forks'])}")
        print(f"{name} — {r['role_text']} — {r['id']}")
        print(
            f"    {last} ; {r['events']} événement(s) reçu(s)" + "".join(f" ; {f}" for f in flags)
        )
    return 0


def _assign(args: argparse.Namespace, data: Path) -> int:
    from store.documents.lookup import find_candidate
    from store.sync import assign

    _require(data)

    def give(store: Any) -> tuple[str, str]:
        from store.keys import TrustStore, sender_label

        candidate = find_candidate(store, args.candidate)
        assign(store, candidate, args.poste, args.evaluateur, "secretariat")
        held = store.snapshot(candidate).state.candidate
        named = f"{held.name} ({candidate})" if held is not None else candidate
        return named, sender_label(TrustStore(store.folder).keys, args.poste)

    candidate, station = _with_store(data, give)
    print(f"Candidat {candidate} confié au poste {station} : son prochain lot le lui porte.")
    return 0


def _import(args: argparse.Namespace, data: Path) -> int:
    from store.sync import expand, import_files, ranges_text

    _require(data)
    files = expand(args.files)
    if not files:
        raise CarnetError("aucun fichier .carnet à importer")
    report = _with_store(data, lambda store: import_files(store, files, receipts_dir=args.receipts))
    from store.keys import TrustStore, sender_label

    known = TrustStore(data).keys

    def who(station: str) -> str:
        return sender_label(known, station)

    for result in report.files:
        print(f"{result.mark} {result.path} {result.said_by(who)}")
    for station, missing in report.gaps.items():
        print(f"⚠ poste {station} : événements manquants {ranges_text(missing)}")
    if report.acknowledged:
        print(f"{report.acknowledged} événement(s) confirmé(s) par le secrétariat.")
    for path in report.receipts:
        print(f"Accusé de réception écrit : {path}")
    return 1 if report.rejected else 0


def write_new(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Writes a file whole (atomically). A document already there is never replaced: it may
    be the only copy of what was printed, signed or sent (``replace`` is for derived files,
    such as a public key file written again after the station was named)."""
    from store.atomic import atomic_write

    if not path.parent.is_dir():
        raise CarnetError(f"le dossier {path.parent} n'existe pas")
    if not replace and path.exists():
        raise CarnetError(
            f"{path} existe déjà : un document n'est jamais écrasé ; choisissez un autre nom, "
            "ou supprimez d'abord l'ancien"
        )
    try:
        atomic_write(path, data, keep_backup=False)
    except OSError as exc:
        raise CarnetError(f"impossible d'écrire {path} : {os_reason(exc)}") from exc


def _require(data: Path) -> None:
    if not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")
