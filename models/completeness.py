"""What is still missing for a candidate's dossier de certification to be complete.

A pure reading of the dossier's state: each item names its kind (for scripts), the ids it is
about, and a French sentence (for people). Names of people are given by the caller, since the
registry is not part of a dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.dossier import DossierState
from models.referential import ThresholdReferential, WeightedReferential

Namer = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Outstanding:
    kind: str
    ids: tuple[str, ...]
    text: str


def _plain(person: str) -> str:
    return person


def outstanding(
    state: DossierState, ref: ThresholdReferential | WeightedReferential, name: Namer = _plain
) -> list[Outstanding]:
    items: list[Outstanding] = []
    if isinstance(ref, ThresholdReferential):
        items.extend(_grids(state, ref, name))
        items.extend(_logbook(state, ref))
    else:
        items.extend(_career(state, ref))
    open_conflicts = state.open_conflicts
    if open_conflicts:
        items.append(
            Outstanding(
                "conflict",
                tuple(c.key for c in open_conflicts),
                f"{len(open_conflicts)} conflit(s) à trancher par le secrétariat.",
            )
        )
    return items


def _grids(state: DossierState, ref: ThresholdReferential, name: Namer) -> list[Outstanding]:
    items = []
    for block in ref.blocks:
        label = f"Bloc {block.number}"
        grid_id = state.current_grid.get(block.id)
        if grid_id is None:
            items.append(Outstanding("grid_missing", (block.id,), f"{label} : aucune grille."))
            continue
        grid = state.grids[grid_id]
        if grid.closed is None:
            items.append(
                Outstanding(
                    "grid_open", (block.id, grid.id), f"{label} : grille en cours, à clore."
                )
            )
        for role, person, title in (
            ("representant_metier", grid.evaluator, "du représentant métier"),
            ("certificateur", grid.certifier, "du certificateur ou délégataire"),
        ):
            if role not in grid.signatures:
                items.append(
                    Outstanding(
                        "grid_signature",
                        (block.id, grid.id, person),
                        f"{label} : signature {title} ({name(person)}) attendue.",
                    )
                )
    return items


def _logbook(state: DossierState, ref: ThresholdReferential) -> list[Outstanding]:
    items = []
    for role, label in (("tuteur", "du tuteur"), ("manager", "du manager")):
        missing = tuple(
            c.id
            for b in ref.blocks
            for c in b.competencies
            if role not in state.attestations.get(c.id, {})
        )
        if missing:
            items.append(
                Outstanding(
                    f"logbook_{role}",
                    missing,
                    f"Carnet de suivi : {len(missing)} compétence(s) sans la signature {label}.",
                )
            )
    return items


def _career(state: DossierState, ref: WeightedReferential) -> list[Outstanding]:
    career = state.career
    vae = state.candidate is not None and state.candidate.route == "vae"
    items: list[Outstanding] = []
    if vae:
        if career.admissibility is None:
            items.append(Outstanding("vae_admissibility", (), "Recevabilité VAE à décider."))
        if career.proof is None:
            items.append(Outstanding("vae_proof", (), "Dossier de preuve à recevoir."))
        decided = set(career.acquired) | set(career.decisions)
        undecided = tuple(c.competency for c in ref.certification if c.competency not in decided)
        if undecided:
            items.append(
                Outstanding(
                    "vae_decision",
                    undecided,
                    f"{len(undecided)} compétence(s) certifiée(s) sans décision du jury local.",
                )
            )
    else:
        missing = tuple(e.id for e in ref.evaluations if e.id not in career.marks)
        if missing:
            titles = ", ".join(ref.evaluation(e).title for e in missing)
            items.append(Outstanding("mark", missing, f"Notes manquantes : {titles}."))
        if career.pass_followed is None:
            items.append(Outstanding("pass", (), "Suivi du Pass à renseigner."))
    if career.jury is None:
        items.append(Outstanding("jury_local", (), "Jury local à composer."))
    if career.proposal is None:
        items.append(Outstanding("jury_proposal", (), "Proposition du jury local attendue."))
    if career.proclamation is None:
        items.append(Outstanding("proclamation", (), "Proclamation du jury national attendue."))
    return items
