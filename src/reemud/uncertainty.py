"""Uncertainty: sample a scenario's distributions, run the chain per draw, summarise, Sobol indices.

A scenario parameter written as a distribution (see ``reemud.scenario``) is uncertain. Draws are
made in the unit hypercube by one of three samplers (``scipy.stats.qmc``):

- ``random``: independent uniforms from ``numpy.random.default_rng(seed)``;
- ``lhs``: Latin hypercube (McKay, Beckman & Conover 1979), one draw per stratum per axis;
- ``sobol``: scrambled Sobol' sequence (Owen scrambling), best with ``n`` a power of two;

optionally correlated with a Gaussian copula (``z = Φ⁻¹(u)``, ``z' = z Lᵀ`` with ``L Lᵀ = R``,
``u' = Φ(z')``; Iman & Conover 1982 for rank correlation in LHS), then mapped to each parameter
with its inverse CDF (``reemud.distributions.KINDS``). Global sensitivity uses SALib's Saltelli/Sobol'
estimators (Saltelli et al. 2010, Comput. Phys. Commun. 181, 259) with bootstrap confidence
intervals.

The draws run on the draw axis (``chain.run_draws``): the same stage loop as a single run, each
stage once over a block of draws. ``evaluate(vectorised=False)`` runs every draw alone through that
loop instead (the reference the draw axis is checked and timed against).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from scipy import stats
from scipy.stats import qmc

from reemud import distributions, registry
from reemud.chain import OUTSIDE_RULES, Chain, run_draws
from reemud.errors import RejectedError
from reemud.scenario import (
    Distribution,
    Scenario,
    StageConfig,
    cross_stage_problems,
    parameter_field,
)
from reemud.scenario import correlation_matrix as scenario_correlation_matrix

SAMPLERS = ("random", "lhs", "sobol")
"""Unit-hypercube samplers accepted by ``sample_unit``."""


def draw_inputs(scenario: Scenario, u: np.ndarray) -> dict[str, np.ndarray]:
    """Parameter values of unit-hypercube rows ``u`` [(n, d), d in scenario order] by their PPFs."""
    return {p: ppf(dist, u[:, j]) for j, (p, dist) in enumerate(scenario.uncertain.items())}


def ppf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Values of ``dist`` at probabilities ``u`` (any shape) in the parameter's canonical unit."""
    return distributions.get(dist.kind).quantiles(dist.params, u)


def sample_unit(n: int, dim: int, method: str = "lhs", seed: int = 0,
                correlation: np.ndarray | None = None) -> np.ndarray:
    """``n`` points in ``[0, 1)^dim`` [shape (n, dim)], optionally Gaussian-copula correlated.

    ``correlation`` is the (dim × dim) correlation matrix of the copula's normal scores; it must be
    symmetric positive definite with a unit diagonal.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1 (got {n!r}); ask for at least one draw")
    if method not in SAMPLERS:
        raise ValueError(f"method must be one of {', '.join(SAMPLERS)} (got {method!r})")
    if method == "random":
        u = np.random.default_rng(seed).random((n, dim))
    elif method == "lhs":
        u = qmc.LatinHypercube(d=dim, seed=np.random.default_rng(seed)).random(n)
    else:
        u = qmc.Sobol(d=dim, scramble=True, seed=np.random.default_rng(seed)).random(n)
    if correlation is None:
        return u
    corr = np.asarray(correlation, dtype=float)
    if corr.shape != (dim, dim) or not np.allclose(corr, corr.T) or not np.allclose(np.diag(corr), 1):
        raise ValueError(f"correlation must be a symmetric {dim}x{dim} matrix with a unit diagonal")
    try:
        lower = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise ValueError("correlation must be positive definite; check the off-diagonal "
                         "terms are consistent") from None
    eps = np.finfo(float).eps
    z = stats.norm.ppf(np.clip(u, eps, 1 - eps)) @ lower.T
    return stats.norm.cdf(z)


def correlation_matrix(scenario: Scenario) -> np.ndarray | None:
    """The scenario's copula correlation matrix over its uncertain parameters, or None."""
    if not scenario.correlations:
        return None
    return scenario_correlation_matrix(list(scenario.uncertain), scenario.correlations)


