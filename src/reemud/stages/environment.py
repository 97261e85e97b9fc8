"""Environment stage: the energy and CO₂ ledger and a Gaussian plume footprint (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from reemud import environment
from reemud.constants import DAYS_PER_YEAR
from reemud.environment.plume import release_classes
from reemud.particles import SIZE_MID_UM
from reemud.records import EnvironmentLedger
from reemud.registry import register
from reemud.stages.common import P, Params, draw_count, draw_groups


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
    hcl_co2_kg_per_kg: float = P("", "CO2e of making 1 kg of HCl (100 %, cradle to gate)", ge=0)
    h2so4_co2_kg_per_kg: float = P("", "CO2e of making 1 kg of H2SO4 (cradle to gate)", ge=0)
    naoh_co2_kg_per_kg: float = P("", "CO2e of making 1 kg of NaOH (100 %, cradle to gate)", ge=0)
    oxalic_acid_co2_kg_per_kg: float = P("", "CO2e of making 1 kg of oxalic acid (cradle to gate)",
                                         ge=0)
    hcl_mj_per_kg: float = P("MJ/kg", "energy of making 1 kg of HCl (fossil, cradle to gate)", ge=0)
    h2so4_mj_per_kg: float = P("MJ/kg", "energy of making 1 kg of H2SO4 (cradle to gate)", ge=0)
    naoh_mj_per_kg: float = P("MJ/kg", "energy of making 1 kg of NaOH (fossil, cradle to gate)",
                              ge=0)
    oxalic_acid_mj_per_kg: float = P("MJ/kg", "energy of making 1 kg of oxalic acid (fossil, "
                                     "cradle to gate)", ge=0)


def _reagents(p, liquor, sx, ox) -> dict:
    """Each reagent's yearly use and production factors: ``name -> (t/yr, kg/kg, MJ/kg)``."""
    leach = {"HCl": (p.hcl_co2_kg_per_kg, p.hcl_mj_per_kg),
             "H2SO4": (p.h2so4_co2_kg_per_kg, p.h2so4_mj_per_kg)}
    out = {f"{liquor.acid} (leach)": (liquor.acid_t_per_year, *leach[liquor.acid])}
    out["HCl (SX strip)"] = (sx.hcl_t_per_year, p.hcl_co2_kg_per_kg, p.hcl_mj_per_kg)
    out["NaOH"] = (sx.naoh_t_per_year, p.naoh_co2_kg_per_kg, p.naoh_mj_per_kg)
    out["oxalic acid"] = (ox.oxalic_acid_t_per_year, p.oxalic_acid_co2_kg_per_kg,
                          p.oxalic_acid_mj_per_kg)
    return out


