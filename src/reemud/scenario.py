"""Scenarios: TOML in, validated stage parameters out, with every problem reported at once.

A scenario file has an optional ``[scenario]`` table (``name``, ``description``) and one table per
stage, each with ``model = "<name>"`` and any parameters to override; every parameter not given
takes its sourced default from ``data/parameters.csv``. A number may be written

- as a plain number in the parameter's canonical unit (``water_depth_m = 5600``),
- as a string with a unit, converted once here with pint (``water_depth_m = "5.6 km"``),
- as a distribution (``grade_ppm = { dist = "triangular", low = 3000, mode = 5000, high = 7000 }``),
  optionally with ``unit = "..."``. A deterministic run takes its ``value`` if given, else its mode
  (uniform: midpoint; normal: mean; lognormal: ``exp(μ − σ²)``; discrete: most probable value;
  empirical: median of the sample values). The kinds, their keys, checks and nominal values are
  the registry ``reemud.distributions.KINDS``.

Bundled scenarios live in ``data/scenarios/`` and are addressed by name.
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from reemud import distributions, registry, stages  # noqa: F401  (stages registers the models)
from reemud.datafiles import data_path, read_table
from reemud.errors import Problem, ScenarioError

DEFAULT_SCENARIO = "minamitorishima-2027"


@dataclass(frozen=True)
class Distribution:
    """An uncertain parameter: kind, its parameters (canonical unit) and the nominal value."""

    kind: str
    params: Mapping[str, Any]
    nominal: float


@dataclass(frozen=True)
class StageConfig:
    """The chosen model of one stage and its validated parameters."""

    model: str
    params: Any


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: stage configurations, uncertain parameters and the source text."""

    name: str
    description: str
    text: str
    stages: Mapping[str, StageConfig]
    uncertain: Mapping[str, Distribution] = field(default_factory=dict)
    correlations: tuple[tuple[str, str, float], ...] = ()

    @property
    def sha256(self) -> str:
        """Hash of the scenario text [hex]."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def parameter_field(scenario: Scenario, path: str) -> tuple[str, str, Any]:
    """``(stage, name, pydantic FieldInfo)`` of a ``"stage.param"`` path of the scenario.

    ``ValueError`` names the path and, for a misspelt parameter, the closest one.
    """
    stage, _, name = path.partition(".")
    if stage not in scenario.stages:
        raise ValueError(f"{path!r}: {stage!r} is not a stage; stages are "
                         f"{', '.join(registry.STAGES)}")
    fields = registry.get(stage, scenario.stages[stage].model).params.model_fields
    if name not in fields:
        close = difflib.get_close_matches(name, list(fields), n=1)
        raise ValueError(f"{path!r} is not a parameter of {stage} model "
                         f"{scenario.stages[stage].model!r}"
                         + (f"; did you mean {stage}.{close[0]}?" if close else ""))
    return stage, name, fields[name]


# ---------------------------------------------------------------------------------------------
# units


@cache
def unit_registry():
    """The pint unit registry, with currencies as their own dimensions (created on first use)."""
    import pint

    ureg = pint.UnitRegistry(cache_folder=":auto:")  # parsed definitions cached on disk
    ureg.define("USD = [currency_usd]")
    ureg.define("JPY = [currency_jpy]")
    return ureg


def convert(value: str, unit: str) -> float:
    """Convert a quantity string such as ``"5.6 km"`` to ``unit`` (``""`` = dimensionless)."""
    ureg = unit_registry()
    number, _, unit_text = value.strip().partition(" ")
    try:  # "30 degC": magnitude and unit apart, as offset units (°C, °F) need
        quantity = ureg.Quantity(float(number.replace(",", "")), unit_text.strip() or "")
    except ValueError:
        quantity = ureg.Quantity(value)
    target = ureg.Unit(unit) if unit else ureg.dimensionless
    return float(quantity.to(target).magnitude)


# ---------------------------------------------------------------------------------------------
# defaults


@cache
def _parameter_rows() -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for row in read_table("parameters.csv"):
        out.setdefault((row["stage"], row["model"]), {})[row["name"]] = row["value"]
    return out


def parameter_defaults(stage: str, model: str) -> dict[str, str]:
    """Default parameter values of one model, as text, from ``data/parameters.csv``.

    Rows of model ``*`` give defaults to every model of the stage that has the parameter; rows
    of the model itself override them.
    """
    fields = registry.get(stage, model).params.model_fields
    rows = _parameter_rows()
    shared = {k: v for k, v in rows.get((stage, "*"), {}).items() if k in fields}
    return {**shared, **rows.get((stage, model), {})}


def field_unit(params_model, name: str) -> str | None:
    """Canonical unit of a parameter field (``""`` dimensionless), ``None`` if not a field."""
    info = params_model.model_fields.get(name)
    if info is None:
        return None
    return (info.json_schema_extra or {}).get("unit", "")


def _is_numeric(params_model, name: str) -> bool:
    info = params_model.model_fields[name]
    return info.annotation in (float, int)


# ---------------------------------------------------------------------------------------------
# parsing


def parse_distribution(path: str, spec: Mapping[str, Any], unit: str,
                       problems: list[Problem]) -> Distribution | None:
    """A distribution table at ``path`` in ``unit``; ``None`` (problems appended) if invalid."""
    try:
        kind = distributions.get(spec.get("dist"))
    except ValueError:
        problems.append(Problem(path, dict(spec),
                                f"`dist` must be one of {', '.join(distributions.KINDS)}",
                                "write e.g. { dist = \"triangular\", low = 1, mode = 2, high = 3 }"))
        return None
    missing = kind.missing(spec)
    if missing:
        problems.append(Problem(path, dict(spec), f"a {kind.name} distribution needs {', '.join(missing)}",
                                f"add {', '.join(missing)} to the table"))
        return None
    scale = 1.0
    if "unit" in spec:
        try:
            scale = convert(f"1 {spec['unit']}", unit)
        except Exception as exc:  # pint raises several types
            problems.append(Problem(path, spec["unit"], f"unit must convert to {unit or 'dimensionless'}",
                                    f"use a unit compatible with {unit or 'a pure number'} ({exc})"))
            return None
    try:
        params = {key: kind.convert(key, val, scale) for key, val in spec.items()
                  if key not in ("dist", "unit")}
    except (TypeError, ValueError):
        problems.append(Problem(path, dict(spec), "distribution parameters must be plain numbers "
                                "(values and weights: lists of numbers)",
                                "give the numbers in the parameter's unit "
                                f"({unit or 'no unit'}), or add unit = \"...\" to the table"))
        return None
    found = kind.problems(path, dict(spec), params)
    if found:
        problems += found
        return None
    return Distribution(kind.name, MappingProxyType(params), kind.nominal_value(params))


def support_problems(path: str, dist: Distribution, params_model, name: str,
                     values: Mapping[str, Any], problems: list[Problem]) -> bool:
    """Check that the whole support of a bounded distribution is allowed for the parameter.

    Integer parameters accept only kinds drawing from listed values (``discrete``, ``empirical``)
    with whole numbers listed. Unbounded distributions (normal, lognormal) cannot be checked here;
    a draw outside the allowed range is rejected at run time and counted.
    """
    is_int = params_model.model_fields[name].annotation is int
    kind = distributions.get(dist.kind)
    if is_int and kind.values_key is None:
        problems.append(Problem(path, dist.kind, f"{name} is a whole number, so its distribution "
                                f"must be {' or '.join(distributions.whole_number_kinds())}",
                                "write e.g. { dist = \"discrete\", values = [15, 20, 25], "
                                "weights = [1, 2, 1] }"))
        return True
    if is_int and any(v != int(v) for v in dist.params[kind.values_key]):
        problems.append(Problem(path, list(dist.params[kind.values_key]), f"{name} is a whole number",
                                "give whole-number values"))
        return True
    for end in kind.ends(dist.params) or ():
        try:
            params_model(**{**values, name: int(end) if is_int else end})
        except ValidationError as exc:
            bad = [e for e in exc.errors() if e["loc"] and e["loc"][0] == name]
            if bad:
                problems.append(Problem(path, end, "the distribution reaches a value the "
                                        f"parameter does not allow: {bad[0]['msg']}",
                                        "narrow the distribution to the allowed range"))
                return True
    return False


def pydantic_problems(stage: str, model: str, params_model, raw: Mapping[str, Any],
                      exc: ValidationError) -> list[Problem]:
    """Every pydantic error of a parameter table as a ``Problem`` naming the field and the fix."""
    problems = []
    allowed_names = list(params_model.model_fields)
    for err in exc.errors():
        loc = [str(x) for x in err["loc"]]
        name = loc[0] if loc else ""
        path = f"{stage}.{name}" if name else stage
        given = raw.get(name, err.get("input"))
        info = params_model.model_fields.get(name)
        meaning = f"It is the {info.description}." if info and info.description else ""
        if err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(name, allowed_names, n=1)
            hint = f"Did you mean `{close[0]}`?" if close else "Remove it."
            problems.append(Problem(path, given, f"is not a parameter of {stage} model {model!r}",
                                    f"{hint} Parameters: {', '.join(allowed_names)}"))
            continue
        ctx = err.get("ctx") or {}
        bound = {"greater_than": "> {gt}", "greater_than_equal": ">= {ge}",
                 "less_than": "< {lt}", "less_than_equal": "<= {le}"}.get(err["type"])
        if bound:
            allowed = "must be " + bound.format(**{k: f"{v:g}" for k, v in ctx.items()})
            problems.append(Problem(path, given, allowed, meaning or "change the value"))
        elif err["type"] == "value_error" and not name:
            problems.append(Problem(stage, {k: raw.get(k) for k in raw if k != "model"},
                                    str(ctx.get("error", err["msg"])), "make the values consistent"))
        else:
            msg = str(ctx.get("error", err["msg"]))
            problems.append(Problem(path, given, msg, meaning or "change the value"))
    return problems


def parse_parameter_table(prefix: str, model: str, params_model, defaults: Mapping[str, Any],
                          table: Mapping[str, Any], problems: list[Problem],
                          uncertain: dict[str, Distribution]):
    """Validate one TOML table of parameters against ``params_model``; ``None`` if it has problems.

    Values not given take ``defaults``; each value may be a number in the canonical unit, a
    quantity string with a unit (converted with pint) or a distribution table (its nominal value
    is used and the distribution is recorded in ``uncertain`` under ``"prefix.name"``). Every
    problem found is appended to ``problems``, named by its path.
    """
    values: dict[str, Any] = dict(defaults)
    found = len(problems)
    for name, given in table.items():
        path = f"{prefix}.{name}"
        unit = field_unit(params_model, name)
        if unit is None:
            values[name] = given  # pydantic reports the unknown key with suggestions
            continue
        if isinstance(given, Mapping):
            dist = parse_distribution(path, given, unit, problems)
            if dist is not None and support_problems(path, dist, params_model, name, values,
                                                     problems):
                dist = None
            if dist is not None:
                uncertain[path] = dist
                values[name] = dist.nominal
        elif isinstance(given, str) and _is_numeric(params_model, name):
            try:
                values[name] = convert(given, unit)
            except Exception as exc:  # pint: undefined unit, dimensionality, syntax
                example = f'"1 {unit}"' if unit else "a pure number such as 0.5"
                problems.append(Problem(path, given, f"must be a number in {unit or 'no unit'} "
                                        "or a quantity convertible to it",
                                        f"Write e.g. {example} ({exc})."))
        else:
            values[name] = given
    try:
        params = params_model(**values)
    except ValidationError as exc:
        problems += pydantic_problems(prefix, model, params_model, table, exc)
        return None
    return params if len(problems) == found else None


def read_toml(text: str, source: str) -> dict[str, Any]:
    """The TOML text as a dict; a ``ScenarioError`` naming the syntax error if it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("(file)", source, "must be valid TOML",
                                     f"fix the syntax: {exc}")], source) from None


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    """Parse and validate a scenario's TOML text; raise ``ScenarioError`` listing every problem."""
    data = read_toml(text, source)
    problems: list[Problem] = []
    meta = data.pop("scenario", {})
    unknown = [k for k in data if k not in registry.STAGES]
    for k in unknown:
        close = difflib.get_close_matches(k, registry.STAGES, n=1)
        problems.append(Problem(k, "(table)", f"is not a stage; stages are {', '.join(registry.STAGES)}",
                                f"did you mean [{close[0]}]?" if close else "remove the table"))
    configs: dict[str, StageConfig] = {}
    uncertain: dict[str, Distribution] = {}
    for stage in registry.STAGES:
        table = dict(data.get(stage, {}))
        model = table.pop("model", registry.default_model(stage))
        try:
            entry = registry.get(stage, model)
        except KeyError:
            known = registry.models(stage)
            problems.append(Problem(f"{stage}.model", model, f"must be one of {', '.join(known)}",
                                    f"set model = \"{known[0]}\" or register a new model"))
            continue
        params = parse_parameter_table(stage, model, entry.params, parameter_defaults(stage, model),
                                       table, problems, uncertain)
        if params is not None:
            configs[stage] = StageConfig(model, params)
    if not problems:
        problems += cross_stage_problems(configs)
    correlations = _correlations(meta.get("correlations", []), uncertain, problems)
    if problems:
        raise ScenarioError(problems, source)
    return Scenario(name=str(meta.get("name", Path(source).stem)),
                    description=str(meta.get("description", "")), text=text,
                    stages=MappingProxyType(configs), uncertain=MappingProxyType(uncertain),
                    correlations=correlations)


