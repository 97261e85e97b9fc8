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
    """Submerged weight of the string per metre, contents and buoyancy included [N/m].

    ``w = g [ρ_st A_st + ρ_i A_i − ρ_sw (A_st + A_i)] − g (ρ_sw − ρ_f) V_f`` with
    ``A_st`` = steel mass per metre / steel density and ``A_i = π D_i² / 4`` (one pipe).

    Parameters
    ----------
    steel_kg_per_m : float or array_like
        Mass of pipe steel per metre [kg/m].
    steel_density_kg_per_m3 : float or array_like
        Density of the steel [kg/m³].
    inner_diameter_m : float or array_like
        Pipe inner diameter ``D_i`` [m].
    internal_density_kg_per_m3 : float or array_like
        Density of the fluid inside the pipe ``ρ_i`` [kg/m³] (draws first).
    seawater_density_kg_per_m3 : float or array_like
        Seawater density ``ρ_sw`` [kg/m³] (draws first).
    buoyancy_volume_m3_per_m : float or array_like, optional
        Volume of buoyancy foam per metre ``V_f`` [m³/m].
    foam_density_kg_per_m3 : float or array_like, optional
        Density of the syntactic foam ``ρ_f`` [kg/m³].

    Returns
    -------
    ndarray
        Weight in water per metre ``w`` [N/m], the broadcast shape of the inputs.

    References
    ----------
    docs/models/lifting.md §6.
    """
    a_steel = np.asarray(steel_kg_per_m) / steel_density_kg_per_m3
    a_inner = np.pi * np.asarray(inner_diameter_m) ** 2 / 4.0
    pipe = (np.asarray(steel_kg_per_m) + internal_density_kg_per_m3 * a_inner
            - seawater_density_kg_per_m3 * (a_steel + a_inner))
    uplift = (seawater_density_kg_per_m3 - foam_density_kg_per_m3) * buoyancy_volume_m3_per_m
    return G_M_PER_S2 * (pipe - uplift)


def tension_profile_n(depth_m, length_m, weight_n_per_m, miner_weight_in_water_n):
    """Effective tension at each depth of a uniform string [N] (zero below its end).

    Parameters
    ----------
    depth_m : float or array_like
        Depth below the hang-off point ``z`` [m].
    length_m : float or array_like
        String length ``L`` [m] (the water depth).
    weight_n_per_m : float or array_like
        Weight in water per metre ``w`` [N/m].
    miner_weight_in_water_n : float or array_like
        Weight in water of the miner at the string's end ``W_miner`` [N].

    Returns
    -------
    ndarray
        ``T(z) = (L − z) w + W_miner`` for ``z ≤ L``, else 0 [N].

    References
    ----------
    docs/models/lifting.md §6.
    """
    z = np.asarray(depth_m, dtype=float)
    below = np.clip(length_m - z, 0.0, None)
    return np.where(z <= length_m, below * weight_n_per_m + miner_weight_in_water_n, 0.0)


def allowable_tension_n(steel_kg_per_m, steel_density_kg_per_m3, yield_strength_pa,
                        safety_factor):
    """Allowable axial load ``A σ_y / SF`` [N].

    Parameters
    ----------
    steel_kg_per_m : float or array_like
        Mass of pipe steel per metre [kg/m].
    steel_density_kg_per_m3 : float or array_like
        Density of the steel [kg/m³] (with the mass per metre, the steel area ``A``).
    yield_strength_pa : float or array_like
        Yield strength of the steel ``σ_y`` [Pa].
    safety_factor : float or array_like
        Safety factor on yield ``SF`` [-].

    Returns
    -------
    ndarray
        Allowable tension [N].

    References
    ----------
    docs/models/lifting.md §6.
    """
    return (np.asarray(steel_kg_per_m) / steel_density_kg_per_m3 * yield_strength_pa
            / safety_factor)


def depth_limit_m(allowable_n, weight_n_per_m, miner_weight_in_water_n):
    """Longest string whose top tension stays within the allowable load [m].

    Parameters
    ----------
    allowable_n : float or array_like
        Allowable tension ``A_st σ_y / SF`` [N].
    weight_n_per_m : float or array_like
        Weight in water per metre ``w`` [N/m].
    miner_weight_in_water_n : float or array_like
        Weight in water of the miner ``W_miner`` [N].

    Returns
    -------
    ndarray
        ``L_max = (A_st σ_y / SF − W_miner) / w`` [m].

    References
    ----------
    docs/models/lifting.md §6.
    """
    return (np.asarray(allowable_n) - miner_weight_in_water_n) / np.asarray(weight_n_per_m)
