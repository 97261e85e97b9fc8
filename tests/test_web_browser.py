"""The web app in a real browser: Debian's Chromium, driven by Playwright, against a served app.

Every page is screenshot into the test output folder (``test-output/web``, or
``$REEMUD_TEST_OUTPUT/web``). A console error or an uncaught page error (a script the content
security policy refused, a failed request) fails the test that caused it.
"""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from webserver import CHROMIUM, CHROMIUM_ARGS, Server, output_folder

pytestmark = [pytest.mark.web, pytest.mark.slow]

SHOTS = output_folder("web")
SCENARIO = "minamitorishima-2027"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(tmp_path_factory.mktemp("browser"), 2) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors = []
    # the editor's check-as-you-type gets 422 for a bad value, which the browser logs; any other
    # error (a refused script, a failed request) fails the test
    expected = "Failed to load resource: the server responded with a status of 422"
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and not m.text.startswith(expected) else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == []


def shot(page, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png", full_page=False)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _run_from_editor(page, area: str | None = None) -> float:
    """Open the 2027 scenario, set the block's area if given, run it; its resource [t REO]."""
    page.goto("/")
    page.locator("#scenarios tr", has_text=SCENARIO).get_by_role("link", name="open").click()
    expect(page.locator("h1")).to_have_text(SCENARIO)
    if area is not None:
        page.get_by_label("deposit.area_km2").fill(area)
        expect(page.locator("#validity")).to_have_text("valid")
    page.locator("#run-button").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    shot(page, "job-progress")
    page.locator("#result-link").click(timeout=120_000)
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))
    return _number(page.locator('[data-prov-key="resource_reo_t"]').first.inner_text())


def test_edit_a_parameter_run_and_see_the_kpi_change(page):
    base = _run_from_editor(page)
    page.wait_for_selector(".figure .main-svg")  # the report's figures, drawn by plotly.js
    shot(page, "run")
    half = _run_from_editor(page, "50")
    assert half / base == pytest.approx(50 / 105, rel=2e-4)  # four digits shown
    page.goto("/")
    shot(page, "index")


def test_a_bad_value_shows_the_clis_message_beside_its_field(page):
    page.goto(f"/scenarios/{SCENARIO}")
    page.get_by_label("deposit.porosity").fill("2")
    problem = page.locator('tr[data-problem-for="deposit.porosity"]')
    expect(problem).to_be_visible()
    expect(problem).to_have_text("deposit.porosity: must be < 1 (got 2). It is the porosity of "
                                 "the in-situ mud (void volume / total volume).")
    expect(page.locator('tr.field[data-path="deposit.porosity"]')).to_have_class(
        re.compile("invalid"))
    problem.scroll_into_view_if_needed()
    shot(page, "editor-invalid")
    page.get_by_label("deposit.porosity").fill("0.775")
    expect(problem).to_be_hidden()
    page.goto(f"/scenarios/{SCENARIO}")
    shot(page, "editor")


def test_compare_two_runs(page, server):
    ids = [server.post("/api/jobs", json={"scenario": SCENARIO, "edits": edits}).json()["id"]
           for edits in ({}, {"economics.price_multiplier": "1.5"})]
    runs = [j["run_id"] for j in server.wait_jobs(ids)]
    page.goto("/runs")
    for run_id in runs:
        page.get_by_label(f"compare run {run_id}").check()
    page.get_by_role("button", name="Compare the ticked runs").click()
    expect(page).to_have_url(re.compile(r"/compare\?ids="))
    expect(page.locator("#compare tr.differs", has_text="npv_usd")).to_have_count(1)
    expect(page.locator("#compare tr.same", has_text="resource_reo_t")).to_have_count(1)
    expect(page.locator("#param-diff")).to_contain_text("economics.price_multiplier")
    shot(page, "compare")


def test_run_a_disruption_preset(page):
    page.goto("/market")
    page.wait_for_selector(".figure .main-svg")
    shot(page, "market")
    page.locator('button[data-preset="embargo-2010-japan"]').click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    page.locator("#result-link").click(timeout=120_000)
    expect(page.locator("h1")).to_contain_text("market:embargo-2010-japan")
    expect(page.locator("#risk")).to_contain_text("HHI mining")
    expect(page.locator("#outcomes tr", has_text="JP:Nd")).to_have_count(1)
    page.wait_for_selector(".figure .main-svg")
    shot(page, "market-run")


def test_open_a_numbers_provenance(page, server):
    job = server.post("/api/jobs", json={"scenario": SCENARIO}).json()
    run_id = server.wait_jobs([job["id"]])[0]["run_id"]
    page.goto(f"/runs/{run_id}")
    page.locator('[data-prov-key="resource_reo_t"]').first.click()
    panel = page.locator("#prov-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("layered")
    expect(panel).to_contain_text("docs/models/deposit.md")
    shot(page, "provenance-kpi")
    page.goto(f"/scenarios/{SCENARIO}")
    mark = page.locator('[data-prov-key="collector.campaign_days"]')
    from reemud.scenario import load_scenario

    line = next(i for i, text in enumerate(load_scenario().text.splitlines(), 1)
                if text.startswith("campaign_days"))
    assert mark.get_attribute("title") == (f"scenario line {line}: assumed: trial length on site "
                                           "not published")
    mark.click()
    expect(panel).to_contain_text("trial length on site not published")
    expect(panel).to_contain_text("scenario line")
    shot(page, "provenance-parameter")


def test_every_other_page(page, server):
    job = server.post("/api/jobs", json={"kind": "mc", "scenario": "commercial-uncertain",
                                         "options": {"n": 16, "sobol": False}}).json()
    sweep_id = server.wait_jobs([job["id"]])[0]["sweep_id"]
    for url, name in (("/mc", "monte-carlo"), (f"/sweeps/{sweep_id}", "sweep"),
                      ("/sources", "sources"), ("/runs", "runs")):
        page.goto(url)
        if name in ("sweep", "sources"):
            page.wait_for_selector(".figure .main-svg")
        shot(page, name)
    expect(page.locator("h1")).to_have_text("Stored runs")
