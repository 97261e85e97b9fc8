"""The pages (Jinja2): scenarios, the editor, job progress, results, compare, Monte Carlo, market.

Forms that change state carry the CSRF token (``security.CSRF_FIELD``); a form with problems is
shown again with each problem beside its field, worded as ``reemud validate`` words it.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from reemud import store
from reemud.compare import comparison
from reemud.errors import ScenarioError
from reemud.web import queue, service
from reemud.web.api import Id, RunId, Submission, queue_job, run_or_404, sweep_or_404
from reemud.web.app import html_page, problem
from reemud.web.editor import fields
from reemud.web.security import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    csrf_ok,
    safe_next,
    session_value,
    token_ok,
)

router = APIRouter(include_in_schema=False)

FIELD_PREFIX = "f:"
"""Editor inputs are named ``f:stage.parameter``."""


async def _form(request: Request) -> dict[str, str]:
    """The posted form, after its CSRF token is checked (403 if it does not match)."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(request.cookies.get("reemud_csrf"), values.get(CSRF_FIELD)):
        raise HTTPException(403, "the form's CSRF token does not match this browser's; reload "
                            "the page and send the form again")
    return values


@router.get("/")
def index(request: Request):
    """The scenarios, the latest jobs and runs."""
    engine = request.app.state.engine
    runs = store.list_runs(engine)[-15:][::-1]
    return html_page(request, "index.html", scenarios=list(service.catalogue().values()),
                     runs=runs, jobs=[j.public() for j in queue.listing(engine, 15)])


@router.get("/login")
def login_page(request: Request, next: Annotated[str | None, Query(max_length=2000)] = None):
    """The login form of a server with a token."""
    return html_page(request, "login.html", next=safe_next(next), error=None)


@router.post("/login")
async def login(request: Request):
    """Check the token; set the session cookie (an HMAC of it) and go on to ``next``."""
    form = await _form(request)
    token = request.app.state.settings.token
    target = safe_next(form.get("next"))
    if token is None:
        return RedirectResponse(target, status_code=303)
    if not token_ok(token, {"authorization": f"Bearer {form.get('token', '')}"}, {}, b""):
        return html_page(request, "login.html", status=401, next=target,
                         error="that is not this server's token")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(token, request.app.state.secret),
                        httponly=True, samesite="strict", path="/", max_age=SESSION_MAX_AGE_S)
    return response


def _editor(request: Request, sid: str, status: int = 200, values=None, problems=None,
            text: str | None = None, seed: int | str = 0, n: int | str = 256):
    from reemud.scenario import parse_scenario

    found = service.entry(sid)
    if found is None or found.kind != "run":
        raise HTTPException(404, f"no chain scenario {sid!r}; the scenario list has them")
    sc = parse_scenario(found.text, found.id)
    form = fields(sc)
    paths = {f.path for rows in form.values() for f in rows}
    by_path: dict[str, list[str]] = {}
    general = []
    for p in problems or []:
        if p["path"] in paths:
            by_path.setdefault(p["path"], []).append(p["line"])
        else:
            general.append(p["line"])
    return html_page(request, "editor.html", status=status, entry=found, fields=form,
                     values=values or {}, field_problems=by_path, problems=general,
                     text=text if text is not None else found.text, seed=seed, n=n,
                     prefix=FIELD_PREFIX, models={k: v.model for k, v in sc.stages.items()},
                     provenance={"parameters": {
                         f.path: dict(f.provenance) for rows in form.values() for f in rows}})


@router.get("/scenarios/{sid}")
def editor(request: Request, sid: str):
    """The scenario editor: every parameter with its unit, range and provenance."""
    return _editor(request, sid)


@router.post("/scenarios/{sid}/jobs")
async def submit_from_editor(request: Request, sid: str):
    """Queue the edited scenario (a run or a Monte Carlo); show the form again with its problems."""
    form = await _form(request)
    found = service.entry(sid)
    if found is None or found.kind != "run":
        raise HTTPException(404, f"no chain scenario {sid!r}")
    current = {f.path: f.value for rows in fields(_parsed(found)).values() for f in rows}
    values = {k[len(FIELD_PREFIX):]: v for k, v in form.items() if k.startswith(FIELD_PREFIX)}
    edits = {p: v for p, v in values.items() if current.get(p) != v}
    text = form.get("text", "").replace("\r\n", "\n")
    use_text = form.get("use_text") == "1"  # then the text runs as typed, the fields ignored
    kind = "mc" if form.get("kind") == "mc" else "run"
    try:
        seed = int(form.get("seed", "0"))
        n = int(form.get("n", "256"))
    except ValueError:
        problems = [{"path": "seed", "line": "seed and n: must be whole numbers (e.g. 0 and "
                     "256)"}]
        return _editor(request, sid, 422, values, problems, text, form.get("seed", ""),
                       form.get("n", ""))
    body = dict(kind=kind, scenario=None if use_text else sid, text=text if use_text else None,
                edits={} if use_text else edits, seed=seed,
                options={"n": n} if kind == "mc" else {})
    try:
        job_id = queue_job(request, Submission(**body))
    except ScenarioError as exc:
        return _editor(request, sid, 422, values, service.problems_json(exc), text, seed, n)
    except ValidationError as exc:  # the Submission model refused it (a seed out of range)
        problems = [{"path": ".".join(map(str, e["loc"])) or "form",
                     "line": f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']} (got "
                             f"{_shown(e.get('input'))})"} for e in exc.errors()]
        return _editor(request, sid, 422, values, problems, text, seed, n)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}...<{len(text)} characters>"


