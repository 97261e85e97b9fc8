"""Stage models of the outcomes: environment, economics and market."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from pydantic import field_validator

from reemud import collector, economics, environment, market
from reemud.particles import SIZE_MID_UM
from reemud.records import (
    CashFlow,
    Concentrate,
    Deposit,
    Draws,
    EnvironmentLedger,
    MarketOutcome,
    MudFeed,
    OxideProducts,
    PregnantLiquor,
    SeparatedProducts,
    Slurry,
)
from reemud.registry import register, register_draws
from reemud.stages.common import (
    P,
    Params,
    cost_index,
    draw_count,
    draw_groups,
    japan_demand,
    one_of,
    price_decks,
)

# ---------------------------------------------------------------------------------------------
# environment


class LedgerPlumeParams(Params):
    """Energy/CO₂ ledger and a Gaussian near-bed plume footprint."""

    vessel_fuel_t_per_day: float = P("t/day", "fuel the mining vessel burns per day on station",
                                     ge=0)
    generator_efficiency: float = P("", "fuel-to-electricity efficiency of the generators", gt=0,
                                    le=1)
    fuel_lhv_mj_per_kg: float = P("MJ/kg", "lower heating value of the marine fuel", gt=0)
    fuel_co2_kg_per_kg: float = P("", "CO2 emitted per kg of marine fuel burnt", gt=0)
    shipping_fuel_kg_per_wet_t: float = P("", "fuel to ship one wet tonne of concentrate ashore",
                                          ge=0)
    onshore_kwh_per_kg_reo: float = P("kWh/kg", "onshore electricity per kg of oxide", ge=0)
    grid_co2_kg_per_kwh: float = P("kg/kWh", "CO2 intensity of the onshore grid", ge=0)
    current_speed_m_per_s: float = P("m/s", "near-bottom current speed", ge=0, le=2)
    horizontal_diffusivity_m2_per_s: float = P("m**2/s", "horizontal eddy diffusivity", gt=0)
    release_height_m: float = P("m", "height above the seabed where escaping fines are released",
                                gt=0)
    tailings_release_height_m: float = P("m", "height above the seabed of a tailings discharge "
                                         "at sea", gt=0)


@register("environment", "ledger_gaussian_plume", LedgerPlumeParams, default=True)
def run_ledger_gaussian_plume(p: LedgerPlumeParams, up: Mapping[str, object], seed: int) -> EnvironmentLedger:
    """Fuel, electricity and process CO₂ per kg REO; plume deposit area above 1 mm."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    slurry: Slurry = up["lifting"]
    conc: Concentrate = up["beneficiation"]
    ox: OxideProducts = up["refining"]
    led = _ledger(p, slurry, conc, ox)
    released_kg, w, heights = _plume_sources(p, dep, feed, conc)
    area, x, y, thickness = environment.deposit_area_km2(
        released_kg=1.0, class_fractions=released_kg, settling_velocity_m_per_s=w,
        release_height_m=heights, current_speed_m_per_s=p.current_speed_m_per_s,
        horizontal_diffusivity_m2_per_s=p.horizontal_diffusivity_m2_per_s,
        deposit_dry_density_kg_per_m3=dep.dry_bulk_density_t_per_m3 * 1000.0)
    return EnvironmentLedger(
        fuel_t_per_year={k: float(v) for k, v in led["fuel_t"].items()},
        energy_kwh_per_year={k: float(v) for k, v in led["energy_kwh"].items()},
        co2_t_per_year={k: float(v) for k, v in led["co2_t"].items()},
        energy_kwh_per_kg_reo=float(led["energy_kwh_per_kg_reo"]),
        co2_kg_per_kg_reo=float(led["co2_kg_per_kg_reo"]),
        plume_released_dry_t_per_year=float(released_kg.sum() / 1000.0),
        plume_area_km2_above_1mm=float(area), plume_x_m=x, plume_y_m=y,
        plume_thickness_m=thickness)


