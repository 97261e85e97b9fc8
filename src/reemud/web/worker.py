"""The worker pool: processes that take jobs from the store's queue and run them.

Each worker is a process of its own (never the server's request threads): it claims the oldest
queued job (``queue.claim``), runs it (``tasks.KINDS``), reports progress to the job's row and
stores the outcome with the job's end in one transaction. The server's supervisor thread
restarts a worker that died and queues its job again; stopping the pool ends the workers and
queues their running jobs again, so a restart of the server loses no job. Workers ignore Ctrl-C,
which is the server's to handle. A worker whose server died (killed, not stopped) stops at its
next progress report or poll; whatever it was running
is queued again by the next server (``queue.requeue_running``), and the old worker's result is
refused by the lease.

``run_one`` is the whole life of one job and runs the same in a worker process and in a test.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import threading
import time
import traceback

from sqlalchemy.engine import Engine

from reemud import store
from reemud.errors import ReemudError
from reemud.web import queue
from reemud.web.tasks import KINDS, worker_environment

log = logging.getLogger("reemud.web")

POLL_S = 0.25
"""How often an idle worker looks for a queued job [s]."""

PROGRESS_EVERY_S = 0.2
"""Least time between two progress writes of a job [s] (the last one is always written)."""

STOP_GRACE_S = 2.0
"""How long stopping the pool waits for idle workers to leave before ending them [s]."""


class ServerGone(Exception):
    """The server that started this worker is gone: stop without storing anything."""


def run_one(engine: Engine, job: queue.Job, scheduler: str | None = None,
            alive=lambda: True) -> str:
    """Run a claimed job to its end; its final status (``done``, ``failed`` or ``taken back``).

    A user's error (``ReemudError``: a scenario the chain cannot compute, a store that refused)
    fails the job with the error's own message; any other exception fails it with its type and
    message, and the traceback goes to the server's log only.
    """
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        if not alive():
            raise ServerGone
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1:
            last[0] = now
            if not queue.report(engine, job.id, job.lease, fraction, message):
                raise queue.LeaseLost(f"job {job.id} was taken back")

    kind = KINDS.get(job.kind)
    if kind is None:
        queue.fail(engine, job.id, job.lease, f"unknown job kind {job.kind!r}; the kinds are "
                   f"{', '.join(KINDS)}")
        return "failed"
    try:
        outcome = kind.execute(job, engine, progress, scheduler)
        queue.finish(engine, job.id, job.lease, run=outcome.run, artifacts=outcome.artifacts,
                     message=outcome.message)
        return "done"
    except queue.LeaseLost:
        return "taken back"
    except ServerGone:  # stopped, not failed: it starts afresh, and this start is not counted
        queue.requeue_lease(engine, job.lease, counted=False)
        return "taken back"
    except ReemudError as exc:
        queue.fail(engine, job.id, job.lease, str(exc))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - a job's failure must not stop the worker
        log.error("job %s failed:\n%s", job.id, traceback.format_exc())
        queue.fail(engine, job.id, job.lease, f"internal error ({type(exc).__name__}: {exc}); "
                   "the server's log has the details")
        return "failed"


def drain(engine: Engine, scheduler: str | None = None) -> int:
    """Run every queued job here, one after another (tests, ``--workers 0``); how many ran."""
    ran = 0
    while (job := queue.claim(engine)) is not None:
        run_one(engine, job, scheduler)
        ran += 1
    return ran


def _worker_main(url: str, lease_slot, stop, scheduler: str | None) -> None:
    """A worker process: claim, run, repeat, until told to stop or its server is gone.

    Ctrl-C is the server's to handle (it stops the pool, which queues the job again); the lease
    stays in ``lease_slot`` unless the job ends normally, so whatever kills this process, the
    supervisor or the pool's stop finds the job and queues it again.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_environment()
    parent = os.getppid()

    def alive() -> bool:
        return os.getppid() == parent and not stop.is_set()

    engine = store.connect(url, pooled=False)
    while alive():
        job = queue.claim(engine)
        if job is None:
            stop.wait(POLL_S)
            continue
        lease_slot.value = job.lease.encode()
        run_one(engine, job, scheduler, alive)
        lease_slot.value = b""


class Pool:
    """``workers`` worker processes on the store at ``url``, with a supervisor thread."""

    def __init__(self, url: str, workers: int, scheduler: str | None = None) -> None:
        self.url, self.workers, self.scheduler = url, workers, scheduler
        self._ctx = mp.get_context("spawn")
        self._stop = self._ctx.Event()
        self._slots: list = []
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine = store.connect(url)

    def _spawn(self, i: int):
        slot = self._ctx.Array("c", 40)
        proc = self._ctx.Process(target=_worker_main, name=f"reemud-worker-{i}",
                                 args=(self.url, slot, self._stop, self.scheduler), daemon=True)
        proc.start()
        return proc, slot

    def start(self) -> list[int]:
        """Queue again what a previous server left running, start the workers; the requeued ids."""
        again = queue.requeue_running(self._engine)
        self._slots = [self._spawn(i) for i in range(self.workers)]
        self._thread = threading.Thread(target=self._supervise, name="reemud-supervisor",
                                        daemon=True)
        self._thread.start()
        return again

    def _supervise(self) -> None:
        while not self._halt.wait(0.5):
            try:
                self._replace_dead()
            except Exception:  # noqa: BLE001 - the store may be busy: try again next round
                log.exception("the supervisor could not look after the workers; trying again")

    def _replace_dead(self) -> None:
        for i, (proc, slot) in enumerate(self._slots):
            if proc.is_alive() or self._halt.is_set():
                continue
            lease = slot.value.decode()
            log.error("worker %s stopped (exit code %s)%s", i, proc.exitcode,
                      "; its job is queued again" if lease else "")
            if lease:
                queue.requeue_lease(self._engine, lease)
            self._slots[i] = self._spawn(i)

    def pids(self) -> list[int]:
        """Process ids of the workers."""
        return [proc.pid for proc, _ in self._slots]

    def alive(self) -> int:
        """Worker processes running now."""
        return sum(proc.is_alive() for proc, _ in self._slots)

    def stop(self) -> None:
        """End the workers; their running jobs are queued again (none is lost)."""
        self._halt.set()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        deadline = time.monotonic() + STOP_GRACE_S
        for proc, slot in self._slots:
            proc.join(max(deadline - time.monotonic(), 0))
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
            if slot.value:
                queue.requeue_lease(self._engine, slot.value.decode(), counted=False)
        self._slots = []
        self._engine.dispose()
