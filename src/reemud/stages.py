"""Stage models as registered in the chain: parameter models (pydantic) and run functions.

Each run function takes its validated parameters and the records of the stages before it,
calls the plain physics functions of its stage module and returns that stage's record. Defaults of
every parameter live in ``data/parameters.csv`` with their sources; the fields here declare the
canonical unit, the allowed range and what the parameter means.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import cache

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reemud import (
    beneficiation,
    collector,
    deposit,
    economics,
    environment,
    leaching,
    lifting,
    market,
    refining,
    separation,
)
from reemud.datafiles import read_table
from reemud.elements import INDEX, N_ELEMENTS, REY, element_to_oxide_t
from reemud.errors import OutOfDomainWarning, Problem, ScenarioError
from reemud.records import (
    CashFlow,
    Concentrate,
    Deposit,
    EnvironmentLedger,
    MarketOutcome,
    MudFeed,
    OxideProducts,
    PregnantLiquor,
    SeparatedProducts,
    Slurry,
)
from reemud.registry import register


def P(unit: str, description: str, **constraints):  # noqa: N802 - reads as a declaration
    """Declare a required stage parameter with its canonical unit and meaning."""
    return Field(..., description=description, json_schema_extra={"unit": unit}, **constraints)


class Params(BaseModel):
    """Base of all stage parameter models: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# data tables


@cache
def grade_profiles() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Grade-depth profiles from ``data/grade_profiles.csv``: name -> (top, bottom, grade)."""
    out: dict[str, list[tuple[float, float, float]]] = {}
    for row in read_table("grade_profiles.csv"):
        out.setdefault(row["profile"], []).append(
            (float(row["top_mbsf"]), float(row["bottom_mbsf"]), float(row["grade_ppm"])))
    return {k: tuple(np.array(c) for c in zip(*sorted(v), strict=True)) for k, v in out.items()}


@cache
def rey_patterns() -> dict[str, np.ndarray]:
    """Relative REY patterns from ``data/rey_patterns.csv``, normalised to sum to 1."""
    out: dict[str, np.ndarray] = {}
    for row in read_table("rey_patterns.csv"):
        out.setdefault(row["pattern"], np.zeros(N_ELEMENTS))[INDEX[row["symbol"]]] = float(
            row["weight"])
    return {k: v / v.sum() for k, v in out.items()}


@cache
def price_decks() -> dict[str, np.ndarray]:
    """Oxide price decks from ``data/prices.csv`` [US$/kg oxide], REY order."""
    out: dict[str, np.ndarray] = {}
    for row in read_table("prices.csv"):
        out.setdefault(row["deck"], np.full(N_ELEMENTS, np.nan))[INDEX[row["symbol"]]] = float(
            row["price_usd_per_kg"])
    return out


@cache
def leach_acids() -> dict[str, dict[str, float]]:
    """Leach recoveries and acid properties from ``data/leach_acids.csv``."""
    return {r["acid"]: {k: float(v) for k, v in r.items()
                        if k not in ("acid", "source", "assumed")}
            for r in read_table("leach_acids.csv")}


@cache
def oxalate_isotherm() -> tuple[np.ndarray, np.ndarray]:
    """Isotherm parameters (ε [g/L], n [-]) per element from ``data/oxalate_isotherm.csv``."""
    rows = {r["symbol"]: r for r in read_table("oxalate_isotherm.csv")}
    return (np.array([float(rows[s]["eps_g_per_l"]) for s in REY]),
            np.array([float(rows[s]["n"]) for s in REY]))


@cache
def japan_demand() -> dict[str, tuple[tuple[str, ...], float]]:
    """Japan's demand items from ``data/japan_demand.csv``: key -> (symbols, t/yr)."""
    return {r["key"]: (tuple(r["symbols"].split(";")), float(r["demand_t_per_year"]))
            for r in read_table("japan_demand.csv")}


def _one_of(name: str, known) -> str:
    if name not in known:
        raise ValueError(f"unknown name {name!r}; known: {', '.join(sorted(known))}")
    return name


# ---------------------------------------------------------------------------------------------
# deposit


