"""Literature and analytic checks of the other sources (docs/models/sources.md §5).

Each entry of :data:`CASES` is the keyword set of a ``reemud.literature`` case plus ``compute``;
``reemud.literature`` registers them, so ``reemud literature`` lists them with the rest.
"""

from __future__ import annotations

import numpy as np
from flodym import FixedLifetime, NormalLifetime, WeibullLifetime

from reemud.sources import biosorption, recycling, seawater

STEADY_YEARS = 300
"""Years of constant inflow for the steady-state cases (≫ the lifetime: the stock has settled)."""


def _steady(which: str) -> float:
    """Stock (or outflow) after ``STEADY_YEARS`` of 1 t/yr into the hybrid-motor lifetime."""
    mean = recycling.recycling_parameter("hybrid-motor", "lifetime_mean")["value"]
    shape = recycling.recycling_parameter("hybrid-motor", "weibull_shape")["value"]
    stock = recycling.inflow_driven_stock(
        np.arange(STEADY_YEARS), np.ones(STEADY_YEARS), WeibullLifetime, weibull_shape=shape,
        weibull_scale=recycling.weibull_scale(mean, shape))
    return float(getattr(stock, which).values[-1])


def _odym(lifetime, **prms) -> float:
    """ODYM's known-answer set-up: inflow 1..10 over years 0..9; the stock in year 9."""
    stock = recycling.inflow_driven_stock(np.arange(10), np.arange(1.0, 11.0), lifetime,
                                          inflow_at="end", **prms)
    return float(stock.stock.values[-1])


def _haber_t_per_g() -> float:
    haber_case = next(c for c in seawater.gold_cases() if c["case"] == "haber-1920s")
    return float(seawater.haber(haber_case["mg_per_t"], 1.0)["t_per_g"])


def hybrid_stock_units(year: int = 2017) -> float:
    """Hybrids in use in Japan at the end of ``year`` in the default model [vehicles]."""
    flows = recycling.default_flows()
    j = flows.products.index("hybrid-motor")
    t = int(np.searchsorted(flows.years, year))
    content = recycling.recycling_parameter("hybrid-motor", "re_content")["value"]
    return float(flows.stock_t[0, t, j] * 1000.0 / content)


def _chlorella_separation_factor() -> float:
    """Langmuir R_L of Nd on *Chlorella vulgaris* at Kucuker et al.'s 250 mg/L (sorbents.csv)."""
    r = biosorption.sorbents()[("chlorella-vulgaris", "Nd")]
    return float(biosorption.separation_factor(KUCUKER_C0_MG_PER_L, r["k_l_per_mg"]))


def _milt_meq_per_g() -> float:
    """Salmon milt's capacity for Dy in sorbents.csv back in mEq/g (trivalent, 162.50 g/mol)."""
    return float(biosorption.sorbents()[("salmon-milt", "Dy")]["q_max_mg_per_g"]) * 3.0 / 162.50


KUCUKER_C0_MG_PER_L = 250.0
"""Initial Nd concentration of Kucuker et al.'s (2017) isotherm tests [mg/L]."""

KUCUKER = ("Kucuker, Wieczorek, Kuchta & Copty (2017) PLoS ONE 12(4):e0175255, "
           "doi:10.1371/journal.pone.0175255")

ODYM_SOURCE = ("IndEcol/ODYM tests/test_dynamic_stock_model.py (fixed_lifetime_data, "
               "normal_lifetime_data): inflow 1..10 t over years 0..9")

CASES: tuple[dict, ...] = (
    dict(id="recycling-steady-stock",
         quantity="in-use stock after 300 years of 1 t/yr into the hybrid lifetime "
                  "(Weibull, mean 13.51 yr, shape 3)",
         source="analytic: a constant inflow I settles at stock = I × mean lifetime",
         published=recycling.recycling_parameter("hybrid-motor", "lifetime_mean")["value"],
         unit="t", comparison="approx", tolerance=1e-3, kind="validation",
         compute=lambda: _steady("stock")),
    dict(id="recycling-steady-outflow",
         quantity="end-of-life outflow after 300 years of 1 t/yr (as recycling-steady-stock)",
         source="analytic: a constant inflow settles at outflow = inflow", published=1.0,
         unit="t/yr", comparison="approx", tolerance=1e-6, kind="validation",
         compute=lambda: _steady("outflow")),
    dict(id="odym-fixed-lifetime", quantity="stock in year 9, fixed lifetime 5 yr",
         source=f"{ODYM_SOURCE}: Stock_T_FixedLT[9] = 40 (ODYM's cohort convention is "
                "flodym's inflow_at='end')", published=40.0, unit="t", comparison="approx",
         tolerance=1e-9, kind="validation", compute=lambda: _odym(FixedLifetime, mean=5.0)),
    dict(id="odym-normal-lifetime", quantity="stock in year 9, normal lifetime (5, 1.5) yr",
         source=f"{ODYM_SOURCE}: Stock_T_NormLT[9] = 41.45873561", published=41.45873561,
         unit="t", comparison="approx", tolerance=1e-8, kind="validation",
         compute=lambda: _odym(NormalLifetime, mean=5.0, std=1.5)),
    dict(id="airia-hybrid-stock-fy2017",
         quantity="hybrids in use in Japan at the end of FY2017 (model: end of 2017)",
         source="AIRIA via Japan Times 2018-10-27: 7,512,846 hybrid cars registered at "
                "31 March 2018 (excluding minivehicles); model: the sales anchors of "
                "data/recycling_inflows.csv through the hybrid lifetime; tolerance 10 %: "
                "sales include later-exported cars, the stock excludes minivehicles",
         published=7_512_846.0, unit="vehicles", comparison="approx", tolerance=0.10,
         kind="validation", compute=hybrid_stock_units),
    dict(id="haber-gold-t-per-g",
         quantity="tonnes of seawater per gram of gold at Haber's assumed 6 mg/t",
         source="hand calculation: 1,000 mg/g / 6 mg/t = 166.67 t/g (Haber's 6 mg/t: "
                "Stoltzenberg 1994, Chemie in unserer Zeit 28(6))", published=1000.0 / 6.0,
         unit="t/g", comparison="approx", tolerance=1e-9, kind="validation",
         compute=_haber_t_per_g),
    dict(id="chlorella-nd-separation-factor",
         quantity="Langmuir separation factor R_L = 1/(1 + K_L c0) of Nd on Chlorella vulgaris "
                  "at c0 = 250 mg/L (pH 5)",
         source=f"{KUCUKER}: R_L = 0.12 beside K_L = 0.029 L/mg (the model takes K_L; the "
                "published R_L checks its isotherm); tolerance 4.2 %: R_L is given to two "
                "decimals", published=0.12, unit="-", comparison="approx", tolerance=0.042,
         kind="validation", compute=_chlorella_separation_factor),
    dict(id="salmon-milt-capacity",
         quantity="salmon milt's capacity for Dy, data/sorbents.csv's q_max back in mEq/g",
         source="Takahashi et al. (2014) PLoS ONE 9(12):e114858, "
                "doi:10.1371/journal.pone.0114858: 1.04 mEq/g", published=1.04, unit="mEq/g",
         comparison="approx", tolerance=0.001, kind="calibration",
         parameter="sorbents.csv salmon-milt q_max_mg_per_g (Dy and Nd)",
         compute=_milt_meq_per_g),
)
