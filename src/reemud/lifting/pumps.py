r"""Hydraulic hoisting with submersible centrifugal pumps, derated for solids (docs/models/lifting.md §5).

Pumps near the seabed draw mud at the ambient pressure and push it up the riser:

.. math::

    \Delta p_{req} = (\rho_m - \rho_{sw}) g H + \Delta p_f, \qquad
    n_{stages} = \lceil \Delta p_{req} / \Delta p_{stage} \rceil, \qquad
    P = \frac{Q \Delta p_{req}}{\eta_w (1 - R_\eta)}

with the stage pressure rise on slurry ``Δp_stage = Δp_stage,w (1 − R_H)`` and head/efficiency
reductions growing linearly with the solids volume fraction up to ~15–20 % (Pump Handbook,
solids-handling pumps; e.g. R_H ≈ 8 % at C_v = 6 % for a settling slurry):
``R_H = r_H C_v / 0.15``, ``R_η = r_η C_v / 0.15``, with ``r_H``, ``r_η`` the reductions at
C_v = 15 %. There is no recognised derating method for fine non-settling clay slurries (Heywood &
Alderman, BHR Group), so the reductions stay scenario parameters.
"""

from __future__ import annotations

import numpy as np

from reemud.constants import G_M_PER_S2, HOURS_PER_DAY
from reemud.lifting.circulation import energy_floor_kwh_per_dry_t
from reemud.lifting.friction import bingham_darcy, darcy_weisbach_pa
from reemud.lifting.rheology import bingham_parameters

REFERENCE_CV = 0.15


def pump_hoisting(*, flow_m3_per_s, solids_volume_fraction, depth_m, solids_density_kg_per_m3,
                  seawater_density_kg_per_m3, carrier_viscosity_pa_s, riser_inner_diameter_m,
                  pipe_roughness_m, water_efficiency, stage_pressure_water_pa,
                  head_reduction_at_15pct, efficiency_reduction_at_15pct,
                  yield_stress_coefficient_pa, rheology_exponent):
    """Operating point of a seabed pump lift (no slip); dict of arrays like closed circulation.

    Keys: ``solids_t_per_h``, ``mixture_density_kg_per_m3``, ``riser_velocity_m_per_s``,
    ``required_pressure_pa``, ``stages``, ``head_reduction``, ``efficiency``, ``power_kw``,
    ``specific_energy_kwh_per_dry_t``, ``floor_kwh_per_dry_t``.

    Parameters
    ----------
    flow_m3_per_s : float or array_like
        Slurry flow up the riser ``Q`` [m³/s].
    solids_volume_fraction : float or array_like
        Delivered solids volume fraction ``C_v`` [-].
    depth_m : float or array_like
        Water depth ``H`` (riser length) [m].
    solids_density_kg_per_m3, seawater_density_kg_per_m3 : float or array_like
        Densities of the solids and of seawater [kg/m³].
    carrier_viscosity_pa_s : float or array_like
        Viscosity of the carrier seawater [Pa·s].
    riser_inner_diameter_m : float or array_like
        Riser inner diameter [m].
    pipe_roughness_m : float or array_like
        Wall roughness [m].
    water_efficiency : float or array_like
        Pump efficiency on water ``η_w`` [-].
    stage_pressure_water_pa : float or array_like
        Pressure rise of one stage on water ``Δp_stage,w`` [Pa].
    head_reduction_at_15pct, efficiency_reduction_at_15pct : float or array_like
        Head and efficiency reductions ``r_H``, ``r_η`` at ``C_v`` = 15 % [-].
    yield_stress_coefficient_pa : float or array_like
        Level of the yield stress ``a_y`` of the rheology law [Pa].
    rheology_exponent : float or array_like
        Growth ``b`` of yield stress and viscosity with ``C_v`` [-].

    Returns
    -------
    dict
        Arrays of the broadcast shape of the inputs: ``solids_t_per_h`` [t/h],
        ``mixture_density_kg_per_m3`` [kg/m³], ``riser_velocity_m_per_s`` [m/s],
        ``required_pressure_pa`` [Pa], ``stages`` [-], ``head_reduction`` and ``efficiency``
        [-], ``power_kw`` [kW], ``specific_energy_kwh_per_dry_t`` (NaN at zero solids) and
        ``floor_kwh_per_dry_t`` [kWh per dry t].

    References
    ----------
    Pump Handbook (solids-handling pumps) for the linear derating; Heywood & Alderman, BHR
    Group (no derating method for fine non-settling slurries); Darby (2001) Chemical
    Engineering Fluid Mechanics, 2nd ed. (Bingham friction); docs/models/lifting.md §5.
    """
    cv = np.asarray(solids_volume_fraction, dtype=float)
    q = np.asarray(flow_m3_per_s, dtype=float)
    rho_s = np.asarray(solids_density_kg_per_m3, dtype=float)
    rho_sw = np.asarray(seawater_density_kg_per_m3, dtype=float)
    rho_m = rho_sw + cv * (rho_s - rho_sw)
    v = q / (np.pi * np.asarray(riser_inner_diameter_m) ** 2 / 4.0)
    tau_y, mu_p = bingham_parameters(cv, yield_stress_coefficient_pa, rheology_exponent,
                                     carrier_viscosity_pa_s)
    f = bingham_darcy(v, riser_inner_diameter_m, rho_m, tau_y, mu_p, pipe_roughness_m)
    dp = (rho_m - rho_sw) * G_M_PER_S2 * np.asarray(depth_m) + darcy_weisbach_pa(
        f, depth_m, riser_inner_diameter_m, rho_m, v)
    r_h = np.asarray(head_reduction_at_15pct) * cv / REFERENCE_CV
    r_eta = np.asarray(efficiency_reduction_at_15pct) * cv / REFERENCE_CV
    stages = np.ceil(dp / (np.asarray(stage_pressure_water_pa) * (1.0 - r_h)))
    efficiency = np.asarray(water_efficiency) * (1.0 - r_eta)
    power_kw = q * dp / efficiency / 1000.0
    solids_t_per_h = cv * q * rho_s * 3.6
    with np.errstate(divide="ignore", invalid="ignore"):
        specific = np.where(solids_t_per_h > 0, power_kw / solids_t_per_h, np.nan)
    return {"solids_t_per_h": solids_t_per_h, "mixture_density_kg_per_m3": rho_m,
            "riser_velocity_m_per_s": v, "required_pressure_pa": dp, "stages": stages,
            "head_reduction": r_h, "efficiency": efficiency, "power_kw": power_kw,
            "specific_energy_kwh_per_dry_t": specific,
            "floor_kwh_per_dry_t": energy_floor_kwh_per_dry_t(depth_m, rho_s, rho_sw)}


