"""The command palette, in French: its prompt and its « nothing found » line.

Textual's palette prompts « Search for commands… » and answers « No matches found »; its
commands are carnet's, in French (tui/commands.py, and the system ones in tui/app.py), so
its own words are translated here too.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

PROMPT = "Chercher une commande ou un candidat…"
NO_MATCH = "Aucun résultat"


THEMES = "Chercher un thème…"


class FrenchPalette(CommandPalette):
    def __init__(self, *, themes: bool = False) -> None:
        """``themes``: the list of colour themes (« Thème »), else the commands."""
        if themes:
            from textual.theme import ThemeProvider

            super().__init__(providers=[ThemeProvider], placeholder=THEMES)
        else:
            super().__init__(placeholder=PROMPT, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own, word for word but the line it adds: its text is built inside.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(NO_MATCH, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
