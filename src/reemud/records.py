"""Records (L2): frozen dataclasses carrying each stage's output stream. They do no physics.

Per-element arrays have the 15 REY on their last axis, in ``elements.REY`` order; element masses
are tonnes of element, oxide masses tonnes of oxide. Arrays are made read-only on construction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import MappingProxyType

import numpy as np


def _freeze(value):
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.setflags(write=False)
        return value
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    return value


class _Record:
    """Base behaviour: make every array and dict field read-only."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            object.__setattr__(self, f.name, _freeze(getattr(self, f.name)))


@dataclass(frozen=True)
class Deposit(_Record):
    """The site and the in-situ resource of the chosen block."""

    water_depth_m: float
    area_km2: float
    grain_density_t_per_m3: float
    porosity: float
    dry_bulk_density_t_per_m3: float
    seawater_density_kg_per_m3: float
    seawater_viscosity_pa_s: float
    layer_top_mbsf: np.ndarray
    layer_bottom_mbsf: np.ndarray
    layer_grade_ppm: np.ndarray
    rey_pattern: np.ndarray
    resource_top_mbsf: float
    resource_bottom_mbsf: float
    resource_dry_t: float
    resource_mean_grade_ppm: float
    resource_rey_t: np.ndarray
    resource_reo_t: float
    phase_grade_ppm: dict
    phase_density_kg_per_m3: dict
    phase_size_fractions: dict
    phase_role: dict
    phase_matrix_share: dict
    phase_leach_group: dict


@dataclass(frozen=True)
class MudFeed(_Record):
    """Dry mud the collector delivers to the riser, and what escapes at the seabed."""

    mud_dry_t_per_day: float
    operating_days_per_year: float
    mud_dry_t_per_year: float
    mining_top_mbsf: float
    mining_bottom_mbsf: float
    grade_ppm: np.ndarray
    rey_t_per_year: np.ndarray
    escaped_dry_t_per_year: float
    escaped_rey_t_per_year: np.ndarray
    apatite_fraction: float
    phase_mass_fractions: dict
    solids_density_kg_per_m3: float
    lift_rate_dry_t_per_h: float
    lifting_hours_per_year: float
    campaign: dict


@dataclass(frozen=True)
class Slurry(_Record):
    """Slurry delivered on deck by the lift, with the lift's hydraulics and power."""

    solids_dry_t_per_year: float
    rey_t_per_year: np.ndarray
    solids_volume_fraction: float
    solids_density_kg_per_m3: float
    lift_power_kw: float
    lift_specific_energy_kwh_per_dry_t: float
    energy_floor_kwh_per_dry_t: float
    lift_electricity_kwh_per_year: float
    hydraulics: dict
    method: str
    envelope: dict
    max_throughput_t_per_day: float
    string: dict
    restart_pressure_kpa: float
    airlift_curve: dict


@dataclass(frozen=True)
class Concentrate(_Record):
    """Hydrocyclone underflow (concentrate) and overflow (tailings)."""

    dry_t_per_year: float
    wet_t_per_year: float
    rey_t_per_year: np.ndarray
    tailings_dry_t_per_year: float
    tailings_rey_t_per_year: np.ndarray
    upgrade_factor: float
    mass_pull: float
    rey_recovery: float
    feed_grade_ppm: float
    concentrate_grade_ppm: float
    apatite_fraction_feed: float
    apatite_fraction_concentrate: float
    cyclones: float
    flow_per_cyclone_l_per_min: float
    d50c_um: dict
    sharpness: float
    bypass: float
    size_um: np.ndarray
    partition: dict
    circuit: str
    phase_recovery: dict
    water_t_per_year: dict
    return_solids_t_per_year: float
    dewatering_loss_rey_t_per_year: np.ndarray
    tailings_discharge: str
    grade_recovery: dict


