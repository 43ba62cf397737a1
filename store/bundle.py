"""Signed files between stations and the secretariat: bundles of events and receipts.

A first line holding one JSON object: ``format``, ``version``, a ``header`` (kind, signing
station, its key's fingerprint, sequence number, referentials, event count, SHA-256 of the
content) and the Ed25519 ``signature`` of the canonical header; then the content, a JSON text.
The content is hashed as the bytes it is, so checking a file already imported costs one hash.
Everything is checked before anything is used: a file that fails any check is refused whole,
with the reason in French.

Version 2 adds the sender's role, name and organisme, and the recipient: a bundle's content is
then encrypted to it (``store.crypto``) and the hash and signature cover the ciphertext.
Version 1 files (clear, of the release before) still open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.errors import CarnetError
from models.events import (
    Event,
    EventError,
    Sealed,
    canonical,
    checked_in_bulk,
    payload_of,
    utc_now,
)
from models.jsontext import Encoded
from models.validation_text import french
from store.crypto import SCHEME, DecryptionError, decrypt, encrypt
from store.keys import PUBLIC_FORMAT, StationKey, TrustedKey, fingerprint
from store.station import Station

FORMAT = "carnet"
VERSION = 2
READABLE = (1, 2)
MAX_BYTES = 512 * 1024 * 1024  # far above a real bundle; refuses a file meant to exhaust memory
SUFFIX = ".carnet"


class BundleError(CarnetError):
    """A bundle or receipt refused whole; nothing of it was applied."""


class UnknownStation(BundleError):
    """Signed by a station this folder does not trust yet: the app offers to trust it, once
    its fingerprint has been checked with the station (by phone, on paper)."""

    def __init__(
        self, station: str, fingerprint: str, public: bytes, header: Header | None = None
    ) -> None:
        super().__init__(
            f"poste inconnu « {station} » (empreinte {fingerprint}) : faites d'abord confiance "
            "à sa clé publique (carnet trust FICHIER, ou confirmation dans l'application)"
        )
        self.station = station
        self.fingerprint = fingerprint
        self.public = public
        # What the bundle says of its sender (version 2), shown before trusting it.
        self.role = header.role if header is not None and header.role else None
        self.name = header.name if header is not None else None
        self.organisme = header.organisme if header is not None else None


class Encryption(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: Literal["x25519-hkdf-sha256-aes256gcm"]
    ephemeral: str = Field(max_length=100)
    nonce: str = Field(max_length=40)


class Header(BaseModel):
    """Fields that are None are left out of the file and of what is signed: a version 1
    header, which has none of them, is signed exactly as it was."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["bundle", "receipt"]
    station: str = Field(min_length=1, max_length=64)
    public_key: str = Field(max_length=100)
    fingerprint: str = Field(max_length=64)
    seq: int = Field(ge=1)
    created: str = Field(max_length=40)
    referentials: dict[str, str] = Field(default_factory=dict)
    count: int = Field(ge=0)
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=200)
    organisme: str | None = Field(default=None, max_length=200)
    recipient: str | None = Field(default=None, min_length=1, max_length=64)
    encryption: Encryption | None = None

    def signed(self) -> bytes:
        return canonical(self.model_dump(exclude_none=True))


def encryption_context(header_station: str, recipient: str, seq: int) -> bytes:
    return f"carnet\n{header_station}\n{recipient}\n{seq}".encode()


@dataclass(frozen=True)
class Recipient:
    """Who a bundle is encrypted to: its id and its X25519 public key."""

    station: str
    public: bytes


