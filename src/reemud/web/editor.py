"""The scenario editor: its fields from the stage models' pydantic schemas, and edits to TOML.

Every field of every stage's model becomes one editor field with its unit, allowed range,
meaning, current value and provenance. An edit is applied to the scenario *text*, line by line
(``apply_edits``): the edited key's line is replaced, or a new line is added to its table, each
marked ``# set in the web editor``; every other line, with its ``# source:`` or ``# assumed:``
comment, stays as it was. The new text is then validated by ``parse_scenario``, exactly as the
CLI validates a file, so the editor shows the CLI's own messages.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from reemud import registry
from reemud.errors import Problem, ScenarioError
from reemud.scenario import Scenario, parameter_defaults
from reemud.web.provenance import (
    EDITED,
    display_value,
    parameter,
    parse_value,
    scenario_lines,
    toml_value,
)

_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")

MAX_EDITS = 500
"""Most fields one submission may change (a scenario has about 200)."""


@dataclass(frozen=True)
class Field:
    """One field of the editor."""

    path: str
    stage: str
    name: str
    value: str
    unit: str
    bounds: str
    description: str
    provenance: Mapping[str, object]


def fields(scenario: Scenario) -> dict[str, list[Field]]:
    """The editor's fields of a scenario, by stage in chain order (models as the scenario has them).

    A field's value is the scenario's own text for it if the scenario writes it (a distribution
    as an inline table), else the default of ``data/parameters.csv``.
    """
    data = tomllib.loads(scenario.text)
    lines = scenario_lines(scenario.text)
    out: dict[str, list[Field]] = {}
    for stage, config in scenario.stages.items():
        defaults = parameter_defaults(stage, config.model)
        written = data.get(stage, {})
        rows = []
        for name in registry.get(stage, config.model).params.model_fields:
            prov = parameter(scenario.text, stage, config.model, name, lines, data)
            value = (display_value(written[name]) if name in written
                     else defaults.get(name, ""))
            rows.append(Field(f"{stage}.{name}", stage, name, value, prov["unit"], prov["bounds"],
                              prov["description"], prov))
        out[stage] = rows
    return out


def _edit_problem(path: str, given: object, why: str) -> Problem:
    return Problem(path, given, why, "give a single-line value: a number, a quantity such as "
                   "\"5.6 km\", a name, or a distribution such as { dist = \"uniform\", low = 1, "
                   "high = 2 }")


def apply_edits(text: str, edits: Mapping[str, str], source: str = "web editor") -> str:
    """The scenario text with each ``"stage.name" -> value text`` edit applied (see the module).

    A value text is read as a TOML value if it is one (``105``, ``"5.6 km"``, an inline table),
    else taken as a string (``5.6 km``, ``HCl``). ``ScenarioError`` names every edit that cannot
    be applied: an unknown stage, a key that is not a ``stage.name`` path, a value over several
    lines, more than ``MAX_EDITS`` edits. What the new text then holds is ``parse_scenario``'s to
    judge.
    """
    problems = []
    if len(edits) > MAX_EDITS:
        raise ScenarioError([Problem("(edits)", len(edits), f"at most {MAX_EDITS} fields may be "
                                     "changed at once", "change fewer fields, or edit the TOML")],
                            source)
    planned: dict[str, dict[str, str]] = {}
    for path, raw in edits.items():
        stage, _, name = str(path).partition(".")
        if stage not in registry.STAGES or not re.fullmatch(r"[A-Za-z_]\w*", name):
            problems.append(Problem(str(path), raw, f"must be a stage.parameter path (stages: "
                                    f"{', '.join(registry.STAGES)})", "pick the field in the "
                                    "editor"))
            continue
        if not isinstance(raw, str) or "\n" in raw or "\r" in raw:
            problems.append(_edit_problem(path, raw, "must be one line of text"))
            continue
        try:
            planned.setdefault(stage, {})[name] = toml_value(parse_value(raw.strip()))
        except (TypeError, ValueError, RecursionError):  # parse_value keeps to TOML's types
            problems.append(_edit_problem(path, raw, "must be a value a scenario can hold"))
    if problems:
        raise ScenarioError(problems, source)
    lines = text.splitlines()
    for stage, changes in planned.items():
        lines = _apply_stage(lines, stage, changes)
    new = "\n".join(lines) + "\n"
    _check_applied(new, planned, source)
    return new


def _apply_stage(lines: list[str], stage: str, changes: Mapping[str, str]) -> list[str]:
    """Lines with one table's keys replaced or added (the table added at the end if missing)."""
    start = next((i for i, line in enumerate(lines)
                  if (m := _TABLE.match(line)) and m.group(1).strip() == stage), None)
    if start is None:
        return [*lines, "", f"[{stage}]", *(f"{k} = {v}  {EDITED}" for k, v in changes.items())]
    end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
    out = list(lines)
    todo = dict(changes)
    for i in range(start + 1, end):
        m = re.match(r"^\s*([A-Za-z_][\w-]*)\s*=", out[i])
        if m and m.group(1) in todo:
            out[i] = f"{m.group(1)} = {todo.pop(m.group(1))}  {EDITED}"
    added = [f"{k} = {v}  {EDITED}" for k, v in todo.items()]
    return out[:start + 1] + added + out[start + 1:]


def _check_applied(text: str, planned: Mapping[str, Mapping[str, str]], source: str) -> None:
    """Refuse an edit the line-wise change did not carry into the text as asked."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        raise ScenarioError([Problem("(scenario)", str(exc), "the edited scenario must still be "
                                     "TOML", "edit the TOML text directly")], source) from None
    def carried(stage: str, key: str, value: str) -> bool:
        table = data.get(stage)
        return isinstance(table, dict) and key in table and toml_value(table[key]) == value

    wrong = [f"{stage}.{k}" for stage, changes in planned.items() for k, v in changes.items()
             if not carried(stage, k, v)]
    if wrong:
        raise ScenarioError([_edit_problem(p, None, "could not be set in this scenario's text "
                                           "(a value spread over several lines)")
                             for p in wrong], source)
