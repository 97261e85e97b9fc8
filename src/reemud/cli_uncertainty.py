"""Command-line interface: the uncertainty commands ``reemud mc | sweep | sensitivity | breakeven``.

Plain command functions; ``reemud.cli`` registers them on its app. Bad input exits 2 with one
clear message (``cli_common``); requests are checked against the memory limit before they run
(``cli_guards``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reemud.cli_common import (
    DEFAULT_OUT,
    INT64_MAX,
    DbOption,
    OutOption,
    SeedOption,
    draw_progress,
    err_console,
    existing_store,
    fail_line,
    fmt,
    json_safe,
    load_or_fail,
    open_store,
    out_console,
    output_folder,
    store_failures,
    user_errors,
    write_html,
)
from reemud.cli_guards import (
    EXIT_INTERRUPTED,
    Interrupted,
    draws_memory_bytes,
    memory_or_fail,
    writable_file_or_fail,
)

MC_KPIS = ("npv_usd", "irr", "unit_cost_usd_per_kg_reo", "break_even_price_multiplier",
           "revenue_usd_per_year", "capex_usd", "reo_production_t_per_year")


def mc(
    scenario: Annotated[str, typer.Argument(help="scenario TOML file (or bundled name) with "
                                            "distributions")],
    n: Annotated[int, typer.Option("-n", help="number of draws", min=1)] = 256,
    method: Annotated[str, typer.Option(help="sampler: random, lhs or sobol")] = "lhs",
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    report: Annotated[Path | None, typer.Option(
        help="also write an HTML report (distributions, convergence, NPV tornado) here")] = None,
) -> None:
    """Monte Carlo: run the chain on N draws of the scenario's uncertain parameters."""
    from reemud.uncertainty import monte_carlo

    sc = load_or_fail(scenario)
    if report is not None:
        writable_file_or_fail(report, "--report")
    memory_or_fail(draws_memory_bytes(n), f"a Monte Carlo of {n:,} draws",
                   "run it with `reemud sweep`, which stores the draws chunk by chunk, or lower -n")
    progress, update = draw_progress("running draws", n, as_json)
    with user_errors(), progress:
        result = monte_carlo(sc, n, method=method, seed=seed, progress=update)
    summary = result.summary()
    if report is not None:
        from reemud.report import render_uncertainty
        from reemud.uncertainty import tornado

        write_html(report, render_uncertainty(sc.name, "npv_usd", mc=result,
                                               tornado=tornado(sc, "npv_usd", seed=seed)))
    _print_mc(sc, n, method, seed, summary, as_json, rejections=result.rejections)
    if summary["resource_reo_t"]["n"] == 0:  # defined whenever a draw was run
        fail_line(f"every one of the {n:,} draws was rejected (the reasons are above); "
                  f"`reemud validate {scenario}` checks the scenario at its stated values")


def _print_mc(sc, n: int, method: str, seed: int, summary: Mapping, as_json: bool,
              extra: Mapping | None = None, rejections: Mapping | None = None) -> None:
    from reemud.nomenclature import unit_of

    if as_json:
        out = {"scenario": sc.name, "n": n, "method": method, "seed": seed, **(extra or {}),
               "uncertain": list(sc.uncertain),
               "kpis": json_safe({k: summary[k] for k in MC_KPIS}),
               **({"rejected": dict(rejections)} if rejections is not None else {})}
        sys.stdout.write(json.dumps(out, indent=2, allow_nan=False) + "\n")
        return
    table = Table(title=f"{sc.name}: {n} draws ({method}, seed {seed}) over "
                        f"{', '.join(sc.uncertain)}")
    for col in ("KPI", "mean", "± s.e.", "P10", "P50", "P90", "unit", "defined"):
        table.add_column(col, justify="left" if col in ("KPI", "unit") else "right",
                         no_wrap=col == "KPI")
    for k in MC_KPIS:
        v = summary[k]
        table.add_row(k, fmt(v["mean"]), fmt(v["standard_error"]), fmt(v["p10"]),
                      fmt(v["p50"]), fmt(v["p90"]), unit_of(k), f"{v['n']}/{n}")
    npv = summary["npv_usd"]
    rejected = n - summary["resource_reo_t"]["n"]  # defined whenever a draw was run
    if rejections:  # the stated reasons
        why = [f"{count} draw(s) rejected: {reason}" for reason, count in rejections.items()]
    else:
        why = [f"{rejected} draw(s) rejected"] if rejected else []
    table.caption = " · ".join(
        ([f"P(NPV > 0) = {npv['p_positive']:.3f} over {npv['n']} draws"] if npv["n"] else [])
        + why) or None
    Console(width=max(out_console.width, 132)).print(table)


