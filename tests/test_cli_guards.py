"""The guards every command shares: Ctrl-C, warnings, paths, atomic writes, memory, bench, sweeps."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import typer

from reemud import cli_guards
from reemud.cli_common import write_text_atomic

REEMUD = str(Path(sys.executable).with_name("reemud"))


EXAMPLE = str(Path(__file__).parents[1] / "examples" / "commercial-uncertain.toml")


def _interrupted(args, ready) -> tuple[int, str]:
    """Start ``reemud args``, wait until ``ready()`` holds, then Ctrl-C it; (exit status, stderr).

    Ctrl-C as a terminal sends it: SIGINT to the command's whole process group.
    """
    proc = subprocess.Popen([REEMUD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not ready() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, "finished before Ctrl-C: give it more work"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.communicate()
    return proc.returncode, err


@pytest.fixture(scope="module")
def slow(tmp_path_factory) -> dict[str, str]:
    """Scenarios that take long enough to interrupt.

    ``SLOW``: every draw simulates its own campaigns (seconds a draw); ``LONG_RUN``: a single run
    of 12,000 campaigns (~10 s).
    """
    from reemud.scenario import load_scenario

    text = load_scenario("minamitorishima-2027").text
    folder = tmp_path_factory.mktemp("slow")
    (folder / "slow-draws.toml").write_text(text.replace(
        "campaign_days = 30", 'campaign_days = { dist = "uniform", low = 20, high = 40 }\n'
        'workable_mean_h = { dist = "uniform", low = 100, high = 200 }'), encoding="utf-8")
    (folder / "long-run.toml").write_text(text.replace(
        "campaign_days = 30", "campaign_days = 30\ncampaigns = 12000"), encoding="utf-8")
    return {"SLOW": str(folder / "slow-draws.toml"), "LONG_RUN": str(folder / "long-run.toml")}


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["run", "LONG_RUN", "--out", "OUT"],
    ["campaign", "-n", "10000"],
    ["mc", "SLOW", "-n", "2000"],
    ["sensitivity", "SLOW", "-n", "512"],
], ids=["run", "campaign", "mc", "sensitivity"])
def test_ctrl_c_exits_130_with_one_line_and_no_traceback(args, slow, tmp_path):
    named = {**slow, "OUT": str(tmp_path / "out")}
    started = time.monotonic()
    status, err = _interrupted([named.get(a, a) for a in args],  # imports done, the work running
                               lambda: time.monotonic() - started > 6.0)
    assert status == 130
    assert err.strip() == "interrupted (Ctrl-C): results already written or stored are kept"
    if args[0] == "run":  # interrupted while computing: no report, no temporary file, no run
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["reemud.db"]
        with sqlite3.connect(tmp_path / "out" / "reemud.db") as conn:
            assert conn.execute("SELECT count(*) FROM run").fetchone()[0] == 0


@pytest.mark.slow
def test_ctrl_c_during_a_sweep_keeps_its_chunks_without_a_dask_traceback(tmp_path):
    out = tmp_path / "out"

    def two_chunks_stored() -> bool:
        try:
            with sqlite3.connect(out / "reemud.db", timeout=1) as conn:
                return conn.execute("SELECT count(*) FROM sweep_chunk").fetchone()[0] >= 2
        except sqlite3.Error:
            return False  # not created yet

    status, err = _interrupted(["sweep", EXAMPLE, "-n", "4096", "--chunk-size", "64",
                                "--workers", "1", "--out", str(out)], two_chunks_stored)
    assert status == 130
    # the workers ignore the group's SIGINT and Dask's shutdown stays quiet: one line
    line = err.strip()
    assert "\n" not in line, err
    kept = int(line.split("keeps its ")[1].split(" ")[0])
    assert kept >= 2
    assert line == (f"interrupted (Ctrl-C): sweep 1 keeps its {kept} stored chunk(s); finish it "
                    f"with: reemud sweep --resume 1 --out {out}")
    resumed = subprocess.run([REEMUD, "sweep", "--resume", "1", "--out", str(out), "--workers",
                              "1", "--json"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    with sqlite3.connect(out / "reemud.db") as conn:
        assert conn.execute("SELECT count(*) FROM sweep_chunk").fetchone()[0] == 4096 // 64


def test_warnings_reach_the_user_as_one_line(capsys, monkeypatch):
    small = typer.Typer()

    @small.command()
    def warn() -> None:
        warnings.warn("the leach loses more than half of what it extracts", stacklevel=1)

    monkeypatch.setattr(sys, "argv", ["reemud"])
    saved = warnings.showwarning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            with pytest.raises(SystemExit) as exit_:
                cli_guards.run_app(small)
    finally:
        warnings.showwarning = saved
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert exit_.value.code == 0
    err = capsys.readouterr().err
    assert err.strip() == "warning: the leach loses more than half of what it extracts"


def test_a_report_path_that_is_a_folder_or_under_a_file_is_refused_before_work(tmp_path):
    with pytest.raises(typer.Exit) as exit_:
        cli_guards.writable_file_or_fail(tmp_path, "--report")
    assert exit_.value.exit_code == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(typer.Exit):
        cli_guards.writable_file_or_fail(blocker / "sub" / "report.html", "--report")
    ok = cli_guards.writable_file_or_fail(tmp_path / "new" / "report.html", "--report")
    assert ok == tmp_path / "new" / "report.html"


def test_an_unwritable_folder_is_refused(tmp_path, monkeypatch):
    # decided by os.access (what the user running reemud may do), so a root user is not needed
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(typer.Exit) as exit_:
        cli_guards.writable_file_or_fail(tmp_path / "report.html", "--report")
    assert exit_.value.exit_code == 2


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    write_text_atomic(path, "first")
    assert path.read_text() == "first"

    def broken(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(path, "second")
    assert path.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_a_request_beyond_the_memory_limit_is_refused_with_the_estimate(monkeypatch, capsys):
    monkeypatch.setenv("REEMUD_MEMORY_FRACTION", "0.5")
    limit = cli_guards.memory_limit_bytes()
    n = int(limit / cli_guards.DRAW_BYTES) + 1
    with pytest.raises(typer.Exit) as exit_:
        cli_guards.memory_or_fail(cli_guards.draws_memory_bytes(n), f"{n:,} draws",
                                  "run them with reemud sweep, which stores them chunk by chunk")
    assert exit_.value.exit_code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"{n:,} draws needs about" in err
    assert "run them with reemud sweep" in err
    cli_guards.memory_or_fail(cli_guards.draws_memory_bytes(1000), "1,000 draws", "")  # passes


def test_bench_finds_the_suites_from_any_folder(tmp_path):
    out = subprocess.run([REEMUD, "bench", "no-such-suite"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert "no suite 'no-such-suite'" in out.stderr
    assert "lift" in out.stderr  # the clone's suites were found
    assert "market" in out.stderr


def test_sweep_without_dask_says_how_to_install_and_stores_no_sweep(tmp_path, monkeypatch):
    from reemud import store
    from reemud.scenario import load_scenario
    from reemud.sweep import run_sweep

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    engine = store.connect(store.default_url(tmp_path))
    sc = load_scenario("examples/commercial-uncertain.toml")
    with pytest.raises(ValueError, match=r"pip install 'reemud\[dask\]'"):
        run_sweep(engine, sc, 8, chunk_size=4)
    assert store.list_sweeps(engine) == []


def test_sensitivity_of_a_kpi_undefined_in_runs_says_so():
    from reemud.scenario import load_scenario
    from reemud.uncertainty import scenario_sobol

    sc = load_scenario("examples/commercial-uncertain.toml")
    with pytest.raises(ValueError, match=r"irr is undefined in 20 of 20 runs \(all of them\)"):
        scenario_sobol(sc, ["irr"], n_base=2)
    assert np.isfinite(scenario_sobol(sc, ["npv_usd"], n_base=2)["npv_usd"].st).all()


def test_a_disruption_the_store_refuses_is_kept_as_json(tmp_path, monkeypatch):
    import json

    from sqlalchemy.exc import OperationalError
    from typer.testing import CliRunner

    from reemud.cli import app

    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr("reemud.store.save_kpis", broken)
    result = CliRunner().invoke(app, ["market", "disrupt", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    (kept,) = tmp_path.glob("run-*.json")
    record = json.loads(kept.read_text())
    assert record["scenario"] == "market:licences-2025-04"
    assert "disk I/O error" in record["store_error"]
    assert set(record["kpis"]) == set(json.loads(result.stdout)["kpis"])
    assert f"the run is saved in {kept}" in " ".join(result.stderr.split())


def test_export_of_a_sweep_with_no_draws_refuses_and_writes_nothing(tmp_path):
    from typer.testing import CliRunner

    from reemud import store
    from reemud.cli import app

    engine = store.connect(store.default_url(tmp_path))
    sweep_id = store.create_sweep(engine, scenario_sha256="0" * 64, scenario_name="empty",
                                  scenario_text="", n=8, method="lhs", seed=0, chunk_size=4,
                                  parameters=["economics.price_multiplier"], version="test")
    target = tmp_path / "draws.parquet"
    result = CliRunner().invoke(app, ["db", "export", str(sweep_id), str(target), "--out",
                                      str(tmp_path)])
    assert result.exit_code == 2
    assert f"sweep {sweep_id} has no stored draws yet: nothing to export" in \
        " ".join(result.stderr.split())
    assert not target.exists()


@pytest.mark.parametrize("args", [
    ["mc", "examples/commercial-uncertain.toml", "-n", "4"],
    ["sensitivity", "examples/commercial-uncertain.toml", "-n", "2"],
    ["breakeven", "minamitorishima-commercial", "economics.price_multiplier", "1", "20"],
    ["campaign", "-n", "2"],
    ["slate"],
], ids=lambda a: a[0])
def test_every_seed_is_refused_outside_64_bits_before_any_work(args):
    from typer.testing import CliRunner

    from reemud.cli import app

    result = CliRunner().invoke(app, [*args, "--seed", str(2**64)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "9223372036854775807" in result.output
