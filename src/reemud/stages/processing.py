"""Stage models from the deck to the oxides: beneficiation, leaching, separation, refining."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np
from pydantic import field_validator

from reemud import beneficiation, leaching, refining, separation
from reemud.elements import ATOMIC_MASS_G_PER_MOL, INDEX, N_ELEMENTS, REY, moles
from reemud.errors import OutOfDomainWarning, Problem, ScenarioError
from reemud.particles import SIZE_MID_UM
from reemud.records import (
    Concentrate,
    Deposit,
    Draws,
    MudFeed,
    OxideProducts,
    PregnantLiquor,
    SeparatedProducts,
    Slurry,
)
from reemud.registry import register, register_draws
from reemud.stages.common import (
    IMPURITY_OXIDE,
    P,
    Params,
    impurity_isotherm,
    leach_acids,
    map_groups,
    one_of,
    oxalate_isotherm,
    separation_factor_sets,
)

# ---------------------------------------------------------------------------------------------
# beneficiation


class PlittHydrocycloneParams(Params):
    """Plitt hydrocyclone circuit classifying the mud's grain phases, then dewatering."""

    cyclone_diameter_cm: float = P("cm", "cyclone diameter D_c", gt=0)
    inlet_diameter_cm: float = P("cm", "inlet diameter D_i", gt=0)
    vortex_finder_diameter_cm: float = P("cm", "vortex-finder diameter D_o", gt=0)
    apex_diameter_cm: float = P("cm", "apex (spigot) diameter D_u", gt=0)
    free_vortex_height_cm: float = P("cm", "free-vortex height h", gt=0)
    pressure_drop_kpa: float = P("kPa", "operating pressure drop of each cyclone", gt=0)
    d50_factor: float = P("", "Plitt calibration factor on d50c", gt=0)
    pressure_factor: float = P("", "Plitt calibration factor on the pressure drop", gt=0)
    sharpness_factor: float = P("", "Plitt calibration factor on the sharpness m", gt=0)
    split_factor: float = P("", "Plitt calibration factor on the flow split S", gt=0)
    circuit: str = P("", "cyclone circuit: single, primary_cleaner or primary_scavenger")
    concentrate_moisture_fraction: float = P("", "moisture of the shipped concentrate (wet basis)",
                                             ge=0, lt=1)
    return_solids_kg_per_m3: float = P("kg/m**3", "fines carried by the dewatering return water",
                                       ge=0)
    tailings_discharge: str = P("", "where the cyclone overflow goes: land or sea")

    @field_validator("circuit")
    @classmethod
    def _circuit(cls, v: str) -> str:
        return one_of(v, beneficiation.CIRCUITS)

    @field_validator("tailings_discharge")
    @classmethod
    def _discharge(cls, v: str) -> str:
        return one_of(v, ("land", "sea"))


GRADE_RECOVERY_D50_MULTIPLIERS = np.geomspace(0.25, 4.0, 25)


