"""One self-contained HTML report of a run (plotly.js inlined; opens offline).

Sections: KPIs with units, cost breakdown, lifetime cash-flow waterfall, oxide production by
element, grade-depth profile, where each element goes, energy and CO₂, the plume deposit map,
literature checks, and every number the run used that is flagged ``assumed``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from reemud import economics
from reemud.chain import ChainResult, element_balance
from reemud.datafiles import assumed_rows
from reemud.elements import REY
from reemud.literature import CaseResult
from reemud.nomenclature import describe, unit_of
from reemud.uncertainty import MonteCarloResult, SobolIndices, TornadoBar, running_mean

_ASSUMED_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*(.+?)\s*#\s*assumed:\s*(.+)$")
_TABLE_LINE = re.compile(r"^\s*\[([^\]]+)\]\s*$")


def scenario_assumptions(text: str) -> list[tuple[str, str, str]]:
    """``(path, value, reason)`` of every scenario line commented ``# assumed: reason``."""
    out, table = [], ""
    for line in text.splitlines():
        if m := _TABLE_LINE.match(line):
            table = m.group(1).strip()
        elif m := _ASSUMED_LINE.match(line):
            out.append((f"{table}.{m.group(1)}" if table else m.group(1), m.group(2),
                        m.group(3).strip()))
    return out


def _fmt(value) -> str:
    if value is None or not np.isfinite(float(value)):
        return "—"
    value = float(value)
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:.4g}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


WATERFALL_STEPS = (("revenue", 1.0), *((name, -1.0) for name in economics.CASH_OUT))
"""Lifetime cash-flow steps (row of the economics table, sign) whose sum is the net cash flow."""


def cash_waterfall(table: Mapping[str, np.ndarray]) -> list[tuple[str, float]]:
    """Undiscounted lifetime totals of each cash-flow step [US$], signed; they sum to ``net``."""
    return [(name, sign * float(np.sum(table[name]))) for name, sign in WATERFALL_STEPS]


def _cost_breakdown(result: ChainResult):
    cash = result.records["economics"]
    items = {f"capex: {k}": v for k, v in cash.capex_usd.items()}
    items |= {f"opex per year: {k}": v for k, v in cash.opex_usd_per_year.items()}
    fig = go.Figure(go.Bar(x=list(items.values()), y=list(items), orientation="h",
                           marker_color=["#1f77b4" if k.startswith("capex") else "#ff7f0e"
                                         for k in items]))
    fig.update_layout(title="Cost breakdown [US$]", xaxis_title="US$", height=420,
                      margin=dict(l=220))
    yield "Cost breakdown", fig


def _cash_waterfall(result: ChainResult):
    cash = result.records["economics"]
    steps = cash_waterfall(cash.table)
    fig = go.Figure(go.Waterfall(
        x=[k.replace("_", " ") for k, _ in steps] + ["net cash flow"],
        y=[v for _, v in steps] + [0.0], measure=["relative"] * len(steps) + ["total"]))
    fig.update_layout(title=f"Lifetime cash flow, undiscounted [US$] (NPV {_fmt(cash.npv_usd)} "
                            "US$)", yaxis_title="US$")
    yield "Cash-flow waterfall", fig


def _oxide_production(result: ChainResult):
    fig = go.Figure(go.Bar(x=list(REY), y=result.records["refining"].oxide_t_per_year,
                           name="oxide"))
    fig.update_layout(title="Oxide production by element [t/yr]", yaxis_title="t oxide per year")
    yield "Oxide production by element", fig


def _grade_profile(result: ChainResult):
    dep, feed = result.records["deposit"], result.records["collector"]
    top, bottom, grade = dep.layer_top_mbsf, dep.layer_bottom_mbsf, dep.layer_grade_ppm
    depth = np.ravel(np.column_stack([top, bottom]))
    fig = go.Figure(go.Scatter(x=np.repeat(grade, 2), y=depth, mode="lines", name="ΣREY"))
    fig.add_hrect(y0=feed.mining_top_mbsf, y1=feed.mining_bottom_mbsf, fillcolor="orange",
                  opacity=0.15, line_width=0, annotation_text="mined interval")
    fig.update_yaxes(autorange="reversed", title="depth below seafloor [m]")
    fig.update_xaxes(range=[0.0, float(grade.max()) * 1.1])
    fig.update_layout(title="Grade-depth profile [ppm ΣREY]", xaxis_title="ΣREY [ppm]")
    yield "Grade-depth profile", fig


