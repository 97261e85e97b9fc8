"""Supply tables, risk indices before and after the mud, coverage over time, allies' offtake.

Reads a ``MarketRun`` (or the base market) and returns plain dicts of arrays for the CLI, the
report and the store. docs/models/supply-security.md §6–7.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from reemud.elements import N_ELEMENTS, REY
from reemud.market import coverage as cov
from reemud.market import data as md
from reemud.market import outcomes as mo
from reemud.market import risk
from reemud.security.model import Base, MarketRun, MudSupply

PARTNERS = ("JP", "US", "EU")
"""Importers that may take a share of the mud's oxides (``offtake_*`` in ``[market]``)."""


def by_country(amounts_s_e: np.ndarray, countries: tuple[str, ...]) -> tuple[tuple[str, ...],
                                                                            np.ndarray]:
    """Sum supplier rows ``(S, E)`` by country: ``(names, (C, E))``."""
    names = tuple(dict.fromkeys(countries))
    out = np.zeros((len(names), amounts_s_e.shape[-1]))
    for row, c in zip(amounts_s_e, countries, strict=True):
        out[names.index(c)] += row
    return names, out


def mining_and_separation(base: Base, mud_t_per_year: np.ndarray | None = None) -> dict:
    """Mine and separation output by country and element [t/yr] (the mud in Japan if given)."""
    per_supplier = base.output_t_per_year[:, None] * base.composition
    if mud_t_per_year is not None:
        j = md.GROUPS.index("mud")
        per_supplier = per_supplier.copy()
        per_supplier[base.group == j] = mud_t_per_year
    mined = by_country(per_supplier, base.country)
    separated_rows = np.concatenate([per_supplier * base.china_separated[:, None],
                                     per_supplier * (1 - base.china_separated[:, None])])
    separated = by_country(separated_rows, ("China",) * len(base.suppliers)
                           + base.separation_country)
    return {"mining": mined, "separation": separated}


def supply_table(base: Base) -> dict:
    """World supply of the base year by country and element, and the separation shares."""
    ms = mining_and_separation(base)
    countries, mined = ms["mining"]
    sep_countries, separated = ms["separation"]
    keep = mined.sum(axis=1) > 0
    kept = tuple(c for c, k in zip(countries, keep, strict=True) if k)
    return {"countries": kept,
            "mined_t_per_year": mined[keep],
            "reserves_t": {c: md.reserves().get(c, float("nan")) for c in kept},
            "separation_countries": sep_countries, "separated_t_per_year": separated,
            "world_t_per_year": base.world_t_per_year,
            "china_mining_share": float(mined[countries.index("China")].sum() / mined.sum()),
            "china_separation_share": float(separated[sep_countries.index("China")].sum()
                                            / separated.sum())}


def accepted_offtake(params, mud: MudSupply | None) -> dict[str, float]:
    """Share of the mud each partner takes after its acceptance limits [-]."""
    out = {}
    for key in PARTNERS:
        share = getattr(params, f"offtake_{key.lower()}")
        if mud is None:
            out[key] = 0.0
            continue
        a = cov.acceptance(mud.plume_area_km2, mud.co2_kg_per_kg_reo,
                           getattr(params, f"plume_limit_{key.lower()}_km2"),
                           getattr(params, f"co2_limit_{key.lower()}_kg_per_kg"))
        out[key] = float(cov.offtake(share, a))
    return out


def _governance(countries) -> np.ndarray:
    """Normalised WGI of each country (``other``'s 0.5 for a country without a score) [-]."""
    gov = md.governance()
    return np.array([gov.get(c, gov["other"]) for c in countries])