class LayeredDepositParams(Params):
    """Layered grade-depth profile over a block of given area."""

    water_depth_m: float = P("m", "water depth at the site", gt=0, le=11000)
    area_km2: float = P("km**2", "area of the block whose resource is counted", gt=0)
    resource_top_mbsf: float = P("m", "top of the counted interval below the seafloor", ge=0)
    resource_bottom_mbsf: float = P("m", "bottom of the counted interval below the seafloor",
                                    gt=0)
    grade_profile: str = P("", "name of a grade-depth profile in data/grade_profiles.csv")
    rey_pattern: str = P("", "name of a relative REY pattern in data/rey_patterns.csv")
    grain_density_t_per_m3: float = P("t/m**3", "density of the mud's solid grains", gt=1.1,
                                      le=6)
    porosity: float = P("", "porosity of the in-situ mud (void volume / total volume)", gt=0,
                        lt=1)
    seawater_density_kg_per_m3: float = P("kg/m**3", "density of seawater at the site", ge=1000,
                                          le=1060)
    seawater_viscosity_pa_s: float = P("Pa*s", "dynamic viscosity of near-bottom seawater",
                                       gt=0, le=0.01)

    @field_validator("grade_profile")
    @classmethod
    def _profile(cls, v: str) -> str:
        return _one_of(v, grade_profiles())

    @field_validator("rey_pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        return _one_of(v, rey_patterns())

    @model_validator(mode="after")
    def _interval(self):
        if self.resource_bottom_mbsf <= self.resource_top_mbsf:
            raise ValueError("resource_bottom_mbsf must be deeper than resource_top_mbsf")
        top, bottom, _ = grade_profiles()[self.grade_profile]
        if self.resource_top_mbsf < top.min() or self.resource_bottom_mbsf > bottom.max():
            raise ValueError(
                f"the counted interval {self.resource_top_mbsf}-{self.resource_bottom_mbsf} mbsf "
                f"leaves the profile {self.grade_profile!r} ({top.min()}-{bottom.max()} mbsf)")
        return self


@register("deposit", "layered", LayeredDepositParams, default=True)
def run_layered_deposit(p: LayeredDepositParams, up: Mapping[str, object]) -> Deposit:
    """Resource of a block from a layered grade profile, dry bulk density and a REY pattern."""
    top, bottom, grade = grade_profiles()[p.grade_profile]
    pattern = rey_patterns()[p.rey_pattern]
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
        seawater_viscosity_pa_s=p.seawater_viscosity_pa_s,
        layer_top_mbsf=top, layer_bottom_mbsf=bottom, layer_grade_ppm=grade,
        rey_pattern=pattern, resource_top_mbsf=p.resource_top_mbsf,
        resource_bottom_mbsf=p.resource_bottom_mbsf, resource_dry_t=dry_t,
        resource_mean_grade_ppm=rey_total / dry_t * 1e6, resource_rey_t=rey,
        resource_reo_t=float(element_to_oxide_t(rey).sum()),
    )


# ---------------------------------------------------------------------------------------------
# collector


class ThroughputAvailabilityParams(Params):
    """Seabed miner as a daily throughput and an availability."""

    mud_dry_t_per_day: float = P("t/day", "dry mass the miner delivers per operating day", gt=0)
    availability: float = P("", "fraction of calendar time the miner operates", gt=0, le=1)
    mining_top_mbsf: float = P("m", "top of the mined interval below the seafloor", ge=0)
    mining_bottom_mbsf: float = P("m", "bottom of the mined interval below the seafloor", gt=0)
    plume_escape_fraction: float = P("", "share of the disturbed mud that escapes at the seabed",
                                     ge=0, lt=1)

    @model_validator(mode="after")
    def _interval(self):
        if self.mining_bottom_mbsf <= self.mining_top_mbsf:
            raise ValueError("mining_bottom_mbsf must be deeper than mining_top_mbsf")
        return self


