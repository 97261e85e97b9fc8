"""Japan's rare-earth stock model speed (issue 14).

- stock_model_1e4_draws: the stock model of hybrid motors, NiMH batteries, room air conditioners
  and wind turbines, 1994-2050, over 10^4 draws of every product's rare-earth content, Weibull
  lifetime (mean and shape), collection rate and process yield (``reemud.sources.recycling.
  japan_stock_model``: blocks of draws carried as a flodym dimension, mass-balance checks on),
  against the same flodym model run draw by draw in the same process (timed on 40 draws, scaled).
"""

import time

import numpy as np

from reemud.sources import recycling

N = 10_000
LOOP_DRAWS = 40


def case_stock_model_1e4_draws():
    values = recycling.draw_parameters(N, seed=2026)
    recycling.japan_stock_model({k: v[:8] for k, v in values.items()})  # warm-up
    t0 = time.perf_counter()
    flows = recycling.japan_stock_model(values)
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(LOOP_DRAWS):
        recycling.japan_stock_model({k: v[i] for k, v in values.items()})
    per_draw = (time.perf_counter() - t0) / LOOP_DRAWS
    change = np.diff(flows.stock_t, axis=1, prepend=0.0)
    return {"draws": N, "years": len(flows.years), "products": len(flows.products),
            "chunk": recycling.CHUNK, "seconds": seconds,
            "largest_stock_imbalance_t": float(np.abs(
                flows.inflow_t - flows.end_of_life_t - change).max()),
            "reference": f"the same flodym model draw by draw (timed on {LOOP_DRAWS} draws, "
                         "scaled)", "reference_seconds": per_draw * N}
