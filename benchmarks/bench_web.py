"""Web app speed (issue 16).

- jobs_20_runs: 20 chain runs of the 2027 scenario queued in the store and run by the worker pool
  (2 worker processes, warmed by one job each first), from the first submission until the last
  is stored with its files; against the same 20 jobs run one after another in this process
  by the worker's own ``run_one`` (``worker.drain``), after one warm-up job. The ratio is the
  pool's speed-up over a single worker.
- validate_50: 50 ``POST /api/validate`` requests of an edited scenario through the whole app
  (the guard, FastAPI, the editor's edit, ``parse_scenario``), against 50 ``parse_scenario``
  calls of the same text: the ratio under 1 is the share of a request that is validation.
"""

import tempfile
import time

from fastapi.testclient import TestClient

from reemud import store
from reemud.scenario import load_scenario, parse_scenario
from reemud.web import queue, worker
from reemud.web.app import Settings, create_app
from reemud.web.editor import apply_edits

SCENARIO = load_scenario("minamitorishima-2027")


def _submit(engine, n: int) -> list[int]:
    return [queue.submit(engine, kind="run", client="bench", scenario_name=SCENARIO.name,
                         scenario_text=SCENARIO.text, seed=i, options={}) for i in range(n)]


def _wait(engine, ids, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while any(queue.get(engine, i).status not in ("done", "failed") for i in ids):
        if time.monotonic() > deadline:
            raise RuntimeError("the pool did not finish the jobs")
        time.sleep(0.02)
    failed = [i for i in ids if queue.get(engine, i).status != "done"]
    if failed:
        raise RuntimeError(f"jobs {failed} failed: {queue.get(engine, failed[0]).error}")


def case_jobs_20_runs():
    with tempfile.TemporaryDirectory() as pooled, tempfile.TemporaryDirectory() as inline:
        url = store.default_url(pooled)
        engine = store.connect(url)
        pool = worker.Pool(url, 2)
        pool.start()
        try:
            _wait(engine, _submit(engine, 2))  # each worker imports and loads its kernels
            start = time.perf_counter()
            _wait(engine, _submit(engine, 20))
            seconds = time.perf_counter() - start
        finally:
            pool.stop()
        here = store.connect(store.default_url(inline))
        _submit(here, 1)
        worker.drain(here)  # warm this process too
        _submit(here, 20)
        start = time.perf_counter()
        worker.drain(here)
        reference = time.perf_counter() - start
    return {"jobs": 20, "workers": 2, "seconds": seconds, "seconds_per_job": seconds / 20,
            "reference": "the same 20 jobs one after another in one process (worker.drain)",
            "reference_seconds": reference}


def case_validate_50():
    edits = {"deposit.area_km2": "50", "economics.price_multiplier": "1.2"}
    with tempfile.TemporaryDirectory() as out:
        app = create_app(Settings(url=store.default_url(out), workers=0))
        with TestClient(app, base_url="http://127.0.0.1") as client:
            body = {"scenario": SCENARIO.name, "edits": edits}
            client.post("/api/validate", json=body)
            start = time.perf_counter()
            for _ in range(50):
                assert client.post("/api/validate", json=body).status_code == 200
            seconds = time.perf_counter() - start
    text = apply_edits(SCENARIO.text, edits)
    start = time.perf_counter()
    for _ in range(50):
        parse_scenario(text)
    reference = time.perf_counter() - start
    return {"requests": 50, "seconds": seconds, "ms_per_request": 1000 * seconds / 50,
            "reference": "parse_scenario of the same text, 50 times",
            "reference_seconds": reference}