@register("collector", "throughput_availability", ThroughputAvailabilityParams, default=True)
def run_throughput_availability(p: ThroughputAvailabilityParams,
                                up: Mapping[str, object]) -> MudFeed:
    """Daily throughput times availability; grade = mean of the layers over the mined interval."""
    dep: Deposit = up["deposit"]
    mud_year = float(collector.annual_mud_dry_t(p.mud_dry_t_per_day, p.availability))
    grade_total = float(deposit.mean_grade_ppm(dep.layer_top_mbsf, dep.layer_bottom_mbsf,
                                               dep.layer_grade_ppm, p.mining_top_mbsf,
                                               p.mining_bottom_mbsf))
    grade = grade_total * dep.rey_pattern
    escaped = float(collector.escaped_dry_t(mud_year, p.plume_escape_fraction))
    return MudFeed(
        mud_dry_t_per_day=p.mud_dry_t_per_day,
        operating_days_per_year=float(collector.operating_days_per_year(p.availability)),
        mud_dry_t_per_year=mud_year, mining_top_mbsf=p.mining_top_mbsf,
        mining_bottom_mbsf=p.mining_bottom_mbsf, grade_ppm=grade,
        rey_t_per_year=mud_year * grade * 1e-6, escaped_dry_t_per_year=escaped,
        escaped_rey_t_per_year=escaped * grade * 1e-6,
    )


# ---------------------------------------------------------------------------------------------
# lifting


class ClosedCirculationParams(Params):
    """Closed-circulation double-pipe lift (seawater down, slurry up)."""

    solids_volume_fraction: float = P("", "delivered solids volume fraction in the riser", gt=0,
                                      lt=0.6)
    riser_inner_diameter_m: float = P("m", "inner diameter of the slurry riser", gt=0, le=2)
    downline_inner_diameter_m: float = P("m", "inner diameter of the seawater downline", gt=0,
                                         le=2)
    pipe_roughness_m: float = P("m", "absolute wall roughness of the pipes", ge=0, le=0.01)
    pump_efficiency: float = P("", "efficiency of the ship-board circulation pump", gt=0, le=1)
    miner_pressure_loss_kpa: float = P("kPa", "pressure loss through the gathering cylinder",
                                       ge=0)
    yield_stress_coefficient_pa: float = P("Pa", "level a_y of the slurry yield stress law",
                                           ge=0)
    rheology_exponent: float = P("", "exponent b of the rheology's dependence on solids",
                                 ge=0, le=100)


