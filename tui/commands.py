"""The command palette (ctrl+p): the main actions, and every candidate by name."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from tui.text import escape_markup

ACTIONS = (
    ("Nouveau candidat", "new_candidate", "Créer un candidat"),
    ("Personnes", "people", "Le registre des tuteurs, managers et évaluateurs"),
    ("Échanges avec le secrétariat", "sync", "Exporter un lot, importer des lots ou accusés"),
    ("Aide", "help", "Les touches de l'écran en cours"),
)


class CarnetCommands(Provider):
    async def _candidates(self) -> list[dict[str, Any]]:
        app: Any = self.app
        if not app.store_ready.is_set():
            return []
        listing = await app.store_call(lambda store: store.rows())
        return list(listing.records)

    async def discover(self) -> Hits:
        for label, action, help_text in ACTIONS:
            yield DiscoveryHit(label, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action, help_text in ACTIONS:
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(label), partial(self._run, action), help=help_text
                )
        for record in await self._candidates():
            label = f"Ouvrir le dossier de {record['name']}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlight_literal(matcher, label),
                    partial(self._open, record["id"]),
                    text=label,
                    help=escape_markup(record["organisme"]),  # the palette reads help as markup
                )

    async def _run(self, action: str) -> None:
        from tui.screens.home import HomeScreen

        app: Any = self.app
        if action == "help":
            app.action_help()
            return
        while len(app.screen_stack) > 2 and not isinstance(app.screen, HomeScreen):
            app.pop_screen()
        screen = app.screen
        if isinstance(screen, HomeScreen):
            await screen.run_action(action)

    async def _open(self, candidate: str) -> None:
        from tui.screens.dossier import DossierScreen

        self.app.push_screen(DossierScreen(candidate))


def highlight_literal(matcher: Matcher, label: str) -> Content:
    """The matched letters highlighted in a label shown as written (Textual's own
    ``Matcher.highlight`` parses the label as markup: a name would run)."""
    content = Content(label)
    _, offsets = matcher.fuzzy_search.match(matcher.query, label)
    for offset in offsets:
        if not label[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
