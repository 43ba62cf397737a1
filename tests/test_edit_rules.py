"""The rules of a candidate's and a person's edits, applied as events arrive, whatever station
sent them (no textual, no store). The store checks the same rules before it writes; these
tests feed the model directly, as another station's bundle would: a mutation run found the
model's own checks and its history lines unguarded behind the store's."""

from __future__ import annotations

from typing import Any

import pytest

from models.dossier import DossierState
from models.events import GENESIS, EventError, PersonCreated, seal
from models.people import (
    Change,
    FieldChange,
    Organismes,
    PersonRecord,
    RegistryState,
    diff,
    is_active,
)

CANDIDATE = "cand-1"


def _event(seq: int, type: str, payload: dict[str, Any], author: str = "agent-1") -> Any:
    return seal(
        event_id=f"{seq:032x}",
        station="poste-b",
        seq=seq,
        author=author,
        ts=f"2026-03-0{seq}T10:00:00.000000Z",
        dossier=CANDIDATE,
        type=type,
        payload=payload,
        prev=GENESIS,
    )


def _created(**extra: Any) -> Any:
    payload = {
        "candidate": CANDIDATE,
        "name": "Jeanne Martin",
        "organisme": "Carsat Bretagne",
        "cqp": "gestionnaire-conseil",
        "referential_version": "1",
    } | extra
    return _event(1, "candidate.created", payload)


def _edit(seq: int = 2, **payload: Any) -> Any:
    return _event(seq, "candidate.edited", {"name": "Jeanne Martin"} | payload)


def _state(*events: Any) -> DossierState:
    state = DossierState()
    for event in events:
        state.apply(event)
    return state


def _refusal(state: DossierState, event: Any) -> str:
    with pytest.raises(EventError) as caught:
        state.apply(event)
    return str(caught.value)


def test_an_edit_before_the_candidate_exists_is_refused_and_says_why() -> None:
    assert _refusal(DossierState(), _edit()) == "événement n° 2 : aucun candidat à modifier"


def test_an_edit_of_a_deactivated_candidate_is_refused_and_says_why() -> None:
    state = _state(
        _created(), _event(2, "candidate.deactivated", {"reason": "a quitté le parcours"})
    )
    assert _refusal(state, _edit(3)) == "événement n° 3 : le candidat est désactivé"


def test_fields_set_for_the_first_time_show_empty_before() -> None:
    state = _state(
        _created(),
        _edit(
            started="2026-01-05",
            tutor="tuteur-1",
            manager="manager-1",
            effective="2026-03-01",
            reason="arrivée",
        ),
    )
    assert state.candidate is not None
    assert (state.candidate.tutor, state.candidate.manager) == ("tuteur-1", "manager-1")
    (change,) = state.candidate_history
    assert set(change.changes) == {
        FieldChange("started", "", "2026-01-05"),
        FieldChange("tutor", "", "tuteur-1"),
        FieldChange("manager", "", "manager-1"),
    }
    # Nobody held those roles before: nobody is a former tutor or manager.
    assert state.former == []


def test_a_change_of_manager_keeps_the_former_one_and_its_line_of_history() -> None:
    state = _state(
        _created(tutor="tuteur-1", manager="manager-1", started="2026-01-05"),
        _edit(
            tutor="tuteur-1",
            manager="manager-2",
            started="2026-01-05",
            effective="2026-03-01",
            reason="mutation",
        ),
    )
    assert state.candidate is not None and state.candidate.manager == "manager-2"
    assert state.former == [("manager", "manager-1")]
    (change,) = state.candidate_history
    assert change == type(change)(
        "2026-03-02T10:00:00.000000Z",
        "agent-1",
        "edited",
        (FieldChange("manager", "manager-1", "manager-2"),),
        "mutation",
        "2026-03-01",
        f"{2:032x}",
    )


def test_a_name_fixed_without_a_date_has_no_effective_date() -> None:
    state = _state(_created(), _edit(name="Jeanne Martin-Roux"))
    (change,) = state.candidate_history
    assert change.changes == (FieldChange("name", "Jeanne Martin", "Jeanne Martin-Roux"),)
    assert change.effective == ""


@pytest.mark.parametrize(
    ("effective", "reason", "refused"),
    [
        (None, "mutation interne", True),  # a reason without a date
        ("2026-03-01", "", True),  # a date without a reason
        ("2026-03-01", "  ab  ", True),  # two letters and blanks: no reason
        ("2026-03-01", "abc", False),  # three letters: the shortest reason
    ],
)
def test_a_new_tutor_needs_a_date_and_a_reason_of_three_letters(
    effective: str | None, reason: str, refused: bool
) -> None:
    state = _state(_created(tutor="tuteur-1"))
    edit = _edit(tutor="tuteur-2", effective=effective, reason=reason)
    if refused:
        assert _refusal(state, edit) == (
            "événement n° 2 : un changement de tuteur ou de manager est daté et motivé"
        )
        assert state.candidate is not None and state.candidate.tutor == "tuteur-1"
    else:
        state.apply(edit)
        assert state.former == [("tuteur", "tuteur-1")]


