"""One observation grid as filled, to archive or to sign on paper: every criterion's state and
comment, the situation, evaluators, durations, counts, verdicts, closing, signatures and
amendments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from models.dossier import GridState
from models.events import PERSON_ROLES
from models.finality import settle_block
from models.grid import phases
from models.referential import ObservationFormat, ThresholdReferential
from models.signatures import signature_checks
from models.threshold import CriterionState, evaluate_block
from models.timing import minutes_text, parse_ts
from store.documents.rendered import Rendered
from store.documents.script import Page, Script, render_pdf
from store.documents.wording import STATES, People, verification, when
from store.errors import StoreError

if TYPE_CHECKING:
    from store.store import Snapshot


def grid_pdf(snap: Snapshot, grid_id: str, people: People, now: datetime) -> Rendered:
    return render_pdf(grid_script(snap, grid_id, people, now))


def grid_script(snap: Snapshot, grid_id: str, people: People, now: datetime) -> Script:
    ref = snap.referential
    cand = snap.state.candidate
    grid = snap.state.grids.get(grid_id)
    if not isinstance(ref, ThresholdReferential) or cand is None or grid is None:
        raise StoreError(f"aucune grille {grid_id} dans ce dossier")
    block = ref.block(grid.block)
    title = f"Grille d'évaluation — bloc {block.number} — {cand.name}"
    doc = Script(title, created=now)
    doc.title(title)
    doc.paragraph(f"{block.title}")
    doc.paragraph(f"Candidat : {cand.name} — {cand.organisme}")
    doc.paragraph(f"CQP Gestionnaire conseil, référentiel version {cand.referential_version}")
    checks = signature_checks(snap.events, people.keys)
    write_grid(doc, ref, grid, people, now, heading=False, checks=checks)
    doc.heading("Établissement du document")
    doc.paragraph(f"Édité le {now.astimezone().strftime('%d/%m/%Y à %H:%M')}.")
    return doc


def situation_label(ref: ThresholdReferential, grid: GridState) -> str:
    fmt = ref.block(grid.block).evaluation.format
    if isinstance(fmt, ObservationFormat):
        found = next((s for s in fmt.situations if s.id == grid.situation), None)
        return found.label if found else (grid.situation or "—")
    return ""


def write_grid(
    doc: Page,
    ref: ThresholdReferential,
    grid: GridState,
    people: People,
    now: datetime,
    *,
    heading: bool = True,
    checks: Mapping[tuple[str, str], str | None] | None = None,
) -> None:
    block = ref.block(grid.block)
    opened = f"Grille du bloc {block.number} ouverte le {when(grid.opened_ts)} — {grid.phase_label}"
    if heading:
        doc.paragraph(opened, bold=True)
    else:
        doc.heading(opened)
    situation = situation_label(ref, grid)
    if situation:
        doc.paragraph(f"Situation observée : {situation}", indent=4)
    doc.paragraph(
        f"Représentant métier : {people.name(grid.evaluator)} ; certificateur ou délégataire : "
        f"{people.name(grid.certifier)}",
        indent=4,
    )
    end = parse_ts(grid.closed_ts) if grid.closed_ts else now.astimezone(UTC)
    durations = [
        f"{phase.label} {minutes_text(grid.timers[phase.id].elapsed(end))} (prévu {phase.minutes} min)"
        for phase in phases(block, grid.situation)
        if phase.id in grid.timers
    ]
    doc.paragraph("Durées : " + (" ; ".join(durations) or "chronomètre non lancé"), indent=4)
    fmt = block.evaluation.format
    processed = sum(1 for letter in grid.letters.values() if letter.processed)
    if isinstance(fmt, ObservationFormat):
        # Against the minimums, as the grid's screen says them: « 2/2 » for two letters of
        # two recorded read as done when five are required.
        needed = next((s.min_interviews for s in fmt.situations if s.id == grid.situation), 0)
        counts = [
            f"entretiens {grid.interviews}/{needed}",
            f"courriers traités {processed}/{fmt.letters}",
        ]
    else:
        counts = [f"entretiens {grid.interviews}"]
        if grid.letters:
            counts.append(f"courriers traités {processed}/{len(grid.letters)}")
    if grid.coverage:
        counts.append(f"compétences abordées {sum(grid.coverage.values())}")
    if grid.no_document:
        counts.append("aucun document remis")
    if grid.questions:
        counts.append(f"questions {len(grid.questions)}")
    doc.paragraph("Comptes : " + ", ".join(counts), indent=4)
    for index, letter in sorted(grid.letters.items()):
        done = "traité" if letter.processed else "non traité"
        doc.paragraph(f"Courrier {index} ({done}) : {letter.reason}", indent=8)
    for index, question in sorted(grid.questions.items()):
        doc.paragraph(f"Question {index} : {question.question}", indent=8)
        doc.paragraph(f"Réponse : {question.answer or '—'}", indent=12)
    verdict = evaluate_block(block, grid.states, ref.rules)
    if grid.signed:
        # Signed, nothing more can be evaluated: what is still open has failed, as in the
        # dossier's verdict; « en cours » and « 5 requis » would promise what cannot come.
        verdict = settle_block(verdict)
    rows: list[list[str]] = []
    strong: set[int] = set()
    for number, (comp, cv) in enumerate(
        zip(block.competencies, verdict.competencies, strict=True), 1
    ):
        strong.add(len(rows))
        rows.append(
            [f"{block.number}.{number} {comp.title}", "", f"{cv.status.label} "
             f"({cv.count.validated}/{cv.count.total}, {cv.count.required} requis)"]
        )  # fmt: skip
        for crit in comp.criteria:
            state = grid.states.get(crit.id, CriterionState.NOT_EVALUATED)
            comment = grid.comments.get(crit.id, "")
            rows.append([f"– {crit.text}", STATES[state], comment])
    doc.table(
        ["Compétence et critères", "État", "Commentaire ou verdict"],
        rows,
        [0.52, 0.13, 0.35],
        strong=frozenset(strong),
    )
    doc.paragraph(
        f"Bloc {block.number} selon cette grille : {verdict.status.label} — "
        f"{verdict.count.validated}/{verdict.count.total} compétences validées, "
        f"{verdict.count.required} requises.",
        bold=True,
        indent=4,
    )
    if grid.closed is not None:
        doc.paragraph(f"Close le {when(grid.closed_ts)}", indent=4)
        if grid.closed.shortfalls:
            doc.paragraph(
                f"Minimums non atteints : {' ; '.join(grid.closed.shortfalls)} — motif : "
                f"{grid.closed.reason or '—'}",
                indent=4,
            )
    for role, signature in sorted(grid.signatures.items()):
        doc.paragraph(
            f"Signée par {people.name(signature.person)} ({PERSON_ROLES.get(role, role)}) le "
            f"{when(signature.ts)} — {verification(signature, checks)}",
            indent=4,
        )
    if not grid.signed:
        missing = [PERSON_ROLES[r] for r in ("representant_metier", "certificateur")
                   if r not in grid.signatures]  # fmt: skip
        doc.paragraph(f"Signature(s) à venir : {', '.join(missing)}", indent=4)
    criteria = {c.id: c.text for comp in block.competencies for c in comp.criteria}
    for amendment in grid.amendments:
        doc.paragraph(
            f"Avenant du {when(amendment.ts)} par {people.name(amendment.author)} : critère "
            f"« {criteria.get(amendment.criterion, amendment.criterion)} » de "
            f"{STATES[amendment.before]} à {STATES[amendment.state]} — motif : {amendment.reason} "
            f"({verification(amendment, checks)})",
            indent=4,
        )
    doc.space()
