"""What a regulator reads off a plume run: deposit, areas, extent, contours, files.

The deposit grid, areas above thresholds, extent, centroid and spread, suspended
concentration, GeoJSON contours and a NetCDF file, all from the end states of a
:class:`reemud.environment.lagrangian.PlumeRun` (docs/models/environment.md §2.6). The sampling
error of an area is estimated by splitting the particles into ``groups`` interleaved subsets:
the areas of the subsets (each with 1/groups of the particles and the whole mass) spread as
√groups times the full run's error, so SE ≈ sd(subset areas) / √groups.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from reemud.environment import lagrangian
from reemud.environment.lagrangian import PlumeRun, area_above_km2, deposit_thickness_m

DEFAULT_THRESHOLDS_M = (1e-3, 1e-4)
"""Deposit thresholds of the areas [m]: 1 mm and 0.1 mm (issue 15; configurable per scenario)."""


def frame(run: PlumeRun, cells: int = 400, margin: float = 0.1):
    """Square-celled grid edges [m] that frame every deposited particle, with a margin.

    ``cells`` along the longer side; the source (0, 0) is inside the frame.
    """
    on = run.deposited()
    xs = np.append(run.x_m[on], 0.0)
    ys = np.append(run.y_m[on], 0.0)
    width = max(xs.max() - xs.min(), ys.max() - ys.min(), 1.0) * (1.0 + 2.0 * margin)
    cell = width / cells
    def edges(values):
        mid = 0.5 * (values.max() + values.min())
        n = int(np.ceil((values.max() - values.min()) * (1 + 2 * margin) / cell)) + 2
        return mid + (np.arange(n + 1) - n / 2) * cell
    return edges(xs), edges(ys)


def summary(run: PlumeRun, dry_density_kg_per_m3: float, thresholds_m=DEFAULT_THRESHOLDS_M,
            cells: int = 400, groups: int = 4) -> dict:
    """The footprint's KPIs: areas above each threshold with their sampling error, and more.

    Returns ``area_km2`` and ``area_se_km2`` (per threshold, same order), ``max_extent_km``
    (farthest cell above the smallest threshold from the source), ``centroid_m`` and
    ``spread_m`` (mass-weighted mean and standard deviation of the deposit, x and y),
    the end ``ledger`` (kg) and ``off_grid_kg``, with the grid (``x_edges``, ``y_edges``,
    ``thickness_m``).
    """
    x_edges, y_edges = frame(run, cells)
    thickness, off = deposit_thickness_m(run, x_edges, y_edges, dry_density_kg_per_m3)
    thresholds = np.atleast_1d(np.asarray(thresholds_m, dtype=float))
    areas = np.array([area_above_km2(thickness, x_edges, y_edges, t) for t in thresholds])
    subsets = np.empty((groups, thresholds.size))
    index = np.arange(run.x_m.size)
    subset_grids = []
    for g in range(groups):
        part = _subset(run, index % groups == g, groups)
        t_g, _ = deposit_thickness_m(part, x_edges, y_edges, dry_density_kg_per_m3)
        subsets[g] = [area_above_km2(t_g, x_edges, y_edges, t) for t in thresholds]
        subset_grids.append(t_g)
    on = run.deposited()
    m = run.mass_kg[on]
    total = m.sum()
    centroid = np.array([np.dot(m, run.x_m[on]), np.dot(m, run.y_m[on])]) / total if total \
        else np.full(2, np.nan)
    spread = np.sqrt(np.array([np.dot(m, (run.x_m[on] - centroid[0]) ** 2),
                               np.dot(m, (run.y_m[on] - centroid[1]) ** 2)]) / total) \
        if total else np.full(2, np.nan)
    xc = 0.5 * (x_edges[1:] + x_edges[:-1])
    yc = 0.5 * (y_edges[1:] + y_edges[:-1])
    above = thickness >= thresholds.min()
    distance = np.hypot(*np.meshgrid(xc, yc))
    book = run.ledger([run.n_steps])
    return {"thresholds_m": thresholds, "area_km2": areas, "groups": groups,
            "subset_thickness_m": subset_grids,
            "area_se_km2": subsets.std(axis=0, ddof=1) / np.sqrt(groups),
            "max_extent_km": float(distance[above].max() / 1000.0) if above.any() else 0.0,
            "centroid_m": centroid, "spread_m": spread,
            "ledger": {k: float(v[0]) for k, v in book.items() if k.endswith("_kg")},
            "off_grid_kg": off, "x_edges": x_edges, "y_edges": y_edges, "thickness_m": thickness}


def _subset(run: PlumeRun, keep: np.ndarray, groups: float = 1.0) -> PlumeRun:
    """The particles ``keep``, each carrying ``groups`` times its mass (1: as they are)."""
    fields = {name: getattr(run, name)[keep] for name in (
        "x_m", "y_m", "z_m", "grain_class", "release_step", "status", "event_step")}
    stays = {} if run.cycles is None else {"cycles": run.cycles[keep],
                                            "n_cycles": run.n_cycles[keep]}
    return PlumeRun(**fields, **stays, mass_kg=run.mass_kg[keep] * groups, dt_s=run.dt_s,
                    n_steps=run.n_steps, snap_steps=run.snap_steps,
                    snapshots=run.snapshots[:, :, keep], max_age_steps=run.max_age_steps,
                    bed_mode=run.bed_mode)


def _suspended_at(run: PlumeRun, snapshot: int):
    """Positions after snapshot ``snapshot`` and which particles were suspended then.

    Suspended: released, not yet deposited or exported, not resting on the bed in a stay it is
    later resuspended from, and not past the tracking horizon.
    """
    step = int(run.snap_steps[snapshot])
    x, y, z = run.snapshots[snapshot]
    gone = (run.event_step > 0) & (run.event_step <= step) | run.resting([step])[0]
    if run.max_age_steps is not None:
        gone |= run.release_step + run.max_age_steps <= step
    return x, y, z, (run.release_step < step) & ~gone


def concentration_mg_per_l(run: PlumeRun, snapshot: int, z_low_m: float, z_high_m: float,
                           x_edges, y_edges) -> np.ndarray:
    """Suspended concentration in a layer after snapshot ``snapshot`` [mg/L], ``(ny, nx)``.

    The mass of the particles suspended then (``_suspended_at``) between ``z_low_m`` and
    ``z_high_m`` above the bed, per cell volume: kg/m³ × 1000 = mg/L.
    """
    x, y, z, suspended = _suspended_at(run, snapshot)
    inside = suspended & (z >= z_low_m) & (z < z_high_m)
    mass, _, _ = np.histogram2d(y[inside], x[inside], bins=(y_edges, x_edges),
                                weights=run.mass_kg[inside])
    volume = np.diff(y_edges)[:, None] * np.diff(x_edges)[None, :] * (z_high_m - z_low_m)
    return mass / volume * 1000.0


def section_mg_per_l(run: PlumeRun, snapshot: int, x_edges, z_edges,
                     width_m: float) -> np.ndarray:
    """Suspended concentration in a vertical section along x after a snapshot [mg/L], (nz, nx).

    The particles suspended then (released, not yet deposited or exported, nor retired past
    the tracking horizon) within ``width_m`` across the plume (|y| ≤ width/2), per cell volume
    dx · dz · width: the concentration averaged over that width.
    """
    x, y, z, suspended = _suspended_at(run, snapshot)
    inside = suspended & (np.abs(y) <= width_m / 2)
    mass, _, _ = np.histogram2d(z[inside], x[inside], bins=(z_edges, x_edges),
                                weights=run.mass_kg[inside])
    volume = np.diff(z_edges)[:, None] * np.diff(x_edges)[None, :] * width_m
    return mass / volume * 1000.0


def contours_geojson(thickness_m, x_edges, y_edges, thresholds_m=DEFAULT_THRESHOLDS_M,
                     properties: dict | None = None) -> dict:
    """GeoJSON FeatureCollection of the areas above each threshold (polygons with holes).

    Coordinates are metres east (x) and north (y) of the source, as the grid; each feature's
    properties give its threshold in m and mm. Contours by ``contourpy`` (filled, between the
    threshold and +inf) on the cell centres.
    """
    import contourpy

    xc = 0.5 * (np.asarray(x_edges)[1:] + np.asarray(x_edges)[:-1])
    yc = 0.5 * (np.asarray(y_edges)[1:] + np.asarray(y_edges)[:-1])
    gen = contourpy.contour_generator(xc, yc, np.asarray(thickness_m, dtype=float),
                                      fill_type="OuterOffset")
    features = []
    for t in np.atleast_1d(thresholds_m):
        points, offsets = gen.filled(float(t), np.inf)
        polygons = []
        for pts, off in zip(points, offsets, strict=True):
            rings = [pts[a:b].tolist() for a, b in zip(off[:-1], off[1:], strict=True)]
            polygons.append([ring + [ring[0]] if ring[0] != ring[-1] else ring
                             for ring in rings])
        features.append({"type": "Feature",
                         "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                         "properties": {"threshold_m": float(t), "threshold_mm": float(t) * 1e3,
                                        "coordinates": "metres east (x) and north (y) of the "
                                                       "source", **(properties or {})}})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(path: str | Path, collection: dict) -> Path:
    """Write a GeoJSON collection (``contours_geojson``) and return the path."""
    path = Path(path)
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def write_netcdf(path: str | Path, result: dict, attrs: dict | None = None) -> Path:
    """Write the deposit thickness grid of a :func:`summary` as a CF NetCDF file.

    Variables: ``deposit_thickness`` (m) on ``y``, ``x`` (cell centres, m north and east of
    the source) and the areas above the thresholds as attributes.
    """
    import xarray as xr

    xc = 0.5 * (result["x_edges"][1:] + result["x_edges"][:-1])
    yc = 0.5 * (result["y_edges"][1:] + result["y_edges"][:-1])
    ds = xr.Dataset(
        {"deposit_thickness": (("y", "x"), result["thickness_m"],
                               {"units": "m", "long_name": "sediment deposit thickness"})},
        coords={"x": ("x", xc, {"units": "m", "standard_name": "projection_x_coordinate",
                                "long_name": "distance east of the source"}),
                "y": ("y", yc, {"units": "m", "standard_name": "projection_y_coordinate",
                                "long_name": "distance north of the source"})},
        attrs={"Conventions": "CF-1.8", "source": "reemud Lagrangian plume engine",
               "thresholds_m": result["thresholds_m"], "area_km2": result["area_km2"],
               **(attrs or {})})
    path = Path(path)
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def scaled_areas_km2(thickness_m, x_edges, y_edges, thresholds_m, scales) -> np.ndarray:
    """Areas above each threshold of the deposit scaled by each of ``scales`` [km²].

    The deposit is linear in the released mass (and inverse in the dry density), so a draw
    that changes only those scales one footprint: the area above δ_t of s·δ is the area of the
    cells with δ ≥ δ_t / s. Returns ``(scales, thresholds)``.
    """
    cell = (np.diff(y_edges)[:, None] * np.diff(x_edges)[None, :]).ravel()
    flat = np.asarray(thickness_m, dtype=float).ravel()
    order = np.argsort(flat)
    ascending, area = flat[order], cell[order]
    above = np.concatenate([np.cumsum(area[::-1])[::-1], [0.0]])  # area of cells >= ascending[i]
    s = np.atleast_1d(np.asarray(scales, dtype=float))
    t = np.atleast_1d(np.asarray(thresholds_m, dtype=float))
    with np.errstate(divide="ignore"):
        limit = t[None, :] / s[:, None]
    index = np.searchsorted(ascending, limit, side="left")
    return np.where(s[:, None] > 0, above[index], 0.0) / 1e6


SETTLING_BINS = 12
"""Settling-velocity bands per source: each band's particles take their velocities from its own
size classes (``lagrangian.stratified_settling``)."""


def source_plume(*, sources, current, kh_m2_per_s, kz_z_m, kz_m2_per_s, depth_m,
                 dry_density_kg_per_m3, thresholds_m=DEFAULT_THRESHOLDS_M, particles=20_000,
                 dt_s=600.0, operating_steps=1, tracking_steps=4320, seed=0, cells=400,
                 floc_settling_m_per_s=None, floc_time_s=None, snap_steps=(), hindered=True,
                 bed=None, floc_reference_kg_per_m3=None) -> dict:
    """Run the engine on the plume's sources and return the footprint per source and in all.

    Parameters
    ----------
    sources : list of dict
        Each ``{"name", "mass_kg", "settling_m_per_s", "height_m"}``: the source's released
        mass per grain class [kg], those classes' settling velocities [m/s] and its release
        height above the bed [m]; for hindered settling also ``volume_fraction`` (of solids in
        the discharge), ``density_kg_per_m3`` (of its solids) and ``exponent`` (Richardson–Zaki
        n per class). A source without mass is reported with zero areas.
    current, kh_m2_per_s, kz_z_m, kz_m2_per_s, depth_m
        As ``lagrangian.simulate``.
    dry_density_kg_per_m3 : float
        Dry bulk density of the deposit [kg/m³].
    thresholds_m : sequence of float
        Deposit thresholds [m].
    particles, dt_s : int, float
        Particles in all and the time step [s].
    operating_steps : int
        Steps over which the sources release (the campaign's operating time).
    tracking_steps : int
        Steps each particle is followed at most (the tracking horizon).
    seed : int
        The engine's seed.
    cells : int
        Cells of the deposit grid along its longer side.
    floc_settling_m_per_s, floc_time_s : float, optional
        Aggregate settling velocity and flocculation time scale (off: None).
    snap_steps : sequence of int
        Steps after which to keep the particles' positions (``section_mg_per_l``).
    hindered : bool
        Hindered settling near each source that gives its discharge's concentration (the
        source's mass over the operating time is its rate).
    bed : dict, optional
        ``lagrangian.simulate``'s bed arguments: ``seabed``, ``bed_condition``,
        ``critical_shear_pa``, ``bed_drag_coefficient``, ``water_density_kg_per_m3``.
    floc_reference_kg_per_m3 : float, optional
        Flocculation by concentration (``lagrangian.simulate``): the concentration at which it
        takes ``floc_time_s``; needs the sources' solids fractions (default: by age).

    Returns
    -------
    dict
        The :func:`summary` of all sources, plus ``by_source`` (name → areas per threshold
        [km²] and released kg) and the ``run``.
    """
    names, band_w, band_m, class_mass, class_z, class_source = [], [], [], [], [], []
    band_n = []
    by_concentration = floc_reference_kg_per_m3 is not None and floc_settling_m_per_s is not None
    dilution = all("volume_fraction" in src for src in sources)
    if by_concentration and not dilution:
        raise ValueError("floc_reference_kg_per_m3: flocculation by concentration needs each "
                         "source's volume_fraction and density_kg_per_m3")
    hinder = (hindered or by_concentration) and dilution
    for k, src in enumerate(sources):
        m = np.asarray(src["mass_kg"], dtype=float)
        w = np.asarray(src["settling_m_per_s"], dtype=float)
        names.append(src["name"])
        keep = m > 0
        if not keep.any():
            continue
        exponent = np.broadcast_to(np.asarray(src.get("exponent", np.nan), dtype=float),
                                   m.shape)[keep]
        m, w = m[keep], w[keep]
        edges = np.geomspace(w.min(), w.max() * (1 + 1e-12), SETTLING_BINS + 1) \
            if w.max() > w.min() else np.array([w.min(), w.min() * (1 + 1e-12)])
        band = np.clip(np.searchsorted(edges, w, side="right") - 1, 0, edges.size - 2)
        for b in np.unique(band):
            sel = band == b
            order = np.argsort(w[sel])
            band_w.append(w[sel][order])
            band_m.append(m[sel][order])
            band_n.append(float(np.average(exponent[sel], weights=m[sel])))
            class_mass.append(m[sel].sum())
            class_z.append(float(src["height_m"]))
            class_source.append(k)
    if not class_mass:
        raise ValueError("sources: no source releases any mass")
    class_mass = np.asarray(class_mass)
    counts = lagrangian.particles_per_class(class_mass, particles)
    n = int(counts.sum())
    n_steps = int(operating_steps) + int(tracking_steps)
    on = np.zeros(n_steps, dtype=bool)
    on[:max(int(operating_steps), 1)] = True
    extra = {} if floc_settling_m_per_s is None else {
        "floc_settling_m_per_s": np.full(class_mass.size, float(floc_settling_m_per_s)),
        "floc_time_s": np.full(class_mass.size, float(floc_time_s))}
    if hinder:
        source = np.asarray(class_source)
        seconds = max(int(operating_steps), 1) * float(dt_s)
        extra["hindered"] = {
            "rate_kg_per_s": [float(np.sum(sources[k]["mass_kg"])) / seconds for k in source],
            "volume_fraction": [float(sources[k]["volume_fraction"]) for k in source],
            "density_kg_per_m3": [float(sources[k]["density_kg_per_m3"]) for k in source],
            "exponent": band_n if hindered else np.zeros(len(band_n))}
        if by_concentration:
            extra["floc_reference_kg_per_m3"] = float(floc_reference_kg_per_m3)
    run = lagrangian.simulate(
        n_particles=particles, n_steps=n_steps, dt_s=dt_s, release_xyz_m=(0.0, 0.0, 0.0),
        class_mass_kg=class_mass, class_settling_m_per_s=[w.mean() for w in band_w],
        current=current, kh_m2_per_s=kh_m2_per_s, kz_z_m=kz_z_m, kz_m2_per_s=kz_m2_per_s,
        depth_m=depth_m, seed=seed, release_steps=lagrangian.release_schedule(n, n_steps, on),
        particle_settling_m_per_s=lagrangian.stratified_settling(counts, band_w, band_m),
        class_release_z_m=class_z, max_age_steps=int(tracking_steps), snap_steps=snap_steps,
        **extra, **(bed or {}))
    out = summary(run, dry_density_kg_per_m3, thresholds_m, cells)
    source_of = np.asarray(class_source)[run.grain_class]
    by_source = {}
    for k, name in enumerate(names):
        mine = source_of == k
        if not mine.any():
            by_source[name] = {"area_km2": np.zeros(len(out["thresholds_m"])), "released_kg": 0.0,
                               "thickness_m": np.zeros_like(out["thickness_m"])}
            continue
        part = _subset(run, mine)
        t_k, _ = deposit_thickness_m(part, out["x_edges"], out["y_edges"], dry_density_kg_per_m3)
        by_source[name] = {"area_km2": np.array([area_above_km2(t_k, out["x_edges"],
                                                                out["y_edges"], t)
                                                 for t in out["thresholds_m"]]),
                           "released_kg": float(run.mass_kg[mine].sum()), "thickness_m": t_k}
    return {**out, "by_source": by_source, "run": run}
