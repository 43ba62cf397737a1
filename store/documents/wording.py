"""Human values for the documents: dates JJ/MM/AAAA HH:MM in local time, decimal commas, people
by name and organisme rather than by id, conflicts in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from models.conflicts import Conflict, Source
from models.dossier import Signature
from models.events import AttestationSigned, CriterionMarked, MarkEntered, PersonCreated
from models.referential import ThresholdReferential, WeightedReferential
from models.signatures import verification_text
from models.threshold import CriterionState
from models.timing import parse_ts
from models.weighted import format_mark

if TYPE_CHECKING:
    from store.station import Station

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
LOGBOOK_ROLES = {"tuteur": "le tuteur", "manager": "le manager"}
# After « signature »: « signature du tuteur », never « de le tuteur ».
LOGBOOK_ROLES_OF = {"tuteur": "du tuteur", "manager": "du manager"}


def when(ts: str) -> str:
    """An event's UTC timestamp as the reader's local date and time."""
    return parse_ts(ts).astimezone().strftime("%d/%m/%Y %H:%M") if ts else "—"


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def decimal_text(value: Decimal | str | None, places: int = 2) -> str:
    """« 14,00 »: a decimal comma, exact (no float on the way)."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum):f}".replace(".", ",")


def mark_text(value: Decimal) -> str:
    return f"{format_mark(value)}/20"


@dataclass(frozen=True)
class People:
    """The people registry as the documents name them, with the public keys it carries (the
    documents check each personal signature they show)."""

    registry: Mapping[str, PersonCreated]
    keys: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def name(self, person: str | None) -> str:
        """« Name (organisme) »; an author who is not in the registry (a station's operator,
        the secretariat) as recorded; « — » for nobody."""
        if not person:
            return "—"
        found = self.registry.get(person)
        return f"{found.name} ({found.organisme})" if found else person

    def short(self, person: str | None) -> str:
        found = self.registry.get(person or "")
        return found.name if found else (person or "—")

    def organisme(self, person: str | None) -> str:
        found = self.registry.get(person or "")
        return found.organisme if found else ""


def verification(
    signature: Signature | Any, checks: Mapping[tuple[str, str], str | None] | None = None
) -> str:
    """The check of a signature shown in a document (see models.signatures.signature_checks),
    found by its signer and time; « enregistrée par le poste » when the document was made
    without the dossier's events to check it against."""
    key = (getattr(signature, "person", "") or getattr(signature, "author", ""), signature.ts)
    if checks is None or key not in checks:
        return "enregistrée par le poste"
    return verification_text(checks[key])


def conflict_subject(conflict: Conflict, ref: ThresholdReferential | WeightedReferential) -> str:
    """What two stations recorded differently, in words."""
    kind, _, rest = conflict.key.partition(":")
    if kind == "criterion" and isinstance(ref, ThresholdReferential):
        criterion = rest.split(":")[-1]
        for block in ref.blocks:
            for number, comp in enumerate(block.competencies, 1):
                for crit in comp.criteria:
                    if crit.id == criterion:
                        return (
                            f"le critère « {crit.text} » (bloc {block.number}, compétence "
                            f"{block.number}.{number})"
                        )
    if kind == "mark" and isinstance(ref, WeightedReferential):
        try:
            return f"la note « {ref.evaluation(rest).title} »"
        except (KeyError, StopIteration, ValueError):
            return f"la note {rest}"
    if kind == "attestation":
        competency, _, role = rest.rpartition(":")
        return f"la signature du carnet par {LOGBOOK_ROLES.get(role, role)} pour {_competency(ref, competency)}"
    if conflict.incompatible:
        return "un événement reçu d'un autre poste"
    return conflict.key


def _competency(ref: ThresholdReferential | WeightedReferential, competency: str) -> str:
    if isinstance(ref, ThresholdReferential):
        for block in ref.blocks:
            for number, comp in enumerate(block.competencies, 1):
                if comp.id == competency:
                    return f"la compétence {block.number}.{number} « {comp.title} »"
    return f"la compétence {competency}"


def source_value(source: Source, people: People) -> str:
    """One recorded value, with who recorded it and when: « 14,00/20 saisie par … le … »."""
    payload = source.payload
    author = people.name(source.author)
    if isinstance(payload, MarkEntered):
        by = people.name(payload.by or source.author)
        return f"{mark_text(Decimal(payload.mark))} saisie par {by} le {when(source.ts)}"
    if isinstance(payload, CriterionMarked):
        comment = f" (« {payload.comment} »)" if payload.comment else ""
        return f"{STATES[payload.state]}{comment} noté par {author} le {when(source.ts)}"
    if isinstance(payload, AttestationSigned):
        return (
            f"signée par {people.name(payload.person)} le {when(source.ts)} : {payload.situation}"
        )
    if not source.value:
        return f"mis de côté, enregistré par {author} le {when(source.ts)}"
    return f"{', '.join(str(v) for v in source.value)} par {author} le {when(source.ts)}"


def value_only(source: Source, people: People) -> str:
    payload = source.payload
    if isinstance(payload, MarkEntered):
        return mark_text(Decimal(payload.mark))
    if isinstance(payload, CriterionMarked):
        return f"« {STATES[payload.state]} »"
    if isinstance(payload, AttestationSigned):
        return f"La signature de {people.name(payload.person)}"
    return "La valeur de " + people.name(source.author)


def conflict_lines(
    conflict: Conflict, ref: ThresholdReferential | WeightedReferential, people: People
) -> list[str]:
    """The conflict as the jury reads it: what, each value, and what was kept and why."""
    subject = conflict_subject(conflict, ref)
    values = [source_value(source, people) for source in conflict.sources]
    if conflict.incompatible:
        head = f"Reçu d'un autre poste et mis de côté ({subject}) : {conflict.incompatible}"
    elif conflict.open:
        head = f"À trancher — deux postes ont enregistré {subject} différemment :"
    else:
        head = f"Tranché — deux postes avaient enregistré {subject} différemment :"
    lines = [head, *(f"– {value}" for value in values)]
    if not conflict.open:
        chosen = next((s for s in conflict.sources if s.event == conflict.chosen), None)
        kept = value_only(chosen, people) if chosen else "la valeur choisie"
        lines.append(
            f"{kept} retenu par {people.name(conflict.resolved_by)} le "
            f"{when(conflict.resolved_ts)} : {conflict.reason}"
        )
    return lines


def station_label(station: Station) -> str:
    """A data folder as people name it: its name and organisme (``carnet station --nom
    … --organisme …``); its identifier only while it has neither."""
    kind = "le secrétariat" if station.secretariat else "le poste"
    named = " ".join(
        part
        for part in (f"« {station.name} »" if station.name else "",
                     f"({station.organisme})" if station.organisme else "")
        if part
    )  # fmt: skip
    return f"{kind} {named}" if named else f"{kind} {station.id}, sans nom"