def _ledger(p, slurry, conc, ox) -> dict:
    """Fuel, energy and CO₂ by item and per kg REO (scalars or draws)."""
    reo_kg = ox.oxide_t_per_year.sum(axis=-1) * 1000.0
    return environment.ledger(
        vessel_fuel_t=p.vessel_fuel_t_per_day * collector.DAYS_PER_YEAR,
        lift_electricity_kwh=slurry.lift_electricity_kwh_per_year,
        shipping_fuel_t=p.shipping_fuel_kg_per_wet_t * conc.wet_t_per_year / 1000.0,
        onshore_electricity_kwh=p.onshore_kwh_per_kg_reo * reo_kg,
        process_co2_t=ox.calcination_co2_t_per_year,
        generator_efficiency=p.generator_efficiency, fuel_lhv_mj_per_kg=p.fuel_lhv_mj_per_kg,
        fuel_co2_kg_per_kg=p.fuel_co2_kg_per_kg, grid_co2_kg_per_kwh=p.grid_co2_kg_per_kwh,
        reo_kg=reo_kg)


def _on_classes(*parts):
    """Concatenate per-class arrays on the last axis, broadcasting their draw axes."""
    lead = np.broadcast_shapes(*(np.shape(a)[:-1] for a in parts))
    return np.concatenate([np.broadcast_to(a, lead + np.shape(a)[-1:]) for a in parts], axis=-1)


