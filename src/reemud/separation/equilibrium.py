"""Equilibrium of acidic organophosphorus extractants: separation factors and distribution ratios.

- Constant separation factors: ``β_jk = D_j / D_k`` from a table of relative distribution ratios
  (``data/separation_factors.csv``; default the D2EHPA chloride series of Peppard et al. 1957,
  2.50 per unit of atomic number, with Y at an apparent Z of 67.5).
- Mass action (cation exchange by the dimer, docs/models/separation.md §1):
  ``RE³⁺ + 3 (HA)₂ ⇌ RE(A·HA)₃ + 3 H⁺``, so ``D = K [(HA)₂]³ / [H⁺]³``; the free dimer falls as
  the organic loads (``[(HA)₂] = F_tot − 3 Σ y``).
- Log-linear in pH: ``log10 D = a pH + b`` (the form of the PrOMMiS DEHPA correlation).

The cascade solver evaluates these inside its compiled kernel (``cascade.MODELS``); these Python
functions state the same relations for design work and tests.
"""

from __future__ import annotations

import numpy as np


def separation_factor(log10_relative_d, heavy, light):
    """``β = D_heavy / D_light`` from log10 relative distribution ratios [-]."""
    rel = np.asarray(log10_relative_d, dtype=float)
    return 10.0 ** (rel[..., heavy] - rel[..., light])


def mass_action_d(k, free_dimer_mol_per_l, h_mol_per_l):
    """``D = K [(HA)₂]³ / [H⁺]³`` [-]."""
    return (np.asarray(k) * np.asarray(free_dimer_mol_per_l) ** 3
            / np.asarray(h_mol_per_l) ** 3)


def log_linear_d(slope, intercept, ph):
    """``D = 10^(a pH + b)`` [-]."""
    return 10.0 ** (np.asarray(slope) * np.asarray(ph) + np.asarray(intercept))
