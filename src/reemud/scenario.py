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

Whatever a file holds, loading it either returns a ``Scenario`` or raises ``ScenarioError``
naming each problem's place, the value given and the fix; nothing else escapes. Before anything
recursive sees the text, ``read_toml`` refuses nesting deeper than ``MAX_DEPTH`` levels, a text
longer than ``MAX_TEXT_CHARS`` and integers outside TOML's 64-bit range (naming the field even
for an integer too long for Python to convert); quantity strings are read by the bounded grammar
of ``reemud.units``; every value must have the type its place needs (a table per stage, a
string per model and kind, numbers for a distribution's keys, finite numbers for a numeric
parameter). ``docs/scenario.md`` lists what is refused and why.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from reemud import distributions, registry, stages, units  # noqa: F401  (stages registers the models)
from reemud.datafiles import data_path, read_table
from reemud.errors import Problem, ScenarioError, Shown, integer_digits, toml_type
from reemud.units import UnitError, convert, unit_registry  # noqa: F401  (unit_registry: re-exported)

DEFAULT_SCENARIO = "minamitorishima-2027"

MAX_DEPTH = 8
"""Deepest nesting of tables and arrays a scenario file may hold (a scenario needs 4)."""

MAX_TEXT_CHARS = 10_000_000
"""Longest scenario text read [characters] (a bundled scenario has ~3,000)."""

TOML_INTEGERS = (-(2**63), 2**63 - 1)
"""The range of a TOML integer (64-bit, TOML 1.0 §Integer)."""

UNSUPPORTED_KEYS = ("include", "includes", "extends", "extend", "import", "imports", "inherit",
                    "inherits", "base", "template")
"""Top-level keys that would read another file: a scenario file stands alone."""

SCENARIO_KEYS = ("name", "description", "correlations")
"""The keys of the ``[scenario]`` table."""


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


def furthest_from_defaults(scenario: Scenario, factor: float = 1e3,
                           most: int = 3) -> list[tuple[str, float, float]]:
    """The numeric parameters furthest from their defaults, by ratio: ``(path, value, default)``.

    At most ``most`` of them, each at least ``factor`` times (or ``1/factor`` of) its default in
    ``data/parameters.csv`` or of the opposite sign, furthest first: the likely culprits when the
    chain cannot compute a scenario. Values are canonical units.
    """
    found = []
    for stage, config in scenario.stages.items():
        for name, text in parameter_defaults(stage, config.model).items():
            if not _is_numeric(type(config.params), name):
                continue
            try:
                default = float(text)
            except ValueError:
                continue
            value = float(getattr(config.params, name))
            if value == default or (math.isnan(value) and math.isnan(default)):  # NaN: not set
                continue
            ratio = (math.inf if value * default <= 0 or not math.isfinite(value)
                     else abs(math.log10(value / default)))
            if ratio >= math.log10(factor):
                found.append((ratio, f"{stage}.{name}", value, default))
    found.sort(key=lambda f: -f[0])
    return [(path, value, default) for _, path, value, default in found[:most]]


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
    """A distribution table at ``path`` in ``unit``; ``None`` (problems appended) if invalid.

    Every problem of the table is appended at once: an unknown kind, unknown or missing keys, a
    unit that does not convert, keys that are not numbers, then the kind's own checks.
    """
    try:
        kind = distributions.get(spec.get("dist"))
    except ValueError:
        given = spec.get("dist")
        why = ("; the table has none" if "dist" not in spec else "" if isinstance(given, str)
               else f", as a string, not {toml_type(given)}")
        problems.append(Problem(path, dict(spec),
                                f"`dist` must be one of {', '.join(distributions.KINDS)}{why}",
                                "write e.g. { dist = \"triangular\", low = 1, mode = 2, high = 3 }"))
        return None
    found = len(problems)
    keys = kind.keys()
    for key in spec:
        if key not in keys:
            close = difflib.get_close_matches(str(key), keys, n=1)
            problems.append(Problem(path, dict(spec), f"`{key[:40]}` is not a key of a {kind.name} "
                                    f"distribution; its keys are {', '.join(keys)}",
                                    f"did you mean `{close[0]}`?" if close else "remove it"))
    missing = kind.missing(spec)
    if missing:
        problems.append(Problem(path, dict(spec), f"a {kind.name} distribution needs {', '.join(missing)}",
                                f"add {', '.join(missing)} to the table"))
    scale = 1.0
    if "unit" in spec:
        try:
            scale = units.unit_scale(spec["unit"], unit)
        except UnitError as exc:
            problems.append(Problem(path, spec["unit"], exc.allowed, exc.fix))
    params, wrong = {}, []
    for key, val in spec.items():
        if key in keys and key not in ("dist", "unit"):
            try:
                params[key] = kind.convert(key, val, scale)
            except (TypeError, ValueError) as exc:
                wrong.append(f"`{key}` {exc}")
    if wrong:
        problems.append(Problem(path, dict(spec), "distribution parameters must be plain numbers "
                                f"(values and weights: lists of numbers): {'; '.join(wrong)}",
                                "give the numbers in the parameter's unit "
                                f"({unit or 'no unit'}), or add unit = \"...\" to the table"))
    if len(problems) > found:
        return None
    checks = kind.problems(path, dict(spec), params)
    if checks:
        problems += checks
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


