"""A person's or a candidate's changes as French lines: who, when, before → after, why."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from models.events import PERSON_ROLES, PersonCreated
from models.people import Change, FieldChange
from tui.timefmt import when

FIELD_LABELS = {
    "name": "nom",
    "organisme": "organisme",
    "roles": "rôles",
    "started": "date d'entrée",
    "tutor": "tuteur",
    "manager": "manager",
    "active": "état",
}


def _value(field: str, value: str, people: Mapping[str, PersonCreated]) -> str:
    if not value:
        return "—"
    if field == "roles":
        return ", ".join(PERSON_ROLES.get(r, r) for r in value.split(","))
    if field in ("tutor", "manager"):
        found = people.get(value)
        return found.name if found is not None else value
    if field == "started":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return value


def field_text(change: FieldChange, people: Mapping[str, PersonCreated]) -> str:
    label = FIELD_LABELS.get(change.field, change.field)
    before = _value(change.field, change.before, people)
    after = _value(change.field, change.after, people)
    return f"{label} : « {before} » → « {after} »"


def change_text(change: Change, people: Mapping[str, PersonCreated]) -> str:
    """« 07/12/2026 10:15, par Sam Secrétariat — nom : « A » → « B » ; effet le … ; motif : … »"""
    author = people.get(change.by)
    parts = [field_text(c, people) for c in change.changes]
    if change.effective:
        parts.append("à compter du " + date.fromisoformat(change.effective).strftime("%d/%m/%Y"))
    if change.reason:
        parts.append(f"motif : {change.reason}")
    who = author.name if author is not None else change.by
    return f"{when(change.at)}, par {who} — " + " ; ".join(parts)
