r"""Leaching: REY recovery into a pregnant liquor and acid consumption (issue-2 model).

Recoveries are the optimum extractions Takaya et al. (2015, Geochem. J. 49:637–652) measured on
>5,000 ppm Minamitorishima mud at 0.25–0.5 mol/L acid, 2–5 min, 25 °C: 95.1 % of REY other than
Ce with HCl and 81.3 % with H₂SO₄. Ce, held largely in Mn oxides, leaches poorly; its recovery
comes from another deep-sea sediment (30.7 % with HCl; domain.md §2).

Acid consumption per tonne of leach feed (models.md §4.1):

.. math::

    a = f_{ap} \frac{10}{\nu} \frac{M_{acid}}{M_{HAp}} \cdot 10^3
        + c \, (L/S) \, M_{acid}  \quad [kg/t]

with hydroxyapatite ``Ca5(PO4)3(OH) + 10 H⁺ → 5 Ca²⁺ + 3 H3PO4 + H2O`` (M_HAp = 502.31 g/mol),
``ν`` protons per mole of acid, and the free acid of the liquor at concentration ``c`` [mol/L]
and liquid/solid ratio ``L/S`` [L/kg] counted as consumed (not recycled). Gives 0.726 kg HCl per
kg apatite, as models.md §4.1.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from reemud.elements import INDEX, N_ELEMENTS

HYDROXYAPATITE_G_PER_MOL = 502.31  # Ca5(PO4)3(OH): 5×40.078 + 3×(30.974 + 4×15.999) + 17.007
PROTONS_PER_APATITE = 10.0


def takaya2015_recoveries(recovery_rey_ex_ce, recovery_ce):
    """Per-element leach recovery [-]: one value for all REY but Ce, and Ce's own (REY order)."""
    rec = np.broadcast_to(np.asarray(recovery_rey_ex_ce, dtype=float)[..., None],
                          np.shape(recovery_rey_ex_ce) + (N_ELEMENTS,)).copy()
    rec[..., INDEX["Ce"]] = recovery_ce
    return rec


def apatite_acid_kg_per_kg(acid_molar_mass_g_per_mol, protons_per_mol):
    """Acid consumed to dissolve 1 kg of hydroxyapatite to H3PO4 [kg acid / kg apatite]."""
    mol_acid = PROTONS_PER_APATITE / np.asarray(protons_per_mol)
    return mol_acid * np.asarray(acid_molar_mass_g_per_mol) / HYDROXYAPATITE_G_PER_MOL


def acid_consumption_kg_per_dry_t(apatite_fraction, acid_concentration_mol_per_l,
                                  liquid_to_solid_l_per_kg, acid_molar_mass_g_per_mol,
                                  protons_per_mol):
    """Acid consumed per dry tonne of leach feed [kg/t]: apatite dissolution + free acid."""
    dissolution = (np.asarray(apatite_fraction)
                   * apatite_acid_kg_per_kg(acid_molar_mass_g_per_mol, protons_per_mol) * 1000.0)
    free = (np.asarray(acid_concentration_mol_per_l) * np.asarray(liquid_to_solid_l_per_kg)
            * np.asarray(acid_molar_mass_g_per_mol))  # g/kg = kg/t
    return dissolution + free


# ---------------------------------------------------------------------------------------------
# kinetic leach with re-precipitation (issue 4)

R_J_PER_MOL_K = 8.314462618
T_REF_K = 298.15
C_REF_MOL_PER_L = 0.5


def arrhenius_factor(temperature_c, activation_j_per_mol):
    """``exp(−Ea/R (1/T − 1/T_ref))`` relative to 25 °C [-]."""
    t = np.asarray(temperature_c, dtype=float) + 273.15
    return np.exp(-np.asarray(activation_j_per_mol) / R_J_PER_MOL_K * (1.0 / t - 1.0 / T_REF_K))


def batch_extraction(time_min, *, acid_mol_per_l, temperature_c, tau_ref_min, acid_order,
                     activation_j_per_mol, loss_ref, loss_acid_exponent, loss_activation_j_per_mol,
                     ageing_rate_ref_per_min, demand_mol_h_per_l, protons_per_mol, steps=200):
    r"""Fraction of a leachable phase's REY in solution after ``time_min`` of batch leaching [-].

    Shrinking core under surface-reaction control (models.md §4.1) with the time for full
    conversion depending on the *free* acid, which the dissolving phase consumes (integrated in
    the core radius ``r = (1 − X)^{1/3}``, whose rate is exact for constant acid):

    .. math::

        \frac{dX}{dt} = \frac{3 (1 - X)^{2/3}}{\tau}, \quad
        \tau = \tau_{ref} \left(\frac{c_{ref}}{c}\right)^{a} \Big/ A(E_a, T), \quad
        c = c_0 - \frac{d\,X}{\nu}

    (``d`` mol H⁺ per litre of liquor for complete dissolution, ``ν`` protons per mole of acid).
    Dissolved REY re-precipitate (RE phosphate, CaSO₄ and RE–Na double sulfate; Takaya et al.
    2015) in two ways: at once, a share ``φ = φ_ref (c_0/c_ref)^b A(E_p, T)`` (capped below 1),
    growing with acid and temperature; and, with sulfate, by ageing at the first-order rate
    ``k = k_ref A(E_p, T)``. Extraction ``Y = X (1 − φ) e^{−k t}``. Time, acid and temperature
    broadcast against each other (a grid is one call).
    """
    t_end, c0, temp = np.broadcast_arrays(np.asarray(time_min, dtype=float),
                                          np.asarray(acid_mol_per_l, dtype=float),
                                          np.asarray(temperature_c, dtype=float))
    shape = t_end.shape
    rate_factor = arrhenius_factor(temp, activation_j_per_mol) / tau_ref_min
    r = np.ones(shape)  # unreacted core radius, X = 1 − r³: dr/dt = −k (c/c_ref)^a (exact for fixed c)
    dt = t_end / steps
    demand = np.asarray(demand_mol_h_per_l) / np.asarray(protons_per_mol)
    for _ in range(steps):  # midpoint rule in r; X stays in [0, 1]
        c = np.maximum(c0 - demand * (1.0 - r**3), 0.0)
        half = np.maximum(r - 0.5 * dt * rate_factor * (c / C_REF_MOL_PER_L) ** acid_order, 0.0)
        c = np.maximum(c0 - demand * (1.0 - half**3), 0.0)
        r = np.maximum(r - dt * rate_factor * (c / C_REF_MOL_PER_L) ** acid_order, 0.0)
    x = 1.0 - r**3
    losses = arrhenius_factor(temp, loss_activation_j_per_mol)
    phi = np.minimum(loss_ref * (c0 / C_REF_MOL_PER_L) ** loss_acid_exponent * losses, 1.0)
    return x * (1.0 - phi) * np.exp(-ageing_rate_ref_per_min * losses * t_end)


