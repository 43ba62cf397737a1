"""Loads and validates the referential files, refusing a bad one with a message that says where."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from models.errors import CarnetError
from models.referential import Referential, ThresholdReferential, WeightedReferential

CONSEIL_ID = "gestionnaire-conseil"
CARRIERE_ID = "gestionnaire-carriere"
_FILES = {CONSEIL_ID: "gestionnaire_conseil.json", CARRIERE_ID: "gestionnaire_carriere.json"}
_ADAPTER: TypeAdapter[ThresholdReferential | WeightedReferential] = TypeAdapter(Referential)


class ReferentialError(CarnetError):
    """A referential file that cannot be trusted."""


@dataclass(frozen=True)
class Referentials:
    conseil: ThresholdReferential
    carriere: WeightedReferential

    def get(self, referential_id: str) -> ThresholdReferential | WeightedReferential:
        if referential_id == self.conseil.id:
            return self.conseil
        if referential_id == self.carriere.id:
            return self.carriere
        raise ReferentialError(f"référentiel inconnu : « {referential_id} »")

    def all(self) -> tuple[ThresholdReferential | WeightedReferential, ...]:
        return (self.conseil, self.carriere)


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
    return Referentials(conseil=conseil, carriere=carriere)