def _unlimited(default: Any, given: float) -> bool:
    """Whether ``given`` is +inf for a parameter whose default is itself unlimited (+inf)."""
    try:
        return given == math.inf and float(default) == math.inf
    except (TypeError, ValueError):
        return False


def number_problem(path: str, name: str, given: Any, unit: str,
                   default: Any) -> Problem | None:
    """The problem of a plain value given for a numeric parameter, ``None`` if it is usable.

    A boolean is not a number; nan never is, and ±inf only where the parameter's default is
    itself unlimited (the market's acceptance limits).
    """
    example = f"{name} = {default}" if default is not None else f'{name} = "1 {unit}"'
    if isinstance(given, bool):
        return Problem(path, given, f"must be a number in {unit or 'no unit'}, not a boolean",
                       f"write a number, e.g. {example}")
    if isinstance(given, float) and not math.isfinite(given) and not _unlimited(default, given):
        return Problem(path, given, "must be a finite number (inf and nan are not numbers a model "
                       "can use)", f"write a number, e.g. {example}")
    return None


def parse_parameter_table(prefix: str, model: str, params_model, defaults: Mapping[str, Any],
                          table: Mapping[str, Any], problems: list[Problem],
                          uncertain: dict[str, Distribution]):
    """Validate one TOML table of parameters against ``params_model``; ``None`` if it has problems.

    Values not given take ``defaults``; each value may be a number in the canonical unit, a
    quantity string with a unit (converted with ``reemud.units``) or a distribution table (its
    nominal value is used and the distribution is recorded in ``uncertain`` under
    ``"prefix.name"``). A numeric parameter refuses booleans and non-finite numbers; only numeric
    parameters may be distributions. Every problem found is appended to ``problems``, named by
    its path.
    """
    values: dict[str, Any] = dict(defaults)
    found = len(problems)
    refused: set[str] = set()  # paths already reported: pydantic need not report them again
    for name, given in table.items():
        before = len(problems)
        path = f"{prefix}.{name}"
        unit = field_unit(params_model, name)
        if unit is None:
            values[name] = given  # pydantic reports the unknown key with suggestions
            continue
        numeric = _is_numeric(params_model, name)
        if isinstance(given, Mapping) and not numeric:
            problems.append(Problem(path, dict(given), f"{name} is not a number, so it cannot be "
                                    "a distribution", "give one value"
                                    + (f", e.g. {name} = {defaults[name]!r}" if name in defaults
                                       else "")))
        elif isinstance(given, Mapping):
            dist = parse_distribution(path, given, unit, problems)
            if dist is not None and support_problems(path, dist, params_model, name, values,
                                                     problems):
                dist = None
            if dist is not None:
                uncertain[path] = dist
                values[name] = dist.nominal
        elif isinstance(given, str) and numeric:
            try:
                values[name] = convert(given, unit)
            except UnitError as exc:
                problems.append(Problem(path, given, exc.allowed, exc.fix))
        elif numeric and (bad := number_problem(path, name, given, unit, defaults.get(name))):
            problems.append(bad)
        else:
            values[name] = given
        if len(problems) > before:
            refused.add(path)
    try:
        params = params_model(**values)
    except ValidationError as exc:
        problems += [p for p in pydantic_problems(prefix, model, params_model, table, exc)
                     if p.path not in refused]
        return None
    return params if len(problems) == found else None


