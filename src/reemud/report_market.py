"""The market's figures: supply by country, price and shortage paths, risk before and after.

``market_figures(run)`` feeds the supply-security section of the run report (``reemud run``)
and the disruption report (``reemud market disrupt --report``, ``report.write_market_report``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from reemud.elements import INDEX, REY
from reemud.market import data as md
from reemud.security.analysis import accepted_offtake, risk_indices, supply_table
from reemud.security.model import MarketDraws, MarketRun, MudSupply

PATH_ELEMENTS = ("Nd", "Tb", "Dy", "Y")
"""Elements whose price and shortage paths the figures show."""


def supply_figure(run: MarketRun) -> tuple[str, go.Figure]:
    """Mine supply of the base year by country, stacked per element (shares)."""
    return base_supply_figure(run.base)


def base_supply_figure(base) -> tuple[str, go.Figure]:
    """Mine supply of a base market (``security.model.base_market``) by country and element."""
    st = supply_table(base)
    shares = st["mined_t_per_year"] / st["mined_t_per_year"].sum(axis=0)
    fig = go.Figure([go.Bar(name=c, x=list(REY), y=shares[i])
                     for i, c in enumerate(st["countries"])])
    fig.update_layout(barmode="stack", yaxis_title="share of world mine supply [-]",
                      xaxis_title="element", legend_title="country")
    return "World mine supply by country and element (base year 2024)", fig


def price_figure(run: MarketRun) -> tuple[str, go.Figure]:
    """Ex-China and China price paths over the undisrupted path, selected elements."""
    years = run.scenario.years
    fig = go.Figure()
    for el in PATH_ELEMENTS:
        e = INDEX[el]
        ref = run.reference.price_multiple_ex_china[0, :, e]
        fig.add_trace(go.Scatter(x=years, y=run.paths.price_multiple_ex_china[0, :, e] / ref,
                                 name=f"{el} ex-China"))
        fig.add_trace(go.Scatter(x=years, y=run.paths.price_multiple_china[0, :, e]
                                 / run.reference.price_multiple_china[0, :, e],
                                 name=f"{el} China", line={"dash": "dot"}))
    fig.update_layout(xaxis_title="year", yaxis_title="price over the undisrupted path [-]",
                      yaxis_type="log")
    return f"Price paths under {run.scenario.name}", fig


def shortage_figure(run: MarketRun) -> tuple[str, go.Figure]:
    """Consumption lost per importer (selected elements) [t/yr]."""
    years = run.scenario.years
    lost = (run.reference.consumption_t_per_year[0, :, 1:]
            - run.paths.consumption_t_per_year[0, :, 1:])
    fig = go.Figure()
    for i, imp in enumerate(md.IMPORTERS):
        for el in PATH_ELEMENTS:
            series = lost[:, i, INDEX[el]]
            if np.any(np.abs(series) > 1e-9):
                fig.add_trace(go.Scatter(x=years, y=series, name=f"{imp} {el}"))
    fig.update_layout(xaxis_title="year", yaxis_title="consumption lost [t/yr]")
    return f"Shortage paths under {run.scenario.name}", fig


def stock_figure(run: MarketRun) -> tuple[str, go.Figure]:
    """Japan's stockpile of the selected elements [t]."""
    jp = md.IMPORTERS.index("JP")
    fig = go.Figure([go.Scatter(x=run.scenario.years, y=run.paths.stock_t[0, :, jp, INDEX[el]],
                                name=el) for el in PATH_ELEMENTS])
    fig.update_layout(xaxis_title="year", yaxis_title="stock at period end [t]")
    return "Japan's stockpile (JOGMEC target: 60 days, 180 for high-risk items)", fig


def risk_figure(run: MarketRun, mud: MudSupply | None) -> tuple[str, go.Figure]:
    """EU supply risk (EU) and GeoPolRisk (Japan) per element, before and after the mud."""
    take = accepted_offtake(run.scenario.params, mud)
    ri = risk_indices(run.base, None if mud is None else mud.oxide_t_per_year, take)
    fig = go.Figure()
    for label in ("before", "after"):
        fig.add_trace(go.Bar(name=f"EU SR, EU, {label}", x=list(REY),
                             y=ri[label]["EU"]["eu_supply_risk"]))
        fig.add_trace(go.Bar(name=f"GeoPolRisk ×10, Japan, {label}", x=list(REY),
                             y=10 * ri[label]["JP"]["geopolrisk"]))
    fig.update_layout(barmode="group", yaxis_title="index [-]", xaxis_title="element")
    return "Supply risk before and after the mud (EU CRM method; GeoPolRisk)", fig


def band_figure(draws: MarketDraws) -> tuple[str, go.Figure]:
    """P5-P95 band of the ex-China price multiple of the selected elements over the draws."""
    years = draws.scenario.years
    fig = go.Figure()
    ratio = draws.price_multiple_ex_china / draws.reference_price_multiple_ex_china
    for el in PATH_ELEMENTS:
        r = ratio[:, :, INDEX[el]]
        lo, mid, hi = np.nanpercentile(r, [5, 50, 95], axis=0)
        fig.add_trace(go.Scatter(x=years, y=hi, line={"width": 0}, showlegend=False))
        fig.add_trace(go.Scatter(x=years, y=lo, fill="tonexty", line={"width": 0},
                                 name=f"{el} P5-P95"))
        fig.add_trace(go.Scatter(x=years, y=mid, name=f"{el} P50"))
    fig.update_layout(xaxis_title="year", yaxis_title="ex-China price over undisrupted [-]",
                      yaxis_type="log")
    return f"Price uncertainty over {draws.n} draws", fig