def correlation_matrix(names: list[str], correlations) -> Any:
    """Copula correlation matrix over ``names`` from ``(a, b, r)`` pairs (identity elsewhere)."""
    import numpy as np

    matrix = np.eye(len(names))
    for a, b, r in correlations:
        matrix[names.index(a), names.index(b)] = matrix[names.index(b), names.index(a)] = r
    return matrix


def _correlations(given: Any, uncertain: Mapping[str, Distribution],
                  problems: list[Problem]) -> tuple[tuple[str, str, float], ...]:
    """``scenario.correlations = [{ between = ["a.x", "b.y"], r = 0.5 }, ...]``, validated.

    ``r`` is the correlation of the Gaussian copula's normal scores; the whole matrix must be
    positive definite.
    """
    import numpy as np

    path = "scenario.correlations"
    example = ('correlations = [{ between = ["economics.price_multiplier", '
               '"economics.discount_rate"], r = 0.3 }]')
    if not isinstance(given, list):
        problems.append(Problem(path, given, "must be a list of tables", f"write {example}"))
        return ()
    out: list[tuple[str, str, float]] = []
    for i, item in enumerate(given):
        where = f"{path}[{i}]"
        pair = item.get("between") if isinstance(item, Mapping) else None
        r = item.get("r") if isinstance(item, Mapping) else None
        if (not isinstance(pair, list) or len(pair) != 2 or pair[0] == pair[1]
                or not isinstance(r, int | float)):
            problems.append(Problem(where, item, "needs between = [two different parameters] "
                                    "and a number r", f"write {example}"))
            continue
        unknown = [p for p in pair if p not in uncertain]
        if unknown:
            problems.append(Problem(where, ", ".join(unknown), "must name parameters written as "
                                    "distributions", "uncertain parameters: "
                                    + (", ".join(uncertain) or "none")))
            continue
        if not -1.0 < float(r) < 1.0:
            problems.append(Problem(f"{where}.r", r, "must be strictly between -1 and 1",
                                    "use e.g. 0.99 for near-perfect correlation"))
            continue
        out.append((pair[0], pair[1], float(r)))
    if out and len(problems) == 0:
        if np.linalg.eigvalsh(correlation_matrix(list(uncertain), out)).min() <= 0:
            problems.append(Problem(path, [list(c) for c in out], "the correlations must form a "
                                    "positive-definite matrix", "loosen the correlations that "
                                    "contradict each other"))
    return tuple(out)


