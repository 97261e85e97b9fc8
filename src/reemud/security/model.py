"""From a market scenario to the market model's inputs, and the run (one or many draws).

The base year (2024, USGS MCS 2025) fixes supply by supplier and, through each ore's
composition, world supply by element; world demand by element equals it at the reference prices
(the market cleared in the base year; stock building is ignored). China takes
``china_demand_share`` of it; Japan's demand is its published items (JSNM) with the unlisted
elements at its share of world Pr+Nd demand; the US and EU totals are split in the world's
pattern; the rest of the world takes the remainder. The mud enters as a supplier whose output
follows the chain's production profile from ``mud_first_year``. docs/models/supply-security.md §2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from reemud.elements import N_ELEMENTS, REY
from reemud.errors import Problem, ScenarioError
from reemud.market import data as md
from reemud.market.dynamics import (
    REFERENCE_FIELDS,
    MarketInputs,
    MarketPaths,
    simulate,
    undisrupted,
)
from reemud.security.scenario import EXPORTER, MarketScenario, market_defaults
from reemud.sources import recycling


@dataclass(frozen=True)
class MudSupply:
    """The chain's mud project as a market supplier."""

    oxide_t_per_year: np.ndarray  # (E,) at full output
    producing: np.ndarray  # output fraction of each project year (construction first)
    plume_area_km2: float
    co2_kg_per_kg_reo: float
    scenario: str


@cache
def chain_run(name: str):
    """The chain run (``ChainResult``) of scenario ``name``, once per process."""
    from reemud.chain import run
    from reemud.scenario import load_scenario

    return run(load_scenario(name))


@cache
def mud_supply(name: str) -> MudSupply | None:
    """Run the chain scenario ``name`` once and keep what the market needs (``None``: no mud)."""
    if name == "none":
        return None
    return mud_from_result(chain_run(name))


@cache
def mud_resource_t(name: str) -> np.ndarray:
    """In-situ resource of the mud scenario's block, per element as oxide [t REO] (0: no mud)."""
    if name == "none":
        return np.zeros(N_ELEMENTS)
    from reemud.elements import OXIDE_FACTOR

    return np.asarray(chain_run(name).records["deposit"].resource_rey_t) * OXIDE_FACTOR


def mud_from_result(result) -> MudSupply:
    """The market's view of a chain run (``ChainResult``): oxides, profile, plume, CO2."""
    env = result.records["environment"]
    return MudSupply(oxide_t_per_year=np.asarray(result.records["refining"].oxide_t_per_year),
                     producing=np.asarray(result.records["economics"].table["producing"]),
                     plume_area_km2=float(env.plume_area_km2_above_1mm),
                     co2_kg_per_kg_reo=float(env.co2_kg_per_kg_reo),
                     scenario=result.scenario.name)


elasticities = md.elasticities
"""Calibrated price elasticity of demand of each element (``reemud.market.data``)."""


def reference_prices() -> np.ndarray:
    """Reference oxide prices of the base year [US$/kg]: the ``usgs-argus-2024`` deck."""
    from reemud.stages.common import price_decks

    return np.asarray(price_decks()["usgs-argus-2024"], dtype=float)


@dataclass(frozen=True)
class Base:
    """The base-year market: suppliers, demand by zone and element, China's export shares."""

    suppliers: tuple[str, ...]
    composition: np.ndarray  # (S, E)
    output_t_per_year: np.ndarray  # (S,)
    china_separated: np.ndarray
    separation_country: tuple[str, ...]
    country: tuple[str, ...]
    quota: np.ndarray
    group: np.ndarray
    world_t_per_year: np.ndarray  # (E,) base-year world supply = demand
    demand_t_per_year: np.ndarray  # (1 + I, E)
    china_export_share: np.ndarray  # (I, E)
    price_usd_per_kg: np.ndarray  # (E,)


