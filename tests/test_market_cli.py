"""``reemud market``: presets run, tables and JSON, bad files get one clear error, runs are stored."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reemud.cli import app
from reemud.errors import ScenarioError
from reemud.security.scenario import parse_market_scenario, presets

runner = CliRunner()


@pytest.mark.slow
@pytest.mark.parametrize("preset", sorted(presets()))
def test_every_preset_runs_and_is_stored(preset, tmp_path):
    result = runner.invoke(app, ["market", "disrupt", preset, "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["run_id"] == 1
    assert payload["kpis"]["market_balance_residual"] < 1e-9
    assert payload["kpis"]["market_shortage_t"]  # some importer-element was hit
    listed = runner.invoke(app, ["db", "show", "1", "--out", str(tmp_path), "--json"])
    assert listed.exit_code == 0, listed.output
    stored = json.loads(listed.stdout)
    assert stored["kpis"]["market_shortage_t"] == pytest.approx(
        payload["kpis"]["market_shortage_t"], rel=1e-12)


def test_disrupt_monte_carlo_and_report(tmp_path):
    report = tmp_path / "disrupt.html"
    result = runner.invoke(app, ["market", "disrupt", "licences-2025-04", "--n", "40",
                                 "--importer", "JP", "--json", "--out", str(tmp_path),
                                 "--report", str(report)])
    assert result.exit_code == 0, result.output
    mc = json.loads(result.stdout)["monte_carlo"]
    assert mc["n"] == 40
    assert mc["balance_residual_max"] < 1e-9
    p5, p50, p95 = mc["by_pair"]["JP:Dy"]["peak_price_multiple"]
    assert p5 <= p50 <= p95
    assert p5 > 1.0
    html = report.read_text(encoding="utf-8")
    assert "Price uncertainty over 40 draws" in html
    assert "Shortage paths" in html


def test_supply_risk_coverage_json():
    supply = json.loads(runner.invoke(app, ["market", "supply", "--json"]).stdout)
    assert supply["mined_t_per_year"]["China"][0] > 0
    assert supply["reserves_t"]["China"] == 44e6
    assert 0.9 < supply["china_separation_share"] < 1.0
    risk = json.loads(runner.invoke(app, ["market", "risk", "--json"]).stdout)
    assert set(risk) == {"offtake", "before", "after"}
    cov = runner.invoke(app, ["market", "coverage", "--json"])
    assert cov.exit_code == 0, cov.output
    cov = json.loads(cov.stdout)
    assert len(cov["years"]) == 30
    dy = cov["elements"].index("Dy")
    assert cov["years_of_world_demand"][dy] == pytest.approx(
        cov["resource_t"][dy] / supply["world_t_per_year"]["Dy"], rel=1e-12)


BAD = """
[market]
years = -3
periods_per_year = 4
offtake_jp = 0.8
offtake_us = 0.5

