import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from reemud.cli import app
from reemud.elements import REY

runner = CliRunner()


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("out")


def test_run_json_twice_identical_and_stored(out_dir):
    first = runner.invoke(app, ["run", "--json", "--out", str(out_dir), "--seed", "7"])
    second = runner.invoke(app, ["run", "--json", "--out", str(out_dir), "--seed", "7"])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    payload = json.loads(first.stdout)
    assert payload["seed"] == 7
    assert (out_dir / "report.html").is_file()
    assert (out_dir / "reemud.db").is_file()
    shown = runner.invoke(app, ["db", "show", "2", "--out", str(out_dir), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == payload


def test_run_prints_summary(out_dir):
    result = runner.invoke(app, ["run", "minamitorishima-commercial", "--out", str(out_dir)])
    assert result.exit_code == 0, result.output
    assert "npv_usd" in result.stdout
    assert ("undefined (none: cash flow never changes sign): irr\n"
            "undefined (the cash flow does not pay the capital back within the project life): "
            "payback_years\n") in result.stdout
    listed = runner.invoke(app, ["db", "list", "--out", str(out_dir)])
    assert "minamitorishima-commercial" in listed.stdout


def test_validate_names_all_three_mistakes_and_exits_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[deposit]\nwater_depth_m = "5.6 kg"\n[collector]\nmud_dry_t_per_day = -350\n'
                   "[lifting]\npump_efficency = 0.8\n")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    text = result.stderr
    assert "3 problem(s)" in text
    assert "deposit.water_depth_m" in text
    assert "collector.mud_dry_t_per_day: must be > 0 (got -350)" in text
    assert "lifting.pump_efficency" in text
    assert "Did you mean `pump_efficiency`?" in text
    assert "Traceback" not in result.output


def test_run_bad_scenario_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[collector]\navailability = 2\n")
    result = runner.invoke(app, ["run", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "collector.availability: must be <= 1 (got 2)" in result.stderr
    assert "Traceback" not in result.output


def test_validate_good_file():
    result = runner.invoke(app, ["validate", "minamitorishima-2027"])
    assert result.exit_code == 0
    assert "valid scenario 'minamitorishima-2027'" in result.stdout


def test_scenarios_list_and_show():
    listed = runner.invoke(app, ["scenarios", "list"])
    assert "minamitorishima-commercial" in listed.stdout
    shown = runner.invoke(app, ["scenarios", "show", "minamitorishima-2027"])
    assert 'lift_rate_dry_t_per_h = 14.58' in shown.stdout


def test_literature_passes_and_json():
    result = runner.invoke(app, ["literature", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(r["pass"] for r in rows)
    assert {r["kind"] for r in rows} == {"validation", "calibration"}


def test_db_show_unknown_run(out_dir):
    result = runner.invoke(app, ["db", "show", "999", "--out", str(out_dir)])
    assert result.exit_code == 2
    assert "no run with id 999" in result.stderr


def test_report_is_offline(tmp_path):
    assert runner.invoke(app, ["run", "--json", "--out", str(tmp_path)]).exit_code == 0
    html = (tmp_path / "report.html").read_text()
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html)
    for heading in ("Key results", "Cost breakdown", "Oxide production by element",
                    "Grade-depth profile", "Assumed numbers", "Literature checks",
                    "Lift operating envelope", "Airlift curve", "Pipe-string tension",
                    "Campaign tonnage", "Cyclone partition curves", "Grade-recovery curve",
                    "Leach extraction surface"):
        assert f"<h2>{heading}</h2>" in html
    assert "plotly" in html.lower()


EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml")


def test_mc_json_is_reproducible_and_reports_undefined_irr():
    first = runner.invoke(app, ["mc", EXAMPLE, "-n", "8", "--seed", "3", "--json"])
    second = runner.invoke(app, ["mc", EXAMPLE, "-n", "8", "--seed", "3", "--json"])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["uncertain"] == ["economics.price_multiplier", "economics.offshore_capex_ref_usd",
                                 "economics.environmental_baseline_usd", "economics.discount_rate"]
    assert data["kpis"]["npv_usd"]["n"] == 8
    assert data["kpis"]["irr"]["n"] == 0  # NPV < 0 at every rate: no IRR, reported as such
    assert data["kpis"]["irr"]["mean"] is None


def test_mc_on_a_scenario_without_distributions_exits_2():
    result = runner.invoke(app, ["mc", "minamitorishima-commercial", "-n", "4"])
    assert result.exit_code == 2
    assert "has no uncertain parameter" in result.stderr


def test_sensitivity_rejects_unknown_kpi_before_running():
    result = runner.invoke(app, ["sensitivity", EXAMPLE, "-n", "4", "--kpi", "npv"])
    assert result.exit_code == 2
    assert "unknown scalar KPI(s) npv; choose from" in result.stderr


def test_sensitivity_json_indices_sum_near_one_for_additive_npv():
    result = runner.invoke(app, ["sensitivity", EXAMPLE, "-n", "64", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["indices"]
    assert [r["parameter"] for r in rows][0] == "economics.price_multiplier"
    s1 = sum(r["S1"] for r in rows)
    assert 0.7 < s1 < 1.3  # NPV is nearly additive in price, capex and rate


def test_mc_and_sensitivity_write_html_reports(tmp_path):
    mc = runner.invoke(app, ["mc", EXAMPLE, "-n", "8", "--report", str(tmp_path / "mc.html")])
    sens = runner.invoke(app, ["sensitivity", EXAMPLE, "-n", "4",
                               "--report", str(tmp_path / "sens.html")])
    assert mc.exit_code == 0, mc.output
    assert sens.exit_code == 0, sens.output
    mc_html = (tmp_path / "mc.html").read_text()
    for heading in ("Distribution of npv_usd", "Convergence", "Tornado"):
        assert f"<h2>{heading}</h2>" in mc_html
    assert "8 draws (lhs, seed 0)" in mc_html
    assert "<h2>Sobol&#x27; indices</h2>" in (tmp_path / "sens.html").read_text()


def test_breakeven_json_and_unknown_parameter():
    found = runner.invoke(app, ["breakeven", "minamitorishima-commercial",
                                "economics.price_multiplier", "1", "10", "--json"])
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert data["status"] == "found"
    assert data["kpi_at_low"] < 0 < data["kpi_at_high"]
    typo = runner.invoke(app, ["breakeven", "minamitorishima-commercial",
                               "collector.mud_dry_tpd", "1000", "20000"])
    assert typo.exit_code == 2
    assert ("'collector.mud_dry_tpd' is not a parameter of collector model "
            "'throughput_availability'; did you mean collector.mud_dry_t_per_day?") in typo.stderr


def test_sweep_argument_errors_exit_2(tmp_path):
    both = runner.invoke(app, ["sweep", EXAMPLE, "--resume", "1", "--out", str(tmp_path)])
    assert both.exit_code == 2
    assert "give a SCENARIO for a new sweep or --resume SWEEP_ID, not both" in both.stderr
    runner.invoke(app, ["run", "minamitorishima-commercial", "--out", str(tmp_path)])
    missing = runner.invoke(app, ["sweep", "--resume", "7", "--out", str(tmp_path)])
    assert missing.exit_code == 2
    assert "no sweep 7 in the store; `reemud db sweeps` lists them" in missing.stderr
    export = runner.invoke(app, ["db", "export", "7", str(tmp_path / "x.parquet"),
                                 "--out", str(tmp_path)])
    assert export.exit_code == 2
    assert "no sweep with id 7 in the store" in export.stderr


@pytest.mark.slow
def test_sweep_cli_stores_reports_and_exports(tmp_path):
    import pandas as pd

    result = runner.invoke(app, ["sweep", EXAMPLE, "-n", "20", "--chunk-size", "6", "--workers",
                                 "1", "--seed", "3", "--out", str(tmp_path), "--json",
                                 "--report", str(tmp_path / "sweep.html")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["sweep_id"], data["n"], data["chunk_size"]) == (1, 20, 6)
    mc = json.loads(runner.invoke(app, ["mc", EXAMPLE, "-n", "20", "--seed", "3",
                                        "--json"]).stdout)
    assert data["kpis"] == mc["kpis"]  # the sweep is the same Monte Carlo, bit for bit
    assert "<h2>Distribution of npv_usd</h2>" in (tmp_path / "sweep.html").read_text()
    export = runner.invoke(app, ["db", "export", "1", str(tmp_path / "d.parquet"),
                                 "--out", str(tmp_path)])
    assert export.exit_code == 0, export.output
    frame = pd.read_parquet(tmp_path / "d.parquet")
    assert frame["draw"].tolist() == list(range(20))
    # per-element KPIs: one column per element, summing to the scalar total
    oxides = [f"out:oxide_production_t_per_year[{s}]" for s in REY]
    np.testing.assert_allclose(frame[oxides].sum(axis=1), frame["out:reo_production_t_per_year"],
                               rtol=1e-12)


def test_breakeven_json_of_an_undefined_kpi_is_valid_json():
    result = runner.invoke(app, ["breakeven", "minamitorishima-commercial",
                                 "economics.price_multiplier", "0.5", "1.0", "--kpi", "irr",
                                 "--target", "0.05", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["value"], data["kpi_at_low"], data["kpi_at_high"]) == (None, None, None)
    assert data["status"] == "irr is undefined at an end of the bracket"


def test_campaign_cli_equals_the_simulation():
    from reemud.collector import campaign
    from reemud.scenario import load_scenario
    from reemud.stages.collector import campaign_spec

    result = runner.invoke(app, ["campaign", "-n", "4", "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    sc = load_scenario("minamitorishima-2027")
    spec = campaign_spec(sc.stages["collector"].params, _deposit(sc))
    tonnes = campaign.simulate_campaigns(spec, 4, 2)["tonnes"]
    assert data["tonnes_mean"] == pytest.approx(float(np.mean(tonnes)), rel=1e-12)
    # pipe running: the string run down to 5,600 m at 490 m/day, once per campaign
    assert data["mean_hours"]["pipe running"] == pytest.approx(5600.0 / (490.0 / 24.0), rel=1e-12)


def _deposit(sc):
    from reemud.chain import Chain

    return Chain(sc).run_from("deposit", {}).records["deposit"]


def test_campaign_runs_on_every_bundled_scenario():
    from reemud.scenario import bundled_scenarios

    for name in bundled_scenarios():
        result = runner.invoke(app, ["campaign", name, "-n", "5", "--json"])
        assert result.exit_code == 0, (name, result.output)
        payload = json.loads(result.stdout)
        assert payload["scenario"] == name
        assert payload["tonnes_mean"] > 0


def test_as_campaign_keeps_the_shared_collector_parameters():
    from reemud.scenario import as_campaign, load_scenario

    sc = load_scenario("minamitorishima-commercial")
    camp = as_campaign(sc)
    assert camp.stages["collector"].model == "campaign"
    for name in ("mining_top_mbsf", "mining_bottom_mbsf"):
        assert getattr(camp.stages["collector"].params, name) == \
            getattr(sc.stages["collector"].params, name)
    assert as_campaign(camp) is camp
