"""Append-only events: what every change to a dossier or the registry is recorded as.

Each event names its station, its per-station sequence number and the hash of the station's
previous event, so a chain can be checked end to end by whoever receives it (the secretariat).
Payloads are validated per type when the state is derived, never trusted blindly.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    model_validator,
    with_config,
)
from typing_extensions import TypedDict

from models.errors import CarnetError
from models.jsontext import Encoded, compact_json
from models.referential import document_sha256
from models.threshold import CriterionState
from models.validation_text import french

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "station", "seq", "author", "ts", "dossier", "type", "payload", "prev")


class EventError(CarnetError):
    """An event that is malformed or whose hash does not match its content."""


# An event's fields, declared once: for ``Event`` and for ``_Fields``, their check in bulk.
_Id = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
_Name = Annotated[str, Field(min_length=1, max_length=64)]
_Seq = Annotated[int, Field(ge=1)]
_Ts = Annotated[
    str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$")
]
_Type = Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z_]+$")]
_Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def _an_object(value: Any) -> dict[str, Any]:
    """A payload is a JSON object (its keys strings, as JSON's are); its contents are checked
    by its type's model (``payload_of``), so it is taken as it is rather than copied key by
    key (a sixth of an event's check, for every event a cold status reads)."""
    if type(value) is not dict:
        raise ValueError("le contenu d'un événement est un objet JSON")
    return value


_Payload_object = Annotated[dict[str, Any], PlainValidator(_an_object)]


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: _Id
    station: _Name
    seq: _Seq
    author: _Name
    ts: _Ts
    dossier: _Name
    type: _Type
    payload: _Payload_object
    prev: _Hash
    hash: _Hash

    @classmethod
    def from_stored(cls, raw: Any) -> Event:
        """Reads and checks an event as stored; a bad or tampered one raises EventError.

        When ``raw`` carries the JSON it was read from (``raw.json``, as a dossier's reader
        gives it), its hash is checked on those bytes: they are the hashed text itself when
        they are as carnet writes an event (sorted keys, the hash last), and encoding the
        event again would only make them once more (a sixth of a cold ``status`` over 500,000
        events). Any other text, or a hash that does not match, is checked the long way,
        which says what is wrong."""
        text = getattr(raw, "json", None)
        if isinstance(text, bytes) and getattr(raw, "hash_of_json", False):
            # Its hash was computed from these very bytes as they were read (a record that
            # leaves it out, its line checked by its file's chain): nothing to compare again.
            return cls._validated(raw)
        if isinstance(text, bytes) and text.startswith(_SORTED_START):
            event = cls._validated(raw)
            hashed = text[:-HASH_TAIL] + b"}"
            if (
                with_hash(hashed, event.hash) == text
                and hashlib.sha256(hashed).hexdigest() == event.hash
            ):
                return event
        return cls.checked_json(raw)[0]

    @classmethod
    def checked_json(cls, raw: Any) -> tuple[Event, bytes]:
        """``from_stored``'s checks, and the event as JSON (UTF-8): its hashed fields as they
        are hashed (sorted keys, compact), then its hash. What a bundle or a dossier holds, from
        the text the check has made anyway, rather than encoding every event a second time."""
        event = cls._validated(raw)
        data = _hashed_json(raw)
        if event.hash != hashlib.sha256(data).hexdigest():
            raise EventError(f"événement n° {event.seq} altéré : son empreinte ne correspond pas")
        return event, with_hash(data, event.hash)

    @classmethod
    def _validated(cls, raw: Any) -> Event:
        try:
            # A stored document is a read-only dict subclass, which pydantic reads a fifth
            # slower than a plain dict: a copy of its top level costs less than that.
            return cls.model_validate(raw if type(raw) is dict else dict(raw))
        except ValidationError as exc:
            raise EventError(f"événement illisible : {french(exc)}") from exc

    def stored(self) -> dict[str, Any]:
        return self.model_dump()

    def encoded(self) -> Encoded:
        """The event as a dossier stores it, with its JSON: its hashed fields as they are
        hashed, then its hash (what ``checked_json`` gives, and ``from_stored`` checks without
        encoding)."""
        raw = self.stored()
        return Encoded(raw, with_hash(_hashed_json(raw), self.hash))


_canonical = compact_json(sort_keys=True)
# An event's stored JSON, as carnet writes it: its keys sorted (« author » first) and its hash
# after them, ``,"hash":"`` then 64 hexadecimal digits and ``"}``.
_SORTED_START = b'{"author":'
HASH_TAIL = len(b',"hash":""}') + 64


def with_hash(hashed: bytes, digest: str) -> bytes:
    """An event's stored JSON from its hashed fields' JSON (``{…}``) and its hash: 64
    hexadecimal digits (checked by then), nothing in them to escape."""
    return b'%s,"hash":"%s"}' % (hashed[:-1], digest.encode())


def canonical(data: Any) -> bytes:
    """The JSON that is hashed and signed: sorted keys, no spaces, UTF-8."""
    return _canonical(data).encode()


def _hashed_json(raw: Any) -> bytes:
    """What an event's hash covers: its hashed fields as canonical JSON."""
    return canonical({k: raw[k] for k in HASHED_FIELDS})


def content_hash(raw: dict[str, Any]) -> str:
    return hashlib.sha256(_hashed_json(raw)).hexdigest()


def utc_now() -> str:
    return format_ts(datetime.now(UTC))


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seal(
    *,
    event_id: str,
    station: str,
    seq: int,
    author: str,
    ts: str,
    dossier: str,
    type: str,
    payload: dict[str, Any],
    prev: str,
) -> Event:
    raw: dict[str, Any] = {
        "id": event_id,
        "station": station,
        "seq": seq,
        "author": author,
        "ts": ts,
        "dossier": dossier,
        "type": type,
        "payload": payload,
        "prev": prev,
    }
    raw["hash"] = content_hash(raw)
    return Event.model_validate(raw)


# --- Payloads, one model per event type ------------------------------------------------------


PersonRole = Literal[
    "tuteur", "manager", "representant_metier", "certificateur", "jury", "secretariat"
]
PERSON_ROLES: dict[str, str] = {
    "tuteur": "Tuteur",
    "manager": "Manager",
    "representant_metier": "Représentant métier",
    "certificateur": "Certificateur ou délégataire",
    "jury": "Membre de jury",
    "secretariat": "Agent du secrétariat",
}


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CandidateCreated(_Payload):
    candidate: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    organisme: str = Field(min_length=1, max_length=200)
    cqp: str
    referential_version: str
    route: Literal["nouvel_embauche", "parcours_formation", "vae"] | None = None
    tutor: str | None = None
    manager: str | None = None
    started: date | None = None  # entry into the training path or the VAE process


Relation = Literal["tuteur", "manager", "superieur", "formateur"]
LogbookRole = Literal["tuteur", "manager"]
EvaluatorRole = Literal["representant_metier", "certificateur"]
Reason = Annotated[str, Field(min_length=3, max_length=2000)]


class LinkDeclared(_Payload):
    """A declared link between a person and the candidate (tutor of, manager of…)."""

    person: str
    relation: Relation


class AttestationSigned(_Payload):
    competency: str
    role: LogbookRole
    person: str
    situation: Reason  # the real work situation, in a sentence
    replaces: str | None = None  # see models.conflicts
    proof: PersonalProof | None = None  # the signer's own signature (issue 11)


class AttestationWithdrawn(_Payload):
    competency: str
    role: LogbookRole
    person: str
    reason: Reason
    proof: PersonalProof | None = None  # the signer's own signature (issue 11)


class GridOpened(_Payload):
    grid: str = Field(min_length=1, max_length=64)
    block: str
    situation: str | None = None
    evaluator: str
    certifier: str
    # Each evaluator confirmed the independence declaration before the grid opened.
    declarations: tuple[str, ...] = Field(min_length=2, max_length=2)


class TimerStarted(_Payload):
    grid: str
    phase: str


class TimerPaused(_Payload):
    grid: str
    phase: str


class InterviewsCounted(_Payload):
    grid: str
    count: int = Field(ge=0, le=99)


class LetterRecorded(_Payload):
    grid: str
    index: int = Field(ge=1, le=99)
    reason: str = Field(max_length=500)
    processed: bool


class CoverageMarked(_Payload):
    grid: str
    competency: str
    covered: bool


class NoDocumentNoted(_Payload):
    grid: str
    confirmed: bool


class QuestionRecorded(_Payload):
    grid: str
    index: int = Field(ge=1, le=99)
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(max_length=4000)


class GridClosed(_Payload):
    grid: str
    shortfalls: tuple[str, ...] = ()
    reason: str | None = Field(default=None, max_length=2000)


class GridSigned(_Payload):
    grid: str
    person: str
    role: EvaluatorRole
    # What the signer attests: each criterion's state and each competency's count (issue 11).
    attests: dict[str, str] | None = None
    counts: dict[str, tuple[int, int]] | None = None
    proof: PersonalProof | None = None  # the signer's own signature (issue 11)


class CriterionAmended(_Payload):
    grid: str
    criterion: str
    state: CriterionState
    comment: str = Field(default="", max_length=2000)
    reason: Reason
    proof: PersonalProof | None = None  # the amending evaluator's own signature (issue 11)


class CriterionMarked(_Payload):
    grid: str
    criterion: str
    state: CriterionState
    comment: str = Field(default="", max_length=2000)
    replaces: str | None = None  # see models.conflicts
    undoes: str | None = None  # « u » in the grid: the event whose change this one reverts


class MarkEntered(_Payload):
    evaluation: str
    mark: str = Field(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?$")
    by: str | None = None  # the person who entered it (the local jury for the oral)
    replaces: str | None = None  # see models.conflicts


JuryRole = Literal["caisse_nationale", "branche_retraite", "expert_metier"]
Proclamation = Literal[
    "certifie", "non_certifie", "validation_totale", "validation_partielle", "aucune_validation"
]
# A proclamation that asks the national jury for recommendations (further work, training…).
NEEDS_RECOMMENDATIONS = frozenset({"non_certifie", "validation_partielle", "aucune_validation"})


class JurySeat(_Payload):
    role: JuryRole
    person: str


class JuryComposed(_Payload):
    members: tuple[JurySeat, ...] = Field(min_length=3, max_length=3)
    # Warnings shown and accepted when composing (two members of one organisme).
    warnings: tuple[str, ...] = ()


class JuryProposed(_Payload):
    """The local jury's proposal; a non-certification needs its reasoned opinion."""

    proposal: Literal["certification", "non_certification"]
    reasons: str = Field(default="", max_length=4000)
    proof: PersonalProof | None = None  # the member's own signature (issue 11)

    @model_validator(mode="after")
    def _reasoned(self) -> JuryProposed:
        if self.proposal == "non_certification" and len(self.reasons.strip()) < 3:
            raise ValueError("un avis de non-certification doit être argumenté")
        return self


class JuryProclaimed(_Payload):
    """The national jury's sovereign decision, final even against the computed verdict."""

    decision: Proclamation
    recommendations: str = Field(default="", max_length=4000)
    on: date
    proof: PersonalProof | None = None  # the recording agent's own signature (issue 11)

    @model_validator(mode="after")
    def _recommended(self) -> JuryProclaimed:
        if self.decision in NEEDS_RECOMMENDATIONS and len(self.recommendations.strip()) < 3:
            raise ValueError("un échec ou une validation partielle appelle des préconisations")
        return self


class ExperiencePeriod(_Payload):
    start: date
    end: date
    description: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _ordered(self) -> ExperiencePeriod:
        if self.end < self.start:
            raise ValueError("une période finit après son début")
        return self


class VaeAdmissibility(_Payload):
    """The certifying body's decision on a VAE request, with what it was based on."""

    related: bool
    description: Reason
    periods: tuple[ExperiencePeriod, ...] = Field(max_length=50)
    days: int = Field(ge=0)
    admissible: bool
    reason: str = Field(default="", max_length=2000)
    on: date

    @model_validator(mode="after")
    def _reasoned(self) -> VaeAdmissibility:
        if not self.admissible and len(self.reason.strip()) < 3:
            raise ValueError("une demande irrecevable garde son motif")
        return self


class VaeProofReceived(_Payload):
    received: date
    attestation_3a: date | None = None  # "parcours 3a Technicien carrière" attestation
    oral: bool  # presented before the local jury (or an oral asked for despite the exemption)


class VaeCompetencyDecided(_Payload):
    competency: str
    validated: bool
    comment: str = Field(default="", max_length=2000)
    proof: PersonalProof | None = None  # the jury member's own signature (issue 11)


class AttemptStarted(_Payload):
    """A new VAE session after a partial or refused validation; acquired competencies stay."""

    reason: Reason


class PassRecorded(_Payload):
    followed: bool


class ConflictResolved(_Payload):
    """The secretariat's choice between values recorded concurrently by two stations."""

    key: str = Field(min_length=1, max_length=300)
    chosen: str = Field(pattern=r"^[0-9a-f]{32}$")
    reason: Reason
    proof: PersonalProof | None = None  # the agent's own signature (issue 11)


class CandidateAssigned(_Payload):
    """The secretariat gives a candidate to a station (the tutor's, an evaluator's laptop) and
    names the evaluators who take it there: that station then receives the dossier."""

    station: str = Field(min_length=1, max_length=64)
    evaluators: tuple[str, ...] = Field(default=(), max_length=10)


class PersonCreated(_Payload):
    person: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    organisme: str = Field(min_length=1, max_length=200)
    roles: tuple[PersonRole, ...] = Field(min_length=1)


class PersonEdited(_Payload):
    """A person's name, organisme or roles as they now stand (the values after the edit;
    the ones before are those of the registry's earlier events)."""

    person: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    organisme: str = Field(min_length=1, max_length=200)
    roles: tuple[PersonRole, ...] = Field(min_length=1)
    reason: str = Field(default="", max_length=2000)


class PersonDeactivated(_Payload):
    """A person who signs and is chosen no more; their past signatures stay valid."""

    person: str = Field(min_length=1, max_length=64)
    reason: Reason


class OrganismeRegistered(_Payload):
    """An organisme added to the registry by the secretariat, under its canonical name."""

    name: str = Field(min_length=1, max_length=200)


class CandidateEdited(_Payload):
    """A candidate's name, entry date, tutor and manager as they now stand. A change of
    tutor or manager takes effect on ``effective`` and gives its reason."""

    name: str = Field(min_length=1, max_length=200)
    started: date | None = None
    tutor: str | None = None
    manager: str | None = None
    effective: date | None = None
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _two_people(self) -> CandidateEdited:
        if self.tutor is not None and self.tutor == self.manager:
            raise ValueError("le tuteur et le manager doivent être deux personnes différentes")
        return self


class CandidateDeactivated(_Payload):
    """A candidate whose dossier takes no more entries (left the path…), with the reason."""

    reason: Reason


class PersonalProof(_Payload):
    """A person's own signature of the event's content (see models.signatures)."""

    person: str = Field(min_length=1, max_length=64)
    key: str = Field(pattern=r"^[0-9a-f]{16}$")
    signature: str = Field(min_length=1, max_length=200)


class CredentialRegistered(_Payload):
    """A person's public signing key, set with the person present (registry event)."""

    person: str = Field(min_length=1, max_length=64)
    key: str = Field(pattern=r"^[0-9a-f]{16}$")
    public_key: str = Field(min_length=1, max_length=100)


class CredentialLocked(_Payload):
    """Five wrong secrets in a row: the person signs nothing until a reset."""

    person: str = Field(min_length=1, max_length=64)
    failures: int = Field(ge=1)


class CredentialReset(_Payload):
    """A secretariat agent's reset of a locked or forgotten secret, with its reason."""

    person: str = Field(min_length=1, max_length=64)
    reason: Reason


class ReferentialPublished(_Payload):
    """A referential version the secretariat publishes (registry event): the certification
    body reworded a criterion, or the law changed a threshold. The whole document travels,
    with its SHA-256, so that every station computes its candidates' verdicts with it."""

    referential: str = Field(pattern=r"^[a-z0-9_.\-]+$", min_length=1, max_length=64)
    version: str = Field(min_length=1, max_length=64)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    document: dict[str, Any]

    @model_validator(mode="after")
    def _what_it_says(self) -> ReferentialPublished:
        # Checked wherever the event is read: a document altered on the way, or one naming
        # another referential or version than the event, never counts as published.
        if document_sha256(self.document) != self.sha256:
            raise ValueError("le document publié ne correspond pas à son empreinte SHA-256")
        if (self.document.get("id"), self.document.get("version")) != (
            self.referential,
            self.version,
        ):
            raise ValueError("le document publié n'est pas le référentiel et la version annoncés")
        return self


PAYLOADS: dict[str, type[_Payload]] = {
    "candidate.created": CandidateCreated,
    "link.declared": LinkDeclared,
    "attestation.signed": AttestationSigned,
    "attestation.withdrawn": AttestationWithdrawn,
    "grid.opened": GridOpened,
    "criterion.marked": CriterionMarked,
    "timer.started": TimerStarted,
    "timer.paused": TimerPaused,
    "interviews.counted": InterviewsCounted,
    "letter.recorded": LetterRecorded,
    "coverage.marked": CoverageMarked,
    "no_document.noted": NoDocumentNoted,
    "question.recorded": QuestionRecorded,
    "grid.closed": GridClosed,
    "grid.signed": GridSigned,
    "criterion.amended": CriterionAmended,
    "mark.entered": MarkEntered,
    "pass.recorded": PassRecorded,
    "jury.composed": JuryComposed,
    "jury.proposed": JuryProposed,
    "jury.proclaimed": JuryProclaimed,
    "vae.admissibility": VaeAdmissibility,
    "vae.proof_received": VaeProofReceived,
    "vae.competency_decided": VaeCompetencyDecided,
    "attempt.started": AttemptStarted,
    "conflict.resolved": ConflictResolved,
    "person.created": PersonCreated,
    "candidate.assigned": CandidateAssigned,
    "credential.registered": CredentialRegistered,
    "credential.locked": CredentialLocked,
    "credential.reset": CredentialReset,
    "referential.published": ReferentialPublished,
    "person.edited": PersonEdited,
    "person.deactivated": PersonDeactivated,
    "organisme.registered": OrganismeRegistered,
    "candidate.edited": CandidateEdited,
    "candidate.deactivated": CandidateDeactivated,
}


def payload_of(event: Event) -> _Payload | None:
    """The typed payload, or None for a type this version does not know (kept, not applied)."""
    return _typed_payload(event.type, event.payload, event.seq)


def _typed_payload(type: str, payload: Any, seq: int) -> _Payload | None:
    model = PAYLOADS.get(type)
    if model is None:
        return None
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise EventError(f"événement n° {seq} ({type}) : contenu invalide, {french(exc)}") from exc


@with_config(ConfigDict(extra="forbid"))
class _Fields(TypedDict):
    """An event's fields, checked as ``Event`` checks them, into a plain dict: the same
    fields with the same types (tests/test_events_in_bulk.py: both accept the same events)."""

    id: _Id
    station: _Name
    seq: _Seq
    author: _Name
    ts: _Ts
    dossier: _Name
    type: _Type
    payload: Any  # checked below: a dict (cheaper than pydantic's copy), then by its model
    prev: _Hash
    hash: _Hash


_ALL_FIELDS = TypeAdapter(list[_Fields])


class Sealed(NamedTuple):
    """What a receiver needs of an event checked in bulk: its place in its origin's chain and
    its JSON as ``Event.checked_json`` makes it."""

    station: str
    seq: int
    prev: str
    hash: str
    json: bytes


def checked_in_bulk(raws: list[Any]) -> list[Sealed] | None:
    """Every event of ``raws`` checked as ``Event.checked_json`` then ``payload_of`` check it
    (fields, hash, payload), at four fifths of the cost: the fields of all of them validated
    in one call into plain dicts, without an ``Event`` for each (building one is most of its
    own check). A station's bundle from the secretariat holds 20,000 events and more. None
    when any of them fails: the caller then checks them one by one, which says which and why."""
    try:
        fields = _ALL_FIELDS.validate_python(raws)
    except ValidationError:
        return None
    sealed = []
    for raw, checked in zip(raws, fields, strict=True):
        data = _hashed_json(raw)
        digest = checked["hash"]
        if digest != hashlib.sha256(data).hexdigest():
            return None
        payload = checked["payload"]
        if not isinstance(payload, dict):
            return None
        try:
            _typed_payload(checked["type"], payload, checked["seq"])
        except EventError:
            return None
        json = with_hash(data, digest)
        sealed.append(Sealed(checked["station"], checked["seq"], checked["prev"], digest, json))
    return sealed
