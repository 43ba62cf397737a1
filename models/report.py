"""Plain-data views of referentials and verdicts: the JSON contract of ``carnet status`` and
``carnet referentiels`` that the secretariat's scripts rely on."""

from __future__ import annotations

from typing import Any

from models.career import CareerState
from models.completeness import outstanding
from models.dossier import DossierState, Verdict
from models.referential import ThresholdReferential, WeightedReferential
from models.threshold import CqpVerdict
from models.vae import VaeVerdict
from models.verdict import Explanation, Status


def explanation_record(explanation: Explanation) -> dict[str, Any]:
    return {
        "rule": explanation.rule,
        "facts": list(explanation.facts),
        "decided_by": list(explanation.decided_by),
    }


def logbook_record(state: DossierState, competency: str) -> dict[str, Any]:
    """Who attested a competency in the logbook: the tutor, the manager, both or neither."""
    signed = state.attestations.get(competency, {})

    def one(role: str) -> dict[str, Any] | None:
        sig = signed.get(role)
        return None if sig is None else {"person": sig.person, "at": sig.ts}

    return {
        "tutor": one("tuteur"),
        "manager": one("manager"),
        "attested": state.attested(competency),
    }


def outstanding_record(
    state: DossierState, ref: ThresholdReferential | WeightedReferential
) -> list[dict[str, Any]]:
    return [
        {"kind": item.kind, "ids": list(item.ids), "text": item.text}
        for item in outstanding(state, ref)
    ]


def status_record(
    candidate_id: str,
    state: DossierState,
    verdict: Verdict,
    ref: ThresholdReferential | WeightedReferential | None = None,
) -> dict[str, Any]:
    assert state.candidate is not None
    record: dict[str, Any] = {
        "id": candidate_id,
        "name": state.candidate.name,
        "cqp": state.candidate.cqp,
        "referential_version": state.candidate.referential_version,
        "organisme": state.candidate.organisme,
        "tutor": state.candidate.tutor,
        "manager": state.candidate.manager,
        "started": state.candidate.started.isoformat() if state.candidate.started else None,
        # Issue 11: a deactivated candidate stays listed, with who deactivated them and why.
        "active": state.deactivated is None,
        "deactivated": None
        if state.deactivated is None
        else {
            "reason": state.deactivated.reason,
            "at": state.deactivated.at,
            "by": state.deactivated.by,
        },
        "edits": sum(1 for c in state.candidate_history if c.kind == "edited"),
        "status": verdict.status.value,
        "explanation": explanation_record(verdict.explanation),
        "events": state.events,
        "last_change": state.last_ts or None,
        # Values two stations recorded differently, until the secretariat chooses.
        "conflicts": [
            {
                "key": c.key,
                "incompatible": c.incompatible or None,
                "values": [
                    {
                        "event": src.event,
                        "station": src.station,
                        "author": src.author,
                        "at": src.ts,
                        "value": [str(v) for v in src.value],
                    }
                    for src in c.sources
                ],
            }
            for c in state.open_conflicts
        ],
        "conflicts_resolved": sum(1 for c in state.conflicts.values() if not c.open),
    }
    if ref is not None:
        record["outstanding"] = outstanding_record(state, ref)
    if isinstance(verdict, CqpVerdict):
        record["final"] = verdict.projection is None and verdict.status is not Status.PENDING
        record["projection"] = None if verdict.projection is None else verdict.projection.value
        record["blocks"] = [
            {
                "id": block.id,
                "status": block.status.value,
                "validated": block.count.validated,
                "total": block.count.total,
                "required": block.count.required,
                "final": block.final,
                "projection": None if block.projection is None else block.projection.value,
                "explanation": explanation_record(block.explanation),
                "competencies": [
                    {
                        "id": comp.id,
                        "status": comp.status.value,
                        "validated": comp.count.validated,
                        "total": comp.count.total,
                        "required": comp.count.required,
                        "not_validated": comp.count.failed,
                        "not_evaluated": comp.count.open,
                        "logbook": logbook_record(state, comp.id),
                    }
                    for comp in block.competencies
                ],
            }
            for block in verdict.blocks
        ]
        return record
    career = state.career
    record["route"] = state.candidate.route
    record["final"] = career.proclamation is not None
    record["projection"] = None
    record["blocks"] = []
    record["juries"] = juries_record(career)
    proclaimed = career.proclamation
    # The national jury is sovereign: its decision is final, shown beside the computed one.
    record["final_decision"] = proclaimed.value.decision if proclaimed else None
    if isinstance(verdict, VaeVerdict):
        record["vae"] = vae_record(career, verdict)
        return record
    record["marks"] = {e: f"{m:.2f}" for e, m in verdict.marks.items()}
    record["mark_entries"] = [
        {"evaluation": r.evaluation, "mark": f"{r.mark:.2f}", "by": r.by, "at": r.ts}
        for r in career.mark_history
    ]
    record["average"] = verdict.average_text
    record["total"] = f"{verdict.total:.2f}"
    record["missing"] = list(verdict.missing)
    record["eliminatory"] = list(verdict.eliminatory)
    record["pass_followed"] = verdict.pass_followed
    return record


