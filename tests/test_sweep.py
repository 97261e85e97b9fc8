"""Dask sweeps: worker-count and chunk-size independence, a killed worker, kill and resume."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from distributed import Client, LocalCluster

from reemud import store, sweep, uncertainty
from reemud.scenario import load_scenario

pytestmark = pytest.mark.slow

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def reference(scenario):
    """The same draws by the in-process Monte Carlo loop."""
    return uncertainty.monte_carlo(scenario, 120, method="lhs", seed=5)


def _client(workers):
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    return Client(cluster), cluster


def _assert_complete_and_equal(engine, sweep_id, reference):
    inputs, outputs = sweep.sweep_results(engine, sweep_id)
    draws = store.sweep_arrays(engine, sweep_id)["draw"]
    np.testing.assert_array_equal(draws, np.arange(reference.n))  # exactly n, none duplicated
    for path, values in reference.inputs.items():
        np.testing.assert_array_equal(inputs[path], values)
    for kpi, values in reference.outputs.items():
        np.testing.assert_array_equal(outputs[kpi], values)


@pytest.mark.parametrize(("workers", "chunk_size"), [(1, 7), (2, 16)])
def test_results_identical_whatever_workers_and_chunks(tmp_path, scenario, reference, workers,
                                                       chunk_size):
    engine = store.connect(store.default_url(tmp_path))
    client, cluster = _client(workers)
    try:
        sweep_id = sweep.run_sweep(engine, scenario, 120, seed=5, chunk_size=chunk_size,
                                   client=client)
    finally:
        client.close()
        cluster.close()
    assert len(store.done_chunks(engine, sweep_id)) == -(-120 // chunk_size)
    _assert_complete_and_equal(engine, sweep_id, reference)


def test_a_worker_killed_mid_sweep_loses_no_draws(tmp_path, scenario, reference):
    engine = store.connect(store.default_url(tmp_path))
    client, cluster = _client(2)
    pids = client.run(os.getpid)  # worker address -> process id
    killed = {}

    def progress(done, total):
        if done == 1 and not killed:
            victim = sorted(pids)[0]
            killed["at"] = (done, total)
            os.kill(pids[victim], signal.SIGKILL)

    try:
        sweep_id = sweep.run_sweep(engine, scenario, 120, seed=5, chunk_size=3, client=client,
                                   progress=progress)
        after = set(client.scheduler_info()["workers"])
        before = set(pids)
    finally:
        client.close()
        cluster.close()
    assert killed["at"] == (1, 40)  # killed with 39 of 40 chunks still to come
    assert before - after  # the killed worker is gone (the nanny started a new one)
    _assert_complete_and_equal(engine, sweep_id, reference)


def test_killed_sweep_resumes_to_exactly_n_draws(tmp_path, scenario, reference):
    url = store.default_url(tmp_path)
    engine = store.connect(url)
    cmd = [sys.executable, "-c", "from reemud.cli import main; main()", "sweep", EXAMPLE,
           "-n", "120", "--seed", "5", "--chunk-size", "2", "--workers", "1", "--db", url,
           "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while len(store.done_chunks(engine, 1)) < 3:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "the sweep stored no chunk within 120 s"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    stored = len(store.done_chunks(engine, 1))
    assert 3 <= stored < 60
    client, cluster = _client(1)
    try:
        assert sweep.run_sweep(engine, resume=1, client=client) == 1
    finally:
        client.close()
        cluster.close()
    _assert_complete_and_equal(engine, 1, reference)


def test_bad_sampler_stores_nothing_and_old_sweeps_are_not_resumed(tmp_path, scenario):
    engine = store.connect(store.default_url(tmp_path))
    with pytest.raises(ValueError, match=r"method must be one of random, lhs, sobol \(got 'LHS'\)"):
        sweep.run_sweep(engine, scenario, 10, method="LHS")
    assert store.list_sweeps(engine) == []
    old = store.create_sweep(engine, scenario_sha256=scenario.sha256, scenario_name="x",
                             scenario_text=scenario.text, n=10, method="lhs", seed=0,
                             chunk_size=5, parameters=list(scenario.uncertain), version="0.0.1")
    with pytest.raises(ValueError, match="was started with reemud 0.0.1 and this is"):
        sweep.run_sweep(engine, resume=old)
    with pytest.raises(ValueError, match="no sweep 99 in the store to add chunk 0 to"):
        store.save_chunk(engine, 99, 0, 0, 5, b"")


def test_sweep_starts_while_port_8787_is_taken(tmp_path):
    # Dask's scheduler serves HTTP on 8787 by default and warns (an error under pytest) when
    # the port is taken, e.g. by another cluster's dashboard
    import socket

    from typer.testing import CliRunner

    from reemud.cli import app

    holder = socket.socket()
    try:
        holder.bind(("0.0.0.0", 8787))
        holder.listen()
    except OSError:  # already taken by something else: the condition under test holds anyway
        holder.close()
        holder = None
    try:
        result = CliRunner().invoke(app, ["sweep", EXAMPLE, "-n", "8", "--chunk-size", "4",
                                          "--workers", "1", "--out", str(tmp_path)])
    finally:
        if holder is not None:
            holder.close()
    assert result.exit_code == 0, result.output
