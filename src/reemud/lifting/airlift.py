r"""Airlift: 1-D steady drift-flux model of a gas-lifted slurry riser (docs/models/lifting.md §4).

Air of mass flow ``ṁ_g`` is injected at depth ``L`` below the surface into a riser of diameter
``D`` reaching the seabed at depth ``H``. Below the injection point the riser carries slurry
(density ``ρ_l``) alone; above it gas and slurry. Void fraction by the Zuber–Findlay drift-flux
relation with flow-regime constants:

.. math::

    \alpha = \frac{j_g}{C_0 (j_g + j_l) + V_{gj}}, \qquad j_g = \frac{\dot m_g}{\rho_g(p) A},
    \quad \rho_g = \frac{p M}{R T}

bubbly flow: ``C0 = 1.2``, ``V_gj = 1.41 (σ g Δρ / ρ_l²)^{1/4}`` (Zuber & Findlay 1965);
slug flow: ``C0 = 1.2``, ``V_gj = 0.35 √(g D)`` (Nicklin, Wilkes & Davidson 1962); the two are
blended linearly across 0.20 < α < 0.30 (bubbly–slug transition near α = 0.25) so that the
pressure march stays smooth.
The pressure is marched down from the top (``p_top``) to the injection point,

.. math::

    \frac{dp}{ds} = [\alpha\rho_g + (1-\alpha)\rho_l] g + \frac{f}{D}\frac{\rho_{tp} j^2}{2}

then through the single-phase slurry to the seabed. The slurry flow is the one at which the
pressure needed at the riser inlet equals what the sea supplies,
``p_atm + ρ_sw g H − Δp_inlet`` — found by bisection (shooting), vectorised over air rates.
Compressor power is isothermal, ``P = ṁ_g (R T / M) ln(p_inj / p_0) / η_c``. As the air rate
grows, lightening first raises the slurry flow, then friction of the faster mixture lowers it:
the characteristic curve has an interior maximum.
"""

from __future__ import annotations

import numpy as np

from reemud.constants import G_M_PER_S2
from reemud.lifting.friction import colebrook_darcy

R_J_PER_MOL_K = 8.314462618
AIR_KG_PER_MOL = 0.0289647
P_ATM_PA = 101325.0
SLUG_VOID_FRACTION = 0.25
BUBBLY_C0 = 1.2
BUBBLY_DRIFT_CONSTANT = 1.41
SLUG_C0 = 1.2
SLUG_DRIFT_CONSTANT = 0.35
GRID_POINTS = 49


def nicklin_void_fraction(quality, liquid_density_kg_per_m3, gas_density_kg_per_m3,
                          mass_flux_kg_per_s, diameter_m, g=G_M_PER_S2):
    """Void fraction by Nicklin, Wilkes & Davidson (1962) in quality form [-].

    Same definition as ``fluids.two_phase_voidage.Nicklin_Wilkes_Davidson``; x = 0.4,
    ρ_l = 800, ρ_g = 2.5 kg/m³, ṁ = 1 kg/s, D = 0.3 m gives α = 0.679882662672 (docs/models/lifting.md §8).

    Parameters
    ----------
    quality : float or array_like
        Gas mass fraction of the flow ``x`` [-].
    liquid_density_kg_per_m3, gas_density_kg_per_m3 : float or array_like
        Liquid and gas densities [kg/m³].
    mass_flux_kg_per_s : float or array_like
        Total mass flow of gas and liquid through the pipe [kg/s] (divided by the pipe area
        inside).
    diameter_m : float or array_like
        Pipe inner diameter [m].
    g : float, optional
        Gravitational acceleration [m/s²]; standard gravity by default.

    Returns
    -------
    ndarray
        Void fraction ``α = j_g / (1.2 (j_g + j_l) + 0.35 √(g D))`` [-], the broadcast shape of
        the inputs.

    References
    ----------
    Nicklin, Wilkes & Davidson (1962) Trans. IChemE 40:61–68; Bell, Caleb: fluids (Python
    package), ``two_phase_voidage.Nicklin_Wilkes_Davidson``; docs/models/lifting.md §4.1.
    """
    area = np.pi * np.asarray(diameter_m) ** 2 / 4.0
    g_flux = np.asarray(mass_flux_kg_per_s) / area
    x = np.asarray(quality, dtype=float)
    j_g = x * g_flux / gas_density_kg_per_m3
    j_l = (1.0 - x) * g_flux / liquid_density_kg_per_m3
    return j_g / (SLUG_C0 * (j_g + j_l) + SLUG_DRIFT_CONSTANT * np.sqrt(g * diameter_m))


