"""Particle-size classes shared by every stage that follows grains (lifting slip, cyclone, plume).

Log-normal mass distributions are binned on one fixed grid of 160 geometric classes from 0.1 to
1,000 µm (40 per decade); tails beyond the grid fold into the end classes so fractions sum to one.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from reemud.constants import G_M_PER_S2

SIZE_EDGES_UM = np.geomspace(0.1, 1000.0, 161)
"""Edges of the size classes [µm]."""
SIZE_MID_UM = np.sqrt(SIZE_EDGES_UM[1:] * SIZE_EDGES_UM[:-1])
"""Geometric mid-size of each class [µm]."""
SIZE_EDGES_UM.setflags(write=False)
SIZE_MID_UM.setflags(write=False)


def lognormal_class_fractions(median_um, geometric_sd, edges_um=SIZE_EDGES_UM):
    """Mass fraction of a log-normal size distribution in each size class [-].

    ``p_k = Φ(ln(e_{k+1}/d50) / ln σ_g) − Φ(ln(e_k/d50) / ln σ_g)``; the tails beyond the grid
    fold into the end classes, so the fractions sum to one.

    Parameters
    ----------
    median_um : float or array_like
        Mass median size ``d50`` [µm] (leading axes, e.g. phases or draws).
    geometric_sd : float or array_like
        Geometric standard deviation ``σ_g`` [-], broadcast against ``median_um``.
    edges_um : array_like, optional
        Class edges [µm]; ``SIZE_EDGES_UM`` (160 classes, 0.1–1,000 µm) by default.

    Returns
    -------
    ndarray
        Mass fraction of each class [-], classes on the last axis (``len(edges_um) − 1``).

    References
    ----------
    docs/models/elements.md §2.2.
    """
    z = np.log(np.asarray(edges_um) / np.asarray(median_um)[..., None]) / np.log(
        np.asarray(geometric_sd)[..., None])
    cdf = ndtr(z)
    cdf[..., 0] = 0.0
    cdf[..., -1] = 1.0
    return np.diff(cdf, axis=-1)


def terminal_velocity_m_per_s(diameter_um, solids_density_kg_per_m3, fluid_density_kg_per_m3,
                              viscosity_pa_s):
    """Terminal settling velocity with a drag law valid beyond Stokes (fluids.v_terminal) [m/s].

    Parameters
    ----------
    diameter_um : float or array_like
        Grain diameter ``d`` [µm].
    solids_density_kg_per_m3, fluid_density_kg_per_m3 : float or array_like
        Densities of the grain and of the fluid [kg/m³].
    viscosity_pa_s : float or array_like
        Fluid viscosity ``μ`` [Pa·s].

    Returns
    -------
    ndarray
        Terminal velocity [m/s], the broadcast shape of the inputs.

    References
    ----------
    Bell, Caleb: fluids (Python package), ``drag.v_terminal`` (the laminar Stokes solution for
    particle Re < 0.01, else a drag correlation solved numerically); docs/models/lifting.md §2.3
    and §8 case 4.
    """
    from fluids.drag import v_terminal

    d = np.asarray(diameter_um, dtype=float) * 1e-6
    return np.vectorize(v_terminal, otypes=[float])(d, solids_density_kg_per_m3,
                                                     fluid_density_kg_per_m3, viscosity_pa_s)


def stokes_velocity_m_per_s(diameter_um, solids_density_kg_per_m3, fluid_density_kg_per_m3,
                            viscosity_pa_s):
    """Stokes settling velocity ``g d² Δρ / (18 μ)`` [m/s] (particle Re < ~0.3).

    Parameters and units as :func:`terminal_velocity_m_per_s`; negative for grains lighter than
    the fluid; the broadcast shape of the inputs. References: docs/models/lifting.md §2.3;
    docs/models/environment.md §2.3.
    """
    d = np.asarray(diameter_um, dtype=float) * 1e-6
    return (G_M_PER_S2 * d**2 * (np.asarray(solids_density_kg_per_m3) - fluid_density_kg_per_m3)
            / (18.0 * viscosity_pa_s))
