r"""Closed-circulation lift (the Chikyu concept): seawater down a downline, slurry up a riser.

JAMSTEC patent US 2023/0112110 A1 (docs/models/collector.md §1.1,
docs/models/lifting.md §3): a gathering cylinder penetrates the mud,
a stirrer loosens it, and a circulating flow carries the slurry up a double pipe. The cylinder is a
rigid control volume, so over a spot the volume flows down and up are equal, ``Q``; the excavated
mud (solids + pore water) is replaced in the cylinder by circulated seawater. Solids delivered:
``ṁ_s = ρ_s C_v Q``. Pressure balance (z up; both columns inside the closed loop):

.. math::

    \Delta p_{pump} = (\rho_m - \rho_{sw}) g H + \Delta p_{f,down} + \Delta p_{f,up}
                      + \Delta p_{miner}, \qquad P = Q\,\Delta p_{pump} / \eta

with the riser mixture density at the *in-situ* solids fraction (slip raises it above the
delivered one). The pump pays ``Q (ρ_m − ρ_sw) g H ≥ ṁ_s (1 − ρ_sw/ρ_s) g H``, so the specific
energy never falls below the buoyancy-corrected floor
``W_min = (1 − ρ_sw/ρ_s) g H`` (9.00 kWh per dry t at 5,600 m, ρ_s = 2,500 kg/m³). The cylinder
runs at ``(ρ_m − ρ_sw) g H + Δp_f,up`` above the ambient pressure at the seabed: the overpressure
its seal in the mud must hold. Friction: Colebrook for the seawater downline, Bingham (Darby,
bounded by Newtonian) for the riser.
"""

from __future__ import annotations

import numpy as np

from reemud.constants import G_M_PER_S2, SECONDS_PER_DAY
from reemud.lifting.friction import (
    bingham_darcy,
    colebrook_darcy,
    darcy_weisbach_pa,
    power_law_darcy,
)
from reemud.lifting.rheology import bingham_parameters
from reemud.lifting.slip import in_situ_fraction

J_PER_KWH = 3.6e6


def _bingham(v, d, rho, tau_y, k, n, roughness):
    return bingham_darcy(v, d, rho, tau_y, k, roughness)


def _power_law(v, d, rho, tau_y, k, n, roughness):
    return power_law_darcy(v, d, rho, k, n)


RISER_FRICTION = {"bingham": _bingham, "power_law": _power_law}
"""Riser friction by slurry rheology: Bingham (Darby, bounded by Newtonian) or power law
(Metzner–Reed + Dodge–Metzner, consistency ``K = μ_p`` and flow index ``n``)."""


def energy_floor_kwh_per_dry_t(depth_m, solids_density_kg_per_m3, seawater_density_kg_per_m3):
    """Buoyancy-corrected minimum work to lift solids from ``depth_m`` [kWh per dry t].

    ``W_min = (1 − ρ_sw/ρ_s) g H`` (docs/models/lifting.md §2): 9.00 / 9.46 / 10.04 kWh/t at 5,600 m for
    ρ_s = 2,500 / 2,700 / 3,000 kg/m³ and ρ_sw = 1,025 kg/m³ (standard g; at g = 9.81 they
    read 9.47 / 10.05).

    Parameters
    ----------
    depth_m : float or array_like
        Depth the solids are lifted from ``H`` [m] (draws first).
    solids_density_kg_per_m3, seawater_density_kg_per_m3 : float or array_like
        Densities of the solids ``ρ_s`` and of seawater ``ρ_sw`` [kg/m³] (draws first).

    Returns
    -------
    ndarray
        ``W_min`` [kWh per dry t], the broadcast shape of the inputs.

    References
    ----------
    docs/models/lifting.md §2.1 (from hydrostatics; validation case ``lift-floor-5600``, §8).
    """
    rho_s = np.asarray(solids_density_kg_per_m3, dtype=float)
    w = (1.0 - np.asarray(seawater_density_kg_per_m3) / rho_s) * G_M_PER_S2 * np.asarray(depth_m)
    return w * 1000.0 / J_PER_KWH


