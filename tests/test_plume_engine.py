"""The Lagrangian plume engine (reemud.environment.lagrangian) against closed forms and its books."""

import numba
import numpy as np
import pytest
from scipy import optimize

from reemud.environment import lagrangian as lg

DEPTH = 5600.0


def _run(n=20_000, steps=400, dt=60.0, h=5.0, w=1e-3, u=0.05, kh=0.1, kz=0.0, seed=1, **kw):
    """One class released at once at height ``h`` above the bed."""
    return lg.simulate(n_particles=n, n_steps=steps, dt_s=dt, release_xyz_m=(0.0, 0.0, h),
                       class_mass_kg=[1.0], class_settling_m_per_s=[w],
                       current=lg.Current.constant(u), kh_m2_per_s=kh, kz_z_m=[0.0],
                       kz_m2_per_s=[kz], depth_m=DEPTH, seed=seed,
                       release_steps=kw.pop("release_steps", np.zeros(n, dtype=np.int64)), **kw)


@pytest.mark.parametrize(("w", "kh"), [(1e-3, 0.1), (3e-4, 0.5), (2e-3, 0.02)])
def test_settling_without_vertical_mixing_lands_on_the_closed_form(w, kh):
    h, u, dt = 5.0, 0.05, 60.0
    run = _run(w=w, kh=kh, steps=int(2 * h / w / dt) + 5)
    assert run.deposited().all()
    # every particle lands in the step that takes it below the bed: ceil(h / (w dt))
    steps = int(np.ceil(h / (w * dt) - 1e-9))
    assert set(run.event_step.tolist()) == {steps}
    t = steps * dt
    n = run.x_m.size
    # centroid U t and spread 2 K_h t, within 4 standard errors
    sigma = np.sqrt(2 * kh * t)
    assert run.x_m.mean() == pytest.approx(u * t, abs=4 * sigma / np.sqrt(n))
    assert run.y_m.mean() == pytest.approx(0.0, abs=4 * sigma / np.sqrt(n))
    assert run.x_m.var() == pytest.approx(sigma**2, rel=4 * np.sqrt(2 / n))
    assert run.y_m.var() == pytest.approx(sigma**2, rel=4 * np.sqrt(2 / n))


@pytest.mark.parametrize(("w", "kz"), [(1e-3, 1e-3), (5e-4, 2.5e-4), (2e-3, 2e-4)])
def test_landing_time_and_position_are_inverse_gaussian(w, kz):
    h, u, kh, dt = 5.0, 0.05, 0.1, 10.0
    exact = lg.landing_moments(h, w, kz, u, kh)
    steps = int(20 * exact["mean_t_s"] / dt)
    run = _run(n=40_000, w=w, kz=kz, kh=kh, dt=dt, steps=steps)
    landed = run.deposited()
    assert landed.mean() > 0.995
    t = run.event_step[landed] * dt
    n = t.size
    sd_t = np.sqrt(exact["var_t_s2"])
    # the step lands after crossing: on average half a step late (the O(dt) bias)
    assert t.mean() - dt / 2 == pytest.approx(exact["mean_t_s"], abs=4 * sd_t / np.sqrt(n) + dt)
    assert run.x_m[landed].mean() == pytest.approx(
        exact["mean_x_m"], abs=4 * np.sqrt(exact["var_x_m2"] / n) + u * dt)
    assert run.x_m[landed].var() == pytest.approx(exact["var_x_m2"], rel=0.08)
    assert run.y_m[landed].var() == pytest.approx(exact["var_y_m2"], rel=0.08)
    for frac in (0.25, 0.5, 0.75):
        when = exact["mean_t_s"] * frac * 2
        share = np.mean(run.event_step * dt <= when)
        model = float(lg.settled_fraction(when, h, w, kz))
        assert share == pytest.approx(model, abs=4 * np.sqrt(model * (1 - model) / n) + 0.01)


