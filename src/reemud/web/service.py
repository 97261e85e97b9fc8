"""What the pages and the JSON API share: the catalogue, submissions and the views of results.

Scenarios are addressed by catalogue id only (a bundled scenario, an uncertain one, a market
preset): no name a user sends ever reaches the file system. A submission is validated exactly
as the CLI validates a file (``parse_scenario`` / ``parse_market_scenario`` by way of
``tasks.KINDS[kind].check``) before it is queued.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from sqlalchemy.engine import Engine

from reemud import store
from reemud.cli_common import json_safe
from reemud.errors import Problem, ScenarioError
from reemud.web import queue
from reemud.web.editor import apply_edits
from reemud.web.tasks import KINDS

INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Entry:
    """A scenario of the catalogue."""

    id: str
    kind: str  # the job it makes: run (chain) or market
    name: str
    description: str
    uncertain: bool
    text: str


@cache
def catalogue() -> dict[str, Entry]:
    """Every scenario the app offers, by id: bundled chain scenarios, uncertain ones, presets."""
    from reemud.scenario import bundled_scenarios, parse_scenario, scenarios_dir
    from reemud.security.scenario import parse_market_scenario, presets

    out: dict[str, Entry] = {}
    chain = {**bundled_scenarios(),
             **{p.stem: p for p in sorted((scenarios_dir() / "uncertain").glob("*.toml"))}}
    for sid, path in chain.items():
        text = path.read_text(encoding="utf-8")
        sc = parse_scenario(text, sid)
        out[sid] = Entry(sid, "run", sc.name, sc.description, bool(sc.uncertain), text)
    for sid, path in presets().items():
        text = path.read_text(encoding="utf-8")
        sc = parse_market_scenario(text, sid)
        if sid in out:
            raise RuntimeError(f"market preset {sid} has the name of a chain scenario")
        out[sid] = Entry(sid, "market", sc.name, sc.description, False, text)
    return out


def entry(sid: str) -> Entry | None:
    """The catalogue's scenario ``sid``, or ``None``."""
    return catalogue().get(sid)


def unknown_scenario(sid: object, kind: str = "run") -> ScenarioError:
    """The error of a scenario id that is not in the catalogue."""
    known = [e.id for e in catalogue().values() if e.kind == ("market" if kind == "market"
                                                               else "run")]
    return ScenarioError([Problem("scenario", sid, f"must be one of {', '.join(known)}",
                                  "pick a scenario from GET /api/scenarios")], "submission")


def scenario_text(kind: str, sid: str | None, text: str | None,
                  edits: Mapping[str, str] | None) -> tuple[str, str]:
    """``(name, text)`` of a submission: a catalogue scenario with edits, or a TOML text."""
    if text is not None:
        if sid is not None or edits:
            raise ScenarioError([Problem("text", "(text)", "give a scenario id (with edits, if "
                                         "any) or a text, not both", "leave out one of them, "
                                         "or write the edits into the text")], "submission")
        base, source = text, "web editor"
    else:
        found = entry(sid) if isinstance(sid, str) else None
        wanted = "market" if kind == "market" else "run"
        if found is None or found.kind != wanted:
            raise unknown_scenario(sid, kind)
        base, source = found.text, found.id
    if edits:
        if kind == "market":
            raise ScenarioError([Problem("edits", dict(edits), "a market preset is run as it is",
                                         "edit its TOML text instead")], "submission")
        base = apply_edits(base, edits, source)
    return source, base


FILE_PARAMETERS = ("environment.current_file", "environment.seabed_file")
"""Parameters that name a file on the machine that runs the model. A web submission may not set
them (they stay ``none``): no name a user sends reaches the server's file system."""


def _no_server_files(kind: str, text: str, name: str) -> None:
    import tomllib

    if kind == "market":
        return
    data = tomllib.loads(text)
    problems = []
    for path in FILE_PARAMETERS:
        stage, _, key = path.partition(".")
        given = data.get(stage, {}).get(key, "none") if isinstance(data.get(stage), dict) else "none"
        if given != "none":
            problems.append(Problem(path, given, "must be none in the web app: it would name a "
                                    "file on the server", "run scenarios with your own current or "
                                    "seabed grids with the CLI (reemud run FILE)"))
    if problems:
        raise ScenarioError(problems, name)


def validate(kind: str, sid: str | None, text: str | None, edits: Mapping[str, str] | None,
             options: Mapping[str, object]) -> tuple[str, str, dict]:
    """``(name, text, options)`` of a valid submission; ``ScenarioError`` lists every problem."""
    if kind not in KINDS:
        raise ScenarioError([Problem("kind", kind, f"must be one of {', '.join(KINDS)}",
                                     "choose the kind of job")], "submission")
    name, body = scenario_text(kind, sid, text, edits)
    options = KINDS[kind].check(body, name, options)
    _no_server_files(kind, body, name)
    return name, body, options


