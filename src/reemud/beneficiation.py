r"""Beneficiation: Plitt hydrocyclone classification of a two-phase mud (clay + REY-bearing apatite).

Plitt (1976) model in the metric form revised by Flintoff et al. (models.md §3.1, [S40][S41]).
Lengths in cm, flow ``Q`` in L/min, pressure ``P`` in kPa, densities in g/cm³ (= t/m³),
``φ`` = feed solids [vol %]:

.. math::

    d_{50c} = \frac{50.21 D_c^{0.46} D_i^{0.6} D_o^{1.21} e^{0.063\varphi}}
                   {D_u^{0.71} h^{0.38} Q^{0.45} (\rho_s - 1)^{0.5}}  \;[\mu m]

    P = \frac{1.88 Q^{1.78} e^{0.0055\varphi}}{D_c^{0.37} D_i^{0.94} h^{0.28} (D_u^2 + D_o^2)^{0.87}}

    S = \frac{1.9 (D_u/D_o)^{3.31} h^{0.54} (D_u^2 + D_o^2)^{0.36} e^{0.0054\varphi}}
              {D_c^{1.11} H^{0.24}}, \quad H = \frac{P}{9.81 \rho_p}, \quad
    R_v = \frac{S}{1+S}

    m = 1.94 e^{-1.58 R_v} (D_c^2 h / Q)^{0.15}

    E_c(d) = 1 - \exp(-\ln 2 (d/d_{50c})^m), \qquad E(d) = R_f + (1 - R_f) E_c(d), \; R_f = R_v

Each phase is classified at its own ``d50c`` (through the ``(ρ_s − 1)^−0.5`` term). Phase size
distributions are log-normal in mass; the bulk grade follows from the phase grades and the apatite
share. Worked case (models.md §3.3): D_c = 10.2, D_i = 2.5, D_o = 3.2, D_u = 1.6, h = 30 cm,
10 wt % solids at ρ_s = 2.7, P = 100 kPa → Q = 143.7 L/min, d50c = 21.4 µm, S = 0.136, m = 2.55.
"""

from __future__ import annotations

import numpy as np


def volume_percent_solids(mass_percent_solids, solids_density_t_per_m3):
    """Feed solids by volume ``φ`` [vol %] from solids by mass ``PS`` [wt %] (water = 1 t/m³)."""
    ps = np.asarray(mass_percent_solids, dtype=float)
    rho = np.asarray(solids_density_t_per_m3, dtype=float)
    return 100.0 * (ps / rho) / (ps / rho + 100.0 - ps)


def plitt_flow_l_per_min(pressure_kpa, *, dc_cm, di_cm, do_cm, du_cm, h_cm, phi_vol_pct):
    """Flow through one cyclone at a given pressure drop, inverting Plitt's P equation [L/min]."""
    denom = dc_cm**0.37 * di_cm**0.94 * h_cm**0.28 * (du_cm**2 + do_cm**2) ** 0.87
    return (np.asarray(pressure_kpa) * denom / (1.88 * np.exp(0.0055 * phi_vol_pct))) ** (1 / 1.78)


def plitt_pressure_kpa(flow_l_per_min, *, dc_cm, di_cm, do_cm, du_cm, h_cm, phi_vol_pct):
    """Plitt pressure drop [kPa]."""
    denom = dc_cm**0.37 * di_cm**0.94 * h_cm**0.28 * (du_cm**2 + do_cm**2) ** 0.87
    return 1.88 * np.asarray(flow_l_per_min) ** 1.78 * np.exp(0.0055 * phi_vol_pct) / denom


def plitt_d50c_um(flow_l_per_min, *, dc_cm, di_cm, do_cm, du_cm, h_cm, phi_vol_pct,
                  solids_density_t_per_m3):
    """Plitt corrected cut size ``d50c`` [µm]."""
    num = 50.21 * dc_cm**0.46 * di_cm**0.6 * do_cm**1.21 * np.exp(0.063 * phi_vol_pct)
    den = (du_cm**0.71 * h_cm**0.38 * np.asarray(flow_l_per_min) ** 0.45
           * (np.asarray(solids_density_t_per_m3) - 1.0) ** 0.5)
    return num / den


def plitt_split(pressure_kpa, *, dc_cm, do_cm, du_cm, h_cm, phi_vol_pct, pulp_density_t_per_m3):
    """Plitt volumetric flow split ``S`` = underflow/overflow [-]."""
    head_m = np.asarray(pressure_kpa) / (9.81 * np.asarray(pulp_density_t_per_m3))
    num = 1.9 * (du_cm / do_cm) ** 3.31 * h_cm**0.54 * (du_cm**2 + do_cm**2) ** 0.36
    return num * np.exp(0.0054 * phi_vol_pct) / (dc_cm**1.11 * head_m**0.24)


def plitt_sharpness(flow_l_per_min, water_recovery, *, dc_cm, h_cm):
    """Plitt sharpness ``m`` of the corrected partition curve [-]."""
    return 1.94 * np.exp(-1.58 * water_recovery) * (dc_cm**2 * h_cm / flow_l_per_min) ** 0.15


def corrected_partition(size_um, d50c_um, sharpness):
    """Corrected partition to underflow ``E_c(d) = 1 − exp(−ln2 (d/d50c)^m)`` [-]."""
    ratio = np.asarray(size_um) / np.asarray(d50c_um)[..., None]
    return 1.0 - np.exp(-np.log(2.0) * ratio ** np.asarray(sharpness)[..., None])


def actual_partition(size_um, d50c_um, sharpness, bypass):
    """Actual partition to underflow ``E = R_f + (1 − R_f) E_c`` [-]."""
    rf = np.asarray(bypass)[..., None]
    return rf + (1.0 - rf) * corrected_partition(size_um, d50c_um, sharpness)


def apatite_mass_fraction(bulk_grade_ppm, apatite_grade_ppm, clay_grade_ppm):
    """Apatite share of the dry mud that reproduces the bulk ΣREY grade [-].

    ``g = f g_ap + (1 − f) g_clay``  →  ``f = (g − g_clay) / (g_ap − g_clay)``.
    """
    g = np.asarray(bulk_grade_ppm, dtype=float)
    return (g - clay_grade_ppm) / (np.asarray(apatite_grade_ppm) - clay_grade_ppm)