@register("beneficiation", "plitt_hydrocyclone", PlittHydrocycloneParams, default=True)
def run_plitt_hydrocyclone(p: PlittHydrocycloneParams, up: Mapping[str, object],
                           seed: int) -> Concentrate:
    """Plitt partition of every phase through the circuit; dewatered underflow is the concentrate."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    slurry: Slurry = up["lifting"]
    c = _classify(p, dep, feed, slurry)
    mass, rey_mass, d50c, m, bypass = c["mass"], c["rey_mass"], c["d50c"], c["sharpness"], c["bypass"]
    sweep_mass, sweep_rey = 0.0, 0.0
    for name, fractions in dep.phase_size_fractions.items():
        # grade-recovery trade-off: the same circuit with the cut moved
        swept = beneficiation.circuit_partition(beneficiation.actual_partition(
            SIZE_MID_UM, d50c[name] * GRADE_RECOVERY_D50_MULTIPLIERS, np.array(m),
            np.array(bypass)), p.circuit)
        phase_recovery = (fractions * swept).sum(axis=-1)
        sweep_mass = sweep_mass + mass[name] * phase_recovery
        sweep_rey = sweep_rey + rey_mass[name] * phase_recovery
    conc_t, grade, feed_t = float(c["dry_t_per_year"]), float(c["feed_grade_ppm"]), c["feed_t"]
    rey_conc = c["rey_t_per_year"]
    slurry_m3_per_h = feed.lift_rate_dry_t_per_h * 1000.0 / (
        slurry.solids_volume_fraction * slurry.solids_density_kg_per_m3)
    q_cyc = float(c["q_cyc"])
    return Concentrate(
        dry_t_per_year=conc_t, wet_t_per_year=float(c["wet_t_per_year"]),
        rey_t_per_year=rey_conc, tailings_dry_t_per_year=float(c["tailings_dry_t_per_year"]),
        tailings_rey_t_per_year=c["tailings_rey_t_per_year"],
        upgrade_factor=float(c["upgrade_factor"]), mass_pull=conc_t / feed_t,
        rey_recovery=float(c["rey_recovery"]), feed_grade_ppm=grade,
        concentrate_grade_ppm=float(rey_conc.sum() / conc_t * 1e6),
        apatite_fraction_feed=feed.apatite_fraction,
        apatite_fraction_concentrate=float(c["apatite_fraction_concentrate"]),
        cyclones=float(np.ceil(slurry_m3_per_h * 1000.0 / 60.0 / q_cyc)),
        flow_per_cyclone_l_per_min=q_cyc, d50c_um={k: float(v) for k, v in d50c.items()},
        sharpness=float(m), bypass=float(bypass), size_um=np.asarray(SIZE_MID_UM),
        partition=c["partition"], circuit=p.circuit,
        phase_recovery={k: float(v) for k, v in c["phase_recovery"].items()},
        water_t_per_year={k: float(v) for k, v in c["water_t_per_year"].items()},
        return_solids_t_per_year=float(c["return_solids_t_per_year"]),
        dewatering_loss_rey_t_per_year=c["dewatering_loss_rey_t_per_year"],
        tailings_discharge=p.tailings_discharge,
        grade_recovery={"d50_multiplier": GRADE_RECOVERY_D50_MULTIPLIERS,
                        "rey_recovery": sweep_rey / sum(rey_mass.values()),
                        "grade_ppm": sweep_rey / sweep_mass,
                        "upgrade_factor": sweep_rey / sweep_mass / grade})


def _classify(p, dep, feed, slurry) -> dict:
    """Plitt partition of every phase through the circuit, then dewatering (scalars or draws)."""
    feed_t = slurry.solids_dry_t_per_year
    rey_feed = slurry.rey_t_per_year
    grade = rey_feed.sum(axis=-1) / feed_t * 1e6
    cv = slurry.solids_volume_fraction
    phi = cv * 100.0
    geometry = dict(dc_cm=p.cyclone_diameter_cm, di_cm=p.inlet_diameter_cm,
                    do_cm=p.vortex_finder_diameter_cm, du_cm=p.apex_diameter_cm,
                    h_cm=p.free_vortex_height_cm)
    q_cyc = beneficiation.plitt_flow_l_per_min(p.pressure_drop_kpa / p.pressure_factor,
                                               phi_vol_pct=phi, **geometry)
    pulp_density = (dep.seawater_density_kg_per_m3 + cv * (slurry.solids_density_kg_per_m3
                                                           - dep.seawater_density_kg_per_m3)) / 1000
    split = p.split_factor * beneficiation.plitt_split(
        p.pressure_drop_kpa, dc_cm=p.cyclone_diameter_cm, do_cm=p.vortex_finder_diameter_cm,
        du_cm=p.apex_diameter_cm, h_cm=p.free_vortex_height_cm, phi_vol_pct=phi,
        pulp_density_t_per_m3=pulp_density)
    bypass = split / (1.0 + split)
    m = p.sharpness_factor * beneficiation.plitt_sharpness(
        q_cyc, bypass, dc_cm=p.cyclone_diameter_cm, h_cm=p.free_vortex_height_cm)
    mass = {k: feed_t * f for k, f in feed.phase_mass_fractions.items()}
    rey_mass = {k: mass[k] * dep.phase_grade_ppm[k] for k in mass}
    d50c, partition, recovery = {}, {}, {}
    for name, fractions in dep.phase_size_fractions.items():
        rho = dep.phase_density_kg_per_m3[name] / 1000.0
        d50c[name] = p.d50_factor * beneficiation.plitt_d50c_um(
            q_cyc, phi_vol_pct=phi, solids_density_t_per_m3=rho, **geometry)
        stage = beneficiation.actual_partition(SIZE_MID_UM, np.asarray(d50c[name]),
                                               np.asarray(m), np.asarray(bypass))
        partition[name] = beneficiation.circuit_partition(stage, p.circuit)
        recovery[name] = (fractions * partition[name]).sum(axis=-1)
    underflow_t = sum(mass[k] * recovery[k] for k in mass)
    rey_recovery = sum(rey_mass[k] * recovery[k] for k in mass) / sum(rey_mass.values())
    rey_underflow = rey_feed * np.asarray(rey_recovery)[..., None]
    water_feed = feed_t / (slurry.solids_density_kg_per_m3 / 1000.0) * (1.0 - cv) / cv
    water_underflow = water_feed * beneficiation.circuit_partition(bypass, p.circuit)
    dew = beneficiation.dewatering(solids_t=underflow_t, water_t=water_underflow,
                                   cake_moisture_fraction=p.concentrate_moisture_fraction,
                                   return_solids_kg_per_m3=p.return_solids_kg_per_m3)
    conc_t = dew["cake_solids_t"]
    rey_conc = rey_underflow * np.asarray(conc_t / underflow_t)[..., None]
    carrier = _carrier(dep)
    return dict(
        feed_t=feed_t, feed_grade_ppm=grade, q_cyc=q_cyc, sharpness=m, bypass=bypass, mass=mass,
        rey_mass=rey_mass, d50c=d50c, partition=partition, phase_recovery=recovery,
        dry_t_per_year=conc_t, wet_t_per_year=conc_t + dew["cake_water_t"],
        rey_t_per_year=rey_conc, tailings_dry_t_per_year=feed_t - underflow_t,
        tailings_rey_t_per_year=rey_feed - rey_underflow,
        upgrade_factor=rey_conc.sum(axis=-1) / conc_t * 1e6 / grade,
        rey_recovery=rey_conc.sum(axis=-1) / rey_feed.sum(axis=-1),
        apatite_fraction_concentrate=mass[carrier] * recovery[carrier] / underflow_t,
        water_t_per_year={"feed": water_feed, "overflow": water_feed - water_underflow,
                          "cake": dew["cake_water_t"], "return": dew["return_water_t"]},
        return_solids_t_per_year=dew["return_solids_t"],
        dewatering_loss_rey_t_per_year=rey_underflow - rey_conc)


@register_draws("beneficiation", "plitt_hydrocyclone")
def plitt_hydrocyclone_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_plitt_hydrocyclone`` on the draw axis (no grade-recovery sweep)."""
    c = _classify(p, up["deposit"], up["collector"], up["lifting"])
    keep = ("dry_t_per_year", "wet_t_per_year", "rey_t_per_year", "tailings_rey_t_per_year",
            "tailings_dry_t_per_year",
            "upgrade_factor", "rey_recovery", "apatite_fraction_concentrate", "partition",
            "phase_recovery", "return_solids_t_per_year", "dewatering_loss_rey_t_per_year")
    return Draws(tailings_discharge=p.tailings_discharge, **{k: c[k] for k in keep})


