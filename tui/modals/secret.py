"""The signer's secret, asked at the moment of signing, and set with the person present the
first time (typed twice). Shared by every form that records a personal signature: the logbook,
grids and their amendments, the juries' proposal, decisions and proclamation, conflicts."""

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
    # The confirmation is for a first signature only: hidden until the store says this person
    # has no secret yet (see show_first_use), so someone who has one is not asked to type it
    # twice. Hidden, it is not focusable: Enter in the secret submits.
    for widget in FormModal.field(
        "Première signature : le même secret une seconde fois, pour le choisir",
        Input(password=True, id=f"confirm-{key}"),
    ):
        widget.add_class(f"reveal-confirm-{key}")
        widget.display = False
        yield widget


async def show_first_use(form: FormModal[Any], key: str, person: str | None) -> None:
    """Shows the confirmation field when ``person`` signs for the first time at this station."""
    first = False
    if person:
        first = await form.store(
            lambda s: person in s.people() and s.credential_state(person) == "none"
        )
    for widget in form.query(f".reveal-confirm-{key}"):
        widget.display = first


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