def importer_demand(world: np.ndarray, china_share: float) -> np.ndarray:
    """Base-year demand of China and each importer by element [t/yr] (see the module doc)."""
    out = np.zeros((1 + len(md.IMPORTERS), N_ELEMENTS))
    out[0] = china_share * world
    pattern = world / world.sum()
    pr_nd = md.element_mask(("Pr", "Nd"))
    for i, row in enumerate(md.importers(), start=1):
        key = row["importer"]
        if key == "RoW":
            continue
        items = md.demand_items().get(key)
        if not items:
            out[i] = float(row["demand_t_reo"]) * pattern
            continue
        for symbols, value in items:
            mask = md.element_mask(symbols)
            if value is not None:
                out[i, mask] = value * world[mask] / world[mask].sum()
        share_pr_nd = out[i, pr_nd].sum() / world[pr_nd].sum()
        for symbols, value in items:
            if value is None:
                mask = md.element_mask(symbols)
                out[i, mask] = share_pr_nd * world[mask]
    row_index = 1 + md.IMPORTERS.index("RoW")
    out[row_index] = world - out.sum(axis=0)
    short = [REY[e] for e in np.flatnonzero(out[row_index] < -1e-9 * world)]
    if short:
        raise ScenarioError([Problem("market.china_demand_share", china_share,
                                     "China's, Japan's, the US's and the EU's demand exceed world "
                                     f"supply for {', '.join(short)}",
                                     "lower china_demand_share")], "market scenario")
    out[row_index] = np.maximum(out[row_index], 0.0)
    return out


def export_shares(demand: np.ndarray, ex_china_supply: np.ndarray) -> np.ndarray:
    """Share of China's exports of each element going to each importer [-] (I, E).

    Japan, the US and the EU take their China import share of their demand; the rest of the
    world takes the remainder of China's net exports (``market_sourcing.csv``).
    """
    net = demand[1:].sum(axis=0) - ex_china_supply
    flows = np.zeros((len(md.IMPORTERS), N_ELEMENTS))
    for i, key in enumerate(md.IMPORTERS):
        if key != "RoW":
            flows[i] = md.sourcing()[key].get(EXPORTER, 0.0) * demand[1 + i]
    row = md.IMPORTERS.index("RoW")
    flows[row] = np.maximum(net - flows.sum(axis=0), 0.0)
    total = flows.sum(axis=0)
    return np.where(total > 0, flows / np.where(total > 0, total, 1.0), 1.0 / len(md.IMPORTERS))


def base_market(china_demand_share: float | None = None, mud: MudSupply | None = None) -> Base:
    """The base-year market with the mud as a supplier (its base output is zero).

    ``china_demand_share`` defaults to the ``[market]`` default (data/market_parameters.csv).
    """
    if china_demand_share is None:
        china_demand_share = float(market_defaults()["china_demand_share"])
    sup = md.suppliers()
    comps = md.compositions()
    composition = []
    for ore in sup.ore:
        if ore == "mud":
            ox = mud.oxide_t_per_year if mud is not None else np.ones(N_ELEMENTS)
            composition.append(ox / ox.sum())
        else:
            composition.append(comps[ore])
    composition = np.array(composition)
    world = sup.output_t_per_year @ composition
    demand = importer_demand(world, china_demand_share)
    ex_supply = (sup.output_t_per_year * (1 - sup.china_separated)) @ composition
    return Base(suppliers=sup.names, composition=composition,
                output_t_per_year=np.asarray(sup.output_t_per_year),
                china_separated=np.asarray(sup.china_separated),
                separation_country=sup.separation_country, country=sup.country,
                quota=np.asarray(sup.quota), group=np.asarray(sup.group), world_t_per_year=world,
                demand_t_per_year=demand, china_export_share=export_shares(demand, ex_supply),
                price_usd_per_kg=reference_prices())