@pytest.mark.parametrize(("kh", "threshold"), [(0.1, 1e-3), (0.5, 1e-4)])
def test_deposit_area_above_a_threshold_matches_the_gaussian_disc(kh, threshold):
    h, w, dt, mass, density = 5.0, 1e-3, 60.0, 2.0e5, 1000.0
    run = lg.simulate(n_particles=200_000, n_steps=100, dt_s=dt, release_xyz_m=(0, 0, h),
                      class_mass_kg=[mass], class_settling_m_per_s=[w],
                      current=lg.Current.constant(0.0), kh_m2_per_s=kh, kz_z_m=[0.0],
                      kz_m2_per_s=[0.0], depth_m=DEPTH, seed=7,
                      release_steps=np.zeros(200_000, dtype=np.int64))
    t = np.ceil(h / (w * dt) - 1e-9) * dt
    sigma = np.sqrt(2 * kh * t)
    edges = np.linspace(-5 * sigma, 5 * sigma, 121)
    thickness, off = lg.deposit_thickness_m(run, edges, edges, density)
    assert 0.0 <= off <= mass * 1e-4  # beyond 5 sigma: returned, not lost
    area = lg.area_above_km2(thickness, edges, edges, threshold)
    exact = float(lg.gaussian_area_above_km2(mass, sigma, density, threshold))
    assert exact > 0
    assert area == pytest.approx(exact, rel=0.05)
    # the grid holds the mass: thickness x area x density
    cell = np.diff(edges)[0] ** 2
    assert (thickness.sum() * cell * density + off) == pytest.approx(mass, rel=1e-12)


def test_mass_is_conserved_at_every_step_by_count_and_mass():
    run = lg.simulate(n_particles=5_000, n_steps=300, dt_s=60.0, release_xyz_m=(0, 0, 20.0),
                      class_mass_kg=[3.0, 1.0, 0.5], class_settling_m_per_s=[2e-3, 5e-4, 1e-4],
                      current=lg.Current(np.zeros(1), np.zeros(1), np.zeros(1),
                                         np.array([-200.0, 200.0]), np.full((1, 1, 1, 2), 0.05),
                                         np.zeros((1, 1, 1, 2))),
                      kh_m2_per_s=0.5, kz_z_m=[0.0, 50.0], kz_m2_per_s=[1e-3, 1e-2],
                      depth_m=DEPTH, seed=3)
    book = run.ledger()
    assert np.array_equal(book["released_particles"], book["suspended_particles"]
                          + book["deposited_particles"] + book["exported_particles"])
    assert np.allclose(book["released_kg"], book["suspended_kg"] + book["deposited_kg"]
                       + book["exported_kg"], rtol=0, atol=1e-12)
    assert book["released_kg"][-1] == pytest.approx(4.5, rel=1e-12)
    assert book["exported_particles"][-1] > 0  # the current's x axis is the domain
    assert book["deposited_particles"][-1] > 0
    assert np.all(np.diff(book["deposited_kg"]) >= 0)
    exported = run.status == lg.EXPORTED
    assert np.all(np.abs(run.x_m[exported]) > 200.0)
    # every particle's mass: the classes' masses over their particle counts
    for k, m in enumerate([3.0, 1.0, 0.5]):
        assert run.mass_kg[run.grain_class == k].sum() == pytest.approx(m, rel=1e-12)


def test_the_release_spreads_over_the_operating_steps_only():
    on = np.zeros(100, dtype=bool)
    on[10:20] = on[60:70] = True
    steps = lg.release_schedule(1000, 100, on)
    assert set(np.unique(steps)) == set(range(10, 20)) | set(range(60, 70))
    assert np.bincount(steps, minlength=100)[on].tolist() == [50] * 20
    with pytest.raises(ValueError, match="operating_steps: the source never runs"):
        lg.release_schedule(10, 5, np.zeros(5, dtype=bool))


def test_the_seed_decides_and_the_thread_count_does_not():
    def once(seed):
        return lg.simulate(n_particles=3_000, n_steps=200, dt_s=60.0,
                           release_xyz_m=(0, 0, 10.0), class_mass_kg=[1.0, 1.0],
                           class_settling_m_per_s=[1e-3, 2e-4], current=lg.Current.constant(0.05),
                           kh_m2_per_s=0.1, kz_z_m=[0.0, 10.0], kz_m2_per_s=[1e-4, 1e-3],
                           depth_m=DEPTH, seed=seed)

    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = once(11)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = once(11)
    finally:
        numba.set_num_threads(before)
    for name in ("x_m", "y_m", "z_m", "status", "event_step"):
        assert np.array_equal(getattr(one, name), getattr(many, name)), name
    assert not np.array_equal(once(12).x_m, one.x_m)