def recycling_figure(flows=None) -> tuple[str, go.Figure]:
    """Japan's stock model: put into use, in use, end of life and recovered, by product."""
    from plotly.subplots import make_subplots

    from reemud.sources import recycling

    flows = flows if flows is not None else recycling.default_flows()
    fig = make_subplots(rows=2, cols=2, subplot_titles=(
        "put into use [t RE/yr]", "in use [t RE]", "end of life [t RE/yr]",
        "recovered [t RE/yr]"))
    panels = (("inflow_t", 1, 1), ("stock_t", 1, 2), ("end_of_life_t", 2, 1),
              ("recovered_t", 2, 2))
    for name, row, col in panels:
        values = getattr(flows, name)
        for j, product in enumerate(flows.products):
            fig.add_scatter(x=flows.years, y=np.median(values[:, :, j], axis=0), name=product,
                            legendgroup=product, showlegend=(row, col) == (1, 1),
                            row=row, col=col)
    return ("Rare-earth products in Japan: the recycling stock model (flodym; "
            "docs/models/sources.md §1)", fig)


def sources_figure(rows=None) -> tuple[str, go.Figure]:
    """US$ per kg of Nd and Dy oxide by source, co-product credit, log scale."""
    from reemud.security.sources import comparison

    rows = rows if rows is not None else comparison()
    fig = go.Figure()
    for t in ("Nd", "Dy"):
        fig.add_bar(name=f"{t} (co-product credit)", x=[r["source"] for r in rows],
                    y=[r[f"credit_usd_per_kg_{t}"] for r in rows])
    fig.update_yaxes(type="log", title="US$ per kg of oxide")
    return ("One scale for every source: US$ per kg of Nd and Dy oxide (a gap: not published; "
            "docs/models/sources.md §4)", fig)


SOURCES_HEADER = ("source", "US$/kg Nd₂O₃", "US$/kg Dy₂O₃", "kWh/kg", "kg CO₂-eq/kg",
                  "footprint per", "provenance")
"""Columns of the one-scale comparison table (``reemud market sources`` and the report)."""


def _cost_cell(row: dict, t: str, fmt: Callable[[float], str]) -> str:
    """Credit cost (value allocation), then its range: ``1,041 (300); 950-1,213``."""
    credit, value = row[f"credit_usd_per_kg_{t}"], row[f"value_usd_per_kg_{t}"]
    if not np.isfinite(credit):
        return "not published"
    text = fmt(credit) if credit == value else f"{fmt(credit)} ({fmt(value)})"
    low, high = row[f"credit_usd_per_kg_{t}_low"], row[f"credit_usd_per_kg_{t}_high"]
    return f"{text}; {fmt(low)} to {fmt(high)}" if np.isfinite(low) else text


def _range_cell(row: dict, key: str, fmt: Callable[[float], str]) -> str:
    value, low, high = row[key], row[f"{key}_low"], row[f"{key}_high"]
    if not np.isfinite(value):
        return "not found"
    return f"{fmt(value)}; {fmt(low)} to {fmt(high)}" if np.isfinite(low) else fmt(value)


def sources_table(rows, fmt: Callable[[float], str]) -> list[list[str]]:
    """The comparison as text cells in :data:`SOURCES_HEADER` order (plain text, unescaped)."""
    out = []
    for r in rows:
        provenance = "; ".join(part for part in (
            r["provenance"], f"range: {r['range']}" if r["range"] else "",
            f"energy and CO₂: {r['footprint_provenance']}") if part)
        out.append([r["source"], _cost_cell(r, "Nd", fmt), _cost_cell(r, "Dy", fmt),
                    _range_cell(r, "kwh_per_kg", fmt), _range_cell(r, "kg_co2_per_kg", fmt),
                    r["footprint_basis"], provenance])
    return out


BIOSORB_HEADER = ("sorbent", "element", "c0 mg/L", "dose g/L", "c mg/L", "q mg/g", "removed",
                  "kg sorbent/kg", "US$/kg (sorbent)", "note")
"""Columns of the bio-sorbent table (``reemud market biosorb`` and the report)."""


def biosorb_table(rows, fmt: Callable[[float], str]) -> list[list[str]]:
    """Bio-sorbent rows (``reemud.security.sources.biosorb``) as text cells."""
    return [[r["sorbent"], r["element"], fmt(r["c0_mg_per_l"]), fmt(r["dose_g_per_l"]),
             fmt(r["c_mg_per_l"]), fmt(r["q_mg_per_g"]),
             f"{r['removed']:.1%}" if np.isfinite(r["removed"]) else "—",
             fmt(r["kg_sorbent_per_kg"]), fmt(r["usd_per_kg"]), r["note"]] for r in rows]


def market_figures(run: MarketRun, mud: MudSupply | None) -> list[tuple[str, go.Figure]]:
    """The supply-security figures of a run, in report order."""
    return [supply_figure(run), price_figure(run), shortage_figure(run), stock_figure(run),
            risk_figure(run, mud), recycling_figure(), sources_figure()]
