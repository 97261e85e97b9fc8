"""Environment: the energy and CO₂ ledger and the near-bed sediment plume footprint."""

from reemud.environment.ledger import fuel_for_electricity_t, ledger
from reemud.environment.plume import (
    deposit_area_km2,
    deposit_areas_km2,
    stokes_settling_velocity_m_per_s,
)

__all__ = ["deposit_area_km2", "deposit_areas_km2", "fuel_for_electricity_t", "ledger",
           "stokes_settling_velocity_m_per_s"]
