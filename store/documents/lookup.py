"""Finding what a document is made from, in the store (on the writer's thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.documents.wording import People
from store.errors import StoreError

if TYPE_CHECKING:
    from store.store import Snapshot, Store


def find_candidate(store: Store, wanted: str) -> str:
    """A candidate by id, or by name when exactly one matches."""
    ids = store.candidate_ids()
    if wanted in ids:
        return wanted
    matches = [
        r["id"] for r in store.summaries().records if r["name"].casefold() == wanted.casefold()
    ]
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        raise StoreError(f"plusieurs candidats s'appellent « {wanted} » : donnez l'identifiant")
    raise StoreError(f"aucun candidat « {wanted} »")


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
        raise StoreError(f"aucune grille ouverte pour le bloc {block}")
    return max(candidates, key=lambda g: g.opened_seq).id