def batch_extraction_profile(times_min, *, acid_mol_per_l, temperature_c, tau_ref_min, acid_order,
                             activation_j_per_mol, loss_ref, loss_acid_exponent,
                             loss_activation_j_per_mol, ageing_rate_ref_per_min,
                             demand_mol_h_per_l, protons_per_mol, substeps=4):
    """``batch_extraction`` at every node of one increasing time grid, in a single march [-].

    ``times_min`` has the time grid (starting at 0) on its last axis, with leading draw axes if each
    draw has its own grid; acid and temperature broadcast over leading axes; the result has the time
    grid as its last axis. The conversion is integrated once along the grid
    with ``substeps`` explicit steps per interval, so a grid of T nodes costs T·substeps steps
    instead of T independent integrations.
    """
    t = np.asarray(times_min, dtype=float)
    c0 = np.asarray(acid_mol_per_l, dtype=float)[..., None]
    temp = np.asarray(temperature_c, dtype=float)[..., None]
    c0, temp = np.broadcast_arrays(c0, temp)
    rate_factor = arrhenius_factor(temp, activation_j_per_mol) / tau_ref_min
    demand = np.asarray(demand_mol_h_per_l, dtype=float)[..., None] / np.asarray(protons_per_mol)
    r = np.ones(np.broadcast_shapes(c0.shape, demand.shape))
    out = np.empty(np.broadcast_shapes(r.shape[:-1], t.shape[:-1]) + (t.shape[-1],))
    out[..., 0] = 0.0
    for i in range(1, t.shape[-1]):
        dt = ((t[..., i] - t[..., i - 1]) / substeps)[..., None]
        for _ in range(substeps):  # midpoint rule in the core radius, as batch_extraction
            c = np.maximum(c0 - demand * (1.0 - r**3), 0.0)
            half = np.maximum(r - 0.5 * dt * rate_factor * (c / C_REF_MOL_PER_L) ** acid_order, 0.0)
            c = np.maximum(c0 - demand * (1.0 - half**3), 0.0)
            r = np.maximum(r - dt * rate_factor * (c / C_REF_MOL_PER_L) ** acid_order, 0.0)
        out[..., i] = 1.0 - r[..., 0] ** 3
    losses = arrhenius_factor(temp, loss_activation_j_per_mol)
    phi = np.minimum(loss_ref * (c0 / C_REF_MOL_PER_L) ** loss_acid_exponent * losses, 1.0)
    return out * (1.0 - phi) * np.exp(-ageing_rate_ref_per_min * losses * t)


def tanks_in_series_average(values_at_time, times_min, mean_residence_min, tanks):
    """Average of a batch result over the residence-time distribution of N equal CSTRs [-].

    Segregated flow: ``Ȳ = ∫ Y(t) E(t) dt`` with ``E`` the gamma density of N tanks in series
    (mean ``τ``); integrated by the trapezoid rule on ``times_min`` (last axis).
    """
    t = np.asarray(times_min, dtype=float)
    n = np.asarray(tanks, dtype=float)[..., None]
    theta = np.asarray(mean_residence_min, dtype=float)[..., None] / n
    # gamma density t^(N-1) e^(-t/θ) / (Γ(N) θ^N), in logs; E(0) = 1/θ for one tank, else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_e = (n - 1.0) * np.log(t) - t / theta - gammaln(n) - n * np.log(theta)
    density = np.where(t > 0, np.exp(log_e), np.where(n == 1.0, 1.0 / theta, 0.0))
    weights = np.trapezoid(density, t, axis=-1)
    return np.trapezoid(values_at_time * density, t, axis=-1) / weights


def countercurrent_wash_loss(wash_ratio, stages):
    """Share of dissolved solute leaving with the washed residue (CCD, ideal mixing) [-].

    ``(R − 1)/(R^{n+1} − 1)``, ``1/(n + 1)`` at ``R = 1`` (the Kremser form with wash ratio R).
    """
    r = np.asarray(wash_ratio, dtype=float)
    n = np.asarray(stages, dtype=float)
    near_one = np.isclose(r, 1.0)
    safe = np.where(near_one, 2.0, r)
    return np.where(near_one, 1.0 / (n + 1.0), (safe - 1.0) / (safe ** (n + 1.0) - 1.0))