[[disruption]]
supplier = "Chna"
elements = ["Dy", "Sc"]
importers = ["JP", "KR"]
start = "April 2025"
duration_months = 2
duration_years = 1
let_through = 1.5
colour = "red"
"""


def test_a_bad_disruption_file_lists_every_problem(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    result = runner.invoke(app, ["market", "disrupt", str(path)])
    assert result.exit_code == 2
    err = result.stderr
    assert "Traceback" not in err
    for text in ("market.years: must be >= 1 (got -3). It is the number of years simulated.",
                 "market.periods_per_year: must be 1 (years) or 12 (months) (got 4)",
                 "disruption[0].colour: is not a disruption key (got 'red')",
                 "disruption[0].supplier: must be \"China\" (export licences) or a supplier or "
                 "country of market_suppliers.csv (got 'Chna'). did you mean \"China\"?",
                 "disruption[0].elements: is not one of the elements (reemud tracks La-Lu and "
                 "Y; Sc and Pm are not modelled) (got 'Sc')",
                 "disruption[0].importers: is not one of the importers (got 'KR')",
                 "disruption[0].start: must be a date (2025-04-04), \"YYYY-MM\" or a decimal "
                 "year (2025.25) (got 'April 2025')",
                 "disruption[0].duration_months: give duration_months or duration_years, not "
                 "both (got 2)",
                 "disruption[0].let_through: must be a share between 0 (embargo) and 1 (no "
                 "restriction), or a distribution (got 1.5)"):
        assert text in err, text
    assert "problem(s)" in err.splitlines()[0]


def test_relations_and_missing_files_are_clear(tmp_path):
    path = tmp_path / "rel.toml"
    path.write_text("[market]\nofftake_jp = 0.8\nofftake_us = 0.5\n", encoding="utf-8")
    result = runner.invoke(app, ["market", "validate", str(path)])
    assert result.exit_code == 2
    assert "offtake_jp + offtake_us + offtake_eu must be <= 1 (got 1.3)" in result.stderr
    missing = runner.invoke(app, ["market", "disrupt", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2
    assert "must be a bundled preset" in missing.stderr
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    bad = runner.invoke(app, ["market", "validate", str(binary)])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.stderr


_values = st.one_of(st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=True),
                    st.text(max_size=12), st.lists(st.text(max_size=4), max_size=3))


def _toml(value) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if value != value else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["supplier", "elements", "importers", "start",
                                        "duration_months", "duration_years", "let_through",
                                        "name", "x"]), _values, max_size=8))
def test_fuzzed_disruptions_parse_or_fail_clearly(table):
    text = "[[disruption]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in table.items())
    error = None
    try:
        sc = parse_market_scenario(text, "fuzz")
    except ScenarioError as exc:  # the only exception a bad file may raise
        error = exc
    if error is not None:
        assert error.problems
        assert all(p.path and p.fix for p in error.problems)
        return
    d = sc.disruptions[0]
    assert 0.0 <= d.let_through <= 1.0
    assert d.end_year > d.start_year


@pytest.mark.parametrize(("text", "message"), [
    ('[market]\nchina_demand_share = { dist = "uniform", low = 0.7, high = 0.9 }\n',
     "market.china_demand_share: cannot be a distribution: it fixes the base market or the "
     "horizon"),
    ('[market]\nsupply_elasticity = { dist = "normal", mean = 0.3, sd = 0.5 }\n',
     "market.supply_elasticity: must be a bounded distribution"),
    ('[[disruption]]\nsupplier = "China"\nelements = "all"\nimporters = "all"\nstart = 2026\n'
     'let_through = { dist = "normal", mean = 0.4, sd = 0.5 }\n',
     "disruption[0].let_through: the distribution must stay within 0-1"),
    ('[[disruption]]\nsupplier = "China"\nelements = "all"\nimporters = "all"\n'
     'start = 9999-12-31\nlet_through = 0\n', "disruption[0].start: must lie between 1900 and 2500"),
    ('[[disruption]]\nsupplier = "China"\nelements = "all"\nimporters = "all"\nstart = 1e300\n'
     'let_through = 0\n', "disruption[0].start: must lie between 1900 and 2500"),
    ('[[disruption]]\nsupplier = "China"\nelements = "all"\nimporters = "all"\nstart = 2100\n'
     'let_through = 0\n', "disruption[0].start: the disruption must overlap the simulated years "
     "2025-2055"),
    ('[[disruption]]\nsupplier = "Japan"\nelements = ["Dy"]\nstart = 2026\nlet_through = 0\n',
     "disruption[0].elements: an output cut takes every element of the supplier's ore"),
    ('scenario = "x"\n', "scenario: must be a table (got 'x')"),
])
def test_hostile_market_files_get_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["market", "validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_cutting_every_mine_keeps_the_run_finite_and_balanced(tmp_path):
    mines = ["china-rock", "china-ionic-clay", "United States", "Myanmar", "Australia",
             "Nigeria", "Thailand", "India", "Russia", "Brazil"]
    text = "[market]\nyears = 6\n" + "".join(
        f'[[disruption]]\nsupplier = "{s}"\nstart = 2027\nduration_years = 1\nlet_through = 0\n'
        for s in mines)
    path = tmp_path / "allcut.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["market", "disrupt", str(path), "--json", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["kpis"]
    assert kpis["market_balance_residual"] < 1e-9
    assert all(v >= 0 for v in kpis["market_time_to_peak_years"].values())


@pytest.mark.parametrize(("args", "message"), [
    (["--n", "2000000"], "--n must be at most 1,000,000 (got 2000000)"),
    (["--importer", "KR"], "--importer must be one of JP, US, EU, RoW or all (got 'KR')"),
    (["--method", "grid"], "--method must be lhs, sobol or random (got 'grid')"),
])
def test_bad_disrupt_options_exit_2(args, message, tmp_path):
    result = runner.invoke(app, ["market", "disrupt", "licences-2025-04", "--out", str(tmp_path),
                                 *args])
    assert result.exit_code == 2
    assert message in result.stderr
