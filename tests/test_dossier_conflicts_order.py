"""The dossier's concurrent entries: those still to settle come first, their first line in
bold; those settled follow, in regular type."""

from __future__ import annotations

from pathlib import Path

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.signing import secret_of
from tests.test_conflict_resolution import _pick, _three_stations
from tests.test_documents import NOW


def test_open_conflicts_come_first_in_bold_then_the_settled_ones(tmp_path: Path) -> None:
    s, ids = _three_stations(tmp_path)
    with Store.open(s) as store:
        conseil = store.snapshot(ids["conseil"]).state
        signature = next(c for c in conseil.open_conflicts if c.key.startswith("attestation:"))
        # The signature's conflict, first by its key, is settled; the criterion's stays open.
        store.resolve_conflict(ids["conseil"], signature.key,
                               _pick(signature, (ids["other"],)).event, "Tuteur du jour.",
                               ids["agent_a"], secret_of(store, ids["agent_a"]))  # fmt: skip
        snap, people = dossier_inputs(store, ids["conseil"])
        script = dossier_script(snap, people, station=store.station.id, now=NOW)
    heads = [(str(args[0]).split(" — ")[0], options["bold"]) for step, args, options
             in script.steps if step == "paragraph" and options["indent"] == 0
             and str(args[0]).startswith(("À trancher", "Tranché"))]  # fmt: skip
    assert heads == [("À trancher", True), ("Tranché", False)]


def test_each_conflicts_values_are_set_off_under_its_first_line(tmp_path: Path) -> None:
    s, ids = _three_stations(tmp_path)
    with Store.open(s) as store:
        snap, people = dossier_inputs(store, ids["conseil"])
        steps = dossier_script(snap, people, station=store.station.id, now=NOW).steps
    at = next(i for i, (step, args, _) in enumerate(steps)
              if step == "heading" and args[0] == "Saisies concurrentes entre postes")  # fmt: skip
    section = []
    for step, args, options in steps[at + 1 :]:
        if step != "paragraph":
            break
        section.append((str(args[0])[:2], options["indent"]))
    # Two conflicts, each a first line then its two values, indented by 4 mm.
    assert section == [("À ", 0), ("– ", 4), ("– ", 4)] * 2
