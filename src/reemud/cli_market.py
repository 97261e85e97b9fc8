"""``reemud market …``: world supply, risk indices, the mud's coverage, disruptions.

Bad input never shows a traceback: every problem of a market scenario or disruption file is
listed with the field, the value, what is allowed and how to fix it, and the command exits 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from reemud.cli_common import (
    INT64_MAX,
    err_console,
    fail,
    fail_line,
    fmt,
    json_safe,
    open_store,
    out_console,
    output_folder,
    save_unstored,
)
from reemud.cli_guards import writable_file_or_fail
from reemud.errors import ReemudError, ScenarioError

market_app = typer.Typer(no_args_is_help=True, help="Supply security: world supply, risk "
                         "indices, coverage by the mud, and disruptions (licences, embargoes).")

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]
DEFAULT_PRESET = "licences-2025-04"


def _fmt(value) -> str:
    return fmt(value, digits=3)


def _short(value) -> str:
    """Three significant digits, in powers of ten from 10⁵ on (the seawater costs)."""
    if value is not None and np.isfinite(float(value)) and abs(float(value)) >= 1e5:
        return f"{float(value):.3g}"
    return _fmt(value)


def _print_json(data) -> None:
    out_console.print_json(json.dumps(json_safe(data), allow_nan=False))


def _load(name_or_path: str):
    from reemud.security.scenario import load_market_scenario

    try:
        return load_market_scenario(name_or_path)
    except ScenarioError as exc:
        fail(exc)


@market_app.command("presets")
def presets() -> None:
    """List the bundled disruption presets."""
    from reemud.security.scenario import load_market_scenario
    from reemud.security.scenario import presets as known

    table = Table(title="disruption presets (reemud market disrupt NAME)")
    table.add_column("name")
    table.add_column("disruptions", justify="right")
    table.add_column("description")
    for name in known():
        sc = load_market_scenario(name)
        table.add_row(name, str(len(sc.disruptions)), sc.description)
    out_console.print(table)


@market_app.command("validate")
def validate(file: Annotated[str, typer.Argument(help="market scenario TOML file or preset")]
             ) -> None:
    """Check a market scenario or disruption file; list every problem (exit 2) or say OK."""
    sc = _load(file)
    out_console.print(f"OK: {sc.name} ({len(sc.disruptions)} disruption(s), "
                      f"{len(sc.uncertain)} uncertain)")


@market_app.command("supply")
def supply(as_json: JsonOption = False) -> None:
    """World mine supply of the base year (USGS MCS 2025) by country, and who separates it."""
    from reemud.elements import REY
    from reemud.security.analysis import supply_table
    from reemud.security.model import base_market

    st = supply_table(base_market())
    if as_json:
        _print_json({"countries": st["countries"],
                     "mined_t_per_year": dict(zip(st["countries"], st["mined_t_per_year"].tolist(),
                                                  strict=True)),
                     "separation_countries": st["separation_countries"],
                     "world_t_per_year": dict(zip(REY, st["world_t_per_year"].tolist(),
                                                  strict=True)),
                     "reserves_t": st["reserves_t"],
                     "china_mining_share": st["china_mining_share"],
                     "china_separation_share": st["china_separation_share"]})
        return
    world = st["mined_t_per_year"].sum()
    table = Table(title=escape("mine production, base year 2024 [t REO/yr] (USGS MCS 2025)"))
    for col in ("country", "t REO", "share", "Nd", "Dy", "Tb", "Y", "reserves Mt"):
        table.add_column(col, justify="left" if col == "country" else "right")
    idx = {s: REY.index(s) for s in ("Nd", "Dy", "Tb", "Y")}
    for c, row in zip(st["countries"], st["mined_t_per_year"], strict=True):
        table.add_row(c, _fmt(row.sum()), f"{row.sum() / world:.1%}",
                      *(_fmt(row[i]) for i in idx.values()), _fmt(st["reserves_t"][c] / 1e6))
    out_console.print(table)
    out_console.print(f"China: {st['china_mining_share']:.1%} of mining, "
                      f"{st['china_separation_share']:.1%} of separation (where each supplier's "
                      "ore is separated: data/market_suppliers.csv).")


@market_app.command("risk")
def risk_cmd(scenario: Annotated[str, typer.Argument(help="market scenario or preset (its mud "
                                                     "and offtake)")] = DEFAULT_PRESET,
             as_json: JsonOption = False) -> None:
    """Supply-risk indices per element, before and after the mud at full output."""
    from reemud.elements import REY
    from reemud.security.analysis import accepted_offtake, risk_indices
    from reemud.security.model import base_market, mud_supply

    sc = _load(scenario)
    mud = mud_supply(sc.params.mud_scenario)
    base = base_market(sc.params.china_demand_share, mud)
    take = accepted_offtake(sc.params, mud)
    ri = risk_indices(base, None if mud is None else mud.oxide_t_per_year, take)
    if as_json:
        _print_json({"offtake": take, **ri})
        return
    table = Table(title=f"supply risk per element, before → after the mud ({sc.params.mud_scenario};"
                  f" offtake JP {take['JP']:.0%}, US {take['US']:.0%}, EU {take['EU']:.0%})")
    for col in ("el", "HHI mining", "HHI separation", "EU SR (EU)", "GeoPolRisk JP",
                "import reliance JP"):
        table.add_column(col, justify="left" if col == "el" else "right")
    b, a = ri["before"], ri["after"]
    for e, el in enumerate(REY):
        table.add_row(el, *(f"{x[e]:.3f} → {y[e]:.3f}" for x, y in (
            (b["hhi_mining"], a["hhi_mining"]), (b["hhi_separation"], a["hhi_separation"]),
            (b["EU"]["eu_supply_risk"], a["EU"]["eu_supply_risk"]),
            (b["JP"]["geopolrisk"], a["JP"]["geopolrisk"]),
            (b["JP"]["import_reliance"], a["JP"]["import_reliance"]))))
    out_console.print(table)


@market_app.command("coverage")
def coverage_cmd(scenario: Annotated[str, typer.Argument(help="market scenario or preset")]
                 = DEFAULT_PRESET, as_json: JsonOption = False) -> None:
    """The mud's output against Japan's demand per element and year, and its world share."""
    from reemud.elements import REY
    from reemud.security.analysis import coverage_over_time, years_of_world_demand
    from reemud.security.model import mud_resource_t, run_market

    sc = _load(scenario)
    run = run_market(sc)
    cov = coverage_over_time(run)
    years = cov.years
    resource = mud_resource_t(sc.params.mud_scenario)
    held = years_of_world_demand(run.base, resource)
    if as_json:
        _print_json({"years": years, "offtake": dict(cov.offtake),
                     "mud_t_per_year": cov.mud_t_per_year,
                     "coverage": {k: v for k, v in cov.coverage.items()},
                     "world_share": cov.world_share, "elements": REY,
                     "resource_t": resource, "years_of_world_demand": held})
        return
    k = sc.params.periods_per_year
    shown = [j for j in range(0, len(years), 5 * k)]
    table = Table(title=f"Japan's demand covered by its offtake of the mud "
                  f"({cov.offtake['JP']:.0%} of {sc.params.mud_scenario})")
    table.add_column("el")
    for j in shown:
        table.add_column(f"{years[j]:.0f}", justify="right")
    table.add_column("world share (max)", justify="right")
    table.add_column("years of world demand in the block", justify="right")
    for e, el in enumerate(REY):
        table.add_row(el, *(f"{cov.coverage['JP'][j, e]:.1%}" for j in shown),
                      f"{np.nanmax(cov.world_share[:, e]):.2%}", _fmt(held[e]))
    out_console.print(table)


def _outcome_table(title: str, kpis: dict) -> Table:
    table = Table(title=title)
    cols = (("importer:el", None), ("lost t", "market_shortage_t"),
            ("peak ×", "market_peak_price_multiple"), ("to peak yr", "market_time_to_peak_years"),
            ("recovery yr", "market_recovery_years"), ("stock t", "market_stock_drawdown_t"),
            ("mud t", "market_offset_mud_t"), ("other mines t", "market_offset_other_mines_t"),
            ("China t", "market_offset_china_t"))
    for name, _ in cols:
        if name == "importer:el":
            table.add_column(name, no_wrap=True)
        else:
            table.add_column(name, justify="right")
    for key in kpis["market_shortage_t"]:
        table.add_row(key, *(_fmt(kpis[m][key]) for _, m in cols[1:]))
    return table


@market_app.command("disrupt")
def disrupt(
    scenario: Annotated[str, typer.Argument(help="disruption preset (reemud market presets) or "
                                            "TOML file")] = DEFAULT_PRESET,
    n: Annotated[int, typer.Option("--n", help="Monte Carlo draws (0: the nominal run only)",
                                   min=0)] = 0,
    seed: Annotated[int, typer.Option("--seed", help="seed of the draws", min=0,
                                      max=INT64_MAX)] = 0,
    method: Annotated[str, typer.Option("--method", help="sampler: lhs, sobol or random")] = "lhs",
    importer: Annotated[str, typer.Option("--importer", help="importer whose rows are shown "
                                          "(JP, US, EU, RoW, or all)")] = "all",
    as_json: JsonOption = False,
    out: Annotated[Path, typer.Option("--out", help="output folder (SQLite store)")] = Path("out"),
    db: Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL of the store")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="write an HTML report here")]
    = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Run a disruption: shortages, price peaks, stock drawdown and offsets per importer."""
    from reemud import __version__, store
    from reemud.market.data import IMPORTERS
    from reemud.security.analysis import market_kpis
    from reemud.security.model import run_market, run_market_draws

    if importer != "all" and importer not in IMPORTERS:
        err_console.print(f"[bold red]--importer must be one of {', '.join(IMPORTERS)} or all "
                          f"(got {importer!r})[/]")
        raise typer.Exit(2)
    from reemud.security.model import MAX_DRAWS

    if n > MAX_DRAWS:
        err_console.print(f"[bold red]--n must be at most {MAX_DRAWS:,} (got {n}); split a larger "
                          "study into several seeds[/]")
        raise typer.Exit(2)
    if method not in ("lhs", "sobol", "random"):
        err_console.print(f"[bold red]--method must be lhs, sobol or random (got {method!r})[/]")
        raise typer.Exit(2)
    sc = _load(scenario)
    if report is not None:
        writable_file_or_fail(report, "--report")
    url = db or store.default_url(output_folder(out))
    engine = open_store(url)  # a store that cannot take the run is refused before it is computed
    try:
        run = run_market(sc)
    except ReemudError as exc:  # the model could not compute the scenario: say so, no traceback
        err_console.print(f"[bold red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    kpis = market_kpis(run)
    draws = None
    if n:
        from rich.progress import BarColumn, Progress, TimeRemainingColumn

        with Progress("[progress.description]{task.description}", BarColumn(),
                      "{task.completed}/{task.total}", TimeRemainingColumn(),
                      console=err_console, transient=True, disable=quiet) as progress:
            task = progress.add_task("market draws", total=n)
            draws = run_market_draws(sc, n, seed=seed, method=method,
                                     progress=lambda i: progress.update(task, completed=i))
    from sqlalchemy.exc import SQLAlchemyError

    unstored = None
    try:
        run_id = store.save_kpis(engine, sha256=sc.sha256, name=f"market:{sc.name}",
                                 text=sc.text, seed=seed, version=__version__, kpis=kpis)
    except SQLAlchemyError as exc:  # the results are kept in a file and printed below
        run_id = None
        unstored = save_unstored(output_folder(out) if db is None else out, {
            "scenario": f"market:{sc.name}", "scenario_sha256": sc.sha256,
            "scenario_text": sc.text, "seed": seed, "version": __version__, "kpis": kpis},
            where=store.shown_url(url), reason=store.failure(exc))
    shown = {m: {k: v for k, v in val.items() if importer == "all" or k.startswith(importer + ":")}
             if isinstance(val, dict) else val for m, val in kpis.items()}
    summary = _draw_summary(draws, importer) if draws is not None else None
    if report is not None:
        from reemud.report import write_market_report

        write_market_report(run, report, draws)
        err_console.print(f"report: {report}")
    if as_json:
        from reemud.security.analysis import disrupted_paths

        paths = disrupted_paths(run)
        for name in ("price_over_undisrupted", "consumption_lost_t_per_year", "stock_t"):
            paths[name] = {k: v for k, v in paths[name].items()
                           if importer == "all" or k.startswith(importer + ":")}
        _print_json({"scenario": sc.name, "run_id": run_id, "kpis": shown, "paths": paths,
                     **({"monte_carlo": summary} if summary else {})})
        _unstored_or_done(unstored)
        return
    out_console.print(_outcome_table(f"{sc.name}: outcomes per importer and element "
                                     f"(run {run_id})", shown))
    if summary:
        table = Table(title=f"{n} draws ({method}, seed {seed}): P5 / P50 / P95")
        for col in ("importer:el", "shortage t", "peak price ×"):
            table.add_column(col, justify="left" if col == "importer:el" else "right")
        for key, row in summary["by_pair"].items():
            table.add_row(key, *(" / ".join(_fmt(v) for v in row[m]) for m in
                                 ("shortage_t", "peak_price_multiple")))
        out_console.print(table)
    _unstored_or_done(unstored)


def _unstored_or_done(unstored: str | None) -> None:
    """After the results are printed: say where an unstored run was kept, and exit 2."""
    if unstored is not None:
        fail_line(unstored)


def _draw_summary(draws, importer: str) -> dict:
    """P5/P50/P95 of shortage and peak multiple for the importer-element pairs hit in any draw."""
    from reemud.elements import REY
    from reemud.market.data import IMPORTERS

    short = draws.outcomes["shortage_t"]
    peak = draws.outcomes["peak_price_multiple"]
    hit = np.isfinite(peak).any(axis=0)
    by_pair = {}
    for i, imp in enumerate(IMPORTERS):
        if importer not in ("all", imp):
            continue
        for e, el in enumerate(REY):
            if hit[i, e]:
                by_pair[f"{imp}:{el}"] = {
                    m: np.nanpercentile(a[:, i, e], [5, 50, 95]).tolist()
                    for m, a in (("shortage_t", short), ("peak_price_multiple", peak))}
    return {"n": draws.n, "seed": draws.seed, "method": draws.method,
            "balance_residual_max": float(draws.balance_residual.max()), "by_pair": by_pair}


@market_app.command("recycling")
def recycling_cmd(
    step: Annotated[int, typer.Option("--step", min=1, max=50,
                                      help="years between the table's columns")] = 5,
    draws: Annotated[int, typer.Option("--draws", min=0, max=1_000_000,
                                       help="Monte Carlo draws of contents, lifetimes, "
                                            "collection and yields (0: defaults only)")] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, max=INT64_MAX)] = 0,
    plot: Annotated[Path | None, typer.Option("--plot", help="write the stocks and flows "
                                              "as an HTML chart")] = None,
    as_json: JsonOption = False,
) -> None:
    """Japan's rare-earth stocks and flows by product, element and year, to 2050 (flodym)."""
    from reemud.elements import REY
    from reemud.sources import recycling

    if plot is not None:
        writable_file_or_fail(plot, "--plot")
    values = recycling.draw_parameters(draws, seed) if draws else None
    flows = recycling.japan_stock_model(values)
    recovered = flows.recovered_reo_t().sum(axis=-1)  # (draws, years)
    if plot is not None:
        from reemud.report_market import recycling_figure

        recycling_figure(flows)[1].write_html(plot, include_plotlyjs=True)
    if as_json:
        _print_json({"years": flows.years, "products": flows.products, "elements": REY,
                     "inflow_t": np.median(flows.inflow_t, axis=0),
                     "stock_t": np.median(flows.stock_t, axis=0),
                     "end_of_life_t": np.median(flows.end_of_life_t, axis=0),
                     "recovered_t": np.median(flows.recovered_t, axis=0),
                     "recovered_reo_t_by_element": np.median(flows.recovered_reo_t(), axis=0),
                     "recovered_reo_t_p5_p50_p95": np.percentile(recovered, [5, 50, 95], axis=0),
                     "left_out": {r["product"]: r["assumed"]
                                  for r in recycling.excluded_products()},
                     "published_magnitudes": recycling.published_magnitudes(flows)})
        return
    shown = [j for j, y in enumerate(flows.years) if y % step == 0 or j == len(flows.years) - 1]
    table = Table(title="Japan's rare earths in products [t of element; median of "
                  f"{flows.stock_t.shape[0]} draw(s)]")
    table.add_column("product")
    table.add_column("flow")
    for j in shown:
        table.add_column(f"{flows.years[j]}", justify="right")
    for p, product in enumerate(flows.products):
        for label, name in (("put into use /yr", "inflow_t"), ("in use", "stock_t"),
                            ("end of life /yr", "end_of_life_t"), ("recovered /yr", "recovered_t")):
            med = np.median(getattr(flows, name)[:, :, p], axis=0)
            table.add_row(product if label.startswith("put") else "", label,
                          *(_fmt(med[j]) for j in shown))
    by_element = np.median(flows.recovered_reo_t(), axis=0)
    for e, el in enumerate(REY):
        if by_element[:, e].max() > 0:
            table.add_row("recovered oxide" if e == 0 else "", f"{el} t REO/yr",
                          *(_fmt(by_element[j, e]) for j in shown))
    out_console.print(table)
    if draws:
        p5, p50, p95 = np.percentile(recovered[:, -1], [5, 50, 95])
        out_console.print(f"recovered oxide in {flows.years[-1]}: {_fmt(p50)} t REO/yr "
                          f"(90 % interval {_fmt(p5)}-{_fmt(p95)}, {draws} draws, seed {seed})")
    for r in recycling.excluded_products():
        out_console.print(f"not counted: {r['product']} ({r['assumed']})")
    for m in recycling.published_magnitudes(flows):
        low, high = m["published_low"], m["published_high"]
        published = _fmt(low) if low == high else f"{_fmt(low)}-{_fmt(high)}"
        share = f"{m['share_low']:.1%}" if low == high else \
            f"{m['share_low']:.1%}-{m['share_high']:.1%}"
        out_console.print(escape(f"{m['quantity']}: model {_fmt(m['model'])} {m['unit']}, "
                                 f"published {published} {m['unit']} ({share} of it; "
                                 f"{m['source']}) - {m['label']}"))
    if plot is not None:
        out_console.print(f"chart: {plot}")


