r"""First estimate of the near-bed plume footprint: settling Gaussian puffs in a steady current.

Mud escaping the gathering cylinder at height ``h`` above the seabed is split into size classes
``k`` (the mined mud's size distribution). Each class settles at its Stokes velocity
``w_k = g d_k² (ρ_s − ρ_sw) / (18 μ)`` (docs/models/lifting.md §2), so it lands after ``t_k = h / w_k``,
``x_k = U t_k`` downstream, spread by horizontal diffusion into a Gaussian of
``σ_k = sqrt(2 K t_k)``. Over a year with release ``M`` [kg] of which ``p_k`` in class ``k``, the
deposit thickness is

.. math::

    \delta(x, y) = \frac{1}{\rho_d} \sum_k \frac{p_k M}{2\pi\sigma_k^2}
                    \exp\left(-\frac{(x - x_k)^2 + y^2}{2\sigma_k^2}\right)

and the KPI is the area where ``δ ≥ 1 mm``. Assumptions, all conservative for the area near
the source: a fixed source, a current of constant direction all year, no flocculation (which
would shorten ``t_k``, Elementa doi:10.1525/elementa.343), no resuspension. A Lagrangian engine
replaces this in a later issue.
"""

from __future__ import annotations

import numpy as np

from reemud.particles import stokes_velocity_m_per_s

stokes_settling_velocity_m_per_s = stokes_velocity_m_per_s
"""Stokes settling velocity ``g d² Δρ / (18 μ)`` [m/s] (``reemud.particles``), under the name
the plume has used."""


def _landing(class_fractions, settling_velocity_m_per_s, release_height_m, current_speed_m_per_s,
             horizontal_diffusivity_m2_per_s):
    """Landing distance ``x_k`` and spread ``σ_k`` of every class [m, m]."""
    w = np.asarray(settling_velocity_m_per_s, dtype=float)
    t_land = np.asarray(release_height_m, dtype=float) / w
    return current_speed_m_per_s * t_land, np.sqrt(2.0 * horizontal_diffusivity_m2_per_s * t_land)


def _field(xs, ss, ms, density, x, y):
    """Thickness on the half-plane grid ``y × x`` [m]: separable per class, one matrix product."""
    gx = np.exp(-((x[None, :] - xs[:, None]) ** 2) / (2 * ss[:, None] ** 2))
    gy = np.exp(-(y[None, :] ** 2) / (2 * ss[:, None] ** 2))
    return (gy * (ms / (2 * np.pi * ss**2))[:, None]).T @ gx / density


def _cell_areas(x, y):
    """Area each cell of the half-plane grid stands for [m²] (the row at y = 0 counts once)."""
    weights = np.full(y.size, 2.0)
    weights[0] = 1.0
    return np.broadcast_to(weights[:, None] * (x[1] - x[0]) * (y[1] - y[0]), (y.size, x.size))


