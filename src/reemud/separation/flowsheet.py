"""A solvent-extraction flowsheet: a direct sequence of cuts splitting the REY into products.

Elements are ordered by distribution ratio; each cut sends everything below a product boundary
to its raffinate (a product) and the rest, stripped, to the next cut. Each cut is designed to
spec (``design.design_cut``). Reagents follow docs/models/separation.md §4.2: each cut spends
``3 S`` mol of base
(saponification) and ``3 S`` mol of acid (scrub + strip) per mole of its feed RE, ``S`` being the
organic RE flux per mole of feed; the organic inventory is the organic volume held in the
mixer-settlers: stages × organic flow (RE flux / loading) × residence time.
"""

from __future__ import annotations

import numpy as np

from reemud.elements import REY
from reemud.separation.design import design_cut


def run_flowsheet(feed_mol, log10_relative_d, products, *, purity, recovery, reflux_multiple,
                  max_stages=400):
    """Design and solve the sequence of cuts for ``products`` (lists of symbols, light first).

    ``feed_mol``: component molar flows (REY order). Returns ``(product_flows, cuts)`` with the
    molar flow of every component in every product, and per-cut design records.

    Parameters
    ----------
    feed_mol : array_like
        Molar flow of each element [e.g. Mmol/yr, or mole fractions], REY order, shape ``(15,)``.
    log10_relative_d : array_like
        ``log10(D/D_La)`` of each element [-], REY order (a set of
        ``data/separation_factors.csv``).
    products : sequence of sequence of str
        Product groups of element symbols, light (least extractable) first; each group must be
        contiguous in the extraction order.
    purity, recovery : float
        Purity and recovery specs of every cut [-].
    reflux_multiple : float
        Scrub flow as a multiple of the minimum reflux [-].
    max_stages : int, optional
        Most stages per cut [-].

    Returns
    -------
    product_flows : dict
        For each product (``"+"``-joined symbols), the molar flow of every element in it, REY
        order [unit of ``feed_mol``].
    cuts : list of dict
        Per cut: ``cut`` (name), ``feed_mol`` [unit of ``feed_mol``] and the ``design.design_cut``
        record without its products.

    Raises
    ------
    ValueError
        If a product group is not contiguous in the extraction order, or a cut cannot meet the
        spec.

    References
    ----------
    docs/models/separation.md §3.3, §4.2.
    """
    order = np.argsort(np.asarray(log10_relative_d, dtype=float), kind="stable")
    d = 10.0 ** np.asarray(log10_relative_d, dtype=float)
    index = {s: i for i, s in enumerate(REY)}
    current = np.asarray(feed_mol, dtype=float).copy()
    product_flows, cuts = {}, []
    for k, group in enumerate(products[:-1]):
        light = np.zeros(len(REY), dtype=bool)
        light[[index[s] for s in group]] = True
        remaining_products = [s for g in products[k + 1:] for s in g]
        heavy = np.zeros(len(REY), dtype=bool)
        heavy[[index[s] for s in remaining_products]] = True
        # a cut splits at a boundary of the extraction order: the lights must all be less
        # extractable than the heavies
        if d[light].max() >= d[heavy].min():
            raise ValueError(f"product {'+'.join(group)} is not contiguous in the extraction order "
                             f"({' < '.join(REY[i] for i in order)})")
        # what earlier cuts misplaced into this feed travels with the lights, but the product's
        # purity counts only its own group
        inside = np.ones(len(REY), dtype=bool)
        if current[inside].sum() <= 0.0:  # nothing left to separate
            product_flows["+".join(group)] = np.zeros(len(REY))
            continue
        # the extract feeds the next cut: leave its product half of the impurity budget
        next_group = np.zeros(len(REY), dtype=bool)
        next_group[[index[s] for s in products[k + 1]]] = True
        share = current[next_group].sum() / max(current[heavy].sum(), 1e-300)
        design = design_cut(d[inside], current[inside], heavy[inside], purity=purity,
                            heavy_purity=1.0 - 0.5 * (1.0 - purity) * share,
                            recovery=recovery, reflux_multiple=reflux_multiple,
                            max_stages=max_stages, light_product=light)
        raffinate = np.zeros(len(REY))
        extract = np.zeros(len(REY))
        raffinate[inside] = design["raffinate"]
        extract[inside] = design["extract"]
        product_flows["+".join(group)] = raffinate
        cuts.append({"cut": f"{'+'.join(group)} | {'+'.join(remaining_products)}",
                     "feed_mol": float(current.sum()),
                     **{k2: v for k2, v in design.items()
                        if k2 not in ("raffinate", "extract")}})
        current = extract
    product_flows["+".join(products[-1])] = current
    return product_flows, cuts