@register("lifting", "closed_circulation", ClosedCirculationParams, default=True)
def run_closed_circulation(p: ClosedCirculationParams, up: Mapping[str, object]) -> Slurry:
    """Closed-circulation hydraulics: pump pressure, power and specific energy per dry tonne."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    rho_s = dep.grain_density_t_per_m3 * 1000.0
    h = lifting.closed_circulation(
        solids_dry_t_per_day=feed.mud_dry_t_per_day, depth_m=dep.water_depth_m,
        solids_volume_fraction=p.solids_volume_fraction, grain_density_kg_per_m3=rho_s,
        seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
        seawater_viscosity_pa_s=dep.seawater_viscosity_pa_s,
        riser_inner_diameter_m=p.riser_inner_diameter_m,
        downline_inner_diameter_m=p.downline_inner_diameter_m,
        pipe_roughness_m=p.pipe_roughness_m, pump_efficiency=p.pump_efficiency,
        miner_pressure_loss_pa=p.miner_pressure_loss_kpa * 1000.0,
        yield_stress_coefficient_pa=p.yield_stress_coefficient_pa,
        rheology_exponent=p.rheology_exponent)
    hydraulics = {k: float(v) for k, v in h.items()}
    power = hydraulics["power_kw"]
    return Slurry(
        solids_dry_t_per_year=feed.mud_dry_t_per_year, rey_t_per_year=feed.rey_t_per_year,
        solids_volume_fraction=p.solids_volume_fraction, solids_density_kg_per_m3=rho_s,
        lift_power_kw=power,
        lift_specific_energy_kwh_per_dry_t=hydraulics["specific_energy_kwh_per_dry_t"],
        energy_floor_kwh_per_dry_t=hydraulics["floor_kwh_per_dry_t"],
        lift_electricity_kwh_per_year=power * 24.0 * feed.operating_days_per_year,
        hydraulics=hydraulics,
    )


# ---------------------------------------------------------------------------------------------
# beneficiation


class PlittHydrocycloneParams(Params):
    """Plitt hydrocyclone classifying a clay + apatite mud."""

    cyclone_diameter_cm: float = P("cm", "cyclone diameter D_c", gt=0)
    inlet_diameter_cm: float = P("cm", "inlet diameter D_i", gt=0)
    vortex_finder_diameter_cm: float = P("cm", "vortex-finder diameter D_o", gt=0)
    apex_diameter_cm: float = P("cm", "apex (spigot) diameter D_u", gt=0)
    free_vortex_height_cm: float = P("cm", "free-vortex height h", gt=0)
    pressure_drop_kpa: float = P("kPa", "operating pressure drop of each cyclone", gt=0)
    d50_factor: float = P("", "Plitt calibration factor on d50c", gt=0)
    sharpness_factor: float = P("", "Plitt calibration factor on the sharpness m", gt=0)
    split_factor: float = P("", "Plitt calibration factor on the flow split S", gt=0)
    clay_median_um: float = P("um", "mass-median size of the clay phase", gt=0)
    clay_geometric_sd: float = P("", "geometric standard deviation of the clay sizes", gt=1)
    apatite_median_um: float = P("um", "mass-median size of the apatite phase", gt=0)
    apatite_geometric_sd: float = P("", "geometric standard deviation of the apatite sizes",
                                    gt=1)
    clay_density_t_per_m3: float = P("t/m**3", "grain density of the clay phase", gt=1.1, le=6)
    apatite_density_t_per_m3: float = P("t/m**3", "grain density of the apatite phase", gt=1.1,
                                        le=6)
    apatite_grade_ppm: float = P("ppm", "ΣREY grade of the apatite phase", gt=0, le=1e6)
    clay_grade_ppm: float = P("ppm", "ΣREY grade of the clay phase", ge=0, le=1e6)
    concentrate_moisture_fraction: float = P("", "moisture of the shipped concentrate (wet basis)",
                                             ge=0, lt=1)

    @model_validator(mode="after")
    def _grades(self):
        if self.apatite_grade_ppm <= self.clay_grade_ppm:
            raise ValueError("apatite_grade_ppm must exceed clay_grade_ppm (apatite carries REY)")
        return self


@register("beneficiation", "plitt_hydrocyclone", PlittHydrocycloneParams, default=True)
def run_plitt_hydrocyclone(p: PlittHydrocycloneParams, up: Mapping[str, object]) -> Concentrate:
    """Plitt partition of each phase's size distribution; underflow is the concentrate."""
    slurry: Slurry = up["lifting"]
    feed_t = slurry.solids_dry_t_per_year
    rey_feed = slurry.rey_t_per_year
    grade = float(rey_feed.sum() / feed_t * 1e6)
    f_ap = float(beneficiation.apatite_mass_fraction(grade, p.apatite_grade_ppm,
                                                     p.clay_grade_ppm))
    if not 0.0 < f_ap < 1.0:
        raise ScenarioError([Problem(
            "beneficiation.clay_grade_ppm", p.clay_grade_ppm,
            f"the mined mud's grade ({grade:.0f} ppm) must lie between the clay and apatite grades",
            "lower clay_grade_ppm or raise apatite_grade_ppm, or mine a different interval")])
    phi = slurry.solids_volume_fraction * 100.0
    geometry = dict(dc_cm=p.cyclone_diameter_cm, di_cm=p.inlet_diameter_cm,
                    do_cm=p.vortex_finder_diameter_cm, du_cm=p.apex_diameter_cm,
                    h_cm=p.free_vortex_height_cm)
    q_cyc = float(beneficiation.plitt_flow_l_per_min(p.pressure_drop_kpa, phi_vol_pct=phi,
                                                     **geometry))
    pulp_density = slurry.hydraulics["mixture_density_kg_per_m3"] / 1000.0
    split = p.split_factor * beneficiation.plitt_split(
        p.pressure_drop_kpa, dc_cm=p.cyclone_diameter_cm, do_cm=p.vortex_finder_diameter_cm,
        du_cm=p.apex_diameter_cm, h_cm=p.free_vortex_height_cm, phi_vol_pct=phi,
        pulp_density_t_per_m3=pulp_density)
    bypass = float(split / (1.0 + split))
    m = float(p.sharpness_factor * beneficiation.plitt_sharpness(
        q_cyc, bypass, dc_cm=p.cyclone_diameter_cm, h_cm=p.free_vortex_height_cm))
    size = beneficiation.SIZE_MID_UM
    phases = {"clay": (p.clay_density_t_per_m3, p.clay_median_um, p.clay_geometric_sd),
              "apatite": (p.apatite_density_t_per_m3, p.apatite_median_um,
                          p.apatite_geometric_sd)}
    d50c, partition, fractions, recovery = {}, {}, {}, {}
    for name, (rho, median, gsd) in phases.items():
        d50c[name] = float(p.d50_factor * beneficiation.plitt_d50c_um(
            q_cyc, phi_vol_pct=phi, solids_density_t_per_m3=rho, **geometry))
        partition[name] = beneficiation.actual_partition(size, np.array(d50c[name]), np.array(m),
                                                         np.array(bypass))
        fractions[name] = beneficiation.lognormal_class_fractions(np.array(median),
                                                                  np.array(gsd))
        recovery[name] = float((fractions[name] * partition[name]).sum())
    mass = {"clay": feed_t * (1.0 - f_ap), "apatite": feed_t * f_ap}
    rey_by_phase = {"clay": mass["clay"] * p.clay_grade_ppm,
                    "apatite": mass["apatite"] * p.apatite_grade_ppm}
    rey_recovery = sum(rey_by_phase[k] * recovery[k] for k in mass) / sum(rey_by_phase.values())
    conc_t = mass["clay"] * recovery["clay"] + mass["apatite"] * recovery["apatite"]
    rey_conc = rey_feed * rey_recovery
    flow_total_l_per_min = slurry.hydraulics["flow_m3_per_s"] * 60000.0
    return Concentrate(
        dry_t_per_year=conc_t,
        wet_t_per_year=conc_t / (1.0 - p.concentrate_moisture_fraction),
        rey_t_per_year=rey_conc, tailings_dry_t_per_year=feed_t - conc_t,
        tailings_rey_t_per_year=rey_feed - rey_conc,
        upgrade_factor=float(rey_recovery * feed_t / conc_t), mass_pull=conc_t / feed_t,
        rey_recovery=float(rey_recovery), feed_grade_ppm=grade,
        concentrate_grade_ppm=float(rey_conc.sum() / conc_t * 1e6),
        apatite_fraction_feed=f_ap,
        apatite_fraction_concentrate=mass["apatite"] * recovery["apatite"] / conc_t,
        cyclones=flow_total_l_per_min / q_cyc, flow_per_cyclone_l_per_min=q_cyc,
        d50c_um=d50c, sharpness=m, bypass=bypass, size_um=np.asarray(size),
        partition=partition,
        feed_size_fractions=np.stack([fractions["clay"], fractions["apatite"]]),
        phase_density_kg_per_m3={k: v[0] * 1000.0 for k, v in phases.items()},
    )


