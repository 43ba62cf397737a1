"""An event's record without what its file already says (format 3 of the data files).

An event's hash is the SHA-256 of its hashed fields' JSON, and that JSON is what its record
holds: storing the hash beside it says nothing the bytes do not. Its ``prev`` is the hash of
the event its station made just before; when that event is its station's last one in the same
file (a tutor signing, an evaluator marking: one dossier, event after event, whatever other
stations' events came in between), the file says it too. A record written here leaves out both, and reading puts them
back: the same document, the same JSON, the same hashes, with a record about 140 bytes
shorter. The record itself stays checked by the file's chain (``storage.chain``), and keeps
the first 8 digits of its event's hash (``check``): an event edited by hand, its line's chain
hash made again, is still refused as altered, as when the whole hash was stored.

``Tails`` follows, per station, its last event in the file: (sequence number, hash). The
writer and the reader update it alike, record after record, so that both agree on which
``prev`` was left out.
"""

from __future__ import annotations

import hashlib
from typing import Any

from models.events import HASH_TAIL, canonical, with_hash
from models.jsontext import Encoded

Tails = dict[str, tuple[int, str]]

# In those sorted keys « seq », « station », « ts » and « type » follow « prev »: their values
# are a number and plain strings, so the last ``,"seq":`` is the event's own key, never one
# inside its payload (which comes before « prev »).
_SEQ_KEY = b',"seq":'


class NotAnEvent(ValueError):
    """A record whose event cannot be rebuilt: its station, number or ``prev`` is not there."""


CHECK = 8  # hexadecimal digits of an event's hash that its record keeps


class Altered(ValueError):
    """An event rebuilt from its record whose hash does not begin as the record says."""


def compacted(doc: Encoded, tails: Tails) -> tuple[bytes, bytes] | None:
    """The JSON to store for an event, without its hash and, when its station's last event in
    the file is its previous one, without its ``prev``, and the check to store beside it; None
    when ``doc`` is not an event as ``Event.encoded`` makes it (stored whole)."""
    text = doc.json
    digest, station, seq, prev = (
        doc.get("hash"),
        doc.get("station"),
        doc.get("seq"),
        doc.get("prev"),
    )
    if not (
        isinstance(digest, str)
        and isinstance(station, str)
        and isinstance(seq, int)
        and isinstance(prev, str)
        and len(text) > HASH_TAIL
    ):
        return None
    # The stored JSON as ``Event.encoded`` makes it: its hashed fields, then its hash.
    hashed = text[:-HASH_TAIL] + b"}"
    if with_hash(hashed, digest) != text:
        return None
    if tails.get(station) == (seq - 1, prev):
        key = b',"prev":"%s"' % prev.encode()
        at = hashed.rfind(key)
        if at < 0 or hashed.find(_SEQ_KEY, at) != at + len(key):
            return None
        hashed = hashed[:at] + hashed[at + len(key) :]
    tails[station] = (seq, digest)
    return hashed, digest[:CHECK].encode()


def follow(doc: dict[str, Any], tails: Tails) -> None:
    """Updates ``tails`` with an event stored whole (written or read)."""
    station, seq, digest = doc.get("station"), doc.get("seq"), doc.get("hash")
    if isinstance(station, str) and isinstance(seq, int) and isinstance(digest, str):
        tails[station] = (seq, digest)


def expanded(doc: dict[str, Any], text: bytes | None, check: str, tails: Tails) -> bytes:
    """Puts back into ``doc`` (as read from a compacted record, whose JSON is ``text``, or None
    when it is not known) its ``prev`` and hash; returns the event's JSON as ``Event.encoded``
    makes it, hash last. Raises ``NotAnEvent`` when its station's last event in the file is
    not its previous one, ``Altered`` when the hash does not begin with ``check``."""
    station, seq = doc.get("station"), doc.get("seq")
    if type(station) is not str or type(seq) is not int:
        raise NotAnEvent("événement sans poste ni numéro")
    if text is None:
        text = canonical(doc)
    if "prev" not in doc:
        above = tails.get(station)
        if above is None or above[0] != seq - 1:
            raise NotAnEvent("l'événement précédent de son poste manque avant lui")
        at = text.rfind(_SEQ_KEY)
        if at < 0:
            raise NotAnEvent("événement sans numéro")
        prev = above[1]
        text = b'%s,"prev":"%s"%s' % (text[:at], prev.encode(), text[at:])
        doc["prev"] = prev
    digest = hashlib.sha256(text).hexdigest()
    if not digest.startswith(check) or len(check) != CHECK:
        raise Altered("événement altéré : son empreinte ne correspond pas")
    doc["hash"] = digest
    tails[station] = (seq, digest)
    return b'%s,"hash":"%s"}' % (text[:-1], digest.encode())
