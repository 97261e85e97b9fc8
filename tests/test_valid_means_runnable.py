"""A scenario the loader accepts either runs or fails with one clean error naming the field.

Extremes inside every parameter's stated bounds, found by running the chain at each bound: a
stage that can compute nothing says so (a ``RejectedError``, a ``ScenarioError``) instead of
leaving the KPIs after it silently undefined.
"""

import math

import numpy as np
import pytest

from reemud.chain import NOT_COMPUTABLE, run, run_draws
from reemud.errors import ScenarioError
from reemud.scenario import bundled_scenarios, load_scenario, parse_scenario


def _with(table: str, body: str):
    sc = load_scenario("minamitorishima-commercial")
    return parse_scenario(sc.text.replace("[lifting]", f"[{table}]\n{body}\n\n[lifting]"))


@pytest.mark.parametrize(("table", "body", "path", "phrase"), [
    ("leaching", 'model = "kinetic_cstr"\nliquid_to_solid_l_per_kg = 0.03',
     "leaching.liquid_to_solid_l_per_kg", "the leach extracts no REY"),
    ("leaching", 'model = "kinetic_cstr"\nwash_stages = 0', "leaching.wash_stages",
     "the residue wash returns none of the leached REY"),
    ("refining", 'model = "oxalate_calcination"\noxalic_dosage_g_per_l = 0.001',
     "refining.oxalic_dosage_g_per_l", "precipitates none of the REY"),
])
def test_a_stage_that_makes_nothing_is_a_clean_error(table, body, path, phrase):
    with pytest.raises(ScenarioError) as err:
        run(_with(table, body))
    (problem,) = err.value.problems
    assert problem.path == path
    assert phrase in problem.allowed


@pytest.mark.parametrize("body", [
    "sx_capex_ref_usd = 1e14",  # the cost a million times over: break-even beyond 1,000x
    "vessel_day_rate_usd = 8e10",
])
def test_an_expensive_plant_still_has_a_break_even(body):
    sc = load_scenario("minamitorishima-commercial")
    result = run(parse_scenario(sc.text.replace('model = "dcf"\n', f'model = "dcf"\n{body}\n')))
    k = result.kpis
    assert k["break_even_price_multiplier"] is not None
    assert k["break_even_price_multiplier"] > 1e3
    for name, value in k.items():
        if name not in result.undefined and not isinstance(value, dict):
            assert value is not None, name
            assert math.isfinite(value), name


@pytest.mark.parametrize(("body", "path", "phrase"), [
    ("penetration_h = 0\nrelocation_h = 0\ncylinder_diameter_m = 1e-6", "collector.penetration_h",
     "a spot cycle, a weather or breakdown spell or the offload interval is far too short"),
    ("campaigns = 100000", "collector.campaigns", "at most 12,230 campaigns"),
    ("workable_mean_h = 1e-6", "collector.workable_mean_h",
     "the simulated campaigns deliver no mud"),
])
def test_a_campaign_that_cannot_finish_or_delivers_nothing_is_refused(body, path, phrase):
    sc = load_scenario("minamitorishima-2027")
    text = sc.text.replace('model = "campaign"', f'model = "campaign"\n{body}')
    with pytest.raises(ScenarioError) as err:
        run(parse_scenario(text))
    (problem,) = err.value.problems
    assert problem.path == path
    assert phrase in problem.allowed


# ---------------------------------------------------------------------------------------------
# a KPI is undefined only for a stated reason; one that is not finite otherwise is an error


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_null_kpi_of_a_bundled_scenario_has_its_stated_reason(name):
    result = run(load_scenario(name))
    nulls = sorted(k for k, v in result.kpis.items() if v is None)
    assert sorted(result.undefined) == nulls
    assert result.undefined["irr"] == result.records["economics"].irr_status


def test_a_model_that_designs_no_cascade_states_why_it_has_no_stage_count():
    result = run(_with("separation", 'model = "fixed_recovery"'))
    assert result.kpis["sx_stages"] is None
    assert result.undefined["sx_stages"] == "the fixed_recovery model designs no SX cascade"


def _overflowing_rheology():
    sc = load_scenario("minamitorishima-2027")
    return parse_scenario(sc.text.replace('model = "closed_circulation"',
                                          'model = "closed_circulation"\n'
                                          'yield_stress_coefficient_pa = 1e300'))


def test_a_kpi_null_from_overflow_is_an_error_naming_the_extreme_input():
    # a yield stress of 1e300 Pa: the lift power is NaN, and nothing states a reason for it
    with pytest.raises(ScenarioError) as err:
        run(_overflowing_rheology())
    (problem,) = err.value.problems
    assert problem.path == "lifting.yield_stress_coefficient_pa"
    assert problem.given == 1e300
    assert problem.allowed.startswith("the chain could not compute lift_power_kw, ")
    assert problem.allowed.endswith("an input lies outside where the models hold (an overflow "
                                    "or an undefined operation)")
    assert problem.fix == ("bring lifting.yield_stress_coefficient_pa (default 0.005) back "
                           "towards the default (data/parameters.csv)")


def test_a_draw_whose_kpi_overflows_is_rejected_with_the_reason_the_others_run():
    sc = load_scenario("minamitorishima-2027")
    why: dict = {}
    out = run_draws(sc, {"lifting.yield_stress_coefficient_pa": np.array([0.005, 1e300, 0.01])},
                    reasons=why)
    assert list(why["reason"]) == ["", f"(result).lift_power_kw: {NOT_COMPUTABLE}", ""]
    assert np.isnan(out["npv_usd"][1])
    assert np.isnan(out["resource_reo_t"][1])
    assert out["npv_usd"][0] == pytest.approx(run(sc).kpis["npv_usd"], rel=1e-12)
    assert np.isfinite(out["npv_usd"][2])
