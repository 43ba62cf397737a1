"""Signed heads across releases and forwarded events without their spine.

A head is signed by its origin and kept (``replication.json``) and forwarded (bundles) long
after: what a release signed must still verify under the next. And a forwarder may send an
origin's events without the list of their hashes (the spine): each is then trusted only by
walking down the chain from a signed head, every authenticated event vouching for the one
before it."""

from __future__ import annotations

import shutil
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from store.bundle import Recipient, seal_file
from store.keys import StationKey, TrustedKey, TrustStore
from store.replication import (
    Knowledge,
    encode_spine,
    head_is_valid,
    sign_head,
    spine_hashes,
)
from store.store import Store
from store.sync import station_key
from tests.test_replication import _folders
from tests.test_sync import _export, _files, _id, _import, _trust

RELEASE = Path(__file__).parent / "fixtures" / "release3-heads"


def _released(tmp_path: Path) -> tuple[Path, Path]:
    """The station b and the secretariat's bundle for it, as the last release wrote them."""
    shutil.copytree(RELEASE, tmp_path / "r")
    return tmp_path / "r" / "b", tmp_path / "r" / "s-b.carnet"


def test_a_bundle_with_heads_signed_by_the_last_release_is_taken(tmp_path: Path) -> None:
    b, bundle = _released(tmp_path)
    report = _import(b, bundle)
    assert not report.rejected, report.rejected[0].error
    # The tutor's candidate, its creation and its mark, forwarded by the secretariat with the
    # head the tutor's station signed; and the assignment, the secretariat's own.
    assert report.new_events == 4
    with Store.open(b) as store:
        (candidate,) = store.candidate_ids()
        assert store.summary(candidate)["name"] == "Luc Martin"
    # The head is kept to be forwarded again: it verifies under this release.
    heads = Knowledge(b).heads
    assert [h["seq"] for h in heads["poste-fbc28a9f2600"]] == [3]


def _forwarded_without_spine(
    s: Path, b: Path, origin: str, lowest: int, seq: int, leave_out: int = 0
) -> Path:
    """The secretariat's bundle for b with the origin's events from ``lowest`` on (less the
    one numbered ``leave_out``) and the heads it kept for them, but not the list of their
    hashes (as a forwarder that lost its spine would send them)."""
    with Store.open(s) as store:
        events = sorted(
            (
                dict(r)
                for candidate in store.candidate_ids()
                for r in store.raw_events(candidate).values()
                if r["station"] == origin and r["seq"] >= lowest and r["seq"] != leave_out
            ),
            key=lambda r: int(r["seq"]),
        )
        heads = Knowledge(s).heads_from(origin, lowest)
        b_key = TrustStore(s).keys[_id(b)]
        assert b_key.encryption is not None and heads
        content = {"events": events, "heads": {origin: heads}, "holds": {}, "keys": []}
        data = seal_file(
            "bundle", store.station.id, station_key(store), seq, content, count=len(events),
            referentials={r.id: r.version for r in store.referentials.all()},
            sender=store.station, recipient=Recipient(_id(b), b_key.encryption),
        )  # fmt: skip
    path = s.parent / f"s-b-{seq}.carnet"
    path.write_bytes(data)
    return path


def _candidates(folder: Path, *names: str) -> list[str]:
    with Store.open(folder) as store:
        return [
            store.create_candidate(
                name, "CPAM", "gestionnaire-carriere", "t", route="parcours_formation"
            )
            for name in names
        ]


def test_forwarded_events_without_their_spine_are_taken_down_from_the_head(
    tmp_path: Path,
) -> None:
    """Without a spine, only the newest event is at the signed head; each one below it is
    vouched for by the one above (its « prev »)."""
    a, b, s = _folders(tmp_path)
    from store.station import set_identity

    set_identity(a, "Tutorat", "CPAM du Rhône")  # named in the refusal, as b knows it
    _trust(b, a)
    made = _candidates(a, "Luc Martin", "Léa Petit", "Noé Roux")
    assert not _import(s, _export(a, "a.carnet")).rejected
    path = _forwarded_without_spine(s, b, _id(a), 1, 90)
    report = _import(b, path)
    assert not report.rejected, report.rejected[0].error
    with Store.open(a) as store:
        count = sum(len(store.raw_events(c)) for c in made)
    assert report.new_events == count
    with Store.open(b) as store:
        assert sorted(store.candidate_ids()) == sorted(made)


