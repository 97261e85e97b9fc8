"""The chain on the draw axis (reemud.batch) against the chain run draw by draw."""

import numpy as np
import pytest

from reemud import economics, registry
from reemud.batch import run_draws, unsupported
from reemud.environment import deposit_area_km2, deposit_areas_km2
from reemud.scenario import load_scenario, parse_scenario
from reemud.stages.common import canonical, draw_groups, map_groups
from reemud.uncertainty import evaluate

PLUME = "plume_area_km2_above_1mm"


def _inputs(n, *, campaign=False):
    """One or more drawn parameters in every stage, a rejected draw of each kind."""
    rng = np.random.default_rng(7)
    inputs = {
        "deposit.porosity": rng.uniform(0.72, 0.8, n),
        "collector.plume_escape_fraction": rng.uniform(0.005, 0.02, n),
        "lifting.solids_volume_fraction": rng.uniform(0.04, 0.08, n),
        "beneficiation.pressure_drop_kpa": rng.uniform(80, 150, n),
        "leaching.temperature_c": rng.uniform(20, 60, n),
        "leaching.tanks": rng.uniform(0.6, 5.4, n),  # an integer parameter: rounded
        "separation.stage_residence_min": rng.uniform(2, 5, n),
        "refining.oxalic_dosage_g_per_l": rng.uniform(5, 30, n),
        "environment.generator_efficiency": rng.uniform(0.35, 0.45, n),
        "economics.price_multiplier": rng.uniform(0.8, 6, n),
        "market.world_production_t_reo": rng.uniform(3e5, 4e5, n),
    }
    if not campaign:
        inputs["collector.mud_dry_t_per_day"] = rng.uniform(2500, 4500, n)
    inputs["deposit.porosity"][0] = 0.97  # cross-stage rule: solids fraction above 1 - porosity
    inputs["economics.price_multiplier"][1] = -1.0  # outside the parameter's bounds
    return inputs


def _assert_matches_loop(scenario, inputs):
    draws = run_draws(scenario, inputs, guards=True)  # every stage balances every element
    loop = evaluate(scenario, inputs, 0, vectorised=False)
    assert set(draws) == set(loop)
    for kpi, ref in loop.items():
        got = draws[kpi]
        np.testing.assert_array_equal(np.isnan(got), np.isnan(ref), err_msg=kpi)
        # the plume footprint is counted on a grid shared by a scale bin (grid resolution)
        np.testing.assert_allclose(got, ref, rtol=3e-3 if kpi == PLUME else 1e-9, err_msg=kpi)
    return draws


def test_draw_axis_equals_draw_by_draw_commercial():
    draws = _assert_matches_loop(load_scenario("minamitorishima-commercial"), _inputs(12))
    assert np.isnan(draws["npv_usd"][:2]).all()
    assert np.isfinite(draws["npv_usd"][2:]).all()
    assert np.isfinite(draws["irr"]).any()  # some draws are profitable at price x6


@pytest.mark.slow
def test_draw_axis_equals_draw_by_draw_trial_campaign():
    _assert_matches_loop(load_scenario("minamitorishima-2027"), _inputs(4, campaign=True))


def test_draws_do_not_depend_on_block_or_company():
    sc = load_scenario("minamitorishima-commercial")
    inputs = _inputs(9)
    whole = run_draws(sc, inputs)
    small_blocks = run_draws(sc, inputs, block=2)
    alone = run_draws(sc, {k: v[5:6] for k, v in inputs.items()})
    for kpi in whole:
        np.testing.assert_array_equal(whole[kpi], small_blocks[kpi], err_msg=kpi)
        np.testing.assert_array_equal(whole[kpi][5:6], alone[kpi], err_msg=kpi)


def test_progress_counts_blocks():
    seen = []
    run_draws(load_scenario("minamitorishima-commercial"),
              {"economics.price_multiplier": np.linspace(1, 2, 5)}, block=2, progress=seen.append)
    assert seen == [2, 4, 5]