# ---------------------------------------------------------------------------------------------
# leaching

TAKAYA_OPTIMUM_MOL_PER_L = (0.25, 0.5)


class Takaya2015Params(Params):
    """Optimum acid-leach recoveries of Takaya et al. (2015) with an acid balance."""

    acid: str = P("", "leach acid: HCl or H2SO4 (rows of data/leach_acids.csv)")
    acid_concentration_mol_per_l: float = P("mol/L", "acid concentration of the leach", gt=0,
                                            le=12)
    liquid_to_solid_l_per_kg: float = P("L/kg", "leach liquid/solid ratio", gt=0, le=100)

    @field_validator("acid")
    @classmethod
    def _acid(cls, v: str) -> str:
        return _one_of(v, leach_acids())


@register("leaching", "takaya2015", Takaya2015Params, default=True)
def run_takaya2015(p: Takaya2015Params, up: Mapping[str, object]) -> PregnantLiquor:
    """Per-element recoveries of Takaya et al. 2015; acid from apatite dissolution + free acid."""
    conc: Concentrate = up["beneficiation"]
    low, high = TAKAYA_OPTIMUM_MOL_PER_L
    if not low <= p.acid_concentration_mol_per_l <= high:
        warnings.warn(
            f"leaching.acid_concentration_mol_per_l = {p.acid_concentration_mol_per_l} lies "
            f"outside {low}-{high} mol/L, where Takaya et al. 2015 measured the recoveries used; "
            "they fall at higher acid (re-precipitation)", OutOfDomainWarning, stacklevel=2)
    acid = leach_acids()[p.acid]
    rec = leaching.takaya2015_recoveries(acid["recovery_rey_ex_ce"], acid["recovery_ce"])
    liquor = conc.rey_t_per_year * rec
    kg_per_t = float(leaching.acid_consumption_kg_per_dry_t(
        conc.apatite_fraction_concentrate, p.acid_concentration_mol_per_l,
        p.liquid_to_solid_l_per_kg, acid["molar_mass_g_per_mol"], acid["protons_per_mol"]))
    return PregnantLiquor(
        rey_t_per_year=liquor, residue_rey_t_per_year=conc.rey_t_per_year - liquor,
        recovery=rec, acid=p.acid, acid_kg_per_dry_t=kg_per_t,
        acid_t_per_year=kg_per_t * conc.dry_t_per_year / 1000.0)


