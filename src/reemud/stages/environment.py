"""Environment stage: the energy and CO₂ ledger and the plume footprint (wiring only).

Two plume models: ``ledger_lagrangian_plume`` (the default: the Lagrangian engine of
``reemud.environment.lagrangian`` on the plume's three sources) and ``ledger_gaussian_plume``
(the first estimate: settling Gaussian puffs).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from pydantic import field_validator

from reemud import environment
from reemud.constants import DAYS_PER_YEAR
from reemud.environment import footprint, lagrangian
from reemud.environment.currents import read_currents, read_seabed
from reemud.environment.plume import (
    RETURN_WATER_RELEASES,
    discharge_volume_fraction,
    release_classes,
    release_sources,
)
from reemud.particles import SIZE_MID_UM
from reemud.records import EnvironmentLedger
from reemud.registry import register
from reemud.stages.common import P, Params, canonical, draw_count, draw_groups, one_of


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


@register("environment", "ledger_gaussian_plume", LedgerPlumeParams, diagnostics=plume_grid,
          undefined={k: "the Gaussian first estimate gives the area above 1 mm only; the "
                        "Lagrangian model (ledger_lagrangian_plume) gives the rest"
                     for k in ("plume_area_km2_above_0_1mm", "plume_area_se_km2_above_1mm")})
def run_ledger_gaussian_plume(p: LedgerPlumeParams, up: Mapping[str, object],
                              seed: int) -> EnvironmentLedger:
    """Fuel, electricity, process and reagent CO₂ per kg REO; plume deposit area above 1 mm."""
    dep = up["deposit"]
    led = _ledger(p, up)
    released_kg, w, heights = _sources(p, up)
    nan = np.full(np.shape(released_kg.sum(axis=-1)), np.nan)
    return EnvironmentLedger(
        fuel_t_per_year=led["fuel_t"], energy_kwh_per_year=led["energy_kwh"],
        co2_t_per_year=led["co2_t"], energy_kwh_per_kg_reo=led["energy_kwh_per_kg_reo"],
        co2_kg_per_kg_reo=led["co2_kg_per_kg_reo"],
        plume_released_dry_t_per_year=released_kg.sum(axis=-1) / 1000.0,
        plume_area_km2_above_1mm=_plume_area_km2(p, dep, released_kg, w, heights),
        plume_area_km2_above_0_1mm=nan, plume_area_se_km2_above_1mm=nan,
        plume_area_km2_by_source={}, plume_area_km2_by_threshold={})


def _ledger(p, up) -> dict:
    """The energy and CO₂ ledger of a run (``environment.ledger``)."""
    slurry, conc, ox = up["lifting"], up["beneficiation"], up["refining"]
    reo_kg = ox.oxide_t_per_year.sum(axis=-1) * 1000.0
    return environment.ledger(
        vessel_fuel_t=p.vessel_fuel_t_per_day * DAYS_PER_YEAR,
        lift_electricity_kwh=slurry.lift_electricity_kwh_per_year,
        shipping_fuel_t=p.shipping_fuel_kg_per_wet_t * conc.wet_t_per_year / 1000.0,
        onshore_electricity_kwh=p.onshore_kwh_per_kg_reo * reo_kg,
        process_co2_t=ox.calcination_co2_t_per_year,
        generator_efficiency=p.generator_efficiency, fuel_lhv_mj_per_kg=p.fuel_lhv_mj_per_kg,
        fuel_co2_kg_per_kg=p.fuel_co2_kg_per_kg, grid_co2_kg_per_kwh=p.grid_co2_kg_per_kwh,
        reo_kg=reo_kg, reagents=_reagents(p, up["leaching"], up["separation"], ox))


class LagrangianPlumeParams(LedgerPlumeParams):
    """Energy/CO₂ ledger and the Lagrangian plume engine on the plume's three sources."""

    vertical_diffusivity_m2_per_s: float = P("m**2/s", "vertical eddy diffusivity near the bed",
                                             ge=0)
    floc_settling_m_per_s: float = P("m/s", "settling velocity aggregates reach by flocculation "
                                     "(0: no flocculation)", ge=0)
    floc_time_s: float = P("s", "time scale of flocculation", gt=0)
    floc_reference_mg_per_l: float = P("mg/L", "concentration at which flocculation takes "
                                       "floc_time_s (its rate grows with the concentration; inf: "
                                       "by age alone)", gt=0)
    return_water_release: str = P("", "where the dewatering return water goes: with-tailings, "
                                  "near-bed, mid-water or surface")
    surface_release_depth_m: float = P("m", "depth below the surface of a surface discharge",
                                       ge=0)
    plume_particles: int = P("", "particles of a single run's plume", ge=100, le=5_000_000)
    plume_draw_particles: int = P("", "particles of each distinct plume on the draw axis",
                                  ge=100, le=5_000_000)
    plume_dt_s: float = P("s", "time step of the plume engine", gt=0, le=86400)
    plume_tracking_days: float = P("day", "days each particle is followed at most", gt=0,
                                   le=3660)
    plume_release_days: float = P("day", "days over which the year's release is spread (0: the "
                                  "collector's operating days)", ge=0, le=366)
    current_file: str = P("", "NetCDF file of currents (CF conventions), or none for the "
                          "constant current_speed_m_per_s")
    current_start: str = P("", "start of the release in the current file's time (ISO date), or "
                           "file-start")
    current_source_x: float = P("", "the source's longitude [degrees] or projected x [m] in the "
                                "current file (NaN: not set)")
    current_source_y: float = P("", "the source's latitude [degrees] or projected y [m] in the "
                                "current file (NaN: not set)")
    plume_thresholds_mm: str = P("mm", "deposit thicknesses whose areas are reported and "
                                 "contoured, comma-separated (e.g. \"1, 0.1\")")
    vertical_diffusivity_profile: str = P("", "shape of K_z with height above the bed: "
                                          "height_m:factor pairs times "
                                          "vertical_diffusivity_m2_per_s, or none (constant)")
    current_profile: str = P("", "shape of the current with height above the bed: "
                             "height_m:factor pairs times current_speed_m_per_s, or none")
    hindered_settling: str = P("", "hindered settling near the sources (Richardson-Zaki at the "
                               "diluting discharge's concentration): on or off")
    critical_shear_pa: float = P("Pa", "critical bed shear stress for deposition and erosion "
                                 "(inf: every particle reaching the bed stays)", gt=0)
    bed_drag_coefficient: float = P("", "bed drag coefficient C100 (referred to the current 1 m "
                                    "above the bed)", gt=0, le=0.1)
    seabed_file: str = P("", "NetCDF file of the bathymetry around the source (CF), or none for "
                         "a flat seabed")
    bed_condition: str = P("", "how a particle reaching the bed deposits: absorbing (on touching "
                           "it) or settling_flux (by its settling alone: deposition w_s c_b)")

    @field_validator("hindered_settling")
    @classmethod
    def _on_off(cls, v: str) -> str:
        return one_of(v, ("on", "off"))

    @field_validator("bed_condition")
    @classmethod
    def _bed_condition(cls, v: str) -> str:
        return one_of(v, tuple(lagrangian.BED_CONDITIONS))

    @field_validator("plume_thresholds_mm", mode="before")
    @classmethod
    def _thresholds(cls, v) -> str:
        return _threshold_text(v)

    @field_validator("vertical_diffusivity_profile", "current_profile", mode="before")
    @classmethod
    def _profiles(cls, v) -> str:
        return _profile_text(v)

    @field_validator("return_water_release")
    @classmethod
    def _return(cls, v: str) -> str:
        return one_of(v, RETURN_WATER_RELEASES)

    @field_validator("current_start")
    @classmethod
    def _start(cls, v: str) -> str:
        if v != "file-start":
            try:
                np.datetime64(v)
            except ValueError:
                raise ValueError(f"not a date: {v!r}; write an ISO date such as "
                                 "\"2027-01-15\" or file-start") from None
        return v


