"""Lifting stage: closed circulation, airlift and pump hoisting of the slurry (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from pydantic import field_validator

from reemud import lifting
from reemud.constants import HOURS_PER_DAY
from reemud.lifting.airlift import least_air_for_flow
from reemud.lifting.pumps import pump_max_throughput_t_per_day
from reemud.lifting.slip import class_slip
from reemud.particles import SIZE_MID_UM
from reemud.records import Deposit, MudFeed, Rejection, Slurry
from reemud.registry import register
from reemud.stages.common import P, Params, canonical, map_groups, one_of


class LiftParams(Params):
    """What every lifting model shares: riser, slurry rheology, pipe string and diagnostics."""

    solids_volume_fraction: float = P("", "delivered solids volume fraction in the riser", gt=0,
                                      lt=0.6)
    riser_inner_diameter_m: float = P("m", "inner diameter of the slurry riser", gt=0, le=2)
    pipe_roughness_m: float = P("m", "absolute wall roughness of the pipes", ge=0, le=0.01)
    yield_stress_coefficient_pa: float = P("Pa", "level a_y of the slurry yield stress law",
                                           ge=0)
    rheology_exponent: float = P("", "exponent b of the rheology's dependence on solids",
                                 ge=0, le=100)
    static_to_dynamic_yield_ratio: float = P("", "static over dynamic yield stress (restart)",
                                             ge=1)
    rheology: str = P("", "riser friction law: bingham or power_law")
    flow_index: float = P("", "power-law flow index n of the slurry (power_law rheology)", gt=0,
                          le=2)
    pipe_steel_kg_per_m: float = P("kg/m", "steel mass of one pipe of the string per metre", gt=0)
    pipes_in_string: int = P("", "pipes hanging side by side (2 for a double pipe)", ge=1, le=4)
    steel_density_kg_per_m3: float = P("kg/m**3", "density of the pipe steel", gt=5000, le=9000)
    steel_yield_strength_mpa: float = P("MPa", "minimum yield strength of the pipe steel", gt=0)
    string_safety_factor: float = P("", "safety factor on yield for the string tension", ge=1)
    miner_weight_in_water_kn: float = P("kN", "weight in water of the miner at the string's end",
                                        ge=0)
    buoyancy_volume_m3_per_m: float = P("m**3/m", "syntactic foam volume per metre of string",
                                        ge=0)
    foam_density_kg_per_m3: float = P("kg/m**3", "density of the buoyancy foam", gt=0, le=1000)
    airlift_injection_depth_m: float = P("m", "air injection depth of the airlift comparison",
                                         gt=0)
    compressor_efficiency: float = P("", "isothermal efficiency of the air compressors", gt=0,
                                     le=1)

    @field_validator("rheology")
    @classmethod
    def _rheology(cls, v: str) -> str:
        return one_of(v, lifting.circulation.RISER_FRICTION)


class ClosedCirculationParams(LiftParams):
    """Closed-circulation double-pipe lift (seawater down, slurry up)."""

    downline_inner_diameter_m: float = P("m", "inner diameter of the seawater downline", gt=0,
                                         le=2)
    pump_efficiency: float = P("", "efficiency of the ship-board circulation pump", gt=0, le=1)
    miner_pressure_loss_kpa: float = P("kPa", "pressure loss through the gathering cylinder",
                                       ge=0)
    pump_power_limit_kw: float = P("kW", "power available to the circulation pumps", gt=0)


class AirliftParams(LiftParams):
    """Airlift: compressed air injected into the riser at ``airlift_injection_depth_m``."""

    miner_pressure_loss_kpa: float = P("kPa", "pressure loss through the gathering cylinder",
                                       ge=0)
    max_air_kg_per_s: float = P("kg/s", "largest air mass flow the compressors can deliver", gt=0)


class PumpHoistingParams(LiftParams):
    """Submersible centrifugal pumps near the seabed, derated for solids."""

    water_efficiency: float = P("", "pump efficiency on water at the duty point", gt=0, le=1)
    stage_pressure_water_kpa: float = P("kPa", "pressure rise per pump stage on water", gt=0)
    head_reduction_at_15pct: float = P("", "head reduction on slurry at 15 % solids by volume",
                                       ge=0, lt=1)
    efficiency_reduction_at_15pct: float = P("", "efficiency reduction on slurry at 15 % solids",
                                             ge=0, lt=1)
    pump_power_limit_kw: float = P("kW", "power available to the lift pumps", gt=0)


# ---------------------------------------------------------------------------------------------
# wiring shared by the lift models


def _site(p: LiftParams, dep: Deposit, feed: MudFeed) -> dict:
    """Inputs every lift model takes from the site and the mud, with each class's slip."""
    phases = list(feed.phase_mass_fractions)
    mass = np.concatenate([np.asarray(feed.phase_mass_fractions[k])[..., None]
                           * dep.phase_size_fractions[k] for k in phases], axis=-1)
    density = np.repeat([dep.phase_density_kg_per_m3[k] for k in phases], SIZE_MID_UM.size)
    sizes = np.tile(SIZE_MID_UM, len(phases))
    v_t = map_groups(lambda rho, mu: {"v": lifting.terminal_velocity_m_per_s(
        sizes, density, rho, mu)}, dep.seawater_density_kg_per_m3,
        dep.seawater_viscosity_pa_s, shapes={"v": sizes.shape})["v"]  # once per distinct seawater
    shares, slip = class_slip(
        class_mass_fractions=mass, class_density_kg_per_m3=density, diameter_um=sizes,
        terminal_velocity_m_per_s=v_t, fluid_density_kg_per_m3=dep.seawater_density_kg_per_m3,
        viscosity_pa_s=dep.seawater_viscosity_pa_s,
        solids_volume_fraction=p.solids_volume_fraction)
    return dict(depth_m=dep.water_depth_m, solids_density_kg_per_m3=feed.solids_density_kg_per_m3,
                seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
                carrier_viscosity_pa_s=dep.seawater_viscosity_pa_s,
                riser_inner_diameter_m=p.riser_inner_diameter_m,
                pipe_roughness_m=p.pipe_roughness_m,
                yield_stress_coefficient_pa=p.yield_stress_coefficient_pa,
                rheology_exponent=p.rheology_exponent, class_volume_shares=shares,
                class_slip_m_per_s=slip)