def _carrier(dep: Deposit) -> str:
    return next(k for k, r in dep.phase_role.items() if r == "carrier")


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
        return one_of(v, leach_acids())


@register("leaching", "takaya2015", Takaya2015Params)
def run_takaya2015(p: Takaya2015Params, up: Mapping[str, object], seed: int) -> PregnantLiquor:
    """Per-element recoveries of Takaya et al. 2015; acid from apatite dissolution + free acid."""
    conc: Concentrate = up["beneficiation"]
    low, high = TAKAYA_OPTIMUM_MOL_PER_L
    if not low <= p.acid_concentration_mol_per_l <= high:
        warnings.warn(
            f"leaching.acid_concentration_mol_per_l = {p.acid_concentration_mol_per_l} lies "
            f"outside {low}-{high} mol/L, where Takaya et al. 2015 measured the recoveries used; "
            "they fall at higher acid (re-precipitation)", OutOfDomainWarning, stacklevel=2)
    t = _takaya(p, conc)
    kg_per_t = float(t["acid_kg_per_dry_t"])
    return PregnantLiquor(
        rey_t_per_year=t["rey_t_per_year"], residue_rey_t_per_year=t["residue_rey_t_per_year"],
        recovery=t["recovery"], acid=p.acid, acid_kg_per_dry_t=kg_per_t,
        acid_t_per_year=kg_per_t * conc.dry_t_per_year / 1000.0)


def _takaya(p, conc) -> dict:
    acid = leach_acids()[p.acid]
    rec = leaching.takaya2015_recoveries(acid["recovery_rey_ex_ce"], acid["recovery_ce"])
    liquor = conc.rey_t_per_year * rec
    kg_per_t = leaching.acid_consumption_kg_per_dry_t(
        conc.apatite_fraction_concentrate, p.acid_concentration_mol_per_l,
        p.liquid_to_solid_l_per_kg, acid["molar_mass_g_per_mol"], acid["protons_per_mol"])
    return dict(rey_t_per_year=liquor, residue_rey_t_per_year=conc.rey_t_per_year - liquor,
                recovery=rec, acid_kg_per_dry_t=kg_per_t,
                acid_t_per_year=kg_per_t * conc.dry_t_per_year / 1000.0)


