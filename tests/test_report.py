import numpy as np
import pytest

from reemud import report


@pytest.mark.parametrize("name", ["minamitorishima-2027", "minamitorishima-commercial"])
def test_cash_waterfall_sums_to_the_net_cash_flow(results, name):
    table = results[name].records["economics"].table
    steps = dict(report.cash_waterfall(table))
    assert list(steps) == [s for s, _ in report.WATERFALL_STEPS]
    assert sum(steps.values()) == pytest.approx(float(np.sum(table["net"])), rel=1e-12)
    assert steps["revenue"] > 0
    assert steps["capex"] < 0


def test_run_report_has_the_waterfall(default_result):
    html = report.render(default_result)
    assert "<h2>Cash-flow waterfall</h2>" in html
    assert '"type":"waterfall"' in html


def test_break_even_table_scales_the_deck(results):
    result = results["minamitorishima-commercial"]
    cash = result.records["economics"]
    html = report.render(result)
    m = cash.break_even_price_multiplier
    nd = cash.price_usd_per_kg[3]
    assert "<h2>Break-even</h2>" in html
    assert f"<td>Nd oxide</td><td>{report._fmt(nd)}</td><td>{report._fmt(nd * m)}</td>" in html


def test_break_even_prices_do_not_depend_on_the_run_multiplier():
    from reemud.chain import run
    from reemud.scenario import parse_scenario, read_scenario_text

    text, _ = read_scenario_text("minamitorishima-commercial")
    doubled = parse_scenario(text.replace('model = "dcf"\n', 'model = "dcf"\nprice_multiplier = 2\n',
                                          1), "x2")
    base = report._break_even_section(run(parse_scenario(text, "x1")).records["economics"], 1.0)
    result = run(doubled)
    again = report._break_even_section(result.records["economics"], 2.0)
    assert _nd_break_even(base) == _nd_break_even(again)  # the Nd price needed is the same


def _nd_break_even(html: str) -> str:
    """The last cell of the Nd oxide row of the break-even table."""
    return html.split("<td>Nd oxide</td>")[1].split("</tr>")[0].split("<td>")[-1]


def test_example_lists_its_assumed_range():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml").read_text()
    assumed = {path: reason for path, _, reason in report.scenario_assumptions(text)}
    assert assumed["economics.discount_rate"].startswith("6-10 % brackets the 8 %")


def test_run_report_has_the_supply_security_section(default_result):
    html = report.render(default_result)
    assert "<h2>Supply security</h2>" in html
    for title in ("World mine supply by country and element (base year 2024)",
                  "Price paths under licences-2025-04", "Shortage paths under licences-2025-04",
                  "Supply risk before and after the mud (EU CRM method; GeoPolRisk)",
                  "Rare-earth products in Japan: the recycling stock model (flodym; "
                  "docs/models/sources.md §1)",
                  "One scale for every source: US$ per kg of Nd and Dy oxide (a gap: not "
                  "published; docs/models/sources.md §4)"):
        assert f"<h2>{title}</h2>" in html
    assert html.count("plotly.js v") == 1  # the library is embedded once
    assert "<h2>Every source on one scale: the table</h2>" in html
    assert "<h2>Bio-sorbents on this run's pregnant leach liquor</h2>" in html
    assert "<td>chlorella-vulgaris</td><td>Nd</td>" in html
    assert "21.05; 17.8 to 24.3" in html  # a sourced range reaches the table


def test_a_runs_literature_table_holds_its_own_checks_only(results):
    from reemud.literature import evaluate

    cases = evaluate(["lift-floor-5600", "takaya2018-best-block", "backcast-2025-tb"])
    assert [c.scenarios for c in cases] == [(), ("minamitorishima-2027",), ()]
    commercial = report.render(results["minamitorishima-commercial"], cases)
    assert "takaya2018-best-block" not in commercial
    assert "lift-floor-5600" in commercial
    assert "1 checks of other scenarios (minamitorishima-2027) are left out" in commercial
    trial = report.render(results["minamitorishima-2027"], cases)
    assert "takaya2018-best-block" in trial
    assert "checks of other scenarios" not in trial