def _string_loads(p, dep, internal_density_kg_per_m3) -> tuple:
    """Weight in water of the string [N/m], its allowable tension [N] and the miner's weight [N]."""
    w = p.pipes_in_string * lifting.weight_in_water_n_per_m(
        steel_kg_per_m=p.pipe_steel_kg_per_m, steel_density_kg_per_m3=p.steel_density_kg_per_m3,
        inner_diameter_m=p.riser_inner_diameter_m,
        internal_density_kg_per_m3=internal_density_kg_per_m3,
        seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
        buoyancy_volume_m3_per_m=p.buoyancy_volume_m3_per_m / p.pipes_in_string,
        foam_density_kg_per_m3=p.foam_density_kg_per_m3)
    allowable = p.pipes_in_string * lifting.allowable_tension_n(
        p.pipe_steel_kg_per_m, p.steel_density_kg_per_m3, p.steel_yield_strength_mpa * 1e6,
        p.string_safety_factor)
    return w, allowable, p.miner_weight_in_water_kn * 1000.0


def _flow(p, feed):
    """Slurry flow that carries the collector's rate [m³/s]."""
    return lifting.flow_for_throughput(feed.lift_rate_dry_t_per_h * HOURS_PER_DAY,
                                       p.solids_volume_fraction, feed.solids_density_kg_per_m3)


def _slurry(p, feed, dep, point: dict, *, method: str, max_t_per_day, rejection) -> Slurry:
    """The lift's record from its operating point (scalars or draws)."""
    w, allowable, miner = _string_loads(p, dep, point["mixture_density_kg_per_m3"])
    top = lifting.tension_profile_n(0.0, dep.water_depth_m, w, miner)
    # a stopped riser holds the lifted slurry whatever lifts it: its yield stress at the riser's
    # solids fraction (in situ where the model computes one, else as delivered)
    cv = point.get("in_situ_volume_fraction", p.solids_volume_fraction)
    tau_y, _ = lifting.bingham_parameters(cv, p.yield_stress_coefficient_pa, p.rheology_exponent,
                                          dep.seawater_viscosity_pa_s)
    tau_static = tau_y * p.static_to_dynamic_yield_ratio
    return Slurry(
        solids_dry_t_per_year=feed.mud_dry_t_per_year, rey_t_per_year=feed.rey_t_per_year,
        solids_volume_fraction=p.solids_volume_fraction,
        solids_density_kg_per_m3=feed.solids_density_kg_per_m3, lift_power_kw=point["power_kw"],
        lift_specific_energy_kwh_per_dry_t=point["specific_energy_kwh_per_dry_t"],
        energy_floor_kwh_per_dry_t=point["floor_kwh_per_dry_t"],
        lift_electricity_kwh_per_year=point["power_kw"] * feed.lifting_hours_per_year,
        hydraulics=point,
        method=method, max_throughput_t_per_day=max_t_per_day,
        string_top_tension_kn=top / 1000.0, string_top_utilisation=top / allowable,
        string_depth_limit_m=lifting.depth_limit_m(allowable, w, miner),
        restart_pressure_kpa=lifting.restart_pressure_pa(
            tau_static, dep.water_depth_m, p.riser_inner_diameter_m) / 1000.0,
        rejections=(rejection,))


