"""One scale for every source (reemud.security.sources): credit and allocation by hand."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reemud.cli import app
from reemud.elements import INDEX, N_ELEMENTS
from reemud.security import sources


def test_credit_cost_by_hand():
    w = np.zeros(N_ELEMENTS)
    p = np.zeros(N_ELEMENTS)
    w[INDEX["Nd"]], w[INDEX["La"]], w[INDEX["Ce"]] = 0.2, 0.3, 0.5
    p[INDEX["Nd"]], p[INDEX["La"]], p[INDEX["Ce"]] = 60.0, 1.0, 2.0
    # (10 - 0.3*1 - 0.5*2) / 0.2 = 43.5
    assert sources.credit_cost(10.0, w, p, "Nd") == pytest.approx(43.5, rel=1e-12)
    assert np.isnan(sources.credit_cost(10.0, w, p, "Dy"))


def test_every_source_says_where_its_number_comes_from():
    rows = sources.comparison()
    names = [r["source"] for r in rows]
    for expected in ("china-ionic-clay", "bayan-obo", "mountain-pass", "mt-weld-lynas",
                     "recycling-magnets", "recycling-nimh", "mud (chain)"):
        assert expected in names
    for r in rows:
        assert r["provenance"]
        if not np.isfinite(r["credit_usd_per_kg_Nd"]):
            assert "NOT FOUND" in r["provenance"] or "no Dy" in r["provenance"] \
                or r["source"] == "mountain-pass"


def test_lynas_value_allocation_recovers_the_mixed_cost():
    from reemud.market import data as md
    from reemud.security.model import reference_prices

    lynas = next(r for r in sources.comparison() if r["source"] == "mt-weld-lynas")
    w = md.compositions()["monazite-australia"]
    p = reference_prices()
    c = 17.9
    assert lynas["value_usd_per_kg_Nd"] == pytest.approx(c * p[INDEX["Nd"]] / np.dot(w, p),
                                                         rel=1e-9)
    assert lynas["credit_usd_per_kg_Nd"] == pytest.approx(
        sources.credit_cost(c, w, p, "Nd"), rel=1e-12)


def test_mud_entry_is_the_chains():
    from reemud.chain import run
    from reemud.scenario import load_scenario

    k = run(load_scenario(sources.MUD_SCENARIO)).kpis
    mud = next(r for r in sources.comparison() if r["source"] == "mud (chain)")
    assert mud["kwh_per_kg"] == pytest.approx(k["energy_kwh_per_kg_reo"])
    assert mud["kg_co2_per_kg"] == pytest.approx(k["co2_kg_per_kg_reo"])
    assert "levelised unit cost" in mud["provenance"]


def test_cli_sources_table_json_and_chart(tmp_path):
    chart = tmp_path / "sources.html"
    result = CliRunner().invoke(app, ["market", "sources", "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    assert "not published" in result.output
    assert chart.is_file()
    data = json.loads(CliRunner().invoke(app, ["market", "sources", "--json"]).output)
    assert len(data["rows"]) == len(sources.comparison())


def _row(name):
    return next(r for r in sources.comparison() if r["source"] == name)


def test_credit_cost_on_the_draw_axis_equals_scalar_calls():
    from reemud.market import data as md
    from reemud.security.model import reference_prices

    w, p = md.compositions()["monazite-australia"], reference_prices()
    costs = np.array([10.0, 17.9, 250.0])
    drawn = sources.credit_cost(costs, w, p, "Nd")
    assert drawn.shape == (3,)
    for c, d in zip(costs, drawn, strict=True):
        assert d == pytest.approx(sources.credit_cost(c, w, p, "Nd"), rel=1e-12)


def test_the_mud_range_is_its_monte_carlo_interval():
    from reemud.security.model import chain_run
    from reemud.stages.common import price_decks

    draws = sources.mud_cost_draws()
    assert draws.shape == (sources.MUD_DRAWS,)
    assert np.isfinite(draws).all()
    low, high = np.percentile(draws, sources.RANGE_PERCENTILES)
    oxide = np.asarray(chain_run(sources.MUD_SCENARIO).records["refining"].oxide_t_per_year)
    prices = np.asarray(price_decks()["usgs-argus-2024"], dtype=float)
    mud = _row("mud (chain)")
    for t in sources.TARGETS:
        assert mud[f"credit_usd_per_kg_{t}_low"] == pytest.approx(
            sources.credit_cost(low, oxide / oxide.sum(), prices, t), rel=1e-12)
        assert mud[f"credit_usd_per_kg_{t}_high"] == pytest.approx(
            sources.credit_cost(high, oxide / oxide.sum(), prices, t), rel=1e-12)
        assert mud[f"credit_usd_per_kg_{t}_low"] < mud[f"credit_usd_per_kg_{t}"] \
            < mud[f"credit_usd_per_kg_{t}_high"]
        assert mud[f"value_usd_per_kg_{t}_low"] < mud[f"value_usd_per_kg_{t}"]
    # the deterministic commercial run is the uncertain scenario at its modes
    assert 200 < low < 230.3137573783919 < high < 300
    assert "256 Monte Carlo draws" in mud["range"]


def test_published_ranges_map_through_and_missing_ones_stay_nan():
    mp = _row("mountain-pass")
    assert (mp["credit_usd_per_kg_Nd_low"], mp["credit_usd_per_kg_Nd"],
            mp["credit_usd_per_kg_Nd_high"]) == (40.0, 60.0, 60.0)
    lynas = _row("mt-weld-lynas")  # one published number: no range, never a made-up one
    assert np.isnan(lynas["credit_usd_per_kg_Nd_low"])
    assert lynas["range"] == ""
    clay = _row("china-ionic-clay")
    assert (clay["kg_co2_per_kg_low"], clay["kg_co2_per_kg_high"]) == (17.8, 24.3)
    assert clay["kg_co2_per_kg"] == pytest.approx((17.8 + 24.3) / 2)
    assert "doi:10.3390/pr10071354" in clay["footprint_provenance"]


def test_every_footprint_has_its_provenance_or_says_not_found():
    for r in sources.comparison():
        assert r["footprint_provenance"]
        assert r["footprint_basis"]
        if not np.isfinite(r["kwh_per_kg"]) or not np.isfinite(r["kg_co2_per_kg"]):
            assert "NOT FOUND" in r["footprint_provenance"], r["source"]


def test_the_seawater_and_sorbent_ranges_bracket_their_defaults():
    for name in ("seawater, pumped plant (pumping only)",
                 "seawater, moored sorbent (uranium analogy)",
                 "biosorption, Chlorella vulgaris (sorbent only)"):
        r = _row(name)
        assert r["credit_usd_per_kg_Nd_low"] < r["credit_usd_per_kg_Nd"] \
            < r["credit_usd_per_kg_Nd_high"], name
    pumped = _row("seawater, pumped plant (pumping only)")
    assert pumped["kwh_per_kg_low"] < pumped["kwh_per_kg"] < pumped["kwh_per_kg_high"]
    # moored: US$1,230 → 326 and 1,430 per kg U scale linearly
    moored = _row("seawater, moored sorbent (uranium analogy)")
    assert moored["credit_usd_per_kg_Nd_low"] / moored["credit_usd_per_kg_Nd"] == \
        pytest.approx(326 / 1230, rel=1e-12)


def test_biosorb_on_the_pregnant_leach_liquor_by_hand():
    from reemud.security.model import chain_run
    from reemud.sources import biosorption as b

    leach = chain_run(sources.MUD_SCENARIO).records["leaching"]
    rows = {(r["sorbent"], r["element"]): r for r in sources.biosorb("pls", 1.0)}
    chl = rows[("chlorella-vulgaris", "Nd")]
    c0 = leach.rey_t_per_year[INDEX["Nd"]] / leach.liquor_m3_per_year * 1e6
    assert chl["c0_mg_per_l"] == pytest.approx(c0, rel=1e-12)
    # the single-species batch: c0 - c = d q, q on the Langmuir curve at c
    assert c0 - chl["c_mg_per_l"] == pytest.approx(1.0 * chl["q_mg_per_g"], rel=1e-9)
    assert chl["q_mg_per_g"] == pytest.approx(b.langmuir(chl["c_mg_per_l"], 188.68, 0.029),
                                              rel=1e-9)
    # sorbent per kg: 1000 d / (D (c0 - c) N) with D = 0.9 and N = 10 cycles
    assert chl["kg_sorbent_per_kg"] == pytest.approx(
        1000.0 / (0.9 * (c0 - chl["c_mg_per_l"]) * 10), rel=1e-9)
    assert chl["usd_per_kg"] == pytest.approx(10.0 * chl["kg_sorbent_per_kg"], rel=1e-12)
    fe = leach.composition_g_per_l["Fe"] * 1000
    assert f"Fe {fe:,.4g} mg/L" in chl["competitors"]
    assert "Ca " in chl["competitors"]
    assert chl["note"].startswith("upper bound")
    milt = rows[("salmon-milt", "Dy")]  # no K_L published: undefined, never zero
    assert np.isnan(milt["q_mg_per_g"])
    assert milt["note"].startswith("no K_L")


def test_biosorb_on_the_magnet_solution():
    rows = {(r["sorbent"], r["element"]): r for r in sources.biosorb("hdd-magnet", 2.0)}
    assert set(rows) == {("chlorella-vulgaris", "Nd"), ("salmon-milt", "Nd")}
    chl = rows[("chlorella-vulgaris", "Nd")]
    assert chl["c0_mg_per_l"] == 250.0
    assert "Fe not stated, Ca not stated" in chl["competitors"]


@settings(max_examples=40, deadline=None)
@given(dose=st.floats(min_value=1e-3, max_value=100.0))
def test_biosorb_balances_at_any_dose(dose):
    chl = next(r for r in sources.biosorb("pls", dose) if r["sorbent"] == "chlorella-vulgaris")
    assert 0.0 <= chl["removed"] <= 1.0
    assert chl["c0_mg_per_l"] - chl["c_mg_per_l"] == pytest.approx(dose * chl["q_mg_per_g"],
                                                                   rel=1e-7, abs=1e-9)


def test_cli_biosorb_table_json_and_errors():
    runner = CliRunner()
    result = runner.invoke(app, ["market", "biosorb", "--dose", "2"])
    assert result.exit_code == 0, result.output
    assert "chlorella-vulgaris" in result.output
    assert "competing ions: Fe" in result.output
    data = json.loads(runner.invoke(app, ["market", "biosorb", "hdd-magnet", "--json"]).output)
    assert data["liquor"] == "hdd-magnet"
    assert data["scenario"] is None
    assert {r["sorbent"] for r in data["rows"]} == {"salmon-milt", "chlorella-vulgaris"}
    bad = runner.invoke(app, ["market", "biosorb", "brine"])
    assert bad.exit_code == 2
    assert "liquor 'brine': unknown; choose one of pls, hdd-magnet" in bad.output
    assert "Traceback" not in bad.output
    bad = runner.invoke(app, ["market", "biosorb", "--scenario", "nowhere"])
    assert bad.exit_code == 2
    assert "must be a bundled scenario" in bad.output
    bad = runner.invoke(app, ["market", "biosorb", "--dose", "0"])
    assert bad.exit_code == 2
    assert "--dose" in bad.output


def test_cli_sources_prints_every_provenance():
    result = CliRunner().invoke(app, ["market", "sources"])
    assert result.exit_code == 0, result.output
    assert "Provenance:" in result.output
    flat = " ".join(result.output.split())
    for r in sources.comparison():
        assert f"- {r['source']}:" in flat
    assert "1,041 (300); 950 to 1,213" in flat


def test_the_docs_figures_are_the_programs():
    """The figures docs/models/sources.md quotes for §1.2, §2 and §4, as rounded there."""
    from pathlib import Path

    from reemud.sources import recycling

    doc = Path(__file__).resolve().parents[1] / "docs" / "models" / "sources.md"
    text = " ".join(doc.read_text(encoding="utf-8").split())
    rows = {(r["sorbent"], r["element"]): r for r in sources.biosorb("pls")}
    chl, dy = rows[("chlorella-vulgaris", "Nd")], rows[("salmon-milt", "Dy")]
    assert (f"Nd {chl['c0_mg_per_l']:.1f} mg/L, Dy {dy['c0_mg_per_l']:.1f} mg/L, with Ca²⁺ "
            "3,054 mg/L and Fe³⁺ 10 mg/L") in text
    assert "Ca 3,054 mg/L" in chl["competitors"]
    assert "Fe 10 mg/L" in chl["competitors"]
    assert (f"{chl['removed']:.1%}".replace("%", " %") + " of the Nd taken up at "
            f"{chl['q_mg_per_g']:.1f} mg/g, {chl['kg_sorbent_per_kg']:.1f} kg of sorbent and "
            f"US${chl['usd_per_kg']:.0f} of sorbent") in text
    low, high = np.percentile(sources.mud_cost_draws(), sources.RANGE_PERCENTILES)
    mud = _row("mud (chain)")
    assert f"US${low:.0f}–{high:.0f}/kg REO" in text
    assert (f"US${mud['credit_usd_per_kg_Nd_low']:,.0f}–{mud['credit_usd_per_kg_Nd_high']:,.0f} "
            "per kg of Nd₂O₃") in text
    assert (f"{mud['kwh_per_kg']:,.0f} kWh and {mud['kg_co2_per_kg']:.0f} kg CO₂ per kg REO"
            in text)
    waste, stock = recycling.published_magnitudes()
    assert (f"{waste['model']:.0f} t/yr of Nd at end of life in 2050 is "
            f"{waste['share_low'] * 100:.0f}–{waste['share_high'] * 100:.0f} % of the forecast"
            in text)
    assert f"its {stock['model']:.0f} t of Nd in Japan's magnet products in 2007 is " \
           f"{stock['share_low'] * 100:.1f} % of the global stock" in text


def test_biosorb_on_a_custom_wastewater():
    rows = {(r["sorbent"], r["element"]): r
            for r in sources.biosorb("custom", 1.0, mg_per_l={"Nd": 100.0, "Ca": 500.0})}
    chl = rows[("chlorella-vulgaris", "Nd")]
    # docs/models/sources.md §2: 100 mg/L at 1 g/L leaves 23.5 mg/L, 76.5 mg/g loaded
    assert chl["c_mg_per_l"] == pytest.approx(23.5, abs=0.05)
    assert chl["q_mg_per_g"] == pytest.approx(76.5, abs=0.05)
    assert chl["competitors"] == "Fe not stated, Ca 500 mg/L"


@pytest.mark.parametrize(("args", "message"), [
    (["custom"], "--mg-per-l: give it with the liquor 'custom' (and only then)"),
    (["pls", "--mg-per-l", "Nd=3"], "--mg-per-l: give it with the liquor 'custom'"),
    (["custom", "--mg-per-l", "Xx=3"], "--mg-per-l 'Xx=3': unknown species 'Xx'; choose one of "
                                       "La, Ce"),
    (["custom", "--mg-per-l", "Nd=-1"], "--mg-per-l 'Nd=-1': the concentration must be a "
                                        "number >= 0 in mg/L, e.g. Nd=30"),
    (["custom", "--mg-per-l", "Nd=1", "--mg-per-l", "Nd=2"], "Nd given twice"),
])
def test_cli_biosorb_refuses_a_bad_custom_liquor(args, message):
    result = CliRunner().invoke(app, ["market", "biosorb", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


@settings(max_examples=60, deadline=None)
@given(item=st.text(max_size=20))
def test_cli_biosorb_any_concentration_text_is_a_table_or_one_clear_error(item):
    result = CliRunner().invoke(app, ["market", "biosorb", "custom", "--mg-per-l", item])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "--mg-per-l" in result.output
