"""Lifting and campaign speed (issue 3).

- envelope: the closed-circulation operating envelope over 10^4 operating points in one vectorised
  call, against a per-point Python loop over the same function in the same run;
- campaigns: 1,000 SimPy campaigns of 30 days, against the simulated time they cover (the ratio
  is how many times faster than real time the campaigns run).
"""

import numpy as np

from reemud import lifting
from reemud.bench import best_of
from reemud.collector.campaign import simulate_campaigns
from reemud.scenario import load_scenario
from reemud.stages.collector import campaign_spec

SITE = dict(depth_m=5600.0, solids_density_kg_per_m3=2545.0, seawater_density_kg_per_m3=1025.0,
            carrier_viscosity_pa_s=1.78e-3, riser_inner_diameter_m=0.2, pipe_roughness_m=3.6e-5,
            yield_stress_coefficient_pa=0.005, rheology_exponent=23.03,
            downline_inner_diameter_m=0.2, pump_efficiency=0.75, miner_pressure_loss_pa=1e5)


def case_envelope_1e4_points():
    cv = np.linspace(0.01, 0.2, 100)[:, None]
    flow = np.linspace(0.005, 0.15, 100)[None, :]
    vectorised = best_of(lambda: lifting.closed_circulation(
        flow_m3_per_s=flow, solids_volume_fraction=cv, **SITE), repeat=5)
    pairs = [(float(c), float(q)) for c in cv[:, 0] for q in flow[0]]

    def loop():
        for c, q in pairs:
            lifting.closed_circulation(flow_m3_per_s=q, solids_volume_fraction=c, **SITE)

    return {"points": len(pairs), "seconds": vectorised, "reference": "per-point Python loop",
            "reference_seconds": best_of(loop, repeat=1)}


def case_campaigns_1000():
    sc = load_scenario("minamitorishima-2027")
    deposit = run_from_deposit(sc)
    spec = campaign_spec(sc.stages["collector"].params, deposit)
    seconds = best_of(lambda: simulate_campaigns(spec, 1000, seed=0), repeat=1)
    return {"campaigns": 1000, "campaign_days": spec.duration_h / 24.0, "seconds": seconds,
             "reference": "simulated time covered (real time)",
            "reference_seconds": 1000 * spec.duration_h * 3600.0}


def run_from_deposit(sc):
    from reemud.chain import Chain

    return Chain(sc).run().records["deposit"]