def drift_flux_void_fraction(gas_flux_m_per_s, liquid_flux_m_per_s, diameter_m,
                             liquid_density_kg_per_m3, gas_density_kg_per_m3,
                             surface_tension_n_per_m):
    """Void fraction with bubbly or slug drift-flux constants, by regime [-].

    Bubbly flow ``C0 = 1.2``, ``V_gj = 1.41 (σ g Δρ / ρ_l²)^{1/4}``; slug flow ``C0 = 1.2``,
    ``V_gj = 0.35 √(g D)``; blended linearly across 0.20 < α < 0.30.

    Parameters
    ----------
    gas_flux_m_per_s, liquid_flux_m_per_s : float or array_like
        Superficial velocities of gas ``j_g`` and liquid ``j_l`` [m/s].
    diameter_m : float or array_like
        Pipe inner diameter [m].
    liquid_density_kg_per_m3, gas_density_kg_per_m3 : float or array_like
        Liquid and gas densities [kg/m³].
    surface_tension_n_per_m : float or array_like
        Gas–liquid surface tension ``σ`` [N/m].

    Returns
    -------
    ndarray
        Void fraction ``α`` [-], the broadcast shape of the inputs.

    References
    ----------
    Zuber & Findlay (1965), drift-flux model and bubbly-flow drift velocity; Nicklin, Wilkes &
    Davidson (1962) Trans. IChemE 40:61–68 (slug flow); docs/models/lifting.md §4.1.
    """
    j_g = np.asarray(gas_flux_m_per_s, dtype=float)
    j = j_g + np.asarray(liquid_flux_m_per_s, dtype=float)
    drho = np.maximum(np.asarray(liquid_density_kg_per_m3) - gas_density_kg_per_m3, 0.0)
    v_bubbly = BUBBLY_DRIFT_CONSTANT * (surface_tension_n_per_m * G_M_PER_S2 * drho
                                        / np.asarray(liquid_density_kg_per_m3) ** 2) ** 0.25
    alpha_bubbly = j_g / (BUBBLY_C0 * j + v_bubbly)
    v_slug = SLUG_DRIFT_CONSTANT * np.sqrt(G_M_PER_S2 * np.asarray(diameter_m))
    alpha_slug = j_g / (SLUG_C0 * j + v_slug)
    # blend linearly across 0.20 < α < 0.30 so the momentum balance stays continuous
    w = np.clip((alpha_bubbly - SLUG_VOID_FRACTION + 0.05) / 0.10, 0.0, 1.0)
    return (1.0 - w) * alpha_bubbly + w * alpha_slug


def _two_phase_pressure(p_top, m_gas, q_liquid, *, injection_depth_m, diameter_m,
                        liquid_density_kg_per_m3, liquid_viscosity_pa_s, roughness_m,
                        temperature_k, surface_tension_n_per_m, steps):
    """March the pressure from the top down to the injection point; return ``p_inj``, mean α."""
    area = np.pi * diameter_m**2 / 4.0
    j_l = q_liquid / area
    # depth nodes crowd near the top, where the gas expands fastest: s_i = L (i/N)^3
    nodes = (np.arange(steps + 1) / steps) ** 3
    rho_l = liquid_density_kg_per_m3

    def gradient(p):
        rho_g = p * AIR_KG_PER_MOL / (R_J_PER_MOL_K * temperature_k)
        j_g = m_gas / (rho_g * area)
        alpha = drift_flux_void_fraction(j_g, j_l, diameter_m, rho_l, rho_g,
                                         surface_tension_n_per_m)
        rho_tp = alpha * rho_g + (1.0 - alpha) * rho_l
        j = j_g + j_l
        re = rho_l * np.maximum(j, 1e-9) * diameter_m / liquid_viscosity_pa_s
        f = colebrook_darcy(re, roughness_m / diameter_m)
        return rho_tp * G_M_PER_S2 + f / diameter_m * rho_tp * j**2 / 2.0, alpha

    p = np.asarray(p_top, dtype=float) + 0.0 * q_liquid + 0.0 * m_gas
    alpha_sum = np.zeros_like(p)
    for i in range(steps):  # classical RK4 in depth
        ds = injection_depth_m * (nodes[i + 1] - nodes[i])
        k1, _ = gradient(p)
        k2, alpha = gradient(p + 0.5 * ds * k1)
        k3, _ = gradient(p + 0.5 * ds * k2)
        k4, _ = gradient(p + ds * k3)
        p = p + ds * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
        alpha_sum += alpha * (nodes[i + 1] - nodes[i])
    return p, alpha_sum