def _unliftable(point: dict, p) -> Rejection:
    return Rejection(
        where=~np.asarray(point.get("liftable", True), dtype=bool),
        path="lifting.solids_volume_fraction",
        given=p.solids_volume_fraction,
        reason="the riser velocity must exceed the hindered settling velocity of every grain "
               "class", fix="raise the lift rate or narrow the riser")


def _envelope(p, dep, model, **inputs) -> dict:
    """Operating envelope over solids fractions and riser velocities (single run)."""
    area = np.pi * p.riser_inner_diameter_m**2 / 4.0
    cv_grid = np.linspace(0.01, min(0.3, 0.95 * (1.0 - dep.porosity)), 30)[:, None]
    flow_grid = (np.linspace(0.2, 5.0, 40) * area)[None, :]
    env = model(flow_m3_per_s=flow_grid, solids_volume_fraction=cv_grid, **inputs)
    return {"solids_volume_fraction": cv_grid[:, 0], "flow_m3_per_s": flow_grid[0],
            "solids_t_per_h": env["solids_t_per_h"], "power_kw": env["power_kw"],
            "specific_energy_kwh_per_dry_t": env["specific_energy_kwh_per_dry_t"]}


def _string_profile(p, dep, lift: Slurry) -> dict:
    """Static tension profile of the string and its utilisation (single run)."""
    w, allowable, miner = _string_loads(p, dep, lift.hydraulics["mixture_density_kg_per_m3"])
    depth = np.linspace(0.0, dep.water_depth_m, 57)
    tension = lifting.tension_profile_n(depth, dep.water_depth_m, w, miner)
    return {"depth_m": depth, "tension_kn": tension / 1000.0, "utilisation": tension / allowable}


def _airlift_inputs(p, dep, feed) -> dict:
    """``lifting.airlift`` inputs for the slurry of the lift (scalars or draws)."""
    cv = p.solids_volume_fraction
    rho_m = dep.seawater_density_kg_per_m3 + cv * (feed.solids_density_kg_per_m3
                                                   - dep.seawater_density_kg_per_m3)
    return dict(injection_depth_m=np.minimum(p.airlift_injection_depth_m, dep.water_depth_m),
                depth_m=dep.water_depth_m, diameter_m=p.riser_inner_diameter_m,
                liquid_density_kg_per_m3=rho_m,
                liquid_viscosity_pa_s=lifting.bingham_parameters(
                    cv, p.yield_stress_coefficient_pa, p.rheology_exponent,
                    dep.seawater_viscosity_pa_s)[1],
                seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
                roughness_m=p.pipe_roughness_m, compressor_efficiency=p.compressor_efficiency)


def _airlift_curve(p, dep, feed) -> dict:
    """Airlift comparison curve at the lift's slurry (single run)."""
    kw = _airlift_inputs(p, dep, feed)
    air = np.linspace(0.05, 60.0, 25)
    out = lifting.airlift(air_kg_per_s=air, steps=30, iterations=12, **kw)  # ~0.1 % of converged
    solids = out["liquid_m3_per_s"] * p.solids_volume_fraction * feed.solids_density_kg_per_m3 * 3.6
    return {"air_kg_per_s": air, "air_nm3_per_min": out["air_nm3_per_s"] * 60.0,
            "solids_t_per_h": solids, "compressor_power_kw": out["compressor_power_kw"],
            "injection_depth_m": float(kw["injection_depth_m"])}


# ---------------------------------------------------------------------------------------------
# closed circulation