def sweep(
    scenario: Annotated[str | None, typer.Argument(help="scenario TOML file (or bundled name) "
                                                   "with distributions")] = None,
    n: Annotated[int, typer.Option("-n", help="number of draws", min=1)] = 10_000,
    method: Annotated[str, typer.Option(help="sampler: random, lhs or sobol")] = "lhs",
    seed: SeedOption = 0,
    chunk_size: Annotated[int, typer.Option("--chunk-size", help="draws per task",
                                            min=1)] = 256,
    workers: Annotated[int, typer.Option("--workers", help="LocalCluster worker processes",
                                         min=1)] = 2,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="address of a running Dask scheduler (tcp://host:port)")] = None,
    resume: Annotated[int | None, typer.Option(
        "--resume", help="finish an interrupted sweep by its id", min=1, max=INT64_MAX)] = None,
    out: OutOption = DEFAULT_OUT, db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    report: Annotated[Path | None, typer.Option(
        help="also write an HTML report (distributions, convergence, NPV tornado) here")] = None,
) -> None:
    """Monte Carlo sweep on a Dask cluster, streamed into the store chunk by chunk (resumable)."""
    from reemud import store
    from reemud.scenario import parse_scenario
    from reemud.sweep import run_sweep, sweep_results
    from reemud.uncertainty import summarise

    if (scenario is None) == (resume is None):
        err_console.print("give a SCENARIO for a new sweep or --resume SWEEP_ID, not both")
        raise typer.Exit(2)
    if resume is not None:  # resuming needs the store the sweep was started in
        engine = existing_store(db, out, writable=True)
    else:
        engine = open_store(db or store.default_url(output_folder(out)))
    sc = load_or_fail(scenario) if scenario is not None else None
    if report is not None:
        writable_file_or_fail(report, "--report")
    if sc is not None:
        memory_or_fail(draws_memory_bytes(n), f"the summary of a sweep of {n:,} draws",
                       "split it into several sweeps, or export the draws with "
                       "`reemud db export` instead of summarising them")
    progress, update = draw_progress("running chunks", 1, as_json)
    task = progress.task_ids[0]
    kept = ("the chunks finished before it are stored: `reemud db sweeps` lists the sweep, "
            "`reemud sweep --resume SWEEP_ID` finishes it")
    started: list[int] = []
    try:
        with user_errors(), store_failures(engine, kept), progress:
            sweep_id = run_sweep(engine, sc, n, method=method, seed=seed, chunk_size=chunk_size,
                                 workers=workers, scheduler=scheduler, resume=resume,
                                 progress=lambda done, total: progress.update(
                                     task, completed=done, total=total), started=started.append)
    except Interrupted:
        if not started:
            raise
        stored = len(store.done_chunks(engine, started[0]))
        err_console.print(f"interrupted (Ctrl-C): sweep {started[0]} keeps its {stored} stored "
                          f"chunk(s); finish it with: reemud sweep --resume {started[0]}"
                          + (f" --db {db}" if db else f" --out {out}"), highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    info = store.get_sweep(engine, sweep_id)
    if sc is None:  # resumed: the scenario is the one stored with the sweep
        sc = parse_scenario(info["scenario_text"], info["scenario_name"])
    inputs, outputs = sweep_results(engine, sweep_id)
    summary = {k: summarise(v) for k, v in outputs.items()}
    if report is not None:
        from reemud.report import render_uncertainty
        from reemud.uncertainty import MonteCarloResult, tornado

        result = MonteCarloResult(scenario=sc.name, seed=info["seed"], method=info["method"],
                                  inputs=inputs, outputs=outputs)
        write_html(report, render_uncertainty(sc.name, "npv_usd", mc=result,
                                               tornado=tornado(sc, "npv_usd", seed=info["seed"])))
    if not as_json:
        err_console.print(f"sweep {sweep_id}: {len(next(iter(outputs.values())))} draws stored "
                          f"in {engine.url.render_as_string(hide_password=True)}")
    _print_mc(sc, info["n"], info["method"], info["seed"], summary, as_json,
              extra={"sweep_id": sweep_id, "chunk_size": info["chunk_size"]})


def sensitivity(
    scenario: Annotated[str, typer.Argument(help="scenario TOML file (or bundled name) with "
                                            "two or more distributions")],
    n: Annotated[int, typer.Option("-n", help="Saltelli base sample (runs n(2d+2) draws)",
                                   min=2)] = 64,
    kpi: Annotated[str, typer.Option(help="scalar KPI to analyse")] = "npv_usd",
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    report: Annotated[Path | None, typer.Option(
        help="also write an HTML report (Sobol bar chart and tornado) here")] = None,
) -> None:
    """Sobol' indices (first order and total, 95 % CI) of a KPI over the uncertain parameters."""
    from reemud.uncertainty import scenario_sobol

    sc = load_or_fail(scenario)
    d = len(sc.uncertain)
    if report is not None:
        writable_file_or_fail(report, "--report")
    memory_or_fail(draws_memory_bytes(n * (2 * d + 2)), f"{n * (2 * d + 2):,} Saltelli runs",
                   "lower -n")
    progress, update = draw_progress("running Saltelli draws", n * (2 * d + 2), as_json)
    with user_errors(), progress:
        res = scenario_sobol(sc, [kpi], n_base=n, seed=seed, progress=update)[kpi]
    if report is not None:
        from reemud.report import render_uncertainty
        from reemud.uncertainty import tornado

        write_html(report, render_uncertainty(sc.name, kpi, sobol=res,
                                               tornado=tornado(sc, kpi, seed=seed)))
    rows = [{"parameter": name, "S1": float(res.s1[j]), "S1_conf": float(res.s1_conf[j]),
             "ST": float(res.st[j]), "ST_conf": float(res.st_conf[j])}
            for j, name in enumerate(res.names)]
    if as_json:
        sys.stdout.write(json.dumps(json_safe({"scenario": sc.name, "kpi": kpi, "n": n,
                                                "seed": seed, "indices": rows}),
                                    indent=2, allow_nan=False) + "\n")
        return
    table = Table(title=f"{sc.name}: Sobol' indices of {kpi} ({n * (2 * d + 2)} runs, seed {seed})")
    for col in ("parameter", "S1", "± 95 %", "ST", "± 95 % "):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for r in sorted(rows, key=lambda r: -r["ST"]):
        table.add_row(r["parameter"], f"{r['S1']:.3f}", f"{r['S1_conf']:.3f}",
                      f"{r['ST']:.3f}", f"{r['ST_conf']:.3f}")
    out_console.print(table)


def breakeven(
    scenario: Annotated[str, typer.Argument(help="bundled scenario name or TOML file")],
    parameter: Annotated[str, typer.Argument(help="stage.parameter to solve for, e.g. "
                                             "collector.mud_dry_t_per_day")],
    low: Annotated[float, typer.Argument(help="low end of the bracket (canonical unit)")],
    high: Annotated[float, typer.Argument(help="high end of the bracket (canonical unit)")],
    kpi: Annotated[str, typer.Option(help="scalar KPI to bring to the target")] = "npv_usd",
    target: Annotated[float, typer.Option(help="target value of the KPI")] = 0.0,
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Break-even: the parameter value at which a KPI reaches a target (default NPV = 0)."""
    from dataclasses import asdict

    from reemud.nomenclature import unit_of
    from reemud.uncertainty import break_even

    sc = load_or_fail(scenario)
    with user_errors():
        res = break_even(sc, parameter, low, high, kpi=kpi, target=target, seed=seed)
    if as_json:
        sys.stdout.write(json.dumps(json_safe({"scenario": sc.name, **asdict(res)}), indent=2,
                                    allow_nan=False) + "\n")
        return
    unit = unit_of(kpi)
    answer = f"{res.value:.6g}" if res.value is not None else f"none ({res.status})"
    out_console.print(f"{sc.name}: {kpi} = {target:g} {unit} at {parameter} = {answer}\n"
                      f"  {kpi} at {parameter} = {low:g}: {fmt(res.kpi_at_low)} {unit}\n"
                      f"  {kpi} at {parameter} = {high:g}: {fmt(res.kpi_at_high)} {unit}",
                      highlight=False, soft_wrap=True)