@dataclass(frozen=True)
class Opened:
    header: Header
    body: bytes
    version: int = VERSION  # of the file's format: a receipt of version 1 names no heads

    @property
    def content(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            raise BundleError("contenu illisible malgré une empreinte correcte") from None


def seal_file(
    kind: Literal["bundle", "receipt"],
    station: str,
    key: StationKey,
    seq: int,
    content: Any,
    *,
    count: int,
    referentials: Mapping[str, str] | None = None,
    sender: Station | None = None,
    recipient: Recipient | None = None,
    events: Sequence[bytes] | None = None,
) -> bytes:
    """A signed file; with a recipient, its content is encrypted to it. ``events``: the
    content's « events », each already as JSON (``Event.checked_json``), put before the
    rest of the content (a dict without them)."""
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    if events is not None:
        if not isinstance(content, dict) or "events" in content:
            raise ValueError("les événements déjà encodés vont dans un contenu sans « events »")
        rest = b"}" if body == b"{}" else b"," + body[1:]
        body = b"".join((b'{"events":[', b",".join(events), b"]", rest))
    encryption = None
    if recipient is not None:
        sealed = encrypt(
            body, recipient.public, encryption_context(station, recipient.station, seq)
        )
        body = sealed.ciphertext
        encryption = Encryption(scheme=SCHEME, ephemeral=sealed.ephemeral, nonce=sealed.nonce)
    header = Header(
        kind=kind,
        station=station,
        public_key=base64.b64encode(key.public).decode(),
        fingerprint=key.fingerprint,
        seq=seq,
        created=utc_now(),
        referentials=dict(referentials or {}),
        count=count,
        content_sha256=hashlib.sha256(body).hexdigest(),
        role=None if sender is None else sender.role,
        name=None if sender is None else sender.name,
        organisme=None if sender is None else sender.organisme,
        recipient=None if recipient is None else recipient.station,
        encryption=encryption,
    )
    header_data = header.model_dump(exclude_none=True)
    signature = key.sign(header.signed())
    envelope = {
        "format": FORMAT,
        "version": VERSION,
        "header": header_data,
        "signature": base64.b64encode(signature).decode(),
    }
    return (json.dumps(envelope, ensure_ascii=False) + "\n").encode() + body


@dataclass(frozen=True)
class Reader:
    """The folder opening files: its id, and the key bundles for it are encrypted to."""

    station: str
    private: bytes | None = None  # raw X25519 private key: a reader travels to worker processes


def open_file(
    data: bytes, trusted: Mapping[str, TrustedKey], reader: Reader | None = None
) -> Opened:
    """Checks a file's envelope, signature and content hash, and decrypts a content meant for
    ``reader``; returns the header and the content as bytes."""
    if len(data) > MAX_BYTES:
        raise BundleError(f"fichier trop volumineux ({len(data)} octets) : ce n'est pas un lot")
    if not data.strip():
        raise BundleError("fichier vide : ce n'est pas un lot carnet")
    if not data.startswith(b"{"):
        raise BundleError("ce n'est pas un lot carnet")
    if _is_key_file(data):
        raise BundleError(
            "ce fichier est la clé publique d'un poste, pas un lot : pour faire confiance à ce "
            "poste, carnet trust FICHIER --empreinte … (ou « i » sur ce fichier dans l'écran "
            "Échanges), après avoir vérifié l'empreinte avec lui"
        )
    first, newline, body = data.partition(b"\n")
    try:
        envelope = json.loads(first)
    except UnicodeDecodeError:
        raise BundleError("ce n'est pas un lot carnet (contenu binaire)") from None
    except (ValueError, RecursionError) as exc:
        raise BundleError(f"fichier tronqué ou illisible ({_json_reason(exc)})") from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise BundleError("ce n'est pas un lot carnet")
    version = envelope.get("version")
    if version not in READABLE:
        raise BundleError(
            f"version de format inconnue ({version!r}) : "
            f"cette version de carnet lit les versions {READABLE[0]} à {READABLE[-1]}"
        )
    if not isinstance(envelope.get("header"), dict):
        raise BundleError("en-tête absent ou illisible : ce fichier n'est pas un lot complet")
    try:
        header = Header.model_validate(envelope.get("header"))
    except ValidationError as exc:
        raise BundleError(f"en-tête invalide : {french(exc)}") from None
    if version == 1 and any(
        getattr(header, name) is not None
        for name in ("role", "name", "organisme", "recipient", "encryption")
    ):
        raise BundleError("en-tête invalide : champs de la version 2 dans un fichier version 1")
    if (
        header.recipient is not None
        and reader is not None
        and header.recipient != reader.station
        # This station's own bundle for another (an exchange folder shared both ways): its
        # signature is checked below with this station's key, then it is set aside as such.
        and header.station != reader.station
    ):
        known = trusted.get(header.recipient)
        name = f" ({known.label})" if known is not None and known.name else ""
        raise BundleError(
            f"lot chiffré pour {header.recipient}{name}, pas pour ce poste ({reader.station}) : "
            "seul son destinataire peut le lire. Demandez à l'expéditeur un lot pour ce poste "
            "(carnet export --pour)."
        )
    key = trusted.get(header.station)
    if key is None:
        try:
            public = base64.b64decode(header.public_key, validate=True)
        except (binascii.Error, ValueError):
            raise BundleError("clé publique de l'en-tête illisible") from None
        if fingerprint(public) != header.fingerprint:
            raise BundleError("l'empreinte de l'en-tête ne correspond pas à sa clé publique")
        raise UnknownStation(header.station, header.fingerprint, public, header)
    if header.fingerprint != key.fingerprint:
        raise BundleError(
            f"signé par une autre clé que celle connue pour le poste {header.station} "
            f"({header.fingerprint} au lieu de {key.fingerprint})"
        )
    try:
        signature = base64.b64decode(str(envelope.get("signature")), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError("signature absente ou illisible") from None
    if not key.verify(signature, header.signed()):
        raise BundleError(
            f"signature invalide : l'en-tête a été modifié ou n'est pas signé par {header.station}"
        )
    if not newline:
        raise BundleError("fichier tronqué : le contenu manque")
    if hashlib.sha256(body).hexdigest() != header.content_sha256:
        raise BundleError(
            "contenu altéré ou tronqué : son empreinte SHA-256 ne correspond pas à la signature"
        )
    return Opened(header, body, version)


def decrypted(opened: Opened, reader: Reader | None) -> Opened:
    """The content in clear: as it is, or decrypted with the reader's key."""
    header = opened.header
    if header.encryption is None:
        return opened
    if header.recipient is None or reader is None or reader.private is None:
        raise BundleError("lot chiffré sans destinataire lisible ici")
    try:
        plain = decrypt(
            opened.body,
            X25519PrivateKey.from_private_bytes(reader.private),
            header.encryption.ephemeral,
            header.encryption.nonce,
            encryption_context(header.station, header.recipient, header.seq),
        )
    except DecryptionError:
        raise BundleError(
            "contenu chiffré illisible avec la clé de ce poste : lot altéré, ou chiffré pour "
            "une autre clé que celle de ce poste"
        ) from None
    return Opened(header, plain, opened.version)


@dataclass(frozen=True)
class Content:
    """A bundle's content once checked: its events (any origin, each origin's in order) and,
    from version 2, the heads signed by each origin, what the sender holds, and the public
    keys a secretariat vouches for."""

    events: list[dict[str, Any]]
    heads: dict[str, list[Any]]
    holds: dict[str, list[Any]]
    keys: list[Any]
    spines: dict[str, Any]


def _section(content: dict[str, Any], name: str, kind: type) -> Any:
    value = content.get(name, kind())
    if not isinstance(value, kind):
        raise BundleError(f"contenu du lot illisible ({name})")
    return value


def check_events(opened: Opened, parsed: Any = None, *, keep_json: bool = True) -> Content:
    """A bundle's events, each checked: its own hash, its payload, each origin's chain within
    the bundle. Events stay as stored: dicts, with the JSON their check made when
    ``keep_json`` (``Encoded``: written to the dossiers without encoding them again; an
    import's worker processes, which send them back pickled, keep plain dicts). Whether each
    is vouched for by its origin,
    and whether the referential versions it was recorded with are held here, is checked on
    import (``store.referentials.check_bundle``): both need what was received before, the
    versions a bundle imported just before it published among them. ``parsed`` is the content
    already read from JSON, when the caller needed it before (``Opened.content`` reads it)."""
    header = opened.header
    content = opened.content if parsed is None else parsed  # ``parsed``: its content, read
    if isinstance(content, list):  # version 1: the sender's events only
        raw, heads, holds, keys, spines = content, {}, {}, [], {}
    elif isinstance(content, dict):
        raw = _section(content, "events", list)
        heads = _section(content, "heads", dict)
        holds = _section(content, "holds", dict)
        keys = _section(content, "keys", list)
        spines = _section(content, "spines", dict)
    else:
        raise BundleError("contenu du lot illisible")
    if len(raw) != header.count:
        raise BundleError("le nombre d'événements ne correspond pas à l'en-tête")
    # All at once; should any fail, one by one, which names the first that fails and why, in
    # the same order of checks as the chains below.
    bulk = checked_in_bulk(raw)
    previous: dict[str, Sealed] = {}
    events: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        if bulk is not None:
            event = bulk[index]
        else:
            try:
                checked, text = Event.checked_json(item)
                payload_of(checked)
            except EventError as exc:
                raise BundleError(f"événement {index + 1} refusé : {exc}") from None
            event = Sealed(checked.station, checked.seq, checked.prev, checked.hash, text)
        if isinstance(content, list) and event.station != header.station:
            raise BundleError(f"événement {index + 1} d'un autre poste ({event.station})")
        before = previous.get(event.station)
        if before is not None:
            if event.seq <= before.seq:
                raise BundleError("événements dans le désordre ou en double dans le lot")
            if event.seq == before.seq + 1 and event.prev != before.hash:
                raise BundleError(f"chaîne rompue dans le lot au n° {event.seq}")
        previous[event.station] = event
        events.append(Encoded(item, event.json) if keep_json else item)
    return Content(events, heads, holds, keys, spines)


def _is_key_file(data: bytes) -> bool:
    """A folder's public key file (store.keys): a small JSON object of its own format."""
    if len(data) > 64 * 1024 or PUBLIC_FORMAT.encode() not in data:
        return False
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and parsed.get("format") == PUBLIC_FORMAT


def _json_reason(exc: BaseException) -> str:
    """Where its JSON stops being JSON, in French (the decoder says it in English)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON invalide à la ligne {exc.lineno}, colonne {exc.colno}"
    if isinstance(exc, RecursionError):
        return "JSON imbriqué trop profondément"
    return "JSON invalide"