PLUME_THRESHOLDS_M = footprint.DEFAULT_THRESHOLDS_M
"""The KPIs' deposit thresholds: 1 mm and 0.1 mm [m]."""

_PROFILE_FIX = ('write height_m:factor pairs with increasing heights above the bed, e.g. '
                '"0:10, 50:10, 200:1" (a list of [height, factor] pairs in TOML works too), '
                'or none')


def _threshold_text(v) -> str:
    """The thresholds [mm] as canonical text, from text ("1, 0.1") or a list of numbers."""
    items = v if isinstance(v, list | tuple) else str(v).split(",")
    fix = 'write positive thicknesses in mm separated by commas, e.g. "1, 0.1"'
    try:
        values = [float(x) for x in items]
    except (TypeError, ValueError):
        raise ValueError(f"not a list of thicknesses: {v!r}; {fix}") from None
    if not values or len(values) > 8 or not all(np.isfinite(x) and x > 0 for x in values):
        raise ValueError(f"not 1 to 8 positive thicknesses: {v!r}; {fix}")
    text = [f"{x:g}" for x in values]
    if len(set(text)) < len(text):  # the same to 6 digits: the same KPI key
        raise ValueError(f"a threshold is given twice: {v!r}; {fix}")
    return ", ".join(text)


def _profile_text(v) -> str:
    """A profile as canonical text "h:f, h:f" (or "none"), from text or ``[[h, f], ...]``."""
    if isinstance(v, str) and v.strip().lower() == "none":
        return "none"
    try:
        pairs = [tuple(float(x) for x in (item if isinstance(item, list | tuple)
                                          else str(item).split(":"))) for item in
                 (v if isinstance(v, list | tuple) else str(v).split(","))]
    except (TypeError, ValueError):
        raise ValueError(f"not a profile: {v!r}; {_PROFILE_FIX}") from None
    if (len(pairs) < 2 or any(len(q) != 2 for q in pairs)
            or not all(np.isfinite(x) for q in pairs for x in q)):
        raise ValueError(f"not a profile of two or more pairs: {v!r}; {_PROFILE_FIX}")
    heights = [h for h, _ in pairs]
    if heights[0] < 0 or any(b <= a for a, b in zip(heights, heights[1:], strict=False)):
        raise ValueError(f"heights must start at 0 or above and increase: {v!r}; {_PROFILE_FIX}")
    if any(f < 0 for _, f in pairs):
        raise ValueError(f"a negative factor: {v!r}; {_PROFILE_FIX}")
    return ", ".join(f"{h:g}:{f:g}" for h, f in pairs)


