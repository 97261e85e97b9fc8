"""Lagrangian plume engine speed (issue 15).

- particles_1e5_x_1440_steps: 10^5 particles x 1,440 steps of 60 s (one day), four grain classes
  (2, 5, 10 and 20 µm at 2,650 kg/m³: Stokes 3.5e-6 to 3.5e-4 m/s, all released at 50 m above the
  bed at the start, so every particle stays suspended and every particle-step is work), a
  current profile and a vertical diffusivity profile (drift-corrected walk, Brownian-bridge bed
  test): ``reemud.environment.lagrangian.simulate`` (its vectorised numba kernel)
  against a plain NumPy implementation of the same physics (vectorised over the particles, one
  array pass per step, NumPy's generator) in the same run, each the fastest of three. Peak
  memory: tracemalloc's peak during the call (NumPy arrays; the numba kernel allocates nothing
  per step).
- particles_1e5_x_1440_steps_gridded_seabed: the same with the flat seabed given as a 2 x 2 grid,
  which takes the general kernel (the one that carries a gridded seabed, resuspension,
  flocculation and hindrance, one particle at a time) and looks the bed up bilinearly once a
  step: what a run with those features costs.
- particles_1e5_x_1440_steps_constant: the same with a constant current and a constant vertical
  diffusivity, as the chain's default scenarios run it.
- opendrift_sedimentdrift_same_setup: with the optional extra ``compare`` (``pip install
  'reemud[compare]'``, OpenDrift): 2·10^4 particles of four settling velocities (0.2, 0.5, 1 and
  2 mm/s, 5,000 each) released 20 m above the bed at 5,600 m under a constant current of 0.05 m/s
  and a constant K_z of 1e-3 m²/s for a day of 60 s steps, in OpenDrift's SedimentDrift
  (``vertical_mixing:diffusivitymodel = "constant"``: with "environment" it ignores the fallback
  K_z and mixes only the wind-driven top layer, so nothing is mixed at the bed) and in the engine
  with OpenDrift's bed condition (``bed_condition="settling_flux"``: the walk reflected at the
  bed, deposition by the settling step). Per class: the settled shares and mean landing x of
  both with their standard errors, their |z|, and the two-sample Kolmogorov-Smirnov p-value of
  the landing x; ``same_deposit_as_opendrift`` when every |z| <= 3 and every p >= 0.01. Beside
  it the engine with its default absorbing bed against the closed form (inverse Gaussian): it
  settles more of the slow classes, and sooner, than OpenDrift, by the bed condition alone.
  Timed: the engine against OpenDrift. Without OpenDrift the case is not run.
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


FLAT_GRID = lg.Seabed(np.array([-1e6, 1e6]), np.array([-1e6, 1e6]), np.zeros((2, 2)))
"""A flat seabed given as a grid: the same bed, taken through the general kernel."""


def _engine(n=N, steps=STEPS, heights=HEIGHTS, u=U, kz=KZ, seabed=None):
    return lg.simulate(n_particles=n, n_steps=steps, dt_s=DT, release_xyz_m=(0.0, 0.0, RELEASE),
                       class_mass_kg=np.ones(4), class_settling_m_per_s=SETTLING,
                       current=lg.Current.profile(heights, u), kh_m2_per_s=KH,
                       kz_z_m=heights, kz_m2_per_s=kz, depth_m=DEPTH, seed=2026,
                       release_steps=np.zeros(n, dtype=np.int64), seabed=seabed)


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


REPEATS = 3
"""Each side is timed this many times and the fastest kept (as ``timeit`` does): the machine's
other load only ever slows a run down."""


def _best(call):
    """The fastest of ``REPEATS`` calls [s] and the last call's result."""
    best = np.inf
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _case(**profiles):
    _engine(1000, 10, **profiles)  # compile (or load the cached kernel)
    tracemalloc.start()
    run = _engine(**profiles)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds, run = _best(lambda: _engine(**profiles))
    active = float(np.where(run.event_step > 0, run.event_step, STEPS).sum()
                   - run.release_step.sum())
    reference_profiles = {"heights": profiles.get("heights", HEIGHTS),
                          "u_profile": profiles.get("u", U), "kz": profiles.get("kz", KZ)}
    reference, (x_ref, _, _) = _best(lambda: numpy_reference(**reference_profiles))
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


def case_particles_1e5_x_1440_steps_gridded_seabed():
    return _case(seabed=FLAT_GRID)