def _lift_envelope(result: ChainResult):
    lift, env_grid = result.records["lifting"], result.diagnostics["lifting"]["envelope"]
    if "solids_volume_fraction" not in env_grid:
        return
    fig = go.Figure(go.Contour(
        x=np.asarray(env_grid["flow_m3_per_s"]) * 3600.0,
        y=np.asarray(env_grid["solids_volume_fraction"]),
        z=np.asarray(env_grid["solids_t_per_h"]) * 24.0, colorbar_title="t/day",
        contours=dict(showlabels=True), name="throughput"))
    fig.add_trace(go.Contour(
        x=np.asarray(env_grid["flow_m3_per_s"]) * 3600.0,
        y=np.asarray(env_grid["solids_volume_fraction"]),
        z=np.asarray(env_grid["power_kw"]) / 1000.0, showscale=False,
        contours=dict(coloring="lines", showlabels=True), line=dict(color="black"),
        name="shaft power [MW]"))
    fig.update_layout(title=f"Lift operating envelope ({lift.method}): dry throughput "
                            "[t/day, colours] and shaft power [MW, lines]",
                      xaxis_title="circulation flow [m³/h]",
                      yaxis_title="delivered solids volume fraction [-]")
    yield "Lift operating envelope", fig


def _airlift_curve(result: ChainResult):
    curve = result.diagnostics["lifting"]["airlift_curve"]
    fig = go.Figure(go.Scatter(x=np.asarray(curve["air_nm3_per_min"]),
                               y=np.asarray(curve["solids_t_per_h"]) * 24.0, mode="lines+markers",
                               name="solids"))
    fig.update_layout(title=f"Airlift characteristic at this site (injection at "
                            f"{curve['injection_depth_m']:.0f} m)",
                      xaxis_title="air [Nm³/min]", yaxis_title="dry solids [t/day]")
    yield "Airlift curve", fig


def _string_tension(result: ChainResult):
    lift, string = result.records["lifting"], result.diagnostics["lifting"]["string"]
    fig = go.Figure(go.Scatter(x=np.asarray(string["tension_kn"]), y=np.asarray(string["depth_m"]),
                               mode="lines", name="effective tension"))
    fig.update_yaxes(autorange="reversed", title="depth below the hang-off [m]")
    fig.update_layout(title=f"Pipe-string tension (top utilisation "
                            f"{lift.string_top_utilisation:.0%}, depth limit "
                            f"{lift.string_depth_limit_m:,.0f} m)", xaxis_title="tension [kN]")
    yield "Pipe-string tension", fig


def _campaign(result: ChainResult):
    c = result.diagnostics.get("collector", {}).get("campaign")
    if not c:
        return
    fig = go.Figure(go.Histogram(x=np.asarray(c["tonnes"]), nbinsx=30))
    fig.update_layout(title=f"Dry mud delivered per campaign ({c['campaigns']:.0f} simulated): "
                            f"mean {c['tonnes_mean']:,.0f} ± {c['tonnes_standard_error']:,.0f} t",
                      xaxis_title="dry tonnes per campaign", yaxis_title="campaigns")
    yield "Campaign tonnage", fig
    hours = {k.removeprefix("mean ").removesuffix(" h"): v for k, v in c.items()
             if k.startswith("mean ") and k.endswith(" h")}
    fig = go.Figure(go.Bar(x=list(hours), y=list(hours.values())))
    fig.update_layout(title="Where a campaign's hours go (mean)", yaxis_title="hours")
    yield "Campaign time budget", fig


