r"""Economics: capital scaling and escalation, a discounted cash flow, NPV, IRR, payback, unit cost.

Capital by capacity scaling (Williams 1947, "six-tenths factor"): ``C = C_ref (Q/Q_ref)^x``,
after moving ``C_ref`` to the analysis year with a plant cost index (``escalated_usd``). Cash flow
of period ``t`` (yearly or monthly; period 0 = first construction period; construction spreads
capital evenly; production follows for the project life; straight-line depreciation; tax on
positive taxable income after losses carried forward, ``yearly_cash_flow``):

.. math::

    CF_t = R_t - O_t - \text{roy}_t - \text{tax}_t - K_t,\qquad
    NPV = \sum_t CF_t (1 + r_p)^{-t}

with ``r_p`` the rate per period (``period_rate``). IRR is the rate with NPV = 0. It is reported
only when the cash-flow polynomial has exactly one real root with rate > −1 (e.g. one sign change
of the cash flow); otherwise ``None`` and a status saying why. The levelised unit cost divides the
present value of all costs (capital, operating, royalty, tax) by the present value of the REO
produced. Money inputs broadcast over a leading draw axis; ``*_draws`` functions take one series
per row.
"""

from __future__ import annotations

import numpy as np


def scaled_capex_usd(reference_cost_usd, reference_capacity, capacity, exponent):
    """Capital cost scaled from a reference plant, ``C_ref (Q/Q_ref)^x`` [US$]."""
    ratio = np.asarray(capacity, dtype=float) / np.asarray(reference_capacity, dtype=float)
    return np.asarray(reference_cost_usd) * ratio ** np.asarray(exponent)


def escalated_usd(cost_usd, index_at_cost, index_now):
    """A cost moved to another year by a plant cost index, ``C · I_now / I_cost`` [US$].

    E.g. the Chemical Engineering Plant Cost Index (CEPCI, annual averages in
    ``data/cost_indices.csv``); the CEPCI tracks US process-plant construction cost.
    """
    return np.asarray(cost_usd) * np.asarray(index_now) / np.asarray(index_at_cost)


def discount_factors(rate, n_years):
    """``(1 + r)^−t`` for t = 0 … n−1 [-]."""
    return (1.0 + np.asarray(rate, dtype=float)[..., None]) ** -np.arange(n_years)


def npv(rate, cash_flows):
    """Net present value of yearly cash flows (t = 0 first) at ``rate`` [same unit as flows]."""
    flows = np.asarray(cash_flows, dtype=float)
    return (flows * discount_factors(rate, flows.shape[-1])).sum(axis=-1)


def irr(cash_flows):
    """Internal rate of return of one cash-flow series [-], with a status string.

    Solves ``Σ CF_t x^t = 0`` for ``x = 1/(1+r)`` (numpy polynomial roots) and keeps real roots
    with ``x > 0``. Returns ``(rate, "unique")`` for exactly one such root, else
    ``(None, reason)``.
    """
    flows = np.asarray(cash_flows, dtype=float)
    signs = np.sign(flows[flows != 0.0])
    if signs.size == 0 or np.all(signs == signs[0]):
        return None, "none: cash flow never changes sign"
    roots = np.roots(flows[::-1])  # highest power first: CF_{n-1} x^{n-1} + ... + CF_0
    x = _discount_roots(roots[None, :])[0]
    x = x[np.isfinite(x)]
    if x.size == 1:
        return float(1.0 / x[0] - 1.0), "unique"
    if x.size == 0:
        return None, "none: no real rate above -100 % makes NPV zero"
    return None, f"multiple: {x.size} rates make NPV zero"


def _discount_roots(roots):
    """Distinct real positive roots ``x`` of each row (rounded to 12 decimals), NaN-padded."""
    real_ok = np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))
    x = np.where(real_ok & (roots.real > 0.0), np.round(roots.real, 12), np.nan)
    x = np.sort(x, axis=-1)
    repeat = np.zeros(x.shape, dtype=bool)
    repeat[..., 1:] = x[..., 1:] == x[..., :-1]
    return np.where(repeat, np.nan, x)


