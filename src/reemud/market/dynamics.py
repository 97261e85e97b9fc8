r"""A per-element rare-earth market over time, on the draw axis.

Suppliers mine ore of fixed composition, so they co-produce elements (the "balance problem":
mining for Nd and Dy over-produces Ce and La). Each supplier's oxides are separated either in
China or outside it, which puts them in one of two price zones: China's domestic market and the
ex-China market shared by the importers (Japan, the US, the EU and the rest of the world). China's
export licences let a fraction of each element's exports through to each importer. Importers hold
strategic stockpiles with a release and refill rule. Each period clears by price, per element
and zone:

.. math::

    S_{C,e} = D_{C,e}(p_C) + X_e, \qquad
    S_{X,e} + X_e + \sum_i R_{i,e} = \sum_i D_{i,e}(p_X) + \sum_i F_{i,e}

(supply = demand + stock change, exactly; while licences bind, China may also hold stock under
its domestic price floor), with isoelastic demand
:math:`D_{z,e}(p) = A_{z,e,t}\,(p/p_{0,e})^{-\varepsilon_{z,e}}`. Without binding licences the two
zones are one market at the world price (one root of the summed demand, ``clear_world``).
Licences bind when the restricted importers cannot get what they want at the world price from
what is open to them (non-Chinese supply, their licensed share
:math:`f_{i,e}\,\sigma_{i,e}\,X^{ref}_{e}` of China's undisrupted exports, and their stock
releases); they then pay the pool's price (closed form), while China and the unrestricted
importers clear China's remaining supply at China's price (a root), held up by the floor.

Between periods, demand grows, substitution takes a share of demand while prices are high,
mines (China's too) cut output when their basket price falls (short-run supply elasticity), and
capacity investment outside China answers to the log of the basket price after a build lag;
China's capacity follows its quota.
All draws run at once: every parameter may carry a leading draw axis.

References
----------
Sprecher et al. (2017) Environ. Sci. Technol. 51(7):3860, doi:10.1021/acs.est.6b05751
(substitution and ramp-up rates, resilience metrics); Keilhacker & Minner (2017) Resour. Conserv.
Recycl. 125:349, doi:10.1016/j.resconrec.2017.06.018 (co-production, lead times); Pothen (2014)
ZEW Discussion Paper 14-005 (export restrictions in a dynamic partial equilibrium);
docs/models/supply-security.md §3.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from reemud.errors import ReemudError

LN2 = np.log(2.0)
TINY = 1e-300
X_MAX = 1e6
"""Largest price multiple reported when a zone has no supply at all (its consumption is then 0)."""

UTILISATION_YEARS = 1.0
"""Adjustment time of a mine's utilisation to its target [yr] (assumed: partial adjustment keeps
the lagged supply response from a cobweb oscillation; docs/models/supply-security.md §3)."""


@dataclass(frozen=True)
class MarketInputs:
    """Everything one market simulation needs, in canonical units (validated by the caller).

    Shapes: ``S`` suppliers, ``E`` elements, ``I`` importers (zones ``1..I``; zone 0 is China),
    ``G`` supplier groups, ``T`` periods, ``D`` draws (parameters marked *draws* are scalars or
    arrays with the draw axis first).

    Attributes
    ----------
    composition : ndarray (S, E)
        Share of each element in each supplier's REO [-] (rows sum to 1).
    output_t_per_year : ndarray (S,)
        Output of each supplier in the first period at full utilisation [t REO/yr].
    china_separated : ndarray (S,)
        Share of each supplier's output separated in China [-].
    quota : ndarray (S,) of bool
        Supplier whose output follows China's quota (no price response).
    schedule_t_per_year : ndarray (S, T)
        Scheduled output [t REO/yr] (NaN: the supplier's output is endogenous).
    group : ndarray (S,) of int
        Group of each supplier (for the supply-by-group output), ``0..G-1``.
    demand_t_per_year : ndarray (1 + I, E)
        Demand of China and each importer in the first period at the reference price [t/yr].
    growth_per_year : ndarray (E,)
        Demand growth rate of each element [1/yr].
    price_usd_per_kg : ndarray (E,)
        Reference price of each oxide [US$/kg].
    china_export_share : ndarray (I, E)
        Share of China's exports of each element that goes to each importer in the reference
        [-] (sums to 1 over importers).
    stock_target_years : ndarray (I, E)
        Stockpile target of each importer, as years of its reference demand [yr].
    stock_fill : ndarray (I,)
        Initial stock over the target [-].
    elasticity_china, elasticity_ex_china : float or ndarray (draws, E)
        Price elasticity of demand ``ε`` in each zone (positive) [-].
    substitution_rate_per_year : float or ndarray (draws)
        Share of the remaining demand substituted per year at a sustained price doubling [1/yr].
    substitution_reversal_per_year : float or ndarray (draws)
        Share of the substituted demand that returns per year while the price is below reference.
    supply_elasticity : float or ndarray (draws)
        Short-run elasticity of target utilisation to the basket price (below reference) [-];
        utilisation moves toward the target with the adjustment time ``UTILISATION_YEARS``.
    investment_response : float or ndarray (draws)
        Capacity ordered per year, as a share of capacity, per unit of the log of the basket
        price over reference (when above it) [1/yr].
    build_lag_years : float or ndarray (draws)
        Years from an investment decision to new capacity [yr].
    quota_growth_per_year : float or ndarray (draws)
        Growth of China's quota output [1/yr].
    china_price_floor : float or ndarray (draws)
        While licences bind, China's domestic price does not fall below this multiple of its
        price on the undisrupted path: what the floor keeps off the market is held in China
        (producers' and state stocks) [-]. 0 lets the domestic price fall freely.
    release_share : float or ndarray (draws)
        Share of an importer's licence shortfall released from its stockpile while stock lasts [-].
    refill_rate_per_year : float or ndarray (draws)
        Refill rate of a stockpile below target, as target per year [1/yr].
    let_through : ndarray (draws, T, I, E)
        Share of China's exports of each element let through to each importer [-].
    output_through : ndarray (draws, T, S)
        Share of each supplier's output not disrupted [-].
    periods_per_year : int
        1 (years) or 12 (months).
    """

    composition: np.ndarray
    output_t_per_year: np.ndarray
    china_separated: np.ndarray
    quota: np.ndarray
    schedule_t_per_year: np.ndarray
    group: np.ndarray
    demand_t_per_year: np.ndarray
    growth_per_year: np.ndarray
    price_usd_per_kg: np.ndarray
    china_export_share: np.ndarray
    stock_target_years: np.ndarray
    stock_fill: np.ndarray
    elasticity_china: object
    elasticity_ex_china: object
    substitution_rate_per_year: object
    substitution_reversal_per_year: object
    supply_elasticity: object
    investment_response: object
    build_lag_years: object
    quota_growth_per_year: object
    release_share: object
    china_price_floor: object
    refill_rate_per_year: object
    let_through: np.ndarray
    output_through: np.ndarray
    periods_per_year: int = 1


@dataclass(frozen=True)
class MarketPaths:
    """Result of a market simulation; every array has the draw axis first, then periods.

    Flows are in t/yr (a period of ``1/k`` year moves ``flow/k`` tonnes); stocks in t. Zone 0 of
    ``consumption_t_per_year`` and ``substituted_share`` is China, zones ``1..I`` the importers.
    """

    price_reference_usd_per_kg: np.ndarray  # (E,): the reference prices p0
    price_multiple_china: np.ndarray  # (D, T, E): China's domestic price over p0
    price_multiple_ex_china: np.ndarray  # (D, T, E): the ex-China pool's price over p0
    price_multiple_importer: np.ndarray  # (D, T, I, E): each importer's price over p0
    consumption_t_per_year: np.ndarray  # (D, T, 1 + I, E)
    supply_china_t_per_year: np.ndarray  # (D, T, E): separated in China
    supply_ex_china_t_per_year: np.ndarray  # (D, T, G, E): separated outside China, by group
    exports_t_per_year: np.ndarray  # (D, T, E): China's net exports
    china_stock_change_t_per_year: np.ndarray  # (D, T, E): held in China under its price floor
    licensed_t_per_year: np.ndarray  # (D, T, I, E): China's flow each importer may receive
    release_t_per_year: np.ndarray  # (D, T, I, E)
    refill_t_per_year: np.ndarray  # (D, T, I, E)
    stock_t: np.ndarray  # (D, T, I, E): at the end of each period
    capacity_t_per_year: np.ndarray  # (D, T, S)
    output_t_per_year: np.ndarray  # (D, T, S)
    binding: np.ndarray  # (D, T, E) of bool: the licences bound China's exports
    substituted_share: np.ndarray  # (D, T, 1 + I, E): share of demand substituted away
    balance_residual: np.ndarray  # (D,): largest relative imbalance of any period and zone

    @property
    def price_china_usd_per_kg(self) -> np.ndarray:
        """China's domestic price (D, T, E) [US$/kg]."""
        return self.price_multiple_china * self.price_reference_usd_per_kg

    @property
    def price_ex_china_usd_per_kg(self) -> np.ndarray:
        """The ex-China pool's price (D, T, E) [US$/kg]."""
        return self.price_multiple_ex_china * self.price_reference_usd_per_kg

    @property
    def price_importer_usd_per_kg(self) -> np.ndarray:
        """What each importer pays (D, T, I, E) [US$/kg]."""
        return self.price_multiple_importer * self.price_reference_usd_per_kg


def _draws(value, n: int, tail: tuple[int, ...] = ()) -> np.ndarray:
    """A parameter as an array ``(n, *tail)`` (a scalar or per-draw value broadcast)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim and arr.shape[0] == n and arr.ndim == 1 + len(tail):
        return arr
    if arr.ndim == len(tail):
        return np.broadcast_to(arr, (n, *tail))
    return np.broadcast_to(arr.reshape(arr.shape + (1,) * (1 + len(tail) - arr.ndim)), (n, *tail))


def draw_count(inputs: MarketInputs) -> int:
    """Number of draws of a market simulation (1 when no parameter carries draws) [-]."""
    return int(np.shape(inputs.let_through)[0])


def clear_world(a_china, a_ex_china, eps_china, eps_ex_china, supply):
    r"""Relative price ``x = p/p_0`` that clears one market of two isoelastic demands [-].

    Solves :math:`g(y) = (A_C e^{-\varepsilon_C y} + A_X e^{-\varepsilon_X y})/S - 1 = 0` for
    ``y = ln x`` elementwise. ``g`` is convex and decreasing, and the closed-form roots at the
    two elasticities bracket its root; Newton's method (``scipy.optimize.newton``, vectorised)
    started at the lower end converges monotonically. Any element Newton leaves unconverged is
    solved again by bracketing (``scipy.optimize.elementwise.find_root``).

    Parameters
    ----------
    a_china, a_ex_china : array_like
        Demand of each zone at the reference price [t/yr].
    eps_china, eps_ex_china : array_like
        Price elasticities of the two zones (positive) [-].
    supply : array_like
        Supply to clear [t/yr] (positive).

    Returns
    -------
    ndarray
        ``x`` [-] (broadcast shape), at most ``X_MAX`` (where the supply is below the demand at
        that price, e.g. none at all).
    """
    a_c, a_x, e_c, e_x, s = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in
                                                  (a_china, a_ex_china, eps_china, eps_ex_china,
                                                   supply)))
    s = np.maximum(s, (a_c + a_x) * X_MAX ** -np.maximum(e_c, e_x))  # no supply: the choke
    k = np.log((a_c + a_x) / s)
    y1, y2 = k / e_c, k / e_x
    lo, hi = np.minimum(y1, y2), np.maximum(y1, y2)
    open_ = hi - lo > 1e-13 * np.maximum(1.0, np.abs(hi))
    if not np.any(open_):
        return np.minimum(np.exp(lo), X_MAX)
    from scipy.optimize import elementwise, newton

    args = tuple(v[open_] for v in (a_c, a_x, e_c, e_x, s))

    def g(y, a_c, a_x, e_c, e_x, s):
        return (a_c * np.exp(-e_c * y) + a_x * np.exp(-e_x * y)) / s - 1.0

    def dg(y, a_c, a_x, e_c, e_x, s):
        return -(e_c * a_c * np.exp(-e_c * y) + e_x * a_x * np.exp(-e_x * y)) / s

    y, converged, _ = newton(g, lo[open_], fprime=dg, args=args, tol=1e-12, maxiter=50,
                             full_output=True)
    y = np.asarray(y)
    if not np.all(converged):
        bad = ~np.asarray(converged)
        res = elementwise.find_root(g, (lo[open_][bad], hi[open_][bad]),
                                    args=tuple(v[bad] for v in args))
        y[bad] = res.x
    out = lo.copy()
    out[open_] = y
    return np.minimum(np.exp(out), X_MAX)


REFERENCE_FIELDS = ("price_multiple_china", "price_multiple_ex_china", "price_multiple_importer",
                    "consumption_t_per_year", "supply_china_t_per_year",
                    "supply_ex_china_t_per_year", "exports_t_per_year", "capacity_t_per_year",
                    "output_t_per_year")
"""What a disrupted run and its outcomes read from the undisrupted reference."""


def simulate(inputs: MarketInputs, reference: MarketPaths | None = None,
             keep_fields: tuple[str, ...] | None = None) -> MarketPaths:
    r"""Run the market over every period and draw (see the module docstring for the model).

    Parameters
    ----------
    inputs : MarketInputs
        Suppliers, demand, stockpiles, disruptions and the (drawn) behavioural parameters.
    reference : MarketPaths, optional
        The same inputs run without disruptions (``undisrupted(inputs)``): the licensed flows are
        shares of its exports. Computed here when needed and not given.
    keep_fields : tuple of str, optional
        Fields of ``MarketPaths`` to store (default: all); the others are read-only NaN views
        that take no memory (e.g. ``REFERENCE_FIELDS`` for a reference run).

    Returns
    -------
    MarketPaths
        Prices, consumption, supply, exports, stock flows and the largest relative imbalance of
        each draw (supply = demand + stock change in every period and zone).

    References
    ----------
    docs/models/supply-security.md §3 (equations, parameters and their sources).
    """
    p = inputs
    restricted_any = bool(np.any(np.asarray(p.let_through) < 1.0))
    if reference is None and restricted_any:
        reference = simulate(undisrupted(inputs), keep_fields=REFERENCE_FIELDS)
    k = int(p.periods_per_year)
    dt = 1.0 / k
    comp = np.asarray(p.composition, dtype=float)
    n_s, n_e = comp.shape
    lt = np.asarray(p.let_through, dtype=float)
    n, n_t, n_i = lt.shape[0], lt.shape[1], lt.shape[2]
    n_g = int(np.max(p.group)) + 1
    phi = np.asarray(p.china_separated, dtype=float)
    quota = np.asarray(p.quota, dtype=bool)
    schedule = np.asarray(p.schedule_t_per_year, dtype=float)
    scheduled = ~np.isnan(schedule)
    mines = ~scheduled.any(axis=1)  # output follows capacity and utilisation
    endogenous = ~quota & mines  # ... and capacity answers to price
    price0 = np.asarray(p.price_usd_per_kg, dtype=float)
    basket0 = comp @ price0  # (S,) basket value at reference prices [US$/kg REO]
    weights = comp * price0 / basket0[:, None]  # value share of each element in each basket
    demand0 = np.asarray(p.demand_t_per_year, dtype=float)
    growth = (1.0 + np.asarray(p.growth_per_year, dtype=float)) ** (np.arange(n_t)[:, None] * dt)
    share = np.asarray(p.china_export_share, dtype=float)
    target = (np.asarray(p.stock_target_years, dtype=float)[None] * demand0[None, 1:]
              * growth[:, None, :])  # (T, I, E) [t]

    eps_c = _draws(p.elasticity_china, n, (n_e,))
    eps_x = _draws(p.elasticity_ex_china, n, (n_e,))
    sub_rate = _draws(p.substitution_rate_per_year, n)[:, None, None]
    sub_back = _draws(p.substitution_reversal_per_year, n)[:, None, None]
    eta = _draws(p.supply_elasticity, n)[:, None]
    kappa = _draws(p.investment_response, n)[:, None]
    lag = np.maximum(np.rint(_draws(p.build_lag_years, n) * k).astype(int), 1)
    quota_step = (1.0 + _draws(p.quota_growth_per_year, n)[:, None]) ** dt
    adjust = 1.0 - np.exp(-dt / UTILISATION_YEARS)
    release_share = _draws(p.release_share, n)[:, None, None]
    floor = _draws(p.china_price_floor, n)[:, None]
    refill_rate = _draws(p.refill_rate_per_year, n)[:, None, None]
    out_through = np.broadcast_to(np.asarray(p.output_through, dtype=float), (n, n_t, n_s))

    capacity = np.broadcast_to(np.asarray(p.output_t_per_year, dtype=float), (n, n_s)).copy()
    pipeline = np.zeros((n, n_s, n_t + int(lag.max()) + 1))
    util = np.ones((n, n_s))
    subst = np.zeros((n, 1 + n_i, n_e))
    stock = np.asarray(p.stock_fill, dtype=float)[None, :, None] * target[0][None]
    stock = np.broadcast_to(stock, (n, n_i, n_e)).copy()
    group_masks = [(np.asarray(p.group) == g) for g in range(n_g)]

    shape_te = (n, n_t, n_e)
    keys = tuple(f.name for f in fields(MarketPaths)
                 if f.name not in ("balance_residual", "price_reference_usd_per_kg"))
    out: dict[str, np.ndarray] = {}

    stored = set(keys if keep_fields is None else keep_fields)
    shapes: dict[str, tuple] = {}

    def keep(key, value):  # time-major storage: each period writes one contiguous block
        if key not in stored:
            if key not in shapes:
                shapes[key] = (n_t, *np.shape(value))
            return
        if key not in out:
            value = np.asarray(value)
            out[key] = np.empty((n_t, *value.shape), dtype=value.dtype)
        out[key][t] = value

    ref_exports = (np.maximum(np.broadcast_to(reference.exports_t_per_year, shape_te), 0.0)
                   if reference is not None else np.zeros(shape_te))
    ref_x_china = (np.broadcast_to(reference.price_multiple_china, shape_te)
                   if reference is not None else np.ones(shape_te))
    residual = np.zeros(n)
    draws, suppliers = np.arange(n), np.arange(n_s)
    for t in range(n_t):
        output = np.where(scheduled[:, t], schedule[:, t], capacity * util) * out_through[:, t]
        s_china = (output * phi) @ comp
        by_group = np.stack([(output * (1.0 - phi) * m) @ comp for m in group_masks], axis=1)
        s_ex = by_group.sum(axis=1)
        a = demand0[None] * growth[t][None, None] * (1.0 - subst)  # (D, Z, E)
        a_c, a_i = a[:, 0], a[:, 1:]
        a_x = a_i.sum(axis=1)
        f = lt[:, t]  # (D, I, E)
        restricted = f < 1.0
        need = share[None] * ref_exports[:, t][:, None, :]  # reference flow from China to each
        cap = f * need
        release = np.where(restricted, np.minimum(stock / dt, release_share * (need - cap)), 0.0)
        dry = (s_china + s_ex <= 0.0)[:, None]  # nothing mined: nothing to refill from
        refill = np.where(restricted | dry, 0.0,
                          np.minimum(np.maximum(target[t] - stock, 0.0),
                                     refill_rate * target[t] * dt) / dt)
        a_r = (a_i * restricted).sum(axis=1)
        cap_r, release_r, refill_u = (cap * restricted).sum(axis=1), release.sum(axis=1), \
            refill.sum(axis=1)
        pool = s_ex + cap_r + release_r  # what the restricted importers can get
        x_w = clear_world(a_c, a_x, eps_c, eps_x, s_china + s_ex - refill_u + release_r)
        if restricted.any():
            with np.errstate(divide="ignore"):
                x_star = np.minimum((a_r / np.maximum(pool, TINY)) ** (1.0 / eps_x), X_MAX)
            x_cu = clear_world(a_c, a_x - a_r, eps_c, eps_x,
                               np.maximum(s_china - cap_r - refill_u, TINY))
            binding = (a_r > 0) & (x_star > x_w)
        else:
            x_star = x_cu = x_w
            binding = np.zeros_like(x_w, dtype=bool)
        x_c = np.where(binding, np.minimum(np.maximum(x_cu, floor * ref_x_china[:, t]), x_star),
                       x_w)
        x_pool = np.where(binding, x_star, x_w)
        x_imp = np.where(binding[:, None] & restricted, x_star[:, None], x_c[:, None])
        d_c = a_c * x_c ** -eps_c
        d_i = a_i * x_imp ** -eps_x[:, None]
        share_r = np.where(restricted, a_i, 0.0) / np.where(a_r > 0, a_r, 1.0)[:, None]
        d_i = np.where(binding[:, None] & restricted, share_r * pool[:, None], d_i)
        # a zone at the choke price X_MAX consumes exactly what it has (none, if nothing)
        open_choke = ~binding & (x_w >= X_MAX * (1 - 1e-9))
        if open_choke.any():
            avail = np.maximum(s_china + s_ex - refill_u + release_r, 0.0) / (a_c + a_x)
            d_c = np.where(open_choke, a_c * avail, d_c)
            d_i = np.where(open_choke[:, None], a_i * avail[:, None], d_i)
        china_choke = binding & (x_c >= X_MAX * (1 - 1e-9))
        if china_choke.any():
            a_u = a_x - a_r
            avail = np.maximum(s_china - cap_r - refill_u, 0.0) / (a_c + a_u)
            d_c = np.where(china_choke, a_c * avail, d_c)
            d_i = np.where(china_choke[:, None] & ~restricted, a_i * avail[:, None], d_i)
        d_u = np.where(restricted, 0.0, d_i).sum(axis=1)
        exports = np.where(binding, cap_r + d_u + refill_u,
                           d_i.sum(axis=1) + refill_u - release_r - s_ex)
        held = np.where(binding, s_china - d_c - exports, 0.0)  # China's stock building
        scale = np.maximum(s_china + s_ex, a_c + a_x)  # the market's size, even when nothing is mined
        imbalance = np.maximum(np.abs(s_china - d_c - exports - held),
                               np.abs(s_ex + exports + release_r - refill_u - d_i.sum(axis=1)))
        imbalance = np.maximum(imbalance, np.where(binding & (x_c == x_cu), np.abs(held),
                                                   np.maximum(-held, 0.0)))
        residual = np.maximum(residual, (imbalance / scale).max(axis=1))
        stock = stock + (refill - release) * dt

        keep("price_multiple_china", x_c)
        keep("price_multiple_ex_china", x_pool)
        keep("price_multiple_importer", x_imp)
        keep("consumption_t_per_year", np.concatenate([d_c[:, None], d_i], axis=1))
        keep("supply_china_t_per_year", s_china)
        keep("supply_ex_china_t_per_year", by_group)
        keep("exports_t_per_year", exports)
        keep("china_stock_change_t_per_year", held)
        keep("licensed_t_per_year", np.where(restricted, cap, need))
        keep("release_t_per_year", release)
        keep("refill_t_per_year", refill)
        keep("stock_t", stock)
        keep("capacity_t_per_year", capacity)
        keep("output_t_per_year", output)
        keep("binding", binding)
        keep("substituted_share", subst)

        # between periods: substitution, utilisation, investment, quota growth
        x_zone = np.concatenate([x_c[:, None], x_imp], axis=1)
        push = np.clip(np.log(x_zone) / LN2, 0.0, 1.0)
        subst = subst + dt * (sub_rate * push * (1.0 - subst)
                              - sub_back * subst * (x_zone < 1.0))
        basket = phi * (x_c @ weights.T) + (1.0 - phi) * (x_pool @ weights.T)  # (D, S) [-]
        util = np.where(mines, util + adjust * (np.minimum(1.0, basket ** eta) - util), 1.0)
        orders = np.where(endogenous, kappa * capacity * np.log(np.maximum(basket, 1.0)) * dt, 0.0)
        pipeline[draws[:, None], suppliers[None, :], (t + lag)[:, None]] += orders
        capacity = capacity + pipeline[:, :, t + 1]
        capacity = np.where(quota, capacity * quota_step, capacity)
    if not np.all(np.isfinite(residual)):
        raise ReemudError(f"the market model produced non-finite values in "
                          f"{int((~np.isfinite(residual)).sum())} of {n} draws; please report "
                          "the scenario")
    for key, shape in shapes.items():  # not kept: NaN, no memory
        out[key] = np.broadcast_to(np.float64(np.nan), shape)
    return MarketPaths(**{key: _frozen(np.moveaxis(out[key], 0, 1)) for key in keys},
                       balance_residual=_frozen(residual),
                       price_reference_usd_per_kg=_frozen(price0.copy()))


def undisrupted(inputs: MarketInputs) -> MarketInputs:
    """The same inputs without any disruption: the reference of the licensed flows."""
    from dataclasses import replace

    return replace(inputs, let_through=np.ones_like(inputs.let_through),
                   output_through=np.ones_like(inputs.output_through))


def _frozen(arr: np.ndarray) -> np.ndarray:
    if arr.flags.writeable:
        arr.setflags(write=False)
    return arr
