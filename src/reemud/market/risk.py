r"""Supply-risk indices: concentration (HHI), the EU supply risk, and GeoPolRisk.

Every function is a plain function on arrays (countries on the last axis unless stated), so a
draw axis or an element axis may lead.

- Herfindahl–Hirschman index of shares ``s_c``: :math:`HHI = \sum_c s_c^2` (0–1).
- EU supply risk (Blengini et al. 2017, JRC EUR 28654, doi:10.2760/73303):

  .. math::

      SR = \left[HHI_{WGI,GS}\,\frac{IR}{2} + HHI_{WGI,S}\left(1 - \frac{IR}{2}\right)\right]
           (1 - EOL_{RIR})\,SI_{SR}, \qquad HHI_{WGI} = \sum_c s_c^2\,WGI_c\,t_c

  with the global supply (GS) and the importer's sourcing (S) shares as fractions, the WGI
  scaled to 0 (best) – 10 (worst) as ``10 (1 - n)`` of the normalised six-indicator mean ``n``,
  trade factors ``t_c`` = 1 (no rare-earth entries in the EU 2023 list), import reliance ``IR``,
  end-of-life recycling input rate and substitution index as fractions.
- GeoPolRisk (Gemechu et al. 2016 J. Ind. Ecol. 20(1):154, doi:10.1111/jiec.12279; Helbig et al.
  2016; geopolrisk-py, doi:10.21105/joss.09600):

  .. math::

      GPR_A = HHI_A \sum_i \frac{g_i\,f_{A,i}}{p_A + F_A}

  with ``g_i`` the political instability of exporter ``i`` on 0 (stable) – 1, ``f`` the imports
  from ``i``, ``p`` domestic production and ``F`` total imports.

docs/models/supply-security.md §6.
"""

from __future__ import annotations

import numpy as np


def shares(amounts, axis: int = -1) -> np.ndarray:
    """Shares of a total along ``axis`` [-] (zeros where the total is zero)."""
    a = np.asarray(amounts, dtype=float)
    total = a.sum(axis=axis, keepdims=True)
    return np.where(total > 0, a / np.where(total > 0, total, 1.0), 0.0)


def hhi(amounts, axis: int = -1) -> np.ndarray:
    r"""Herfindahl–Hirschman index :math:`\sum_c s_c^2` of the amounts' shares (0–1) [-]."""
    return (shares(amounts, axis) ** 2).sum(axis=axis)


def wgi_scaled(normalised) -> np.ndarray:
    """EU-scaled governance, 0 (best) – 10 (worst), of the normalised WGI mean ``n`` [-]."""
    return 10.0 * (1.0 - np.asarray(normalised, dtype=float))


def hhi_wgi(amounts, wgi_0_10, trade=1.0, axis: int = -1) -> np.ndarray:
    r"""Governance-weighted concentration :math:`\sum_c s_c^2\,WGI_c\,t_c` (0–10) [-]."""
    s = shares(amounts, axis)
    return (s ** 2 * np.asarray(wgi_0_10, dtype=float) * np.asarray(trade, dtype=float)).sum(
        axis=axis)


def eu_supply_risk(hhi_wgi_global, hhi_wgi_sourcing, import_reliance, eol_rir, si_sr):
    """EU supply risk SR (Blengini et al. 2017) from its five terms (see the module doc) [-]."""
    ir = np.asarray(import_reliance, dtype=float)
    return ((np.asarray(hhi_wgi_global) * ir / 2.0 + np.asarray(hhi_wgi_sourcing) * (1.0 - ir / 2.0))
            * (1.0 - np.asarray(eol_rir)) * np.asarray(si_sr))


def geopolrisk(hhi_production, imports_by_origin, instability, domestic_production, axis=-1):
    """GeoPolRisk score of an importer (see the module doc) [-].

    Parameters
    ----------
    hhi_production : array_like
        HHI of world production of the material (0–1) [-].
    imports_by_origin : array_like
        Imports from each origin ``f_i`` [t] (origins on ``axis``).
    instability : array_like
        Political instability ``g_i`` of each origin (0 stable – 1) [-].
    domestic_production : array_like
        The importer's own production ``p`` [t].
    axis : int, optional
        Axis of the origins.
    """
    f = np.asarray(imports_by_origin, dtype=float)
    weighted = (f * np.asarray(instability, dtype=float)).sum(axis=axis)
    total = f.sum(axis=axis) + np.asarray(domestic_production, dtype=float)
    return np.asarray(hhi_production) * np.where(total > 0, weighted / np.where(total > 0, total,
                                                                                 1.0), 0.0)


def import_reliance(demand, domestic_supply) -> np.ndarray:
    """Import reliance ``(demand - domestic)/demand``, clipped to 0–1 [-]."""
    d = np.asarray(demand, dtype=float)
    return np.clip(np.where(d > 0, (d - np.asarray(domestic_supply)) / np.where(d > 0, d, 1.0),
                            0.0), 0.0, 1.0)