def mud_schedule(mud: MudSupply | None, years: np.ndarray, first_year: int) -> np.ndarray:
    """The mud's output in each period [t REO/yr] (0 before construction ends)."""
    if mud is None:
        return np.zeros(len(years))
    index = np.floor(years - first_year + 1e-9).astype(int)
    inside = (index >= 0) & (index < len(mud.producing))
    fraction = np.where(inside, mud.producing[np.clip(index, 0, len(mud.producing) - 1)], 0.0)
    return fraction * mud.oxide_t_per_year.sum()


def recycling_schedule(model: str, ore: str, years: np.ndarray) -> np.ndarray:
    """A recycling supplier's output in each period [t REO/yr].

    The oxide Japan's stock model recovers from the products whose rare earths have the
    supplier's ``ore`` split (docs/models/sources.md §1); zero when ``model`` is ``"none"``.
    """
    if model == "none":
        return np.zeros(len(years))
    products = tuple(p for p in recycling.included_products()
                     if recycling.product_ore(p) == ore)
    return recycling.recovered_reo_schedule(years, products)


def period_overlap(years: np.ndarray, k: int, start: float, end: float) -> np.ndarray:
    """Share of each period inside ``[start, end)`` [-]."""
    lo = np.maximum(years, start)
    hi = np.minimum(years + 1.0 / k, end)
    return np.clip(np.round((hi - lo) * k, 9), 0.0, 1.0)  # whole periods exactly


def disruption_arrays(scenario: MarketScenario, base: Base, values: Mapping[str, np.ndarray],
                      n: int) -> tuple[np.ndarray, np.ndarray]:
    """China's let-through ``(D, T, I, E)`` and suppliers' output shares ``(D, T, S)`` [-].

    A disruption covering a share ``o`` of a period lets ``1 - o (1 - f)`` through on average;
    several disruptions multiply.
    """
    years = scenario.years
    k = scenario.params.periods_per_year
    n_t = len(years)
    let = np.ones((n, n_t, len(md.IMPORTERS), N_ELEMENTS))
    out = np.ones((n, n_t, len(base.suppliers)))
    for i, d in enumerate(scenario.disruptions):
        f = np.broadcast_to(np.asarray(values.get(f"disruption[{i}].let_through", d.let_through),
                                       dtype=float), (n,))
        overlap = period_overlap(years, k, d.start_year, d.end_year)  # (T,)
        factor = 1.0 - overlap[None, :] * (1.0 - f[:, None])  # (D, T)
        if d.is_licence:
            imp = [md.IMPORTERS.index(x) for x in d.importers]
            el = md.element_mask(d.elements)
            let[:, :, np.array(imp)[:, None], np.flatnonzero(el)[None, :]] *= factor[:, :, None, None]
        else:
            hit = [j for j, (s, c) in enumerate(zip(base.suppliers, base.country, strict=True))
                   if d.supplier in (s, c)]
            out[:, :, hit] *= factor[:, :, None]
    return let, out


