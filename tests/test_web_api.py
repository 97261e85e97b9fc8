"""The web app's JSON API, pages, queue and guards, in process (FastAPI's TestClient).

Jobs are queued by the API and run here by ``worker.drain`` (the worker pool's own ``run_one``),
so every assertion is on what a worker stored.
"""

import csv
import io
import json
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reemud import store
from reemud.cli import app as cli_app
from reemud.errors import ScenarioError
from reemud.scenario import load_scenario, parse_scenario
from reemud.web import queue, worker
from reemud.web.app import Settings, create_app
from reemud.web.editor import EDITED, apply_edits
from reemud.web.security import CSP, RateLimiter, check_bind, session_ok, session_value

pytestmark = pytest.mark.web

TOKEN = "a-token-of-24-characters"


def _client(tmp_path, **kw) -> TestClient:
    settings = Settings(url=store.default_url(tmp_path), workers=0, **kw)
    return TestClient(create_app(settings), base_url="http://127.0.0.1")


@pytest.fixture
def client(tmp_path):
    with _client(tmp_path) as c:
        yield c


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """A store with two runs of the 2027 scenario (area 105 and 50 km²), made through the API."""
    path = tmp_path_factory.mktemp("web")
    with _client(path) as c:
        ids = []
        for edits in ({}, {"deposit.area_km2": "50"}):
            r = c.post("/api/jobs", json={"scenario": "minamitorishima-2027", "edits": edits})
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
        assert worker.drain(c.app.state.engine) == 2
        jobs = [c.get(f"/api/jobs/{i}").json() for i in ids]
    return path, jobs