def juries_record(career: CareerState) -> dict[str, Any]:
    jury, proposal, proclaimed = career.jury, career.proposal, career.proclamation
    return {
        "local": None
        if jury is None
        else {
            "members": [{"role": m.role, "person": m.person} for m in jury.value.members],
            "warnings": list(jury.value.warnings),
            "composed_at": jury.ts,
            "proposal": None if proposal is None else proposal.value.proposal,
            "reasons": None if proposal is None else proposal.value.reasons or None,
            "proposed_at": None if proposal is None else proposal.ts,
        },
        "national": None
        if proclaimed is None
        else {
            "decision": proclaimed.value.decision,
            "recommendations": proclaimed.value.recommendations or None,
            "on": proclaimed.value.on.isoformat(),
            "recorded_at": proclaimed.ts,
        },
    }


def vae_record(career: CareerState, verdict: VaeVerdict) -> dict[str, Any]:
    admissibility, proof = career.admissibility, career.proof
    return {
        "attempt": career.attempt,
        "outcome": verdict.outcome,
        "admissibility": None
        if admissibility is None
        else {
            "admissible": admissibility.value.admissible,
            "related": admissibility.value.related,
            "description": admissibility.value.description,
            "days": admissibility.value.days,
            "periods": [
                {"start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in admissibility.value.periods
            ],
            "reason": admissibility.value.reason or None,
            "on": admissibility.value.on.isoformat(),
        },
        "proof": None
        if proof is None
        else {
            "received": proof.value.received.isoformat(),
            "attestation_3a": proof.value.attestation_3a.isoformat()
            if proof.value.attestation_3a
            else None,
            "oral": proof.value.oral,
        },
        "acquired": list(verdict.acquired),
        "validated": list(verdict.validated),
        "not_validated": list(verdict.refused),
        "undecided": list(verdict.undecided),
        "past_attempts": [
            {
                "attempt": past.number,
                "decision": past.proclamation.value.decision,
                "validated": list(past.validated),
                "recommendations": past.proclamation.value.recommendations,
            }
            for past in career.past
        ],
    }


def referential_record(ref: ThresholdReferential | WeightedReferential) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ref.id,
        "title": ref.title,
        "version": ref.version,
        "kind": ref.kind,
    }
    if isinstance(ref, ThresholdReferential):
        base["rules"] = {
            "competency": ref.rules.competency,
            "block": ref.rules.block,
            "threshold": f"{ref.rules.numerator}/{ref.rules.denominator}",
        }
        base["blocks"] = [
            {
                "id": block.id,
                "number": block.number,
                "title": block.title,
                "evaluation": block.evaluation.format.model_dump(mode="json"),
                "evaluators": [e.model_dump(mode="json") for e in block.evaluation.evaluators],
                "competencies": [
                    {
                        "id": comp.id,
                        "title": comp.title,
                        "criteria": [
                            {"id": k.id, "text": k.text}
                            | ({"repeats": k.repeats} if k.repeats else {})
                            | ({"note": k.note} if k.note else {})
                            for k in comp.criteria
                        ],
                    }
                    for comp in block.competencies
                ],
            }
            for block in ref.blocks
        ]
        return base
    certified = {line.competency: line for line in ref.certification}
    base["competencies"] = [
        {
            "id": comp.id,
            "number": comp.number,
            "group": group.id,
            "title": comp.title,
            "certified": comp.id in certified,
            "evaluations": [e.id for e in ref.evaluations_covering(comp.id)],
        }
        for group in ref.groups
        for comp in group.competencies
    ]
    base["evaluations"] = [
        {
            "id": e.id,
            "title": e.title,
            "scale": e.scale,
            "coefficient": e.coefficient,
            "eliminatory_at_or_below": None
            if e.eliminatory_at_or_below is None
            else str(e.eliminatory_at_or_below),
            "place": e.place,
            "minutes": e.minutes,
        }
        for e in ref.evaluations
    ]
    base["total"] = ref.total
    base["rule"] = {
        "text": ref.rule.text,
        "pass_required": ref.rule.pass_required,
        "min_average": str(ref.rule.min_average),
    }
    return base