def closed_circulation(*, flow_m3_per_s, solids_volume_fraction, depth_m, solids_density_kg_per_m3,
                       seawater_density_kg_per_m3, carrier_viscosity_pa_s, riser_inner_diameter_m,
                       downline_inner_diameter_m, pipe_roughness_m, pump_efficiency,
                       miner_pressure_loss_pa, yield_stress_coefficient_pa, rheology_exponent,
                       class_volume_shares=(1.0,), class_slip_m_per_s=(0.0,),
                       rheology="bingham", flow_index=1.0):
    """Steady closed-circulation lift at circulation flow ``Q`` and delivered ``C_v``.

    Every input broadcasts (an operating envelope is one call). ``rheology`` names the riser
    friction law in ``RISER_FRICTION``. Returns a dict of arrays:
    ``solids_t_per_h``, ``flow_m3_per_s``, ``solids_flow_m3_per_s``, ``water_up_m3_per_s``
    (volume balance ``Q = Q_s + Q_w``), ``in_situ_volume_fraction``,
    ``mixture_density_kg_per_m3``, velocities [m/s], rheology, friction factors,
    ``hydrostatic_pa``, ``friction_up_pa``, ``friction_down_pa``, ``pump_pressure_pa``,
    ``cylinder_overpressure_pa``, ``hydraulic_power_kw``, ``solids_lift_power_kw`` (the floor's
    share), ``power_kw`` (shaft), ``specific_energy_kwh_per_dry_t`` (NaN at zero solids),
    ``floor_kwh_per_dry_t`` and ``liftable`` (every size class rises).

    Parameters
    ----------
    flow_m3_per_s : float or array_like
        Circulation flow ``Q``, equal down and up [m³/s].
    solids_volume_fraction : float or array_like
        Delivered solids volume fraction ``C_v`` [-].
    depth_m : float or array_like
        Water depth ``H`` (length of riser and downline) [m].
    solids_density_kg_per_m3, seawater_density_kg_per_m3 : float or array_like
        Densities of the solids ``ρ_s`` and of seawater ``ρ_sw`` [kg/m³].
    carrier_viscosity_pa_s : float or array_like
        Viscosity of the carrier seawater ``μ_sw`` [Pa·s].
    riser_inner_diameter_m, downline_inner_diameter_m : float or array_like
        Inner diameters of the riser and of the downline [m].
    pipe_roughness_m : float or array_like
        Wall roughness of both pipes [m].
    pump_efficiency : float or array_like
        Efficiency of the circulation pump, hydraulic over shaft power ``η`` [-].
    miner_pressure_loss_pa : float or array_like
        Loss through the gathering cylinder and stirrer ``Δp_miner`` [Pa].
    yield_stress_coefficient_pa : float or array_like
        Level of the yield stress ``a_y`` of the rheology law [Pa].
    rheology_exponent : float or array_like
        Growth ``b`` of yield stress and viscosity with ``C_v`` [-].
    class_volume_shares : array_like, optional
        Volume share of each grain size class (summing to 1) [-], classes on the last axis.
    class_slip_m_per_s : array_like, optional
        Hindered settling velocity of each class [m/s], classes on the last axis; the defaults
        (one class, no slip) make the in-situ fraction the delivered one.
    rheology : str, optional
        Riser friction law, a key of ``RISER_FRICTION`` (``"bingham"`` or ``"power_law"``).
    flow_index : float, optional
        Flow index ``n`` of the power-law option [-].

    Returns
    -------
    dict
        Arrays of the broadcast shape of the inputs, with the units in their names: flows
        [m³/s], velocities [m/s], densities [kg/m³], ``yield_stress_pa`` [Pa],
        ``plastic_viscosity_pa_s`` [Pa·s], Darcy friction factors [-], pressures [Pa], powers
        [kW], ``solids_t_per_h`` [t/h], specific energy and floor [kWh per dry t] and
        ``liftable`` (bool); where a class cannot rise the in-situ fraction and what depends on
        it are NaN.

    References
    ----------
    US 2023/0112110 A1, Method for recovering rare-earth mud, and recovery system (JAMSTEC)
    (the closed-circulation concept); Darby (2001) Chemical Engineering Fluid Mechanics, 2nd
    ed. (Bingham riser friction); Dodge & Metzner (1959) AIChE J. 5:189–204 (power-law option);
    Clamond (2009) Ind. Eng. Chem. Res. 48:3665, doi:10.1021/ie801626g (Colebrook downline);
    docs/models/lifting.md §3.1.
    """
    rho_s = np.asarray(solids_density_kg_per_m3, dtype=float)
    rho_sw = np.asarray(seawater_density_kg_per_m3, dtype=float)
    cv = np.asarray(solids_volume_fraction, dtype=float)
    q = np.asarray(flow_m3_per_s, dtype=float)
    q_solids = cv * q
    area_up = np.pi * np.asarray(riser_inner_diameter_m) ** 2 / 4.0
    area_down = np.pi * np.asarray(downline_inner_diameter_m) ** 2 / 4.0
    v_up, v_down = q / area_up, q / area_down

    cv_insitu = in_situ_fraction(cv, v_up, class_volume_shares, class_slip_m_per_s)
    liftable = np.isfinite(cv_insitu) & (cv_insitu < 1.0)
    cv_insitu = np.where(liftable, cv_insitu, np.nan)
    rho_m = rho_sw + cv_insitu * (rho_s - rho_sw)
    tau_y, mu_p = bingham_parameters(cv_insitu, yield_stress_coefficient_pa, rheology_exponent,
                                     carrier_viscosity_pa_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_up = RISER_FRICTION[rheology](v_up, riser_inner_diameter_m, rho_m, tau_y, mu_p,
                                        flow_index, pipe_roughness_m)
        re_down = rho_sw * v_down * downline_inner_diameter_m / carrier_viscosity_pa_s
        f_down = colebrook_darcy(re_down, np.asarray(pipe_roughness_m) / downline_inner_diameter_m)
    hydrostatic = (rho_m - rho_sw) * G_M_PER_S2 * np.asarray(depth_m)
    dp_up = darcy_weisbach_pa(f_up, depth_m, riser_inner_diameter_m, rho_m, v_up)
    dp_down = darcy_weisbach_pa(f_down, depth_m, downline_inner_diameter_m, rho_sw, v_down)
    dp_pump = hydrostatic + dp_up + dp_down + np.asarray(miner_pressure_loss_pa)
    hydraulic_kw = q * dp_pump / 1000.0
    power_kw = hydraulic_kw / np.asarray(pump_efficiency)
    solids_t_per_h = q_solids * rho_s * 3.6
    floor = energy_floor_kwh_per_dry_t(depth_m, rho_s, rho_sw)
    with np.errstate(divide="ignore", invalid="ignore"):
        specific = np.where(solids_t_per_h > 0, power_kw / solids_t_per_h, np.nan)
    return {
        "solids_t_per_h": solids_t_per_h,
        "flow_m3_per_s": q,
        "solids_flow_m3_per_s": q_solids,
        "water_up_m3_per_s": q - q_solids,
        "in_situ_volume_fraction": cv_insitu,
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
        "cylinder_overpressure_pa": hydrostatic + dp_up,
        "hydraulic_power_kw": hydraulic_kw,
        "solids_lift_power_kw": solids_t_per_h * floor,
        "power_kw": power_kw,
        "specific_energy_kwh_per_dry_t": specific,
        "floor_kwh_per_dry_t": floor,
        "liftable": liftable,
    }


def flow_for_throughput(solids_dry_t_per_day, solids_volume_fraction, solids_density_kg_per_m3):
    """Circulation flow that delivers a daily dry throughput at a delivered ``C_v`` [m³/s].

    Parameters
    ----------
    solids_dry_t_per_day : float or array_like
        Dry solids throughput [t/day] (draws first).
    solids_volume_fraction : float or array_like
        Delivered solids volume fraction ``C_v`` [-] (draws first).
    solids_density_kg_per_m3 : float or array_like
        Density of the solids ``ρ_s`` [kg/m³] (draws first).

    Returns
    -------
    ndarray
        ``Q = ṁ / (ρ_s C_v)`` with ``ṁ`` = t/day × 1000 / 86,400 [m³/s].

    References
    ----------
    docs/models/lifting.md §3.1.
    """
    m_dot = np.asarray(solids_dry_t_per_day, dtype=float) * 1000.0 / SECONDS_PER_DAY
    return m_dot / (np.asarray(solids_density_kg_per_m3) * np.asarray(solids_volume_fraction))


def max_throughput_t_per_day(power_limit_kw, solids_volume_fraction, *, flow_max_m3_per_s=2.0,
                             bisections=6, iterations=60, rtol=1e-10, **circulation):
    """Largest daily throughput whose shaft power stays within ``power_limit_kw`` [t/day].

    For each ``C_v`` the power rises monotonically with the flow, and flows too slow to lift
    the coarsest grains (NaN power) lie below the root. ``bisections`` halvings of
    ``[0, flow_max]`` bracket the limiting flow; the Illinois variant of regula falsi (Dowell &
    Jarratt 1971, doi:10.1007/BF01934364) then closes the bracket on the power curve, bisecting
    where an end's power is undefined, until the feasible end's power is within ``rtol`` of the
    limit or the bracket within ``rtol`` of the flow (at most ``iterations`` steps; 6–10 in
    practice, against ~45 halvings of bisection alone). Every third step is a halving, so a
    jump in the power curve cannot stall the search.
    Vectorised over every broadcast input. Returns ``(t_per_day, flow_m3_per_s)``, the flow on
    the feasible side of the root.

    Parameters
    ----------
    power_limit_kw : float or array_like
        Shaft power available to the circulation pumps [kW] (draws first).
    solids_volume_fraction : float or array_like
        Delivered solids volume fraction ``C_v`` [-] (draws first).
    flow_max_m3_per_s : float, optional
        Upper end of the flow bracket [m³/s].
    bisections : int, optional
        Halvings of ``[0, flow_max]`` before regula falsi [-].
    iterations : int, optional
        Most Illinois steps [-].
    rtol : float, optional
        Relative tolerance on the power and on the flow [-].
    **circulation
        The other keyword inputs of ``closed_circulation`` (depth, densities, diameters, …),
        ``solids_density_kg_per_m3`` among them.

    Returns
    -------
    t_per_day : ndarray
        Largest dry throughput ``Q C_v ρ_s × 86.4`` [t/day]; 0 where no liftable flow exists.
    flow_m3_per_s : ndarray
        The limiting circulation flow, on the feasible side of the root [m³/s]; 0 where none
        is liftable.

    References
    ----------
    Dowell & Jarratt (1971), the Illinois method, doi:10.1007/BF01934364;
    docs/models/lifting.md §3.2.
    """
    cv = np.asarray(solids_volume_fraction, dtype=float)
    limit = np.asarray(power_limit_kw, dtype=float)
    shape = np.broadcast(cv, limit).shape

    def excess(flow):  # power over the limit [kW]; NaN where the slurry cannot rise
        return closed_circulation(flow_m3_per_s=flow, solids_volume_fraction=cv,
                                  **circulation)["power_kw"] - limit

    low, high = np.zeros(shape), np.full(shape, float(flow_max_m3_per_s))
    for _ in range(bisections):
        mid = 0.5 * (low + high)
        ok = ~(excess(mid) > 0.0)
        low, high = np.where(ok, mid, low), np.where(ok, high, mid)
    f_low, f_high = excess(low), excess(high)
    true_low = f_low  # the excess at the feasible end, before any Illinois halving
    side = np.zeros(shape, dtype=int)  # which end moved last: -1 low, +1 high
    for k in range(iterations):
        # a converged draw stops moving: its result does not depend on the other draws
        live = ~((high - low <= rtol * high) | (true_low >= -rtol * np.abs(limit)))
        if not np.any(live):
            break
        secant = np.isfinite(f_low) & np.isfinite(f_high) & (f_high > f_low) & (k % 3 != 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            guess = low - f_low * (high - low) / (f_high - f_low)
        # every third step halves the bracket: a jump in the power curve cannot stall the search
        x = np.where(secant & (guess > low) & (guess < high), guess, 0.5 * (low + high))
        f = excess(x)
        ok = ~(f > 0.0)
        x, f, ok = (np.where(live, x, low), np.where(live, f, true_low),
                    np.where(live, ok, True))  # a converged draw keeps its low end
        side = np.where(live, side, -1)
        # Illinois: an end kept twice in a row has its value halved
        f_high = np.where(ok & (side == -1), 0.5 * f_high, f_high)
        f_low = np.where(~ok & (side == 1), 0.5 * f_low, f_low)
        low, f_low, true_low = (np.where(ok, x, low), np.where(ok, f, f_low),
                                np.where(ok, f, true_low))
        high, f_high = np.where(ok, high, x), np.where(ok, f_high, f)
        side = np.where(ok, -1, 1)
    out = closed_circulation(flow_m3_per_s=low, solids_volume_fraction=cv, **circulation)
    low = np.where(out["liftable"], low, 0.0)
    rho_s = np.asarray(circulation["solids_density_kg_per_m3"], dtype=float)
    return low * cv * rho_s * 86.4, low
