"""The FastAPI application: ``create_app(Settings)``, served by ``reemud serve``.

The JSON API lives under ``/api`` (OpenAPI at ``/openapi.json``), the pages under ``/`` and the
downloads under ``/runs/{id}/…`` and ``/sweeps/{id}/…``. Everything is read from and written to
the store; runs, Monte Carlo and market jobs are rows of its queue, run by the worker pool
(``reemud.web.worker``). Every error is an RFC 9457 problem document (``application/problem+json``),
or, for a browser asking for a page, the same problem as a page; never a traceback.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from reemud import __version__, store
from reemud.errors import ScenarioError
from reemud.web import service
from reemud.web.security import HEADERS, LOOPBACK_HOSTS, Guard, RateLimiter

log = logging.getLogger("reemud.web")

HERE = Path(__file__).parent
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Settings:
    """How the app runs: its store, bind, token, workers and limits."""

    url: str
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    workers: int = 2
    scheduler: str | None = None
    max_body_bytes: int = 1_000_000
    jobs_per_minute: int = 60
    allowed_hosts: tuple[str, ...] = ()
    """More names the server answers to without a token (a name in /etc/hosts, a proxy's)."""


def plotly_js() -> Path:
    """plotly.js as the installed plotly package ships it (served locally, no CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def problem(request: Request, status: int, title: str, detail: str, headers=None,
            **extra) -> Response:
    """A problem response: JSON for the API and scripts, a page for a browser asking for one.

    It carries the security headers itself: a 500 is answered outside the ``Guard`` that adds
    them to every other response.
    """
    wants_page = ("text/html" in request.headers.get("accept", "")
                  and not request.url.path.startswith("/api/"))
    if wants_page:
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": status, "title": title, "detail": detail,
                                    "problems": extra.get("problems", [])},
            status_code=status, headers={**HEADERS, **(headers or {})})
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    # ASCII escapes: a key a client sent may hold a lone surrogate, which UTF-8 cannot encode
    return Response(json.dumps(body, ensure_ascii=True, allow_nan=False, default=repr,
                               separators=(",", ":")),
                    status_code=status, media_type=PROBLEM,
                    headers={**HEADERS, **(headers or {})})


def scenario_problem(request: Request, exc: ScenarioError) -> Response:
    """422 with every problem of a scenario, each line as the CLI prints it."""
    problems = service.problems_json(exc)
    return problem(request, 422, "Invalid input", f"{exc.source}: {len(problems)} problem(s)",
                   problems=problems)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: "Not found", 405: "Method not allowed", 415: "Unsupported media type"}
        return problem(request, exc.status_code, titles.get(exc.status_code, "Refused"),
                       str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"path": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
                   "type": e.get("type", "")} for e in exc.errors()]
        detail = "; ".join(f"{e['path']}: {e['message']}" for e in errors[:10])
        return problem(request, 422, "Invalid request", detail, errors=errors)

    @app.exception_handler(ScenarioError)
    async def invalid_scenario(request: Request, exc: ScenarioError):
        return scenario_problem(request, exc)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, 500, "Internal error", "the server met an unexpected error; "
                       "its log has the details (nothing was changed by this request)")


def create_app(settings: Settings) -> FastAPI:
    """The app on the store at ``settings.url`` (opened and checked here)."""
    from reemud.web.api import router as api_router
    from reemud.web.pages import router as pages_router

    engine = store.connect(settings.url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool = None
        if settings.workers > 0:
            from reemud.web.worker import Pool

            pool = Pool(settings.url, settings.workers, settings.scheduler)
            again = pool.start()
            if again:
                log.warning("queued again the jobs a stopped server left running: %s", again)
        app.state.pool = pool
        threading.Thread(target=service.sources_rows, daemon=True).start()  # warm the table
        try:
            yield
        finally:
            if pool is not None:
                pool.stop()
            engine.dispose()

    app = FastAPI(title="reemud", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,  # their pages load scripts from a CDN, which the policy refuses
                  description="Deep-sea rare-earth mud mining, from the seabed to the market: "
                              "run scenarios, Monte Carlo and market disruptions, and see where "
                              "every number comes from.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.pool = None
    app.state.limiter = RateLimiter(settings.jobs_per_minute)
    app.state.secret = secrets.token_bytes(32)  # of this start: its session cookies
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["version"] = __version__
    templates.env.filters["num"] = _num
    app.state.templates = templates
    _handlers(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_bundle():
        return FileResponse(plotly_js(), media_type="text/javascript")

    app.include_router(api_router)
    app.include_router(pages_router)
    app.add_middleware(Guard, token=settings.token, max_body_bytes=settings.max_body_bytes,
                       secret=app.state.secret,
                       hosts=(*LOOPBACK_HOSTS, settings.host, *settings.allowed_hosts))
    return app


def _num(value) -> str:
    """A number for a page: thousands separated from 1,000 on, else four significant digits."""
    from reemud.cli_common import fmt

    return fmt(value)


def html_page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """Render a page."""
    return request.app.state.templates.TemplateResponse(request, template, context,
                                                        status_code=status)
