"""Separation of the mixed REY liquor into individual oxides by solvent extraction.

Issue-2 model (``fixed_recovery``): each element reaches its product with a stated recovery;
the rest is lost to raffinates. Reagents follow the stoichiometry of acidic-extractant SX
(models.md §10.4): loading one mole of RE releases 3 mol of counter-ion (3 mol base spent in
saponification) and scrubbing or stripping it takes 3 mol H⁺; with organic RE flux ``S`` per mole
of feed and ``k`` cuts per element, base and acid are each ``3 S k`` mol per mol RE.
"""

from __future__ import annotations

import numpy as np

from reemud.elements import moles

NAOH_G_PER_MOL = 39.997
HCL_G_PER_MOL = 36.46


def split_fixed_recovery(feed_t, recovery):
    """Split per-element feed into product and loss [t]: ``product = r·feed``, ``loss = feed − product``."""
    feed = np.asarray(feed_t, dtype=float)
    product = feed * np.asarray(recovery, dtype=float)
    return product, feed - product


def sx_reagents_t(feed_element_t, organic_flux_per_feed, cuts_per_element):
    """NaOH and HCl consumed by saponified acidic-extractant SX [t, t] (models.md §10.4)."""
    mol = moles(feed_element_t).sum(axis=-1) * 1.0e6  # mol
    mol_reagent = 3.0 * np.asarray(organic_flux_per_feed) * np.asarray(cuts_per_element) * mol
    return mol_reagent * NAOH_G_PER_MOL * 1e-6, mol_reagent * HCL_G_PER_MOL * 1e-6