def risk_indices(base: Base, mud_full_t_per_year: np.ndarray | None,
                 offtake: Mapping[str, float]) -> dict:
    """Risk indices per element, before and after the mud at full output.

    Returns ``{"before": {...}, "after": {...}}``, each with ``hhi_mining``, ``hhi_separation``
    (E,) and, per partner importer, ``eu_supply_risk`` and ``geopolrisk`` (E,) and
    ``import_reliance`` (E,).
    """
    crm = md.eu_crm()
    eol = np.array([crm[s]["eol_rir"] for s in REY])
    si = np.array([crm[s]["si_sr"] for s in REY])
    out = {}
    for label, mud in (("before", None), ("after", mud_full_t_per_year)):
        ms = mining_and_separation(base, mud if mud is not None else np.zeros(N_ELEMENTS))
        m_names, mined = ms["mining"]
        s_names, separated = ms["separation"]
        h_mining = risk.hhi(mined.T)
        h_sep_wgi = risk.hhi_wgi(separated.T, risk.wgi_scaled(_governance(s_names)))
        entry = {"hhi_mining": h_mining, "hhi_separation": risk.hhi(separated.T),
                 "hhi_wgi_separation": h_sep_wgi}
        mud_e = mud if mud is not None else np.zeros(N_ELEMENTS)
        for key in PARTNERS:
            i = md.IMPORTERS.index(key)
            demand = base.demand_t_per_year[1 + i]
            domestic = np.zeros(N_ELEMENTS)
            if key == "US":
                us = [j for j, c in enumerate(base.country) if c == "United States"]
                domestic = (base.output_t_per_year[us, None] * (1 - base.china_separated[us, None])
                            * base.composition[us]).sum(axis=0)
            from_mud = offtake.get(key, 0.0) * mud_e
            if key == "JP":
                domestic = domestic + from_mud
                from_mud = np.zeros(N_ELEMENTS)
            from_mud = np.minimum(from_mud, np.maximum(demand - domestic, 0.0))
            rest = np.maximum(demand - domestic - from_mud, 0.0)
            flows = {o: s * rest for o, s in md.sourcing()[key].items()}
            flows["Japan"] = flows.get("Japan", 0.0) + from_mud
            names = tuple(flows)
            f = np.array([np.broadcast_to(flows[o], (N_ELEMENTS,)) for o in names])  # (O, E)
            home = {"JP": "Japan", "US": "United States", "EU": "other"}[key]
            sourcing = np.concatenate([f, domestic[None]])
            ir = risk.import_reliance(demand, domestic)
            entry[key] = {
                "import_reliance": ir,
                "eu_supply_risk": risk.eu_supply_risk(
                    h_sep_wgi, risk.hhi_wgi(sourcing.T,
                                            risk.wgi_scaled(_governance((*names, home)))),
                    ir, eol, si),
                "geopolrisk": risk.geopolrisk(h_mining, f.T, 1.0 - _governance(names), domestic),
            }
        out[label] = entry
    return out


def years_of_world_demand(base: Base, resource_t: np.ndarray) -> np.ndarray:
    """Years of base-year world demand held in a resource, per element [yr]."""
    return cov.years_of_demand(resource_t, base.world_t_per_year)


@dataclass(frozen=True)
class Coverage:
    """The mud against demand, per period and element."""

    years: np.ndarray
    mud_t_per_year: np.ndarray  # (T, E)
    offtake: Mapping[str, float]
    coverage: Mapping[str, np.ndarray]  # partner -> (T, E)
    world_share: np.ndarray  # (T, E)


def coverage_over_time(run: MarketRun, draw: int = 0) -> Coverage:
    """Each partner's coverage by its offtake of the mud and the mud's share of world use."""
    mud = run.mud
    j = md.GROUPS.index("mud")
    mud_t = run.paths.supply_ex_china_t_per_year[draw, :, j]
    take = accepted_offtake(run.scenario.params, mud)
    demand = run.reference.consumption_t_per_year[draw]
    out = {key: cov.coverage(take[key] * mud_t, demand[:, 1 + md.IMPORTERS.index(key)])
           for key in PARTNERS}
    return Coverage(years=run.scenario.years, mud_t_per_year=mud_t, offtake=take, coverage=out,
                    world_share=cov.coverage(mud_t, demand.sum(axis=1)))


