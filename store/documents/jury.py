"""Jury documents: the local jury's procès-verbal for one candidate (PDF), and the national
jury's list for a session (PDF and XLSX)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from models.career import PROCLAMATION_LABELS, PROPOSAL_LABELS
from models.jury import JURY_ROLES
from models.referential import WeightedReferential
from models.status import Status
from models.vae import OUTCOME_LABELS, VaeVerdict
from models.weighted import WeightedVerdict
from store.documents.rendered import Rendered
from store.documents.script import Script, render_pdf
from store.documents.table import Cell, Column, Sheet, xlsx
from store.documents.wording import ROUTES, People, day, decimal_text, mark_text, when
from store.errors import StoreError

if TYPE_CHECKING:
    from store.store import Snapshot


def local_jury_pdf(snap: Snapshot, people: People, now: datetime) -> Rendered:
    return render_pdf(local_jury_script(snap, people, now))


def local_jury_script(snap: Snapshot, people: People, now: datetime) -> Script:
    """The procès-verbal of the local jury: members, marks or VAE decisions, the computed
    verdict, the proposal and its reasons, room for each member's signature."""
    ref = snap.referential
    cand = snap.state.candidate
    career = snap.state.career
    if not isinstance(ref, WeightedReferential) or cand is None:
        raise StoreError("le procès-verbal du jury local concerne le CQP Gestionnaire carrière")
    if career.jury is None:
        raise StoreError(f"le jury local de {cand.name} n'est pas encore composé")
    title = f"Procès-verbal du jury local — {cand.name}"
    doc = Script(title, created=now)
    doc.title(title)
    doc.paragraph(f"CQP Gestionnaire carrière, référentiel version {cand.referential_version}")
    doc.paragraph(f"Candidat : {cand.name} — {cand.organisme}")
    doc.paragraph(f"Voie d'accès : {ROUTES.get(cand.route or '', cand.route or '—')}")
    if cand.route == "vae":
        doc.paragraph(f"Session de VAE n° {career.attempt}")
    doc.heading("Composition du jury")
    doc.paragraph(f"Composé le {when(career.jury.ts)}")
    rows = [[JURY_ROLES[s.role], people.short(s.person), people.organisme(s.person)]
            for s in career.jury.value.members]  # fmt: skip
    doc.table(["Qualité", "Membre", "Organisme"], rows, [0.42, 0.29, 0.29])
    for warning in career.jury.value.warnings:
        doc.paragraph(f"Avertissement accepté : {warning}", indent=4)
    verdict = snap.verdict
    if isinstance(verdict, WeightedVerdict):
        doc.heading("Épreuves")
        rows = []
        for evaluation in ref.evaluations:
            record = career.mark_records.get(evaluation.id)
            mark = mark_text(record.mark) if record else "non saisie"
            if evaluation.id in verdict.eliminatory:
                mark += " — éliminatoire"
            rows.append([evaluation.title, str(evaluation.coefficient), mark])
        doc.table(["Épreuve", "Coef.", "Note"], rows, [0.6, 0.1, 0.3])
        doc.paragraph(
            f"Total : {decimal_text(verdict.total)}/{ref.total} ; moyenne : "
            f"{decimal_text(verdict.average_text)}/20 ; parcours Pass : "
            f"{ {True: 'suivi', False: 'non suivi', None: 'non renseigné'}[verdict.pass_followed] }"
        )
    elif isinstance(verdict, VaeVerdict):
        doc.heading("Décisions sur les compétences certifiées")
        rows = []
        for line in ref.certification:
            comp = ref.competency(line.competency)
            decided = career.decisions.get(comp.id)
            if comp.id in verdict.acquired:
                text = "acquise (session antérieure)"
            elif decided is not None:
                text = "validée" if decided.validated else "non validée"
            else:
                text = "à décider"
            rows.append([f"{comp.number}. {comp.title}", text, decided.comment if decided else ""])
        doc.table(["Compétence", "Décision", "Commentaire"], rows, [0.5, 0.2, 0.3])
        doc.paragraph(f"Résultat : {OUTCOME_LABELS[verdict.outcome]}")
    doc.heading("Verdict calculé")
    doc.paragraph(f"{verdict.status.label} — {verdict.explanation.rule}")
    doc.heading("Proposition au jury paritaire national")
    if career.proposal is None:
        doc.paragraph("Le jury local n'a pas encore rendu sa proposition.")
    else:
        doc.paragraph(
            f"{PROPOSAL_LABELS[career.proposal.value.proposal]} (le {when(career.proposal.ts)})",
            bold=True,
        )
        doc.paragraph(f"Motifs : {career.proposal.value.reasons or '—'}")
    doc.heading("Signatures des membres du jury")
    rows = [[f"{people.short(s.person)} ({JURY_ROLES[s.role]})", "", "\n\n"]
            for s in career.jury.value.members]  # fmt: skip
    doc.table(["Membre", "Date", "Signature"], rows, [0.5, 0.2, 0.3])
    doc.paragraph(f"Édité le {now.astimezone().strftime('%d/%m/%Y à %H:%M')}.")
    return doc


