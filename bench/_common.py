"""Shared helpers for the benchmark scripts: percentiles and a plain table."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), in the unit of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> tuple[float, float, float]:
    return statistics.median(values), percentile(values, 0.95), max(values)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def compiled() -> None:
    """Compiles the project's modules, as after the first run of an installed carnet: the
    commands timed here are fresh processes, and with PYTHONDONTWRITEBYTECODE set (as on the
    project's machine) each would otherwise compile every module again."""
    import compileall
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for package in ("models", "grids", "store", "tui"):
        compileall.compile_dir(root / package, quiet=1)


# Runs a command and prints, on its last stderr line, the command's wall time, its CPU time and
# the peak resident memory of the largest process it started (itself or any process it
# waited for, such as carnet's PDF layout process), read from the wrapper's own
# RUSAGE_CHILDREN: the benchmark's memory is not counted.
_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "wall = time.perf_counter() - start\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(wall, use.ru_utime + use.ru_stime, use.ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed_process(argv: Sequence[str], cwd: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident MB of ``argv`` as a whole command."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv], cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} a échoué : {result.stderr}")
    wall, cpu, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(cpu), int(peak_kb) // 1024