@register_draws("leaching", "takaya2015")
def takaya2015_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_takaya2015`` on the draw axis (the out-of-range warning is left to single runs)."""
    return Draws(impurities_t_per_year={}, **_takaya(p, up["beneficiation"]))


class KineticCstrParams(Params):
    """CSTR train with shrinking-core dissolution, re-precipitation and counter-current washing."""

    acid: str = P("", "leach acid: HCl or H2SO4 (rows of data/leach_acids.csv)")
    acid_concentration_mol_per_l: float = P("mol/L", "acid concentration fed to the leach", gt=0,
                                            le=12)
    liquid_to_solid_l_per_kg: float = P("L/kg", "leach liquid/solid ratio", gt=0, le=200)
    temperature_c: float = P("degC", "leach temperature", ge=0, le=100)
    residence_time_min: float = P("min", "mean residence time of the CSTR train", gt=0)
    tanks: int = P("", "number of equal CSTRs in series", ge=1, le=20)
    tau_ref_min: float = P("min", "time to full conversion at 0.5 mol/L and 25 °C", gt=0)
    acid_order: float = P("", "order of the dissolution rate in acid", ge=0, le=3)
    activation_j_per_mol: float = P("J/mol", "activation energy of dissolution", ge=0)
    loss_acid_exponent: float = P("", "growth of re-precipitation with acid", ge=0)
    loss_activation_j_per_mol: float = P("J/mol", "activation energy of re-precipitation", ge=0)
    ce_in_refractory_fraction: float = P("", "share of Ce held in phases dilute acid leaves", ge=0,
                                         le=1)
    wash_stages: int = P("", "counter-current washing stages of the residue", ge=0, le=20)
    wash_ratio: float = P("", "wash water over liquor leaving with the residue", gt=0)
    residue_moisture_fraction: float = P("", "liquor in the washed residue (wet basis)", ge=0,
                                         lt=1)
    clay_dissolved_fraction: float = P("", "share of the clay phase the acid dissolves", ge=0,
                                       le=1)
    clay_fe2o3_fraction: float = P("", "Fe2O3 mass fraction of the clay phase", ge=0, le=1)
    clay_al2o3_fraction: float = P("", "Al2O3 mass fraction of the clay phase", ge=0, le=1)
    seawater_sodium_kg_per_t: float = P("kg/t", "sodium in seawater carried by the concentrate",
                                        ge=0)

    @field_validator("acid")
    @classmethod
    def _acid(cls, v: str) -> str:
        return one_of(v, leach_acids())


LEACH_DOMAIN = {"acid_concentration_mol_per_l": (0.05, 2.0), "temperature_c": (5.0, 80.0)}
"""Ranges over which the kinetic leach constants were chosen (Takaya et al. 2015 explored
dilute acid around 0.25-0.5 mol/L, minutes, 25 °C and above)."""

FE_PER_FE2O3 = 2 * 55.845 / 159.69
AL_PER_AL2O3 = 2 * 26.982 / 101.96
CA_PER_APATITE = 5 * 40.078 / 502.31
H_PER_FE2O3_G = 6 / 159.69
H_PER_AL2O3_G = 6 / 101.96


def _kinetics(p: KineticCstrParams, acid: dict, demand: float, **grid) -> dict:
    kw = dict(tau_ref_min=p.tau_ref_min, acid_order=p.acid_order,
              activation_j_per_mol=p.activation_j_per_mol, loss_acid_exponent=p.loss_acid_exponent,
              loss_activation_j_per_mol=p.loss_activation_j_per_mol,
              demand_mol_h_per_l=demand, protons_per_mol=acid["protons_per_mol"])
    return kw | grid


def _leach(p, dep, feed, conc, acid: dict) -> dict:
    """Leach, re-precipitation, washing and acid use of the concentrate (scalars or draws)."""
    # phase masses and REY in the concentrate
    cake_share = conc.dry_t_per_year / sum(feed.mud_dry_t_per_year * feed.phase_mass_fractions[k]
                                           * conc.phase_recovery[k] for k in conc.phase_recovery)
    mass = {k: feed.mud_dry_t_per_year * f * conc.phase_recovery[k] * cake_share
            for k, f in feed.phase_mass_fractions.items()}
    rey = {k: mass[k] * dep.phase_grade_ppm[k] for k in mass}
    carrier = next(k for k, r in dep.phase_role.items() if r == "carrier")
    clay_t = sum(m for k, m in mass.items() if dep.phase_leach_group[k] == "matrix")
    dissolved_clay_kg_per_l = clay_t / conc.dry_t_per_year * p.clay_dissolved_fraction \
        / p.liquid_to_solid_l_per_kg
    demand = (mass[carrier] / conc.dry_t_per_year * 1000.0 / leaching.HYDROXYAPATITE_G_PER_MOL
              * leaching.PROTONS_PER_APATITE / p.liquid_to_solid_l_per_kg
              + dissolved_clay_kg_per_l * 1000.0 * (p.clay_fe2o3_fraction * H_PER_FE2O3_G
                                                   + p.clay_al2o3_fraction * H_PER_AL2O3_G))
    times = np.linspace(0.0, 10.0 * np.asarray(p.residence_time_min, dtype=float), 501, axis=-1)
    # per-draw constants meet the time axis of the march
    kinetic = {k: np.asarray(getattr(p, k))[..., None] if np.ndim(getattr(p, k)) else
               getattr(p, k) for k in ("tau_ref_min", "acid_order", "activation_j_per_mol",
                                       "loss_acid_exponent", "loss_activation_j_per_mol")}
    base = dict(kinetic, demand_mol_h_per_l=demand, protons_per_mol=acid["protons_per_mol"],
                acid_mol_per_l=p.acid_concentration_mol_per_l, temperature_c=p.temperature_c)
    # 500 intervals of 0.1 τ/10: the midpoint march is within ~4e-5 of the converged value
    batch = leaching.batch_extraction_profile(
        times, loss_ref=acid["loss_ref"],
        ageing_rate_ref_per_min=acid["ageing_rate_ref_per_min"], substeps=1, **base)
    dissolution = leaching.batch_extraction_profile(times, loss_ref=0.0,
                                                    ageing_rate_ref_per_min=0.0, substeps=1,
                                                    **base)
    extraction = leaching.tanks_in_series_average(batch, times, p.residence_time_min, p.tanks)
    dissolved = leaching.tanks_in_series_average(dissolution, times, p.residence_time_min,
                                                 p.tanks)
    wash_loss = leaching.countercurrent_wash_loss(p.wash_ratio, p.wash_stages)
    leachable = sum(rey[k] for k in rey if dep.phase_leach_group[k] != "refractory")
    group_share = leachable / sum(rey.values())
    rec = np.asarray(extraction * group_share * (1.0 - wash_loss))[..., None] \
        * np.ones(N_ELEMENTS)
    rec[..., INDEX["Ce"]] *= 1.0 - p.ce_in_refractory_fraction
    liquor = conc.rey_t_per_year * rec
    c0 = p.acid_concentration_mol_per_l
    c_end = np.maximum(c0 - demand * dissolved / acid["protons_per_mol"], 0.0)
    consumed_mol_per_kg = (c0 - c_end) * p.liquid_to_solid_l_per_kg
    acid_kg_per_t = (consumed_mol_per_kg + c_end * p.liquid_to_solid_l_per_kg) \
        * acid["molar_mass_g_per_mol"]
    impurities = {
        "Ca": mass[carrier] * dissolved * CA_PER_APATITE,
        "Fe": clay_t * p.clay_dissolved_fraction * p.clay_fe2o3_fraction * FE_PER_FE2O3,
        "Al": clay_t * p.clay_dissolved_fraction * p.clay_al2o3_fraction * AL_PER_AL2O3,
        "Na": (conc.wet_t_per_year - conc.dry_t_per_year) * p.seawater_sodium_kg_per_t / 1000.0,
    }
    return dict(demand=demand, extraction=extraction, wash_loss=wash_loss, recovery=rec,
                rey_t_per_year=liquor, residue_rey_t_per_year=conc.rey_t_per_year - liquor,
                liquor_m3_per_year=p.liquid_to_solid_l_per_kg * conc.dry_t_per_year,
                acid_kg_per_dry_t=acid_kg_per_t,
                acid_t_per_year=acid_kg_per_t * conc.dry_t_per_year / 1000.0,
                impurities_t_per_year={k: v * (1.0 - wash_loss) for k, v in impurities.items()})


def _warn_outside_leach_domain(p) -> None:
    for name, (low, high) in LEACH_DOMAIN.items():
        value = np.asarray(getattr(p, name))
        if np.any((value < low) | (value > high)):
            # drawn values: one message for every block of draws (warnings shows it once)
            shown = f" = {value} lies" if value.ndim == 0 else ": some draws lie"
            warnings.warn(f"leaching.{name}{shown} outside {low}-{high}, where the "
                          "kinetic constants were chosen; the result is an extrapolation",
                          OutOfDomainWarning, stacklevel=3)


@register_draws("leaching", "kinetic_cstr")
def kinetic_cstr_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_kinetic_cstr`` on the draw axis (no extraction surfaces)."""
    _warn_outside_leach_domain(p)
    lx = _leach(p, up["deposit"], up["collector"], up["beneficiation"], leach_acids()[p.acid])
    keep = ("rey_t_per_year", "residue_rey_t_per_year", "recovery", "acid_kg_per_dry_t",
            "acid_t_per_year", "impurities_t_per_year")
    return Draws(**{k: lx[k] for k in keep})