def market_inputs(scenario: MarketScenario, values: Mapping[str, np.ndarray] | None = None,
                  n: int = 1, mud: MudSupply | None | str = "scenario"
                  ) -> tuple[MarketInputs, Base]:
    """The model's inputs for ``n`` draws (``values``: drawn ``"market.x"`` / disruption values).

    ``mud``: the scenario's ``mud_scenario`` by default, or a given ``MudSupply`` (``None``: no
    mud), e.g. the chain run a report describes.
    """
    values = dict(values or {})
    p = scenario.params

    def param(name):
        return np.asarray(values.get(f"market.{name}", getattr(p, name)), dtype=float)

    if isinstance(mud, str):
        mud = mud_supply(p.mud_scenario)
    base = base_market(p.china_demand_share, mud)
    years = scenario.years
    k = p.periods_per_year
    n_t = len(years)
    growth_years = years[0] - float(md.settings()["base_year"])
    growth = np.where(md.element_mask(md.MAGNET_ELEMENTS), md.settings()["demand_growth_magnet"],
                      md.settings()["demand_growth_other"])
    quota_growth = param("quota_growth_per_year")[..., None]  # (draws, 1) or (1,)
    output = base.output_t_per_year * np.where(base.quota, (1 + quota_growth) ** growth_years, 1.0)
    schedule = np.full((len(base.suppliers), n_t), np.nan)
    for j, g in enumerate(base.group):
        if md.GROUPS[g] == "mud":
            schedule[j] = mud_schedule(mud, years, p.mud_first_year)
        elif md.GROUPS[g] == "recycling":
            schedule[j] = recycling_schedule(p.recycling_model, md.suppliers().ore[j], years)
    stock_years = np.zeros((len(md.IMPORTERS), N_ELEMENTS))
    fill = np.zeros(len(md.IMPORTERS))
    high = md.element_mask(md.HIGH_RISK_ELEMENTS)
    for i, row in enumerate(md.importers()):
        stock_years[i] = np.where(high, float(row["stock_days_high_risk"]),
                                  float(row["stock_days"])) / 365.0
        fill[i] = float(row["stock_fill"])
    fill[md.IMPORTERS.index("JP")] = p.japan_stock_fill
    let, out = disruption_arrays(scenario, base, values, n)
    eps = elasticities()[None, :] * param("demand_elasticity_scale")[..., None]
    inputs = MarketInputs(
        composition=base.composition, output_t_per_year=output,
        china_separated=base.china_separated, quota=base.quota, schedule_t_per_year=schedule,
        group=base.group, demand_t_per_year=base.demand_t_per_year * (1 + growth) ** growth_years,
        growth_per_year=growth, price_usd_per_kg=base.price_usd_per_kg,
        china_export_share=base.china_export_share, stock_target_years=stock_years,
        stock_fill=fill, elasticity_china=eps * param("china_elasticity_ratio")[..., None],
        elasticity_ex_china=eps,
        substitution_rate_per_year=param("substitution_rate_per_year"),
        substitution_reversal_per_year=param("substitution_reversal_per_year"),
        supply_elasticity=param("supply_elasticity"),
        investment_response=param("investment_response"),
        build_lag_years=param("build_lag_years"),
        quota_growth_per_year=param("quota_growth_per_year"),
        release_share=param("release_share"), refill_rate_per_year=param("refill_rate_per_year"),
        china_price_floor=param("china_price_floor"),
        let_through=let, output_through=out, periods_per_year=k)
    return inputs, base


@dataclass(frozen=True)
class MarketRun:
    """A market run: the disrupted and reference paths, the base market, the scenario, the mud."""

    scenario: MarketScenario
    base: Base
    inputs: MarketInputs
    paths: MarketPaths
    reference: MarketPaths  # only REFERENCE_FIELDS are stored (the rest are NaN)
    mud: MudSupply | None


def run_market(scenario: MarketScenario, values: Mapping[str, np.ndarray] | None = None,
               n: int = 1, mud: MudSupply | None | str = "scenario",
               keep_fields: tuple[str, ...] | None = None) -> MarketRun:
    """Run a market scenario (nominal values, or ``n`` draws of ``values``) and its reference.

    ``mud`` as in ``market_inputs``; ``keep_fields``: the disrupted run's fields to store (all
    by default; ``simulate``).
    """
    if isinstance(mud, str):
        mud = mud_supply(scenario.params.mud_scenario)
    inputs, base = market_inputs(scenario, values, n, mud)
    reference = simulate(undisrupted(inputs), keep_fields=REFERENCE_FIELDS)
    return MarketRun(scenario=scenario, base=base, inputs=inputs,
                     paths=simulate(inputs, reference, keep_fields), reference=reference, mud=mud)


DRAW_FIELDS = ("price_multiple_ex_china", "price_multiple_importer", "consumption_t_per_year",
               "supply_ex_china_t_per_year", "exports_t_per_year", "licensed_t_per_year",
               "release_t_per_year", "output_t_per_year", "binding", "substituted_share")
"""What a Monte Carlo block keeps of each disrupted run (what its outcomes read)."""

MAX_DRAWS = 1_000_000
"""Most draws one market Monte Carlo takes (about 12 kB kept per draw)."""