def submit(engine: Engine, *, kind: str, client: str, sid: str | None, text: str | None,
           edits: Mapping[str, str] | None, seed: int, options: Mapping[str, object]) -> int:
    """Validate and queue a job; its id."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= INT64_MAX:
        raise ScenarioError([Problem("seed", seed, f"must be a whole number from 0 to {INT64_MAX}",
                                     "give e.g. 0")], "submission")
    name, body, checked = validate(kind, sid, text, edits, options)
    return queue.submit(engine, kind=kind, client=client, scenario_name=name, scenario_text=body,
                        seed=seed, options=checked)


def problems_json(error: ScenarioError) -> list[dict]:
    """Every problem as the API reports it, ``line`` as ``reemud validate`` prints it."""
    return [{"path": p.path, "given": _jsonable(p.given), "allowed": p.allowed, "fix": p.fix,
             "line": p.line} for p in error.problems]


def _jsonable(value):
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return repr(value)


def run_record(engine: Engine, run_id: int) -> dict | None:
    """A stored run with its KPIs, the provenance of each, and the job and files that made it."""
    from reemud.scenario import parse_scenario
    from reemud.web import provenance

    record = store.get_run(engine, run_id)
    if record is None:
        return None
    scenario, params = None, None
    if not record["scenario"].startswith("market:"):
        try:
            scenario = parse_scenario(record["scenario_text"], record["scenario"])
            params = provenance.parameters(scenario)
        except ScenarioError:  # a run of an older reemud whose scenario no longer validates
            scenario = None
    kpi_prov = {}
    for name in record["kpis"]:
        try:
            kpi_prov[name] = provenance.kpi(name, scenario, record["undefined"], params)
        except KeyError:  # a KPI this version does not know
            kpi_prov[name] = {"name": name, "unit": "?", "description": "not a KPI of this "
                              "version", "stage": None, "model": None, "assumed_inputs": []}
    job = queue.job_of_run(engine, run_id)
    files = [] if job is None else queue.artifact_names(engine, job.id)
    return {**record, "provenance": kpi_prov, "parameters": params or {},
            "job": None if job is None else job.public(), "files": files}


def figures(engine: Engine, job_id: int | None) -> list[dict]:
    """The figures a job stored (``[{title, figure}]``; none for a run stored by the CLI)."""
    if job_id is None:
        return []
    found = queue.artifact(engine, job_id, "figures.json")
    return [] if found is None else json.loads(found[1])


def sweep_record(engine: Engine, sweep_id: int) -> dict | None:
    """A stored sweep with the summary and the job that made it."""
    info = store.get_sweep(engine, sweep_id)
    if info is None:
        return None
    job = queue.job_of_sweep(engine, sweep_id)
    summary = None
    if job is not None and (found := queue.artifact(engine, job.id, "summary.json")):
        summary = json.loads(found[1])
    done = len(store.done_chunks(engine, sweep_id))
    return {**{k: v for k, v in info.items() if k != "scenario_text"},
            "created_utc": info["created_utc"].isoformat() + "Z"
            if hasattr(info["created_utc"], "isoformat") else info["created_utc"],
            "chunks_done": done, "summary": summary,
            "job": None if job is None else job.public()}


def sweep_figures(engine: Engine, record: dict) -> tuple[list[dict], dict]:
    """Histograms and convergence of a sweep stored without a job, and its record with a summary.

    A sweep of ``reemud sweep`` has its draws but no job; these come from the draws.
    """
    from reemud.report import uncertainty_figures
    from reemud.sweep import sweep_results
    from reemud.uncertainty import MonteCarloResult, summarise
    from reemud.web.tasks import MC_KPI, figures_json

    inputs, outputs = sweep_results(engine, record["id"])
    mc = MonteCarloResult(record["scenario_name"], record["seed"], record["method"], inputs,
                          outputs)
    summary = json_safe({"n": mc.n, "kpis": {k: summarise(v) for k, v in outputs.items()},
                         "inputs": list(inputs)})
    return json.loads(figures_json(uncertainty_figures(mc, MC_KPI, None, None))), {
        **record, "summary": summary}


_SOURCES_LOCK = threading.Lock()


@cache
def _sources_rows() -> tuple[dict, ...]:
    from reemud.security.sources import comparison

    return comparison()


def sources_rows() -> tuple[dict, ...]:
    """The source comparison (US$ per kg of Nd and Dy oxide), computed once per server.

    The server warms it in a thread at start; a request that comes first waits for it rather
    than computing it a second time.
    """
    with _SOURCES_LOCK:
        return _sources_rows()
