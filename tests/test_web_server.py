"""The served app under load and across restarts: no job lost, the store consistent."""

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from reemud import store
from reemud.scenario import load_scenario
from webserver import Server

pytestmark = [pytest.mark.web, pytest.mark.slow]


def _consistent(out, n_jobs: int) -> list[dict]:
    """Every job done once: one run each, distinct, with its KPIs and files; nothing left over."""
    engine = store.connect(store.default_url(out))
    with engine.connect() as conn:
        jobs = [dict(r) for r in conn.execute(sa.text(
            "SELECT id, status, run_id, lease, attempts FROM job ORDER BY id")).mappings()]
        runs = conn.execute(sa.text("SELECT id FROM run ORDER BY id")).scalars().all()
        kpis = conn.execute(sa.text("SELECT run_id, count(*) FROM kpi GROUP BY run_id")).all()
        files = conn.execute(sa.text("SELECT job_id, count(*) FROM artifact GROUP BY job_id")).all()
    engine.dispose()
    assert len(jobs) == n_jobs
    assert [j["status"] for j in jobs] == ["done"] * n_jobs
    assert all(j["lease"] is None for j in jobs)
    assert sorted(j["run_id"] for j in jobs) == runs  # one run per job, no orphan run
    assert len(set(runs)) == n_jobs
    assert len({n for _, n in kpis}) == 1
    assert len(kpis) == n_jobs
    assert dict(files) == {j["id"]: 3 for j in jobs}
    return jobs


def test_twenty_concurrent_run_requests_are_all_run_once(tmp_path):
    with Server(tmp_path, 2) as server:
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda seed: server.post("/api/jobs", json={
                "scenario": "minamitorishima-2027", "seed": seed}), range(20)))
        assert [a.status_code for a in answers] == [202] * 20
        ids = [a.json()["id"] for a in answers]
        assert sorted(ids) == list(range(1, 21))
        assert all(a.headers["location"] == f"/api/jobs/{a.json()['id']}" for a in answers)
        jobs = server.wait_jobs(ids)
        assert {j["status"] for j in jobs} == {"done"}
        assert server.get("/api/health").json()["jobs"] == {"queued": 0, "running": 0,
                                                            "done": 20, "failed": 0}
    jobs = _consistent(tmp_path, 20)
    engine = store.connect(store.default_url(tmp_path))
    seeds = {store.get_run(engine, j["run_id"])["seed"] for j in jobs}
    assert seeds == set(range(20))  # each request's own run


def _wait_running(server: Server, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while server.get("/api/health").json()["jobs"]["running"] == 0:
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        time.sleep(0.1)


def test_restarts_mid_queue_lose_no_job(tmp_path):
    first = Server(tmp_path, 1).start()
    ids = [first.post("/api/jobs", json={"scenario": "minamitorishima-2027", "seed": s}
                      ).json()["id"] for s in range(6)]
    _wait_running(first)
    # Ctrl-C reaches the whole group: the workers leave it to the server, which stops them and
    # queues their job again, not counting that start (uvicorn re-raises the signal at the end)
    assert first.stop(signal.SIGINT, group=True) in (0, -signal.SIGINT, 130)
    engine = store.connect(store.default_url(tmp_path))
    with engine.connect() as conn:
        states = conn.execute(sa.text("SELECT status, attempts FROM job")).all()
    engine.dispose()
    assert "running" not in {s for s, _ in states}
    assert len(states) == 6
    assert {a for s, a in states if s == "queued"} == {0}

    second = Server(tmp_path, 1).start()
    _wait_running(second)
    second.stop(signal.SIGKILL)  # killed: its worker is left running, on its own

    with Server(tmp_path, 2) as third:
        jobs = third.wait_jobs(ids)
    assert [j["status"] for j in jobs] == ["done"] * 6
    time.sleep(1.0)  # an orphaned worker of the killed server leaves within a poll
    _consistent(tmp_path, 6)


def test_a_killed_worker_is_replaced_and_its_job_run_again(tmp_path):
    import os

    from reemud.web import queue
    from reemud.web.worker import Pool

    url = store.default_url(tmp_path)
    engine = store.connect(url)
    text = load_scenario().text
    job_id = queue.submit(engine, kind="run", client="t", scenario_name="k", scenario_text=text,
                          seed=0, options={})
    broken = queue.submit(engine, kind="mc", client="t", scenario_name="k", scenario_text=text,
                          seed=0, options={})  # no draws given: the task fails, not the worker
    pool = Pool(url, 1)
    pool.start()
    try:
        deadline = time.monotonic() + 120
        while queue.get(engine, job_id).status != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        first = pool.pids()
        os.kill(first[0], signal.SIGKILL)
        while queue.get(engine, broken).status not in ("done", "failed") or queue.get(
                engine, job_id).status not in ("done", "failed"):
            assert time.monotonic() < deadline + 120, queue.get(engine, job_id)
            time.sleep(0.1)
        assert pool.pids() != first  # the supervisor started another
        assert pool.alive() == 1
    finally:
        pool.stop()
    done = queue.get(engine, job_id)
    assert done.status == "done"
    assert done.attempts == 2  # the killed start counts
    assert queue.get(engine, broken).status == "failed"
    assert queue.get(engine, broken).error.startswith("internal error (KeyError")
    assert len(store.list_runs(engine)) == 1
