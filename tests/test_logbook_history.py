"""The logbook's history keeps every signature and withdrawal with who, what, when and why
(no textual)."""

from __future__ import annotations

from models.dossier import LogbookEntry
from store.store import Store


def test_each_line_of_the_history_is_whole(store: Store) -> None:
    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", tutor=tutor, manager=manager)  # fmt: skip
    store.sign_attestation(candidate, "gc.b1.c2", "tuteur", tutor, "Appel d'un assuré.")
    signed = store.snapshot(candidate).events[-1].ts
    store.sign_attestation(candidate, "gc.b1.c2", "manager", manager, "Le même appel.")
    countersigned = store.snapshot(candidate).events[-1].ts
    store.withdraw_attestation(candidate, "gc.b1.c2", "tuteur", tutor, "Signé trop tôt.")
    withdrawn = store.snapshot(candidate).events[-1].ts
    assert store.snapshot(candidate).state.logbook_history == [
        LogbookEntry("gc.b1.c2", "tuteur", tutor, signed, "signed", "Appel d'un assuré."),
        LogbookEntry("gc.b1.c2", "manager", manager, countersigned, "signed", "Le même appel."),
        LogbookEntry("gc.b1.c2", "tuteur", tutor, withdrawn, "withdrawn", "Signé trop tôt."),
    ]
