"""``carnet inscrire``: the lists of people and candidates the secretariat receives."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from models.errors import CarnetError

# Spelled out rather than imported: every command builds this parser, and the registration
# module pulls in the domain's models (tests/test_enrolment.py checks they agree).
COLUMNS_TEXT = "type;nom;organisme;roles;cqp;parcours;entree;tuteur;manager"


def add_parser(sub: Any) -> None:
    enrol = sub.add_parser(
        "inscrire",
        help="inscrit en une fois les personnes et les candidats d'un fichier CSV ou XLSX",
        description=(
            "Lit un fichier CSV (UTF-8, « ; », une ligne d'en-tête) ou XLSX aux colonnes "
            f"{COLUMNS_TEXT}. « type » : personne ou candidat ; « roles » : tuteur, "
            "manager, representant_metier, certificateur, jury, secretariat (séparés par des "
            "virgules) ; « cqp » : gestionnaire-conseil ou gestionnaire-carriere ; « parcours » "
            "(carrière) : nouvel_embauche, parcours_formation ou vae ; « entree » : JJ/MM/AAAA ; "
            "« tuteur » et « manager » : le nom exact d'une personne du fichier ou du registre. "
            "Tout ou rien : chaque ligne fautive est signalée avec sa colonne et rien n'est "
            "enregistré. Ce qui est déjà inscrit est passé : relancer le même fichier n'ajoute rien."
        ),
    )
    enrol.add_argument("file", type=Path, metavar="FICHIER", help="le fichier .csv ou .xlsx")
    enrol.add_argument(
        "--par",
        required=True,
        metavar="NOM",
        help="le nom exact de l'agent du secrétariat qui inscrit (chaque événement le nomme)",
    )
    enrol.add_argument(
        "--nouveaux-organismes",
        action="store_true",
        dest="new_organismes",
        help="ajoute au registre, au nom de l'agent, les organismes du fichier qu'il ne connaît "
        "pas encore (sans cette option, un organisme inconnu est une ligne fautive ; une autre "
        "graphie d'un organisme du registre, à la casse, aux accents ou aux tirets près, est "
        "celui du registre)",
    )
    enrol.add_argument("--data", type=Path, help="dossier de données")


def dispatch(args: argparse.Namespace, data: Path) -> int | None:
    if args.command != "inscrire":
        return None
    from store.enrolment import enrol
    from store.writer import Writer

    if not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")

    def work(store: Any) -> Any:
        agents = [
            pid
            for pid, person in store.people().items()
            if person.name == args.par and "secretariat" in person.roles
        ]
        if len(agents) != 1:
            raise CarnetError(
                f"--par : « {args.par} » n'est pas un agent du secrétariat du registre"
                if not agents
                else f"--par : plusieurs agents se nomment « {args.par} »"
            )
        return enrol(store, args.file, agents[0], new_organismes=args.new_organismes)

    with Writer(data) as writer:
        report = writer.call(work)
    added = (
        f" ; {report.organismes} organisme(s) ajouté(s) au registre" if report.organismes else ""
    )
    print(
        f"{report.people} personne(s) et {report.candidates} candidat(s) inscrit(s) ; "
        f"{report.already} ligne(s) déjà inscrite(s), passée(s){added}."
    )
    return 0
