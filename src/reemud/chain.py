"""The chain: run every stage's chosen model in order and return an immutable ``ChainResult``.

Models are looked up in the registry by (stage, name); there is no per-model branching here.
``Chain.run_from(stage, records)`` enters the chain part-way with the records of the stages before
``stage`` (e.g. a measured leach liquor), as pvlib's ``ModelChain.run_model_from_*`` does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from reemud import __version__, registry
from reemud.elements import REY, as_dict
from reemud.errors import MassBalanceError
from reemud.scenario import Scenario

MASS_BALANCE_RTOL = 1e-9


@dataclass(frozen=True)
class ChainResult:
    """Everything one run produced: the scenario, seed, version, every record and the KPIs."""

    scenario: Scenario
    seed: int
    version: str
    records: Mapping[str, object]
    kpis: Mapping[str, object]

    def to_dict(self) -> dict:
        """``{"scenario", "seed", "version", "kpis"}`` as plain Python values."""
        return {"scenario": self.scenario.name, "seed": self.seed, "version": self.version,
                "kpis": {k: (dict(v) if isinstance(v, Mapping) else v)
                         for k, v in self.kpis.items()}}

    def to_json(self) -> str:
        """The run as JSON (what ``reemud run --json`` prints); undefined values are ``null``."""
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    def to_frame(self):
        """KPIs as a long pandas DataFrame with columns ``kpi, element, value, unit``."""
        import pandas as pd

        from reemud.nomenclature import unit_of

        rows = []
        for name, value in self.kpis.items():
            if isinstance(value, Mapping):
                rows += [(name, key, v, unit_of(name)) for key, v in value.items()]
            else:
                rows.append((name, None, value, unit_of(name)))
        return pd.DataFrame(rows, columns=["kpi", "element", "value", "unit"])


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


PER_ELEMENT_KPIS = ("leach_recovery", "oxide_production_t_per_year")
"""KPIs with one value per element (``{symbol: value}`` in a run)."""


def kpi_values(records: Mapping[str, object]) -> dict[str, object]:
    """The canonical KPIs (names and units in ``data/variables.csv``) before formatting.

    Works on one run's records and on ``Draws`` records alike: per-draw values keep their draw
    axis, per-element values their element axis; an undefined value is ``None`` or NaN.
    """
    dep, feed, lift = records["deposit"], records["collector"], records["lifting"]
    conc, liquor, ox = records["beneficiation"], records["leaching"], records["refining"]
    env, cash, mkt = records["environment"], records["economics"], records["market"]
    sep = records["separation"]
    return {
        "resource_reo_t": dep.resource_reo_t,
        "mud_dry_t_per_day": feed.mud_dry_t_per_day,
        "operating_days_per_year": feed.operating_days_per_year,
        "mud_dry_t_per_year": feed.mud_dry_t_per_year,
        "mined_grade_ppm": feed.grade_ppm.sum(axis=-1),
        "lift_power_kw": lift.lift_power_kw,
        "lift_specific_energy_kwh_per_dry_t": lift.lift_specific_energy_kwh_per_dry_t,
        "lift_energy_floor_kwh_per_dry_t": lift.energy_floor_kwh_per_dry_t,
        "lift_max_throughput_t_per_day": lift.max_throughput_t_per_day,
        "string_top_tension_kn": lift.string["top_tension_kn"],
        "string_top_utilisation": lift.string["top_utilisation"],
        "restart_pressure_kpa": lift.restart_pressure_kpa,
        "campaign_tonnes_mean": feed.campaign.get("tonnes_mean"),
        "campaign_tonnes_standard_error": feed.campaign.get("tonnes_standard_error"),
        "upgrade_factor": conc.upgrade_factor,
        "beneficiation_rey_recovery": conc.rey_recovery,
        "concentrate_dry_t_per_year": conc.dry_t_per_year,
        "leach_recovery": liquor.recovery,
        "acid_consumption_kg_per_dry_t": liquor.acid_kg_per_dry_t,
        "return_water_solids_t_per_year": conc.return_solids_t_per_year,
        "oxide_production_t_per_year": ox.oxide_t_per_year,
        "reo_production_t_per_year": ox.oxide_t_per_year.sum(axis=-1),
        "sx_stages": sep.total_stages,
        "sx_organic_inventory_m3": sep.organic_inventory_m3,
        "product_purity": ox.purity,
        "capex_usd": sum(cash.capex_usd.values()),
        "revenue_usd_per_year": cash.revenue_usd_per_year_by_element.sum(axis=-1),
        "opex_usd_per_year": sum(cash.opex_usd_per_year.values()),
        "npv_usd": cash.npv_usd,
        "irr": cash.irr,
        "payback_years": cash.payback_years,
        "unit_cost_usd_per_kg_reo": cash.unit_cost_usd_per_kg_reo,
        "break_even_price_multiplier": cash.break_even_price_multiplier,
        "energy_kwh_per_kg_reo": env.energy_kwh_per_kg_reo,
        "co2_kg_per_kg_reo": env.co2_kg_per_kg_reo,
        "plume_area_km2_above_1mm": env.plume_area_km2_above_1mm,
        "japan_demand_coverage": mkt.japan_demand_coverage,
        "world_supply_share": mkt.world_supply_share,
    }


def collect_kpis(records: Mapping[str, object]) -> dict[str, object]:
    """The canonical KPIs of a full run: floats (``None`` if undefined) and per-element maps."""
    out: dict[str, object] = {}
    for name, value in kpi_values(records).items():
        if name in PER_ELEMENT_KPIS:
            out[name] = as_dict(value)
        elif isinstance(value, Mapping):
            out[name] = {k: float(v) for k, v in value.items()}
        else:
            out[name] = _num(value)
    return out


def draw_kpis(records: Mapping[str, object], n: int) -> dict[str, np.ndarray]:
    """The scalar KPIs of ``Draws`` records as float arrays of ``n`` draws (NaN if undefined)."""
    return {name: np.array(np.broadcast_to(np.asarray(np.nan if value is None else value,
                                                      dtype=float), (n,)))
            for name, value in kpi_values(records).items()
            if name not in PER_ELEMENT_KPIS and not isinstance(value, Mapping)}


def element_balance(records: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Per-element REY ledger of a full run [t/yr]: what was mined and where it went."""
    feed, conc = records["collector"], records["beneficiation"]
    liquor, sep, ox = records["leaching"], records["separation"], records["refining"]
    return {
        "mined": feed.rey_t_per_year + feed.escaped_rey_t_per_year,
        "escaped at seabed": feed.escaped_rey_t_per_year,
        "cyclone tailings": conc.tailings_rey_t_per_year,
        "dewatering return water": conc.dewatering_loss_rey_t_per_year,
        "leach residue": liquor.residue_rey_t_per_year,
        "SX losses": sep.loss_rey_t_per_year,
        "precipitation losses": ox.loss_rey_t_per_year,
        "oxide products (as element)": ox.element_t_per_year,
    }


