"""The signer's secret, asked at the moment of signing, and set with the person present the
first time (typed twice). Shared by every form that records a personal signature: the logbook,
grids and their amendments, the juries' proposal, decisions and proclamation, conflicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from textual.widget import Widget
from textual.widgets import Input

from store.credentials import SecretError
from tui.modals.form import FieldError, FormModal

T = TypeVar("T")

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


def sign_as(
    store: Any, person: str, secret: str, confirm: str, key: str, action: Callable[[], T]
) -> T:
    """On the writer thread: runs ``action``, which the store signs with the person's secret.

    A person with no secret yet sets it here (typed twice), but only once the store has
    accepted everything else: the action is tried first, and the store checks who may do it
    before it asks for the secret, the last step. Someone not entitled is refused with the
    rule and gets no key; nothing is recorded."""
    if person not in store.people() or store.credential_state(person) != "none":
        return action()
    try:
        return action()
    except SecretError:
        pass  # « n'a pas encore de secret »: every other rule has accepted the action
    enrol_if_needed(store, person, secret, confirm, key)
    return action()
