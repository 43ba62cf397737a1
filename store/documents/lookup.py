"""Finding what a document is made from, in the store (on the writer's thread)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from models.referential import ThresholdReferential
from store.documents.wording import People
from store.errors import StoreError

if TYPE_CHECKING:
    from store.store import Snapshot, Store


def find_candidate(store: Store, wanted: str) -> str:
    """A candidate by id, or by name when exactly one matches."""
    ids = store.candidate_ids()
    if wanted in ids:
        return wanted
    matches = [r["id"] for r in store.rows().records if r["name"].casefold() == wanted.casefold()]
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        raise StoreError(f"plusieurs candidats s'appellent « {wanted} » : donnez l'identifiant")
    near = sorted(
        str(r["name"]) for r in store.rows().records if _folded(wanted) in _folded(r["name"])
    )
    if near:
        listed = ", ".join(near[:5]) + (" …" if len(near) > 5 else "")
        raise StoreError(
            f"aucun candidat ne s'appelle « {wanted} » ; s'agit-il de : {listed} ? Donnez le nom "
            "entier, ou l'identifiant (c-…)"
        )
    raise StoreError(f"aucun candidat « {wanted} »")


def _folded(text: str) -> str:
    """Case and accents set aside, to suggest « Noé Dubois » for « dubois »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def dossier_inputs(store: Store, wanted: str) -> tuple[Snapshot, People]:
    """A candidate's dossier as it stands and the people it names: all a document needs."""
    return store.snapshot(find_candidate(store, wanted)), People(
        store.people(), store.public_keys()
    )


def find_grid(snap: Snapshot, block: str, grid: str | None = None) -> str:
    """The grid of a block (its id « gc.b2 » or number « 2 »): the one that decides it (the
    most recently opened), or the one named."""
    state = snap.state
    if grid is not None:
        if grid not in state.grids:
            raise StoreError(f"aucune grille {grid} dans ce dossier")
        return grid
    wanted = block if "." in block else None
    candidates = [
        g for g in state.grids.values()
        if g.block == wanted or (wanted is None and g.block.rsplit(".b", 1)[-1] == block)
    ]  # fmt: skip
    if not candidates:
        ref = snap.referential
        if not isinstance(ref, ThresholdReferential):
            raise StoreError(
                "ce candidat prépare le CQP Gestionnaire carrière : il n'a pas de grilles"
            )
        known = {b.id for b in ref.blocks} | {str(b.number) for b in ref.blocks}
        if block not in known:
            numbers = ", ".join(str(b.number) for b in ref.blocks)
            raise StoreError(f"pas de bloc « {block} » dans ce référentiel : {numbers}")
        raise StoreError(f"aucune grille ouverte pour le bloc {block}")
    return max(candidates, key=lambda g: g.opened_seq).id