def check_mass_balance(records: Mapping[str, object], rtol: float = MASS_BALANCE_RTOL) -> None:
    """Raise ``MassBalanceError`` unless every stage conserves every element to ``rtol``.

    Works on one run's records and on ``Draws`` records (the message names the draw).
    """
    feed, lift, conc = records["collector"], records["lifting"], records["beneficiation"]
    liquor, sep, ox = records["leaching"], records["separation"], records["refining"]
    pairs = {
        "lifting": (feed.rey_t_per_year, lift.rey_t_per_year),
        "beneficiation": (lift.rey_t_per_year,
                          conc.rey_t_per_year + conc.tailings_rey_t_per_year
                          + conc.dewatering_loss_rey_t_per_year),
        "leaching": (conc.rey_t_per_year, liquor.rey_t_per_year + liquor.residue_rey_t_per_year),
        "separation": (liquor.rey_t_per_year,
                       sep.product_rey_t_per_year + sep.loss_rey_t_per_year),
        "refining": (sep.product_rey_t_per_year,
                     ox.element_t_per_year + ox.loss_rey_t_per_year),
    }
    for stage, (inflow, outflow) in pairs.items():
        inflow, outflow = np.broadcast_arrays(inflow, outflow)
        scale = np.maximum(np.abs(inflow), np.finfo(float).tiny)
        error = np.abs(inflow - outflow) / scale
        if np.any(error > rtol):
            worst = np.unravel_index(int(np.argmax(np.where(error > rtol, error, -1.0))),
                                     error.shape)
            draw = f" in draw {worst[0]}" if error.ndim > 1 else ""
            raise MassBalanceError(
                f"{stage} does not conserve {REY[worst[-1]]}{draw}: in {float(inflow[worst])!r} "
                f"t/yr, out {float(outflow[worst])!r} t/yr (relative error "
                f"{error[worst]:.2e} > {rtol:g})")


class Chain:
    """Runs a scenario's stage models in order (``registry.STAGES``)."""

    def __init__(self, scenario: Scenario, *, guards: bool = True) -> None:
        self.scenario = scenario
        self.guards = guards

    def run(self, seed: int = 0) -> ChainResult:
        """Run every stage from the deposit to the market."""
        return self.run_from(registry.STAGES[0], {}, seed=seed)

    def run_from(self, stage: str, records: Mapping[str, object], seed: int = 0) -> ChainResult:
        """Run from ``stage`` on, given the records of every stage before it."""
        start = registry.STAGES.index(stage)
        missing = [s for s in registry.STAGES[:start] if s not in records]
        if missing:
            raise ValueError(f"run_from({stage!r}) needs the records of {', '.join(missing)}")
        done: dict[str, object] = {s: records[s] for s in registry.STAGES[:start]}
        for name in registry.STAGES[start:]:
            config = self.scenario.stages[name]
            entry = registry.get(name, config.model)
            done[name] = entry.run(config.params, MappingProxyType(done), int(seed))
        if self.guards:
            check_mass_balance(done)
        return ChainResult(scenario=self.scenario, seed=int(seed), version=__version__,
                           records=MappingProxyType(done),
                           kpis=MappingProxyType(collect_kpis(done)))


def run(scenario: Scenario, seed: int = 0) -> ChainResult:
    """Run a validated scenario through the whole chain."""
    return Chain(scenario).run(seed=seed)