def irr_draws(cash_flows, periods_per_year=1):
    """IRR of every row of ``(n, periods)`` cash flows as an annual rate [-] (NaN if none).

    Yearly flows: ``irr`` row by row, below. Shorter periods: ``irr_draws_bisection``.
    """
    if int(periods_per_year) != 1:
        return irr_draws_bisection(cash_flows, periods_per_year)
    return _irr_yearly_draws(cash_flows)


def irr_annual(cash_flows, periods_per_year=1):
    """IRR of one cash-flow series as an annual rate [-], with ``irr``'s status string.

    Yearly flows: ``irr`` itself. Shorter periods: the rate ``irr_draws`` gives the series, so
    a single run and the draw axis agree.
    """
    rate, status = irr(cash_flows)
    if int(periods_per_year) == 1 or rate is None:
        return rate, status
    annual = float(irr_draws_bisection(np.asarray(cash_flows, dtype=float)[None, :],
                                       periods_per_year)[0])
    if np.isfinite(annual):
        return annual, status
    return None, f"none within {IRR_BRACKET[0]:g} to {IRR_BRACKET[1]:g} a year"


def sign_changes(cash_flows):
    """Number of sign changes along each row, zeros skipped [-] (Descartes' rule of signs)."""
    signs = np.sign(np.atleast_2d(np.asarray(cash_flows, dtype=float)))
    # carry the last non-zero sign over zeros
    last = np.maximum.accumulate(np.where(signs != 0, np.arange(signs.shape[-1]), 0), axis=-1)
    carried = np.take_along_axis(signs, last, axis=-1)
    return ((carried[..., 1:] != carried[..., :-1]) & (carried[..., :-1] != 0)).sum(axis=-1)


def _irr_yearly_draws(cash_flows):
    """``irr`` of every row of ``(n, years)`` cash flows [-]: NaN where ``irr`` gives ``None``.

    Rows whose first and last flows are non-zero share one batched eigenvalue call on their
    companion matrices (what ``numpy.roots`` does for one polynomial); the others use
    ``numpy.roots`` itself, which strips the zero coefficients.
    """
    flows = np.atleast_2d(np.asarray(cash_flows, dtype=float))
    n, years = flows.shape
    out = np.full(n, np.nan)
    positive, negative = (flows > 0).any(axis=-1), (flows < 0).any(axis=-1)
    candidates = np.nonzero(positive & negative)[0]
    if years < 2 or candidates.size == 0:
        return out
    full = (flows[candidates, 0] != 0.0) & (flows[candidates, -1] != 0.0)
    rows = candidates[full]
    if rows.size:
        poly = flows[rows, ::-1]
        companion = np.zeros((rows.size, years - 1, years - 1))
        companion[:, 1:, :-1] = np.eye(years - 2)
        companion[:, 0, :] = -poly[:, 1:] / poly[:, :1]
        x = _discount_roots(np.linalg.eigvals(companion))
        count = np.isfinite(x).sum(axis=-1)
        out[rows] = np.where(count == 1, 1.0 / np.nanmax(np.where(count[:, None] == 1, x, 1.0),
                                                        axis=-1) - 1.0, np.nan)
    for row in candidates[~full]:
        rate, _ = irr(flows[row])
        out[row] = np.nan if rate is None else rate
    return out


IRR_BRACKET = (-0.999999, 100.0)
"""Annual rates searched by ``irr_draws_bisection`` [-] (monthly discount factors stay finite)."""


