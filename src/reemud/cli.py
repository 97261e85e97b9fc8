"""Command-line interface (typer + rich): ``reemud run | mc | sensitivity | scenarios | db | …``.

Bad input never shows a traceback: scenario problems are listed with the field, the value, what
is allowed and how to fix it, and the command exits with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from reemud.cli_common import (
    DEFAULT_OUT,
    INT64_MAX,
    DbOption,
    OutOption,
    SeedOption,
    err_console,
    existing_store,
    fail,
    fail_line,
    fmt,
    json_safe,
    load_or_fail,
    open_store,
    out_console,
    output_folder,
    save_unstored,
    user_errors,
    write_text_atomic,
)
from reemud.cli_guards import campaigns_memory_bytes, memory_or_fail, writable_file_or_fail
from reemud.cli_market import market_app
from reemud.cli_uncertainty import breakeven, mc, sensitivity, sweep
from reemud.compare import comparison
from reemud.errors import ScenarioError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="reemud: deep-sea rare-earth mud mining, from the seabed to the market.")
scenarios_app = typer.Typer(no_args_is_help=True, help="List and show the bundled scenarios.")
db_app = typer.Typer(no_args_is_help=True, help="Look at stored runs.")
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(db_app, name="db")
app.add_typer(market_app, name="market")




_fail = fail


_fmt = fmt


def _summary(result) -> Table:
    from reemud.nomenclature import unit_of

    table = Table(title=f"reemud — {result.scenario.name} (seed {result.seed})")
    table.add_column("KPI", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("unit")
    for name, value in result.kpis.items():
        if isinstance(value, Mapping):
            shown = ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
            table.add_row(name, shown, unit_of(name))
        else:
            table.add_row(name, _fmt(value), unit_of(name))
    return table


def _undefined_lines(undefined: Mapping[str, str]) -> list[str]:
    """One line per stated reason, with the undefined KPIs it explains (shown as —)."""
    by_reason: dict[str, list[str]] = {}
    for name, reason in undefined.items():
        by_reason.setdefault(reason, []).append(name)
    return [f"undefined ({reason}): {', '.join(names)}" for reason, names in by_reason.items()]


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="bundled scenario name or TOML file")] =
        "minamitorishima-2027",
    out: OutOption = DEFAULT_OUT,
    db: DbOption = None,
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON only")] = False,
    netcdf: Annotated[Path | None, typer.Option(
        "--netcdf", help="also write the run's KPIs (per-element ones on an element dimension) "
                         "and the plume's deposit grid to this NetCDF file")] = None,
    geojson: Annotated[Path | None, typer.Option(
        "--geojson", help="also write the plume deposit's contours at the scenario's "
                          "thresholds (default 1 mm and 0.1 mm) to this GeoJSON file (metres "
                          "east and north of the source)")] = None,
) -> None:
    """Run a scenario through the whole chain; store the run and write the report.

    The store is opened (and checked) before the chain runs; if storing fails after it ran, the
    run is written to ``--out`` as ``run-<time>-<sha8>.json`` instead and the command exits 2.
    """
    from rich.progress import Progress

    from reemud import store
    from reemud.chain import run as run_chain
    from reemud.literature import evaluate, remember
    from reemud.report import render
    from reemud.scenario import load_scenario

    if netcdf is not None:
        _netcdf_path_or_fail(netcdf)  # before the chain runs, not after
    if geojson is not None:
        writable_file_or_fail(geojson, "--geojson")
    with Progress(console=err_console, transient=True, disable=as_json) as progress:
        task = progress.add_task("validating scenario", total=5)
        try:
            sc = load_scenario(scenario)
        except ScenarioError as exc:
            progress.stop()
            _fail(exc)
        progress.update(task, advance=1, description="opening the store")
        output_folder(out)  # the report goes there whatever the store
        url = db or store.default_url(out)
        engine = open_store(url)
        progress.update(task, advance=1, description="running the chain")
        try:
            result = run_chain(sc, seed=seed)
        except ScenarioError as exc:  # what only the chain finds, as `validate` reports it
            progress.stop()
            _fail(exc)
        remember(result)
        progress.update(task, advance=1, description="storing the run")
        run_id, unstored = _store_run(engine, url, result, out)
        progress.update(task, advance=1, description="writing the report")
        # the scripting path (--json) skips the literature table, which compiles the SX kernels
        report_path, report_error = out / "report.html", None
        try:
            write_text_atomic(report_path, render(result, None if as_json else evaluate()))
        except OSError as exc:
            report_error = f"could not write the report to {report_path}: {exc.strerror or exc}"
        progress.update(task, advance=1)
    if netcdf is not None:
        from reemud.export import run_dataset

        _write_netcdf_or_fail(run_dataset(result), netcdf)
    geojson_error = None if geojson is None else _write_geojson(result, geojson)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        out_console.print(_summary(result))
        for line in _undefined_lines(result.undefined):
            out_console.print(line, highlight=False)
        if report_error is None:
            out_console.print(f"report: {report_path}")
        if netcdf is not None:
            out_console.print(f"netcdf: {netcdf}")
        if geojson is not None and geojson_error is None:
            out_console.print(f"geojson: {geojson}")
        if run_id is not None:
            out_console.print(f"stored as run {run_id} in {store.shown_url(url)}")
    problems = [m for m in (unstored, report_error, geojson_error) if m is not None]
    for message in problems:
        err_console.print(f"[bold red]{escape(message)}[/]", highlight=False)
    if problems:
        raise typer.Exit(2)


def _write_geojson(result, path: Path) -> str | None:
    """Write the plume deposit's contours; the message of what went wrong, or ``None``."""
    from reemud.environment.footprint import contours_geojson

    grid = result.diagnostics.get("environment", {})
    if "plume_deposit_thickness_m" not in grid:
        model = result.scenario.stages["environment"].model
        return (f"--geojson: the plume model {model} makes no deposit grid; choose "
                "[environment] model = \"ledger_lagrangian_plume\" (the run itself is stored)")
    collection = contours_geojson(grid["plume_deposit_thickness_m"], grid["plume_x_edges_m"],
                                  grid["plume_y_edges_m"], grid["plume_thresholds_m"],
                                  {"scenario": result.scenario.name, "seed": int(result.seed)})
    try:
        write_text_atomic(path, json.dumps(collection))
    except OSError as exc:
        return f"could not write --geojson {path}: {exc.strerror or exc}"
    return None


