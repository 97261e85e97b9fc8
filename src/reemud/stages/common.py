"""Shared pieces of the stage models: parameter declaration and the bundled data tables."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reemud.datafiles import read_table
from reemud.elements import INDEX, N_ELEMENTS, REY


def P(unit: str, description: str, **constraints):  # noqa: N802 - reads as a declaration
    """Declare a required stage parameter with its canonical unit and meaning."""
    return Field(..., description=description, json_schema_extra={"unit": unit}, **constraints)


class Params(BaseModel):
    """Base of all stage parameter models: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def relations(cls, v) -> list[tuple[object, Callable[[], str]]]:
        """Rules between fields of ``v`` (this model, or its values on the draw axis).

        Each rule is ``(violated, message)``: ``violated`` a bool, or a bool array over draws;
        ``message()`` says what must hold. The same rules validate one scenario and every draw.
        """
        return []

    @model_validator(mode="after")
    def _relations_hold(self):
        for violated, message in self.relations(self):
            if violated:
                raise ValueError(message())
        return self


# ---------------------------------------------------------------------------------------------
# data tables


@cache
def grade_profiles() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Grade-depth profiles from ``data/grade_profiles.csv``: name -> (top, bottom, grade)."""
    out: dict[str, list[tuple[float, float, float]]] = {}
    for row in read_table("grade_profiles.csv"):
        out.setdefault(row["profile"], []).append(
            (float(row["top_mbsf"]), float(row["bottom_mbsf"]), float(row["grade_ppm"])))
    return {k: tuple(np.array(c) for c in zip(*sorted(v), strict=True)) for k, v in out.items()}


@cache
def rey_patterns() -> dict[str, np.ndarray]:
    """Relative REY patterns from ``data/rey_patterns.csv``, normalised to sum to 1."""
    out: dict[str, np.ndarray] = {}
    for row in read_table("rey_patterns.csv"):
        out.setdefault(row["pattern"], np.zeros(N_ELEMENTS))[INDEX[row["symbol"]]] = float(
            row["weight"])
    return {k: v / v.sum() for k, v in out.items()}


@cache
def mud_phase_sets() -> dict[str, dict[str, dict[str, object]]]:
    """Grain-phase sets from ``data/mud_phases.csv``: set -> phase -> properties."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    numeric = ("matrix_share", "median_um", "geometric_sd", "density_t_per_m3", "grade_ppm")
    for row in read_table("mud_phases.csv"):
        props = {k: float(row[k]) for k in numeric}
        props |= {"role": row["role"], "leach_group": row["leach_group"]}
        out.setdefault(row["set"], {})[row["phase"]] = props
    return out


@cache
def price_decks() -> dict[str, np.ndarray]:
    """Oxide price decks from ``data/prices.csv`` [US$/kg oxide], REY order."""
    out: dict[str, np.ndarray] = {}
    for row in read_table("prices.csv"):
        out.setdefault(row["deck"], np.full(N_ELEMENTS, np.nan))[INDEX[row["symbol"]]] = float(
            row["price_usd_per_kg"])
    return out


@cache
def price_volumes() -> dict[str, np.ndarray]:
    """Volume each deck's price holds for [t oxide/yr], REY order.

    The world market of the base year times the share ``data/price_volumes.csv`` gives (1 where
    it gives none).
    """
    from reemud.market.data import world_output_t_per_year

    share = {deck: np.ones(N_ELEMENTS) for deck in price_decks()}
    for row in read_table("price_volumes.csv"):
        share[row["deck"]][INDEX[row["symbol"]]] = float(row["volume_share"])
    return {deck: v * world_output_t_per_year() for deck, v in share.items()}


@cache
def cost_index_table(index: str = "CEPCI") -> tuple[np.ndarray, np.ndarray]:
    """Years and values of a plant cost index from ``data/cost_indices.csv``."""
    rows = sorted((int(r["year"]), float(r["value"])) for r in read_table("cost_indices.csv")
                  if r["index"] == index)
    return tuple(np.array(c) for c in zip(*rows, strict=True))


def cost_index(year, index: str = "CEPCI"):
    """Value of a plant cost index in ``year`` (scalar or array of whole years) [-]."""
    years, values = cost_index_table(index)
    return np.interp(np.asarray(year, dtype=float), years, values)


@cache
def leach_acids() -> dict[str, dict[str, float]]:
    """Leach recoveries and acid properties from ``data/leach_acids.csv``."""
    return {r["acid"]: {k: float(v) for k, v in r.items()
                        if k not in ("acid", "source", "assumed")}
            for r in read_table("leach_acids.csv")}


@cache
def oxalate_isotherm() -> tuple[np.ndarray, np.ndarray]:
    """Isotherm parameters (ε [g/L], n [-]) per element from ``data/oxalate_isotherm.csv``."""
    rows = {r["symbol"]: r for r in read_table("oxalate_isotherm.csv")}
    return (np.array([float(rows[s]["eps_g_per_l"]) for s in REY]),
            np.array([float(rows[s]["n"]) for s in REY]))


@cache
def impurity_isotherm() -> dict[str, tuple[float, float]]:
    """Oxalate isotherm parameters (ε [g/L], n) of the impurities Ca, Fe, Al."""
    rows = {r["symbol"]: r for r in read_table("oxalate_isotherm.csv")}
    return {k: (float(rows[k]["eps_g_per_l"]), float(rows[k]["n"])) for k in IMPURITY_OXIDE}


IMPURITY_OXIDE = {"Ca": 56.077 / 40.078, "Fe": 159.69 / (2 * 55.845), "Al": 101.96 / (2 * 26.982)}
"""Oxide mass per element mass of the calcined impurities (CaO, Fe2O3, Al2O3) [-]."""


