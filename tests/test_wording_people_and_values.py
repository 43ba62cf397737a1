"""Small words of the documents (``store.documents.wording``): a person by short name and
organisme, known or not; an empty decimal; a recorded value with its moment and without an
empty comment; a data folder named as the secretariat or a station, with or without a name."""

from __future__ import annotations

from decimal import Decimal

from models.conflicts import Source
from models.events import CriterionMarked, MarkEntered, PersonCreated
from models.threshold import CriterionState
from store.documents.wording import People, decimal_text, source_value, station_label
from store.station import Station
from tests.test_wording_conflicts_words import AT, PEOPLE, TS


def test_a_person_by_short_name_and_organisme_known_or_not() -> None:
    people = People({"p-1": PersonCreated(person="p-1", name="Paul", organisme="CPAM",
                                          roles=["tuteur"])})  # fmt: skip
    assert (people.short("p-1"), people.organisme("p-1")) == ("Paul", "CPAM")
    assert (people.short("p-9"), people.organisme("p-9")) == ("p-9", "")
    assert (people.short(None), people.organisme(None)) == ("—", "")


def test_an_empty_decimal_reads_as_a_dash() -> None:
    assert decimal_text(None) == decimal_text("") == "—"
    assert decimal_text("14.5") == "14,50"
    assert decimal_text(Decimal("9.125"), 1) == "9,1"


def test_a_recorded_value_reads_with_its_moment_and_no_empty_comment() -> None:
    mark = MarkEntered(evaluation="ecrit", mark="12")
    criterion = CriterionMarked(grid="g-1", criterion="k", state=CriterionState.VALIDATED)
    assert source_value(Source("e", "s", "p-1", TS, (), mark), PEOPLE) == (
        f"12,00/20 saisie par Paul Tuteur (CPAM) le {AT}"
    )
    assert source_value(Source("e", "s", "p-1", TS, (), criterion), PEOPLE) == (
        f"validé noté par Paul Tuteur (CPAM) le {AT}"
    )
    said = CriterionMarked(grid="g-1", criterion="k", state=CriterionState.VALIDATED,
                           comment="vu en situation")  # fmt: skip
    assert source_value(Source("e", "s", "p-1", TS, (), said), PEOPLE) == (
        f"validé (« vu en situation ») noté par Paul Tuteur (CPAM) le {AT}"
    )


def test_a_data_folder_is_named_as_the_secretariat_or_a_station() -> None:
    named = Station("poste-1", TS, role="secretariat", name="Siège", organisme="Ucanss")
    assert station_label(named) == "le secrétariat « Siège » (Ucanss)"
    assert station_label(Station("poste-2", TS)) == "le poste poste-2, sans nom"
    assert station_label(Station("poste-3", TS, organisme="CPAM")) == "le poste (CPAM)"


def test_no_day_reads_as_a_dash_and_a_failed_check_reads_why() -> None:
    from datetime import date

    from store.documents.wording import day, verification

    assert day(None) == "—"
    assert day(date(2026, 12, 8)) == "08/12/2026"

    class Signed:  # what a document shows of a signature: its signer and time
        person, ts = "p-1", TS

    assert verification(Signed(), {("p-1", TS): "clé inconnue"}) == (
        "signature personnelle NON vérifiée : clé inconnue"
    )
    assert verification(Signed(), {("p-1", TS): None}) == "signature personnelle vérifiée"
