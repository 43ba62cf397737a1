"""An observation grid during the evaluation: one key per criterion state, the format's timers
and counters, and a side panel that recomputes each competency and the block on every mark.

Every change shows at once and is written through the store's one writer; the indicator says
« enregistré » only once the writer has returned, and after the last pending write the screen
re-reads the store so that what it shows is what was saved.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header

from models.dossier import GridState
from models.errors import CarnetError
from models.grid import Phase, phases, shortfalls
from models.referential import (
    Block,
    LongObservationFormat,
    ObservationFormat,
    PresentationFormat,
    ThresholdReferential,
)
from models.threshold import CriterionState, evaluate_block
from models.timing import Timer, clock
from store.store import Store
from tui.keys import HELP
from tui.labels import status_cell
from tui.modals.amend import AmendCriterion
from tui.modals.change_history import ChangeHistoryModal
from tui.modals.confirm import Confirm
from tui.modals.explanation import ExplanationModal
from tui.modals.letters import LettersForm
from tui.modals.question import QuestionForm
from tui.modals.sign_grid import SignGrid
from tui.modals.text_prompt import TextPrompt
from tui.operator import STATION, author_of
from tui.screens.candidate import CandidateScreen
from tui.timefmt import when
from tui.widgets.footer import KeyFooter
from tui.widgets.line_list import Line, LineList
from tui.widgets.live_lines import LiveLines
from tui.widgets.live_text import LiveText

STATE_CELLS = {
    CriterionState.VALIDATED: Text("✔ validé", style="bold green"),
    CriterionState.NOT_VALIDATED: Text("✘ non validé", style="bold red"),
    CriterionState.NOT_EVALUATED: Text("· non évalué", style="dim"),
}
HEADER = "h:"  # row keys of the competency headings


class GridScreen(CandidateScreen):
    BINDINGS = [
        HELP,
        Binding("v", "mark('validated')", "Validé", id="mark-validated"),
        Binding("n", "mark('not_validated')", "Non validé", id="mark-not-validated"),
        Binding("e", "mark('not_evaluated')", "Non évalué", id="mark-not-evaluated"),
        # The footer cuts what follows « Retour » at 80 columns: marking, block 3's question,
        # closing and leaving come first (the help lists every key, whole).
        Binding("q", "question", "Question", id="question"),
        Binding("Q", "questions", "Questions posées", id="questions", show=False),
        Binding("s", "close_sign", "Clore", id="close-sign", tooltip="Clore et signer"),
        Binding("escape", "back", "Retour", id="back"),
        Binding("a", "all_validated", "Tout valider", id="all-validated"),
        Binding("u", "undo", "Annuler", id="undo"),
        Binding("c", "comment", "Commentaire", id="comment"),
        Binding("t", "timer", "Chrono", id="timer"),
        Binding("T", "next_phase", "Phase suivante", id="next-phase"),
        Binding("plus", "interviews(1)", "Entretien +1", id="interview-add"),
        Binding("minus", "interviews(-1)", "Entretien −1", id="interview-remove"),
        Binding("L", "letters", "Courriers", id="letters"),
        Binding("o", "coverage", "Abordée", id="coverage"),
        Binding("d", "no_document", "Aucun document remis", id="no-document"),
        Binding("r", "amend", "Avenant", id="amend"),
        Binding("i", "explain", "Explication", id="explain"),
        Binding(
            "f", "next_todo", "Prochain critère à faire (non évalué)", id="next-todo", show=False
        ),
        Binding("slash", "search", "Chercher un critère", id="search", show=False),
        *(
            Binding(str(n), f"jump({n})", f"Aller à la compétence {n}", id=f"jump-{n}", show=False)
            for n in range(1, 10)
        ),
        Binding("p", "pdf", "Grille PDF", id="grid-pdf"),
    ]
    # Where the cursor was in each grid, for the session: a grid reopens there.
    cursors: dict[str, str] = {}

    def __init__(self, candidate: str, grid: str) -> None:
        super().__init__(candidate)
        self.grid_id = grid
        self.grid: GridState | None = None
        self.block: Block | None = None
        self.ref: ThresholdReferential | None = None
        self.phases: tuple[Phase, ...] = ()
        self.phase_index = 0
        self._pending = 0
        self._failed = False
        self._warned: set[str] = set()
        self._key_started: float | None = None
        self.loaded = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="gridbar"):
            yield LiveText(id="timer")
            yield LiveText(id="saved")
        yield LiveText(id="counters")
        with Horizontal(id="gridbody"):
            yield LineList((12, None), id="criteria", elide_middle=1)
            yield LiveLines(id="panel")
        yield LiveText(id="current")
        yield KeyFooter(palette_from=100)

    async def on_mount(self) -> None:
        await self._load()
        self._fill()
        # The block's own keys (block 3's « q », block 1's letters) are known only now: the
        # footer, drawn before, showed every block's.
        self.refresh_bindings()
        criteria = self.query_one(LineList)
        criteria.focus()
        criteria.move_to(self._start_line())
        self.set_interval(1.0, self._tick)
        # Reopening the app after a crash (or a quit) comes back here until « échap ».
        self.app.writer.submit(lambda s: s.remember_open_grid(self.candidate, self.grid_id))  # type: ignore[attr-defined]
        self.loaded.set()

    async def _load(self) -> None:
        snap = await self.load_view()
        ref = snap.referential
        assert isinstance(ref, ThresholdReferential)
        self.ref = ref
        self.grid = snap.state.grids[self.grid_id]
        self.block = ref.block(self.grid.block)
        self.phases = phases(self.block, self.grid.situation)
        now = datetime.now(UTC)
        running = [i for i, p in enumerate(self.phases) if self._timer(p).running]
        if running:
            self.phase_index = running[0]
        for phase in self.phases:
            # A phase already over when the grid is reopened has had its warning.
            if self._timer(phase).remaining(phase.minutes, now) <= 0:
                self._warned.add(phase.id)
        cand = snap.state.candidate
        assert cand is not None
        self.sub_title = f"{cand.name} — bloc {self.block.number}"

    def _timer(self, phase: Phase) -> Timer:
        assert self.grid is not None
        return self.grid.timers.get(phase.id, Timer())

    # --- display -------------------------------------------------------------------------

    def _fill(self) -> None:
        assert self.block is not None and self.grid is not None
        lines = []
        for number, comp in enumerate(self.block.competencies, 1):
            covered = " · abordée" if self.grid.coverage.get(comp.id) else ""
            title = Text(f"{self.block.number}.{number} {comp.title}{covered}", style="bold")
            heading = (Text("compétence", style="dim italic"), title)
            lines.append(Line(HEADER + comp.id, heading, heading=True))
            for crit in comp.criteria:
                lines.append(Line(crit.id, self._criterion_cells(crit.id, crit.text)))
        self.query_one(LineList).set_lines(lines)
        self._refresh_status()

    def _criterion_cells(self, criterion: str, text: str) -> tuple[Text, Text]:
        assert self.grid is not None
        state = self.grid.states.get(criterion, CriterionState.NOT_EVALUATED)
        label = Text(text)
        if self.grid.comments.get(criterion):
            label.append(" 💬", style="cyan")
        return STATE_CELLS[state], label

    def _refresh_status(self) -> None:
        assert self.block is not None and self.grid is not None and self.ref is not None
        verdict = evaluate_block(self.block, self.grid.states, self.ref.rules)
        lines = Text()
        lines.append(f"Bloc {self.block.number} ", style="bold")
        lines.append_text(status_cell(verdict.status))
        count = verdict.count
        lines.append(f"\n{count.validated}/{count.total} comp. (il en faut {count.required})")
        if verdict.status.value == "pending" and self.grid.closed is None:
            lines.append(f"\nencore {count.still_needed} à acquérir")
        lines.append("\n")
        for number, cv in enumerate(verdict.competencies, 1):
            c = cv.count
            lines.append("\n")
            lines.append_text(Text(cv.status.mark, style=_STYLE[cv.status.value]))
            # A closed grid has nothing « encore » to come: what is not reached is not.
            still = cv.status.value == "pending" and self.grid.closed is None
            tail = f" encore {c.still_needed}" if still else ""
            lines.append(
                f" {self.block.number}.{number}  {c.validated}/{c.total} (≥{c.required}){tail}"
            )
        lines.append(f"\n\nGrille {self.grid.phase_label}")
        if self.grid.closed is not None and self.grid.closed.reason:
            lines.append(f"\nClose malgré les minimums : {self.grid.closed.reason}")
        for amendment in self.grid.amendments[-3:]:
            lines.append(f"\nAvenant {when(amendment.ts)} : {amendment.reason}")
        self.query_one("#panel", LiveLines).update(lines)
        self._probe_repaint()
        self._refresh_counters()
        self._show_current()
        self._tick()

    def on_resize(self) -> None:
        self._show_current()

    def on_line_list_highlighted(self, _: LineList.Highlighted) -> None:
        self._show_current()
        self.on_line_list_highlighted_remember()

    def _show_current(self) -> None:
        """The highlighted criterion in full, with its comment: the list cuts long texts."""
        if self.grid is None:
            return
        criterion = self._current_criterion()
        if criterion is None:
            self.query_one("#current", LiveText).update("")
            return
        text = Text(self._criterion_text(criterion))
        comment = self._comment_of(criterion)
        if comment:
            text.append(f"\n💬 {comment}", style="cyan")
        pane = self.query_one("#current", LiveText)
        pane.update(text)
        self._fit_current(pane, text)

    def _fit_current(self, pane: LiveText, text: Text) -> None:
        """Grows the detail pane to hold the whole criterion and its comment (up to half the
        screen); it relayouts only when the height changes, not on every key."""
        width = max(10, self.size.width - 2)
        lines = len(text.wrap(self.app.console, width))
        height = min(max(2, lines), max(4, self.size.height // 2)) + 1  # + its top border
        if pane.styles.height is None or pane.styles.height.value != height:
            pane.styles.height = height

    def _refresh_counters(self) -> None:
        assert self.block is not None and self.grid is not None
        fmt = self.block.evaluation.format
        grid = self.grid
        if isinstance(fmt, ObservationFormat):
            needed = next((s.min_interviews for s in fmt.situations if s.id == grid.situation), 0)
            processed = sum(1 for letter in grid.letters.values() if letter.processed)
            text = f"Entretiens {grid.interviews}/{needed}  ·  Courriers traités {processed}/{fmt.letters}"
        elif isinstance(fmt, PresentationFormat):
            covered = sum(1 for c in grid.coverage.values() if c)
            document = "✔" if grid.no_document else "à confirmer"
            text = (
                f"Compétences abordées {covered}/{fmt.min_covered_competencies}  ·  "
                f"Aucun document remis : {document}"
            )
        else:
            text = f"Questionnaire : {len(grid.questions)} question(s)"
            if grid.questions:
                text += "  ·  Q : les relire"
        self.query_one("#counters", LiveText).update(text)

    def _tick(self) -> None:
        if self.grid is None or not self.phases:
            return
        now = datetime.now(UTC)
        phase = self.phases[self.phase_index]
        timer = self._timer(phase)
        remaining = timer.remaining(phase.minutes, now)
        state = "▶" if timer.running else "⏸"
        style = "bold red" if remaining <= 0 else ("bold" if timer.running else "")
        if remaining < 0:  # over time: the time spent, and by how much, never a negative clock
            spent = phase.minutes * 60 - remaining
            shown = f"{clock(spent)} / {phase.minutes} min (dépassé de {clock(-remaining)})"
        else:
            shown = f"{clock(remaining)} / {phase.minutes} min"
        text = Text(f"{state} {phase.label} {shown}", style=style)
        if len(self.phases) > 1:
            text.append(f"  ({self.phase_index + 1}/{len(self.phases)})", style="dim")
        self.query_one("#timer", LiveText).update(text)
        if timer.running and remaining <= 0 and phase.id not in self._warned:
            self._warned.add(phase.id)
            self.app.bell()
            self.notify(
                f"Temps écoulé : {phase.label} ({phase.minutes} min).",
                severity="warning",
                timeout=15,
            )

    def _set_saved(self, text: str, style: str = "") -> None:
        self.query_one("#saved", LiveText).update(Text(text, style=style))

    # --- saving ----------------------------------------------------------------------------

    def _save(self, work: Callable[[Store], object]) -> Future[object]:
        """Submits now, so writes keep the order of the keys; awaits off the handler."""
        future: Future[object] = self.app.writer.submit(work)  # type: ignore[attr-defined]
        self._pending += 1
        self._set_saved("enregistrement…", "yellow")
        self.run_worker(self._settle(future), group="writes")
        return future

    def action_undo(self) -> None:
        """Puts back what the last change replaced (after the writes still pending, in
        order): new events, shown in the history, never an erasure."""
        if self.grid is None or not self._editable():
            return
        author = author_of(self.app)
        future = self._save(lambda s: s.undo_grid_change(self.candidate, self.grid_id, author))

        async def said() -> None:
            try:
                count = await asyncio.wrap_future(future)
            except CarnetError:
                return  # _settle says it
            if count:
                self.notify(f"Annulé : {count} critère(s) remis dans leur état précédent.")
            else:
                self.notify("Rien à annuler dans cette grille.")

        self.run_worker(said(), group="undo")

    async def _settle(self, future: Future[object]) -> None:
        try:
            await asyncio.wrap_future(future)
        except CarnetError as exc:
            self._failed = True
            self.notify(str(exc), title="Non enregistré", severity="error", timeout=20)
        finally:
            self._pending -= 1
        if self._pending == 0:
            failed, self._failed = self._failed, False
            shown = self.grid
            # Only the grid is re-read: the whole dossier is not needed to check what was saved.
            self.grid = await self.app.store_call(  # type: ignore[attr-defined]
                lambda s: s.grid_view(self.candidate, self.grid_id)
            )
            if failed or not _same_marks(shown, self.grid):
                self._fill()  # the store differs from what was shown: show the store
            else:
                self._refresh_counters()
            if failed:
                self._set_saved("⚠ non enregistré", "bold red")
            else:
                self._set_saved(f"enregistré ✓ {time.strftime('%H:%M:%S')}", "green")

    # --- keys ------------------------------------------------------------------------------

    def _start_line(self) -> int:
        """Where the cursor was, else the first criterion not yet evaluated: reopening a grid
        must not put the next « v » on a criterion already marked."""
        criteria = self.query_one(LineList)
        remembered = self.cursors.get(self.grid_id)
        if remembered is not None and remembered in criteria._index:
            return criteria._index[remembered]
        todo = self._next_todo(-1)
        return todo if todo is not None else 0

    def _next_todo(self, after: int) -> int | None:
        assert self.grid is not None
        lines = self.query_one(LineList).lines
        count = len(lines)
        for step in range(1, count + 1):
            index = (after + step) % count
            line = lines[index]
            if not line.heading and (
                self.grid.states.get(line.key, CriterionState.NOT_EVALUATED)
                is CriterionState.NOT_EVALUATED
            ):
                return index
        return None

    def on_line_list_highlighted_remember(self) -> None:
        key = self._current_criterion()
        if key is not None:
            self.cursors[self.grid_id] = key

    def action_next_todo(self) -> None:
        criteria = self.query_one(LineList)
        found = self._next_todo(criteria.cursor)
        if found is None:
            self.notify("Tous les critères sont évalués.")
        else:
            criteria.move_to(found)

    def action_jump(self, number: int) -> None:
        """A digit goes to the first criterion of that competency of the block."""
        assert self.block is not None
        if number > len(self.block.competencies):
            self.notify(
                f"Le bloc {self.block.number} a {len(self.block.competencies)} compétences."
            )
            return
        criteria = self.query_one(LineList)
        heading = criteria._index[HEADER + self.block.competencies[number - 1].id]
        criteria.move_to(heading + 1)

    def action_search(self) -> None:
        prompt = TextPrompt(
            "Chercher un critère", "Texte (sans tenir compte des accents)", required=False
        )

        def done(text: str | None) -> None:
            if text:
                self.find(text)

        self.app.push_screen(prompt, done)

    def find(self, text: str) -> bool:
        """The next criterion whose text holds ``text`` (accents and case ignored)."""
        from models.status import sort_key

        needle = sort_key(text)
        criteria = self.query_one(LineList)
        count = len(criteria.lines)
        for step in range(1, count + 1):
            index = (criteria.cursor + step) % count
            line = criteria.lines[index]
            if not line.heading and needle in sort_key(self._criterion_text(line.key)):
                criteria.move_to(index)
                return True
        self.notify(f"Aucun critère ne contient « {text} ».", severity="warning")
        return False

    async def action_pdf(self) -> None:
        """This grid as filled, in PDF, to archive or sign on paper (exchange folder)."""
        from tui.document_actions import grid_document

        if self.grid_id:
            await grid_document(self, self.candidate, self.grid_id)

    def action_back(self) -> None:
        self.app.writer.submit(lambda s: s.remember_open_grid(None, None))  # type: ignore[attr-defined]
        self.app.pop_screen()

    def on_key(self, event: events.Key) -> None:
        if getattr(self.app, "latency_probe", None) is not None:
            self._key_started = time.perf_counter()

    def _probe_repaint(self) -> None:
        """For bench/: from the key to the first refresh after the status was recomputed."""
        probe = getattr(self.app, "latency_probe", None)
        started, self._key_started = self._key_started, None
        if probe is not None and started is not None:
            self.call_after_refresh(lambda: probe.append((time.perf_counter() - started) * 1000))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.grid is None or self.block is None:
            return True
        fmt = self.block.evaluation.format
        # False hides a key another block has (None would show it greyed, taking the footer's
        # room at 80 columns from « Clore » and « Retour »).
        if action in {"interviews", "letters"} and not isinstance(fmt, ObservationFormat):
            return False
        if action in {"coverage", "no_document"} and not isinstance(fmt, PresentationFormat):
            return False
        if action in {"question", "questions"} and not isinstance(fmt, LongObservationFormat):
            return False
        if action == "next_phase" and len(self.phases) < 2:
            return False
        if action == "amend":
            return self.grid.signed
        if action == "close_sign":
            return not self.grid.signed
        # Editing keys stay available on a closed or signed grid: pressing one says why not.
        return True

    def _editable(self) -> bool:
        assert self.grid is not None
        if author_of(self.app) == STATION:
            # Each mark names its evaluator: nothing is recorded in the station's name.
            self.notify(
                "Qui est au clavier ? Chaque critère noté porte le nom de la personne qui "
                "l'a noté : identifiez-vous (ctrl+l), puis recommencez.",
                severity="warning",
            )
            self.run_worker(self.app.action_identify(), group="identify")  # type: ignore[attr-defined]
            return False
        if self.grid.signed:
            self.notify(
                "Grille signée : lecture seule. « r » pour un avenant motivé.", severity="warning"
            )
            return False
        if self.grid.closed is not None:
            self.notify("Grille close : il reste à la signer (« s »).", severity="warning")
            return False
        return True

    def _current_criterion(self) -> str | None:
        key = self.query_one(LineList).current_key
        return None if key is None or key.startswith(HEADER) else key

    def _current_competency(self) -> str | None:
        key = self.query_one(LineList).current_key
        if key is None:
            return None
        return ".".join(key.removeprefix(HEADER).split(".")[:3])

    def _comment_of(self, criterion: str) -> str:
        assert self.grid is not None
        return self.grid.comments.get(criterion, "")

    def action_mark(self, state: str) -> None:
        criterion = self._current_criterion()
        if criterion is None or not self._editable():
            return
        assert self.grid is not None
        value = CriterionState(state)
        comment = self._comment_of(criterion)
        self.grid.states[criterion] = value
        criteria = self.query_one(LineList)
        criteria.update_cell(criterion, 0, STATE_CELLS[value])
        self._refresh_status()
        self._save(
            lambda s: s.mark_criteria(
                self.candidate, self.grid_id, [(criterion, value, comment)], author_of(self.app)
            )
        )
        if criteria.cursor < len(criteria.lines) - 1:
            criteria.move_to(criteria.cursor + 1)

    def action_all_validated(self) -> None:
        if not self._editable():
            return
        assert self.grid is not None and self.block is not None
        todo = [
            (k.id, CriterionState.VALIDATED, self._comment_of(k.id))
            for c in self.block.competencies
            for k in c.criteria
            if self.grid.states.get(k.id, CriterionState.NOT_EVALUATED)
            is CriterionState.NOT_EVALUATED
        ]
        if not todo:
            self.notify("Aucun critère non évalué.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._all_validated(todo)

        self.app.push_screen(
            Confirm(
                f"Marquer « validé » les {len(todo)} critère(s) encore non évalués de ce bloc ?"
                "\nVous marquerez ensuite les exceptions (« u » annule)."
            ),
            answered,
        )

    def _all_validated(self, todo: list[tuple[str, CriterionState, str]]) -> None:
        assert self.grid is not None
        for criterion, state, _ in todo:
            self.grid.states[criterion] = state
        self._fill()
        self._save(
            lambda s: s.mark_criteria(self.candidate, self.grid_id, todo, author_of(self.app))
        )
        self.notify(f"{len(todo)} critère(s) validé(s) ; marquez maintenant les exceptions.")

    def action_comment(self) -> None:
        criterion = self._current_criterion()
        if criterion is None or not self._editable():
            return
        assert self.grid is not None
        state = self.grid.states.get(criterion, CriterionState.NOT_EVALUATED)

        def done(text: str | None) -> None:
            if text is None or self.grid is None:
                return
            self.grid.comments[criterion] = text
            self._fill()
            self._save(
                lambda s: s.mark_criteria(
                    self.candidate, self.grid_id, [(criterion, state, text)], author_of(self.app)
                )
            )

        prompt = TextPrompt(
            "Commentaire",
            "Commentaire sur ce critère",
            value=self._comment_of(criterion),
            required=False,
            detail=self._criterion_text(criterion),
        )
        self.app.push_screen(prompt, done)

    def _criterion_text(self, criterion: str) -> str:
        assert self.block is not None
        return next(
            k.text for c in self.block.competencies for k in c.criteria if k.id == criterion
        )

    def action_timer(self) -> None:
        if not self._editable() or not self.phases:
            return
        assert self.grid is not None
        phase = self.phases[self.phase_index]
        timer = self._timer(phase)
        now = datetime.now(UTC)
        kind = "timer.paused" if timer.running else "timer.started"
        if not timer.running:
            self.grid.timers = {p: t.pause(now) for p, t in self.grid.timers.items()}
        self.grid.timers[phase.id] = timer.pause(now) if timer.running else timer.start(now)
        self._tick()
        self._save(
            lambda s: s.grid_event(
                self.candidate, self.grid_id, kind, author_of(self.app), phase=phase.id
            )
        )

    def action_next_phase(self) -> None:
        if not self._editable() or len(self.phases) < 2:
            return
        current = self.phases[self.phase_index]
        if self._timer(current).running:
            self.action_timer()  # pause what ran before moving on
        self.phase_index = (self.phase_index + 1) % len(self.phases)
        self._tick()
        self.notify(f"Phase : {self.phases[self.phase_index].label}. « t » lance le chrono.")

    def action_interviews(self, delta: int) -> None:
        if not self._editable():
            return
        assert self.grid is not None
        count = max(0, self.grid.interviews + delta)
        self.grid.interviews = count
        self._refresh_counters()
        self._save(
            lambda s: s.grid_event(
                self.candidate, self.grid_id, "interviews.counted", author_of(self.app), count=count
            )
        )

    def action_letters(self) -> None:
        if not self._editable():
            return
        assert self.grid is not None and self.block is not None
        fmt = self.block.evaluation.format
        assert isinstance(fmt, ObservationFormat)
        self.app.push_screen(
            LettersForm(self.candidate, self.grid_id, fmt.letters, dict(self.grid.letters)),
            self._after_modal,
        )

    def action_coverage(self) -> None:
        competency = self._current_competency()
        if competency is None or not self._editable():
            return
        assert self.grid is not None
        covered = not self.grid.coverage.get(competency, False)
        self.grid.coverage[competency] = covered
        self._fill()
        self._save(
            lambda s: s.grid_event(
                self.candidate,
                self.grid_id,
                "coverage.marked",
                author_of(self.app),
                competency=competency,
                covered=covered,
            )
        )

    def action_no_document(self) -> None:
        if not self._editable():
            return
        assert self.grid is not None
        confirmed = not self.grid.no_document
        self.grid.no_document = confirmed
        self._refresh_counters()
        self._save(
            lambda s: s.grid_event(
                self.candidate,
                self.grid_id,
                "no_document.noted",
                author_of(self.app),
                confirmed=confirmed,
            )
        )

    def action_question(self) -> None:
        if not self._editable():
            return
        assert self.grid is not None
        index = len(self.grid.questions) + 1
        self.app.push_screen(QuestionForm(self.candidate, self.grid_id, index), self._after_modal)

    def action_questions(self) -> None:
        """The questions asked so far and their answers, whole, read only."""
        assert self.grid is not None
        lines = [
            f"Question {index} : {asked.question}\n  Réponse : {asked.answer or '— (sans réponse)'}"
            for index, asked in sorted(self.grid.questions.items())
        ]
        self.app.push_screen(
            ChangeHistoryModal(
                f"Questions posées — {len(lines)}", lines, empty="Aucune question posée."
            )
        )

    async def _after_modal(self, result: object) -> None:
        if result:
            await self._load()
            self._fill()
            self._set_saved(f"enregistré ✓ {time.strftime('%H:%M:%S')}", "green")

    async def action_close_sign(self) -> None:
        assert self.grid is not None and self.block is not None
        if self.grid.signed:
            return
        if self.grid.closed is not None:
            self._ask_signatures()
            return
        # A mark typed a moment ago is still being written: wait for it, then close on what
        # was saved (refusing would make the evaluator press « s » again).
        for _ in range(600):
            if not self._pending:
                break
            await asyncio.sleep(0.05)
        if self._pending:
            self.notify("L'enregistrement ne répond pas ; réessayez dans un instant.")
            return
        # The phase clock stops while the form is open: what is recorded is what it shows.
        paused = bool(self.phases) and self._timer(self.phases[self.phase_index]).running
        if paused:
            self.action_timer()
            while self._pending:
                await asyncio.sleep(0.05)
        missing = shortfalls(self.block, self.grid, datetime.now(UTC))
        detail = (
            "Minimums non atteints :\n• " + "\n• ".join(missing)
            if missing
            else "Tous les minimums du format sont atteints."
        )
        label = "Motif de clôture (obligatoire)" if missing else "Remarque (facultative)"
        prompt = TextPrompt("Clore la grille", label, required=bool(missing), detail=detail)

        async def done(reason: str | None) -> None:
            if reason is None:
                if paused:
                    self.action_timer()  # not closed after all: the clock goes on
                return
            try:
                await self.app.store_call(  # type: ignore[attr-defined]
                    lambda s: s.close_grid(
                        self.candidate, self.grid_id, reason, author_of(self.app)
                    )
                )
            except CarnetError as exc:
                self.notify(str(exc), title="Grille non close", severity="error", timeout=20)
                return
            await self._load()
            self._fill()
            self.refresh_bindings()
            self._ask_signatures()

        self.app.push_screen(prompt, done)

    def _ask_signatures(self) -> None:
        assert self.grid is not None
        grid = self.grid
        signers = [
            (
                grid.evaluator,
                self.person_name(grid.evaluator),
                "représentant métier",
                "representant_metier" in grid.signatures,
            ),
            (
                grid.certifier,
                self.person_name(grid.certifier),
                "certificateur",
                "certificateur" in grid.signatures,
            ),
        ]

        async def done(ok: bool | None) -> None:
            await self._after_modal(True)
            self.refresh_bindings()
            if ok and self.grid is not None and self.grid.signed:
                self.notify(
                    "Grille signée par les deux évaluateurs : elle est désormais en lecture seule."
                )

        self.app.push_screen(SignGrid(self.candidate, self.grid_id, signers), done)

    def action_amend(self) -> None:
        criterion = self._current_criterion()
        if criterion is None or self.grid is None or not self.grid.signed:
            return
        state = self.grid.states.get(criterion, CriterionState.NOT_EVALUATED)
        modal = AmendCriterion(
            self.candidate,
            self.grid_id,
            criterion,
            self._criterion_text(criterion),
            state,
            self._comment_of(criterion),
        )
        self.app.push_screen(modal, self._after_modal)

    def action_explain(self) -> None:
        competency = self._current_competency()
        if competency is None or self.block is None or self.grid is None or self.ref is None:
            return
        verdict = evaluate_block(self.block, self.grid.states, self.ref.rules)
        texts = {k.id: k.text for c in self.block.competencies for k in c.criteria}
        pairs = zip(self.block.competencies, verdict.competencies, strict=True)
        for number, (comp, cv) in enumerate(pairs, 1):
            if comp.id == competency:
                decided = [texts[i] for i in cv.explanation.decided_by]
                title = f"{self.block.number}.{number} {comp.title}"
                self.app.push_screen(ExplanationModal(title, cv.explanation, decided))
                return


def _same_marks(shown: GridState | None, stored: GridState | None) -> bool:
    if shown is None or stored is None:
        return False
    return (shown.states, shown.comments, shown.coverage) == (
        stored.states,
        stored.comments,
        stored.coverage,
    )


_STYLE = {"validated": "bold green", "failed": "bold red", "pending": "yellow"}