SUMMARY_METRICS = ("shortage_t", "peak_price_multiple", "time_to_peak_years", "recovery_years",
                   "stock_drawdown_t", "offset_mud_t", "offset_other_mines_t",
                   "offset_recycling_t", "offset_stockpile_t", "offset_china_t")
"""Per-draw outcomes (draws, importers, elements) a Monte Carlo keeps."""


@dataclass(frozen=True)
class MarketDraws:
    """A Monte Carlo of a market scenario: the draws, per-draw outcomes and price paths."""

    scenario: MarketScenario
    n: int
    seed: int
    method: str
    values: Mapping[str, np.ndarray]  # drawn parameters by path
    outcomes: Mapping[str, np.ndarray]  # SUMMARY_METRICS (D, I, E); ramp_up_per_year (D,)
    price_multiple_ex_china: np.ndarray  # (D, T, E): over the reference price
    reference_price_multiple_ex_china: np.ndarray  # (D, T, E): the undisrupted path
    balance_residual: np.ndarray  # (D,)


def draw_values(scenario: MarketScenario, n: int, seed: int = 0, method: str = "lhs"
                ) -> dict[str, np.ndarray]:
    """``n`` draws of the scenario's uncertain parameters (unit hypercube through their PPFs)."""
    from reemud import distributions
    from reemud.uncertainty import sample_unit

    if not scenario.uncertain:
        return {}
    u = sample_unit(n, len(scenario.uncertain), method=method, seed=seed)
    return {path: distributions.get(d.kind).quantiles(d.params, u[:, j])
            for j, (path, d) in enumerate(scenario.uncertain.items())}


def run_market_draws(scenario: MarketScenario, n: int, seed: int = 0, method: str = "lhs",
                     block: int = 1024, workers: int | None = None, progress=None) -> MarketDraws:
    """Run ``n`` draws in blocks on a thread pool (NumPy releases the GIL in its loops).

    ``progress(done)`` is called with the number of draws finished. Every block is the same
    vectorised model; the draws do not depend on the block size.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    from reemud.security.analysis import outcomes as run_outcomes

    if not 1 <= n <= MAX_DRAWS:
        raise ValueError(f"n must be between 1 and {MAX_DRAWS:,} (got {n!r}); a run keeps about "
                         "12 kB per draw: split a larger study into several seeds")
    values = draw_values(scenario, n, seed, method)
    starts = list(range(0, n, block))

    def one(start):
        stop = min(start + block, n)
        part = {k: v[start:stop] for k, v in values.items()}
        result = run_market(scenario, part, stop - start, keep_fields=DRAW_FIELDS)
        out = run_outcomes(result)
        return start, stop, out, result

    keep = {m: np.empty((n, len(md.IMPORTERS), N_ELEMENTS)) for m in SUMMARY_METRICS}
    ramp = np.empty(n)
    n_t = len(scenario.years)
    price_x = np.empty((n, n_t, N_ELEMENTS))
    ref_x = np.empty((n, n_t, N_ELEMENTS))
    residual = np.empty(n)
    done = 0
    workers = workers or min(len(starts), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for start, stop, out, result in pool.map(one, starts):
            for m in SUMMARY_METRICS:
                keep[m][start:stop] = out[m]
            ramp[start:stop] = out["ramp_up_per_year"]
            price_x[start:stop] = result.paths.price_multiple_ex_china
            ref_x[start:stop] = result.reference.price_multiple_ex_china
            residual[start:stop] = result.paths.balance_residual
            done += stop - start
            if progress is not None:
                progress(done)
    outcomes = {**keep, "ramp_up_per_year": ramp}
    for arr in (*outcomes.values(), price_x, ref_x, residual):
        arr.setflags(write=False)
    return MarketDraws(scenario=scenario, n=n, seed=seed, method=method, values=values,
                       outcomes=outcomes, price_multiple_ex_china=price_x,
                       reference_price_multiple_ex_china=ref_x, balance_residual=residual)
