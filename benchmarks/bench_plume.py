"""Lagrangian plume engine speed (issue 15).

- particles_1e5_x_1440_steps: 10^5 particles x 1,440 steps of 60 s (one day), four grain classes
  (2, 5, 10 and 20 µm at 2,650 kg/m³: Stokes 3.5e-6 to 3.5e-4 m/s, all released at 50 m above the
  bed at the start, so every particle stays suspended and every particle-step is work), a
  current profile and a vertical diffusivity profile (drift-corrected walk, Brownian-bridge bed
  test): ``reemud.environment.lagrangian.simulate`` (one fused numba kernel over the particles)
  against a plain NumPy implementation of the same physics (vectorised over the particles, one
  array pass per step, NumPy's generator) in the same run. Peak memory: tracemalloc's peak
  during the call (NumPy arrays; the numba kernel allocates nothing per step).
- particles_1e5_x_1440_steps_constant: the same with a constant current and a constant vertical
  diffusivity, as the chain's default scenarios run it.
- opendrift_sedimentdrift_same_setup: with the optional extra ``compare`` (``pip install
  'reemud[compare]'``, OpenDrift): 2·10^4 particles of four settling velocities released 20 m
  above the bed under a constant current and K_z for a day, in the engine and in OpenDrift's
  SedimentDrift; the settled share of each beside the closed form (inverse-Gaussian CDF) and the
  time of each. Without OpenDrift the case is not run.
"""

import importlib.util
import time
import tracemalloc

import numba
import numpy as np

from reemud.environment import lagrangian as lg

N, STEPS, DT = 100_000, 1440, 60.0
DIAMETER_UM = np.array([2.0, 5.0, 10.0, 20.0])
SETTLING = 9.81 * (DIAMETER_UM * 1e-6) ** 2 * (2650.0 - 1025.0) / (18.0 * 1.6e-3)
HEIGHTS = np.array([0.0, 10.0, 100.0, 1000.0])
U = np.array([0.02, 0.05, 0.08, 0.08])
KZ = np.array([1e-4, 1e-3, 1e-3, 1e-4])
KH, DEPTH, RELEASE = 0.1, 5600.0, 50.0


def _engine(n=N, steps=STEPS, heights=HEIGHTS, u=U, kz=KZ):
    return lg.simulate(n_particles=n, n_steps=steps, dt_s=DT, release_xyz_m=(0.0, 0.0, RELEASE),
                       class_mass_kg=np.ones(4), class_settling_m_per_s=SETTLING,
                       current=lg.Current.profile(heights, u), kh_m2_per_s=KH,
                       kz_z_m=heights, kz_m2_per_s=kz, depth_m=DEPTH, seed=2026,
                       release_steps=np.zeros(n, dtype=np.int64))


def _interp(axis, values, z):
    return np.interp(z, axis, values) if axis.size > 1 else np.full(z.size, values[0])


