"""What the dossier says of a VAE candidate's past sessions, competency by competency: a
competency the jury validated in a session proclaimed « aucune validation » reads « validée »
(it was decided so, though not acquired), one the session did not decide keeps an empty
comment; the « parcours 3a » attestation is set off under the proof it came with; and the
printed dossier names the folder that printed it."""

from __future__ import annotations

from datetime import date

from grids import Referentials
from store.documents.dossier import dossier_pdf, dossier_script
from store.documents.lookup import dossier_inputs
from store.documents.script import Script
from store.store import Store
from tests.signing import secret_of
from tests.test_career import _admit, _agent, _candidate
from tests.test_documents import NOW, text_of
from tests.test_vae_sessions import _person, second_jury, second_session


def _table_after(script: Script, heading: str) -> tuple[tuple[str, ...], ...]:
    at = next(i for i, (step, args, _) in enumerate(script.steps)
              if step == "heading" and args[0] == heading)  # fmt: skip
    return next(args[1] for step, args, _ in script.steps[at:] if step == "table")


def test_a_past_session_shows_what_it_decided_validated_though_not_acquired(
    store: Store, refs: Referentials
) -> None:
    candidate, certified = second_session(store, refs)
    p = second_jury(store, candidate)
    secret = secret_of(store, p["cnav"])
    # Session 2: one competency validated, with a comment, the others not; yet the national
    # jury proclaims no validation: nothing of session 2 is acquired.
    store.decide_competency(candidate, certified[6], True, "Maîtrisée en situation.", p["cnav"],
                            secret)  # fmt: skip
    for competency in certified[7:]:
        store.decide_competency(candidate, competency, False, "", p["cnav"], secret)
    member, agent = _person(store, "Claire Fonds"), _person(store, "Sam Secrétariat")
    store.propose(candidate, "non_certification", "Insuffisant.", member,
                  secret_of(store, member))  # fmt: skip
    store.proclaim(candidate, "aucune_validation", "Pratiquer encore.", date(2026, 9, 1), agent,
                   confirmed_final=True, secret=secret_of(store, agent))  # fmt: skip
    store.start_attempt(candidate, "Troisième session.", _agent(store))
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    rows = _table_after(script, "Session 2 — aucune validation")
    assert [(row[1], row[2]) for row in rows] == (
        [("acquise auparavant ou non décidée", "")] * 6
        + [("validée", "Maîtrisée en situation.")]
        + [("non validée", "")] * (len(certified) - 7)
    )


def test_the_3a_attestation_is_set_off_under_its_proof(store: Store) -> None:
    candidate = _candidate(store, "vae")
    _admit(store, candidate)
    store.receive_proof(candidate, received=date(2026, 3, 1), attestation_3a=date(2014, 6, 30),
                        oral_requested=False, author=_agent(store))  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    said = [(str(args[0]), options) for step, args, options in script.steps
            if step == "paragraph"]  # fmt: skip
    at = next(i for i, (text, _) in enumerate(said) if text.startswith("Dossier de preuve reçu"))
    proof, attestation = said[at], said[at + 1]
    assert attestation[0] == "Attestation « parcours 3a » du 30/06/2014"
    # Indented by the same 4 mm as every note under the line it belongs to.
    assert proof[1]["indent"] == 0
    assert attestation[1] == {"bold": False, "indent": 4}


def test_the_printed_dossier_names_the_folder_that_printed_it(store: Store) -> None:
    candidate = _candidate(store)
    snap, people = dossier_inputs(store, candidate)
    text = text_of(dossier_pdf(snap, people, station="le poste « Accueil Lyon »", now=NOW).data)
    assert "par le poste « Accueil Lyon » à partir de" in text


def test_a_first_session_reads_each_decision_with_its_comment(
    store: Store, refs: Referentials
) -> None:
    from tests.test_career import _jury, _people, _proof

    p = _people(store)
    candidate = _candidate(store, "vae")
    _admit(store, candidate)
    _proof(store, candidate)
    store.compose_jury(candidate, _jury(p), p["sec"])
    certified = [line.competency for line in refs.carriere.certification]
    secret = secret_of(store, p["cnav"])
    store.decide_competency(candidate, certified[0], True, "Bonne maîtrise.", p["cnav"], secret)
    store.decide_competency(candidate, certified[1], False, "À revoir.", p["cnav"], secret)
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    headings = [args[0] for step, args, _ in script.steps if step == "heading"]
    # The only session: no « (en cours) » to set it apart from past ones.
    assert "Session 1" in headings
    assert not [h for h in headings if h.startswith("Session 1 ")]
    rows = _table_after(script, "Session 1")
    assert [(row[1], row[2]) for row in rows] == (
        [("validée", "Bonne maîtrise."), ("non validée", "À revoir.")]
        + [("à décider", "")] * (len(certified) - 2)
    )


def test_a_described_period_of_experience_reads_with_its_description(store: Store) -> None:
    """carnet's own form records periods by their dates; the event's schema also carries a
    description of each period (written by another tool, or a later version): the dossier
    prints it after the dates, and nothing after the dates of a period without one."""
    from store.draft import Draft
    from tests.test_career import _certifier

    candidate = _candidate(store, "vae")
    periods = [
        {"start": "2020-01-01", "end": "2022-12-31", "description": "Technicienne retraite"},
        {"start": "2023-01-01", "end": "2025-12-31"},
    ]
    payload = {"related": True, "description": "Calcul et liquidation des droits.",
               "periods": periods, "days": 2191, "admissible": True, "reason": "",
               "on": "2026-02-01"}  # fmt: skip
    store.append(candidate, [Draft("vae.admissibility", payload)], _certifier(store))
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    said = [str(args[0]) for step, args, _ in script.steps if step == "paragraph"]
    assert "Période du 01/01/2020 au 31/12/2022 : Technicienne retraite" in said
    assert "Période du 01/01/2023 au 31/12/2025" in said


def test_the_national_jurys_recommendations_are_set_off_under_its_proclamation(
    store: Store, refs: Referentials
) -> None:
    from tests.test_vae_sessions import _decided, _proclaim

    candidate = _candidate(store, "vae")
    _decided(store, refs, candidate, validated=4)
    _proclaim(store, candidate, "aucune_validation")
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    said = [(str(args[0]), options) for step, args, options in script.steps
            if step == "paragraph"]  # fmt: skip
    at = next(i for i, (text, _) in enumerate(said) if text.startswith("Proclamation du jury"))
    assert said[at][0].endswith(": aucune validation (décision souveraine et définitive)")
    assert said[at][1] == {"bold": True, "indent": 0}
    assert said[at + 1] == (
        "Préconisations : Reprendre la formation.",
        {"bold": False, "indent": 4},
    )