def _cyclone_partition(result: ChainResult):
    conc, size_um = result.records["beneficiation"], result.diagnostics["beneficiation"]["size_um"]
    fig = go.Figure()
    for name, curve in conc.partition.items():
        fig.add_trace(go.Scatter(x=np.asarray(size_um), y=np.asarray(curve), mode="lines",
                                 name=f"{name} (d50c {conc.d50c_um[name]:.1f} µm)"))
    fig.update_xaxes(type="log", title="grain size [µm]")
    fig.update_layout(title=f"Partition to the concentrate ({conc.circuit} circuit, bypass "
                            f"{conc.bypass:.1%})", yaxis_title="fraction to underflow [-]")
    yield "Cyclone partition curves", fig


def _grade_recovery(result: ChainResult):
    conc, gr = result.records["beneficiation"], result.diagnostics["beneficiation"][
        "grade_recovery"]
    fig = go.Figure(go.Scatter(x=np.asarray(gr["rey_recovery"]), y=np.asarray(gr["grade_ppm"]),
                               mode="lines+markers",
                               text=[f"d50 × {m:.2f}" for m in gr["d50_multiplier"]]))
    fig.add_trace(go.Scatter(x=[conc.rey_recovery], y=[conc.concentrate_grade_ppm],
                             mode="markers", marker=dict(size=12, symbol="star"),
                             name="this design"))
    fig.update_layout(title="Grade-recovery trade-off as the cut moves", showlegend=False,
                      xaxis_title="ΣREY recovery to concentrate [-]",
                      yaxis_title="concentrate ΣREY [ppm]")
    yield "Grade-recovery curve", fig


def _leach_surfaces(result: ChainResult):
    srf = result.diagnostics.get("leaching", {}).get("surfaces")
    if not srf:
        return
    fig = go.Figure(go.Contour(x=np.asarray(srf["time_min"]), y=np.asarray(srf["acid_mol_per_l"]),
                               z=np.asarray(srf["extraction"]), colorbar_title="extracted",
                               contours=dict(showlabels=True)))
    fig.update_xaxes(type="log", title="leach time [min]")
    fig.update_yaxes(type="log", title=f"{result.records['leaching'].acid} [mol/L]")
    fig.update_layout(title="Leach extraction surface (batch, plant solids/liquid ratio)")
    yield "Leach extraction surface", fig
    fig = go.Figure(go.Scatter(x=np.asarray(srf["temperature_c"]),
                               y=np.asarray(srf["extraction_by_temperature"]), mode="lines"))
    fig.update_layout(title="Leach extraction against temperature (design acid and time)",
                      xaxis_title="temperature [°C]", yaxis_title="extracted [-]")
    yield "Leach extraction and temperature", fig


def _separation_products(result: ChainResult):
    sx = result.diagnostics.get("separation", {})
    if not sx.get("cuts"):
        return
    purity, cuts = sx["product_purity"], sx["cuts"]
    fig = go.Figure(go.Bar(x=list(purity), y=[100 * (v or 0) for v in purity.values()],
                           name="purity"))
    fig.update_yaxes(range=[98.0, 100.0], title="group purity [%]")
    fig.update_layout(title=f"Solvent-extraction products ({len(cuts)} cuts, "
                            f"{sum(c['n_extraction'] + c['n_scrub'] for c in cuts)} stages)")
    yield "Separation products", fig


def _element_balance(result: ChainResult):
    balance = element_balance(result.records)
    fig = go.Figure()
    for name, values in balance.items():
        if name != "mined":
            fig.add_trace(go.Bar(x=list(REY), y=values / balance["mined"], name=name))
    fig.update_layout(barmode="stack", title="Where each element goes (share of mined)",
                      yaxis_title="share of mined element [-]")
    yield "Element balance", fig


def _co2_by_source(result: ChainResult):
    co2 = result.records["environment"].co2_t_per_year
    fig = go.Figure(go.Bar(x=list(co2), y=list(co2.values())))
    fig.update_layout(title="CO₂ by source [t/yr]", yaxis_title="t CO₂ per year")
    yield "CO₂ by source", fig


