"""Stage models from the deck to the oxides: beneficiation, leaching, separation, refining."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
from pydantic import field_validator

from reemud import beneficiation, leaching, refining, separation
from reemud.elements import N_ELEMENTS
from reemud.errors import OutOfDomainWarning
from reemud.particles import SIZE_MID_UM
from reemud.records import (
    Concentrate,
    Deposit,
    MudFeed,
    OxideProducts,
    PregnantLiquor,
    SeparatedProducts,
    Slurry,
)
from reemud.registry import register
from reemud.stages.common import P, Params, leach_acids, one_of, oxalate_isotherm

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
    feed_t = slurry.solids_dry_t_per_year
    rey_feed = slurry.rey_t_per_year
    grade = float(rey_feed.sum() / feed_t * 1e6)
    cv = slurry.solids_volume_fraction
    phi = cv * 100.0
    geometry = dict(dc_cm=p.cyclone_diameter_cm, di_cm=p.inlet_diameter_cm,
                    do_cm=p.vortex_finder_diameter_cm, du_cm=p.apex_diameter_cm,
                    h_cm=p.free_vortex_height_cm)
    q_cyc = float(beneficiation.plitt_flow_l_per_min(p.pressure_drop_kpa / p.pressure_factor,
                                                     phi_vol_pct=phi, **geometry))
    pulp_density = (dep.seawater_density_kg_per_m3 + cv * (slurry.solids_density_kg_per_m3
                                                           - dep.seawater_density_kg_per_m3)) / 1000
    split = p.split_factor * beneficiation.plitt_split(
        p.pressure_drop_kpa, dc_cm=p.cyclone_diameter_cm, do_cm=p.vortex_finder_diameter_cm,
        du_cm=p.apex_diameter_cm, h_cm=p.free_vortex_height_cm, phi_vol_pct=phi,
        pulp_density_t_per_m3=pulp_density)
    bypass = float(split / (1.0 + split))
    m = float(p.sharpness_factor * beneficiation.plitt_sharpness(
        q_cyc, bypass, dc_cm=p.cyclone_diameter_cm, h_cm=p.free_vortex_height_cm))
    mass = {k: feed_t * f for k, f in feed.phase_mass_fractions.items()}
    rey_mass = {k: mass[k] * dep.phase_grade_ppm[k] for k in mass}
    d50c, partition, recovery, sweep_mass, sweep_rey = {}, {}, {}, 0.0, 0.0
    for name, fractions in dep.phase_size_fractions.items():
        rho = dep.phase_density_kg_per_m3[name] / 1000.0
        d50c[name] = float(p.d50_factor * beneficiation.plitt_d50c_um(
            q_cyc, phi_vol_pct=phi, solids_density_t_per_m3=rho, **geometry))
        stage = beneficiation.actual_partition(SIZE_MID_UM, np.array(d50c[name]), np.array(m),
                                               np.array(bypass))
        partition[name] = beneficiation.circuit_partition(stage, p.circuit)
        recovery[name] = float((fractions * partition[name]).sum())
        # grade-recovery trade-off: the same circuit with the cut moved
        swept = beneficiation.circuit_partition(beneficiation.actual_partition(
            SIZE_MID_UM, d50c[name] * GRADE_RECOVERY_D50_MULTIPLIERS, np.array(m),
            np.array(bypass)), p.circuit)
        phase_recovery = (fractions * swept).sum(axis=-1)
        sweep_mass = sweep_mass + mass[name] * phase_recovery
        sweep_rey = sweep_rey + rey_mass[name] * phase_recovery
    underflow_t = sum(mass[k] * recovery[k] for k in mass)
    rey_recovery = sum(rey_mass[k] * recovery[k] for k in mass) / sum(rey_mass.values())
    rey_underflow = rey_feed * rey_recovery
    water_feed = feed_t / (slurry.solids_density_kg_per_m3 / 1000.0) * (1.0 - cv) / cv
    water_underflow = water_feed * float(beneficiation.circuit_partition(bypass, p.circuit))
    dew = beneficiation.dewatering(solids_t=underflow_t, water_t=water_underflow,
                                   cake_moisture_fraction=p.concentrate_moisture_fraction,
                                   return_solids_kg_per_m3=p.return_solids_kg_per_m3)
    conc_t = float(dew["cake_solids_t"])
    rey_conc = rey_underflow * conc_t / underflow_t
    slurry_m3_per_h = feed.lift_rate_dry_t_per_h * 1000.0 / (cv * slurry.solids_density_kg_per_m3)
    return Concentrate(
        dry_t_per_year=conc_t, wet_t_per_year=conc_t + float(dew["cake_water_t"]),
        rey_t_per_year=rey_conc, tailings_dry_t_per_year=feed_t - underflow_t,
        tailings_rey_t_per_year=rey_feed - rey_underflow,
        upgrade_factor=float(rey_conc.sum() / conc_t * 1e6 / grade), mass_pull=conc_t / feed_t,
        rey_recovery=float(rey_conc.sum() / rey_feed.sum()), feed_grade_ppm=grade,
        concentrate_grade_ppm=float(rey_conc.sum() / conc_t * 1e6),
        apatite_fraction_feed=feed.apatite_fraction,
        apatite_fraction_concentrate=mass[_carrier(dep)] * recovery[_carrier(dep)] / underflow_t,
        cyclones=float(np.ceil(slurry_m3_per_h * 1000.0 / 60.0 / q_cyc)),
        flow_per_cyclone_l_per_min=q_cyc, d50c_um=d50c, sharpness=m, bypass=bypass,
        size_um=np.asarray(SIZE_MID_UM), partition=partition, circuit=p.circuit,
        phase_recovery=recovery,
        water_t_per_year={"feed": float(water_feed), "overflow": float(water_feed - water_underflow),
                          "cake": float(dew["cake_water_t"]),
                          "return": float(dew["return_water_t"])},
        return_solids_t_per_year=float(dew["return_solids_t"]),
        dewatering_loss_rey_t_per_year=rey_underflow - rey_conc,
        tailings_discharge=p.tailings_discharge,
        grade_recovery={"d50_multiplier": GRADE_RECOVERY_D50_MULTIPLIERS,
                        "rey_recovery": sweep_rey / sum(rey_mass.values()),
                        "grade_ppm": sweep_rey / sweep_mass,
                        "upgrade_factor": sweep_rey / sweep_mass / grade})


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


@register("leaching", "takaya2015", Takaya2015Params, default=True)
def run_takaya2015(p: Takaya2015Params, up: Mapping[str, object], seed: int) -> PregnantLiquor:
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
def run_fixed_recovery(p: FixedRecoveryParams, up: Mapping[str, object], seed: int) -> SeparatedProducts:
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
                            up: Mapping[str, object], seed: int) -> OxideProducts:
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
