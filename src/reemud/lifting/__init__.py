"""Lifting slurry from the seabed (docs/models/lifting.md §1–2).

Rheology, pipe friction, slip, closed circulation, airlift, pump hoisting and the static tension
of the pipe string.
"""

from reemud.lifting.airlift import airlift, drift_flux_void_fraction, nicklin_void_fraction
from reemud.lifting.circulation import (
    closed_circulation,
    energy_floor_kwh_per_dry_t,
    flow_for_throughput,
    max_throughput_t_per_day,
)
from reemud.lifting.friction import (
    bingham_darcy,
    bingham_fanning_darby,
    clamond_darcy,
    colebrook_darcy,
    darcy_weisbach_pa,
    dodge_metzner_fanning,
    metzner_reed_reynolds,
    power_law_darcy,
)
from reemud.lifting.pumps import pump_hoisting
from reemud.lifting.rheology import (
    bingham_parameters,
    herschel_bulkley_parameters,
    herschel_bulkley_stress_pa,
    restart_pressure_pa,
    seawater_viscosity_pa_s,
)
from reemud.lifting.slip import (
    hindered_velocity_m_per_s,
    in_situ_fraction,
)
from reemud.lifting.string import (
    allowable_tension_n,
    depth_limit_m,
    tension_profile_n,
    weight_in_water_n_per_m,
)
from reemud.particles import stokes_velocity_m_per_s, terminal_velocity_m_per_s

__all__ = [
    "airlift",
    "allowable_tension_n",
    "bingham_darcy",
    "bingham_fanning_darby",
    "bingham_parameters",
    "clamond_darcy",
    "closed_circulation",
    "colebrook_darcy",
    "darcy_weisbach_pa",
    "depth_limit_m",
    "dodge_metzner_fanning",
    "drift_flux_void_fraction",
    "energy_floor_kwh_per_dry_t",
    "flow_for_throughput",
    "herschel_bulkley_parameters",
    "herschel_bulkley_stress_pa",
    "hindered_velocity_m_per_s",
    "in_situ_fraction",
    "max_throughput_t_per_day",
    "metzner_reed_reynolds",
    "nicklin_void_fraction",
    "power_law_darcy",
    "pump_hoisting",
    "restart_pressure_pa",
    "seawater_viscosity_pa_s",
    "stokes_velocity_m_per_s",
    "tension_profile_n",
    "terminal_velocity_m_per_s",
    "weight_in_water_n_per_m",
]