_STRING_OR_COMMENT = re.compile(r"\"\"\"|'''|[\"'#]")
_STRING_OR_COMMENT_END = {
    '"': re.compile(r'(?:[^"\\\n]|\\.)*(?:"|(?=\n)|\Z)'),
    "'": re.compile(r"[^'\n]*(?:'|(?=\n)|\Z)"),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*(?:""""{0,2}|\Z)', re.DOTALL),
    "'''": re.compile(r"(?:[^']|'(?!''))*(?:''''{0,2}|\Z)", re.DOTALL),
    "#": re.compile(r"[^\n]*"),
}
_BRACKET = re.compile(r"[\[\]{}]")
_LONG_INTEGER = re.compile(r"(?<![\w.])\d[\d_]{99,}(?![\w.]|\s*=)")
_MARKER_BASE = 10**40  # stands for a too-long integer literal; itself out of TOML's range


def _code_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the parts of a TOML text outside strings and comments.

    A lexical scan without recursion, so that it can run before the (recursive) TOML parser.
    """
    spans, i = [], 0
    while (match := _STRING_OR_COMMENT.search(text, i)) is not None:
        spans.append((i, match.start()))
        i = _STRING_OR_COMMENT_END[match.group()].match(text, match.end()).end()
    spans.append((i, len(text)))
    return spans


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _too_deep(text: str, spans: list[tuple[int, int]]) -> int | None:
    """Position of the first bracket opening a level deeper than ``MAX_DEPTH``, else ``None``."""
    depth = 0
    for start, end in spans:
        for match in _BRACKET.finditer(text, start, end):
            if match.group() in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return match.start()
            else:
                depth = max(depth - 1, 0)
    return None


def _shorten_long_integers(text: str, spans: list[tuple[int, int]]) -> tuple[str, dict[int, int]]:
    """The text with each integer literal of 100 digits or more replaced by a marker integer.

    Python refuses to convert integers of more than 4,300 digits (and the parser would stop at
    the first, naming no field); a marker parses, and ``_value_problems`` then names its field
    and its length. Returns the text and ``marker -> number of digits``.
    """
    if not re.search(r"\d{100}", text):
        return text, {}
    markers: dict[int, int] = {}

    def marker(match: re.Match) -> str:
        value = _MARKER_BASE + len(markers)
        markers[value] = sum(c.isdigit() for c in match.group())
        return str(value)

    parts, previous = [], 0
    for start, end in spans:
        parts.append(text[previous:start])
        parts.append(_LONG_INTEGER.sub(marker, text[start:end]))
        previous = end
    return "".join(parts), markers


def _value_problems(data: dict[str, Any], markers: Mapping[int, int]) -> list[Problem]:
    """Tables and arrays nested deeper than ``MAX_DEPTH``; integers outside TOML's range.

    Walks the parsed data without recursion, in the order of the file.
    """
    problems: list[Problem] = []
    low, high = TOML_INTEGERS
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                problems.append(Problem(path, Shown(f"<{toml_type(value)} nested {depth} levels "
                                                    "deep>"),
                                        f"tables and arrays may nest at most {MAX_DEPTH} levels "
                                        "deep", "flatten the value; a scenario needs 4 levels at "
                                        "most (a stage, a parameter, its distribution, a list)"))
                continue
            if isinstance(value, dict):
                children = [(f"{path}.{k}" if path else k, v) for k, v in value.items()]
            else:
                children = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
            stack.extend((p, v, depth + 1) for p, v in reversed(children))
        elif isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            digits = markers.get(abs(value)) or integer_digits(value)
            problems.append(Problem(path, Shown(f"<an integer of {digits} digits>") if digits > 30
                                    else value, "is outside the range of a TOML integer "
                                    "(-2**63 to 2**63 - 1, about ±9.2e18)", "write a float such "
                                    "as 1e20 if you mean a large number, or check the digits"))
    return problems


def read_toml(text: str, source: str) -> dict[str, Any]:
    """The TOML text as a dict; a ``ScenarioError`` naming each problem if it cannot be read.

    Refused: a text that is not a ``str`` or not encodable as UTF-8 (lone surrogates), longer
    than ``MAX_TEXT_CHARS``, nested deeper than ``MAX_DEPTH`` (checked lexically before parsing,
    so the parser cannot overflow the stack), not valid TOML, or holding integers outside TOML's
    64-bit range.
    """
    def fail(path: str, given: object, allowed: str, fix: str):
        raise ScenarioError([Problem(path, given, allowed, fix)], source)

    if not isinstance(text, str):
        fail("(file)", toml_type(text), "must be text (a str)", "decode the file as UTF-8 first")
    if len(text) > MAX_TEXT_CHARS:
        fail("(file)", f"{len(text)} characters", f"must be at most {MAX_TEXT_CHARS:,} characters",
             "a scenario needs a few thousand; give long samples in a data file instead")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        fail("(file)", f"character {exc.start} (line {_line(text, exc.start)})",
             "must be Unicode text that UTF-8 can encode (no lone surrogates)",
             "save the file as UTF-8")
    spans = _code_spans(text)
    deep = _too_deep(text, spans)
    if deep is not None:
        excerpt = text[text.rfind("\n", 0, deep) + 1:].split("\n", 1)[0]
        fail("(file)", f"line {_line(text, deep)}: {excerpt[:60]}", "arrays and inline tables may "
             f"nest at most {MAX_DEPTH} levels deep", "flatten the value; a scenario needs 4 "
             "levels at most")
    parsed, markers = _shorten_long_integers(text, spans)
    try:
        data = tomllib.loads(parsed)
    except tomllib.TOMLDecodeError as exc:
        fail("(file)", source, "must be valid TOML", f"fix the syntax: {exc}")
    except (ValueError, RecursionError) as exc:  # backstops: the checks above should catch these
        fail("(file)", source, "must be valid TOML that Python can read", f"fix the file ({exc})")
    problems = _value_problems(data, markers)
    if problems:
        raise ScenarioError(problems, source)
    return data


def _top_level_problem(key: str, value: Any) -> Problem:
    """The problem of a top-level key that is neither a stage nor ``[scenario]``."""
    if key.lower() in UNSUPPORTED_KEYS:
        return Problem(key, value, "is not supported: a scenario file stands alone and cannot "
                       "include, extend or import another file",
                       "copy the tables you need into this file (`reemud scenarios show NAME` "
                       "prints a bundled one)")
    close = difflib.get_close_matches(key, registry.STAGES, n=1)
    if isinstance(value, dict):
        return Problem(key, "(table)", f"is not a stage; stages are {', '.join(registry.STAGES)}",
                       f"did you mean [{close[0]}]?" if close else "remove the table")
    return Problem(key, value, "is not a stage or [scenario]; a scenario file holds only tables "
                   f"([scenario], {', '.join(registry.STAGES)})",
                   f"did you mean [{close[0]}]?" if close else "remove it")


def _table(path: str, given: Any, example: str, problems: list[Problem]) -> dict[str, Any] | None:
    """``given`` if it is a table, else ``None`` with a problem naming what it is."""
    if isinstance(given, dict):
        return given
    what = ("an array of tables ([[" + path + "]])" if isinstance(given, list)
            and given and all(isinstance(g, dict) for g in given) else toml_type(given))
    problems.append(Problem(path, "(array of tables)" if what.startswith("an array of tables")
                            else given, f"must be a table, not {what}",
                            f"write it once as [{path}] followed by its keys, e.g. {example}"))
    return None


def _scenario_meta(given: Any, problems: list[Problem]) -> dict[str, Any]:
    """The ``[scenario]`` table, its keys checked: ``name`` and ``description`` strings."""
    meta = _table("scenario", given, 'name = "my-case"', problems)
    if meta is None:
        return {}
    out = dict(meta)
    for key, value in meta.items():
        if key not in SCENARIO_KEYS:
            close = difflib.get_close_matches(key, SCENARIO_KEYS, n=1)
            problems.append(Problem(f"scenario.{key}", value, "is not a key of [scenario]; its "
                                    f"keys are {', '.join(SCENARIO_KEYS)}",
                                    f"did you mean `{close[0]}`?" if close else "remove it"))
        elif key in ("name", "description") and not isinstance(value, str):
            problems.append(Problem(f"scenario.{key}", value, f"must be a string, not "
                                    f"{toml_type(value)}", f'write {key} = "..."'))
            out.pop(key)
    return out


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    """Parse and validate a scenario's TOML text; raise ``ScenarioError`` listing every problem."""
    data = read_toml(text, source)
    problems: list[Problem] = []
    meta = _scenario_meta(data.pop("scenario", {}), problems)
    for key, value in data.items():
        if key not in registry.STAGES:
            problems.append(_top_level_problem(key, value))
    configs: dict[str, StageConfig] = {}
    uncertain: dict[str, Distribution] = {}
    for stage in registry.STAGES:
        table = _table(stage, data.get(stage, {}),
                       f'model = "{registry.default_model(stage)}"', problems)
        if table is None:
            continue
        table = dict(table)
        model = table.pop("model", registry.default_model(stage))
        known = registry.models(stage)
        if not isinstance(model, str) or model not in known:
            kind = "" if isinstance(model, str) else f", as a string, not {toml_type(model)}"
            problems.append(Problem(f"{stage}.model", model,
                                    f"must be one of {', '.join(known)}{kind}",
                                    f"set model = \"{known[0]}\" or register a new model"))
            continue
        entry = registry.get(stage, model)
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
        extra = sorted(set(item) - {"between", "r"}) if isinstance(item, Mapping) else []
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(p, str) for p in pair) or pair[0] == pair[1]
                or isinstance(r, bool) or not isinstance(r, int | float) or extra):
            problems.append(Problem(where, item, "needs between = [two different parameter names, "
                                    "as strings] and a number r, and no other keys",
                                    f"write {example}"))
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


