"""The chain on the draw axis: each stage's model runs once over a whole block of draws.

``run_draws(scenario, inputs)`` gives the scalar KPIs of the chain at every row of ``inputs``
(``"stage.param" -> array``), as ``Chain(scenario with those values).run()`` would, draw by draw,
but with every stage computed by NumPy broadcasting over the draws: uncertain parameters enter as
arrays of shape ``(n,)``, fixed ones as scalars, and each stage's registered draw-axis model
(``registry.register_draws``) returns a ``records.Draws`` for the next. Work that cannot broadcast
— a SimPy campaign, a solvent-extraction design, a plume footprint grid — is done once per distinct
input (``stages.common.draw_groups``), so it costs little when those inputs are fixed.

Draws are checked as a single scenario is, but on arrays: every parameter's bounds, each model's
field relations (``Params.relations``) and the cross-stage rules
(``scenario.cross_stage_rules``). A draw that breaks one, or that a stage cannot compute (mud
outside the grain phases' grades, a slurry that cannot rise, an SX spec not met), is rejected: its
KPIs are NaN and it is counted as undefined, as ``uncertainty.evaluate`` does draw by draw. The
stages before the first uncertain one are computed once and shared by every block.

What is left out on the draw axis: the per-run diagnostics (lift envelope, airlift curve, leach
surfaces, grade-recovery sweep, plume grid, cash-flow table) and the per-element and per-item KPI
maps. The mass-balance guards run on request (``guards=True``; off by default, as in large Monte
Carlo runs, ARCHITECTURE.md §4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np

from reemud import registry
from reemud.chain import check_mass_balance, draw_kpis
from reemud.records import Draws
from reemud.scenario import Scenario, cross_stage_rules, parameter_field

BLOCK = 2048
"""Draws computed together; bounds memory (the leach march holds ``BLOCK × 501`` floats)."""


def unsupported(scenario: Scenario, paths) -> str | None:
    """Why ``paths`` of ``scenario`` cannot run on the draw axis, or ``None`` if they can.

    ``ValueError`` (from ``scenario.parameter_field``) if a path names no parameter.
    """
    fields = [parameter_field(scenario, path) for path in paths]
    for stage in registry.STAGES:
        model = scenario.stages[stage].model
        if registry.draw_axis(stage, model) is None:
            return f"{stage} model {model!r} has no draw-axis version"
    for path, (stage, name, _) in zip(paths, fields, strict=True):
        if name in registry.draw_axis(stage, scenario.stages[stage].model)[1]:
            return f"{path} must be the same on every draw of the draw-axis model"
    return None


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


def _params(scenario: Scenario, drawn: Mapping[str, dict[str, np.ndarray]],
            rows) -> dict[str, Draws]:
    """Every stage's parameters as ``Draws``: drawn ones as arrays of ``rows``, others scalars."""
    out = {}
    for stage, config in scenario.stages.items():
        values = dict(config.params)
        values.update({k: v[rows] for k, v in drawn.get(stage, {}).items()})
        out[stage] = Draws(**values)
    return out


def _rules_broken(scenario: Scenario, params: Mapping[str, Draws], n: int) -> np.ndarray:
    """Draws that break a field relation of some model or a cross-stage rule."""
    broken = np.zeros(n, dtype=bool)
    for stage, config in scenario.stages.items():
        for violated, _ in config.params.relations(params[stage]):
            broken |= np.broadcast_to(np.asarray(violated, dtype=bool), (n,))
    for _, _, violated, _, _ in cross_stage_rules(params):
        broken |= np.broadcast_to(np.asarray(violated, dtype=bool), (n,))
    return broken


def _run_stages(scenario: Scenario, stages, params: Mapping[str, Draws],
                records: dict[str, Draws], seed: int) -> dict[str, Draws]:
    for stage in stages:
        run, _ = registry.draw_axis(stage, scenario.stages[stage].model)
        records[stage] = run(params[stage], MappingProxyType(records), int(seed))
    return records


def run_draws(scenario: Scenario, inputs: Mapping[str, np.ndarray], seed: int = 0, *,
              block: int = BLOCK, guards: bool = False,
              progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Scalar KPIs of the chain at every row of ``inputs``, every stage on the draw axis.

    ``inputs`` maps ``"stage.param"`` paths to arrays of equal length ``n``; integer
    parameters take the nearest whole number. Returns ``{kpi: array (n,)}``, NaN for rejected
    draws and undefined values. ``ValueError`` if a path is unknown or the scenario's models
    cannot run on the draw axis (``unsupported`` says why). ``progress(k)`` is called with the
    number of draws done after each block. A draw's KPIs do not depend on ``block`` or on the
    other draws. ``guards`` checks every stage's element balance on every draw
    (``chain.check_mass_balance``; ``MassBalanceError`` names the draw).
    """
    paths = list(inputs)
    reason = unsupported(scenario, paths)
    if reason is not None:
        raise ValueError(f"cannot run {scenario.name!r} on the draw axis: {reason}")
    n = len(np.asarray(inputs[paths[0]]))
    if n == 0:  # the KPI names, with no draws
        nominal = {p: np.array([float(_nominal(scenario, p))]) for p in paths}
        return {k: v[:0] for k, v in run_draws(scenario, nominal, seed).items()}
    drawn, valid = _validated(scenario, inputs, n)
    first = registry.STAGES.index(min(drawn, key=registry.STAGES.index))
    fixed = _run_stages(scenario, registry.STAGES[:first], _params(scenario, {}, slice(None)), {},
                        seed)
    out: dict[str, np.ndarray] = {}
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        m = rows.stop - rows.start
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            records = _run_stages(scenario, registry.STAGES[first:],
                                  _params(scenario, drawn, rows), dict(fixed), seed)
            kpis = draw_kpis(records, m)
        if guards:
            check_mass_balance(records)
        rejected = ~valid[rows]
        for record in records.values():
            if "invalid" in record.keys():
                rejected |= np.broadcast_to(np.asarray(record.invalid, dtype=bool), (m,))
        for k, v in kpis.items():
            out.setdefault(k, np.empty(n))[rows] = np.where(rejected, np.nan, v)
        if progress is not None:
            progress(rows.stop)
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
    valid &= ~_rules_broken(scenario, _params(scenario, drawn, slice(None)), n)
    for stage, values in drawn.items():
        for name, column in values.items():
            nominal = float(getattr(scenario.stages[stage].params, name))
            values[name] = np.where(valid, column, nominal)
    return drawn, valid
