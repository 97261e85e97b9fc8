"""The supply-security market: balance, price response, co-production, one model for all draws."""

from dataclasses import replace

import numpy as np
import pytest

from reemud.elements import INDEX, N_ELEMENTS, REY
from reemud.market import data as md
from reemud.market.dynamics import X_MAX, clear_world, simulate, undisrupted
from reemud.market.outcomes import offsets_t
from reemud.security.analysis import outcomes
from reemud.security.model import draw_values, market_inputs, run_market, run_market_draws
from reemud.security.scenario import parse_market_scenario

DISRUPTED = """
[market]
years = 12
demand_elasticity_scale = { dist = "uniform", low = 0.6, high = 1.4 }
china_elasticity_ratio = { dist = "uniform", low = 0.5, high = 1.5 }
build_lag_years = { dist = "triangular", low = 2, mode = 4, high = 7 }
supply_elasticity = { dist = "uniform", low = 0.0, high = 0.6 }

[[disruption]]
supplier = "China"
elements = ["Tb", "Dy", "Y"]
importers = "all"
start = 2026
duration_years = 2
let_through = { dist = "uniform", low = 0.1, high = 0.9 }

[[disruption]]
supplier = "China"
elements = "all"
importers = ["JP"]
start = 2027.5
duration_months = 3
let_through = 0.0

[[disruption]]
supplier = "Myanmar"
elements = "all"
start = 2029
duration_years = 1
let_through = 0.3
"""


@pytest.fixture(scope="module")
def draws_run():
    sc = parse_market_scenario(DISRUPTED, "test")
    values = draw_values(sc, 64, seed=3)
    return sc, values, run_market(sc, values, 64)


def _imbalances(run):
    """Recompute each period's balance from the recorded flows (China's zone and ex-China)."""
    p = run.paths
    s_china = p.supply_china_t_per_year
    s_ex = p.supply_ex_china_t_per_year.sum(axis=2)
    d = p.consumption_t_per_year
    china = s_china - d[:, :, 0] - p.exports_t_per_year - p.china_stock_change_t_per_year
    ex = (s_ex + p.exports_t_per_year + p.release_t_per_year.sum(axis=2)
          - p.refill_t_per_year.sum(axis=2) - d[:, :, 1:].sum(axis=2))
    scale = s_china + s_ex
    return np.abs(china) / scale, np.abs(ex) / scale


def test_every_period_of_every_draw_balances(draws_run):
    _, _, run = draws_run
    china, ex = _imbalances(run)
    assert china.max() < 1e-9
    assert ex.max() < 1e-9
    assert run.paths.balance_residual.max() < 1e-9
    assert (run.paths.china_stock_change_t_per_year >= -1e-9).all()
    assert (run.paths.stock_t >= -1e-9).all()


def test_prices_rise_when_supply_is_cut_and_fall_back(draws_run):
    sc, _, run = draws_run
    years = sc.years
    dy = INDEX["Dy"]
    ratio = run.paths.price_multiple_ex_china[:, :, dy] / run.reference.price_multiple_ex_china[
        :, :, dy]
    before = years < 2026
    during = (years >= 2026) & (years < 2028)
    np.testing.assert_allclose(ratio[:, before], 1.0, rtol=1e-12)
    assert (ratio[:, during].max(axis=1) > 1.2).all()
    late = years >= 2033
    assert (ratio[:, late] < 1.25).all()


def test_a_full_let_through_changes_nothing():
    sc = parse_market_scenario(DISRUPTED.replace("let_through = 0.0", "let_through = 1.0")
                               .replace("let_through = 0.3", "let_through = 1.0")
                               .replace('{ dist = "uniform", low = 0.1, high = 0.9 }', "1.0"))
    run = run_market(sc)
    full_reference = simulate(undisrupted(run.inputs))  # every field (run.reference keeps a few)
    for name in ("price_multiple_importer", "consumption_t_per_year", "stock_t"):
        np.testing.assert_array_equal(getattr(run.paths, name), getattr(full_reference, name))
    assert np.isnan(run.reference.stock_t).all()  # not kept: NaN, never a silent zero


