"""The shared compact JSON encoder gives json.dumps's text, byte for byte: hashes and
signatures of events and stored records depend on it."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.jsontext import compact_json

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(),  # any code point: accents, controls, surrogates, quotes, backslashes
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@given(_values)
@settings(max_examples=300)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    for sort_keys in (False, True):
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
        assert compact_json(sort_keys=sort_keys)(value) == expected


def test_the_same_errors_as_json_dumps() -> None:
    dumps = compact_json(sort_keys=True)
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": {1, 2}})
    with pytest.raises(TypeError):
        dumps({"a": 1, 2: "b"})  # keys of mixed types cannot be sorted
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(looped)
    # After an error, the shared encoder still gives the right text.
    assert dumps({"b": [1.5, math.inf], "a": "é"}) == '{"a":"é","b":[1.5,Infinity]}'