def pump_max_throughput_t_per_day(*, power_limit_kw, riser_inner_diameter_m,
                                  solids_volume_fraction, velocities_m_per_s=None, **pump_inputs):
    """Largest daily dry throughput within the power limit on a grid of riser velocities [t/day].

    Mixture velocities 0.2–5 m/s (40 points) by default; 0 where no grid point stays within the
    limit. Broadcasts over a leading draw axis of every input (``pump_inputs``: the other keyword
    inputs of ``pump_hoisting``).

    Parameters
    ----------
    power_limit_kw : float or array_like
        Power available to the lift pumps [kW] (draws first).
    riser_inner_diameter_m : float or array_like
        Riser inner diameter [m] (draws first).
    solids_volume_fraction : float or array_like
        Delivered solids volume fraction ``C_v`` [-] (draws first).
    velocities_m_per_s : array_like, optional
        Grid of mixture velocities in the riser [m/s]; 40 points over 0.2–5 m/s by default.
    **pump_inputs
        The other keyword inputs of ``pump_hoisting`` (draws first).

    Returns
    -------
    ndarray
        Largest dry throughput on the grid within the power limit [t/day], the leading (draw)
        shape.

    References
    ----------
    docs/models/lifting.md §5.
    """
    if velocities_m_per_s is None:
        velocities_m_per_s = np.linspace(0.2, 5.0, 40)
    area = np.pi * np.asarray(riser_inner_diameter_m) ** 2 / 4.0
    flows = np.asarray(velocities_m_per_s) * area[..., None]
    out = pump_hoisting(flow_m3_per_s=flows,
                        solids_volume_fraction=np.asarray(solids_volume_fraction)[..., None],
                        riser_inner_diameter_m=np.asarray(riser_inner_diameter_m)[..., None],
                        **{k: np.asarray(v)[..., None] for k, v in pump_inputs.items()})
    within = out["power_kw"] <= np.asarray(power_limit_kw)[..., None]
    best = np.where(within, out["solids_t_per_h"], -np.inf).max(axis=-1)
    return np.where(within.any(axis=-1), best * HOURS_PER_DAY, 0.0)