def test_airlift_on_the_draw_axis_equals_draw_by_draw():
    sc = load_scenario("minamitorishima-commercial")
    text = "\n".join(line for line in sc.text.splitlines()
                     if not line.startswith("downline_inner_diameter_m")).replace(
        'model = "closed_circulation"', 'model = "airlift"')
    airlift = parse_scenario(text)
    assert unsupported(airlift, ["lifting.solids_volume_fraction"]) is None
    inputs = {"lifting.solids_volume_fraction": np.array([0.05, 0.06, 0.04]),
              "lifting.max_air_kg_per_s": np.array([60.0, 80.0, 0.5])}
    draws = _assert_matches_loop_or_rejected(airlift, inputs, rejected=[2])
    assert np.isfinite(draws["lift_power_kw"][:2]).all()


def _assert_matches_loop_or_rejected(scenario, inputs, rejected):
    """As _assert_matches_loop for the draws a single run can compute; the others (a single run
    raises a ScenarioError for them) are rejected on the draw axis."""
    draws = run_draws(scenario, inputs, guards=True)
    keep = [i for i in range(len(next(iter(inputs.values())))) if i not in rejected]
    loop = evaluate(scenario, {k: v[keep] for k, v in inputs.items()}, 0, vectorised=False)
    for kpi, ref in loop.items():
        np.testing.assert_allclose(draws[kpi][keep], ref, rtol=3e-3 if kpi == PLUME else 1e-9,
                                   err_msg=kpi)
        assert np.isnan(draws[kpi][rejected]).all(), kpi
    return draws


def test_drawn_year_counts_fall_back_to_the_loop():
    sc = load_scenario("minamitorishima-commercial")
    assert unsupported(sc, ["economics.price_multiplier"]) is None
    assert unsupported(sc, ["economics.project_life_years"]) == (
        "economics.project_life_years must be the same on every draw of the draw-axis model")
    with pytest.raises(ValueError, match="cannot run 'minamitorishima-commercial' on the draw "
                                         "axis: economics.project_life_years must be the same"):
        run_draws(sc, {"economics.project_life_years": np.array([20.0, 25.0])})
    # evaluate falls back to the loop and gives the drawn year counts
    out = evaluate(sc, {"economics.project_life_years": np.array([20.0, 25.0])}, 0)
    assert out["npv_usd"][0] != out["npv_usd"][1]


def test_every_draw_axis_model_is_a_registered_model():
    for (stage, name) in registry._DRAW_AXIS:
        registry.get(stage, name)
    assert all(registry.draw_axis(e.stage, e.name) is not None for e in registry.entries())


def test_unknown_path_is_named():
    sc = load_scenario("minamitorishima-commercial")
    with pytest.raises(ValueError, match=r"'economics.price_multipler' is not a parameter of "
                                         r"economics model 'dcf'; did you mean "
                                         r"economics.price_multiplier\?"):
        run_draws(sc, {"economics.price_multipler": np.ones(2)})


def test_monte_carlo_vectorised_equals_loop():
    from pathlib import Path

    from reemud.uncertainty import monte_carlo

    sc = load_scenario(str(Path(__file__).parents[1] / "examples" / "commercial-uncertain.toml"))
    fast = monte_carlo(sc, 16, seed=3)
    slow = monte_carlo(sc, 16, seed=3, vectorised=False)
    for kpi in slow.outputs:
        np.testing.assert_allclose(fast.outputs[kpi], slow.outputs[kpi], rtol=1e-9,
                                   err_msg=kpi)


def test_relations_reject_draws():
    sc = load_scenario("minamitorishima-commercial")
    top = sc.stages["collector"].params.mining_top_mbsf
    out = run_draws(sc, {"collector.mining_bottom_mbsf": np.array([top - 1.0, top + 2.0])})
    assert np.isnan(out["npv_usd"][0])
    assert np.isfinite(out["npv_usd"][1])


# ---------------------------------------------------------------------------------------------
# draw-axis building blocks


def test_draw_groups_share_canonical_values():
    comp = np.array([[0.2, 0.8], [0.2 * (1 + 1e-15), 0.8], [0.5, 0.5]])
    groups = draw_groups((comp, 1), 3.0, np.array([1.0, 1.0, 2.0]))
    assert [list(m) for m, _ in groups] == [[0, 1], [2]]
    (_, first), (_, second) = groups
    np.testing.assert_array_equal(first[0], canonical([0.2, 0.8]))
    assert first[1] == 3.0
    assert first[2] == 1.0
    assert second[2] == 2.0
    # without a drawn column: one group, exact values
    assert draw_groups((np.array([0.1, 0.9]), 1), 2.0)[0][0] == slice(None)


