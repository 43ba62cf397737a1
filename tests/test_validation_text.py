"""Validation errors reach people in French, naming the field (models/validation_text.py),
and a key file given to ``carnet import`` says what it is and what to do (no textual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.validation_text import french
from store.bundle import BundleError, open_file
from store.store import Store
from store.sync import public_key_of


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=99)
    name: str = Field(min_length=1, max_length=5)
    kind: Literal["bundle", "receipt"]
    items: list[int] = Field(default_factory=list, max_length=2)


GOOD = {"seq": 1, "name": "a", "kind": "bundle"}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"seq": 0}, "champ « seq » : doit être au moins 1"),
        ({"seq": 100}, "champ « seq » : doit être au plus 99"),
        ({"seq": "x"}, "champ « seq » : un nombre entier est attendu"),
        ({"name": ""}, "champ « name » : au moins 1 caractère(s)"),
        ({"name": "abcdef"}, "champ « name » : au plus 5 caractères"),
        ({"name": 3}, "champ « name » : un texte est attendu"),
        ({"kind": "autre"}, "champ « kind » : valeur non reconnue"),
        ({"items": [1, 2, 3]}, "champ « items » : au plus 2 élément(s)"),
        ({"items": ["x"]}, "champ « items.0 » : un nombre entier est attendu"),
        ({"extra": 1}, "champ « extra » inattendu"),
    ],
)
def test_each_kind_of_error_is_said_in_french(change: dict[str, Any], said: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Sample.model_validate(GOOD | change)
    assert french(caught.value) == said


def test_a_missing_field_and_an_unknown_kind_of_error() -> None:
    with pytest.raises(ValidationError) as caught:
        _Sample.model_validate({"name": "a", "kind": "bundle"})
    assert french(caught.value) == "champ « seq » absent"
    from models.validation_text import error_text

    assert error_text({"type": "some_new_kind", "loc": ("x",), "msg": "English"}) == (
        "champ « x » invalide"
    )
    assert error_text({"type": "value_error", "msg": "Value error, déjà signé"}) == "déjà signé"


def test_a_key_file_given_as_a_bundle_says_what_it_is(tmp_path: Path) -> None:
    """Before: « fichier tronqué ou illisible (Expecting property name enclosed in double
    quotes: line 1 column 2 (char 1)) »."""
    with Store.open(tmp_path / "p") as store:
        data = public_key_of(store)
    with pytest.raises(BundleError) as caught:
        open_file(data, {})
    assert str(caught.value) == (
        "ce fichier est la clé publique d'un poste, pas un lot : pour faire confiance à ce "
        "poste, carnet trust FICHIER --empreinte … (ou « i » sur ce fichier dans l'écran "
        "Échanges), après avoir vérifié l'empreinte avec lui"
    )