@market_app.command("seawater")
def seawater_cmd(
    element: Annotated[str, typer.Argument(help="element symbol, e.g. Nd, Dy, Y, or Au for "
                                           "Haber's gold")] = "Nd",
    as_json: JsonOption = False,
) -> None:
    """The seawater arithmetic for one element: water per kg, pumping, a moored sorbent; Au: Haber."""
    from reemud.sources import seawater

    known = seawater.concentrations_ng_per_l()
    if element != "Au" and element not in known:
        fail_line(f"element {element!r}: no seawater concentration; choose one of "
                  f"{', '.join([*known, 'Au'])}")
    if element == "Au":
        price = seawater.parameters()["gold_price"]["value"]
        rows = [{**{k: c[k] for k in ("case", "mg_per_t", "default", "source")},
                 **{k: float(v) for k, v in seawater.haber(c["mg_per_t"], price).items()}}
                for c in seawater.gold_cases()]
        if as_json:
            _print_json({"gold_price_usd_per_g": price, "cases": rows})
            return
        table = Table(title=f"Haber's gold: seawater per gram and gold per tonne "
                      f"(US${price:g}/g)")
        for col in ("case", "mg Au per t", "t seawater per g", "US$ of gold per t", "default"):
            table.add_column(col, justify="left" if col == "case" else "right")
        for r in rows:
            table.add_row(r["case"], _fmt(r["mg_per_t"]), _fmt(r["t_per_g"]),
                          _fmt(r["usd_per_t"]), "yes" if r["default"] else "")
        out_console.print(table)
        modern = [r["usd_per_t"] for r in rows if r["case"] != "haber-1920s"]
        haber_row = next(r for r in rows if r["case"] == "haber-1920s")
        out_console.print(f"Haber's 6 mg/t put US${_fmt(haber_row['usd_per_t'])} of gold in a "
                          f"tonne of seawater; the modern values put US${_fmt(min(modern))}-"
                          f"{_fmt(max(modern))}, and disagree with each other by "
                          f"{max(modern) / min(modern):,.0f}x. The default is Falkner & Edmond "
                          "(1990), the clean-technique measurement.")
        return
    case = seawater.element_case(element)
    if as_json:
        _print_json({"element": element, **case})
        return
    table = Table(title=f"{element} from seawater ({case['ng_per_l']:g} ng/L, data/seawater.csv)")
    table.add_column("quantity")
    table.add_column("per kg of element", justify="right")
    for label, key in (("seawater, all of it recovered [t]", "t_seawater_per_kg"),
                       ("pumped plant: water pumped [m³]", "pumped_m3_per_kg"),
                       ("pumped plant: electricity [kWh]", "pumped_kwh_per_kg"),
                       ("pumped plant: electricity cost [US$]", "pumped_usd_per_kg"),
                       ("pumped plant: CO₂ [kg]", "pumped_kg_co2_per_kg"),
                       ("moored sorbent, uranium analogy [US$]", "moored_usd_per_kg"),
                       ("  (uranium cost range low)", "moored_usd_per_kg_low"),
                       ("  (uranium cost range high)", "moored_usd_per_kg_high"),
                       ("moored sorbent loading [g per kg sorbent]", "moored_g_per_kg_sorbent")):
        table.add_row(escape(label), _fmt(case[key]))
    out_console.print(table)
    out_console.print("Pumping only (no sorbent, plant or elution); the moored-sorbent cost "
                      "scales the uranium cost by the concentration ratio (docs/models/sources.md "
                      "§3).")


