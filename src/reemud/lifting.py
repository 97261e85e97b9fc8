r"""Lifting slurry from the seabed: closed-circulation hydraulics and the buoyancy-corrected floor.

Closed circulation (the Chikyu concept, JAMSTEC patent US 2023/0112110 A1; models.md §2.2):
seawater is pumped down a downline into the gathering cylinder, which sits rigid in the mud, and
slurry returns up the riser. The cylinder is a fixed control volume, so over a spot the volume
flows down and up are equal, ``Q``; the excavated mud (solids + pore water) is replaced in the
cylinder by circulated seawater. With delivered solids volume fraction ``C_v``:

.. math::

    Q = \frac{\dot m_s}{\rho_s C_v}, \qquad \rho_m = \rho_{sw} + C_v (\rho_s - \rho_{sw})

    \Delta p_{pump} = (\rho_m - \rho_{sw}) g H + \Delta p_{f,down} + \Delta p_{f,up}
                       + \Delta p_{miner}, \qquad P = Q \Delta p_{pump} / \eta

Because ``Q (ρ_m − ρ_sw) g H = \dot m_s (1 − ρ_sw/ρ_s) g H``, the specific energy
``P / \dot m_s`` can never fall below the buoyancy-corrected floor
``W_min = (1 − ρ_sw/ρ_s) g H`` (9.00 kWh per dry t at H = 5,600 m, ρ_s = 2,500 kg/m³;
models.md §2.1).

Friction: downline seawater by Colebrook (fluids.friction.Clamond, an exact Colebrook solution);
riser slurry as a Bingham plastic with Darby's (2001) friction factor (Buckingham–Reiner laminar,
Darby turbulent, Churchill-type blend), bounded below by the Newtonian friction of a fluid with the
slurry's plastic viscosity (a yield stress never lowers wall friction). Rheology follows the
O'Brien & Julien (1988) exponential dependence on solids, anchored so that zero solids is seawater:

.. math::

    \tau_y = a_y (e^{b C_v} - 1), \qquad \mu_p = \mu_{sw} e^{b C_v}
"""

from __future__ import annotations

import numpy as np
from fluids.friction import Clamond

G_M_PER_S2 = 9.81
J_PER_KWH = 3.6e6


def energy_floor_kwh_per_dry_t(depth_m, grain_density_kg_per_m3, seawater_density_kg_per_m3):
    """Buoyancy-corrected minimum work to lift solids from ``depth_m`` [kWh per dry t].

    ``W_min = (1 − ρ_sw/ρ_s) g H`` (models.md §2.1): 9.00 / 9.47 / 10.05 kWh/t at 5,600 m for
    ρ_s = 2,500 / 2,700 / 3,000 kg/m³ and ρ_sw = 1,025 kg/m³.
    """
    rho_s = np.asarray(grain_density_kg_per_m3, dtype=float)
    w = (1.0 - np.asarray(seawater_density_kg_per_m3) / rho_s) * G_M_PER_S2 * np.asarray(depth_m)
    return w * 1000.0 / J_PER_KWH


def bingham_fanning_darby(reynolds_bingham, hedstrom):
    """Fanning friction factor of a Bingham plastic in a pipe (Darby 2001) [-].

    Laminar (Buckingham–Reiner, implicit, solved by Newton):
    ``f_L = 16/Re [1 + He/(6 Re) − He⁴/(3 f_L³ Re⁷)]``; turbulent:
    ``f_T = 10^a Re^−0.193``, ``a = −1.47 [1 + 0.146 exp(−2.9e−5 He)]``; blend
    ``f = (f_L^m + f_T^m)^(1/m)``, ``m = 1.7 + 40000/Re`` (models.md §2.1, [S27]).
    Reference: D = 0.254 m, V = 2.3 m/s, ρ = 1,300 kg/m³, τ_y = 6 Pa, μ_p = 0.02 Pa·s gives
    Darcy f = 4 f = 0.0190500770.
    """
    re = np.asarray(reynolds_bingham, dtype=float)
    he = np.asarray(hedstrom, dtype=float)
    f = 16.0 / re * (1.0 + he / (6.0 * re))  # explicit start (upper bound of the root)
    for _ in range(60):
        g = f - 16.0 / re * (1.0 + he / (6.0 * re) - he**4 / (3.0 * f**3 * re**7))
        dg = 1.0 - 16.0 / re * he**4 / (f**4 * re**7)
        f = f - g / dg
    f_lam = f
    a = -1.47 * (1.0 + 0.146 * np.exp(-2.9e-5 * he))
    f_turb = 10.0**a * re**-0.193
    m = 1.7 + 40000.0 / re
    # (f_L^m + f_T^m)^(1/m) in log space: m reaches thousands at low Re
    return np.exp(np.logaddexp(m * np.log(f_lam), m * np.log(f_turb)) / m)


_clamond = np.vectorize(Clamond, otypes=[float])


def colebrook_darcy(reynolds, relative_roughness):
    """Darcy friction factor of a Newtonian fluid (Colebrook, solved exactly by Clamond) [-].

    Laminar flow (Re < 2,300) uses ``64/Re``.
    """
    re = np.asarray(reynolds, dtype=float)
    turbulent = _clamond(np.maximum(re, 2300.0), relative_roughness)
    return np.where(re < 2300.0, 64.0 / np.maximum(re, 1e-12), turbulent)