def case_particles_1e5_x_1440_steps_constant():
    return _case(heights=np.zeros(1), u=np.array([0.05]), kz=np.array([1e-3]))


COMPARE_PARTICLES, COMPARE_STEPS = 20_000, 1440
COMPARE_RELEASE, COMPARE_KZ, COMPARE_U = 20.0, 1e-3, 0.05
COMPARE_W = np.array([2e-4, 5e-4, 1e-3, 2e-3])


def _opendrift(n, w, seed=1):
    """OpenDrift's SedimentDrift on the comparison set-up (constant current and K_z, no land).

    ``vertical_mixing:diffusivitymodel = "constant"`` makes it use the fallback K_z: with
    "environment" and no K_z field it ignores the fallback and uses the wind-driven Large (1994)
    profile of the top mixed layer, so 5.6 km down the particles are not mixed at all.
    """
    from datetime import datetime, timedelta

    from opendrift.models.sedimentdrift import SedimentDrift

    o = SedimentDrift(loglevel=50)
    for key, value in (("x_sea_water_velocity", COMPARE_U), ("y_sea_water_velocity", 0.0),
                       ("sea_floor_depth_below_sea_level", DEPTH), ("land_binary_mask", 0),
                       ("ocean_vertical_diffusivity", COMPARE_KZ)):
        o.set_config(f"environment:fallback:{key}", value)
    o.set_config("general:use_auto_landmask", False)
    o.set_config("drift:vertical_mixing", True)
    o.set_config("vertical_mixing:diffusivitymodel", "constant")
    o.set_config("vertical_mixing:timestep", DT)
    start = datetime(2027, 1, 1)
    o.seed_elements(lon=154.0, lat=24.0, z=-(DEPTH - COMPARE_RELEASE), number=n, time=start,
                    terminal_velocity=-np.repeat(w, n // w.size))
    np.random.seed(seed)  # noqa: NPY002 - OpenDrift draws from NumPy's global generator
    o.run(duration=timedelta(seconds=COMPARE_STEPS * DT), time_step=DT,
          time_step_output=COMPARE_STEPS * DT)
    lon = np.asarray(o.result["lon"][:, -1])
    settled = np.asarray(o.result["moving"][:, -1] == 0)
    x = np.radians(lon - 154.0) * 6_371_008.8 * np.cos(np.radians(24.0))
    return x, settled


def _share(settled):
    """Settled share of each row and its binomial standard error."""
    p = settled.mean(axis=1)
    return p, np.sqrt(p * (1.0 - p) / settled.shape[1])


def _mean_x(x, settled):
    """Mean landing x of each row's settled particles and its standard error (None: none)."""
    means, errors = [], []
    for xs in (row[on] for row, on in zip(x, settled, strict=True)):
        means.append(float(xs.mean()) if xs.size else None)
        errors.append(float(xs.std(ddof=1) / np.sqrt(xs.size)) if xs.size > 1 else None)
    return means, errors


def _z(diff, se):
    """|difference| / standard error, 0 where the difference is 0 (both shares 0 or 1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(diff == 0.0, 0.0, np.abs(diff) / se)


def _closed_form_mean_x(t_s, h, w, kz, u):
    """U times the mean landing time of those landed by ``t_s`` (inverse Gaussian, truncated)."""
    from scipy import integrate, stats

    mean, shape = h / w, h**2 / (2.0 * kz)
    dist = stats.invgauss(mean / shape, scale=shape)
    return u * integrate.quad(lambda s: s * dist.pdf(s), 0.0, t_s, limit=200)[0] / dist.cdf(t_s)


def _landing_x_z(x_a, on_a, x_b, on_b):
    """Per class: |z| of the difference in mean landing x, and the two-sample KS p-value."""
    from scipy import stats

    z, p = [], []
    for xa, oa, xb, ob in zip(x_a, on_a, x_b, on_b, strict=True):
        a, b = xa[oa], xb[ob]
        z.append(float(abs(a.mean() - b.mean()) / np.hypot(a.std(ddof=1) / np.sqrt(a.size),
                                                           b.std(ddof=1) / np.sqrt(b.size))))
        p.append(float(stats.ks_2samp(a, b).pvalue))
    return z, p


def _opendrift_case():
    """With the optional extra ``compare`` (pip install opendrift): the deposit per class, and time.

    The engine with the settling-flux bed (OpenDrift's condition) against OpenDrift, class by
    class: settled shares, mean landing x and the KS test of the landing x; and the engine with
    its default absorbing bed against the closed form (inverse Gaussian).
    """
    per_class = COMPARE_PARTICLES // COMPARE_W.size
    kwargs = {"n_particles": COMPARE_PARTICLES, "n_steps": COMPARE_STEPS, "dt_s": DT,
              "release_xyz_m": (0.0, 0.0, COMPARE_RELEASE), "class_mass_kg": np.ones(4),
              "class_settling_m_per_s": COMPARE_W, "current": lg.Current.constant(COMPARE_U),
              "kh_m2_per_s": 0.0, "kz_z_m": [0.0], "kz_m2_per_s": [COMPARE_KZ],
              "depth_m": DEPTH, "seed": 1,
              "release_steps": np.zeros(COMPARE_PARTICLES, dtype=np.int64)}
    flux = kwargs | {"bed_condition": "settling_flux"}
    lg.simulate(**flux)  # compile (or load the cached kernel)
    t0 = time.perf_counter()
    run_flux = lg.simulate(**flux)
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    x_od, settled_od = _opendrift(COMPARE_PARTICLES, COMPARE_W)
    reference = time.perf_counter() - t0
    run_absorbing = lg.simulate(**kwargs)
    settled_od, x_od = settled_od.reshape(4, per_class), x_od.reshape(4, per_class)
    out = {"particles": COMPARE_PARTICLES, "steps": COMPARE_STEPS, "dt_s": DT,
           "particles_per_class": per_class, "settling_m_per_s": COMPARE_W.tolist(),
           "seconds": seconds}
    p_od, se_od = _share(settled_od)
    for name, run in (("settling_flux", run_flux), ("absorbing", run_absorbing)):
        classes = [run.grain_class == k for k in range(COMPARE_W.size)]
        on = run.deposited()
        settled = np.array([on[c] for c in classes])
        x = np.array([run.x_m[c] for c in classes])
        share, se = _share(settled)
        out[f"engine_{name}_settled_share"], out[f"engine_{name}_settled_share_se"] = \
            share.tolist(), se.tolist()
        out[f"engine_{name}_mean_landing_x_m"], out[f"engine_{name}_mean_landing_x_m_se"] = \
            _mean_x(x, settled)
        if name == "settling_flux":
            z_x, ks = _landing_x_z(x, settled, x_od, settled_od)
            z_share = _z(share - p_od, np.hypot(se, se_od))
        else:
            exact = lg.settled_fraction(COMPARE_STEPS * DT, COMPARE_RELEASE, COMPARE_W,
                                        COMPARE_KZ)
            z_share_exact = _z(share - exact, np.sqrt(exact * (1.0 - exact) / per_class))
            x_exact = [float(_closed_form_mean_x(COMPARE_STEPS * DT, COMPARE_RELEASE, w,
                                                 COMPARE_KZ, COMPARE_U)) for w in COMPARE_W]
            means, errors = out["engine_absorbing_mean_landing_x_m"], \
                out["engine_absorbing_mean_landing_x_m_se"]
            z_x_exact = [float(abs(m - e) / s) for m, e, s in zip(means, x_exact, errors,
                                                                   strict=True)]
    out |= {"opendrift_settled_share": p_od.tolist(), "opendrift_settled_share_se": se_od.tolist()}
    out["opendrift_mean_landing_x_m"], out["opendrift_mean_landing_x_m_se"] = _mean_x(
        x_od, settled_od)
    out |= {"abs_z_settled_share_engine_vs_opendrift": z_share.tolist(),
            "abs_z_mean_landing_x_engine_vs_opendrift": z_x,
            "ks_p_landing_x_engine_vs_opendrift": ks,
            "same_deposit_as_opendrift": bool(np.all(z_share <= 3.0) and max(z_x) <= 3.0
                                              and min(ks) >= 0.01),
            "closed_form_settled_share": exact.tolist(),
            "abs_z_settled_share_absorbing_vs_closed_form": z_share_exact.tolist(),
            "closed_form_mean_landing_x_m": x_exact,
            "abs_z_mean_landing_x_absorbing_vs_closed_form": z_x_exact}
    out["reference"] = ("OpenDrift SedimentDrift, the same set-up (constant current, constant "
                        "K_z via diffusivitymodel 'constant', no horizontal diffusion: "
                        "SedimentDrift has no setting for it); the engine with the same bed "
                        "condition (settling_flux)")
    out["reference_seconds"] = reference
    return out


if importlib.util.find_spec("opendrift") is not None:  # the optional extra ``compare``
    case_opendrift_sedimentdrift_same_setup = _opendrift_case
