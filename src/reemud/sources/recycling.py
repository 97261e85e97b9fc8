"""Japan's in-use stock of rare-earth products and what recycling can recover from it.

A dynamic material-flow model on flodym (the maintained successor of ODYM; Pauliuk & Heeren 2020,
J. Ind. Ecol. 24(3):446, doi:10.1111/jiec.12952): products enter use (the inflow), leave it
after a Weibull lifetime (an inflow-driven dynamic stock model, one cohort per year), are
collected and their rare earths recovered::

    sysenv ──inflow──▶ use ──end of life──▶ collection ──collected──▶ recovery ──recovered──▶ sysenv
                       (stock)                  └──not collected──▶ sysenv      └──losses──▶ sysenv

Flows are tonnes of rare earths per year by product; the element split of each product
(``recycling_products.csv``'s composition) is applied afterwards, which is exact because the
model is linear. The draw axis is carried as a flodym dimension ``d`` in blocks of ``CHUNK``
draws, so one model run (one cohort convolution) serves a block of draws. flodym's mass-balance
check runs on every block, and every stock closes (inflow − outflow = Δstock) to a relative
``BALANCE_RTOL`` in every year, product and draw — a break raises ``ValueError``.

Sources of every number: ``reemud/data/recycling_*.csv``; docs/models/sources.md §1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from math import gamma

import numpy as np
from flodym import (
    Dimension,
    DimensionSet,
    FlowDefinition,
    InflowDrivenDSM,
    LifetimeModel,
    MFASystem,
    WeibullLifetime,
    make_empty_flows,
    make_processes,
)

from reemud.datafiles import read_table
from reemud.elements import INDEX, N_ELEMENTS, OXIDE_FACTOR

CHUNK = 250
"""Draws per flodym block: the cohort arrays hold years² × products × CHUNK floats (~26 MB)."""

BALANCE_RTOL = 1e-9
"""Largest stock imbalance |inflow − outflow − Δstock| allowed, relative to the largest inflow."""

PARAMETERS: tuple[str, ...] = ("re_content", "lifetime_mean", "weibull_shape", "collection",
                               "process_yield")
"""Per-product parameters of the model (``recycling_parameters.csv``)."""

PROCESSES = ("sysenv", "use", "collection", "recovery")
FLOWS = (
    ("sysenv", "use", "inflow"),
    ("use", "collection", "end_of_life"),
    ("collection", "recovery", "collected"),
    ("collection", "sysenv", "not_collected"),
    ("recovery", "sysenv", "recovered"),
    ("recovery", "sysenv", "losses"),
)


@cache
def included_products() -> tuple[str, ...]:
    """Products the model counts (``recycling_products.csv`` rows with ``included`` = 1)."""
    return tuple(r["product"] for r in read_table("recycling_products.csv") if r["included"] == "1")


@cache
def excluded_products() -> tuple[dict[str, str], ...]:
    """Products named by the issue but left out, with the reason (the ``assumed`` column)."""
    return tuple(r for r in read_table("recycling_products.csv") if r["included"] != "1")


def product_ore(product: str) -> str:
    """The element split (an ore of ``market_compositions.csv``) of a product's rare earths."""
    return {r["product"]: r["composition"] for r in read_table("recycling_products.csv")}[product]


@cache
def recycling_parameter(product: str, name: str) -> dict[str, float | str]:
    """One row of ``recycling_parameters.csv`` with value, low and high as floats."""
    for r in read_table("recycling_parameters.csv"):
        if r["product"] == product and r["name"] == name:
            return {**r, **{k: float(r[k]) for k in ("value", "low", "high")}}
    raise KeyError(f"recycling_parameters.csv has no {name} for {product}")