def slurry_rheology(solids_volume_fraction, yield_stress_coefficient_pa, rheology_exponent,
                    seawater_viscosity_pa_s):
    """Bingham yield stress [Pa] and plastic viscosity [Pa·s] of the slurry at ``C_v`` [-]."""
    growth = np.exp(np.asarray(rheology_exponent) * np.asarray(solids_volume_fraction))
    tau_y = np.asarray(yield_stress_coefficient_pa) * (growth - 1.0)
    mu_p = np.asarray(seawater_viscosity_pa_s) * growth
    return tau_y, mu_p


def riser_darcy_friction(velocity_m_per_s, diameter_m, density_kg_per_m3, yield_stress_pa,
                         plastic_viscosity_pa_s, roughness_m):
    """Darcy friction factor of the slurry in the riser [-]: max(Darby Bingham, Colebrook)."""
    re_b = density_kg_per_m3 * velocity_m_per_s * diameter_m / plastic_viscosity_pa_s
    hedstrom = density_kg_per_m3 * diameter_m**2 * yield_stress_pa / plastic_viscosity_pa_s**2
    darby = 4.0 * bingham_fanning_darby(re_b, hedstrom)
    newtonian = colebrook_darcy(re_b, roughness_m / diameter_m)
    return np.maximum(darby, newtonian)


def frictional_pressure_pa(darcy_f, length_m, diameter_m, density_kg_per_m3, velocity_m_per_s):
    """Darcy–Weisbach pressure loss ``f L/D ρ V²/2`` [Pa]."""
    return darcy_f * length_m / diameter_m * density_kg_per_m3 * velocity_m_per_s**2 / 2.0


def closed_circulation(*, solids_dry_t_per_day, depth_m, solids_volume_fraction,
                       grain_density_kg_per_m3, seawater_density_kg_per_m3,
                       seawater_viscosity_pa_s, riser_inner_diameter_m,
                       downline_inner_diameter_m, pipe_roughness_m, pump_efficiency,
                       miner_pressure_loss_pa, yield_stress_coefficient_pa, rheology_exponent):
    """Steady closed-circulation lift while the miner is working (models.md §2.2).

    Returns a dict of arrays: ``flow_m3_per_s`` (down = up), ``mixture_density_kg_per_m3``,
    riser and downline velocities [m/s], ``hydrostatic_pa``, ``friction_up_pa``,
    ``friction_down_pa``, ``pump_pressure_pa``, ``hydraulic_power_kw``, ``power_kw`` (shaft,
    after pump efficiency), ``specific_energy_kwh_per_dry_t`` and
    ``floor_kwh_per_dry_t``; plus ``water_up_m3_per_s`` so that the volume balance
    ``Q_up = Q_solids + Q_water`` can be checked.
    """
    rho_s = np.asarray(grain_density_kg_per_m3, dtype=float)
    rho_sw = np.asarray(seawater_density_kg_per_m3, dtype=float)
    cv = np.asarray(solids_volume_fraction, dtype=float)
    m_dot = np.asarray(solids_dry_t_per_day, dtype=float) * 1000.0 / 86400.0  # kg/s
    q_solids = m_dot / rho_s
    q = q_solids / cv
    rho_m = rho_sw + cv * (rho_s - rho_sw)

    area_up = np.pi * np.asarray(riser_inner_diameter_m) ** 2 / 4.0
    area_down = np.pi * np.asarray(downline_inner_diameter_m) ** 2 / 4.0
    v_up = q / area_up
    v_down = q / area_down

    tau_y, mu_p = slurry_rheology(cv, yield_stress_coefficient_pa, rheology_exponent,
                                  seawater_viscosity_pa_s)
    f_up = riser_darcy_friction(v_up, riser_inner_diameter_m, rho_m, tau_y, mu_p,
                                pipe_roughness_m)
    re_down = rho_sw * v_down * downline_inner_diameter_m / seawater_viscosity_pa_s
    f_down = colebrook_darcy(re_down, np.asarray(pipe_roughness_m) / downline_inner_diameter_m)

    hydrostatic = (rho_m - rho_sw) * G_M_PER_S2 * np.asarray(depth_m)
    dp_up = frictional_pressure_pa(f_up, depth_m, riser_inner_diameter_m, rho_m, v_up)
    dp_down = frictional_pressure_pa(f_down, depth_m, downline_inner_diameter_m, rho_sw, v_down)
    dp_pump = hydrostatic + dp_up + dp_down + np.asarray(miner_pressure_loss_pa)
    hydraulic_kw = q * dp_pump / 1000.0
    power_kw = hydraulic_kw / np.asarray(pump_efficiency)
    specific = power_kw / (m_dot * 3.6)  # kW / (t/h) = kWh/t
    return {
        "flow_m3_per_s": q,
        "solids_flow_m3_per_s": q_solids,
        "water_up_m3_per_s": q - q_solids,
        "mixture_density_kg_per_m3": rho_m,
        "riser_velocity_m_per_s": v_up,
        "downline_velocity_m_per_s": v_down,
        "yield_stress_pa": tau_y,
        "plastic_viscosity_pa_s": mu_p,
        "riser_darcy_friction": f_up,
        "downline_darcy_friction": f_down,
        "hydrostatic_pa": hydrostatic,
        "friction_up_pa": dp_up,
        "friction_down_pa": dp_down,
        "pump_pressure_pa": dp_pump,
        "hydraulic_power_kw": hydraulic_kw,
        "power_kw": power_kw,
        "specific_energy_kwh_per_dry_t": specific,
        "floor_kwh_per_dry_t": energy_floor_kwh_per_dry_t(depth_m, rho_s, rho_sw),
    }
