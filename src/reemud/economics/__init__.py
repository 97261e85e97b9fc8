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

from reemud.economics.costing import (  # noqa: F401 - the accounts are part of this package's API
    CAMPAIGN_PROCESSING_ACCOUNTS,
    FIXED_CAPITAL_ACCOUNTS,
    PRICE_RESPONSES,
    TRADED_GROUPS,
    campaign_cost_usd,
    capital_accounts_usd,
    escalated_usd,
    land_residue_t,
    operating_accounts_usd_per_year,
    plant_staff,
    product_payables,
    revenue_by_product,
    sales_price_factor,
    scaled_capex_usd,
    sx_circuit_capex_usd,
    volume_price_factor,
)


def discount_factors(rate, n_years):
    """``(1 + r)^−t`` for t = 0 … n−1 [-].

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period ``r`` [-] (draws first).
    n_years : int
        Number of periods ``n`` [-].

    Returns
    -------
    ndarray
        Discount factors [-], shape ``rate.shape + (n_years,)``.
    """
    return (1.0 + np.asarray(rate, dtype=float)[..., None]) ** -np.arange(n_years)


def npv(rate, cash_flows):
    """Net present value of yearly cash flows (t = 0 first) at ``rate`` [same unit as flows].

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period [-] (annual for yearly flows; ``period_rate`` for shorter
        periods) (draws first).
    cash_flows : array_like
        Cash flow of each period [US$ or any money unit], periods on the last axis (t = 0
        first; one series, or draws first).

    Returns
    -------
    ndarray
        ``NPV = Σ_t CF_t (1 + r)^−t`` [unit of the flows], the leading (draw) shape.

    References
    ----------
    docs/models/economics.md §4.2.
    """
    flows = np.asarray(cash_flows, dtype=float)
    return (flows * discount_factors(rate, flows.shape[-1])).sum(axis=-1)


def _irr_roots(flows):
    """Rates of one series that make its NPV zero, from ``numpy.roots`` [-], and their count.

    Solves ``Σ CF_t x^t = 0`` for ``x = 1/(1+r)`` and keeps the distinct real roots ``x > 0``.
    Returns ``(rate, count)``: the rate where exactly one root exists (else NaN).
    """
    roots = np.roots(flows[::-1])  # highest power first: CF_{n-1} x^{n-1} + ... + CF_0
    x = _discount_roots(roots[None, :])[0]
    x = x[np.isfinite(x)]
    return (float(1.0 / x[0] - 1.0) if x.size == 1 else np.nan), x.size


def _discount_roots(roots):
    """Distinct real positive roots ``x`` of each row (rounded to 12 decimals), NaN-padded."""
    real_ok = np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))
    x = np.where(real_ok & (roots.real > 0.0), np.round(roots.real, 12), np.nan)
    x = np.sort(x, axis=-1)
    repeat = np.zeros(x.shape, dtype=bool)
    repeat[..., 1:] = x[..., 1:] == x[..., :-1]
    return np.where(repeat, np.nan, x)


def irr(cash_flows, periods_per_year=1):
    """Internal rate of return of every cash-flow series, as an annual rate [-], and its status.

    ``cash_flows`` has the periods on its last axis (one series, or draws first). Yearly series
    are solved through the roots of ``Σ CF_t x^t`` with ``x = 1/(1+r)`` (``_irr_yearly``:
    batched companion-matrix eigenvalues, what ``numpy.roots`` does for one polynomial); longer
    series (monthly) by bisection where the flows change sign once (``_irr_bisection``). The rate
    is NaN unless exactly one real rate above −100 % makes the NPV zero.

    Returns
    -------
    (rate, status) : arrays of the series' leading shape (0-d for one series); ``status`` is
    ``"unique"``, ``"none: cash flow never changes sign"``, ``"none: no real rate above -100 %
    makes NPV zero"`` or ``"multiple: k rates make NPV zero"``.

    Parameters
    ----------
    cash_flows : array_like
        Cash flow of each period [US$ or any money unit], periods on the last axis (t = 0
        first; one series, or draws first).
    periods_per_year : int, optional
        Periods per year of the flows [-] (1 yearly, 12 monthly); the rate is annualised.

    References
    ----------
    docs/models/economics.md §4.2.
    """
    flows = np.asarray(cash_flows, dtype=float)
    rows = flows.reshape(-1, flows.shape[-1])
    if int(periods_per_year) == 1:
        rate, count = _irr_yearly(rows)
    else:
        rate, count = _irr_bisection(rows, periods_per_year)
    changes = sign_changes(rows)
    status = np.where(
        changes == 0, "none: cash flow never changes sign",
        np.where(np.isfinite(rate), "unique",
                 np.where(count > 1, np.char.add(np.char.add("multiple: ", count.astype(str)),
                                                 " rates make NPV zero"),
                          "none: no real rate above -100 % makes NPV zero"))).astype(object)
    return rate.reshape(flows.shape[:-1]), status.reshape(flows.shape[:-1])