def test_health_catalogue_and_openapi(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["jobs"] == {"queued": 0, "running": 0, "done": 0, "failed": 0}
    ids = {s["id"]: s for s in client.get("/api/scenarios").json()}
    assert {"minamitorishima-2027", "commercial-uncertain", "licences-2025-04"} <= set(ids)
    assert ids["commercial-uncertain"]["uncertain"] is True
    assert ids["licences-2025-04"]["kind"] == "market"
    spec = client.get("/openapi.json").json()
    assert {"/api/jobs", "/api/validate", "/api/runs/{run_id}", "/api/compare"} <= set(spec["paths"])


def test_the_editor_fields_carry_units_bounds_and_provenance(client):
    body = client.get("/api/scenarios/minamitorishima-2027").json()
    deposit = {f["path"]: f for f in body["fields"]["deposit"]}
    area = deposit["deposit.area_km2"]
    assert (area["value"], area["unit"], area["bounds"]) == ("105", "km**2", "> 0")
    assert area["provenance"]["status"] == "sourced"
    assert "Takaya et al. 2018" in area["provenance"]["text"]
    assert deposit["deposit.water_depth_m"]["bounds"] == "> 0, ≤ 11000"
    days = {f["path"]: f for f in body["fields"]["collector"]}["collector.campaign_days"]
    assert days["provenance"]["status"] == "assumed"
    assert days["provenance"]["text"] == "assumed: trial length on site not published"


def test_validation_messages_are_the_clis_own(client, tmp_path):
    r = client.post("/api/validate", json={"scenario": "minamitorishima-2027",
                                           "edits": {"deposit.area_km2": "-5"}})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problems = r.json()["problems"]
    assert [p["path"] for p in problems] == ["deposit.area_km2"]
    text = load_scenario().text.replace("area_km2 = 105", "area_km2 = -5")
    path = tmp_path / "bad.toml"
    path.write_text(text)
    cli = CliRunner().invoke(cli_app, ["validate", str(path)])
    assert cli.exit_code == 2
    cli_lines = [line.strip() for line in cli.output.splitlines() if line.strip().startswith("1.")]
    assert cli_lines == ["1. " + problems[0]["line"]]
    assert problems[0]["line"] == ("deposit.area_km2: must be > 0 (got -5). It is the area of "
                                   "the block whose resource is counted.")


def test_every_problem_of_a_submission_is_listed(client):
    r = client.post("/api/jobs", json={"scenario": "minamitorishima-2027", "edits": {
        "deposit.area_km2": "-5", "deposit.porosity": "2", "nosuchstage.x": "1"}})
    assert r.status_code == 422
    assert [p["path"] for p in r.json()["problems"]] == ["nosuchstage.x"]  # the edit itself first
    r = client.post("/api/jobs", json={"scenario": "minamitorishima-2027", "edits": {
        "deposit.area_km2": "-5", "deposit.porosity": "2"}})
    assert {p["path"] for p in r.json()["problems"]} == {"deposit.area_km2", "deposit.porosity"}
    assert client.get("/api/jobs").json() == []  # nothing was queued


def test_a_run_job_stores_the_run_and_the_edit_changes_the_kpi(ran):
    path, (base, half) = ran
    assert base["status"] == half["status"] == "done"
    assert base["progress"] == 1.0
    engine = store.connect(store.default_url(path))
    a, b = store.kpis_of(engine, base["run_id"]), store.kpis_of(engine, half["run_id"])
    # the resource is area x thickness x density x grade: half the area, the same ratio
    assert b["resource_reo_t"] / a["resource_reo_t"] == pytest.approx(50 / 105, rel=1e-12)
    text = store.get_run(engine, half["run_id"])["scenario_text"]
    assert f"area_km2 = 50  {EDITED}" in text
    assert parse_scenario(text).stages["deposit"].params.area_km2 == 50


def test_provenance_of_kpis_and_parameters(ran):
    path, (_, half) = ran
    with _client(path) as c:
        body = c.get(f"/api/runs/{half['run_id']}").json()
    resource = body["provenance"]["resource_reo_t"]
    assert (resource["stage"], resource["model"], resource["unit"]) == ("deposit", "layered",
                                                                        "t REO")
    assert resource["docs"] == "docs/models/deposit.md"
    from reemud.datafiles import read_table

    flagged = sorted(f"deposit.{r['name']}" for r in read_table("parameters.csv")
                     if r["stage"] == "deposit" and r["model"] in ("layered", "*") and r["assumed"])
    assert resource["assumed_inputs"] == flagged  # none of them is set by the 2027 scenario
    assert "deposit.salinity_kg_per_kg" in flagged
    params = body["parameters"]
    assert params["deposit.area_km2"]["status"] == "set in the web editor"
    assert params["deposit.area_km2"]["default"]["value"] == "105"
    assert params["collector.campaign_days"]["status"] == "assumed"
    irr = body["provenance"]["irr"]
    assert irr["stage"] == "economics"
    assert irr["model"] == "dcf"
    assert body["files"] == ["figures.json", "report.html", "run.nc"]


def test_downloads_hold_the_stored_numbers(ran):
    import xarray as xr

    path, (base, _) = ran
    engine = store.connect(store.default_url(path))
    kpis = store.kpis_of(engine, base["run_id"])
    with _client(path) as c:
        rows = list(csv.DictReader(io.StringIO(c.get(f"/runs/{base['run_id']}/kpis.csv").text)))
        nc = c.get(f"/runs/{base['run_id']}/run.nc")
        page = c.get(f"/runs/{base['run_id']}/report.html")
    by = {(r["kpi"], r["key"]): r for r in rows}
    assert float(by[("resource_reo_t", "")]["value"]) == kpis["resource_reo_t"]
    assert by[("resource_reo_t", "")]["unit"] == "t REO"
    assert float(by[("oxide_production_t_per_year", "Nd")]["value"]) == kpis[
        "oxide_production_t_per_year"]["Nd"]
    assert nc.headers["content-type"] == "application/x-netcdf"
    (path / "got.nc").write_bytes(nc.content)
    with xr.open_dataset(path / "got.nc", engine="h5netcdf") as ds:
        assert float(ds["resource_reo_t"]) == kpis["resource_reo_t"]
        assert ds["plume_deposit_thickness"].dims == ("plume_y", "plume_x")
    assert page.headers["content-disposition"].startswith("attachment")
    assert "<html" in page.text[:200]
    assert "Key results" in page.text


def test_compare_flags_what_differs(ran):
    path, (base, half) = ran
    with _client(path) as c:
        body = c.get("/api/compare", params={"ids": [base["run_id"], half["run_id"]]}).json()
        page = c.get("/compare", params={"ids": [base["run_id"], half["run_id"]]})
    rows = {r["kpi"]: r for r in body["rows"]}
    assert rows["resource_reo_t"]["differs"] is True
    assert rows["resource_reo_t"]["difference_pct"][0] == pytest.approx(100 * (50 / 105 - 1),
                                                                        rel=1e-9)
    assert rows["lift_power_kw"]["differs"] is False  # the lift does not see the block's area
    assert page.status_code == 200
    assert "<code>deposit.area_km2</code>" in page.text  # the input that differs


def test_pages_render(ran):
    path, (base, _) = ran
    with _client(path) as c:
        for url in ("/", "/runs", f"/runs/{base['run_id']}", "/scenarios/minamitorishima-2027",
                    "/mc", "/market", "/sources", "/compare", f"/jobs/{base['id']}"):
            r = c.get(url)
            assert r.status_code == 200, url
            assert r.headers["content-security-policy"] == CSP
            assert "<script>" not in r.text  # no inline script runs under the policy
        run_page = c.get(f"/runs/{base['run_id']}").text
    assert 'data-prov-key="resource_reo_t"' in run_page
    assert "Plume deposit" in run_page  # the deposit map is among the figures


def test_sse_stream_of_a_finished_job_ends_with_its_state(ran):
    path, (base, _) = ran
    with _client(path) as c:
        r = c.get(f"/api/jobs/{base['id']}/events")
    assert r.headers["content-type"].startswith("text/event-stream")
    event, data = r.text.strip().split("\n")
    assert event == "event: end"
    assert json.loads(data.removeprefix("data: "))["run_id"] == base["run_id"]


def test_monte_carlo_job_stores_the_draws_and_its_figures(tmp_path):
    import pyarrow.parquet as pq

    with _client(tmp_path) as c:
        r = c.post("/api/jobs", json={"kind": "mc", "scenario": "commercial-uncertain",
                                      "seed": 3, "options": {"n": 16, "sobol": False}})
        assert r.status_code == 202, r.text
        worker.drain(c.app.state.engine)
        job = c.get(f"/api/jobs/{r.json()['id']}").json()
        assert job["status"] == "done", job["error"]
        sweep = c.get(f"/api/sweeps/{job['sweep_id']}").json()
        parquet = c.get(f"/sweeps/{job['sweep_id']}/draws.parquet")
        page = c.get(f"/sweeps/{job['sweep_id']}")
    assert sweep["n"] == 16
    assert sweep["summary"]["n"] == 16
    assert sweep["summary"]["kpis"]["npv_usd"]["n"] == 16
    assert [b["parameter"] for b in sweep["summary"]["tornado"]["bars"]] != []
    (tmp_path / "d.parquet").write_bytes(parquet.content)
    table = pq.read_table(tmp_path / "d.parquet")
    assert table.num_rows == 16
    assert "Tornado" in page.text
    assert "Convergence" in page.text


def test_monte_carlo_needs_a_distribution(client):
    r = client.post("/api/jobs", json={"kind": "mc", "scenario": "minamitorishima-2027"})
    assert r.status_code == 422
    assert "needs at least one parameter written as a distribution" in r.json()["problems"][0][
        "line"]
    r = client.post("/api/jobs", json={"kind": "mc", "scenario": "commercial-uncertain",
                                       "options": {"n": 10**9}})
    assert r.json()["problems"][0]["path"] == "options.n"


def test_market_preset_job_stores_outcomes_and_risk(tmp_path):
    with _client(tmp_path) as c:
        r = c.post("/api/jobs", json={"kind": "market", "scenario": "embargo-2010-japan"})
        assert r.status_code == 202, r.text
        worker.drain(c.app.state.engine)
        job = c.get(f"/api/jobs/{r.json()['id']}").json()
        assert job["status"] == "done", job["error"]
        body = c.get(f"/api/runs/{job['run_id']}").json()
        page = c.get(f"/runs/{job['run_id']}").text
    assert body["scenario"] == "market:embargo-2010-japan"
    assert body["kpis"]["market_shortage_t"]["JP:Nd"] > 0  # the 2010 embargo cut Japan's supply
    assert body["provenance"]["market_shortage_t"]["stage"] == "market"
    assert 'id="risk"' in page
    assert 'id="outcomes"' in page
    assert "<td>JP:Nd</td>" in page


# ---------------------------------------------------------------------------------------------
# errors


def test_errors_are_problem_documents(client):
    r = client.get("/api/runs/999")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {"type": "about:blank", "title": "Not found", "status": 404,
                        "detail": "no run 999; GET /api/runs lists them"}
    page = client.get("/runs/999", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "no run 999" in page.text
    r = client.get("/api/runs/0")
    assert r.status_code == 422
    assert r.json()["errors"][0]["path"] == "path.run_id"
    r = client.post("/api/jobs", content="not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_an_unexpected_error_shows_no_traceback(client, monkeypatch):
    from reemud.web import service

    def boom(*_):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "run_record", boom)
    with TestClient(client.app, raise_server_exceptions=False, base_url="http://127.0.0.1") as c:
        r = c.get("/api/runs/1")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["content-security-policy"] == CSP  # a 500 is answered outside the Guard
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "secret" not in r.text
    assert "Traceback" not in r.text


def test_downloads_are_by_id_only(ran):
    path, _ = ran
    with _client(path) as c:
        for url in ("/runs/..%2F..%2Fetc%2Fpasswd/report.html", "/runs/1/..%2F..%2Fpasswd",
                    "/runs/-1/kpis.csv", "/static/..%2F..%2Fapp.py"):
            r = c.get(url)
            assert r.status_code in (404, 422), url
            assert "root:" not in r.text
            assert "import" not in r.text


# ---------------------------------------------------------------------------------------------
# security


@pytest.mark.parametrize(("host", "token", "message"), [
    ("0.0.0.0", None, "refusing to serve on 0.0.0.0: it is not loopback"),
    ("192.168.1.5", None, "refusing to serve on 192.168.1.5"),
    ("127.0.0.1", "short", "the token must have at least 16 characters (it has 5)"),
])
def test_unsafe_binds_are_refused(host, token, message):
    from reemud.web.security import BindError

    with pytest.raises(BindError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_bind(host, token)


def test_serve_refuses_a_public_bind_without_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("REEMUD_TOKEN", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0: it is not loopback" in result.output
    assert "give --token (or set REEMUD_TOKEN)" in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("host", "ok"), [("127.0.0.1", True), ("::1", True),
                                          ("localhost", True), ("0.0.0.0", False),
                                          ("10.0.0.1", False), ("example.org", False)])
def test_loopback_binds_need_no_token(host, ok):
    from reemud.web.security import BindError

    if ok:
        check_bind(host, None)
    else:
        with pytest.raises(BindError):
            check_bind(host, None)


def test_a_token_guards_every_request(tmp_path):
    with _client(tmp_path, token=TOKEN) as c:
        r = c.get("/api/health")
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'Bearer realm="reemud"'
        assert r.headers["content-type"] == "application/problem+json"
        assert c.get("/api/health", headers={"authorization": "Bearer wrong-token-xxxxxxxx"}
                     ).status_code == 401
        assert c.get("/api/health", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert c.get("/openapi.json").status_code == 401
        page = c.get("/runs", headers={"accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fruns"
        assert c.get("/static/app.js").status_code == 200  # scripts hold no data
        form = c.get("/login")
        csrf = c.cookies["reemud_csrf"]
        assert f'value="{csrf}"' in form.text
        bad = c.post("/login", data={"csrf_token": csrf, "token": "nope", "next": "/runs"})
        assert bad.status_code == 401
        assert "reemud_session" not in c.cookies
        good = c.post("/login", data={"csrf_token": csrf, "token": TOKEN, "next": "//evil.org"},
                      follow_redirects=False)
        assert good.status_code == 303
        assert good.headers["location"] == "/"
        cookie = c.cookies["reemud_session"]
        assert TOKEN not in cookie
        assert session_ok(cookie, TOKEN, c.app.state.secret)
        assert c.get("/api/health").status_code == 200  # the session cookie now
        assert not session_ok(cookie, TOKEN, b"another server's secret")
        old = session_value(TOKEN, c.app.state.secret, issued=int(time.time()) - 13 * 3600)
        c.cookies.clear()
        c.cookies.set("reemud_session", old)
        assert c.get("/api/health").status_code == 401  # a login lasts 12 h, on the server too
        page = c.get("/compare?ids=1&ids=2", headers={"accept": "text/html"},
                     follow_redirects=False)
        assert page.headers["location"] == "/login?next=%2Fcompare%3Fids%3D1%26ids%3D2"


def test_forms_need_the_csrf_token(client):
    client.get("/")
    r = client.post("/scenarios/minamitorishima-2027/jobs", data={"kind": "run", "seed": "0"})
    assert r.status_code == 403
    assert "CSRF token does not match" in r.json()["detail"]
    r = client.post("/scenarios/minamitorishima-2027/jobs", data={
        "kind": "run", "seed": "0", "csrf_token": "forged"})
    assert r.status_code == 403
    r = client.post("/scenarios/minamitorishima-2027/jobs", data={
        "kind": "run", "seed": "0", "csrf_token": client.cookies["reemud_csrf"],
        "f:deposit.area_km2": "70"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/jobs/1"
    assert queue.get(client.app.state.engine, 1).scenario_text.count(EDITED) == 1


def test_the_editor_form_shows_problems_beside_their_fields(client):
    client.get("/")
    r = client.post("/scenarios/minamitorishima-2027/jobs", data={
        "kind": "run", "seed": "0", "csrf_token": client.cookies["reemud_csrf"],
        "f:deposit.area_km2": "-5"})
    assert r.status_code == 422
    assert ("deposit.area_km2: must be &gt; 0 (got -5). It is the area of the block whose "
            "resource is counted.") in r.text
    assert 'value="-5"' in r.text  # what the user typed is kept


def test_without_a_token_only_loopback_names_are_answered(client):
    # a page of evil.example that rebinds its name to 127.0.0.1 sends a matching Origin and Host
    r = client.post("/api/jobs", json={"scenario": "minamitorishima-2027"},
                    headers={"host": "evil.example:8000", "origin": "http://evil.example:8000"})
    assert r.status_code == 421
    assert "DNS rebinding" in r.json()["detail"]
    assert client.get("/api/health", headers={"host": "evil.example"}).status_code == 421
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    assert client.get("/api/jobs").json() == []


def test_with_a_token_any_host_name_is_answered(tmp_path):
    with _client(tmp_path, token=TOKEN) as c:
        r = c.get("/api/health", headers={"host": "reemud.example.org",
                                          "authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200


@pytest.mark.parametrize("value", ["2024-01-01", "07:32:00", "1979-05-27T07:32:00Z", "1" * 5000,
                                   "[" * 3000, "{ dist = \"uniform\", low = 1979-05-27 }",
                                   "[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]"])
def test_hostile_edit_values_are_refused_with_the_field(client, value):
    r = client.post("/api/validate", json={"scenario": "minamitorishima-2027",
                                           "edits": {"deposit.area_km2": value}})
    assert r.status_code == 422
    assert r.json()["problems"][0]["path"] == "deposit.area_km2"
    r = client.post("/api/jobs", json={"scenario": "minamitorishima-2027",
                                       "edits": {"deposit.area_km2": value}})
    assert r.status_code == 422


def test_compare_page_refuses_ids_outside_the_stores_range(client):
    r = client.get("/compare", params={"ids": [1, 10**20]}, headers={"accept": "text/html"})
    assert r.status_code == 422
    r = client.get("/api/compare", params={"ids": [1, 10**20]})
    assert r.status_code == 422


def test_foreign_origins_and_form_posts_to_the_api_are_refused(client):
    r = client.post("/api/jobs", json={"scenario": "minamitorishima-2027"},
                    headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    assert r.json()["title"] == "Foreign origin"
    r = client.post("/api/jobs", data={"scenario": "minamitorishima-2027"})
    assert r.status_code == 422  # a form body is not JSON: a cross-site form cannot post a job
    assert client.get("/api/jobs").json() == []


def test_bodies_over_the_limit_are_refused(tmp_path):
    with _client(tmp_path, max_body_bytes=2000) as c:
        r = c.post("/api/validate", json={"text": "x" * 5000})
        assert r.status_code == 413
        assert r.json()["detail"].startswith("the body must be at most 2,000 bytes")

        def chunks():
            for _ in range(10):
                yield b"x" * 500

        r = c.post("/api/validate", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_job_submissions_are_rate_limited(tmp_path):
    with _client(tmp_path, jobs_per_minute=3) as c:
        codes = [c.post("/api/jobs", json={"scenario": "minamitorishima-2027"}).status_code
                 for _ in range(4)]
        r = c.post("/api/jobs", json={"scenario": "minamitorishima-2027"})
        assert codes == [202, 202, 202, 429]
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert len(c.get("/api/jobs").json()) == 3


def test_rate_limiter_window():
    limiter = RateLimiter(2)
    assert [limiter.allow("a", t) for t in (0.0, 1.0)] == [0.0, 0.0]
    assert limiter.allow("a", 2.0) == pytest.approx(58.0)
    assert limiter.allow("b", 2.0) == 0.0  # per client
    assert limiter.allow("a", 60.5) == 0.0  # the first event left the window


# ---------------------------------------------------------------------------------------------
# the queue


def test_a_worker_that_lost_its_lease_stores_nothing(tmp_path):
    engine = store.connect(store.default_url(tmp_path))
    job_id = queue.submit(engine, kind="run", client="t", scenario_name="x",
                          scenario_text=load_scenario().text, seed=0, options={})
    job = queue.claim(engine)
    assert queue.requeue_running(engine) == [job_id]  # the server restarted
    again = queue.claim(engine)
    assert again.lease != job.lease
    assert again.attempts == 2
    run = {"sha256": "a" * 64, "name": "x", "text": "t", "seed": 0, "version": "v",
           "kpis": {"npv_usd": 1.0}}
    with pytest.raises(queue.LeaseLost):
        queue.finish(engine, job_id, job.lease, run=run, artifacts={"f": ("text/plain", "x")})
    assert store.list_runs(engine) == []
    assert queue.artifact_names(engine, job_id) == []
    assert queue.report(engine, job_id, job.lease, 0.5, "x") is False
    queue.finish(engine, job_id, again.lease, run=run)
    assert queue.get(engine, job_id).status == "done"
    assert len(store.list_runs(engine)) == 1


def test_a_job_whose_worker_keeps_dying_is_failed_with_the_reason(tmp_path):
    engine = store.connect(store.default_url(tmp_path))
    job_id = queue.submit(engine, kind="run", client="t", scenario_name="x", scenario_text="",
                          seed=0, options={})
    for _ in range(queue.MAX_ATTEMPTS):
        lease = queue.claim(engine).lease
        queue.requeue_lease(engine, lease)
    job = queue.get(engine, job_id)
    assert job.status == "failed"
    assert job.error.startswith(f"its worker stopped {queue.MAX_ATTEMPTS} times")
    # a stop of the server is not counted against the job
    other = queue.submit(engine, kind="run", client="t", scenario_name="x", scenario_text="",
                         seed=0, options={})
    for _ in range(queue.MAX_ATTEMPTS + 2):
        queue.requeue_lease(engine, queue.claim(engine).lease, counted=False)
    assert queue.get(engine, other).status == "queued"
    assert queue.get(engine, other).attempts == 0


def test_a_failing_job_keeps_its_message_and_the_worker_goes_on(tmp_path):
    engine = store.connect(store.default_url(tmp_path))
    bad = queue.submit(engine, kind="run", client="t", scenario_name="x",
                       scenario_text="[deposit]\nmodel = 3\n", seed=0, options={})
    wrong = queue.submit(engine, kind="market", client="t", scenario_name="m",
                         scenario_text=load_scenario().text, seed=0, options={})
    good = queue.submit(engine, kind="run", client="t", scenario_name="g",
                        scenario_text=load_scenario().text, seed=0, options={})
    assert worker.drain(engine) == 3
    assert queue.get(engine, bad).status == "failed"
    assert "deposit.model" in queue.get(engine, bad).error
    assert queue.get(engine, wrong).status == "failed"  # a chain scenario is no market scenario
    assert queue.get(engine, good).status == "done"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM run")).scalar() == 1


# ---------------------------------------------------------------------------------------------
# the editor's text edits, fuzzed


def test_edits_keep_every_other_line():
    text = load_scenario().text
    new = apply_edits(text, {"deposit.area_km2": "50", "leaching.acid": "H2SO4",
                             "deposit.water_depth_m": "5.6 km", "refining.new_key": "1"})
    old_lines, new_lines = text.splitlines(), new.splitlines()
    changed = [line for line in new_lines if EDITED in line]
    assert sorted(changed) == sorted([f"area_km2 = 50  {EDITED}", f'acid = "H2SO4"  {EDITED}',
                                      f'water_depth_m = "5.6 km"  {EDITED}',
                                      f"new_key = 1  {EDITED}"])
    assert [line for line in new_lines if EDITED not in line] == [
        line for line in old_lines if not line.startswith(("area_km2", "acid", "water_depth_m"))]
    sc = parse_scenario(apply_edits(text, {"deposit.water_depth_m": "5.6 km"}))
    assert sc.stages["deposit"].params.water_depth_m == pytest.approx(5600)


def test_a_distribution_edit_makes_the_parameter_uncertain():
    text = apply_edits(load_scenario().text, {
        "economics.price_multiplier": '{ dist = "uniform", low = 0.7, high = 1.3 }'})
    sc = parse_scenario(text)
    assert list(sc.uncertain) == ["economics.price_multiplier"]
    assert sc.uncertain["economics.price_multiplier"].nominal == pytest.approx(1.0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(["deposit.area_km2", "leaching.acid", "economics.price_deck",
                             "deposit.x", "x.y", "deposit."]),
       value=st.text(max_size=40))
def test_any_edit_gives_a_scenario_or_one_scenario_error(path, value):
    import tomllib

    text = load_scenario().text
    errors = []
    try:
        new = apply_edits(text, {path: value})
    except ScenarioError as exc:
        errors.append(exc)
        new = None
    if new is not None:
        stage, _, name = path.partition(".")
        assert name in tomllib.loads(new)[stage]  # the edit is in the text, as TOML
        try:
            parse_scenario(new)
        except ScenarioError as exc:
            errors.append(exc)
    assert all(e.problems for e in errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(edits=st.dictionaries(st.text(max_size=20), st.text(max_size=20), max_size=3),
       kind=st.sampled_from(["run", "mc", "market"]), scenario=st.text(max_size=20) | st.none())
def test_validate_never_fails_with_a_server_error(client, edits, kind, scenario):
    r = client.post("/api/validate", json={"kind": kind, "scenario": scenario, "edits": edits})
    assert r.status_code in (200, 422)
    assert r.headers["content-type"] in ("application/json", "application/problem+json")
    if r.status_code == 422:
        assert r.json()["status"] == 422


def test_a_store_made_before_the_queue_gains_it(tmp_path):
    url = store.default_url(tmp_path)
    engine = store.connect(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE artifact")
        conn.exec_driver_sql("DROP TABLE job")
        conn.exec_driver_sql("UPDATE reemud_schema SET version = 2")
    engine.dispose()
    again = store.connect(url)
    assert {"job", "artifact"} <= set(sa.inspect(again).get_table_names())
    with again.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalar() == 3
    assert queue.counts(again)["queued"] == 0


def test_a_sweep_of_the_cli_is_drawn_from_its_stored_draws(tmp_path):
    from reemud import __version__
    from reemud.scenario import scenarios_dir
    from reemud.sweep import run_chunk
    from reemud.uncertainty import sample_unit

    sc = parse_scenario((scenarios_dir() / "uncertain" / "commercial-uncertain.toml").read_text(),
                        "commercial-uncertain")
    engine = store.connect(store.default_url(tmp_path))
    sweep_id = store.create_sweep(engine, scenario_sha256=sc.sha256, scenario_name=sc.name,
                                  scenario_text=sc.text, n=8, method="lhs", seed=0, chunk_size=8,
                                  parameters=list(sc.uncertain), version=__version__)
    u = sample_unit(8, len(sc.uncertain), "lhs", 0)
    store.save_chunk(engine, sweep_id, 0, 0, 8, run_chunk(sc.text, sc.name, 0, 0, 8, u))
    with _client(tmp_path) as c:
        page = c.get(f"/sweeps/{sweep_id}")
    assert page.status_code == 200
    assert "Convergence of the mean npv_usd" in page.text
    assert "over 8 draws" in page.text


def test_the_readmes_api_example_is_the_programs_output(client):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    command, shown = readme.split("$ curl -s -X POST http://127.0.0.1:8000/api/validate", 1)[1] \
        .split("```", 1)[0].split("\n", 2)[:2]
    body = json.loads(command.split("-d '", 1)[1].rstrip("'"))
    r = client.post("/api/validate", json=body)
    assert r.status_code == 422
    assert r.text == shown


def test_a_submission_may_not_name_a_file_on_the_server(client):
    r = client.post("/api/jobs", json={"scenario": "minamitorishima-2027", "edits": {
        "environment.current_file": "/etc/hostname", "environment.seabed_file": "/etc/passwd"}})
    assert r.status_code == 422
    assert [p["path"] for p in r.json()["problems"]] == ["environment.current_file",
                                                          "environment.seabed_file"]
    assert "would name a file on the server" in r.json()["problems"][0]["line"]
    text = load_scenario().text.replace("[environment]", '[environment]\ncurrent_file = "/x.nc"')
    assert client.post("/api/validate", json={"text": text}).status_code == 422
    assert client.get("/api/jobs").json() == []


def test_every_file_parameter_of_every_model_is_guarded():
    from reemud import registry
    from reemud.web.service import FILE_PARAMETERS

    named = {f"{stage}.{field}" for (stage, _), entry in registry._ENTRIES.items()
             for field in entry.params.model_fields if field.endswith(("_file", "_path", "_dir"))}
    assert named == set(FILE_PARAMETERS)


def test_keys_a_client_sends_cannot_break_a_problem_document(client):
    for body in ({"scenario": "minamitorishima-2027", "edits": {"\ud800": "1"}},
                 {"scenario": "commercial-uncertain", "kind": "mc", "options": {"\ud800": 1}}):
        r = client.post("/api/validate", content=json.dumps(body),
                        headers={"content-type": "application/json"})
        assert r.status_code == 422
        assert r.json()["status"] == 422


def test_a_body_cut_off_by_a_disconnect_is_never_taken_whole():
    import asyncio

    from reemud.web.security import Guard

    reached = []

    async def app(scope, receive, send):
        reached.append(await receive())

    messages = iter([{"type": "http.request", "body": b'{"scenario": "minam', "more_body": True},
                     {"type": "http.disconnect"}])

    async def receive():
        return next(messages)

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/jobs", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]}
    asyncio.run(Guard(app, token=None, max_body_bytes=1000, secret=b"s")(scope, receive, send))
    assert reached == []  # the app never saw the half body
    assert sent == []


def test_the_editor_runs_the_text_as_typed_when_asked(client):
    client.get("/")
    text = load_scenario().text
    r = client.post("/scenarios/minamitorishima-2027/jobs", data={
        "kind": "run", "seed": "0", "csrf_token": client.cookies["reemud_csrf"],
        "use_text": "1", "text": text, "f:deposit.area_km2": "50"}, follow_redirects=False)
    assert r.status_code == 303
    assert queue.get(client.app.state.engine, 1).scenario_text == text  # the fields ignored


def test_the_editor_names_a_refused_seed(client):
    client.get("/")
    r = client.post("/scenarios/minamitorishima-2027/jobs", data={
        "kind": "run", "seed": "-1", "csrf_token": client.cookies["reemud_csrf"]})
    assert r.status_code == 422
    assert "seed: Input should be greater than or equal to 0 (got -1)" in r.text
    assert "errors.pydantic.dev" not in r.text
