import pytest

from reemud.errors import ScenarioError
from reemud.scenario import bundled_scenarios, load_scenario, parse_scenario

THREE_MISTAKES = """
[deposit]
water_depth_m = "5.6 kg"

[collector]
mud_dry_t_per_day = -350

[lifting]
pump_efficency = 0.8
"""


def test_three_mistakes_named_at_once():
    with pytest.raises(ScenarioError) as info:
        parse_scenario(THREE_MISTAKES, "bad.toml")
    problems = info.value.problems
    assert [p.path for p in problems] == ["deposit.water_depth_m", "collector.mud_dry_t_per_day",
                                          "lifting.pump_efficency"]
    assert str(problems[1]) == ("`collector.mud_dry_t_per_day`: must be > 0 (got -350). "
                                "It is the dry mass the miner delivers per operating day.")
    assert problems[2].fix.startswith("Did you mean `pump_efficiency`?")
    assert "Cannot convert from 'kilogram'" in problems[0].fix
    assert isinstance(info.value, ValueError)


def test_unit_strings_are_converted_once():
    sc = parse_scenario('[deposit]\nwater_depth_m = "5.6 km"\narea_km2 = "1e8 m**2"\n'
                        '[collector]\nmud_dry_t_per_day = "14.5833333 t/hour"\navailability = "75 %"')
    assert sc.stages["deposit"].params.water_depth_m == pytest.approx(5600.0)
    assert sc.stages["deposit"].params.area_km2 == pytest.approx(100.0)
    assert sc.stages["collector"].params.mud_dry_t_per_day == pytest.approx(350.0, rel=1e-8)
    assert sc.stages["collector"].params.availability == pytest.approx(0.75)


@pytest.mark.parametrize(("spec", "nominal"), [
    ('{ dist = "triangular", low = 200, mode = 350, high = 400 }', 350.0),
    ('{ dist = "uniform", low = 200, high = 400 }', 300.0),
    ('{ dist = "normal", mean = 330, sd = 20 }', 330.0),
    ('{ dist = "pert", low = 1, mode = 2, high = 9, value = 3 }', 3.0),
    ('{ dist = "discrete", values = [100, 350], weights = [0.2, 0.8] }', 350.0),
    ('{ dist = "uniform", low = 8, high = 16, unit = "t/hour" }', 288.0),
])
def test_distribution_nominal_values(spec, nominal):
    sc = parse_scenario(f"[collector]\nmud_dry_t_per_day = {spec}")
    assert sc.stages["collector"].params.mud_dry_t_per_day == pytest.approx(nominal)
    assert "collector.mud_dry_t_per_day" in sc.uncertain


def test_lognormal_mode():
    import math
    sc = parse_scenario('[collector]\nmud_dry_t_per_day = { dist = "lognormal", mu = 6, sigma = 0.5 }')
    assert sc.stages["collector"].params.mud_dry_t_per_day == pytest.approx(math.exp(6 - 0.25))


def test_bad_distribution_and_stage_and_model():
    text = ('[collector]\nmud_dry_t_per_day = { dist = "triangular", low = 5, mode = 1, high = 3 }'
            '\n[lifter]\nx = 1\n[leaching]\nmodel = "magic"')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    messages = [str(p) for p in info.value.problems]
    assert any("`lifter`: is not a stage" in m and "did you mean [lifting]?" in m
               for m in messages)
    assert any("`leaching.model`: must be one of kinetic_cstr, takaya2015 (got 'magic')" in m
               for m in messages)
    assert any("`collector.mud_dry_t_per_day`: needs low <= mode <= high" in m for m in messages)


def test_cross_stage_checks():
    text = "[collector]\nmining_bottom_mbsf = 12\n[lifting]\nsolids_volume_fraction = 0.3"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    paths = [p.path for p in info.value.problems]
    assert paths == ["collector.mining_bottom_mbsf", "lifting.solids_volume_fraction"]


def test_invalid_toml_reports_syntax():
    with pytest.raises(ScenarioError, match="must be valid TOML"):
        parse_scenario("[deposit\n")


def test_unknown_name_reports_bundled():
    with pytest.raises(ScenarioError, match="must be a bundled scenario"):
        load_scenario("no-such-scenario")


def test_bundled_scenarios_present():
    assert set(bundled_scenarios()) == {"minamitorishima-2027", "minamitorishima-commercial",
                                        "meti-jogmec-2016"}
    assert load_scenario().name == "minamitorishima-2027"
    assert load_scenario("minamitorishima-commercial").stages[
        "collector"].params.mud_dry_t_per_day == 3500


def test_params_are_frozen():
    from pydantic import ValidationError
    sc = load_scenario()
    with pytest.raises(ValidationError, match="frozen"):
        sc.stages["collector"].params.availability = 1.0


def test_offset_temperature_units():
    sc = parse_scenario('[leaching]\ntemperature_c = "303.15 K"\n')
    assert sc.stages["leaching"].params.temperature_c == pytest.approx(30.0)
    sc = parse_scenario('[leaching]\ntemperature_c = "86 degF"\n')
    assert sc.stages["leaching"].params.temperature_c == pytest.approx(30.0)