def _parsed(found):
    from reemud.scenario import parse_scenario

    return parse_scenario(found.text, found.id)


@router.post("/market/{sid}/jobs")
async def submit_market(request: Request, sid: str):
    """Queue a disruption preset."""
    await _form(request)
    try:
        job_id = queue_job(request, Submission(kind="market", scenario=sid))
    except ScenarioError as exc:
        return problem(request, 422, "Invalid input", str(exc.problems[0].line),
                       problems=service.problems_json(exc))
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: Id):
    """A job's progress (server-sent events) and its result."""
    job = queue.get(request.app.state.engine, job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return html_page(request, "job.html", job=job.public())


@router.get("/runs")
def runs_page(request: Request):
    """Every stored run, to open or tick for comparing."""
    runs = store.list_runs(request.app.state.engine)[::-1]
    return html_page(request, "runs.html", runs=runs)


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: Id):
    """A run's KPIs with their provenance, its figures and downloads."""
    record = run_or_404(request, run_id)
    job = record["job"]
    figs = service.figures(request.app.state.engine, None if job is None else job["id"])
    market = None
    if job is not None and "market.json" in record["files"]:
        market = json.loads(queue.artifact(request.app.state.engine, job["id"],
                                           "market.json")[1])
    scalars = {k: v for k, v in record["kpis"].items() if not isinstance(v, dict)}
    per_item = {k: v for k, v in record["kpis"].items() if isinstance(v, dict)}
    from reemud.elements import REY

    return html_page(request, "run.html", run=record, scalars=scalars, per_item=per_item,
                     elements=REY,
                     figures=figs, market=market,
                     provenance={"kpis": record["provenance"], "parameters": record["parameters"]})


@router.get("/compare")
def compare_page(request: Request, ids: Annotated[list[RunId] | None, Query(max_length=20)] = None):
    """Runs side by side: the inputs and the KPIs that differ are highlighted."""
    ids = ids or []
    if len(ids) < 2:
        return html_page(request, "compare.html", status=200 if not ids else 422, rows=None,
                         runs=store.list_runs(request.app.state.engine)[::-1],
                         message="choose two or more runs" if ids else None, ids=ids)
    try:
        records = store.get_runs(request.app.state.engine, ids)
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from None
    engine = request.app.state.engine
    params = _parameter_differences([store.get_run(engine, r["id"])["scenario_text"]
                                     for r in records])
    return html_page(request, "compare.html", rows=comparison(records), records=records,
                     params=params, runs=None, message=None, ids=ids)


def _parameter_differences(texts: list[str]) -> list[dict]:
    """Inputs that differ between the runs' scenario texts: ``[{path, values}]``."""
    import tomllib

    from reemud.web.provenance import display_value

    def flat(text: str) -> dict[str, str]:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return {}
        return {f"{table}.{k}": display_value(v) for table, body in data.items()
                if isinstance(body, dict) for k, v in body.items()}

    texts = [flat(t) for t in texts]
    paths = sorted({p for t in texts for p in t})
    out = []
    for p in paths:
        values = [t.get(p, "(default)") for t in texts]
        if len(set(values)) > 1:
            out.append({"path": p, "values": values})
    return out


@router.get("/mc")
def mc_page(request: Request):
    """The scenarios with distributions, and the stored sweeps."""
    uncertain = [e for e in service.catalogue().values() if e.uncertain]
    return html_page(request, "mc.html", scenarios=uncertain,
                     sweeps=store.list_sweeps(request.app.state.engine)[::-1])


@router.get("/sweeps/{sweep_id}")
def sweep_page(request: Request, sweep_id: Id):
    """A Monte Carlo's summary, histograms, convergence, tornado and Sobol' indices."""
    record = sweep_or_404(request, sweep_id)
    job = record["job"]
    engine = request.app.state.engine
    figs = service.figures(engine, None if job is None else job["id"])
    if not figs and record["chunks_done"]:  # a sweep of `reemud sweep`: its draws, drawn here
        figs, record = service.sweep_figures(engine, record)
    return html_page(request, "sweep.html", sweep=record, figures=figs)


@router.get("/market")
def market_page(request: Request):
    """The disruption presets and the world supply by country and element."""
    from reemud.report_market import base_supply_figure
    from reemud.security.model import base_market

    presets = [e for e in service.catalogue().values() if e.kind == "market"]
    engine = request.app.state.engine
    market_runs = [r for r in store.list_runs(engine) if r["scenario_name"].startswith("market:")]
    title, fig = base_supply_figure(base_market())
    figs = [{"title": title, "figure": json.loads(fig.to_json())}]
    return html_page(request, "market.html", presets=presets, runs=market_runs[::-1][:20],
                     figures=figs)


@router.get("/sources")
def sources_page(request: Request):
    """Every source on one scale: US$ per kg of Nd and Dy oxide."""
    from reemud.report_market import SOURCES_HEADER, sources_figure, sources_table

    rows = service.sources_rows()
    title, fig = sources_figure(rows)
    figs = [{"title": title, "figure": json.loads(fig.to_json())}]
    from reemud.cli_common import fmt

    return html_page(request, "sources.html", header=SOURCES_HEADER,
                     cells=sources_table(rows, fmt), figures=figs)
