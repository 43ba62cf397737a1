"""The five marks of a Gestionnaire carrière candidate on a training route.

One field per evaluation, typed as on paper (« 12,5 »); « entrée » records it, and so does
leaving the field (tab, ↑/↓, a click): a mark typed is never dropped without a word. One that
cannot be recorded (not a mark, nobody chosen in « Saisie par ») keeps its message under the
field, and « échap » asks before leaving it unrecorded. While a mark is being typed, the panel
below shows what the verdict would become (total /200, average, eliminatory marks, Pass) so the
person entering it sees the consequence before saving; « enregistré » appears only once the
writer has it on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input

from models.errors import CarnetError
from models.referential import WeightedReferential
from models.status import Status
from models.weighted import MarkError, WeightedVerdict, evaluate_weighted, format_mark, parse_mark
from tui.career_text import final_versus_computed
from tui.keys import HELP_F1
from tui.labels import status_cell
from tui.modals.confirm import Confirm
from tui.operator import author_of
from tui.screens.candidate import CandidateScreen
from tui.text import Label, Select, Static
from tui.timefmt import when
from tui.widgets.footer import KeyFooter

PASS_CHOICES = [("Oui, Pass suivi", "oui"), ("Non, Pass non suivi", "non")]


class MarksScreen(CandidateScreen):
    BINDINGS = [
        HELP_F1,
        # « ? » still opens the help outside a field, but is not shown twice in the footer.
        Binding("question_mark", "app.help", "Aide", show=False),
        Binding("up", "app.focus_previous", "Précédent", show=False),
        Binding("down", "app.focus_next", "Suivant", show=False),
        Binding("escape", "back", "Retour", id="back"),
    ]

    def __init__(self, candidate: str) -> None:
        super().__init__(candidate)
        self.ref: WeightedReferential | None = None
        self.covers: dict[str, str] = {}
        self._recording: set[str] = set()  # evaluations whose mark is on its way to the store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="marks-title", classes="screen-title")
        with Horizontal(id="marks-people"):
            yield Label("Saisie par ", classes="inline-label")
            yield Select[str]([], id="by", prompt="Qui saisit ?", compact=True)
            yield Label("  Pass ", classes="inline-label")
            yield Select[str](PASS_CHOICES, id="pass", prompt="non renseigné", compact=True)
        # Not focusable: tab went to this invisible box, and the digits typed there were lost.
        yield VerticalScroll(id="marks-list", can_focus=False)
        yield Static("", id="marks-panel")
        yield KeyFooter()

    async def on_mount(self) -> None:
        snap = await self.load_view()
        ref = snap.referential
        assert isinstance(ref, WeightedReferential) and snap.state.candidate is not None
        self.ref = ref
        career = snap.state.career
        rows = []
        for evaluation in ref.evaluations:
            saved = career.marks.get(evaluation.id)
            limit = evaluation.eliminatory_at_or_below
            detail = f"  coef. {evaluation.coefficient}"
            if limit is not None:
                detail += f" · éliminatoire ≤ {format_mark(limit)}"
            if evaluation.marked_by == "jury_local":
                detail += " · jury local"
            numbers = [str(ref.competency(c).number) for c in ref.certified_by(evaluation.id)]
            self.covers[evaluation.id] = f"{detail} · couvre les compétences " + ", ".join(numbers)
            rows.append(
                Vertical(
                    Horizontal(
                        Label(evaluation.title, classes="mark-title", markup=False),
                        Input(
                            format_mark(saved) if saved is not None else "",
                            placeholder="—/20",
                            id=f"mark-{evaluation.id}",
                            compact=True,
                            classes="mark-input",
                        ),
                        Static("", id=f"who-{evaluation.id}", classes="mark-who"),
                        classes="mark-line",
                    ),
                    Static(
                        self.covers[evaluation.id],
                        id=f"covers-{evaluation.id}",
                        classes="mark-covers",
                        markup=False,
                    ),
                    classes="mark-row",
                )
            )
        await self.query_one("#marks-list", VerticalScroll).mount_all(rows)
        by = self.query_one("#by", Select)
        by.set_options(
            sorted(((f"{p.name} — {p.organisme}", pid) for pid, p in self.people.items()))
        )
        last = getattr(self.app, "last_marker", None)
        if last in self.people:
            by.value = last
        if career.pass_followed is not None:
            self.query_one("#pass", Select).value = "oui" if career.pass_followed else "non"
        if career.proclamation is not None:
            # The national jury has proclaimed: its decision is final, the marks are too.
            for widget in self.query(".mark-input, #pass, #by"):
                widget.disabled = True
        self._show()
        first = self.query_one(f"#mark-{ref.evaluations[0].id}", Input)
        if not first.disabled:
            # Who enters the marks comes first: nothing is recorded without it.
            (first if isinstance(by.value, str) else by).focus()
        self.loaded.set()

    # --- what is shown ------------------------------------------------------------------------

    def _show(self) -> None:
        snap, ref = self.snapshot, self.ref
        assert snap is not None and ref is not None and snap.state.candidate is not None
        cand = snap.state.candidate
        route = {
            "nouvel_embauche": "nouvel embauché",
            "parcours_formation": "parcours de formation",
        }
        self.sub_title = cand.name
        self.query_one("#marks-title", Static).update(
            f"Notes — {cand.name} ({cand.organisme}) — {route.get(cand.route or '', '')}"
        )
        for evaluation in ref.evaluations:
            self._show_who(evaluation.id)
        self._preview()

    def _typed(self) -> tuple[dict[str, Decimal], bool]:
        """The marks as on screen (typed or saved) and whether any differs from the saved."""
        snap, ref = self.snapshot, self.ref
        assert snap is not None and ref is not None
        saved = snap.state.career.marks
        marks: dict[str, Decimal] = {}
        changed = False
        for evaluation in ref.evaluations:
            text = self.query_one(f"#mark-{evaluation.id}", Input).value
            try:
                mark = parse_mark(text) if text.strip() else None
            except MarkError:
                mark = saved.get(evaluation.id)
                changed = True
            if mark is not None:
                marks[evaluation.id] = mark
            changed = changed or mark != saved.get(evaluation.id)
        return marks, changed

    def _preview(self) -> None:
        snap, ref = self.snapshot, self.ref
        assert snap is not None and ref is not None
        marks, changed = self._typed()
        pass_value = self.query_one("#pass", Select).value
        followed = None if not isinstance(pass_value, str) else pass_value == "oui"
        verdict = evaluate_weighted(ref, marks, followed)
        panel = _panel(ref, verdict, changed)
        if snap.state.career.proclamation is not None:
            panel.append("\n")
            panel.append_text(final_versus_computed(snap.state.career, verdict))
            panel.append(" — notes figées.", style="dim")
        self.query_one("#marks-panel", Static).update(panel)

    # --- typing and saving --------------------------------------------------------------------

    @on(Input.Changed, ".mark-input")
    def _changed(self, event: Input.Changed) -> None:
        evaluation = (event.input.id or "").removeprefix("mark-")
        text = event.value.strip()
        error = None
        if text:
            try:
                parse_mark(text)
            except MarkError as exc:
                error = str(exc)
        self._row_message(evaluation, error)
        self._preview()

    def _row_message(self, evaluation: str, error: str | None) -> None:
        """The row's second line: what the evaluation covers, or what is wrong with the mark."""
        line = self.query_one(f"#covers-{evaluation}", Static)
        if error is None:
            line.update(Text(self.covers[evaluation]))
            line.remove_class("mark-error")
        else:
            line.update(Text(f"  ⚠ {error}"))
            line.add_class("mark-error")

    def _show_who(self, evaluation: str) -> None:
        snap = self.snapshot
        assert snap is not None
        record = snap.state.career.mark_records.get(evaluation)
        who = self.query_one(f"#who-{evaluation}", Static)
        if record is None:
            who.update(Text("non saisie", style="dim"))
        else:
            who.update(Text(f"{self.person_name(record.by)}, {when(record.ts)}", style="dim"))

    @on(Input.Submitted, ".mark-input")
    async def _submitted(self, event: Input.Submitted) -> None:
        if await self._record(event.input, asked=True):
            self.focus_next()

    @on(Input.Blurred, ".mark-input")
    async def _left(self, event: Input.Blurred) -> None:
        """Leaving a field records what was typed in it, as « entrée » does."""
        if self.is_current and self._pending(event.input):
            await self._record(event.input, asked=False)

    def _pending(self, field: Input) -> bool:
        """Whether the field says something else than the recorded mark."""
        snap = self.snapshot
        if snap is None or field.disabled:
            return False
        evaluation = (field.id or "").removeprefix("mark-")
        saved = snap.state.career.marks.get(evaluation)
        text = field.value.strip()
        if not text:
            return saved is not None
        try:
            return parse_mark(text) != saved
        except MarkError:
            return True

    async def _record(self, field: Input, *, asked: bool) -> bool:
        """Records the field's mark; says under the field why not. ``asked``: « entrée » was
        pressed (an empty field is then an error, and the missing « Saisie par » is focused)."""
        evaluation = (field.id or "").removeprefix("mark-")
        if evaluation in self._recording:
            return False
        by = self.query_one("#by", Select).value
        typed = field.value
        try:
            if not typed.strip():
                if not asked:
                    return False  # a cleared field: « échap » asks about it
                raise MarkError("Saisissez une note de 0 à 20 (ex. 12,5).")
            mark = parse_mark(typed)
            if not isinstance(by, str):
                if asked:
                    self.query_one("#by", Select).focus()
                raise MarkError("Choisissez d'abord qui saisit la note (« Saisie par »).")
            self._recording.add(evaluation)
            try:
                await self.app.store_call(  # type: ignore[attr-defined]
                    lambda s: s.enter_mark(
                        self.candidate, evaluation, typed, author_of(self.app), by=by
                    )
                )
            finally:
                self._recording.discard(evaluation)
        except CarnetError as exc:
            self._row_message(evaluation, str(exc))
            return False
        self._row_message(evaluation, None)
        self.app.last_marker = by  # type: ignore[attr-defined]
        await self.load_view()
        field.value = format_mark(mark)
        self._show()
        self.notify(f"Note enregistrée : {format_mark(mark)}/20.")
        return True

    @on(Select.Changed, "#pass")
    async def _pass_changed(self, event: Select.Changed) -> None:
        snap = self.snapshot
        if snap is None or not isinstance(event.value, str):
            return
        followed = event.value == "oui"
        if snap.state.career.pass_followed is followed:
            return
        await self.save(
            lambda s: s.record_pass(self.candidate, followed, author_of(self.app)),
            "Suivi du parcours Pass enregistré.",
        )

    async def reload(self) -> None:
        await self.load_view()
        self._show()

    async def action_back(self) -> None:
        await self._leave(self.app.pop_screen)

    async def before_quit(self, quit: Callable[[], object]) -> None:
        """ctrl+q quits the app the way « échap » leaves the screen: not over typed marks."""
        await self._leave(quit)

    async def _leave(self, go: Callable[[], object]) -> None:
        """Leaves, once what was typed is recorded; what cannot be is named, and the person
        chooses to leave it or to stay."""
        focused = self.focused
        if (
            isinstance(focused, Input)
            and focused.has_class("mark-input")
            and self._pending(focused)
        ):
            await self._record(focused, asked=False)
        ref = self.ref
        unsaved = [
            field for field in self.query(".mark-input").results(Input) if self._pending(field)
        ]
        if not unsaved or ref is None:
            go()
            return
        names = []
        for field in unsaved:
            title = ref.evaluation((field.id or "").removeprefix("mark-")).title
            names.append(
                f"• {title} : « {field.value.strip()} »"
                if field.value.strip()
                else f"• {title} : champ vidé"
            )
        question = (
            f"{len(unsaved)} note(s) saisie(s) mais non enregistrée(s) :\n"
            + "\n".join(names)
            + "\n\nQuitter sans les enregistrer ? (le message sous chaque note dit pourquoi)"
        )

        def done(leave: bool | None) -> None:
            if leave:
                go()
            else:
                unsaved[0].focus()

        self.app.push_screen(Confirm(question), done)


def _panel(ref: WeightedReferential, verdict: WeightedVerdict, changed: bool) -> Text:
    text = Text()
    if verdict.average is not None:
        text.append(f"Total {format_mark(verdict.total)}/{ref.total} · ", style="bold")
        text.append(f"moyenne {verdict.average_text or ''}/20".replace(".", ","), style="bold")
    else:
        text.append(
            f"Total provisoire {format_mark(verdict.total)}/{ref.total} · "
            f"{len(verdict.missing)} note(s) manquante(s)",
            style="bold",
        )
    pass_text = {True: "suivi", False: "NON suivi", None: "non renseigné"}[verdict.pass_followed]
    text.append(f" · Pass : {pass_text}")
    for evaluation in verdict.eliminatory:
        spec = ref.evaluation(evaluation)
        text.append(
            f"\n⚠ Note éliminatoire : {spec.title} {format_mark(verdict.marks[evaluation])}/20",
            style="bold red",
        )
    text.append("\nVerdict ")
    if changed:
        text.append("(si ces notes sont enregistrées) ", style="italic")
    text.append_text(status_cell(verdict.status))
    if verdict.status is not Status.VALIDATED:
        text.append(" — " + " ".join(verdict.explanation.facts[-2:]), style="dim")
    return text