def test_forwarded_events_that_start_after_what_is_held_chain_to_the_new_head(
    tmp_path: Path,
) -> None:
    """b holds the tutor's first events; the next ones come later, without their spine, with
    the head the tutor signed over them: they chain down from that head to what b holds."""
    a, b, s = _folders(tmp_path)
    _trust(b, a)
    first = _candidates(a, "Luc Martin")
    assert not _import(s, _export(a, "a1.carnet")).rejected
    assert not _import(b, _forwarded_without_spine(s, b, _id(a), 1, 90)).rejected
    with Store.open(a) as store:
        held = max(int(r["seq"]) for r in store.raw_events(first[0]).values())
    # Two events, so that the lower one is trusted only through the higher one's « prev ».
    later = _candidates(a, "Léa Petit", "Noé Roux")
    assert not _import(s, _export(a, "a2.carnet")).rejected
    report = _import(b, _forwarded_without_spine(s, b, _id(a), held + 1, 91))
    assert not report.rejected, report.rejected[0].error
    with Store.open(b) as store:
        assert sorted(store.candidate_ids()) == sorted(first + later)


def test_forwarded_events_below_a_gap_are_not_vouched_for_by_the_head(tmp_path: Path) -> None:
    """The walk down stops where the chain is not in the bundle: events below a missing one
    chain to no head (the first of them is named), and the bundle is refused whole."""
    a, b, s = _folders(tmp_path)
    from store.station import set_identity

    set_identity(a, "Tutorat", "CPAM du Rhône")  # named in the refusal, as b knows it
    _trust(b, a)
    made = _candidates(a, "Luc Martin", "Léa Petit", "Noé Roux")
    assert not _import(s, _export(a, "a.carnet")).rejected
    with Store.open(a) as store:
        middle = min(int(r["seq"]) for r in store.raw_events(made[1]).values())
    path = _forwarded_without_spine(s, b, _id(a), 1, 90, leave_out=middle)
    before = _files(b)
    (result,) = _import(b, path).files
    assert result.error == (
        f"événement n° 1 du poste Tutorat (CPAM du Rhône) ({_id(a)}) sans signature de son "
        "poste (aucune tête signée ne le couvre) : lot refusé, rien n'est appliqué"
    )
    assert _files(b) == before


# --- a head and its spine, as received: anything malformed is not trusted ----------------------


def _keys() -> tuple[StationKey, TrustedKey]:
    key = StationKey(Ed25519PrivateKey.generate())
    return key, TrustedKey("poste-1", key.public, "2026-12-07")


HASHES = [f"{n:02x}" * 32 for n in range(1, 4)]  # three events' hashes, 64 hex each


def test_a_signed_head_verifies_and_one_malformed_does_not() -> None:
    key, trusted = _keys()
    head = sign_head(key, "poste-1", HASHES)
    assert head_is_valid(trusted, "poste-1", head)
    assert not head_is_valid(trusted, "poste-2", head)
    signature = head["signature"]
    for broken in (
        {**head, "hash": None},  # no hash: not a crash
        {**head, "seq": "3"},
        {**head, "spine": None},
        {**head, "signature": signature[:10] + "!" + signature[10:]},  # not base64: refused
        {**head, "signature": signature[:-4]},
    ):
        assert not head_is_valid(trusted, "poste-1", broken)


def test_a_head_signed_over_a_hash_that_is_no_sha256_is_not_trusted() -> None:
    key, trusted = _keys()
    short = [*HASHES[:2], "ab" * 31]  # 62 hex: no event's hash
    head = sign_head(key, "poste-1", short)
    assert not head_is_valid(trusted, "poste-1", head)


def test_a_spine_is_the_list_the_head_signed_or_nothing() -> None:
    key, _ = _keys()
    head = sign_head(key, "poste-1", HASHES)
    spine = encode_spine(HASHES)
    assert spine_hashes(head, spine) == HASHES
    assert spine_hashes(head, spine[:8] + "!" + spine[8:]) is None  # not base64: refused
    assert spine_hashes(head, encode_spine(HASHES[:2])) is None  # another list
    assert spine_hashes(head, encode_spine([HASHES[0], HASHES[2], HASHES[1]])) is None
    # A list that is the signed one but for a head naming another last hash: not its spine.
    assert spine_hashes({**head, "hash": HASHES[1]}, spine) is None
    # The signed digest of a shorter list, under a head claiming more events.
    shorter = sign_head(key, "poste-1", HASHES[:2])
    assert spine_hashes({**shorter, "seq": 3}, encode_spine(HASHES[:2])) is None
    assert spine_hashes(head, None) is None
