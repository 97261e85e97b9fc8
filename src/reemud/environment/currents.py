"""Ocean currents from a NetCDF file (CF conventions) for the plume engine, read through xarray.

A file gives the eastward and northward sea-water velocity on axes of time, depth and horizontal
position. Variables are found by their CF ``standard_name`` (``eastward_sea_water_velocity``,
``northward_sea_water_velocity``; also the ``baroclinic_…`` and ``surface_…`` forms), or by the
usual short names (``uo``/``vo``, ``u``/``v``, ``water_u``/``water_v``), or named by the caller.
Coordinates: time (decoded by xarray), depth (positive down, ``positive = "down"``, or
``standard_name = "depth"``) or height above the sea floor, and either longitude/latitude (turned
into metres east and north of the source, equirectangular about its latitude: fine over the tens
of kilometres a plume travels) or projected x/y in metres. Every problem found — a missing
variable or coordinate, a source outside the grid, a run that starts or ends outside the file's
time, a NaN in the field — is one ``ScenarioError`` listing all of them with the fix.

A bathymetry for a gridded seabed is read alike (``read_seabed``).

Docs: docs/models/environment.md §2.5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from reemud.environment.lagrangian import Current, Seabed
from reemud.errors import Problem, ScenarioError

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius [m] (IUGG; Moritz 2000, Geodetic Reference System 1980)."""

U_NAMES = ("eastward_sea_water_velocity", "baroclinic_eastward_sea_water_velocity",
           "surface_eastward_sea_water_velocity")
V_NAMES = ("northward_sea_water_velocity", "baroclinic_northward_sea_water_velocity",
           "surface_northward_sea_water_velocity")
SHORT_NAMES = (("uo", "vo"), ("u", "v"), ("water_u", "water_v"), ("U", "V"))


def _open(path, what: str):
    """The dataset of a NetCDF-4 file, or one ``ScenarioError`` saying why it cannot be read."""
    try:
        return xr.open_dataset(path, engine="h5netcdf")
    except (OSError, ValueError) as exc:
        raise ScenarioError([Problem(str(path), type(exc).__name__, "a readable NetCDF-4 file",
                                     f"check the path and the format ({exc})")],
                            source=what) from None


def _by_standard_name(ds, names):
    for var in ds.data_vars:
        if ds[var].attrs.get("standard_name") in names:
            return var
    return None


def _velocity_names(ds, u_var, v_var, problems, source):
    if u_var or v_var:
        found = (u_var, v_var)
    else:
        found = (_by_standard_name(ds, U_NAMES), _by_standard_name(ds, V_NAMES))
        if None in found:
            found = next(((a, b) for a, b in SHORT_NAMES if a in ds and b in ds), found)
    have = ", ".join(map(str, ds.data_vars)) or "no variables"
    for k, (role, name) in enumerate(zip(("eastward", "northward"), found, strict=True)):
        if name is None or name not in ds:
            short = "/".join(pair[k] for pair in SHORT_NAMES)
            problems.append(Problem(
                f"{source}: {role} velocity", name, f"a variable with standard_name "
                f"{role}_sea_water_velocity or named {short}",
                f"name it with u_var/v_var; the file has {have}"))
    return found


def _axis(da, kind):
    """The dimension of ``da`` that is the ``kind`` axis (time, depth, height, lat, lon, y, x)."""
    for dim in da.dims:
        coord = da[dim] if dim in da.coords else None
        attrs = coord.attrs if coord is not None else {}
        std, axis, name = attrs.get("standard_name", ""), attrs.get("axis", ""), str(dim).lower()
        if kind == "time" and (std == "time" or axis == "T" or name in ("time", "t")):
            return dim
        if kind == "depth" and (std == "depth" or attrs.get("positive") == "down"
                                or name in ("depth", "deptht", "z_depth")):
            return dim
        if kind == "height" and (std in ("height_above_sea_floor", "height")
                                 or attrs.get("positive") == "up" or name == "height"):
            return dim
        if kind == "lat" and (std == "latitude" or name in ("lat", "latitude", "nav_lat")):
            return dim
        if kind == "lon" and (std == "longitude" or name in ("lon", "longitude", "nav_lon")):
            return dim
        if kind == "y" and (std == "projection_y_coordinate" or (axis == "Y" and std != "latitude")
                            or name == "y"):
            return dim
        if kind == "x" and (std == "projection_x_coordinate" or (axis == "X" and std != "longitude")
                            or name == "x"):
            return dim
    return None


