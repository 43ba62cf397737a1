"""The organisme in a form: chosen from the registry's list, or typed as a new one that the
agent at the keyboard adds to the registry (a spelling of one already there is that one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.widget import Widget
from textual.widgets import Input

from tui.modals.form import FieldError, FormModal
from tui.text import Select


def organisme_fields(
    form: FormModal[Any], organismes: list[str], current: str = ""
) -> Iterator[Widget]:
    choices = [(name, name) for name in organismes]
    select: Select[str] = Select(choices, id="organisme", prompt="Choisir dans le registre")
    if current in organismes:
        # Given to the constructor: a value set before mounting is not shown.
        select = Select(choices, id="organisme", prompt="Choisir dans le registre", value=current)
    yield from form.field("Organisme (registre)", select)
    yield from form.field(
        "… ou nouvel organisme, ajouté au registre",
        Input(id="new-organisme", max_length=200, placeholder="nom exact, si absent de la liste"),
    )


def chosen_organisme(form: FormModal[Any]) -> tuple[str, bool]:
    """The organisme the form names, and whether it is typed as new (to add to the registry)."""
    typed = " ".join(form.query_one("#new-organisme", Input).value.split())
    if typed:
        return typed, True
    value = form.query_one("#organisme", Select).value
    if not isinstance(value, str):
        raise FieldError(
            "organisme", "Choisissez l'organisme dans le registre, ou tapez un nouvel organisme."
        )
    return value, False
