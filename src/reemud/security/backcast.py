"""Backcasts: the 2010-2014 export-quota episode and the April 2025 licences, and their fits.

**2010-2014** (annual, 2009-2016). China mines 93,800 t REO (its 2011 production quota: 80,400 t
light from rock ores, 13,400 t medium-heavy from ion-adsorption clays; mining.com 2011) and
exports 50,145 t (the 2009 export quota, taken as the 2009 exports); mines outside China add
3,000 t (assumed: India, Russia, Brazil and Malaysia; no 2009 figure found). Export quotas of
30,258 t (2010), 30,184 t (2011), 30,996 t (2012), 31,001 t (2013) and 30,220 t (2014: twice the
first batch of 15,110 t, the second not found) let that share of the undisrupted exports
through, every element alike; the quotas end on 1 Jan 2015 (MOFCOM, after the WTO ruling of
2014). Japan is cut off for two months from 7 Sep 2010. The reference prices are the 2008 ex-
China prices (Lynas via mining.com; 2009 prices not found) where known.

**April 2025** (monthly, Jan-Dec 2025). The bundled base market; licences on Sm, Gd, Tb, Dy, Lu
and Y from 4 Apr 2025 for every importer.

Fits (``calibration`` cases): the price elasticity of La, Ce, Sm and Dy to their Q2 2011 price
multiples over 2008; the investment response to Sprecher et al. (2017)'s non-Chinese ramp-up
of 4 % of market volume per year; the April 2025 let-through to the Dy jump in Europe. The
rest (2014 decline, recovery time, the Tb jump) are ``validation`` cases.
docs/models/supply-security.md §4.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np

from reemud.datafiles import read_table
from reemud.elements import INDEX, N_ELEMENTS
from reemud.market import data as md
from reemud.market.dynamics import MarketInputs, MarketPaths, simulate, undisrupted
from reemud.security.model import elasticities, period_overlap, reference_prices
from reemud.security.scenario import market_defaults

START_2010 = 2009
YEARS_2010 = 8
CHINA_ROCK_T, CHINA_CLAY_T = 80400.0, 13400.0
EXPORTS_2009_T = 50145.0
EX_CHINA_MINES_T = 3000.0
QUOTAS_T = {2010: 30258.0, 2011: 30184.0, 2012: 30996.0, 2013: 31001.0, 2014: 30220.0}
EMBARGO_START, EMBARGO_MONTHS = 2010 + (31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 6) / 365, 2.0
IMPORTER_SHARES_2009 = {"JP": 0.5, "US": 0.15, "EU": 0.2, "RoW": 0.15}
"""Shares of ex-China demand in 2009 (assumed: no split found; Japan took about half)."""

LICENCES_2025 = ("Sm", "Gd", "Tb", "Dy", "Lu", "Y")
LICENCE_DAY_2025 = 2025 + (31 + 28 + 31 + 3) / 365
TARGET_MULTIPLES_2011 = {"La": 135 / 8.71, "Ce": 138 / 4.56, "Sm": 125 / 5.20, "Dy": 921.20 / 118.49}
"""Q2 2011 ex-China price over the 2008 average (Lynas via mining.com)."""

DY_JUMP_2025 = 850.0 / 280.0
"""Dy oxide in Europe, 6 May 2025 (700-1,000) over a month earlier (250-310), midpoints (Argus)."""

TB_JUMP_2025_RANGE = (2000.0 / 965.0, 4000.0 / 965.0)
"""Tb oxide in Europe, 6 May 2025 (2,000-4,000) over a month earlier (midpoint 965) (Argus)."""


def _defaults() -> dict[str, float]:
    return {k: float(v) for k, v in market_defaults().items()
            if k not in ("mud_scenario", "recycling_model") and v not in ("",)}


def prices_2008() -> np.ndarray:
    """2008 ex-China prices where found, else the 2024 reference (basket weights only)."""
    known = md.price_history()[("ex-china", "2008")]
    return np.where(np.isnan(known), reference_prices(), known)


def inputs_2010(elasticity: np.ndarray | None = None, investment_response: float | None = None
                ) -> tuple[MarketInputs, np.ndarray]:
    """The 2010-2014 backcast's inputs (quotas and embargo included) and its years."""
    d = _defaults()
    comps = md.compositions()
    ex_comp = comps["monazite-australia"]
    composition = np.array([comps["bayan-obo"], comps["ionic-clay-longnan"], ex_comp])
    output = np.array([CHINA_ROCK_T, CHINA_CLAY_T, EX_CHINA_MINES_T])
    world = output @ composition
    pattern = world / world.sum()
    ex_demand = (EXPORTS_2009_T + EX_CHINA_MINES_T) * pattern
    demand = np.zeros((1 + len(md.IMPORTERS), N_ELEMENTS))
    demand[0] = world - ex_demand
    for i, key in enumerate(md.IMPORTERS):
        demand[1 + i] = IMPORTER_SHARES_2009[key] * ex_demand
    share = demand[1:] / demand[1:].sum(axis=0)
    years = START_2010 + np.arange(YEARS_2010, dtype=float)
    n_t = len(years)
    growth = np.where(md.element_mask(md.MAGNET_ELEMENTS), md.settings()["demand_growth_magnet"],
                      md.settings()["demand_growth_other"])
    eps = elasticities() if elasticity is None else np.asarray(elasticity, dtype=float)
    base = MarketInputs(
        composition=composition, output_t_per_year=output,
        china_separated=np.array([1.0, 1.0, 0.0]), quota=np.array([True, True, False]),
        schedule_t_per_year=np.full((3, n_t), np.nan), group=np.array([0, 0, 1]),
        demand_t_per_year=demand, growth_per_year=growth, price_usd_per_kg=prices_2008(),
        china_export_share=share, stock_target_years=np.zeros((len(md.IMPORTERS), N_ELEMENTS)),
        stock_fill=np.zeros(len(md.IMPORTERS)), elasticity_china=eps, elasticity_ex_china=eps,
        substitution_rate_per_year=d["substitution_rate_per_year"],
        substitution_reversal_per_year=d["substitution_reversal_per_year"],
        supply_elasticity=d["supply_elasticity"],
        investment_response=(d["investment_response"] if investment_response is None
                             else investment_response),
        build_lag_years=BUILD_LAG_2010, quota_growth_per_year=0.0, release_share=0.0,
        china_price_floor=d["china_price_floor"],
        refill_rate_per_year=0.0, let_through=np.ones((1, n_t, len(md.IMPORTERS), N_ELEMENTS)),
        output_through=np.ones((1, n_t, 3)), periods_per_year=1)
    reference = simulate(base)
    exports = reference.exports_t_per_year[0].sum(axis=-1)  # (T,)
    let = np.ones((1, n_t, len(md.IMPORTERS), N_ELEMENTS))
    for j, year in enumerate(years):
        if int(year) in QUOTAS_T:
            let[0, j] = min(1.0, QUOTAS_T[int(year)] / exports[j])
    jp = md.IMPORTERS.index("JP")
    overlap = period_overlap(years, 1, EMBARGO_START, EMBARGO_START + EMBARGO_MONTHS / 12)
    let[0, :, jp] *= (1.0 - overlap)[:, None]
    return replace(base, let_through=let), years


