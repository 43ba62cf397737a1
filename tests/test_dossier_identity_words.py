"""The dossier's identity section: a candidate with a tutor but no manager (or the reverse)
still has the line naming them, with « — » for the one missing; one with neither has none."""

from __future__ import annotations

import pytest

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_documents import NOW


@pytest.mark.parametrize("who", ["tutor", "manager", None])
def test_the_tutor_and_manager_line_with_one_of_them(store: Store, who: str | None) -> None:
    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
    chosen = {"tutor": tutor, "manager": manager}
    candidate = store.create_candidate(
        "Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil", "t",
        **({who: chosen[who]} if who else {}),
    )  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    lines = [str(args[0]) for step, args, _ in script.steps
             if step == "paragraph" and str(args[0]).startswith("Tuteur : ")]  # fmt: skip
    expected = {
        "tutor": ["Tuteur : Paul Tuteur (CPAM du Rhône) ; manager : —"],
        "manager": ["Tuteur : — ; manager : Marie Manager (CPAM du Rhône)"],
        None: [],
    }
    assert lines == expected[who]