@register("leaching", "kinetic_cstr", KineticCstrParams, default=True)
def run_kinetic_cstr(p: KineticCstrParams, up: Mapping[str, object], seed: int) -> PregnantLiquor:
    """Shrinking-core leach of each phase in a CSTR train, re-precipitation, washing, acid use."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    conc: Concentrate = up["beneficiation"]
    _warn_outside_leach_domain(p)
    acid = leach_acids()[p.acid]
    lx = _leach(p, dep, feed, conc, acid)
    demand, liquor, liquor_m3 = lx["demand"], lx["rey_t_per_year"], lx["liquor_m3_per_year"]
    impurities = {k: float(v) for k, v in lx["impurities_t_per_year"].items()}
    grams_per_l = {k: v * 1e6 / (liquor_m3 * 1000.0) for k, v in impurities.items()}
    grams_per_l["REY"] = float(liquor.sum()) * 1e6 / (liquor_m3 * 1000.0)
    extraction, wash_loss, rec = float(lx["extraction"]), float(lx["wash_loss"]), lx["recovery"]
    acid_kg_per_t = float(lx["acid_kg_per_dry_t"])
    acids, minutes = np.geomspace(0.05, 2.0, 30), np.geomspace(0.5, 60.0, 30)
    surface = leaching.batch_extraction_profile(
        np.concatenate([[0.0], minutes]), loss_ref=acid["loss_ref"],
        ageing_rate_ref_per_min=acid["ageing_rate_ref_per_min"],
        **_kinetics(p, acid, demand, acid_mol_per_l=acids, temperature_c=p.temperature_c))[:, 1:]
    temps = np.linspace(5.0, 80.0, 31)
    by_temp = leaching.batch_extraction(
        np.full_like(temps, p.residence_time_min), loss_ref=acid["loss_ref"],
        ageing_rate_ref_per_min=acid["ageing_rate_ref_per_min"],
        **_kinetics(p, acid, demand, acid_mol_per_l=p.acid_concentration_mol_per_l,
                    temperature_c=temps))
    return PregnantLiquor(
        rey_t_per_year=liquor, residue_rey_t_per_year=conc.rey_t_per_year - liquor,
        recovery=rec, acid=p.acid, acid_kg_per_dry_t=float(acid_kg_per_t),
        acid_t_per_year=float(acid_kg_per_t) * conc.dry_t_per_year / 1000.0,
        extraction=extraction, wash_loss=wash_loss, liquor_m3_per_year=float(liquor_m3),
        impurities_t_per_year=impurities, composition_g_per_l=grams_per_l,
        surfaces={"acid_mol_per_l": acids, "time_min": minutes, "extraction": surface,
                  "temperature_c": temps, "extraction_by_temperature": by_temp})




# ---------------------------------------------------------------------------------------------
# separation


class FixedRecoveryParams(Params):
    """Solvent extraction as a stated recovery per element."""

    recovery: float = P("", "fraction of each element reaching its product", gt=0, le=1)
    impurity_transfer_fraction: float = P("", "share of the liquor's Ca, Fe, Al reaching the "
                                          "strip liquors", ge=0, le=1)
    organic_flux_per_feed: float = P("", "organic RE flux per mole of feed RE in each cut", gt=0)
    cuts_per_element: float = P("", "mean number of SX cuts each element passes through", ge=1)


@register("separation", "fixed_recovery", FixedRecoveryParams)
def run_fixed_recovery(p: FixedRecoveryParams, up: Mapping[str, object], seed: int) -> SeparatedProducts:
    """Each element to its own product at a stated recovery; NaOH and HCl by stoichiometry."""
    f = _fixed_recovery(p, up["leaching"])
    return SeparatedProducts(product_rey_t_per_year=f["product_rey_t_per_year"],
                             loss_rey_t_per_year=f["loss_rey_t_per_year"], recovery=f["recovery"],
                             naoh_t_per_year=float(f["naoh_t_per_year"]),
                             hcl_t_per_year=float(f["hcl_t_per_year"]),
                             impurities_t_per_year=f["impurities_t_per_year"])


def _fixed_recovery(p, liquor) -> dict:
    rec = np.asarray(p.recovery, dtype=float)[..., None] * np.ones(N_ELEMENTS)
    product, loss = separation.split_fixed_recovery(liquor.rey_t_per_year, rec)
    naoh, hcl = separation.sx_reagents_t(liquor.rey_t_per_year, p.organic_flux_per_feed,
                                         p.cuts_per_element)
    return dict(product_rey_t_per_year=product, loss_rey_t_per_year=loss, recovery=rec,
                naoh_t_per_year=naoh, hcl_t_per_year=hcl,
                impurities_t_per_year=_transferred(liquor, p.impurity_transfer_fraction))


@register_draws("separation", "fixed_recovery")
def fixed_recovery_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_fixed_recovery`` on the draw axis (no cascade design: no stages, no inventory)."""
    f = _fixed_recovery(p, up["leaching"])
    return Draws(total_stages=None, organic_inventory_m3=np.nan,
                 **{k: f[k] for k in ("product_rey_t_per_year", "loss_rey_t_per_year",
                                      "naoh_t_per_year", "hcl_t_per_year",
                                      "impurities_t_per_year")})