def test_co_produced_elements_move_together(draws_run):
    """Each supplier's elements come in its ore's proportions, so they rise and fall together."""
    sc, values, run = draws_run
    p, base = run.paths, run.base
    phi = base.china_separated
    np.testing.assert_allclose(p.supply_china_t_per_year,
                               (p.output_t_per_year * phi) @ base.composition, rtol=1e-12)
    by_group = np.stack([(p.output_t_per_year * (1 - phi) * (base.group == g)) @ base.composition
                         for g in range(len(md.GROUPS))], axis=2)
    np.testing.assert_allclose(p.supply_ex_china_t_per_year, by_group, rtol=1e-12, atol=1e-9)
    # cutting Myanmar's mine to 30 % in 2029 cuts all of its elements by the same 70 %
    uncut = parse_market_scenario(DISRUPTED.replace('supplier = "Myanmar"', 'supplier = "China"\n'
                                                    'importers = ["RoW"]').replace(
        "let_through = 0.3", "let_through = 1.0"), "test")
    other = run_market(uncut, values, 64)
    j = int(np.flatnonzero(sc.years == 2029)[0])
    myanmar = base.suppliers.index("myanmar-ionic-clay")
    np.testing.assert_allclose(p.output_t_per_year[:, j, myanmar]
                               / other.paths.output_t_per_year[:, j, myanmar], 0.3, rtol=1e-12)
    lost = other.paths.supply_china_t_per_year[:, j] - p.supply_china_t_per_year[:, j]
    np.testing.assert_allclose(lost, 0.7 * other.paths.output_t_per_year[:, j, myanmar, None]
                               * base.composition[myanmar], rtol=1e-9)


def test_the_balance_problem_demand_for_nd_over_produces_ce():
    """More Nd demand raises every mine's basket: new capacity brings Ce that lowers its price."""
    sc = parse_market_scenario("[market]\nyears = 15\nmud_scenario = \"none\"\n")
    inputs, _ = market_inputs(sc)
    demand = np.array(inputs.demand_t_per_year)
    demand[:, INDEX["Nd"]] *= 1.5
    base, pulled = simulate(inputs), simulate(replace(inputs, demand_t_per_year=demand))
    ce, nd = INDEX["Ce"], INDEX["Nd"]
    ratio = pulled.price_multiple_china[0] / base.price_multiple_china[0]
    assert ratio[0, nd] > 2.0  # Nd is short at first
    assert pulled.capacity_t_per_year[0, -1].sum() > base.capacity_t_per_year[0, -1].sum()
    assert ratio[-1, ce] < 0.9  # the capacity built for Nd floods the market with Ce


def test_draws_equal_the_model_draw_by_draw(draws_run):
    sc, values, run = draws_run
    for i in (0, 17, 63):
        one = run_market(sc, {k: v[i:i + 1] for k, v in values.items()}, 1)
        for name in ("price_multiple_importer", "consumption_t_per_year", "stock_t",
                     "exports_t_per_year", "capacity_t_per_year"):
            np.testing.assert_allclose(getattr(run.paths, name)[i], getattr(one.paths, name)[0],
                                       rtol=1e-10, atol=1e-9)


def test_blocks_and_threads_do_not_change_the_draws():
    sc = parse_market_scenario(DISRUPTED, "test")
    a = run_market_draws(sc, 50, seed=1, block=7, workers=2)
    b = run_market_draws(sc, 50, seed=1, block=50, workers=1)
    for m in a.outcomes:
        np.testing.assert_allclose(a.outcomes[m], b.outcomes[m], rtol=1e-12, equal_nan=True)


def test_offsets_add_up_to_consumption(draws_run):
    _, _, run = draws_run
    out = outcomes(run)
    parts = sum(out[f"offset_{n}_t"] for n in ("china", "other_mines", "mud", "recycling",
                                                "stockpile"))
    np.testing.assert_allclose(parts, out["offset_consumption_t"], rtol=1e-9, atol=1e-6)


def test_a_japan_only_embargo_hits_japan_first():
    sc = parse_market_scenario("""
[market]
years = 3
periods_per_year = 12
japan_stock_fill = 0
refill_rate_per_year = 0
[[disruption]]
supplier = "China"
elements = ["Dy"]
importers = ["JP"]
start = 2025.5
duration_months = 2
let_through = 0
""")
    run = run_market(sc)
    dy = INDEX["Dy"]
    jp, us = md.IMPORTERS.index("JP"), md.IMPORTERS.index("US")
    m = run.paths.price_multiple_importer[0, :, :, dy] / run.reference.price_multiple_importer[
        0, :, :, dy]
    hit = (sc.years >= 2025.5) & (sc.years < 2025.5 + 2 / 12)
    assert (m[hit, jp] > 1.05).all()
    assert (m[hit, us] <= 1.0 + 1e-12).all()  # the others buy at China's price
    out = outcomes(run)
    assert out["shortage_t"][0, jp, dy] > 0
    assert out["shortage_t"][0, us, dy] == 0


def test_stockpile_releases_cover_the_shortfall_then_refill():
    text = """
[market]
years = 6
japan_stock_fill = 1
[[disruption]]
supplier = "China"
elements = ["Dy"]
importers = ["JP"]
start = 2026
duration_years = 1
let_through = 0.5
"""
    run = run_market(parse_market_scenario(text))
    jp, dy = md.IMPORTERS.index("JP"), INDEX["Dy"]
    release = run.paths.release_t_per_year[0, :, jp, dy]
    licensed = run.paths.licensed_t_per_year[0, 1, jp, dy]
    need = run.reference.exports_t_per_year[0, 1, dy] * run.base.china_export_share[jp, dy]
    assert release[1] == pytest.approx(min(need - licensed, run.paths.stock_t[0, 0, jp, dy]),
                                       rel=1e-12)
    assert release[0] == 0
    assert release[2:].sum() == 0
    assert run.paths.refill_t_per_year[0, 2, jp, dy] > 0  # refills after the disruption


