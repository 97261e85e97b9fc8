"""The 15 rare-earth elements and yttrium (REY) that reemud tracks, and element/oxide conversions.

Order (``REY``) is La–Lu without Pm, then Y; every per-element array in reemud follows it on its
last axis. Grades are in ppm of *element* in dry mud; products are in tonnes of *oxide* (REO).

The oxide factor of element i is ``f_i = (a M_i + b M_O) / (a M_i)`` for the commercial oxide
``RE_a O_b`` (La2O3, CeO2, Pr6O11, Nd2O3, …, Tb4O7, …, Y2O3), from IUPAC standard atomic weights.
They range from 1.137 (Lu2O3) to 1.270 (Y2O3), matching docs/models/deposit.md §2.1.
"""

from __future__ import annotations

import numpy as np

from reemud.datafiles import read_table

OXYGEN_G_PER_MOL = 15.999  # IUPAC CIAAW 2022 conventional atomic weight of O

_ROWS = read_table("elements.csv")

REY: tuple[str, ...] = tuple(r["symbol"] for r in _ROWS)
"""Element symbols in reemud's canonical order."""

N_ELEMENTS = len(REY)
INDEX: dict[str, int] = {s: i for i, s in enumerate(REY)}
ATOMIC_MASS_G_PER_MOL = np.array([float(r["atomic_mass_g_per_mol"]) for r in _ROWS])
OXIDE_FORMULA: tuple[str, ...] = tuple(r["oxide_formula"] for r in _ROWS)
_RE_PER_FORMULA = np.array([float(r["re_per_formula"]) for r in _ROWS])
_O_PER_FORMULA = np.array([float(r["o_per_formula"]) for r in _ROWS])
GROUP: tuple[str, ...] = tuple(r["group"] for r in _ROWS)

OXYGEN_PER_RE = _O_PER_FORMULA / _RE_PER_FORMULA
"""Oxygen atoms per rare-earth atom in the commercial oxide [-] (1.5 for RE2O3, 2 for CeO2)."""

OXIDE_FACTOR = (ATOMIC_MASS_G_PER_MOL + OXYGEN_PER_RE * OXYGEN_G_PER_MOL) / ATOMIC_MASS_G_PER_MOL
"""Mass of oxide per mass of element [kg REO / kg RE]."""

OXIDE_MASS_PER_RE_G_PER_MOL = ATOMIC_MASS_G_PER_MOL * OXIDE_FACTOR
"""Mass of oxide carrying one mole of RE [g/mol RE] (half the molar mass of RE2O3)."""

for _arr in (ATOMIC_MASS_G_PER_MOL, OXYGEN_PER_RE, OXIDE_FACTOR, OXIDE_MASS_PER_RE_G_PER_MOL):
    _arr.setflags(write=False)


def element_to_oxide_t(element_t: np.ndarray) -> np.ndarray:
    """Convert element masses to oxide masses, elementwise on the last axis [t RE -> t REO].

    Parameters
    ----------
    element_t : array_like
        Element mass [t] (or [t/yr]), REY order on the last axis (draws first).

    Returns
    -------
    ndarray
        Mass of each commercial oxide ``f_i m_i`` [t REO] (in the unit of ``element_t``).

    References
    ----------
    Prohaska et al. (2022) Standard atomic weights of the elements 2021 (IUPAC Technical
    Report), Pure Appl. Chem. 94:573, doi:10.1515/pac-2019-0603; docs/models/elements.md §1.2.
    """
    return np.asarray(element_t, dtype=float) * OXIDE_FACTOR


def oxide_to_element_t(oxide_t: np.ndarray) -> np.ndarray:
    """Convert oxide masses to element masses, elementwise on the last axis [t REO -> t RE].

    Parameters
    ----------
    oxide_t : array_like
        Oxide mass [t REO] (or [t/yr]), REY order on the last axis (draws first).

    Returns
    -------
    ndarray
        Element mass ``m_i / f_i`` [t RE] (in the unit of ``oxide_t``).

    References
    ----------
    Prohaska et al. (2022) Standard atomic weights of the elements 2021 (IUPAC Technical
    Report), Pure Appl. Chem. 94:573, doi:10.1515/pac-2019-0603; docs/models/elements.md §1.2.
    """
    return np.asarray(oxide_t, dtype=float) / OXIDE_FACTOR


def moles(element_t: np.ndarray) -> np.ndarray:
    """Moles of each element in the given masses [t -> Mmol, i.e. 1e6 mol per t / (g/mol)].

    Parameters
    ----------
    element_t : array_like
        Element mass [t] (or [t/yr]), REY order on the last axis (draws first).

    Returns
    -------
    ndarray
        Amount of each element [Mmol] (or [Mmol/yr]), elements on the last axis.

    References
    ----------
    Prohaska et al. (2022) Standard atomic weights of the elements 2021 (IUPAC Technical
    Report), Pure Appl. Chem. 94:573, doi:10.1515/pac-2019-0603; docs/models/elements.md §1.1.
    """
    return np.asarray(element_t, dtype=float) / ATOMIC_MASS_G_PER_MOL


def as_dict(values: np.ndarray) -> dict[str, float]:
    """Return a per-element array as ``{symbol: float}`` in canonical order.

    Parameters
    ----------
    values : array_like
        One value per element, shape ``(15,)`` (any unit).

    Returns
    -------
    dict
        ``{symbol: value}`` in ``REY`` order, in the unit of ``values``.

    Raises
    ------
    ValueError
        If ``values`` is not one-dimensional with one entry per element.
    """
    arr = np.asarray(values, dtype=float)
    if arr.shape[-1:] != (N_ELEMENTS,) or arr.ndim != 1:
        raise ValueError(f"expected shape ({N_ELEMENTS},), got {arr.shape}")
    return {s: float(v) for s, v in zip(REY, arr, strict=True)}