class SxFlowsheetParams(Params):
    """A direct sequence of extraction + scrub cascades splitting the REY into products."""

    separation_factors: str = P("", "set of relative distribution ratios in "
                                "data/separation_factors.csv")
    products: str = P("", "product groups, light to heavy: elements joined by +, groups by |")
    purity_spec: float = P("", "purity every cut must reach for both its products", gt=0.5,
                           lt=1)
    recovery_spec: float = P("", "recovery every cut must reach for both its products", gt=0,
                             lt=1)
    reflux_multiple: float = P("", "scrub flux over the minimum 1/(β − 1)", gt=1)
    max_stages: int = P("", "most stages a single cut may have", ge=2, le=5000)
    organic_loading_mol_per_l: float = P("mol/L", "RE carried per litre of loaded organic", gt=0)
    stage_residence_min: float = P("min", "organic residence time per mixer-settler stage", gt=0)
    impurity_transfer_fraction: float = P("", "share of the liquor's Ca, Fe, Al reaching the "
                                          "strip liquors", ge=0, le=1)

    @field_validator("separation_factors")
    @classmethod
    def _factors(cls, v: str) -> str:
        return one_of(v, separation_factor_sets())

    @field_validator("products")
    @classmethod
    def _products(cls, v: str) -> str:
        groups = [g.split("+") for g in v.replace(" ", "").split("|")]
        symbols = [s for g in groups for s in g]
        unknown = sorted(set(symbols) - set(REY))
        if unknown:
            raise ValueError(f"unknown elements {', '.join(unknown)}; use {', '.join(REY)}")
        if sorted(symbols) != sorted(REY):
            missing = sorted(set(REY) - set(symbols))
            raise ValueError(f"every REY must be in exactly one product (missing: "
                             f"{', '.join(missing) or 'none'}; repeated: "
                             f"{len(symbols) - len(set(symbols))})")
        return v


