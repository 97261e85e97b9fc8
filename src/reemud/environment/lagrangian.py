r"""Lagrangian sediment-plume engine: fused numba kernels, exact bookkeeping, seeded per particle.

Each particle carries a mass of sediment of one grain class. Per time step ``Δt`` it moves by

.. math::

    x_{n+1} &= x_n + u\,Δt + \sqrt{6 K_h Δt}\,R_x, \qquad
    y_{n+1} = y_n + v\,Δt + \sqrt{6 K_h Δt}\,R_y, \\
    z_{n+1} &= z_n + \left(K_z'(z_n) - w_s\right) Δt
               + \sqrt{6 K_z\!\left(z_n + \tfrac12 K_z'(z_n) Δt\right) Δt}\,R_z,

with ``R`` uniform on [−1, 1) (variance 1/3, hence the factor 6 = 2 / (1/3)): the random walk of
Visser (1997, Mar. Ecol. Prog. Ser. 158:275, doi:10.3354/meps158275), whose drift term ``K_z'``
and mid-point evaluation of ``K_z`` keep a well-mixed tracer well mixed when the diffusivity
varies with height (the "well-mixed condition", Thomson 1987, doi:10.1017/S0022112087001940).
``z`` is the height above the seabed (0 the bed, ``H`` the sea surface). A particle is reflected
at the surface; reaching the bed it is deposited there (its ``x``, ``y`` and step are kept);
leaving the current's horizontal domain it is exported. Settling ``w_s`` grows with the
particle's age ``a`` when flocculation is on,
``w_s = w_0 + (w_f − w_0)(1 − e^{−a/τ_f})`` (aggregates form within 10–135 min in CCZ plume
sediment, Gillard et al. 2019, Elementa 7:5, doi:10.1525/elementa.343). A particle above the bed
at both ends of a step has touched it in between with the Brownian-bridge probability
``exp(−z_n z_{n+1} / (K_z Δt))`` and is deposited so (Lépingle 1995, Math. Comput. Simul.
38:119, doi:10.1016/0378-4754(93)E0074-F), which removes the lateness of checking the bed only
at the ends of the steps. That is the absorbing bed (c = 0 there); with the settling-flux bed
(``bed_condition="settling_flux"``) the walk is reflected at the bed and only the settling step
deposits, a deposition flux ``w_s c_b`` (Krone 1962; Warner et al. 2008, Comput. Geosci.
34:1284, doi:10.1016/j.cageo.2008.02.012; OpenDrift's SedimentDrift).

**Engine.** The particles are a structure of arrays; compiled kernels
(:mod:`reemud.environment.plume_kernel`: ``numba``, ``prange`` over blocks of particles, a
block's state in registers or in the core's cache) advance them; each particle owns a
xoroshiro128++ generator (Blackman & Vigna 2021, doi:10.1145/3460772) seeded by SplitMix64 from
the run's seed and the particle's index, so a run is identical whatever the thread count.
Memory is O(particles): positions at chosen snapshot steps and the deposit grid are made after
the kernel from the particles' end states, in particle order (deterministic sums).

**Bookkeeping.** Every particle is, at every step, in exactly one of: not yet released,
suspended, deposited, exported — its release step and the step of its one event (deposition or
export) define the state, so suspended + deposited + exported = released holds exactly, by
count and by mass, at every step (:meth:`PlumeRun.ledger`).

Docs: docs/models/environment.md §2.4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from reemud.environment.plume_kernel import (  # noqa: F401 - states and settings users read here
    BED_ABSORBING,
    BED_DYNAMIC,
    BED_REFLECTING,
    BLOCK,
    DEPOSITED,
    EXPORTED,
    PENDING,
    PHI_MIN,
    REFERENCE_HEIGHT_M,
    RETIRED,
    SUSPENDED,
    _advance,
    _advance_lanes,
    _bed_height,
    _current_at_point,
    _hindrance,
)


def column_table(current, kz_z_m, kz_m2_per_s):
    """The kernel's water column: one height axis for the current profile and ``K_z``.

    The union of the two profiles' nodes, so both stay exactly piecewise linear on it and one
    segment index serves both. Returns ``(za, table)``; ``table[i]`` is u, du/dz, v, dv/dz,
    ``K_z`` and dK_z/dz on segment ``i`` (one row for a height axis of one node). A current
    that varies in time or along x–y contributes no nodes (it is interpolated in the kernel)
    and zeros in the u, v columns.
    """
    zk = np.atleast_1d(np.asarray(kz_z_m, dtype=float))
    kz = np.atleast_1d(np.asarray(kz_m2_per_s, dtype=float))
    profile = current.t_s.size == 1 and current.y_m.size == 1 and current.x_m.size == 1
    nodes = [zk] + ([current.z_m] if profile else [])
    za = np.unique(np.concatenate(nodes))
    if profile:
        u = np.interp(za, current.z_m, current.u[0, :, 0, 0])
        v = np.interp(za, current.z_m, current.v[0, :, 0, 0])
    else:
        u = v = np.zeros(za.size)
    k = np.interp(za, zk, kz)
    if za.size == 1:
        return za, np.array([[u[0], 0.0, v[0], 0.0, k[0], 0.0]])
    dz = np.diff(za)
    return za, np.column_stack([u[:-1], np.diff(u) / dz, v[:-1], np.diff(v) / dz, k[:-1],
                                np.diff(k) / dz])


BED_CONDITIONS = {"absorbing": False, "settling_flux": True}
"""How a particle reaching the bed deposits (``simulate``'s ``bed_condition``): the name and
whether the deposition is by the settling flux alone."""


@dataclass(frozen=True)
class Current:
    """Horizontal current ``u``, ``v`` [m/s] on axes time [s], height above bed [m], y, x [m].

    Arrays are ``(time, height, y, x)``; an axis of length 1 is constant along it, so a constant
    current is ``(1, 1, 1, 1)`` and a depth profile ``(1, nz, 1, 1)``. Outside the axes the
    nearest values hold in time and height; leaving the x–y axes (when longer than 1) exports the
    particle. Build one with :meth:`constant` or :meth:`profile`, or read a file with
    ``reemud.environment.currents.read_currents``.
    """

    t_s: np.ndarray
    z_m: np.ndarray
    y_m: np.ndarray
    x_m: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @classmethod
    def constant(cls, u_m_per_s: float, v_m_per_s: float = 0.0) -> Current:
        """The same current everywhere and always."""
        zero = np.zeros(1)
        return cls(zero, zero, zero, zero, np.full((1, 1, 1, 1), float(u_m_per_s)),
                   np.full((1, 1, 1, 1), float(v_m_per_s)))

    @classmethod
    def profile(cls, z_m, u_m_per_s, v_m_per_s=None) -> Current:
        """A steady current varying with height above the bed ``z_m`` (increasing)."""
        z = np.asarray(z_m, dtype=float)
        u = np.asarray(u_m_per_s, dtype=float).reshape(1, -1, 1, 1)
        v = np.zeros_like(u) if v_m_per_s is None else \
            np.asarray(v_m_per_s, dtype=float).reshape(1, -1, 1, 1)
        zero = np.zeros(1)
        return cls(zero, z, zero, zero, u, v)

    def bounds(self) -> np.ndarray:
        """Domain bounds [m]: x min, x max, y min, y max (±inf along an axis of length 1)."""
        inf = np.inf
        xs = (self.x_m[0], self.x_m[-1]) if self.x_m.size > 1 else (-inf, inf)
        ys = (self.y_m[0], self.y_m[-1]) if self.y_m.size > 1 else (-inf, inf)
        return np.array([*xs, *ys], dtype=float)


@dataclass(frozen=True)
class Seabed:
    """A gridded seabed: its height above the datum [m] on axes y, x [m], ``(ny, nx)``.

    Heights are measured from the datum of the particles' heights (the bed at the source is
    usually 0; the sea surface is at the run's ``depth_m``); bilinear between the nodes, the
    edge values beyond them. The current's and the diffusivity's profiles are heights above
    the local bed.
    """

    y_m: np.ndarray
    x_m: np.ndarray
    height_m: np.ndarray

    def height_at(self, x_m: float, y_m: float) -> float:
        """The bed's height at (x, y) [m]."""
        return float(_bed_height(self.y_m, self.x_m, self.height_m, float(x_m), float(y_m)))


@dataclass(frozen=True)
class PlumeRun:
    """End states of a run: where every particle is, its state, and when it got there.

    ``status`` is :data:`PENDING`, :data:`SUSPENDED`, :data:`DEPOSITED` or :data:`EXPORTED`;
    ``event_step`` the step after which it was deposited or exported (0: never);
    ``snapshots`` positions ``(k, 3, particles)`` after each of ``snap_steps``.
    """

    x_m: np.ndarray
    y_m: np.ndarray
    z_m: np.ndarray
    mass_kg: np.ndarray
    grain_class: np.ndarray
    release_step: np.ndarray
    status: np.ndarray
    event_step: np.ndarray
    dt_s: float
    n_steps: int
    snap_steps: np.ndarray
    snapshots: np.ndarray
    max_age_steps: int | None = None
    """The tracking horizon (``None``: none): a particle retires this many steps after release."""
    cycles: np.ndarray | None = None
    """Resuspension: per particle, the (landing, lift-off) steps of each earlier stay on the bed,
    ``(particles, 2 · capacity)``, ``n_cycles`` of them filled (``None``: no resuspension)."""
    n_cycles: np.ndarray | None = None
    bed_mode: int = BED_ABSORBING
    """The bed's rule (:data:`BED_ABSORBING`, :data:`BED_REFLECTING`, :data:`BED_DYNAMIC`)."""
    hindered_steps: int = 0
    """Particle-steps whose settling was hindered (0: the run is the unhindered one)."""

    def ledger(self, steps=None) -> dict[str, np.ndarray]:
        """Mass released, suspended, deposited and exported after each of ``steps`` [kg].

        Default: every step 0..n_steps. suspended = released − deposited − exported holds
        exactly by construction (each particle's state at step s follows from its release step
        and its one event step); the counts are in ``*_particles``.
        """
        s = np.arange(self.n_steps + 1) if steps is None else np.asarray(steps)
        s = s[:, None]
        released = self.release_step[None, :] < s
        happened = (self.event_step[None, :] > 0) & (self.event_step[None, :] <= s)
        deposited = happened & (self.status[None, :] == DEPOSITED) | self.resting(s)
        exported = happened & (self.status[None, :] == EXPORTED)
        suspended = released & ~deposited & ~exported
        out = {}
        for name, sel in (("released", released), ("suspended", suspended),
                          ("deposited", deposited), ("exported", exported)):
            out[f"{name}_kg"] = sel @ self.mass_kg
            out[f"{name}_particles"] = sel.sum(axis=1)
        return out

    def deposited(self) -> np.ndarray:
        """Boolean mask of the particles on the bed at the end."""
        return self.status == DEPOSITED

    def resting(self, steps) -> np.ndarray:
        """On the bed after each of ``steps`` in an earlier stay it was resuspended from.

        ``(len(steps), particles)``; all False without resuspension. A stay (landing d,
        lift-off r) holds the particle on the bed after steps d … r.
        """
        s = np.asarray(steps).reshape(-1, 1)
        out = np.zeros((s.shape[0], self.status.size), dtype=bool)
        if self.cycles is None:
            return out
        for c in range(int(self.n_cycles.max(initial=0))):
            land, lift = self.cycles[None, :, 2 * c], self.cycles[None, :, 2 * c + 1]
            out |= (self.n_cycles[None, :] > c) & (land <= s) & (s <= lift)
        return out


def release_schedule(n_particles: int, n_steps: int, operating_steps=None) -> np.ndarray:
    """Release step of each particle, spread evenly over the operating steps.

    ``operating_steps`` (boolean per step, default: all) marks the steps when the source
    runs (the campaign's operating time), so a stand-by releases nothing.
    """
    on = np.ones(n_steps, dtype=bool) if operating_steps is None else \
        np.asarray(operating_steps, dtype=bool)
    steps = np.flatnonzero(on)
    if steps.size == 0:
        raise ValueError("operating_steps: the source never runs; mark at least one step")
    index = (np.arange(n_particles) * steps.size) // max(n_particles, 1)
    return steps[index].astype(np.int64)


def simulate(*, n_particles: int, n_steps: int, dt_s: float, release_xyz_m, class_mass_kg,
             class_settling_m_per_s, current: Current, kh_m2_per_s: float, kz_z_m, kz_m2_per_s,
             depth_m: float, seed: int = 0, release_steps=None, floc_settling_m_per_s=None,
             floc_time_s=None, snap_steps=(), release_z_m=None, reflect_bed: bool = False,
             drift_correction: bool = True, particle_settling_m_per_s=None,
             max_age_steps: int | None = None, class_release_z_m=None, seabed=None,
             hindered=None, critical_shear_pa=None, bed_drag_coefficient=None,
             water_density_kg_per_m3=None, resuspension_capacity: int = 16,
             floc_reference_kg_per_m3=None, bed_condition: str = "absorbing") -> PlumeRun:
    """Release ``class_mass_kg`` in ``n_particles`` particles and track them ``n_steps`` steps.

    Parameters
    ----------
    n_particles, n_steps : int
        Particles and time steps ``Δt`` [-].
    dt_s : float
        Time step [s].
    release_xyz_m : array_like
        Release point (x, y, height above bed) [m].
    class_mass_kg, class_settling_m_per_s : array_like
        Mass released [kg] and settling velocity [m/s] of each grain class; the particles are
        shared among the classes in proportion to mass (at least one per class with mass), each
        carrying its class's mass over its particle count.
    current : Current
        The horizontal current.
    kh_m2_per_s : float
        Horizontal eddy diffusivity [m²/s].
    kz_z_m, kz_m2_per_s : array_like
        Vertical diffusivity profile: heights above bed [m] (increasing) and values [m²/s].
    depth_m : float
        Water depth [m] (the reflecting surface).
    seed : int
        Seed of every particle's generator.
    release_steps : array_like, optional
        Release step per particle (default: evenly over all steps, :func:`release_schedule`).
    floc_settling_m_per_s, floc_time_s : array_like, optional
        Per class: aggregate settling velocity and the time scale of flocculation (off: None).
    floc_reference_kg_per_m3 : float, optional
        Concentration at which flocculation takes ``floc_time_s`` [kg/m³]: with it the
        aggregation rate grows with the source's concentration around the particle (collision
        rate ∝ concentration, Smoluchowski), ``dP/dt = (1 − P) c / (τ_f c_ref)`` and
        ``w_s = w_0 + (w_f − w_0) P``; needs ``hindered`` for the sources' rates (its
        ``exponent`` 0 leaves settling unhindered). Default: flocculation by age alone.
    snap_steps : sequence of int
        Steps after which to keep every particle's position (suspended concentration).
    release_z_m : array_like, optional
        Release height of each particle [m], overriding the release point's (a column source).
    reflect_bed : bool
        Reflect at the bed instead of depositing (a tracer; the well-mixed test); the particles
        still settle (with ``"settling_flux"`` the settling step follows the reflection and is
        reflected in turn).
    bed_condition : {"absorbing", "settling_flux"}
        How a particle reaching the bed deposits (:data:`BED_CONDITIONS`): ``"absorbing"``, on
        touching it (the bed a perfect sink, c = 0 there: the closed forms' condition);
        ``"settling_flux"``, by settling alone — the walk is reflected at the bed, then the
        settling step taken, and a particle below the bed after it deposits, so the deposition
        flux is ``w_s c_b`` with no diffusive flux into the bed (the condition of ROMS's
        sediment model and of OpenDrift's SedimentDrift, whose scheme this is).
    drift_correction : bool
        Keep Visser's drift term (switch it off only to show what it corrects).
    particle_settling_m_per_s : array_like, optional
        Settling velocity of each particle [m/s], in class order (the class's particles
        consecutive, as ``particles_per_class`` counts them): a class stands for a band of
        sizes whose particles each take a velocity from it (``stratified_settling``).
    class_release_z_m : array_like, optional
        Release height of each class [m] (several sources at their own heights in one run).
    max_age_steps : int, optional
        Tracking horizon: a particle still suspended this many steps after its release is no
        longer followed and counts as suspended (``RETIRED``; default: no horizon).
    seabed : Seabed, optional
        A gridded seabed (default: flat, at height 0); release heights are above the local bed.
    hindered : dict, optional
        Hindered settling near the source, per class: ``rate_kg_per_s`` (the release rate of
        the class's source, all its classes), ``volume_fraction`` (the solids volume fraction
        of the discharge, the concentration's upper bound), ``density_kg_per_m3`` (solids) and
        ``exponent`` (Richardson–Zaki ``n``, :func:`richardson_zaki_exponent`). Off: None.
    critical_shear_pa : float, optional
        Critical bed shear stress for deposition and erosion [Pa] (off: None, every particle
        reaching the bed deposits): above it a particle reaching the bed is reflected, and one
        on the bed is resuspended.
    bed_drag_coefficient, water_density_kg_per_m3 : float, optional
        C₁₀₀ (referred to the current 1 m above the bed) [-] and ρ [kg/m³] of the bed shear
        stress τ_b = ρ C₁₀₀ |U(1 m)|² (Soulsby 1997, *Dynamics of Marine Sands*, eq. 30);
        needed with ``critical_shear_pa``.
    resuspension_capacity : int
        Stays on the bed each particle can leave (when the current varies in time or space);
        a particle landing for the next time stays for good.

    Returns
    -------
    PlumeRun
    """
    if bed_condition not in BED_CONDITIONS:
        raise ValueError(f"bed_condition must be one of {', '.join(BED_CONDITIONS)} "
                         f"(got {bed_condition!r})")
    settle_flux = BED_CONDITIONS[bed_condition]
    masses = np.asarray(class_mass_kg, dtype=float)
    settling = np.asarray(class_settling_m_per_s, dtype=float)
    counts = particles_per_class(masses, n_particles)
    grain = np.repeat(np.arange(masses.size), counts)
    n = grain.size
    mass = np.where(counts > 0, masses / np.maximum(counts, 1), 0.0)[grain]
    own_w = None if particle_settling_m_per_s is None else \
        np.asarray(particle_settling_m_per_s, dtype=float)
    if own_w is not None and own_w.size != n:
        raise ValueError(f"particle_settling_m_per_s: {own_w.size} values for {n} particles")
    # interleave the classes so that each is released evenly over the schedule: order by the
    # particle's rank within its class over the class's count
    first = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(counts)[:-1]])
    rank = (np.arange(n) - first[grain] + 0.5) / counts[grain]
    order = np.argsort(rank, kind="stable")
    grain, mass = grain[order], mass[order]
    if own_w is not None:
        own_w = own_w[order]
    release = release_schedule(n, n_steps) if release_steps is None else \
        np.asarray(release_steps, dtype=np.int64)
    rx, ry, rz = (float(c) for c in release_xyz_m)
    x, y, z = np.full(n, rx), np.full(n, ry), np.full(n, rz)
    if release_z_m is not None:
        z = np.array(np.broadcast_to(np.asarray(release_z_m, dtype=float), (n,)))
    if class_release_z_m is not None:
        z = np.asarray(class_release_z_m, dtype=float)[grain]
    bed = seabed or Seabed(np.zeros(1), np.zeros(1), np.zeros((1, 1)))
    heights = z.copy()  # above the local bed
    z = z + bed.height_at(rx, ry)
    w0 = settling[grain] if own_w is None else own_w
    if floc_settling_m_per_s is None:
        wf, tau = w0.copy(), np.zeros(n)
    else:
        wf = np.asarray(floc_settling_m_per_s, dtype=float)[grain]
        tau = np.asarray(floc_time_s, dtype=float)[grain]
    status = np.zeros(n, dtype=np.int8)
    event = np.zeros(n, dtype=np.int64)
    snaps = np.asarray(sorted(snap_steps), dtype=np.int64)
    sx, sy, sz = (np.empty((snaps.size, n)) for _ in range(3))
    hind = _hindrance_table(hindered, grain, heights, current, kz_z_m, kz_m2_per_s,
                            float(kh_m2_per_s), (rx, ry), tau, floc_reference_kg_per_m3)
    mode, tau_cr, drag = _bed_rule(current, critical_shear_pa, bed_drag_coefficient,
                                   water_density_kg_per_m3)
    cycles = np.full((n, 2 * int(resuspension_capacity) if mode == BED_DYNAMIC else 0), -1,
                     dtype=np.int64)
    n_cycles = np.zeros(n if mode == BED_DYNAMIC else 0, dtype=np.int64)
    hits = np.zeros((n + BLOCK - 1) // BLOCK, dtype=np.int64)
    progress = np.zeros(n if hind.shape[0] and np.any(hind[:, 6] > 0) else 0)
    walk = (x, y, z, w0)
    axes = (current.t_s, current.z_m, current.y_m, current.x_m, current.u, current.v,
            *column_table(current, kz_z_m, kz_m2_per_s), float(kh_m2_per_s), float(depth_m),
            current.bounds(), float(dt_s), int(n_steps), snaps, sx, sy, sz)
    horizon = int(n_steps if max_age_steps is None else min(max_age_steps, n_steps))
    if (mode != BED_DYNAMIC and seabed is None and not np.any(tau > 0) and hind.shape[0] == 0
            and not _force_general):  # the vectorised kernel: none of the costly features
        _advance_lanes(*walk, release, status, event, np.uint64(seed), *axes,
                       bool(reflect_bed) or mode == BED_REFLECTING, settle_flux,
                       bool(drift_correction), horizon, float(bed.height_m[0, 0]))
    else:
        _advance(*walk, wf, tau, release, status, event, np.uint64(seed), *axes,
                 bool(reflect_bed), settle_flux, bool(drift_correction), horizon, bed.y_m,
                 bed.x_m, bed.height_m, hind, np.array([rx, ry]), mode, tau_cr, drag, cycles,
                 n_cycles, hits, progress)
    return PlumeRun(x_m=x, y_m=y, z_m=z, mass_kg=mass, grain_class=grain, release_step=release,
                    status=status, event_step=event, dt_s=float(dt_s), n_steps=int(n_steps),
                    snap_steps=snaps, snapshots=np.stack([sx, sy, sz], axis=1),
                    max_age_steps=None if max_age_steps is None else int(max_age_steps),
                    cycles=cycles if mode == BED_DYNAMIC else None,
                    n_cycles=n_cycles if mode == BED_DYNAMIC else None, bed_mode=mode,
                    hindered_steps=int(hits.sum()))


_force_general = False
"""Run every case on the general kernel (the tests compare the two kernels)."""


def _current_at(current: Current, height_m: float, x_m: float, y_m: float) -> tuple:
    """The current (u, v) at the run's start, at a height and a horizontal position [m/s]."""
    u, v = _current_at_point(current.t_s, current.z_m, current.y_m, current.x_m, current.u,
                             current.v, 0.0, float(height_m), float(y_m), float(x_m))
    return float(u), float(v)


def _hindrance_table(hindered, grain, heights, current, kz_z_m, kz_m2_per_s, kh, origin,
                     floc_time_s=None, floc_reference_kg_per_m3=None):
    """Per particle: dilution scale, cap, n, height scaling, current and flocculation rate.

    The flocculation rate is per unit solids fraction (0: by age, or no flocculation).
    ``a = ṁ / (4π √(K_h K_z) ρ_s)`` [m] with ``K_z`` at the source's height; the height offset
    is scaled by √(K_h / K_z) (isotropic coordinates). ``a = 0`` (off) without diffusion; no
    rows at all without hindered settling.
    """
    n = grain.size
    if hindered is None:
        if floc_reference_kg_per_m3 is not None:
            raise ValueError("floc_reference_kg_per_m3 needs hindered (the sources' rates and "
                             "densities; its exponent 0 leaves settling unhindered)")
        return np.zeros((0, 7))
    out = np.zeros((n, 7))
    kz_z = np.atleast_1d(np.asarray(kz_z_m, dtype=float))
    kz = np.atleast_1d(np.asarray(kz_m2_per_s, dtype=float))
    rate = np.asarray(hindered["rate_kg_per_s"], dtype=float)[grain]
    cap = np.asarray(hindered["volume_fraction"], dtype=float)[grain]
    rho = np.asarray(hindered["density_kg_per_m3"], dtype=float)[grain]
    out[:, 2] = np.asarray(hindered["exponent"], dtype=float)[grain]
    k_src = np.interp(heights, kz_z, kz)
    ok = (kh * k_src > 0) & (rate > 0) & (cap > 0)
    root = np.sqrt(np.where(ok, kh * k_src, 1.0))
    out[:, 0] = np.where(ok, rate / (4.0 * np.pi * root * rho), 0.0)
    out[:, 1] = np.minimum(cap, 1.0)
    out[:, 3] = np.sqrt(kh / np.where(ok, k_src, 1.0))
    for h in np.unique(heights):
        sel = heights == h
        out[sel, 4], out[sel, 5] = _current_at(current, h, *origin)
    if floc_reference_kg_per_m3 is not None:
        tau = np.asarray(floc_time_s, dtype=float)
        reference = np.asarray(floc_reference_kg_per_m3, dtype=float) / rho  # as a fraction
        out[:, 6] = np.where(tau > 0, 1.0 / np.where(tau > 0, tau * reference, 1.0), 0.0)
    return out


def _bed_rule(current, critical_shear_pa, drag_coefficient, water_density):
    """The bed's rule, the critical shear stress [Pa] and ρ C₁₀₀ [kg/m³]."""
    if critical_shear_pa is None:
        return BED_ABSORBING, np.inf, 0.0
    if drag_coefficient is None or water_density is None:
        raise ValueError("critical_shear_pa needs bed_drag_coefficient and "
                         "water_density_kg_per_m3 (tau_b = rho C100 U(1 m)^2)")
    drag = float(water_density) * float(drag_coefficient)
    steady = current.t_s.size == 1 and current.y_m.size == 1 and current.x_m.size == 1
    if not steady:
        return BED_DYNAMIC, float(critical_shear_pa), drag
    u, v = _current_at(current, REFERENCE_HEIGHT_M, 0.0, 0.0)
    above = drag * (u * u + v * v) > float(critical_shear_pa)
    return (BED_REFLECTING if above else BED_ABSORBING), float(critical_shear_pa), drag


def richardson_zaki_exponent(reynolds):
    """Richardson–Zaki exponent n of hindered settling, w = w₀ (1 − φ)^n [-].

    Rowe's fit over the particle Reynolds number ``Re = w₀ d / ν`` of the single grain,
    ``n = (4.7 + 0.41 Re^0.75) / (1 + 0.175 Re^0.75)``: 4.7 for fine grains (Richardson & Zaki
    1954 give 4.65 below Re = 0.2), 2.34 for large Re (Rowe 1987, "A convenient empirical
    equation for estimation of the Richardson–Zaki exponent", Chem. Eng. Sci. 42:2795;
    Richardson & Zaki 1954, "Sedimentation and fluidisation: Part I", Trans. Inst. Chem.
    Eng. 32:35).
    """
    r = np.asarray(reynolds, dtype=float) ** 0.75
    return (4.7 + 0.41 * r) / (1.0 + 0.175 * r)


def stratified_settling(counts, band_settling, band_mass) -> np.ndarray:
    """Each particle's settling velocity, drawn without noise from its class's size band.

    Class ``k`` stands for sizes with velocities ``band_settling[k]`` and masses
    ``band_mass[k]``; its ``counts[k]`` particles take the velocity at the mass quantiles
    (j + ½)/n (stratified sampling of the band's mass distribution), so the class's particles
    carry its whole size distribution rather than one mean velocity. Returns the velocities in
    class order [m/s].
    """
    out = []
    for n, w, m in zip(counts, band_settling, band_mass, strict=True):
        if n == 0:
            continue
        w, m = np.asarray(w, dtype=float), np.asarray(m, dtype=float)
        cdf = np.cumsum(m) / m.sum()
        pick = np.searchsorted(cdf, (np.arange(n) + 0.5) / n)
        out.append(w[np.minimum(pick, w.size - 1)])
    return np.concatenate(out) if out else np.zeros(0)


def particles_per_class(masses: np.ndarray, n_particles: int) -> np.ndarray:
    """Particles per class in proportion to mass, at least one for a class with mass."""
    if np.any(masses < 0) or masses.sum() <= 0:
        raise ValueError("class_mass_kg: every class needs a mass >= 0 and one a mass > 0")
    share = masses / masses.sum()
    counts = np.floor(share * n_particles).astype(np.int64)
    counts[(masses > 0) & (counts == 0)] = 1
    short = n_particles - counts.sum()
    if short > 0:  # the remainder to the classes with the largest fractional parts
        rest = np.argsort(-(share * n_particles - np.floor(share * n_particles)), kind="stable")
        counts[rest[:short]] += 1
    return counts


def deposit_thickness_m(run: PlumeRun, x_edges, y_edges, dry_density_kg_per_m3: float,
                        smooth: bool = True):
    """Deposit thickness on a grid [m]: deposited mass per cell area over the dry density.

    With ``smooth`` (the default) each grain class's particles are spread by a Gaussian kernel
    whose width along x and y is Scott's rule for two dimensions, h = σ n^(−1/6) with σ the
    class's deposit spread and n its particle count (Scott 1992, *Multivariate Density
    Estimation*, Wiley, §6.3): the density estimate of the deposit rather than a histogram,
    whose cells would hold one particle each where the footprint is thin. Returns
    ``(thickness (ny, nx), off_grid_kg)``: the deposited mass not on the grid (beyond its
    edges, or spread past them) is returned, not lost.
    """
    from scipy.ndimage import gaussian_filter

    on = run.deposited()
    dx, dy = np.diff(x_edges), np.diff(y_edges)
    mass = np.zeros((dy.size, dx.size))
    for k in np.unique(run.grain_class[on]):
        sel = on & (run.grain_class == k)
        hist, _, _ = np.histogram2d(run.y_m[sel], run.x_m[sel], bins=(y_edges, x_edges),
                                    weights=run.mass_kg[sel])
        n = int(sel.sum())
        if smooth and n > 1:
            factor = n ** (-1.0 / 6.0)
            width = (run.y_m[sel].std() * factor / dy.mean(), run.x_m[sel].std() * factor
                     / dx.mean())
            hist = gaussian_filter(hist, width, mode="constant", truncate=4.0)
        mass += hist
    area = dy[:, None] * dx[None, :]
    return mass / area / float(dry_density_kg_per_m3), float(run.mass_kg[on].sum() - mass.sum())


def area_above_km2(thickness_m, x_edges, y_edges, threshold_m: float) -> float:
    """Area of the cells at least ``threshold_m`` thick [km²]."""
    area = np.diff(y_edges)[:, None] * np.diff(x_edges)[None, :]
    return float(area[np.asarray(thickness_m) >= threshold_m].sum() / 1e6)


def landing_moments(height_m, settling_m_per_s, kz_m2_per_s, u_m_per_s, kh_m2_per_s):
    """Closed-form landing time and downstream position of a release at height ``h``.

    Settling at ``w`` with constant vertical diffusivity ``K_z`` towards an absorbing bed (the
    surface far away), the landing time is inverse-Gaussian, mean ``μ = h/w`` and shape
    ``λ = h²/(2K_z)`` (variance ``μ³/λ``; ``K_z = 0``: exactly ``h/w``); with a constant
    current ``U`` and horizontal diffusivity ``K_h`` the landing position has mean ``U μ``,
    variance ``U² μ³/λ + 2 K_h μ`` downstream and ``2 K_h μ`` across (Csanady 1973,
    *Turbulent Diffusion in the Environment*, ch. 2). Returns a dict of those moments.
    """
    h, w = np.asarray(height_m, dtype=float), np.asarray(settling_m_per_s, dtype=float)
    kz = np.asarray(kz_m2_per_s, dtype=float)
    mean_t = h / w
    var_t = np.where(kz > 0, mean_t**3 * 2.0 * kz / h**2, 0.0)
    return {"mean_t_s": mean_t, "var_t_s2": var_t, "mean_x_m": u_m_per_s * mean_t,
            "var_x_m2": u_m_per_s**2 * var_t + 2.0 * kh_m2_per_s * mean_t,
            "var_y_m2": 2.0 * kh_m2_per_s * mean_t}


def settled_fraction(t_s, height_m, settling_m_per_s, kz_m2_per_s):
    """Share of a release at height ``h`` that has reached the bed by time ``t`` [-].

    The inverse-Gaussian CDF of :func:`landing_moments` (``scipy.stats.invgauss`` with
    ``mu = μ/λ``, ``scale = λ``).
    """
    mean = np.asarray(height_m, dtype=float) / np.asarray(settling_m_per_s, dtype=float)
    shape = np.asarray(height_m, dtype=float) ** 2 / (2.0 * np.asarray(kz_m2_per_s, dtype=float))
    return stats.invgauss.cdf(t_s, mean / shape, scale=shape)


def gaussian_area_above_km2(mass_kg, sigma_m, dry_density_kg_per_m3, threshold_m):
    """Area above ``threshold_m`` of a round Gaussian deposit of ``mass_kg`` and spread σ [km²].

    δ(r) = M / (2π σ² ρ) · exp(−r² / 2σ²), so δ ≥ δ_t within r² ≤ 2σ² ln(δ_0/δ_t): the area is
    2π σ² ln(δ_0/δ_t), zero when the peak δ_0 is below the threshold.
    """
    s2 = np.asarray(sigma_m, dtype=float) ** 2
    peak = np.asarray(mass_kg, dtype=float) / (2.0 * np.pi * s2 * dry_density_kg_per_m3)
    return np.where(peak > threshold_m, 2.0 * np.pi * s2 * np.log(np.maximum(
        peak / threshold_m, 1.0)), 0.0) / 1e6
