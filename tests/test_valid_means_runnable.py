"""A scenario the loader accepts either runs or fails with one clean error naming the field.

Extremes inside every parameter's stated bounds, found by running the chain at each bound: a
stage that can compute nothing says so (a ``RejectedError``, a ``ScenarioError``) instead of
leaving the KPIs after it silently undefined.
"""

import math

import pytest

from reemud.chain import CAMPAIGN_KPIS, run
from reemud.errors import ScenarioError
from reemud.scenario import load_scenario, parse_scenario

UNDEFINED_BY_DESIGN = {"irr", "payback_years", *CAMPAIGN_KPIS}
"""KPIs undefined for a stated reason (no IRR when the cash flow never turns positive; no
campaign without a campaign model)."""


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
        if name not in UNDEFINED_BY_DESIGN and not isinstance(value, dict):
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