def irr_draws_bisection(cash_flows, periods_per_year=12, iterations=100):
    """IRR of every row of long ``(n, periods)`` cash flows as an annual rate [-] (NaN if none).

    For series too long for ``irr_draws``' companion matrices (e.g. monthly flows). A row whose
    flows change sign exactly once has exactly one rate with NPV = 0 (Descartes' rule of signs on
    ``Σ CF_t x^t``); it is found by bisection on the annual rate within ``IRR_BRACKET``
    (NaN if it lies outside). Rows with several sign changes use ``irr`` (``numpy.roots``).
    """
    flows = np.atleast_2d(np.asarray(cash_flows, dtype=float))
    changes = sign_changes(flows)
    out = np.full(flows.shape[0], np.nan)
    single = np.nonzero(changes == 1)[0]
    if single.size:
        def value(annual):
            return npv(period_rate(annual, periods_per_year), flows[single])

        lo = np.full(single.size, IRR_BRACKET[0])
        hi = np.full(single.size, IRR_BRACKET[1])
        f_lo = value(lo)
        inside = np.sign(f_lo) != np.sign(value(hi))
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            same = np.sign(value(mid)) == np.sign(f_lo)
            lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
        out[single] = np.where(inside, 0.5 * (lo + hi), np.nan)
    for row in np.nonzero(changes > 1)[0]:
        rate, _ = irr(flows[row])
        out[row] = np.nan if rate is None else annual_rate(rate, periods_per_year)
    return out