@market_app.command("sources")
def sources_cmd(
    plot: Annotated[Path | None, typer.Option("--plot", help="write a chart of US$ per kg of "
                                              "Nd and Dy oxide by source (log scale)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every source on one scale: US$ per kg of Nd₂O₃ and Dy₂O₃, energy and CO₂, provenance."""
    from reemud.security.sources import comparison

    if plot is not None:
        writable_file_or_fail(plot, "--plot")
    rows = comparison()
    if plot is not None:
        from reemud.report_market import sources_figure

        sources_figure(rows)[1].write_html(plot, include_plotlyjs=True)
    if as_json:
        _print_json({"rows": rows})
        return
    from reemud.report_market import SOURCES_HEADER, sources_table

    table = Table(title="Every source on one scale: US$ per kg of oxide, co-product credit "
                  "(value allocation); range")
    for col in SOURCES_HEADER[:-1]:
        table.add_column(col, justify="left" if col in ("source", "footprint per")
                         else "right", overflow="fold")
    cells = sources_table(rows, _short)
    for row in cells:
        table.add_row(*map(escape, row[:-1]))
    out_console.print(table)
    out_console.print("Provenance:")
    for row in cells:
        out_console.print(escape(f"- {row[0]}: {row[-1]}"))
    out_console.print("Credit: the other oxides sold at the usgs-argus-2024 deck; value "
                      "allocation: cost shared in proportion to price; a range follows the "
                      "semicolon (docs/models/sources.md §4).")
    if plot is not None:
        out_console.print(f"chart: {plot}")


def _concentrations(items: list[str], ions: tuple[str, ...]) -> dict[str, float]:
    """``SYMBOL=MG_PER_L`` items as a dict; a bad item fails with the fix (exit 2)."""
    from reemud.elements import REY

    known = (*REY, *ions)
    out: dict[str, float] = {}
    for item in items:
        symbol, sep, text = item.partition("=")
        symbol = symbol.strip()
        try:
            value = float(text) if sep else float("nan")
        except ValueError:
            value = float("nan")
        if symbol not in known:
            fail_line(f"--mg-per-l {item!r}: unknown species {symbol!r}; choose one of "
                      f"{', '.join(known)}")
        if not (np.isfinite(value) and value >= 0):
            fail_line(f"--mg-per-l {item!r}: the concentration must be a number >= 0 in mg/L, "
                      f"e.g. {symbol}=30")
        if symbol in out:
            fail_line(f"--mg-per-l {item!r}: {symbol} given twice; give each species once")
        out[symbol] = value
    return out


@market_app.command("biosorb")
def biosorb_cmd(
    liquor: Annotated[str, typer.Argument(help="pls (the chain's pregnant leach liquor), "
                                          "hdd-magnet (Kucuker et al. 2017's magnet "
                                          "solution) or custom (--mg-per-l)")] = "pls",
    scenario: Annotated[str, typer.Option("--scenario", help="chain scenario whose pregnant "
                                          "leach liquor is used (pls only)")]
    = "minamitorishima-commercial",
    dose: Annotated[float, typer.Option("--dose", min=1e-6, max=1e3,
                                        help="sorbent dose [g/L] (default 1 g/L: assumed, no "
                                             "dose is published for these liquors)")] = 1.0,
    mg_per_l: Annotated[list[str] | None, typer.Option(
        "--mg-per-l", help="a custom liquor's concentration, SYMBOL=MG_PER_L (REY, Fe or Ca), "
                           "repeated: --mg-per-l Nd=30 --mg-per-l Ca=500")] = None,
    as_json: JsonOption = False,
) -> None:
    """Bio-sorbents (salmon milt, Chlorella vulgaris) on a liquor the chain makes, in one batch."""
    from reemud.report_market import BIOSORB_HEADER, biosorb_table
    from reemud.security.model import chain_run
    from reemud.security.sources import IONS, LIQUORS, biosorb

    if liquor not in LIQUORS:
        fail_line(f"liquor {liquor!r}: unknown; choose one of {', '.join(LIQUORS)}")
    if bool(mg_per_l) != (liquor == "custom"):
        fail_line("--mg-per-l: give it with the liquor 'custom' (and only then), e.g. "
                  "reemud market biosorb custom --mg-per-l Nd=30")
    given = _concentrations(mg_per_l or [], IONS)
    leaching = None
    if liquor == "pls":
        try:
            leaching = chain_run(scenario).records["leaching"]
        except ScenarioError as exc:
            fail(exc)
    rows = biosorb(liquor, dose, leaching, given)
    if as_json:
        _print_json({"liquor": liquor, "scenario": scenario if liquor == "pls" else None,
                     "rows": rows})
        return
    table = Table(title=f"Bio-sorbents on {liquor}: one batch contact, sorbent only")
    for col in BIOSORB_HEADER[:-1]:
        table.add_column(col, justify="left" if col in ("sorbent", "element") else "right",
                         overflow="fold")
    cells = biosorb_table(rows, _fmt)
    for row in cells:
        table.add_row(*map(escape, row[:-1]))
    out_console.print(table)
    for row in cells:
        out_console.print(escape(f"- {row[0]} {row[1]}: {row[-1]}"))
    if rows:
        out_console.print(escape(f"liquor: {rows[0]['liquor_source']}; competing ions: "
                                 f"{rows[0]['competitors']} (docs/models/sources.md §2)."))
