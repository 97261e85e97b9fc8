"""Speed-suite runner: ``reemud bench SUITE`` runs ``benchmarks/bench_SUITE.py``.

A suite module defines functions named ``case_*``; each returns a dict with at least
``seconds`` (the measured run), ``reference_seconds`` (a reference measured in the same process,
e.g. a per-point Python loop of the same physics) and ``reference`` (what the reference is). The
runner prints one JSON line per case with ``ratio = reference_seconds / seconds``. Timings are the
best of ``repeat`` runs (``time.perf_counter``).
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def bench_dir() -> Path:
    """The suites' folder.

    ``./benchmarks`` if there is one, else the clone's own ``benchmarks/`` beside ``src/`` (so
    ``reemud bench`` works from any folder of an editable install).
    """
    here = Path("benchmarks")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "benchmarks"


BENCH_DIR = bench_dir()


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Shortest wall time of ``repeat`` calls of ``fn`` [s]."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def suites(folder: Path = BENCH_DIR) -> list[str]:
    """Names of the suites found in ``folder``."""
    return sorted(p.stem.removeprefix("bench_") for p in folder.glob("bench_*.py"))


def run_suite(name: str, folder: Path = BENCH_DIR) -> Iterator[dict]:
    """Run every case of a suite; yield one result dict per case."""
    path = folder / f"bench_{name}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no suite {name!r} in {folder}/ (have: {', '.join(suites(folder))})")
    spec = importlib.util.spec_from_file_location(f"reemud_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attr in sorted(a for a in dir(module) if a.startswith("case_")):
        result = getattr(module, attr)()
        ratio = result["reference_seconds"] / result["seconds"]
        yield {"suite": name, "case": attr.removeprefix("case_"), **result, "ratio": ratio}


def format_line(result: dict) -> str:
    """One JSON line per case."""
    return json.dumps(result, default=float)
