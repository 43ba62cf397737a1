"""The registry as it stands: each person with their latest edit, who is deactivated, the
history of every change, and the organismes with one canonical name each.

Nothing here is stored: like a dossier, the registry's state is a fold over its append-only
events, so an edit never rewrites the event that created a person, and each change keeps who
made it, when, what it was before and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.events import (
    Event,
    EventError,
    OrganismeRegistered,
    PersonCreated,
    PersonDeactivated,
    PersonEdited,
    payload_of,
)
from models.status import sort_key


def organisme_key(name: str) -> str:
    """What two spellings of one organisme share: no case, no accents, and hyphens, dots
    and spaces alike (« Carsat Rhône-Alpes », « CARSAT rhone alpes » and « Carsat Rhône
    Alpes » are one key, hence one registry entry)."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", sort_key(name)).split())


class PersonRecord(PersonCreated):
    """A person as they stand after their latest edit. A subtype of the creation payload,
    so everything that reads a person (names, roles, organisme) reads the current values."""

    active: bool = True
    deactivation: str = ""  # the reason, once deactivated


def is_active(person: PersonCreated) -> bool:
    """Whether a person may still sign and be chosen (a plain creation payload: yes)."""
    return not isinstance(person, PersonRecord) or person.active


@dataclass(frozen=True)
class FieldChange:
    field: str  # "name", "organisme", "roles", "started", "tutor", "manager", "active"
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    """One line of a person's or a candidate's history."""

    at: str
    by: str
    kind: str  # "edited" or "deactivated"
    changes: tuple[FieldChange, ...]
    reason: str = ""
    effective: str = ""  # ISO date a tutor's or manager's change takes effect
    event: str = ""  # the event that made it


def diff(before: dict[str, str], after: dict[str, str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, before.get(name, ""), value)
        for name, value in after.items()
        if before.get(name, "") != value
    )


@dataclass
class Organismes:
    """key -> canonical name: the first spelling registered (or, for data written before
    the registry, the first spelling met in the people's events: a read-time mapping that
    keeps earlier folders working)."""

    names: dict[str, str] = field(default_factory=dict)

    def canonical(self, name: str) -> str | None:
        return self.names.get(organisme_key(name))

    def add(self, name: str) -> None:
        self.names.setdefault(organisme_key(name), name.strip())

    def sorted(self) -> list[str]:
        return sorted(self.names.values(), key=sort_key)

    def copy(self) -> Organismes:
        return Organismes(dict(self.names))


def _person_fields(person: PersonCreated) -> dict[str, str]:
    return {"name": person.name, "organisme": person.organisme, "roles": ",".join(person.roles)}


@dataclass
class RegistryState:
    people: dict[str, PersonRecord] = field(default_factory=dict)
    history: dict[str, list[Change]] = field(default_factory=dict)
    organismes: Organismes = field(default_factory=Organismes)

    @classmethod
    def of(cls, events: Iterable[Event]) -> RegistryState:
        state = cls()
        for event in events:
            state.apply(event, strict=False)
        return state

    def apply(self, event: Event, *, strict: bool = True) -> None:
        """Applies one registry event. ``strict`` (a write at this station) refuses an edit
        that does not fit; a merged folder's events are applied leniently (an edit whose
        person this folder does not hold yet is passed over rather than stop the reading)."""
        payload = payload_of(event)
        where = f"événement n° {event.seq}"
        match payload:
            case PersonCreated():
                self.people[payload.person] = PersonRecord(**payload.model_dump())
                self.organismes.add(payload.organisme)
            case PersonEdited():
                current = self.people.get(payload.person)
                if current is None:
                    if strict:
                        raise EventError(f"{where} : personne inconnue {payload.person}")
                    return
                if strict and not current.active:
                    raise EventError(f"{where} : {current.name} est désactivé(e)")
                updated = current.model_copy(
                    update={
                        "name": payload.name,
                        "organisme": payload.organisme,
                        "roles": payload.roles,
                    }
                )
                changes = diff(_person_fields(current), _person_fields(updated))
                self.people[payload.person] = updated
                self.organismes.add(payload.organisme)
                self.history.setdefault(payload.person, []).append(
                    Change(
                        event.ts, event.author, "edited", changes, payload.reason, event=event.id
                    )
                )
            case PersonDeactivated():
                current = self.people.get(payload.person)
                if current is None:
                    if strict:
                        raise EventError(f"{where} : personne inconnue {payload.person}")
                    return
                if not current.active:
                    if strict:
                        raise EventError(f"{where} : {current.name} est déjà désactivé(e)")
                    return
                self.people[payload.person] = current.model_copy(
                    update={"active": False, "deactivation": payload.reason}
                )
                self.history.setdefault(payload.person, []).append(
                    Change(
                        event.ts,
                        event.author,
                        "deactivated",
                        (FieldChange("active", "actif", "désactivé"),),
                        payload.reason,
                        event=event.id,
                    )
                )
            case OrganismeRegistered():
                known = self.organismes.canonical(payload.name)
                if strict and known is not None:
                    raise EventError(f"{where} : organisme déjà inscrit sous « {known} »")
                self.organismes.add(payload.name)
            case _:
                pass  # credentials: kept by the store, not part of who is who

    def copy(self) -> RegistryState:
        return RegistryState(
            dict(self.people),
            {pid: list(h) for pid, h in self.history.items()},
            self.organismes.copy(),
        )
