r"""Rheology of the lifted mud and of seawater.

Slurry as a Bingham plastic or Herschel–Bulkley fluid whose yield stress and consistency grow
exponentially with the solids volume fraction (O'Brien & Julien 1988: both rise about three
orders of magnitude as C_v goes 0.10 → 0.40; docs/models/lifting.md §1.1). Anchored so that zero solids is
seawater:

.. math::

    \tau_y = a_y (e^{b C_v} - 1), \qquad \mu_p = \mu_{sw}(T, S) \, e^{b C_v},
    \qquad \tau = \tau_y + K \dot\gamma^n  \; (K = \mu_p \text{ when } n = 1)

A stopped riser restarts only when the pressure overcomes the *static* yield stress, which for
mine tailings is 35–45 times the dynamic (Bingham) one (Jeong 2019, Appl. Sci. 9:4744;
docs/models/lifting.md §1.1). The wall shear stress needed to break a gelled column of length ``L`` and
diameter ``D`` is ``Δp = 4 τ_s L / D``.

Seawater viscosity from temperature ``t`` [°C] and salinity ``S`` [kg/kg] (Sharqawy, Lienhard &
Zubair 2010, Desalination and Water Treatment 16:354, eqs. 22–23):

.. math::

    \mu_w = 4.2844\times10^{-5} + [0.157 (t + 64.993)^2 - 91.296]^{-1}, \quad
    \mu_{sw} = \mu_w (1 + A S + B S^2)

with ``A = 1.541 + 1.998e-2 t − 9.52e-5 t²`` and ``B = 7.974 − 7.561e-2 t + 4.724e-4 t²``.
"""

from __future__ import annotations

import numpy as np


def seawater_viscosity_pa_s(temperature_c, salinity_kg_per_kg):
    """Dynamic viscosity of seawater (Sharqawy et al. 2010, eqs. 22–23) [Pa·s].

    Valid 0–180 °C and 0–0.15 kg/kg; 1.78 mPa·s at 2 °C and 0.035 kg/kg.

    Parameters
    ----------
    temperature_c : float or array_like
        Seawater temperature ``t`` [°C] (draws first).
    salinity_kg_per_kg : float or array_like
        Salinity ``S`` [kg/kg] (draws first).

    Returns
    -------
    ndarray
        Dynamic viscosity ``μ_sw`` [Pa·s], the broadcast shape of the inputs.

    References
    ----------
    Sharqawy, Lienhard & Zubair (2010) Desalination and Water Treatment 16:354, eqs. 22–23;
    docs/models/lifting.md §1.2.
    """
    t = np.asarray(temperature_c, dtype=float)
    s = np.asarray(salinity_kg_per_kg, dtype=float)
    mu_w = 4.2844e-5 + 1.0 / (0.157 * (t + 64.993) ** 2 - 91.296)
    a = 1.541 + 1.998e-2 * t - 9.52e-5 * t**2
    b = 7.974 - 7.561e-2 * t + 4.724e-4 * t**2
    return mu_w * (1.0 + a * s + b * s**2)


def bingham_parameters(solids_volume_fraction, yield_stress_coefficient_pa, rheology_exponent,
                       carrier_viscosity_pa_s):
    """Dynamic yield stress [Pa] and plastic viscosity [Pa·s] of the slurry at ``C_v`` [-].

    ``τ_y = a_y (e^{b C_v} − 1)``, ``μ_p = μ_sw e^{b C_v}``.

    Parameters
    ----------
    solids_volume_fraction : float or array_like
        Solids volume fraction ``C_v`` [-].
    yield_stress_coefficient_pa : float or array_like
        Level of the yield stress ``a_y`` [Pa].
    rheology_exponent : float or array_like
        Exponent ``b`` [-].
    carrier_viscosity_pa_s : float or array_like
        Viscosity of the carrier (seawater) ``μ_sw`` [Pa·s].

    Returns
    -------
    tau_y : ndarray
        Dynamic (Bingham) yield stress [Pa].
    mu_p : ndarray
        Plastic viscosity [Pa·s].

    References
    ----------
    O'Brien & Julien (1988) Laboratory analysis of mudflow properties, J. Hydraul. Eng. (the
    ×1,000 growth of yield stress and viscosity from C_v = 0.10 to 0.40);
    docs/models/lifting.md §1.1.
    """
    growth = np.exp(np.asarray(rheology_exponent) * np.asarray(solids_volume_fraction))
    tau_y = np.asarray(yield_stress_coefficient_pa) * (growth - 1.0)
    return tau_y, np.asarray(carrier_viscosity_pa_s) * growth


