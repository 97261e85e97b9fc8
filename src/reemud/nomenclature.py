"""Canonical KPI and variable names with their units and meanings (``data/variables.csv``)."""

from __future__ import annotations

from functools import cache

from reemud.datafiles import read_table


@cache
def variables() -> dict[str, dict[str, str]]:
    """``name -> {unit, description, stage}`` for every canonical name.

    ``stage`` is the stage whose model computes the value (``market`` for the disruption model).
    """
    return {r["name"]: {"unit": r["unit"], "description": r["description"], "stage": r["stage"]}
            for r in read_table("variables.csv")}


def unit_of(name: str) -> str:
    """Unit of a canonical name (``""`` if dimensionless); ``KeyError`` if unknown."""
    return variables()[name]["unit"]


def describe(name: str) -> str:
    """One-line meaning of a canonical name."""
    return variables()[name]["description"]


def stage_of(name: str) -> str:
    """The stage whose model computes a canonical name; ``KeyError`` if unknown."""
    return variables()[name]["stage"]
