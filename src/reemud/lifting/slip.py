r"""Slip of settling grains in the riser and delivered vs in-situ concentration.

Terminal velocity from ``fluids.drag.v_terminal`` through
``reemud.particles.terminal_velocity_m_per_s`` (drag-corrected; 4.1425 mm/s for a 70 µm grain of
2,600 kg/m³ in water of 1 mPa·s, docs/models/lifting.md §8 case 4) or Stokes ``g d² Δρ / (18 μ)``.
Hindered settling (Richardson & Zaki 1954): ``v = v_t (1 − C)^n``. In a riser with mixture
velocity ``V`` (delivered volume flux over area), grains of class ``k`` rise at ``V − v_k``, so
their in-situ concentration exceeds the delivered one (1-D slip, docs/models/lifting.md §2):

.. math::

    C_{k,in\,situ} = C_{k,delivered} \frac{V}{V - v_k}

A class with ``v_k ≥ V`` cannot be lifted (the envelope marks such points infeasible).
"""

from __future__ import annotations

import numpy as np


def hindered_velocity_m_per_s(terminal_velocity, solids_volume_fraction, exponent):
    """Richardson–Zaki hindered settling ``v_t (1 − C)^n`` [m/s].

    Parameters
    ----------
    terminal_velocity : float or array_like
        Terminal velocity of the single grain ``v_t`` [m/s].
    solids_volume_fraction : float or array_like
        Solids volume fraction ``C`` [-].
    exponent : float or array_like
        Richardson–Zaki exponent ``n`` [-] (e.g. ``garside_al_dibouni_exponent``).

    Returns
    -------
    ndarray
        Hindered settling velocity [m/s], the broadcast shape of the inputs.

    References
    ----------
    Richardson & Zaki (1954), hindered settling; docs/models/lifting.md §2.3.
    """
    return np.asarray(terminal_velocity) * (1.0 - np.asarray(solids_volume_fraction)) ** exponent


def in_situ_fraction(delivered_fraction, mixture_velocity_m_per_s, class_volume_shares,
                     class_slip_m_per_s):
    """In-situ solids volume fraction of the riser from the delivered one [-].

    ``class_volume_shares`` (summing to 1) and ``class_slip_m_per_s`` have the size classes on
    their last axis; returns ``inf`` where some class with a non-zero share cannot rise.

    Parameters
    ----------
    delivered_fraction : float or array_like
        Delivered solids volume fraction ``C_v,delivered`` [-].
    mixture_velocity_m_per_s : float or array_like
        Mixture velocity ``V``, delivered volume flux over the riser area [m/s].
    class_volume_shares : array_like
        Volume share ``s_k`` of each size class [-], classes on the last axis.
    class_slip_m_per_s : array_like
        Slip (hindered settling) velocity ``v_k`` of each class [m/s], classes on the last
        axis.

    Returns
    -------
    ndarray
        ``C_v,delivered Σ_k s_k V / (V − v_k)`` [-], the leading shape of the inputs; ``inf``
        where a class present cannot rise.

    References
    ----------
    docs/models/lifting.md §2.3 (1-D slip).
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


def garside_al_dibouni_exponent(terminal_reynolds):
    r"""Richardson–Zaki exponent from the terminal Reynolds number [-].

    .. math::

        n = \frac{5.1 + 2.7 a}{1 + a}, \qquad a = 0.1\, Re_t^{0.9}

    (Garside & Al-Dibouni 1977, doi:10.1021/i260062a008): 5.1 for Stokes grains, 2.7 at high Re.

    Parameters
    ----------
    terminal_reynolds : float or array_like
        Reynolds number of the grain at its terminal velocity ``Re_t = ρ v_t d / μ`` [-].

    Returns
    -------
    ndarray
        Exponent ``n`` [-], the shape of ``terminal_reynolds``.

    References
    ----------
    Garside & Al-Dibouni (1977), the exponent's dependence on the terminal Reynolds
    number, doi:10.1021/i260062a008; docs/models/lifting.md §2.3.
    """
    a = 0.1 * np.asarray(terminal_reynolds, dtype=float) ** 0.9
    return (5.1 + 2.7 * a) / (1.0 + a)


def class_slip(*, class_mass_fractions, class_density_kg_per_m3, diameter_um,
               terminal_velocity_m_per_s, fluid_density_kg_per_m3, viscosity_pa_s,
               solids_volume_fraction):
    """Volume shares and hindered slip velocities of the size classes of a slurry.

    Parameters
    ----------
    class_mass_fractions : array_like
        Mass share of each class (of every grain phase) [-], classes on the last axis.
    class_density_kg_per_m3, diameter_um, terminal_velocity_m_per_s : array_like
        Grain density [kg/m³], size [µm] and terminal velocity [m/s] of each class.
    fluid_density_kg_per_m3, viscosity_pa_s : float or array_like
        Carrier density [kg/m³] and viscosity [Pa s] (draws first).
    solids_volume_fraction : float or array_like
        Delivered solids volume fraction [-] (draws first).

    Returns
    -------
    (shares, slip) : volume share of each class [-] and its Richardson–Zaki hindered velocity
    [m/s], with ``garside_al_dibouni_exponent`` at the class's terminal Reynolds number.

    References
    ----------
    Richardson & Zaki (1954), hindered settling; Garside & Al-Dibouni (1977), the exponent's
    dependence on the terminal Reynolds number, doi:10.1021/i260062a008;
    docs/models/lifting.md §2.3.
    """
    volume = np.asarray(class_mass_fractions) / np.asarray(class_density_kg_per_m3)
    v_t = np.asarray(terminal_velocity_m_per_s)
    re_t = (np.asarray(fluid_density_kg_per_m3)[..., None] * v_t
            * np.asarray(diameter_um) * 1e-6 / np.asarray(viscosity_pa_s)[..., None])
    return (volume / volume.sum(axis=-1, keepdims=True),
            hindered_velocity_m_per_s(v_t, np.asarray(solids_volume_fraction)[..., None],
                                      garside_al_dibouni_exponent(re_t)))