def _plume_deposit(result: ChainResult):
    grid = result.diagnostics["environment"]
    if "plume_deposit_thickness_m" in grid:
        yield from _plume_map(result, grid)
        return
    x, yh, thickness = grid["plume_x_m"], grid["plume_y_m"], grid["plume_thickness_m"]
    if thickness.size <= 1:
        return
    step = max(1, x.size // 200)  # plot a thinned grid; the KPI uses the full one
    yh, th = yh[::step], thickness[::step, ::step]
    y = np.concatenate([-yh[:0:-1], yh])
    z = np.vstack([th[:0:-1], th]) * 1000.0
    fig = go.Figure(go.Contour(x=x[::step], y=y, z=z, colorbar_title="mm",
                               contours=dict(start=0.1, end=float(z.max()), size=None)))
    fig.update_layout(title="Plume deposit after one year [mm] (current along +x)",
                      xaxis_title="downstream [m]", yaxis_title="cross-stream [m]")
    yield "Plume deposit", fig


def _plume_map(result: ChainResult, grid: dict):
    """The Lagrangian engine's deposit: log colour scale, contours at the thresholds, framed."""
    mm = np.asarray(grid["plume_deposit_thickness_m"]) * 1000.0
    thresholds = np.asarray(grid["plume_thresholds_m"]) * 1000.0
    if not np.any(mm >= thresholds.min()):
        return
    xe, ye = grid["plume_x_edges_m"], grid["plume_y_edges_m"]
    xc, yc = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
    floor = thresholds.min() / 100.0
    rows, cols = np.nonzero(mm >= thresholds.min() / 10.0)
    pad_r, pad_c = max(3, (np.ptp(rows) + 1) // 5), max(3, (np.ptp(cols) + 1) // 5)
    r0, r1 = max(rows.min() - pad_r, 0), min(rows.max() + pad_r + 1, mm.shape[0])
    c0, c1 = max(cols.min() - pad_c, 0), min(cols.max() + pad_c + 1, mm.shape[1])
    z = np.log10(np.maximum(mm[r0:r1, c0:c1], floor))
    x, y = xc[c0:c1], yc[r0:r1]
    ticks = np.arange(np.floor(np.log10(floor)), np.ceil(z.max()) + 1)
    fig = go.Figure(go.Heatmap(x=x, y=y, z=z, colorscale="Viridis", zmin=np.log10(floor),
                               colorbar=dict(title="mm", tickvals=ticks,
                                             ticktext=[f"{10 ** t:g}" for t in ticks])))
    k = result.kpis
    colors = ("white", "orange", "red", "cyan", "lime", "magenta", "yellow", "black")
    for t, color in zip(thresholds, colors, strict=False):  # at most 8 thresholds
        fig.add_trace(go.Contour(x=x, y=y, z=z, showscale=False, contours_coloring="lines",
                                 line=dict(color=color, width=2),
                                 contours=dict(start=np.log10(t), end=np.log10(t), size=1),
                                 name=f"{t:g} mm", showlegend=True, hoverinfo="skip"))
    fig.update_layout(
        title="Plume deposit of a year [mm, log scale]: " + ", ".join(
            f"{_fmt(a)} km² above {t}" for t, a in (k.get("plume_area_km2_by_threshold") or {
                "1 mm": k["plume_area_km2_above_1mm"],
                "0.1 mm": k["plume_area_km2_above_0_1mm"]}).items())
              + " (current along +x)", xaxis_title="east of the source [m]",
        yaxis_title="north of the source [m]", yaxis_scaleanchor="x")
    yield "Plume deposit", fig


def _plume_sections(result: ChainResult):
    """Suspended sediment along the current after each snapshot day, log colour scale."""
    from plotly.subplots import make_subplots

    sections = result.diagnostics["environment"].get("plume_sections") or []
    if not sections:
        return
    fig = make_subplots(rows=len(sections), cols=1, subplot_titles=[
        f"after {s['days']:g} day(s) of release; averaged over {s['width_m']:,.0f} m across"
        for s in sections])
    for row, s in enumerate(sections, 1):
        c = np.asarray(s["mg_per_l"])
        positive = c[c > 0]
        if positive.size == 0:
            continue
        floor = float(np.percentile(positive, 5))
        xc = 0.5 * (s["x_edges_m"][1:] + s["x_edges_m"][:-1])
        zc = 0.5 * (s["z_edges_m"][1:] + s["z_edges_m"][:-1])
        z = np.where(c > 0, np.log10(np.maximum(c, floor)), np.nan)
        ticks = np.arange(np.floor(np.log10(floor)), np.ceil(np.nanmax(z)) + 1)
        fig.add_trace(go.Heatmap(x=xc, y=zc, z=z, colorscale="Cividis",
                                 colorbar=dict(title="mg/L", tickvals=ticks, len=1 / len(sections),
                                               y=1 - (row - 0.5) / len(sections),
                                               ticktext=[f"{10 ** t:g}" for t in ticks])),
                      row=row, col=1)
        fig.update_yaxes(title_text="height above the bed [m]", row=row, col=1)
    fig.update_xaxes(title_text="along the current [m]", row=len(sections), col=1)
    fig.update_layout(title="Suspended sediment in a vertical section along the current [mg/L, "
                            "log scale]", height=320 * len(sections))
    yield "Suspended sediment, sections along the current", fig


FIGURES = (_cost_breakdown, _cash_waterfall, _oxide_production, _grade_profile, _lift_envelope,
           _airlift_curve, _string_tension, _campaign, _cyclone_partition, _grade_recovery,
           _leach_surfaces, _separation_products, _element_balance, _co2_by_source,
           _plume_deposit, _plume_sections)
"""The run report's figures in order: each yields ``(title, figure)`` pairs, none if it does
not apply to the run's models."""


def run_figures(result: ChainResult) -> list[tuple[str, go.Figure]]:
    """The report's figures of a run, ``(title, figure)`` in report order (the web app's too)."""
    return [pair for draw in FIGURES for pair in draw(result)]


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
          "padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0;"
          "font-size:90%}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;"
          "vertical-align:top}th{background:#f3f3f3}.meta{color:#666}")


def _page(title: str, parts: list[str]) -> str:
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>")


def _add_figures(parts: list[str], figs: list[tuple[str, go.Figure]],
                 include_js: bool = True) -> None:
    for i, (title, fig) in enumerate(figs):
        parts.append(f"<h2>{html.escape(title)}</h2>")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0 and include_js),
                                 config={"displaylogo": False}))