@register("separation", "sx_flowsheet", SxFlowsheetParams, default=True)
def run_sx_flowsheet(p: SxFlowsheetParams, up: Mapping[str, object],
                     seed: int) -> SeparatedProducts:
    """Design every cut to spec, solve the cascades, and account reagents and organic held."""
    from reemud.separation.flowsheet import run_flowsheet

    liquor: PregnantLiquor = up["leaching"]
    feed_mol = moles(liquor.rey_t_per_year)  # Mmol/yr
    try:
        flows, cuts = run_flowsheet(feed_mol, separation_factor_sets()[p.separation_factors],
                                    _groups(p.products), purity=p.purity_spec, recovery=p.recovery_spec,
                                    reflux_multiple=p.reflux_multiple, max_stages=p.max_stages)
    except ValueError as exc:
        raise ScenarioError([Problem("separation.products", p.products, str(exc),
                                     "change the product groups, the specs or max_stages")]) from None
    purity = {name: float(flow[_members(name)].sum() / flow.sum()) if flow.sum() > 0 else None
              for name, flow in flows.items()}
    product = _own_products(flows) * ATOMIC_MASS_G_PER_MOL  # Mmol/yr x g/mol = t/yr
    feed_t = liquor.rey_t_per_year
    totals = _cut_totals(cuts)
    naoh, hcl = _naoh_hcl_t(totals["reagent_mol"])
    return SeparatedProducts(
        product_rey_t_per_year=product, loss_rey_t_per_year=feed_t - product,
        recovery=np.divide(product, feed_t, out=np.zeros(N_ELEMENTS), where=feed_t > 0),
        naoh_t_per_year=naoh, hcl_t_per_year=hcl,
        impurities_t_per_year=_transferred(liquor, p.impurity_transfer_fraction),
        products={k: v * ATOMIC_MASS_G_PER_MOL for k, v in flows.items()},
        product_purity=purity, cuts=cuts,
        organic_inventory_m3=float(_organic_m3(totals["stage_flux_mol"], p.stage_residence_min,
                                               p.organic_loading_mol_per_l)))


@register_draws("separation", "sx_flowsheet")
def sx_flowsheet_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_sx_flowsheet`` on the draw axis: one design per distinct feed composition and spec.

    With constant distribution ratios every cascade is linear in its feed, component by
    component, so a design found for a composition gives each draw's products, reagents and
    organic inventory by scaling with that draw's own feed.
    """
    liquor = up["leaching"]
    feed_mol = moles(liquor.rey_t_per_year)  # Mmol/yr
    total = feed_mol.sum(axis=-1)
    composition = feed_mol / np.where(total > 0, total, 1.0)[..., None]

    def design(comp, purity, recovery, reflux, max_stages):
        try:
            return _flowsheet_design(tuple(comp), p.separation_factors, p.products, purity,
                                     recovery, reflux, int(max_stages))
        except ValueError:  # the spec cannot be met: the draw is rejected
            return {"fraction": np.zeros(N_ELEMENTS), "reagent_mol": np.nan,
                    "stage_flux_mol": np.nan, "stages": np.nan, "invalid": True}

    d = map_groups(design, (composition, 1), p.purity_spec, p.recovery_spec, p.reflux_multiple,
                   p.max_stages)
    # the design is per unit feed of its composition: scale by each draw's own feed
    in_design = composition.sum(axis=-1)
    scale = np.where(in_design > 0, total / np.where(in_design > 0, in_design, 1.0), 0.0)
    product = feed_mol * d["fraction"] * ATOMIC_MASS_G_PER_MOL
    naoh, hcl = _naoh_hcl_t(d["reagent_mol"] * scale)
    return Draws(
        product_rey_t_per_year=product, loss_rey_t_per_year=liquor.rey_t_per_year - product,
        naoh_t_per_year=naoh, hcl_t_per_year=hcl,
        impurities_t_per_year=_transferred(liquor, p.impurity_transfer_fraction),
        organic_inventory_m3=_organic_m3(d["stage_flux_mol"] * scale, p.stage_residence_min,
                                         p.organic_loading_mol_per_l),
        total_stages=np.where(d["stages"] > 0, d["stages"], np.nan),  # none: no design
        invalid=d["invalid"])


@lru_cache(maxsize=256)
def _flowsheet_design(composition: tuple, factors: str, products: str, purity: float,
                      recovery: float, reflux: float, max_stages: int) -> Mapping:
    """Design of a feed composition, kept between blocks of draws.

    Returns the share of each element reaching its own product (``fraction``) and the cut totals
    (``_cut_totals``) per unit feed.
    """
    from reemud.separation.flowsheet import run_flowsheet

    comp = np.asarray(composition)
    flows, cuts = run_flowsheet(comp, separation_factor_sets()[factors], _groups(products),
                                purity=purity, recovery=recovery, reflux_multiple=reflux,
                                max_stages=max_stages)
    fraction = np.divide(_own_products(flows), comp, out=np.zeros(N_ELEMENTS), where=comp > 0)
    fraction.setflags(write=False)
    return MappingProxyType({"fraction": fraction, **_cut_totals(cuts), "invalid": False})


def _groups(products: str) -> list[list[str]]:
    """Product groups of a ``products`` string (``"La+Ce|Pr+Nd|…"``), light to heavy."""
    return [g.split("+") for g in products.replace(" ", "").split("|")]


def _members(product: str) -> list[int]:
    """Element indices of a product name (``"Pr+Nd"``)."""
    return [INDEX[s] for s in product.split("+")]


def _own_products(flows: Mapping[str, np.ndarray]) -> np.ndarray:
    """Molar flow of each element in its own product (misplaced elements left out)."""
    own = np.zeros(N_ELEMENTS)
    for name, flow in flows.items():
        own[_members(name)] = flow[_members(name)]
    return own


def _cut_totals(cuts) -> dict[str, float]:
    """Reagent, organic hold-up basis and stages, summed over the cuts.

    ``reagent_mol`` [mol]: 3 S mol of base and of acid per mol of each cut's feed (models.md
    §10.4); ``stage_flux_mol`` [Mmol/yr]: stages × organic RE flux × feed; ``stages``.
    """
    return {"reagent_mol": sum(3.0 * c["organic_re_flux"] * c["feed_mol"] for c in cuts) * 1e6,
            "stage_flux_mol": sum((c["n_extraction"] + c["n_scrub"]) * c["organic_re_flux"]
                                  * c["feed_mol"] for c in cuts),
            "stages": sum(c["n_extraction"] + c["n_scrub"] for c in cuts)}


def _naoh_hcl_t(reagent_mol):
    """NaOH and HCl for ``reagent_mol`` moles of each [t, t]."""
    return (reagent_mol * separation.NAOH_G_PER_MOL * 1e-6,
            reagent_mol * separation.HCL_G_PER_MOL * 1e-6)


def _transferred(liquor, fraction) -> dict:
    """The liquor's impurities (Ca, Fe, Al; sodium stays behind) reaching the strip liquors [t/yr]."""
    return {k: v * fraction for k, v in (liquor.impurities_t_per_year or {}).items()
            if k != "Na"}


