"""What each kind of web job computes: a chain run, a Monte Carlo, a market disruption.

``KINDS`` is the registry: ``kind -> Kind(check, execute)``. ``check(text, name, options)``
validates a submission before it is queued (the CLI's own validation: ``ScenarioError`` lists
every problem); ``execute(job, engine, progress, scheduler)`` runs in a worker process and
returns an ``Outcome``: the run to store (``store.insert_run`` arguments), the files the pages
show and download, and the sweep of a Monte Carlo.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from sqlalchemy.engine import Engine

from reemud.cli_common import json_safe
from reemud.errors import Problem, ScenarioError

Progress = Callable[[float, str], None]
"""``progress(fraction done, what is happening)``."""

MC_MAX_DRAWS = 20_000
"""Most draws one web Monte Carlo may ask for (``reemud sweep`` runs larger studies)."""

MC_KPI = "npv_usd"
"""The KPI whose tornado and Sobol' indices a web Monte Carlo computes."""


@dataclass(frozen=True)
class Outcome:
    """What a finished job stores."""

    run: Mapping[str, object] | None = None
    artifacts: Mapping[str, tuple[str, bytes | str]] = field(default_factory=dict)
    message: str = "done"


@dataclass(frozen=True)
class Kind:
    """One kind of job."""

    name: str
    title: str
    check: Callable[[str, str, Mapping[str, object]], dict]
    execute: Callable[..., Outcome]


def figures_json(figs) -> str:
    """Figures as JSON: ``[{title, figure}]`` (plotly's own JSON of each figure)."""
    return json.dumps([{"title": title, "figure": json.loads(fig.to_json())} for title, fig in figs])


def _netcdf_bytes(dataset) -> bytes:
    from reemud.export import write_netcdf

    with tempfile.TemporaryDirectory(prefix="reemud-web-") as tmp:
        path = Path(tmp) / "run.nc"
        write_netcdf(dataset, path)
        return path.read_bytes()


def _options_problem(path: str, given: object, allowed: str, fix: str) -> ScenarioError:
    return ScenarioError([Problem(path, given, allowed, fix)], "job")


def _whole(options: Mapping[str, object], key: str, default: int, low: int, high: int) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _options_problem(f"options.{key}", value, f"must be a whole number from {low:,} to "
                               f"{high:,}", f"give e.g. {default}")
    return value


def _no_other_options(options: Mapping[str, object], known: tuple[str, ...]) -> None:
    extra = [k for k in options if k not in known]
    if extra:
        raise _options_problem(f"options.{extra[0]}", options[extra[0]],
                               f"is not an option of this job; its options are "
                               f"{', '.join(known) or 'none'}", "remove it")


# ---------------------------------------------------------------------------------------------
# a chain run


def _plain_check(module: str, parser: str) -> Callable[[str, str, Mapping[str, object]], dict]:
    """The check of a job without options: its text parsed by ``module.parser`` (CLI's own)."""
    def check(text: str, name: str, options: Mapping[str, object]) -> dict:
        _no_other_options(options, ())
        getattr(import_module(module), parser)(text, name)
        return {}

    return check


def _execute_run(job, engine: Engine, progress: Progress, scheduler: str | None) -> Outcome:
    from reemud.chain import run as run_chain
    from reemud.export import run_dataset
    from reemud.report import render, run_figures
    from reemud.scenario import parse_scenario

    sc = parse_scenario(job.scenario_text, job.scenario_name)
    progress(0.05, "running the chain")
    result = run_chain(sc, seed=job.seed)
    progress(0.7, "drawing the figures")
    figures = figures_json(run_figures(result))
    progress(0.8, "writing the report")
    page = render(result, None)
    progress(0.9, "writing the NetCDF file")
    netcdf = _netcdf_bytes(run_dataset(result))
    run = {"sha256": sc.sha256, "name": sc.name, "text": sc.text, "seed": result.seed,
           "version": result.version, "kpis": result.kpis, "undefined": result.undefined}
    return Outcome(run=run, artifacts={
        "figures.json": ("application/json", figures),
        "report.html": ("text/html; charset=utf-8", page),
        "run.nc": ("application/x-netcdf", netcdf)})


# ---------------------------------------------------------------------------------------------
# a Monte Carlo over the scenario's distributions


def _check_mc(text: str, name: str, options: Mapping[str, object]) -> dict:
    from reemud.scenario import parse_scenario
    from reemud.sweep import DEFAULT_CHUNK_SIZE

    _no_other_options(options, ("n", "sobol"))
    sc = parse_scenario(text, name)
    if not sc.uncertain:
        raise _options_problem("(scenario)", sc.name, "a Monte Carlo needs at least one "
                               "parameter written as a distribution", "write one, e.g. "
                               "price_multiplier = { dist = \"uniform\", low = 0.7, high = 1.3 }")
    n = _whole(options, "n", 256, 2, MC_MAX_DRAWS)
    sobol = options.get("sobol", True)
    if not isinstance(sobol, bool):
        raise _options_problem("options.sobol", sobol, "must be true or false", "give true")
    return {"n": n, "sobol": sobol, "chunk_size": min(DEFAULT_CHUNK_SIZE, n)}


