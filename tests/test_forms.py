"""Forms: Enter in the last field (or the only one) submits, elsewhere it moves on; ctrl+s
still submits; a checkbox reads ticked or not without colour."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from tests.screen_text import screen_text
from tui.modals.candidate_form import parse_day
from tui.modals.form import FieldError
from tui.modals.person_form import PersonForm
from tui.modals.text_prompt import TextPrompt
from tui.text import Checkbox, Select


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield from ()


async def test_enter_submits_a_one_field_form() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        app.push_screen(TextPrompt("Commentaire", "Texte", required=False), app.results.append)
        await pilot.pause()
        await pilot.press(*"vu", "enter")
        await pilot.pause()
        assert app.results == ["vu"]


async def test_enter_moves_on_then_submits_from_the_last_field() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        form = PersonForm()
        app.push_screen(form, app.results.append)
        await pilot.pause()
        await pilot.press(*"Marie", "enter")
        await pilot.pause()
        assert app.results == [] and app.focused is form.query_one("#organisme", Select)


async def test_a_checkbox_reads_ticked_or_not_without_colour() -> None:
    class Boxes(App[None]):
        def compose(self) -> ComposeResult:
            yield Checkbox("[b]non[/b]", id="off")
            yield Checkbox("oui", True, id="on")

    app = Boxes()
    async with app.run_test() as pilot:
        await pilot.pause()
        off = app.query_one("#off", Checkbox).render().plain
        on = app.query_one("#on", Checkbox).render().plain
        assert "X" not in off and "[b]non[/b]" in off
        assert "X" in on


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("31/02/2025", "n'existe pas"),
        ("29/02/2025", "n'existe pas"),
        ("12/13/2025", "n'existe pas"),
        ("2025-02-01", "n'est pas une date au format JJ/MM/AAAA"),
    ],
)
def test_a_date_that_does_not_exist_is_called_so(text: str, said: str) -> None:
    with pytest.raises(FieldError, match=said):
        parse_day(text, "on")


@pytest.mark.slow  # a Pilot flow of 230 key presses: about 15 s
async def test_a_name_field_states_its_limit_and_keeps_to_it() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        form = PersonForm()
        app.push_screen(form)
        await pilot.pause()
        assert "200 caractères au plus" in screen_text(app)
        await pilot.press(*("x" * 230))
        assert len(form.query_one("#name", Input).value) == 200