def uncertainty_figures(mc: MonteCarloResult | None, kpi: str,
                        tornado: tuple[float, list[TornadoBar]] | None,
                        sobol: SobolIndices | None) -> list[tuple[str, go.Figure]]:
    """Histograms, convergence, tornado and Sobol' bars of ``kpi``, for what is given."""
    unit = unit_of(kpi)
    figs = []
    if mc is not None:
        for name in dict.fromkeys([kpi, "irr"]):
            x = mc.outputs[name][np.isfinite(mc.outputs[name])]
            if x.size == 0:
                continue
            fig = go.Figure(go.Histogram(x=x, nbinsx=40))
            for q, dash in ((10, "dot"), (50, "solid"), (90, "dot")):
                fig.add_vline(x=float(np.percentile(x, q)), line_dash=dash,
                              annotation_text=f"P{q}")
            fig.update_layout(title=f"{name}: {x.size} of {mc.n} draws defined",
                              xaxis_title=f"{name} [{unit_of(name) or '-'}]",
                              yaxis_title="draws")
            figs.append((f"Distribution of {name}", fig))
        y = mc.outputs[kpi]
        mean, se = running_mean(y[np.isfinite(y)])
        k = np.arange(1, mean.size + 1)
        fig = go.Figure([go.Scatter(x=k, y=mean + 2 * se, line=dict(width=0), showlegend=False),
                         go.Scatter(x=k, y=mean - 2 * se, fill="tonexty", line=dict(width=0),
                                    name="± 2 s.e."),
                         go.Scatter(x=k, y=mean, name="running mean")])
        fig.update_layout(title=f"Convergence of the mean {kpi}", xaxis_title="draws",
                          yaxis_title=f"{kpi} [{unit}]")
        figs.append(("Convergence", fig))
    if tornado is not None:
        base, bars = tornado
        names = [b.parameter for b in reversed(bars)]
        fig = go.Figure([
            go.Bar(y=names, x=[b.kpi_at_low - base for b in reversed(bars)], base=base,
                   orientation="h", name="parameter at P10"),
            go.Bar(y=names, x=[b.kpi_at_high - base for b in reversed(bars)], base=base,
                   orientation="h", name="parameter at P90")])
        fig.update_layout(barmode="overlay", title=f"Tornado: {kpi} (others at nominal)",
                          xaxis_title=f"{kpi} [{unit}]")
        figs.append(("Tornado", fig))
    if sobol is not None:
        fig = go.Figure([
            go.Bar(x=list(sobol.names), y=sobol.s1, name="first order S1",
                   error_y=dict(type="data", array=sobol.s1_conf)),
            go.Bar(x=list(sobol.names), y=sobol.st, name="total ST",
                   error_y=dict(type="data", array=sobol.st_conf))])
        fig.update_layout(barmode="group", title=f"Sobol' indices of {kpi} (95 % CI)",
                          yaxis_title="share of variance")
        figs.append(("Sobol' indices", fig))
    return figs


