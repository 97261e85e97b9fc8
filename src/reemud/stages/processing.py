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
    """Plitt hydrocyclone classifying the mud's clay and apatite phases."""

    cyclone_diameter_cm: float = P("cm", "cyclone diameter D_c", gt=0)
    inlet_diameter_cm: float = P("cm", "inlet diameter D_i", gt=0)
    vortex_finder_diameter_cm: float = P("cm", "vortex-finder diameter D_o", gt=0)
    apex_diameter_cm: float = P("cm", "apex (spigot) diameter D_u", gt=0)
    free_vortex_height_cm: float = P("cm", "free-vortex height h", gt=0)
    pressure_drop_kpa: float = P("kPa", "operating pressure drop of each cyclone", gt=0)
    d50_factor: float = P("", "Plitt calibration factor on d50c", gt=0)
    sharpness_factor: float = P("", "Plitt calibration factor on the sharpness m", gt=0)
    split_factor: float = P("", "Plitt calibration factor on the flow split S", gt=0)
    concentrate_moisture_fraction: float = P("", "moisture of the shipped concentrate (wet basis)",
                                             ge=0, lt=1)


@register("beneficiation", "plitt_hydrocyclone", PlittHydrocycloneParams, default=True)
def run_plitt_hydrocyclone(p: PlittHydrocycloneParams, up: Mapping[str, object],
                           seed: int) -> Concentrate:
    """Plitt partition of each phase's size distribution; underflow is the concentrate."""
    dep: Deposit = up["deposit"]
    feed: MudFeed = up["collector"]
    slurry: Slurry = up["lifting"]
    feed_t = slurry.solids_dry_t_per_year
    rey_feed = slurry.rey_t_per_year
    grade = float(rey_feed.sum() / feed_t * 1e6)
    f_ap = feed.apatite_fraction
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
    d50c, partition, recovery = {}, {}, {}
    for name, fractions in dep.phase_size_fractions.items():
        rho = dep.phase_density_kg_per_m3[name] / 1000.0
        d50c[name] = float(p.d50_factor * beneficiation.plitt_d50c_um(
            q_cyc, phi_vol_pct=phi, solids_density_t_per_m3=rho, **geometry))
        partition[name] = beneficiation.actual_partition(SIZE_MID_UM, np.array(d50c[name]),
                                                         np.array(m), np.array(bypass))
        recovery[name] = float((fractions * partition[name]).sum())
    mass = {"clay": feed_t * (1.0 - f_ap), "apatite": feed_t * f_ap}
    rey_by_phase = {k: mass[k] * dep.phase_grade_ppm[k] for k in mass}
    rey_recovery = sum(rey_by_phase[k] * recovery[k] for k in mass) / sum(rey_by_phase.values())
    conc_t = mass["clay"] * recovery["clay"] + mass["apatite"] * recovery["apatite"]
    rey_conc = rey_feed * rey_recovery
    slurry_m3_per_h = feed.lift_rate_dry_t_per_h * 1000.0 / (slurry.solids_volume_fraction
                                                             * slurry.solids_density_kg_per_m3)
    flow_total_l_per_min = slurry_m3_per_h * 1000.0 / 60.0
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
        d50c_um=d50c, sharpness=m, bypass=bypass, size_um=np.asarray(SIZE_MID_UM),
        partition=partition)


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
