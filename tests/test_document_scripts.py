"""Every document carnet prints, step by step as approved: each heading, paragraph, table
header, row, column width and indent of the grid, the three kinds of dossier de certification,
the local jury's procès-verbal and the national jury's list, compared with the approved copy
in ``__snapshots__/test_document_scripts.ambr``.

The other document tests look for the sentences that matter; this one notices any change at
all (a mutation run found wording, case, widths and whole lines of the documents unguarded).
A change made on purpose is approved with ``pytest tests/test_document_scripts.py
--snapshot-update``, and the diff read before it is committed.

What differs from one run to the next is replaced by a placeholder: the moments events were
recorded (today, at the time the test runs), the station's id and the keys' fingerprints,
drawn anew each run. A line break inside a cell shows as « ⏎ ».
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from store.documents.dossier import dossier_script
from store.documents.grid_document import grid_script
from store.documents.inputs import listing_inputs
from store.documents.jury import local_jury_script, national_script, national_sheet
from store.documents.lookup import dossier_inputs
from store.documents.script import Script
from store.store import Store
from tests.test_documents import NOW, data  # noqa: F401 - the fixture, shared

# A moment written by the documents: « 07/12/2026 à 12:58 », « 07/12/2026 12:58 ».
_MOMENT = re.compile(r"\b\d{2}/\d{2}/\d{4}(?: à| ) ?\d{2}:\d{2}\b")
_FINGERPRINT = re.compile(r"\b[0-9a-f]{16,64}\b")
_STATION = re.compile(r"\bposte-[0-9a-f]+\b")


def _plain(text: str, today: str) -> str:
    text = _MOMENT.sub("<moment>", text)
    text = text.replace(today, "<aujourd'hui>").replace("\n", " ⏎ ")
    text = _STATION.sub("poste-<id>", text)
    return _FINGERPRINT.sub("<empreinte>", text)


def _steps(script: Script) -> str:
    today = datetime.now().astimezone().strftime("%d/%m/%Y")
    lines = [f"document: {_plain(script.name, today)} (auteur: {script.author})"]
    for step, args, options in script.steps:
        extra = ", ".join(f"{k}={_option(v)}" for k, v in sorted(options.items()))
        if step == "table":
            header, rows, widths = args
            lines.append(f"table widths={list(widths)} {extra}".rstrip())
            lines.append("  | " + " | ".join(_plain(h, today) for h in header))
            lines.extend("  - " + " | ".join(_plain(c, today) for c in row) for row in rows)
        else:
            text = " ".join(_plain(str(a), today) for a in args)
            lines.append(f"{step}{f' ({extra})' if extra else ''}: {text}")
    return "\n".join(lines) + "\n"


def _option(value: Any) -> Any:
    return sorted(value) if isinstance(value, frozenset) else value


@pytest.fixture
def scripts(data: tuple[Path, str, str, str]) -> dict[str, Script]:  # noqa: F811
    folder, conseil, carriere, vae = data
    found: dict[str, Script] = {}
    with Store.open(folder) as store:
        station = store.station.id
        for name, candidate in (("conseil", conseil), ("carriere", carriere), ("vae", vae)):
            snap, people = dossier_inputs(store, candidate)
            found[f"dossier {name}"] = dossier_script(snap, people, station=station, now=NOW)
        snap, people = dossier_inputs(store, conseil)
        (grid_id,) = snap.state.grids
        found["grille"] = grid_script(snap, grid_id, people, NOW)
        snap, people = dossier_inputs(store, carriere)
        found["pv jury local"] = local_jury_script(snap, people, NOW)
        listing = listing_inputs(store)
    sheet = national_sheet(listing.records, listing.people, None)
    found["liste jury national"] = national_script(sheet, None, NOW)
    # The session the carrière candidate was proclaimed at: the decision, and its day.
    session = date(2026, 11, 20)
    sheet = national_sheet(listing.records, listing.people, session)
    found["liste jury national du 20/11/2026"] = national_script(sheet, session, NOW)
    return found


# Every document the ``scripts`` fixture lays out (the geometry test reads the same list).
DOCUMENTS = [
    "grille",
    "dossier conseil",
    "dossier carriere",
    "dossier vae",
    "pv jury local",
    "liste jury national",
    "liste jury national du 20/11/2026",
]


@pytest.mark.parametrize(
    "document",
    DOCUMENTS,
)
def test_each_document_reads_as_approved(
    scripts: dict[str, Script], document: str, snapshot: SnapshotAssertion
) -> None:
    assert _steps(scripts[document]) == snapshot


def _said(script: Script) -> list[tuple[str, str]]:
    """Each heading and paragraph of a document, in order, as the reader reads it."""
    return [(step, " ".join(map(str, args))) for step, args, _ in script.steps
            if step in ("heading", "paragraph")]  # fmt: skip


def test_concurrent_entries_and_a_declared_link_read_in_words(tmp_path: Path) -> None:
    from tests.test_conflict_resolution import _three_stations

    secretariat, ids = _three_stations(tmp_path)
    with Store.open(secretariat) as store:
        snap, people = dossier_inputs(store, ids["conseil"])
        said = _said(dossier_script(snap, people, station=store.station.id, now=NOW))
    # Théo Tuteur was declared the candidate's tutor as a link, besides the tutor of record.
    assert ("paragraph", "Lien déclaré : Théo Tuteur (CPAM), tuteur du candidat") in said
    at = said.index(("heading", "Saisies concurrentes entre postes"))
    assert said[at + 1][1].startswith(
        "À trancher — deux postes ont enregistré la signature du carnet par le tuteur pour la "
        "compétence 1.1 « "
    )
    # The criterion in words, with its block and competency (not its identifier).
    criterion = store.referentials.conseil.block("gc.b3").competencies[0].criteria[0].text
    assert (
        "paragraph",
        f"À trancher — deux postes ont enregistré le critère « {criterion} » (bloc 3, "
        "compétence 3.1) différemment :",
    ) in said


def test_a_withdrawn_signature_reads_who_withdrew_it_when_and_why(store: Store) -> None:
    from tests.signing import secret_of

    manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", manager=manager)  # fmt: skip
    secret = secret_of(store, manager)
    store.sign_attestation(candidate, "gc.b1.c2", "manager", manager, "Appel.", secret)
    store.withdraw_attestation(candidate, "gc.b1.c2", "manager", manager, "Signé trop tôt.",
                               secret)  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    withdrawn = datetime.fromisoformat(snap.events[-1].ts.replace("Z", "+00:00")).astimezone()
    title = store.referentials.conseil.block("gc.b1").competencies[1].title
    said = _said(dossier_script(snap, people, station=store.station.id, now=NOW))
    at = said.index(("heading", "Signatures retirées du carnet de suivi"))
    assert said[at + 1] == (
        "paragraph",
        f"« {title} » : signature du manager Marie Manager (CPAM du Rhône) retirée le "
        f"{withdrawn:%d/%m/%Y %H:%M} — motif : Signé trop tôt.",
    )


@pytest.mark.parametrize(
    ("oral", "how"), [(True, "oral demandé par le jury"), (False, "jugé sur dossier, sans oral")]
)
def test_a_proof_with_the_3a_attestation_says_whether_the_jury_asked_for_an_oral(
    store: Store, oral: bool, how: str
) -> None:
    from tests.test_career import _admit, _agent, _candidate

    candidate = _candidate(store, "vae")
    _admit(store, candidate)
    store.receive_proof(candidate, received=date(2026, 3, 1), attestation_3a=date(2014, 6, 30),
                        oral_requested=oral, author=_agent(store))  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    said = _said(dossier_script(snap, people, station=store.station.id, now=NOW))
    at = said.index(("paragraph", f"Dossier de preuve reçu le 01/03/2026 : {how}"))
    assert said[at + 1] == ("paragraph", "Attestation « parcours 3a » du 30/06/2014")


def test_a_grid_question_left_unanswered_reads_as_a_dash(store: Store) -> None:
    from tests.test_store import _candidate

    candidate, grid = _candidate(store)
    store.grid_event(candidate, grid, "question.recorded", "t", index=1,
                     question="Quel délai pour répondre ?", answer="")  # fmt: skip
    store.grid_event(candidate, grid, "question.recorded", "t", index=2,
                     question="Et pour relancer ?", answer="Un mois.")  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    said = _said(grid_script(snap, grid, people, NOW))
    at = said.index(("paragraph", "Question 1 : Quel délai pour répondre ?"))
    assert said[at : at + 4] == [
        ("paragraph", "Question 1 : Quel délai pour répondre ?"),
        ("paragraph", "Réponse : —"),
        ("paragraph", "Question 2 : Et pour relancer ?"),
        ("paragraph", "Réponse : Un mois."),
    ]


def test_the_dossier_gives_the_day_the_training_or_the_vae_began(store: Store) -> None:
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", started=date(2026, 1, 5))  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    said = _said(dossier_script(snap, people, station=store.station.id, now=NOW))
    assert ("paragraph", "Entrée en formation ou en VAE : 05/01/2026") in said


def test_a_grids_counts_read_against_their_minimums_as_on_screen(store: Store) -> None:
    """Two letters recorded and processed, of the five the double listening requires: the
    printed grid says « 2/5 », as the evaluator's screen does, never « 2/2 »."""
    from tests.test_store import _candidate

    candidate, grid = _candidate(store)
    store.grid_event(candidate, grid, "interviews.counted", "t", count=1)
    for index in (1, 2):
        store.grid_event(candidate, grid, "letter.recorded", "t", index=index,
                         reason=f"Courrier {index}", processed=True)  # fmt: skip
    fmt = store.referentials.conseil.block("gc.b1").evaluation.format
    situation = next(s for s in fmt.situations if s.id == "double_ecoute")  # type: ignore[union-attr]
    snap, people = dossier_inputs(store, candidate)
    said = _said(grid_script(snap, grid, people, NOW))
    counts = next(text for step, text in said if text.startswith("Comptes : "))
    assert counts == (
        f"Comptes : entretiens 1/{situation.min_interviews}, courriers traités 2/{fmt.letters}"  # type: ignore[union-attr]
    )
    assert fmt.letters == 5  # type: ignore[union-attr]
