"""Monte Carlo sweeps on a Dask distributed cluster, streamed into the store and resumable.

The whole design (``n`` points of the scenario's uncertain parameters, by ``uncertainty.sample_unit``)
is fixed by (scenario, n, method, seed) before anything runs; draw ``i`` is always row ``i``, and
every draw's stage-internal randomness uses the sweep seed. Chunks of ``chunk_size`` draws are
mapped over the cluster (a ``LocalCluster`` of ``workers`` processes by default, or an existing
scheduler); each finished chunk is written to the store at once under the key (sweep, chunk), so:

- results are bit-identical whatever the number of workers or the chunk size (and equal to
  ``uncertainty.monte_carlo`` with the same arguments);
- a killed sweep rerun with ``resume=sweep_id`` runs only the chunks not stored, ending with
  exactly ``n`` draws, none duplicated (a chunk can be stored once only);
- a worker lost mid-sweep loses no draws: the scheduler reruns its unfinished chunks elsewhere.
"""

from __future__ import annotations

import logging
import signal
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
from sqlalchemy.engine import Engine

from reemud import __version__, store
from reemud.chain import run_draws
from reemud.scenario import Scenario, parse_scenario
from reemud.uncertainty import correlation_matrix, draw_inputs, sample_unit

DEFAULT_CHUNK_SIZE = 256


def chunks(n: int, chunk_size: int) -> list[tuple[int, int, int]]:
    """``(index, start, stop)`` of each chunk of ``n`` draws."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1 (got {chunk_size!r})")
    return [(k, start, min(start + chunk_size, n))
            for k, start in enumerate(range(0, n, chunk_size))]


@lru_cache(maxsize=4)
def _scenario(text: str, source: str):
    """Per-process cache of the parsed scenario."""
    return parse_scenario(text, source)


def run_chunk(text: str, source: str, seed: int, start: int, stop: int,
              u: np.ndarray) -> bytes:
    """Run draws ``start..stop`` (unit-hypercube rows ``u``) and pack inputs and KPIs as a blob.

    The KPIs include the per-element ones, as ``(draws, 15)`` arrays. Each worker process
    computes its chunk on one thread (the processes share the cores).
    """
    sc = _scenario(text, source)
    inputs = draw_inputs(sc, u)
    outputs = run_draws(sc, inputs, seed, workers=1, per_element=True)
    out = {"draw": np.arange(start, stop, dtype=np.int64)}
    out.update({f"in:{p}": v for p, v in inputs.items()})
    out.update({f"out:{k}": v for k, v in outputs.items()})
    return store.pack(out)


def _client(workers: int, scheduler: str | None):
    """A Dask client and the LocalCluster it owns (or None).

    ``ValueError`` with the fix when Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("reemud sweep needs Dask distributed, which is not installed: "
                         "pip install 'reemud[dask]' (or pip install -e '.[dask]' in a clone)"
                         ) from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); start "
                             "it or leave out --scheduler to run a local cluster") from None
    # the scheduler always serves HTTP; ":0" takes a free port, so another Dask cluster (or
    # anything else) on the default 8787 does not get in the way
    with _ctrl_c_for_this_process_only():
        # worker warnings (chunks cancelled by Ctrl-C, memory notes) are Dask's, not the user's
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


