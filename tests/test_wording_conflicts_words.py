"""Conflicts between stations in the words the documents print (``store.documents.wording``),
for the cases the three-station scenario does not make: an event received that no longer fits
(kept aside), a mark of an evaluation the referential does not name, a logbook signature in a
referential without blocks, a value of another kind, and what was kept once settled, for each
kind of value."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from grids import Referentials
from models.conflicts import Conflict, Source
from models.events import AttestationSigned, CriterionMarked, MarkEntered, PersonCreated
from models.threshold import CriterionState
from store.documents.wording import People, conflict_lines, conflict_subject, value_only

TS = "2026-12-07T08:30:00.000000Z"
# The documents print moments in the reader's local time.
AT = datetime.fromisoformat("2026-12-07T08:30:00+00:00").astimezone().strftime("%d/%m/%Y %H:%M")
PEOPLE = People(
    {
        "p-1": PersonCreated(person="p-1", name="Paul Tuteur", organisme="CPAM", roles=["tuteur"]),
        "p-2": PersonCreated(
            person="p-2", name="Sam Secrétariat", organisme="Ucanss", roles=["secretariat"]
        ),
    }
)


def _source(event: str, value: tuple[object, ...], payload: object, author: str = "p-1") -> Source:
    return Source(event, "poste-b", author, TS, value, payload)


def test_an_event_kept_aside_reads_why_and_who_recorded_it(refs: Referentials) -> None:
    conflict = Conflict("event:e-9", [_source("e-9", (), None)], incompatible="grille déjà close")
    assert conflict_lines(conflict, refs.conseil, PEOPLE) == [
        "Reçu d'un autre poste et mis de côté (un événement reçu d'un autre poste) : grille "
        "déjà close",
        f"– mis de côté, enregistré par Paul Tuteur (CPAM) le {AT}",
    ]


def test_a_key_of_no_known_kind_reads_as_itself(refs: Referentials) -> None:
    conflict = Conflict("autre:x", [_source("e-1", ("a", 2), None)])
    assert conflict_lines(conflict, refs.conseil, PEOPLE) == [
        "À trancher — deux postes ont enregistré autre:x différemment :",
        f"– a, 2 par Paul Tuteur (CPAM) le {AT}",
    ]


def test_a_mark_the_referential_does_not_name_reads_by_its_code(refs: Referentials) -> None:
    assert conflict_subject(Conflict("mark:oral_2019"), refs.carriere) == "la note oral_2019"
    assert conflict_subject(Conflict("mark:ecrit"), refs.carriere) == "la note « Epreuve écrite »"
    # A mark's key against the other CQP's referential is no mark it knows.
    assert conflict_subject(Conflict("mark:ecrit"), refs.conseil) == "mark:ecrit"


def test_a_logbook_signature_outside_the_blocks_reads_the_competency_id(
    refs: Referentials,
) -> None:
    assert conflict_subject(Conflict("attestation:gc.b9.c1:manager"), refs.conseil) == (
        "la signature du carnet par le manager pour la compétence gc.b9.c1"
    )
    assert conflict_subject(Conflict("attestation:cc.c1:tuteur"), refs.carriere) == (
        "la signature du carnet par le tuteur pour la compétence cc.c1"
    )
    title = refs.conseil.block("gc.b2").competencies[2].title
    assert conflict_subject(Conflict("attestation:gc.b2.c3:tuteur"), refs.conseil) == (
        f"la signature du carnet par le tuteur pour la compétence 2.3 « {title} »"
    )


def test_a_criterion_of_another_block_or_referential_reads_as_its_key(
    refs: Referentials,
) -> None:
    crit = refs.conseil.block("gc.b3").competencies[1].criteria[0]
    key = f"criterion:g-1:{crit.id}"
    assert conflict_subject(Conflict(key), refs.conseil) == (
        f"le critère « {crit.text} » (bloc 3, compétence 3.2)"
    )
    assert conflict_subject(Conflict("criterion:g-1:gc.b9.c1.k1"), refs.conseil) == (
        "criterion:g-1:gc.b9.c1.k1"
    )
    assert conflict_subject(Conflict(key), refs.carriere) == key


def test_what_was_kept_reads_for_each_kind_of_value() -> None:
    mark = MarkEntered(evaluation="ecrit", mark="14.5", by="p-2")
    criterion = CriterionMarked(grid="g-1", criterion="k", state=CriterionState.NOT_VALIDATED)
    signature = AttestationSigned(competency="c", role="tuteur", person="p-1", situation="Appel.")
    assert value_only(_source("e", (Decimal("14.5"),), mark), PEOPLE) == "14,50/20"
    assert value_only(_source("e", (), criterion), PEOPLE) == "« non validé »"
    assert value_only(_source("e", (), signature), PEOPLE) == ("La signature de Paul Tuteur (CPAM)")
    assert value_only(_source("e", ("x",), None, "p-2"), PEOPLE) == (
        "La valeur de Sam Secrétariat (Ucanss)"
    )


def test_a_settled_conflict_whose_choice_is_not_among_its_values(refs: Referentials) -> None:
    conflict = Conflict(
        "autre:x",
        [_source("e-1", ("a",), None)],
        chosen="e-7",
        reason="Vu avec le tuteur.",
        resolved_by="p-2",
        resolved_ts=TS,
    )
    assert conflict_lines(conflict, refs.conseil, PEOPLE)[-1] == (
        f"la valeur choisie retenu par Sam Secrétariat (Ucanss) le {AT} : Vu avec le tuteur."
    )