def airlift(*, air_kg_per_s, injection_depth_m, depth_m, diameter_m, liquid_density_kg_per_m3,
            liquid_viscosity_pa_s, seawater_density_kg_per_m3, roughness_m=3.6e-5,
            inlet_loss_pa=0.0, top_pressure_pa=P_ATM_PA, temperature_k=288.15,
            surface_tension_n_per_m=0.072, compressor_efficiency=0.7, flow_max_m3_per_s=2.0,
            steps=40, iterations=14):
    """Steady airlift operating point for each air rate (vectorised over air rates and depths).

    Returns a dict: ``liquid_m3_per_s`` (slurry flow; 0 where the air cannot start the lift),
    ``injection_pressure_pa``, ``mean_void_fraction``, ``compressor_power_kw`` and
    ``air_nm3_per_s`` (normal cubic metres at 0 °C, 1 atm).

    Parameters
    ----------
    air_kg_per_s : float or array_like
        Air mass flow injected ``ṁ_g`` [kg/s]; broadcasts against ``injection_depth_m``.
    injection_depth_m : float or array_like
        Depth of the air injection below the surface ``L`` [m].
    depth_m : float or array_like
        Water depth of the riser inlet at the seabed ``H`` [m].
    diameter_m : float or array_like
        Riser inner diameter ``D`` [m].
    liquid_density_kg_per_m3 : float or array_like
        Slurry density ``ρ_l`` [kg/m³].
    liquid_viscosity_pa_s : float or array_like
        Slurry viscosity [Pa·s] (for the Colebrook friction).
    seawater_density_kg_per_m3 : float or array_like
        Seawater density ``ρ_sw`` [kg/m³] (the sea's pressure at the inlet).
    roughness_m : float, optional
        Pipe wall roughness [m].
    inlet_loss_pa : float or array_like, optional
        Pressure loss at the riser inlet ``Δp_inlet`` [Pa].
    top_pressure_pa : float, optional
        Pressure at the riser top ``p_top`` [Pa]; 1 atm by default.
    temperature_k : float, optional
        Temperature of the (isothermal) air [K].
    surface_tension_n_per_m : float, optional
        Gas–slurry surface tension [N/m].
    compressor_efficiency : float or array_like, optional
        Compressor efficiency ``η_c`` against ideal isothermal compression [-].
    flow_max_m3_per_s : float, optional
        Largest slurry flow searched [m³/s].
    steps : int, optional
        RK4 steps of the pressure march above the injection point [-].
    iterations : int, optional
        Bisection steps on the slurry flow after bracketing on a grid of 49 flows [-].

    Returns
    -------
    dict
        ``liquid_m3_per_s`` [m³/s], ``injection_pressure_pa`` [Pa], ``mean_void_fraction`` [-]
        (over the two-phase section), ``compressor_power_kw`` [kW] and ``air_nm3_per_s``
        [Nm³/s], each of the broadcast shape of ``air_kg_per_s`` and ``injection_depth_m``.

    References
    ----------
    Zuber & Findlay (1965) and Nicklin, Wilkes & Davidson (1962) Trans. IChemE 40:61–68
    (drift flux); Shimizu, Sugihara, Fujinaga, Nakamura & Kato (2024) Air-lift pumping system
    for hybrid mining of REE-rich mud and polymetallic nodules around Minamitorishima Island,
    J. Mar. Sci. Eng. 12(9):1470, doi:10.3390/jmse12091470 (1-D drift-flux airlift for this
    deposit); docs/models/lifting.md §4.
    """
    m_g = np.asarray(air_kg_per_s, dtype=float)
    l_inj = np.asarray(injection_depth_m, dtype=float)
    shape = np.broadcast(m_g, l_inj).shape
    m_g, l_inj = np.broadcast_to(m_g, shape), np.broadcast_to(l_inj, shape)
    area = np.pi * diameter_m**2 / 4.0
    rho_l = liquid_density_kg_per_m3
    p_available = P_ATM_PA + seawater_density_kg_per_m3 * G_M_PER_S2 * depth_m - inlet_loss_pa

    def residual(q):
        p_inj, alpha = _two_phase_pressure(
            top_pressure_pa, m_g, q, injection_depth_m=l_inj, diameter_m=diameter_m,
            liquid_density_kg_per_m3=rho_l, liquid_viscosity_pa_s=liquid_viscosity_pa_s,
            roughness_m=roughness_m, temperature_k=temperature_k,
            surface_tension_n_per_m=surface_tension_n_per_m, steps=steps)
        v = q / area
        re = rho_l * np.maximum(v, 1e-9) * diameter_m / liquid_viscosity_pa_s
        f = colebrook_darcy(re, roughness_m / diameter_m)
        below = depth_m - l_inj
        p_need = p_inj + rho_l * G_M_PER_S2 * below + f * below / diameter_m * rho_l * v**2 / 2
        return p_available - p_need, p_inj, alpha

    # bracket the root on a grid of flows (one march for all), then bisect inside the bracket
    grid = np.linspace(0.0, float(flow_max_m3_per_s), GRID_POINTS)
    m_g, l_inj = m_g[..., None], l_inj[..., None]
    r_grid, _, _ = residual(np.broadcast_to(grid, shape + (GRID_POINTS,)))
    m_g, l_inj = m_g[..., 0], l_inj[..., 0]
    negative = r_grid <= 0.0
    first = np.where(negative.any(axis=-1), negative.argmax(axis=-1), GRID_POINTS - 1)
    low = grid[np.maximum(first - 1, 0)]
    high = grid[first]
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        r, _, _ = residual(mid)
        low, high = np.where(r > 0, mid, low), np.where(r > 0, high, mid)
    q = np.where(r_grid[..., 0] > 0, low, 0.0)
    _, p_inj, alpha = residual(q)
    work = m_g * R_J_PER_MOL_K * temperature_k / AIR_KG_PER_MOL * np.log(p_inj / P_ATM_PA)
    normal_density = P_ATM_PA * AIR_KG_PER_MOL / (R_J_PER_MOL_K * 273.15)
    return {"liquid_m3_per_s": q, "injection_pressure_pa": p_inj, "mean_void_fraction": alpha,
            "compressor_power_kw": work / compressor_efficiency / 1000.0,
            "air_nm3_per_s": m_g / normal_density}