@contextmanager
def _ctrl_c_for_this_process_only():
    """Start worker processes with SIGINT ignored: Ctrl-C is this process's to handle.

    A terminal sends Ctrl-C to the whole process group; workers that took it would die with
    tracebacks while the command stores what is finished and closes the cluster. Processes
    started inside inherit the ignored SIGINT (Python keeps it ignored at start-up).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers, and only it receives Ctrl-C
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_sweep(engine: Engine, scenario: Scenario | None = None, n: int = 0, *,
              method: str = "lhs", seed: int = 0, chunk_size: int = DEFAULT_CHUNK_SIZE,
              workers: int = 2, scheduler: str | None = None, resume: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              client=None, started: Callable[[int], None] | None = None) -> int:
    """Run (or resume) a sweep; return its id. ``progress(done, total)`` counts chunks.

    A new sweep needs ``scenario`` and ``n``; ``resume`` takes everything from the stored sweep.
    ``client`` may be an existing ``distributed.Client`` (then ``workers``/``scheduler`` are
    ignored). ``started(sweep_id)`` is called once the sweep's row exists. The cluster is set up
    before a new sweep's row is written, so a refused scheduler or a missing Dask leaves no
    empty sweep in the store.
    """
    own = client is None
    cluster = None
    if resume is not None:
        info = store.get_sweep(engine, resume)
        if info is None:
            raise ValueError(f"no sweep {resume} in the store; `reemud db sweeps` lists them")
        scenario = parse_scenario(info["scenario_text"], info["scenario_name"])
        n, method, seed, chunk_size = info["n"], info["method"], info["seed"], info["chunk_size"]
        sweep_id = resume
        if info["version"] != __version__:
            raise ValueError(f"sweep {resume} was started with reemud {info['version']} and this "
                             f"is {__version__}: its draws would mix two model versions; start a "
                             "new sweep")
    else:
        if scenario is None or n < 1:
            raise ValueError("a new sweep needs a scenario and n >= 1 draws")
        if not scenario.uncertain:
            raise ValueError(f"scenario {scenario.name!r} has no uncertain parameter: write one "
                             "as a distribution")
        chunks(n, chunk_size)  # validates chunk_size and the sampler before anything is stored
        sample_unit(1, len(scenario.uncertain), method, seed, correlation_matrix(scenario))
        if own:
            client, cluster = _client(workers, scheduler)
        try:
            sweep_id = store.create_sweep(
                engine, scenario_sha256=scenario.sha256, scenario_name=scenario.name,
                scenario_text=scenario.text, n=n, method=method, seed=seed,
                chunk_size=chunk_size, parameters=list(scenario.uncertain), version=__version__)
        except BaseException:  # the store refused the sweep: close the cluster just opened
            _close(client, cluster, own)
            raise
    u = sample_unit(n, len(scenario.uncertain), method, seed, correlation_matrix(scenario))
    plan = chunks(n, chunk_size)
    done = store.done_chunks(engine, sweep_id)
    todo = [c for c in plan if c[0] not in done]
    if started is not None:
        started(sweep_id)
    if progress is not None:
        progress(len(done), len(plan))
    if not todo:
        _close(client, cluster, own)
        return sweep_id
    if own and client is None:
        client, cluster = _client(workers, scheduler)
    try:
        from distributed import as_completed

        token = uuid.uuid4().hex  # sweep ids repeat across stores sharing one scheduler
        futures = {client.submit(run_chunk, scenario.text, scenario.name, seed, start, stop,
                                 u[start:stop], key=f"reemud-sweep-{sweep_id}-{token}-chunk-{k}",
                                 retries=3): (k, start, stop)
                   for k, start, stop in todo}
        finished = len(done)
        for future in as_completed(futures):
            k, start, stop = futures[future]
            store.save_chunk(engine, sweep_id, k, start, stop, future.result())
            finished += 1
            if progress is not None:
                progress(finished, len(plan))
    finally:
        _close(client, cluster, own)
    return sweep_id


def _close(client, cluster, own: bool) -> None:
    """Close the client and cluster this sweep opened (not a client it was given).

    Silently: closing cancels unfinished chunks, which Dask logs as warnings, and can log the
    client's closed connection as critical, none of which the user can act on (what was kept
    is the command's to say).
    """
    if own and client is not None:
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL + 1)
        try:
            client.close()
            if cluster is not None:
                cluster.close()
        finally:
            quiet.setLevel(level)


def sweep_results(engine: Engine, sweep_id: int) -> tuple[dict[str, np.ndarray],
                                                          dict[str, np.ndarray]]:
    """``(inputs, outputs)`` of every stored draw, in draw order, keyed like ``MonteCarloResult``.

    The scalar KPIs only; ``store.sweep_arrays`` has the per-element ones too.
    """
    arrays = store.sweep_arrays(engine, sweep_id)
    inputs = {k[3:]: v for k, v in arrays.items() if k.startswith("in:")}
    outputs = {k[4:]: v for k, v in arrays.items() if k.startswith("out:") and v.ndim == 1}
    return inputs, outputs