def read_currents(path: str | Path, *, water_depth_m: float, source_position=None,
                  start=None, duration_s: float = 0.0, u_var: str | None = None,
                  v_var: str | None = None,
                  position_fix: str = "pass source_position=(lon, lat)") -> Current:
    """Read a gridded current for the engine: axes time [s], height above bed [m], y, x [m].

    Parameters
    ----------
    path : str or Path
        NetCDF file (CF conventions).
    water_depth_m : float
        Water depth at the source [m]: height above bed = water depth − depth.
    source_position : tuple of float, optional
        Where the source is, in the file's horizontal coordinates: longitude and latitude
        [degrees] (required then) or projected x and y [m] (default 0, 0). x and y of the
        result are metres east and north of it, as the engine's release point (0, 0).
    start : str or numpy.datetime64, optional
        The run's start (default: the file's first time); time 0 of the run.
    duration_s : float
        The run's length [s]; the file must cover [start, start + duration] (one time: steady).
    u_var, v_var : str, optional
        Names of the velocity variables, when not found by standard name or short name.
    position_fix : str
        How the caller sets the source's position, for the message when it is missing.

    Returns
    -------
    Current
        Time, height, y and x axes increasing; ``u``, ``v`` as ``(time, height, y, x)``.

    Raises
    ------
    ScenarioError
        Every problem of the file at once (see the module docstring).
    """
    source = str(path)
    with _open(path, "currents") as ds:
        problems: list[Problem] = []
        u_name, v_name = _velocity_names(ds, u_var, v_var, problems, source)
        if problems:
            raise ScenarioError(problems, source="currents")
        return _current(ds, u_name, v_name, water_depth_m, source_position, start, duration_s,
                        source, position_fix)


def _current(ds, u_name, v_name, water_depth_m, source_position, start, duration_s, source,
             position_fix="pass source_position=(lon, lat)"):
    problems: list[Problem] = []
    u, v = ds[u_name], ds[v_name]
    if u.dims != v.dims:
        problems.append(Problem(f"{source}: {v_name}", v.dims, f"the dimensions of {u_name} "
                                f"{u.dims}", "give both velocities on the same grid"))
        raise ScenarioError(problems, source="currents")
    dims = {k: _axis(u, k) for k in ("time", "depth", "height", "lat", "lon", "y", "x")}
    geographic = dims["lat"] is not None and dims["lon"] is not None
    ydim, xdim = (dims["lat"], dims["lon"]) if geographic else (dims["y"], dims["x"])
    zdim = dims["depth"] or dims["height"]
    known = {d for d in (dims["time"], zdim, ydim, xdim) if d is not None}
    for extra in set(u.dims) - known:
        if u.sizes[extra] != 1:
            problems.append(Problem(f"{source}: {u_name}", f"dimension {extra!r}",
                                    "time, depth (or height), latitude/longitude or y/x only",
                                    f"select one {extra} before reading (ds.isel({extra}=0))"))
    if geographic and source_position is None:
        problems.append(Problem(f"{source}: {ydim}/{xdim}", "latitude/longitude", "the source's "
                                "longitude and latitude to put the grid in metres",
                                position_fix))
    if source_position is None:
        source_position = (0.0, 0.0)
    if problems:
        raise ScenarioError(problems, source="currents")
    order = [d for d in (dims["time"], zdim, ydim, xdim) if d is not None]
    u = u.squeeze([d for d in u.dims if d not in order]).transpose(*order)
    v = v.squeeze([d for d in v.dims if d not in order]).transpose(*order)
    t_s = _time_axis(u, dims["time"], start, duration_s, problems, source)
    z = _height_axis(u, dims["depth"], dims["height"], water_depth_m, problems, source)
    y, x = _horizontal_axes(u, ydim, xdim, geographic, source_position, problems, source)
    uu, vv = (np.asarray(a.values, dtype=float).reshape(
        (t_s.size, z.size, y.size, x.size)) for a in (u, v))
    for name, values in ((u_name, uu), (v_name, vv)):
        bad = int(np.count_nonzero(~np.isfinite(values)))
        if bad:
            problems.append(Problem(f"{source}: {name}", f"{bad} NaN or infinite value(s)",
                                    "a finite velocity at every grid point", "fill the gaps "
                                    "(e.g. ds.fillna(0) on land or below the bed) or crop the grid"))
    if problems:
        raise ScenarioError(problems, source="currents")
    # every axis increasing: flip the ones stored decreasing
    axes = [t_s, z, y, x]
    for k, axis in enumerate(axes):
        if axis.size > 1 and axis[0] > axis[-1]:
            axes[k] = axis[::-1].copy()
            uu, vv = np.flip(uu, axis=k), np.flip(vv, axis=k)
    return Current(*(np.ascontiguousarray(a) for a in (axes[0], axes[1], axes[2], axes[3])),
                   np.ascontiguousarray(uu), np.ascontiguousarray(vv))


