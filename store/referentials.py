"""Referential versions distributed by the secretariat (`carnet referentiels publier`).

The certification body publishes a new version of a referential (a criterion reworded, a
threshold changed by law): the secretariat records it as a registry event carrying the whole
document and its SHA-256 (``referential.published``). The registry travels in the
secretariat's bundles, so every station gets the version without a new release of carnet;
a station's referentials are ``grids/*.json`` plus every version its registry holds.

A version is never replaced: publishing a version that exists with another content is
refused, and so is a bundle carrying one (``check_bundle``); publishing the same content
twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grids import (
    Published,
    ReferentialError,
    Referentials,
    load_referential_file,
    parse_document,
)
from models.events import Event, EventError, PersonCreated, ReferentialPublished, payload_of
from models.referential import (
    ThresholdReferential,
    WeightedReferential,
    document_sha256,
    referential_document,
)
from store.authority import require_role
from store.bundle import BundleError
from store.draft import Draft
from store.errors import StoreError
from store.layout import REGISTRY

if TYPE_CHECKING:
    from store.store import Store

EVENT = "referential.published"
RULE = (
    "une version de référentiel est publiée par un agent du secrétariat, depuis le dossier "
    "du secrétariat, qui la distribue aux postes avec ses lots."
)


@dataclass(frozen=True)
class PublishReport:
    referential: str
    version: str
    sha256: str
    added: bool  # False: the same content was already held, nothing was recorded


def published_in(events: Iterable[Event]) -> list[Published]:
    """The publications of a registry, in its order. One that no longer reads with this
    release's models is left out rather than stopping the folder from opening: its
    candidates then say which version is missing."""
    found = []
    for event in events:
        if event.type != EVENT:
            continue
        try:
            payload = payload_of(event)
            assert isinstance(payload, ReferentialPublished)
            ref = parse_document(payload.document)
        except (EventError, ReferentialError):
            continue
        found.append(Published(ref, payload.sha256, event.author, event.ts, event.station,
                               event.id))  # fmt: skip
    return found


def publish(store: Store, path: Path, author: str) -> PublishReport:
    """Records a referential version read from a JSON file, by a secretariat agent."""
    require_role(store.people(), author, "secretariat", "publier une version de référentiel",
                 RULE)  # fmt: skip
    if not store.station.secretariat:
        raise StoreError(
            "ce dossier n'est pas celui du secrétariat : une version de référentiel se publie "
            f"au secrétariat, qui la distribue. Règle : {RULE}"
        )
    try:
        ref = parse_document(referential_document(load_referential_file(path)))
    except ReferentialError as exc:
        text = str(exc)
        raise StoreError(text if text.startswith(str(path)) else f"{path} : {text}") from None
    document = referential_document(ref)
    sha = document_sha256(document)
    held = store.referentials.held().get((ref.id, ref.version))
    if held == sha:
        return PublishReport(ref.id, ref.version, sha, added=False)
    if held is not None:
        raise StoreError(
            f"{ref.id} version {ref.version} existe déjà ici avec un autre contenu (empreinte "
            f"{held[:16]}…, ce fichier {sha[:16]}…) : une version publiée ne se remplace "
            "jamais ; publiez ce contenu sous un nouveau numéro de version"
        )
    payload = {"referential": ref.id, "version": ref.version, "sha256": sha,
               "document": document}  # fmt: skip
    store.append(REGISTRY, [Draft(EVENT, payload)], author)
    return PublishReport(ref.id, ref.version, sha, added=True)


def check_bundle(
    held: dict[tuple[str, str], str],
    announced: Mapping[str, str],
    events: Sequence[dict[str, Any]],
) -> dict[tuple[str, str], str]:
    """A bundle's referential versions against those ``held`` here: the versions it was
    written with (``announced``, its header) and those its candidates were registered under
    must be held or published in the bundle itself; a version it publishes with another
    content than the one held is refused, never a silent replacement. Returns the versions
    it publishes that are new here (the caller adds them to ``held`` once it is taken)."""
    publications: list[dict[str, Any]] = []
    registered: set[tuple[str, str]] = set()
    for raw in events:  # one pass: a bundle may hold 200,000 events
        kind = raw.get("type")
        if kind == EVENT:
            publications.append(raw["payload"])  # read by its model when the bundle was checked
        elif kind == "candidate.created":
            payload = raw["payload"]
            registered.add((str(payload.get("cqp")), str(payload.get("referential_version"))))
    new: dict[tuple[str, str], str] = {}
    for payload in publications:
        key, sha = (str(payload["referential"]), str(payload["version"])), str(payload["sha256"])
        known = held.get(key, new.get(key))
        if known is None:
            try:
                parse_document(payload["document"])
            except ReferentialError as exc:
                raise _refused(f"{key[0]} version {key[1]} publiée illisible ici ({exc})") from None
            new[key] = sha
        elif known != sha:
            raise _refused(
                f"{key[0]} version {key[1]} publiée avec un autre contenu que celle détenue ici "
                f"(empreinte reçue {sha[:16]}…, détenue {known[:16]}…) : rien n'est remplacé ni "
                "appliqué. Une version publiée ne change jamais : le secrétariat doit publier ce "
                "contenu sous un nouveau numéro de version"
            )
    every = held.keys() | new.keys()
    missing = sorted({*announced.items(), *registered} - every)
    if missing:
        raise _refused(_missing(*missing[0]))
    return new


def _missing(ref_id: str, version: str) -> str:
    return (
        f"référentiel inconnu ici : {ref_id} version {version}. Il arrive avec les lots du "
        "secrétariat qui l'a publié : importez d'abord le lot du secrétariat, puis celui-ci"
    )


def _refused(text: str) -> BundleError:
    return BundleError(text)


def versions(
    refs: Referentials, people: Mapping[str, PersonCreated]
) -> list[tuple[ThresholdReferential | WeightedReferential, dict[str, Any]]]:
    """Every version held, built in then published in order, each with where it comes from
    (``carnet referentiels``): ``origin`` (« integre » or « publie », with who, when, from
    which folder), its ``sha256``, and ``current`` for the version new candidates get."""
    current = {(ref.id, ref.version) for ref in refs.all()}
    found: list[tuple[ThresholdReferential | WeightedReferential, dict[str, Any]]] = []
    for ref in (refs.builtin_conseil, refs.builtin_carriere):
        origin: dict[str, str | None] = {
            "kind": "integre",
            "sha256": document_sha256(referential_document(ref)),
        }
        found.append((ref, {"origin": origin, "current": (ref.id, ref.version) in current}))
    for item in refs.published:
        ref = item.referential
        person = people.get(item.by)
        origin = {
            "kind": "publie",
            "by": item.by,
            "by_name": person.name if person is not None else None,
            "at": item.at,
            "station": item.station,
            "sha256": item.sha256,
        }
        found.append((ref, {"origin": origin, "current": (ref.id, ref.version) in current}))
    return found