def with_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with ``"stage.param"`` values replaced and re-validated.

    Each changed stage and the cross-stage rules are checked (``ValueError`` naming the parameter
    otherwise); integer parameters take the value rounded to the nearest whole number.
    """
    by_stage: dict[str, dict[str, float]] = {}
    for path, value in values.items():
        stage, name, info = parameter_field(scenario, path)
        is_int = info.annotation is int
        by_stage.setdefault(stage, {})[name] = int(round(float(value))) if is_int else float(value)
    stages = dict(scenario.stages)
    for stage, update in by_stage.items():
        config = stages[stage]
        entry = registry.get(stage, config.model)
        stages[stage] = StageConfig(config.model, entry.params(**{**config.params.model_dump(),
                                                                    **update}))
    problems = cross_stage_problems(stages)
    if problems:
        raise ValueError("; ".join(f"{p.path}: {p.allowed} (got {p.given!r})" for p in problems))
    return Scenario(name=scenario.name, description=scenario.description, text=scenario.text,
                    stages=MappingProxyType(stages), uncertain=scenario.uncertain,
                    correlations=scenario.correlations)


@dataclass(frozen=True)
class MonteCarloResult:
    """Inputs and scalar KPIs of every draw: ``inputs[path]`` and ``outputs[kpi]`` [n]."""

    scenario: str
    seed: int
    method: str
    inputs: Mapping[str, np.ndarray]
    outputs: Mapping[str, np.ndarray]
    rejections: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Draws rejected, by stated reason (``"stage.field: reason"``) [count]."""

    @property
    def n(self) -> int:
        """Number of draws."""
        return len(next(iter(self.outputs.values())))

    def summary(self) -> dict[str, dict[str, float]]:
        """Per KPI: mean, its standard error, sd, P10, P50, P90 and the number of defined draws."""
        return {k: summarise(v) for k, v in self.outputs.items()}


def summarise(values: np.ndarray) -> dict[str, float]:
    """Summary statistics of the finite values of one output.

    Mean, standard error of the mean (s/√n), sd, P10/P50/P90, the count ``n``, and
    ``p_positive``: the share of the finite values above zero (for NPV, the chance of profit).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return {"n": 0, "mean": float("nan"), "standard_error": float("nan"), "sd": float("nan"),
                "p10": float("nan"), "p50": float("nan"), "p90": float("nan"),
                "p_positive": float("nan")}
    sd = float(x.std(ddof=1)) if n > 1 and np.ptp(x) > 0 else 0.0  # equal values: exactly 0
    p10, p50, p90 = np.percentile(x, [10, 50, 90])
    return {"n": n, "mean": float(x.mean()), "standard_error": sd / np.sqrt(n), "sd": sd,
            "p10": float(p10), "p50": float(p50), "p90": float(p90),
            "p_positive": float(np.mean(x > 0))}


def running_mean(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convergence diagnostic: running mean and its standard error after each draw."""
    x = np.asarray(values, dtype=float)
    k = np.arange(1, x.size + 1)
    mean = np.cumsum(x) / k
    var = np.maximum(np.cumsum(x * x) / k - mean**2, 0.0) * k / np.maximum(k - 1, 1)
    return mean, np.sqrt(var / k)


def scalar_kpis(kpis: Mapping[str, object]) -> dict[str, float]:
    """The scalar KPIs of a run (per-element maps left out); undefined values become NaN."""
    return {k: (np.nan if v is None else float(v)) for k, v in kpis.items()
            if not isinstance(v, Mapping)}


