"""The market's sourced data: suppliers, ore compositions, importers, demand, sourcing, governance.

Every table lives in ``reemud/data/market_*.csv`` with a ``source`` and an ``assumed`` column;
docs/models/supply-security.md §2 explains the choices. Readers return immutable NumPy arrays in
REY order (``reemud.elements.REY``) on the last axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from reemud.datafiles import read_table
from reemud.elements import INDEX, N_ELEMENTS, REY

GROUPS: tuple[str, ...] = ("china", "other_mines", "mud", "recycling")
"""Supplier groups, in the order of ``MarketPaths.supply_ex_china_t_per_year``'s group axis."""

MAGNET_ELEMENTS: tuple[str, ...] = ("Pr", "Nd", "Tb", "Dy")
"""Elements whose demand follows the IEA's magnet-REE growth (market_settings.csv)."""

HIGH_RISK_ELEMENTS: tuple[str, ...] = ("Sm", "Gd", "Tb", "Dy", "Lu", "Y")
"""Elements given the high-risk stockpile target (those licensed by China since 4 Apr 2025)."""


def _frozen(arr) -> np.ndarray:
    out = np.array(arr, dtype=float)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Suppliers:
    """The supplier table: one entry per supplier, in file order."""

    names: tuple[str, ...]
    country: tuple[str, ...]
    ore: tuple[str, ...]
    group: np.ndarray  # index into GROUPS
    output_t_per_year: np.ndarray
    china_separated: np.ndarray
    separation_country: tuple[str, ...]
    quota: np.ndarray  # bool


@cache
def compositions() -> dict[str, np.ndarray]:
    """Element share of each ore's REO [-] (normalised to sum 1), by ore name."""
    out: dict[str, np.ndarray] = {}
    for row in read_table("market_compositions.csv"):
        out.setdefault(row["ore"], np.zeros(N_ELEMENTS))[INDEX[row["symbol"]]] = \
            float(row["percent_of_reo"])
    return {k: _frozen(v / v.sum()) for k, v in out.items()}


@cache
def suppliers() -> Suppliers:
    """The bundled suppliers (``market_suppliers.csv``)."""
    rows = read_table("market_suppliers.csv")
    quota = np.array([r["quota"] == "1" for r in rows])
    quota.setflags(write=False)
    group = np.array([GROUPS.index(r["group"]) for r in rows])
    group.setflags(write=False)
    return Suppliers(
        names=tuple(r["supplier"] for r in rows), country=tuple(r["country"] for r in rows),
        ore=tuple(r["ore"] for r in rows), group=group,
        output_t_per_year=_frozen([float(r["output_t_reo"]) for r in rows]),
        china_separated=_frozen([float(r["china_separated"]) for r in rows]),
        separation_country=tuple(r["separation_country"] for r in rows), quota=quota)


@cache
def importers() -> tuple[dict[str, str], ...]:
    """The importer rows (``market_importers.csv``), in file order (JP, US, EU, RoW)."""
    return read_table("market_importers.csv")


IMPORTERS: tuple[str, ...] = tuple(r["importer"] for r in read_table("market_importers.csv"))
"""Importer keys, in the order of the importer axis (zone ``1 + i``)."""


@cache
def settings() -> dict[str, float]:
    """Market-wide base-year figures (``market_settings.csv``) by name."""
    return {r["name"]: float(r["value"]) for r in read_table("market_settings.csv")}


@cache
def demand_items() -> dict[str, list[tuple[tuple[str, ...], float | None]]]:
    """Published demand items per importer: ``importer -> [(symbols, t/yr or None)]``."""
    out: dict[str, list] = {}
    for row in read_table("market_demand.csv"):
        value = float(row["demand_t_reo"]) if row["demand_t_reo"] else None
        out.setdefault(row["importer"], []).append((tuple(row["symbols"].split(";")), value))
    return out


@cache
def sourcing() -> dict[str, dict[str, float]]:
    """Import shares by origin of each importer: ``importer -> {origin: share}``."""
    out: dict[str, dict[str, float]] = {}
    for row in read_table("market_sourcing.csv"):
        out.setdefault(row["importer"], {})[row["origin"]] = float(row["share"])
    return out


@cache
def governance() -> dict[str, float]:
    """Normalised WGI (mean of six estimates, 0 worst .. 1 best) by country [-]."""
    return {r["country"]: float(r["wgi_normalised"]) for r in read_table("market_governance.csv")}


@cache
def eu_crm() -> dict[str, dict[str, float | str]]:
    """EU CRM 2023 rare-earth inputs and results by element (``market_eu_crm.csv``)."""
    out: dict[str, dict[str, float | str]] = {}
    for row in read_table("market_eu_crm.csv"):
        out[row["symbol"]] = {"sr_published": float(row["sr_published"]),
                              "sr_stage": row["sr_stage"], "si_sr": float(row["si_sr"]),
                              "eol_rir": float(row["eol_rir"]),
                              "import_reliance": float(row["import_reliance_processing"])}
    return out


@cache
def price_history() -> dict[tuple[str, str], np.ndarray]:
    """Oxide prices by ``(zone, period)`` [US$/kg], NaN where no figure was found."""
    out: dict[tuple[str, str], np.ndarray] = {}
    for row in read_table("market_price_history.csv"):
        key = (row["zone"], row["period"])
        out.setdefault(key, np.full(N_ELEMENTS, np.nan))[INDEX[row["symbol"]]] = \
            float(row["price_usd_per_kg"])
    return {k: _frozen(v) for k, v in out.items()}


@cache
def reserves() -> dict[str, float]:
    """Reserves by country [t REO] (``market_reserves.csv``, USGS MCS 2025)."""
    return {r["country"]: float(r["reserves_t_reo"]) for r in read_table("market_reserves.csv")}


def element_mask(symbols) -> np.ndarray:
    """Boolean mask over REY of the given symbols [-]."""
    mask = np.zeros(N_ELEMENTS, dtype=bool)
    mask[[INDEX[s] for s in symbols]] = True
    return mask


__all__ = ["GROUPS", "HIGH_RISK_ELEMENTS", "IMPORTERS", "MAGNET_ELEMENTS", "REY", "Suppliers",
           "compositions", "demand_items", "element_mask", "eu_crm", "governance", "importers",
           "price_history", "reserves", "settings", "sourcing", "suppliers"]


@cache
def elasticities() -> np.ndarray:
    """Calibrated price elasticity of demand of each element (``market_elasticities.csv``) [-]."""
    out = np.full(N_ELEMENTS, np.nan)
    for row in read_table("market_elasticities.csv"):
        out[INDEX[row["symbol"]]] = float(row["elasticity"])
    return _frozen(out)


@cache
def world_output_t_per_year() -> np.ndarray:
    """World mine output of the base year by element [t oxide/yr].

    Every supplier's output times its ore's composition; the mud, with no base output, adds
    nothing.
    """
    sup, comps = suppliers(), compositions()
    return _frozen(sum(out * comps[ore] for out, ore in zip(sup.output_t_per_year, sup.ore,
                                                            strict=True) if out > 0))