def sign_changes(cash_flows):
    """Number of sign changes along each row, zeros skipped [-] (Descartes' rule of signs).

    Parameters
    ----------
    cash_flows : array_like
        Cash flows, periods on the last axis (one series or one per row).

    Returns
    -------
    ndarray of int
        Sign changes of each row [-]; shape ``(1,)`` for one series.
    """
    signs = np.sign(np.atleast_2d(np.asarray(cash_flows, dtype=float)))
    # carry the last non-zero sign over zeros
    last = np.maximum.accumulate(np.where(signs != 0, np.arange(signs.shape[-1]), 0), axis=-1)
    carried = np.take_along_axis(signs, last, axis=-1)
    return ((carried[..., 1:] != carried[..., :-1]) & (carried[..., :-1] != 0)).sum(axis=-1)


def _irr_yearly(flows):
    """Rates of ``(n, years)`` cash flows and the number of rates found for each row.

    Rows whose first and last flows are non-zero share one batched eigenvalue call on their
    companion matrices; the others use ``numpy.roots``, which strips the zero coefficients.
    """
    n, years = flows.shape
    out, count = np.full(n, np.nan), np.zeros(n, dtype=int)
    positive, negative = (flows > 0).any(axis=-1), (flows < 0).any(axis=-1)
    candidates = np.nonzero(positive & negative)[0]
    if years < 2 or candidates.size == 0:
        return out, count
    full = (flows[candidates, 0] != 0.0) & (flows[candidates, -1] != 0.0)
    rows = candidates[full]
    if rows.size:
        poly = flows[rows, ::-1]
        companion = np.zeros((rows.size, years - 1, years - 1))
        companion[:, 1:, :-1] = np.eye(years - 2)
        companion[:, 0, :] = -poly[:, 1:] / poly[:, :1]
        x = _discount_roots(np.linalg.eigvals(companion))
        count[rows] = np.isfinite(x).sum(axis=-1)
        out[rows] = np.where(count[rows] == 1, 1.0 / np.nanmax(
            np.where(count[rows][:, None] == 1, x, 1.0), axis=-1) - 1.0, np.nan)
    for row in candidates[~full]:
        out[row], count[row] = _irr_roots(flows[row])
    return out, count


IRR_BRACKET = (-0.999999, 100.0)
"""Annual rates searched by ``_irr_bisection`` [-] (monthly discount factors stay finite)."""


def _irr_bisection(flows, periods_per_year, iterations=100):
    """Annual rates of long ``(n, periods)`` cash flows (e.g. monthly), and their counts.

    A row whose flows change sign exactly once has exactly one rate with NPV = 0 (Descartes' rule
    of signs on ``Σ CF_t x^t``); it is found by bisection on the annual rate within
    ``IRR_BRACKET`` (NaN if it lies outside). Rows with several sign changes use ``numpy.roots``.
    """
    changes = sign_changes(flows)
    out, count = np.full(flows.shape[0], np.nan), np.zeros(flows.shape[0], dtype=int)
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
        count[single] = 1
    for row in np.nonzero(changes > 1)[0]:
        rate, count[row] = _irr_roots(flows[row])
        out[row] = annual_rate(rate, periods_per_year)
    return out, count


