"""Market: what the production changes for Japan's supply and the world's.

Here: the chain's own market stage — Japan's demand coverage ``c_j = P_j / D_j`` for every demand
item ``j`` with a sourced figure (a single element, a group such as Pr+Nd, or the total), and the
share of world mine production. The submodules hold the supply-security market: ``data`` (its
tables), ``dynamics`` (the per-element market over time), ``outcomes``, ``risk`` and
``coverage``; ``reemud.security`` runs them.
"""

from __future__ import annotations

import numpy as np

from reemud.elements import INDEX


def demand_coverage(oxide_t_per_year, demand_items):
    """Coverage of each demand item by the production [-].

    ``demand_items`` maps a key to ``(symbols, demand_t_per_year)``; production of the symbols is
    summed and divided by the demand.

    Parameters
    ----------
    oxide_t_per_year : array_like
        Oxide output of each element ``P_i`` [t/yr], REY order on the last axis (draws first).
    demand_items : dict
        ``key -> (symbols, demand_t_per_year)``: the elements of a demand item and its demand
        ``D_j`` [t/yr] (e.g. ``data/japan_demand.csv``).

    Returns
    -------
    dict
        Coverage ``c_j = Σ_{i∈j} P_i / D_j`` of each item [-], the leading (draw) shape.

    References
    ----------
    Japan Society of Newer Metals demand figures (https://jsnm.or.jp/news/?p=1562);
    docs/models/supply-security.md §2.6.
    """
    prod = np.asarray(oxide_t_per_year, dtype=float)
    out = {}
    for key, (symbols, demand) in demand_items.items():
        idx = [INDEX[s] for s in symbols]
        out[key] = prod[..., idx].sum(axis=-1) / demand
    return out


def world_share(oxide_t_per_year, world_production_t_reo):
    """Share of world mine production (REO) [-].

    Parameters
    ----------
    oxide_t_per_year : array_like
        Oxide output of each element [t/yr], REY order on the last axis (draws first).
    world_production_t_reo : float or array_like
        World mine production ``W`` [t REO/yr].

    Returns
    -------
    ndarray
        ``s = Σ_i P_i / W`` [-], the leading (draw) shape.

    References
    ----------
    USGS Mineral Commodity Summaries 2025, Rare Earths (data release doi:10.5066/P13XCP3R)
    (world mine production 2024: 390,000 t REO); docs/models/supply-security.md §2.6.
    """
    return np.asarray(oxide_t_per_year, dtype=float).sum(axis=-1) / world_production_t_reo
