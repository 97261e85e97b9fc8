"""Stage models from the seabed to the deck: deposit, collector and lifting."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import field_validator

from reemud import collector, deposit, lifting
from reemud.beneficiation import phase_mass_fractions
from reemud.collector import campaign
from reemud.elements import element_to_oxide_t
from reemud.errors import Problem, ScenarioError
from reemud.particles import SIZE_MID_UM, lognormal_class_fractions
from reemud.records import Deposit, Draws, MudFeed, Slurry
from reemud.registry import register, register_draws
from reemud.stages.common import (
    P,
    Params,
    grade_profiles,
    map_groups,
    mud_phase_sets,
    one_of,
    rey_patterns,
)

HOURS_PER_DAY = 24.0

# ---------------------------------------------------------------------------------------------
# deposit


class LayeredDepositParams(Params):
    """Layered grade-depth profile over a block, and the mud's grain phases."""

    water_depth_m: float = P("m", "water depth at the site", gt=0, le=11000)
    area_km2: float = P("km**2", "area of the block whose resource is counted", gt=0)
    resource_top_mbsf: float = P("m", "top of the counted interval below the seafloor", ge=0)
    resource_bottom_mbsf: float = P("m", "bottom of the counted interval below the seafloor",
                                    gt=0)
    grade_profile: str = P("", "name of a grade-depth profile in data/grade_profiles.csv")
    grade_multiplier: float = P("", "factor on every layer's ΣREY grade of the profile "
                                "(what-ifs and grade break-evens)", gt=0)
    rey_pattern: str = P("", "name of a relative REY pattern in data/rey_patterns.csv")
    grain_density_t_per_m3: float = P("t/m**3", "bulk density of the mud's solid grains", gt=1.1,
                                      le=6)
    porosity: float = P("", "porosity of the in-situ mud (void volume / total volume)", gt=0,
                        lt=1)
    seawater_density_kg_per_m3: float = P("kg/m**3", "density of seawater at the site", ge=1000,
                                          le=1060)
    bottom_temperature_c: float = P("degC", "temperature of the near-bottom seawater", ge=-2,
                                    le=40)
    salinity_kg_per_kg: float = P("", "salinity of the near-bottom seawater", ge=0, le=0.15)
    mud_phases: str = P("", "name of a set of grain phases in data/mud_phases.csv")

    @field_validator("grade_profile")
    @classmethod
    def _profile(cls, v: str) -> str:
        return one_of(v, grade_profiles())

    @field_validator("rey_pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        return one_of(v, rey_patterns())

    @field_validator("mud_phases")
    @classmethod
    def _phases(cls, v: str) -> str:
        return one_of(v, mud_phase_sets())

    @classmethod
    def relations(cls, v):
        """The counted interval is ordered and inside the grade profile."""
        top, bottom, _ = grade_profiles()[v.grade_profile]
        return [
            (v.resource_bottom_mbsf <= v.resource_top_mbsf,
             lambda: "resource_bottom_mbsf must be deeper than resource_top_mbsf"),
            ((v.resource_top_mbsf < top.min()) | (v.resource_bottom_mbsf > bottom.max()),
             lambda: f"the counted interval {v.resource_top_mbsf}-{v.resource_bottom_mbsf} mbsf "
                     f"leaves the profile {v.grade_profile!r} ({top.min()}-{bottom.max()} mbsf)"),
        ]


@register("deposit", "layered", LayeredDepositParams, default=True)
def run_layered_deposit(p: LayeredDepositParams, up: Mapping[str, object], seed: int) -> Deposit:
    """Resource of a block from a layered grade profile, dry bulk density and a REY pattern."""
    top, bottom, grade = _profile(p)
    pattern = rey_patterns()[p.rey_pattern]
    phases = mud_phase_sets()[p.mud_phases]
    rho_d = float(deposit.dry_bulk_density_t_per_m3(p.grain_density_t_per_m3, p.porosity))
    rey_total = float(deposit.resource_rey_t(p.area_km2, top, bottom, grade, p.resource_top_mbsf,
                                             p.resource_bottom_mbsf, rho_d))
    rey = deposit.split_by_pattern(rey_total, pattern)
    dry_t = float(deposit.resource_dry_t(p.area_km2, p.resource_top_mbsf, p.resource_bottom_mbsf,
                                         rho_d))
    return Deposit(
        water_depth_m=p.water_depth_m, area_km2=p.area_km2,
        grain_density_t_per_m3=p.grain_density_t_per_m3, porosity=p.porosity,
        dry_bulk_density_t_per_m3=rho_d,
        seawater_density_kg_per_m3=p.seawater_density_kg_per_m3,
        seawater_viscosity_pa_s=float(lifting.seawater_viscosity_pa_s(p.bottom_temperature_c,
                                                                      p.salinity_kg_per_kg)),
        layer_top_mbsf=top, layer_bottom_mbsf=bottom, layer_grade_ppm=grade,
        rey_pattern=pattern, resource_top_mbsf=p.resource_top_mbsf,
        resource_bottom_mbsf=p.resource_bottom_mbsf, resource_dry_t=dry_t,
        resource_mean_grade_ppm=rey_total / dry_t * 1e6, resource_rey_t=rey,
        resource_reo_t=float(element_to_oxide_t(rey).sum()),
        **_phase_properties(phases))


def _profile(p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Layer tops and bottoms [mbsf] and grades [ppm] of the profile times the grade multiplier.

    The grades carry the draws on their first axis when the multiplier is drawn.
    """
    top, bottom, grade = grade_profiles()[p.grade_profile]
    return top, bottom, np.asarray(p.grade_multiplier, dtype=float)[..., None] * grade


def _phase_properties(phases: Mapping[str, Mapping]) -> dict[str, dict]:
    return dict(
        phase_grade_ppm={k: v["grade_ppm"] for k, v in phases.items()},
        phase_density_kg_per_m3={k: v["density_t_per_m3"] * 1000.0 for k, v in phases.items()},
        phase_size_fractions={k: lognormal_class_fractions(np.array(v["median_um"]),
                                                           np.array(v["geometric_sd"]))
                              for k, v in phases.items()},
        phase_role={k: v["role"] for k, v in phases.items()},
        phase_matrix_share={k: v["matrix_share"] for k, v in phases.items()},
        phase_leach_group={k: v["leach_group"] for k, v in phases.items()})


@register_draws("deposit", "layered")
def layered_deposit_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_layered_deposit`` on the draw axis (what later stages and the KPIs read)."""
    top, bottom, grade = _profile(p)
    rho_d = deposit.dry_bulk_density_t_per_m3(p.grain_density_t_per_m3, p.porosity)
    rey_total = deposit.resource_rey_t(p.area_km2, top, bottom, grade, p.resource_top_mbsf,
                                       p.resource_bottom_mbsf, rho_d)
    rey = deposit.split_by_pattern(rey_total, rey_patterns()[p.rey_pattern])
    return Draws(
        water_depth_m=p.water_depth_m, porosity=p.porosity, dry_bulk_density_t_per_m3=rho_d,
        seawater_density_kg_per_m3=p.seawater_density_kg_per_m3,
        seawater_viscosity_pa_s=lifting.seawater_viscosity_pa_s(p.bottom_temperature_c,
                                                                p.salinity_kg_per_kg),
        layer_top_mbsf=top, layer_bottom_mbsf=bottom, layer_grade_ppm=grade,
        rey_pattern=rey_patterns()[p.rey_pattern],
        resource_reo_t=element_to_oxide_t(rey).sum(axis=-1),
        **_phase_properties(mud_phase_sets()[p.mud_phases]))


# ---------------------------------------------------------------------------------------------
# collector


class MinedIntervalParams(Params):
    """What every collector model shares: the mined interval and the seabed escape."""

    mining_top_mbsf: float = P("m", "top of the mined interval below the seafloor", ge=0)
    mining_bottom_mbsf: float = P("m", "bottom of the mined interval below the seafloor", gt=0)
    plume_escape_fraction: float = P("", "share of the disturbed mud that escapes at the seabed",
                                     ge=0, lt=1)

    @classmethod
    def relations(cls, v):
        """The mined interval is ordered."""
        return [(v.mining_bottom_mbsf <= v.mining_top_mbsf,
                 lambda: "mining_bottom_mbsf must be deeper than mining_top_mbsf")]


class ThroughputAvailabilityParams(MinedIntervalParams):
    """Seabed miner as a daily throughput and an availability."""

    mud_dry_t_per_day: float = P("t/day", "dry mass the miner delivers per operating day", gt=0)
    availability: float = P("", "fraction of calendar time the miner operates", gt=0, le=1)


def _feed_streams(p, dep, mud_year) -> dict:
    """Grade, grain phases and REY of the mined mud (scalars, or arrays over draws)."""
    grade_total = deposit.mean_grade_ppm(dep.layer_top_mbsf, dep.layer_bottom_mbsf,
                                         dep.layer_grade_ppm, p.mining_top_mbsf,
                                         p.mining_bottom_mbsf)
    carrier = next(k for k, r in dep.phase_role.items() if r == "carrier")
    matrix = [k for k, r in dep.phase_role.items() if r != "carrier"]
    f_ap, matrix_fractions = phase_mass_fractions(
        grade_total, dep.phase_grade_ppm[carrier], [dep.phase_grade_ppm[k] for k in matrix],
        [dep.phase_matrix_share[k] for k in matrix])
    fractions = {carrier: f_ap, **{k: matrix_fractions[..., i] for i, k in enumerate(matrix)}}
    rho = dep.phase_density_kg_per_m3
    grade = np.asarray(grade_total)[..., None] * dep.rey_pattern
    escaped = collector.escaped_dry_t(mud_year, p.plume_escape_fraction)
    return dict(grade_total=grade_total, carrier=carrier, apatite_fraction=f_ap,
                phase_mass_fractions=fractions,
                solids_density_kg_per_m3=1.0 / sum(fractions[k] / rho[k] for k in fractions),
                grade_ppm=grade, rey_t_per_year=np.asarray(mud_year)[..., None] * grade * 1e-6,
                escaped_dry_t_per_year=escaped,
                escaped_rey_t_per_year=np.asarray(escaped)[..., None] * grade * 1e-6,
                mined_outside_phases=~((f_ap > 0.0) & (f_ap < 1.0)))


def _mud_feed(p: MinedIntervalParams, dep: Deposit, *, mud_year: float, days: float,
              lift_rate: float, lifting_hours: float, campaign_summary=None) -> MudFeed:
    f = _feed_streams(p, dep, mud_year)
    if f["mined_outside_phases"]:
        raise ScenarioError([Problem(
            "deposit.mud_phases", f["carrier"],
            f"the mined mud's grade ({float(f['grade_total']):.0f} ppm) must lie between the "
            "matrix and carrier grades of the phase set", "choose a phase set whose grades "
            "bracket the mined grade, or mine a different interval")])
    return MudFeed(
        mud_dry_t_per_day=mud_year / days, operating_days_per_year=days,
        mud_dry_t_per_year=mud_year, mining_top_mbsf=p.mining_top_mbsf,
        mining_bottom_mbsf=p.mining_bottom_mbsf, grade_ppm=f["grade_ppm"],
        rey_t_per_year=f["rey_t_per_year"],
        escaped_dry_t_per_year=float(f["escaped_dry_t_per_year"]),
        escaped_rey_t_per_year=f["escaped_rey_t_per_year"],
        apatite_fraction=float(f["apatite_fraction"]),
        phase_mass_fractions={k: float(v) for k, v in f["phase_mass_fractions"].items()},
        solids_density_kg_per_m3=float(f["solids_density_kg_per_m3"]),
        lift_rate_dry_t_per_h=lift_rate, lifting_hours_per_year=lifting_hours,
        campaign=campaign_summary or {})


def _mud_feed_draws(p: Draws, dep: Draws, *, mud_year, days, lift_rate, lifting_hours,
                    campaign_summary=None) -> Draws:
    f = _feed_streams(p, dep, mud_year)
    return Draws(
        mud_dry_t_per_day=mud_year / days, operating_days_per_year=days,
        mud_dry_t_per_year=mud_year, lift_rate_dry_t_per_h=lift_rate,
        lifting_hours_per_year=lifting_hours, campaign=campaign_summary or {},
        invalid=f["mined_outside_phases"],
        **{k: f[k] for k in ("grade_ppm", "rey_t_per_year", "escaped_dry_t_per_year",
                             "escaped_rey_t_per_year", "apatite_fraction",
                             "phase_mass_fractions", "solids_density_kg_per_m3")})


@register("collector", "throughput_availability", ThroughputAvailabilityParams, default=True)
def run_throughput_availability(p: ThroughputAvailabilityParams, up: Mapping[str, object],
                                seed: int) -> MudFeed:
    """Daily throughput times availability; grade = mean of the layers over the mined interval."""
    days = float(collector.operating_days_per_year(p.availability))
    mud_year = float(collector.annual_mud_dry_t(p.mud_dry_t_per_day, p.availability))
    return _mud_feed(p, up["deposit"], mud_year=mud_year, days=days,
                     lift_rate=p.mud_dry_t_per_day / HOURS_PER_DAY,
                     lifting_hours=days * HOURS_PER_DAY)


@register_draws("collector", "throughput_availability")
def throughput_availability_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_throughput_availability`` on the draw axis."""
    days = collector.operating_days_per_year(p.availability)
    return _mud_feed_draws(p, up["deposit"],
                           mud_year=collector.annual_mud_dry_t(p.mud_dry_t_per_day,
                                                               p.availability),
                           days=days, lift_rate=p.mud_dry_t_per_day / HOURS_PER_DAY,
                           lifting_hours=days * HOURS_PER_DAY)


class CampaignParams(MinedIntervalParams):
    """Campaign simulation (SimPy): pipe running, spot cycles, weather, typhoons, breakdowns."""

    cylinder_diameter_m: float = P("m", "diameter of the gathering cylinder", gt=0, le=50)
    spot_recovery_fraction: float = P("", "share of the cylinder's mud lifted at each spot", gt=0,
                                      le=1)
    lift_rate_dry_t_per_h: float = P("t/hour", "dry mud lifted per hour while lifting", gt=0)
    campaign_days: float = P("day", "days on site per campaign", gt=0, le=3660)
    running_speed_m_per_day: float = P("m/day", "speed of running the pipe string", gt=0)
    positioning_h: float = P("hour", "positioning over the first spot", ge=0)
    penetration_h: float = P("hour", "penetrating the cylinder at a spot", ge=0)
    relocation_h: float = P("hour", "pulling out and moving to the next spot", ge=0)
    workable_mean_h: float = P("hour", "mean spell of workable sea state", gt=0)
    unworkable_mean_h: float = P("hour", "mean spell of sea state beyond the working limit", gt=0)
    typhoons_per_month: float = P("1/month", "tropical cyclones per month in the basin", ge=0)
    typhoon_site_fraction: float = P("", "share of the basin's typhoons that stop work on site",
                                     ge=0, le=1)
    typhoon_downtime_mean_days: float = P("day", "mean working time lost per typhoon", ge=0)
    mtbf_h: float = P("hour", "mean time between breakdowns (calendar)", gt=0)
    mttr_h: float = P("hour", "mean time to repair", gt=0)
    storage_dry_t: float = P("t", "on-board storage of dewatered mud (dry mass)", gt=0)
    offload_interval_h: float = P("hour", "time between offloads of the storage", gt=0)
    campaigns: int = P("", "number of simulated campaigns (Monte Carlo over seeds)", ge=2,
                       le=100000)


def _campaign_fields(p, dep) -> dict:
    """The ``CampaignSpec`` fields implied by the collector parameters and the site."""
    height = p.mining_bottom_mbsf - p.mining_top_mbsf
    spot_t = (np.pi * p.cylinder_diameter_m**2 / 4.0 * height * dep.dry_bulk_density_t_per_m3
              * p.spot_recovery_fraction)
    return dict(
        duration_h=p.campaign_days * HOURS_PER_DAY, string_length_m=dep.water_depth_m,
        running_speed_m_per_h=p.running_speed_m_per_day / HOURS_PER_DAY,
        positioning_h=p.positioning_h, spot_dry_t=spot_t, penetration_h=p.penetration_h,
        lift_rate_dry_t_per_h=p.lift_rate_dry_t_per_h, relocation_h=p.relocation_h,
        workable_mean_h=p.workable_mean_h, unworkable_mean_h=p.unworkable_mean_h,
        typhoons_per_h=p.typhoons_per_month * p.typhoon_site_fraction * 12.0 / 8766.0,
        typhoon_downtime_mean_h=p.typhoon_downtime_mean_days * HOURS_PER_DAY,
        mtbf_h=p.mtbf_h, mttr_h=p.mttr_h, storage_dry_t=p.storage_dry_t,
        offload_interval_h=p.offload_interval_h)


def campaign_spec(p: CampaignParams, dep: Deposit) -> campaign.CampaignSpec:
    """The campaign inputs implied by the collector parameters and the site."""
    return campaign.CampaignSpec(**{k: float(v) for k, v in _campaign_fields(p, dep).items()})


def _campaign_year(spec: campaign.CampaignSpec, campaigns: int, seed: int) -> dict:
    """Mean campaign scaled to a year: mud [t/yr], working days, lifting hours, summary."""
    results = campaign.simulate_campaigns(spec, campaigns, seed)
    summary = campaign.summarise(results, spec.duration_h)
    scale = collector.DAYS_PER_YEAR / (spec.duration_h / HOURS_PER_DAY)
    return dict(results=results, summary=summary, mud_year=summary["tonnes_mean"] * scale,
                days=summary["working_fraction"] * collector.DAYS_PER_YEAR,
                lifting_hours=summary["lifting_fraction"] * collector.DAYS_PER_YEAR
                * HOURS_PER_DAY)


@register("collector", "campaign", CampaignParams)
def run_campaign(p: CampaignParams, up: Mapping[str, object], seed: int) -> MudFeed:
    """Monte Carlo of SimPy campaigns; yearly figures scale the mean campaign to 365 days."""
    dep: Deposit = up["deposit"]
    spec = campaign_spec(p, dep)
    year = _campaign_year(spec, p.campaigns, seed)
    results = year["results"]
    summary_all = {**year["summary"], "spot_dry_t": spec.spot_dry_t, "tonnes": results["tonnes"],
                   **{f"mean {k} h": float(results[f"{k} h"].mean())
                      for k in campaign.CATEGORIES}}
    return _mud_feed(p, dep, mud_year=year["mud_year"], days=year["days"],
                     lift_rate=p.lift_rate_dry_t_per_h, lifting_hours=year["lifting_hours"],
                     campaign_summary=summary_all)


@register_draws("collector", "campaign")
def campaign_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_campaign`` on the draw axis: one SimPy Monte Carlo per distinct campaign input."""
    dep = up["deposit"]
    fields = _campaign_fields(p, dep)

    def simulate(*values):
        spec = campaign.CampaignSpec(**{k: float(v) for k, v in zip(fields, values[:-1],
                                                                     strict=True)})
        year = _campaign_year(spec, int(values[-1]), seed)
        return {"mud_year": year["mud_year"], "days": year["days"],
                "lifting_hours": year["lifting_hours"],
                "tonnes_mean": year["summary"]["tonnes_mean"],
                "tonnes_se": year["summary"]["tonnes_standard_error"]}

    out = map_groups(simulate, *fields.values(), p.campaigns)
    return _mud_feed_draws(p, dep, mud_year=out["mud_year"], days=out["days"],
                           lift_rate=p.lift_rate_dry_t_per_h, lifting_hours=out["lifting_hours"],
                           campaign_summary={"tonnes_mean": out["tonnes_mean"],
                                             "tonnes_standard_error": out["tonnes_se"]})


# ---------------------------------------------------------------------------------------------
# lifting


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


def _terminal_velocities(sizes, density, dep) -> np.ndarray:
    """Terminal velocity of every class [m/s]: one drag-law call per distinct seawater."""
    return map_groups(lambda rho, mu: {"v": lifting.terminal_velocity_m_per_s(
        sizes, density, rho, mu)}, dep.seawater_density_kg_per_m3, dep.seawater_viscosity_pa_s)["v"]


def _slip(dep, feed, cv) -> tuple[np.ndarray, np.ndarray]:
    """Volume shares and hindered slip velocities of every size class of every phase.

    Classes on the last axis; draws (if any) on the first.
    """
    phases = list(feed.phase_mass_fractions)
    mass = np.concatenate([np.asarray(feed.phase_mass_fractions[k])[..., None]
                           * dep.phase_size_fractions[k] for k in phases], axis=-1)
    density = np.repeat([dep.phase_density_kg_per_m3[k] for k in phases], SIZE_MID_UM.size)
    volume = mass / density
    sizes = np.tile(SIZE_MID_UM, len(phases))
    v_t = _terminal_velocities(sizes, density, dep)
    re_t = (np.asarray(dep.seawater_density_kg_per_m3)[..., None] * v_t * sizes * 1e-6
            / np.asarray(dep.seawater_viscosity_pa_s)[..., None])
    a = 0.1 * re_t**0.9
    exponent = (5.1 + 2.7 * a) / (1.0 + a)  # Garside & Al-Dibouni 1977
    return (volume / volume.sum(axis=-1, keepdims=True),
            lifting.hindered_velocity_m_per_s(v_t, np.asarray(cv)[..., None], exponent))


def _site(p: LiftParams, dep: Deposit, feed: MudFeed) -> dict:
    shares, slip = _slip(dep, feed, p.solids_volume_fraction)
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


def _string(p: LiftParams, dep: Deposit, internal_density_kg_per_m3: float) -> dict:
    """Static tension profile of the string, utilisation and depth limit."""
    w, allowable, miner = _string_loads(p, dep, internal_density_kg_per_m3)
    depth = np.linspace(0.0, dep.water_depth_m, 57)
    tension = lifting.tension_profile_n(depth, dep.water_depth_m, w, miner)
    return {"depth_m": depth, "tension_kn": tension / 1000.0,
            "utilisation": tension / allowable, "top_tension_kn": float(tension[0] / 1000.0),
            "top_utilisation": float(tension[0] / allowable),
            "depth_limit_m": float(lifting.depth_limit_m(allowable, w, miner))}


def _slurry_draws(p, feed, dep, point: dict, max_t_per_day) -> Draws:
    """What later stages and the KPIs read of a lift on the draw axis."""
    w, allowable, miner = _string_loads(p, dep, point["mixture_density_kg_per_m3"])
    top = lifting.tension_profile_n(0.0, dep.water_depth_m, w, miner)
    tau_static = point.get("yield_stress_pa", 0.0) * p.static_to_dynamic_yield_ratio
    return Draws(
        solids_dry_t_per_year=feed.mud_dry_t_per_year, rey_t_per_year=feed.rey_t_per_year,
        solids_volume_fraction=p.solids_volume_fraction,
        solids_density_kg_per_m3=feed.solids_density_kg_per_m3, lift_power_kw=point["power_kw"],
        lift_specific_energy_kwh_per_dry_t=point["specific_energy_kwh_per_dry_t"],
        energy_floor_kwh_per_dry_t=point["floor_kwh_per_dry_t"],
        lift_electricity_kwh_per_year=point["power_kw"] * feed.lifting_hours_per_year,
        max_throughput_t_per_day=max_t_per_day,
        string={"top_tension_kn": top / 1000.0, "top_utilisation": top / allowable},
        restart_pressure_kpa=lifting.restart_pressure_pa(
            tau_static, dep.water_depth_m, p.riser_inner_diameter_m) / 1000.0,
        invalid=~np.asarray(point.get("liftable", True)))


def _airlift_curve(p: LiftParams, site: dict, cv: float, mixture_density: float) -> dict:
    air = np.linspace(0.05, 60.0, 25)
    out = lifting.airlift(
        air_kg_per_s=air, injection_depth_m=min(p.airlift_injection_depth_m, site["depth_m"]),
        depth_m=site["depth_m"], diameter_m=p.riser_inner_diameter_m,
        liquid_density_kg_per_m3=mixture_density,
        liquid_viscosity_pa_s=float(lifting.bingham_parameters(
            cv, p.yield_stress_coefficient_pa, p.rheology_exponent,
            site["carrier_viscosity_pa_s"])[1]),
        seawater_density_kg_per_m3=site["seawater_density_kg_per_m3"],
        roughness_m=p.pipe_roughness_m, compressor_efficiency=p.compressor_efficiency,
        steps=30, iterations=12)  # a diagnostic curve: within ~0.1 % of the converged flows
    solids = out["liquid_m3_per_s"] * cv * site["solids_density_kg_per_m3"] * 3.6
    return {"air_kg_per_s": air, "air_nm3_per_min": out["air_nm3_per_s"] * 60.0,
            "solids_t_per_h": solids, "compressor_power_kw": out["compressor_power_kw"],
            "injection_depth_m": min(p.airlift_injection_depth_m, site["depth_m"])}


def _slurry(p: LiftParams, feed: MudFeed, dep: Deposit, point: dict, *, method: str,
            envelope: dict, max_t_per_day: float, airlift_curve: dict) -> Slurry:
    hydraulics = {k: float(np.asarray(v)) for k, v in point.items() if np.ndim(v) == 0}
    power = hydraulics["power_kw"]
    rho_m = hydraulics["mixture_density_kg_per_m3"]
    tau_static = hydraulics.get("yield_stress_pa", 0.0) * p.static_to_dynamic_yield_ratio
    return Slurry(
        solids_dry_t_per_year=feed.mud_dry_t_per_year, rey_t_per_year=feed.rey_t_per_year,
        solids_volume_fraction=p.solids_volume_fraction,
        solids_density_kg_per_m3=feed.solids_density_kg_per_m3, lift_power_kw=power,
        lift_specific_energy_kwh_per_dry_t=hydraulics["specific_energy_kwh_per_dry_t"],
        energy_floor_kwh_per_dry_t=hydraulics["floor_kwh_per_dry_t"],
        lift_electricity_kwh_per_year=power * feed.lifting_hours_per_year,
        hydraulics=hydraulics, method=method, envelope=envelope,
        max_throughput_t_per_day=float(max_t_per_day),
        string=_string(p, dep, rho_m),
        restart_pressure_kpa=float(lifting.restart_pressure_pa(
            tau_static, dep.water_depth_m, p.riser_inner_diameter_m) / 1000.0),
        airlift_curve=airlift_curve)


def _check_liftable(point: dict, path: str, value: float) -> None:
    if not bool(np.all(point.get("liftable", True))):
        raise ScenarioError([Problem(
            path, value, "the riser velocity must exceed the hindered settling velocity of "
            "every grain class", "raise the lift rate or narrow the riser")])


def _circulation(p, dep, feed) -> tuple[dict, dict, dict]:
    """Site inputs, closed-circulation inputs and the operating point at the collector's rate."""
    site = _site(p, dep, feed)
    common = dict(site, downline_inner_diameter_m=p.downline_inner_diameter_m,
                  pump_efficiency=p.pump_efficiency, rheology=p.rheology,
                  flow_index=p.flow_index,
                  miner_pressure_loss_pa=p.miner_pressure_loss_kpa * 1000.0)
    flow = lifting.flow_for_throughput(feed.lift_rate_dry_t_per_h * HOURS_PER_DAY,
                                       p.solids_volume_fraction, feed.solids_density_kg_per_m3)
    point = lifting.closed_circulation(flow_m3_per_s=flow,
                                       solids_volume_fraction=p.solids_volume_fraction, **common)
    return site, common, point


@register_draws("lifting", "closed_circulation")
def closed_circulation_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_closed_circulation`` on the draw axis: operating point, max throughput, string."""
    dep, feed = up["deposit"], up["collector"]
    _, common, point = _circulation(p, dep, feed)
    max_t, _ = lifting.max_throughput_t_per_day(p.pump_power_limit_kw, p.solids_volume_fraction,
                                                **common)
    return _slurry_draws(p, feed, dep, point, max_t)


@register("lifting", "closed_circulation", ClosedCirculationParams, default=True)
def run_closed_circulation(p: ClosedCirculationParams, up: Mapping[str, object],
                           seed: int) -> Slurry:
    """Closed-circulation hydraulics: pump pressure, power, envelope, max throughput, string."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    site, common, point = _circulation(p, dep, feed)
    _check_liftable(point, "lifting.solids_volume_fraction", p.solids_volume_fraction)
    area = np.pi * p.riser_inner_diameter_m**2 / 4.0
    cv_grid = np.linspace(0.01, min(0.3, 0.95 * (1.0 - dep.porosity)), 30)[:, None]
    flow_grid = (np.linspace(0.2, 5.0, 40) * area)[None, :]
    env = lifting.closed_circulation(flow_m3_per_s=flow_grid, solids_volume_fraction=cv_grid,
                                     **common)
    envelope = {"solids_volume_fraction": cv_grid[:, 0], "flow_m3_per_s": flow_grid[0],
                "solids_t_per_h": env["solids_t_per_h"], "power_kw": env["power_kw"],
                "specific_energy_kwh_per_dry_t": env["specific_energy_kwh_per_dry_t"]}
    max_t, _ = lifting.max_throughput_t_per_day(p.pump_power_limit_kw, p.solids_volume_fraction,
                                                **common)
    return _slurry(p, feed, dep, point, method="closed circulation", envelope=envelope,
                   max_t_per_day=float(max_t),
                   airlift_curve=_airlift_curve(p, site, p.solids_volume_fraction,
                                                float(point["mixture_density_kg_per_m3"])))


class AirliftParams(LiftParams):
    """Airlift: compressed air injected into the riser at ``airlift_injection_depth_m``."""

    miner_pressure_loss_kpa: float = P("kPa", "pressure loss through the gathering cylinder",
                                       ge=0)
    max_air_kg_per_s: float = P("kg/s", "largest air mass flow the compressors can deliver", gt=0)


@register("lifting", "airlift", AirliftParams)
def run_airlift(p: AirliftParams, up: Mapping[str, object], seed: int) -> Slurry:
    """Drift-flux airlift: the least air rate that lifts the collector's rate, and its power."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    a = _airlifted(p, dep, feed)
    if not a["reached"]:
        q, cv = a["curve"]["liquid_m3_per_s"], p.solids_volume_fraction
        raise ScenarioError([Problem(
            "lifting.max_air_kg_per_s", p.max_air_kg_per_s,
            f"the airlift peaks at {q.max() * cv * feed.solids_density_kg_per_m3 * 3.6:.1f} t/h of "
            f"solids, below the {feed.lift_rate_dry_t_per_h:.1f} t/h the collector delivers",
            "raise the air supply, inject deeper, widen the riser or lower the lift rate")])
    point = {k: float(v) for k, v in a["point"].items()}
    airlift_curve = {"air_kg_per_s": a["air"],
                     "air_nm3_per_min": a["curve"]["air_nm3_per_s"] * 60.0,
                     "solids_t_per_h": a["solids_curve"],
                     "compressor_power_kw": a["curve"]["compressor_power_kw"],
                     "injection_depth_m": a["injection_depth_m"]}
    envelope = {"air_kg_per_s": a["air"], "solids_t_per_h": a["solids_curve"],
                "power_kw": a["curve"]["compressor_power_kw"]}
    return _slurry(p, feed, dep, point, method="airlift", envelope=envelope,
                   max_t_per_day=float(a["max_t_per_day"]), airlift_curve=airlift_curve)


def _airlifted(p, dep, feed) -> dict:
    """The least air rate that lifts the collector's rate, on a grid refined by secant steps.

    Scalars or draws (first axis): air rates, the airlift curve over them, whether the grid
    reaches the target flow, the operating point and the largest throughput on the curve.
    """
    cv = p.solids_volume_fraction
    rho_m = dep.seawater_density_kg_per_m3 + cv * (feed.solids_density_kg_per_m3
                                                   - dep.seawater_density_kg_per_m3)
    mu = lifting.bingham_parameters(cv, p.yield_stress_coefficient_pa, p.rheology_exponent,
                                    dep.seawater_viscosity_pa_s)[1]
    depth_inj = np.minimum(p.airlift_injection_depth_m, dep.water_depth_m)
    kw = dict(injection_depth_m=depth_inj, depth_m=dep.water_depth_m,
              diameter_m=p.riser_inner_diameter_m, liquid_density_kg_per_m3=rho_m,
              liquid_viscosity_pa_s=mu, seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
              roughness_m=p.pipe_roughness_m, inlet_loss_pa=p.miner_pressure_loss_kpa * 1000.0,
              compressor_efficiency=p.compressor_efficiency)
    target = lifting.flow_for_throughput(feed.lift_rate_dry_t_per_h * HOURS_PER_DAY, cv,
                                         feed.solids_density_kg_per_m3)
    air = np.linspace(0.0, 1.0, 41)[1:] * np.asarray(p.max_air_kg_per_s)[..., None]
    curve = lifting.airlift(air_kg_per_s=air, **{k: np.asarray(v)[..., None]
                                                 for k, v in kw.items()})
    q = curve["liquid_m3_per_s"]
    reach = q >= np.asarray(target)[..., None]
    i = np.argmax(reach, axis=-1)[..., None]
    first = i == 0

    def at(values, index):
        return np.take_along_axis(values, index, axis=-1)[..., 0]

    lo_air = np.where(first[..., 0], 0.0, at(air, np.maximum(i - 1, 0)))
    lo_q = np.where(first[..., 0], 0.0, at(q, np.maximum(i - 1, 0)))
    hi_air, hi_q = at(air, i), at(q, i)
    for _ in range(3):  # secant refinement on the rising branch
        guess = lo_air + (target - lo_q) * (hi_air - lo_air) / np.maximum(hi_q - lo_q, 1e-12)
        q_guess = lifting.airlift(air_kg_per_s=guess, **kw)["liquid_m3_per_s"]
        below = q_guess < target
        lo_air, lo_q = np.where(below, guess, lo_air), np.where(below, q_guess, lo_q)
        hi_air, hi_q = np.where(below, hi_air, guess), np.where(below, hi_q, q_guess)
    op = lifting.airlift(air_kg_per_s=hi_air, **kw)
    solids_t_per_h = op["liquid_m3_per_s"] * cv * feed.solids_density_kg_per_m3 * 3.6
    power = op["compressor_power_kw"]
    point = {"air_kg_per_s": hi_air, "liquid_m3_per_s": op["liquid_m3_per_s"],
             "injection_pressure_pa": op["injection_pressure_pa"],
             "mean_void_fraction": op["mean_void_fraction"],
             "mixture_density_kg_per_m3": rho_m, "power_kw": power,
             "solids_t_per_h": solids_t_per_h,
             "specific_energy_kwh_per_dry_t": power / solids_t_per_h,
             "floor_kwh_per_dry_t": lifting.energy_floor_kwh_per_dry_t(
                 dep.water_depth_m, feed.solids_density_kg_per_m3,
                 dep.seawater_density_kg_per_m3)}
    solids_curve = q * np.asarray(cv * feed.solids_density_kg_per_m3 * 3.6)[..., None]
    return dict(air=air, curve=curve, reached=reach.any(axis=-1), point=point,
                solids_curve=solids_curve, injection_depth_m=depth_inj,
                max_t_per_day=solids_curve.max(axis=-1) * HOURS_PER_DAY)


AIRLIFT_INPUTS = {
    "p": ("solids_volume_fraction", "yield_stress_coefficient_pa", "rheology_exponent",
          "airlift_injection_depth_m", "riser_inner_diameter_m", "pipe_roughness_m",
          "miner_pressure_loss_kpa", "compressor_efficiency", "max_air_kg_per_s"),
    "dep": ("seawater_density_kg_per_m3", "seawater_viscosity_pa_s", "water_depth_m"),
    "feed": ("solids_density_kg_per_m3", "lift_rate_dry_t_per_h"),
}
"""What ``_airlifted`` reads, by argument."""


@register_draws("lifting", "airlift")
def airlift_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_airlift`` on the draw axis; a draw whose air supply cannot lift its rate is rejected.

    The drift-flux march broadcasts over air rates only, so it runs once per distinct set of
    hydraulic inputs (``AIRLIFT_INPUTS``).
    """
    dep, feed = up["deposit"], up["collector"]
    sources = {"p": p, "dep": dep, "feed": feed}
    names = [(arg, name) for arg, fields in AIRLIFT_INPUTS.items() for name in fields]
    keys = ("power_kw", "specific_energy_kwh_per_dry_t", "floor_kwh_per_dry_t",
            "mixture_density_kg_per_m3")

    def lift(*values):
        views = {arg: {} for arg in AIRLIFT_INPUTS}
        for (arg, name), value in zip(names, values, strict=True):
            views[arg][name] = value
        a = _airlifted(Draws(**views["p"]), Draws(**views["dep"]), Draws(**views["feed"]))
        return {**{k: a["point"][k] for k in keys}, "liftable": a["reached"],
                "max_t_per_day": a["max_t_per_day"]}

    out = map_groups(lift, *(getattr(sources[arg], name) for arg, name in names))
    point = {k: out[k] for k in (*keys, "liftable")}
    return _slurry_draws(p, feed, dep, point, out["max_t_per_day"])


class PumpHoistingParams(LiftParams):
    """Submersible centrifugal pumps near the seabed, derated for solids."""

    water_efficiency: float = P("", "pump efficiency on water at the duty point", gt=0, le=1)
    stage_pressure_water_kpa: float = P("kPa", "pressure rise per pump stage on water", gt=0)
    head_reduction_at_15pct: float = P("", "head reduction on slurry at 15 % solids by volume",
                                       ge=0, lt=1)
    efficiency_reduction_at_15pct: float = P("", "efficiency reduction on slurry at 15 % solids",
                                             ge=0, lt=1)
    pump_power_limit_kw: float = P("kW", "power available to the lift pumps", gt=0)


@register("lifting", "pump_hoisting", PumpHoistingParams)
def run_pump_hoisting(p: PumpHoistingParams, up: Mapping[str, object], seed: int) -> Slurry:
    """Seabed pump lift: required pressure, stages, derated efficiency and power."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    site, kw, point = _pumped(p, dep, feed)
    area = np.pi * p.riser_inner_diameter_m**2 / 4.0
    cv_grid = np.linspace(0.01, min(0.3, 0.95 * (1.0 - dep.porosity)), 30)[:, None]
    flow_grid = (np.linspace(0.2, 5.0, 40) * area)[None, :]
    env = lifting.pump_hoisting(flow_m3_per_s=flow_grid, solids_volume_fraction=cv_grid, **kw)
    envelope = {"solids_volume_fraction": cv_grid[:, 0], "flow_m3_per_s": flow_grid[0],
                "solids_t_per_h": env["solids_t_per_h"], "power_kw": env["power_kw"],
                "specific_energy_kwh_per_dry_t": env["specific_energy_kwh_per_dry_t"]}
    return _slurry(p, feed, dep, point, method="pump hoisting", envelope=envelope,
                   max_t_per_day=float(_pumped_max_t_per_day(p, kw)),
                   airlift_curve=_airlift_curve(p, site, p.solids_volume_fraction,
                                                float(point["mixture_density_kg_per_m3"])))


def _pumped(p, dep, feed) -> tuple[dict, dict, dict]:
    """Site inputs, pump-lift inputs and the operating point at the collector's rate."""
    site = _site(p, dep, feed)
    kw = {k: v for k, v in site.items() if k not in ("class_volume_shares", "class_slip_m_per_s")}
    kw |= dict(water_efficiency=p.water_efficiency,
               stage_pressure_water_pa=p.stage_pressure_water_kpa * 1000.0,
               head_reduction_at_15pct=p.head_reduction_at_15pct,
               efficiency_reduction_at_15pct=p.efficiency_reduction_at_15pct)
    flow = lifting.flow_for_throughput(feed.lift_rate_dry_t_per_h * HOURS_PER_DAY,
                                       p.solids_volume_fraction, feed.solids_density_kg_per_m3)
    point = lifting.pump_hoisting(flow_m3_per_s=flow,
                                  solids_volume_fraction=p.solids_volume_fraction, **kw)
    return site, kw, point


def _pumped_max_t_per_day(p, kw: dict):
    """Largest daily throughput within the power limit on the flow grid [t/day] (draws first)."""
    area = np.pi * np.asarray(p.riser_inner_diameter_m) ** 2 / 4.0
    flows = np.linspace(0.2, 5.0, 40) * area[..., None]
    # per-draw inputs meet the flow grid's axis
    at_cv = lifting.pump_hoisting(
        flow_m3_per_s=flows, solids_volume_fraction=np.asarray(p.solids_volume_fraction)[..., None],
        **{k: np.asarray(v)[..., None] for k, v in kw.items()})
    within = at_cv["power_kw"] <= np.asarray(p.pump_power_limit_kw)[..., None]
    best = np.where(within, at_cv["solids_t_per_h"], -np.inf).max(axis=-1)
    return np.where(within.any(axis=-1), best * HOURS_PER_DAY, 0.0)


@register_draws("lifting", "pump_hoisting")
def pump_hoisting_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_pump_hoisting`` on the draw axis: operating point, max throughput, string."""
    dep, feed = up["deposit"], up["collector"]
    _, kw, point = _pumped(p, dep, feed)
    return _slurry_draws(p, feed, dep, point, _pumped_max_t_per_day(p, kw))
