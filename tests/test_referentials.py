"""The referentials say what the seeds say: every criterion, in order, with the quirks visible."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from grids import ReferentialError, Referentials, load_referential_file
from tests.conftest import SEEDS

GRIDS = Path(__file__).parent.parent / "grids"
SHARED_SEEDS = Path(__file__).parent.parent.parent / "shared" / "seeds"


def _flatten(text: str) -> str:
    """The seed as one line of words: tags, table rules and line breaks removed."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^[-\t ]+$", " ", text, flags=re.M)  # table separators such as "--\t---"
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text)


def _seed(name: str) -> str:
    return _flatten(next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8"))


def test_the_copied_seeds_are_the_shared_ones() -> None:
    if not SHARED_SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for seed in SEEDS.glob("*.txt"):
        assert seed.read_bytes() == (SHARED_SEEDS / seed.name).read_bytes()


def test_conseil_shape(refs: Referentials) -> None:
    ref = refs.conseil
    assert [len(b.competencies) for b in ref.blocks] == [6, 5, 5]
    counts = [[len(c.criteria) for c in b.competencies] for b in ref.blocks]
    assert counts == [[5, 6, 6, 4, 4, 5], [6, 3, 4, 4, 3], [7, 5, 4, 3, 4]]
    assert all(3 <= n <= 7 for block in counts for n in block)
    assert (ref.rules.numerator, ref.rules.denominator) == (4, 5)


def test_every_conseil_criterion_is_in_the_seed_in_order(refs: Referentials) -> None:
    seed = _seed("004")
    titles = criteria = 0  # each kind must appear in order; cells interleave the two
    for block in refs.conseil.blocks:
        titles = seed.index(f"Bloc {block.number} : {block.title}", titles)
        for comp in block.competencies:
            found = _find_split(seed, comp.title, titles)
            assert found is not None, f"{comp.id} absent or out of order: {comp.title}"
            titles = found[0]
            criteria = max(criteria, titles)
            for crit in comp.criteria:
                found = _find_split(seed, f"- {crit.text}", criteria)
                if found is None and crit.note:  # the lost dash of block 1, competency 3
                    found = _find_split(seed, crit.text, criteria)
                assert found is not None, f"{crit.id} absent or out of order: {crit.text}"
                criteria = found[1]


def _find_split(haystack: str, needle: str, start: int) -> tuple[int, int] | None:
    """Where ``needle`` stands after ``start``, allowing another cell's text at a word break
    (the extraction cut some criteria and titles across table rows)."""
    words = needle.split(" ")
    pattern = r"\s(?:.{0,1500}?\s)??".join(re.escape(w) for w in words)
    match = re.compile(pattern, re.S).search(haystack, start)
    return (match.start(), match.end()) if match else None


def test_no_seed_criterion_is_missing(refs: Referentials) -> None:
    # The seed marks each criterion with "- " inside its list; count them block by block.
    seed = _seed("004")
    starts = [seed.index(f"Bloc {n} :") for n in (1, 2, 3)] + [len(seed)]
    for block, start, end in zip(refs.conseil.blocks, starts, starts[1:], strict=False):
        dashes = len(re.findall(r"(?:^|\s)- [A-ZÉ]", seed[start:end]))
        evaluators = 2  # "- Un représentant métier", "- L'organisme certificateur"
        lost_dash = 1 if block.number == 1 else 0
        criteria = sum(len(c.criteria) for c in block.competencies)
        assert dashes - evaluators + lost_dash == criteria, block.id


def test_quirks_stay_visible(refs: Referentials) -> None:
    b3 = refs.conseil.block("gc.b3")
    organise, determine = b3.competencies[4], b3.competencies[3]
    assert [k.repeats for k in organise.criteria] == [k.id for k in determine.criteria] + [None]
    assert [k.text for k in organise.criteria[:3]] == [k.text for k in determine.criteria]
    b1c3 = refs.conseil.block("gc.b1").competencies[2]
    assert b1c3.criteria[4].text == "S'assure que la réponse apportée est bien comprise"
    assert b1c3.criteria[5].text == "S'assure que toutes les demandes et besoins sont traités"
    assert b1c3.criteria[4].note and b1c3.criteria[5].note
    atp = next(c for c in refs.carriere.certification if c.competency == "gk.c15")
    assert atp.text.startswith("ATP évaluée") and "apt" in atp.modalities and atp.note


def test_block_formats(refs: Referentials) -> None:
    b1, b2, b3 = (refs.conseil.block(f"gc.b{n}").evaluation.format for n in (1, 2, 3))
    assert b1.kind == "observation" and b2.kind == "presentation" and b3.kind == "long_observation"
    assert [(s.id, s.minutes, s.min_interviews) for s in b1.situations] == [
        ("double_ecoute", 20, 2),
        ("accueil_physique", 20, 2),
    ]
    assert (b1.letters, b1.questioning_minutes) == (5, 15)
    assert (b2.presentation_minutes, b2.min_covered_competencies, b2.exchange_minutes) == (
        10,
        2,
        10,
    )
    assert b2.documents_allowed is False
    assert (b3.observation_minutes, b3.questionnaire) == (90, True)
    for block in refs.conseil.blocks:
        roles = [e.role for e in block.evaluation.evaluators]
        assert roles == ["representant_metier", "certificateur"]
        assert block.evaluation.evaluators[0].independent


def test_carriere_shape(refs: Referentials) -> None:
    ref = refs.carriere
    seed = _seed("000")
    comps = [c for g in ref.groups for c in g.competencies]
    assert [c.number for c in comps] == list(range(1, 31))
    assert [len(g.competencies) for g in ref.groups] == [10, 14, 6]
    position = 0
    for comp in comps:
        position = seed.index(f"{comp.number}. {comp.title}", position)
    certified = [ref.competency(c.competency).number for c in ref.certification]
    assert certified == [1, 2, 6, 9, 10, 11, 12, 13, 15, 19, 20, 23, 26, 27, 29]
    for line in ref.certification:
        assert line.text in seed
    table = {e.id: (e.coefficient, e.eliminatory_at_or_below) for e in ref.evaluations}
    assert table == {
        "cc_interbranche": (1, None),
        "cc_carriere": (1, None),
        "ecrit": (3, Decimal(6)),
        "oral": (3, Decimal(6)),
        "apt": (2, None),
    }
    assert ref.total == 200 and ref.rule.min_average == 10 and ref.rule.pass_required
    assert ref.evaluation("ecrit").minutes == 180 and ref.evaluation("oral").minutes == 45
    assert [m.role for m in ref.juries.local.members] == [
        "caisse_nationale",
        "branche_retraite",
        "expert_metier",
    ]
    assert [m.other_organisme_required for m in ref.juries.local.members] == [False, True, True]
    assert ref.vae.min_experience_years == 1
    assert (ref.vae.oral_exemption.from_, ref.vae.oral_exemption.to) == ("2013-01-01", "2015-12-31")
    assert not ref.vae.validated_competencies_expire
    assert [r.id for r in ref.routes] == ["nouvel_embauche", "parcours_formation", "vae"]


def test_certification_matrix_lookups(refs: Referentials) -> None:
    ref = refs.carriere
    assert [e.id for e in ref.evaluations_covering("gk.c11")] == [
        "cc_interbranche",
        "cc_carriere",
        "ecrit",
        "apt",
    ]
    assert ref.evaluations_covering("gk.c03") == ()
    assert ref.certified_by("oral") == (
        "gk.c01",
        "gk.c02",
        "gk.c06",
        "gk.c09",
        "gk.c10",
        "gk.c26",
        "gk.c27",
        "gk.c29",
    )


def _bad(tmp_path: Path, mutate: object) -> Path:
    data = json.loads((GRIDS / "gestionnaire_conseil.json").read_text(encoding="utf-8"))
    assert callable(mutate)
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["blocks"][0]["competencies"][0]["criteria"].append(
                {"id": "gc.b1.c1.k1", "text": "doublon"}
            ),
            "identifiant en double",
        ),
        (
            lambda d: d["blocks"][1]["competencies"][0]["criteria"][0].update(id="gc.b1.c9.k1"),
            "n'est pas sous",
        ),
        (
            lambda d: d["blocks"][0]["competencies"][0].update(criteria=[]),
            "blocks.0.competencies.0.criteria",
        ),
        (
            lambda d: d["blocks"][2]["competencies"][4]["criteria"][0].update(
                repeats="gc.b9.c1.k1"
            ),
            "répète un critère inconnu",
        ),
        (
            lambda d: d["blocks"][0]["evaluation"]["format"].update(kind="quiz"),
            "blocks.0.evaluation.format",
        ),
        (lambda d: d["rules"].update(numerator=6), "dépasse 100 %"),
    ],
)
def test_inconsistent_referential_is_refused_with_place(
    tmp_path: Path, mutate: object, expected: str
) -> None:
    path = _bad(tmp_path, mutate)
    with pytest.raises(ReferentialError) as caught:
        load_referential_file(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"kind": "threshold",\n "id": }', encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"broken\.json, ligne 2, colonne 8 : JSON invalide"):
        load_referential_file(path)


def test_carriere_coefficients_must_add_up(tmp_path: Path) -> None:
    data = json.loads((GRIDS / "gestionnaire_carriere.json").read_text(encoding="utf-8"))
    data["evaluations"][4]["coefficient"] = 3
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReferentialError, match="total sur 220, pas sur 200"):
        load_referential_file(path)