def _organic_m3(stage_flux_mol, stage_residence_min, organic_loading_mol_per_l):
    """Organic held in the mixer-settlers [m³]: organic flow (RE flux / loading) × residence."""
    return (np.asarray(stage_flux_mol) * 1e6 / (365.0 * 24.0 * 60.0) * stage_residence_min
            / organic_loading_mol_per_l / 1000.0)


# ---------------------------------------------------------------------------------------------
# refining


class OxalateCalcinationParams(Params):
    """Oxalate precipitation (PrOMMiS isotherm) and calcination to oxides."""

    oxalic_dosage_g_per_l: float = P("g/L", "oxalic-acid dosage of the precipitation", gt=0,
                                     le=200)
    purity_spec: float = P("", "required REO purity of the oxide products (mass fraction)", gt=0,
                           le=1)


@register("refining", "oxalate_calcination", OxalateCalcinationParams, default=True)
def run_oxalate_calcination(p: OxalateCalcinationParams,
                            up: Mapping[str, object], seed: int) -> OxideProducts:
    """Isotherm conversion per element, then stoichiometric calcination to oxides."""
    sep: SeparatedProducts = up["separation"]
    r = _precipitate(p, sep)
    return OxideProducts(
        oxide_t_per_year=r["oxide_t_per_year"], element_t_per_year=r["element_t_per_year"],
        loss_rey_t_per_year=r["loss_rey_t_per_year"],
        precipitation_recovery=r["precipitation_recovery"],
        oxalic_acid_t_per_year=float(r["oxalic_acid_t_per_year"]),
        calcination_co2_t_per_year=float(r["calcination_co2_t_per_year"]),
        impurity_oxide_t_per_year={k: float(v) for k, v in r["impurity_oxide_t_per_year"].items()},
        purity=float(r["purity"]), purity_spec=p.purity_spec)


def _precipitate(p, sep) -> dict:
    """Oxalate precipitation and calcination of every product (scalars or draws)."""
    eps, n = oxalate_isotherm()
    x = refining.oxalate_conversion(p.oxalic_dosage_g_per_l, eps, n)
    precipitated = sep.product_rey_t_per_year * x
    oxide, oxalic, co2 = refining.calcine(precipitated)
    isotherm = impurity_isotherm()
    impurity_oxide = {k: v * refining.precipitated_fraction(p.oxalic_dosage_g_per_l, *isotherm[k])
                      * IMPURITY_OXIDE[k] for k, v in sep.impurities_t_per_year.items()}
    reo = oxide.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        purity = np.where(reo > 0, reo / (reo + sum(impurity_oxide.values(), 0.0)), np.nan)
    return dict(oxide_t_per_year=oxide, element_t_per_year=precipitated,
                loss_rey_t_per_year=sep.product_rey_t_per_year - precipitated,
                precipitation_recovery=x, oxalic_acid_t_per_year=oxalic,
                calcination_co2_t_per_year=co2, impurity_oxide_t_per_year=impurity_oxide,
                purity=purity)


@register_draws("refining", "oxalate_calcination")
def oxalate_calcination_draws(p: Draws, up: Mapping[str, Draws], seed: int) -> Draws:
    """``run_oxalate_calcination`` on the draw axis."""
    return Draws(**_precipitate(p, up["separation"]))
