"""The two jury documents as printed, read back from the PDF in the fast loop: the local
jury's procès-verbal names its candidate and the moment it was made; the national jury's list
of a session names that session's day; and the list of candidates awaiting the national
jury goes on past those with no jury or no proposal yet."""

from __future__ import annotations

from datetime import date

from store.documents.inputs import listing_inputs
from store.documents.jury import local_jury_pdf, national_pdf, national_sheet
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_career import _candidate, _jury, _people
from tests.test_documents import NOW, text_of


def test_the_local_jurys_record_as_printed(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    store.compose_jury(candidate, _jury(p), p["sec"])
    snap, people = dossier_inputs(store, candidate)
    text = text_of(local_jury_pdf(snap, people, NOW).data)
    assert "Procès-verbal du jury local — Jeanne Martin" in text
    edited = NOW.astimezone().strftime("%d/%m/%Y à %H:%M")
    assert f"Édité le {edited}." in text


def test_the_national_list_of_a_session_as_printed(store: Store) -> None:
    listing = listing_inputs(store)
    session = date(2026, 11, 20)
    sheet = national_sheet(listing.records, listing.people, session)
    text = text_of(national_pdf(sheet, session, NOW).data)
    assert "Jury paritaire national du 20/11/2026 — décisions proclamées" in text


def _record(name: str, juries: dict[str, object] | None) -> dict[str, object]:
    return {"id": f"c-{name.lower()}", "name": name, "organisme": "Carsat Nord",
            "route": "parcours_formation", "status": "pending", "average": None,
            "vae": None, "juries": juries}  # fmt: skip


def test_a_candidate_without_juries_or_proposal_does_not_end_the_list() -> None:
    from store.documents.wording import People

    proposed = {"local": {"proposal": "certification", "members": []}, "national": {}}
    records = [
        _record("Aline", None),  # a Gestionnaire conseil candidate: no juries at all
        _record("Bruno", {"local": {"members": []}, "national": {}}),  # no proposal yet
        _record("Zoé", proposed),
    ]
    sheet = national_sheet(records, People({}), None)
    assert [row[1] for row in sheet.rows] == ["Zoé"]
