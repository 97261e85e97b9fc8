"""The JSON API (``/api/…``) and the downloads (by id only)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from reemud import __version__, store
from reemud.compare import comparison
from reemud.errors import ScenarioError
from reemud.web import queue, service
from reemud.web.editor import MAX_EDITS, fields

router = APIRouter()

Id = Annotated[int, PathParam(ge=1, le=service.INT64_MAX)]
RunId = Annotated[int, Field(ge=1, le=service.INT64_MAX)]
"""A run id in a query (``?ids=1&ids=2``)."""
MAX_TEXT = 200_000
"""Longest scenario text the API takes [characters] (a bundled scenario has about 3,000)."""

SSE_POLL_S = 0.3
"""How often the event stream of a job looks at its row [s]."""

SSE_KEEPALIVE_S = 15.0
"""Longest silence of an event stream before a keep-alive comment [s]."""


class Submission(BaseModel):
    """A job to queue: a catalogue scenario (with edits) or a TOML text, a seed and options."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["run", "mc", "market"] = "run"
    scenario: str | None = Field(None, max_length=200, description="catalogue id "
                                 "(GET /api/scenarios)")
    text: str | None = Field(None, max_length=MAX_TEXT, description="a scenario TOML text "
                             "instead of a catalogue id")
    edits: dict[str, str] = Field(default_factory=dict, max_length=MAX_EDITS,
                                  description="stage.parameter -> value text (a number, a "
                                  "quantity such as \"5.6 km\", a name, a distribution table)")
    seed: int = Field(0, ge=0, le=service.INT64_MAX)
    options: dict[str, int | bool] = Field(default_factory=dict, max_length=10,
                                           description="mc: n (draws), sobol (true/false)")


class Check(BaseModel):
    """A scenario to validate without running it."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["run", "mc", "market"] = "run"
    scenario: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=MAX_TEXT)
    edits: dict[str, str] = Field(default_factory=dict, max_length=MAX_EDITS)
    options: dict[str, int | bool] = Field(default_factory=dict, max_length=10)


def client_of(request: Request) -> str:
    """The client a rate limit counts (its address)."""
    return request.client.host if request.client else "unknown"


def queue_job(request: Request, body: Submission) -> int:
    """Rate-limit, validate and queue a submission; its job id (the pages use this too)."""
    client = client_of(request)
    wait = request.app.state.limiter.allow(client)
    if wait:
        raise HTTPException(429, f"at most {request.app.state.limiter.per_minute} jobs a minute "
                            f"per client; try again in {wait:.0f} s",
                            headers={"Retry-After": str(max(int(wait + 0.999), 1))})
    return service.submit(request.app.state.engine, kind=body.kind, client=client,
                          sid=body.scenario, text=body.text, edits=body.edits, seed=body.seed,
                          options=body.options)


@router.get("/api/health", tags=["server"])
def health(request: Request) -> dict:
    """The server's version, live workers and jobs per status."""
    pool = request.app.state.pool
    return {"status": "ok", "version": __version__,
            "workers": 0 if pool is None else pool.alive(),
            "jobs": queue.counts(request.app.state.engine)}


@router.get("/api/scenarios", tags=["scenarios"])
def scenarios() -> list[dict]:
    """Every scenario of the catalogue: id, kind, name, description, whether it has distributions."""
    return [{"id": e.id, "kind": e.kind, "name": e.name, "description": e.description,
             "uncertain": e.uncertain} for e in service.catalogue().values()]


@router.get("/api/scenarios/{sid}", tags=["scenarios"])
def scenario(sid: Annotated[str, PathParam(max_length=200)]) -> dict:
    """A scenario's text and, for a chain scenario, its editor fields with their provenance."""
    from reemud.scenario import parse_scenario

    found = service.entry(sid)
    if found is None:
        raise HTTPException(404, f"no scenario {sid!r}; GET /api/scenarios lists them")
    out = {"id": found.id, "kind": found.kind, "name": found.name,
           "description": found.description, "text": found.text}
    if found.kind == "run":
        sc = parse_scenario(found.text, found.id)
        out["fields"] = {stage: [{"path": f.path, "value": f.value, "unit": f.unit,
                                  "bounds": f.bounds, "description": f.description,
                                  "provenance": dict(f.provenance)} for f in rows]
                         for stage, rows in fields(sc).items()}
    return out