def outcomes(run: MarketRun) -> dict[str, np.ndarray]:
    """Shortage, stock drawdown, offsets and resilience per draw, importer and element."""
    k = run.scenario.params.periods_per_year
    disrupted = mo.disrupted_periods(run.inputs.let_through, run.inputs.output_through)
    out = {"shortage_t": mo.shortage_t(run.paths, run.reference, k),
           "stock_drawdown_t": run.paths.release_t_per_year.sum(axis=1) / k}
    out.update(mo.resilience(run.paths, run.reference, disrupted, k))
    offsets = mo.offsets_t(run.paths, run.inputs.let_through, disrupted, k)
    out.update({f"offset_{name}_t": v for name, v in offsets.items()})
    non_chinese = np.array([c != "China" for c in run.base.country])
    out["ramp_up_per_year"] = mo.ramp_up_rate(run.paths, non_chinese, k)
    out["substitution_per_year"] = mo.substitution_rate(run.paths, k)
    out["balance_residual"] = run.paths.balance_residual
    return out


KPI_METRICS = ("shortage_t", "peak_price_multiple", "time_to_peak_years", "recovery_years",
               "substitution_per_year", "stock_drawdown_t", "offset_consumption_t", "offset_china_t",
               "offset_other_mines_t", "offset_mud_t", "offset_recycling_t", "offset_stockpile_t")
"""Per importer-element outcomes a market run reports (``"JP:Dy"`` keys)."""


def market_kpis(run: MarketRun, draw: int = 0) -> dict[str, object]:
    """A market run's KPIs for the store and ``--json``: scalars and ``"IMPORTER:El"`` maps.

    Only importer-element pairs that were disrupted are listed for the outcome metrics.
    """
    out = outcomes(run)
    disrupted = mo.disrupted_periods(run.inputs.let_through, run.inputs.output_through)[draw]
    hit = disrupted.any(axis=0)  # (I, E)
    kpis: dict[str, object] = {
        "market_balance_residual": float(out["balance_residual"][draw]),
        "market_ramp_up_per_year": float(out["ramp_up_per_year"][draw]),
    }
    for metric in KPI_METRICS:
        values = out[metric][draw]
        kpis[f"market_{metric}"] = {f"{imp}:{el}": float(values[i, e])
                                    for i, imp in enumerate(md.IMPORTERS)
                                    for e, el in enumerate(REY) if hit[i, e]}
    cov_ = coverage_over_time(run, draw)
    full = np.nanmax(np.where(np.isfinite(cov_.coverage["JP"]), cov_.coverage["JP"], np.nan),
                     axis=0) if np.any(cov_.mud_t_per_year > 0) else np.zeros(N_ELEMENTS)
    kpis["market_japan_mud_coverage_peak"] = {el: float(full[e]) for e, el in enumerate(REY)}
    return kpis


def disrupted_paths(run: MarketRun, draw: int = 0) -> dict[str, object]:
    """Period-by-period paths of every disrupted importer-element (for ``--json``).

    The price over its undisrupted path [-], the consumption lost [t/yr] and the stock [t].
    """
    disrupted = mo.disrupted_periods(run.inputs.let_through, run.inputs.output_through)[draw]
    hit = disrupted.any(axis=0)
    ratio = mo.price_ratio(run.paths, run.reference)[draw]
    lost = (run.reference.consumption_t_per_year[draw, :, 1:]
            - run.paths.consumption_t_per_year[draw, :, 1:])
    out: dict[str, object] = {"years": run.scenario.years.tolist(), "price_over_undisrupted": {},
                              "consumption_lost_t_per_year": {}, "stock_t": {}}
    for i, imp in enumerate(md.IMPORTERS):
        for e, el in enumerate(REY):
            if hit[i, e]:
                key = f"{imp}:{el}"
                out["price_over_undisrupted"][key] = ratio[:, i, e].tolist()
                out["consumption_lost_t_per_year"][key] = lost[:, i, e].tolist()
                out["stock_t"][key] = run.paths.stock_t[draw, :, i, e].tolist()
    return out
