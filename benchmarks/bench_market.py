"""Supply-security market speed (issue 11).

- disruption_1e4_draws: a 30-year, 15-element, 12-supplier disruption scenario (the April 2025
  licences with the let-through, the demand elasticities, China's elasticity ratio and the build
  lag drawn; speed-test ranges, not estimates) over 10^4 Monte Carlo draws
  (``security.model.run_market_draws``: blocks of the draw-axis model on a thread pool, the
  undisrupted reference and the outcomes included), against the same model run draw by draw in
  the same process (timed on 40 draws, scaled).
"""

import time

from reemud.security.analysis import outcomes
from reemud.security.model import draw_values, run_market, run_market_draws
from reemud.security.scenario import parse_market_scenario

N = 10_000
LOOP_DRAWS = 40

SCENARIO = """
[market]
years = 30
demand_elasticity_scale = { dist = "uniform", low = 0.7, high = 1.3 }
china_elasticity_ratio = { dist = "uniform", low = 0.5, high = 1.5 }
build_lag_years = { dist = "triangular", low = 3, mode = 6, high = 7 }

[[disruption]]
supplier = "China"
elements = ["Sm", "Gd", "Tb", "Dy", "Lu", "Y"]
importers = "all"
start = 2025-04-04
let_through = { dist = "uniform", low = 0.2, high = 0.6 }
"""


def case_disruption_1e4_draws():
    sc = parse_market_scenario(SCENARIO, "bench-market")
    run_market_draws(sc, 64)  # warm-up: the mud's chain run and imports
    t0 = time.perf_counter()
    draws = run_market_draws(sc, N)
    seconds = time.perf_counter() - t0
    values = draw_values(sc, LOOP_DRAWS)
    t0 = time.perf_counter()
    for i in range(LOOP_DRAWS):
        outcomes(run_market(sc, {k: v[i:i + 1] for k, v in values.items()}, 1))
    per_draw = (time.perf_counter() - t0) / LOOP_DRAWS
    return {"draws": N, "years": 30, "elements": 15, "suppliers": 12, "seconds": seconds,
            "largest_imbalance": float(draws.balance_residual.max()),
            "reference": f"the same model draw by draw (timed on {LOOP_DRAWS} draws, scaled)",
            "reference_seconds": per_draw * N}