def test_a_well_mixed_tracer_stays_well_mixed_under_varying_diffusivity():
    # a column 0-50 m, K_z from 1e-4 at the bed to 1e-2 m²/s at 25 m and back (piecewise linear
    # on fine nodes); reflecting bed and surface; no settling, no current
    depth, n = 50.0, 40_000
    zk = np.linspace(0.0, depth, 51)
    kz = 1e-4 + 1e-2 * np.sin(np.pi * zk / depth) ** 2
    start = (np.arange(n) + 0.5) / n * depth

    def spread(drift):
        run = lg.simulate(n_particles=n, n_steps=2000, dt_s=5.0, release_xyz_m=(0, 0, 1.0),
                          class_mass_kg=[1.0], class_settling_m_per_s=[0.0],
                          current=lg.Current.constant(0.0), kh_m2_per_s=0.0, kz_z_m=zk,
                          kz_m2_per_s=kz, depth_m=depth, seed=5, release_z_m=start,
                          release_steps=np.zeros(n, dtype=np.int64), reflect_bed=True,
                          drift_correction=drift)
        counts, _ = np.histogram(run.z_m, bins=10, range=(0.0, depth))
        return counts

    expected = n / 10
    chi2 = ((spread(True) - expected) ** 2 / expected).sum()
    assert chi2 < 27.9  # chi-square, 9 degrees of freedom, p = 0.001
    naive = spread(False)  # without the drift term the tracer piles up where K_z is small
    assert ((naive - expected) ** 2 / expected).sum() > 1000
    assert naive[0] > 1.5 * expected


def _uniform_column(bed_condition, n=200_000, height=20.0, w=1e-4, kz=1e-3, steps=60, dt=60.0,
                    seed=11):
    """A cloud uniform from the bed to ``height``; its share settled after ``steps`` steps."""
    start = (np.arange(n) + 0.5) / n * height
    run = lg.simulate(n_particles=n, n_steps=steps, dt_s=dt, release_xyz_m=(0, 0, 1.0),
                      class_mass_kg=[1.0], class_settling_m_per_s=[w],
                      current=lg.Current.constant(0.0), kh_m2_per_s=0.0, kz_z_m=[0.0],
                      kz_m2_per_s=[kz], depth_m=DEPTH, seed=seed, release_z_m=start,
                      release_steps=np.zeros(n, dtype=np.int64), bed_condition=bed_condition)
    return run.deposited().mean()


def test_the_settling_flux_bed_deposits_w_c_at_the_bed():
    # a uniform cloud keeps its concentration c at the bed (the walk reflected there, the
    # settling shifting it down) until its top's clearing reaches down: the settling-flux bed
    # then takes w c per unit area and time, a share w T / H of the cloud, at any step
    n, height, w, kz, dt = 200_000, 20.0, 1e-4, 1e-3, 60.0
    for steps in (30, 60):
        share = _uniform_column("settling_flux", n, height, w, kz, steps, dt)
        exact = w * steps * dt / height
        assert share == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / n))
    # the absorbing bed takes the diffusive flux too: over the cloud's heights the
    # inverse-Gaussian share of a point release (a bound beside the case above)
    absorbing = _uniform_column("absorbing", n, height, w, kz, 60, dt)
    heights = (np.arange(2000) + 0.5) / 2000 * height
    exact = float(np.mean(lg.settled_fraction(60 * dt, heights, w, kz)))
    assert absorbing == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / n) + 0.005)
    assert absorbing > 5 * w * 60 * dt / height


def test_an_unknown_bed_condition_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"^bed_condition must be one of absorbing, "
                                         r"settling_flux \(got 'sticky'\)$"):
        _run(n=10, steps=2, bed_condition="sticky")


