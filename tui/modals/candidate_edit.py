"""Edit a candidate: name, entry date, and a new tutor or manager from a date, with a reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from models.events import CandidateCreated, PersonCreated
from models.people import is_active
from tui.modals.candidate_form import parse_day
from tui.modals.form import FieldError, FormModal, required_text
from tui.operator import author_of
from tui.text import Select, Static


class CandidateEditForm(FormModal[bool | None]):
    heading = "Modifier le candidat"

    def __init__(
        self, candidate: str, current: CandidateCreated, people: dict[str, PersonCreated]
    ) -> None:
        super().__init__()
        self.candidate = candidate
        self.current = current
        self.people = people

    def context(self) -> ComposeResult:
        yield Static(
            "Réservé à un agent du secrétariat. Chaque modification est gardée dans "
            "l'historique (« h ») ; les signatures passées restent valables.",
            classes="form-detail",
        )

    def _choices(self, role: str, current: str | None) -> list[tuple[str, str]]:
        """The active people holding the role, and whoever holds it now (kept as is)."""
        return sorted(
            (
                (
                    f"{p.name} — {p.organisme}" + ("" if is_active(p) else " (désactivé·e)"),
                    pid,
                )
                for pid, p in self.people.items()
                if (role in p.roles and is_active(p)) or pid == current
            ),
            key=lambda c: c[0],
        )

    def fields(self) -> ComposeResult:
        cur = self.current
        yield from self.field("Nom et prénom", Input(cur.name, id="name", max_length=200))
        started = cur.started.strftime("%d/%m/%Y") if cur.started else ""
        yield from self.field(
            "Date d'entrée en formation ou en VAE (JJ/MM/AAAA)", Input(started, id="started")
        )
        for field, role, value, label in (
            ("tutor", "tuteur", cur.tutor, "Tuteur"),
            ("manager", "manager", cur.manager, "Manager"),
        ):
            choices = self._choices(role, value)
            select: Select[str] = Select(choices, id=field, prompt="—")
            if value is not None and any(pid == value for _, pid in choices):
                # Given to the constructor: a value set before mounting is not shown.
                select = Select(choices, id=field, prompt="—", value=value)
            yield from self.field(label, select)
        yield from self.field(
            "Changement de tuteur ou de manager : à compter du (JJ/MM/AAAA)",
            Input(id="effective", placeholder="ex. 02/03/2027"),
        )
        yield from self.field(
            "Motif (obligatoire pour un changement de tuteur ou de manager)",
            Input(id="reason", max_length=2000),
        )

    async def submit(self) -> bool | None:
        name = required_text(self.query_one("#name", Input).value, "name", "Le nom")
        started_text = self.query_one("#started", Input).value
        started = parse_day(started_text, "started") if started_text.strip() else None
        tutor = self.query_one("#tutor", Select).value
        manager = self.query_one("#manager", Select).value
        tutor = tutor if isinstance(tutor, str) else None
        manager = manager if isinstance(manager, str) else None
        if tutor is not None and tutor == manager:
            raise FieldError(
                "manager",
                "Le tuteur et le manager doivent être deux personnes différentes : chacun "
                "atteste le carnet de suivi dans son rôle.",
            )
        changed = (tutor, manager) != (self.current.tutor, self.current.manager)
        effective = None
        reason = self.query_one("#reason", Input).value.strip()
        if changed:
            effective = parse_day(
                self.query_one("#effective", Input).value, "effective", future=True
            )
            if len(reason) < 3:
                raise FieldError("reason", "Un changement de tuteur ou de manager est motivé.")
        author = author_of(self.app)
        await self.store(
            lambda s: s.edit_candidate(
                self.candidate,
                author,
                name=name,
                started=started,
                tutor=tutor,
                manager=manager,
                effective=effective,
                reason=reason,
            )
        )
        return True
