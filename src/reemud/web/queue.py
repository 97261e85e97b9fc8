"""The job queue of the web app: jobs are rows of the store's ``job`` table.

A job is submitted ``queued``; a worker claims it (``running``, with a fresh ``lease``), reports
its progress, and finishes it ``done`` or ``failed``. Every change a worker makes names its lease,
so a worker whose job was taken back (the server restarted while it ran: ``requeue_running``)
changes nothing. ``finish`` stores the job's run, its files (``artifact`` rows, zlib-compressed)
and its end in one transaction: a run and its job are stored together or not at all.

Because the queue is the store, it survives a restart of the server: jobs still queued are run
when it comes back, and jobs that were running are queued again (``requeue_running``).
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from reemud import store
from reemud.store import artifact_table, job_table, now_utc, with_retry

STATUSES = ("queued", "running", "done", "failed")
"""The states of a job, in the order a job passes through them."""

MAX_ATTEMPTS = 3
"""Times a job is started before it is failed: a job whose worker died twice is not retried."""


@dataclass(frozen=True)
class Job:
    """One row of the queue."""

    id: int
    kind: str
    status: str
    client: str
    scenario_name: str
    scenario_text: str
    seed: int
    options: Mapping[str, object]
    progress: float
    message: str
    lease: str | None
    attempts: int
    run_id: int | None
    sweep_id: int | None
    error: str | None
    created_utc: object
    started_utc: object
    finished_utc: object

    def public(self) -> dict:
        """What the API shows of a job (no scenario text, no lease)."""
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "scenario": self.scenario_name, "seed": self.seed, "options": dict(self.options),
                "progress": self.progress, "message": self.message, "attempts": self.attempts,
                "run_id": self.run_id, "sweep_id": self.sweep_id, "error": self.error,
                "created_utc": _iso(self.created_utc), "started_utc": _iso(self.started_utc),
                "finished_utc": _iso(self.finished_utc)}


def _iso(value) -> str | None:
    return None if value is None else value.isoformat() + "Z"


def _job(row) -> Job:
    values = dict(row)
    values["options"] = json.loads(values["options"])
    return Job(**values)


def submit(engine: Engine, *, kind: str, client: str, scenario_name: str, scenario_text: str,
           seed: int, options: Mapping[str, object]) -> int:
    """Queue a job; its id."""
    def store_it() -> int:
        with engine.begin() as conn:
            return int(conn.execute(insert(job_table).values(
                kind=kind, status="queued", client=client[:64], scenario_name=scenario_name,
                scenario_text=scenario_text, seed=seed, options=json.dumps(dict(options)),
                progress=0.0, message="queued", attempts=0, created_utc=now_utc(),
            )).inserted_primary_key[0])

    return with_retry(store_it)


def get(engine: Engine, job_id: int) -> Job | None:
    """The job, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(job_table).where(job_table.c.id == job_id)).mappings().first()
    return None if row is None else _job(row)


def listing(engine: Engine, limit: int = 100) -> list[Job]:
    """The latest ``limit`` jobs, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(job_table).order_by(job_table.c.id.desc()).limit(limit)
                            ).mappings().all()
    return [_job(r) for r in rows]


def counts(engine: Engine) -> dict[str, int]:
    """Jobs per status (every status, zero included)."""
    with engine.connect() as conn:
        rows = conn.execute(select(job_table.c.status, func.count()).group_by(job_table.c.status)
                            ).all()
    return {status: 0 for status in STATUSES} | {s: int(n) for s, n in rows}


def claim(engine: Engine) -> Job | None:
    """Take the oldest queued job for a worker (``running``, a new lease); ``None`` if none.

    The claim is a conditional update, so two dispatchers never take one job.
    """
    def take() -> Job | None:
        while True:
            with engine.begin() as conn:
                job_id = conn.execute(select(func.min(job_table.c.id)).where(
                    job_table.c.status == "queued")).scalar()
                if job_id is None:
                    return None
                lease = uuid.uuid4().hex
                taken = conn.execute(update(job_table).where(
                    job_table.c.id == job_id, job_table.c.status == "queued").values(
                    status="running", lease=lease, attempts=job_table.c.attempts + 1,
                    started_utc=now_utc(), message="starting")).rowcount
                if taken == 1:
                    row = conn.execute(select(job_table).where(job_table.c.id == job_id)
                                       ).mappings().one()
                    return _job(row)

    return with_retry(take)


def report(engine: Engine, job_id: int, lease: str, progress: float, message: str) -> bool:
    """Record a running job's progress; ``False`` if the job is no longer this lease's."""
    def write() -> bool:
        with engine.begin() as conn:
            return conn.execute(update(job_table).where(
                job_table.c.id == job_id, job_table.c.lease == lease,
                job_table.c.status == "running").values(
                progress=min(max(float(progress), 0.0), 1.0), message=message[:500])).rowcount == 1

    return with_retry(write)


def set_sweep(engine: Engine, job_id: int, lease: str, sweep_id: int) -> None:
    """Note the sweep a Monte Carlo job stores its draws in (a retried job resumes it)."""
    def write() -> None:
        with engine.begin() as conn:
            conn.execute(update(job_table).where(
                job_table.c.id == job_id, job_table.c.lease == lease,
                job_table.c.status == "running").values(sweep_id=sweep_id))

    with_retry(write)


def _pack(payload: bytes | str) -> bytes:
    return zlib.compress(payload.encode("utf-8") if isinstance(payload, str) else payload, 6)


class LeaseLost(Exception):
    """The job was taken back from this worker (the server restarted): nothing was stored."""


def finish(engine: Engine, job_id: int, lease: str, *, run: Mapping | None = None,
           artifacts: Mapping[str, tuple[str, bytes | str]] | None = None,
           message: str = "done") -> int | None:
    """End a job ``done``: store its run (``store.insert_run`` arguments) and files at once.

    ``artifacts`` maps a file's name to ``(media type, content)``. Returns the run id. Raises
    ``LeaseLost`` (and stores nothing) if the job is no longer this lease's.
    """
    def write() -> int | None:
        with engine.begin() as conn:
            run_id = None if run is None else store.insert_run(conn, **run)
            for name, (media_type, content) in (artifacts or {}).items():
                conn.execute(insert(artifact_table).values(job_id=job_id, name=name,
                                                           media_type=media_type,
                                                           payload=_pack(content)))
            done = conn.execute(update(job_table).where(
                job_table.c.id == job_id, job_table.c.lease == lease,
                job_table.c.status == "running").values(
                status="done", progress=1.0, message=message, run_id=run_id,
                finished_utc=now_utc(), lease=None)).rowcount
            if done != 1:
                raise LeaseLost(f"job {job_id} is no longer this worker's")
            return run_id

    return with_retry(write)


def fail(engine: Engine, job_id: int, lease: str | None, error: str) -> bool:
    """End a job ``failed`` with its error (one line for the user); ``False`` if not this lease's."""
    def write() -> bool:
        with engine.begin() as conn:
            where = [job_table.c.id == job_id, job_table.c.status.in_(("queued", "running"))]
            if lease is not None:
                where.append(job_table.c.lease == lease)
            return conn.execute(update(job_table).where(*where).values(
                status="failed", error=error[:4000], message="failed", finished_utc=now_utc(),
                lease=None)).rowcount == 1

    return with_retry(write)


