"""Compact JSON text, as carnet stores, hashes and signs it, at the lowest cost per value."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping
from typing import Any


def compact_json(*, sort_keys: bool) -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)``,
    the same text, without building an encoder at every call: json.dumps with options makes a
    JSONEncoder and a C encoder for each value, a third of the cost of one event (an import or
    an export encodes 20,000 of them two or three times). Any value the shared C encoder does
    not take goes through json.dumps itself, which gives the same text or raises the same
    error."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)

    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - an interpreter without json's C accelerator
        return dumps

    def default(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    # The arguments json.JSONEncoder.iterencode gives it, less the check of circular
    # references (JSON read from a file has none; json.dumps below says so of any other).
    encoder = make(None, default, json.encoder.encode_basestring, None, ":", ",", sort_keys,
                   False, True)  # fmt: skip

    def fast(value: Any) -> str:
        try:
            return "".join(encoder(value, 0))
        except Exception:
            return dumps(value)

    return fast


class Encoded(dict[str, Any]):
    """A JSON object with its JSON (UTF-8), as made when it was checked
    (``Event.checked_json``): the same values, so that whoever writes it (a dossier's record)
    need not encode it again. It travels to another process as a plain dict: its JSON is for
    the process that made it."""

    __slots__ = ("json",)

    def __init__(self, value: Mapping[str, Any], json: bytes) -> None:
        super().__init__(value)
        self.json = json

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))