def test_map_groups_spreads_each_group_over_its_draws():
    seen = []

    def compute(x, flag):
        seen.append(x)
        return {"stages": int(x) * 3 if x > 1 else 0, "half": x / 2, "flag": flag > 0}

    out = map_groups(compute, np.array([1.0, 2.5, 1.0, 2.5]), 1.0)
    assert seen == [1.0, 2.5]  # once per distinct value, in the order of first draws
    # an integer from the first group does not truncate the later ones
    np.testing.assert_array_equal(out["stages"], [0.0, 6.0, 0.0, 6.0])
    np.testing.assert_array_equal(out["half"], [0.5, 1.25, 0.5, 1.25])
    assert out["flag"].dtype == bool
    assert out["flag"].all()
    scalar = map_groups(compute, 2.5, 0.0)  # nothing drawn: the single group's values
    assert (float(scalar["half"]), bool(scalar["flag"])) == (1.25, False)


def test_canonical_rounds_to_twelve_digits():
    assert canonical(1.0 + 1e-14) == 1.0
    assert canonical(1.0 + 1e-9) != 1.0


def test_plume_areas_single_class_analytic():
    # one class: thickness M/(2π σ² ρ) exp(-r²/2σ²) >= h  <=>  area = 2π σ² ln(peak/h)
    w, h, u, k, rho = 1e-3, 5.0, 0.05, 0.5, 600.0
    t = h / w
    sigma2 = 2 * k * t
    masses = np.array([1e6, 3e6, 1e7, 2.5e7])
    analytic = 2 * np.pi * sigma2 * np.log(masses / (2 * np.pi * sigma2 * rho) / 1e-3) / 1e6
    kw = dict(class_fractions=np.array([1.0]), settling_velocity_m_per_s=np.array([w]),
              release_height_m=h, current_speed_m_per_s=u, horizontal_diffusivity_m2_per_s=k,
              deposit_dry_density_kg_per_m3=rho)
    areas = deposit_areas_km2(released_kg=masses, **kw)
    np.testing.assert_allclose(areas, analytic, rtol=5e-3)
    single = [deposit_area_km2(released_kg=m, **kw)[0] for m in masses]
    np.testing.assert_allclose(areas, single, rtol=5e-3)
    assert deposit_areas_km2(released_kg=np.array([0.0, 1.0]), **kw).tolist() == [0.0, 0.0]


def test_cash_flow_tools_on_the_draw_axis_equal_one_by_one():
    rng = np.random.default_rng(1)
    flows = rng.normal(size=(400, 12))
    flows[:, 0] = -5 * np.abs(flows[:, 0])
    flows[5, -1] = 0.0  # a zero last flow takes numpy.roots' path
    irr = economics.irr_draws(flows)
    payback = economics.payback_draws(flows)
    for row, rate, years in zip(flows, irr, payback, strict=True):
        ref_rate, _ = economics.irr(row)
        ref_years = economics.payback_years(row)
        assert (np.isnan(rate) if ref_rate is None else rate == ref_rate)
        assert (np.isnan(years) if ref_years is None else years == ref_years)
    assert np.isfinite(irr).sum() > 50
    assert np.isfinite(payback).sum() > 50


def test_yearly_cash_flow_broadcasts_over_draws():
    kw = dict(capex_usd=np.array([1e9, 2e9]), construction_years=2, project_life_years=5,
              revenue_usd_per_year=np.array([4e8, 9e8]), opex_usd_per_year=np.array([1e8, 2e8]),
              royalty_rate=0.01, tax_rate=np.array([0.3, 0.25]),
              ramp_up=(np.array([0.5, 0.6]), 0.8), working_capital_months=2.0)
    both = economics.yearly_cash_flow(**kw)
    for i in range(2):
        one = economics.yearly_cash_flow(**{k: (v[i] if isinstance(v, np.ndarray) else v)
                                            for k, v in kw.items() if k != "ramp_up"},
                                         ramp_up=(kw["ramp_up"][0][i], 0.8))
        for row in ("net", "tax", "losses_carried", "producing", "working_capital"):
            np.testing.assert_array_equal(both[row][i], one[row], err_msg=row)


