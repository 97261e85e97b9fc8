r"""Economics: capital scaling, a yearly discounted cash flow, NPV, IRR, payback and unit cost.

Capital by capacity scaling (Williams 1947, "six-tenths factor"): ``C = C_ref (Q/Q_ref)^x``.
Cash flow of year ``t`` (year 0 = first construction year; construction spreads capital evenly;
production follows for the project life; straight-line depreciation over the life; tax on positive
taxable income only, no loss carry-forward in this model):

.. math::

    CF_t = R_t - O_t - \text{roy}_t - \text{tax}_t - K_t,\qquad
    NPV = \sum_t CF_t (1 + r)^{-t}

IRR is the rate with NPV = 0. It is reported only when the cash-flow polynomial has exactly one
real root with rate > −1 (e.g. one sign change of the cash flow); otherwise ``None`` and a status
saying why. The levelised unit cost divides the present value of all costs (capital, operating,
royalty, tax) by the present value of the REO produced.
"""

from __future__ import annotations

import numpy as np


def scaled_capex_usd(reference_cost_usd, reference_capacity, capacity, exponent):
    """Capital cost scaled from a reference plant, ``C_ref (Q/Q_ref)^x`` [US$]."""
    ratio = np.asarray(capacity, dtype=float) / np.asarray(reference_capacity, dtype=float)
    return np.asarray(reference_cost_usd) * ratio ** np.asarray(exponent)


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
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))].real
    x = np.unique(np.round(real[real > 0.0], 12))
    if x.size == 1:
        return float(1.0 / x[0] - 1.0), "unique"
    if x.size == 0:
        return None, "none: no real rate above -100 % makes NPV zero"
    return None, f"multiple: {x.size} rates make NPV zero"


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


def yearly_cash_flow(*, capex_usd, construction_years, project_life_years, revenue_usd_per_year,
                     opex_usd_per_year, royalty_rate, tax_rate):
    """Yearly cash-flow table of a project [US$ per year, arrays over years].

    Returns a dict with ``year``, ``capex``, ``revenue``, ``opex``, ``royalty``, ``depreciation``,
    ``tax``, ``net`` and ``producing`` (1 in production years).
    """
    n_build = int(construction_years)
    n_life = int(project_life_years)
    n = n_build + n_life
    year = np.arange(n)
    producing = (year >= n_build).astype(float)
    capex = np.where(year < n_build, capex_usd / max(n_build, 1), 0.0)
    if n_build == 0:
        capex = np.where(year == 0, capex_usd, 0.0)
    revenue = producing * revenue_usd_per_year
    opex = producing * opex_usd_per_year
    royalty = revenue * royalty_rate
    depreciation = producing * capex_usd / n_life
    taxable = revenue - opex - royalty - depreciation
    tax = np.maximum(taxable, 0.0) * tax_rate
    net = revenue - opex - royalty - tax - capex
    return {"year": year, "capex": capex, "revenue": revenue, "opex": opex, "royalty": royalty,
            "depreciation": depreciation, "tax": tax, "net": net, "producing": producing}
