r"""Leaching: REY recovery into a pregnant liquor and acid consumption (issue-2 model).

Recoveries are the optimum extractions Takaya et al. (2015, Geochem. J. 49:637–652) measured on
>5,000 ppm Minamitorishima mud at 0.25–0.5 mol/L acid, 2–5 min, 25 °C: 95.1 % of REY other than
Ce with HCl and 81.3 % with H₂SO₄. Ce, held largely in Mn oxides, leaches poorly; its recovery
comes from another deep-sea sediment (30.7 % with HCl; docs/models/leaching.md §1).

Acid consumption per tonne of leach feed (docs/models/leaching.md §2.1):

.. math::

    a = f_{ap} \frac{10}{\nu} \frac{M_{acid}}{M_{HAp}} \cdot 10^3
        + c \, (L/S) \, M_{acid}  \quad [kg/t]

with hydroxyapatite ``Ca5(PO4)3(OH) + 10 H⁺ → 5 Ca²⁺ + 3 H3PO4 + H2O`` (M_HAp = 502.31 g/mol),
``ν`` protons per mole of acid, and the free acid of the liquor at concentration ``c`` [mol/L]
and liquid/solid ratio ``L/S`` [L/kg] counted as consumed (not recycled). Gives 0.726 kg HCl per
kg apatite, as docs/models/leaching.md §2.1.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from reemud.elements import INDEX, N_ELEMENTS

HYDROXYAPATITE_G_PER_MOL = 502.31  # Ca5(PO4)3(OH): 5×40.078 + 3×(30.974 + 4×15.999) + 17.007
PROTONS_PER_APATITE = 10.0


def takaya2015_recoveries(recovery_rey_ex_ce, recovery_ce):
    """Per-element leach recovery [-]: one value for all REY but Ce, and Ce's own (REY order).

    Parameters
    ----------
    recovery_rey_ex_ce : float or array_like
        Recovery of every element but Ce [-] (draws first), e.g. 0.951 with HCl, 0.813 with
        H₂SO₄.
    recovery_ce : float or array_like
        Recovery of Ce [-], e.g. 0.307.

    Returns
    -------
    ndarray
        Recovery of each element [-], REY order on the last axis.

    References
    ----------
    Takaya et al. (2015) Chemical leaching of rare earth elements from highly REY-rich mud,
    Geochem. J. 49(6):637–652; docs/models/leaching.md §1, §2.2.
    """
    rec = np.broadcast_to(np.asarray(recovery_rey_ex_ce, dtype=float)[..., None],
                          np.shape(recovery_rey_ex_ce) + (N_ELEMENTS,)).copy()
    rec[..., INDEX["Ce"]] = recovery_ce
    return rec


def apatite_acid_kg_per_kg(acid_molar_mass_g_per_mol, protons_per_mol):
    """Acid consumed to dissolve 1 kg of hydroxyapatite to H3PO4 [kg acid / kg apatite].

    ``Ca5(PO4)3(OH) + 10 H⁺ → 5 Ca²⁺ + 3 H3PO4 + H2O``: ``(10/ν) M_acid / M_HAp``.

    Parameters
    ----------
    acid_molar_mass_g_per_mol : float or array_like
        Molar mass of the acid ``M_acid`` [g/mol].
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-].

    Returns
    -------
    ndarray
        Acid per apatite [kg/kg] (0.726 for HCl).

    References
    ----------
    docs/models/leaching.md §2.1.
    """
    mol_acid = PROTONS_PER_APATITE / np.asarray(protons_per_mol)
    return mol_acid * np.asarray(acid_molar_mass_g_per_mol) / HYDROXYAPATITE_G_PER_MOL


def acid_consumption_kg_per_dry_t(apatite_fraction, acid_concentration_mol_per_l,
                                  liquid_to_solid_l_per_kg, acid_molar_mass_g_per_mol,
                                  protons_per_mol):
    """Acid consumed per dry tonne of leach feed [kg/t]: apatite dissolution + free acid.

    Parameters
    ----------
    apatite_fraction : float or array_like
        Apatite share of the leach feed ``f_ap`` [-] (draws first).
    acid_concentration_mol_per_l : float or array_like
        Acid concentration of the liquor ``c`` [mol/L].
    liquid_to_solid_l_per_kg : float or array_like
        Liquid-to-solid ratio ``L/S`` [L/kg].
    acid_molar_mass_g_per_mol : float or array_like
        Molar mass of the acid [g/mol].
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-].

    Returns
    -------
    ndarray
        ``a = f_ap (10/ν) (M_acid/M_HAp) 10³ + c (L/S) M_acid`` [kg acid per dry t].

    References
    ----------
    docs/models/leaching.md §2.2.
    """
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


LOSS_VALID_SHARE = 0.5
"""Largest immediate loss share the re-precipitation law is trusted for [-]: Takaya et al.
(2015) report a decline of extraction at higher acid and temperature, not a total loss."""


def loss_share(*, acid_mol_per_l, temperature_c, loss_ref, loss_acid_exponent,
               loss_activation_j_per_mol):
    r"""Immediate re-precipitation share before its cap, ``φ = φ_ref (c_0/c_ref)^b A(E_p, T)`` [-].

    The leach models cap it at 1 (everything leached re-precipitates); a value above
    ``LOSS_VALID_SHARE`` extrapolates the law, one of 1 or more means no extraction at all.

    Parameters
    ----------
    acid_mol_per_l : float or array_like
        Acid concentration ``c_0`` [mol/L].
    temperature_c : float or array_like
        Temperature [°C].
    loss_ref : float or array_like
        Loss share ``φ_ref`` at 0.5 mol/L and 25 °C [-].
    loss_acid_exponent : float or array_like
        Growth ``b`` of the loss with acid [-].
    loss_activation_j_per_mol : float or array_like
        Activation energy of the losses ``E_p`` [J/mol].

    Returns
    -------
    ndarray
        ``φ`` [-] (uncapped).

    References
    ----------
    Takaya et al. (2015) Geochem. J. 49(6):637-652 (https://geochemical-journal.jp/papers/view/1818);
    docs/models/leaching.md §2.
    """
    return (np.asarray(loss_ref) * (np.asarray(acid_mol_per_l) / C_REF_MOL_PER_L)
            ** np.asarray(loss_acid_exponent)
            * arrhenius_factor(temperature_c, loss_activation_j_per_mol))


def arrhenius_factor(temperature_c, activation_j_per_mol):
    """``exp(−Ea/R (1/T − 1/T_ref))`` relative to 25 °C [-].

    Parameters
    ----------
    temperature_c : float or array_like
        Temperature [°C].
    activation_j_per_mol : float or array_like
        Activation energy ``E_a`` [J/mol].

    Returns
    -------
    ndarray
        Rate factor ``A(E_a, T)`` [-], 1 at 25 °C.

    References
    ----------
    docs/models/leaching.md §2.3.
    """
    t = np.asarray(temperature_c, dtype=float) + 273.15
    return np.exp(-np.asarray(activation_j_per_mol) / R_J_PER_MOL_K * (1.0 / t - 1.0 / T_REF_K))


def batch_extraction(time_min, *, acid_mol_per_l, temperature_c, tau_ref_min, acid_order,
                     activation_j_per_mol, loss_ref, loss_acid_exponent, loss_activation_j_per_mol,
                     ageing_rate_ref_per_min, demand_mol_h_per_l, protons_per_mol, steps=200):
    r"""Fraction of a leachable phase's REY in solution after ``time_min`` of batch leaching [-].

    Shrinking core under surface-reaction control (docs/models/leaching.md §2.1) with the time for full
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

    Parameters
    ----------
    time_min : float or array_like
        Leaching time [min].
    acid_mol_per_l : float or array_like
        Initial acid concentration of the liquor ``c_0`` [mol/L].
    temperature_c : float or array_like
        Leach temperature [°C].
    tau_ref_min : float or array_like
        Time for full conversion ``τ_ref`` at 0.5 mol/L and 25 °C [min].
    acid_order : float or array_like
        Order ``a`` of the rate in the free acid [-].
    activation_j_per_mol : float or array_like
        Activation energy of the dissolution ``E_a`` [J/mol].
    loss_ref : float or array_like
        Share re-precipitated at once ``φ_ref`` at 0.5 mol/L and 25 °C [-].
    loss_acid_exponent : float or array_like
        Growth ``b`` of that share with the initial acid [-].
    loss_activation_j_per_mol : float or array_like
        Activation energy of the losses ``E_p`` [J/mol].
    ageing_rate_ref_per_min : float or array_like
        First-order ageing (re-precipitation) rate ``k_ref`` at 25 °C [1/min].
    demand_mol_h_per_l : float or array_like
        Protons complete dissolution would consume ``d`` [mol H⁺/L] (``acid_demand_mol_h_per_l``).
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-] (1 for HCl, 2 for H₂SO₄).
    steps : int, optional
        Midpoint steps of the march in the core radius [-].

    Returns
    -------
    ndarray
        Extraction ``Y`` [-], the broadcast shape of time, acid and temperature.

    References
    ----------
    Takaya et al. (2015) Chemical leaching of rare earth elements from highly REY-rich mud,
    Geochem. J. 49(6):637–652 (the decline of extraction by re-precipitation); rate form
    as PrOMMiS ``leaching/leach_reactions.py`` (github.com/prommis/prommis);
    docs/models/leaching.md §2.3.
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
    phi = np.minimum(loss_share(acid_mol_per_l=c0, temperature_c=temp, loss_ref=loss_ref,
                                loss_acid_exponent=loss_acid_exponent,
                                loss_activation_j_per_mol=loss_activation_j_per_mol), 1.0)
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

    Parameters
    ----------
    times_min : array_like
        Increasing times from 0 [min], the grid on the last axis (draws first if each draw has
        its own grid).
    acid_mol_per_l : float or array_like
        Initial acid concentration of the liquor ``c_0`` [mol/L] (draws first).
    temperature_c : float or array_like
        Leach temperature [°C].
    tau_ref_min : float or array_like
        Time for full conversion ``τ_ref`` at 0.5 mol/L and 25 °C [min].
    acid_order : float or array_like
        Order ``a`` of the rate in the free acid [-].
    activation_j_per_mol : float or array_like
        Activation energy of the dissolution ``E_a`` [J/mol].
    loss_ref : float or array_like
        Share re-precipitated at once ``φ_ref`` at 0.5 mol/L and 25 °C [-].
    loss_acid_exponent : float or array_like
        Growth ``b`` of that share with the initial acid [-].
    loss_activation_j_per_mol : float or array_like
        Activation energy of the losses ``E_p`` [J/mol].
    ageing_rate_ref_per_min : float or array_like
        First-order ageing (re-precipitation) rate ``k_ref`` at 25 °C [1/min].
    demand_mol_h_per_l : float or array_like
        Protons complete dissolution would consume ``d`` [mol H⁺/L] (``acid_demand_mol_h_per_l``).
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-] (1 for HCl, 2 for H₂SO₄).
    substeps : int, optional
        Explicit midpoint steps per interval of the grid [-].

    Returns
    -------
    ndarray
        Extraction ``Y`` [-] at every time, the time grid on the last axis.

    References
    ----------
    Takaya et al. (2015) Chemical leaching of rare earth elements from highly REY-rich mud,
    Geochem. J. 49(6):637–652 (the decline of extraction by re-precipitation); rate form
    as PrOMMiS ``leaching/leach_reactions.py`` (github.com/prommis/prommis);
    docs/models/leaching.md §2.3.
    """
    conversion = conversion_profile(
        times_min, acid_mol_per_l=acid_mol_per_l, temperature_c=temperature_c,
        tau_ref_min=tau_ref_min, acid_order=acid_order, activation_j_per_mol=activation_j_per_mol,
        demand_mol_h_per_l=demand_mol_h_per_l, protons_per_mol=protons_per_mol,
        substeps=substeps)
    return conversion * retained_fraction(
        times_min, acid_mol_per_l=acid_mol_per_l, temperature_c=temperature_c,
        loss_ref=loss_ref, loss_acid_exponent=loss_acid_exponent,
        loss_activation_j_per_mol=loss_activation_j_per_mol,
        ageing_rate_ref_per_min=ageing_rate_ref_per_min)


def conversion_profile(times_min, *, acid_mol_per_l, temperature_c, tau_ref_min, acid_order,
                       activation_j_per_mol, demand_mol_h_per_l, protons_per_mol, substeps=4):
    """Conversion ``X`` of the leachable phase at every node of a time grid, one march [-].

    The shrinking-core march of ``batch_extraction`` without re-precipitation (see
    ``batch_extraction_profile`` for the grid's axes).

    Parameters
    ----------
    times_min : array_like
        Increasing times from 0 [min], the grid on the last axis.
    acid_mol_per_l : float or array_like
        Initial acid concentration of the liquor ``c_0`` [mol/L].
    temperature_c : float or array_like
        Leach temperature [°C].
    tau_ref_min : float or array_like
        Time for full conversion ``τ_ref`` at 0.5 mol/L and 25 °C [min].
    acid_order : float or array_like
        Order ``a`` of the rate in the free acid [-].
    activation_j_per_mol : float or array_like
        Activation energy of the dissolution ``E_a`` [J/mol].
    demand_mol_h_per_l : float or array_like
        Protons complete dissolution would consume ``d`` [mol H⁺/L] (``acid_demand_mol_h_per_l``).
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-] (1 for HCl, 2 for H₂SO₄).
    substeps : int, optional
        Explicit midpoint steps per interval of the grid [-].

    Returns
    -------
    ndarray
        Conversion ``X`` [-] at every time, the time grid on the last axis.

    References
    ----------
    Shrinking core under surface-reaction control, rate form as PrOMMiS
    ``leaching/leach_reactions.py`` (github.com/prommis/prommis); docs/models/leaching.md
    §2.1, §2.3.
    """
    t = np.asarray(times_min, dtype=float)
    c0 = np.asarray(acid_mol_per_l, dtype=float)[..., None]
    temp = np.asarray(temperature_c, dtype=float)[..., None]
    c0, temp = np.broadcast_arrays(c0, temp)
    rate_factor = arrhenius_factor(temp, activation_j_per_mol) / tau_ref_min
    demand = np.asarray(demand_mol_h_per_l, dtype=float)[..., None] / np.asarray(protons_per_mol)
    # the core radius carries the draw axis of any input (any one may be drawn alone)
    r = np.ones(np.broadcast_shapes(c0.shape, demand.shape, np.shape(rate_factor),
                                    np.shape(acid_order), t.shape[:-1] + (1,)))
    out = np.empty(r.shape[:-1] + (t.shape[-1],))
    out[..., 0] = 0.0
    for i in range(1, t.shape[-1]):
        dt = ((t[..., i] - t[..., i - 1]) / substeps)[..., None]
        for _ in range(substeps):  # midpoint rule in the core radius, as batch_extraction
            c = np.maximum(c0 - demand * (1.0 - r**3), 0.0)
            half = np.maximum(r - 0.5 * dt * rate_factor * (c / C_REF_MOL_PER_L) ** acid_order, 0.0)
            c = np.maximum(c0 - demand * (1.0 - half**3), 0.0)
            r = np.maximum(r - dt * rate_factor * (c / C_REF_MOL_PER_L) ** acid_order, 0.0)
        out[..., i] = 1.0 - r[..., 0] ** 3
    return out


def retained_fraction(times_min, *, acid_mol_per_l, temperature_c, loss_ref, loss_acid_exponent,
                      loss_activation_j_per_mol, ageing_rate_ref_per_min):
    """Share of the dissolved REY left in solution after re-precipitation, ``(1 − φ) e^{−k t}`` [-].

    ``φ = φ_ref (c_0/c_ref)^b A(E_p, T)`` (capped at 1) at once, and ageing at ``k = k_ref
    A(E_p, T)`` (``batch_extraction``); the time grid on the last axis.

    Parameters
    ----------
    times_min : array_like
        Times [min], the grid on the last axis.
    acid_mol_per_l : float or array_like
        Initial acid concentration of the liquor ``c_0`` [mol/L].
    temperature_c : float or array_like
        Leach temperature [°C].
    loss_ref : float or array_like
        Share re-precipitated at once ``φ_ref`` at 0.5 mol/L and 25 °C [-].
    loss_acid_exponent : float or array_like
        Growth ``b`` of that share with the initial acid [-].
    loss_activation_j_per_mol : float or array_like
        Activation energy of the losses ``E_p`` [J/mol].
    ageing_rate_ref_per_min : float or array_like
        First-order ageing (re-precipitation) rate ``k_ref`` at 25 °C [1/min].

    Returns
    -------
    ndarray
        Retained share ``(1 − φ) e^{−k t}`` [-], the time grid on the last axis.

    References
    ----------
    Takaya et al. (2015) Chemical leaching of rare earth elements from highly REY-rich mud,
    Geochem. J. 49(6):637–652 (re-precipitation of RE phosphate, CaSO₄ and RE–Na
    double sulfate); docs/models/leaching.md §2.3.
    """
    t = np.asarray(times_min, dtype=float)
    c0 = np.asarray(acid_mol_per_l, dtype=float)[..., None]
    losses = arrhenius_factor(np.asarray(temperature_c, dtype=float)[..., None],
                              loss_activation_j_per_mol)
    phi = np.minimum(loss_share(acid_mol_per_l=c0,
                                temperature_c=np.asarray(temperature_c, dtype=float)[..., None],
                                loss_ref=loss_ref, loss_acid_exponent=loss_acid_exponent,
                                loss_activation_j_per_mol=loss_activation_j_per_mol), 1.0)
    return (1.0 - phi) * np.exp(-ageing_rate_ref_per_min * losses * t)


def tanks_in_series_average(values_at_time, times_min, mean_residence_min, tanks):
    """Average of a batch result over the residence-time distribution of N equal CSTRs [-].

    Segregated flow: ``Ȳ = ∫ Y(t) E(t) dt`` with ``E`` the gamma density of N tanks in series
    (mean ``τ``); integrated by the trapezoid rule on ``times_min`` (last axis).

    Parameters
    ----------
    values_at_time : array_like
        Batch result ``Y(t)`` at each time [-], times on the last axis.
    times_min : array_like
        Times from 0 [min], on the last axis.
    mean_residence_min : float or array_like
        Mean residence time of the whole train ``τ`` [min] (draws first).
    tanks : int or array_like
        Number of equal tanks ``N`` [-].

    Returns
    -------
    ndarray
        Mean ``Ȳ`` over the Erlang residence-time distribution [-], the leading shape.

    References
    ----------
    docs/models/leaching.md §2.4.
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

    Parameters
    ----------
    wash_ratio : float or array_like
        Wash ratio ``R`` [-].
    stages : int or array_like
        Counter-current decantation stages ``n`` [-].

    Returns
    -------
    ndarray
        Share of the dissolved solute lost with the washed residue ``ℓ_wash`` [-].

    References
    ----------
    docs/models/leaching.md §2.5.
    """
    r = np.asarray(wash_ratio, dtype=float)
    n = np.asarray(stages, dtype=float)
    near_one = np.isclose(r, 1.0)
    safe = np.where(near_one, 2.0, r)
    return np.where(near_one, 1.0 / (n + 1.0), (safe - 1.0) / (safe ** (n + 1.0) - 1.0))


FE_PER_FE2O3 = 2 * 55.845 / 159.69
AL_PER_AL2O3 = 2 * 26.982 / 101.96
CA_PER_APATITE = 5 * 40.078 / HYDROXYAPATITE_G_PER_MOL
H_PER_FE2O3_G = 6 / 159.69
H_PER_AL2O3_G = 6 / 101.96
"""Stoichiometry of the dissolved impurities: element per oxide (or apatite) mass [-] and protons
per gram of oxide [mol/g] (Fe2O3 + 6 H+ -> 2 Fe3+ + 3 H2O; Al2O3 likewise)."""


def acid_demand_mol_h_per_l(*, apatite_t, clay_t, concentrate_t, liquid_to_solid_l_per_kg,
                            clay_dissolved_fraction, clay_fe2o3_fraction, clay_al2o3_fraction):
    r"""Protons the concentrate can consume per litre of leach liquor [mol H⁺/L].

    .. math::

        d = \frac{1}{L/S}\left(\frac{10\, w_{ap}}{M_{ap}}
            + w_{clay} f_{diss} \left(\frac{6 x_{Fe_2O_3}}{M_{Fe_2O_3}}
            + \frac{6 x_{Al_2O_3}}{M_{Al_2O_3}}\right)\right)

    with the mass fractions ``w`` of apatite and clay in the concentrate [kg/kg → g/kg ×1000].
    Hydroxyapatite takes 10 H⁺ per formula unit (Ca5(PO4)3OH + 10 H⁺ → 5 Ca²⁺ + 3 H3PO4 + H2O);
    the dissolved share of the clay takes 6 H⁺ per Fe2O3 and per Al2O3.

    Parameters
    ----------
    apatite_t, clay_t, concentrate_t : float or array_like
        Apatite, acid-soluble clay and total concentrate [t/yr] (draws first).
    liquid_to_solid_l_per_kg : float or array_like
        Leach liquid-to-solid ratio [L/kg].
    clay_dissolved_fraction, clay_fe2o3_fraction, clay_al2o3_fraction : float or array_like
        Share of the clay the acid dissolves, and its Fe2O3 and Al2O3 mass fractions [-].

    Returns
    -------
    ndarray
        Proton demand ``d`` of complete dissolution [mol H⁺ per L of liquor] (draws first).

    References
    ----------
    docs/models/leaching.md §2.3.
    """
    per_l = 1.0 / np.asarray(liquid_to_solid_l_per_kg, dtype=float)
    apatite = apatite_t / concentrate_t * 1000.0 / HYDROXYAPATITE_G_PER_MOL * PROTONS_PER_APATITE
    clay = (clay_t / concentrate_t * clay_dissolved_fraction * 1000.0
            * (clay_fe2o3_fraction * H_PER_FE2O3_G + clay_al2o3_fraction * H_PER_AL2O3_G))
    return (apatite + clay) * per_l


def cstr_train_extraction(*, residence_time_min, tanks, acid_mol_per_l, temperature_c,
                          tau_ref_min, acid_order, activation_j_per_mol, loss_acid_exponent,
                          loss_activation_j_per_mol, demand_mol_h_per_l, protons_per_mol,
                          loss_ref, ageing_rate_ref_per_min, points=501):
    """Extraction and dissolution of a CSTR train, averaged over its residence-time distribution.

    The batch profiles (with and without re-precipitation) are marched on ``points`` times up to
    10 mean residence times (500 intervals: within ~4e-5 of the converged value) and averaged over
    the Erlang distribution of ``tanks`` equal tanks (``tanks_in_series_average``). Broadcasts
    over a leading draw axis of every input.

    Parameters
    ----------
    residence_time_min : float or array_like
        Mean residence time of the train [min] (draws first).
    tanks : int or array_like
        Number of equal tanks [-].
    acid_mol_per_l : float or array_like
        Initial acid concentration of the liquor ``c_0`` [mol/L].
    temperature_c : float or array_like
        Leach temperature [°C].
    tau_ref_min : float or array_like
        Time for full conversion ``τ_ref`` at 0.5 mol/L and 25 °C [min].
    acid_order : float or array_like
        Order ``a`` of the rate in the free acid [-].
    activation_j_per_mol : float or array_like
        Activation energy of the dissolution ``E_a`` [J/mol].
    loss_acid_exponent : float or array_like
        Growth ``b`` of the immediate re-precipitation with the initial acid [-].
    loss_activation_j_per_mol : float or array_like
        Activation energy of the losses ``E_p`` [J/mol].
    demand_mol_h_per_l : float or array_like
        Protons complete dissolution would consume ``d`` [mol H⁺/L] (``acid_demand_mol_h_per_l``).
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-] (1 for HCl, 2 for H₂SO₄).
    loss_ref : float or array_like
        Share re-precipitated at once ``φ_ref`` at 0.5 mol/L and 25 °C [-].
    ageing_rate_ref_per_min : float or array_like
        First-order ageing rate ``k_ref`` at 25 °C [1/min].
    points : int, optional
        Times of the march from 0 to 10 mean residence times [-].

    Returns
    -------
    (extraction, dissolved) : the REY left in solution [-] and the carrier dissolved [-].

    References
    ----------
    Takaya et al. (2015) Chemical leaching of rare earth elements from highly REY-rich mud,
    Geochem. J. 49(6):637–652 (the decline of extraction by re-precipitation); rate form
    as PrOMMiS ``leaching/leach_reactions.py`` (github.com/prommis/prommis);
    docs/models/leaching.md §2.3.
    """
    times = np.linspace(0.0, 10.0 * np.asarray(residence_time_min, dtype=float), points, axis=-1)

    def on_time_axis(value):  # per-draw constants meet the time axis of the march
        return np.asarray(value)[..., None] if np.ndim(value) else value

    conditions = dict(acid_mol_per_l=acid_mol_per_l, temperature_c=temperature_c)
    dissolution = conversion_profile(  # one march: the loss factors apply after it
        times, **conditions, tau_ref_min=on_time_axis(tau_ref_min),
        acid_order=on_time_axis(acid_order),
        activation_j_per_mol=on_time_axis(activation_j_per_mol),
        demand_mol_h_per_l=demand_mol_h_per_l, protons_per_mol=protons_per_mol, substeps=1)
    batch = dissolution * retained_fraction(
        times, **conditions, loss_ref=loss_ref, loss_acid_exponent=on_time_axis(loss_acid_exponent),
        loss_activation_j_per_mol=on_time_axis(loss_activation_j_per_mol),
        ageing_rate_ref_per_min=ageing_rate_ref_per_min)
    return (tanks_in_series_average(batch, times, residence_time_min, tanks),
            tanks_in_series_average(dissolution, times, residence_time_min, tanks))


def acid_use_kg_per_dry_t(*, acid_mol_per_l, demand_mol_h_per_l, dissolved, protons_per_mol,
                          liquid_to_solid_l_per_kg, acid_molar_mass_g_per_mol):
    r"""Acid used per dry tonne of concentrate [kg/t].

    What the solids consume plus the free acid left in the liquor (not recycled):

    .. math::

        c_{end} = \max(c_0 - d\,X_{diss}/\nu, 0), \qquad
        m = \big((c_0 - c_{end}) + c_{end}\big) (L/S)\, M_{acid}

    Parameters
    ----------
    acid_mol_per_l : float or array_like
        Initial acid concentration ``c_0`` [mol/L].
    demand_mol_h_per_l : float or array_like
        Protons complete dissolution would consume ``d`` [mol H⁺/L] (draws first).
    dissolved : float or array_like
        Dissolved share of the solids ``X_diss`` [-] (draws first).
    protons_per_mol : float or array_like
        Protons per mole of acid ``ν`` [-].
    liquid_to_solid_l_per_kg : float or array_like
        Liquid-to-solid ratio ``L/S`` [L/kg].
    acid_molar_mass_g_per_mol : float or array_like
        Molar mass of the acid ``M_acid`` [g/mol].

    Returns
    -------
    ndarray
        Acid used [kg per dry t of concentrate].

    References
    ----------
    docs/models/leaching.md §2.5.
    """
    c_end = np.maximum(acid_mol_per_l - demand_mol_h_per_l * dissolved / protons_per_mol, 0.0)
    consumed = (acid_mol_per_l - c_end) * liquid_to_solid_l_per_kg
    return (consumed + c_end * liquid_to_solid_l_per_kg) * acid_molar_mass_g_per_mol


def dissolved_impurities_t(*, apatite_t, clay_t, dissolved, clay_dissolved_fraction,
                           clay_fe2o3_fraction, clay_al2o3_fraction, cake_water_t,
                           seawater_sodium_kg_per_t):
    """Ca, Fe, Al and Na that the leach puts into the liquor [t/yr] (before washing).

    Parameters
    ----------
    apatite_t, clay_t : float or array_like
        Apatite and acid-soluble clay in the concentrate [t/yr] (draws first).
    dissolved : float or array_like
        Dissolved share of the apatite [-] (draws first).
    clay_dissolved_fraction, clay_fe2o3_fraction, clay_al2o3_fraction : float or array_like
        Share of the clay the acid dissolves, and its Fe2O3 and Al2O3 mass fractions [-].
    cake_water_t : float or array_like
        Seawater carried by the wet concentrate [t/yr] (draws first).
    seawater_sodium_kg_per_t : float or array_like
        Sodium in seawater [kg/t].

    Returns
    -------
    dict
        ``Ca``, ``Fe``, ``Al`` and ``Na`` [t/yr].

    References
    ----------
    Millero et al. (2008) Reference composition of seawater, Deep-Sea Res. I 55:50 (sodium);
    docs/models/leaching.md §2.6.
    """
    dissolved_clay_t = clay_t * clay_dissolved_fraction
    return {"Ca": apatite_t * dissolved * CA_PER_APATITE,
            "Fe": dissolved_clay_t * clay_fe2o3_fraction * FE_PER_FE2O3,
            "Al": dissolved_clay_t * clay_al2o3_fraction * AL_PER_AL2O3,
            "Na": cake_water_t * seawater_sodium_kg_per_t / 1000.0}