def render_uncertainty(scenario: str, kpi: str, mc: MonteCarloResult | None = None,
                       tornado: tuple[float, list[TornadoBar]] | None = None,
                       sobol: SobolIndices | None = None) -> str:
    """An HTML report of a Monte Carlo run and/or a sensitivity analysis of ``kpi``."""
    parts = [f"<h1>reemud — uncertainty of {html.escape(scenario)}</h1>",
             f"<p class='meta'>generated {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}"
             "</p>"]
    if mc is not None:
        summary = mc.summary()
        rows = [[f"<code>{name}</code>", *(_fmt(s[c]) for c in ("mean", "standard_error", "p10", "p50",
                                                       "p90")),
                 html.escape(unit_of(name)), f"{s['n']}/{mc.n}"]
                for name, s in summary.items()]
        parts += [f"<p>{mc.n} draws ({mc.method}, seed {mc.seed}) over "
                  f"{html.escape(', '.join(mc.inputs))}.</p>",
                  _table(["KPI", "mean", "s.e.", "P10", "P50", "P90", "unit", "defined"], rows)]
    if tornado is not None:
        base, bars = tornado
        parts.append(_table(["parameter", "at P10", "at P90", f"{kpi} at P10", f"{kpi} at P90",
                             "swing"],
                            [[f"<code>{b.parameter}</code>", _fmt(b.low_value), _fmt(b.high_value),
                              _fmt(b.kpi_at_low), _fmt(b.kpi_at_high), _fmt(b.swing)]
                             for b in bars]))
        parts.append(f"<p>{kpi} at the nominal values: {_fmt(base)} {html.escape(unit_of(kpi))}."
                     "</p>")
    _add_figures(parts, uncertainty_figures(mc, kpi, tornado, sobol))
    return _page(f"reemud — uncertainty of {scenario}", parts)


BREAK_EVEN_OXIDES = ("Nd", "Pr", "Dy", "Tb")
"""Oxides whose break-even price the report shows (the magnet rare earths)."""


def _break_even_section(cash, run_price_multiplier: float) -> str:
    """Break-even multiplier of the published deck and what it means for the magnet oxides.

    ``cash.price_usd_per_kg`` are this run's prices (deck × ``run_price_multiplier``); the
    break-even multiplier applies to the deck as published.
    """
    m = cash.break_even_price_multiplier
    if m is None:
        return ("<p>No break-even price multiplier: NPV does not reach zero at any positive "
                "multiple of the price deck.</p>")
    idx = [REY.index(e) for e in BREAK_EVEN_OXIDES]
    deck = cash.price_usd_per_kg / run_price_multiplier
    rows = [[f"{e} oxide", _fmt(cash.price_usd_per_kg[i]), _fmt(deck[i] * m)]
            for e, i in zip(BREAK_EVEN_OXIDES, idx, strict=True)]
    return (f"<p>NPV = 0 when every price of the deck as published is multiplied by "
            f"<b>{_fmt(m)}</b> (all else "
            "as in this run). Break-evens in any other parameter (throughput, grade, capital "
            "cost…): <code>reemud breakeven SCENARIO PARAMETER LOW HIGH</code>.</p>"
            + _table(["oxide", "price in this run [US$/kg]", "price at break-even [US$/kg]"],
                     rows))


