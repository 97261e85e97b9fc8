"""Runs and sweeps as labelled arrays (xarray) and NetCDF files.

A run becomes an ``xarray.Dataset`` with one variable per KPI: a 0-d variable for a scalar KPI,
a variable on dimension ``element`` (coordinate in ``reemud.elements.REY`` order) for a
per-element KPI, and a variable on dimension ``<kpi>_item`` for any other mapping (e.g. the
coverage of Japan's demand items). A sweep (or a Monte Carlo result) becomes a Dataset on
dimension ``draw``: one variable per uncertain input (named ``stage.param``) and per KPI.
Every KPI variable carries its ``units`` and ``long_name`` from ``data/variables.csv``;
undefined values (``None``) are NaN.

Files are NetCDF-4 (HDF5), written by xarray's ``h5netcdf`` engine, which needs no compiled
system library (h5py ships HDF5 in its wheels).

This module works on duck-typed objects and imports nothing from the chain, so it sits below
``reemud.chain`` in the import layers; ``ChainResult.to_xarray()`` calls ``run_dataset``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from reemud.elements import N_ELEMENTS, OXIDE_FORMULA, REY
from reemud.nomenclature import describe, unit_of, variables

CONVENTIONS = "CF-1.8"
"""Value of the global ``Conventions`` attribute."""

ELEMENT_DIM = "element"
DRAW_DIM = "draw"
ENGINE = "h5netcdf"
"""xarray engine used to write and read NetCDF-4 files."""

INPUT_PREFIX = "in:"
OUTPUT_PREFIX = "out:"
"""Prefixes of the input and KPI columns of a stored sweep (``reemud.store.sweep_arrays``)."""


def _canonical(name: str) -> dict[str, str]:
    """``units`` and ``long_name`` attrs of a canonical KPI name; ``ValueError`` if unknown."""
    if name not in variables():
        raise ValueError(f"{name!r} is not a canonical KPI name (data/variables.csv); "
                         "add it there with its unit before exporting it")
    return {"units": unit_of(name), "long_name": describe(name)}


def _number(value) -> float:
    """A KPI value as a float; ``None`` (undefined) becomes NaN."""
    return float("nan") if value is None else float(value)


def _element_coords() -> dict[str, xr.Variable]:
    return {
        ELEMENT_DIM: xr.Variable(ELEMENT_DIM, np.array(REY, dtype=object),
                                 {"long_name": "rare-earth element or yttrium (chemical symbol)"}),
        "oxide_formula": xr.Variable(ELEMENT_DIM, np.array(OXIDE_FORMULA, dtype=object),
                                     {"long_name": "commercial oxide the element is sold as"}),
    }


def _is_per_element(value: Mapping) -> bool:
    """A mapping with exactly one entry per REY element (in any order)."""
    return len(value) == N_ELEMENTS and set(value) == set(REY)


def run_dataset(result) -> xr.Dataset:
    """One run's KPIs as a Dataset.

    Parameters
    ----------
    result : ChainResult-like
        Any object with ``scenario`` (having ``.name``), ``seed`` [-], ``version`` and ``kpis``:
        a mapping of canonical KPI name to a float, ``None`` (undefined), a per-element mapping
        ``{symbol: value}`` with every symbol of ``REY``, or another mapping ``{item: value}``.

    Returns
    -------
    xarray.Dataset
        One float64 variable per KPI, named as the KPI: 0-d for a scalar, on ``element`` for a
        per-element KPI, on ``<kpi>_item`` for another mapping; and, when the run's plume model
        makes one, ``plume_deposit_thickness`` [m] on ``plume_y``, ``plume_x`` [m]. Each variable's attrs are
        ``units`` (as in ``data/variables.csv``; ``-`` is dimensionless) and ``long_name``.
        Global attrs: ``title``, ``scenario``, ``seed``, ``version``, ``Conventions``.

    Raises
    ------
    ValueError
        A KPI name is not in ``data/variables.csv``.
    """
    data_vars: dict[str, xr.Variable] = {}
    coords: dict[str, xr.Variable] = {}
    for name, value in result.kpis.items():
        attrs = _canonical(name)
        if isinstance(value, Mapping) and _is_per_element(value):
            coords.update(_element_coords())
            data_vars[name] = xr.Variable(ELEMENT_DIM, [_number(value[s]) for s in REY], attrs)
        elif isinstance(value, Mapping):
            dim = f"{name}_item"
            coords[dim] = xr.Variable(dim, np.array([str(k) for k in value], dtype=object),
                                      {"long_name": f"item of {name}"})
            data_vars[name] = xr.Variable(dim, [_number(v) for v in value.values()], attrs)
        else:
            data_vars[name] = xr.Variable((), _number(value), attrs)
    grid = (getattr(result, "diagnostics", None) or {}).get("environment", {})
    if "plume_deposit_thickness_m" in grid:
        for axis in ("x", "y"):
            edges = np.asarray(grid[f"plume_{axis}_edges_m"], dtype=float)
            coords[f"plume_{axis}"] = xr.Variable(
                f"plume_{axis}", 0.5 * (edges[1:] + edges[:-1]),
                {"units": "m", "standard_name": f"projection_{axis}_coordinate",
                 "long_name": f"distance {'east' if axis == 'x' else 'north'} of the plume "
                              "source"})
        data_vars["plume_deposit_thickness"] = xr.Variable(
            ("plume_y", "plume_x"), np.asarray(grid["plume_deposit_thickness_m"], dtype=float),
            {"units": "m", "long_name": "a year's plume deposit thickness (Lagrangian engine)"})
    name = result.scenario.name
    return xr.Dataset(data_vars, coords, attrs={
        "title": f"reemud run of scenario {name} (seed {int(result.seed)})",
        "scenario": name, "seed": int(result.seed), "version": str(result.version),
        "source": f"reemud {result.version}", "Conventions": CONVENTIONS,
    })


def _draw_columns(draws) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``(draw index, inputs, outputs)`` of a store's sweep arrays or a Monte Carlo result."""
    if hasattr(draws, "inputs") and hasattr(draws, "outputs"):
        inputs = {k: np.asarray(v) for k, v in draws.inputs.items()}
        outputs = {k: np.asarray(v) for k, v in draws.outputs.items()}
        first = next(iter(outputs.values()), next(iter(inputs.values()), np.zeros(0)))
        index = np.arange(len(first), dtype=np.int64)
    else:
        unknown = [k for k in draws if k != DRAW_DIM
                   and not k.startswith((INPUT_PREFIX, OUTPUT_PREFIX))]
        if unknown:
            raise ValueError(f"sweep columns {', '.join(map(repr, unknown))} are neither "
                             f"{DRAW_DIM!r} nor {INPUT_PREFIX!r}/{OUTPUT_PREFIX!r}-prefixed")
        if DRAW_DIM not in draws:
            raise ValueError(f"sweep arrays have no {DRAW_DIM!r} index column")
        index = np.asarray(draws[DRAW_DIM], dtype=np.int64)
        inputs = {k[len(INPUT_PREFIX):]: np.asarray(v) for k, v in draws.items()
                  if k.startswith(INPUT_PREFIX)}
        outputs = {k[len(OUTPUT_PREFIX):]: np.asarray(v) for k, v in draws.items()
                   if k.startswith(OUTPUT_PREFIX)}
    return index, inputs, outputs