@cache
def inflow_anchors() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Anchor years and units put into use (``recycling_inflows.csv``), by product."""
    out: dict[str, tuple[list, list]] = {}
    for r in read_table("recycling_inflows.csv"):
        x, y = out.setdefault(r["product"], ([], []))
        x.append(float(r["year"]))
        y.append(float(r["units"]))
    return {k: (np.array(x), np.array(y)) for k, (x, y) in out.items()}


@cache
def product_compositions() -> np.ndarray:
    """Element split of each included product's rare earths [-], ``(products, elements)``."""
    rows = {r["product"]: r["composition"] for r in read_table("recycling_products.csv")}
    out = np.zeros((len(included_products()), N_ELEMENTS))
    for r in read_table("market_compositions.csv"):
        for j, p in enumerate(included_products()):
            if rows[p] == r["ore"]:
                out[j, INDEX[r["symbol"]]] = float(r["percent_of_reo"])
    out /= out.sum(axis=1, keepdims=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class RecyclingFlows:
    """Stocks and flows of the stock model [t rare earths (element mass)]; draw axis first.

    Arrays are ``(draws, years, products)``; ``composition`` is ``(products, elements)`` (REY
    order), so :meth:`by_element` gives any flow by element.
    """

    years: np.ndarray
    products: tuple[str, ...]
    composition: np.ndarray
    inflow_t: np.ndarray
    stock_t: np.ndarray
    end_of_life_t: np.ndarray
    collected_t: np.ndarray
    recovered_t: np.ndarray

    def by_element(self, flow: str) -> np.ndarray:
        """A flow by element [t], ``(draws, years, products, elements)``.

        ``flow`` is ``inflow``, ``stock``, ``end_of_life``, ``collected`` or ``recovered``.
        """
        return getattr(self, f"{flow}_t")[..., None] * self.composition

    def recovered_reo_t(self, products: tuple[str, ...] | None = None) -> np.ndarray:
        """Recovered rare earths as oxides [t REO/yr], ``(draws, years, elements)``.

        Summed over ``products`` (all by default); element → oxide by
        ``reemud.elements.OXIDE_FACTOR``.
        """
        keep = [self.products.index(p) for p in (products or self.products)]
        return self.by_element("recovered")[:, :, keep].sum(axis=2) * OXIDE_FACTOR


def weibull_scale(mean_years, shape):
    """Weibull scale λ from the mean lifetime μ and shape k [yr]: λ = μ / Γ(1 + 1/k)."""
    shape = np.asarray(shape, dtype=float)
    return np.asarray(mean_years, dtype=float) / np.vectorize(gamma)(1.0 + 1.0 / shape)


def inflow_units(years: np.ndarray, products: tuple[str, ...]) -> np.ndarray:
    """Products put into use per year [units/yr], ``(years, products)``.

    Linear between the anchors of ``recycling_inflows.csv``, zero before the first, the last
    held after it.
    """
    out = np.zeros((len(years), len(products)))
    anchors = inflow_anchors()
    for j, product in enumerate(products):
        x, y = anchors[product]
        out[:, j] = np.where(years < x[0], 0.0, np.interp(years, x, y))
    return out


def _dims(years, *extra: tuple[str, int]) -> DimensionSet:
    """Time first, then integer-indexed dimensions ``(letter, size)``."""
    return DimensionSet(dim_list=[
        Dimension(letter="t", name="time", dtype=int, items=[int(y) for y in years]),
        *[Dimension(letter=k, name=f"axis {k}", dtype=int, items=list(range(n))) for k, n in extra]])


def inflow_driven_stock(years, inflow, lifetime_model: type[LifetimeModel], *,
                        inflow_at: str = "middle", process=None, **prms) -> InflowDrivenDSM:
    """A computed flodym inflow-driven stock of ``inflow`` ``(years, ...)`` [t/yr].

    Lifetime parameters (e.g. ``weibull_shape``, ``weibull_scale``; ``mean``, ``std``) are
    broadcast to the inflow's shape.
    """
    inflow = np.asarray(inflow, dtype=float)
    dims = _dims(years, *[(k, n) for k, n in zip("pd", inflow.shape[1:], strict=False)])
    stock = InflowDrivenDSM(
        dims=dims, name="use", process=process,
        lifetime_model=lifetime_model(dims=dims, inflow_at=inflow_at, **{
            k: np.broadcast_to(v, inflow.shape).copy() for k, v in prms.items()}))
    stock.inflow.values[...] = inflow
    stock.compute()
    return stock


def _block(years, inflow_t, mean, shape, collection, process_yield):
    """One flodym run over a block of draws; arrays in ``(years, products, draws)`` order."""
    processes = make_processes(list(PROCESSES))
    stock = inflow_driven_stock(years, inflow_t, WeibullLifetime, process=processes["use"],
                                weibull_shape=shape, weibull_scale=weibull_scale(mean, shape))
    flows = make_empty_flows(processes, [
        FlowDefinition(from_process_name=a, to_process_name=b, dim_letters=("t", "p", "d"),
                       name_override=name) for a, b, name in FLOWS], stock.dims)
    mfa = MFASystem(dims=stock.dims, parameters={}, processes=processes, flows=flows,
                    stocks={"use": stock})
    f = mfa.flows
    f["inflow"].values[...] = stock.inflow.values
    f["end_of_life"].values[...] = stock.outflow.values
    f["collected"].values[...] = stock.outflow.values * collection
    f["not_collected"].values[...] = stock.outflow.values * (1.0 - collection)
    f["recovered"].values[...] = f["collected"].values * process_yield
    f["losses"].values[...] = f["collected"].values * (1.0 - process_yield)
    _break_hook(mfa)
    mfa.check_mass_balance()
    check_stock_balance(stock)
    return (stock.inflow.values, stock.stock.values, f["end_of_life"].values,
            f["collected"].values, f["recovered"].values)


def _break_hook(mfa) -> None:
    """Called after the flows are set and before the checks (tests replace it to break one)."""


def check_stock_balance(stock) -> None:
    """Raise ``ValueError`` unless every stock closes: inflow − outflow − Δstock ≈ 0.

    In every year and cell, to ``BALANCE_RTOL`` of the largest inflow (flodym's own
    ``check_stock_balance`` allows 1 t and prints rather than raises).
    """
    imbalance = np.abs(stock.get_stock_balance()).max()
    scale = max(float(np.abs(stock.inflow.values).max()), 1.0)
    if not imbalance <= BALANCE_RTOL * scale:
        raise ValueError(f"stock '{stock.name}' does not balance: inflow - outflow - Δstock "
                         f"reaches {imbalance:.3g} t (allowed {BALANCE_RTOL * scale:.3g} t)")


def _param(values: Mapping[str, object], product: str, name: str) -> np.ndarray:
    key = f"{product}.{name}"
    return np.asarray(values.get(key, recycling_parameter(product, name)["value"]),
                      dtype=float)


def japan_stock_model(values: Mapping[str, object] | None = None, *,
                      last_year: int = 2050, chunk: int = CHUNK) -> RecyclingFlows:
    """Japan's in-use stock of rare-earth products and the recoverable flows, to ``last_year``.

    Parameters
    ----------
    values
        Overrides ``"<product>.<parameter>"`` → scalar or array of draws ``(n,)``, for the
        parameters of :data:`PARAMETERS` (defaults from ``recycling_parameters.csv``).
    last_year
        Last year modelled (the first is the earliest inflow anchor).
    chunk
        Draws per flodym block (memory ∝ years² × products × chunk).

    Returns
    -------
    RecyclingFlows
        ``(draws, years, products)`` flows [t rare earths]; one draw when nothing is drawn.

    Notes
    -----
    Stock S(t) = Σ_c I(c)·sf(t−c), end-of-life outflow O(t) = Σ_c I(c)·pdf(t−c) with a Weibull
    survival sf (flodym ``WeibullLifetime``, inflow at mid-year), recovered R = O·collection·yield.
    Inflow I = units put into use × rare earths per unit. A constant inflow I has the steady state
    S = I·μ and O = I (μ the mean lifetime) — literature case recycling-steady-stock.
    """
    values = dict(values or {})
    products = included_products()
    first = min(int(inflow_anchors()[p][0][0]) for p in products)
    years = np.arange(first, last_year + 1)
    prm = {name: [_param(values, p, name) for p in products] for name in PARAMETERS}
    n = max([1] + [a.size for arrs in prm.values() for a in arrs])
    stacked = {name: np.stack([np.broadcast_to(a, (n,)) for a in arrs], axis=0)  # (p, n)
               for name, arrs in prm.items()}
    units = inflow_units(years, products)  # (t, p)
    parts: list[tuple[np.ndarray, ...]] = []
    for start in range(0, n, chunk):
        sl = slice(start, min(start + chunk, n))
        s = {k: v[:, sl] for k, v in stacked.items()}
        inflow_t = units[:, :, None] * s["re_content"][None] / 1000.0  # kg → t
        parts.append(_block(years, inflow_t, s["lifetime_mean"], s["weibull_shape"],
                            s["collection"], s["process_yield"]))
    arrays = [np.moveaxis(np.concatenate([p[i] for p in parts], axis=-1), -1, 0)
              for i in range(5)]
    for a in arrays:
        a.setflags(write=False)
    return RecyclingFlows(years, products, product_compositions(), *arrays)


def draw_parameters(n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` draws of every parameter (``"<product>.<parameter>"`` → ``(n,)``).

    Triangular between the CSV's low and high with the default as mode.
    """
    rng = np.random.default_rng(seed)
    out = {}
    for product in included_products():
        for name in PARAMETERS:
            row = recycling_parameter(product, name)
            low, mode, high = row["low"], row["value"], row["high"]
            out[f"{product}.{name}"] = (rng.triangular(low, mode, high, n) if high > low
                                        else np.full(n, mode))
    return out


@cache
def default_flows() -> RecyclingFlows:
    """The default model run (every parameter at its default), cached."""
    return japan_stock_model()


def recovered_reo_schedule(years, products: tuple[str, ...]) -> np.ndarray:
    """Recovered oxide of ``products`` in the calendar year of each of ``years`` [t REO/yr].

    From the default run, total over elements, for the market's recycling suppliers: zero
    before the first modelled year, the last modelled year's rate held after it (the inflow
    anchors are held flat beyond 2050 too).
    """
    flows = default_flows()
    if not products:
        return np.zeros(len(np.atleast_1d(years)))
    total = flows.recovered_reo_t(products)[0].sum(axis=-1)
    index = np.floor(np.asarray(years, dtype=float) + 1e-9).astype(int) - int(flows.years[0])
    return np.where(index < 0, 0.0, total[np.clip(index, 0, len(total) - 1)])



ND_WASTE_2050_T = (3866.0, 4217.0)
"""Japan's Nd in end-of-life final products in 2050, all products [t/yr]: J. Mater. Cycles Waste
Manag. 23(6):2120-2132 (2021), doi:10.1007/s10163-021-01277-6."""

GLOBAL_NDFEB_ND_STOCK_2007_T = 62.6e3
"""Global in-use Nd in NdFeB magnets in 2007 [t]: Du & Graedel (2011) J. Ind. Ecol. 15(6):836,
doi:10.1111/j.1530-9290.2011.00362.x."""


def published_magnitudes(flows: RecyclingFlows | None = None) -> tuple[dict, ...]:
    """The model beside two published magnitudes it does not reproduce by design, labelled.

    Neither is a literature case (a check must be able to fail on the same basis): the 2050 Nd
    waste forecast counts products the model leaves out (``excluded_products``), and Du &
    Graedel's stock is global (and their element split is an input of the magnet products).
    Each row gives the published figure, the model's median on its own basis and the share.
    """
    flows = flows if flows is not None else default_flows()
    nd = INDEX["Nd"]
    eol = np.median(flows.by_element("end_of_life")[:, :, :, nd].sum(axis=2), axis=0)
    stock = np.median(flows.by_element("stock")[:, :, :, nd].sum(axis=2), axis=0)
    t2050 = int(np.searchsorted(flows.years, 2050))
    t2007 = int(np.searchsorted(flows.years, 2007))
    low, high = ND_WASTE_2050_T
    left_out = ", ".join(r["product"] for r in excluded_products())
    return (
        {"quantity": "Nd in end-of-life products in Japan, 2050", "unit": "t/yr",
         "published_low": low, "published_high": high, "model": float(eol[t2050]),
         "share_low": float(eol[t2050] / high), "share_high": float(eol[t2050] / low),
         "source": "J. Mater. Cycles Waste Manag. 23(6):2120 (2021), "
                   "doi:10.1007/s10163-021-01277-6: 3,866-4,217 t/yr, all final products",
         "label": f"context, not a check: the model leaves out {left_out} (no Japanese inflow "
                  "series found), so it is expected well below the forecast"},
        {"quantity": "Nd in NdFeB magnets in use, 2007", "unit": "t",
         "published_low": GLOBAL_NDFEB_ND_STOCK_2007_T,
         "published_high": GLOBAL_NDFEB_ND_STOCK_2007_T, "model": float(stock[t2007]),
         "share_low": float(stock[t2007] / GLOBAL_NDFEB_ND_STOCK_2007_T),
         "share_high": float(stock[t2007] / GLOBAL_NDFEB_ND_STOCK_2007_T),
         "source": "Du & Graedel (2011) J. Ind. Ecol. 15(6):836, "
                   "doi:10.1111/j.1530-9290.2011.00362.x: 62.6 Gg Nd in use worldwide",
         "label": "context, not a check: a global stock beside Japan's modelled products (their "
                  "element split is Du & Graedel's, an input)"},
    )