def _footprint(released_kg, frac, x_land, sigma, density, threshold_m, cells):
    """The coarse whole-field grid and the fine grid over the footprint box (or ``None``)."""
    peak = released_kg * frac / (2.0 * np.pi * sigma**2) / density
    relevant = (peak >= 1e-3 * threshold_m) & (frac > 0.0)
    if not np.any(relevant):
        empty = np.zeros(1)
        return (empty, empty, np.zeros((1, 1))), None
    xs, ss, ms = x_land[relevant], sigma[relevant], released_kg * frac[relevant]
    x = np.linspace(np.min(xs - 5 * ss), np.max(xs + 5 * ss), cells)
    y = np.linspace(0.0, np.max(5 * ss), cells // 2)
    thickness = _field(xs, ss, ms, density, x, y)
    near = thickness >= 0.5 * threshold_m
    if not near.any():
        return (x, y, thickness), None
    # refine on the box that holds the footprint, so that small footprints are resolved too
    rows, cols = np.nonzero(near)
    dx, dy = x[1] - x[0], y[1] - y[0]
    x_fine = np.linspace(x[cols.min()] - 2 * dx, x[cols.max()] + 2 * dx, cells)
    y_fine = np.linspace(0.0, y[rows.max()] + 2 * dy, cells // 2)
    return (x, y, thickness), (x_fine, y_fine, _field(xs, ss, ms, density, x_fine, y_fine))


def deposit_area_km2(*, released_kg, class_fractions, settling_velocity_m_per_s,
                     release_height_m, current_speed_m_per_s, horizontal_diffusivity_m2_per_s,
                     deposit_dry_density_kg_per_m3, threshold_m=1e-3, cells=800):
    """Area where the year's deposit is at least ``threshold_m`` thick [km²], and the grid.

    ``class_fractions`` (times ``released_kg``) gives each class's mass; ``release_height_m`` may
    be one height or one per class, so several sources add up on one grid.

    Evaluates the thickness field on a ``cells × cells/2`` half-plane grid (the field is
    symmetric in y) that covers every class able to contribute more than 1e-3 of the threshold,
    then again on a grid of the same size over the box holding the footprint, where the area is
    counted. Returns ``(area_km2, x_m, y_m, thickness_m)`` with the coarse, whole-field grid.

    Parameters
    ----------
    released_kg : float
        Mass released in the year ``M`` [kg].
    class_fractions : array_like
        Share ``p_k`` of the release in each class [-] (times ``released_kg`` the class's
        mass), classes on the last axis.
    settling_velocity_m_per_s : array_like
        Settling velocity of each class ``w_k`` [m/s].
    release_height_m : float or array_like
        Release height above the seabed ``h`` [m], one or one per class.
    current_speed_m_per_s : float
        Near-bed current speed ``U`` [m/s] (constant direction).
    horizontal_diffusivity_m2_per_s : float
        Horizontal diffusivity ``K`` [m²/s].
    deposit_dry_density_kg_per_m3 : float
        Dry bulk density of the deposit ``ρ_d`` [kg/m³].
    threshold_m : float, optional
        Thickness counted as covered [m]; 1 mm by default.
    cells : int, optional
        Cells along x of each grid (half as many along y) [-].

    Returns
    -------
    area_km2 : float
        Area where the deposit is at least ``threshold_m`` thick [km²].
    x_m, y_m : ndarray
        Downstream and cross-stream coordinates of the coarse grid [m] (``y ≥ 0``).
    thickness_m : ndarray
        Deposit thickness on that grid, shape ``(y_m.size, x_m.size)`` [m].

    References
    ----------
    docs/models/environment.md §2.3.
    """
    frac = np.asarray(class_fractions, dtype=float)
    x_land, sigma = _landing(frac, settling_velocity_m_per_s, release_height_m,
                             current_speed_m_per_s, horizontal_diffusivity_m2_per_s)
    (x, y, thickness), fine = _footprint(released_kg, frac, x_land, sigma,
                                         deposit_dry_density_kg_per_m3, threshold_m, cells)
    if fine is None:
        return 0.0, x, y, thickness
    x_fine, y_fine, field = fine
    area_m2 = float(_cell_areas(x_fine, y_fine)[field >= threshold_m].sum())
    return area_m2 / 1e6, x, y, thickness


SCALE_BIN_RATIO = 1.05
"""Width of the scale bins of ``deposit_areas_km2`` (ratio of a bin's upper to lower edge)."""


def deposit_areas_km2(*, released_kg, class_fractions, settling_velocity_m_per_s,
                      release_height_m, current_speed_m_per_s, horizontal_diffusivity_m2_per_s,
                      deposit_dry_density_kg_per_m3, threshold_m=1e-3, cells=800,
                      grids=None):
    """``deposit_area_km2`` for many released masses of one release shape [km², shape (n,)].

    The thickness is proportional to the released mass, so a draw releasing ``M`` covers the
    cells where the unit field is at least ``threshold / M``. Masses are binned on a fixed
    logarithmic ladder (``SCALE_BIN_RATIO``); each bin's footprint grid is built once, for the
    bin's upper edge, as ``deposit_area_km2`` builds it, and every draw in the bin counts its own
    cells on it. The grids depend on the mass only through its bin, so a draw's area does not
    depend on the other draws; it differs from ``deposit_area_km2`` by the grid resolution only
    (the grid covers up to 5 % more mass). ``grids``, a dict owned by the caller for this release
    shape, keeps the bins' grids between calls.

    Parameters
    ----------
    released_kg : array_like
        Mass released in the year by each draw [kg], shape ``(n,)``.
    class_fractions : array_like
        Share ``p_k`` of the release in each class [-] (times ``released_kg`` the class's
        mass), one release shape for every draw, classes on its only axis.
    settling_velocity_m_per_s : array_like
        Settling velocity of each class ``w_k`` [m/s].
    release_height_m : float or array_like
        Release height above the seabed ``h`` [m], one or one per class.
    current_speed_m_per_s : float
        Near-bed current speed ``U`` [m/s] (constant direction).
    horizontal_diffusivity_m2_per_s : float
        Horizontal diffusivity ``K`` [m²/s].
    deposit_dry_density_kg_per_m3 : float
        Dry bulk density of the deposit ``ρ_d`` [kg/m³].
    threshold_m : float, optional
        Thickness counted as covered [m]; 1 mm by default.
    cells : int, optional
        Cells along x of each grid (half as many along y) [-].
    grids : dict, optional
        Cache of the footprint grids of this release shape, by scale bin.

    Returns
    -------
    ndarray
        Area where the deposit is at least ``threshold_m`` thick [km²], shape ``(n,)``.

    References
    ----------
    docs/models/environment.md §2.3.
    """
    masses = np.asarray(released_kg, dtype=float)
    frac = np.asarray(class_fractions, dtype=float)
    x_land, sigma = _landing(frac, settling_velocity_m_per_s, release_height_m,
                             current_speed_m_per_s, horizontal_diffusivity_m2_per_s)
    areas = np.zeros(masses.shape)
    positive = masses > 0
    bins = np.full(masses.shape, np.iinfo(np.int64).min)
    bins[positive] = np.ceil(np.log(masses[positive]) / np.log(SCALE_BIN_RATIO)).astype(np.int64)
    grids = {} if grids is None else grids
    for k in np.unique(bins[positive]):
        members = bins == k
        if k not in grids:
            grids[k] = _coverage(SCALE_BIN_RATIO ** float(k), frac, x_land, sigma,
                                 deposit_dry_density_kg_per_m3, threshold_m, cells)
        if grids[k] is None:
            continue
        unit, covered = grids[k]
        count = np.searchsorted(-unit, -threshold_m / masses[members], side="right")
        areas[members] = np.where(count > 0, covered[np.maximum(count - 1, 0)], 0.0) / 1e6
    return areas


def _coverage(mass, frac, x_land, sigma, density, threshold_m, cells):
    """Unit-mass thickness of the footprint cells, thickest first, and the area they cover.

    Returns ``(thickness per kg [m/kg], cumulative area [m²])``, or ``None`` if nothing reaches
    the threshold.
    """
    _, fine = _footprint(mass, frac, x_land, sigma, density, threshold_m, cells)
    if fine is None:
        return None
    x_fine, y_fine, field = fine
    unit = (field / mass).ravel()
    order = np.argsort(unit)[::-1]
    return unit[order], np.cumsum(_cell_areas(x_fine, y_fine).ravel()[order])


def _on_classes(*parts):
    """Concatenate per-class arrays on the last axis, broadcasting their draw axes."""
    lead = np.broadcast_shapes(*(np.shape(a)[:-1] for a in parts))
    return np.concatenate([np.broadcast_to(a, lead + np.shape(a)[-1:]) for a in parts], axis=-1)


def release_classes(*, phase_mass_fractions, phase_size_fractions, phase_density_kg_per_m3,
                    diameter_um, escaped_dry_t, release_height_m, seawater_density_kg_per_m3,
                    seawater_viscosity_pa_s, tailings_dry_t=None, tailings_partition=None,
                    return_solids_t=0.0, tailings_release_height_m=None):
    """Mass, settling velocity and release height of every released grain class.

    Sources: the mud escaping at the seabed (``escaped_dry_t`` [t/yr], with the mined mud's
    phases and sizes) and, if ``tailings_dry_t`` is given, the cyclone overflow discharged at
    sea (the share ``1 − partition`` of each class of the feed) with the dewatering return
    water's fines (``return_solids_t`` [t/yr], in the tailings' size distribution). Every size
    class of every phase settles at its own Stokes velocity.

    Returns
    -------
    (mass_kg, settling_m_per_s, height_m) : arrays with the classes on the last axis and the
    draws (if any) first: released mass [kg/yr], settling velocity [m/s], release height [m].

    Parameters
    ----------
    phase_mass_fractions : dict
        Mass share of each grain phase in the mined mud [-] (values may carry draws).
    phase_size_fractions : dict
        Class mass fractions of each phase [-], size classes on the last axis.
    phase_density_kg_per_m3 : dict
        Grain density of each phase [kg/m³].
    diameter_um : array_like
        Mid-size of each size class [µm].
    escaped_dry_t : float or array_like
        Mud escaping at the seabed [t/yr] (draws first).
    release_height_m : float or array_like
        Height of the seabed release [m].
    seawater_density_kg_per_m3, seawater_viscosity_pa_s : float or array_like
        Seawater density [kg/m³] and viscosity [Pa·s] (draws first).
    tailings_dry_t : float or array_like, optional
        Dry feed of the cyclones whose overflow goes to sea [t/yr]; ``None``: no tailings at
        sea.
    tailings_partition : dict, optional
        Net partition of each phase's classes to the concentrate [-], size classes last.
    return_solids_t : float or array_like, optional
        Fines of the dewatering return water, released with the tailings [t/yr].
    tailings_release_height_m : float or array_like, optional
        Height of the tailings release [m].

    References
    ----------
    docs/models/environment.md §2.3.
    """
    phases = list(phase_mass_fractions)

    def by_phase(weight):
        return _on_classes(*(np.asarray(phase_mass_fractions[k])[..., None]
                             * phase_size_fractions[k] * weight(k) for k in phases))

    escaped_kg = by_phase(lambda k: 1.0) * np.asarray(escaped_dry_t)[..., None] * 1000.0
    masses = [escaped_kg]
    heights = [np.asarray(release_height_m)[..., None] * np.ones(escaped_kg.shape[-1])]
    if tailings_dry_t is not None:
        tailings_kg = by_phase(lambda k: 1.0 - tailings_partition[k]) \
            * np.asarray(tailings_dry_t)[..., None] * 1000.0
        tailings_kg = tailings_kg * np.asarray(
            1.0 + np.asarray(return_solids_t) * 1000.0 / tailings_kg.sum(axis=-1))[..., None]
        masses.append(tailings_kg)
        heights.append(np.asarray(tailings_release_height_m)[..., None]
                       * np.ones(tailings_kg.shape[-1]))
    densities = np.repeat([phase_density_kg_per_m3[k] for k in phases], np.size(diameter_um))
    w = stokes_settling_velocity_m_per_s(
        np.tile(diameter_um, len(phases)), densities,
        np.asarray(seawater_density_kg_per_m3)[..., None],
        np.asarray(seawater_viscosity_pa_s)[..., None])
    return _on_classes(*masses), _on_classes(*[w] * len(masses)), _on_classes(*heights)


RETURN_WATER_RELEASES = ("with-tailings", "near-bed", "mid-water", "surface")
"""Where the dewatering return water goes: with the tailings (to sea only when they do), or
discharged on its own near the bed, at mid-water or at the surface."""


def release_sources(*, phase_mass_fractions, phase_size_fractions, phase_density_kg_per_m3,
                    diameter_um, escaped_dry_t, release_height_m, seawater_density_kg_per_m3,
                    seawater_viscosity_pa_s, water_depth_m, tailings_at_sea, tailings_dry_t,
                    tailings_partition, return_solids_t, tailings_release_height_m,
                    return_water_release, surface_release_depth_m, escape_volume_fraction=None,
                    tailings_water_t=None, return_water_t=None):
    """The plume's three sources, each with its grain classes, for the Lagrangian engine.

    ``escape`` (the mud escaping the gathering cylinder at ``release_height_m``, in the mined
    mud's phases and sizes), ``tailings`` (the cyclone overflow, the share 1 − partition of
    each class of the feed ``tailings_dry_t``, if ``tailings_at_sea``) and ``return water``
    (``return_solids_t`` of fines in the overflow's size distribution: with the tailings when
    ``return_water_release`` is ``with-tailings`` — released only if they go to sea — else on
    its own near the bed, at mid-water or ``surface_release_depth_m`` below the surface).
    Settling velocity per class from ``reemud.particles.terminal_velocity_m_per_s`` (drag
    beyond Stokes, fluids). Scalars only (one draw); returns a list of dicts ``name``,
    ``mass_kg`` [kg/yr per class], ``settling_m_per_s`` [m/s], ``height_m`` [m],
    ``density_kg_per_m3`` (of the source's solids, mass over volume) and ``exponent`` (the
    Richardson–Zaki n of each class at its Reynolds number w d / ν, ``richardson_zaki_exponent``).
    Given ``escape_volume_fraction`` (the solids volume fraction the escape leaves at),
    ``tailings_water_t`` and ``return_water_t`` [t/yr of seawater with the tailings and the
    return water's fines], each source also carries its ``volume_fraction`` of solids, for
    hindered settling near it.
    """
    from reemud.environment.lagrangian import richardson_zaki_exponent
    from reemud.particles import terminal_velocity_m_per_s

    phases = list(phase_mass_fractions)
    densities = np.repeat([float(phase_density_kg_per_m3[k]) for k in phases],
                          np.size(diameter_um))
    w = terminal_velocity_m_per_s(np.tile(diameter_um, len(phases)), densities,
                                  float(seawater_density_kg_per_m3),
                                  float(seawater_viscosity_pa_s))

    def by_phase(weight):
        return np.concatenate([float(phase_mass_fractions[k]) * np.asarray(
            phase_size_fractions[k], dtype=float) * weight(k) for k in phases])

    escape = by_phase(lambda k: 1.0) * float(escaped_dry_t) * 1000.0
    overflow = by_phase(lambda k: 1.0 - np.asarray(tailings_partition[k], dtype=float))
    shares = overflow / overflow.sum() if overflow.sum() > 0 else overflow
    tailings = overflow * float(tailings_dry_t) * 1000.0 if tailings_at_sea else 0.0 * overflow
    returned = shares * float(return_solids_t) * 1000.0
    heights = {"with-tailings": float(tailings_release_height_m),
               "near-bed": float(release_height_m), "mid-water": 0.5 * float(water_depth_m),
               "surface": float(water_depth_m) - float(surface_release_depth_m)}
    if return_water_release == "with-tailings" and not tailings_at_sea:
        returned = 0.0 * returned
    rho_w = float(seawater_density_kg_per_m3)
    exponent = richardson_zaki_exponent(w * np.tile(diameter_um, len(phases)) * 1e-6 * rho_w
                                        / float(seawater_viscosity_pa_s))
    out = [{"name": "escape", "mass_kg": escape, "settling_m_per_s": w,
            "height_m": float(release_height_m)},
           {"name": "tailings", "mass_kg": tailings, "settling_m_per_s": w,
            "height_m": float(tailings_release_height_m)},
           {"name": "return water", "mass_kg": returned, "settling_m_per_s": w,
            "height_m": heights[return_water_release]}]
    water_t = (None, tailings_water_t, return_water_t)
    for src, water in zip(out, water_t, strict=True):
        m = src["mass_kg"]
        solids_m3 = float(np.sum(m / densities))
        src["density_kg_per_m3"] = float(m.sum() / solids_m3) if solids_m3 > 0 else \
            float(np.average(densities))
        src["exponent"] = exponent
        if escape_volume_fraction is None:
            continue
        src["volume_fraction"] = float(escape_volume_fraction) if water is None else float(
            discharge_volume_fraction(m.sum() / 1000.0, water, src["density_kg_per_m3"], rho_w))
    return out


def discharge_volume_fraction(solids_t, water_t, solids_density_kg_per_m3,
                              water_density_kg_per_m3):
    """Solids volume fraction of a discharge of ``solids_t`` with ``water_t`` of seawater [-].

    ``(S/ρ_s) / (S/ρ_s + W/ρ_w)``; 0 without solids, 1 without water (scalars or arrays).
    """
    solids = np.asarray(solids_t, dtype=float) / solids_density_kg_per_m3
    water = np.asarray(water_t, dtype=float) / water_density_kg_per_m3
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(solids > 0, solids / (solids + water), 0.0)
