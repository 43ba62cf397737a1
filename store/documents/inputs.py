"""What each document is made from, read from the store on the writer's thread. The documents
themselves are built from these values, off the writer's thread and off the UI's loop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grids import Referentials
from store.documents.wording import People
from store.errors import StoreError

if TYPE_CHECKING:
    from store.store import Store


@dataclass(frozen=True)
class Listing:
    """Every candidate's status record, the referentials and the people registry."""

    records: list[Mapping[str, Any]]
    referentials: Referentials
    people: People


def listing_inputs(store: Store) -> Listing:
    listing = store.summaries()
    if listing.unreadable:
        # Never a table that looks whole while it lacks a candidate.
        names = ", ".join(candidate for candidate, _ in listing.unreadable)
        raise StoreError(
            f"{len(listing.unreadable)} dossier(s) illisible(s) ({names}) : "
            f"{listing.unreadable[0][1]} — « carnet recover » d'abord"
        )
    return Listing(list(listing.records), store.referentials, People(store.people()))