def cross_stage_rules(params: Mapping[str, Any]) -> list[tuple]:
    """Rules that involve more than one stage, on one scenario's or on the draws' parameters.

    ``params`` maps stage -> its parameters (a model, or a ``records.Draws`` on the draw axis).
    Each rule is ``(path, given, violated, allowed(), fix)``; ``violated`` is a bool, or a bool
    array over draws.
    """
    dep, col, lift = (params[s] for s in ("deposit", "collector", "lifting"))
    top, bottom, _ = stages.grade_profiles()[dep.grade_profile]
    return [
        ("collector.mining_bottom_mbsf", col.mining_bottom_mbsf,
         (col.mining_top_mbsf < top.min()) | (col.mining_bottom_mbsf > bottom.max()),
         lambda: f"the mined interval must lie inside the grade profile ({top.min()}-"
                 f"{bottom.max()} mbsf)",
         "mine a shallower interval or choose a deeper grade profile"),
        ("lifting.solids_volume_fraction", lift.solids_volume_fraction,
         lift.solids_volume_fraction >= 1.0 - dep.porosity,
         lambda: f"must be below the in-situ solids fraction 1 - porosity = {1 - dep.porosity:g}",
         "the lift dilutes the mud; lower solids_volume_fraction"),
    ]


def cross_stage_problems(configs: Mapping[str, StageConfig]) -> list[Problem]:
    """Checks that involve more than one stage (each says how to fix it)."""
    rules = cross_stage_rules({k: c.params for k, c in configs.items()})
    return [Problem(path, given, allowed(), fix)
            for path, given, violated, allowed, fix in rules if violated]


