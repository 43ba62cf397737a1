"""Append-only events: what every change to a dossier or the registry is recorded as.

Each event names its station, its per-station sequence number and the hash of the station's
previous event, so a chain can be checked end to end by whoever receives it (the secretariat).
Payloads are validated per type when the state is derived, never trusted blindly.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.errors import CarnetError
from models.threshold import CriterionState

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "station", "seq", "author", "ts", "dossier", "type", "payload", "prev")


class EventError(CarnetError):
    """An event that is malformed or whose hash does not match its content."""


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    station: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)
    author: str = Field(min_length=1, max_length=64)
    ts: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$")
    dossier: str = Field(min_length=1, max_length=64)
    type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    payload: dict[str, Any]
    prev: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @classmethod
    def from_stored(cls, raw: Any) -> Event:
        """Reads and checks an event as stored; a bad or tampered one raises EventError."""
        try:
            event = cls.model_validate(raw)
        except ValidationError as exc:
            raise EventError(f"événement illisible : {exc.errors()[0]['msg']}") from exc
        if event.hash != content_hash(raw):
            raise EventError(f"événement n° {event.seq} altéré : son empreinte ne correspond pas")
        return event

    def stored(self) -> dict[str, Any]:
        return self.model_dump()


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(raw: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({k: raw[k] for k in HASHED_FIELDS})).hexdigest()


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


class GridOpened(_Payload):
    grid: str = Field(min_length=1, max_length=64)
    block: str
    situation: str | None = None


class CriterionMarked(_Payload):
    grid: str
    criterion: str
    state: CriterionState
    comment: str = Field(default="", max_length=2000)


class MarkEntered(_Payload):
    evaluation: str
    mark: str = Field(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?$")


class PassRecorded(_Payload):
    followed: bool


class PersonCreated(_Payload):
    person: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    organisme: str = Field(min_length=1, max_length=200)
    roles: tuple[
        Literal["tuteur", "manager", "representant_metier", "certificateur", "jury"], ...
    ] = Field(min_length=1)


PAYLOADS: dict[str, type[_Payload]] = {
    "candidate.created": CandidateCreated,
    "grid.opened": GridOpened,
    "criterion.marked": CriterionMarked,
    "mark.entered": MarkEntered,
    "pass.recorded": PassRecorded,
    "person.created": PersonCreated,
}


def payload_of(event: Event) -> _Payload | None:
    """The typed payload, or None for a type this version does not know (kept, not applied)."""
    model = PAYLOADS.get(event.type)
    if model is None:
        return None
    try:
        return model.model_validate(event.payload)
    except ValidationError as exc:
        raise EventError(
            f"événement n° {event.seq} ({event.type}) : contenu invalide, {exc.errors()[0]['msg']}"
        ) from exc
