"""Loads and validates the referential files, refusing a bad one with a message that says where."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from models.errors import CarnetError
from models.referential import (
    Referential,
    ThresholdReferential,
    WeightedReferential,
    document_sha256,
    referential_document,
)

CONSEIL_ID = "gestionnaire-conseil"
CARRIERE_ID = "gestionnaire-carriere"
_FILES = {CONSEIL_ID: "gestionnaire_conseil.json", CARRIERE_ID: "gestionnaire_carriere.json"}
_KINDS = {CONSEIL_ID: "threshold", CARRIERE_ID: "weighted"}
_ADAPTER: TypeAdapter[ThresholdReferential | WeightedReferential] = TypeAdapter(Referential)


class ReferentialError(CarnetError):
    """A referential file that cannot be trusted."""


@dataclass(frozen=True)
class Published:
    """A referential version the secretariat published: who, when, from which folder."""

    referential: ThresholdReferential | WeightedReferential
    sha256: str
    by: str  # the secretariat agent's person id
    at: str  # the event's UTC timestamp
    station: str  # the folder that recorded the publication
    event: str


@dataclass(frozen=True)
class Referentials:
    """The built-in referentials (``grids/*.json``) and the versions published since. A new
    candidate gets the newest version of their CQP (the one published last, else the built-in
    one); a candidate keeps the version they were registered under (``version``)."""

    builtin_conseil: ThresholdReferential
    builtin_carriere: WeightedReferential
    published: tuple[Published, ...] = ()

    @property
    def conseil(self) -> ThresholdReferential:
        found = self.get(CONSEIL_ID)
        assert isinstance(found, ThresholdReferential)  # the kinds are checked on publication
        return found

    @property
    def carriere(self) -> WeightedReferential:
        found = self.get(CARRIERE_ID)
        assert isinstance(found, WeightedReferential)
        return found

    def builtin(self, referential_id: str) -> ThresholdReferential | WeightedReferential:
        if referential_id == self.builtin_conseil.id:
            return self.builtin_conseil
        if referential_id == self.builtin_carriere.id:
            return self.builtin_carriere
        raise ReferentialError(f"référentiel inconnu : « {referential_id} »")

    def get(self, referential_id: str) -> ThresholdReferential | WeightedReferential:
        """The newest version of a CQP: what a new candidate is registered under."""
        newest = self.builtin(referential_id)
        for item in self.published:
            if item.referential.id == referential_id:
                newest = item.referential
        return newest

    def version(
        self, referential_id: str, version: str
    ) -> ThresholdReferential | WeightedReferential:
        """One version of a CQP, built in or published: a candidate's verdicts are computed
        with the version they were registered under."""
        builtin = self.builtin(referential_id)
        if builtin.version == version:
            return builtin
        for item in self.published:
            if item.referential.id == referential_id and item.referential.version == version:
                return item.referential
        raise ReferentialError(
            f"référentiel {referential_id} version {version} absent de ce dossier : il arrive "
            "avec les lots du secrétariat qui l'a publié"
        )

    def all(self) -> tuple[ThresholdReferential | WeightedReferential, ...]:
        """The newest version of each CQP."""
        return (self.conseil, self.carriere)

    def held(self) -> dict[tuple[str, str], str]:
        """Every version held here, built in or published: (id, version) -> SHA-256."""
        found = {
            (ref.id, ref.version): document_sha256(referential_document(ref))
            for ref in (self.builtin_conseil, self.builtin_carriere)
        }
        for item in self.published:
            found.setdefault((item.referential.id, item.referential.version), item.sha256)
        return found

    def with_published(self, published: Iterable[Published]) -> Referentials:
        """These referentials with the versions published, in their order of publication.
        A version already held (built in, or published before) is kept as it was: a second
        publication of it is either the same content or was refused on import, never a
        silent replacement."""
        held = {(r.id, r.version) for r in (self.builtin_conseil, self.builtin_carriere)}
        kept = []
        for item in published:
            key = (item.referential.id, item.referential.version)
            if key not in held:
                held.add(key)
                kept.append(item)
        return Referentials(self.builtin_conseil, self.builtin_carriere, tuple(kept))


def parse_document(document: Any) -> ThresholdReferential | WeightedReferential:
    """A published document read by the same models as ``grids/*.json``, and of the kind its
    CQP has here (this release implements the threshold and the weighted rules, one per CQP)."""
    try:
        ref = _ADAPTER.validate_python(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "racine"
        raise ReferentialError(f"à « {place} » : {first['msg']}") from exc
    expected = _KINDS.get(ref.id)
    if expected is None:
        raise ReferentialError(
            f"référentiel inconnu : « {ref.id} » (connus : {', '.join(sorted(_KINDS))})"
        )
    if ref.kind != expected:
        raise ReferentialError(
            f"le référentiel {ref.id} suit la règle « {expected} », pas « {ref.kind} »"
        )
    return ref


def load_referential_file(path: Path) -> ThresholdReferential | WeightedReferential:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferentialError(f"{path} : lecture impossible ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ReferentialError(f"{path} : le fichier n'est pas en UTF-8") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReferentialError(
            f"{path}, ligne {exc.lineno}, colonne {exc.colno} : JSON invalide ({exc.msg})"
        ) from exc
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "racine"
        raise ReferentialError(f"{path}, à « {place} » : {first['msg']}") from exc


@cache
def load_referentials(folder: Path | None = None) -> Referentials:
    folder = folder or Path(__file__).parent
    conseil = load_referential_file(folder / _FILES[CONSEIL_ID])
    carriere = load_referential_file(folder / _FILES[CARRIERE_ID])
    if not isinstance(conseil, ThresholdReferential) or conseil.id != CONSEIL_ID:
        raise ReferentialError(f"{folder / _FILES[CONSEIL_ID]} : ce n'est pas le CQP attendu")
    if not isinstance(carriere, WeightedReferential) or carriere.id != CARRIERE_ID:
        raise ReferentialError(f"{folder / _FILES[CARRIERE_ID]} : ce n'est pas le CQP attendu")
    return Referentials(builtin_conseil=conseil, builtin_carriere=carriere)
