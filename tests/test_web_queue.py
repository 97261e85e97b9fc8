"""The job queue on both backends (SQLite and PostgreSQL): claims, ends and requeues."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from reemud import store
from reemud.web import queue

pytestmark = pytest.mark.web

RUN = {"sha256": "b" * 64, "name": "q", "text": "[deposit]\n", "seed": 0, "version": "test",
       "kpis": {"npv_usd": 1.0, "irr": None}, "undefined": {"irr": "no sign change"}}


def _submit(engine, n: int) -> list[int]:
    return [queue.submit(engine, kind="run", client="t", scenario_name="q",
                         scenario_text="[deposit]\n", seed=i, options={"i": i}) for i in range(n)]


@pytest.fixture
def engine(url):
    engine = store.connect(url)
    yield engine
    engine.dispose()


def test_four_claimers_take_every_job_once(url, engine):
    ids = _submit(engine, 40)

    def claim_all() -> list[queue.Job]:
        own, taken = store.connect(url), []  # each claimer on a connection of its own
        while (job := queue.claim(own)) is not None:
            taken.append(job)
        own.dispose()
        return taken

    with ThreadPoolExecutor(4) as pool:
        taken = [job for batch in pool.map(lambda _: claim_all(), range(4)) for job in batch]
    assert sorted(j.id for j in taken) == ids  # each once
    assert len({j.lease for j in taken}) == 40
    for job in taken:
        queue.finish(engine, job.id, job.lease, run={**RUN, "seed": job.seed},
                     artifacts={"a.txt": ("text/plain", f"job {job.id}")})
    assert queue.counts(engine) == {"queued": 0, "running": 0, "done": 40, "failed": 0}
    runs = {queue.get(engine, i).run_id for i in ids}
    assert len(runs) == 40
    assert store.get_run(engine, queue.get(engine, ids[7]).run_id)["seed"] == 7
    assert store.undefined_of(engine, queue.get(engine, ids[0]).run_id) == {"irr": "no sign change"}
    assert queue.artifact(engine, ids[3], "a.txt") == ("text/plain", f"job {ids[3]}".encode())
    assert queue.get(engine, ids[5]).options == {"i": 5}


def test_a_requeue_never_resets_a_finished_job(engine):
    done_id, running_id = _submit(engine, 2)
    done, running = queue.claim(engine), queue.claim(engine)
    assert running.id == running_id
    queue.finish(engine, done.id, done.lease, run=RUN)
    assert queue.requeue_running(engine) == [running_id]
    assert queue.get(engine, done_id).status == "done"
    assert queue.get(engine, running_id).status == "queued"
    queue.requeue_lease(engine, done.lease)  # a stale lease changes nothing
    assert queue.get(engine, done_id).status == "done"
    assert queue.fail(engine, done_id, None, "late") is False  # a finished job stays finished
    assert len(store.list_runs(engine)) == 1