def test_halving_the_time_step_keeps_the_landing_within_sampling_error():
    h, w, kz, u, kh = 5.0, 1e-3, 1e-3, 0.05, 0.1
    exact = lg.landing_moments(h, w, kz, u, kh)
    means = []
    for dt in (20.0, 10.0, 5.0):
        run = _run(n=40_000, w=w, kz=kz, kh=kh, u=u, dt=dt,
                   steps=int(20 * exact["mean_t_s"] / dt))
        landed = run.deposited()
        means.append(run.x_m[landed].mean())
    error = 4 * np.sqrt(exact["var_x_m2"] / 40_000)
    # the O(dt) lateness (half a step of current) shrinks with dt
    assert abs(means[1] - means[2]) < abs(means[0] - means[2]) + error
    assert means[2] == pytest.approx(exact["mean_x_m"], abs=error + u * 5.0)


def test_flocculation_speeds_the_landing_as_its_closed_form():
    h, w0, wf, tau, dt = 5.0, 1e-4, 2e-3, 1800.0, 10.0
    run = _run(n=2_000, w=w0, kh=0.0, dt=dt, steps=2000, floc_settling_m_per_s=[wf],
               floc_time_s=[tau])

    def fallen(t):  # z(0) - z(t) with ws = wf - (wf - w0) e^{-t/tau}
        return wf * t - (wf - w0) * tau * (1 - np.exp(-t / tau)) - h

    t_exact = optimize.brentq(fallen, 1.0, 1e6)
    assert run.deposited().all()
    assert run.event_step.mean() * dt == pytest.approx(t_exact, abs=2 * dt)
    no_floc = _run(n=100, w=w0, kh=0.0, dt=dt, steps=2000)
    assert not no_floc.deposited().any()  # 5 m at 0.1 mm/s takes 14 h


def test_snapshots_hold_the_positions_after_their_steps():
    n = 1000
    release = np.where(np.arange(n) < 500, 0, 50).astype(np.int64)
    run = _run(n=n, steps=100, h=1000.0, w=1e-3, kh=0.0, u=0.1, release_steps=release,
               snap_steps=(0, 20, 100))
    x20 = run.snapshots[1, 0]
    assert np.allclose(x20[:500], 0.1 * 60.0 * 20)  # 20 steps of current
    assert np.allclose(x20[500:], 0.0)  # not yet released: at the source
    assert np.allclose(run.snapshots[2, 0], run.x_m)
    assert np.allclose(run.snapshots[2, 2][:500], 1000.0 - 1e-3 * 60.0 * 100)
    book = run.ledger([20, 100])
    assert book["released_particles"].tolist() == [500, 1000]
    assert book["suspended_particles"].tolist() == [500, 1000]


def test_particles_are_shared_among_classes_in_proportion_to_mass():
    assert lg.particles_per_class(np.array([3.0, 1.0]), 100).tolist() == [75, 25]
    # a class with mass gets one at least; the rest by the largest remainders
    counts = lg.particles_per_class(np.array([3.0, 1.0, 0.0, 1e-9]), 100)
    assert counts.sum() == 100
    assert counts[2:].tolist() == [0, 1]
    with pytest.raises(ValueError, match="class_mass_kg: every class needs a mass >= 0"):
        lg.particles_per_class(np.array([0.0, 0.0]), 10)


def test_hindered_settling_at_the_sources_concentration_slows_by_richardson_zaki():
    # a source so strong that the whole run sits at its cap: w = w0 (1 - phi0)^n exactly, so
    # every particle lands in the step that takes it below the bed at the hindered speed
    n = lg.richardson_zaki_exponent(0.0)
    assert n == pytest.approx(4.7)
    assert lg.richardson_zaki_exponent(1e8) == pytest.approx(0.41 / 0.175, rel=1e-3)
    hindered = {"rate_kg_per_s": [1e15], "volume_fraction": [0.2], "density_kg_per_m3": [2650.0],
                "exponent": [n]}
    w, h, dt = 1e-3, 5.0, 60.0
    slow = w * 0.8**n
    run = _run(n=2000, w=w, h=h, kh=0.1, kz=1e-12, steps=int(2 * h / slow / dt),
               hindered=hindered)
    assert run.deposited().all()
    assert set(run.event_step.tolist()) == {int(np.ceil(h / (slow * dt)))}


