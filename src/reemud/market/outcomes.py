r"""What a disruption did: shortages, price paths, stock drawdown, offsets and resilience metrics.

All functions take a disrupted run and its undisrupted reference (``MarketPaths``, draw axis
first) and return arrays with the draw axis first, then importers and elements where they apply.
The resilience metrics follow Sprecher et al. (2017) Environ. Sci. Technol. 51(7):3860,
doi:10.1021/acs.est.6b05751 — time lags (to the price peak), response speeds (substitution and
non-Chinese ramp-up per year) and recovery time; the thresholds that turn a path into a time
are reemud's (docs/models/supply-security.md §5).
"""

from __future__ import annotations

import numpy as np

from reemud.market.data import GROUPS
from reemud.market.dynamics import MarketPaths

RECOVERED_WITHIN = 0.10
"""A price counts as recovered once it is within this fraction above its reference path [-]."""


def disrupted_periods(let_through, output_through) -> np.ndarray:
    """Whether each importer-element is disrupted in each period ``(D, T, I, E)`` [bool].

    An importer-element is disrupted when China lets less than all of it through or when any
    supplier's output is cut.
    """
    lt = np.asarray(let_through)
    cut = (np.asarray(output_through) < 1.0).any(axis=-1)  # (D, T)
    return (lt < 1.0) | cut[:, :, None, None]


def shortage_t(paths: MarketPaths, reference: MarketPaths, periods_per_year: int) -> np.ndarray:
    r"""Consumption lost to the disruption, per importer and element [t] ``(D, I, E)``.

    :math:`\sum_t \max(c^{ref}_{i,e,t} - c_{i,e,t}, 0)/k` over every period.
    """
    lost = reference.consumption_t_per_year[:, :, 1:] - paths.consumption_t_per_year[:, :, 1:]
    return np.maximum(lost, 0.0).sum(axis=1) / periods_per_year


def price_ratio(paths: MarketPaths, reference: MarketPaths) -> np.ndarray:
    """Each importer's price over its undisrupted path ``(D, T, I, E)`` [-]."""
    return paths.price_multiple_importer / reference.price_multiple_importer


def _first_index(mask: np.ndarray, axis: int = 1) -> np.ndarray:
    """Index of the first True along ``axis`` (-1 where none)."""
    any_ = mask.any(axis=axis)
    return np.where(any_, mask.argmax(axis=axis), -1)


def resilience(paths: MarketPaths, reference: MarketPaths, disrupted: np.ndarray,
               periods_per_year: int) -> dict[str, np.ndarray]:
    """Peak price multiple, time to the peak and recovery time per importer and element.

    Parameters
    ----------
    paths, reference : MarketPaths
        The disrupted run and its undisrupted reference.
    disrupted : ndarray of bool (D, T, I, E)
        ``disrupted_periods`` of the run.
    periods_per_year : int
        Periods per year ``k``.

    Returns
    -------
    dict
        ``peak_price_multiple`` [-], ``time_to_peak_years`` and ``recovery_years`` [yr] (from the
        first disrupted period; NaN when never disrupted or never recovered), each
        ``(D, I, E)``.
    """
    ratio = price_ratio(paths, reference)
    start = _first_index(disrupted)
    t = np.arange(ratio.shape[1])[None, :, None, None]
    filled = np.where(t >= start[:, None], np.nan_to_num(ratio, nan=1.0), -np.inf)
    peak = filled.argmax(axis=1)  # from the first disrupted period on
    after_peak = t >= peak[:, None]
    recovered = after_peak & (filled <= 1.0 + RECOVERED_WITHIN) & (t > start[:, None])
    back = _first_index(recovered)
    never = start < 0
    return {
        "peak_price_multiple": np.where(never, np.nan, filled.max(axis=1)),
        "time_to_peak_years": np.where(never, np.nan, (peak - start) / periods_per_year),
        "recovery_years": np.where(never | (back < 0), np.nan, (back - start) / periods_per_year),
    }


