"""A local jury composed with a warning accepted (two members of one organisme): the local
jury's procès-verbal and the candidate's dossier both say so, in the same words and set off
the same way, right after the jury's members."""

from __future__ import annotations

from store.documents.dossier import dossier_script
from store.documents.jury import local_jury_script
from store.documents.lookup import dossier_inputs
from store.documents.script import Script
from store.store import Store
from tests.test_career import _candidate, _jury, _people
from tests.test_documents import NOW


def _warning_steps(script: Script) -> list[tuple[str, dict[str, object]]]:
    return [
        (str(args[0]), dict(options))
        for step, args, options in script.steps
        if step == "paragraph" and str(args[0]).startswith("Avertissement accepté : ")
    ]


def test_an_accepted_warning_reads_alike_in_the_jurys_record_and_the_dossier(
    store: Store,
) -> None:
    p = _people(store)
    candidate = _candidate(store)
    members = [("caisse_nationale", p["nord2"]), *_jury(p)[1:]]
    (warning,) = store.compose_jury(candidate, members, p["sec"], accept_warnings=True)
    snap, people = dossier_inputs(store, candidate)
    record = local_jury_script(snap, people, NOW)
    dossier = dossier_script(snap, people, station=store.station.id, now=NOW)
    in_record, in_dossier = _warning_steps(record), _warning_steps(dossier)
    assert [text for text, _ in in_record] == [f"Avertissement accepté : {warning}"]
    assert in_record == in_dossier
    # Set off from the text around it (an indent), like the dossier's other notes.
    (options,) = [options for _, options in in_record]
    others = {
        o.get("indent")
        for step, args, o in dossier.steps
        if step == "paragraph" and o.get("indent") and not str(args[0]).startswith("Avert")
    }
    assert options.get("indent") in others
    # Right after the table of the jury's members.
    texts = [(step, str(args[0]) if args else "") for step, args, _ in record.steps]
    at = texts.index(("paragraph", f"Avertissement accepté : {warning}"))
    assert texts[at - 1][0] == "table"