def payback_draws(cash_flows):
    """``payback_years`` of every row of ``(n, years)`` cash flows [yr]: NaN where ``None``."""
    flows = np.atleast_2d(np.asarray(cash_flows, dtype=float))
    cumulative = np.cumsum(flows, axis=-1)
    negative = cumulative < 0.0
    years = flows.shape[-1]
    t = years - np.argmax(negative[:, ::-1], axis=-1)  # one past the last negative year
    inside = np.minimum(t, years - 1)
    rows = np.arange(flows.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = t - 1 + (-cumulative[rows, t - 1] / flows[rows, inside])
    out = np.where(~negative.any(axis=-1), 0.0, np.where(t >= years, np.nan, turn))
    return np.where(np.isfinite(flows).all(axis=-1), out, np.nan)


def payback_years(cash_flows):
    """Years from t = 0 until the cumulative cash flow turns non-negative [yr].

    Flows are at the ends of years 0, 1, …; inside the year it turns, payback is interpolated
    linearly: ``(t − 1) + (−cum_{t−1} / CF_t)``. ``0`` if the cumulative flow is never negative,
    ``None`` if it never recovers.
    """
    flows = np.asarray(cash_flows, dtype=float)
    cumulative = np.cumsum(flows)
    if np.all(cumulative >= 0.0):
        return 0.0
    negative = np.nonzero(cumulative < 0.0)[0]
    t = int(negative[-1]) + 1
    if t >= flows.size:
        return None
    return float(t - 1 + (-cumulative[t - 1] / flows[t]))


def levelised_unit_cost(rate, cost_flows, production_flows):
    """Present value of costs over present value of production [cost unit per production unit].

    NaN when nothing is produced.
    """
    produced = npv(rate, production_flows)
    return npv(rate, cost_flows) / np.where(produced > 0, produced, np.nan)


def ad_valorem_royalty(revenue, operating_cost, rate):
    """Royalty on revenue, ``rate × R`` (e.g. Japan's mineral product tax, 1 % of value)."""
    return np.asarray(revenue) * rate


def profit_based_royalty(revenue, operating_cost, rate):
    """Royalty on operating profit, ``rate × max(R − O, 0)`` (the ISA's profit-based option)."""
    return np.maximum(np.asarray(revenue) - np.asarray(operating_cost), 0.0) * rate


ROYALTY_REGIMES = {"ad_valorem": ad_valorem_royalty, "profit_based": profit_based_royalty}
"""Royalty regimes by name (ISA financial-model discussions narrowed the choice to ad valorem vs
profit based; domain.md §10.5)."""


CASH_OUT = ("royalty", "opex", "sustaining", "working_capital", "tax", "capex")
"""Rows of the ``yearly_cash_flow`` table paid out: ``net = revenue − Σ CASH_OUT``."""


def yearly_cash_flow(*, capex_usd, construction_years, project_life_years, revenue_usd_per_year,
                     opex_usd_per_year, royalty_rate, tax_rate, royalty_regime="ad_valorem",
                     ramp_up=(1.0,), sustaining_capex_fraction=0.0, working_capital_months=0.0,
                     depreciation_years=None, upfront_usd=0.0, periods_per_year=1):
    r"""After-tax cash-flow table of a project, by year or by shorter period [US$ per period].

    Period ``t`` runs from 0 (first construction period); ``periods_per_year`` is 1 (years) or
    12 (months). Capital spreads evenly over construction (all in period 0 without one), plus
    ``upfront_usd`` in period 0 (e.g. a public test programme counted as a forward cost).
    Production periods run at the ``ramp_up`` fractions of full output, one per production year
    (then 1), scaling revenue and operating cost (each per year / periods per year). Sustaining
    capital is a fraction of the initial capital per production year, spread over its periods
    (deducted for tax when spent); working capital of ``working_capital_months`` of operating
    cost is tied up in the first production period and released in the last. Depreciation is
    straight line over ``depreciation_years`` (default the project life). Tax is charged in the
    period the income arises, on positive taxable income after losses carried forward without
    limit:

    .. math::

        TI_t = R_t - O_t - \text{roy}_t - Dep_t - SC_t, \quad
        \text{tax}_t = \tau \max(TI_t - L_{t-1}, 0), \quad
        L_t = \max(L_{t-1} - TI_t, 0)

    Returns a dict of arrays over periods: ``year`` (time of the period [yr]), ``capex``,
    ``revenue``, ``opex``, ``royalty``, ``depreciation``, ``sustaining``, ``working_capital``,
    ``taxable``, ``losses_carried``, ``tax``, ``net``, ``producing`` (the output fraction of each
    period). Money inputs and rates may carry a leading draw axis ``(n,)``; the money rows then
    have shape ``(n, periods)``. Discount such a table with ``period_rate``.
    """
    k = int(periods_per_year)
    n_build = int(construction_years) * k
    n_life = int(project_life_years) * k
    n = n_build + n_life
    period = np.arange(n)
    ramp = [np.asarray(r, dtype=float) for r in ramp_up][: int(project_life_years)]
    producing = np.zeros(np.broadcast_shapes(*(r.shape for r in ramp)) + (n,))
    producing[..., n_build:] = 1.0
    for i, fraction in enumerate(ramp):
        producing[..., n_build + i * k:n_build + (i + 1) * k] = np.asarray(fraction)[..., None]

    def per_period(value):  # a per-draw quantity against the period axis
        return np.asarray(value, dtype=float)[..., None]

    capex_usd, upfront_usd = per_period(capex_usd), per_period(upfront_usd)
    capex = np.where(period < n_build, capex_usd / max(n_build, 1), 0.0)
    if n_build == 0:
        capex = np.where(period == 0, capex_usd, 0.0)
    capex = capex + np.where(period == 0, upfront_usd, 0.0)
    revenue = producing * per_period(revenue_usd_per_year) / k
    opex = producing * per_period(opex_usd_per_year) / k
    royalty = ROYALTY_REGIMES[royalty_regime](revenue, opex, per_period(royalty_rate))
    dep_periods = int(depreciation_years or project_life_years) * k
    depreciation = np.where((period >= n_build) & (period < n_build + dep_periods),
                            capex_usd / dep_periods, 0.0)
    sustaining = np.where(period >= n_build,
                          per_period(sustaining_capex_fraction) * capex_usd / k, 0.0)
    tied = per_period(working_capital_months) / 12.0 * per_period(opex_usd_per_year)
    working = (np.where(period == n_build, 1.0, 0.0) - np.where(period == n - 1, 1.0, 0.0)) * tied
    taxable = revenue - opex - royalty - depreciation - sustaining
    tax = np.zeros(taxable.shape)
    carried = np.zeros(taxable.shape)
    losses = np.zeros(taxable.shape[:-1])
    rate = np.asarray(tax_rate, dtype=float)
    for t in range(n):
        base = taxable[..., t] - losses
        tax[..., t] = np.maximum(base, 0.0) * rate
        losses = np.maximum(-base, 0.0)
        carried[..., t] = losses
    table = {"year": period / k if k > 1 else period, "capex": capex, "revenue": revenue,
             "opex": opex, "royalty": royalty, "depreciation": depreciation,
             "sustaining": sustaining, "working_capital": working, "taxable": taxable,
             "losses_carried": carried, "tax": tax, "producing": producing}
    table["net"] = revenue - sum(table[k_] for k_ in CASH_OUT)
    return table


def period_rate(annual_rate, periods_per_year):
    """Rate per period equivalent to an annual rate, ``(1 + r)^(1/k) − 1`` [-] (``r`` if k = 1)."""
    if int(periods_per_year) == 1:
        return np.asarray(annual_rate, dtype=float)
    return (1.0 + np.asarray(annual_rate, dtype=float)) ** (1.0 / periods_per_year) - 1.0


def annual_rate(rate_per_period, periods_per_year):
    """Annual rate equivalent to a rate per period, ``(1 + x)^k − 1`` [-] (``x`` if k = 1)."""
    if int(periods_per_year) == 1:
        return rate_per_period
    return (1.0 + np.asarray(rate_per_period, dtype=float)) ** periods_per_year - 1.0


def allocate_unit_cost(unit_cost_per_kg, oxide_t, price_usd_per_kg, basis="mass"):
    r"""Unit cost of each oxide [US$/kg]: the average cost shared by mass or by value.

    By mass every oxide carries the average cost; by value each carries cost in proportion to its
    price, ``c_j = c̄ p_j Σm / Σ(m p)``, so the costs still add up to the total.
    """
    m = np.asarray(oxide_t, dtype=float)
    p = np.asarray(price_usd_per_kg, dtype=float)
    if basis == "mass":
        return np.full(m.shape, float(unit_cost_per_kg))
    value = (m * p).sum()
    return unit_cost_per_kg * p * m.sum() / value if value > 0 else np.full(m.shape, np.nan)


def break_even_factor_draws(npv_of_factor, n, low=1e-3, high=1e3, iterations=80):
    """``break_even_factor`` for ``n`` draws at once, by bisection in the factor [-].

    ``npv_of_factor(k)`` takes factors of shape ``(n,)`` and returns NPVs ``(n,)``, each
    non-decreasing in its factor. NaN where the NPV keeps its sign over ``[low, high]``.
    80 halvings of ``[low, high]`` leave an interval far below ``break_even_factor``'s tolerance.
    """
    lo, hi = np.full(n, float(low)), np.full(n, float(high))
    f_low, f_high = npv_of_factor(lo), npv_of_factor(hi)
    crossing = np.isfinite(f_low) & np.isfinite(f_high) & (np.sign(f_low) != np.sign(f_high))
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = npv_of_factor(mid) > 0.0
        lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
    return np.where(crossing, 0.5 * (lo + hi), np.nan)


def break_even_factor(npv_of_factor, low=1e-3, high=1e3):
    """Factor ``k`` at which ``npv_of_factor(k) = 0`` (Brent), or ``None`` if NPV keeps its sign.

    ``npv_of_factor`` must be monotone over ``[low, high]`` (e.g. NPV against a price multiplier).
    """
    from scipy.optimize import brentq

    f_low, f_high = npv_of_factor(low), npv_of_factor(high)
    if not np.isfinite(f_low) or not np.isfinite(f_high) or np.sign(f_low) == np.sign(f_high):
        return None
    return float(brentq(npv_of_factor, low, high, xtol=1e-10, rtol=1e-12))