MARKET_PRESET = "licences-2025-04"
"""The disruption preset the run report's supply-security section runs."""


def _market_section(result: ChainResult) -> list[str]:
    """Supply shares, the preset's price/shortage/stock paths, and risk with this run's mud."""
    from reemud.report_market import market_figures
    from reemud.security.model import mud_from_result, run_market
    from reemud.security.scenario import load_market_scenario

    mud = mud_from_result(result)
    run = run_market(load_market_scenario(MARKET_PRESET), mud=mud)
    parts = ["<h2>Supply security</h2>",
             f"<p>World supply of the base year; the <code>{MARKET_PRESET}</code> disruption "
             "preset with this run's mud as a supplier from the preset's first mud year; supply "
             "risk before and after this run's mud at full output (<code>reemud market</code> "
             "runs any preset or file).</p>"]
    _add_figures(parts, market_figures(run, mud), include_js=False)
    return parts + _sources_tables(result.records.get("leaching"))


def _sources_tables(leaching=None) -> list[str]:
    """The one-scale comparison as a table, and the bio-sorbents on a pregnant leach liquor."""
    from reemud.report_market import BIOSORB_HEADER, SOURCES_HEADER, biosorb_table, sources_table
    from reemud.security.sources import DEFAULT_DOSE_G_PER_L, biosorb, comparison

    def cells(rows):
        return [[html.escape(c) for c in row] for row in rows]

    sorbed = biosorb("pls", leaching=leaching)
    whose = "this run's" if leaching is not None else "the commercial concept's"
    return ["<h2>Every source on one scale: the table</h2>",
            "<p>US$ per kg of oxide by co-product credit (value allocation in brackets); a range "
            "follows the semicolon; energy and CO₂ per kg of the stated basis; "
            "<code>reemud market sources</code> prints the same (docs/models/sources.md §4).</p>",
            _table(list(SOURCES_HEADER), cells(sources_table(comparison(), _fmt))),
            f"<h2>Bio-sorbents on {whose} pregnant leach liquor</h2>",
            f"<p>One batch contact at {DEFAULT_DOSE_G_PER_L:g} g/L (assumed); sorbent only. "
            "Competing ions: "
            f"{html.escape(sorbed[0]['competitors'] if sorbed else 'none')}; "
            "<code>reemud market biosorb</code> runs any dose or liquor.</p>",
            _table(list(BIOSORB_HEADER), cells(biosorb_table(sorbed, _fmt)))]


