r"""Lagrangian sediment-plume engine: one fused numba kernel, exact bookkeeping, seeded per particle.

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
at the ends of the steps.

**Engine.** The particles are a structure of arrays; one kernel (``numba``, ``prange`` over the
particles, all steps of a particle in registers) advances them all; each particle owns a
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

import numba
import numpy as np
from scipy import stats

PENDING, SUSPENDED, DEPOSITED, EXPORTED, RETIRED = 0, 1, 2, 3, 4
"""Particle states (``PlumeRun.status``); ``RETIRED``: still suspended when it reached the
tracking horizon (``max_age_steps``), no longer followed, counted as suspended."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_LEVELS = 1 << 21
"""Resolution of each uniform number: three 21-bit fields of one 64-bit draw."""


@numba.njit(inline="always")
def _splitmix(x):
    x = x + _GOLDEN
    z = x
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return x, z ^ (z >> np.uint64(31))


@numba.njit(inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(inline="always")
def _next(s0, s1):
    """xoroshiro128++: (new s0, new s1, 64 random bits)."""
    out = _rotl(s0 + s1, 17) + s0
    s1 = s1 ^ s0
    s0 = _rotl(s0, 49) ^ s1 ^ (s1 << np.uint64(21))
    s1 = _rotl(s1, 28)
    return s0, s1, out


@numba.njit(inline="always")
def _unit(bits):
    """A 21-bit field as a uniform number on [−1, 1), symmetric about 0 (mean exactly 0)."""
    return (np.float64(bits) + 0.5) * (2.0 / _LEVELS) - 1.0


@numba.njit(inline="always")
def _locate(axis, value):
    """Index ``i`` and weight ``f`` for linear interpolation on ``axis`` (clamped at the ends)."""
    n = axis.size
    if n == 1 or value <= axis[0]:
        return 0, 0.0
    if value >= axis[n - 1]:
        return n - 2, 1.0
    i = np.searchsorted(axis, value) - 1
    return i, (value - axis[i]) / (axis[i + 1] - axis[i])


@numba.njit(inline="always")
def _lerp4(field, it, ft, iz, fz, iy, fy, ix, fx):
    """Multilinear interpolation of ``field[t, z, y, x]`` (size-1 axes use index 0 only)."""
    nt, nz, ny, nx = field.shape
    t1 = it + 1 if nt > 1 else it
    z1 = iz + 1 if nz > 1 else iz
    y1 = iy + 1 if ny > 1 else iy
    x1 = ix + 1 if nx > 1 else ix
    total = 0.0
    for a in range(2):
        ta, wa = (t1, ft) if a else (it, 1.0 - ft)
        if wa == 0.0:
            continue
        for b in range(2):
            zb, wb = (z1, fz) if b else (iz, 1.0 - fz)
            if wb == 0.0:
                continue
            for c in range(2):
                yc, wc = (y1, fy) if c else (iy, 1.0 - fy)
                if wc == 0.0:
                    continue
                for d in range(2):
                    xd, wd = (x1, fx) if d else (ix, 1.0 - fx)
                    if wd == 0.0:
                        continue
                    total += wa * wb * wc * wd * field[ta, zb, yc, xd]
    return total


@numba.njit(inline="always")
def _seg(axis, value, i):
    """Segment ``i`` of ``axis`` (length >= 2) holding ``value``, walked from a previous ``i``.

    Particles move little per step, so walking beats a search; the end segments extend out.
    """
    n = axis.size
    while i < n - 2 and value >= axis[i + 1]:
        i += 1
    while i > 0 and value < axis[i]:
        i -= 1
    return i


@numba.njit(inline="always")
def _column(za, table, z, dt, drift, i):
    """The water column at height ``z``: current, diffusivity at the mid-point, slope, segment.

    ``table[i]`` holds, on segment ``i`` of the height axis ``za``, the values at its lower node
    and the slopes of u, v and ``K_z`` (piecewise linear; beyond the axis the end values hold,
    with no slope). Returns ``(u, v, K_z(z + ½ K_z'(z) Δt), K_z'(z), i)``.
    """
    i = _seg(za, z, i)
    lo, hi = za[i], za[i + 1]
    if z > lo and z < hi:  # inside a segment (the common case): no clamping
        dz = z - lo
        slope = table[i, 5] if drift else 0.0
        half = 0.5 * slope * dt
        uu = table[i, 0] + table[i, 1] * dz
        vv = table[i, 2] + table[i, 3] * dz
        if z + half >= lo and z + half <= hi:  # the mid-point in the same segment
            return uu, vv, table[i, 4] + table[i, 5] * dz + slope * half, slope, i
    top = za[za.size - 1]
    dz = min(max(z, za[0]), top) - lo
    slope = table[i, 5] if (z > za[0] and z < top and drift) else 0.0
    uu = table[i, 0] + table[i, 1] * dz
    vv = table[i, 2] + table[i, 3] * dz
    half = 0.5 * slope * dt
    zm = min(max(z + half, za[0]), top)
    i = _seg(za, zm, i)
    return uu, vv, table[i, 4] + table[i, 5] * (zm - za[i]), slope, i


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


BLOCK = 16
"""Particles advanced together, step by step, in one thread: their independent updates overlap
in the processor (one particle's chain of dependent operations alone leaves it idle)."""


BED_ABSORBING, BED_REFLECTING, BED_DYNAMIC = 0, 1, 2
"""The bed's rule: every particle reaching it deposits; none does (its shear stress is above the
critical one everywhere and always); or the shear stress decides, where and when (a current that
varies in time or along x-y): above critical a particle is reflected and one on the bed is
resuspended."""

REFERENCE_HEIGHT_M = 1.0
"""Height of the current that the bed drag coefficient C₁₀₀ refers to (Soulsby 1997) [m]."""

PHI_MIN = 1e-5
"""Solids volume fraction below which settling is taken as unhindered: (1 − 10⁻⁵)^4.7 differs
from 1 by 5·10⁻⁵, so particles further from their source skip the hindrance."""


@numba.njit(inline="always")
def _dilution(dx, dy, dz, ux, uy, kh, a, cap, cut):
    """Solids volume fraction φ at offset (dx, dy, dz) from a source (dz scaled) [-].

    The steady concentration of a continuous point source in a uniform current (ux, uy) with
    isotropic diffusivity ``kh`` in the scaled coordinates, over the solids density:
    ``φ = a/R · exp(−U (R − ξ) / (2 K_h))`` with R the scaled distance and ξ its downstream part,
    at most the source's own ``cap``; 0 where ``a/R`` is below ``cut``.
    """
    r2 = dx * dx + dy * dy + dz * dz
    if r2 * cut * cut >= a * a:
        return 0.0
    r = np.sqrt(r2)
    if r * cap <= a:
        return cap
    speed = np.sqrt(ux * ux + uy * uy)
    along = (dx * ux + dy * uy) / speed if speed > 0.0 else 0.0
    return min(cap, a / r * np.exp(-speed * (r - along) / (2.0 * kh)))


@numba.njit(inline="always")
def _hindrance(dx, dy, dz, ux, uy, kh, a, cap, n):
    """Richardson–Zaki factor (1 − φ)^n at an offset from the source (dz scaled).

    φ from ``_dilution``; 1 where φ < :data:`PHI_MIN`.
    """
    return (1.0 - _dilution(dx, dy, dz, ux, uy, kh, a, cap, PHI_MIN)) ** n


@numba.njit(inline="always")
def _bed_height(bed_y, bed_x, bed_z, x, y):
    """Height of the seabed above the datum at (x, y) [m], bilinear (flat: the one value)."""
    if bed_z.size == 1:
        return bed_z[0, 0]
    iy, fy = _locate(bed_y, y)
    ix, fx = _locate(bed_x, x)
    iy1 = iy + 1 if bed_y.size > 1 else iy
    ix1 = ix + 1 if bed_x.size > 1 else ix
    return ((1.0 - fy) * ((1.0 - fx) * bed_z[iy, ix] + fx * bed_z[iy, ix1])
            + fy * ((1.0 - fx) * bed_z[iy1, ix] + fx * bed_z[iy1, ix1]))


@numba.njit(inline="always")
def _current_at_point(t_axis, z_axis, y_axis, x_axis, u, v, time, z, y, x):
    """(u, v) of a current on axes (t, z, y, x) at one time and point, multilinear."""
    it, ft = _locate(t_axis, time)
    iz, fz = _locate(z_axis, z)
    iy, fy = _locate(y_axis, y)
    ix, fx = _locate(x_axis, x)
    return (_lerp4(u, it, ft, iz, fz, iy, fy, ix, fx),
            _lerp4(v, it, ft, iz, fz, iy, fy, ix, fx))


@numba.njit(inline="always")
def _bed_shear(t_axis, z_axis, y_axis, x_axis, u, v, time, x, y, drag):
    """Bed shear stress ρ C₁₀₀ |U(1 m)|² [Pa] of a current varying in time or x–y."""
    uu, vv = _current_at_point(t_axis, z_axis, y_axis, x_axis, u, v, time,
                               REFERENCE_HEIGHT_M, y, x)
    return drag * (uu * uu + vv * vv)


@numba.njit(inline="always")
def _near_source(p, ws, w0, wf, hind, progress, hits, b, j, z_start, mx, my, pz, kh, dt,
                 by_concentration, hindered):
    """Settling of particle ``p`` near its source: flocculation by concentration, hindrance.

    At the source's concentration at the mid-point (mx, my) of the step's horizontal move (a
    particle starts at the source, where it is the discharge's, and leaves it within the step).
    """
    dz = (pz - z_start[j]) * hind[p, 3]
    if by_concentration and hind[p, 6] > 0.0:
        # aggregation at a rate growing with the concentration, dP = (1 - P) φ / (τ_f φ_ref) dt;
        # the progress at the start of the step sets its settling, as by age
        ws = w0[p] + (wf[p] - w0[p]) * progress[p]
        phi = _dilution(mx, my, dz, hind[p, 4], hind[p, 5], kh, hind[p, 0], hind[p, 1], 0.0)
        progress[p] = 1.0 - (1.0 - progress[p]) * np.exp(-dt * phi * hind[p, 6])
    if hindered and hind[p, 0] > 0.0 and hind[p, 2] > 0.0:
        factor = _hindrance(mx, my, dz, hind[p, 4], hind[p, 5], kh, hind[p, 0], hind[p, 1],
                            hind[p, 2])
        if factor < 1.0:
            hits[b] += 1  # a hindered particle-step
            ws *= factor
    return ws


def _make_advance(general: bool):
    """The kernel, compiled with every feature (``general``) or without the costly ones.

    Without them (a flat seabed, no resuspension, no flocculation, no hindrance: the features'
    checks cost a fifth of a step) the same steps are taken with their branches compiled out;
    ``general`` is a constant of the closure, folded by the compiler.
    """

    @numba.njit(parallel=True, error_model="numpy", cache=True, fastmath=True)
    def advance(x, y, z, w0, wf, tau_f, release_step, status, event_step, seed,  # noqa: PLR0913
                 t_axis, z_axis, y_axis, x_axis, u, v, za, table, kh, depth, bounds, dt, n_steps,
                 snap_steps, snap_x, snap_y, snap_z, reflect_bed, drift, max_age,
                 bed_y, bed_x, bed_z, hind, origin, bed_mode, tau_cr, drag, cycles, n_cycles,
                 hits, progress):
        """Advance every particle through ``n_steps`` steps in place (see the module docstring)."""
        n = x.size
        horizontal = np.sqrt(6.0 * kh * dt)
        mask = np.uint64(_LEVELS - 1)
        n_snap = snap_steps.size
        profile = t_axis.size == 1 and y_axis.size == 1 and x_axis.size == 1
        flat = za.size == 1  # constant K_z, and a constant current if a profile
        vertical = np.sqrt(6.0 * max(table[0, 4], 0.0) * dt)
        gridded = general and bed_z.size > 1
        capacity = cycles.shape[1] // 2
        floc = False
        hindered = False
        by_concentration = False
        if general:
            for p in range(n):
                floc = floc or tau_f[p] > 0.0
            for p in range(hind.shape[0]):  # no rows: no hindrance
                hindered = hindered or (hind[p, 0] > 0.0 and hind[p, 2] > 0.0)
                by_concentration = by_concentration or hind[p, 6] > 0.0
        for b in numba.prange((n + BLOCK - 1) // BLOCK):
            lo = b * BLOCK
            m = min(BLOCK, n - lo)
            s0 = np.empty(BLOCK, dtype=np.uint64)
            s1 = np.empty(BLOCK, dtype=np.uint64)
            iz = np.zeros(BLOCK, dtype=np.int64)
            z_start = np.empty(BLOCK)
            alive = 0
            first = n_steps
            for j in range(m):
                p = lo + j
                state, s0[j] = _splitmix(np.uint64(seed) * _GOLDEN ^ np.uint64(p))
                state, s1[j] = _splitmix(state)
                z_start[j] = z[p]
                if status[p] < DEPOSITED:
                    alive += 1
                    first = min(first, release_step[p])
            k = 0
            for step in range(first, n_steps):
                if alive == 0:
                    break
                while k < n_snap and snap_steps[k] <= step:
                    # a snapshot of step s holds the positions after s steps
                    for j in range(m):
                        snap_x[k, lo + j], snap_y[k, lo + j], snap_z[k, lo + j] = \
                            x[lo + j], y[lo + j], z[lo + j]
                    k += 1
                time = step * dt
                for j in range(m):
                    p = lo + j
                    start = release_step[p]
                    if step < start:
                        continue
                    if general and status[p] == DEPOSITED and bed_mode == BED_DYNAMIC:
                        # on the bed and not for good: back in suspension when the bed shear
                        # stress exceeds the critical one (the cycle is recorded)
                        if n_cycles[p] >= capacity:
                            continue  # on the bed for good (counted out when it landed)
                        if step - start >= max_age:
                            if step - start == max_age:
                                alive -= 1  # past the horizon: it stays where it is
                            continue
                        if _bed_shear(t_axis, z_axis, y_axis, x_axis, u, v, time, x[p], y[p],
                                      drag) <= tau_cr:
                            continue
                        c = n_cycles[p]
                        cycles[p, 2 * c], cycles[p, 2 * c + 1] = event_step[p], step
                        n_cycles[p] = c + 1
                        status[p], event_step[p] = SUSPENDED, 0
                    elif status[p] >= DEPOSITED:
                        continue
                    if step - start >= max_age:
                        status[p] = RETIRED
                        alive -= 1
                        continue
                    if step == start:
                        status[p] = SUSPENDED
                    px, py, pz = x[p], y[p], z[p]
                    zb = _bed_height(bed_y, bed_x, bed_z, px, py) if gridded else bed_z[0, 0]
                    h = pz - zb
                    ws = w0[p]
                    if general and floc and tau_f[p] > 0.0 and not by_concentration:
                        ws = w0[p] + (wf[p] - w0[p]) * (1.0 - np.exp(-(step - start) * dt / tau_f[p]))
                    if flat:
                        uu, vv, kmid, slope = table[0, 0], table[0, 2], table[0, 4], 0.0
                    else:
                        uu, vv, kmid, slope, iz[j] = _column(za, table, h, dt, drift, iz[j])
                    if not profile:
                        uu, vv = _current_at_point(t_axis, z_axis, y_axis, x_axis, u, v, time, h,
                                                   py, px)
                    a, b1, bits = _next(s0[j], s1[j])
                    rx = _unit((bits >> np.uint64(43)) & mask)
                    ry = _unit((bits >> np.uint64(22)) & mask)
                    rz = _unit((bits >> np.uint64(1)) & mask)
                    px += uu * dt + horizontal * rx
                    py += vv * dt + horizontal * ry
                    if general and ((by_concentration and hind[p, 6] > 0.0) or (
                            hindered and hind[p, 0] > 0.0 and hind[p, 2] > 0.0)):
                        ws = _near_source(p, ws, w0, wf, hind, progress, hits, b, j, z_start,
                                          px - 0.5 * (uu * dt + horizontal * rx) - origin[0],
                                          py - 0.5 * (vv * dt + horizontal * ry) - origin[1], pz,
                                          kh, dt, by_concentration, hindered)
                    before = h
                    spread = max(kmid, 0.0) * dt
                    pz += (slope - ws) * dt + (vertical if flat else np.sqrt(6.0 * spread)) * rz
                    if pz > depth:
                        pz = 2.0 * depth - pz
                    if gridded:
                        zb = _bed_height(bed_y, bed_x, bed_z, px, py)
                    h = pz - zb
                    landed = False
                    if reflect_bed or bed_mode == BED_REFLECTING:
                        h = abs(h)
                    else:
                        landed = h <= 0.0
                        if not landed and before * h < 20.0 * spread:
                            # the walk may have touched the bed within the step and come back:
                            # the Brownian bridge crosses with probability exp(-z0 z1 / (K dt))
                            # (removes the lateness of checking the bed only at the step ends)
                            a, b1, bits = _next(a, b1)
                            landed = 0.5 * (_unit((bits >> np.uint64(43)) & mask) + 1.0) < np.exp(
                                -before * h / spread)
                        if general and landed and bed_mode == BED_DYNAMIC and _bed_shear(
                                t_axis, z_axis, y_axis, x_axis, u, v, time + dt, px, py,
                                drag) > tau_cr:
                            landed, h = False, abs(h)  # the shear is above critical: no deposit
                    s0[j], s1[j] = a, b1
                    pz = zb if landed else zb + h
                    if landed:
                        status[p], event_step[p] = DEPOSITED, step + 1
                        if not general or bed_mode != BED_DYNAMIC or n_cycles[p] >= capacity:
                            alive -= 1
                    elif px < bounds[0] or px > bounds[1] or py < bounds[2] or py > bounds[3]:
                        status[p], event_step[p] = EXPORTED, step + 1
                        alive -= 1
                    x[p], y[p], z[p] = px, py, pz
            while k < n_snap:
                for j in range(m):
                    snap_x[k, lo + j], snap_y[k, lo + j], snap_z[k, lo + j] = \
                        x[lo + j], y[lo + j], z[lo + j]
                k += 1

    return advance


_advance = _make_advance(True)
_advance_plain = _make_advance(False)
"""The general kernel, and the one without the resuspending bed, the gridded seabed,
flocculation and hindrance (``simulate`` takes it when none is asked for)."""


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
             floc_reference_kg_per_m3=None) -> PlumeRun:
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
        Reflect at the bed instead of depositing (a tracer; the well-mixed test).
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
    plain = (mode != BED_DYNAMIC and seabed is None and not np.any(tau > 0)
             and hind.shape[0] == 0 and not _force_general)
    (_advance_plain if plain else _advance)(
        x, y, z, w0, wf, tau, release, status, event, np.uint64(seed),
        current.t_s, current.z_m, current.y_m, current.x_m, current.u, current.v,
        *column_table(current, kz_z_m, kz_m2_per_s),
        float(kh_m2_per_s), float(depth_m), current.bounds(), float(dt_s), int(n_steps),
        snaps, sx, sy, sz, bool(reflect_bed), bool(drift_correction),
        int(n_steps if max_age_steps is None else max_age_steps),
        bed.y_m, bed.x_m, bed.height_m, hind, np.array([rx, ry]), mode, tau_cr, drag,
        cycles, n_cycles, hits, progress)
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