def _circulation_inputs(p, dep, feed) -> dict:
    return dict(_site(p, dep, feed), downline_inner_diameter_m=p.downline_inner_diameter_m,
                pump_efficiency=p.pump_efficiency, rheology=p.rheology, flow_index=p.flow_index,
                miner_pressure_loss_pa=p.miner_pressure_loss_kpa * 1000.0)


def closed_circulation_diagnostics(p, up, lift: Slurry, seed: int) -> dict:
    """Operating envelope, string profile and airlift comparison curve."""
    dep, feed = up["deposit"], up["collector"]
    return {"envelope": _envelope(p, dep, lifting.closed_circulation,
                                  **_circulation_inputs(p, dep, feed)),
            "string": _string_profile(p, dep, lift), "airlift_curve": _airlift_curve(p, dep, feed)}


@register("lifting", "closed_circulation", ClosedCirculationParams, default=True,
          diagnostics=closed_circulation_diagnostics)
def run_closed_circulation(p: ClosedCirculationParams, up: Mapping[str, object],
                           seed: int) -> Slurry:
    """Closed-circulation hydraulics: pump pressure, power, max throughput, string."""
    dep, feed = up["deposit"], up["collector"]
    common = _circulation_inputs(p, dep, feed)
    point = lifting.closed_circulation(flow_m3_per_s=_flow(p, feed),
                                       solids_volume_fraction=p.solids_volume_fraction, **common)
    max_t, _ = lifting.max_throughput_t_per_day(p.pump_power_limit_kw, p.solids_volume_fraction,
                                                **common)
    return _slurry(p, feed, dep, point, method="closed circulation", max_t_per_day=max_t,
                   rejection=_unliftable(point, p))


# ---------------------------------------------------------------------------------------------
# airlift


AIRLIFT_GROUP = ("target_flow_m3_per_s", "max_air_kg_per_s", "injection_depth_m", "depth_m",
                 "diameter_m", "liquid_density_kg_per_m3", "liquid_viscosity_pa_s",
                 "seawater_density_kg_per_m3", "roughness_m", "inlet_loss_pa",
                 "compressor_efficiency")
"""Inputs of ``least_air_for_flow``: the drift-flux march broadcasts over air rates only, so it
runs once per distinct set of them."""


def _least_air_inputs(p, dep, feed) -> dict:
    """The ``AIRLIFT_GROUP`` inputs of ``least_air_for_flow`` (scalars or draws)."""
    return dict(_airlift_inputs(p, dep, feed), target_flow_m3_per_s=_flow(p, feed),
                max_air_kg_per_s=p.max_air_kg_per_s,
                inlet_loss_pa=p.miner_pressure_loss_kpa * 1000.0)


@lru_cache(maxsize=64)
def _least_air_solution(*values) -> dict:
    """``least_air_for_flow`` of one set of (canonical) inputs.

    Kept for the single run's diagnostics, which then need no second march.
    """
    return least_air_for_flow(**dict(zip(AIRLIFT_GROUP, values, strict=True)))


def _least_air(p, dep, feed) -> dict:
    kw = _least_air_inputs(p, dep, feed)
    keys = ("power_kw", "liquid_m3_per_s", "air_kg_per_s", "injection_pressure_pa",
            "mean_void_fraction")

    def solve(*values):
        a = _least_air_solution(*values)
        return {**{k: a["point"][k] if k != "power_kw" else a["point"]["compressor_power_kw"]
                   for k in keys},
                "reached": a["reached"], "max_liquid_m3_per_s": a["max_liquid_m3_per_s"]}

    shapes = dict.fromkeys((*keys, "reached", "max_liquid_m3_per_s"), ())
    return dict(map_groups(solve, *(kw[k] for k in AIRLIFT_GROUP), shapes=shapes),
                mixture_density_kg_per_m3=kw["liquid_density_kg_per_m3"])


def airlift_diagnostics(p, up, lift: Slurry, seed: int) -> dict:
    """The airlift curve up to the air supply, its envelope and the string profile.

    The run's own solution, from the cache its single group filled (same canonical inputs).
    """
    dep, feed = up["deposit"], up["collector"]
    kw = _least_air_inputs(p, dep, feed)
    a = _least_air_solution(*(float(canonical(kw[k])) for k in AIRLIFT_GROUP))
    solids = a["curve"]["liquid_m3_per_s"] * p.solids_volume_fraction \
        * feed.solids_density_kg_per_m3 * 3.6
    curve = {"air_kg_per_s": a["air"], "air_nm3_per_min": a["curve"]["air_nm3_per_s"] * 60.0,
             "solids_t_per_h": solids, "compressor_power_kw": a["curve"]["compressor_power_kw"],
             "injection_depth_m": float(kw["injection_depth_m"])}
    return {"envelope": {"air_kg_per_s": a["air"], "solids_t_per_h": solids,
                         "power_kw": a["curve"]["compressor_power_kw"]},
            "airlift_curve": curve, "string": _string_profile(p, dep, lift)}