BUILD_LAG_2010 = 2.0
"""Build lag of the 2010 backcast [yr] (assumed: Mt Weld and Mountain Pass were developed
deposits whose plants, under way in 2010, first produced in 2012-2013)."""


@cache
def run_2010() -> tuple[MarketPaths, MarketPaths, np.ndarray]:
    """The 2010-2014 backcast with the bundled parameters: (paths, reference, years)."""
    inputs, years = inputs_2010()
    reference = simulate(undisrupted(inputs))
    return simulate(inputs, reference), reference, years


def ex_china_multiple(paths: MarketPaths, years: np.ndarray, year: int, symbol: str) -> float:
    """Ex-China price of ``symbol`` in ``year`` over its reference price [-]."""
    j = int(np.flatnonzero(years == year)[0])
    return float(paths.price_multiple_ex_china[0, j, INDEX[symbol]])


def peak_multiple(paths: MarketPaths, years: np.ndarray, symbol: str) -> float:
    """Highest ex-China price of ``symbol`` in 2010-2011 over its reference price [-]."""
    return max(ex_china_multiple(paths, years, y, symbol) for y in (2010, 2011))


def value_index(paths: MarketPaths, prices0: np.ndarray, weights_t: np.ndarray) -> np.ndarray:
    """Value-weighted ex-China price index over the periods [-] (base-year volumes as weights)."""
    priced = prices0 > 0
    rel = paths.price_ex_china_usd_per_kg[0][:, priced] / prices0[priced]
    w = (weights_t * prices0)[priced]
    return (rel * w).sum(axis=-1) / w.sum()


def index_2014_over_peak() -> float:
    """Value-weighted ex-China price index, 2014 over its 2010-2011 peak, 2010 backcast [-]."""
    paths, _, years = run_2010()
    idx = value_index(paths, prices_2008(), paths.consumption_t_per_year[0, 0, 1:].sum(axis=0))
    return float(idx[years == 2014][0] / idx[(years == 2010) | (years == 2011)].max())