@router.post("/api/validate", tags=["scenarios"], responses={422: {"description": "problems"}})
def validate(body: Check) -> dict:
    """Validate a scenario (with edits) as ``reemud validate`` does; 422 lists every problem."""
    name, text, options = service.validate(body.kind, body.scenario, body.text, body.edits,
                                           body.options)
    return {"valid": True, "name": name, "options": options, "chars": len(text)}


@router.post("/api/jobs", status_code=202, tags=["jobs"],
             responses={422: {"description": "problems"}, 429: {"description": "rate limited"}})
def submit(request: Request, body: Submission) -> JSONResponse:
    """Queue a run, a Monte Carlo or a market disruption; 202 with the job and its Location."""
    job_id = queue_job(request, body)
    job = queue.get(request.app.state.engine, job_id)
    return JSONResponse(job.public(), status_code=202, headers={"Location": f"/api/jobs/{job_id}"})


@router.get("/api/jobs", tags=["jobs"])
def jobs(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    """The latest jobs, newest first."""
    return [j.public() for j in queue.listing(request.app.state.engine, limit)]


def _job_or_404(request: Request, job_id: int) -> queue.Job:
    job = queue.get(request.app.state.engine, job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}; GET /api/jobs lists them")
    return job


@router.get("/api/jobs/{job_id}", tags=["jobs"])
def job(request: Request, job_id: Id) -> dict:
    """One job: its status, progress, message, and the run or sweep it made."""
    return _job_or_404(request, job_id).public()


@router.get("/api/jobs/{job_id}/events", tags=["jobs"],
            responses={200: {"content": {"text/event-stream": {}}}})
async def job_events(request: Request, job_id: Id) -> StreamingResponse:
    """Server-sent events of a job: ``progress`` on every change, ``end`` when it is over."""
    engine = request.app.state.engine
    _job_or_404(request, job_id)

    async def stream():
        last, quiet = None, 0.0
        while True:
            current = await asyncio.to_thread(queue.get, engine, job_id)
            state = current.public()
            if state != last:
                last, quiet = state, 0.0
                over = current.status in ("done", "failed")
                yield f"event: {'end' if over else 'progress'}\ndata: {json.dumps(state)}\n\n"
                if over:
                    return
            if await request.is_disconnected():
                return
            await asyncio.sleep(SSE_POLL_S)
            quiet += SSE_POLL_S
            if quiet >= SSE_KEEPALIVE_S:
                quiet = 0.0
                yield ": keep-alive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/api/runs", tags=["runs"])
def runs(request: Request) -> list[dict]:
    """Every stored run: id, scenario, seed, version, time."""
    return [{"id": r["id"], "scenario": r["scenario_name"], "seed": r["seed"],
             "version": r["version"], "created_utc": r["created_utc"].isoformat() + "Z"}
            for r in store.list_runs(request.app.state.engine)]


def _or_404(record: dict | None, detail: str) -> dict:
    if record is None:
        raise HTTPException(404, detail)
    return record


def run_or_404(request: Request, run_id: int) -> dict:
    """The run's record (``service.run_record``), or 404."""
    return _or_404(service.run_record(request.app.state.engine, run_id),
                   f"no run {run_id}; GET /api/runs lists them")


@router.get("/api/runs/{run_id}", tags=["runs"])
def run(request: Request, run_id: Id) -> dict:
    """A run's KPIs, why any is undefined, and the provenance of every KPI and parameter."""
    record = run_or_404(request, run_id)
    return {k: v for k, v in record.items() if k != "scenario_text"}


@router.get("/api/compare", tags=["runs"])
def compare(request: Request,
            ids: Annotated[list[RunId], Query(min_length=2, max_length=20)]) -> dict:
    """Two or more runs side by side, differences relative to the first (``reemud db compare``)."""
    try:
        records = store.get_runs(request.app.state.engine, ids)
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from None
    runs = [{k: r[k] for k in ("id", "scenario", "seed", "version", "created_utc")}
            for r in records]
    return {"runs": runs, "relative_to": runs[0]["id"], "rows": comparison(records)}


