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
    """``β = D_heavy / D_light`` from log10 relative distribution ratios [-].

    Parameters
    ----------
    log10_relative_d : array_like
        ``log10(D/D_ref)`` of each component [-], components on the last axis (e.g. a set of
        ``data/separation_factors.csv``).
    heavy, light : int
        Indices of the heavier (more extractable) and lighter component on the last axis.

    Returns
    -------
    ndarray
        Separation factor ``β`` [-], the leading shape of ``log10_relative_d``.

    References
    ----------
    Peppard, Mason, Maier & Driscoll (1957) J. Inorg. Nucl. Chem. 4:334 (the default D2EHPA
    chloride series); docs/models/separation.md §1.1, §2.2.
    """
    rel = np.asarray(log10_relative_d, dtype=float)
    return 10.0 ** (rel[..., heavy] - rel[..., light])


def mass_action_d(k, free_dimer_mol_per_l, h_mol_per_l):
    """``D = K [(HA)₂]³ / [H⁺]³`` [-].

    Parameters
    ----------
    k : float or array_like
        Extraction constant ``K`` [-].
    free_dimer_mol_per_l : float or array_like
        Free extractant dimer ``[(HA)₂]`` [mol/L].
    h_mol_per_l : float or array_like
        Aqueous acidity ``[H⁺]`` [mol/L].

    Returns
    -------
    ndarray
        Distribution ratio ``D`` [-], the broadcast shape of the inputs.

    References
    ----------
    Peppard, Mason & Giffin (1965) J. Inorg. Nucl. Chem. 27:1683–1691 (the inverse third-power
    dependence on [H⁺]); docs/models/separation.md §1.1.
    """
    return (np.asarray(k) * np.asarray(free_dimer_mol_per_l) ** 3
            / np.asarray(h_mol_per_l) ** 3)


def log_linear_d(slope, intercept, ph):
    """``D = 10^(a pH + b)`` [-].

    Parameters
    ----------
    slope : float or array_like
        Slope ``a`` [1/pH unit].
    intercept : float or array_like
        Intercept ``b`` [-].
    ph : float or array_like
        Aqueous pH [-].

    Returns
    -------
    ndarray
        Distribution ratio ``D`` [-], the broadcast shape of the inputs.

    References
    ----------
    PrOMMiS ``solvent_extraction/solvent_extraction_reaction_package.py``
    (github.com/prommis/prommis), the DEHPA correlation; docs/models/separation.md §2.3.
    """
    return 10.0 ** (np.asarray(slope) * np.asarray(ph) + np.asarray(intercept))