def _store_run(engine, url: str, result, out: Path) -> tuple[int | None, str | None]:
    """Store a computed run: ``(run id, None)``; if the store fails, ``(None, message)``.

    Then the run is kept as JSON in ``out`` (``save_unstored``) and the message says why and where.
    """
    from reemud import store

    try:
        return store.save_run(engine, result), None
    except Exception as exc:  # noqa: BLE001 - whatever the store raised, the run must not be lost
        record = {**result.to_dict(), "scenario_sha256": result.scenario.sha256,
                  "scenario_text": result.scenario.text}
        return None, save_unstored(out, record, where=store.shown_url(url),
                                   reason=store.failure(exc))


@app.command()
def validate(file: Annotated[str, typer.Argument(help="scenario TOML file or bundled name")]) -> None:
    """Check a scenario and report every problem at once (exit 2 if any).

    Valid means runnable: after the file's checks, the chain runs once (each uncertain
    parameter at its stated value), so what only the chain can find infeasible (a slurry that
    cannot rise, an SX spec not met, a stage that makes nothing) is reported here as in ``run``.
    """
    from reemud.chain import run

    sc = load_or_fail(file)
    with err_console.status("running the chain once", spinner="dots"):
        try:
            run(sc)
        except ScenarioError as exc:
            _fail(exc)
    out_console.print(f"{file}: valid scenario {sc.name!r} "
                      f"({len(sc.uncertain)} uncertain parameter(s)); the chain runs")


@scenarios_app.command("list")
def scenarios_list() -> None:
    """List the bundled scenarios."""
    from reemud.scenario import bundled_scenarios, load_scenario

    table = Table(title="bundled scenarios")
    table.add_column("name")
    table.add_column("description")
    for name in bundled_scenarios():
        table.add_row(name, load_scenario(name).description)
    out_console.print(table)


@scenarios_app.command("show")
def scenarios_show(name: Annotated[str, typer.Argument(help="bundled scenario name")]) -> None:
    """Print a bundled scenario's TOML text (bundled names only, never a path)."""
    from reemud.scenario import bundled_scenarios, read_scenario_text

    if name not in bundled_scenarios():
        fail_line(f"{name!r} is not a bundled scenario; `reemud scenarios list` lists them "
                  f"({', '.join(sorted(bundled_scenarios()))})")
    try:
        text, _ = read_scenario_text(name)
    except ScenarioError as exc:
        _fail(exc)
    sys.stdout.write(text)


