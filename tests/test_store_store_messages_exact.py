"""The store's refusals (store/store.py), word for word: evaluators that cannot evaluate, a
write from the wrong thread or a read-only command, a write the disk refuses.

tests/test_grid_rules.py and tests/test_store.py check these by one phrase; the whole message
is what the secretariat reads (and, for a disk error, what it is told stays intact), so each
is checked whole here.
"""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import Any

import pytest

import store.store as store_module
from store.draft import Draft
from store.errors import StoreError
from store.store import Store
from tests.conftest import grid_with_people

UNFIT = (
    " Le représentant métier doit être sans lien hiérarchique avec le candidat et ne pas être "
    "intervenu dans sa formation."
)


def _people(store: Store) -> dict[str, str]:
    candidate, _, evaluator = grid_with_people(store, "gc.b2")
    people = {p.name: pid for pid, p in store.people().items()}
    return {
        "candidate": candidate,
        "evaluator": evaluator,
        "certifier": people["Claire Certif"],
        "tutor": people["Paul Tuteur"],
        "other": store.create_person("Bea Métier", "CAF", ["representant_metier"], "t"),
    }


def _refusal(call: Any) -> str:
    with pytest.raises(StoreError) as caught:
        call()
    return str(caught.value)


def test_an_evaluator_who_cannot_evaluate_is_refused_saying_why_whole(store: Store) -> None:
    p = _people(store)
    cand, ev, cert = p["candidate"], p["other"], p["certifier"]
    assert _refusal(lambda: store.check_evaluators(cand, "p-x", cert)) == (
        "personne inconnue : p-x"
    )
    assert _refusal(lambda: store.check_evaluators(cand, p["tutor"], cert)) == (
        "Paul Tuteur n'est pas déclaré(e) représentant métier"
    )
    assert _refusal(lambda: store.check_evaluators(cand, ev, p["tutor"])) == (
        "Paul Tuteur n'est pas déclaré(e) certificateur ou délégataire"
    )
    assert _refusal(lambda: store.check_evaluators(cand, ev, ev)) == (
        "Bea Métier n'est pas déclaré(e) certificateur ou délégataire"
    )
    both = store.create_person("Max Double", "CAF", ["representant_metier", "certificateur"], "t")
    assert _refusal(lambda: store.check_evaluators(cand, both, both)) == (
        "les deux évaluateurs doivent être deux personnes différentes"
    )
    store.declare_link(cand, ev, "superieur", "t")
    assert _refusal(lambda: store.check_evaluators(cand, ev, cert)) == (
        "Bea Métier ne peut pas évaluer ce candidat : il ou elle est déclaré(e) supérieur(e) "
        "hiérarchique du candidat." + UNFIT
    )
    store.declare_link(cand, ev, "formateur", "t")
    assert _refusal(lambda: store.check_evaluators(cand, ev, cert)) == (
        "Bea Métier ne peut pas évaluer ce candidat : il ou elle est intervenu(e) dans sa "
        "formation et il ou elle est déclaré(e) supérieur(e) hiérarchique du candidat." + UNFIT
    )
    assert _refusal(lambda: store.declare_link(cand, ev, "formateur", "t")) == (
        "ce lien est déjà déclaré"
    )
    assert _refusal(lambda: store.declare_link(cand, "p-x", "formateur", "t")) == (
        "personne inconnue : p-x"
    )


@pytest.mark.parametrize(
    ("relation", "text"),
    [
        ("tuteur", "il ou elle est déclaré(e) tuteur du candidat"),
        ("manager", "il ou elle est déclaré(e) manager du candidat"),
    ],
)
def test_each_link_is_named_in_the_refusal(store: Store, relation: str, text: str) -> None:
    p = _people(store)
    store.declare_link(p["candidate"], p["other"], relation, "t")
    assert _refusal(lambda: store.check_evaluators(p["candidate"], p["other"], p["certifier"])) == (
        f"Bea Métier ne peut pas évaluer ce candidat : {text}." + UNFIT
    )


def test_a_write_from_another_thread_or_a_read_only_command_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
        caught: list[str] = []

        def elsewhere() -> None:
            for call in (
                lambda: store.append("registre", [Draft("organisme.registered", {})], "t"),
                lambda: store.receive({}),
            ):
                try:
                    call()
                except StoreError as exc:
                    caught.append(str(exc))

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        assert caught == ["écriture hors du fil d'écriture unique"] * 2
    with Store.open(folder, read_only=True) as reader:
        assert _refusal(
            lambda: reader.create_person("Marie Manager", "CPAM", ["manager"], "t")
        ) == ("lecture seule : rien n'est enregistré par cette commande")


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (OSError(errno.ENOSPC, "le disque est plein"), "le disque est plein"),
        (OSError(errno.EACCES, "accès refusé par le système"), "écriture refusée par le système"),
        (OSError(errno.EPERM, "Operation not permitted"), "écriture refusée par le système"),
        (OSError(errno.EROFS, "Read-only file system"), "écriture refusée par le système"),
        (
            OSError(errno.EIO, "erreur du support (lecture ou écriture)"),
            "erreur du support (lecture ou écriture)",
        ),
        (OSError("sans numéro"), "sans numéro"),
    ],
    ids=["full", "denied", "not-permitted", "read-only", "io", "no-errno"],
)
def test_a_write_the_disk_refuses_says_nothing_was_recorded(
    store: Store, monkeypatch: pytest.MonkeyPatch, error: OSError, why: str
) -> None:
    def failing(*args: Any, **kwargs: Any) -> None:
        raise error

    # The store's one group write, as imported by the store module.
    monkeypatch.setattr(store_module, "append_many", failing)
    raw = {"id": "e-1", "station": "poste-autre"}
    dossier = store_module.new_id("c")
    assert _refusal(lambda: store.receive({dossier: [raw]})) == (
        f"Rien n'a été enregistré : {why}. Les données précédentes sont intactes."
    )