def sweep_or_404(request: Request, sweep_id: int) -> dict:
    """The sweep's record (``service.sweep_record``), or 404."""
    return _or_404(service.sweep_record(request.app.state.engine, sweep_id),
                   f"no sweep {sweep_id}; GET /mc lists them")


@router.get("/api/sweeps/{sweep_id}", tags=["monte carlo"])
def sweep(request: Request, sweep_id: Id) -> dict:
    """A stored Monte Carlo: its settings, chunks stored, KPI summary and tornado."""
    return sweep_or_404(request, sweep_id)


@router.get("/api/market/presets", tags=["market"])
def presets() -> list[dict]:
    """The bundled disruption presets."""
    return [{"id": e.id, "name": e.name, "description": e.description}
            for e in service.catalogue().values() if e.kind == "market"]


@router.get("/api/sources", tags=["market"])
def sources() -> dict:
    """Every source of the oxides on one scale: US$ per kg of Nd and Dy oxide, with provenance."""
    from reemud.cli_common import json_safe

    return {"rows": json_safe(list(service.sources_rows()))}


# ---------------------------------------------------------------------------------------------
# downloads: by id, from the store; no name a user sends reaches the file system


def _file(request: Request, job_id: int | None, name: str, filename: str) -> Response:
    found = None if job_id is None else queue.artifact(request.app.state.engine, job_id, name)
    if found is None:
        raise HTTPException(404, f"no {name} for this id (runs stored by the CLI have only "
                            "their KPIs; run it from the web app to get its files)")
    media_type, content = found
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _job_id_of_run(request: Request, run_id: int) -> int | None:
    job = queue.job_of_run(request.app.state.engine, run_id)
    return None if job is None else job.id


@router.get("/runs/{run_id}/report.html", tags=["downloads"])
def report(request: Request, run_id: Id) -> Response:
    """The run's HTML report (the one ``reemud run`` writes)."""
    return _file(request, _job_id_of_run(request, run_id), "report.html",
                 f"reemud-run-{run_id}.html")


@router.get("/runs/{run_id}/run.nc", tags=["downloads"])
def netcdf(request: Request, run_id: Id) -> Response:
    """The run's KPIs and plume deposit grid as NetCDF (as ``reemud run --netcdf``)."""
    return _file(request, _job_id_of_run(request, run_id), "run.nc", f"reemud-run-{run_id}.nc")


@router.get("/runs/{run_id}/kpis.csv", tags=["downloads"])
def kpi_csv(request: Request, run_id: Id) -> Response:
    """The run's KPIs as CSV: kpi, element or item, value, unit."""
    record = run_or_404(request, run_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kpi", "key", "value", "unit"])
    for name, value in record["kpis"].items():
        unit = record["provenance"][name]["unit"]
        items = value.items() if isinstance(value, dict) else [("", value)]
        for key, v in items:
            writer.writerow([name, key, "" if v is None else repr(float(v)), unit])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="reemud-run-{run_id}-kpis.csv"'})


@router.get("/sweeps/{sweep_id}/draws.parquet", tags=["downloads"])
def draws_parquet(request: Request, sweep_id: Id) -> Response:
    """Every draw of a Monte Carlo (inputs and KPIs) as Parquet (``reemud db export``)."""
    sweep_or_404(request, sweep_id)
    with tempfile.TemporaryDirectory(prefix="reemud-web-") as tmp:
        path = Path(tmp) / "draws.parquet"
        try:
            store.export_draws(request.app.state.engine, sweep_id, path)
        except (ImportError, ValueError, ScenarioError) as exc:
            raise HTTPException(409, str(exc)) from None
        content = path.read_bytes()
    return Response(content, media_type="application/vnd.apache.parquet",
                    headers={"Content-Disposition":
                             f'attachment; filename="reemud-sweep-{sweep_id}.parquet"'})
