"""Refining: oxalate precipitation and calcination to oxides.

Precipitation (docs/models/refining.md §1): ``2 RE³⁺ + 3 H2C2O4 → RE2(C2O4)3(s) + 6 H⁺``, with the conversion
isotherm fitted by PrOMMiS at pH 1.5, ``X = exp(−(ε/c_ox)^n)`` (c_ox = oxalic-acid dosage [g/L]).
Calcination: ``RE2(C2O4)3 + 1.5 O2 → RE2O3 + 6 CO2`` (three CO₂ per RE whatever the oxide, e.g.
CeO2, Pr6O11, Tb4O7, since all carbon comes from the oxalate). Stoichiometric minima per kg oxide:
0.803 kg H2C2O4 and 0.785 kg CO₂ for Nd2O3 (docs/models/refining.md §1 table).
"""

from __future__ import annotations

import numpy as np

from reemud.elements import OXIDE_FACTOR, moles

OXALIC_ACID_G_PER_MOL = 90.03
CO2_G_PER_MOL = 44.009
OXALATE_PER_RE = 1.5
CO2_PER_RE = 3.0


def precipitated_fraction(oxalic_dosage_g_per_l, eps_g_per_l, exponent):
    """Fraction of a species precipitated as oxalate, ``exp(−(ε/c)^n)`` (all inputs broadcast) [-].

    Parameters
    ----------
    oxalic_dosage_g_per_l : float or array_like
        Oxalic-acid dosage ``c_ox`` [g/L].
    eps_g_per_l : float or array_like
        Isotherm parameter ``ε`` [g/L].
    exponent : float or array_like
        Isotherm exponent ``n`` [-].

    Returns
    -------
    ndarray
        Precipitated fraction ``X`` [-], the broadcast shape of the inputs.

    References
    ----------
    PrOMMiS ``src/prommis/precipitate/precipitate_reactions.py`` and
    ``precipitator_isotherm.py`` (github.com/prommis/prommis), isotherm fitted to Visual MINTEQ
    results at pH 1.5; docs/models/refining.md §2.
    """
    c = np.asarray(oxalic_dosage_g_per_l, dtype=float)
    return np.exp(-((np.asarray(eps_g_per_l) / c) ** np.asarray(exponent)))


def oxalate_conversion(oxalic_dosage_g_per_l, eps_g_per_l, exponent):
    """Fraction of each element precipitated, dosage broadcast against the element axis [-].

    Parameters
    ----------
    oxalic_dosage_g_per_l : float or array_like
        Oxalic-acid dosage ``c_ox`` [g/L] (draws first).
    eps_g_per_l, exponent : array_like
        Isotherm parameters ``ε`` [g/L] and ``n`` [-] of each element, elements on the last
        axis.

    Returns
    -------
    ndarray
        Precipitated fraction of each element [-], elements on the last axis (draws first).

    References
    ----------
    PrOMMiS ``src/prommis/precipitate/precipitate_reactions.py`` and
    ``precipitator_isotherm.py`` (github.com/prommis/prommis), isotherm fitted to Visual MINTEQ
    results at pH 1.5; docs/models/refining.md §2.
    """
    c = np.asarray(oxalic_dosage_g_per_l, dtype=float)[..., None]
    return precipitated_fraction(c, eps_g_per_l, exponent)


def calcine(precipitated_element_t):
    """Calcine oxalates to oxides: oxide mass [t], oxalic acid consumed [t], CO₂ released [t].

    Oxide mass per element (last axis); acid and CO₂ summed over elements.

    Parameters
    ----------
    precipitated_element_t : array_like
        Element mass precipitated as oxalate [t] (or [t/yr]), REY order on the last axis
        (draws first).

    Returns
    -------
    oxide_t : ndarray
        Oxide mass of each element (commercial oxides, ``elements.OXIDE_FACTOR``) [t],
        elements on the last axis.
    oxalic_t : ndarray
        Oxalic acid consumed, 1.5 mol H2C2O4 per mol RE [t].
    co2_t : ndarray
        CO₂ released by calcination, 3 mol per mol RE [t].

    References
    ----------
    docs/models/refining.md §1 (stoichiometry), §5 case 2.
    """
    el = np.asarray(precipitated_element_t, dtype=float)
    mol = moles(el).sum(axis=-1) * 1.0e6
    oxalic_t = mol * OXALATE_PER_RE * OXALIC_ACID_G_PER_MOL * 1e-6
    co2_t = mol * CO2_PER_RE * CO2_G_PER_MOL * 1e-6
    return el * OXIDE_FACTOR, oxalic_t, co2_t