def _time_axis(u, tdim, start, duration_s, problems, source):
    if tdim is None or u.sizes[tdim] == 1:
        return np.zeros(1)
    times = u[tdim].values
    if not np.issubdtype(times.dtype, np.datetime64):
        problems.append(Problem(f"{source}: {tdim}", str(times.dtype), "CF-decodable times "
                                "(units such as 'seconds since 2027-01-01')",
                                "give the time variable CF units"))
        return np.zeros(times.size)
    t0 = times[0] if start is None else np.datetime64(start)
    seconds = (times - t0) / np.timedelta64(1, "s")
    if seconds.min() > 0 or seconds.max() < duration_s:
        problems.append(Problem(f"{source}: {tdim}", f"{times.min()} to {times.max()}",
                                f"the run from {t0} for {duration_s:g} s",
                                "choose a start and duration inside the file's time, or a file "
                                "that covers the run"))
    return seconds.astype(float)


def _height_axis(u, ddim, hdim, water_depth_m, problems, source):
    if ddim is None and hdim is None:
        return np.zeros(1)
    if ddim is not None:
        depth = np.asarray(u[ddim].values, dtype=float)
        if depth.size and np.nanmin(depth) > water_depth_m:
            problems.append(Problem(f"{source}: {ddim}", f"{np.nanmin(depth):g} m",
                                    f"depths above the bed at {water_depth_m:g} m",
                                    "check the water depth or the depth axis's units (m)"))
        return water_depth_m - depth
    return np.asarray(u[hdim].values, dtype=float)


def _horizontal_axes(u, ydim, xdim, geographic, source_position, problems, source):
    if ydim is None or xdim is None:
        return np.zeros(1), np.zeros(1)
    y = np.asarray(u[ydim].values, dtype=float)
    x = np.asarray(u[xdim].values, dtype=float)
    x0, y0 = (float(c) for c in source_position)
    inside = (x.min() <= x0 <= x.max() or x.size == 1) and (y.min() <= y0 <= y.max()
                                                             or y.size == 1)
    if not inside:
        problems.append(Problem(f"{source}: {ydim}/{xdim}", f"{xdim} {x.min():g} to {x.max():g},"
                                f" {ydim} {y.min():g} to {y.max():g}",
                                f"a grid around the source ({x0:g}, {y0:g})",
                                "use a file that covers the source, or check source_position"))
    if geographic:
        return (np.radians(y - y0) * EARTH_RADIUS_M,
                np.radians(x - x0) * EARTH_RADIUS_M * np.cos(np.radians(y0)))
    return y - y0, x - x0


DEPTH_NAMES = ("sea_floor_depth_below_sea_level", "sea_floor_depth_below_geoid",
               "sea_floor_depth_below_mean_sea_level")
"""CF standard names of a bathymetry as depth (positive down)."""
ELEVATION_NAMES = ("height_above_mean_sea_level", "altitude", "height_above_geoid")
"""CF standard names of a bathymetry as elevation (negative below the sea surface)."""


