"""The dossier de certification: everything the secretariat holds on one candidate, as a PDF.

Identity and route; for Gestionnaire conseil the logbook's attestations with signatories and
dates, each grid with every criterion's state and comment, durations, counts, evaluators,
signatures and amendments, each verdict with its explanation; for Gestionnaire carrière the
marks, the average, eliminatory marks, the juries and the VAE decisions; open conflicts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from models.career import PROCLAMATION_LABELS, PROPOSAL_LABELS
from models.dossier import DossierState, GridState
from models.events import PERSON_ROLES, PersonCreated
from models.grid import phases
from models.jury import JURY_ROLES
from models.referential import ThresholdReferential, WeightedReferential
from models.status import cqp_label
from models.threshold import CqpVerdict, CriterionState
from models.timing import minutes_text, parse_ts
from models.vae import OUTCOME_LABELS, VaeVerdict, oral_exempt
from models.verdict import Explanation
from models.weighted import WeightedVerdict, format_mark
from store.documents.pdf import PdfDocument
from store.errors import StoreError

if TYPE_CHECKING:
    from store.store import Snapshot, Store

Namer = Callable[[str | None], str]
ROUTES = {
    "nouvel_embauche": "nouvel embauché (contrat de professionnalisation)",
    "parcours_formation": "salarié en parcours de formation",
    "vae": "validation des acquis de l'expérience (VAE)",
}
STATES = {
    CriterionState.VALIDATED: "validé",
    CriterionState.NOT_VALIDATED: "non validé",
    CriterionState.NOT_EVALUATED: "non évalué",
}


def find_candidate(store: Store, wanted: str) -> str:
    """A candidate by id, or by name when exactly one matches."""
    ids = store.candidate_ids()
    if wanted in ids:
        return wanted
    matches = [
        r["id"] for r in store.summaries().records if r["name"].casefold() == wanted.casefold()
    ]
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        raise StoreError(f"plusieurs candidats s'appellent « {wanted} » : donnez l'identifiant")
    raise StoreError(f"aucun candidat « {wanted} »")


def when(ts: str) -> str:
    return parse_ts(ts).astimezone().strftime("%d/%m/%Y %H:%M") if ts else "—"


def dossier_pdf(store: Store, candidate: str) -> bytes:
    snap = store.snapshot(candidate)
    people = store.people()
    state = snap.state
    cand = state.candidate
    assert cand is not None
    doc = PdfDocument(f"Dossier de certification — {cand.name}")

    def name(person: str | None) -> str:
        found: PersonCreated | None = people.get(person or "")
        return f"{found.name} ({found.organisme})" if found else "—"

    doc.heading(f"Dossier de certification — {cand.name}", 16)
    doc.paragraph(f"CQP {cqp_label(cand.cqp)}, référentiel version {cand.referential_version}")
    doc.heading("Identité et parcours")
    lines = [
        f"Candidat : {cand.name} — identifiant {candidate}",
        f"Organisme : {cand.organisme}",
        f"Tuteur : {name(cand.tutor)} ; manager : {name(cand.manager)}",
    ]
    if cand.route:
        lines.append(f"Voie d'accès : {ROUTES.get(cand.route, cand.route)}")
    if cand.started:
        lines.append(f"Entrée en formation ou en VAE : {cand.started.strftime('%d/%m/%Y')}")
    for line in lines:
        doc.paragraph(line)
    for link in state.links:
        doc.paragraph(f"Lien déclaré : {name(link.person)} — {link.relation}")
    doc.heading("Verdict calculé")
    _explanation(doc, f"Statut : {snap.verdict.status.label}", snap.verdict.explanation)
    if isinstance(snap.referential, ThresholdReferential):
        assert isinstance(snap.verdict, CqpVerdict)
        _conseil(doc, snap.referential, snap.verdict, state, name)
    else:
        _carriere(doc, snap, name)
    _conflicts(doc, state)
    doc.heading("Établissement du document")
    doc.paragraph(
        f"Édité le {datetime.now(UTC).astimezone().strftime('%d/%m/%Y à %H:%M')} par le poste "
        f"{store.station.id} à partir de {state.events} événements signés ; dernière "
        f"modification le {when(state.last_ts)}."
    )
    return doc.render()


def _explanation(doc: PdfDocument, title: str, explanation: Explanation) -> None:
    doc.paragraph(title, bold=True)
    doc.paragraph(f"Règle : {explanation.rule}", indent=10)
    for fact in explanation.facts:
        doc.paragraph(f"– {fact}", indent=10)


def _conseil(
    doc: PdfDocument,
    ref: ThresholdReferential,
    verdict: CqpVerdict,
    state: DossierState,
    name: Namer,
) -> None:
    for block, bv in zip(ref.blocks, verdict.blocks, strict=True):
        doc.heading(f"Bloc {block.number} — {block.title}")
        _explanation(doc, f"Bloc : {bv.status.label}", bv.explanation)
        rows = []
        for number, (comp, cv) in enumerate(
            zip(block.competencies, bv.competencies, strict=True), 1
        ):
            signed = state.attestations.get(comp.id, {})
            signatures = "; ".join(
                f"{role} {name(sig.person)} le {when(sig.ts)} : {sig.situation}"
                for role, sig in sorted(signed.items())
            )
            rows.append(
                [
                    f"{block.number}.{number} {comp.title}",
                    f"{cv.status.label} ({cv.count.validated}/{cv.count.total})",
                    ("attestée : " if state.attested(comp.id) else "non attestée ")
                    + (signatures or ""),
                ]
            )
        doc.paragraph("Carnet de suivi et compétences", bold=True)
        doc.table(["Compétence", "Grille", "Carnet de suivi"], rows, [0.42, 0.18, 0.40])
        for grid in sorted(state.grids.values(), key=lambda g: g.opened_seq):
            if grid.block == block.id:
                _grid(doc, ref, grid, name)
    history = [e for e in state.logbook_history if e.action == "withdrawn"]
    if history:
        doc.heading("Signatures retirées du carnet de suivi")
        for entry in history:
            doc.paragraph(
                f"{entry.competency} : {entry.role} {name(entry.person)} le {when(entry.ts)} — "
                f"motif : {entry.text}"
            )


def _grid(doc: PdfDocument, ref: ThresholdReferential, grid: GridState, name: Namer) -> None:
    block = ref.block(grid.block)
    doc.paragraph(
        f"Grille {grid.id} ouverte le {when(grid.opened_ts)} — {grid.phase_label}",
        bold=True,
    )
    doc.paragraph(
        f"Représentant métier : {name(grid.evaluator)} ; certificateur : {name(grid.certifier)}",
        indent=10,
    )
    end = parse_ts(grid.closed_ts) if grid.closed_ts else datetime.now(UTC)
    durations = [
        f"{phase.label} {minutes_text(grid.timers[phase.id].elapsed(end))} (prévu {phase.minutes} min)"
        for phase in phases(block, grid.situation)
        if phase.id in grid.timers
    ]
    if durations:
        doc.paragraph("Durées : " + " ; ".join(durations), indent=10)
    processed = sum(1 for letter in grid.letters.values() if letter.processed)
    counts = [f"entretiens {grid.interviews}"]
    if grid.letters:
        counts.append(f"courriers traités {processed}/{len(grid.letters)}")
    if grid.coverage:
        counts.append(f"compétences abordées {sum(grid.coverage.values())}")
    if grid.questions:
        counts.append(f"questions {len(grid.questions)}")
    doc.paragraph("Comptes : " + ", ".join(counts), indent=10)
    if grid.closed is not None:
        doc.paragraph(f"Close le {when(grid.closed_ts)}", indent=10)
        if grid.closed.shortfalls:
            doc.paragraph(
                f"Minimums non atteints : {'; '.join(grid.closed.shortfalls)} — motif : "
                f"{grid.closed.reason}",
                indent=10,
            )
    for role, signature in sorted(grid.signatures.items()):
        doc.paragraph(
            f"Signée par {name(signature.person)} ({PERSON_ROLES.get(role, role)}) le "
            f"{when(signature.ts)}",
            indent=10,
        )
    rows = []
    for comp in block.competencies:
        for crit in comp.criteria:
            state = grid.states.get(crit.id, CriterionState.NOT_EVALUATED)
            rows.append([crit.text, STATES[state], grid.comments.get(crit.id, "")])
    doc.table(["Critère", "État", "Commentaire"], rows, [0.55, 0.13, 0.32])
    for amendment in grid.amendments:
        doc.paragraph(
            f"Avenant du {when(amendment.ts)} : {amendment.criterion} de {STATES[amendment.before]} "
            f"à {STATES[amendment.state]} — motif : {amendment.reason}",
            indent=10,
        )


def _carriere(doc: PdfDocument, snap: Snapshot, name: Namer) -> None:
    ref = snap.referential
    assert isinstance(ref, WeightedReferential)
    career = snap.state.career
    verdict = snap.verdict
    if isinstance(verdict, WeightedVerdict):
        doc.heading("Épreuves notées")
        rows = []
        for evaluation in ref.evaluations:
            record = career.mark_records.get(evaluation.id)
            mark = f"{format_mark(record.mark)}/20" if record else "non saisie"
            if evaluation.id in verdict.eliminatory:
                mark += " — éliminatoire"
            who = f"{name(record.by)} le {when(record.ts)}" if record else ""
            rows.append([evaluation.title, str(evaluation.coefficient), mark, who])
        doc.table(["Épreuve", "Coef.", "Note", "Saisie par"], rows, [0.38, 0.08, 0.2, 0.34])
        average = verdict.average_text.replace(".", ",") if verdict.average_text else "—"
        doc.paragraph(f"Total : {format_mark(verdict.total)}/{ref.total} ; moyenne : {average}/20")
        pass_text = {True: "suivi", False: "non suivi", None: "non renseigné"}
        doc.paragraph(f"Parcours Pass : {pass_text[verdict.pass_followed]}")
    elif isinstance(verdict, VaeVerdict):
        _vae(doc, ref, snap, verdict, name)
    doc.heading("Jurys")
    if career.jury is None:
        doc.paragraph("Jury local : non composé.")
    else:
        for seat in career.jury.value.members:
            doc.paragraph(f"{JURY_ROLES[seat.role]} : {name(seat.person)}")
        for warning in career.jury.value.warnings:
            doc.paragraph(f"Avertissement accepté : {warning}", indent=10)
    if career.proposal is not None:
        proposal = career.proposal.value
        doc.paragraph(
            f"Proposition du jury local ({when(career.proposal.ts)}) : "
            f"{PROPOSAL_LABELS[proposal.proposal]}"
            + (f" — motifs : {proposal.reasons}" if proposal.reasons else "")
        )
    if career.proclamation is not None:
        done = career.proclamation.value
        doc.paragraph(
            f"Proclamation du jury paritaire national le {done.on.strftime('%d/%m/%Y')} : "
            f"{PROCLAMATION_LABELS[done.decision]} (décision souveraine et définitive)",
            bold=True,
        )
        if done.recommendations:
            doc.paragraph(f"Préconisations : {done.recommendations}", indent=10)
    else:
        doc.paragraph("Jury paritaire national : décision à proclamer.")


def _vae(
    doc: PdfDocument, ref: WeightedReferential, snap: Snapshot, verdict: VaeVerdict, name: Namer
) -> None:
    career = snap.state.career
    doc.heading(f"Validation des acquis de l'expérience — session {career.attempt}")
    if career.admissibility is not None:
        decided = career.admissibility.value
        doc.paragraph(
            f"Recevabilité ({decided.on.strftime('%d/%m/%Y')}) : "
            f"{'recevable' if decided.admissible else 'irrecevable'} — expérience "
            f"{'en relation' if decided.related else 'sans relation'} avec le CQP, "
            f"{decided.days} jours — {decided.description}"
        )
        for period in decided.periods:
            doc.paragraph(
                f"Période du {period.start.strftime('%d/%m/%Y')} au "
                f"{period.end.strftime('%d/%m/%Y')}",
                indent=10,
            )
        if decided.reason:
            doc.paragraph(f"Motif : {decided.reason}", indent=10)
    if career.proof is not None:
        proof = career.proof.value
        exempt = oral_exempt(ref.vae.oral_exemption, proof.attestation_3a)
        how = "présentation devant le jury local"
        if exempt:
            how = "oral demandé par le jury" if proof.oral else "jugé sur dossier, sans oral"
        doc.paragraph(f"Dossier de preuve reçu le {proof.received.strftime('%d/%m/%Y')} : {how}")
    rows = []
    for line in ref.certification:
        comp = ref.competency(line.competency)
        if comp.id in verdict.acquired:
            decision = "acquise (session antérieure)"
        elif comp.id in verdict.validated:
            decision = "validée"
        elif comp.id in verdict.refused:
            decision = "non validée"
        else:
            decision = "à décider"
        rows.append([f"{comp.number}. {comp.title}", decision])
    doc.table(["Compétence certifiée", "Décision"], rows, [0.75, 0.25])
    doc.paragraph(f"Résultat calculé : {OUTCOME_LABELS[verdict.outcome]}")
    for past in career.past:
        doc.paragraph(
            f"Session {past.number} : {PROCLAMATION_LABELS[past.proclamation.value.decision]}, "
            f"{len(past.validated)} compétence(s) validée(s) — "
            f"{past.proclamation.value.recommendations}",
            indent=10,
        )


def _conflicts(doc: PdfDocument, state: DossierState) -> None:
    if not state.conflicts:
        return
    doc.heading("Saisies concurrentes entre postes")
    for conflict in state.conflicts.values():
        values = " / ".join(
            f"{', '.join(str(v) for v in src.value) or 'non appliqué'} (poste {src.station}, "
            f"{when(src.ts)})"
            for src in conflict.sources
        )
        if conflict.open:
            doc.paragraph(f"À trancher — {conflict.key} : {values}", bold=True)
        else:
            doc.paragraph(
                f"Tranché le {when(conflict.resolved_ts)} — {conflict.key} : {values} ; retenu "
                f"{conflict.chosen} — motif : {conflict.reason}"
            )
