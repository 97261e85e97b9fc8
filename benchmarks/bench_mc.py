"""Monte Carlo speed (issue 6).

- full_chain_1e5_draws: the commercial scenario with one parameter of every stage drawn (uniform
  ±10 % around its value — speed-test ranges, not estimates: porosity, daily throughput, solids
  fraction, cyclone pressure drop, leach temperature, SX stage residence time, oxalic dosage,
  generator efficiency, price multiplier, world production), 10^5 draws with every stage on the
  draw axis (``chain.run_draws``), against the chain run draw by draw (``evaluate(vectorised=False)``,
  what ``reemud mc`` did before; timed on 20 draws, scaled).
- full_chain_draw_axis_vs_one_draw_at_a_time: the same 10^5 draws, against the draw-axis code
  called with one draw at a time in a Python loop (timed on 100 draws, scaled): the gain of
  vectorising alone, without the per-run diagnostics the full chain also computes.
- economics_uncertainty_1000_draws: ``reemud mc`` on examples/commercial-uncertain.toml (price,
  offshore capex, discount rate), against the full chain run on every draw (20 draws, scaled).
"""

from functools import cache
from pathlib import Path

import numpy as np

from reemud.bench import best_of
from reemud.chain import Chain, run_draws
from reemud.scenario import load_scenario
from reemud.uncertainty import draw_inputs, evaluate, monte_carlo, sample_unit, with_values

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml"
N = 100_000
DRAWN = ("deposit.porosity", "collector.mud_dry_t_per_day", "lifting.solids_volume_fraction",
         "beneficiation.pressure_drop_kpa", "leaching.temperature_c",
         "separation.stage_residence_min", "refining.oxalic_dosage_g_per_l",
         "environment.generator_efficiency", "economics.price_multiplier",
         "market.world_production_t_reo")


def _inputs(n: int) -> tuple:
    sc = load_scenario("minamitorishima-commercial")
    rng = np.random.default_rng(0)
    inputs = {}
    for path in DRAWN:
        stage, name = path.split(".")
        inputs[path] = getattr(sc.stages[stage].params, name) * rng.uniform(0.9, 1.1, n)
    return sc, inputs


@cache
def _vectorised() -> tuple[float, int]:
    sc, inputs = _inputs(N)
    seconds = best_of(lambda: run_draws(sc, inputs), repeat=1)
    defined = int(np.isfinite(run_draws(sc, {k: v[:1000] for k, v in inputs.items()})
                              ["npv_usd"]).sum())
    return seconds, defined


def case_full_chain_1e5_draws():
    seconds, defined = _vectorised()
    sc, inputs = _inputs(20)
    loop = best_of(lambda: evaluate(sc, inputs, 0, vectorised=False), repeat=1)
    return {"draws": N, "drawn_parameters": len(DRAWN), "seconds": seconds,
            "defined_in_first_1000": defined,
            "reference": "the chain draw by draw (timed on 20 draws, scaled)",
            "reference_seconds": loop * N / 20}


def case_full_chain_draw_axis_vs_one_draw_at_a_time():
    seconds, _ = _vectorised()
    sc, inputs = _inputs(100)

    def one_at_a_time():
        for i in range(100):
            run_draws(sc, {k: v[i:i + 1] for k, v in inputs.items()})

    one_at_a_time()  # caches (SX design, plume grids) warm, as in the vectorised run
    return {"draws": N, "seconds": seconds,
            "reference": "draw-axis code with one draw per call (timed on 100 draws, scaled)",
            "reference_seconds": best_of(one_at_a_time, repeat=1) * N / 100}


def case_economics_uncertainty_1000_draws():
    sc = load_scenario(str(EXAMPLE))
    n, n_ref = 1000, 20
    seconds = best_of(lambda: monte_carlo(sc, n, seed=0), repeat=1)
    inputs = draw_inputs(sc, sample_unit(n_ref, len(sc.uncertain), "lhs", 0))
    draws = [with_values(sc, {p: v[i] for p, v in inputs.items()}) for i in range(n_ref)]

    def full_chain_loop():
        for drawn in draws:
            Chain(drawn).run(seed=0)

    return {"draws": n, "seconds": seconds,
            "reference": f"full chain per draw (timed on {n_ref} draws, scaled)",
            "reference_seconds": best_of(full_chain_loop, repeat=1) * n / n_ref}