def herschel_bulkley_parameters(solids_volume_fraction, yield_stress_coefficient_pa,
                                rheology_exponent, carrier_consistency_pa_sn, flow_index):
    """Herschel–Bulkley yield stress [Pa], consistency K [Pa·s^n] and index n at ``C_v``.

    Same exponential growth with solids as the Bingham law; ``n = 1`` gives the Bingham plastic,
    ``τ_y = 0`` a power-law fluid.

    Parameters
    ----------
    solids_volume_fraction : float or array_like
        Solids volume fraction ``C_v`` [-].
    yield_stress_coefficient_pa : float or array_like
        Level of the yield stress ``a_y`` [Pa].
    rheology_exponent : float or array_like
        Exponent ``b`` [-].
    carrier_consistency_pa_sn : float or array_like
        Consistency of the carrier at zero solids [Pa·sⁿ] (its viscosity when ``n = 1``).
    flow_index : float or array_like
        Flow index ``n`` [-].

    Returns
    -------
    tau_y : ndarray
        Yield stress [Pa].
    k : ndarray
        Consistency ``K`` [Pa·sⁿ].
    n : ndarray
        Flow index, broadcast to the shape of ``k`` [-].

    References
    ----------
    O'Brien & Julien (1988) Laboratory analysis of mudflow properties, J. Hydraul. Eng. (the
    ×1,000 growth of yield stress and viscosity from C_v = 0.10 to 0.40);
    docs/models/lifting.md §1.1.
    """
    tau_y, k = bingham_parameters(solids_volume_fraction, yield_stress_coefficient_pa,
                                  rheology_exponent, carrier_consistency_pa_sn)
    return tau_y, k, np.broadcast_to(np.asarray(flow_index, dtype=float), np.shape(k))


def herschel_bulkley_stress_pa(shear_rate_per_s, yield_stress_pa, consistency_pa_sn,
                               flow_index):
    """Shear stress of a Herschel–Bulkley fluid ``τ_y + K γ̇^n`` [Pa] (γ̇ > 0).

    Parameters
    ----------
    shear_rate_per_s : float or array_like
        Shear rate ``γ̇`` [1/s].
    yield_stress_pa : float or array_like
        Yield stress ``τ_y`` [Pa].
    consistency_pa_sn : float or array_like
        Consistency ``K`` [Pa·sⁿ].
    flow_index : float or array_like
        Flow index ``n`` [-].

    Returns
    -------
    ndarray
        Shear stress [Pa], the broadcast shape of the inputs.

    References
    ----------
    docs/models/lifting.md §1.1.
    """
    return (np.asarray(yield_stress_pa)
            + np.asarray(consistency_pa_sn) * np.asarray(shear_rate_per_s) ** flow_index)


def restart_pressure_pa(static_yield_stress_pa, length_m, diameter_m):
    """Pressure needed to break a gelled column, ``4 τ_s L / D`` [Pa].

    Parameters
    ----------
    static_yield_stress_pa : float or array_like
        Static yield stress of the gelled slurry ``τ_s`` [Pa] (draws first).
    length_m : float or array_like
        Length of the column ``L`` [m] (draws first).
    diameter_m : float or array_like
        Pipe inner diameter ``D`` [m].

    Returns
    -------
    ndarray
        Restart pressure ``Δp_restart`` [Pa].

    References
    ----------
    Jeong (2019) Shear rate-dependent rheological properties of mine tailings, Appl. Sci.
    9:4744, doi:10.3390/app9224744 (static yield stress 35–45 × the dynamic one);
    docs/models/lifting.md §1.1.
    """
    return 4.0 * np.asarray(static_yield_stress_pa) * np.asarray(length_m) / diameter_m
