"""The signer's secret, asked at the moment of signing, and set with the person present the
first time (typed twice). Shared by the logbook, grid and jury forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.widget import Widget
from textual.widgets import Input

from tui.modals.form import FieldError, FormModal

SECRET_HINT = "PIN ≥ 6 chiffres ou phrase"


def secret_fields(key: str, name: str) -> Iterator[Widget]:
    yield from FormModal.field(
        f"Secret de {name} ({SECRET_HINT})", Input(password=True, id=f"secret-{key}")
    )
    yield from FormModal.field(
        "Première signature seulement : le même secret, pour le choisir",
        Input(password=True, id=f"confirm-{key}"),
    )


def read_secret(form: FormModal[Any], key: str) -> tuple[str, str]:
    secret = form.query_one(f"#secret-{key}", Input).value
    if not secret:
        raise FieldError(f"secret-{key}", "Le secret de la personne qui signe est requis.")
    return secret, form.query_one(f"#confirm-{key}", Input).value


def enrol_if_needed(store: Any, person: str, secret: str, confirm: str, key: str) -> None:
    """On the writer thread: a first signature sets the person's secret (typed twice)."""
    if store.credential_state(person) != "none":
        return
    if confirm != secret:
        raise FieldError(
            f"confirm-{key}",
            "Première signature : choisissez votre secret et tapez-le une seconde fois ici.",
        )
    store.set_secret(person, secret)