def read_scenario_text(name_or_path: str | os.PathLike) -> tuple[str, str]:
    """Text and source label of a bundled scenario name or a scenario file path.

    ``ScenarioError`` if the path is missing, a directory or not a regular file (a pipe or a
    device could block or never end), cannot be read, is larger than ``MAX_TEXT_CHARS`` bytes,
    or is not UTF-8 (naming the offset of the first bad byte). A UTF-8 byte-order mark is
    dropped.
    """
    bundled = bundled_scenarios()
    name = os.fspath(name_or_path) if isinstance(name_or_path, str | os.PathLike) else name_or_path
    if isinstance(name, str) and name in bundled:
        return bundled[name].read_text(encoding="utf-8"), name

    def fail(allowed: str, fix: str, path: str = "(scenario)", given: object = name):
        raise ScenarioError([Problem(path, given, allowed, fix)], str(name))

    missing = (f"must be a bundled scenario ({', '.join(bundled)}) or a file",
               "check the name with `reemud scenarios list` or the path")
    if not isinstance(name, str):
        fail(*missing)
    path = Path(name)
    try:
        info = path.stat()
        kind = ("directory" if stat.S_ISDIR(info.st_mode)
                else "file" if stat.S_ISREG(info.st_mode) else "other")
        raw = (path.read_bytes() if kind == "file" and info.st_size <= MAX_TEXT_CHARS
               else None)
    except (FileNotFoundError, NotADirectoryError):
        fail(*missing)
    except PermissionError:
        fail("cannot be read: permission denied", "check the file's permissions")
    except (OSError, ValueError) as exc:  # a name too long, a NUL in the path, an I/O error
        fail(f"cannot be read ({getattr(exc, 'strerror', None) or exc})", "check the path")
    if kind == "directory":
        fail("is a directory, not a scenario file", "give the path of a .toml file in it")
    if kind == "other":
        fail("is not a regular file (a pipe, socket or device)", "save the scenario to a "
             ".toml file and give its path")
    if raw is None:
        fail(f"must be at most {MAX_TEXT_CHARS:,} bytes (it has {info.st_size:,})",
             "a scenario needs a few thousand bytes; check that this is a scenario file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        hint = (" (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "")
        fail("must be UTF-8 text", f"the byte at offset {exc.start} (line {line}) is not UTF-8"
             f"{hint}: save the file as UTF-8", path="(file)",
             given=f"byte {exc.start}: {raw[exc.start:exc.start + 1]!r}")
    return text.removeprefix("\ufeff"), str(path)


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
