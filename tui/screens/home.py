"""The candidates: name, CQP, organisme and overall status, filtered as you type."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from models.status import Status
from tui.keys import HELP
from tui.labels import cqp_label, sort_key, status_cell
from tui.text import Static
from tui.widgets.filter_input import FilterInput
from tui.widgets.footer import KeyFooter
from tui.widgets.line_list import Line, LineList


class HomeScreen(Screen[None]):
    BINDINGS = [
        HELP,
        Binding("enter", "open_dossier", "Ouvrir le dossier", id="open-dossier"),
        Binding("n", "new_candidate", "Nouveau", id="new-candidate", tooltip="Nouveau candidat"),
        Binding("p", "people", "Personnes", id="people"),
        Binding("s", "sync", "Échanges", id="sync"),
        # Short labels: at 80 columns the footer must still show « ? Aide »; the help screen
        # gives the tooltip, the long form.
        Binding("f", "cycle_status", "Statut", id="status-filter", tooltip="Filtre par statut"),
        Binding("c", "cycle_cqp", "CQP", id="cqp-filter", tooltip="Filtre par CQP"),
        Binding("slash", "focus_filter", "Filtrer", id="filter"),
        Binding("escape", "clear_filter", "Effacer le filtre", id="clear-filter", show=False),
        Binding("ctrl+r", "restore", "Restaurer les sauvegardes", id="restore"),
    ]

    class StoreReady(Message):
        """The writer has opened the store: the list can be loaded."""

    def __init__(self, roster: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self._roster = roster or []
        self._records: list[dict[str, Any]] = []
        self._unreadable: list[str] = []
        self.loaded = asyncio.Event()  # set once the list shows the store's candidates
        self.listed = asyncio.Event()  # set once a list is on screen (roster or store)
        self.roster_done = asyncio.Event()  # the last known list is shown, or there is none
        # Exact filters beside the free text (« validé » as text would also find « non validé »).
        self.status_filter = 0
        self.cqp_filter = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterInput(
            placeholder="Filtrer par nom, organisme, CQP, tuteur ou statut…", id="filter"
        )
        yield Static(_columns(), id="columns")
        yield LineList(WIDTHS, id="candidates", fit=widths_for)
        # The highlighted candidate in full: the list's columns cut long names and organismes.
        yield Static("", id="current-candidate")
        yield Static("Ouverture des données…", id="saved")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#candidates", LineList).focus()
        self._show_roster()

    def _show_roster(self) -> None:
        # Then the store may open: its imports would otherwise compete with this first paint.
        self.call_after_refresh(self.roster_done.set)
        if not self._roster or self.loaded.is_set():
            return  # nothing known yet, or the store was quicker (its list is the truth)
        self._records = sorted(self._roster, key=lambda r: (sort_key(r["name"]), r["id"]))
        self._fill("")
        count = len(self._records)
        plural = "s" if count > 1 else ""
        self.query_one("#saved", Static).update(
            f"{count} candidat{plural} (liste du dernier lancement) — ouverture des données…"
        )
        self.call_after_refresh(self.listed.set)

    def on_home_screen_store_ready(self, _: StoreReady) -> None:
        self.run_worker(self.reload(), group="reload", exclusive=True)
        self.run_worker(self._resume(), group="resume")

    async def _resume(self) -> None:
        """Back to the grid that was on screen when the app stopped, timers included."""
        from tui.screens.login import LoginScreen

        found = await self.app.store_call(lambda store: store.open_grid_to_resume())  # type: ignore[attr-defined]
        # Who is at the keyboard first: a grid pushed over the question would hide it, and it
        # would swallow the keys typed once the grid is left.
        while any(isinstance(s, LoginScreen) for s in self.app.screen_stack):
            await asyncio.sleep(0.05)
        if found is None or not self.is_current:
            return
        from tui.screens.dossier import DossierScreen
        from tui.screens.grid import GridScreen

        candidate, grid = found
        await self.app.push_screen(DossierScreen(candidate))
        await self.app.push_screen(GridScreen(candidate, grid))
        self.notify("Reprise de la grille en cours.")

    async def reload(self) -> None:
        listing = await self.app.store_call(lambda store: store.rows())  # type: ignore[attr-defined]
        self._records = sorted(listing.records, key=lambda r: (sort_key(r["name"]), r["id"]))
        self._unreadable = [str(error) for _, error in listing.unreadable]
        self._fill(self.query_one("#filter", Input).value)
        if self._unreadable:
            self.notify(
                self._unreadable[0], title="Dossier illisible", severity="error", timeout=30
            )
        self.query_one("#saved", Static).update(self._count_line())
        if self.status_filter or self.cqp_filter or self.query_one("#filter", Input).value:
            self._refilter()
        self.refresh_bindings()
        if not self.loaded.is_set():
            # What start-up loaded stays for the session: keep the collector from re-scanning it,
            # which would otherwise pause the UI for tens of milliseconds now and then.
            gc.freeze()
        self.loaded.set()
        self.listed.set()

    async def action_restore(self) -> None:
        report = await self.app.store_call(lambda store: store.restore_backups())  # type: ignore[attr-defined]
        self.notify("\n".join(report.lines()), title="Restauration", timeout=30)
        await self.reload()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        """Enter in the filter: to the list, or straight to the dossier if only one matches."""
        candidates = self.query_one("#candidates", LineList)
        candidates.focus()
        if len(candidates.lines) == 1:
            self._open(candidates.lines[0].key)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.loaded.is_set():
            self._refilter()  # the count below says how many of all the text leaves
        else:
            self._fill(event.value)

    def action_cycle_status(self) -> None:
        self.status_filter = (self.status_filter + 1) % len(STATUS_FILTERS)
        self._refilter()

    def action_cycle_cqp(self) -> None:
        self.cqp_filter = (self.cqp_filter + 1) % len(CQP_FILTERS)
        self._refilter()

    def _refilter(self) -> None:
        self._fill(self.query_one("#filter", Input).value)
        shown = len(self.query_one("#candidates", LineList).lines)
        filters = [
            label
            for label, index in (
                (STATUS_FILTERS[self.status_filter][0], self.status_filter),
                (CQP_FILTERS[self.cqp_filter][0], self.cqp_filter),
            )
            if index
        ]
        if not filters and not self.query_one("#filter", Input).value.strip():
            self.query_one("#saved", Static).update(self._count_line())
            return
        line = f"{shown} candidat(s) sur {len(self._records)}"
        if filters:
            line += " — " + ", ".join(filters) + " (« f » statut, « c » CQP)"
        self.query_one("#saved", Static).update(line + self._count_line(warnings_only=True))

    def _count_line(self, *, warnings_only: bool = False) -> str:
        count = len(self._records)
        line = "" if warnings_only else f"{count} candidat{'s' if count > 1 else ''}"
        if self._unreadable:
            line += (
                f" — ⚠ {len(self._unreadable)} dossier(s) illisible(s) : "
                "ctrl+r restaure leur sauvegarde"
            )
        return line

    def _fill(self, text: str) -> None:
        needle = sort_key(text.strip())
        lines = []
        cells_of_status = {status: status_cell(status) for status in Status}
        wanted_status = STATUS_FILTERS[self.status_filter][1]
        wanted_cqp = CQP_FILTERS[self.cqp_filter][1]
        for r in self._records:
            if wanted_cqp and r["cqp"] != wanted_cqp:
                continue
            if wanted_status == "conflict":
                if not r.get("conflicts"):
                    continue
            elif wanted_status and r["status"] != wanted_status:
                continue
            status = Status(r["status"])
            cqp = cqp_label(r["cqp"])
            flags = "conflit" if r.get("conflicts") else ""
            if r.get("active") is False:
                flags += " désactivé"
            tutor_name = r.get("tutor_name") or ""
            if needle and needle not in sort_key(
                f"{r['name']} {r['organisme']} {cqp} {tutor_name} {status.label} {flags}"
            ):
                continue
            short = cqp.removeprefix("Gestionnaire ").capitalize()
            tutor = r.get("tutor_name") or "—"
            # A deactivated candidate stays listed, said so beside the name (and found by it).
            name = r["name"] if r.get("active", True) else f"{r['name']} (désactivé)"
            cells = (cells_of_status[status], name, short, r["organisme"], tutor, _detail(r))
            lines.append(Line(r["id"], cells))
        self.query_one("#candidates", LineList).set_lines(lines)

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        record = next((r for r in self._records if r["id"] == event.key), None)
        shown = ""
        if record is not None:
            parts = [record["name"], record["organisme"]]
            if record.get("tutor_name"):
                parts.append(f"tuteur : {record['tutor_name']}")
            shown = " — ".join(parts)
        self.query_one("#current-candidate", Static).update(shown)

    def on_line_list_widths_changed(self, event: LineList.WidthsChanged) -> None:
        self.query_one("#columns", Static).update(_columns(event.widths))

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        self._open(event.key)

    def action_open_dossier(self) -> None:
        key = self.query_one("#candidates", LineList).current_key
        if key is not None:
            self._open(key)

    def _open(self, candidate: str) -> None:
        from tui.screens.dossier import DossierScreen

        self.app.push_screen(DossierScreen(candidate))

    async def on_screen_resume(self) -> None:
        if self.loaded.is_set():
            await self.reload()

    async def action_new_candidate(self) -> None:
        from tui.modals.candidate_form import CandidateForm

        people, organismes = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: (store.people(), store.organisme_choices())
        )

        async def done(candidate: str | None) -> None:
            if candidate:
                await self.reload()
                self.notify("Candidat créé.")
                self._open(candidate)

        self.app.push_screen(CandidateForm(people, organismes), done)

    def action_sync(self) -> None:
        from tui.screens.sync import SyncScreen

        self.app.push_screen(SyncScreen())

    def action_people(self) -> None:
        from tui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            return bool(self._unreadable)
        if action in {"open_dossier", "new_candidate", "people", "sync"}:
            return self.loaded.is_set()
        return True

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one("#candidates", LineList).focus()


WIDTHS = (12, 17, 8, 16, 14, None)
PROGRESS = 24  # « B1 0/6  B2 0/5  B3 0/5 », « ⚠ 2 conflits · VAE 3/15 »


def widths_for(width: int) -> tuple[int, ...]:
    """The columns for a terminal ``width``: the progress column is always whole; the name
    gets the most of what is left, then the organisme; the tutor only when there is room
    (a 0-width column is not drawn)."""
    free = width - 2 * 4 - 12 - 8 - PROGRESS  # status, name, CQP, progress and their gaps
    if free >= 60:  # room for the organisme and the tutor
        free -= 4
        name = free * 2 // 5
        organisme = (free - name) // 2
        return (12, name, 8, organisme, free - name - organisme, PROGRESS)
    if free >= 34:
        free -= 2
        name = free * 3 // 5
        return (12, name, 8, free - name, 0, PROGRESS)
    return (12, max(8, free), 8, 0, 0, PROGRESS)


STATUS_FILTERS = (
    ("tous statuts", None),
    ("validés", "validated"),
    ("non validés", "failed"),
    ("en cours", "pending"),
    ("conflits à trancher", "conflict"),
)
CQP_FILTERS = (
    ("tous CQP", None),
    ("Gestionnaire conseil", "gestionnaire-conseil"),
    ("Gestionnaire carrière", "gestionnaire-carriere"),
)


def _columns(widths: tuple[int | None, ...] = WIDTHS) -> Text:
    titles = ("Statut", "Candidat", "CQP", "Organisme", "Tuteur", "Avancement")
    text = Text(style="bold", no_wrap=True, overflow="ellipsis")
    for title, width in zip(titles, widths, strict=True):
        if width != 0:
            text.append(f" {title.ljust(width or 0)} ")
    return text


def _detail(record: dict[str, Any]) -> str:
    conflicts = len(record.get("conflicts") or ())
    flag = f"⚠ {conflicts} conflit{'s' if conflicts > 1 else ''} · " if conflicts else ""
    if record["blocks"]:
        return flag + "  ".join(
            f"B{i + 1} {b['validated']}/{b['total']}" for i, b in enumerate(record["blocks"])
        )
    vae = record.get("vae")
    if vae:
        done = len(vae["acquired"]) + len(vae["validated"])
        total = done + len(vae["not_validated"]) + len(vae["undecided"])
        return f"{flag}VAE {done}/{total}"
    average = record.get("average")
    return flag + (f"moyenne {average.replace('.', ',')}" if average else "notes incomplètes")
