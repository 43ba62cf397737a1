"""What a damaged data file is said to hold (store/storage.py, ``parse_log``), and the
personal secret's form (store/credentials.py), word for word.

tests/test_storage_parse.py matches one phrase of each reason; the reason is what ``carnet
verify`` and the start's refusal name, with the record and its byte, so it is checked whole
here, with where the file stops being trusted. tests/test_credentials.py checks which secrets
are refused, not what the person is told.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.credentials import SecretError, check_secret_form
from store.errors import CorruptFileError
from store.storage import chain, encode, parse_log


def _file(*bodies: bytes) -> bytes:
    previous, lines = b"", []
    for body in bodies:
        previous = chain(previous, body)
        lines.append(previous + b" " + body + b"\n")
    return b"".join(lines)


def _body(doc_id: str, doc: object, n: int | None = None) -> bytes:
    record: dict[str, object] = {"t": "events", "id": doc_id, "doc": doc}
    if n is not None:
        record["n"] = n
    return encode(record).encode()


def _reason(data: bytes, tmp_path: Path) -> str:
    with pytest.raises(CorruptFileError) as caught:
        parse_log(data, tmp_path / "c-1.json")
    assert caught.value.path == tmp_path / "c-1.json"
    return caught.value.reason


def test_each_damage_names_its_record_and_where_it_starts(tmp_path: Path) -> None:
    first = _file(_body("1", {"a": 1}))
    assert _reason(b"", tmp_path) == "fichier vide"
    assert _reason(b"sans fin de ligne", tmp_path) == "fichier vide"
    second = _file(_body("1", {"a": 1}), _body("2", {"b": 2})).split(b"\n")
    second[1] = b"0" * 32 + second[1][32:]
    assert _reason(b"\n".join(second), tmp_path) == (
        f"enregistrement n° 2 (octet {len(first)}) altéré : son empreinte ne correspond pas"
    )
    no_space = first[:-1].replace(b" ", b"-", 1) + b"\n"
    assert _reason(no_space, tmp_path) == (
        "enregistrement n° 1 (octet 0) altéré : son empreinte ne correspond pas"
    )
    assert _reason(_file(_body("1", {"a": 1}), b"{pas du json"), tmp_path) == (
        "enregistrement n° 2 illisible"
    )
    assert _reason(_file(_body("1", {"a": 1}), _body("1", {"b": 2})), tmp_path) == (
        "enregistrement n° 2 en double ou invalide"
    )
    assert _reason(_file(_body("1", [1, 2])), tmp_path) == (
        "enregistrement n° 1 en double ou invalide"
    )
    overlapping = _file(_body("1", {"a": 1}, n=3), _body("2", {"b": 2}, n=2))
    assert _reason(overlapping, tmp_path) == (
        "enregistrement n° 2 : une écriture commence avant la fin de la précédente"
    )


def test_a_write_cut_inside_its_batch_is_not_read_and_counts_as_torn(tmp_path: Path) -> None:
    head = _file(_body("1", {"a": 1}))
    cut = _file(_body("1", {"a": 1}), _body("2", {"b": 2}, n=3), _body("3", {"c": 3}))
    log = parse_log(cut, tmp_path / "c-1.json")
    assert list(log.tables["events"]) == ["1"]
    assert (log.size, log.torn, log.last_ids) == (len(head), len(cut) - len(head), {"events": 1})
    assert log.last_hash == head[:32]
    whole = _file(
        _body("1", {"a": 1}), _body("2", {"b": 2}, n=2), _body("3", {"c": 3}), _body("4", {})
    )
    log = parse_log(whole, tmp_path / "c-1.json")
    assert list(log.tables["events"]) == ["1", "2", "3", "4"]
    assert (log.size, log.torn, log.last_ids) == (len(whole), 0, {"events": 4})


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("12345", "Un code PIN compte au moins 6 chiffres."),
        ("111111", "Ce code PIN est trop facile à deviner (suite ou répétition)."),
        ("345678", "Ce code PIN est trop facile à deviner (suite ou répétition)."),
        ("876543", "Ce code PIN est trop facile à deviner (suite ou répétition)."),
        ("0123456789", "Ce code PIN est trop facile à deviner (suite ou répétition)."),
        (
            "1234567890x",
            "Choisissez un code PIN d'au moins 6 chiffres ou une phrase secrète "
            "d'au moins 12 caractères.",
        ),
        (
            "onze lettre",
            "Choisissez un code PIN d'au moins 6 chiffres ou une phrase secrète d'au moins 12 "
            "caractères.",
        ),
    ],
)
def test_a_secret_of_the_wrong_form_is_refused_saying_what_is_expected(
    secret: str, message: str
) -> None:
    with pytest.raises(SecretError) as caught:
        check_secret_form(secret)
    assert str(caught.value) == message


@pytest.mark.parametrize("secret", ["482913", "douze lettre", "0123456780", "9876541"])
def test_a_secret_of_the_right_form_is_accepted(secret: str) -> None:
    check_secret_form(secret)