def sweep_dataset(draws, *, input_units: Mapping[str, str] | None = None,
                  attrs: Mapping[str, object] | None = None) -> xr.Dataset:
    """Every draw of a sweep (or a Monte Carlo result) as a Dataset on dimension ``draw``.

    Parameters
    ----------
    draws : mapping or MonteCarloResult-like
        What ``reemud.store.sweep_arrays`` returns: ``{"draw": int array (n,), "in:<stage.param>":
        array (n,), "out:<kpi>": array (n,) or (n, 15)}``; or any object with ``inputs``
        (``{stage.param: array (n,)}``) and ``outputs`` (``{kpi: array}``), draws numbered 0..n-1.
    input_units : mapping, optional
        Canonical unit of each input ``stage.param``, written as its ``units`` attr (``""``,
        dimensionless as ``data/parameters.csv`` writes it, becomes ``-`` as in
        ``data/variables.csv``); an input missing from it gets no ``units`` attr.
    attrs : mapping, optional
        Extra global attributes (e.g. sweep id, scenario, sampler, seed); values must be
        strings or numbers.

    Returns
    -------
    xarray.Dataset
        Coordinate ``draw`` (the draw index, int64); one float64 variable per input over
        ``draw`` (named ``stage.param``) and per KPI over ``draw``, or over (``draw``,
        ``element``) for a per-element KPI of shape (n, 15). KPI attrs as in ``run_dataset``.

    Raises
    ------
    ValueError
        An unknown column, a KPI name not in ``data/variables.csv``, or an array whose length
        is not the number of draws.
    """
    index, inputs, outputs = _draw_columns(draws)
    n = len(index)
    data_vars: dict[str, xr.Variable] = {}
    coords: dict[str, xr.Variable] = {
        DRAW_DIM: xr.Variable(DRAW_DIM, index, {"long_name": "draw index in the sweep design"})}
    units = dict(input_units or {})
    for path, values in inputs.items():
        values = np.asarray(values, dtype=float)
        if values.shape != (n,):
            raise ValueError(f"input {path!r} has shape {values.shape}, expected ({n},)")
        var_attrs = {"long_name": f"drawn value of the uncertain parameter {path}"}
        if path in units:
            var_attrs = {"units": units[path] or "-", **var_attrs}
        data_vars[path] = xr.Variable(DRAW_DIM, values, var_attrs)
    for name, values in outputs.items():
        values = np.asarray(values, dtype=float)
        if values.shape == (n,):
            data_vars[name] = xr.Variable(DRAW_DIM, values, _canonical(name))
        elif values.shape == (n, N_ELEMENTS):
            coords.update(_element_coords())
            data_vars[name] = xr.Variable((DRAW_DIM, ELEMENT_DIM), values, _canonical(name))
        else:
            raise ValueError(f"KPI {name!r} has shape {values.shape}, expected ({n},) or "
                             f"({n}, {N_ELEMENTS})")
    return xr.Dataset(data_vars, coords, attrs={
        "title": "reemud sweep draws", "Conventions": CONVENTIONS, **dict(attrs or {})})