def test_break_even_bisection_equals_brent():
    def npv(k):
        return economics.npv(0.08, economics.yearly_cash_flow(
            capex_usd=1e9, construction_years=1, project_life_years=10,
            revenue_usd_per_year=2e8 * np.asarray(k), opex_usd_per_year=1e8, royalty_rate=0.0,
            tax_rate=0.3)["net"])

    brent = economics.break_even_factor(lambda k: float(npv(k)))
    bisected = economics.break_even_factor_draws(npv, 3)
    np.testing.assert_allclose(bisected, brent, rtol=1e-9)
    never = economics.break_even_factor_draws(lambda k: np.full(k.shape, -1.0), 2)
    assert np.isnan(never).all()


def test_draws_error_on_mismatched_lengths():
    sc = parse_scenario(load_scenario("minamitorishima-commercial").text, "t")
    with pytest.raises(ValueError, match=r"economics.discount_rate: expected 2 draws, got shape"):
        run_draws(sc, {"economics.price_multiplier": np.ones(2),
                       "economics.discount_rate": np.ones(3) * 0.08})


def test_draw_axis_with_the_simple_leach_and_separation_models():
    text = load_scenario("minamitorishima-commercial").text + (
        '\n[leaching]\nmodel = "takaya2015"\n\n[separation]\nmodel = "fixed_recovery"\n')
    sc = parse_scenario(text, "simple models")
    assert (sc.stages["leaching"].model, sc.stages["separation"].model) == (
        "takaya2015", "fixed_recovery")
    n = 5
    rng = np.random.default_rng(3)
    inputs = {"leaching.liquid_to_solid_l_per_kg": rng.uniform(5, 15, n),
              "separation.recovery": rng.uniform(0.9, 0.99, n),
              "economics.price_multiplier": rng.uniform(1, 5, n)}
    draws = _assert_matches_loop(sc, inputs)
    assert np.isnan(draws["sx_stages"]).all()  # no cascade design


def test_monthly_cash_flow_on_the_draw_axis_equals_draw_by_draw():
    sc = parse_scenario(load_scenario("minamitorishima-commercial").text.replace(
        'model = "dcf"\n', 'model = "dcf"\ncash_flow_periods = "monthly"\n', 1), "monthly")
    inputs = {"economics.price_multiplier": np.array([0.5, 5.0, 8.0, 12.0])}
    draws = _assert_matches_loop(sc, inputs)
    assert np.isfinite(draws["irr"]).all()
    # at half price only the working capital's release in the last month is positive: one sign
    # change, one (meaningless) rate near -100 %, the same as draw by draw
    assert draws["irr"][0] < -0.99
    yearly = run_draws(load_scenario("minamitorishima-commercial"), inputs)
    # a year's flows arrive month by month instead of all at the year's start: the NPV moves
    # by a few per cent, not more
    gap = np.abs(draws["npv_usd"][1:] / yearly["npv_usd"][1:] - 1.0)
    assert ((gap > 1e-3) & (gap < 0.1)).all()


def test_pump_hoisting_on_the_draw_axis_equals_draw_by_draw():
    text = "\n".join(line for line in load_scenario("minamitorishima-commercial").text.splitlines()
                     if not line.startswith("downline_inner_diameter_m")).replace(
        'model = "closed_circulation"', 'model = "pump_hoisting"')
    sc = parse_scenario(text, "pump hoisting")
    rng = np.random.default_rng(11)
    inputs = {"lifting.solids_volume_fraction": rng.uniform(0.03, 0.08, 4),
              "lifting.pump_power_limit_kw": rng.uniform(2e3, 2e4, 4),
              "collector.mud_dry_t_per_day": rng.uniform(2000, 5000, 4)}
    draws = _assert_matches_loop(sc, inputs)
    assert np.isfinite(draws["lift_max_throughput_t_per_day"]).all()


# ---------------------------------------------------------------------------------------------
# regressions found in review