@dataclass(frozen=True)
class PregnantLiquor(_Record):
    """REY leached into solution, what stays in the residue, and the acid used."""

    rey_t_per_year: np.ndarray
    residue_rey_t_per_year: np.ndarray
    recovery: np.ndarray
    acid: str
    acid_kg_per_dry_t: float
    acid_t_per_year: float
    extraction: float = float("nan")
    wash_loss: float = 0.0
    liquor_m3_per_year: float = float("nan")
    impurities_t_per_year: dict | None = None
    composition_g_per_l: dict | None = None
    surfaces: dict | None = None


@dataclass(frozen=True)
class SeparatedProducts(_Record):
    """Individual-element strip liquors from solvent extraction, losses and reagents."""

    product_rey_t_per_year: np.ndarray
    loss_rey_t_per_year: np.ndarray
    recovery: np.ndarray
    naoh_t_per_year: float
    hcl_t_per_year: float
    impurities_t_per_year: dict
    products: dict | None = None
    product_purity: dict | None = None
    cuts: list | None = None
    organic_inventory_m3: float = float("nan")

    @property
    def total_stages(self) -> float | None:
        """Extraction and scrub stages of every cut; ``None`` without a cascade design."""
        return float(sum(c["n_extraction"] + c["n_scrub"] for c in self.cuts or [])) or None


@dataclass(frozen=True)
class OxideProducts(_Record):
    """Calcined oxides by element, losses to the barren liquor, reagents and process CO₂."""

    oxide_t_per_year: np.ndarray
    element_t_per_year: np.ndarray
    loss_rey_t_per_year: np.ndarray
    precipitation_recovery: np.ndarray
    oxalic_acid_t_per_year: float
    calcination_co2_t_per_year: float
    impurity_oxide_t_per_year: dict
    purity: float
    purity_spec: float


@dataclass(frozen=True)
class EnvironmentLedger(_Record):
    """Energy and CO₂ by item per year, totals per kg REO, and the plume footprint."""

    fuel_t_per_year: dict
    energy_kwh_per_year: dict
    co2_t_per_year: dict
    energy_kwh_per_kg_reo: float
    co2_kg_per_kg_reo: float
    plume_released_dry_t_per_year: float
    plume_area_km2_above_1mm: float
    plume_x_m: np.ndarray
    plume_y_m: np.ndarray
    plume_thickness_m: np.ndarray


@dataclass(frozen=True)
class CashFlow(_Record):
    """Yearly cash flow and its summary measures."""

    table: dict
    capex_usd: dict
    opex_usd_per_year: dict
    revenue_usd_per_year_by_element: np.ndarray
    price_usd_per_kg: np.ndarray
    npv_usd: float
    irr: float | None
    irr_status: str
    payback_years: float | None
    unit_cost_usd_per_kg_reo: float
    unit_cost_usd_per_kg_by_element: np.ndarray | None = None
    break_even_price_multiplier: float | None = None


@dataclass(frozen=True)
class MarketOutcome(_Record):
    """What the production covers of Japan's demand and of world supply."""

    japan_demand_coverage: dict
    japan_demand_t_per_year: dict
    world_supply_share: float


class Draws:
    """A stage's parameters or output on the draw axis (the vectorised chain, ``reemud.batch``).

    Attributes hold arrays whose leading axis is the draw (per-element arrays ``(n, 15)``), or
    plain scalars where every draw shares the value (NumPy broadcasting does the rest). Only the
    quantities later stages and the KPIs read are carried; the per-run diagnostics of the full
    records (envelopes, curves, grids) are not. Read-only.
    """

    __slots__ = ("_values",)

    def __init__(self, **values) -> None:
        object.__setattr__(self, "_values",
                           MappingProxyType({k: _freeze(v) for k, v in values.items()}))

    def __getattr__(self, name: str):
        values = object.__getattribute__(self, "_values")
        try:
            return values[name]
        except KeyError:
            raise AttributeError(f"{name!r} is not carried on the draw axis (carried: "
                                 f"{', '.join(values)})") from None

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("Draws records are read-only")

    def __repr__(self) -> str:
        return f"Draws({', '.join(object.__getattribute__(self, '_values'))})"

    def keys(self):
        """Names of the carried quantities."""
        return object.__getattribute__(self, "_values").keys()