def check_path(path: str | Path) -> Path:
    """Check that a NetCDF file can be created at ``path`` before any work is done.

    Parameters
    ----------
    path : str or pathlib.Path
        File to write; its folder must exist.

    Returns
    -------
    pathlib.Path
        ``path`` as a ``Path``.

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    NotADirectoryError
        The "folder" is a file.
    IsADirectoryError
        ``path`` is a folder.
    PermissionError
        The folder or an existing file is not writable.
    """
    path = Path(path)
    parent = path.parent
    if not parent.exists():
        raise FileNotFoundError(f"cannot write NetCDF file {path}: folder {parent} does not "
                                "exist; create it first")
    if not parent.is_dir():
        raise NotADirectoryError(f"cannot write NetCDF file {path}: {parent} is a file, not a "
                                 "folder")
    if path.is_dir():
        raise IsADirectoryError(f"cannot write NetCDF file {path}: it is a folder; give a file "
                                "name such as run.nc")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise PermissionError(f"cannot write NetCDF file {path}: permission denied")
    return path


def write_netcdf(dataset: xr.Dataset, path: str | Path) -> Path:
    """Write a Dataset as a NetCDF-4 file (engine ``h5netcdf``), replacing any file there.

    The file is written next to ``path`` under a temporary name and moved into place, so a
    failed write leaves no partial file and an existing file intact.

    Parameters
    ----------
    dataset : xarray.Dataset
        E.g. from ``run_dataset`` or ``sweep_dataset``.
    path : str or pathlib.Path
        File to write; its folder must exist.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OSError
        ``path`` cannot be written (see ``check_path``); the message names the path.
    """
    path = check_path(path)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        dataset.to_netcdf(tmp, engine=ENGINE)
        os.replace(tmp, path)
    except OSError as exc:
        raise OSError(f"cannot write NetCDF file {path}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return path


def read_netcdf(path: str | Path) -> xr.Dataset:
    """Load a NetCDF file written by ``write_netcdf`` fully into memory (the file is closed).

    Parameters
    ----------
    path : str or pathlib.Path
        File to read.

    Returns
    -------
    xarray.Dataset
        The dataset, with the attrs as written.
    """
    return xr.load_dataset(Path(path), engine=ENGINE)