def _execute_mc(job, engine: Engine, progress: Progress, scheduler: str | None) -> Outcome:
    from distributed import Client, LocalCluster

    from reemud.report import uncertainty_figures
    from reemud.scenario import parse_scenario
    from reemud.sweep import run_sweep, sweep_results
    from reemud.uncertainty import MonteCarloResult, scenario_sobol, summarise, tornado
    from reemud.web import queue

    sc = parse_scenario(job.scenario_text, job.scenario_name)
    options = job.options  # as _check_mc completed them when the job was queued
    progress(0.02, "starting the draws" + (f" on the Dask cluster at {scheduler}" if scheduler
                                           else ""))
    if scheduler:
        client, cluster = Client(scheduler, timeout="10s"), None
    else:  # one worker thread in this worker process: the pool already spreads the jobs
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        sweep_id = run_sweep(
            engine, sc, options["n"], seed=job.seed, chunk_size=options["chunk_size"],
            client=client, resume=job.sweep_id,
            started=lambda i: queue.set_sweep(engine, job.id, job.lease, i),
            progress=lambda done, total: progress(0.05 + 0.75 * done / max(total, 1),
                                                  f"draws: chunk {done} of {total}"))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    inputs, outputs = sweep_results(engine, sweep_id)
    mc = MonteCarloResult(sc.name, job.seed, "lhs", inputs, outputs)
    progress(0.85, f"tornado of {MC_KPI}")
    bars = tornado(sc, MC_KPI, seed=job.seed)
    sobol = None
    if options["sobol"]:
        progress(0.9, f"Sobol' indices of {MC_KPI}")
        sobol = scenario_sobol(sc, [MC_KPI], n_base=64, seed=job.seed)[MC_KPI]
    summary = {k: summarise(v) for k, v in outputs.items()}
    return Outcome(artifacts={
        "figures.json": ("application/json", figures_json(uncertainty_figures(mc, MC_KPI, bars,
                                                                                sobol))),
        "summary.json": ("application/json", json.dumps(
            {"n": mc.n, "kpis": _finite(summary), "inputs": list(inputs),
             "tornado": {"base": _num(bars[0]), "bars": [
                 {"parameter": b.parameter, "low": _num(b.low_value), "high": _num(b.high_value),
                  "kpi_at_low": _num(b.kpi_at_low), "kpi_at_high": _num(b.kpi_at_high)}
                 for b in bars[1]]}}))},
        message=f"{mc.n} draws stored as sweep {sweep_id}")


def _num(value) -> float | None:
    return json_safe(float(value))


def _finite(summary: Mapping[str, Mapping[str, float]]) -> dict:
    return json_safe({k: dict(stats) for k, stats in summary.items()})


# ---------------------------------------------------------------------------------------------
# a market disruption


def _execute_market(job, engine: Engine, progress: Progress, scheduler: str | None) -> Outcome:
    from reemud import __version__
    from reemud.report import render_market
    from reemud.report_market import market_figures
    from reemud.security.analysis import accepted_offtake, disrupted_paths, market_kpis, risk_indices
    from reemud.security.model import base_market, mud_supply, run_market
    from reemud.security.scenario import parse_market_scenario

    sc = parse_market_scenario(job.scenario_text, job.scenario_name)
    progress(0.1, "running the market")
    result = run_market(sc)
    kpis = market_kpis(result)
    mud = mud_supply(sc.params.mud_scenario)
    progress(0.6, "supply-risk indices before and after the mud")
    base = base_market(sc.params.china_demand_share, mud)
    take = accepted_offtake(sc.params, mud)
    risk = risk_indices(base, None if mud is None else mud.oxide_t_per_year, take)
    progress(0.8, "drawing the figures")
    run = {"sha256": sc.sha256, "name": f"market:{sc.name}", "text": sc.text, "seed": job.seed,
           "version": __version__, "kpis": kpis}
    return Outcome(run=run, artifacts={
        "figures.json": ("application/json", figures_json(market_figures(result, mud))),
        "report.html": ("text/html; charset=utf-8", render_market(result)),
        "market.json": ("application/json", json.dumps(json_safe(
            {"offtake": take, "risk": risk, "paths": disrupted_paths(result)})))})


KINDS: dict[str, Kind] = {
    "run": Kind("run", "chain run", _plain_check("reemud.scenario", "parse_scenario"), _execute_run),
    "mc": Kind("mc", "Monte Carlo", _check_mc, _execute_mc),
    "market": Kind("market", "market disruption",
                   _plain_check("reemud.security.scenario", "parse_market_scenario"),
                   _execute_market),
}
"""The kinds of job, by name."""


def worker_environment() -> None:
    """Set up a worker process: one numba thread each (the pool's processes share the cores)."""
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