def monte_carlo(scenario: Scenario, n: int, *, method: str = "lhs", seed: int = 0,
                correlation: np.ndarray | None = None,
                progress: Callable[[int], None] | None = None,
                vectorised: bool = True) -> MonteCarloResult:
    """Run the chain on ``n`` draws of the scenario's uncertain parameters.

    ``vectorised`` runs every stage on the draw axis when the models allow it (``evaluate``).

    ``correlation`` (Gaussian copula, parameters in scenario order) defaults to the scenario's
    ``correlations``.

    A draw outside a parameter's allowed range (possible with unbounded distributions) is
    rejected: its KPIs are NaN, so it is left out of every summary (``summary()[k]["n"]``).

    Stage-internal randomness (e.g. the campaign simulation) uses the same ``seed`` on every draw
    (common random numbers), so the spread of the outputs comes from the uncertain parameters
    alone; ``reemud campaign`` gives the campaign's own variability. Because of that, the stages
    upstream of the first uncertain one are run once and their records reused on every draw. The
    same (scenario, n, method, seed, correlation) gives bit-identical results.
    """
    paths = list(scenario.uncertain)
    if not paths:
        raise ValueError(f"scenario {scenario.name!r} has no uncertain parameter: write one as a "
                         "distribution, e.g. grade_ppm = { dist = \"triangular\", low = 3000, "
                         "mode = 5000, high = 7000 }")
    if correlation is None:
        correlation = correlation_matrix(scenario)
    u = sample_unit(n, len(paths), method, seed, correlation)
    inputs = draw_inputs(scenario, u)
    why: dict = {}
    outputs = evaluate(scenario, inputs, seed, progress, vectorised=vectorised, reasons=why)
    stated, counts = np.unique(why["reason"][why["reason"] != ""].astype(str), return_counts=True)
    return MonteCarloResult(scenario=scenario.name, seed=seed, method=method,
                            rejections=MappingProxyType(dict(zip(stated.tolist(),
                                                                 counts.tolist(), strict=True))),
                            inputs=MappingProxyType(inputs), outputs=MappingProxyType(outputs))


def first_uncertain_stage(paths) -> str:
    """The earliest stage (chain order) any of ``"stage.param"`` paths belongs to."""
    return min((p.partition(".")[0] for p in paths), key=registry.STAGES.index)


def _nominal_run(scenario: Scenario, first: str, seed: int,
                 kpis) -> tuple[dict[str, float], dict[str, object]]:
    """One nominal run: its scalar KPIs and the records of the stages before ``first``.

    ``kpis`` must be among the scalar KPIs; the records are reused by every evaluation.
    """
    result = Chain(scenario).run(seed=seed)
    names = scalar_kpis(result.kpis)
    unknown = [k for k in kpis if k not in names]
    if unknown:
        raise ValueError(f"unknown scalar KPI(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(names)}")
    return names, {s: result.records[s] for s in registry.STAGES[:registry.STAGES.index(first)]}


def upstream_records(scenario: Scenario, first: str, seed: int) -> dict[str, object]:
    """Records of the stages before ``first``, run once at the scenario's nominal values."""
    if first == registry.STAGES[0]:
        return {}
    return _nominal_run(scenario, first, seed, ())[1]


def evaluate(scenario: Scenario, inputs: Mapping[str, np.ndarray], seed: int,
             progress: Callable[[int], None] | None = None,
             upstream: Mapping[str, object] | None = None, *,
             vectorised: bool = True, reasons: dict | None = None) -> dict[str, np.ndarray]:
    """Scalar KPIs of the chain at each row of ``inputs``: ``{kpi: array (n,)}``.

    With ``vectorised`` (the default) every stage runs once over blocks of draws
    (``chain.run_draws``); otherwise each draw runs alone through the same stage loop from the first
    uncertain stage, reusing the fixed upstream records (``upstream``, from ``upstream_records``,
    may be passed in to share them between calls). Both give the same KPIs to 1e-9 but the plume
    area, which the draw axis computes on a shared footprint grid
    (``environment.deposit_areas_km2``). Rejected draws have NaN KPIs; ``reasons``, if given a
    dict, receives ``"reason"``: each draw's stated reason (``""`` if computed).
    """
    paths = list(inputs)
    if vectorised:
        return run_draws(scenario, inputs, seed, progress=progress, reasons=reasons)
    first = first_uncertain_stage(paths)
    if upstream is None:
        upstream = upstream_records(scenario, first, seed)
    rows: list[dict[str, float] | None] = []
    why = np.full(len(inputs[paths[0]]), "", dtype=object)
    for i in range(len(inputs[paths[0]])):
        try:  # a draw outside the allowed ranges, or one a stage cannot compute: rejected
            drawn = with_values(scenario, {p: inputs[p][i] for p in paths})
        except ValueError:
            rows.append(None)
            why[i] = OUTSIDE_RULES
        else:
            try:
                rows.append(scalar_kpis(Chain(drawn).run_from(first, upstream, seed=seed).kpis))
            except RejectedError as exc:
                rows.append(None)
                why[i] = exc.reasons[0]
        if progress is not None:
            progress(i + 1)
    if reasons is not None:
        reasons["reason"] = why
    names = next((r for r in rows if r is not None), None)
    if names is None:
        names = scalar_kpis(Chain(scenario, guards=False).run(seed=seed).kpis)
    return {k: np.array([np.nan if r is None else r[k] for r in rows]) for k in names}


