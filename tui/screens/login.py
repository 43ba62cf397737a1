"""« Qui est au clavier ? »: the person whose name every event made at this station carries.

Asked when the app starts and again on « ctrl+l » (another person takes the keyboard). The
store checks what that person may do (store/authority.py); this screen only says who it is.
A secretariat's registry holds hundreds of people: typing a part of a name, an organisme or a
role narrows the list, ↑/↓ move in it, Enter takes the person highlighted.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from models.events import PERSON_ROLES, PersonCreated
from models.people import is_active
from models.status import sort_key
from tui.text import Static


class LoginScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss_none", "Plus tard", id="later"),
        # The filter keeps the focus while the arrows move in the list below it.
        Binding("down", "move(1)", "Suivant", show=False),
        Binding("up", "move(-1)", "Précédent", show=False),
    ]
    DEFAULT_CLASSES = "form-modal"

    def __init__(self, people: dict[str, PersonCreated]) -> None:
        super().__init__()
        self.people = people
        # A deactivated person acts no more (the store refuses them too).
        active = [(pid, p) for pid, p in people.items() if is_active(p)]
        self._everyone = [
            (pid, _label(person))
            for pid, person in sorted(active, key=lambda i: sort_key(i[1].name))
        ]

    def compose(self) -> ComposeResult:
        yield Static("Qui est au clavier ?", classes="form-title")
        yield Static(
            "Chaque action enregistrée portera votre nom ; les signatures et décisions sont "
            "réservées à la personne que désigne le référentiel.",
            classes="form-detail",
        )
        yield Input(placeholder="Tapez une partie du nom pour filtrer…", id="who")
        yield OptionList(*self._options(""), id="people")
        if not self._everyone:
            yield Static(
                "Aucune personne enregistrée : « échap » pour continuer, puis « p » sur "
                "l'accueil pour créer la première."
            )
        else:
            yield Static("", id="none-found")

    def _options(self, text: str) -> list[Option]:
        needle = sort_key(text.strip())
        # Names are text from people: never markup.
        return [
            Option(Text(label), id=pid)
            for pid, label in self._everyone
            if not needle or needle in sort_key(label)
        ]

    def on_input_changed(self, event: Input.Changed) -> None:
        people = self.query_one("#people", OptionList)
        options = self._options(event.value)
        people.clear_options()
        people.add_options(options)
        if options:
            people.highlighted = 0
        found = self.query("#none-found")
        if found:
            found.first(Static).update(
                "" if options else "Personne ne correspond : effacez une lettre, ou « échap »."
            )

    def on_input_submitted(self, _: Input.Submitted) -> None:
        people = self.query_one("#people", OptionList)
        if people.highlighted is not None and people.option_count:
            self.dismiss(people.get_option_at_index(people.highlighted).id)

    def action_move(self, step: int) -> None:
        people = self.query_one("#people", OptionList)
        if people.option_count:
            current = people.highlighted if people.highlighted is not None else -step
            people.highlighted = max(0, min(people.option_count - 1, current + step))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def _label(person: PersonCreated) -> str:
    roles = ", ".join(PERSON_ROLES[r].lower() for r in person.roles)
    return f"{person.name} — {person.organisme} — {roles}"
