"""Separation of the mixed REY liquor into individual oxides by solvent extraction.

Issue-2 model (``fixed_recovery``): each element reaches its product with a stated recovery;
the rest is lost to raffinates. Reagents follow the stoichiometry of acidic-extractant SX
(docs/models/separation.md §4.2): loading one mole of RE releases 3 mol of counter-ion (3 mol base spent in
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
    """NaOH and HCl consumed by saponified acidic-extractant SX [t, t] (docs/models/separation.md §4.2)."""
    mol = moles(feed_element_t).sum(axis=-1) * 1.0e6  # mol
    mol_reagent = 3.0 * np.asarray(organic_flux_per_feed) * np.asarray(cuts_per_element) * mol
    return mol_reagent * NAOH_G_PER_MOL * 1e-6, mol_reagent * HCL_G_PER_MOL * 1e-6


def reagents_t(reagent_mol):
    """NaOH and HCl for ``reagent_mol`` moles of each [t, t]."""
    return (np.asarray(reagent_mol) * NAOH_G_PER_MOL * 1e-6,
            np.asarray(reagent_mol) * HCL_G_PER_MOL * 1e-6)


def cut_totals(cuts) -> dict[str, float]:
    """Reagent, organic hold-up basis and stages of a flowsheet, summed over its cuts.

    ``reagent_mol`` [mol]: ``3 S F`` mol of base and of acid for each cut with organic RE flux
    ``S`` per mole of its feed ``F`` [Mmol/yr] (``docs/models/separation.md``);
    ``stage_flux_mol`` [Mmol/yr]: Σ stages × S × F; ``stages``: extraction and scrub stages.
    """
    return {"reagent_mol": sum(3.0 * c["organic_re_flux"] * c["feed_mol"] for c in cuts) * 1e6,
            "stage_flux_mol": sum((c["n_extraction"] + c["n_scrub"]) * c["organic_re_flux"]
                                  * c["feed_mol"] for c in cuts),
            "stages": sum(c["n_extraction"] + c["n_scrub"] for c in cuts)}


def organic_inventory_m3(stage_flux_mol, stage_residence_min, organic_loading_mol_per_l,
                         minutes_per_year):
    """Organic held in the mixer-settlers [m³]: organic flow (RE flux / loading) × residence.

    ``stage_flux_mol`` [Mmol/yr] is Σ stages × organic RE flux (``cut_totals``); the organic
    flow through a stage is that flux over the loading [mol/L].
    """
    return (np.asarray(stage_flux_mol) * 1e6 / minutes_per_year * stage_residence_min
            / organic_loading_mol_per_l / 1000.0)


def transferred_impurities_t(impurities_t, fraction) -> dict:
    """The liquor's Ca, Fe and Al reaching the strip liquors [t/yr]; sodium stays behind."""
    return {k: v * fraction for k, v in (impurities_t or {}).items() if k != "Na"}
