"""The stations view's filter and ranges (store/stations.py), on rows made here: what each
word keeps, and how the missing numbers read.

tests/test_stations.py filters one fixture's rows by three words; each rule of the filter is
checked here on rows that tell them apart.
"""

from __future__ import annotations

from typing import Any

import pytest

from store.stations import filter_rows, ranges_text


def _row(id: str, **values: Any) -> dict[str, Any]:
    row = {"id": id, "name": "", "organisme": "", "role": "poste", "role_text": "poste",
           "silent": False, "gaps": [], "forks": []}  # fmt: skip
    return row | values


ROWS = [
    _row("poste-a1", name="Antenne Brest", organisme="CPAM du Finistère", silent=True),
    _row("poste-b2", name="Lyon", organisme="Carsat", gaps=[[3, 4]]),
    _row(
        "poste-c3",
        organisme="Urssaf",
        forks=[{"seq": 2}],
        role="secretariat",
        role_text="secrétariat",
    ),
]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("", ["poste-a1", "poste-b2", "poste-c3"]),
        ("   ", ["poste-a1", "poste-b2", "poste-c3"]),
        ("Silencieux", ["poste-a1"]),
        ("silence", ["poste-a1"]),
        (" trous ", ["poste-b2"]),
        ("FOURCHES", ["poste-c3"]),
        ("brest", ["poste-a1"]),
        ("finistère", ["poste-a1"]),
        ("B2", ["poste-b2"]),
        ("secrétariat", ["poste-c3"]),
        ("secretariat", []),  # the role is matched as it is shown
        ("poste", ["poste-a1", "poste-b2", "poste-c3"]),
        ("personne", []),
    ],
)
def test_each_word_keeps_the_rows_it_names(text: str, kept: list[str]) -> None:
    assert [r["id"] for r in filter_rows(ROWS, text)] == kept


def test_missing_numbers_read_as_single_numbers_and_ranges() -> None:
    assert ranges_text([]) == ""
    assert ranges_text([[4, 4]]) == "4"
    assert ranges_text([[1, 1], [3, 5], [9, 10]]) == "1, 3–5, 9–10"
