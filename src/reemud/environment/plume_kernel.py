r"""The plume engine's compiled kernels: the random walk of :mod:`reemud.environment.lagrangian`.

Two kernels take the same steps from the same random numbers (the module docstring of
``lagrangian`` states the walk, the bed test and the bookkeeping):

- :func:`_advance`, every feature: a gridded seabed, the resuspending bed, flocculation (by age
  or by concentration) and hindered settling near the source, one particle at a time within a
  block;
- :func:`_advance_lanes`, none of them (a flat bed that absorbs or reflects): the block's
  particles are lanes of branch-free passes that the compiler vectorises, the rare events in a
  scalar pass; several times faster.

Each particle owns a xoroshiro128++ generator (Blackman & Vigna 2021, doi:10.1145/3460772)
seeded by SplitMix64 from the run's seed and the particle's index, so a run is identical
whatever the thread count and whichever kernel runs it.

Docs: docs/models/environment.md §2.4.
"""

from __future__ import annotations

import numba
import numpy as np

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


BRIDGE_WINDOW = 20.0
"""A step ending within ``z_n z_{n+1} < 20 K_z Δt`` of the bed gets the bridge test: beyond it
the crossing probability exp(−z_n z_{n+1} / (K_z Δt)) is below 2·10⁻⁹."""


@numba.njit(inline="always")
def _bridge(s0, s1, before, after, spread):
    """Whether the walk touched the bed within a step that ends above it (Brownian bridge).

    The walk may have touched it and come back: it crosses with probability
    ``exp(−z_n z_{n+1} / (K_z Δt))`` (``spread`` = K_z Δt), which removes the lateness of
    checking the bed only at the ends of the steps. Returns the generator's new state and the
    verdict; one number is drawn.
    """
    s0, s1, bits = _next(s0, s1)
    u = 0.5 * (_unit((bits >> np.uint64(43)) & np.uint64(_LEVELS - 1)) + 1.0)
    return s0, s1, u < np.exp(-before * after / spread)


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


FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
"""The compiler's licence for floating point: reorder and fuse, but not assume away the
infinities and NaNs the kernels meet (an unbounded domain's ±inf bounds, an infinite critical
shear stress). Fusing (``contract``, ``reassoc``) lets the two kernels round differently, so
they agree to ~10⁻¹² m rather than bit for bit; without it they agree bit for bit and the
general kernel is ~15 % slower (measured)."""

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


@numba.njit(cache=True)
def _current_at_point(t_axis, z_axis, y_axis, x_axis, u, v, time, z, y, x):
    """(u, v) of a current on axes (t, z, y, x) at one time and point, multilinear."""
    it, ft = _locate(t_axis, time)
    iz, fz = _locate(z_axis, z)
    iy, fy = _locate(y_axis, y)
    ix, fx = _locate(x_axis, x)
    return (_lerp4(u, it, ft, iz, fz, iy, fy, ix, fx),
            _lerp4(v, it, ft, iz, fz, iy, fy, ix, fx))


@numba.njit(cache=True)
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


