"""The two CQP referentials as typed, validated data.

The JSON files under ``grids/`` are transcribed from the seeds; these models refuse a file that is
malformed or inconsistent (duplicate ids, a criterion outside its competency's id space, a
certification line naming an unknown competency, coefficients that do not add up to the total).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9_.\-]+$", min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- Gestionnaire conseil: blocks, competencies, criteria, the 80 % rule --------------------------


class Criterion(_Frozen):
    id: Id
    text: Text
    # The seed repeats some criteria verbatim under another competency; keep it visible.
    repeats: Id | None = None
    note: str | None = None


class Competency(_Frozen):
    id: Id
    title: Text
    criteria: tuple[Criterion, ...] = Field(min_length=1)


class Situation(_Frozen):
    id: Id
    label: Text
    minutes: int = Field(gt=0)
    min_interviews: int = Field(ge=0)


class ObservationFormat(_Frozen):
    """Block 1: double listening or front desk, interviews, letters, then questioning."""

    kind: Literal["observation"]
    text: Text
    situations: tuple[Situation, ...] = Field(min_length=1)
    letters: int = Field(ge=0)
    questioning_minutes: int = Field(gt=0)


class PresentationFormat(_Frozen):
    """Block 2: an oral presentation, then an exchange on what it did not cover."""

    kind: Literal["presentation"]
    text: Text
    presentation_minutes: int = Field(gt=0)
    min_covered_competencies: int = Field(ge=0)
    documents_allowed: bool
    exchange_minutes: int = Field(gt=0)


class LongObservationFormat(_Frozen):
    """Block 3: a long observation at the workstation with a questionnaire."""

    kind: Literal["long_observation"]
    text: Text
    observation_minutes: int = Field(gt=0)
    questionnaire: bool


EvaluationFormat = Annotated[
    ObservationFormat | PresentationFormat | LongObservationFormat, Field(discriminator="kind")
]


class EvaluatorRole(_Frozen):
    role: Literal["representant_metier", "certificateur"]
    text: Text
    # An independent evaluator has no hierarchical link with the candidate and no part in
    # their training.
    independent: bool
    note: str | None = None


class BlockEvaluation(_Frozen):
    logbook: Text
    format: EvaluationFormat
    evaluators: tuple[EvaluatorRole, ...] = Field(min_length=1)


class Block(_Frozen):
    id: Id
    number: int = Field(ge=1)
    title: Text
    activity: Text
    evaluation: BlockEvaluation
    competencies: tuple[Competency, ...] = Field(min_length=1)


class ThresholdRules(_Frozen):
    competency: Text
    block: Text
    # "at least numerator/denominator": validated * denominator >= numerator * total.
    numerator: int = Field(gt=0)
    denominator: int = Field(gt=0)

    @model_validator(mode="after")
    def _a_fraction_of_at_most_one(self) -> ThresholdRules:
        if self.numerator > self.denominator:
            raise ValueError("le seuil dépasse 100 %")
        return self


class ThresholdReferential(_Frozen):
    kind: Literal["threshold"]
    id: Id
    title: Text
    version: Text
    source: Text
    rules: ThresholdRules
    blocks: tuple[Block, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_are_consistent(self) -> ThresholdReferential:
        seen: set[str] = set()
        criteria_ids: set[str] = set()
        for b_index, block in enumerate(self.blocks):
            _unique(seen, block.id, f"blocks[{b_index}]")
            for c_index, comp in enumerate(block.competencies):
                where = f"blocks[{b_index}].competencies[{c_index}]"
                _unique(seen, comp.id, where)
                _nested(comp.id, block.id, where)
                for k_index, crit in enumerate(comp.criteria):
                    k_where = f"{where}.criteria[{k_index}]"
                    _unique(seen, crit.id, k_where)
                    _nested(crit.id, comp.id, k_where)
                    criteria_ids.add(crit.id)
        for block in self.blocks:
            for comp in block.competencies:
                for crit in comp.criteria:
                    if crit.repeats is not None and crit.repeats not in criteria_ids:
                        raise ValueError(f"{crit.id} répète un critère inconnu : {crit.repeats}")
        return self

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    def criterion_ids(self) -> set[str]:
        return {k.id for b in self.blocks for c in b.competencies for k in c.criteria}


# --- Gestionnaire carrière: competencies, certification matrix, weighted evaluations -------------


class Route(_Frozen):
    id: Literal["nouvel_embauche", "parcours_formation", "vae"]
    text: Text


class Activity(_Frozen):
    id: Id
    text: Text


class NumberedCompetency(_Frozen):
    id: Id
    number: int = Field(ge=1)
    title: Text


class CompetencyGroup(_Frozen):
    id: Id
    title: Text
    competencies: tuple[NumberedCompetency, ...] = Field(min_length=1)


class Modality(_Frozen):
    id: Id
    text: Text


class CertifiedCompetency(_Frozen):
    competency: Id
    modalities: tuple[Id, ...] = Field(min_length=1)
    text: Text
    note: str | None = None


class Evaluation(_Frozen):
    id: Id
    title: Text
    modality: Id
    scale: int = Field(gt=0)
    coefficient: int = Field(gt=0)
    eliminatory_at_or_below: Decimal | None
    place: Text
    minutes: int | None = Field(default=None, gt=0)
    parts: tuple[Text, ...] = ()
    marked_by: str | None = None
    objective: Text
    # Who may enter the mark (roles of the registry; « tuteur » is the candidate's own tutor,
    # « jury » a member of the candidate's composed local jury), and the seed's words for it.
    entered_by: tuple[Literal["tuteur", "jury", "secretariat"], ...] = ("secretariat",)
    entered_by_text: str = ""


class WeightedRule(_Frozen):
    text: Text
    pass_required: bool
    min_average: Decimal


class JuryMemberRole(_Frozen):
    role: Literal["caisse_nationale", "branche_retraite", "expert_metier"]
    text: Text
    other_organisme_required: bool


class LocalJury(_Frozen):
    missions: Text
    members: tuple[JuryMemberRole, ...] = Field(min_length=1)
    distinct_organismes_preferred: bool
    distinct_organismes_text: Text


class NationalJury(_Frozen):
    text: Text
    missions: Text
    # The national jury is not in the registry: its proclamation is recorded by this role.
    recorded_by: Literal["secretariat"] = "secretariat"


class Juries(_Frozen):
    local: LocalJury
    national: NationalJury


class OralExemption(_Frozen):
    text: Text
    # "entre janvier 2013 et décembre 2015", inclusive of both months.
    from_: str = Field(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
    to: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")


class VaeConditions(_Frozen):
    admissibility_by: Text
    # The registry role that speaks for the certifying body on admissibility.
    admissibility_role: Literal["certificateur", "secretariat"] = "certificateur"
    relation_text: Text
    min_experience_years: int = Field(ge=0)
    duration_text: Text
    oral_exemption: OralExemption
    partial_text: Text
    validated_competencies_expire: bool


class WeightedReferential(_Frozen):
    kind: Literal["weighted"]
    id: Id
    title: Text
    version: Text
    source: Text
    purpose: Text
    routes: tuple[Route, ...] = Field(min_length=1)
    activities: tuple[Activity, ...] = Field(min_length=1)
    groups: tuple[CompetencyGroup, ...] = Field(min_length=1)
    modalities: tuple[Modality, ...] = Field(min_length=1)
    certification: tuple[CertifiedCompetency, ...] = Field(min_length=1)
    evaluations: tuple[Evaluation, ...] = Field(min_length=1)
    total: int = Field(gt=0)
    rule: WeightedRule
    juries: Juries
    vae: VaeConditions

    @model_validator(mode="after")
    def _ids_are_consistent(self) -> WeightedReferential:
        seen: set[str] = set()
        numbers: list[int] = []
        for g_index, group in enumerate(self.groups):
            for c_index, comp in enumerate(group.competencies):
                _unique(seen, comp.id, f"groups[{g_index}].competencies[{c_index}]")
                numbers.append(comp.number)
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("les compétences ne sont pas numérotées 1, 2, 3… dans l'ordre")
        modality_ids = {m.id for m in self.modalities}
        certified: set[str] = set()
        for index, line in enumerate(self.certification):
            where = f"certification[{index}]"
            if line.competency not in seen:
                raise ValueError(f"{where} : compétence inconnue {line.competency}")
            _unique(certified, line.competency, where)
            for modality in line.modalities:
                if modality not in modality_ids:
                    raise ValueError(f"{where} : modalité inconnue {modality}")
        eval_ids: set[str] = set()
        for index, evaluation in enumerate(self.evaluations):
            where = f"evaluations[{index}]"
            _unique(eval_ids, evaluation.id, where)
            if evaluation.modality not in modality_ids:
                raise ValueError(f"{where} : modalité inconnue {evaluation.modality}")
            limit = evaluation.eliminatory_at_or_below
            if limit is not None and not 0 <= limit <= evaluation.scale:
                raise ValueError(f"{where} : note éliminatoire hors de l'échelle")
        weighted_total = sum(e.scale * e.coefficient for e in self.evaluations)
        if weighted_total != self.total:
            raise ValueError(
                f"les coefficients donnent un total sur {weighted_total}, pas sur {self.total}"
            )
        return self

    def competency(self, competency_id: str) -> NumberedCompetency:
        for group in self.groups:
            for comp in group.competencies:
                if comp.id == competency_id:
                    return comp
        raise KeyError(competency_id)

    def evaluation(self, evaluation_id: str) -> Evaluation:
        for evaluation in self.evaluations:
            if evaluation.id == evaluation_id:
                return evaluation
        raise KeyError(evaluation_id)

    def evaluations_covering(self, competency_id: str) -> tuple[Evaluation, ...]:
        for line in self.certification:
            if line.competency == competency_id:
                return tuple(e for e in self.evaluations if e.modality in line.modalities)
        return ()

    def certified_by(self, evaluation_id: str) -> tuple[str, ...]:
        modality = self.evaluation(evaluation_id).modality
        return tuple(c.competency for c in self.certification if modality in c.modalities)


Referential = Annotated[ThresholdReferential | WeightedReferential, Field(discriminator="kind")]


def _unique(seen: set[str], value: str, where: str) -> None:
    if value in seen:
        raise ValueError(f"{where} : identifiant en double « {value} »")
    seen.add(value)


def _nested(child: str, parent: str, where: str) -> None:
    # Ids carry their parent's id so that an event naming a criterion says where it belongs.
    if not child.startswith(parent + "."):
        raise ValueError(f"{where} : l'identifiant « {child} » n'est pas sous « {parent} »")


def referential_document(ref: ThresholdReferential | WeightedReferential) -> dict[str, Any]:
    """The referential as the JSON a publication carries: what the models read, written the
    same way whatever the file's layout, key order or defaults left out — so that the same
    content always has the same SHA-256, at the secretariat and at every station."""
    return ref.model_dump(mode="json", by_alias=True)


def document_sha256(document: dict[str, Any]) -> str:
    """The SHA-256 of a document's canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