@cache
def separation_factor_sets() -> dict[str, np.ndarray]:
    """log10 relative distribution ratios by set, REY order (``data/separation_factors.csv``)."""
    out: dict[str, np.ndarray] = {}
    for row in read_table("separation_factors.csv"):
        out.setdefault(row["extractant"], np.full(N_ELEMENTS, np.nan))[INDEX[row["symbol"]]] = \
            float(row["log10_relative_d"])
    return out


@cache
def japan_demand() -> dict[str, tuple[tuple[str, ...], float]]:
    """Japan's demand items from ``data/japan_demand.csv``: key -> (symbols, t/yr)."""
    return {r["key"]: (tuple(r["symbols"].split(";")), float(r["demand_t_per_year"]))
            for r in read_table("japan_demand.csv")}


def one_of(name: str, known) -> str:
    """Return ``name`` if it is one of ``known``; otherwise raise a ``ValueError`` listing them."""
    if name not in known:
        raise ValueError(f"unknown name {name!r}; known: {', '.join(sorted(known))}")
    return name


def canonical(values, digits: int = 12) -> np.ndarray:
    """Values rounded to ``digits`` significant (binary-mantissa) digits: a group's shared key."""
    mantissa, exponent = np.frexp(np.asarray(values, dtype=float))
    return np.ldexp(np.round(mantissa, digits), exponent)


def _column(column) -> tuple[np.ndarray, int]:
    """A column as ``(array, core dimensions)``: ``(value, k)`` tuples name k per-draw axes."""
    if isinstance(column, tuple):
        return np.asarray(column[0], dtype=float), int(column[1])
    return np.asarray(column, dtype=float), 0


def draw_count(*columns) -> int | None:
    """Number of draws among ``columns`` (see ``draw_groups``); ``None`` if none has a draw axis."""
    sizes = [a.shape[0] for a, core in map(_column, columns) if a.ndim > core]
    return max(sizes) if sizes else None


def draw_groups(*columns) -> list[tuple[np.ndarray | slice, list]]:
    """Draws that share the values of ``columns``, for work done once per distinct value.

    A column is a scalar, or ``(array, k)`` for a quantity with ``k`` axes of its own (e.g.
    ``(per_element, 1)``); it has a draw axis when it has one more axis than that, first.
    Returns ``[(members, values), ...]`` in the order of each group's first draw: ``members``
    indexes the draws of a group and ``values`` holds each column's value for the group.
    Drawn values are grouped on their ``canonical`` form, and every group computes with the
    canonical form of every column, drawn or not, so a draw's result never depends on which other
    draws are in the batch and equals the result of that draw alone. Without a drawn column there
    is one group of every draw (``slice(None)``).
    """
    arrays = [_column(c) for c in columns]
    plain = [c if isinstance(c, str) else
             (canonical(c) if np.ndim(c) else float(canonical(c)))
             for c in (np.asarray(c[0]) if isinstance(c, tuple) else c for c in columns)]
    drawn = [i for i, (a, core) in enumerate(arrays) if a.ndim > core]
    if not drawn:
        return [(slice(None), plain)]
    n = draw_count(*columns)
    if n == 0:
        return []
    keys = np.concatenate([canonical(np.broadcast_to(arrays[i][0], (n,) + arrays[i][0].shape[1:]))
                           .reshape(n, -1) for i in drawn], axis=1)
    if (keys == keys[0]).all():
        return [(np.arange(n), _group_values(plain, arrays, drawn, keys[0]))]
    # rows as opaque byte strings: one sort instead of a sort per column
    raw = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1] * 8))).ravel()
    _, first, inverse = np.unique(raw, return_index=True, return_inverse=True)
    order = np.argsort(inverse.ravel(), kind="stable")  # draws grouped, in draw order
    members = np.split(order, np.cumsum(np.bincount(inverse.ravel()))[:-1])
    groups = sorted(zip(first, members, strict=True), key=lambda g: g[0])  # by first draw
    return [(m, _group_values(plain, arrays, drawn, keys[f])) for f, m in groups]


def _group_values(plain: list, arrays: list, drawn: list, key: np.ndarray) -> list:
    """Each column's value for one group: the plain value, or its slice of the group's key."""
    values, at = list(plain), 0
    for i in drawn:
        shape = arrays[i][0].shape[1:]
        size = int(np.prod(shape))
        values[i] = key[at:at + size].reshape(shape) if shape else float(key[at])
        at += size
    return values


def map_groups(compute, *columns, shapes: dict[str, tuple] | None = None) -> dict[str, np.ndarray]:
    """``compute(*values)`` once per group of draws (``draw_groups``), spread back over the draws.

    ``compute`` returns a dict of values (scalars or arrays of the group); the result holds each
    as an array with the draws first — or, when no column is drawn, the single group's values.
    ``shapes`` declares each output's own shape (``()`` for a scalar), which gives the empty
    arrays of zero draws.
    """
    n = draw_count(*columns)
    groups = draw_groups(*columns)
    if n is None:
        return {k: np.asarray(v) for k, v in compute(*groups[0][1]).items()}
    if n == 0:
        if shapes is None:
            raise ValueError("map_groups needs the outputs' shapes for zero draws")
        return {k: np.empty((0, *shape)) for k, shape in shapes.items()}
    out: dict[str, np.ndarray] = {}
    for members, values in groups:
        for key, value in compute(*values).items():
            value = np.asarray(value)
            if key not in out:  # flags stay bool; numbers are floats, whatever the first group
                dtype = bool if value.dtype == bool else np.result_type(value.dtype, float)
                out[key] = np.empty((n,) + value.shape, dtype=dtype)
            out[key][members] = value
    return out
