"""A VAE request declared inadmissible: the dossier says so in words (« irrecevable », the
experience « sans relation » with the CQP, its days and description), each period of
experience, and the reason kept (the rule's facts and the comment), set off like the dossier's
other notes."""

from __future__ import annotations

from datetime import date

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_career import _candidate, _certifier
from tests.test_documents import NOW


def test_an_inadmissible_request_reads_with_its_periods_and_reason(store: Store) -> None:
    candidate = _candidate(store, route="vae")
    admitted = store.decide_admissibility(
        candidate,
        related=False,
        description="Accueil du public en agence.",
        periods=[(date(2024, 1, 1), date(2024, 12, 31)), (date(2025, 3, 1), date(2025, 6, 30))],
        comment="Expérience à compléter.",
        on=date(2026, 2, 1),
        author=_certifier(store),
    )
    assert not admitted
    snap, people = dossier_inputs(store, candidate)
    decided = snap.state.career.admissibility
    assert decided is not None
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    said = [(str(args[0]), dict(o)) for step, args, o in script.steps if step == "paragraph"]
    texts = [text for text, _ in said]
    at = next(i for i, t in enumerate(texts) if t.startswith("Recevabilité prononcée le "))
    assert texts[at] == (
        "Recevabilité prononcée le 01/02/2026 : irrecevable — expérience sans relation avec "
        f"le CQP, {decided.value.days} jours — Accueil du public en agence."
    )
    assert texts[at + 1 : at + 4] == [
        "Période du 01/01/2024 au 31/12/2024",
        "Période du 01/03/2025 au 30/06/2025",
        f"Motif : {decided.value.reason}",
    ]
    assert decided.value.reason.endswith(" Expérience à compléter.")
    rule = next(o for t, o in said if t.startswith("Règle : "))
    assert all(o == rule for _, o in said[at + 1 : at + 4]) and rule.get("indent")
