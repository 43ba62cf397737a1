"""Child process for the crash test: writes events forever, reporting each one that returned.

It prints ``ok SEQ HASH`` only after the store's write has returned, so every line the parent
reads names an event the store promised was saved.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from models.threshold import CriterionState
from store.store import Store


def main() -> None:
    folder = Path(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    store = Store.open(folder)
    criteria = [
        k.id for c in store.referentials.conseil.block("gc.b1").competencies for k in c.criteria
    ]
    candidates = [c for c in store.candidate_ids() if store.snapshot(c).state.grids]
    people = {p.roles[0]: pid for pid, p in store.people().items()}
    if not people:
        evaluator = store.create_person("Éva Métier", "CAF du Nord", ["representant_metier"], "c")
        certifier = store.create_person("Cédric Certif", "Ucanss", ["certificateur"], "c")
    else:
        evaluator, certifier = people["representant_metier"], people["certificateur"]
    print("ready", flush=True)
    states = list(CriterionState)
    while True:
        if not candidates or rng.random() < 0.05:
            candidate = store.create_candidate(
                "Crash Test", "CPAM du Rhône", "gestionnaire-conseil", "crash"
            )
            store.open_grid(
                candidate, "gc.b1", "crash", situation="accueil_physique",
                evaluator=evaluator, certifier=certifier,
            )  # fmt: skip
            candidates.append(candidate)
        candidate = rng.choice(candidates)
        grid = next(iter(store.snapshot(candidate).state.grids))
        size = rng.choice((1, 1, 1, 5))
        marks = [
            (rng.choice(criteria), rng.choice(states), "x" * rng.randint(0, 300))
            for _ in range(size)
        ]
        store.mark_criteria(candidate, grid, marks, "crash")
        head = store.head
        print(f"ok {head.seq} {head.hash}", flush=True)


if __name__ == "__main__":
    main()
