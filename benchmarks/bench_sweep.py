"""Dask sweep scaling (issue 6).

- sweep_1e6_draws_2_workers: ``reemud sweep`` of examples/commercial-uncertain.toml, 10^6 LHS draws
  in chunks of 25,000 (each chunk on the draw axis) on a 2-process LocalCluster, against the same
  sweep on 1 process in the same run (the better of a 1-worker run before and one after); the
  cluster start-up is outside the timing, storing every chunk (SQLite) inside it.
  ``parallel_efficiency = ratio / 2``.
"""

import tempfile
from pathlib import Path

from distributed import Client, LocalCluster

from reemud import store
from reemud.bench import best_of
from reemud.scenario import load_scenario
from reemud.sweep import run_sweep

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml"
N = 1_000_000
CHUNK = 25_000


def _timed(workers: int, folder: Path) -> float:
    sc = load_scenario(str(EXAMPLE))
    engine = store.connect(store.default_url(folder))
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        client.run(lambda: __import__("reemud.sweep"))  # imports outside the timing
        return best_of(lambda: run_sweep(engine, sc, N, chunk_size=CHUNK, client=client),
                       repeat=1)


def case_sweep_1e6_draws_2_workers():
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, \
            tempfile.TemporaryDirectory() as c:
        first = _timed(1, Path(a))  # 1 worker before and after: warm-up effects cancel
        seconds = _timed(2, Path(b))
        reference = min(first, _timed(1, Path(c)))
    return {"draws": N, "chunk_size": CHUNK, "workers": 2, "seconds": seconds,
            "reference": "same sweep, 1 worker", "reference_seconds": reference,
            "parallel_efficiency": reference / seconds / 2}