@pytest.mark.parametrize(("eps_c", "eps_x"), [(0.2, 0.2), (0.1, 0.4), (0.5, 0.05)])
def test_clear_world_solves_the_two_zone_market(eps_c, eps_x):
    rng = np.random.default_rng(0)
    a_c, a_x = rng.uniform(10, 1000, 500), rng.uniform(10, 1000, 500)
    s = (a_c + a_x) * rng.uniform(0.3, 3.0, 500)
    x = clear_world(a_c, a_x, eps_c, eps_x, s)
    cleared = x < X_MAX * (1 - 1e-9)
    demand = a_c * x ** -eps_c + a_x * x ** -eps_x
    np.testing.assert_allclose(demand[cleared], s[cleared], rtol=1e-11)
    assert (demand[~cleared] >= s[~cleared]).all()  # at the choke price demand still exceeds it
    if eps_c == eps_x:  # closed form
        np.testing.assert_allclose(x, np.minimum(((a_c + a_x) / s) ** (1 / eps_c), X_MAX),
                                   rtol=1e-13)


def test_monthly_periods_move_the_same_tonnes_as_years_without_disruption():
    yearly = run_market(parse_market_scenario("[market]\nyears = 1\nmud_scenario = \"none\"\n"))
    monthly = run_market(parse_market_scenario(
        "[market]\nyears = 1\nperiods_per_year = 12\nmud_scenario = \"none\"\n"))
    y = yearly.paths.consumption_t_per_year[0, 0].sum()
    m = monthly.paths.consumption_t_per_year[0].sum(axis=(1, 2)).mean()
    assert m == pytest.approx(y, rel=0.02)


def test_no_draws_and_undisrupted_reference_share_shapes():
    sc = parse_market_scenario("[market]\nyears = 2\n")
    inputs, _ = market_inputs(sc)
    ref = simulate(undisrupted(inputs))
    assert ref.consumption_t_per_year.shape == (1, 2, 1 + len(md.IMPORTERS), N_ELEMENTS)
    assert not ref.binding.any()


def test_offsets_of_an_unrestricted_importer_in_a_binding_period_are_chinese():
    sc = parse_market_scenario("""
[market]
years = 2
[[disruption]]
supplier = "China"
elements = ["Tb"]
importers = ["JP", "EU"]
start = 2025
let_through = 0.2
""")
    run = run_market(sc)
    disrupted = np.ones_like(run.inputs.let_through, dtype=bool)
    off = offsets_t(run.paths, run.inputs.let_through, disrupted, 1)
    us, tb = md.IMPORTERS.index("US"), INDEX["Tb"]
    assert run.paths.binding[0, 0, tb]
    assert off["china"][0, us, tb] == pytest.approx(off["consumption"][0, us, tb], rel=1e-12)
    assert REY[tb] == "Tb"


def test_a_drawn_value_runs_as_the_same_value_written_in_the_file():
    sc = parse_market_scenario('[market]\nstart_year = 2030\nyears = 8\n'
                               'quota_growth_per_year = { dist = "uniform", low = 0, high = 0.2 }\n'
                               'build_lag_years = { dist = "uniform", low = 2, high = 7 }\n')
    values = draw_values(sc, 3, seed=5)
    many = run_market(sc, values, 3)
    for i in range(3):
        fixed = parse_market_scenario(
            f"[market]\nstart_year = 2030\nyears = 8\n"
            f"quota_growth_per_year = {float(values['market.quota_growth_per_year'][i])!r}\n"
            f"build_lag_years = {float(values['market.build_lag_years'][i])!r}\n")
        one = run_market(fixed)
        np.testing.assert_allclose(many.paths.price_multiple_importer[i],
                                   one.paths.price_multiple_importer[0], rtol=1e-12)


def test_the_2010_backcast_keeps_the_quotas_binding_until_they_end():
    """What docs/models/supply-security.md §4 says the backcast misses: the quotas bind 2010-2014
    (in 2012-2014 exports fell below them), and the market reunifies when they end in 2015."""
    from reemud.security import backcast

    paths, _, years = backcast.run_2010()
    dy = INDEX["Dy"]
    binding = dict(zip(years.astype(int).tolist(), paths.binding[0, :, dy].tolist(), strict=True))
    assert [binding[y] for y in range(2010, 2015)] == [True] * 5
    assert not binding[2009]
    assert not binding[2015]
    assert backcast.ramp_up_rate(paths, years) == pytest.approx(backcast.ramp_up_2010())