def profile_of(text: str, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Heights [m] and values of a profile parameter times ``scale`` (``none``: one node)."""
    if text == "none":
        return np.zeros(1), np.array([float(scale)])
    pairs = np.array([[float(x) for x in pair.split(":")] for pair in text.split(",")])
    return pairs[:, 0], pairs[:, 1] * float(scale)


def thresholds_m(p) -> tuple[float, ...]:
    """The scenario's deposit thresholds [m], in the order given."""
    return tuple(float(x) / 1000.0 for x in p.plume_thresholds_mm.split(","))


def _reported_thresholds_m(p) -> tuple[float, ...]:
    """1 mm and 0.1 mm (the fixed KPIs) followed by the scenario's other thresholds [m]."""
    extra = [t for t in thresholds_m(p)
             if not any(np.isclose(t, PLUME_THRESHOLDS_M, rtol=1e-9, atol=0.0))]
    return (*PLUME_THRESHOLDS_M, *extra)

SOURCE_NAMES = ("escape", "tailings", "return water")
"""The plume's sources, in ``release_sources`` order."""


def _plume_sources(p, up, i=None):
    """The three sources of draw ``i`` (``None``: a single run)."""
    dep, feed, conc = up["deposit"], up["collector"], up["beneficiation"]

    def classes(d):
        return {k: np.asarray(v) if i is None or np.ndim(v) < 2 else np.asarray(v)[i]
                for k, v in d.items()}

    return release_sources(
        phase_mass_fractions={k: _at(v, i) for k, v in feed.phase_mass_fractions.items()},
        phase_size_fractions=classes(dep.phase_size_fractions),
        phase_density_kg_per_m3={k: _at(v, i) for k, v in dep.phase_density_kg_per_m3.items()},
        diameter_um=SIZE_MID_UM, escaped_dry_t=_at(feed.escaped_dry_t_per_year, i),
        release_height_m=_at(p.release_height_m, i),
        seawater_density_kg_per_m3=_at(dep.seawater_density_kg_per_m3, i),
        seawater_viscosity_pa_s=_at(dep.seawater_viscosity_pa_s, i),
        water_depth_m=_at(dep.water_depth_m, i), tailings_at_sea=conc.tailings_discharge == "sea",
        tailings_dry_t=_at(feed.mud_dry_t_per_year, i), tailings_partition=classes(conc.partition),
        return_solids_t=_at(conc.return_solids_t_per_year, i),
        tailings_release_height_m=_at(p.tailings_release_height_m, i),
        return_water_release=p.return_water_release,
        surface_release_depth_m=_at(p.surface_release_depth_m, i),
        escape_volume_fraction=_at(up["lifting"].solids_volume_fraction, i),
        tailings_water_t=_at(conc.water_t_per_year["overflow"], i),
        return_water_t=_at(conc.water_t_per_year["return"], i))


def _engine(p, up, sources, particles, seed, i=None, snap_days=(), hindered=None) -> dict:
    """The engine on one draw's sources (``footprint.source_plume``).

    ``hindered``: hindered settling on or off (default: the scenario's ``hindered_settling``).
    """
    dep, feed = up["deposit"], up["collector"]
    steps_per_day = 86400.0 / p.plume_dt_s
    floc = _at(p.floc_settling_m_per_s, i)
    days = p.plume_release_days or _at(feed.operating_days_per_year, i)
    operating = max(int(round(days * steps_per_day)), 1)
    tracking = int(round(p.plume_tracking_days * steps_per_day))
    kz_z, kz = profile_of(p.vertical_diffusivity_profile, _at(p.vertical_diffusivity_m2_per_s, i))
    current = lagrangian.Current.profile(*profile_of(p.current_profile, _at(
        p.current_speed_m_per_s, i))) if p.current_file == "none" else _file_current(
            p.current_file, _at(dep.water_depth_m, i), (p.current_source_x, p.current_source_y),
            p.current_start, (operating + tracking) * p.plume_dt_s)
    return footprint.source_plume(
        sources=sources, current=current,
        kh_m2_per_s=_at(p.horizontal_diffusivity_m2_per_s, i), kz_z_m=kz_z, kz_m2_per_s=kz,
        depth_m=_at(dep.water_depth_m, i),
        dry_density_kg_per_m3=_at(dep.dry_bulk_density_t_per_m3, i) * 1000.0,
        thresholds_m=_reported_thresholds_m(p), particles=particles, dt_s=p.plume_dt_s,
        operating_steps=operating, tracking_steps=tracking, seed=seed,
        floc_settling_m_per_s=floc if floc > 0 else None, floc_time_s=_at(p.floc_time_s, i),
        snap_steps=[int(round(d * steps_per_day)) for d in snap_days],
        hindered=p.hindered_settling == "on" if hindered is None else hindered,
        bed=_bed(p, dep, i), floc_reference_kg_per_m3=_floc_reference(p, i))


def _near_source_matters(p) -> bool:
    """Whether the release rate and the discharges' solids fractions shape the footprint.

    They do with hindered settling, or with flocculation by concentration in any draw.
    """
    by_concentration = np.isfinite(p.floc_reference_mg_per_l) & (
        np.asarray(p.floc_settling_m_per_s) > 0)
    return p.hindered_settling == "on" or bool(np.any(by_concentration))


def _floc_reference(p, i) -> float | None:
    """The concentration of flocculation by concentration [kg/m³] (None: by age, or off)."""
    reference = _at(p.floc_reference_mg_per_l, i)
    return reference / 1000.0 if np.isfinite(reference) and _at(p.floc_settling_m_per_s, i) > 0 \
        else None


def _bed(p, dep, i) -> dict:
    """The engine's bed: its condition, gridded or flat, and the critical shear stress if finite."""
    out = {"bed_condition": p.bed_condition}
    if p.seabed_file != "none":
        out["seabed"] = _file_seabed(p.seabed_file, _at(dep.water_depth_m, i),
                                     (p.current_source_x, p.current_source_y))
    critical = _at(p.critical_shear_pa, i)
    if np.isfinite(critical):
        out |= {"critical_shear_pa": critical,
                "bed_drag_coefficient": _at(p.bed_drag_coefficient, i),
                "water_density_kg_per_m3": _at(dep.seawater_density_kg_per_m3, i)}
    return out


_SINGLE: dict[str, dict] = {}
"""The last single runs of the engine by their inputs, so the report's grid and sections reuse
the run the KPIs came from (a few entries; the engine is deterministic in its inputs)."""


def _single_run(p, up, seed) -> dict:
    """The engine on a single run's sources, with the report's snapshots, computed once."""
    import hashlib

    sources = _plume_sources(p, up)
    dep, feed = up["deposit"], up["collector"]
    digest = hashlib.sha256()
    for name in sorted(type(p).model_fields):  # values may carry draws (arrays)
        value = getattr(p, name)
        digest.update(name.encode())
        digest.update(value.encode() if isinstance(value, str) else
                      np.ascontiguousarray(value, dtype=float).tobytes())
    for src in sources:
        for key in sorted(k for k in src if k != "name"):
            digest.update(key.encode())
            digest.update(np.ascontiguousarray(src[key], dtype=float).tobytes())
        digest.update(src["name"].encode())
    digest.update(repr((seed, float(dep.water_depth_m), float(dep.dry_bulk_density_t_per_m3),
                        float(feed.operating_days_per_year))).encode())
    key = digest.hexdigest()
    if key not in _SINGLE:
        days = [d for d in SECTION_DAYS if d <= p.plume_tracking_days]
        while len(_SINGLE) >= 4:
            _SINGLE.pop(next(iter(_SINGLE)))
        _SINGLE[key] = _engine(p, up, sources, p.plume_particles, seed, snap_days=days)
    return _SINGLE[key]


def _source_totals(p, up) -> np.ndarray:
    """Released mass of each source [t/yr], ``(draws or 1, 3)``, without building the classes.

    The same totals as ``release_sources`` (its class masses sum to these): the escape, the
    overflow of the tailings (when at sea) and the return water's fines (when released).
    """
    dep, feed, conc = up["deposit"], up["collector"], up["beneficiation"]
    overflow = sum(np.asarray(feed.phase_mass_fractions[k], dtype=float)
                   * (np.asarray(dep.phase_size_fractions[k], dtype=float)
                      * (1.0 - np.asarray(conc.partition[k], dtype=float))).sum(axis=-1)
                   for k in feed.phase_mass_fractions)
    at_sea = conc.tailings_discharge == "sea"
    tailings = overflow * np.asarray(feed.mud_dry_t_per_year, dtype=float) if at_sea else \
        0.0 * overflow
    returned = np.asarray(conc.return_solids_t_per_year, dtype=float)
    if p.return_water_release == "with-tailings" and not at_sea:
        returned = 0.0 * returned
    parts = np.broadcast_arrays(np.asarray(feed.escaped_dry_t_per_year, dtype=float),
                                tailings, returned)
    return np.atleast_2d(np.stack(parts, axis=-1))


def _shape_columns(p, up, totals) -> list:
    """What shapes the footprint, whatever the released mass and the deposit's density.

    ``totals``: each source's release [t/yr], ``(draws or 1, sources)``.
    """
    dep, feed, conc = up["deposit"], up["collector"], up["beneficiation"]
    totals = totals[0] if totals.shape[0] == 1 else totals  # one row: no draw axis
    sums = totals.sum(axis=-1, keepdims=True)
    shares = totals / np.where(sums > 0, sums, 1.0)
    return [(shares, 1), *feed.phase_mass_fractions.values(),
            *dep.phase_density_kg_per_m3.values(),
            *((v, 1) for v in dep.phase_size_fractions.values()),
            *((v, 1) for v in conc.partition.values()),
            dep.seawater_density_kg_per_m3, dep.seawater_viscosity_pa_s, dep.water_depth_m,
            feed.operating_days_per_year, p.current_speed_m_per_s,
            p.horizontal_diffusivity_m2_per_s, p.vertical_diffusivity_m2_per_s,
            p.release_height_m, p.tailings_release_height_m, p.surface_release_depth_m,
            p.floc_settling_m_per_s, p.floc_time_s, p.floc_reference_mg_per_l,
            p.critical_shear_pa, p.bed_drag_coefficient]


def _hindrance_columns(up, totals, members) -> list:
    """What shapes a footprint that hindered settling reaches, at draws ``members``.

    Each source's release within a factor of 2 (its power of 2) and each discharge's solids
    fraction within 2⁻⁶ (``totals``: each source's release [t/yr], ``(draws, sources)``).
    """
    conc = up["beneficiation"]
    escape = np.asarray(up["lifting"].solids_volume_fraction, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_bin = np.where(totals > 0, np.floor(np.log2(np.where(totals > 0, totals, 1.0))),
                            -np.inf)
        water = np.stack(np.broadcast_arrays(
            np.asarray(conc.water_t_per_year["overflow"], dtype=float),
            np.asarray(conc.water_t_per_year["return"], dtype=float)), axis=-1)
        ratio = np.where(totals[..., 1:] > 0, water / totals[..., 1:], 0.0)
    escape = escape[members] if escape.ndim else escape
    return [(rate_bin[members], 1), (canonical(ratio[members], 6), 1), canonical(escape, 6)]


@lru_cache(maxsize=8)
def _file_seabed(path: str, depth_m: float, position: tuple):
    """The seabed of a NetCDF file (``currents.read_seabed``), read once per setting."""
    x, y = position
    return read_seabed(path, water_depth_m=depth_m,
                       source_position=None if np.isnan(x) or np.isnan(y) else (x, y),
                       position_fix="set environment.current_source_x and current_source_y "
                                    "(longitude and latitude of the source)")


@lru_cache(maxsize=8)
def _file_current(path: str, depth_m: float, position: tuple, start: str, duration_s: float):
    """The current of a NetCDF file (``currents.read_currents``), read once per setting."""
    x, y = position
    return read_currents(
        path, water_depth_m=depth_m,
        source_position=None if np.isnan(x) or np.isnan(y) else (x, y),
        start=None if start == "file-start" else start, duration_s=duration_s,
        position_fix="set environment.current_source_x and current_source_y (longitude and "
                     "latitude of the source)")


def _draws(p, up) -> int | None:
    """Number of draws reaching the plume (``None``: a single run)."""
    totals = _source_totals(p, up)
    drawn = [(totals, 1)] if totals.shape[0] > 1 or np.ndim(
        up["collector"].escaped_dry_t_per_year) else []
    conc = up["beneficiation"]
    hindrance = [up["lifting"].solids_volume_fraction, conc.water_t_per_year["overflow"],
                 conc.water_t_per_year["return"]] if _near_source_matters(p) else []
    return draw_count(*drawn, up["deposit"].dry_bulk_density_t_per_m3,
                      *_shape_columns(p, up, totals), *hindrance)


def _at(v, i):
    """Draw ``i`` of a scalar-per-draw value (the value itself if it has no draw axis)."""
    a = np.asarray(v, dtype=float)
    return float(a if i is None or a.ndim == 0 else a[i])


def _lagrangian_plume(p, up, seed) -> dict:
    """Areas above 1 mm and 0.1 mm, their sampling error and per-source areas, per draw.

    A single run (nothing upstream drawn) runs the engine once with ``plume_particles``. On the
    draw axis the draws are grouped (``draw_groups``) by what shapes the footprint: the share of
    each source in the release, the grain phases and sizes, the cyclone partition, seawater,
    depth, operating time, the current, the diffusivities, the heights, flocculation and the
    bed. Each group runs the engine once with ``plume_draw_particles`` on its draw releasing
    most, and each of its draws scales that footprint by its released mass and by the dry
    densities (the deposit is linear in mass, inverse in density), its sampling error from the
    four particle subsets scaled the same way. Hindered settling (and flocculation by
    concentration) is the non-linear part: when the run of the draw releasing most had no
    hindered particle-step, no draw of the group has one (a smaller rate dilutes below the
    threshold wherever the particles go) and the scaling is exact; when its hindrance moves
    each area by at most ``IMMATERIAL_SE`` sampling errors (a second run without it) the
    scaling stands too; otherwise the group is split by each source's rate within a factor of 2
    and by the discharges' solids fractions (``_hindrance_columns``), each part scaling its
    first draw's run. With hindrance a draw's areas so depend, within their sampling error, on
    the other draws of its group (the run it scales); without, they are the draw's alone.
    Returns arrays over the draws (one value for a single run), ``released_t`` and ``single``
    (whether it was a single run).
    """
    n = _draws(p, up)
    totals = _source_totals(p, up)  # (draws or 1, sources)
    size = 1 if n is None else n
    total = np.broadcast_to(totals.sum(axis=-1), (size,))
    density = np.broadcast_to(np.asarray(up["deposit"].dry_bulk_density_t_per_m3, dtype=float),
                              (size,))
    result: dict = {"released_t": np.array(total, dtype=float), "single": n is None}
    if size == 0:  # no draws: every KPI with an empty draw axis
        empty = np.zeros(0)
        names = [f"{name} >= {t * 1000:g} mm" for name in SOURCE_NAMES
                 for t in thresholds_m(p)]
        return {**result, "plume_area_km2_above_1mm": empty, "plume_area_km2_above_0_1mm": empty,
                "plume_area_se_km2_above_1mm": empty,
                "plume_area_km2_by_source": dict.fromkeys(names, empty),
                "plume_area_km2_by_threshold": {f"{t * 1000:g} mm": empty
                                                for t in thresholds_m(p)}}
    if n is None:
        out = _single_run(p, up, seed)
        _store(result, _plume_values(out, np.ones(1), _reported_thresholds_m(p), thresholds_m(p)),
               np.arange(1), size)
        return result
    wide = np.broadcast_to(totals, (n, totals.shape[-1]))
    for members, _ in draw_groups(*_shape_columns(p, up, wide)):
        members = np.arange(n)[members]
        # the draw releasing most, at the group's largest solids fraction of each source: its
        # footprint stands for the group unless hindrance moves its areas (or flocculation goes
        # by concentration, which always depends on the rate); then the group splits
        top = int(members[np.argmax(total[members])])
        sources = _plume_sources(p, up, top)
        if _near_source_matters(p):
            for k, fraction in enumerate(_largest_fractions(up, sources, wide, members)):
                sources[k]["volume_fraction"] = fraction
        by_concentration = _floc_reference(p, top) is not None
        out = None if by_concentration else _engine(p, up, sources, p.plume_draw_particles,
                                                    seed, top)
        if by_concentration or p.hindered_settling == "on" and out["run"].hindered_steps > 0 \
                and not _immaterial(out, _engine(p, up, sources, p.plume_draw_particles, seed,
                                                 top, hindered=False)):
            for part, _ in draw_groups(*_hindrance_columns(up, wide, members)):
                sub = members[part]
                i0 = int(sub[0])
                _scaled(result, p, _engine(p, up, _plume_sources(p, up, i0),
                                           p.plume_draw_particles, seed, i0),
                        sub, i0, total, density, size)
        else:
            _scaled(result, p, out, members, top, total, density, size)
    return result


IMMATERIAL_SE = 0.5
"""Hindered settling is immaterial to a group of draws when it moves each area of the group's
largest release by at most this share of the area's sampling error (the two runs share their
seed; an immaterial hindrance moves only the few particles whose random paths it changes:
0.12 sampling errors at 3 % of the commercial plant's mud escaping, 1.4 at 91 %)."""


def _immaterial(hindered: dict, free: dict) -> bool:
    """Whether the hindrance moves no area by more than ``IMMATERIAL_SE`` sampling errors."""
    gap = np.abs(np.asarray(hindered["area_km2"]) - np.asarray(free["area_km2"]))
    return bool(np.all(gap <= IMMATERIAL_SE * np.asarray(hindered["area_se_km2"])))


def _largest_fractions(up, sources, totals, members) -> list[float]:
    """Each source's largest solids fraction over draws ``members`` (``sources`` of one of them).

    The escape's is the lifted slurry's; the tailings' and the return water's from their solids
    and water (``plume.discharge_volume_fraction``), the densities being the group's own.
    """
    conc, dep = up["beneficiation"], up["deposit"]
    escape = np.asarray(up["lifting"].solids_volume_fraction, dtype=float)
    out = [float(escape[members].max() if escape.ndim else escape)]
    rho_w = _at(dep.seawater_density_kg_per_m3, int(members[0]))
    for k, key in ((1, "overflow"), (2, "return")):
        water = np.broadcast_to(np.asarray(conc.water_t_per_year[key], dtype=float),
                                (totals.shape[0],))[members]
        out.append(float(discharge_volume_fraction(
            totals[members, k], water, sources[k]["density_kg_per_m3"], rho_w).max()))
    return out


def _scaled(result, p, out, members, reference, total, density, size) -> None:
    """Store the footprint ``out`` of draw ``reference`` scaled to each of ``members``."""
    scales = (total[members] / total[reference] if total[reference] > 0 else
              np.zeros(members.size)) * density[reference] / density[members]
    _store(result, _plume_values(out, scales, _reported_thresholds_m(p), thresholds_m(p)),
           members, size)


def _store(result, values, members, size) -> None:
    """Put each KPI's values (dicts of them too) at ``members`` of arrays over ``size`` draws."""
    for k, v in values.items():
        if isinstance(v, dict):
            slot = result.setdefault(k, {})
            for kk, vv in v.items():
                slot.setdefault(kk, np.full(size, np.nan))[members] = vv
        else:
            result.setdefault(k, np.full(size, np.nan))[members] = v


def _plume_values(out: dict, scales: np.ndarray, reported, chosen) -> dict:
    """The KPIs of a footprint scaled by each of ``scales`` (arrays over the scales).

    ``reported``: the thresholds computed [m] (1 mm and 0.1 mm first); ``chosen``: the
    scenario's, for the per-source and per-threshold KPIs.
    """
    edges = (out["x_edges"], out["y_edges"])
    areas = footprint.scaled_areas_km2(out["thickness_m"], *edges, reported, scales)
    subsets = np.stack([footprint.scaled_areas_km2(t, *edges, PLUME_THRESHOLDS_M, scales)
                        for t in out["subset_thickness_m"]])
    se = subsets.std(axis=0, ddof=1) / np.sqrt(subsets.shape[0])
    by_source = {}
    for name, src in out["by_source"].items():
        a = footprint.scaled_areas_km2(src["thickness_m"], *edges, chosen, scales)
        for j, t in enumerate(chosen):
            by_source[f"{name} >= {t * 1000:g} mm"] = a[:, j]
    index = [int(np.flatnonzero(np.isclose(reported, t, rtol=1e-9, atol=0.0))[0])
             for t in chosen]
    at = {f"{t * 1000:g} mm": areas[:, j] for t, j in zip(chosen, index, strict=True)}
    return {"plume_area_km2_above_1mm": areas[:, 0], "plume_area_km2_above_0_1mm": areas[:, 1],
            "plume_area_se_km2_above_1mm": se[:, 0], "plume_area_km2_by_source": by_source,
            "plume_area_km2_by_threshold": at}


SECTION_DAYS = (1.0, 10.0)
"""Days after the start of the release at which the report shows the suspended sediment."""


def _sections(run) -> list[dict]:
    """Vertical sections along the current of the suspended sediment at each snapshot."""
    out = []
    for k, step in enumerate(run.snap_steps):
        x, y, z, suspended = footprint._suspended_at(run, k)
        if suspended.sum() < 10:
            continue
        xs, ys, zs = x[suspended], y[suspended], z[suspended]
        x_lo, x_hi = np.percentile(xs, [0.5, 99.5])
        x_edges = np.linspace(min(x_lo, 0.0), max(x_hi, 1.0), 121)
        z_edges = np.linspace(0.0, max(float(np.percentile(zs, 99.5)), 1.0), 41)
        width = max(2.0 * float(ys.std()), 1.0)
        out.append({"days": float(step * run.dt_s / 86400.0), "x_edges_m": x_edges,
                    "z_edges_m": z_edges, "width_m": width,
                    "mg_per_l": footprint.section_mg_per_l(run, k, x_edges, z_edges, width)})
    return out


def lagrangian_plume_grid(p, up, env: EnvironmentLedger, seed: int) -> dict:
    """The plume's deposit grid, its summary and sections of a single run (for the report)."""
    out = _single_run(p, up, seed)
    return {"plume_sections": _sections(out["run"]),
            "plume_x_edges_m": out["x_edges"], "plume_y_edges_m": out["y_edges"],
            "plume_deposit_thickness_m": out["thickness_m"],
            "plume_thresholds_m": np.asarray(thresholds_m(p)),
            "plume_ledger_kg": out["ledger"], "plume_max_extent_km": out["max_extent_km"],
            "plume_centroid_m": out["centroid_m"], "plume_spread_m": out["spread_m"]}


@register("environment", "ledger_lagrangian_plume", LagrangianPlumeParams, default=True,
          fixed=("return_water_release", "plume_particles", "plume_draw_particles",
                 "plume_dt_s", "plume_tracking_days", "plume_release_days", "current_source_x",
                 "current_source_y", "plume_thresholds_mm", "vertical_diffusivity_profile",
                 "current_profile", "hindered_settling", "seabed_file", "bed_condition"),
          diagnostics=lagrangian_plume_grid)
def run_ledger_lagrangian_plume(p: LagrangianPlumeParams, up: Mapping[str, object],
                                seed: int) -> EnvironmentLedger:
    """Fuel, electricity, process and reagent CO₂ per kg REO; plume areas from the engine."""
    led = _ledger(p, up)
    plume = _lagrangian_plume(p, up, seed)
    single = plume["single"]

    def one(v):
        return float(v[0]) if single else np.asarray(v)

    return EnvironmentLedger(
        fuel_t_per_year=led["fuel_t"], energy_kwh_per_year=led["energy_kwh"],
        co2_t_per_year=led["co2_t"], energy_kwh_per_kg_reo=led["energy_kwh_per_kg_reo"],
        co2_kg_per_kg_reo=led["co2_kg_per_kg_reo"],
        plume_released_dry_t_per_year=one(plume["released_t"]),
        plume_area_km2_above_1mm=one(plume["plume_area_km2_above_1mm"]),
        plume_area_km2_above_0_1mm=one(plume["plume_area_km2_above_0_1mm"]),
        plume_area_se_km2_above_1mm=one(plume["plume_area_se_km2_above_1mm"]),
        plume_area_km2_by_source={k: one(v) for k, v in
                                  plume["plume_area_km2_by_source"].items()},
        plume_area_km2_by_threshold={k: one(v) for k, v in
                                     plume["plume_area_km2_by_threshold"].items()})
