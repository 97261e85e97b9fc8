"""Japan's rare-earth stock model (reemud.sources.recycling): balances, steady state, draw axis."""

import numpy as np
import pytest
from flodym import WeibullLifetime

from reemud.elements import INDEX
from reemud.sources import recycling


def test_constant_inflow_settles_at_inflow_times_mean_lifetime():
    mean, shape = 8.0, 2.5
    stock = recycling.inflow_driven_stock(
        np.arange(200), np.full(200, 3.0), WeibullLifetime, weibull_shape=shape,
        weibull_scale=recycling.weibull_scale(mean, shape))
    assert stock.stock.values[-1] == pytest.approx(3.0 * mean, rel=1e-3)
    assert stock.outflow.values[-1] == pytest.approx(3.0, rel=1e-6)


def test_weibull_scale_gives_the_mean():
    from scipy.stats import weibull_min

    scale = recycling.weibull_scale(13.51, 3.0)
    assert weibull_min.mean(3.0, scale=scale) == pytest.approx(13.51, rel=1e-12)


def test_every_flow_balances_in_every_year_product_and_draw():
    flows = recycling.japan_stock_model(recycling.draw_parameters(40, seed=3), chunk=16)
    change = np.diff(flows.stock_t, axis=1, prepend=0.0)
    np.testing.assert_allclose(flows.inflow_t - flows.end_of_life_t, change, atol=1e-9)
    assert (flows.recovered_t <= flows.collected_t + 1e-12).all()
    assert (flows.collected_t <= flows.end_of_life_t + 1e-12).all()
    assert (flows.recovered_t >= 0).all()


def test_a_broken_balance_is_caught(monkeypatch):
    def leak(mfa):
        mfa.flows["recovered"].values[...] *= 1.01  # 1 % more out of recovery than comes in

    monkeypatch.setattr(recycling, "_break_hook", leak)
    with pytest.raises(ValueError, match="Mass balance check failed for the following processes: "
                                         "sysenv .*, recovery"):
        recycling.japan_stock_model()


def test_a_broken_stock_is_caught(monkeypatch):
    def drop(mfa):
        mfa.stocks["use"].stock.values[10] *= 0.5

    monkeypatch.setattr(recycling, "_break_hook", drop)
    with pytest.raises(ValueError, match="does not balance"):
        recycling.japan_stock_model()


def test_draw_axis_equals_a_loop_of_single_draws():
    values = recycling.draw_parameters(7, seed=11)
    together = recycling.japan_stock_model(values, chunk=3)
    for k in range(7):
        one = recycling.japan_stock_model({name: v[k] for name, v in values.items()})
        np.testing.assert_allclose(together.recovered_t[k], one.recovered_t[0], rtol=1e-12)
        np.testing.assert_allclose(together.stock_t[k], one.stock_t[0], rtol=1e-12)


def test_recovered_flow_by_hand_for_the_default_run():
    flows = recycling.default_flows()
    j = flows.products.index("hybrid-nimh")
    t = int(np.searchsorted(flows.years, 2040))
    collection = recycling.recycling_parameter("hybrid-nimh", "collection")["value"]
    process_yield = recycling.recycling_parameter("hybrid-nimh", "process_yield")["value"]
    assert flows.recovered_t[0, t, j] == pytest.approx(
        flows.end_of_life_t[0, t, j] * collection * process_yield, rel=1e-12)
    # the NiMH split puts 50 % of the recovered rare earths in La (then oxide factor of La2O3)
    reo = flows.recovered_reo_t(("hybrid-nimh",))[0, t]
    la_factor = 2 * (138.90547 + 1.5 * 15.999) / (2 * 138.90547)
    assert reo[INDEX["La"]] == pytest.approx(0.5 * flows.recovered_t[0, t, j] * la_factor,
                                             rel=1e-3)


def test_left_out_products_say_why():
    left = {r["product"]: r["assumed"] for r in recycling.excluded_products()}
    assert set(left) == {"hard-disk-drive", "industrial-motor"}
    assert all(reason.startswith("left out:") for reason in left.values())


def test_the_market_gets_the_recovered_oxide_or_nothing():
    from reemud.security.model import recycling_schedule

    years = np.array([1990.0, 2030.0, 2030.5, 2060.0])
    magnets = recycling_schedule("japan-stock-model", "ndfeb-magnet-stock", years)
    flows = recycling.default_flows()
    t = int(np.searchsorted(flows.years, 2030))
    expected = flows.recovered_reo_t(("hybrid-motor", "room-air-conditioner",
                                      "wind-turbine"))[0, t].sum()
    assert magnets[0] == 0.0
    assert magnets[1] == pytest.approx(expected)
    assert magnets[2] == magnets[1]
    assert magnets[3] == pytest.approx(flows.recovered_reo_t(
        ("hybrid-motor", "room-air-conditioner", "wind-turbine"))[0, -1].sum())
    assert (recycling_schedule("none", "ndfeb-magnet-stock", years) == 0).all()


def test_an_unknown_recycling_model_is_refused():
    from reemud.errors import ScenarioError
    from reemud.security.scenario import parse_market_scenario

    with pytest.raises(ScenarioError, match="market.recycling_model"):
        parse_market_scenario('[market]\nrecycling_model = "magic"\n', "t")


def test_cli_recycling_table_json_and_chart(tmp_path):
    import json

    from typer.testing import CliRunner

    from reemud.cli import app

    chart = tmp_path / "recycling.html"
    result = CliRunner().invoke(app, ["market", "recycling", "--step", "10", "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    assert "hybrid-nimh" in result.output
    assert "not counted: hard-disk-drive" in result.output
    assert "in use [t RE]" in chart.read_text()
    out = CliRunner().invoke(app, ["market", "recycling", "--json"])
    data = json.loads(out.output)
    flows = recycling.default_flows()
    assert data["recovered_t"][-1] == pytest.approx(flows.recovered_t[0, -1].tolist())
    assert set(data["left_out"]) == {"hard-disk-drive", "industrial-motor"}


def test_cli_recycling_refuses_a_folder_for_the_chart(tmp_path):
    from typer.testing import CliRunner

    from reemud.cli import app

    result = CliRunner().invoke(app, ["market", "recycling", "--plot", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.output


def test_published_magnitudes_are_labelled_context_with_the_models_share():
    flows = recycling.default_flows()
    waste, stock = recycling.published_magnitudes(flows)
    nd = flows.by_element("end_of_life")[0, :, :, INDEX["Nd"]].sum(axis=1)
    year = int(np.searchsorted(flows.years, 2050))
    assert waste["model"] == pytest.approx(nd[year], rel=1e-12)
    assert (waste["published_low"], waste["published_high"]) == (3866.0, 4217.0)
    assert waste["share_high"] == pytest.approx(nd[year] / 3866.0, rel=1e-12)
    assert 0.1 < waste["share_low"] < waste["share_high"] < 0.3  # the left-out products
    assert stock["published_low"] == 62.6e3
    assert stock["share_low"] < 0.05
    for m in (waste, stock):
        assert m["label"].startswith("context, not a check")
        assert "doi:" in m["source"]
    assert "hard-disk-drive" in waste["label"]
