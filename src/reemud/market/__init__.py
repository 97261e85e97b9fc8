"""Market: what the production changes for Japan's supply and the world's.

Issue-2 model: Japan's demand coverage ``c_j = P_j / D_j`` for every demand item ``j`` with a
sourced figure (a single element, a group such as Pr+Nd, or the total), and the share of world
mine production.
"""

from __future__ import annotations

import numpy as np

from reemud.elements import INDEX


def demand_coverage(oxide_t_per_year, demand_items):
    """Coverage of each demand item by the production [-].

    ``demand_items`` maps a key to ``(symbols, demand_t_per_year)``; production of the symbols is
    summed and divided by the demand.
    """
    prod = np.asarray(oxide_t_per_year, dtype=float)
    out = {}
    for key, (symbols, demand) in demand_items.items():
        idx = [INDEX[s] for s in symbols]
        out[key] = prod[..., idx].sum(axis=-1) / demand
    return out


def world_share(oxide_t_per_year, world_production_t_reo):
    """Share of world mine production (REO) [-]."""
    return np.asarray(oxide_t_per_year, dtype=float).sum(axis=-1) / world_production_t_reo
