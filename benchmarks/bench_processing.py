"""Processing speed (issue 4): hydrocyclone + leach train over 10^5 draws.

The train, per draw: Plitt cut sizes and partition of the four grain phases, REY recovery to the
underflow, then the kinetic leach (shrinking core with acid depletion and re-precipitation)
averaged over the residence-time distribution of three CSTRs. Draws vary the Plitt d50 factor,
the apatite median size, the acid concentration and the temperature. The reference runs the same
functions draw by draw in a Python loop (on 1,000 draws, scaled to 10^5).
"""

import time

import numpy as np

from reemud import beneficiation, leaching
from reemud.particles import SIZE_MID_UM, lognormal_class_fractions
from reemud.stages.common import mud_phase_sets

N = 100_000
LOOP_N = 1_000
PHASES = mud_phase_sets()["minamitorishima-assumed"]
FRACTIONS = {"clay": 0.772, "phillipsite": 0.109, "micronodules": 0.027, "apatite": 0.092}
GEOMETRY = dict(dc_cm=10.2, di_cm=2.5, do_cm=3.2, du_cm=1.6, h_cm=30.0)
TIMES = np.linspace(0.0, 50.0, 61)


def draws(n, seed=0):
    rng = np.random.default_rng(seed)
    return {"d50_factor": rng.uniform(0.8, 1.2, n), "apatite_median_um": rng.uniform(20, 40, n),
            "acid": rng.uniform(0.25, 0.75, n), "temperature_c": rng.uniform(15, 35, n)}


def train(d):
    n = d["acid"].shape[0]
    phi = 5.0
    q = beneficiation.plitt_flow_l_per_min(100.0, phi_vol_pct=phi, **GEOMETRY)
    split = 0.426 * beneficiation.plitt_split(100.0, dc_cm=10.2, do_cm=3.2, du_cm=1.6, h_cm=30.0,
                                              phi_vol_pct=phi, pulp_density_t_per_m3=1.1)
    bypass = split / (1 + split)
    m = beneficiation.plitt_sharpness(q, bypass, dc_cm=10.2, h_cm=30.0)
    rey_in, rey_out = 0.0, 0.0
    for name, props in PHASES.items():
        median = d["apatite_median_um"] if name == "apatite" else np.full(n, props["median_um"])
        sizes = lognormal_class_fractions(median, np.full(n, props["geometric_sd"]))
        d50 = d["d50_factor"] * beneficiation.plitt_d50c_um(
            q, phi_vol_pct=phi, solids_density_t_per_m3=props["density_t_per_m3"], **GEOMETRY)
        partition = beneficiation.actual_partition(SIZE_MID_UM, d50, np.full(n, m),
                                                   np.full(n, bypass))
        rey = FRACTIONS[name] * props["grade_ppm"]
        rey_in = rey_in + rey
        rey_out = rey_out + rey * (sizes * partition).sum(axis=-1)
    batch = leaching.batch_extraction_profile(
        TIMES, acid_mol_per_l=d["acid"], temperature_c=d["temperature_c"], tau_ref_min=5.0,
        acid_order=1.0, activation_j_per_mol=43580.0, loss_ref=0.049, loss_acid_exponent=2.0,
        loss_activation_j_per_mol=60000.0, ageing_rate_ref_per_min=0.0,
        demand_mol_h_per_l=0.23, protons_per_mol=1, substeps=4)
    leached = leaching.tanks_in_series_average(batch, TIMES, np.full(n, 5.0), np.full(n, 3))
    return rey_out / rey_in * leached


def case_hydrocyclone_and_leach_1e5_draws():
    d = draws(N)
    start = time.perf_counter()
    out = train(d)
    vectorised = time.perf_counter() - start
    small = {k: v[:LOOP_N] for k, v in d.items()}
    start = time.perf_counter()
    loop = [train({k: v[i:i + 1] for k, v in small.items()})[0] for i in range(LOOP_N)]
    per_draw = (time.perf_counter() - start) / LOOP_N
    assert np.allclose(loop, out[:LOOP_N], rtol=1e-12)
    return {"draws": N, "seconds": vectorised, "reference": f"per-draw Python loop, timed on "
            f"{LOOP_N} draws and scaled to {N}", "reference_seconds": per_draw * N,
            "mean_recovery": float(out.mean())}