@dataclass(frozen=True)
class SobolIndices:
    """First-order (S1) and total (ST) Sobol' indices with 95 % bootstrap half-widths."""

    names: tuple[str, ...]
    s1: np.ndarray
    s1_conf: np.ndarray
    st: np.ndarray
    st_conf: np.ndarray


def sobol_indices(func: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
                  dists: Sequence[Distribution], n_base: int = 1024,
                  seed: int = 0) -> SobolIndices:
    """Sobol' indices of a vectorised ``func(x[(N, d)]) -> y[N]`` over independent inputs.

    Saltelli sampling of ``n_base (2d + 2)`` points (SALib), mapped to each input by its PPF.
    """
    problem, x = _saltelli_inputs(names, dists, n_base, seed)
    y = np.asarray(func(x), dtype=float)
    return _analyze(problem, names, y, seed)


def _analyze(problem: dict, names: Sequence[str], y: np.ndarray, seed: int) -> SobolIndices:
    from SALib.analyze import sobol as sobol_analyze

    # SALib seeds its bootstrap only for a truthy seed (``if seed:``), so seed 0 would leave the
    # confidence intervals unseeded: hand it a non-zero seed derived from ours
    bootstrap_seed = int(np.random.SeedSequence([seed, 1]).generate_state(1)[0]) | 1
    res = sobol_analyze.analyze(problem, y, calc_second_order=True, seed=bootstrap_seed)
    return SobolIndices(names=tuple(names), s1=np.asarray(res["S1"]),
                        s1_conf=np.asarray(res["S1_conf"]), st=np.asarray(res["ST"]),
                        st_conf=np.asarray(res["ST_conf"]))


def _saltelli_inputs(names: Sequence[str], dists: Sequence[Distribution], n_base: int,
                     seed: int) -> tuple[dict, np.ndarray]:
    from SALib.sample import sobol as sobol_sample

    d = len(names)
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    u = sobol_sample.sample(problem, n_base, calc_second_order=True, seed=seed)
    eps = np.finfo(float).eps
    u = np.clip(u, eps, 1 - eps)
    return problem, np.column_stack([ppf(dist, u[:, j]) for j, dist in enumerate(dists)])


def scenario_sobol(scenario: Scenario, kpis: Sequence[str], n_base: int = 64, seed: int = 0,
                   progress: Callable[[int], None] | None = None) -> dict[str, SobolIndices]:
    """Sobol' indices of scalar KPIs over the scenario's uncertain parameters.

    Runs the chain ``n_base (2d + 2)`` times (Saltelli design, d uncertain parameters).
    """
    paths = list(scenario.uncertain)
    if len(paths) < 2:
        raise ValueError(f"scenario {scenario.name!r} has {len(paths)} uncertain parameter(s): "
                         "Sobol indices need at least two")
    if scenario.correlations:
        raise ValueError("Sobol indices assume independent inputs, but the scenario sets "
                         "scenario.correlations; remove them for the sensitivity analysis")
    _, upstream = _nominal_run(scenario, first_uncertain_stage(paths), seed, kpis)
    problem, x = _saltelli_inputs(paths, [scenario.uncertain[p] for p in paths], n_base, seed)
    y = evaluate(scenario, {p: x[:, j] for j, p in enumerate(paths)}, seed, progress, upstream)
    for k in kpis:
        undefined = int(np.sum(~np.isfinite(y[k])))
        if undefined:
            raise ValueError(
                f"{k} is undefined in {undefined} of {y[k].size} runs"
                + (" (all of them)" if undefined == y[k].size else "")
                + ": Sobol' indices need it defined in every run; choose a KPI defined on every "
                "draw (e.g. npv_usd) or narrow the distributions")
    return {k: _analyze(problem, paths, y[k], seed) for k in kpis}


