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
    """Split per-element feed into product and loss [t]: ``product = r·feed``, ``loss = feed − product``.

    Parameters
    ----------
    feed_t : array_like
        Feed of each element [t] (or [t/yr]), elements on the last axis (draws first).
    recovery : float or array_like
        Recovery of each element to its product [-], broadcast against ``feed_t``.

    Returns
    -------
    product : ndarray
        Element in its product, in the unit of ``feed_t``.
    loss : ndarray
        Element lost to raffinates, in the unit of ``feed_t``.

    References
    ----------
    docs/models/separation.md §3.4.
    """
    feed = np.asarray(feed_t, dtype=float)
    product = feed * np.asarray(recovery, dtype=float)
    return product, feed - product


def sx_reagents_t(feed_element_t, organic_flux_per_feed, cuts_per_element):
    """NaOH and HCl consumed by saponified acidic-extractant SX [t, t] (docs/models/separation.md §4.2).

    Parameters
    ----------
    feed_element_t : array_like
        Element mass fed to separation [t] (or [t/yr]), REY order on the last axis (draws
        first).
    organic_flux_per_feed : float or array_like
        Organic RE flux per mole of feed ``S`` [mol/mol].
    cuts_per_element : float or array_like
        Cuts each element passes through ``k`` [-].

    Returns
    -------
    naoh_t : ndarray
        NaOH for saponification, ``3 S k`` mol per mol RE [t] (in the time basis of the feed).
    hcl_t : ndarray
        HCl for scrubbing and stripping, ``3 S k`` mol per mol RE [t].

    References
    ----------
    docs/models/separation.md §4.2 (stoichiometry of saponified acidic-extractant SX).
    """
    mol = moles(feed_element_t).sum(axis=-1) * 1.0e6  # mol
    mol_reagent = 3.0 * np.asarray(organic_flux_per_feed) * np.asarray(cuts_per_element) * mol
    return mol_reagent * NAOH_G_PER_MOL * 1e-6, mol_reagent * HCL_G_PER_MOL * 1e-6


def reagents_t(reagent_mol):
    """NaOH and HCl for ``reagent_mol`` moles of each [t, t].

    Parameters
    ----------
    reagent_mol : float or array_like
        Moles of base and of acid [mol] (or [mol/yr]) (draws first).

    Returns
    -------
    naoh_t : ndarray
        NaOH at 39.997 g/mol [t] (or [t/yr]).
    hcl_t : ndarray
        HCl at 36.46 g/mol [t] (or [t/yr]).
    """
    return (np.asarray(reagent_mol) * NAOH_G_PER_MOL * 1e-6,
            np.asarray(reagent_mol) * HCL_G_PER_MOL * 1e-6)


def cut_totals(cuts) -> dict[str, float]:
    """Reagent, organic hold-up basis and stages of a flowsheet, summed over its cuts.

    ``reagent_mol`` [mol]: ``3 S F`` mol of base and of acid for each cut with organic RE flux
    ``S`` per mole of its feed ``F`` [Mmol/yr] (``docs/models/separation.md``);
    ``stage_flux_mol`` [Mmol/yr]: Σ stages × S × F; ``stages``: extraction and scrub stages.

    Parameters
    ----------
    cuts : iterable of dict
        Per-cut design records (``flowsheet.run_flowsheet``), each with ``organic_re_flux``
        [mol/mol], ``feed_mol`` [Mmol/yr], ``n_extraction`` and ``n_scrub`` [-].

    Returns
    -------
    dict
        ``reagent_mol`` [mol/yr], ``stage_flux_mol`` [Mmol/yr] and ``stages`` [-].

    References
    ----------
    docs/models/separation.md §4.2, §4.3.
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

    Parameters
    ----------
    stage_flux_mol : float or array_like
        Sum over stages of the organic RE flux [Mmol/yr] (draws first).
    stage_residence_min : float or array_like
        Organic residence time per stage ``t_res`` [min].
    organic_loading_mol_per_l : float or array_like
        RE loading of the organic ``λ`` [mol/L].
    minutes_per_year : float
        Minutes in a year of operation [min/yr].

    Returns
    -------
    ndarray
        Organic volume held ``V_org`` [m³].

    References
    ----------
    docs/models/separation.md §4.3.
    """
    return (np.asarray(stage_flux_mol) * 1e6 / minutes_per_year * stage_residence_min
            / organic_loading_mol_per_l / 1000.0)


def transferred_impurities_t(impurities_t, fraction) -> dict:
    """The liquor's Ca, Fe and Al reaching the strip liquors [t/yr]; sodium stays behind.

    Parameters
    ----------
    impurities_t : dict or None
        Impurity in the pregnant liquor by element symbol [t/yr] (values may carry draws).
    fraction : float or array_like
        Share of each impurity that reaches the strip liquors [-].

    Returns
    -------
    dict
        Impurity by symbol, ``Na`` left out [t/yr]; empty for ``None``.

    References
    ----------
    docs/models/separation.md §4.3.
    """
    return {k: v * fraction for k, v in (impurities_t or {}).items() if k != "Na"}