@register("lifting", "airlift", AirliftParams, diagnostics=airlift_diagnostics)
def run_airlift(p: AirliftParams, up: Mapping[str, object], seed: int) -> Slurry:
    """Drift-flux airlift: the least air rate that lifts the collector's rate, and its power."""
    dep, feed = up["deposit"], up["collector"]
    a = _least_air(p, dep, feed)
    to_solids = p.solids_volume_fraction * feed.solids_density_kg_per_m3 * 3.6  # m³/s -> t/h
    solids_t_per_h = a["liquid_m3_per_s"] * to_solids
    point = {"air_kg_per_s": a["air_kg_per_s"], "liquid_m3_per_s": a["liquid_m3_per_s"],
             "injection_pressure_pa": a["injection_pressure_pa"],
             "mean_void_fraction": a["mean_void_fraction"],
             "mixture_density_kg_per_m3": a["mixture_density_kg_per_m3"],
             "power_kw": a["power_kw"], "solids_t_per_h": solids_t_per_h,
             "specific_energy_kwh_per_dry_t": a["power_kw"] / solids_t_per_h,
             "floor_kwh_per_dry_t": lifting.energy_floor_kwh_per_dry_t(
                 dep.water_depth_m, feed.solids_density_kg_per_m3,
                 dep.seawater_density_kg_per_m3)}
    short = Rejection(
        where=~np.asarray(a["reached"], dtype=bool), path="lifting.max_air_kg_per_s",
        given=p.max_air_kg_per_s,
        reason="the airlift's largest throughput must reach the rate the collector delivers",
        fix="raise the air supply, inject deeper, widen the riser or lower the lift rate",
        detail=lambda: f"it peaks at {float(a['max_liquid_m3_per_s'] * to_solids):.1f} t/h of "
                       f"solids, below {float(feed.lift_rate_dry_t_per_h):.1f} t/h")
    return _slurry(p, feed, dep, point, method="airlift",
                   max_t_per_day=a["max_liquid_m3_per_s"] * to_solids * HOURS_PER_DAY,
                   rejection=short)


# ---------------------------------------------------------------------------------------------
# pump hoisting


def _pump_inputs(p, dep, feed) -> dict:
    site = _site(p, dep, feed)
    kw = {k: v for k, v in site.items() if k not in ("class_volume_shares", "class_slip_m_per_s")}
    return kw | dict(water_efficiency=p.water_efficiency,
                     stage_pressure_water_pa=p.stage_pressure_water_kpa * 1000.0,
                     head_reduction_at_15pct=p.head_reduction_at_15pct,
                     efficiency_reduction_at_15pct=p.efficiency_reduction_at_15pct)


def pump_hoisting_diagnostics(p, up, lift: Slurry, seed: int) -> dict:
    """Operating envelope, string profile and airlift comparison curve."""
    dep, feed = up["deposit"], up["collector"]
    return {"envelope": _envelope(p, dep, lifting.pump_hoisting, **_pump_inputs(p, dep, feed)),
            "string": _string_profile(p, dep, lift), "airlift_curve": _airlift_curve(p, dep, feed)}


@register("lifting", "pump_hoisting", PumpHoistingParams,
          diagnostics=pump_hoisting_diagnostics)
def run_pump_hoisting(p: PumpHoistingParams, up: Mapping[str, object], seed: int) -> Slurry:
    """Seabed pump lift: required pressure, stages, derated efficiency and power."""
    dep, feed = up["deposit"], up["collector"]
    kw = _pump_inputs(p, dep, feed)
    point = lifting.pump_hoisting(flow_m3_per_s=_flow(p, feed),
                                  solids_volume_fraction=p.solids_volume_fraction, **kw)
    max_t = pump_max_throughput_t_per_day(
        power_limit_kw=p.pump_power_limit_kw, solids_volume_fraction=p.solids_volume_fraction,
        **kw)
    return _slurry(p, feed, dep, point, method="pump hoisting", max_t_per_day=max_t,
                   rejection=_unliftable(point, p))
