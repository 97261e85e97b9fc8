"""Records (L2): frozen dataclasses carrying each stage's output stream. They do no physics.

One record type serves a single run and a Monte Carlo: every quantity is a scalar (a single run,
or a value every draw shares) or an array whose first axis is the draw. Per-element arrays have
the 15 REY on their last axis, in ``elements.REY`` order; element masses are tonnes of element,
oxide masses tonnes of oxide. What a record carries is declared here, field by field: a model that
forgets one fails in its own constructor. Arrays are made read-only on construction, and 0-d
arrays become NumPy scalars, so a single run's record reads as plain numbers.

A draw a stage cannot compute is named in the record's ``rejections`` (``Rejection``): the chain
marks such draws invalid with the stated reason, and a single run raises it as a ``ScenarioError``
(``docs/architecture.md`` §3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from types import MappingProxyType

import numpy as np


def freeze(value):
    """A read-only copy of ``value``.

    Arrays are copied and locked (0-d ones become NumPy scalars), dicts become read-only mappings
    of frozen values, other values stay as they are.
    """
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value[()]
        value = value.copy()
        value.setflags(write=False)
        return value
    if isinstance(value, dict | MappingProxyType):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    return value


@dataclass(frozen=True)
class Rejection:
    """Draws a stage cannot compute, and why.

    ``where`` is a bool (a single run) or a bool array over the draws; ``path`` the scenario field
    to change, ``given`` its value, ``reason`` the stated reason (the same for a single run and a
    draw), ``fix`` how to fix it. ``detail()``, if given, adds the single run's numbers to the
    message.
    """

    where: object
    path: str
    given: object
    reason: str
    fix: str
    detail: Callable[[], str] | None = None

    def message(self) -> str:
        """The reason, with the single run's numbers when there are any."""
        return self.reason if self.detail is None else f"{self.reason}: {self.detail()}"


@dataclass(frozen=True, kw_only=True)
class _Record:
    """Base of every record: read-only arrays and dicts, and the draws its stage rejected."""

    rejections: tuple[Rejection, ...] = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, freeze(getattr(self, f.name)))


record = dataclass(frozen=True, kw_only=True)
"""Declare a record: frozen, every field given by keyword."""


@record
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


@record
class MudFeed(_Record):
    """Dry mud the collector delivers to the riser, and what escapes at the seabed.

    ``campaign_tonnes_mean`` and ``campaign_tonnes_standard_error`` [t], ``campaign_days`` [d],
    ``spot_dry_t`` [t], ``spot_cycle_h`` [h] and ``spot_cycle_h_for_target`` [h] are NaN for models
    that simulate no campaign.
    """

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
    campaign_tonnes_mean: float
    campaign_tonnes_standard_error: float
    campaign_days: float
    spot_dry_t: float
    spot_cycle_h: float
    spot_cycle_h_for_target: float


@record
class Slurry(_Record):
    """Slurry delivered on deck by the lift, with the lift's hydraulics, power and string."""

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
    max_throughput_t_per_day: float
    string_top_tension_kn: float
    string_top_utilisation: float
    string_depth_limit_m: float
    restart_pressure_kpa: float


@record
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
    partition: dict
    circuit: str
    phase_recovery: dict
    water_t_per_year: dict
    return_solids_t_per_year: float
    dewatering_loss_rey_t_per_year: np.ndarray
    tailings_discharge: str


@record
class PregnantLiquor(_Record):
    """REY leached into solution, what stays in the residue, and the acid used.

    ``extraction`` (of the leachable REY, before washing) is NaN for a model that states
    recoveries instead of computing them.
    """

    rey_t_per_year: np.ndarray
    residue_rey_t_per_year: np.ndarray
    recovery: np.ndarray
    acid: str
    acid_kg_per_dry_t: float
    acid_t_per_year: float
    extraction: float
    wash_loss: float
    liquor_m3_per_year: float
    impurities_t_per_year: dict
    composition_g_per_l: dict


@record
class SeparatedProducts(_Record):
    """Individual-element strip liquors from solvent extraction, losses and reagents.

    ``total_stages`` and ``organic_inventory_m3`` are NaN for a model with no cascade design.
    ``products`` names the products sold, light to heavy (``"La+Ce"`` a group of two elements
    sold together, ``"Tb"`` a separated oxide); every REY is in exactly one.
    """

    products: tuple
    product_rey_t_per_year: np.ndarray
    loss_rey_t_per_year: np.ndarray
    recovery: np.ndarray
    naoh_t_per_year: float
    hcl_t_per_year: float
    impurities_t_per_year: dict
    total_stages: float
    organic_inventory_m3: float


@record
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


@record
class EnvironmentLedger(_Record):
    """Energy and CO₂ by item per year, totals per kg REO, and the plume footprint."""

    fuel_t_per_year: dict
    energy_kwh_per_year: dict
    co2_t_per_year: dict
    energy_kwh_per_kg_reo: float
    co2_kg_per_kg_reo: float
    plume_released_dry_t_per_year: float
    plume_area_km2_above_1mm: float
    plume_area_km2_above_0_1mm: float
    plume_area_se_km2_above_1mm: float
    plume_area_km2_by_source: dict
    plume_area_km2_by_threshold: dict


@record
class CashFlow(_Record):
    """Cash flow by period and its summary measures.

    ``table`` holds each account with the periods on its last axis; undefined measures (no IRR,
    no payback, no break-even) are NaN. ``campaign_cost_usd`` (by account), ``campaign_mud_dry_t``
    and ``campaign_reo_kg`` are one campaign's, NaN when the collector simulates no campaign;
    ``programme_usd`` is the public test programme in dollars. ``payable`` is the share of each
    element's price paid (1 in a separated oxide, the group payable in a group product), and
    ``sales_price_factor`` what the volume sold does to the deck's price (1 when fixed).
    """

    table: dict
    capex_usd: dict
    opex_usd_per_year: dict
    revenue_usd_per_year_by_element: np.ndarray
    revenue_usd_per_year_by_product: dict
    price_usd_per_kg: np.ndarray
    sales_price_factor: np.ndarray
    payable: np.ndarray
    npv_usd: float
    irr: float
    irr_status: str
    payback_years: float
    unit_cost_usd_per_kg_reo: float
    unit_cost_usd_per_kg_by_element: np.ndarray
    break_even_price_multiplier: float
    campaign_cost_usd: dict
    campaign_mud_dry_t: float
    campaign_reo_kg: float
    programme_usd: float


@record
class MarketOutcome(_Record):
    """What the production covers of Japan's demand and of world supply."""

    japan_demand_coverage: dict
    japan_demand_t_per_year: dict
    world_supply_share: float
