"""Every refusal of the people and candidates' management (store/people.py), word for word.

tests/test_people_management.py checks that each is refused and nothing recorded, matching
one phrase of the message; the whole message is what the agent reads in the form, so it is
checked whole here (a changed or cut message would pass a one-phrase match).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from store.errors import StoreError
from store.layout import REGISTRY_FILE
from store.store import Store

PERSON_UNCHANGED = "Aucune modification : rien n'est enregistré."
INACTIVE = (
    " Règle : une personne désactivée ne signe plus et n'est plus choisie pour un rôle ; ses "
    "signatures passées restent valables."
)


def _setup(store: Store) -> dict[str, str]:
    p = {
        "sec": store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t"),
        "tutor": store.create_person("Tom Tuteur", "Carsat Bretagne", ["tuteur"], "t"),
        "tutor2": store.create_person("Olga Tutrice", "Carsat Bretagne", ["tuteur"], "t"),
        "manager": store.create_person("Mona Manager", "Carsat Bretagne", ["manager"], "t"),
        "gone": store.create_person("Gaston Parti", "Carsat Bretagne", ["tuteur"], "t"),
    }
    p["cand"] = store.create_candidate(
        "Jeanne Martin", "Carsat Bretagne", "gestionnaire-conseil", "t",
        tutor=p["tutor"], manager=p["manager"], started=date(2026, 1, 5),
    )  # fmt: skip
    store.deactivate_person(p["gone"], "départ en retraite", p["sec"])
    return p


def _refusal(store: Store, call: Callable[[], Any]) -> str:
    """The message of the refusal; nothing was recorded."""
    registry = (store.folder / REGISTRY_FILE).read_bytes()
    with pytest.raises(StoreError) as caught:
        call()
    assert (store.folder / REGISTRY_FILE).read_bytes() == registry
    return str(caught.value)


def test_each_refused_edit_of_a_person_says_why_whole(store: Store) -> None:
    p = _setup(store)

    def edit(person: str = p["tutor"], **changes: Any) -> Callable[[], None]:
        fields = {"name": "Tom Tuteur", "organisme": "Carsat Bretagne", "roles": ["tuteur"]}
        return lambda: store.edit_person(person, p["sec"], **{**fields, **changes})

    assert _refusal(store, edit("p-personne")) == "personne inconnue : p-personne"
    assert _refusal(store, edit(p["gone"])) == (
        "Gaston Parti est désactivé(e) (départ en retraite) et ne peut pas être modifié(e)."
        + INACTIVE
    )
    assert _refusal(store, edit(name=" \t ")) == "Le nom est obligatoire."
    assert _refusal(store, edit(roles=[])) == "Cochez au moins un rôle."
    assert _refusal(store, edit(roles=["pas-un-role"])) == "Cochez au moins un rôle."
    assert _refusal(store, edit(organisme="   ")) == "L'organisme est obligatoire."
    assert _refusal(store, edit(organisme="Carsat  Bretgne")) == (
        "Organisme inconnu du registre : « Carsat Bretgne ». Choisissez-le dans la liste, ou "
        "un agent du secrétariat l'ajoute d'abord (« o » dans Personnes)."
    )
    assert _refusal(store, edit()) == PERSON_UNCHANGED
    # Another spelling of the same organisme is the same: no change either.
    assert _refusal(store, edit(organisme="CARSAT bretagne")) == PERSON_UNCHANGED


def test_each_refused_deactivation_says_why_whole(store: Store) -> None:
    p = _setup(store)
    short = "Le motif est obligatoire (au moins 3 caractères)."
    assert _refusal(store, lambda: store.deactivate_person("p-x", "motif", p["sec"])) == (
        "personne inconnue : p-x"
    )
    assert _refusal(store, lambda: store.deactivate_person(p["gone"], "motif", p["sec"])) == (
        "Gaston Parti est désactivé(e) (départ en retraite) et ne peut pas être désactivé(e) "
        "une seconde fois." + INACTIVE
    )
    assert _refusal(store, lambda: store.deactivate_person(p["tutor"], " ab ", p["sec"])) == short
    dossier = store.snapshot(p["cand"]).events
    with pytest.raises(StoreError) as caught:
        store.deactivate_candidate(p["cand"], "ab   ", p["sec"])
    assert str(caught.value) == short
    assert store.snapshot(p["cand"]).events == dossier
    # Three characters are enough.
    store.deactivate_person(p["tutor2"], "abc", p["sec"])


def test_an_organisme_is_registered_once_under_one_name(store: Store) -> None:
    p = _setup(store)
    assert _refusal(store, lambda: store.register_organisme(" - . ", p["sec"])) == (
        "Le nom de l'organisme est obligatoire."
    )
    assert _refusal(store, lambda: store.register_organisme("carsat  BRETAGNE", p["sec"])) == (
        "« carsat BRETAGNE » est déjà au registre sous le nom « Carsat Bretagne »."
    )
    assert store.register_organisme("  Carsat   Normandie ", p["sec"]) == "Carsat Normandie"
    assert "Carsat Normandie" in store.organisme_choices()


def test_each_refused_edit_of_a_candidate_says_why_whole(store: Store) -> None:
    p = _setup(store)
    cand = p["cand"]

    def edit(**changes: Any) -> str:
        fields: dict[str, Any] = {
            "name": "Jeanne Martin", "started": date(2026, 1, 5),
            "tutor": p["tutor"], "manager": p["manager"],
        }  # fmt: skip
        before = store.snapshot(cand).events
        with pytest.raises(StoreError) as caught:
            store.edit_candidate(cand, p["sec"], **{**fields, **changes})
        assert store.snapshot(cand).events == before
        return str(caught.value)

    assert edit(name="  ") == "Le nom est obligatoire."
    assert edit(tutor=p["manager"]) == (
        "Le tuteur et le manager doivent être deux personnes différentes. Règle : le carnet "
        "de suivi est attesté par le tuteur et par le manager : deux personnes différentes."
    )
    assert edit(tutor="p-personne") == "personne inconnue : p-personne"
    assert edit(manager="p-personne") == "personne inconnue : p-personne"
    assert edit(tutor=p["gone"]) == (
        "Gaston Parti est désactivé(e) (départ en retraite) et ne peut pas devenir tuteur "
        "d'un candidat." + INACTIVE
    )
    assert edit(manager=p["tutor2"]) == "Olga Tutrice n'est pas déclaré(e) manager."
    assert edit(tutor=p["tutor2"]) == (
        "Un changement de tuteur ou de manager prend effet à une date."
    )
    assert edit(tutor=p["tutor2"], effective=date(2026, 2, 1), reason=" ab ") == (
        "Un changement de tuteur ou de manager est motivé."
    )
    assert edit(tutor=p["tutor2"], effective=date(2026, 1, 4), reason="mutation") == (
        "Le changement ne peut prendre effet avant l'entrée en formation ou en VAE (05/01/2026)."
    )
    assert edit() == PERSON_UNCHANGED
    # The day of entry itself is allowed.
    store.edit_candidate(
        cand, p["sec"], name="Jeanne Martin", started=date(2026, 1, 5), tutor=p["tutor2"],
        manager=p["manager"], effective=date(2026, 1, 5), reason="mutation",
    )  # fmt: skip
