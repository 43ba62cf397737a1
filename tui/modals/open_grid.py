"""Open a block's grid: the situation (block 1), the two evaluators and their declarations.

A business evaluator linked to the candidate is refused here, at the field, with the conflict
named; nothing is recorded until both declarations are confirmed and the store accepts."""

from __future__ import annotations

from textual.app import ComposeResult

from models.errors import CarnetError
from models.events import PersonCreated
from models.people import is_active
from models.referential import Block, ObservationFormat
from tui.modals.form import FieldError, FormModal
from tui.operator import author_of
from tui.text import Checkbox, Select, Static

DECLARATION = (
    "Je déclare n'avoir aucun lien hiérarchique avec le candidat et n'être pas intervenu(e) "
    "dans sa formation."
)


class OpenGrid(FormModal[str | None]):
    def __init__(self, candidate: str, block: Block, people: dict[str, PersonCreated]) -> None:
        super().__init__()
        self.candidate = candidate
        self.block = block
        self.people = people
        self.heading = f"Ouvrir la grille du bloc {block.number} — {block.title}"

    def _choices(self, role: str) -> list[tuple[str, str]]:
        return sorted(
            (f"{p.name} — {p.organisme}", pid)
            for pid, p in self.people.items()
            if role in p.roles and is_active(p)
        )

    def context(self) -> ComposeResult:
        yield Static(self.block.evaluation.format.text, classes="form-detail")

    def fields(self) -> ComposeResult:
        fmt = self.block.evaluation.format
        if isinstance(fmt, ObservationFormat):
            situations = [(f"{s.label} ({s.minutes} min)", s.id) for s in fmt.situations]
            yield from self.field(
                "Situation observée", Select(situations, id="situation", prompt="Choisir")
            )
        yield from self.field(
            "Représentant métier",
            Select(
                self._choices("representant_metier"), id="evaluator", prompt="Choisir l'évaluateur"
            ),
        )
        # The declaration in a label that wraps: the person ticks a statement they can read
        # whole (a checkbox label is one line, cut at 80 columns).
        yield from self.field(
            f"Déclaration du représentant métier : « {DECLARATION} »",
            Checkbox("Le représentant métier le déclare", id="evaluator-declares"),
        )
        yield from self.field(
            "Organisme certificateur ou son délégataire",
            Select(
                self._choices("certificateur"), id="certifier", prompt="Choisir le certificateur"
            ),
        )
        yield from self.field(
            "Déclaration du certificateur : « Je confirme ma présence et mon indépendance. »",
            Checkbox("Le certificateur le déclare", id="certifier-declares"),
        )

    async def submit(self) -> str | None:
        situation = None
        if isinstance(self.block.evaluation.format, ObservationFormat):
            chosen = self.query_one("#situation", Select).value
            if not isinstance(chosen, str):
                raise FieldError("situation", "Choisissez la situation observée.")
            situation = chosen
        evaluator = self.query_one("#evaluator", Select).value
        certifier = self.query_one("#certifier", Select).value
        if not isinstance(evaluator, str):
            raise FieldError("evaluator", "Choisissez le représentant métier.")
        if not isinstance(certifier, str):
            raise FieldError("certifier", "Choisissez le certificateur ou son délégataire.")
        try:
            await self.store(lambda s: s.check_evaluators(self.candidate, evaluator, certifier))
        except CarnetError as exc:
            field = "certifier" if "certificateur" in str(exc) else "evaluator"
            raise FieldError(field, str(exc)) from exc
        if not self.query_one("#evaluator-declares", Checkbox).value:
            raise FieldError(
                "evaluator-declares",
                "Le représentant métier doit confirmer sa déclaration d'indépendance.",
            )
        if not self.query_one("#certifier-declares", Checkbox).value:
            raise FieldError(
                "certifier-declares", "Le certificateur doit confirmer sa déclaration."
            )
        grid: str = await self.store(
            lambda s: s.open_grid(
                self.candidate,
                self.block.id,
                author_of(self.app),
                evaluator=evaluator,
                certifier=certifier,
                situation=situation,
            )
        )
        return grid
