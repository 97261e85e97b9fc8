r"""Slip of settling grains in the riser and delivered vs in-situ concentration.

Terminal velocity from ``fluids.drag.v_terminal`` (drag-corrected; 4.1425 mm/s for a 70 µm grain of
2,600 kg/m³ in water of 1 mPa·s, models.md §2.6 case 4) or Stokes ``g d² Δρ / (18 μ)``.
Hindered settling (Richardson & Zaki 1954): ``v = v_t (1 − C)^n``. In a riser with mixture
velocity ``V`` (delivered volume flux over area), grains of class ``k`` rise at ``V − v_k``, so
their in-situ concentration exceeds the delivered one (1-D slip, models.md §2.1):

.. math::

    C_{k,in\,situ} = C_{k,delivered} \frac{V}{V - v_k}

A class with ``v_k ≥ V`` cannot be lifted (the envelope marks such points infeasible).
"""

from __future__ import annotations

import numpy as np
from fluids.drag import v_terminal

G_M_PER_S2 = 9.81
_v_terminal = np.vectorize(v_terminal, otypes=[float])


def terminal_velocity_m_per_s(diameter_um, solids_density_kg_per_m3, fluid_density_kg_per_m3,
                              viscosity_pa_s):
    """Terminal settling velocity with a drag law valid beyond Stokes (fluids.v_terminal) [m/s]."""
    return _v_terminal(np.asarray(diameter_um, dtype=float) * 1e-6, solids_density_kg_per_m3,
                       fluid_density_kg_per_m3, viscosity_pa_s)


def stokes_velocity_m_per_s(diameter_um, solids_density_kg_per_m3, fluid_density_kg_per_m3,
                            viscosity_pa_s):
    """Stokes settling velocity ``g d² Δρ / (18 μ)`` [m/s] (particle Re < ~0.3)."""
    d = np.asarray(diameter_um, dtype=float) * 1e-6
    return (G_M_PER_S2 * d**2 * (np.asarray(solids_density_kg_per_m3) - fluid_density_kg_per_m3)
            / (18.0 * viscosity_pa_s))


def hindered_velocity_m_per_s(terminal_velocity, solids_volume_fraction, exponent):
    """Richardson–Zaki hindered settling ``v_t (1 − C)^n`` [m/s]."""
    return np.asarray(terminal_velocity) * (1.0 - np.asarray(solids_volume_fraction)) ** exponent


def in_situ_fraction(delivered_fraction, mixture_velocity_m_per_s, class_volume_shares,
                     class_slip_m_per_s):
    """In-situ solids volume fraction of the riser from the delivered one [-].

    ``class_volume_shares`` (summing to 1) and ``class_slip_m_per_s`` have the size classes on
    their last axis; returns ``inf`` where some class with a non-zero share cannot rise.
    """
    v = np.asarray(mixture_velocity_m_per_s, dtype=float)[..., None]
    slip = np.asarray(class_slip_m_per_s, dtype=float)
    shares = np.asarray(class_volume_shares, dtype=float)
    present = shares > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = v - slip
        terms = np.where(present, shares * v / gap, 0.0)
    blocked = (present & ~(gap > 0)).any(axis=-1)
    return np.asarray(delivered_fraction) * np.where(blocked, np.inf, terms.sum(axis=-1))
