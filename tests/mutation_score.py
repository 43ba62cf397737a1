"""The mutation score, from ``mutmut results`` and the equivalent mutants listed in MUTANTS.md.

    .venv/bin/python tests/mutation_score.py                # the table of every mutant run
    .venv/bin/python tests/mutation_score.py sample 300     # names to run: 300 drawn per area
    .venv/bin/python tests/mutation_score.py --sample 300   # the table of those drawn
    .venv/bin/python tests/mutation_score.py --sample 300 open  # their survivors, with diffs
    .venv/bin/python tests/mutation_score.py --names tests/mutation_samples/F.txt  # a kept sample

Run from the folder where ``mutmut run`` ran. Score = killed (a test failed, or the tests hung:
mutmut's timeouts) over the mutants run, the equivalent ones (listed with their reason in
tests/MUTANTS.md) left out; a mutant no fast test reaches counts as a survivor, not as
excused. ``sample N`` draws N mutants of each area (models, store) at random with a fixed seed and
prints those not killed yet, to pass to ``mutmut run``: where running every mutant would take
longer than a session on two cores, a uniform random sample estimates the area's score, and
the table gives its 95 % interval. ``--sample N`` prints the table of the drawn mutants only.
"""

from __future__ import annotations

import math
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

MUTANTS_MD = Path(__file__).with_name("MUTANTS.md")
KILLED = {"killed", "timeout"}
AREAS = ("models", "store")
SEED = 20261207


def results(mutmut: str) -> dict[str, str]:
    out = subprocess.run(
        [mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            found[name] = status
    return found


def equivalent() -> set[str]:
    text = MUTANTS_MD.read_text(encoding="utf-8")
    section = text.split("## Equivalent", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([^`]+__mutmut_\d+)`", section, flags=re.MULTILINE))


def module_of(name: str) -> str:
    # models.dossier.xǁDossierStateǁ_edit__mutmut_3 -> models.dossier
    return ".".join(part for part in name.split(".") if not part.startswith("x"))


def table(found: dict[str, str], excused: set[str]) -> str:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        kind = "equivalent" if name in excused and status == "survived" else status
        per[module_of(name)][kind] += 1
    lines = [
        "| module | run | killed | survived (open) | no tests | equivalent | not run |",
        "|---|---|---|---|---|---|---|",
    ]
    areas: dict[str, Counter[str]] = defaultdict(Counter)
    for module in sorted(per):
        c = per[module]
        areas[module.split(".")[0]].update(c)
        lines.append(_row(module, c))
    lines.append("")
    lines.append("| area | run | killed | equivalent | score | 95 % interval |")
    lines.append("|---|---|---|---|---|---|")
    for area, c in sorted(areas.items()):
        killed = sum(c[k] for k in KILLED)
        run = sum(n for k, n in c.items() if k != "not checked")
        counted = run - c["equivalent"]
        if counted == 0:
            continue
        low, high = _wilson(killed, counted)
        lines.append(
            f"| {area}/ | {run} | {killed} | {c['equivalent']} | "
            f"**{100 * killed / counted:.1f} %** | {100 * low:.1f}–{100 * high:.1f} % |"
        )
    return "\n".join(lines)


def _row(module: str, c: Counter[str]) -> str:
    run = sum(n for k, n in c.items() if k != "not checked")
    killed = sum(c[k] for k in KILLED)
    return (
        f"| {module} | {run} | {killed} | {c['survived']} | {c['no tests']} | "
        f"{c['equivalent']} | {c['not checked']} |"
    )


def _wilson(killed: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson interval of a proportion: honest near 100 %, where the normal one is not."""
    p = killed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def drawn(found: dict[str, str], size: int, seed: int) -> set[str]:
    chosen: set[str] = set()
    for area in AREAS:
        names = sorted(n for n in found if n.startswith(area + "."))
        chosen.update(random.Random(f"{seed}:{area}").sample(names, min(size, len(names))))
    return chosen


def main(argv: list[str]) -> int:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    found = results(mutmut)
    if argv[:1] == ["sample"]:
        chosen = drawn(found, int(argv[1]), SEED)
        # Run again what survived too: a test written since may kill it now.
        print("\n".join(sorted(n for n in chosen if found[n] not in KILLED)))
        return 0
    if argv[:1] == ["--sample"]:
        chosen = drawn(found, int(argv[1]), SEED)
        found = {n: s for n, s in found.items() if n in chosen}
        argv = argv[2:]
    elif argv[:1] == ["--names"]:
        # A sample kept as drawn (tests/mutation_samples/): the draw depends on the set of
        # mutants, which changes with the code, so a sample is followed by its names.
        chosen = set(Path(argv[1]).read_text(encoding="utf-8").split())
        found = {n: s for n, s in found.items() if n in chosen}
        argv = argv[2:]
    if argv[:1] == ["open"]:
        print(survivors(mutmut, found, equivalent()))
        return 0
    print(table(found, equivalent()))
    return 0


def survivors(mutmut: str, found: dict[str, str], excused: set[str]) -> str:
    """Markdown: each mutant that survived and is not listed as equivalent, with its diff."""
    parts = []
    for name in sorted(n for n, s in found.items() if s in ("survived", "no tests")):
        if name in excused:
            continue
        shown = subprocess.run([mutmut, "show", name], capture_output=True, text=True).stdout
        diff = [line for line in shown.splitlines() if line[:1] in "+-" and line[:3] not in
                ("+++", "---")]  # fmt: skip
        parts.append(f"- `{name}` ({found[name]})\n\n```diff\n" + "\n".join(diff) + "\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