def offsets_t(paths: MarketPaths, let_through, disrupted: np.ndarray, periods_per_year: int
              ) -> dict[str, np.ndarray]:
    r"""Where each importer's supply came from while it was disrupted [t] ``(D, I, E)``.

    Over the disrupted periods of each importer and element, its consumption is its own stock
    release (up to its consumption; a release beyond it goes to the pool) plus its purchases.
    Purchases are split in proportion to the sources open to it:
    while licences bind, a restricted importer buys from the ex-China pool (China's licensed
    flow to the restricted importers, the other restricted importers' surplus releases and each
    supplier group separated outside China) and an
    unrestricted one from China alone; otherwise every importer buys from the whole ex-China
    market (China's exports and the groups). The parts add up to the consumption exactly.

    Returns
    -------
    dict
        ``stockpile``, ``china`` and one entry per supplier group outside China (``other_mines``,
        ``mud``, ``recycling``) [t], and ``consumption`` [t].
    """
    k = periods_per_year
    restricted = np.asarray(let_through) < 1.0  # (D, T, I, E)
    binding = paths.binding  # (D, T, E)
    d_i = paths.consumption_t_per_year[:, :, 1:]
    release = paths.release_t_per_year
    weight = disrupted / k
    own = np.minimum(release, d_i)  # an importer consumes its own release first
    bought = (d_i - own) * weight  # the rest it buys (refills go to the stock), per period
    resold_r = (np.maximum(release - d_i, 0.0) * restricted).sum(axis=2)  # to the pool
    licensed_r = (paths.licensed_t_per_year * restricted).sum(axis=2)
    exports = np.maximum(paths.exports_t_per_year, 0.0)
    groups = {name: paths.supply_ex_china_t_per_year[:, :, g]
              for g, name in enumerate(GROUPS) if name != "china"}
    # three regimes: the open market, the restricted pool, China alone (unrestricted, binding)
    pooled = binding[:, :, None, :] & restricted
    open_ = ~binding[:, :, None, :]
    b_open, b_pool = bought * open_, bought * pooled
    b_china = bought - b_open - b_pool
    open_src = {"china": exports, "stockpile": np.zeros_like(exports), **groups}
    pool_src = {"china": licensed_r, "stockpile": resold_r, **groups}

    def shares(src):
        total = sum(src.values())
        return {n: np.where(total > 0, s / np.where(total > 0, total, 1.0), 0.0)
                for n, s in src.items()}

    f_open, f_pool = shares(open_src), shares(pool_src)
    out = {"consumption": (d_i * weight).sum(axis=1), "stockpile": (own * weight).sum(axis=1)}
    for name in open_src:
        part = (np.einsum("dtie,dte->die", b_open, f_open[name])
                + np.einsum("dtie,dte->die", b_pool, f_pool[name]))
        if name == "china":
            part = part + b_china.sum(axis=1)
        out[name] = out.get(name, 0.0) + part
    return out


def ramp_up_rate(paths: MarketPaths, non_chinese: np.ndarray, periods_per_year: int
                 ) -> np.ndarray:
    """Fastest yearly rise of non-Chinese supply, as a share of the market volume [1/yr] ``(D,)``.

    Sprecher et al. (2017)'s "ramp-up at 4 % of total market volume per year": the increase over
    one year of the REO mined outside China (``non_chinese``: mask over suppliers) divided by
    the world's consumption of all elements.
    """
    k = periods_per_year
    supply = paths.output_t_per_year[:, :, np.asarray(non_chinese, dtype=bool)].sum(axis=-1)
    volume = paths.consumption_t_per_year.sum(axis=(-1, -2))
    if supply.shape[1] <= k:
        return np.zeros(supply.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = np.where(volume[:, k:] > 0, (supply[:, k:] - supply[:, :-k]) / volume[:, k:], 0.0)
    return rise.max(axis=1)


def substitution_rate(paths: MarketPaths, periods_per_year: int) -> np.ndarray:
    """Fastest yearly rise of the share of each importer's demand substituted [1/yr] ``(D, I, E)``."""
    k = periods_per_year
    share = paths.substituted_share[:, :, 1:]
    if share.shape[1] <= k:
        return np.zeros(share.shape[:1] + share.shape[2:])
    return (share[:, k:] - share[:, :-k]).max(axis=1)