def test_diff_names_only_what_changed_and_an_absent_field_as_empty() -> None:
    assert diff({"name": "A", "roles": "tuteur"}, {"name": "A", "roles": "tuteur"}) == ()
    # A field a later release added: absent before, so it reads as empty, not « None ».
    assert diff({}, {"organisme": "Caf"}) == (FieldChange("organisme", "", "Caf"),)
    assert diff({}, {"organisme": ""}) == ()


def test_a_person_as_created_is_active_until_deactivated() -> None:
    created = PersonCreated(person="p1", name="Tom", organisme="Caf", roles=("tuteur",))
    assert is_active(created)
    record = PersonRecord(**created.model_dump())
    assert is_active(record)
    assert not is_active(record.model_copy(update={"active": False}))


def test_organismes_are_listed_in_french_order() -> None:
    organismes = Organismes()
    for name in ("Urssaf", "Élan", "caf de Paris", "Carsat"):
        organismes.add(name)
    # Accents and case do not send « Élan » after « Urssaf », nor « caf » after « Carsat ».
    assert organismes.sorted() == ["caf de Paris", "Carsat", "Élan", "Urssaf"]


def test_a_person_moved_to_another_organisme_has_it_in_their_history() -> None:
    registry = RegistryState()
    person = {"person": "p1", "name": "Tom", "organisme": "Caf", "roles": ["tuteur"]}
    registry.apply(_event(1, "person.created", person))
    registry.apply(
        _event(2, "person.edited", person | {"organisme": "Carsat", "reason": "mutation"})
    )
    (change,) = registry.history["p1"]
    assert change.changes == (FieldChange("organisme", "Caf", "Carsat"),)
    assert registry.people["p1"].organisme == "Carsat"


# --- criterion marks arriving from two stations ------------------------------------------


def _grid_events() -> list[Any]:
    opened = {"grid": "g1", "block": "gc.b2", "evaluator": "e1", "certifier": "c1",
              "declarations": ["e1", "c1"]}  # fmt: skip
    return [_created(), _event(2, "grid.opened", opened)]


def _marked(seq: int, station: str, state: str, **extra: Any) -> Any:
    payload = {"grid": "g1", "criterion": "gc.b2.c1.k1", "state": state} | extra
    event = _event(seq, "criterion.marked", payload)
    return event.model_copy(update={"station": station, "id": f"{seq:031x}{station[-1]}"})


def test_a_mark_that_replaces_another_stations_mark_is_no_conflict() -> None:
    first = _marked(3, "poste-a", "validated")
    state = _state(*_grid_events(), first)
    # Station b saw a's mark and changed it: it names the event it replaces.
    state.apply(_marked(4, "poste-b", "not_validated", replaces=first.id))
    assert not state.open_conflicts
    assert state.grids["g1"].states["gc.b2.c1.k1"].value == "not_validated"


def test_a_mark_made_without_seeing_another_stations_is_a_conflict() -> None:
    state = _state(*_grid_events(), _marked(3, "poste-a", "validated"))
    state.apply(_marked(4, "poste-b", "not_validated"))
    (conflict,) = state.open_conflicts
    assert conflict.key == "criterion:g1:gc.b2.c1.k1"
    assert state.grids["g1"].states["gc.b2.c1.k1"].value == "validated"  # nothing overwritten


def test_a_mark_of_another_blocks_criterion_is_refused_naming_both() -> None:
    state = _state(*_grid_events())
    payload = {"grid": "g1", "criterion": "gc.b1.c1.k1", "state": "validated"}
    assert _refusal(state, _event(3, "criterion.marked", payload)) == (
        "événement n° 3 : le critère gc.b1.c1.k1 n'appartient pas au bloc gc.b2"
    )


# --- the registry's own history --------------------------------------------------------------


def test_a_persons_history_names_when_who_what_and_which_event() -> None:
    registry = RegistryState()
    person = {"person": "p1", "name": "Tom", "organisme": "Caf", "roles": ["tuteur"]}
    registry.apply(_event(1, "person.created", person))
    edited = _event(2, "person.edited", person | {"name": "Tom Neuf", "reason": "nom d'usage"})
    registry.apply(edited)
    gone = _event(3, "person.deactivated", {"person": "p1", "reason": "départ en retraite"})
    registry.apply(gone)
    assert registry.history["p1"] == [
        Change("2026-03-02T10:00:00.000000Z", "agent-1", "edited",
               (FieldChange("name", "Tom", "Tom Neuf"),), "nom d'usage", event=edited.id),
        Change("2026-03-03T10:00:00.000000Z", "agent-1", "deactivated",
               (FieldChange("active", "actif", "désactivé"),), "départ en retraite",
               event=gone.id),
    ]  # fmt: skip