def requeue_running(engine: Engine) -> list[int]:
    """Queue again every ``running`` job (their workers died with the server); their ids.

    A job already started ``MAX_ATTEMPTS`` times is failed instead, with the reason. Each update
    is conditional on the job still running, so a job a dying worker finished meanwhile stays
    done.
    """
    def write() -> list[int]:
        with engine.begin() as conn:
            ids = conn.execute(select(job_table.c.id, job_table.c.attempts).where(
                job_table.c.status == "running")).all()
            again = [i for i, attempts in ids if attempts < MAX_ATTEMPTS]
            spent = [i for i, attempts in ids if attempts >= MAX_ATTEMPTS]
            running = job_table.c.status == "running"
            if again:
                conn.execute(update(job_table).where(job_table.c.id.in_(again), running).values(
                    status="queued", lease=None, progress=0.0,
                    message="queued again: the server restarted while it ran"))
            if spent:
                conn.execute(update(job_table).where(job_table.c.id.in_(spent), running).values(
                    status="failed", lease=None, finished_utc=now_utc(), message="failed",
                    error=f"its worker stopped {MAX_ATTEMPTS} times before it finished; run it "
                          "again, or run it with the CLI to see why"))
        return sorted(again)

    return with_retry(write)


def requeue_lease(engine: Engine, lease: str, *, counted: bool = True) -> None:
    """Queue again the running job of a lease whose worker stopped.

    ``counted``: the worker died, and this start counts towards ``MAX_ATTEMPTS`` (after which
    the job is failed); not counted: the server stopped it, and the job starts afresh.
    """
    def write() -> None:
        with engine.begin() as conn:
            running = [job_table.c.lease == lease, job_table.c.status == "running"]
            if not counted:
                conn.execute(update(job_table).where(*running).values(
                    status="queued", lease=None, progress=0.0,
                    attempts=job_table.c.attempts - 1,
                    message="queued again: the server stopped while it ran"))
                return
            conn.execute(update(job_table).where(*running, job_table.c.attempts < MAX_ATTEMPTS)
                         .values(status="queued", lease=None, progress=0.0,
                                 message="queued again: its worker stopped"))
            conn.execute(update(job_table).where(*running).values(
                status="failed", lease=None, finished_utc=now_utc(), message="failed",
                error=f"its worker stopped {MAX_ATTEMPTS} times before it finished; run it "
                      "with the CLI to see why"))

    with_retry(write)


def artifact(engine: Engine, job_id: int, name: str) -> tuple[str, bytes] | None:
    """``(media type, content)`` of a job's file, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(artifact_table.c.media_type, artifact_table.c.payload).where(
            artifact_table.c.job_id == job_id, artifact_table.c.name == name)).first()
    return None if row is None else (row[0], zlib.decompress(row[1]))


def artifact_names(engine: Engine, job_id: int) -> list[str]:
    """Names of a job's files."""
    with engine.connect() as conn:
        return list(conn.execute(select(artifact_table.c.name).where(
            artifact_table.c.job_id == job_id).order_by(artifact_table.c.name)).scalars())


def job_of_run(engine: Engine, run_id: int) -> Job | None:
    """The job that made a run, or ``None`` (a run stored by the CLI)."""
    with engine.connect() as conn:
        row = conn.execute(select(job_table).where(job_table.c.run_id == run_id)).mappings().first()
    return None if row is None else _job(row)


def job_of_sweep(engine: Engine, sweep_id: int) -> Job | None:
    """The job that made a sweep, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(job_table).where(job_table.c.sweep_id == sweep_id)
                           .order_by(job_table.c.id)).mappings().first()
    return None if row is None else _job(row)
