"""Code-to-code check against PrOMMiS's steady DEHPA solvent-extraction case (docs/models/separation.md §6).

PrOMMiS release 1.1.0, ``solvent_extraction/solvent_extraction_steady.py``: counter-current
equilibrium stages (3 in its test), 5 vol % DEHPA in kerosene, aqueous and organic 62.01 L/h
each, a coal leachate in sulfuric acid. Distribution ratios from the PrOMMiS correlation
``log10 D = (m0 + m1 c) pH + (B0 + B1 log10 c)`` for the REE and constant D for Sc, Al, Ca, Fe,
where ``c`` is the dosage of each stage's organic (``ree_og_distribution.py``,
``extractant_dosage_eqn``: ``c = 100 [DEHPA] / 975.8e3 mg/L``). Each mole extracted binds 3
DEHPA and releases 3 H⁺ (2 for Ca), so ``c`` falls as the organic loads (cascade model 4). The
aqueous acidity speciates as HSO₄⁻ ⇌ H⁺ + SO₄²⁻ with K_a2 = 10^−1.99 mol/L and
pH = −log10[H⁺] (PrOMMiS ``sulfuric_acid_leaching_properties.py``; the inlet state is taken as
given, not equilibrated). Concentrations in mg/L with PrOMMiS's molar masses. With
``loading=False`` the dosage is the inlet's on every stage (cascade model 3), as in PrOMMiS
before release 1.1.0 (commit 021fae8b).
"""

from __future__ import annotations

import numpy as np

from reemud.datafiles import read_table
from reemud.separation import cascade

KA2_MOL_PER_L = 10**-1.99
DEHPA_MW_G_PER_MOL = 322.431  # PrOMMiS 1.1.0 ree_og_distribution.py, mw["DEHPA"]
DEHPA_PURE_MG_PER_L = 975.8e3  # PrOMMiS 1.1.0 ree_og_distribution.py, extractant_dosage_eqn
MW_G_PER_MOL = {"La": 138.905, "Y": 88.905, "Pr": 140.907, "Ce": 140.116, "Nd": 144.242,
                "Sm": 150.36, "Gd": 157.25, "Dy": 162.50, "Sc": 44.946, "Al": 26.982,
                "Ca": 40.078, "Fe": 55.845, "H": 1.0, "HSO4": 97.0, "SO4": 96.0}
AQUEOUS_FEED_MG_PER_L = {"La": 0.986, "Y": 0.124, "Pr": 0.303, "Ce": 2.277, "Nd": 0.946,
                         "Sm": 0.097, "Gd": 0.2584, "Dy": 0.047, "Sc": 0.032, "Al": 422.375,
                         "Ca": 109.542, "Fe": 688.266, "H": 10.75, "HSO4": 1e4, "SO4": 100.0}
ORGANIC_FEED_MG_PER_L = {"La": 0.000105, "Y": 2.179e-5, "Pr": 3.711e-5, "Ce": 0.00031,
                         "Nd": 0.000165, "Sm": 1.701e-5, "Gd": 3.357e-5, "Dy": 8.008e-6,
                         "Sc": 1.734, "Al": 1.267e-5, "Ca": 2.684e-5, "Fe": 2.873e-6}


def correlation_params():
    """Species order and the correlation ``m0, m1, B0, B1`` and proton counts ``z`` per species.

    A constant ``D = K1`` (Sc, Al, Ca, Fe) is written ``m0 = m1 = B1 = 0``, ``B0 = log10 K1``.
    """
    rows = read_table("dehpa_logd_correlation.csv")
    species = [r["species"] for r in rows]
    columns = {key: [] for key in ("m0", "m1", "B0", "B1", "protons")}
    for r in rows:
        for key in columns:
            columns[key].append(float(r[key]) if r[key] else 0.0)
        if r["constant_d"]:
            columns["B0"][-1] = np.log10(float(r["constant_d"]))
    return species, *(np.array(columns[key]) for key in ("m0", "m1", "B0", "B1", "protons"))


def run(dosage_vol_pct: float = 5.0, stages: int = 3, flow_l_per_h: float = 62.01, *,
        loading: bool = True):
    """Solve the PrOMMiS case; return raffinate and loaded-organic concentrations [mg/L].

    The loaded organic carries ``DEHPA``, the free extractant leaving it [mg/L]; the third value
    is the solver's last change of ``log D`` [-]. ``loading=False`` holds the dosage at the
    inlet's on every stage (PrOMMiS before release 1.1.0).
    """
    species, m0, m1, b0, b1, z = correlation_params()
    mw = np.array([MW_G_PER_MOL[s] for s in species])
    x_in = np.array([AQUEOUS_FEED_MG_PER_L[s] for s in species]) / mw / 1000.0  # mol/L
    y_in = np.array([ORGANIC_FEED_MG_PER_L[s] for s in species]) / mw / 1000.0
    hso4 = AQUEOUS_FEED_MG_PER_L["HSO4"] / MW_G_PER_MOL["HSO4"] / 1000.0
    so4 = AQUEOUS_FEED_MG_PER_L["SO4"] / MW_G_PER_MOL["SO4"] / 1000.0
    h_free = AQUEOUS_FEED_MG_PER_L["H"] / MW_G_PER_MOL["H"] / 1000.0
    free_in = dosage_vol_pct / 100.0 * DEHPA_PURE_MG_PER_L / DEHPA_MW_G_PER_MOL / 1000.0  # mol/L
    if loading:
        vol_pct_per_mol_per_l = 100.0 * DEHPA_MW_G_PER_MOL * 1000.0 / DEHPA_PURE_MG_PER_L
        params = np.concatenate([m0, m1, b0, b1, z, [KA2_MOL_PER_L, hso4 + so4,
                                                     free_in + (z * y_in).sum(),
                                                     vol_pct_per_mol_per_l]])
    else:
        params = np.concatenate([m0 + m1 * dosage_vol_pct, b0 + b1 * np.log10(dosage_vol_pct), z,
                                 [KA2_MOL_PER_L, hso4 + so4]])
    flows = np.full(stages, flow_l_per_h)
    m = len(species)
    x, y, h, iterations, change = cascade.solve(
        4 if loading else 3, params, flows, flows, flow_l_per_h, y_in, flow_l_per_h, x_in,
        np.zeros(stages), np.zeros((stages, m)), 1.0, h_free + hso4, np.zeros(stages), 3.0, 0.0,
        1e-13, 500)
    raffinate = dict(zip(species, x[0] * mw * 1000.0, strict=True))
    organic = dict(zip(species, y[-1] * mw * 1000.0, strict=True))
    bound = (z * (y[-1] - y_in)).sum()  # extractant bound = protons released [mol/L]
    organic["DEHPA"] = float((free_in - bound) * DEHPA_MW_G_PER_MOL * 1000.0)
    total = h_free + hso4 + bound  # total acidity of the raffinate
    raffinate["H"] = float(h[0] * MW_G_PER_MOL["H"] * 1000.0)
    hso4_out = total - h[0]
    raffinate["HSO4"] = float(hso4_out * MW_G_PER_MOL["HSO4"] * 1000.0)
    raffinate["SO4"] = float((hso4 + so4 - hso4_out) * MW_G_PER_MOL["SO4"] * 1000.0)
    return raffinate, organic, float(change)
