r"""Static tension along the pipe string hanging from the vessel (docs/models/lifting.md §6).

With depth ``z`` measured down from the hang-off point and the string of length ``L``, the
effective tension at ``z`` carries everything below it in water:

.. math::

    T(z) = \int_z^L w(s)\,ds + W_{miner}, \qquad
    w = g\,[\rho_{st} A_{st} + \rho_i A_i - \rho_{sw}(A_{st} + A_i)] - b

per unit length (pipe steel in water plus the excess of the internal fluid over seawater),
minus the net uplift ``b`` of any buoyancy modules (syntactic foam of density ρ_f and volume
``V_f`` per metre gives ``b = g (ρ_sw − ρ_f) V_f``). Utilisation is ``T / (A_st σ_y / SF)``. The
depth limit of a pipe is where the top utilisation reaches one:
``L_max = (A_st σ_y / SF − W_miner) / w``.
"""

from __future__ import annotations

import numpy as np

from reemud.constants import G_M_PER_S2


def weight_in_water_n_per_m(*, steel_kg_per_m, steel_density_kg_per_m3, inner_diameter_m,
                            internal_density_kg_per_m3, seawater_density_kg_per_m3,
                            buoyancy_volume_m3_per_m=0.0, foam_density_kg_per_m3=0.0):
    """Submerged weight of the string per metre, contents and buoyancy included [N/m]."""
    a_steel = np.asarray(steel_kg_per_m) / steel_density_kg_per_m3
    a_inner = np.pi * np.asarray(inner_diameter_m) ** 2 / 4.0
    pipe = (np.asarray(steel_kg_per_m) + internal_density_kg_per_m3 * a_inner
            - seawater_density_kg_per_m3 * (a_steel + a_inner))
    uplift = (seawater_density_kg_per_m3 - foam_density_kg_per_m3) * buoyancy_volume_m3_per_m
    return G_M_PER_S2 * (pipe - uplift)


def tension_profile_n(depth_m, length_m, weight_n_per_m, miner_weight_in_water_n):
    """Effective tension at each depth of a uniform string [N] (zero below its end)."""
    z = np.asarray(depth_m, dtype=float)
    below = np.clip(length_m - z, 0.0, None)
    return np.where(z <= length_m, below * weight_n_per_m + miner_weight_in_water_n, 0.0)


def allowable_tension_n(steel_kg_per_m, steel_density_kg_per_m3, yield_strength_pa,
                        safety_factor):
    """Allowable axial load ``A σ_y / SF`` [N]."""
    return (np.asarray(steel_kg_per_m) / steel_density_kg_per_m3 * yield_strength_pa
            / safety_factor)


def depth_limit_m(allowable_n, weight_n_per_m, miner_weight_in_water_n):
    """Longest string whose top tension stays within the allowable load [m]."""
    return (np.asarray(allowable_n) - miner_weight_in_water_n) / np.asarray(weight_n_per_m)
