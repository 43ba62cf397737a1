"""Every key of the screen below, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen

from tui.text import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Fermer", id="close-help")]
    DEFAULT_CLASSES = "form-modal"

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        lines = []
        seen = set()
        for active in self.below.active_bindings.values():
            binding = active.binding
            # Only carnet's own keys (they all have an id): the widgets' and Textual's (cursor,
            # focus, copy) are the usual ones, and are in English.
            if binding.id is None or not binding.description:
                continue
            if binding.description in seen:
                continue
            seen.add(binding.description)
            shown = self.app.get_key_display(binding)
            state = "" if active.enabled else "  (indisponible ici)"
            lines.append(f"  {shown:<12} {binding.tooltip or binding.description}{state}")
        with VerticalScroll(classes="form"):
            yield Static("Touches de cet écran", classes="form-title")
            yield Static("\n".join(lines) or "Aucune touche.", markup=False)
            yield Static(
                "\nctrl+p ouvre la palette de commandes ; tab passe d'une zone à l'autre ;\n"
                "les flèches déplacent le curseur. La souris fonctionne aussi.\n"
                "(échap pour fermer)",
                classes="form-detail",
            )

    def action_close(self) -> None:
        self.dismiss(None)