@dataclass(frozen=True)
class TornadoBar:
    """One-at-a-time swing of a KPI: parameter at its ``low_q`` and ``high_q`` quantiles."""

    parameter: str
    low_value: float
    high_value: float
    kpi_at_low: float
    kpi_at_high: float

    @property
    def swing(self) -> float:
        """``|kpi_at_high − kpi_at_low|`` in the KPI's unit."""
        return abs(self.kpi_at_high - self.kpi_at_low)


def tornado(scenario: Scenario, kpi: str, low_q: float = 0.1, high_q: float = 0.9,
            seed: int = 0) -> tuple[float, list[TornadoBar]]:
    """KPI at the nominal values and its swing per uncertain parameter, widest first.

    Each parameter in turn is set to its ``low_q`` and ``high_q`` quantiles with the others at
    their nominal values (``2d + 1`` chain runs).
    """
    if not 0.0 < low_q < high_q < 1.0:
        raise ValueError(f"need 0 < low_q < high_q < 1 (got {low_q!r}, {high_q!r})")
    paths = list(scenario.uncertain)
    if not paths:
        raise ValueError(f"scenario {scenario.name!r} has no uncertain parameter")
    nominal = {p: scenario.uncertain[p].nominal for p in paths}
    base, upstream = _nominal_run(scenario, first_uncertain_stage(paths), seed, [kpi])
    rows = {p: np.full(2 * len(paths), nominal[p]) for p in paths}
    for j, p in enumerate(paths):
        rows[p][2 * j:2 * j + 2] = ppf(scenario.uncertain[p], np.array([low_q, high_q]))
    values = [float(v) for v in evaluate(scenario, rows, seed, None, upstream)[kpi]]
    bars = [TornadoBar(p, float(rows[p][2 * j]), float(rows[p][2 * j + 1]),
                       values[2 * j], values[2 * j + 1]) for j, p in enumerate(paths)]
    return base[kpi], sorted(bars, key=lambda b: -b.swing)


@dataclass(frozen=True)
class BreakEven:
    """Value of ``parameter`` at which ``kpi`` equals ``target``, or why there is none."""

    parameter: str
    kpi: str
    target: float
    value: float | None
    status: str
    kpi_at_low: float
    kpi_at_high: float


def break_even(scenario: Scenario, parameter: str, low: float, high: float, *,
               kpi: str = "npv_usd", target: float = 0.0, seed: int = 0,
               rtol: float = 1e-9) -> BreakEven:
    """Solve ``kpi(parameter) = target`` on ``[low, high]`` (Brent's method, SciPy ``brentq``).

    Every evaluation runs the chain from the parameter's stage on. When the KPI does not cross the
    target inside the bracket (or is undefined at an end), ``value`` is None and ``status`` says
    which side it stays on.
    """
    from scipy.optimize import brentq

    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"the bracket's ends must be finite numbers (got {low!r}, {high!r})")
    if not low < high:
        fix = "swap them" if low > high else "widen it: the bracket is empty"
        raise ValueError(f"the bracket needs low < high (got {low!r}, {high!r}); {fix}")

    for end in (low, high):  # names a bad parameter or an end outside its allowed range
        with_values(scenario, {parameter: end})
    _, upstream = _nominal_run(scenario, first_uncertain_stage([parameter]), seed, [kpi])

    def gap(x: float) -> float:
        return float(evaluate(scenario, {parameter: np.array([x])}, seed, None, upstream)[kpi][0]) \
            - target

    g_low, g_high = gap(low), gap(high)
    ends = dict(parameter=parameter, kpi=kpi, target=target, kpi_at_low=g_low + target,
                kpi_at_high=g_high + target)
    if not (np.isfinite(g_low) and np.isfinite(g_high)):
        return BreakEven(value=None, status=f"{kpi} is undefined at an end of the bracket", **ends)
    if g_low * g_high > 0:
        side = "above" if g_low > 0 else "below"
        return BreakEven(value=None, status=f"{kpi} stays {side} {target:g} from {low:g} to "
                         f"{high:g}: no break-even in the bracket", **ends)
    value = brentq(gap, low, high, rtol=rtol, xtol=abs(high - low) * rtol)
    return BreakEven(value=float(value), status="found", **ends)
