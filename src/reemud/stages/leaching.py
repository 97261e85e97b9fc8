"""Leaching stage: Takaya et al. 2015's recoveries, or a kinetic CSTR train (wiring only)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
from pydantic import field_validator

from reemud import leaching
from reemud.elements import INDEX, N_ELEMENTS
from reemud.errors import OutOfDomainWarning
from reemud.records import PregnantLiquor, Rejection
from reemud.registry import register
from reemud.stages.common import P, Params, leach_acids, one_of

TAKAYA_OPTIMUM_MOL_PER_L = (0.25, 0.5)
"""Acid concentrations at which Takaya et al. (2015) measured the recoveries used [mol/L]."""

LEACH_DOMAIN = {"acid_concentration_mol_per_l": (0.05, 2.0), "temperature_c": (5.0, 80.0)}
"""Ranges over which the kinetic leach constants were chosen (Takaya et al. 2015 explored
dilute acid around 0.25-0.5 mol/L, minutes, 25 °C and above)."""


def _warn_outside(p, domain: Mapping[str, tuple[float, float]], why: str) -> None:
    """One ``OutOfDomainWarning`` per parameter outside ``domain`` (a value, or some draws)."""
    for name, (low, high) in domain.items():
        value = np.asarray(getattr(p, name))
        if np.any((value < low) | (value > high)):
            shown = f" = {value} lies" if value.ndim == 0 else ": some draws lie"
            warnings.warn(f"leaching.{name}{shown} outside {low}-{high}, {why}",
                          OutOfDomainWarning, stacklevel=3)


def _liquor(p, conc, *, rey, recovery, acid_kg_per_t, extraction, wash_loss,
            impurities, rejections=()) -> PregnantLiquor:
    liquor_m3 = p.liquid_to_solid_l_per_kg * conc.dry_t_per_year
    to_g_per_l = 1e6 / (liquor_m3 * 1000.0)
    return PregnantLiquor(
        rey_t_per_year=rey, residue_rey_t_per_year=conc.rey_t_per_year - rey, recovery=recovery,
        acid=p.acid, acid_kg_per_dry_t=acid_kg_per_t,
        acid_t_per_year=acid_kg_per_t * conc.dry_t_per_year / 1000.0, extraction=extraction,
        wash_loss=wash_loss, liquor_m3_per_year=liquor_m3, impurities_t_per_year=impurities,
        composition_g_per_l={**{k: v * to_g_per_l for k, v in impurities.items()},
                             "REY": rey.sum(axis=-1) * to_g_per_l},
        rejections=tuple(rejections))


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
    conc = up["beneficiation"]
    _warn_outside(p, {"acid_concentration_mol_per_l": TAKAYA_OPTIMUM_MOL_PER_L},
                  "where Takaya et al. 2015 measured the recoveries used; they fall at higher "
                  "acid (re-precipitation)")
    acid = leach_acids()[p.acid]
    rec = leaching.takaya2015_recoveries(acid["recovery_rey_ex_ce"], acid["recovery_ce"])
    kg_per_t = leaching.acid_consumption_kg_per_dry_t(
        conc.apatite_fraction_concentrate, p.acid_concentration_mol_per_l,
        p.liquid_to_solid_l_per_kg, acid["molar_mass_g_per_mol"], acid["protons_per_mol"])
    return _liquor(p, conc, rey=conc.rey_t_per_year * rec, recovery=rec, acid_kg_per_t=kg_per_t,
                   extraction=np.nan, wash_loss=0.0, impurities={})


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


def _phases_in_concentrate(dep, feed, conc) -> dict:
    """Dry mass of every grain phase in the concentrate [t/yr] (draws first)."""
    fed = {k: feed.mud_dry_t_per_year * f * conc.phase_recovery[k]
           for k, f in feed.phase_mass_fractions.items()}
    cake_share = conc.dry_t_per_year / sum(fed.values())
    return {k: m * cake_share for k, m in fed.items()}


def _kinetic_inputs(p, acid, demand) -> dict:
    return dict(tau_ref_min=p.tau_ref_min, acid_order=p.acid_order,
                activation_j_per_mol=p.activation_j_per_mol,
                loss_acid_exponent=p.loss_acid_exponent,
                loss_activation_j_per_mol=p.loss_activation_j_per_mol,
                demand_mol_h_per_l=demand, protons_per_mol=acid["protons_per_mol"],
                loss_ref=acid["loss_ref"], ageing_rate_ref_per_min=acid["ageing_rate_ref_per_min"])


def _demand(p, dep, mass, conc):
    carrier = next(k for k, r in dep.phase_role.items() if r == "carrier")
    clay_t = sum(m for k, m in mass.items() if dep.phase_leach_group[k] == "matrix")
    return carrier, clay_t, leaching.acid_demand_mol_h_per_l(
        apatite_t=mass[carrier], clay_t=clay_t, concentrate_t=conc.dry_t_per_year,
        liquid_to_solid_l_per_kg=p.liquid_to_solid_l_per_kg,
        clay_dissolved_fraction=p.clay_dissolved_fraction,
        clay_fe2o3_fraction=p.clay_fe2o3_fraction, clay_al2o3_fraction=p.clay_al2o3_fraction)


def leach_surfaces(p, up, liquor: PregnantLiquor, seed: int) -> dict:
    """Batch extraction over acid and time, and after the residence time over temperature."""
    dep, conc = up["deposit"], up["beneficiation"]
    acid = leach_acids()[p.acid]
    _, _, demand = _demand(p, dep, _phases_in_concentrate(dep, up["collector"], conc), conc)
    kw = _kinetic_inputs(p, acid, demand)
    acids, minutes = np.geomspace(0.05, 2.0, 30), np.geomspace(0.5, 60.0, 30)
    surface = leaching.batch_extraction_profile(
        np.concatenate([[0.0], minutes]), acid_mol_per_l=acids, temperature_c=p.temperature_c,
        **kw)[:, 1:]
    temps = np.linspace(5.0, 80.0, 31)
    by_temp = leaching.batch_extraction(
        np.full_like(temps, p.residence_time_min), acid_mol_per_l=p.acid_concentration_mol_per_l,
        temperature_c=temps, **kw)
    return {"surfaces": {"acid_mol_per_l": acids, "time_min": minutes, "extraction": surface,
                         "temperature_c": temps, "extraction_by_temperature": by_temp}}


@register("leaching", "kinetic_cstr", KineticCstrParams, default=True,
          diagnostics=leach_surfaces)
def run_kinetic_cstr(p: KineticCstrParams, up: Mapping[str, object], seed: int) -> PregnantLiquor:
    """Shrinking-core leach of each phase in a CSTR train, re-precipitation, washing, acid use."""
    dep, feed, conc = up["deposit"], up["collector"], up["beneficiation"]
    _warn_outside(p, LEACH_DOMAIN, "where the kinetic constants were chosen; the result is an "
                  "extrapolation")
    acid = leach_acids()[p.acid]
    phi = leaching.loss_share(acid_mol_per_l=p.acid_concentration_mol_per_l,
                              temperature_c=p.temperature_c, loss_ref=acid["loss_ref"],
                              loss_acid_exponent=p.loss_acid_exponent,
                              loss_activation_j_per_mol=p.loss_activation_j_per_mol)
    if np.any((phi > leaching.LOSS_VALID_SHARE) & (phi < 1.0)):
        warnings.warn(f"leaching: at this temperature and acid the re-precipitation law takes "
                      f"over {leaching.LOSS_VALID_SHARE:.0%} of the leached REY at once (up to "
                      f"{float(np.max(phi)):.2f}); it was fitted to a decline (Takaya et al. 2015), "
                      "so the result is an extrapolation", OutOfDomainWarning, stacklevel=2)
    total_loss = Rejection(
        where=phi >= 1.0, path="leaching.temperature_c", given=p.temperature_c,
        reason="re-precipitation would take all the leached REY: the loss law is fitted to a "
               "decline of extraction (Takaya et al. 2015), not to a total loss",
        fix="lower temperature_c or acid_concentration_mol_per_l (with 0.5 mol/L the law takes "
            "half the REY at about 57 °C with HCl and 41 °C with H2SO4)",
        detail=lambda: f"loss share {float(phi):.2f} at {float(p.temperature_c):g} °C and "
                       f"{float(p.acid_concentration_mol_per_l):g} mol/L {p.acid}")
    mass = _phases_in_concentrate(dep, feed, conc)
    carrier, clay_t, demand = _demand(p, dep, mass, conc)
    extraction, dissolved = leaching.cstr_train_extraction(
        residence_time_min=p.residence_time_min, tanks=p.tanks,
        acid_mol_per_l=p.acid_concentration_mol_per_l, temperature_c=p.temperature_c,
        **_kinetic_inputs(p, acid, demand))
    wash_loss = leaching.countercurrent_wash_loss(p.wash_ratio, p.wash_stages)
    rey = {k: mass[k] * dep.phase_grade_ppm[k] for k in mass}
    leachable = sum(rey[k] for k in rey if dep.phase_leach_group[k] != "refractory")
    ce_kept = np.ones(np.shape(p.ce_in_refractory_fraction) + (N_ELEMENTS,))
    ce_kept[..., INDEX["Ce"]] = 1.0 - np.asarray(p.ce_in_refractory_fraction)  # may be drawn alone
    rec = np.asarray(extraction * leachable / sum(rey.values()) * (1.0 - wash_loss))[..., None] \
        * ce_kept
    impurities = leaching.dissolved_impurities_t(
        apatite_t=mass[carrier], clay_t=clay_t, dissolved=dissolved,
        clay_dissolved_fraction=p.clay_dissolved_fraction,
        clay_fe2o3_fraction=p.clay_fe2o3_fraction, clay_al2o3_fraction=p.clay_al2o3_fraction,
        cake_water_t=conc.wet_t_per_year - conc.dry_t_per_year,
        seawater_sodium_kg_per_t=p.seawater_sodium_kg_per_t)
    return _liquor(
        p, conc, rey=conc.rey_t_per_year * rec, recovery=rec,
        acid_kg_per_t=leaching.acid_use_kg_per_dry_t(
            acid_mol_per_l=p.acid_concentration_mol_per_l, demand_mol_h_per_l=demand,
            dissolved=dissolved, protons_per_mol=acid["protons_per_mol"],
            liquid_to_solid_l_per_kg=p.liquid_to_solid_l_per_kg,
            acid_molar_mass_g_per_mol=acid["molar_mass_g_per_mol"]),
        extraction=extraction, wash_loss=wash_loss,
        impurities={k: v * (1.0 - wash_loss) for k, v in impurities.items()},
        rejections=(total_loss, *_nothing_recovered(p, extraction, wash_loss, phi >= 1.0)))


def _nothing_recovered(p, extraction, wash_loss, lost_anyway) -> tuple[Rejection, Rejection]:
    """Draws whose leach recovers no REY, named by their cause.

    Nothing would reach the separation, so every later KPI would be undefined: no extraction, or
    a wash that loses it all. ``lost_anyway`` marks draws already rejected for a total loss.
    """
    extracted = np.asarray(extraction, dtype=float)
    washed_out = np.asarray(wash_loss, dtype=float) >= 1.0
    return (
        Rejection(
            where=(extracted <= 0.0) & ~washed_out & ~np.asarray(lost_anyway),
            path="leaching.liquid_to_solid_l_per_kg",
            given=p.liquid_to_solid_l_per_kg,
            reason="the leach extracts no REY: the liquor's acid is used up by the mud's acid "
                   "demand before the apatite dissolves",
            fix="raise liquid_to_solid_l_per_kg or acid_concentration_mol_per_l (the defaults: "
                "see data/parameters.csv)"),
        Rejection(
            where=washed_out, path="leaching.wash_stages", given=p.wash_stages,
            reason="the residue wash returns none of the leached REY to the liquor",
            fix="use at least one wash stage and a positive wash_ratio"),
    )
