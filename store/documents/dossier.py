"""The dossier de certification: everything the secretariat holds on one candidate, as a PDF.

Identity and route; for Gestionnaire conseil the logbook's attestations with signatories, dates
and situations, each grid as filled, each verdict with its explanation; for Gestionnaire
carrière the marks with who entered them, the average, eliminatory marks, the juries and, for
a VAE, every session with its jury, decisions and acquired competencies; the conflicts between
stations in plain words and how they were settled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from models.career import PROCLAMATION_LABELS, PROPOSAL_LABELS, CareerState, PastAttempt
from models.dossier import DossierState
from models.events import JuryComposed, JuryProposed, VaeCompetencyDecided, VaeProofReceived
from models.jury import JURY_ROLES
from models.referential import ThresholdReferential, WeightedReferential
from models.signatures import (
    SIGNED_LABELS,
    UNSIGNED_BEFORE,
    signature_checks,
    signature_states,
    verification_text,
)
from models.status import cqp_label
from models.threshold import CqpVerdict
from models.vae import OUTCOME_LABELS, VaeVerdict, oral_exempt
from models.verdict import Explanation
from models.weighted import WeightedVerdict
from store.documents.grid_document import write_grid
from store.documents.rendered import Rendered
from store.documents.script import Page, Script, render_pdf
from store.documents.wording import (
    LOGBOOK_ROLES_OF,
    ROUTES,
    People,
    conflict_lines,
    day,
    decimal_text,
    mark_text,
    verification,
    when,
)

if TYPE_CHECKING:
    from models.career import Stamped
    from store.store import Snapshot

RELATIONS = {
    "tuteur": "tuteur du candidat",
    "manager": "manager du candidat",
    "superieur": "supérieur hiérarchique du candidat",
    "formateur": "a participé à sa formation",
}


def dossier_pdf(snap: Snapshot, people: People, *, station: str, now: datetime) -> Rendered:
    """``station``: the folder that prints it, as :func:`wording.station_label` names it."""
    return render_pdf(dossier_script(snap, people, station=station, now=now))


def dossier_script(snap: Snapshot, people: People, *, station: str, now: datetime) -> Script:
    state = snap.state
    cand = state.candidate
    assert cand is not None
    title = f"Dossier de certification — {cand.name}"
    doc = Script(title, created=now)
    doc.title(title)
    doc.paragraph(f"CQP {cqp_label(cand.cqp)}, référentiel version {cand.referential_version}")
    doc.heading("Identité et parcours")
    doc.paragraph(f"Candidat : {cand.name}")
    doc.paragraph(f"Organisme : {cand.organisme}")
    if cand.tutor or cand.manager:
        doc.paragraph(f"Tuteur : {people.name(cand.tutor)} ; manager : {people.name(cand.manager)}")
    if cand.route:
        doc.paragraph(f"Voie d'accès : {ROUTES[cand.route]}")
    if cand.started:
        doc.paragraph(f"Entrée en formation ou en VAE : {day(cand.started)}")
    for link in state.links:
        relation = RELATIONS[link.relation]
        doc.paragraph(f"Lien déclaré : {people.name(link.person)}, {relation}")
    doc.heading("Verdict calculé")
    _explanation(doc, f"Statut : {snap.verdict.status.label}", snap.verdict.explanation)
    if isinstance(snap.referential, ThresholdReferential):
        assert isinstance(snap.verdict, CqpVerdict)
        checks = signature_checks(snap.events, people.keys)
        _conseil(doc, snap.referential, snap.verdict, state, people, now, checks)
    else:
        _carriere(doc, snap, people)
    _conflicts(doc, snap, people)
    _signatures(doc, snap, people)
    doc.heading("Établissement du document")
    doc.paragraph(
        f"Édité le {now.astimezone().strftime('%d/%m/%Y à %H:%M')} par {station} à "
        f"partir de {state.events} événements signés ; dernière modification le "
        f"{when(state.last_ts)}."
    )
    return doc


def _explanation(doc: Page, title: str, explanation: Explanation) -> None:
    doc.paragraph(title, bold=True)
    doc.paragraph(f"Règle : {explanation.rule}", indent=4)
    for fact in explanation.facts:
        doc.paragraph(f"– {fact}", indent=4)


def _conseil(
    doc: Page,
    ref: ThresholdReferential,
    verdict: CqpVerdict,
    state: DossierState,
    people: People,
    now: datetime,
    checks: Mapping[tuple[str, str], str | None],
) -> None:
    for block, bv in zip(ref.blocks, verdict.blocks, strict=True):
        doc.heading(f"Bloc {block.number} — {block.title}")
        _explanation(doc, f"Bloc : {bv.status.label}", bv.explanation)
        rows = []
        for number, (comp, cv) in enumerate(
            zip(block.competencies, bv.competencies, strict=True), 1
        ):
            signed = state.attestations.get(comp.id, {})
            signatures = "\n".join(
                f"{role} : {people.name(sig.person)} le {when(sig.ts)} ({verification(sig, checks)}) — "
                f"{sig.situation}"
                for role, sig in sorted(signed.items())
            )
            attested = "attestée" if state.attested(comp.id) else "non attestée"
            rows.append(
                [
                    f"{block.number}.{number} {comp.title}",
                    f"{cv.status.label} ({cv.count.validated}/{cv.count.total})",
                    attested + (f"\n{signatures}" if signatures else ""),
                ]
            )
        doc.table(["Compétence", "Grille", "Carnet de suivi"], rows, [0.36, 0.16, 0.48])
        for grid in sorted(state.grids.values(), key=lambda g: g.opened_seq):
            if grid.block == block.id:
                write_grid(doc, ref, grid, people, now, checks=checks)
    withdrawn = [e for e in state.logbook_history if e.action == "withdrawn"]
    if withdrawn:
        doc.heading("Signatures retirées du carnet de suivi")
        titles = {c.id: c.title for b in ref.blocks for c in b.competencies}
        for entry in withdrawn:
            doc.paragraph(
                f"« {titles.get(entry.competency, entry.competency)} » : signature "
                f"{LOGBOOK_ROLES_OF[entry.role]} "
                f"{people.name(entry.person)} retirée "
                f"le {when(entry.ts)} — motif : {entry.text}"
            )


def _carriere(doc: Page, snap: Snapshot, people: People) -> None:
    ref = snap.referential
    assert isinstance(ref, WeightedReferential)
    career = snap.state.career
    verdict = snap.verdict
    if isinstance(verdict, WeightedVerdict):
        doc.heading("Épreuves notées")
        rows = []
        for evaluation in ref.evaluations:
            record = career.mark_records.get(evaluation.id)
            mark = mark_text(record.mark) if record else "non saisie"
            if evaluation.id in verdict.eliminatory:
                mark += " — éliminatoire"
            who = f"{people.name(record.by)} le {when(record.ts)}" if record else ""
            rows.append([evaluation.title, str(evaluation.coefficient), mark, who])
        doc.table(["Épreuve", "Coef.", "Note", "Saisie par"], rows, [0.36, 0.08, 0.2, 0.36])
        doc.paragraph(
            f"Total : {decimal_text(verdict.total)}/{ref.total} ; moyenne : "
            f"{decimal_text(verdict.average_text)}/20"
        )
        pass_text = {True: "suivi", False: "non suivi", None: "non renseigné"}
        doc.paragraph(f"Parcours Pass : {pass_text[verdict.pass_followed]}")
        superseded = [r for r in career.mark_history if career.mark_records.get(r.evaluation) != r]
        if superseded:
            doc.paragraph("Notes remplacées depuis :", bold=True)
            titles = {e.id: e.title for e in ref.evaluations}
            for record in superseded:
                doc.paragraph(
                    f"{titles.get(record.evaluation, record.evaluation)} : "
                    f"{mark_text(record.mark)} saisie par {people.name(record.by)} le "
                    f"{when(record.ts)}",
                    indent=4,
                )
    elif isinstance(verdict, VaeVerdict):
        _vae(doc, ref, career, verdict, people)
    doc.heading(
        "Jurys" if career.attempt == 1 else f"Jurys de la session {career.attempt} (en cours)"
    )
    _juries(doc, career.jury, career.proposal, people)
    if career.proclamation is not None:
        done = career.proclamation.value
        doc.paragraph(
            f"Proclamation du jury paritaire national le {day(done.on)} : "
            f"{PROCLAMATION_LABELS[done.decision]} (décision souveraine et définitive)",
            bold=True,
        )
        if done.recommendations:
            doc.paragraph(f"Préconisations : {done.recommendations}", indent=4)
    else:
        doc.paragraph("Jury paritaire national : décision à proclamer.")


def _juries(
    doc: Page,
    jury: Stamped[JuryComposed] | None,
    proposal: Stamped[JuryProposed] | None,
    people: People,
) -> None:
    if jury is None:
        doc.paragraph("Jury local : non composé.")
    else:
        doc.paragraph(f"Jury local composé le {when(jury.ts)} :")
        for seat in jury.value.members:
            doc.paragraph(f"{JURY_ROLES[seat.role]} : {people.name(seat.person)}", indent=4)
        for warning in jury.value.warnings:
            doc.paragraph(f"Avertissement accepté : {warning}", indent=4)
    if proposal is not None:
        doc.paragraph(
            f"Proposition du jury local le {when(proposal.ts)} : "
            f"{PROPOSAL_LABELS[proposal.value.proposal]}"
            + (f" — motifs : {proposal.value.reasons}" if proposal.value.reasons else "")
        )


def _vae(
    doc: Page,
    ref: WeightedReferential,
    career: CareerState,
    verdict: VaeVerdict,
    people: People,
) -> None:
    doc.heading("Validation des acquis de l'expérience")
    if career.admissibility is not None:
        decided = career.admissibility.value
        doc.paragraph(
            f"Recevabilité prononcée le {day(decided.on)} : "
            f"{'recevable' if decided.admissible else 'irrecevable'} — expérience "
            f"{'en relation' if decided.related else 'sans relation'} avec le CQP, "
            f"{decided.days} jours — {decided.description}"
        )
        for period in decided.periods:
            what = f" : {period.description}" if period.description else ""
            doc.paragraph(f"Période du {day(period.start)} au {day(period.end)}{what}", indent=4)
        if decided.reason:
            doc.paragraph(f"Motif : {decided.reason}", indent=4)
    for past in career.past:
        _past_session(doc, ref, past, people)
    doc.heading(f"Session {career.attempt}" + (" (en cours)" if career.past else ""))
    if career.proof is not None:
        _proof(doc, ref, career.proof.value)
    rows = []
    for line in ref.certification:
        comp = ref.competency(line.competency)
        decided_now = career.decisions.get(comp.id)
        if comp.id in verdict.acquired:
            decision = "acquise (session antérieure)"
        elif comp.id in verdict.validated:
            decision = "validée"
        elif comp.id in verdict.refused:
            decision = "non validée"
        else:
            decision = "à décider"
        comment = decided_now.comment if decided_now else ""
        rows.append([f"{comp.number}. {comp.title}", decision, comment])
    doc.table(["Compétence certifiée", "Décision", "Commentaire"], rows, [0.5, 0.2, 0.3])
    doc.paragraph(f"Résultat calculé : {OUTCOME_LABELS[verdict.outcome]}")


def _proof(doc: Page, ref: WeightedReferential, proof: VaeProofReceived) -> None:
    exempt = oral_exempt(ref.vae.oral_exemption, proof.attestation_3a)
    how = "présentation devant le jury local"
    if exempt:
        how = "oral demandé par le jury" if proof.oral else "jugé sur dossier, sans oral"
    doc.paragraph(f"Dossier de preuve reçu le {day(proof.received)} : {how}")
    if proof.attestation_3a:
        doc.paragraph(f"Attestation « parcours 3a » du {day(proof.attestation_3a)}", indent=4)


def _past_session(doc: Page, ref: WeightedReferential, past: PastAttempt, people: People) -> None:
    done = past.proclamation.value
    doc.heading(f"Session {past.number} — {PROCLAMATION_LABELS[done.decision]}")
    if past.proof is not None:
        _proof(doc, ref, past.proof.value)
    _juries(doc, past.jury, past.proposal, people)
    doc.paragraph(
        f"Proclamation du jury paritaire national le {day(done.on)} : "
        f"{PROCLAMATION_LABELS[done.decision]}",
        bold=True,
    )
    if done.recommendations:
        doc.paragraph(f"Préconisations : {done.recommendations}", indent=4)
    decisions: dict[str, VaeCompetencyDecided] = {d.competency: d for d in past.decisions}
    rows = []
    for line in ref.certification:
        comp = ref.competency(line.competency)
        decided = decisions.get(comp.id)
        if comp.id in past.validated:
            text = "validée — acquise sans limite de durée"
        elif decided is not None:
            text = "validée" if decided.validated else "non validée"
        else:
            text = "acquise auparavant ou non décidée"
        rows.append([f"{comp.number}. {comp.title}", text, decided.comment if decided else ""])
    doc.table(["Compétence certifiée", "Décision", "Commentaire"], rows, [0.5, 0.2, 0.3])
    doc.paragraph(f"Nouvelle session demandée : {past.reason_for_next}", indent=4)


def _conflicts(doc: Page, snap: Snapshot, people: People) -> None:
    conflicts = list(snap.state.conflicts.values())
    if not conflicts:
        return
    doc.heading("Saisies concurrentes entre postes")
    for conflict in sorted(conflicts, key=lambda c: (not c.open, c.key)):
        first, *rest = conflict_lines(conflict, snap.referential, people)
        doc.paragraph(first, bold=conflict.open)
        for line in rest:
            doc.paragraph(line, indent=4)


def _signatures(doc: Page, snap: Snapshot, people: People) -> None:
    """Every event a person signs, with the check of their personal signature against the
    registry's public keys: the secretariat reads who decided what, and that it holds."""
    states = signature_states(snap.events, people.keys)
    if not states:
        return
    doc.heading("Signatures personnelles")
    verified = sum(1 for why in states.values() if why is None)
    older = sum(1 for why in states.values() if why == UNSIGNED_BEFORE)
    summary = f"{verified} vérifiée(s)"
    if older:
        summary += f", {older} antérieure(s) sans signature personnelle"
    if len(states) - verified - older:
        summary += f", {len(states) - verified - older} NON vérifiée(s)"
    doc.paragraph(summary + ".", bold=True)
    for event in snap.events:
        if event.id in states:
            doc.paragraph(
                f"{when(event.ts)} — {SIGNED_LABELS.get(event.type, event.type)} — "
                f"{people.name(event.author)} : {verification_text(states[event.id])}",
                indent=4,
            )
