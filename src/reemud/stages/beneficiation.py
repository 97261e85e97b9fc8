"""Beneficiation stage: a Plitt hydrocyclone circuit and dewatering (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import field_validator

from reemud import beneficiation
from reemud.particles import SIZE_MID_UM
from reemud.records import Concentrate
from reemud.registry import register
from reemud.stages.common import P, Params, one_of


class PlittHydrocycloneParams(Params):
    """Plitt hydrocyclone circuit classifying the mud's grain phases, then dewatering.

    Dimensions lie within 1 mm – 10 m (built hydrocyclones run from about 1 cm to about 2.5 m;
    Plitt's correlation was fitted on far fewer), calibration factors within (0, 100]: outside,
    the correlation's powers overflow.
    """

    cyclone_diameter_cm: float = P("cm", "cyclone diameter D_c", ge=0.1, le=1000)
    inlet_diameter_cm: float = P("cm", "inlet diameter D_i", ge=0.1, le=1000)
    vortex_finder_diameter_cm: float = P("cm", "vortex-finder diameter D_o", ge=0.1, le=1000)
    apex_diameter_cm: float = P("cm", "apex (spigot) diameter D_u", ge=0.1, le=1000)
    free_vortex_height_cm: float = P("cm", "free-vortex height h", ge=0.1, le=1000)
    pressure_drop_kpa: float = P("kPa", "operating pressure drop of each cyclone", gt=0)
    d50_factor: float = P("", "Plitt calibration factor on d50c", gt=0, le=100)
    pressure_factor: float = P("", "Plitt calibration factor on the pressure drop", gt=0, le=100)
    sharpness_factor: float = P("", "Plitt calibration factor on the sharpness m", gt=0, le=100)
    split_factor: float = P("", "Plitt calibration factor on the flow split S", gt=0, le=100)
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


def _classify(p, up) -> dict:
    dep, feed, slurry = up["deposit"], up["collector"], up["lifting"]
    return beneficiation.classify_phases(
        feed_t=slurry.solids_dry_t_per_year, rey_feed_t=slurry.rey_t_per_year,
        solids_volume_fraction=slurry.solids_volume_fraction,
        solids_density_kg_per_m3=slurry.solids_density_kg_per_m3,
        seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
        phase_mass_fractions=feed.phase_mass_fractions, phase_grade_ppm=dep.phase_grade_ppm,
        phase_density_kg_per_m3=dep.phase_density_kg_per_m3,
        phase_size_fractions=dep.phase_size_fractions,
        carrier=next(k for k, r in dep.phase_role.items() if r == "carrier"), size_um=SIZE_MID_UM,
        dc_cm=p.cyclone_diameter_cm, di_cm=p.inlet_diameter_cm,
        do_cm=p.vortex_finder_diameter_cm, du_cm=p.apex_diameter_cm, h_cm=p.free_vortex_height_cm,
        pressure_drop_kpa=p.pressure_drop_kpa, d50_factor=p.d50_factor,
        pressure_factor=p.pressure_factor, sharpness_factor=p.sharpness_factor,
        split_factor=p.split_factor, circuit=p.circuit,
        cake_moisture_fraction=p.concentrate_moisture_fraction,
        return_solids_kg_per_m3=p.return_solids_kg_per_m3)


def grade_recovery_diagnostics(p, up, conc: Concentrate, seed: int) -> dict:
    """The grade-recovery trade-off: the same circuit with every phase's cut moved."""
    dep, feed = up["deposit"], up["collector"]
    mass = {k: up["lifting"].solids_dry_t_per_year * f
            for k, f in feed.phase_mass_fractions.items()}
    rey_mass = {k: mass[k] * dep.phase_grade_ppm[k] for k in mass}
    sweep_mass, sweep_rey = 0.0, 0.0
    for name, fractions in dep.phase_size_fractions.items():
        swept = beneficiation.circuit_partition(beneficiation.actual_partition(
            SIZE_MID_UM, conc.d50c_um[name] * GRADE_RECOVERY_D50_MULTIPLIERS,
            np.array(conc.sharpness), np.array(conc.bypass)), p.circuit)
        phase_recovery = (fractions * swept).sum(axis=-1)
        sweep_mass = sweep_mass + mass[name] * phase_recovery
        sweep_rey = sweep_rey + rey_mass[name] * phase_recovery
    return {"size_um": np.asarray(SIZE_MID_UM),
            "grade_recovery": {"d50_multiplier": GRADE_RECOVERY_D50_MULTIPLIERS,
                               "rey_recovery": sweep_rey / sum(rey_mass.values()),
                               "grade_ppm": sweep_rey / sweep_mass,
                               "upgrade_factor": sweep_rey / sweep_mass / conc.feed_grade_ppm}}


@register("beneficiation", "plitt_hydrocyclone", PlittHydrocycloneParams, default=True,
          diagnostics=grade_recovery_diagnostics)
def run_plitt_hydrocyclone(p: PlittHydrocycloneParams, up: Mapping[str, object],
                           seed: int) -> Concentrate:
    """Plitt partition of every phase through the circuit; dewatered underflow is the concentrate."""
    feed, slurry = up["collector"], up["lifting"]
    c = _classify(p, up)
    slurry_m3_per_h = feed.lift_rate_dry_t_per_h * 1000.0 / (
        slurry.solids_volume_fraction * slurry.solids_density_kg_per_m3)
    return Concentrate(
        dry_t_per_year=c["dry_t_per_year"], wet_t_per_year=c["wet_t_per_year"],
        rey_t_per_year=c["rey_t_per_year"], tailings_dry_t_per_year=c["tailings_dry_t_per_year"],
        tailings_rey_t_per_year=c["tailings_rey_t_per_year"],
        upgrade_factor=c["upgrade_factor"], mass_pull=c["dry_t_per_year"] / c["feed_t"],
        rey_recovery=c["rey_recovery"], feed_grade_ppm=c["feed_grade_ppm"],
        concentrate_grade_ppm=c["rey_t_per_year"].sum(axis=-1) / c["dry_t_per_year"] * 1e6,
        apatite_fraction_feed=feed.apatite_fraction,
        apatite_fraction_concentrate=c["apatite_fraction_concentrate"],
        cyclones=np.ceil(slurry_m3_per_h * 1000.0 / 60.0 / c["q_cyc"]),
        flow_per_cyclone_l_per_min=c["q_cyc"], d50c_um=c["d50c"], sharpness=c["sharpness"],
        bypass=c["bypass"], partition=c["partition"], circuit=p.circuit,
        phase_recovery=c["phase_recovery"], water_t_per_year=c["water_t_per_year"],
        return_solids_t_per_year=c["return_solids_t_per_year"],
        dewatering_loss_rey_t_per_year=c["dewatering_loss_rey_t_per_year"],
        tailings_discharge=p.tailings_discharge)