NATIONAL_COLUMNS = (
    Column("Identifiant", width=14), Column("Candidat", width=26), Column("Organisme", width=24),
    Column("Voie", width=26), Column("Session", "int", 8), Column("Moyenne /20", "mark", 10),
    Column("Résultat calculé", width=18), Column("Jury local", width=40),
    Column("Proposition du jury local", width=30), Column("Motifs", width=30),
    Column("Décision du jury national", width=22), Column("Date de la décision", "date", 12),
    Column("Préconisations", width=30),
)  # fmt: skip


def national_sheet(
    records: Iterable[Mapping[str, Any]], people: People, session: date | None
) -> Sheet:
    """The candidates before the national jury: those proclaimed on ``session``, or, without a
    date, those whose local jury has proposed and who await the national decision."""
    rows: list[list[Cell]] = []
    for r in sorted(records, key=lambda r: (r["name"].casefold(), r["id"])):
        juries = r.get("juries")
        if not juries:
            continue
        local = juries.get("local") or {}
        national = juries.get("national") or {}
        if session is None:
            if not local.get("proposal") or national:
                continue
        elif national.get("on") != session.isoformat():
            continue
        vae = r.get("vae")
        result = (
            OUTCOME_LABELS.get(vae["outcome"], vae["outcome"]) if vae
            else Status(r["status"]).label
        )  # fmt: skip
        members = "\n".join(
            f"{JURY_ROLES.get(m['role'], m['role'])} : {people.name(m['person'])}"
            for m in local.get("members", [])
        )
        rows.append([
            r["id"], r["name"], r["organisme"], ROUTES.get(r.get("route") or "", ""),
            vae["attempt"] if vae else 1,
            None if vae or not r.get("average") else _dec(r["average"]),
            result, members,
            PROPOSAL_LABELS.get(local.get("proposal") or "", ""), local.get("reasons") or "",
            PROCLAMATION_LABELS.get(national.get("decision") or "", ""),
            date.fromisoformat(national["on"]) if national.get("on") else None,
            national.get("recommendations") or "",
        ])  # fmt: skip
    name = f"Jury {session.strftime('%d-%m-%Y')}" if session else "Jury national à venir"
    return Sheet(name, NATIONAL_COLUMNS, rows)


def _dec(text: str) -> Decimal:
    return Decimal(text)


def national_title(session: date | None) -> str:
    if session is None:
        return "Jury paritaire national — candidats proposés, décision à proclamer"
    return f"Jury paritaire national du {day(session)} — décisions proclamées"


def national_pdf(sheet: Sheet, session: date | None, now: datetime) -> Rendered:
    return render_pdf(national_script(sheet, session, now))


def national_script(sheet: Sheet, session: date | None, now: datetime) -> Script:
    title = national_title(session)
    doc = Script(title, created=now)
    doc.title(title)
    doc.paragraph("CQP Gestionnaire carrière")
    if not sheet.rows:
        doc.paragraph("Aucun candidat.")
    rows = []
    for row in sheet.rows:
        (_, name, organisme, route, attempt, average, result, members, proposal, reasons,
         decision, on, recommendations) = row  # fmt: skip
        who = f"{name}\n{organisme}\n{route}" + (
            f", session {attempt}" if str(route).startswith("validation") else ""
        )
        computed = str(result) + (
            f"\nmoyenne {decimal_text(average)}/20" if isinstance(average, Decimal) else ""
        )
        local = f"{proposal}" + (f"\nmotifs : {reasons}" if reasons else "") + f"\n{members}"
        national = (
            f"{decision} le {day(on) if isinstance(on, date) else '—'}"
            + (f"\npréconisations : {recommendations}" if recommendations else "")
            if decision else "à proclamer"
        )  # fmt: skip
        rows.append([who, computed, local, national])
    doc.table(["Candidat", "Résultat calculé", "Jury local", "Jury national"], rows,
              [0.25, 0.17, 0.33, 0.25])  # fmt: skip
    doc.paragraph(
        f"{len(sheet.rows)} candidat(s). Édité le {now.astimezone().strftime('%d/%m/%Y à %H:%M')}."
    )
    return doc


def national_xlsx(sheet: Sheet) -> bytes:
    return xlsx([sheet])
