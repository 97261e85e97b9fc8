"""The chain: run every stage's chosen model in order, for one run or for blocks of draws.

Models are looked up in the registry by (stage, name); there is no per-model branching here. One
stage loop (``run_stages``) serves both paths:

- ``Chain(scenario).run(seed)`` runs it on the scenario's values (scalars) and returns an
  immutable ``ChainResult`` with the models' diagnostics; a stage that cannot compute raises its
  stated reason as a ``ScenarioError``. ``Chain.run_from(stage, records)`` enters the chain
  part-way with the records of the stages before ``stage`` (e.g. a measured leach liquor), as
  pvlib's ``ModelChain.run_model_from_*`` does.
- ``run_draws(scenario, inputs)`` runs it on blocks of draws (``"stage.param" -> array``): drawn
  parameters enter as arrays of shape ``(n,)``, the others as scalars, and every KPI comes back
  per draw. Draws are checked as a single scenario is, but on arrays (bounds, each model's field
  relations, the cross-stage rules); a draw that breaks one, or that a stage rejects (mud outside
  the grain phases' grades, a slurry that cannot rise, an SX spec not met), has NaN KPIs and its
  reason. Parameters a model needs fixed (``registry.register(fixed=...)``) split the draws into
  groups of equal values. The stages before the first uncertain one run once.

A draw's result depends neither on the block size nor on the other draws.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from reemud import __version__, registry
from reemud.elements import REY, as_dict
from reemud.errors import MassBalanceError, Problem, RejectedError
from reemud.records import freeze
from reemud.scenario import Scenario, cross_stage_rules, furthest_from_defaults, parameter_field
from reemud.stages.collector import CAMPAIGN_KPIS  # noqa: F401 - re-exported, a KPI group

MASS_BALANCE_RTOL = 1e-9
OUTSIDE_RULES = "outside the parameters' allowed ranges or rules"
"""The reason of a draw rejected before any stage runs (bounds, field relations, cross-stage)."""
BLOCK = 2048
"""Draws computed together; bounds memory (the leach march holds ``BLOCK × 501`` floats)."""


@dataclass(frozen=True)
class ChainResult:
    """Everything one run produced.

    The scenario, seed, version, every record, the KPIs, the models' diagnostics
    (``{stage: {name: value}}``, the single run's extras for the report) and why each undefined
    KPI is undefined (``{name: reason}``, see ``undefined_reasons``).
    """

    scenario: Scenario
    seed: int
    version: str
    records: Mapping[str, object]
    kpis: Mapping[str, object]
    diagnostics: Mapping[str, Mapping[str, object]]
    undefined: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict:
        """``{"scenario", "seed", "version", "kpis", "undefined"}`` as plain Python values.

        ``undefined`` gives the stated reason of every KPI that is ``None``.
        """
        return {"scenario": self.scenario.name, "seed": self.seed, "version": self.version,
                "kpis": {k: (dict(v) if isinstance(v, Mapping) else v)
                         for k, v in self.kpis.items()},
                "undefined": dict(self.undefined)}

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

    def to_xarray(self):
        """KPIs as an ``xarray.Dataset`` with units (``reemud.export.run_dataset``)."""
        from reemud.export import run_dataset

        return run_dataset(self)


PER_ELEMENT_KPIS = ("leach_recovery", "oxide_production_t_per_year")
"""KPIs with one value per element (``{symbol: value}`` in a run, ``(n, 15)`` on draws)."""


OUTSIDE_MODELS = ("an input lies outside where the models hold (an overflow or an undefined "
                  "operation)")
NOT_COMPUTABLE = f"could not be computed: {OUTSIDE_MODELS}"
"""Why a KPI that is not finite without a stated reason (``undefined_reasons``) is an error."""
NOT_COMPUTABLE_FIX = ("bring the scenario's extreme values back towards their defaults "
                      "(data/parameters.csv)")


def undefined_reasons(scenario: Scenario, records: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Why each KPI that can be undefined is, per draw (``""`` where no stated reason holds).

    A KPI may be undefined (NaN, ``null`` in JSON) only for a reason stated here or by the
    scenario's models (``registry.register(undefined=...)``: no campaign figures without the
    campaign collector, no SX stage count without a cascade design): no IRR unless exactly one
    rate makes the NPV zero (its ``irr_status``), no payback when the cash flow never pays the
    capital back, no break-even when the NPV keeps its sign over the searched price multipliers,
    nothing per kilogram when nothing is produced. Anything else that is not finite is an error
    (``not_computable``).
    """
    cash, ox = records["economics"], records["refining"]

    def where(condition, reason):
        return np.where(np.asarray(condition, dtype=bool), reason, "").astype(object)

    no_oxide = where(~(np.asarray(ox.oxide_t_per_year).sum(axis=-1) > 0), "no oxide is produced")
    status = np.asarray(cash.irr_status, dtype=object)
    reasons = {
        "irr": np.where(status == "unique", "", status).astype(object),
        "payback_years": where(True, "the cash flow does not pay the capital back within the "
                                     "project life"),
        "break_even_price_multiplier": where(True, "the NPV keeps its sign at every price "
                                                   "multiplier from 1e-6 to 1e9"),
        "unit_cost_usd_per_kg_reo": no_oxide, "energy_kwh_per_kg_reo": no_oxide,
        "co2_kg_per_kg_reo": no_oxide, "product_purity": no_oxide,
        "programme_cost_usd_per_kg_reo": where(~(np.asarray(cash.campaign_reo_kg) > 0),
                                               "the campaign yields no oxide"),
    }
    for stage, config in scenario.stages.items():
        for name, reason in registry.get(stage, config.model).undefined.items():
            reasons[name] = where(True, reason)
    return reasons


def not_computable(values: Mapping[str, object], reasons: Mapping[str, np.ndarray],
                   n: int | None = None) -> dict[str, np.ndarray]:
    """KPIs that are not finite without a stated reason: ``{name: bool per draw}`` (or 0-d).

    ``values`` are ``kpis(records)``, ``reasons`` ``undefined_reasons(records)``; ``n`` draws,
    or ``None`` for a single run. Per-element and per-product KPIs have no stated reasons.
    """
    shape = () if n is None else (n,)
    out = {}
    for name, value in values.items():
        parts = list(value.values()) if isinstance(value, Mapping) else [value]
        bad = np.zeros(shape, dtype=bool)
        for part in parts:  # per-element KPIs have the elements on their last axis
            finite = np.isfinite(np.asarray(part, dtype=float))
            bad |= ~np.broadcast_to(finite.all(axis=-1) if name in PER_ELEMENT_KPIS else finite,
                                    shape)
        if name in reasons:
            bad &= np.broadcast_to(reasons[name], shape) == ""
        if bad.any():
            out[name] = bad
    return out


def _computable(scenario: Scenario, values: Mapping[str, object],
                reasons: Mapping[str, np.ndarray]) -> None:
    """Refuse a single run with a KPI that is not finite without a stated reason.

    One problem, naming the parameters furthest from their defaults (the likely culprits) and
    the KPIs that could not be computed.
    """
    failed = list(not_computable(values, reasons))
    if not failed:
        return
    suspects = furthest_from_defaults(scenario)
    names = ", ".join(failed[:4]) + (f" and {len(failed) - 4} more" if len(failed) > 4 else "")
    allowed = f"the chain could not compute {names}: {OUTSIDE_MODELS}"
    if suspects:
        path, value, _ = suspects[0]
        problem = Problem(path, value, allowed, "bring " + ", ".join(
            f"{p} (default {d:g})" for p, _, d in suspects)
            + " back towards the default (data/parameters.csv)")
    else:
        problem = Problem("(result)", failed[0], allowed, NOT_COMPUTABLE_FIX)
    # the reason a draw gets on the draw axis (``run_draws``), for draw-by-draw loops
    raise RejectedError([problem], [f"(result).{failed[0]}: {NOT_COMPUTABLE}"])


def _per(amount, quantity):
    """``amount / quantity``, NaN (undefined) where the quantity is not positive or is NaN."""
    q = np.asarray(quantity, dtype=float)
    shape = np.broadcast_shapes(np.shape(amount), q.shape)
    return np.divide(amount, q, out=np.full(shape, np.nan), where=q > 0)


def kpis(records: Mapping[str, object]) -> dict[str, object]:
    """The canonical KPIs (names and units in ``data/variables.csv``) of a chain's records.

    Scalars for a single run; on draws every value keeps its draw axis first, per-element values
    their element axis last. An undefined value is NaN.
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
        "string_top_tension_kn": lift.string_top_tension_kn,
        "string_top_utilisation": lift.string_top_utilisation,
        "restart_pressure_kpa": lift.restart_pressure_kpa,
        "campaign_tonnes_mean": feed.campaign_tonnes_mean,
        "campaign_tonnes_standard_error": feed.campaign_tonnes_standard_error,
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
        "revenue_usd_per_year_by_product": cash.revenue_usd_per_year_by_product,
        "opex_usd_per_year": sum(cash.opex_usd_per_year.values()),
        "npv_usd": cash.npv_usd,
        "irr": cash.irr,
        "payback_years": cash.payback_years,
        "unit_cost_usd_per_kg_reo": cash.unit_cost_usd_per_kg_reo,
        "break_even_price_multiplier": cash.break_even_price_multiplier,
        "spot_cycle_h": feed.spot_cycle_h,
        "spot_cycle_h_for_target": feed.spot_cycle_h_for_target,
        "campaign_cost_usd": sum(cash.campaign_cost_usd.values()),
        "campaign_reo_kg": cash.campaign_reo_kg,
        "campaign_cost_usd_per_t_mud": _per(sum(cash.campaign_cost_usd.values()),
                                            cash.campaign_mud_dry_t),
        "programme_cost_usd_per_t_mud": _per(cash.programme_usd, cash.campaign_mud_dry_t),
        "programme_cost_usd_per_kg_reo": _per(cash.programme_usd, cash.campaign_reo_kg),
        "energy_kwh_per_kg_reo": env.energy_kwh_per_kg_reo,
        "co2_kg_per_kg_reo": env.co2_kg_per_kg_reo,
        "plume_area_km2_above_1mm": env.plume_area_km2_above_1mm,
        "plume_area_km2_above_0_1mm": env.plume_area_km2_above_0_1mm,
        "plume_area_se_km2_above_1mm": env.plume_area_se_km2_above_1mm,
        "plume_area_km2_by_source": env.plume_area_km2_by_source,
        "plume_area_km2_by_threshold": env.plume_area_km2_by_threshold,
        "japan_demand_coverage": mkt.japan_demand_coverage,
        "world_supply_share": mkt.world_supply_share,
    }


def _num(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def run_kpis(records: Mapping[str, object],
             values: Mapping[str, object] | None = None) -> dict[str, object]:
    """``kpis`` of a single run as plain values: floats (``None`` if undefined) and maps.

    ``values`` are the records' ``kpis`` if already computed.
    """
    out: dict[str, object] = {}
    for name, value in (kpis(records) if values is None else values).items():
        if name in PER_ELEMENT_KPIS:
            out[name] = as_dict(value)
        elif isinstance(value, Mapping):
            out[name] = {k: float(v) for k, v in value.items()}
        else:
            out[name] = _num(value)
    return out


def draw_kpis(records: Mapping[str, object], n: int, *, per_element: bool = False,
              values: Mapping[str, object] | None = None) -> dict[str, np.ndarray]:
    """The scalar ``kpis`` of draws' records as float arrays of ``n`` draws (NaN if undefined).

    With ``per_element`` the per-element KPIs come too, as ``(n, 15)`` arrays (REY order).
    ``values`` are the records' ``kpis`` if already computed.
    """
    out = {}
    for name, value in (kpis(records) if values is None else values).items():
        if name in PER_ELEMENT_KPIS:
            if per_element:
                out[name] = np.array(np.broadcast_to(np.asarray(value, dtype=float),
                                                     (n, len(REY))))
        elif not isinstance(value, Mapping):
            out[name] = np.array(np.broadcast_to(np.asarray(value, dtype=float), (n,)))
    return out


def element_balance(records: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Per-element REY ledger [t/yr]: what was mined and where it went."""
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


BALANCES = {
    "lifting": lambda r: (r["collector"].rey_t_per_year, r["lifting"].rey_t_per_year),
    "beneficiation": lambda r: (r["lifting"].rey_t_per_year,
                                r["beneficiation"].rey_t_per_year
                                + r["beneficiation"].tailings_rey_t_per_year
                                + r["beneficiation"].dewatering_loss_rey_t_per_year),
    "leaching": lambda r: (r["beneficiation"].rey_t_per_year,
                           r["leaching"].rey_t_per_year + r["leaching"].residue_rey_t_per_year),
    "separation": lambda r: (r["leaching"].rey_t_per_year,
                             r["separation"].product_rey_t_per_year
                             + r["separation"].loss_rey_t_per_year),
    "refining": lambda r: (r["separation"].product_rey_t_per_year,
                           r["refining"].element_t_per_year + r["refining"].loss_rey_t_per_year),
}
"""Each stage's element balance: ``records -> (what enters, what leaves)`` [t/yr per element]."""


def check_mass_balance(records: Mapping[str, object], rtol: float = MASS_BALANCE_RTOL,
                       where=None) -> None:
    """Raise ``MassBalanceError`` unless every stage present conserves every element to ``rtol``.

    Works on one run's records and on draws (the message names the draw); ``where`` (bool per
    draw) limits the check to those draws. Stages whose records are absent are skipped.
    """
    for stage, balance in BALANCES.items():
        before = registry.STAGES[registry.STAGES.index(stage) - 1]
        if stage not in records or before not in records:
            continue
        inflow, outflow = np.broadcast_arrays(*balance(records))
        scale = np.maximum(np.abs(inflow), np.finfo(float).tiny)
        error = np.abs(inflow - outflow) / scale
        if where is not None and error.ndim > 1:
            error = np.where(np.asarray(where)[:, None], error, 0.0)
        if np.any(error > rtol):
            worst = np.unravel_index(int(np.argmax(np.where(error > rtol, error, -1.0))),
                                     error.shape)
            draw = f" in draw {worst[0]}" if error.ndim > 1 else ""
            raise MassBalanceError(
                f"{stage} does not conserve {REY[worst[-1]]}{draw}: in {float(inflow[worst])!r} "
                f"t/yr, out {float(outflow[worst])!r} t/yr (relative error "
                f"{error[worst]:.2e} > {rtol:g})")


def run_stages(scenario: Scenario, stages, params: Mapping[str, object],
               records: Mapping[str, object], seed: int, *, single: bool) -> dict[str, object]:
    """The stage loop: run ``stages`` in order on ``params`` after the given ``records``.

    ``params`` maps each stage to its parameters (a model, with arrays of draws where drawn).
    With ``single`` a stage that rejects its input raises the reasons as a ``ScenarioError``;
    otherwise the rejected draws are left in the records' ``rejections``.
    """
    done = dict(records)
    for stage in stages:
        entry = registry.get(stage, scenario.stages[stage].model)
        # a value a stage cannot compute is NaN (or a rejection), not a warning
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            done[stage] = record = entry.run(params[stage], MappingProxyType(done), int(seed))
        if single:
            hit = [r for r in record.rejections if np.any(r.where)]
            if hit:
                raise RejectedError([Problem(r.path, r.given, r.message(), r.fix) for r in hit],
                                    [f"{r.path}: {r.reason}" for r in hit])
    return done


def rejected_draws(records: Mapping[str, object], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draws some stage rejected, and the first reason of each (``""`` if none)."""
    reasons = np.full(n, "", dtype=object)
    for record in records.values():
        for r in record.rejections:
            hit = np.broadcast_to(np.asarray(r.where, dtype=bool), (n,)) & (reasons == "")
            reasons[hit] = f"{r.path}: {r.reason}"
    return reasons != "", reasons


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
        if stage not in registry.STAGES:
            raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(registry.STAGES)}")
        start = registry.STAGES.index(stage)
        missing = [s for s in registry.STAGES[:start] if s not in records]
        if missing:
            raise ValueError(f"run_from({stage!r}) needs the records of {', '.join(missing)}")
        params = {s: c.params for s, c in self.scenario.stages.items()}
        before = {s: records[s] for s in registry.STAGES[:start]}
        done = run_stages(self.scenario, registry.STAGES[start:], params, before, seed,
                          single=True)
        if self.guards:
            check_mass_balance(done)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            reasons, values = undefined_reasons(self.scenario, done), kpis(done)
        _computable(self.scenario, values, reasons)
        diagnostics = {}
        for name in registry.STAGES[start:]:
            entry = registry.get(name, self.scenario.stages[name].model)
            if entry.diagnostics is not None:
                upstream = MappingProxyType({s: done[s] for s in registry.STAGES[
                    :registry.STAGES.index(name)]})
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    diagnostics[name] = freeze(  # read-only copies: caches stay intact
                        entry.diagnostics(params[name], upstream, done[name], int(seed)))
        return ChainResult(scenario=self.scenario, seed=int(seed), version=__version__,
                           records=MappingProxyType(done),
                           kpis=MappingProxyType(run_kpis(done, values)),
                           diagnostics=MappingProxyType(diagnostics),
                           undefined=MappingProxyType({
                               name: str(reasons[name]) for name in reasons
                               if not np.isfinite(np.asarray(values[name], dtype=float))}))


def run(scenario: Scenario, seed: int = 0) -> ChainResult:
    """Run a validated scenario through the whole chain."""
    return Chain(scenario).run(seed=seed)


# ---------------------------------------------------------------------------------------------
# the same loop on blocks of draws


def _bounds_ok(info, values: np.ndarray) -> np.ndarray:
    """Draws inside the bounds a parameter declares (``gt``, ``ge``, ``lt``, ``le``)."""
    ok = np.isfinite(values)
    for rule in info.metadata:
        for attr, holds in (("gt", np.greater), ("ge", np.greater_equal), ("lt", np.less),
                            ("le", np.less_equal)):
            bound = getattr(rule, attr, None)
            if bound is not None:
                ok &= holds(values, bound)
    return ok


def _params(scenario: Scenario, drawn: Mapping[str, Mapping[str, object]], rows) -> dict:
    """Every stage's parameters with the drawn ones replaced by their values at ``rows``."""
    out = {}
    for stage, config in scenario.stages.items():
        values = {k: (v[rows] if np.ndim(v) else v) for k, v in drawn.get(stage, {}).items()}
        out[stage] = config.params.model_copy(update=values) if values else config.params
    return out


def _nominal(scenario: Scenario, path: str):
    stage, name, _ = parameter_field(scenario, path)
    return getattr(scenario.stages[stage].params, name)


def _validated(scenario: Scenario, inputs: Mapping[str, np.ndarray],
               n: int) -> tuple[dict[str, dict[str, np.ndarray]], np.ndarray]:
    """Drawn values by stage, and which draws are valid.

    Valid: inside every parameter's bounds, every model's field relations and the cross-stage
    rules. An invalid draw computes at the nominal values (so it cannot upset a stage for the
    others) and is reported as NaN.
    """
    drawn: dict[str, dict[str, np.ndarray]] = {}
    valid = np.ones(n, dtype=bool)
    for path in inputs:
        stage, name, info = parameter_field(scenario, path)
        values = np.asarray(inputs[path], dtype=float)
        if values.shape != (n,):
            raise ValueError(f"{path}: expected {n} draws, got shape {values.shape}")
        if info.annotation is int:
            values = np.round(values)
        ok = _bounds_ok(info, values)
        valid &= ok
        drawn.setdefault(stage, {})[name] = np.where(ok, values, float(_nominal(scenario, path)))
    params = _params(scenario, drawn, slice(None))
    for stage, config in scenario.stages.items():
        for violated, _ in config.params.relations(params[stage]):
            valid &= ~np.broadcast_to(np.asarray(violated, dtype=bool), (n,))
    for _, _, violated, _, _ in cross_stage_rules(params):
        valid &= ~np.broadcast_to(np.asarray(violated, dtype=bool), (n,))
    for stage, values in drawn.items():
        for name, column in values.items():
            nominal = float(getattr(scenario.stages[stage].params, name))
            values[name] = np.where(valid, column, nominal)
    return drawn, valid


def _fixed_groups(scenario: Scenario, drawn: Mapping[str, Mapping[str, np.ndarray]],
                  n: int) -> list[tuple[np.ndarray, dict[str, dict[str, object]]]]:
    """Draws grouped by the values of the parameters their models need fixed.

    Returns ``[(rows, drawn values with each fixed parameter as the group's scalar), ...]``.
    """
    fixed = [(stage, name) for stage, values in drawn.items() for name in values
             if name in registry.get(stage, scenario.stages[stage].model).fixed]
    if not fixed:
        return [(np.arange(n), drawn)]
    keys = np.stack([drawn[s][name] for s, name in fixed], axis=1)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    out = []
    for g in np.argsort(first):
        rows = np.nonzero(inverse.ravel() == g)[0]
        values = {s: dict(v) for s, v in drawn.items()}
        for (s, name), value in zip(fixed, keys[first[g]], strict=True):
            annotation = type(scenario.stages[s].params).model_fields[name].annotation
            values[s][name] = int(value) if annotation is int else float(value)
        out.append((rows, values))
    return out


def run_draws(scenario: Scenario, inputs: Mapping[str, np.ndarray], seed: int = 0, *,
              block: int = BLOCK, guards: bool = False,
              progress: Callable[[int], None] | None = None,
              reasons: dict | None = None, workers: int | None = None,
              per_element: bool = False) -> dict[str, np.ndarray]:
    """Scalar KPIs of the chain at every row of ``inputs``, every stage on the draw axis.

    ``inputs`` maps ``"stage.param"`` paths to arrays of equal length ``n``; integer
    parameters take the nearest whole number. Returns ``{kpi: array (n,)}``, NaN for rejected
    draws and undefined values (with ``per_element`` also the per-element KPIs as ``(n, 15)``
    arrays); ``reasons``, if given a dict, receives ``"reason"``: an array of
    each draw's rejection reason (``""`` for a valid draw). ``ValueError`` if a path is unknown.
    ``progress(k)`` is called with the number of draws done after each block. ``guards`` checks
    every stage's element balance on every valid draw (``check_mass_balance``). Blocks run on
    ``workers`` threads (default: one per core); a draw's result does not depend on them.
    """
    paths = list(inputs)
    n = len(np.asarray(inputs[paths[0]]))
    if n == 0:  # the KPI names, with no draws
        if reasons is not None:
            reasons["reason"] = np.empty(0, dtype=object)
        nominal = {p: np.array([float(_nominal(scenario, p))]) for p in paths}
        return {k: v[:0] for k, v in run_draws(scenario, nominal, seed,
                                               per_element=per_element).items()}
    drawn, valid = _validated(scenario, inputs, n)
    why = np.where(valid, "", OUTSIDE_RULES).astype(object)
    first = registry.STAGES.index(min(drawn, key=registry.STAGES.index))
    upstream = run_stages(scenario, registry.STAGES[:first], _params(scenario, {}, None), {},
                          seed, single=True)
    tasks = [(group[start:start + block], values)
             for group, values in _fixed_groups(scenario, drawn, n)
             for start in range(0, group.size, block)]

    def compute(task):
        rows, values = task
        records = run_stages(scenario, registry.STAGES[first:], _params(scenario, values, rows),
                             upstream, seed, single=False)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            found = kpis(records)
            failed = not_computable(found, undefined_reasons(scenario, records), rows.size)
            values_at = draw_kpis(records, rows.size, per_element=per_element, values=found)
        rejected, stated = rejected_draws(records, rows.size)
        for name, bad in failed.items():  # after the stages' own reasons, which come first
            hit = bad & ~rejected
            stated[hit] = f"(result).{name}: {NOT_COMPUTABLE}"
            rejected |= hit
        if guards:
            check_mass_balance(records, where=~rejected)
        return rows, values_at, rejected, stated

    out: dict[str, np.ndarray] = {}
    done = 0
    # blocks are independent: NumPy releases the GIL on their arrays, so threads share the cores
    threads = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    pool = ThreadPoolExecutor(max_workers=threads)
    try:
        for rows, values_at, rejected, stated in (map if threads == 1 else pool.map)(compute,
                                                                                    tasks):
            why[rows] = np.where(why[rows] == "", stated, why[rows])
            rejected |= ~valid[rows]
            for k, v in values_at.items():
                out.setdefault(k, np.empty((n, *v.shape[1:])))[rows] = np.where(
                    rejected.reshape(-1, *([1] * (v.ndim - 1))), np.nan, v)
            done += rows.size
            if progress is not None:
                progress(done)
    except BaseException:  # Ctrl-C or a failing block: drop the blocks not yet started
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    if reasons is not None:
        reasons["reason"] = why
    return out
