"""« Qui est au clavier ? »: the person whose name every event made at this station carries.

Asked when the app starts and again on « ctrl+l » (another person takes the keyboard). The
store checks what that person may do (store/authority.py); this screen only says who it is.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from models.events import PERSON_ROLES, PersonCreated
from models.people import is_active
from models.status import sort_key
from tui.text import Static


class LoginScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Plus tard", id="later")]
    DEFAULT_CLASSES = "form-modal"

    def __init__(self, people: dict[str, PersonCreated]) -> None:
        super().__init__()
        self.people = people

    def compose(self) -> ComposeResult:
        yield Static("Qui est au clavier ?", classes="form-title")
        yield Static(
            "Chaque action enregistrée portera votre nom ; les signatures et décisions sont "
            "réservées à la personne que désigne le référentiel.",
            classes="form-detail",
        )
        # A deactivated person acts no more (the store refuses them too).
        active = [(pid, p) for pid, p in self.people.items() if is_active(p)]
        ordered = sorted(active, key=lambda item: sort_key(item[1].name))
        options = [
            # Names are text from people: never markup.
            Option(
                Text(
                    f"{person.name} — {person.organisme} — "
                    + ", ".join(PERSON_ROLES[r].lower() for r in person.roles)
                ),
                id=pid,
            )
            for pid, person in ordered
        ]
        yield OptionList(*options, id="people")
        if not options:
            yield Static("Aucune personne enregistrée : « p » sur l'accueil en crée une.")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
