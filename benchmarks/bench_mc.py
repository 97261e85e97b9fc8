"""Monte Carlo speed (issue 6, first step).

- economics_uncertainty_1000_draws: ``reemud mc`` on examples/commercial-uncertain.toml (price,
  offshore capex, discount rate uncertain): stages upstream of economics run once and are reused,
  against running the full chain on every draw in the same run (timed on 20 draws, scaled).

The issue's target case — 10^5 full-chain draws with every stage vectorised on the draw axis
against a per-draw loop — waits for the vectorised chain and is not measured here.
"""

from pathlib import Path

from reemud.bench import best_of
from reemud.chain import Chain
from reemud.scenario import load_scenario
from reemud.uncertainty import draw_inputs, monte_carlo, sample_unit, with_values

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml"


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
