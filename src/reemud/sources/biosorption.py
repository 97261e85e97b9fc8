"""Bio-sorbents: Langmuir isotherms, batch adsorption, a Thomas column and the sorbent's cost.

Plain vectorised functions (scalars or arrays of draws). Data: ``reemud/data/sorbents.csv``;
docs/models/sources.md §2. Competing ions (Fe³⁺, Ca²⁺) enter through the extended Langmuir
isotherm, whose affinities must be given: none is published for these sorbents.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from reemud.datafiles import read_table

RANGED = ("cycles", "desorption", "price")
"""Columns of ``sorbents.csv`` with an assumed range (``cycles_low`` …, ``price_high``)."""


@cache
def sorbents() -> dict[tuple[str, str], dict[str, float | str]]:
    """``sorbents.csv`` rows by (sorbent, element), numbers as floats (NaN: not published)."""
    numeric = ("q_max_mg_per_g", "k_l_per_mg", "cycles", "desorption_fraction",
               "price_usd_per_kg", *(f"{k}_{end}" for k in RANGED for end in ("low", "high")))
    return {(r["sorbent"], r["symbol"]): {**r, **{k: float(r[k]) for k in numeric}}
            for r in read_table("sorbents.csv")}


def sorbent_ranges(sorbent: str, symbol: str) -> dict[str, tuple[float, float]]:
    """Assumed (low, high) of ``cycles``, ``desorption_fraction`` and ``price_usd_per_kg``."""
    r = sorbents()[(sorbent, symbol)]
    return {name: (float(r[f"{key}_low"]), float(r[f"{key}_high"])) for name, key in
            zip(("cycles", "desorption_fraction", "price_usd_per_kg"), RANGED, strict=True)}


def separation_factor(c0_mg_per_l, k_l_per_mg):
    """Langmuir separation factor R_L = 1 / (1 + K_L c0) [-]: 0 < R_L < 1 is favourable.

    Hall, Eagleton, Acrivos & Vermeulen (1966) Ind. Eng. Chem. Fundam. 5(2):212,
    doi:10.1021/i160018a011.
    """
    return 1.0 / (1.0 + np.asarray(k_l_per_mg, dtype=float) * np.asarray(c0_mg_per_l,
                                                                          dtype=float))


def langmuir(c_mg_per_l, q_max_mg_per_g, k_l_per_mg):
    """Langmuir uptake q = q_max K c / (1 + K c) [mg/g] at equilibrium concentration c [mg/L]."""
    kc = np.asarray(k_l_per_mg, dtype=float) * np.asarray(c_mg_per_l, dtype=float)
    return np.asarray(q_max_mg_per_g, dtype=float) * kc / (1.0 + kc)


def competitive_langmuir(c_mg_per_l, q_max_mg_per_g, k_l_per_mg):
    """Extended Langmuir for species on the last axis: q_i = q_max,i K_i c_i / (1 + Σ_j K_j c_j)."""
    kc = np.asarray(k_l_per_mg, dtype=float) * np.asarray(c_mg_per_l, dtype=float)
    return np.asarray(q_max_mg_per_g, dtype=float) * kc / (1.0 + kc.sum(axis=-1, keepdims=True))


def batch_equilibrium(c0_mg_per_l, dose_g_per_l, q_max_mg_per_g, k_l_per_mg):
    """Batch adsorption: the equilibrium of c0 − c = dose · q(c) with a Langmuir q.

    The mass balance is the quadratic K c² + (1 + K(dose q_max − c0)) c − c0 = 0, whose
    positive root is c. Returns ``c_mg_per_l``, ``q_mg_per_g`` and ``removed`` (1 − c/c0).
    """
    c0 = np.asarray(c0_mg_per_l, dtype=float)
    k = np.asarray(k_l_per_mg, dtype=float)
    b = 1.0 + k * (np.asarray(dose_g_per_l, dtype=float) * np.asarray(q_max_mg_per_g,
                                                                        dtype=float) - c0)
    c = 2.0 * c0 / (b + np.sqrt(b * b + 4.0 * k * c0))  # the positive root, without cancellation
    return {"c_mg_per_l": c, "q_mg_per_g": langmuir(c, q_max_mg_per_g, k_l_per_mg),
            "removed": 1.0 - c / c0}


def thomas(t_h, c0_mg_per_l, flow_l_per_h, mass_g, q0_mg_per_g, k_th_l_per_mg_h):
    """Thomas breakthrough C/C0 = 1 / (1 + exp(k_Th q0 m / Q − k_Th C0 t)) of a fixed bed.

    Thomas (1944) J. Am. Chem. Soc. 66(10):1664, doi:10.1021/ja01238a017. t [h], C0 [mg/L],
    Q [L/h], m [g], q0 [mg/g], k_Th [L/(mg·h)].
    """
    k = np.asarray(k_th_l_per_mg_h, dtype=float)
    x = k * np.asarray(q0_mg_per_g, dtype=float) * np.asarray(mass_g, dtype=float) \
        / np.asarray(flow_l_per_h, dtype=float) - k * np.asarray(c0_mg_per_l, dtype=float) \
        * np.asarray(t_h, dtype=float)
    return 1.0 / (1.0 + np.exp(np.clip(x, -700.0, 700.0)))


def thomas_breakthrough_h(fraction, c0_mg_per_l, flow_l_per_h, mass_g, q0_mg_per_g,
                          k_th_l_per_mg_h):
    """Time at which C/C0 reaches ``fraction`` [h]: t = (k q0 m / Q − ln(1/f − 1)) / (k C0)."""
    k = np.asarray(k_th_l_per_mg_h, dtype=float)
    f = np.asarray(fraction, dtype=float)
    return (k * np.asarray(q0_mg_per_g, dtype=float) * np.asarray(mass_g, dtype=float)
            / np.asarray(flow_l_per_h, dtype=float) - np.log(1.0 / f - 1.0)) \
        / (k * np.asarray(c0_mg_per_l, dtype=float))


def sorbent_per_kg(q_mg_per_g, cycles, desorption_fraction, price_usd_per_kg):
    """Sorbent consumed and its cost per kg of element recovered (sorbent only).

    m = 1 / (q/1000 · cycles · desorbed) [kg sorbent/kg]; cost = m · price [US$/kg]. No plant,
    elution chemicals or energy: the sorbent's share of the cost only. NaN where an input is
    not published.
    """
    m = 1.0 / (np.asarray(q_mg_per_g, dtype=float) / 1000.0 * np.asarray(cycles, dtype=float)
               * np.asarray(desorption_fraction, dtype=float))
    return {"kg_sorbent_per_kg": m, "usd_per_kg": m * np.asarray(price_usd_per_kg, dtype=float)}


def competitive_batch_equilibrium(c0_mg_per_l, dose_g_per_l, q_max_mg_per_g, k_l_per_mg,
                                  iterations: int = 100):
    """Batch adsorption of several species competing for one sorbent (extended Langmuir).

    Species (REY in ``reemud.elements.REY`` order, optionally followed by competitors such as
    Fe³⁺ or Ca²⁺) lie on the last axis; draws, if any, first. The mass balance of species i,

        c0_i − c_i = d · q_max,i K_i c_i / (1 + S),   S = Σ_j K_j c_j,

    gives c_i = c0_i / (1 + a_i / (1 + S)) with a_i = d q_max,i K_i, so S is the root of the
    one-dimensional f(S) = Σ_i K_i c0_i (1 + S) / (1 + S + a_i) − S. The sum is increasing and
    concave in S, f(0) ≥ 0 and f(Σ K_i c0_i) ≤ 0, so the root in [0, Σ K_i c0_i] is unique;
    it is found by bisection on all draws at once (``iterations`` halvings of the bracket).
    For one species it is the root of :func:`batch_equilibrium`'s quadratic.

    Parameters
    ----------
    c0_mg_per_l : array_like
        Initial concentration of each species [mg/L], species on the last axis.
    dose_g_per_l : array_like
        Sorbent dose [g/L]; broadcast against the draw axis (one dose for all species).
    q_max_mg_per_g, k_l_per_mg : array_like
        Langmuir capacity [mg/g] and affinity [L/mg] of each species on this sorbent. K = 0
        states that a species is not taken up; NaN (not published) makes the whole result NaN,
        since an unknown competitor leaves every uptake unknown.
    iterations : int
        Bisection halvings of the bracket [-] (100 halve it by 2⁻¹⁰⁰, below the float resolution).

    Returns
    -------
    dict
        ``c_mg_per_l`` (equilibrium concentration), ``q_mg_per_g`` (loading) and ``removed``
        (1 − c/c0, NaN where c0 = 0), each with the species on the last axis.

    References
    ----------
    The extended Langmuir isotherm of :func:`competitive_langmuir`; docs/models/sources.md §2.
    """
    c0 = np.asarray(c0_mg_per_l, dtype=float)
    k = np.asarray(k_l_per_mg, dtype=float)
    q_max = np.asarray(q_max_mg_per_g, dtype=float)
    dose = np.asarray(dose_g_per_l, dtype=float)[..., None]
    a = dose * q_max * k
    kc0 = k * c0
    low = np.zeros(np.broadcast_shapes(kc0.shape[:-1], a.shape[:-1]) + (1,))
    high = low + kc0.sum(axis=-1, keepdims=True)
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        f = (kc0 * (1.0 + mid) / (1.0 + mid + a)).sum(axis=-1, keepdims=True) - mid
        low, high = np.where(f > 0, mid, low), np.where(f > 0, high, mid)
    s = 0.5 * (low + high)
    c = c0 / (1.0 + a / (1.0 + s))
    with np.errstate(invalid="ignore", divide="ignore"):
        removed = np.where(c0 > 0, 1.0 - c / c0, np.nan)
    return {"c_mg_per_l": c, "q_mg_per_g": q_max * k * c / (1.0 + s), "removed": removed}


def batch_liquor(c0_mg_per_l, dose_g_per_l, q_max_mg_per_g, k_l_per_mg, desorption_fraction,
                 cycles):
    """One batch adsorption–desorption on a liquor: element recovered per litre, sorbent per kg.

    For the chain's pregnant leach liquor (``PregnantLiquor.rey_t_per_year`` divided by
    ``liquor_m3_per_year``, times 10⁶, gives mg/L), a magnet leachate or an industrial
    wastewater. The sorbent is contacted once at dose d (:func:`competitive_batch_equilibrium`),
    then eluted: recovered_i = D (c0_i − c_i) [mg/L] with D the desorbed share. Sorbent used per
    kg of all species recovered: m = 1000 d / (Σ_i recovered_i · N) [kg/kg] over N cycles of
    reuse, which for one species is :func:`sorbent_per_kg`'s 1 / (q/1000 · N · D). Batch mode
    is the only mode published for salmon milt (it did not flow in a column; Takahashi et al.
    2014, doi:10.1371/journal.pone.0114858) and the mode of Kucuker et al. (2017) for
    *Chlorella vulgaris* (doi:10.1371/journal.pone.0175255).

    Parameters
    ----------
    c0_mg_per_l : array_like
        Liquor concentration of each species [mg/L], REY order on the last axis (competitors
        may follow with their own q_max and K; they count in the sorbent's loading but the
        caller decides whether they are "recovered": pass their D as 0 to exclude them).
    dose_g_per_l : array_like
        Sorbent dose [g/L].
    q_max_mg_per_g, k_l_per_mg : array_like
        Langmuir capacity [mg/g] and affinity [L/mg] per species (``sorbents.csv``).
    desorption_fraction : array_like
        Share of the adsorbed mass eluted per cycle [-], scalar or per species.
    cycles : array_like
        Uses of the sorbent before it is replaced [-].

    Returns
    -------
    dict
        ``c_mg_per_l``, ``q_mg_per_g`` (per species); ``recovered_mg_per_l`` (per species);
        ``recovered_total_mg_per_l`` [mg/L]; ``kg_sorbent_per_kg`` [kg sorbent / kg recovered]
        (inf where nothing is recovered). Sorbent only: no plant, elution chemicals or energy.
    """
    eq = competitive_batch_equilibrium(c0_mg_per_l, dose_g_per_l, q_max_mg_per_g, k_l_per_mg)
    adsorbed = np.asarray(c0_mg_per_l, dtype=float) - eq["c_mg_per_l"]
    recovered = adsorbed * np.asarray(desorption_fraction, dtype=float)
    total = recovered.sum(axis=-1)
    with np.errstate(divide="ignore"):
        m = 1000.0 * np.asarray(dose_g_per_l, dtype=float) / (total * np.asarray(cycles,
                                                                               dtype=float))
    return {"c_mg_per_l": eq["c_mg_per_l"], "q_mg_per_g": eq["q_mg_per_g"],
            "recovered_mg_per_l": recovered, "recovered_total_mg_per_l": total,
            "kg_sorbent_per_kg": m}