# ---------------------------------------------------------------------------------------------
# separation


class FixedRecoveryParams(Params):
    """Solvent extraction as a stated recovery per element."""

    recovery: float = P("", "fraction of each element reaching its product", gt=0, le=1)
    organic_flux_per_feed: float = P("", "organic RE flux per mole of feed RE in each cut", gt=0)
    cuts_per_element: float = P("", "mean number of SX cuts each element passes through", ge=1)


@register("separation", "fixed_recovery", FixedRecoveryParams, default=True)
def run_fixed_recovery(p: FixedRecoveryParams, up: Mapping[str, object]) -> SeparatedProducts:
    """Each element to its own product at a stated recovery; NaOH and HCl by stoichiometry."""
    liquor: PregnantLiquor = up["leaching"]
    rec = np.full(N_ELEMENTS, p.recovery)
    product, loss = separation.split_fixed_recovery(liquor.rey_t_per_year, rec)
    naoh, hcl = separation.sx_reagents_t(liquor.rey_t_per_year, p.organic_flux_per_feed,
                                         p.cuts_per_element)
    return SeparatedProducts(product_rey_t_per_year=product, loss_rey_t_per_year=loss,
                             recovery=rec, naoh_t_per_year=float(naoh),
                             hcl_t_per_year=float(hcl))


# ---------------------------------------------------------------------------------------------
# refining


class OxalateCalcinationParams(Params):
    """Oxalate precipitation (PrOMMiS isotherm) and calcination to oxides."""

    oxalic_dosage_g_per_l: float = P("g/L", "oxalic-acid dosage of the precipitation", gt=0,
                                     le=200)


@register("refining", "oxalate_calcination", OxalateCalcinationParams, default=True)
def run_oxalate_calcination(p: OxalateCalcinationParams,
                            up: Mapping[str, object]) -> OxideProducts:
    """Isotherm conversion per element, then stoichiometric calcination to oxides."""
    sep: SeparatedProducts = up["separation"]
    eps, n = oxalate_isotherm()
    x = refining.oxalate_conversion(p.oxalic_dosage_g_per_l, eps, n)
    precipitated = sep.product_rey_t_per_year * x
    oxide, oxalic, co2 = refining.calcine(precipitated)
    return OxideProducts(
        oxide_t_per_year=oxide, element_t_per_year=precipitated,
        loss_rey_t_per_year=sep.product_rey_t_per_year - precipitated,
        precipitation_recovery=x, oxalic_acid_t_per_year=float(oxalic),
        calcination_co2_t_per_year=float(co2))


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