def test_an_organisme_registered_twice_here_is_refused_naming_the_first() -> None:
    registry = RegistryState()
    registry.apply(_event(1, "organisme.registered", {"name": "Carsat Rhône-Alpes"}))
    with pytest.raises(EventError) as caught:
        registry.apply(_event(2, "organisme.registered", {"name": "CARSAT rhone alpes"}))
    assert str(caught.value) == (
        "événement n° 2 : organisme déjà inscrit sous « Carsat Rhône-Alpes »"
    )
    # Merged from another folder (not strict), the same spelling is one entry, not an error.
    registry.apply(_event(3, "organisme.registered", {"name": "CARSAT rhone alpes"}), strict=False)
    assert registry.organismes.sorted() == ["Carsat Rhône-Alpes"]


# --- each refusal names its event ------------------------------------------------------------

SIGNED = {"competency": "gc.b2.c1", "role": "tuteur", "person": "t1", "situation": "Accueil."}


def test_a_second_signature_for_the_same_role_is_refused() -> None:
    state = _state(_created(), _event(2, "attestation.signed", SIGNED))
    assert _refusal(state, _event(3, "attestation.signed", SIGNED | {"person": "t2"})) == (
        "événement n° 3 : attestation déjà signée par le tuteur"
    )


def test_only_ones_own_signature_is_withdrawn() -> None:
    state = _state(_created(), _event(2, "attestation.signed", SIGNED))
    withdrawn = {"competency": "gc.b2.c1", "role": "tuteur", "person": "t2", "reason": "Erreur."}
    assert _refusal(state, _event(3, "attestation.withdrawn", withdrawn)) == (
        "événement n° 3 : seule sa propre signature peut être retirée"
    )


def test_a_candidate_deactivated_twice_is_refused() -> None:
    state = _state(_created(), _event(2, "candidate.deactivated", {"reason": "Départ."}))
    assert _refusal(state, _event(3, "candidate.deactivated", {"reason": "Départ."})) == (
        "événement n° 3 : candidat déjà désactivé"
    )


def test_a_letter_on_a_closed_grid_is_refused() -> None:
    state = _state(*_grid_events(), _event(3, "grid.closed", {"grid": "g1"}))
    letter = {"grid": "g1", "index": 1, "reason": "Attestation", "processed": True}
    assert _refusal(state, _event(4, "letter.recorded", letter)) == (
        "événement n° 4 : la grille est close ; une correction passe par un avenant"
    )


@pytest.mark.parametrize(
    ("type", "payload"),
    [
        ("grid.signed", {"grid": "g9", "person": "e1", "role": "representant_metier"}),
        (
            "criterion.amended",
            {"grid": "g9", "criterion": "gc.b2.c1.k1", "state": "validated", "reason": "Oubli."},
        ),
    ],
)
def test_a_signature_or_amendment_of_an_unknown_grid_is_refused(
    type: str, payload: dict[str, Any]
) -> None:
    state = _state(*_grid_events())
    assert _refusal(state, _event(3, type, payload)) == "événement n° 3 : grille inconnue g9"


def test_a_merged_registry_is_read_whole_however_its_stations_overlapped() -> None:
    """A registry read back (``RegistryState.of``: every station's events, merged) holds what
    two stations did alike: one organisme registered at both, one person deactivated at both,
    an edit received before its person. Read leniently, never stopped."""
    person = {"person": "p1", "name": "Tom", "organisme": "Caf", "roles": ["tuteur"]}
    events = [
        _event(1, "organisme.registered", {"name": "Carsat Rhône-Alpes"}),
        _event(2, "organisme.registered", {"name": "CARSAT rhone alpes"}),
        _event(3, "person.edited", person | {"person": "p9", "reason": "ailleurs"}),
        _event(4, "person.created", person),
        _event(5, "person.deactivated", {"person": "p1", "reason": "départ"}),
        _event(6, "person.deactivated", {"person": "p1", "reason": "départ (autre poste)"}),
    ]
    registry = RegistryState.of(events)
    assert registry.organismes.sorted() == ["Caf", "Carsat Rhône-Alpes"]
    assert list(registry.people) == ["p1"] and not registry.people["p1"].active
    assert [c.reason for c in registry.history["p1"]] == ["départ"]
