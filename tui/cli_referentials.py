"""``carnet referentiels``: the referential versions a folder holds, and their publication by
the secretariat (``carnet referentiels publier``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from models.errors import CarnetError


def add_parser(sub: Any) -> None:
    refs = sub.add_parser(
        "referentiels",
        help="les référentiels et leurs versions ; « publier » en distribue une nouvelle",
        description=(
            "Sans sous-commande : chaque version de référentiel que ce dossier détient, "
            "intégrée à carnet ou publiée par le secrétariat (par qui, quand), et celle que "
            "reçoivent les nouveaux candidats."
        ),
    )
    refs.add_argument("--json", action="store_true", help="sortie JSON")
    refs.add_argument(
        "--data", type=Path, help="dossier de données (par défaut : celui de l'utilisateur)"
    )
    actions = refs.add_subparsers(dest="action", title="sous-commandes", metavar="ACTION")
    publish = actions.add_parser(
        "publier",
        help="au secrétariat : publie une version de référentiel, distribuée avec les lots",
        description=(
            "Publie une version de référentiel lue d'un fichier JSON (même schéma que "
            "grids/*.json). Elle part vers chaque poste avec les lots du secrétariat ; les "
            "nouveaux candidats la reçoivent, les candidats déjà inscrits gardent la leur. Une "
            "version existante avec un autre contenu est refusée ; publier deux fois le même "
            "contenu n'ajoute rien."
        ),
    )
    publish.add_argument("file", type=Path, metavar="FICHIER", help="le référentiel en JSON")
    publish.add_argument(
        "--par",
        required=True,
        metavar="NOM",
        help="le nom exact de l'agent du secrétariat qui publie (l'événement le nomme)",
    )
    # SUPPRESS: « carnet referentiels --data DIR publier … » keeps the folder given before.
    publish.add_argument(
        "--data", type=Path, default=argparse.SUPPRESS, help="dossier de données du secrétariat"
    )


def run(args: argparse.Namespace, default: Path) -> int:
    if getattr(args, "action", None) == "publier":
        return _publish(args.file, args.par, args.data or default)
    return _list(args.data, default, as_json=args.json)


def _publish(path: Path, by: str, data: Path) -> int:
    from store.referentials import publish
    from store.writer import Writer

    if not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")

    def work(store: Any) -> Any:
        agents = [
            pid
            for pid, person in store.people().items()
            if person.name == by and "secretariat" in person.roles
        ]
        if len(agents) != 1:
            raise CarnetError(
                f"--par : « {by} » n'est pas un agent du secrétariat du registre"
                if not agents
                else f"--par : plusieurs agents se nomment « {by} »"
            )
        return publish(store, path, agents[0])

    with Writer(data) as writer:
        report = writer.call(work)
    if report.added:
        print(
            f"{report.referential} version {report.version} publiée (empreinte "
            f"{report.sha256[:16]}…) : elle part vers les postes avec les prochains lots "
            "(carnet export --pour), et les nouveaux candidats la reçoivent."
        )
    else:
        print(
            f"{report.referential} version {report.version} : ce contenu est déjà détenu ici, "
            "rien n'est ajouté."
        )
    return 0


def _list(data: Path | None, default: Path, *, as_json: bool) -> int:
    from grids import load_referentials
    from models.referential import ThresholdReferential
    from models.report import referential_record
    from store.referentials import versions

    folder = data or default
    if data is not None and not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")
    if folder.is_dir():
        from store.writer import Writer

        # A reader: no lock, so it works while the app is open on the same folder.
        with Writer(folder, read_only=True) as writer:
            held = writer.call(lambda store: versions(store.referentials, store.people()))
    else:  # no data folder yet: the built-in referentials only
        held = versions(load_referentials(), {})
    if as_json:
        records = [referential_record(ref) | extra for ref, extra in held]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    from tui.timefmt import when

    for ref, extra in held:
        origin = extra["origin"]
        if origin["kind"] == "integre":
            source = "intégrée à carnet"
        else:
            source = f"publiée par {origin['by_name'] or origin['by']} le {when(origin['at'])}"
        current = " · version des nouveaux candidats" if extra["current"] else ""
        print(f"{ref.title} (version {ref.version}) — {source}{current}")
        if isinstance(ref, ThresholdReferential):
            for block in ref.blocks:
                criteria = sum(len(c.criteria) for c in block.competencies)
                comps = len(block.competencies)
                counts = f"{comps} compétences, {criteria} critères"
                print(f"  Bloc {block.number} : {block.title} — {counts}")
        else:
            total = sum(len(g.competencies) for g in ref.groups)
            print(f"  {total} compétences, dont {len(ref.certification)} certifiées")
            for e in ref.evaluations:
                elim = (
                    f", éliminatoire ≤ {e.eliminatory_at_or_below}"
                    if e.eliminatory_at_or_below is not None
                    else ""
                )
                print(f"  {e.title} : /{e.scale}, coefficient {e.coefficient}{elim}")
    return 0