def read_seabed(path: str | Path, *, water_depth_m: float, source_position=None,
                var: str | None = None,
                position_fix: str = "pass source_position=(lon, lat)") -> Seabed:
    """Read a gridded seabed for the engine: its height above the source's bed [m] on y, x [m].

    The bathymetry is found by CF ``standard_name`` (depth positive down: ``DEPTH_NAMES``;
    elevation: ``ELEVATION_NAMES``) or named ``depth``, ``deptho``, ``bathymetry`` or ``h``
    (depth) or ``elevation`` (elevation), or named by ``var`` (depth, positive down). Its
    horizontal axes are read as the currents' (longitude/latitude about the source, or
    projected metres). Height above the datum = ``water_depth_m`` − local depth, so the bed
    at a source in ``water_depth_m`` of water is at height 0. Every problem is one
    ``ScenarioError``.
    """
    source = str(path)
    with _open(path, "seabed") as ds:
        name, sign = _bathymetry_name(ds, var)
        problems: list[Problem] = []
        if name is None:
            have = ", ".join(map(str, ds.data_vars)) or "no variables"
            raise ScenarioError([Problem(f"{source}: bathymetry", var, "a variable with "
                                         "standard_name sea_floor_depth_below_sea_level (or "
                                         "named depth, deptho, bathymetry, h or elevation)",
                                         f"name it in the scenario; the file has {have}")],
                                source="seabed")
        da = ds[name]
        dims = {k: _axis(da, k) for k in ("lat", "lon", "y", "x")}
        geographic = dims["lat"] is not None and dims["lon"] is not None
        ydim, xdim = (dims["lat"], dims["lon"]) if geographic else (dims["y"], dims["x"])
        da = da.squeeze([d for d in da.dims if d not in (ydim, xdim) and da.sizes[d] == 1])
        if ydim is None or xdim is None or da.ndim != 2:
            problems.append(Problem(f"{source}: {name}", f"dimensions {da.dims}", "a 2-D field "
                                    "on latitude/longitude or projected y/x", "select one "
                                    "time or level before reading, or give a 2-D bathymetry"))
            raise ScenarioError(problems, source="seabed")
        if geographic and source_position is None:
            problems.append(Problem(f"{source}: {ydim}/{xdim}", "latitude/longitude", "the "
                                    "source's longitude and latitude", position_fix))
            raise ScenarioError(problems, source="seabed")
        da = da.transpose(ydim, xdim)
        y, x = _horizontal_axes(da, ydim, xdim, geographic, source_position or (0.0, 0.0),
                                problems, source)
        depth = sign * np.asarray(da.values, dtype=float)
        bad = int(np.count_nonzero(~np.isfinite(depth)))
        if bad:
            problems.append(Problem(f"{source}: {name}", f"{bad} NaN or infinite value(s)",
                                    "a finite depth at every grid point", "fill or crop the "
                                    "grid (land has no seabed for the plume)"))
        if problems:
            raise ScenarioError(problems, source="seabed")
    height = float(water_depth_m) - depth
    if y.size > 1 and y[0] > y[-1]:
        y, height = y[::-1].copy(), height[::-1]
    if x.size > 1 and x[0] > x[-1]:
        x, height = x[::-1].copy(), height[:, ::-1]
    return Seabed(np.ascontiguousarray(y), np.ascontiguousarray(x), np.ascontiguousarray(height))


def _bathymetry_name(ds, var):
    """The bathymetry variable and the sign that turns it into depth (positive down)."""
    if var:
        return (var, 1.0) if var in ds else (None, 1.0)
    for names, sign in ((DEPTH_NAMES, 1.0), (ELEVATION_NAMES, -1.0)):
        found = _by_standard_name(ds, names)
        if found is not None:
            return found, sign
    for name, sign in (("depth", 1.0), ("deptho", 1.0), ("bathymetry", 1.0), ("h", 1.0),
                       ("elevation", -1.0)):
        if name in ds.data_vars:
            return name, sign
    return None, 1.0