def numpy_reference(n=N, steps=STEPS, seed=2026, heights=HEIGHTS, u_profile=U, kz=KZ):
    """The same walk as the engine, one vectorised NumPy pass per step over the live particles."""
    HEIGHTS, U, KZ = heights, u_profile, kz  # noqa: N806 - the profiles of this case
    rng = np.random.default_rng(seed)
    w = np.repeat(SETTLING, n // 4)
    x, y, z = np.zeros(w.size), np.zeros(w.size), np.full(w.size, RELEASE)
    live = np.ones(w.size, dtype=bool)
    slopes = np.diff(KZ) / np.diff(HEIGHTS) if HEIGHTS.size > 1 else np.zeros(1)
    horizontal = np.sqrt(6.0 * KH * DT)
    for _ in range(steps):
        idx = np.flatnonzero(live)
        zi = z[idx]
        u = _interp(HEIGHTS, U, zi)
        seg = np.clip(np.searchsorted(HEIGHTS, zi) - 1, 0, slopes.size - 1)
        slope = np.where((zi > HEIGHTS[0]) & (zi < HEIGHTS[-1]), slopes[seg], 0.0) \
            if HEIGHTS.size > 1 else np.zeros(zi.size)
        spread = np.maximum(_interp(HEIGHTS, KZ, zi + 0.5 * slope * DT), 0.0) * DT
        r = rng.uniform(-1.0, 1.0, (3, idx.size))
        x[idx] += u * DT + horizontal * r[0]
        y[idx] += horizontal * r[1]
        znew = zi + (slope - w[idx]) * DT + np.sqrt(6.0 * spread) * r[2]
        znew = np.where(znew > DEPTH, 2 * DEPTH - znew, znew)
        touched = (znew > 0) & (zi * znew < 20 * spread)
        bridge = touched & (rng.uniform(size=idx.size) < np.exp(-zi * znew / np.maximum(spread,
                                                                                        1e-300)))
        znew = np.where(bridge, 0.0, znew)
        z[idx] = np.maximum(znew, 0.0)
        live[idx[znew <= 0.0]] = False
    return x, y, z


def _case(**profiles):
    _engine(1000, 10, **profiles)  # compile (or load the cached kernel)
    tracemalloc.start()
    t0 = time.perf_counter()
    run = _engine(**profiles)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    active = float(np.where(run.event_step > 0, run.event_step, STEPS).sum()
                   - run.release_step.sum())
    reference_profiles = {"heights": profiles.get("heights", HEIGHTS),
                          "u_profile": profiles.get("u", U), "kz": profiles.get("kz", KZ)}
    t0 = time.perf_counter()
    x_ref, _, _ = numpy_reference(**reference_profiles)
    reference = time.perf_counter() - t0
    return {"particles": N, "steps": STEPS, "dt_s": DT, "classes": 4,
            "threads": numba.get_num_threads(), "seconds": seconds,
            "particle_steps": active, "ns_per_particle_step": seconds / active * 1e9,
            "particle_steps_per_s": active / seconds, "peak_memory_mb": peak / 1e6,
            "suspended_share": float(np.mean(run.status == lg.SUSPENDED)),
            "centroid_x_m": float(run.x_m.mean()), "reference_centroid_x_m": float(x_ref.mean()),
            "reference": "the same physics in plain NumPy (one vectorised pass per step)",
            "reference_seconds": reference}


def case_particles_1e5_x_1440_steps():
    return _case()


def case_particles_1e5_x_1440_steps_constant():
    return _case(heights=np.zeros(1), u=np.array([0.05]), kz=np.array([1e-3]))


COMPARE_PARTICLES, COMPARE_STEPS = 20_000, 1440
COMPARE_RELEASE, COMPARE_KZ, COMPARE_U = 20.0, 1e-3, 0.05
COMPARE_W = np.array([2e-4, 5e-4, 1e-3, 2e-3])


def _opendrift(n, w):
    """OpenDrift's SedimentDrift on the comparison set-up (constant current and K_z, no land)."""
    from datetime import datetime, timedelta

    from opendrift.models.sedimentdrift import SedimentDrift

    o = SedimentDrift(loglevel=50)
    for key, value in (("x_sea_water_velocity", COMPARE_U), ("y_sea_water_velocity", 0.0),
                       ("sea_floor_depth_below_sea_level", DEPTH), ("land_binary_mask", 0),
                       ("ocean_vertical_diffusivity", COMPARE_KZ)):
        o.set_config(f"environment:fallback:{key}", value)
    o.set_config("general:use_auto_landmask", False)
    o.set_config("drift:vertical_mixing", True)
    o.set_config("vertical_mixing:diffusivitymodel", "environment")
    start = datetime(2027, 1, 1)
    o.seed_elements(lon=154.0, lat=24.0, z=-(DEPTH - COMPARE_RELEASE), number=n, time=start,
                    terminal_velocity=-np.repeat(w, n // w.size))
    o.run(duration=timedelta(seconds=COMPARE_STEPS * DT), time_step=DT,
          time_step_output=COMPARE_STEPS * DT)
    lon = np.asarray(o.result["lon"][:, -1])
    settled = np.asarray(o.result["moving"][:, -1] == 0)
    x = np.radians(lon - 154.0) * 6_371_008.8 * np.cos(np.radians(24.0))
    return x, settled


def _opendrift_case():
    """With the optional extra ``compare`` (pip install opendrift): the same deposit, and time."""
    run = lg.simulate(n_particles=COMPARE_PARTICLES, n_steps=COMPARE_STEPS, dt_s=DT,
                      release_xyz_m=(0.0, 0.0, COMPARE_RELEASE), class_mass_kg=np.ones(4),
                      class_settling_m_per_s=COMPARE_W, current=lg.Current.constant(COMPARE_U),
                      kh_m2_per_s=0.0, kz_z_m=[0.0], kz_m2_per_s=[COMPARE_KZ], depth_m=DEPTH,
                      seed=1, release_steps=np.zeros(COMPARE_PARTICLES, dtype=np.int64))
    t0 = time.perf_counter()
    run = lg.simulate(n_particles=COMPARE_PARTICLES, n_steps=COMPARE_STEPS, dt_s=DT,
                      release_xyz_m=(0.0, 0.0, COMPARE_RELEASE), class_mass_kg=np.ones(4),
                      class_settling_m_per_s=COMPARE_W, current=lg.Current.constant(COMPARE_U),
                      kh_m2_per_s=0.0, kz_z_m=[0.0], kz_m2_per_s=[COMPARE_KZ], depth_m=DEPTH,
                      seed=1, release_steps=np.zeros(COMPARE_PARTICLES, dtype=np.int64))
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    x_od, settled_od = _opendrift(COMPARE_PARTICLES, COMPARE_W)
    reference = time.perf_counter() - t0
    on = run.deposited()
    exact = lg.settled_fraction(COMPARE_STEPS * DT, COMPARE_RELEASE, COMPARE_W, COMPARE_KZ)
    return {"particles": COMPARE_PARTICLES, "steps": COMPARE_STEPS, "seconds": seconds,
            "settled_share": float(on.mean()),
            "reference_settled_share": float(np.mean(settled_od)),
            "mean_landing_x_m": float(run.x_m[on].mean()),
            "reference_mean_landing_x_m": float(np.mean(x_od[settled_od])),
            "closed_form_settled_share": float(np.mean(exact)),
            "reference": "OpenDrift SedimentDrift, the same set-up (constant current and K_z, "
                         "no horizontal diffusion: SedimentDrift has no setting for it)",
            "reference_seconds": reference}


if importlib.util.find_spec("opendrift") is not None:  # the optional extra ``compare``
    case_opendrift_sedimentdrift_same_setup = _opendrift_case