def test_discount_rate_drawn_alone():
    sc = load_scenario("minamitorishima-commercial")
    _assert_matches_loop(sc, {"economics.discount_rate": np.array([0.05, 0.08, 0.1])})


def test_a_draw_breaking_a_rule_does_not_abort_the_others():
    # the second interval is upside down: as a single run it is refused; here it is rejected
    # before any stage runs, and the first draw is computed
    sc = load_scenario("minamitorishima-2027")
    out = run_draws(sc, {"collector.mining_top_mbsf": np.array([0.0, 6.0]),
                         "collector.mining_bottom_mbsf": np.array([5.6, 5.0])})
    assert np.isfinite(out["npv_usd"][0])
    assert np.isnan(out["npv_usd"][1])


def test_no_leach_liquor_keeps_the_economics_defined():
    # no washing: the residue keeps all the liquor, nothing reaches the SX plant
    sc = load_scenario("minamitorishima-commercial")
    draws = _assert_matches_loop(sc, {"leaching.wash_stages": np.array([0.0, 3.0])})
    assert draws["reo_production_t_per_year"][0] == 0.0
    assert np.isnan(draws["sx_stages"][0])
    assert np.isnan(draws["payback_years"][0])


def test_monthly_irr_near_zero_matches_the_single_run():
    sc = parse_scenario(load_scenario("minamitorishima-commercial").text.replace(
        'model = "dcf"\n', 'model = "dcf"\ncash_flow_periods = "monthly"\n', 1), "monthly")
    draws = _assert_matches_loop(sc, {"economics.price_multiplier": np.array([3.2, 3.25, 3.3])})
    assert np.abs(draws["irr"]).max() < 0.01


def test_small_plume_footprints_within_grid_resolution():
    sc = load_scenario("minamitorishima-commercial")
    escape = np.geomspace(6e-5, 0.5, 12)
    draws = run_draws(sc, {"collector.plume_escape_fraction": escape})[PLUME]
    single = evaluate(sc, {"collector.plume_escape_fraction": escape}, 0,
                      vectorised=False)[PLUME]
    assert (single > 0).all()
    np.testing.assert_allclose(draws, single, rtol=1e-2)  # ~2,000 m² footprints: ~15 m²
    large = single > 0.01
    np.testing.assert_allclose(draws[large], single[large], rtol=3e-3)


def test_payback_undefined_for_undefined_flows():
    assert np.isnan(economics.payback_draws([[np.nan, 1.0, 2.0]])).all()
    assert economics.payback_draws([[-1.0, 2.0]])[0] == 0.5


def test_no_draws_gives_empty_kpis():
    sc = load_scenario("minamitorishima-commercial")
    out = run_draws(sc, {"economics.price_multiplier": np.array([])})
    assert out["npv_usd"].shape == (0,)
    assert set(out) == set(run_draws(sc, {"economics.price_multiplier": np.ones(1)}))


def test_unknown_stage_is_named():
    sc = load_scenario("minamitorishima-commercial")
    with pytest.raises(ValueError, match=r"'economy.price_multiplier': 'economy' is not a stage; "
                                         r"stages are deposit, collector"):
        run_draws(sc, {"economy.price_multiplier": np.ones(2)})


def test_draw_axis_guard_names_the_draw():
    from reemud.chain import check_mass_balance
    from reemud.errors import MassBalanceError
    from reemud.records import Draws

    good = np.ones((3, 15))
    bad = good.copy()
    bad[1, 3] = 1.5
    records = {"collector": Draws(rey_t_per_year=good, escaped_rey_t_per_year=0.0 * good),
               "lifting": Draws(rey_t_per_year=bad),
               "beneficiation": Draws(rey_t_per_year=bad, tailings_rey_t_per_year=0.0,
                                      dewatering_loss_rey_t_per_year=0.0),
               "leaching": Draws(rey_t_per_year=bad, residue_rey_t_per_year=0.0),
               "separation": Draws(product_rey_t_per_year=bad, loss_rey_t_per_year=0.0),
               "refining": Draws(element_t_per_year=bad, loss_rey_t_per_year=0.0)}
    with pytest.raises(MassBalanceError, match=r"lifting does not conserve Nd in draw 1: in 1.0 "
                                               r"t/yr, out 1.5 t/yr"):
        check_mass_balance(records)