def _plume_sources(p, dep, feed, conc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mass [kg/yr], settling velocity [m/s] and release height [m] of every released class.

    Sources: mud escaping at the seabed, and the cyclone tailings and dewatering return water if
    processed and discharged at sea; every size class of every phase settles at its own Stokes
    velocity. Classes on the last axis; draws (if any) on the first.
    """
    phases = list(feed.phase_mass_fractions)

    def by_phase(weight):
        return _on_classes(*(np.asarray(feed.phase_mass_fractions[k])[..., None]
                             * dep.phase_size_fractions[k] * weight(k) for k in phases))

    escaped_kg = by_phase(lambda k: 1.0) * np.asarray(feed.escaped_dry_t_per_year)[..., None] \
        * 1000.0
    masses = [escaped_kg]
    heights = [np.asarray(p.release_height_m)[..., None] * np.ones(escaped_kg.shape[-1])]
    if conc.tailings_discharge == "sea":
        tailings_kg = by_phase(lambda k: 1.0 - conc.partition[k]) \
            * np.asarray(feed.mud_dry_t_per_year)[..., None] * 1000.0
        # dewatering on board: the return water's fines go overboard with the tailings, with
        # the tailings' size distribution
        tailings_kg = tailings_kg * np.asarray(
            1.0 + conc.return_solids_t_per_year * 1000.0 / tailings_kg.sum(axis=-1))[..., None]
        masses.append(tailings_kg)
        heights.append(np.asarray(p.tailings_release_height_m)[..., None]
                       * np.ones(tailings_kg.shape[-1]))
    densities = np.repeat([dep.phase_density_kg_per_m3[k] for k in phases], SIZE_MID_UM.size)
    w = environment.stokes_settling_velocity_m_per_s(
        np.tile(SIZE_MID_UM, len(phases)), densities,
        np.asarray(dep.seawater_density_kg_per_m3)[..., None],
        np.asarray(dep.seawater_viscosity_pa_s)[..., None])
    return _on_classes(*masses), _on_classes(*[w] * len(masses)), _on_classes(*heights)


def _footprint_areas(columns, volume) -> np.ndarray:
    """Plume areas of every draw, one footprint grid per release shape and scale bin [km²].

    ``volume``: released mass over the deposit's dry density [m³], which the thickness scales
    with (counted over a unit density).
    """
    volume = np.broadcast_to(volume, (max(draw_count(*columns, volume), 1),))
    area = np.zeros(volume.shape)
    for members, values in draw_groups(*columns):
        share, w_k, h_k, current, diffusivity = values
        area[members] = environment.deposit_areas_km2(
            released_kg=volume[members], class_fractions=share, settling_velocity_m_per_s=w_k,
            release_height_m=h_k, current_speed_m_per_s=current,
            horizontal_diffusivity_m2_per_s=diffusivity, deposit_dry_density_kg_per_m3=1.0,
            grids=_plume_grids(b"".join(np.asarray(v, dtype=float).tobytes() for v in values)))
    return area


@lru_cache(maxsize=64)
def _plume_grids(shape_key: bytes) -> dict:
    """Footprint grids of one release shape, kept between blocks of draws (by scale bin)."""
    return {}


@register_draws("environment", "ledger_gaussian_plume")
def ledger_gaussian_plume_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_ledger_gaussian_plume`` on the draw axis.

    The plume footprint is computed once per distinct release shape (class shares, settling
    velocities, heights, current, diffusivity) with ``environment.deposit_areas_km2``, which
    scales one field to each draw's released mass; it matches the single-run footprint to the
    resolution of the footprint grid.
    """
    dep, ox = up["deposit"], up["refining"]
    led = _ledger(p, up["lifting"], up["beneficiation"], ox)
    released_kg, w, heights = _plume_sources(p, dep, up["collector"], up["beneficiation"])
    total_kg = released_kg.sum(axis=-1)
    shares = released_kg / np.where(total_kg > 0, total_kg, 1.0)[..., None]
    columns = ((shares, 1), (w, 1), (heights, 1), p.current_speed_m_per_s,
               p.horizontal_diffusivity_m2_per_s)
    density = np.asarray(dep.dry_bulk_density_t_per_m3) * 1000.0
    if draw_count(*columns, total_kg, density) == 0:  # nothing drawn reaches the plume
        area = environment.deposit_area_km2(
            released_kg=1.0, class_fractions=released_kg, settling_velocity_m_per_s=w,
            release_height_m=heights, current_speed_m_per_s=p.current_speed_m_per_s,
            horizontal_diffusivity_m2_per_s=p.horizontal_diffusivity_m2_per_s,
            deposit_dry_density_kg_per_m3=float(density))[0]
    else:
        area = _footprint_areas(columns, total_kg / density)
    return Draws(fuel_t_per_year=led["fuel_t"], energy_kwh_per_year=led["energy_kwh"],
                 co2_t_per_year=led["co2_t"], energy_kwh_per_kg_reo=led["energy_kwh_per_kg_reo"],
                 co2_kg_per_kg_reo=led["co2_kg_per_kg_reo"], plume_area_km2_above_1mm=area)


# ---------------------------------------------------------------------------------------------
# economics


PERIODS_PER_YEAR = {"yearly": 1, "monthly": 12}
"""Cash-flow periods by name."""


class DcfParams(Params):
    """Yearly discounted cash flow with capacity-scaled capital and stage-driven operating cost."""

    price_deck: str = P("", "name of an oxide price deck in data/prices.csv")
    price_multiplier: float = P("", "factor applied to every price of the deck", gt=0)
    discount_rate: float = P("", "real discount rate per year", gt=-1, lt=1)
    project_life_years: int = P("year", "production years", ge=1, le=100)
    construction_years: int = P("year", "construction years before first production", ge=0,
                                le=20)
    corporate_tax_rate: float = P("", "corporate income tax rate", ge=0, lt=1)
    royalty_rate: float = P("", "ad-valorem royalty on revenue", ge=0, lt=1)
    jpy_per_usd: float = P("JPY/USD", "exchange rate (reporting in yen)", gt=0)
    capex_exponent: float = P("", "capacity exponent of capital cost", gt=0, le=1.2)
    offshore_capex_ref_usd: float = P("USD", "capital of the reference offshore system "
                                     "(seafloor tools, riser string, lift pumps, dewatering "
                                     "at sea: one account, as its source gives it)", gt=0)
    offshore_ref_t_per_year: float = P("t/year", "capacity of the reference offshore system",
                                       gt=0)
    processing_capex_ref_usd: float = P("USD", "capital of the reference processing plant", gt=0)
    processing_ref_reo_t_per_year: float = P("t/year", "REO capacity of the reference plant",
                                             gt=0)
    offshore_capex_ref_year: int = P("year", "price year of the reference offshore capital",
                                     ge=2011, le=2023)
    processing_capex_ref_year: int = P("year", "price year of the reference plant's capital",
                                       ge=2011, le=2023)
    cost_year: int = P("year", "year whose money the capital is escalated to (CEPCI)", ge=2011,
                       le=2023)
    environmental_baseline_usd: float = P("USD", "environmental baseline survey and monitoring "
                                          "set-up before production", ge=0)
    environmental_monitoring_usd_per_year: float = P("USD/year", "environmental monitoring "
                                                     "during production", ge=0)
    residue_treatment_usd_per_dry_t: float = P("USD/t", "treatment and disposal of solid "
                                               "residue on land (leach residue, land tailings)",
                                               ge=0)
    vessel_day_rate_usd: float = P("USD/day", "charter and management of the mining vessel", ge=0)
    fuel_price_usd_per_t: float = P("USD/t", "marine fuel price", ge=0)
    shipping_usd_per_wet_t: float = P("USD/t", "shipping of concentrate to the mainland", ge=0)
    separation_opex_usd_per_kg_reo: float = P("USD/kg", "separation-plant operating cost", ge=0)
    oxalic_acid_usd_per_kg: float = P("USD/kg", "oxalic acid price", ge=0)
    acid_price_usd_per_t: float = P("USD/t", "price of the leach acid", ge=0)
    naoh_price_usd_per_t: float = P("USD/t", "price of NaOH for saponification", ge=0)
    royalty_regime: str = P("", "royalty regime: ad_valorem (on revenue) or profit_based")
    ramp_up_first_year: float = P("", "output in the first production year over full output",
                                  gt=0, le=1)
    ramp_up_second_year: float = P("", "output in the second production year over full output",
                                   gt=0, le=1)
    sustaining_capex_fraction: float = P("", "sustaining capital per year over initial capital",
                                         ge=0, lt=1)
    working_capital_months: float = P("", "months of operating cost tied up as working capital",
                                      ge=0, le=24)
    depreciation_years: int = P("year", "straight-line depreciation period", ge=1, le=100)
    public_programme_jpy: float = P("JPY", "public test programme spent before the project", ge=0)
    public_programme_treatment: str = P("", "sunk (ignored) or forward (a cost in year 0)")
    unit_cost_allocation: str = P("", "how the unit cost is shared among oxides: mass or value")
    cash_flow_periods: str = P("", "cash-flow periods: yearly or monthly")
    separation_reagent_share: float = P("", "share of reagents in the separation opex basis",
                                        ge=0, lt=1)

    @field_validator("price_deck")
    @classmethod
    def _deck(cls, v: str) -> str:
        return one_of(v, price_decks())

    @field_validator("royalty_regime")
    @classmethod
    def _royalty(cls, v: str) -> str:
        return one_of(v, economics.ROYALTY_REGIMES)

    @field_validator("public_programme_treatment")
    @classmethod
    def _programme(cls, v: str) -> str:
        return one_of(v, ("sunk", "forward"))

    @field_validator("cash_flow_periods")
    @classmethod
    def _periods(cls, v: str) -> str:
        return one_of(v, PERIODS_PER_YEAR)

    @field_validator("unit_cost_allocation")
    @classmethod
    def _allocation(cls, v: str) -> str:
        return one_of(v, ("mass", "value"))


@register("economics", "dcf", DcfParams, default=True)
def run_dcf(p: DcfParams, up: Mapping[str, object], seed: int) -> CashFlow:
    """Escalated, capacity-scaled capex, opex from stage flows, cash flow, NPV/IRR/payback."""
    d = _dcf(p, up)
    capex, opex, prices = d["capex"], d["opex"], d["prices"]
    revenue_by_element, cash_flow = d["revenue_by_element"], d["cash_flow"]
    capex = {k: float(v) for k, v in capex.items()}
    opex = {k: float(v) for k, v in opex.items()}
    table = cash_flow(1.0)
    rate_p, periods = d["period_rate"], d["periods_per_year"]
    break_even_prices = economics.break_even_factor(
        lambda k: float(economics.npv(rate_p, cash_flow(k)["net"])))
    rate, status = economics.irr_annual(table["net"], periods)
    payback = economics.payback_years(table["net"])
    unit_cost = float(d["unit_cost"](table))
    return CashFlow(
        table=table, capex_usd=capex, opex_usd_per_year=opex,
        revenue_usd_per_year_by_element=revenue_by_element, price_usd_per_kg=prices,
        npv_usd=float(economics.npv(rate_p, table["net"])), irr=rate, irr_status=status,
        payback_years=None if payback is None else payback / periods,
        unit_cost_usd_per_kg_reo=unit_cost,
        break_even_price_multiplier=(None if break_even_prices is None
                                     else break_even_prices * p.price_multiplier),
        unit_cost_usd_per_kg_by_element=economics.allocate_unit_cost(
            unit_cost, up["refining"].oxide_t_per_year, prices, p.unit_cost_allocation))


def _land_residue_t(conc) -> np.ndarray:
    """Dry solids left on land a year [t]: the leached concentrate, and land-discharged tailings."""
    on_land = 1.0 if conc.tailings_discharge == "land" else 0.0
    return np.asarray(conc.dry_t_per_year + on_land * conc.tailings_dry_t_per_year)


def _dcf(p, up: Mapping[str, object]) -> dict:
    """Capital and operating accounts, revenue and the cash flow as a function of a revenue factor.

    Capital: each reference cost escalated from its price year to ``cost_year`` by the CEPCI, then
    scaled to this capacity with the capacity exponent. Operating costs are taken at their
    sources' prices, not escalated.

    Works on one run's records or on the draw axis; ``cash_flow(k)`` returns the yearly table
    with revenue scaled by ``k`` (the break-even search), ``unit_cost(table)`` the levelised unit
    cost [US$/kg REO].
    """
    feed: MudFeed = up["collector"]
    conc: Concentrate = up["beneficiation"]
    liquor: PregnantLiquor = up["leaching"]
    sep: SeparatedProducts = up["separation"]
    ox: OxideProducts = up["refining"]
    env: EnvironmentLedger = up["environment"]
    prices = price_decks()[p.price_deck] * np.asarray(p.price_multiplier)[..., None]
    revenue_by_element = ox.oxide_t_per_year * 1000.0 * prices
    reo_t = ox.oxide_t_per_year.sum(axis=-1)
    index_now = cost_index(p.cost_year)
    capex = {
        "offshore system": economics.scaled_capex_usd(
            economics.escalated_usd(p.offshore_capex_ref_usd,
                                    cost_index(p.offshore_capex_ref_year), index_now),
            p.offshore_ref_t_per_year, feed.mud_dry_t_per_year, p.capex_exponent),
        "processing plant": economics.scaled_capex_usd(
            economics.escalated_usd(p.processing_capex_ref_usd,
                                    cost_index(p.processing_capex_ref_year), index_now),
            p.processing_ref_reo_t_per_year, reo_t, p.capex_exponent),
        "environmental baseline": np.asarray(p.environmental_baseline_usd, dtype=float),
    }
    marine_fuel_t = env.fuel_t_per_year["vessel"] + env.fuel_t_per_year["lifting"]
    opex = {
        "vessel charter": p.vessel_day_rate_usd * collector.DAYS_PER_YEAR,
        "marine fuel": marine_fuel_t * p.fuel_price_usd_per_t,
        "shipping": conc.wet_t_per_year * p.shipping_usd_per_wet_t,
        "leach acid": liquor.acid_t_per_year * p.acid_price_usd_per_t,
        "separation (labour, maintenance, supplies)": reo_t * 1000.0
        * p.separation_opex_usd_per_kg_reo * (1.0 - p.separation_reagent_share),
        "SX reagents (NaOH, HCl)": sep.naoh_t_per_year * p.naoh_price_usd_per_t
        + sep.hcl_t_per_year * p.acid_price_usd_per_t,
        "oxalic acid": ox.oxalic_acid_t_per_year * 1000.0 * p.oxalic_acid_usd_per_kg,
        "residue treatment": _land_residue_t(conc) * p.residue_treatment_usd_per_dry_t,
        "environmental monitoring": np.asarray(p.environmental_monitoring_usd_per_year,
                                               dtype=float),
    }
    revenue = revenue_by_element.sum(axis=-1)
    periods = PERIODS_PER_YEAR[p.cash_flow_periods]
    rate_p = economics.period_rate(p.discount_rate, periods)

    def cash_flow(revenue_factor) -> dict:
        return economics.yearly_cash_flow(
            capex_usd=sum(capex.values()), construction_years=p.construction_years,
            project_life_years=p.project_life_years,
            revenue_usd_per_year=revenue * revenue_factor,
            opex_usd_per_year=sum(opex.values()), royalty_rate=p.royalty_rate,
            tax_rate=p.corporate_tax_rate, royalty_regime=p.royalty_regime,
            ramp_up=(p.ramp_up_first_year, p.ramp_up_second_year),
            sustaining_capex_fraction=p.sustaining_capex_fraction,
            working_capital_months=p.working_capital_months,
            depreciation_years=p.depreciation_years,
            upfront_usd=(p.public_programme_jpy / p.jpy_per_usd
                         if p.public_programme_treatment == "forward" else 0.0),
            periods_per_year=periods)

    def unit_cost(table):
        costs = sum(table[k] for k in economics.CASH_OUT)
        return economics.levelised_unit_cost(
            rate_p, costs, table["producing"] * np.asarray(reo_t)[..., None] * 1000.0 / periods)

    return dict(capex=capex, opex=opex, prices=prices, revenue_by_element=revenue_by_element,
                reo_t=reo_t, cash_flow=cash_flow, unit_cost=unit_cost, period_rate=rate_p,
                periods_per_year=periods)


@register_draws("economics", "dcf", fixed=("project_life_years", "construction_years",
                                            "depreciation_years"))
def dcf_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_dcf`` on the draw axis: NPV, IRR, payback, unit cost and break-even per draw.

    The break-even price multiplier is found by bisection on every draw at once
    (``economics.break_even_factor_draws``); the year counts must be the same for every draw.
    """
    d = _dcf(p, up)
    table = d["cash_flow"](1.0)
    net = np.atleast_2d(table["net"])
    rate, periods = d["period_rate"], d["periods_per_year"]
    n = np.broadcast_shapes(net.shape[:-1], np.shape(rate))[0]  # the rate may be drawn alone
    factor = economics.break_even_factor_draws(
        lambda k: np.broadcast_to(economics.npv(rate, d["cash_flow"](k)["net"]), k.shape), n)
    irr = economics.irr_draws(net, periods)
    return Draws(capex_usd=d["capex"], opex_usd_per_year=d["opex"],
                 revenue_usd_per_year_by_element=d["revenue_by_element"],
                 npv_usd=economics.npv(rate, table["net"]), irr=irr,
                 payback_years=economics.payback_draws(net) / periods,
                 unit_cost_usd_per_kg_reo=d["unit_cost"](table),
                 break_even_price_multiplier=factor * p.price_multiplier)


# ---------------------------------------------------------------------------------------------
# market


class JapanCoverageParams(Params):
    """Japan's demand coverage and the share of world supply."""

    world_production_t_reo: float = P("t/year", "world mine production of REO", gt=0)


@register("market", "japan_coverage", JapanCoverageParams, default=True)
def run_japan_coverage(p: JapanCoverageParams, up: Mapping[str, object], seed: int) -> MarketOutcome:
    """Production over Japan's sourced demand items (La, Ce, Pr+Nd, Eu, Y, total)."""
    ox: OxideProducts = up["refining"]
    items = japan_demand()
    coverage = market.demand_coverage(ox.oxide_t_per_year, items)
    return MarketOutcome(
        japan_demand_coverage={k: float(v) for k, v in coverage.items()},
        japan_demand_t_per_year={k: v[1] for k, v in items.items()},
        world_supply_share=float(market.world_share(ox.oxide_t_per_year,
                                                    p.world_production_t_reo)))


@register_draws("market", "japan_coverage")
def japan_coverage_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_japan_coverage`` on the draw axis."""
    ox = up["refining"]
    return Draws(japan_demand_coverage=market.demand_coverage(ox.oxide_t_per_year, japan_demand()),
                 world_supply_share=market.world_share(ox.oxide_t_per_year,
                                                       p.world_production_t_reo))
