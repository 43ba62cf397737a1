"""Pydantic's validation errors said in French: what reaches a person (a bundle's header, an
event's content, a form) names the field and what it should be, never pydantic's English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError


def french(exc: ValidationError) -> str:
    """The first error of ``exc``, in French, with the field it is about."""
    errors = exc.errors()
    if not errors:  # pragma: no cover - pydantic raises with at least one error
        return "contenu invalide"
    return error_text(errors[0])


def error_text(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "value_error":  # carnet's own validators speak French already
        return str(error.get("msg", "")).removeprefix("Value error, ")
    field = _field(error.get("loc") or ())
    said = _SAID.get(kind)
    if said is None:
        return f"{field} invalide"
    if kind in _ABOUT_THE_FIELD:
        return f"{field} {said}"
    try:
        return f"{field} : {said.format(**ctx)}"
    except (KeyError, IndexError, ValueError):
        return f"{field} invalide"


def _field(loc: Sequence[Any]) -> str:
    named = ".".join(str(part) for part in loc)
    return f"champ « {named} »" if named else "contenu"


_ABOUT_THE_FIELD = frozenset({"missing", "extra_forbidden"})
_SAID = {
    "missing": "absent",
    "extra_forbidden": "inattendu",
    "string_type": "un texte est attendu",
    "string_too_short": "au moins {min_length} caractère(s)",
    "string_too_long": "au plus {max_length} caractères",
    "string_pattern_mismatch": "forme non reconnue",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_type": "un nombre est attendu",
    "float_parsing": "un nombre est attendu",
    "decimal_type": "un nombre est attendu",
    "decimal_parsing": "un nombre est attendu",
    "greater_than": "doit être plus grand que {gt}",
    "greater_than_equal": "doit être au moins {ge}",
    "less_than": "doit être plus petit que {lt}",
    "less_than_equal": "doit être au plus {le}",
    "bool_type": "vrai ou faux (true, false) est attendu",
    "bool_parsing": "vrai ou faux (true, false) est attendu",
    "literal_error": "valeur non reconnue",
    "enum": "valeur non reconnue",
    "dict_type": "un objet est attendu",
    "model_type": "un objet est attendu",
    "model_attributes_type": "un objet est attendu",
    "list_type": "une liste est attendue",
    "tuple_type": "une liste est attendue",
    "too_short": "au moins {min_length} élément(s)",
    "too_long": "au plus {max_length} élément(s)",
    "date_type": "une date AAAA-MM-JJ est attendue",
    "date_parsing": "une date AAAA-MM-JJ est attendue",
    "date_from_datetime_parsing": "une date AAAA-MM-JJ est attendue",
    "datetime_type": "une date et une heure sont attendues",
    "datetime_parsing": "une date et une heure sont attendues",
    "bytes_type": "des octets sont attendus",
    "none_required": "doit être absent (null)",
    "frozen_instance": "ne peut être modifié",
    "union_tag_invalid": "valeur non reconnue",
    "json_invalid": "JSON illisible",
}