def payback_years(cash_flows):
    """Periods from t = 0 until the cumulative cash flow turns non-negative, for every series.

    Flows are at the ends of periods 0, 1, … (periods on the last axis); inside the period it
    turns, payback is interpolated linearly: ``(t − 1) + (−cum_{t−1} / CF_t)``. ``0`` if the
    cumulative flow is never negative, NaN if it never recovers or a flow is not finite.
    Returns the series' leading shape (0-d for one series).

    Parameters
    ----------
    cash_flows : array_like
        Cash flow of each period [US$ or any money unit], periods on the last axis (t = 0
        first; one series, or draws first).

    Returns
    -------
    ndarray
        Payback [periods] (years for yearly flows; divide by the periods per year otherwise).

    References
    ----------
    docs/models/economics.md §4.2.
    """
    flows = np.asarray(cash_flows, dtype=float)
    rows = flows.reshape(-1, flows.shape[-1])
    cumulative = np.cumsum(rows, axis=-1)
    negative = cumulative < 0.0
    periods = rows.shape[-1]
    t = periods - np.argmax(negative[:, ::-1], axis=-1)  # one past the last negative period
    inside = np.minimum(t, periods - 1)
    index = np.arange(rows.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = t - 1 + (-cumulative[index, t - 1] / rows[index, inside])
    out = np.where(~negative.any(axis=-1), 0.0, np.where(t >= periods, np.nan, turn))
    return np.where(np.isfinite(rows).all(axis=-1), out, np.nan).reshape(flows.shape[:-1])


def levelised_unit_cost(rate, cost_flows, production_flows):
    """Present value of costs over present value of production [cost unit per production unit].

    NaN when nothing is produced.

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period [-] (draws first).
    cost_flows : array_like
        Costs of each period (capital, operating, royalty, tax, …) [e.g. US$], periods on the
        last axis (draws first).
    production_flows : array_like
        Production of each period [e.g. kg REO], periods on the last axis (draws first).

    Returns
    -------
    ndarray
        Levelised unit cost [cost unit per production unit, e.g. US$/kg REO].

    References
    ----------
    docs/models/economics.md §4.3.
    """
    produced = npv(rate, production_flows)
    return npv(rate, cost_flows) / np.where(produced > 0, produced, np.nan)


def ad_valorem_royalty(revenue, operating_cost, rate):
    """Royalty on revenue, ``rate × R`` (e.g. Japan's mineral product tax, 1 % of value).

    Parameters
    ----------
    revenue : float or array_like
        Revenue ``R`` of each period [US$].
    operating_cost : float or array_like
        Operating cost of each period [US$] (not used; the signature of ``ROYALTY_REGIMES``).
    rate : float or array_like
        Royalty rate ``ρ`` [-].

    Returns
    -------
    ndarray
        Royalty [US$], the shape of ``revenue × rate``.

    References
    ----------
    docs/models/economics.md §5.1 (mineral product tax, standard 1 % of mine-mouth value).
    """
    return np.asarray(revenue) * rate


def profit_based_royalty(revenue, operating_cost, rate):
    """Royalty on operating profit, ``rate × max(R − O, 0)`` (the ISA's profit-based option).

    Parameters
    ----------
    revenue : float or array_like
        Revenue ``R`` of each period [US$].
    operating_cost : float or array_like
        Operating cost ``O`` of each period [US$].
    rate : float or array_like
        Royalty rate ``ρ`` [-].

    Returns
    -------
    ndarray
        Royalty [US$].

    References
    ----------
    docs/models/economics.md §5.1 (ISA financial-model discussions).
    """
    return np.maximum(np.asarray(revenue) - np.asarray(operating_cost), 0.0) * rate


ROYALTY_REGIMES = {"ad_valorem": ad_valorem_royalty, "profit_based": profit_based_royalty}
"""Royalty regimes by name (ISA financial-model discussions narrowed the choice to ad valorem vs
profit based; docs/models/economics.md §5.1)."""


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

    Parameters
    ----------
    capex_usd : float or array_like
        Initial capital ``K`` [US$] (draws first).
    construction_years, project_life_years : int
        Years of construction and of production [yr].
    revenue_usd_per_year, opex_usd_per_year : float or array_like
        Revenue and operating cost at full output [US$/yr] (draws first).
    royalty_rate, tax_rate : float or array_like
        Royalty rate ``ρ`` and corporate tax rate ``τ`` [-] (draws first).
    royalty_regime : str, optional
        A key of ``ROYALTY_REGIMES`` (``"ad_valorem"`` or ``"profit_based"``).
    ramp_up : sequence of float or array_like, optional
        Output fraction of each of the first production years [-] (each may carry draws).
    sustaining_capex_fraction : float or array_like, optional
        Sustaining capital per production year as a fraction of ``capex_usd`` [1/yr].
    working_capital_months : float or array_like, optional
        Working capital as months of operating cost [month].
    depreciation_years : int, optional
        Straight-line depreciation period [yr]; the project life by default.
    upfront_usd : float or array_like, optional
        Amount paid in period 0 [US$], not depreciated.
    periods_per_year : int, optional
        Periods per year ``k`` (1 or 12) [-].

    Returns
    -------
    dict
        ``year`` [yr] and ``producing`` [-] of each period, and the money rows (``capex``,
        ``revenue``, ``opex``, ``royalty``, ``depreciation``, ``sustaining``,
        ``working_capital``, ``taxable``, ``losses_carried``, ``tax``, ``net``) [US$ per
        period], periods on the last axis.

    References
    ----------
    docs/models/economics.md §4.1.
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
    rate = np.asarray(tax_rate, dtype=float)
    shape = np.broadcast_shapes(taxable.shape, rate.shape + (1,))  # the rate may be drawn alone
    tax = np.zeros(shape)
    carried = np.zeros(shape)
    losses = np.zeros(shape[:-1])
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
    """Rate per period equivalent to an annual rate, ``(1 + r)^(1/k) − 1`` [-] (``r`` if k = 1).

    Parameters
    ----------
    annual_rate : float or array_like
        Annual rate ``r`` [-] (draws first).
    periods_per_year : int
        Periods per year ``k`` [-].

    Returns
    -------
    ndarray
        Rate per period ``r_p`` [-].

    References
    ----------
    docs/models/economics.md §4.2.
    """
    if int(periods_per_year) == 1:
        return np.asarray(annual_rate, dtype=float)
    return (1.0 + np.asarray(annual_rate, dtype=float)) ** (1.0 / periods_per_year) - 1.0


def annual_rate(rate_per_period, periods_per_year):
    """Annual rate equivalent to a rate per period, ``(1 + x)^k − 1`` [-] (``x`` if k = 1).

    Parameters
    ----------
    rate_per_period : float or array_like
        Rate per period ``x`` [-] (draws first).
    periods_per_year : int
        Periods per year ``k`` [-].

    Returns
    -------
    float or ndarray
        Annual rate [-] (``rate_per_period`` itself if k = 1).
    """
    if int(periods_per_year) == 1:
        return rate_per_period
    return (1.0 + np.asarray(rate_per_period, dtype=float)) ** periods_per_year - 1.0


def allocate_unit_cost(unit_cost_per_kg, oxide_t, price_usd_per_kg, basis="mass"):
    r"""Unit cost of each oxide [US$/kg]: the average cost shared by mass or by value.

    By mass every oxide carries the average cost; by value each carries cost in proportion to its
    price, ``c_j = c̄ p_j Σm / Σ(m p)``, so the costs still add up to the total. Elements on the
    last axis, draws (if any) first; NaN by value where nothing of value is produced.

    Parameters
    ----------
    unit_cost_per_kg : float or array_like
        Average (levelised) unit cost ``c̄`` [US$/kg REO] (draws first).
    oxide_t : array_like
        Oxide output of each element ``m`` [t/yr], elements on the last axis (draws first).
    price_usd_per_kg : array_like
        Price of each oxide ``p`` [US$/kg], elements on the last axis.
    basis : str, optional
        ``"mass"`` or ``"value"``.

    Returns
    -------
    ndarray
        Unit cost of each oxide [US$/kg], elements on the last axis.

    References
    ----------
    docs/models/economics.md §4.3.
    """
    m = np.asarray(oxide_t, dtype=float)
    p = np.asarray(price_usd_per_kg, dtype=float)
    c = np.asarray(unit_cost_per_kg, dtype=float)[..., None]
    if basis == "mass":
        return c * np.ones(np.broadcast_shapes(m.shape, p.shape))
    value = (m * p).sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(value > 0, c * p * m.sum(axis=-1, keepdims=True) / value, np.nan)


def break_even_factor(npv_of_factor, shape=(), low=1e-6, high=1e9, rtol=1e-12, iterations=100):
    """Factor ``k`` at which ``npv_of_factor(k) = 0``, on every draw at once [-].

    ``npv_of_factor(k)`` takes factors of ``shape`` (``()`` for one run, ``(n,)`` for draws)
    and returns NPVs of that shape, each non-decreasing in its factor (e.g. NPV against a price
    multiplier; piecewise linear where tax and royalty switch on). The Illinois variant of regula
    falsi (Dowell & Jarratt 1971, doi:10.1007/BF01934364) closes the bracket ``[low, high]``
    until it is within ``rtol`` of the factor or the NPV within ``rtol`` of its bracketing values
    (a few steps on piecewise-linear NPVs, against ~45 halvings). NaN where the NPV keeps its
    sign over ``[low, high]``.

    Parameters
    ----------
    npv_of_factor : callable
        Maps factors of ``shape`` to NPVs of that shape [US$].
    shape : tuple of int, optional
        Shape of the factors (``()`` or ``(n,)``).
    low, high : float, optional
        Bracket of the factor [-].
    rtol : float, optional
        Relative tolerance on the factor and on the NPV [-].
    iterations : int, optional
        Most Illinois steps [-].

    Returns
    -------
    ndarray
        Break-even factor [-] of ``shape``; NaN where there is no crossing in the bracket.

    References
    ----------
    Dowell & Jarratt (1971), the Illinois method, doi:10.1007/BF01934364;
    docs/models/economics.md §4.4.
    """
    lo, hi = np.full(shape, float(low)), np.full(shape, float(high))
    f_lo, f_hi = npv_of_factor(lo), npv_of_factor(hi)
    crossing = np.isfinite(f_lo) & np.isfinite(f_hi) & (np.sign(f_lo) != np.sign(f_hi))
    scale = rtol * np.maximum(np.abs(f_lo), np.abs(f_hi))
    done = ~crossing
    side = np.zeros(shape, dtype=int)  # which end moved last: -1 low, +1 high
    for _ in range(iterations):
        if np.all(done):
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            x = lo - f_lo * (hi - lo) / (f_hi - f_lo)
        x = np.where((x > lo) & (x < hi), x, 0.5 * (lo + hi))
        f = np.where(done, f_lo, npv_of_factor(x))  # a converged draw stops moving
        x = np.where(done, lo, x)
        above = np.where(done, False, f > 0.0)
        f_lo = np.where(above & (side == 1), 0.5 * f_lo, f_lo)  # Illinois: halve the kept end
        f_hi = np.where(~above & (side == -1), 0.5 * f_hi, f_hi)
        lo, f_lo = np.where(above, lo, x), np.where(above, f_lo, f)
        hi, f_hi = np.where(above, x, hi), np.where(above, f, f_hi)
        side = np.where(above, 1, -1)
        hit = ~done & (np.abs(f) <= scale)
        lo, hi = np.where(hit, x, lo), np.where(hit, x, hi)
        done |= hit | (hi - lo <= rtol * hi)
    return np.where(crossing, 0.5 * (lo + hi), np.nan)
