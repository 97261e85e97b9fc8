r"""What the mud's oxides mean for its buyers: coverage, share of world supply, years of demand.

- Coverage of an importer's demand by its part of the mud's oxides, per element and period:
  :math:`c_{i,e,t} = o_i\,a_i\,M_{e,t} / D_{i,e,t}`, with offtake share ``o_i`` and acceptance
  factor ``a_i``.
- Acceptance: a partner with a largest plume area ``A_max`` or largest CO₂ per kg ``C_max``
  takes :math:`a_i = \min(1, A_{max}/A, C_{max}/C)` of its offtake share; what partners decline
  goes to the open market.
- Years of demand held in a resource: :math:`Y_e = R_e / D_e` (Takaya et al. 2018, Sci. Rep.
  8:5763, doi:10.1038/s41598-018-23948-5).

docs/models/supply-security.md §7.
"""

from __future__ import annotations

import numpy as np


def acceptance(plume_area_km2, co2_kg_per_kg, plume_limit_km2, co2_limit_kg_per_kg):
    r"""Share of its offtake a partner accepts, :math:`\min(1, A_{max}/A, C_{max}/C)` [-]."""
    plume, co2 = np.asarray(plume_area_km2, dtype=float), np.asarray(co2_kg_per_kg, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_plume = np.where(plume > 0, np.asarray(plume_limit_km2) / np.where(plume > 0, plume, 1),
                            np.inf)
        by_co2 = np.where(co2 > 0, np.asarray(co2_limit_kg_per_kg) / np.where(co2 > 0, co2, 1),
                          np.inf)
    return np.minimum(1.0, np.minimum(by_plume, by_co2))


def offtake(shares, accepted) -> np.ndarray:
    """Share of the mud each partner takes [-] (partners on the last axis); the rest is sold openly."""
    return np.asarray(shares, dtype=float) * np.asarray(accepted, dtype=float)


def coverage(supply_t_per_year, demand_t_per_year) -> np.ndarray:
    """Supply over demand, elementwise [-] (NaN where the demand is zero)."""
    s, d = np.asarray(supply_t_per_year, dtype=float), np.asarray(demand_t_per_year, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, s / np.where(d > 0, d, 1.0), np.nan)


def years_of_demand(resource_t, demand_t_per_year) -> np.ndarray:
    """Years of demand a resource holds, :math:`R_e / D_e` [yr] (NaN where the demand is zero)."""
    return coverage(resource_t, demand_t_per_year)