def render(result: ChainResult, literature: list[CaseResult] | None = None) -> str:
    """Render the report of a run as one HTML string."""
    sc = result.scenario
    scalar_rows, element_rows = [], []
    for name, value in result.kpis.items():
        if isinstance(value, Mapping):
            for key, v in value.items():
                element_rows.append([html.escape(name), key, _fmt(v), unit_of(name)])
        else:
            why = result.undefined.get(name)
            meaning = describe(name) + (f" (undefined: {why})" if why else "")
            scalar_rows.append([f"<code>{name}</code>", _fmt(value), html.escape(unit_of(name)),
                                html.escape(meaning)])
    cash = result.records["economics"]
    parts = [
        f"<h1>reemud — {html.escape(sc.name)}</h1>",
        f"<p>{html.escape(sc.description)}</p>",
        f"<p class='meta'>seed {result.seed} · reemud {result.version} · scenario sha256 "
        f"<code>{sc.sha256[:16]}…</code> · generated "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}</p>",
        "<h2>Key results</h2>",
        _table(["KPI", "value", "unit", "meaning"], scalar_rows),
        f"<p>IRR: {html.escape(cash.irr_status)}.</p>",
        "<h2>Break-even</h2>",
        _break_even_section(cash, sc.stages["economics"].params.price_multiplier),
        "<h2>By element</h2>",
        _table(["KPI", "element / item", "value", "unit"], element_rows),
    ]
    _add_figures(parts, run_figures(result))
    parts += _market_section(result)
    if not literature:
        parts += ["<h2>Literature checks</h2>",
                  "<p>Not run for this report (<code>reemud run --json</code> skips them); "
                  "<code>reemud literature</code> prints them.</p>"]
    else:
        mine = [c for c in literature if c.applies_to(sc.name)]
        other = sorted({s for c in literature if not c.applies_to(sc.name) for s in c.scenarios
                        if s != sc.name})
        rows = [[c.case.id, c.case.kind + (f" ({html.escape(c.case.parameter)})"
                                           if c.case.parameter else ""),
                 html.escape(c.case.published_text), _fmt(c.model), html.escape(c.case.unit),
                 "pass" if c.passed else "<b>FAIL</b>", html.escape(", ".join(c.scenarios)
                                                                   or "model"),
                 html.escape(c.case.source)]
                for c in mine]
        note = (f"<p>{len(literature) - len(mine)} checks of other scenarios "
                f"({html.escape(', '.join(other))}) are left out; <code>reemud literature</code> "
                "lists every check.</p>" if len(mine) < len(literature) else "")
        parts += ["<h2>Literature checks</h2>",
                  "<p>The model's own checks and those computed on this run's scenario.</p>",
                  _table(["id", "kind", "published", "model", "unit", "", "checked on", "source"],
                         rows), note]
    rows = [[f"<code>{html.escape(path)}</code>", html.escape(value), html.escape(reason)]
            for path, value, reason in scenario_assumptions(sc.text)]
    rows += [[f"<code>{html.escape(r['file'])}</code>",
              html.escape(", ".join(v for k, v in r.items()
                                    if k not in ("file", "source", "assumed") and v)),
              html.escape(r["assumed"])] for r in assumed_rows()]
    parts += ["<h2>Assumed numbers</h2>",
              "<p>Every number below is not from a source; each says why. Replace them with "
              "measurements where you have them (see data/README.md).</p>",
              _table(["where", "value", "why assumed"], rows)]
    return _page(f"reemud — {sc.name}", parts)


def write_report(result: ChainResult, path: str | Path,
                 literature: list[CaseResult] | None = None) -> Path:
    """Write the report to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result, literature), encoding="utf-8")
    return path


def render_market(run, draws=None) -> str:
    """An HTML report of a market disruption run (and its Monte Carlo draws, if given)."""
    from reemud.report_market import band_figure, market_figures
    from reemud.security.analysis import market_kpis
    from reemud.security.model import mud_supply

    sc = run.scenario
    kpis = market_kpis(run)
    rows = [[key, *(_fmt(kpis[m][key]) for m in (
        "market_shortage_t", "market_peak_price_multiple", "market_time_to_peak_years",
        "market_recovery_years", "market_stock_drawdown_t", "market_offset_mud_t"))]
        for key in kpis["market_shortage_t"]]
    parts = [f"<h1>reemud — {html.escape(sc.name)}</h1>", f"<p>{html.escape(sc.description)}</p>",
             f"<p class='meta'>scenario sha256 <code>{sc.sha256[:16]}…</code> · generated "
             f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}</p>",
             _table(["importer:element", "shortage [t]", "peak price ×", "to peak [yr]",
                     "recovery [yr]", "stock drawdown [t]", "mud offset [t]"], rows)]
    figs = market_figures(run, mud_supply(sc.params.mud_scenario))
    if draws is not None:
        figs.append(band_figure(draws))
    _add_figures(parts, figs)
    return _page(f"reemud — {sc.name}", parts + _sources_tables())


def write_market_report(run, path: str | Path, draws=None) -> Path:
    """Write the disruption report to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_market(run, draws), encoding="utf-8")
    return path