def _sources(p, up) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Released classes: seabed escape, and tailings with return-water fines if sent to sea."""
    dep, feed, conc = up["deposit"], up["collector"], up["beneficiation"]
    at_sea = conc.tailings_discharge == "sea"
    return release_classes(
        phase_mass_fractions=feed.phase_mass_fractions,
        phase_size_fractions=dep.phase_size_fractions,
        phase_density_kg_per_m3=dep.phase_density_kg_per_m3, diameter_um=SIZE_MID_UM,
        escaped_dry_t=feed.escaped_dry_t_per_year, release_height_m=p.release_height_m,
        seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
        seawater_viscosity_pa_s=dep.seawater_viscosity_pa_s,
        tailings_dry_t=feed.mud_dry_t_per_year if at_sea else None,
        tailings_partition=conc.partition, return_solids_t=conc.return_solids_t_per_year,
        tailings_release_height_m=p.tailings_release_height_m)


def _exact_plume(p, dep, released_kg, w, heights):
    """The footprint on its own grid: area above 1 mm [km²], grid [m] and thickness [m]."""
    return environment.deposit_area_km2(
        released_kg=1.0, class_fractions=released_kg, settling_velocity_m_per_s=w,
        release_height_m=heights, current_speed_m_per_s=p.current_speed_m_per_s,
        horizontal_diffusivity_m2_per_s=p.horizontal_diffusivity_m2_per_s,
        deposit_dry_density_kg_per_m3=float(dep.dry_bulk_density_t_per_m3) * 1000.0)


@lru_cache(maxsize=64)
def _plume_grids(shape_key: bytes) -> dict:
    """Footprint grids of one release shape, kept between blocks of draws (by scale bin)."""
    return {}


def _plume_area_km2(p, dep, released_kg, w, heights):
    """Plume deposit area above 1 mm [km²], scalar or per draw.

    When nothing drawn reaches the plume (a single run, or draws upstream of it all equal) the
    footprint is computed on its own exact grid. Otherwise one footprint grid is computed per
    distinct release shape (class shares, settling velocities, heights, current, diffusivity)
    and ``environment.deposit_areas_km2`` scales it to each draw's released volume, in 5 %
    scale bins: within the resolution of the footprint grid of the exact area.
    """
    total_kg = released_kg.sum(axis=-1)
    shares = released_kg / np.where(total_kg > 0, total_kg, 1.0)[..., None]
    columns = ((shares, 1), (w, 1), (heights, 1), p.current_speed_m_per_s,
               p.horizontal_diffusivity_m2_per_s)
    density = np.asarray(dep.dry_bulk_density_t_per_m3) * 1000.0
    n = draw_count(*columns, total_kg, density)
    if n is None:
        return _exact_plume(p, dep, released_kg, w, heights)[0]
    volume = np.broadcast_to(total_kg / density, (n,))
    area = np.zeros(n)
    for members, values in draw_groups(*columns):
        share, w_k, h_k, current, diffusivity = values
        area[members] = environment.deposit_areas_km2(
            released_kg=volume[members], class_fractions=share, settling_velocity_m_per_s=w_k,
            release_height_m=h_k, current_speed_m_per_s=current,
            horizontal_diffusivity_m2_per_s=diffusivity, deposit_dry_density_kg_per_m3=1.0,
            grids=_plume_grids(b"".join(np.asarray(v, dtype=float).tobytes() for v in values)))
    return area


def plume_grid(p, up, env: EnvironmentLedger, seed: int) -> dict:
    """The plume's deposit thickness on its grid (single run)."""
    _, x, y, thickness = _exact_plume(p, up["deposit"], *_sources(p, up))
    return {"plume_x_m": x, "plume_y_m": y, "plume_thickness_m": thickness}


@register("environment", "ledger_gaussian_plume", LedgerPlumeParams, default=True,
          diagnostics=plume_grid)
def run_ledger_gaussian_plume(p: LedgerPlumeParams, up: Mapping[str, object],
                              seed: int) -> EnvironmentLedger:
    """Fuel, electricity, process and reagent CO₂ per kg REO; plume deposit area above 1 mm."""
    dep, slurry, conc, ox = up["deposit"], up["lifting"], up["beneficiation"], up["refining"]
    reo_kg = ox.oxide_t_per_year.sum(axis=-1) * 1000.0
    led = environment.ledger(
        vessel_fuel_t=p.vessel_fuel_t_per_day * DAYS_PER_YEAR,
        lift_electricity_kwh=slurry.lift_electricity_kwh_per_year,
        shipping_fuel_t=p.shipping_fuel_kg_per_wet_t * conc.wet_t_per_year / 1000.0,
        onshore_electricity_kwh=p.onshore_kwh_per_kg_reo * reo_kg,
        process_co2_t=ox.calcination_co2_t_per_year,
        generator_efficiency=p.generator_efficiency, fuel_lhv_mj_per_kg=p.fuel_lhv_mj_per_kg,
        fuel_co2_kg_per_kg=p.fuel_co2_kg_per_kg, grid_co2_kg_per_kwh=p.grid_co2_kg_per_kwh,
        reo_kg=reo_kg, reagents=_reagents(p, up["leaching"], up["separation"], ox))
    released_kg, w, heights = _sources(p, up)
    return EnvironmentLedger(
        fuel_t_per_year=led["fuel_t"], energy_kwh_per_year=led["energy_kwh"],
        co2_t_per_year=led["co2_t"], energy_kwh_per_kg_reo=led["energy_kwh_per_kg_reo"],
        co2_kg_per_kg_reo=led["co2_kg_per_kg_reo"],
        plume_released_dry_t_per_year=released_kg.sum(axis=-1) / 1000.0,
        plume_area_km2_above_1mm=_plume_area_km2(p, dep, released_kg, w, heights))