def least_air_for_flow(*, target_flow_m3_per_s, max_air_kg_per_s, grid_points=40,
                       secant_steps=3, **airlift_inputs):
    """The least air mass flow that lifts ``target_flow_m3_per_s`` of liquid, and the curve.

    The airlift curve is computed on ``grid_points`` air rates up to ``max_air_kg_per_s``; the
    first rate whose liquid flow reaches the target brackets the answer on the rising branch,
    and ``secant_steps`` secant (regula-falsi) steps refine it. Broadcasts over a leading draw
    axis of every input.

    Parameters
    ----------
    target_flow_m3_per_s : float or array_like
        Liquid (slurry) flow to lift [m³/s].
    max_air_kg_per_s : float or array_like
        Largest air mass flow available [kg/s].
    grid_points, secant_steps : int
        Air rates on the curve, and secant refinements of the bracket.
    **airlift_inputs
        The other keyword inputs of ``airlift`` (depths, diameter, densities, …).

    Returns
    -------
    dict
        ``air`` [kg/s] and ``curve`` (``airlift`` outputs) on the grid, ``reached`` (bool: the
        grid reaches the target), ``point`` (``airlift`` outputs at the least air rate, with
        ``air_kg_per_s``) and ``max_liquid_m3_per_s`` (largest flow on the curve).

    References
    ----------
    docs/models/lifting.md §4.2.
    """
    air = np.linspace(0.0, 1.0, grid_points + 1)[1:] * np.asarray(max_air_kg_per_s)[..., None]
    curve = airlift(air_kg_per_s=air, **{k: np.asarray(v)[..., None]
                                         for k, v in airlift_inputs.items()})
    q = curve["liquid_m3_per_s"]
    target = np.asarray(target_flow_m3_per_s)
    reach = q >= target[..., None]
    i = np.argmax(reach, axis=-1)[..., None]
    first = (i == 0)[..., 0]

    def at(values, index):
        return np.take_along_axis(values, index, axis=-1)[..., 0]

    lo_air = np.where(first, 0.0, at(air, np.maximum(i - 1, 0)))
    lo_q = np.where(first, 0.0, at(q, np.maximum(i - 1, 0)))
    hi_air, hi_q = at(air, i), at(q, i)
    for _ in range(secant_steps):
        guess = lo_air + (target - lo_q) * (hi_air - lo_air) / np.maximum(hi_q - lo_q, 1e-12)
        q_guess = airlift(air_kg_per_s=guess, **airlift_inputs)["liquid_m3_per_s"]
        below = q_guess < target
        lo_air, lo_q = np.where(below, guess, lo_air), np.where(below, q_guess, lo_q)
        hi_air, hi_q = np.where(below, hi_air, guess), np.where(below, hi_q, q_guess)
    point = {**airlift(air_kg_per_s=hi_air, **airlift_inputs), "air_kg_per_s": hi_air}
    return dict(air=air, curve=curve, reached=reach.any(axis=-1), point=point,
                max_liquid_m3_per_s=q.max(axis=-1))