def test_the_hindrance_follows_the_point_source_dilution():
    # phi = a / R exp(-U (R - xi) / 2K) in the scaled coordinates, capped; 1 beyond PHI_MIN
    a, cap, n, kh, u = 1e-2, 0.1, 4.7, 1.0, 0.02
    for dx, dy, dz in ((50.0, 0.0, 0.0), (30.0, 40.0, 0.0), (-20.0, 5.0, 10.0)):
        r = np.sqrt(dx * dx + dy * dy + dz * dz)
        phi = min(cap, a / r * np.exp(-u * (r - dx) / (2 * kh)))
        assert lg._hindrance(dx, dy, dz, u, 0.0, kh, a, cap, n) == pytest.approx((1 - phi) ** n,
                                                                                 rel=1e-12)
    assert lg._hindrance(1e-4, 0.0, 0.0, u, 0.0, kh, a, cap, n) == pytest.approx((1 - cap) ** n)
    assert lg._hindrance(a / lg.PHI_MIN * 1.01, 0.0, 0.0, u, 0.0, kh, a, cap, n) == 1.0


def _tidal(high=0.5, low=0.01, period_s=7200.0, steps=400, dt=60.0):
    """A current switching between ``low`` and ``high`` every half period (time axis only)."""
    t = np.arange(0.0, steps * dt + period_s, period_s / 12)
    u = np.where((t // (period_s / 2)) % 2 == 0, low, high)
    zero = np.zeros(1)
    return lg.Current(t, zero, zero, zero, u.reshape(-1, 1, 1, 1), np.zeros((t.size, 1, 1, 1)))


SHEAR = {"critical_shear_pa": 0.05, "bed_drag_coefficient": 0.0022,
         "water_density_kg_per_m3": 1025.0}


def test_above_the_critical_shear_stress_nothing_deposits():
    # tau_b = 1025 * 0.0022 * 0.5^2 = 0.56 Pa > 0.05 Pa everywhere and always: a reflecting bed
    run = _run(n=2000, w=1e-3, h=2.0, u=0.5, kz=1e-4, steps=300, **SHEAR)
    assert run.bed_mode == lg.BED_REFLECTING
    assert not run.deposited().any()
    calm = _run(n=2000, w=1e-3, h=2.0, u=0.1, kz=1e-4, steps=300, **SHEAR)  # 0.023 Pa
    assert calm.bed_mode == lg.BED_ABSORBING
    assert calm.deposited().mean() > 0.9


def test_resuspension_lifts_the_deposit_when_the_tide_turns_and_the_books_hold():
    dt, steps = 60.0, 400
    current = _tidal(steps=steps, dt=dt)
    run = lg.simulate(n_particles=4000, n_steps=steps, dt_s=dt, release_xyz_m=(0.0, 0.0, 1.0),
                      class_mass_kg=[1.0], class_settling_m_per_s=[1e-3], current=current,
                      kh_m2_per_s=0.1, kz_z_m=[0.0], kz_m2_per_s=[1e-4], depth_m=DEPTH,
                      seed=5, release_steps=np.zeros(4000, dtype=np.int64), **SHEAR)
    assert run.bed_mode == lg.BED_DYNAMIC
    book = run.ledger()
    total = book["suspended_kg"] + book["deposited_kg"] + book["exported_kg"]
    assert np.array_equal(book["suspended_particles"] + book["deposited_particles"]
                          + book["exported_particles"], book["released_particles"])
    assert np.allclose(total, book["released_kg"], rtol=1e-12, atol=0.0)
    # the shear is above critical from step 53 to 117 of each two hours (the current ramps
    # linearly between its nodes every 10 min, crossing 0.149 m/s): nobody stays on the bed in
    # the high phase, and somebody lands in each low phase
    on_bed = book["deposited_particles"]
    for start in (60, 180, 300):
        assert on_bed[start + 1: start + 50].max() == 0
        assert on_bed[start + 60 + 30] > 0
    # a particle lands in a low phase and lifts at the next rise: its stays are recorded
    assert run.n_cycles.max() >= 2
    stays = run.cycles[:, 0::2][run.cycles[:, 0::2] >= 0]
    lifts = run.cycles[:, 1::2][run.cycles[:, 1::2] >= 0]
    assert np.all(np.isin(lifts % 120, np.arange(53, 56)))  # at the rise of the shear
    assert np.all((stays % 120 >= 116) | (stays % 120 <= 53))  # in the low phase


def test_a_sloping_seabed_meets_the_settling_particle_where_the_plane_does():
    # without mixing a particle at height h settles at w and drifts at U over a bed rising with
    # slope s along x: it lands when h - w t = s U t, t = h / (w + s U), on the bed's plane
    h, w, u, s, dt = 20.0, 1e-3, 0.05, 1e-3, 60.0
    bed = lg.Seabed(np.array([-1e4, 1e4]), np.array([-1e4, 1e4]),
                    np.array([[-10.0, 10.0], [-10.0, 10.0]]))
    run = _run(n=200, w=w, h=h, u=u, kh=0.0, kz=0.0, steps=500, seabed=bed)
    t = h / (w + s * u)
    assert set(run.event_step.tolist()) == {int(np.ceil(t / dt))}
    assert run.z_m == pytest.approx(s * run.x_m, abs=1e-9)


def test_flocculation_by_concentration_at_a_steady_fraction_is_flocculation_by_age():
    # at the source's fraction phi0 everywhere (a source so strong its cap holds throughout),
    # dP/dt = (1 - P) phi0 / (tau phi_ref): flocculation by age with tau phi_ref / phi0
    w0, wf, tau, h = 2e-4, 2e-3, 3600.0, 5.0
    phi0, reference = 0.02, 0.01 * 2650.0  # kg/m3: phi_ref = 0.01, so tau / 2
    common = {"n": 500, "w": w0, "h": h, "kh": 0.1, "kz": 1e-12, "steps": 600,
              "floc_settling_m_per_s": [wf]}
    by_age = _run(**common, floc_time_s=[tau / 2])
    source = {"rate_kg_per_s": [1e15], "volume_fraction": [phi0], "density_kg_per_m3": [2650.0],
              "exponent": [0.0]}  # no hindrance
    by_concentration = _run(**common, floc_time_s=[tau], hindered=source,
                            floc_reference_kg_per_m3=reference)
    assert by_age.deposited().all()
    assert np.array_equal(by_concentration.event_step, by_age.event_step)
    # with a reference fraction ten times the source's (0.2) they form at a tenth of the rate
    # of tau: every particle lands later
    dilute = _run(**common, floc_time_s=[tau], hindered=source,
                  floc_reference_kg_per_m3=reference * 10 * phi0 / 0.01)
    assert dilute.event_step.min() > by_age.event_step.max()


def _tide():
    """A current reversing every hour, on a bounded x-y domain (a time series: looked up per lane)."""
    t = np.arange(0.0, 86_400.0 + 1, 3600.0)
    u = (0.08 * np.where(np.arange(t.size) % 2, 1.0, -1.0))[:, None, None, None] * np.ones(
        (1, 1, 2, 2))
    edges = np.array([-400.0, 400.0])
    return lg.Current(t, np.zeros(1), edges, edges, u, np.zeros_like(u))


KERNEL_CASES = {
    "constant, mixing": {"kz": 1e-3},
    "constant, no vertical mixing": {"kz": 0.0},
    "profiles": {"current": lg.Current.profile([0.0, 2.0, 20.0], [0.01, 0.04, 0.08]),
                 "kz_z_m": [0.0, 1.0, 4.0, 30.0], "kz_m2_per_s": [1e-4, 2e-3, 5e-4, 1e-4]},
    "profiles, no drift correction": {
        "current": lg.Current.profile([0.0, 20.0], [0.02, 0.06]), "kz_z_m": [0.0, 10.0],
        "kz_m2_per_s": [1e-3, 1e-4], "drift_correction": False},
    "tide on a bounded domain": {"current": _tide(), "kz": 1e-3, "kh": 2.0},
    "reflecting bed, snapshots": {"kz": 1e-3, "reflect_bed": True, "snap_steps": [0, 7, 150]},
    "settling-flux bed": {"kz": 1e-3, "bed_condition": "settling_flux"},
    "settling-flux bed, reflecting": {"kz": 1e-3, "bed_condition": "settling_flux",
                                      "reflect_bed": True},
    "released over the run, an endless horizon": {
        "kz": 1e-3, "release_steps": np.arange(3000) % 200, "max_age_steps": 2**63 - 1},
    "settling-flux bed, profiles": {
        "current": lg.Current.profile([0.0, 20.0], [0.02, 0.06]), "kz_z_m": [0.0, 10.0],
        "kz_m2_per_s": [2e-3, 1e-4], "bed_condition": "settling_flux"},
    "released over the run, tracking horizon": {
        "kz": 1e-3, "release_steps": np.arange(3000) % 200, "max_age_steps": 120,
        "snap_steps": [50, 299]},
}


@pytest.mark.parametrize("case", list(KERNEL_CASES))
def test_the_vectorised_kernel_takes_the_general_kernels_steps(monkeypatch, case):
    # a run with none of the resuspending bed, gridded seabed, flocculation or hindrance takes
    # the vectorised kernel; the general one lands, exports and retires the same particles in
    # the same steps, at the same places to rounding (the compiler may order a sum differently)
    kw = {"n": 3000, "w": 5e-4, "h": 3.0, "steps": 300, "u": 0.05} | KERNEL_CASES[case]
    if "current" in kw or "kz_z_m" in kw:
        current = kw.pop("current", lg.Current.constant(kw.pop("u")))
        kz_z = kw.pop("kz_z_m", [0.0])
        kz = kw.pop("kz_m2_per_s", [kw.pop("kz", 0.0)])
        n = kw.pop("n")
        release = kw.pop("release_steps", np.zeros(n, dtype=np.int64))
        args = {"n_particles": n, "n_steps": kw.pop("steps"), "dt_s": 60.0,
                "release_xyz_m": (0.0, 0.0, kw.pop("h")), "class_mass_kg": [1.0],
                "class_settling_m_per_s": [kw.pop("w")], "current": current,
                "kh_m2_per_s": kw.pop("kh", 0.1), "kz_z_m": kz_z, "kz_m2_per_s": kz,
                "depth_m": DEPTH, "seed": 3, "release_steps": release} | kw

        def once():
            return lg.simulate(**args)
    else:
        def once():
            return _run(**kw)
    vector = once()
    monkeypatch.setattr(lg, "_force_general", True)
    general = once()
    for field in ("event_step", "status"):
        assert np.array_equal(getattr(vector, field), getattr(general, field)), field
    for field in ("x_m", "y_m", "z_m", "snapshots"):
        np.testing.assert_allclose(getattr(vector, field), getattr(general, field), rtol=0,
                                   atol=1e-9, err_msg=field)
    states = np.bincount(vector.status, minlength=5)
    expected = {"tide on a bounded domain": lg.EXPORTED,
                "released over the run, tracking horizon": lg.RETIRED,
                "reflecting bed, snapshots": lg.SUSPENDED,
                "settling-flux bed, reflecting": lg.SUSPENDED}.get(case, lg.DEPOSITED)
    assert states[expected] > 100, states
    assert states[lg.PENDING] == 0, states
    if "reflecting" in case:
        assert states[lg.DEPOSITED] == 0
        assert np.all(vector.z_m > 0.0)


@pytest.mark.parametrize("bed_condition", ["absorbing", "settling_flux"])
def test_a_settling_cloud_over_a_reflecting_bed_takes_the_exponential_profile(bed_condition):
    # no deposition: settling against mixing leaves c ~ exp(-w z / K_z), mean height K_z / w
    # (Rouse's balance with a constant K_z), under either bed condition's order of the moves
    # (released at the mean height, followed for five relaxation times 4 K_z / w²)
    n, w, kz = 20_000, 5e-4, 1e-3
    run = _run(n=n, w=w, kz=kz, h=2.0, kh=0.0, dt=10.0, steps=8000, reflect_bed=True,
               bed_condition=bed_condition)
    scale = kz / w
    assert run.z_m.mean() == pytest.approx(scale, abs=4 * scale / np.sqrt(n) + 0.01 * scale)
    assert np.median(run.z_m) == pytest.approx(scale * np.log(2), rel=0.03)


def test_a_flat_seabed_below_the_datum_is_met_where_it_lies():
    h, w, dt = 5.0, 1e-3, 60.0
    bed = lg.Seabed(np.zeros(1), np.zeros(1), np.array([[-50.0]]))
    run = _run(n=200, w=w, h=h, kh=0.1, kz=0.0, steps=200, seabed=bed)
    assert set(run.event_step.tolist()) == {int(np.ceil(h / (w * dt) - 1e-9))}
    assert np.all(run.z_m == -50.0)