@register("environment", "ledger_gaussian_plume", LedgerPlumeParams, default=True)
def run_ledger_gaussian_plume(p: LedgerPlumeParams, up: Mapping[str, object]) -> EnvironmentLedger:
    """Fuel, electricity and process CO₂ per kg REO; plume deposit area above 1 mm."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    slurry: Slurry = up["lifting"]
    conc: Concentrate = up["beneficiation"]
    ox: OxideProducts = up["refining"]
    reo_kg = float(ox.oxide_t_per_year.sum() * 1000.0)
    led = environment.ledger(
        vessel_fuel_t=p.vessel_fuel_t_per_day * collector.DAYS_PER_YEAR,
        lift_electricity_kwh=slurry.lift_electricity_kwh_per_year,
        shipping_fuel_t=p.shipping_fuel_kg_per_wet_t * conc.wet_t_per_year / 1000.0,
        onshore_electricity_kwh=p.onshore_kwh_per_kg_reo * reo_kg,
        process_co2_t=ox.calcination_co2_t_per_year,
        generator_efficiency=p.generator_efficiency, fuel_lhv_mj_per_kg=p.fuel_lhv_mj_per_kg,
        fuel_co2_kg_per_kg=p.fuel_co2_kg_per_kg, grid_co2_kg_per_kwh=p.grid_co2_kg_per_kwh,
        reo_kg=reo_kg)
    # plume classes: clay and apatite size classes with their own densities
    phase_share = np.array([1.0 - conc.apatite_fraction_feed, conc.apatite_fraction_feed])
    fractions = (conc.feed_size_fractions * phase_share[:, None]).ravel()
    densities = np.repeat([conc.phase_density_kg_per_m3["clay"],
                           conc.phase_density_kg_per_m3["apatite"]], conc.size_um.size)
    w = environment.stokes_settling_velocity_m_per_s(
        np.tile(conc.size_um, 2), densities, dep.seawater_density_kg_per_m3,
        dep.seawater_viscosity_pa_s)
    area, x, y, thickness = environment.deposit_area_km2(
        released_kg=feed.escaped_dry_t_per_year * 1000.0, class_fractions=fractions,
        settling_velocity_m_per_s=w, release_height_m=p.release_height_m,
        current_speed_m_per_s=p.current_speed_m_per_s,
        horizontal_diffusivity_m2_per_s=p.horizontal_diffusivity_m2_per_s,
        deposit_dry_density_kg_per_m3=dep.dry_bulk_density_t_per_m3 * 1000.0)
    return EnvironmentLedger(
        fuel_t_per_year={k: float(v) for k, v in led["fuel_t"].items()},
        energy_kwh_per_year={k: float(v) for k, v in led["energy_kwh"].items()},
        co2_t_per_year={k: float(v) for k, v in led["co2_t"].items()},
        energy_kwh_per_kg_reo=float(led["energy_kwh_per_kg_reo"]),
        co2_kg_per_kg_reo=float(led["co2_kg_per_kg_reo"]),
        plume_released_dry_t_per_year=feed.escaped_dry_t_per_year,
        plume_area_km2_above_1mm=float(area), plume_x_m=x, plume_y_m=y,
        plume_thickness_m=thickness)



# ---------------------------------------------------------------------------------------------
# economics


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
    offshore_capex_ref_usd: float = P("USD", "capital of the reference offshore system", gt=0)
    offshore_ref_t_per_year: float = P("t/year", "capacity of the reference offshore system",
                                       gt=0)
    processing_capex_ref_usd: float = P("USD", "capital of the reference processing plant", gt=0)
    processing_ref_reo_t_per_year: float = P("t/year", "REO capacity of the reference plant",
                                             gt=0)
    vessel_day_rate_usd: float = P("USD/day", "charter and management of the mining vessel", ge=0)
    fuel_price_usd_per_t: float = P("USD/t", "marine fuel price", ge=0)
    shipping_usd_per_wet_t: float = P("USD/t", "shipping of concentrate to the mainland", ge=0)
    separation_opex_usd_per_kg_reo: float = P("USD/kg", "separation-plant operating cost", ge=0)
    oxalic_acid_usd_per_kg: float = P("USD/kg", "oxalic acid price", ge=0)
    acid_price_usd_per_t: float = P("USD/t", "price of the leach acid", ge=0)

    @field_validator("price_deck")
    @classmethod
    def _deck(cls, v: str) -> str:
        return _one_of(v, price_decks())


@register("economics", "dcf", DcfParams, default=True)
def run_dcf(p: DcfParams, up: Mapping[str, object]) -> CashFlow:
    """Capex by capacity scaling, opex from stage flows, yearly cash flow, NPV/IRR/payback."""
    feed: MudFeed = up["collector"]
    conc: Concentrate = up["beneficiation"]
    liquor: PregnantLiquor = up["leaching"]
    ox: OxideProducts = up["refining"]
    env: EnvironmentLedger = up["environment"]
    prices = price_decks()[p.price_deck] * p.price_multiplier
    revenue_by_element = ox.oxide_t_per_year * 1000.0 * prices
    reo_t = float(ox.oxide_t_per_year.sum())
    capex = {
        "offshore system": float(economics.scaled_capex_usd(
            p.offshore_capex_ref_usd, p.offshore_ref_t_per_year, feed.mud_dry_t_per_year,
            p.capex_exponent)),
        "processing plant": float(economics.scaled_capex_usd(
            p.processing_capex_ref_usd, p.processing_ref_reo_t_per_year, reo_t,
            p.capex_exponent)),
    }
    marine_fuel_t = env.fuel_t_per_year["vessel"] + env.fuel_t_per_year["lifting"]
    opex = {
        "vessel charter": p.vessel_day_rate_usd * collector.DAYS_PER_YEAR,
        "marine fuel": marine_fuel_t * p.fuel_price_usd_per_t,
        "shipping": conc.wet_t_per_year * p.shipping_usd_per_wet_t,
        "leach acid": liquor.acid_t_per_year * p.acid_price_usd_per_t,
        "separation": reo_t * 1000.0 * p.separation_opex_usd_per_kg_reo,
        "oxalic acid": ox.oxalic_acid_t_per_year * 1000.0 * p.oxalic_acid_usd_per_kg,
    }
    table = economics.yearly_cash_flow(
        capex_usd=sum(capex.values()), construction_years=p.construction_years,
        project_life_years=p.project_life_years,
        revenue_usd_per_year=float(revenue_by_element.sum()),
        opex_usd_per_year=sum(opex.values()), royalty_rate=p.royalty_rate,
        tax_rate=p.corporate_tax_rate)
    rate, status = economics.irr(table["net"])
    costs = table["capex"] + table["opex"] + table["royalty"] + table["tax"]
    return CashFlow(
        table=table, capex_usd=capex, opex_usd_per_year=opex,
        revenue_usd_per_year_by_element=revenue_by_element, price_usd_per_kg=prices,
        npv_usd=float(economics.npv(p.discount_rate, table["net"])), irr=rate, irr_status=status,
        payback_years=economics.payback_years(table["net"]),
        unit_cost_usd_per_kg_reo=float(economics.levelised_unit_cost(
            p.discount_rate, costs, table["producing"] * reo_t * 1000.0)))


# ---------------------------------------------------------------------------------------------
# market


class JapanCoverageParams(Params):
    """Japan's demand coverage and the share of world supply."""

    world_production_t_reo: float = P("t/year", "world mine production of REO", gt=0)


@register("market", "japan_coverage", JapanCoverageParams, default=True)
def run_japan_coverage(p: JapanCoverageParams, up: Mapping[str, object]) -> MarketOutcome:
    """Production over Japan's sourced demand items (La, Ce, Pr+Nd, Eu, Y, total)."""
    ox: OxideProducts = up["refining"]
    items = japan_demand()
    coverage = market.demand_coverage(ox.oxide_t_per_year, items)
    return MarketOutcome(
        japan_demand_coverage={k: float(v) for k, v in coverage.items()},
        japan_demand_t_per_year={k: v[1] for k, v in items.items()},
        world_supply_share=float(market.world_share(ox.oxide_t_per_year,
                                                    p.world_production_t_reo)))