@numba.njit(parallel=True, error_model="numpy", cache=True, fastmath=FASTMATH)
def _advance(x, y, z, w0, wf, tau_f, release_step, status, event_step, seed,  # noqa: PLR0913
             t_axis, z_axis, y_axis, x_axis, u, v, za, table, kh, depth, bounds, dt, n_steps,
             snap_steps, snap_x, snap_y, snap_z, reflect_bed, settle_flux, drift, max_age,
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
    gridded = bed_z.size > 1
    capacity = cycles.shape[1] // 2
    floc = False
    hindered = False
    by_concentration = False
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
        bed_here = np.zeros(BLOCK)  # the bed's height where each particle is (gridded) ...
        bed_known = np.zeros(BLOCK, dtype=np.bool_)  # ... once looked up
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
                if status[p] == DEPOSITED and bed_mode == BED_DYNAMIC:
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
                zb = bed_z[0, 0]
                if gridded:  # where the last step left it, or looked up once
                    if not bed_known[j]:
                        bed_here[j], bed_known[j] = _bed_height(bed_y, bed_x, bed_z, px, py), True
                    zb = bed_here[j]
                h = pz - zb
                ws = w0[p]
                if floc and tau_f[p] > 0.0 and not by_concentration:
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
                if (by_concentration and hind[p, 6] > 0.0) or (
                        hindered and hind[p, 0] > 0.0 and hind[p, 2] > 0.0):
                    ws = _near_source(p, ws, w0, wf, hind, progress, hits, b, j, z_start,
                                      px - 0.5 * (uu * dt + horizontal * rx) - origin[0],
                                      py - 0.5 * (vv * dt + horizontal * ry) - origin[1], pz,
                                      kh, dt, by_concentration, hindered)
                before = h
                spread = max(kmid, 0.0) * dt
                # with the settling-flux bed the walk is reflected at the bed before settling
                pz += (slope - (0.0 if settle_flux else ws)) * dt + (
                    vertical if flat else np.sqrt(6.0 * spread)) * rz
                if pz > depth:
                    pz = 2.0 * depth - pz
                if gridded:
                    zb = _bed_height(bed_y, bed_x, bed_z, px, py)
                    bed_here[j] = zb
                h = pz - zb
                landed = False
                if reflect_bed or bed_mode == BED_REFLECTING:
                    h = abs(abs(h) - ws * dt) if settle_flux else abs(h)
                else:
                    if settle_flux:  # deposited by the settling step alone: flux w c_b
                        h = abs(h) - ws * dt
                    landed = h <= 0.0
                    if not landed and not settle_flux and before * h < BRIDGE_WINDOW * spread:
                        a, b1, landed = _bridge(a, b1, before, h, spread)
                    if landed and bed_mode == BED_DYNAMIC and _bed_shear(
                            t_axis, z_axis, y_axis, x_axis, u, v, time + dt, px, py,
                            drag) > tau_cr:
                        landed, h = False, abs(h)  # the shear is above critical: no deposit
                s0[j], s1[j] = a, b1
                pz = zb if landed else zb + h
                if landed:
                    status[p], event_step[p] = DEPOSITED, step + 1
                    if bed_mode != BED_DYNAMIC or n_cycles[p] >= capacity:
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


_X, _Y, _Z, _WS, _H, _U, _V, _SLOPE, _KMID, _HNEW, _SPREAD, _ACTIVE, _NEEDS = range(13)
"""Rows of the lanes kernel's per-block state ``f[row, lane]``: position, settling, height above
the bed, current, K_z slope and mid-point value, the new height and ``K_z Δt``, whether a lane is
moving (1) and whether its step needs the scalar pass (1). One array for all of them lets the
compiler see that the rows do not overlap, and so vectorise the step over the lanes."""


@numba.njit(parallel=True, error_model="numpy", cache=True, fastmath=FASTMATH)
def _advance_lanes(x, y, z, w0, release_step, status, event_step, seed,  # noqa: PLR0913
                   t_axis, z_axis, y_axis, x_axis, u, v, za, table, kh, depth, bounds, dt,
                   n_steps, snap_steps, snap_x, snap_y, snap_z, reflect_bed, settle_flux, drift,
                   max_age, bed_height):
    """:func:`_advance` for a flat bed, no resuspension, flocculation or hindrance, vectorised.

    The same steps, from the same random numbers, as the general kernel: each block of
    :data:`BLOCK` particles is advanced step by step in lanes, the move of all lanes in
    branch-free passes the compiler turns into SIMD instructions (AVX2 / AVX-512), and the rare
    events (release, the tracking horizon, a step ending at or near the bed, leaving the domain)
    in a scalar pass over the lanes that need it. The current at a lane is looked up in a
    scalar pass when it varies in time or x–y; the walk along the height axis too when the
    column has profiles (a few nodes, it is short).
    """
    n = x.size
    horizontal = np.sqrt(6.0 * kh * dt)
    mask = np.uint64(_LEVELS - 1)
    n_snap = snap_steps.size
    profile = t_axis.size == 1 and y_axis.size == 1 and x_axis.size == 1
    flat = za.size == 1  # constant K_z, and a constant current if a profile
    vertical = np.sqrt(6.0 * max(table[0, 4], 0.0) * dt)
    x_lo, x_hi, y_lo, y_hi = bounds[0], bounds[1], bounds[2], bounds[3]
    for b in numba.prange((n + BLOCK - 1) // BLOCK):
        lo = b * BLOCK
        m = min(BLOCK, n - lo)
        rng = np.zeros((2, BLOCK), dtype=np.uint64)
        f = np.zeros((13, BLOCK))
        segment = np.zeros(BLOCK, dtype=np.int64)
        alive = 0
        first = n_steps
        for j in range(m):
            p = lo + j
            state, rng[0, j] = _splitmix(np.uint64(seed) * _GOLDEN ^ np.uint64(p))
            state, rng[1, j] = _splitmix(state)
            f[_X, j], f[_Y, j], f[_Z, j], f[_WS, j] = x[p], y[p], z[p], w0[p]
            if status[p] < DEPOSITED:
                alive += 1
                first = min(first, release_step[p])
        k = 0
        check = first  # the next step at which a particle is released or retires
        for step in range(first, n_steps):
            if alive == 0:
                break
            while k < n_snap and snap_steps[k] <= step:
                # a snapshot of step s holds the positions after s steps
                for j in range(m):
                    snap_x[k, lo + j], snap_y[k, lo + j], snap_z[k, lo + j] = \
                        f[_X, j], f[_Y, j], f[_Z, j]
                k += 1
            if step == check:  # releases and retirements
                check = n_steps
                for j in range(m):
                    p = lo + j
                    start = release_step[p]
                    if status[p] >= DEPOSITED:
                        continue
                    if step < start:
                        check = min(check, start)
                        continue
                    if step - start >= max_age:
                        status[p] = RETIRED
                        f[_ACTIVE, j] = 0.0
                        alive -= 1
                        continue
                    if step == start:
                        status[p] = SUSPENDED
                        f[_ACTIVE, j] = 1.0
                    check = min(check, start + max_age)
                if alive == 0:
                    break
            for j in range(BLOCK):
                f[_H, j] = f[_Z, j] - bed_height
            if flat:
                for j in range(BLOCK):
                    f[_U, j], f[_V, j], f[_KMID, j], f[_SLOPE, j] = \
                        table[0, 0], table[0, 2], table[0, 4], 0.0
            else:
                for j in range(m):
                    f[_U, j], f[_V, j], f[_KMID, j], f[_SLOPE, j], segment[j] = _column(
                        za, table, f[_H, j], dt, drift, segment[j])
            if not profile:
                for j in range(m):
                    if f[_ACTIVE, j] > 0.0:
                        f[_U, j], f[_V, j] = _current_at_point(
                            t_axis, z_axis, y_axis, x_axis, u, v, step * dt, f[_H, j], f[_Y, j],
                            f[_X, j])
            needs = 0
            for j in range(BLOCK):  # the move, branch-free
                s0, s1, bits = _next(rng[0, j], rng[1, j])
                # the sums grouped as in _advance (the compiler may still fuse them differently)
                px = f[_X, j] + (f[_U, j] * dt
                                 + horizontal * _unit((bits >> np.uint64(43)) & mask))
                py = f[_Y, j] + (f[_V, j] * dt
                                 + horizontal * _unit((bits >> np.uint64(22)) & mask))
                spread = max(f[_KMID, j], 0.0) * dt
                pz = f[_Z, j] + ((f[_SLOPE, j] - (0.0 if settle_flux else f[_WS, j])) * dt + (
                    vertical if flat else np.sqrt(6.0 * spread)) * _unit(
                        (bits >> np.uint64(1)) & mask))
                pz = 2.0 * depth - pz if pz > depth else pz
                h = pz - bed_height
                outside = (px < x_lo) | (px > x_hi) | (py < y_lo) | (py > y_hi)
                if reflect_bed:
                    h = abs(abs(h) - f[_WS, j] * dt) if settle_flux else abs(h)
                    flag = outside
                elif settle_flux:  # the walk reflected, then the settling step
                    h = abs(h) - f[_WS, j] * dt
                    flag = outside | (h <= 0.0)
                else:  # at or below the bed, or near enough for the bridge test
                    flag = outside | (h <= 0.0) | (f[_H, j] * h < BRIDGE_WINDOW * spread)
                on = f[_ACTIVE, j] > 0.0
                f[_X, j] = px if on else f[_X, j]
                f[_Y, j] = py if on else f[_Y, j]
                f[_Z, j] = bed_height + h if on else f[_Z, j]
                rng[0, j] = s0 if on else rng[0, j]
                rng[1, j] = s1 if on else rng[1, j]
                f[_HNEW, j], f[_SPREAD, j] = h, spread
                hit = on & flag
                f[_NEEDS, j] = 1.0 if hit else 0.0
                needs += hit
            if needs == 0:
                continue
            for j in range(m):  # the rare events
                if f[_NEEDS, j] == 0.0:
                    continue
                p = lo + j
                h, before, spread = f[_HNEW, j], f[_H, j], f[_SPREAD, j]
                landed = False
                if not reflect_bed:
                    landed = h <= 0.0
                    if not landed and not settle_flux and before * h < BRIDGE_WINDOW * spread:
                        rng[0, j], rng[1, j], landed = _bridge(rng[0, j], rng[1, j], before, h,
                                                               spread)
                if landed:
                    f[_Z, j] = bed_height
                    status[p], event_step[p] = DEPOSITED, step + 1
                    f[_ACTIVE, j] = 0.0
                    alive -= 1
                elif (f[_X, j] < x_lo or f[_X, j] > x_hi or f[_Y, j] < y_lo
                      or f[_Y, j] > y_hi):
                    status[p], event_step[p] = EXPORTED, step + 1
                    f[_ACTIVE, j] = 0.0
                    alive -= 1
        while k < n_snap:
            for j in range(m):
                snap_x[k, lo + j], snap_y[k, lo + j], snap_z[k, lo + j] = \
                    f[_X, j], f[_Y, j], f[_Z, j]
            k += 1
        for j in range(m):
            p = lo + j
            x[p], y[p], z[p] = f[_X, j], f[_Y, j], f[_Z, j]
