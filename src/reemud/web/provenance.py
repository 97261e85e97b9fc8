"""Where every number of a run comes from: parameters and KPIs.

A parameter's value is either written in the scenario (then the line's own comment, ``# source:``,
``# assumed:`` or ``# calibration:``, says where it comes from) or taken from
``data/parameters.csv`` (whose ``source`` or ``assumed`` column says). A KPI is computed by one
stage's model (``data/variables.csv`` names the stage); its provenance names that model, the page
of ``docs/models`` that derives it, and every input of that stage the run took as ``assumed``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache

from reemud import registry
from reemud.datafiles import read_table
from reemud.nomenclature import describe, stage_of, unit_of
from reemud.scenario import Scenario

DOCS = {stage: f"docs/models/{stage}.md" for stage in registry.STAGES}
DOCS["market"] = "docs/models/supply-security.md"
"""The model page of each stage, in the project's ``docs/``."""

_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=")
_TAG = re.compile(r"\b(source|assumed|calibration)\s*:", re.IGNORECASE)

EDITED = "# set in the web editor"
"""The comment an edited line carries (its provenance: the user's own value)."""

_BOUNDS = (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"))


@cache
def _csv_rows() -> dict[tuple[str, str, str], dict[str, str]]:
    return {(r["stage"], r["model"], r["name"]): r for r in read_table("parameters.csv")}


def default_row(stage: str, model: str, name: str) -> dict[str, str] | None:
    """The ``data/parameters.csv`` row of a parameter (the model's own, else the stage's ``*``)."""
    rows = _csv_rows()
    return rows.get((stage, model, name)) or rows.get((stage, "*", name))


def scenario_lines(text: str) -> dict[str, tuple[int, str]]:
    """``"stage.name" -> (line number, comment)`` of every key written in a scenario text.

    The comment is what follows ``#`` on the line (``""`` if none); a value spread over several
    lines is found by its first.
    """
    out, table = {}, ""
    for number, line in enumerate(text.splitlines(), 1):
        if m := _TABLE.match(line):
            table = m.group(1).strip()
        elif (m := _KEY.match(line)) and table:
            out[f"{table}.{m.group(1)}"] = (number, _comment(line))
    return out


def _comment(line: str) -> str:
    """What follows the ``#`` of a line's comment (a ``#`` inside a quoted string is no comment)."""
    quote, i = None, 0
    while i < len(line):
        c = line[i]
        if quote == '"' and c == "\\":
            i += 2  # an escaped character of a basic string
            continue
        if quote and c == quote:
            quote = None
        elif not quote and c in "\"'":
            quote = c
        elif not quote and c == "#":
            return line[i + 1:].strip()
        i += 1
    return ""


def bounds(info) -> str:
    """The allowed range of a pydantic field, as text (``"> 0, ≤ 11000"``; ``""`` if none)."""
    parts = []
    for meta in info.metadata:
        for attr, sign in _BOUNDS:
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{sign} {value:g}" if isinstance(value, float) else f"{sign} {value}")
    return ", ".join(parts)


def status_of(comment: str) -> tuple[str, str]:
    """``(status, comment)`` of a scenario line: assumed, calibration, sourced or not stated.

    A comment tagged ``assumed:`` anywhere is assumed, even beside a ``source:`` (the weaker
    claim wins); then ``calibration:``, then ``source:``.
    """
    tags = {m.group(1).lower() for m in _TAG.finditer(comment)}
    for tag, status in (("assumed", "assumed"), ("calibration", "calibration"),
                        ("source", "sourced")):
        if tag in tags:
            return status, comment
    return ("set in the web editor" if comment == EDITED.lstrip("# ") else "not stated"), comment


def parameter(scenario_text: str, stage: str, model: str, name: str,
              lines: Mapping[str, tuple[int, str]] | None = None,
              data: Mapping | None = None) -> dict:
    """The provenance of one parameter of a scenario: where its value comes from and why.

    ``status`` is ``sourced``, ``assumed``, ``calibration``, ``set in the web editor`` or ``not
    stated`` (a scenario line without a tag, unless it writes the default's own value: then the
    default's provenance holds); ``origin`` says whether the scenario or the defaults give the
    value. ``lines`` and ``data`` (the parsed text) save reading the text again.
    """
    info = registry.get(stage, model).params.model_fields[name]
    row = default_row(stage, model, name)
    default = None if row is None else {"value": row["value"], "unit": row["unit"],
                                        "source": row["source"], "assumed": row["assumed"]}
    lines = scenario_lines(scenario_text) if lines is None else lines
    path = f"{stage}.{name}"
    out = {"path": path, "unit": (info.json_schema_extra or {}).get("unit", ""),
           "description": info.description or "", "bounds": bounds(info), "default": default}
    data = tomllib.loads(scenario_text) if data is None else data
    if path in lines:
        number, comment = lines[path]
        status, text = status_of(comment)
        same = row is not None and display_value(data.get(stage, {}).get(name)) == row["value"]
        if status != "not stated" or not same:
            return out | {"origin": f"scenario line {number}", "status": status, "text": text}
    if row is None:
        return out | {"origin": "no default", "status": "not stated",
                      "text": "the scenario must give it"}
    if row["assumed"]:
        return out | {"origin": "data/parameters.csv", "status": "assumed",
                      "text": row["assumed"]}
    return out | {"origin": "data/parameters.csv", "status": "sourced", "text": row["source"]}


def parameters(scenario: Scenario) -> dict[str, dict]:
    """The provenance of every parameter of a scenario, by ``"stage.name"``."""
    lines, data = scenario_lines(scenario.text), tomllib.loads(scenario.text)
    return {f"{stage}.{name}": parameter(scenario.text, stage, config.model, name, lines, data)
            for stage, config in scenario.stages.items()
            for name in type(config.params).model_fields}


def kpi(name: str, scenario: Scenario | None, undefined: Mapping[str, str] | None = None,
        params: Mapping[str, dict] | None = None) -> dict:
    """The provenance of a KPI: its meaning, unit, the model that computes it and its assumed inputs.

    ``params`` is ``parameters(scenario)`` when already computed. A market disruption run has
    no chain scenario: then only the meaning, unit and stage are given.
    """
    stage = stage_of(name)
    out = {"name": name, "unit": unit_of(name), "description": describe(name), "stage": stage,
           "docs": DOCS.get(stage, "docs/"), "undefined": (undefined or {}).get(name)}
    if scenario is None or stage not in scenario.stages:
        return out | {"model": None, "assumed_inputs": []}
    params = parameters(scenario) if params is None else params
    model = scenario.stages[stage].model
    assumed = sorted(p for p, v in params.items() if p.startswith(stage + ".")
                     and v["status"] == "assumed")
    entry = registry.get(stage, model)
    return out | {"model": model, "model_summary": entry.summary, "assumed_inputs": assumed}


def display_value(value: object) -> str:
    """A scenario value as the editor shows it: strings bare, tables as TOML inline tables."""
    if isinstance(value, str):
        return value
    return toml_value(value)


def toml_value(value: object) -> str:
    """A TOML value's text on one line (numbers, strings, booleans, arrays, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) else _float(value)
    if isinstance(value, str):
        return '"' + "".join(_char(c) for c in value) + '"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML text for {type(value).__name__}")


def _char(c: str) -> str:
    """One character inside a TOML basic string: quotes, backslashes and controls escaped."""
    if c in '"\\':
        return "\\" + c
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return f"\\u{ord(c):04x}"
    return c


def _float(value: float) -> str:
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def parse_value(text: str) -> object:
    """What an editor field holds: a TOML value if it reads as one, else the text as a string.

    Only values a scenario can hold count as TOML here (numbers, strings, booleans, arrays and
    tables of them): a date, an integer too long for Python, or nesting too deep to read is
    taken as the text itself, for the scenario's validation to refuse with its own message.
    """
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return text
    return value if _plain(value) else text


def _plain(value: object, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, Mapping):
        return all(_plain(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    return False
