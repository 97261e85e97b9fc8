"""The product slate: what separating one more group product would add (docs/models/economics.md §3.1).

A group product (``"La+Ce"``) is sold as a concentrate at the group payable of its contained
value; separating it into its own oxides earns their full prices but needs more solvent-extraction
cuts, stages and reagents. ``split_gains`` reruns the chain with each group of the slate split into
separated oxides and reports the differences from the scenario as it is.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from reemud.chain import run
from reemud.errors import Problem, ScenarioError
from reemud.scenario import Scenario, StageConfig

DELTAS = {"revenue_usd_per_year": "revenue [US$/yr]", "sx_stages": "SX stages",
          "sx_reagents_usd_per_year": "SX reagents [US$/yr]", "opex_usd_per_year": "opex [US$/yr]",
          "capex_usd": "capex [US$]", "npv_usd": "NPV [US$]"}
"""Measures compared, with their labels."""


def _with_products(scenario: Scenario, products: str) -> Scenario:
    """The scenario with the SX flowsheet's ``products`` replaced."""
    stage = scenario.stages["separation"]
    params = type(stage.params)(**{**stage.params.model_dump(), "products": products})
    stages = MappingProxyType({**scenario.stages,
                               "separation": StageConfig(stage.model, params)})
    return dataclasses.replace(scenario, stages=stages)


def _measures(result) -> dict[str, float]:
    k = result.kpis
    opex = result.records["economics"].opex_usd_per_year
    return {"revenue_usd_per_year": k["revenue_usd_per_year"], "sx_stages": k["sx_stages"],
            "sx_reagents_usd_per_year": float(opex["SX reagents (NaOH, HCl)"]),
            "opex_usd_per_year": k["opex_usd_per_year"], "capex_usd": k["capex_usd"],
            "npv_usd": k["npv_usd"]}


def split_gains(scenario: Scenario, seed: int = 0) -> list[dict]:
    """For each group product of the slate: the change from separating it into its oxides.

    Returns one row per group product, ``{"product", "slate", <measure>: change}`` with the
    measures of ``DELTAS`` (new minus current), in slate order; empty if every product is already
    a separated oxide. ``ScenarioError`` if the separation does not design a flowsheet
    (``sx_flowsheet``) or a split slate cannot meet the specs.
    """
    stage = scenario.stages["separation"]
    if stage.model != "sx_flowsheet":
        raise ScenarioError([Problem(
            "separation.model", stage.model, "the product slate is a design of the "
            "sx_flowsheet model (this model sells every element separately)",
            'set model = "sx_flowsheet" in [separation]')])
    base = _measures(run(scenario, seed=seed))
    groups = stage.params.products.replace(" ", "").split("|")
    rows = []
    for i, group in enumerate(groups):
        if "+" not in group:
            continue
        slate = "|".join(groups[:i] + group.split("+") + groups[i + 1:])
        new = _measures(run(_with_products(scenario, slate), seed=seed))
        rows.append({"product": group, "slate": slate,
                     **{k: new[k] - base[k] for k in DELTAS}})
    return rows