def ramp_up_rate(paths: MarketPaths, years: np.ndarray) -> float:
    """Mean yearly rise of non-Chinese mine output 2011-2014 over world consumption [1/yr]."""
    ex = paths.output_t_per_year[0, :, 2]
    volume = paths.consumption_t_per_year[0].sum(axis=(-1, -2))
    j0, j1 = int(np.flatnonzero(years == 2011)[0]), int(np.flatnonzero(years == 2014)[0])
    return float((ex[j1] - ex[j0]) / (j1 - j0) / volume[j0:j1 + 1].mean())


def ramp_up_2010() -> float:
    """``ramp_up_rate`` of the 2010 backcast with the bundled parameters [1/yr]."""
    paths, _, years = run_2010()
    return ramp_up_rate(paths, years)


def fit_2010(iterations: int = 3) -> tuple[np.ndarray, float]:
    """Fit the elasticities of La, Ce, Sm, Dy and the investment response (developer tool).

    Returns the full elasticity vector (the unfitted elements as ``market_elasticities.csv``
    assigns them) and the investment response. Bisection on each parameter in turn.
    """
    eps = elasticities().copy()
    kappa = float(_defaults()["investment_response"])

    def multiple(e, symbol):
        inputs, years = inputs_2010(e, kappa)
        return peak_multiple(simulate(inputs, simulate(undisrupted(inputs))), years, symbol)

    for _ in range(iterations):
        for symbol, target in TARGET_MULTIPLES_2011.items():
            lo, hi = 0.01, 2.0
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                trial = eps.copy()
                trial[INDEX[symbol]] = mid
                if multiple(trial, symbol) > target:
                    lo = mid
                else:
                    hi = mid
            eps[INDEX[symbol]] = 0.5 * (lo + hi)
        eps = assign_unfitted(eps)
        lo, hi = 0.0, 5.0
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            inputs, years = inputs_2010(eps, mid)
            if ramp_up_rate(simulate(inputs, simulate(undisrupted(inputs))), years) \
                    < SPRECHER_RAMP_UP:
                lo = mid
            else:
                hi = mid
        kappa = 0.5 * (lo + hi)
    return eps, kappa


SPRECHER_RAMP_UP = 0.04
"""Non-Chinese primary production ramp-up, share of total market volume per year (Sprecher et
al. 2017)."""


def assign_unfitted(eps: np.ndarray) -> np.ndarray:
    """Elasticities of the elements without a 2011 multiple, from the fitted ones (assumed).

    Pr, Nd and Tb (magnet elements, like Dy) take Dy's; the others the median of the four fits.
    """
    out = eps.copy()
    fitted = [INDEX[s] for s in TARGET_MULTIPLES_2011]
    median = float(np.median(out[fitted]))
    for symbol in ("Pr", "Nd", "Tb"):
        out[INDEX[symbol]] = out[INDEX["Dy"]]
    for symbol in ("Eu", "Gd", "Ho", "Er", "Tm", "Yb", "Lu", "Y"):
        out[INDEX[symbol]] = median
    return out


@cache
def licence_share_2025() -> float:
    """The April 2025 licences' let-through share (``market_calibration.csv``) [-]."""
    rows = {r["name"]: float(r["value"]) for r in read_table("market_calibration.csv")}
    return rows["licence_let_through_2025"]


def inputs_2025(let_through: float | None = None) -> MarketInputs:
    """Monthly inputs for 2025 with the April licences (the bundled base market)."""
    from reemud.security.model import market_inputs
    from reemud.security.scenario import parse_market_scenario

    f = licence_share_2025() if let_through is None else let_through
    text = (
        "[market]\nstart_year = 2025\nyears = 1\nperiods_per_year = 12\nmud_scenario = \"none\"\n"
        "recycling_model = \"none\"\n"
        "[[disruption]]\nname = \"MOFCOM/GAC No. 18\"\nsupplier = \"China\"\n"
        f"elements = {list(LICENCES_2025)!r}\nimporters = \"all\"\nstart = 2025-04-04\n"
        f"let_through = {f!r}\n").replace("'", '"')
    inputs, _ = market_inputs(parse_market_scenario(text, "backcast-2025"))
    return inputs


def jump_2025(symbol: str, zone: str = "ex-china", let_through: float | None = None) -> float:
    """May 2025 price of ``symbol`` over March 2025, in the April 2025 backcast [-]."""
    inputs = inputs_2025(let_through)
    paths = simulate(inputs, simulate(undisrupted(inputs)))
    key = "price_ex_china_usd_per_kg" if zone == "ex-china" else "price_china_usd_per_kg"
    price = getattr(paths, key)[0, :, INDEX[symbol]]
    return float(price[4] / price[2])


def fit_2025() -> float:
    """The let-through share that reproduces the Dy jump (developer tool; bisection)."""
    lo, hi = 0.0, 1.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if jump_2025("Dy", let_through=mid) > DY_JUMP_2025:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
