"""Bio-sorbents: Langmuir isotherms, batch adsorption, a Thomas column and the sorbent's cost.

Plain vectorised functions (scalars or arrays of draws). Data: ``reemud/data/sorbents.csv``;
docs/models/sources.md §2. Competing ions (Fe³⁺, Ca²⁺) enter through the extended Langmuir
isotherm, whose affinities must be given: none is published for these sorbents.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from reemud.datafiles import read_table


@cache
def sorbents() -> dict[tuple[str, str], dict[str, float | str]]:
    """``sorbents.csv`` rows by (sorbent, element), numbers as floats (NaN: not published)."""
    numeric = ("q_max_mg_per_g", "k_l_per_mg", "cycles", "desorption_fraction",
               "price_usd_per_kg")
    return {(r["sorbent"], r["symbol"]): {**r, **{k: float(r[k]) for k in numeric}}
            for r in read_table("sorbents.csv")}


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