# ---------------------------------------------------------------------------------------------
# bundled scenarios


def scenarios_dir() -> Path:
    """Folder of the bundled scenarios."""
    return data_path("scenarios")


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario names and their files."""
    return {p.stem: p for p in sorted(scenarios_dir().glob("*.toml"))}


def read_scenario_text(name_or_path: str) -> tuple[str, str]:
    """Text and source label of a bundled scenario name or a scenario file path."""
    bundled = bundled_scenarios()
    if name_or_path in bundled:
        return bundled[name_or_path].read_text(encoding="utf-8"), name_or_path
    path = Path(name_or_path)
    if not path.is_file():
        raise ScenarioError([Problem("(scenario)", name_or_path,
                                     f"must be a bundled scenario ({', '.join(bundled)}) or a file",
                                     "check the name with `reemud scenarios list` or the path")],
                            name_or_path)
    return path.read_text(encoding="utf-8"), str(path)


def load_scenario(name_or_path: str = DEFAULT_SCENARIO) -> Scenario:
    """Load and validate a bundled scenario by name, or a scenario file by path."""
    text, source = read_scenario_text(name_or_path)
    return parse_scenario(text, source)


def as_campaign(scenario: Scenario) -> Scenario:
    """The scenario with its collector run as the SimPy ``campaign`` model.

    Parameters the scenario's collector model shares with ``campaign`` keep their values; the
    others take the campaign model's defaults (``data/parameters.csv``).
    """
    import dataclasses

    current = scenario.stages["collector"]
    if current.model == "campaign":
        return scenario
    entry = registry.get("collector", "campaign")
    shared = {name: getattr(current.params, name) for name in entry.params.model_fields
              if name in type(current.params).model_fields}
    params = entry.params(**{**parameter_defaults("collector", "campaign"), **shared})
    stages_ = MappingProxyType({**scenario.stages, "collector": StageConfig("campaign", params)})
    return dataclasses.replace(scenario, stages=stages_)