@db_app.command("list")
def db_list(out: OutOption = DEFAULT_OUT, db: DbOption = None) -> None:
    """List the stored runs."""
    from reemud import store

    table = Table(title="stored runs")
    for col in ("id", "scenario", "seed", "version", "created (UTC)"):
        table.add_column(col)
    for r in store.list_runs(existing_store(db, out)):
        table.add_row(str(r["id"]), r["scenario_name"], str(r["seed"]), r["version"],
                      r["created_utc"].isoformat(timespec="seconds"))
    out_console.print(table)


@db_app.command("show")
def db_show(run_id: Annotated[int, typer.Argument(help="run id from `reemud db list`", min=1,
                                                  max=INT64_MAX)],
            out: OutOption = DEFAULT_OUT, db: DbOption = None,
            as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Show a stored run's KPIs (the same KPIs the run printed)."""
    from reemud import store

    record = store.get_run(existing_store(db, out), run_id)
    if record is None:
        err_console.print(f"no run with id {run_id}; see `reemud db list`")
        raise typer.Exit(2)
    if as_json:
        payload = {k: record[k] for k in ("scenario", "seed", "version", "kpis", "undefined")}
        sys.stdout.write(json.dumps(payload, indent=2, allow_nan=False) + "\n")
        return
    table = Table(title=f"run {run_id}: {record['scenario']} (seed {record['seed']}, "
                        f"reemud {record['version']}, {record['created_utc']})")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for name, value in record["kpis"].items():
        shown = (", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
                 if isinstance(value, Mapping) else _fmt(value))
        table.add_row(name, shown)
    out_console.print(table)
    for line in _undefined_lines(record["undefined"]):
        out_console.print(line, highlight=False)


@db_app.command("sweeps")
def db_sweeps(out: OutOption = DEFAULT_OUT, db: DbOption = None) -> None:
    """List the stored sweeps and how many of their draws are stored."""
    from reemud import store

    table = Table(title="stored sweeps")
    for col in ("id", "scenario", "draws stored", "method", "seed", "chunk size",
                "created (UTC)"):
        table.add_column(col)
    for r in store.list_sweeps(existing_store(db, out)):
        table.add_row(str(r["id"]), r["scenario_name"], f"{r['stored']}/{r['n']}", r["method"],
                      str(r["seed"]), str(r["chunk_size"]),
                      r["created_utc"].isoformat(timespec="seconds"))
    out_console.print(table)


@db_app.command("export")
def db_export(sweep_id: Annotated[int, typer.Argument(help="sweep id printed by `reemud sweep`",
                                                      min=1, max=INT64_MAX)],
              path: Annotated[Path, typer.Argument(help="Parquet file to write")],
              out: OutOption = DEFAULT_OUT, db: DbOption = None) -> None:
    """Write every draw of a sweep (inputs and scalar KPIs) to a Parquet file."""
    from reemud import store

    engine = existing_store(db, out)
    if store.get_sweep(engine, sweep_id) is None:
        err_console.print(f"no sweep with id {sweep_id} in the store")
        raise typer.Exit(2)
    writable_file_or_fail(path, "FILE")
    if not store.done_chunks(engine, sweep_id):
        fail_line(f"sweep {sweep_id} has no stored draws yet: nothing to export (finish it with "
                  f"`reemud sweep --resume {sweep_id}`)")
    store.export_draws(engine, sweep_id, path)
    err_console.print(f"wrote {path}")


def _netcdf_path_or_fail(path: Path) -> Path:
    """Exit 2 with one clear message unless a NetCDF file can be created at ``path``."""
    from reemud.export import check_path

    try:
        return check_path(path)
    except OSError as exc:
        err_console.print(f"[bold red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None


def _write_netcdf_or_fail(dataset, path: Path) -> None:
    from reemud.export import write_netcdf

    try:
        write_netcdf(dataset, path)
    except OSError as exc:
        err_console.print(f"[bold red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None


def _parameter_units(info: Mapping) -> dict[str, str]:
    """Canonical unit of each uncertain parameter of a stored sweep ({} if it fails to parse)."""
    from reemud.scenario import parameter_field, parse_scenario

    try:
        sc = parse_scenario(info["scenario_text"], info["scenario_name"])
        fields = {p: parameter_field(sc, p)[2] for p in info["parameters"]}
    except ValueError:  # ScenarioError included
        return {}
    return {p: (f.json_schema_extra or {}).get("unit", "") for p, f in fields.items()}


@db_app.command("export-netcdf")
def db_export_netcdf(
    sweep_id: Annotated[int, typer.Argument(help="sweep id printed by `reemud sweep`", min=1,
                                            max=INT64_MAX)],
    path: Annotated[Path, typer.Argument(help="NetCDF file to write (its folder must exist)")],
    out: OutOption = DEFAULT_OUT, db: DbOption = None,
) -> None:
    """Write every stored draw of a sweep to a NetCDF file: inputs and KPIs over dimension draw."""
    from reemud import store
    from reemud.export import sweep_dataset

    engine = existing_store(db, out)
    info = store.get_sweep(engine, sweep_id)
    if info is None:
        err_console.print(f"no sweep with id {sweep_id} in the store; `reemud db sweeps` lists them")
        raise typer.Exit(2)
    _netcdf_path_or_fail(path)
    arrays = store.sweep_arrays(engine, sweep_id)
    stored = len(arrays["draw"])
    if stored == 0:
        err_console.print(f"sweep {sweep_id} has no stored draw yet; finish it with "
                          f"`reemud sweep --resume {sweep_id}`")
        raise typer.Exit(2)
    attrs = {"title": f"reemud sweep {sweep_id} of scenario {info['scenario_name']}: {stored} of "
                      f"{info['n']} draws ({info['method']}, seed {info['seed']})",
             "sweep_id": sweep_id, "scenario": info["scenario_name"],
             "scenario_sha256": info["scenario_sha256"], "method": info["method"],
             "seed": info["seed"], "n": info["n"], "draws_stored": stored,
             "chunk_size": info["chunk_size"], "parameters": ", ".join(info["parameters"]),
             "version": info["version"], "source": f"reemud {info['version']}",
             "created_utc": info["created_utc"].isoformat(timespec="seconds")}
    with user_errors():
        dataset = sweep_dataset(arrays, input_units=_parameter_units(info), attrs=attrs)
    _write_netcdf_or_fail(dataset, path)
    err_console.print(f"wrote {path}")


def _signed(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + (_fmt(value) if not suffix else f"{value:.4g}") + suffix


@db_app.command("compare")
def db_compare(
    run_ids: Annotated[list[int], typer.Argument(help="two or more run ids from `reemud db "
                                                 "list`; differences are relative to the first",
                                                 min=1, max=INT64_MAX)],
    out: OutOption = DEFAULT_OUT, db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Show stored runs' KPIs side by side with their differences from the first run."""
    from rich.measure import Measurement
    from rich.text import Text

    from reemud import store

    if len(run_ids) < 2:
        err_console.print(f"give two or more run ids to compare (got {len(run_ids)}); "
                          "`reemud db list` lists them")
        raise typer.Exit(2)
    engine = existing_store(db, out)
    with user_errors():
        records = store.get_runs(engine, run_ids)
    rows = comparison(records)
    runs = [{k: r[k] for k in ("id", "scenario", "seed", "version", "created_utc")}
            for r in records]
    if as_json:
        sys.stdout.write(json.dumps({"runs": runs, "relative_to": runs[0]["id"], "rows": rows},
                                    indent=2, allow_nan=False) + "\n")
        return
    base = run_ids[0]
    table = Table(title=f"runs {', '.join(map(str, run_ids))} compared (differences relative to "
                        f"run {base})")
    table.add_column("KPI", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    for i in run_ids:
        table.add_column(f"run {i}", justify="right", no_wrap=True)
    for i in run_ids[1:]:
        table.add_column(f"Δ run {i}", justify="right", no_wrap=True)
        table.add_column(f"Δ% run {i}", justify="right", no_wrap=True)
    for row in rows:
        hot = "bold yellow" if row["differs"] else "dim"
        table.add_row(Text(row["kpi"], style="bold" if row["differs"] else ""), Text(row["unit"]),
                      *(Text(_fmt(v)) for v in row["values"]),
                      *(Text(cell, style=hot)
                        for d, p in zip(row["difference"], row["difference_pct"], strict=True)
                        for cell in (_signed(d), _signed(p, " %"))))
    differ = sum(r["differs"] for r in rows)
    table.caption = (f"{differ} of {len(rows)} values differ · Δ = run − run {base}, "
                     f"Δ% = 100 Δ / |run {base}|")
    wide = Console(width=10_000)
    console = Console(width=max(out_console.width, Measurement.get(wide, wide.options,
                                                                   table).maximum))
    for r in runs:
        console.print(f"run {r['id']}: {r['scenario']}, seed {r['seed']}, reemud {r['version']}, "
                      f"stored {r['created_utc'][:19].replace('T', ' ')} UTC", highlight=False)
    console.print(table)


@app.command()
def literature(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Compare the model with published figures; exit 1 if any check fails."""
    from reemud.literature import evaluate

    results = evaluate()
    if as_json:
        payload = [{"id": r.case.id, "kind": r.case.kind, "parameter": r.case.parameter,
                    "quantity": r.case.quantity, "source": r.case.source,
                    "published": r.case.published, "comparison": r.case.comparison,
                    "tolerance": r.case.tolerance, "unit": r.case.unit, "model": r.model,
                    "pass": r.passed, "scenarios": list(r.scenarios)} for r in results]
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        table = Table(title="literature checks")
        table.add_column("id", no_wrap=True)
        for col in ("kind", "published", "model", "unit", "pass"):
            table.add_column(col)
        for r in results:
            kind = r.case.kind if r.case.kind == "validation" else f"calibration: {r.case.parameter}"
            table.add_row(r.case.id, kind, r.case.published_text, f"{r.model:.6g}", r.case.unit,
                          "[green]pass[/]" if r.passed else "[bold red]FAIL[/]")
        out_console.print(table)
    if not all(r.passed for r in results):
        raise typer.Exit(1)


@app.command()
def campaign(
    scenario: Annotated[str, typer.Argument(help="bundled scenario name or TOML file")] =
        "minamitorishima-2027",
    n: Annotated[int, typer.Option("-n", help="number of campaigns to simulate", min=1)] = 1000,
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Simulate the scenario's collector campaigns (SimPy) with a progress bar."""
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    from reemud.chain import run_stages
    from reemud.collector.campaign import (
        CATEGORIES,
        MAX_EVENTS,
        events_per_campaign,
        simulate_campaigns,
        summarise,
    )
    from reemud.scenario import as_campaign, load_scenario
    from reemud.stages.collector import campaign_spec

    try:
        sc = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
    original = sc.stages["collector"].model
    if original != "campaign":
        sc = as_campaign(sc)
        err_console.print(f"{sc.name}: its collector model is {original!r}; the campaign uses "
                          "the parameters the two models share and the campaign model's sourced "
                          "defaults for the rest (data/parameters.csv)")
    try:  # the campaign needs the deposit only, not the stages after the collector
        deposit = run_stages(sc, ("deposit",), {"deposit": sc.stages["deposit"].params}, {},
                             seed, single=True)["deposit"]
    except ScenarioError as exc:
        _fail(exc)
    spec = campaign_spec(sc.stages["collector"].params, deposit)
    memory_or_fail(campaigns_memory_bytes(n), f"{n:,} campaigns", "lower -n")
    per_campaign = float(events_per_campaign(**vars(spec)))
    if not per_campaign * n <= MAX_EVENTS:
        fail_line(f"{n:,} campaigns would take about {per_campaign * n:.2g} simulation events, "
                  f"more than {MAX_EVENTS:.0e}: lower -n (at most "
                  f"{MAX_EVENTS / per_campaign:,.0f} at these settings), or give the spot cycle "
                  "and spells realistic lengths")
    with Progress("[progress.description]{task.description}", BarColumn(),
                  "{task.completed}/{task.total}", TimeRemainingColumn(), console=err_console,
                  transient=True, disable=as_json) as progress:
        task = progress.add_task("simulating campaigns", total=n)
        results = simulate_campaigns(spec, n, seed,
                                     progress=lambda i: progress.update(task, completed=i))
    summary = summarise(results, spec.duration_h)
    hours = {k: float(results[f"{k} h"].mean()) for k in CATEGORIES}
    if as_json:
        sys.stdout.write(json.dumps({"scenario": sc.name, "seed": seed, **summary,
                                     "mean_hours": hours}, indent=2) + "\n")
        return
    table = Table(title=f"{sc.name}: {n} campaigns of {spec.duration_h / 24:.0f} days "
                        f"(seed {seed})")
    table.add_column("quantity", no_wrap=True)
    table.add_column("value", justify="right")
    for key, value in summary.items():
        table.add_row(key, _fmt(value))
    for key, value in hours.items():
        table.add_row(f"mean hours: {key}", _fmt(value))
    out_console.print(table)


@app.command()
def slate(
    scenario: Annotated[str, typer.Argument(help="bundled scenario name or TOML file")] =
        "minamitorishima-commercial",
    seed: SeedOption = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """What separating each group product into its oxides would add (one run per group).

    Revenue against SX stages, reagents, opex, capex and NPV.
    """
    from reemud.slate import DELTAS, split_gains

    sc = load_or_fail(scenario)
    try:
        with err_console.status("designing the split flowsheets", spinner="dots"):
            rows = split_gains(sc, seed=seed)
    except ScenarioError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(json.dumps({"scenario": sc.name, "seed": seed, "splits": rows},
                                    indent=2) + "\n")
        return
    table = Table(title=f"{sc.name}: separating one more group (change from the slate)")
    table.add_column("group", no_wrap=True)
    for label in DELTAS.values():
        table.add_column(label, justify="right")
    for row in rows:
        table.add_row(row["product"], *(_fmt(row[k]) for k in DELTAS))
    out_console.print(table)


_json_safe = json_safe


for _command in (mc, sweep, sensitivity, breakeven):
    app.command()(_command)


@app.command()
def bench(suite: Annotated[str, typer.Argument(help="suite in benchmarks/ (e.g. lift)")]) -> None:
    """Run a speed suite from ./benchmarks; print one JSON line per case."""
    from reemud.bench import format_line, run_suite

    try:
        for result in run_suite(suite):
            sys.stdout.write(format_line(result) + "\n")
            sys.stdout.flush()
    except FileNotFoundError as exc:
        err_console.print(str(exc))
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind; anything but loopback needs a "
                                      "token")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
    out: OutOption = DEFAULT_OUT,
    db: DbOption = None,
    token: Annotated[str | None, typer.Option(
        help="require this token (at least 16 characters) on every request; default: the "
             "REEMUD_TOKEN environment variable", show_default=False)] = None,
    workers: Annotated[int, typer.Option(help="worker processes that run the jobs", min=0,
                                         max=64)] = 2,
    scheduler: Annotated[str | None, typer.Option(
        help="run Monte Carlo draws on this Dask scheduler (tcp://host:8786)")] = None,
    max_body: Annotated[int, typer.Option("--max-body", help="largest request body [bytes]",
                                          min=1024)] = 1_000_000,
    jobs_per_minute: Annotated[int, typer.Option(help="job submissions allowed per client and "
                                                 "minute", min=1)] = 60,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="another Host name to answer to without a token (loopback names "
                             "always are); repeat for more")] = None,
) -> None:
    """Serve the web app: run, explore and compare scenarios, with every number's provenance."""
    import os

    from reemud import store
    from reemud.web.security import TOKEN_ENV, BindError, check_bind

    token = token if token is not None else (os.environ.get(TOKEN_ENV) or None)
    try:
        check_bind(host, token)
    except BindError as exc:
        fail_line(str(exc))
    try:
        import uvicorn

        from reemud.web.app import Settings, create_app
    except ImportError as exc:
        fail_line(f"reemud serve needs the web extra ({exc.name} is missing): pip install "
                  "'reemud[web]' (or pip install -e '.[web]' in a clone)")
    url = db or store.default_url(output_folder(out))
    open_store(url).dispose()  # a store that cannot be used is refused before the server starts
    settings = Settings(url=url, host=host, port=port, token=token, workers=workers,
                        scheduler=scheduler, max_body_bytes=max_body,
                        jobs_per_minute=jobs_per_minute, allowed_hosts=tuple(allow_host or ()))
    err_console.print(f"reemud {host}:{port} on {store.shown_url(url)}, {workers} worker(s)"
                      + (", token required" if token else "") + f": http://{host}:{port}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=5)


def main() -> None:
    """Console entry point (``cli_guards.run_app``: Ctrl-C, warnings and errors as one line)."""
    from reemud.cli_guards import run_app

    run_app(app)
